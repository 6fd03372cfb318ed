//! The lessons' sections, as each lesson lists them (`lesson-NAME --list-sections`, from the list
//! in its `lib.rs`), and the check of every text that sends the reader to one:
//! `cargo run -p lesson-NAME -- --section N` in the book's chapters, in its captures' headers, and
//! in the exercises' briefs.
//!
//! A number alone can point at the wrong section once sections are added or moved, so a text that
//! names a section also says its title, in double quotes, after the number (in the same paragraph,
//! or on the same line of a code block):
//!
//! ```text
//! cargo run -p lesson-async -- --section 4   # "Async HTTP: many requests in flight on one thread"
//! ```
//!
//! Once per file and section is enough: the other mentions may give the number alone. A capture's
//! header is written by `cargo xtask book capture` from the same list, so only its number is
//! checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, bail};

use crate::course::Course;

use super::capture::run_lesson;
use super::check::files_under;
use super::expand::CAPTURES_DIR;
use super::source::BookSource;

/// The hidden flag of every lesson that prints its sections, `N. Title` a line (the kit's
/// `lesson::parse` answers it).
const LIST_FLAG: &str = "--list-sections";

/// The titles of a lesson's sections, in order, as the lesson itself lists them.
pub fn list(course: &Course, lesson: &str) -> Result<Vec<String>> {
    parse_list(lesson, &run_lesson(course, lesson, &[LIST_FLAG])?)
}

/// The titles from `--list-sections` output, checking that they are numbered 1, 2, 3...
fn parse_list(lesson: &str, listed: &str) -> Result<Vec<String>> {
    let mut titles = Vec::new();
    for line in listed.lines() {
        let expected = titles.len() + 1;
        match line.split_once(". ") {
            Some((number, title)) if number == expected.to_string() => {
                titles.push(title.to_string());
            }
            _ => bail!(
                "lesson-{lesson} {LIST_FLAG} printed {line:?} where section {expected} was due"
            ),
        }
    }
    if titles.is_empty() {
        bail!("lesson-{lesson} {LIST_FLAG} printed no sections");
    }
    Ok(titles)
}

/// One place where a text sends the reader to a section of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub lesson: String,
    pub number: usize,
    /// The title the text gives it, in double quotes after the number, if it gives one.
    pub title: Option<String>,
    /// 1-based, in the file.
    pub line: usize,
}

/// Every `--section N` in Markdown `text` (a chapter, or the `//!` lines of a brief), with the
/// lesson named before it (`lesson-NAME`) and the title quoted after it. A paragraph of prose is
/// read as one line, since it may wrap anywhere; a code block, line by line. `--section` without
/// a number (`--section N`) is a placeholder, not a mention.
///
/// Mentions that name no lesson come back with an empty `lesson`, for the check to report.
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut found = Vec::new();
    for (logical, lines) in logical_lines(text) {
        let starts: Vec<usize> = logical
            .match_indices("--section")
            .map(|(start, _)| start)
            .collect();
        for (index, &start) in starts.iter().enumerate() {
            let after = &logical[start + "--section".len()..];
            let digits: String = after
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let Ok(number) = digits.parse() else {
                continue;
            };
            let end = starts.get(index + 1).copied().unwrap_or(logical.len());
            found.push(Mention {
                lesson: lesson_before(&logical[..start]),
                number,
                title: quoted(&logical[start..end]),
                line: line_at(&lines, start),
            });
        }
    }
    found
}

/// `NAME` of the last `lesson-NAME` in `text`, or an empty string.
fn lesson_before(text: &str) -> String {
    text.rfind("lesson-")
        .map(|at| {
            text[at + "lesson-".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .unwrap_or_default()
}

/// The text between the first pair of double quotes in `text`.
fn quoted(text: &str) -> Option<String> {
    let (_, rest) = text.split_once('"')?;
    let (title, _) = rest.split_once('"')?;
    Some(title.to_string())
}

/// The lines of `text` as [`mentions`] reads them: each with the (offset, line number) at which
/// each of its physical lines starts.
fn logical_lines(text: &str) -> Vec<(String, Vec<(usize, usize)>)> {
    let mut logical: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    let mut paragraph: Option<(String, Vec<(usize, usize)>)> = None;
    let mut fence: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        let marker = ["```", "~~~"]
            .into_iter()
            .find(|marker| trimmed.starts_with(marker));
        if fence.is_some() || marker.is_some() || trimmed.is_empty() {
            logical.extend(paragraph.take());
            match (fence, marker) {
                (None, Some(marker)) => fence = Some(marker),
                (Some(open), Some(marker)) if open == marker => fence = None,
                _ => {}
            }
            logical.push((line.to_string(), vec![(0, number)]));
            continue;
        }
        let (joined, lines) = paragraph.get_or_insert_with(Default::default);
        if !joined.is_empty() {
            joined.push(' ');
        }
        lines.push((joined.len(), number));
        joined.push_str(trimmed);
    }
    logical.extend(paragraph);
    logical
}

fn line_at(lines: &[(usize, usize)], offset: usize) -> usize {
    lines
        .iter()
        .take_while(|(start, _)| *start <= offset)
        .last()
        .map_or(1, |(_, line)| *line)
}

/// Every problem with the texts that name sections: in the chapters, the exercises' briefs and
/// the captures' headers. Runs each lesson they name, once, for its list.
pub fn check(course: &Course, book: &BookSource) -> Vec<String> {
    let mut texts: Vec<(String, String)> = book
        .chapters
        .iter()
        .map(|chapter| (format!("book/src/{}", chapter.path), chapter.text.clone()))
        .collect();
    for exercise in &course.exercises {
        let place = format!("exercises/{}/src/lib.rs", exercise.name);
        if let Ok(source) = std::fs::read_to_string(course.root.join(&place)) {
            texts.push((place, doc_comment(&source)));
        }
    }
    let (captures, mut problems) = capture_headers(&book.src.join(CAPTURES_DIR));

    let files: Vec<(String, Vec<Mention>)> = texts
        .into_iter()
        .map(|(place, text)| (place, mentions(&text)))
        .collect();
    let named: BTreeSet<&str> = files
        .iter()
        .flat_map(|(_, mentions)| mentions)
        .chain(captures.iter().flat_map(|(_, mentions)| mentions))
        .map(|mention| mention.lesson.as_str())
        .filter(|lesson| !lesson.is_empty())
        .collect();
    let lessons = super::check::lesson_names(course);
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for lesson in named {
        if !lessons.iter().any(|known| known == lesson) {
            continue; // reported where it is named
        }
        match list(course, lesson) {
            Ok(titles) => {
                lists.insert(lesson, titles);
            }
            Err(error) => problems.push(format!(
                "cannot read the sections of lesson-{lesson}, so its mentions go unchecked: \
                 {error:#}"
            )),
        }
    }
    let checker = Checker {
        lessons: &lessons,
        lists: &lists,
    };
    for (place, mentions) in &files {
        problems.extend(checker.check_file(place, mentions, true));
    }
    for (place, mentions) in &captures {
        problems.extend(checker.check_file(place, mentions, false));
    }
    problems
}

/// The `//!` lines at the top of a Rust file, as Markdown.
fn doc_comment(source: &str) -> String {
    source
        .lines()
        .map_while(|line| line.trim_start().strip_prefix("//!"))
        .map(|rest| rest.strip_prefix(' ').unwrap_or(rest))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The section each capture shows, from its header (`# cargo run -p lesson-NAME -- --section N`),
/// and the problems of a header that disagrees with the file's name (`NAME-N.txt`), which
/// `{{#capture NAME-N}}` goes by.
fn capture_headers(dir: &Path) -> (Vec<(String, Vec<Mention>)>, Vec<String>) {
    let mut captures = Vec::new();
    let mut problems = Vec::new();
    for path in files_under(dir) {
        let Some(name) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        let place = format!("book/src/{CAPTURES_DIR}/{name}.txt");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let mentioned = mentions(text.lines().next().unwrap_or_default());
        if let Some((lesson, number)) = name.rsplit_once('-') {
            let agrees = matches!(
                mentioned.as_slice(),
                [mention] if mention.lesson == lesson && mention.number.to_string() == number
            );
            if !agrees {
                problems.push(format!(
                    "{place}:1: should say `# cargo run -p lesson-{lesson} -- --section {number}`, \
                     as its name does; re-run `cargo xtask book capture {lesson}`"
                ));
            }
        }
        captures.push((place, mentioned));
    }
    (captures, problems)
}

/// What the mentions of a file are checked against.
struct Checker<'a> {
    /// Every lesson of the course.
    lessons: &'a [String],
    /// The titles of the sections of every lesson named, in order.
    lists: &'a BTreeMap<&'a str, Vec<String>>,
}

impl Checker<'_> {
    /// The problems with the `mentions` of one file. With `titles_required`, each section the file
    /// names must be titled at least once.
    fn check_file(&self, place: &str, mentions: &[Mention], titles_required: bool) -> Vec<String> {
        let mut problems = Vec::new();
        let mut titled: BTreeMap<(&str, usize), bool> = BTreeMap::new();
        for mention in mentions {
            let at = format!("{place}:{}", mention.line);
            if mention.lesson.is_empty() {
                problems.push(format!(
                    "{at}: `--section {}` names no lesson: write \
                     `cargo run -p lesson-NAME -- --section {}`",
                    mention.number, mention.number
                ));
                continue;
            }
            let lesson = mention.lesson.as_str();
            if !self.lessons.iter().any(|known| known == lesson) {
                problems.push(format!(
                    "{at}: there is no lesson-{lesson}; the lessons are {}",
                    self.lessons.join(", ")
                ));
                continue;
            }
            let Some(titles) = self.lists.get(lesson) else {
                continue; // its list could not be read, which is reported once
            };
            let Some(title) = titles.get(mention.number.wrapping_sub(1)) else {
                problems.push(format!(
                    "{at}: lesson-{lesson} has no section {}; it has {}: {}",
                    mention.number,
                    titles.len(),
                    numbered(titles)
                ));
                continue;
            };
            // A wrong title is reported here, not again as a missing one.
            let was_titled = titled.entry((lesson, mention.number)).or_default();
            *was_titled |= mention.title.is_some();
            match &mention.title {
                Some(said) if said == title => {}
                Some(said) => problems.push(format!(
                    "{at}: section {} of lesson-{lesson} is \"{title}\", not \"{said}\": \
                     fix the number or the title (the lesson's sections: {})",
                    mention.number,
                    numbered(titles)
                )),
                None => {}
            }
        }
        if titles_required {
            for ((lesson, number), was_titled) in titled {
                if was_titled {
                    continue;
                }
                let first = mentions
                    .iter()
                    .find(|mention| mention.lesson == lesson && mention.number == number)
                    .map_or(1, |mention| mention.line);
                let title = &self.lists[lesson][number - 1];
                problems.push(format!(
                    "{place}:{first}: names section {number} of lesson-{lesson} by its number \
                     only: write its title, \"{title}\", in double quotes after the number (once \
                     per file), so that this check notices when the section moves"
                ));
            }
        }
        problems
    }
}

/// `1. First, 2. Second`.
fn numbered(titles: &[String]) -> String {
    titles
        .iter()
        .enumerate()
        .map(|(index, title)| format!("{}. {title}", index + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(lesson: &str, number: usize, title: Option<&str>, line: usize) -> Mention {
        Mention {
            lesson: lesson.to_string(),
            number,
            title: title.map(str::to_string),
            line,
        }
    }

    #[test]
    fn a_mention_has_its_lesson_number_and_title() {
        let text = "Intro.\n\n```console\ncargo run -p lesson-async -- --section 4 --requests 9 # \"Async HTTP\"\ncargo run -p lesson-async -- --section 5\n```\n\nSee `--section N` for one section.\n";
        assert_eq!(
            mentions(text),
            [
                mention("async", 4, Some("Async HTTP"), 4),
                mention("async", 5, None, 5),
            ]
        );
    }

    #[test]
    fn a_paragraph_is_read_as_one_line_wherever_it_wraps() {
        let text = "Lesson: `cargo run -p lesson-async -- --section 4` (\"Async HTTP: many\nrequests\"), and\nlesson-timeouts `--section 1`, \"A time limit\".\n\nNext paragraph \"not a title\".\n";
        assert_eq!(
            mentions(text),
            [
                mention("async", 4, Some("Async HTTP: many requests"), 1),
                mention("timeouts", 1, Some("A time limit"), 3),
            ]
        );
    }

    #[test]
    fn a_mention_without_a_lesson_is_kept_for_the_check() {
        assert_eq!(
            mentions("run it with --section 2"),
            [mention("", 2, None, 1)]
        );
    }

    #[test]
    fn a_list_must_be_numbered_from_one() {
        assert_eq!(
            parse_list("demo", "1. One\n2. Two\n").expect("a list"),
            ["One", "Two"]
        );
        let error = parse_list("demo", "1. One\n3. Three\n").expect_err("a gap");
        assert!(
            error.to_string().contains("where section 2 was due"),
            "{error}"
        );
        assert!(parse_list("demo", "").is_err());
    }

    fn checker_problems(mentions: &[Mention]) -> Vec<String> {
        let lessons = ["async".to_string()];
        let mut lists = BTreeMap::new();
        lists.insert("async", vec!["Lazy".to_string(), "Join".to_string()]);
        let checker = Checker {
            lessons: &lessons,
            lists: &lists,
        };
        checker.check_file("book/src/a.md", mentions, true)
    }

    #[test]
    fn each_kind_of_wrong_mention_says_how_to_fix_it() {
        assert_eq!(
            checker_problems(&[
                mention("async", 2, Some("Join"), 3),
                mention("async", 2, None, 9)
            ]),
            Vec::<String>::new()
        );
        let problems = checker_problems(&[
            mention("async", 3, Some("Gone"), 1),
            mention("async", 1, Some("Lazy futures"), 2),
            mention("async", 2, None, 3),
            mention("sync", 1, None, 4),
            mention("", 1, None, 5),
        ]);
        let expected = [
            "book/src/a.md:1: lesson-async has no section 3; it has 2: 1. Lazy, 2. Join",
            "book/src/a.md:2: section 1 of lesson-async is \"Lazy\", not \"Lazy futures\"",
            "book/src/a.md:4: there is no lesson-sync",
            "book/src/a.md:5: `--section 1` names no lesson",
            "book/src/a.md:3: names section 2 of lesson-async by its number only: write its \
             title, \"Join\"",
        ];
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for (problem, start) in problems.iter().zip(expected) {
            assert!(
                problem.starts_with(start),
                "{problem}\nshould start with\n{start}"
            );
        }
    }
}

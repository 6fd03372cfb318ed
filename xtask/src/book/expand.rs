//! The course's own directives, expanded into Markdown before mdBook's `{{#include}}` runs:
//!
//! - `{{#exercises LESSON}}` (or `{{#exercises LESSON 08-10}}` for some of them): the exercises of
//!   a lesson, from `exercises/exercises.toml` and the brief at the top of each starter, so the
//!   book never repeats what the metadata and the exercises already say;
//! - `{{#exercise-index}}`: a table of every exercise, linked to the chapter that presents it;
//! - `{{#capture NAME}}`: a lesson's output, captured into `src/captures/NAME.txt` by
//!   `cargo xtask book capture`, with where it was measured and how to reproduce it;
//! - `{{#result NAME LABEL}}`: one measured figure (`  → LABEL: value`) from such a capture;
//! - `{{#figure NAME CAPTION}}`: the picture `src/figures/NAME.svg`, one of the benchmark's plots
//!   (`cargo xtask bench` draws them; they are committed there). A missing one shows as nothing.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use crate::course::{CheckKind, Course, Exercise};

use super::source::{BookSource, Chapter, Directive};

/// Where captured lesson output and figures live, in the book's `src/`.
pub const CAPTURES_DIR: &str = "captures";
pub const FIGURES_DIR: &str = "figures";

pub const EXERCISES: &str = "exercises";
pub const EXERCISE_INDEX: &str = "exercise-index";
pub const CAPTURE: &str = "capture";
pub const RESULT: &str = "result";
pub const FIGURE: &str = "figure";

/// Every directive this module expands.
pub const OURS: [&str; 5] = [EXERCISES, EXERCISE_INDEX, CAPTURE, RESULT, FIGURE];

/// A chapter that presents an exercise.
pub struct Placement {
    pub path: String,
    title: String,
}

/// What a chapter's directives need: the course, its exercises' places in the book, its captures.
pub struct Expander<'a> {
    course: &'a Course,
    src: &'a Path,
    /// The chapters that present each exercise, by exercise name, in the book's order. One each,
    /// once the book is right; the checks report the others.
    placements: BTreeMap<String, Vec<Placement>>,
}

impl<'a> Expander<'a> {
    pub fn new(course: &'a Course, book: &'a BookSource) -> Self {
        let mut placements: BTreeMap<String, Vec<Placement>> = BTreeMap::new();
        for chapter in &book.chapters {
            let selections = chapter
                .directives
                .iter()
                .filter(|directive| directive.name == EXERCISES)
                // A selection that fails is reported where the directive is rendered.
                .filter_map(|directive| select_exercises(course, &directive.args).ok());
            for exercise in selections.flatten() {
                placements
                    .entry(exercise.name.clone())
                    .or_default()
                    .push(Placement {
                        path: chapter.path.clone(),
                        title: chapter.title.clone(),
                    });
            }
        }
        Expander {
            course,
            src: &book.src,
            placements,
        }
    }

    /// Every chapter that presents `exercise`, in the book's order.
    pub fn placements(&self, exercise: &str) -> &[Placement] {
        self.placements.get(exercise).map_or(&[], Vec::as_slice)
    }

    /// The chapter that presents `exercise` (the first, should there be several).
    fn placement(&self, exercise: &str) -> Option<&Placement> {
        self.placements(exercise).first()
    }

    /// The chapter's text with every directive of ours replaced by its Markdown; mdBook's own
    /// are left alone.
    pub fn expand(&self, chapter: &Chapter) -> Result<String> {
        let text = &chapter.text;
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for directive in &chapter.directives {
            if !OURS.contains(&directive.name.as_str()) {
                continue;
            }
            let markdown = self
                .render(&chapter.path, directive)
                .with_context(|| format!("{}:{}", chapter.path, directive.line))?;
            out.push_str(&text[last..directive.start]);
            out.push_str(&markdown);
            last = directive.end;
        }
        out.push_str(&text[last..]);
        Ok(out)
    }

    pub fn render(&self, chapter_path: &str, directive: &Directive) -> Result<String> {
        match directive.name.as_str() {
            EXERCISES => {
                let selected = select_exercises(self.course, &directive.args)?;
                Ok(selected
                    .iter()
                    .map(|exercise| self.exercise_section(exercise))
                    .collect::<Vec<_>>()
                    .join("\n"))
            }
            EXERCISE_INDEX => Ok(self.index_table(chapter_path)),
            CAPTURE => {
                let capture = Capture::load(self.src, &directive.args)?;
                Ok(capture.render())
            }
            FIGURE => self.figure(chapter_path, &directive.args),
            RESULT => {
                let (name, label) = directive
                    .args
                    .split_once(char::is_whitespace)
                    .context("`{{#result CAPTURE LABEL}}` needs a capture name and a label")?;
                // A label may be wrapped over two lines of the chapter.
                let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
                let capture = Capture::load(self.src, name)?;
                capture.result(&label).map(str::to_string).ok_or_else(|| {
                    anyhow!(
                        "{CAPTURES_DIR}/{name}.txt has no result line `  → {label}: ...`; \
                         re-run `cargo xtask book capture` or fix the label"
                    )
                })
            }
            other => bail!("unknown directive `{{{{#{other}}}}}`"),
        }
    }

    /// A plot from `src/figures/`, or, while there is none, an HTML comment marking its place.
    fn figure(&self, chapter_path: &str, args: &str) -> Result<String> {
        let (name, caption) = args
            .split_once(char::is_whitespace)
            .context("`{{#figure NAME CAPTION}}` needs a name and a caption")?;
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!("`{name}` is not a figure name (letters, digits, - and _)");
        }
        let caption = escape_html(&caption.split_whitespace().collect::<Vec<_>>().join(" "));
        let file = format!("{FIGURES_DIR}/{name}.svg");
        if !self.src.join(&file).is_file() {
            return Ok(format!("<!-- figure: book/src/{file} will show here -->"));
        }
        let source = relative_link(chapter_path, &file);
        Ok(format!(
            "<figure>\n<img src=\"{source}\" alt=\"{caption}\">\n\
             <figcaption>{caption}</figcaption>\n</figure>\n"
        ))
    }

    fn exercise_section(&self, exercise: &Exercise) -> String {
        let brief = Brief::read(self.course, exercise);
        let number = exercise.number();
        let mut out = format!(
            "### Exercise {number}: {} {{#{}}}\n\n",
            brief.title,
            exercise_id(exercise)
        );
        if !brief.text.is_empty() {
            out.push_str(&brief.text);
            out.push_str("\n\n");
        }
        let starter = format!("exercises/{}/src/lib.rs", exercise.name);
        out.push_str(&format!(
            "- **Your code:** `{starter}`. **Grade it:** `cargo xtask check {number}` \
             (checked by {}).\n",
            describe_checks(&exercise.checks)
        ));
        if let Some(lesson) = &brief.lesson {
            out.push_str(&format!("- **See it in the lesson:** {lesson}.\n"));
        }
        out.push_str(&format!(
            "- **Stuck?** `cargo xtask hint {number}`. Once it passes, compare with \
             `solutions/{}/src/`.\n",
            exercise.name
        ));
        out
    }

    fn index_table(&self, chapter_path: &str) -> String {
        let mut out = String::from("| # | Exercise | Chapter | Checked by |\n|---|---|---|---|\n");
        for exercise in &self.course.exercises {
            let brief = Brief::read(self.course, exercise);
            let (title, chapter) = match self.placement(&exercise.name) {
                Some(placement) => {
                    let link = relative_link(chapter_path, &placement.path);
                    (
                        format!("[{}]({link}#{})", brief.title, exercise_id(exercise)),
                        format!("[{}]({link})", placement.title),
                    )
                }
                None => (brief.title.clone(), format!("`lesson-{}`", exercise.lesson)),
            };
            out.push_str(&format!(
                "| {} | {title} | {chapter} | {} |\n",
                exercise.number(),
                describe_checks(&exercise.checks)
            ));
        }
        out
    }
}

/// The HTML id of an exercise's heading: `exercise-01-spawn-join`.
pub fn exercise_id(exercise: &Exercise) -> String {
    format!("exercise-{}", exercise.name)
}

/// The exercises a `{{#exercises LESSON [FIRST[-LAST]]}}` directive names, in course order.
pub fn select_exercises<'c>(course: &'c Course, args: &str) -> Result<Vec<&'c Exercise>> {
    let mut words = args.split_whitespace();
    let lesson = words
        .next()
        .context("`{{#exercises LESSON}}` needs a lesson name, such as `threads`")?;
    let range = match words.next() {
        None => None,
        Some(range) => Some(parse_range(range)?),
    };
    if let Some(extra) = words.next() {
        bail!("unexpected `{extra}`: write `{{{{#exercises {lesson} 08-10}}}}`");
    }
    if !course.root.join("lessons").join(lesson).is_dir() {
        bail!("there is no lesson `{lesson}` (no folder lessons/{lesson})");
    }
    let in_lesson = |exercise: &&Exercise| exercise.lesson == lesson;
    let selected: Vec<&Exercise> = match range {
        None => course.exercises.iter().filter(in_lesson).collect(),
        Some((first, last)) => {
            let numbered: Vec<&Exercise> = course
                .exercises
                .iter()
                .filter(|exercise| {
                    exercise
                        .number()
                        .parse::<u32>()
                        .is_ok_and(|number| (first..=last).contains(&number))
                })
                .collect();
            if let Some(stranger) = numbered.iter().find(|exercise| exercise.lesson != lesson) {
                bail!(
                    "exercise {} belongs to lesson `{}` in {}, not to `{lesson}`",
                    stranger.name,
                    stranger.lesson,
                    crate::course::METADATA
                );
            }
            numbered
        }
    };
    if selected.is_empty() {
        bail!("`{{{{#exercises {args}}}}}` selects no exercise");
    }
    Ok(selected)
}

fn parse_range(range: &str) -> Result<(u32, u32)> {
    let number = |text: &str| {
        text.parse::<u32>().with_context(|| {
            format!("`{range}` is not an exercise number or a range such as 08-10")
        })
    };
    match range.split_once('-') {
        Some((first, last)) => Ok((number(first)?, number(last)?)),
        None => {
            let only = number(range)?;
            Ok((only, only))
        }
    }
}

fn describe_checks(checks: &[CheckKind]) -> String {
    let words: Vec<&str> = checks
        .iter()
        .map(|check| match check {
            CheckKind::Test => "tests of its behaviour",
            CheckKind::Snapshot => "a snapshot of its output",
            CheckKind::CompileFail => "a case the compiler must refuse",
        })
        .collect();
    match words.as_slice() {
        [] => "its tests".to_string(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A link from one chapter to another (both relative to `src/`).
fn relative_link(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    format!("{}{to}", "../".repeat(depth))
}

/// What an exercise's starter says about itself in the `//!` lines at its top:
/// `Exercise 01 · threads · spawn and join`, a `Lesson:` line, and a brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    pub title: String,
    /// The lesson command, as the starter names it.
    pub lesson: Option<String>,
    /// The brief, in Markdown, up to (not including) its "Grade it with" paragraph.
    pub text: String,
}

impl Brief {
    pub fn read(course: &Course, exercise: &Exercise) -> Brief {
        let path = course
            .root
            .join("exercises")
            .join(&exercise.name)
            .join("src/lib.rs");
        let source = std::fs::read_to_string(path).unwrap_or_default();
        Brief::parse(&source, exercise)
    }

    pub fn parse(source: &str, exercise: &Exercise) -> Brief {
        let doc: Vec<&str> = source
            .lines()
            .map_while(|line| {
                let line = line.trim_start();
                line.strip_prefix("//!")
                    .map(|rest| rest.strip_prefix(' ').unwrap_or(rest))
            })
            .collect();
        let fallback = exercise
            .name
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-')
            .replace('-', " ");
        let title = doc
            .first()
            .and_then(|first| first.rsplit_once(" · "))
            .map(|(_, title)| title.trim().to_string())
            .unwrap_or(fallback);
        let mut lesson = None;
        let mut paragraphs: Vec<String> = Vec::new();
        let mut paragraph: Vec<&str> = Vec::new();
        let body = doc.get(1..).unwrap_or_default();
        for line in body.iter().chain(std::iter::once(&"")) {
            if !line.trim().is_empty() {
                paragraph.push(line);
                continue;
            }
            if paragraph.is_empty() {
                continue;
            }
            let text = paragraph.join("\n");
            paragraph.clear();
            if let Some(rest) = text.strip_prefix("Lesson:") {
                lesson = Some(rest.trim().trim_end_matches('.').replace('\n', " "));
            } else if text.starts_with("Grade it with") {
                break;
            } else {
                paragraphs.push(text);
            }
        }
        Brief {
            title,
            lesson,
            text: unlink_intra_doc(&paragraphs.join("\n\n")),
        }
    }
}

/// rustdoc's intra-doc links (`` [`hash`] ``) mean nothing in the book: keep the code, drop the
/// brackets. Real Markdown links (`[text](target)`) are left alone.
fn unlink_intra_doc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        let Some(length) = rest[start..].find("`]") else {
            break;
        };
        let end = start + length + 2;
        let is_link = rest[end..].starts_with('(') || rest[end..].starts_with('[');
        out.push_str(&rest[..start]);
        if is_link {
            out.push_str(&rest[start..end]);
        } else {
            out.push_str(&rest[start + 1..end - 1]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A lesson's output, captured by `cargo xtask book capture` into `src/captures/NAME.txt`:
/// a line with the command, a line with the machine, then the output.
#[derive(Debug, Clone)]
pub struct Capture {
    pub command: String,
    pub machine: String,
    pub body: String,
}

impl Capture {
    pub fn load(src: &Path, name: &str) -> Result<Capture> {
        let name = name.trim();
        let path = src.join(CAPTURES_DIR).join(format!("{name}.txt"));
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!("cannot read {CAPTURES_DIR}/{name}.txt (`cargo xtask book capture` writes it)")
        })?;
        Capture::parse(name, &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Capture> {
        let mut lines = text.lines();
        let header = |line: Option<&str>, what: &str| {
            line.and_then(|line| line.strip_prefix("# "))
                .map(str::to_string)
                .ok_or_else(|| {
                    anyhow!(
                        "{CAPTURES_DIR}/{name}.txt must start with two lines `# COMMAND` and \
                         `# MACHINE`; the {what} is missing (`cargo xtask book capture` writes them)"
                    )
                })
        };
        let command = header(lines.next(), "command")?;
        let machine = header(lines.next(), "machine")?;
        let body = lines
            .collect::<Vec<_>>()
            .join("\n")
            .trim_matches('\n')
            .to_string();
        Ok(Capture {
            command,
            machine,
            body,
        })
    }

    /// The value of the result line `  → LABEL: value`.
    pub fn result(&self, label: &str) -> Option<&str> {
        self.body.lines().find_map(|line| {
            line.trim_start()
                .strip_prefix("→ ")?
                .strip_prefix(label)?
                .strip_prefix(": ")
        })
    }

    fn render(&self) -> String {
        let mut out = String::new();
        // A fence longer than any run of backticks in the output, so nothing can close it early.
        let fence = "`".repeat(longest_backtick_run(&self.body).max(2) + 1);
        out.push_str(&format!(
            "{fence}text\n{}\n{fence}\n\n<p class=\"measured\">Measured with <code>{}</code> \
             on {}.</p>\n",
            self.body,
            escape_html(&self.command),
            escape_html(&self.machine)
        ));
        out
    }
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(name: &str, lesson: &str) -> Exercise {
        Exercise {
            name: name.to_string(),
            package: name.to_string(),
            lesson: lesson.to_string(),
            checks: vec![CheckKind::Test],
            hint: String::new(),
            timeout: None,
        }
    }

    #[test]
    fn a_brief_is_cut_from_the_starters_doc_comment() {
        let source = "//! Exercise 01 · threads · spawn and join\n//!\n//! Lesson: `cargo run -p lesson-threads -- --section 1`\n//!\n//! Spawn a thread per [`Buffer`], then\n//! join them ([the book](x.md)).\n//!\n//! Second paragraph.\n//!\n//! Grade it with `cargo xtask check spawn-join`.\n\nuse std::thread;\n";
        let brief = Brief::parse(source, &exercise("01-spawn-join", "threads"));
        assert_eq!(brief.title, "spawn and join");
        assert_eq!(
            brief.lesson.as_deref(),
            Some("`cargo run -p lesson-threads -- --section 1`")
        );
        assert_eq!(
            brief.text,
            "Spawn a thread per `Buffer`, then\njoin them ([the book](x.md)).\n\nSecond paragraph."
        );
    }

    #[test]
    fn a_starter_without_a_doc_comment_still_gets_a_title() {
        let brief = Brief::parse(
            "fn main() {}\n",
            &exercise("07-worker-processes", "processes"),
        );
        assert_eq!(brief.title, "worker processes");
        assert_eq!(brief.text, "");
    }

    #[test]
    fn checks_are_described_in_words() {
        assert_eq!(
            describe_checks(&[CheckKind::Test, CheckKind::Snapshot, CheckKind::CompileFail]),
            "tests of its behaviour, a snapshot of its output and a case the compiler must refuse"
        );
    }

    #[test]
    fn a_capture_has_a_command_a_machine_and_results() {
        let capture = Capture::parse(
            "threads-2",
            "# cargo run -p lesson-threads -- --section 2\n# 2 cores\n\n  → 10 workers: measured 1 s\n",
        )
        .expect("a capture");
        assert_eq!(
            capture.command,
            "cargo run -p lesson-threads -- --section 2"
        );
        assert_eq!(capture.result("10 workers"), Some("measured 1 s"));
        assert_eq!(capture.result("10"), None);
        assert!(Capture::parse("x", "no header\n").is_err());
    }

    #[test]
    fn ranges_are_numbers() {
        assert_eq!(parse_range("08-10").ok(), Some((8, 10)));
        assert_eq!(parse_range("28").ok(), Some((28, 28)));
        assert!(parse_range("a-b").is_err());
    }
}

//! The course's own directives, expanded into Markdown before mdBook's `{{#include}}` runs:
//!
//! - `{{#exercises LESSON}}` (or `{{#exercises LESSON 08-10}}` for some of them): the exercises of
//!   a lesson, from `exercises/exercises.toml` and the brief at the top of each starter, so the
//!   book never repeats what the metadata and the exercises already say;
//! - `{{#exercise-index}}`: a table of every exercise, linked to the chapter that presents it;
//! - `{{#capture NAME}}`: a lesson's output, captured into `src/captures/NAME.txt` by
//!   `cargo xtask book capture`, with where it was measured and how to reproduce it;
//! - `{{#result NAME LABEL}}`: one measured figure (`  → LABEL: value`) from such a capture;
//! - `{{#bench KEY}}`: one figure of the benchmark, with its unit, from its results committed in
//!   `src/bench/report.json` (`cargo xtask bench --for-book` writes them; `--keys` lists them);
//! - `{{#figure NAME CAPTION}}`: the picture `src/figures/NAME.svg` (the benchmark's plots, which
//!   `cargo xtask bench --for-book` copies there), captioned with the machine it was measured on.
//!
//! Captures come from debug builds of the lessons; the bench's figures and plots from its release
//! build. So what `{{#bench}}` prints carries a tooltip naming where it was measured, and each plot
//! says so in its caption.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use crate::bench::results::{Figure, Results};
use crate::bench::{self, BOOK_RESULTS};
use crate::course::{CheckKind, Course, Exercise};

use super::source::{self, BookSource, Chapter, Directive};

/// Where captured lesson output and figures live, in the book's `src/`.
pub const CAPTURES_DIR: &str = "captures";
pub const FIGURES_DIR: &str = "figures";

pub const EXERCISES: &str = "exercises";
pub const EXERCISE_INDEX: &str = "exercise-index";
pub const CAPTURE: &str = "capture";
pub const RESULT: &str = "result";
pub const BENCH: &str = "bench";
pub const FIGURE: &str = "figure";

/// Every directive this module expands.
pub const OURS: [&str; 6] = [EXERCISES, EXERCISE_INDEX, CAPTURE, RESULT, BENCH, FIGURE];

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
    /// The bench's results, read the first time a directive needs them: the figures, or why
    /// they cannot be quoted.
    bench: OnceCell<Result<Results, String>>,
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
            bench: OnceCell::new(),
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
        // Code (fenced or inline) with its text blanked out: a directive found blank there is in
        // code, where HTML would show as written.
        let prose = source::prose_only(text);
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for directive in &chapter.directives {
            if !OURS.contains(&directive.name.as_str()) {
                continue;
            }
            let in_code = !prose[directive.start..].starts_with("{{#");
            let markdown = if directive.name == BENCH && in_code {
                self.bench_figure(&directive.args)
                    .map(|(figure, _)| figure.text.clone())
            } else {
                self.render(&chapter.path, directive)
            }
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
            BENCH => {
                let (figure, results) = self.bench_figure(&directive.args)?;
                Ok(bench_span(figure, results))
            }
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

    /// The bench's results in `src/bench/report.json`, read once, or why they cannot be quoted.
    fn bench_results(&self) -> Result<&Results> {
        let loaded = self.bench.get_or_init(|| {
            let path = self.src.join(BOOK_RESULTS);
            if !path.is_file() {
                return Err(format!(
                    "book/src/{BOOK_RESULTS} is missing: run `cargo xtask bench --for-book` on a \
                     quiet machine and commit what it writes"
                ));
            }
            let results = bench::load(&path).map_err(|error| format!("{error:#}"))?;
            match bench::unfit_for_the_book(&results) {
                Some(why) => Err(format!(
                    "book/src/{BOOK_RESULTS} cannot be quoted: {why}; refresh it with `cargo \
                     xtask bench --for-book`"
                )),
                None => Ok(results),
            }
        });
        loaded.as_ref().map_err(|why| anyhow!("{why}"))
    }

    /// The figure a `{{#bench KEY}}` names, with the results it comes from.
    fn bench_figure(&self, args: &str) -> Result<(&Figure, &Results)> {
        let mut words = args.split_whitespace();
        let (Some(key), None) = (words.next(), words.next()) else {
            bail!(
                "`{{{{#bench {args}}}}}`: write one key, such as `{{{{#bench rust.cpu.capacity}}}}`"
            );
        };
        let results = self.bench_results()?;
        match results.figures.get(key) {
            Some(figure) => Ok((figure, results)),
            None => {
                let near = near_keys(key, results.figures.keys());
                let suggestion = if near.is_empty() {
                    String::new()
                } else {
                    format!(" Did you mean {}?", near.join(" or "))
                };
                bail!(
                    "`{{{{#bench {key}}}}}`: book/src/{BOOK_RESULTS} (measured on {}) has no \
                     figure `{key}`.{suggestion} `cargo xtask bench --keys` lists them; a figure \
                     the bench does not measure yet is added in bench/src/areas, then given to \
                     the book with `cargo xtask bench --for-book`",
                    bench::provenance(results)
                )
            }
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
        // The plots come with the results (`cargo xtask bench --for-book` copies both), so
        // results that cannot be quoted make their plots unfit too.
        let measured = escape_html(&format!(
            "Measured by the course's bench on {}.",
            bench::provenance(self.bench_results()?)
        ));
        Ok(format!(
            "<figure>\n<img src=\"{source}\" alt=\"{caption}\">\n\
             <figcaption>{caption}<br><span class=\"measured\">{measured}</span></figcaption>\n\
             </figure>\n"
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

/// A bench figure in prose: its text, with a tooltip saying what it is and where it was measured
/// (the book's other figures, from the lessons' captures, are debug builds).
fn bench_span(figure: &Figure, results: &Results) -> String {
    let runs = match (&figure.range, figure.runs.len()) {
        (Some(range), runs) => format!(", median of {runs} runs ({range})"),
        _ => String::new(),
    };
    let title = format!(
        "{}{runs}. The course's bench on {}.",
        figure.what,
        bench::provenance(results)
    );
    format!(
        "<span class=\"bench\" title=\"{}\">{}</span>",
        escape_html(&title).replace('"', "&quot;"),
        escape_html(&figure.text)
    )
}

/// Up to three keys that look like `key`: for "did you mean" in an error.
fn near_keys<'k>(key: &str, keys: impl Iterator<Item = &'k String>) -> Vec<String> {
    let mut scored: Vec<(usize, &String)> = keys
        .map(|candidate| (edit_distance(key, candidate), candidate))
        .filter(|(distance, _)| *distance <= (key.len() / 4).max(3))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, candidate)| format!("`{candidate}`"))
        .collect()
}

/// The Levenshtein distance: how many one-character edits turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
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
    fn near_keys_are_suggested() {
        let keys: Vec<String> = ["cpu.rayon.rate", "cpu.rayon.of_capacity", "io.c_50.ideal"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            near_keys("cpu.rayon.rat", keys.iter()),
            ["`cpu.rayon.rate`"]
        );
        assert!(near_keys("something.else", keys.iter()).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_bench_figure_says_where_it_was_measured() {
        let figure = Figure {
            what: "rayon's rate".to_string(),
            unit: "B/s".to_string(),
            median: Some(2e9),
            min: Some(1e9),
            max: Some(3e9),
            runs: vec![1e9, 2e9, 3e9],
            text: "2.00 GB/s".to_string(),
            range: Some("1.00 GB/s – 3.00 GB/s".to_string()),
        };
        let results: Results = serde_json::from_value(serde_json::json!({
            "schema": crate::bench::results::SCHEMA, "made": "2025-06-01", "build": "release",
            "mode": "full", "runs": 3,
            "machine": {"cpu": "A \"fast\" CPU", "cores": 2, "memory_bytes": null,
                        "system": "Linux"},
            "load_at_start": null, "load_at_end": null, "others_share": null,
            "python": {"ran": {"versions": "Python 3.11.7"}},
            "areas": [], "skipped": [], "charts": [], "figures": {}
        }))
        .expect("results");
        assert_eq!(
            bench_span(&figure, &results),
            "<span class=\"bench\" title=\"rayon's rate, median of 3 runs (1.00 GB/s – 3.00 \
             GB/s). The course's bench on A &quot;fast&quot; CPU, 2 cores, release build, \
             2025-06-01.\">2.00 GB/s</span>"
        );
    }

    /// A book source in a temporary folder with `report` as its `src/bench/report.json`.
    fn book_with_results(name: &str, report: Option<&serde_json::Value>) -> BookSource {
        let src = std::env::temp_dir()
            .join(format!(
                "xtask-bench-directive-{}-{name}",
                std::process::id()
            ))
            .join("src");
        let _ = std::fs::remove_dir_all(&src);
        if let Some(report) = report {
            let path = src.join(BOOK_RESULTS);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(&path, report.to_string()).expect("write report.json");
        }
        BookSource {
            src,
            chapters: Vec::new(),
            missing: Vec::new(),
        }
    }

    fn report(mode: &str) -> serde_json::Value {
        serde_json::json!({
            "schema": crate::bench::results::SCHEMA, "made": "2025-06-01", "build": "release",
            "mode": mode, "runs": 3,
            "machine": {"cpu": "A CPU", "cores": 2, "memory_bytes": null, "system": "Linux"},
            "load_at_start": null, "load_at_end": null, "others_share": null,
            "python": {"ran": {"versions": "Python 3.11.7"}},
            "areas": [], "skipped": [], "charts": [],
            "figures": {"cpu.rayon.rate": {
                "what": "rayon", "unit": "B/s", "median": 2e9, "min": 1e9, "max": 3e9,
                "runs": [1e9, 2e9, 3e9], "text": "2.00 GB/s", "range": "1.00 GB/s – 3.00 GB/s"
            }}
        })
    }

    fn render_bench(book: &BookSource, args: &str) -> Result<String> {
        let course = Course {
            root: book.src.clone(),
            exercises: Vec::new(),
        };
        let expander = Expander::new(&course, book);
        let directive = Directive {
            name: BENCH.to_string(),
            args: args.to_string(),
            start: 0,
            end: 0,
            line: 1,
        };
        expander.render("chapter.md", &directive)
    }

    #[test]
    fn a_bench_key_prints_its_figure_and_an_unknown_one_fails_clearly() {
        let book = book_with_results("keys", Some(&report("full")));
        let known = render_bench(&book, "cpu.rayon.rate").expect("a known key");
        assert!(known.ends_with(">2.00 GB/s</span>"), "{known}");
        let unknown = format!(
            "{:#}",
            render_bench(&book, "cpu.rayon.rat").expect_err("unknown")
        );
        assert!(
            unknown.contains("has no figure `cpu.rayon.rat`")
                && unknown.contains("Did you mean `cpu.rayon.rate`?")
                && unknown.contains("cargo xtask bench --keys"),
            "{unknown}"
        );
        assert!(render_bench(&book, "two keys").is_err());
        let _ = std::fs::remove_dir_all(book.src.parent().expect("the folder"));
    }

    #[test]
    fn a_missing_or_quick_report_cannot_be_quoted() {
        let book = book_with_results("missing", None);
        let error = format!(
            "{:#}",
            render_bench(&book, "cpu.rayon.rate").expect_err("none")
        );
        assert!(error.contains("cargo xtask bench --for-book"), "{error}");
        let _ = std::fs::remove_dir_all(book.src.parent().expect("the folder"));
        let book = book_with_results("quick", Some(&report("quick")));
        let error = format!(
            "{:#}",
            render_bench(&book, "cpu.rayon.rate").expect_err("quick")
        );
        assert!(error.contains("--quick run"), "{error}");
        let _ = std::fs::remove_dir_all(book.src.parent().expect("the folder"));
    }

    #[test]
    fn a_bench_figure_in_code_is_plain_text() {
        let book = book_with_results("code", Some(&report("full")));
        let course = Course {
            root: book.src.clone(),
            exercises: Vec::new(),
        };
        let expander = Expander::new(&course, &book);
        let chapter = Chapter::new(
            "Chapter".to_string(),
            "chapter.md".to_string(),
            "Rayon: {{#bench cpu.rayon.rate}}; `{{#bench cpu.rayon.rate}}`\n\n```text\n\
             {{#bench cpu.rayon.rate}}\n```\n"
                .to_string(),
        );
        let expanded = expander.expand(&chapter).expect("expanded");
        assert!(
            expanded.starts_with("Rayon: <span class=\"bench\""),
            "{expanded}"
        );
        assert!(
            expanded.ends_with("</span>; `2.00 GB/s`\n\n```text\n2.00 GB/s\n```\n"),
            "{expanded}"
        );
        let _ = std::fs::remove_dir_all(book.src.parent().expect("the folder"));
    }

    #[test]
    fn ranges_are_numbers() {
        assert_eq!(parse_range("08-10").ok(), Some((8, 10)));
        assert_eq!(parse_range("28").ok(), Some((28, 28)));
        assert!(parse_range("a-b").is_err());
    }
}

//! `cargo xtask book`: builds the course's book (`book/`, an mdBook) into `target/book`.
//!
//! Every build first checks the book's source ([`check`]): listings are included from the
//! workspace's crates by anchors that exist, never pasted; every lesson and exercise is reachable;
//! links point at pages that exist; every `--section N` names a section the lesson has, by its
//! title too ([`sections`]). Then mdBook (installed on first use into `target/tools`, see
//! [`tools`]) renders it, calling this xtask back as a preprocessor to expand the course's own
//! directives ([`expand`]: exercise lists from `exercises/exercises.toml`, captured lesson output),
//! and the HTML's links are checked ([`html`]).
//!
//! `--check` runs only the source checks (no mdBook needed), `--open` opens the result in a
//! browser, `--serve` serves it and rebuilds on every change. Maintainers refresh the measured
//! output the book shows with `cargo xtask book capture` ([`capture`]).

mod anchors;
mod capture;
mod check;
mod expand;
mod html;
mod sections;
mod source;
mod tools;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use serde_json::Value;

use crate::course::Course;

use self::expand::Expander;
use self::source::{BOOK_DIR, BookSource, Chapter};
use self::tools::Mdbook;

/// The name of the course's preprocessor in `book/book.toml`.
const PREPROCESSOR: &str = "course";

#[derive(Args, Debug)]
pub struct BookArgs {
    #[command(subcommand)]
    action: Option<BookAction>,
    /// Open the book in your browser once it is built.
    #[arg(long)]
    open: bool,
    /// Serve the book on http://localhost:3000 and rebuild it on every change (the first time,
    /// this installs mdBook's server: about a minute).
    #[arg(long)]
    serve: bool,
    /// Only check the book's source: includes, anchors, exercises, links, sections. Needs no
    /// mdBook (it runs the lessons the book names, for their sections).
    #[arg(long, conflicts_with_all = ["open", "serve"])]
    check: bool,
    /// Where to write the HTML [default: target/book].
    #[arg(long, value_name = "DIR")]
    dest: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum BookAction {
    /// Maintainers: run every section of the lessons (or of these) and save what they print for
    /// the book, in book/src/captures. The figures are this machine's.
    Capture {
        /// Lessons to capture, such as `threads` [default: all].
        lessons: Vec<String>,
    },
    /// What mdBook runs to expand the course's directives (mdBook's preprocessor protocol).
    #[command(hide = true)]
    Preprocess {
        /// `supports RENDERER`, when mdBook asks.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// `cargo xtask book ...`.
pub fn run(course: &Course, args: BookArgs) -> Result<ExitCode> {
    match &args.action {
        Some(BookAction::Capture { lessons }) => {
            capture::capture(course, lessons)?;
            println!("captured; now look at the pages: cargo xtask book --open");
            Ok(ExitCode::SUCCESS)
        }
        Some(BookAction::Preprocess { args }) => preprocess(course, args),
        None => build(course, &args),
    }
}

fn build(course: &Course, args: &BookArgs) -> Result<ExitCode> {
    let book = BookSource::load(&course.root)?;
    let problems = check::check(course, &book);
    if !problems.is_empty() {
        return Ok(report(
            &problems,
            "in the book's source (nothing was built)",
        ));
    }
    if args.check {
        println!(
            "The book's source is consistent: {} chapters, every include, exercise and link \
             accounted for.",
            book.chapters.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let target = course.target_dir();
    let mdbook = Mdbook::ensure(&target.join("tools"), args.serve)?;
    let dest = match &args.dest {
        Some(dest) if dest.is_absolute() => dest.clone(),
        Some(dest) => std::env::current_dir()
            .context("cannot find the current folder")?
            .join(dest),
        None => target.join("book"),
    };
    let mut command = mdbook.command();
    command
        .arg(if args.serve { "serve" } else { "build" })
        .arg(course.root.join(BOOK_DIR))
        .arg("--dest-dir")
        .arg(&dest)
        .env(
            format!(
                "MDBOOK_PREPROCESSOR__{}__COMMAND",
                PREPROCESSOR.to_uppercase()
            ),
            preprocessor_command(course)?,
        );
    if args.serve && args.open {
        command.arg("--open");
    }
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", mdbook.path.display()))?;
    if !status.success() {
        bail!("mdbook failed ({status}); see above");
    }
    if args.serve {
        return Ok(ExitCode::SUCCESS);
    }
    let problems = html::check(&dest, &book);
    if !problems.is_empty() {
        return Ok(report(&problems, "in the built HTML"));
    }
    let index = dest.join("index.html");
    println!("Built the book: {}", index.display());
    if args.open {
        open_in_browser(&index);
    }
    Ok(ExitCode::SUCCESS)
}

fn report(problems: &[String], place: &str) -> ExitCode {
    for problem in problems {
        eprintln!("- {problem}");
    }
    let count = problems.len();
    let noun = if count == 1 { "problem" } else { "problems" };
    eprintln!("{count} {noun} {place}");
    ExitCode::FAILURE
}

/// This very program as mdBook's preprocessor: no `cargo run` (which `book.toml` names, for
/// anyone running mdBook by hand), and the course it was asked about.
fn preprocessor_command(course: &Course) -> Result<String> {
    let exe = std::env::current_exe().context("cannot find this program's path")?;
    // Rebuilt while it ran (`cargo build` replaces the file), Linux names it "PATH (deleted)":
    // the new build at PATH is the same program, give or take the edit.
    let exe = match exe
        .to_str()
        .and_then(|path| path.strip_suffix(" (deleted)"))
    {
        Some(path) if !exe.exists() => PathBuf::from(path),
        _ => exe,
    };
    Ok(format!(
        "{} --root {} book preprocess",
        shell_quote(&exe),
        shell_quote(&course.root)
    ))
}

/// A path as one word for mdBook's command parser, which splits like a POSIX shell.
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.to_string_lossy().replace('\'', r"'\''"))
}

fn open_in_browser(page: &Path) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let opened = Command::new(opener)
        .arg(page)
        .status()
        .is_ok_and(|status| status.success());
    if !opened {
        println!("Open {} in your browser.", page.display());
    }
}

/// mdBook's preprocessor protocol: `supports RENDERER` answers with the exit code; otherwise the
/// `[context, book]` JSON arrives on stdin and the book, expanded, goes back on stdout.
fn preprocess(course: &Course, args: &[String]) -> Result<ExitCode> {
    if args.first().is_some_and(|arg| arg == "supports") {
        // Only Markdown text changes, which suits every renderer.
        return Ok(ExitCode::SUCCESS);
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read mdBook's input")?;
    let mut pair: Value = serde_json::from_str(&input).context("mdBook's input is not JSON")?;
    let book_json = pair
        .get_mut(1)
        .ok_or_else(|| anyhow!("mdBook's input is not a [context, book] pair"))?;
    let source = BookSource::load(&course.root)?;
    let expander = Expander::new(course, &source);
    let mut errors = Vec::new();
    for_each_chapter(book_json, &mut |title, path, content| {
        // mdBook hands over the very files `source` has read (ours runs before its `links`), whose
        // directives are parsed already; a chapter it changed or that we did not read is parsed
        // here.
        let unread;
        let chapter = match source.chapter(path) {
            Some(chapter) if chapter.text == *content => chapter,
            _ => {
                unread = Chapter::new(title.to_string(), path.to_string(), content.clone());
                &unread
            }
        };
        match expander.expand(chapter) {
            Ok(expanded) => *content = expanded,
            Err(error) => errors.push(format!("{error:#}")),
        }
    });
    if !errors.is_empty() {
        return Ok(report(&errors, "in the course's directives"));
    }
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, book_json).context("cannot write the book for mdBook")?;
    stdout.flush().context("cannot write the book for mdBook")?;
    Ok(ExitCode::SUCCESS)
}

/// Calls `visit(title, path, content)` for every chapter with a file, nested ones included. The
/// book is walked as plain JSON (`{"items": [{"Chapter": {...}}, "Separator", ...]}`), so the
/// xtask needs no mdBook library, and names it doesn't know are passed through untouched.
fn for_each_chapter(value: &mut Value, visit: &mut impl FnMut(&str, &str, &mut String)) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(chapter)) = map.get_mut("Chapter") {
                let text = |key: &str| chapter.get(key).and_then(Value::as_str).map(str::to_string);
                let (title, path) = (text("name").unwrap_or_default(), text("path"));
                if let (Some(path), Some(Value::String(content))) =
                    (path, chapter.get_mut("content"))
                {
                    visit(&title, &path, content);
                }
            }
            for child in map.values_mut() {
                for_each_chapter(child, visit);
            }
        }
        Value::Array(items) => {
            for item in items {
                for_each_chapter(item, visit);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_are_found_at_any_depth() {
        let mut book = serde_json::json!({"items": [
            {"Chapter": {"name": "A", "content": "a", "path": "a.md", "sub_items": [
                {"Chapter": {"name": "B", "content": "b", "path": "b.md", "sub_items": []}}
            ]}},
            "Separator",
            {"PartTitle": "Part"},
            {"Chapter": {"name": "Draft", "content": "", "path": null, "sub_items": []}}
        ]});
        let mut seen = Vec::new();
        for_each_chapter(&mut book, &mut |title, path, content| {
            seen.push(format!("{title}: {path}"));
            content.push('!');
        });
        assert_eq!(seen, ["A: a.md", "B: b.md"]);
        assert_eq!(book["items"][0]["Chapter"]["content"], "a!");
        assert_eq!(
            book["items"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"],
            "b!"
        );
    }

    #[test]
    fn quoted_paths_survive_a_shell_split() {
        assert_eq!(shell_quote(Path::new("/a b/it's")), r"'/a b/it'\''s'");
    }
}

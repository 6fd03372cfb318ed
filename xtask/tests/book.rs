//! The book, checked as CI sees it: its source is consistent (every include resolves to an anchor
//! that exists, nothing is pasted, every lesson and exercise is reachable, links resolve), the HTML
//! builds with the pinned mdBook, and the built pages' links and ids resolve too. A throwaway
//! course shows that the checks catch what they claim to.
//!
//! The build test installs mdBook into the course's target directory the first time (about a
//! minute of compiling on two cores); after that it takes about a second.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the xtask lives in the course")
        .to_path_buf()
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("run the xtask")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_books_source_is_consistent() {
    let output = xtask(&course_root(), &["book", "--check"]);
    assert!(output.status.success(), "{}", text(&output));
}

#[test]
fn the_book_builds_to_html_whose_links_resolve() {
    let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book-html");
    let _ = std::fs::remove_dir_all(&dest);
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(course_root())
        .args(["book", "--dest"])
        .arg(&dest)
        // Output from a first-time install of mdBook would be captured and lost: let it show.
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run the xtask");
    assert!(output.status.success(), "{}", text(&output));
    // The xtask has checked every page's links; spot-check what a reader would look for first.
    let threads = std::fs::read_to_string(dest.join("threads.html")).expect("threads.html");
    assert!(
        threads.contains("id=\"exercise-01-spawn-join\""),
        "no exercise 01"
    );
    assert!(threads.contains("fn wait_on_three_threads"), "no listing");
    assert!(threads.contains("Measured with"), "no capture");
    let grader = std::fs::read_to_string(dest.join("grader.html")).expect("grader.html");
    let capstone = format!("href=\"capstone.html#exercise-{}\"", capstone_name());
    assert!(
        grader.contains(&capstone),
        "the index does not link the capstone ({capstone})"
    );
}

/// The capstone's folder name (`34-capstone`): the last exercise in the course's metadata, whatever
/// its number is after exercises are added.
fn capstone_name() -> String {
    let metadata = std::fs::read_to_string(course_root().join("exercises/exercises.toml"))
        .expect("read exercises.toml");
    let metadata: toml::Table = toml::from_str(&metadata).expect("exercises.toml is TOML");
    let last = metadata["exercise"]
        .as_array()
        .and_then(|exercises| exercises.last())
        .and_then(|exercise| exercise["name"].as_str())
        .expect("exercises.toml lists exercises, each with a name");
    assert!(last.ends_with("-capstone"), "the last exercise is {last}");
    last.to_string()
}

/// A course of one lesson, one exercise and a two-chapter book, all correct; each test breaks one
/// thing.
struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("book-fixtures")
            .join(name);
        let _ = std::fs::remove_dir_all(&root);
        let fixture = Fixture { root };
        fixture.write(
            "exercises/exercises.toml",
            "[[exercise]]\nname = \"01-demo\"\nlesson = \"demo\"\nchecks = [\"test\"]\nhints = [\"h\", \"h\", \"h\"]\n",
        );
        fixture.write(
            "exercises/01-demo/Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n",
        );
        fixture.write(
            "exercises/01-demo/src/lib.rs",
            "//! Exercise 01 · demo · the demo\n//!\n//! Lesson: `cargo run -p lesson-demo -- \
             --section 1` (\"The answer\")\n//!\n//! Do the thing.\n",
        );
        // The lesson is a workspace of its own, as small as can be: the book's checks run it with
        // `--list-sections` to learn its sections.
        fixture.write("Cargo.toml", "[workspace]\nmembers = [\"lessons/demo\"]\n");
        fixture.write(
            "lessons/demo/Cargo.toml",
            "[package]\nname = \"lesson-demo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        );
        fixture.write(
            "lessons/demo/src/main.rs",
            "fn main() {\n    if std::env::args().any(|arg| arg == \"--list-sections\") {\n        \
             println!(\"1. The answer\");\n    }\n}\n",
        );
        fixture.write(
            "lessons/demo/src/lib.rs",
            "// ANCHOR: answer\npub fn answer() -> u32 {\n    42\n}\n// ANCHOR_END: answer\n",
        );
        fixture.write(
            "lessons/demo/tests/ui/case.rs",
            "fn main() {\n    let x: u32 = \"no\";\n}\n",
        );
        fixture.write(
            "lessons/demo/tests/ui/case.stderr",
            "error[E0308]: mismatched types\n",
        );
        fixture.write(
            "book/src/SUMMARY.md",
            "# Summary\n\n- [Demo](demo.md)\n- [Grader](grader.md)\n",
        );
        fixture.write("book/src/demo.md", DEMO_CHAPTER);
        fixture.write(
            "book/src/grader.md",
            "# Grader\n\nBack to [the demo](demo.md#the-answer).\n\n{{#exercise-index}}\n",
        );
        fixture.write(
            "book/src/captures/demo-1.txt",
            "# cargo run -p lesson-demo -- --section 1\n# 2 cores\n\n  → answer: 42\n",
        );
        fixture
    }

    fn write(&self, relative: &str, contents: &str) {
        let path = self.root.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }

    fn edit(&self, relative: &str, from: &str, to: &str) {
        let path = self.root.join(relative);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{relative} has no {from:?}");
        std::fs::write(path, text.replace(from, to)).expect("write");
    }

    /// The problems `book --check` reports (empty when it passes).
    fn problems(&self) -> String {
        let output = xtask(&self.root, &["book", "--check"]);
        if output.status.success() {
            String::new()
        } else {
            text(&output)
        }
    }
}

const DEMO_CHAPTER: &str = "# Demo\n\nRun `cargo run -p lesson-demo`.\n\n```console\ncargo run -p lesson-demo -- --section 1   # \"The answer\"\n```\n\n## The answer\n\n```rust\n{{#include ../../lessons/demo/src/lib.rs:answer}}\n```\n\n```rust,compile_fail\n{{#include ../../lessons/demo/tests/ui/case.rs}}\n```\n\n```text\n{{#include ../../lessons/demo/tests/ui/case.stderr}}\n```\n\n{{#capture demo-1}}\n\nThe answer is {{#result demo-1 answer}}. See [the grader](grader.md).\n\n## Exercises\n\n{{#exercises demo}}\n";

#[test]
fn a_correct_fixture_passes() {
    let fixture = Fixture::new("correct");
    assert_eq!(fixture.problems(), "");
}

#[test]
fn a_missing_anchor_is_reported_with_its_fix() {
    let fixture = Fixture::new("missing-anchor");
    fixture.edit("book/src/demo.md", "lib.rs:answer", "lib.rs:question");
    let problems = fixture.problems();
    assert!(
        problems.contains("book/src/demo.md:12:") && problems.contains("no `// ANCHOR: question`"),
        "{problems}"
    );
}

#[test]
fn pasted_rust_and_line_numbers_are_refused() {
    let fixture = Fixture::new("pasted");
    fixture.edit(
        "book/src/demo.md",
        "## Exercises",
        "```rust\nfn pasted() {}\n```\n\n```rust\n{{#include ../../lessons/demo/src/lib.rs:2:4}}\n```\n\n## Exercises",
    );
    let problems = fixture.problems();
    assert!(
        problems.contains("Rust pasted into a listing"),
        "{problems}"
    );
    assert!(problems.contains("selects lines by number"), "{problems}");
}

#[test]
fn a_compile_fail_case_needs_its_error_beside_it() {
    let fixture = Fixture::new("no-stderr");
    fixture.edit(
        "book/src/demo.md",
        "{{#include ../../lessons/demo/tests/ui/case.stderr}}",
        "",
    );
    let problems = fixture.problems();
    assert!(problems.contains("without its error"), "{problems}");
}

#[test]
fn an_exercise_left_out_of_the_book_is_reported() {
    let fixture = Fixture::new("unplaced");
    fixture.edit("book/src/demo.md", "{{#exercises demo}}", "");
    let problems = fixture.problems();
    assert!(
        problems.contains("exercise 01-demo (lesson `demo`) is in no chapter"),
        "{problems}"
    );
}

#[test]
fn a_lesson_without_a_chapter_is_reported() {
    let fixture = Fixture::new("unreached");
    fixture.write(
        "lessons/other/Cargo.toml",
        "[package]\nname = \"lesson-other\"\nversion = \"0.1.0\"\n",
    );
    let problems = fixture.problems();
    assert!(
        problems.contains("lesson other: no chapter includes a listing from lessons/other/"),
        "{problems}"
    );
}

#[test]
fn broken_links_and_stray_pages_are_reported() {
    let fixture = Fixture::new("links");
    fixture.edit("book/src/grader.md", "(demo.md#", "(dmeo.md#");
    fixture.write("book/src/stray.md", "# Stray\n");
    fixture.edit(
        "book/src/demo.md",
        "See [the grader](grader.md).",
        "See [the code](../../lessons/demo/src/lib.rs).",
    );
    let problems = fixture.problems();
    assert!(
        problems.contains("`dmeo.md#the-answer` does not exist"),
        "{problems}"
    );
    assert!(
        problems.contains("book/src/stray.md is in no chapter list"),
        "{problems}"
    );
    assert!(problems.contains("leaves the book"), "{problems}");
}

#[test]
fn a_section_named_wrongly_is_reported_with_the_lessons_list() {
    let fixture = Fixture::new("sections");
    fixture.edit(
        "book/src/demo.md",
        "--section 1   # \"The answer\"",
        "--section 2   # \"The answer\"",
    );
    fixture.edit(
        "exercises/01-demo/src/lib.rs",
        "(\"The answer\")",
        "(\"The question\")",
    );
    fixture.edit("book/src/captures/demo-1.txt", "--section 1", "--section 2");
    let problems = fixture.problems();
    for expected in [
        "book/src/demo.md:6: lesson-demo has no section 2; it has 1: 1. The answer",
        "exercises/01-demo/src/lib.rs:3: section 1 of lesson-demo is \"The answer\", not \
         \"The question\"",
        "book/src/captures/demo-1.txt:1: should say `# cargo run -p lesson-demo -- --section 1`",
    ] {
        assert!(
            problems.contains(expected),
            "no {expected:?} in:\n{problems}"
        );
    }
}

#[test]
fn a_section_named_by_its_number_alone_is_reported() {
    let fixture = Fixture::new("untitled");
    fixture.edit("book/src/demo.md", "   # \"The answer\"", "");
    let problems = fixture.problems();
    assert!(
        problems.contains(
            "book/src/demo.md:6: names section 1 of lesson-demo by its number only: write its \
             title, \"The answer\""
        ),
        "{problems}"
    );
}

#[test]
fn a_stale_measurement_is_reported() {
    let fixture = Fixture::new("stale");
    fixture.edit("book/src/captures/demo-1.txt", "→ answer:", "→ reply:");
    let problems = fixture.problems();
    assert!(
        problems.contains("has no result line `  → answer: ...`"),
        "{problems}"
    );
}

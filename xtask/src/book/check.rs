//! Checks of the book's source, run before every build and by the test suite: every listing is
//! included from a crate by an anchor that exists, nothing is pasted, every lesson and exercise is
//! reachable, every link points at something, and every `--section N` names the section it means
//! ([`super::sections`]). Each problem says how to fix it.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use crate::course::Course;

use super::anchors;
use super::expand::{self, CAPTURES_DIR, Capture, Expander};
use super::sections;
use super::source::{self, BookSource, Chapter, Directive};

/// mdBook's own directives, which its `links` preprocessor expands after ours.
const INCLUDE: &str = "include";
const RUSTDOC_INCLUDE: &str = "rustdoc_include";
const MDBOOK_OTHERS: [&str; 2] = ["playground", "title"];

/// Every problem in the book's source, each a sentence that names the file, the line and the fix.
pub fn check(course: &Course, book: &BookSource) -> Vec<String> {
    let mut problems = Vec::new();
    let expander = Expander::new(course, book);
    for path in &book.missing {
        problems.push(format!(
            "{}: links to {path}, which does not exist: create book/src/{path} or remove the line",
            source::SUMMARY
        ));
    }
    problems.extend(orphan_pages(book));
    for chapter in &book.chapters {
        problems.extend(check_directives(course, book, &expander, chapter));
        problems.extend(check_rust_fences(chapter));
        problems.extend(check_compile_fail_pairs(book, chapter));
        problems.extend(check_links(book, chapter));
    }
    problems.extend(check_exercise_placement(course, &expander));
    problems.extend(check_lessons_reachable(course, book));
    problems.extend(check_captures(book));
    problems.extend(sections::check(course, book));
    problems
}

/// Markdown files under `src/` that no chapter list names: mdBook would skip them silently.
fn orphan_pages(book: &BookSource) -> Vec<String> {
    let listed: BTreeSet<PathBuf> = book
        .chapters
        .iter()
        .map(|chapter| PathBuf::from(&chapter.path))
        .chain(book.missing.iter().map(PathBuf::from))
        .chain([PathBuf::from(source::SUMMARY)])
        .collect();
    files_under(&book.src)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .filter_map(|path| path.strip_prefix(&book.src).ok().map(Path::to_path_buf))
        .filter(|relative| !listed.contains(relative))
        .map(|relative| {
            format!(
                "book/src/{} is in no chapter list: add it to {} or delete it",
                relative.display(),
                source::SUMMARY
            )
        })
        .collect()
}

fn check_directives(
    course: &Course,
    book: &BookSource,
    expander: &Expander,
    chapter: &Chapter,
) -> Vec<String> {
    let mut problems = Vec::new();
    let place = |directive: &Directive| format!("book/src/{}:{}", chapter.path, directive.line);
    for directive in &chapter.directives {
        let name = directive.name.as_str();
        if name == INCLUDE || name == RUSTDOC_INCLUDE {
            if let Err(problem) = check_include(course, book, chapter, &directive.args) {
                problems.push(format!("{}: {problem:#}", place(directive)));
            }
        } else if expand::OURS.contains(&name) {
            if let Err(problem) = expander.render(&chapter.path, directive) {
                problems.push(format!("{}: {problem:#}", place(directive)));
            }
        } else if !MDBOOK_OTHERS.contains(&name) {
            problems.push(format!(
                "{}: unknown directive `{{{{#{name}}}}}` (known: include, rustdoc_include, {})",
                place(directive),
                expand::OURS.join(", ")
            ));
        }
    }
    problems
}

/// An include names a file inside the course and, for source files, an anchor that exists.
fn check_include(course: &Course, book: &BookSource, chapter: &Chapter, args: &str) -> Result<()> {
    let (file, selector) = match args.split_once(':') {
        Some((file, selector)) => (file.trim(), Some(selector.trim())),
        None => (args.trim(), None),
    };
    let path = resolve(&chapter_dir(book, chapter), file)
        .ok_or_else(|| anyhow!("`{file}` climbs out of the course"))?;
    if !path.starts_with(&course.root) {
        bail!("`{file}` is outside the course");
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("`{file}` cannot be read"))?;
    let is_rust = file.ends_with(".rs");
    match selector {
        None if is_rust && is_workspace_source(course, &path) => Err(anyhow!(
            "`{file}` is included whole: include a listing by anchor instead \
             (`{file}:NAME` with `// ANCHOR: NAME` and `// ANCHOR_END: NAME` around it)"
        )),
        None => Ok(()),
        Some(selector) if selector.starts_with(|c: char| c.is_ascii_digit()) => Err(anyhow!(
            "`{file}:{selector}` selects lines by number, which drift as the file changes: \
             put `// ANCHOR: NAME` and `// ANCHOR_END: NAME` around them and include `{file}:NAME`"
        )),
        Some(anchor) => match anchors::has_pair(&text, anchor) {
            (true, true) => Ok(()),
            (false, _) => Err(anyhow!(
                "`{file}` has no `// ANCHOR: {anchor}`: add the anchor pair around the \
                 listing (or ask the file's owner), or fix the name"
            )),
            (true, false) => Err(anyhow!(
                "`{file}` has `// ANCHOR: {anchor}` but no `// ANCHOR_END: {anchor}`"
            )),
        },
    }
}

/// A whole `.rs` file may be included only if it is a trybuild case (`tests/ui/*.rs`): those are
/// short, and shown whole with their errors.
fn is_workspace_source(course: &Course, path: &Path) -> bool {
    let relative = path.strip_prefix(&course.root).unwrap_or(path);
    !relative.to_string_lossy().contains("tests/ui/")
}

/// A Rust code block holds includes and nothing else: Rust pasted into the book could drift from
/// the code that compiles and is tested.
fn check_rust_fences(chapter: &Chapter) -> Vec<String> {
    source::fences(&chapter.text)
        .into_iter()
        .filter(|fence| fence.language() == "rust")
        .filter(|fence| {
            fence.body.iter().any(|line| {
                let line = line.trim();
                let is_include =
                    line.starts_with("{{#include ") || line.starts_with("{{#rustdoc_include ");
                !(line.is_empty() || is_include)
            })
        })
        .map(|fence| {
            format!(
                "book/src/{}:{}: Rust pasted into a listing: include it from a lesson crate \
                 instead (`{{{{#include ../../lessons/NAME/src/FILE.rs:ANCHOR}}}}`)",
                chapter.path, fence.line
            )
        })
        .collect()
}

/// A listing that must not compile (a trybuild case) is shown with the error it must produce.
fn check_compile_fail_pairs(book: &BookSource, chapter: &Chapter) -> Vec<String> {
    let included: Vec<PathBuf> = chapter
        .directives
        .iter()
        .filter(|directive| directive.name == INCLUDE || directive.name == RUSTDOC_INCLUDE)
        .filter_map(|directive| {
            let file = directive
                .args
                .split(':')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            resolve(&chapter_dir(book, chapter), &file)
        })
        .collect();
    included
        .iter()
        .filter(|path| {
            path.to_string_lossy().contains("tests/ui/")
                && path.extension().is_some_and(|extension| extension == "rs")
        })
        .filter(|case| !included.contains(&case.with_extension("stderr")))
        .map(|case| {
            format!(
                "book/src/{}: shows the compile-fail case {} without its error: include {} \
                 beside it",
                chapter.path,
                case.display(),
                case.with_extension("stderr").display()
            )
        })
        .collect()
}

/// Links stay inside the book (mdBook copies nothing else) and point at files that exist; their
/// `#fragments` are checked on the built HTML, where the ids really are.
fn check_links(book: &BookSource, chapter: &Chapter) -> Vec<String> {
    let mut problems = Vec::new();
    for link in source::links(&chapter.text) {
        if source::is_external(&link.target) || link.target.starts_with('#') {
            continue;
        }
        let file = link.target.split('#').next().unwrap_or_default();
        let place = format!("book/src/{}:{}", chapter.path, link.line);
        let Some(path) = resolve(&chapter_dir(book, chapter), file) else {
            problems.push(format!("{place}: `{file}` climbs out of the course"));
            continue;
        };
        if !path.starts_with(&book.src) {
            problems.push(format!(
                "{place}: `{}` leaves the book, and the HTML would have a dead link: name the \
                 file in `code` instead",
                link.target
            ));
        } else if !path.is_file() {
            problems.push(format!("{place}: `{}` does not exist", link.target));
        } else if file.ends_with(".md") {
            let relative = path.strip_prefix(&book.src).unwrap_or(&path);
            if book.chapter(&relative.to_string_lossy()).is_none() {
                problems.push(format!(
                    "{place}: `{file}` is not a chapter in {}",
                    source::SUMMARY
                ));
            }
        }
    }
    problems
}

/// Every exercise in the metadata is presented by exactly one chapter.
fn check_exercise_placement(course: &Course, expander: &Expander) -> Vec<String> {
    let mut problems = Vec::new();
    for exercise in &course.exercises {
        let chapters: Vec<&str> = expander
            .placements(&exercise.name)
            .iter()
            .map(|placement| placement.path.as_str())
            .collect();
        match chapters.as_slice() {
            [_] => {}
            [] => problems.push(format!(
                "exercise {} (lesson `{}`) is in no chapter: add it to a \
                 `{{{{#exercises {}}}}}` directive (a range such as `{} {}` selects some)",
                exercise.name,
                exercise.lesson,
                exercise.lesson,
                exercise.lesson,
                exercise.number()
            )),
            several => problems.push(format!(
                "exercise {} is presented {} times ({}): keep one",
                exercise.name,
                several.len(),
                several.join(", ")
            )),
        }
    }
    problems
}

/// Every lesson has a chapter: the book includes listings from it and names its command.
fn check_lessons_reachable(course: &Course, book: &BookSource) -> Vec<String> {
    let mut problems = Vec::new();
    for lesson in lesson_names(course) {
        let folder = format!("lessons/{lesson}/");
        let command = format!("lesson-{lesson}");
        let includes_from_it = book.chapters.iter().any(|chapter| {
            chapter.directives.iter().any(|directive| {
                (directive.name == INCLUDE || directive.name == RUSTDOC_INCLUDE)
                    && directive.args.contains(&folder)
            })
        });
        let names_it = book
            .chapters
            .iter()
            .any(|chapter| chapter.text.contains(&command));
        if !includes_from_it {
            problems.push(format!(
                "lesson {lesson}: no chapter includes a listing from {folder}"
            ));
        }
        if !names_it {
            problems.push(format!(
                "lesson {lesson}: no chapter tells how to run it (`cargo run -p {command}`)"
            ));
        }
    }
    problems
}

/// The lessons: folders under `lessons/` whose package is `lesson-NAME`, but not the kit.
pub fn lesson_names(course: &Course) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(course.root.join("lessons")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .filter_map(|entry| entry.file_name().to_str().map(str::to_string))
        .filter(|name| name != "kit")
        .collect();
    names.sort();
    names
}

/// Captures are well formed and shown somewhere.
fn check_captures(book: &BookSource) -> Vec<String> {
    let used: BTreeSet<String> = book
        .chapters
        .iter()
        .flat_map(|chapter| &chapter.directives)
        .filter(|directive| directive.name == expand::CAPTURE || directive.name == expand::RESULT)
        .filter_map(|directive| directive.args.split_whitespace().next().map(str::to_string))
        .collect();
    let mut problems = Vec::new();
    for path in files_under(&book.src.join(CAPTURES_DIR)) {
        let Some(name) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Err(problem) = Capture::parse(name, &text) {
            problems.push(format!("{problem:#}"));
        }
        if !used.contains(name) {
            problems.push(format!(
                "book/src/{CAPTURES_DIR}/{name}.txt is shown nowhere: `{{{{#capture {name}}}}}` \
                 in a chapter, or delete it"
            ));
        }
    }
    problems
}

fn chapter_dir(book: &BookSource, chapter: &Chapter) -> PathBuf {
    book.src
        .join(&chapter.path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| book.src.clone())
}

/// `base/relative`, with `.` and `..` worked out (without touching the file system), or `None`
/// if it climbs above the root.
pub fn resolve(base: &Path, relative: &str) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for component in base.join(relative).components() {
        match component {
            Component::ParentDir => {
                if !path.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => path.push(other),
        }
    }
    Some(path)
}

/// Every file under `dir`, recursively, in a stable order.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_without_the_file_system() {
        let base = Path::new("/course/book/src");
        assert_eq!(
            resolve(base, "../../lessons/a/src/b.rs"),
            Some(PathBuf::from("/course/lessons/a/src/b.rs"))
        );
        assert_eq!(
            resolve(base, "./x.md"),
            Some(PathBuf::from("/course/book/src/x.md"))
        );
        assert_eq!(resolve(Path::new("/a"), "../../b"), None);
    }
}

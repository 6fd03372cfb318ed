//! The book's source as written: the chapters `SUMMARY.md` lists, and the pieces of Markdown the
//! checks and the expansions look at (directives, code fences, links).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The book's folder in the course, its source folder, and its table of contents.
pub const BOOK_DIR: &str = "book";
pub const SRC_DIR: &str = "src";
pub const SUMMARY: &str = "SUMMARY.md";

/// One chapter: a Markdown file that `SUMMARY.md` links to.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// As `SUMMARY.md` names it.
    pub title: String,
    /// Relative to the book's `src/`, as written in `SUMMARY.md` (`threads.md`).
    pub path: String,
    pub text: String,
    /// The `{{#...}}` directives in `text`, parsed once here for every check and expansion.
    pub directives: Vec<Directive>,
}

impl Chapter {
    pub fn new(title: String, path: String, text: String) -> Chapter {
        let directives = directives(&text);
        Chapter {
            title,
            path,
            text,
            directives,
        }
    }
}

/// The book's source: where it lives, and its chapters in the order of `SUMMARY.md`.
#[derive(Debug, Clone)]
pub struct BookSource {
    /// `book/src` in the course.
    pub src: PathBuf,
    pub chapters: Vec<Chapter>,
    /// Links in `SUMMARY.md` whose file is missing: reported by the checks, never fatal here.
    pub missing: Vec<String>,
}

impl BookSource {
    /// Reads `SUMMARY.md` and every chapter it links to.
    pub fn load(course_root: &Path) -> Result<BookSource> {
        let src = course_root.join(BOOK_DIR).join(SRC_DIR);
        let summary_path = src.join(SUMMARY);
        let summary = read(&summary_path)?;
        let mut chapters = Vec::new();
        let mut missing = Vec::new();
        for (title, path) in summary_links(&summary) {
            match std::fs::read_to_string(src.join(&path)) {
                Ok(text) => chapters.push(Chapter::new(title, path, text)),
                Err(_) => missing.push(path),
            }
        }
        Ok(BookSource {
            src,
            chapters,
            missing,
        })
    }

    pub fn chapter(&self, path: &str) -> Option<&Chapter> {
        self.chapters.iter().find(|chapter| chapter.path == path)
    }
}

pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// `(title, path)` of every `[title](path)` in `SUMMARY.md` that names a file (drafts, written
/// `[title]()`, have none).
pub fn summary_links(summary: &str) -> Vec<(String, String)> {
    summary
        .lines()
        .filter_map(|line| {
            let line = line.trim_start().trim_start_matches(['-', '*']).trim();
            let rest = line.strip_prefix('[')?;
            let (title, rest) = rest.split_once("](")?;
            let (path, _) = rest.split_once(')')?;
            (!path.is_empty()).then(|| (title.to_string(), path.to_string()))
        })
        .collect()
}

/// A `{{#name args}}` directive in a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub args: String,
    /// Byte range of the whole `{{#...}}` in the chapter's text.
    pub start: usize,
    pub end: usize,
    /// 1-based, for messages.
    pub line: usize,
}

/// Every `{{#...}}` directive in `text`, except those escaped as `\{{#...}}` (mdBook's own
/// escape, for writing about directives).
pub fn directives(text: &str) -> Vec<Directive> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find("{{#") {
        let start = from + offset;
        let Some(length) = text[start..].find("}}") else {
            break;
        };
        let end = start + length + 2;
        from = end;
        if text[..start].ends_with('\\') {
            continue;
        }
        let inner = text[start + 3..end - 2].trim();
        let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        found.push(Directive {
            name: name.to_string(),
            args: args.trim().to_string(),
            start,
            end,
            line: line_of(text, start),
        });
    }
    found
}

/// A fenced code block: its info string (`rust`, `text`, `rust,ignore`) and its lines.
#[derive(Debug, Clone)]
pub struct Fence {
    pub info: String,
    pub body: Vec<String>,
    /// 1-based line of the opening fence.
    pub line: usize,
}

impl Fence {
    /// The language: the info string up to its first comma or space.
    pub fn language(&self) -> &str {
        self.info
            .split([',', ' '])
            .next()
            .unwrap_or_default()
            .trim()
    }
}

/// Every fenced code block (``` or ~~~) in `text`.
pub fn fences(text: &str) -> Vec<Fence> {
    let mut fences = Vec::new();
    let mut open: Option<(String, Fence)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            Some((marker, fence)) => {
                // A closing fence: the same character, at least as many, and nothing after.
                let closes = trimmed.starts_with(marker.as_str())
                    && trimmed.trim_start_matches(&marker[..1]).trim().is_empty();
                if closes {
                    if let Some((_, fence)) = open.take() {
                        fences.push(fence);
                    }
                } else {
                    fence.body.push(line.to_string());
                }
            }
            None => {
                for marker in ["```", "~~~"] {
                    if trimmed.starts_with(marker) {
                        let first = &marker[..1];
                        let length = trimmed.len() - trimmed.trim_start_matches(first).len();
                        let fence = Fence {
                            info: trimmed[length..].trim().to_string(),
                            body: Vec::new(),
                            line: index + 1,
                        };
                        open = Some((trimmed[..length].to_string(), fence));
                        break;
                    }
                }
            }
        }
    }
    fences
}

/// The text with every fenced code block and every inline code span blanked out (same length, so
/// offsets still match), for looking at prose only.
pub fn prose_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let fence_marker = ["```", "~~~"]
            .into_iter()
            .find(|marker| trimmed.starts_with(marker));
        match (&in_fence, fence_marker) {
            (None, Some(marker)) => {
                in_fence = Some(marker.to_string());
                out.push_str(&blank(line));
            }
            (Some(open), Some(marker)) if open == marker => {
                in_fence = None;
                out.push_str(&blank(line));
            }
            (Some(_), _) => out.push_str(&blank(line)),
            (None, None) => out.push_str(&blank_inline_code(line)),
        }
    }
    out
}

/// The line with every character but the newline replaced by spaces, byte for byte.
fn blank(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c == '\n' {
                "\n".to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect()
}

fn blank_inline_code(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        if c == '`' {
            in_code = !in_code;
            out.push(' ');
        } else if in_code && c != '\n' {
            // Keep byte lengths equal: a multi-byte character becomes as many spaces.
            out.push_str(&" ".repeat(c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// A Markdown link `[text](target)` in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub target: String,
    pub line: usize,
}

/// The targets of the inline links in the prose of `text` (code is skipped).
pub fn links(text: &str) -> Vec<Link> {
    let prose = prose_only(text);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = prose[from..].find("](") {
        let start = from + offset + 2;
        let Some(length) = prose[start..].find(')') else {
            break;
        };
        let target = prose[start..start + length].trim();
        // `[text](<target> "title")`: the target is the first word.
        let target = target.split_whitespace().next().unwrap_or_default();
        let target = target.trim_start_matches('<').trim_end_matches('>');
        found.push(Link {
            target: target.to_string(),
            line: line_of(text, start),
        });
        from = start + length;
    }
    found
}

/// Whether a link leaves the book for the web (or another scheme), rather than naming a page.
pub fn is_external(target: &str) -> bool {
    target.contains("://") || target.starts_with("mailto:")
}

pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_links_skip_drafts_and_prose() {
        let summary = "# Summary\n\n[Intro](intro.md)\n\n# Part\n\n- [One](one.md)\n  - [Sub](a/sub.md)\n- [Draft]()\n";
        assert_eq!(
            summary_links(summary),
            [
                ("Intro".to_string(), "intro.md".to_string()),
                ("One".to_string(), "one.md".to_string()),
                ("Sub".to_string(), "a/sub.md".to_string()),
            ]
        );
    }

    #[test]
    fn directives_are_found_with_their_lines_unless_escaped() {
        let text = "a\n{{#include x.rs:one}}\n\\{{#include not.rs}}\n{{#exercises threads 01-02}}";
        let found = directives(text);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (
                found[0].name.as_str(),
                found[0].args.as_str(),
                found[0].line
            ),
            ("include", "x.rs:one", 2)
        );
        assert_eq!(
            (
                found[1].name.as_str(),
                found[1].args.as_str(),
                found[1].line
            ),
            ("exercises", "threads 01-02", 4)
        );
        assert_eq!(&text[found[0].start..found[0].end], "{{#include x.rs:one}}");
    }

    #[test]
    fn fences_keep_their_info_and_body() {
        let text = "x\n```rust,ignore\n{{#include a.rs:b}}\n```\n\n````text\n```\ninside\n````\n";
        let found = fences(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].language(), "rust");
        assert_eq!(found[0].body, ["{{#include a.rs:b}}"]);
        assert_eq!(found[0].line, 2);
        assert_eq!(found[1].language(), "text");
        assert_eq!(found[1].body, ["```", "inside"]);
    }

    #[test]
    fn links_in_code_are_not_links() {
        let text = "See [one](one.md#top) and `[no](no.md)`.\n```\n[no](fence.md)\n```\n[two](<two.md> \"Two\")\n";
        let targets: Vec<String> = links(text).into_iter().map(|link| link.target).collect();
        assert_eq!(targets, ["one.md#top", "two.md"]);
    }
}

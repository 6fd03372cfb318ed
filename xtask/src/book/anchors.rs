//! mdBook's anchors in the course's source: `// ANCHOR: NAME` and `// ANCHOR_END: NAME` around a
//! listing the book includes as `{{#include FILE:NAME}}`.
//!
//! The checks ask whether a file has an anchor pair; `book capture` asks for the listings
//! themselves, to recognise them in a lesson's output. Both read markers here, so they agree on
//! what one is. (The lesson kit's `narrate` reads them too, to print listings; the xtask does not
//! depend on the kit, which would bring tokio and axum into the grader's build.)

/// One anchor marker line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker<'a> {
    Start(&'a str),
    End(&'a str),
}

/// The marker on `line`, if it is one: a `//` comment holding only `ANCHOR: NAME` or
/// `ANCHOR_END: NAME`. (mdBook accepts any comment style; the course writes `//`.)
pub fn marker(line: &str) -> Option<Marker<'_>> {
    let rest = line.trim().strip_prefix("//")?.trim();
    let marker = match rest.strip_prefix("ANCHOR:") {
        Some(name) => Marker::Start(name.trim()),
        None => Marker::End(rest.strip_prefix("ANCHOR_END:")?.trim()),
    };
    let (Marker::Start(name) | Marker::End(name)) = marker;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    is_name.then_some(marker)
}

/// Whether `source` has the start and the end marker of the anchor `name`.
pub fn has_pair(source: &str, name: &str) -> (bool, bool) {
    let found = |wanted: Marker<'_>| source.lines().any(|line| marker(line) == Some(wanted));
    (found(Marker::Start(name)), found(Marker::End(name)))
}

/// Every anchored listing in `source`, as `narrate::code` prints them: the lines between an
/// anchor's markers, without other anchors' markers, without their common indentation and
/// trailing spaces. An anchor left open runs to the end of the file, as in mdBook.
pub fn listings(source: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = source.lines().collect();
    let mut listings = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(Marker::Start(name)) = marker(line) else {
            continue;
        };
        let body: Vec<&str> = lines[start + 1..]
            .iter()
            .take_while(|line| marker(line) != Some(Marker::End(name)))
            .filter(|line| marker(line).is_none())
            .copied()
            .collect();
        listings.push(dedent(&body));
    }
    listings
}

/// `lines` without the indentation they all share (blank lines aside) and trailing spaces.
fn dedent(lines: &[&str]) -> Vec<String> {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|line| line.get(indent..).unwrap_or("").trim_end().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_comment_lines() {
        assert_eq!(marker("    // ANCHOR: pool"), Some(Marker::Start("pool")));
        assert_eq!(
            marker("// ANCHOR_END: pool_two"),
            Some(Marker::End("pool_two"))
        );
        assert_eq!(marker("let x = \"ANCHOR: pool\";"), None);
        assert_eq!(marker("// ANCHOR: two words"), None);
        assert_eq!(marker("// ANCHOR:"), None);
    }

    #[test]
    fn a_pair_is_found_by_its_exact_name() {
        let source = "// ANCHOR: pool\nfn a() {}\n// ANCHOR_END: pool\n// ANCHOR: pool_two\n";
        assert_eq!(has_pair(source, "pool"), (true, true));
        assert_eq!(has_pair(source, "pool_two"), (true, false));
        assert_eq!(has_pair(source, "poo"), (false, false));
    }

    #[test]
    fn listings_are_dedented_without_nested_markers() {
        let source = "mod m {\n    // ANCHOR: outer\n    fn a() {\n        // ANCHOR: inner\n        b();\n        // ANCHOR_END: inner\n    }\n    // ANCHOR_END: outer\n}\n";
        assert_eq!(
            listings(source),
            [vec!["fn a() {", "    b();", "}"], vec!["b();"]]
        );
    }
}

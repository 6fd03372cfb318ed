//! Checks of the built HTML, where links really point: every chapter has its page, every relative
//! `href` and `src` names a file that exists, and every `#fragment` an id on that page.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::check::{files_under, resolve};
use super::expand;
use super::source::BookSource;

/// Every problem in the HTML that mdBook wrote to `dest`.
pub fn check(dest: &Path, book: &BookSource) -> Vec<String> {
    let mut problems = Vec::new();
    for chapter in &book.chapters {
        let page = dest.join(Path::new(&chapter.path).with_extension("html"));
        if !page.is_file() {
            problems.push(format!(
                "book/src/{} was not rendered: {} is missing",
                chapter.path,
                page.display()
            ));
        }
    }
    let pages: BTreeMap<PathBuf, String> = files_under(dest)
        .into_iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "html")
        })
        .filter_map(|path| std::fs::read_to_string(&path).ok().map(|html| (path, html)))
        .collect();
    let ids: BTreeMap<&Path, BTreeSet<String>> = pages
        .iter()
        .map(|(path, html)| (path.as_path(), attribute_values(html, "id").collect()))
        .collect();
    for (page, html) in &pages {
        let name = page
            .strip_prefix(dest)
            .unwrap_or(page)
            .display()
            .to_string();
        for directive in ["{{#include", "{{#rustdoc_include"]
            .into_iter()
            .map(str::to_string)
            .chain(expand::OURS.iter().map(|ours| format!("{{{{#{ours}")))
        {
            if html.contains(&directive) {
                problems.push(format!("{name}: `{directive}` was left unexpanded"));
            }
        }
        let base = page.parent().unwrap_or(dest);
        let targets = attribute_values(html, "href").chain(attribute_values(html, "src"));
        for target in targets.collect::<BTreeSet<_>>() {
            if let Some(problem) = check_target(dest, page, base, &target, &ids) {
                problems.push(format!("{name}: {problem}"));
            }
        }
    }
    problems
}

fn check_target(
    dest: &Path,
    page: &Path,
    base: &Path,
    target: &str,
    ids: &BTreeMap<&Path, BTreeSet<String>>,
) -> Option<String> {
    let external = ["://", "mailto:", "javascript:", "data:"];
    // Site-absolute links (`/`) belong to mdBook's 404 page, which is served from the site root.
    if external.iter().any(|scheme| target.contains(scheme))
        || target.is_empty()
        || target.starts_with('/')
    {
        return None;
    }
    let target = target.replace("&amp;", "&");
    let (file, fragment) = match target.split_once('#') {
        Some((file, fragment)) => (file, Some(fragment)),
        None => (target.as_str(), None),
    };
    let file = file.split('?').next().unwrap_or_default();
    let path = if file.is_empty() {
        page.to_path_buf()
    } else {
        resolve(base, file)?
    };
    if !path.starts_with(dest) {
        return Some(format!("`{target}` points outside the book"));
    }
    // A folder link serves its index.html.
    let path = if path.is_dir() {
        path.join("index.html")
    } else {
        path
    };
    if !path.is_file() {
        return Some(format!("`{target}` points at a file that does not exist"));
    }
    match (fragment, ids.get(path.as_path())) {
        (Some(fragment), Some(ids)) if !fragment.is_empty() && !ids.contains(fragment) => {
            Some(format!("`{target}`: no element has the id `{fragment}`"))
        }
        _ => None,
    }
}

/// The values of every `name="..."` attribute in `html`.
fn attribute_values(html: &str, name: &str) -> std::vec::IntoIter<String> {
    let pattern = format!(" {name}=\"");
    let values: Vec<String> = html
        .match_indices(&pattern)
        .filter_map(|(index, _)| {
            let start = index + pattern.len();
            let length = html[start..].find('"')?;
            Some(html[start..start + length].to_string())
        })
        .collect();
    values.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_from_tags() {
        let html =
            r#"<a href="x.html#one">x</a><h2 id="one">x</h2><img src="a.svg"><p data-id="no">"#;
        assert_eq!(
            attribute_values(html, "href").collect::<Vec<_>>(),
            ["x.html#one"]
        );
        assert_eq!(attribute_values(html, "id").collect::<Vec<_>>(), ["one"]);
        assert_eq!(attribute_values(html, "src").collect::<Vec<_>>(), ["a.svg"]);
    }
}

//! A case's `.errors` file: the compiler that recorded it, and the errors it must give.

use std::fmt;

/// One error, as far as the check looks at it: its code (`E0451`, or a lint's name such as
/// `unused_must_use`), and the first line of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: Option<String>,
    pub message: String,
}

impl Error {
    /// `error[E0451]: field ... is private`, or `error: ...` with no code.
    fn parse(line: &str) -> Option<Error> {
        let rest = line.strip_prefix("error")?;
        if let Some(message) = rest.strip_prefix(": ") {
            return Some(Error {
                code: None,
                message: message.to_string(),
            });
        }
        let (code, message) = rest.strip_prefix('[')?.split_once("]: ")?;
        Some(Error {
            code: Some(code.to_string()),
            message: message.to_string(),
        })
    }
}

/// As the compiler writes an error's first line.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "error[{code}]: {}", self.message),
            None => write!(f, "error: {}", self.message),
        }
    }
}

/// What a `.errors` file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// `rustc --version` of the compiler that recorded it (empty if not said).
    pub compiler: String,
    pub errors: Vec<Error>,
}

const RECORDED_WITH: &str = "# recorded with ";

impl Expected {
    /// Reads a `.errors` file: `#` lines are comments (one may say which compiler recorded it),
    /// every other line that is not blank is an error.
    pub fn parse(text: &str) -> Expected {
        let mut compiler = String::new();
        let mut errors = Vec::new();
        for line in text.lines().map(str::trim_end) {
            if let Some(version) = line.strip_prefix(RECORDED_WITH) {
                compiler = version.trim().to_string();
            } else if line.starts_with('#') || line.trim().is_empty() {
                continue;
            } else {
                // A line that is no error (a typo) is kept as a message with no code, so that
                // it fails visibly rather than being skipped.
                errors.push(Error::parse(line).unwrap_or(Error {
                    code: None,
                    message: line.to_string(),
                }));
            }
        }
        Expected { compiler, errors }
    }

    /// The file's text, for the case called `case`.
    pub fn render(&self, case: &str) -> String {
        let mut text = format!(
            "# The errors the compiler must give, in order, for\n\
             #   {case}\n\
             # each by its code and main message (spans, notes and help are left out: they change\n\
             # between compilers). `COMPILE_FAIL=record cargo test` writes this file anew.\n\
             {RECORDED_WITH}{}\n",
            self.compiler
        );
        for error in &self.errors {
            text.push_str(&format!("{error}\n"));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_round_trips() {
        let expected = Expected {
            compiler: "rustc 1.95.0 (59807616e 2025-12-04)".to_string(),
            errors: vec![
                Error {
                    code: Some("E0451".to_string()),
                    message: "field `held` of struct `Permit` is private".to_string(),
                },
                Error {
                    code: None,
                    message: "this lint expectation is unfulfilled".to_string(),
                },
            ],
        };
        let text = expected.render("tests/ui/forge.rs");
        assert!(text.contains("\nerror[E0451]: field `held` of struct `Permit` is private\n"));
        assert!(text.contains("\nerror: this lint expectation is unfulfilled\n"));
        assert_eq!(Expected::parse(&text), expected);
    }

    #[test]
    fn a_line_that_is_no_error_is_kept_so_that_it_fails() {
        let expected = Expected::parse("# a comment\n\nwarning: not an error\n");
        assert_eq!(expected.compiler, "");
        assert_eq!(
            expected.errors,
            [Error {
                code: None,
                message: "warning: not an error".to_string()
            }]
        );
    }
}

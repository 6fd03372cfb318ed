//! How big the lesson's demonstrations are: the defaults, `--quick`, or the learner's own flags.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use clap::Args;
use lesson_kit::lesson::{count, millis};

/// Everything a section needs to know about its size.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long each of the "three waits" of sections 2 and 3 lasts.
    pub wait: Duration,
    /// Section 4: how many GET requests to send.
    pub requests: usize,
    /// Section 4: how many of them may be in flight at once.
    pub concurrency: usize,
    /// Section 4: how long the local server takes to answer each one.
    pub delay: Duration,
    /// Section 4: a real server to send the requests to instead of the local one.
    pub url: Option<String>,
    /// Section 5: how many tasks, and how many threads, to start.
    pub tasks: usize,
}

impl Settings {
    /// The full-size lesson: about fifteen seconds.
    pub fn full() -> Self {
        Settings {
            wait: Duration::from_secs(1),
            requests: 1000,
            concurrency: 200,
            delay: Duration::from_millis(1000),
            url: None,
            tasks: 10_000,
        }
    }

    /// The same lesson in a few seconds, for a first look and for tests.
    pub fn quick() -> Self {
        Settings {
            wait: Duration::from_millis(200),
            requests: 200,
            concurrency: 100,
            delay: Duration::from_millis(200),
            url: None,
            tasks: 1000,
        }
    }
}

/// The learner's own sizes: each flag, when given, replaces one setting of the full or quick run.
#[derive(Args, Debug, Clone, Default)]
pub struct Flags {
    /// Section 4: how many GET requests to send [default: 1000, quick: 200].
    #[arg(long, value_parser = count(1..=100_000))]
    pub requests: Option<usize>,
    /// Section 4: how many requests may be in flight at once [default: 200, quick: 100].
    #[arg(long, value_parser = count(1..=10_000))]
    pub concurrency: Option<usize>,
    /// Section 4: how long the local server takes to answer, in ms [default: 1000, quick: 200].
    #[arg(long, value_parser = millis(0..=60_000))]
    pub delay_ms: Option<Duration>,
    /// Section 4: GET this URL instead of the local server (http://...; https needs
    /// `--features https`).
    #[arg(long, value_parser = parse_url)]
    pub url: Option<String>,
    /// Section 5: how many tasks and threads to start [default: 10000, quick: 1000].
    #[arg(long, value_parser = count(1..=100_000))]
    pub tasks: Option<usize>,
}

impl Flags {
    /// The full lesson, or the quick one, with these flags' sizes instead of its own.
    pub fn settings(&self, quick: bool) -> Settings {
        let base = if quick {
            Settings::quick()
        } else {
            Settings::full()
        };
        Settings {
            requests: self.requests.unwrap_or(base.requests),
            concurrency: self.concurrency.unwrap_or(base.concurrency),
            delay: self.delay_ms.unwrap_or(base.delay),
            url: self.url.clone(),
            tasks: self.tasks.unwrap_or(base.tasks),
            ..base
        }
    }
}

/// `--url`: an http URL, or an https one in a build with TLS.
fn parse_url(text: &str) -> Result<String> {
    // clap shows only the top message of a flag's error, so the cause goes into it.
    let url = reqwest::Url::parse(text).map_err(|error| anyhow!("not a URL: {error}"))?;
    match url.scheme() {
        "http" => Ok(text.to_string()),
        "https" if cfg!(feature = "https") => Ok(text.to_string()),
        "https" => bail!(
            "this build has no TLS; for https URLs run \
             `cargo run -p lesson-async --features https -- --url ...`"
        ),
        other => bail!("{other}: is not http or https"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_replace_only_the_sizes_they_name() {
        let flags = Flags {
            tasks: Some(7),
            url: Some("http://127.0.0.1:1/".to_string()),
            ..Flags::default()
        };
        let settings = flags.settings(true);
        assert_eq!(settings.tasks, 7);
        assert_eq!(settings.url.as_deref(), Some("http://127.0.0.1:1/"));
        assert_eq!(settings.requests, Settings::quick().requests);
    }

    #[test]
    fn only_http_urls_are_taken() {
        assert!(parse_url("http://example.com/").is_ok());
        let refused = parse_url("ftp://example.com").expect_err("not http");
        assert_eq!(refused.to_string(), "ftp: is not http or https");
        let garbage = parse_url("not a url").expect_err("not a URL");
        assert!(garbage.to_string().starts_with("not a URL: "), "{garbage}");
    }
}

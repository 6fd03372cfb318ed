//! Retry with backoff on 429.
//!
//! The semaphore, the stream and the shared client stay under the server's limit because the
//! client knows it. Often it doesn't: the limit is not published, or other clients share it. Then
//! the server's `429 Too Many Requests` is the only news of it, and the polite answer is to wait
//! and try again.
//!
//! Three choices make a retry loop polite rather than a second flood:
//! - **Exponential backoff.** Each wait is longer than the one before (here twice as long, up to
//!   a cap), so a server that stays busy is asked less and less often.
//! - **Jitter.** Each wait is drawn at random below its limit. Without it, every request turned
//!   away at the same moment comes back at the same moment, a smaller flood, turned away again:
//!   the retries stay in lockstep. With it, they spread out and find the free slots one by one.
//! - **A cap on attempts.** Patience ends, with an error that says so, rather than never.
//!
//! Only a 429 is retried. A 404 stays a 404 however long we wait, and a request that got no answer
//! at all (refused, reset) is a different problem with its own remedies.

use std::time::Duration;

use anyhow::Result;
use futures::future::join_all;
use lesson_kit::data::random_fraction;
use lesson_kit::http::{Tally, get_status};
use lesson_kit::measure::{format_duration, ideal_io_time};
use lesson_kit::{LocalServer, ServerConfig, Timeline, Versus, narrate};
use reqwest::{Client, StatusCode};
use tokio::time::{Instant, sleep};

use crate::flood::flood;
use crate::open_files::affordable_requests;
use crate::settings::Settings;

// Counting a batch of retried requests belongs to this section alone, so it is a module inside it.
mod tally;
pub use tally::RetryTally;

// ANCHOR: policy
/// How patiently to retry a request that the server turned away with 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The most times one request is sent, the first time included.
    pub max_attempts: u32,
    /// The limit on the first wait. The limit doubles after every 429...
    pub first_wait: Duration,
    /// ...but never grows past this: one long wait too many, and the batch stalls.
    pub longest_wait: Duration,
    /// Draw each wait at random between zero and its limit ("full jitter"), rather than waiting
    /// exactly the limit.
    pub jitter: bool,
}

impl RetryPolicy {
    /// The waits between the attempts of request number `request` (its number seeds the jitter,
    /// so each request draws waits of its own). One fewer than the attempts: nothing follows the
    /// last attempt, so a wait after it would be time thrown away.
    pub fn waits(self, request: u64) -> impl Iterator<Item = Duration> {
        (1..self.max_attempts).map(move |retry| {
            let limit = self
                .first_wait
                .saturating_mul(2_u32.saturating_pow(retry - 1))
                .min(self.longest_wait);
            if self.jitter {
                // A fraction of the limit, drawn from a generator seeded with the request's number.
                // A real program would use the `rand` crate, seeded differently in every process, or
                // two clients would still retry in step; this one needs no crate and makes the tests
                // exact. Whole milliseconds: tokio's timer counts no finer, and would round up.
                let millis = limit.as_millis() as f64 * random_fraction(request, retry);
                Duration::from_millis(millis as u64)
            } else {
                limit
            }
        })
    }

    /// The most a request waits in all before it gives up: every wait at its limit.
    pub fn total_wait_limit(self) -> Duration {
        RetryPolicy {
            jitter: false,
            ..self
        }
        .waits(0)
        .sum()
    }
}
// ANCHOR_END: policy

// Apart from the listing above: how this lesson picks its policy, not how a policy works.
impl RetryPolicy {
    /// The lesson's patience, from its settings. The cap on a single wait is a fixed multiple of
    /// the first, so that `--first-wait-ms` alone scales the whole schedule.
    pub fn for_lesson(settings: &Settings) -> RetryPolicy {
        const DOUBLINGS_BEFORE_THE_CAP: u32 = 3;
        RetryPolicy {
            max_attempts: settings.max_attempts,
            first_wait: settings.first_wait,
            longest_wait: settings.first_wait * 2_u32.pow(DOUBLINGS_BEFORE_THE_CAP),
            jitter: true,
        }
    }
}

// ANCHOR: retry
/// What became of a request that may have been sent several times.
#[derive(Debug)]
pub struct Retried<E> {
    /// How many times it was sent, the first time included.
    pub attempts: u32,
    /// The final answer (any status but 429), or why there is none.
    pub result: Result<StatusCode, RetryFailure<E>>,
}

/// Why a retried request ended without an answer.
#[derive(Debug)]
pub enum RetryFailure<E> {
    /// Every attempt was answered 429, and the policy allows no more.
    StillRateLimited,
    /// An attempt got no answer at all: backing off from 429s is no remedy for that.
    NoAnswer(E),
}

/// Sends a request until the answer is anything but 429, sleeping through `policy`'s waits
/// between attempts. `send` makes one attempt: an async closure, so it can be called again.
pub async fn retry_on_429<E>(
    policy: RetryPolicy,
    request: u64,
    mut send: impl AsyncFnMut() -> Result<StatusCode, E>,
) -> Retried<E> {
    let mut waits = policy.waits(request);
    let mut attempts = 0;
    let result = loop {
        attempts += 1;
        match send().await {
            Ok(StatusCode::TOO_MANY_REQUESTS) => match waits.next() {
                // `sleep` hands the thread to other tasks: a thousand requests can back off at
                // once on one thread, and none of them spins.
                Some(wait) => sleep(wait).await,
                // No wait left: that was the last attempt the policy allows.
                None => break Err(RetryFailure::StillRateLimited),
            },
            // Success or not, any other answer is final.
            Ok(status) => break Ok(status),
            Err(error) => break Err(RetryFailure::NoAnswer(error)),
        }
    };
    Retried { attempts, result }
}
// ANCHOR_END: retry

// ANCHOR: flood_with_retries
/// Section 1's flood, every request at once, but each one retried on 429 under `policy`.
pub async fn flood_with_retries(
    client: &Client,
    url: &str,
    requests: usize,
    policy: RetryPolicy,
    timeline: &Timeline,
) -> Vec<Retried<reqwest::Error>> {
    let every_request = (0..requests).map(|index| {
        retry_on_429(policy, index as u64, async move || {
            get_on_timeline(client, url, timeline, index).await
        })
    });
    join_all(every_request).await
}
// ANCHOR_END: flood_with_retries

/// GETs `url`, and draws the attempt on the timeline if the server served it: the chart then
/// shows when the server's slots were busy, not the thousands of instant 429s.
async fn get_on_timeline(
    client: &Client,
    url: &str,
    timeline: &Timeline,
    index: usize,
) -> Result<StatusCode, reqwest::Error> {
    let started = Instant::now();
    let result = get_status(client, url).await;
    if matches!(result, Ok(status) if status != StatusCode::TOO_MANY_REQUESTS) {
        timeline.record(format!("GET {index}"), started, Instant::now());
    }
    result
}

pub async fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(&format!(
        "An unbounded flood against a server that allows {limit} requests in flight gets 429s. \
         Retrying each 429 after a wait drawn at random below a limit that doubles each time \
         (the randomness, jitter, keeps the retries from coming back in lockstep) turns them \
         all into successes, at a cost in time that we measure.",
        limit = settings.concurrency
    ));
    narrate::python(
        "tenacity's @retry(retry=retry_if_result(lambda r: r.status_code == 429), \
         wait=wait_random_exponential(multiplier=0.05, max=0.4), stop=stop_after_attempt(20)) \
         is the policy used here. It looks at the result because httpx returns a 429 rather than \
         raising it (retry_if_exception fires only after raise_for_status()). The backoff \
         library's @backoff.on_predicate(backoff.expo, lambda r: r.status_code == 429, \
         max_tries=20) is much the same, with full jitter by default. By hand: a loop around \
         await asyncio.sleep(random.uniform(0, limit)). In Rust, crates such as backon and \
         tokio-retry package the loop; here it is written out.",
    );
    narrate::code(include_str!("retry.rs"), "policy");
    narrate::code(include_str!("retry.rs"), "retry");
    narrate::code(include_str!("retry.rs"), "flood_with_retries");

    let requests = affordable_requests(settings.retried_requests)?;
    let server =
        LocalServer::start(ServerConfig::default().concurrency_limit(settings.concurrency))?;
    let url = server.url(&format!("/delay/{}", settings.delay.as_millis()));
    let ideal = ideal_io_time(requests, settings.delay, settings.concurrency);
    narrate::say(&format!(
        "{requests} GETs at once of {url}, which answers after {} and turns away anything above \
         {} in flight. The ideal is the server never idle: ceil({requests} / {}) × {} = {}, \
         which section 2's semaphore comes close to. First without retrying:",
        format_duration(settings.delay),
        settings.concurrency,
        settings.concurrency,
        format_duration(settings.delay),
        format_duration(ideal),
    ));
    let client = Client::new();
    let started = Instant::now();
    let results = flood(&client, &url, requests).await;
    let elapsed = started.elapsed();
    Tally::of(&results).print();
    narrate::result("no retry: wall time", format_duration(elapsed));

    let jittered = RetryPolicy::for_lesson(settings);
    narrate::say(&format!(
        "Now each request retries its 429s: at most {} attempts, waits limited to {} at first, \
         doubling up to {}. Patience must outlast the queue, or the last requests give up \
         while it is still draining: the limits add up to {}, and jittered waits average half \
         their limit, about {} in all, against the {} the server needs for the batch.",
        jittered.max_attempts,
        format_duration(jittered.first_wait),
        format_duration(jittered.longest_wait),
        format_duration(jittered.total_wait_limit()),
        format_duration(jittered.total_wait_limit() / 2),
        format_duration(ideal),
    ));
    let mut runs = vec![("jitter", jittered)];
    if settings.show_lockstep {
        narrate::say("First the same policy without jitter, every wait exactly its limit:");
        let exact = RetryPolicy {
            jitter: false,
            ..jittered
        };
        runs.insert(0, ("lockstep", exact));
    }
    for (name, policy) in runs {
        server.reset_stats();
        let timeline = Timeline::new();
        let started = Instant::now();
        let batch = flood_with_retries(&client, &url, requests, policy, &timeline).await;
        let elapsed = started.elapsed();
        RetryTally::of(&batch).print(name, policy.max_attempts);
        narrate::result(
            &format!("{name}: 429s the server sent"),
            server.stats().rejected,
        );
        narrate::result(&format!("{name}: wall time"), Versus::new(elapsed, ideal));
        timeline.print();
    }
    if settings.show_lockstep {
        narrate::say(
            "Without jitter, the requests turned away together come back together: each wave \
             takes the free slots and the rest of it is turned away again, together, while the \
             slots sit idle until the next wave. With jitter, retries arrive spread out and \
             free slots are taken as they free up.",
        );
    } else {
        narrate::say(
            "(Without --quick, the same flood is also retried without jitter, to show the \
             retries coming back in lockstep.)",
        );
    }
    narrate::say(
        "Retrying costs time and thousands of wasted round trips. When you know the limit, \
         bound yourself (section 2) and get close to the ideal; retry for the limits you can't \
         know. And if a 429 carries a Retry-After header, wait at least that long.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use lesson_kit::ServerStats;

    use super::*;
    use crate::flood::flood;

    const MS: Duration = Duration::from_millis(1);

    /// Waits of 100, 200, 400, 400, ... ms, exactly.
    fn exact(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            first_wait: 100 * MS,
            longest_wait: 400 * MS,
            jitter: false,
        }
    }

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).expect("a valid status code")
    }

    /// Retries a fake request whose attempts get the answers of `script` in turn (the last one
    /// again and again once the script runs out). Returns what came of it and when, after the
    /// start, each attempt was made: exact on the paused clock.
    async fn against_script(
        policy: RetryPolicy,
        request: u64,
        script: &[u16],
    ) -> (Retried<Infallible>, Vec<Duration>) {
        let started = Instant::now();
        let mut attempts_at = Vec::new();
        let retried = retry_on_429(policy, request, async || {
            let answer = script[attempts_at.len().min(script.len() - 1)];
            attempts_at.push(started.elapsed());
            Ok(status(answer))
        })
        .await;
        (retried, attempts_at)
    }

    #[test]
    fn waits_double_up_to_the_longest_and_none_follows_the_last_attempt() {
        let waits: Vec<Duration> = exact(7).waits(0).collect();
        assert_eq!(waits, [100, 200, 400, 400, 400, 400].map(|ms| ms * MS));
        assert_eq!(
            exact(1).waits(0).count(),
            0,
            "one attempt, no retry, no wait"
        );
        assert_eq!(exact(7).total_wait_limit(), 1900 * MS);
    }

    #[test]
    fn jittered_waits_stay_under_their_limits_and_differ_between_requests() {
        let jittered = RetryPolicy {
            jitter: true,
            ..exact(7)
        };
        for request in 0..100 {
            for (wait, limit) in jittered.waits(request).zip(exact(7).waits(request)) {
                assert!(wait < limit, "request {request}: {wait:?} >= {limit:?}");
            }
        }
        let first = |request| jittered.waits(request).next();
        assert_ne!(first(0), first(1), "two requests should not wait alike");
        assert_eq!(
            first(5),
            first(5),
            "a request's waits are fixed by its number"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn each_429_is_retried_after_its_wait() {
        let (retried, attempts_at) = against_script(exact(5), 0, &[429, 429, 200]).await;
        assert_eq!(attempts_at, [0, 100, 300].map(|ms| ms * MS));
        assert_eq!(retried.attempts, 3);
        assert!(matches!(retried.result, Ok(StatusCode::OK)), "{retried:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_the_last_attempt_without_waiting_again() {
        let started = Instant::now();
        let (retried, attempts_at) = against_script(exact(5), 0, &[429]).await;
        assert_eq!(attempts_at, [0, 100, 300, 700, 1100].map(|ms| ms * MS));
        assert_eq!(started.elapsed(), 1100 * MS, "no wait after the fifth 429");
        assert_eq!(retried.attempts, 5);
        assert!(
            matches!(retried.result, Err(RetryFailure::StillRateLimited)),
            "{retried:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn jittered_attempts_come_exactly_when_the_schedule_says() {
        let jittered = RetryPolicy {
            jitter: true,
            ..exact(6)
        };
        let request = 42;
        let (_, attempts_at) = against_script(jittered, request, &[429]).await;
        let mut expected = vec![Duration::ZERO];
        for wait in jittered.waits(request) {
            expected.push(expected[expected.len() - 1] + wait);
        }
        assert_eq!(attempts_at, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn other_answers_and_failures_are_final() {
        let started = Instant::now();
        let (retried, _) = against_script(exact(5), 0, &[404, 200]).await;
        assert_eq!(retried.attempts, 1, "a 404 stays a 404: no retry");
        assert!(matches!(retried.result, Ok(StatusCode::NOT_FOUND)));

        let retried = retry_on_429(exact(5), 0, async || Err::<StatusCode, _>("refused")).await;
        assert_eq!(retried.attempts, 1, "no answer is not a 429: no retry");
        assert!(matches!(
            retried.result,
            Err(RetryFailure::NoAnswer("refused"))
        ));
        assert_eq!(started.elapsed(), Duration::ZERO, "and no waiting either");
    }

    // Real sockets, real time: checked by what the server counted, never by the clock.

    #[tokio::test]
    async fn retries_turn_a_flood_of_429s_into_successes() {
        let server =
            LocalServer::start(ServerConfig::default().concurrency_limit(5)).expect("server");
        let url = server.url("/delay/50");
        // Patience to spare: the limits add up to seconds; the server needs 300 ms.
        let patient = RetryPolicy {
            max_attempts: 30,
            first_wait: 10 * MS,
            longest_wait: 80 * MS,
            jitter: true,
        };
        let batch = flood_with_retries(&Client::new(), &url, 30, patient, &Timeline::new()).await;
        let tally = RetryTally::of(&batch);
        assert_eq!(tally.with_status(200), 30, "{tally:?}");
        let stats: ServerStats = server.stats();
        assert!(
            stats.rejected > 0,
            "30 at once should meet a limit of 5: {stats:?}"
        );
        // Every attempt reached the server: one was served per request, the rest turned away.
        assert_eq!(stats.completed, 30, "{stats:?}");
        assert_eq!(stats.rejected, tally.attempts() - 30, "{stats:?} {tally:?}");
    }

    #[tokio::test]
    async fn a_request_that_stays_limited_gives_up_after_max_attempts() {
        let server =
            LocalServer::start(ServerConfig::default().concurrency_limit(2)).expect("server");
        let client = Client::new();
        let quick_retries = RetryPolicy {
            max_attempts: 4,
            first_wait: MS,
            longest_wait: MS,
            jitter: false,
        };
        // Two ten-minute requests hold both slots, so every retry is turned away.
        let ten_minutes = server.url("/delay/600000");
        let holding_both_slots = flood(&client, &ten_minutes, 2);
        let batch = tokio::select! {
            _ = holding_both_slots => panic!("ten-minute requests cannot finish"),
            batch = async {
                server.wait_until(|stats| stats.in_flight == 2).await;
                let url = server.url("/delay/0");
                flood_with_retries(&client, &url, 3, quick_retries, &Timeline::new()).await
            } => batch,
        };
        let tally = RetryTally::of(&batch);
        assert_eq!(tally.still_rate_limited, 3, "{tally:?}");
        assert_eq!(tally.by_attempts.get(&4), Some(&3), "{tally:?}");
        assert_eq!(server.stats().rejected, 3 * 4, "{:?}", server.stats());
    }
}

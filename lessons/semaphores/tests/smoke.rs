//! Runs the lesson as a learner would, quickly, and checks that every section printed its results.

use lesson_kit::smoke::{self, assert_refused, number_after};
use lesson_semaphores::SECTIONS;
use lesson_semaphores::flood::FloodReport;

const LESSON: &str = env!("CARGO_BIN_EXE_lesson-semaphores");

#[test]
fn quick_run_measures_every_section() {
    let run = smoke::run(LESSON, &["--quick"]);
    run.assert_success()
        .assert_every_section_measured(SECTIONS)
        .assert_printed(&[
            // The flood: the child process ran out of file descriptors, and said so.
            "→ never sent: this process ran out of file descriptors: ",
            "Too many open files",
            "→ answered 429 Too Many Requests: ",
            // The semaphore: nothing was turned away (the bound itself is checked below).
            "→ turned away with 429: 0\n",
            "→ wall time: measured",
            // The stream form: buffered keeps input order.
            "→ buffered: first results: #0 #1 #2 #3 #4 #5 #6 #7 #8 #9 #10 #11 ...",
            "→ buffer_unordered: succeeded: 200 of 200",
            // Clients: a new client is a new connection, every time.
            "→ client per request: connections opened: 200\n",
            // Retry: retrying with jitter turns every 429 into a success. This leans on real
            // time, with a wide margin: the quick run's 200 requests need the server for 4 rounds
            // of 100 ms, while each request's patience lasts up to 20 attempts whose waits are
            // limited to 6.75 s in all (half that on average, with jitter), eight times more than
            // needed.
            "→ jitter: succeeded: 200 of 200\n",
            "→ jitter: gave up, still 429 after 20 attempts: 0\n",
            // HTTP/2: twice the concurrency at once, on one connection rather than a hundred.
            "→ HTTP/1.1: connections opened: 100\n",
            "→ HTTP/2: connections opened: 1\n",
            "→ HTTP/2: peak in flight, seen by the server: 100\n",
            "→ HTTP/2: protocol spoken: HTTP/2.0\n",
            "→ stream limit: succeeded: 100 of 100\n",
            "→ limit, all at once: answered 429 Too Many Requests: ",
            "→ limit, semaphore: succeeded: 100 of 100\n",
        ]);
    let stdout = &run.stdout;
    // Bounds, not exact figures: how many of the 50 permits are in use at the busiest instant
    // depends on how fast this machine sends, but never more than 50.
    let semaphore = smoke::section(stdout, "A semaphore bounds the flood").body;
    let peak = number_after(&semaphore, "→ peak in flight, seen by the server: ");
    assert!((1..=50).contains(&peak), "{semaphore}");
    let shared = number_after(stdout, "→ one shared client: connections opened: ");
    assert!((1..=50).contains(&shared), "{stdout}");
    // Retry: the flood without retries was turned away in part, and the server's count of 429s
    // during the retried flood is every attempt but the 200 that were served.
    let retry = smoke::section(stdout, "Retry with backoff on 429").body;
    let turned_away = number_after(&retry, "→ answered 429 Too Many Requests: ");
    assert!((1..200).contains(&turned_away), "{retry}");
    let attempts = number_after(&retry, "→ jitter: attempts: ");
    let rejected = number_after(&retry, "→ jitter: 429s the server sent: ");
    assert_eq!(attempts - 200, rejected, "{retry}");
    // HTTP/2: the server's stream limit bounded the batch that nothing else bounded.
    let http2 = smoke::section(stdout, "HTTP/2: many requests on one connection").body;
    let peak = number_after(
        &http2,
        "→ stream limit: peak in flight, seen by the server: ",
    );
    assert!((1..=20).contains(&peak), "{http2}");
    let peak = number_after(
        &http2,
        "→ limit, semaphore: peak in flight, seen by the server: ",
    );
    assert!((1..=50).contains(&peak), "{http2}");
}

#[test]
fn one_section_runs_alone() {
    smoke::run_section(
        LESSON,
        SECTIONS,
        "A semaphore bounds the flood",
        &["--quick"],
    );
}

#[test]
fn the_section_flags_follow_the_list_of_sections() {
    smoke::assert_section_flags(LESSON, SECTIONS);
}

#[test]
fn bad_flags_are_refused_clearly() {
    for (args, expected) in [
        (&["--max-attempts", "0"][..], "0 is not in 1..=30"),
        (&["--concurrency", "0"][..], "0 is not in 1..=1000"),
        (&["--open-files", "3"][..], "3 is not in 16..=65536"),
        (&["--flood", "lots"][..], "invalid digit"),
    ] {
        assert_refused(&smoke::run(LESSON, args), expected);
    }
}

#[test]
fn the_flood_worker_reports_an_unreachable_server_as_failures() {
    // The hidden flag the lesson uses for its child process. Nothing listens on port 1, so every
    // request is refused: counted, reported, and no crash.
    let run = smoke::run(
        LESSON,
        &["--flood-worker", "http://127.0.0.1:1/", "--flood", "3"],
    );
    run.assert_success();
    let report: FloodReport = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not a report ({error}): {}", run.stdout));
    assert_eq!(report.tally.no_answer, 3, "{report:?}");
    assert_eq!(report.tally.total(), 3, "{report:?}");
}

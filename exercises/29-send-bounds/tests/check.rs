//! Where `spawn_job` runs its jobs, and what `render_site` renders. The checks run on a runtime of
//! two worker threads, inside a `LocalSet`, where both `tokio::spawn` and `spawn_local` work: a
//! `spawn_local` job runs on the thread that runs the `LocalSet` (the check's own), a spawned one
//! on a worker.

use std::thread;

use send_bounds::{Page, Site, render_site, spawn_job};
use tokio::task::LocalSet;

fn site() -> Site {
    let page = |path: &str, text: &str| Page {
        path: path.to_string(),
        text: text.to_string(),
    };
    Site {
        name: "notes".to_string(),
        pages: vec![
            page("/a", "one two three"),
            page("/b", "four"),
            page("/c", ""),
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_runs_on_one_of_the_runtimes_worker_threads() {
    // The test itself, and so the LocalSet, runs on this thread, which is not a worker's.
    let here = thread::current().id();
    let ran_on = LocalSet::new()
        .run_until(async { spawn_job(async { thread::current().id() }).await })
        .await
        .expect("the job ends");
    assert_ne!(
        ran_on, here,
        "a job started by spawn_job ran on the thread that runs the LocalSet, not on one of the \
         runtime's worker threads: with `spawn_local`, every job of the renderer shares one \
         thread.\nStart the jobs with `tokio::spawn`, which runs them on every worker thread, \
         and ask of `spawn_job`'s callers what it asks."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_rendered_in_order() {
    let pages = LocalSet::new().run_until(render_site(site())).await;
    let expected = [
        "# notes · /a\none two three\n-- notes · /a (3 words)\nlinked from /index (to /a)",
        "# notes · /b\nfour\n-- notes · /b (1 words)\nlinked from /index (to /b)",
        "# notes · /c\n\n-- notes · /c (0 words)\nlinked from /index (to /c)",
    ];
    assert_eq!(
        pages, expected,
        "each page rendered, in the order of the site's pages"
    );
}

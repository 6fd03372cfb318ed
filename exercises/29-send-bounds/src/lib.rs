//! Exercise 29 · pitfalls · Send bounds: a spawn helper, and an Rc held across .await
//!
//! Lesson: `cargo run -p lesson-pitfalls -- --section 9` ("Send bounds: an Rc held across .await")
//!
//! A small site renderer: `render_site` renders every page as a job of its own, started by the
//! helper `spawn_job`, all at once. The helper uses `tokio::task::spawn_local`, which asks nothing
//! of a job's future but keeps every job on the one thread that runs the `LocalSet`: on a machine
//! with eight cores, the renderer uses one. Make `spawn_job` start each job on the runtime's
//! worker threads, with `tokio::spawn`, and declare what that asks of its callers.
//!
//! The compiler will then refuse the jobs `render_site` starts, and say why: read the whole error.
//! A job may move to another worker thread at any `.await`, with everything it holds there, and
//! an `Rc` may not move between threads. Fix each one, either with an `Arc`, or by making sure the
//! job no longer holds the `Rc` when it reaches the `.await`. (`render_site` and `spawn_job` keep
//! their signatures, apart from `spawn_job`'s bounds.)
//!
//! The checks run on a multi-threaded runtime, inside a `LocalSet` (so that the starter's
//! `spawn_local` works): a job started by `spawn_job` must run on one of the runtime's worker
//! threads; every page must be rendered, in order; and a case in tests/ui, a job that holds an
//! `Rc` across an `.await`, must be refused by the compiler when handed to `spawn_job`. That case
//! is what tells a `spawn_job` that demands `Send` from one that gets round it. Wrapping a future
//! in a type with `unsafe impl Send` would get round it, and lie: the `Rc` would cross threads.
//!
//! Grade it with `cargo xtask check send-bounds`; `cargo xtask hint send-bounds` when stuck.

use std::rc::Rc;
use std::time::Duration;

use tokio::task::JoinHandle;

/// A site: its name, and its pages.
#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    pub pages: Vec<Page>,
}

/// One page: where it lives, and its text.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub text: String,
}

/// Starts `job` as a task of its own and returns its handle.
pub fn spawn_job<F>(job: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // TODO: every job runs on the thread that runs the LocalSet, one core for all of them.
    tokio::task::spawn_local(job)
}

/// Renders every page of `site`, each as a job of its own, all at once; the pages come back in
/// the order of `site.pages`.
pub async fn render_site(site: Site) -> Vec<String> {
    // Shared by every job, without copying the site.
    let site = Rc::new(site);
    let jobs: Vec<JoinHandle<String>> = (0..site.pages.len())
        .map(|index| spawn_job(render_page(Rc::clone(&site), index)))
        .collect();
    let mut rendered = Vec::new();
    for job in jobs {
        match job.await {
            Ok(page) => rendered.push(page),
            // A job that panicked: pass the panic on, as a plain call would.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => panic!("a rendering job was cancelled: {error}"),
        }
    }
    rendered
}

/// Renders one page: its heading and a word count, shared by the two parts that show them, and
/// the links to it, which take a while to look up.
async fn render_page(site: Rc<Site>, index: usize) -> String {
    let page = &site.pages[index];
    let summary = Rc::new(Summary {
        heading: format!("{} · {}", site.name, page.path),
        words: page.text.split_whitespace().count(),
    });
    let header = Header(Rc::clone(&summary));
    let links = look_up_links(&page.path).await;
    let footer = Footer(summary);
    format!(
        "{}\n{}\n{}\n{links}",
        header.render(),
        page.text,
        footer.render()
    )
}

/// What the header and the footer of a page both show.
#[derive(Debug)]
struct Summary {
    heading: String,
    words: usize,
}

struct Header(Rc<Summary>);

impl Header {
    fn render(&self) -> String {
        format!("# {}", self.0.heading)
    }
}

struct Footer(Rc<Summary>);

impl Footer {
    fn render(&self) -> String {
        format!("-- {} ({} words)", self.0.heading, self.0.words)
    }
}

/// The pages that link to `path`: an index lookup that takes a while.
async fn look_up_links(path: &str) -> String {
    tokio::time::sleep(Duration::from_millis(5)).await;
    format!("linked from /index (to {path})")
}

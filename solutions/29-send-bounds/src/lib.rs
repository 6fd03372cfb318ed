//! Exercise 29 · pitfalls · Send bounds: a spawn helper, and an Rc held across .await: a solution.

use std::sync::Arc;
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
    // What tokio::spawn asks, asked of our callers in turn: the job may move to another worker
    // thread at any `.await` (`Send`), owns what it uses (`'static`), and its output moves to
    // whoever awaits the handle, on whatever thread that is.
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(job)
}

/// Renders every page of `site`, each as a job of its own, all at once; the pages come back in
/// the order of `site.pages`.
pub async fn render_site(site: Site) -> Vec<String> {
    // Shared by every job, without copying the site. An Arc, since the jobs may run on any
    // thread: its count is atomic.
    let site = Arc::new(site);
    let jobs: Vec<JoinHandle<String>> = (0..site.pages.len())
        .map(|index| spawn_job(render_page(Arc::clone(&site), index)))
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
async fn render_page(site: Arc<Site>, index: usize) -> String {
    let page = &site.pages[index];
    // Held across the `.await` below, so an Arc too.
    let summary = Arc::new(Summary {
        heading: format!("{} · {}", site.name, page.path),
        words: page.text.split_whitespace().count(),
    });
    let header = Header(Arc::clone(&summary));
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

struct Header(Arc<Summary>);

impl Header {
    fn render(&self) -> String {
        format!("# {}", self.0.heading)
    }
}

struct Footer(Arc<Summary>);

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

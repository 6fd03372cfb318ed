// A job that holds an Rc across an .await. spawn_job must refuse it: on a multi-threaded runtime
// the job may resume on another thread, and take the Rc there. So spawn_job must ask for a future
// that is `Send` (and `'static`), as tokio::spawn does.
use std::rc::Rc;

use send_bounds::spawn_job;

async fn count_later(count: Rc<u32>) -> u32 {
    tokio::task::yield_now().await;
    *count
}

fn main() {
    drop(spawn_job(count_later(Rc::new(1))));
}

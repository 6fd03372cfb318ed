//! A permit from a semaphore of one's own, dressed up as the limiter's: the job would run outside
//! the limiter's bound.

use std::sync::Arc;

use permit_proof::{Permit, run_job};
use tokio::sync::Semaphore;

async fn skip_the_queue() {
    let my_own = Arc::new(Semaphore::new(1));
    let forged = Permit {
        held: my_own.acquire_owned().await.unwrap(),
    };
    run_job(forged, async {}).await;
}

fn main() {
    drop(skip_the_queue());
}

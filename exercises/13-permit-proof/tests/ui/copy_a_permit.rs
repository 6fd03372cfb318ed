//! One slot, two jobs: a copied permit would let twice as many jobs run as the limit allows.

use permit_proof::{Limiter, run_job};

async fn two_jobs_on_one_slot(limiter: &Limiter) {
    let permit = limiter.acquire().await;
    let copy = permit.clone();
    run_job(permit, async {}).await;
    run_job(copy, async {}).await;
}

fn main() {
    drop(two_jobs_on_one_slot(&Limiter::new(1)));
}

//! Exercise 27 · pitfalls · a blocking wait hidden in async code: a solution.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

/// How long the backend takes to answer one query.
pub const BACKEND_LATENCY: Duration = Duration::from_millis(20);

/// A query for the backend task, with where to send its answer.
struct Request {
    item: u32,
    /// A oneshot channel: one answer, awaited without blocking anyone.
    reply: oneshot::Sender<u64>,
}

/// Prices, from the backend task.
#[derive(Debug, Clone)]
pub struct PriceService {
    requests: mpsc::Sender<Request>,
}

impl PriceService {
    /// Starts the backend task, on the runtime this is called on.
    pub fn start() -> Self {
        let (requests, mut incoming) = mpsc::channel::<Request>(64);
        tokio::spawn(async move {
            while let Some(request) = incoming.recv().await {
                // Each query is answered by a task of its own, so that many run at once.
                tokio::spawn(async move {
                    tokio::time::sleep(BACKEND_LATENCY).await; // the backend's round trip
                    // The caller may have stopped waiting; then nobody needs the answer.
                    let _ = request.reply.send(price_list(request.item));
                });
            }
        });
        PriceService { requests }
    }

    /// The price of `item`, in cents; `None` if the backend has stopped.
    pub async fn price_of(&self, item: u32) -> Option<u64> {
        let (reply, answer) = oneshot::channel();
        self.requests.send(Request { item, reply }).await.ok()?;
        // Awaiting gives the thread back to the runtime until the answer is there, so the
        // backend's tasks run meanwhile, on this very thread if it is the only one. An Err means
        // the backend dropped the request unanswered: it has stopped.
        answer.await.ok()
    }
}

/// The backend's price list.
fn price_list(item: u32) -> u64 {
    u64::from(item) * 100 + 99
}

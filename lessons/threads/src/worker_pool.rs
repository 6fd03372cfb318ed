//! A worker pool for blocking I/O.
//!
//! Plenty of libraries block: reqwest's blocking client, most database drivers, `std::fs`,
//! anything written before async. One thread making N blocking requests makes them one after
//! another, N × latency. A pool of W threads, each taking the next request from a shared queue as
//! soon as it is free, keeps W requests in flight, so N requests take about ceil(N / W) × latency.
//!
//! The pool here is W threads and two channels:
//! - a *job queue* that every worker takes from. A queue with several receivers: std's `mpsc`
//!   channel can't do that (its `Receiver` can't be cloned); crossbeam-channel's can.
//! - a *result channel* that every worker sends to, read by the caller as results arrive, so they
//!   come back in the order they finished, not the order they were asked for.
//!
//! Dropping the job queue's sender closes it: that is how workers learn there is no more work.
//! The threads are scoped, so jobs and the work function may borrow the caller's data (here the
//! URLs, the HTTP client and the timeline) with no `Arc` in sight.

use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use lesson_kit::http::{Tally, get_status_blocking};
use lesson_kit::measure::{format_duration, ideal_io_time};
use lesson_kit::narrate::error_chain;
use lesson_kit::timeline::RenderOptions;
use lesson_kit::{LocalServer, ServerConfig, Timeline, Versus, narrate, system};
use reqwest::StatusCode;
use reqwest::blocking::Client;

use crate::Settings;

/// The pool size the original Python lesson gives its `ThreadPoolExecutor(max_workers=10)`,
/// compared with a bigger one. (Left to itself, Python's pool takes min(32, cores + 4) threads.)
pub const SMALL_POOL: usize = 10;
/// How many results the lesson prints as they arrive; the rest are only counted.
const RESULTS_SHOWN: usize = 5;

// ANCHOR: pool
/// Runs `work(worker, job)` for every job on `workers` threads, and hands each output to
/// `on_output`, on the calling thread, as soon as it is ready.
pub fn run_pool<Job, Output>(
    jobs: impl IntoIterator<Item = Job>,
    workers: usize,
    work: impl Fn(usize, Job) -> Output + Sync,
    mut on_output: impl FnMut(Output),
) where
    Job: Send,
    Output: Send,
{
    let (job_sender, job_receiver) = crossbeam_channel::unbounded::<Job>();
    let (output_sender, output_receiver) = crossbeam_channel::unbounded::<Output>();
    thread::scope(|scope| {
        for worker in 0..workers.max(1) {
            let jobs = job_receiver.clone();
            let outputs = output_sender.clone();
            let work = &work;
            scope.spawn(move || {
                // Take the next job whenever free; the loop ends once the queue is closed and empty.
                for job in jobs {
                    // The caller reads outputs until every worker has stopped, so this can't fail.
                    let _ = outputs.send(work(worker, job));
                }
            });
        }
        // The workers hold their own senders: once they all stop, the loop below ends.
        drop(output_sender);
        for job in jobs {
            // Every worker holds a receiver until the queue closes, so this can't fail either.
            let _ = job_sender.send(job);
        }
        drop(job_sender); // close the queue: workers finish what is left, then stop
        for output in output_receiver {
            on_output(output);
        }
    });
}
// ANCHOR_END: pool

/// One finished request.
#[derive(Debug)]
pub struct Fetched {
    /// Which URL of the list it was.
    pub index: usize,
    /// Which worker thread made the request.
    pub worker: usize,
    pub result: Result<StatusCode, reqwest::Error>,
    /// When it finished, since the batch started.
    pub finished_at: Duration,
}

// ANCHOR: fetch_with_pool
/// GETs every URL on a pool of `workers` threads, reporting each request as it finishes.
pub fn fetch_with_pool(
    client: &Client,
    urls: &[String],
    workers: usize,
    timeline: &Timeline,
    on_fetched: impl FnMut(Fetched),
) {
    let started = Instant::now();
    let jobs = urls.iter().enumerate(); // (index, &url): borrowed, thanks to the scoped threads
    run_pool(
        jobs,
        workers,
        |worker, (index, url)| {
            let _span = timeline.start(format!("GET {index}"));
            let result = get_status_blocking(client, url);
            let finished_at = started.elapsed();
            Fetched {
                index,
                worker,
                result,
                finished_at,
            }
        },
        on_fetched,
    );
}
// ANCHOR_END: fetch_with_pool

// ANCHOR: one_by_one
/// GETs every URL on this thread, one after another.
pub fn fetch_one_by_one(client: &Client, urls: &[String], timeline: &Timeline) -> Vec<Fetched> {
    let started = Instant::now();
    let mut fetched = Vec::new();
    for (index, url) in urls.iter().enumerate() {
        let _span = timeline.start(format!("GET {index}"));
        let result = get_status_blocking(client, url);
        let finished_at = started.elapsed();
        fetched.push(Fetched {
            index,
            worker: 0,
            result,
            finished_at,
        });
    }
    fetched
}
// ANCHOR_END: one_by_one

pub fn demo(settings: &Settings) -> Result<()> {
    narrate::claim(&format!(
        "Blocking requests made one by one take N × latency; a pool of W threads takes about \
         ceil(N / W) × latency, so {} workers are {} times faster than one, and {} faster still.",
        SMALL_POOL, SMALL_POOL, settings.workers
    ));
    narrate::python(
        "ThreadPoolExecutor(max_workers=10) with requests.get, and as_completed() to take the \
         results as they finish.",
    );
    ensure_sockets_for(settings.workers)?;
    let server = LocalServer::start(ServerConfig::default())?;
    let url = server.url(&format!("/delay/{}", settings.delay.as_millis()));
    let urls = vec![url.clone(); settings.requests];
    let client = Client::builder().build()?;
    narrate::say(&format!(
        "Each request is a GET of {url}: the local server answers after {}. The kit's \
         get_status_blocking sends it with reqwest's blocking client and reads the whole body: \
         the thread does nothing else until the answer has arrived.",
        format_duration(settings.delay)
    ));

    one_by_one(&client, &urls, settings)?;

    narrate::say("A pool: W threads sharing one job queue, results read as they arrive.");
    narrate::code(include_str!("worker_pool.rs"), "pool");
    narrate::code(include_str!("worker_pool.rs"), "fetch_with_pool");
    for workers in [SMALL_POOL, settings.workers] {
        server.reset_stats();
        with_a_pool(&client, &urls, workers, settings.delay, &server)?;
    }
    narrate::say(
        "The connections grow with the workers, not the requests: the one shared client keeps \
         its connections open and reuses them, from one request to the next and even from one \
         pool to the next. Past ideal is the time to start the threads and open connections.",
    );
    Ok(())
}

fn one_by_one(client: &Client, urls: &[String], settings: &Settings) -> Result<()> {
    // Only a sample: all of them one by one would take minutes at the full size.
    let sample = &urls[..settings.sequential_sample.min(urls.len())];
    narrate::say(&format!(
        "One thread, one request after another ({} of the {} requests, to save time):",
        sample.len(),
        urls.len()
    ));
    narrate::code(include_str!("worker_pool.rs"), "one_by_one");
    let timeline = Timeline::new();
    let started = Instant::now();
    let fetched = fetch_one_by_one(client, sample, &timeline);
    let elapsed = started.elapsed();
    Tally::of(fetched.iter().map(|fetched| &fetched.result)).check()?;
    narrate::result(
        &format!("{} one by one", sample.len()),
        Versus::new(elapsed, ideal_io_time(sample.len(), settings.delay, 1)),
    );
    let all = elapsed.mul_f64(urls.len() as f64 / sample.len() as f64);
    narrate::result(
        &format!("so all {} one by one would take about", urls.len()),
        format_duration(all),
    );
    timeline.print();
    Ok(())
}

fn with_a_pool(
    client: &Client,
    urls: &[String],
    workers: usize,
    delay: Duration,
    server: &LocalServer,
) -> Result<()> {
    narrate::say(&format!(
        "{} requests on a pool of {workers} threads; the first results, as they arrive:",
        urls.len()
    ));
    let timeline = Timeline::new();
    let mut tally = Tally::default();
    let started = Instant::now();
    fetch_with_pool(client, urls, workers, &timeline, |fetched| {
        if tally.total() < RESULTS_SHOWN {
            let answer = match &fetched.result {
                Ok(status) => status.to_string(),
                Err(error) => error_chain(error),
            };
            println!(
                "    at {:>7}: GET {:<3} → {answer} (worker {})",
                format_duration(fetched.finished_at),
                fetched.index,
                fetched.worker
            );
        }
        tally.add(&fetched.result);
    });
    let elapsed = started.elapsed();
    println!(
        "    … and {} more",
        urls.len().saturating_sub(RESULTS_SHOWN)
    );
    tally.check()?;
    let stats = server.stats();
    narrate::result(
        &format!("{workers} workers"),
        Versus::new(elapsed, ideal_io_time(urls.len(), delay, workers)),
    );
    narrate::result("peak in flight, seen by the server", stats.peak_in_flight);
    narrate::result("new connections the client opened", stats.connections);
    // Ten rows, grouping the requests: enough to see the waves.
    let options = RenderOptions {
        max_rows: 10,
        ..RenderOptions::for_stdout()
    };
    print!("{}", timeline.render(&options));
    Ok(())
}

/// Each request in flight holds two sockets in this process (the client's and the local
/// server's), and sockets count against the open-file limit, often 1024. The kit raises it if it
/// may; if not, say what would fit.
fn ensure_sockets_for(workers: usize) -> Result<()> {
    let affordable = system::affordable_in_flight(workers)
        .context("cannot read this process's open-file limit")?;
    if affordable < workers {
        bail!(
            "{workers} workers need more open files than this process may open (`ulimit -n`); \
             try --workers {affordable}"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    use crossbeam_channel::unbounded;

    use super::*;

    const PATIENCE: Duration = Duration::from_secs(10);

    #[test]
    fn every_job_is_done_exactly_once() {
        for workers in [0, 1, 3, 8, 100] {
            let mut outputs = Vec::new();
            run_pool(
                0..50,
                workers,
                |_, job| job * 2,
                |output| outputs.push(output),
            );
            outputs.sort_unstable();
            let expected: Vec<i32> = (0..50).map(|job| job * 2).collect();
            assert_eq!(outputs, expected, "{workers} workers");
        }
    }

    #[test]
    fn one_worker_keeps_the_order_of_the_jobs() {
        let mut outputs = Vec::new();
        run_pool(0..20, 1, |_, job| job, |output| outputs.push(output));
        assert_eq!(outputs, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn no_more_than_the_workers_run_at_once() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        run_pool(
            0..200,
            4,
            |_, _| {
                let now = running.fetch_add(1, SeqCst) + 1;
                peak.fetch_max(now, SeqCst);
                thread::yield_now();
                running.fetch_sub(1, SeqCst);
            },
            |()| {},
        );
        assert!(peak.load(SeqCst) <= 4, "peak {}", peak.load(SeqCst));
    }

    #[test]
    fn every_worker_holds_a_job_at_the_same_time() {
        // Each job says it has arrived, then waits to be released. If the pool ran fewer jobs at
        // once than it has workers, some arrivals would never come and the test would say so.
        let workers = 4;
        let (arrived, arrivals) = unbounded::<usize>();
        let (release, released) = unbounded::<()>();
        thread::scope(|scope| {
            scope.spawn(|| {
                run_pool(
                    0..workers,
                    workers,
                    |_, job| {
                        let _ = arrived.send(job);
                        let _ = released.recv(); // returns once `release` is dropped
                    },
                    |()| {},
                );
            });
            for _ in 0..workers {
                arrivals
                    .recv_timeout(PATIENCE)
                    .expect("every worker should be running a job at once");
            }
            drop(release);
        });
    }

    #[test]
    fn outputs_arrive_in_the_order_they_finish() {
        // Job 0 may finish only after job 1 has: with two workers, its output must come second.
        let (one_done, wait_for_one) = unbounded::<()>();
        let mut outputs = Vec::new();
        run_pool(
            [0, 1],
            2,
            |_, job| {
                if job == 0 {
                    let _ = wait_for_one.recv_timeout(PATIENCE);
                } else {
                    let _ = one_done.send(());
                }
                job
            },
            |output| outputs.push(output),
        );
        assert_eq!(outputs, [1, 0]);
    }

    #[test]
    fn the_server_sees_at_most_one_request_per_worker() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let urls = vec![server.url("/delay/20"); 30];
        let client = Client::new();
        let mut tally = Tally::default();
        fetch_with_pool(&client, &urls, 5, &Timeline::new(), |fetched| {
            tally.add(&fetched.result);
        });
        assert_eq!(tally.with_status(200), 30, "{tally}");
        let stats = server.stats();
        assert_eq!(stats.completed, 30);
        assert!(stats.peak_in_flight <= 5, "{stats:?}");
        assert!(stats.connections <= 5, "{stats:?}");
    }

    #[test]
    fn failures_are_counted_with_their_cause() {
        let server = LocalServer::start(ServerConfig::default()).expect("server");
        let urls = vec![server.url("/status/503"), server.url("/status/200")];
        let fetched = fetch_one_by_one(&Client::new(), &urls, &Timeline::new());
        let tally = Tally::of(fetched.iter().map(|fetched| &fetched.result));
        assert_eq!((tally.succeeded(), tally.total()), (1, 2));
        let error = tally.check().expect_err("one request failed");
        assert!(error.to_string().contains("503"), "{error}");
    }
}

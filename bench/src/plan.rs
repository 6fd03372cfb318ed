//! How big each measurement is: the full bench, or `--quick` (a smoke test in seconds).

use std::time::Duration;

/// The sizes of every area of the bench.
#[derive(Debug, Clone)]
pub struct Plan {
    pub quick: bool,
    /// How many times each measurement is repeated; the report gives the median and the range.
    pub runs: usize,
    pub io: IoPlan,
    pub throughput: ThroughputPlan,
    /// How many tasks, or threads, wait at once.
    pub crowd: usize,
    pub hashing: HashPlan,
    /// How many processes, threads and tasks to start, one at a time.
    pub starts: usize,
}

/// The I/O schedule: `requests` GETs of `/delay/{delay}` at each concurrency.
#[derive(Debug, Clone)]
pub struct IoPlan {
    pub requests: usize,
    pub delay: Duration,
    /// Concurrency 1 is measured on `sequential_sample` requests and extrapolated: a thousand
    /// requests one after another would take 100 s and teach nothing the first twenty don't.
    pub concurrencies: Vec<usize>,
    pub sequential_sample: usize,
    /// The concurrency whose schedule is drawn as a timeline.
    pub timeline_concurrency: usize,
}

/// Throughput: GETs of `/delay/0` for about `duration`, `concurrency` in flight.
#[derive(Debug, Clone)]
pub struct ThroughputPlan {
    pub duration: Duration,
    pub concurrency: usize,
    /// Requests in the short run that estimates each client's rate, so that the measured batch
    /// lasts about `duration`. Python's clients are far slower, so they get fewer.
    pub rust_calibration: usize,
    pub python_calibration: usize,
    /// The most requests one batch sends, whatever the estimate: every request made with a client
    /// of its own leaves a socket in TIME_WAIT for a minute, and a machine has ~28 000 local ports.
    pub max_requests: usize,
}

/// CPU: SHA-256 over `buffers` buffers of `buffer_len` deterministic bytes.
#[derive(Debug, Clone)]
pub struct HashPlan {
    pub buffers: usize,
    pub buffer_len: usize,
}

impl HashPlan {
    pub fn total_bytes(&self) -> u64 {
        (self.buffers * self.buffer_len) as u64
    }
}

const MIB: usize = 1024 * 1024;

impl Plan {
    /// The bench the report's figures come from: several minutes.
    pub fn full() -> Plan {
        Plan {
            quick: false,
            runs: 3,
            io: IoPlan {
                requests: 1000,
                delay: Duration::from_millis(100),
                concurrencies: vec![1, 10, 50, 100],
                sequential_sample: 20,
                timeline_concurrency: 50,
            },
            throughput: ThroughputPlan {
                duration: Duration::from_secs(10),
                concurrency: 100,
                rust_calibration: 2000,
                python_calibration: 200,
                max_requests: 200_000,
            },
            crowd: 10_000,
            hashing: HashPlan {
                // 1 GiB in 16 pieces: several per core, so every way of splitting them balances.
                buffers: 16,
                buffer_len: 64 * MIB,
            },
            starts: 200,
        }
    }

    /// The same suite, tiny: proves the bench and its report work, in well under a minute.
    pub fn quick() -> Plan {
        Plan {
            quick: true,
            runs: 3,
            io: IoPlan {
                requests: 100,
                delay: Duration::from_millis(20),
                concurrencies: vec![1, 10, 50],
                sequential_sample: 5,
                timeline_concurrency: 10,
            },
            throughput: ThroughputPlan {
                duration: Duration::from_millis(500),
                concurrency: 100,
                rust_calibration: 300,
                python_calibration: 50,
                max_requests: 5_000,
            },
            crowd: 1000,
            hashing: HashPlan {
                buffers: 8,
                buffer_len: 4 * MIB,
            },
            starts: 30,
        }
    }
}

//! How big each measurement is: the full bench, or `--quick` (a smoke test in seconds).

use std::time::Duration;

use lesson_processes::balance::piece_count;

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
    pub gil: GilPlan,
    /// How many processes, threads and tasks to start, one at a time.
    pub starts: usize,
    pub batches: BatchPlan,
}

/// When not to bother: `calls` GETs of `/delay/{delay}`, one by one or together, for each size.
#[derive(Debug, Clone)]
pub struct BatchPlan {
    pub calls: Vec<usize>,
    pub delay: Duration,
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

/// CPU: SHA-256 over about `total_bytes` of deterministic data, cut into lesson-processes'
/// pieces per thread for each core (`balance::piece_count`).
///
/// Several pieces per thread, whatever the number of cores: with one piece each, the thread
/// that happens to run slowest (on a core busy with something else, or simply a slower one)
/// finishes last while the others sit idle. With many, a thread that finishes early takes
/// another piece, and they all finish together. The CPU area measures both (rayon over the
/// pieces, and over one share per thread).
#[derive(Debug, Clone)]
pub struct HashPlan {
    pub total_bytes: usize,
}

impl HashPlan {
    /// How many pieces the data is cut into on a machine with `cores` cores.
    pub fn pieces(&self, cores: usize) -> usize {
        piece_count(cores)
    }

    /// The length of each piece.
    pub fn piece_len(&self, cores: usize) -> usize {
        (self.total_bytes / self.pieces(cores)).max(1)
    }

    /// The bytes hashed in all: `total_bytes`, less what did not divide evenly.
    pub fn hashed_bytes(&self, cores: usize) -> u64 {
        (self.pieces(cores) * self.piece_len(cores)) as u64
    }
}

/// The GIL area: a JSON document of about `megabytes` (10^6 bytes) parsed beside a heartbeat of
/// `beat`.
#[derive(Debug, Clone)]
pub struct GilPlan {
    pub megabytes: f64,
    pub beat: Duration,
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
                // 1 GiB: 32 pieces of 32 MiB on 2 cores, 256 of 4 MiB on 16.
                total_bytes: 1024 * MIB,
            },
            gil: GilPlan {
                megabytes: 50.0,
                beat: Duration::from_millis(1),
            },
            starts: 200,
            batches: BatchPlan {
                calls: vec![1, 2, 4],
                delay: Duration::from_millis(100),
            },
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
                // 32 pieces of 1 MiB on 2 cores.
                total_bytes: 32 * MIB,
            },
            gil: GilPlan {
                megabytes: 2.0,
                beat: Duration::from_millis(1),
            },
            starts: 30,
            batches: BatchPlan {
                calls: vec![1, 2],
                delay: Duration::from_millis(20),
            },
        }
    }
}

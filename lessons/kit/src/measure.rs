//! The ideal a measurement should be compared with, the comparison itself, and how to say it.
//!
//! A number alone says little: "2.03 s" is excellent for a thousand 100 ms requests at concurrency
//! 50 and terrible at concurrency 1000. So every lesson prints what it measured *beside* the best
//! possible result for that work, and the ratio between them.

use std::fmt;
use std::time::{Duration, Instant};

/// The shortest possible wall time for `jobs` waits of `latency` each, `concurrency` at a time:
/// `ceil(jobs / concurrency) × latency`. Waiting costs no CPU, so nothing else limits it.
///
/// A concurrency of zero is treated as one: some progress must be possible.
pub fn ideal_io_time(jobs: usize, latency: Duration, concurrency: usize) -> Duration {
    let waves = jobs.div_ceil(concurrency.max(1));
    latency * u32::try_from(waves).unwrap_or(u32::MAX)
}

/// The shortest possible wall time for CPU work that takes `single_core` on one core, spread over
/// `cores` cores with perfect scaling.
pub fn ideal_cpu_time(single_core: Duration, cores: usize) -> Duration {
    single_core / u32::try_from(cores.max(1)).unwrap_or(u32::MAX)
}

/// A measured duration beside its ideal. Displays as `measured 2.03 s, ideal 2.00 s (101 %)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versus {
    pub measured: Duration,
    pub ideal: Duration,
}

impl Versus {
    pub fn new(measured: Duration, ideal: Duration) -> Self {
        Versus { measured, ideal }
    }

    /// Measured as a percentage of ideal: 100 is perfect, 300 is three times slower than ideal.
    pub fn percent_of_ideal(&self) -> f64 {
        if self.ideal.is_zero() {
            return f64::INFINITY;
        }
        100.0 * self.measured.as_secs_f64() / self.ideal.as_secs_f64()
    }

    /// True when the measurement is within `tolerance_percent` above its ideal.
    pub fn is_within(&self, tolerance_percent: f64) -> bool {
        self.percent_of_ideal() <= 100.0 + tolerance_percent
    }
}

impl fmt::Display for Versus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ideal.is_zero() {
            // No ratio to a zero ideal (`--delay-ms 0`, say): what was measured is all overhead.
            return write!(
                f,
                "measured {}, ideal 0 s (all of it overhead)",
                format_duration(self.measured)
            );
        }
        write!(
            f,
            "measured {}, ideal {} ({:.0} %)",
            format_duration(self.measured),
            format_duration(self.ideal),
            self.percent_of_ideal()
        )
    }
}

/// How many times `smaller` fits in `larger`: 2.0 when `larger` took twice as long, for "a thread
/// takes 35× longer to start than a task" and "1.9× faster on 2 cores". A zero `smaller` counts as
/// a nanosecond, so the ratio stays a number.
pub fn ratio(larger: Duration, smaller: Duration) -> f64 {
    larger.as_secs_f64() / smaller.as_secs_f64().max(1e-9)
}

/// Runs `work` and returns what it returned, and how long it took.
pub fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let output = work();
    (output, started.elapsed())
}

/// A duration as a person would say it: `2.03 s`, `812 ms`, `41.2 µs`, `950 ns`.
pub fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds >= 100.0 {
        format!("{seconds:.0} s")
    } else if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{} ms", three_digits(seconds * 1e3))
    } else if seconds >= 1e-6 {
        format!("{} µs", three_digits(seconds * 1e6))
    } else {
        format!("{} ns", duration.as_nanos())
    }
}

/// A byte count in binary units: `512 B`, `1.5 KiB`, `35.2 MiB`, `1.00 GiB`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{} {}", three_digits(value), UNITS[unit])
}

/// A throughput: `1.77 GB/s` (decimal, as disks and networks are quoted).
pub fn format_rate(bytes: u64, elapsed: Duration) -> String {
    let per_second = bytes as f64 / elapsed.as_secs_f64().max(1e-9);
    if per_second >= 1e9 {
        format!("{} GB/s", three_digits(per_second / 1e9))
    } else {
        format!("{} MB/s", three_digits(per_second / 1e6))
    }
}

/// Three significant digits without scientific notation: 2.03, 81.2, 812.
fn three_digits(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// The median of some durations (the middle one; the mean of the two middle ones for an even
/// count). Medians shrug off the odd run the machine spent doing something else.
pub fn median(durations: &[Duration]) -> Duration {
    let mut sorted = durations.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn ideal_io_time_counts_whole_waves() {
        assert_eq!(ideal_io_time(1000, 100 * MS, 50), 2000 * MS);
        assert_eq!(ideal_io_time(1001, 100 * MS, 50), 2100 * MS);
        assert_eq!(ideal_io_time(3, 1000 * MS, 1), 3000 * MS);
        assert_eq!(ideal_io_time(3, 1000 * MS, 3), 1000 * MS);
        assert_eq!(ideal_io_time(0, 1000 * MS, 3), Duration::ZERO);
        assert_eq!(ideal_io_time(2, 1000 * MS, 0), 2000 * MS);
    }

    #[test]
    fn ideal_cpu_time_divides_by_cores() {
        assert_eq!(ideal_cpu_time(4000 * MS, 2), 2000 * MS);
        assert_eq!(ideal_cpu_time(4000 * MS, 0), 4000 * MS);
    }

    #[test]
    fn versus_displays_both_and_the_ratio() {
        let versus = Versus::new(2030 * MS, 2000 * MS);
        assert_eq!(versus.to_string(), "measured 2.03 s, ideal 2.00 s (101 %)");
        assert!(versus.is_within(5.0));
        assert!(!versus.is_within(1.0));
    }

    #[test]
    fn a_zero_ideal_has_no_ratio() {
        let versus = Versus::new(3 * MS, Duration::ZERO);
        assert_eq!(
            versus.to_string(),
            "measured 3.00 ms, ideal 0 s (all of it overhead)"
        );
    }

    #[test]
    fn a_ratio_survives_a_zero_divisor() {
        assert_eq!(ratio(2 * MS, Duration::from_micros(20)), 100.0);
        assert_eq!(ratio(MS, 4 * MS), 0.25);
        assert!(ratio(MS, Duration::ZERO).is_finite());
    }

    #[test]
    fn timed_hands_back_the_output() {
        let (output, took) = timed(|| 6 * 7);
        assert_eq!(output, 42);
        assert!(took < Duration::from_secs(60));
    }

    #[test]
    fn durations_read_like_speech() {
        assert_eq!(format_duration(Duration::from_secs(150)), "150 s");
        assert_eq!(format_duration(812 * MS), "812 ms");
        assert_eq!(format_duration(Duration::from_micros(41_200)), "41.2 ms");
        assert_eq!(format_duration(Duration::from_nanos(41_200)), "41.2 µs");
        assert_eq!(format_duration(Duration::from_nanos(950)), "950 ns");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(1536), "1.50 KiB");
        assert_eq!(format_bytes(35 * 1024 * 1024), "35.0 MiB");
        assert_eq!(format_bytes(1 << 30), "1.00 GiB");
    }

    #[test]
    fn rates_use_decimal_units() {
        assert_eq!(
            format_rate(1_770_000_000, Duration::from_secs(1)),
            "1.77 GB/s"
        );
        assert_eq!(format_rate(5_000_000, Duration::from_secs(1)), "5.00 MB/s");
    }

    #[test]
    fn median_takes_the_middle() {
        assert_eq!(median(&[3 * MS, MS, 2 * MS]), 2 * MS);
        assert_eq!(
            median(&[4 * MS, MS, 2 * MS, 3 * MS]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(&[]), Duration::ZERO);
    }
}

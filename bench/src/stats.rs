//! Several runs of one measurement, and how the report writes numbers.
//!
//! One run says little on a shared machine: a compile in the next terminal can add 20 % to it. So
//! every figure is measured several times and reported as the median (which shrugs off the odd
//! slow run) with the smallest and largest beside it, so the reader sees how much the runs varied.

use std::time::Duration;

use lesson_kit::measure::{format_bytes, format_duration, format_rate};

/// The runs of one measurement, as plain numbers in the unit of their [`Unit`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spread {
    samples: Vec<f64>,
}

impl Spread {
    pub fn new() -> Self {
        Spread::default()
    }

    pub fn of(samples: impl IntoIterator<Item = f64>) -> Self {
        Spread {
            samples: samples
                .into_iter()
                .filter(|value| value.is_finite())
                .collect(),
        }
    }

    /// Adds a run. A non-finite value (a rate over zero seconds) is dropped rather than allowed to
    /// poison the median.
    pub fn push(&mut self, value: f64) {
        if value.is_finite() {
            self.samples.push(value);
        }
    }

    pub fn push_duration(&mut self, duration: Duration) {
        self.push(duration.as_secs_f64());
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Every run, in the order they were added.
    pub fn samples(&self) -> &[f64] {
        &self.samples
    }

    /// The middle run (the mean of the two middle ones for an even count); zero with no runs.
    pub fn median(&self) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        match sorted.len() {
            0 => 0.0,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }

    pub fn min(&self) -> f64 {
        self.samples.iter().copied().reduce(f64::min).unwrap_or(0.0)
    }

    pub fn max(&self) -> f64 {
        self.samples.iter().copied().reduce(f64::max).unwrap_or(0.0)
    }

    /// Every run scaled by `factor`: seconds per batch into seconds per request, and so on.
    pub fn scaled(&self, factor: f64) -> Spread {
        Spread::of(self.samples.iter().map(|value| value * factor))
    }

    /// `numerator / run` for every run: seconds per batch into batches per second.
    pub fn inverted(&self, numerator: f64) -> Spread {
        Spread::of(self.samples.iter().map(|value| numerator / value))
    }
}

/// What the numbers of a [`Spread`] are, which decides how they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// `2.03 s`, `812 ms`, `41.2 µs`.
    Seconds,
    /// `35.0 MiB`.
    Bytes,
    /// `1.77 GB/s`.
    BytesPerSecond,
    /// `12,345 req/s`: a count per second of the thing named.
    PerSecond(&'static str),
    /// `0.97×`: one figure divided by another.
    Ratio,
    /// `900`, `3.5`: how many, whole when it is whole.
    Count,
    /// `62 %`: a part of a whole, kept as a fraction from 0 to 1.
    Share,
}

impl Unit {
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Seconds => {
                format_duration(Duration::try_from_secs_f64(value).unwrap_or_default())
            }
            Unit::Bytes => format_bytes(value.max(0.0) as u64),
            Unit::BytesPerSecond => format_rate(value.max(0.0) as u64, Duration::from_secs(1)),
            Unit::PerSecond(what) => format!("{} {what}/s", format_count(value)),
            Unit::Ratio => format_ratio(value),
            Unit::Count if value.fract() == 0.0 && value.abs() >= 100.0 => format_count(value),
            Unit::Count if value.fract() == 0.0 => format!("{value:.0}"),
            Unit::Count => format_count(value),
            Unit::Share => format!("{:.0} %", value * 100.0),
        }
    }

    /// The unit as report.json writes it: `s`, `B`, `B/s`, `req/s`, `×`, `count`.
    pub fn symbol(self) -> String {
        match self {
            Unit::Seconds => "s".to_string(),
            Unit::Bytes => "B".to_string(),
            Unit::BytesPerSecond => "B/s".to_string(),
            Unit::PerSecond(what) => format!("{what}/s"),
            Unit::Ratio => "×".to_string(),
            Unit::Count => "count".to_string(),
            Unit::Share => "share".to_string(),
        }
    }

    /// A spread as a table cell: `2.03 s (2.01 s – 2.10 s)`; just the value for a single run.
    pub fn cell(self, spread: &Spread) -> String {
        let median = self.format(spread.median());
        if spread.len() < 2 {
            return median;
        }
        format!(
            "{median} ({} – {})",
            self.format(spread.min()),
            self.format(spread.max())
        )
    }
}

/// A count as people write it: `12,345`, or `41.2` when small enough for decimals to matter.
pub fn format_count(value: f64) -> String {
    if value < 100.0 {
        return format!("{value:.1}");
    }
    let digits = format!("{:.0}", value);
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A ratio with three significant digits: `1.02×`, `31.4×`, `250×`.
pub fn format_ratio(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "—".to_string();
    }
    if ratio >= 100.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 10.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.2}×")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_run() {
        assert_eq!(Spread::of([3.0, 1.0, 2.0]).median(), 2.0);
        assert_eq!(Spread::of([4.0, 1.0, 2.0, 3.0]).median(), 2.5);
        assert_eq!(Spread::new().median(), 0.0);
        let spread = Spread::of([3.0, f64::INFINITY, 1.0]);
        assert_eq!((spread.min(), spread.max(), spread.len()), (1.0, 3.0, 2));
    }

    #[test]
    fn cells_show_the_median_and_the_range() {
        assert_eq!(
            Unit::Seconds.cell(&Spread::of([2.03, 2.01, 2.10])),
            "2.03 s (2.01 s – 2.10 s)"
        );
        assert_eq!(Unit::Seconds.cell(&Spread::of([0.5])), "500 ms");
        assert_eq!(Unit::PerSecond("req").format(12_345.4), "12,345 req/s");
        assert_eq!(Unit::PerSecond("req").format(41.23), "41.2 req/s");
    }

    #[test]
    fn counts_and_ratios_read_easily() {
        assert_eq!(format_count(1_234_567.0), "1,234,567");
        assert_eq!(format_count(123.0), "123");
        assert_eq!(format_ratio(1.0234), "1.02×");
        assert_eq!(format_ratio(31.44), "31.4×");
        assert_eq!(format_ratio(250.2), "250×");
        assert_eq!(format_ratio(f64::NAN), "—");
        assert_eq!(Unit::Count.format(900.0), "900");
        assert_eq!(Unit::Count.format(3.5), "3.5");
        assert_eq!(Unit::Count.format(1700.0), "1,700");
        assert_eq!(Unit::Ratio.format(0.971), "0.97×");
        assert_eq!(Unit::Share.format(0.618), "62 %");
    }

    #[test]
    fn spreads_scale_and_invert() {
        let seconds = Spread::of([2.0, 4.0]);
        assert_eq!(seconds.inverted(8.0), Spread::of([4.0, 2.0]));
        assert_eq!(seconds.scaled(0.5), Spread::of([1.0, 2.0]));
    }
}

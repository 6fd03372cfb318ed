//! Record which task ran when, and draw it in the terminal.
//!
//! ```text
//! wait 1 |##########                    |
//! wait 2 |          ##########          |
//! wait 3 |                    ##########|
//!        +---------+---------+---------+
//!        0         1.00 s    2.00 s    3.00 s
//! ```
//!
//! A [`Timeline`] is cheap to clone and safe to share: every clone records into the same chart, from
//! any thread or task. Times come from [`tokio::time::Instant`], which is the ordinary clock
//! everywhere except on a runtime whose clock is paused, where it is the paused clock. So a timeline
//! recorded in a paused-clock test is exact and the same on every run.

use std::fmt::Write as _;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::measure::format_duration;
use crate::system;

/// One labelled stretch of time, measured from the timeline's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub label: String,
    pub start: Duration,
    pub end: Duration,
}

impl Span {
    pub fn new(label: impl Into<String>, start: Duration, end: Duration) -> Self {
        Span {
            label: label.into(),
            start,
            end: end.max(start),
        }
    }
}

/// A shared record of spans against one start instant.
#[derive(Debug, Clone)]
pub struct Timeline {
    origin: Instant,
    /// Each span with the order it was started in, so spans that start at the same instant are
    /// drawn in the order the program started them, not the order they happened to finish.
    spans: Arc<Mutex<Vec<(u64, Span)>>>,
    next_order: Arc<AtomicU64>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new()
    }
}

impl Timeline {
    /// A timeline whose zero is now.
    pub fn new() -> Self {
        Timeline {
            origin: Instant::now(),
            spans: Arc::default(),
            next_order: Arc::default(),
        }
    }

    /// Time since the timeline started.
    pub fn elapsed(&self) -> Duration {
        self.origin.elapsed()
    }

    /// Records a span that ran from `start` to `end`.
    pub fn record(&self, label: impl Into<String>, start: Instant, end: Instant) {
        let order = self.next_order.fetch_add(1, Relaxed);
        self.record_in_order(order, label.into(), start, end);
    }

    fn record_in_order(&self, order: u64, label: String, start: Instant, end: Instant) {
        let span = Span::new(
            label,
            start.saturating_duration_since(self.origin),
            end.saturating_duration_since(self.origin),
        );
        // A panic elsewhere while holding the lock leaves the list intact: keep using it.
        self.spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((order, span));
    }

    /// Starts a span that ends when the returned guard is dropped (or [`SpanGuard::end`] is called).
    ///
    /// Because the guard records on drop, a task that is cancelled still shows up, ending at the
    /// moment it was cancelled.
    pub fn start(&self, label: impl Into<String>) -> SpanGuard {
        SpanGuard {
            timeline: self.clone(),
            order: self.next_order.fetch_add(1, Relaxed),
            label: label.into(),
            start: Instant::now(),
        }
    }

    /// Runs `future` to completion, recording it as one span.
    pub async fn measure<F: Future>(&self, label: impl Into<String>, future: F) -> F::Output {
        let _span = self.start(label);
        future.await
    }

    /// The spans recorded so far, in order of their start.
    pub fn spans(&self) -> Vec<Span> {
        let mut spans = self
            .spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        spans.sort_by_key(|(order, span)| (span.start, *order));
        spans.into_iter().map(|(_, span)| span).collect()
    }

    /// The chart as text, drawn with `options`.
    pub fn render(&self, options: &RenderOptions) -> String {
        render_spans(&self.spans(), options)
    }

    /// Prints the chart to stdout, sized and styled for where stdout goes.
    pub fn print(&self) {
        print!("{}", self.render(&RenderOptions::for_stdout()));
    }
}

/// A span in progress; it is recorded when dropped.
#[derive(Debug)]
#[must_use = "the span ends as soon as the guard is dropped"]
pub struct SpanGuard {
    timeline: Timeline,
    order: u64,
    label: String,
    start: Instant,
}

impl SpanGuard {
    /// Ends the span now.
    pub fn end(self) {}
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        let label = std::mem::take(&mut self.label);
        self.timeline
            .record_in_order(self.order, label, self.start, Instant::now());
    }
}

/// How to draw a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Total width in columns, labels included.
    pub width: usize,
    /// More spans than this are drawn in groups, one row per group, shaded by how many of the
    /// group's spans were running.
    pub max_rows: usize,
    /// Plain ASCII (`#`, `|`, `+`) rather than block characters.
    pub ascii: bool,
    /// ANSI colours.
    pub color: bool,
}

impl Default for RenderOptions {
    /// 72 plain ASCII columns, up to 20 rows: stable output for tests and files.
    fn default() -> Self {
        RenderOptions {
            width: 72,
            max_rows: 20,
            ascii: true,
            color: false,
        }
    }
}

impl RenderOptions {
    /// Fits the terminal on stdout, with block characters and colour when it is a terminal and
    /// `NO_COLOR` is not set, and plain ASCII otherwise (a pipe, a file, a CI log).
    pub fn for_stdout() -> Self {
        let fancy = system::color_enabled();
        RenderOptions {
            width: system::terminal_width().clamp(40, 120),
            max_rows: 20,
            ascii: !fancy,
            color: fancy,
        }
    }
}

/// The characters a chart is drawn with.
struct Glyphs {
    /// From empty to full: how much of a cell is covered.
    shades: [char; 5],
    side: char,
    corner_left: char,
    corner_right: char,
    rule: char,
    tick: char,
    ellipsis: char,
}

const ASCII: Glyphs = Glyphs {
    shades: [' ', '.', ':', '=', '#'],
    side: '|',
    corner_left: '+',
    corner_right: '+',
    rule: '-',
    tick: '+',
    ellipsis: '.',
};

const BLOCKS: Glyphs = Glyphs {
    shades: [' ', '░', '▒', '▓', '█'],
    side: '│',
    corner_left: '└',
    corner_right: '┘',
    rule: '─',
    tick: '┴',
    ellipsis: '…',
};

const LONGEST_LABEL: usize = 20;
const NARROWEST_BAR: usize = 10;
/// Columns between tick marks on the time axis, roughly; room for a label such as `1.50 s`.
const TICK_SPACING: usize = 10;

/// Draws spans as a chart: a row per span (or per group of spans), a time axis, and the total.
pub fn render_spans(spans: &[Span], options: &RenderOptions) -> String {
    let glyphs = if options.ascii { &ASCII } else { &BLOCKS };
    let total = spans.iter().map(|span| span.end).max().unwrap_or_default();
    if spans.is_empty() || total.is_zero() {
        return "(no time recorded)\n".to_string();
    }

    let rows = group_into_rows(spans, options.max_rows.max(1));
    let label_width = rows
        .iter()
        .map(|row| row.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(LONGEST_LABEL);
    let bar_width = options
        .width
        .saturating_sub(label_width + 3)
        .max(NARROWEST_BAR);
    let cell = total.as_secs_f64() / bar_width as f64;

    let mut out = String::new();
    for row in &rows {
        let label = fit_label(&row.label, label_width, glyphs.ellipsis);
        let bar = draw_bar(row, bar_width, cell, glyphs);
        let bar = if options.color {
            format!("\x1b[36m{bar}\x1b[0m")
        } else {
            bar
        };
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{label} {side}{bar}{side}", side = glyphs.side);
    }

    let ticks = tick_times(total, bar_width);
    let indent = " ".repeat(label_width + 1);
    let _ = writeln!(
        out,
        "{indent}{}",
        draw_axis(bar_width, total, &ticks, glyphs)
    );
    let _ = writeln!(
        out,
        "{indent}{}",
        draw_tick_labels(bar_width, total, &ticks)
    );
    out
}

/// One row of the chart: a single span, or a group of consecutive spans.
struct Row<'a> {
    label: String,
    spans: &'a [Span],
}

fn group_into_rows(spans: &[Span], max_rows: usize) -> Vec<Row<'_>> {
    let per_row = spans.len().div_ceil(max_rows);
    spans
        .chunks(per_row)
        .map(|group| {
            let first = &group[0].label;
            let last = &group[group.len() - 1].label;
            let label = if group.len() == 1 {
                first.clone()
            } else {
                format!("{first}..{last}")
            };
            Row {
                label,
                spans: group,
            }
        })
        .collect()
}

fn fit_label(label: &str, width: usize, ellipsis: char) -> String {
    let length = label.chars().count();
    if length <= width {
        format!("{label:<width$}")
    } else {
        let kept: String = label.chars().take(width.saturating_sub(1)).collect();
        format!("{kept}{ellipsis}")
    }
}

/// Shades each cell by the share of the row's spans running during it. A lone span gets at least
/// one cell, so even a very short one is visible.
fn draw_bar(row: &Row<'_>, bar_width: usize, cell: f64, glyphs: &Glyphs) -> String {
    let mut density = vec![0.0_f64; bar_width];
    for span in row.spans {
        let (start, end) = (span.start.as_secs_f64(), span.end.as_secs_f64());
        for (index, value) in density.iter_mut().enumerate() {
            let (cell_start, cell_end) = (index as f64 * cell, (index + 1) as f64 * cell);
            let overlap = end.min(cell_end) - start.max(cell_start);
            if overlap > 0.0 {
                *value += overlap / cell / row.spans.len() as f64;
            }
        }
    }
    let lone_span = row.spans.len() == 1;
    let mut cells: Vec<char> = density
        .iter()
        .map(|&value| shade(value, lone_span, glyphs))
        .collect();
    if lone_span && cells.iter().all(|&c| c == glyphs.shades[0]) {
        let span = &row.spans[0];
        let middle = (span.start + span.end).as_secs_f64() / 2.0;
        let index = ((middle / cell) as usize).min(bar_width - 1);
        cells[index] = glyphs.shades[4];
    }
    cells.into_iter().collect()
}

fn shade(density: f64, lone_span: bool, glyphs: &Glyphs) -> char {
    if lone_span {
        // One span either covers most of a cell or it doesn't: no shading, crisp edges.
        return if density >= 0.5 {
            glyphs.shades[4]
        } else {
            glyphs.shades[0]
        };
    }
    match density {
        d if d <= 0.0 => glyphs.shades[0],
        d if d <= 0.25 => glyphs.shades[1],
        d if d <= 0.5 => glyphs.shades[2],
        d if d <= 0.75 => glyphs.shades[3],
        _ => glyphs.shades[4],
    }
}

/// Round times for the axis (multiples of 1, 2, 2.5 or 5 times a power of ten), about
/// `TICK_SPACING` columns apart, from zero up to but not including the total.
fn tick_times(total: Duration, bar_width: usize) -> Vec<Duration> {
    let wanted = (bar_width / TICK_SPACING).max(1) as f64;
    let rough_step = total.as_secs_f64() / wanted;
    let magnitude = 10_f64.powf(rough_step.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|factor| factor * magnitude)
        .find(|&step| step >= rough_step)
        .unwrap_or(10.0 * magnitude);
    (0..)
        .map(|i| Duration::from_secs_f64(i as f64 * step))
        .take_while(|&time| time < total)
        .collect()
}

/// The chart's column for a moment: 0 is the left edge, `bar_width + 1` the right edge.
fn column_of(time: Duration, total: Duration, bar_width: usize) -> usize {
    let fraction = time.as_secs_f64() / total.as_secs_f64();
    ((fraction * bar_width as f64).round() as usize).min(bar_width + 1)
}

fn draw_axis(bar_width: usize, total: Duration, ticks: &[Duration], glyphs: &Glyphs) -> String {
    let mut axis = vec![glyphs.rule; bar_width + 2];
    for &time in ticks {
        axis[column_of(time, total, bar_width)] = glyphs.tick;
    }
    axis[0] = glyphs.corner_left;
    axis[bar_width + 1] = glyphs.corner_right;
    axis.into_iter().collect()
}

/// Time labels under the ticks; the total ends at the chart's right edge. A label that would touch
/// its neighbour is left out.
fn draw_tick_labels(bar_width: usize, total: Duration, ticks: &[Duration]) -> String {
    let mut line = vec![' '; bar_width + 2];
    let total_label: Vec<char> = format_duration(total).chars().collect();
    let total_start = (bar_width + 2).saturating_sub(total_label.len());
    line.splice(total_start.., total_label);

    let mut free_from = 0;
    for &time in ticks {
        let column = column_of(time, total, bar_width);
        let label: Vec<char> = if time.is_zero() {
            vec!['0']
        } else {
            format_duration(time).chars().collect()
        };
        let end = column + label.len();
        if column < free_from || end + 1 > total_start {
            continue;
        }
        line.splice(column..end, label);
        free_from = end + 1;
    }
    line.into_iter().collect::<String>().trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn options(width: usize) -> RenderOptions {
        RenderOptions {
            width,
            ..RenderOptions::default()
        }
    }

    #[test]
    fn one_after_another() {
        let spans = [
            Span::new("wait 1", ms(0), ms(1000)),
            Span::new("wait 2", ms(1000), ms(2000)),
            Span::new("wait 3", ms(2000), ms(3000)),
        ];
        insta::assert_snapshot!(render_spans(&spans, &options(60)));
    }

    #[test]
    fn all_together() {
        let spans = [
            Span::new("wait 1", ms(0), ms(1000)),
            Span::new("wait 2", ms(0), ms(1000)),
            Span::new("wait 3", ms(0), ms(1000)),
        ];
        insta::assert_snapshot!(render_spans(&spans, &options(60)));
    }

    #[test]
    fn block_characters() {
        let spans = [
            Span::new("download", ms(0), ms(700)),
            Span::new("hash", ms(700), ms(1000)),
        ];
        let blocks = RenderOptions {
            ascii: false,
            ..options(50)
        };
        insta::assert_snapshot!(render_spans(&spans, &blocks));
    }

    #[test]
    fn many_spans_are_grouped_and_shaded() {
        // 100 requests of 100 ms, 25 at a time: four waves.
        let spans: Vec<Span> = (0..100)
            .map(|i| {
                let wave = i / 25;
                Span::new(format!("GET {i}"), ms(wave * 100), ms(wave * 100 + 100))
            })
            .collect();
        let grouped = RenderOptions {
            max_rows: 8,
            ..options(64)
        };
        insta::assert_snapshot!(render_spans(&spans, &grouped));
    }

    #[test]
    fn a_tiny_span_still_shows() {
        let spans = [
            Span::new("long", ms(0), ms(10_000)),
            Span::new("blip", ms(5000), ms(5001)),
        ];
        let chart = render_spans(&spans, &options(40));
        let blip_row = chart.lines().nth(1).expect("a second row");
        assert_eq!(blip_row.matches('#').count(), 1, "{chart}");
    }

    #[test]
    fn long_labels_are_cut() {
        let spans = [Span::new(
            "a label far too long for any sensible chart",
            ms(0),
            ms(10),
        )];
        let chart = render_spans(&spans, &options(60));
        assert!(chart.starts_with("a label far too lon. |"), "{chart}");
    }

    #[test]
    fn the_chart_fits_the_width() {
        let spans = [Span::new("task", ms(0), ms(1234))];
        for width in [40, 80, 120] {
            let chart = render_spans(&spans, &options(width));
            for line in chart.lines() {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
        }
    }

    #[test]
    fn nothing_recorded_says_so() {
        assert_eq!(
            render_spans(&[], &RenderOptions::default()),
            "(no time recorded)\n"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn records_spans_on_the_paused_clock() {
        let timeline = Timeline::new();
        let first = timeline.measure("first", tokio::time::sleep(ms(1000)));
        let second = timeline.measure("second", tokio::time::sleep(ms(500)));
        tokio::join!(first, second);
        let spans = timeline.spans();
        assert_eq!(
            spans,
            [
                Span::new("first", ms(0), ms(1000)),
                Span::new("second", ms(0), ms(500)),
            ]
        );
    }

    #[test]
    fn records_from_many_threads() {
        let timeline = Timeline::new();
        std::thread::scope(|scope| {
            for i in 0..4 {
                let timeline = &timeline;
                scope.spawn(move || timeline.start(format!("thread {i}")).end());
            }
        });
        assert_eq!(timeline.spans().len(), 4);
    }
}

//! Plots as SVG, written by hand: a line chart for scaling curves, a timeline for schedules, and
//! horizontal bars for side-by-side figures.
//!
//! No plotting crate is among the workspace's dependencies, and these charts need little: axes,
//! ticks, lines, rectangles and text. SVG is plain XML text, so a browser, an editor and the book
//! all show it, and the smoke test can check it is well-formed.

pub mod bars;
pub mod lines;
pub mod timeline;

use std::fmt::Write as _;

pub use bars::{Bar, BarChart};
pub use lines::{LineChart, Series};
pub use timeline::{Panel, TimelineChart, pack_into_lanes};

/// Colours for series, panels and bars, in order: distinct, and readable on white.
const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];
const INK: &str = "#222";
const GRID: &str = "#ddd";

fn colour(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// An SVG document being written.
struct Svg {
    out: String,
}

impl Svg {
    fn new(width: f64, height: f64) -> Svg {
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            out,
            r#"<rect width="{width}" height="{height}" fill="white"/>"#
        );
        Svg { out }
    }

    fn rect(&mut self, x: f64, y: f64, width: f64, height: f64, fill: &str) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{x:.2}" y="{y:.2}" width="{:.2}" height="{:.2}" fill="{fill}"/>"#,
            width.max(0.0),
            height.max(0.0)
        );
    }

    fn line(&mut self, from: (f64, f64), to: (f64, f64), stroke: &str, dashed: bool) {
        let dash = if dashed {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let _ = writeln!(
            self.out,
            r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{stroke}"{dash}/>"#,
            from.0, from.1, to.0, to.1
        );
    }

    fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, dashed: bool) {
        let dash = if dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let points: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.2},{y:.2}"))
            .collect();
        let _ = writeln!(
            self.out,
            r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="2"{dash}/>"#,
            points.join(" ")
        );
    }

    fn circle(&mut self, centre: (f64, f64), radius: f64, fill: &str) {
        let _ = writeln!(
            self.out,
            r#"<circle cx="{:.2}" cy="{:.2}" r="{radius}" fill="{fill}"/>"#,
            centre.0, centre.1
        );
    }

    fn text(&mut self, at: (f64, f64), anchor: Anchor, content: &str) {
        self.styled_text(at, anchor, "", content);
    }

    fn styled_text(&mut self, at: (f64, f64), anchor: Anchor, style: &str, content: &str) {
        let _ = writeln!(
            self.out,
            r#"<text x="{:.2}" y="{:.2}" text-anchor="{}" fill="{INK}"{style}>{}</text>"#,
            at.0,
            at.1,
            anchor.name(),
            escape(content)
        );
    }

    fn title(&mut self, width: f64, title: &str) {
        self.styled_text(
            (width / 2.0, 22.0),
            Anchor::Middle,
            r#" font-size="15" font-weight="bold""#,
            title,
        );
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

#[derive(Debug, Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Text made safe to put inside an XML element or attribute.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Maps values onto pixels along one axis, linearly or logarithmically, over a range widened to
/// round numbers so that the ticks fall on them.
#[derive(Debug, Clone, Copy)]
struct Axis {
    low: f64,
    high: f64,
    log: bool,
    /// The pixel of `low`, and of `high`. For a y axis `to` is above `from`, so smaller.
    from: f64,
    to: f64,
}

impl Axis {
    /// An axis covering `low..=high`. A log axis ignores values that are not positive.
    fn new(low: f64, high: f64, log: bool, from: f64, to: f64) -> Axis {
        let (low, high) = if log {
            let low = if low > 0.0 { low } else { high.max(1.0) / 10.0 };
            let high = high.max(low * 1.0001);
            (round_125(low, false), round_125(high, true))
        } else {
            let high = if high > low { high } else { low + 1.0 };
            let step = nice_step((high - low) / 5.0);
            ((low / step).floor() * step, (high / step).ceil() * step)
        };
        Axis {
            low,
            high,
            log,
            from,
            to,
        }
    }

    fn place(&self, value: f64) -> f64 {
        let fraction = if self.log {
            let value = value.max(self.low);
            (value.log10() - self.low.log10()) / (self.high.log10() - self.low.log10())
        } else {
            (value - self.low) / (self.high - self.low)
        };
        self.from + fraction * (self.to - self.from)
    }

    fn ticks(&self) -> Vec<f64> {
        if self.log {
            // 1, 2 and 5 of each decade while they fit; only the powers of ten over a wide range.
            let steps: &[f64] = if (self.high / self.low).log10() <= 2.5 {
                &[1.0, 2.0, 5.0]
            } else {
                &[1.0]
            };
            let mut ticks = Vec::new();
            let mut decade = 10f64.powf(self.low.log10().floor());
            while decade <= self.high * 1.0001 {
                for step in steps {
                    let tick = decade * step;
                    if tick >= self.low * 0.9999 && tick <= self.high * 1.0001 {
                        ticks.push(tick);
                    }
                }
                decade *= 10.0;
            }
            ticks
        } else {
            let step = nice_step((self.high - self.low) / 5.0);
            let count = ((self.high - self.low) / step).round() as usize;
            (0..=count)
                .map(|index| self.low + step * index as f64)
                .collect()
        }
    }
}

/// `value` rounded down (or `up`) to 1, 2 or 5 times a power of ten: the ends of a log axis, so
/// that it spans no more than the data needs.
fn round_125(value: f64, up: bool) -> f64 {
    let power = 10f64.powf(value.log10().floor());
    let mantissa = value / power;
    let rounded = if up {
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .find(|&step| mantissa <= step * 1.0001)
            .unwrap_or(10.0)
    } else {
        [5.0, 2.0, 1.0]
            .into_iter()
            .find(|&step| mantissa >= step * 0.9999)
            .unwrap_or(1.0)
    };
    rounded * power
}

/// 1, 2 or 5 times a power of ten: the round step nearest above `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let mantissa = raw / power;
    let nice = if mantissa <= 1.0 {
        1.0
    } else if mantissa <= 2.0 {
        2.0
    } else if mantissa <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// A tick label: `0`, `0.25`, `2`, `150`, `10k`, `2M`.
fn tick_label(value: f64) -> String {
    let trim = |text: String| {
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    };
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        format!("{}M", trim(format!("{:.1}", value / 1e6)))
    } else if magnitude >= 1e3 {
        format!("{}k", trim(format!("{:.1}", value / 1e3)))
    } else if magnitude >= 1.0 || magnitude == 0.0 {
        trim(format!("{value:.2}"))
    } else {
        trim(format!("{value:.3}"))
    }
}

/// Draws the frame, grid, ticks and axis labels of a plot area.
fn draw_axes(svg: &mut Svg, x: &Axis, y: &Axis, x_label: &str, y_label: &str) {
    for tick in y.ticks() {
        let at = y.place(tick);
        svg.line((x.from, at), (x.to, at), GRID, false);
        svg.text((x.from - 6.0, at + 4.0), Anchor::End, &tick_label(tick));
    }
    for tick in x.ticks() {
        let at = x.place(tick);
        svg.line((at, y.from), (at, y.to), GRID, false);
        svg.text((at, y.from + 16.0), Anchor::Middle, &tick_label(tick));
    }
    svg.line((x.from, y.from), (x.to, y.from), INK, false);
    svg.line((x.from, y.from), (x.from, y.to), INK, false);
    svg.text(
        ((x.from + x.to) / 2.0, y.from + 36.0),
        Anchor::Middle,
        x_label,
    );
    let middle = (y.from + y.to) / 2.0;
    let _ = writeln!(
        svg.out,
        r#"<text x="16" y="{middle:.2}" text-anchor="middle" fill="{INK}" transform="rotate(-90 16 {middle:.2})">{}</text>"#,
        escape(y_label)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape(r#"a<b & "c""#), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.37), 0.5);
        assert_eq!(nice_step(1.2), 2.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn axes_widen_to_round_numbers() {
        let linear = Axis::new(0.3, 9.2, false, 0.0, 100.0);
        assert_eq!((linear.low, linear.high), (0.0, 10.0));
        assert_eq!(linear.ticks(), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(linear.place(5.0), 50.0);

        let log = Axis::new(0.9, 120.0, true, 100.0, 0.0);
        assert_eq!((log.low, log.high), (0.5, 200.0));
        assert_eq!(log.place(0.5), 100.0);
        assert_eq!(log.place(200.0), 0.0);
        assert_eq!(log.ticks(), [1.0, 10.0, 100.0]);

        let narrow = Axis::new(1.0, 100.0, true, 100.0, 0.0);
        assert_eq!((narrow.low, narrow.high), (1.0, 100.0));
        assert_eq!(narrow.ticks(), [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]);
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(0.25), "0.25");
        assert_eq!(tick_label(2.0), "2");
        assert_eq!(tick_label(10_000.0), "10k");
        assert_eq!(tick_label(2_500_000.0), "2.5M");
    }
}

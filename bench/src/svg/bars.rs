//! Horizontal bars: figures side by side, such as requests per second of each client.

use super::{Anchor, Axis, GRID, INK, Svg, colour, tick_label};

const WIDTH: f64 = 780.0;
const LABEL_WIDTH: f64 = 300.0;
const VALUE_WIDTH: f64 = 110.0;
const TOP: f64 = 44.0;
const BAR_HEIGHT: f64 = 22.0;
const BAR_GAP: f64 = 10.0;
const BOTTOM: f64 = 50.0;

/// A bar per figure, on one scale from zero.
#[derive(Debug, Clone, Default)]
pub struct BarChart {
    pub title: String,
    /// What the scale measures, such as "requests per second".
    pub axis_label: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, Default)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as the report writes it, printed at the end of the bar.
    pub text: String,
    /// Bars of one group (one language, one kind) share a colour.
    pub group: usize,
}

impl BarChart {
    pub fn to_svg(&self) -> String {
        let height = TOP + self.bars.len() as f64 * (BAR_HEIGHT + BAR_GAP) + BOTTOM;
        let mut svg = Svg::new(WIDTH, height);
        svg.title(WIDTH, &self.title);
        let high = self
            .bars
            .iter()
            .map(|bar| bar.value)
            .filter(|value| value.is_finite())
            .fold(0.0, f64::max);
        let axis_y = height - BOTTOM;
        let scale = Axis::new(0.0, high, false, LABEL_WIDTH, WIDTH - VALUE_WIDTH);
        for tick in scale.ticks() {
            let at = scale.place(tick);
            svg.line((at, TOP - 6.0), (at, axis_y), GRID, false);
            svg.text((at, axis_y + 16.0), Anchor::Middle, &tick_label(tick));
        }
        svg.line(
            (LABEL_WIDTH, axis_y),
            (WIDTH - VALUE_WIDTH, axis_y),
            INK,
            false,
        );
        svg.text(
            ((LABEL_WIDTH + WIDTH - VALUE_WIDTH) / 2.0, axis_y + 36.0),
            Anchor::Middle,
            &self.axis_label,
        );
        for (index, bar) in self.bars.iter().enumerate() {
            let y = TOP + index as f64 * (BAR_HEIGHT + BAR_GAP);
            let value = if bar.value.is_finite() {
                bar.value.max(0.0)
            } else {
                0.0
            };
            let end = scale.place(value);
            svg.text(
                (LABEL_WIDTH - 8.0, y + BAR_HEIGHT * 0.7),
                Anchor::End,
                &bar.label,
            );
            // Even a tiny value gets a sliver, so that it is seen to exist.
            svg.rect(
                LABEL_WIDTH,
                y,
                (end - LABEL_WIDTH).max(1.5),
                BAR_HEIGHT,
                colour(bar.group),
            );
            svg.text(
                (end.max(LABEL_WIDTH + 1.5) + 6.0, y + BAR_HEIGHT * 0.7),
                Anchor::Start,
                &bar.text,
            );
        }
        svg.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bar_has_its_label_and_value() {
        let chart = BarChart {
            title: "Throughput".to_string(),
            axis_label: "requests per second".to_string(),
            bars: vec![
                Bar {
                    label: "Rust".to_string(),
                    value: 12_000.0,
                    text: "12,000 req/s".to_string(),
                    group: 0,
                },
                Bar {
                    label: "Python".to_string(),
                    value: 400.0,
                    text: "400 req/s".to_string(),
                    group: 1,
                },
            ],
        };
        let svg = chart.to_svg();
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains(">12,000 req/s</text>"));
        assert!(svg.contains(">Python</text>"));
    }
}

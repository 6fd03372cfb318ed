//! A line chart: scaling curves, such as wall time against concurrency, each beside its ideal.

use super::{Anchor, Axis, Svg, colour, draw_axes};

const WIDTH: f64 = 880.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 70.0;
const TOP: f64 = 44.0;
/// Room on the right for the legend.
const LEGEND_WIDTH: f64 = 290.0;
const BOTTOM: f64 = 56.0;

/// A line chart of one or more series over shared axes.
#[derive(Debug, Clone, Default)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_log: bool,
    pub y_log: bool,
    pub series: Vec<Series>,
}

/// One line: points joined in order, each marked with a dot.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Dashed, for an ideal or a limit rather than a measurement.
    pub dashed: bool,
}

impl Series {
    pub fn measured(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            points,
            dashed: false,
        }
    }

    pub fn ideal(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            points,
            dashed: true,
        }
    }
}

impl LineChart {
    pub fn to_svg(&self) -> String {
        let mut svg = Svg::new(WIDTH, HEIGHT);
        svg.title(WIDTH, &self.title);
        let usable = |value: f64, log: bool| value.is_finite() && (!log || value > 0.0);
        let points: Vec<(f64, f64)> = self
            .series
            .iter()
            .flat_map(|series| series.points.iter().copied())
            .filter(|&(x, y)| usable(x, self.x_log) && usable(y, self.y_log))
            .collect();
        let range = |values: Vec<f64>| {
            let low = values.iter().copied().fold(f64::INFINITY, f64::min);
            let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if low.is_finite() {
                (low, high)
            } else {
                (1.0, 10.0)
            }
        };
        let (x_low, x_high) = range(points.iter().map(|point| point.0).collect());
        let (y_low, y_high) = range(points.iter().map(|point| point.1).collect());
        // A linear y axis starts at zero, so that heights compare honestly.
        let y_low = if self.y_log { y_low } else { y_low.min(0.0) };
        let plot_right = WIDTH - LEGEND_WIDTH;
        let x = Axis::new(x_low, x_high, self.x_log, LEFT, plot_right);
        let y = Axis::new(y_low, y_high, self.y_log, HEIGHT - BOTTOM, TOP);
        draw_axes(&mut svg, &x, &y, &self.x_label, &self.y_label);

        for (index, series) in self.series.iter().enumerate() {
            let colour = colour(index);
            let placed: Vec<(f64, f64)> = series
                .points
                .iter()
                .filter(|&&(px, py)| usable(px, self.x_log) && usable(py, self.y_log))
                .map(|&(px, py)| (x.place(px), y.place(py)))
                .collect();
            if placed.len() > 1 {
                svg.polyline(&placed, colour, series.dashed);
            }
            if !series.dashed {
                for &point in &placed {
                    svg.circle(point, 3.5, colour);
                }
            }
            let legend_y = TOP + 8.0 + 20.0 * index as f64;
            let legend_x = plot_right + 16.0;
            svg.line(
                (legend_x, legend_y),
                (legend_x + 24.0, legend_y),
                colour,
                series.dashed,
            );
            svg.line(
                (legend_x, legend_y + 1.0),
                (legend_x + 24.0, legend_y + 1.0),
                colour,
                series.dashed,
            );
            svg.text(
                (legend_x + 30.0, legend_y + 4.0),
                Anchor::Start,
                &series.name,
            );
        }
        svg.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_series_is_drawn_and_named() {
        let chart = LineChart {
            title: "Wall time".to_string(),
            x_label: "concurrency".to_string(),
            y_label: "seconds".to_string(),
            x_log: true,
            y_log: true,
            series: vec![
                Series::ideal("ideal", vec![(1.0, 100.0), (10.0, 10.0), (100.0, 1.0)]),
                Series::measured("tokio", vec![(1.0, 101.0), (10.0, 10.2), (100.0, 1.1)]),
            ],
        };
        let svg = chart.to_svg();
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">tokio</text>"));
    }

    #[test]
    fn an_empty_chart_still_draws() {
        let svg = LineChart::default().to_svg();
        assert!(svg.contains("</svg>"));
    }
}

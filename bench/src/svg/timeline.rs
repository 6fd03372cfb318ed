//! A timeline: which request (or which thread's work) ran when, one panel per way of running.
//!
//! A thousand requests at concurrency 50 are drawn in lanes: each request goes in the first lane
//! free when it starts, so a bounded schedule shows as 50 lanes filled in neat waves, and a
//! client that cannot keep up shows ragged, stretched bars that end after the ideal line.

use super::{Anchor, Axis, GRID, INK, Svg, colour, tick_label};

const WIDTH: f64 = 780.0;
const LEFT: f64 = 20.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
/// Height of a panel's lanes together, when there are many lanes.
const LANES_HEIGHT: f64 = 150.0;
/// Height of one lane, when there are few: two lanes need not fill 150 pixels.
const MAX_LANE_HEIGHT: f64 = 24.0;
const PANEL_GAP: f64 = 34.0;
const BOTTOM: f64 = 50.0;

/// Panels stacked over one time axis, so that their lengths compare directly.
#[derive(Debug, Clone, Default)]
pub struct TimelineChart {
    pub title: String,
    pub panels: Vec<Panel>,
}

/// One way of running the work: its spans, in lanes.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    pub name: String,
    /// Each lane's spans, as (start, end) in seconds since the batch began.
    pub lanes: Vec<Vec<(f64, f64)>>,
    /// Where the ideal schedule would have finished, drawn as a dashed line.
    pub ideal_end: Option<f64>,
}

/// Spans, each put in the first lane that is free when it starts (a new lane if none is).
pub fn pack_into_lanes(spans: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut sorted = spans.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut lanes: Vec<Vec<(f64, f64)>> = Vec::new();
    // The lane whose last span ended longest ago: the natural one to reuse.
    for span in sorted {
        let free = lanes
            .iter_mut()
            .filter(|lane| lane.last().is_some_and(|last| last.1 <= span.0))
            .min_by(|a, b| last_end(a).total_cmp(&last_end(b)));
        match free {
            Some(lane) => lane.push(span),
            None => lanes.push(vec![span]),
        }
    }
    lanes
}

impl Panel {
    fn lanes_height(&self) -> f64 {
        (self.lanes.len() as f64 * MAX_LANE_HEIGHT).clamp(MAX_LANE_HEIGHT, LANES_HEIGHT)
    }
}

fn last_end(lane: &[(f64, f64)]) -> f64 {
    lane.last().map_or(0.0, |span| span.1)
}

impl TimelineChart {
    pub fn to_svg(&self) -> String {
        let panels_height: f64 = self
            .panels
            .iter()
            .map(|panel| panel.lanes_height() + PANEL_GAP)
            .sum();
        let height = TOP + panels_height + BOTTOM;
        let mut svg = Svg::new(WIDTH, height);
        svg.title(WIDTH, &self.title);
        let end = self
            .panels
            .iter()
            .flat_map(|panel| {
                let spans = panel.lanes.iter().flatten().map(|span| span.1);
                spans.chain(panel.ideal_end)
            })
            .fold(0.0, f64::max);
        let axis_y = TOP + panels_height;
        let time = Axis::new(0.0, end, false, LEFT, WIDTH - RIGHT);
        for tick in time.ticks() {
            let at = time.place(tick);
            svg.line((at, TOP), (at, axis_y), GRID, false);
            svg.text((at, axis_y + 16.0), Anchor::Middle, &tick_label(tick));
        }
        svg.line((LEFT, axis_y), (WIDTH - RIGHT, axis_y), INK, false);
        svg.text(
            (WIDTH / 2.0, axis_y + 36.0),
            Anchor::Middle,
            "seconds since the batch began",
        );

        let mut panel_top = TOP;
        for (index, panel) in self.panels.iter().enumerate() {
            let lanes_top = panel_top + PANEL_GAP - 8.0;
            let lanes_height = panel.lanes_height();
            let label = format!("{} ({} lanes)", panel.name, panel.lanes.len());
            svg.text((LEFT, panel_top + 18.0), Anchor::Start, &label);
            let lane_height = lanes_height / panel.lanes.len().max(1) as f64;
            // A thin gap between lanes when there is room for one.
            let bar_height = if lane_height > 3.0 {
                lane_height - 1.0
            } else {
                lane_height
            };
            for (lane_index, lane) in panel.lanes.iter().enumerate() {
                let y = lanes_top + lane_index as f64 * lane_height;
                for &(start, finish) in lane {
                    let x = time.place(start);
                    let width = time.place(finish) - x;
                    // A hair of white between back-to-back bars shows where one request ended
                    // and the next began; a bar too thin to spare it keeps its width.
                    let width = if width > 3.0 {
                        width - 0.7
                    } else {
                        width.max(0.8)
                    };
                    svg.rect(x, y, width, bar_height, colour(index));
                }
            }
            if let Some(ideal) = panel.ideal_end {
                let at = time.place(ideal);
                svg.line(
                    (at, lanes_top - 4.0),
                    (at, lanes_top + lanes_height + 2.0),
                    INK,
                    true,
                );
                svg.text((at + 4.0, lanes_top + 8.0), Anchor::Start, "ideal");
            }
            panel_top += lanes_height + PANEL_GAP;
        }
        svg.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_share_a_lane_only_when_they_do_not_overlap() {
        let spans = [(0.0, 1.0), (0.0, 1.0), (1.0, 2.0), (1.5, 2.5), (1.0, 2.0)];
        let lanes = pack_into_lanes(&spans);
        assert_eq!(lanes.len(), 3);
        for lane in &lanes {
            for pair in lane.windows(2) {
                assert!(pair[0].1 <= pair[1].0, "{lane:?}");
            }
        }
    }

    #[test]
    fn panels_draw_a_bar_per_span_and_the_ideal() {
        let chart = TimelineChart {
            title: "GETs".to_string(),
            panels: vec![Panel {
                name: "tokio <Semaphore>".to_string(),
                lanes: pack_into_lanes(&[(0.0, 0.1), (0.1, 0.2)]),
                ideal_end: Some(0.2),
            }],
        };
        let svg = chart.to_svg();
        // The background, then one bar per span.
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("tokio &lt;Semaphore&gt; (1 lanes)"));
        assert!(svg.contains(">ideal</text>"));
    }
}

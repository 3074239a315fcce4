//! The assurance trend of a topic as a chart: one bar per meeting, split by
//! the share of its questions decided Assured, Partly assured, Not assured or
//! not decided. Only the geometry is worked out here; the template draws it
//! as SVG, with askama's escaping, and a table holds the same figures.

use chrono::NaiveDate;

use crate::domain::Decision;

/// How one meeting's questions were decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub assured: usize,
    pub partly: usize,
    pub not: usize,
    pub none: usize,
}

impl Tally {
    /// Counts `decisions`, one per question.
    pub fn of(decisions: &[Option<Decision>]) -> Tally {
        let mut tally = Tally::default();
        for d in decisions {
            match d {
                Some(Decision::Assured) => tally.assured += 1,
                Some(Decision::PartlyAssured) => tally.partly += 1,
                Some(Decision::NotAssured) => tally.not += 1,
                None => tally.none += 1,
            }
        }
        tally
    }

    pub fn questions(&self) -> usize {
        self.assured + self.partly + self.not + self.none
    }

    /// Each part with its CSS class and wording, best first.
    fn parts(&self) -> [(usize, &'static str, &'static str); 4] {
        [
            (self.assured, "assured", "assured"),
            (self.partly, "partly_assured", "partly assured"),
            (self.not, "not_assured", "not assured"),
            (self.none, "none", "no decision recorded"),
        ]
    }

    /// In words: "4 questions: 3 assured, 1 partly assured".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .parts()
            .iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, _, words)| format!("{n} {words}"))
            .collect();
        let n = self.questions();
        format!(
            "{n} question{}: {}",
            if n == 1 { "" } else { "s" },
            parts.join(", ")
        )
    }
}

/// One part of a bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub y: f64,
    pub height: f64,
    /// `assured`, `partly_assured`, `not_assured` or `none`.
    pub class: &'static str,
    pub title: String,
}

/// One meeting's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    /// Centre of the bar, where its label goes.
    pub middle: f64,
    /// The date under the bar, or empty where labels would crowd.
    pub label: String,
    pub segments: Vec<Segment>,
}

/// A horizontal line of the scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub y: f64,
    pub label: &'static str,
}

/// The whole chart, in the SVG's own units.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub baseline: f64,
    pub ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;
/// Most date labels shown; others are left out so they never overlap.
const MAX_LABELS: usize = 8;

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl Chart {
    /// The chart of `meetings` (date and tally), oldest first.
    pub fn new(meetings: &[(NaiveDate, Tally)]) -> Chart {
        let plot = HEIGHT - TOP - BOTTOM;
        let slot = (WIDTH - LEFT - RIGHT) / meetings.len().max(1) as f64;
        let width = (slot * 0.6).min(56.0);
        let every = meetings.len().div_ceil(MAX_LABELS).max(1);
        let bars = meetings
            .iter()
            .enumerate()
            .map(|(i, (date, tally))| {
                let middle = LEFT + slot * (i as f64 + 0.5);
                let total = tally.questions().max(1) as f64;
                let mut top = TOP + plot;
                let segments = tally
                    .parts()
                    .into_iter()
                    .filter(|(n, _, _)| *n > 0)
                    .map(|(n, class, words)| {
                        let height = plot * n as f64 / total;
                        top -= height;
                        Segment {
                            y: round(top),
                            height: round(height),
                            class,
                            title: format!("{}: {n} {words}", super::filters::date_text(&date)),
                        }
                    })
                    .collect();
                Bar {
                    x: round(middle - width / 2.0),
                    width: round(width),
                    middle: round(middle),
                    label: if i % every == 0 {
                        date.format("%b %Y").to_string()
                    } else {
                        String::new()
                    },
                    segments,
                }
            })
            .collect();
        let ticks = [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")]
            .into_iter()
            .map(|(share, label)| Tick {
                y: round(TOP + plot * (1.0 - share)),
                label,
            })
            .collect();
        Chart {
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right: WIDTH - RIGHT,
            baseline: TOP + plot,
            ticks,
            bars,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bar_is_split_by_share_and_fills_the_plot() {
        let date = NaiveDate::from_ymd_opt(2024, 12, 3).expect("date");
        let tally = Tally::of(&[
            Some(Decision::Assured),
            Some(Decision::Assured),
            None,
            Some(Decision::NotAssured),
        ]);
        assert_eq!(
            tally.describe(),
            "4 questions: 2 assured, 1 not assured, 1 no decision recorded"
        );
        let chart = Chart::new(&[(date, tally)]);
        let bar = &chart.bars[0];
        let heights: f64 = bar.segments.iter().map(|s| s.height).sum();
        assert!((heights - (HEIGHT - TOP - BOTTOM)).abs() < 0.5);
        assert_eq!(bar.segments[0].class, "assured");
        assert_eq!(bar.segments[0].height, round((HEIGHT - TOP - BOTTOM) / 2.0));
        assert_eq!(bar.label, "Dec 2024");
    }

    #[test]
    fn dates_are_thinned_so_labels_never_crowd() {
        let date = NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
        let meetings: Vec<_> = (0..20).map(|_| (date, Tally::default())).collect();
        let chart = Chart::new(&meetings);
        let labels = chart.bars.iter().filter(|b| !b.label.is_empty()).count();
        assert!(labels <= MAX_LABELS, "{labels}");
    }
}

//! The partial results of a batch with a deadline, sorted, as an insta snapshot
//! (tests/snapshots/snapshot__partial_quotes.snap). Runs on tokio's paused clock.

use std::time::Duration;

use batch_deadline::gather_until;
use tokio::time::sleep;

/// Who is asked, how long each takes to quote (ms), and the quote (cents).
const SUPPLIERS: [(&str, u64, u32); 8] = [
    ("acme", 120, 1_999),
    ("bolt", 450, 2_150),
    ("crate-and-co", 3_000, 1_750),
    ("dynamo", 800, 2_049),
    ("emporium", 1_500, 1_899),
    ("fjord", 90, 2_300),
    ("gizmo", 999, 2_075),
    ("hexagon", 1_001, 1_650),
];

#[tokio::test(start_paused = true)]
async fn partial_quotes() {
    let mut partial = gather_until(
        SUPPLIERS
            .iter()
            .map(|(name, ..)| name.to_string())
            .collect(),
        Duration::from_secs(1),
        |name: String| async move {
            let &(_, delay, cents) = SUPPLIERS
                .iter()
                .find(|(supplier, ..)| *supplier == name)
                .expect("a known supplier");
            sleep(Duration::from_millis(delay)).await;
            cents
        },
    )
    .await;
    partial.finished.sort();
    partial.late.sort();
    let mut report = format!("quoted in time ({}):\n", partial.finished.len());
    for (name, cents) in &partial.finished {
        report += &format!("  {name:<14} {:>3}.{:02}\n", cents / 100, cents % 100);
    }
    report += &format!("late, cancelled ({}):\n", partial.late.len());
    for name in &partial.late {
        report += &format!("  {name}\n");
    }
    insta::assert_snapshot!(report);
}

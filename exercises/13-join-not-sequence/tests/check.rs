//! `load_dashboard` must give the same dashboard as before, in the time of the slowest call. On
//! tokio's paused clock, time moves only when every task waits, so the elapsed times are exact.

use std::time::Duration;

use join_not_sequence::{Dashboard, Order, Profile, Services, load_dashboard};
use tokio::time::Instant;

const SECOND: Duration = Duration::from_secs(1);

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

#[tokio::test(start_paused = true)]
async fn the_dashboard_is_unchanged() {
    let services = Services::all_taking(SECOND);
    assert_eq!(
        load_dashboard(&services, 7).await,
        Dashboard {
            profile: Profile {
                user: 7,
                name: "user-7".to_string(),
            },
            orders: vec![
                Order {
                    id: 701,
                    total_cents: 1250,
                },
                Order {
                    id: 702,
                    total_cents: 2500,
                },
                Order {
                    id: 703,
                    total_cents: 3750,
                },
            ],
            recommendations: vec!["tray".to_string(), "kettle".to_string()],
        },
        "user 7's dashboard: each part from its own call"
    );
    let another = load_dashboard(&services, 12).await;
    assert_eq!(
        another.profile.name, "user-12",
        "user 12's profile, from the profile call"
    );
    assert!(
        another.orders.is_empty(),
        "user 12 has no orders, says the orders call"
    );
    assert_eq!(
        another.recommendations,
        ["kettle", "teapot"],
        "user 12's recommendations, from the recommendations call"
    );
}

#[tokio::test(start_paused = true)]
async fn three_one_second_calls_take_one_second() {
    let services = Services::all_taking(SECOND);
    let started = Instant::now();
    load_dashboard(&services, 7).await;
    let took = started.elapsed();
    assert_eq!(
        took,
        SECOND,
        "three calls of 1 s each took {took:?} in all.\n{}",
        explain(took, SECOND, 3 * SECOND)
    );
}

#[tokio::test(start_paused = true)]
async fn the_slowest_call_sets_the_pace() {
    let services = Services {
        profile_latency: ms(300),
        orders_latency: ms(800),
        recommendations_latency: ms(500),
    };
    let started = Instant::now();
    load_dashboard(&services, 3).await;
    let took = started.elapsed();
    assert_eq!(
        took,
        ms(800),
        "calls of 300 ms, 800 ms and 500 ms took {took:?} in all.\n{}",
        explain(took, ms(800), ms(1600))
    );
}

/// Why the dashboard took `took`, where the calls take `slowest` together and `sum` in turn.
fn explain(took: Duration, slowest: Duration, sum: Duration) -> &'static str {
    if took >= sum {
        "Each call started only after the one before it had finished.\n\
         Building a future starts nothing: `let profile = services.profile(user);` runs none of \
         the call until the future is awaited,\nso awaiting three futures one by one runs the \
         calls one by one, however early they were built.\nHand all three to `tokio::join!`, \
         which waits for them together."
    } else if took > slowest {
        "Some call started only after another had finished: wait for all three together (one \
         `tokio::join!` of the three), so the page waits only for the slowest."
    } else {
        "Faster than the slowest call, so a call was skipped or not waited for."
    }
}

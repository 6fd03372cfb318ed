//! Exercise 13 · async · join, don't sequence
//!
//! Lesson: `cargo run -p lesson-async -- --section 2` ("Sequential versus concurrent")
//!
//! A dashboard needs three things about a user: the profile, the recent orders and some
//! recommendations. `load_dashboard` asks for them one after another, so the page waits for the
//! sum of the three latencies, although none of the calls needs another's answer. Start all
//! three at once and wait for them together (`tokio::join!`), so the page waits only as long as
//! the slowest call.
//!
//! The checks compare the dashboard with the expected one and, on tokio's paused clock, measure
//! how long it took to load: exactly the slowest call's latency (1 s when each call takes 1 s).
//! They cannot tell `tokio::join!` from `futures::join!` or `join_all`; any of them passes.
//!
//! Grade it with `cargo xtask check join-not-sequence`; `cargo xtask hint join-not-sequence`
//! when stuck.

use std::time::Duration;

/// A user's details, from the profile service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub user: u32,
    pub name: String,
}

/// An order, from the orders service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: u32,
    pub total_cents: u64,
}

/// Everything the dashboard page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub profile: Profile,
    pub orders: Vec<Order>,
    pub recommendations: Vec<String>,
}

/// Three remote services, each answering after its own latency. (A stand-in for HTTP calls: only
/// the waiting matters here.)
#[derive(Debug, Clone)]
pub struct Services {
    pub profile_latency: Duration,
    pub orders_latency: Duration,
    pub recommendations_latency: Duration,
}

impl Services {
    /// Every service answers after `latency`.
    pub fn all_taking(latency: Duration) -> Self {
        Services {
            profile_latency: latency,
            orders_latency: latency,
            recommendations_latency: latency,
        }
    }

    pub async fn profile(&self, user: u32) -> Profile {
        tokio::time::sleep(self.profile_latency).await;
        Profile {
            user,
            name: format!("user-{user}"),
        }
    }

    pub async fn orders(&self, user: u32) -> Vec<Order> {
        tokio::time::sleep(self.orders_latency).await;
        (1..=user % 4)
            .map(|n| Order {
                id: user * 100 + n,
                total_cents: u64::from(n) * 1250,
            })
            .collect()
    }

    pub async fn recommendations(&self, user: u32) -> Vec<String> {
        tokio::time::sleep(self.recommendations_latency).await;
        ["kettle", "teapot", "mug", "tray"]
            .iter()
            .cycle()
            .skip(user as usize % 4)
            .take(2)
            .map(|item| item.to_string())
            .collect()
    }
}

/// Loads everything the dashboard shows for `user`.
pub async fn load_dashboard(services: &Services, user: u32) -> Dashboard {
    // TODO: each `.await` waits for its call to finish before the next one even starts, so the
    // page takes the sum of the three latencies. None needs another's answer: run them together.
    let profile = services.profile(user).await;
    let orders = services.orders(user).await;
    let recommendations = services.recommendations(user).await;
    Dashboard {
        profile,
        orders,
        recommendations,
    }
}

//! Exercise 13 · async · join, don't sequence: a solution.

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
    // The three calls are independent, so start them together: `join!` polls all three on this
    // task, and while one waits for its answer the others make progress. The page now waits for
    // the slowest call only, and the results come back as a tuple, in the order written.
    let (profile, orders, recommendations) = tokio::join!(
        services.profile(user),
        services.orders(user),
        services.recommendations(user),
    );
    Dashboard {
        profile,
        orders,
        recommendations,
    }
}

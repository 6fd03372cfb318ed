//! Counting what a batch of retried requests came to, and printing it.

use std::collections::BTreeMap;

use lesson_kit::narrate;

use super::{Retried, RetryFailure};

/// How a batch of retried requests went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetryTally {
    /// How many requests ended with each final status (never 429: that is `still_rate_limited`).
    pub statuses: BTreeMap<u16, usize>,
    /// Requests whose every attempt was answered 429.
    pub still_rate_limited: usize,
    /// Requests that got no answer at all.
    pub no_answer: usize,
    /// Requests that needed each number of attempts.
    pub by_attempts: BTreeMap<u32, usize>,
}

impl RetryTally {
    /// Counts a batch of outcomes.
    pub fn of<E>(batch: &[Retried<E>]) -> RetryTally {
        let mut tally = RetryTally::default();
        for retried in batch {
            *tally.by_attempts.entry(retried.attempts).or_default() += 1;
            match &retried.result {
                Ok(status) => *tally.statuses.entry(status.as_u16()).or_default() += 1,
                Err(RetryFailure::StillRateLimited) => tally.still_rate_limited += 1,
                Err(RetryFailure::NoAnswer(_)) => tally.no_answer += 1,
            }
        }
        tally
    }

    /// Requests that ended with `status`.
    pub fn with_status(&self, status: u16) -> usize {
        self.statuses.get(&status).copied().unwrap_or(0)
    }

    /// Every request of the batch.
    pub fn requests(&self) -> usize {
        self.by_attempts.values().sum()
    }

    /// Every attempt of every request.
    pub fn attempts(&self) -> u64 {
        self.by_attempts
            .iter()
            .map(|(&attempts, &requests)| u64::from(attempts) * requests as u64)
            .sum()
    }

    /// `1×50 2×43 3×61 ...`: how many requests needed each number of attempts.
    pub fn attempts_histogram(&self) -> String {
        let counts: Vec<String> = self
            .by_attempts
            .iter()
            .map(|(attempts, requests)| format!("{attempts}×{requests}"))
            .collect();
        counts.join(" ")
    }

    /// Prints the batch's results, each labelled `name: ...` (the policy's name).
    pub fn print(&self, name: &str, max_attempts: u32) {
        let requests = self.requests();
        narrate::result(
            &format!("{name}: succeeded"),
            format!("{} of {requests}", self.with_status(200)),
        );
        narrate::result(
            &format!("{name}: gave up, still 429 after {max_attempts} attempts"),
            self.still_rate_limited,
        );
        if self.no_answer > 0 {
            narrate::result(&format!("{name}: got no answer"), self.no_answer);
        }
        narrate::result(
            &format!("{name}: attempts"),
            format!("{} for {requests} requests", self.attempts()),
        );
        narrate::result(
            &format!("{name}: requests by attempts needed"),
            self.attempts_histogram(),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use reqwest::StatusCode;

    use super::*;

    fn retried(
        attempts: u32,
        result: Result<StatusCode, RetryFailure<Infallible>>,
    ) -> Retried<Infallible> {
        Retried { attempts, result }
    }

    #[test]
    fn requests_are_counted_by_outcome_and_by_attempts() {
        let batch = [
            retried(1, Ok(StatusCode::OK)),
            retried(3, Ok(StatusCode::OK)),
            retried(3, Ok(StatusCode::NOT_FOUND)),
            retried(20, Err(RetryFailure::StillRateLimited)),
        ];
        let tally = RetryTally::of(&batch);
        assert_eq!((tally.with_status(200), tally.with_status(404)), (2, 1));
        assert_eq!((tally.still_rate_limited, tally.no_answer), (1, 0));
        assert_eq!((tally.requests(), tally.attempts()), (4, 27));
        assert_eq!(tally.attempts_histogram(), "1×1 3×2 20×1");
    }
}

//! Transfers at the same time, between the same accounts and between different ones, must all be
//! made, never overdraw, and never get stuck.
//!
//! The approver is the checks' way in: it is called with the source account locked, so it can
//! hold a transfer at that point until another transfer has got there too, which makes the
//! collisions that a deadlock needs happen every time rather than now and then. (Two transfers
//! stuck for ever are what the grader reports, at the exercise's time limit: "deadlock".)

use std::collections::HashMap;
use std::sync::{Barrier, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use lock_order::{Account, Approver, TransferError, transfer};

/// Approves everything at once.
struct AlwaysYes;

impl Approver for AlwaysYes {
    fn approve(&self, _from: u32, _to: u32, _amount: u64) -> bool {
        true
    }
}

/// Approves everything, but holds each approval until `expected` approvals have begun, or until
/// `patience` has passed (after which nobody waits any more). Notes how many approvals were in
/// progress at once for each source account.
struct Meeting {
    expected: usize,
    patience: Duration,
    state: Mutex<MeetingState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct MeetingState {
    begun: usize,
    gave_up: bool,
    /// Approvals in progress, by source account.
    in_progress: HashMap<u32, usize>,
    /// The most approvals that were in progress at once for one source account.
    most_at_once_for_one_source: usize,
}

impl Meeting {
    fn new(expected: usize, patience: Duration) -> Self {
        Meeting {
            expected,
            patience,
            state: Mutex::default(),
            changed: Condvar::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, MeetingState> {
        // A check that panicked while holding the lock left the notes as they were: still true.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Approver for Meeting {
    fn approve(&self, from: u32, _to: u32, _amount: u64) -> bool {
        let mut state = self.state();
        state.begun += 1;
        let now = {
            let count = state.in_progress.entry(from).or_default();
            *count += 1;
            *count
        };
        state.most_at_once_for_one_source = state.most_at_once_for_one_source.max(now);
        self.changed.notify_all();
        let deadline = Instant::now() + self.patience;
        while state.begun < self.expected && !state.gave_up {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                state.gave_up = true;
                self.changed.notify_all();
                break;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        if let Some(count) = state.in_progress.get_mut(&from) {
            *count -= 1;
        }
        true
    }
}

/// Makes each transfer `(from, to, amount)` on a thread of its own, all starting together, and
/// returns their results in the same order.
fn at_once(
    accounts: &[Account],
    transfers: &[(usize, usize, u64)],
    approver: &impl Approver,
) -> Vec<Result<(), TransferError>> {
    let start = Barrier::new(transfers.len());
    thread::scope(|scope| {
        let running: Vec<_> = transfers
            .iter()
            .map(|&(from, to, amount)| {
                let start = &start;
                scope.spawn(move || {
                    start.wait();
                    transfer(&accounts[from], &accounts[to], amount, approver)
                })
            })
            .collect();
        running
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn balances(accounts: &[Account]) -> Vec<u64> {
    accounts.iter().map(Account::balance).collect()
}

const MADE_NOT_GIVEN_UP: &str = "A transfer must be made, not given up because a lock is busy \
    (try_lock): take the two locks in one order that every transfer agrees on.";

#[test]
fn opposite_transfers_at_the_same_time_are_both_made() {
    let accounts = [Account::new(1, 1_000), Account::new(2, 1_000)];
    // Each approval waits (a fifth of a second at most) for the other transfer's to begin: with
    // the locks taken in call order, each transfer then holds one account and wants the other.
    let approver = Meeting::new(2, Duration::from_millis(200));
    let results = at_once(&accounts, &[(0, 1, 100), (1, 0, 30)], &approver);
    assert_eq!(
        results,
        [Ok(()), Ok(())],
        "two transfers, 1 to 2 and 2 to 1, came back {results:?}, though both balances cover \
         them and the approver approves everything.\n{MADE_NOT_GIVEN_UP}"
    );
    assert_eq!(
        balances(&accounts),
        [930, 1_070],
        "100 moved from account 1 to 2, and 30 back"
    );
}

#[test]
fn a_transfer_to_the_same_account_is_refused() {
    let account = Account::new(7, 500);
    let result = transfer(&account, &account, 50, &AlwaysYes);
    assert_eq!(
        result,
        Err(TransferError::SameAccount),
        "a transfer from account 7 to itself should be refused as SameAccount"
    );
    assert_eq!(account.balance(), 500, "nothing moved");
}

#[test]
fn two_withdrawals_at_once_never_overdraw() {
    let accounts = [Account::new(1, 100), Account::new(2, 0), Account::new(3, 0)];
    // Both transfers want 60 of account 1's 100. Each approval waits (a fifth of a second at
    // most) for the other's to begin, which it can only if account 1 is not locked meanwhile.
    let approver = Meeting::new(2, Duration::from_millis(200));
    let results = at_once(&accounts, &[(0, 1, 60), (0, 2, 60)], &approver);
    let at_once = approver.state().most_at_once_for_one_source;
    assert_eq!(
        at_once, 1,
        "two withdrawals from account 1 were being approved at the same time: the account was \
         not locked while its withdrawal was approved, so both saw the same balance.\nKeep the \
         source locked from the balance check until the money has moved."
    );
    let made = results.iter().filter(|result| result.is_ok()).count();
    assert_eq!(
        made, 1,
        "account 1 holds 100 and two transfers of 60 each came back {results:?}: exactly one \
         can be made"
    );
    let refused = TransferError::InsufficientFunds {
        balance: 40,
        amount: 60,
    };
    assert!(
        results.contains(&Err(refused.clone())),
        "the second transfer should find 40 left and fail with {refused:?}; the results were \
         {results:?}"
    );
    assert_eq!(
        balances(&accounts).iter().sum::<u64>(),
        100,
        "no money made or lost"
    );
}

#[test]
fn transfers_between_other_accounts_run_at_the_same_time() {
    let accounts: Vec<Account> = (1..=4).map(|number| Account::new(number, 100)).collect();
    // Each approval waits (a second at most) for the other's to begin: both can be in progress at
    // once only if neither transfer waits for the other's locks.
    let approver = Meeting::new(2, Duration::from_secs(1));
    let results = at_once(&accounts, &[(0, 1, 10), (2, 3, 20)], &approver);
    assert!(
        !approver.state().gave_up,
        "a transfer from account 1 to 2 and one from 3 to 4 never ran at the same time: one \
         waited for the other, though they share no account.\nIs one lock guarding every \
         account? Each account has a lock of its own; a transfer needs only its two."
    );
    assert_eq!(results, [Ok(()), Ok(())], "both transfers should be made");
    assert_eq!(balances(&accounts), [90, 110, 80, 120]);
}

#[test]
fn thousands_of_transfers_every_way_keep_the_total() {
    const THREADS: u64 = 4;
    const EACH: u64 = 3_000;
    let accounts: Vec<Account> = (1..=3).map(|number| Account::new(number, 1_000)).collect();
    thread::scope(|scope| {
        for thread in 0..THREADS {
            let accounts = &accounts;
            scope.spawn(move || {
                for step in 0..EACH {
                    // Every ordered pair of different accounts, in a different rhythm per thread.
                    let from = ((step + thread) % 3) as usize;
                    let to = (from + 1 + ((step / 3 + thread) % 2) as usize) % 3;
                    let amount = 1 + (step * 7 + thread) % 5;
                    match transfer(&accounts[from], &accounts[to], amount, &AlwaysYes) {
                        Ok(()) | Err(TransferError::InsufficientFunds { .. }) => {}
                        Err(error) => panic!(
                            "a transfer from account {} to {} of {amount} failed with \
                             {error:?}.\n{MADE_NOT_GIVEN_UP}",
                            from + 1,
                            to + 1
                        ),
                    }
                }
            });
        }
    });
    assert_eq!(
        balances(&accounts).iter().sum::<u64>(),
        3_000,
        "money was made or lost: the balances are {:?}",
        balances(&accounts)
    );
}

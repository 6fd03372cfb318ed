//! Two locks. A deadlock from taking them in opposite orders, and one order for every thread.
//!
//! A transfer between two bank accounts, each with a lock of its own, must hold both locks at
//! once: the money leaves one balance and arrives in the other as one change that no other thread
//! sees half done. Lock them in the order the call names them, `from` and then `to`, and two
//! transfers in opposite directions (a to b, b to a) lock the same two accounts in opposite
//! orders. If each takes its first lock before the other takes its second, each holds what the
//! other waits for: neither can go on, and neither ever will. Nothing reports it; two threads just
//! stop. The longer a thread holds its first lock before taking the second (here it reads the
//! balance and has the withdrawal approved), the likelier the collision.
//!
//! The fix is a rule, not a tool: every thread that needs both locks takes them in one order
//! that all threads agree on, such as by account number. Then the thread that holds the first
//! lock of the order can always get the second, since nobody holds the second while waiting for
//! the first. (A transfer from an account to itself needs care: the same lock twice is a deadlock
//! of one thread with itself, since std's `Mutex` is not re-entrant.)
//!
//! A real `lock()` waits for ever. So that the lesson can count deadlocks rather than become one,
//! its transfers take their second lock with `try_lock` and give up after a while.

use std::sync::{Barrier, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use lesson_kit::measure::format_duration;
use lesson_kit::narrate;

/// A bank account: its number, and its balance behind a lock of its own, so that transfers
/// between other accounts never wait for it.
#[derive(Debug)]
pub struct Account {
    pub number: u32,
    balance: Mutex<u64>,
}

impl Account {
    pub fn new(number: u32, balance: u64) -> Self {
        Account {
            number,
            balance: Mutex::new(balance),
        }
    }

    pub fn balance(&self) -> u64 {
        *lock(&self.balance)
    }
}

/// How a transfer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transfer {
    Done,
    /// It held one lock and waited for the other for the whole `patience`: a deadlock, had it
    /// waited with `lock()`.
    Stuck,
}

/// How long a transfer holds its first lock before it takes the second: reading the balance and
/// having the withdrawal approved, say.
pub const WORK_UNDER_THE_FIRST_LOCK: Duration = Duration::from_millis(2);

fn lock(balance: &Mutex<u64>) -> MutexGuard<'_, u64> {
    // A thread that panicked while holding the lock left a whole number behind: keep using it.
    balance.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `lock()`, except that it gives up after `patience`, where `lock()` would wait for ever.
fn lock_within(balance: &Mutex<u64>, patience: Duration) -> Option<MutexGuard<'_, u64>> {
    let deadline = Instant::now() + patience;
    loop {
        match balance.try_lock() {
            Ok(guard) => return Some(guard),
            Err(TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                thread::sleep(Duration::from_micros(100));
            }
            Err(TryLockError::WouldBlock) => return None,
        }
    }
}

/// Moves `amount` between the two locked balances.
fn move_money(from_balance: &mut u64, to_balance: &mut u64, amount: u64) {
    let moved = amount.min(*from_balance);
    *from_balance -= moved;
    *to_balance += moved;
}

// ANCHOR: call_order
/// Locks `from`, then `to`: the order the call names them in.
pub fn transfer_in_call_order(
    from: &Account,
    to: &Account,
    amount: u64,
    patience: Duration,
) -> Transfer {
    let mut from_balance = lock(&from.balance);
    thread::sleep(WORK_UNDER_THE_FIRST_LOCK);
    // Another transfer, from `to` to `from`, may hold `to` now, and wait for `from`.
    let Some(mut to_balance) = lock_within(&to.balance, patience) else {
        return Transfer::Stuck;
    };
    move_money(&mut from_balance, &mut to_balance, amount);
    Transfer::Done
}
// ANCHOR_END: call_order

// ANCHOR: one_order
/// Locks the account with the lower number first, whichever way the money goes.
pub fn transfer_in_account_order(
    from: &Account,
    to: &Account,
    amount: u64,
    patience: Duration,
) -> Transfer {
    if from.number == to.number {
        return Transfer::Done; // one lock, taken twice, would wait for itself
    }
    let (first, second) = if from.number < to.number {
        (from, to)
    } else {
        (to, from)
    };
    let mut first_balance = lock(&first.balance);
    thread::sleep(WORK_UNDER_THE_FIRST_LOCK);
    // Whoever holds `second` got `first` before us, and has already let it go: it can finish.
    let Some(mut second_balance) = lock_within(&second.balance, patience) else {
        return Transfer::Stuck;
    };
    if from.number < to.number {
        move_money(&mut first_balance, &mut second_balance, amount);
    } else {
        move_money(&mut second_balance, &mut first_balance, amount);
    }
    Transfer::Done
}
// ANCHOR_END: one_order

/// What `rounds` rounds of two opposite transfers at once came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounds {
    /// Rounds in which at least one of the two transfers was stuck.
    pub stuck: usize,
    pub took: Duration,
    /// The two balances' sum at the end: money is neither made nor lost.
    pub total: u64,
}

/// Runs `rounds` rounds of two transfers at once between the same two accounts, a to b and b to
/// a, each made with `transfer`.
pub fn run_rounds(
    rounds: usize,
    patience: Duration,
    transfer: fn(&Account, &Account, u64, Duration) -> Transfer,
) -> Rounds {
    let (a, b) = (Account::new(1, 1_000), Account::new(2, 1_000));
    let started = Instant::now();
    let mut stuck = 0;
    for _ in 0..rounds {
        // Both transfers begin together, rather than each as soon as its thread is started.
        let together = Barrier::new(2);
        let outcomes = thread::scope(|scope| {
            let a_to_b = scope.spawn(|| {
                together.wait();
                transfer(&a, &b, 10, patience)
            });
            let b_to_a = scope.spawn(|| {
                together.wait();
                transfer(&b, &a, 20, patience)
            });
            // A transfer has nothing in it that panics; if one did, pass the panic on.
            [a_to_b, b_to_a].map(|transfer| {
                transfer
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        });
        if outcomes.contains(&Transfer::Stuck) {
            stuck += 1;
        }
    }
    Rounds {
        stuck,
        took: started.elapsed(),
        total: a.balance() + b.balance(),
    }
}

pub fn demo(rounds: usize) -> Result<()> {
    let patience = Duration::from_millis(100);
    narrate::claim(
        "Two threads that each lock two accounts, in opposite orders, get stuck whenever both \
         take their first lock before either takes its second: each waits for the lock the other \
         holds. Taking the locks in one order, by account number, never gets stuck.",
    );
    narrate::python(
        "threading.Lock has the same trap and the same cure: `with a, b:` takes a, then b, in \
         the order written, whichever way the money goes.",
    );
    narrate::code(include_str!("lock_order.rs"), "call_order");
    narrate::say(&format!(
        "{rounds} rounds, each two transfers at once (account 1 to 2, and 2 to 1), each \
         holding its first lock for {} before taking the second. A transfer that waits {} for \
         its second lock counts as stuck: with `lock()` it would wait for ever.",
        format_duration(WORK_UNDER_THE_FIRST_LOCK),
        format_duration(patience),
    ));
    let opposite = run_rounds(rounds, patience, transfer_in_call_order);
    narrate::result(
        "locks in the order of the call: rounds stuck",
        format!("{} of {rounds}", opposite.stuck),
    );
    narrate::code(include_str!("lock_order.rs"), "one_order");
    let ordered = run_rounds(rounds, patience, transfer_in_account_order);
    narrate::result(
        "locks in account order: rounds stuck",
        format!("{} of {rounds}", ordered.stuck),
    );
    narrate::result(
        "locks in account order: time per round",
        format_duration(ordered.took / u32::try_from(rounds.max(1)).unwrap_or(u32::MAX)),
    );
    narrate::result(
        "money in the two accounts afterwards",
        format!("{} (2000 at the start)", ordered.total),
    );
    narrate::say(
        "In account order, the second transfer waits at its first lock until the first \
         transfer is done, so one round takes two turns of the work. That wait is the price of \
         never deadlocking, and it is paid only when two transfers touch the same account.",
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opposite_orders_get_stuck_and_one_order_never_does() {
        let patience = Duration::from_millis(50);
        // The two threads start together and each holds its first lock for 2 ms: a round misses
        // the collision only if one thread is kept from running for that long, which ten rounds
        // in a row on a busy machine still do not manage.
        let opposite = run_rounds(10, patience, transfer_in_call_order);
        assert!(opposite.stuck >= 1, "{opposite:?}");
        let ordered = run_rounds(10, patience, transfer_in_account_order);
        assert_eq!(ordered.stuck, 0, "{ordered:?}");
        assert_eq!(ordered.total, 2_000, "no money made or lost");
    }

    #[test]
    fn a_transfer_to_the_same_account_does_not_wait_for_itself() {
        let account = Account::new(7, 100);
        let outcome = transfer_in_account_order(&account, &account, 10, Duration::ZERO);
        assert_eq!(outcome, Transfer::Done);
        assert_eq!(account.balance(), 100);
    }
}

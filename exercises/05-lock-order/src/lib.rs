//! Exercise 05 · threads · two locks, one order
//!
//! Lesson: `cargo run -p lesson-threads -- --section 6` ("Two locks: a deadlock, and one order for
//! every thread")
//!
//! A bank keeps each `Account`'s balance behind a lock of its own, so that transfers between other
//! accounts never wait for it. `transfer` moves money between two accounts: it locks the source,
//! checks that the balance covers the amount and has an `Approver` (a fraud check) approve the
//! withdrawal while the source is still locked, so that the balance approved is the one withdrawn
//! from; then it locks the destination and moves the money. Run it as a learner would, with
//! `cargo xtask check lock-order`, and read what the grader says first.
//!
//! Make transfers that can never get stuck, whatever other transfers run at the same time, and
//! that still never overdraw an account. Two more rules: a transfer from an account to itself is
//! refused with `TransferError::SameAccount`, and account numbers are unique (two `Account`s with
//! one number are the same account).
//!
//! The checks run two transfers in opposite directions between the same two accounts, whose
//! approver holds each approval until the other transfer's approval has begun too (or a fifth of a
//! second has passed); two transfers from one account that together ask for more than its balance,
//! at once; two transfers between four different accounts, which must be able to run at the same
//! time; a transfer to the same account; and thousands of transfers among three accounts on four
//! threads, whose total must not change. They cannot see *how* you avoid the deadlock. Giving up
//! on a busy lock (`try_lock`) is no answer here: the transfer must be made.
//!
//! Grade it with `cargo xtask check lock-order`; `cargo xtask hint lock-order` when stuck.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// A bank account, with its balance behind a lock of its own.
#[derive(Debug)]
pub struct Account {
    number: u32,
    balance: Mutex<u64>,
}

impl Account {
    pub fn new(number: u32, balance: u64) -> Self {
        Account {
            number,
            balance: Mutex::new(balance),
        }
    }

    pub fn number(&self) -> u32 {
        self.number
    }

    pub fn balance(&self) -> u64 {
        *lock(&self.balance)
    }
}

/// Why a transfer was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    /// From an account to itself.
    SameAccount,
    /// The source's balance does not cover the amount.
    InsufficientFunds { balance: u64, amount: u64 },
    /// The approver said no.
    Refused,
}

/// Approves withdrawals: a fraud check, say. It is asked while the source account is locked, and
/// may take a while.
pub trait Approver: Sync {
    fn approve(&self, from: u32, to: u32, amount: u64) -> bool;
}

/// Takes the lock of one balance. A thread that panicked while holding it left a whole number
/// behind, so a poisoned lock is still used.
fn lock(balance: &Mutex<u64>) -> MutexGuard<'_, u64> {
    balance.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Moves `amount` from `from` to `to`, if the balance covers it and `approver` approves.
pub fn transfer(
    from: &Account,
    to: &Account,
    amount: u64,
    approver: &impl Approver,
) -> Result<(), TransferError> {
    let mut from_balance = lock(&from.balance);
    if *from_balance < amount {
        return Err(TransferError::InsufficientFunds {
            balance: *from_balance,
            amount,
        });
    }
    if !approver.approve(from.number, to.number, amount) {
        return Err(TransferError::Refused);
    }
    // TODO: the locks are taken in the order of the call, `from` and then `to`.
    let mut to_balance = lock(&to.balance);
    *from_balance -= amount;
    *to_balance += amount;
    Ok(())
}

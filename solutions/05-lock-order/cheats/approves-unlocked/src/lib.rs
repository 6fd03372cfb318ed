//! Exercise 05 · threads · two locks, one order: a cheat (approves-unlocked).

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
    if from.number == to.number {
        return Err(TransferError::SameAccount);
    }
    // Checks the balance and lets the lock go before asking the approver, which may take a while:
    // no lock is held while waiting, so no deadlock.
    let balance = from.balance();
    if balance < amount {
        return Err(TransferError::InsufficientFunds { balance, amount });
    }
    if !approver.approve(from.number, to.number, amount) {
        return Err(TransferError::Refused);
    }
    let (first, second) = if from.number < to.number {
        (from, to)
    } else {
        (to, from)
    };
    let mut first_balance = lock(&first.balance);
    let mut second_balance = lock(&second.balance);
    let (from_balance, to_balance) = if from.number < to.number {
        (&mut *first_balance, &mut *second_balance)
    } else {
        (&mut *second_balance, &mut *first_balance)
    };
    let moved = amount.min(*from_balance);
    *from_balance -= moved;
    *to_balance += moved;
    Ok(())
}

//! Exercise 05 · threads · two locks, one order: a cheat (one-lock-for-the-bank).

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

/// One lock for the whole bank, taken before any account's: two transfers never hold account
/// locks at the same time, so they never wait for each other's.
static BANK: Mutex<()> = Mutex::new(());

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
    let _bank = BANK.lock().unwrap_or_else(PoisonError::into_inner);
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
    let mut to_balance = lock(&to.balance);
    *from_balance -= amount;
    *to_balance += amount;
    Ok(())
}

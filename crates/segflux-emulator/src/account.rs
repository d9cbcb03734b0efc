//! The emulator's account: a balance and free credits that each job reduces by its price
//! when it COMPLETES (a FAILED job costs nothing), and the affordability check a submit
//! passes. No I/O here.
//!
//! A job's price is held from its submit until it ends, so a burst of submits cannot
//! overdraw the account: a submit is refused (406) when the balance and free credits, less
//! the prices held for jobs still running, cannot cover one more job. Jobs end on a fixed
//! timeline computed on demand (see `job`), so the account is settled lazily: every read first
//! charges the jobs that ended since the last one. Free credits are spent first.

use tokio::time::Instant;

use super::job::Job;
use segflux_api::JobState;

/// The account of one emulator.
#[derive(Debug)]
pub(crate) struct Account {
    balance: f64,
    free: f64,
    /// Indices of jobs not yet terminal at the last settlement: their prices are held.
    open: Vec<usize>,
}

impl Account {
    /// An account with `balance` and `free` credits (USD).
    pub fn new(balance: f64, free: f64) -> Self {
        Self {
            balance,
            free,
            open: Vec::new(),
        }
    }

    /// Holds the price of job `index` (just created) until it ends.
    pub fn open(&mut self, index: usize) {
        self.open.push(index);
    }

    /// Charges every held job that has ended by `now`: its price if COMPLETED, nothing if
    /// FAILED. The charge is recorded on the job (its `credits_deduction`).
    pub fn settle(&mut self, jobs: &mut [Job], now: Instant) {
        let (mut balance, mut free) = (self.balance, self.free);
        self.open.retain(|&i| {
            let job = &mut jobs[i];
            let charge = match job.state_at(now) {
                JobState::Completed => job.price,
                JobState::Failed => 0.0,
                _ => return true,
            };
            let from_free = charge.min(free);
            free -= from_free;
            balance -= charge - from_free;
            job.charged = Some(charge);
            false
        });
        // Rounded to 1e-4 so the figures shown stay tidy after many jobs.
        self.balance = round4(balance);
        self.free = round4(free);
    }

    /// The balance and free credits after settling.
    pub fn credits(&mut self, jobs: &mut [Job], now: Instant) -> (f64, f64) {
        self.settle(jobs, now);
        (self.balance, self.free)
    }

    /// Whether one more job of `price` can be paid for, with the prices of the running jobs
    /// held.
    pub fn can_afford(&mut self, jobs: &mut [Job], price: f64, now: Instant) -> bool {
        self.settle(jobs, now);
        let held: f64 = self.open.iter().map(|&i| jobs[i].price).sum();
        self.balance + self.free - held + 1e-9 >= price
    }

    /// Sets the balance (a test hook), after settling what ended so far.
    pub fn set_balance(&mut self, jobs: &mut [Job], balance: f64, now: Instant) {
        self.settle(jobs, now);
        self.balance = balance;
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

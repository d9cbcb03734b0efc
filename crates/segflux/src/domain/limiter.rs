//! How many batch jobs may be in flight: at most `max`, lowered when the API rate-limits.
//!
//! Additive increase, multiplicative decrease: a 429 halves the limit (at most once a second,
//! so one burst of 429s counts once); each accepted submit adds `1 / limit`, so the limit
//! grows back by about one per round of jobs. No I/O; waiters park on a `Notify`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// An adaptive concurrency limit.
#[derive(Debug)]
pub struct Limiter {
    max: f64,
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Debug)]
struct State {
    limit: f64,
    in_flight: usize,
    peak: usize,
    lowest: f64,
    last_decrease: Option<Instant>,
}

/// A slot; dropping it frees the slot.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a Limiter,
}

impl Limiter {
    /// A limiter allowing `max` (≥ 1) at once.
    pub fn new(max: usize) -> Self {
        #[expect(clippy::cast_precision_loss, reason = "limits are small")]
        let max = max.max(1) as f64;
        Self {
            max,
            state: Mutex::new(State {
                limit: max,
                in_flight: 0,
                peak: 0,
                lowest: max,
                last_decrease: None,
            }),
            changed: Notify::new(),
        }
    }

    /// Waits for a free slot.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            // Registered before the check, so a release between check and await is not missed.
            let changed = self.changed.notified();
            if let Ok(mut s) = self.state.lock()
                && s.in_flight < whole(s.limit)
            {
                s.in_flight += 1;
                s.peak = s.peak.max(s.in_flight);
                return Permit { limiter: self };
            }
            changed.await;
        }
    }

    /// The API answered 429: halve the limit (once per second at most).
    pub fn throttled(&self) {
        if let Ok(mut s) = self.state.lock() {
            let now = Instant::now();
            if s.last_decrease
                .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1))
            {
                s.limit = (s.limit / 2.0).max(1.0);
                s.lowest = s.lowest.min(s.limit);
                s.last_decrease = Some(now);
            }
        }
    }

    /// A submit was accepted: grow the limit by `1 / limit`, up to the maximum.
    pub fn accepted(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.limit = (s.limit + 1.0 / s.limit).min(self.max);
        }
        self.changed.notify_waiters();
    }

    /// The current limit (whole slots).
    pub fn limit(&self) -> usize {
        self.state.lock().map_or(1, |s| whole(s.limit))
    }

    /// The lowest the limit went.
    pub fn lowest(&self) -> usize {
        self.state.lock().map_or(1, |s| whole(s.lowest))
    }

    /// The most slots ever taken at once.
    #[cfg(test)]
    pub fn peak(&self) -> usize {
        self.state.lock().map_or(0, |s| s.peak)
    }
}

/// The whole slots of a limit (the limit stays within 1..=max).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "1..=max, small"
)]
fn whole(limit: f64) -> usize {
    limit.floor() as usize
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.limiter.state.lock() {
            s.in_flight = s.in_flight.saturating_sub(1);
        }
        self.limiter.changed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_on_429_once_per_burst_and_grows_back_additively() {
        let l = Limiter::new(16);
        assert_eq!(l.limit(), 16);
        l.throttled();
        l.throttled();
        assert_eq!(l.limit(), 8, "a burst counts once");
        assert_eq!(l.lowest(), 8);
        for _ in 0..9 {
            l.accepted();
        }
        assert_eq!(l.limit(), 9, "about one more per round of jobs");
        for _ in 0..1000 {
            l.accepted();
        }
        assert_eq!(l.limit(), 16, "never above the maximum");
    }

    #[tokio::test]
    async fn never_more_in_flight_than_the_limit() {
        let l = Limiter::new(2);
        let a = l.acquire().await;
        let _b = l.acquire().await;
        let third = tokio::time::timeout(Duration::from_millis(50), l.acquire()).await;
        assert!(third.is_err(), "a third slot was granted");
        drop(a);
        let third = tokio::time::timeout(Duration::from_millis(50), l.acquire()).await;
        assert!(third.is_ok());
        assert_eq!(l.peak(), 2);
    }
}

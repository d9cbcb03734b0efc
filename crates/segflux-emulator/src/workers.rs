//! The worker schedule: when a new job gets a worker and how long it keeps it, and the most
//! jobs that were on workers at once. No I/O here.
//!
//! Scheduling happens once, at submit: with a capacity, a min-heap of the instants each
//! worker is free again gives a new job the earliest worker (first come, first served). A
//! job that never finishes holds its worker for good.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use tokio::time::Instant;

use super::EmulatorConfig;

/// The workers of an emulator, as far as scheduling needs to know them.
#[derive(Debug, Default)]
pub(crate) struct Workers {
    /// When each busy-or-used worker is free again (only with a capacity).
    busy_until: BinaryHeap<Reverse<Instant>>,
    /// Workers taken by jobs that never finish.
    held_forever: usize,
}

impl Workers {
    /// When a job ready at `ready` gets a worker, taking that worker for `busy` (`None`:
    /// for good). `None` if no worker will ever be free.
    pub fn reserve(
        &mut self,
        capacity: Option<usize>,
        ready: Instant,
        busy: Option<Duration>,
    ) -> Option<Instant> {
        let Some(capacity) = capacity else {
            return Some(ready);
        };
        let start = if self.busy_until.len() + self.held_forever < capacity {
            ready
        } else {
            let Reverse(free) = self.busy_until.pop()?;
            free.max(ready)
        };
        match busy {
            Some(busy) => self.busy_until.push(Reverse(start + busy)),
            None => self.held_forever += 1,
        }
        Some(start)
    }
}

/// How long a job with `seed` spends PROCESSING: the configured time plus its share of the
/// spread, fixed by the seed.
pub(crate) fn processing_time(config: &EmulatorConfig, seed: u64) -> Duration {
    config.processing + config.processing_spread.mul_f64(spread_fraction(seed))
}

/// A fraction in `[0, 1)` fixed by the seed (Fibonacci hashing, so close seeds spread out).
fn spread_fraction(seed: u64) -> f64 {
    let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
    #[expect(clippy::cast_precision_loss, reason = "53 bits fit an f64 exactly")]
    let (x, scale) = (mixed as f64, (1u64 << 53) as f64);
    x / scale
}

/// The most of the (start, end) `spans` that overlap at any instant.
pub(crate) fn peak_overlap(spans: impl Iterator<Item = (Instant, Instant)>) -> usize {
    let mut events: Vec<(Instant, i64)> = Vec::new();
    for (start, end) in spans {
        events.push((start, 1));
        events.push((end, -1));
    }
    // At equal instants an end comes before a start: a worker freed at t serves a job
    // starting at t.
    events.sort_unstable();
    let (mut running, mut peak) = (0i64, 0i64);
    for (_, delta) in events {
        running += delta;
        peak = peak.max(running);
    }
    usize::try_from(peak).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn spread_fractions_are_fixed_per_seed_and_spread_out() {
        let f: Vec<f64> = (0..8).map(super::spread_fraction).collect();
        assert!(f.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(super::spread_fraction(5).to_bits() == f[5].to_bits());
        let (lo, hi) = f
            .iter()
            .fold((1.0f64, 0.0f64), |(l, h), x| (l.min(*x), h.max(*x)));
        assert!(hi - lo > 0.5, "{f:?}");
    }
}

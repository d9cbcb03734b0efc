//! A batch's progress against rate limits: when the API has answered its submits with 429
//! and accepted none for `--timeout`, the batch stops submitting (cli.md, "Bounded
//! everything": exit 8, the rest `NOT_SUBMITTED`) instead of retrying for hours.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// When a submit was last accepted, and whether one was rate-limited since.
#[derive(Debug)]
pub(crate) struct Stall {
    timeout: Duration,
    last_accepted: Mutex<Instant>,
    limited: AtomicBool,
}

impl Stall {
    /// Counts from now; `timeout` of 429s with nothing accepted is a stall.
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            last_accepted: Mutex::new(Instant::now()),
            limited: AtomicBool::new(false),
        }
    }

    /// A submit was accepted: progress.
    pub(crate) fn accepted(&self) {
        if let Ok(mut last) = self.last_accepted.lock() {
            *last = Instant::now();
        }
        self.limited.store(false, Ordering::SeqCst);
    }

    /// A submit was answered 429.
    pub(crate) fn rate_limited(&self) {
        self.limited.store(true, Ordering::SeqCst);
    }

    /// Why the batch should stop submitting, when submits were rate-limited and none was
    /// accepted for `timeout`.
    pub(crate) fn stalled(&self) -> Option<String> {
        let since = self.last_accepted.lock().ok()?.elapsed();
        (self.limited.load(Ordering::SeqCst) && since >= self.timeout).then(|| {
            format!(
                "the API rate-limited submits (429) and accepted none for {} s (--timeout); the batch stopped submitting",
                since.as_secs()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stall_needs_both_429s_and_the_timeout() {
        let s = Stall::new(Duration::ZERO);
        assert_eq!(s.stalled(), None, "no 429 yet");
        s.rate_limited();
        assert!(s.stalled().is_some());
        s.accepted();
        assert_eq!(s.stalled(), None, "progress clears it");
        let patient = Stall::new(Duration::from_hours(1));
        patient.rate_limited();
        assert_eq!(patient.stalled(), None, "not for --timeout yet");
    }
}

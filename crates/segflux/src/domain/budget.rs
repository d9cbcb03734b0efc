//! What a batch spends while it runs (cli.md, "Spend"): the known cost of the jobs that ended,
//! the estimates of the jobs in flight, and `--max-cost` held against both before each submit.
//!
//! Every fresh submit is admitted here first and settled when its job ends. With a cap, a
//! submit is refused once known cost + estimates in flight + its own estimate would pass the
//! cap; from then on nothing more is submitted. A job of a model with no estimate yet runs
//! alone first (the other jobs of unknown price wait for it) to learn the price; when even
//! that job leaves the price unknown, the cap cannot be held and the batch stops submitting.
//! Without a cap, only the total is kept, for the summary.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::OwnedMutexGuard;

use crate::domain::spend::{Estimates, usd};

/// Slack for float sums (a cap of $0.18 admits three $0.06 jobs).
const EPS: f64 = 1e-9;

/// The batch's spending.
pub(crate) struct Budget {
    cap: Option<f64>,
    inner: Mutex<Inner>,
    /// Held by the one job that is learning a price.
    probe: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct Inner {
    estimates: Estimates,
    /// Known costs of the jobs that ended.
    known: f64,
    /// Jobs paid for whose cost is unknown.
    unknown: usize,
    /// What those are counted as against the cap: their estimates.
    unknown_estimated: f64,
    /// Estimates of the jobs submitted and not ended.
    in_flight: f64,
    /// Models whose price a job already tried to learn.
    probed: HashSet<String>,
}

/// An admitted submit; give it back to [`Budget::settle`] when the job ends.
pub(crate) struct Admission {
    model: String,
    estimate: Option<f64>,
    /// Held while this job learns its model's price; released when it settles.
    probe: Option<OwnedMutexGuard<()>>,
}

/// How a job ended, for the budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Spent {
    /// The API said what it cost (a FAILED job or a refused submit: 0).
    Known(f64),
    /// Paid for, cost not known.
    Unknown,
}

impl Admission {
    /// Whether this job runs to learn its model's price.
    pub(crate) fn learning(&self) -> bool {
        self.probe.is_some()
    }
}

impl Budget {
    /// A budget held to `cap` (none: only counted).
    pub(crate) fn new(cap: Option<f64>) -> Self {
        Self {
            cap,
            inner: Mutex::new(Inner::default()),
            probe: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Admits one submit of `model`, or says why it must not be sent.
    pub(crate) async fn admit(&self, model: &str) -> Result<Admission, String> {
        let Some(cap) = self.cap else {
            let estimate = self.lock().estimates.get(model).map(|e| e.usd);
            return Ok(self.hold(model, estimate, None));
        };
        let known = self.lock().estimates.get(model);
        if let Some(e) = known {
            return self.within(cap, model, e.usd);
        }
        // No price yet: one job of unknown price at a time, to learn it.
        let guard = Arc::clone(&self.probe).lock_owned().await;
        let mut inner = self.lock();
        if let Some(e) = inner.estimates.get(model) {
            drop(inner);
            return self.within(cap, model, e.usd);
        }
        if !inner.probed.insert(model.to_owned()) {
            return Err(format!(
                "the cost of a {model} image is still unknown after one job, so the batch cannot be held to --max-cost {}",
                usd(cap)
            ));
        }
        drop(inner);
        Ok(self.hold(model, None, Some(guard)))
    }

    /// Admits a job of estimate `e` if it fits under `cap`.
    fn within(&self, cap: f64, model: &str, e: f64) -> Result<Admission, String> {
        let inner = self.lock();
        let committed = inner.known + inner.unknown_estimated + inner.in_flight;
        if committed + e > cap + EPS {
            return Err(format!(
                "{} spent or in flight, and one more image ≈ {} would pass --max-cost {}",
                usd(committed),
                usd(e),
                usd(cap)
            ));
        }
        drop(inner);
        Ok(self.hold(model, Some(e), None))
    }

    fn hold(
        &self,
        model: &str,
        estimate: Option<f64>,
        probe: Option<OwnedMutexGuard<()>>,
    ) -> Admission {
        self.lock().in_flight += estimate.unwrap_or(0.0);
        Admission {
            model: model.to_owned(),
            estimate,
            probe,
        }
    }

    /// Ends an admitted job: its estimate leaves the flight, what it cost is counted, and a
    /// known cost of a completed job becomes the model's estimate.
    pub(crate) fn settle(&self, ticket: Admission, spent: Spent, completed: bool) {
        let mut inner = self.lock();
        let estimate = ticket.estimate.unwrap_or(0.0);
        inner.in_flight = (inner.in_flight - estimate).max(0.0);
        match spent {
            Spent::Known(c) => {
                inner.known += c;
                if completed {
                    inner.estimates.learn(&ticket.model, c);
                }
            }
            Spent::Unknown => {
                inner.unknown += 1;
                inner.unknown_estimated += estimate;
            }
        }
        drop(inner);
        // Only now may the next job of an unknown price go: the price is learnt (or not).
        drop(ticket);
    }

    /// A cost learnt after the batch (from the request history) for a job counted unknown.
    pub(crate) fn resolve(&self, cost: f64) {
        let mut inner = self.lock();
        inner.unknown = inner.unknown.saturating_sub(1);
        inner.known += cost;
    }

    /// The summary's words: `cost $0.18`, `cost $0.12 + 1 job of unknown cost`.
    pub(crate) fn summary(&self) -> String {
        let inner = self.lock();
        match inner.unknown {
            0 => format!("cost {}", usd(inner.known)),
            n => format!(
                "cost {} + {n} job{} of unknown cost",
                usd(inner.known),
                if n == 1 { "" } else { "s" }
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_cap_admits_what_fits_with_the_flight_counted() {
        let b = Budget::new(Some(0.18));
        b.lock().estimates.learn("m", 0.06);
        let t1 = b.admit("m").await.unwrap();
        let t2 = b.admit("m").await.unwrap();
        let t3 = b.admit("m").await.unwrap();
        let refused = b.admit("m").await.err().unwrap();
        assert!(refused.contains("$0.18 spent or in flight"), "{refused}");
        // A job that turns out cheaper frees room.
        b.settle(t1, Spent::Known(0.03), true);
        b.settle(t2, Spent::Known(0.0), false);
        assert!(b.admit("m").await.is_ok());
        b.settle(t3, Spent::Unknown, true);
        assert_eq!(b.summary(), "cost $0.03 + 1 job of unknown cost");
    }

    #[tokio::test]
    async fn an_unknown_price_is_learnt_from_one_job_first() {
        let b = Arc::new(Budget::new(Some(1.0)));
        let probe = b.admit("new-model").await.unwrap();
        let waiting = {
            let b = Arc::clone(&b);
            tokio::spawn(async move { b.admit("new-model").await.map(|t| t.estimate) })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "a second job waits for the price");
        b.settle(probe, Spent::Known(0.25), true);
        assert_eq!(waiting.await.unwrap().unwrap(), Some(0.25));
    }

    #[tokio::test]
    async fn a_price_still_unknown_after_one_job_stops_a_capped_batch() {
        let b = Budget::new(Some(1.0));
        let probe = b.admit("new-model").await.unwrap();
        b.settle(probe, Spent::Unknown, true);
        let e = b.admit("new-model").await.err().unwrap();
        assert!(e.contains("still unknown after one job"), "{e}");
        let uncapped = Budget::new(None);
        assert!(uncapped.admit("new-model").await.is_ok());
    }
}

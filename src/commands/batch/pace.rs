//! Pacing a batch: the poll schedule it learns from its own jobs, and the feedback that lowers
//! its concurrency when the API rate-limits submits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::api::JobState;
use crate::history::History;
use crate::limiter::Limiter;
use crate::printer::Printer;
use crate::report::Reporter;
use crate::wait::PollSchedule;

use super::super::{Context, SCHEDULE_SAMPLES};

/// Finish and inference times per model, newest first: read from the history once, then
/// learnt from each job of the batch as it ends, so the polls tighten after the first jobs
/// without rescanning the history for every job.
pub(super) struct Learner {
    times: Mutex<HashMap<String, Samples>>,
}

/// A model's finish times and inference times, seconds, newest first.
type Samples = (Vec<f64>, Vec<f64>);

impl Learner {
    pub(super) fn seed<'m>(models: impl Iterator<Item = &'m str>) -> Self {
        let history = History::open();
        let mut times = HashMap::new();
        for model in models {
            if times.contains_key(model) {
                continue;
            }
            let seeded = history.as_ref().map_or_else(Default::default, |h| {
                h.recent_samples(model, SCHEDULE_SAMPLES)
            });
            times.insert(model.to_owned(), seeded);
        }
        Self {
            times: Mutex::new(times),
        }
    }

    pub(super) fn schedule(&self, ctx: &Context, model: &str) -> PollSchedule {
        if let Some(interval) = ctx.settings.poll_override {
            return PollSchedule::fixed(interval);
        }
        let times = self.times.lock().ok();
        let learnt = times
            .as_ref()
            .and_then(|t| t.get(model))
            .and_then(|(finish, inference)| PollSchedule::learnt(finish, inference));
        learnt.map_or_else(PollSchedule::cold, PollSchedule::eager)
    }

    pub(super) fn learn(&self, model: &str, finished_after: Option<f64>, inference: Option<f64>) {
        let Ok(mut times) = self.times.lock() else {
            return;
        };
        let (finish, inferences) = times.entry(model.to_owned()).or_default();
        for (list, value) in [(finish, finished_after), (inferences, inference)] {
            if let Some(v) = value {
                list.insert(0, v);
                list.truncate(SCHEDULE_SAMPLES);
            }
        }
    }
}

/// Passes HTTP events to the printer, and tells the limiter when a submit was rate-limited.
pub(super) struct Throttle {
    pub(super) inner: Arc<Printer>,
    pub(super) limiter: Arc<Limiter>,
}

impl Reporter for Throttle {
    fn state(&self, id: &str, state: &JobState, elapsed: Duration) {
        self.inner.state(id, state, elapsed);
    }
    fn http(&self, line: &str) {
        self.inner.http(line);
    }
    fn retry(&self, what: &str, reason: &str, delay: Duration) {
        if what == "submit" && reason.contains("HTTP 429") {
            self.limiter.throttled();
        }
        self.inner.retry(what, reason, delay);
    }
}

//! Pacing a batch: the poll schedule it learns from its own jobs (asked again before every
//! poll, so a job still waiting profits from the jobs that finished meanwhile), and the
//! feedback that lowers its concurrency when the API rate-limits submits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::domain::limiter::Limiter;
use crate::domain::progress::{CallKind, Reporter, Retry};
use crate::job::poll::PollSchedule;
use crate::journal::Journal;
use crate::ui::printer::Printer;
use segflux_api::JobState;

use crate::job::Context;
use crate::job::SCHEDULE_SAMPLES;

/// Finish and inference times per model, newest first: read from the history once, then
/// learnt from each job of the batch as it ends, so the polls tighten after the first jobs
/// without rescanning the history for every job.
pub(crate) struct Learner {
    models: Mutex<HashMap<String, Samples>>,
}

/// A model's finish times and inference times (seconds, newest first), and the schedule
/// they teach, computed once per change (it is asked before every poll).
#[derive(Default)]
struct Samples {
    finish: Vec<f64>,
    inference: Vec<f64>,
    schedule: Option<PollSchedule>,
}

impl Samples {
    fn schedule(&mut self) -> PollSchedule {
        *self.schedule.get_or_insert_with(|| {
            PollSchedule::learnt(&self.finish, &self.inference)
                .map_or_else(PollSchedule::warming, PollSchedule::eager)
        })
    }
}

impl Learner {
    pub(crate) fn seed<'m>(
        history: Option<&Journal>,
        models: impl Iterator<Item = &'m str>,
    ) -> Self {
        let mut seeded = HashMap::new();
        for model in models {
            if seeded.contains_key(model) {
                continue;
            }
            let (finish, inference) = history.map_or_else(Default::default, |h| {
                h.recent_samples(model, SCHEDULE_SAMPLES)
            });
            let samples = Samples {
                finish,
                inference,
                schedule: None,
            };
            seeded.insert(model.to_owned(), samples);
        }
        Self {
            models: Mutex::new(seeded),
        }
    }

    /// The schedule for the next poll of a job of `model`: learnt and eager once three of its
    /// jobs are known, else warming up (see [`PollSchedule::warming`]).
    pub(crate) fn schedule(&self, ctx: &Context, model: &str) -> PollSchedule {
        if let Some(interval) = ctx.settings.poll_override {
            return PollSchedule::fixed(interval);
        }
        match self.models.lock() {
            Ok(mut models) => models.entry(model.to_owned()).or_default().schedule(),
            Err(_) => PollSchedule::warming(),
        }
    }

    pub(crate) fn learn(&self, model: &str, finished_after: Option<f64>, inference: Option<f64>) {
        let Ok(mut models) = self.models.lock() else {
            return;
        };
        let samples = models.entry(model.to_owned()).or_default();
        for (list, value) in [
            (&mut samples.finish, finished_after),
            (&mut samples.inference, inference),
        ] {
            if let Some(v) = value {
                list.insert(0, v);
                list.truncate(SCHEDULE_SAMPLES);
            }
        }
        samples.schedule = None;
    }
}

/// Passes HTTP events to the printer, and tells the limiter (and the stall watch) when a
/// submit was rate-limited.
pub(crate) struct Throttle {
    pub(crate) inner: Arc<Printer>,
    pub(crate) limiter: Arc<Limiter>,
    pub(crate) stall: Arc<super::stall::Stall>,
}

impl Reporter for Throttle {
    fn state(&self, id: &str, state: &JobState, elapsed: Duration) {
        self.inner.state(id, state, elapsed);
    }
    fn http(&self, line: &str) {
        self.inner.http(line);
    }
    fn retry(&self, e: &Retry<'_>) {
        if e.call == CallKind::Submit && e.rate_limited() {
            self.limiter.throttled();
            self.stall.rate_limited();
        }
        self.inner.retry(e);
    }
}

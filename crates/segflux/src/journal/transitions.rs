//! The named transitions of a journaled job after its submit (the write-ahead claim and its
//! adoption are in `claim.rs`): seen in a state, completed, failed, written, costed. Each is
//! one transaction and returns whether it was recorded; callers tell the user when it was
//! not (`job::Context::journaled`), never drop the result.

use std::io;

use super::Journal;
use crate::domain::state::State;

/// What a COMPLETED job left to record.
#[derive(Debug, Clone, Default)]
pub struct Completion {
    /// The image's URL, when the result named one (an inline image has none).
    pub output_url: Option<String>,
    /// The server's inference time, seconds.
    pub inference_time: Option<f64>,
    /// The cost, USD, when the result said.
    pub cost: Option<f64>,
    /// How long after its submit the job was first seen finished, seconds.
    pub finished_after: Option<f64>,
}

impl Journal {
    /// The job was seen in `state` (a poll or a status read), with the server's error text
    /// and inference time when it gave them.
    pub fn seen(
        &self,
        id: &str,
        state: State,
        error: Option<String>,
        inference_time: Option<f64>,
    ) -> io::Result<()> {
        self.update(id, |r| {
            r.state = state;
            r.error = error;
            r.inference_time = inference_time.or(r.inference_time);
        })
    }

    /// The job COMPLETED; what is not known now keeps what was known before.
    pub fn completed(&self, id: &str, done: Completion) -> io::Result<()> {
        self.update(id, |r| {
            r.state = State::Completed;
            r.output_url = done.output_url.or(r.output_url.take());
            r.inference_time = done.inference_time.or(r.inference_time);
            r.cost = done.cost.or(r.cost);
            r.finished_after = done.finished_after.or(r.finished_after);
        })
    }

    /// The job FAILED with this error text.
    pub fn failed(&self, id: &str, error: String) -> io::Result<()> {
        self.update(id, |r| {
            r.state = State::Failed;
            r.error = Some(error);
        })
    }

    /// The job's image was written to `path`.
    pub fn written(&self, id: &str, path: String) -> io::Result<()> {
        self.update(id, |r| r.path = Some(path))
    }

    /// What the job cost, USD, as learnt after it ended.
    pub fn costed(&self, id: &str, usd: f64) -> io::Result<()> {
        self.set_cost(id, usd)
    }
}

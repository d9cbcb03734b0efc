//! Waiting for a submitted job in the single-job commands: the spinner from the state last
//! seen, the poll schedule the run learnt for the model, and FAILED turned into the exit-5
//! error with the server's text in the journal.

use std::time::{Duration, Instant};

use crate::client::Client;
use crate::domain::progress::{Reporter, Retry};
use crate::error::{Error, Result};
use crate::job::poll;
use crate::journal::JobRecord;
use segflux_api::JobState;

use super::Context;

/// When the job was submitted: from its history entry, else (unknown) now.
pub fn submitted_at(rec: Option<&JobRecord>) -> Instant {
    let now = Instant::now();
    rec.and_then(|r| now.checked_sub(r.age())).unwrap_or(now)
}

/// Waits for a job with the spinner until it is terminal (or the deadline). `model` (when
/// known) picks the history the poll schedule learns from; `since` is the submission;
/// `known` is the state the job was last seen in (QUEUED right after a submit), shown first.
pub async fn wait_with_spinner(
    ctx: &Context,
    client: &Client,
    id: &str,
    model: Option<&str>,
    since: Instant,
    known: &segflux_api::JobState,
) -> Result<poll::Finished> {
    let p = &ctx.printer;
    // A job fetched or watched (not submitted by this run) is in flight too while it is
    // waited on: an interrupt names it, and its `--json` line says the state last seen.
    let watched = !ctx.submitted_ids().iter().any(|s| s == id);
    if watched {
        ctx.record_submit(id);
    }
    p.start_spinner(id);
    let tracked = Tracked {
        ctx,
        inner: p.as_ref(),
    };
    tracked.state(id, known, since.elapsed());
    let waited = poll::wait_for(
        client,
        id,
        since,
        ctx.settings.deadline(),
        ctx.schedule(model),
        &tracked,
    )
    .await;
    p.stop_spinner();
    if watched {
        ctx.record_done(id);
    }
    waited
}

/// Waits for a job with the spinner; FAILED becomes the exit-5 error.
pub async fn wait_completed(
    ctx: &Context,
    client: &Client,
    id: &str,
    model: Option<&str>,
    since: Instant,
    known: &segflux_api::JobState,
) -> Result<poll::Finished> {
    let finished = wait_with_spinner(ctx, client, id, model, since, known).await?;
    into_completed(ctx, id, finished)
}

/// A finished job as it is, or FAILED as the exit-5 error (recorded in the history with the
/// server's text).
pub fn into_completed(ctx: &Context, id: &str, finished: poll::Finished) -> Result<poll::Finished> {
    if finished.status.state() != segflux_api::JobState::Failed {
        return Ok(finished);
    }
    let text = poll::failure_text(&finished.status);
    if let Some(h) = ctx.journal() {
        ctx.journaled("the failure", id, h.failed(id, text.clone()));
    }
    Err(Error::job_failed(text))
}

/// A reporter that also keeps the state each job was last seen in
/// ([`Context::last_state`]), for the report of a wait that ends without an answer.
pub struct Tracked<'a> {
    /// Where the states are kept.
    pub ctx: &'a Context,
    /// Where the progress goes.
    pub inner: &'a dyn Reporter,
}

impl Reporter for Tracked<'_> {
    fn state(&self, request_id: &str, state: &JobState, elapsed: Duration) {
        self.ctx.record_state(request_id, state);
        self.inner.state(request_id, state, elapsed);
    }

    fn http(&self, line: &str) {
        self.inner.http(line);
    }

    fn retry(&self, e: &Retry<'_>) {
        self.inner.retry(e);
    }
}

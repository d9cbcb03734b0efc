//! Waiting for a submitted job in the single-job commands: the spinner from the state last
//! seen, the poll schedule the run learnt for the model, and FAILED turned into the exit-5
//! error with the server's text in the journal.

use std::time::Instant;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::job::poll;
use crate::journal::JobRecord;

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
    p.start_spinner(id);
    crate::domain::progress::Reporter::state(p.as_ref(), id, known, since.elapsed());
    let waited = poll::wait_for(
        client,
        id,
        since,
        ctx.settings.deadline(),
        ctx.schedule(model),
        p.as_ref(),
    )
    .await;
    p.stop_spinner();
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

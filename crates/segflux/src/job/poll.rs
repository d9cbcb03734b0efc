//! Waiting for a job: poll its status on an adaptive schedule until COMPLETED, FAILED, an
//! unknown state, or the deadline. State changes go to the [`Reporter`].
//!
//! The schedule ([`PollSchedule`], in `domain/poll_schedule.rs`; documented in the README, "How
//! segflux polls") polls sparsely while the job cannot be done yet and densely in the window
//! where it is likely to finish, so the image lands soon after the server finishes; and it
//! spends on average no more requests than a fixed 1 s poll (Segmind's SDK) would. The loop
//! runs on tokio's clock, so its tests run on a paused one.

use std::time::{Duration, Instant};

use tokio::time::Instant as TokioInstant;

pub use crate::domain::poll_schedule::PollSchedule;

use crate::client::Client;
use crate::domain::progress::Reporter;
use crate::error::{Error, Result};
use segflux_api::{JobState, StatusResponse};

/// A job's terminal status, and when it finished as seen from here.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The terminal status body (COMPLETED or FAILED).
    pub status: StatusResponse,
    /// Time from submission to the terminal state, estimated as the midpoint between the
    /// sending of the last poll that saw the job unfinished and the answer of the first that
    /// saw it finished; `None` when no poll of this wait saw it unfinished. The history keeps
    /// it, and the next job's schedule learns from it.
    pub finished_after: Option<Duration>,
}

/// Polls `request_id` (submitted at `submitted`) until it is terminal or `deadline` passes.
pub async fn wait_for(
    client: &Client,
    request_id: &str,
    submitted: Instant,
    deadline: Instant,
    schedule: PollSchedule,
    reporter: &dyn Reporter,
) -> Result<Finished> {
    wait_learning(
        client,
        request_id,
        submitted,
        deadline,
        &|| schedule,
        reporter,
    )
    .await
}

/// [`wait_for`] with a schedule asked anew before every poll, so a job of a batch polls on
/// what the batch's jobs finished meanwhile have taught.
pub async fn wait_learning(
    client: &Client,
    request_id: &str,
    submitted: Instant,
    deadline: Instant,
    schedule: &(dyn Fn() -> PollSchedule + Sync),
    reporter: &dyn Reporter,
) -> Result<Finished> {
    let poll = || async {
        client
            .status(request_id)
            .await
            .map_err(|e| expired_message(e, request_id))
    };
    let report = |state: &JobState, elapsed| reporter.state(request_id, state, elapsed);
    let (submitted, deadline) = (
        TokioInstant::from_std(submitted),
        TokioInstant::from_std(deadline),
    );
    poll_until(poll, submitted, deadline, schedule, report).await
}

/// The waiting loop: `poll` asks the status; the schedule, asked before each wait, picks
/// the delay (moved later while the job is QUEUED, see [`PollSchedule::queued_at`]); state
/// changes go to the `Reporter`. On tokio's clock, so tests run it on a paused one.
async fn poll_until<F, Fut>(
    mut poll: F,
    submitted: TokioInstant,
    deadline: TokioInstant,
    schedule: &(dyn Fn() -> PollSchedule + Sync),
    report: impl Fn(&JobState, Duration),
) -> Result<Finished>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<StatusResponse>>,
{
    let mut last: Option<JobState> = None;
    let mut unfinished_at: Option<Duration> = None;
    let mut queued_at: Option<Duration> = None;
    let current = |queued: Option<Duration>| {
        let s = schedule();
        queued.map_or(s, |at| s.queued_at(at))
    };
    let mut delay = current(None).first(submitted.elapsed());
    let mut polled = false;
    loop {
        let now = TokioInstant::now();
        if polled && now >= deadline {
            return Err(timed_out(submitted, deadline));
        }
        let delay_now = delay.min(deadline.saturating_duration_since(now));
        if !delay_now.is_zero() {
            tokio::time::sleep(delay_now).await;
        }
        polled = true;
        let sent = submitted.elapsed();
        let status = poll().await?;
        let state = status.state();
        if last.as_ref() != Some(&state) {
            report(&state, submitted.elapsed());
            last = Some(state.clone());
        }
        match state {
            JobState::Completed | JobState::Failed => {
                let seen = submitted.elapsed();
                return Ok(Finished {
                    status,
                    finished_after: unfinished_at.map(|before| (before + seen) / 2),
                });
            }
            JobState::Unknown(s) => return Err(Error::UnknownState(s)),
            JobState::Queued => {
                unfinished_at = Some(sent);
                queued_at = Some(sent);
            }
            JobState::Processing => unfinished_at = Some(sent),
        }
        delay = current(queued_at).next(submitted.elapsed());
    }
}

/// The exit-6 error of a wait that reached `deadline`, in whole seconds rounded up:
/// `--timeout 10` counts from the start of the run, a little before the submit, and must not
/// read "gave up after 9 s".
fn timed_out(submitted: TokioInstant, deadline: TokioInstant) -> Error {
    let waited = deadline.saturating_duration_since(submitted);
    let secs = waited.as_secs() + u64::from(waited.subsec_nanos() > 0);
    Error::Timeout(secs.max(1))
}

/// A 404 on a request is "unknown or expired"; say so in the words the user needs.
pub fn expired_message(e: Error, request_id: &str) -> Error {
    match e {
        Error::NotFound(detail) => Error::NotFound(format!(
            "request {request_id} was not found: it is unknown or expired (results are kept for 1 hour after submission; {detail})"
        )),
        other => other,
    }
}

/// The server's error text of a FAILED status body.
pub fn failure_text(status: &StatusResponse) -> String {
    status.error_text().map_or_else(
        || "the server gave no reason".to_owned(),
        |t| crate::domain::redact::plain_text(&t).into_owned(),
    )
}

#[cfg(test)]
#[path = "poll/tests.rs"]
mod tests;

//! Waiting for a job: poll its status on an adaptive schedule until COMPLETED, FAILED, an
//! unknown state, or the deadline. State changes go to the [`Reporter`].
//!
//! The schedule (documented in the README, "How segflux polls") polls sparsely while the job
//! cannot be done yet and densely around the time it is expected to finish, so the image
//! lands soon after the server finishes without spending more requests than a fixed 1 s poll.

use std::time::{Duration, Instant};

use crate::api::{JobState, StatusResponse};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::report::Reporter;

/// The interval between two status polls, as a function of the time since submission.
#[derive(Debug, Clone, Copy)]
pub struct PollSchedule {
    /// When the job is expected to be done, counted from submission.
    pub expected: Duration,
    /// The shortest interval.
    pub floor: Duration,
    /// The longest interval.
    pub ceiling: Duration,
}

impl PollSchedule {
    /// The model page's typical time for flux-1.1-pro-ultra.
    pub const TYPICAL: Duration = Duration::from_secs(14);

    /// A schedule expecting the job to take `expected`.
    pub fn new(expected: Duration) -> Self {
        Self {
            expected,
            floor: Duration::from_millis(250),
            ceiling: Duration::from_secs(2),
        }
    }

    /// A fixed interval (the test-only `SEGFLUX_TEST_POLL_MS`).
    pub fn fixed(interval: Duration) -> Self {
        Self {
            expected: Duration::ZERO,
            floor: interval,
            ceiling: interval,
        }
    }

    /// The wait before the next poll. Before the expected finish: half the remaining time,
    /// within floor..ceiling. After it: the floor, growing ×1.5 per second of overrun, up to
    /// the ceiling.
    pub fn next(&self, elapsed: Duration) -> Duration {
        let interval = if elapsed < self.expected {
            self.expected.saturating_sub(elapsed) / 2
        } else {
            let over = elapsed.saturating_sub(self.expected).as_secs_f64();
            self.floor.mul_f64(1.5f64.powf(over))
        };
        interval.clamp(self.floor, self.ceiling)
    }
}

/// Polls `request_id` (submitted at `submitted`) until it is terminal or `deadline` passes.
/// Returns the terminal status body (COMPLETED or FAILED).
pub async fn wait_for(
    client: &Client,
    request_id: &str,
    submitted: Instant,
    deadline: Instant,
    schedule: PollSchedule,
    reporter: &dyn Reporter,
) -> Result<StatusResponse> {
    let mut last: Option<JobState> = None;
    loop {
        let status = client
            .status(request_id)
            .await
            .map_err(|e| expired_message(e, request_id))?;
        let state = status.state();
        if last.as_ref() != Some(&state) {
            reporter.state(request_id, &state, submitted.elapsed());
            last = Some(state.clone());
        }
        match state {
            JobState::Completed | JobState::Failed => return Ok(status),
            JobState::Unknown(s) => return Err(Error::UnknownState(s)),
            JobState::Queued | JobState::Processing => {}
        }
        let now = Instant::now();
        if now >= deadline {
            let waited = deadline.saturating_duration_since(submitted).as_secs();
            return Err(Error::Timeout(waited.max(1)));
        }
        let delay = schedule.next(submitted.elapsed());
        tokio::time::sleep(delay.min(deadline - now)).await;
    }
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
    status
        .error_text()
        .unwrap_or_else(|| "the server gave no reason".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn sparse_early_dense_near_the_expected_finish() {
        let s = PollSchedule::new(Duration::from_secs(14));
        assert_eq!(s.next(Duration::ZERO), Duration::from_secs(2));
        assert_eq!(s.next(Duration::from_secs(12)), Duration::from_secs(1));
        assert_eq!(s.next(ms(13_600)), ms(250));
        assert_eq!(s.next(Duration::from_secs(14)), ms(250));
        assert!(s.next(Duration::from_secs(16)) > ms(500));
        assert_eq!(s.next(Duration::from_mins(1)), Duration::from_secs(2));
    }

    #[test]
    fn a_14s_job_costs_fewer_polls_than_a_fixed_1s_poll() {
        let s = PollSchedule::new(Duration::from_secs(14));
        let (mut t, mut polls) = (Duration::ZERO, 0);
        while t < Duration::from_secs(14) {
            t += s.next(t);
            polls += 1;
        }
        assert!(polls <= 14, "{polls} polls");
        assert!(
            t.saturating_sub(Duration::from_secs(14)) <= ms(250),
            "lands {t:?}"
        );
    }

    #[test]
    fn fixed_schedule_is_fixed() {
        let s = PollSchedule::fixed(ms(20));
        assert_eq!(s.next(Duration::ZERO), ms(20));
        assert_eq!(s.next(Duration::from_secs(100)), ms(20));
    }
}

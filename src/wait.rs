//! Waiting for a job: poll its status on an adaptive schedule until COMPLETED, FAILED, an
//! unknown state, or the deadline. State changes go to the [`Reporter`].
//!
//! The schedule (documented in the README, "How segflux polls") polls sparsely while the job
//! cannot be done yet and densely in the window where it is likely to finish, learnt from
//! this model's recent jobs, so the image lands soon after the server finishes; and it spends
//! on average no more requests than a fixed 1 s poll (Segmind's SDK) would.

use std::time::{Duration, Instant};

use crate::api::{JobState, StatusResponse};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::report::Reporter;

/// The interval between two status polls, as a function of the time since submission.
///
/// Three phases: before `earliest`, evenly spaced polls at most `ceiling` apart, the last one
/// on `earliest` (the job is unlikely to be done, but a poll every `ceiling` bounds how late
/// an unexpectedly early finish is seen); from `earliest` to `latest`, one poll every `dense`;
/// after `latest` (an overrun), `dense` growing ×1.5 per second of overrun, up to `ceiling`.
/// Every interval is at least `floor`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollSchedule {
    /// Start of the window where the job is likely to finish, counted from submission.
    pub earliest: Duration,
    /// End of that window.
    pub latest: Duration,
    /// The interval inside the window.
    pub dense: Duration,
    /// The shortest interval.
    pub floor: Duration,
    /// The longest interval.
    pub ceiling: Duration,
}

impl PollSchedule {
    /// The model page's typical time for flux-1.1-pro-ultra: the expectation without history.
    pub const TYPICAL: Duration = Duration::from_secs(14);
    /// The shortest interval: at most 4 polls a second, so even a dense phase is no flood.
    pub const FLOOR: Duration = Duration::from_millis(250);
    /// The longest interval: the step while the job cannot be done yet, and the cap of an
    /// overrun. Requests there buy little (rate limits of 5 to 50 requests a minute are
    /// quoted, and polls may count), so they are sparse; and a job that finishes
    /// unexpectedly early or late is still seen within 3 s.
    pub const CEILING: Duration = Duration::from_secs(3);
    /// The request rate the schedule must not exceed on average: one poll a second, the
    /// Segmind SDK's fixed interval.
    pub const BUDGET_INTERVAL: Duration = Duration::from_secs(1);
    /// Finish times needed before the history is trusted.
    pub const MIN_SAMPLES: usize = 3;
    /// Without history, the window is the expected time ± this many percent.
    const UNCERTAINTY_PERCENT: u32 = 15;

    /// A schedule for a job expected to take about `expected` (no history): a window of
    /// ±15% around it.
    pub fn around(expected: Duration) -> Self {
        Self::window(
            expected * (100 - Self::UNCERTAINTY_PERCENT) / 100,
            expected * (100 + Self::UNCERTAINTY_PERCENT) / 100,
            expected,
        )
    }

    /// A schedule from the finish times (seconds since submission) of this model's recent
    /// jobs: the window spans them, widened on each side by their range divided by their
    /// number (the gap one more sample would be expected to open) and by at least the floor.
    /// `None` with fewer than [`Self::MIN_SAMPLES`] usable times.
    pub fn from_finish_times(times: &[f64]) -> Option<Self> {
        let times: Vec<f64> = times
            .iter()
            .copied()
            .filter(|t| t.is_finite() && *t > 0.0)
            .collect();
        if times.len() < Self::MIN_SAMPLES {
            return None;
        }
        let (min, max) = times
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), t| (lo.min(*t), hi.max(*t)));
        #[expect(clippy::cast_precision_loss, reason = "a handful of samples")]
        let n = times.len() as f64;
        let mean = times.iter().sum::<f64>() / n;
        let margin = ((max - min) / n).max(Self::FLOOR.as_secs_f64());
        Some(Self::window(
            Duration::from_secs_f64((min - margin).max(0.0)),
            Duration::from_secs_f64(max + margin),
            Duration::from_secs_f64(mean),
        ))
    }

    /// The schedule a model's recent jobs teach: from their finish times, else (fewer than
    /// [`Self::MIN_SAMPLES`]) from their server inference times, else `None`.
    pub fn learnt(finish_times: &[f64], inference_times: &[f64]) -> Option<Self> {
        Self::from_finish_times(finish_times).or_else(|| Self::from_finish_times(inference_times))
    }

    /// A schedule for the window `earliest..latest` and a mean finish time `mean`.
    ///
    /// The dense interval is the shortest one, not under the floor, that keeps an average
    /// job's polls within the budget of a fixed 1 s poll, which makes one poll per second
    /// plus one (a little more on average, as its last poll comes after the finish): the
    /// polls before the window and the last one are taken from that budget, and the rest is
    /// spread over the time the average job spends in the window. It is never sparser than
    /// the 1 s poll, even when the budget is spent before the window (very short jobs).
    pub fn window(earliest: Duration, latest: Duration, mean: Duration) -> Self {
        let budget = mean.div_duration_f64(Self::BUDGET_INTERVAL) + 1.0;
        let approach = earliest.div_duration_f64(Self::CEILING).ceil();
        let left = budget - approach - 1.0;
        let in_window = mean.saturating_sub(earliest).as_secs_f64();
        let dense = if left > 0.0 {
            Duration::try_from_secs_f64(in_window / left).unwrap_or(Self::BUDGET_INTERVAL)
        } else {
            Self::BUDGET_INTERVAL
        };
        Self {
            earliest,
            latest: latest.max(earliest),
            dense: dense.clamp(Self::FLOOR, Self::BUDGET_INTERVAL),
            floor: Self::FLOOR,
            ceiling: Self::CEILING,
        }
    }

    /// For a batch, where the whole run's wall time matters more than one job's requests: the
    /// window is polled every tenth of its middle (from 50 ms up to the floor) instead of on
    /// the one-poll-a-second budget, so short jobs do not each lose a quarter second.
    #[must_use]
    pub fn eager(mut self) -> Self {
        let middle = (self.earliest + self.latest) / 2;
        let step = (middle / 10).clamp(Duration::from_millis(50), Self::FLOOR);
        self.dense = step;
        self.floor = step;
        self
    }

    /// For a batch with no history for the model: one poll a second (the SDK's pace) through
    /// the typical time's window, then the usual overrun; the batch learns from its first jobs.
    pub fn cold() -> Self {
        Self {
            earliest: Duration::ZERO,
            latest: Self::TYPICAL * 115 / 100,
            dense: Self::BUDGET_INTERVAL,
            floor: Self::FLOOR,
            ceiling: Self::CEILING,
        }
    }

    /// A fixed interval (the test-only `SEGFLUX_TEST_POLL_MS`).
    pub fn fixed(interval: Duration) -> Self {
        Self {
            earliest: Duration::ZERO,
            latest: Duration::ZERO,
            dense: interval,
            floor: interval,
            ceiling: interval,
        }
    }

    /// The wait before the first poll of a job submitted `elapsed` ago: none once the window
    /// has begun (a job picked up later, or a fixed schedule), else the first approach step.
    pub fn first(&self, elapsed: Duration) -> Duration {
        if elapsed < self.earliest {
            self.next(elapsed)
        } else {
            Duration::ZERO
        }
    }

    /// The wait before the next poll, `elapsed` after submission.
    pub fn next(&self, elapsed: Duration) -> Duration {
        let interval = if elapsed < self.earliest {
            let left = self.earliest.saturating_sub(elapsed);
            let steps = left.as_nanos().div_ceil(self.ceiling.as_nanos().max(1));
            left / u32::try_from(steps).unwrap_or(u32::MAX)
        } else if elapsed < self.latest {
            self.dense
        } else {
            let over = elapsed.saturating_sub(self.latest).as_secs_f64();
            self.dense.mul_f64(1.5f64.powf(over.min(60.0)))
        };
        interval.clamp(self.floor, self.ceiling)
    }
}

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
    let mut last: Option<JobState> = None;
    let mut unfinished_at: Option<Duration> = None;
    let mut delay = schedule.first(submitted.elapsed());
    let mut polled = false;
    loop {
        let now = Instant::now();
        if polled && now >= deadline {
            // Rounded up: `--timeout 10` counts from the start of the run, a little before
            // the submit, and must not read "gave up after 9 s".
            let waited = deadline.saturating_duration_since(submitted);
            let secs = waited.as_secs() + u64::from(waited.subsec_nanos() > 0);
            return Err(Error::Timeout(secs.max(1)));
        }
        let delay_now = delay.min(deadline.saturating_duration_since(now));
        if !delay_now.is_zero() {
            tokio::time::sleep(delay_now).await;
        }
        polled = true;
        let sent = submitted.elapsed();
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
            JobState::Completed | JobState::Failed => {
                let seen = submitted.elapsed();
                return Ok(Finished {
                    status,
                    finished_after: unfinished_at.map(|before| (before + seen) / 2),
                });
            }
            JobState::Unknown(s) => return Err(Error::UnknownState(s)),
            JobState::Queued | JobState::Processing => unfinished_at = Some(sent),
        }
        delay = schedule.next(submitted.elapsed());
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

    #[test]
    fn a_batch_polls_a_short_jobs_window_densely_and_starts_cold_at_one_a_second() {
        let learnt = PollSchedule::from_finish_times(&[1.0, 1.0, 1.0])
            .unwrap()
            .eager();
        assert_eq!(learnt.dense, Duration::from_millis(100));
        assert_eq!(
            learnt.next(Duration::from_millis(800)),
            Duration::from_millis(100)
        );
        let cold = PollSchedule::cold();
        assert_eq!(cold.next(Duration::ZERO), Duration::from_secs(1));
        assert_eq!(cold.next(Duration::from_secs(10)), Duration::from_secs(1));
        assert!(cold.next(Duration::from_secs(20)) > Duration::from_secs(1));
    }
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    /// Polls a job that finishes `done` after submission as `wait_for` would (first poll
    /// after `first`, then `next`, requests taking no time): (polls, when it is seen done).
    fn simulate(s: &PollSchedule, done: Duration) -> (u32, Duration) {
        let mut t = s.first(Duration::ZERO);
        let mut polls = 1;
        while t < done {
            t += s.next(t);
            polls += 1;
        }
        (polls, t)
    }

    /// Polls a fixed 1 s poll (the SDK) makes for a job of `done`: one at once, then one a
    /// second until one sees it done.
    fn sdk_polls(done: Duration) -> u32 {
        let whole = u32::try_from(done.as_millis().div_ceil(1000)).unwrap();
        whole + 1
    }

    #[test]
    fn without_history_sparse_early_dense_around_the_typical_time() {
        let s = PollSchedule::around(PollSchedule::TYPICAL);
        assert_eq!((s.earliest, s.latest), (ms(11_900), ms(16_100)));
        // Before the window: even steps of at most 3 s, the last on its start.
        assert_eq!(s.first(Duration::ZERO), ms(11_900) / 4);
        assert_eq!(s.next(ms(10_200)), ms(1_700));
        assert_eq!(s.next(ms(11_800)), ms(250));
        // In the window: dense, at the floor.
        assert_eq!(s.next(secs(14.0)), ms(250));
        // An overrun backs off to the ceiling.
        assert!(s.next(secs(18.0)) > s.next(secs(16.2)));
        assert_eq!(s.next(Duration::from_mins(1)), Duration::from_secs(3));
    }

    #[test]
    fn every_interval_is_within_floor_and_ceiling() {
        let schedules = [
            PollSchedule::around(PollSchedule::TYPICAL),
            PollSchedule::around(ms(300)),
            PollSchedule::from_finish_times(&[3.5, 7.5, 5.0, 4.2]).unwrap(),
            PollSchedule::from_finish_times(&[60.0, 61.0, 59.0]).unwrap(),
        ];
        for s in schedules {
            for t in (0..1000).map(|i| ms(i * 97)) {
                let d = s.next(t);
                assert!(
                    d >= PollSchedule::FLOOR && d <= PollSchedule::CEILING,
                    "{s:?} {t:?}"
                );
            }
        }
    }

    #[test]
    fn a_typical_job_costs_fewer_polls_than_a_fixed_1s_poll() {
        let s = PollSchedule::around(PollSchedule::TYPICAL);
        let (polls, seen) = simulate(&s, PollSchedule::TYPICAL);
        assert!(polls < sdk_polls(PollSchedule::TYPICAL), "{polls} polls");
        assert!(
            seen.saturating_sub(PollSchedule::TYPICAL) <= s.dense,
            "seen at {seen:?}"
        );
    }

    #[test]
    fn the_window_spans_the_history_with_a_margin() {
        assert_eq!(PollSchedule::from_finish_times(&[14.0, 13.0]), None);
        assert_eq!(
            PollSchedule::from_finish_times(&[14.0, f64::NAN, -1.0]),
            None
        );
        let s = PollSchedule::from_finish_times(&[13.0, 14.0, 15.0, 14.0]).unwrap();
        // Range 2 s over 4 samples: a 0.5 s margin.
        assert_eq!((s.earliest, s.latest), (ms(12_500), ms(15_500)));
        let tight = PollSchedule::from_finish_times(&[14.0, 14.25, 13.75]).unwrap();
        // The margin is at least the floor.
        assert_eq!((tight.earliest, tight.latest), (ms(13_500), ms(14_500)));
        assert_eq!(tight.dense, PollSchedule::FLOOR);
    }

    #[test]
    fn on_average_no_more_polls_than_a_fixed_1s_poll() {
        // Jobs spread evenly over the history's range, short and long, narrow and wide; and
        // over the window assumed without history.
        let ranges = [
            (12.0, 16.0),
            (3.5, 7.5),
            (13.5, 14.5),
            (10.0, 18.0),
            (1.0, 2.0),
        ];
        let mut cases: Vec<(f64, f64, PollSchedule)> = ranges
            .iter()
            .map(|&(lo, hi)| {
                let history: Vec<f64> = (0..20)
                    .map(|i| lo + (hi - lo) * f64::from(i) / 19.0)
                    .collect();
                (lo, hi, PollSchedule::from_finish_times(&history).unwrap())
            })
            .collect();
        cases.push((11.9, 16.1, PollSchedule::around(PollSchedule::TYPICAL)));
        for (lo, hi, s) in cases {
            let (mut ours, mut sdk, mut late) = (0, 0, Duration::ZERO);
            for i in 0..100 {
                let done = secs(lo + (hi - lo) * (f64::from(i) + 0.5) / 100.0);
                let (polls, seen) = simulate(&s, done);
                ours += polls;
                sdk += sdk_polls(done);
                late = late.max(seen.saturating_sub(done));
            }
            assert!(ours <= sdk, "{lo}..{hi}: {ours} polls against {sdk}");
            assert!(late <= s.dense, "{lo}..{hi}: seen {late:?} late");
        }
    }

    #[test]
    fn a_wide_window_gets_a_sparser_dense_phase() {
        let narrow = PollSchedule::from_finish_times(&[13.0, 15.0, 14.0]).unwrap();
        let wide = PollSchedule::from_finish_times(&[3.5, 7.5, 5.5]).unwrap();
        assert_eq!(narrow.dense, PollSchedule::FLOOR);
        assert!(wide.dense > ms(400), "{:?}", wide.dense);
    }

    #[test]
    fn an_early_finish_is_seen_within_the_ceiling() {
        let s = PollSchedule::from_finish_times(&[20.0, 21.0, 22.0]).unwrap();
        let (_, seen) = simulate(&s, secs(3.3));
        assert!(
            seen.saturating_sub(secs(3.3)) <= PollSchedule::CEILING,
            "{seen:?}"
        );
    }

    #[test]
    fn a_job_picked_up_late_is_polled_at_once() {
        let s = PollSchedule::around(PollSchedule::TYPICAL);
        assert_eq!(s.first(secs(11.9)), Duration::ZERO);
        assert_eq!(s.first(Duration::from_mins(5)), Duration::ZERO);
        assert!(s.first(secs(1.0)) > Duration::ZERO);
    }

    #[test]
    fn fixed_schedule_is_fixed_and_starts_at_once() {
        let s = PollSchedule::fixed(ms(20));
        assert_eq!(s.first(Duration::ZERO), Duration::ZERO);
        assert_eq!(s.next(Duration::ZERO), ms(20));
        assert_eq!(s.next(Duration::from_secs(100)), ms(20));
    }

    mod against_the_emulator {
        use std::sync::Arc;

        use serde_json::json;

        use super::super::*;
        use crate::client::ApiKey;
        use crate::emulator::{Emulator, EmulatorConfig};
        use crate::report::Silent;
        use crate::retry::Backoff;

        fn client_for(emu: &Emulator) -> Client {
            let deadline = Instant::now() + Duration::from_secs(20);
            let key = ApiKey::new("k").unwrap();
            Client::new(
                &emu.base_url(),
                key,
                Backoff::default(),
                deadline,
                Arc::new(Silent),
            )
            .unwrap()
        }

        async fn submit_and_wait(emu: &Emulator, client: &Client) -> Finished {
            let submitted = Instant::now();
            let id = client
                .submit("flux-1.1-pro-ultra", &json!({"prompt": "a fox"}))
                .await
                .unwrap()
                .request_id;
            let schedule = PollSchedule::fixed(Duration::from_millis(20));
            let deadline = Instant::now() + Duration::from_secs(20);
            let finished = wait_for(client, &id, submitted, deadline, schedule, &Silent)
                .await
                .unwrap();
            assert_eq!(finished.status.state(), JobState::Completed);
            assert!(emu.jobs()[0].status_polls >= 1);
            finished
        }

        #[tokio::test]
        async fn the_finish_is_bracketed_between_two_polls() {
            let config = EmulatorConfig {
                queued: Duration::ZERO,
                processing: Duration::from_millis(400),
                ..EmulatorConfig::default()
            };
            let emu = Emulator::start(config).await.unwrap();
            let client = client_for(&emu);
            let started = Instant::now();
            let finished = submit_and_wait(&emu, &client).await;
            let after = finished.finished_after.expect("a poll saw it unfinished");
            assert!(after <= started.elapsed());
        }

        #[tokio::test]
        async fn a_job_done_at_the_first_poll_has_no_finish_estimate() {
            let config = EmulatorConfig {
                queued: Duration::ZERO,
                processing: Duration::ZERO,
                ..EmulatorConfig::default()
            };
            let emu = Emulator::start(config).await.unwrap();
            let client = client_for(&emu);
            let finished = submit_and_wait(&emu, &client).await;
            assert_eq!(finished.finished_after, None);
        }
    }
}

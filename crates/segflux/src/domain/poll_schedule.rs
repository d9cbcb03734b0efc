//! The poll schedule: when to ask a job's status next, as a function of the time since its
//! submission. Pure arithmetic (no clock, no I/O), so every property is tested by simulation.
//!
//! The rules (documented in the README, "How segflux polls"):
//! - A *window* is where the job will likely finish: learnt from the model's recent jobs, or
//!   the model page's typical time ± 30% without history. Unknown models have no window and
//!   are polled like Segmind's SDK (every 1 s) until the history knows them.
//! - Before the window, evenly spaced polls at most `approach` apart (1.5 s without history,
//!   so an unexpectedly early job is seen about as fast as a 1 s poll would see it).
//! - In the window, polls where a finish is likely: the interval shrinks as the window runs
//!   out (a poll late in the window is only paid by the jobs still running), scaled so that
//!   the average job costs no more status polls than the SDK's fixed 1 s poll.
//! - After the window, the SDK's 1 s pace (reached from the floor by ×1.5 per second), so a
//!   late job is never seen later than a 1 s poll would see it.
//! - A job still QUEUED cannot finish before its worker time has passed: the window moves.

use std::time::Duration;

/// The interval between two status polls, as a function of the time since submission.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollSchedule {
    /// Start of the window where the job is likely to finish, counted from submission.
    pub earliest: Duration,
    /// End of that window.
    pub latest: Duration,
    /// The longest step before the window.
    pub approach: Duration,
    /// The interval at the window's start; it shrinks towards the window's end.
    pub dense: Duration,
    /// The shortest interval.
    pub floor: Duration,
    /// The longest interval after the window (the SDK's 1 s).
    pub pace: Duration,
    /// At most this fraction of the time since submission between two polls (a batch's
    /// first jobs, which know nothing yet); `None`: no such cap.
    pub relative: Option<f64>,
    /// The shortest time a job of this model spent on a worker (its `inference_time`), when
    /// known: a job seen QUEUED at `t` is not done before `t` plus this.
    pub min_processing: Option<Duration>,
}

impl PollSchedule {
    /// The model page's typical time for flux-1.1-pro-ultra: the expectation without history.
    pub const TYPICAL: Duration = Duration::from_secs(14);
    /// The shortest interval: at most 4 polls a second, so even the densest phase is no flood.
    pub const FLOOR: Duration = Duration::from_millis(250);
    /// Segmind's SDK polls every second: the pace after the window, and the request budget.
    pub const SDK_INTERVAL: Duration = Duration::from_secs(1);
    /// The longest step before the window without history: an unexpectedly early finish is
    /// seen within 1.5 s, not much later than a 1 s poll sees it.
    pub const COLD_APPROACH: Duration = Duration::from_millis(1500);
    /// The longest step before a learnt window (the history says a finish there is rare).
    pub const MAX_APPROACH: Duration = Duration::from_secs(3);
    /// Finish times needed before the history is trusted.
    pub const MIN_SAMPLES: usize = 3;
    /// Without history, the window is the expected time ± this many percent (10–18 s for the
    /// model page's 14 s).
    const UNCERTAINTY_PERCENT: u32 = 30;
    /// Polls an average job may spend beyond one per second of its length. The SDK spends
    /// about 1.5 (one at submission, and on average half an interval after the finish); a
    /// quarter poll is kept as a margin.
    const EXTRA_POLLS: f64 = 1.25;

    /// Like Segmind's SDK: one poll a second, the first a second after submission. For models
    /// with no typical time and no history.
    pub fn sdk() -> Self {
        Self::fixed(Self::SDK_INTERVAL)
    }

    /// A fixed interval (the SDK's pace, and the test-only `SEGFLUX_TEST_POLL_MS`).
    pub fn fixed(interval: Duration) -> Self {
        Self {
            earliest: Duration::ZERO,
            latest: Duration::ZERO,
            approach: interval,
            dense: interval,
            floor: interval,
            pace: interval,
            relative: None,
            min_processing: None,
        }
    }

    /// A schedule for a job expected to take about `expected` (no history): a window of ±30%
    /// around it, approached in steps of at most [`Self::COLD_APPROACH`].
    pub fn around(expected: Duration) -> Self {
        let spread = Self::UNCERTAINTY_PERCENT;
        Self::window(
            expected * (100 - spread) / 100,
            expected * (100 + spread) / 100,
            expected,
            Self::COLD_APPROACH,
        )
    }

    /// A schedule from the finish times (seconds since submission) of this model's recent
    /// jobs: the window spans them, widened on each side by their range divided by their
    /// number (the gap one more sample would be expected to open) and by at least the floor.
    /// `None` with fewer than [`Self::MIN_SAMPLES`] usable times.
    pub fn from_finish_times(times: &[f64]) -> Option<Self> {
        let times = usable(times)?;
        let (min, max) = times
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), t| (lo.min(*t), hi.max(*t)));
        #[expect(clippy::cast_precision_loss, reason = "a handful of samples")]
        let n = times.len() as f64;
        let mean = times.iter().sum::<f64>() / n;
        let margin = ((max - min) / n).max(Self::FLOOR.as_secs_f64());
        let earliest = Duration::from_secs_f64((min - margin).max(0.0));
        // A third of the way to the window, at most 3 s, at least the cold step: the history
        // says an earlier finish is rare, so these polls are few.
        let approach = (earliest / 3).clamp(Self::COLD_APPROACH, Self::MAX_APPROACH);
        Some(Self::window(
            earliest,
            Duration::from_secs_f64(max + margin),
            Duration::from_secs_f64(mean),
            approach,
        ))
    }

    /// The schedule a model's recent jobs teach: from their finish times, else (fewer than
    /// [`Self::MIN_SAMPLES`]) from their server inference times, else `None`. With enough
    /// inference times, the shortest one is kept for jobs seen QUEUED.
    pub fn learnt(finish_times: &[f64], inference_times: &[f64]) -> Option<Self> {
        let schedule = Self::from_finish_times(finish_times)
            .or_else(|| Self::from_finish_times(inference_times))?;
        let min_processing = usable(inference_times)
            .map(|t| Duration::from_secs_f64(t.iter().copied().fold(f64::MAX, f64::min)));
        Some(Self {
            min_processing,
            ..schedule
        })
    }

    /// A schedule for the window `earliest..latest`, a mean finish time `mean` and steps of at
    /// most `approach` before the window. The dense interval is the shortest (not under the
    /// floor) for which a job of uniformly distributed length over the window costs on
    /// average no more polls than the SDK's 1 s poll; it is never over 1 s.
    fn window(earliest: Duration, latest: Duration, mean: Duration, approach: Duration) -> Self {
        let mut s = Self {
            earliest,
            latest: latest.max(earliest),
            approach,
            dense: Self::SDK_INTERVAL,
            floor: Self::FLOOR,
            pace: Self::SDK_INTERVAL,
            relative: None,
            min_processing: None,
        };
        let budget = mean.div_duration_f64(Self::SDK_INTERVAL) + Self::EXTRA_POLLS;
        let (mut lo, mut hi) = (Self::FLOOR, Self::SDK_INTERVAL);
        for _ in 0..20 {
            let mid = (lo + hi) / 2;
            s.dense = mid;
            if s.expected_polls() <= budget {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        s.dense = hi;
        s
    }

    /// Expected status polls of a job whose finish is uniformly distributed over the window
    /// (requests taking no time): each poll after the first is made only when the previous
    /// one found the job unfinished.
    pub fn expected_polls(&self) -> f64 {
        let span = self.latest.saturating_sub(self.earliest).as_secs_f64();
        let unfinished = |t: Duration| {
            if t < self.earliest {
                1.0
            } else if span == 0.0 {
                0.0
            } else {
                (self.latest.saturating_sub(t).as_secs_f64() / span).min(1.0)
            }
        };
        let mut t = self.first(Duration::ZERO);
        let mut polls = 1.0;
        while t < self.latest {
            polls += unfinished(t);
            t += self.next(t);
        }
        polls
    }

    /// For a batch, where the whole run's wall time matters more than one job's requests: the
    /// window is polled every twentieth of its middle (from 25 ms up to the floor) instead of
    /// on the one-poll-a-second budget, so short jobs do not each lose a quarter second (a
    /// batch of 1 s jobs loses 25 ms a round on average).
    #[must_use]
    pub fn eager(mut self) -> Self {
        let middle = (self.earliest + self.latest) / 2;
        let step = (middle / 20).clamp(Duration::from_millis(25), Self::FLOOR);
        self.dense = step;
        self.floor = step;
        self
    }

    /// For a batch whose model has no history yet: poll at most half the time since
    /// submission apart (from the floor up to 1 s), so the first jobs to finish are seen
    /// soon and teach the others their window.
    pub fn warming() -> Self {
        Self {
            relative: Some(0.5),
            floor: Self::FLOOR,
            ..Self::sdk()
        }
    }

    /// This schedule for a job seen QUEUED `at` (since submission): with a known shortest
    /// worker time, the window starts no earlier than `at` plus it, and moves with its start.
    #[must_use]
    pub fn queued_at(self, at: Duration) -> Self {
        let Some(processing) = self.min_processing else {
            return self;
        };
        let shift = (at + processing).saturating_sub(self.earliest);
        Self {
            earliest: self.earliest + shift,
            latest: self.latest + shift,
            ..self
        }
    }

    /// The wait before the first poll of a job submitted `elapsed` ago: the first step of a
    /// job just submitted, less what already passed (none for a job long submitted).
    pub fn first(&self, elapsed: Duration) -> Duration {
        if elapsed < self.earliest {
            self.next(elapsed)
        } else {
            self.next(Duration::ZERO).saturating_sub(elapsed)
        }
    }

    /// The wait before the next poll, `elapsed` after submission.
    pub fn next(&self, elapsed: Duration) -> Duration {
        let interval = if elapsed < self.earliest {
            let left = self.earliest.saturating_sub(elapsed);
            let steps = left.as_nanos().div_ceil(self.approach.as_nanos().max(1));
            (left / u32::try_from(steps).unwrap_or(u32::MAX)).max(self.floor)
        } else if elapsed < self.latest {
            let span = self.latest.saturating_sub(self.earliest).as_secs_f64();
            let left = self.latest.saturating_sub(elapsed).as_secs_f64();
            self.dense.mul_f64((left / span).sqrt()).max(self.floor)
        } else {
            let over = elapsed.saturating_sub(self.latest).as_secs_f64().min(60.0);
            self.floor.mul_f64(1.5f64.powf(over)).min(self.pace)
        };
        match self.relative {
            Some(r) => interval.min(elapsed.mul_f64(r)).max(self.floor),
            None => interval,
        }
    }
}

/// The finite, positive values of `times`, when there are at least
/// [`PollSchedule::MIN_SAMPLES`].
fn usable(times: &[f64]) -> Option<Vec<f64>> {
    let times: Vec<f64> = times
        .iter()
        .copied()
        .filter(|t| t.is_finite() && *t > 0.0)
        .collect();
    (times.len() >= PollSchedule::MIN_SAMPLES).then_some(times)
}

#[cfg(test)]
#[path = "poll_schedule_tests.rs"]
mod tests;

//! The waiting loop and its schedule, run on tokio's paused clock against a simulated job
//! (deterministic: requests take no time, so "late" is exactly how long after the job's
//! finish a poll saw it), and compared with Segmind's SDK: a poll at submission, then one a
//! second. Then the loop against the emulator.

use std::cell::Cell;

use super::*;

/// What one job cost and how late its finish was seen.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    polls: u32,
    late: Duration,
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn status(state: &str) -> StatusResponse {
    StatusResponse {
        status: state.to_owned(),
        request_id: None,
        metrics: None,
        error: None,
    }
}

/// Runs the real loop on the paused clock for a job QUEUED until `queued`, then PROCESSING,
/// then COMPLETED at `done` (both since submission).
async fn run(
    schedule: &(dyn Fn() -> PollSchedule + Sync),
    queued: Duration,
    done: Duration,
) -> Outcome {
    let submitted = TokioInstant::now();
    let deadline = submitted + Duration::from_hours(1);
    let polls = Cell::new(0);
    let poll = || {
        polls.set(polls.get() + 1);
        let t = submitted.elapsed();
        let state = if t >= done {
            "COMPLETED"
        } else if t >= queued {
            "PROCESSING"
        } else {
            "QUEUED"
        };
        std::future::ready(Ok(status(state)))
    };
    let finished = poll_until(poll, submitted, deadline, schedule, |_, _| {})
        .await
        .unwrap();
    assert_eq!(finished.status.state(), JobState::Completed);
    Outcome {
        polls: polls.get(),
        late: submitted.elapsed().saturating_sub(done),
    }
}

/// The SDK on the same job: polls at 0, 1, 2, … s until one sees it done.
fn sdk(done: Duration) -> Outcome {
    let seen = done.as_secs_f64().ceil();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "small"
    )]
    let polls = seen as u32 + 1;
    Outcome {
        polls,
        late: secs(seen).saturating_sub(done),
    }
}

/// Jobs finishing evenly over `lo..hi` seconds (1 s queued, as on the emulator).
fn jobs(lo: f64, hi: f64) -> Vec<Duration> {
    (0..80)
        .map(|i| secs(lo + (hi - lo) * (f64::from(i) + 0.5) / 80.0))
        .collect()
}

/// Mean polls, median and p95 (nearest rank) lateness, in seconds.
fn summary(outcomes: &[Outcome]) -> (f64, f64, f64) {
    let mut late: Vec<f64> = outcomes.iter().map(|o| o.late.as_secs_f64()).collect();
    late.sort_by(f64::total_cmp);
    let rank = |q: f64| {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "small"
        )]
        let i = (q * late.len() as f64).ceil() as usize;
        late[i.max(1) - 1]
    };
    let polls: u32 = outcomes.iter().map(|o| o.polls).sum();
    #[expect(clippy::cast_precision_loss, reason = "small")]
    let mean = f64::from(polls) / outcomes.len() as f64;
    (mean, rank(0.5), rank(0.95))
}

/// Ours and the SDK's summaries over `jobs`.
async fn compare(schedule: PollSchedule, jobs: &[Duration]) -> ((f64, f64, f64), (f64, f64, f64)) {
    let mut ours = Vec::new();
    for &done in jobs {
        ours.push(run(&|| schedule, secs(1.0).min(done), done).await);
    }
    let theirs: Vec<Outcome> = jobs.iter().map(|&d| sdk(d)).collect();
    (summary(&ours), summary(&theirs))
}

/// A history of `n` finish times spread over `lo..hi`.
fn history(lo: f64, hi: f64, n: u32) -> Vec<f64> {
    (0..n)
        .map(|i| lo + (hi - lo) * f64::from(i) / f64::from(n - 1))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn unknown_models_are_polled_exactly_like_the_sdk() {
    for done in jobs(0.2, 30.0) {
        let ours = run(&PollSchedule::sdk, Duration::ZERO, done).await;
        let theirs = sdk(done);
        assert_eq!(ours.late, theirs.late, "{done:?}");
        // The SDK's poll at submission is skipped: it never finds the job done.
        assert_eq!(ours.polls + 1, theirs.polls, "{done:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn cold_jobs_near_the_typical_time_beat_the_sdk() {
    let cold = PollSchedule::around(PollSchedule::TYPICAL);
    let ((polls, median, p95), (sdk_polls, sdk_median, sdk_p95)) =
        compare(cold, &jobs(10.0, 18.0)).await;
    assert!(
        polls <= sdk_polls,
        "{polls} polls a job against {sdk_polls}"
    );
    assert!(
        median <= 0.6 * sdk_median,
        "median {median} against {sdk_median}"
    );
    assert!(p95 <= sdk_p95, "p95 {p95} against {sdk_p95}");
}

#[tokio::test(start_paused = true)]
async fn warm_jobs_near_their_history_beat_the_sdk_by_more() {
    let warm = PollSchedule::learnt(&history(10.0, 18.0, 20), &[]).unwrap();
    let ((polls, median, p95), (sdk_polls, sdk_median, sdk_p95)) =
        compare(warm, &jobs(10.0, 18.0)).await;
    assert!(
        polls <= sdk_polls,
        "{polls} polls a job against {sdk_polls}"
    );
    assert!(
        median <= 0.4 * sdk_median,
        "median {median} against {sdk_median}"
    );
    assert!(p95 <= sdk_p95, "p95 {p95} against {sdk_p95}");
}

#[tokio::test(start_paused = true)]
async fn early_jobs_are_seen_within_twice_the_sdks_p95_cold_and_as_fast_once_known() {
    let early = jobs(1.0, 4.0);
    let cold = PollSchedule::around(PollSchedule::TYPICAL);
    let ((polls, _, p95), (sdk_polls, _, sdk_p95)) = compare(cold, &early).await;
    assert!(
        polls <= sdk_polls,
        "cold: {polls} polls a job against {sdk_polls}"
    );
    assert!(p95 <= 2.0 * sdk_p95, "cold: p95 {p95} against {sdk_p95}");
    // Three such jobs known.
    let known = PollSchedule::learnt(&[1.3, 3.9, 2.4], &[]).unwrap();
    let ((polls, _, p95), (sdk_polls, _, sdk_p95)) = compare(known, &early).await;
    assert!(
        polls <= sdk_polls,
        "known: {polls} polls a job against {sdk_polls}"
    );
    assert!(p95 <= sdk_p95, "known: p95 {p95} against {sdk_p95}");
}

#[tokio::test(start_paused = true)]
async fn a_job_still_queued_moves_its_window() {
    // Jobs of this model spend 9–13 s on a worker after about 1 s in the queue; this one
    // waits 20 s for a worker.
    let finish = history(10.0, 14.0, 10);
    let inference = history(9.0, 13.0, 10);
    let learnt = PollSchedule::learnt(&finish, &inference).unwrap();
    assert_eq!(learnt.min_processing, Some(secs(9.0)));
    let done = secs(31.0);
    let ours = run(&|| learnt, secs(20.0), done).await;
    let blind = PollSchedule {
        min_processing: None,
        ..learnt
    };
    let without = run(&|| blind, secs(20.0), done).await;
    // Seen as early as the history's window would see it, with fewer polls than without
    // the queue's lesson, and fewer than the SDK.
    assert!(ours.late <= learnt.dense, "{:?}", ours.late);
    assert!(ours.polls < without.polls, "{ours:?} against {without:?}");
    assert!(ours.polls < sdk(done).polls, "{ours:?}");
}

#[tokio::test(start_paused = true)]
async fn a_waiting_job_polls_on_what_the_batch_learnt_meanwhile() {
    // The batch knows nothing at first; after 0.5 s its first jobs have taught it a window
    // of about 1 s.
    let start = TokioInstant::now();
    let learnt = PollSchedule::learnt(&[0.95, 1.0, 1.05], &[])
        .unwrap()
        .eager();
    let source = || {
        if start.elapsed() < secs(0.5) {
            PollSchedule::warming()
        } else {
            learnt
        }
    };
    let ours = run(&source, Duration::ZERO, secs(1.12)).await;
    assert!(ours.late <= learnt.dense, "{ours:?}");
    let cold = run(&PollSchedule::warming, Duration::ZERO, secs(1.12)).await;
    assert!(cold.late > ours.late, "{cold:?}");
}

#[tokio::test(start_paused = true)]
async fn the_deadline_ends_the_wait_with_a_timeout() {
    let submitted = TokioInstant::now();
    let deadline = submitted + secs(30.0);
    let poll = || std::future::ready(Ok(status("PROCESSING")));
    let err = poll_until(poll, submitted, deadline, &PollSchedule::sdk, |_, _| {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(30)), "{err:?}");
    assert_eq!(submitted.elapsed(), secs(30.0));
}

mod against_the_emulator {
    use std::sync::Arc;

    use serde_json::json;

    use super::super::*;
    use crate::client::ApiKey;
    use crate::client::retry::Backoff;
    use crate::domain::progress::Silent;
    use segflux_emulator::{Emulator, EmulatorConfig};

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

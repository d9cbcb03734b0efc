//! Tests of the emulator's state: scheduling, billing, the image cache.

use super::*;
use crate::draw::render::Format;
use segflux_api::JobState;

const MS: Duration = Duration::from_millis(1);

fn config(capacity: Option<usize>) -> EmulatorConfig {
    EmulatorConfig {
        queued: 100 * MS,
        processing: 1000 * MS,
        capacity,
        ..EmulatorConfig::default()
    }
}

fn new_job(prompt: &str) -> NewJob {
    NewJob::for_test(prompt)
}

#[test]
fn each_job_is_scheduled_after_its_queue_time_and_billed_when_it_completes() {
    let mut state = State::new(0.12, 0.0);
    let t0 = Instant::now();
    let id = state.create_job(&config(None), new_job("a cat"), t0);
    let job = state.job(&id).unwrap();
    assert_eq!(job.state_at(t0 + 99 * MS), JobState::Queued);
    assert_eq!(job.state_at(t0 + 100 * MS), JobState::Processing);
    assert_eq!(job.state_at(t0 + 1100 * MS), JobState::Completed);
    // Held, not yet charged: one more job still fits, a third does not.
    assert!(state.can_afford_job(COST_PER_JOB, t0));
    assert!((state.credits(t0).0 - 0.12).abs() < 1e-9);
    state.create_job(&config(None), new_job("a dog"), t0);
    assert!(!state.can_afford_job(COST_PER_JOB, t0));
    assert!((state.credits(t0 + 1100 * MS).0).abs() < 1e-9);
    assert_eq!(state.job(&id).unwrap().charged, Some(COST_PER_JOB));
}

#[test]
fn only_the_last_jobs_to_render_keep_their_images() {
    let mut state = State::new(1000.0, 0.0);
    let t0 = Instant::now();
    let ids: Vec<String> = (0..CACHED_IMAGES + 5)
        .map(|i| state.create_job(&config(None), new_job(&format!("a cat {i}")), t0))
        .collect();
    for id in &ids {
        state.store_image(id, Format::Jpg, Bytes::from_static(b"jpeg"));
        // The same job again (its other format, or a re-render) is not counted twice.
        state.store_image(id, Format::Png, Bytes::from_static(b"png"));
    }
    let kept: Vec<bool> = ids
        .iter()
        .map(|id| state.job(id).unwrap().image(Format::Jpg).is_some())
        .collect();
    assert_eq!(kept.iter().filter(|&&k| k).count(), CACHED_IMAGES);
    assert!(
        kept[..5].iter().all(|&k| !k),
        "the oldest are dropped: {kept:?}"
    );
    let last = state.job(ids.last().unwrap()).unwrap();
    assert_eq!(last.image(Format::Png).as_deref(), Some(&b"png"[..]));
}

#[test]
fn a_failed_job_costs_nothing_and_free_credits_go_first() {
    let mut state = State::new(1.0, 0.1);
    let t0 = Instant::now();
    let failed = state.create_job(&config(None), new_job("x #fail"), t0);
    state.create_job(&config(None), new_job("a cat"), t0);
    state.create_job(&config(None), new_job("a dog"), t0);
    let (balance, free) = state.credits(t0 + 2000 * MS);
    assert!((balance - 0.98).abs() < 1e-9, "{balance}");
    assert!(free.abs() < 1e-9, "{free}");
    assert_eq!(state.job(&failed).unwrap().charged, Some(0.0));
    state.set_credits(0.05, t0 + 2000 * MS);
    assert!(!state.can_afford_job(COST_PER_JOB, t0 + 2000 * MS));
}

#[test]
fn capacity_queues_extra_jobs_first_come_first_served() {
    let mut state = State::new(10.0, 0.0);
    let t0 = Instant::now();
    let cfg = config(Some(2));
    let ids: Vec<String> = (0..4)
        .map(|i| state.create_job(&cfg, new_job("p"), t0 + i * MS))
        .collect();
    let at = |id: &str, t: Duration| state.job(id).unwrap().state_at(t0 + t);
    let mid = 500 * MS;
    assert_eq!(at(&ids[0], mid), JobState::Processing);
    assert_eq!(at(&ids[1], mid), JobState::Processing);
    assert_eq!(at(&ids[2], mid), JobState::Queued);
    // Job 3 starts when job 1 frees its worker at 1100 ms.
    assert_eq!(at(&ids[2], 1099 * MS), JobState::Queued);
    assert_eq!(at(&ids[2], 1100 * MS), JobState::Processing);
    assert_eq!(at(&ids[3], 1101 * MS), JobState::Processing);
    assert_eq!(at(&ids[3], 2101 * MS), JobState::Completed);
    assert_eq!(state.peak_processing(t0 + Duration::from_secs(5)), 2);
    assert_eq!(state.peak_processing(t0 + 50 * MS), 0);
}

#[test]
fn without_capacity_every_job_runs_at_once() {
    let mut state = State::new(10.0, 0.0);
    let t0 = Instant::now();
    for _ in 0..5 {
        state.create_job(&config(None), new_job("p"), t0);
    }
    state.note_in_flight(Duration::from_hours(1), t0 + 500 * MS);
    assert_eq!(state.peak_in_flight(), 5);
    assert_eq!(state.peak_processing(t0 + 500 * MS), 5);
}

#[test]
fn a_never_ending_job_keeps_its_worker() {
    let mut state = State::new(10.0, 0.0);
    let t0 = Instant::now();
    let cfg = config(Some(1));
    let never = state.create_job(&cfg, new_job("#never"), t0);
    let next = state.create_job(&cfg, new_job("p"), t0);
    let late = t0 + Duration::from_hours(1);
    assert_eq!(
        state.job(&never).unwrap().state_at(late),
        JobState::Processing
    );
    assert_eq!(state.job(&next).unwrap().state_at(late), JobState::Queued);
}

#[test]
fn the_rate_window_slides() {
    let mut state = State::new(1.0, 0.0);
    let t0 = Instant::now();
    assert_eq!(state.admit(2, t0), Ok(()));
    assert_eq!(state.admit(2, t0 + 10 * MS), Ok(()));
    assert_eq!(state.admit(2, t0 + 20 * MS), Err(59_980 * MS));
    assert_eq!(state.admit(2, t0 + WINDOW), Ok(()));
    assert!(state.admit(0, t0).is_err());
}

#[test]
fn retention_and_poll_expiry_hide_a_job() {
    let mut state = State::new(1.0, 0.0);
    let t0 = Instant::now();
    let mut job = new_job("p");
    job.expire_after_polls = Some(1);
    let id = state.create_job(&config(None), job, t0);
    let keep = Duration::from_secs(10);
    state.live_job_mut(&id, keep, t0).unwrap().count_poll();
    assert!(state.live_job_mut(&id, keep, t0).is_none());
    assert!(state.job(&id).is_some());
    let other = state.create_job(&config(None), new_job("p"), t0);
    assert!(state.live_job_mut(&other, keep, t0).is_some());
    assert!(state.live_job_mut(&other, keep, t0 + keep).is_none());
}

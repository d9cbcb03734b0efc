//! The schedule's arithmetic; its behaviour against simulated jobs is in `job/poll/tests.rs`.

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[test]
fn without_history_the_window_is_the_typical_time_give_or_take_30_percent() {
    let s = PollSchedule::around(PollSchedule::TYPICAL);
    assert_eq!((s.earliest, s.latest), (ms(9_800), ms(18_200)));
    // Before the window: even steps of at most 1.5 s, the last on its start.
    assert_eq!(s.first(Duration::ZERO), ms(1_400));
    assert_eq!(s.next(ms(8_400)), ms(1_400));
    // In the window the interval shrinks as it runs out, never under the floor.
    assert!(s.next(secs(10.0)) > s.next(secs(14.0)));
    assert!(s.next(secs(14.0)) > s.next(secs(17.0)));
    assert_eq!(s.next(secs(18.1)), PollSchedule::FLOOR);
    // After it, back to the SDK's pace within a few seconds.
    assert_eq!(s.next(secs(30.0)), PollSchedule::SDK_INTERVAL);
    assert!(s.dense <= PollSchedule::SDK_INTERVAL);
}

#[test]
fn every_interval_is_between_the_floor_and_the_longest_step() {
    let schedules = [
        PollSchedule::around(PollSchedule::TYPICAL),
        PollSchedule::around(ms(300)),
        PollSchedule::from_finish_times(&[3.5, 7.5, 5.0, 4.2]).unwrap(),
        PollSchedule::from_finish_times(&[60.0, 61.0, 59.0]).unwrap(),
        PollSchedule::sdk(),
        PollSchedule::warming(),
    ];
    for s in schedules {
        for t in (0..1000).map(|i| ms(i * 97)) {
            let d = s.next(t);
            assert!(d >= s.floor && d <= s.approach.max(s.pace), "{s:?} {t:?}");
        }
    }
}

#[test]
fn the_window_spans_the_history_with_a_margin() {
    assert_eq!(PollSchedule::from_finish_times(&[14.0, 13.0]), None);
    assert_eq!(
        PollSchedule::from_finish_times(&[14.0, f64::NAN, -1.0]),
        None
    );
    let s = PollSchedule::from_finish_times(&[13.0, 14.0, 15.0, 14.0]).unwrap();
    // Range 2 s over 4 samples: a 0.5 s margin; approached in 3 s steps at most.
    assert_eq!((s.earliest, s.latest), (ms(12_500), ms(15_500)));
    assert_eq!(s.approach, PollSchedule::MAX_APPROACH);
    let tight = PollSchedule::from_finish_times(&[14.0, 14.25, 13.75]).unwrap();
    // The margin is at least the floor.
    assert_eq!((tight.earliest, tight.latest), (ms(13_500), ms(14_500)));
}

#[test]
fn an_average_job_costs_no_more_polls_than_the_sdk() {
    // The SDK: one poll at submission, then one a second; about mean + 1.5 on average.
    for s in [
        PollSchedule::around(PollSchedule::TYPICAL),
        PollSchedule::from_finish_times(&[10.0, 18.0, 14.0, 12.0]).unwrap(),
        PollSchedule::from_finish_times(&[1.0, 4.0, 2.5]).unwrap(),
        PollSchedule::from_finish_times(&[13.9, 14.0, 14.1]).unwrap(),
    ] {
        let mean = (s.earliest + s.latest).as_secs_f64() / 2.0;
        assert!(s.expected_polls() <= mean + 1.25 + 1e-9, "{s:?}");
    }
}

#[test]
fn inference_times_teach_the_shortest_worker_time() {
    let s = PollSchedule::learnt(&[12.0, 13.0, 14.0], &[11.0, 10.5, 12.5]).unwrap();
    assert_eq!(s.min_processing, Some(secs(10.5)));
    assert_eq!(
        PollSchedule::learnt(&[12.0, 13.0, 14.0], &[11.0])
            .unwrap()
            .min_processing,
        None
    );
    // Fetched jobs only: the window comes from their inference times.
    let fetched = PollSchedule::learnt(&[], &[3.0, 3.0, 3.0]).unwrap();
    assert_eq!(fetched.earliest, ms(2_750));
    assert_eq!(PollSchedule::learnt(&[1.0], &[]), None);
}

#[test]
fn a_queued_job_moves_the_window_by_its_wait() {
    let s = PollSchedule::learnt(&[12.0, 13.0, 14.0], &[11.0, 10.5, 12.5]).unwrap();
    // Seen QUEUED at 0.5 s: a finish before 11 s is impossible, the window (from 11.33 s)
    // stays; seen QUEUED at 5 s, the window starts at 15.5 s and keeps its length.
    assert_eq!(s.queued_at(secs(0.5)), s);
    let moved = s.queued_at(secs(5.0));
    assert_eq!(moved.earliest, ms(15_500));
    assert_eq!(
        moved.latest.saturating_sub(moved.earliest),
        s.latest.saturating_sub(s.earliest)
    );
    // Without a known worker time, nothing moves.
    let cold = PollSchedule::around(PollSchedule::TYPICAL);
    assert_eq!(cold.queued_at(secs(30.0)), cold);
}

#[test]
fn a_job_picked_up_late_is_polled_at_once() {
    let s = PollSchedule::around(PollSchedule::TYPICAL);
    assert_eq!(s.first(secs(11.9)), Duration::ZERO);
    assert_eq!(s.first(Duration::from_mins(5)), Duration::ZERO);
    assert!(s.first(secs(1.0)) > Duration::ZERO);
    assert_eq!(PollSchedule::sdk().first(ms(300)), ms(700));
    assert_eq!(
        PollSchedule::sdk().first(Duration::from_mins(5)),
        Duration::ZERO
    );
}

#[test]
fn a_batch_polls_a_short_jobs_window_densely_and_warms_up_fast() {
    let learnt = PollSchedule::from_finish_times(&[1.0, 1.0, 1.0])
        .unwrap()
        .eager();
    assert_eq!(learnt.dense, ms(50));
    assert_eq!(learnt.next(ms(800)), ms(50));
    let warming = PollSchedule::warming();
    assert_eq!(warming.first(Duration::ZERO), PollSchedule::FLOOR);
    assert_eq!(warming.next(ms(500)), PollSchedule::FLOOR);
    assert!(warming.next(secs(1.5)) <= ms(750));
    assert_eq!(warming.next(secs(10.0)), PollSchedule::SDK_INTERVAL);
}

#[test]
fn fixed_schedule_is_fixed() {
    let s = PollSchedule::fixed(ms(20));
    assert_eq!(s.first(Duration::ZERO), ms(20));
    assert_eq!(s.next(Duration::ZERO), ms(20));
    assert_eq!(s.next(Duration::from_secs(100)), ms(20));
}

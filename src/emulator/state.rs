//! The emulator's mutable world behind one lock: the job table, the workers (scheduled by
//! `schedule`, once, at submit), the account (see `account`), the rate-limit window, the
//! request log and the fault queue; and [`Shared`], what the server tasks and the `Emulator`
//! handle hold. No I/O here.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::account::Account;
use super::faults::FaultQueue;
use super::job::{Job, NewJob, fresh_id};
use super::schedule::{self, Workers};
use super::{EmulatorConfig, JobInfo, LoggedRequest};

/// What one completed job costs by default, in USD (the list price of the default model;
/// see `EmulatorConfig::price`).
pub const COST_PER_JOB: f64 = crate::api::LIST_PRICE_USD;

/// The rate limit's sliding window.
const WINDOW: Duration = Duration::from_mins(1);

/// What the server tasks and the [`super::Emulator`] handle share.
pub(crate) struct Shared {
    pub config: EmulatorConfig,
    /// `http://ip:port` of the API origin.
    pub api_url: String,
    /// `http://ip:port` of the CDN origin.
    pub cdn_url: String,
    /// The CDN's port, for the `localhost` redirect fault.
    pub cdn_port: u16,
    /// Files uploaded through `POST /upload-asset`.
    pub assets: super::assets::Assets,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(config: EmulatorConfig, api_url: String, cdn_url: String, cdn_port: u16) -> Self {
        let state = Mutex::new(State::new(config.credits, config.free_credits));
        Self {
            config,
            api_url,
            cdn_url,
            cdn_port,
            assets: super::assets::Assets::default(),
            state,
        }
    }

    /// The state. A panic while it was held cannot leave it half-updated in a way that
    /// matters to a test double, so a poisoned lock is simply taken over.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `entry` to the request log; returns its index for [`Shared::set_status`].
    pub fn log_request(&self, entry: LoggedRequest) -> usize {
        let mut state = self.lock();
        state.log.push(entry)
    }

    /// Records the status answered to logged request `index`.
    pub fn set_status(&self, index: usize, status: u16) {
        if let Some(entry) = self.lock().log.get_mut(index) {
            entry.status = status;
        }
    }
}

/// Everything that changes while the emulator runs.
pub(crate) struct State {
    jobs: Vec<Job>,
    index: HashMap<String, usize>,
    workers: Workers,
    account: Account,
    /// Admission times of the API requests in the rate-limit window.
    window: VecDeque<Instant>,
    peak_in_flight: usize,
    pub log: super::limits::RequestLog,
    pub faults: FaultQueue,
}

impl State {
    fn new(credits: f64, free_credits: f64) -> Self {
        Self {
            jobs: Vec::new(),
            index: HashMap::new(),
            workers: Workers::default(),
            account: Account::new(credits, free_credits),
            window: VecDeque::new(),
            peak_in_flight: 0,
            log: super::limits::RequestLog::default(),
            faults: FaultQueue::default(),
        }
    }

    /// The account's credits and free credits at `now` (jobs ended by then are charged).
    pub fn credits(&mut self, now: Instant) -> (f64, f64) {
        self.account.credits(&mut self.jobs, now)
    }

    /// Sets the account's balance (a test hook).
    pub fn set_credits(&mut self, credits: f64, now: Instant) {
        self.account.set_balance(&mut self.jobs, credits, now);
    }

    /// Whether the account can pay for one more job of `price` at `now`.
    pub fn can_afford_job(&mut self, price: f64, now: Instant) -> bool {
        self.account.can_afford(&mut self.jobs, price, now)
    }

    /// Schedules and stores a new job, holding its price on the account; returns its id.
    pub fn create_job(&mut self, config: &EmulatorConfig, new: NewJob, now: Instant) -> String {
        let busy =
            (!new.never_finishes()).then(|| schedule::processing_time(config, new.spec.seed));
        let start = self
            .workers
            .reserve(config.capacity, now + config.queued, busy);
        let end = start.zip(busy).map(|(start, busy)| start + busy);
        let id = loop {
            let id = fresh_id();
            if !self.index.contains_key(&id) {
                break id;
            }
        };
        self.index.insert(id.clone(), self.jobs.len());
        let mut job = Job::new(id.clone(), new, now, start, end);
        job.price = config.price;
        self.account.open(self.jobs.len());
        self.jobs.push(job);
        id
    }

    /// Any job by id, expired or not.
    pub fn job(&self, id: &str) -> Option<&Job> {
        self.index.get(id).map(|&i| &self.jobs[i])
    }

    /// Any job by id, expired or not.
    pub fn job_mut(&mut self, id: &str) -> Option<&mut Job> {
        self.index.get(id).map(|&i| &mut self.jobs[i])
    }

    /// The job the API still answers for: known, younger than `retention`, and not expired
    /// by the `ExpireAfterPolls` fault.
    pub fn live_job_mut(
        &mut self,
        id: &str,
        retention: Duration,
        now: Instant,
    ) -> Option<&mut Job> {
        let job = self.job_mut(id)?;
        (!job.gone(retention, now)).then_some(job)
    }

    /// Records how many unexpired jobs are QUEUED or PROCESSING at `now`.
    pub fn note_in_flight(&mut self, retention: Duration, now: Instant) {
        let in_flight = self
            .jobs
            .iter()
            .filter(|j| !j.expired(retention, now) && !j.state_at(now).is_terminal())
            .count();
        self.peak_in_flight = self.peak_in_flight.max(in_flight);
    }

    /// The largest count [`State::note_in_flight`] saw.
    pub fn peak_in_flight(&self) -> usize {
        self.peak_in_flight
    }

    /// The most jobs PROCESSING at once up to `now`, from the timelines.
    pub fn peak_processing(&self, now: Instant) -> usize {
        schedule::peak_overlap(self.jobs.iter().filter_map(|j| j.processing_span(now)))
    }

    /// Admits one API request under a limit of `limit` per minute, or says how long until a
    /// slot frees.
    pub fn admit(&mut self, limit: u32, now: Instant) -> Result<(), Duration> {
        while self
            .window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            self.window.pop_front();
        }
        if self.window.len() < usize::try_from(limit).unwrap_or(usize::MAX) {
            self.window.push_back(now);
            return Ok(());
        }
        Err(self
            .window
            .front()
            .map_or(WINDOW, |t| WINDOW.saturating_sub(now.duration_since(*t))))
    }

    /// Every job ever accepted, expired or not, newest first (the request history).
    pub fn jobs_newest_first(&self) -> impl Iterator<Item = &Job> {
        self.jobs.iter().rev()
    }

    /// A view of every job at `now`.
    pub fn job_infos(&self, retention: Duration, now: Instant) -> Vec<JobInfo> {
        self.jobs.iter().map(|j| j.info(retention, now)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::JobState;
    use crate::emulator::render::Format;
    use crate::emulator::validate::JobSpec;

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
        NewJob {
            model: "flux-dev".into(),
            params: serde_json::json!({ "prompt": prompt }),
            spec: JobSpec {
                prompt: prompt.into(),
                aspect: (1, 1),
                seed: 1,
                format: Format::Jpg,
            },
            never_finish: false,
            expire_after_polls: None,
        }
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
}

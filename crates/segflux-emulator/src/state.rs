//! The emulator's mutable world behind one lock: the job table, the workers (scheduled by
//! `schedule`, once, at submit), the account (see `account`), the rate-limit window, the
//! request log and the fault queue; and [`Shared`], what the server tasks and the `Emulator`
//! handle hold. No I/O here.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use tokio::time::Instant;

use super::account::Account;
use super::faults::FaultQueue;
use super::job::{Job, NewJob, fresh_id};
use super::{EmulatorConfig, JobInfo, LoggedRequest};
use crate::draw::render::Format;
use crate::workers::{self, Workers};

/// What one completed job costs by default, in USD (the list price of the default model;
/// see `EmulatorConfig::price`).
pub const COST_PER_JOB: f64 = segflux_api::LIST_PRICE_USD;

/// The rate limit's sliding window.
const WINDOW: Duration = Duration::from_mins(1);

/// How many jobs keep their rendered images: a long-running emulator serving thousands of
/// real-size downloads stays within a bounded memory.
const CACHED_IMAGES: usize = 16;

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
    pub assets: crate::routes::assets::Assets,
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
            assets: crate::routes::assets::Assets::default(),
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
    /// The jobs holding rendered images, oldest first (at most [`CACHED_IMAGES`]).
    cached: VecDeque<usize>,
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
            cached: VecDeque::new(),
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
        let busy = (!new.never_finishes()).then(|| {
            new.processing
                .unwrap_or_else(|| workers::processing_time(config, new.spec.seed))
        });
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
        let price = new.price.unwrap_or(config.price);
        let mut job = Job::new(id.clone(), new, now, start, end);
        job.price = price;
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

    /// Caches job `id`'s image rendered in `format`; the images of all but the last
    /// [`CACHED_IMAGES`] jobs to render one are dropped (rendering is deterministic, so a
    /// later download of one renders the same bytes again).
    pub fn store_image(&mut self, id: &str, format: Format, bytes: Bytes) {
        let Some(&i) = self.index.get(id) else {
            return;
        };
        self.jobs[i].store_image(format, bytes);
        if !self.cached.contains(&i) {
            self.cached.push_back(i);
        }
        while self.cached.len() > CACHED_IMAGES {
            if let Some(old) = self.cached.pop_front() {
                self.jobs[old].drop_images();
            }
        }
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
        workers::peak_overlap(self.jobs.iter().filter_map(|j| j.processing_span(now)))
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
#[path = "state_tests.rs"]
mod tests;

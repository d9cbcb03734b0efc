//! One job: its fixed timeline and the state computed from it, the prompt triggers, its
//! request id, its image cache, and the [`JobInfo`] view of it.
//!
//! Time is `tokio::time::Instant`, so tests may pause the clock. The timeline is decided at
//! submit by `state` (start = max(submit + queued, earliest free worker), end = start +
//! processing); the state at any instant is computed on demand, so no task runs per job.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::JobInfo;
use super::validate::JobSpec;
use crate::draw::render::Format;
use segflux_api::JobState;

/// A prompt containing this ends FAILED with [`FAIL_MESSAGE`].
pub const FAIL_TRIGGER: &str = "#fail";
/// A prompt containing this stays PROCESSING forever.
pub const NEVER_TRIGGER: &str = "#never";
/// The error of a job whose prompt contains [`FAIL_TRIGGER`].
pub const FAIL_MESSAGE: &str =
    "Content blocked by the safety filter (emulator: the prompt contains #fail)";

/// Process-wide counter mixed into request ids, so no two emulators hand out the same one.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// What a submit asks for, before it is scheduled.
pub(crate) struct NewJob {
    pub model: String,
    pub params: Value,
    pub spec: JobSpec,
    /// The `NeverFinish` fault applied.
    pub never_finish: bool,
    /// The `ExpireAfterPolls` fault applied.
    pub expire_after_polls: Option<u32>,
    /// The job's price when not the configured one (a registered model's list price).
    pub price: Option<f64>,
    /// The job's processing time when not the configured one (a model's typical time
    /// under `EmulatorConfig::model_time_scale`).
    pub processing: Option<Duration>,
}

impl NewJob {
    /// Whether the job will stay PROCESSING forever (fault or prompt trigger).
    pub fn never_finishes(&self) -> bool {
        self.never_finish || self.spec.prompt.contains(NEVER_TRIGGER)
    }

    /// A 1:1 JPEG job of flux-dev for `prompt`, seed 1, no fault (the unit tests' job).
    #[cfg(test)]
    pub fn for_test(prompt: &str) -> Self {
        Self {
            model: "flux-dev".into(),
            params: serde_json::json!({ "prompt": prompt }),
            spec: JobSpec {
                prompt: prompt.into(),
                aspect: (1, 1),
                seed: 1,
                format: Format::Jpg,
                count: 1,
            },
            price: None,
            processing: None,
            never_finish: false,
            expire_after_polls: None,
        }
    }
}

/// A job and its fixed timeline.
pub(crate) struct Job {
    pub id: String,
    pub model: String,
    pub params: Value,
    pub spec: JobSpec,
    submitted: Instant,
    submitted_wall: SystemTime,
    /// `None`: never gets a worker.
    start: Option<Instant>,
    /// `None`: never finishes.
    end: Option<Instant>,
    failure: Option<String>,
    expire_after_polls: Option<u32>,
    /// Status polls answered for this job (also what the `ExpireAfterPolls` fault counts).
    polls: u32,
    /// Result fetches answered for this job.
    result_fetches: u32,
    /// Rendered images, cached per [`Format::index`].
    images: [Option<Bytes>; 4],
    /// What the job costs if it completes (set by the account at submit).
    pub price: f64,
    /// What the account charged once the job ended (its `credits_deduction`).
    pub charged: Option<f64>,
}

impl Job {
    /// A job submitted at `now` as `new`, on a worker from `start` to `end`.
    pub fn new(
        id: String,
        new: NewJob,
        now: Instant,
        start: Option<Instant>,
        end: Option<Instant>,
    ) -> Self {
        let failure = new
            .spec
            .prompt
            .contains(FAIL_TRIGGER)
            .then(|| FAIL_MESSAGE.to_owned());
        // The table stays bounded: a job keeps at most 16 kB of its body and prompt.
        let mut spec = new.spec;
        spec.prompt = crate::limits::job_prompt(spec.prompt);
        Self {
            id,
            model: new.model,
            params: crate::limits::job_body(new.params),
            spec,
            submitted: now,
            submitted_wall: SystemTime::now(),
            start,
            end,
            failure,
            expire_after_polls: new.expire_after_polls,
            polls: 0,
            result_fetches: 0,
            images: Default::default(),
            price: 0.0,
            charged: None,
        }
    }

    /// When it was submitted.
    pub fn submitted(&self) -> Instant {
        self.submitted
    }

    /// The state at `now`.
    pub fn state_at(&self, now: Instant) -> JobState {
        if self.start.is_none_or(|start| now < start) {
            return JobState::Queued;
        }
        match self.end {
            Some(end) if now >= end => match self.failure {
                Some(_) => JobState::Failed,
                None => JobState::Completed,
            },
            _ => JobState::Processing,
        }
    }

    /// The error of a job that ends FAILED.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// Counts a status poll (for the `ExpireAfterPolls` fault and [`JobInfo::status_polls`]).
    pub fn count_poll(&mut self) {
        self.polls = self.polls.saturating_add(1);
    }

    /// Counts a result fetch (for [`JobInfo::result_fetches`]).
    pub fn count_result_fetch(&mut self) {
        self.result_fetches = self.result_fetches.saturating_add(1);
    }

    /// Seconds on a worker, for a job that finished: what the API reports as
    /// `metrics.inference_time` (the queue is not in it).
    pub fn inference_secs(&self) -> Option<f64> {
        self.start
            .zip(self.end)
            .map(|(start, end)| end.duration_since(start).as_secs_f64())
    }

    /// True once the API no longer answers for the job: older than `retention`, or past
    /// the polls the `ExpireAfterPolls` fault allowed.
    pub fn gone(&self, retention: Duration, now: Instant) -> bool {
        self.expired(retention, now) || self.expire_after_polls.is_some_and(|n| self.polls >= n)
    }

    /// True once older than `retention`.
    pub fn expired(&self, retention: Duration, now: Instant) -> bool {
        now.duration_since(self.submitted) >= retention
    }

    /// The part of the worker time spent by `now`, if any.
    pub fn processing_span(&self, now: Instant) -> Option<(Instant, Instant)> {
        let start = self.start.filter(|s| *s <= now)?;
        let end = self.end.map_or(now, |end| end.min(now));
        (end > start).then_some((start, end))
    }

    /// The cached image in `format`, if rendered already.
    pub fn image(&self, format: Format) -> Option<Bytes> {
        self.images[format.index()].clone()
    }

    /// Caches the image rendered in `format`.
    pub fn store_image(&mut self, format: Format, bytes: Bytes) {
        self.images[format.index()] = Some(bytes);
    }

    /// Drops the cached images (see `State::store_image`).
    pub fn drop_images(&mut self) {
        self.images = Default::default();
    }

    /// The public view of the job at `now`.
    pub fn info(&self, retention: Duration, now: Instant) -> JobInfo {
        let state = self.state_at(now);
        let wall = |at: Instant| self.submitted_wall + at.duration_since(self.submitted);
        let completed_at = state.is_terminal().then(|| self.end.map(wall)).flatten();
        JobInfo {
            request_id: self.id.clone(),
            model: self.model.clone(),
            params: self.params.clone(),
            submitted_at: self.submitted_wall,
            started_at: self.start.filter(|s| *s <= now).map(wall),
            completed_at,
            state,
            expired: self.expired(retention, now),
            status_polls: self.polls,
            result_fetches: self.result_fetches,
        }
    }
}

/// A new UUID-shaped id (version 4 layout, lowercase hex), different from every id this
/// process made before.
pub(crate) fn fresh_id() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hasher = Sha256::new();
    hasher.update(NEXT_ID.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.update(nanos.to_le_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hasher.finalize()[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut id = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            id.push('-');
        }
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn job(prompt: &str, start: Option<Duration>, end: Option<Duration>) -> (Job, Instant) {
        let t0 = Instant::now();
        let new = NewJob {
            expire_after_polls: Some(1),
            ..NewJob::for_test(prompt)
        };
        let job = Job::new(
            fresh_id(),
            new,
            t0,
            start.map(|s| t0 + s),
            end.map(|e| t0 + e),
        );
        (job, t0)
    }

    #[test]
    fn a_job_walks_queued_processing_completed() {
        let (job, t0) = job("a cat", Some(100 * MS), Some(300 * MS));
        assert_eq!(job.state_at(t0 + 99 * MS), JobState::Queued);
        assert_eq!(job.state_at(t0 + 100 * MS), JobState::Processing);
        assert_eq!(job.state_at(t0 + 299 * MS), JobState::Processing);
        assert_eq!(job.state_at(t0 + 300 * MS), JobState::Completed);
        let info = job.info(Duration::from_hours(1), t0 + 300 * MS);
        let took = info.completed_at.unwrap().duration_since(info.submitted_at);
        assert_eq!(took.unwrap(), 300 * MS);
        assert_eq!(
            job.processing_span(t0 + 200 * MS),
            Some((t0 + 100 * MS, t0 + 200 * MS))
        );
    }

    #[test]
    fn the_fail_trigger_fails_and_a_missing_end_never_finishes() {
        let (failed, t0) = job("x #fail", Some(MS), Some(2 * MS));
        assert_eq!(failed.state_at(t0 + 2 * MS), JobState::Failed);
        assert_eq!(failed.failure(), Some(FAIL_MESSAGE));
        let (stuck, t0) = job("x", Some(MS), None);
        assert_eq!(
            stuck.state_at(t0 + Duration::from_hours(9)),
            JobState::Processing
        );
        let (waiting, t0) = job("x", None, None);
        assert_eq!(
            waiting.state_at(t0 + Duration::from_hours(9)),
            JobState::Queued
        );
    }

    #[test]
    fn retention_and_polls_make_a_job_gone() {
        let (mut job, t0) = job("x", Some(MS), Some(2 * MS));
        let keep = 10 * MS;
        assert!(!job.gone(keep, t0));
        assert!(job.gone(keep, t0 + keep));
        job.count_poll();
        assert!(job.gone(keep, t0));
    }

    #[test]
    fn ids_are_uuid_shaped_and_unique() {
        let (a, b) = (fresh_id(), fresh_id());
        assert_ne!(a, b);
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(
            a.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        assert_eq!(a.as_bytes()[14], b'4');
    }
}

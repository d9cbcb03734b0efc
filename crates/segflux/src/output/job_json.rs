//! The one JSON object that describes a job, for every `--json` line (generate, submit,
//! status, fetch, batch) and every manifest line.
//!
//! The contract's fields (`request_id`, `status`, `model`, `seed`, `prompt_hash`, and where
//! known `path`, `output_url`, `inference_time`, `width`, `height`, `error`) plus `exit_code`
//! for a job that ended badly and the extras some commands add. A field that is not known is
//! left out rather than written as `null`. Nothing here prints or does I/O.

use crate::domain::state::State;
use serde::Serialize;

use crate::domain::request::GenerationRequest;
use crate::error::Error;
use crate::journal::JobRecord;
use segflux_api::Metrics;

/// One job, as a JSON line.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JobReport {
    /// The API's id for the job, once it was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `QUEUED`, `PROCESSING`, `COMPLETED`, `FAILED`, `SKIPPED`, …
    pub status: State,
    /// The model slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The seed sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The 12-digit request hash that names the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_hash: Option<String>,
    /// The prompt (batch lines and the status list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The image file written (or to be written, in a batch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where the image was downloaded from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_url: Option<String>,
    /// Server compute seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference_time: Option<f64>,
    /// What the job cost, when the API said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// The account's credits after the job, when the API said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_credits: Option<f64>,
    /// Pixel width of the image written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Pixel height of the image written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// The sidecar record written with `--sidecar`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sidecar: Option<String>,
    /// The status URL the API gave at submit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_url: Option<String>,
    /// The result URL the API gave at submit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
    /// What went wrong, on one line (redacted like every message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The exit code this job's failure maps to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<u8>,
    /// The wait was interrupted (SIGINT, SIGTERM, SIGHUP): `status` is the last known state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<bool>,
    /// The wait reached `--timeout`: `status` is the last known state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timed_out: Option<bool>,
    /// Seconds this run spent on the job (batch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wall_time: Option<f64>,
    /// The job's line in the batch input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// When the job was submitted, Unix milliseconds (status list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_ms: Option<u64>,
}

impl JobReport {
    /// A report of `status` for the job `request_id` (when known).
    pub fn new(request_id: Option<&str>, status: State) -> Self {
        Self {
            request_id: request_id.map(str::to_owned),
            status,
            ..Self::default()
        }
    }

    /// Fills model, seed and request hash from the request that was (or would be) sent.
    #[must_use]
    pub fn request(mut self, req: &GenerationRequest) -> Self {
        self.model = Some(req.model.clone());
        self.seed = Some(req.seed);
        self.prompt_hash = Some(req.prompt_hash());
        self
    }

    /// Fills what the history knows of the job (what is already set stays).
    #[must_use]
    pub fn record(mut self, rec: Option<&JobRecord>) -> Self {
        let Some(r) = rec else { return self };
        self.model.get_or_insert_with(|| r.model.clone());
        self.seed.get_or_insert(r.seed);
        self.prompt_hash
            .get_or_insert_with(|| r.prompt_hash.clone());
        if self.path.is_none() {
            self.path.clone_from(&r.path);
        }
        if self.output_url.is_none() {
            self.output_url.clone_from(&r.output_url);
        }
        self
    }

    /// Fills the server's figures.
    #[must_use]
    pub fn metrics(mut self, m: &Metrics) -> Self {
        self.inference_time = m.inference_time.or(self.inference_time);
        self.cost = m.cost.or(self.cost);
        self.remaining_credits = m.remaining_credits.or(self.remaining_credits);
        self
    }

    /// Marks the job as ended badly: the error on one line and its exit code.
    #[must_use]
    pub fn failure(mut self, e: &Error) -> Self {
        self.error = Some(e.one_line());
        self.exit_code = Some(e.exit_code());
        if self.request_id.is_none() {
            self.request_id = e.request_id().map(str::to_owned);
        }
        self
    }

    /// The report of job `id` (when known) that ended with `e`: `FAILED` with the error, or,
    /// when the wait ended without an answer (an interrupt, `--timeout`), the state `last`
    /// says the job was last seen in, with `interrupted` or `timed_out`: a job that may still
    /// finish is never called FAILED.
    pub fn ended(id: Option<&str>, e: &Error, last: &dyn Fn(&str) -> State) -> Self {
        let mut r = Self::new(id, State::Failed).failure(e);
        let Some(known) = r.request_id.as_deref().map(last) else {
            return r;
        };
        match e.inner() {
            Error::Interrupted { .. } => r.interrupted = Some(true),
            Error::Timeout(_) => r.timed_out = Some(true),
            _ => return r,
        }
        r.status = known;
        r
    }
}

/// The JSON objects of a run that ended with `e`, so that with `--json` a script never has
/// only an exit code: one per job in flight for an interrupt, none for a batch (each of its
/// jobs has its line already), else one, with the request id when the error has one.
/// `last` gives the state a job was last seen in (see [`JobReport::ended`]).
pub fn failure_reports(e: &Error, last: &dyn Fn(&str) -> State) -> Vec<JobReport> {
    match e.inner() {
        Error::Batch { .. } | Error::NotUpToDate(_) => Vec::new(),
        Error::Interrupted { ids, .. } if !ids.is_empty() => ids
            .iter()
            .map(|id| JobReport::ended(Some(id), e, last))
            .collect(),
        _ => vec![JobReport::ended(None, e, last)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_left_out_and_failures_carry_their_exit_code() {
        let r = JobReport::new(None, State::Failed).failure(&Error::Timeout(10).for_job("r-9"));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["request_id"], "r-9");
        assert_eq!(v["exit_code"], 6);
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .starts_with("gave up waiting after 10 s")
        );
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["error", "exit_code", "request_id", "status"]);
    }

    #[test]
    fn a_wait_ended_without_an_answer_reports_the_last_known_state() {
        let last = |id: &str| State::parse(&format!("PROCESSING {id}"));
        let timeout = Error::Timeout(3).for_job("r-1");
        let r = JobReport::ended(None, &timeout, &last);
        assert_eq!(
            (r.status.as_str(), r.timed_out),
            ("PROCESSING r-1", Some(true))
        );
        let stop = Error::Interrupted {
            ids: vec!["r-2".into()],
            submitting: 0,
            code: 143,
        };
        let r = failure_reports(&stop, &last).remove(0);
        assert_eq!(
            (r.status.as_str(), r.interrupted),
            ("PROCESSING r-2", Some(true))
        );
        assert_eq!(r.exit_code, Some(143));
        // FAILED only when the API said so, and for a failure without a job.
        let failed = Error::JobFailed("no".into()).for_job("r-3");
        assert_eq!(JobReport::ended(None, &failed, &last).status, "FAILED");
        assert_eq!(
            JobReport::ended(None, &Error::Timeout(3), &last).status,
            "FAILED"
        );
    }

    #[test]
    fn a_request_fills_the_contract_fields() {
        let req = GenerationRequest {
            model: "m".into(),
            seed: 7,
            ..GenerationRequest::for_test("a fox")
        };
        let v =
            serde_json::to_value(JobReport::new(Some("r"), State::Queued).request(&req)).unwrap();
        assert_eq!(v["seed"], 7);
        assert_eq!(v["model"], "m");
        assert_eq!(v["prompt_hash"], req.prompt_hash());
    }
}

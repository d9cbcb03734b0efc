//! Wire types of Segmind's v2 async API, shared by the client and the emulator.
//!
//! Serde only: no I/O lives here. The rules come from `shared/spec/segmind-api.md`: the submit,
//! status and result bodies, the job states, and the many shapes an image model's `output`
//! can take. Parsing is liberal (unknown keys are ignored, numbers may arrive as strings).
//!
//! This file holds the job endpoints' bodies and states; the account and storage endpoints
//! are in `account.rs`, the request history in `request_history.rs`, the model registry in
//! `models`, and finding the image in an `output` in `output.rs`.

mod account;
pub mod models;
mod output;
pub mod request_history;

pub use account::{CREDITS_PATH, Credits, STORAGE_ORIGIN, UPLOAD_PATH};
pub use output::{ImageRef, extract_image, extract_images};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Segmind's API origin (the default base URL).
pub const DEFAULT_BASE_URL: &str = "https://api.segmind.com";

/// The model segflux uses when none is given.
pub const DEFAULT_MODEL: &str = "flux-1.1-pro-ultra";

/// The documented list price of one image of [`DEFAULT_MODEL`], in USD: Black Forest Labs'
/// price for Flux 1.1 Pro Ultra. Segmind publishes no price in its API, and its own may
/// differ: segflux uses this only as a labelled *estimate* until it has seen a real cost
/// (segmind-api.md, "Price").
pub const LIST_PRICE_USD: f64 = 0.06;

/// The aspect ratios flux-1.1-pro-ultra accepts, widest first.
pub const ASPECT_RATIOS: [&str; 11] = [
    "21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16", "9:21",
];

/// Name of the API-key header on every call to the API host.
pub const API_KEY_HEADER: &str = "x-api-key";

/// Whether `id` is safe to put into a URL path: 1 to 128 of `A-Z a-z 0-9 - _ .`, and not
/// made of dots alone (which a server would read as a path step).
pub fn valid_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !id.bytes().all(|b| b == b'.')
}

/// Path of the submit endpoint for `model`.
pub fn submit_path(model: &str) -> String {
    format!("/v2/{model}")
}

/// Path of the status endpoint for `request_id`.
pub fn status_path(request_id: &str) -> String {
    format!("/v2/requests/{request_id}/status")
}

/// Path of the result endpoint for `request_id`.
pub fn result_path(request_id: &str) -> String {
    format!("/v2/requests/{request_id}")
}

/// A job's state as the API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Accepted, waiting for a worker.
    Queued,
    /// Running on a worker.
    Processing,
    /// Done: the result body is ready.
    Completed,
    /// Errored, content blocks included.
    Failed,
    /// A state this client does not know; an error, never a reason to keep waiting.
    Unknown(String),
}

impl JobState {
    /// Parses the `status` string of a body (case-insensitive, surrounding blanks ignored).
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "QUEUED" => Self::Queued,
            "PROCESSING" => Self::Processing,
            "COMPLETED" => Self::Completed,
            "FAILED" => Self::Failed,
            _ => Self::Unknown(s.to_owned()),
        }
    }

    /// The wire spelling of the state.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Queued => "QUEUED",
            Self::Processing => "PROCESSING",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
            Self::Unknown(s) => s,
        }
    }

    /// True for COMPLETED and FAILED.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer to `POST /v2/{model}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SubmitResponse {
    /// The job's id; `None` in a malformed answer (an error, never a guess).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The state at submission, normally `QUEUED`.
    #[serde(default)]
    pub status: String,
    /// Absolute URL of the status endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_url: Option<String>,
    /// Absolute URL of the result endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
    /// Alias of `status_url` some deployments send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_url: Option<String>,
}

/// The answer to the status endpoint, and the common part of the result body.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StatusResponse {
    /// The job's state, e.g. `PROCESSING`.
    #[serde(default)]
    pub status: String,
    /// The job's id, when the server repeats it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Timing and billing figures; shape varies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Value>,
    /// Error detail on FAILED (a string, sometimes an object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

impl StatusResponse {
    /// The parsed state.
    pub fn state(&self) -> JobState {
        JobState::parse(&self.status)
    }

    /// The error detail as display text, if any.
    pub fn error_text(&self) -> Option<String> {
        self.error.as_ref().map(value_text)
    }
}

/// The figures of a finished job that segflux shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Server compute seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference_time: Option<f64>,
    /// What the job cost, when reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// The account's remaining credits, when reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_credits: Option<f64>,
}

impl Metrics {
    /// Reads the known figures out of a `metrics` object (numbers or numeric strings).
    pub fn from_value(v: Option<&Value>) -> Self {
        let get = |k: &str| v.and_then(|m| m.get(k)).and_then(value_f64);
        Self {
            inference_time: get("inference_time"),
            cost: get("cost"),
            remaining_credits: get("remaining_credits"),
        }
    }
}

/// The `error` text of an error body, or of any JSON body that carries one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    /// The usual field.
    #[serde(default)]
    pub error: Option<Value>,
    /// Seen on some gateways.
    #[serde(default)]
    pub message: Option<Value>,
    /// Seen on some frameworks.
    #[serde(default)]
    pub detail: Option<Value>,
}

impl ErrorBody {
    /// The best error text in `body`, if it is JSON and carries one.
    pub fn text_of(body: &[u8]) -> Option<String> {
        let e: Self = serde_json::from_slice(body).ok()?;
        e.error.or(e.message).or(e.detail).map(|v| value_text(&v))
    }
}

/// Display text of a JSON value: a string without quotes, anything else as compact JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A server's figure, only when it is a finite number (`"NaN"`, `"inf"` and `1e999` parse as
/// floats, and would panic the duration arithmetic they feed).
fn value_f64(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    n.filter(|n: &f64| n.is_finite() && n.abs() < 1e12)
}

#[cfg(test)]
mod tests;

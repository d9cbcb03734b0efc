//! Wire types of Segmind's v2 async API, shared by the client and the emulator.
//!
//! Serde only: no I/O lives here. The rules come from `shared/spec/segmind-api.md`: the submit,
//! status and result bodies, the job states, and the many shapes an image model's `output`
//! can take. Parsing is liberal (unknown keys are ignored, numbers may arrive as strings).

pub mod history;

use base64::Engine as _;
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

/// Segmind's storage origin (spec: segmind-api.md, "upload a local file"); the key goes there.
pub const STORAGE_ORIGIN: &str = "https://workflows-api.segmind.com";

/// Uploads a local file: `POST` `{"data_urls": ["data:…"]}`.
pub const UPLOAD_PATH: &str = "/upload-asset";

/// Path of the account's credits endpoint (on the API origin).
pub const CREDITS_PATH: &str = "/v1/get-user-credits";

/// The answer to [`CREDITS_PATH`]: the account's credits and free credits, in USD. Either
/// may be missing (unknown, never 0): the shape beyond these two fields is not documented.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Credits {
    /// Paid credits left.
    pub credits: Option<f64>,
    /// Free credits left.
    #[serde(rename = "free-credits")]
    pub free_credits: Option<f64>,
}

impl Credits {
    /// Reads the two figures out of the body (numbers or numeric strings; `free_credits`
    /// accepted for `free-credits`).
    pub fn from_value(v: &Value) -> Self {
        let get = |k: &str| v.get(k).and_then(value_f64);
        Self {
            credits: get("credits"),
            free_credits: get("free-credits").or_else(|| get("free_credits")),
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

/// Where a finished job's image is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRef {
    /// To be downloaded (without the API key) from this URL.
    Url(String),
    /// Sent inline, base64-decoded.
    Inline(Vec<u8>),
}

/// Finds the image in a result body's `output`, whatever its shape (see the spec's list):
/// a URL string, a list of them, an object with `url` / `image_url` / `image`, a list of
/// such objects, base64 or a `data:` URI, or any of these JSON-encoded inside a string.
pub fn extract_image(output: &Value) -> Option<ImageRef> {
    extract_depth(output, 0)
}

fn extract_depth(v: &Value, depth: u8) -> Option<ImageRef> {
    if depth > 4 {
        return None;
    }
    match v {
        Value::String(s) => image_from_str(s, depth),
        Value::Array(items) => items.iter().find_map(|i| extract_depth(i, depth + 1)),
        Value::Object(map) => ["url", "image_url", "image", "output", "images", "data"]
            .iter()
            .filter_map(|k| map.get(*k))
            .find_map(|i| extract_depth(i, depth + 1)),
        _ => None,
    }
}

fn image_from_str(s: &str, depth: u8) -> Option<ImageRef> {
    let s = s.trim();
    if s.starts_with("http://") || s.starts_with("https://") {
        return Some(ImageRef::Url(s.to_owned()));
    }
    if s.starts_with('[') || s.starts_with('{') || s.starts_with('"') {
        let inner: Value = serde_json::from_str(s).ok()?;
        return extract_depth(&inner, depth + 1);
    }
    let b64 = match s.strip_prefix("data:") {
        Some(rest) => rest.split_once(";base64,")?.1,
        None => s,
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    // Only accept decoded bytes that look like an image; a random word is not base64 output.
    image::guess_format(&bytes).ok()?;
    Some(ImageRef::Inline(bytes))
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
mod tests {
    use super::*;
    use serde_json::json;

    fn tiny_png() -> Vec<u8> {
        let img = image::RgbImage::new(2, 2);
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn request_ids_are_checked_before_they_reach_a_url() {
        assert!(valid_request_id("3f2a9c1e-0b7d-4e5f-8a6b-1c2d3e4f5a6b"));
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a b",
            "%2e%2e",
            "x?y",
            &"a".repeat(129),
        ] {
            assert!(!valid_request_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn states_parse_and_unknown_is_kept_verbatim() {
        assert_eq!(JobState::parse("queued"), JobState::Queued);
        assert_eq!(JobState::parse("COMPLETED"), JobState::Completed);
        assert_eq!(JobState::parse("CANCELLED").as_str(), "CANCELLED");
        assert!(!JobState::parse("CANCELLED").is_terminal());
        assert!(JobState::Failed.is_terminal());
    }

    #[test]
    fn every_output_shape_yields_the_image() {
        let url = "https://cdn.example/a.jpg";
        let want = Some(ImageRef::Url(url.into()));
        let shapes = [
            json!(url),
            json!([url, "https://cdn.example/b.jpg"]),
            json!({"url": url}),
            json!({"image_url": url}),
            json!({"image": url}),
            json!([{"url": url}]),
            json!(format!("[\"{url}\"]")),
            json!(format!("{{\"image_url\": \"{url}\"}}")),
            json!(format!("\"{url}\"")),
        ];
        for s in shapes {
            assert_eq!(extract_image(&s), want, "shape {s}");
        }
    }

    #[test]
    fn base64_and_data_uri_outputs_decode() {
        let png = tiny_png();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
        let want = Some(ImageRef::Inline(png));
        assert_eq!(extract_image(&json!(b64.clone())), want);
        assert_eq!(
            extract_image(&json!(format!("data:image/png;base64,{b64}"))),
            want
        );
        assert_eq!(extract_image(&json!([{ "image": b64 }])), want);
    }

    #[test]
    fn outputs_without_an_image_are_none() {
        for v in [
            json!(null),
            json!(42),
            json!("hello"),
            json!({"text": "x"}),
            json!([]),
        ] {
            assert_eq!(extract_image(&v), None, "{v}");
        }
    }

    #[test]
    fn metrics_accept_numbers_and_numeric_strings() {
        let m = Metrics::from_value(Some(
            &json!({"inference_time": "13.5", "cost": 0.06, "x": 1}),
        ));
        assert_eq!(m.inference_time, Some(13.5));
        assert_eq!(m.cost, Some(0.06));
        assert_eq!(m.remaining_credits, None);
    }

    #[test]
    fn figures_that_are_not_finite_numbers_are_unknown() {
        for bad in [
            json!("NaN"),
            json!("inf"),
            json!("-inf"),
            json!("1e999"),
            json!(1e300),
        ] {
            let m = Metrics::from_value(Some(&json!({ "inference_time": bad })));
            assert_eq!(m.inference_time, None, "{bad}");
        }
    }

    #[test]
    fn credits_read_both_spellings_and_keep_missing_as_unknown() {
        let c = Credits::from_value(&json!({"credits": 12.5, "free-credits": "0.018"}));
        assert_eq!((c.credits, c.free_credits), (Some(12.5), Some(0.018)));
        let c = Credits::from_value(&json!({"free_credits": 1, "x": true}));
        assert_eq!((c.credits, c.free_credits), (None, Some(1.0)));
        let wire = serde_json::to_value(Credits {
            credits: Some(2.0),
            free_credits: Some(0.5),
        })
        .unwrap();
        assert_eq!(wire, json!({"credits": 2.0, "free-credits": 0.5}));
    }

    #[test]
    fn error_text_comes_from_error_message_or_detail() {
        assert_eq!(
            ErrorBody::text_of(br#"{"error":"bad seed"}"#).as_deref(),
            Some("bad seed")
        );
        assert_eq!(
            ErrorBody::text_of(br#"{"detail":"nope"}"#).as_deref(),
            Some("nope")
        );
        assert_eq!(ErrorBody::text_of(b"<html>502</html>"), None);
    }
}

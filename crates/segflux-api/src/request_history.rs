//! Wire types of Segmind's request history (spec: "Account, storage and history endpoints"):
//! one past request of any age, and the paged list filtered by date and model. Shared by the
//! client and the emulator; serde only.
//!
//! Only the fields the spec names are read, each optional: a missing field is unknown, never
//! an error, and numbers or JSON may arrive as strings.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Path of one request's history record.
pub fn record_path(request_id: &str) -> String {
    format!("/inference-request/request-history/{request_id}")
}

/// Path of the paged list (the query is added by the caller).
pub const LIST_PATH: &str = "/inference-request/request-history";

/// The longest date window the list accepts, in days.
pub const MAX_WINDOW_DAYS: u64 = 31;

/// The request-history origin of the real service (with `--base-url`, the base URL).
pub const HISTORY_ORIGIN: &str = "https://api.spotprod.segmind.com";

/// One past request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// Its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The model slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// `COMPLETED`, `FAILED` or `PENDING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_status: Option<String>,
    /// What it cost, USD (a number, or a number in a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_deduction: Option<Value>,
    /// The inputs as sent (an object, or one JSON-encoded in a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Value>,
    /// The output: any of the shapes [`super::extract_image`] reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_url: Option<Value>,
    /// Server time, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Value>,
    /// When it was submitted, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When it last changed, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// The error of a failed request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

/// What a request-history record says of its job: settled (COMPLETED, FAILED) or not yet
/// (PENDING, and any other spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordState {
    /// Not settled.
    Pending,
    /// COMPLETED.
    Completed,
    /// FAILED.
    Failed,
}

impl HistoryRecord {
    /// The inputs as a JSON object, whether sent as one or as a string holding one.
    pub fn body(&self) -> Option<Value> {
        match self.request_body.as_ref()? {
            Value::String(s) => serde_json::from_str(s).ok(),
            other => Some(other.clone()),
        }
    }

    /// The cost in USD, if the record says.
    pub fn cost(&self) -> Option<f64> {
        match self.credits_deduction.as_ref()? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Whether the record's job is settled, and how.
    pub fn state(&self) -> RecordState {
        match self.status().as_str() {
            "COMPLETED" => RecordState::Completed,
            "FAILED" => RecordState::Failed,
            _ => RecordState::Pending,
        }
    }

    /// The record's status as the history spells it, upper-cased (`PENDING` when absent).
    pub fn status(&self) -> String {
        self.model_status
            .as_deref()
            .unwrap_or("PENDING")
            .trim()
            .to_ascii_uppercase()
    }

    /// Whether `body` (what segflux sent) matches the record's inputs: every key segflux
    /// sent has the same value there (a number may come back as a string, and the other
    /// way round); keys the server added are ignored. A local image prompt, journaled as
    /// `sha256:<hex>` before its upload, matches any image prompt the record carries. What
    /// a history may drop or shorten is tolerated (see [`Self::matches_with`]).
    pub fn matches(&self, body: &Value) -> bool {
        self.matches_with(body, &serde_json::Map::new())
    }

    /// [`Self::matches`], where a key missing from the record is no mismatch when segflux
    /// sent a value a history may leave out: `false`, `null`, `0`, `""`, or the value
    /// `defaults` names for that key (a default the server need not store). A recorded text
    /// that is a prefix of ours, at least [`MIN_SHORTENED_CHARS`] characters long (an
    /// ellipsis after it allowed), is the same text shortened.
    pub fn matches_with(&self, body: &Value, defaults: &serde_json::Map<String, Value>) -> bool {
        let (Some(Value::Object(theirs)), Value::Object(ours)) = (self.body(), body) else {
            return false;
        };
        ours.iter().all(|(k, v)| match theirs.get(k) {
            Some(t) => {
                loosely_equal(v, t)
                    || shortened(v, t)
                    || (k == "image_prompt" && v.as_str().is_some_and(|s| s.starts_with("sha256:")))
            }
            None => droppable(v) || defaults.get(k).is_some_and(|d| loosely_equal(v, d)),
        })
    }
}

/// The shortest recorded text taken for a shortened copy of a longer one.
pub const MIN_SHORTENED_CHARS: usize = 32;

/// A value a history may leave out of `request_body`.
fn droppable(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// Whether `theirs` is `ours` cut short (a long prompt the history stored shortened).
fn shortened(ours: &Value, theirs: &Value) -> bool {
    let (Some(ours), Some(theirs)) = (ours.as_str(), theirs.as_str()) else {
        return false;
    };
    let cut = theirs.trim_end_matches('\u{2026}').trim_end_matches("...");
    cut.chars().count() >= MIN_SHORTENED_CHARS && ours.starts_with(cut)
}

fn loosely_equal(a: &Value, b: &Value) -> bool {
    a == b || super::value_text(a) == super::value_text(b)
}

/// One page of the list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The records, newest first.
    #[serde(default)]
    pub data: Vec<HistoryRecord>,
    /// This page's number (1-based), when the server says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// Records per page, when the server says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u64>,
    /// Records in the whole list, when the server says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Pages in the whole list at the server's `per_page`, when the server says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<u64>,
}

/// Unix milliseconds as a jiff timestamp (the far future for what no calendar holds).
fn timestamp(unix_ms: u64) -> jiff::Timestamp {
    i64::try_from(unix_ms)
        .ok()
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .unwrap_or(jiff::Timestamp::MAX)
}

/// Unix milliseconds as RFC 3339 UTC with milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339_ms(unix_ms: u64) -> String {
    timestamp(unix_ms)
        .strftime("%Y-%m-%dT%H:%M:%S.%3fZ")
        .to_string()
}

/// The UTC day of Unix milliseconds, `YYYY-MM-DD` (the list's date filter).
pub fn utc_date(unix_ms: u64) -> String {
    timestamp(unix_ms).strftime("%Y-%m-%d").to_string()
}

/// Parses an RFC 3339 time (any offset, with or without fractions; a real date and time,
/// checked by jiff) to Unix milliseconds; `None` before 1970.
pub fn parse_rfc3339_ms(text: &str) -> Option<u64> {
    let at = text.trim().parse::<jiff::Timestamp>().ok()?;
    u64::try_from(at.as_millisecond()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_and_dates_round_trip() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        let t = 1_780_000_123_456;
        let s = rfc3339_ms(t);
        assert_eq!(s, "2026-05-28T20:28:43.456Z");
        assert_eq!(parse_rfc3339_ms(&s), Some(t));
        assert_eq!(parse_rfc3339_ms("2026-05-28T20:28:43Z"), Some(t - 456));
        assert_eq!(utc_date(t), "2026-05-28");
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00Z").map(utc_date),
            Some("2024-02-29".into())
        );
        assert_eq!(parse_rfc3339_ms("not a time"), None);
        assert_eq!(parse_rfc3339_ms("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339_ms("2026-02-30T00:00:00Z"), None);
    }

    #[test]
    fn a_record_matches_what_was_sent_loosely_and_reads_liberally() {
        let sent = json!({"prompt": "a fox", "seed": 5, "raw": false});
        let rec: HistoryRecord = serde_json::from_value(json!({
            "request_id": "r1", "model_status": "completed", "credits_deduction": "0.06",
            "request_body": "{\"prompt\":\"a fox\",\"seed\":\"5\",\"raw\":false,\"steps\":3}",
            "something_new": [1, 2]
        }))
        .unwrap();
        assert!(rec.matches(&sent));
        assert_eq!(rec.cost(), Some(0.06));
        assert_eq!(rec.status(), "COMPLETED");
        assert!(!rec.matches(&json!({"prompt": "a fox", "seed": 6})));
        assert!(!HistoryRecord::default().matches(&sent));
        assert_eq!(HistoryRecord::default().status(), "PENDING");
        let page: HistoryPage = serde_json::from_value(json!({"data": [], "extra": 1})).unwrap();
        assert!(page.data.is_empty());
    }

    #[test]
    fn a_record_that_drops_defaults_or_shortens_the_prompt_still_matches() {
        let long = "a lighthouse on a basalt cliff at dusk, waves breaking below, gulls";
        let sent = json!({"prompt": long, "raw": false, "seed": 5, "safety_tolerance": 2});
        let rec = |body: Value| HistoryRecord {
            request_body: Some(body),
            ..HistoryRecord::default()
        };
        let cut = &long[..40];
        let defaults: serde_json::Map<String, Value> =
            serde_json::from_value(json!({"safety_tolerance": 2})).unwrap();
        let dropped = rec(json!({"prompt": format!("{cut}..."), "seed": 5}));
        assert!(dropped.matches_with(&sent, &defaults));
        assert!(!dropped.matches(&sent), "2 is no default without saying so");
        assert!(!rec(json!({"prompt": &long[..10], "seed": 5})).matches_with(&sent, &defaults));
        assert!(!rec(json!({"prompt": cut, "seed": 6})).matches_with(&sent, &defaults));
        let raw = json!({"prompt": long, "raw": true, "seed": 5});
        assert!(!rec(json!({"prompt": long, "seed": 5})).matches(&raw));
    }

    #[test]
    fn a_local_image_prompt_matches_the_url_it_was_uploaded_to() {
        let rec: HistoryRecord = serde_json::from_value(json!({
            "request_id": "r1",
            "request_body": {"prompt": "a fox", "image_prompt": "https://cdn/assets/ab.jpg"}
        }))
        .unwrap();
        assert!(rec.matches(&json!({"prompt": "a fox", "image_prompt": "sha256:ab"})));
        assert!(!rec.matches(&json!({"prompt": "a fox", "image_prompt": "https://other/x.jpg"})));
        assert!(!rec.matches(&json!({"prompt": "a owl", "image_prompt": "sha256:ab"})));
    }
}

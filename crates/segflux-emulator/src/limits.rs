//! What keeps the emulator flat under abuse: a cap on request bodies (413 beyond it), a
//! request log that keeps only the newest entries with their bodies cut short, and the idle
//! time after which a connection that sends no request is closed.
//!
//! Nothing here knows about routes or jobs; the server applies these to every request.

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::{Body, BodyDataStream, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::StreamExt as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::LoggedRequest;
use crate::routes::api;

/// The largest request body read; a longer one is answered 413 (the API takes small JSON).
pub(crate) const MAX_BODY: usize = 256 * 1024;

/// Requests the log keeps; older ones are dropped, oldest first.
pub(crate) const LOG_CAPACITY: usize = 4096;

/// The most of a body the log keeps (tests look at small JSON bodies, kept whole).
pub(crate) const LOG_BODY_BYTES: usize = 4096;

/// The most of a submit body a job keeps (its `params`: what the request history and
/// reconciliation read back). A longer body is kept with its long strings cut.
pub(crate) const JOB_BODY_BYTES: usize = 16 * 1024;

/// The most of one string value a job keeps when its body is over [`JOB_BODY_BYTES`].
const JOB_STRING_BYTES: usize = 2048;

/// How long a connection may wait for (the headers of) its next request.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of an oversized body read (and thrown away) before its 413 is answered: a
/// server that answers without reading closes a socket with unread data, the kernel resets
/// the connection, and the client never sees the 413.
pub(crate) const DRAIN_MAX: usize = 128 * 1024 * 1024;

/// The longest an oversized body is drained for.
pub(crate) const DRAIN_TIME: Duration = Duration::from_secs(20);

/// Draining stops when the client sends nothing for this long (it waits for the answer).
pub(crate) const DRAIN_IDLE: Duration = Duration::from_millis(500);

/// The body, read up to [`MAX_BODY`]; the 413 answer when it is longer (told by its
/// `Content-Length`, or found while reading). The rest of an oversized body is read and
/// dropped first (up to [`DRAIN_MAX`], [`DRAIN_TIME`], or a pause of [`DRAIN_IDLE`]), so that the client, still
/// sending, can read the answer. A body that breaks off (the client went away) reads as
/// empty.
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    max: usize,
) -> Result<Bytes, Response> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut stream = body.into_data_stream();
    if declared.is_some_and(|n| n > max as u64) {
        return Err(drain_then_refuse(stream, 0, max).await);
    }
    let mut kept = Vec::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Ok(Bytes::new());
        };
        if kept.len() + chunk.len() > max {
            return Err(drain_then_refuse(stream, kept.len() + chunk.len(), max).await);
        }
        kept.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(kept))
}

/// Reads what is left of an oversized body, keeping nothing, then the 413. When the body
/// is too long even to drain, the answer also closes the connection.
async fn drain_then_refuse(mut stream: BodyDataStream, mut read: usize, max: usize) -> Response {
    let drained = tokio::time::timeout(DRAIN_TIME, async {
        loop {
            match tokio::time::timeout(DRAIN_IDLE, stream.next()).await {
                Ok(Some(Ok(chunk))) if read + chunk.len() <= DRAIN_MAX => read += chunk.len(),
                Ok(None) => return true,
                _ => return false,
            }
        }
    })
    .await
    .unwrap_or(false);
    let mut answer = too_large(max);
    if !drained {
        answer
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    answer
}

fn too_large(max: usize) -> Response {
    api::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("request body larger than {max} bytes"),
    )
}

/// The body as the log keeps it: whole when short, else the start of its text and its size.
pub(crate) fn log_body(body: Option<&Value>, raw_len: usize) -> Option<Value> {
    let body = body?;
    if raw_len <= LOG_BODY_BYTES {
        return Some(body.clone());
    }
    let text = body.to_string();
    let mut end = LOG_BODY_BYTES.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(Value::String(format!(
        "{}… ({raw_len} bytes, cut in the log)",
        &text[..end]
    )))
}

/// `text` cut to at most `keep` bytes (at a character boundary) with a note of its size.
fn cut(text: &str, keep: usize) -> String {
    let mut end = keep.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes, cut)", &text[..end], text.len())
}

/// A submit body as a job keeps it: whole up to [`JOB_BODY_BYTES`] serialized; else each
/// string (at the top level or in a top-level list) cut to [`JOB_STRING_BYTES`]; if that
/// is still too long, the start of its text as one string. Every key stays when it can.
pub(crate) fn job_body(body: Value) -> Value {
    let size = |v: &Value| serde_json::to_vec(v).map_or(usize::MAX, |b| b.len());
    if size(&body) <= JOB_BODY_BYTES {
        return body;
    }
    let cut_string = |v: &mut Value| {
        if let Value::String(s) = v
            && s.len() > JOB_STRING_BYTES
        {
            *s = cut(s, JOB_STRING_BYTES);
        }
    };
    let mut body = body;
    if let Value::Object(map) = &mut body {
        for value in map.values_mut() {
            cut_string(value);
            if let Value::Array(items) = value {
                items.iter_mut().for_each(cut_string);
            }
        }
    }
    if size(&body) <= JOB_BODY_BYTES {
        return body;
    }
    Value::String(cut(&body.to_string(), JOB_BODY_BYTES))
}

/// A prompt as a job keeps it for its image: whole up to [`JOB_BODY_BYTES`]; else its start
/// and a SHA-256 of the whole, so different long prompts still draw different images.
pub(crate) fn job_prompt(prompt: String) -> String {
    if prompt.len() <= JOB_BODY_BYTES {
        return prompt;
    }
    let digest = Sha256::digest(prompt.as_bytes());
    let hex = digest.iter().fold(String::new(), |mut hex, b| {
        use std::fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
        hex
    });
    format!("{} #{hex}", cut(&prompt, JOB_BODY_BYTES - 100))
}

/// The newest [`LOG_CAPACITY`] requests, addressed by their arrival number.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: VecDeque<LoggedRequest>,
    dropped: usize,
}

impl RequestLog {
    /// Appends `entry`, dropping the oldest past capacity; returns its arrival number.
    pub fn push(&mut self, entry: LoggedRequest) -> usize {
        if self.entries.len() == LOG_CAPACITY {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(entry);
        self.dropped + self.entries.len() - 1
    }

    /// The entry that arrived `number`th, if it is still kept.
    pub fn get_mut(&mut self, number: usize) -> Option<&mut LoggedRequest> {
        let i = number.checked_sub(self.dropped)?;
        self.entries.get_mut(i)
    }

    /// The kept entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &LoggedRequest> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Endpoint, Origin};

    fn entry(path: &str) -> LoggedRequest {
        LoggedRequest {
            origin: Origin::Api,
            endpoint: Endpoint::Other,
            method: "GET".into(),
            path: path.into(),
            api_key: None,
            user_agent: None,
            host: None,
            body: None,
            status: 0,
        }
    }

    #[test]
    fn the_log_keeps_the_newest_entries_and_their_numbers() {
        let mut log = RequestLog::default();
        for i in 0..LOG_CAPACITY + 10 {
            assert_eq!(log.push(entry(&i.to_string())), i);
        }
        assert_eq!(log.iter().count(), LOG_CAPACITY);
        assert_eq!(log.dropped, 10);
        assert_eq!(log.iter().next().map(|e| e.path.as_str()), Some("10"));
        assert!(log.get_mut(9).is_none());
        log.get_mut(LOG_CAPACITY + 9).expect("kept").status = 200;
        assert_eq!(log.iter().last().map(|e| e.status), Some(200));
    }

    #[test]
    fn a_job_keeps_at_most_16_kb_of_its_body() {
        let small = serde_json::json!({"prompt": "a fox", "seed": 1});
        assert_eq!(job_body(small.clone()), small);
        let big = serde_json::json!({
            "prompt": "x".repeat(200_000), "seed": 7, "image_urls": ["y".repeat(50_000)]
        });
        let kept = job_body(big);
        assert!(serde_json::to_vec(&kept).unwrap().len() <= JOB_BODY_BYTES);
        assert_eq!(kept["seed"], 7, "small values stay whole");
        assert!(
            kept["prompt"]
                .as_str()
                .unwrap()
                .ends_with("(200000 bytes, cut)")
        );
        let many: serde_json::Map<String, Value> = (0..100)
            .map(|i| (format!("k{i}"), Value::String("z".repeat(1000))))
            .collect();
        let kept = job_body(Value::Object(many));
        assert!(kept.as_str().unwrap().len() <= JOB_BODY_BYTES + 40);
        let (a, b) = (
            job_prompt("p".repeat(100_000)),
            job_prompt("p".repeat(100_001)),
        );
        assert!(a.len() <= JOB_BODY_BYTES && a != b);
        assert_eq!(job_prompt("short".into()), "short");
    }

    #[test]
    fn long_bodies_are_cut_in_the_log() {
        let big = Value::String("x".repeat(100_000));
        let kept = log_body(Some(&big), 100_002).expect("some");
        assert!(kept.as_str().expect("text").len() < LOG_BODY_BYTES + 100);
        let small = serde_json::json!({"prompt": "a fox"});
        assert_eq!(log_body(Some(&small), 20), Some(small));
    }
}

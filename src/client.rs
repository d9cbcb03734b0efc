//! The one HTTP layer: submit, status, result and image download, with the retry policy.
//!
//! The API key travels only in the `x-api-key` header of requests to the API origin, marked
//! sensitive, and API calls follow no redirect to another origin. Images are fetched with a
//! second client that has no key at all (the CDN is another host, so sharing a pool would save
//! nothing). Never imports clap, indicatif or the printer: progress goes through [`Reporter`].

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{StatusCode, redirect};
use serde_json::Value;

use crate::api::{self, StatusResponse, SubmitResponse};
use crate::error::{Error, Result};
use crate::redact::{Redactor, Userinfo, split_userinfo};
use crate::report::Reporter;
use crate::retry::{self, Backoff, Method, Outcome, Verdict};

mod download;
mod errors;
mod history;
mod key;

pub use history::HistoryQuery;
pub use key::ApiKey;

use errors::{describe, error_text, header, http_error, transport_outcome, uncertain};

/// The user agent on every request.
pub const USER_AGENT: &str = concat!("segflux/", env!("CARGO_PKG_VERSION"));

/// Largest answer to a submit, a status poll or an account call, in bytes.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// Largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// What the submit answered.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The accepted job.
    pub request_id: String,
    /// The whole answer.
    pub response: SubmitResponse,
}

/// The HTTP layer. One per process: its pools are reused by every call.
pub struct Client {
    api: reqwest::Client,
    cdn: reqwest::Client,
    base: String,
    key: ApiKey,
    userinfo: Option<Userinfo>,
    redactor: Redactor,
    backoff: Backoff,
    deadline: Instant,
    reporter: Arc<dyn Reporter>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// One kind of call, for retries and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Submit,
    Status,
    Result,
    History,
    Account,
    Upload,
}

impl Call {
    /// The largest answer read: a result may carry the image itself in base64.
    fn max_answer_bytes(self) -> usize {
        match self {
            Self::Result => usize::try_from(MAX_IMAGE_BYTES * 2).unwrap_or(usize::MAX),
            // A page of request-history records carries each job's parameters.
            Self::History => MAX_ANSWER_BYTES * 8,
            Self::Submit | Self::Status | Self::Account | Self::Upload => MAX_ANSWER_BYTES,
        }
    }
}

/// Reads an answer's body, refusing one longer than `max` before holding more of it.
async fn read_capped(mut resp: reqwest::Response, max: usize) -> Result<Vec<u8>, String> {
    let too_long = || format!("the answer is longer than {max} bytes; refusing to read it");
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_long());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| format!("the answer broke off: {}", describe(&e)))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_long());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl Client {
    /// A client for `base` (e.g. `https://api.segmind.com`) that gives up at `deadline`.
    pub fn new(
        base: &str,
        key: ApiKey,
        backoff: Backoff,
        deadline: Instant,
        reporter: Arc<dyn Reporter>,
    ) -> Result<Self> {
        let same_origin = redirect::Policy::custom(|attempt| {
            let first = attempt.previous().first().map(reqwest::Url::origin);
            if attempt.previous().len() > 5 || first != Some(attempt.url().origin()) {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        // A stalled read is abandoned early enough for a retry to fit in --timeout.
        let read_timeout = (deadline.saturating_duration_since(Instant::now()) / 3)
            .clamp(Duration::from_secs(1), Duration::from_secs(30));
        let api = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(same_origin)
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(read_timeout)
            .build()
            .map_err(|source| Error::Http {
                context: "cannot start the HTTP client".into(),
                source,
            })?;
        let cdn = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(redirect::Policy::limited(5))
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(read_timeout)
            .build()
            .map_err(|source| Error::Http {
                context: "cannot start the HTTP client".into(),
                source,
            })?;
        // The userinfo never becomes part of a URL segflux shows: it goes as basic auth.
        let (base, userinfo) = split_userinfo(base.trim_end_matches('/'));
        let redactor = Redactor::new(Some(key.expose()), userinfo.as_ref());
        Ok(Self {
            api,
            cdn,
            base,
            key,
            userinfo,
            redactor,
            backoff,
            deadline,
            reporter,
        })
    }

    /// Sends `userinfo` as basic auth to the API origin (the base URL's `user:password@`),
    /// and redacts it wherever server text is shown.
    #[must_use]
    pub fn with_userinfo(mut self, userinfo: Option<Userinfo>) -> Self {
        if userinfo.is_some() {
            self.redactor = Redactor::new(Some(self.key.expose()), userinfo.as_ref());
            self.userinfo = userinfo;
        }
        self
    }

    /// The URL of `path` on the API origin (never with the base URL's userinfo).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `POST /v2/{model}`. Retried only where the submit rule allows.
    pub async fn submit(&self, model: &str, body: &Value) -> Result<Submitted> {
        let url = self.url(&api::submit_path(model));
        let (_, bytes) = self
            .send(Call::Submit, &url, || self.api.post(&url).json(body))
            .await
            .map_err(|e| match e {
                Error::NotFound(m) => Error::NotFound(format!("unknown model {model:?}: {m}")),
                other => other,
            })?;
        let response: SubmitResponse = serde_json::from_slice(&bytes).map_err(|e| {
            Error::SubmitUncertain(format!(
                "the submit answer was not valid JSON ({e}); the job may or may not have been accepted"
            ))
        })?;
        let request_id = response
            .request_id
            .clone()
            .filter(|id| crate::api::valid_request_id(id))
            .ok_or_else(|| {
                Error::SubmitUncertain(
                    "the submit answer carried no valid request_id; the job may or may not have been accepted"
                        .into(),
                )
            })?;
        Ok(Submitted {
            request_id,
            response,
        })
    }

    /// `GET /v2/requests/{id}/status`; a FAILED job (422) is a payload, not an error.
    pub async fn status(&self, request_id: &str) -> Result<StatusResponse> {
        let url = self.url(&api::status_path(request_id));
        let (_, bytes) = self.send(Call::Status, &url, || self.api.get(&url)).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Network(format!("the status answer was not valid JSON: {e}")))
    }

    /// `GET /v2/requests/{id}`: the final body (status, metrics, output, model keys).
    pub async fn result(&self, request_id: &str) -> Result<Value> {
        let url = self.url(&api::result_path(request_id));
        let (_, bytes) = self.send(Call::Result, &url, || self.api.get(&url)).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Network(format!("the result answer was not valid JSON: {e}")))
    }

    /// `GET /v1/get-user-credits` on the API origin (the only origin the key goes to):
    /// the account's credits and free credits.
    pub async fn credits(&self) -> Result<api::Credits> {
        let url = self.url(api::CREDITS_PATH);
        let (_, bytes) = self
            .send(Call::Account, &url, || self.api.get(&url))
            .await?;
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Network(format!("the credits answer was not valid JSON: {e}")))?;
        Ok(api::Credits::from_value(&body))
    }

    /// `POST /upload-asset` on Segmind's storage origin (with `--base-url`/`--emulator`: the
    /// base URL's origin): one file as a `data:` URL; the URL it is served at, from
    /// `urls` or `file_urls`. Retried like a read: the storage names files by content.
    pub async fn upload(&self, data_url: &str) -> Result<String> {
        let url = if self.base == crate::api::DEFAULT_BASE_URL {
            format!("{}{}", api::STORAGE_ORIGIN, api::UPLOAD_PATH)
        } else {
            self.url(api::UPLOAD_PATH)
        };
        let body = serde_json::json!({ "data_urls": [data_url] });
        let (_, bytes) = self
            .send(Call::Upload, &url, || self.api.post(&url).json(&body))
            .await?;
        let answer: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Network(format!("the upload answer was not valid JSON: {e}")))?;
        ["urls", "file_urls"]
            .iter()
            .find_map(|k| answer.get(k)?.get(0)?.as_str())
            .filter(|u| crate::local_image::is_url(u))
            .map(str::to_owned)
            .ok_or_else(|| Error::Network("the upload answer carried no http(s) URL".into()))
    }

    /// Sends an API request with the key, retrying per the policy; returns a success (or a
    /// terminal-state body for status/result) or the typed error.
    async fn send(
        &self,
        call: Call,
        url: &str,
        make: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<(StatusCode, Vec<u8>)> {
        let method = if call == Call::Submit {
            Method::Submit
        } else {
            Method::Get
        };
        let verb = if matches!(call, Call::Submit | Call::Upload) {
            "POST"
        } else {
            "GET"
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (outcome, headers, text) = match self.attempt(call, verb, url, &make).await {
                Ok(answer) => return Ok(answer),
                Err(failed) => failed,
            };
            if !matches!(outcome, Outcome::Status(_)) {
                self.log(&format!("< {text}"));
            }
            match retry::classify(method, outcome) {
                Verdict::Fail => return Err(http_error(outcome, &text)),
                Verdict::Uncertain => return Err(uncertain(outcome, &text)),
                Verdict::Retry => {}
            }
            let hint = retry::server_hint(
                header(&headers, "retry-after"),
                header(&headers, "x-rate-limit-reset-at-utc"),
                SystemTime::now(),
            );
            let what = match call {
                Call::Submit => "submit",
                Call::Status => "poll",
                Call::Result => "result fetch",
                Call::History => "request-history read",
                Call::Account => "credits check",
                Call::Upload => "upload",
            };
            if self.pause(attempt, hint, what, &text).await.is_err() {
                return Err(Error::Network(format!(
                    "{text} (gave up after {attempt} attempts)"
                )));
            }
        }
    }

    /// One try of an API call: the answer when it is one to return (a success with a JSON
    /// body, or a terminal-state body for status/result), else how it failed, the response's
    /// headers (for Retry-After) and a description.
    async fn attempt(
        &self,
        call: Call,
        verb: &str,
        url: &str,
        make: &impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<(StatusCode, Vec<u8>), (Outcome, HeaderMap, String)> {
        let started = Instant::now();
        self.log(&format!("> {verb} {url} (x-api-key: redacted)"));
        // Each call is bounded by what is left of --timeout (at least 1 s, at most 60 s).
        let budget = self
            .deadline
            .saturating_duration_since(Instant::now())
            .clamp(Duration::from_secs(1), Duration::from_mins(1));
        let mut request = make().headers(self.key_header()).timeout(budget);
        if let Some(u) = &self.userinfo {
            request = request.basic_auth(&u.user, u.password.as_deref());
        }
        let redact = |text: String| self.redactor.text(&text).into_owned();
        let resp = request.send().await.map_err(|e| {
            (
                transport_outcome(&e),
                HeaderMap::new(),
                redact(describe(&e)),
            )
        })?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = match read_capped(resp, call.max_answer_bytes()).await {
            // Where server text enters: the key and the userinfo go before anything reads it.
            Ok(body) => self.redactor.bytes(&body).into_owned(),
            Err(text) => return Err((Outcome::LostAfterSend, headers, redact(text))),
        };
        self.log(&format!(
            "< {status} {} bytes in {} ms",
            body.len(),
            started.elapsed().as_millis()
        ));
        if is_terminal_payload(call, &body) {
            return Ok((status, body));
        }
        if !status.is_success() {
            let text = error_text(status, &headers, &body);
            return Err((Outcome::Status(status.as_u16()), headers, text));
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(_) => Ok((status, body)),
            // A proxy's garbage: as good as no answer at all.
            Err(e) => {
                let text = format!("the answer ({status}) was not valid JSON: {e}");
                Err((Outcome::LostAfterSend, headers, text))
            }
        }
    }

    /// Sleeps before the next attempt; `Err` when attempts or the deadline are used up.
    async fn pause(
        &self,
        attempt: u32,
        hint: Option<Duration>,
        what: &str,
        reason: &str,
    ) -> Result<(), ()> {
        if attempt >= self.backoff.max_attempts {
            return Err(());
        }
        let delay = self
            .backoff
            .delay(attempt, hint, crate::random::unit_random());
        if Instant::now() + delay >= self.deadline {
            return Err(());
        }
        self.reporter
            .retry(what, &self.redactor.text(reason), delay);
        tokio::time::sleep(delay).await;
        Ok(())
    }

    /// A `-v` line, redacted (a URL from a server's answer may quote the key).
    fn log(&self, line: &str) {
        self.reporter.http(&self.redactor.text(line));
    }

    fn key_header(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(mut v) = HeaderValue::from_str(self.key.expose()) {
            v.set_sensitive(true);
            h.insert(api::API_KEY_HEADER, v);
        }
        h
    }
}

/// Whether a status/result body announces a terminal state: a valid payload whatever the code.
fn is_terminal_payload(call: Call, body: &[u8]) -> bool {
    matches!(call, Call::Status | Call::Result)
        && serde_json::from_slice::<StatusResponse>(body).is_ok_and(|s| s.state().is_terminal())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_shows_in_debug_or_display() {
        let key = ApiKey::new("sk-very-secret").expect("non-empty");
        assert_eq!(format!("{key}"), "(redacted)");
        assert!(!format!("{key:?}").contains("secret"));
        assert!(ApiKey::new("  ").is_none());
    }

    #[test]
    fn final_answers_map_onto_the_exit_code_table() {
        let code = |c| http_error(Outcome::Status(c), "x").exit_code();
        assert_eq!(code(401), 3);
        assert_eq!(code(403), 3);
        assert_eq!(code(406), 4);
        assert_eq!(code(422), 5);
        assert_eq!(code(404), 7);
        assert_eq!(code(410), 7);
        assert_eq!(code(400), 1);
        assert_eq!(uncertain(Outcome::Status(500), "x").exit_code(), 8);
    }

    #[test]
    fn error_text_prefers_the_json_error_and_hides_html() {
        let h = HeaderMap::new();
        assert_eq!(
            error_text(StatusCode::BAD_REQUEST, &h, br#"{"error":"bad ratio"}"#),
            "HTTP 400: bad ratio"
        );
        let mut html = HeaderMap::new();
        html.insert("content-type", HeaderValue::from_static("text/html"));
        assert_eq!(
            error_text(StatusCode::BAD_GATEWAY, &html, b"<html>...</html>"),
            "HTTP 502: Bad Gateway"
        );
    }

    #[test]
    fn only_terminal_bodies_are_payloads_on_error_codes() {
        assert!(is_terminal_payload(
            Call::Status,
            br#"{"status":"FAILED","error":"x"}"#
        ));
        assert!(!is_terminal_payload(Call::Status, br#"{"error":"x"}"#));
        assert!(!is_terminal_payload(
            Call::Submit,
            br#"{"status":"FAILED"}"#
        ));
    }
}

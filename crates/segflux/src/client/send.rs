//! One API exchange with the key, and its retries: send a request, read the answer under a
//! size cap, classify how it failed (per the retry policy) and pause before the next try.

use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

use super::errors::{describe, error_text, header, http_error, transport_outcome, uncertain};
use super::{Client, MAX_ANSWER_BYTES, MAX_IMAGE_BYTES};
use crate::client::retry::{self, Method, Outcome, Verdict};
use crate::domain::progress::{CallKind, Retry, RetryCause};
use crate::error::{Error, Result};
use segflux_api::{self, StatusResponse};

/// One kind of call, for retries and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Call {
    Submit,
    Status,
    Result,
    RequestHistory,
    Account,
    Upload,
}

impl Call {
    /// The largest answer read: a result may carry the image itself in base64.
    fn max_answer_bytes(self) -> usize {
        match self {
            Self::Result => usize::try_from(MAX_IMAGE_BYTES * 2).unwrap_or(usize::MAX),
            // A page of request-history records carries each job's parameters.
            Self::RequestHistory => MAX_ANSWER_BYTES * 8,
            Self::Submit | Self::Status | Self::Account | Self::Upload => MAX_ANSWER_BYTES,
        }
    }
}

/// Why [`Client::pause`] would not wait for another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GaveUp {
    /// The attempts are used up.
    Attempts,
    /// The pause would end past the deadline.
    Deadline,
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
    /// Sends an API request with the key, retrying per the policy; returns a success (or a
    /// terminal-state body for status/result) or the typed error.
    pub(super) async fn send(
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
            let kind = match call {
                Call::Submit => CallKind::Submit,
                Call::Status => CallKind::Poll,
                Call::Result => CallKind::ResultFetch,
                Call::RequestHistory => CallKind::RequestHistoryRead,
                Call::Account => CallKind::CreditsCheck,
                Call::Upload => CallKind::Upload,
            };
            if let Err(why) = self
                .pause(attempt, hint, (kind, cause(outcome)), &text)
                .await
            {
                return Err(self.gave_up(call, why, &text, attempt));
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
            let text = self
                .redactor
                .text(&error_text(status, &headers, &body))
                .into_owned();
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
    pub(super) async fn pause(
        &self,
        attempt: u32,
        hint: Option<Duration>,
        (call, cause): (CallKind, RetryCause),
        reason: &str,
    ) -> Result<(), GaveUp> {
        if attempt >= self.backoff.max_attempts {
            return Err(GaveUp::Attempts);
        }
        let delay = self
            .backoff
            .delay(attempt, hint, crate::domain::random::unit_random());
        if Instant::now() + delay >= self.deadline {
            return Err(GaveUp::Deadline);
        }
        let reason = self.redactor.text(reason);
        self.reporter.retry(&Retry {
            call,
            cause,
            reason: &reason,
            delay,
        });
        tokio::time::sleep(delay).await;
        Ok(())
    }

    /// The error of a call that will not be tried again. A poll or result the server asks to
    /// wait past `--timeout` for is timed out: the job may still finish (exit 6, the caller
    /// adds the id). Anything else is a network error (exit 8).
    fn gave_up(&self, call: Call, why: GaveUp, text: &str, attempt: u32) -> Error {
        if why == GaveUp::Deadline && matches!(call, Call::Status | Call::Result) {
            let waited = self.deadline.saturating_duration_since(self.started);
            let secs = waited.as_secs() + u64::from(waited.subsec_nanos() > 0);
            return Error::Timeout(secs.max(1));
        }
        Error::Network(format!("{text} (gave up after {attempt} attempts)"))
    }

    /// A `-v` line, redacted (a URL from a server's answer may quote the key).
    pub(super) fn log(&self, line: &str) {
        self.reporter.http(&self.redactor.text(line));
    }

    fn key_header(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(mut v) = HeaderValue::from_str(self.key.expose()) {
            v.set_sensitive(true);
            h.insert(segflux_api::API_KEY_HEADER, v);
        }
        h
    }
}

/// Whether a status/result body announces a terminal state: a valid payload whatever the code.
pub(super) fn is_terminal_payload(call: Call, body: &[u8]) -> bool {
    matches!(call, Call::Status | Call::Result)
        && serde_json::from_slice::<StatusResponse>(body).is_ok_and(|s| s.state().is_terminal())
}

/// Why a retried attempt failed, as the progress events say it.
pub(super) fn cause(outcome: Outcome) -> RetryCause {
    match outcome {
        Outcome::Status(code) => RetryCause::Status(code),
        Outcome::ConnectFailed | Outcome::LostAfterSend => RetryCause::Connection,
    }
}

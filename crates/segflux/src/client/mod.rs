//! The one HTTP layer: submit, status, result and image download, with the retry policy.
//!
//! The API key travels only in the `x-api-key` header of requests to the API origin, marked
//! sensitive, and API calls follow no redirect to another origin. Images are fetched with a
//! second client that has no key at all (the CDN is another host, so sharing a pool would save
//! nothing). Never imports clap, indicatif or the printer: progress goes through [`Reporter`].
//!
//! This file holds the client and one method per endpoint. One exchange and its retries are
//! in `client/send.rs`; what a failure means in `client/errors.rs`; the image download, the
//! request history and the key type each in their own file.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::redirect;
use serde_json::Value;

use crate::client::retry::Backoff;
use crate::domain::progress::Reporter;
use crate::domain::redact::{Redactor, Userinfo, split_userinfo};
use crate::error::{Error, Result};
use segflux_api::{self, StatusResponse, SubmitResponse};

mod download;
mod errors;
mod key;
mod request_history;
pub mod retry;
mod send;

pub use key::{ApiKey, GivenKey};
pub use request_history::{HistoryQuery, more_after};

use send::Call;

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
    /// When the client was made: `--timeout` is counted from about then.
    started: Instant,
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
        let api = http_client(same_origin, read_timeout)?;
        let cdn = http_client(redirect::Policy::limited(5), read_timeout)?;
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
            started: Instant::now(),
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
        let url = self.url(&segflux_api::submit_path(model));
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
            .filter(|id| segflux_api::valid_request_id(id))
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
        let url = self.url(&segflux_api::status_path(request_id));
        let (_, bytes) = self.send(Call::Status, &url, || self.api.get(&url)).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Network(format!("the status answer was not valid JSON: {e}")))
    }

    /// `GET /v2/requests/{id}`: the final body (status, metrics, output, model keys).
    pub async fn result(&self, request_id: &str) -> Result<Value> {
        let url = self.url(&segflux_api::result_path(request_id));
        let (_, bytes) = self.send(Call::Result, &url, || self.api.get(&url)).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| Error::Network(format!("the result answer was not valid JSON: {e}")))
    }

    /// `GET /v1/get-user-credits` on the API origin (the only origin the key goes to):
    /// the account's credits and free credits.
    pub async fn credits(&self) -> Result<segflux_api::Credits> {
        let url = self.url(segflux_api::CREDITS_PATH);
        let (_, bytes) = self
            .send(Call::Account, &url, || self.api.get(&url))
            .await?;
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Error::Network(format!("the credits answer was not valid JSON: {e}")))?;
        Ok(segflux_api::Credits::from_value(&body))
    }

    /// `POST /upload-asset` on Segmind's storage origin (with `--base-url`/`--emulator`: the
    /// base URL's origin): one file as a `data:` URL; the URL it is served at, from
    /// `urls` or `file_urls`. Retried like a read: the storage names files by content.
    pub async fn upload(&self, data_url: &str) -> Result<String> {
        let url = if self.base == segflux_api::DEFAULT_BASE_URL {
            format!(
                "{}{}",
                segflux_api::STORAGE_ORIGIN,
                segflux_api::UPLOAD_PATH
            )
        } else {
            self.url(segflux_api::UPLOAD_PATH)
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
            .filter(|u| crate::domain::request::is_url(u))
            .map(str::to_owned)
            .ok_or_else(|| Error::Network("the upload answer carried no http(s) URL".into()))
    }
}

/// A reqwest client with segflux's user agent, `redirect` policy and timeouts (the API and
/// the CDN client differ only in their redirect policy).
fn http_client(redirect: redirect::Policy, read_timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(redirect)
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(read_timeout)
        .build()
        .map_err(|source| Error::Http {
            context: "cannot start the HTTP client".into(),
            source,
        })
}

#[cfg(test)]
mod tests;

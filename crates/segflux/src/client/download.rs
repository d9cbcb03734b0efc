//! The image download: no key, http(s) only, a size cap, a complete body, retried on the
//! read rule, bounded by the run's deadline.

use std::time::{Duration, Instant};

use super::errors::{describe, transport_outcome};
use super::{Client, MAX_IMAGE_BYTES};
use crate::client::retry::{self, Method, Outcome, Verdict};
use crate::domain::progress::CallKind;
use crate::error::{Error, Result};

impl Client {
    /// Downloads an image without the key: http(s) only, capped size, complete body, retried.
    pub async fn download(&self, url: &str) -> Result<Vec<u8>> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::Download(format!("the image URL {url:?} is invalid: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Download(format!(
                "refusing to download the image from a non-http(s) URL: {url}"
            )));
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            self.log(&format!("> GET {url} (no key)"));
            let (outcome, err) = match self.download_once(&parsed).await {
                Ok(bytes) => {
                    self.log(&format!(
                        "< 200 {} bytes in {} ms",
                        bytes.len(),
                        started.elapsed().as_millis()
                    ));
                    return Ok(bytes);
                }
                Err((outcome, err)) => (outcome, self.redactor.text(&err).into_owned()),
            };
            self.log(&format!("< {err}"));
            if retry::classify(Method::Get, outcome) != Verdict::Retry {
                return Err(Error::Download(err));
            }
            self.pause(
                attempt,
                None,
                (CallKind::ImageDownload, super::send::cause(outcome)),
                &err,
            )
            .await
            .map_err(|_| Error::Download(format!("{err} (gave up after {attempt} attempts)")))?;
        }
    }

    async fn download_once(&self, url: &reqwest::Url) -> Result<Vec<u8>, (Outcome, String)> {
        // A trickling body must not outlive --timeout either; but an image of a job that took
        // most of it still gets 30 s (and never more than 5 minutes).
        let budget = self
            .deadline
            .saturating_duration_since(Instant::now())
            .clamp(Duration::from_secs(30), Duration::from_mins(5));
        let mut resp = self
            .cdn
            .get(url.clone())
            .timeout(budget)
            .send()
            .await
            .map_err(|e| (transport_outcome(&e), describe(&e)))?;
        let status = resp.status();
        if !status.is_success() {
            return Err((
                Outcome::Status(status.as_u16()),
                format!("the image server answered {status}"),
            ));
        }
        if resp.content_length().is_some_and(|n| n > MAX_IMAGE_BYTES) {
            return Err((
                Outcome::Status(413),
                format!("the image is larger than the {MAX_IMAGE_BYTES}-byte limit"),
            ));
        }
        let expected = resp.content_length();
        let mut bytes = Vec::with_capacity(usize::try_from(expected.unwrap_or(0)).unwrap_or(0));
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            (
                Outcome::LostAfterSend,
                format!("the image download broke off: {}", describe(&e)),
            )
        })? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > MAX_IMAGE_BYTES {
                return Err((
                    Outcome::Status(413),
                    format!("the image is larger than the {MAX_IMAGE_BYTES}-byte limit"),
                ));
            }
        }
        if let Some(n) = expected
            && (bytes.len() as u64) < n
        {
            return Err((
                Outcome::LostAfterSend,
                format!("the image download was short: {} of {n} bytes", bytes.len()),
            ));
        }
        Ok(bytes)
    }
}

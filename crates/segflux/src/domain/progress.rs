//! How domain code (client, wait) tells the user what is happening, without knowing how.
//!
//! The printer implements [`Reporter`]; tests and quiet paths use [`Silent`]. Nothing here
//! prints.

use std::time::Duration;

use segflux_api::JobState;

/// Receives progress from the HTTP layer and the waiting loop.
pub trait Reporter: Send + Sync {
    /// A job was seen in a new state.
    fn state(&self, request_id: &str, state: &JobState, elapsed: Duration);
    /// One HTTP exchange, for `-v` (never contains the key).
    fn http(&self, line: &str);
    /// A request will be retried.
    fn retry(&self, event: &Retry<'_>);
}

/// Which API call an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// The submit (POST of a job).
    Submit,
    /// A status poll.
    Poll,
    /// Reading a finished job's result.
    ResultFetch,
    /// Reading Segmind's request history.
    RequestHistoryRead,
    /// Reading the account's credits.
    CreditsCheck,
    /// Uploading a local image.
    Upload,
    /// Downloading a finished image (from the CDN, without the key).
    ImageDownload,
}

impl CallKind {
    /// How a message names it ("retrying the submit …").
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Poll => "poll",
            Self::ResultFetch => "result fetch",
            Self::RequestHistoryRead => "request-history read",
            Self::CreditsCheck => "credits check",
            Self::Upload => "upload",
            Self::ImageDownload => "image download",
        }
    }
}

/// Why an attempt failed in a way worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryCause {
    /// The server answered with this HTTP status (429: rate-limited).
    Status(u16),
    /// No connection could be made, or it broke.
    Connection,
}

/// A request that will be sent again after `delay`.
#[derive(Debug, Clone, Copy)]
pub struct Retry<'a> {
    /// The call.
    pub call: CallKind,
    /// Why.
    pub cause: RetryCause,
    /// What went wrong, as the user reads it (redacted).
    pub reason: &'a str,
    /// How long until the next attempt.
    pub delay: Duration,
}

impl Retry<'_> {
    /// Whether the server asked segflux to slow down (HTTP 429).
    pub fn rate_limited(&self) -> bool {
        self.cause == RetryCause::Status(429)
    }
}

/// A reporter that discards everything.
#[derive(Debug, Default, Clone, Copy)]
#[cfg(test)]
pub struct Silent;

#[cfg(test)]
impl Reporter for Silent {
    fn state(&self, _: &str, _: &JobState, _: Duration) {}
    fn http(&self, _: &str) {}
    fn retry(&self, _: &Retry<'_>) {}
}

//! The retry policy: which failures are retried (method × outcome), and how long to wait.
//!
//! Pure functions, no I/O, so the classification table is unit-tested row by row. The submit
//! rule comes from `shared/spec/segmind-api.md`: a submit the server may already have accepted
//! is never sent again (each accepted submit is billed).

use std::time::{Duration, SystemTime};

/// Whether a request may be repeated without side effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `POST /v2/{model}`: billed once accepted.
    Submit,
    /// Status, result and download: safe to repeat.
    Get,
}

/// How one attempt ended, as far as retrying cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The connection could not be made; the request was never written.
    ConnectFailed,
    /// The connection broke, timed out or the body was cut after the request was written.
    LostAfterSend,
    /// The server answered with this status.
    Status(u16),
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Try again after a delay.
    Retry,
    /// Give up: the answer is final.
    Fail,
    /// Give up: a submit that may have been accepted; sending it again could bill twice.
    Uncertain,
}

/// The retry table.
pub fn classify(method: Method, outcome: Outcome) -> Verdict {
    match (method, outcome) {
        (_, Outcome::ConnectFailed | Outcome::Status(429 | 502 | 503))
        | (Method::Get, Outcome::LostAfterSend | Outcome::Status(500..=599)) => Verdict::Retry,
        // Any other 5xx (500, 504, a proxy's 520/524…) may come after the job was accepted.
        (Method::Submit, Outcome::LostAfterSend | Outcome::Status(500..=599)) => Verdict::Uncertain,
        (_, Outcome::Status(_)) => Verdict::Fail,
    }
}

/// Backoff schedule: exponential with full jitter, capped per attempt.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Ceiling of the first delay.
    pub base: Duration,
    /// Ceiling of any delay we choose ourselves.
    pub cap: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Multiply every delay (the server's included) by 0: for tests only.
    pub no_delay: bool,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(10),
            max_attempts: 8,
            no_delay: false,
        }
    }
}

impl Backoff {
    /// The delay before attempt `attempt + 1` (attempt counts from 1), given a server hint.
    /// `unit` is a random number in `[0, 1)`.
    pub fn delay(&self, attempt: u32, server_hint: Option<Duration>, unit: f64) -> Duration {
        if self.no_delay {
            return Duration::ZERO;
        }
        if let Some(hint) = server_hint {
            // The server knows when the window reopens; a little extra avoids arriving early.
            return hint + Duration::from_millis(50);
        }
        let ceiling = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.cap);
        ceiling.mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// The server's "come back later" hint: `Retry-After` (seconds or HTTP date), else
/// `x-rate-limit-reset-at-utc` (HTTP date, RFC 3339 or Unix seconds).
pub fn server_hint(
    retry_after: Option<&str>,
    reset_at: Option<&str>,
    now: SystemTime,
) -> Option<Duration> {
    if let Some(v) = retry_after.map(str::trim) {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(v) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    let at = parse_instant(reset_at?.trim())?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn parse_instant(v: &str) -> Option<SystemTime> {
    if let Ok(secs) = v.parse::<u64>() {
        return Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
    }
    if let Ok(at) = httpdate::parse_http_date(v) {
        return Some(at);
    }
    // RFC 3339 with any offset, checked as a real date and time (jiff).
    let at = v.parse::<jiff::Timestamp>().ok()?;
    let secs = u64::try_from(at.as_second()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Method::{Get, Submit};
    use Outcome::{ConnectFailed, LostAfterSend, Status};
    use Verdict::{Fail, Retry, Uncertain};

    #[test]
    fn the_classification_table() {
        let rows = [
            (Submit, ConnectFailed, Retry),
            (Submit, Status(429), Retry),
            (Submit, Status(502), Retry),
            (Submit, Status(503), Retry),
            (Submit, Status(500), Uncertain),
            (Submit, Status(504), Uncertain),
            (Submit, LostAfterSend, Uncertain),
            (Get, ConnectFailed, Retry),
            (Get, LostAfterSend, Retry),
            (Get, Status(429), Retry),
            (Get, Status(500), Retry),
            (Get, Status(502), Retry),
            (Get, Status(503), Retry),
            (Get, Status(504), Retry),
            (Get, Status(520), Retry),
            (Submit, Status(524), Uncertain),
            (Submit, Status(501), Uncertain),
        ];
        for (m, o, v) in rows {
            assert_eq!(classify(m, o), v, "{m:?} {o:?}");
        }
        for code in [400, 401, 403, 404, 406, 410, 422] {
            assert_eq!(classify(Get, Status(code)), Fail, "GET {code}");
            assert_eq!(classify(Submit, Status(code)), Fail, "submit {code}");
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, None, 0.999_999).as_millis(), 499);
        assert_eq!(b.delay(3, None, 0.999_999).as_millis(), 1999);
        assert_eq!(b.delay(30, None, 0.999_999).as_millis(), 9999);
        assert_eq!(b.delay(3, None, 0.0), Duration::ZERO);
        let hinted = b.delay(1, Some(Duration::from_secs(3)), 0.5);
        assert_eq!(hinted, Duration::from_millis(3050));
        let none = Backoff {
            no_delay: true,
            ..b
        };
        assert_eq!(
            none.delay(5, Some(Duration::from_secs(9)), 0.5),
            Duration::ZERO
        );
    }

    #[test]
    fn server_hints_in_every_documented_form() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            server_hint(Some("7"), None, now),
            Some(Duration::from_secs(7))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(
            server_hint(Some(&date), None, now),
            Some(Duration::from_secs(5))
        );
        // 1_700_000_000 is 2023-11-14T22:13:20Z.
        assert_eq!(
            server_hint(None, Some("2023-11-14T22:13:30Z"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            server_hint(None, Some("2023-11-14T22:13:24.500+00:00"), now),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            server_hint(None, Some("1700000003"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(server_hint(Some("soon"), Some("later"), now), None);
        // Not a real date or time: no hint rather than a wrong one.
        for bad in [
            "2023-13-14T22:13:30Z",
            "2023-11-14T99:13:30Z",
            "2023-02-30T00:00:00Z",
        ] {
            assert_eq!(server_hint(None, Some(bad), now), None, "{bad}");
        }
        assert_eq!(
            server_hint(None, Some("2020-01-01T00:00:00Z"), now),
            Some(Duration::ZERO)
        );
    }
}

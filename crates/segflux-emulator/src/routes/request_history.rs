//! The request history on the API origin (spec: "Account, storage and history endpoints"):
//! `GET /inference-request/request-history/{id}`, one record of any age (404 for an unknown
//! id), and `GET /inference-request/request-history?page&per_page&from_date&to_date&
//! model_name&status`, the paged list, newest first, in windows of at most 31 days. Every
//! job ever accepted is in it, expired ones included: the history outlives the v2 record.
//!
//! The config's `history_*` fields make it behave as a real one may: pages capped at the
//! server's own size, records listed late, bodies that drop `false` keys or shorten long
//! prompts, and a clock running behind.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use tokio::time::Instant;

use crate::job::Job;
use crate::routes::api::{error, json_response};
use crate::state::Shared;
use segflux_api::JobState;
use segflux_api::request_history::{
    HistoryPage, HistoryRecord, MAX_WINDOW_DAYS, rfc3339_ms, utc_date,
};

/// Records per page when the query does not say, and the most a page holds.
const DEFAULT_PER_PAGE: u64 = 20;
const MAX_PER_PAGE: u64 = 100;

/// The route under the history path: `""` is the list, `/{id}` one record.
pub(crate) fn classify(method: &Method, rest: &str) -> Option<crate::server::Route> {
    if *method != Method::GET {
        return None;
    }
    match rest.strip_prefix('/') {
        None if rest.is_empty() => Some(crate::server::Route::HistoryList(String::new())),
        Some(id) if !id.is_empty() && !id.contains('/') => {
            Some(crate::server::Route::HistoryRecord(id.to_owned()))
        }
        _ => None,
    }
}

/// One record.
pub(crate) fn record(shared: &Shared, id: &str) -> Response {
    let mut state = shared.lock();
    // Charges the jobs that ended, so their records carry what they cost.
    state.credits(Instant::now());
    match state.job(id) {
        Some(job) => json_response(StatusCode::OK, &history_record(shared, job)),
        None => error(StatusCode::NOT_FOUND, "Request not found"),
    }
}

/// The paged list.
pub(crate) fn list(shared: &Shared, query: &str) -> Response {
    let q = match ListQuery::parse(query) {
        Ok(q) => q,
        Err(message) => return error(StatusCode::BAD_REQUEST, &message),
    };
    let mut state = shared.lock();
    let now = Instant::now();
    state.credits(now);
    let lag = shared.config.history_lag;
    let matching: Vec<HistoryRecord> = state
        .jobs_newest_first()
        .filter(|job| now.duration_since(job.submitted()) >= lag)
        .map(|job| history_record(shared, job))
        .filter(|r| q.keeps(r))
        .collect();
    drop(state);
    let total = matching.len() as u64;
    // The server's own page size wins over the one asked for.
    let per_page = q.per_page.min(shared.config.history_page_size.max(1));
    let skip = usize::try_from((q.page - 1) * per_page).unwrap_or(usize::MAX);
    let take = usize::try_from(per_page).unwrap_or(usize::MAX);
    let page = HistoryPage {
        data: matching.into_iter().skip(skip).take(take).collect(),
        page: Some(q.page),
        per_page: Some(per_page),
        total: Some(total),
        total_pages: Some(total.div_ceil(per_page)),
    };
    json_response(StatusCode::OK, &page)
}

/// A job as the history shows it now.
fn history_record(shared: &Shared, job: &Job) -> HistoryRecord {
    let info = job.info(shared.config.retention, Instant::now());
    let behind = shared
        .config
        .history_clock_behind_minutes
        .saturating_mul(60_000);
    let ms = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .saturating_sub(behind)
    };
    let created = ms(info.submitted_at);
    let (status, url, error) = match info.state {
        JobState::Completed => {
            let ext = job.spec.format.ext();
            let url = format!("{}/images/{}.{ext}", shared.cdn_url, job.id);
            ("COMPLETED", Some(url.into()), None)
        }
        JobState::Failed => ("FAILED", None, job.failure().map(|e| e.to_owned().into())),
        _ => ("PENDING", None, None),
    };
    // What the account charged (the price of a completed job, 0 for a FAILED one); nothing
    // while the job runs.
    let charge = match info.state {
        JobState::Completed => Some(job.charged.unwrap_or(job.price)),
        JobState::Failed => Some(job.charged.unwrap_or(0.0)),
        _ => None,
    };
    let latency = job
        .inference_secs()
        .filter(|_| info.state.is_terminal())
        .map(|s| (s * 1000.0).round().into());
    HistoryRecord {
        request_id: Some(job.id.clone()),
        model_name: Some(job.model.clone()),
        model_status: Some(status.to_owned()),
        credits_deduction: charge.map(Into::into),
        request_body: Some(stored_body(&shared.config, &job.params)),
        generation_url: url,
        latency_ms: latency,
        created_at: Some(rfc3339_ms(created)),
        updated_at: Some(rfc3339_ms(info.completed_at.map_or(created, ms))),
        error,
    }
}

/// The submit body as the history stores it: `false` keys dropped and the prompt cut
/// short when the config says so.
fn stored_body(config: &crate::EmulatorConfig, params: &serde_json::Value) -> serde_json::Value {
    let mut body = params.clone();
    let Some(map) = body.as_object_mut() else {
        return body;
    };
    if config.history_drops_false {
        map.retain(|_, v| *v != serde_json::Value::Bool(false));
    }
    if let Some(limit) = config.history_prompt_limit
        && let Some(serde_json::Value::String(prompt)) = map.get_mut("prompt")
        && let Some((cut, _)) = prompt.char_indices().nth(limit)
    {
        prompt.truncate(cut);
    }
    body
}

/// The list's filters.
struct ListQuery {
    page: u64,
    per_page: u64,
    from_date: Option<String>,
    to_date: Option<String>,
    model_name: Option<String>,
    status: Option<String>,
}

impl ListQuery {
    fn parse(query: &str) -> Result<Self, String> {
        let mut q = Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            from_date: None,
            to_date: None,
            model_name: None,
            status: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            let number = || {
                v.parse::<u64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| format!("{k} must be a positive integer"))
            };
            match k {
                "page" => q.page = number()?,
                "per_page" => q.per_page = number()?.min(MAX_PER_PAGE),
                "from_date" => q.from_date = Some(date(&v)?),
                "to_date" => q.to_date = Some(date(&v)?),
                "model_name" => q.model_name = Some(v),
                "status" => q.status = Some(v.to_ascii_uppercase()),
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (&q.from_date, &q.to_date) {
            let day = |d: &str| {
                segflux_api::request_history::parse_rfc3339_ms(&format!("{d}T00:00:00Z"))
                    .map_or(0, |ms| ms / 86_400_000)
            };
            if day(to) < day(from) || day(to) - day(from) > MAX_WINDOW_DAYS {
                return Err(format!(
                    "the date window must run forwards and span at most {MAX_WINDOW_DAYS} days"
                ));
            }
        }
        Ok(q)
    }

    fn keeps(&self, r: &HistoryRecord) -> bool {
        let day = r
            .created_at
            .as_deref()
            .and_then(segflux_api::request_history::parse_rfc3339_ms)
            .map(utc_date)
            .unwrap_or_default();
        self.from_date.as_ref().is_none_or(|f| day >= *f)
            && self.to_date.as_ref().is_none_or(|t| day <= *t)
            && self
                .model_name
                .as_ref()
                .is_none_or(|m| r.model_name.as_ref() == Some(m))
            && self.status.as_ref().is_none_or(|s| r.status() == *s)
    }
}

/// A `YYYY-MM-DD` date, checked.
fn date(v: &str) -> Result<String, String> {
    segflux_api::request_history::parse_rfc3339_ms(&format!("{v}T00:00:00Z"))
        .map(|_| v.to_owned())
        .ok_or_else(|| format!("invalid date {v:?}: expected YYYY-MM-DD"))
}

/// `%XX` and `+` decoded (the values here are dates, slugs and states).
fn percent_decode(s: &str) -> String {
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (bytes[i], escaped) {
            (_, Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b'+', None) => out.push(b' '),
            (b, None) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_and_check_their_window() {
        assert_eq!(percent_decode("a%2Fb+c%zz%4"), "a/b c%zz%4");
        let q = ListQuery::parse(
            "page=2&per_page=500&model_name=flux%2Ddev&from_date=2026-01-01&to_date=2026-01-31",
        )
        .unwrap();
        assert_eq!((q.page, q.per_page), (2, MAX_PER_PAGE));
        assert_eq!(q.model_name.as_deref(), Some("flux-dev"));
        assert!(ListQuery::parse("from_date=2026-01-01&to_date=2026-03-01").is_err());
        assert!(ListQuery::parse("from_date=2026-01-05&to_date=2026-01-01").is_err());
        assert!(ListQuery::parse("from_date=yesterday").is_err());
        assert!(ListQuery::parse("page=0").is_err());
    }
}

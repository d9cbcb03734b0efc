//! Reconciling uncertain jobs with Segmind's request history: a submit an earlier process
//! sent but did not live to hear answered may have been accepted (and billed). Its request
//! is looked for in the paged history list (the submit's date window, its model) by its
//! `request_body`; found, its id is adopted; positively absent, it may be sent again; when
//! the history cannot be read or cannot say for sure (a request sent moments ago may be
//! listed late), the job stays uncertain (exit 8) rather than paid twice. Paging follows
//! the server's own figures; matching tolerates keys the history drops or shortens, and an
//! hour of clock skew.
//!
//! `segflux status --reconcile` runs this for every uncertain job of the journal.

use crate::domain::state::State;
use std::time::Duration;

use crate::client::{Client, HistoryQuery, more_after};
use crate::error::{Error, Result};
use crate::journal::{JobRecord, Journal, now_ms};
use crate::output::job_json::JobReport;
use crate::settings::env;
use segflux_api::request_history::{HistoryRecord, parse_rfc3339_ms, utc_date};

use super::Context;

/// Records per page asked of the history list (the server may serve fewer: its own
/// figures drive the paging).
const PER_PAGE: u64 = 100;
/// Pages read per date window at most.
const MAX_PAGES: u64 = 100;
/// Clock difference allowed between this machine and the history's.
const SKEW_MS: u64 = 60 * 60 * 1000;
/// One day.
const DAY_MS: u64 = 86_400_000;
/// A request sent less than this long ago may not be listed yet: not found, it is looked
/// for again after [`RECHECK`], and still not found, it stays uncertain, never "absent".
const SETTLE: Duration = Duration::from_mins(1);
/// The wait before a recent request is looked for again.
const RECHECK: Duration = Duration::from_secs(2);

/// What the request history says of an uncertain job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// It was accepted as this request id.
    Found(String),
    /// Every page over the submit's time window was read, and it is not there.
    Absent,
    /// The history could not be read, or cannot say for sure (the reason).
    Unreadable(String),
}

/// Looks for `rec`'s request (`body`, its model, since its intent was recorded) in the
/// history. Requests the journal already knows under another entry are not taken (with no
/// usable journal, `history` is `None`: a batch resuming from its manifest). A request
/// sent moments ago that is not listed is looked for again after a short wait, and called
/// absent only once it is older than [`SETTLE`]; until then it stays uncertain.
pub async fn look_up(
    client: &Client,
    rec: &JobRecord,
    body: &serde_json::Value,
    history: Option<&Journal>,
) -> Lookup {
    let settle = test_ms(env::TEST_HISTORY_SETTLE_MS).unwrap_or(SETTLE);
    let first = search(client, rec, body, history).await;
    if first != Lookup::Absent || age(rec) >= settle {
        return first;
    }
    tokio::time::sleep(test_ms(env::TEST_HISTORY_RECHECK_MS).unwrap_or(RECHECK)).await;
    match search(client, rec, body, history).await {
        Lookup::Absent if age(rec) < settle => Lookup::Unreadable(format!(
            "it was sent {} s ago, and the history may list a request that recent later",
            age(rec).as_secs()
        )),
        other => other,
    }
}

/// How long ago `rec`'s intent was recorded.
fn age(rec: &JobRecord) -> Duration {
    Duration::from_millis(now_ms().saturating_sub(rec.submitted_ms))
}

/// A test-only duration in milliseconds from the environment.
fn test_ms(var: &str) -> Option<Duration> {
    let ms = std::env::var(var).ok()?.trim().parse().ok()?;
    Some(Duration::from_millis(ms))
}

/// One pass over the history, date window by date window, from the submit (less the skew
/// allowed) to now (plus it).
async fn search(
    client: &Client,
    rec: &JobRecord,
    body: &serde_json::Value,
    history: Option<&Journal>,
) -> Lookup {
    let from = rec.submitted_ms.saturating_sub(SKEW_MS);
    let to = now_ms() + SKEW_MS;
    let defaults = api_defaults();
    let ours = |r: &HistoryRecord| {
        let created = r.created_at.as_deref().and_then(parse_rfc3339_ms);
        let in_window = created.is_none_or(|c| c >= from);
        let same_model = r.model_name.as_ref().is_none_or(|m| *m == rec.model);
        let new_to_us = |id: &str| history.is_none_or(|h| h.get(id).ok().flatten().is_none());
        let id = r.request_id.as_deref()?;
        (in_window && same_model && r.matches_with(body, &defaults) && new_to_us(id))
            .then(|| id.to_owned())
    };
    let mut day = from / DAY_MS;
    let last_day = to / DAY_MS;
    while day <= last_day {
        let end = (day + segflux_api::request_history::MAX_WINDOW_DAYS - 1).min(last_day);
        let q = HistoryQuery {
            page: 1,
            per_page: PER_PAGE,
            from_date: utc_date(day * DAY_MS),
            to_date: utc_date(end * DAY_MS),
            model_name: Some(rec.model.clone()),
        };
        match search_window(client, q, &ours).await {
            Lookup::Absent => day = end + 1,
            known => return known,
        }
    }
    Lookup::Absent
}

/// Every page of one date window, paged by the server's own figures ([`more_after`]).
async fn search_window(
    client: &Client,
    mut q: HistoryQuery,
    ours: &dyn Fn(&HistoryRecord) -> Option<String>,
) -> Lookup {
    let mut seen = 0;
    loop {
        let page = match client.history_page(&q).await {
            Ok(page) => page,
            Err(e) => return Lookup::Unreadable(e.to_string()),
        };
        if let Some(id) = page.data.iter().find_map(ours) {
            return Lookup::Found(id);
        }
        seen += page.data.len() as u64;
        if !more_after(&page, q.page, seen) {
            return Lookup::Absent;
        }
        if q.page >= MAX_PAGES {
            return Lookup::Unreadable(format!(
                "more than {MAX_PAGES} pages ({seen} requests) of {} from {} to {}",
                q.model_name.as_deref().unwrap_or("every model"),
                q.from_date,
                q.to_date
            ));
        }
        q.page += 1;
    }
}

/// The API's documented defaults (spec: "flux-1.1-pro-ultra parameters"): a history may
/// leave a key out of `request_body` when it was sent at its default.
fn api_defaults() -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("aspect_ratio".into(), "1:1".into());
    m.insert("safety_tolerance".into(), 2.into());
    m.insert("output_format".into(), "jpg".into());
    m
}

/// The exit-8 error of jobs left uncertain.
pub fn uncertain_error(n: usize, why: &str) -> Error {
    Error::SubmitUncertain(format!(
        "{n} job(s) uncertain: an earlier run sent the submit and was stopped before the answer, \
         and the request history cannot tell whether it was accepted ({why}); \
         nothing was sent again. Run `segflux status --reconcile` later, once the history can tell"
    ))
}

/// `segflux status --reconcile`: every uncertain job of the journal, adopted when the
/// history has it, marked `NOT_SUBMITTED` when it positively does not. Sends no submit.
pub async fn run(ctx: &Context, client: &Client) -> Result<()> {
    let Some(history) = ctx.journal() else {
        return Err(Error::Other(ctx.journal_error().map_or_else(
            || "no data directory on this platform: no job journal".into(),
            str::to_owned,
        )));
    };
    let rows = history
        .take_uncertain(&client.url(""))
        .map_err(Error::Other)?;
    if rows.is_empty() {
        ctx.printer
            .info("no uncertain jobs: every submit's outcome is known");
        return Ok(());
    }
    let mut unreadable = Vec::new();
    for (ticket, rec) in rows {
        let (id, state) = match look_up(client, &rec, &rec.params, Some(history)).await {
            Lookup::Found(id) => {
                history.accepted(ticket, &id).map_err(Error::Other)?;
                ctx.printer.info(&format!(
                    "{id}: accepted after all; get it with: segflux fetch {id} --wait"
                ));
                (Some(id), State::Adopted)
            }
            Lookup::Absent => {
                ctx.journaled(
                    "the absence",
                    "(never accepted)",
                    history.not_submitted(ticket),
                );
                (None, State::NotSubmitted)
            }
            Lookup::Unreadable(why) => {
                unreadable.push(why);
                (None, State::Uncertain)
            }
        };
        report(ctx, id.as_deref(), state, &rec);
    }
    match unreadable.first() {
        None => Ok(()),
        Some(why) => Err(uncertain_error(unreadable.len(), why)),
    }
}

fn report(ctx: &Context, id: Option<&str>, state: State, rec: &JobRecord) {
    if ctx.printer.is_json() {
        let mut line = JobReport::new(id, state).record(Some(rec));
        line.prompt = Some(rec.prompt().to_owned());
        ctx.printer.json_line(&line);
    } else {
        ctx.printer.result(&format!(
            "{} {state} (seed {}, {} {})",
            id.unwrap_or("-"),
            rec.seed,
            rec.prompt_hash,
            rec.prompt()
        ));
    }
}

//! Reconciling uncertain jobs with Segmind's request history: a submit an earlier process
//! sent but did not live to hear answered may have been accepted (and billed). Its request
//! is looked for in the paged history list (the submit's date window, its model) by its
//! `request_body`; found, its id is adopted; positively absent, it may be sent again; when
//! the history cannot be read, the job stays uncertain (exit 8) rather than paid twice.
//!
//! `segflux status --reconcile` runs this for every uncertain job of the journal.

use crate::client::{Client, HistoryQuery};
use crate::error::{Error, Result};
use crate::journal::{JobRecord, Journal, now_ms};
use crate::output::job_json::JobReport;
use segflux_api::request_history::{parse_rfc3339_ms, utc_date};

use super::Context;

/// Records per page asked of the history list.
const PER_PAGE: u64 = 100;
/// Pages read per date window at most (10,000 requests of one model).
const MAX_PAGES: u64 = 100;
/// Clock difference allowed between this machine and the server.
const SKEW_MS: u64 = 10 * 60 * 1000;
/// One day.
const DAY_MS: u64 = 86_400_000;

/// What the request history says of an uncertain job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// It was accepted as this request id.
    Found(String),
    /// Every page over the submit's time window was read, and it is not there.
    Absent,
    /// The history could not be read (the reason).
    Unreadable(String),
}

/// Looks for `rec`'s request (`body`, its model, since its intent was recorded) in the
/// history. Requests the journal already knows under another entry are not taken.
pub async fn look_up(
    client: &Client,
    rec: &JobRecord,
    body: &serde_json::Value,
    history: &Journal,
) -> Lookup {
    let from = rec.submitted_ms.saturating_sub(SKEW_MS);
    let to = now_ms() + SKEW_MS;
    let mut day = from / DAY_MS;
    let last_day = to / DAY_MS;
    while day <= last_day {
        let end = (day + segflux_api::request_history::MAX_WINDOW_DAYS - 1).min(last_day);
        let mut q = HistoryQuery {
            page: 1,
            per_page: PER_PAGE,
            from_date: utc_date(day * DAY_MS),
            to_date: utc_date(end * DAY_MS),
            model_name: Some(rec.model.clone()),
        };
        loop {
            let page = match client.history_page(&q).await {
                Ok(page) => page,
                Err(e) => return Lookup::Unreadable(e.to_string()),
            };
            let found = page.data.iter().find_map(|r| {
                let id = r.request_id.as_deref()?;
                let created = r.created_at.as_deref().and_then(parse_rfc3339_ms);
                let in_window = created.is_none_or(|c| c >= from);
                let same_model = r.model_name.as_ref().is_none_or(|m| *m == rec.model);
                let new_to_us = history.get(id).ok().flatten().is_none();
                (in_window && same_model && r.matches(body) && new_to_us).then(|| id.to_owned())
            });
            if let Some(id) = found {
                return Lookup::Found(id);
            }
            if (page.data.len() as u64) < q.per_page {
                break;
            }
            q.page += 1;
            if q.page > MAX_PAGES {
                return Lookup::Unreadable(format!(
                    "more than {} requests of {} from {} to {}",
                    MAX_PAGES * PER_PAGE,
                    rec.model,
                    q.from_date,
                    q.to_date
                ));
            }
        }
        day = end + 1;
    }
    Lookup::Absent
}

/// The exit-8 error of jobs left uncertain.
pub fn uncertain_error(n: usize, why: &str) -> Error {
    Error::SubmitUncertain(format!(
        "{n} job(s) uncertain: an earlier run sent the submit and was stopped before the answer, \
         and the request history cannot be read to tell whether it was accepted ({why}); \
         nothing was sent again. Run `segflux status --reconcile` once the history is reachable"
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
        let (id, state) = match look_up(client, &rec, &rec.params, history).await {
            Lookup::Found(id) => {
                history.accepted(ticket, &id).map_err(Error::Other)?;
                ctx.printer.info(&format!(
                    "{id}: accepted after all; get it with: segflux fetch {id} --wait"
                ));
                (Some(id), "ADOPTED")
            }
            Lookup::Absent => {
                history.not_submitted(ticket);
                (None, crate::journal::NOT_SUBMITTED)
            }
            Lookup::Unreadable(why) => {
                unreadable.push(why);
                (None, "UNCERTAIN")
            }
        };
        report(ctx, id.as_deref(), state, &rec);
    }
    match unreadable.first() {
        None => Ok(()),
        Some(why) => Err(uncertain_error(unreadable.len(), why)),
    }
}

fn report(ctx: &Context, id: Option<&str>, state: &str, rec: &JobRecord) {
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

//! `segflux status [ID...]`: each job's state (optionally waiting), or the local job list.

use crate::domain::state::State;
use segflux_api::request_history::RecordState;
use std::fmt::Write as _;
use std::time::Duration;
use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

use crate::cli::StatusArgs;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::job::poll;
use crate::journal::{JobRecord, Query};
use crate::output::job_json::JobReport;
use segflux_api::{JobState, Metrics, StatusResponse};

use crate::job::Context;
use crate::job::connect;
use crate::job::recover;
use crate::job::waiting;

/// Runs `status`.
pub async fn run(ctx: &Context, args: StatusArgs) -> Result<()> {
    if args.reconcile {
        let conn = connect(ctx).await?;
        return crate::job::reconcile::run(ctx, &conn.client).await;
    }
    if args.ids.is_empty() {
        return list(ctx, &query(&args));
    }
    let conn = connect(ctx).await?;
    let mut errors = Vec::new();
    for id in &args.ids {
        if let Err(e) = one(ctx, &conn.client, id, args.wait).await {
            errors.push(e.for_job(id));
        }
    }
    // The most severe failure is the command's own error (its exit code); the others are
    // shown here, so every request id is printed.
    let worst = (0..errors.len()).max_by_key(|&i| Error::severity(errors[i].exit_code()));
    let worst = worst.map(|i| errors.remove(i));
    for e in &errors {
        ctx.printer.error(&e.render());
    }
    worst.map_or(Ok(()), Err)
}

async fn one(ctx: &Context, client: &Client, id: &str, wait: bool) -> Result<()> {
    let rec = ctx.journal().and_then(|h| h.get(id).ok().flatten());
    let mut status = match client.status(id).await {
        Ok(s) => s,
        Err(Error::NotFound(_)) if rec.is_some() => {
            return past_the_hour(ctx, client, id, rec.as_ref(), wait).await;
        }
        Err(e) => {
            let e = poll::expired_message(e, id);
            if matches!(e, Error::NotFound(_)) {
                print_line(ctx, id, "NOT_FOUND", rec.as_ref(), None);
            }
            return Err(e);
        }
    };
    let mut finished_after = None;
    if wait && !status.state().is_terminal() {
        if let JobState::Unknown(s) = status.state() {
            return Err(Error::UnknownState(s));
        }
        let model = rec.as_ref().map(|r| r.model.as_str());
        let since = waiting::submitted_at(rec.as_ref());
        let known = status.state();
        let waited = waiting::wait_with_spinner(ctx, client, id, model, since, &known).await;
        let Some(finished) = recover::outlived(waited)? else {
            return past_the_hour(ctx, client, id, rec.as_ref(), true).await;
        };
        status = finished.status;
        finished_after = finished.finished_after;
    }
    let state = status.state();
    journal(ctx, id, &status, finished_after);
    print_line(ctx, id, state.as_str(), rec.as_ref(), Some(&status));
    match state {
        JobState::Unknown(s) => Err(Error::UnknownState(s)),
        JobState::Failed if wait => Err(Error::job_failed(poll::failure_text(&status))),
        _ => Ok(()),
    }
}

/// Tells the journal the state seen (and when this run saw the job finish, if it did).
fn journal(ctx: &Context, id: &str, status: &StatusResponse, finished_after: Option<Duration>) {
    let Some(h) = ctx.journal() else {
        return;
    };
    let state = status.state();
    let metrics = Metrics::from_value(status.metrics.as_ref());
    let recorded = if state == JobState::Completed {
        let done = crate::journal::Completion {
            inference_time: metrics.inference_time,
            finished_after: finished_after.map(|t| t.as_secs_f64()),
            ..Default::default()
        };
        h.completed(id, done)
    } else {
        h.seen(
            id,
            State::from(&state),
            status.error_text(),
            metrics.inference_time,
        )
    };
    ctx.journaled("the state", id, recorded);
}

/// A job this machine knows whose v2 record the API has dropped (it keeps one an hour): its
/// state as the request-history record tells it (contract: "Past the hour"); with `wait`, a
/// PENDING record is waited on. No record is exit 7; FAILED with `wait` is exit 5.
async fn past_the_hour(
    ctx: &Context,
    client: &Client,
    id: &str,
    rec: Option<&JobRecord>,
    wait: bool,
) -> Result<()> {
    let record = if wait {
        recover::settled(ctx, client, id, ctx.settings.deadline()).await
    } else {
        recover::record(client, id).await
    };
    let record = record.inspect_err(|e| {
        if matches!(e, Error::NotFound(_)) {
            print_line(ctx, id, "NOT_FOUND", rec, None);
        }
    })?;
    recover::note(ctx, id, &record);
    let state = record.status();
    let failure = (record.state() == RecordState::Failed).then(|| recover::failure_text(&record));
    if ctx.printer.is_json() {
        let mut report = JobReport::new(Some(id), State::parse(&state)).record(rec);
        report.cost = record.cost().or(report.cost);
        report.error.clone_from(&failure);
        ctx.printer.json_line(&report);
    } else {
        let mut line =
            format!("{id} {state} (per the request history: the API keeps a request an hour)");
        if let Some(e) = &failure {
            let _ = write!(line, ": {e}");
        }
        ctx.printer.result(&line);
    }
    match failure {
        Some(text) if wait => Err(Error::JobFailed(text)),
        _ => Ok(()),
    }
}

fn print_line(
    ctx: &Context,
    id: &str,
    state: &str,
    rec: Option<&JobRecord>,
    s: Option<&StatusResponse>,
) {
    let metrics = Metrics::from_value(s.and_then(|s| s.metrics.as_ref()));
    let error = s.and_then(StatusResponse::error_text);
    if ctx.printer.is_json() {
        let mut report = JobReport::new(Some(id), State::parse(state))
            .record(rec)
            .metrics(&metrics);
        report.error.clone_from(&error);
        ctx.printer.json_line(&report);
        return;
    }
    let mut line = format!("{id} {state}");
    if let Some(r) = rec {
        let _ = write!(line, " ({} since submit)", human_age(r.age()));
    }
    if let Some(t) = metrics.inference_time {
        let _ = write!(line, " inference {t:.1}s");
    }
    if let Some(e) = error {
        let _ = write!(line, ": {e}");
    }
    ctx.printer.result(&line);
}

/// The list's filter from `--limit`, `--state`, `--model`, `--since` and `--search`.
fn query(args: &StatusArgs) -> Query {
    let age_ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    Query {
        state: args.state.clone(),
        model: args.model.clone(),
        since_ms: args
            .since
            .map(|d| crate::journal::now_ms().saturating_sub(age_ms(d))),
        search: args.search.clone(),
        limit: args.limit,
    }
}

/// The history as an aligned table, newest first. A journal that cannot be opened is an
/// error naming it (exit 1); no data directory at all is an empty history.
fn list(ctx: &Context, query: &Query) -> Result<()> {
    let Some(history) = ctx.journal() else {
        if let Some(why) = ctx
            .journal_error()
            .filter(|e| !e.contains("no data directory"))
        {
            return Err(Error::Other(format!(
                "the job journal is unreadable, so no job can be listed: {why} (repair or move the data directory)"
            )));
        }
        ctx.printer
            .info("no data directory on this platform: no job history");
        return Ok(());
    };
    let uncertain = history.uncertain_count();
    if uncertain > 0 {
        ctx.printer.info(&format!(
            "warning: {uncertain} job(s) uncertain (a submit sent by a run stopped before the answer); run: segflux status --reconcile"
        ));
    }
    let records = match history.query(query) {
        Ok(records) => records,
        Err(e) => {
            ctx.printer.info(&format!("warning: {e}"));
            Vec::new()
        }
    };
    if ctx.printer.is_json() {
        for r in &records {
            ctx.printer.json_line(&listed_report(r));
        }
        return Ok(());
    }
    if records.is_empty() {
        ctx.printer
            .info("no jobs yet: `segflux submit PROMPT` or `segflux generate PROMPT` records them");
        return Ok(());
    }
    table(ctx, &records);
    Ok(())
}

/// A journal entry as `status --json` lists it.
fn listed_report(r: &JobRecord) -> JobReport {
    let mut report = JobReport::new(r.has_id().then_some(r.request_id.as_str()), r.state.clone())
        .record(Some(r));
    report.prompt = Some(r.prompt().to_owned());
    report.inference_time = r.inference_time;
    report.error = r
        .error
        .as_deref()
        .map(|e| crate::domain::redact::plain_text(e).into_owned());
    report.submitted_ms = Some(r.submitted_ms);
    report
}

/// The journal entries as an aligned table (columns measured in terminal cells).
fn table(ctx: &Context, records: &[JobRecord]) {
    let prompt_width = prompt_column(records, ctx.printer.stdout_width());
    let rows: Vec<[String; 6]> = records
        .iter()
        .map(|r| {
            [
                if r.has_id() {
                    r.request_id.clone()
                } else {
                    "-".into()
                },
                r.state.to_string(),
                human_age(r.age()),
                r.model.clone(),
                excerpt(r.prompt(), prompt_width),
                r.path.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let header = ["ID", "STATE", "AGE", "MODEL", "PROMPT", "PATH"].map(String::from);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
        ctx.printer.result(cells.join("  ").trim_end());
    }
}

/// The prompt column's width: what the terminal leaves after the other columns (at least 12),
/// or 40 when stdout is not a terminal.
fn prompt_column(records: &[JobRecord], width: Option<usize>) -> usize {
    let Some(width) = width else { return 40 };
    let widest = |f: &dyn Fn(&JobRecord) -> usize, header: usize| {
        records.iter().map(f).max().unwrap_or(0).max(header)
    };
    let others = widest(&|r| r.request_id.len(), 2)
        + widest(&|r| r.state.as_str().len(), 5)
        + 4
        + widest(&|r| r.model.len(), 5)
        + widest(&|r| r.path.as_deref().map_or(1, str::len), 4)
        + 2 * 5;
    width.saturating_sub(others).max(12)
}

/// `cell` padded with spaces to `width` terminal columns (wide CJK and emoji count as two).
fn pad(cell: &str, width: usize) -> String {
    let fill = width.saturating_sub(cell.width());
    format!("{cell}{}", " ".repeat(fill))
}

/// The prompt on one line, cut to at most `max` terminal columns with a trailing `…`.
fn excerpt(s: &str, max: usize) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let one_line = crate::domain::redact::plain_text(&joined);
    if one_line.width() <= max {
        return one_line.into_owned();
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in one_line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max.saturating_sub(1) {
            break;
        }
        used += w;
        cut.push(c);
    }
    format!("{cut}…")
}

fn human_age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_excerpts() {
        assert_eq!(human_age(Duration::from_secs(59)), "59s");
        assert_eq!(human_age(Duration::from_secs(61)), "1m");
        assert_eq!(human_age(Duration::from_hours(2)), "2h");
        assert_eq!(
            excerpt("a  lighthouse\nat dusk", 40),
            "a lighthouse at dusk"
        );
        assert_eq!(excerpt("abcdef", 4), "abc…");
        // Wide characters take two columns: the cut and the padding count columns.
        assert_eq!(excerpt("灯台の夕暮れ", 7), "灯台の…");
        assert_eq!(pad("灯台", 6), "灯台  ");
        assert_eq!(pad("🦊 fox", 7), "🦊 fox ");
        assert_eq!(prompt_column(&[], None), 40);
        assert_eq!(
            prompt_column(&[], Some(200)),
            200 - (2 + 5 + 4 + 5 + 4 + 10)
        );
        assert_eq!(prompt_column(&[], Some(20)), 12);
    }
}

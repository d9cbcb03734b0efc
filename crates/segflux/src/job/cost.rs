//! Spend in the commands (cli.md, "Spend"): the cap a run is held to, the estimate that
//! `--dry-run` shows, the `--max-cost` refusal before anything is sent, recording a finished
//! job's cost, and the cost part of the done line.
//!
//! The figures and the rules live in [`crate::domain::spend`]; this file only connects them to the
//! command line, the printer and the journal.

use crate::cli::GenerateArgs;
use segflux_api::request_history::RecordState;
use std::collections::{HashMap, HashSet};

use crate::client::{Client, HistoryQuery};
use crate::domain::request::GenerationRequest;
use crate::domain::spend::{self, Estimate, Total, usd};
use crate::error::{Error, Result};
use segflux_api::Metrics;
use segflux_api::request_history::utc_date;

use super::Context;

/// The cap of this run: `--max-cost`, else the config file's `max_cost`.
pub fn cap(ctx: &Context, args: &GenerateArgs) -> Option<f64> {
    args.max_cost.or(ctx.settings.config.max_cost)
}

/// The estimated total of `requests` (the jobs this run would pay for).
pub fn total<'a>(
    ctx: &Context,
    requests: impl IntoIterator<Item = &'a GenerationRequest>,
) -> Total {
    let mut estimates = estimates(ctx);
    let mut total = Total::default();
    for req in requests {
        total.add(&req.model, estimates.get(&req.model));
    }
    total
}

/// The estimates of this run: list prices, beaten by the last costs the journal knows.
pub fn estimates(ctx: &Context) -> spend::Estimates {
    spend::Estimates::new(
        ctx.journal()
            .cloned()
            .map(|j| Box::new(move |model: &str| j.last_cost(model)) as spend::LearntCost),
    )
}

/// Shows the estimate on stderr (after a `--dry-run`, or `--check`).
pub fn show_estimate(ctx: &Context, total: &Total) {
    ctx.printer.info(&total.describe());
}

/// Refuses, before anything is sent, when the estimate of the jobs to submit exceeds the cap
/// (exit 4). Jobs of unknown cost do not count: they are run to learn the price.
pub fn refuse_over_cap(cap: Option<f64>, total: &Total) -> Result<()> {
    match cap {
        Some(cap) => spend::check_cap(total, cap).map_err(|over| Error::CostCap(over.0)),
        None => Ok(()),
    }
}

/// A batch of more than this many jobs to submit checks the account's credits first.
pub const CREDITS_CHECK_OVER: usize = 10;

/// Before a batch of more than [`CREDITS_CHECK_OVER`] jobs to submit: refuses (exit 4,
/// nothing submitted) when the known estimate exceeds the account's credits and free credits.
/// A failed check is a warning, not a stop: the API answers 406 anyway when credits run out.
pub async fn check_credits(ctx: &Context, client: &Client, total: &Total) -> Result<()> {
    if total.images <= CREDITS_CHECK_OVER || total.known() == 0 {
        return Ok(());
    }
    let credits = match client.credits().await {
        Ok(c) => c,
        Err(e) => {
            ctx.printer.info(&format!(
                "warning: cannot check the account's credits ({}); going on",
                e.one_line()
            ));
            return Ok(());
        }
    };
    let Some(left) = credits
        .credits
        .map(|c| c + credits.free_credits.unwrap_or(0.0))
    else {
        return Ok(());
    };
    match total.figures() {
        Some(figures) if total.usd > left + 1e-9 => Err(Error::Credits(format!(
            "{figures}, over the {} of credits left",
            usd(left)
        ))),
        _ => Ok(()),
    }
}

/// Pages of the request history one batch reads at most for its costs.
const MAX_PAGES: u64 = 20;

/// Records a finished job's cost in the journal (no-op without a journal).
pub fn record(ctx: &Context, request_id: &str, usd: f64) {
    if let Some(h) = ctx.journal() {
        ctx.journaled("the cost", request_id, h.costed(request_id, usd));
    }
}

/// For one job whose result carried no cost: its request-history record's
/// `credits_deduction` (one request), recorded in the journal. Called only after the image is
/// written, so the image never waits for it; a failed lookup leaves the cost unknown.
pub async fn fill_from_record(
    ctx: &Context,
    client: &Client,
    request_id: &str,
    metrics: &mut Metrics,
) {
    if metrics.cost.is_some() {
        return;
    }
    let Ok(Some(rec)) = client.history_record(request_id).await else {
        return;
    };
    if rec.state() == RecordState::Completed
        && let Some(c) = rec.cost()
    {
        metrics.cost = Some(c);
        record(ctx, request_id, c);
    }
}

/// For a batch's jobs that ended with no cost: their `credits_deduction` from one pass
/// through the request history's paged list (the days since `since_ms`, 100 a page asked, one
/// model's when they share one), until every job is found, the list ends by the server's own
/// figures, or [`MAX_PAGES`] pages were read. Each cost found is recorded in the journal.
/// Never one request per job.
pub async fn costs_from_list(
    ctx: &Context,
    client: &Client,
    ids: &HashSet<String>,
    since_ms: u64,
    model: Option<&str>,
) -> HashMap<String, f64> {
    let mut found = HashMap::new();
    let now = crate::journal::now_ms();
    let mut q = HistoryQuery {
        page: 1,
        per_page: 100,
        from_date: utc_date(since_ms),
        to_date: utc_date(now),
        model_name: model.map(str::to_owned),
    };
    let mut seen = 0;
    while found.len() < ids.len() && q.page <= MAX_PAGES {
        let Ok(page) = client.history_page(&q).await else {
            break;
        };
        for rec in &page.data {
            if let (Some(id), Some(c)) = (rec.request_id.as_deref(), rec.cost())
                && ids.contains(id)
                && rec.state() == RecordState::Completed
            {
                found.insert(id.to_owned(), c);
            }
        }
        seen += page.data.len() as u64;
        if !crate::client::more_after(&page, q.page, seen) {
            break;
        }
        q.page += 1;
    }
    for (id, c) in &found {
        record(ctx, id, *c);
    }
    found
}

/// The estimate of one request, for the `--dry-run` JSON line.
pub fn estimate_of(ctx: &Context, req: &GenerationRequest) -> Option<Estimate> {
    spend::estimate(
        ctx.journal().and_then(|j| j.last_cost(&req.model)),
        &req.model,
    )
}

/// The cost part of a done line: `cost $0.06`, or `cost unknown`.
pub fn cost_text(cost: Option<f64>) -> String {
    match cost {
        Some(c) => format!("cost {}", usd(c)),
        None => "cost unknown".to_owned(),
    }
}

//! The batch's side of spend (cli.md, "Spend"): what a submitted job cost as far as the run knows, and the costs the results did not carry,
//! read from the request history once at the end.

use crate::domain::exit::Exit;
use crate::domain::state::State;
use std::sync::Mutex;

use crate::error::Result;
use crate::output::job_json::JobReport;
use crate::ui::printer::BatchProgress;

use super::cost;
use super::tally::{Tally, write_line};
use crate::client::Client;
use crate::domain::budget::{Budget, Spent};
use crate::job::Context;
use crate::job::deliver;

/// What a submitted job cost, as far as this run knows, and whether it completed: a FAILED
/// job costs what the API says, 0 when it says nothing (cli.md, "Spend").
pub(crate) fn spent_by(result: &Result<deliver::Delivered>) -> (Spent, bool) {
    match result {
        Ok(d) => (d.metrics.cost.map_or(Spent::Unknown, Spent::Known), true),
        Err(e) if e.exit() == Exit::JobFailed => (Spent::Known(0.0), false),
        Err(_) => (Spent::Unknown, false),
    }
}

/// The costs the results did not carry, from one pass through the request history after
/// every image is written: recorded in the journal, counted in the summary, and appended to
/// the manifest (and `--json`) as one `COST` line per job.
pub(crate) async fn costs_after(
    (ctx, client, budget): (&Context, &Client, &Budget),
    since_ms: u64,
    progress: &BatchProgress,
    manifest: Option<&Mutex<std::fs::File>>,
    tally: &mut Tally,
) {
    if tally.uncosted.is_empty() {
        return;
    }
    let ids = tally.uncosted.iter().map(|u| u.id.clone()).collect();
    let first = &tally.uncosted[0].model;
    let model = tally
        .uncosted
        .iter()
        .all(|u| &u.model == first)
        .then_some(first.as_str());
    // A minute's slack for clocks and jobs submitted as the batch started.
    let found =
        cost::costs_from_list(ctx, client, &ids, since_ms.saturating_sub(60_000), model).await;
    for u in std::mem::take(&mut tally.uncosted) {
        let Some(&c) = found.get(&u.id) else { continue };
        if !u.resumed {
            budget.resolve(c);
        }
        let mut line = JobReport::new(Some(&u.id), State::Cost);
        line.model = Some(u.model);
        line.path = Some(u.path);
        line.line = Some(u.line);
        line.cost = Some(c);
        write_line(
            ctx,
            progress,
            manifest,
            &serde_json::to_string(&line).unwrap_or_default(),
        );
    }
}

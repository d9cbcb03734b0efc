//! A batch's window of jobs in flight: at most a few times the concurrency started at once,
//! the next started as one ends, none once the batch stopped (a 401/403/406, the cost cap,
//! submits rate-limited for --timeout). The jobs never started are told briefly: the first
//! [`TOLD_ONE_BY_ONE`] one by one, the rest in one line, so a stopped batch of a million lines
//! neither holds a future per line nor prints or writes a line per job.

use super::pace::{Learner, Throttle};
use super::resumable::{ResumeKey, resumable_jobs, resume_key};
use super::spend::costs_after;
use super::stall::Stall;
use super::tally::{JobEnd, Tally};
use crate::cli::GenerateArgs;
use crate::domain::budget::Budget;
use crate::domain::limiter::Limiter;
use crate::error::Result;
use crate::job::{Context, connect_with, cost};
use crate::journal::JobRecord;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;

use crate::ui::printer::BatchProgress;

use super::plan::Planned;

use super::run::{Batch, run_one};
use super::tally::{self, report};

/// How many jobs a stopped batch never started are still told one by one; the rest are
/// summed up in one line (see [`tally::report_not_started`]).
const TOLD_ONE_BY_ONE: usize = 100;

/// Runs `todo`, at most `window` jobs at once, each end reported as it comes; then the
/// jobs a stop left unstarted.
pub(crate) async fn run_all(
    b: &Batch<'_>,
    todo: &[Planned],
    window: usize,
    progress: &BatchProgress,
    tally: &mut Tally,
) {
    let mut pending = todo.iter();
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < window && b.stopped().is_none() {
            let Some(p) = pending.next() else { break };
            running.push(timed(b, p, progress));
        }
        let Some((p, outcome, wall)) = running.next().await else {
            break;
        };
        report(b.ctx, progress, b.manifest, p, &outcome, wall, tally);
    }
    not_started(b, pending, (progress, b.manifest), tally);
}

/// The jobs an earlier manifest left unfinished, by the key of the jobs they are.
pub(crate) fn by_key(earlier: Vec<JobRecord>) -> HashMap<ResumeKey, JobRecord> {
    earlier
        .into_iter()
        .map(|rec| {
            let key = (
                rec.prompt_hash.clone(),
                rec.seed,
                rec.format.clone(),
                rec.model.clone(),
            );
            (key, rec)
        })
        .collect()
}

/// One job, and how long it took.
async fn timed<'p>(
    b: &Batch<'_>,
    p: &'p Planned,
    progress: &BatchProgress,
) -> (&'p Planned, JobEnd, Duration) {
    let started = Instant::now();
    let outcome = run_one(b, p, progress).await;
    (p, outcome, started.elapsed())
}

/// The jobs a stopped batch never started: the first [`TOLD_ONE_BY_ONE`] told one by one,
/// the rest in one line.
fn not_started<'p>(
    b: &Batch<'_>,
    mut rest: impl Iterator<Item = &'p Planned>,
    (progress, manifest): (&BatchProgress, Option<&Mutex<std::fs::File>>),
    tally: &mut Tally,
) {
    let Some((reason, code)) = b.stopped() else {
        return;
    };
    for p in rest.by_ref().take(TOLD_ONE_BY_ONE) {
        let end = JobEnd::NotSubmitted {
            reason: reason.clone(),
            code,
        };
        report(b.ctx, progress, manifest, p, &end, Duration::ZERO, tally);
    }
    let (mut count, mut lines) = (0, (0, 0));
    for p in rest {
        if count == 0 {
            lines.0 = p.job.line;
        }
        lines.1 = p.job.line;
        count += 1;
    }
    if count > 0 {
        let told = (b.ctx, progress, manifest);
        tally::report_not_started(told, count, lines, (&reason, code), tally);
    }
}

/// Runs `todo` (with the jobs an `earlier` manifest left unfinished): at most a window of
/// jobs in flight at once, the next started as one ends, none once the batch stopped.
pub(crate) async fn run_jobs(
    ctx: &Context,
    args: &GenerateArgs,
    (todo, earlier): (&[Planned], Vec<JobRecord>),
    progress: &BatchProgress,
    manifest: Option<&Mutex<std::fs::File>>,
    tally: &mut Tally,
) -> Result<Arc<Limiter>> {
    let limiter = Arc::new(Limiter::new(args.batch.concurrency as usize));
    let stall = Arc::new(Stall::new(ctx.settings.timeout));
    let reporter = Arc::new(Throttle {
        inner: ctx.printer.clone(),
        limiter: limiter.clone(),
        stall: stall.clone(),
    });
    let deadline = batch_deadline(ctx, todo.len(), args.batch.concurrency as usize);
    let conn = connect_with(ctx, reporter, deadline).await?;
    let b = Batch {
        ctx,
        client: &conn.client,
        limiter: limiter.clone(),
        deadline,
        manifest,
        resumable: resumable_jobs(ctx, &conn.client.url("")),
        earlier: by_key(earlier),
        stop: Mutex::new(None),
        stall,
        budget: Budget::new(cost::cap(ctx, args)),
        force: args.force,
        provenance: &args.provenance,
        learner: Learner::seed(
            ctx.journal(),
            todo.iter().map(|p| p.job.request.model.as_str()),
        ),
    };
    check_spend(&b, args, todo).await?;
    let since_ms = crate::journal::now_ms();
    let window = (args.batch.concurrency as usize).max(1) * 2;
    run_all(&b, todo, window, progress, tally).await;
    costs_after(
        (b.ctx, b.client, &b.budget),
        since_ms,
        progress,
        manifest,
        tally,
    )
    .await;
    tally.cost = Some(b.budget.summary());
    Ok(limiter)
}

/// When retries give up: they may not outlive the batch, so a generous bound of --timeout
/// per round of `jobs` at `concurrency`.
fn batch_deadline(ctx: &Context, jobs: usize, concurrency: usize) -> Instant {
    let rounds = u32::try_from(jobs.div_ceil(concurrency)).unwrap_or(u32::MAX);
    Instant::now()
        + ctx
            .settings
            .timeout
            .saturating_mul(rounds.saturating_add(1))
}

/// Refuses, before any submit, a batch whose fresh submits (jobs resumed from the journal are
/// paid for already) are estimated over the cap or over the account's credits.
async fn check_spend(b: &Batch<'_>, args: &GenerateArgs, todo: &[Planned]) -> Result<()> {
    let fresh: Vec<_> = todo
        .iter()
        .map(|p| &p.job.request)
        .filter(|req| !b.resumable.contains_key(&resume_key(req)))
        .collect();
    let estimate = cost::total(b.ctx, fresh.iter().copied());
    cost::refuse_over_cap(cost::cap(b.ctx, args), &estimate)?;
    cost::check_credits(b.ctx, b.client, &estimate).await
}

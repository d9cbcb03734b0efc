//! Batch generation (`generate --from FILE`, `-n N`, `--manifest`, `--shard`): many jobs at
//! once, idempotent across re-runs, one failure never stopping the rest.
//!
//! Order of work: plan (see [`plan`]: every line checked, duplicates refused, each job judged
//! up to date, out of date, missing or kept, every output path checked — exit 2 / 1, nothing
//! sent); skip up-to-date jobs and keep files segflux did not make; resume jobs the history
//! shows as submitted within the hour; submit the rest under the adaptive [`Limiter`]; write a
//! manifest line, a progress line and the written path (stdout) as each job ends; end with a
//! summary and the most severe exit code.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;

use crate::cli::{GenerateArgs, ProvenanceArgs};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::history::{Adopt, JobRecord};
use crate::limiter::Limiter;
use crate::metadata::GenerationRecord;
use crate::output;
use crate::printer::BatchProgress;
use crate::wait;

use super::intent::{self, Begun};
use super::job::{self, Destination, WriteOptions};
use super::recover;
use super::{Context, connect_with, cost, generate};

mod budget;
mod input;
mod judge;
mod manifest;
mod pace;
mod plan;
mod report;
mod shared;
mod spend;

use budget::{Budget, Spent};
use judge::State;
use pace::{Learner, Throttle};
use plan::Planned;
use report::{Outcome, Tally, report, write_line};
use spend::{costs_after, spent_by, stop};

/// Runs a batch.
pub async fn run(ctx: &Context, args: &GenerateArgs) -> Result<()> {
    let mut plan = plan::Plan::new(ctx, args)?;
    let (total, repeats) = plan.validate()?;
    if repeats > 0 {
        ctx.printer.info(&format!(
            "note: {repeats} repeated job(s) dropped (the same request for the same file)"
        ));
    }
    if args.gen_opts.dry_run {
        let mut estimates = crate::spend::Estimates::new(ctx.history().cloned());
        let mut total = crate::spend::Total::default();
        for p in plan.jobs()? {
            let req = &p.job.request;
            let estimate = estimates.get(&req.model);
            generate::dry_run(ctx, req, estimate);
            total.add(&req.model, estimate);
        }
        cost::show_estimate(ctx, &total);
        return cost::refuse_over_cap(cost::cap(ctx, args), &total);
    }
    if args.batch.check {
        let resumable = resumable_jobs(ctx, ctx.settings.base_url.trim_end_matches('/'));
        return plan::check(ctx, &plan, &|p| {
            resumable.contains_key(&resume_key(&p.job.request))
        });
    }
    output::ensure_writable(&plan.dir)?;
    shared::sweep(ctx, &plan.dir);
    if let Some(path) = args.batch.manifest.as_deref() {
        // Jobs a run recorded as SUBMITTED and never ended (maybe on another machine) are
        // entered into the journal first, so the claims below fetch them, not pay again.
        let resumed = manifest::resume(
            ctx.history(),
            path,
            ctx.settings.base_url.trim_end_matches('/'),
        );
        if resumed > 0 {
            ctx.printer.info(&format!(
                "{resumed} job(s) submitted by an earlier run and never finished (per {}): fetching them",
                path.display()
            ));
        }
    }
    let manifest = open_manifest(args.batch.manifest.as_deref())?;
    let started = Instant::now();
    let progress = ctx.printer.batch_progress(total);
    let mut tally = Tally::default();
    let mut todo = Vec::new();
    for p in plan.jobs()? {
        let outcome = match p.state {
            State::UpToDate => Outcome::Skipped,
            State::Kept => Outcome::Kept,
            _ => {
                todo.push(p);
                continue;
            }
        };
        report(
            ctx,
            &progress,
            manifest.as_ref(),
            &p,
            &outcome,
            Duration::ZERO,
            &mut tally,
        );
    }
    plan::check_targets(todo.iter(), args.provenance.sidecar)?;
    if !todo.is_empty() {
        let limiter = run_jobs(ctx, args, &todo, &progress, manifest.as_ref(), &mut tally).await?;
        if limiter.lowest() < args.batch.concurrency as usize {
            progress.message(&format!(
                "the API rate-limited submits: concurrency went down to {} and back up to {} (of {})",
                limiter.lowest(),
                limiter.limit(),
                args.batch.concurrency
            ));
        }
    }
    progress.close();
    summary(&progress, &tally, started)
}

/// The summary line, and the batch's exit: 0, or the most severe code among its failures.
fn summary(progress: &BatchProgress, tally: &Tally, started: Instant) -> Result<()> {
    progress.message(&format!(
        "generated {}, updated {}, resumed {}, skipped {}, kept {}, failed {}{} in {:.1}s; {}",
        tally.written,
        tally.updated,
        tally.resumed,
        tally.skipped,
        tally.kept,
        tally.failed,
        tally.not_submitted_text(),
        started.elapsed().as_secs_f64(),
        tally.cost.as_deref().unwrap_or("cost $0.00")
    ));
    let failed = tally.failed + tally.not_submitted;
    match tally.worst {
        0 => Ok(()),
        code => Err(Error::Batch {
            failed,
            total: tally.written + tally.skipped + tally.kept + failed,
            code,
        }),
    }
}

/// The history's key of a job: (prompt hash, seed, format, model).
fn resume_key(req: &crate::request::GenerationRequest) -> (String, u64, String, String) {
    (
        req.prompt_hash(),
        req.seed,
        req.format.ext().to_owned(),
        req.model.clone(),
    )
}

fn open_manifest(path: Option<&Path>) -> Result<Option<Mutex<std::fs::File>>> {
    path.map(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .map(Mutex::new)
            .map_err(|e| Error::io(format!("cannot open the manifest {}", p.display()), e))
    })
    .transpose()
}

/// What the jobs share.
struct Batch<'a> {
    ctx: &'a Context,
    client: &'a Client,
    limiter: Arc<Limiter>,
    /// When waiting for another process's claim gives up.
    deadline: Instant,
    /// Where `SUBMITTED` lines go.
    manifest: Option<&'a Mutex<std::fs::File>>,
    /// Jobs of the history the plan expects to resume (paid already: outside the budget).
    resumable: HashMap<(String, u64, String, String), JobRecord>,
    /// Why nothing more is submitted, and the exit code it maps to.
    stop: Mutex<Option<(String, u8)>>,
    budget: Budget,
    force: bool,
    provenance: &'a ProvenanceArgs,
    learner: Learner,
}

async fn run_jobs(
    ctx: &Context,
    args: &GenerateArgs,
    todo: &[Planned],
    progress: &BatchProgress,
    manifest: Option<&Mutex<std::fs::File>>,
    tally: &mut Tally,
) -> Result<Arc<Limiter>> {
    let limiter = Arc::new(Limiter::new(args.batch.concurrency as usize));
    let reporter = Arc::new(Throttle {
        inner: ctx.printer.clone(),
        limiter: limiter.clone(),
    });
    // Retries may not outlive the batch: a generous bound of --timeout per round of jobs.
    let rounds =
        u32::try_from(todo.len().div_ceil(args.batch.concurrency as usize)).unwrap_or(u32::MAX);
    let deadline = Instant::now()
        + ctx
            .settings
            .timeout
            .saturating_mul(rounds.saturating_add(1));
    let conn = connect_with(ctx, reporter, deadline).await?;
    let b = Batch {
        ctx,
        client: &conn.client,
        limiter: limiter.clone(),
        deadline,
        manifest,
        resumable: resumable_jobs(ctx, &conn.client.url("")),
        stop: Mutex::new(None),
        budget: Budget::new(cost::cap(ctx, args)),
        force: args.force,
        provenance: &args.provenance,
        learner: Learner::seed(
            ctx.history(),
            todo.iter().map(|p| p.job.request.model.as_str()),
        ),
    };
    // Jobs resumed from the history are paid for already: only fresh submits count.
    let fresh: Vec<_> = todo
        .iter()
        .map(|p| &p.job.request)
        .filter(|req| !b.resumable.contains_key(&resume_key(req)))
        .collect();
    let estimate = cost::total(ctx, fresh.iter().copied());
    cost::refuse_over_cap(cost::cap(ctx, args), &estimate)?;
    cost::check_credits(ctx, b.client, &estimate).await?;
    let mut running: FuturesUnordered<_> = todo
        .iter()
        .map(|p| {
            let b = &b;
            async move {
                let started = Instant::now();
                let outcome = run_one(b, p, progress).await;
                (p, outcome, started.elapsed())
            }
        })
        .collect();
    let since_ms = crate::history::now_ms();
    while let Some((p, outcome, wall)) = running.next().await {
        report(ctx, progress, manifest, p, &outcome, wall, tally);
    }
    costs_after(&b, since_ms, progress, manifest, tally).await;
    tally.cost = Some(b.budget.summary());
    Ok(limiter)
}

/// Jobs in the history that are recent enough to fetch instead of submitting again, by
/// (prompt hash, seed, format, model).
fn resumable_jobs(ctx: &Context, api: &str) -> HashMap<(String, u64, String, String), JobRecord> {
    let mut map = HashMap::new();
    let Some(history) = ctx.history() else {
        return map;
    };
    let recent = crate::history::Query {
        since_ms: Some(crate::history::now_ms().saturating_sub(history_window_ms())),
        limit: usize::MAX,
        ..crate::history::Query::default()
    };
    for rec in history.query(&recent).unwrap_or_default() {
        // Only jobs of the same API: a job of an emulator is unknown to the real API.
        let same_api = rec.api.as_deref().is_none_or(|a| a == api);
        let usable = same_api && !rec.expired() && rec.state != "FAILED";
        if usable {
            let key = (
                rec.prompt_hash.clone(),
                rec.seed,
                rec.format.clone(),
                rec.model.clone(),
            );
            map.entry(key).or_insert(rec);
        }
    }
    map
}

/// How far back a resumable job can be: the API's retention.
fn history_window_ms() -> u64 {
    u64::try_from(crate::history::RETENTION.as_millis()).unwrap_or(u64::MAX)
}

async fn run_one(b: &Batch<'_>, p: &Planned, progress: &BatchProgress) -> Outcome {
    let _permit = b.limiter.acquire().await;
    if let Some((reason, code)) = b.stop.lock().ok().and_then(|s| s.clone()) {
        return Outcome::NotSubmitted { reason, code };
    }
    let req = &p.job.request;
    // A job the history shows as submitted is paid for already; a fresh one must fit the
    // budget first (settled at no cost if it turns out to be adopted after all).
    let mut ticket = if b.resumable.contains_key(&resume_key(req)) {
        None
    } else {
        match b.budget.admit(&req.model).await {
            Ok(ticket) => Some(ticket),
            Err(reason) => return stop(b, reason, 4),
        }
    };
    let line = progress.job_line(&p.job.file_name);
    let (id, since, resumed) = match begin(b, p, &mut ticket, progress).await {
        Ok(begun) => begun,
        Err(outcome) => return outcome,
    };
    let submitted_ms = crate::history::now_ms()
        .saturating_sub(u64::try_from(since.elapsed().as_millis()).unwrap_or(0));
    if let Err(e) = manifest::append(b.manifest, &manifest::submitted_line(p, &id, submitted_ms)) {
        progress.message(&format!("warning: cannot write the manifest: {e}"));
    }
    let mut result = finish(b, p, &id, since, &line).await;
    drop(line);
    b.ctx.record_done(&id);
    if let Some(t) = ticket {
        // The job that learns its model's price asks the request history when the result
        // said nothing (one job: the rest of the batch waits for this price).
        if t.learning()
            && let Ok(d) = &mut result
        {
            cost::fill_from_record(b.ctx, b.client, &id, &mut d.metrics).await;
        }
        let (spent, completed) = spent_by(&result);
        b.budget.settle(t, spent, completed);
    }
    match result {
        Ok(delivered) => Outcome::Written {
            id,
            delivered,
            resumed,
        },
        Err(error) => Outcome::Failed {
            id: Some(id.clone()),
            error: error.for_job(&id),
        },
    }
}

/// Write-ahead: the job is claimed in the journal before the submit; a job this machine
/// submitted within the hour (an earlier run, or another process right now) is adopted and
/// fetched, not paid. `(request_id, since, adopted)`, or how the job ended without one.
async fn begin(
    b: &Batch<'_>,
    p: &Planned,
    ticket: &mut Option<budget::Ticket>,
    progress: &BatchProgress,
) -> std::result::Result<(String, Instant, bool), Outcome> {
    let req = &p.job.request;
    match intent::begin(b.ctx, b.client, req, Adopt::Recent, b.deadline, &|| {
        // Write-ahead in the manifest too: a run on a new machine with this manifest
        // reconciles the job through the request history instead of paying again.
        if let Err(e) = manifest::append(b.manifest, &manifest::submitting_line(p)) {
            progress.message(&format!("warning: cannot write the manifest: {e}"));
        }
    })
    .await
    {
        Ok(Begun::New(sub)) => {
            b.limiter.accepted();
            Ok((sub.request_id, Instant::now(), false))
        }
        Ok(Begun::Adopted(rec)) => {
            if let Some(t) = ticket.take() {
                b.budget.settle(t, Spent::Known(0.0), false);
            }
            let since = Instant::now()
                .checked_sub(rec.age())
                .unwrap_or_else(Instant::now);
            Ok((rec.request_id, since, true))
        }
        Err(error) => {
            let code = error.exit_code();
            if matches!(code, 3 | 4)
                && let Ok(mut stop) = b.stop.lock()
            {
                stop.get_or_insert_with(|| (error.one_line(), code));
            }
            // A submit whose outcome is unknown may have been billed.
            let spent = if code == 8 {
                Spent::Unknown
            } else {
                Spent::Known(0.0)
            };
            if let Some(t) = ticket.take() {
                b.budget.settle(t, spent, false);
            }
            Err(Outcome::Failed { id: None, error })
        }
    }
}

async fn finish(
    b: &Batch<'_>,
    p: &Planned,
    id: &str,
    since: Instant,
    line: &crate::printer::JobLine,
) -> Result<job::Delivered> {
    // A job adopted from long ago (past the hour) still gets --timeout from now.
    let timeout = b.ctx.settings.timeout;
    let deadline = (since + timeout).max(Instant::now() + timeout.min(Duration::from_mins(1)));
    let model = &p.job.request.model;
    let req = &p.job.request;
    let dest = Destination::File {
        path: p.path.clone(),
        format: req.format,
    };
    let record = GenerationRecord::from_body(id, Some(&req.model), &req.body());
    // An out-of-date file is replaced only now, after the new image was verified.
    let opts = WriteOptions::new(b.force || p.state.replaces(), b.provenance, record);
    let schedule = || b.learner.schedule(b.ctx, model);
    let finished = match wait::wait_learning(b.client, id, since, deadline, &schedule, line).await {
        Err(e) if recover::is_expired(&e) => {
            let recovered =
                recover::from_history(b.ctx, b.client, id, deadline, &dest, &opts).await;
            return recovered.or_else(|e| shared::written_by_job(&p.path, id, None).ok_or(e));
        }
        other => other?,
    };
    let finished = job::into_completed(b.ctx, id, finished)?;
    let delivered = match job::deliver(
        b.ctx,
        b.client,
        id,
        finished.status.metrics.as_ref(),
        finished.finished_after,
        &dest,
        &opts,
    )
    .await
    {
        Ok(delivered) => delivered,
        // Two processes running one job (one adopted it): the first to write wins, and the
        // other finds this very job's image in place.
        Err(e) => shared::written_by_job(&p.path, id, finished.status.metrics.as_ref()).ok_or(e)?,
    };
    b.learner.learn(
        model,
        finished.finished_after.map(|d| d.as_secs_f64()),
        delivered.metrics.inference_time,
    );
    Ok(delivered)
}

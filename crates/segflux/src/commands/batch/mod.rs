//! Batch generation (`generate --from FILE`, `-n N`, `--manifest`, `--shard`): many jobs at
//! once, idempotent across re-runs, one failure never stopping the rest.
//!
//! Order of work: plan (see [`plan`]: every line checked, duplicates refused, each job judged
//! up to date, out of date, missing or kept, every output path checked — exit 2 / 1, nothing
//! sent); skip up-to-date jobs and keep files segflux did not make; resume jobs the history
//! shows as submitted within the hour; submit the rest under the adaptive [`Limiter`]; write a
//! manifest line, a progress line and the written path (stdout) as each job ends; end with a
//! summary and the most severe exit code.

use crate::domain::exit::Exit;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::cli::GenerateArgs;
use crate::error::{Error, Result};
use crate::output::{self, manifest};
use crate::ui::printer::BatchProgress;

use super::generate;
use crate::job::{Context, cost};

mod check;
mod feed;
mod input;
mod names;
mod pace;
pub(crate) mod plan;
mod resumable;
mod run;
mod shared;
mod spend;
mod stall;
mod tally;

use crate::output::up_to_date::FileState;
use feed::run_jobs;
use plan::Planned;
use resumable::{resumable_jobs, resume_key};
use tally::{JobEnd, Tally, report};

/// Runs a batch.
pub async fn run(ctx: &Context, args: GenerateArgs) -> Result<()> {
    // Opening the input (stdin, a FIFO, `/dev/zero`) or a local `--image-prompt` may block:
    // off the runtime's thread, so a signal still ends the run.
    let worker = ctx.clone();
    let (plan, (total, repeats), args) = crate::job::detached::run("the batch input", move || {
        let mut plan = plan::Plan::new(&worker, &args)?;
        let counts = plan.validate()?;
        Ok((plan, counts, args))
    })
    .await?;
    let args = &args;
    if repeats > 0 {
        ctx.printer.info(&format!(
            "note: {repeats} repeated job(s) dropped (the same request for the same file)"
        ));
    }
    if args.gen_opts.dry_run {
        return dry_run(ctx, args, &plan);
    }
    if args.batch.check {
        let resumable = resumable_jobs(ctx, ctx.settings.base_url.trim_end_matches('/'));
        return check::check(ctx, &plan, &|p| {
            resumable.contains_key(&resume_key(&p.job.request))
        });
    }
    output::ensure_writable(&plan.dir)?;
    shared::sweep(ctx, &plan.dir);
    let earlier = args
        .batch
        .manifest
        .as_deref()
        .map(|path| resume_from_manifest(ctx, path))
        .unwrap_or_default();
    let manifest = open_manifest(args.batch.manifest.as_deref())?;
    let started = Instant::now();
    let progress = ctx.printer.batch_progress(total);
    let mut tally = Tally::default();
    let todo = to_run(ctx, &plan, &progress, manifest.as_ref(), &mut tally)?;
    plan::check_targets(todo.iter(), args.provenance.sidecar)?;
    if !todo.is_empty() {
        refuse_unjournaled(ctx, manifest.as_ref())?;
        let limiter = run_jobs(
            ctx,
            args,
            (&todo, earlier),
            &progress,
            manifest.as_ref(),
            &mut tally,
        )
        .await?;
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

/// `--dry-run`: every request that would be sent, then the estimate; refused over the cap.
fn dry_run(ctx: &Context, args: &GenerateArgs, plan: &plan::Plan) -> Result<()> {
    let mut estimates = cost::estimates(ctx);
    let mut total = crate::domain::spend::Total::default();
    for p in plan.jobs()? {
        let req = &p.job.request;
        let estimate = estimates.get(&req.model);
        generate::dry_run(ctx, req, estimate);
        total.add(&req.model, estimate);
    }
    cost::show_estimate(ctx, &total);
    cost::refuse_over_cap(cost::cap(ctx, args), &total)
}

/// Enters the jobs a run recorded in the manifest at `path` as SUBMITTED and never ended
/// (maybe on another machine) into the journal first, so the claims fetch them, not pay again.
/// Returns those jobs: when the journal cannot take them, the batch resumes them itself.
fn resume_from_manifest(ctx: &Context, path: &Path) -> Vec<crate::journal::JobRecord> {
    let api = ctx.settings.base_url.trim_end_matches('/');
    let jobs = manifest::unfinished(path, api);
    let resumed = match ctx.journal() {
        Some(history) => manifest::resume(history, &jobs).unwrap_or_else(|why| {
            ctx.journal_failed(&why);
            jobs.len()
        }),
        None => jobs.len(),
    };
    if resumed > 0 {
        ctx.printer.info(&format!(
            "{resumed} job(s) submitted by an earlier run and never finished (per {}): fetching them",
            path.display()
        ));
    }
    jobs
}

/// Fails closed: with no usable journal and no manifest, no submit has a write-ahead record,
/// so nothing is sent (exit 1).
fn refuse_unjournaled(ctx: &Context, manifest: Option<&Mutex<std::fs::File>>) -> Result<()> {
    if manifest.is_some() || ctx.journal().is_some() {
        return Ok(());
    }
    let why = ctx
        .journal_error()
        .unwrap_or("this platform has no data directory for the job journal");
    Err(Error::JournalUnusable(why.to_owned()))
}

/// The jobs to run; those up to date (skipped) or kept are reported as they are met.
fn to_run(
    ctx: &Context,
    plan: &plan::Plan,
    progress: &BatchProgress,
    manifest: Option<&Mutex<std::fs::File>>,
    tally: &mut Tally,
) -> Result<Vec<Planned>> {
    let mut todo = Vec::new();
    for p in plan.jobs()? {
        let end = match p.state {
            FileState::UpToDate => JobEnd::Skipped,
            FileState::Kept => JobEnd::Kept,
            _ => {
                todo.push(p);
                continue;
            }
        };
        report(ctx, progress, manifest, &p, &end, Duration::ZERO, tally);
    }
    Ok(todo)
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
        Exit::Success => Ok(()),
        worst => Err(Error::Batch {
            failed,
            total: tally.written + tally.skipped + tally.kept + failed,
            code: worst.code(),
        }),
    }
}

/// Opens the manifest for appending; a last line cut short (a killed run, a full disk) is
/// ended first, so the next line is not glued to it.
fn open_manifest(path: Option<&Path>) -> Result<Option<Mutex<std::fs::File>>> {
    path.map(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(p)
            .and_then(|mut f| end_cut_line(&mut f).map(|()| f))
            .map(Mutex::new)
            .map_err(|e| Error::io(format!("cannot open the manifest {}", p.display()), e))
    })
    .transpose()
}

/// Writes a newline when the file is not empty and does not end in one.
fn end_cut_line(f: &mut std::fs::File) -> std::io::Result<()> {
    use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
    if f.metadata()?.len() == 0 {
        return Ok(());
    }
    let mut last = [0u8; 1];
    f.seek(SeekFrom::End(-1))?;
    f.read_exact(&mut last)?;
    if last[0] != b'\n' {
        f.write_all(b"\n")?;
        f.flush()?;
    }
    Ok(())
}

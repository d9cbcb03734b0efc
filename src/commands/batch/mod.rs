//! Batch generation (`generate --from FILE`, `-n N`, `--manifest`, `--shard`): many jobs at
//! once, idempotent across re-runs, one failure never stopping the rest.
//!
//! Order of work: parse and check every line (exit 2, nothing sent); skip jobs whose file
//! exists; resume jobs the history shows as submitted within the hour; submit the rest under
//! the adaptive [`Limiter`]; write a manifest line and a progress line as each job ends; end
//! with a summary and the most severe exit code.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;

use crate::batch::{self, BatchJob};
use crate::cli::{GenerateArgs, ProvenanceArgs};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::history::{History, JobRecord};
use crate::job_report::JobReport;
use crate::limiter::Limiter;
use crate::metadata::GenerationRecord;
use crate::output::{self, Target};
use crate::printer::BatchProgress;
use crate::wait;

use super::job::{self, Destination, WriteOptions};
use super::{Context, connect_with, generate};

mod pace;

use pace::{Learner, Throttle};

/// A job with its target path.
#[derive(Debug)]
struct Planned {
    job: BatchJob,
    path: PathBuf,
}

/// How one job ended.
#[derive(Debug)]
enum Outcome {
    Written {
        id: String,
        delivered: job::Delivered,
        resumed: bool,
    },
    Skipped,
    Failed {
        id: Option<String>,
        error: Error,
    },
}

/// Runs a batch.
pub async fn run(ctx: &Context, args: &GenerateArgs) -> Result<()> {
    let (jobs, dir) = plan(ctx, args)?;
    if args.gen_opts.dry_run {
        for p in &jobs {
            generate::dry_run(ctx, &p.job.request);
        }
        return Ok(());
    }
    output::ensure_writable(&dir)?;
    let manifest = open_manifest(args.batch.manifest.as_deref())?;
    let started = Instant::now();
    let progress = ctx.printer.batch_progress(jobs.len());
    let (todo, skipped): (Vec<Planned>, Vec<Planned>) = jobs
        .into_iter()
        .partition(|p| args.force || !p.path.exists());
    let mut tally = Tally::default();
    for p in &skipped {
        report(
            ctx,
            &progress,
            manifest.as_ref(),
            p,
            &Outcome::Skipped,
            Duration::ZERO,
            &mut tally,
        );
    }
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
    progress.message(&format!(
        "generated {}, resumed {}, skipped {}, failed {} in {:.1}s",
        tally.written,
        tally.resumed,
        tally.skipped,
        tally.failed,
        started.elapsed().as_secs_f64()
    ));
    match tally.worst {
        0 => Ok(()),
        code => Err(Error::Batch {
            failed: tally.failed,
            total: tally.written + tally.skipped + tally.failed,
            code,
        }),
    }
}

/// Reads and checks the input, expands, de-duplicates and shards it.
fn plan(ctx: &Context, args: &GenerateArgs) -> Result<(Vec<Planned>, PathBuf)> {
    let output = args.output.as_ref().or(ctx.settings.config.output.as_ref());
    let Ok(Target::Dir(dir)) = Target::from_arg(output.map(PathBuf::as_path)) else {
        return Err(Error::Usage(format!(
            "invalid value '{}' for '--output <PATH>': in batch mode it must be a directory (end it in /)",
            output.map_or(Path::new("."), PathBuf::as_path).display()
        )));
    };
    let format = args
        .gen_opts
        .format
        .unwrap_or_else(|| generate::default_format(ctx));
    let defaults = generate::build_request(ctx, String::new(), &args.gen_opts, format);
    let (name, text) = match (&args.batch.from, &args.prompt) {
        (Some(from), _) => (from.display().to_string(), read_input(from)?),
        (None, Some(prompt)) => {
            check_seed_range(ctx, args)?;
            (
                "-".to_owned(),
                generate::read_prompt(prompt)?.replace('\n', " "),
            )
        }
        (None, None) => return Err(Error::Usage("a PROMPT or --from FILE is required".into())),
    };
    let jsonl = args.batch.from.is_some() && batch::is_jsonl(&name, &text);
    let mut jobs = batch::parse(
        &text,
        jsonl,
        &defaults,
        generate::default_seed(ctx, &args.gen_opts),
        args.batch.count,
    )
    .map_err(|errors| bad_lines(&name, &errors))?;
    let dropped = batch::dedupe(&mut jobs);
    if dropped > 0 {
        ctx.printer.info(&format!(
            "note: {dropped} duplicate job(s) dropped (same file name)"
        ));
    }
    if let Some((k, n)) = args.batch.shard {
        jobs = batch::shard(jobs, k, n);
    }
    let planned = jobs
        .into_iter()
        .map(|job| Planned {
            path: dir.join(&job.file_name),
            job,
        })
        .collect();
    Ok((planned, dir))
}

/// `--seed S -n N` numbers the seeds S..S+N-1: they must stay within the seed range.
fn check_seed_range(ctx: &Context, args: &GenerateArgs) -> Result<()> {
    let count = u64::from(args.batch.count);
    match generate::default_seed(ctx, &args.gen_opts) {
        Some(seed) if seed.checked_add(count - 1).is_none() => Err(Error::Usage(format!(
            "invalid value '{seed}' for '--seed <N>': with -n {count} the seeds {seed}..{seed}+{} pass the largest seed, {}",
            count - 1,
            u64::MAX
        ))),
        _ => Ok(()),
    }
}

fn read_input(from: &Path) -> Result<String> {
    let mut text = String::new();
    let read = if from == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(drop)
    } else {
        std::fs::File::open(from)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map(drop)
    };
    read.map_err(|e| {
        Error::Usage(format!(
            "invalid value '{}' for '--from <FILE>': {e}",
            from.display()
        ))
    })?;
    Ok(text)
}

fn bad_lines(name: &str, errors: &[String]) -> Error {
    const SHOWN: usize = 10;
    let mut msg = format!(
        "invalid value '{name}' for '--from <FILE>': {}",
        errors[..errors.len().min(SHOWN)].join("; ")
    );
    if errors.len() > SHOWN {
        let _ = write!(msg, "; and {} more bad lines", errors.len() - SHOWN);
    }
    Error::Usage(msg)
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
    resumable: HashMap<(String, u64, String, String), JobRecord>,
    stop: Mutex<Option<String>>,
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
        resumable: resumable_jobs(&conn.client.url("")),
        stop: Mutex::new(None),
        force: args.force,
        provenance: &args.provenance,
        learner: Learner::seed(todo.iter().map(|p| p.job.request.model.as_str())),
    };
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
    while let Some((p, outcome, wall)) = running.next().await {
        report(ctx, progress, manifest, p, &outcome, wall, tally);
    }
    Ok(limiter)
}

/// Jobs in the history that are recent enough to fetch instead of submitting again, by
/// (prompt hash, seed, format, model).
fn resumable_jobs(api: &str) -> HashMap<(String, u64, String, String), JobRecord> {
    let mut map = HashMap::new();
    let Some(history) = History::open() else {
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
    if let Some(reason) = b.stop.lock().ok().and_then(|s| s.clone()) {
        return Outcome::Failed {
            id: None,
            error: Error::Other(format!("not submitted: {reason}")),
        };
    }
    let req = &p.job.request;
    let key = (
        req.prompt_hash(),
        req.seed,
        req.format.ext().to_owned(),
        req.model.clone(),
    );
    let resumed = b.resumable.get(&key);
    let line = progress.job_line(&p.job.file_name);
    let (id, since) = match resumed {
        Some(rec) => {
            b.ctx.record_submit(&rec.request_id);
            (
                rec.request_id.clone(),
                Instant::now()
                    .checked_sub(rec.age())
                    .unwrap_or_else(Instant::now),
            )
        }
        None => match job::submit_and_record(b.ctx, b.client, req).await {
            Ok(sub) => {
                b.limiter.accepted();
                (sub.request_id, Instant::now())
            }
            Err(error) => {
                if matches!(error.exit_code(), 3 | 4)
                    && let Ok(mut stop) = b.stop.lock()
                {
                    stop.get_or_insert_with(|| error.one_line());
                }
                return Outcome::Failed { id: None, error };
            }
        },
    };
    let result = finish(b, p, &id, since, &line).await;
    drop(line);
    b.ctx.record_done(&id);
    match result {
        Ok(delivered) => Outcome::Written {
            id,
            delivered,
            resumed: resumed.is_some(),
        },
        Err(error) => Outcome::Failed {
            id: Some(id.clone()),
            error: error.for_job(&id),
        },
    }
}

async fn finish(
    b: &Batch<'_>,
    p: &Planned,
    id: &str,
    since: Instant,
    line: &crate::printer::JobLine,
) -> Result<job::Delivered> {
    let deadline = since + b.ctx.settings.timeout;
    let model = &p.job.request.model;
    let schedule = || b.learner.schedule(b.ctx, model);
    let finished = wait::wait_learning(b.client, id, since, deadline, &schedule, line).await?;
    let finished = job::into_completed(id, finished)?;
    let req = &p.job.request;
    let dest = Destination::File {
        path: p.path.clone(),
        format: req.format,
    };
    let record = GenerationRecord::from_body(id, Some(&req.model), &req.body());
    let opts = WriteOptions::new(b.force, b.provenance, record);
    let delivered = job::deliver(
        b.ctx,
        b.client,
        id,
        finished.status.metrics.as_ref(),
        finished.finished_after,
        &dest,
        &opts,
    )
    .await?;
    b.learner.learn(
        model,
        finished.finished_after.map(|d| d.as_secs_f64()),
        delivered.metrics.inference_time,
    );
    Ok(delivered)
}

/// Running counts, and the worst exit code so far.
#[derive(Debug, Default)]
struct Tally {
    written: usize,
    resumed: usize,
    skipped: usize,
    failed: usize,
    worst: u8,
}

/// Records a finished job: the tally, a progress line, a manifest line, a `--json` line.
fn report(
    ctx: &Context,
    progress: &BatchProgress,
    manifest: Option<&Mutex<std::fs::File>>,
    p: &Planned,
    outcome: &Outcome,
    wall: Duration,
    tally: &mut Tally,
) {
    let req = &p.job.request;
    let path = p.path.display().to_string();
    let (report, message) = match outcome {
        Outcome::Written {
            id,
            delivered,
            resumed,
        } => {
            tally.written += 1;
            tally.resumed += usize::from(*resumed);
            let how = if *resumed {
                "fetched (resumed)"
            } else {
                "written"
            };
            (
                job::delivered_report(id, delivered, None),
                format!("{how} {path}"),
            )
        }
        Outcome::Skipped => {
            tally.skipped += 1;
            (
                JobReport::new(None, "SKIPPED"),
                format!("skipped {path} (exists; --force redoes it)"),
            )
        }
        Outcome::Failed { id, error } => {
            tally.failed += 1;
            let code = error.exit_code();
            if Error::severity(code) > Error::severity(tally.worst) {
                tally.worst = code;
            }
            let text = error.render().replace('\n', "; ");
            (
                JobReport::new(id.as_deref(), "FAILED").failure(error),
                format!("failed {path} (line {}): {text}", p.job.line),
            )
        }
    };
    let mut line = report.request(req);
    line.prompt = Some(req.prompt.clone());
    line.path = Some(path);
    line.wall_time = Some((wall.as_secs_f64() * 1000.0).round() / 1000.0);
    line.line = Some(p.job.line);
    let line = serde_json::to_string(&line).unwrap_or_default();
    progress.job_done(&message, matches!(outcome, Outcome::Failed { .. }));
    if let Some(m) = manifest
        && let Ok(mut f) = m.lock()
        && let Err(e) = writeln!(f, "{line}").and_then(|()| f.flush())
    {
        progress.message(&format!("warning: cannot write the manifest: {e}"));
    }
    if ctx.printer.is_json() {
        ctx.printer.result(&line);
    }
}

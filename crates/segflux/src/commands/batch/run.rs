//! Running a batch's jobs: one connection, the adaptive [`Limiter`], the budget; each job
//! claimed in the journal and submitted (or adopted and fetched, not paid again), waited for
//! on the schedule the batch learns, and delivered; its end reported as it comes.

use crate::domain::exit::Exit;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cli::ProvenanceArgs;
use crate::client::Client;
use crate::domain::limiter::Limiter;
use crate::error::Result;
use crate::job::poll;
use crate::journal::{Adopt, JobRecord};
use crate::output::metadata::GenerationRecord;
use crate::ui::printer::BatchProgress;

use super::pace::Learner;
use super::plan::Planned;
use super::resumable::{ResumeKey, resume_key};
use super::shared;
use super::spend::spent_by;
use super::stall::Stall;
use super::tally::JobEnd;
use crate::domain::budget::{self, Budget, Spent};
use crate::job::deliver::{self, Destination, WriteOptions};
use crate::job::submit::{self, Begun};
use crate::job::{Context, cost, recover, waiting};
use crate::output::manifest;

/// What the jobs share.
pub(crate) struct Batch<'a> {
    pub(crate) ctx: &'a Context,
    pub(crate) client: &'a Client,
    pub(crate) limiter: Arc<Limiter>,
    /// When waiting for another process's claim gives up.
    pub(crate) deadline: Instant,
    /// Where `SUBMITTED` lines go.
    pub(crate) manifest: Option<&'a Mutex<std::fs::File>>,
    /// Jobs of the history the plan expects to resume (paid already: outside the budget).
    pub(crate) resumable: HashMap<ResumeKey, JobRecord>,
    /// Jobs an earlier run's manifest left unfinished: resumed from it when the journal
    /// cannot be used.
    pub(crate) earlier: HashMap<ResumeKey, JobRecord>,
    /// Why nothing more is submitted, and the exit code it maps to.
    pub(crate) stop: Mutex<Option<(String, Exit)>>,
    /// Whether rate limits have stalled the batch for --timeout.
    pub(crate) stall: Arc<Stall>,
    pub(crate) budget: Budget,
    pub(crate) force: bool,
    pub(crate) provenance: &'a ProvenanceArgs,
    pub(crate) learner: Learner,
}

pub(crate) async fn run_one(b: &Batch<'_>, p: &Planned, progress: &BatchProgress) -> JobEnd {
    let _permit = b.limiter.acquire().await;
    if let Some((reason, code)) = b.stopped() {
        return JobEnd::NotSubmitted { reason, code };
    }
    if let Some(reason) = b.stall.stalled() {
        return b.stop(reason, Exit::Network);
    }
    let req = &p.job.request;
    // A job the history shows as submitted is paid for already; a fresh one must fit the
    // budget first (settled at no cost if it turns out to be adopted after all).
    let mut ticket = if b.resumable.contains_key(&resume_key(req)) {
        None
    } else {
        match b.budget.admit(&req.model).await {
            Ok(ticket) => Some(ticket),
            Err(reason) => return b.stop(reason, Exit::Credits),
        }
    };
    let line = progress.job_line(&p.job.file_name);
    let (id, since, resumed) = match begin(b, p, &mut ticket, progress).await {
        Ok(begun) => begun,
        Err(outcome) => return outcome,
    };
    let submitted_ms = crate::journal::now_ms()
        .saturating_sub(u64::try_from(since.elapsed().as_millis()).unwrap_or(0));
    // Without a usable journal the manifest is the only record of the id: synced.
    if let Err(e) = manifest::append_line(
        b.manifest,
        &manifest::submitted_line(p.line_of(), &id, submitted_ms),
        b.ctx.journal().is_none(),
    ) {
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
        Ok(delivered) => JobEnd::Written {
            id,
            delivered,
            resumed,
        },
        Err(error) => JobEnd::Failed {
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
    ticket: &mut Option<budget::Admission>,
    progress: &BatchProgress,
) -> std::result::Result<(String, Instant, bool), JobEnd> {
    let req = &p.job.request;
    // Write-ahead in the manifest too: a run on a new machine with this manifest reconciles
    // the job through the request history instead of paying again; and when the journal
    // cannot be used, the manifest is the write-ahead record.
    let submitting = |synced: bool| {
        let line = manifest::submitting_line(p.line_of());
        match manifest::append_line(b.manifest, &line, synced) {
            // Beside a journal that has the intent, a manifest it misses is only a warning.
            Err(e) if !synced => {
                progress.message(&format!("warning: cannot write the manifest: {e}"));
                Ok(())
            }
            other => other,
        }
    };
    let written = b.manifest.map(|_| submit::Manifest {
        submitting: &submitting,
        earlier: b.earlier.get(&resume_key(req)),
    });
    match submit::begin(
        b.ctx,
        b.client,
        req,
        Adopt::Recent,
        b.deadline,
        written.as_ref(),
    )
    .await
    {
        Ok(Begun::New(sub)) => {
            b.limiter.accepted();
            b.stall.accepted();
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
            let exit = error.exit();
            let why = match error.inner() {
                // No write-ahead record can be made: no later job can be sent either.
                crate::error::Error::JournalUnusable(_) => Some(error.one_line()),
                _ if exit.stops_submits() => Some(error.one_line()),
                _ if exit == Exit::Network => b.stall.stalled(),
                _ => None,
            };
            if let Some(why) = why
                && let Ok(mut stop) = b.stop.lock()
            {
                stop.get_or_insert((why, exit));
            }
            // A submit whose outcome is unknown may have been billed.
            let spent = if exit == Exit::Network {
                Spent::Unknown
            } else {
                Spent::Known(0.0)
            };
            if let Some(t) = ticket.take() {
                b.budget.settle(t, spent, false);
            }
            Err(JobEnd::Failed { id: None, error })
        }
    }
}

async fn finish(
    b: &Batch<'_>,
    p: &Planned,
    id: &str,
    since: Instant,
    line: &crate::ui::printer::JobLine,
) -> Result<deliver::Delivered> {
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
    // The states seen are kept for the report of a wait that ends without an answer.
    let line = &waiting::Tracked {
        ctx: b.ctx,
        inner: line,
    };
    let waited = poll::wait_learning(b.client, id, since, deadline, &schedule, line).await;
    // A FAILED job is exit 5 here, before anything is delivered; a record that went while
    // it was waited for is not an error yet (see recover::outlived).
    let waited = waited.and_then(|f| waiting::into_completed(b.ctx, id, f));
    let seen = waited
        .as_ref()
        .ok()
        .map(|f| (f.status.metrics.clone(), f.finished_after));
    let outlived = matches!(&waited, Err(e) if recover::is_expired(e));
    let delivered =
        match recover::deliver_waited(b.ctx, b.client, id, waited, deadline, &dest, &opts).await {
            Ok(delivered) => delivered,
            // Two processes running one job (one adopted it): the first to write wins, and
            // the other finds this very job's image in place.
            Err(e) if seen.is_some() || outlived => {
                let metrics = seen.as_ref().and_then(|(m, _)| m.as_ref());
                shared::written_by_job(&p.path, id, metrics).ok_or(e)?
            }
            Err(e) => return Err(e),
        };
    if let Some((_, after)) = seen {
        b.learner.learn(
            model,
            after.map(|d| d.as_secs_f64()),
            delivered.metrics.inference_time,
        );
    }
    Ok(delivered)
}

impl Batch<'_> {
    /// Why the batch stopped submitting, and the exit code, once it has.
    pub(crate) fn stopped(&self) -> Option<(String, Exit)> {
        self.stop.lock().ok().and_then(|s| s.clone())
    }

    /// Stops all further submits for `reason` (exit `code`); this job is not submitted.
    pub(crate) fn stop(&self, reason: String, code: Exit) -> JobEnd {
        if let Ok(mut stop) = self.stop.lock() {
            stop.get_or_insert_with(|| (reason.clone(), code));
        }
        JobEnd::NotSubmitted { reason, code }
    }
}

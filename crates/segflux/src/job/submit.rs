//! The write-ahead submit: claim the job in the journal, then send, then record the id.
//!
//! Before a submit is sent, [`begin`] records the intent and claims it for this process in
//! one transaction ([`Journal::claim`]); the request id is written the moment the answer
//! arrives. A job another process is submitting is waited for; one already submitted is
//! adopted (fetched, not paid again); one whose submit an earlier process sent without
//! living to hear the answer is looked up in the request history first ([`reconcile`]).
//!
//! Failing closed: when the journal cannot take the claim (corrupt, a directory, a
//! read-only or full data directory, locked past `--timeout`), a batch's manifest takes the
//! intent instead, synced before the send; with no manifest nothing is sent (exit 1).

use crate::domain::state::State;
use std::time::{Duration, Instant};

use crate::client::{Client, Submitted};
use crate::domain::request::GenerationRequest;
use crate::error::{Error, Result};
use crate::journal::{Adopt, Claim, JobRecord, Journal, Ticket, now_ms};

use super::Context;
use super::reconcile::{self, Lookup};

/// Submits `req` as a new job (never adopting another), journaled write-ahead: the intent
/// before the submit, the id the moment it is answered (see [`super::submit`]).
pub async fn submit_and_record(
    ctx: &Context,
    client: &Client,
    req: &GenerationRequest,
) -> Result<Submitted> {
    let deadline = ctx.settings.deadline();
    match begin(ctx, client, req, Adopt::Never, deadline, None).await? {
        Begun::New(sub) => Ok(sub),
        Begun::Adopted(rec) => Err(Error::Other(format!(
            "internal error: {} was adopted where a new submit was asked for",
            rec.request_id
        ))),
    }
}

/// Tells the user a job was accepted (single-job commands; a batch shows its own lines).
pub fn announce(ctx: &Context, req: &GenerationRequest, id: &str) {
    ctx.printer.info(&format!(
        "submitted {id} (model {}, seed {}, prompt hash {})",
        req.model,
        req.seed,
        req.prompt_hash()
    ));
}

/// How often a claim held by another live process is asked again.
const BUSY_POLL: Duration = Duration::from_millis(100);

/// How a job got its request id.
#[derive(Debug)]
pub enum Begun {
    /// This process submitted it (paid now).
    New(Submitted),
    /// It was submitted before (by this machine: another process, or an earlier run) and is
    /// adopted: fetched, not paid again. The record carries its id and submission time.
    Adopted(JobRecord),
}

/// The journal entry of `req` before its submit: no id yet.
pub fn intent(client: &Client, req: &GenerationRequest) -> JobRecord {
    JobRecord {
        api: Some(client.url("")),
        request_id: String::new(),
        model: req.model.clone(),
        params: req.body(),
        seed: req.seed,
        prompt_hash: req.prompt_hash(),
        format: req.format.ext().to_owned(),
        submitted_ms: now_ms(),
        state: State::Submitting,
        ..JobRecord::default()
    }
}

/// A batch's manifest: a write-ahead record beside the journal, and the only one when the
/// journal cannot be used (cli.md, "Failing closed").
pub struct Manifest<'a> {
    /// Appends the job's `SUBMITTING` line; with `true`, synced to disk before it returns.
    pub submitting: &'a dyn Fn(bool) -> std::io::Result<()>,
    /// The job as an earlier run's manifest left it, never ended: submitted (its id known)
    /// or sent with no answer recorded (no id). Used when the journal cannot be.
    pub earlier: Option<&'a JobRecord>,
}

/// Claims `req` and submits it, or adopts the job that is already (being) submitted, per
/// `adopt`. Waiting for another process's claim gives up at `deadline`. A batch's
/// `manifest` gets its `SUBMITTING` line once the claim is this process's, just before the
/// submit goes out. When the journal cannot take the claim, the manifest is the write-ahead
/// record (synced before the send); with no manifest nothing is sent (exit 1).
pub async fn begin(
    ctx: &Context,
    client: &Client,
    req: &GenerationRequest,
    adopt: Adopt,
    deadline: Instant,
    manifest: Option<&Manifest<'_>>,
) -> Result<Begun> {
    let Some(history) = ctx.journal() else {
        let why = ctx
            .journal_error()
            .unwrap_or("this platform has no data directory for the job journal");
        return without_journal(ctx, client, req, why, manifest).await;
    };
    let before_send = || {
        if let Some(m) = manifest
            && let Err(e) = (m.submitting)(false)
        {
            ctx.printer
                .info(&format!("warning: cannot write the manifest: {e}"));
        }
    };
    let intent = intent(client, req);
    if let Ok(me) = history.owner() {
        crate::output::tag_temp_files(&me);
    }
    let mut told = false;
    loop {
        let claim = match history.claim(&intent, adopt) {
            Ok(claim) => claim,
            Err(why) => {
                ctx.journal_failed(&why);
                return without_journal(ctx, client, req, &why, manifest).await;
            }
        };
        match claim {
            Claim::Mine(ticket) => {
                before_send();
                return send(ctx, client, req, Some((history, ticket)))
                    .await
                    .map(Begun::New);
            }
            Claim::Submitted(rec) => {
                ctx.record_submit(&rec.request_id);
                return Ok(Begun::Adopted(rec));
            }
            Claim::Busy => {
                wait_for_other(ctx, req, deadline, !told).await?;
                told = true;
            }
            Claim::Uncertain(ticket, rec) => {
                let earlier = Earlier { ticket, rec };
                return settle(ctx, client, req, history, earlier, &before_send).await;
            }
        }
    }
}

/// The journal cannot take the job's claim (`why`): the manifest's earlier record of the job
/// is used (adopted, or settled through the request history), else the manifest takes the
/// intent, synced, before the send. With no manifest, nothing is sent.
async fn without_journal(
    ctx: &Context,
    client: &Client,
    req: &GenerationRequest,
    why: &str,
    manifest: Option<&Manifest<'_>>,
) -> Result<Begun> {
    let Some(m) = manifest else {
        return Err(Error::JournalUnusable(why.to_owned()));
    };
    ctx.tell_fallback(why);
    if let Some(rec) = m.earlier {
        if rec.has_id() {
            ctx.record_submit(&rec.request_id);
            return Ok(Begun::Adopted(rec.clone()));
        }
        match reconcile::look_up(client, rec, &req.body(), None).await {
            Lookup::Found(id) => {
                ctx.printer.info(&format!(
                    "an earlier run's submit was accepted as {id} (request history); fetching it, not paying again"
                ));
                ctx.record_submit(&id);
                let mut rec = rec.clone();
                rec.request_id = id;
                return Ok(Begun::Adopted(rec));
            }
            Lookup::Absent => ctx.printer.info(&format!(
                "an earlier run's submit of {} was never accepted (request history); submitting it now",
                req.file_name()
            )),
            Lookup::Unreadable(why) => return Err(reconcile::uncertain_error(1, &why)),
        }
    }
    (m.submitting)(true).map_err(|e| {
        Error::JournalUnusable(format!(
            "{why}, and the manifest cannot take the write-ahead record either: {e}"
        ))
    })?;
    send(ctx, client, req, None).await.map(Begun::New)
}

/// Another live process holds the claim: says so the first time (`tell`), then waits one
/// [`BUSY_POLL`] for its request id, giving up at `deadline` without sending it twice.
async fn wait_for_other(
    ctx: &Context,
    req: &GenerationRequest,
    deadline: Instant,
    tell: bool,
) -> Result<()> {
    if tell {
        ctx.printer.info(&format!(
            "another segflux process is submitting {} (seed {}); waiting for its request id",
            req.file_name(),
            req.seed
        ));
    }
    if Instant::now() + BUSY_POLL > deadline {
        return Err(Error::SubmitUncertain(format!(
            "another segflux process is still submitting {} (seed {}); not sending it twice",
            req.file_name(),
            req.seed
        )));
    }
    tokio::time::sleep(BUSY_POLL).await;
    Ok(())
}

/// An earlier run's claim on the job, whose submit went out without its answer recorded.
struct Earlier {
    ticket: Ticket,
    rec: JobRecord,
}

/// Settles an earlier run's uncertain submit through the request history: adopted when it
/// was accepted, submitted now when it positively was not, exit 8 when the history cannot say.
async fn settle(
    ctx: &Context,
    client: &Client,
    req: &GenerationRequest,
    history: &Journal,
    earlier: Earlier,
    before_send: &dyn Fn(),
) -> Result<Begun> {
    let Earlier { ticket, mut rec } = earlier;
    match reconcile::look_up(client, &rec, &req.body(), Some(history)).await {
        Lookup::Found(id) => {
            adopted_from_history(ctx, history, ticket, &id);
            rec.request_id = id;
            Ok(Begun::Adopted(rec))
        }
        Lookup::Absent => {
            ctx.printer.info(&format!(
                "an earlier run's submit of {} was never accepted (request history); submitting it now",
                req.file_name()
            ));
            before_send();
            send(ctx, client, req, Some((history, ticket)))
                .await
                .map(Begun::New)
        }
        Lookup::Unreadable(why) => Err(reconcile::uncertain_error(1, &why)),
    }
}

/// Records an uncertain job's id found in the request history.
fn adopted_from_history(ctx: &Context, history: &Journal, ticket: Ticket, id: &str) {
    if let Err(e) = history.accepted(ticket, id) {
        ctx.printer.info(&format!("warning: {e}"));
    }
    ctx.printer.info(&format!(
        "an earlier run's submit was accepted as {id} (request history); fetching it, not paying again"
    ));
    ctx.record_submit(id);
}

/// Sends the submit; with a claim, records the id at once, or drops the intent when the
/// submit was certainly not accepted (an unknown outcome keeps it, uncertain).
async fn send(
    ctx: &Context,
    client: &Client,
    req: &GenerationRequest,
    claim: Option<(&Journal, Ticket)>,
) -> Result<Submitted> {
    let mut body = req.body();
    // A local image prompt is uploaded (once per content) just before its first submit.
    if let Err(e) = super::upload::storage_urls(ctx, client, &mut body).await {
        if let Some((history, ticket)) = claim {
            ctx.journaled("the dropped claim", "(never sent)", history.abandon(ticket));
        }
        return Err(e);
    }
    // Counted while unanswered, so an interrupt can say a submit may have been accepted.
    let counter = &ctx.submitting;
    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let sent = client.submit(&req.model, &body).await;
    counter.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    match (sent, claim) {
        (Ok(sub), claim) => {
            ctx.record_submit(&sub.request_id);
            if let Some((history, ticket)) = claim
                && let Err(e) = history.accepted(ticket, &sub.request_id)
            {
                ctx.printer.info(&format!("warning: {e}"));
            }
            Ok(sub)
        }
        (Err(e), Some((history, ticket))) => {
            if !matches!(e.inner(), Error::SubmitUncertain(_)) {
                ctx.journaled("the dropped claim", "(never sent)", history.abandon(ticket));
            }
            Err(e)
        }
        (Err(e), None) => Err(e),
    }
}

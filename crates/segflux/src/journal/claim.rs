//! Write-ahead claims: the journal records a job's intent *before* its submit is sent, and
//! which live process owns it, so no two processes (nor a re-run after a crash) pay for one
//! job twice.
//!
//! A process's identity is an *owner lock* (see `owner`): a file `owners/{token}.lock` in the
//! data directory on which the process holds an exclusive lock (`File::try_lock`, i.e.
//! `flock` / `LockFileEx`) for as long as it lives. The kernel drops the lock when the
//! process dies, however it dies (SIGKILL, a power cut, a runner torn down), so "claimed by a
//! live process" is exactly "its owner file is still locked". Nothing depends on pids
//! (reused) or clocks (skewed), and no lease needs refreshing.
//!
//! Rows claimed and never answered (state `SUBMITTING`, no request id) whose owner is gone
//! are *uncertain*: the server may have accepted them. Whoever claims one next takes it over
//! and must reconcile it with the request history before submitting again.

use crate::domain::state::State;
use std::path::Path;

use rusqlite::{TransactionBehavior, params};

use super::owner::{alive, owner_token};
use super::{COLUMNS, JobRecord, Journal, from_row, ms_to_sql, now_ms, seed_to_sql, write_row};

/// The state of a row whose submit is being sent.
pub const SUBMITTING: &str = State::Submitting.as_str();

/// The state of an uncertain row the request history showed was never accepted.
pub const NOT_SUBMITTED: &str = State::NotSubmitted.as_str();

/// A row this process holds the claim of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(i64);

/// Which existing jobs a claim may adopt instead of submitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adopt {
    /// None: always a new submit (`segflux submit`).
    Never,
    /// Jobs not finished yet, or whose submit is still being sent (`generate`).
    Unfinished,
    /// Any job of the last hour that did not fail, and any older one never seen finished (a
    /// batch: a re-run fetches, never pays; past the hour through the request history).
    Recent,
}

/// What [`Journal::claim`] decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This process owns a new intent: send the submit, then [`Journal::accepted`].
    Mine(Ticket),
    /// The job was submitted already (by this machine, this or another process): fetch it.
    Submitted(JobRecord),
    /// Another live process is sending this job's submit: ask again shortly.
    Busy,
    /// An earlier process died while sending this job's submit; this process now owns the
    /// row and must reconcile it with the request history before paying again.
    Uncertain(Ticket, JobRecord),
}

impl Journal {
    /// Claims the job `intent` describes (its request id empty), in one transaction: adopts
    /// a matching job per `adopt`, or records the intent as `SUBMITTING`, owned by this
    /// process. Jobs match on model, request hash, seed, format and API.
    pub fn claim(&self, intent: &JobRecord, adopt: Adopt) -> Result<Claim, String> {
        let me = owner_token(&self.dir)?;
        let fail = |e: rusqlite::Error| format!("cannot record the job in the journal: {e}");
        let mut db = self.db();
        let tx = db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let candidates = if adopt == Adopt::Never {
            Vec::new()
        } else {
            same_jobs(&tx, intent).map_err(fail)?
        };
        let decision = decide(&self.dir, &me, adopt, candidates);
        let claim = match decision {
            Some(Decision::Adopt(rec)) => Claim::Submitted(rec),
            Some(Decision::Wait) => Claim::Busy,
            Some(Decision::TakeOver(row, rec)) => {
                tx.execute("UPDATE jobs SET owner = ?2 WHERE id = ?1", params![row, me])
                    .map_err(fail)?;
                Claim::Uncertain(Ticket(row), rec)
            }
            None => {
                let row = insert_intent(&tx, intent, &me).map_err(fail)?;
                Claim::Mine(Ticket(row))
            }
        };
        tx.commit().map_err(fail)?;
        Ok(claim)
    }

    /// This process's owner token (taking its lock on first use).
    pub fn owner(&self) -> Result<String, String> {
        owner_token(&self.dir)
    }

    /// Whether the process that owns `token` is alive (this one included).
    pub fn owner_alive(&self, token: &str) -> bool {
        owner_token(&self.dir).is_ok_and(|me| me == token) || alive(&self.dir, token)
    }

    /// The submit of `ticket` was answered with `request_id`: written at once.
    pub fn accepted(&self, ticket: Ticket, request_id: &str) -> Result<(), String> {
        self.db()
            .execute(
                "UPDATE jobs SET request_id = ?2, state = 'QUEUED', updated_ms = ?3
                 WHERE id = ?1",
                params![ticket.0, request_id, ms_to_sql(now_ms())],
            )
            .map(drop)
            .map_err(|e| format!("cannot record {request_id} in the journal: {e}"))
    }

    /// Records an intent another machine's run left unanswered (from its manifest): owned by
    /// no one, so it is uncertain, unless the journal has this job already.
    pub fn seed_uncertain(&self, intent: &JobRecord) -> Result<bool, String> {
        let fail = |e: rusqlite::Error| format!("cannot record the job in the journal: {e}");
        let mut db = self.db();
        let tx = db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let known: i64 = tx
            .query_row(
                "SELECT count(*) FROM jobs WHERE prompt_hash = ?1 AND seed = ?2 AND model = ?3
                   AND format = ?4",
                params![
                    intent.prompt_hash,
                    seed_to_sql(intent.seed),
                    intent.model,
                    intent.format
                ],
                |r| r.get(0),
            )
            .map_err(fail)?;
        if known > 0 {
            return Ok(false);
        }
        let row = insert_intent(&tx, intent, "").map_err(fail)?;
        tx.execute(
            "UPDATE jobs SET owner = NULL, submitted_ms = ?2 WHERE id = ?1",
            params![row, ms_to_sql(intent.submitted_ms)],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(true)
    }

    /// The submit of `ticket` was certainly not accepted: the intent is dropped. Failing
    /// that, the row stays uncertain, which the next run settles with the request history.
    pub fn abandon(&self, ticket: Ticket) -> std::io::Result<()> {
        self.db()
            .execute(
                "DELETE FROM jobs WHERE id = ?1 AND request_id IS NULL",
                [ticket.0],
            )
            .map(drop)
            .map_err(std::io::Error::other)
    }

    /// The request history showed the uncertain `ticket` was never accepted: it stays in the
    /// journal as `NOT_SUBMITTED` (`status` shows it; the next run submits it afresh).
    pub fn not_submitted(&self, ticket: Ticket) -> std::io::Result<()> {
        self.db()
            .execute(
                "UPDATE jobs SET state = ?2, updated_ms = ?3 WHERE id = ?1 AND request_id IS NULL",
                params![ticket.0, NOT_SUBMITTED, ms_to_sql(now_ms())],
            )
            .map(drop)
            .map_err(std::io::Error::other)
    }

    /// Takes over every uncertain row (unanswered submit, owner gone) of the API `api`, for
    /// `status --reconcile`.
    pub fn take_uncertain(&self, api: &str) -> Result<Vec<(Ticket, JobRecord)>, String> {
        let me = owner_token(&self.dir)?;
        let fail = |e: rusqlite::Error| format!("cannot read the job journal: {e}");
        let mut db = self.db();
        let tx = db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs WHERE state = '{SUBMITTING}' AND request_id IS NULL
               AND (api IS ?1 OR api IS NULL) ORDER BY submitted_ms"
        );
        let rows: Vec<(i64, Option<String>, JobRecord)> = {
            let mut stmt = tx.prepare_cached(&sql).map_err(fail)?;
            let rows = stmt
                .query_map([api], |r| Ok((r.get(0)?, r.get(16)?, from_row(r)?)))
                .map_err(fail)?;
            rows.collect::<rusqlite::Result<_>>().map_err(fail)?
        };
        let mut taken = Vec::new();
        for (row, owner, rec) in rows {
            if owner
                .as_deref()
                .is_some_and(|o| o == me || alive(&self.dir, o))
            {
                continue;
            }
            tx.execute("UPDATE jobs SET owner = ?2 WHERE id = ?1", params![row, me])
                .map_err(fail)?;
            taken.push((Ticket(row), rec));
        }
        tx.commit().map_err(fail)?;
        Ok(taken)
    }

    /// How many rows are uncertain (unanswered submit, owner gone), of any API.
    pub fn uncertain_count(&self) -> usize {
        let sql =
            format!("SELECT owner FROM jobs WHERE state = '{SUBMITTING}' AND request_id IS NULL");
        let db = self.db();
        let owners: Vec<Option<String>> = db
            .prepare(&sql)
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_default();
        drop(db);
        let me = owner_token(&self.dir).unwrap_or_default();
        owners
            .iter()
            .filter(|o| o.as_deref().is_none_or(|o| o != me && !alive(&self.dir, o)))
            .count()
    }
}

/// What to do with the matching rows.
enum Decision {
    Adopt(JobRecord),
    Wait,
    TakeOver(i64, JobRecord),
}

/// Prefers a submitted job, then waiting for a live claim, then taking over a dead one.
fn decide(
    dir: &Path,
    me: &str,
    adopt: Adopt,
    rows: Vec<(i64, Option<String>, JobRecord)>,
) -> Option<Decision> {
    let mut wait = false;
    let mut dead = None;
    for (row, owner, rec) in rows {
        // Only a batch goes past the hour (it recovers through the request history).
        if adopt != Adopt::Recent && rec.expired() {
            continue;
        }
        if rec.has_id() {
            let finished = matches!(rec.state, State::Completed | State::Expired);
            if adopt == Adopt::Recent || !finished {
                return Some(Decision::Adopt(rec));
            }
        } else if owner.as_deref().is_some_and(|o| o == me || alive(dir, o)) {
            wait = true;
        } else if dead.is_none() {
            dead = Some(Decision::TakeOver(row, rec));
        }
    }
    if wait { Some(Decision::Wait) } else { dead }
}

/// The journal's entries of the same job as `intent` (same request hash, seed, model, format
/// and API) that a claim may adopt or wait for: submitted within the hour or still running,
/// not FAILED or never submitted; newest first, each with its row and owner.
fn same_jobs(
    tx: &rusqlite::Transaction<'_>,
    intent: &JobRecord,
) -> rusqlite::Result<Vec<(i64, Option<String>, JobRecord)>> {
    let since = now_ms().saturating_sub(retention_ms());
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE prompt_hash = ?1 AND seed = ?2 AND model = ?3
           AND format = ?4 AND (api IS ?5 OR api IS NULL)
           AND (submitted_ms >= ?6
                OR (request_id IS NOT NULL AND state IN ('QUEUED', 'PROCESSING')))
           AND state NOT IN ('FAILED', '{NOT_SUBMITTED}')
         ORDER BY submitted_ms DESC, id DESC"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            intent.prompt_hash,
            seed_to_sql(intent.seed),
            intent.model,
            intent.format,
            intent.api,
            ms_to_sql(since)
        ],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(16)?,
                from_row(r)?,
            ))
        },
    )?;
    rows.collect()
}

fn insert_intent(
    tx: &rusqlite::Transaction<'_>,
    rec: &JobRecord,
    me: &str,
) -> rusqlite::Result<i64> {
    let intent = JobRecord {
        state: State::Submitting,
        submitted_ms: now_ms(),
        ..rec.clone()
    };
    write_row(tx, None, &intent)?;
    let row = tx.last_insert_rowid();
    tx.execute("UPDATE jobs SET owner = ?2 WHERE id = ?1", params![row, me])?;
    Ok(row)
}

fn retention_ms() -> u64 {
    u64::try_from(super::RETENTION.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[path = "claim_tests.rs"]
mod tests;

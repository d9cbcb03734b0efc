//! The job journal: an SQLite database (`journal.db`) in the data directory, shared by every
//! segflux process on the machine.
//!
//! WAL mode lets readers run beside one writer; a busy timeout makes concurrent writers queue
//! instead of failing; every change is one short transaction, so `update` cannot lose a
//! field another process wrote meanwhile. The schema and the import of the old JSON entries
//! live in [`schema`]; the write-ahead claims around submits in [`claim`]. The database and
//! its directory are private (0600 / 0700): prompts are the user's business.
//!
//! This module knows nothing of HTTP, clap or the printer: callers report its warnings.

mod claim;
mod extras;
mod owner;
mod schema;
mod store;
mod transitions;

pub use claim::{Adopt, Claim, NOT_SUBMITTED, SUBMITTING, Ticket};
pub use transitions::Completion;

use crate::domain::state::State;
use store::{
    connect, from_row, is_busy, ms_to_sql, private_dir, private_file, seed_to_sql, write_row,
};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension as _};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How long the API keeps a request's result after submission.
pub const RETENTION: Duration = Duration::from_hours(1);

/// One job as this machine knows it. (`Default` is empty: constructors name what they know
/// and leave what is learnt later, the image URL, path, error, figures and cost, unset.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// The API's id; empty while the submit is unanswered (state `SUBMITTING`).
    pub request_id: String,
    /// Model slug.
    pub model: String,
    /// The full request body that was sent.
    pub params: Value,
    /// The seed sent.
    pub seed: u64,
    /// The 12-digit request hash that names the file.
    pub prompt_hash: String,
    /// `jpg` or `png`.
    pub format: String,
    /// Submission time, Unix milliseconds.
    pub submitted_ms: u64,
    /// The API base URL it was submitted to (absent in entries of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Last known state (QUEUED, PROCESSING, COMPLETED, FAILED, EXPIRED, …).
    pub state: State,
    /// The image URL, as soon as it was seen (it outlives the request record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_url: Option<String>,
    /// Where the image was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The server's error text when FAILED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Server compute seconds, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_time: Option<f64>,
    /// Seconds from submission until segflux saw the job finish (see
    /// `job::poll::Finished::finished_after`), when a poll saw it unfinished first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_after: Option<f64>,
    /// What the job cost in USD, when the API said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

impl JobRecord {
    /// Whether the API's id is known (an intent recorded before its submit was answered has
    /// none yet: see [`Journal::claim`]).
    pub fn has_id(&self) -> bool {
        !self.request_id.is_empty()
    }

    /// The prompt sent, if the body has one.
    pub fn prompt(&self) -> &str {
        self.params
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// Time since submission.
    pub fn age(&self) -> Duration {
        now_ms()
            .checked_sub(self.submitted_ms)
            .map_or(Duration::ZERO, Duration::from_millis)
    }

    /// Whether the API has dropped the request record by now.
    pub fn expired(&self) -> bool {
        self.age() > RETENTION
    }

    /// The default file name, `{seed}-{hash}.{ext}`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.{}", self.seed, self.prompt_hash, self.format)
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The database's file name inside the data directory.
pub const FILE_NAME: &str = "journal.db";

/// How many days of jobs the journal keeps by default (config key `history_days`).
pub const DEFAULT_HISTORY_DAYS: u32 = 90;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The columns every job query reads, in [`from_row`]'s order.
const COLUMNS: &str = "id, request_id, api, model, params, seed, prompt_hash, format, \
    submitted_ms, state, output_url, path, error, inference_time, finished_after, cost, owner";

/// A filter over the journal (`segflux status --state/--model/--since/--search`).
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only jobs in this state (upper case, e.g. `COMPLETED`).
    pub state: Option<String>,
    /// Only jobs of this model.
    pub model: Option<String>,
    /// Only jobs submitted at or after this Unix millisecond.
    pub since_ms: Option<u64>,
    /// Only jobs whose prompt contains this text (case-insensitive for ASCII).
    pub search: Option<String>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// The journal in one data directory. Cloning shares the one connection.
#[derive(Debug, Clone)]
pub struct Journal {
    conn: Arc<Mutex<Connection>>,
    dir: PathBuf,
}

impl Journal {
    /// The journal in `data_dir`, opened for a run: created and migrated as needed, and
    /// jobs older than `days` days pruned (housekeeping: a journal that cannot prune still
    /// works). A run opens it once and passes it down (`job::Context::journal`).
    /// A journal locked by another process for longer than `busy` (the run's `--timeout`)
    /// is not usable: the open, or a later write, fails.
    pub fn open_for_run(data_dir: &Path, days: u32, busy: Duration) -> Result<Self, String> {
        let history = Self::open_waiting(data_dir, busy)?;
        let _ = history.prune(days);
        Ok(history)
    }

    /// The journal in `data_dir`, created and migrated as needed (the JSON entries of older
    /// versions imported on creation).
    pub fn open_in(data_dir: &Path) -> Result<Self, String> {
        Self::open_waiting(data_dir, BUSY_TIMEOUT)
    }

    /// [`Journal::open_in`], waiting at most `busy` for another process's lock.
    fn open_waiting(data_dir: &Path, busy: Duration) -> Result<Self, String> {
        let fail = |e: &dyn std::fmt::Display| {
            format!(
                "cannot open the job journal {}: {e}",
                data_dir.join(FILE_NAME).display()
            )
        };
        private_dir(data_dir).map_err(|e| fail(&e))?;
        let path = data_dir.join(FILE_NAME);
        private_file(&path).map_err(|e| fail(&e))?;
        // Many processes may open a fresh journal at once: switching it to WAL can meet a
        // lock that SQLite's busy handler does not wait for, so the open is retried briefly.
        let started = std::time::Instant::now();
        let conn = loop {
            match connect(&path, data_dir, busy) {
                Ok(conn) => break conn,
                Err(e) if is_busy(&e) && started.elapsed() < busy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(fail(&e)),
            }
        };
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            dir: data_dir.to_owned(),
        })
    }

    /// The data directory this journal lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The connection. A panic while it was held cannot leave a transaction half-done (it
    /// rolls back on drop), so a poisoned lock is taken over.
    fn db(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Deletes jobs submitted more than `days` days ago; returns how many.
    pub fn prune(&self, days: u32) -> rusqlite::Result<usize> {
        let cutoff = now_ms().saturating_sub(u64::from(days) * 86_400_000);
        let db = self.db();
        // Look first: a read takes no write lock, and usually there is nothing to delete.
        let any: Option<i64> = db
            .query_row(
                "SELECT 1 FROM jobs WHERE submitted_ms < ?1 LIMIT 1",
                [ms_to_sql(cutoff)],
                |r| r.get(0),
            )
            .optional()?;
        if any.is_none() {
            return Ok(0);
        }
        db.execute(
            "DELETE FROM jobs WHERE submitted_ms < ?1",
            [ms_to_sql(cutoff)],
        )
    }

    /// Writes (or replaces) a job's entry, by request id.
    pub fn save(&self, rec: &JobRecord) -> std::io::Result<()> {
        let db = self.db();
        let existing: Option<i64> = db
            .query_row(
                "SELECT id FROM jobs WHERE request_id = ?1",
                [&rec.request_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(std::io::Error::other)?;
        write_row(&db, existing, rec).map_err(std::io::Error::other)
    }

    /// A job's entry: `Ok(None)` when there is none, `Err` with the reason when the journal
    /// cannot be read.
    pub fn get(&self, request_id: &str) -> Result<Option<JobRecord>, String> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE request_id = ?1");
        self.db()
            .query_row(&sql, [request_id], from_row)
            .optional()
            .map_err(|e| format!("cannot read the job journal: {e}"))
    }

    /// Changes a job's entry (no-op when absent), read and written in one transaction so a
    /// change another process made meanwhile is not lost.
    pub fn update(
        &self,
        request_id: &str,
        change: impl FnOnce(&mut JobRecord),
    ) -> std::io::Result<()> {
        let mut db = self.db();
        let tx = db
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(std::io::Error::other)?;
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE request_id = ?1");
        let found = tx
            .query_row(&sql, [request_id], |r| {
                Ok((r.get::<_, i64>(0)?, from_row(r)?))
            })
            .optional()
            .map_err(std::io::Error::other)?;
        if let Some((row, mut rec)) = found {
            change(&mut rec);
            write_row(&tx, Some(row), &rec).map_err(std::io::Error::other)?;
        }
        tx.commit().map_err(std::io::Error::other)
    }

    /// Every entry, newest first. The second list (warnings) is kept for callers of the
    /// file-per-job journal; the database has no damaged entries to skip.
    pub fn list(&self) -> (Vec<JobRecord>, Vec<String>) {
        match self.query(&Query {
            limit: usize::MAX,
            ..Query::default()
        }) {
            Ok(records) => (records, Vec::new()),
            Err(e) => (Vec::new(), vec![e]),
        }
    }

    /// The entries that match `q`, newest first, at most `q.limit`.
    pub fn query(&self, q: &Query) -> Result<Vec<JobRecord>, String> {
        let mut sql = format!("SELECT {COLUMNS} FROM jobs WHERE 1 = 1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(state) = &q.state {
            sql.push_str(" AND state = ?");
            args.push(state.to_ascii_uppercase().into());
        }
        if let Some(model) = &q.model {
            sql.push_str(" AND model = ?");
            args.push(model.clone().into());
        }
        if let Some(since) = q.since_ms {
            sql.push_str(" AND submitted_ms >= ?");
            args.push(ms_to_sql(since).into());
        }
        if let Some(text) = &q.search {
            sql.push_str(" AND instr(lower(prompt), lower(?)) > 0");
            args.push(text.clone().into());
        }
        sql.push_str(" ORDER BY submitted_ms DESC, id DESC LIMIT ?");
        args.push(i64::try_from(q.limit).unwrap_or(i64::MAX).into());
        let db = self.db();
        let read = || -> rusqlite::Result<Vec<JobRecord>> {
            let mut stmt = db.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), from_row)?;
            rows.collect()
        };
        read().map_err(|e| format!("cannot read the job journal: {e}"))
    }

    /// Inference times of this model's completed jobs, the most recently written entry first.
    pub fn recent_inference_times(&self, model: &str, n: usize) -> Vec<f64> {
        self.recent_samples(model, n).1
    }

    /// Seconds from submission to the finish, as segflux saw them, of this model's most
    /// recently written completed jobs first.
    pub fn recent_finish_times(&self, model: &str, n: usize) -> Vec<f64> {
        self.recent_samples(model, n).0
    }

    /// Both of the above in one indexed read: up to `n` finish times and up to `n`
    /// inference times of this model's completed jobs, most recently written first.
    pub fn recent_samples(&self, model: &str, n: usize) -> (Vec<f64>, Vec<f64>) {
        let (mut finish, mut inference) = (Vec::new(), Vec::new());
        let db = self.db();
        let Ok(mut stmt) = db.prepare_cached(
            "SELECT finished_after, inference_time FROM jobs
             WHERE model = ?1 AND state = 'COMPLETED'
               AND (finished_after IS NOT NULL OR inference_time IS NOT NULL)
             ORDER BY updated_ms DESC, id DESC",
        ) else {
            return (finish, inference);
        };
        let Ok(mut rows) = stmt.query([model]) else {
            return (finish, inference);
        };
        while let Ok(Some(row)) = rows.next() {
            let f: Option<f64> = row.get(0).ok().flatten();
            let i: Option<f64> = row.get(1).ok().flatten();
            if let Some(t) = f.filter(|_| finish.len() < n) {
                finish.push(t);
            }
            if let Some(t) = i.filter(|_| inference.len() < n) {
                inference.push(t);
            }
            if finish.len() >= n && inference.len() >= n {
                break;
            }
        }
        (finish, inference)
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// A job record for tests.
    pub(crate) fn rec(id: &str, ms: u64) -> JobRecord {
        JobRecord {
            request_id: id.into(),
            model: "flux-1.1-pro-ultra".into(),
            params: serde_json::json!({"prompt": "a fox"}),
            seed: 1,
            prompt_hash: "0123456789ab".into(),
            format: "jpg".into(),
            submitted_ms: ms,
            state: "QUEUED".into(),
            ..JobRecord::default()
        }
    }
}

#[cfg(test)]
mod tests;

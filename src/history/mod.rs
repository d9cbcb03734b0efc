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
mod schema;

pub use claim::{Adopt, Claim, NOT_SUBMITTED, SUBMITTING, Ticket};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension as _, Row, params};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How long the API keeps a request's result after submission.
pub const RETENTION: Duration = Duration::from_hours(1);

/// One job as this machine knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub state: String,
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
    /// [`crate::wait::Finished::finished_after`]), when a poll saw it unfinished first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_after: Option<f64>,
    /// What the job cost in USD, when the API said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
}

impl JobRecord {
    /// Whether the API's id is known (an intent recorded before its submit was answered has
    /// none yet: see [`History::claim`]).
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

/// Set once per process by [`History::set_retention_days`] before the first [`History::open`].
static RETENTION_DAYS: OnceLock<u32> = OnceLock::new();

/// The process's journal, opened once.
static SHARED: OnceLock<Result<History, String>> = OnceLock::new();

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
pub struct History {
    conn: Arc<Mutex<Connection>>,
    dir: PathBuf,
}

impl History {
    /// Sets how many days of jobs [`History::open`] keeps (the config's `history_days`);
    /// only the first call counts.
    pub fn set_retention_days(days: u32) {
        let _ = RETENTION_DAYS.set(days);
    }

    /// The machine's journal, opened (created, migrated, pruned) once per process; `None`
    /// when the platform has no data directory or the database cannot be opened (see
    /// [`History::open_error`]).
    pub fn open() -> Option<Self> {
        Self::shared().as_ref().ok().cloned()
    }

    /// Why [`History::open`] gives `None`, if it does.
    pub fn open_error() -> Option<String> {
        Self::shared().as_ref().err().cloned()
    }

    fn shared() -> &'static Result<Self, String> {
        SHARED.get_or_init(|| {
            let dir = crate::settings::Settings::data_dir()
                .ok_or_else(|| "this platform has no data directory".to_owned())?;
            let history = Self::open_in(&dir)?;
            let days = RETENTION_DAYS
                .get()
                .copied()
                .unwrap_or(DEFAULT_HISTORY_DAYS);
            // Pruning is housekeeping: a journal that cannot prune still works.
            let _ = history.prune(days);
            Ok(history)
        })
    }

    /// The journal in `data_dir`, created and migrated as needed (the JSON entries of older
    /// versions imported on creation).
    pub fn open_in(data_dir: &Path) -> Result<Self, String> {
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
            match connect(&path, data_dir) {
                Ok(conn) => break conn,
                Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
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

    /// Records what a job cost (USD).
    pub fn set_cost(&self, request_id: &str, usd: f64) -> std::io::Result<()> {
        self.db()
            .execute(
                "UPDATE jobs SET cost = ?2, updated_ms = ?3 WHERE request_id = ?1",
                params![request_id, usd, ms_to_sql(now_ms())],
            )
            .map(drop)
            .map_err(std::io::Error::other)
    }

    /// The most recently recorded cost of a job of `model`, if any.
    pub fn last_cost(&self, model: &str) -> Option<f64> {
        self.db()
            .query_row(
                "SELECT cost FROM jobs WHERE model = ?1 AND cost IS NOT NULL
                 ORDER BY updated_ms DESC, id DESC LIMIT 1",
                [model],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// The URL a file with this SHA-256 (hex) was uploaded to, if it was.
    pub fn upload_url(&self, sha256: &str) -> Option<String> {
        self.db()
            .query_row("SELECT url FROM uploads WHERE sha256 = ?1", [sha256], |r| {
                r.get(0)
            })
            .optional()
            .ok()
            .flatten()
    }

    /// Remembers that the file with this SHA-256 (hex) was uploaded to `url`.
    pub fn record_upload(&self, sha256: &str, url: &str) -> std::io::Result<()> {
        self.db()
            .execute(
                "INSERT INTO uploads (sha256, url, uploaded_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (sha256) DO UPDATE SET url = ?2, uploaded_ms = ?3",
                params![sha256, url, ms_to_sql(now_ms())],
            )
            .map(drop)
            .map_err(std::io::Error::other)
    }
}

/// Opens, configures and migrates the database at `path`.
fn connect(path: &Path, data_dir: &Path) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL: readers never wait for a writer; NORMAL sync is durable across a process crash
    // (the case that matters here), and cheap. The mode is kept in the file: set it once.
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL;")?;
    schema::migrate(&mut conn, data_dir)?;
    Ok(conn)
}

/// Whether `e` is SQLite's "busy" or "locked".
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Inserts (`row` = `None`) or replaces a job's row; `updated_ms` becomes now.
fn write_row(db: &Connection, row: Option<i64>, rec: &JobRecord) -> rusqlite::Result<()> {
    let request_id = rec.has_id().then_some(rec.request_id.as_str());
    let values = params![
        row,
        request_id,
        rec.api,
        rec.model,
        rec.params.to_string(),
        rec.prompt(),
        seed_to_sql(rec.seed),
        rec.prompt_hash,
        rec.format,
        rec.state,
        ms_to_sql(rec.submitted_ms),
        ms_to_sql(now_ms()),
        rec.output_url,
        rec.path,
        rec.error,
        rec.inference_time,
        rec.finished_after,
        rec.cost,
    ];
    db.execute(
        "INSERT INTO jobs (id, request_id, api, model, params, prompt, seed, prompt_hash,
            format, state, submitted_ms, updated_ms, output_url, path, error, inference_time,
            finished_after, cost)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
         ON CONFLICT (id) DO UPDATE SET request_id = ?2, api = ?3, model = ?4, params = ?5,
            prompt = ?6, seed = ?7, prompt_hash = ?8, format = ?9, state = ?10,
            submitted_ms = ?11, updated_ms = ?12, output_url = ?13, path = ?14, error = ?15,
            inference_time = ?16, finished_after = ?17, cost = ?18",
        values,
    )
    .map(drop)
}

/// A row of [`COLUMNS`] as a record.
fn from_row(r: &Row<'_>) -> rusqlite::Result<JobRecord> {
    let params: String = r.get(4)?;
    Ok(JobRecord {
        request_id: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        api: r.get(2)?,
        model: r.get(3)?,
        params: serde_json::from_str(&params).unwrap_or(Value::Null),
        seed: seed_from_sql(r.get(5)?),
        prompt_hash: r.get(6)?,
        format: r.get(7)?,
        submitted_ms: ms_from_sql(r.get(8)?),
        state: r.get(9)?,
        output_url: r.get(10)?,
        path: r.get(11)?,
        error: r.get(12)?,
        inference_time: r.get(13)?,
        finished_after: r.get(14)?,
        cost: r.get(15)?,
    })
}

/// Seeds are u64 and SQLite integers i64: stored bit for bit.
fn seed_to_sql(seed: u64) -> i64 {
    i64::from_ne_bytes(seed.to_ne_bytes())
}

fn seed_from_sql(v: i64) -> u64 {
    u64::from_ne_bytes(v.to_ne_bytes())
}

fn ms_to_sql(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

fn ms_from_sql(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Creates `dir` if needed and makes it 0700.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Creates the database file 0600 before SQLite does (its `-wal` and `-shm` files copy the
/// database's mode), and tightens an existing one.
fn private_file(path: &Path) -> std::io::Result<()> {
    let mut open = std::fs::OpenOptions::new();
    open.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let file = open.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    drop(file);
    Ok(())
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
            api: None,
            state: "QUEUED".into(),
            output_url: None,
            path: None,
            error: None,
            inference_time: None,
            finished_after: None,
            cost: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tests_support::rec;

    #[test]
    fn save_get_update_and_list_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open_in(dir.path()).unwrap();
        h.save(&rec("a", 1)).unwrap();
        h.save(&rec("b", 3)).unwrap();
        h.save(&rec("c", 2)).unwrap();
        h.update("a", |r| r.state = "COMPLETED".into()).unwrap();
        assert_eq!(h.get("a").unwrap().unwrap().state, "COMPLETED");
        assert_eq!(h.get("zzz").unwrap(), None);
        let ids: Vec<String> = h.list().0.into_iter().map(|r| r.request_id).collect();
        assert_eq!(ids, ["b", "c", "a"]);
    }

    #[test]
    fn the_json_entries_of_older_versions_are_imported_once_on_first_open() {
        let dir = tempfile::tempdir().unwrap();
        let jobs = dir.path().join("jobs");
        std::fs::create_dir_all(&jobs).unwrap();
        let mut old = rec("old-1", 5);
        old.state = "COMPLETED".into();
        old.path = Some("/tmp/a.jpg".into());
        old.inference_time = Some(9.5);
        std::fs::write(jobs.join("old-1.json"), serde_json::to_vec(&old).unwrap()).unwrap();
        // An entry of a version without `api`, and a damaged one (skipped, as before).
        std::fs::write(
            jobs.join("old-2.json"),
            r#"{"request_id":"old-2","model":"m","params":{"prompt":"a heron"},"seed":7,
               "prompt_hash":"abcdefabcdef","format":"png","submitted_ms":6,"state":"QUEUED"}"#,
        )
        .unwrap();
        std::fs::write(jobs.join("bad.json"), b"{ not json").unwrap();
        let h = History::open_in(dir.path()).unwrap();
        assert_eq!(h.get("old-1").unwrap(), Some(old));
        let two = h.get("old-2").unwrap().unwrap();
        assert_eq!(
            (two.prompt(), two.seed, two.format.as_str()),
            ("a heron", 7, "png")
        );
        assert_eq!(h.list().0.len(), 2);
        // The files stay; a second open does not import again (a deleted job stays deleted).
        assert!(jobs.join("old-1.json").exists());
        h.db()
            .execute("DELETE FROM jobs WHERE request_id = 'old-2'", [])
            .unwrap();
        drop(h);
        let again = History::open_in(dir.path()).unwrap();
        assert_eq!(again.get("old-2").unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_database_and_its_directory_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        let h = History::open_in(&data).unwrap();
        h.save(&rec("a", 1)).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join(FILE_NAME)), 0o600);
        let wal = data.join(format!("{FILE_NAME}-wal"));
        assert_eq!(mode(&wal), 0o600);
    }

    #[test]
    fn pruning_drops_only_jobs_older_than_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open_in(dir.path()).unwrap();
        let day = 86_400_000;
        h.save(&rec("recent", now_ms() - 89 * day)).unwrap();
        h.save(&rec("old", now_ms() - 91 * day)).unwrap();
        assert_eq!(h.prune(90).unwrap(), 1);
        assert_eq!(h.prune(90).unwrap(), 0);
        assert!(h.get("recent").unwrap().is_some());
        assert!(h.get("old").unwrap().is_none());
    }

    #[test]
    fn queries_filter_by_state_model_time_and_prompt_text() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open_in(dir.path()).unwrap();
        for (id, ms, state, model, prompt) in [
            ("a", 10, "COMPLETED", "m1", "A red Fox"),
            ("b", 20, "FAILED", "m1", "a heron"),
            ("c", 30, "COMPLETED", "m2", "the fox den"),
            ("d", 40, "COMPLETED", "m1", "a cat"),
        ] {
            let mut r = rec(id, ms);
            r.state = state.into();
            r.model = model.into();
            r.params = serde_json::json!({ "prompt": prompt });
            h.save(&r).unwrap();
        }
        let ids = |q: Query| -> Vec<String> {
            h.query(&q)
                .unwrap()
                .into_iter()
                .map(|r| r.request_id)
                .collect()
        };
        let all = Query {
            limit: 10,
            ..Query::default()
        };
        assert_eq!(ids(all.clone()), ["d", "c", "b", "a"]);
        assert_eq!(
            ids(Query {
                limit: 2,
                ..all.clone()
            }),
            ["d", "c"]
        );
        let fox = Query {
            search: Some("FOX".into()),
            ..all.clone()
        };
        assert_eq!(ids(fox), ["c", "a"]);
        let done_m1 = Query {
            state: Some("completed".into()),
            model: Some("m1".into()),
            ..all.clone()
        };
        assert_eq!(ids(done_m1), ["d", "a"]);
        assert_eq!(
            ids(Query {
                since_ms: Some(20),
                ..all
            }),
            ["d", "c", "b"]
        );
    }

    #[test]
    fn costs_and_uploads_are_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open_in(dir.path()).unwrap();
        h.save(&rec("a", 1)).unwrap();
        h.save(&rec("b", 2)).unwrap();
        assert_eq!(h.last_cost("flux-1.1-pro-ultra"), None);
        h.set_cost("a", 0.06).unwrap();
        h.set_cost("b", 0.055).unwrap();
        assert_eq!(h.get("a").unwrap().unwrap().cost, Some(0.06));
        assert_eq!(h.last_cost("flux-1.1-pro-ultra"), Some(0.055));
        assert_eq!(h.last_cost("flux-dev"), None);
        assert_eq!(h.upload_url("ab12"), None);
        h.record_upload("ab12", "https://x/1.jpg").unwrap();
        h.record_upload("ab12", "https://x/2.jpg").unwrap();
        assert_eq!(h.upload_url("ab12").as_deref(), Some("https://x/2.jpg"));
    }

    #[test]
    fn an_update_keeps_what_another_handle_wrote_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let one = History::open_in(dir.path()).unwrap();
        let two = History::open_in(dir.path()).unwrap();
        one.save(&rec("a", 1)).unwrap();
        two.update("a", |r| r.output_url = Some("https://cdn/a.jpg".into()))
            .unwrap();
        one.update("a", |r| r.path = Some("a.jpg".into())).unwrap();
        let got = two.get("a").unwrap().unwrap();
        assert_eq!(got.output_url.as_deref(), Some("https://cdn/a.jpg"));
        assert_eq!(got.path.as_deref(), Some("a.jpg"));
    }

    #[test]
    fn recent_times_are_this_models_completed_jobs_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open_in(dir.path()).unwrap();
        let jobs = [
            (
                "a",
                1,
                "COMPLETED",
                "flux-1.1-pro-ultra",
                Some(10.0),
                Some(12.0),
            ),
            ("b", 2, "COMPLETED", "flux-1.1-pro-ultra", Some(11.0), None),
            ("c", 3, "FAILED", "flux-1.1-pro-ultra", None, Some(1.0)),
            ("d", 4, "COMPLETED", "flux-dev", Some(3.0), Some(4.0)),
            (
                "e",
                5,
                "COMPLETED",
                "flux-1.1-pro-ultra",
                Some(13.0),
                Some(14.5),
            ),
        ];
        for (id, ms, state, model, inference, finished) in jobs {
            let mut r = rec(id, ms);
            r.state = state.into();
            r.model = model.into();
            r.inference_time = inference;
            r.finished_after = finished;
            h.save(&r).unwrap();
        }
        let ultra = "flux-1.1-pro-ultra";
        assert_eq!(h.recent_finish_times(ultra, 10), [14.5, 12.0]);
        assert_eq!(h.recent_finish_times(ultra, 1), [14.5]);
        assert_eq!(h.recent_inference_times(ultra, 10), [13.0, 11.0, 10.0]);
        assert_eq!(h.recent_finish_times("flux-dev", 10), [4.0]);
    }

    #[test]
    fn expiry_follows_the_one_hour_retention() {
        let fresh = rec("a", now_ms());
        assert!(!fresh.expired());
        let old = rec("b", now_ms() - 3_700_000);
        assert!(old.expired());
        assert_eq!(old.file_name(), "1-0123456789ab.jpg");
    }
}

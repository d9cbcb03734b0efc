//! The journal's storage details: opening and configuring the database, a job's row to and
//! from a [`JobRecord`], SQLite's integer types, and the private modes of the files.

use crate::domain::state::State;
use std::path::Path;

use rusqlite::{Connection, Row, params};
use serde_json::Value;

use super::{JobRecord, now_ms, schema};

/// Opens, configures and migrates the database at `path`; a write waits at most `busy` for
/// another process's lock.
pub(super) fn connect(
    path: &Path,
    data_dir: &Path,
    busy: std::time::Duration,
) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(busy)?;
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
pub(super) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Inserts (`row` = `None`) or replaces a job's row; `updated_ms` becomes now.
pub(super) fn write_row(
    db: &Connection,
    row: Option<i64>,
    rec: &JobRecord,
) -> rusqlite::Result<()> {
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
pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<JobRecord> {
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
pub(super) fn seed_to_sql(seed: u64) -> i64 {
    i64::from_ne_bytes(seed.to_ne_bytes())
}

pub(super) fn seed_from_sql(v: i64) -> u64 {
    u64::from_ne_bytes(v.to_ne_bytes())
}

pub(super) fn ms_to_sql(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

pub(super) fn ms_from_sql(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Creates `dir` if needed and makes it 0700.
pub(super) fn private_dir(dir: &Path) -> std::io::Result<()> {
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
pub(super) fn private_file(path: &Path) -> std::io::Result<()> {
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

/// The journal stores a job's state as its wire spelling.
impl rusqlite::ToSql for State {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
    }
}

impl rusqlite::types::FromSql for State {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        v.as_str().map(State::parse)
    }
}

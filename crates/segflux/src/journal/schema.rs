//! The journal's schema and its migrations, and the one-time import of the JSON entries that
//! versions before the database wrote (`jobs/{request_id}.json`).
//!
//! Migrations are numbered by SQLite's `PRAGMA user_version`, as atuin numbers its migration
//! files: each entry of [`MIGRATIONS`] runs once, in order, in the transaction that also
//! bumps the version, so a crash mid-migration leaves the previous version intact. Never
//! edit a shipped migration; append a new one.

use std::path::Path;

use rusqlite::{Connection, Transaction, params};

use super::JobRecord;

/// The migrations, oldest first; `user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: jobs (with the write-ahead claim and cost), uploads.
    "CREATE TABLE jobs (
        id             INTEGER PRIMARY KEY,
        request_id     TEXT UNIQUE,
        api            TEXT,
        model          TEXT NOT NULL,
        params         TEXT NOT NULL,
        prompt         TEXT NOT NULL DEFAULT '',
        seed           INTEGER NOT NULL,
        prompt_hash    TEXT NOT NULL,
        format         TEXT NOT NULL,
        state          TEXT NOT NULL,
        submitted_ms   INTEGER NOT NULL,
        updated_ms     INTEGER NOT NULL,
        owner          TEXT,
        output_url     TEXT,
        path           TEXT,
        error          TEXT,
        inference_time REAL,
        finished_after REAL,
        cost           REAL
    );
    CREATE INDEX jobs_newest ON jobs (submitted_ms DESC, id DESC);
    CREATE INDEX jobs_model_state_time ON jobs (model, state, updated_ms DESC, id DESC);
    CREATE INDEX jobs_request ON jobs (prompt_hash, seed, model);
    CREATE TABLE uploads (
        sha256      TEXT PRIMARY KEY,
        url         TEXT NOT NULL,
        uploaded_ms INTEGER NOT NULL
    );",
];

/// Brings the database to the newest schema; on the first migration, imports the JSON
/// entries found in `data_dir/jobs`. Returns how many entries were imported.
pub(super) fn migrate(conn: &mut Connection, data_dir: &Path) -> rusqlite::Result<usize> {
    let mut imported = 0;
    loop {
        // IMMEDIATE: two processes opening a fresh journal at once migrate it once.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let Some(sql) = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
        else {
            return Ok(imported);
        };
        tx.execute_batch(sql)?;
        if version == 0 {
            imported = import_json(&tx, &data_dir.join("jobs"))?;
        }
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}

/// Imports every readable `*.json` entry of the old one-file-per-job history. The files are
/// left where they are: nothing a user had is deleted. Damaged entries are skipped (they
/// were skipped with a warning before, too).
fn import_json(tx: &Transaction<'_>, dir: &Path) -> rusqlite::Result<usize> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    let mut n = 0;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Some(rec) = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<JobRecord>(&b).ok())
        else {
            continue;
        };
        let changed = tx.execute(
            "INSERT OR IGNORE INTO jobs (request_id, api, model, params, prompt, seed,
                prompt_hash, format, state, submitted_ms, updated_ms, output_url, path, error,
                inference_time, finished_after, cost)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                rec.request_id,
                rec.api,
                rec.model,
                rec.params.to_string(),
                rec.prompt(),
                super::seed_to_sql(rec.seed),
                rec.prompt_hash,
                rec.format,
                rec.state,
                super::ms_to_sql(rec.submitted_ms),
                // The file's time is when it was last written: the poll schedule's order.
                super::ms_to_sql(modified_ms(&path).unwrap_or(rec.submitted_ms)),
                rec.output_url,
                rec.path,
                rec.error,
                rec.inference_time,
                rec.finished_after,
                rec.cost,
            ],
        )?;
        n += changed;
    }
    Ok(n)
}

fn modified_ms(path: &Path) -> Option<u64> {
    let t = std::fs::metadata(path).ok()?.modified().ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    u64::try_from(d.as_millis()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op_and_sets_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("j.db")).unwrap();
        migrate(&mut conn, dir.path()).unwrap();
        migrate(&mut conn, dir.path()).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(usize::try_from(v).unwrap(), MIGRATIONS.len());
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT * FROM jobs ORDER BY submitted_ms DESC, id DESC LIMIT 20",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("jobs_newest"), "{plan}");
    }
}

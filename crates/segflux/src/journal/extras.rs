//! What the journal keeps for the other parts of segflux: each job's cost (the spend
//! estimates learn from it) and the uploads of local files by content hash (a file is
//! uploaded once).

use rusqlite::{OptionalExtension as _, params};

use super::{Journal, ms_to_sql, now_ms};

impl Journal {
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

//! The jobs of the journal a batch fetches instead of paying for again: submitted to the same
//! API within the hour (the API's retention) and not FAILED, keyed by what names a job's
//! file (prompt hash, seed, format, model).

use crate::domain::state::State;
use std::collections::HashMap;

use crate::domain::request::GenerationRequest;
use crate::journal::{JobRecord, Query, RETENTION, now_ms};

use super::Context;

/// What identifies a job in the journal: (prompt hash, seed, format, model).
pub(crate) type ResumeKey = (String, u64, String, String);

/// The history's key of a job: (prompt hash, seed, format, model).
pub(crate) fn resume_key(req: &GenerationRequest) -> ResumeKey {
    (
        req.prompt_hash(),
        req.seed,
        req.format.ext().to_owned(),
        req.model.clone(),
    )
}

/// Jobs in the history that are recent enough to fetch instead of submitting again, by
/// (prompt hash, seed, format, model).
pub(crate) fn resumable_jobs(ctx: &Context, api: &str) -> HashMap<ResumeKey, JobRecord> {
    let mut map = HashMap::new();
    let Some(history) = ctx.journal() else {
        return map;
    };
    let recent = Query {
        since_ms: Some(now_ms().saturating_sub(history_window_ms())),
        limit: usize::MAX,
        ..Query::default()
    };
    for rec in history.query(&recent).unwrap_or_default() {
        // Only jobs of the same API: a job of an emulator is unknown to the real API.
        let same_api = rec.api.as_deref().is_none_or(|a| a == api);
        let usable = same_api && !rec.expired() && rec.state != State::Failed;
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
    u64::try_from(RETENTION.as_millis()).unwrap_or(u64::MAX)
}

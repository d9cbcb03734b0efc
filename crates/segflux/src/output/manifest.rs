//! The manifest as a journal (cli.md, "Pipelines"): a `SUBMITTING` line just before a job's
//! submit is sent (write-ahead, no request id yet), a `SUBMITTED` line the moment its
//! request id is known, another when the job ends. A re-run given the same manifest resumes
//! every job submitted and never ended, even on a new machine with an empty data directory,
//! by entering those jobs into the journal before the batch claims its jobs; a job whose
//! last line is `SUBMITTING` enters as uncertain, to be settled by the request history.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;

use serde_json::Value;

use crate::domain::request::GenerationRequest;
use crate::journal::{JobRecord, Journal, now_ms};
use crate::output::job_json::JobReport;

/// What a manifest line says of the job it is about: its request, its output path and the
/// input line that asked for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineOf<'a> {
    /// The request.
    pub request: &'a GenerationRequest,
    /// Where its image goes.
    pub path: &'a Path,
    /// The input line (1-based).
    pub line: usize,
}

/// Appends one line (flushed at once: a killed run leaves every line it wrote).
pub(crate) fn append(
    manifest: Option<&Mutex<std::fs::File>>,
    line: &JobReport,
) -> std::io::Result<()> {
    let Some(m) = manifest else {
        return Ok(());
    };
    let text = serde_json::to_string(line).map_err(std::io::Error::other)?;
    let mut f = m
        .lock()
        .map_err(|_| std::io::Error::other("the manifest lock is poisoned"))?;
    writeln!(f, "{text}").and_then(|()| f.flush())
}

/// The `SUBMITTING` line of job `p`, written just before its submit is sent.
pub(crate) fn submitting_line(p: LineOf<'_>) -> JobReport {
    let mut line = submitted_line(p, "", now_ms());
    line.request_id = None;
    crate::journal::SUBMITTING.clone_into(&mut line.status);
    line
}

/// The `SUBMITTED` line of job `p`, accepted as `id` at `submitted_ms`.
pub(crate) fn submitted_line(p: LineOf<'_>, id: &str, submitted_ms: u64) -> JobReport {
    let req = p.request;
    let mut line = JobReport::new(Some(id), "SUBMITTED").request(req);
    line.prompt = Some(req.prompt.clone());
    line.path = Some(p.path.display().to_string());
    line.line = Some(p.line);
    line.submitted_ms = Some(submitted_ms);
    line
}

/// Enters into the journal every job of the manifest at `path` whose last line is
/// `SUBMITTED` (submitted, never ended) or `SUBMITTING` (sent, answer never recorded) and that
/// the journal does not know, as a job of the API `api`; returns how many. A missing or
/// unreadable manifest resumes nothing.
pub(crate) fn resume(history: Option<&Journal>, path: &Path, api: &str) -> usize {
    let Some(history) = history else {
        return 0;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    // The last line of each job (model, request hash, seed, output path), in first-seen order.
    let mut last: HashMap<String, Value> = HashMap::new();
    let mut order = Vec::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let key = format!(
            "{}|{}|{}|{}",
            v["model"], v["prompt_hash"], v["seed"], v["path"]
        );
        if !last.contains_key(&key) {
            order.push(key.clone());
        }
        last.insert(key, v);
    }
    let mut resumed = 0;
    for key in order {
        let v = &last[&key];
        let entered = match (v["status"].as_str(), v["request_id"].as_str()) {
            (Some("SUBMITTED"), Some(id)) => {
                history.get(id).ok().flatten().is_none()
                    && record(id, v, api).is_some_and(|rec| history.save(&rec).is_ok())
            }
            (Some(crate::journal::SUBMITTING), None) => {
                record("", v, api).is_some_and(|rec| history.seed_uncertain(&rec).unwrap_or(false))
            }
            _ => false,
        };
        resumed += usize::from(entered);
    }
    resumed
}

/// The journal entry of a `SUBMITTED` line.
fn record(id: &str, v: &Value, api: &str) -> Option<JobRecord> {
    let path = v["path"].as_str()?;
    let format = Path::new(path)
        .extension()
        .and_then(|e| crate::domain::options::ImageFormat::from_ext(&e.to_string_lossy()))
        .map_or("jpg", |f| f.ext());
    Some(JobRecord {
        request_id: id.to_owned(),
        api: Some(api.to_owned()),
        model: v["model"].as_str()?.to_owned(),
        params: serde_json::json!({ "prompt": v["prompt"], "seed": v["seed"] }),
        seed: v["seed"].as_u64()?,
        prompt_hash: v["prompt_hash"].as_str()?.to_owned(),
        format: format.to_owned(),
        submitted_ms: v["submitted_ms"].as_u64().unwrap_or_else(now_ms),
        state: if id.is_empty() {
            crate::journal::SUBMITTING.into()
        } else {
            "QUEUED".into()
        },
        ..JobRecord::default()
    })
}

//! The manifest as a journal (cli.md, "Pipelines"): a `SUBMITTING` line just before a job's
//! submit is sent (write-ahead, no request id yet), a `SUBMITTED` line the moment its
//! request id is known, another when the job ends. A re-run given the same manifest resumes
//! every job submitted and never ended, even on a new machine with an empty data directory,
//! by entering those jobs into the journal before the batch claims its jobs; a job whose
//! last line is `SUBMITTING` enters as uncertain, to be settled by the request history.

use crate::domain::state::State;
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

/// One manifest line as every reader sees it (the one reader: the batch's resume, the
/// up-to-date judge, `sheet`). Read leniently: a field of another type is absent, as in a
/// line an older or newer segflux wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ManifestLine {
    /// `SUBMITTING`, `SUBMITTED`, `COMPLETED`, `COST`, … (empty when the line has none).
    pub status: State,
    /// The job's request id, once it has one.
    pub request_id: Option<String>,
    /// The job's output path, as written.
    pub path: Option<String>,
    /// The 12-digit request hash.
    pub prompt_hash: Option<String>,
    /// The seed.
    pub seed: Option<u64>,
    /// The model.
    pub model: Option<String>,
    /// The prompt.
    pub prompt: Option<String>,
    /// The cost, USD.
    pub cost: Option<f64>,
    /// The batch input's line.
    pub line: Option<u64>,
    /// When the job was accepted, Unix milliseconds.
    pub submitted_ms: Option<u64>,
}

impl ManifestLine {
    /// Reads one line; `Err` when it is not a JSON object line.
    pub(crate) fn parse(line: &str) -> Result<Self, serde_json::Error> {
        let v: Value = serde_json::from_str(line)?;
        let text = |k: &str| v[k].as_str().map(str::to_owned);
        Ok(Self {
            status: v["status"].as_str().map(State::parse).unwrap_or_default(),
            request_id: text("request_id"),
            path: text("path"),
            prompt_hash: text("prompt_hash"),
            seed: v["seed"].as_u64(),
            model: text("model"),
            prompt: text("prompt"),
            cost: v["cost"].as_f64(),
            line: v["line"].as_u64(),
            submitted_ms: v["submitted_ms"].as_u64(),
        })
    }
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
    line.status = State::Submitting;
    line
}

/// The `SUBMITTED` line of job `p`, accepted as `id` at `submitted_ms`.
pub(crate) fn submitted_line(p: LineOf<'_>, id: &str, submitted_ms: u64) -> JobReport {
    let req = p.request;
    let mut line = JobReport::new(Some(id), State::Submitted).request(req);
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
    let mut last: HashMap<String, ManifestLine> = HashMap::new();
    let mut order = Vec::new();
    for line in text.lines() {
        let Ok(v) = ManifestLine::parse(line) else {
            continue;
        };
        let key = format!(
            "{:?}|{:?}|{:?}|{:?}",
            v.model, v.prompt_hash, v.seed, v.path
        );
        if !last.contains_key(&key) {
            order.push(key.clone());
        }
        last.insert(key, v);
    }
    let mut resumed = 0;
    for key in order {
        let v = &last[&key];
        let entered = match (&v.status, v.request_id.as_deref()) {
            (State::Submitted, Some(id)) => {
                history.get(id).ok().flatten().is_none()
                    && record(id, v, api).is_some_and(|rec| history.save(&rec).is_ok())
            }
            (State::Submitting, None) => {
                record("", v, api).is_some_and(|rec| history.seed_uncertain(&rec).unwrap_or(false))
            }
            _ => false,
        };
        resumed += usize::from(entered);
    }
    resumed
}

/// The journal entry of a `SUBMITTED` line.
fn record(id: &str, v: &ManifestLine, api: &str) -> Option<JobRecord> {
    let path = v.path.as_deref()?;
    let format = Path::new(path)
        .extension()
        .and_then(|e| crate::domain::options::ImageFormat::from_ext(&e.to_string_lossy()))
        .map_or("jpg", |f| f.ext());
    Some(JobRecord {
        request_id: id.to_owned(),
        api: Some(api.to_owned()),
        model: v.model.clone()?,
        params: serde_json::json!({ "prompt": v.prompt, "seed": v.seed }),
        seed: v.seed?,
        prompt_hash: v.prompt_hash.clone()?,
        format: format.to_owned(),
        submitted_ms: v.submitted_ms.unwrap_or_else(now_ms),
        state: if id.is_empty() {
            State::Submitting
        } else {
            State::Queued
        },
        ..JobRecord::default()
    })
}

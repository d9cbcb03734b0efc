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
use crate::domain::state::State;
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

/// Appends one line (flushed at once: a killed run leaves every line it wrote), and with
/// `synced` waits until it is on disk (the write-ahead record of
/// a run whose journal cannot be used: a power cut must not lose it either).
pub(crate) fn append_line(
    manifest: Option<&Mutex<std::fs::File>>,
    line: &JobReport,
    synced: bool,
) -> std::io::Result<()> {
    let Some(m) = manifest else {
        return Ok(());
    };
    let text = serde_json::to_string(line).map_err(std::io::Error::other)?;
    let mut f = m
        .lock()
        .map_err(|_| std::io::Error::other("the manifest lock is poisoned"))?;
    writeln!(f, "{text}").and_then(|()| f.flush())?;
    if synced { f.sync_data() } else { Ok(()) }
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

/// Every job of the manifest at `path` whose last line is `SUBMITTED` (submitted, never
/// ended) or `SUBMITTING` (sent, answer never recorded: no request id), as a job of the API
/// `api`, in first-seen order. A missing or unreadable manifest has none. Only these jobs are
/// held, not the manifest's other lines.
pub(crate) fn unfinished(path: &Path, api: &str) -> Vec<JobRecord> {
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    // The last line of each job (model, request hash, seed, output path), in first-seen order.
    let mut open: HashMap<String, (usize, JobRecord)> = HashMap::new();
    for (seq, line) in std::io::BufRead::lines(std::io::BufReader::new(file)).enumerate() {
        let Ok(line) = line else { break };
        let Ok(v) = ManifestLine::parse(&line) else {
            continue;
        };
        let key = format!(
            "{:?}|{:?}|{:?}|{:?}",
            v.model, v.prompt_hash, v.seed, v.path
        );
        let rec = match (&v.status, v.request_id.as_deref()) {
            (State::Submitted, Some(id)) => record(id, &v, api),
            (State::Submitting, None) => record("", &v, api),
            _ => None,
        };
        match rec {
            Some(rec) => {
                let first = open.get(&key).map_or(seq, |(s, _)| *s);
                open.insert(key, (first, rec));
            }
            None => {
                open.remove(&key);
            }
        }
    }
    let mut jobs: Vec<(usize, JobRecord)> = open.into_values().collect();
    jobs.sort_by_key(|(seq, _)| *seq);
    jobs.into_iter().map(|(_, rec)| rec).collect()
}

/// Enters into the journal each of `jobs` (see [`unfinished`]) it does not know, a job with
/// no request id as uncertain; returns how many. `Err` when the journal cannot take them.
pub(crate) fn resume(history: &Journal, jobs: &[JobRecord]) -> Result<usize, String> {
    let mut resumed = 0;
    for rec in jobs {
        let entered = if rec.has_id() {
            let known = history.get(&rec.request_id)?.is_some();
            if !known {
                history
                    .save(rec)
                    .map_err(|e| format!("cannot record the job in the journal: {e}"))?;
            }
            !known
        } else {
            history.seed_uncertain(rec)?
        };
        resumed += usize::from(entered);
    }
    Ok(resumed)
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

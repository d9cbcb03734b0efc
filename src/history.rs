//! The job journal: one small JSON file per submitted job in the data directory.
//!
//! One file per job means parallel segflux processes never write the same file (a job is
//! updated only by the process handling it), so there is no lock to hang on. Each write goes
//! to a temporary file that is renamed into place, so a reader sees a whole entry or the
//! previous one. A damaged entry is skipped with a warning, never a crash.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How long the API keeps a request's result after submission.
pub const RETENTION: Duration = Duration::from_hours(1);

/// One job as this machine knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// The API's id.
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

/// The journal in one directory.
#[derive(Debug, Clone)]
pub struct History {
    dir: PathBuf,
}

impl History {
    /// The journal under `data_dir` (created on first write).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("jobs"),
        }
    }

    /// The machine's journal, if the platform has a data directory.
    pub fn open() -> Option<Self> {
        crate::settings::Settings::data_dir().map(|d| Self::new(&d))
    }

    fn file(&self, request_id: &str) -> PathBuf {
        self.dir.join(format!("{request_id}.json"))
    }

    /// Writes (or replaces) a job's entry atomically.
    pub fn save(&self, rec: &JobRecord) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let bytes = serde_json::to_vec_pretty(rec).map_err(std::io::Error::other)?;
        crate::output::write_atomic(&self.file(&rec.request_id), &bytes, true)
    }

    /// A job's entry: `Ok(None)` when there is none, `Err` with the reason when it is damaged.
    pub fn get(&self, request_id: &str) -> Result<Option<JobRecord>, String> {
        match std::fs::read(self.file(request_id)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                format!(
                    "the history entry {} is damaged ({e}); ignoring it",
                    self.file(request_id).display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!(
                "cannot read the history entry for {request_id}: {e}"
            )),
        }
    }

    /// Changes a job's entry in place (no-op when absent or damaged).
    pub fn update(
        &self,
        request_id: &str,
        change: impl FnOnce(&mut JobRecord),
    ) -> std::io::Result<()> {
        if let Ok(Some(mut rec)) = self.get(request_id) {
            change(&mut rec);
            self.save(&rec)?;
        }
        Ok(())
    }

    /// Every entry, newest first, and a warning per damaged entry.
    pub fn list(&self) -> (Vec<JobRecord>, Vec<String>) {
        let mut records = Vec::new();
        let mut warnings = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return (records, warnings);
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".json") else {
                continue;
            };
            match self.get(id) {
                Ok(Some(rec)) => records.push(rec),
                Ok(None) => {}
                Err(w) => warnings.push(w),
            }
        }
        records.sort_by(|a, b| {
            b.submitted_ms
                .cmp(&a.submitted_ms)
                .then_with(|| a.request_id.cmp(&b.request_id))
        });
        (records, warnings)
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

    /// Both of the above in one pass over the history: up to `n` finish times and up to `n`
    /// inference times of this model's completed jobs, most recently written first.
    pub fn recent_samples(&self, model: &str, n: usize) -> (Vec<f64>, Vec<f64>) {
        let (mut finish, mut inference) = (Vec::new(), Vec::new());
        for r in self
            .recently_changed()
            .filter(|r| r.model == model && r.state == "COMPLETED")
        {
            if let Some(t) = r.finished_after.filter(|_| finish.len() < n) {
                finish.push(t);
            }
            if let Some(t) = r.inference_time.filter(|_| inference.len() < n) {
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
        self.update(request_id, |r| r.cost = Some(usd))
    }

    /// The most recently recorded cost of a job of `model`, if any.
    pub fn last_cost(&self, model: &str) -> Option<f64> {
        self.recently_changed()
            .filter(|r| r.model == model)
            .find_map(|r| r.cost)
    }

    /// Entries, the most recently written first, read lazily: the poll schedule wants a few
    /// recent jobs, and a long history should cost a directory listing, not a read of every
    /// entry. Damaged entries are skipped.
    fn recently_changed(&self) -> impl Iterator<Item = JobRecord> + '_ {
        let mut files: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| {
                let id = e
                    .file_name()
                    .to_string_lossy()
                    .strip_suffix(".json")?
                    .to_owned();
                let modified = e.metadata().and_then(|m| m.modified()).ok()?;
                Some((modified, id))
            })
            .collect();
        files.sort_by(|a, b| b.cmp(a));
        files
            .into_iter()
            .filter_map(|(_, id)| self.get(&id).ok().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, ms: u64) -> JobRecord {
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

    #[test]
    fn save_get_update_and_list_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::new(dir.path());
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
    fn a_damaged_entry_is_skipped_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::new(dir.path());
        h.save(&rec("good", 1)).unwrap();
        std::fs::write(dir.path().join("jobs/bad.json"), b"{ not json").unwrap();
        let (records, warnings) = h.list();
        assert_eq!(records.len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("damaged"));
    }

    #[test]
    fn recent_times_are_this_models_completed_jobs_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::new(dir.path());
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
    fn costs_are_remembered_per_model() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::new(dir.path());
        h.save(&rec("a", 1)).unwrap();
        assert_eq!(h.last_cost("flux-1.1-pro-ultra"), None);
        h.set_cost("a", 0.055).unwrap();
        assert_eq!(h.get("a").unwrap().unwrap().cost, Some(0.055));
        assert_eq!(h.last_cost("flux-1.1-pro-ultra"), Some(0.055));
        assert_eq!(h.last_cost("flux-dev"), None);
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

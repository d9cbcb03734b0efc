//! Whether a job's existing output file is up to date (contract: "Pipelines", "Up to date, or
//! not"): judged from the file's generation record — embedded, else its `.json` sidecar, else
//! the manifest line that wrote it — compared with the job's request hash, seed, model and
//! format. Reads files; never writes, never sends.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;

use sha2::{Digest as _, Sha256};

use crate::domain::options::ImageFormat;
use crate::domain::request::GenerationRequest;
use crate::output;
use crate::output::metadata::{self, GenerationRecord};

/// What the plan does with a job, given its output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileState {
    /// No file: generate it.
    Missing,
    /// The file's record names this job: skip it, no request.
    UpToDate,
    /// The file's record names another request: regenerate and replace it.
    OutOfDate,
    /// A file with no record (not made by segflux): leave it alone, with a warning.
    Kept,
    /// `--force` on an existing file: regenerate and replace it.
    Forced,
}

impl FileState {
    /// The word `--check` and the manifest use.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::UpToDate => "up to date",
            Self::OutOfDate => "out of date",
            Self::Kept => "kept",
            Self::Forced => "forced",
        }
    }

    /// Whether the job is generated (or fetched) in this run.
    pub(crate) fn runs(self) -> bool {
        matches!(self, Self::Missing | Self::OutOfDate | Self::Forced)
    }

    /// Whether an existing file is replaced.
    pub(crate) fn replaces(self) -> bool {
        matches!(self, Self::OutOfDate | Self::Forced)
    }
}

/// A digest of what makes two images the same: request hash, seed, model, format.
pub(crate) type Key = [u8; 16];

/// The [`Key`] of a request.
pub(crate) fn key(req: &GenerationRequest) -> Key {
    key_of(&req.prompt_hash(), req.seed, &req.model, req.format.ext())
}

fn key_of(hash: &str, seed: u64, model: &str, ext: &str) -> Key {
    digest(&format!("{hash}\0{seed}\0{model}\0{ext}"))
}

/// The first 16 bytes of the SHA-256 of `text` (paths and keys held for a million jobs).
pub(crate) fn digest(text: &str) -> Key {
    let d = Sha256::digest(text.as_bytes());
    let mut out = [0; 16];
    out.copy_from_slice(&d[..16]);
    out
}

/// Judges existing files; holds the manifest's record of what it wrote, by path.
pub(crate) struct Judge {
    manifest: HashMap<Key, Key>,
    force: bool,
}

impl Judge {
    /// A judge that knows the lines of `manifest` (when given and readable) that wrote files.
    pub(crate) fn new(manifest: Option<&Path>, force: bool) -> Self {
        let mut map = HashMap::new();
        if let Some(file) = manifest.and_then(|m| std::fs::File::open(m).ok()) {
            for line in BufReader::new(file).lines().map_while(Result::ok) {
                let Ok(l) = crate::output::manifest::ManifestLine::parse(&line) else {
                    continue;
                };
                let wrote = l.status.wrote_image();
                if let (true, Some(path), Some(hash), Some(seed), Some(model)) =
                    (wrote, l.path, l.prompt_hash, l.seed, l.model)
                {
                    let ext = Path::new(&path)
                        .extension()
                        .and_then(|e| ImageFormat::from_ext(&e.to_string_lossy()))
                        .map_or("", ImageFormat::ext);
                    map.insert(digest(&path), key_of(&hash, seed, &model, ext));
                }
            }
        }
        Self {
            manifest: map,
            force,
        }
    }

    /// What to do with `req`, which writes `path` (`content_addressed`: under its
    /// `{seed}-{hash}.{ext}` name, which is itself a record of the request).
    pub(crate) fn judge(
        &self,
        path: &Path,
        req: &GenerationRequest,
        content_addressed: bool,
    ) -> FileState {
        // Not a regular file (nothing, a directory, a dangling link): the pre-submit check
        // of the target says what is in the way.
        if !path.metadata().is_ok_and(|m| m.is_file()) {
            return FileState::Missing;
        }
        if self.force {
            return FileState::Forced;
        }
        match self.recorded(path, req) {
            Some(true) => FileState::UpToDate,
            Some(false) => FileState::OutOfDate,
            None if content_addressed => FileState::UpToDate,
            None => FileState::Kept,
        }
    }

    /// Whether the file's record names `req`; `None` when it has no record.
    fn recorded(&self, path: &Path, req: &GenerationRequest) -> Option<bool> {
        let (embedded, format) = read_embedded(path);
        let sidecar = || {
            std::fs::read_to_string(output::sidecar_path(path))
                .ok()
                .and_then(|t| GenerationRecord::from_json(&t))
        };
        let want = key(req);
        if let Some(rec) = embedded.filter(|r| !r.truncated).or_else(sidecar) {
            return Some(record_key(&rec, format?) == Some(want));
        }
        if let Some(k) = self.manifest.get(&digest(&path.display().to_string())) {
            return Some(*k == want);
        }
        let (embedded, _) = read_embedded(path);
        embedded.map(|rec| Some(req.format) == format && truncated_match(&rec, req))
    }
}

/// The record embedded in the image at `path`, and the image's format.
fn read_embedded(path: &Path) -> (Option<GenerationRecord>, Option<ImageFormat>) {
    // The record sits near the start (JPEG APP1 segments, PNG chunks before the pixels).
    const HEAD: u64 = 1 << 20;
    let Ok(file) = std::fs::File::open(path) else {
        return (None, None);
    };
    let mut head = Vec::new();
    if file.take(HEAD).read_to_end(&mut head).is_err() {
        return (None, None);
    }
    let format = match image::guess_format(&head) {
        Ok(image::ImageFormat::Png) => Some(ImageFormat::Png),
        Ok(image::ImageFormat::Jpeg) => Some(ImageFormat::Jpg),
        _ => return (None, None),
    };
    let mut rec = metadata::read(&head);
    if rec.is_none() && head.len() as u64 == HEAD {
        rec = std::fs::read(path)
            .ok()
            .and_then(|all| metadata::read(&all));
    }
    (rec, format)
}

/// The [`Key`] of the request a full record describes; `None` when it lacks a field.
fn record_key(rec: &GenerationRecord, format: ImageFormat) -> Option<Key> {
    let req = GenerationRequest {
        model: rec.model.clone()?,
        prompt: rec.prompt.clone()?,
        aspect_ratio: rec.aspect_ratio.clone()?,
        seed: rec.seed?,
        raw: rec.raw?,
        safety_tolerance: u8::try_from(rec.safety_tolerance?).ok()?,
        image_prompt: rec.image_prompt.clone(),
        format,
        extra: rec.params.clone().into_iter().collect(),
    };
    Some(key(&req))
}

/// A record whose long values were cut to fit the file (and no sidecar or manifest says
/// more): it matches when every whole field matches and each cut one is a prefix.
fn truncated_match(rec: &GenerationRecord, req: &GenerationRequest) -> bool {
    let prefix = |cut: Option<&str>, full: Option<&str>| match (cut, full) {
        (Some(c), Some(f)) => f.starts_with(c.strip_suffix('…').unwrap_or(c)),
        (c, f) => c.is_none() && f.is_none(),
    };
    let keys: Vec<&String> = rec.params.keys().collect();
    let mut want: Vec<&String> = req.extra.iter().map(|(k, _)| k).collect();
    want.sort();
    want.dedup();
    rec.seed == Some(req.seed)
        && rec.model.as_deref() == Some(req.model.as_str())
        && rec.aspect_ratio.as_deref() == Some(req.aspect_ratio.as_str())
        && rec.raw == Some(req.raw)
        && rec.safety_tolerance == Some(u64::from(req.safety_tolerance))
        && prefix(rec.prompt.as_deref(), Some(&req.prompt))
        && prefix(rec.image_prompt.as_deref(), req.image_prompt.as_deref())
        && keys == want
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(prompt: &str) -> GenerationRequest {
        GenerationRequest {
            seed: 7,
            extra: vec![("steps".into(), serde_json::json!(30))],
            ..GenerationRequest::for_test(prompt)
        }
    }

    #[test]
    fn a_full_record_gives_back_the_key_of_its_request() {
        let r = req("a red fox");
        let rec = GenerationRecord::from_body("id", Some(&r.model), &r.body());
        assert_eq!(record_key(&rec, ImageFormat::Jpg), Some(key(&r)));
        assert_ne!(record_key(&rec, ImageFormat::Png), Some(key(&r)));
        assert_ne!(
            record_key(&rec, ImageFormat::Jpg),
            Some(key(&req("a blue whale")))
        );
        assert_eq!(
            record_key(&GenerationRecord::new("id"), ImageFormat::Jpg),
            None
        );
    }

    #[test]
    fn a_cut_record_matches_by_prefix() {
        let long = "a red fox ".repeat(50);
        let r = req(&long);
        let rec = GenerationRecord::from_body("id", Some(&r.model), &r.body()).shortened(20);
        assert!(rec.truncated);
        assert!(truncated_match(&rec, &r));
        assert!(!truncated_match(&rec, &req("a blue whale")));
    }
}

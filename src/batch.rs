//! Batch input: a prompt file (text or JSONL) turned into the list of jobs to run, with every
//! bad line reported by number before anything is sent; `-n` expansion, de-duplication and
//! `--shard` slicing. Pure functions: no I/O, no HTTP.
//!
//! A job without a seed gets one derived from its request hash (not a random one), so
//! re-running the same file maps every job to the same file name and finds it done.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::api::ASPECT_RATIOS;
use crate::options::ImageFormat;
use crate::request::GenerationRequest;

/// One job of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchJob {
    /// 1-based line of the input it came from.
    pub line: usize,
    /// What to send.
    pub request: GenerationRequest,
    /// The file name to write, relative to the output directory.
    pub file_name: String,
}

/// The keys a JSONL line may carry.
pub const JSONL_KEYS: [&str; 11] = [
    "prompt",
    "aspect_ratio",
    "seed",
    "raw",
    "safety_tolerance",
    "image_prompt",
    "output_format",
    "model",
    "output",
    "params",
    "count",
];

/// Whether `text` (from a file named `name`, `-` for stdin) is JSONL: by extension, or for
/// stdin by its first meaningful line starting with `{`.
pub fn is_jsonl(name: &str, text: &str) -> bool {
    let ext = std::path::Path::new(name)
        .extension()
        .map(std::ffi::OsStr::to_ascii_lowercase);
    if ext.is_some_and(|e| e == "jsonl" || e == "ndjson") {
        return true;
    }
    name == "-"
        && text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .is_some_and(|l| l.starts_with('{'))
}

/// Parses the input into jobs: `defaults` is the request the command line describes (its
/// prompt is replaced by each line's, its seed is `None` when the user gave none).
pub fn parse(
    text: &str,
    jsonl: bool,
    defaults: &GenerationRequest,
    default_seed: Option<u64>,
    count: u32,
) -> Result<Vec<BatchJob>, Vec<String>> {
    let mut jobs = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = if jsonl {
            parse_json_line(line, defaults, default_seed, count)
        } else {
            Ok(LineSpec {
                request: GenerationRequest {
                    prompt: line.to_owned(),
                    ..defaults.clone()
                },
                seed: default_seed,
                output: None,
                count,
            })
        };
        match parsed.and_then(|spec| spec.expand(i + 1)) {
            Ok(mut expanded) => jobs.append(&mut expanded),
            Err(e) => errors.push(format!("line {}: {e}", i + 1)),
        }
    }
    if errors.is_empty() && jobs.is_empty() {
        errors.push("the input has no prompts".into());
    }
    if errors.is_empty() {
        Ok(jobs)
    } else {
        Err(errors)
    }
}

/// Drops later jobs that would write the same file; returns how many were dropped.
pub fn dedupe(jobs: &mut Vec<BatchJob>) -> usize {
    let before = jobs.len();
    let mut seen = HashSet::new();
    jobs.retain(|j| seen.insert(j.file_name.clone()));
    before - jobs.len()
}

/// Keeps the K-th (1-based) of N round-robin slices: the union of all shards is the input,
/// and no job is in two.
pub fn shard(jobs: Vec<BatchJob>, k: u32, n: u32) -> Vec<BatchJob> {
    let (k, n) = (k as usize, n as usize);
    jobs.into_iter()
        .enumerate()
        .filter(|(i, _)| i % n == k - 1)
        .map(|(_, j)| j)
        .collect()
}

/// One input line before `count` expansion.
struct LineSpec {
    request: GenerationRequest,
    seed: Option<u64>,
    output: Option<String>,
    count: u32,
}

impl LineSpec {
    fn expand(self, line: usize) -> Result<Vec<BatchJob>, String> {
        let base = self.seed.unwrap_or_else(|| hash_seed(&self.request));
        (0..u64::from(self.count))
            .map(|i| {
                let seed = base
                    .checked_add(i)
                    .ok_or_else(|| format!("seed {base} + {i} overflows"))?;
                let request = GenerationRequest {
                    seed,
                    ..self.request.clone()
                };
                let file_name = match &self.output {
                    None => request.file_name(),
                    Some(name) if self.count == 1 => name.clone(),
                    Some(name) => numbered(name, i + 1),
                };
                Ok(BatchJob {
                    line,
                    request,
                    file_name,
                })
            })
            .collect()
    }
}

/// A seed fixed by the request: the first 8 hex digits of its hash.
fn hash_seed(req: &GenerationRequest) -> u64 {
    u64::from_str_radix(&req.prompt_hash()[..8], 16).unwrap_or(0)
}

/// `hero.jpg` → `hero-2.jpg`.
fn numbered(name: &str, i: u64) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{i}.{ext}"),
        None => format!("{name}-{i}"),
    }
}

fn parse_json_line(
    line: &str,
    defaults: &GenerationRequest,
    default_seed: Option<u64>,
    count: u32,
) -> Result<LineSpec, String> {
    let obj: Map<String, Value> = match serde_json::from_str(line) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err("expected a JSON object".into()),
        Err(e) => {
            // serde's "at line 1 column N" would read as another input line number.
            let text = e.to_string();
            let what = text.split(" at line ").next().unwrap_or(&text);
            return Err(format!("not valid JSON (column {}: {what})", e.column()));
        }
    };
    if let Some(k) = obj.keys().find(|k| !JSONL_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown key {k:?} (known: {}; other model parameters go in \"params\")",
            JSONL_KEYS.join(", ")
        ));
    }
    let mut req = defaults.clone();
    req.prompt = match obj.get("prompt") {
        Some(Value::String(p)) if !p.trim().is_empty() => p.clone(),
        _ => return Err("\"prompt\" must be a non-empty string".into()),
    };
    if let Some(v) = obj.get("aspect_ratio") {
        let ratio = v
            .as_str()
            .filter(|r| ASPECT_RATIOS.contains(r))
            .ok_or_else(|| {
                format!(
                    "\"aspect_ratio\" must be one of {}",
                    ASPECT_RATIOS.join(" ")
                )
            })?;
        ratio.clone_into(&mut req.aspect_ratio);
    }
    let seed = match obj.get("seed") {
        None => default_seed,
        Some(v) => Some(
            v.as_u64()
                .ok_or("\"seed\" must be a non-negative integer")?,
        ),
    };
    if let Some(v) = obj.get("raw") {
        req.raw = v.as_bool().ok_or("\"raw\" must be true or false")?;
    }
    if let Some(v) = obj.get("safety_tolerance") {
        req.safety_tolerance = v
            .as_u64()
            .filter(|t| (1..=6).contains(t))
            .and_then(|t| u8::try_from(t).ok())
            .ok_or("\"safety_tolerance\" must be an integer from 1 to 6")?;
    }
    if let Some(v) = obj.get("image_prompt") {
        req.image_prompt = Some(
            v.as_str()
                .ok_or("\"image_prompt\" must be a URL string")?
                .to_owned(),
        );
    }
    if let Some(v) = obj.get("model") {
        let model = v
            .as_str()
            .filter(|m| crate::cli::valid_model(m))
            .ok_or("\"model\" must be a model slug of letters, digits, '.', '_' and '-'")?;
        model.clone_into(&mut req.model);
    }
    if let Some(Value::Object(params)) = obj.get("params") {
        for (k, v) in params {
            if crate::cli::OWN_PARAMS.iter().any(|(own, _)| own == k) {
                return Err(format!(
                    "\"params\" may not set {k:?}: use the key of its own"
                ));
            }
            req.extra.push((k.clone(), v.clone()));
        }
    } else if obj.contains_key("params") {
        return Err("\"params\" must be an object".into());
    }
    let output = output_field(&obj, &mut req)?;
    let count = match obj.get("count") {
        None => count,
        Some(v) => v
            .as_u64()
            .and_then(|c| u32::try_from(c).ok())
            .filter(|c| (1..=10_000).contains(c))
            .ok_or("\"count\" must be an integer from 1 to 10000")?,
    };
    Ok(LineSpec {
        request: req,
        seed,
        output,
        count,
    })
}

/// `output_format` and `output` (a plain file name whose extension agrees with the format).
fn output_field(
    obj: &Map<String, Value>,
    req: &mut GenerationRequest,
) -> Result<Option<String>, String> {
    let format = match obj.get("output_format") {
        None => None,
        Some(v) => match v.as_str() {
            Some("jpg") => Some(ImageFormat::Jpg),
            Some("png") => Some(ImageFormat::Png),
            _ => return Err("\"output_format\" must be \"jpg\" or \"png\"".into()),
        },
    };
    let Some(v) = obj.get("output") else {
        if let Some(f) = format {
            req.format = f;
        }
        return Ok(None);
    };
    let name = v.as_str().ok_or("\"output\" must be a file name")?;
    let safe =
        !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\']) && name != "..";
    let ext = name
        .rsplit_once('.')
        .and_then(|(_, e)| ImageFormat::from_ext(e));
    match (safe, ext, format) {
        (false, _, _) => Err("\"output\" must be a plain file name (no directories)".into()),
        (true, None, _) => Err("\"output\" must end in .jpg, .jpeg or .png".into()),
        (true, Some(e), Some(f)) if e != f => Err(format!(
            "\"output\" ends in .{} but \"output_format\" is {}",
            e.ext(),
            f.ext()
        )),
        (true, Some(e), _) => {
            req.format = e;
            Ok(Some(name.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> GenerationRequest {
        GenerationRequest {
            model: "flux-1.1-pro-ultra".into(),
            prompt: String::new(),
            aspect_ratio: "1:1".into(),
            seed: 0,
            raw: false,
            safety_tolerance: 2,
            image_prompt: None,
            format: ImageFormat::Jpg,
            extra: vec![],
        }
    }

    #[test]
    fn text_lines_skip_blanks_and_comments_and_expand_counts() {
        let text = "# header\n\na fox\n   \n  # indented comment\na heron  \n";
        let jobs = parse(text, false, &defaults(), Some(10), 2).unwrap();
        let got: Vec<(usize, &str, u64)> = jobs
            .iter()
            .map(|j| (j.line, j.request.prompt.as_str(), j.request.seed))
            .collect();
        assert_eq!(
            got,
            [
                (3, "a fox", 10),
                (3, "a fox", 11),
                (6, "a heron", 10),
                (6, "a heron", 11)
            ]
        );
        assert_eq!(jobs[0].file_name, jobs[0].request.file_name());
    }

    #[test]
    fn jsonl_lines_override_the_defaults() {
        let text = r#"{"prompt":"a fox","aspect_ratio":"16:9","seed":5,"raw":true,"safety_tolerance":4,"model":"flux-dev","params":{"steps":30}}
{"prompt":"a heron","output":"heron.png"}
{"prompt":"an owl","output_format":"png","count":2}"#;
        let jobs = parse(text, true, &defaults(), None, 1).unwrap();
        assert_eq!(jobs.len(), 4);
        let fox = &jobs[0].request;
        assert_eq!(
            (fox.aspect_ratio.as_str(), fox.seed, fox.raw),
            ("16:9", 5, true)
        );
        assert_eq!((fox.safety_tolerance, fox.model.as_str()), (4, "flux-dev"));
        assert_eq!(fox.extra, vec![("steps".to_owned(), serde_json::json!(30))]);
        assert_eq!(jobs[1].file_name, "heron.png");
        assert_eq!(jobs[1].request.format, ImageFormat::Png);
        assert_eq!(jobs[2].request.format, ImageFormat::Png);
        assert_eq!(jobs[3].request.seed, jobs[2].request.seed + 1);
    }

    #[test]
    fn bad_lines_are_all_reported_with_their_numbers() {
        let text = "{\"prompt\":\"ok\"}\n{\"prompt\":\"\"}\nnot json\n{\"prompt\":\"x\",\"sead\":1}\n{\"prompt\":\"x\",\"aspect_ratio\":\"7:5\"}\n{\"prompt\":\"x\",\"safety_tolerance\":9}\n{\"prompt\":\"x\",\"output\":\"../x.jpg\"}\n{\"prompt\":\"x\",\"output\":\"a.png\",\"output_format\":\"jpg\"}\n{\"prompt\":\"x\",\"params\":{\"seed\":1}}";
        let errors = parse(text, true, &defaults(), None, 1).unwrap_err();
        let lines: Vec<&str> = errors
            .iter()
            .map(|e| e.split(':').next().unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                "line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9"
            ]
        );
        assert!(errors[2].contains("sead"));
        assert!(errors[3].contains("16:9"));
    }

    #[test]
    fn missing_seeds_are_fixed_by_the_request_so_reruns_match() {
        let a = parse("a fox", false, &defaults(), None, 1).unwrap();
        let b = parse("a fox", false, &defaults(), None, 1).unwrap();
        assert_eq!(a, b);
        let c = parse("a heron", false, &defaults(), None, 1).unwrap();
        assert_ne!(a[0].request.seed, c[0].request.seed);
    }

    #[test]
    fn shards_partition_the_jobs() {
        let text = (0..23)
            .map(|i| format!("prompt {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let all = parse(&text, false, &defaults(), Some(1), 1).unwrap();
        let mut union = vec![];
        for k in 1..=4 {
            let part = shard(all.clone(), k, 4);
            assert!((5..=6).contains(&part.len()));
            union.extend(part);
        }
        union.sort_by_key(|j| j.line);
        assert_eq!(union, all);
    }

    #[test]
    fn duplicates_and_stdin_detection() {
        let mut jobs = parse("a fox\na fox\na heron", false, &defaults(), Some(1), 1).unwrap();
        assert_eq!(dedupe(&mut jobs), 1);
        assert_eq!(jobs.len(), 2);
        assert!(is_jsonl("-", "# c\n{\"prompt\":\"x\"}"));
        assert!(!is_jsonl("-", "a fox"));
        assert!(is_jsonl("in.JSONL", ""));
        assert!(!is_jsonl("in.txt", "{\"prompt\":\"x\"}"));
        assert_eq!(numbered("hero.jpg", 2), "hero-2.jpg");
    }
}

//! A batch's prompt file: one line of it (text or JSONL) turned into the jobs it asks for,
//! with `-n` expansion and `--shard` slicing. Pure functions, one line at a time (the command
//! streams the file, so a million-line input is never held whole): no I/O, no HTTP.
//!
//! A JSONL line is the typed [`JsonLine`]: its fields use the value types and rules of the
//! command line (`crate::options`), unknown keys are refused, and an error names the field.
//!
//! A job without a seed gets one derived from its request hash (not a random one), so
//! re-running the same file maps every job to the same file name and finds it done.

use serde::Deserialize;
use serde_json::Value;

use crate::options::{AspectRatio, ImageFormat, de};
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

/// What every line starts from: the request the command line describes (its prompt is
/// replaced by each line's), the seed the user gave (`None`: derived per job) and `-n`.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// The command line's request.
    pub request: GenerationRequest,
    /// `--seed`, else the config file's.
    pub seed: Option<u64>,
    /// `-n`.
    pub count: u32,
}

/// One JSONL line. Absent fields take the command line's value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonLine {
    /// The prompt (required, non-empty).
    #[serde(deserialize_with = "de::non_empty")]
    pub prompt: String,
    /// `--ar`.
    #[serde(default)]
    pub aspect_ratio: Option<AspectRatio>,
    /// `--seed`.
    #[serde(default, deserialize_with = "de::seed")]
    pub seed: Option<u64>,
    /// `--raw`.
    #[serde(default)]
    pub raw: Option<bool>,
    /// `--safety-tolerance`.
    #[serde(default, deserialize_with = "de::tolerance")]
    pub safety_tolerance: Option<u8>,
    /// `--image-prompt`.
    #[serde(default)]
    pub image_prompt: Option<String>,
    /// `--format`.
    #[serde(default)]
    pub output_format: Option<ImageFormat>,
    /// `--model`.
    #[serde(default, deserialize_with = "de::model")]
    pub model: Option<String>,
    /// The file name to write (a plain name in the output directory).
    #[serde(default, deserialize_with = "de::file_name")]
    pub output: Option<String>,
    /// `-p KEY=VALUE`, as an object.
    #[serde(default, deserialize_with = "de::params")]
    pub params: Vec<(String, Value)>,
    /// `-n`.
    #[serde(default, deserialize_with = "de::count")]
    pub count: Option<u32>,
}

/// Whether an input named `name` (`-` for stdin) is JSONL: by extension, or for stdin by its
/// first meaningful line (see [`is_meaningful`]) starting with `{`.
pub fn is_jsonl(name: &str, first_line: Option<&str>) -> bool {
    let ext = std::path::Path::new(name)
        .extension()
        .map(std::ffi::OsStr::to_ascii_lowercase);
    if ext.is_some_and(|e| e == "jsonl" || e == "ndjson") {
        return true;
    }
    name == "-" && first_line.is_some_and(|l| l.trim().starts_with('{'))
}

/// Whether a line holds a job (not blank, not a `#` comment).
pub fn is_meaningful(raw: &str) -> bool {
    let line = raw.trim();
    !line.is_empty() && !line.starts_with('#')
}

/// The jobs of one input line (numbered from 1); none for a blank or comment line.
pub fn parse_line(
    raw: &str,
    number: usize,
    jsonl: bool,
    defaults: &Defaults,
) -> Result<Vec<BatchJob>, String> {
    if !is_meaningful(raw) {
        return Ok(Vec::new());
    }
    let line = raw.trim();
    let spec = if jsonl {
        json_line(line)?.into_spec(defaults)?
    } else {
        LineSpec {
            request: GenerationRequest {
                prompt: line.to_owned(),
                ..defaults.request.clone()
            },
            seed: defaults.seed,
            output: None,
            count: defaults.count,
        }
    };
    spec.expand(number)
}

/// Parses a whole input held in memory (tests, and one-prompt batches).
pub fn parse(text: &str, jsonl: bool, defaults: &Defaults) -> Result<Vec<BatchJob>, Vec<String>> {
    let mut jobs = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        match parse_line(raw, i + 1, jsonl, defaults) {
            Ok(mut more) => jobs.append(&mut more),
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

/// Whether the `index`-th job (0-based, in input order) is in shard K of N (1-based,
/// round-robin): the union of all shards is the input, and no job is in two.
pub fn in_shard(index: usize, k: u32, n: u32) -> bool {
    index % n as usize == k as usize - 1
}

/// Reads one JSONL line into [`JsonLine`]; the error names the field.
fn json_line(line: &str) -> Result<JsonLine, String> {
    if !line.starts_with('{') {
        return Err("expected a JSON object".into());
    }
    let mut de = serde_json::Deserializer::from_str(line);
    let parsed: JsonLine = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        describe(e.inner(), &path)
    })?;
    de.end().map_err(|e| describe(&e, "."))?;
    Ok(parsed)
}

/// A serde error as a line's problem, naming the field (`path`, `.` for the whole line).
fn describe(e: &serde_json::Error, path: &str) -> String {
    // serde's "at line 1 column N" would read as another input line number.
    let text = e.to_string();
    let what = text.split(" at line ").next().unwrap_or(&text).to_owned();
    if e.is_syntax() || e.is_eof() {
        format!("not valid JSON (column {}: {what})", e.column())
    } else if what.starts_with("unknown field") {
        format!("{what} (other model parameters go in \"params\")")
    } else if path == "." {
        what
    } else if what.starts_with("must") {
        format!("\"{path}\" {what}")
    } else {
        format!("\"{path}\": {what}")
    }
}

impl JsonLine {
    fn into_spec(self, defaults: &Defaults) -> Result<LineSpec, String> {
        let mut req = defaults.request.clone();
        req.prompt = self.prompt;
        if let Some(r) = self.aspect_ratio {
            r.as_str().clone_into(&mut req.aspect_ratio);
        }
        req.raw = self.raw.unwrap_or(req.raw);
        req.safety_tolerance = self.safety_tolerance.unwrap_or(req.safety_tolerance);
        if self.image_prompt.is_some() {
            req.image_prompt = crate::local_image::resolve(self.image_prompt)
                .map_err(|why| format!("\"image_prompt\": {why}"))?;
        }
        if let Some(m) = self.model {
            req.model = m;
        }
        req.extra.extend(self.params);
        let ext = self
            .output
            .as_deref()
            .and_then(|n| n.rsplit_once('.'))
            .and_then(|(_, e)| ImageFormat::from_ext(e));
        req.format = match (ext, self.output_format) {
            (Some(e), Some(f)) if e != f => {
                return Err(format!(
                    "\"output\" ends in .{} but \"output_format\" is {}",
                    e.ext(),
                    f.ext()
                ));
            }
            (Some(f), _) | (None, Some(f)) => f,
            (None, None) => req.format,
        };
        Ok(LineSpec {
            request: req,
            seed: self.seed.or(defaults.seed),
            output: self.output,
            count: self.count.unwrap_or(defaults.count),
        })
    }
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

    fn d(seed: Option<u64>, count: u32) -> Defaults {
        Defaults {
            request: defaults(),
            seed,
            count,
        }
    }

    #[test]
    fn text_lines_skip_blanks_and_comments_and_expand_counts() {
        let text = "# header\n\na fox\n   \n  # indented comment\na heron  \n";
        let jobs = parse(text, false, &d(Some(10), 2)).unwrap();
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
        let jobs = parse(text, true, &d(None, 1)).unwrap();
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
        let errors = parse(text, true, &d(None, 1)).unwrap_err();
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
        let a = parse("a fox", false, &d(None, 1)).unwrap();
        let b = parse("a fox", false, &d(None, 1)).unwrap();
        assert_eq!(a, b);
        let c = parse("a heron", false, &d(None, 1)).unwrap();
        assert_ne!(a[0].request.seed, c[0].request.seed);
    }

    #[test]
    fn shards_partition_the_jobs() {
        let text = (0..23)
            .map(|i| format!("prompt {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let all = parse(&text, false, &d(Some(1), 1)).unwrap();
        let mut union = vec![];
        for k in 1..=4 {
            let part: Vec<BatchJob> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| in_shard(*i, k, 4))
                .map(|(_, j)| j.clone())
                .collect();
            assert!((5..=6).contains(&part.len()));
            union.extend(part);
        }
        union.sort_by_key(|j| j.line);
        assert_eq!(union, all);
    }

    #[test]
    fn stdin_detection() {
        assert!(is_jsonl("-", Some("  {\"prompt\":\"x\"}")));
        assert!(!is_jsonl("-", Some("a fox")));
        assert!(is_jsonl("in.JSONL", None));
        assert!(!is_jsonl("in.txt", Some("{\"prompt\":\"x\"}")));
        assert_eq!(numbered("hero.jpg", 2), "hero-2.jpg");
    }
}

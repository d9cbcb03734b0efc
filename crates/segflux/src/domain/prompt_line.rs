//! A batch's prompt file: one line of it (text or JSONL) turned into the jobs it asks for,
//! with `-n` expansion and `--shard` slicing. Pure functions, one line at a time (the command
//! streams the file, so a million-line input is never held whole): no I/O, no HTTP.
//!
//! A JSONL line is the typed [`JsonLine`]: its fields use the value types and rules of the
//! command line (`crate::domain::options`), unknown keys are refused, and an error names the field.
//!
//! A job without a seed gets one derived from its request hash (not a random one), so
//! re-running the same file maps every job to the same file name and finds it done.

use serde::Deserialize;
use serde_json::Value;

use crate::domain::options::{AspectRatio, ImageFormat, de};
use crate::domain::request::GenerationRequest;

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
    /// Turns a line's `image_prompt` into the value its request carries (a local file is
    /// checked and named by its content; that reads the file, so the caller supplies it).
    pub image_prompt: ImagePromptResolver,
}

/// See [`Defaults::image_prompt`]; the error says why, without naming the field.
pub type ImagePromptResolver = fn(Option<String>) -> Result<Option<String>, String>;

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

/// Parses a whole input held in memory (the tests' way in).
#[cfg(test)]
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
            req.image_prompt = (defaults.image_prompt)(self.image_prompt)
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
mod tests;

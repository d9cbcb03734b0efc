//! The generation record segflux embeds in every image it writes, and reads back for
//! `segflux inspect`: what was asked (prompt, seed, model, options), of which job (the
//! `request_id`), by which segflux.
//!
//! Pure functions over bytes, no I/O. The record is *inserted* into the file the API sent:
//! PNG text chunks before the first `IDAT` ([`png`]), JPEG `APP1` Exif and XMP segments after
//! `SOI`/`APP0` ([`jpeg`]). Pixel data is never decoded or re-encoded, so the image data
//! bytes stay exactly as the API sent them. The layout on disk is described in the README,
//! section "Provenance".

mod jpeg;
mod png;
mod xmp;

pub use xmp::representable;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::domain::options::ImageFormat;

/// The tool that wrote the record, e.g. `segflux 0.1.0`.
pub const GENERATOR: &str = concat!("segflux ", env!("CARGO_PKG_VERSION"));

/// The version of the record's layout (the `v` field).
pub const RECORD_VERSION: u32 = 1;

/// What segflux knows about how an image was made. Unknown fields (a `fetch` of a job this
/// machine did not submit knows only its id) are absent, never guessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationRecord {
    /// The prompt sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The seed sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The model slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The aspect ratio sent, e.g. `16:9`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<String>,
    /// `--raw`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<bool>,
    /// `--safety-tolerance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_tolerance: Option<u64>,
    /// `--image-prompt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_prompt: Option<String>,
    /// Every other parameter sent (`-p KEY=VALUE`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub params: Map<String, Value>,
    /// The API's id of the job.
    pub request_id: String,
    /// When segflux wrote the image, ISO 8601 UTC (`2025-06-01T12:00:00Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// What the job cost in USD, as the API reported it before the image was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// The tool and version that wrote the record.
    #[serde(default)]
    pub generator: String,
    /// Long values were shortened to fit the file format (JPEG segments hold 64 KiB).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// The layout version of this record.
    #[serde(default = "record_version")]
    pub v: u32,
}

fn record_version() -> u32 {
    RECORD_VERSION
}

/// Removes `key` from `map` when `pick` accepts its value.
fn take<T>(
    map: &mut Map<String, Value>,
    key: &str,
    pick: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    let value = pick(map.get(key)?)?;
    map.remove(key);
    Some(value)
}

impl GenerationRecord {
    /// A record that knows only the job's id.
    pub fn new(request_id: &str) -> Self {
        Self {
            prompt: None,
            seed: None,
            model: None,
            aspect_ratio: None,
            raw: None,
            safety_tolerance: None,
            image_prompt: None,
            params: Map::new(),
            request_id: request_id.to_owned(),
            created: None,
            cost: None,
            generator: GENERATOR.to_owned(),
            truncated: false,
            v: RECORD_VERSION,
        }
    }

    /// The record of a job from the JSON body that was submitted. The tool's own keys become
    /// fields; `output_format` is dropped (the file's format says it); every other key is kept
    /// in `params`.
    pub fn from_body(request_id: &str, model: Option<&str>, body: &Value) -> Self {
        let mut params = body.as_object().cloned().unwrap_or_default();
        params.remove("output_format");
        let string = |v: &Value| v.as_str().map(str::to_owned);
        Self {
            prompt: take(&mut params, "prompt", string),
            seed: take(&mut params, "seed", Value::as_u64),
            model: model.map(str::to_owned),
            aspect_ratio: take(&mut params, "aspect_ratio", string),
            raw: take(&mut params, "raw", Value::as_bool),
            safety_tolerance: take(&mut params, "safety_tolerance", Value::as_u64),
            image_prompt: take(&mut params, "image_prompt", string),
            params,
            ..Self::new(request_id)
        }
    }

    /// The record as one line of compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The record as indented JSON (the `--sidecar` file).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses a record written by [`Self::to_json`] or [`Self::to_json_pretty`].
    pub fn from_json(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }

    /// The record as the `key: value` pairs of the A1111 `parameters` line, in display order.
    fn settings(&self) -> Vec<(String, String)> {
        let mut kv: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                kv.push((k.to_owned(), v));
            }
        };
        put("Seed", self.seed.map(|s| s.to_string()));
        put("Model", self.model.clone());
        put("Aspect ratio", self.aspect_ratio.clone());
        put("Raw", self.raw.map(|r| r.to_string()));
        put(
            "Safety tolerance",
            self.safety_tolerance.map(|s| s.to_string()),
        );
        put("Image prompt", self.image_prompt.clone());
        for (k, v) in &self.params {
            put(&a1111_key(k), Some(value_text(v)));
        }
        put("Cost", self.cost.map(|c| format!("${c}")));
        put("Request id", Some(self.request_id.clone()));
        put("Generator", Some(self.generator.clone()));
        kv
    }

    /// The A1111-style `parameters` text that image galleries parse: the prompt, then one line
    /// of comma-separated `Key: value` pairs, values quoted the way A1111 quotes them.
    ///
    /// ```text
    /// a lighthouse at dusk
    /// Seed: 42, Model: flux-1.1-pro-ultra, Aspect ratio: "16:9", Raw: false, …
    /// ```
    pub fn parameters(&self) -> String {
        let line = self
            .settings()
            .iter()
            .map(|(k, v)| format!("{k}: {}", a1111_quote(v)))
            .collect::<Vec<_>>()
            .join(", ");
        format!("{}\n{line}", self.prompt.as_deref().unwrap_or(""))
    }

    /// A copy whose long strings (prompt, image prompt, any parameter) hold at most `max`
    /// characters and end in `…`; `truncated` is set when anything was cut. A parameter that
    /// was cut becomes a string.
    #[must_use]
    pub fn shortened(&self, max: usize) -> Self {
        let mut out = self.clone();
        let mut any = false;
        for s in [out.prompt.as_mut(), out.image_prompt.as_mut()]
            .into_iter()
            .flatten()
        {
            any |= cut(s, max);
        }
        for v in out.params.values_mut() {
            let mut text = value_text(v);
            if cut(&mut text, max) {
                *v = Value::String(text);
                any = true;
            }
        }
        out.truncated |= any;
        out
    }
}

/// Cuts `s` to `max` characters plus `…`; whether it was longer.
fn cut(s: &mut String, max: usize) -> bool {
    match s.char_indices().nth(max) {
        Some((i, _)) => {
            s.truncate(i);
            s.push('…');
            true
        }
        None => false,
    }
}

/// A parameter value as text: a string as itself, anything else as compact JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A parameter name as an A1111 key (`\w[\w \-/]+`): other characters become `_`.
fn a1111_key(k: &str) -> String {
    let mut key: String = k
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "_ -/".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !key.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        key.insert(0, '_');
    }
    if key.chars().count() < 2 {
        key.push('_');
    }
    key
}

/// A1111's `quote()`: a value holding `,`, `:` or a newline is written as a JSON string.
fn a1111_quote(v: &str) -> String {
    if v.contains([',', ':', '\n']) {
        Value::String(v.to_owned()).to_string()
    } else {
        v.to_owned()
    }
}

/// Seconds since the Unix epoch as ISO 8601 UTC, `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_timestamp(unix_secs: u64) -> String {
    i64::try_from(unix_secs)
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map_or_else(|| "9999-12-31T23:59:59Z".to_owned(), |t| t.to_string())
}

/// Inserts `record` into `bytes`, an image in `format`, without touching its image data.
/// A record segflux embedded before is replaced, never doubled.
pub fn embed(
    bytes: &[u8],
    format: ImageFormat,
    record: &GenerationRecord,
) -> Result<Vec<u8>, String> {
    match format {
        ImageFormat::Png => png::embed(bytes, record),
        ImageFormat::Jpg => jpeg::embed(bytes, record),
    }
}

/// Whether `bytes` start like a PNG or a JPEG file.
pub fn is_image(bytes: &[u8]) -> bool {
    png::is_png(bytes) || jpeg::is_jpeg(bytes)
}

/// The record embedded in a PNG or JPEG file, if there is one.
pub fn read(bytes: &[u8]) -> Option<GenerationRecord> {
    if png::is_png(bytes) {
        png::read(bytes)
    } else if jpeg::is_jpeg(bytes) {
        jpeg::read(bytes)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;

//! One generation request, resolved from the options: its JSON body and its content hash.
//!
//! The hash names the file (`{seed}-{hash}.{ext}`), so its encoding is a contract, documented
//! in the README under "File naming" and pinned by golden vectors below. Change it and every
//! user's pipeline regenerates every image.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::domain::options::ImageFormat;

/// Everything that is sent for one image.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationRequest {
    /// Segmind model slug.
    pub model: String,
    /// The prompt (non-empty).
    pub prompt: String,
    /// Aspect ratio, wire spelling.
    pub aspect_ratio: String,
    /// Seed (chosen at random by the caller when the user gave none).
    pub seed: u64,
    /// Less processed images.
    pub raw: bool,
    /// 1..=6.
    pub safety_tolerance: u8,
    /// Visual prompt URL.
    pub image_prompt: Option<String>,
    /// Format asked of the API.
    pub format: ImageFormat,
    /// Other model parameters from `-p KEY=VALUE`, in the order given (a later key wins).
    pub extra: Vec<(String, Value)>,
}

impl GenerationRequest {
    /// A request of the default model for `prompt`: 1:1, seed 0, tolerance 2, JPEG, nothing
    /// else set (the unit tests' request; each changes what it is about).
    #[cfg(test)]
    pub fn for_test(prompt: &str) -> Self {
        Self {
            model: "flux-1.1-pro-ultra".into(),
            prompt: prompt.into(),
            aspect_ratio: "1:1".into(),
            seed: 0,
            raw: false,
            safety_tolerance: 2,
            image_prompt: None,
            format: ImageFormat::Jpg,
            extra: vec![],
        }
    }

    /// The JSON body of the submit: the pass-through parameters, then the tool's own.
    pub fn body(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        m.insert("prompt".into(), self.prompt.clone().into());
        m.insert("aspect_ratio".into(), self.aspect_ratio.clone().into());
        m.insert("seed".into(), self.seed.into());
        m.insert("raw".into(), self.raw.into());
        m.insert("safety_tolerance".into(), self.safety_tolerance.into());
        m.insert("output_format".into(), self.format.ext().into());
        if let Some(url) = &self.image_prompt {
            m.insert("image_prompt".into(), url.clone().into());
        }
        Value::Object(m)
    }

    /// The canonical encoding that [`Self::prompt_hash`] digests: compact JSON with keys in
    /// byte order, of `{"aspect_ratio","image_prompt" (null when absent),"model","params"
    /// (the -p parameters, last value of each key),"prompt","raw","safety_tolerance","v":1}`.
    /// Seed and format are not in it: they are in the file name already.
    pub fn canonical(&self) -> String {
        let mut params = Map::new();
        for (k, v) in &self.extra {
            params.insert(k.clone(), v.clone());
        }
        let mut m = Map::new();
        m.insert("aspect_ratio".into(), self.aspect_ratio.clone().into());
        m.insert(
            "image_prompt".into(),
            self.image_prompt.clone().map_or(Value::Null, Value::String),
        );
        m.insert("model".into(), self.model.clone().into());
        m.insert("params".into(), Value::Object(params));
        m.insert("prompt".into(), self.prompt.clone().into());
        m.insert("raw".into(), self.raw.into());
        m.insert("safety_tolerance".into(), self.safety_tolerance.into());
        m.insert("v".into(), 1.into());
        let mut out = String::new();
        write_canonical(&Value::Object(m), &mut out);
        out
    }

    /// The first 12 hex digits of the SHA-256 of [`Self::canonical`].
    pub fn prompt_hash(&self) -> String {
        let digest = Sha256::digest(self.canonical().as_bytes());
        digest[..6]
            .iter()
            .fold(String::with_capacity(12), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }

    /// The default file name, `{seed}-{hash}.{ext}`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.{}", self.seed, self.prompt_hash(), self.format.ext())
    }
}

/// Compact JSON with object keys sorted by their UTF-8 bytes, independent of how `serde_json`'s
/// map happens to be ordered in this build.
fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                write_canonical(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A random seed in `0..2^32` (the range every Segmind image model accepts).
pub fn random_seed() -> u64 {
    crate::domain::random::random_u64() & 0xFFFF_FFFF
}

/// Whether an image-prompt value is a URL sent as it is (http or https), not a local path.
pub fn is_url(value: &str) -> bool {
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lighthouse() -> GenerationRequest {
        GenerationRequest {
            aspect_ratio: "16:9".into(),
            seed: 42,
            ..GenerationRequest::for_test("a lighthouse at dusk")
        }
    }

    #[test]
    fn golden_canonical_encoding_and_hash() {
        let r = lighthouse();
        assert_eq!(
            r.canonical(),
            r#"{"aspect_ratio":"16:9","image_prompt":null,"model":"flux-1.1-pro-ultra","params":{},"prompt":"a lighthouse at dusk","raw":false,"safety_tolerance":2,"v":1}"#
        );
        // sha256 of the line above, as `printf %s '…' | sha256sum` prints it.
        assert_eq!(r.prompt_hash(), "ef3ec516c4be");
        assert_eq!(r.file_name(), "42-ef3ec516c4be.jpg");
    }

    #[test]
    fn golden_local_image_prompt_is_named_by_content() {
        // A local --image-prompt is carried as `sha256:` of the file's bytes (see
        // `local_image`), so the name does not depend on the path or the upload URL.
        let mut r = lighthouse();
        r.image_prompt =
            Some("sha256:d016b9382f8f5268972b284fd4751236e6a9acdb04b84f773a5eed0c39cc33f1".into());
        assert_eq!(
            r.canonical(),
            r#"{"aspect_ratio":"16:9","image_prompt":"sha256:d016b9382f8f5268972b284fd4751236e6a9acdb04b84f773a5eed0c39cc33f1","model":"flux-1.1-pro-ultra","params":{},"prompt":"a lighthouse at dusk","raw":false,"safety_tolerance":2,"v":1}"#
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ref.jpg");
        std::fs::write(&file, b"\xff\xd8\xff\xe0 a reference").unwrap();
        let name = crate::output::local_image::check(&file).unwrap().name();
        assert_eq!(r.image_prompt.as_deref(), Some(name.as_str()));
        assert_eq!(r.prompt_hash(), "0aba05106498");
    }

    #[test]
    fn params_are_sorted_and_last_wins() {
        let mut r = lighthouse();
        r.extra = vec![
            ("z".into(), json!({"b": 1, "a": [2, "é"]})),
            ("a".into(), json!(1)),
            ("a".into(), json!(2)),
        ];
        assert!(
            r.canonical()
                .contains(r#""params":{"a":2,"z":{"a":[2,"é"],"b":1}}"#),
            "{}",
            r.canonical()
        );
    }

    #[test]
    fn every_picture_changing_option_changes_the_hash_and_nothing_else_does() {
        let base = lighthouse();
        let h = base.prompt_hash();
        let mut variants = vec![];
        let mut r = base.clone();
        r.prompt.push('!');
        variants.push(r);
        let mut r = base.clone();
        r.aspect_ratio = "1:1".into();
        variants.push(r);
        let mut r = base.clone();
        r.raw = true;
        variants.push(r);
        let mut r = base.clone();
        r.safety_tolerance = 3;
        variants.push(r);
        let mut r = base.clone();
        r.image_prompt = Some("https://x/y.png".into());
        variants.push(r);
        let mut r = base.clone();
        r.model = "flux-dev".into();
        variants.push(r);
        let mut r = base.clone();
        r.extra = vec![("steps".into(), json!(30))];
        variants.push(r);
        for v in &variants {
            assert_ne!(v.prompt_hash(), h, "{v:?}");
        }
        let mut same = base.clone();
        same.seed = 7;
        same.format = ImageFormat::Png;
        assert_eq!(same.prompt_hash(), h);
        assert_ne!(same.file_name(), base.file_name());
    }

    #[test]
    fn body_carries_own_flags_over_pass_through() {
        let mut r = lighthouse();
        r.extra = vec![("steps".into(), json!(30))];
        let b = r.body();
        assert_eq!(b["steps"], 30);
        assert_eq!(b["seed"], 42);
        assert_eq!(b["output_format"], "jpg");
        assert!(b.get("image_prompt").is_none());
    }

    #[test]
    fn random_seeds_fit_in_32_bits_and_vary() {
        let seeds: std::collections::HashSet<u64> = (0..16).map(|_| random_seed()).collect();
        assert!(seeds.iter().all(|s| u32::try_from(*s).is_ok()));
        assert!(seeds.len() > 1);
    }
}

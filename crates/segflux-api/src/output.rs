//! Where the image is in a finished job's `output`: the many shapes an image model's output
//! can take (spec: segmind-api.md), read liberally into one [`ImageRef`]. No I/O: a URL is
//! only returned, never fetched.

use base64::Engine as _;
use serde_json::Value;

/// Where a finished job's image is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRef {
    /// To be downloaded (without the API key) from this URL.
    Url(String),
    /// Sent inline, base64-decoded.
    Inline(Vec<u8>),
}

/// Finds the image in a result body's `output`, whatever its shape (see the spec's list):
/// a URL string, a list of them, an object with `url` / `image_url` / `image`, a list of
/// such objects, base64 or a `data:` URI, or any of these JSON-encoded inside a string.
pub fn extract_image(output: &Value) -> Option<ImageRef> {
    extract_depth(output, 0)
}

/// Every image of a finished job's `output`, in order: each item of a list (a multi-image
/// result, e.g. `samples` > 1), else the one image [`extract_image`] finds. Empty when
/// there is none.
pub fn extract_images(output: &Value) -> Vec<ImageRef> {
    let list = match output {
        Value::String(s) if s.trim_start().starts_with('[') => serde_json::from_str(s).ok(),
        Value::Array(_) => Some(output.clone()),
        _ => None,
    };
    match list {
        Some(Value::Array(items)) if items.len() > 1 => {
            items.iter().filter_map(extract_image).collect()
        }
        _ => extract_image(output).into_iter().collect(),
    }
}

fn extract_depth(v: &Value, depth: u8) -> Option<ImageRef> {
    if depth > 4 {
        return None;
    }
    match v {
        Value::String(s) => image_from_str(s, depth),
        Value::Array(items) => items.iter().find_map(|i| extract_depth(i, depth + 1)),
        Value::Object(map) => ["url", "image_url", "image", "output", "images", "data"]
            .iter()
            .filter_map(|k| map.get(*k))
            .find_map(|i| extract_depth(i, depth + 1)),
        _ => None,
    }
}

fn image_from_str(s: &str, depth: u8) -> Option<ImageRef> {
    let s = s.trim();
    if s.starts_with("http://") || s.starts_with("https://") {
        return Some(ImageRef::Url(s.to_owned()));
    }
    if s.starts_with('[') || s.starts_with('{') || s.starts_with('"') {
        let inner: Value = serde_json::from_str(s).ok()?;
        return extract_depth(&inner, depth + 1);
    }
    let b64 = match s.strip_prefix("data:") {
        Some(rest) => rest.split_once(";base64,")?.1,
        None => s,
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    // Only accept decoded bytes that look like an image; a random word is not base64 output.
    looks_like_image(&bytes).then_some(ImageRef::Inline(bytes))
}

/// Whether bytes open with the signature of an image format an image model sends (JPEG, PNG,
/// WebP, GIF): enough to tell decoded base64 from a word that happens to decode.
fn looks_like_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || (bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP")
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
}

//! Segmind's storage, emulated (spec: segmind-api.md, "upload a local file"):
//! `POST /upload-asset` on the API origin takes `{"data_urls": ["data:image/…;base64,…"]}`
//! and answers `{"urls": [...]}`; each file is then served by the CDN origin at
//! `/assets/{sha256}.{ext}`. Files are kept in memory for the emulator's life.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::routes::api::{error, json_response};
use crate::state::Shared;

/// The largest upload body: a 20 MiB file in base64, and its JSON around it.
pub(crate) const MAX_UPLOAD_BODY: usize = 28 << 20;

/// Uploaded files by name (`{sha256}.{ext}`): their MIME type and bytes.
#[derive(Debug, Default)]
pub(crate) struct Assets(Mutex<HashMap<String, (String, Bytes)>>);

impl Assets {
    fn put(&self, name: String, mime: String, bytes: Bytes) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.insert(name, (mime, bytes));
    }

    fn get(&self, name: &str) -> Option<(String, Bytes)> {
        let map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(name).cloned()
    }
}

/// `POST /upload-asset`.
pub(crate) fn upload(shared: &Shared, body: Option<&Value>) -> Response {
    let Some(list) = body
        .and_then(|b| b.get("data_urls"))
        .and_then(Value::as_array)
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "The body must be {\"data_urls\": [\"data:image/...;base64,...\"]}",
        );
    };
    let mut urls = Vec::new();
    for item in list {
        let Some((mime, bytes)) = item.as_str().and_then(parse_data_url) else {
            return error(
                StatusCode::BAD_REQUEST,
                "each data_urls entry must be a data:image/...;base64,... URL",
            );
        };
        let ext = match mime.as_str() {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/webp" => "webp",
            _ => "bin",
        };
        let sha = Sha256::digest(&bytes)
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            });
        let name = format!("{sha}.{ext}");
        urls.push(format!("{}/assets/{name}", shared.cdn_url));
        shared.assets.put(name, mime, Bytes::from(bytes));
    }
    json_response(StatusCode::OK, &json!({ "urls": urls }))
}

/// `GET /assets/{name}` on the CDN origin.
pub(crate) fn serve(shared: &Shared, name: &str) -> Response {
    match shared.assets.get(name) {
        Some((mime, bytes)) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, mime)], bytes).into_response()
        }
        None => crate::routes::cdn::not_found(),
    }
}

/// The MIME type and bytes of a `data:image/…;base64,…` URL.
fn parse_data_url(url: &str) -> Option<(String, Vec<u8>)> {
    let (head, data) = url.strip_prefix("data:")?.split_once(',')?;
    let mime = head.strip_suffix(";base64")?;
    if !mime.starts_with("image/") {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .ok()?;
    Some((mime.to_owned(), bytes))
}

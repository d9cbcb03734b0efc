//! Wire types of the account and storage endpoints (spec: "Account, storage and history
//! endpoints"): the credits answer, and where a local file is uploaded. Serde only.

use serde::Serialize;
use serde_json::Value;

use super::value_f64;

/// Segmind's storage origin (spec: segmind-api.md, "upload a local file"); the key goes there.
pub const STORAGE_ORIGIN: &str = "https://workflows-api.segmind.com";

/// Uploads a local file: `POST` `{"data_urls": ["data:…"]}`.
pub const UPLOAD_PATH: &str = "/upload-asset";

/// Path of the account's credits endpoint (on the API origin).
pub const CREDITS_PATH: &str = "/v1/get-user-credits";

/// The answer to [`CREDITS_PATH`]: the account's credits and free credits, in USD. Either
/// may be missing (unknown, never 0): the shape beyond these two fields is not documented.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Credits {
    /// Paid credits left.
    pub credits: Option<f64>,
    /// Free credits left.
    #[serde(rename = "free-credits")]
    pub free_credits: Option<f64>,
}

impl Credits {
    /// Reads the two figures out of the body (numbers or numeric strings; `free_credits`
    /// accepted for `free-credits`).
    pub fn from_value(v: &Value) -> Self {
        let get = |k: &str| v.get(k).and_then(value_f64);
        Self {
            credits: get("credits"),
            free_credits: get("free-credits").or_else(|| get("free_credits")),
        }
    }
}

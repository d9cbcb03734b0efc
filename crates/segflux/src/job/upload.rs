//! The upload of a local `--image-prompt` file, once per content (spec: cli.md, "Local
//! files"). A request names the file `sha256:<hex>` (see `local_image`); just before its
//! submit, [`storage_urls`] puts the storage URL in the body instead: from the journal when this
//! content was uploaded to this API before, else by uploading it now and journaling the URL.
//! Uploads in one process are serialized, so a batch sharing one file uploads it once.

use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::output::local_image::{self, LocalImage};

use super::Context;

/// The journal's key for a content uploaded to the API at `api`: the SHA-256, and the origin
/// when it is not Segmind's own (an emulator's URLs die with it).
fn cache_key(api: &str, sha256: &str) -> String {
    let api = api.trim_end_matches('/');
    if api == crate::settings::DEFAULT_BASE_URL {
        sha256.to_owned()
    } else {
        format!("{sha256}@{api}")
    }
}

/// Replaces a `sha256:<hex>` `image_prompt` in `body` by the URL the file is stored at,
/// uploading it first when this API has not seen it.
pub async fn storage_urls(ctx: &Context, client: &Client, body: &mut Value) -> Result<()> {
    let Some(name) = body.get("image_prompt").and_then(Value::as_str) else {
        return Ok(());
    };
    if !name.starts_with(local_image::PREFIX) {
        return Ok(());
    }
    let image = local_image::file_for(name)
        .ok_or_else(|| Error::Other(format!("no local file was checked for {name}")))?;
    let url = stored_url(ctx, client, &image).await?;
    body["image_prompt"] = Value::String(url);
    Ok(())
}

/// The storage URL of `image`, uploading it if needed.
async fn stored_url(ctx: &Context, client: &Client, image: &LocalImage) -> Result<String> {
    static GATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _one_at_a_time = GATE.lock().await;
    let key = cache_key(&client.url(""), &image.sha256);
    let history = ctx.journal();
    if let Some(url) = history.and_then(|h| h.upload_url(&key)) {
        return Ok(url);
    }
    let data_url = image.data_url().map_err(Error::Usage)?;
    ctx.printer.info(&format!(
        "uploading {} ({} bytes) for --image-prompt",
        image.path.display(),
        image.len
    ));
    let url = client.upload(&data_url).await?;
    if let Some(Err(e)) = history.map(|h| h.record_upload(&key, &url)) {
        ctx.printer.info(&format!("warning: {e}"));
    }
    Ok(url)
}

/// What `--dry-run` says about the upload a request needs, if any: the file, its size and
/// name, and whether it is already stored (then nothing would be uploaded).
pub fn dry_run_note(ctx: &Context, name: Option<&str>) -> Option<Value> {
    let image = local_image::file_for(name?)?;
    let base = if ctx.settings.emulator {
        "http://127.0.0.1:PORT"
    } else if ctx.settings.base_url == crate::settings::DEFAULT_BASE_URL {
        segflux_api::STORAGE_ORIGIN
    } else {
        &ctx.settings.base_url
    };
    // The built-in emulator starts empty: nothing is stored there yet.
    let stored = (!ctx.settings.emulator)
        .then(|| {
            ctx.journal()?
                .upload_url(&cache_key(&ctx.settings.base_url, &image.sha256))
        })
        .flatten();
    Some(serde_json::json!({
        "file": image.path.display().to_string(),
        "bytes": image.len,
        "sha256": image.sha256,
        "url": format!("{base}{}", segflux_api::UPLOAD_PATH),
        "already_uploaded": stored,
    }))
}

/// The `--dry-run` lines for [`dry_run_note`]'s upload.
pub fn dry_run_text(note: &Value) -> String {
    let file = note["file"].as_str().unwrap_or_default();
    let sha = note["sha256"].as_str().unwrap_or_default();
    match note["already_uploaded"].as_str() {
        Some(url) => format!("(--image-prompt {file}, sha256:{sha}: already uploaded to {url})\n"),
        None => format!(
            "POST {} (upload of --image-prompt {file}: {} bytes, sha256:{sha}; its URL goes in image_prompt)\n",
            note["url"].as_str().unwrap_or_default(),
            note["bytes"]
        ),
    }
}

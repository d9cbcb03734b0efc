//! The CDN origin: `GET /images/{request_id}.{jpg|png|webp|svg}` serves a completed job's
//! image (`{request_id}_{i}` the `i`th of a multi-image job). It
//! needs no key and ignores any it gets (the request log still records it), and it outlives
//! the API's retention, as the spec reports output files do. Also the per-job image cache
//! shared with the result endpoint's inline (base64) outputs.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use crate::Endpoint;
use crate::draw::render::{self, Format};
use crate::faults::{FaultKind, Stage};
use crate::state::Shared;
use segflux_api::JobState;

/// The CDN's 404, plain text like a storage bucket's.
pub(crate) fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Not Found",
    )
        .into_response()
}

/// `GET /images/{id}.{ext}`: the image once the job is COMPLETED and `ext` is its format.
pub(crate) fn download(shared: &Shared, name: &str, ext: &str) -> Response {
    let Some(asked) = Format::from_ext(ext) else {
        return not_found();
    };
    let (id, index) = split_index(name);
    let wrong_format = {
        let mut state = shared.lock();
        let exists = state.job(id).is_some_and(|job| {
            job.spec.format == asked
                && index <= job.spec.count
                && job.state_at(Instant::now()) == JobState::Completed
        });
        if !exists {
            return not_found();
        }
        state.faults.take(Endpoint::Download, Stage::ImageServed) == Some(FaultKind::WrongFormat)
    };
    let served = if wrong_format { asked.other() } else { asked };
    let bytes = if index == 1 {
        image(shared, id, served)
    } else {
        nth_image(shared, id, served, index)
    };
    match bytes {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, served.mime()),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        Err(message) => (StatusCode::INTERNAL_SERVER_ERROR, message).into_response(),
    }
}

/// A multi-image job's file name `{id}_{i}` as (`id`, `i`); any other name is image 1.
fn split_index(name: &str) -> (&str, u32) {
    name.rsplit_once('_')
        .and_then(|(id, i)| Some((id, i.parse::<u32>().ok().filter(|i| *i >= 1)?)))
        .unwrap_or((name, 1))
}

/// Image `index` (from 2) of a multi-image job: drawn with the job's seed plus `index - 1`,
/// not cached (the cache holds each job's first image).
fn nth_image(shared: &Shared, id: &str, format: Format, index: u32) -> Result<Bytes, String> {
    let spec = {
        let state = shared.lock();
        state
            .job(id)
            .ok_or_else(|| format!("no job {id}"))?
            .spec
            .clone()
    };
    let seed = spec.seed.wrapping_add(u64::from(index - 1));
    let long_side = shared.config.image_long_side;
    render::render(&spec.prompt, seed, spec.aspect, long_side, format)
        .map(Bytes::from)
        .map_err(|e| format!("rendering the image failed: {e}"))
}

/// Renders job `id`'s image for a download of `ext` on the blocking pool when it is not cached
/// yet, so a download that comes before the submit's prerender finished (a job with no
/// processing time) does not render a 4 MP image on the runtime's thread.
pub(crate) async fn warm(shared: &Arc<Shared>, id: &str, ext: &str) {
    let Some(format) = Format::from_ext(ext) else {
        return;
    };
    let cached = shared
        .lock()
        .job(id)
        .is_none_or(|job| job.image(format).is_some());
    if cached {
        return;
    }
    let (shared, id) = (Arc::clone(shared), id.to_owned());
    // A failure here shows again, and is answered, at the download.
    let _ = tokio::task::spawn_blocking(move || image(&shared, &id, format)).await;
}

/// Job `id`'s image in `format`, rendered on first use and cached. Rendering happens outside
/// the lock; two racing first uses render twice and keep the (identical) later bytes.
pub(crate) fn image(shared: &Shared, id: &str, format: Format) -> Result<Bytes, String> {
    let spec = {
        let state = shared.lock();
        let job = state.job(id).ok_or_else(|| format!("no job {id}"))?;
        if let Some(bytes) = job.image(format) {
            return Ok(bytes);
        }
        job.spec.clone()
    };
    let long_side = shared.config.image_long_side;
    let bytes = render::render(&spec.prompt, spec.seed, spec.aspect, long_side, format)
        .map_err(|e| format!("rendering the image failed: {e}"))?;
    let bytes = Bytes::from(bytes);
    shared.lock().store_image(id, format, bytes.clone());
    Ok(bytes)
}

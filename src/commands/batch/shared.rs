//! Jobs shared by two segflux processes: when one adopted the other's job (see
//! `commands::intent`), both wait for it and both deliver it; the first write wins and the
//! other recognises this very job's image in place instead of failing on an existing file.

use std::path::Path;

use super::job;

/// The delivery of `path` when it holds job `id`'s image already (its embedded record names
/// the id), written by another segflux process that runs the same job.
pub(super) fn written_by_job(
    path: &Path,
    id: &str,
    metrics: Option<&serde_json::Value>,
) -> Option<job::Delivered> {
    let bytes = std::fs::read(path).ok()?;
    let record = crate::metadata::read(&bytes)?;
    if record.request_id != id {
        return None;
    }
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()?;
    Some(job::Delivered {
        path: path.to_owned(),
        sidecar: None,
        output_url: None,
        metrics: crate::api::Metrics::from_value(metrics),
        width,
        height,
    })
}

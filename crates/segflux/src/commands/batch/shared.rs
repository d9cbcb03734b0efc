//! Sharing an output directory with other segflux processes: when one adopted the other's
//! job (see `job::submit`), both wait for it and both deliver it; the first write wins
//! and the other recognises this very job's image in place instead of failing on an
//! existing file. And the temporary files of writers that were killed are removed.

use std::path::Path;

use super::Context;
use crate::job::deliver;

/// Tags this process's temporary files with its owner token and removes those in `dir`
/// left by segflux processes that died mid-write (SIGKILL cannot be caught).
pub(crate) fn sweep(ctx: &Context, dir: &Path) {
    let Some(history) = ctx.journal() else {
        return;
    };
    if let Ok(me) = history.owner() {
        crate::output::tag_temp_files(&me);
    }
    let removed = crate::output::sweep_leftovers(dir, |tag| history.owner_alive(tag));
    if removed > 0 {
        ctx.printer.info(&format!(
            "removed {removed} temporary file(s) left by a killed segflux run in {}",
            dir.display()
        ));
    }
}

/// The delivery of `path` when it holds job `id`'s image already (its embedded record names
/// the id), written by another segflux process that runs the same job.
pub(crate) fn written_by_job(
    path: &Path,
    id: &str,
    metrics: Option<&serde_json::Value>,
) -> Option<deliver::Delivered> {
    let bytes = std::fs::read(path).ok()?;
    let record = crate::output::metadata::read(&bytes)?;
    if record.request_id != id {
        return None;
    }
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()?;
    Some(deliver::Delivered {
        path: path.to_owned(),
        sidecar: None,
        output_url: None,
        metrics: segflux_api::Metrics::from_value(metrics),
        width,
        height,
    })
}

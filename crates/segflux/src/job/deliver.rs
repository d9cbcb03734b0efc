//! Delivering a finished job: its result → the image (downloaded or inline) → checked and
//! converted when needed → the generation record embedded → written atomically (or to
//! stdout) → the sidecar → the journal → the report line. Shared by `generate`, `fetch`,
//! `status --wait`, batches and the past-the-hour recovery.

use crate::domain::state::State;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::cli::ProvenanceArgs;
use crate::client::Client;
use crate::domain::options::ImageFormat;
use crate::error::{Error, Result};
use crate::job::poll;
use crate::journal::Completion;
use crate::journal::{JobRecord, now_ms};
use crate::output;
use crate::output::job_json::JobReport;
use crate::output::metadata::{self, GenerationRecord};
use segflux_api::{self, ImageRef, Metrics};

use super::Context;

/// Where a delivered image goes.
#[derive(Debug, Clone)]
pub enum Destination {
    /// Exactly this file, in this format.
    File {
        /// The path.
        path: PathBuf,
        /// The format to write (converted if the server sent the other).
        format: ImageFormat,
    },
    /// Standard output (`-o -`), in this format; no file is written.
    Stdout {
        /// The format to write (converted if the server sent the other).
        format: ImageFormat,
    },
    /// Into `dir` as `{stem}.{ext}`, in the format the server sent.
    Dir {
        /// The directory.
        dir: PathBuf,
        /// The file name without extension.
        stem: String,
    },
}

/// How a delivered image is written, and what it says about itself.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Overwrite an existing file (the image and the sidecar).
    pub force: bool,
    /// Embed the generation record in the image (off with `--no-metadata`).
    pub embed: bool,
    /// Also write the record as `{file name}.json`.
    pub sidecar: bool,
    /// What is known about the job; `created` is set when the image is written.
    pub record: GenerationRecord,
}

impl WriteOptions {
    /// The options of `--force`, `--no-metadata` and `--sidecar`, for this record.
    pub fn new(force: bool, provenance: &ProvenanceArgs, record: GenerationRecord) -> Self {
        Self {
            force,
            embed: !provenance.no_metadata,
            sidecar: provenance.sidecar,
            record,
        }
    }
}

/// What a delivery produced.
#[derive(Debug)]
pub struct Delivered {
    /// Where the image was written.
    pub path: PathBuf,
    /// Where the sidecar record was written, with `--sidecar`.
    pub sidecar: Option<PathBuf>,
    /// The image URL, when it came from one.
    pub output_url: Option<String>,
    /// Server figures.
    pub metrics: Metrics,
    /// Pixel size.
    pub width: u32,
    /// Pixel size.
    pub height: u32,
}

/// Fetches a COMPLETED job's result and writes its image. `finished_after` is when this run
/// saw the job finish, if it did (see [`poll::Finished`]); it goes to the history with the
/// output URL, in the one write made before the download. Errors are not yet tagged with
/// the id.
pub async fn deliver(
    ctx: &Context,
    client: &Client,
    id: &str,
    status_metrics: Option<&Value>,
    finished_after: Option<Duration>,
    dest: &Destination,
    opts: &WriteOptions,
) -> Result<Delivered> {
    // The job is COMPLETED and paid for: a result that cannot be had is exit 9 ("fetch it"),
    // not a network error that invites generating again. A 404 stays "expired".
    let result = client.result(id).await.map_err(|e| match e {
        Error::Network(m) => Error::Download(format!("cannot get the finished job's result: {m}")),
        other => poll::expired_message(other, id),
    })?;
    let metrics = Metrics::from_value(result.get("metrics").or(status_metrics));
    let output = result.get("output").cloned().unwrap_or(Value::Null);
    let image = segflux_api::extract_image(&output).ok_or_else(|| {
        Error::Download(format!(
            "the job completed but its result carried no image (output: {})",
            truncate(&output.to_string(), 200)
        ))
    })?;
    if let Some(h) = ctx.journal() {
        let done = Completion {
            output_url: match &image {
                ImageRef::Url(u) => Some(u.clone()),
                ImageRef::Inline(_) => None,
            },
            inference_time: metrics.inference_time,
            cost: metrics.cost,
            finished_after: finished_after.map(|t| t.as_secs_f64()),
        };
        ctx.journaled("the completion", id, h.completed(id, done));
    }
    deliver_image(ctx, client, id, image, metrics, dest, opts).await
}

/// Downloads (when needed), checks and writes one image, and records where it went.
pub async fn deliver_image(
    ctx: &Context,
    client: &Client,
    id: &str,
    image: ImageRef,
    metrics: Metrics,
    dest: &Destination,
    opts: &WriteOptions,
) -> Result<Delivered> {
    let (bytes, output_url) = match image {
        ImageRef::Url(url) => (client.download(&url).await?, Some(url)),
        ImageRef::Inline(bytes) => (bytes, None),
    };
    // A cost the API reported before the write goes into the image's record.
    let opts = &WriteOptions {
        record: GenerationRecord {
            cost: metrics.cost.or(opts.record.cost),
            ..opts.record.clone()
        },
        ..opts.clone()
    };
    let mut delivered = write_image(ctx, bytes, dest, opts)?;
    delivered.output_url = output_url;
    delivered.metrics = metrics;
    if let Some(h) = ctx
        .journal()
        .filter(|_| !matches!(dest, Destination::Stdout { .. }))
    {
        let path = delivered.path.display().to_string();
        ctx.journaled("the written path", id, h.written(id, path));
    }
    Ok(delivered)
}

/// Checks, converts when needed, embeds the record, and writes atomically; then the sidecar.
fn write_image(
    ctx: &Context,
    bytes: Vec<u8>,
    dest: &Destination,
    opts: &WriteOptions,
) -> Result<Delivered> {
    let (path, format) = target(dest, &bytes);
    let checked = output::check_image(bytes, format).map_err(Error::Download)?;
    if checked.converted {
        ctx.printer.info(&format!(
            "the server sent another format; converted to {}",
            format.ext()
        ));
    }
    let record = GenerationRecord {
        created: Some(metadata::utc_timestamp(now_ms() / 1000)),
        ..opts.record.clone()
    };
    let bytes = if opts.embed {
        with_record(ctx, checked.bytes, format, &record)
    } else {
        checked.bytes
    };
    if let Destination::Stdout { .. } = dest {
        ctx.printer
            .result_bytes(&bytes)
            .map_err(|source| Error::ImageWrite {
                context: "cannot write the image to standard output".into(),
                source,
            })?;
    } else {
        output::write_atomic(&path, &bytes, opts.force).map_err(|source| Error::ImageWrite {
            context: format!("cannot write {}", path.display()),
            source,
        })?;
    }
    let sidecar = if opts.sidecar {
        Some(write_sidecar(&path, &record, opts.force)?)
    } else {
        None
    };
    Ok(Delivered {
        path,
        sidecar,
        output_url: None,
        metrics: Metrics::default(),
        width: checked.width,
        height: checked.height,
    })
}

/// The file an image goes to and the format it is written in: a [`Destination::Dir`] takes
/// the format the server sent (`-` stands for standard output).
fn target(dest: &Destination, bytes: &[u8]) -> (PathBuf, ImageFormat) {
    match dest {
        Destination::File { path, format } => (path.clone(), *format),
        Destination::Stdout { format } => (PathBuf::from("-"), *format),
        Destination::Dir { dir, stem } => {
            let format = match image::guess_format(bytes) {
                Ok(image::ImageFormat::Png) => ImageFormat::Png,
                _ => ImageFormat::Jpg,
            };
            (dir.join(format!("{stem}.{}", format.ext())), format)
        }
    }
}

/// The image with the generation record embedded. A paid image is never lost over its
/// metadata: when the record cannot be embedded, the image goes without it (with a warning).
fn with_record(
    ctx: &Context,
    bytes: Vec<u8>,
    format: ImageFormat,
    record: &GenerationRecord,
) -> Vec<u8> {
    metadata::embed(&bytes, format, record).unwrap_or_else(|e| {
        ctx.printer.info(&format!(
            "warning: cannot embed the generation record ({e}); the image is written without it"
        ));
        bytes
    })
}

/// Writes the record beside the image as `{file name}.json`; returns its path.
fn write_sidecar(path: &Path, record: &GenerationRecord, force: bool) -> Result<PathBuf> {
    let json_path = output::sidecar_path(path);
    let json = record.to_json_pretty() + "\n";
    output::write_atomic(&json_path, json.as_bytes(), force).map_err(|e| {
        Error::io(
            format!(
                "wrote {}, but cannot write its record {}",
                path.display(),
                json_path.display()
            ),
            e,
        )
    })?;
    Ok(json_path)
}

/// Prints the result of a delivery: the path, or one JSON object.
pub fn report_delivered(
    ctx: &Context,
    id: &str,
    d: &Delivered,
    rec: Option<&JobRecord>,
    elapsed: Option<f64>,
) {
    let p = &ctx.printer;
    p.info(&done_line(&d.metrics, elapsed));
    if d.path.as_os_str() == "-" {
        // `-o -`: stdout carries the image and nothing else.
        p.info("wrote the image to standard output");
        return;
    }
    if p.is_json() {
        p.json_line(&delivered_report(id, d, rec));
    } else {
        p.result_path(&d.path);
    }
}

/// With `--json` the path goes into a JSON string, which cannot carry a name that is not
/// UTF-8: such a path is refused before anything is paid for (without `--json` it is printed
/// as its raw bytes).
pub fn check_path_representable(ctx: &Context, path: &Path) -> Result<()> {
    if ctx.printer.is_json() && path.to_str().is_none() {
        return Err(Error::invalid(
            "--output <PATH>",
            Some(&path.display().to_string()),
            "with --json the path must be UTF-8 (a JSON string cannot name this file exactly)",
        ));
    }
    Ok(())
}

/// The `--json` / manifest object of a delivered image.
pub fn delivered_report(id: &str, d: &Delivered, rec: Option<&JobRecord>) -> JobReport {
    let mut r = JobReport::new(Some(id), State::Completed);
    r.path = Some(d.path.display().to_string());
    r.output_url.clone_from(&d.output_url);
    r.width = Some(d.width);
    r.height = Some(d.height);
    r.sidecar = d.sidecar.as_ref().map(|p| p.display().to_string());
    r.record(rec).metrics(&d.metrics)
}

/// `COMPLETED in 14.2s, inference 13.1s, …`; the wall time only where this run saw the submit.
fn done_line(m: &Metrics, elapsed: Option<f64>) -> String {
    let mut line = State::Completed.to_string();
    if let Some(e) = elapsed {
        let _ = write!(line, " in {e:.1}s");
    }
    if let Some(t) = m.inference_time {
        let _ = write!(line, ", inference {t:.1}s");
    }
    let _ = write!(line, ", {}", super::cost::cost_text(m.cost));
    if let Some(r) = m.remaining_credits {
        let _ = write!(line, ", {} credits left", crate::domain::spend::usd(r));
    }
    line
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

//! Past the hour (cli.md, "Pipelines"): the API forgets a request an hour after its submit,
//! but the image outlives the record and Segmind's request history keeps every request. A
//! job this machine knows whose v2 record answers 404 and whose image URL was never saved is
//! recovered from its history record: COMPLETED → its `generation_url` is downloaded;
//! FAILED → exit 5 with its error; PENDING → waited on (within `--timeout`) through the
//! record; no record → exit 7.

use std::time::{Duration, Instant};

use crate::api::history::HistoryRecord;
use crate::api::{self, Metrics};
use crate::client::Client;
use crate::error::{Error, Result};

use super::Context;
use super::deliver::{self, Delivered, Destination, WriteOptions};

/// How often a PENDING history record is read again (the test poll override wins).
const RECORD_POLL: Duration = Duration::from_secs(5);

/// Delivers job `id` from its request-history record (see the module header).
pub async fn from_history(
    ctx: &Context,
    client: &Client,
    id: &str,
    deadline: Instant,
    dest: &Destination,
    opts: &WriteOptions,
) -> Result<Delivered> {
    let pause = ctx.settings.poll_override.unwrap_or(RECORD_POLL);
    loop {
        let Some(record) = client.history_record(id).await? else {
            return Err(Error::NotFound(format!(
                "request {id} has expired (results are kept for 1 hour after submission) and the request history has no record of it"
            )));
        };
        match record.status().as_str() {
            "COMPLETED" => return completed(ctx, client, id, &record, dest, opts).await,
            "FAILED" => return Err(failed(ctx, id, &record)),
            _ if Instant::now() + pause > deadline => {
                return Err(Error::Timeout(ctx.settings.timeout.as_secs()));
            }
            _ => tokio::time::sleep(pause).await,
        }
    }
}

/// A COMPLETED record: its image (`generation_url`) delivered, the journal told.
async fn completed(
    ctx: &Context,
    client: &Client,
    id: &str,
    record: &HistoryRecord,
    dest: &Destination,
    opts: &WriteOptions,
) -> Result<Delivered> {
    let image = record
        .generation_url
        .as_ref()
        .and_then(api::extract_image)
        .ok_or_else(|| {
            Error::Download(format!(
                "request {id} completed, but its request-history record names no image"
            ))
        })?;
    if let Some(h) = ctx.history() {
        let url = match &image {
            api::ImageRef::Url(u) => Some(u.clone()),
            api::ImageRef::Inline(_) => None,
        };
        let _ = h.update(id, |r| {
            "COMPLETED".clone_into(&mut r.state);
            r.output_url = url.or(r.output_url.take());
            r.cost = record.cost().or(r.cost);
        });
    }
    let metrics = Metrics {
        cost: record.cost(),
        ..Metrics::default()
    };
    deliver::deliver_image(ctx, client, id, image, metrics, dest, opts).await
}

/// A FAILED record: the exit-5 error with its text, recorded in the journal.
fn failed(ctx: &Context, id: &str, record: &HistoryRecord) -> Error {
    let text = record
        .error
        .as_ref()
        .map_or_else(|| "the server gave no reason".to_owned(), api::value_text);
    if let Some(h) = ctx.history() {
        let _ = h.update(id, |r| {
            "FAILED".clone_into(&mut r.state);
            r.error = Some(text.clone());
        });
    }
    Error::JobFailed(text)
}

/// Whether `e` is the 404 of an expired (or unknown) request.
pub fn is_expired(e: &Error) -> bool {
    matches!(e.inner(), Error::NotFound(_))
}

//! Past the hour (cli.md, "Pipelines"): the API forgets a request an hour after its submit,
//! but the image outlives the record and Segmind's request history keeps every request. A
//! job this machine knows whose v2 record answers 404 and whose image URL was never saved is
//! recovered from its history record: COMPLETED → its `generation_url` is downloaded;
//! FAILED → exit 5 with its error; PENDING → waited on (within `--timeout`) through the
//! record; no record → exit 7. A wait that ends because the record went is told apart from
//! any other end in one place, [`outlived`]; `fetch`, `generate` and batches deliver a waited
//! job through [`deliver_waited`], the one place that falls back to [`from_history`]; `status`
//! tells the record's state through [`record`] / [`settled`] and [`note`].

use std::time::{Duration, Instant};

use crate::client::Client;
use crate::error::{Error, Result};
use segflux_api::request_history::{HistoryRecord, RecordState};
use segflux_api::{self, Metrics};

use super::Context;
use super::deliver::{self, Delivered, Destination, WriteOptions};
use super::poll::Finished;

/// How often a PENDING history record is read again (the test poll override wins).
const RECORD_POLL: Duration = Duration::from_secs(5);

/// How a wait ended: `Some` with what it waited for, `None` when the job outlived the API's
/// hour meanwhile (its record answers 404: it existed, so the request history has it), or
/// any other error.
pub fn outlived<T>(waited: Result<T>) -> Result<Option<T>> {
    match waited {
        Ok(t) => Ok(Some(t)),
        Err(e) if is_expired(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Delivers a waited-for job: from its result when the wait ended with it COMPLETED, from
/// its request-history record (until `deadline`) when it outlived the hour meanwhile.
pub async fn deliver_waited(
    ctx: &Context,
    client: &Client,
    id: &str,
    waited: Result<Finished>,
    deadline: Instant,
    dest: &Destination,
    opts: &WriteOptions,
) -> Result<Delivered> {
    match outlived(waited)? {
        Some(f) => {
            let metrics = f.status.metrics.as_ref();
            deliver::deliver(ctx, client, id, metrics, f.finished_after, dest, opts).await
        }
        None => from_history(ctx, client, id, deadline, dest, opts).await,
    }
}

/// Delivers job `id` from its request-history record (see the module header).
pub async fn from_history(
    ctx: &Context,
    client: &Client,
    id: &str,
    deadline: Instant,
    dest: &Destination,
    opts: &WriteOptions,
) -> Result<Delivered> {
    let record = settled(ctx, client, id, deadline).await?;
    note(ctx, id, &record);
    if record.state() != RecordState::Completed {
        return Err(Error::JobFailed(failure_text(&record)));
    }
    let image = record
        .generation_url
        .as_ref()
        .and_then(segflux_api::extract_image)
        .ok_or_else(|| {
            Error::Download(format!(
                "request {id} completed, but its request-history record names no image"
            ))
        })?;
    let metrics = Metrics {
        cost: record.cost(),
        ..Metrics::default()
    };
    deliver::deliver_image(ctx, client, id, image, metrics, dest, opts).await
}

/// Job `id`'s request-history record once it is COMPLETED or FAILED: a PENDING one is read
/// again every [`RECORD_POLL`] until `deadline` (exit 6); no record is exit 7.
pub async fn settled(
    ctx: &Context,
    client: &Client,
    id: &str,
    deadline: Instant,
) -> Result<HistoryRecord> {
    let pause = ctx.settings.poll_override.unwrap_or(RECORD_POLL);
    loop {
        let record = record(client, id).await?;
        match record.state() {
            RecordState::Completed | RecordState::Failed => return Ok(record),
            _ if Instant::now() + pause > deadline => {
                return Err(Error::Timeout(ctx.settings.timeout.as_secs()));
            }
            RecordState::Pending => tokio::time::sleep(pause).await,
        }
    }
}

/// Job `id`'s request-history record as it is now; no record is exit 7.
pub async fn record(client: &Client, id: &str) -> Result<HistoryRecord> {
    client.history_record(id).await?.ok_or_else(|| {
        Error::NotFound(format!(
            "request {id} has expired (results are kept for 1 hour after submission) and the request history has no record of it"
        ))
    })
}

/// Tells the journal what a settled record says: COMPLETED with its image URL and cost, or
/// FAILED with its error. A PENDING record changes nothing.
pub fn note(ctx: &Context, id: &str, record: &HistoryRecord) {
    let Some(h) = ctx.journal() else {
        return;
    };
    match record.state() {
        RecordState::Completed => {
            let url = match record
                .generation_url
                .as_ref()
                .and_then(segflux_api::extract_image)
            {
                Some(segflux_api::ImageRef::Url(u)) => Some(u),
                _ => None,
            };
            let done = crate::journal::Completion {
                output_url: url,
                cost: record.cost(),
                ..Default::default()
            };
            ctx.journaled("the completion", id, h.completed(id, done));
        }
        RecordState::Failed => {
            let text = failure_text(record);
            ctx.journaled("the failure", id, h.failed(id, text));
        }
        RecordState::Pending => {}
    }
}

/// A FAILED record's error text.
pub fn failure_text(record: &HistoryRecord) -> String {
    record.error.as_ref().map_or_else(
        || "the server gave no reason".to_owned(),
        |v| crate::domain::redact::plain_text(&segflux_api::value_text(v)).into_owned(),
    )
}

/// Whether `e` is the 404 of an expired (or unknown) request.
pub fn is_expired(e: &Error) -> bool {
    matches!(e.inner(), Error::NotFound(_))
}

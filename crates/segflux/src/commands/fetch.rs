//! `segflux fetch ID`: download a finished job's image, named from the history when known.

use crate::cli::FetchArgs;
use crate::error::{Error, Result};
use crate::job::poll;
use crate::journal::JobRecord;
use crate::output::metadata::GenerationRecord;
use crate::output::{self, Target};
use segflux_api::{ImageRef, JobState, Metrics};

use crate::job::Context;
use crate::job::connect;
use crate::job::deliver::{self, Destination, WriteOptions};
use crate::job::waiting;

/// Runs `fetch`.
pub async fn run(ctx: &Context, args: FetchArgs) -> Result<()> {
    let id = args.id.as_str();
    let rec = known_job(ctx, id);
    let target = Target::from_arg(args.output.as_deref())?;
    let dest = destination(&target, rec.as_ref(), id);
    output::ensure_writable(&target.dir())?;
    if let Destination::File { path, .. } = &dest {
        deliver::check_path_representable(ctx, path)?;
        output::refuse_existing(path, args.force)?;
        if args.provenance.sidecar {
            output::refuse_existing(&output::sidecar_path(path), args.force)?;
        }
    }
    // What the history knows of the job; of a job submitted elsewhere, only its id.
    let record = rec.as_ref().map_or_else(
        || GenerationRecord::new(id),
        |r| GenerationRecord::from_body(id, Some(&r.model), &r.params),
    );
    let opts = WriteOptions::new(args.force, &args.provenance, record);
    let conn = connect(ctx).await?;
    let mut delivered = fetch(ctx, &conn.client, id, rec.as_ref(), &dest, &args, &opts)
        .await
        .map_err(|e| e.for_job(id))?;
    crate::job::cost::fill_from_record(ctx, &conn.client, id, &mut delivered.metrics).await;
    deliver::report_delivered(ctx, id, &delivered, rec.as_ref(), None);
    Ok(())
}

async fn fetch(
    ctx: &Context,
    client: &crate::client::Client,
    id: &str,
    rec: Option<&JobRecord>,
    dest: &Destination,
    args: &FetchArgs,
    opts: &WriteOptions,
) -> Result<deliver::Delivered> {
    let saved_url = rec.and_then(|r| r.output_url.clone());
    let deadline = ctx.settings.deadline();
    if rec.is_some_and(JobRecord::expired) && saved_url.is_none() {
        // Past the hour: the request history has it (or says it has not).
        return crate::job::recover::from_history(ctx, client, id, deadline, dest, opts).await;
    }
    let status = match client.status(id).await {
        Err(Error::NotFound(_)) => return gone(ctx, client, id, rec, dest, opts).await,
        other => other?,
    };
    let waited = match status.state() {
        JobState::Completed => Ok(poll::Finished {
            status,
            finished_after: None,
        }),
        JobState::Failed => return Err(Error::job_failed(poll::failure_text(&status))),
        JobState::Unknown(s) => return Err(Error::UnknownState(s)),
        state if !args.wait => {
            return Err(Error::Other(format!(
                "job {id} is {state}, not finished yet; wait for it with: segflux fetch {id} --wait"
            )));
        }
        state => {
            let model = rec.map(|r| r.model.as_str());
            let since = waiting::submitted_at(rec);
            waiting::wait_completed(ctx, client, id, model, since, &state).await
        }
    };
    crate::job::recover::deliver_waited(ctx, client, id, waited, deadline, dest, opts).await
}

/// The request record is gone (404), but the image file outlives it: delivered from the
/// saved URL, else through the request history; an id this machine never knew is exit 7.
async fn gone(
    ctx: &Context,
    client: &crate::client::Client,
    id: &str,
    rec: Option<&JobRecord>,
    dest: &Destination,
    opts: &WriteOptions,
) -> Result<deliver::Delivered> {
    match rec.and_then(|r| r.output_url.clone()) {
        Some(url) => {
            let image = ImageRef::Url(url);
            deliver::deliver_image(ctx, client, id, image, Metrics::default(), dest, opts).await
        }
        None if rec.is_some() => {
            let deadline = ctx.settings.deadline();
            crate::job::recover::from_history(ctx, client, id, deadline, dest, opts).await
        }
        None => Err(unknown(id)),
    }
}

/// A 404 for an id this machine never submitted: it may never have existed.
fn unknown(id: &str) -> Error {
    Error::NotFound(format!(
        "the API does not know request {id}: check the id (`segflux status` lists this machine's jobs); a job submitted elsewhere is kept for 1 hour"
    ))
}

/// The job's history entry, warning about a damaged one.
fn known_job(ctx: &Context, id: &str) -> Option<JobRecord> {
    match ctx.journal()?.get(id) {
        Ok(rec) => rec,
        Err(warning) => {
            ctx.printer.info(&format!("warning: {warning}"));
            None
        }
    }
}

/// A file target as given; a directory gets `{seed}-{hash}.{ext}` from the history, else
/// `{request_id}.{ext}` in the format the server sent.
fn destination(target: &Target, rec: Option<&JobRecord>, id: &str) -> Destination {
    match (target, rec) {
        (Target::File(path), _) => Destination::File {
            path: path.clone(),
            format: target
                .format()
                .unwrap_or(crate::domain::options::ImageFormat::Jpg),
        },
        (Target::Dir(dir), Some(r)) => Destination::File {
            path: dir.join(r.file_name()),
            format: crate::domain::options::ImageFormat::from_ext(&r.format)
                .unwrap_or(crate::domain::options::ImageFormat::Jpg),
        },
        (Target::Dir(dir), None) => Destination::Dir {
            dir: dir.clone(),
            stem: id.to_owned(),
        },
    }
}

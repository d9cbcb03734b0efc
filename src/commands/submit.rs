//! `segflux submit`: validate like `generate`, submit, record, print the request id, return.

use serde_json::json;

use crate::cli::SubmitArgs;
use crate::error::Result;

use super::generate::{build_request, default_format, dry_run, read_prompt};
use super::{Context, connect, job};

/// Runs `submit`.
pub async fn run(ctx: &Context, args: SubmitArgs) -> Result<()> {
    let prompt = read_prompt(&args.prompt)?;
    let format = args.gen_opts.format.unwrap_or_else(|| default_format(ctx));
    let req = build_request(ctx, prompt, &args.gen_opts, format);
    if args.gen_opts.dry_run {
        dry_run(ctx, &req, super::cost::estimate_of(&req));
        super::cost::show_estimate(ctx, &super::cost::total([&req]));
        return Ok(());
    }
    let conn = connect(ctx).await?;
    let sub = job::submit_and_record(ctx, &conn.client, &req).await?;
    let id = &sub.request_id;
    job::announce(ctx, &req, id);
    if ctx.printer.is_json() {
        let r = &sub.response;
        ctx.printer.json_line(&json!({
            "request_id": id,
            "status": if r.status.is_empty() { "QUEUED" } else { &r.status },
            "status_url": r.status_url.clone().unwrap_or_else(|| conn.client.url(&crate::api::status_path(id))),
            "response_url": r.response_url.clone().unwrap_or_else(|| conn.client.url(&crate::api::result_path(id))),
            "seed": req.seed,
            "prompt_hash": req.prompt_hash(),
            "model": req.model,
        }));
    } else {
        ctx.printer.result(id);
    }
    Ok(())
}

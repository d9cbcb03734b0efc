//! `segflux submit`: validate like `generate`, submit, record, print the request id, return.

use crate::cli::SubmitArgs;
use crate::domain::state::State;
use crate::error::Result;
use crate::output::job_json::JobReport;

use super::generate::{build_request, default_format, dry_run, local_image_prompt, read_prompt};
use crate::job::Context;
use crate::job::connect;
use crate::job::submit;

/// Runs `submit`.
pub async fn run(ctx: &Context, args: SubmitArgs) -> Result<()> {
    let prompt = read_prompt(&args.prompt)?;
    let format = args.gen_opts.format.unwrap_or_else(|| default_format(ctx));
    let mut req = build_request(ctx, prompt, &args.gen_opts, format);
    req.image_prompt = local_image_prompt(req.image_prompt.take())?;
    if args.gen_opts.dry_run {
        dry_run(ctx, &req, crate::job::cost::estimate_of(ctx, &req));
        crate::job::cost::show_estimate(ctx, &crate::job::cost::total(ctx, [&req]));
        return Ok(());
    }
    let conn = connect(ctx).await?;
    let sub = submit::submit_and_record(ctx, &conn.client, &req).await?;
    let id = &sub.request_id;
    submit::announce(ctx, &req, id);
    if ctx.printer.is_json() {
        let r = &sub.response;
        let status = if r.status.is_empty() {
            State::Queued
        } else {
            State::parse(&r.status)
        };
        let mut report = JobReport::new(Some(id), status).request(&req);
        report.status_url = Some(
            r.status_url
                .clone()
                .unwrap_or_else(|| conn.client.url(&segflux_api::status_path(id))),
        );
        report.response_url = Some(
            r.response_url
                .clone()
                .unwrap_or_else(|| conn.client.url(&segflux_api::result_path(id))),
        );
        ctx.printer.json_line(&report);
    } else {
        ctx.printer.result(id);
    }
    Ok(())
}

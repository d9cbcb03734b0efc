//! `segflux generate`: validate, submit, wait with a spinner, download, write, print the path.
//!
//! Everything that can be checked is checked before the submit (usage → exit 2, key → exit 3,
//! output directory and existing file → exit 1), because after it the job is paid for. Every
//! error after the submit carries the request id.

use std::io::Read as _;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;

use crate::cli::{GenOptions, GenerateArgs, ImageFormat};
use crate::client::Client;
use crate::domain::request::{GenerationRequest, random_seed};
use crate::error::{Error, Result};
use crate::journal::Adopt;
use crate::output::metadata::GenerationRecord;
use crate::output::{self, Target};

use crate::job::Context;
use crate::job::connect;
use crate::job::cost;
use crate::job::deliver::{self, Destination, WriteOptions};
use crate::job::recover;
use crate::job::submit::{self, Begun};
use crate::job::waiting;

/// A validated generate: the request and where its image goes.
#[derive(Debug)]
struct Plan {
    request: GenerationRequest,
    target: Target,
    path: PathBuf,
    force: bool,
    no_metadata: bool,
    sidecar: bool,
    /// `-o -`: the image goes to stdout, no file is written.
    to_stdout: bool,
    /// `--preview` / `--no-preview`.
    preview: Option<bool>,
    /// `--open`.
    open: bool,
}

/// Runs `generate` for one prompt (`commands::run` sends batch options to `batch`);
/// `to_stdout` is `-o -`, already checked.
pub async fn run(ctx: &Context, args: GenerateArgs, to_stdout: bool) -> Result<()> {
    // `-` (stdin) and a local `--image-prompt` may block (a FIFO): off the runtime's thread.
    let worker = ctx.clone();
    let (plan, args) = crate::job::detached::run("the prompt", move || {
        let prompt = read_prompt(args.prompt.as_deref().unwrap_or("-"))?;
        Ok((plan(&worker, prompt, &args, to_stdout)?, args))
    })
    .await?;
    let cap = cost::cap(ctx, &args);
    if args.gen_opts.dry_run {
        dry_run(ctx, &plan.request, cost::estimate_of(ctx, &plan.request));
        let total = cost::total(ctx, [&plan.request]);
        cost::show_estimate(ctx, &total);
        return cost::refuse_over_cap(cap, &total);
    }
    if cap.is_some() {
        cost::refuse_over_cap(cap, &cost::total(ctx, [&plan.request]))?;
    }
    let conn = connect(ctx).await?;
    if !plan.to_stdout {
        check_file_target(&plan)?;
    }
    if plan.sidecar {
        output::refuse_existing(&output::sidecar_path(&plan.path), plan.force)?;
    }
    let submitted_at = Instant::now();
    // Write-ahead (see `intent`): the same job being submitted or run right now by another
    // segflux process is waited for and adopted, not paid twice.
    let deadline = ctx.settings.deadline();
    let (id, submitted_at) = match submit::begin(
        ctx,
        &conn.client,
        &plan.request,
        Adopt::Unfinished,
        deadline,
        None,
    )
    .await?
    {
        Begun::New(sub) => {
            submit::announce(ctx, &plan.request, &sub.request_id);
            (sub.request_id, submitted_at)
        }
        Begun::Adopted(rec) => {
            ctx.printer.info(&format!(
                "adopted {} (submitted {}s ago by another segflux run): not paying twice",
                rec.request_id,
                rec.age().as_secs()
            ));
            let since = waiting::submitted_at(Some(&rec));
            (rec.request_id, since)
        }
    };
    finish(ctx, &conn.client, &plan, &id, submitted_at)
        .await
        .map_err(|e| e.for_job(&id))
}

/// The largest prompt read from stdin, in bytes.
pub const MAX_PROMPT_BYTES: u64 = 1024 * 1024;

/// The prompt, read from stdin for `-` (one trailing newline dropped, at most
/// [`MAX_PROMPT_BYTES`]); empty, or holding a character the generation record cannot carry
/// exactly, is a usage error.
pub fn read_prompt(arg: &str) -> Result<String> {
    let mut prompt = arg.to_owned();
    if prompt == "-" {
        prompt.clear();
        std::io::stdin()
            .take(MAX_PROMPT_BYTES + 1)
            .read_to_string(&mut prompt)
            .map_err(|e| Error::Usage(format!("cannot read the prompt from stdin: {e}")))?;
        if prompt.len() as u64 > MAX_PROMPT_BYTES {
            return Err(Error::invalid(
                "<PROMPT>",
                None,
                format!("the prompt on stdin is longer than {MAX_PROMPT_BYTES} bytes"),
            ));
        }
        if prompt.ends_with('\n') {
            prompt.pop();
            if prompt.ends_with('\r') {
                prompt.pop();
            }
        }
    }
    if prompt.trim().is_empty() {
        return Err(Error::Usage(
            "invalid value for '<PROMPT>': the prompt is empty".into(),
        ));
    }
    crate::output::metadata::representable(&prompt)
        .map_err(|why| Error::invalid("<PROMPT>", None, why.clone()))?;
    Ok(prompt)
}

/// Before the submit: the image's file can be written, and is not there unless `--force`.
fn check_file_target(plan: &Plan) -> Result<()> {
    output::ensure_writable(&plan.target.dir())?;
    let sidecar = plan.sidecar.then(|| output::sidecar_path(&plan.path));
    for path in std::iter::once(&plan.path).chain(sidecar.as_ref()) {
        output::check_target(path).map_err(|why| Error::Other(format!("cannot write {why}")))?;
    }
    output::refuse_existing(&plan.path, plan.force)
}

fn plan(ctx: &Context, prompt: String, args: &GenerateArgs, to_stdout: bool) -> Result<Plan> {
    let output = args.output.as_ref().or(ctx.settings.config.output.as_ref());
    let output = output.filter(|_| !to_stdout);
    let target = Target::from_arg(output.map(PathBuf::as_path))?;
    let format = match (args.gen_opts.format, target.format()) {
        (Some(f), Some(t)) if f != t => {
            return Err(Error::invalid(
                "--format <FORMAT>",
                Some(f.ext()),
                format!(
                    "the output file ends in .{} (use the same format, or another file name)",
                    t.ext()
                ),
            ));
        }
        (Some(f), _) | (None, Some(f)) => f,
        (None, None) => default_format(ctx),
    };
    let mut request = build_request(ctx, prompt, &args.gen_opts, format);
    request.image_prompt = local_image_prompt(request.image_prompt.take())?;
    let path = target.path(&request.file_name());
    crate::job::deliver::check_path_representable(ctx, &path)?;
    Ok(Plan {
        request,
        target,
        path,
        force: args.force,
        no_metadata: args.provenance.no_metadata,
        sidecar: args.provenance.sidecar,
        to_stdout,
        preview: crate::job::view::preview_flag(args),
        open: args.view.open,
    })
}

/// The request the generation options describe: each option from its flag, else the config
/// file, else the built-in default (the seed: random).
pub fn build_request(
    ctx: &Context,
    prompt: String,
    opts: &GenOptions,
    format: ImageFormat,
) -> GenerationRequest {
    let cfg = &ctx.settings.config;
    GenerationRequest {
        model: opts
            .model
            .clone()
            .or_else(|| cfg.model.clone())
            .unwrap_or_else(|| segflux_api::DEFAULT_MODEL.to_owned()),
        prompt,
        aspect_ratio: opts
            .aspect_ratio
            .or(cfg.aspect_ratio)
            .map_or_else(|| "1:1".to_owned(), |r| r.as_str().to_owned()),
        seed: default_seed(ctx, opts).unwrap_or_else(random_seed),
        raw: opts.raw || cfg.raw.unwrap_or(false),
        safety_tolerance: opts.safety_tolerance.or(cfg.safety_tolerance).unwrap_or(2),
        image_prompt: opts
            .image_prompt
            .clone()
            .or_else(|| cfg.image_prompt.clone()),
        format,
        extra: opts.params.clone(),
    }
}

/// The `--image-prompt` value a request carries: a URL as it is, a local file checked and
/// named by its content (`sha256:<hex>`); a file that cannot be used is a usage error.
pub fn local_image_prompt(value: Option<String>) -> Result<Option<String>> {
    crate::output::local_image::resolve(value)
        .map_err(|why| Error::invalid("--image-prompt <URL|PATH>", None, why.clone()))
}

/// `--seed`, else the config file's seed.
pub fn default_seed(ctx: &Context, opts: &GenOptions) -> Option<u64> {
    opts.seed.or(ctx.settings.config.seed)
}

/// The config file's format, else jpg.
pub fn default_format(ctx: &Context) -> ImageFormat {
    ctx.settings.config.format.unwrap_or(ImageFormat::Jpg)
}

/// Prints the exact request `--dry-run` would have sent (with `--json`, and the estimate of
/// its cost).
pub fn dry_run(
    ctx: &Context,
    req: &GenerationRequest,
    estimate: Option<crate::domain::spend::Estimate>,
) {
    let base = if ctx.settings.emulator {
        "http://127.0.0.1:PORT (the built-in emulator)"
    } else {
        &ctx.settings.base_url
    };
    let url = format!("{base}{}", segflux_api::submit_path(&req.model));
    let p = &ctx.printer;
    if p.is_json() {
        p.json_line(&json!({
            "method": "POST",
            "url": url,
            "headers": {segflux_api::API_KEY_HEADER: "(redacted)", "content-type": "application/json"},
            "body": req.body(),
            "upload": crate::job::upload::dry_run_note(ctx, req.image_prompt.as_deref()),
            "seed": req.seed,
            "prompt_hash": req.prompt_hash(),
            "file_name": req.file_name(),
            "estimated_cost": estimate.map(|e| e.usd),
            "estimate_source": estimate.map(|e| e.source.as_str()),
        }));
    } else {
        if let Some(up) = crate::job::upload::dry_run_note(ctx, req.image_prompt.as_deref()) {
            p.result(&crate::job::upload::dry_run_text(&up));
        }
        p.result(&format!("POST {url}"));
        p.result(&format!("{}: (redacted)", segflux_api::API_KEY_HEADER));
        p.result("content-type: application/json");
        p.result("");
        p.result(&serde_json::to_string_pretty(&req.body()).unwrap_or_default());
    }
}

/// After the submit: wait, deliver, report.
async fn finish(
    ctx: &Context,
    client: &Client,
    plan: &Plan,
    id: &str,
    submitted_at: Instant,
) -> Result<()> {
    let format = plan.request.format;
    let dest = if plan.to_stdout {
        Destination::Stdout { format }
    } else {
        Destination::File {
            path: plan.path.clone(),
            format,
        }
    };
    let req = &plan.request;
    let opts = WriteOptions {
        force: plan.force,
        embed: !plan.no_metadata,
        sidecar: plan.sidecar,
        record: GenerationRecord::from_body(id, Some(&req.model), &req.body()),
    };
    let model = Some(req.model.as_str());
    let waited = waiting::wait_completed(
        ctx,
        client,
        id,
        model,
        submitted_at,
        &segflux_api::JobState::Queued,
    )
    .await;
    let deadline = ctx.settings.deadline();
    let mut delivered =
        recover::deliver_waited(ctx, client, id, waited, deadline, &dest, &opts).await?;
    cost::fill_from_record(ctx, client, id, &mut delivered.metrics).await;
    let rec = ctx.journal().and_then(|h| h.get(id).ok().flatten());
    deliver::report_delivered(
        ctx,
        id,
        &delivered,
        rec.as_ref(),
        Some(submitted_at.elapsed().as_secs_f64()),
    );
    if !plan.to_stdout {
        crate::job::view::after_write(ctx, &delivered.path, plan.preview, plan.open);
    }
    Ok(())
}

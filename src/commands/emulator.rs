//! `segflux emulator`: the v2 API emulator on loopback, until Ctrl-C.

use std::collections::HashSet;
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::cli::EmulatorArgs;
use crate::emulator::{Emulator, EmulatorConfig};
use crate::error::{Error, Result};

use super::Context;

/// Starts the emulator on the requested ports and serves until interrupted.
pub async fn run(ctx: &Context, args: &EmulatorArgs) -> Result<()> {
    let secs = |name: &str, v: f64| {
        Duration::try_from_secs_f64(v).map_err(|_| {
            Error::Usage(format!(
                "invalid value '{v}' for '--{name} <SECS>': expected a non-negative number of seconds"
            ))
        })
    };
    let config = EmulatorConfig {
        queued: secs("queued-secs", args.queued_secs)?,
        processing: secs("processing-secs", args.processing_secs)?,
        processing_spread: secs("processing-spread", args.processing_spread)?,
        capacity: args.capacity,
        required_key: args.require_key.clone(),
        rate_limit_per_minute: args.rate_limit,
        image_long_side: args.image_size,
        ..EmulatorConfig::default()
    };
    let addr = |port| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let emu = Emulator::start_on(config, addr(args.port), addr(args.cdn_port))
        .await
        .map_err(|e| Error::Other(format!("cannot start the emulator: {e}")))?;
    let p = &ctx.printer;
    p.result(&emu.base_url());
    p.info(&format!(
        "segflux emulator: API on {}, images on {}\n\
         try: SEGFLUX_BASE_URL={} SEGMIND_API_KEY=any segflux generate \"a lighthouse at dusk\"\n\
         prompt triggers: '#fail' ends FAILED (422), '#never' never finishes. Ctrl-C stops.",
        emu.base_url(),
        emu.cdn_url(),
        emu.base_url()
    ));
    let stop = tokio::signal::ctrl_c();
    match &args.job_log {
        Some(path) => {
            tokio::select! {
                r = log_jobs(&emu, path) => r?,
                _ = stop => {}
            }
        }
        None => {
            stop.await
                .map_err(|e| Error::Other(format!("cannot wait for Ctrl-C: {e}")))?;
        }
    }
    p.info("emulator stopped");
    Ok(())
}

/// Appends a JSON line for each job as it reaches COMPLETED or FAILED, with the exact instants
/// of the emulator's timeline (Unix seconds), for benchmarks that measure client latency.
async fn log_jobs(emu: &Emulator, path: &Path) -> Result<()> {
    let open_err =
        |e: std::io::Error| Error::Other(format!("cannot write {}: {e}", path.display()));
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(open_err)?;
    let unix = |t: SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    };
    let mut logged = HashSet::new();
    loop {
        for job in emu.jobs() {
            let Some(done) = job.completed_at else {
                continue;
            };
            if !logged.insert(job.request_id.clone()) {
                continue;
            }
            let line = json!({
                "request_id": job.request_id,
                "state": job.state.as_str(),
                "submitted_at": unix(job.submitted_at),
                "started_at": job.started_at.map(unix),
                "completed_at": unix(done),
            });
            writeln!(file, "{line}").map_err(open_err)?;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

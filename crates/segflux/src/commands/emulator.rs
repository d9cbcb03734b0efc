//! `segflux emulator`: the v2 API emulator on loopback, until Ctrl-C.

use std::collections::HashSet;
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::cli::EmulatorArgs;
use crate::error::{Error, Result};
use segflux_emulator::{Emulator, EmulatorConfig, JobInfo};

use crate::job::Context;

/// Starts the emulator on the requested ports and serves until interrupted.
pub async fn run(ctx: &Context, args: &EmulatorArgs) -> Result<()> {
    let secs = |name: &str, v: f64| {
        Duration::try_from_secs_f64(v).map_err(|_| {
            Error::invalid(
                &format!("--{name} <SECS>"),
                Some(&v.to_string()),
                "expected a non-negative number of seconds",
            )
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
        credits: args.credits,
        price: args.price,
        metrics_cost: !args.no_metrics_cost,
        history_page_size: args
            .history_page_size
            .unwrap_or(EmulatorConfig::default().history_page_size),
        ..EmulatorConfig::default()
    };
    let addr = |port| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let emu = Emulator::start_on(config, addr(args.port), addr(args.cdn_port))
        .await
        .map_err(|e| Error::io("cannot start the emulator", e))?;
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
    match &args.job_log {
        Some(path) => log_jobs(&emu, path, tokio::signal::ctrl_c()).await?,
        None => tokio::signal::ctrl_c().await.map_err(ctrl_c_error)?,
    }
    p.info("emulator stopped");
    Ok(())
}

/// How long after a job finished its log line waits, so that the counts in it include the
/// client's last status poll and its result fetch (a client sees COMPLETED at its next poll,
/// at most a poll interval later, then fetches the result at once).
const LOG_GRACE: Duration = Duration::from_secs(5);

fn ctrl_c_error(e: std::io::Error) -> Error {
    Error::io("cannot wait for Ctrl-C", e)
}

/// Appends a JSON line for each job that reached COMPLETED or FAILED, with the exact instants
/// of the emulator's timeline (Unix seconds) and the requests it received, for benchmarks
/// that measure client latency and polling cost. A job's line is written [`LOG_GRACE`] after
/// it finished; when `stop` fires (Ctrl-C), every finished job not yet written is written with
/// its counts as they are then, and the function returns.
async fn log_jobs(
    emu: &Emulator,
    path: &Path,
    stop: impl Future<Output = std::io::Result<()>>,
) -> Result<()> {
    let open_err = |e: std::io::Error| Error::io(format!("cannot write {}", path.display()), e);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(open_err)?;
    let mut stop = std::pin::pin!(stop);
    let mut logged = HashSet::new();
    loop {
        let stopping = tokio::select! {
            r = &mut stop => {
                r.map_err(ctrl_c_error)?;
                true
            }
            () = tokio::time::sleep(Duration::from_millis(50)) => false,
        };
        let now = SystemTime::now();
        for job in emu.jobs() {
            let Some(done) = job.completed_at else {
                continue;
            };
            let settled = now.duration_since(done).is_ok_and(|d| d >= LOG_GRACE);
            if (stopping || settled) && logged.insert(job.request_id.clone()) {
                writeln!(file, "{}", log_line(&job)).map_err(open_err)?;
            }
        }
        if stopping {
            return Ok(());
        }
    }
}

/// One job's line in the job log.
fn log_line(job: &JobInfo) -> serde_json::Value {
    let unix = |t: SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    };
    json!({
        "request_id": job.request_id,
        "state": job.state.as_str(),
        "submitted_at": unix(job.submitted_at),
        "started_at": job.started_at.map(unix),
        "completed_at": job.completed_at.map(unix),
        "status_polls": job.status_polls,
        "result_fetches": job.result_fetches,
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use serde_json::json;

    use segflux_api::JobState;
    use segflux_emulator::JobInfo;

    #[test]
    fn a_log_line_carries_the_instants_and_the_request_counts() {
        let at = |secs: u64| UNIX_EPOCH + Duration::from_millis(secs);
        let job = JobInfo {
            request_id: "abc".into(),
            model: "flux-dev".into(),
            params: json!({"prompt": "p"}),
            submitted_at: at(1_000),
            started_at: Some(at(1_500)),
            completed_at: Some(at(4_250)),
            state: JobState::Completed,
            expired: false,
            status_polls: 7,
            result_fetches: 1,
        };
        assert_eq!(
            super::log_line(&job),
            json!({
                "request_id": "abc", "state": "COMPLETED", "submitted_at": 1.0,
                "started_at": 1.5, "completed_at": 4.25, "status_polls": 7, "result_fetches": 1,
            })
        );
    }
}

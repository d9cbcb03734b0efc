//! `segflux emulator`: the v2 API emulator on loopback, until Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

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
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Error::Other(format!("cannot wait for Ctrl-C: {e}")))?;
    p.info("emulator stopped");
    Ok(())
}

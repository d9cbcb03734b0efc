//! A connection to the API: the built-in emulator started when `--emulator` is on, then the
//! client, with the key checked before anything starts.

use std::sync::Arc;

use crate::client::{ApiKey, Client};
use crate::error::{Error, Result};

use super::Context;
use segflux_emulator::{Emulator, EmulatorConfig};

/// A connection to the API: the client, and the in-process emulator it talks to, if any
/// (which must live as long as the client is used).
pub struct Connection {
    /// The HTTP layer.
    pub client: Client,
    _emulator: Option<Emulator>,
}

/// Starts the built-in emulator when `--emulator` is on, then builds the client.
pub async fn connect(ctx: &Context) -> Result<Connection> {
    connect_with(ctx, ctx.printer.clone(), ctx.settings.deadline()).await
}

/// [`connect`] with another reporter for the HTTP layer and another overall deadline.
pub async fn connect_with(
    ctx: &Context,
    reporter: Arc<dyn crate::domain::progress::Reporter>,
    deadline: std::time::Instant,
) -> Result<Connection> {
    // A key that cannot be sent stops the run before anything starts.
    let given = ctx.settings.key()?;
    let (emulator, base_url, key) = if ctx.settings.emulator {
        let config = EmulatorConfig {
            image_long_side: crate::settings::Settings::emulator_image_size()?,
            ..EmulatorConfig::default()
        };
        let emu = Emulator::start(config)
            .await
            .map_err(|e| Error::io("cannot start the built-in emulator", e))?;
        let base = emu.base_url();
        let key = given.or_else(|| ApiKey::new("emulator"));
        (Some(emu), base, key)
    } else {
        (None, ctx.settings.base_url.clone(), given)
    };
    let key = match key {
        Some(k) => k,
        None => ctx.settings.require_key()?,
    };
    let userinfo = (!ctx.settings.emulator)
        .then(|| ctx.settings.base_userinfo.clone())
        .flatten();
    let client = Client::new(&base_url, key, ctx.settings.backoff, deadline, reporter)?
        .with_userinfo(userinfo);
    Ok(Connection {
        client,
        _emulator: emulator,
    })
}

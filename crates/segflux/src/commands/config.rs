//! `segflux config set|get|list|path`: the config file, with the key always redacted.

use std::io::Read as _;

use crate::cli::ConfigCmd;
use crate::error::{Error, Result};
use crate::settings::config_file::{self, ConfigFile};

use crate::job::Context;

/// Runs a `config` subcommand.
pub fn run(ctx: &Context, cmd: &ConfigCmd) -> Result<()> {
    let path = crate::settings::Settings::config_path().ok_or_else(|| {
        Error::Other("this platform has no config directory; set SEGFLUX_CONFIG_DIR".into())
    })?;
    let p = &ctx.printer;
    match cmd {
        ConfigCmd::Path => p.result(&path.display().to_string()),
        ConfigCmd::Get { key } => {
            known(key)?;
            match ConfigFile::open(&path)?.get(key) {
                Some(v) => p.result(&shown(key, &v)),
                None => {
                    return Err(Error::Other(format!(
                        "{key} is not set in {}",
                        path.display()
                    )));
                }
            }
        }
        ConfigCmd::List => {
            for (key, v) in ConfigFile::open(&path)?.entries() {
                p.result(&format!("{key} = {}", shown(&key, &v)));
            }
        }
        ConfigCmd::Set { key, value } => {
            known(key)?;
            let value = if value == "-" {
                read_stdin()?
            } else {
                value.clone()
            };
            let mut file = ConfigFile::open(&path)?;
            file.set(key, &value)
                .map_err(|e| Error::Usage(format!("invalid value for config key {key}: {e}")))?;
            file.save()
                .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
            p.info(&format!(
                "{key} = {} (in {})",
                shown(key, &value),
                path.display()
            ));
        }
    }
    Ok(())
}

fn known(key: &str) -> Result<()> {
    if config_file::keys().contains(&key) {
        return Ok(());
    }
    Err(Error::invalid(
        "<KEY>",
        Some(key),
        format!("expected one of {}", config_file::keys().join(", ")),
    ))
}

/// A value as printed: the API key redacted.
fn shown(key: &str, value: &str) -> String {
    if key == "api_key" {
        "(redacted)".to_owned()
    } else if key == "base_url" {
        // Its `user:password@` is a secret like the key.
        match crate::domain::redact::split_userinfo(value) {
            (url, Some(_)) => url.replacen("://", "://[redacted]@", 1),
            (url, None) => url,
        }
    } else {
        value.to_owned()
    }
}

/// The value from stdin, one trailing newline dropped (so the key never sits in shell history).
fn read_stdin() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| Error::Usage(format!("cannot read the value from stdin: {e}")))?;
    Ok(s.trim_end_matches(['\n', '\r']).to_owned())
}

//! Global options resolved once into immutable [`Settings`]: flag > environment > built-in.
//!
//! Every environment variable segflux reads is named here, the test-only ones included.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::cli::GlobalArgs;
use crate::client::retry::Backoff;
use crate::client::{ApiKey, GivenKey};
use crate::error::{Error, Result};
use crate::settings::config_file::Config;

/// Environment variables.
pub mod config_file;

pub mod env {
    /// The API key (the `--api-key` flag beats it).
    pub const API_KEY: &str = "SEGMIND_API_KEY";
    /// The API base URL (the `--base-url` flag beats it).
    pub const BASE_URL: &str = "SEGFLUX_BASE_URL";
    /// Overrides the config directory.
    pub const CONFIG_DIR: &str = "SEGFLUX_CONFIG_DIR";
    /// Overrides the data directory (job history).
    pub const DATA_DIR: &str = "SEGFLUX_DATA_DIR";
    /// The built-in emulator's image size (`real`, `small` or pixels; `--emulator` and
    /// `segflux emulator`); tests set `small`.
    pub const EMULATOR_IMAGE_SIZE: &str = "SEGFLUX_EMULATOR_IMAGE_SIZE";
    /// Test-only: poll every this many milliseconds instead of the adaptive schedule.
    pub const TEST_POLL_MS: &str = "SEGFLUX_TEST_POLL_MS";
    /// Test-only: `1` makes every retry delay zero (the server's Retry-After included).
    pub const TEST_NO_RETRY_DELAY: &str = "SEGFLUX_TEST_NO_RETRY_DELAY";
    /// Test-only: how young (ms) a request not in the history stays uncertain (default 60 s).
    pub const TEST_HISTORY_SETTLE_MS: &str = "SEGFLUX_TEST_HISTORY_SETTLE_MS";
    /// Test-only: the wait (ms) before a recent request is looked for again (default 2 s).
    pub const TEST_HISTORY_RECHECK_MS: &str = "SEGFLUX_TEST_HISTORY_RECHECK_MS";
}

pub use segflux_api::DEFAULT_BASE_URL;

/// The resolved global settings of one run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The API key, if any was given; or why the one given by `--api-key` or
    /// `SEGMIND_API_KEY` cannot be sent (see [`Settings::key`]).
    key: std::result::Result<Option<ApiKey>, String>,
    /// API base URL, without a trailing slash and without userinfo (safe to show).
    pub base_url: String,
    /// The base URL's `user:password@`, sent only as basic auth to the API origin.
    pub base_userinfo: Option<crate::domain::redact::Userinfo>,
    /// Run against the in-process emulator.
    pub emulator: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// When this run started (the deadline counts from here).
    pub started: Instant,
    /// Retry delays.
    pub backoff: Backoff,
    /// Test-only fixed poll interval.
    pub poll_override: Option<Duration>,
    /// The config file's contents (empty when it is absent or not read).
    pub config: Config,
}

impl Settings {
    /// Resolves the global flags, the environment and the config file (flag and environment
    /// are clap's, so they come first).
    pub fn resolve(args: &GlobalArgs, config: Config) -> Result<Self> {
        let base_url = args
            .base_url
            .clone()
            .or_else(|| config.base_url.clone())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let (base_url, base_userinfo) = crate::domain::redact::split_userinfo(&base_url);
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| {
            Error::invalid(
                "--base-url <URL>",
                Some(&base_url.clone()),
                format!("{e} (expected http:// or https://)"),
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::invalid(
                "--base-url <URL>",
                Some(&base_url.clone()),
                "expected an http:// or https:// URL",
            ));
        }
        let backoff = Backoff {
            no_delay: std::env::var(env::TEST_NO_RETRY_DELAY).is_ok_and(|v| v == "1"),
            ..Backoff::default()
        };
        let poll_override = std::env::var(env::TEST_POLL_MS)
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis);
        Ok(Self {
            key: match &args.api_key {
                Some(GivenKey::Usable(key)) => Ok(Some(key.clone())),
                Some(GivenKey::Unusable(why)) => Err(why.clone()),
                Some(GivenKey::Blank) | None => Ok(config.api_key.clone()),
            },
            base_url: base_url.trim_end_matches('/').to_owned(),
            base_userinfo,
            emulator: args.emulator,
            timeout: Duration::from_secs(args.timeout),
            started: Instant::now(),
            backoff,
            poll_override,
            config,
        })
    }

    /// The image size of the `--emulator` emulator: `SEGFLUX_EMULATOR_IMAGE_SIZE`, else real.
    pub fn emulator_image_size() -> Result<u32> {
        match std::env::var(env::EMULATOR_IMAGE_SIZE) {
            Ok(v) => crate::domain::options::parse_image_size(&v)
                .map_err(|e| Error::invalid(env::EMULATOR_IMAGE_SIZE, Some(&v), e)),
            Err(_) => Ok(segflux_emulator::REAL_SIZE),
        }
    }

    /// When waiting gives up.
    pub fn deadline(&self) -> Instant {
        self.started + self.timeout
    }

    /// The key, if any: flag beats environment beats config file. A flag or variable that
    /// holds a key that cannot be sent is the exit-2 usage error naming them, raised here
    /// rather than when the command line is read, so it stops only the commands that send
    /// the key.
    pub fn key(&self) -> Result<Option<ApiKey>> {
        self.key.clone().map_err(|why| {
            Error::Usage(format!(
                "invalid value '(redacted)' for '--api-key <KEY>' (or {}): {why}",
                env::API_KEY
            ))
        })
    }

    /// The key, or the exit-3 error that says how to set one.
    pub fn require_key(&self) -> Result<ApiKey> {
        self.key()?.ok_or(Error::MissingKey)
    }

    /// The data directory (job history): `SEGFLUX_DATA_DIR`, else the platform's.
    pub fn data_dir() -> Option<PathBuf> {
        dir_from_env(env::DATA_DIR).or_else(|| project_dirs().map(|d| d.data_dir().to_owned()))
    }

    /// The config file's path: `config.toml` in the config directory.
    pub fn config_path() -> Option<PathBuf> {
        Self::config_dir().map(|d| d.join(crate::settings::config_file::FILE_NAME))
    }

    /// The config directory: `SEGFLUX_CONFIG_DIR`, else the platform's.
    pub fn config_dir() -> Option<PathBuf> {
        dir_from_env(env::CONFIG_DIR).or_else(|| project_dirs().map(|d| d.config_dir().to_owned()))
    }
}

fn dir_from_env(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "segflux")
}

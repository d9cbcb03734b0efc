//! segflux: generate images from the command line with Segmind's serverless v2 API.
//!
//! The library holds everything but argument parsing and process exit, so the end-to-end
//! tests can read the journal and name files the way the binary does. Dependencies point one
//! way: `commands → job → {client, journal, output, ui} → domain → segflux-api`; `cli` and
//! `settings` feed the commands; the emulator (its own crate) depends on `segflux-api` only.

pub mod cli;
pub(crate) mod client;
pub mod commands;
pub mod domain;
pub mod error;
pub mod job;
pub mod journal;
pub(crate) mod output;
#[cfg(test)]
mod props;
pub mod settings;
pub mod ui;

/// The `--json` lines `main` prints for the jobs an error names (see `output::job_json`).
pub use output::job_json::failure_reports;

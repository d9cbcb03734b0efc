//! segflux: generate images from the command line with Segmind's serverless v2 API.
//!
//! The library holds everything but argument parsing and process exit, so integration tests
//! can start the emulator and drive the client in-process. Dependencies point one way:
//! `commands → {client, wait, output, printer} → api`; the emulator depends on `api` only.

pub mod bounds;
pub mod cli;
pub mod client;
pub mod commands;
pub mod config;
pub mod detached;
pub mod error;
pub mod history;
pub mod job_report;
pub mod limiter;
pub mod local_image;
pub mod metadata;
pub mod options;
pub mod output;
pub mod preview;
pub mod printer;
pub mod prompt_file;
#[cfg(test)]
mod props;
pub mod random;
pub mod redact;
pub mod report;
pub mod request;
pub mod retry;
pub mod settings;
pub mod sheet;
pub mod spend;
pub mod wait;

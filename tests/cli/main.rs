//! End-to-end tests of the real `segflux` binary against the in-process emulator.

#![expect(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "the tests name their own files, in lower case"
)]

mod batch;
mod completions;
mod config;
mod faults;
mod generate;
mod hostile;
mod jobs;
mod metadata;
mod pictures;
mod pipelines;
mod polling;
mod pty;
mod security;
mod spend;
mod testenv;
mod usage;

//! End-to-end tests of the real `segflux` binary against the in-process emulator.

#![expect(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "the tests name their own files, in lower case"
)]

mod batch;
mod batch_fail_closed;
mod batch_load;
mod bounded;
mod bounds_fail_closed;
mod completion_values;
mod completions;
mod config;
mod exits;
mod fail_closed_lows;
mod faults;
mod generate;
mod history_fail_closed;
mod hostile;
mod jobs;
mod journal;
mod journal_fail_closed;
mod metadata;
mod past_the_hour;
mod pictures;
mod pipelines;
mod polling;
mod pty;
mod refusals;
mod security;
mod sheet;
mod spend;
mod spend_batch;
mod testenv;
mod text_fail_closed;
mod upload;
mod usage;

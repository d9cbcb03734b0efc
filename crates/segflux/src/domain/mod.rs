//! Pure rules, no I/O: the request and its name, the option value types, input lines and
//! their jobs, spend and the batch budget, the poll schedule, the in-flight limiter, the
//! progress events domain code reports through, redaction, and seeds. Nothing here touches
//! the terminal, the network, the file system or the journal, and nothing imports clap.

pub(crate) mod budget;
pub mod exit;
pub(crate) mod limiter;
pub mod options;
pub(crate) mod poll_schedule;
pub(crate) mod progress;
pub(crate) mod prompt_line;
pub(crate) mod random;
pub(crate) mod redact;
pub mod request;
pub(crate) mod spend;
pub mod state;

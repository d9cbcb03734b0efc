//! The one error type, its exit codes (the table in `shared/spec/cli.md`) and its renderer.
//!
//! Every error raised after a submit is wrapped with [`Error::for_job`], so the renderer can
//! always print the `request_id` of the paid job and the command that recovers it.
//!
//! Variants are what differs to a user (a missing key is not a refused one); the hint is
//! chosen by variant, never by message text. Errors from io, TOML and HTTP keep their cause as
//! `#[source]`, which the renderer prints as `Caused by:` lines the way uv does.
//!
//! This file holds the enum, its constructors and the exit-code table; `error/render.rs` turns
//! an error into the text a user reads.

use crate::domain::exit::Exit;
use std::path::PathBuf;

mod render;

/// Everything that can end a segflux command unsuccessfully.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad option or value; nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// No API key anywhere (flag, environment, config file).
    #[error("no API key")]
    MissingKey,
    /// The API answered 401 / 403: the server's text (redacted).
    #[error("the API refused the key ({0})")]
    KeyRefused(String),
    /// The API answered 406.
    #[error("insufficient credits: {0}")]
    Credits(String),
    /// Spending would pass `--max-cost` (`max_cost`): nothing more is submitted.
    #[error("{0}")]
    CostCap(String),
    /// The job ended FAILED (422); the server's text.
    #[error("the job failed: {0}")]
    JobFailed(String),
    /// The job ended FAILED because the content filter blocked it; the server's text.
    #[error("the job failed: {0}")]
    ContentBlocked(String),
    /// `--timeout` passed before the job was terminal.
    #[error("gave up waiting after {0} s; the job may still finish")]
    Timeout(u64),
    /// Unknown model, or unknown / expired request (404, 410).
    #[error("{0}")]
    NotFound(String),
    /// The API rejected the parameters (400) or answered another client error.
    #[error("the API rejected the request ({status}): {message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The server's error text.
        message: String,
    },
    /// Connection, 429 or 5xx that retries did not cure.
    #[error("{0}")]
    Network(String),
    /// A submit whose outcome is unknown: the job may or may not have been accepted.
    #[error("{0}")]
    SubmitUncertain(String),
    /// The job COMPLETED but its image could not be downloaded or written.
    #[error("{0}")]
    Download(String),
    /// The server reported a state segflux does not know.
    #[error("the server reported an unknown job state {0:?}")]
    UnknownState(String),
    /// Ctrl-C (SIGINT), SIGTERM or SIGHUP: the request ids of the jobs in flight, and how
    /// many submits were unanswered.
    #[error("{}", match code { 143 => "terminated (SIGTERM)", 129 => "hung up (SIGHUP)", _ => "interrupted" })]
    Interrupted {
        /// Jobs accepted and not finished.
        ids: Vec<String>,
        /// Submits sent and not answered: they may have been accepted.
        submitting: usize,
        /// The exit code: 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP).
        code: u8,
    },
    /// A paid image could not be written: exit 9, like a failed download.
    #[error("{context}")]
    ImageWrite {
        /// What was being done (`cannot write PATH`).
        context: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file or stream could not be read or written.
    #[error("{context}")]
    Io {
        /// What was being done (`cannot read PATH`).
        context: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not valid TOML (or names an unknown key): exit 2, nothing sent.
    #[error("{}: {}{message}", path.display(), line.map_or(String::new(), |n| format!("line {n}: ")))]
    ConfigSyntax {
        /// The config file.
        path: PathBuf,
        /// The line of the mistake, when the parser knows it.
        line: Option<usize>,
        /// What is wrong, naming the key.
        message: String,
        /// The parser's error.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// The HTTP client could not be built.
    #[error("{context}")]
    Http {
        /// What was being done.
        context: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// `--check` found jobs not up to date (each is listed, and with `--json` has its line).
    #[error("{0}")]
    NotUpToDate(String),
    /// The job journal cannot take a submit's write-ahead record and nothing else can
    /// (no `--manifest`): nothing was sent (cli.md, "Failing closed").
    #[error(
        "{0}; nothing was sent: without a write-ahead record a re-run could pay for the job twice"
    )]
    JournalUnusable(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
    /// Some jobs of a batch did not succeed; `code` is the most severe of their exit codes.
    #[error("{failed} of {total} jobs did not succeed (each is listed above and in the manifest)")]
    Batch {
        /// Jobs that did not succeed.
        failed: usize,
        /// Jobs in the batch.
        total: usize,
        /// The exit code to end with.
        code: u8,
    },
    /// An error that happened after `request_id` was accepted by the API.
    #[error("{source}")]
    Job {
        /// The paid job the error concerns.
        request_id: String,
        /// What went wrong.
        source: Box<Error>,
    },
}

/// Shorthand for results in segflux.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An io error with what was being done (`cannot read PATH`).
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    /// A FAILED job: [`Error::ContentBlocked`] when the server's text says the content filter
    /// stopped it (classified here, where the server's text enters), else [`Error::JobFailed`].
    pub fn job_failed(text: String) -> Self {
        if text.to_ascii_lowercase().contains("safety") {
            Self::ContentBlocked(text)
        } else {
            Self::JobFailed(text)
        }
    }

    /// Attaches the request id of the job this error concerns (idempotent).
    #[must_use]
    pub fn for_job(self, request_id: &str) -> Self {
        match self {
            Self::Job { .. } => self,
            other => Self::Job {
                request_id: request_id.to_owned(),
                source: Box::new(other),
            },
        }
    }

    /// The error without its job wrapper.
    pub fn inner(&self) -> &Self {
        match self {
            Self::Job { source, .. } => source.inner(),
            other => other,
        }
    }

    /// The usage error of a bad value: `invalid value 'VALUE' for 'OPTION': WHY` (no value
    /// part when the value is not worth quoting), the one spelling every such message has.
    pub fn invalid(option: &str, value: Option<&str>, why: impl std::fmt::Display) -> Self {
        Self::Usage(match value {
            Some(v) => format!("invalid value '{v}' for '{option}': {why}"),
            None => format!("invalid value for '{option}': {why}"),
        })
    }

    /// The exit this error ends the run with (the table in `shared/spec/cli.md`).
    pub fn exit(&self) -> Exit {
        match self.inner() {
            Self::Usage(_) | Self::ConfigSyntax { .. } => Exit::Usage,
            Self::MissingKey | Self::KeyRefused(_) => Exit::Auth,
            Self::Credits(_) | Self::CostCap(_) => Exit::Credits,
            Self::JobFailed(_) | Self::ContentBlocked(_) => Exit::JobFailed,
            Self::Timeout(_) => Exit::Timeout,
            Self::NotFound(_) => Exit::NotFound,
            Self::Network(_) | Self::SubmitUncertain(_) => Exit::Network,
            Self::Download(_) | Self::ImageWrite { .. } => Exit::Delivery,
            Self::Interrupted { code, .. } | Self::Batch { code, .. } => Exit::from_code(*code),
            Self::Rejected { .. }
            | Self::UnknownState(_)
            | Self::Io { .. }
            | Self::Http { .. }
            | Self::NotUpToDate(_)
            | Self::JournalUnusable(_)
            | Self::Other(_)
            | Self::Job { .. } => Exit::Other,
        }
    }

    /// The process exit code of [`Error::exit`].
    pub fn exit_code(&self) -> u8 {
        self.exit().code()
    }

    /// How bad an exit code is for a batch's overall result (see [`Exit::severity`]).
    pub fn severity(code: u8) -> u8 {
        Exit::from_code(code).severity()
    }

    /// The request id this error concerns, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Job { request_id, .. } => Some(request_id),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Self {
        Self::io("an input/output error", source)
    }
}

#[cfg(test)]
mod tests;

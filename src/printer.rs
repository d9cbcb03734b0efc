//! All terminal output: stdout carries results only (paths, ids, JSON lines); stderr carries
//! progress and messages — a spinner on a terminal, plain lines otherwise, nothing with `-q`.
//!
//! The only module that touches indicatif or writes to the standard streams. A closed stdout
//! (`segflux … | head -0`) is not an error: results are dropped quietly.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::api::JobState;
use crate::report::Reporter;

/// The output mode of one run.
#[derive(Debug)]
pub struct Printer {
    json: bool,
    quiet: bool,
    verbose: bool,
    tty: bool,
    spinner: Mutex<Option<ProgressBar>>,
}

impl Printer {
    /// A printer for the global flags; draws a spinner only when stderr is a terminal.
    pub fn new(json: bool, quiet: bool, verbose: bool) -> Self {
        Self {
            json,
            quiet,
            verbose,
            tty: std::io::stderr().is_terminal(),
            spinner: Mutex::new(None),
        }
    }

    /// Whether results are JSON lines.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// One result line on stdout (ignored when stdout is closed).
    pub fn result(&self, line: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }

    /// One JSON object on one stdout line.
    pub fn json_line(&self, value: &Value) {
        self.result(&value.to_string());
    }

    /// A message on stderr, unless `-q`.
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            self.stderr_line(msg);
        }
    }

    /// An error on stderr, always.
    pub fn error(&self, msg: &str) {
        self.stop_spinner();
        self.stderr_line(msg);
    }

    /// Starts the spinner for a job (terminal only, not with `-q`).
    pub fn start_spinner(&self, label: &str) {
        if !self.tty || self.quiet {
            return;
        }
        let style = ProgressStyle::with_template("{spinner} {prefix} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = ProgressBar::new_spinner()
            .with_style(style)
            .with_prefix(label.to_owned());
        bar.set_message("QUEUED");
        bar.enable_steady_tick(Duration::from_millis(100));
        if let Ok(mut s) = self.spinner.lock() {
            *s = Some(bar);
        }
    }

    /// Removes the spinner, if any.
    pub fn stop_spinner(&self) {
        if let Ok(mut s) = self.spinner.lock()
            && let Some(bar) = s.take()
        {
            bar.finish_and_clear();
        }
    }

    fn stderr_line(&self, msg: &str) {
        let bar = self.spinner.lock().ok().and_then(|s| s.clone());
        match bar {
            Some(bar) => bar.suspend(|| {
                let _ = writeln!(std::io::stderr(), "{msg}");
            }),
            None => {
                let _ = writeln!(std::io::stderr(), "{msg}");
            }
        }
    }
}

impl Reporter for Printer {
    fn state(&self, request_id: &str, state: &JobState, elapsed: Duration) {
        if self.quiet {
            return;
        }
        let bar = self.spinner.lock().ok().and_then(|s| s.clone());
        match bar {
            Some(bar) => bar.set_message(state.to_string()),
            None => self.stderr_line(&format!(
                "{request_id} {state} ({:.1}s)",
                elapsed.as_secs_f64()
            )),
        }
    }

    fn http(&self, line: &str) {
        if self.verbose {
            self.stderr_line(line);
        }
    }

    fn retry(&self, what: &str, reason: &str, delay: Duration) {
        if self.verbose {
            self.stderr_line(&format!(
                "retrying the {what} in {:.2}s: {reason}",
                delay.as_secs_f64()
            ));
        }
    }
}

//! All terminal output: stdout carries results only (paths, ids, JSON lines); stderr carries
//! progress and messages — a spinner on a terminal, plain lines otherwise, nothing with `-q`.
//!
//! The only module that touches indicatif or writes to the standard streams. A closed stdout
//! (`segflux … | head -0`) is not an error: results are dropped quietly; the image of `-o -`
//! is the exception (a paid image that goes nowhere is exit 9).

use crate::domain::state::State;
use anstyle::{AnsiColor, Style};
use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::domain::options::ColorChoice;
use crate::domain::progress::{Reporter, Retry};
use segflux_api::JobState;

/// Whether stdout was closed when the process started. Rust's runtime puts `/dev/null`,
/// opened read-write, on a closed standard descriptor before `main`, so writes to it
/// "succeed"; a shell's `>/dev/null` opens it write-only. Linux only (`/proc`).
fn stdout_was_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        let null = std::fs::read_link("/proc/self/fd/1")
            .is_ok_and(|p| p == std::path::Path::new("/dev/null"));
        // `flags:` in octal; O_ACCMODE is 0o3, O_RDWR 0o2.
        let read_write = std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
                .is_some_and(|f| f & 0o3 == 0o2)
        });
        null && read_write
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// The output mode of one run.
#[derive(Debug)]
pub struct Printer {
    json: bool,
    quiet: bool,
    verbose: bool,
    tty: bool,
    color: bool,
    spinner: Mutex<Option<ProgressBar>>,
    last_state: Mutex<Option<(String, JobState)>>,
}

impl Printer {
    /// A printer for the global flags; draws a spinner only when stderr is a terminal.
    pub fn new(json: bool, quiet: bool, verbose: bool, color: ColorChoice) -> Self {
        let tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            json,
            quiet,
            verbose,
            tty,
            color: colour_on(color, tty, no_color),
            spinner: Mutex::new(None),
            last_state: Mutex::new(None),
        }
    }

    /// Whether `-q` is on.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Whether results are JSON lines.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// The width of stdout when it is a terminal (for tables), else `None`.
    #[expect(
        clippy::unused_self,
        reason = "stdout is written through the printer, which keeps no state for it"
    )]
    pub fn stdout_width(&self) -> Option<usize> {
        std::io::stdout()
            .is_terminal()
            .then(|| {
                console::Term::stdout()
                    .size_checked()
                    .map(|(_, w)| usize::from(w))
            })
            .flatten()
    }

    /// One result line on stdout (ignored when stdout is closed).
    #[expect(
        clippy::unused_self,
        reason = "stdout is written through the printer, which keeps no state for it"
    )]
    pub fn result(&self, line: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }

    /// Raw bytes on stdout (`-o -`: an image), flushed; unlike a result line, a failure is
    /// the caller's to report, since the bytes are the whole result.
    /// A stdout closed when the run began is an error too: the bytes would go nowhere.
    #[expect(
        clippy::unused_self,
        reason = "stdout is written through the printer, which keeps no state for it"
    )]
    pub fn result_bytes(&self, bytes: &[u8]) -> std::io::Result<()> {
        if stdout_was_closed() {
            return Err(std::io::Error::other("standard output is closed"));
        }
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }

    /// A path on one stdout line, exactly as it is on disk (on Unix its raw bytes, so a name
    /// that is not UTF-8 is printed as the file is named, not as a lossy look-alike).
    #[expect(
        clippy::unused_self,
        reason = "stdout is written through the printer, which keeps no state for it"
    )]
    pub fn result_path(&self, path: &std::path::Path) {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt as _;
            let mut out = std::io::stdout().lock();
            let _ = out
                .write_all(path.as_os_str().as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush());
        }
        #[cfg(not(unix))]
        self.result(&path.display().to_string());
    }

    /// One JSON object on one stdout line (a [`crate::output::job_json::JobReport`], or a `Value`).
    pub fn json_line(&self, value: &impl serde::Serialize) {
        self.result(&serde_json::to_string(value).unwrap_or_default());
    }

    /// A message on stderr, unless `-q`.
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            self.stderr_line(&self.paint(&crate::domain::redact::plain_lines(msg)));
        }
    }

    /// An error on stderr, always.
    pub fn error(&self, msg: &str) {
        self.stop_spinner();
        self.stderr_line(&self.paint(&crate::domain::redact::plain_lines(msg)));
    }

    /// Colours the `error:`, `warning:` and `hint:` labels that start lines, when colour is on.
    fn paint(&self, msg: &str) -> String {
        if !self.color {
            return msg.to_owned();
        }
        let bold = |c: AnsiColor| Style::new().bold().fg_color(Some(c.into()));
        let labels = [
            ("error:", bold(AnsiColor::Red)),
            ("warning:", bold(AnsiColor::Yellow)),
            ("hint:", bold(AnsiColor::Cyan)),
        ];
        msg.lines()
            .map(|line| {
                labels
                    .iter()
                    .find_map(|(label, style)| {
                        line.strip_prefix(label)
                            .map(|rest| format!("{style}{label}{style:#}{rest}"))
                    })
                    .unwrap_or_else(|| line.to_owned())
            })
            .collect::<Vec<_>>()
            .join("\n")
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
        // The submit already told us QUEUED; a first poll that says it again is no news.
        if let Ok(mut last) = self.last_state.lock() {
            let now = (request_id.to_owned(), state.clone());
            if last.as_ref() == Some(&now) {
                return;
            }
            *last = Some(now);
        }
        // An unknown state is the server's text.
        let state = crate::domain::redact::plain_text(state.as_str());
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

    fn retry(&self, e: &Retry<'_>) {
        if self.verbose {
            self.stderr_line(&format!(
                "retrying the {} in {:.2}s: {}",
                e.call.as_str(),
                e.delay.as_secs_f64(),
                e.reason
            ));
        }
    }
}

/// Whether to colour: `always`, `never`, or `auto` = a terminal without a non-empty
/// `NO_COLOR` (no-color.org).
fn colour_on(choice: ColorChoice, tty: bool, no_color: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    }
}

/// Progress of a batch: on a terminal an overall bar (done / total, rate, ETA) and a line per
/// job in flight; otherwise one plain line per finished job; nothing with `-q`.
#[derive(Debug)]
pub struct BatchProgress {
    multi: Option<(MultiProgress, ProgressBar)>,
    quiet: bool,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
}

/// One job's line in a batch display; shows the job's state as it changes.
#[derive(Debug)]
pub struct JobLine {
    bar: Option<ProgressBar>,
}

impl Printer {
    /// Starts the display of a batch of `total` jobs.
    pub fn batch_progress(&self, total: usize) -> BatchProgress {
        let multi = (self.tty && !self.quiet).then(|| {
            let multi = MultiProgress::new();
            let style = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} jobs  {per_sec}  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            let overall = multi.add(ProgressBar::new(total as u64).with_style(style));
            overall.enable_steady_tick(Duration::from_millis(200));
            (multi, overall)
        });
        BatchProgress {
            multi,
            quiet: self.quiet,
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

impl BatchProgress {
    /// A line for a job now in flight.
    pub fn job_line(&self, label: &str) -> JobLine {
        let bar = self.multi.as_ref().map(|(multi, _)| {
            let style = ProgressStyle::with_template("  {spinner} {prefix} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let bar = multi.add(ProgressBar::new_spinner().with_style(style));
            bar.set_prefix(label.to_owned());
            bar.set_message(State::Submitting.as_str());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        JobLine { bar }
    }

    /// A job ended (written, skipped or failed): count it and say so. A failure is an error:
    /// shown even with `-q`, since it names a paid job's request id.
    pub fn job_done(&self, message: &str, failed: bool) {
        self.jobs_done(1, message, failed);
    }

    /// `count` jobs ended alike, told in one `message` (the jobs a stopped batch never
    /// started).
    pub fn jobs_done(&self, count: usize, message: &str, failed: bool) {
        let message = crate::domain::redact::plain_lines(message);
        let n = self
            .done
            .fetch_add(count, std::sync::atomic::Ordering::Relaxed)
            + count;
        match &self.multi {
            Some((multi, overall)) => {
                overall.inc(count as u64);
                let _ = multi.println(message);
            }
            None if !self.quiet || failed => {
                let _ = writeln!(std::io::stderr(), "[{n}/{}] {message}", self.total);
            }
            None => {}
        }
    }

    /// A message that is not about one job (warnings, the summary).
    pub fn message(&self, message: &str) {
        let message = crate::domain::redact::plain_lines(message);
        match &self.multi {
            Some((multi, _)) => {
                let _ = multi.println(message);
            }
            None if !self.quiet => {
                let _ = writeln!(std::io::stderr(), "{message}");
            }
            None => {}
        }
    }

    /// Removes the bars.
    pub fn close(&self) {
        if let Some((_, overall)) = &self.multi {
            overall.finish_and_clear();
        }
    }
}

impl Drop for JobLine {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Reporter for JobLine {
    fn state(&self, _: &str, state: &JobState, _: Duration) {
        if let Some(bar) = &self.bar {
            bar.set_message(state.to_string());
        }
    }
    fn http(&self, _: &str) {}
    fn retry(&self, _: &Retry<'_>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_on_for_a_terminal_without_no_color_or_when_forced() {
        assert!(colour_on(ColorChoice::Auto, true, false));
        assert!(!colour_on(ColorChoice::Auto, true, true));
        assert!(!colour_on(ColorChoice::Auto, false, false));
        assert!(colour_on(ColorChoice::Always, false, true));
        assert!(!colour_on(ColorChoice::Never, true, false));
    }
}

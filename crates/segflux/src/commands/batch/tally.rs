//! How a batch's jobs end and how each end is told: the running tally, the progress
//! message, the path on stdout, and one [`JobReport`] line for the manifest and `--json`.

use crate::domain::exit::Exit;
use crate::domain::state::State;
use std::io::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::Error;
use crate::output::job_json::JobReport;
use crate::ui::printer::BatchProgress;

use super::Context;
use super::plan::Planned;
use crate::job::deliver;

/// A job written with no cost known yet.
#[derive(Debug)]
pub(crate) struct Uncosted {
    pub id: String,
    pub model: String,
    pub path: String,
    pub line: usize,
    pub resumed: bool,
}

/// How one job ended.
#[derive(Debug)]
pub(crate) enum JobEnd {
    Written {
        id: String,
        delivered: deliver::Delivered,
        resumed: bool,
    },
    Skipped,
    /// An existing file with no generation record, left alone.
    Kept,
    Failed {
        id: Option<String>,
        error: Error,
    },
    /// Never sent: the batch stopped submitting (`--max-cost`, a 401/403/406), with why and
    /// the exit code it maps to.
    NotSubmitted {
        reason: String,
        code: Exit,
    },
}

/// Running counts, and the worst exit code so far.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) written: usize,
    pub(crate) updated: usize,
    pub(crate) kept: usize,
    pub(crate) resumed: usize,
    pub(crate) skipped: usize,
    pub(crate) failed: usize,
    pub(crate) not_submitted: usize,
    pub(crate) worst: Exit,
    /// What the batch spent, for the summary (`None`: nothing was submitted).
    pub(crate) cost: Option<String>,
    /// Jobs written whose result carried no cost.
    pub(crate) uncosted: Vec<Uncosted>,
}

impl Tally {
    /// Keeps the most severe exit code.
    pub(crate) fn note(&mut self, code: Exit) {
        if code.severity() > self.worst.severity() {
            self.worst = code;
        }
    }

    /// `, not submitted 3` when jobs were not submitted.
    pub(crate) fn not_submitted_text(&self) -> String {
        match self.not_submitted {
            0 => String::new(),
            n => format!(", not submitted {n}"),
        }
    }
}

/// Records a finished job: the tally, a progress line, a manifest line, a `--json` line.
pub(crate) fn report(
    ctx: &Context,
    progress: &BatchProgress,
    manifest: Option<&Mutex<std::fs::File>>,
    p: &Planned,
    outcome: &JobEnd,
    wall: Duration,
    tally: &mut Tally,
) {
    let req = &p.job.request;
    let path = p.path.display().to_string();
    let (report, message) = told(ctx, p, outcome, &path, tally);
    let mut line = report.request(req);
    line.prompt = Some(req.prompt.clone());
    line.path = Some(path);
    line.wall_time = Some((wall.as_secs_f64() * 1000.0).round() / 1000.0);
    line.line = Some(p.job.line);
    let line = serde_json::to_string(&line).unwrap_or_default();
    let bad = matches!(outcome, JobEnd::Failed { .. } | JobEnd::NotSubmitted { .. });
    progress.job_done(&message, bad);
    write_line(ctx, progress, manifest, &line);
}

/// A job's end counted in the tally, with its report line (still without what every line
/// carries) and its progress message.
fn told(
    ctx: &Context,
    p: &Planned,
    outcome: &JobEnd,
    path: &str,
    tally: &mut Tally,
) -> (JobReport, String) {
    match outcome {
        JobEnd::Written {
            id,
            delivered,
            resumed,
        } => written(ctx, p, (id, delivered, *resumed), path, tally),
        JobEnd::Skipped => {
            tally.skipped += 1;
            (
                JobReport::new(None, State::Skipped),
                format!("skipped {path} (up to date; --force redoes it)"),
            )
        }
        JobEnd::Kept => {
            tally.kept += 1;
            (
                JobReport::new(None, State::Kept),
                format!(
                    "warning: kept {path} (line {}): it has no generation record, so segflux did not make it; --force regenerates it",
                    p.job.line
                ),
            )
        }
        JobEnd::NotSubmitted { reason, code } => {
            tally.not_submitted += 1;
            tally.note(*code);
            let mut r = JobReport::new(None, State::NotSubmitted);
            r.error = Some(reason.clone());
            (
                r,
                format!("not submitted {path} (line {}): {reason}", p.job.line),
            )
        }
        JobEnd::Failed { id, error } => {
            tally.failed += 1;
            tally.note(error.exit());
            let text = error.render().replace('\n', "; ");
            (
                JobReport::ended(id.as_deref(), error, &|id| ctx.last_state(id)),
                format!("failed {path} (line {}): {text}", p.job.line),
            )
        }
    }
}

/// A written job: counted, its path on stdout (unless `--json`), its report and message.
fn written(
    ctx: &Context,
    p: &Planned,
    (id, delivered, resumed): (&String, &deliver::Delivered, bool),
    path: &str,
    tally: &mut Tally,
) -> (JobReport, String) {
    let updated = p.state.replaces();
    tally.written += usize::from(!updated);
    tally.updated += usize::from(updated);
    tally.resumed += usize::from(resumed);
    let how = match (resumed, updated) {
        (true, _) => "fetched (resumed)",
        (false, true) => "updated",
        (false, false) => "written",
    };
    if !ctx.printer.is_json() {
        ctx.printer.result(path);
    }
    if delivered.metrics.cost.is_none() {
        tally.uncosted.push(Uncosted {
            id: id.clone(),
            model: p.job.request.model.clone(),
            path: path.to_owned(),
            line: p.job.line,
            resumed,
        });
    }
    let mut r = deliver::delivered_report(id, delivered, None);
    if updated {
        r.status = State::Updated;
    }
    (r, format!("{how} {path}"))
}

/// Appends `line` to the manifest and, with `--json`, prints it.
pub(crate) fn write_line(
    ctx: &Context,
    progress: &BatchProgress,
    manifest: Option<&Mutex<std::fs::File>>,
    line: &str,
) {
    if let Some(m) = manifest
        && let Ok(mut f) = m.lock()
        && let Err(e) = writeln!(f, "{line}").and_then(|()| f.flush())
    {
        progress.message(&format!("warning: cannot write the manifest: {e}"));
    }
    if ctx.printer.is_json() {
        ctx.printer.result(line);
    }
}

/// The jobs a stopped batch never started, past the first few told one by one: `count` of
/// them, input lines `lines` (first, last), all for `reason` (exit `code`). Counted, then
/// told in one progress message and one manifest / `--json` line, so a million-line batch
/// stopped at its start neither holds nor prints a line per job.
pub(crate) fn report_not_started(
    (ctx, progress, manifest): (&Context, &BatchProgress, Option<&Mutex<std::fs::File>>),
    count: usize,
    lines: (usize, usize),
    (reason, code): (&str, Exit),
    tally: &mut Tally,
) {
    tally.not_submitted += count;
    tally.note(code);
    progress.jobs_done(
        count,
        &format!(
            "not submitted {count} more job(s) (lines {} to {}): {reason}",
            lines.0, lines.1
        ),
        true,
    );
    let line = serde_json::json!({
        "status": State::NotSubmitted,
        "error": reason,
        "count": count,
        "first_line": lines.0,
        "last_line": lines.1,
    });
    write_line(ctx, progress, manifest, &line.to_string());
}

//! A batch's window of jobs in flight: at most a few times the concurrency started at once,
//! the next started as one ends, none once the batch stopped (a 401/403/406, the cost cap,
//! submits rate-limited for --timeout). The jobs never started are told briefly: the first
//! [`TOLD_ONE_BY_ONE`] one by one, the rest in one line, so a stopped batch of a million lines
//! neither holds a future per line nor prints or writes a line per job.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;

use crate::journal::JobRecord;
use crate::ui::printer::BatchProgress;

use super::plan::Planned;
use super::resumable::ResumeKey;
use super::run::{Batch, run_one};
use super::tally::{self, JobEnd, Tally, report};

/// How many jobs a stopped batch never started are still told one by one; the rest are
/// summed up in one line (see [`tally::report_not_started`]).
const TOLD_ONE_BY_ONE: usize = 100;

/// Runs `todo`, at most `window` jobs at once, each end reported as it comes; then the
/// jobs a stop left unstarted.
pub(crate) async fn run_all(
    b: &Batch<'_>,
    todo: &[Planned],
    window: usize,
    progress: &BatchProgress,
    tally: &mut Tally,
) {
    let mut pending = todo.iter();
    let mut running = FuturesUnordered::new();
    loop {
        while running.len() < window && b.stopped().is_none() {
            let Some(p) = pending.next() else { break };
            running.push(timed(b, p, progress));
        }
        let Some((p, outcome, wall)) = running.next().await else {
            break;
        };
        report(b.ctx, progress, b.manifest, p, &outcome, wall, tally);
    }
    not_started(b, pending, (progress, b.manifest), tally);
}

/// The jobs an earlier manifest left unfinished, by the key of the jobs they are.
pub(crate) fn by_key(earlier: Vec<JobRecord>) -> HashMap<ResumeKey, JobRecord> {
    earlier
        .into_iter()
        .map(|rec| {
            let key = (
                rec.prompt_hash.clone(),
                rec.seed,
                rec.format.clone(),
                rec.model.clone(),
            );
            (key, rec)
        })
        .collect()
}

/// One job, and how long it took.
async fn timed<'p>(
    b: &Batch<'_>,
    p: &'p Planned,
    progress: &BatchProgress,
) -> (&'p Planned, JobEnd, Duration) {
    let started = Instant::now();
    let outcome = run_one(b, p, progress).await;
    (p, outcome, started.elapsed())
}

/// The jobs a stopped batch never started: the first [`TOLD_ONE_BY_ONE`] told one by one,
/// the rest in one line.
fn not_started<'p>(
    b: &Batch<'_>,
    mut rest: impl Iterator<Item = &'p Planned>,
    (progress, manifest): (&BatchProgress, Option<&Mutex<std::fs::File>>),
    tally: &mut Tally,
) {
    let Some((reason, code)) = b.stopped() else {
        return;
    };
    for p in rest.by_ref().take(TOLD_ONE_BY_ONE) {
        let end = JobEnd::NotSubmitted {
            reason: reason.clone(),
            code,
        };
        report(b.ctx, progress, manifest, p, &end, Duration::ZERO, tally);
    }
    let (mut count, mut lines) = (0, (0, 0));
    for p in rest {
        if count == 0 {
            lines.0 = p.job.line;
        }
        lines.1 = p.job.line;
        count += 1;
    }
    if count > 0 {
        let told = (b.ctx, progress, manifest);
        tally::report_not_started(told, count, lines, (&reason, code), tally);
    }
}

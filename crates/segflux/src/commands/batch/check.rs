//! `--check`: the plan told, and nothing sent. One line per job that is not up to date
//! (`--json`: one object per job, up to date ones too), then the images the batch would pay
//! for and their estimate; exit 1 unless everything is up to date.

use serde_json::json;

use crate::domain::spend::{Estimate, Total};
use crate::error::{Error, Result};

use super::Context;
use super::plan::{Plan, Planned};
use crate::output::up_to_date::FileState;

/// What `--check` counts.
#[derive(Debug, Default)]
struct Tally {
    jobs: usize,
    not_up_to_date: usize,
    to_pay: usize,
    kept: usize,
}

/// Tells the plan; `resumable` says whether a job to run would be fetched from the journal
/// (paid for already) rather than submitted.
pub(crate) fn check(
    ctx: &Context,
    plan: &Plan,
    resumable: &dyn Fn(&Planned) -> bool,
) -> Result<()> {
    let mut t = Tally::default();
    let mut estimates = crate::job::cost::estimates(ctx);
    let mut cost = Total::default();
    for job in plan.jobs()? {
        t.jobs += 1;
        let resumes = job.state.runs() && resumable(&job);
        let model = &job.job.request.model;
        let pays = job.state.runs() && !resumes;
        let estimate = pays.then(|| estimates.get(model)).flatten();
        tell(ctx, &job, resumes, estimate);
        match job.state {
            FileState::UpToDate => {}
            FileState::Kept => t.kept += 1,
            _ => {
                t.not_up_to_date += 1;
                if !resumes {
                    t.to_pay += 1;
                    cost.add(model, estimate);
                }
            }
        }
    }
    ctx.printer.info(&format!(
        "{} of {} jobs not up to date ({} kept); {} image(s) to pay for, {}",
        t.not_up_to_date,
        t.jobs,
        t.kept,
        t.to_pay,
        cost.describe()
    ));
    if t.not_up_to_date == 0 {
        Ok(())
    } else {
        Err(Error::NotUpToDate(format!(
            "{} of {} jobs are not up to date with {}",
            t.not_up_to_date, t.jobs, plan.name
        )))
    }
}

/// One job's line: with `--json` an object for every job; else a line for each job that is
/// not up to date, and a warning for each kept file.
fn tell(ctx: &Context, job: &Planned, resumes: bool, estimate: Option<Estimate>) {
    let p = &ctx.printer;
    let label = if resumes {
        "resumable"
    } else {
        job.state.label()
    };
    let req = &job.job.request;
    if p.is_json() {
        p.json_line(&json!({
            "line": job.job.line, "path": job.path.display().to_string(), "state": label,
            "prompt_hash": req.prompt_hash(), "seed": req.seed, "model": req.model,
            "format": req.format.ext(), "estimated_cost": estimate.map(|e| e.usd),
        }));
    }
    match job.state {
        FileState::UpToDate => {}
        FileState::Kept => p.info(&format!(
            "warning: {} (line {}) has no generation record: kept as it is (--force regenerates it)",
            job.path.display(),
            job.job.line
        )),
        _ if !p.is_json() => p.result(&format!(
            "{label:<11}  line {:<6} {}",
            job.job.line,
            job.path.display()
        )),
        _ => {}
    }
}

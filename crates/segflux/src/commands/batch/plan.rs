//! A batch's plan, made before anything is sent, in two streaming passes over the input:
//!
//! 1. [`validate`]: every line parsed (bad lines reported by number), and two jobs that would
//!    write one path (or names a file system takes for one, see `names.rs`) refused (exit 2,
//!    naming both lines); only digests are held, so a million-line input stays within a
//!    bounded memory.
//! 2. [`Plan::jobs`]: each job (identical repeats dropped, `--shard` applied) with its path and
//!    its [`FileState`] from the existing file's record.
//!
//! Then [`check_targets`] refuses output paths that could not be written (a dangling link, a
//! directory in the way) before the first submit; `--check` tells the plan and nothing else
//! (see `check.rs`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::cli::GenerateArgs;
use crate::domain::prompt_line::{self, BatchJob, Defaults};
use crate::error::{Error, Result};
use crate::output::{self, Target};

use super::input::Source;
use crate::commands::generate;
use crate::job::Context;
use crate::output::up_to_date::{self, FileState, Judge, Key};

use super::names::{Names, Seen};

/// How many problems an error message lists before "and N more".
const SHOWN: usize = 10;

/// A job with its target path and what the plan does with it.
#[derive(Debug)]
pub(crate) struct Planned {
    /// The job.
    pub job: BatchJob,
    /// Where its image goes.
    pub path: PathBuf,
    /// Up to date, missing, …
    pub state: FileState,
}

impl Planned {
    /// What its manifest lines say of it.
    pub(crate) fn line_of(&self) -> crate::output::manifest::LineOf<'_> {
        crate::output::manifest::LineOf {
            request: &self.job.request,
            path: &self.path,
            line: self.job.line,
        }
    }
}

/// The input, its kind and the defaults each line starts from.
pub(crate) struct Plan {
    source: Source,
    pub(crate) name: String,
    jsonl: bool,
    defaults: Defaults,
    /// The output directory.
    pub dir: PathBuf,
    shard: Option<(u32, u32)>,
    judge: Judge,
    /// Per output path, the line of its first job (from [`validate`]).
    firsts: HashMap<Key, usize>,
}

impl Plan {
    /// Reads the options and opens the input.
    pub(crate) fn new(ctx: &Context, args: &GenerateArgs) -> Result<Self> {
        let output = args.output.as_ref().or(ctx.settings.config.output.as_ref());
        let Ok(Target::Dir(dir)) = Target::from_arg(output.map(PathBuf::as_path)) else {
            return Err(Error::invalid(
                "--output <PATH>",
                Some(
                    &output
                        .map_or(Path::new("."), PathBuf::as_path)
                        .display()
                        .to_string(),
                ),
                "in batch mode it must be a directory (end it in /)",
            ));
        };
        let format = args
            .gen_opts
            .format
            .unwrap_or_else(|| generate::default_format(ctx));
        let mut request = generate::build_request(ctx, String::new(), &args.gen_opts, format);
        request.image_prompt = generate::local_image_prompt(request.image_prompt.take())?;
        let (name, source) = match (&args.batch.from, &args.prompt) {
            (Some(from), _) => (from.display().to_string(), Source::from_file(from)?),
            (None, Some(prompt)) => {
                check_seed_range(ctx, args)?;
                (
                    "-".to_owned(),
                    Source::Prompt(generate::read_prompt(prompt)?.replace('\n', " ")),
                )
            }
            (None, None) => return Err(Error::Usage("a PROMPT or --from FILE is required".into())),
        };
        let jsonl = args.batch.from.is_some()
            && prompt_line::is_jsonl(&name, source.first_meaningful_line()?.as_deref());
        Ok(Self {
            source,
            name,
            jsonl,
            defaults: Defaults {
                request,
                seed: generate::default_seed(ctx, &args.gen_opts),
                count: args.batch.count,
                image_prompt: crate::output::local_image::resolve,
            },
            dir,
            shard: args.batch.shard,
            judge: Judge::new(args.batch.manifest.as_deref(), args.force),
            firsts: HashMap::new(),
        })
    }

    /// Pass 1: parses every line and refuses two different jobs writing one path. Returns
    /// how many jobs this run has (after `--shard`) and how many identical repeats are dropped.
    pub(crate) fn validate(&mut self) -> Result<(usize, usize)> {
        let mut errors = Problems::default();
        let mut names = Names::default();
        let (mut jobs, mut repeats) = (0usize, 0usize);
        for (number, line) in self.source.lines()? {
            let parsed = match line.and_then(|l| self.parse(&l, number)) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(format!("line {number}: {e}"));
                    continue;
                }
            };
            for job in parsed {
                jobs += 1;
                let path = self.dir.join(&job.file_name);
                match names.add(number, &path, up_to_date::key(&job.request)) {
                    Ok(Seen::New) => {}
                    Ok(Seen::Repeat) => repeats += 1,
                    Err(problem) => errors.push(problem),
                }
            }
        }
        if errors.count == 0 && jobs == 0 {
            errors.push("the input has no prompts".into());
        }
        if errors.count > 0 {
            return Err(Error::invalid(
                "--from <FILE>",
                Some(&self.name.clone()),
                errors.text("bad lines").clone(),
            ));
        }
        self.firsts = names.firsts();
        let kept = jobs - repeats;
        let in_run = self
            .shard
            .map_or(kept, |(k, n)| (kept + n as usize - k as usize) / n as usize);
        Ok((in_run, repeats))
    }

    /// One line's jobs. A prompt the generation record cannot carry byte for byte is refused
    /// up front.
    fn parse(&self, line: &str, number: usize) -> std::result::Result<Vec<BatchJob>, String> {
        let jobs = prompt_line::parse_line(line, number, self.jsonl, &self.defaults)?;
        match jobs.first() {
            Some(j) => crate::output::metadata::representable(&j.request.prompt)
                .map(|()| jobs)
                .map_err(|why| format!("prompt: {why}")),
            None => Ok(jobs),
        }
    }

    /// Pass 2: the jobs of this run (repeats dropped, `--shard` applied), judged.
    pub(crate) fn jobs(&self) -> Result<impl Iterator<Item = Planned> + '_> {
        let lines = self.source.lines()?;
        let jobs = lines.flat_map(move |(number, line)| {
            line.and_then(|l| prompt_line::parse_line(&l, number, self.jsonl, &self.defaults))
                .unwrap_or_default()
        });
        let firsts = &self.firsts;
        let kept = jobs.filter_map(move |job| {
            let path = self.dir.join(&job.file_name);
            let first = firsts.get(&up_to_date::digest(&path.display().to_string()));
            (first == Some(&job.line)).then_some((job, path))
        });
        let shard = self.shard;
        Ok(kept
            .enumerate()
            .filter(move |(i, _)| shard.is_none_or(|(k, n)| prompt_line::in_shard(*i, k, n)))
            .map(move |(_, (job, path))| {
                let addressed = job.file_name == job.request.file_name();
                let state = self.judge.judge(&path, &job.request, addressed);
                Planned { job, path, state }
            }))
    }
}

/// Problems found, the first few kept in full.
#[derive(Default)]
struct Problems {
    shown: Vec<String>,
    count: usize,
}

impl Problems {
    fn push(&mut self, p: String) {
        self.count += 1;
        if self.shown.len() < SHOWN {
            self.shown.push(p);
        }
    }

    fn text(&self, what: &str) -> String {
        let mut msg = self.shown.join("; ");
        if self.count > self.shown.len() {
            let _ = write!(msg, "; and {} more {what}", self.count - self.shown.len());
        }
        msg
    }
}

/// Refuses, before anything is sent, output paths of jobs to run that cannot be written.
/// With `sidecar`, the `{name}.json` beside each image too.
pub(crate) fn check_targets<'a>(
    todo: impl Iterator<Item = &'a Planned>,
    sidecar: bool,
) -> Result<()> {
    let mut problems = Problems::default();
    for p in todo {
        let json = sidecar.then(|| output::sidecar_path(&p.path));
        for path in std::iter::once(&p.path).chain(json.as_ref()) {
            if let Err(why) = output::check_target(path) {
                problems.push(format!("line {}: {why}", p.job.line));
            }
        }
    }
    if problems.count == 0 {
        return Ok(());
    }
    Err(Error::Other(format!(
        "cannot write {} output path(s), nothing was sent: {}",
        problems.count,
        problems.text("paths")
    )))
}

/// `--seed S -n N` numbers the seeds S..S+N-1: they must stay within the seed range (else
/// the overflow would be blamed on a line of `--from '-'`).
fn check_seed_range(ctx: &Context, args: &GenerateArgs) -> Result<()> {
    let count = u64::from(args.batch.count);
    match generate::default_seed(ctx, &args.gen_opts) {
        Some(seed) if seed.checked_add(count - 1).is_none() => Err(Error::invalid(
            "--seed <N>",
            Some(&seed.to_string()),
            format!(
                "with -n {count} the seeds {seed}..{seed}+{} pass the largest seed, {}",
                count - 1,
                u64::MAX
            ),
        )),
        _ => Ok(()),
    }
}

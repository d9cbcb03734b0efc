//! What every command gets: resolved settings, the printer, the run's journal (opened on
//! first use) and the ids it submitted, so an interrupt can still name every paid job.

use crate::domain::state::State;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::job::poll::PollSchedule;
use crate::journal::Journal;
use crate::settings::Settings;
use crate::settings::config_file::Config;
use crate::ui::printer::Printer;
use segflux_emulator::EmulatorConfig;

/// How many of a model's recent jobs the poll schedule learns from.
pub const SCHEDULE_SAMPLES: usize = 20;

/// What every command gets.
#[derive(Debug, Clone)]
pub struct Context {
    /// Resolved global options.
    pub settings: Settings,
    /// Output.
    pub printer: Arc<Printer>,
    /// Request ids accepted by the API during this run, for the Ctrl-C report.
    pub submitted: Arc<Mutex<Vec<String>>>,
    /// The state each accepted job was last seen in, for the report of a wait that ended
    /// without an answer (an interrupt, `--timeout`).
    states: Arc<Mutex<std::collections::HashMap<String, State>>>,
    /// Submits sent and not yet answered, for the Ctrl-C report.
    pub submitting: Arc<std::sync::atomic::AtomicUsize>,
    /// The run's journal, opened on first use (see [`Context::history`]).
    opened: Arc<OnceLock<std::result::Result<Journal, String>>>,
    /// Why the journal stopped being usable during the run (a claim it could not take):
    /// from then on the run treats it as unusable (see `job::submit`, "Failing closed").
    failed: Arc<OnceLock<String>>,
    /// Whether the run said its manifest stands in for the journal.
    told_fallback: Arc<std::sync::atomic::AtomicBool>,
    /// Where the journal lives: the data directory, or with `--emulator` the scratch one.
    data_dir: Option<PathBuf>,
    /// With `--emulator`: the throw-away job history, removed when the run ends.
    _scratch: Option<Arc<tempfile::TempDir>>,
}

impl Context {
    /// Builds the context for the parsed command line. The config file is read only by the
    /// commands that use it (not by `completions`, `emulator` or `config` itself).
    pub fn new(cli: &Cli) -> Result<Self> {
        let g = &cli.global;
        let printer = Arc::new(Printer::new(g.json, g.quiet, g.verbose, g.color));
        let uses_config = !matches!(
            cli.command,
            Command::Completions { .. }
                | Command::Man { .. }
                | Command::Emulator(_)
                | Command::Config(_)
                | Command::Sheet(_)
        );
        let config = match Settings::config_path() {
            Some(path) if uses_config => {
                let config = Config::load(&path)?;
                if let Some(w) = crate::settings::config_file::permission_warning(&path, &config) {
                    printer.info(&w);
                }
                config
            }
            _ => Config::default(),
        };
        let settings = Settings::resolve(g, config)?;
        // `--emulator` runs keep their jobs in a throw-away directory: the jobs die with the
        // process, and recording them would teach the poll schedule an emulator's timing and
        // offer them for resuming against the real API.
        let scratch = if settings.emulator {
            let dir = tempfile::Builder::new()
                .prefix("segflux-emulator-")
                .tempdir()
                .map_err(|e| Error::io("cannot create a scratch directory", e))?;
            Some(Arc::new(dir))
        } else {
            None
        };
        let data_dir = match &scratch {
            Some(dir) => Some(dir.path().to_owned()),
            None => Settings::data_dir(),
        };
        Ok(Self {
            settings,
            printer,
            submitted: Arc::new(Mutex::new(Vec::new())),
            submitting: Arc::default(),
            states: Arc::default(),
            opened: Arc::default(),
            failed: Arc::default(),
            told_fallback: Arc::default(),
            data_dir,
            _scratch: scratch,
        })
    }

    /// Tells the user when a journal transition (`what`, e.g. "the completion") of job `id`
    /// could not be recorded: the job itself is unharmed, but `status` and re-runs will not
    /// know it.
    pub fn journaled(&self, what: &str, id: &str, recorded: std::io::Result<()>) {
        if let Err(e) = recorded {
            self.printer.info(&format!(
                "warning: cannot record {what} of job {id} in the job journal: {e}"
            ));
        }
    }

    /// The run's journal: opened (created, migrated, pruned to the config's `history_days`)
    /// on first use, once per run, and shared by every task of the run. Opening it lazily
    /// keeps commands that never read it (`inspect`, `credits`, a `--dry-run`) from creating
    /// it. `None` when it cannot be opened; [`Context::history_error`] says why.
    pub fn journal(&self) -> Option<&Journal> {
        if self.failed.get().is_some() {
            return None;
        }
        self.opened_journal().as_ref().ok()
    }

    /// Why [`Context::history`] gives `None`, if it does.
    pub fn journal_error(&self) -> Option<&str> {
        if let Some(why) = self.failed.get() {
            return Some(why);
        }
        self.opened_journal().as_ref().err().map(String::as_str)
    }

    /// The journal could not take a write-ahead record (`why`): it is unusable for the rest
    /// of the run, so no later job waits on it again.
    pub fn journal_failed(&self, why: &str) {
        // The first reason is the one kept; a later one changes nothing.
        self.failed.get_or_init(|| why.to_owned());
    }

    fn opened_journal(&self) -> &std::result::Result<Journal, String> {
        self.opened.get_or_init(|| {
            let dir = self
                .data_dir
                .as_deref()
                .ok_or_else(|| "this platform has no data directory".to_owned())?;
            let days = self
                .settings
                .config
                .history_days
                .map_or(crate::journal::DEFAULT_HISTORY_DAYS, NonZeroU32::get);
            Journal::open_for_run(dir, days, self.settings.timeout)
        })
    }

    /// Says once per run that the manifest holds the write-ahead records, the journal being
    /// unusable (`why`).
    pub fn tell_fallback(&self, why: &str) {
        if !self
            .told_fallback
            .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            self.printer.info(&format!(
                "warning: {why}; the manifest holds this run's write-ahead records instead (a re-run with it pays nothing twice)"
            ));
        }
    }

    /// Records an accepted job as in flight.
    pub fn record_submit(&self, request_id: &str) {
        if let Ok(mut ids) = self.submitted.lock() {
            ids.push(request_id.to_owned());
        }
    }

    /// A job is no longer in flight (its outcome was reported).
    pub fn record_done(&self, request_id: &str) {
        if let Ok(mut ids) = self.submitted.lock() {
            ids.retain(|id| id != request_id);
        }
    }

    /// Job `request_id` was seen in `state`.
    pub fn record_state(&self, request_id: &str, state: &segflux_api::JobState) {
        if let Ok(mut states) = self.states.lock() {
            states.insert(request_id.to_owned(), State::from(state));
        }
    }

    /// The state job `request_id` was last seen in: `SUBMITTED` when no answer said.
    pub fn last_state(&self, request_id: &str) -> State {
        self.states
            .lock()
            .ok()
            .and_then(|s| s.get(request_id).cloned())
            .unwrap_or(State::Submitted)
    }

    /// How many submits are sent and not yet answered.
    pub fn submits_in_flight(&self) -> usize {
        self.submitting.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The jobs accepted and still in flight.
    pub fn submitted_ids(&self) -> Vec<String> {
        self.submitted.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The poll schedule for a job of `model` (`None`: unknown). It learns from the finish
    /// times segflux saw for the model's last [`SCHEDULE_SAMPLES`] jobs in the history;
    /// failing three of those, from the jobs' server inference times (jobs fetched after they
    /// finished), which leave out the queue, so the window comes early and a late finish is
    /// caught after it; failing those, it expects the model's typical time where one is
    /// known, and polls like Segmind's SDK where none is.
    /// Called after the submit, so the history scan is not on the way to the first request.
    pub fn schedule(&self, model: Option<&str>) -> PollSchedule {
        if let Some(interval) = self.settings.poll_override {
            return PollSchedule::fixed(interval);
        }
        let learnt = model.zip(self.journal()).and_then(|(model, history)| {
            let (finish, inference) = history.recent_samples(model, SCHEDULE_SAMPLES);
            PollSchedule::learnt(&finish, &inference)
        });
        learnt
            .or_else(|| self.typical_time(model).map(PollSchedule::around))
            .unwrap_or_else(PollSchedule::sdk)
    }

    /// What a job is expected to take with no history: the model page's 14 s for the default
    /// model, or, against the built-in emulator, its own timeline for every model (a
    /// newcomer's first `--emulator` run should not wait for a 14 s job that takes 4 s).
    /// `None` for other models: nothing is known about them.
    fn typical_time(&self, model: Option<&str>) -> Option<std::time::Duration> {
        if self.settings.emulator {
            let emu = EmulatorConfig::default();
            Some(emu.queued + emu.processing)
        } else {
            (model == Some(segflux_api::DEFAULT_MODEL)).then_some(PollSchedule::TYPICAL)
        }
    }
}

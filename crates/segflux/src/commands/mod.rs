//! One function per command, and the context they share.
//!
//! Commands turn resolved settings into calls on the client, the waiting loop and the output
//! writer, and report through the printer. `main` races [`run`] against Ctrl-C; what a command
//! submitted is recorded in [`Context::submitted`] so an interrupt can still name every paid job.

mod batch;
mod completions;
mod config;
mod cost;
mod credits;
mod deliver;
mod emulator;
mod fetch;
mod generate;
mod inspect;
mod intent;
mod reconcile;
mod recover;
mod sheet;
mod status;
mod submit;
mod upload;
mod view;
mod waiting;

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::cli::{Cli, Command};
use crate::client::{ApiKey, Client};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::history::History;
use crate::printer::Printer;
use crate::settings::Settings;
use crate::wait::PollSchedule;
use segflux_emulator::{Emulator, EmulatorConfig};

pub use completions::{write_completions, write_man_page};

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
    /// Submits sent and not yet answered, for the Ctrl-C report.
    pub submitting: Arc<std::sync::atomic::AtomicUsize>,
    /// The run's journal, opened on first use (see [`Context::history`]).
    journal: Arc<OnceLock<std::result::Result<History, String>>>,
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
                if let Some(w) = crate::config::permission_warning(&path, &config) {
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
            journal: Arc::default(),
            data_dir,
            _scratch: scratch,
        })
    }

    /// The run's journal: opened (created, migrated, pruned to the config's `history_days`)
    /// on first use, once per run, and shared by every task of the run. Opening it lazily
    /// keeps commands that never read it (`inspect`, `credits`, a `--dry-run`) from creating
    /// it. `None` when it cannot be opened; [`Context::history_error`] says why.
    pub fn history(&self) -> Option<&History> {
        self.opened_journal().as_ref().ok()
    }

    /// Why [`Context::history`] gives `None`, if it does.
    pub fn history_error(&self) -> Option<&str> {
        self.opened_journal().as_ref().err().map(String::as_str)
    }

    fn opened_journal(&self) -> &std::result::Result<History, String> {
        self.journal.get_or_init(|| {
            let dir = self
                .data_dir
                .as_deref()
                .ok_or_else(|| "this platform has no data directory".to_owned())?;
            let days = self
                .settings
                .config
                .history_days
                .map_or(crate::history::DEFAULT_HISTORY_DAYS, NonZeroU32::get);
            History::open_for_run(dir, days)
        })
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
        let learnt = model.zip(self.history()).and_then(|(model, history)| {
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

/// A connection to the API: the client, and the in-process emulator it talks to, if any
/// (which must live as long as the client is used).
pub struct Connection {
    /// The HTTP layer.
    pub client: Client,
    _emulator: Option<Emulator>,
}

/// Starts the built-in emulator when `--emulator` is on, then builds the client.
pub async fn connect(ctx: &Context) -> Result<Connection> {
    connect_with(ctx, ctx.printer.clone(), ctx.settings.deadline()).await
}

/// [`connect`] with another reporter for the HTTP layer and another overall deadline.
pub async fn connect_with(
    ctx: &Context,
    reporter: Arc<dyn crate::report::Reporter>,
    deadline: std::time::Instant,
) -> Result<Connection> {
    // A key that cannot be sent stops the run before anything starts.
    let given = ctx.settings.key()?;
    let (emulator, base_url, key) = if ctx.settings.emulator {
        let config = EmulatorConfig {
            image_long_side: crate::settings::Settings::emulator_image_size()?,
            ..EmulatorConfig::default()
        };
        let emu = Emulator::start(config)
            .await
            .map_err(|e| Error::io("cannot start the built-in emulator", e))?;
        let base = emu.base_url();
        let key = given.or_else(|| ApiKey::new("emulator"));
        (Some(emu), base, key)
    } else {
        (None, ctx.settings.base_url.clone(), given)
    };
    let key = match key {
        Some(k) => k,
        None => ctx.settings.require_key()?,
    };
    let userinfo = (!ctx.settings.emulator)
        .then(|| ctx.settings.base_userinfo.clone())
        .flatten();
    let client = Client::new(&base_url, key, ctx.settings.backoff, deadline, reporter)?
        .with_userinfo(userinfo);
    Ok(Connection {
        client,
        _emulator: emulator,
    })
}

/// Runs the parsed command.
pub async fn run(cli: Cli, ctx: Context) -> Result<()> {
    match cli.command {
        Command::Generate(args) => {
            let to_stdout = view::to_stdout(&ctx, &args)?;
            if args.batch.is_batch() {
                batch::run(&ctx, args).await
            } else {
                generate::run(&ctx, args, to_stdout).await
            }
        }
        Command::Submit(args) => submit::run(&ctx, args).await,
        Command::Status(args) => status::run(&ctx, args).await,
        Command::Fetch(args) => fetch::run(&ctx, args).await,
        Command::Completions { shell } => write_completions(shell, &mut std::io::stdout().lock())
            .map_err(|e| Error::io("cannot write the completions", e)),
        Command::Man { command } => {
            write_man_page(command.as_deref(), &mut std::io::stdout().lock())
        }
        Command::Emulator(args) => emulator::run(&ctx, &args).await,
        Command::Config(cmd) => config::run(&ctx, &cmd),
        // Reads a user-given file, which may block (a FIFO): off the runtime's thread.
        Command::Inspect(args) => {
            let worker = ctx.clone();
            crate::detached::run("inspect", move || inspect::run(&worker, &args)).await
        }
        Command::Sheet(args) => sheet::run_detached(ctx.clone(), args).await,
        Command::Credits => credits::run(&ctx).await,
    }
}

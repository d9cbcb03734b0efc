//! One file per command, and the dispatch from the parsed command line to it.
//!
//! Commands compose one job's life from `job/` (connect, submit, wait, deliver) and report
//! through the printer; they do not re-walk it. `main` races [`run`] against Ctrl-C; what a
//! command submitted is recorded in `Context::submitted` so an interrupt can still name every
//! paid job.

pub(crate) mod batch;
mod completions;
mod config;
mod credits;
mod emulator;
mod fetch;
mod generate;
mod inspect;
mod sheet;
mod status;
mod submit;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::job::Context;

pub use completions::{write_completions, write_man_page};

/// Runs the parsed command.
pub async fn run(cli: Cli, ctx: Context) -> Result<()> {
    match cli.command {
        Command::Generate(args) => {
            let to_stdout = crate::job::view::to_stdout(&ctx, &args)?;
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
            crate::job::detached::run("inspect", move || inspect::run(&worker, &args)).await
        }
        Command::Sheet(args) => sheet::run_detached(ctx.clone(), args).await,
        Command::Credits => credits::run(&ctx).await,
    }
}

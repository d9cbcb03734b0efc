//! `segflux completions SHELL` and the man page: generated from the clap definitions, and
//! checked in under `completions/` and `man/` (a test fails when they are stale).

use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::error::{Error, Result};

/// Writes the completion script for `shell`; the files in `completions/` are this output.
pub fn write_completions(
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "segflux", &mut buf);
    out.write_all(&buf)?;
    out.flush()
}

/// Writes the man page of segflux or of one subcommand; `man/segflux.1` and
/// `man/segflux-COMMAND.1` are this output.
pub fn write_man_page(command: Option<&str>, out: &mut dyn std::io::Write) -> Result<()> {
    let root = Cli::command();
    let cmd = match command {
        None => root,
        Some(name) => {
            let sub = root
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| Error::invalid("[COMMAND]", Some(name), "no such subcommand"))?;
            sub.name(format!("segflux-{name}"))
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .and_then(|()| out.write_all(&buf))
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("cannot write the man page", e))
}

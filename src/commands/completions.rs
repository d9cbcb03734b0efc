//! `segflux completions SHELL`: completion scripts generated from the clap definitions.

use clap::CommandFactory as _;

use crate::cli::Cli;

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

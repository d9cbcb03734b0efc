//! Seeing a single `generate`'s image (spec: "Pictures"): `-o -` puts the verified image on
//! stdout, the inline preview shows it in the terminal, `--open` hands it to the system's
//! viewer. Decides when each applies; the terminal protocols are `preview`'s.

use std::io::IsTerminal as _;
use std::path::Path;

use crate::cli::GenerateArgs;
use crate::error::{Error, Result};
use crate::ui::preview;

use super::Context;

/// Whether `-o -` was asked for; refused (exit 2, before anything is sent) in a batch, with
/// `--json`, `--sidecar` or `--open`, and when stdout is a terminal.
pub fn to_stdout(ctx: &Context, args: &GenerateArgs) -> Result<bool> {
    if args.output.as_deref() != Some(Path::new("-")) {
        return Ok(false);
    }
    let why = if args.batch.is_batch() {
        "a batch writes files and prints their paths on stdout"
    } else if ctx.printer.is_json() {
        "--json prints JSON on stdout, so the image cannot go there"
    } else if args.provenance.sidecar {
        "--sidecar needs a file to write the record beside"
    } else if args.view.open {
        "--open needs a file to open"
    } else if std::io::stdout().is_terminal() {
        "stdout is a terminal; redirect it (segflux generate PROMPT -o - > out.jpg, or | another-tool)"
    } else {
        return Ok(true);
    };
    Err(Error::Usage(format!(
        "invalid value '-' for '--output <PATH>': {why}"
    )))
}

/// `--preview` / `--no-preview` as one setting (`None`: neither given).
pub fn preview_flag(args: &GenerateArgs) -> Option<bool> {
    if args.view.preview {
        Some(true)
    } else if args.view.no_preview {
        Some(false)
    } else {
        None
    }
}

/// After a single job's image was written to `path` and its path printed: the preview when
/// wanted, then `--open`. Neither can fail the command (the image is written and paid for):
/// a problem is a warning.
pub fn after_write(ctx: &Context, path: &Path, preview_flag: Option<bool>, open: bool) {
    let p = &ctx.printer;
    let conditions = preview::Conditions {
        stdout_tty: std::io::stdout().is_terminal(),
        stderr_tty: std::io::stderr().is_terminal(),
        ci: std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false")),
        quiet: p.is_quiet(),
        json: p.is_json(),
        flag: preview_flag,
        config: ctx.settings.config.preview,
    };
    if preview::wanted(conditions)
        && let Some(protocol) = preview::protocol(|name| std::env::var(name).ok())
    {
        let (rows, cols) = console::Term::stdout().size();
        if let Err(why) = preview::show(path, protocol, cols, rows / 3) {
            p.info(&format!("warning: no preview: {why}"));
        }
    }
    if open && let Err(e) = opener::open(path) {
        p.info(&format!(
            "warning: cannot open {} in a viewer: {e}",
            path.display()
        ));
    }
}

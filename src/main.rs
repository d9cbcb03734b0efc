//! The segflux binary: parse, build the runtime, race the command against Ctrl-C, render the
//! error, return the exit code. Nothing else lives here.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use clap::error::ErrorKind;

use segflux::cli::{Cli, Command};
use segflux::commands::{self, Context};
use segflux::error::Error;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return report(
                &Error::Other(format!("cannot start the runtime: {e}")),
                None,
            );
        }
    };
    let ctx = match Context::new(&cli) {
        Ok(ctx) => ctx,
        Err(e) => return report(&e, None),
    };
    let serves_until_ctrl_c = matches!(cli.command, Command::Emulator(_));
    let outcome = runtime.block_on(async {
        if serves_until_ctrl_c {
            return commands::run(cli, ctx.clone()).await;
        }
        tokio::select! {
            r = commands::run(cli, ctx.clone()) => r,
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted {
                ids: ctx.submitted_ids(),
                submitting: ctx.submits_in_flight(),
            }),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e, Some(&ctx)),
    }
}

/// Prints the error (with every submitted request id on an interrupt) and maps the exit code.
fn report(e: &Error, ctx: Option<&Context>) -> ExitCode {
    let text = e.render();
    match ctx {
        Some(ctx) => ctx.printer.error(&text),
        None => eprintln_safe(&text),
    }
    ExitCode::from(e.exit_code())
}

/// Help and version go to stdout with exit 0; usage errors become one line and exit 2.
fn clap_exit(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            eprintln_safe(&usage_line(&e.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// Folds clap's multi-line message into one line: the error, plus the possible values.
fn usage_line(rendered: &str) -> String {
    let mut raw = rendered.lines();
    let mut line = raw
        .next()
        .unwrap_or("error: invalid usage")
        .trim()
        .to_owned();
    // "…were not provided:" is followed by the indented list of what is missing.
    if line.ends_with(':') {
        let items: Vec<&str> = raw
            .clone()
            .take_while(|l| l.starts_with("  "))
            .map(str::trim)
            .collect();
        line.push(' ');
        line.push_str(&items.join(", "));
    }
    for l in raw.map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(values) = l.strip_prefix("[possible values: ") {
            let _ = write!(line, " (possible values: {})", values.trim_end_matches(']'));
        } else if l.starts_with("tip: a similar") {
            let _ = write!(line, " ({l})");
        }
    }
    line
}

fn eprintln_safe(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{text}");
}

#[cfg(test)]
mod tests {
    use super::usage_line;

    #[test]
    fn clap_messages_fold_into_one_line() {
        let missing = "error: the following required arguments were not provided:\n  <PROMPT>\n\nUsage: segflux generate <PROMPT>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_line(missing),
            "error: the following required arguments were not provided: <PROMPT>"
        );
        let values = "error: invalid value '7:5' for '--ar <RATIO>'\n  [possible values: 21:9, 16:9]\n\n  tip: a similar value exists: '16:9'\n";
        assert_eq!(
            usage_line(values),
            "error: invalid value '7:5' for '--ar <RATIO>' (possible values: 21:9, 16:9) (tip: a similar value exists: '16:9')"
        );
        let unknown = "error: unexpected argument '--bogus' found\n\n  tip: to pass '--bogus' as a value, use '-- --bogus'\n";
        assert_eq!(
            usage_line(unknown),
            "error: unexpected argument '--bogus' found"
        );
    }
}

//! The segflux binary: parse, build the runtime, race the command against Ctrl-C, SIGTERM and
//! SIGHUP, render the error, return the exit code. Nothing else lives here.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use segflux::cli::{Cli, Command};
use segflux::commands;
use segflux::error::Error;
use segflux::job::Context;

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
            return report(&Error::io("cannot start the runtime", e), None);
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
        // `biased`: the signal handlers are installed when their future is first polled,
        // which must happen before the command's first request (else an early signal kills
        // us). Dropping the command's future removes its temporary files.
        tokio::select! {
            biased;
            code = stop_signal() => Err(Error::Interrupted {
                ids: ctx.submitted_ids(),
                submitting: ctx.submits_in_flight(),
                code,
            }),
            r = commands::run(cli, ctx.clone()) => r,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e, Some(&ctx)),
    }
}

/// The first of SIGINT (Ctrl-C), SIGTERM (CI cancel, `timeout`, `docker stop`) and SIGHUP (a
/// closed terminal), as its exit code: 130, 143, 129. All three are handled alike.
async fn stop_signal() -> u8 {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => 130,
                _ = term.recv() => 143,
                _ = hup.recv() => 129,
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    130
}

/// Prints the error (with every submitted request id on an interrupt) and maps the exit code.
fn report(e: &Error, ctx: Option<&Context>) -> ExitCode {
    let text = e.render();
    match ctx {
        Some(ctx) => {
            if ctx.printer.is_json() {
                let last = |id: &str| ctx.last_state(id);
                for r in segflux::failure_reports(e, &last) {
                    ctx.printer.json_line(&r);
                }
            }
            ctx.printer.error(&text);
        }
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
            eprintln_safe(&usage_line(e));
            ExitCode::from(2)
        }
    }
}

/// One line from clap's error kind and context (never from its rendered text): what is
/// wrong, naming the option, plus the allowed values or clap's suggestion.
fn usage_line(e: &clap::Error) -> String {
    let mut line = what_is_wrong(e, &Culprit::of(e));
    append_tips(e, &mut line);
    format!("error: {line}")
}

/// A piece of clap's error context as text (a list joined with `, `).
fn context_text(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) if !v.is_empty() => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// The option a usage error is about, and the value it rejected (never the API key's).
struct Culprit {
    /// The option as clap names it, e.g. `--ar <RATIO>`.
    name: String,
    /// The rejected value; `(redacted)` for the key.
    value: String,
    /// The option as the line quotes it (the key's also names its environment variable).
    arg: String,
}

impl Culprit {
    fn of(e: &clap::Error) -> Self {
        let name = context_text(e, ContextKind::InvalidArg).unwrap_or_default();
        let mut value = context_text(e, ContextKind::InvalidValue).unwrap_or_default();
        if name.starts_with("--api-key") && !value.is_empty() {
            // The rejected value is (nearly) the key: never echo it.
            "(redacted)".clone_into(&mut value);
        }
        let arg = if name.starts_with("--api-key") {
            format!("'{name}' (or {})", segflux::settings::env::API_KEY)
        } else {
            format!("'{name}'")
        };
        Self { name, value, arg }
    }
}

/// What is wrong, by clap's error kind.
fn what_is_wrong(e: &clap::Error, culprit: &Culprit) -> String {
    let Culprit { name, value, arg } = culprit;
    match e.kind() {
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("a value is required for {arg} but none was supplied")
        }
        ErrorKind::InvalidValue => format!("invalid value '{value}' for {arg}"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map_or_else(String::new, |s| format!(": {s}"));
            format!("invalid value '{value}' for {arg}{why}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!("the following required arguments were not provided: {name}")
        }
        ErrorKind::UnknownArgument => format!("unexpected argument {arg} found"),
        ErrorKind::InvalidSubcommand => format!(
            "unrecognized subcommand '{}'",
            context_text(e, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::ArgumentConflict => match context_text(e, ContextKind::PriorArg) {
            Some(prior) if prior != *name => {
                format!("the argument {arg} cannot be used with '{prior}'")
            }
            _ => format!("the argument {arg} cannot be used multiple times"),
        },
        ErrorKind::NoEquals => format!("equal sign is needed when assigning values to {arg}"),
        ErrorKind::TooManyValues => format!("unexpected value '{value}' for {arg} found"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("wrong number of values for {arg}")
        }
        ErrorKind::MissingSubcommand => format!(
            "'{}' requires a subcommand",
            context_text(e, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        kind => kind.as_str().unwrap_or("invalid usage").to_owned(),
    }
}

/// The allowed values and clap's suggestions, each in parentheses after the line.
fn append_tips(e: &clap::Error, line: &mut String) {
    if let Some(values) = context_text(e, ContextKind::ValidValue) {
        let _ = write!(line, " (possible values: {values})");
    }
    if let Some(similar) = context_text(e, ContextKind::SuggestedValue) {
        let _ = write!(line, " (tip: a similar value exists: '{similar}')");
    }
    if let Some(similar) = context_text(e, ContextKind::SuggestedSubcommand) {
        let _ = write!(line, " (tip: a similar subcommand exists: '{similar}')");
    }
}

fn eprintln_safe(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{text}");
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;
    use segflux::cli::Cli;

    use super::usage_line;

    fn line(args: &[&str]) -> String {
        let e = Cli::try_parse_from([&["segflux"], args].concat()).expect_err("a usage error");
        usage_line(&e)
    }

    #[test]
    fn clap_errors_become_one_line_from_their_kind() {
        assert_eq!(
            line(&["generate", "--seed", "1"]),
            "error: the following required arguments were not provided: <PROMPT>"
        );
        let ar = line(&["generate", "a fox", "--ar", "16:8"]);
        assert!(
            ar.starts_with(
                "error: invalid value '16:8' for '--ar <RATIO>' (possible values: 21:9, 16:9,"
            ),
            "{ar}"
        );
        assert!(
            ar.ends_with("(tip: a similar value exists: '16:9')"),
            "{ar}"
        );
        assert_eq!(
            line(&["generate", "a fox", "--bogus"]),
            "error: unexpected argument '--bogus' found"
        );
        let seed = line(&["generate", "a fox", "--seed", "abc"]);
        assert!(
            seed.starts_with("error: invalid value 'abc' for '--seed <N>': "),
            "{seed}"
        );
        // A key that cannot be sent is judged when a command sends it (Settings::key); a
        // clap error about the key option still names it, never its value.
        let key = line(&["--api-key", "sk-secret", "--api-key", "sk-other", "status"]);
        assert_eq!(
            key,
            "error: the argument '--api-key <KEY>' (or SEGMIND_API_KEY) cannot be used multiple times"
        );
        for l in [ar, seed] {
            assert_eq!(l.lines().count(), 1, "{l}");
        }
    }
}

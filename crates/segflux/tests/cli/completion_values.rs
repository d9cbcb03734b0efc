//! Every value-taking option's completion offers its allowed values (issue 20: the bash
//! script once offered file names for `--safety-tolerance`). The allowed values come from the
//! contract (`shared/spec/cli.md`), not from the code that generates the scripts.

use clap::CommandFactory as _;
use segflux::cli::Cli;

use crate::testenv::TestEnv;

/// Options whose allowed values the contract fixes, with those values.
fn contract() -> Vec<(&'static str, Vec<String>)> {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        ("ar", owned(&segflux_api::ASPECT_RATIOS)),
        ("safety-tolerance", owned(&["1", "2", "3", "4", "5", "6"])),
        ("format", owned(&["jpg", "png"])),
        ("color", owned(&["auto", "always", "never"])),
    ]
}

/// Every (subcommand path, option long name, possible values) clap knows, options of every
/// subcommand included.
fn options(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String, Vec<String>)>) {
    for arg in cmd.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if !arg.get_action().takes_values() {
            continue;
        }
        let values = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_owned())
            .collect();
        out.push((path.to_owned(), long.to_owned(), values));
    }
    for sub in cmd.get_subcommands() {
        options(sub, &format!("{path}__subcmd__{}", sub.get_name()), out);
    }
}

/// The bash script's completion words for `--long` in the section of `path`, if it offers
/// a word list there (`None` when it offers file names or nothing).
fn bash_words(script: &str, path: &str, long: &str) -> Option<Vec<String>> {
    let section = script.split(&format!("        {path})\n")).nth(1)?;
    let section = section.split("\n        segflux").next()?;
    let case = section.split(&format!("--{long})\n")).nth(1)?;
    let line = case.lines().next()?.trim();
    let words = line
        .strip_prefix("COMPREPLY=($(compgen -W \"")?
        .split('"')
        .next()?;
    Some(words.split_whitespace().map(str::to_owned).collect())
}

#[test]
fn every_option_with_allowed_values_completes_them() {
    let mut all = Vec::new();
    options(&Cli::command(), "segflux", &mut all);
    for (long, want) in contract() {
        let found: Vec<_> = all.iter().filter(|(_, l, _)| *l == long).collect();
        assert!(!found.is_empty(), "--{long} is gone from the command line");
        for (path, _, values) in found {
            assert_eq!(values, &want, "--{long} of {path}: clap's allowed values");
        }
    }
    let env = TestEnv::new();
    let run = env.run(&["completions", "bash"]);
    run.expect_code(0);
    let mut checked = 0;
    for (path, long, values) in &all {
        if values.is_empty() {
            continue;
        }
        let words = bash_words(&run.stdout, path, long);
        assert_eq!(
            words.as_ref(),
            Some(values),
            "bash completion of --{long} in {path}"
        );
        checked += 1;
    }
    assert!(
        checked >= 7,
        "only {checked} options with allowed values were checked"
    );
}

//! Failing closed, issue 26 items 6-8: `--json` after an interrupt or `--timeout` reports the
//! job's last known state (never FAILED), server text reaches neither a terminal nor a file
//! with its control characters, and output names that differ only in case or Unicode
//! normalisation are a usage error before anything is paid. (The lows are in
//! `fail_closed_lows.rs`.)

use segflux_emulator::{Endpoint, FaultKind};
use serde_json::Value;

use crate::pty;
use crate::testenv::{Run, TestEnv};

/// What a hostile server puts in an error: a window title, a clear screen, an OSC 52
/// clipboard write, a C1 CSI, a carriage return and a right-to-left override.
const HOSTILE: &str =
    "bad\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{9b}31m\rfake\u{202e}gpj.exe";

/// The raw pieces of [`HOSTILE`] that must never be shown.
const RAW: [&str; 6] = [
    "\u{1b}]0;",
    "\u{1b}[2J",
    "\u{1b}]52",
    "\u{9b}",
    "\u{202e}",
    "\rfake",
];

fn json_lines(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// A line of a job that may still finish: its last known state with `flag` set.
#[track_caller]
fn still_running(v: &Value, flag: &str) {
    let status = v["status"].as_str().unwrap_or_default();
    assert!(
        matches!(status, "QUEUED" | "PROCESSING" | "SUBMITTED"),
        "a job that may still finish said {status}: {v}"
    );
    assert_eq!(v[flag], true, "{v}");
    assert!(v["request_id"].is_string(), "{v}");
}

#[test]
fn json_after_sigterm_reports_the_last_known_state_single_and_batch() {
    let env = TestEnv::new();
    let run = env.signal_when(
        &["--json", "generate", "a fox #never"],
        "PROCESSING",
        "TERM",
    );
    run.expect_code(143);
    let lines = json_lines(&run);
    assert_eq!(lines.len(), 1, "{run:#?}");
    still_running(&lines[0], "interrupted");
    assert_eq!(lines[0]["status"], "PROCESSING", "{run:#?}");

    // A job this run did not submit, waited on by `fetch --wait`: the same.
    let submitted = env.run(&["submit", "a hare #never"]);
    let id = submitted.expect_code(0).last_line().to_owned();
    let run = env.signal_when(&["--json", "fetch", &id, "--wait"], "PROCESSING", "TERM");
    run.expect_code(143);
    let lines = json_lines(&run);
    assert_eq!(lines.len(), 1, "{run:#?}");
    still_running(&lines[0], "interrupted");
    assert_eq!(lines[0]["request_id"], id.as_str(), "{run:#?}");

    let env = TestEnv::new();
    env.write_file("p.txt", "a fox\nslow one #never\nslow two #never\n");
    let args = [
        "--json",
        "generate",
        "--from",
        "p.txt",
        "--manifest",
        "m.jsonl",
    ];
    let run = env.signal_when(&args, "written", "TERM");
    run.expect_code(143);
    let lines = json_lines(&run);
    let (written, running): (Vec<&Value>, Vec<&Value>) =
        lines.iter().partition(|v| v["status"] == "COMPLETED");
    assert_eq!((written.len(), running.len()), (1, 2), "{run:#?}");
    for v in running {
        still_running(v, "interrupted");
    }
}

#[test]
fn json_after_timeout_reports_the_last_known_state_single_and_batch() {
    let env = TestEnv::new();
    let run = env.run(&["--json", "--timeout", "1", "generate", "a heron #never"]);
    run.expect_code(6);
    let lines = json_lines(&run);
    assert_eq!(lines.len(), 1, "{run:#?}");
    still_running(&lines[0], "timed_out");
    assert_eq!(lines[0]["status"], "PROCESSING", "{run:#?}");
    assert_eq!(lines[0]["exit_code"], 6);

    env.write_file("p.txt", "a heron #never\n");
    let run = env.run(&["--json", "--timeout", "1", "generate", "--from", "p.txt"]);
    run.expect_code(6);
    let lines = json_lines(&run);
    assert_eq!(lines.len(), 1, "{run:#?}");
    still_running(&lines[0], "timed_out");
}

fn hostile_422(env: &TestEnv) {
    env.inject(
        Endpoint::Submit,
        1,
        FaultKind::Http {
            status: 422,
            body: serde_json::json!({ "error": HOSTILE }).to_string(),
            retry_after: None,
        },
    );
}

#[test]
fn an_escape_laden_422_reaches_the_terminal_as_plain_text() {
    let env = TestEnv::new();
    hostile_422(&env);
    let mut cmd = env.cmd();
    cmd.args(["generate", "a fox"]);
    let screen = pty::run(&cmd, vec![]);
    assert_eq!(screen.code, Some(5), "{screen:#?}");
    assert!(screen.output.contains("pwned"), "{screen:#?}");
    for raw in RAW {
        assert!(
            !screen.output.contains(raw),
            "{raw:?} reached the terminal: {screen:#?}"
        );
    }

    // Piped, in the JSON line (and so in a manifest): nothing raw either.
    hostile_422(&env);
    let run = env.run(&["--json", "generate", "a fox"]);
    run.expect_code(5);
    let error = json_lines(&run)[0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(error.contains("pwned"), "{run:#?}");
    for raw in RAW.iter().chain(&["\u{1b}", "\r"]) {
        assert!(
            !error.contains(raw) && !run.stderr.contains(raw),
            "{run:#?}"
        );
    }
}

#[test]
fn prompts_with_c1_and_bidi_characters_are_plain_in_the_status_table() {
    let env = TestEnv::new();
    env.run(&["submit", "a \u{9b}31m fox \u{202e}gpj.exe \u{85}x\u{2066}"])
        .expect_code(0);
    let run = env.run(&["status"]);
    run.expect_code(0);
    assert!(run.stdout.contains("fox"), "{run:#?}");
    for raw in ["\u{9b}", "\u{202e}", "\u{85}", "\u{2066}"] {
        assert!(!run.stdout.contains(raw), "{raw:?} in the table: {run:#?}");
    }
}

#[test]
fn names_that_differ_only_in_case_or_normalisation_are_a_usage_error() {
    let pairs = [
        ("Hero.jpg", "hero.jpg"),
        ("caf\u{e9}.jpg", "cafe\u{301}.jpg"),
    ];
    for (one, other) in pairs {
        let env = TestEnv::new();
        let line = |prompt: &str, output: &str| {
            serde_json::json!({ "prompt": prompt, "output": output }).to_string()
        };
        env.write_file(
            "jobs.jsonl",
            &format!("{}\n{}\n", line("a fox", one), line("a hare", other)),
        );
        let run = env.run(&["generate", "--from", "jobs.jsonl"]);
        run.expect_code(2);
        assert!(run.stderr.contains("line 2"), "{run:#?}");
        assert!(
            run.stderr.contains("case or Unicode normalisation"),
            "{run:#?}"
        );
        assert_eq!(env.request_count(), 0, "something was sent: {run:#?}");
        assert_eq!(TestEnv::files(&env.work()), ["jobs.jsonl"]);
    }
}

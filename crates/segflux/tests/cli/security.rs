//! Hostile input and secrets: a server that quotes the key back, a base URL with a password,
//! keys that cannot be sent, numbers out of range, unbounded inputs.

use std::path::Path;

use segflux_emulator::{Endpoint, FaultKind};

use crate::testenv::{CANARY_KEY, TestEnv};

/// Every byte of every file under `dir`, to search for a secret.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(all_bytes(&p));
        } else if let Ok(b) = std::fs::read(&p) {
            out.extend(b);
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_server_quoting_the_key_back_shows_redacted() {
    let env = TestEnv::new();
    let quoted = FaultKind::Http {
        status: 401,
        body: format!(r#"{{"error":"Invalid API key '{CANARY_KEY}'"}}"#),
        retry_after: None,
    };
    env.inject(Endpoint::Submit, 1, quoted);
    // `run` fails the test if the key shows anywhere on stdout or stderr.
    let run = env.run(&["-v", "generate", "a fox"]);
    run.expect_code(3);
    assert!(
        run.stderr.contains("Invalid API key '[redacted]'"),
        "{}",
        run.stderr
    );
    let failed = FaultKind::Http {
        status: 422,
        body: format!(r#"{{"status":"FAILED","error":"bad key {CANARY_KEY} in job"}}"#),
        retry_after: None,
    };
    env.inject(Endpoint::Status, 1, failed);
    let run = env.run(&["--json", "generate", "a heron"]);
    run.expect_code(5);
    assert!(
        run.stderr.contains("bad key [redacted] in job"),
        "{}",
        run.stderr
    );
    assert!(
        !contains(&all_bytes(&env.root.path().join("data")), CANARY_KEY),
        "the key reached the history"
    );
}

#[test]
fn the_base_urls_password_is_never_shown_or_stored() {
    let env = TestEnv::new();
    let base = env
        .emu
        .base_url()
        .replacen("http://", "http://admin:pw-s3cret@", 1);
    let secret = "pw-s3cret";
    for args in [
        &["-v", "generate", "a fox"][..],
        &["generate", "a fox", "--dry-run"][..],
        &["--json", "submit", "a heron"][..],
        &["status"][..],
        &["--json", "status"][..],
    ] {
        let run = env.run_cmd(env.cmd().env("SEGFLUX_BASE_URL", &base).args(args));
        run.expect_code(0);
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{args:?}: {run:#?}"
        );
    }
    let bad = env.run_cmd(
        env.cmd()
            .args(["--base-url", "ftp://admin:pw-s3cret@x", "status"]),
    );
    bad.expect_code(2);
    assert!(!bad.stderr.contains(secret), "{}", bad.stderr);
    env.run(&["config", "set", "base_url", &base])
        .expect_code(0);
    let list = env.run(&["config", "list"]);
    assert!(
        !list.stdout.contains(secret) && list.stdout.contains("[redacted]@"),
        "{}",
        list.stdout
    );
    assert!(
        !contains(&all_bytes(&env.root.path().join("data")), secret),
        "the password reached the history"
    );
}

#[test]
fn a_broken_key_in_the_environment_stops_only_the_commands_that_send_it() {
    let env = TestEnv::new();
    // A shell profile or CI job exports a key that cannot be sent: completions, man pages,
    // the config and the journal still work.
    for args in [
        &["completions", "bash"][..],
        &["man"],
        &["config", "path"],
        &["status"],
        &["generate", "a fox", "--dry-run"],
    ] {
        let run = env.run_cmd(env.cmd().env("SEGMIND_API_KEY", "sk canary").args(args));
        run.expect_code(0);
        assert!(!run.stderr.contains("canary"), "{args:?}: {}", run.stderr);
        assert!(!run.stdout.contains("canary"), "{args:?}");
    }
    assert_eq!(env.request_count(), 0);
    // A CI system sets a secret it does not have to "": that is no key, not a broken one.
    let run = env.run_cmd(
        env.cmd()
            .env("SEGMIND_API_KEY", "")
            .args(["generate", "a fox"]),
    );
    run.expect_code(3);
    assert!(run.stderr.contains("no API key"), "{}", run.stderr);
    assert_eq!(env.request_count(), 0);
}

#[test]
fn a_key_that_cannot_be_sent_is_refused_before_anything_is_sent() {
    let env = TestEnv::new();
    for bad in ["sk-canary\u{1}9c41", "sk canary", "sk-cänary"] {
        let run = env.run_cmd(
            env.cmd()
                .env("SEGMIND_API_KEY", bad)
                .args(["generate", "a fox"]),
        );
        run.expect_code(2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("SEGMIND_API_KEY") && run.stderr.contains("printable ASCII"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("canary"), "{}", run.stderr);
    }
    assert_eq!(env.request_count(), 0);
}

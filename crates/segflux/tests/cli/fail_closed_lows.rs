//! Failing closed, issue 26's lows: a Retry-After past `--timeout` ends as timed out (exit 6
//! with the request id), a manifest whose last line was cut gets a new line before the next,
//! `config set output ''` is refused naming the key, and `status` on a corrupt journal says
//! the journal is unreadable and where. (Items 6-8 are in `text_fail_closed.rs`.)

use segflux_emulator::{Endpoint, FaultKind};

use crate::testenv::TestEnv;

#[test]
fn a_retry_after_past_the_timeout_ends_as_timed_out_with_the_request_id() {
    let env = TestEnv::new();
    env.inject(
        Endpoint::Status,
        1,
        FaultKind::Http {
            status: 429,
            body: r#"{"error":"slow down"}"#.into(),
            retry_after: Some("120".into()),
        },
    );
    let started = std::time::Instant::now();
    let run = env.run_cmd(env.cmd().env_remove("SEGFLUX_TEST_NO_RETRY_DELAY").args([
        "--timeout",
        "5",
        "generate",
        "a fox",
    ]));
    run.expect_code(6);
    assert!(started.elapsed().as_secs() < 5, "it waited for the server");
    let id = &env.emu.jobs()[0].request_id;
    assert!(
        run.stderr.contains(&format!("segflux fetch {id}")),
        "{}",
        run.stderr
    );
    assert_eq!(env.emu.count(Endpoint::Submit), 1);
}

#[test]
fn a_manifest_with_a_cut_last_line_gets_a_new_line_before_the_next() {
    let env = TestEnv::new();
    let cut = r#"{"request_id":"r-1","status":"COMPL"#;
    env.write_file("m.jsonl", cut);
    env.write_file("p.txt", "a fox\n");
    env.run(&["generate", "--from", "p.txt", "--manifest", "m.jsonl"])
        .expect_code(0);
    let text = std::fs::read_to_string(env.work().join("m.jsonl")).expect("manifest");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(cut), "{text}");
    let rest: Vec<&str> = lines.collect();
    assert!(!rest.is_empty(), "{text}");
    for line in rest {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("{line:?} is not a JSON line ({e}): {text}"));
    }
}

#[test]
fn config_set_output_empty_is_refused_naming_the_key() {
    let env = TestEnv::new();
    let run = env.run(&["config", "set", "output", ""]);
    run.expect_code(2);
    assert!(run.stderr.contains("output"), "{}", run.stderr);
    let file = env.root.path().join("config").join("config.toml");
    let stored = std::fs::read_to_string(file).unwrap_or_default();
    assert!(!stored.contains("output"), "{stored}");
    // Nothing stored, so a later run is not blamed on a flag.
    env.run(&["generate", "a fox"]).expect_code(0);
}

#[test]
fn status_on_a_corrupt_journal_says_it_is_unreadable_and_where() {
    let env = TestEnv::new();
    let journal = env.root.path().join("data").join("journal.db");
    std::fs::write(
        &journal,
        "this is not a database, not even close ".repeat(200),
    )
    .expect("write");
    let run = env.run(&["status"]);
    run.expect_code(1);
    assert!(run.stderr.contains("unreadable"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&journal.display().to_string()),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("no data directory"), "{}", run.stderr);
}

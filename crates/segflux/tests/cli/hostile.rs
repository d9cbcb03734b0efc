//! Numbers out of range, failures under `--json`, and the small lies of issue 11: each case
//! as a careless script would run it.

use crate::testenv::TestEnv;

#[test]
fn numbers_out_of_range_are_usage_errors_naming_the_option() {
    let env = TestEnv::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--timeout", "9223372036854775807", "generate", "a fox"],
            "--timeout",
        ),
        (
            &["--timeout", "18446744073709551616", "status"],
            "--timeout",
        ),
        (&["status", "--limit", "0"], "--limit"),
        (
            &[
                "generate",
                "a fox",
                "-n",
                "2",
                "--seed",
                "18446744073709551615",
            ],
            "--seed",
        ),
        (&["generate", "a fox", "-n", "10001"], "--count"),
        (
            &["generate", "a fox", "--concurrency", "0"],
            "--concurrency",
        ),
    ];
    for (args, option) in cases {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(option), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("--from"), "{args:?}: {}", run.stderr);
    }
    assert_eq!(env.request_count(), 0);
}

#[test]
fn with_json_a_job_that_ends_badly_still_prints_one_object() {
    let env = TestEnv::new();
    let failed = env.run(&["--json", "generate", "a fox #fail"]);
    failed.expect_code(5);
    let v: serde_json::Value = serde_json::from_str(failed.stdout.trim()).expect("one object");
    let id = &env.emu.jobs()[0].request_id;
    assert_eq!(v["request_id"], id.as_str());
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["exit_code"], 5);
    assert!(
        v["error"].as_str().unwrap().contains("safety filter"),
        "{v}"
    );

    let timed_out = env.run(&["--json", "--timeout", "1", "generate", "a heron #never"]);
    timed_out.expect_code(6);
    let v: serde_json::Value = serde_json::from_str(timed_out.stdout.trim()).expect("one object");
    assert_eq!(v["exit_code"], 6);
    assert!(v["request_id"].is_string(), "{v}");
    assert!(
        timed_out.stderr.contains("gave up waiting after 1 s"),
        "{}",
        timed_out.stderr
    );

    let no_key = env.run_cmd(
        env.cmd()
            .env_remove("SEGMIND_API_KEY")
            .args(["--json", "submit", "a fox"]),
    );
    no_key.expect_code(3);
    let v: serde_json::Value = serde_json::from_str(no_key.stdout.trim()).expect("one object");
    assert_eq!(
        (v["exit_code"].as_u64(), v.get("request_id")),
        (Some(3), None)
    );
}

#[test]
fn the_timeout_message_says_the_timeout_given() {
    let env = TestEnv::new();
    let run = env.run(&["--timeout", "2", "generate", "a fox #never"]);
    run.expect_code(6);
    assert!(
        run.stderr.contains("gave up waiting after 2 s"),
        "{}",
        run.stderr
    );
}

#[test]
fn fetching_an_id_never_submitted_does_not_say_expired() {
    let env = TestEnv::new();
    let run = env.run(&["fetch", "00000000-0000-4000-8000-000000000000"]);
    run.expect_code(7);
    assert!(!run.stderr.contains("expired"), "{}", run.stderr);
    assert!(run.stderr.contains("does not know"), "{}", run.stderr);
}

//! Bad input: exit 2, one line that names the option and the allowed values, nothing sent.

use crate::testenv::TestEnv;

#[test]
fn each_usage_error_is_one_line_exit_2_and_sends_nothing() {
    let env = TestEnv::new();
    let cases: &[(&[&str], &str)] = &[
        (&["generate", "a fox", "--ar", "7:5"], "--ar"),
        (&["generate", "a fox", "--ar", "7:5"], "16:9"),
        (
            &["generate", "a fox", "--safety-tolerance", "0"],
            "--safety-tolerance",
        ),
        (
            &["generate", "a fox", "--safety-tolerance", "7"],
            "1, 2, 3, 4, 5, 6",
        ),
        (&["generate", "a fox", "--seed", "-1"], "--seed"),
        (
            &["generate", "a fox", "--seed", "abc"],
            "non-negative integer",
        ),
        (&["generate", ""], "prompt is empty"),
        (&["generate", "   "], "prompt is empty"),
        (&["generate", "a fox", "--format", "gif"], "jpg, png"),
        (&["generate", "a fox", "-o", "x.gif"], "--output"),
        (
            &["generate", "a fox", "-o", "x.jpg", "--format", "png"],
            "--format",
        ),
        (&["generate", "a fox", "-p", "seed=3"], "--seed"),
        (&["generate", "a fox", "-p", "novalue"], "KEY=VALUE"),
        (&["generate", "a fox", "--model", "a/b"], "--model"),
        (&["generate", "a fox", "--timeout", "0"], "--timeout"),
        (
            &["generate", "a fox", "--timeout"],
            "a value is required for '--timeout",
        ),
        (&["generate", "a fox", "--max-cost", "-1"], "--max-cost"),
        (
            &["generate", "a fox", "--base-url", "ftp://x"],
            "--base-url",
        ),
        (&["generate", "a fox", "--bogus"], "--bogus"),
        (&["generate"], "PROMPT"),
    ];
    for (args, needle) in cases {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}\n{run:#?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(needle),
            "{args:?} should mention {needle}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("possible values: )"),
            "{args:?} lists no values: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert_eq!(env.request_count(), 0, "a usage error sent a request");
    assert_eq!(TestEnv::files(&env.work()), Vec::<String>::new());
}

#[test]
fn global_options_go_before_or_after_the_subcommand() {
    let env = TestEnv::new();
    for args in [
        &["--json", "generate", "a fox", "--dry-run"][..],
        &["generate", "a fox", "--dry-run", "--json"][..],
    ] {
        let run = env.run(args);
        run.expect_code(0);
        let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("json");
        assert_eq!(v["method"], "POST");
    }
}

#[test]
fn help_and_version_exit_0_on_stdout_and_hide_the_key() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "--help"]);
    run.expect_code(0);
    assert!(run.stdout.contains("--safety-tolerance"));
    assert!(run.stdout.contains("SEGMIND_API_KEY"));
    let v = env.run(&["--version"]);
    v.expect_code(0);
    assert!(v.stdout.starts_with("segflux "));
}

#[test]
fn colour_follows_color_and_no_color() {
    let env = TestEnv::new();
    let plain = env.run_cmd(
        env.cmd()
            .env_remove("SEGMIND_API_KEY")
            .args(["generate", "a fox"]),
    );
    plain.expect_code(3);
    assert!(plain.stderr.starts_with("error: "), "{}", plain.stderr);
    assert!(
        !plain.stderr.contains('\u{1b}'),
        "colour off a terminal: {}",
        plain.stderr
    );
    let forced = env.run_cmd(
        env.cmd()
            .env_remove("SEGMIND_API_KEY")
            .args(["--color", "always", "generate", "a fox"]),
    );
    forced.expect_code(3);
    assert!(
        forced
            .stderr
            .starts_with("\u{1b}[1m\u{1b}[31merror:\u{1b}[0m "),
        "{:?}",
        forced.stderr
    );
    assert!(
        forced.stderr.contains("\u{1b}[1m\u{1b}[36mhint:"),
        "{:?}",
        forced.stderr
    );
    let never = env.run_cmd(
        env.cmd()
            .env_remove("SEGMIND_API_KEY")
            .args(["--color", "never", "generate", "a fox"]),
    );
    assert!(!never.stderr.contains('\u{1b}'), "{:?}", never.stderr);
}

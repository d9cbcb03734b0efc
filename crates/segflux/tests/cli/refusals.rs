//! What a batch refuses before paying (contract: "Pipelines"): two jobs writing one file
//! (naming both lines), output paths that cannot be written, JSONL values that break the
//! command line's rules (naming the field), and a refused key or no credits stopping the
//! batch with its exit code.

use segflux_emulator::{Endpoint, FaultKind};

use crate::pipelines::submits;
use crate::testenv::TestEnv;

#[test]
fn two_jobs_writing_one_file_are_refused_naming_both_lines() {
    let env = TestEnv::new();
    env.write_file("assets.jsonl",
        "{\"prompt\":\"a fox\",\"output\":\"hero.jpg\"}\n# a comment\n{\"prompt\":\"a whale\",\"output\":\"hero.jpg\"}\n",
    );
    let run = env.run(&["generate", "--from", "assets.jsonl"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("line 3: writes ./hero.jpg as line 1 does"),
        "{}",
        run.stderr
    );
    assert_eq!(env.request_count(), 0);
    // The same request twice is no conflict: it is made once.
    env.write_file("p.txt", "a fox\na fox\n");
    let same = env.run(&["generate", "--from", "p.txt"]);
    same.expect_code(0);
    assert_eq!(submits(&env), 1);
}

#[test]
fn output_paths_that_cannot_be_written_are_refused_before_anything_is_paid() {
    let env = TestEnv::new();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        env.work().join("nowhere/x.jpg"),
        env.work().join("dangling.jpg"),
    )
    .expect("symlink");
    std::fs::create_dir(env.work().join("dir.jpg")).expect("mkdir");
    env.write_file("assets.jsonl",
        "{\"prompt\":\"a\",\"output\":\"dangling.jpg\"}\n{\"prompt\":\"b\",\"output\":\"dir.jpg\"}\n{\"prompt\":\"c\",\"output\":\"fine.jpg\"}\n",
    );
    let run = env.run(&["generate", "--from", "assets.jsonl"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("line 2: ./dir.jpg is a directory"),
        "{}",
        run.stderr
    );
    #[cfg(unix)]
    assert!(
        run.stderr
            .contains("line 1: ./dangling.jpg is a symbolic link to nothing"),
        "{}",
        run.stderr
    );
    assert_eq!(env.request_count(), 0);

    #[cfg(unix)]
    {
        let single = env.run(&["generate", "a fox", "-o", "dangling.jpg"]);
        single.expect_code(1);
        assert!(single.stderr.contains("dangling"), "{}", single.stderr);
        assert_eq!(env.request_count(), 0);
    }

    // A directory where the sidecar record would go.
    std::fs::create_dir(env.work().join("fine.jpg.json")).expect("mkdir");
    let sidecar = env.run(&["generate", "--from", "assets.jsonl", "--sidecar"]);
    sidecar.expect_code(1);
    assert!(
        sidecar
            .stderr
            .contains("line 3: ./fine.jpg.json is a directory"),
        "{}",
        sidecar.stderr
    );
    assert_eq!(env.request_count(), 0);

    // A file where the output directory should be: refused before the first submit.
    env.write_file("a-file", "x");
    let parent = env.run(&["generate", "--from", "assets.jsonl", "-o", "a-file/out/"]);
    parent.expect_code(1);
    assert!(
        parent.stderr.contains("cannot create the output directory"),
        "{}",
        parent.stderr
    );
    assert_eq!(env.request_count(), 0);

    let long = format!("{}.jpg", "x".repeat(300));
    env.write_file("bad.jsonl",
        &format!(
            "{{\"prompt\":\"a\",\"output\":\"{long}\"}}\n{{\"prompt\":\"b\",\"output\":\"nul\\u0000.jpg\"}}\n"
        ),
    );
    let bad = env.run(&["generate", "--from", "bad.jsonl"]);
    bad.expect_code(2);
    assert!(
        bad.stderr
            .contains("line 1: \"output\" must be at most 255 bytes long"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr
            .contains("line 2: \"output\" must not contain a NUL"),
        "{}",
        bad.stderr
    );
    let single = env.run(&["generate", "a fox", "-o", &long]);
    single.expect_code(1);
    assert!(single.stderr.contains("at most 255"), "{}", single.stderr);
    assert_eq!(env.request_count(), 0);
}

#[test]
fn jsonl_values_follow_the_command_line_rules_and_name_the_field() {
    let env = TestEnv::new();
    env.write_file("bad.jsonl",
        "{\"prompt\":\"a\",\"safety_tolerance\":7}\n{\"prompt\":\"b\",\"format\":\"png\"}\n{\"prompt\":\"c\",\"seed\":-1}\n{\"prompt\":\"d\",\"count\":0}\n{\"prompt\":\"e\",\"model\":\"a/b\"}\n",
    );
    let run = env.run(&["generate", "--from", "bad.jsonl"]);
    run.expect_code(2);
    for needle in [
        "line 1: \"safety_tolerance\" must be an integer, one of 1, 2, 3, 4, 5, 6",
        "line 2: unknown field `format`",
        "line 3: \"seed\" must be a non-negative integer",
        "line 4: \"count\" must be an integer from 1 to 10000",
        "line 5: \"model\" must be a model slug",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert_eq!(env.request_count(), 0);
}

#[test]
fn a_refused_key_or_no_credits_stops_the_batch_with_its_code() {
    for (status, code) in [(401, 3), (403, 3), (406, 4)] {
        let env = TestEnv::new();
        env.inject(
            Endpoint::Submit,
            100,
            FaultKind::Http {
                status,
                body: r#"{"error":"no"}"#.into(),
                retry_after: None,
            },
        );
        let text: Vec<String> = (0..12).map(|i| format!("prompt {i}")).collect();
        env.write_file("p.txt", &text.join("\n"));
        let run = env.run(&["generate", "--from", "p.txt", "--concurrency", "4"]);
        run.expect_code(code);
        assert!(submits(&env) <= 4, "{status}: the batch went on submitting");
        assert!(
            !run.stderr.contains("may have been"),
            "{status}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("not submitted"),
            "{status}: {}",
            run.stderr
        );
    }
}

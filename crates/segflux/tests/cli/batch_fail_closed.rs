//! A batch that cannot make progress ends, and ends small (cli.md, "Bounded everything"): a
//! persistent 429 on submit stops it after `--timeout` with no submit accepted (exit 8, the
//! rest `NOT_SUBMITTED`), and a large batch stopped at its start tells the jobs it never
//! started in one line, not one line each.

use std::time::{Duration, Instant};

use segflux_emulator::{Endpoint, FaultKind};

use crate::testenv::TestEnv;

fn prompts(env: &TestEnv, n: usize) {
    let list: Vec<String> = (0..n).map(|i| format!("a paper boat {i}")).collect();
    env.write_file("p.txt", &(list.join("\n") + "\n"));
}

fn submits(env: &TestEnv) -> usize {
    env.emu.count(Endpoint::Submit)
}

#[test]
fn a_persistent_429_on_submit_ends_the_batch_after_timeout() {
    let env = TestEnv::new();
    prompts(&env, 40);
    env.inject(
        Endpoint::Submit,
        1_000_000,
        FaultKind::Http {
            status: 429,
            body: r#"{"error":"rate limit exceeded"}"#.into(),
            retry_after: Some("0".into()),
        },
    );
    let started = Instant::now();
    // The real retry delays (the server's Retry-After: 0, plus a little) pace the submits.
    let run = env.run_cmd(
        env.cmd()
            .env_remove("SEGFLUX_TEST_NO_RETRY_DELAY")
            .args([
                "generate",
                "--from",
                "p.txt",
                "-o",
                "out/",
                "--concurrency",
                "2",
            ])
            .args(["--timeout", "1", "--manifest", "m.jsonl"]),
    );
    run.expect_code(8);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(run.stderr.contains("accepted none for"), "{}", run.stderr);
    assert_eq!(env.emu.jobs().len(), 0);
    assert!(submits(&env) < 40 * 8, "{} submits", submits(&env));
    let lines = env.manifest("m.jsonl");
    let not_submitted = lines
        .iter()
        .filter(|l| l["status"] == "NOT_SUBMITTED")
        .count();
    assert!(not_submitted > 0, "{lines:#?}");
    assert_eq!(lines.len(), 40, "one line per job: {lines:#?}");
}

#[test]
fn a_large_batch_stopped_by_a_406_tells_the_rest_in_one_line() {
    let env = TestEnv::new();
    let n = 15_000; // within the emulator's $1000 of credits at $0.06
    prompts(&env, n);
    env.inject(
        Endpoint::Submit,
        1_000,
        FaultKind::Http {
            status: 406,
            body: r#"{"error":"insufficient credits"}"#.into(),
            retry_after: None,
        },
    );
    let run = env.run(&[
        "generate",
        "--from",
        "p.txt",
        "-o",
        "out/",
        "--manifest",
        "m.jsonl",
        "--json",
    ]);
    run.expect_code(4);
    let stderr_lines = run.stderr.lines().count();
    assert!(stderr_lines < 300, "{stderr_lines} stderr lines");
    assert!(run.stderr.contains("more job(s) (lines"), "{}", run.stderr);
    assert!(submits(&env) < 50, "{} submits", submits(&env));
    let lines = env.manifest("m.jsonl");
    assert!(lines.len() < 300, "{} manifest lines", lines.len());
    let rest = lines.last().expect("a summary line");
    assert_eq!(rest["status"], "NOT_SUBMITTED", "{rest}");
    let told: u64 = lines.iter().map(|l| l["count"].as_u64().unwrap_or(1)).sum();
    assert_eq!(told, n as u64, "every job accounted for");
    assert_eq!(
        run.stdout.lines().count(),
        lines.len(),
        "--json: the same lines"
    );
    assert_eq!(rest["last_line"], n);
}

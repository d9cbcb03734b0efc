//! Inputs a user or server supplies are read within bounds, and what is printed or recorded
//! is exactly what is on disk or was sent (or refused up front).

use std::io::Write as _;
use std::process::{Output, Stdio};

use segflux_emulator::{Endpoint, FaultKind};

use crate::testenv::{Run, TestEnv};

/// Runs the binary with `input` on stdin; the raw output.
fn with_stdin(env: &TestEnv, args: &[&str], input: &[u8]) -> Output {
    let mut child = env
        .cmd()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    // The binary may stop reading early (that is the point): a broken pipe is fine.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("wait")
}

#[cfg(target_os = "linux")]
#[test]
fn inspect_of_an_endless_file_stops_at_the_image_limit() {
    let env = TestEnv::new();
    let run = env.run(&["inspect", "/dev/zero"]);
    run.expect_code(1);
    assert!(run.stderr.contains("larger than"), "{}", run.stderr);
}

#[test]
fn an_oversized_answer_is_refused_not_held() {
    let env = TestEnv::new();
    let padding = "x".repeat(2 * 1024 * 1024);
    let huge = FaultKind::Http {
        status: 200,
        body: format!(r#"{{"status":"PROCESSING","pad":"{padding}"}}"#),
        retry_after: None,
    };
    env.inject(Endpoint::Status, 1000, huge);
    let run = env.run(&["generate", "a fox"]);
    run.expect_code(8);
    assert!(
        run.stderr.contains("longer than 1048576 bytes"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_prompt_on_stdin_is_bounded_and_must_be_representable() {
    let env = TestEnv::new();
    let big = vec![b'a'; 2 * 1024 * 1024];
    let run = Run::from(with_stdin(&env, &["generate", "-"], &big));
    run.expect_code(2);
    assert!(run.stderr.contains("longer than"), "{}", run.stderr);
    let run = Run::from(with_stdin(&env, &["generate", "-"], b"a fox\0 at dawn\n"));
    run.expect_code(2);
    assert!(run.stderr.contains("U+0000"), "{}", run.stderr);
    std::fs::write(
        env.work().join("jobs.jsonl"),
        "{\"prompt\": \"ok\"}\n{\"prompt\": \"bell\\u0007\"}\n",
    )
    .expect("write");
    let run = env.run(&["generate", "--from", "jobs.jsonl"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("line 2") && run.stderr.contains("U+0007"),
        "{}",
        run.stderr
    );
    assert_eq!(env.request_count(), 0);
    // Tabs, line ends and any other Unicode are carried exactly.
    let ok = Run::from(with_stdin(
        &env,
        &["generate", "-"],
        "a\tfox\r\nétoile 🦊\n".as_bytes(),
    ));
    ok.expect_code(0);
    let rec = env.run(&["--json", "inspect", ok.stdout.trim()]);
    let v: serde_json::Value = serde_json::from_str(rec.stdout.trim()).expect("json");
    assert_eq!(v["prompt"], "a\tfox\r\nétoile 🦊");
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_printed_exactly_or_refused_with_json() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt as _;
    let env = TestEnv::new();
    let name = OsStr::from_bytes(b"caf\xe9.jpg");
    let out = env
        .cmd()
        .arg("generate")
        .arg("a fox")
        .arg("-o")
        .arg(name)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"caf\xe9.jpg\n");
    assert!(env.work().join(name).exists());
    let before = env.request_count();
    let out = env
        .cmd()
        .args(["--json", "generate", "a heron", "-o"])
        .arg(OsStr::from_bytes(b"h\xe9ron.jpg"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
    assert_eq!(env.request_count(), before, "refused before paying");
}

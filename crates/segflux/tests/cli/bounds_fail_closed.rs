//! Issue 26, "Bounded everything" (spec: cli.md, "Failing closed"): a JPEG dimension bomb as
//! a paid result or a sheet input, `sheet /dev/zero`, a FIFO input that never opens (ended by
//! SIGTERM), and `-o -` with stdout closed. The runs that decode go under a 1 GiB
//! address-space cap (`prlimit --as`), so a decoder that trusts the header aborts (134)
//! instead of passing slowly.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use segflux_emulator::{Endpoint, FaultKind};

use crate::testenv::{Run, TestEnv};

/// The address-space cap of the bounded runs: 1 GiB.
const CAP: &str = "--as=1073741824";

/// Well within what a bounded run needs; the unbounded decode took 30 s.
const QUICK: Duration = Duration::from_secs(20);

/// `env.cmd()` with `args`, run under the 1 GiB cap; also returns how long it took.
fn capped(env: &TestEnv, args: &[&str]) -> (Run, Duration) {
    let inner = env.cmd();
    let mut cmd = Command::new("prlimit");
    cmd.arg(CAP)
        .arg("--")
        .arg(inner.get_program())
        .args(args)
        .env_clear_keep(&inner)
        .current_dir(env.work())
        .stdin(Stdio::null());
    let started = Instant::now();
    let run = env.run_cmd(&mut cmd);
    (run, started.elapsed())
}

/// Copies `inner`'s environment onto a fresh `Command`, which inherits nothing else.
trait ClearKeep {
    fn env_clear_keep(&mut self, inner: &Command) -> &mut Self;
}

impl ClearKeep for Command {
    fn env_clear_keep(&mut self, inner: &Command) -> &mut Self {
        let envs: Vec<_> = inner
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
            .collect();
        self.env_clear().envs(envs)
    }
}

#[track_caller]
fn shows_request_id(env: &TestEnv, run: &Run) {
    let id = &env.emu.jobs()[0].request_id;
    assert!(
        run.stderr.contains(&format!("request_id: {id}")),
        "{}",
        run.stderr
    );
}

fn write_small_jpeg(path: &Path) {
    image::RgbImage::from_pixel(40, 30, image::Rgb([200, 40, 10]))
        .save(path)
        .expect("a small JPEG");
}

#[test]
fn a_dimension_bomb_result_is_exit_9_with_the_request_id_and_no_file() {
    let env = TestEnv::new();
    env.inject(Endpoint::Download, 1, FaultKind::DimensionBomb);
    let (run, took) = capped(&env, &["-q", "generate", "a fox", "-o", "fox.jpg"]);
    run.expect_code(9);
    assert!(took < QUICK, "took {took:?}");
    assert!(
        run.stderr.contains("not a plausible image"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("65500x65500"), "{}", run.stderr);
    shows_request_id(&env, &run);
    assert_eq!(TestEnv::files(&env.work()), Vec::<String>::new());
}

#[test]
fn a_dimension_bomb_sheet_input_is_a_skipped_cell_with_a_warning() {
    let env = TestEnv::new();
    std::fs::write(env.work().join("bomb.jpg"), segflux_emulator::bomb::jpeg()).expect("bomb");
    write_small_jpeg(&env.work().join("ok.jpg"));
    let (run, took) = capped(&env, &["sheet", "bomb.jpg", "ok.jpg", "-o", "sheet.png"]);
    run.expect_code(0);
    assert!(took < QUICK, "took {took:?}");
    assert!(
        run.stderr
            .contains("warning: bomb.jpg: not a plausible image"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "sheet.png\n");
    assert!(env.work().join("sheet.png").is_file());
}

#[test]
fn a_sheet_of_dev_zero_is_a_bounded_error() {
    let env = TestEnv::new();
    let (run, took) = capped(&env, &["sheet", "/dev/zero", "-o", "sheet.png"]);
    run.expect_code(2);
    assert!(took < QUICK, "took {took:?}");
    assert!(run.stderr.contains("/dev/zero"), "{}", run.stderr);
    assert!(run.stderr.contains("64 MiB"), "{}", run.stderr);
    assert!(!env.work().join("sheet.png").exists());
}

#[test]
fn a_sheet_past_the_size_cap_is_refused_before_drawing() {
    let env = TestEnv::new();
    write_small_jpeg(&env.work().join("ok.jpg"));
    let many = vec!["ok.jpg"; 100];
    let mut args = vec!["sheet"];
    args.extend(many);
    args.extend(["--cell", "2048", "-o", "sheet.png"]);
    let run = env.run(&args);
    run.expect_code(2);
    assert!(run.stderr.contains("megapixels"), "{}", run.stderr);
    assert!(!env.work().join("sheet.png").exists());
}

#[test]
fn sigterm_ends_a_sheet_or_inspect_blocked_on_a_fifo_input() {
    let sheet = ["sheet", "jobs.jsonl", "-o", "sheet.png"];
    let inspect = ["inspect", "jobs.jsonl"];
    for args in [&sheet[..], &inspect[..]] {
        let env = TestEnv::new();
        let fifo = env.work().join("jobs.jsonl");
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let mut child = env
            .cmd()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn segflux");
        // Nothing ever writes to the FIFO: the run blocks opening it.
        assert_eq!(terminated(&mut child), Some(143), "{args:?}");
    }
}

#[test]
fn sigterm_ends_a_generate_blocked_reading_its_prompt_on_stdin() {
    let single = ["generate", "-", "-o", "fox.jpg"];
    let batch = ["generate", "--from", "-", "-o", "out/"];
    for args in [&single[..], &batch[..]] {
        let env = TestEnv::new();
        let mut child = env
            .cmd()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn segflux");
        // The pipe stays open and empty: the read blocks.
        let _stdin = child.stdin.take();
        assert_eq!(terminated(&mut child), Some(143), "{args:?}");
        assert_eq!(env.request_count(), 0);
    }
}

#[test]
fn a_batch_from_dev_zero_is_a_bounded_usage_error() {
    let env = TestEnv::new();
    let (run, took) = capped(&env, &["generate", "--from", "/dev/zero", "-o", "out/"]);
    run.expect_code(2);
    assert!(took < QUICK, "took {took:?}");
    assert!(run.stderr.contains("64 MiB"), "{}", run.stderr);
    assert_eq!(env.request_count(), 0);
}

#[test]
fn sigterm_ends_a_batch_blocked_on_a_fifo_input() {
    let env = TestEnv::new();
    let fifo = env.work().join("prompts.txt");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let mut child = env
        .cmd()
        .args(["generate", "--from", "prompts.txt", "-o", "out/"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn segflux");
    assert_eq!(terminated(&mut child), Some(143));
    assert_eq!(env.request_count(), 0);
}

#[test]
fn a_config_file_that_is_dev_zero_is_a_bounded_error() {
    let env = TestEnv::new();
    let config = env.root.path().join("config").join("config.toml");
    std::os::unix::fs::symlink("/dev/zero", &config).expect("symlink");
    let (run, took) = capped(&env, &["generate", "a fox", "-o", "fox.jpg"]);
    assert!(run.code > 0 && run.code < 128, "{run:#?}");
    assert!(took < QUICK, "took {took:?}");
    assert!(run.stderr.contains("1 MiB"), "{}", run.stderr);
    assert_eq!(env.request_count(), 0);
}

#[test]
fn sigterm_ends_a_generate_blocked_on_a_fifo_image_prompt() {
    for batch in [&[][..], &["-n", "2"][..]] {
        let env = TestEnv::new();
        let fifo = env.work().join("face.jpg");
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let out = if batch.is_empty() { "fox.jpg" } else { "out/" };
        let mut child = env
            .cmd()
            .args(["generate", "a fox", "--image-prompt", "face.jpg", "-o", out])
            .args(batch)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn segflux");
        assert_eq!(terminated(&mut child), Some(143), "{batch:?}");
        assert_eq!(env.request_count(), 0);
    }
}

/// Sends SIGTERM after the run has had time to block; its exit code, or `None` (after a
/// SIGKILL) when it is still running 10 s later.
fn terminated(child: &mut std::process::Child) -> Option<i32> {
    std::thread::sleep(Duration::from_millis(700));
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn writing_the_image_to_a_closed_stdout_is_exit_9_with_the_request_id() {
    let env = TestEnv::new();
    let inner = env.cmd();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", r#"exec "$0" "$@" >&-"#])
        .arg(inner.get_program())
        .args(["-q", "generate", "a fox", "-o", "-"])
        .env_clear_keep(&inner)
        .current_dir(env.work())
        .stdin(Stdio::null());
    let run = env.run_cmd(&mut cmd);
    run.expect_code(9);
    assert!(run.stderr.contains("standard output"), "{}", run.stderr);
    shows_request_id(&env, &run);
}

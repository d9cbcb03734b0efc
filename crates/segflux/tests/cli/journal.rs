//! The journal's promises, through the binary against the emulator: write-ahead claims,
//! reconciling uncertain submits with the request history, and runs that are killed,
//! cancelled, repeated or run twice at once — each prompt paid once, every image written.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use segflux_emulator::{EmulatorConfig, Endpoint, FaultKind};

use crate::past_the_hour::forgetful_env;
use crate::testenv::{Run, TestEnv};

/// An emulator whose jobs take long enough for a run to be stopped mid-batch.
pub(crate) fn slow_env() -> TestEnv {
    TestEnv::with(EmulatorConfig {
        queued: Duration::from_millis(50),
        processing: Duration::from_millis(400),
        image_long_side: 64,
        ..EmulatorConfig::default()
    })
}

pub(crate) fn prompts(env: &TestEnv, n: usize) -> Vec<String> {
    let list: Vec<String> = (0..n).map(|i| format!("lighthouse number {i}")).collect();
    std::fs::write(env.work().join("p.txt"), list.join("\n") + "\n").expect("write input");
    list
}

/// Jobs the emulator accepted (each one billed), by prompt.
pub(crate) fn paid(env: &TestEnv) -> BTreeMap<String, usize> {
    let mut by_prompt = BTreeMap::new();
    for job in env.emu.jobs() {
        let prompt = job.params["prompt"].as_str().unwrap_or("").to_owned();
        *by_prompt.entry(prompt).or_default() += 1;
    }
    by_prompt
}

/// Each prompt paid exactly once, and its image written (and nothing else in `out/`).
#[track_caller]
pub(crate) fn paid_once_and_written(env: &TestEnv, list: &[String]) {
    let paid = paid(env);
    for p in list {
        assert_eq!(
            paid.get(p),
            Some(&1),
            "{p} paid {:?} times: {paid:?}",
            paid.get(p)
        );
    }
    assert_eq!(paid.len(), list.len(), "{paid:?}");
    let files = TestEnv::files(&env.work().join("out"));
    assert_eq!(files.len(), list.len(), "{files:?}");
    assert!(files.iter().all(|f| f.ends_with(".jpg")), "{files:?}");
}

pub(crate) fn spawn(env: &TestEnv, args: &[&str]) -> Child {
    env.cmd()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn segflux")
}

/// Waits (at most 20 s) until `ready` holds.
#[track_caller]
pub(crate) fn wait_until(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(20), "never: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub(crate) fn signal(child: &Child, sig: &str) {
    let sent = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
}

/// Waits for the child; its exit code (`None` when killed by a signal) and output.
pub(crate) fn finish(mut child: Child) -> (Option<i32>, Run) {
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .map(|mut s| s.read_to_string(&mut stdout));
    child
        .stderr
        .take()
        .map(|mut s| s.read_to_string(&mut stderr));
    let status = child.wait().expect("wait");
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    };
    run.assert_no_key();
    (status.code(), run)
}

pub(crate) const BATCH: [&str; 7] = [
    "generate",
    "--from",
    "p.txt",
    "-o",
    "out/",
    "--concurrency",
    "4",
];

#[test]
fn sigkill_mid_batch_then_the_same_command_pays_each_prompt_once() {
    let env = slow_env();
    let list = prompts(&env, 16);
    // The first submit is accepted but its answer never arrives: killed then, the journal
    // holds an uncertain intent that only the request history can settle.
    env.inject(Endpoint::Submit, 1, FaultKind::StallBody);
    let child = spawn(&env, &BATCH);
    wait_until("a third submitted", || env.emu.jobs().len() >= 6);
    signal(&child, "-KILL");
    let (code, _) = finish(child);
    assert_eq!(code, None, "killed");
    assert!(
        env.emu.jobs().len() < 16,
        "the kill came too late to test anything"
    );
    let rerun = env.run(&BATCH);
    rerun.expect_code(0);
    assert!(
        rerun.stderr.contains("request history"),
        "the stalled submit was reconciled: {}",
        rerun.stderr
    );
    paid_once_and_written(&env, &list);
}

#[test]
fn two_identical_batches_at_once_into_one_dir_pay_once_and_both_succeed() {
    let env = slow_env();
    let list = prompts(&env, 12);
    let first = spawn(&env, &BATCH);
    let second = spawn(&env, &BATCH);
    let (a, run_a) = finish(first);
    let (b, run_b) = finish(second);
    assert_eq!((a, b), (Some(0), Some(0)), "{run_a:#?}\n{run_b:#?}");
    paid_once_and_written(&env, &list);
    let files = TestEnv::files(&env.work().join("out"));
    assert!(files.iter().all(|f| !f.ends_with(".part")), "{files:?}");
}

#[test]
fn a_submit_lost_after_it_was_accepted_is_adopted_by_the_next_run() {
    let env = TestEnv::new();
    env.inject(Endpoint::Submit, 1, FaultKind::DropAfterProcessing);
    let args = ["generate", "a heron at dawn", "--seed", "9", "-o", "out/"];
    let first = env.run(&args);
    first.expect_code(8);
    assert_eq!(
        env.emu.jobs().len(),
        1,
        "the server accepted (and billed) it"
    );
    let second = env.run(&args);
    second.expect_code(0);
    let id = &env.emu.jobs()[0].request_id;
    assert!(
        second.stderr.contains(&format!("accepted as {id}")),
        "{}",
        second.stderr
    );
    assert_eq!(env.emu.jobs().len(), 1, "not paid twice");
    assert_eq!(TestEnv::files(&env.work().join("out")).len(), 1);
}

#[test]
fn a_submit_the_history_positively_lacks_is_sent_again() {
    let env = TestEnv::new();
    env.inject(Endpoint::Submit, 1, FaultKind::DropBeforeProcessing);
    let args = ["generate", "a heron at dusk", "--seed", "9", "-o", "out/"];
    env.run(&args).expect_code(8);
    assert_eq!(env.emu.jobs().len(), 0, "the server never took it");
    let second = env.run(&args);
    second.expect_code(0);
    assert!(
        second.stderr.contains("never accepted"),
        "{}",
        second.stderr
    );
    assert_eq!(env.emu.jobs().len(), 1);
    assert_eq!(TestEnv::files(&env.work().join("out")).len(), 1);
}

#[test]
fn an_unreadable_history_leaves_the_job_uncertain_until_status_reconcile() {
    let env = TestEnv::new();
    env.inject(Endpoint::Submit, 1, FaultKind::DropAfterProcessing);
    let args = ["generate", "a quiet harbour", "--seed", "4", "-o", "out/"];
    env.run(&args).expect_code(8);
    let listed = env.run(&["status"]);
    assert!(
        listed.stderr.contains("1 job(s) uncertain"),
        "{}",
        listed.stderr
    );
    assert!(listed.stdout.contains("SUBMITTING"), "{}", listed.stdout);
    let unreadable = FaultKind::Http {
        status: 500,
        body: r#"{"error":"history down"}"#.into(),
        retry_after: None,
    };
    env.inject(Endpoint::History, 1000, unreadable);
    let blind = env.run(&args);
    blind.expect_code(8);
    assert!(
        blind.stderr.contains("segflux status --reconcile"),
        "{}",
        blind.stderr
    );
    let still = env.run(&["status", "--reconcile"]);
    still.expect_code(8);
    assert!(still.stdout.contains("UNCERTAIN"), "{}", still.stdout);
    assert_eq!(env.emu.count(Endpoint::Submit), 1, "nothing was sent again");
    env.emu.clear_faults();
    let reconciled = env.run(&["status", "--reconcile", "--json"]);
    reconciled.expect_code(0);
    let line: serde_json::Value = serde_json::from_str(reconciled.last_line()).expect("json");
    let id = env.emu.jobs()[0].request_id.clone();
    assert_eq!(line["status"], "ADOPTED");
    assert_eq!(line["request_id"], id.as_str());
    assert!(!env.run(&["status"]).stderr.contains("uncertain"));
    env.run(&args).expect_code(0);
    assert_eq!(env.emu.jobs().len(), 1, "paid once");
}

/// Sends `sig` once `ready` holds; the exit code and the output.
fn signal_when(env: &TestEnv, args: &[&str], sig: &str, mut ready: impl FnMut() -> bool) -> Run {
    let child = spawn(env, args);
    wait_until("ready to signal", &mut ready);
    signal(&child, sig);
    finish(child).1
}

#[test]
fn sigterm_mid_batch_names_every_job_in_flight_then_the_rerun_pays_nothing_twice() {
    let env = slow_env();
    let list = prompts(&env, 12);
    let args = [&["-q", "--json"][..], &BATCH].concat();
    let run = signal_when(&env, &args, "-TERM", || {
        // Some jobs accepted and polled (so this run knows their ids), not all written.
        env.emu.jobs().iter().filter(|j| j.status_polls > 0).count() >= 2
    });
    run.expect_code(143);
    let in_flight: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .filter(|v: &serde_json::Value| v["exit_code"] == 143)
        .collect();
    assert!(!in_flight.is_empty(), "{run:#?}");
    for v in &in_flight {
        let id = v["request_id"].as_str().expect("an id");
        assert!(
            run.stderr.contains(&format!("segflux fetch {id} --wait")),
            "-q still names {id}: {}",
            run.stderr
        );
    }
    let out = TestEnv::files(&env.work().join("out"));
    assert!(out.iter().all(|f| !f.ends_with(".part")), "{out:?}");
    env.run(&BATCH).expect_code(0);
    paid_once_and_written(&env, &list);
}

#[test]
fn sighup_is_handled_like_ctrl_c() {
    let env = slow_env();
    let run = signal_when(&env, &["generate", "a fox at night"], "-HUP", || {
        // Polled: the submit was answered and the job is waited on.
        env.emu.jobs().first().is_some_and(|j| j.status_polls > 0)
    });
    run.expect_code(129);
    let id = &env.emu.jobs()[0].request_id;
    assert!(
        run.stderr.contains(&format!("segflux fetch {id} --wait")),
        "{}",
        run.stderr
    );
    assert!(TestEnv::files(&env.work()).is_empty(), "no partial file");
}

#[test]
fn the_same_manifest_resumes_on_a_new_machine_with_an_empty_data_dir() {
    let env = slow_env();
    let list = prompts(&env, 16);
    let args = [&BATCH[..], &["--manifest", "m.jsonl"]].concat();
    // One submit accepted but never answered: only the manifest's SUBMITTING line knows.
    env.inject(Endpoint::Submit, 1, FaultKind::StallBody);
    let child = spawn(&env, &args);
    wait_until("a third submitted", || env.emu.jobs().len() >= 6);
    signal(&child, "-KILL");
    finish(child);
    let text = std::fs::read_to_string(env.work().join("m.jsonl")).expect("manifest");
    assert!(text.contains(r#""status":"SUBMITTED""#), "{text}");
    // A new runner: the journal is gone, the manifest and the output directory came along.
    std::fs::remove_dir_all(env.root.path().join("data")).expect("wipe data");
    let rerun = env.run(&args);
    rerun.expect_code(0);
    assert!(
        rerun.stderr.contains("submitted by an earlier run"),
        "{}",
        rerun.stderr
    );
    paid_once_and_written(&env, &list);
}

#[test]
fn a_batch_killed_then_rerun_past_the_hour_recovers_every_image_without_paying() {
    let env = forgetful_env(150);
    let list = prompts(&env, 8);
    let child = spawn(&env, &BATCH);
    wait_until("all submitted", || env.emu.jobs().len() >= 8);
    signal(&child, "-KILL");
    finish(child);
    std::thread::sleep(Duration::from_millis(400));
    let rerun = env.run(&BATCH);
    rerun.expect_code(0);
    paid_once_and_written(&env, &list);
}

#[test]
fn finished_runs_leave_no_owner_lock_files_behind() {
    let env = TestEnv::new();
    for i in 0..5 {
        env.run(&["submit", &format!("fox {i}")]).expect_code(0);
    }
    let owners = TestEnv::files(&env.root.path().join("data/owners"));
    assert!(owners.len() <= 1, "{owners:?}");
}

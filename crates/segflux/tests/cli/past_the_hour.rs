//! Past the hour (contract: "Pipelines"): the API forgets a request an hour after its submit
//! (here after 300 ms), and every command that meets the 404 for a job it knows goes to the
//! request history: `fetch` downloads the recorded image, `generate`, `fetch --wait` and
//! `status --wait` keep waiting through the record, `status` tells the record's state.

use std::time::Duration;

use segflux_emulator::{EmulatorConfig, Endpoint};

use crate::testenv::TestEnv;

/// An emulator that forgets requests after 300 ms (its "hour").
pub fn forgetful_env(queued_ms: u64) -> TestEnv {
    TestEnv::with(EmulatorConfig {
        queued: Duration::from_millis(queued_ms),
        processing: Duration::from_millis(50),
        retention: Duration::from_millis(300),
        image_long_side: 64,
        ..EmulatorConfig::default()
    })
}

/// Submits a job that completes and one that fails, then waits until the API has forgotten
/// both: (completed id, failed id).
fn forgotten_jobs(env: &TestEnv) -> (String, String) {
    let submit = |prompt: &str| env.run(&["submit", prompt]).stdout.trim().to_owned();
    let ids = (submit("a fox"), submit("a harbour #fail"));
    std::thread::sleep(Duration::from_millis(400));
    ids
}

#[test]
fn past_the_hour_a_known_job_is_fetched_through_the_request_history() {
    let env = forgetful_env(20);
    let (done, failed) = forgotten_jobs(&env);
    let fetched = env.run(&["fetch", &done, "-o", "fox.jpg"]);
    fetched.expect_code(0);
    assert!(env.work().join("fox.jpg").exists());
    assert!(env.emu.count(Endpoint::History) >= 1);
    let run = env.run(&["fetch", &failed, "-o", "harbour.jpg"]);
    run.expect_code(5);
    assert!(!env.work().join("harbour.jpg").exists());
}

#[test]
fn past_the_hour_a_pending_record_is_waited_on() {
    let env = forgetful_env(700);
    let id = env.run(&["submit", "a slow fox"]).stdout.trim().to_owned();
    std::thread::sleep(Duration::from_millis(350));
    let run = env.run(&["fetch", &id, "--wait", "-o", "slow.jpg"]);
    run.expect_code(0);
    assert!(env.work().join("slow.jpg").exists());
}

#[test]
fn generate_waits_through_the_request_history_when_the_job_outlives_the_record() {
    // Queued 700 ms, forgotten after 300 ms: the wait meets a 404 half-way.
    let env = forgetful_env(700);
    let run = env.run(&["generate", "a slow fox", "-o", "slow.jpg"]);
    run.expect_code(0);
    assert!(env.work().join("slow.jpg").exists());
    assert_eq!(env.emu.count(Endpoint::Submit), 1, "paid twice");
    assert!(env.emu.count(Endpoint::History) >= 1);
}

#[test]
fn fetch_and_status_wait_through_the_request_history_too() {
    let env = forgetful_env(700);
    let id = env.run(&["submit", "a slow fox"]).stdout.trim().to_owned();
    let fetched = env.run(&["fetch", &id, "--wait", "-o", "slow.jpg"]);
    fetched.expect_code(0);
    assert!(env.work().join("slow.jpg").exists());
    let id = env
        .run(&["submit", "a slow heron"])
        .stdout
        .trim()
        .to_owned();
    let status = env.run(&["status", &id, "--wait"]);
    status.expect_code(0);
    assert!(
        status.stdout.contains(&format!("{id} COMPLETED")),
        "{status:#?}"
    );
    assert_eq!(env.emu.count(Endpoint::Submit), 2);
}

#[test]
fn status_of_a_known_job_past_the_hour_tells_the_request_history_state() {
    let env = forgetful_env(20);
    let (done, failed) = forgotten_jobs(&env);
    let run = env.run(&["status", &done]);
    run.expect_code(0);
    assert!(
        run.stdout.contains(&format!("{done} COMPLETED")) && run.stdout.contains("request history"),
        "{run:#?}"
    );
    let json = env.run(&["--json", "status", &done]);
    json.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(json.stdout.trim()).expect("json");
    assert_eq!(v["status"], "COMPLETED");
    assert_eq!(v["request_id"], done.as_str());
    let told = env.run(&["status", &failed]);
    told.expect_code(0);
    assert!(
        told.stdout.contains(&format!("{failed} FAILED")),
        "{told:#?}"
    );
    env.run(&["status", &failed, "--wait"]).expect_code(5);
    // The journal learnt both ends.
    let list = env.run(&["--json", "status"]);
    let states: Vec<String> = list
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["status"].to_string())
        .collect();
    assert!(
        states.contains(&"\"COMPLETED\"".to_owned()) && states.contains(&"\"FAILED\"".to_owned()),
        "{states:?}"
    );
}

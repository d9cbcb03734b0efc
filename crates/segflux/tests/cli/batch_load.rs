//! A batch under load and interruption: never more jobs in flight than `--concurrency`,
//! submits backing off under 429 and growing back, and Ctrl-C naming the jobs in flight
//! while keeping the files already written.

use std::time::Duration;

use segflux_emulator::{EmulatorConfig, Endpoint, FaultKind};

use crate::testenv::TestEnv;

#[test]
fn never_more_jobs_in_flight_than_the_concurrency() {
    let env = TestEnv::with(EmulatorConfig {
        queued: Duration::from_millis(20),
        processing: Duration::from_millis(300),
        image_long_side: 32,
        ..EmulatorConfig::default()
    });
    let text: Vec<String> = (0..12).map(|i| format!("prompt {i}")).collect();
    env.write_file("p.txt", &text.join("\n"));
    env.run(&["generate", "--from", "p.txt", "--concurrency", "3"])
        .expect_code(0);
    let peak = env.emu.peak_in_flight();
    assert!((2..=3).contains(&peak), "peak in flight {peak}");
    assert_eq!(env.emu.jobs().len(), 12);
}

#[test]
fn submits_back_off_under_429_and_grow_back() {
    let env = TestEnv::new();
    env.inject(
        Endpoint::Submit,
        4,
        FaultKind::Http {
            status: 429,
            body: r#"{"error":"Too many requests"}"#.into(),
            retry_after: Some("0".into()),
        },
    );
    let text: Vec<String> = (0..16).map(|i| format!("prompt {i}")).collect();
    env.write_file("p.txt", &text.join("\n"));
    let run = env.run(&["generate", "--from", "p.txt", "--concurrency", "8"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("concurrency went down to 4"),
        "{}",
        run.stderr
    );
    assert_eq!(env.emu.jobs().len(), 16, "every job billed once");
    assert_eq!(env.emu.count(Endpoint::Submit), 20);
    assert!(env.emu.peak_in_flight() <= 8);
}

#[test]
fn ctrl_c_stops_the_batch_names_the_jobs_in_flight_and_keeps_written_files() {
    let env = TestEnv::new();
    env.write_file(
        "p.txt",
        "a fox\nslow one #never\nslow two #never\nnot yet\n",
    );
    let (code, stderr) = env.interrupt_when(
        &["generate", "--from", "p.txt", "--concurrency", "3"],
        "written",
    );
    assert_eq!(code, Some(130), "{stderr}");
    let jobs = env.emu.jobs();
    let never: Vec<&str> = jobs
        .iter()
        .filter(|j| {
            j.params["prompt"]
                .as_str()
                .is_some_and(|p| p.contains("#never"))
        })
        .map(|j| j.request_id.as_str())
        .collect();
    assert_eq!(never.len(), 2);
    for id in never {
        assert!(
            stderr.contains(&format!("segflux fetch {id} --wait")),
            "{stderr}"
        );
    }
    let fox = jobs
        .iter()
        .find(|j| j.params["prompt"] == "a fox")
        .expect("fox");
    let listed = stderr.split("interrupted").nth(1).unwrap_or("");
    assert!(
        !listed.contains(&fox.request_id),
        "a finished job was listed: {stderr}"
    );
    let files = TestEnv::files(&env.work());
    assert_eq!(
        files.iter().filter(|f| f.ends_with(".jpg")).count(),
        1,
        "{files:?}"
    );
    assert!(files.iter().all(|f| !f.ends_with(".part")), "{files:?}");
}

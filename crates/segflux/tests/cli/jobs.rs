//! Jobs that outlive the process: submit, status, fetch, the history, timeout and Ctrl-C.

use std::process::Stdio;
use std::time::Duration;

use segflux::journal::{JobRecord, Journal, now_ms};
use segflux_emulator::{EmulatorConfig, Endpoint};

use crate::testenv::TestEnv;

fn slow_env(processing_ms: u64) -> TestEnv {
    TestEnv::with(EmulatorConfig {
        queued: Duration::from_millis(50),
        processing: Duration::from_millis(processing_ms),
        image_long_side: 64,
        ..EmulatorConfig::default()
    })
}

#[test]
fn submit_then_status_then_wait_then_fetch_names_the_file_from_history() {
    let env = slow_env(400);
    let sub = env.run(&[
        "submit",
        "a lighthouse at dusk",
        "--seed",
        "5",
        "--ar",
        "3:2",
    ]);
    sub.expect_code(0);
    let id = sub.stdout.trim().to_owned();
    assert_eq!(sub.stdout, format!("{id}\n"), "submit prints only the id");
    assert_eq!(
        env.emu.count(Endpoint::Status),
        0,
        "submit must return at once"
    );

    let st = env.run(&["status", &id]);
    st.expect_code(0);
    assert!(st.stdout.starts_with(&format!("{id} ")), "{}", st.stdout);

    let waited = env.run(&["status", &id, "--wait"]);
    waited.expect_code(0);
    assert!(
        waited.stdout.starts_with(&format!("{id} COMPLETED")),
        "{}",
        waited.stdout
    );

    let fetched = env.run(&["fetch", &id]);
    fetched.expect_code(0);
    let seed_hash: Vec<String> = TestEnv::files(&env.work());
    assert_eq!(seed_hash.len(), 1);
    assert!(
        seed_hash[0].starts_with("5-")
            && std::path::Path::new(&seed_hash[0])
                .extension()
                .is_some_and(|e| e == "jpg"),
        "{seed_hash:?}"
    );
    assert_eq!(fetched.stdout.trim(), format!("./{}", seed_hash[0]));

    // The same name generate would have chosen.
    let dry = env.run(&[
        "--json",
        "generate",
        "a lighthouse at dusk",
        "--seed",
        "5",
        "--ar",
        "3:2",
        "--dry-run",
    ]);
    let v: serde_json::Value = serde_json::from_str(dry.stdout.trim()).expect("json");
    assert_eq!(v["file_name"], seed_hash[0].as_str());

    let list = env.run(&["--json", "status"]);
    let rec: serde_json::Value =
        serde_json::from_str(list.stdout.lines().next().expect("a line")).expect("json");
    assert_eq!(rec["request_id"], id.as_str());
    assert_eq!(rec["status"], "COMPLETED");
    assert!(
        rec["output_url"]
            .as_str()
            .is_some_and(|u| u.starts_with(&env.emu.cdn_url()))
    );
    assert!(rec["path"].as_str().is_some());
}

#[test]
fn submit_json_has_the_documented_fields() {
    let env = TestEnv::new();
    let run = env.run(&["submit", "a fox", "--json", "--seed", "3"]);
    run.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("json");
    for key in [
        "request_id",
        "status",
        "status_url",
        "response_url",
        "seed",
        "prompt_hash",
        "model",
    ] {
        assert!(!v[key].is_null(), "missing {key}: {v}");
    }
    assert_eq!(v["status"], "QUEUED");
}

#[test]
fn fetch_of_a_job_not_in_the_history_is_named_by_its_id() {
    let env = TestEnv::new();
    let sub = env.run(&["submit", "a fox"]);
    let id = sub.stdout.trim().to_owned();
    std::fs::remove_dir_all(env.root.path().join("data")).expect("forget the history");
    let run = env.run(&["fetch", &id, "--wait"]);
    run.expect_code(0);
    assert_eq!(TestEnv::files(&env.work()), vec![format!("{id}.jpg")]);
}

#[test]
fn fetch_before_completion_says_so_and_waits_with_wait() {
    let env = slow_env(1500);
    let id = env.run(&["submit", "a fox"]).stdout.trim().to_owned();
    let early = env.run(&["fetch", &id]);
    early.expect_code(1);
    assert!(early.stderr.contains("not finished"), "{}", early.stderr);
    assert!(
        early.stderr.contains(&format!("segflux fetch {id} --wait")),
        "{}",
        early.stderr
    );
    assert_eq!(TestEnv::files(&env.work()), Vec::<String>::new());
    let late = env.run(&["fetch", &id, "--wait", "-o", "fox.jpg"]);
    late.expect_code(0);
    assert_eq!(late.stdout.trim(), "fox.jpg");
}

#[test]
fn an_expired_request_is_exit_7() {
    let env = TestEnv::with(EmulatorConfig {
        queued: Duration::from_millis(10),
        processing: Duration::from_millis(10),
        retention: Duration::from_millis(300),
        image_long_side: 64,
        ..EmulatorConfig::default()
    });
    let id = env.run(&["submit", "a fox"]).stdout.trim().to_owned();
    std::thread::sleep(Duration::from_millis(500));
    std::fs::remove_dir_all(env.root.path().join("data")).expect("forget the history");
    for args in [vec!["fetch", id.as_str()], vec!["status", id.as_str()]] {
        let run = env.run(&args);
        run.expect_code(7);
        assert!(run.stderr.contains("kept for 1 hour"), "{}", run.stderr);
    }
}

#[test]
fn an_old_job_the_request_history_does_not_know_is_exit_7() {
    let env = TestEnv::new();
    let history = Journal::open_in(&env.root.path().join("data")).expect("journal");
    history
        .save(&JobRecord {
            request_id: "old-job-1".into(),
            model: "flux-1.1-pro-ultra".into(),
            params: serde_json::json!({"prompt": "a fox"}),
            seed: 1,
            prompt_hash: "0123456789ab".into(),
            format: "jpg".into(),
            submitted_ms: now_ms() - 2 * 3_600_000,
            api: None,
            state: "QUEUED".into(),
            output_url: None,
            path: None,
            error: None,
            inference_time: None,
            finished_after: None,
            cost: None,
        })
        .expect("save");
    let run = env.run(&["fetch", "old-job-1"]);
    run.expect_code(7);
    assert!(
        run.stderr.contains("kept for 1 hour after submission")
            && run.stderr.contains("request history has no record"),
        "{}",
        run.stderr
    );
    // Past the hour, only the request history is asked (the v2 record is gone for sure).
    assert_eq!(env.request_count(), 1);
    assert_eq!(env.emu.count(segflux_emulator::Endpoint::History), 1);
}

#[test]
fn status_without_ids_lists_jobs_newest_first_with_the_old_json_history_imported() {
    let env = TestEnv::new();
    // What a version before the journal left: one JSON file per job (and a damaged one).
    let old = env.root.path().join("data/jobs");
    std::fs::create_dir_all(&old).expect("mkdir");
    let entry = serde_json::json!({
        "request_id": "old-job-1", "model": "flux-1.1-pro-ultra",
        "params": {"prompt": "an old lighthouse"}, "seed": 3, "prompt_hash": "0123456789ab",
        "format": "jpg", "submitted_ms": now_ms() - 7_200_000, "state": "COMPLETED",
        "path": "/tmp/x.jpg"
    });
    std::fs::write(old.join("old-job-1.json"), entry.to_string()).expect("write");
    std::fs::write(old.join("broken.json"), "{ nope").expect("write");
    let mut ids = vec![];
    for p in ["first fox", "second fox", "third fox"] {
        ids.push(env.run(&["submit", p]).stdout.trim().to_owned());
        std::thread::sleep(Duration::from_millis(5));
    }
    let run = env.run(&["status", "--limit", "100"]);
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("ID "), "{}", run.stdout);
    assert!(lines[0].contains("STATE") && lines[0].contains("PROMPT"));
    let order: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    ids.reverse();
    ids.push("old-job-1".into());
    assert_eq!(order, ids);
    assert!(lines[1].contains("third fox"));
    assert!(lines[4].contains("an old lighthouse") && lines[4].contains("/tmp/x.jpg"));
    let limited = env.run(&["status", "--limit", "1", "--json"]);
    assert_eq!(limited.stdout.lines().count(), 1);
}

#[test]
fn two_dozen_concurrent_submits_are_all_recorded_intact() {
    let env = TestEnv::new();
    let children: Vec<_> = (0..24)
        .map(|i| {
            env.cmd()
                .args(["submit", &format!("fox number {i}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut ids: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            assert!(out.status.success());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("warning"), "{stderr}");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        })
        .collect();
    ids.sort();
    let (records, warnings) = Journal::open_in(&env.root.path().join("data"))
        .expect("journal")
        .list();
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut recorded: Vec<String> = records.iter().map(|r| r.request_id.clone()).collect();
    recorded.sort();
    assert_eq!(recorded, ids);
    assert!(
        records
            .iter()
            .all(|r| r.prompt().starts_with("fox number "))
    );
}

#[test]
fn timeout_then_fetch_wait_produces_the_image() {
    let env = slow_env(2500);
    let run = env.run(&["generate", "a fox", "--seed", "11", "--timeout", "1"]);
    run.expect_code(6);
    let id = env.emu.jobs()[0].request_id.clone();
    assert!(
        run.stderr.contains(&format!("segflux fetch {id} --wait")),
        "{}",
        run.stderr
    );
    assert_eq!(TestEnv::files(&env.work()), Vec::<String>::new());
    let resumed = env.run(&["fetch", &id, "--wait"]);
    resumed.expect_code(0);
    let files = TestEnv::files(&env.work());
    assert_eq!(files.len(), 1);
    assert!(files[0].starts_with("11-"), "{files:?}");
    assert_eq!(
        env.emu.count(Endpoint::Submit),
        1,
        "resuming must not submit again"
    );
}

#[test]
fn ctrl_c_during_generate_exits_130_with_the_request_id_and_no_partial_file() {
    let env = TestEnv::new();
    let (code, stderr) = env.interrupt_when(&["generate", "a fox #never"], "PROCESSING");
    assert_eq!(code, Some(130), "{stderr}");
    let id = env.emu.jobs()[0].request_id.clone();
    assert!(
        stderr.contains(&format!("segflux fetch {id} --wait")),
        "{stderr}"
    );
    assert_eq!(TestEnv::files(&env.work()), Vec::<String>::new());
}

#[test]
fn a_malformed_id_is_rejected_before_any_request() {
    let env = TestEnv::new();
    for args in [
        ["fetch", "../etc/passwd"],
        ["status", "a b"],
        ["fetch", "x?y=1"],
    ] {
        let run = env.run(&args);
        run.expect_code(2);
        assert!(
            run.stderr.contains("ID") && run.stderr.contains("A-Z"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(env.request_count(), 0);
}

#[test]
fn status_filters_the_journal_by_state_model_age_and_prompt_text() {
    let env = TestEnv::new();
    let heron = env
        .run(&["submit", "A grey Heron"])
        .stdout
        .trim()
        .to_owned();
    let fox = env.run(&["submit", "a red fox"]).stdout.trim().to_owned();
    env.run(&["fetch", &fox, "--wait", "-o", "fox.jpg"])
        .expect_code(0);
    let ids = |args: &[&str]| -> Vec<String> {
        let run = env.run(&[&["status", "--json"], args].concat());
        run.expect_code(0);
        run.stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
            .map(|v| v["request_id"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(ids(&["--search", "heron"]), std::slice::from_ref(&heron));
    assert_eq!(ids(&["--state", "completed"]), std::slice::from_ref(&fox));
    assert_eq!(ids(&["--since", "1h"]), [fox.clone(), heron.clone()]);
    assert_eq!(
        ids(&["--model", "flux-1.1-pro-ultra", "--state", "QUEUED"]),
        [heron]
    );
    assert!(ids(&["--model", "flux-dev"]).is_empty());
    let bad = env.run(&["status", "--since", "2 weeks"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("--since"), "{}", bad.stderr);
}

//! The fault matrix: one test per network or server fault, each asserting the exit code, the
//! requests the emulator saw (no retry storm; exactly one submit where a retry is unsafe), no
//! file or temp file left behind, and the `request_id` on stderr after any post-submit failure.
//! (Every run also checks that the key never appears in any output.)

use std::time::{Duration, Instant};

use segflux_emulator::{EmulatorConfig, Endpoint, FaultKind};

use crate::testenv::{Run, TestEnv};

fn http(status: u16, retry_after: Option<&str>) -> FaultKind {
    FaultKind::Http {
        status,
        body: format!(r#"{{"error":"injected {status}"}}"#),
        retry_after: retry_after.map(str::to_owned),
    }
}

fn no_files(env: &TestEnv) {
    assert_eq!(
        TestEnv::files(&env.work()),
        Vec::<String>::new(),
        "a file was left behind"
    );
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

fn generate(env: &TestEnv, extra: &[&str]) -> Run {
    let mut args = vec!["generate", "a fox", "-o", "fox.jpg"];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[test]
fn submit_429_with_retry_after_is_retried_after_the_servers_delay() {
    let env = TestEnv::new();
    env.inject(Endpoint::Submit, 2, http(429, Some("1")));
    let started = Instant::now();
    let run = env.run_cmd(
        env.cmd()
            .env_remove("SEGFLUX_TEST_NO_RETRY_DELAY")
            .args(["generate", "a fox", "-o", "fox.jpg", "-v"]),
    );
    run.expect_code(0);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After was not honoured"
    );
    assert!(
        run.stderr.contains("retrying the submit in 1.05s"),
        "{}",
        run.stderr
    );
    assert_eq!(env.emu.count(Endpoint::Submit), 3);
    assert_eq!(env.emu.jobs().len(), 1);
}

#[test]
fn submit_502_and_503_are_retried_and_bill_once() {
    let env = TestEnv::new();
    env.inject(Endpoint::Submit, 1, http(502, None));
    env.inject(Endpoint::Submit, 1, FaultKind::Html { status: 503 });
    let run = generate(&env, &[]);
    run.expect_code(0);
    assert_eq!(env.emu.count(Endpoint::Submit), 3);
    assert_eq!(env.emu.jobs().len(), 1);
}

#[test]
fn submit_500_and_504_are_not_retried() {
    for code in [500, 504] {
        let env = TestEnv::new();
        env.inject(Endpoint::Submit, 1, http(code, None));
        let run = generate(&env, &[]);
        run.expect_code(8);
        assert!(
            run.stderr.contains("may or may not have been accepted"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("segflux status"), "{}", run.stderr);
        assert_eq!(env.emu.count(Endpoint::Submit), 1, "{code} was retried");
        no_files(&env);
    }
}

#[test]
fn a_connection_lost_after_the_submit_was_sent_is_not_retried() {
    for kind in [
        FaultKind::DropBeforeProcessing,
        FaultKind::DropAfterProcessing,
    ] {
        let env = TestEnv::new();
        env.inject(Endpoint::Submit, 1, kind.clone());
        let run = generate(&env, &[]);
        run.expect_code(8);
        assert!(
            run.stderr.contains("may or may not have been accepted"),
            "{kind:?}: {}",
            run.stderr
        );
        assert_eq!(env.emu.count(Endpoint::Submit), 1, "{kind:?} was retried");
        no_files(&env);
    }
}

#[test]
fn a_submit_answer_without_a_request_id_or_json_is_uncertain() {
    for kind in [FaultKind::MissingRequestId, FaultKind::MalformedJson] {
        let env = TestEnv::new();
        env.inject(Endpoint::Submit, 1, kind.clone());
        let run = generate(&env, &[]);
        run.expect_code(8);
        assert!(
            run.stderr.contains("may or may not have been accepted"),
            "{kind:?}: {}",
            run.stderr
        );
        assert_eq!(env.emu.count(Endpoint::Submit), 1);
        no_files(&env);
    }
}

#[test]
fn an_unreachable_api_is_retried_then_exit_8_before_any_job() {
    let env = TestEnv::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let run = env.run_cmd(
        env.cmd()
            .env("SEGFLUX_BASE_URL", &url)
            .args(["generate", "a fox", "-v"]),
    );
    run.expect_code(8);
    assert!(run.stderr.contains("could not connect"), "{}", run.stderr);
    assert!(
        run.stderr.contains("gave up after 8 attempts"),
        "{}",
        run.stderr
    );
    no_files(&env);
}

#[test]
fn a_burst_of_5xx_on_polls_is_ridden_out() {
    let env = TestEnv::new();
    env.inject(Endpoint::Status, 1, http(500, None));
    env.inject(Endpoint::Status, 1, http(502, None));
    env.inject(Endpoint::Status, 1, FaultKind::Html { status: 503 });
    env.inject(Endpoint::Status, 1, http(504, None));
    env.inject(Endpoint::Result, 2, http(503, None));
    let run = generate(&env, &[]);
    run.expect_code(0);
    assert_eq!(env.emu.count(Endpoint::Submit), 1);
    assert_eq!(env.emu.count(Endpoint::Result), 3);
}

#[test]
fn polls_rate_limited_for_good_end_as_exit_8_without_a_storm() {
    let env = TestEnv::new();
    env.inject(Endpoint::Status, 1000, http(429, Some("0")));
    let run = generate(&env, &[]);
    run.expect_code(8);
    shows_request_id(&env, &run);
    assert!(run.stderr.contains("429"), "{}", run.stderr);
    assert_eq!(
        env.emu.count(Endpoint::Status),
        8,
        "one poll's 8 attempts, no more"
    );
    no_files(&env);
}

#[test]
fn dropped_connections_on_polls_are_retried() {
    let env = TestEnv::new();
    env.inject(Endpoint::Status, 2, FaultKind::DropBeforeProcessing);
    env.inject(Endpoint::Result, 1, FaultKind::DropAfterProcessing);
    let run = generate(&env, &[]);
    run.expect_code(0);
    assert_eq!(env.emu.count(Endpoint::Submit), 1);
}

#[test]
fn malformed_json_on_a_poll_is_retried() {
    let env = TestEnv::new();
    env.inject(Endpoint::Status, 1, FaultKind::MalformedJson);
    let run = generate(&env, &[]);
    run.expect_code(0);
}

#[test]
fn a_stalled_image_body_is_abandoned_and_retried() {
    let env = TestEnv::new();
    env.inject(Endpoint::Download, 1, FaultKind::StallBody);
    let run = generate(&env, &["--timeout", "3"]);
    run.expect_code(0);
    assert_eq!(env.emu.count(Endpoint::Download), 2);
    assert_eq!(TestEnv::files(&env.work()), vec!["fox.jpg".to_owned()]);
}

#[test]
fn a_body_that_stalls_for_good_cannot_hang_past_the_timeout() {
    let env = TestEnv::new();
    env.inject(Endpoint::Download, 1000, FaultKind::StallBody);
    let started = Instant::now();
    let run = generate(&env, &["--timeout", "2"]);
    run.expect_code(9);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "hung for {:?}",
        started.elapsed()
    );
    shows_request_id(&env, &run);
    let id = &env.emu.jobs()[0].request_id;
    assert!(
        run.stderr.contains(&format!("segflux fetch {id}")),
        "{}",
        run.stderr
    );
    no_files(&env);
}

#[test]
fn a_truncated_image_is_retried_and_never_written() {
    let env = TestEnv::new();
    env.inject(Endpoint::Download, 1, FaultKind::TruncateBody);
    let run = generate(&env, &[]);
    run.expect_code(0);
    assert_eq!(env.emu.count(Endpoint::Download), 2);

    let env = TestEnv::new();
    env.inject(Endpoint::Download, 1000, FaultKind::TruncateBody);
    let run = generate(&env, &[]);
    run.expect_code(9);
    assert!(
        run.stderr.contains("short") || run.stderr.contains("broke off"),
        "{}",
        run.stderr
    );
    assert_eq!(env.emu.count(Endpoint::Download), 8);
    shows_request_id(&env, &run);
    no_files(&env);
}

#[test]
fn an_html_page_instead_of_the_image_is_exit_9_not_a_jpg() {
    let env = TestEnv::new();
    env.inject(Endpoint::Download, 1, FaultKind::HtmlInsteadOfImage);
    let run = generate(&env, &[]);
    run.expect_code(9);
    assert!(run.stderr.contains("HTML"), "{}", run.stderr);
    shows_request_id(&env, &run);
    no_files(&env);
}

#[test]
fn an_image_redirect_to_another_origin_is_followed_without_the_key() {
    let env = TestEnv::new();
    env.inject(Endpoint::Download, 1, FaultKind::RedirectCrossOrigin);
    let run = generate(&env, &[]);
    run.expect_code(0);
    let downloads: Vec<_> = env
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == Endpoint::Download)
        .collect();
    assert_eq!(downloads.len(), 2, "{downloads:?}");
    assert!(
        downloads.iter().all(|r| r.api_key.is_none()),
        "{downloads:?}"
    );
}

#[test]
fn an_api_redirect_to_another_origin_is_not_followed() {
    let env = TestEnv::new();
    env.inject(Endpoint::Status, 1, FaultKind::RedirectCrossOrigin);
    let run = generate(&env, &[]);
    run.expect_code(8);
    assert!(run.stderr.contains("redirect"), "{}", run.stderr);
    shows_request_id(&env, &run);
    let leaked = env
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.api_key.is_some())
        .count();
    assert_eq!(
        leaked,
        env.emu.count(Endpoint::Submit) + env.emu.count(Endpoint::Status)
    );
    assert_eq!(env.emu.count(Endpoint::Download), 0);
}

#[test]
fn a_job_that_never_finishes_times_out_with_exit_6() {
    let env = TestEnv::new();
    env.inject(Endpoint::Submit, 1, FaultKind::NeverFinish);
    let run = generate(&env, &["--timeout", "1"]);
    run.expect_code(6);
    shows_request_id(&env, &run);
    let polls = env.emu.count(Endpoint::Status);
    assert!((2..=100).contains(&polls), "{polls} polls in 1 s");
    no_files(&env);
}

#[test]
fn expiry_in_the_middle_of_a_wait_with_no_history_record_is_exit_7() {
    // The record goes mid-wait (contract: "Past the hour"): the request history is asked,
    // and only when it has no record either is it exit 7. (With a record the job is
    // delivered: tests/cli/past_the_hour.rs.)
    let env = TestEnv::with(EmulatorConfig {
        queued: Duration::from_millis(50),
        processing: Duration::from_secs(5),
        image_long_side: 64,
        ..EmulatorConfig::default()
    });
    env.inject(Endpoint::Submit, 1, FaultKind::ExpireAfterPolls(2));
    env.inject(Endpoint::History, 1, http(404, None));
    let run = generate(&env, &[]);
    run.expect_code(7);
    assert!(run.stderr.contains("kept for 1 hour"), "{}", run.stderr);
    assert!(run.stderr.contains("no record"), "{}", run.stderr);
    shows_request_id(&env, &run);
    assert_eq!(env.emu.count(Endpoint::Status), 3, "a 404 is not retried");
    assert_eq!(env.emu.count(Endpoint::History), 1);
    no_files(&env);
}

#[test]
fn a_refused_key_mid_wait_is_exit_3_with_the_request_id() {
    let env = TestEnv::new();
    env.inject(Endpoint::Status, 1, http(401, None));
    let run = generate(&env, &[]);
    run.expect_code(3);
    shows_request_id(&env, &run);
    assert_eq!(env.emu.count(Endpoint::Status), 1);
}

#[test]
fn a_proxys_5xx_on_submit_is_uncertain_and_on_a_poll_is_retried() {
    let env = TestEnv::new();
    env.inject(Endpoint::Submit, 1, http(524, None));
    let run = generate(&env, &[]);
    run.expect_code(8);
    assert!(
        run.stderr.contains("may or may not have been accepted"),
        "{}",
        run.stderr
    );
    assert_eq!(env.emu.count(Endpoint::Submit), 1);

    let env = TestEnv::new();
    env.inject(Endpoint::Status, 2, http(520, None));
    generate(&env, &[]).expect_code(0);
}

#[test]
fn a_result_that_cannot_be_had_after_completion_is_exit_9() {
    let env = TestEnv::new();
    env.inject(Endpoint::Result, 1000, http(503, None));
    let run = generate(&env, &[]);
    run.expect_code(9);
    shows_request_id(&env, &run);
    let id = &env.emu.jobs()[0].request_id;
    assert!(
        run.stderr.contains(&format!("segflux fetch {id}")),
        "{}",
        run.stderr
    );
    assert_eq!(env.emu.count(Endpoint::Result), 8, "one fetch's 8 attempts");
    no_files(&env);
}

#[test]
fn ctrl_c_during_an_unanswered_submit_warns_it_may_be_billed() {
    let env = TestEnv::new();
    env.inject(Endpoint::Submit, 1, FaultKind::StallBody);
    let (code, stderr) = env.interrupt_when(&["-v", "generate", "a fox"], "> POST");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("may have been accepted and billed"),
        "{stderr}"
    );
    no_files(&env);
}

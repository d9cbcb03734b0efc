//! `generate`'s error exits end to end (contract: "Exit codes"): a missing or refused key (3),
//! no credits (4), a failed job (5) with the server's text and the request id, a timeout (6)
//! that says how to resume, and an unknown model (7); each sends no more than it must.

use segflux_emulator::{EmulatorConfig, Endpoint, FaultKind};

use crate::testenv::TestEnv;

#[test]
fn missing_key_is_exit_3_naming_the_variable_and_sends_nothing() {
    let env = TestEnv::new();
    let run = env.run_cmd(
        env.cmd()
            .env_remove("SEGMIND_API_KEY")
            .args(["generate", "a fox"]),
    );
    run.expect_code(3);
    assert!(run.stderr.contains("SEGMIND_API_KEY"), "{}", run.stderr);
    assert_eq!(env.request_count(), 0);
}

#[test]
fn a_refused_key_is_exit_3() {
    let env = TestEnv::with(EmulatorConfig {
        required_key: Some("the-right-key".into()),
        ..EmulatorConfig::default()
    });
    let run = env.run(&["generate", "a fox"]);
    run.expect_code(3);
    assert!(run.stderr.contains("401"), "{}", run.stderr);
    assert_eq!(
        env.emu.count(Endpoint::Submit),
        1,
        "401 must not be retried"
    );
}

#[test]
fn insufficient_credits_is_exit_4() {
    let env = TestEnv::new();
    env.inject(
        Endpoint::Submit,
        1,
        FaultKind::Http {
            status: 406,
            body: r#"{"error":"Insufficient credits"}"#.into(),
            retry_after: None,
        },
    );
    let run = env.run(&["generate", "a fox"]);
    run.expect_code(4);
    assert!(run.stderr.contains("credits"), "{}", run.stderr);
    assert_eq!(env.emu.count(Endpoint::Submit), 1);
}

#[test]
fn a_failed_job_is_exit_5_with_the_server_text_and_the_request_id() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox #fail"]);
    run.expect_code(5);
    let id = &env.emu.jobs()[0].request_id;
    assert!(run.stderr.contains("safety filter"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("request_id: {id}")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--safety-tolerance"), "{}", run.stderr);
    assert_eq!(TestEnv::files(&env.work()), Vec::<String>::new());
}

#[test]
fn an_unknown_model_is_exit_7() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox", "--model", "no-such-model"]);
    run.expect_code(7);
    assert!(run.stderr.contains("no-such-model"), "{}", run.stderr);
}

#[test]
fn timeout_is_exit_6_and_says_how_to_resume() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox #never", "--timeout", "1"]);
    run.expect_code(6);
    let id = &env.emu.jobs()[0].request_id;
    assert!(
        run.stderr.contains(&format!("request_id: {id}")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("segflux fetch {id} --wait")),
        "{}",
        run.stderr
    );
    assert_eq!(TestEnv::files(&env.work()), Vec::<String>::new());
}

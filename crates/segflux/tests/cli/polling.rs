//! The poll schedule through the binary (without the test-only fixed poll): a model the
//! history does not know is polled like Segmind's SDK, and its finished jobs teach the next.

use std::time::Duration;

use segflux_emulator::EmulatorConfig;

use crate::testenv::TestEnv;

/// Status polls the emulator answered for the newest job.
fn polls_of_last_job(env: &TestEnv) -> u32 {
    let jobs = env.emu.jobs();
    let newest = jobs
        .iter()
        .max_by_key(|j| j.submitted_at)
        .expect("a job was submitted");
    newest.status_polls
}

#[test]
fn an_unknown_model_is_polled_like_the_sdk_until_its_jobs_teach_a_window() {
    let env = TestEnv::with(EmulatorConfig {
        queued: Duration::ZERO,
        processing: Duration::from_millis(1200),
        image_long_side: 64,
        ..EmulatorConfig::default()
    });
    let generate = |seed: &str| {
        let mut cmd = env.cmd();
        cmd.env_remove("SEGFLUX_TEST_POLL_MS").args([
            "generate",
            "a fox",
            "--model",
            "flux-schnell",
            "--seed",
            seed,
        ]);
        env.run_cmd(&mut cmd).expect_code(0);
    };
    // No history, no typical time: one poll a second like the SDK (less its poll at
    // submission, which can never find the job done): at 1 s (running) and 2 s (done).
    for seed in ["1", "2", "3"] {
        generate(seed);
        assert_eq!(polls_of_last_job(&env), 2, "seed {seed}");
    }
    // Three jobs known, seen done about 1.5 s after submission (between the polls at 1 s and
    // 2 s): the next one is first polled at the start of that window (1.25 s), and done.
    generate("4");
    assert_eq!(polls_of_last_job(&env), 1);
}

#[test]
fn the_default_model_without_history_skips_the_polls_that_cannot_find_it_done() {
    let env = TestEnv::with(EmulatorConfig {
        queued: Duration::ZERO,
        processing: Duration::from_millis(1200),
        image_long_side: 64,
        ..EmulatorConfig::default()
    });
    let mut cmd = env.cmd();
    cmd.env_remove("SEGFLUX_TEST_POLL_MS")
        .args(["generate", "a fox", "--seed", "1"]);
    env.run_cmd(&mut cmd).expect_code(0);
    // The model page's 14 s: steps of 1.4 s towards 9.8 s, so one poll at 1.4 s finds this
    // early job done, where the SDK polls at 0, 1 and 2 s.
    assert_eq!(polls_of_last_job(&env), 1);
}

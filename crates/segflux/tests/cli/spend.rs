//! Spend end to end: `segflux credits`, each job's cost in the done line, the record and the
//! journal, estimates in `--dry-run`, and the `--max-cost` refusal with nothing sent.

use segflux_emulator::{Endpoint, Origin};
use serde_json::Value;

use crate::testenv::{CANARY_KEY, TestEnv};

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn credits_prints_the_account_and_sends_the_key_to_the_api_origin_only() {
    let env = TestEnv::new_with(|c| {
        c.credits = 12.5;
        c.free_credits = 0.018;
    });
    let run = env.run(&["credits"]);
    run.expect_code(0);
    assert_eq!(run.stdout, "credits $12.50, free credits $0.018\n");
    let run = env.run(&["credits", "--json"]);
    run.expect_code(0);
    assert_eq!(
        json_lines(&run.stdout),
        [serde_json::json!({"credits": 12.5, "free_credits": 0.018})]
    );
    let seen = env.emu.requests();
    assert_eq!(seen.len(), 2);
    for r in &seen {
        assert_eq!((r.origin, r.endpoint), (Origin::Api, Endpoint::Credits));
        assert_eq!(r.api_key.as_deref(), Some(CANARY_KEY));
    }
}

#[test]
fn credits_work_offline_against_the_built_in_emulator() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.env_remove("SEGFLUX_BASE_URL")
        .env_remove("SEGMIND_API_KEY")
        .args(["--emulator", "credits"]);
    let run = env.run_cmd(&mut cmd);
    run.expect_code(0);
    assert_eq!(run.stdout, "credits $1000.00, free credits $0.00\n");
    assert_eq!(
        env.request_count(),
        0,
        "the test's own emulator was not used"
    );
}

#[test]
fn each_job_shows_its_cost_and_the_image_and_journal_keep_it() {
    let env = TestEnv::new_with(|c| c.price = 0.055);
    let run = env.run(&["generate", "a fox", "--seed", "1", "-o", "fox.png"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains(", cost $0.055, $999.945 credits left"),
        "{}",
        run.stderr
    );
    let inspect = env.run(&["inspect", "fox.png"]);
    inspect.expect_code(0);
    assert!(inspect.stdout.contains("cost:"), "{}", inspect.stdout);
    assert!(inspect.stdout.contains("$0.055"), "{}", inspect.stdout);
    // The journal now knows the model's price: it is the next estimate.
    let dry = env.run(&["--json", "generate", "a heron", "--dry-run"]);
    dry.expect_code(0);
    let line = &json_lines(&dry.stdout)[0];
    assert_eq!(line["estimated_cost"], 0.055);
    assert_eq!(line["estimate_source"], "journal");
    assert!(
        dry.stderr.contains(
            "1 image × $0.055 ≈ $0.055 (estimate: the last cost segflux saw for flux-1.1-pro-ultra)"
        ),
        "{}",
        dry.stderr
    );
}

#[test]
fn without_metrics_cost_the_request_history_says_after_the_image_is_written() {
    let env = TestEnv::new_with(|c| {
        c.metrics_cost = false;
        c.price = 0.045;
    });
    let run = env.run(&["--json", "generate", "a fox", "-o", "fox.jpg"]);
    run.expect_code(0);
    assert!(run.stderr.contains(", cost $0.045"), "{}", run.stderr);
    assert_eq!(json_lines(&run.stdout)[0]["cost"], 0.045);
    // Read once, after the image (so not in the record written with it).
    let seen = env.emu.requests();
    let history: Vec<_> = seen
        .iter()
        .filter(|r| r.endpoint == Endpoint::History)
        .collect();
    assert_eq!(history.len(), 1, "{history:#?}");
    let download = seen.iter().position(|r| r.endpoint == Endpoint::Download);
    let asked = seen.iter().position(|r| r.endpoint == Endpoint::History);
    assert!(download < asked, "the image waited for its cost");
    let inspect = env.run(&["--json", "inspect", "fox.jpg"]);
    let record: Value = serde_json::from_str(inspect.stdout.trim()).expect("json");
    assert!(record.get("cost").is_none(), "{record}");
    // The journal has it: the next estimate.
    let dry = env.run(&["--json", "generate", "a heron", "--dry-run"]);
    assert_eq!(json_lines(&dry.stdout)[0]["estimated_cost"], 0.045);
}

#[test]
fn a_cost_nobody_reports_is_shown_as_unknown_not_invented() {
    let env = TestEnv::new_with(|c| c.metrics_cost = false);
    env.inject(
        Endpoint::History,
        5,
        segflux_emulator::FaultKind::Http {
            status: 404,
            body: r#"{"error":"not found"}"#.into(),
            retry_after: None,
        },
    );
    let run = env.run(&["--json", "generate", "a fox", "-o", "fox.jpg"]);
    run.expect_code(0);
    assert!(run.stderr.contains(", cost unknown"), "{}", run.stderr);
    assert!(!run.stderr.contains('$'), "{}", run.stderr);
    assert_eq!(json_lines(&run.stdout)[0]["cost"], Value::Null);
}

#[test]
fn dry_run_labels_the_list_price_as_an_estimate_and_knows_no_other_price() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox", "--dry-run"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains(
            "estimated cost: 1 image × $0.06 ≈ $0.06 (estimate: the published list price of flux-1.1-pro-ultra; Segmind's own price may differ)"
        ),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "--json",
        "generate",
        "a fox",
        "--model",
        "flux-dev",
        "--dry-run",
    ]);
    run.expect_code(0);
    let line = &json_lines(&run.stdout)[0];
    assert_eq!(line["estimated_cost"], Value::Null);
    assert!(
        run.stderr.contains("estimated cost: unknown"),
        "{}",
        run.stderr
    );
    let batch = env.run(&["generate", "a fox", "-n", "3", "--dry-run", "-o", "out/"]);
    batch.expect_code(0);
    assert!(
        batch.stderr.contains("3 images × $0.06 ≈ $0.18"),
        "{}",
        batch.stderr
    );
    assert_eq!(env.request_count(), 0);
}

#[test]
fn over_max_cost_is_refused_with_the_numbers_and_nothing_sent() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox", "--max-cost", "0.05"]);
    run.expect_code(4);
    assert!(
        run.stderr
            .contains("error: 1 image × $0.06 ≈ $0.06, over --max-cost $0.05"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "generate",
        "a fox",
        "-n",
        "5",
        "-o",
        "out/",
        "--max-cost",
        "0.2",
    ]);
    run.expect_code(4);
    assert!(
        run.stderr
            .contains("error: 5 images × $0.06 ≈ $0.30, over --max-cost $0.20"),
        "{}",
        run.stderr
    );
    env.run(&["config", "set", "max_cost", "0.1"])
        .expect_code(0);
    let run = env.run(&["generate", "a fox", "--seed", "7", "-o", "out/"]);
    run.expect_code(0);
    // One of three exists: two to pay for, $0.12, over the config's $0.10.
    let run = env.run(&["generate", "a fox", "--seed", "7", "-n", "3", "-o", "out/"]);
    run.expect_code(4);
    assert!(
        run.stderr
            .contains("2 images × $0.06 ≈ $0.12, over --max-cost $0.10"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.emu.count(Endpoint::Submit),
        1,
        "only the run within the cap"
    );
    let run = env.run(&["generate", "a fox", "--max-cost", "x"]);
    run.expect_code(2);
}

#[test]
fn skipped_jobs_cost_nothing_under_the_cap() {
    let env = TestEnv::new();
    let first = [
        "generate", "a fox", "-n", "3", "--seed", "100", "-o", "out/",
    ];
    env.run(&first).expect_code(0);
    // Three of five exist: two to pay for, $0.12, within a cap of $0.12.
    let run = env.run(&[
        "generate",
        "a fox",
        "-n",
        "5",
        "--seed",
        "100",
        "-o",
        "out/",
        "--max-cost",
        "0.12",
    ]);
    run.expect_code(0);
    assert_eq!(env.emu.count(Endpoint::Submit), 5);
    assert_eq!(TestEnv::files(&env.work().join("out")).len(), 5);
}

#[test]
fn a_406_on_a_single_job_is_exit_4() {
    let env = TestEnv::new();
    env.emu.set_credits(0.01);
    let run = env.run(&["generate", "a fox"]);
    run.expect_code(4);
    assert!(
        run.stderr.contains("insufficient credits"),
        "{}",
        run.stderr
    );
}

//! Spend in a batch, end to end: costs in the manifest, the summary and the records; the cap
//! held while the batch runs (stop, list what was not submitted, exit 4); a price learnt from
//! one job first; the credits check before a large batch; and an account that runs dry
//! half-way.

use segflux_emulator::Endpoint;
use serde_json::Value;

use crate::testenv::TestEnv;

fn prompts(env: &TestEnv, n: usize) {
    let text: Vec<String> = (1..=n).map(|i| format!("prompt number {i}")).collect();
    std::fs::write(env.work().join("p.txt"), text.join("\n")).expect("write input");
}

/// The manifest's last line per input line, by line number.
fn final_lines(env: &TestEnv) -> Vec<Value> {
    let text = std::fs::read_to_string(env.work().join("m.jsonl")).expect("manifest");
    let mut by_line = std::collections::BTreeMap::new();
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).expect("a JSON line");
        if v["status"] != "SUBMITTED" {
            by_line.insert(v["line"].as_u64().expect("line"), v);
        }
    }
    by_line.into_values().collect()
}

fn statuses(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l["status"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn batch(env: &TestEnv, extra: &[&str]) -> crate::testenv::Run {
    let mut args = vec![
        "generate",
        "--from",
        "p.txt",
        "-o",
        "out/",
        "--manifest",
        "m.jsonl",
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[test]
fn costs_go_to_the_manifest_the_summary_and_each_image() {
    let env = TestEnv::quick_with(|c| c.price = 0.055);
    prompts(&env, 3);
    let run = batch(&env, &[]);
    run.expect_code(0);
    let lines = final_lines(&env);
    assert_eq!(statuses(&lines), ["COMPLETED"; 3]);
    for l in &lines {
        assert_eq!(l["cost"], 0.055, "{l}");
        let path = l["path"].as_str().expect("path");
        let inspect = env.run(&["--json", "inspect", path]);
        let record: Value = serde_json::from_str(inspect.stdout.trim()).expect("record");
        assert_eq!(record["cost"], 0.055, "{record}");
    }
    assert!(run.stderr.contains("; cost $0.165"), "{}", run.stderr);
}

#[test]
fn the_cap_stops_submitting_mid_batch_and_lists_the_jobs_not_submitted() {
    // Estimated at the $0.06 list price (6 × $0.06 = $0.36, under the cap), but each job
    // really costs $0.10: after three, a fourth would pass $0.38.
    let env = TestEnv::quick_with(|c| c.price = 0.1);
    prompts(&env, 6);
    let run = batch(&env, &["--concurrency", "1", "--max-cost", "0.38"]);
    run.expect_code(4);
    let lines = final_lines(&env);
    assert_eq!(
        statuses(&lines),
        [
            "COMPLETED",
            "COMPLETED",
            "COMPLETED",
            "NOT_SUBMITTED",
            "NOT_SUBMITTED",
            "NOT_SUBMITTED"
        ]
    );
    assert!(lines[3]["request_id"].is_null());
    assert!(
        lines[3]["error"]
            .as_str()
            .unwrap_or("")
            .contains("would pass --max-cost $0.38"),
        "{}",
        lines[3]
    );
    assert_eq!(env.emu.count(Endpoint::Submit), 3);
    assert_eq!(TestEnv::files(&env.work().join("out")).len(), 3);
    for n in 4..=6 {
        assert!(
            run.stderr.contains(&format!("(line {n}): ")),
            "line {n} not listed: {}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("not submitted 3"), "{}", run.stderr);
    assert!(run.stderr.contains("cost $0.30"), "{}", run.stderr);
}

#[test]
fn with_a_cap_and_no_estimate_one_job_runs_first_to_learn_the_price() {
    // flux-dev has no list price and no history: the first job learns $0.10, then the cap
    // of $0.25 admits one more.
    let env = TestEnv::quick_with(|c| c.price = 0.1);
    prompts(&env, 5);
    let run = batch(
        &env,
        &[
            "--model",
            "flux-dev",
            "--concurrency",
            "4",
            "--max-cost",
            "0.25",
        ],
    );
    run.expect_code(4);
    let lines = final_lines(&env);
    let done = statuses(&lines)
        .iter()
        .filter(|s| *s == "COMPLETED")
        .count();
    assert_eq!(done, 2, "{lines:#?}");
    assert_eq!(env.emu.count(Endpoint::Submit), 2);
    assert!(env.emu.peak_in_flight() <= 1, "the price was learnt first");
}

#[test]
fn a_large_batch_checks_the_credits_first_and_refuses_what_they_cannot_cover() {
    let env = TestEnv::quick_with(|c| c.credits = 0.5);
    prompts(&env, 12);
    let run = batch(&env, &[]);
    run.expect_code(4);
    assert!(
        run.stderr.contains(
            "insufficient credits: 12 images × $0.06 ≈ $0.72, over the $0.50 of credits left"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(env.emu.count(Endpoint::Submit), 0);
    assert_eq!(env.emu.count(Endpoint::Credits), 1);
    // Ten jobs are not checked (a small batch spends no request on it).
    prompts(&env, 10);
    env.emu.set_credits(1000.0);
    batch(&env, &[]).expect_code(0);
    assert_eq!(env.emu.count(Endpoint::Credits), 1);
}

#[test]
fn a_batch_that_runs_out_of_credits_half_way_keeps_what_it_paid_for() {
    // Enough for five of eight images at $0.06 (eight is under the credits check's 10).
    let env = TestEnv::quick_with(|c| c.credits = 0.3);
    prompts(&env, 8);
    let run = batch(&env, &["--concurrency", "2"]);
    run.expect_code(4);
    let lines = final_lines(&env);
    let count = |s: &str| statuses(&lines).iter().filter(|x| *x == s).count();
    assert_eq!(count("COMPLETED"), 5, "{lines:#?}");
    assert_eq!(count("FAILED") + count("NOT_SUBMITTED"), 3, "{lines:#?}");
    assert!(count("FAILED") >= 1, "the 406 itself is listed");
    assert_eq!(TestEnv::files(&env.work().join("out")).len(), 5);
    assert!(
        run.stderr.contains("insufficient credits"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("may have been"), "{}", run.stderr);
    for l in lines.iter().filter(|l| l["status"] != "COMPLETED") {
        let n = l["line"].as_u64().expect("line");
        assert!(
            run.stderr.contains(&format!("(line {n}): ")),
            "line {n} not listed: {}",
            run.stderr
        );
    }
    assert!(env.emu.credits().abs() < 1e-9, "{}", env.emu.credits());
}

#[test]
fn check_prints_the_estimate_of_the_images_it_would_pay_for() {
    let env = TestEnv::quick_with(|c| c.price = 0.05);
    prompts(&env, 2);
    batch(&env, &[]).expect_code(0);
    // Two up to date, three to pay for, estimated at the $0.05 the journal saw.
    prompts(&env, 5);
    let run = env.run(&["generate", "--from", "p.txt", "-o", "out/", "--check"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains(
            "3 image(s) to pay for, estimated cost: 3 images × $0.05 ≈ $0.15 (estimate: the last cost segflux saw for flux-1.1-pro-ultra)"
        ),
        "{}",
        run.stderr
    );
    let json = env.run(&[
        "--json", "generate", "--from", "p.txt", "-o", "out/", "--check",
    ]);
    let costs: Vec<Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["estimated_cost"].clone())
        .collect();
    assert_eq!(
        costs,
        [
            Value::Null,
            Value::Null,
            0.05.into(),
            0.05.into(),
            0.05.into()
        ]
    );
    assert_eq!(env.emu.count(Endpoint::Submit), 2);
}

#[test]
fn without_metrics_cost_a_batch_reads_its_costs_once_through_the_history_list() {
    let env = TestEnv::quick_with(|c| {
        c.metrics_cost = false;
        c.price = 0.07;
    });
    prompts(&env, 4);
    let run = batch(&env, &[]);
    run.expect_code(0);
    let text = std::fs::read_to_string(env.work().join("m.jsonl")).expect("manifest");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let completed: Vec<&Value> = lines
        .iter()
        .filter(|l| l["status"] == "COMPLETED")
        .collect();
    let costs: Vec<&Value> = lines.iter().filter(|l| l["status"] == "COST").collect();
    assert_eq!((completed.len(), costs.len()), (4, 4), "{text}");
    for c in &costs {
        assert_eq!(c["cost"], 0.07, "{c}");
        assert!(
            completed
                .iter()
                .any(|l| l["request_id"] == c["request_id"] && l["path"] == c["path"])
        );
    }
    assert!(run.stderr.contains("; cost $0.28"), "{}", run.stderr);
    let history: Vec<String> = env
        .emu
        .requests()
        .iter()
        .filter(|r| r.endpoint == Endpoint::History)
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        history,
        ["/inference-request/request-history"],
        "one list read, no per-job record"
    );
}

#[test]
fn a_price_learnt_first_may_come_from_the_request_history() {
    let env = TestEnv::quick_with(|c| {
        c.metrics_cost = false;
        c.price = 0.1;
    });
    prompts(&env, 5);
    let run = batch(
        &env,
        &[
            "--model",
            "flux-dev",
            "--concurrency",
            "4",
            "--max-cost",
            "0.25",
        ],
    );
    run.expect_code(4);
    assert_eq!(env.emu.count(Endpoint::Submit), 2, "{}", run.stderr);
    assert!(run.stderr.contains("cost $0.20"), "{}", run.stderr);
}

//! "Absent" from the request history only when it is known (contract: "Failing closed"): an
//! uncertain submit (its answer lost) is settled against histories that serve short pages,
//! list a request late, drop `false` keys, shorten long prompts or run their clock behind —
//! found, or left uncertain (exit 8), never paid twice. Also the batch's cost pass over short
//! pages, and `segflux emulator --history-page-size`.

use std::io::{BufRead as _, Read as _, Write as _};
use std::process::Stdio;
use std::time::Duration;

use segflux_emulator::{Endpoint, FaultKind};
use serde_json::Value;

use crate::testenv::{Run, TestEnv};

/// Runs `args` with the history's real settling rules (a request sent moments ago is
/// looked for again after `recheck_ms`, and stays uncertain for a minute).
fn run_settling(env: &TestEnv, args: &[&str], recheck_ms: Option<u64>) -> Run {
    let mut cmd = env.cmd();
    cmd.env_remove("SEGFLUX_TEST_HISTORY_SETTLE_MS");
    if let Some(ms) = recheck_ms {
        cmd.env("SEGFLUX_TEST_HISTORY_RECHECK_MS", ms.to_string());
    }
    env.run_cmd(cmd.args(args))
}

/// Generates `args` once with the submit's answer lost after the server accepted (and
/// billed) it: exit 8, one job. Returns its id.
fn lose_the_answer(env: &TestEnv, args: &[&str]) -> String {
    env.inject(Endpoint::Submit, 1, FaultKind::DropAfterProcessing);
    env.run(args).expect_code(8);
    let jobs = env.emu.jobs();
    assert_eq!(jobs.len(), 1, "the server accepted it");
    jobs[0].request_id.clone()
}

/// The re-run adopted the job the history lists, and paid nothing more.
#[track_caller]
fn adopted_not_paid_again(env: &TestEnv, run: &Run, id: &str, jobs: usize) {
    run.expect_code(0);
    assert!(
        run.stderr.contains(&format!("accepted as {id}")),
        "{}",
        run.stderr
    );
    assert_eq!(env.emu.count(Endpoint::Submit), jobs, "paid twice");
    assert_eq!(env.emu.jobs().len(), jobs, "paid twice");
}

#[test]
fn an_uncertain_job_older_than_the_newest_page_is_found_not_paid_twice() {
    let env = TestEnv::quick_with(|c| c.history_page_size = 20);
    let args = ["generate", "a heron at dawn", "--seed", "9", "-o", "out/"];
    let id = lose_the_answer(&env, &args);
    let newer: Vec<String> = (0..25).map(|i| format!("a newer fox {i}")).collect();
    env.write_file("p.txt", &(newer.join("\n") + "\n"));
    env.run(&["generate", "--from", "p.txt", "-o", "more/"])
        .expect_code(0);
    assert_eq!(env.emu.jobs().len(), 26);
    let again = env.run(&args);
    adopted_not_paid_again(&env, &again, &id, 26);
}

#[test]
fn a_batch_reads_every_cost_from_a_history_serving_short_pages() {
    let env = TestEnv::quick_with(|c| {
        c.metrics_cost = false;
        c.price = 0.07;
        c.history_page_size = 5;
    });
    let list: Vec<String> = (1..=12).map(|i| format!("prompt number {i}")).collect();
    env.write_file("p.txt", &list.join("\n"));
    let run = env.run(&[
        "generate",
        "--from",
        "p.txt",
        "-o",
        "out/",
        "--manifest",
        "m.jsonl",
    ]);
    run.expect_code(0);
    let text = std::fs::read_to_string(env.work().join("m.jsonl")).expect("manifest");
    let costs = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .filter(|l| l["status"] == "COST")
        .count();
    assert_eq!(costs, 12, "{text}");
    assert!(run.stderr.contains("; cost $0.84"), "{}", run.stderr);
}

#[test]
fn a_record_listed_late_is_found_at_the_second_look() {
    let env = TestEnv::quick_with(|c| c.history_lag = Duration::from_millis(1500));
    let args = ["generate", "a late heron", "--seed", "3", "-o", "out/"];
    let id = lose_the_answer(&env, &args);
    let again = run_settling(&env, &args, None);
    adopted_not_paid_again(&env, &again, &id, 1);
}

#[test]
fn a_record_listed_later_than_the_second_look_leaves_the_job_uncertain() {
    // Listed 5 s after its submit: long after the second look (100 ms after the first).
    let lag = Duration::from_secs(5);
    let env = TestEnv::quick_with(|c| c.history_lag = lag);
    let args = ["generate", "a very late heron", "--seed", "3", "-o", "out/"];
    let id = lose_the_answer(&env, &args);
    let blind = run_settling(&env, &args, Some(100));
    blind.expect_code(8);
    assert!(
        blind.stderr.contains("segflux status --reconcile"),
        "{}",
        blind.stderr
    );
    assert_eq!(env.emu.count(Endpoint::Submit), 1, "nothing was sent again");
    let listed = env.emu.jobs()[0].submitted_at + lag + Duration::from_millis(200);
    if let Ok(wait) = listed.duration_since(std::time::SystemTime::now()) {
        std::thread::sleep(wait);
    }
    let reconciled = run_settling(&env, &["status", "--reconcile", "--json"], Some(100));
    reconciled.expect_code(0);
    let line: Value = serde_json::from_str(reconciled.last_line()).expect("json");
    assert_eq!(line["status"], "ADOPTED");
    assert_eq!(line["request_id"], id.as_str());
    run_settling(&env, &args, Some(100)).expect_code(0);
    assert_eq!(env.emu.jobs().len(), 1, "paid once");
}

#[test]
fn a_submit_sent_moments_ago_and_not_listed_stays_uncertain_until_it_settles() {
    let env = TestEnv::quick_with(|_| {});
    env.inject(Endpoint::Submit, 1, FaultKind::DropBeforeProcessing);
    let args = [
        "generate",
        "a heron never taken",
        "--seed",
        "9",
        "-o",
        "out/",
    ];
    env.run(&args).expect_code(8);
    let blind = run_settling(&env, &args, Some(100));
    blind.expect_code(8);
    assert_eq!(env.emu.count(Endpoint::Submit), 1, "nothing was sent again");
    // Once it is older than the settling time, its absence is known.
    let later = env.run(&args);
    later.expect_code(0);
    assert!(later.stderr.contains("never accepted"), "{}", later.stderr);
    assert_eq!(env.emu.jobs().len(), 1);
}

#[test]
fn a_history_that_drops_false_keys_still_matches() {
    let env = TestEnv::quick_with(|c| c.history_drops_false = true);
    let args = ["generate", "a heron, not raw", "--seed", "5", "-o", "out/"];
    let id = lose_the_answer(&env, &args);
    let stored = &env.emu.jobs()[0].params;
    assert_eq!(stored["raw"], false, "segflux sent raw=false: {stored}");
    let again = env.run(&args);
    adopted_not_paid_again(&env, &again, &id, 1);
}

#[test]
fn a_history_that_shortens_long_prompts_still_matches() {
    let env = TestEnv::quick_with(|c| c.history_prompt_limit = Some(40));
    let prompt = "a grey heron standing in the shallows of a misty lake at dawn, \
                  reeds in the foreground, soft golden light, long lens";
    let args = ["generate", prompt, "--seed", "5", "-o", "out/"];
    let id = lose_the_answer(&env, &args);
    let again = env.run(&args);
    adopted_not_paid_again(&env, &again, &id, 1);
}

#[test]
fn a_history_clock_fifteen_minutes_behind_still_matches() {
    let env = TestEnv::quick_with(|c| c.history_clock_behind_minutes = 15);
    let args = [
        "generate",
        "a heron out of time",
        "--seed",
        "5",
        "-o",
        "out/",
    ];
    let id = lose_the_answer(&env, &args);
    let again = env.run(&args);
    adopted_not_paid_again(&env, &again, &id, 1);
}

#[test]
fn the_emulator_binary_serves_history_pages_at_its_own_size() {
    let env = TestEnv::new();
    let mut child = env
        .cmd()
        .args(["emulator", "--port", "0", "--history-page-size", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the emulator");
    let mut line = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut line).expect("its base URL");
    let page = get_json(
        line.trim(),
        "/inference-request/request-history?per_page=100",
    );
    child.kill().expect("stop the emulator");
    child.wait().expect("wait");
    assert_eq!(page["per_page"], 3, "{page}");
    assert_eq!(page["total_pages"], 0, "{page}");
}

/// A GET of `path` on `base` (`http://127.0.0.1:P`) over a bare HTTP/1.1 connection: the
/// JSON body.
fn get_json(base: &str, path: &str) -> Value {
    let addr = base.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nx-api-key: k\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).expect("read");
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

//! Batch generation: inputs, overrides, bad lines, counts, skip/resume, partial failure,
//! manifest and shards (the concurrency limit, 429 and Ctrl-C are in `batch_load.rs`).

use std::collections::BTreeSet;

use segflux_emulator::Endpoint;

use crate::testenv::TestEnv;

fn submitted_seeds(env: &TestEnv) -> Vec<u64> {
    let mut seeds: Vec<u64> = env
        .emu
        .requests()
        .iter()
        .filter(|r| r.endpoint == Endpoint::Submit)
        .filter_map(|r| r.body.as_ref().and_then(|b| b["seed"].as_u64()))
        .collect();
    seeds.sort_unstable();
    seeds
}

#[test]
fn a_text_file_with_counts_writes_every_image_and_a_manifest() {
    let env = TestEnv::new();
    env.write_file(
        "prompts.txt",
        "# my prompts\n\na fox\n  # skipped\na heron at dawn\n",
    );
    let run = env.run(&[
        "generate",
        "--from",
        "prompts.txt",
        "-n",
        "2",
        "--seed",
        "100",
        "-o",
        "out/",
        "--manifest",
        "m.jsonl",
    ]);
    run.expect_code(0);
    assert_eq!(TestEnv::files(&env.work().join("out")).len(), 4);
    assert_eq!(submitted_seeds(&env), [100, 100, 101, 101]);
    let lines = env.manifest("m.jsonl");
    assert_eq!(lines.len(), 4);
    for l in &lines {
        assert_eq!(l["status"], "COMPLETED");
        for key in [
            "request_id",
            "prompt",
            "seed",
            "prompt_hash",
            "path",
            "inference_time",
            "wall_time",
            "model",
            "output_url",
            "width",
            "height",
        ] {
            assert!(!l[key].is_null(), "{key} missing in {l}");
        }
        let path = l["path"].as_str().expect("path");
        assert!(env.work().join(path).exists(), "{path}");
    }
    let prompts: BTreeSet<&str> = lines.iter().filter_map(|l| l["prompt"].as_str()).collect();
    assert_eq!(prompts, BTreeSet::from(["a fox", "a heron at dawn"]));
    assert!(run.stderr.contains("generated 4"), "{}", run.stderr);
    let mut printed: Vec<&str> = run.stdout.lines().collect();
    printed.sort_unstable();
    let mut written: Vec<&str> = lines.iter().filter_map(|l| l["path"].as_str()).collect();
    written.sort_unstable();
    assert_eq!(printed, written, "stdout names each written image");
}

#[test]
fn jsonl_lines_override_the_command_line() {
    let env = TestEnv::new();
    env.write_file(
        "jobs.jsonl",
        r#"{"prompt":"a fox","aspect_ratio":"16:9","seed":1,"output":"fox.png"}
{"prompt":"a heron","raw":true,"safety_tolerance":5,"params":{"steps":30}}
"#,
    );
    let run = env.run(&[
        "generate",
        "--from",
        "jobs.jsonl",
        "--ar",
        "9:16",
        "--seed",
        "7",
        "--json",
    ]);
    run.expect_code(0);
    let fox = image::open(env.work().join("fox.png")).expect("fox.png");
    assert_eq!((fox.width(), fox.height()), (64, 36));
    let reqs = env.emu.requests();
    let heron = reqs
        .iter()
        .filter_map(|r| r.body.as_ref())
        .find(|b| b["prompt"] == "a heron")
        .expect("heron submitted");
    assert_eq!(heron["aspect_ratio"], "9:16");
    assert_eq!(heron["seed"], 7);
    assert_eq!(heron["raw"], true);
    assert_eq!(heron["safety_tolerance"], 5);
    assert_eq!(heron["steps"], 30);
    assert_eq!(
        run.stdout.lines().count(),
        2,
        "--json prints one line per job"
    );
}

#[test]
fn bad_lines_are_reported_by_number_and_nothing_is_sent() {
    let env = TestEnv::new();
    env.write_file("jobs.jsonl",
        "{\"prompt\":\"fine\"}\n{\"prompt\":\"x\",\"aspect_ratio\":\"7:5\"}\n{oops\n{\"prompt\":\"x\",\"seeed\":3}\n",
    );
    let run = env.run(&["generate", "--from", "jobs.jsonl"]);
    run.expect_code(2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    for needle in ["line 2", "line 3", "line 4", "seeed", "16:9"] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert!(!run.stderr.contains("line 1"), "{}", run.stderr);
    assert_eq!(env.request_count(), 0);
}

#[test]
fn existing_files_are_skipped_without_a_request_and_force_rewrites_them_without_paying_again() {
    let env = TestEnv::new();
    env.write_file("p.txt", "a fox\na heron\n");
    env.run(&["generate", "--from", "p.txt", "-o", "out/"])
        .expect_code(0);
    let before = env.request_count();
    let again = env.run(&["generate", "--from", "p.txt", "-o", "out/"]);
    again.expect_code(0);
    assert_eq!(env.request_count(), before, "a re-run sent requests");
    assert!(again.stderr.contains("skipped 2"), "{}", again.stderr);
    std::fs::write(
        env.work()
            .join("out")
            .join(&TestEnv::files(&env.work().join("out"))[0]),
        b"junk",
    )
    .expect("damage a file");
    let forced = env.run(&["generate", "--from", "p.txt", "-o", "out/", "--force"]);
    forced.expect_code(0);
    assert!(forced.stderr.contains("resumed 2"), "{}", forced.stderr);
    assert_eq!(
        env.emu.count(Endpoint::Submit),
        2,
        "jobs within the hour are fetched, not paid again"
    );
    assert_eq!(env.emu.count(Endpoint::Download), 4);
    for f in TestEnv::files(&env.work().join("out")) {
        image::open(env.work().join("out").join(f)).expect("a whole image again");
    }
}

#[test]
fn a_job_submitted_earlier_is_fetched_not_submitted_again() {
    let env = TestEnv::new();
    let id = env
        .run(&["submit", "a fox", "--seed", "5"])
        .stdout
        .trim()
        .to_owned();
    env.write_file("p.txt", "a fox\n");
    let run = env.run(&[
        "generate",
        "--from",
        "p.txt",
        "--seed",
        "5",
        "--manifest",
        "m.jsonl",
    ]);
    run.expect_code(0);
    assert_eq!(
        env.emu.count(Endpoint::Submit),
        1,
        "the job was submitted twice"
    );
    assert!(run.stderr.contains("resumed 1"), "{}", run.stderr);
    assert_eq!(env.manifest("m.jsonl")[0]["request_id"], id.as_str());
}

#[test]
fn one_failure_does_not_stop_the_batch_and_sets_the_exit_code() {
    let env = TestEnv::new();
    env.write_file("p.txt", "a fox\na harbour #fail\na heron\n");
    let run = env.run(&["generate", "--from", "p.txt", "--manifest", "m.jsonl"]);
    run.expect_code(5);
    assert_eq!(
        TestEnv::files(&env.work())
            .iter()
            .filter(|f| f.ends_with(".jpg"))
            .count(),
        2
    );
    assert!(run.stderr.contains("generated 2"), "{}", run.stderr);
    assert!(run.stderr.contains("failed 1"), "{}", run.stderr);
    assert!(run.stderr.contains("safety filter"), "{}", run.stderr);
    let failed: Vec<_> = env
        .manifest("m.jsonl")
        .into_iter()
        .filter(|l| l["status"] == "FAILED")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["request_id"].as_str().is_some());
    assert_eq!(failed[0]["line"], 2);
}

#[test]
fn shards_split_the_input_with_no_overlap_and_no_gap() {
    let env = TestEnv::new();
    let text: Vec<String> = (0..10).map(|i| format!("prompt {i}")).collect();
    env.write_file("p.txt", &text.join("\n"));
    let names = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "--json",
            "generate",
            "--from",
            "p.txt",
            "-n",
            "2",
            "--dry-run",
        ];
        args.extend_from_slice(extra);
        let run = env.run(&args);
        run.expect_code(0);
        run.stdout
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).expect("json")["file_name"]
                    .as_str()
                    .expect("name")
                    .to_owned()
            })
            .collect()
    };
    let all: BTreeSet<String> = names(&[]).into_iter().collect();
    assert_eq!(all.len(), 20);
    let mut union = BTreeSet::new();
    for k in 1..=3 {
        let part = names(&["--shard", &format!("{k}/3")]);
        for n in part {
            assert!(union.insert(n), "a job is in two shards");
        }
    }
    assert_eq!(union, all);
    assert_eq!(env.request_count(), 0);
    env.run(&["generate", "--from", "p.txt", "--shard", "4/3"])
        .expect_code(2);
}

#[test]
fn a_file_output_is_refused_in_batch_mode() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox", "-n", "3", "-o", "fox.jpg"]);
    run.expect_code(2);
    assert!(run.stderr.contains("directory"), "{}", run.stderr);
    assert_eq!(env.request_count(), 0);
}

#[test]
fn a_job_of_another_api_is_never_resumed() {
    let env = TestEnv::new();
    let id = env
        .run(&["submit", "a fox", "--seed", "5"])
        .stdout
        .trim()
        .to_owned();
    let journal =
        segflux::journal::Journal::open_in(&env.root.path().join("data")).expect("journal");
    let rec = journal
        .get(&id)
        .expect("read")
        .expect("the journal has the job");
    assert_eq!(
        rec.api.as_deref(),
        Some(env.emu.base_url().as_str()),
        "the entry records its API"
    );
    journal
        .update(&id, |r| r.api = Some("http://127.0.0.1:9".into()))
        .expect("rewrite entry");
    drop(journal);
    env.write_file("p.txt", "a fox\n");
    let run = env.run(&["generate", "--from", "p.txt", "--seed", "5"]);
    run.expect_code(0);
    assert!(run.stderr.contains("resumed 0"), "{}", run.stderr);
    assert_eq!(env.emu.count(Endpoint::Submit), 2);
}

#[test]
fn quiet_still_names_the_failed_jobs() {
    let env = TestEnv::new();
    env.write_file("p.txt", "a fox\na harbour #fail\n");
    let run = env.run(&["-q", "generate", "--from", "p.txt"]);
    run.expect_code(5);
    let failed = env
        .emu
        .jobs()
        .into_iter()
        .find(|j| j.params["prompt"] == "a harbour #fail")
        .expect("the failing job");
    assert!(run.stderr.contains(&failed.request_id), "{}", run.stderr);
    assert!(
        !run.stderr.contains("written"),
        "-q printed progress: {}",
        run.stderr
    );
}

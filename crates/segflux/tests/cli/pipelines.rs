//! Pipelines (contract: "Pipelines", "Output"): up to date / out of date / kept, `--check`,
//! batch stdout, and JSONL on standard input. What a batch refuses before paying is in
//! `refusals.rs`.

use segflux_emulator::Endpoint;

use crate::testenv::TestEnv;

/// The prompt recorded in an image segflux wrote (`segflux inspect --json`).
fn recorded_prompt(env: &TestEnv, file: &str) -> String {
    let run = env.run(&["--json", "inspect", file]);
    run.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("inspect json");
    v["prompt"].as_str().unwrap_or_default().to_owned()
}

/// A JPEG that segflux did not make (no generation record).
fn foreign_jpeg(env: &TestEnv, name: &str) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 10, 10]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    std::fs::write(env.work().join(name), out.get_ref()).expect("write");
    out.into_inner()
}

pub fn submits(env: &TestEnv) -> usize {
    env.emu.count(Endpoint::Submit)
}

#[test]
fn a_changed_prompt_regenerates_its_file_and_an_unchanged_one_costs_nothing() {
    let env = TestEnv::new();
    env.write_file(
        "assets.jsonl",
        "{\"prompt\":\"a red fox\",\"output\":\"hero.jpg\"}\n",
    );
    let first = env.run(&[
        "generate",
        "--from",
        "assets.jsonl",
        "--manifest",
        "m.jsonl",
    ]);
    first.expect_code(0);
    assert_eq!(
        first.stdout, "./hero.jpg\n",
        "stdout names the written file"
    );
    assert_eq!(recorded_prompt(&env, "hero.jpg"), "a red fox");

    let again = env.run(&[
        "generate",
        "--from",
        "assets.jsonl",
        "--manifest",
        "m.jsonl",
    ]);
    again.expect_code(0);
    assert_eq!(submits(&env), 1, "an up-to-date file was paid for again");
    assert_eq!(again.stdout, "", "nothing on stdout for a skipped job");
    assert!(again.stderr.contains("skipped 1"), "{}", again.stderr);

    env.write_file(
        "assets.jsonl",
        "{\"prompt\":\"a blue whale\",\"output\":\"hero.jpg\"}\n",
    );
    let changed = env.run(&[
        "generate",
        "--from",
        "assets.jsonl",
        "--manifest",
        "m.jsonl",
    ]);
    changed.expect_code(0);
    assert_eq!(submits(&env), 2);
    assert_eq!(
        recorded_prompt(&env, "hero.jpg"),
        "a blue whale",
        "a stale asset shipped"
    );
    assert!(changed.stderr.contains("updated 1"), "{}", changed.stderr);
    assert_eq!(changed.stdout, "./hero.jpg\n");
    let statuses: Vec<String> = env
        .manifest("m.jsonl")
        .iter()
        .map(|l| l["status"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(statuses, ["COMPLETED", "SKIPPED", "UPDATED"]);
    let names = TestEnv::files(&env.work());
    assert!(names.iter().all(|n| !n.ends_with(".part")), "{names:?}");
}

#[test]
fn a_file_segflux_did_not_make_is_kept_with_a_warning_and_force_regenerates_it() {
    let env = TestEnv::new();
    let original = foreign_jpeg(&env, "logo.jpg");
    env.write_file("assets.jsonl",
        "{\"prompt\":\"a logo\",\"output\":\"logo.jpg\"}\n{\"prompt\":\"a fox\",\"output\":\"fox.jpg\"}\n",
    );
    let run = env.run(&[
        "generate",
        "--from",
        "assets.jsonl",
        "--manifest",
        "m.jsonl",
    ]);
    run.expect_code(0);
    assert_eq!(
        std::fs::read(env.work().join("logo.jpg")).expect("logo"),
        original
    );
    assert!(
        run.stderr.contains("warning: kept ./logo.jpg (line 1)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("kept 1"), "{}", run.stderr);
    assert_eq!(run.stdout, "./fox.jpg\n");
    assert_eq!(submits(&env), 1);
    let kept: Vec<_> = env
        .manifest("m.jsonl")
        .into_iter()
        .filter(|l| l["status"] == "KEPT")
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["line"], 1);

    let forced = env.run(&["generate", "--from", "assets.jsonl", "--force"]);
    forced.expect_code(0);
    assert_eq!(recorded_prompt(&env, "logo.jpg"), "a logo");
}

#[test]
fn without_an_embedded_record_the_sidecar_or_the_manifest_says_what_wrote_the_file() {
    let env = TestEnv::new();
    env.write_file("a.jsonl", "{\"prompt\":\"a fox\",\"output\":\"fox.jpg\"}\n");
    env.write_file(
        "b.jsonl",
        "{\"prompt\":\"a heron\",\"output\":\"heron.jpg\"}\n",
    );
    let base = ["generate", "--no-metadata"];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        env.run(&args)
    };
    with(&["--from", "a.jsonl", "--sidecar"]).expect_code(0);
    with(&["--from", "b.jsonl", "--manifest", "m.jsonl"]).expect_code(0);
    with(&["--from", "a.jsonl", "--sidecar"]).expect_code(0);
    with(&["--from", "b.jsonl", "--manifest", "m.jsonl"]).expect_code(0);
    assert_eq!(
        submits(&env),
        2,
        "a file recorded by its sidecar or manifest was redone"
    );
    env.write_file(
        "b.jsonl",
        "{\"prompt\":\"a crane\",\"output\":\"heron.jpg\"}\n",
    );
    let changed = with(&["--from", "b.jsonl", "--manifest", "m.jsonl"]);
    changed.expect_code(0);
    assert!(changed.stderr.contains("updated 1"), "{}", changed.stderr);
}

#[test]
fn check_sends_nothing_lists_what_is_not_up_to_date_and_gates_with_its_exit_code() {
    let env = TestEnv::new();
    env.write_file("assets.jsonl",
        "{\"prompt\":\"a red fox\",\"output\":\"hero.jpg\"}\n{\"prompt\":\"a heron\",\"output\":\"heron.jpg\"}\n",
    );
    env.run(&["generate", "--from", "assets.jsonl"])
        .expect_code(0);
    let requests = env.request_count();
    let clean = env.run(&["generate", "--from", "assets.jsonl", "--check"]);
    clean.expect_code(0);
    assert_eq!(clean.stdout, "");
    assert!(
        clean.stderr.contains("0 of 2 jobs not up to date"),
        "{}",
        clean.stderr
    );

    env.write_file("assets.jsonl",
        "{\"prompt\":\"a blue whale\",\"output\":\"hero.jpg\"}\n{\"prompt\":\"a heron\",\"output\":\"heron.jpg\"}\n{\"prompt\":\"an owl\",\"output\":\"owl.jpg\"}\n",
    );
    let stale = env.run(&["generate", "--from", "assets.jsonl", "--check"]);
    stale.expect_code(1);
    let lines: Vec<&str> = stale.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", stale.stdout);
    assert!(
        lines[0].starts_with("out of date")
            && lines[0].contains("line 1")
            && lines[0].ends_with("hero.jpg")
    );
    assert!(
        lines[1].starts_with("missing")
            && lines[1].contains("line 3")
            && lines[1].ends_with("owl.jpg")
    );
    assert!(
        stale.stderr.contains("2 image(s) to pay for"),
        "{}",
        stale.stderr
    );
    assert!(stale.stderr.contains("estimated cost"), "{}", stale.stderr);

    // No key is needed: nothing is sent.
    let keyless = env.run_cmd(env.cmd().env_remove("SEGMIND_API_KEY").args([
        "generate",
        "--from",
        "assets.jsonl",
        "--check",
    ]));
    keyless.expect_code(1);
    assert_eq!(keyless.stdout, stale.stdout);

    let json = env.run(&["--json", "generate", "--from", "assets.jsonl", "--check"]);
    json.expect_code(1);
    let states: Vec<String> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json")["state"].to_string())
        .collect();
    assert_eq!(states, ["\"out of date\"", "\"up to date\"", "\"missing\""]);
    assert_eq!(env.request_count(), requests, "--check sent a request");
    assert_eq!(recorded_prompt(&env, "hero.jpg"), "a red fox");
}

#[test]
fn check_counts_a_job_submitted_earlier_as_resumable_not_paid() {
    let env = TestEnv::new();
    env.run(&["submit", "a fox", "--seed", "5"]).expect_code(0);
    env.write_file("p.txt", "a fox\n");
    let run = env.run(&["generate", "--from", "p.txt", "--seed", "5", "--check"]);
    run.expect_code(1);
    assert!(run.stdout.starts_with("resumable"), "{}", run.stdout);
    assert!(
        run.stderr.contains("0 image(s) to pay for"),
        "{}",
        run.stderr
    );
}

#[test]
fn jsonl_on_standard_input_is_planned_and_run_like_a_file() {
    use std::io::Write as _;
    let env = TestEnv::new();
    let input =
        "# assets\n{\"prompt\":\"a fox\",\"output\":\"fox.png\"}\n{\"prompt\":\"a heron\"}\n";
    let run_with_stdin = |args: &[&str]| {
        let mut child = env
            .cmd()
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        let out = child.wait_with_output().expect("wait");
        crate::testenv::Run::from(out)
    };
    let check = run_with_stdin(&["generate", "--from", "-", "--check"]);
    check.expect_code(1);
    assert_eq!(check.stdout.lines().count(), 2, "{}", check.stdout);
    assert!(check.stdout.contains("line 2") && check.stdout.contains("fox.png"));
    assert_eq!(env.request_count(), 0);
    let run = run_with_stdin(&["generate", "--from", "-"]);
    run.expect_code(0);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let fox = image::open(env.work().join("fox.png")).expect("fox.png");
    assert!(fox.width() > 0);
    run_with_stdin(&["generate", "--from", "-", "--check"]).expect_code(0);
}

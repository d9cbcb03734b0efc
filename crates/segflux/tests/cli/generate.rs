//! `generate` end to end: files, names, bytes, what the API saw, and every error exit.

use std::path::Path;

use segflux::cli::ImageFormat;
use segflux::domain::request::GenerationRequest;
use segflux_emulator::{Endpoint, FaultKind, Origin, OutputShape};

use crate::testenv::{CANARY_KEY, TestEnv};

fn expected_name(prompt: &str, ar: &str, seed: u64, format: ImageFormat) -> String {
    GenerationRequest {
        model: "flux-1.1-pro-ultra".into(),
        prompt: prompt.into(),
        aspect_ratio: ar.into(),
        seed,
        raw: false,
        safety_tolerance: 2,
        image_prompt: None,
        format,
        extra: vec![],
    }
    .file_name()
}

fn dims(path: &Path) -> (u32, u32, image::ImageFormat) {
    let bytes = std::fs::read(path).expect("read image");
    let format = image::guess_format(&bytes).expect("an image");
    let img = image::load_from_memory(&bytes).expect("decodes");
    (img.width(), img.height(), format)
}

#[test]
fn happy_path_writes_a_named_jpeg_and_sends_the_key_only_to_the_api() {
    let env = TestEnv::new();
    let run = env.run(&[
        "generate",
        "a lighthouse at dusk",
        "--ar",
        "16:9",
        "--seed",
        "42",
    ]);
    run.expect_code(0);
    run.assert_clean_stdout();
    let name = expected_name("a lighthouse at dusk", "16:9", 42, ImageFormat::Jpg);
    assert_eq!(run.stdout, format!("./{name}\n"));
    assert_eq!(TestEnv::files(&env.work()), vec![name.clone()]);
    assert_eq!(
        dims(&env.work().join(&name)),
        (64, 36, image::ImageFormat::Jpeg)
    );
    assert!(run.stderr.contains("seed 42"), "{}", run.stderr);
    assert!(run.stderr.contains("COMPLETED"), "{}", run.stderr);

    let reqs = env.emu.requests();
    let submit = reqs
        .iter()
        .find(|r| r.endpoint == Endpoint::Submit)
        .expect("a submit");
    let body = submit.body.as_ref().expect("a JSON body");
    assert_eq!(body["prompt"], "a lighthouse at dusk");
    assert_eq!(body["aspect_ratio"], "16:9");
    assert_eq!(body["seed"], 42);
    assert_eq!(body["raw"], false);
    assert_eq!(body["safety_tolerance"], 2);
    assert_eq!(body["output_format"], "jpg");
    for r in &reqs {
        match r.origin {
            Origin::Api => assert_eq!(r.api_key.as_deref(), Some(CANARY_KEY), "{r:?}"),
            Origin::Cdn => assert_eq!(r.api_key, None, "key sent to the image host: {r:?}"),
        }
        let ua = r.user_agent.as_deref().unwrap_or("");
        assert!(ua.starts_with("segflux/"), "{r:?}");
    }
    assert_eq!(env.emu.count(Endpoint::Submit), 1);
    assert_eq!(env.emu.count(Endpoint::Download), 1);
}

#[test]
fn png_from_the_output_extension() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a red fox", "-o", "fox.png", "--ar", "9:16"]);
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), "fox.png");
    assert_eq!(
        dims(&env.work().join("fox.png")),
        (36, 64, image::ImageFormat::Png)
    );
    let reqs = env.emu.requests();
    let submit = reqs
        .iter()
        .find(|r| r.endpoint == Endpoint::Submit)
        .expect("submit");
    assert_eq!(submit.body.as_ref().expect("body")["output_format"], "png");
}

#[test]
fn output_directory_with_trailing_slash_is_created() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a red fox", "-o", "renders/", "--seed", "7"]);
    run.expect_code(0);
    let name = expected_name("a red fox", "1:1", 7, ImageFormat::Jpg);
    assert_eq!(run.stdout.trim(), format!("renders/{name}"));
    assert_eq!(TestEnv::files(&env.work().join("renders")), vec![name]);
}

#[test]
fn same_request_same_name_and_refusal_to_overwrite_without_force() {
    let env = TestEnv::new();
    let args = ["generate", "a red fox", "--seed", "7"];
    let first = env.run(&args);
    first.expect_code(0);
    let before = env.request_count();
    let again = env.run(&args);
    again.expect_code(1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(env.request_count(), before, "a refused run sent requests");
    let forced = env.run(&["generate", "a red fox", "--seed", "7", "--force"]);
    forced.expect_code(0);
    assert_eq!(
        forced.stdout, first.stdout,
        "the same request maps to the same name"
    );
    assert_eq!(TestEnv::files(&env.work()).len(), 1);
}

#[test]
fn every_picture_changing_option_changes_the_name() {
    let env = TestEnv::new();
    let name = |extra: &[&str]| {
        let mut args = vec!["--json", "generate", "a red fox", "--dry-run"];
        args.extend_from_slice(extra);
        if !extra.contains(&"--seed") {
            args.extend(["--seed", "7"]);
        }
        let run = env.run(&args);
        run.expect_code(0);
        let v: serde_json::Value = serde_json::from_str(run.last_line()).expect("json");
        v["file_name"].as_str().expect("file_name").to_owned()
    };
    let base = name(&[]);
    assert_eq!(base, name(&[]));
    let variants = [
        name(&["--ar", "16:9"]),
        name(&["--raw"]),
        name(&["--safety-tolerance", "5"]),
        name(&["--seed", "8"]),
        name(&["--image-prompt", "https://example.com/x.png"]),
        name(&["--model", "flux-dev"]),
        name(&["-p", "steps=30"]),
    ];
    for v in &variants {
        assert_ne!(v, &base);
    }
    let mut unique = variants.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), variants.len());
    let other_prompt = env.run(&[
        "--json",
        "generate",
        "a blue fox",
        "--seed",
        "7",
        "--dry-run",
    ]);
    assert!(!other_prompt.stdout.contains(&base));
    assert_eq!(env.request_count(), 0, "dry runs sent requests");
}

#[test]
fn dry_run_prints_the_exact_request_with_the_key_redacted() {
    let env = TestEnv::new();
    let run = env.run(&[
        "generate",
        "a fox",
        "--seed",
        "3",
        "-p",
        "steps=30",
        "-p",
        "style=vivid",
        "--dry-run",
    ]);
    run.expect_code(0);
    let url = format!("POST {}/v2/flux-1.1-pro-ultra", env.emu.base_url());
    assert!(run.stdout.starts_with(&url), "{}", run.stdout);
    assert!(run.stdout.contains("x-api-key: (redacted)"));
    let json_start = run.stdout.find('{').expect("a JSON body");
    let body: serde_json::Value = serde_json::from_str(&run.stdout[json_start..]).expect("JSON");
    assert_eq!(body["steps"], 30);
    assert_eq!(body["style"], "vivid");
    assert_eq!(body["seed"], 3);
    assert_eq!(env.request_count(), 0);
}

#[test]
fn prompt_from_stdin_drops_one_trailing_newline() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["generate", "-", "--seed", "1"])
        .stdin(std::process::Stdio::piped());
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"a fox from a pipe\n").expect("write");
    }
    let run = crate::testenv::Run::from(child.wait_with_output().expect("wait"));
    run.expect_code(0);
    let reqs = env.emu.requests();
    let submit = reqs
        .iter()
        .find(|r| r.endpoint == Endpoint::Submit)
        .expect("submit");
    assert_eq!(
        submit.body.as_ref().expect("body")["prompt"],
        "a fox from a pipe"
    );
}

#[test]
fn json_output_is_one_object_with_the_documented_fields() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox", "--seed", "9", "--json", "--ar", "4:3"]);
    run.expect_code(0);
    run.assert_clean_stdout();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let id = v["request_id"].as_str().expect("request_id");
    assert_eq!(v["status"], "COMPLETED");
    assert_eq!(v["model"], "flux-1.1-pro-ultra");
    assert_eq!(v["seed"], 9);
    let name = expected_name("a fox", "4:3", 9, ImageFormat::Jpg);
    assert_eq!(v["prompt_hash"].as_str(), Some(&name[2..14]));
    assert_eq!(v["path"], format!("./{name}"));
    assert!(
        v["output_url"]
            .as_str()
            .expect("url")
            .starts_with(&env.emu.cdn_url())
    );
    assert!(v["inference_time"].as_f64().is_some());
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(64), Some(48))
    );
    assert!(env.emu.jobs().iter().any(|j| j.request_id == id));
}

#[test]
fn verbose_logs_each_exchange_with_the_key_redacted() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox", "-v"]);
    run.expect_code(0);
    assert!(run.stderr.contains("> POST "), "{}", run.stderr);
    assert!(run.stderr.contains("x-api-key: redacted"), "{}", run.stderr);
    assert!(run.stderr.contains("(no key)"), "{}", run.stderr);
}

#[test]
fn quiet_prints_nothing_on_stderr() {
    let env = TestEnv::new();
    let run = env.run(&["-q", "generate", "a fox"]);
    run.expect_code(0);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout.lines().count(), 1);
}

#[test]
fn every_output_shape_yields_the_image() {
    let shapes = [
        OutputShape::UrlString,
        OutputShape::UrlList,
        OutputShape::ObjectUrl,
        OutputShape::ObjectImageUrl,
        OutputShape::ListOfObjects,
        OutputShape::Base64,
        OutputShape::DataUri,
        OutputShape::JsonEncodedString,
    ];
    let env = TestEnv::new();
    for (i, shape) in shapes.into_iter().enumerate() {
        env.inject(Endpoint::Result, 1, FaultKind::OutputShape(shape));
        let out = format!("shape{i}.jpg");
        let run = env.run(&["generate", "a fox", "-o", &out]);
        run.expect_code(0);
        assert_eq!(
            dims(&env.work().join(&out)).2,
            image::ImageFormat::Jpeg,
            "{shape:?}"
        );
    }
}

#[test]
fn the_other_format_is_converted_to_the_one_asked() {
    let env = TestEnv::new();
    env.inject(Endpoint::Download, 1, FaultKind::WrongFormat);
    let run = env.run(&["generate", "a fox", "-o", "fox.jpg"]);
    run.expect_code(0);
    assert_eq!(
        dims(&env.work().join("fox.jpg")).2,
        image::ImageFormat::Jpeg
    );
    assert!(run.stderr.contains("converted"), "{}", run.stderr);
}

#[test]
fn stdout_carries_only_the_path_when_not_a_terminal() {
    let env = TestEnv::new();
    let run = env.run(&["generate", "a fox", "-o", "a.jpg"]);
    run.expect_code(0);
    run.assert_clean_stdout();
    assert_eq!(run.stdout, "a.jpg\n");
    let states: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|w| ["QUEUED", "PROCESSING", "COMPLETED"].contains(w))
        .collect();
    assert!(states.contains(&"COMPLETED"), "{}", run.stderr);
}

#[test]
fn the_built_in_emulator_runs_end_to_end_and_leaves_the_history_alone() {
    let env = TestEnv::new();
    let run = env.run_cmd(
        env.cmd()
            .env_remove("SEGMIND_API_KEY")
            .env_remove("SEGFLUX_BASE_URL")
            .args([
                "--emulator",
                "generate",
                "a lighthouse at dusk",
                "--ar",
                "16:9",
                "--seed",
                "42",
            ]),
    );
    run.expect_code(0);
    assert_eq!(run.stdout, "./42-ef3ec516c4be.jpg\n");
    assert_eq!(
        dims(&env.work().join("42-ef3ec516c4be.jpg")).2,
        image::ImageFormat::Jpeg
    );
    assert!(
        run.stderr.contains("QUEUED") && run.stderr.contains("COMPLETED"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.request_count(),
        0,
        "the test's own emulator was not used"
    );
    assert_eq!(
        TestEnv::files(&env.root.path().join("data")),
        Vec::<String>::new(),
        "emulator jobs were recorded"
    );
}

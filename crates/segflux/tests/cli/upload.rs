//! Local `--image-prompt PATH` (spec: cli.md, "Local files"): checked before anything is
//! sent, uploaded once per content to the emulator's storage, its URL in the submit body, the
//! file name and the embedded record named by the content (`sha256:<hex>`).

use segflux_emulator::{Endpoint, Origin};

use crate::testenv::{CANARY_KEY, TestEnv};

/// A tiny file that is a JPEG by its magic bytes (the emulator does not decode it).
const JPEG: &[u8] = b"\xff\xd8\xff\xe0 a reference picture";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn uploads(env: &TestEnv) -> usize {
    env.emu
        .requests()
        .iter()
        .filter(|r| r.path == "/upload-asset")
        .count()
}

fn submits(env: &TestEnv) -> Vec<serde_json::Value> {
    env.emu
        .requests()
        .iter()
        .filter(|r| r.endpoint == Endpoint::Submit)
        .filter_map(|r| r.body.clone())
        .collect()
}

#[test]
fn a_local_file_is_uploaded_once_and_its_url_is_submitted() {
    let env = TestEnv::new();
    std::fs::write(env.work().join("ref.jpg"), JPEG).unwrap();
    let asset = format!("{}/assets/{}.jpg", env.emu.cdn_url(), sha256_hex(JPEG));
    let run = env.run(&[
        "generate",
        "a lighthouse",
        "--seed",
        "1",
        "--image-prompt",
        "ref.jpg",
    ]);
    run.expect_code(0);
    assert_eq!(uploads(&env), 1);
    let bodies = submits(&env);
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["image_prompt"], asset.as_str());
    // The upload went to the API origin, and the key to nowhere else.
    let upload = env
        .emu
        .requests()
        .into_iter()
        .find(|r| r.path == "/upload-asset")
        .unwrap();
    assert_eq!(upload.origin, Origin::Api);
    for r in env.emu.requests() {
        if r.api_key.as_deref() == Some(CANARY_KEY) {
            assert_eq!(r.origin, Origin::Api, "the key went to {}", r.path);
        } else {
            assert!(r.api_key.is_none(), "{r:?}");
        }
    }
    // The record embedded in the image keeps the content name, not the upload URL.
    let name = run.last_line().trim_start_matches("./").to_owned();
    let inspect = env.run(&["inspect", &name, "--json"]);
    inspect.expect_code(0);
    assert!(
        inspect
            .stdout
            .contains(&format!("sha256:{}", sha256_hex(JPEG))),
        "{}",
        inspect.stdout
    );

    // A second run (a copy of the file elsewhere, another seed) uploads nothing and names the
    // image by the same content hash.
    std::fs::create_dir(env.work().join("sub")).unwrap();
    std::fs::write(env.work().join("sub/copy.jpg"), JPEG).unwrap();
    let again = env.run(&[
        "generate",
        "a lighthouse",
        "--seed",
        "2",
        "--image-prompt",
        "sub/copy.jpg",
    ]);
    again.expect_code(0);
    assert_eq!(uploads(&env), 1, "uploaded again: {}", again.stderr);
    assert_eq!(submits(&env)[1]["image_prompt"], asset.as_str());
    let hash = |line: &str| line.rsplit('-').next().unwrap().to_owned();
    assert_eq!(hash(again.last_line()), hash(run.last_line()));
}

#[test]
fn submit_uploads_too_and_rejects_a_bad_file() {
    let env = TestEnv::new();
    std::fs::write(env.work().join("ref.jpg"), JPEG).unwrap();
    env.run(&["submit", "a fox", "--image-prompt", "missing.jpg"])
        .expect_code(2);
    assert_eq!(env.request_count(), 0);
    env.run(&["submit", "a fox", "--image-prompt", "ref.jpg"])
        .expect_code(0);
    assert_eq!(uploads(&env), 1);
    let asset = format!("{}/assets/{}.jpg", env.emu.cdn_url(), sha256_hex(JPEG));
    assert_eq!(submits(&env)[0]["image_prompt"], asset.as_str());
}

#[test]
fn a_batch_sharing_one_file_uploads_it_once() {
    let env = TestEnv::new();
    std::fs::write(env.work().join("ref.png"), b"\x89PNG\r\n\x1a\n a png").unwrap();
    std::fs::write(
        env.work().join("jobs.jsonl"),
        r#"{"prompt":"a fox","image_prompt":"ref.png"}
{"prompt":"a heron","image_prompt":"./ref.png"}
{"prompt":"an owl","image_prompt":"ref.png","count":2}
{"prompt":"a url one","image_prompt":"https://example.com/x.png"}
"#,
    )
    .unwrap();
    let run = env.run(&["generate", "--from", "jobs.jsonl", "--concurrency", "3"]);
    run.expect_code(0);
    assert_eq!(uploads(&env), 1, "{}", run.stderr);
    let bodies = submits(&env);
    assert_eq!(bodies.len(), 5);
    let asset = format!(
        "{}/assets/{}.png",
        env.emu.cdn_url(),
        sha256_hex(b"\x89PNG\r\n\x1a\n a png")
    );
    let locals = bodies
        .iter()
        .filter(|b| b["image_prompt"] == asset.as_str())
        .count();
    assert_eq!(locals, 4, "{bodies:?}");
    assert!(
        bodies
            .iter()
            .any(|b| b["image_prompt"] == "https://example.com/x.png")
    );
}

#[test]
fn unusable_files_are_usage_errors_before_anything_is_sent() {
    let env = TestEnv::new();
    std::fs::write(env.work().join("notes.txt"), "not a picture").unwrap();
    let big = std::fs::File::create(env.work().join("big.jpg")).unwrap();
    big.set_len((20 << 20) + 1).unwrap();
    std::fs::create_dir(env.work().join("dir.jpg")).unwrap();
    for (file, why) in [
        ("missing.jpg", "no such file"),
        ("notes.txt", "not a JPEG, PNG or WebP"),
        ("big.jpg", "20 MiB"),
        ("dir.jpg", "directory"),
    ] {
        let run = env.run(&["generate", "a fox", "--image-prompt", file]);
        run.expect_code(2);
        assert!(
            run.stderr.contains("--image-prompt") && run.stderr.contains(why),
            "{}",
            run.stderr
        );
        std::fs::write(
            env.work().join("jobs.jsonl"),
            format!(
                "{{\"prompt\":\"ok\"}}\n{{\"prompt\":\"a fox\",\"image_prompt\":\"{file}\"}}\n"
            ),
        )
        .unwrap();
        let run = env.run(&["generate", "--from", "jobs.jsonl"]);
        run.expect_code(2);
        assert!(
            run.stderr.contains("line 2")
                && run.stderr.contains("image_prompt")
                && run.stderr.contains(why),
            "{}",
            run.stderr
        );
    }
    assert_eq!(env.request_count(), 0);
}

#[test]
fn dry_run_shows_the_upload_and_sends_nothing() {
    let env = TestEnv::new();
    std::fs::write(env.work().join("ref.jpg"), JPEG).unwrap();
    let run = env.run(&[
        "generate",
        "a fox",
        "--image-prompt",
        "ref.jpg",
        "--dry-run",
    ]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains(&format!("POST {}/upload-asset", env.emu.base_url()))
            && run.stdout.contains("ref.jpg")
            && run.stdout.contains(&format!("sha256:{}", sha256_hex(JPEG))),
        "{}",
        run.stdout
    );
    let json = env.run(&[
        "generate",
        "a fox",
        "--image-prompt",
        "ref.jpg",
        "--dry-run",
        "--json",
    ]);
    json.expect_code(0);
    let line: serde_json::Value =
        serde_json::from_str(json.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(line["upload"]["file"], "ref.jpg");
    assert_eq!(line["upload"]["already_uploaded"], serde_json::Value::Null);
    assert_eq!(env.request_count(), 0);
    // Once uploaded, the dry run says so and would upload nothing.
    env.run(&["generate", "a fox", "--image-prompt", "ref.jpg"])
        .expect_code(0);
    let after = env.run(&[
        "generate",
        "a fox",
        "--image-prompt",
        "ref.jpg",
        "--dry-run",
    ]);
    assert!(
        after.stdout.contains("already uploaded to"),
        "{}",
        after.stdout
    );
}

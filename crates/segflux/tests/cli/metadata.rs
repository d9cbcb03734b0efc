//! Provenance end to end: the record in every written image, read back by `segflux inspect`
//! and, independently, by libraries that had no part in writing it: the `png` crate's text
//! chunk reader, `kamadak-exif` for the Exif `UserComment`, `zune-jpeg` / `image` for the raw
//! XMP packet, and `roxmltree` to parse that packet as XML.

use std::path::Path;

use serde_json::Value;

use crate::testenv::{Run, TestEnv};

mod readers;

use readers::{NS, exif_fields, png_texts, text_of, xmp_description, xmp_packet, xmp_property};

fn json(run: &Run) -> Value {
    serde_json::from_str(run.last_line()).unwrap_or_else(|e| panic!("{e}: {run:#?}"))
}

/// Runs `generate --json ARGS` and returns its JSON object.
fn generate(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["--json", "generate"];
    all.extend_from_slice(args);
    let run = env.run(&all);
    run.expect_code(0);
    json(&run)
}

fn read(env: &TestEnv, name: &str) -> Vec<u8> {
    std::fs::read(env.work().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn pixels(bytes: &[u8]) -> Vec<u8> {
    image::load_from_memory(bytes)
        .expect("decodes")
        .to_rgb8()
        .into_raw()
}

/// The bytes from the first `IDAT` chunk (PNG) or `SOS` marker (JPEG) on: the image data.
fn image_data(bytes: &[u8]) -> &[u8] {
    let at = if bytes.starts_with(b"\x89PNG") {
        bytes.windows(4).position(|w| w == b"IDAT").expect("IDAT") - 4
    } else {
        bytes
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("SOS")
    };
    &bytes[at..]
}

#[test]
fn generate_embeds_a_record_that_inspect_prints() {
    let env = TestEnv::new();
    let out = generate(
        &env,
        &[
            "a lighthouse at dusk",
            "--ar",
            "16:9",
            "--seed",
            "42",
            "-p",
            "steps=30",
        ],
    );
    let id = out["request_id"].as_str().expect("id");
    let path = out["path"].as_str().expect("path");
    let run = env.run(&["inspect", path]);
    run.expect_code(0);
    run.assert_clean_stdout();
    let lines: Vec<&str> = run.stdout.lines().collect();
    for expected in [
        "prompt:           a lighthouse at dusk".to_owned(),
        "seed:             42".to_owned(),
        "model:            flux-1.1-pro-ultra".to_owned(),
        "aspect_ratio:     16:9".to_owned(),
        "raw:              false".to_owned(),
        "safety_tolerance: 2".to_owned(),
        "params.steps:     30".to_owned(),
        format!("request_id:       {id}"),
        format!("generator:        segflux {}", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(
            lines.contains(&expected.as_str()),
            "{expected:?} in\n{}",
            run.stdout
        );
    }

    let run = env.run(&["inspect", path, "--json"]);
    run.expect_code(0);
    assert_eq!(run.stdout.lines().count(), 1, "one object: {}", run.stdout);
    let rec = json(&run);
    assert_eq!(rec["prompt"], "a lighthouse at dusk");
    assert_eq!(rec["seed"], 42);
    assert_eq!(rec["request_id"], id);
    assert_eq!(rec["params"], serde_json::json!({"steps": 30}));
    assert_eq!(rec["v"], 1);
    assert!(rec.get("output_format").is_none(), "{rec}");
    let created = rec["created"].as_str().expect("created");
    assert!(created.len() == 20 && created.ends_with('Z'), "{created}");
}

#[test]
fn a_jpeg_record_is_read_by_kamadak_exif_and_by_zune_jpeg_and_an_xml_parser() {
    let env = TestEnv::new();
    let prompt = "a <red> fox & \"friends\", at dusk: 灯台";
    let out = generate(&env, &[prompt, "--seed", "42", "-o", "fox.jpg"]);
    let id = out["request_id"].as_str().expect("id");
    let bytes = read(&env, "fox.jpg");

    // The A1111 `parameters` text in Exif UserComment: the prompt, then `Key: value` pairs.
    let (comment, software) = exif_fields(&bytes);
    assert_eq!(
        software,
        format!("\"segflux {}\"", env!("CARGO_PKG_VERSION"))
    );
    let (first, last) = comment.rsplit_once('\n').expect("two parts");
    assert_eq!(first, prompt);
    assert!(
        last.starts_with("Seed: 42, Model: flux-1.1-pro-ultra, Aspect ratio: \"1:1\", "),
        "{last}"
    );
    assert!(last.contains(&format!("Request id: {id}")), "{last}");

    // The XMP packet, found and extracted by zune-jpeg, parsed by roxmltree.
    let xmp = xmp_packet(&bytes);
    let doc = roxmltree::Document::parse(&xmp).expect("well-formed XML");
    assert_eq!(xmp_description(&doc).as_deref(), Some(prompt));
    assert_eq!(xmp_property(&doc, NS, "RequestId").as_deref(), Some(id));
    assert_eq!(xmp_property(&doc, NS, "Seed").as_deref(), Some("42"));
    assert_eq!(
        xmp_property(&doc, NS, "Model").as_deref(),
        Some("flux-1.1-pro-ultra")
    );
    assert_eq!(xmp_property(&doc, NS, "Raw").as_deref(), Some("False"));
    assert_eq!(
        xmp_property(&doc, "http://ns.adobe.com/xap/1.0/", "CreatorTool"),
        Some(format!("segflux {}", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn a_png_record_is_read_by_the_png_crate_and_an_xml_parser() {
    let env = TestEnv::new();
    let prompt = "灯台 at dusk <b>&amp;</b>\nsecond line";
    let out = generate(&env, &[prompt, "--seed", "7", "--raw", "-o", "tower.png"]);
    let id = out["request_id"].as_str().expect("id");
    let bytes = read(&env, "tower.png");

    let texts = png_texts(&bytes);
    let parameters = text_of(&texts, "parameters");
    assert!(
        parameters.starts_with(&format!("{prompt}\nSeed: 7, ")),
        "{parameters}"
    );
    assert!(parameters.contains("Raw: true"), "{parameters}");
    let record: Value = serde_json::from_str(text_of(&texts, "segflux")).expect("JSON");
    assert_eq!(record["prompt"], prompt);
    assert_eq!(record["seed"], 7);
    assert_eq!(record["raw"], true);
    assert_eq!(record["request_id"], id);

    let doc_text = text_of(&texts, "XML:com.adobe.xmp");
    assert_eq!(
        doc_text,
        xmp_packet(&bytes),
        "the image crate finds the same packet"
    );
    let doc = roxmltree::Document::parse(doc_text).expect("well-formed XML");
    assert_eq!(xmp_description(&doc).as_deref(), Some(prompt));
    assert_eq!(xmp_property(&doc, NS, "RequestId").as_deref(), Some(id));
    assert_eq!(xmp_property(&doc, NS, "Raw").as_deref(), Some("True"));
}

#[test]
fn no_metadata_writes_the_served_bytes_and_metadata_leaves_the_image_data_alone() {
    let env = TestEnv::new();
    for ext in ["jpg", "png"] {
        let plain_name = format!("plain.{ext}");
        let meta_name = format!("meta.{ext}");
        let plain = generate(
            &env,
            &["a fox", "--seed", "3", "-o", &plain_name, "--no-metadata"],
        );
        generate(&env, &["a fox", "--seed", "3", "-o", &meta_name]);
        let url = plain["output_url"].as_str().expect("output_url");
        let served = download(url);
        let (plain, meta) = (read(&env, &plain_name), read(&env, &meta_name));
        assert_eq!(
            plain, served,
            "--no-metadata writes exactly what the API sent ({ext})"
        );
        assert!(meta.len() > plain.len(), "{ext}");
        assert_eq!(
            image_data(&meta),
            image_data(&plain),
            "image data untouched ({ext})"
        );
        assert_eq!(pixels(&meta), pixels(&plain), "{ext}");

        let run = env.run(&["inspect", &plain_name]);
        run.expect_code(1);
        assert!(
            run.stderr.contains("carries no segflux generation record"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty());
    }
}

/// The image as the emulator's CDN serves it.
fn download(url: &str) -> Vec<u8> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let resp = reqwest::get(url).await.expect("GET");
        assert!(resp.status().is_success(), "{resp:?}");
        resp.bytes().await.expect("body").to_vec()
    })
}

#[test]
fn sidecar_holds_the_same_record_beside_the_image() {
    let env = TestEnv::new();
    let out = generate(
        &env,
        &["a fox", "--seed", "9", "--sidecar", "-o", "renders/"],
    );
    let path = out["path"].as_str().expect("path").to_owned();
    let sidecar = format!("{path}.json");
    assert_eq!(out["sidecar"], sidecar.as_str());
    let name = Path::new(&path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        TestEnv::files(&env.work().join("renders")),
        vec![name.clone(), format!("{name}.json")]
    );
    let text = std::fs::read_to_string(env.work().join(&sidecar)).expect("sidecar");
    assert!(
        text.starts_with("{\n  \"prompt\": \"a fox\","),
        "pretty JSON: {text}"
    );
    let from_file: Value = serde_json::from_str(&text).expect("JSON");
    let inspected = json(env.run(&["inspect", "--json", &path]).expect_code(0));
    assert_eq!(
        from_file, inspected,
        "the sidecar and the image hold one record"
    );
    assert_eq!(from_file["request_id"], out["request_id"]);

    // An existing sidecar is refused before anything is sent, like an existing image.
    std::fs::remove_file(env.work().join(&path)).expect("rm image");
    let before = env.request_count();
    let again = env.run(&[
        "generate",
        "a fox",
        "--seed",
        "9",
        "--sidecar",
        "-o",
        "renders/",
    ]);
    again.expect_code(1);
    assert!(
        again.stderr.contains(".json already exists"),
        "{}",
        again.stderr
    );
    assert_eq!(env.request_count(), before, "a refused run sent requests");

    // --no-metadata --sidecar: the record only beside the image.
    let out = generate(
        &env,
        &["a fox", "--seed", "10", "--sidecar", "--no-metadata"],
    );
    let path = out["path"].as_str().expect("path");
    assert!(env.work().join(format!("{path}.json")).exists());
    env.run(&["inspect", path]).expect_code(1);
}

#[test]
fn fetch_embeds_what_the_history_knows_and_only_the_id_otherwise() {
    let env = TestEnv::new();
    let id = env
        .run(&["submit", "a heron", "--seed", "11"])
        .stdout
        .trim()
        .to_owned();
    env.run(&["fetch", &id, "--wait", "-o", "known.png", "--sidecar"])
        .expect_code(0);
    let rec = json(env.run(&["--json", "inspect", "known.png"]).expect_code(0));
    assert_eq!(rec["prompt"], "a heron");
    assert_eq!(rec["seed"], 11);
    assert_eq!(rec["request_id"], id.as_str());
    assert!(env.work().join("known.png.json").exists());

    let id = env.run(&["submit", "a crane"]).stdout.trim().to_owned();
    std::fs::remove_dir_all(env.root.path().join("data")).expect("forget the history");
    env.run(&["fetch", &id, "--wait", "-o", "unknown.jpg"])
        .expect_code(0);
    let rec = json(
        env.run(&["inspect", "--json", "unknown.jpg"])
            .expect_code(0),
    );
    assert_eq!(rec["request_id"], id.as_str());
    for unknown in ["prompt", "seed", "model", "aspect_ratio"] {
        assert!(rec.get(unknown).is_none(), "{unknown} guessed: {rec}");
    }

    env.run(&["fetch", &id, "-o", "bare.jpg", "--no-metadata"])
        .expect_code(0);
    env.run(&["inspect", "bare.jpg"]).expect_code(1);
}

#[test]
fn inspect_refuses_what_is_not_an_image() {
    let env = TestEnv::new();
    std::fs::write(env.work().join("notes.txt"), "a fox").expect("write");
    let run = env.run(&["inspect", "notes.txt"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("notes.txt is not a JPEG or PNG image"),
        "{}",
        run.stderr
    );
    let run = env.run(&["inspect", "missing.png"]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("cannot read missing.png"),
        "{}",
        run.stderr
    );
    assert_eq!(env.request_count(), 0, "inspect never talks to the API");
}

//! Every registered model served with its own schema: a 400 naming its own bad parameter,
//! one image per count asked, WebP and SVG where the model gives them, its list price, its
//! typical time under `model_time_scale`, and the model-list endpoint.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Harness, instant};
use crate::EmulatorConfig;
use segflux_api::models::{MODEL_LIST_KEY, MODEL_LIST_PATH, Vocabulary, translate};
use segflux_api::{SubmitResponse, extract_images, result_path};

impl Harness {
    /// Submits `body` to `model`, waits for COMPLETED, returns the id and the result body.
    async fn completed_on(&self, model: &str, body: &Value) -> (String, Value) {
        let response = self.submit(model, body).await.unwrap();
        assert_eq!(response.status(), 200, "{model} {body}");
        let answer: SubmitResponse = response.json().await.unwrap();
        let id = answer.request_id.unwrap();
        self.wait_for(&id, "COMPLETED").await;
        let (code, result) = self.get_json(&result_path(&id)).await;
        assert_eq!(code, 200);
        (id, result)
    }

    async fn bytes(&self, url: &str) -> (String, Vec<u8>) {
        let response = self.download(url).await;
        assert_eq!(response.status(), 200, "{url}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        (kind, response.bytes().await.unwrap().to_vec())
    }
}

fn urls(result: &Value) -> Vec<String> {
    extract_images(&result["output"])
        .into_iter()
        .map(|r| match r {
            segflux_api::ImageRef::Url(u) => u,
            segflux_api::ImageRef::Inline(_) => panic!("inline"),
        })
        .collect()
}

#[tokio::test]
async fn a_model_refuses_its_own_bad_parameter_by_name() {
    let h = Harness::start(instant()).await;
    for (model, body, needle) in [
        (
            "flux-schnell",
            json!({"prompt": "p", "steps": 9}),
            "steps must be",
        ),
        (
            "sdxl1.0-txt2img",
            json!({"prompt": "p", "samples": 5}),
            "samples must be",
        ),
        (
            "esrgan",
            json!({"output_format": "png"}),
            "image is required",
        ),
        (
            "recraft-v3-svg",
            json!({"prompt": "p", "style": "oil"}),
            "style must be",
        ),
    ] {
        let response = h.submit(model, &body).await.unwrap();
        assert_eq!(response.status(), 400, "{model}");
        let error: Value = response.json().await.unwrap();
        let text = error["error"].as_str().unwrap();
        assert!(text.starts_with(needle), "{model}: {text}");
    }
    assert!(h.emu.jobs().is_empty());
    let unknown = h
        .submit("no-such-model", &json!({"prompt": "p"}))
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404, "an unknown slug is a 404, as before");
}

#[tokio::test]
async fn a_count_gives_one_image_per_count_each_different() {
    let h = Harness::start(instant()).await;
    let v = Vocabulary {
        model: "flux-schnell".into(),
        prompt: Some("three foxes".into()),
        per_job: Some(3),
        ar: Some("16:9".into()),
        ..Vocabulary::default()
    };
    let body = Value::Object(translate(&v).unwrap());
    let (_, result) = h.completed_on("flux-schnell", &body).await;
    let urls = urls(&result);
    assert_eq!(urls.len(), 3, "{result}");
    let mut seen = Vec::new();
    for url in &urls {
        let (kind, bytes) = h.bytes(url).await;
        assert_eq!(kind, "image/jpeg");
        let img = image::load_from_memory(&bytes).unwrap();
        assert!(img.width() > img.height(), "16:9");
        assert!(!seen.contains(&bytes), "each image differs");
        seen.push(bytes);
    }
    let past = urls[0].replace("_1.jpg", "_4.jpg");
    assert_eq!(h.download(&past).await.status(), 404);
}

#[tokio::test]
async fn webp_and_svg_are_served_where_the_model_gives_them() {
    let h = Harness::start(instant()).await;
    let (_, result) = h
        .completed_on(
            "hidream-l1-fast",
            &json!({"prompt": "a fox", "output_format": "webp"}),
        )
        .await;
    let (kind, bytes) = h.bytes(&urls(&result)[0]).await;
    assert_eq!(kind, "image/webp");
    assert_eq!(
        image::guess_format(&bytes).unwrap(),
        image::ImageFormat::WebP
    );
    image::load_from_memory(&bytes).unwrap();
    let (_, result) = h
        .completed_on(
            "recraft-v3-svg",
            &json!({"prompt": "a <fox>", "size": "1820x1024"}),
        )
        .await;
    let url = &urls(&result)[0];
    assert_eq!(url.rsplit_once('.').map(|(_, e)| e), Some("svg"), "{url}");
    let (kind, bytes) = h.bytes(url).await;
    assert_eq!(kind, "image/svg+xml");
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains("<svg") && text.contains("a &lt;fox&gt;"),
        "{text}"
    );
}

#[tokio::test]
async fn a_model_costs_its_list_price_per_image() {
    let h = Harness::start(instant()).await;
    let before = h.emu.credits();
    h.completed_on("sdxl1.0-txt2img", &json!({"prompt": "p", "samples": 2}))
        .await;
    let spent = before - h.emu.credits();
    assert!(
        (spent - 0.016).abs() < 1e-9,
        "two images at $0.008: {spent}"
    );
    let off = EmulatorConfig {
        list_prices: false,
        price: 0.5,
        ..instant()
    };
    let h = Harness::start(off).await;
    h.completed_on("sdxl1.0-txt2img", &json!({"prompt": "p"}))
        .await;
    assert!((1000.0 - h.emu.credits() - 0.5).abs() < 1e-9);
}

#[tokio::test]
async fn a_model_takes_its_typical_time_scaled() {
    let scaled = EmulatorConfig {
        model_time_scale: Some(0.01),
        ..instant()
    };
    let h = Harness::start(scaled).await;
    let (_, result) = h
        .completed_on("gpt-image-1.5", &json!({"prompt": "p"}))
        .await;
    let took = result["metrics"]["inference_time"].as_f64().unwrap();
    assert!((took - 0.3985).abs() < 0.01, "39.85 s × 0.01: {took}");
    let (_, result) = h
        .completed_on("bg-removal-v2", &json!({"image": "u"}))
        .await;
    let took = result["metrics"]["inference_time"].as_f64().unwrap();
    assert!(took < 0.05, "0.62 s × 0.01: {took}");
    assert!(Duration::from_secs_f64(took) < Duration::from_millis(50));
}

#[tokio::test]
async fn the_model_list_names_every_served_model_without_a_key() {
    let h = Harness::start(instant()).await;
    let response = h
        .http
        .get(h.url(&format!("{MODEL_LIST_PATH}?segmind_model=True")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let list = body[MODEL_LIST_KEY].as_array().unwrap();
    assert_eq!(list.len(), h.emu.config().models.len());
    let schnell = list.iter().find(|m| m["slug"] == "flux-schnell").unwrap();
    let steps = schnell["parameters"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|p| p["name"] == "steps" && p["max"] == 8.0)
    );
}

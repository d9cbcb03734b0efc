//! The error answers: key, model, parameters, rate limit and unknown paths.

use serde_json::{Value, json};

use super::{Harness, KEY, instant};
use crate::{EmulatorConfig, Endpoint, Origin};
use segflux_api::{API_KEY_HEADER, status_path};

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["error"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_missing_blank_or_wrong_key_is_401() {
    let config = EmulatorConfig {
        required_key: Some("right".into()),
        ..instant()
    };
    let h = Harness::start(config).await;
    let url = h.url("/v2/flux-dev");
    let body = json!({"prompt": "p"});
    let missing = h.http.post(&url).json(&body).send().await.unwrap();
    let (code, message) = error_of(missing).await;
    assert_eq!(code, 401);
    assert!(message.contains("x-api-key"), "{message}");
    for key in ["", "wrong"] {
        let sent = h.http.post(&url).header(API_KEY_HEADER, key).json(&body);
        assert_eq!(
            error_of(sent.send().await.unwrap()).await.0,
            401,
            "key {key:?}"
        );
    }
    let right = h
        .http
        .post(&url)
        .header(API_KEY_HEADER, "right")
        .json(&body);
    assert_eq!(right.send().await.unwrap().status(), 200);
    let keys: Vec<Option<String>> = h.emu.requests().into_iter().map(|r| r.api_key).collect();
    assert_eq!(
        keys,
        [
            None,
            Some(String::new()),
            Some("wrong".into()),
            Some("right".into())
        ]
    );
    assert_eq!(h.emu.jobs().len(), 1);
}

#[tokio::test]
async fn any_non_empty_key_passes_without_a_required_key() {
    let h = Harness::start(instant()).await;
    let sent = h
        .http
        .get(h.url(&status_path("x")))
        .header(API_KEY_HEADER, "anything");
    assert_eq!(sent.send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn an_unknown_model_is_404() {
    let h = Harness::start(instant()).await;
    let response = h
        .submit("no-such-model", &json!({"prompt": "p"}))
        .await
        .unwrap();
    assert_eq!(
        error_of(response).await,
        (404, "Model not found: no-such-model".to_owned())
    );
    assert!(h.emu.jobs().is_empty());
}

#[tokio::test]
async fn bad_parameters_are_400_and_name_the_parameter() {
    let h = Harness::start(instant()).await;
    let cases = [
        (
            json!({"prompt": "p", "aspect_ratio": "7:3"}),
            "aspect_ratio",
        ),
        (json!({"prompt": "p", "seed": -4}), "seed"),
        (
            json!({"prompt": "p", "safety_tolerance": 9}),
            "safety_tolerance",
        ),
        (
            json!({"prompt": "p", "output_format": "webp"}),
            "output_format",
        ),
        (json!({"prompt": "p", "raw": "yes"}), "raw"),
        (json!({"prompt": ""}), "prompt"),
        (json!(["not", "an", "object"]), "JSON object"),
    ];
    for (body, needle) in cases {
        let (code, message) = error_of(h.submit("flux-1.1-pro-ultra", &body).await.unwrap()).await;
        assert_eq!(code, 400, "{body}");
        assert!(message.contains(needle), "{body}: {message}");
    }
    let text = h
        .http
        .post(h.url("/v2/flux-dev"))
        .header(API_KEY_HEADER, KEY)
        .body("prompt=p");
    assert_eq!(text.send().await.unwrap().status(), 400);
    assert!(h.emu.jobs().is_empty());
    assert!((h.emu.credits() - 1000.0).abs() < 1e-9);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let config = EmulatorConfig {
        rate_limit_per_minute: Some(3),
        ..instant()
    };
    let h = Harness::start(config).await;
    for _ in 0..3 {
        assert_eq!(h.status("x").await.0, 404);
    }
    let limited = h
        .http
        .get(h.url(&status_path("x")))
        .header(API_KEY_HEADER, KEY)
        .send()
        .await
        .unwrap();
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(
        error_of(limited).await,
        (429, "Too many requests".to_owned())
    );
    // Submits count too, and the CDN is not limited.
    assert_eq!(
        h.submit("flux-dev", &json!({"prompt": "p"}))
            .await
            .unwrap()
            .status(),
        429
    );
    let cdn = h
        .download(&format!("{}/images/x.jpg", h.emu.cdn_url()))
        .await;
    assert_eq!(cdn.status(), 404);
}

#[tokio::test]
async fn unknown_paths_are_404_on_both_origins() {
    let h = Harness::start(instant()).await;
    let (code, _) = h.get_json("/v2/flux-dev").await;
    assert_eq!(code, 404);
    let cdn = h
        .download(&format!("{}/favicon.ico", h.emu.cdn_url()))
        .await;
    assert_eq!(cdn.status(), 404);
    let log = h.emu.requests();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|r| r.endpoint == Endpoint::Other && r.status == 404)
    );
    assert_eq!((log[0].origin, log[1].origin), (Origin::Api, Origin::Cdn));
}

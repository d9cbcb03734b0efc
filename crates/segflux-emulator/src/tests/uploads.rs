//! Segmind's storage: `POST /upload-asset` keeps files and the CDN origin serves them.

use base64::Engine as _;
use serde_json::{Value, json};

use super::{Harness, KEY, instant};
use segflux_api::API_KEY_HEADER;

#[tokio::test]
async fn an_uploaded_file_is_served_by_its_url_and_a_bad_body_is_a_400() {
    let h = Harness::start(instant()).await;
    // Larger than the 1 MiB cap of other bodies.
    let file: Vec<u8> = (0..1_500_000u32).map(|i| i.to_le_bytes()[0]).collect();
    let data_url = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&file)
    );
    let post = |body: Value, key: bool| {
        let mut req = h.http.post(h.url("/upload-asset")).json(&body);
        if key {
            req = req.header(API_KEY_HEADER, KEY);
        }
        req.send()
    };
    let answer = post(json!({ "data_urls": [data_url] }), true)
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.unwrap();
    let url = answer["urls"][0].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&h.emu.cdn_url()) && url.rsplit('.').next() == Some("png"),
        "{url}"
    );
    let served = h.http.get(&url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), &file[..]);

    let bad = post(json!({ "data_urls": ["https://x/y.png"] }), true)
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let no_key = post(json!({ "data_urls": [] }), false).await.unwrap();
    assert_eq!(no_key.status(), 401);
    let missing = h
        .http
        .get(format!("{}/assets/nothing.png", h.emu.cdn_url()))
        .send();
    assert_eq!(missing.await.unwrap().status(), 404);
}

//! Fault injection over real connections.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Harness, KEY, instant, ms};
use crate::{Endpoint, Fault, FaultKind, Origin, OutputShape};
use segflux_api::{API_KEY_HEADER, ImageRef, JobState, SubmitResponse, extract_image};

fn prompt() -> Value {
    json!({"prompt": "a faulty cat"})
}

#[tokio::test]
async fn an_http_fault_applies_its_times_then_is_used_up() {
    let h = Harness::start(instant()).await;
    let kind = FaultKind::Http {
        status: 503,
        body: r#"{"error":"busy"}"#.into(),
        retry_after: Some("7".into()),
    };
    h.emu.inject(Fault::repeated(Endpoint::Submit, 2, kind));
    for _ in 0..2 {
        let response = h.submit("flux-dev", &prompt()).await.unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["retry-after"], "7");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"error": "busy"})
        );
    }
    h.submit_ok(&prompt()).await;
    let statuses: Vec<u16> = h.emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(h.emu.jobs().len(), 1);
}

#[tokio::test]
async fn an_any_fault_hits_the_next_request_and_faults_can_be_cleared() {
    let h = Harness::start(instant()).await;
    h.emu
        .inject(Fault::once(Endpoint::Any, FaultKind::Html { status: 502 }));
    let response = h
        .download(&format!("{}/images/x.jpg", h.emu.cdn_url()))
        .await;
    assert_eq!(response.status(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.text().await.unwrap().contains("502 Bad Gateway"));
    h.emu.inject(Fault::repeated(
        Endpoint::Status,
        5,
        FaultKind::MalformedJson,
    ));
    assert_eq!(h.emu.pending_faults().len(), 1);
    h.emu.clear_faults();
    assert_eq!(h.status("x").await.0, 404);
}

#[tokio::test]
async fn drop_before_processing_closes_the_connection_and_creates_no_job() {
    let h = Harness::start(instant()).await;
    h.emu.inject(Fault::once(
        Endpoint::Submit,
        FaultKind::DropBeforeProcessing,
    ));
    let err = h.submit("flux-dev", &prompt()).await.unwrap_err();
    assert!(!err.is_timeout() && !err.is_status(), "{err}");
    assert!(h.emu.jobs().is_empty());
    assert_eq!(h.emu.count(Endpoint::Submit), 1);
    assert_eq!(h.emu.requests()[0].status, 0);
    assert!((h.emu.credits() - 1000.0).abs() < 1e-9);
}

#[tokio::test]
async fn drop_after_processing_closes_the_connection_but_bills_the_job() {
    let h = Harness::start(instant()).await;
    h.emu.inject(Fault::once(
        Endpoint::Submit,
        FaultKind::DropAfterProcessing,
    ));
    let err = h.submit("flux-dev", &prompt()).await.unwrap_err();
    assert!(!err.is_timeout() && !err.is_status(), "{err}");
    assert_eq!(h.emu.jobs().len(), 1);
    assert_eq!(h.emu.requests()[0].status, 0);
    assert!((h.emu.credits() - 999.94).abs() < 1e-9);
}

#[tokio::test]
async fn a_truncated_download_fails_to_read() {
    let h = Harness::start(instant()).await;
    let (_, result) = h.completed(&prompt()).await;
    let url = result["output"].as_str().unwrap();
    let full = h.download(url).await.bytes().await.unwrap();
    h.emu
        .inject(Fault::once(Endpoint::Download, FaultKind::TruncateBody));
    let response = h.download(url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(full.len() as u64));
    let err = response.bytes().await.unwrap_err();
    assert!(!err.is_timeout(), "the body stalled instead: {err}");
}

#[tokio::test]
async fn a_stalled_body_sends_half_then_hangs() {
    let h = Harness::start(instant()).await;
    h.emu
        .inject(Fault::once(Endpoint::Status, FaultKind::StallBody));
    let mut response = h
        .http
        .get(h.url("/v2/requests/nope/status"))
        .header(API_KEY_HEADER, KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let full = response.content_length().unwrap();
    let mut got = 0;
    let read = tokio::time::timeout(ms(300), async {
        while let Some(chunk) = response.chunk().await.unwrap() {
            got += chunk.len();
        }
    })
    .await;
    assert!(read.is_err(), "the body ended");
    assert_eq!(got as u64, full / 2);
}

#[tokio::test]
async fn a_cross_origin_redirect_is_followed_and_logged_at_the_target() {
    let h = Harness::start(instant()).await;
    let (_, result) = h.completed(&prompt()).await;
    let url = result["output"].as_str().unwrap();
    h.emu.inject(Fault::once(
        Endpoint::Download,
        FaultKind::RedirectCrossOrigin,
    ));
    let response = h
        .http
        .get(url)
        .header(API_KEY_HEADER, "canary")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.url().as_str().starts_with("http://localhost:"));
    let downloads: Vec<_> = h
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == Endpoint::Download)
        .collect();
    assert_eq!(downloads.len(), 2);
    assert_eq!(downloads[0].status, 302);
    assert_eq!(downloads[0].api_key.as_deref(), Some("canary"));
    let port = h.emu.cdn_url().rsplit(':').next().unwrap().to_owned();
    assert_eq!(downloads[1].host, Some(format!("localhost:{port}")));
    assert_eq!(downloads[1].status, 200);
}

#[tokio::test]
async fn the_api_origin_redirects_to_the_cdn_origin() {
    let h = Harness::start(instant()).await;
    h.emu.inject(Fault::once(
        Endpoint::Status,
        FaultKind::RedirectCrossOrigin,
    ));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let path = "/v2/requests/abc/status";
    let response = http
        .get(h.url(path))
        .header(API_KEY_HEADER, KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let target = format!("{}{path}", h.emu.cdn_url());
    assert_eq!(response.headers()["location"], target.as_str());
    assert_eq!(h.download(&target).await.status(), 404);
    let last = h.emu.requests().pop().unwrap();
    assert_eq!((last.origin, last.endpoint), (Origin::Cdn, Endpoint::Other));
}

#[tokio::test]
async fn malformed_json_and_a_missing_request_id_create_no_job() {
    let h = Harness::start(instant()).await;
    h.emu
        .inject(Fault::once(Endpoint::Submit, FaultKind::MalformedJson));
    h.emu
        .inject(Fault::once(Endpoint::Submit, FaultKind::MissingRequestId));
    let garbled = h.submit("flux-dev", &prompt()).await.unwrap();
    assert_eq!(garbled.status(), 200);
    let text = garbled.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    let bare = h.submit("flux-dev", &prompt()).await.unwrap();
    assert_eq!(bare.status(), 200);
    let answer: SubmitResponse = bare.json().await.unwrap();
    assert_eq!(
        (answer.request_id, answer.status.as_str()),
        (None, "QUEUED")
    );
    assert!(h.emu.jobs().is_empty());
}

#[tokio::test]
async fn image_faults_send_the_wrong_format_or_html() {
    let h = Harness::start(instant()).await;
    let (_, result) = h.completed(&prompt()).await;
    let url = result["output"].as_str().unwrap();
    h.emu
        .inject(Fault::once(Endpoint::Download, FaultKind::WrongFormat));
    h.emu
        .inject(Fault::once(Endpoint::Any, FaultKind::HtmlInsteadOfImage));
    let html = h.download(url).await;
    assert_eq!(html.status(), 200);
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let png = h.download(url).await;
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.unwrap();
    assert_eq!(
        image::guess_format(&bytes).unwrap(),
        image::ImageFormat::Png
    );
    let jpg = h.download(url).await.bytes().await.unwrap();
    assert_eq!(image::guess_format(&jpg).unwrap(), image::ImageFormat::Jpeg);
}

#[tokio::test]
async fn every_output_shape_leads_to_the_same_image() {
    let h = Harness::start(instant()).await;
    let (id, result) = h.completed(&prompt()).await;
    let url = result["output"].as_str().unwrap().to_owned();
    let bytes = h.download(&url).await.bytes().await.unwrap().to_vec();
    let shapes = [
        (OutputShape::UrlString, "string"),
        (OutputShape::UrlList, "array"),
        (OutputShape::ObjectUrl, "object"),
        (OutputShape::ObjectImageUrl, "object"),
        (OutputShape::ListOfObjects, "array"),
        (OutputShape::Base64, "string"),
        (OutputShape::DataUri, "string"),
        (OutputShape::JsonEncodedString, "string"),
    ];
    for (shape, kind) in shapes {
        h.emu
            .inject(Fault::once(Endpoint::Result, FaultKind::OutputShape(shape)));
        let output = h.result(&id).await.1["output"].clone();
        let actual = match &output {
            Value::String(_) => "string",
            Value::Array(_) => "array",
            _ => "object",
        };
        assert_eq!(actual, kind, "{shape:?}: {output}");
        let found = extract_image(&output);
        let inline = matches!(shape, OutputShape::Base64 | OutputShape::DataUri);
        let want = if inline {
            ImageRef::Inline(bytes.clone())
        } else {
            ImageRef::Url(url.clone())
        };
        assert_eq!(found, Some(want), "{shape:?}");
    }
}

#[tokio::test]
async fn an_output_shape_waits_for_a_completed_result() {
    let config = crate::EmulatorConfig {
        queued: Duration::from_secs(30),
        ..instant()
    };
    let h = Harness::start(config).await;
    let (id, _) = h.submit_ok(&prompt()).await;
    let shape = FaultKind::OutputShape(OutputShape::Base64);
    h.emu.inject(Fault::once(Endpoint::Any, shape));
    assert_eq!(h.result(&id).await.0, 200);
    assert_eq!(h.emu.pending_faults().len(), 1);
}

#[tokio::test]
async fn job_faults_never_finish_or_expire_after_polls() {
    let h = Harness::start(instant()).await;
    h.emu
        .inject(Fault::once(Endpoint::Submit, FaultKind::NeverFinish));
    h.emu.inject(Fault::once(
        Endpoint::Submit,
        FaultKind::ExpireAfterPolls(2),
    ));
    let (stuck, _) = h.submit_ok(&prompt()).await;
    let (fleeting, _) = h.submit_ok(&prompt()).await;
    tokio::time::sleep(ms(100)).await;
    assert_eq!(h.status(&stuck).await.1["status"], "PROCESSING");
    assert_eq!(h.status(&fleeting).await.0, 200);
    assert_eq!(h.status(&fleeting).await.0, 200);
    assert_eq!(h.status(&fleeting).await.0, 404);
    assert_eq!(h.result(&fleeting).await.0, 404);
    let states: Vec<JobState> = h.emu.jobs().into_iter().map(|j| j.state).collect();
    assert_eq!(states, [JobState::Processing, JobState::Completed]);
}

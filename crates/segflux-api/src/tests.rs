//! Request ids, job states, every output shape, and the liberal reading of figures and
//! error bodies.

use base64::Engine as _;
use serde_json::json;

use super::*;

fn tiny_png() -> Vec<u8> {
    let img = image::RgbImage::new(2, 2);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn request_ids_are_checked_before_they_reach_a_url() {
    assert!(valid_request_id("3f2a9c1e-0b7d-4e5f-8a6b-1c2d3e4f5a6b"));
    for bad in [
        "",
        ".",
        "..",
        "a/b",
        "a b",
        "%2e%2e",
        "x?y",
        &"a".repeat(129),
    ] {
        assert!(!valid_request_id(bad), "{bad:?}");
    }
}

#[test]
fn states_parse_and_unknown_is_kept_verbatim() {
    assert_eq!(JobState::parse("queued"), JobState::Queued);
    assert_eq!(JobState::parse("COMPLETED"), JobState::Completed);
    assert_eq!(JobState::parse("CANCELLED").as_str(), "CANCELLED");
    assert!(!JobState::parse("CANCELLED").is_terminal());
    assert!(JobState::Failed.is_terminal());
}

#[test]
fn every_output_shape_yields_the_image() {
    let url = "https://cdn.example/a.jpg";
    let want = Some(ImageRef::Url(url.into()));
    let shapes = [
        json!(url),
        json!([url, "https://cdn.example/b.jpg"]),
        json!({"url": url}),
        json!({"image_url": url}),
        json!({"image": url}),
        json!([{"url": url}]),
        json!(format!("[\"{url}\"]")),
        json!(format!("{{\"image_url\": \"{url}\"}}")),
        json!(format!("\"{url}\"")),
    ];
    for s in shapes {
        assert_eq!(extract_image(&s), want, "shape {s}");
    }
}

#[test]
fn base64_and_data_uri_outputs_decode() {
    let png = tiny_png();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let want = Some(ImageRef::Inline(png));
    assert_eq!(extract_image(&json!(b64.clone())), want);
    assert_eq!(
        extract_image(&json!(format!("data:image/png;base64,{b64}"))),
        want
    );
    assert_eq!(extract_image(&json!([{ "image": b64 }])), want);
}

#[test]
fn outputs_without_an_image_are_none() {
    for v in [
        json!(null),
        json!(42),
        json!("hello"),
        json!({"text": "x"}),
        json!([]),
    ] {
        assert_eq!(extract_image(&v), None, "{v}");
    }
}

#[test]
fn metrics_accept_numbers_and_numeric_strings() {
    let m = Metrics::from_value(Some(
        &json!({"inference_time": "13.5", "cost": 0.06, "x": 1}),
    ));
    assert_eq!(m.inference_time, Some(13.5));
    assert_eq!(m.cost, Some(0.06));
    assert_eq!(m.remaining_credits, None);
}

#[test]
fn figures_that_are_not_finite_numbers_are_unknown() {
    for bad in [
        json!("NaN"),
        json!("inf"),
        json!("-inf"),
        json!("1e999"),
        json!(1e300),
    ] {
        let m = Metrics::from_value(Some(&json!({ "inference_time": bad })));
        assert_eq!(m.inference_time, None, "{bad}");
    }
}

#[test]
fn credits_read_both_spellings_and_keep_missing_as_unknown() {
    let c = Credits::from_value(&json!({"credits": 12.5, "free-credits": "0.018"}));
    assert_eq!((c.credits, c.free_credits), (Some(12.5), Some(0.018)));
    let c = Credits::from_value(&json!({"free_credits": 1, "x": true}));
    assert_eq!((c.credits, c.free_credits), (None, Some(1.0)));
    let wire = serde_json::to_value(Credits {
        credits: Some(2.0),
        free_credits: Some(0.5),
    })
    .unwrap();
    assert_eq!(wire, json!({"credits": 2.0, "free-credits": 0.5}));
}

#[test]
fn error_text_comes_from_error_message_or_detail() {
    assert_eq!(
        ErrorBody::text_of(br#"{"error":"bad seed"}"#).as_deref(),
        Some("bad seed")
    );
    assert_eq!(
        ErrorBody::text_of(br#"{"detail":"nope"}"#).as_deref(),
        Some("nope")
    );
    assert_eq!(ErrorBody::text_of(b"<html>502</html>"), None);
}

#[test]
fn a_multi_image_output_yields_every_image() {
    let urls = json!(["https://c/a.png", "https://c/b.png"]);
    let want = vec![
        ImageRef::Url("https://c/a.png".into()),
        ImageRef::Url("https://c/b.png".into()),
    ];
    assert_eq!(extract_images(&urls), want);
    assert_eq!(extract_images(&json!(urls.to_string())), want);
    assert_eq!(
        extract_images(&json!("https://c/a.png")),
        vec![ImageRef::Url("https://c/a.png".into())]
    );
    assert!(extract_images(&json!(null)).is_empty());
}

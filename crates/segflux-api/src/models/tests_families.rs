//! One test per model family (Flux, Kontext, Flux 2, Seedream, Imagen, Nano Banana; the
//! others in `tests_families_more`): the body's names and value spellings, and a refused
//! value (out of range, not allowed, an option the model cannot take, too many images).

use serde_json::{Map, Value, json};

use super::tests::ask;
use super::*;

pub(super) fn body(v: &Vocabulary) -> Map<String, Value> {
    translate(v).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

pub(super) fn refused(v: &Vocabulary, option: &str, needle: &str) {
    let err = translate(v).unwrap_err();
    assert_eq!(err.option, option, "{err}");
    let text = err.to_string();
    assert!(text.contains(&v.model) && text.contains(needle), "{text}");
}

#[test]
fn flux_schnell_takes_pixels_steps_and_samples() {
    let v = Vocabulary {
        ar: Some("16:9".into()),
        seed: Some(5),
        steps: Some(4),
        per_job: Some(2),
        ..ask("flux-schnell")
    };
    let want = json!({"prompt": "a fox", "width": 1368, "height": 768, "seed": 5, "steps": 4, "samples": 2});
    assert_eq!(body(&v), obj(want));
    refused(
        &Vocabulary {
            steps: Some(9),
            ..v.clone()
        },
        "--steps",
        "from 1 to 8",
    );
    refused(
        &Vocabulary {
            raw: Some(true),
            ..v.clone()
        },
        "--raw",
        "not taken",
    );
    refused(
        &Vocabulary {
            ar: None,
            size: Some((500, 1024)),
            ..v.clone()
        },
        "--size",
        "width",
    );
    refused(
        &Vocabulary {
            format: Some("png".into()),
            ..v
        },
        "--format",
        "jpg",
    );
}

#[test]
fn only_what_was_asked_is_sent() {
    assert_eq!(body(&ask("flux-dev")), obj(json!({"prompt": "a fox"})));
    assert_eq!(body(&ask("imagen-4")), obj(json!({"prompt": "a fox"})));
    let dev = Vocabulary {
        format: Some("webp".into()),
        guidance: Some(3.5),
        ..ask("flux-dev")
    };
    assert_eq!(
        body(&dev),
        obj(json!({"prompt": "a fox", "output_format": "webp", "guidance": 3.5}))
    );
}

#[test]
fn kontext_takes_one_input_image_and_its_own_tolerance() {
    let v = Vocabulary {
        images: vec!["https://x/a.png".into()],
        safety_tolerance: Some(0),
        ar: Some("4:3".into()),
        ..ask("flux-kontext-pro")
    };
    let want = json!({"prompt": "a fox", "input_image": "https://x/a.png", "safety_tolerance": 0, "aspect_ratio": "4:3"});
    assert_eq!(body(&v), obj(want));
    refused(
        &Vocabulary {
            safety_tolerance: Some(0),
            ..v.clone().with_model("flux-kontext-max")
        },
        "--safety-tolerance",
        "from 1 to 6",
    );
    let two = vec!["https://x/a.png".into(), "https://x/b.png".into()];
    refused(
        &Vocabulary {
            images: two.clone(),
            ..v
        },
        "--image",
        "at most 1",
    );
    let multi = Vocabulary {
        images: two,
        ..ask("multi-image-kontext-pro")
    };
    let b = body(&multi);
    assert_eq!(
        (b["input_image_1"].as_str(), b["input_image_2"].as_str()),
        (Some("https://x/a.png"), Some("https://x/b.png"))
    );
    refused(&ask("multi-image-kontext-pro"), "--image", "input image");
}

#[test]
fn flux_2_does_not_require_the_image_its_page_marks_required() {
    let m = tests::model("flux-2-pro");
    let urls = m.param("image_urls").unwrap();
    assert!(!urls.required && urls.page_required && urls.note.is_some());
    let b = body(&Vocabulary {
        ar: Some("1:1".into()),
        ..ask("flux-2-pro")
    });
    assert_eq!(
        b,
        obj(json!({"prompt": "a fox", "width": 1024, "height": 1024}))
    );
    let with = body(&Vocabulary {
        images: vec!["u".into(), "v".into()],
        ..ask("flux-2-pro")
    });
    assert_eq!(with["image_urls"], json!(["u", "v"]));
}

#[test]
fn seedream_counts_with_max_images_and_sizes_custom() {
    let v = Vocabulary {
        per_job: Some(3),
        ar: Some("21:9".into()),
        ..ask("seedream-4")
    };
    assert_eq!(
        body(&v),
        obj(json!({"prompt": "a fox", "max_images": 3, "aspect_ratio": "21:9"}))
    );
    let sized = body(&Vocabulary {
        size: Some((2048, 1024)),
        ..ask("seedream-4")
    });
    assert_eq!(
        sized,
        obj(json!({"prompt": "a fox", "width": 2048, "height": 1024, "size": "custom"}))
    );
    refused(
        &Vocabulary {
            per_job: Some(16),
            ..v.clone()
        },
        "--per-job",
        "from 1 to 15",
    );
    refused(
        &Vocabulary {
            ar: Some("5:4".into()),
            ..v
        },
        "--ar",
        "21:9",
    );
    let v3 = body(&ask("seedream-v3-text-to-image"));
    assert_eq!(
        v3["aspect_ratio"], "16:9",
        "a required parameter gets its default"
    );
}

#[test]
fn imagen_and_nano_banana_speak_aspect_ratio_and_negative() {
    let v = Vocabulary {
        negative: Some("blur".into()),
        ar: Some("9:16".into()),
        ..ask("imagen-4")
    };
    assert_eq!(
        body(&v),
        obj(json!({"prompt": "a fox", "negative_prompt": "blur", "aspect_ratio": "9:16"}))
    );
    refused(
        &Vocabulary {
            ar: Some("21:9".into()),
            ..v
        },
        "--ar",
        "1:1",
    );
    let nb = body(&Vocabulary {
        images: vec!["u".into()],
        ar: Some("21:9".into()),
        ..ask("nano-banana")
    });
    assert_eq!(
        nb,
        obj(json!({"prompt": "a fox", "image_urls": ["u"], "aspect_ratio": "21:9"}))
    );
    refused(
        &Vocabulary {
            seed: Some(1),
            negative: Some("x".into()),
            ..ask("nano-banana")
        },
        "--negative",
        "not taken",
    );
}

impl Vocabulary {
    fn with_model(self, slug: &str) -> Self {
        Self {
            model: slug.into(),
            ..self
        }
    }
}

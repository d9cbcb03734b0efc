//! The registry's own tests: it parses and holds together, a broken one is an error, the
//! default model's golden body, the model list, and the property that every model's every
//! offered ratio translates into a body its own schema accepts.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;
use crate::{ASPECT_RATIOS, DEFAULT_MODEL};

pub(super) fn model(slug: &str) -> &'static Model {
    lookup(slug)
        .unwrap()
        .unwrap_or_else(|| panic!("{slug} is registered"))
}

pub(super) fn ask(slug: &str) -> Vocabulary {
    let needs_prompt = model(slug).prompt == PromptUse::Required;
    Vocabulary {
        model: slug.into(),
        prompt: needs_prompt.then(|| "a fox".to_owned()),
        ..Vocabulary::default()
    }
}

/// Enough input images for every required image parameter of `m`.
fn required_images(m: &Model) -> Vec<String> {
    let Some(images) = &m.images else {
        return vec![];
    };
    let named = images
        .params
        .iter()
        .filter(|n| m.param(n).is_some_and(|p| p.required))
        .count();
    let list = images
        .list
        .as_ref()
        .is_some_and(|n| m.param(n).unwrap().required);
    let n = if list { 1 } else { named };
    (0..n).map(|i| format!("https://x/{i}.png")).collect()
}

#[test]
fn the_registry_parses_and_holds_the_named_families() {
    let registry = registry().unwrap();
    assert!(registry.models.len() >= 40);
    for family in [
        "flux",
        "flux-kontext",
        "seedream",
        "imagen",
        "nano-banana",
        "gpt-image",
        "ideogram",
        "recraft",
        "hidream",
        "qwen",
        "sdxl",
        "p-image",
    ] {
        assert!(
            registry.models.iter().any(|m| m.family == family),
            "{family}"
        );
    }
    let ultra = model(DEFAULT_MODEL);
    assert_eq!(ultra.list_price_usd, Some(crate::LIST_PRICE_USD));
    assert_eq!(ultra.typical_s, Some(14.0));
    let esrgan = model("esrgan");
    assert_eq!(
        (esrgan.list_price_usd, esrgan.estimate_usd()),
        (None, Some(0.0047))
    );
    assert_eq!((esrgan.typical_s, esrgan.expected_s()), (None, Some(4.93)));
    assert!(
        registry
            .models
            .iter()
            .all(|m| m.expected_s().is_some() || m.slug.starts_with("seedream-v3"))
    );
}

#[test]
fn a_broken_registry_is_an_error_never_empty() {
    assert!(Registry::parse("{").is_err());
    assert!(Registry::parse(r#"{"version": 1, "models": []}"#).is_err());
    let mut doc: Value = serde_json::from_str(REGISTRY_JSON).unwrap();
    doc["models"][0]["vocab"]["steps"] = json!("no_such_param");
    let err = Registry::parse(&doc.to_string()).unwrap_err();
    assert!(err.to_string().contains("no_such_param"), "{err}");
    doc["models"][0]["vocab"]["steps"] = Value::Null;
    doc["models"][0]["typo_field"] = json!(1);
    assert!(Registry::parse(&doc.to_string()).is_err());
    let mut twice: Value = serde_json::from_str(REGISTRY_JSON).unwrap();
    let first = twice["models"][0].clone();
    twice["models"].as_array_mut().unwrap().push(first);
    assert!(Registry::parse(&twice.to_string()).is_err());
}

/// Today's body (`crates/segflux/src/request.rs`, `GenerationRequest::body`): the `-p`
/// parameters, then `prompt`, `aspect_ratio`, `seed`, `raw`, `safety_tolerance`,
/// `output_format`, and `image_prompt` when set.
fn todays_body(
    extra: &[(&str, Value)],
    ar: &str,
    seed: u64,
    raw: bool,
    tolerance: u8,
    format: &str,
    image_prompt: Option<&str>,
) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in extra {
        m.insert((*k).to_owned(), v.clone());
    }
    m.insert("prompt".into(), "a lighthouse at dusk".into());
    m.insert("aspect_ratio".into(), ar.into());
    m.insert("seed".into(), seed.into());
    m.insert("raw".into(), raw.into());
    m.insert("safety_tolerance".into(), tolerance.into());
    m.insert("output_format".into(), format.into());
    if let Some(url) = image_prompt {
        m.insert("image_prompt".into(), url.into());
    }
    m
}

#[test]
fn golden_the_default_model_body_is_todays() {
    let bare = Vocabulary {
        model: DEFAULT_MODEL.into(),
        prompt: Some("a lighthouse at dusk".into()),
        seed: Some(42),
        ..Vocabulary::default()
    };
    let want = todays_body(&[], "1:1", 42, false, 2, "jpg", None);
    assert_eq!(translate(&bare).unwrap(), want);
    assert_eq!(
        serde_json::to_string(&translate(&bare).unwrap()).unwrap(),
        r#"{"aspect_ratio":"1:1","output_format":"jpg","prompt":"a lighthouse at dusk","raw":false,"safety_tolerance":2,"seed":42}"#
    );
    let full = Vocabulary {
        ar: Some("16:9".into()),
        raw: Some(true),
        safety_tolerance: Some(5),
        format: Some("png".into()),
        images: vec!["https://x/y.png".into()],
        extra: vec![
            ("extra_knob".into(), json!(3)),
            ("aspect_ratio".into(), json!("9:16")),
        ],
        ..bare
    };
    let extra = [("extra_knob", json!(3))];
    let want = todays_body(&extra, "16:9", 42, true, 5, "png", Some("https://x/y.png"));
    assert_eq!(translate(&full).unwrap(), want);
}

#[test]
fn the_default_model_refuses_what_segflux_refused() {
    let base = ask(DEFAULT_MODEL);
    for (v, option) in [
        (
            Vocabulary {
                ar: Some("7:3".into()),
                ..base.clone()
            },
            "--ar",
        ),
        (
            Vocabulary {
                safety_tolerance: Some(7),
                ..base.clone()
            },
            "--safety-tolerance",
        ),
        (
            Vocabulary {
                safety_tolerance: Some(0),
                ..base.clone()
            },
            "--safety-tolerance",
        ),
        (
            Vocabulary {
                format: Some("webp".into()),
                ..base.clone()
            },
            "--format",
        ),
        (
            Vocabulary {
                steps: Some(4),
                ..base.clone()
            },
            "--steps",
        ),
        (
            Vocabulary {
                images: vec!["a".into(), "b".into()],
                ..base.clone()
            },
            "--image",
        ),
        (
            Vocabulary {
                prompt: Some("  ".into()),
                ..base.clone()
            },
            "PROMPT",
        ),
    ] {
        let err = translate(&v).unwrap_err();
        assert_eq!(err.option, option, "{err}");
        assert!(
            err.to_string().starts_with("model flux-1.1-pro-ultra: "),
            "{err}"
        );
    }
}

#[test]
fn an_unknown_slug_gets_prompt_seed_and_p_only() {
    let v = Vocabulary {
        model: "no-such-model".into(),
        prompt: Some("a fox".into()),
        seed: Some(7),
        extra: vec![("k".into(), json!(1))],
        ..Vocabulary::default()
    };
    assert_eq!(
        translate(&v).unwrap(),
        json!({"k": 1, "prompt": "a fox", "seed": 7})
            .as_object()
            .unwrap()
            .clone()
    );
    assert_eq!(unknown_params(&v), ["k"]);
    let err = translate(&Vocabulary {
        ar: Some("1:1".into()),
        ..v
    })
    .unwrap_err();
    assert_eq!(
        (err.kind, err.option.as_str()),
        (ModelErrorKind::Unsupported, "--ar")
    );
}

#[test]
fn the_model_list_names_every_model_and_reads_back() {
    let registry = registry().unwrap();
    let body = model_list(registry);
    let read = read_model_list(&body).unwrap();
    assert_eq!(read.len(), registry.models.len());
    assert_eq!(read[0].slug, registry.models[0].slug);
    assert!(read[0].parameters.iter().any(|(name, _)| name == "prompt"));
    assert_eq!(read_model_list(&json!({"other": "shape"})), None);
    assert_eq!(read_model_list(&json!("text")), None);
    let bare = read_model_list(&json!([{"slug": "x", "parameters": {"a": {}}}])).unwrap();
    assert_eq!(bare[0].parameters[0].0, "a");
}

#[test]
fn pixel_sizes_follow_the_documented_rule() {
    let schnell = model("flux-schnell");
    assert_eq!(pixels_for_ratio(schnell, (1, 1)), Some((1024, 1024)));
    let (w, h) = pixels_for_ratio(schnell, (16, 9)).unwrap();
    assert_eq!((w % 8, h % 8), (0, 0));
    assert!(
        (f64::from(w) / f64::from(h) - 16.0 / 9.0).abs() < 0.02,
        "{w}x{h}"
    );
    let p = model("p-image");
    for ratio in ASPECT_RATIOS {
        let (w, h) = pixels_for_ratio(p, parse_ratio(ratio).unwrap()).unwrap();
        assert!(
            (256..=1440).contains(&w) && (256..=1440).contains(&h),
            "{ratio}: {w}x{h}"
        );
    }
}

fn every_model_and_ratio() -> Vec<(String, String)> {
    list()
        .unwrap()
        .iter()
        .flat_map(|m| offered_ratios(m).into_iter().map(|r| (m.slug.clone(), r)))
        .collect()
}

proptest! {
    #[test]
    fn every_offered_ratio_translates_into_a_body_the_model_accepts(
        (slug, ratio) in proptest::sample::select(every_model_and_ratio()),
        seed in 0u64..1_000_000,
        per_job in proptest::option::of(1u32..=2),
    ) {
        let m = model(&slug);
        let per_job = per_job.filter(|_| m.vocab.count.is_some());
        let v = Vocabulary {
            ar: Some(ratio.clone()),
            seed: Some(seed),
            images: required_images(m),
            per_job,
            ..ask(&slug)
        };
        let body = translate(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(validate(&slug, &body), Ok(()));
        prop_assert!(m.validate(&body).is_ok());
    }
}

#[test]
fn every_model_and_every_offered_ratio_validates() {
    // The exhaustive form of the property: no pair is left to chance.
    let pairs = every_model_and_ratio();
    assert!(pairs.len() > 150, "{}", pairs.len());
    for (slug, ratio) in pairs {
        let m = model(&slug);
        let v = Vocabulary {
            ar: Some(ratio.clone()),
            seed: Some(1),
            images: required_images(m),
            ..ask(&slug)
        };
        let body = translate(&v).unwrap_or_else(|e| panic!("{slug} {ratio}: {e}"));
        assert_eq!(m.validate(&body), Ok(()), "{slug} {ratio}: {body:?}");
    }
}

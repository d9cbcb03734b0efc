//! One test per model family, continued from `tests_families` (GPT Image, Ideogram,
//! Recraft, `HiDream`, Qwen, SDXL / SD 3.5, p-image, upscaling and background removal), and
//! the schema's own refusals.

use serde_json::{Map, json};

use super::tests::ask;
use super::tests_families::{body, obj, refused};
use super::*;

#[test]
fn gpt_image_sizes_and_jpeg_spelling() {
    let v = Vocabulary {
        ar: Some("3:2".into()),
        format: Some("jpg".into()),
        seed: Some(3),
        ..ask("gpt-image-1.5")
    };
    assert_eq!(
        body(&v),
        obj(json!({"prompt": "a fox", "size": "1536x1024", "output_format": "jpeg"}))
    );
    refused(
        &Vocabulary {
            ar: Some("16:9".into()),
            ..v.clone()
        },
        "--ar",
        "3:2 1:1 2:3",
    );
    refused(
        &Vocabulary {
            ar: None,
            size: Some((800, 600)),
            ..v
        },
        "--size",
        "1024x1024",
    );
    let edit = Vocabulary {
        images: (0..17).map(|i| i.to_string()).collect(),
        ..ask("gpt-image-1-edit")
    };
    refused(&edit, "--image", "at most 16");
}

#[test]
fn ideogram_remix_spells_ratios_with_x() {
    let v = Vocabulary {
        images: vec!["u".into()],
        ar: Some("16:9".into()),
        ..ask("ideogram-3-remix")
    };
    assert_eq!(
        body(&v),
        obj(json!({"prompt": "a fox", "image": "u", "aspect_ratio": "16x9"}))
    );
    refused(
        &Vocabulary {
            ar: Some("16:9".into()),
            ..ask("ideogram-3")
        },
        "--ar",
        "not taken",
    );
    let sized = body(&Vocabulary {
        size: Some((1024, 1024)),
        ..ask("ideogram-3")
    });
    assert_eq!(sized["resolution"], "1024x1024");
}

#[test]
fn recraft_svg_gives_svg_and_sizes_by_ratio() {
    let v = Vocabulary {
        ar: Some("16:9".into()),
        format: Some("svg".into()),
        ..ask("recraft-v3-svg")
    };
    assert_eq!(
        body(&v),
        obj(json!({"prompt": "a fox", "size": "1820x1024"}))
    );
    refused(
        &Vocabulary {
            format: Some("png".into()),
            ..v
        },
        "--format",
        "svg",
    );
}

#[test]
fn hidream_sends_its_label_strings_verbatim() {
    let v = Vocabulary {
        ar: Some("16:9".into()),
        format: Some("webp".into()),
        seed: Some(9),
        ..ask("hidream-l1-fast")
    };
    let b = body(&v);
    assert_eq!(b["resolution"], "1360 × 768 (Landscape)");
    assert_eq!(
        (b["output_format"].as_str(), b["seed"].as_u64()),
        (Some("webp"), Some(9))
    );
    let square = body(&Vocabulary {
        size: Some((1024, 1024)),
        ..ask("hidream-l1-fast")
    });
    assert_eq!(square["resolution"], "1024 × 1024 (Square)");
}

#[test]
fn qwen_uses_image_format_jpeg_and_sends_required_steps() {
    let b = body(&Vocabulary {
        format: Some("jpg".into()),
        ..ask("qwen-image")
    });
    assert_eq!(
        b,
        obj(json!({"prompt": "a fox", "image_format": "jpeg", "steps": 30}))
    );
    refused(
        &Vocabulary {
            guidance: Some(25.0),
            ..ask("qwen-image")
        },
        "--guidance",
        "from 1 to 20",
    );
    let plus = body(&Vocabulary {
        images: vec!["a".into(), "b".into(), "c".into()],
        ..ask("qwen-image-edit-plus")
    });
    assert_eq!(
        (plus["image"].as_str(), plus["image_3"].as_str()),
        (Some("a"), Some("c"))
    );
}

#[test]
fn sdxl_says_img_width_num_inference_steps_guidance_scale() {
    let v = Vocabulary {
        size: Some((896, 1152)),
        steps: Some(25),
        guidance: Some(7.5),
        negative: Some("ugly".into()),
        per_job: Some(4),
        ..ask("sdxl1.0-txt2img")
    };
    let want = json!({"prompt": "a fox", "img_width": 896, "img_height": 1152, "num_inference_steps": 25,
        "guidance_scale": 7.5, "negative_prompt": "ugly", "samples": 4});
    assert_eq!(body(&v), obj(want));
    refused(
        &Vocabulary {
            per_job: Some(5),
            ..v.clone()
        },
        "--per-job",
        "from 1 to 4",
    );
    refused(
        &Vocabulary {
            size: Some((900, 1152)),
            ..v
        },
        "--size",
        "multiple of 8",
    );
    let sd3 = body(&Vocabulary {
        size: Some((1024, 512)),
        format: Some("jpg".into()),
        ..ask("stable-diffusion-3.5-large-txt2img")
    });
    assert_eq!(
        (sd3["aspect_ratio"].as_str(), sd3["image_format"].as_str()),
        (Some("custom"), Some("jpeg"))
    );
}

#[test]
fn p_image_takes_long_seeds_and_custom_pixels() {
    let v = Vocabulary {
        seed: Some(999_999_999_999_999),
        ar: Some("3:2".into()),
        ..ask("p-image")
    };
    assert_eq!(body(&v)["seed"], json!(999_999_999_999_999_u64));
    refused(
        &Vocabulary {
            seed: Some(1_000_000_000_000_000),
            ..v
        },
        "--seed",
        "999999999999999",
    );
    let sized = body(&Vocabulary {
        size: Some((1440, 256)),
        ..ask("p-image")
    });
    assert_eq!(sized["aspect_ratio"], "custom");
}

#[test]
fn upscalers_and_bg_removal_take_an_image_and_no_prompt() {
    let v = Vocabulary {
        images: vec!["https://x/p.jpg".into()],
        format: Some("webp".into()),
        ..ask("esrgan")
    };
    assert_eq!(
        body(&v),
        obj(json!({"image": "https://x/p.jpg", "output_format": "webp"}))
    );
    refused(
        &Vocabulary {
            extra: vec![("scale".into(), json!(3))],
            ..v.clone()
        },
        "-p scale",
        "2, 4, 8",
    );
    refused(
        &Vocabulary {
            prompt: Some("x".into()),
            ..v
        },
        "PROMPT",
        "--image",
    );
    refused(&ask("bg-removal-v2"), "--image", "input image");
}

#[test]
fn schemas_refuse_what_segmind_would() {
    let cases = [
        ("flux-schnell", json!({"prompt": "p", "steps": 0}), "steps"),
        (
            "flux-schnell",
            json!({"prompt": "p", "width": 4000}),
            "width",
        ),
        ("qwen-image", json!({"prompt": "p"}), "steps"),
        (
            "esrgan",
            json!({"image": "u", "output_format": "gif"}),
            "output_format",
        ),
        (
            "recraft-v3-svg",
            json!({"prompt": "p", "style": "oil"}),
            "style",
        ),
        ("gpt-image-1", json!({"size": "1024x1024"}), "prompt"),
    ];
    for (slug, b, param) in cases {
        let err = validate(slug, b.as_object().unwrap()).unwrap_err();
        assert_eq!(err.param, param, "{slug}: {err}");
        assert!(err.to_string().starts_with(param));
    }
    let ok = json!({"prompt": "p", "unknown_knob": 1, "width": null});
    assert_eq!(validate("flux-schnell", ok.as_object().unwrap()), Ok(()));
    assert_eq!(validate("no-such-model", &Map::new()), Ok(()));
}

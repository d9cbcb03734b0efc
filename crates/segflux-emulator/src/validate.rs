//! Checks a submit body and reads the job it asks for. A registered model other than the
//! default is checked against its own schema in the registry (`segflux_api::models`); the
//! default model, and a configured slug the registry lacks, against the flux-1.1-pro-ultra
//! parameter table (spec: "flux-1.1-pro-ultra parameters"), as before. Unknown keys pass,
//! and a `null` counts as absent. Each error names the parameter and what is wrong. Pure.

use serde_json::{Map, Value};

use crate::draw::render::Format;
use segflux_api::models::{Model, lookup, parse_ratio};
use segflux_api::{ASPECT_RATIOS, DEFAULT_MODEL};

/// The seed a job gets when the body has none (the model page's default).
pub(crate) const DEFAULT_SEED: u64 = 1234;

/// What the emulator needs from a valid submit body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JobSpec {
    pub prompt: String,
    /// Width and height of the aspect ratio, e.g. (16, 9).
    pub aspect: (u32, u32),
    pub seed: u64,
    pub format: Format,
    /// Images the job returns (a model's count parameter; 1 without one).
    pub count: u32,
}

/// The job a body for `model` asks for, or the text of a 400 error (see the module).
pub(crate) fn validate(model: &str, params: &Map<String, Value>) -> Result<JobSpec, String> {
    match lookup(model).ok().flatten() {
        Some(m) if m.slug != DEFAULT_MODEL => registered(m, params),
        _ => validate_default(params),
    }
}

/// A body for registered model `m`, checked against its schema.
fn registered(m: &Model, params: &Map<String, Value>) -> Result<JobSpec, String> {
    m.validate(params).map_err(|e| e.to_string())?;
    let get = |key: Option<&String>| key.and_then(|k| params.get(k)).filter(|v| !v.is_null());
    let text = |key: Option<&String>| get(key).and_then(Value::as_str);
    let prompt = match params.get("prompt").and_then(Value::as_str) {
        Some(p) => p.to_owned(),
        None => m.name.clone(),
    };
    let pixels = m.pixels.as_ref().and_then(|p| {
        let side = |name: &String| params.get(name).and_then(Value::as_u64)?.try_into().ok();
        Some((side(&p.width)?, side(&p.height)?))
    });
    let aspect = text(m.vocab.ar.as_ref())
        .and_then(parse_ratio)
        .or_else(|| text(m.vocab.size.as_ref()).and_then(dims))
        .or(pixels)
        .unwrap_or((1, 1));
    let seed = get(m.vocab.seed.as_ref())
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_SEED);
    let format = text(m.vocab.format.as_ref())
        .map(|f| if f == "jpeg" { "jpg" } else { f })
        .or_else(|| Some(m.default_format()))
        .and_then(Format::from_ext)
        .unwrap_or(Format::Jpg);
    let count = get(m.vocab.count.as_ref())
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(1)
        .max(1);
    Ok(JobSpec {
        prompt,
        aspect,
        seed,
        format,
        count,
    })
}

/// The first two numbers of a size value (`1024x1536`, `1360 × 768 (Landscape)`).
fn dims(text: &str) -> Option<(u32, u32)> {
    let mut numbers = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse::<u32>().ok());
    let (w, h) = (numbers.next()?, numbers.next()?);
    (w > 0 && h > 0).then_some((w, h))
}

/// The job a body for the default model asks for, or the text of a 400 error.
fn validate_default(params: &Map<String, Value>) -> Result<JobSpec, String> {
    let get = |key: &str| params.get(key).filter(|v| !v.is_null());
    let prompt = match get("prompt") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) => return Err("prompt must not be empty".to_owned()),
        Some(_) => return Err("prompt must be a string".to_owned()),
        None => return Err("prompt is required".to_owned()),
    };
    let aspect = get("aspect_ratio").map_or(Ok((1, 1)), aspect_ratio)?;
    let seed = match get("seed") {
        None => DEFAULT_SEED,
        Some(v) => v
            .as_u64()
            .ok_or_else(|| format!("seed must be a non-negative integer, got {v}"))?,
    };
    if let Some(v) = get("safety_tolerance")
        && !v.as_i64().is_some_and(|n| (1..=6).contains(&n))
    {
        return Err(format!(
            "safety_tolerance must be an integer from 1 to 6, got {v}"
        ));
    }
    let format = match get("output_format") {
        None => Format::Jpg,
        Some(v) => v
            .as_str()
            .and_then(Format::from_ext)
            .filter(|f| matches!(f, Format::Jpg | Format::Png))
            .ok_or_else(|| format!("output_format must be \"jpg\" or \"png\", got {v}"))?,
    };
    if let Some(v) = get("raw").filter(|v| !v.is_boolean()) {
        return Err(format!("raw must be a boolean, got {v}"));
    }
    if let Some(v) = get("image_prompt").filter(|v| !v.is_string()) {
        return Err(format!(
            "image_prompt must be a string (an image URL), got {v}"
        ));
    }
    Ok(JobSpec {
        prompt,
        aspect,
        seed,
        format,
        count: 1,
    })
}

fn aspect_ratio(v: &Value) -> Result<(u32, u32), String> {
    v.as_str()
        .filter(|s| ASPECT_RATIOS.contains(s))
        .and_then(|s| s.split_once(':'))
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .ok_or_else(|| {
            format!(
                "aspect_ratio must be one of {}, got {v}",
                ASPECT_RATIOS.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(body: &Value) -> Result<JobSpec, String> {
        validate(DEFAULT_MODEL, body.as_object().unwrap())
    }

    #[test]
    fn defaults_fill_in() {
        let spec = check(&json!({"prompt": "a cat", "extra": 1, "seed": null})).unwrap();
        assert_eq!(spec.aspect, (1, 1));
        assert_eq!(spec.seed, DEFAULT_SEED);
        assert_eq!(spec.format, Format::Jpg);
    }

    #[test]
    fn every_parameter_is_read() {
        let spec = check(&json!({
            "prompt": "a cat", "aspect_ratio": "21:9", "seed": 0, "output_format": "png",
            "safety_tolerance": 6, "raw": true, "image_prompt": "https://x/y.png"
        }))
        .unwrap();
        assert_eq!(spec.aspect, (21, 9));
        assert_eq!(spec.seed, 0);
        assert_eq!(spec.format, Format::Png);
    }

    #[test]
    fn violations_name_the_parameter() {
        let cases = [
            (json!({}), "prompt"),
            (json!({"prompt": "  "}), "prompt"),
            (json!({"prompt": 3}), "prompt"),
            (
                json!({"prompt": "p", "aspect_ratio": "7:3"}),
                "aspect_ratio",
            ),
            (json!({"prompt": "p", "aspect_ratio": 1}), "aspect_ratio"),
            (json!({"prompt": "p", "seed": -1}), "seed"),
            (json!({"prompt": "p", "seed": 1.5}), "seed"),
            (
                json!({"prompt": "p", "safety_tolerance": 0}),
                "safety_tolerance",
            ),
            (
                json!({"prompt": "p", "safety_tolerance": 7}),
                "safety_tolerance",
            ),
            (
                json!({"prompt": "p", "output_format": "gif"}),
                "output_format",
            ),
            (json!({"prompt": "p", "raw": "yes"}), "raw"),
            (json!({"prompt": "p", "image_prompt": 5}), "image_prompt"),
        ];
        for (body, param) in cases {
            let err = check(&body).unwrap_err();
            assert!(err.starts_with(param), "{body} gave {err:?}");
        }
    }
}

#[cfg(test)]
mod registered_tests {
    use super::*;
    use serde_json::json;

    fn check(model: &str, body: &Value) -> Result<JobSpec, String> {
        validate(model, body.as_object().unwrap())
    }

    #[test]
    fn a_registered_model_is_read_in_its_own_names() {
        let body = json!({"prompt": "p", "width": 1368, "height": 768, "samples": 3, "seed": 9});
        let spec = check("flux-schnell", &body).unwrap();
        assert_eq!((spec.aspect, spec.count, spec.seed), ((1368, 768), 3, 9));
        let svg = check(
            "recraft-v3-svg",
            &json!({"prompt": "p", "size": "1820x1024"}),
        )
        .unwrap();
        assert_eq!((svg.format, svg.aspect), (Format::Svg, (1820, 1024)));
        let webp = check("esrgan", &json!({"image": "u", "output_format": "webp"})).unwrap();
        assert_eq!(webp.format, Format::Webp);
        let jpeg = check(
            "qwen-image",
            &json!({"prompt": "p", "steps": 3, "image_format": "jpeg"}),
        );
        assert_eq!(jpeg.unwrap().format, Format::Jpg);
    }

    #[test]
    fn a_registered_model_refuses_its_own_bad_values_only() {
        let err = check("flux-schnell", &json!({"prompt": "p", "steps": 9})).unwrap_err();
        assert!(err.starts_with("steps must be"), "{err}");
        let err = check("esrgan", &json!({})).unwrap_err();
        assert!(err.starts_with("image is required"), "{err}");
        // Flux Ultra's names mean nothing to flux-schnell: they pass, as unknown keys do.
        assert!(
            check(
                "flux-schnell",
                &json!({"prompt": "p", "aspect_ratio": "7:3"})
            )
            .is_ok()
        );
        let err = check(
            DEFAULT_MODEL,
            &json!({"prompt": "p", "output_format": "webp"}),
        );
        assert!(err.unwrap_err().starts_with("output_format"));
    }
}

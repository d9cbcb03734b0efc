//! Checks a submit body against the flux-1.1-pro-ultra parameter table (spec:
//! "flux-1.1-pro-ultra parameters"), for every model the emulator knows. Unknown keys pass,
//! and a `null` counts as absent. Each error names the parameter and what is wrong. Pure.

use serde_json::{Map, Value};

use crate::draw::render::Format;
use segflux_api::ASPECT_RATIOS;

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
}

/// The job a body asks for, or the text of a 400 error.
pub(crate) fn validate(params: &Map<String, Value>) -> Result<JobSpec, String> {
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
        validate(body.as_object().unwrap())
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

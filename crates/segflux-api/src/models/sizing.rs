//! Aspect ratios and pixel sizes per model. `--ar R` goes, in this order, to the model's
//! aspect-ratio parameter in its own spelling (`16:9`, or `16x9` where its allowed values
//! use `x`); else to its size parameter, as the allowed `WxH` value (or label, such as
//! `HiDream`'s `1360 × 768 (Landscape)`) within 1.5 % of `R`; else to its pixel parameters, by
//! the pixel rule of [`pixels_for_ratio`]. `--size WxH` sets pixel parameters (with any
//! companion value such as `aspect_ratio: "custom"`), else the size parameter's matching
//! value.

use serde_json::{Map, Value};

use super::{Model, Param};
use crate::ASPECT_RATIOS;

/// How far (relative) a size value's ratio may be from the asked one.
const RATIO_TOLERANCE: f64 = 0.015;

/// The pixel area a computed size aims at unless the model's default is larger.
const ONE_MEGAPIXEL: f64 = 1024.0 * 1024.0;

/// A ratio `W:H` (or `WxH`) as two positive numbers.
pub fn parse_ratio(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.split_once(':').or_else(|| text.split_once('x'))?;
    let (w, h) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

/// The first two numbers of a size value: `1024x1536`, `1360 × 768 (Landscape)`.
fn parse_dims(text: &str) -> Option<(u32, u32)> {
    let mut numbers = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(str::parse::<u32>);
    let w = numbers.next()?.ok()?;
    let h = numbers.next()?.ok()?;
    (w > 0 && h > 0).then_some((w, h))
}

fn ratio_of((w, h): (u32, u32)) -> f64 {
    f64::from(w) / f64::from(h)
}

fn close((a, b): (u32, u32), (c, d): (u32, u32)) -> bool {
    (ratio_of((a, b)) / ratio_of((c, d)) - 1.0).abs() <= RATIO_TOLERANCE
}

fn allowed_strings(param: Option<&Param>) -> Vec<&str> {
    param
        .and_then(|p| p.allowed.as_ref())
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The aspect ratios `--ar` offers on `model`, in `W:H` spelling: its aspect-ratio
/// parameter's ratio values; else segflux's eleven that a size value matches; else, for a
/// model that takes pixels, segflux's eleven; else none.
pub fn offered_ratios(model: &Model) -> Vec<String> {
    if let Some(name) = &model.vocab.ar {
        let allowed = allowed_strings(model.param(name));
        if allowed.is_empty() {
            return ASPECT_RATIOS.map(String::from).to_vec();
        }
        return allowed
            .iter()
            .filter_map(|v| parse_ratio(v))
            .map(|(w, h)| format!("{w}:{h}"))
            .collect();
    }
    if let Some(name) = &model.vocab.size {
        let sizes: Vec<(u32, u32)> = allowed_strings(model.param(name))
            .iter()
            .filter_map(|v| parse_dims(v))
            .collect();
        return ASPECT_RATIOS
            .iter()
            .filter(|r| parse_ratio(r).is_some_and(|r| sizes.iter().any(|s| close(*s, r))))
            .map(|r| (*r).to_owned())
            .collect();
    }
    if model.pixels.is_some() {
        return ASPECT_RATIOS.map(String::from).to_vec();
    }
    Vec::new()
}

/// The parameters that carry ratio `(w, h)` on `model`, or `None` when it offers no such
/// ratio.
pub(crate) fn ratio_params(model: &Model, ratio: (u32, u32)) -> Option<Map<String, Value>> {
    let mut out = Map::new();
    if let Some(name) = &model.vocab.ar {
        let allowed = allowed_strings(model.param(name));
        let spelled = if allowed.is_empty() {
            format!("{}:{}", ratio.0, ratio.1)
        } else {
            (*allowed.iter().find(|v| parse_ratio(v) == Some(ratio))?).to_owned()
        };
        out.insert(name.clone(), spelled.into());
    } else if let Some(name) = &model.vocab.size {
        let allowed = allowed_strings(model.param(name));
        let best = allowed
            .iter()
            .filter(|v| parse_dims(v).is_some_and(|d| close(d, ratio)))
            .min_by(|a, b| distance(a, ratio).total_cmp(&distance(b, ratio)))?;
        out.insert(name.clone(), (*best).into());
    } else {
        let pixels = model.pixels.as_ref()?;
        let (w, h) = pixels_for_ratio(model, ratio)?;
        out.insert(pixels.width.clone(), w.into());
        out.insert(pixels.height.clone(), h.into());
    }
    Some(out)
}

fn distance(value: &str, ratio: (u32, u32)) -> f64 {
    parse_dims(value).map_or(f64::MAX, |d| (ratio_of(d) - ratio_of(ratio)).abs())
}

/// The pixel rule: the size of ratio `(w, h)` with an area of one megapixel, or the model's
/// default area when larger; scaled down or up to fit its width and height range; each side
/// then rounded to the nearest multiple the model needs, and kept within its range.
pub fn pixels_for_ratio(model: &Model, (rw, rh): (u32, u32)) -> Option<(u32, u32)> {
    let pixels = model.pixels.as_ref()?;
    let (wp, hp) = (model.param(&pixels.width)?, model.param(&pixels.height)?);
    let default_area = default_of(wp)
        .zip(default_of(hp))
        .map_or(0.0, |(a, b)| a * b);
    let area = ONE_MEGAPIXEL.max(default_area);
    let ratio = f64::from(rw) / f64::from(rh);
    let (mut w, mut h) = ((area * ratio).sqrt(), (area / ratio).sqrt());
    shrink_to(&mut w, &mut h, wp.max);
    shrink_to(&mut h, &mut w, hp.max);
    grow_to(&mut w, &mut h, wp.min);
    grow_to(&mut h, &mut w, hp.min);
    let step = f64::from(pixels.multiple.max(1));
    Some((fit(w, step, wp), fit(h, step, hp)))
}

/// Scales both sides down so that `side` is at most `max`.
fn shrink_to(side: &mut f64, other: &mut f64, max: Option<f64>) {
    if let Some(max) = max.filter(|max| *side > *max) {
        *other *= max / *side;
        *side = max;
    }
}

/// Scales both sides up so that `side` is at least `min`.
fn grow_to(side: &mut f64, other: &mut f64, min: Option<f64>) {
    if let Some(min) = min.filter(|min| *side < *min) {
        *other *= min / *side;
        *side = min;
    }
}

fn default_of(param: &Param) -> Option<f64> {
    param.default.as_ref().and_then(Value::as_f64)
}

/// `side` rounded to the nearest multiple of `step`, then kept within the parameter's range
/// (its bounds rounded inwards to multiples of `step`).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn fit(side: f64, step: f64, param: &Param) -> u32 {
    let mut n = (side / step).round() * step;
    if let Some(max) = param.max {
        n = n.min((max / step).floor() * step);
    }
    if let Some(min) = param.min {
        n = n.max((min / step).ceil() * step);
    }
    n.max(step) as u32
}

/// The parameters that carry an explicit `--size (w, h)` on `model`: `Err` with what the
/// model takes instead when it has no such size.
pub(crate) fn size_params(model: &Model, (w, h): (u32, u32)) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    if let Some(pixels) = &model.pixels {
        for (name, n) in [(&pixels.width, w), (&pixels.height, h)] {
            if let Some(param) = model.param(name) {
                param
                    .check(&n.into())
                    .map_err(|e| format!("sets {name}, which {e}"))?;
            }
            out.insert(name.clone(), n.into());
        }
        out.extend(pixels.set.clone());
        return Ok(out);
    }
    let Some(name) = &model.vocab.size else {
        return Err("is not taken: the model has no size parameter".to_owned());
    };
    let allowed = allowed_strings(model.param(name));
    let value = if allowed.is_empty() {
        format!("{w}x{h}")
    } else {
        let found = allowed.iter().find(|v| parse_dims(v) == Some((w, h)));
        (*found.ok_or_else(|| format!("must be one of {} (its {name})", allowed.join(", ")))?)
            .to_owned()
    };
    out.insert(name.clone(), value.into());
    Ok(out)
}

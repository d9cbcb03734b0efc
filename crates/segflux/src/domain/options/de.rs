//! Serde adapters that apply the parse functions of `options.rs` to values read from files, so a
//! config key or a JSONL field obeys exactly the rule of its flag.

use serde::{Deserialize, Deserializer};

/// A safety tolerance, as [`super::parse_tolerance`] checks it.
pub fn tolerance<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    let n = u64::deserialize(d)?;
    match u8::try_from(n) {
        Ok(t) if (1..=6).contains(&t) => Ok(Some(t)),
        _ => Err(serde::de::Error::custom(super::TOLERANCE_RULE)),
    }
}

/// A model slug, as [`super::parse_model`] checks it.
pub fn model<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    super::parse_model(&s)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// An amount of US dollars, as [`super::parse_usd`] checks it (a number in a file).
pub fn usd<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = f64::deserialize(d)?;
    super::parse_usd(&v.to_string())
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// A non-empty string (a JSONL prompt).
pub fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.trim().is_empty() {
        return Err(serde::de::Error::custom("must be a non-empty string"));
    }
    Ok(s)
}

/// A seed, as [`super::parse_seed`] checks it (a JSON number, not text).
pub fn seed<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    v.as_u64()
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("must be a non-negative integer, not {v}")))
}

/// Images per prompt, as [`super::parse_count`] checks it.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    super::count(u64::deserialize(d)?)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// An output file name, as [`super::parse_file_name`] checks it.
pub fn file_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    super::parse_file_name(&String::deserialize(d)?)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// Pass-through parameters: an object whose keys pass [`super::check_param_key`], in
/// order.
pub fn params<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<(String, serde_json::Value)>, D::Error> {
    let m = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    for k in m.keys() {
        super::check_param_key(k).map_err(serde::de::Error::custom)?;
    }
    Ok(m.into_iter().collect())
}

/// An http(s) URL, as [`super::parse_http_url`] checks it.
pub fn http_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    super::parse_http_url(&s)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

//! The value types of the generation options, and the one rule for each: the command line
//! (clap), the config file and JSONL batch lines (serde) all read an option through the type
//! or the parse function here, so an option's rule is written once.
//!
//! Nothing here knows about clap's argument structs or the config file's layout; `cli.rs`,
//! `config.rs` and the batch input parser point here.

use clap::ValueEnum;
use serde::{Deserialize, Deserializer, Serialize};

/// An aspect ratio flux-1.1-pro-ultra accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[expect(missing_docs, reason = "the variant names are the ratios")]
pub enum AspectRatio {
    #[value(name = "21:9")]
    #[serde(rename = "21:9")]
    R21x9,
    #[value(name = "16:9")]
    #[serde(rename = "16:9")]
    R16x9,
    #[value(name = "3:2")]
    #[serde(rename = "3:2")]
    R3x2,
    #[value(name = "4:3")]
    #[serde(rename = "4:3")]
    R4x3,
    #[value(name = "5:4")]
    #[serde(rename = "5:4")]
    R5x4,
    #[value(name = "1:1")]
    #[serde(rename = "1:1")]
    R1x1,
    #[value(name = "4:5")]
    #[serde(rename = "4:5")]
    R4x5,
    #[value(name = "3:4")]
    #[serde(rename = "3:4")]
    R3x4,
    #[value(name = "2:3")]
    #[serde(rename = "2:3")]
    R2x3,
    #[value(name = "9:16")]
    #[serde(rename = "9:16")]
    R9x16,
    #[value(name = "9:21")]
    #[serde(rename = "9:21")]
    R9x21,
}

impl AspectRatio {
    /// The wire spelling, e.g. `16:9`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::R21x9 => "21:9",
            Self::R16x9 => "16:9",
            Self::R3x2 => "3:2",
            Self::R4x3 => "4:3",
            Self::R5x4 => "5:4",
            Self::R1x1 => "1:1",
            Self::R4x5 => "4:5",
            Self::R3x4 => "3:4",
            Self::R2x3 => "2:3",
            Self::R9x16 => "9:16",
            Self::R9x21 => "9:21",
        }
    }
}

/// An image format the API can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// JPEG
    Jpg,
    /// PNG
    Png,
}

impl ImageFormat {
    /// The extension and wire spelling.
    pub fn ext(self) -> &'static str {
        match self {
            Self::Jpg => "jpg",
            Self::Png => "png",
        }
    }

    /// The format of a file name's extension (`jpg`, `jpeg`, `png`, any case).
    pub fn from_ext(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(Self::Jpg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }
}

/// How many images one prompt may ask for (`-n`, a JSONL line's `count`).
pub const COUNTS: std::ops::RangeInclusive<u32> = 1..=10_000;

/// The longest file name (one path component) the common file systems hold, in bytes.
pub const NAME_MAX: usize = 255;

/// The keys segflux sets from its own flags; `-p` and a JSONL line's `params` may not set them.
pub const OWN_PARAMS: [(&str, &str); 7] = [
    ("prompt", "PROMPT"),
    ("aspect_ratio", "--ar"),
    ("seed", "--seed"),
    ("raw", "--raw"),
    ("safety_tolerance", "--safety-tolerance"),
    ("output_format", "--format"),
    ("image_prompt", "--image-prompt"),
];

/// `-n`, a JSONL `count`: images per prompt, 1 to 10000.
pub fn parse_count(s: &str) -> Result<u32, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| count_rule())
        .and_then(count)
}

fn count(n: u64) -> Result<u32, String> {
    u32::try_from(n)
        .ok()
        .filter(|c| COUNTS.contains(c))
        .ok_or_else(count_rule)
}

fn count_rule() -> String {
    format!(
        "must be an integer from {} to {}",
        COUNTS.start(),
        COUNTS.end()
    )
}

/// A pass-through parameter name (`-p KEY=…`, a key of a JSONL `params`): not one of
/// segflux's own.
pub fn check_param_key(key: &str) -> Result<(), String> {
    match OWN_PARAMS.iter().find(|(k, _)| *k == key) {
        Some((_, flag)) => Err(format!("`{key}` is set by {flag}, not as a parameter")),
        None => Ok(()),
    }
}

/// A batch line's `output`: one plain file name (no directory), ending in .jpg, .jpeg or
/// .png, without NUL, short enough for the file system.
pub fn parse_file_name(name: &str) -> Result<String, String> {
    if name.contains('\0') {
        return Err("must not contain a NUL character".into());
    }
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        return Err("must be a plain file name (no directories)".into());
    }
    if name.len() > NAME_MAX {
        return Err(format!(
            "must be at most {NAME_MAX} bytes long (file systems hold no longer names), not {}",
            name.len()
        ));
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e);
    if ext.and_then(ImageFormat::from_ext).is_none() {
        return Err("must end in .jpg, .jpeg or .png".into());
    }
    Ok(name.to_owned())
}

/// What a safety tolerance must be.
pub const TOLERANCE_RULE: &str =
    "must be an integer, one of 1, 2, 3, 4, 5, 6 (1 strictest, 6 most permissive)";

/// `--safety-tolerance`: 1 (strictest) to 6 (most permissive).
pub fn parse_tolerance(s: &str) -> Result<u8, String> {
    s.trim()
        .parse::<u8>()
        .ok()
        .filter(|t| (1..=6).contains(t))
        .ok_or_else(|| TOLERANCE_RULE.to_owned())
}

/// `--seed`: a non-negative integer.
pub fn parse_seed(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .map_err(|_| "must be a non-negative integer".to_owned())
}

/// Whether `s` is a plausible model slug (it goes into a URL path).
pub fn valid_model(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// `--model`: a slug of letters, digits, `.`, `_` and `-`.
pub fn parse_model(s: &str) -> Result<String, String> {
    if valid_model(s) {
        Ok(s.to_owned())
    } else {
        Err("must be a model slug of letters, digits, '.', '_' and '-'".into())
    }
}

/// An `http://` or `https://` URL (the base URL, a visual prompt URL).
pub fn parse_http_url(s: &str) -> Result<String, String> {
    if s.starts_with("http://") || s.starts_with("https://") {
        Ok(s.to_owned())
    } else {
        Err("must be an http:// or https:// URL".into())
    }
}

/// What an amount of money must be.
pub const USD_RULE: &str = "must be a non-negative amount of US dollars, e.g. 2.50";

/// `--max-cost` and other amounts: a non-negative, finite number of US dollars (`0.5`,
/// `$0.50`).
pub fn parse_usd(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let t = t.strip_prefix('$').unwrap_or(t);
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(USD_RULE.into()),
    }
}

/// An emulator image size: `real` is [`crate::emulator::REAL_SIZE`], `small` a 256 px long
/// side, a number that long side (16 to 8192).
pub fn parse_image_size(s: &str) -> Result<u32, String> {
    match s {
        "real" => Ok(crate::emulator::REAL_SIZE),
        "small" => Ok(256),
        _ => s
            .parse()
            .ok()
            .filter(|n| (16..=8192).contains(n))
            .ok_or_else(|| "expected real, small or a number of pixels from 16 to 8192".to_owned()),
    }
}

/// Serde adapters that apply the parse functions above to values read from files, so a
/// config key or a JSONL field obeys exactly the rule of its flag.
pub mod de {
    use super::{Deserialize, Deserializer};

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
        v.as_u64().map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!("must be a non-negative integer, not {v}"))
        })
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
}

/// The field names of a `Deserialize` struct, in declaration order, read from serde itself
/// (so a list of keys is never written beside the struct that defines them).
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("field probe")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Self
        }
    }
    impl<'de> Deserializer<'de> for &mut Probe {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ratio_has_its_wire_spelling_in_clap_and_serde() {
        for r in AspectRatio::value_variants() {
            let via_serde = serde_json::to_value(r).unwrap();
            assert_eq!(via_serde, serde_json::json!(r.as_str()));
            assert_eq!(
                r.to_possible_value().unwrap().get_name(),
                r.as_str(),
                "clap and the wire agree"
            );
        }
        let names: Vec<&str> = AspectRatio::value_variants()
            .iter()
            .map(|r| r.as_str())
            .collect();
        assert_eq!(names, crate::api::ASPECT_RATIOS);
    }

    #[test]
    fn tolerance_and_seed_rules() {
        assert_eq!(parse_tolerance("4"), Ok(4));
        for bad in ["0", "7", "-1", "x", "300"] {
            assert!(parse_tolerance(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_seed("42"), Ok(42));
        assert!(parse_seed("-1").is_err());
    }

    #[test]
    fn counts_params_and_output_names() {
        assert_eq!(parse_count("3"), Ok(3));
        assert!(parse_count("0").is_err() && parse_count("10001").is_err());
        assert!(check_param_key("seed").unwrap_err().contains("--seed"));
        assert!(parse_file_name("hero.jpg").is_ok());
        for (bad, why) in [
            ("a\0b.jpg", "NUL"),
            ("../x.jpg", "plain"),
            (".hidden.jpg", "plain"),
            ("x.gif", ".jpg"),
        ] {
            assert!(parse_file_name(bad).unwrap_err().contains(why), "{bad}");
        }
        let long = format!("{}.jpg", "a".repeat(300));
        assert!(parse_file_name(&long).unwrap_err().contains("at most 255"));
    }

    #[test]
    fn field_names_come_from_serde() {
        #[derive(Deserialize)]
        #[expect(dead_code, reason = "only the field names are read")]
        struct S {
            alpha: u8,
            #[serde(rename = "beta_gamma")]
            beta: String,
        }
        assert_eq!(field_names::<S>(), ["alpha", "beta_gamma"]);
    }
}

//! The generation options' value types and rules, in one home: the command line (clap), a
//! JSONL batch line (serde) and the config file check the same values with the same words.
//!
//! Each rule is a function here; clap's value parsers and serde's `deserialize_with` both call
//! it, so an option cannot drift between the two. No I/O.

use std::ops::RangeInclusive;

use clap::ValueEnum;
use serde::{Deserialize, Deserializer, de};

/// The safety tolerances the API accepts.
pub const TOLERANCES: RangeInclusive<u8> = 1..=6;

/// How many images one prompt may ask for (`-n`, a JSONL line's `count`).
pub const COUNTS: RangeInclusive<u32> = 1..=10_000;

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

/// An aspect ratio flux-1.1-pro-ultra accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[expect(missing_docs, reason = "the variant names are the ratios")]
pub enum AspectRatio {
    #[value(name = "21:9")]
    R21x9,
    #[value(name = "16:9")]
    R16x9,
    #[value(name = "3:2")]
    R3x2,
    #[value(name = "4:3")]
    R4x3,
    #[value(name = "5:4")]
    R5x4,
    #[value(name = "1:1")]
    R1x1,
    #[value(name = "4:5")]
    R4x5,
    #[value(name = "3:4")]
    R3x4,
    #[value(name = "2:3")]
    R2x3,
    #[value(name = "9:16")]
    R9x16,
    #[value(name = "9:21")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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

/// A value enum read from a JSON string by clap's own rule (the same names, the same list in
/// the error).
fn value_enum<'de, D: Deserializer<'de>, T: ValueEnum>(d: D) -> Result<T, D::Error> {
    let text = String::deserialize(d)?;
    T::from_str(&text, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
            .collect();
        de::Error::custom(format!("must be one of {}, not {text:?}", names.join(" ")))
    })
}

impl<'de> Deserialize<'de> for AspectRatio {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        value_enum(d)
    }
}

impl<'de> Deserialize<'de> for ImageFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        value_enum(d)
    }
}

/// The rules, as `Result<value, what is wrong>`; the message completes "… must be …".
pub mod rule {
    use super::{COUNTS, NAME_MAX, OWN_PARAMS, TOLERANCES};

    /// A seed: a non-negative integer (text from the command line).
    pub fn seed(text: &str) -> Result<u64, String> {
        text.parse::<u64>()
            .map_err(|_| "must be a non-negative integer".to_owned())
    }

    /// A safety tolerance, 1 to 6.
    pub fn tolerance(n: u64) -> Result<u8, String> {
        u8::try_from(n)
            .ok()
            .filter(|t| TOLERANCES.contains(t))
            .ok_or_else(|| {
                format!(
                    "must be an integer from {} to {}",
                    TOLERANCES.start(),
                    TOLERANCES.end()
                )
            })
    }

    /// Images per prompt.
    pub fn count(n: u64) -> Result<u32, String> {
        u32::try_from(n)
            .ok()
            .filter(|c| COUNTS.contains(c))
            .ok_or_else(|| {
                format!(
                    "must be an integer from {} to {}",
                    COUNTS.start(),
                    COUNTS.end()
                )
            })
    }

    /// A model slug (it goes into a URL path).
    pub fn model(s: &str) -> Result<String, String> {
        let ok = !s.is_empty()
            && s.len() <= 128
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if ok {
            Ok(s.to_owned())
        } else {
            Err("must be a model slug of letters, digits, '.', '_' and '-'".into())
        }
    }

    /// A pass-through parameter name: not one of segflux's own.
    pub fn param_key(key: &str) -> Result<(), String> {
        match OWN_PARAMS.iter().find(|(k, _)| *k == key) {
            Some((_, flag)) => Err(format!("`{key}` is set by {flag}, not as a parameter")),
            None if key.is_empty() => Err("a parameter name must not be empty".into()),
            None => Ok(()),
        }
    }

    /// An output file name of a batch line: one plain name (no directory), jpg/jpeg/png, no
    /// NUL, short enough for the file system.
    pub fn file_name(name: &str) -> Result<String, String> {
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
        if ext.and_then(super::ImageFormat::from_ext).is_none() {
            return Err("must end in .jpg, .jpeg or .png".into());
        }
        Ok(name.to_owned())
    }
}

/// serde adapters that apply [`rule`]s to JSON values.
pub mod de_rule {
    use serde::{Deserialize, Deserializer, de};
    use serde_json::{Map, Value};

    use super::rule;

    fn check<'de, D: Deserializer<'de>, T, U>(
        d: D,
        f: impl FnOnce(T) -> Result<U, String>,
    ) -> Result<U, D::Error>
    where
        T: Deserialize<'de>,
    {
        f(T::deserialize(d)?).map_err(de::Error::custom)
    }

    /// A non-empty string (the prompt).
    pub fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        check(d, |s: String| {
            if s.trim().is_empty() {
                Err("must be a non-empty string".to_owned())
            } else {
                Ok(s)
            }
        })
    }

    /// An optional [`rule::tolerance`].
    pub fn tolerance<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
        check(d, rule::tolerance).map(Some)
    }

    /// An optional [`rule::count`].
    pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        check(d, rule::count).map(Some)
    }

    /// An optional [`rule::model`].
    pub fn model<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        check(d, |s: String| rule::model(&s)).map(Some)
    }

    /// An optional [`rule::file_name`].
    pub fn file_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        check(d, |s: String| rule::file_name(&s)).map(Some)
    }

    /// An optional seed: a non-negative integer.
    pub fn seed<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        let v = Value::deserialize(d)?;
        v.as_u64()
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("must be a non-negative integer, not {v}")))
    }

    /// Pass-through parameters: an object whose keys pass [`rule::param_key`], in order.
    pub fn params<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Value)>, D::Error> {
        check(d, |m: Map<String, Value>| {
            for k in m.keys() {
                rule::param_key(k)?;
            }
            Ok(m.into_iter().collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ratio_has_its_wire_spelling() {
        let names: Vec<&str> = AspectRatio::value_variants()
            .iter()
            .map(|r| r.as_str())
            .collect();
        assert_eq!(names, crate::api::ASPECT_RATIOS);
    }

    #[test]
    fn json_values_follow_the_command_line_rules() {
        let r: AspectRatio = serde_json::from_str("\"16:9\"").unwrap();
        assert_eq!(r, AspectRatio::R16x9);
        let e = serde_json::from_str::<AspectRatio>("\"7:5\"").unwrap_err();
        assert!(e.to_string().contains("21:9 16:9"), "{e}");
        let f: ImageFormat = serde_json::from_str("\"png\"").unwrap();
        assert_eq!(f, ImageFormat::Png);
        assert!(serde_json::from_str::<ImageFormat>("\"gif\"").is_err());
        assert_eq!(rule::tolerance(6), Ok(6));
        assert!(rule::tolerance(0).is_err() && rule::tolerance(7).is_err());
        assert!(rule::count(0).is_err() && rule::count(10_001).is_err());
        assert!(rule::param_key("seed").unwrap_err().contains("--seed"));
    }

    #[test]
    fn output_names_are_checked_before_anything_is_paid() {
        assert!(rule::file_name("hero.jpg").is_ok());
        for (bad, why) in [
            ("a\0b.jpg", "NUL"),
            ("../x.jpg", "plain"),
            (".hidden.jpg", "plain"),
            ("x.gif", ".jpg"),
        ] {
            assert!(rule::file_name(bad).unwrap_err().contains(why), "{bad}");
        }
        let long = format!("{}.jpg", "a".repeat(300));
        assert!(rule::file_name(&long).unwrap_err().contains("at most 255"));
    }
}

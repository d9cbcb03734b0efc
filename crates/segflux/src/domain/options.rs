//! The value types of the options (the generation options, the colour choice), and the one
//! rule for each: the command line (clap), the config file and JSONL batch lines (serde) all
//! read an option through the type or the parse function here, so a rule is written once.
//!
//! Nothing here knows clap or the config file's layout; `cli/` (which gives these types to
//! clap in `cli/values.rs`), `settings/config_file.rs` and the batch input parser point here.
//!
//! This file holds the value types and the parse functions; `options/de.rs` applies them to
//! values read by serde, and `options/fields.rs` reads a struct's field names from serde.

use serde::{Deserialize, Serialize};

pub mod de;
mod fields;

pub use fields::field_names;

/// An aspect ratio flux-1.1-pro-ultra accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "the variant names are the ratios")]
pub enum AspectRatio {
    #[serde(rename = "21:9")]
    R21x9,
    #[serde(rename = "16:9")]
    R16x9,
    #[serde(rename = "3:2")]
    R3x2,
    #[serde(rename = "4:3")]
    R4x3,
    #[serde(rename = "5:4")]
    R5x4,
    #[serde(rename = "1:1")]
    R1x1,
    #[serde(rename = "4:5")]
    R4x5,
    #[serde(rename = "3:4")]
    R3x4,
    #[serde(rename = "2:3")]
    R2x3,
    #[serde(rename = "9:16")]
    R9x16,
    #[serde(rename = "9:21")]
    R9x21,
}

impl AspectRatio {
    /// Every ratio, widest first.
    pub const ALL: [Self; 11] = [
        Self::R21x9,
        Self::R16x9,
        Self::R3x2,
        Self::R4x3,
        Self::R5x4,
        Self::R1x1,
        Self::R4x5,
        Self::R3x4,
        Self::R2x3,
        Self::R9x16,
        Self::R9x21,
    ];

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// JPEG
    Jpg,
    /// PNG
    Png,
}

impl ImageFormat {
    /// Every format.
    pub const ALL: [Self; 2] = [Self::Jpg, Self::Png];

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

/// When to colour messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Every choice.
    pub const ALL: [Self; 3] = [Self::Auto, Self::Always, Self::Never];

    /// Its spelling on the command line and in the config file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Always => "always",
            Self::Never => "never",
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

/// An emulator image size: `real` is [`segflux_emulator::REAL_SIZE`], `small` a 256 px long
/// side, a number that long side (16 to 8192).
pub fn parse_image_size(s: &str) -> Result<u32, String> {
    match s {
        "real" => Ok(segflux_emulator::REAL_SIZE),
        "small" => Ok(256),
        _ => s
            .parse()
            .ok()
            .filter(|n| (16..=8192).contains(n))
            .ok_or_else(|| "expected real, small or a number of pixels from 16 to 8192".to_owned()),
    }
}

#[cfg(test)]
mod tests;

//! Options of `generate` and `submit`: the prompt, what is sent to the model, and what
//! becomes of the written image (output path, embedded record, preview). The batch options
//! `generate` also takes live in `batch.rs`.

use std::path::PathBuf;

use clap::Args;

use super::BatchArgs;
use crate::domain::options::{AspectRatio, ImageFormat, parse_model, parse_seed};

/// Options of `generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The prompt; `-` reads it from standard input (not with --from)
    #[arg(
        value_name = "PROMPT",
        required_unless_present = "from",
        conflicts_with = "from"
    )]
    pub prompt: Option<String>,

    /// The generation options
    #[command(flatten)]
    pub gen_opts: GenOptions,

    /// A file path, or a directory (existing, or ending in `/`) to write into; `-` writes the
    /// image to stdout (not to a terminal, not with --json or in a batch) [default: .]
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Overwrite an existing file (in a batch: redo jobs whose file exists)
    #[arg(long, help_heading = "Output")]
    pub force: bool,

    /// Refuse to spend more than this many US dollars: checked against the estimate before
    /// anything is sent, and in a batch against what was spent so far [config: max_cost]
    #[arg(
        long,
        value_name = "USD",
        allow_hyphen_values = true,
        value_parser = crate::domain::options::parse_usd
    )]
    pub max_cost: Option<f64>,

    /// What the image carries about how it was made
    #[command(flatten)]
    pub provenance: ProvenanceArgs,

    /// Seeing the image once written
    #[command(flatten)]
    pub view: ViewArgs,

    /// Batch mode
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Seeing the image a single `generate` wrote.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct ViewArgs {
    /// Show the image in the terminal once written (kitty, iTerm2, sixel or half blocks)
    /// [default: on when stdout and stderr are terminals, off in CI, with -q or --json;
    /// config: preview]
    #[arg(long, overrides_with = "no_preview")]
    pub preview: bool,
    /// Do not show the image in the terminal
    #[arg(long, overrides_with = "preview")]
    pub no_preview: bool,
    /// Open the written image in the system's image viewer (returns at once)
    #[arg(long)]
    pub open: bool,
}

/// The generation record of a written image (`generate` and `fetch`).
#[derive(Debug, Args)]
pub struct ProvenanceArgs {
    /// Do not embed the generation record (prompt, seed, model, options, request id) in the
    /// image; the file is then exactly the image the API sent
    #[arg(long, help_heading = "Output")]
    pub no_metadata: bool,

    /// Also write the generation record as pretty JSON beside the image, named like the image
    /// plus `.json` (`42-ef3ec516c4be.jpg.json`)
    #[arg(long, help_heading = "Output")]
    pub sidecar: bool,
}

/// Options of `submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// The prompt; `-` reads it from standard input
    #[arg(value_name = "PROMPT")]
    pub prompt: String,

    /// The generation options
    #[command(flatten)]
    pub gen_opts: GenOptions,
}

/// What is sent to the model (shared by `generate` and `submit`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Generation options")]
pub struct GenOptions {
    /// Aspect ratio of the image [default: 1:1]
    #[arg(
        long = "ar",
        visible_alias = "aspect-ratio",
        value_enum,
        value_name = "RATIO"
    )]
    pub aspect_ratio: Option<AspectRatio>,

    /// Seed for reproducible images (a non-negative integer; random when absent, always shown)
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_seed)]
    pub seed: Option<u64>,

    /// Less processed, more natural-looking images
    #[arg(long)]
    pub raw: bool,

    /// 1 (strictest) to 6 (most permissive) [default: 2]
    #[arg(long, value_name = "N", allow_hyphen_values = true, hide_possible_values = true,
          value_parser = super::values::Tolerance)]
    pub safety_tolerance: Option<u8>,

    /// Image used as a visual prompt: a URL, or a local JPEG/PNG/WebP file (uploaded once)
    #[arg(long, value_name = "URL|PATH")]
    pub image_prompt: Option<String>,

    /// Image format asked of the API [default: from -o's extension, else jpg]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ImageFormat>,

    /// Segmind model slug [default: flux-1.1-pro-ultra]
    #[arg(long, value_name = "SLUG", value_parser = parse_model)]
    pub model: Option<String>,

    /// Pass another model parameter through (VALUE parsed as JSON, else a string); repeatable
    #[arg(short = 'p', long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, serde_json::Value)>,

    /// Print the exact request (URL and JSON body, key redacted) and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `-p KEY=VALUE`: VALUE parsed as JSON, else kept as a string; KEY not one of segflux's own.
fn parse_param(s: &str) -> Result<(String, serde_json::Value), String> {
    let (key, value) = s
        .split_once('=')
        .ok_or_else(|| "must be KEY=VALUE".to_owned())?;
    let key = key.trim();
    if key.is_empty() {
        return Err("must be KEY=VALUE with a non-empty KEY".into());
    }
    crate::domain::options::check_param_key(key)?;
    let value =
        serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
    Ok((key.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_parse_json_else_string_and_refuse_own_keys() {
        assert_eq!(
            parse_param("steps=30").unwrap(),
            ("steps".into(), serde_json::json!(30))
        );
        assert_eq!(
            parse_param("style=vivid").unwrap(),
            ("style".into(), serde_json::json!("vivid"))
        );
        assert_eq!(
            parse_param("x={\"a\":1}").unwrap().1,
            serde_json::json!({"a": 1})
        );
        assert!(parse_param("seed=4").unwrap_err().contains("--seed"));
        assert!(parse_param("novalue").is_err());
    }
}

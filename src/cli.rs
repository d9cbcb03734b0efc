//! The command line, as clap types only: each doc comment here *is* the `--help` text.
//!
//! Values that clap can check (ratios, formats, ranges, `-p KEY=VALUE`) are checked here, so a
//! bad option fails before anything runs. Nothing in this file performs I/O.

#![allow(
    clippy::doc_markdown,
    reason = "doc comments here are --help text, printed verbatim: no Markdown"
)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::client::ApiKey;
pub use crate::options::{AspectRatio, ImageFormat, valid_model};
use crate::options::{parse_model, parse_seed, parse_tolerance};

/// Generate images from the command line with Segmind's serverless API.
///
/// Flux 1.1 Pro Ultra by default. Run `segflux --emulator generate "a lighthouse at dusk"`
/// to try the whole flow against the built-in emulator, with no account and no network.
#[derive(Debug, Parser)]
#[command(
    name = "segflux",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Options accepted before or after the subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options that apply to every command. (`Debug` shows the key as `ApiKey(redacted)`.)
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Segmind API key (flag beats environment beats config file)
    #[arg(
        long,
        global = true,
        env = "SEGMIND_API_KEY",
        hide_env_values = true,
        value_name = "KEY",
        value_parser = ApiKey::parse
    )]
    pub api_key: Option<ApiKey>,

    /// API base URL
    #[arg(
        long,
        global = true,
        env = "SEGFLUX_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,

    /// Run against the built-in emulator, started in-process on loopback (no key, no network)
    #[arg(long, global = true)]
    pub emulator: bool,

    /// Give up waiting after this many seconds (at most a week: results expire after an hour)
    #[arg(long, global = true, value_name = "SECS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECS))]
    pub timeout: u64,

    /// Machine-readable output on stdout, one JSON object per line
    #[arg(long, global = true)]
    pub json: bool,

    /// Print nothing on stderr but errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Log each HTTP exchange on stderr (the key redacted)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Colour in messages: auto (a terminal, unless NO_COLOR is set), always, never
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// When to colour messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Submit a prompt, wait for the image, download it and print its path
    Generate(GenerateArgs),
    /// Submit a prompt and print its request id at once (fetch the image later)
    Submit(SubmitArgs),
    /// Print each job's state; with no ID, list the jobs this machine submitted
    Status(StatusArgs),
    /// Download a finished job's image
    Fetch(FetchArgs),
    /// Print a shell completion script
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): segflux(1), or segflux-COMMAND(1)
    #[command(hide = true)]
    Man {
        /// A subcommand, e.g. generate
        command: Option<String>,
    },
    /// Run a local emulator of the Segmind v2 API on loopback
    Emulator(EmulatorArgs),
    /// Print the generation record embedded in an image segflux wrote
    Inspect(InspectArgs),
    /// Make a contact sheet of many images (files, directories, manifests), each captioned
    /// with its seed and prompt
    Sheet(SheetArgs),
    /// Print the account's remaining credits and free credits (USD)
    Credits,
    /// Read and write the config file (the key always shown redacted)
    #[command(subcommand)]
    Config(ConfigCmd),
}

/// `segflux config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Set a key; `segflux config set api_key -` reads the key from stdin
    Set {
        /// The key (api_key, base_url, model, aspect_ratio, seed, raw, safety_tolerance,
        /// image_prompt, format, output, max_cost)
        key: String,
        /// The value (`-`: read from stdin)
        value: String,
    },
    /// Print a key's value
    Get {
        /// The key
        key: String,
    },
    /// Print every key that is set
    List,
    /// Print the config file's path
    Path,
}

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
    #[arg(long, value_name = "USD", value_parser = crate::options::parse_usd)]
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

/// Options of batch generation (`generate` only).
#[derive(Debug, Args)]
#[command(next_help_heading = "Batch")]
pub struct BatchArgs {
    /// Prompts to generate: a text file (one prompt per line; blank lines and # comments
    /// skipped) or a .jsonl file (one object per line: prompt and any generation option);
    /// `-` reads standard input. The command-line options are each line's defaults
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,

    /// Images per prompt, with seeds seed, seed+1, …
    #[arg(short = 'n', long = "count", value_name = "N", default_value_t = 1,
          value_parser = crate::options::parse_count)]
    pub count: u32,

    /// Jobs in flight at once; lowered automatically while the API answers 429
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,

    /// Append one JSON line per finished job to this file
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,

    /// Process only the K-th of N deterministic slices of the jobs (1-based), e.g. 2/4
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,

    /// Send nothing: list each job whose file is missing or out of date, count the images a
    /// run would pay for; exit 0 when everything is up to date, 1 otherwise (a CI gate)
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
}

impl BatchArgs {
    /// Whether any batch option asks for batch mode.
    pub fn is_batch(&self) -> bool {
        self.from.is_some()
            || self.count > 1
            || self.manifest.is_some()
            || self.shard.is_some()
            || self.check
    }
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
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_tolerance)]
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

/// The largest `--timeout`: a week (larger values would overflow the clock arithmetic).
pub const MAX_TIMEOUT_SECS: u64 = 7 * 24 * 3600;

/// Options of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Request ids; none lists this machine's jobs, newest first
    #[arg(value_name = "ID", value_parser = parse_request_id)]
    pub ids: Vec<String>,

    /// Block until each job is COMPLETED or FAILED
    #[arg(long)]
    pub wait: bool,

    /// How many jobs the list shows
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub limit: usize,

    /// List only jobs in this state (QUEUED, PROCESSING, COMPLETED, FAILED, SUBMITTING, …)
    #[arg(long, value_name = "STATE", conflicts_with = "ids")]
    pub state: Option<String>,

    /// List only jobs of this model
    #[arg(long, value_name = "SLUG", conflicts_with = "ids")]
    pub model: Option<String>,

    /// List only jobs submitted within this long (e.g. 90s, 30m, 2h, 7d)
    #[arg(long, value_name = "AGE", value_parser = parse_age, conflicts_with = "ids")]
    pub since: Option<std::time::Duration>,

    /// List only jobs whose prompt contains this text (case-insensitive)
    #[arg(long, value_name = "TEXT", conflicts_with = "ids")]
    pub search: Option<String>,

    /// Look up every uncertain job (a submit sent by a run that was stopped before the
    /// answer) in Segmind's request history: adopt it, or mark it NOT_SUBMITTED; sends no submit
    #[arg(long, conflicts_with_all = ["ids", "wait"])]
    pub reconcile: bool,
}

/// An age such as `90s`, `30m`, `2h` or `7d`.
fn parse_age(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| "expected a number and a unit: 90s, 30m, 2h or 7d".to_owned())?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit {unit:?}: use s, m, h or d")),
    };
    n.checked_mul(secs)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| "too long".to_owned())
}

/// Options of `fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The request id
    #[arg(value_name = "ID", value_parser = parse_request_id)]
    pub id: String,

    /// A file path, or a directory (existing, or ending in `/`) to write into [default: .]
    #[arg(short, long, value_name = "PATH", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Wait for the job to finish first
    #[arg(long)]
    pub wait: bool,

    /// Overwrite an existing file
    #[arg(long, help_heading = "Output")]
    pub force: bool,

    /// What the image carries about how it was made
    #[command(flatten)]
    pub provenance: ProvenanceArgs,
}

/// Options of `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A JPEG or PNG image segflux wrote
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Options of `sheet`.
#[derive(Debug, Args)]
pub struct SheetArgs {
    /// Images, directories of images (by name), or batch manifests (their jobs in order)
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// The sheet to write, .jpg or .png (replaced if it exists)
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Cells per row [default: about square]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub columns: Option<u32>,
    /// Size of a cell's picture, in pixels
    #[arg(long, value_name = "PX", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(32..=2048))]
    pub cell: u32,
    /// Also write a Markdown table (thumbnail, prompt, seed, cost, status), e.g. to
    /// $GITHUB_STEP_SUMMARY
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
}

/// Options of `emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port of the API origin (0 picks a free one)
    #[arg(long, default_value_t = 8787, value_name = "P")]
    pub port: u16,
    /// Port of the image (CDN) origin (0 picks a free one)
    #[arg(long, default_value_t = 0, value_name = "P")]
    pub cdn_port: u16,
    /// Seconds a job stays QUEUED
    #[arg(long, default_value_t = 1.0, value_name = "SECS")]
    pub queued_secs: f64,
    /// Seconds a job stays PROCESSING
    #[arg(long, default_value_t = 3.0, value_name = "SECS")]
    pub processing_secs: f64,
    /// Up to this many extra seconds of processing, fixed per seed (jobs of varied length)
    #[arg(long, default_value_t = 0.0, value_name = "SECS")]
    pub processing_spread: f64,
    /// Append one JSON line per finished job to this file, 5 s after it finished: its id, the
    /// instants it was submitted, started and completed, and the status polls and result fetches
    /// it received
    #[arg(long, value_name = "PATH")]
    pub job_log: Option<PathBuf>,
    /// Jobs processed at once; further jobs wait QUEUED [default: unlimited]
    #[arg(long, value_name = "N")]
    pub capacity: Option<usize>,
    /// Accept only this API key [default: any non-empty key]
    #[arg(long, value_name = "KEY")]
    pub require_key: Option<String>,
    /// Answer 429 beyond this many API requests per minute
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Size of the rendered images: `real` (the real service's, about 4 MP: 2048x2048 at 1:1,
    /// 2752x1536 at 16:9), `small` (long side 256 px, for fast tests) or a long side in pixels
    #[arg(long, default_value = "real", value_name = "real|small|PX",
          env = "SEGFLUX_EMULATOR_IMAGE_SIZE", value_parser = crate::options::parse_image_size)]
    pub image_size: u32,
    /// The account's credits in USD (what `segflux credits` reports; a submit they cannot
    /// cover answers 406)
    #[arg(long, default_value_t = 1000.0, value_name = "USD", value_parser = crate::options::parse_usd)]
    pub credits: f64,
    /// What each completed job costs, in USD (a FAILED job costs nothing)
    #[arg(long, default_value_t = crate::api::LIST_PRICE_USD, value_name = "USD",
          value_parser = crate::options::parse_usd)]
    pub price: f64,
    /// Leave `cost` and `remaining_credits` out of finished jobs' metrics
    #[arg(long)]
    pub no_metrics_cost: bool,
}

pub use crate::options::OWN_PARAMS;

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let err = || "must be K/N with 1 <= K <= N, e.g. 2/4".to_owned();
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let (k, n): (u32, u32) = (
        k.trim().parse().map_err(|_| err())?,
        n.trim().parse().map_err(|_| err())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(err());
    }
    Ok((k, n))
}

fn parse_request_id(s: &str) -> Result<String, String> {
    if crate::api::valid_request_id(s) {
        Ok(s.to_owned())
    } else {
        Err("must be 1 to 128 of the characters A-Z a-z 0-9 - _ .".into())
    }
}

fn parse_param(s: &str) -> Result<(String, serde_json::Value), String> {
    let (key, value) = s
        .split_once('=')
        .ok_or_else(|| "must be KEY=VALUE".to_owned())?;
    let key = key.trim();
    if key.is_empty() {
        return Err("must be KEY=VALUE with a non-empty KEY".into());
    }
    crate::options::check_param_key(key)?;
    let value =
        serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
    Ok((key.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn debug_of_the_parsed_command_line_hides_the_key() {
        let cli = Cli::try_parse_from([
            "segflux",
            "--api-key",
            "sk-secret-123",
            "completions",
            "bash",
        ])
        .unwrap();
        let shown = format!("{cli:?}");
        assert!(
            !shown.contains("sk-secret-123") && shown.contains("(redacted)"),
            "{shown}"
        );
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_emulator_size_flag_reads_the_variable_settings_names() {
        let cmd = Cli::command();
        let emulator = cmd.find_subcommand("emulator").unwrap();
        let arg = emulator
            .get_arguments()
            .find(|a| a.get_id() == "image_size")
            .unwrap();
        assert_eq!(
            arg.get_env().and_then(|e| e.to_str()),
            Some(crate::settings::env::EMULATOR_IMAGE_SIZE)
        );
    }

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

//! The command line, as clap types only: each doc comment here *is* the `--help` text.
//!
//! Values that clap can check (ratios, formats, ranges, `-p KEY=VALUE`) are checked here, so a
//! bad option fails before anything runs. Nothing in this module performs I/O.
//!
//! This file holds the top: [`Cli`], the global options and the list of subcommands. Each
//! family of subcommand options has its own file: `generate` (and `submit`), `batch`,
//! `jobs` (`status`, `fetch`), `images` (`inspect`, `sheet`) and `emulator`.

#![allow(
    clippy::doc_markdown,
    reason = "doc comments here are --help text, printed verbatim: no Markdown"
)]

use clap::{Args, Parser, Subcommand};

use crate::client::GivenKey;
pub use crate::domain::options::{AspectRatio, ColorChoice, ImageFormat, OWN_PARAMS, valid_model};

mod batch;
mod emulator;
mod generate;
mod images;
mod jobs;
mod values;

pub use batch::BatchArgs;
pub use emulator::EmulatorArgs;
pub use generate::{GenOptions, GenerateArgs, ProvenanceArgs, SubmitArgs, ViewArgs};
pub use images::{InspectArgs, SheetArgs};
pub use jobs::{FetchArgs, StatusArgs};

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
        value_parser = GivenKey::read
    )]
    pub api_key: Option<GivenKey>,

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

/// The largest `--timeout`: a week (larger values would overflow the clock arithmetic).
pub const MAX_TIMEOUT_SECS: u64 = 7 * 24 * 3600;

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
}

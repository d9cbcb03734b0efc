//! Options of the commands that read images segflux already wrote: `inspect` and `sheet`.

use std::path::PathBuf;

use clap::Args;

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

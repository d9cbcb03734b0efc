//! Options of batch generation (`generate --from`, `-n`, `--shard`, `--check`, …).

use std::path::PathBuf;

use clap::Args;

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
          value_parser = crate::domain::options::parse_count)]
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

/// `--shard K/N`: the K-th of N slices, 1 <= K <= N.
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

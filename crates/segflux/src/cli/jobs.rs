//! Options of the commands that act on jobs already submitted, by request id: `status`
//! (and its list of this machine's jobs) and `fetch`.

use std::path::PathBuf;

use clap::Args;

use super::ProvenanceArgs;

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

/// A request id, checked before it can reach a URL.
fn parse_request_id(s: &str) -> Result<String, String> {
    if segflux_api::valid_request_id(s) {
        Ok(s.to_owned())
    } else {
        Err("must be 1 to 128 of the characters A-Z a-z 0-9 - _ .".into())
    }
}

//! Options of `emulator`: its ports, job timings, limits and account figures (credits, price).

use std::path::PathBuf;

use clap::Args;

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
          env = "SEGFLUX_EMULATOR_IMAGE_SIZE", value_parser = crate::domain::options::parse_image_size)]
    pub image_size: u32,
    /// The account's credits in USD (what `segflux credits` reports; a submit they cannot
    /// cover answers 406)
    #[arg(long, default_value_t = 1000.0, value_name = "USD", value_parser = crate::domain::options::parse_usd)]
    pub credits: f64,
    /// What each completed job costs, in USD (a FAILED job costs nothing)
    #[arg(long, default_value_t = segflux_api::LIST_PRICE_USD, value_name = "USD",
          value_parser = crate::domain::options::parse_usd)]
    pub price: f64,
    /// Leave `cost` and `remaining_credits` out of finished jobs' metrics
    #[arg(long)]
    pub no_metrics_cost: bool,
    /// Serve at most N records per request-history page, whatever `per_page` asks (each page
    /// reports its own `per_page`, `total` and `total_pages`) [default: 100]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub history_page_size: Option<u64>,
}

//! The Segmind emulator: an in-process fake of the serverless v2 async API (the API origin)
//! and of the CDN that serves its images (a second origin), used by every test and by
//! `segflux emulator`.
//!
//! This file owns the public face: [`EmulatorConfig`], the running [`Emulator`] handle, and
//! the views tests read ([`LoggedRequest`], [`JobInfo`]). The job table lives in `state`, the
//! worker schedule in `workers`, one job's timeline in `job`, fault injection in `faults`,
//! images in `draw/`, parameter checks in `validate`, the accept loop and request pipeline in
//! `server`, and the endpoints in `routes/`. The emulator speaks the wire types of
//! [`segflux_api`], depends on nothing else, and never prints.

mod account;
pub mod bomb;
pub mod draw;
mod faults;
mod job;
pub(crate) mod limits;
mod routes;
mod server;
mod state;
mod validate;
mod workers;

#[cfg(test)]
mod tests;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use segflux_api::{DEFAULT_MODEL, JobState};
use state::Shared;

pub use faults::{Fault, FaultKind, OutputShape};
pub use job::{FAIL_MESSAGE, FAIL_TRIGGER, NEVER_TRIGGER};
pub use state::COST_PER_JOB;

/// [`EmulatorConfig::image_long_side`] for images at the real service's sizes: about 4 MP per
/// aspect ratio, 2048×2048 at 1:1, 2752×1536 at 16:9 (what `segflux emulator` serves).
pub const REAL_SIZE: u32 = draw::render::REAL_SIZE;

/// How an emulator behaves: its timeline, limits, account and image size.
#[derive(Debug, Clone, PartialEq)]
pub struct EmulatorConfig {
    /// Time a job stays QUEUED before a worker takes it (default 1 s).
    pub queued: Duration,
    /// Time a job spends on a worker, PROCESSING (default 3 s).
    pub processing: Duration,
    /// Extra processing time of up to this much, fixed per seed (the same seed always takes
    /// as long), so benchmarks get jobs of varied length that any client reproduces; default 0.
    pub processing_spread: Duration,
    /// Most jobs PROCESSING at once; `None` is unlimited. Extra jobs wait QUEUED, first
    /// come first served. A job that never finishes holds its worker for good.
    pub capacity: Option<usize>,
    /// How long after submission a request's status and result stay readable; later they
    /// answer 404 (default 1 h). CDN images outlive it, as the spec reports.
    pub retention: Duration,
    /// `None`: any non-empty `x-api-key` is accepted; `Some(k)`: only `k`.
    pub required_key: Option<String>,
    /// Admitted API-origin requests per sliding 60 s window; beyond it the answer is 429
    /// with `Retry-After`. `None` is unlimited.
    pub rate_limit_per_minute: Option<u32>,
    /// Long side of the rendered image in pixels (default 256, small for tests), or
    /// [`REAL_SIZE`] for the real service's sizes (about 4 MP per aspect ratio).
    pub image_long_side: u32,
    /// The model slugs `POST /v2/{model}` knows; any other is a 404 (default: the default
    /// model and every model of the registry, which are served with their own schemas).
    pub models: Vec<String>,
    // Per-model behaviour (issue 21): every model of the registry is served with its own
    // schema (see `validate`); these two set its time and price.
    /// `Some(f)`: a job of a registered model is PROCESSING for its typical time (from the
    /// registry; else its average latency) times `f` (`segflux emulator --time-scale F`;
    /// tests shorten it); a model with neither keeps `processing`. `None` (the default): `processing` for
    /// every model, as before.
    pub model_time_scale: Option<f64>,
    /// Whether a job of a registered model other than the default costs its list price per
    /// image (default on); off, or for a model without a list price, it costs `price`.
    pub list_prices: bool,
    /// The account's starting credits in USD (default 1000). Each job that completes costs
    /// `price` (a FAILED job costs nothing); a submit the account cannot pay for, with the
    /// prices of its running jobs held, is a 406. `GET /v1/get-user-credits` reports it.
    pub credits: f64,
    /// The account's free credits in USD (default 0), spent before `credits`.
    pub free_credits: f64,
    /// What one completed job costs, in USD (default [`COST_PER_JOB`], the list price of the
    /// default model).
    pub price: f64,
    /// Whether a finished job's `metrics` carry `cost` and `remaining_credits` (default on;
    /// Segmind's own answers are not documented to, so tests turn it off).
    pub metrics_cost: bool,

    // --- The request history as it may really behave (issue 26, "Failing closed"). The
    // defaults keep it exact: full pages, listed at once, bodies whole, clocks agreeing. ---
    /// Most records one page of the history list holds, whatever `per_page` asks (default
    /// 100, the documented maximum). Each page reports the `per_page` it used, `total` and
    /// `total_pages`, as Segmind's does.
    pub history_page_size: u64,
    /// How long after its submit a request first appears in the history list (default 0;
    /// a record fetched by id is there at once).
    pub history_lag: Duration,
    /// Whether the history's `request_body` leaves out keys whose value is `false`.
    pub history_drops_false: bool,
    /// The longest `prompt` the history's `request_body` keeps, in characters; a longer one
    /// is stored cut to this length. `None` keeps every prompt whole.
    pub history_prompt_limit: Option<usize>,
    /// Minutes the history's clock runs behind the API's: its timestamps (and so its date
    /// filter) are this much early (default 0).
    pub history_clock_behind_minutes: u64,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            queued: Duration::from_secs(1),
            processing: Duration::from_secs(3),
            processing_spread: Duration::ZERO,
            capacity: None,
            retention: Duration::from_hours(1),
            required_key: None,
            rate_limit_per_minute: None,
            image_long_side: 256,
            models: served_models(),
            model_time_scale: None,
            list_prices: true,
            credits: 1000.0,
            free_credits: 0.0,
            price: COST_PER_JOB,
            metrics_cost: true,

            // The request history's fidelity (see the struct).
            history_page_size: 100,
            history_lag: Duration::ZERO,
            history_drops_false: false,
            history_prompt_limit: None,
            history_clock_behind_minutes: 0,
        }
    }
}

/// The default model, then every registered model (the default of
/// [`EmulatorConfig::models`]).
fn served_models() -> Vec<String> {
    let mut models = vec![DEFAULT_MODEL.to_owned()];
    let registered = segflux_api::models::list().unwrap_or_default();
    models.extend(
        registered
            .iter()
            .map(|m| m.slug.clone())
            .filter(|s| s != DEFAULT_MODEL),
    );
    models
}

/// Which of the emulator's two listeners saw a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The API host (`base_url`), where the key is required.
    Api,
    /// The image host (`cdn_url`), which needs no key.
    Cdn,
}

/// What a request asked for. `Any` only makes sense in a [`Fault`] (it matches every
/// request); no logged request has it, and `count(Endpoint::Any)` counts every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /v2/{model}` on the API origin.
    Submit,
    /// `GET /v2/requests/{id}/status` on the API origin.
    Status,
    /// `GET /v2/requests/{id}` on the API origin.
    Result,
    /// `GET /v1/get-user-credits` on the API origin.
    Credits,
    /// `GET /images/{id}.{jpg|png}` on the CDN origin.
    Download,
    /// `GET /inference-request/request-history[/{id}]` on the API origin: the request
    /// history's paged list and single records.
    History,
    /// Anything else, on either origin.
    Other,
    /// Faults only: any request.
    Any,
}

/// One request as an origin received it, and what it answered.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    /// The listener that got it.
    pub origin: Origin,
    /// What it asked for.
    pub endpoint: Endpoint,
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The URI path, without the query.
    pub path: String,
    /// The `x-api-key` header as received.
    pub api_key: Option<String>,
    /// The `user-agent` header as received.
    pub user_agent: Option<String>,
    /// The `host` header as received (shows which origin name a redirect led to).
    pub host: Option<String>,
    /// The body: its JSON, or a JSON string holding the text if it is not JSON; `None` if
    /// empty.
    pub body: Option<Value>,
    /// The status answered; 0 while unanswered and when the connection was dropped.
    pub status: u16,
}

/// A job as the emulator sees it now.
#[derive(Debug, Clone, PartialEq)]
pub struct JobInfo {
    /// The job's id.
    pub request_id: String,
    /// The model slug it was submitted to.
    pub model: String,
    /// The submit body.
    pub params: Value,
    /// Wall-clock time of the submit.
    pub submitted_at: SystemTime,
    /// When it went PROCESSING, once it has (computed from the timeline).
    pub started_at: Option<SystemTime>,
    /// When it went COMPLETED or FAILED, once it has (computed from the timeline).
    pub completed_at: Option<SystemTime>,
    /// Its state now (whether or not it has expired).
    pub state: JobState,
    /// True once older than `retention`: the API answers 404 for it.
    pub expired: bool,
    /// Status polls the API answered for it so far (404s after expiry and 429s from the rate
    /// limit are not counted: they never reach the job).
    pub status_polls: u32,
    /// Result fetches the API answered for it so far (same rule).
    pub result_fetches: u32,
}

/// A running emulator: two HTTP listeners served by tasks on the tokio runtime that called
/// [`Emulator::start`]. They serve only while that runtime runs. Dropping the handle (or
/// calling [`Emulator::shutdown`]) stops both listeners and every open connection.
pub struct Emulator {
    shared: Arc<Shared>,
    tasks: [JoinHandle<()>; 2],
}

impl Emulator {
    /// Starts an emulator with both origins on `127.0.0.1` and free ports.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        Self::start_on(config, loopback, loopback).await
    }

    /// Starts an emulator with the API origin on `api` and the CDN origin on `cdn` (port 0
    /// picks a free port). Must be called inside a tokio runtime.
    pub async fn start_on(
        config: EmulatorConfig,
        api: SocketAddr,
        cdn: SocketAddr,
    ) -> std::io::Result<Self> {
        let api_listener = TcpListener::bind(api).await?;
        let cdn_listener = TcpListener::bind(cdn).await?;
        let cdn_addr = cdn_listener.local_addr()?;
        let shared = Arc::new(Shared::new(
            config,
            origin_url(api_listener.local_addr()?),
            origin_url(cdn_addr),
            cdn_addr.port(),
        ));
        let tasks = [
            server::spawn(api_listener, Arc::clone(&shared), Origin::Api),
            server::spawn(cdn_listener, Arc::clone(&shared), Origin::Cdn),
        ];
        Ok(Self { shared, tasks })
    }

    /// The API origin, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.shared.api_url.clone()
    }

    /// The CDN origin that serves images, e.g. `http://127.0.0.1:40124`.
    pub fn cdn_url(&self) -> String {
        self.shared.cdn_url.clone()
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// Queues a fault behind those already queued. A fault with `times` 0 is ignored.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push(fault);
    }

    /// Forgets every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// The faults still queued, with their remaining `times`.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.pending()
    }

    /// Every request both origins received, in arrival order (the newest 4096: the log is a
    /// ring, so a long-running emulator stays flat; bodies over 4 KiB are cut short in it).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.lock().log.iter().cloned().collect()
    }

    /// How many requests hit `endpoint` (`Endpoint::Any`: all of them).
    pub fn count(&self, endpoint: Endpoint) -> usize {
        let state = self.shared.lock();
        state
            .log
            .iter()
            .filter(|r| endpoint == Endpoint::Any || r.endpoint == endpoint)
            .count()
    }

    /// Every job ever accepted, in submission order, with its state now.
    pub fn jobs(&self) -> Vec<JobInfo> {
        let retention = self.shared.config.retention;
        self.shared.lock().job_infos(retention, Instant::now())
    }

    /// The most jobs seen QUEUED or PROCESSING at once, counted at each submit, status and
    /// result request.
    pub fn peak_in_flight(&self) -> usize {
        self.shared.lock().peak_in_flight()
    }

    /// The most jobs PROCESSING at once so far, computed exactly from the timeline.
    pub fn peak_processing(&self) -> usize {
        self.shared.lock().peak_processing(Instant::now())
    }

    /// The account's credits now (jobs completed by now are charged).
    pub fn credits(&self) -> f64 {
        self.shared.lock().credits(Instant::now()).0
    }

    /// The account's free credits now.
    pub fn free_credits(&self) -> f64 {
        self.shared.lock().credits(Instant::now()).1
    }

    /// Sets the account's credits now (a test hook: e.g. an account that runs dry half-way
    /// through a batch). Jobs already running keep their held price.
    pub fn set_credits(&self, credits: f64) {
        self.shared.lock().set_credits(credits, Instant::now());
    }

    /// Stops both listeners and every open connection; the same as dropping the handle.
    /// It returns at once: the tasks are aborted, and the runtime drops them (closing the
    /// sockets) at its next turn.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.shared.api_url)
            .field("cdn_url", &self.shared.cdn_url)
            .finish_non_exhaustive()
    }
}

/// `http://ip:port` for a bound address; an unspecified address (0.0.0.0, ::) is reached
/// through loopback.
fn origin_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

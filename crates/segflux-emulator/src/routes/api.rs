//! The API origin's endpoints: the gate every API request passes (rate limit, then key),
//! submit, status, result and the account's credits, with the bodies and codes of the spec's "Endpoints" and
//! "Error codes" sections. Bodies are the shared `segflux_api` types, serialized.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::draw::render::Format;
use crate::faults::{OutputShape, Stage};
use crate::job::{Job, NewJob};
use crate::routes::cdn;
use crate::state::Shared;
use crate::validate::validate;
use crate::{Endpoint, FaultKind};
use segflux_api::models::{lookup, registry};
use segflux_api::{
    API_KEY_HEADER, Credits, DEFAULT_MODEL, JobState, Metrics, StatusResponse, SubmitResponse,
    result_path, status_path,
};

/// A JSON answer.
pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    (status, Json(body)).into_response()
}

/// A JSON error answer, `{"error": message}`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({ "error": message }))
}

/// The 404 of an unknown or expired request id.
fn request_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Request not found or expired")
}

/// The 404 of a path the API does not have.
pub(crate) fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Not found")
}

/// The rate limit, then the key: `Some(answer)` when the request goes no further. The limit
/// comes first, as at a gateway, so requests without a key count against it too.
pub(crate) fn gate(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    if let Some(limit) = shared.config.rate_limit_per_minute
        && let Err(wait) = shared.lock().admit(limit, Instant::now())
    {
        return Some(too_many_requests(wait));
    }
    let Some(key) = headers.get(API_KEY_HEADER) else {
        return Some(missing_key());
    };
    if key.as_bytes().iter().all(u8::is_ascii_whitespace) {
        return Some(missing_key());
    }
    let accepted = match &shared.config.required_key {
        None => true,
        Some(required) => key.as_bytes() == required.as_bytes(),
    };
    (!accepted).then(|| error(StatusCode::UNAUTHORIZED, "Invalid API key"))
}

fn missing_key() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "Missing API key: send it in the x-api-key header",
    )
}

fn too_many_requests(wait: Duration) -> Response {
    let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, seconds.into());
    response
}

/// `POST /v2/{model}`: model, then parameters, then credits; then the job is created, and
/// its image rendered in the background (see [`prerender`]).
pub(crate) fn submit(shared: &Arc<Shared>, model: &str, body: Option<&Value>) -> Response {
    let config = &shared.config;
    if !config.models.iter().any(|m| m == model) {
        return error(StatusCode::NOT_FOUND, &format!("Model not found: {model}"));
    }
    let Some(params) = body.and_then(Value::as_object) else {
        return error(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object of model parameters",
        );
    };
    let spec = match validate(model, params) {
        Ok(spec) => spec,
        Err(message) => return error(StatusCode::BAD_REQUEST, &message),
    };
    let (price, processing) = model_figures(shared, model, spec.count);
    let now = Instant::now();
    let mut state = shared.lock();
    if !state.can_afford_job(price.unwrap_or(config.price), now) {
        return error(StatusCode::NOT_ACCEPTABLE, "Insufficient credits");
    }
    let fault = state.faults.take(Endpoint::Submit, Stage::JobCreated);
    let new = NewJob {
        model: model.to_owned(),
        params: Value::Object(params.clone()),
        spec,
        never_finish: fault == Some(FaultKind::NeverFinish),
        expire_after_polls: match fault {
            Some(FaultKind::ExpireAfterPolls(n)) => Some(n),
            _ => None,
        },
        price,
        processing,
    };
    let format = new.spec.format;
    let id = state.create_job(config, new, now);
    state.note_in_flight(config.retention, now);
    drop(state);
    prerender(shared, &id, format);
    let status_url = format!("{}{}", shared.api_url, status_path(&id));
    let answer = SubmitResponse {
        response_url: Some(format!("{}{}", shared.api_url, result_path(&id))),
        request_id: Some(id),
        status: JobState::Queued.to_string(),
        poll_url: Some(status_url.clone()),
        status_url: Some(status_url),
    };
    json_response(StatusCode::OK, &answer)
}

/// A registered model's price for `count` images (its list price, unless it has none or
/// `EmulatorConfig::list_prices` is off; never for the default model, whose price is
/// `EmulatorConfig::price`) and its processing time (its typical time, else its average
/// latency, under
/// `EmulatorConfig::model_time_scale`, when set); `None` keeps the configured figure.
fn model_figures(shared: &Shared, model: &str, count: u32) -> (Option<f64>, Option<Duration>) {
    let config = &shared.config;
    let Some(m) = lookup(model).ok().flatten() else {
        return (None, None);
    };
    let price = (config.list_prices && m.slug != DEFAULT_MODEL)
        .then_some(m.list_price_usd)
        .flatten()
        .map(|p| p * f64::from(count));
    let processing = config
        .model_time_scale
        .zip(m.expected_s())
        .map(|(scale, typical)| Duration::from_secs_f64((typical * scale).max(0.0)));
    (price, processing)
}

/// `GET /inference-model-information/list`: the registered models this emulator serves,
/// in the shape of Segmind's model list (no key needed, as third-party clients call it).
pub(crate) fn model_list(shared: &Shared) -> Response {
    let Ok(registry) = registry() else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the model registry is broken",
        );
    };
    let served = segflux_api::models::Registry {
        version: registry.version,
        models: registry
            .models
            .iter()
            .filter(|m| shared.config.models.contains(&m.slug))
            .cloned()
            .collect(),
    };
    json_response(StatusCode::OK, &segflux_api::models::model_list(&served))
}

/// Renders job `id`'s image now, on the blocking pool, into the job's image cache. A real
/// CDN has the file when the job completes; rendering it at the first download instead (tens
/// of milliseconds for a large image, on the runtime's thread) would add to the latency that
/// benchmarks measure from the COMPLETED instant, and hold up every other request meanwhile.
/// A download that comes first renders the image itself.
fn prerender(shared: &Arc<Shared>, id: &str, format: Format) {
    let (shared, id) = (Arc::clone(shared), id.to_owned());
    tokio::task::spawn_blocking(move || {
        // A failure here shows again, and is answered, at the download.
        let _ = cdn::image(&shared, &id, format);
    });
}

/// `GET /v2/requests/{id}/status`.
pub(crate) fn status(shared: &Shared, id: &str) -> Response {
    let config = &shared.config;
    let now = Instant::now();
    let mut state = shared.lock();
    let credits = config.metrics_cost.then(|| state.credits(now).0);
    let Some(job) = state.live_job_mut(id, config.retention, now) else {
        return request_not_found();
    };
    job.count_poll();
    let (code, body) = job_body(job, credits, now, true);
    state.note_in_flight(config.retention, now);
    drop(state);
    json_response(code, &body)
}

/// `GET /v2/requests/{id}`: the status body, plus `output` and `seed` once COMPLETED.
pub(crate) fn result(shared: &Shared, id: &str) -> Response {
    let config = &shared.config;
    let now = Instant::now();
    let mut state = shared.lock();
    let credits = config.metrics_cost.then(|| state.credits(now).0);
    let Some(job) = state.live_job_mut(id, config.retention, now) else {
        return request_not_found();
    };
    job.count_result_fetch();
    let (code, body) = job_body(job, credits, now, false);
    let completed = (job.state_at(now) == JobState::Completed).then_some(job.spec.seed);
    let (format, count) = (job.spec.format, job.spec.count);
    state.note_in_flight(config.retention, now);
    let Some(seed) = completed else {
        drop(state);
        return json_response(code, &body);
    };
    let shape = match state.faults.take(Endpoint::Result, Stage::CompletedResult) {
        Some(FaultKind::OutputShape(shape)) => shape,
        _ => OutputShape::UrlString,
    };
    drop(state);
    let output = if count > 1 {
        Ok(several(shared, id, format, count))
    } else {
        output(shared, id, format, shape)
    };
    let output = match output {
        Ok(output) => output,
        Err(message) => return error(StatusCode::INTERNAL_SERVER_ERROR, &message),
    };
    let mut answer = serde_json::to_value(&body).unwrap_or_else(|_| json!({}));
    if let Some(fields) = answer.as_object_mut() {
        fields.insert("output".to_owned(), output);
        fields.insert("seed".to_owned(), seed.into());
    }
    json_response(code, &answer)
}

/// The status body of `job` at `now` and its HTTP code (422 when FAILED). `running_metrics`:
/// send an empty `metrics` object while the job is not finished (the status endpoint does,
/// the result endpoint does not). `credits`: the account's balance, when `metrics` report
/// the cost (`EmulatorConfig::metrics_cost`); `None` leaves both out.
fn job_body(
    job: &Job,
    credits: Option<f64>,
    now: Instant,
    running_metrics: bool,
) -> (StatusCode, StatusResponse) {
    let state = job.state_at(now);
    let mut body = StatusResponse {
        status: state.to_string(),
        request_id: Some(job.id.clone()),
        metrics: None,
        error: None,
    };
    let code = match state {
        JobState::Failed => {
            body.error = job.failure().map(|e| Value::String(e.to_owned()));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        JobState::Completed => {
            let metrics = Metrics {
                inference_time: job.inference_secs(),
                cost: credits.map(|_| job.charged.unwrap_or(job.price)),
                remaining_credits: credits,
            };
            body.metrics = serde_json::to_value(metrics).ok();
            StatusCode::OK
        }
        _ => {
            body.metrics = running_metrics.then(|| json!({}));
            StatusCode::OK
        }
    };
    (code, body)
}

/// `GET /v1/get-user-credits`: the account's balance and free credits now.
pub(crate) fn credits(shared: &Shared) -> Response {
    let (credits, free) = shared.lock().credits(Instant::now());
    let answer = Credits {
        credits: Some(credits),
        free_credits: Some(free),
    };
    json_response(StatusCode::OK, &answer)
}

/// The `output` of a completed job of `count` images: a list of their URLs, the `i`th
/// (from 1) at `/images/{id}_{i}.{ext}`.
fn several(shared: &Shared, id: &str, format: Format, count: u32) -> Value {
    let urls: Vec<Value> = (1..=count)
        .map(|i| format!("{}/images/{id}_{i}.{}", shared.cdn_url, format.ext()).into())
        .collect();
    Value::Array(urls)
}

/// The `output` of a completed job in `shape`.
fn output(shared: &Shared, id: &str, format: Format, shape: OutputShape) -> Result<Value, String> {
    let url = format!("{}/images/{id}.{}", shared.cdn_url, format.ext());
    let base64 = || -> Result<String, String> {
        let bytes = cdn::image(shared, id, format)?;
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
    };
    Ok(match shape {
        OutputShape::UrlString => Value::String(url),
        OutputShape::UrlList => json!([url]),
        OutputShape::ObjectUrl => json!({ "url": url }),
        OutputShape::ObjectImageUrl => json!({ "image_url": url }),
        OutputShape::ListOfObjects => json!([{ "url": url }]),
        OutputShape::Base64 => Value::String(base64()?),
        OutputShape::DataUri => {
            Value::String(format!("data:{};base64,{}", format.mime(), base64()?))
        }
        OutputShape::JsonEncodedString => Value::String(json!({ "url": url }).to_string()),
    })
}

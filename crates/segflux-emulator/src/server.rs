//! The two HTTP origins: the accept loop, one task per connection, and the pipeline every
//! request goes through: read and log it, take an arrival fault, then (unless the fault
//! answers instead) the gate and the endpoint, then the fault's effect on the connection.
//!
//! The accept loop is hand-written on hyper-util rather than `axum::serve` because some
//! faults must close a connection without answering: each connection task races hyper's
//! connection future against a kill switch that the request's handler can pull. Dropping the
//! accept task drops its `JoinSet`, which aborts every connection task with it.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt as _, stream};
use hyper::service::Service as _;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use super::faults::{self, FaultKind, Stage};
use super::state::Shared;
use super::{Endpoint, LoggedRequest, Origin, limits};
use crate::routes::{api, assets, cdn, request_history};
use segflux_api::API_KEY_HEADER;

/// How long a truncated body waits for its first half to reach the socket before the
/// connection is closed.
const FLUSH_GRACE: Duration = Duration::from_millis(50);

#[derive(Clone)]
struct Ctx {
    shared: Arc<Shared>,
    origin: Origin,
}

/// Pulled by a handler to make its connection task drop the connection.
#[derive(Clone)]
struct KillSwitch(Arc<Notify>);

impl KillSwitch {
    fn pull(&self) {
        self.0.notify_one();
    }
}

/// Serves `listener` as `origin` on a new task of the current runtime.
pub(crate) fn spawn(listener: TcpListener, shared: Arc<Shared>, origin: Origin) -> JoinHandle<()> {
    let router = Router::new()
        .fallback(front)
        .with_state(Ctx { shared, origin });
    tokio::spawn(accept_loop(listener, router))
}

async fn accept_loop(listener: TcpListener, router: Router) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone()));
                }
                // E.g. out of file descriptors: give the system a moment, then go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, router: Router) {
    let kill = Arc::new(Notify::new());
    let switch = KillSwitch(Arc::clone(&kill));
    let inner = TowerToHyperService::new(router);
    let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
        req.extensions_mut().insert(switch.clone());
        inner.call(req)
    });
    // A connection that sends no (complete) request headers for this long is closed: idle
    // keep-alive connections and slow-header clients do not pile up.
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits::IDLE_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        // An error here is the client's business (reset, bad request line); nothing to do.
        _ = connection => {}
        () = kill.notified() => {}
    }
}

/// What a request asked for, by origin, method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    Submit(String),
    Status(String),
    Result(String),
    Credits,
    Download { id: String, ext: String },
    Upload,
    ModelList,
    Asset(String),
    HistoryList(String),
    HistoryRecord(String),
    ApiOther,
    CdnOther,
}

impl Route {
    fn classify(origin: Origin, method: &Method, path: &str) -> Self {
        match origin {
            Origin::Api => Self::api(method, path).unwrap_or(Self::ApiOther),
            Origin::Cdn => Self::cdn(method, path).unwrap_or(Self::CdnOther),
        }
    }

    fn api(method: &Method, path: &str) -> Option<Self> {
        if path == "/upload-asset" {
            return (*method == Method::POST).then_some(Self::Upload);
        }
        if path == segflux_api::models::MODEL_LIST_PATH {
            return (*method == Method::GET).then_some(Self::ModelList);
        }
        if path == segflux_api::CREDITS_PATH {
            return (*method == Method::GET).then_some(Self::Credits);
        }
        if let Some(rest) = path.strip_prefix(segflux_api::request_history::LIST_PATH) {
            return request_history::classify(method, rest);
        }
        let segments: Vec<&str> = path.strip_prefix("/v2/")?.split('/').collect();
        let route = match segments.as_slice() {
            ["requests", id] => Self::Result((*id).to_owned()),
            ["requests", id, "status"] => Self::Status((*id).to_owned()),
            [model] => Self::Submit((*model).to_owned()),
            _ => return None,
        };
        let wanted = match route {
            Self::Submit(_) => Method::POST,
            _ => Method::GET,
        };
        let named = segments.iter().all(|s| !s.is_empty());
        (*method == wanted && named).then_some(route)
    }

    fn cdn(method: &Method, path: &str) -> Option<Self> {
        if let Some(name) = path.strip_prefix("/assets/") {
            let fits = *method == Method::GET && !name.is_empty() && !name.contains('/');
            return fits.then(|| Self::Asset(name.to_owned()));
        }
        let (id, ext) = path.strip_prefix("/images/")?.rsplit_once('.')?;
        let fits = (*method == Method::GET || *method == Method::HEAD)
            && !id.is_empty()
            && !id.contains('/')
            && matches!(ext, "jpg" | "png" | "webp" | "svg");
        fits.then(|| Self::Download {
            id: id.to_owned(),
            ext: ext.to_owned(),
        })
    }

    fn endpoint(&self) -> Endpoint {
        match self {
            Self::Submit(_) => Endpoint::Submit,
            Self::Status(_) => Endpoint::Status,
            Self::Result(_) => Endpoint::Result,
            Self::Credits => Endpoint::Credits,
            Self::Download { .. } => Endpoint::Download,
            Self::HistoryList(_) | Self::HistoryRecord(_) => Endpoint::History,
            Self::Upload | Self::ModelList | Self::Asset(_) | Self::ApiOther | Self::CdnOther => {
                Endpoint::Other
            }
        }
    }
}

/// The one handler of both origins: the pipeline described at the top of the file.
async fn front(State(ctx): State<Ctx>, req: Request) -> Response {
    let kill = req.extensions().get::<KillSwitch>().cloned();
    let (parts, body) = req.into_parts();
    let mut route = Route::classify(ctx.origin, &parts.method, parts.uri.path());
    if let Route::HistoryList(query) = &mut route {
        parts.uri.query().unwrap_or("").clone_into(query);
    }
    // An upload carries a whole file in base64; every other body is small.
    let cap = if route == Route::Upload {
        assets::MAX_UPLOAD_BODY
    } else {
        limits::MAX_BODY
    };
    let bytes = match limits::read_body(&parts.headers, body, cap).await {
        Ok(bytes) => bytes,
        Err(too_large) => {
            let index = ctx
                .shared
                .log_request(log_entry(&ctx, &route, &parts, None));
            ctx.shared.set_status(index, too_large.status().as_u16());
            return too_large;
        }
    };
    let body = parse_body(&bytes);
    let logged = limits::log_body(body.as_ref(), bytes.len());
    let index = ctx
        .shared
        .log_request(log_entry(&ctx, &route, &parts, logged));
    let fault = ctx
        .shared
        .lock()
        .faults
        .take(route.endpoint(), Stage::Arrival);
    if let Route::Download { id, ext } = &route {
        cdn::warm(&ctx.shared, id, ext).await;
    }
    let answer = || dispatch(&ctx.shared, &route, &parts.headers, body.as_ref());
    let response = match fault {
        None => answer(),
        Some(FaultKind::DropBeforeProcessing) => return drop_connection(kill).await,
        Some(FaultKind::DropAfterProcessing) => {
            answer();
            return drop_connection(kill).await;
        }
        Some(FaultKind::StallBody) => cut_body(answer(), None).await,
        Some(FaultKind::TruncateBody) => cut_body(answer(), kill).await,
        Some(FaultKind::RedirectCrossOrigin) => redirect(&ctx, &parts.uri),
        Some(kind) => faults::canned(&kind).unwrap_or_else(answer),
    };
    ctx.shared.set_status(index, response.status().as_u16());
    response
}

/// The answer of the endpoint `route` names, behind the gate on the API origin.
fn dispatch(
    shared: &Arc<Shared>,
    route: &Route,
    headers: &HeaderMap,
    body: Option<&Value>,
) -> Response {
    if matches!(
        route,
        Route::Submit(_)
            | Route::Status(_)
            | Route::Result(_)
            | Route::Credits
            | Route::Upload
            | Route::HistoryList(_)
            | Route::HistoryRecord(_)
            | Route::ApiOther
    ) && let Some(refusal) = api::gate(shared, headers)
    {
        return refusal;
    }
    match route {
        Route::Submit(model) => api::submit(shared, model, body),
        Route::Status(id) => api::status(shared, id),
        Route::Result(id) => api::result(shared, id),
        Route::Credits => api::credits(shared),
        Route::Download { id, ext } => cdn::download(shared, id, ext),
        Route::Upload => assets::upload(shared, body),
        Route::ModelList => api::model_list(shared),
        Route::Asset(name) => assets::serve(shared, name),
        Route::HistoryList(query) => request_history::list(shared, query),
        Route::HistoryRecord(id) => request_history::record(shared, id),
        Route::ApiOther => api::not_found(),
        Route::CdnOther => cdn::not_found(),
    }
}

/// Closes the connection without an answer; the handler then waits to be dropped with it.
/// The log keeps status 0 for the request.
async fn drop_connection(kill: Option<KillSwitch>) -> Response {
    if let Some(kill) = kill {
        kill.pull();
    }
    std::future::pending().await
}

/// The `RedirectCrossOrigin` answer: 302 to the same path and query on another origin.
fn redirect(ctx: &Ctx, uri: &Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let target = match ctx.origin {
        Origin::Api => format!("{}{path}", ctx.shared.cdn_url),
        Origin::Cdn => format!("http://localhost:{}{path}", ctx.shared.cdn_port),
    };
    match HeaderValue::from_str(&target) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(_) => api::error(StatusCode::INTERNAL_SERVER_ERROR, "bad redirect target"),
    }
}

/// `answer` with its full `Content-Length` but only the first half of its body; then the
/// body stalls (`close` is `None`) or the connection is closed by `close`.
async fn cut_body(answer: Response, close: Option<KillSwitch>) -> Response {
    let (mut parts, body) = answer.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    let half = stream::iter([Ok::<Bytes, Infallible>(full.slice(..full.len() / 2))]);
    let rest = stream::once(async move {
        if let Some(kill) = close {
            tokio::time::sleep(FLUSH_GRACE).await;
            kill.pull();
        }
        std::future::pending::<Result<Bytes, Infallible>>().await
    });
    Response::from_parts(parts, Body::from_stream(half.chain(rest)))
}

/// The body as logged and handed to the endpoint: its JSON, else its text as a JSON string.
fn parse_body(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    Some(
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned())),
    )
}

fn log_entry(ctx: &Ctx, route: &Route, parts: &Parts, body: Option<Value>) -> LoggedRequest {
    let header_text = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    LoggedRequest {
        origin: ctx.origin,
        endpoint: route.endpoint(),
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        api_key: header_text(API_KEY_HEADER),
        user_agent: header_text(header::USER_AGENT.as_str()),
        host: header_text(header::HOST.as_str()),
        body,
        status: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_classified_by_origin_method_and_path() {
        let api = |m: &Method, p: &str| Route::classify(Origin::Api, m, p);
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(api(&post, "/v2/flux-dev"), Route::Submit("flux-dev".into()));
        assert_eq!(api(&get, "/v2/requests/abc"), Route::Result("abc".into()));
        assert_eq!(
            api(&get, "/v2/requests/abc/status"),
            Route::Status("abc".into())
        );
        assert_eq!(api(&get, "/v2/flux-dev"), Route::ApiOther);
        assert_eq!(api(&post, "/v2/requests/abc"), Route::ApiOther);
        assert_eq!(api(&get, "/v2/requests//status"), Route::ApiOther);
        assert_eq!(api(&get, "/v1/flux-dev"), Route::ApiOther);
        assert_eq!(api(&get, "/v1/get-user-credits"), Route::Credits);
        assert_eq!(api(&post, "/v1/get-user-credits"), Route::ApiOther);
        let cdn = |p: &str| Route::classify(Origin::Cdn, &get, p);
        assert_eq!(
            cdn("/images/abc.png"),
            Route::Download {
                id: "abc".into(),
                ext: "png".into()
            }
        );
        assert_eq!(cdn("/images/abc.gif"), Route::CdnOther);
        assert_eq!(cdn("/v2/requests/abc"), Route::CdnOther);
    }

    #[test]
    fn bodies_are_logged_as_json_or_text() {
        assert_eq!(parse_body(b""), None);
        assert_eq!(parse_body(b"{\"a\":1}"), Some(serde_json::json!({"a": 1})));
        assert_eq!(parse_body(b"a=1"), Some(Value::String("a=1".into())));
    }
}

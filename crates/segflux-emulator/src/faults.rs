//! Fault injection: the public fault types, the queue requests take them from, and the
//! canned answers of the faults that replace a response (error bodies, HTML pages, bad JSON).
//!
//! A fault is applied at one stage of a request's life (see [`Stage`]): most at arrival,
//! before the rate limit and the key check, like a proxy in front of the API; the ones that
//! change a job, a result or an image only when that thing happens, so they are not used up
//! by a request they could not affect. Faults that need the connection (drops, stalled or
//! truncated bodies, redirects) are carried out by `server`.

use std::collections::VecDeque;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Endpoint;
use segflux_api::SubmitResponse;

/// A fault queued by [`super::Emulator::inject`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The requests it applies to (`Endpoint::Any`: every request its kind fits).
    pub endpoint: Endpoint,
    /// How many matching requests it applies to before it is used up.
    pub times: u32,
    /// What goes wrong.
    pub kind: FaultKind,
}

impl Fault {
    /// A fault for the next matching request only.
    pub fn once(endpoint: Endpoint, kind: FaultKind) -> Self {
        Self::repeated(endpoint, 1, kind)
    }

    /// A fault for the next `times` matching requests.
    pub fn repeated(endpoint: Endpoint, times: u32, kind: FaultKind) -> Self {
        Self {
            endpoint,
            times,
            kind,
        }
    }
}

/// What goes wrong. Kinds marked "submit", "result" or "download" only ever match requests
/// to that endpoint; the others match any endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// This status and body (a JSON body is sent as `application/json`, anything else as
    /// text), with a `Retry-After` header when given. An invalid status becomes 500.
    Http {
        /// The status code.
        status: u16,
        /// The body, e.g. `{"error":"..."}`.
        body: String,
        /// The `Retry-After` value: seconds or an HTTP date.
        retry_after: Option<String>,
    },
    /// An HTML error page like a proxy sends, with this status.
    Html {
        /// The status code.
        status: u16,
    },
    /// Close the connection without answering; a submit creates no job.
    DropBeforeProcessing,
    /// Handle the request (a submit creates and bills its job), then close the connection
    /// without answering.
    DropAfterProcessing,
    /// Send the real answer's headers (with the full `Content-Length`) and half its body,
    /// then nothing more; the connection stays open.
    StallBody,
    /// Send the real answer's headers (with the full `Content-Length`) and half its body,
    /// then close the connection.
    TruncateBody,
    /// Download: 200 with an HTML page (`text/html`) instead of the image.
    HtmlInsteadOfImage,
    /// 302 to the same path on another origin: the API origin sends the client to the CDN
    /// origin, the CDN to `http://localhost:PORT` (the same listener under another name).
    RedirectCrossOrigin,
    /// 200 with a body that is not JSON; a submit creates no job.
    MalformedJson,
    /// Submit: 200 `{"status":"QUEUED"}` without a `request_id`; no job is created.
    MissingRequestId,
    /// Download: the image in the other format (PNG for a `.jpg` and vice versa), labelled
    /// with the content type of the bytes actually sent.
    WrongFormat,
    /// Result: `output` in this shape. Used up only by a result that is COMPLETED.
    OutputShape(OutputShape),
    /// Submit: the job created stays PROCESSING forever.
    NeverFinish,
    /// Submit: the job created answers 404 on status and result once it has had this many
    /// status polls.
    ExpireAfterPolls(u32),

    // --- Added for issue 26 ("Bounded everything"); later additions go below. ---
    /// Download: 200 with [`crate::bomb::jpeg`] (`image/jpeg`), a ~130-byte progressive JPEG
    /// whose frame header declares 65500×65500, instead of the image.
    DimensionBomb,
}

/// The shapes a result's `output` can take (spec: "The result body's shape varies").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputShape {
    /// `"https://cdn/x.jpg"` (what the emulator sends without a fault).
    UrlString,
    /// `["https://cdn/x.jpg"]`
    UrlList,
    /// `{"url": "https://cdn/x.jpg"}`
    ObjectUrl,
    /// `{"image_url": "https://cdn/x.jpg"}`
    ObjectImageUrl,
    /// `[{"url": "https://cdn/x.jpg"}]`
    ListOfObjects,
    /// The image bytes, base64.
    Base64,
    /// `data:image/jpeg;base64,...`
    DataUri,
    /// `"{\"url\": \"https://cdn/x.jpg\"}"`: JSON inside a string.
    JsonEncodedString,
}

/// When in a request's life a fault kind is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// As the request arrives, before the rate limit and the key check.
    Arrival,
    /// When a submit creates its job.
    JobCreated,
    /// When a result is answered COMPLETED.
    CompletedResult,
    /// When an image is served.
    ImageServed,
}

impl FaultKind {
    fn stage(&self) -> Stage {
        match self {
            Self::NeverFinish | Self::ExpireAfterPolls(_) => Stage::JobCreated,
            Self::OutputShape(_) => Stage::CompletedResult,
            Self::WrongFormat => Stage::ImageServed,
            _ => Stage::Arrival,
        }
    }

    /// Whether this kind can affect a request for `endpoint`.
    fn fits(&self, endpoint: Endpoint) -> bool {
        match self {
            Self::MissingRequestId | Self::NeverFinish | Self::ExpireAfterPolls(_) => {
                endpoint == Endpoint::Submit
            }
            Self::HtmlInsteadOfImage | Self::WrongFormat | Self::DimensionBomb => {
                endpoint == Endpoint::Download
            }
            Self::OutputShape(_) => endpoint == Endpoint::Result,
            _ => true,
        }
    }
}

/// The queued faults, oldest first.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<Fault>,
}

impl FaultQueue {
    /// Queues `fault` unless it applies zero times.
    pub fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.queue.push_back(fault);
        }
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    pub fn pending(&self) -> Vec<Fault> {
        self.queue.iter().cloned().collect()
    }

    /// Takes one use of the oldest fault that matches `endpoint` at `stage`.
    pub fn take(&mut self, endpoint: Endpoint, stage: Stage) -> Option<FaultKind> {
        let i = self.queue.iter().position(|f| {
            (f.endpoint == Endpoint::Any || f.endpoint == endpoint)
                && f.kind.stage() == stage
                && f.kind.fits(endpoint)
        })?;
        let fault = &mut self.queue[i];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.queue.remove(i);
        }
        Some(kind)
    }
}

/// The answer of a fault that replaces the response without looking at the request, or
/// `None` if `kind` is carried out some other way.
pub(crate) fn canned(kind: &FaultKind) -> Option<Response> {
    Some(match kind {
        FaultKind::Http {
            status,
            body,
            retry_after,
        } => http(*status, body, retry_after.as_deref()),
        FaultKind::Html { status } => html_page(status_or_500(*status), "nginx"),
        FaultKind::HtmlInsteadOfImage => {
            html_page(StatusCode::OK, "Please enable cookies to continue")
        }
        FaultKind::DimensionBomb => {
            ([(header::CONTENT_TYPE, "image/jpeg")], crate::bomb::jpeg()).into_response()
        }
        FaultKind::MalformedJson => (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"status": "COMPLETED", "request_id": <!-- upstream error -->"#,
        )
            .into_response(),
        FaultKind::MissingRequestId => {
            let body = SubmitResponse {
                status: "QUEUED".to_owned(),
                ..SubmitResponse::default()
            };
            axum::Json(body).into_response()
        }
        _ => return None,
    })
}

fn status_or_500(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn http(status: u16, body: &str, retry_after: Option<&str>) -> Response {
    let content_type = if serde_json::from_str::<serde_json::Value>(body).is_ok() {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut response = (
        status_or_500(status),
        [(header::CONTENT_TYPE, content_type)],
        body.to_owned(),
    )
        .into_response();
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn html_page(status: StatusCode, footer: &str) -> Response {
    let code = status.as_u16();
    let reason = status.canonical_reason().unwrap_or("Error");
    let page = format!(
        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
         <center><h1>{code} {reason}</h1></center>\r\n<hr><center>{footer}</center>\r\n\
         </body>\r\n</html>\r\n"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_is_used_up_after_its_times() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::repeated(
            Endpoint::Status,
            2,
            FaultKind::Html { status: 502 },
        ));
        assert_eq!(queue.take(Endpoint::Submit, Stage::Arrival), None);
        assert!(queue.take(Endpoint::Status, Stage::Arrival).is_some());
        assert_eq!(queue.pending()[0].times, 1);
        assert!(queue.take(Endpoint::Status, Stage::Arrival).is_some());
        assert_eq!(queue.take(Endpoint::Status, Stage::Arrival), None);
        assert!(queue.pending().is_empty());
    }

    #[test]
    fn any_matches_only_the_endpoints_and_stage_a_kind_fits() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::once(
            Endpoint::Any,
            FaultKind::OutputShape(OutputShape::Base64),
        ));
        queue.push(Fault::once(Endpoint::Any, FaultKind::MissingRequestId));
        queue.push(Fault::once(Endpoint::Any, FaultKind::MalformedJson));
        assert_eq!(
            queue.take(Endpoint::Status, Stage::Arrival),
            Some(FaultKind::MalformedJson)
        );
        assert_eq!(queue.take(Endpoint::Result, Stage::Arrival), None);
        assert_eq!(
            queue.take(Endpoint::Submit, Stage::Arrival),
            Some(FaultKind::MissingRequestId)
        );
        assert_eq!(
            queue.take(Endpoint::Result, Stage::CompletedResult),
            Some(FaultKind::OutputShape(OutputShape::Base64))
        );
    }

    #[test]
    fn zero_times_is_ignored() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::repeated(Endpoint::Any, 0, FaultKind::StallBody));
        assert!(queue.pending().is_empty());
    }

    #[test]
    fn canned_answers_carry_status_headers_and_body() {
        let kind = FaultKind::Http {
            status: 503,
            body: r#"{"error":"busy"}"#.into(),
            retry_after: Some("7".into()),
        };
        let response = canned(&kind).unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let html = canned(&FaultKind::Html { status: 502 }).unwrap();
        assert_eq!(html.status(), StatusCode::BAD_GATEWAY);
        assert!(
            canned(&FaultKind::Http {
                status: 99,
                body: String::new(),
                retry_after: None
            })
            .unwrap()
            .status()
            .is_server_error()
        );
        assert!(canned(&FaultKind::StallBody).is_none());
    }
}

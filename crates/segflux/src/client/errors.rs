//! What a failed exchange means: transport errors and HTTP answers mapped onto the error
//! type (and so the exit codes), with the server's text shown as the user should see it.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::client::retry::Outcome;
use crate::error::Error;
use segflux_api::ErrorBody;

pub(super) fn transport_outcome(e: &reqwest::Error) -> Outcome {
    if e.is_connect() {
        Outcome::ConnectFailed
    } else {
        Outcome::LostAfterSend
    }
}

/// A transport error's message with its causes, which reqwest keeps in `source()`.
pub(super) fn describe(e: &reqwest::Error) -> String {
    let mut msg = if e.is_timeout() {
        "the request timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "the connection failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

pub(super) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub(super) fn error_text(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> String {
    let server = ErrorBody::text_of(body).unwrap_or_else(|| {
        let html = header(headers, "content-type").is_some_and(|c| c.contains("html"));
        if body.is_empty() || html {
            status
                .canonical_reason()
                .unwrap_or("no reason given")
                .to_owned()
        } else {
            String::from_utf8_lossy(&body[..body.len().min(200)])
                .trim()
                .to_owned()
        }
    });
    format!("HTTP {}: {server}", status.as_u16())
}

/// The typed error of a final answer.
pub(super) fn http_error(outcome: Outcome, text: &str) -> Error {
    let Outcome::Status(code) = outcome else {
        return Error::Network(text.to_owned());
    };
    match code {
        401 | 403 => Error::KeyRefused(text.to_owned()),
        404 => Error::NotFound(text.to_owned()),
        410 => Error::NotFound(format!("the model is retired ({text})")),
        406 => Error::Credits(text.to_owned()),
        422 => Error::job_failed(text.to_owned()),
        300..=399 => Error::Network(format!(
            "the API answered a redirect to another origin, which segflux does not follow ({text})"
        )),
        500..=599 => Error::Network(text.to_owned()),
        code => Error::Rejected {
            status: code,
            message: text.to_owned(),
        },
    }
}

pub(super) fn uncertain(outcome: Outcome, text: &str) -> Error {
    let why = match outcome {
        Outcome::Status(code) => format!("the API answered {code} to the submit ({text})"),
        _ => format!("the submit got no usable answer ({text})"),
    };
    Error::SubmitUncertain(format!(
        "{why}; the job may or may not have been accepted and billed, so segflux did not send it again"
    ))
}

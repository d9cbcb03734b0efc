//! The key's redaction, the exit codes of final answers, error text, and which bodies are
//! payloads.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};

use super::ApiKey;
use super::errors::{error_text, http_error, uncertain};
use super::send::{Call, is_terminal_payload};
use crate::client::retry::Outcome;

#[test]
fn the_key_never_shows_in_debug_or_display() {
    let key = ApiKey::new("sk-very-secret").expect("non-empty");
    assert_eq!(format!("{key}"), "(redacted)");
    assert!(!format!("{key:?}").contains("secret"));
    assert!(ApiKey::new("  ").is_none());
}

#[test]
fn final_answers_map_onto_the_exit_code_table() {
    let code = |c| http_error(Outcome::Status(c), "x").exit_code();
    assert_eq!(code(401), 3);
    assert_eq!(code(403), 3);
    assert_eq!(code(406), 4);
    assert_eq!(code(422), 5);
    assert_eq!(code(404), 7);
    assert_eq!(code(410), 7);
    assert_eq!(code(400), 1);
    assert_eq!(uncertain(Outcome::Status(500), "x").exit_code(), 8);
}

#[test]
fn error_text_prefers_the_json_error_and_hides_html() {
    let h = HeaderMap::new();
    assert_eq!(
        error_text(StatusCode::BAD_REQUEST, &h, br#"{"error":"bad ratio"}"#),
        "HTTP 400: bad ratio"
    );
    let mut html = HeaderMap::new();
    html.insert("content-type", HeaderValue::from_static("text/html"));
    assert_eq!(
        error_text(StatusCode::BAD_GATEWAY, &html, b"<html>...</html>"),
        "HTTP 502: Bad Gateway"
    );
}

#[test]
fn only_terminal_bodies_are_payloads_on_error_codes() {
    assert!(is_terminal_payload(
        Call::Status,
        br#"{"status":"FAILED","error":"x"}"#
    ));
    assert!(!is_terminal_payload(Call::Status, br#"{"error":"x"}"#));
    assert!(!is_terminal_payload(
        Call::Submit,
        br#"{"status":"FAILED"}"#
    ));
}

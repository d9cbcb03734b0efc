//! Abuse: bodies over the cap are 413, idle connections are closed.

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::{Harness, KEY, instant};
use crate::Endpoint;
use crate::limits::{IDLE_TIMEOUT, MAX_BODY};
use segflux_api::API_KEY_HEADER;

#[tokio::test]
async fn a_body_over_the_cap_is_413_whether_announced_or_streamed() {
    let h = Harness::start(instant()).await;
    let big = json!({ "prompt": "x".repeat(MAX_BODY) });
    let announced = h.submit("flux-1.1-pro-ultra", &big).await.unwrap();
    assert_eq!(announced.status(), 413);
    let text = announced.text().await.unwrap();
    assert!(text.contains("larger than"), "{text}");
    // No Content-Length: a chunked stream, found too long while reading.
    let addr = h.emu.base_url().trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v2/flux-1.1-pro-ultra HTTP/1.1\r\nhost: {addr}\r\n{API_KEY_HEADER}: {KEY}\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let chunk = [b"400\r\n".as_slice(), &[b' '; 1024], b"\r\n"].concat();
    for _ in 0..(MAX_BODY / 1024 + 8) {
        if tcp.write_all(&chunk).await.is_err() {
            break; // the server answered and closed: fine
        }
    }
    let mut answer = [0u8; 12];
    tcp.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 413");
    h.submit_ok(&json!({"prompt": "a fox"})).await;
    let statuses: Vec<u16> = h.emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [413, 413, 200]);
    assert_eq!(h.emu.count(Endpoint::Submit), 3);
    assert_eq!(h.emu.jobs().len(), 1, "an oversized submit makes no job");
}

#[tokio::test]
async fn a_50_mb_body_gets_its_413_not_a_reset() {
    let h = Harness::start(instant()).await;
    let answer = h
        .http
        .post(h.url("/v2/flux-1.1-pro-ultra"))
        .header(API_KEY_HEADER, KEY)
        .header("content-type", "application/json")
        .body(vec![b' '; 50 * 1024 * 1024])
        .send()
        .await
        .expect("an answer, not a reset");
    assert_eq!(answer.status(), 413);
    assert!(answer.text().await.unwrap().contains("larger than"));
    // Streamed without a length: every byte is taken, then the 413 is read.
    let addr = h.emu.base_url().trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v2/flux-1.1-pro-ultra HTTP/1.1\r\nhost: {addr}\r\n{API_KEY_HEADER}: {KEY}\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let spaces = vec![b' '; 1 << 20];
    let chunk = [b"100000\r\n".as_slice(), &spaces, b"\r\n"].concat();
    for _ in 0..50 {
        tcp.write_all(&chunk)
            .await
            .expect("the server keeps reading");
    }
    tcp.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = [0u8; 12];
    tcp.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 413");
    assert!(h.emu.jobs().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_sends_nothing_is_closed() {
    let h = Harness::start(instant()).await;
    let addr = h.emu.base_url().trim_start_matches("http://").to_owned();
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(IDLE_TIMEOUT + Duration::from_secs(5), idle.read(&mut buf));
    // Closed (EOF, or a 408 then EOF) rather than kept open.
    let n = read
        .await
        .expect("closed within the idle timeout")
        .unwrap_or(0);
    if n > 0 {
        let rest = idle.read(&mut buf).await.unwrap_or(0);
        assert_eq!(rest, 0);
    }
    // A slow writer of headers is cut off too.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /v2/requests/x/status HTTP/1.1\r\n")
        .await
        .unwrap();
    let read = tokio::time::timeout(IDLE_TIMEOUT + Duration::from_secs(5), slow.read(&mut buf));
    assert!(
        read.await.is_ok(),
        "a half-sent request holds its connection"
    );
}

#[tokio::test]
async fn a_job_keeps_16_kb_of_a_200_kb_body() {
    let h = Harness::start(instant()).await;
    let body = json!({ "prompt": format!("a fox {}", "x".repeat(200_000)), "seed": 3 });
    let (id, result) = h.completed(&body).await;
    assert_eq!(result["status"], "COMPLETED");
    let jobs = h.emu.jobs();
    let kept = serde_json::to_vec(&jobs[0].params).unwrap().len();
    assert!(kept <= crate::limits::JOB_BODY_BYTES, "{kept} bytes kept");
    assert_eq!(jobs[0].params["seed"], 3);
    assert_eq!(jobs[0].request_id, id);
}

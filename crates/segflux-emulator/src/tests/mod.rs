//! In-process tests of the emulator over real HTTP: each starts an emulator on free ports,
//! drives it with reqwest, and checks the answers and what the emulator recorded. Timelines
//! are a few hundred milliseconds at most; state checks leave wide margins around each
//! transition. Helpers live here, the tests in `jobs` (the happy path and the timeline),
//! `errors` (4xx answers), `faults` (fault injection) and `models` (every registered model).

mod account;
mod errors;
mod faults;
mod history;
mod jobs;
mod limits;
mod models;
mod uploads;

use std::time::Duration;

use serde_json::Value;

use super::{Emulator, EmulatorConfig};
use segflux_api::{API_KEY_HEADER, SubmitResponse, result_path, status_path};

/// The key the harness sends.
const KEY: &str = "test-key";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A config whose jobs finish at once.
fn instant() -> EmulatorConfig {
    EmulatorConfig {
        queued: Duration::ZERO,
        processing: Duration::ZERO,
        image_long_side: 64,
        ..EmulatorConfig::default()
    }
}

/// A running emulator and a client for it.
struct Harness {
    emu: Emulator,
    http: reqwest::Client,
}

impl Harness {
    async fn start(config: EmulatorConfig) -> Self {
        let emu = Emulator::start(config).await.expect("emulator starts");
        // A deadline, so a fault that misbehaves fails its test instead of hanging it.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        Self { emu, http }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    async fn submit(&self, model: &str, body: &Value) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(self.url(&format!("/v2/{model}")))
            .header(API_KEY_HEADER, KEY)
            .json(body)
            .send()
            .await
    }

    /// Submits to flux-1.1-pro-ultra; panics unless the answer is a 200 with an id.
    async fn submit_ok(&self, body: &Value) -> (String, SubmitResponse) {
        let response = self.submit("flux-1.1-pro-ultra", body).await.unwrap();
        assert_eq!(response.status(), 200);
        let answer: SubmitResponse = response.json().await.unwrap();
        (answer.request_id.clone().unwrap(), answer)
    }

    /// GET on the API origin with the key; the status and the JSON body.
    async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(self.url(path))
            .header(API_KEY_HEADER, KEY)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn status(&self, id: &str) -> (u16, Value) {
        self.get_json(&status_path(id)).await
    }

    async fn result(&self, id: &str) -> (u16, Value) {
        self.get_json(&result_path(id)).await
    }

    /// Polls the status until it reads `state`; panics after 5 s.
    async fn wait_for(&self, id: &str, state: &str) -> Value {
        for _ in 0..250 {
            let (_, body) = self.status(id).await;
            if body["status"] == state {
                return body;
            }
            tokio::time::sleep(ms(20)).await;
        }
        panic!("job {id} never reached {state}");
    }

    /// Submits, waits for COMPLETED, and returns the id and the result body.
    async fn completed(&self, body: &Value) -> (String, Value) {
        let (id, _) = self.submit_ok(body).await;
        self.wait_for(&id, "COMPLETED").await;
        let (code, result) = self.result(&id).await;
        assert_eq!(code, 200);
        (id, result)
    }

    /// GET without a key (as a download client sends).
    async fn download(&self, url: &str) -> reqwest::Response {
        self.http.get(url).send().await.unwrap()
    }
}

#[test]
fn the_handle_can_move_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Emulator>();
    send_sync::<super::Fault>();
}

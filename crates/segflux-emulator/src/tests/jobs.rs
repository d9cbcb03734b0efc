//! The happy path, the job timeline, triggers, capacity, credits, retention and shutdown.

use serde_json::json;
use tokio::time::sleep;

use super::{Harness, KEY, instant, ms};
use crate::{Emulator, EmulatorConfig, Endpoint, FAIL_MESSAGE, Origin};
use segflux_api::{JobState, result_path, status_path};

#[tokio::test]
async fn happy_path_walks_the_states_and_serves_a_jpeg_from_the_cdn() {
    let config = EmulatorConfig {
        queued: ms(300),
        processing: ms(600),
        ..EmulatorConfig::default()
    };
    let h = Harness::start(config).await;
    let t0 = tokio::time::Instant::now();
    let params = json!({"prompt": "a lighthouse", "aspect_ratio": "16:9", "seed": 7});
    let (id, answer) = h.submit_ok(&params).await;
    assert_eq!(answer.status, "QUEUED");
    assert_eq!(answer.status_url, Some(h.url(&status_path(&id))));
    assert_eq!(answer.poll_url, answer.status_url);
    assert_eq!(answer.response_url, Some(h.url(&result_path(&id))));

    let (code, body) = h.status(&id).await;
    assert_eq!((code, &body["status"]), (200, &json!("QUEUED")));
    assert_eq!(body["request_id"], id.as_str());
    assert_eq!(body["metrics"], json!({}));
    sleep(ms(600).saturating_sub(t0.elapsed())).await;
    assert_eq!(h.status(&id).await.1["status"], "PROCESSING");
    sleep(ms(1100).saturating_sub(t0.elapsed())).await;
    let (code, body) = h.status(&id).await;
    assert_eq!((code, &body["status"]), (200, &json!("COMPLETED")));
    assert_eq!(body["metrics"]["inference_time"], 0.6);

    let (code, result) = h.result(&id).await;
    assert_eq!(code, 200);
    assert_eq!(result["status"], "COMPLETED");
    assert_eq!(result["seed"], 7);
    assert_eq!(result["metrics"]["cost"], 0.06);
    assert_eq!(result["metrics"]["remaining_credits"], 999.94);
    let url = result["output"].as_str().unwrap();
    assert_eq!(url, format!("{}/images/{id}.jpg", h.emu.cdn_url()));

    let image = h.download(url).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/jpeg");
    let bytes = image.bytes().await.unwrap();
    assert_eq!(
        image::guess_format(&bytes).unwrap(),
        image::ImageFormat::Jpeg
    );
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 144));

    check_records(&h, &params);
}

/// What the happy path leaves in the request log and the job table.
fn check_records(h: &Harness, params: &serde_json::Value) {
    let log = h.emu.requests();
    assert_eq!(log[0].endpoint, Endpoint::Submit);
    assert_eq!(log[0].api_key.as_deref(), Some(KEY));
    assert_eq!(log[0].body.as_ref(), Some(params));
    assert_eq!(log[0].status, 200);
    let download = log.last().unwrap();
    assert_eq!(
        (download.origin, download.endpoint),
        (Origin::Cdn, Endpoint::Download)
    );
    assert_eq!((download.api_key.clone(), download.status), (None, 200));
    assert_eq!(h.emu.count(Endpoint::Status), 3);
    assert_eq!(h.emu.count(Endpoint::Any), log.len());

    let jobs = h.emu.jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!((jobs[0].status_polls, jobs[0].result_fetches), (3, 1));
    assert_eq!(
        (jobs[0].state.clone(), jobs[0].params.clone()),
        (JobState::Completed, params.clone())
    );
    let done = jobs[0].completed_at.unwrap();
    let took = done.duration_since(jobs[0].submitted_at).unwrap();
    assert!(took >= ms(900) && took < ms(1000), "{took:?}");
}

#[tokio::test]
async fn each_job_counts_its_own_status_polls_and_result_fetches() {
    let h = Harness::start(instant()).await;
    let (a, _) = h.submit_ok(&json!({"prompt": "a", "seed": 1})).await;
    let (b, _) = h.submit_ok(&json!({"prompt": "b", "seed": 2})).await;
    for _ in 0..3 {
        assert_eq!(h.status(&a).await.0, 200);
    }
    assert_eq!(h.status(&b).await.0, 200);
    assert_eq!(h.result(&a).await.0, 200);
    assert_eq!(h.result(&a).await.0, 200);
    // Requests for an unknown id reach no job.
    assert_eq!(h.status("no-such-id").await.0, 404);
    assert_eq!(h.result("no-such-id").await.0, 404);
    let counts: Vec<(String, u32, u32)> = h
        .emu
        .jobs()
        .into_iter()
        .map(|j| (j.request_id, j.status_polls, j.result_fetches))
        .collect();
    assert_eq!(counts, [(a, 3, 2), (b, 1, 0)]);
}

#[tokio::test]
async fn inference_time_is_the_jobs_own_time_on_a_worker() {
    let config = EmulatorConfig {
        queued: ms(20),
        processing: ms(50),
        processing_spread: ms(200),
        ..instant()
    };
    let h = Harness::start(config).await;
    for seed in [3, 4] {
        let (id, _) = h.submit_ok(&json!({"prompt": "p", "seed": seed})).await;
        let body = h.wait_for(&id, "COMPLETED").await;
        let job = h
            .emu
            .jobs()
            .into_iter()
            .find(|j| j.request_id == id)
            .unwrap();
        let worked = job
            .completed_at
            .unwrap()
            .duration_since(job.started_at.unwrap())
            .unwrap();
        let reported = body["metrics"]["inference_time"].as_f64().unwrap();
        assert!((reported - worked.as_secs_f64()).abs() < 1e-6, "{body}");
        assert!((0.05..0.25).contains(&reported), "{reported}");
    }
}

#[tokio::test]
async fn png_is_served_when_asked_at_the_asked_ratio() {
    let h = Harness::start(instant()).await;
    let params = json!({"prompt": "a fox", "aspect_ratio": "9:16", "output_format": "png"});
    let (id, result) = h.completed(&params).await;
    let url = result["output"].as_str().unwrap();
    assert!(url.ends_with(&format!("{id}.png")), "{url}");
    let image = h.download(url).await;
    assert_eq!(image.headers()["content-type"], "image/png");
    let bytes = image.bytes().await.unwrap();
    assert_eq!(
        image::guess_format(&bytes).unwrap(),
        image::ImageFormat::Png
    );
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (36, 64));
    let jpg = h.download(&url.replace(".png", ".jpg")).await;
    assert_eq!(jpg.status(), 404);
}

#[tokio::test]
async fn the_fail_trigger_answers_422_on_status_and_result() {
    let h = Harness::start(instant()).await;
    let (id, _) = h.submit_ok(&json!({"prompt": "a cat #fail"})).await;
    sleep(ms(10)).await;
    for (code, body) in [h.status(&id).await, h.result(&id).await] {
        assert_eq!(code, 422);
        assert_eq!(body["status"], "FAILED");
        assert_eq!(body["request_id"], id.as_str());
        assert_eq!(body["error"], FAIL_MESSAGE);
        assert!(body.get("output").is_none());
    }
    let image = h
        .download(&format!("{}/images/{id}.jpg", h.emu.cdn_url()))
        .await;
    assert_eq!(image.status(), 404);
    assert_eq!(h.emu.jobs()[0].state, JobState::Failed);
}

#[tokio::test]
async fn the_never_trigger_keeps_a_job_processing() {
    let config = EmulatorConfig {
        processing: ms(50),
        ..instant()
    };
    let h = Harness::start(config).await;
    let (id, _) = h.submit_ok(&json!({"prompt": "#never a cat"})).await;
    sleep(ms(300)).await;
    assert_eq!(h.status(&id).await.1["status"], "PROCESSING");
    let (code, result) = h.result(&id).await;
    assert_eq!(
        (code, result),
        (200, json!({"status": "PROCESSING", "request_id": id}))
    );
    assert_eq!(h.emu.jobs()[0].completed_at, None);
}

#[tokio::test]
async fn capacity_keeps_extra_jobs_queued_while_workers_are_busy() {
    let config = EmulatorConfig {
        queued: ms(50),
        processing: ms(600),
        capacity: Some(2),
        ..instant()
    };
    let h = Harness::start(config).await;
    let t0 = tokio::time::Instant::now();
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(h.submit_ok(&json!({"prompt": format!("job {i}")})).await.0);
    }
    sleep(ms(350).saturating_sub(t0.elapsed())).await;
    let mut states = Vec::new();
    for id in &ids {
        states.push(h.status(id).await.1["status"].clone());
    }
    assert_eq!(states, ["PROCESSING", "PROCESSING", "QUEUED", "QUEUED"]);
    assert_eq!(h.emu.peak_in_flight(), 4);
    h.wait_for(&ids[2], "PROCESSING").await;
    assert!(t0.elapsed() >= ms(650), "{:?}", t0.elapsed());
    h.wait_for(&ids[3], "COMPLETED").await;
    assert_eq!(h.emu.peak_processing(), 2);
}

#[tokio::test]
async fn credits_run_out_with_406() {
    let config = EmulatorConfig {
        credits: 0.1,
        ..instant()
    };
    let h = Harness::start(config).await;
    h.submit_ok(&json!({"prompt": "one"})).await;
    let refused = h
        .submit("flux-dev", &json!({"prompt": "two"}))
        .await
        .unwrap();
    assert_eq!(refused.status(), 406);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body, json!({"error": "Insufficient credits"}));
    assert!((h.emu.credits() - 0.04).abs() < 1e-9);
    assert_eq!(h.emu.jobs().len(), 1);
}

#[tokio::test]
async fn requests_expire_after_retention_but_images_stay() {
    let config = EmulatorConfig {
        retention: ms(300),
        ..instant()
    };
    let h = Harness::start(config).await;
    let t0 = tokio::time::Instant::now();
    let (id, result) = h.completed(&json!({"prompt": "brief"})).await;
    assert!(t0.elapsed() < ms(300), "too slow to see the job live");
    sleep(ms(350).saturating_sub(t0.elapsed())).await;
    let gone = json!({"error": "Request not found or expired"});
    assert_eq!(h.status(&id).await, (404, gone.clone()));
    assert_eq!(h.result(&id).await, (404, gone.clone()));
    assert_eq!(h.status("no-such-id").await, (404, gone));
    let image = h.download(result["output"].as_str().unwrap()).await;
    assert_eq!(image.status(), 200);
    assert!(h.emu.jobs()[0].expired);
}

#[tokio::test]
async fn a_running_job_has_no_output_yet() {
    let config = EmulatorConfig {
        queued: std::time::Duration::from_secs(30),
        ..instant()
    };
    let h = Harness::start(config).await;
    let (id, _) = h.submit_ok(&json!({"prompt": "slow"})).await;
    assert_eq!(
        h.result(&id).await,
        (200, json!({"status": "QUEUED", "request_id": id}))
    );
    let image = h
        .download(&format!("{}/images/{id}.jpg", h.emu.cdn_url()))
        .await;
    assert_eq!(image.status(), 404);
}

#[tokio::test]
async fn shutdown_closes_both_origins() {
    let emu = Emulator::start(instant()).await.unwrap();
    let (api, cdn) = (emu.base_url(), emu.cdn_url());
    assert!(reqwest::get(&cdn).await.is_ok());
    emu.shutdown();
    sleep(ms(50)).await;
    for origin in [api, cdn] {
        let err = reqwest::Client::new()
            .get(&origin)
            .send()
            .await
            .unwrap_err();
        assert!(err.is_connect(), "{origin}: {err}");
    }
}

/// The way integration tests run it: on its own thread and runtime, driven from another.
#[test]
fn serves_from_a_dedicated_thread_until_told_to_stop() {
    let (url_tx, url_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let emu = Emulator::start(instant()).await.unwrap();
            url_tx.send(emu.base_url()).unwrap();
            let _ = stop_rx.await;
            emu.requests().len()
        })
    });
    let base = url_rx.recv().unwrap();
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = client.block_on(async {
        let url = format!("{base}/v2/flux-dev");
        let sent = reqwest::Client::new().post(url).header("x-api-key", KEY);
        sent.json(&json!({"prompt": "p"}))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    stop_tx.send(()).unwrap();
    assert_eq!(server.join().unwrap(), 1);
}

//! The account: the credits endpoint, charges when jobs complete, prices held while jobs run,
//! the optional `metrics.cost`, and the test hook that sets the balance.

use serde_json::json;

use super::{Harness, instant, ms};
use crate::{EmulatorConfig, Endpoint};

#[tokio::test]
async fn the_credits_endpoint_reports_the_balance_after_each_completed_job() {
    let config = EmulatorConfig {
        credits: 1.0,
        free_credits: 0.25,
        price: 0.1,
        ..instant()
    };
    let h = Harness::start(config).await;
    let (code, body) = h.get_json("/v1/get-user-credits").await;
    assert_eq!(
        (code, body),
        (200, json!({"credits": 1.0, "free-credits": 0.25}))
    );
    h.completed(&json!({"prompt": "a cat"})).await;
    let (failed, _) = h.submit_ok(&json!({"prompt": "a dog #fail"})).await;
    h.wait_for(&failed, "FAILED").await;
    // The FAILED one is free; the completed one came out of the free credits.
    let (_, body) = h.get_json("/v1/get-user-credits").await;
    assert_eq!(body, json!({"credits": 1.0, "free-credits": 0.15}));
    assert_eq!(h.emu.count(Endpoint::Credits), 2);
    let unkeyed = h
        .http
        .get(h.url("/v1/get-user-credits"))
        .send()
        .await
        .unwrap();
    assert_eq!(unkeyed.status(), 401);
}

#[tokio::test]
async fn running_jobs_hold_their_price_so_a_burst_cannot_overdraw() {
    let config = EmulatorConfig {
        queued: ms(50),
        processing: ms(200),
        credits: 0.2,
        price: 0.1,
        ..instant()
    };
    let h = Harness::start(config).await;
    let (first, _) = h.submit_ok(&json!({"prompt": "one"})).await;
    h.submit_ok(&json!({"prompt": "two"})).await;
    let third = h
        .submit("flux-1.1-pro-ultra", &json!({"prompt": "three"}))
        .await;
    assert_eq!(third.unwrap().status(), 406);
    // Nothing is charged until a job completes.
    assert!((h.emu.credits() - 0.2).abs() < 1e-9);
    h.wait_for(&first, "COMPLETED").await;
    let (_, result) = h.result(&first).await;
    assert_eq!(result["metrics"]["cost"], 0.1);
    assert!(h.emu.credits() < 0.1 + 1e-9);
}

#[tokio::test]
async fn metrics_cost_can_be_left_out_and_the_balance_set_by_a_test() {
    let config = EmulatorConfig {
        metrics_cost: false,
        ..instant()
    };
    let h = Harness::start(config).await;
    let (_, result) = h.completed(&json!({"prompt": "a cat"})).await;
    assert!(result["metrics"].get("cost").is_none(), "{result}");
    assert!(result["metrics"].get("remaining_credits").is_none());
    assert!(result["metrics"]["inference_time"].is_number());
    h.emu.set_credits(0.01);
    let refused = h
        .submit("flux-1.1-pro-ultra", &json!({"prompt": "two"}))
        .await;
    assert_eq!(refused.unwrap().status(), 406);
    assert!((h.emu.credits() - 0.01).abs() < 1e-9);
}

#[tokio::test]
async fn history_records_carry_what_each_job_was_charged() {
    let config = EmulatorConfig {
        price: 0.08,
        ..instant()
    };
    let h = Harness::start(config).await;
    let (paid, _) = h.completed(&json!({"prompt": "a cat"})).await;
    let (failed, _) = h.submit_ok(&json!({"prompt": "a dog #fail"})).await;
    h.wait_for(&failed, "FAILED").await;
    let record = |id: &str| format!("/inference-request/request-history/{id}");
    let (code, body) = h.get_json(&record(&paid)).await;
    assert_eq!((code, &body["credits_deduction"]), (200, &json!(0.08)));
    let (_, body) = h.get_json(&record(&failed)).await;
    assert_eq!(body["credits_deduction"], 0.0);
    assert!((h.emu.credits() - 999.92).abs() < 1e-9);
}

//! The request history: single records of any age (expired v2 records included) with the
//! fields the spec names, and the paged list filtered by date window, model and status.

use serde_json::json;

use super::{Harness, instant, ms};
use crate::{COST_PER_JOB, EmulatorConfig, Endpoint};
use segflux_api::request_history::{HistoryPage, HistoryRecord, LIST_PATH, record_path, utc_date};

fn record(body: &serde_json::Value) -> HistoryRecord {
    serde_json::from_value(body.clone()).expect("a history record")
}

#[tokio::test]
async fn a_record_outlives_the_v2_retention_and_carries_the_spec_fields() {
    let h = Harness::start(EmulatorConfig {
        retention: ms(300),
        ..instant()
    })
    .await;
    let sent = json!({"prompt": "a fox", "seed": 7, "output_format": "png"});
    let (id, _) = h.completed(&sent).await;
    let (_, failed_body) = h.submit_ok(&json!({"prompt": "a harbour #fail"})).await;
    let failed = failed_body.request_id.unwrap();
    h.wait_for(&failed, "FAILED").await;
    tokio::time::sleep(ms(350)).await;
    assert_eq!(h.status(&id).await.0, 404, "the v2 record expired");
    let (code, body) = h.get_json(&record_path(&id)).await;
    assert_eq!(code, 200);
    let r = record(&body);
    assert_eq!(r.request_id.as_deref(), Some(id.as_str()));
    assert_eq!(r.model_name.as_deref(), Some("flux-1.1-pro-ultra"));
    assert_eq!(r.status(), "COMPLETED");
    assert_eq!(r.cost(), Some(COST_PER_JOB));
    assert!(r.matches(&sent));
    let url = r.generation_url.as_ref().and_then(|u| u.as_str()).unwrap();
    assert!(url.ends_with(&format!("/images/{id}.png")), "{url}");
    assert_eq!(
        h.download(url).await.status(),
        200,
        "the image outlives the record"
    );
    assert!(r.created_at.is_some() && r.updated_at.is_some() && r.latency_ms.is_some());
    let f = record(&h.get_json(&record_path(&failed)).await.1);
    assert_eq!(f.status(), "FAILED");
    assert!(f.error.is_some() && f.generation_url.is_none());
    let (code, _) = h.get_json(&record_path("no-such-request")).await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn a_pending_job_is_pending_without_a_url() {
    let h = Harness::start(EmulatorConfig {
        queued: ms(5_000),
        ..instant()
    })
    .await;
    let (id, _) = h.submit_ok(&json!({"prompt": "a slow fox"})).await;
    let r = record(&h.get_json(&record_path(&id)).await.1);
    assert_eq!(r.status(), "PENDING");
    assert_eq!(r.generation_url, None);
}

#[tokio::test]
async fn the_list_pages_newest_first_and_filters_by_window_model_and_status() {
    let h = Harness::start(EmulatorConfig {
        models: vec!["flux-1.1-pro-ultra".into(), "flux-dev".into()],
        ..instant()
    })
    .await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(h.submit_ok(&json!({"prompt": format!("fox {i}")})).await.0);
    }
    let other = h
        .submit("flux-dev", &json!({"prompt": "a dev fox"}))
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    let today = utc_date(
        u64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap(),
    );
    let page = |q: String| {
        let h = &h;
        async move {
            let (code, body) = h.get_json(&format!("{LIST_PATH}?{q}")).await;
            (code, serde_json::from_value::<HistoryPage>(body).ok())
        }
    };
    let window = format!("from_date={today}&to_date={today}&model_name=flux-1.1-pro-ultra");
    let (code, first) = page(format!("page=1&per_page=2&{window}")).await;
    assert_eq!(code, 200);
    let first = first.unwrap();
    let got: Vec<_> = first
        .data
        .iter()
        .filter_map(|r| r.request_id.clone())
        .collect();
    assert_eq!(got, [ids[4].clone(), ids[3].clone()], "newest first");
    assert_eq!(first.total, Some(5));
    let (_, third) = page(format!("page=3&per_page=2&{window}")).await;
    assert_eq!(third.unwrap().data.len(), 1);
    let (_, dev) = page(format!(
        "from_date={today}&to_date={today}&model_name=flux-dev"
    ))
    .await;
    assert_eq!(dev.unwrap().data.len(), 1);
    let (_, old) = page("from_date=2020-01-01&to_date=2020-01-31".into()).await;
    assert!(old.unwrap().data.is_empty());
    let (_, done) = page(format!("{window}&status=completed&per_page=100")).await;
    assert_eq!(done.unwrap().data.len(), 5);
    let (code, _) = page("from_date=2020-01-01&to_date=2020-03-01".into()).await;
    assert_eq!(code, 400, "windows of at most 31 days");
    assert_eq!(h.emu.count(Endpoint::History), 6);
}

#[tokio::test]
async fn the_history_wants_the_key() {
    let h = Harness::start(EmulatorConfig {
        required_key: Some(super::KEY.into()),
        ..instant()
    })
    .await;
    let response = h.http.get(h.url(LIST_PATH)).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_history_may_cap_its_pages_list_late_drop_false_keys_shorten_prompts_and_lag() {
    let h = Harness::start(EmulatorConfig {
        history_page_size: 2,
        history_lag: ms(300),
        history_drops_false: true,
        history_prompt_limit: Some(8),
        history_clock_behind_minutes: 15,
        ..instant()
    })
    .await;
    for i in 0..5 {
        let sent = json!({"prompt": format!("a long fox number {i}"), "raw": false, "seed": i});
        h.submit_ok(&sent).await;
    }
    let list = |q: &'static str| {
        let h = &h;
        async move {
            let (code, body) = h.get_json(&format!("{LIST_PATH}?{q}")).await;
            assert_eq!(code, 200);
            serde_json::from_value::<HistoryPage>(body).unwrap()
        }
    };
    assert!(list("per_page=100").await.data.is_empty(), "not listed yet");
    tokio::time::sleep(ms(350)).await;
    let first = list("per_page=100").await;
    assert_eq!(first.data.len(), 2, "the server's own page size");
    assert_eq!(
        (first.per_page, first.total, first.total_pages),
        (Some(2), Some(5), Some(3))
    );
    let body = first.data[0].body().unwrap();
    assert_eq!(body, json!({"prompt": "a long f", "seed": 4}));
    let created = first.data[0].created_at.as_deref().unwrap();
    let created = segflux_api::request_history::parse_rfc3339_ms(created).unwrap();
    let now = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let behind = now - created;
    assert!((14 * 60_000..16 * 60_000).contains(&behind), "{behind} ms");
    assert_eq!(list("page=3&per_page=100").await.data.len(), 1);
}

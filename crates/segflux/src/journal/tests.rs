//! Unit tests of the journal: storage, import, privacy, pruning, queries, costs, uploads.

use super::*;
use tests_support::rec;

#[test]
fn save_get_update_and_list_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let h = Journal::open_in(dir.path()).unwrap();
    h.save(&rec("a", 1)).unwrap();
    h.save(&rec("b", 3)).unwrap();
    h.save(&rec("c", 2)).unwrap();
    h.update("a", |r| r.state = "COMPLETED".into()).unwrap();
    assert_eq!(h.get("a").unwrap().unwrap().state, "COMPLETED");
    assert_eq!(h.get("zzz").unwrap(), None);
    let ids: Vec<String> = h.list().0.into_iter().map(|r| r.request_id).collect();
    assert_eq!(ids, ["b", "c", "a"]);
}

#[test]
fn the_json_entries_of_older_versions_are_imported_once_on_first_open() {
    let dir = tempfile::tempdir().unwrap();
    let jobs = dir.path().join("jobs");
    std::fs::create_dir_all(&jobs).unwrap();
    let mut old = rec("old-1", 5);
    old.state = "COMPLETED".into();
    old.path = Some("/tmp/a.jpg".into());
    old.inference_time = Some(9.5);
    std::fs::write(jobs.join("old-1.json"), serde_json::to_vec(&old).unwrap()).unwrap();
    // An entry of a version without `api`, and a damaged one (skipped, as before).
    std::fs::write(
        jobs.join("old-2.json"),
        r#"{"request_id":"old-2","model":"m","params":{"prompt":"a heron"},"seed":7,
           "prompt_hash":"abcdefabcdef","format":"png","submitted_ms":6,"state":"QUEUED"}"#,
    )
    .unwrap();
    std::fs::write(jobs.join("bad.json"), b"{ not json").unwrap();
    let h = Journal::open_in(dir.path()).unwrap();
    assert_eq!(h.get("old-1").unwrap(), Some(old));
    let two = h.get("old-2").unwrap().unwrap();
    assert_eq!(
        (two.prompt(), two.seed, two.format.as_str()),
        ("a heron", 7, "png")
    );
    assert_eq!(h.list().0.len(), 2);
    // The files stay; a second open does not import again (a deleted job stays deleted).
    assert!(jobs.join("old-1.json").exists());
    h.db()
        .execute("DELETE FROM jobs WHERE request_id = 'old-2'", [])
        .unwrap();
    drop(h);
    let again = Journal::open_in(dir.path()).unwrap();
    assert_eq!(again.get("old-2").unwrap(), None);
}

#[cfg(unix)]
#[test]
fn the_database_and_its_directory_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let h = Journal::open_in(&data).unwrap();
    h.save(&rec("a", 1)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join(FILE_NAME)), 0o600);
    let wal = data.join(format!("{FILE_NAME}-wal"));
    assert_eq!(mode(&wal), 0o600);
}

#[test]
fn pruning_drops_only_jobs_older_than_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let h = Journal::open_in(dir.path()).unwrap();
    let day = 86_400_000;
    h.save(&rec("recent", now_ms() - 89 * day)).unwrap();
    h.save(&rec("old", now_ms() - 91 * day)).unwrap();
    assert_eq!(h.prune(90).unwrap(), 1);
    assert_eq!(h.prune(90).unwrap(), 0);
    assert!(h.get("recent").unwrap().is_some());
    assert!(h.get("old").unwrap().is_none());
}

#[test]
fn queries_filter_by_state_model_time_and_prompt_text() {
    let dir = tempfile::tempdir().unwrap();
    let h = Journal::open_in(dir.path()).unwrap();
    for (id, ms, state, model, prompt) in [
        ("a", 10, "COMPLETED", "m1", "A red Fox"),
        ("b", 20, "FAILED", "m1", "a heron"),
        ("c", 30, "COMPLETED", "m2", "the fox den"),
        ("d", 40, "COMPLETED", "m1", "a cat"),
    ] {
        let mut r = rec(id, ms);
        r.state = state.into();
        r.model = model.into();
        r.params = serde_json::json!({ "prompt": prompt });
        h.save(&r).unwrap();
    }
    let ids = |q: Query| -> Vec<String> {
        h.query(&q)
            .unwrap()
            .into_iter()
            .map(|r| r.request_id)
            .collect()
    };
    let all = Query {
        limit: 10,
        ..Query::default()
    };
    assert_eq!(ids(all.clone()), ["d", "c", "b", "a"]);
    assert_eq!(
        ids(Query {
            limit: 2,
            ..all.clone()
        }),
        ["d", "c"]
    );
    let fox = Query {
        search: Some("FOX".into()),
        ..all.clone()
    };
    assert_eq!(ids(fox), ["c", "a"]);
    let done_m1 = Query {
        state: Some("completed".into()),
        model: Some("m1".into()),
        ..all.clone()
    };
    assert_eq!(ids(done_m1), ["d", "a"]);
    assert_eq!(
        ids(Query {
            since_ms: Some(20),
            ..all
        }),
        ["d", "c", "b"]
    );
}

#[test]
fn costs_and_uploads_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let h = Journal::open_in(dir.path()).unwrap();
    h.save(&rec("a", 1)).unwrap();
    h.save(&rec("b", 2)).unwrap();
    assert_eq!(h.last_cost("flux-1.1-pro-ultra"), None);
    h.set_cost("a", 0.06).unwrap();
    h.set_cost("b", 0.055).unwrap();
    assert_eq!(h.get("a").unwrap().unwrap().cost, Some(0.06));
    assert_eq!(h.last_cost("flux-1.1-pro-ultra"), Some(0.055));
    assert_eq!(h.last_cost("flux-dev"), None);
    assert_eq!(h.upload_url("ab12"), None);
    h.record_upload("ab12", "https://x/1.jpg").unwrap();
    h.record_upload("ab12", "https://x/2.jpg").unwrap();
    assert_eq!(h.upload_url("ab12").as_deref(), Some("https://x/2.jpg"));
}

#[test]
fn an_update_keeps_what_another_handle_wrote_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let one = Journal::open_in(dir.path()).unwrap();
    let two = Journal::open_in(dir.path()).unwrap();
    one.save(&rec("a", 1)).unwrap();
    two.update("a", |r| r.output_url = Some("https://cdn/a.jpg".into()))
        .unwrap();
    one.update("a", |r| r.path = Some("a.jpg".into())).unwrap();
    let got = two.get("a").unwrap().unwrap();
    assert_eq!(got.output_url.as_deref(), Some("https://cdn/a.jpg"));
    assert_eq!(got.path.as_deref(), Some("a.jpg"));
}

#[test]
fn recent_times_are_this_models_completed_jobs_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let h = Journal::open_in(dir.path()).unwrap();
    let jobs = [
        (
            "a",
            1,
            "COMPLETED",
            "flux-1.1-pro-ultra",
            Some(10.0),
            Some(12.0),
        ),
        ("b", 2, "COMPLETED", "flux-1.1-pro-ultra", Some(11.0), None),
        ("c", 3, "FAILED", "flux-1.1-pro-ultra", None, Some(1.0)),
        ("d", 4, "COMPLETED", "flux-dev", Some(3.0), Some(4.0)),
        (
            "e",
            5,
            "COMPLETED",
            "flux-1.1-pro-ultra",
            Some(13.0),
            Some(14.5),
        ),
    ];
    for (id, ms, state, model, inference, finished) in jobs {
        let mut r = rec(id, ms);
        r.state = state.into();
        r.model = model.into();
        r.inference_time = inference;
        r.finished_after = finished;
        h.save(&r).unwrap();
    }
    let ultra = "flux-1.1-pro-ultra";
    assert_eq!(h.recent_finish_times(ultra, 10), [14.5, 12.0]);
    assert_eq!(h.recent_finish_times(ultra, 1), [14.5]);
    assert_eq!(h.recent_inference_times(ultra, 10), [13.0, 11.0, 10.0]);
    assert_eq!(h.recent_finish_times("flux-dev", 10), [4.0]);
}

#[test]
fn expiry_follows_the_one_hour_retention() {
    let fresh = rec("a", now_ms());
    assert!(!fresh.expired());
    let old = rec("b", now_ms() - 3_700_000);
    assert!(old.expired());
    assert_eq!(old.file_name(), "1-0123456789ab.jpg");
}

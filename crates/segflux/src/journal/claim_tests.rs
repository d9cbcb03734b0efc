//! Unit tests of the write-ahead claims.

use super::*;
use crate::journal::owner::owners_dir;
use crate::journal::tests_support::rec;

#[test]
fn a_claim_is_recorded_before_the_submit_and_adopted_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let h = Journal::open_in(dir.path()).unwrap();
    let intent = rec("", now_ms());
    let Claim::Mine(t) = h.claim(&intent, Adopt::Recent).unwrap() else {
        panic!("a fresh job is ours")
    };
    // The same process asking again (another task of a batch) is told to wait.
    assert_eq!(h.claim(&intent, Adopt::Recent).unwrap(), Claim::Busy);
    let listed = h.list().0;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].state.as_str(), listed[0].has_id()),
        (SUBMITTING, false)
    );
    h.accepted(t, "req-1").unwrap();
    match h.claim(&intent, Adopt::Recent).unwrap() {
        Claim::Submitted(r) => assert_eq!(r.request_id, "req-1"),
        other => panic!("{other:?}"),
    }
    h.update("req-1", |r| r.state = "COMPLETED".into()).unwrap();
    assert!(matches!(
        h.claim(&intent, Adopt::Recent).unwrap(),
        Claim::Submitted(_)
    ));
    assert!(matches!(
        h.claim(&intent, Adopt::Unfinished).unwrap(),
        Claim::Mine(_)
    ));
    assert!(matches!(
        h.claim(&intent, Adopt::Never).unwrap(),
        Claim::Mine(_)
    ));
}

#[test]
fn a_dead_owners_claim_is_uncertain_and_taken_over_once() {
    let dir = tempfile::tempdir().unwrap();
    let h = Journal::open_in(dir.path()).unwrap();
    let intent = rec("", now_ms());
    let Claim::Mine(t) = h.claim(&intent, Adopt::Recent).unwrap() else {
        panic!()
    };
    // Pretend another process claimed it and died: an owner whose file is not locked.
    std::fs::create_dir_all(owners_dir(dir.path())).unwrap();
    std::fs::write(owners_dir(dir.path()).join("999-dead.lock"), b"").unwrap();
    h.db()
        .execute("UPDATE jobs SET owner = '999-dead' WHERE id = ?1", [t.0])
        .unwrap();
    assert_eq!(h.uncertain_count(), 1);
    match h.claim(&intent, Adopt::Recent).unwrap() {
        Claim::Uncertain(t2, r) => {
            assert_eq!(t2, t);
            assert!(!r.has_id());
        }
        other => panic!("{other:?}"),
    }
    assert!(!owners_dir(dir.path()).join("999-dead.lock").exists());
    // Now it is this process's: no one else takes it over.
    assert_eq!(h.claim(&intent, Adopt::Recent).unwrap(), Claim::Busy);
    assert_eq!(h.uncertain_count(), 0);
    h.not_submitted(t).unwrap();
    assert!(matches!(
        h.claim(&intent, Adopt::Recent).unwrap(),
        Claim::Mine(_)
    ));
}

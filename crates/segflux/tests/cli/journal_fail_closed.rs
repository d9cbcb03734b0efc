//! Failing closed when the job journal cannot be used (cli.md, "Failing closed"): a read-only
//! data directory, a garbage or truncated `journal.db`, one that is a directory, one locked
//! by another process past `--timeout`. With `--manifest` the manifest is the write-ahead
//! record, so a run killed mid-batch and run again pays for each prompt once; without it,
//! nothing is sent and the run exits 1 naming the journal, with the hint.

use std::path::{Path, PathBuf};
use std::process::Command;

use segflux::journal::Journal;

use crate::journal::{BATCH, finish, paid, prompts, signal, slow_env, spawn, wait_until};
use crate::testenv::{Run, TestEnv};

/// The batch with a manifest.
fn with_manifest(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = BATCH.to_vec();
    args.extend(["--manifest", "m.jsonl"]);
    args.extend(extra);
    args
}

fn data(env: &TestEnv) -> PathBuf {
    env.root.path().join("data")
}

/// A journal made by segflux itself, then closed.
fn real_journal(env: &TestEnv) {
    drop(Journal::open_in(&data(env)).expect("journal"));
}

/// Runs the batch, SIGKILLs it mid-way (jobs accepted, others in flight), runs it again,
/// and checks each prompt was paid once and written.
#[track_caller]
fn killed_then_rerun_pays_once(env: &TestEnv, args: &[&str]) {
    let list = prompts(env, 16);
    let child = spawn(env, args);
    wait_until("a third submitted", || env.emu.jobs().len() >= 6);
    signal(&child, "-KILL");
    let (code, first) = finish(child);
    assert_eq!(code, None, "killed: {first:#?}");
    assert!(
        env.emu.jobs().len() < 16,
        "the kill came too late to test anything"
    );
    let quiet = args.contains(&"-q");
    assert!(
        quiet
            || first
                .stderr
                .contains("the manifest holds this run's write-ahead records"),
        "{}",
        first.stderr
    );
    let rerun = env.run(args);
    rerun.expect_code(0);
    let paid = paid(env);
    assert!(list.iter().all(|p| paid.get(p) == Some(&1)), "{paid:?}");
    assert_eq!(paid.len(), list.len(), "{paid:?}");
    // A killed run's temporary file carries no owner tag without a journal, so it may stay.
    let files = TestEnv::files(&env.work().join("out"));
    let images = files.iter().filter(|f| f.ends_with(".jpg")).count();
    assert_eq!(images, list.len(), "{files:?}");
}

/// Nothing was sent, and the error names the journal and the hint.
#[track_caller]
fn refused(env: &TestEnv, run: &Run) {
    run.expect_code(1);
    assert_eq!(env.emu.jobs().len(), 0, "nothing paid: {run:#?}");
    assert!(
        run.stderr.contains("job journal") && run.stderr.contains("nothing was sent"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("hint: repair the job journal or move the data directory"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("not journaled"), "{}", run.stderr);
}

/// Makes a directory read-only for this process, even as root (there with `chattr +i`);
/// undone when dropped. `None` when this machine cannot make it so.
struct ReadOnly(PathBuf);

impl ReadOnly {
    fn make(dir: &Path) -> Option<Self> {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o500)).expect("chmod");
        let guard = Self(dir.to_owned());
        if !writable(dir) {
            return Some(guard);
        }
        // Root ignores the mode: an immutable directory refuses new files even to root.
        let immutable = Command::new("chattr").arg("+i").arg(dir).status();
        (immutable.is_ok_and(|s| s.success()) && !writable(dir)).then_some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt as _;
        let undone = Command::new("chattr").arg("-i").arg(&self.0).status();
        drop(undone);
        let chmod = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700));
        drop(chmod);
    }
}

fn writable(dir: &Path) -> bool {
    let probe = dir.join("probe");
    let made = std::fs::write(&probe, b"x").is_ok();
    if made {
        std::fs::remove_file(&probe).expect("remove the probe");
    }
    made
}

#[test]
fn a_read_only_data_dir_with_a_manifest_survives_sigkill_and_pays_nothing_twice() {
    let env = slow_env();
    real_journal(&env);
    let Some(_ro) = ReadOnly::make(&data(&env)) else {
        eprintln!("skipped: this machine cannot make a directory read-only");
        return;
    };
    killed_then_rerun_pays_once(&env, &with_manifest(&[]));
}

#[test]
fn a_read_only_data_dir_without_a_manifest_sends_nothing() {
    let env = TestEnv::new();
    real_journal(&env);
    let Some(_ro) = ReadOnly::make(&data(&env)) else {
        eprintln!("skipped: this machine cannot make a directory read-only");
        return;
    };
    prompts(&env, 4);
    let run = env.run(&BATCH);
    refused(&env, &run);
}

#[test]
fn a_garbage_journal_with_a_manifest_survives_sigkill_and_pays_nothing_twice() {
    let env = slow_env();
    std::fs::write(
        data(&env).join("journal.db"),
        b"not a database at all\n".repeat(400),
    )
    .expect("garbage");
    killed_then_rerun_pays_once(&env, &with_manifest(&["-q"]));
}

#[test]
fn a_truncated_journal_with_a_manifest_survives_sigkill_and_pays_nothing_twice() {
    let env = slow_env();
    real_journal(&env);
    let db = data(&env).join("journal.db");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&db)
        .expect("open");
    f.set_len(1000).expect("truncate");
    killed_then_rerun_pays_once(&env, &with_manifest(&[]));
}

#[test]
fn a_truncated_journal_without_a_manifest_sends_nothing() {
    let env = TestEnv::new();
    real_journal(&env);
    let db = data(&env).join("journal.db");
    std::fs::write(&db, &std::fs::read(&db).expect("read")[..100]).expect("truncate");
    prompts(&env, 6);
    let run = env.run(&BATCH);
    refused(&env, &run);
}

#[test]
fn a_journal_that_is_a_directory_refuses_generate_and_submit() {
    let env = TestEnv::new();
    std::fs::create_dir_all(data(&env).join("journal.db")).expect("mkdir");
    for args in [
        &["generate", "a quiet harbour", "-o", "out/"][..],
        &["submit", "a quiet harbour"][..],
        &["-q", "generate", "a quiet harbour", "-o", "out/"][..],
    ] {
        let run = env.run(args);
        refused(&env, &run);
        assert!(run.stderr.contains("journal.db"), "{}", run.stderr);
    }
}

/// Holds an exclusive lock on the journal, as a stuck process would, until dropped.
fn locked_journal(env: &TestEnv) -> rusqlite::Connection {
    real_journal(env);
    let conn = rusqlite::Connection::open(data(env).join("journal.db")).expect("open");
    conn.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    conn
}

#[test]
fn a_journal_locked_past_timeout_with_a_manifest_survives_sigkill_and_pays_nothing_twice() {
    let env = slow_env();
    let lock = locked_journal(&env);
    killed_then_rerun_pays_once(&env, &with_manifest(&["--timeout", "2"]));
    drop(lock);
}

#[test]
fn a_journal_locked_past_timeout_without_a_manifest_sends_nothing() {
    let env = TestEnv::new();
    let lock = locked_journal(&env);
    prompts(&env, 4);
    let mut args = BATCH.to_vec();
    args.extend(["--timeout", "1"]);
    let run = env.run(&args);
    refused(&env, &run);
    assert!(run.stderr.contains("locked"), "{}", run.stderr);
    let single = env.run(&["generate", "a locked door", "--timeout", "1", "-o", "out/"]);
    refused(&env, &single);
    drop(lock);
}

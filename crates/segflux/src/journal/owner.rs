//! Owner files: a process's identity for the write-ahead claims (see `claim`). Each process
//! holds an exclusive lock on `owners/{token}.lock` in the data directory for as long as it
//! lives; the kernel drops the lock however the process dies, so "its owner file is locked"
//! is "it lives". Files of dead owners are swept by the next process to take its own.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::now_ms;

/// This process's owner lock: its token and the locked file (held until exit).
static OWNER: OnceLock<Result<(String, File), String>> = OnceLock::new();

pub(super) fn owners_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("owners")
}

/// This process's owner token, taking its lock on first use.
pub(super) fn owner_token(data_dir: &Path) -> Result<String, String> {
    let owner = OWNER.get_or_init(|| {
        let dir = owners_dir(data_dir);
        super::private_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let token = format!("{}-{:x}", std::process::id(), now_ms());
        let file = take_owner_file(&dir, &token)?;
        sweep_owners(data_dir, &token);
        Ok((token, file))
    });
    owner.as_ref().map(|(t, _)| t.clone()).map_err(Clone::clone)
}

/// Creates and locks `dir/{token}.lock`. The file is locked under a temporary name and only
/// then renamed into place (the lock stays with it): a sweeper only ever sees it locked.
/// Created in place, a sweeper could lock it first, in the instant between the create and
/// the lock, and take it for a dead owner's: this process's lock then failed and its job
/// went unjournaled, or its file was removed while it lived.
pub(super) fn take_owner_file(dir: &Path, token: &str) -> Result<File, String> {
    let path = dir.join(format!("{token}.lock"));
    // Windows cannot rename a file that is open without delete sharing: there the file is
    // created in place, as before.
    let temp = if cfg!(unix) {
        dir.join(format!("{token}.lock.new"))
    } else {
        path.clone()
    };
    let file = File::create(&temp).map_err(|e| format!("cannot create {}: {e}", temp.display()))?;
    file.try_lock()
        .map_err(|e| format!("cannot lock {}: {e}", temp.display()))?;
    if temp != path {
        std::fs::rename(&temp, &path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    }
    Ok(file)
}

/// Removes the owner files of processes that are gone (each run leaves one behind).
pub(super) fn sweep_owners(data_dir: &Path, me: &str) {
    let Ok(entries) = std::fs::read_dir(owners_dir(data_dir)) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        if let Some(token) = name.to_str().and_then(|n| n.strip_suffix(".lock"))
            && token != me
        {
            // Removes the file when its owner is gone.
            alive(data_dir, token);
        } else if name.to_str().is_some_and(|n| n.ends_with(".lock.new")) {
            remove_stale_new(&entry.path());
        }
    }
}

/// Removes an owner file a process created and died before renaming into place: one that is
/// a minute old and not locked (a younger one may be about to be locked and renamed).
fn remove_stale_new(path: &Path) {
    let old = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > std::time::Duration::from_mins(1));
    if old
        && let Ok(file) = File::open(path)
        && file.try_lock().is_ok()
    {
        let _ = std::fs::remove_file(path);
    }
}

/// Whether the process owning `token` still lives: its owner file is locked. A dead owner's
/// file is removed on the way.
pub(super) fn alive(data_dir: &Path, token: &str) -> bool {
    let path = owners_dir(data_dir).join(format!("{token}.lock"));
    let Ok(file) = File::open(&path) else {
        return false;
    };
    match file.try_lock() {
        // Held; or locking is not supported here: assume alive, so nothing is paid twice.
        Err(TryLockError::WouldBlock | TryLockError::Error(_)) => true,
        Ok(()) => {
            let _ = std::fs::remove_file(&path);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_owner_is_seen_through_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let owners = owners_dir(dir.path());
        std::fs::create_dir_all(&owners).unwrap();
        let held = File::create(owners.join("1-live.lock")).unwrap();
        held.lock().unwrap();
        assert!(alive(dir.path(), "1-live"));
        assert!(!alive(dir.path(), "2-never-existed"));
        held.unlock().unwrap();
        assert!(!alive(dir.path(), "1-live"));
    }

    #[test]
    fn a_sweeper_never_takes_a_new_owner_for_a_dead_one() {
        // Another process sweeps the owner files as fast as it can while this one takes its
        // own: every owner file must come up locked, and stay.
        let dir = tempfile::tempdir().unwrap();
        let owners = owners_dir(dir.path());
        std::fs::create_dir_all(&owners).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sweeper = {
            let (data, stop) = (dir.path().to_owned(), std::sync::Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    sweep_owners(&data, "sweeper");
                }
            })
        };
        let mut held = Vec::new();
        for i in 0..1000 {
            let token = format!("9-{i}");
            held.push(take_owner_file(&owners, &token).expect("locked"));
            assert!(
                owners.join(format!("{token}.lock")).exists(),
                "{token} swept"
            );
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        sweeper.join().unwrap();
        for i in 0..1000 {
            assert!(alive(dir.path(), &format!("9-{i}")));
        }
    }
}

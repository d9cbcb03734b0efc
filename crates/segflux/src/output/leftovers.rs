//! Temporary files of killed processes. Writes are atomic (a `.part` file, then a rename), and
//! every catchable signal removes the `.part` file; SIGKILL cannot be caught. So each `.part`
//! name carries its writer's owner tag (see `journal::claim`: a token whose lock file is held
//! while the process lives), and a later run removes the `.part` files whose writer is gone.

use std::path::Path;
use std::sync::OnceLock;

/// This process's tag, set once it holds an owner lock.
static TAG: OnceLock<String> = OnceLock::new();

/// Names this process's temporary files after `tag` from now on (first call wins).
pub fn tag_temp_files(tag: &str) {
    let _ = TAG.set(tag.to_owned());
}

/// The prefix of a temporary file: `.segflux-{tag}.` when tagged, else `.segflux-`.
pub(super) fn temp_prefix() -> String {
    TAG.get()
        .map_or_else(|| ".segflux-".to_owned(), |t| format!(".segflux-{t}."))
}

/// The tag in a temporary file's name, if it has one.
fn tag_of(name: &str) -> Option<&str> {
    let inner = name.strip_prefix(".segflux-")?.strip_suffix(".part")?;
    inner
        .split_once('.')
        .map(|(tag, _)| tag)
        .filter(|t| !t.is_empty())
}

/// Removes the temporary files in `dir` whose writer is no longer `alive`; returns how many.
pub fn sweep_leftovers(dir: &Path, alive: impl Fn(&str) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let tag = name.to_str().and_then(tag_of);
            tag.is_some_and(|t| !alive(t))
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_files_of_dead_writers_are_swept() {
        assert_eq!(tag_of(".segflux-12-ab.x7Yz9.part"), Some("12-ab"));
        assert_eq!(tag_of(".segflux-x7Yz9.part"), None);
        assert_eq!(tag_of("image.jpg"), None);
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".segflux-1-dead.aaa.part",
            ".segflux-2-live.bbb.part",
            ".segflux-ccc.part",
            "a.jpg",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert_eq!(sweep_leftovers(dir.path(), |t| t == "2-live"), 1);
        let mut left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".segflux-2-live.bbb.part", ".segflux-ccc.part", "a.jpg"]
        );
    }
}

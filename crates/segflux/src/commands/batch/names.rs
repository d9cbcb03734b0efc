//! Output paths as a file system compares them: pass 1 of the plan (`plan.rs`) records each
//! job's path here, exactly (two lines with the same request for one path are a repeat) and
//! folded as a case-insensitive, normalisation-insensitive file system (macOS, Windows) would
//! (`Hero.jpg` and `hero.jpg`, an NFC and an NFD `é`): two jobs whose names fold alike would
//! write one file there, so they are a usage error before anything is paid. Only digests are
//! held, so a million-line input stays within a bounded memory.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;

use unicode_normalization::UnicodeNormalization as _;

use crate::output::up_to_date::{self as judge, Key};

/// What recording a job's path found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Seen {
    /// The first job for this path.
    New,
    /// The same request for the same path as an earlier line: dropped.
    Repeat,
}

/// The paths of pass 1.
#[derive(Default)]
pub(super) struct Names {
    /// Per exact path digest: the first line and its request key.
    exact: HashMap<Key, (usize, Key)>,
    /// Per folded path digest: the first line and its exact path digest.
    folded: HashMap<Key, (usize, Key)>,
}

impl Names {
    /// Records the job of line `number` writing `path` with request `key`; `Err` (the problem
    /// to report) when another job writes the same file.
    pub(super) fn add(&mut self, number: usize, path: &Path, key: Key) -> Result<Seen, String> {
        let shown = path.display().to_string();
        let exact = judge::digest(&shown);
        match self.folded.entry(judge::digest(&fold(&shown))) {
            Entry::Occupied(o) if o.get().1 != exact => {
                return Err(format!(
                    "line {number}: writes {shown}, which differs from the file of line {} only in case or Unicode normalisation (one file on macOS and Windows); give one another \"output\"",
                    o.get().0
                ));
            }
            Entry::Occupied(_) => {}
            Entry::Vacant(v) => {
                v.insert((number, exact));
            }
        }
        match self.exact.entry(exact) {
            Entry::Vacant(v) => {
                v.insert((number, key));
                Ok(Seen::New)
            }
            Entry::Occupied(o) => {
                let (first, first_key) = *o.get();
                if first_key == key && first != number {
                    Ok(Seen::Repeat)
                } else {
                    Err(format!(
                        "line {number}: writes {shown} as line {first} does (two jobs may not write one file; give one another \"output\")"
                    ))
                }
            }
        }
    }

    /// Per exact path digest, the line of its first job.
    pub(super) fn firsts(self) -> HashMap<Key, usize> {
        self.exact
            .into_iter()
            .map(|(p, (line, _))| (p, line))
            .collect()
    }
}

/// A name as a case- and normalisation-insensitive file system compares it: compatibility
/// decomposed, lower-cased, compatibility composed (NFKC of the lower case).
fn fold(name: &str) -> String {
    name.nfkd()
        .collect::<String>()
        .to_lowercase()
        .nfkc()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_differ_in_case_or_normalisation_collide() {
        let mut names = Names::default();
        let k = [1; 16];
        assert_eq!(names.add(1, Path::new("out/Hero.jpg"), k), Ok(Seen::New));
        assert!(names.add(2, Path::new("out/hero.jpg"), k).is_err());
        assert_eq!(names.add(3, Path::new("out/Hero.jpg"), k), Ok(Seen::Repeat));
        assert_eq!(
            names.add(4, Path::new("out/caf\u{e9}.png"), k),
            Ok(Seen::New)
        );
        let nfd = names.add(5, Path::new("out/cafe\u{301}.png"), k);
        assert!(nfd.is_err_and(|e| e.contains("line 4")));
        assert_eq!(names.add(6, Path::new("out/other.png"), k), Ok(Seen::New));
        assert_eq!(names.firsts().len(), 3);
    }
}

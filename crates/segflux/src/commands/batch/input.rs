//! Where a batch's lines come from (a file, standard input, or the one prompt of `-n N`) and
//! the passes over them: the input is read line by line, never held whole, so a million-line
//! file is validated and planned in bounded memory. Standard input is copied once to an
//! anonymous temporary file so that it, too, can be read twice.

use std::io::{BufRead as _, BufReader, Read, Seek as _};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The batch input.
#[derive(Debug)]
pub(crate) enum Source {
    /// A file, read afresh on each pass.
    File(PathBuf),
    /// Standard input, copied to an anonymous temporary file.
    Spool(std::fs::File),
    /// The prompt given on the command line (`generate PROMPT -n 4`).
    Prompt(String),
}

impl Source {
    /// Opens `--from FILE` (`-`: standard input).
    pub(crate) fn from_file(from: &Path) -> Result<Self> {
        let bad = |e: std::io::Error| {
            Error::invalid(
                "--from <FILE>",
                Some(&from.display().to_string()),
                format!("{e}"),
            )
        };
        if from == Path::new("-") {
            return spool(std::io::stdin().lock()).map_err(bad);
        }
        let file = std::fs::File::open(from).map_err(bad)?;
        if Self::blocks(from) {
            // A FIFO or `<(…)` can be read only once, `/dev/zero` never ends: spooled.
            return spool(file).map_err(bad);
        }
        Ok(Self::File(from.to_path_buf()))
    }

    /// Whether reading `--from` may block or never end: standard input, or a path that is
    /// neither a regular file nor a directory (a FIFO, `<(…)`, a device).
    fn blocks(from: &Path) -> bool {
        from == Path::new("-") || std::fs::metadata(from).is_ok_and(|m| !m.is_file() && !m.is_dir())
    }

    /// A reader from the first byte.
    fn reader(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(match self {
            Self::File(p) => Box::new(std::fs::File::open(p)?),
            Self::Spool(f) => {
                let mut f = f.try_clone()?;
                f.rewind()?;
                Box::new(f)
            }
            Self::Prompt(p) => Box::new(p.as_bytes()),
        })
    }

    /// The lines, numbered from 1; a line that is not UTF-8 is an `Err` naming what is wrong.
    pub(crate) fn lines(&self) -> Result<Lines<'_>> {
        let reader = self
            .reader()
            .map_err(|e| Error::Usage(format!("cannot read the batch input: {e}")))?;
        Ok(Lines {
            reader: BufReader::with_capacity(64 * 1024, reader),
            number: 0,
            buf: Vec::new(),
            failed: false,
        })
    }

    /// The first line that holds a job, if any (how stdin is recognised as JSONL).
    pub(crate) fn first_meaningful_line(&self) -> Result<Option<String>> {
        for (_, line) in self.lines()? {
            if let Ok(l) = line
                && crate::domain::prompt_line::is_meaningful(&l)
            {
                return Ok(Some(l));
            }
        }
        Ok(None)
    }
}

/// The most of a batch input spooled from stdin or a non-regular file: 64 MiB, the limit
/// of the files `sheet` and `inspect` read.
pub(super) const MAX_SPOOL_BYTES: u64 = 64 << 20;

/// `r` copied to an anonymous temporary file, refused past [`MAX_SPOOL_BYTES`].
fn spool(r: impl Read) -> std::io::Result<Source> {
    let mut spool = tempfile::tempfile()?;
    let copied = std::io::copy(&mut r.take(MAX_SPOOL_BYTES + 1), &mut spool)?;
    if copied > MAX_SPOOL_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than the {} MiB a batch input that is not a regular file may be",
            MAX_SPOOL_BYTES >> 20
        )));
    }
    Ok(Source::Spool(spool))
}

/// An iterator over numbered lines.
pub(crate) struct Lines<'a> {
    reader: BufReader<Box<dyn Read + 'a>>,
    number: usize,
    buf: Vec<u8>,
    failed: bool,
}

impl Iterator for Lines<'_> {
    type Item = (usize, std::result::Result<String, String>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        self.buf.clear();
        self.number += 1;
        match self.reader.read_until(b'\n', &mut self.buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => {
                // A read error ends the input: reported on the line it happened.
                self.failed = true;
                return Some((self.number, Err(format!("cannot read the input: {e}"))));
            }
        }
        while self.buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            self.buf.pop();
        }
        let line = String::from_utf8(std::mem::take(&mut self.buf))
            .map_err(|_| "the line is not valid UTF-8".to_owned());
        Some((self.number, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_and_bad_utf8_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.txt");
        std::fs::write(&p, b"a fox\r\n\n\xff\xfe\nlast").unwrap();
        let src = Source::from_file(&p).unwrap();
        let got: Vec<_> = src.lines().unwrap().collect();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], (1, Ok("a fox".to_owned())));
        assert!(got[2].1.as_ref().unwrap_err().contains("UTF-8"));
        assert_eq!(got[3], (4, Ok("last".to_owned())));
        // A second pass reads the same lines again.
        assert_eq!(src.lines().unwrap().count(), 4);
        assert_eq!(
            src.first_meaningful_line().unwrap().as_deref(),
            Some("a fox")
        );
    }
}

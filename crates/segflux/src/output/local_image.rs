//! A local `--image-prompt` file (spec: cli.md, "Local files"): checked before anything is
//! sent, named in the request by its content (`sha256:<hex>`), read again for the upload.
//!
//! [`resolve`] turns an `--image-prompt` / JSONL `image_prompt` value that is not an
//! http(s) URL into `sha256:<hex>` after checking the file (exists, readable, a JPEG, PNG or
//! WebP by its magic bytes, at most [`MAX_BYTES`]), and remembers which path holds that
//! content for this process (a small registry: the request carries only the content name, so
//! the file name, the journal and the embedded record never depend on where the file lies or
//! on the URL the upload returned). [`file_for`] finds the path again at upload time; the
//! upload itself is `job::upload`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

/// The largest file uploaded: 20 MiB.
pub const MAX_BYTES: u64 = 20 << 20;

/// The prefix that marks a local file's content name in a request.
pub const PREFIX: &str = "sha256:";

/// A checked local image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    /// Where it was read from.
    pub path: PathBuf,
    /// The SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Its MIME type, from its magic bytes.
    pub mime: &'static str,
    /// Its size in bytes.
    pub len: u64,
}

impl LocalImage {
    /// `sha256:<hex>`, the value the request carries.
    pub fn name(&self) -> String {
        format!("{PREFIX}{}", self.sha256)
    }

    /// The file's bytes as a `data:` URL, read again; an error if the file changed since it
    /// was checked (the request was named after the old content).
    pub fn data_url(&self) -> Result<String, String> {
        use base64::Engine as _;
        let bytes = read_capped(&self.path)?;
        if hex_sha256(&bytes) != self.sha256 {
            return Err(format!(
                "{} changed while segflux was running; run again",
                self.path.display()
            ));
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        Ok(format!("data:{};base64,{b64}", self.mime))
    }
}

pub use crate::domain::request::is_url;

/// The value a request carries for an image-prompt argument: a URL unchanged, a local file's
/// `sha256:<hex>` once it is checked (and registered for the upload). The error says why
/// the file cannot be used, without naming the option (the caller does).
pub fn resolve(value: Option<String>) -> Result<Option<String>, String> {
    match value {
        Some(v) if !is_url(&v) => Ok(Some(check(Path::new(&v))?.name())),
        other => Ok(other),
    }
}

/// Checks the file at `path` and registers it under its content name.
pub fn check(path: &Path) -> Result<LocalImage, String> {
    let bytes = read_capped(path)?;
    let mime = sniff(&bytes).ok_or_else(|| {
        format!(
            "{} is not a JPEG, PNG or WebP image (by its first bytes)",
            path.display()
        )
    })?;
    let image = LocalImage {
        path: path.to_path_buf(),
        sha256: hex_sha256(&bytes),
        mime,
        len: bytes.len() as u64,
    };
    registry()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(image.sha256.clone())
        .or_insert_with(|| image.clone());
    Ok(image)
}

/// The registered file whose content name is `name` (`sha256:<hex>`), if this process
/// checked one.
pub fn file_for(name: &str) -> Option<LocalImage> {
    let hex = name.strip_prefix(PREFIX)?;
    registry()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(hex)
        .cloned()
}

fn registry() -> &'static Mutex<HashMap<String, LocalImage>> {
    static FILES: OnceLock<Mutex<HashMap<String, LocalImage>>> = OnceLock::new();
    FILES.get_or_init(Mutex::default)
}

/// The whole file, refused past [`MAX_BYTES`] without reading further.
fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("no such file: {shown}"),
        _ => format!("cannot read {shown}: {e}"),
    })?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(format!("{shown} is a directory, not an image file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "{shown} is larger than the 20 MiB an image prompt may be"
        ));
    }
    Ok(bytes)
}

/// The MIME type of a JPEG, PNG or WebP file by its magic bytes.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pass_and_files_are_checked_by_content() {
        assert!(is_url("https://x/y.png") && is_url("HTTP://x") && !is_url("./ref.jpg"));
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("ref.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\nrest").unwrap();
        let img = check(&png).unwrap();
        assert_eq!(img.mime, "image/png");
        assert_eq!(
            img.name(),
            format!("sha256:{}", hex_sha256(b"\x89PNG\r\n\x1a\nrest"))
        );
        assert_eq!(file_for(&img.name()).unwrap().sha256, img.sha256);
        assert!(
            img.data_url()
                .unwrap()
                .starts_with("data:image/png;base64,iVBORw0K")
        );
        let txt = dir.path().join("notes.txt");
        std::fs::write(&txt, b"hello").unwrap();
        assert!(check(&txt).unwrap_err().contains("not a JPEG, PNG or WebP"));
        assert!(
            check(&dir.path().join("gone.jpg"))
                .unwrap_err()
                .contains("no such file")
        );
        let big = dir.path().join("big.jpg");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_BYTES + 1).unwrap();
        assert!(check(&big).unwrap_err().contains("20 MiB"));
        std::fs::write(&png, b"\x89PNG\r\n\x1a\nchanged").unwrap();
        assert!(img.data_url().unwrap_err().contains("changed"));
    }
}

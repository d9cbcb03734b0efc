//! Where an image goes and how it gets there: target resolution, the image check (without a
//! full decode, `output/check.rs`) and jpg/png conversion, and the one atomic write.
//!
//! Writes go to a temporary file in the target directory that is renamed into place only after
//! the bytes were fully received and decoded as the expected format, so an interrupted or
//! failed run never leaves a partial file (the temporary file is removed when dropped).

mod check;
pub mod decode_bounds;
pub mod job_json;
mod leftovers;
pub mod local_image;
pub mod manifest;
pub mod metadata;
pub mod up_to_date;

pub use leftovers::{sweep_leftovers, tag_temp_files};

use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};

use image::ImageFormat as Codec;

use crate::domain::options::ImageFormat;
use crate::error::{Error, Result};

/// Where `-o` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Write into this directory under the default name.
    Dir(PathBuf),
    /// Write exactly this file.
    File(PathBuf),
}

impl Target {
    /// Reads `-o`: nothing is the current directory; an existing directory or a path ending in
    /// `/` is a directory; anything else is a file, whose extension must be jpg, jpeg or png.
    pub fn from_arg(output: Option<&Path>) -> Result<Self> {
        let Some(p) = output else {
            return Ok(Self::Dir(PathBuf::from(".")));
        };
        let text = p.to_string_lossy();
        if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || p.is_dir() {
            return Ok(Self::Dir(p.to_path_buf()));
        }
        let ext = p.extension().map(|e| e.to_string_lossy().into_owned());
        match ext.as_deref().map(ImageFormat::from_ext) {
            Some(Some(_)) => Ok(Self::File(p.to_path_buf())),
            _ => Err(Error::invalid(
                "--output <PATH>",
                Some(&p.display().to_string()),
                "a file name must end in .jpg, .jpeg or .png (a directory: end it in /)",
            )),
        }
    }

    /// The format a file target's extension asks for.
    pub fn format(&self) -> Option<ImageFormat> {
        match self {
            Self::Dir(_) => None,
            Self::File(p) => p
                .extension()
                .and_then(|e| ImageFormat::from_ext(&e.to_string_lossy())),
        }
    }

    /// The directory the file lands in.
    pub fn dir(&self) -> PathBuf {
        match self {
            Self::Dir(d) => d.clone(),
            Self::File(f) => match f.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            },
        }
    }

    /// The final path, given the default file name.
    pub fn path(&self, default_name: &str) -> PathBuf {
        match self {
            Self::Dir(d) => d.join(default_name),
            Self::File(f) => f.clone(),
        }
    }
}

/// Where `--sidecar` writes an image's record: the image's file name plus `.json`
/// (`42-ef3ec516c4be.jpg.json`), so a JPEG and a PNG of the same request never share one.
pub fn sidecar_path(image: &Path) -> PathBuf {
    let mut name = image.as_os_str().to_owned();
    name.push(".json");
    PathBuf::from(name)
}

/// Makes sure `dir` exists and a file can be created in it, before anything is sent.
pub fn ensure_writable(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::io(
            format!("cannot create the output directory {}", dir.display()),
            e,
        )
    })?;
    tempfile::Builder::new()
        .prefix(".segflux-probe-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| {
            Error::io(
                format!("cannot write into the output directory {}", dir.display()),
                e,
            )
        })
}

/// Refuses an existing file unless `force`.
pub fn refuse_existing(path: &Path, force: bool) -> Result<()> {
    if !force && path.exists() {
        return Err(Error::Other(format!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        )));
    }
    Ok(())
}

/// Why an image could not be written at `path`, checked before anything is paid for: a
/// symbolic link to nothing, a directory or other non-file in the way, a file name longer
/// than file systems hold. (The directory itself is probed by [`ensure_writable`].)
pub fn check_target(path: &Path) -> Result<(), String> {
    let shown = path.display();
    if let Some(name) = path.file_name()
        && name.len() > crate::domain::options::NAME_MAX
    {
        return Err(format!(
            "{shown}: the file name is {} bytes long; file systems hold at most {}",
            name.len(),
            crate::domain::options::NAME_MAX
        ));
    }
    let Ok(link) = path.symlink_metadata() else {
        return Ok(());
    };
    match path.metadata() {
        Err(_) if link.file_type().is_symlink() => Err(format!(
            "{shown} is a symbolic link to nothing (a dangling link); remove it or point it at a file"
        )),
        Ok(m) if m.is_dir() => Err(format!("{shown} is a directory")),
        Ok(m) if !m.is_file() => Err(format!("{shown} exists and is not a regular file")),
        _ => Ok(()),
    }
}

/// A checked image, ready to write.
#[derive(Debug)]
pub struct CheckedImage {
    /// The bytes to write (converted when the server sent the other format).
    pub bytes: Vec<u8>,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// Whether the bytes were converted from the other format.
    pub converted: bool,
}

/// Checks `bytes` to their last block without a full decode (a truncated or non-image body
/// fails here; see [`check`]) and converts them to `want` when the server sent the other of
/// jpg / png, the one case that decodes every pixel.
pub fn check_image(bytes: Vec<u8>, want: ImageFormat) -> Result<CheckedImage, String> {
    let got = image::guess_format(&bytes)
        .ok()
        .filter(|f| matches!(f, Codec::Jpeg | Codec::Png))
        .ok_or_else(|| describe_non_image(&bytes))?;
    let (width, height) = if got == Codec::Jpeg {
        check::jpeg(&bytes)?
    } else {
        check::png(&bytes)?
    };
    let want_codec = match want {
        ImageFormat::Jpg => Codec::Jpeg,
        ImageFormat::Png => Codec::Png,
    };
    if got == want_codec {
        return Ok(CheckedImage {
            bytes,
            width,
            height,
            converted: false,
        });
    }
    let img = crate::output::decode_bounds::decode(&bytes, got)
        .map_err(|e| format!("the downloaded image is damaged: {e}"))?;
    drop(bytes);
    let mut out = Cursor::new(Vec::new());
    let encoded = match want {
        ImageFormat::Jpg => {
            image::DynamicImage::ImageRgb8(img.to_rgb8()).write_to(&mut out, want_codec)
        }
        ImageFormat::Png => img.write_to(&mut out, want_codec),
    };
    encoded.map_err(|e| format!("cannot convert the image to {}: {e}", want.ext()))?;
    Ok(CheckedImage {
        bytes: out.into_inner(),
        width,
        height,
        converted: true,
    })
}

fn describe_non_image(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_ascii_lowercase();
    if head.contains("<html") || head.contains("<!doctype") {
        "the image server sent an HTML page instead of an image".to_owned()
    } else {
        format!(
            "the download is not a JPEG or PNG image ({} bytes)",
            bytes.len()
        )
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename. Without
/// `force` an existing file is never replaced, even one that appeared while we waited.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    let prefix = leftovers::temp_prefix();
    builder.prefix(&prefix).suffix(".part");
    // tempfile creates 0600; an image is an ordinary file (0666 less the umask, as `>` makes).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if force {
        tmp.persist(path).map_err(|e| e.error)?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| e.error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(codec: Codec) -> Vec<u8> {
        let img = image::RgbImage::from_fn(8, 4, |x, y| {
            image::Rgb([
                u8::try_from(x * 30).unwrap(),
                u8::try_from(y * 60).unwrap(),
                90,
            ])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, codec).expect("encode");
        out.into_inner()
    }

    #[test]
    fn targets_from_the_output_option() {
        assert_eq!(Target::from_arg(None).unwrap(), Target::Dir(".".into()));
        assert_eq!(
            Target::from_arg(Some(Path::new("out/"))).unwrap(),
            Target::Dir("out/".into())
        );
        let t = Target::from_arg(Some(Path::new("a/hero.PNG"))).unwrap();
        assert_eq!(t.format(), Some(ImageFormat::Png));
        assert_eq!(t.dir(), PathBuf::from("a"));
        assert_eq!(
            Target::from_arg(Some(Path::new("x.jpeg"))).unwrap().dir(),
            PathBuf::from(".")
        );
        for bad in ["x.gif", "noext"] {
            let e = Target::from_arg(Some(Path::new(bad))).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}");
            assert!(e.to_string().contains("--output"));
        }
    }

    #[test]
    fn the_sidecar_sits_beside_the_image_and_keeps_its_extension() {
        assert_eq!(
            sidecar_path(Path::new("out/42-ef3ec516c4be.jpg")),
            PathBuf::from("out/42-ef3ec516c4be.jpg.json")
        );
        assert_eq!(
            sidecar_path(Path::new("hero.png")),
            PathBuf::from("hero.png.json")
        );
    }

    #[test]
    fn images_are_checked_and_converted() {
        let jpg = encoded(Codec::Jpeg);
        let same = check_image(jpg.clone(), ImageFormat::Jpg).unwrap();
        assert_eq!((same.width, same.height, same.converted), (8, 4, false));
        assert_eq!(same.bytes, jpg);
        let conv = check_image(encoded(Codec::Png), ImageFormat::Jpg).unwrap();
        assert!(conv.converted);
        assert_eq!(image::guess_format(&conv.bytes).unwrap(), Codec::Jpeg);
        let html = check_image(b"<!DOCTYPE html><html>oops".to_vec(), ImageFormat::Jpg);
        assert!(html.unwrap_err().contains("HTML"));
        let mut cut = encoded(Codec::Png);
        cut.truncate(cut.len() / 2);
        assert!(check_image(cut, ImageFormat::Png).is_err());
    }

    /// The umask, read back from a file created with mode 0o777.
    #[cfg(unix)]
    fn umask_of_this_process() -> u32 {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("probe");
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o777)
            .open(&p)
            .unwrap();
        !std::fs::metadata(&p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn atomic_write_refuses_to_clobber_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jpg");
        write_atomic(&p, b"one", false).unwrap();
        assert!(write_atomic(&p, b"two", false).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"three", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o044, 0o044 & !umask_of_this_process(), "{mode:o}");
        }
    }
}

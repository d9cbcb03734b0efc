//! The emulator's stand-in images: real JPEG or PNG bytes, a two-colour gradient crossed by
//! bands, whose colours come from a SHA-256 of the prompt and seed, so the same job always
//! yields the same bytes and different prompts or seeds differ. Pure: no state, no I/O.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use sha2::{Digest, Sha256};

/// An image format the emulator serves (the model's `output_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Format {
    Jpg,
    Png,
}

impl Format {
    /// The format named by a file extension or an `output_format` value.
    pub fn from_ext(ext: &str) -> Option<Self> {
        match ext {
            "jpg" => Some(Self::Jpg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Self::Jpg => "jpg",
            Self::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::Jpg => Self::Png,
            Self::Png => Self::Jpg,
        }
    }

    /// A slot number for per-format caches.
    pub fn index(self) -> usize {
        match self {
            Self::Jpg => 0,
            Self::Png => 1,
        }
    }
}

/// Width and height for aspect ratio `w:h` with the long side `long` pixels, the short side
/// rounded to the nearest pixel; both at least 1.
pub(crate) fn dimensions((w, h): (u32, u32), long: u32) -> (u32, u32) {
    let long = long.max(1);
    if w == 0 || h == 0 {
        return (long, long);
    }
    let (major, minor) = (w.max(h), w.min(h));
    let short = (u64::from(long) * u64::from(minor) + u64::from(major) / 2) / u64::from(major);
    let short = u32::try_from(short).unwrap_or(long).max(1);
    if w >= h { (long, short) } else { (short, long) }
}

/// Renders the image of (`prompt`, `seed`) at `aspect` with long side `long`, encoded as
/// `format`.
pub(crate) fn render(
    prompt: &str,
    seed: u64,
    aspect: (u32, u32),
    long: u32,
    format: Format,
) -> Result<Vec<u8>, image::ImageError> {
    let digest = Sha256::new()
        .chain_update(prompt.as_bytes())
        .chain_update(seed.to_le_bytes())
        .finalize();
    let colour = |i: usize| [digest[i], digest[i + 1], digest[i + 2]].map(u32::from);
    let (left, right, band) = (colour(0), colour(3), colour(6));
    let bands = 3 + u32::from(digest[9] % 6);
    let (width, height) = dimensions(aspect, long);
    let img = RgbImage::from_fn(width, height, |x, y| {
        let t = x * 255 / (width - 1).max(1);
        let striped = (y * bands / height) % 2 == 1;
        Rgb([0, 1, 2].map(|c| {
            let base = (left[c] * (255 - t) + right[c] * t) / 255;
            let mixed = if striped {
                (base * 3 + band[c]) / 4
            } else {
                base
            };
            u8::try_from(mixed).unwrap_or(u8::MAX)
        }))
    });
    let mut out = Cursor::new(Vec::new());
    let encoding = match format {
        Format::Jpg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
    };
    img.write_to(&mut out, encoding)?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_follow_the_aspect_ratio() {
        assert_eq!(dimensions((16, 9), 256), (256, 144));
        assert_eq!(dimensions((9, 16), 256), (144, 256));
        assert_eq!(dimensions((1, 1), 256), (256, 256));
        assert_eq!(dimensions((21, 9), 256), (256, 110));
        assert_eq!(dimensions((21, 9), 1), (1, 1));
        assert_eq!(dimensions((4, 3), 0), (1, 1));
    }

    #[test]
    fn images_decode_at_the_right_size_and_format() {
        let jpg = render("a cat", 1, (16, 9), 64, Format::Jpg).unwrap();
        assert_eq!(image::guess_format(&jpg).unwrap(), ImageFormat::Jpeg);
        let img = image::load_from_memory(&jpg).unwrap();
        assert_eq!((img.width(), img.height()), (64, 36));
        let png = render("a cat", 1, (3, 4), 64, Format::Png).unwrap();
        assert_eq!(image::guess_format(&png).unwrap(), ImageFormat::Png);
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (48, 64));
    }

    #[test]
    fn images_depend_on_prompt_and_seed_only() {
        let a = render("a cat", 1, (1, 1), 32, Format::Png).unwrap();
        assert_eq!(a, render("a cat", 1, (1, 1), 32, Format::Png).unwrap());
        assert_ne!(a, render("a cat", 2, (1, 1), 32, Format::Png).unwrap());
        assert_ne!(a, render("a dog", 1, (1, 1), 32, Format::Png).unwrap());
    }
}

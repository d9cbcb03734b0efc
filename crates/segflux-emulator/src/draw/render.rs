//! The emulator's stand-in images: real JPEG, PNG or WebP bytes (SVG text in `svg`) at the real service's sizes (about
//! 4 MP, see [`size`]) or a small test size, showing a landscape whose colours come from a
//! SHA-256 of the prompt and seed, with the prompt's words drawn on it (`scene`), so the same
//! job always yields the same bytes, different prompts or seeds differ, and a person sees
//! which prompt an image answers. Formats and sizes live here. Pure: no state, no I/O.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder as _};

use crate::draw::scene;

/// An image format the emulator serves (the model's `output_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Format {
    Jpg,
    Png,
    /// Served by models that offer it (lossless WebP).
    Webp,
    /// Served by vector models (Recraft V3 SVG): a small generated SVG text.
    Svg,
}

impl Format {
    /// The format named by a file extension or an `output_format` value.
    pub fn from_ext(ext: &str) -> Option<Self> {
        match ext {
            "jpg" => Some(Self::Jpg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::Webp),
            "svg" => Some(Self::Svg),
            _ => None,
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Self::Jpg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Svg => "svg",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Svg => "image/svg+xml",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::Jpg => Self::Png,
            Self::Png | Self::Webp | Self::Svg => Self::Jpg,
        }
    }

    /// A slot number for per-format caches.
    pub fn index(self) -> usize {
        match self {
            Self::Jpg => 0,
            Self::Png => 1,
            Self::Webp => 2,
            Self::Svg => 3,
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

/// The `long` value that asks for the real service's sizes (see [`size`]).
pub(crate) const REAL_SIZE: u32 = 0;

/// What Flux 1.1 Pro Ultra returns per aspect ratio (landscape side; portrait is the same
/// swapped): about 4 megapixels, each side a multiple of 32.
const REAL_SIZES: [((u32, u32), (u32, u32)); 6] = [
    ((21, 9), (3136, 1344)),
    ((16, 9), (2752, 1536)),
    ((3, 2), (2496, 1664)),
    ((4, 3), (2368, 1792)),
    ((5, 4), (2304, 1856)),
    ((1, 1), (2048, 2048)),
];

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is clamped to 1..=512 first"
)]
/// The size of an image at `aspect`: the real service's (about 4 MP) when `long` is
/// [`REAL_SIZE`], else long side `long` (see [`dimensions`]).
pub(crate) fn size(aspect: (u32, u32), long: u32) -> (u32, u32) {
    if long != REAL_SIZE {
        return dimensions(aspect, long);
    }
    for &(ratio, (w, h)) in &REAL_SIZES {
        if aspect == ratio {
            return (w, h);
        }
        if aspect == (ratio.1, ratio.0) {
            return (h, w);
        }
    }
    // A ratio the table lacks: about 4 MP, each side a multiple of 32, the nearest ratio.
    let ratio = f64::from(aspect.0.max(1)) / f64::from(aspect.1.max(1));
    let round = |v: f64| ((v / 32.0).round().clamp(1.0, 512.0) as u32) * 32;
    let height = round((2048.0 * 2048.0 / ratio).sqrt());
    (height.saturating_sub(64)..=height + 64)
        .step_by(32)
        .map(|h| (round(f64::from(h) * ratio), h))
        .min_by(|a, b| {
            let off = |(w, h): (u32, u32)| (f64::from(w) / f64::from(h) / ratio - 1.0).abs();
            off(*a).total_cmp(&off(*b))
        })
        .unwrap_or((2048, 2048))
}

/// Renders the image of (`prompt`, `seed`) at `aspect`, sized by [`size`], encoded as
/// `format`: a landscape in colours taken from a hash of prompt and seed, the prompt's words
/// across the middle and the seed and size along the bottom.
pub(crate) fn render(
    prompt: &str,
    seed: u64,
    aspect: (u32, u32),
    long: u32,
    format: Format,
) -> Result<Vec<u8>, image::ImageError> {
    let (width, height) = size(aspect, long);
    if format == Format::Svg {
        return Ok(super::svg::svg(prompt, seed, width, height).into_bytes());
    }
    let mut img = scene::landscape(prompt, seed, width, height);
    scene::caption(&mut img, prompt, seed);
    let mut out = Cursor::new(Vec::new());
    match format {
        Format::Jpg => JpegEncoder::new_with_quality(&mut out, 90).write_image(
            img.as_raw(),
            width,
            height,
            ExtendedColorType::Rgb8,
        )?,
        Format::Png => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
                .write_image(img.as_raw(), width, height, ExtendedColorType::Rgb8)?;
        }
        Format::Webp | Format::Svg => WebPEncoder::new_lossless(&mut out).write_image(
            img.as_raw(),
            width,
            height,
            ExtendedColorType::Rgb8,
        )?,
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::ImageFormat;

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
    fn real_sizes_are_about_4_mp_at_the_right_ratio_in_multiples_of_32() {
        assert_eq!(size((1, 1), REAL_SIZE), (2048, 2048));
        assert_eq!(size((16, 9), REAL_SIZE), (2752, 1536));
        assert_eq!(size((9, 16), REAL_SIZE), (1536, 2752));
        for ratio in segflux_api::ASPECT_RATIOS.iter().chain(&["7:3", "1:2"]) {
            let (a, b) = ratio.split_once(':').unwrap();
            let aspect = (a.parse().unwrap(), b.parse().unwrap());
            let (w, h) = size(aspect, REAL_SIZE);
            assert!(w % 32 == 0 && h % 32 == 0, "{ratio}: {w}x{h}");
            let mp = f64::from(w * h) / 1e6;
            assert!((3.9..4.5).contains(&mp), "{ratio}: {mp} MP");
            let want = f64::from(aspect.0) / f64::from(aspect.1);
            let err = (f64::from(w) / f64::from(h) / want - 1.0).abs();
            assert!(err < 0.01, "{ratio}: {w}x{h} is off by {err}");
        }
        assert_eq!(size((16, 9), 256), (256, 144));
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

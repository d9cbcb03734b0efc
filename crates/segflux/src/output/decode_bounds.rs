//! Bounds on decoding (spec: cli.md, "Failing closed", "Bounded everything"): every image
//! segflux decodes, or whose header it reads for its size, goes through here first. A
//! declared size over [`MAX_SIDE`] × [`MAX_SIDE`], or a decoder that would need more than
//! [`MAX_DECODE_BYTES`], is refused as not a plausible image before anything is allocated.
//!
//! The callers: `output::check` (the paid download, checked without a full decode),
//! `output::check_image` (jpg↔png conversion), `sheet` (thumbnails) and `preview`.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// The longest side of an image segflux decodes, in pixels.
pub const MAX_SIDE: u32 = 16384;

/// The most memory a decoder may need for one image: 1 GiB.
pub const MAX_DECODE_BYTES: u64 = 1 << 30;

/// `image`'s limits with segflux's bounds.
pub fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Refuses a declared `width` × `height` whose decode would need `bytes_per_pixel` bytes a
/// pixel (all planes a decoder holds at once) past the bounds.
pub fn check(width: u32, height: u32, bytes_per_pixel: u64) -> Result<(), String> {
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!(
            "not a plausible image: it declares {width}x{height} pixels, over the {MAX_SIDE}x{MAX_SIDE} segflux decodes"
        ));
    }
    let need = u64::from(width) * u64::from(height) * bytes_per_pixel;
    if need > MAX_DECODE_BYTES {
        return Err(format!(
            "not a plausible image: decoding its {width}x{height} pixels would need {} MiB, over the {} MiB segflux allows",
            need >> 20,
            MAX_DECODE_BYTES >> 20
        ));
    }
    Ok(())
}

/// Bounds a JPEG whose header `jpeg-decoder` has read: a progressive one holds every DCT
/// coefficient (2 bytes a sample) of every component until its last scan.
pub fn check_jpeg(info: jpeg_decoder::ImageInfo) -> Result<(), String> {
    let samples = info.pixel_format.pixel_bytes() as u64;
    let per_pixel = match info.coding_process {
        jpeg_decoder::CodingProcess::DctProgressive => samples * 2 + samples,
        _ => samples,
    };
    check(u32::from(info.width), u32::from(info.height), per_pixel)
}

/// Bounds a PNG whose header `png` has read (decoded as 8-bit RGBA at most).
pub fn check_png(info: &png::Info<'_>) -> Result<(), String> {
    check(info.width, info.height, 4)
}

/// The image in `bytes` (of `format`), decoded in full within the bounds.
pub fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    reader.decode().map_err(|e| refusal(&e))
}

/// The image file at `path`, decoded in full within the bounds.
pub fn open(path: &Path) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::open(path)
        .and_then(ImageReader::with_guessed_format)
        .map_err(|e| e.to_string())?;
    reader.limits(limits());
    reader.decode().map_err(|e| refusal(&e))
}

fn refusal(e: &image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => format!("not a plausible image: {e}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_past_the_side_or_the_memory_bound_are_refused() {
        assert!(check(16384, 16384, 3).is_ok());
        assert!(check(16385, 1, 3).is_err());
        assert!(check(1, 65500, 1).is_err());
        assert!(check(16384, 16384, 9).is_err());
    }

    #[test]
    fn image_limits_carry_the_bounds() {
        let l = limits();
        assert_eq!(l.max_image_width, Some(MAX_SIDE));
        assert_eq!(l.max_alloc, Some(MAX_DECODE_BYTES));
    }
}

//! Checking a downloaded image without decoding it at full size: a paid image must be whole
//! before it is written, but holding its every pixel (12 MiB for 4 MP) only to throw them
//! away would be most of a `generate`'s memory.
//!
//! - JPEG: decoded at 1/8 scale (`jpeg-decoder`'s DCT scaling; zune-jpeg, which the `image`
//!   crate uses, has none). Every entropy-coded block is still Huffman-decoded, so a
//!   truncated or corrupt scan fails as it would at full size; only the inverse DCT is
//!   reduced to the DC term.
//! - PNG: streamed row by row (`png`): every chunk's CRC, the zlib stream and its Adler-32,
//!   every row's filter, up to IEND; one row is held at a time.
//!
//! Nothing here converts: a full decode happens only for jpg↔png (`output::check_image`).

use std::io::Cursor;

/// Checks a JPEG to its last block; returns its pixel size.
pub fn jpeg(bytes: &[u8]) -> Result<(u32, u32), String> {
    let damaged = |e: jpeg_decoder::Error| format!("the downloaded image is damaged: {e}");
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(damaged)?;
    let info = decoder
        .info()
        .ok_or_else(|| "the downloaded image is damaged: no JPEG frame".to_owned())?;
    crate::output::decode_bounds::check_jpeg(info)?;
    let (width, height) = (info.width, info.height);
    // The smallest scale the decoder has (1/8): ask for an eighth, rounded up.
    decoder
        .scale(width.div_ceil(8), height.div_ceil(8))
        .map_err(damaged)?;
    decoder.decode().map_err(damaged)?;
    Ok((u32::from(width), u32::from(height)))
}

/// Checks a PNG row by row to its IEND chunk; returns its pixel size.
pub fn png(bytes: &[u8]) -> Result<(u32, u32), String> {
    let damaged = |e: png::DecodingError| format!("the downloaded image is damaged: {e}");
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.ignore_checksums(false);
    let mut reader = decoder.read_info().map_err(damaged)?;
    crate::output::decode_bounds::check_png(reader.info())?;
    let (width, height) = (reader.info().width, reader.info().height);
    while reader.next_row().map_err(damaged)?.is_some() {}
    reader.finish().map_err(damaged)?;
    Ok((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            let v = |n: u32| u8::try_from(n % 251).unwrap();
            image::Rgb([v(x * 7 + y), v(y * 13), v(x ^ y)])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).expect("encode");
        out.into_inner()
    }

    #[test]
    fn whole_images_pass_with_their_full_size() {
        let jpg = encoded(image::ImageFormat::Jpeg, 333, 127);
        assert_eq!(jpeg(&jpg), Ok((333, 127)));
        let pic = encoded(image::ImageFormat::Png, 333, 127);
        assert_eq!(png(&pic), Ok((333, 127)));
    }

    #[test]
    fn a_cut_anywhere_fails() {
        for (format, check) in [
            (
                image::ImageFormat::Jpeg,
                jpeg as fn(&[u8]) -> Result<(u32, u32), String>,
            ),
            (image::ImageFormat::Png, png),
        ] {
            let whole = encoded(format, 200, 150);
            // Cut in the headers, in the middle of the pixel data, and just before the end.
            for keep in [40, whole.len() / 2, whole.len() - 3] {
                let err = check(&whole[..keep]).expect_err(&format!("{format:?} cut at {keep}"));
                assert!(err.contains("damaged"), "{err}");
            }
        }
    }

    #[test]
    fn a_flipped_byte_in_the_pixel_data_fails() {
        // PNG: a chunk's CRC no longer matches.
        let mut pic = encoded(image::ImageFormat::Png, 200, 150);
        let middle = pic.len() / 2;
        pic[middle] ^= 0x55;
        assert!(png(&pic).is_err());
        // JPEG: garbage in the middle of the scan (a run of 0xFF 0xD0-less marker bytes, which
        // no entropy-coded segment may contain) is caught although only DC terms are kept.
        let mut jpg = encoded(image::ImageFormat::Jpeg, 200, 150);
        let middle = jpg.len() / 2;
        jpg[middle..middle + 2].copy_from_slice(&[0xFF, 0x01]);
        assert!(jpeg(&jpg).is_err(), "a stray marker in the scan");
    }
}

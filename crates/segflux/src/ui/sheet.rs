//! Contact sheets (spec: "Pictures"): thumbnails decoded at reduced size, laid out in a grid
//! with a two-line caption under each, encoded as JPEG or PNG.
//!
//! Memory stays bounded by the sheet itself plus one image being read: a JPEG is decoded
//! straight at 1/2, 1/4 or 1/8 of its size (`jpeg-decoder`'s DCT scaling), a PNG is read row
//! by row and averaged down as it streams (`png`), and each thumbnail is drawn into the sheet
//! at once and dropped. No printing; the command is `commands::sheet`.

use std::io::{BufRead, Cursor, Read};

use image::imageops::FilterType;
use image::{Rgb, RgbImage};

use segflux_emulator::draw::glyphs;

/// Space between cells and around the sheet, in pixels.
const GAP: u32 = 6;
/// The sheet's background and an empty cell's.
const BACKGROUND: Rgb<u8> = Rgb([24, 24, 28]);
const EMPTY_CELL: Rgb<u8> = Rgb([60, 60, 66]);

/// The layout of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Cells per row.
    pub columns: u32,
    /// Rows of cells.
    pub rows: u32,
    /// A cell's picture area, square, in pixels.
    pub cell: u32,
    /// The font scale of captions.
    pub scale: u32,
}

impl Layout {
    /// `count` cells of `cell` pixels in `columns` columns (default: about square).
    pub fn new(count: usize, columns: Option<u32>, cell: u32) -> Self {
        let count = u32::try_from(count.max(1)).unwrap_or(u32::MAX);
        let columns = columns
            .unwrap_or_else(|| (1..=count).find(|c| c * c >= count).unwrap_or(count))
            .clamp(1, count);
        Self {
            columns,
            rows: count.div_ceil(columns),
            cell,
            scale: (cell / 256).max(1),
        }
    }

    /// Height of the caption strip under a cell: two lines of text.
    fn caption_height(&self) -> u32 {
        2 * (glyphs::GLYPH * self.scale + 3) + 2
    }

    /// The sheet's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        let w = self.columns * (self.cell + GAP) + GAP;
        let h = self.rows * (self.cell + self.caption_height() + GAP) + GAP;
        (w, h)
    }

    /// The sheet's size in pixels, computed without overflow (for the size cap).
    pub fn size_u64(&self) -> (u64, u64) {
        let (columns, rows, cell) = (
            u64::from(self.columns),
            u64::from(self.rows),
            u64::from(self.cell),
        );
        let gap = u64::from(GAP);
        let caption = u64::from(self.caption_height());
        (
            columns * (cell + gap) + gap,
            rows * (cell + caption + gap) + gap,
        )
    }

    /// Characters of caption that fit on a line.
    pub fn caption_chars(&self) -> usize {
        (self.cell / (glyphs::GLYPH * self.scale)) as usize
    }

    /// Top-left corner of cell `i`.
    fn origin(&self, i: u32) -> (u32, u32) {
        let (col, row) = (i % self.columns, i / self.columns);
        (
            GAP + col * (self.cell + GAP),
            GAP + row * (self.cell + self.caption_height() + GAP),
        )
    }
}

/// A sheet being drawn.
pub struct Sheet {
    layout: Layout,
    img: RgbImage,
}

impl Sheet {
    /// An empty sheet of `layout`.
    pub fn new(layout: Layout) -> Self {
        let (w, h) = layout.size();
        Self {
            layout,
            img: RgbImage::from_pixel(w, h, BACKGROUND),
        }
    }

    /// Draws cell `i`: the thumbnail (centred, or an empty cell when `None`) and the two
    /// caption lines, each cut to fit.
    pub fn draw(&mut self, index: u32, thumb: Option<&RgbImage>, line1: &str, line2: &str) {
        let layout = self.layout;
        let (left, top) = layout.origin(index);
        let (left, top) = (i64::from(left), i64::from(top));
        let cell = i64::from(layout.cell);
        if let Some(pic) = thumb {
            let dx = i64::from(layout.cell.saturating_sub(pic.width()) / 2);
            let dy = i64::from(layout.cell.saturating_sub(pic.height()) / 2);
            image::imageops::replace(&mut self.img, pic, left + dx, top + dy);
        } else {
            glyphs::fill(&mut self.img, left, top, cell, cell, EMPTY_CELL);
        }
        let fit = |s: &str| cut(s, layout.caption_chars());
        let line_h = i64::from(glyphs::GLYPH * layout.scale + 3);
        let text_y = top + cell + 3;
        let white = Rgb([235, 235, 235]);
        glyphs::draw(
            &mut self.img,
            left,
            text_y,
            &fit(line1),
            layout.scale,
            white,
        );
        let grey = Rgb([170, 170, 178]);
        glyphs::draw(
            &mut self.img,
            left,
            text_y + line_h,
            &fit(line2),
            layout.scale,
            grey,
        );
    }

    /// The finished sheet, encoded as PNG (`png`) or JPEG.
    pub fn encode(&self, png: bool) -> Result<Vec<u8>, image::ImageError> {
        let mut out = Cursor::new(Vec::new());
        let format = if png {
            image::ImageFormat::Png
        } else {
            image::ImageFormat::Jpeg
        };
        self.img.write_to(&mut out, format)?;
        Ok(out.into_inner())
    }
}

/// `s` cut to `max` characters, ending in `...` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    s.chars().take(max.saturating_sub(3)).collect::<String>() + "..."
}

/// The image in `bytes` scaled to fit `max`×`max`, decoded at reduced size.
pub fn thumbnail(bytes: &[u8], max: u32) -> Result<RgbImage, String> {
    let reduced = match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => jpeg_reduced(bytes, max)?,
        Ok(image::ImageFormat::Png) => png_reduced(bytes, max)?,
        _ => return Err("not a JPEG or PNG image".into()),
    };
    let (w, h) = reduced.dimensions();
    let ratio = f64::from(max) / f64::from(w.max(h).max(1));
    if ratio >= 1.0 {
        return Ok(reduced);
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "ratio < 1: the result is between 0 and v"
    )]
    let fit = |v: u32| ((f64::from(v) * ratio).round() as u32).max(1);
    Ok(image::imageops::resize(
        &reduced,
        fit(w),
        fit(h),
        FilterType::Triangle,
    ))
}

/// A JPEG decoded with DCT scaling to the smallest size at least `max` on its long side.
fn jpeg_reduced(bytes: &[u8], max: u32) -> Result<RgbImage, String> {
    let mut dec = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    dec.read_info().map_err(|e| e.to_string())?;
    crate::output::decode_bounds::check_jpeg(dec.info().ok_or("no JPEG header")?)?;
    let want = u16::try_from(max).unwrap_or(u16::MAX);
    let (w, h) = dec.scale(want, want).map_err(|e| e.to_string())?;
    let pixels = dec.decode().map_err(|e| e.to_string())?;
    let info = dec.info().ok_or("no JPEG header")?;
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&v| [v, v, v]).collect(),
        other => return Err(format!("unsupported JPEG pixel format {other:?}")),
    };
    RgbImage::from_raw(u32::from(w), u32::from(h), rgb).ok_or_else(|| "short JPEG data".into())
}

/// A PNG read row by row, each `f`×`f` block averaged into one pixel as the rows stream, `f`
/// the largest factor that keeps the long side at least `max`.
fn png_reduced(bytes: &[u8], max: u32) -> Result<RgbImage, String> {
    let mut dec = png::Decoder::new(Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().map_err(|e| e.to_string())?;
    crate::output::decode_bounds::check_png(reader.info())?;
    let (w, h) = (reader.info().width, reader.info().height);
    let f = (w.max(h) / max.max(1)).max(1);
    let (ow, oh) = (w.div_ceil(f), h.div_ceil(f));
    let channels = reader.output_color_type().0.samples();
    let mut out = RgbImage::new(ow, oh);
    let mut sums = vec![[0u32; 4]; ow as usize];
    let mut row_buf = vec![0u8; reader.output_line_size(w).ok_or("a PNG row too long")?];
    for y in 0..h {
        let row = reader
            .next_row()
            .map_err(|e| e.to_string())?
            .ok_or("the PNG ended early")?;
        let len = row_buf.len();
        row_buf.copy_from_slice(&row.data()[..len]);
        for (x, px) in row_buf.chunks_exact(channels).enumerate() {
            let rgb = if channels >= 3 {
                [px[0], px[1], px[2]]
            } else {
                [px[0]; 3]
            };
            let s = &mut sums[x / f as usize];
            for c in 0..3 {
                s[c] += u32::from(rgb[c]);
            }
            s[3] += 1;
        }
        if (y + 1) % f == 0 || y + 1 == h {
            for (x, s) in (0u32..).zip(sums.iter_mut()) {
                let n = s[3].max(1);
                let avg = [0, 1, 2].map(|c| u8::try_from(s[c] / n).unwrap_or(u8::MAX));
                out.put_pixel(x, y / f, Rgb(avg));
                *s = [0; 4];
            }
        }
    }
    Ok(out)
}

/// Reads at most `limit` bytes of `r` (a file): enough for any image segflux writes.
pub fn read_limited(r: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::BufReader::new(r.take(limit)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Lines of a manifest, read one at a time.
pub fn lines(r: impl Read) -> impl Iterator<Item = std::io::Result<String>> {
    std::io::BufReader::new(r).lines()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            Rgb([x.to_le_bytes()[0], y.to_le_bytes()[0], 90])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn thumbnails_fit_the_cell_and_keep_the_aspect_ratio() {
        for format in [image::ImageFormat::Jpeg, image::ImageFormat::Png] {
            let t = thumbnail(&encoded(1600, 900, format), 200).unwrap();
            assert_eq!(t.dimensions(), (200, 113), "{format:?}");
            let t = thumbnail(&encoded(90, 160, format), 200).unwrap();
            assert_eq!(
                t.dimensions(),
                (90, 160),
                "{format:?}: small ones stay as they are"
            );
        }
        assert!(thumbnail(b"GIF89a", 10).is_err());
    }

    #[test]
    fn the_layout_is_about_square_and_fits_every_cell() {
        let square = Layout::new(10, None, 256);
        assert_eq!((square.columns, square.rows), (4, 3));
        let one_row = Layout::new(3, Some(8), 100);
        assert_eq!((one_row.columns, one_row.rows), (3, 1));
        let tall = Layout::new(5, Some(2), 100);
        let (width, height) = tall.size();
        let (left, top) = tall.origin(4);
        assert!(left + 100 <= width && top + 100 + tall.caption_height() <= height);
    }

    #[test]
    fn cells_show_the_thumbnail_and_the_caption() {
        let l = Layout::new(2, None, 64);
        let mut sheet = Sheet::new(l);
        let thumb = RgbImage::from_pixel(64, 32, Rgb([255, 0, 0]));
        sheet.draw(0, Some(&thumb), "seed 1", "a red square and more words");
        sheet.draw(1, None, "FAILED", "");
        let (x0, y0) = l.origin(0);
        assert_eq!(sheet.img.get_pixel(x0 + 32, y0 + 32).0, [255, 0, 0]);
        assert_eq!(sheet.img.get_pixel(x0 + 32, y0 + 2).0, BACKGROUND.0);
        let (x1, y1) = l.origin(1);
        assert_eq!(sheet.img.get_pixel(x1 + 32, y1 + 32).0, EMPTY_CELL.0);
        let caption = (y0 + 64..y0 + 64 + l.caption_height())
            .flat_map(|y| (x0..x0 + 64).map(move |x| (x, y)))
            .filter(|&(x, y)| sheet.img.get_pixel(x, y).0 == [235, 235, 235])
            .count();
        assert!(caption > 20, "no caption drawn");
        assert_eq!(cut("abcdefghij", 8), "abcde...");
    }
}

//! What the emulator's images show: a landscape (sky, sun, two ranges of hills) in colours
//! drawn from a SHA-256 of the prompt and seed, then the prompt's words on a dark panel across
//! the middle and `seed N · W×H` along the bottom, in the bitmap font of [`crate::glyphs`].
//! Pixels only; encoding and sizes are `render`'s. Deterministic: the same inputs give the
//! same pixels.

use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};

use crate::draw::glyphs;

/// Characters per line the prompt aims for on a square image.
const LINE_CHARS: u32 = 24;

/// The SHA-256 of prompt and seed that every colour and shape of a landscape is drawn from.
type Digest32 = [u8; 32];

/// The landscape for (`prompt`, `seed`), `width`×`height` pixels.
pub(crate) fn landscape(prompt: &str, seed: u64, width: u32, height: u32) -> RgbImage {
    let d: Digest32 = Sha256::new()
        .chain_update(prompt.as_bytes())
        .chain_update(seed.to_le_bytes())
        .finalize()
        .into();
    let (w, h) = (f64::from(width), f64::from(height));
    let hills = Hills {
        far_top: ridge(&d, 15, 0.62, 0.08, width, height),
        near_top: ridge(&d, 17, 0.78, 0.06, width, height),
    };
    let sun = Sun {
        x: w * (0.15 + 0.7 * unit(&d, 19)),
        y: h * (0.18 + 0.2 * unit(&d, 20)),
        r: w.min(h) * 0.09,
    };
    paint(&Palette::new(&d), &sun, &hills, width, height)
}

/// The colours of one landscape.
struct Palette {
    sky_top: [u8; 3],
    sky_low: [u8; 3],
    sun: [u8; 3],
    far: [u8; 3],
    near: [u8; 3],
}

impl Palette {
    fn new(d: &Digest32) -> Self {
        Self {
            sky_top: colour(d, 0, 10, 120),
            sky_low: colour(d, 3, 120, 250),
            sun: colour(d, 6, 200, 255),
            far: colour(d, 9, 60, 170),
            near: colour(d, 12, 10, 90),
        }
    }
}

/// The colour in digest bytes `i..i + 3`, each channel scaled into `lo..=hi`.
fn colour(d: &Digest32, i: usize, lo: u8, hi: u8) -> [u8; 3] {
    let span = u16::from(hi - lo);
    [d[i], d[i + 1], d[i + 2]].map(|b| lo + u8::try_from(u16::from(b) * span / 255).unwrap_or(0))
}

/// Digest byte `i` as a fraction in `0..=1`.
fn unit(d: &Digest32, i: usize) -> f64 {
    f64::from(d[i]) / 255.0
}

/// The height of a ridge line at each column: around `base` (a fraction of the height) by up
/// to `amp`, two sine waves whose frequency and phase come from digest bytes `at` and `at + 1`.
fn ridge(digest: &Digest32, at: usize, base: f64, amp: f64, width: u32, height: u32) -> Vec<f64> {
    let (w, h) = (f64::from(width), f64::from(height));
    let (freq, phase) = (
        2.0 + 4.0 * unit(digest, at),
        std::f64::consts::TAU * unit(digest, at + 1),
    );
    (0..width)
        .map(|x| {
            let t = f64::from(x) / w;
            h * (base
                + amp
                    * ((freq * t * 3.0 + phase).sin() * 0.7
                        + (freq * t * 7.3 + phase * 2.0).sin() * 0.3))
        })
        .collect()
}

/// The two ranges of hills: the row of each one's ridge at every column.
struct Hills {
    far_top: Vec<f64>,
    near_top: Vec<f64>,
}

/// The sun: a disc of radius `r` centred on (`x`, `y`).
struct Sun {
    x: f64,
    y: f64,
    r: f64,
}

impl Sun {
    /// The columns the sun covers on row `fy`: `from..=to`, empty (`from > to`) off the disc.
    fn span(&self, fy: f64) -> (f64, f64) {
        let dy2 = (fy - self.y).powi(2);
        let half = (self.r * self.r - dy2).max(0.0).sqrt();
        if dy2 <= self.r * self.r {
            (self.x - half, self.x + half)
        } else {
            (1.0, 0.0)
        }
    }
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "ridge heights are non-negative and within the image; `min` bounds the index"
)]
/// Paints the image row by row: the near hills over the far ones, over the sun, over the sky.
fn paint(p: &Palette, sun: &Sun, hills: &Hills, width: u32, height: u32) -> RgbImage {
    let h = f64::from(height);
    // Per-row colours are computed once; the per-pixel work is a few comparisons.
    let sky: Vec<[u8; 3]> = (0..height)
        .map(|y| mix(p.sky_top, p.sky_low, f64::from(y) / (h * 0.8)))
        .collect();
    let depth: Vec<([u8; 3], [u8; 3])> = (0..height)
        .map(|y| {
            let t = f64::from(y) / h;
            (shade(p.far, t), shade(p.near, t))
        })
        .collect();
    let mut img = RgbImage::new(width, height);
    let tops = hills.far_top.iter().zip(&hills.near_top);
    for (y, row) in (0u32..).zip(img.rows_mut()) {
        let fy = f64::from(y);
        let (sun_from, sun_to) = sun.span(fy);
        let yi = y as usize;
        for ((x, px), (&far_y, &near_y)) in (0u32..).zip(row).zip(tops.clone()) {
            let fx = f64::from(x);
            px.0 = if fy >= near_y {
                // The hill's shade deepens with the distance below its ridge.
                depth[yi - (near_y as usize).min(yi)].1
            } else if fy >= far_y {
                depth[yi - (far_y as usize).min(yi)].0
            } else if fx >= sun_from && fx <= sun_to {
                p.sun
            } else {
                sky[yi]
            };
        }
    }
    img
}

/// `c` darkened as `depth` (0 to 1) grows.
fn shade(c: [u8; 3], depth: f64) -> [u8; 3] {
    mix(c, [0, 0, 0], depth.clamp(0.0, 1.0) * 0.8)
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the value is clamped to 0..=255 first"
)]
/// `a` blended towards `b` by `t` (0 to 1).
fn mix(a: [u8; 3], b: [u8; 3], t: f64) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| {
        let v = f64::from(a[i]) * (1.0 - t) + f64::from(b[i]) * t;
        v.round().clamp(0.0, 255.0) as u8
    })
}

/// Draws the prompt on a dark panel across the middle of `img`, and `seed N · W×H` at the
/// bottom left; on an image too small for a line of text, nothing.
pub(crate) fn caption(img: &mut RgbImage, prompt: &str, seed: u64) {
    let (width, height) = img.dimensions();
    let scale = (width.min(height) / (LINE_CHARS * glyphs::GLYPH)).max(1);
    let per_line = (width * 85 / 100) / (glyphs::GLYPH * scale);
    let max_lines = (height / 2) / (glyphs::GLYPH * scale * 5 / 4);
    if per_line < 4 || max_lines < 1 {
        return;
    }
    let lines = glyphs::wrap(prompt, per_line as usize, max_lines as usize);
    prompt_panel(img, &lines, scale);
    footer(img, seed, scale);
}

/// The black of the panels behind the prompt and the footer.
const PANEL: Rgb<u8> = Rgb([0, 0, 0]);

/// How opaque [`PANEL`] is, out of 255.
const PANEL_ALPHA: u8 = 150;

/// The prompt's `lines` in white at `scale`, centred on a dark panel in the middle of `img`.
fn prompt_panel(img: &mut RgbImage, lines: &[String], scale: u32) {
    let (width, height) = img.dimensions();
    let glyph = i64::from(glyphs::GLYPH * scale);
    let line_h = glyph * 5 / 4;
    let block_h = line_h * i64::try_from(lines.len()).unwrap_or(1);
    let (w, h) = (i64::from(width), i64::from(height));
    let pad = glyph / 2;
    let top = (h - block_h) / 2;
    let widest = lines
        .iter()
        .map(|l| glyphs::text_width(l, scale))
        .max()
        .unwrap_or(0);
    let left = (w - i64::from(widest)) / 2;
    glyphs::blend(
        img,
        left - pad,
        top - pad,
        i64::from(widest) + 2 * pad,
        block_h + 2 * pad,
        PANEL,
        PANEL_ALPHA,
    );
    for (i, line) in (0i64..).zip(lines) {
        let x = (w - i64::from(glyphs::text_width(line, scale))) / 2;
        glyphs::draw(img, x, top + i * line_h, line, scale, Rgb([255, 255, 255]));
    }
}

/// `seed N · W×H` in light grey on a dark strip at the bottom left of `img`, a third of the
/// prompt's `scale` (at least 1).
fn footer(img: &mut RgbImage, seed: u64, scale: u32) {
    let (width, height) = img.dimensions();
    let h = i64::from(height);
    let small = (scale / 3).max(1);
    let footer = format!("seed {seed} \u{b7} {width}\u{d7}{height}");
    let fh = i64::from(glyphs::GLYPH * small);
    let margin = fh / 2 + 1;
    glyphs::blend(
        img,
        0,
        h - fh - 2 * margin,
        i64::from(glyphs::text_width(&footer, small)) + 2 * margin,
        fh + 2 * margin,
        PANEL,
        PANEL_ALPHA,
    );
    glyphs::draw(
        img,
        margin,
        h - fh - margin,
        &footer,
        small,
        Rgb([230, 230, 230]),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_is_written_in_white_on_the_picture() {
        let mut img = landscape("a red fox", 7, 256, 256);
        let white = |img: &RgbImage| img.pixels().filter(|p| p.0 == [255, 255, 255]).count();
        let before = white(&img);
        caption(&mut img, "a red fox", 7);
        assert!(white(&img) > before + 100, "no text drawn");
        // The text sits in the middle band, not at the top.
        let top_rows = (0..40).flat_map(|y| (0..256).map(move |x| (x, y)));
        assert!(
            top_rows
                .clone()
                .all(|(x, y)| img.get_pixel(x, y).0 != [255, 255, 255])
        );
    }

    #[test]
    fn a_tiny_image_gets_no_text_and_no_panic() {
        let mut img = landscape("p", 1, 8, 3);
        caption(&mut img, "p", 1);
        assert_eq!(img.dimensions(), (8, 3));
    }
}

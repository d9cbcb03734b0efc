//! What the emulator's images show: a landscape (sky, sun, two ranges of hills) in colours
//! drawn from a SHA-256 of the prompt and seed, then the prompt's words on a dark panel across
//! the middle and `seed N · W×H` along the bottom, in the bitmap font of [`crate::glyphs`].
//! Pixels only; encoding and sizes are `render`'s. Deterministic: the same inputs give the
//! same pixels.

use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};

use crate::glyphs;

/// Characters per line the prompt aims for on a square image.
const LINE_CHARS: u32 = 24;

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "ridge heights are non-negative and within the image; `min` bounds the index"
)]
/// The landscape for (`prompt`, `seed`), `width`×`height` pixels.
pub(crate) fn landscape(prompt: &str, seed: u64, width: u32, height: u32) -> RgbImage {
    let d = Sha256::new()
        .chain_update(prompt.as_bytes())
        .chain_update(seed.to_le_bytes())
        .finalize();
    let colour = |i: usize, lo: u8, hi: u8| {
        let span = u16::from(hi - lo);
        [d[i], d[i + 1], d[i + 2]]
            .map(|b| lo + u8::try_from(u16::from(b) * span / 255).unwrap_or(0))
    };
    let (sky_top, sky_low) = (colour(0, 10, 120), colour(3, 120, 250));
    let sun = colour(6, 200, 255);
    let (far, near) = (colour(9, 60, 170), colour(12, 10, 90));
    let (w, h) = (f64::from(width), f64::from(height));
    let unit = |i: usize| f64::from(d[i]) / 255.0;
    let ridge = |base: f64, amp: f64, i: usize| -> Vec<f64> {
        let (freq, phase) = (2.0 + 4.0 * unit(i), std::f64::consts::TAU * unit(i + 1));
        (0..width)
            .map(|x| {
                let t = f64::from(x) / w;
                h * (base
                    + amp
                        * ((freq * t * 3.0 + phase).sin() * 0.7
                            + (freq * t * 7.3 + phase * 2.0).sin() * 0.3))
            })
            .collect()
    };
    let (far_top, near_top) = (ridge(0.62, 0.08, 15), ridge(0.78, 0.06, 17));
    let (sun_x, sun_y) = (w * (0.15 + 0.7 * unit(19)), h * (0.18 + 0.2 * unit(20)));
    let sun_r = w.min(h) * 0.09;
    // Per-row colours are computed once; the per-pixel work is a few comparisons.
    let sky: Vec<[u8; 3]> = (0..height)
        .map(|y| mix(sky_top, sky_low, f64::from(y) / (h * 0.8)))
        .collect();
    let depth: Vec<([u8; 3], [u8; 3])> = (0..height)
        .map(|y| {
            let t = f64::from(y) / h;
            (shade(far, t), shade(near, t))
        })
        .collect();
    let mut img = RgbImage::new(width, height);
    for (y, row) in (0u32..).zip(img.rows_mut()) {
        let fy = f64::from(y);
        let dy2 = (fy - sun_y).powi(2);
        let half = (sun_r * sun_r - dy2).max(0.0).sqrt();
        let (sun_from, sun_to) = if dy2 <= sun_r * sun_r {
            (sun_x - half, sun_x + half)
        } else {
            (1.0, 0.0)
        };
        let yi = y as usize;
        for ((x, px), (&far_y, &near_y)) in (0u32..).zip(row).zip(far_top.iter().zip(&near_top)) {
            let fx = f64::from(x);
            px.0 = if fy >= near_y {
                // The hill's shade deepens with the distance below its ridge.
                depth[yi - (near_y as usize).min(yi)].1
            } else if fy >= far_y {
                depth[yi - (far_y as usize).min(yi)].0
            } else if fx >= sun_from && fx <= sun_to {
                sun
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
    let glyph = i64::from(glyphs::GLYPH * scale);
    let per_line = (width * 85 / 100) / (glyphs::GLYPH * scale);
    let max_lines = (height / 2) / (glyphs::GLYPH * scale * 5 / 4);
    if per_line < 4 || max_lines < 1 {
        return;
    }
    let lines = glyphs::wrap(prompt, per_line as usize, max_lines as usize);
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
    let black = Rgb([0, 0, 0]);
    glyphs::blend(
        img,
        left - pad,
        top - pad,
        i64::from(widest) + 2 * pad,
        block_h + 2 * pad,
        black,
        150,
    );
    for (i, line) in (0i64..).zip(&lines) {
        let x = (w - i64::from(glyphs::text_width(line, scale))) / 2;
        glyphs::draw(img, x, top + i * line_h, line, scale, Rgb([255, 255, 255]));
    }
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
        black,
        150,
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

//! Text drawn into pictures with an 8×8 bitmap font: the emulator writes a prompt's words on
//! its stand-in images, and `segflux sheet` captions its cells. The glyphs are the public
//! domain 8×8 font packaged by the `font8x8` crate (MIT); ASCII and Latin-1 are covered, any
//! other character is drawn as `?`. Pure: pixels in, pixels out, no I/O. A leaf module: it
//! uses nothing else from the crate, so the emulator may use it too.

use font8x8::legacy::{BASIC_LEGACY, LATIN_LEGACY};
use image::{Rgb, RgbImage};

/// Width and height of one glyph, in font pixels.
pub const GLYPH: u32 = 8;

/// The 8 rows of `c`'s glyph; bit 0 of a row is its leftmost pixel.
fn glyph(c: char) -> [u8; 8] {
    let code = u32::from(c);
    let found = match code {
        0x20..0x7f => BASIC_LEGACY.get(code as usize),
        0xa0..=0xff => LATIN_LEGACY.get(code as usize - 0xa0),
        _ => None,
    };
    found.copied().unwrap_or(BASIC_LEGACY[usize::from(b'?')])
}

/// The width in pixels of `text` drawn at `scale` (each font pixel a `scale`-pixel square).
pub fn text_width(text: &str, scale: u32) -> u32 {
    let chars = u32::try_from(text.chars().count()).unwrap_or(u32::MAX);
    chars.saturating_mul(GLYPH * scale)
}

/// Draws `text` with its top-left corner at (`x`, `y`); what falls outside is clipped.
pub fn draw(img: &mut RgbImage, x: i64, y: i64, text: &str, scale: u32, colour: Rgb<u8>) {
    let scale = i64::from(scale.max(1));
    let cell = i64::from(GLYPH) * scale;
    for (i, c) in text.chars().enumerate() {
        let left = x + i64::try_from(i).unwrap_or(i64::MAX / 2) * cell;
        for (row, bits) in (0i64..).zip(glyph(c)) {
            for col in 0..8i64 {
                if bits >> col & 1 == 1 {
                    fill(
                        img,
                        left + col * scale,
                        y + row * scale,
                        scale,
                        scale,
                        colour,
                    );
                }
            }
        }
    }
}

/// Fills the `w`×`h` rectangle at (`x`, `y`), clipped to the image.
pub fn fill(img: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, colour: Rgb<u8>) {
    blend(img, x, y, w, h, colour, 255);
}

/// Mixes `colour` into the `w`×`h` rectangle at (`x`, `y`) with opacity `alpha` of 255,
/// clipped to the image.
pub fn blend(img: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, colour: Rgb<u8>, alpha: u8) {
    let clip = |v: i64, max: u32| u32::try_from(v.clamp(0, i64::from(max))).unwrap_or(0);
    let (left, right) = (clip(x, img.width()), clip(x + w, img.width()));
    let (top, bottom) = (clip(y, img.height()), clip(y + h, img.height()));
    let opacity = u16::from(alpha);
    for row in top..bottom {
        for col in left..right {
            let pixel = img.get_pixel_mut(col, row);
            for (dst, src) in pixel.0.iter_mut().zip(colour.0) {
                let mixed = (u16::from(src) * opacity + u16::from(*dst) * (255 - opacity)) / 255;
                *dst = u8::try_from(mixed).unwrap_or(u8::MAX);
            }
        }
    }
}

/// `text` broken at spaces into at most `max_lines` lines of at most `width` characters; a
/// word longer than a line is cut, and text that does not fit ends in `...`.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let gap = usize::from(used > 0);
            if used + gap + word.len() <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            let rest = word.split_off(width);
            lines.push(word.into_iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            let keep = width.saturating_sub(3).min(last.chars().count());
            *last = last.chars().take(keep).collect::<String>() + "...";
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_in_the_colour_given_and_clipped() {
        let mut img = RgbImage::new(40, 10);
        draw(&mut img, 0, 1, "HI", 1, Rgb([255, 0, 0]));
        let red = img.pixels().filter(|p| p.0 == [255, 0, 0]).count();
        assert!(red > 10, "{red} pixels drawn");
        // Off the image entirely: nothing changes, nothing panics.
        let before = img.clone();
        draw(&mut img, -100, -100, "HI", 3, Rgb([0, 255, 0]));
        draw(&mut img, 1000, 5, "HI", 3, Rgb([0, 255, 0]));
        assert_eq!(img, before);
    }

    #[test]
    fn unknown_characters_draw_as_a_question_mark() {
        assert_eq!(glyph('\u{4e00}'), glyph('?'));
        assert_ne!(glyph('é'), glyph('?'));
        assert_eq!(text_width("héllo", 2), 5 * 16);
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_marks_what_was_cut() {
        assert_eq!(wrap("a cat on a mat", 8, 3), ["a cat on", "a mat"]);
        assert_eq!(wrap("abcdefghij", 4, 5), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("one two three four", 7, 2), ["one two", "thre..."]);
        assert!(wrap("   ", 5, 2).is_empty());
    }
}

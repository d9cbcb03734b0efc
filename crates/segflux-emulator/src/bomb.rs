//! The JPEG dimension bomb served by [`crate::FaultKind::DimensionBomb`]: a progressive
//! (SOF2) greyscale JPEG of about 130 bytes whose frame header declares 65500×65500 pixels.
//! Its one DC scan codes every block as "no change", so a decoder that trusts the header
//! holds 65500² coefficients (8.6 GB) before it finds out there is no picture.

/// The declared width and height.
pub const SIDE: u16 = 65500;

/// The bomb's bytes.
pub fn jpeg() -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8]; // SOI
    // DQT: table 0, 8-bit, all ones.
    let mut dqt = vec![0x00];
    dqt.extend_from_slice(&[1; 64]);
    segment(&mut out, 0xDB, &dqt);
    // SOF2 (progressive): 8-bit, SIDE×SIDE, one component (id 1, 1×1, table 0).
    let [hi, lo] = SIDE.to_be_bytes();
    segment(&mut out, 0xC2, &[8, hi, lo, hi, lo, 1, 1, 0x11, 0]);
    // DHT: DC table 0 with one 1-bit code for category 0 (a zero difference).
    let mut dht = vec![0x00, 1];
    dht.extend_from_slice(&[0; 15]);
    dht.push(0);
    segment(&mut out, 0xC4, &dht);
    // SOS: the DC-first scan of component 1 (Ss 0, Se 0, Ah/Al 0).
    segment(&mut out, 0xDA, &[1, 1, 0x00, 0, 0, 0x00]);
    // A few bytes of zero bits (every block "no change"), then EOI.
    out.extend_from_slice(&[0; 16]);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    let len = u16::try_from(body.len() + 2).unwrap_or(u16::MAX);
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bomb_is_tiny_and_declares_65500_square() {
        let bytes = super::jpeg();
        assert!(bytes.len() < 220, "{}", bytes.len());
        let dims =
            image::ImageReader::with_format(std::io::Cursor::new(&bytes), image::ImageFormat::Jpeg)
                .into_dimensions()
                .unwrap();
        let side = u32::from(super::SIDE);
        assert_eq!(dims, (side, side));
        assert_eq!(bytes[2 + 69..2 + 71], [0xFF, 0xC2], "SOF2 follows the DQT");
    }
}

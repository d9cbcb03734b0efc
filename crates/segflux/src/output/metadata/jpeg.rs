//! The record in a JPEG file: two `APP1` segments inserted after `SOI` (and after the
//! `APP0` JFIF header, when there is one).
//!
//! - Exif (`Exif\0\0`, big-endian TIFF): `Software` = segflux and its version, and
//!   `UserComment` = the A1111-style `parameters` text (`UNICODE\0` + UTF-16BE, as A1111
//!   writes it through piexif), which image galleries read;
//! - XMP (`http://ns.adobe.com/xap/1.0/\0` + the packet): the full record, what
//!   `segflux inspect` reads.
//!
//! A segment holds at most 65533 bytes. A record too long for one (a prompt of tens of
//! kilobytes, a huge `-p` value) is shortened in that segment: long values are cut, end in
//! `…`, and the record says `truncated` (`--sidecar` keeps the whole record). Exif and XMP
//! segments the file already had are dropped, so a file carries one record; every other
//! segment, and everything from the first `SOS` on (the image data), is copied byte for byte.

use super::{GenerationRecord, xmp};

const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const EXIF_ID: &[u8] = b"Exif\0\0";
/// The most a segment can hold after its two length bytes.
const MAX_PAYLOAD: usize = 65533;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;

/// Whether `bytes` start like a JPEG file (`SOI` and a marker).
pub fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// One marker segment before the image data.
struct Segment<'a> {
    marker: u8,
    payload: &'a [u8],
    /// The whole segment, marker and length included.
    raw: &'a [u8],
}

/// The segments between `SOI` and the first `SOS`, and the bytes from that `SOS` on.
fn segments(bytes: &[u8]) -> Result<(Vec<Segment<'_>>, &[u8]), String> {
    if !is_jpeg(bytes) {
        return Err("not a JPEG file".into());
    }
    let mut out = Vec::new();
    let mut pos = 2;
    loop {
        let start = pos;
        if bytes.get(pos) != Some(&0xFF) {
            return Err(format!("no JPEG marker at byte {pos}"));
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1; // fill bytes
        }
        let marker = *bytes.get(pos).ok_or("the JPEG file ends inside a marker")?;
        pos += 1;
        match marker {
            0xDA => return Ok((out, &bytes[start..])),
            0xD9 => return Err("the JPEG file ends before its image data".into()),
            0x01 | 0xD0..=0xD7 => out.push(Segment {
                marker,
                payload: &[],
                raw: &bytes[start..pos],
            }),
            _ => {
                let len = bytes
                    .get(pos..pos + 2)
                    .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
                    .filter(|len| *len >= 2)
                    .ok_or("a JPEG segment has no valid length")?;
                let end = pos + len;
                let raw = bytes
                    .get(start..end)
                    .ok_or("the JPEG file ends inside a segment")?;
                out.push(Segment {
                    marker,
                    payload: &bytes[pos + 2..end],
                    raw,
                });
                pos = end;
            }
        }
    }
}

/// Whether `s` is an Exif or XMP segment (ours replaces it).
fn replaced(s: &Segment<'_>) -> bool {
    s.marker == APP1
        && [EXIF_ID, XMP_ID, XMP_EXTENSION_ID]
            .iter()
            .any(|id| s.payload.starts_with(id))
}

/// Inserts the Exif and XMP segments after `SOI` and any leading `APP0`.
pub fn embed(bytes: &[u8], rec: &GenerationRecord) -> Result<Vec<u8>, String> {
    let (segments, image_data) = segments(bytes)?;
    let exif = fit(rec, exif_payload)?;
    let xmp = fit(rec, |r| [XMP_ID, xmp::packet(r).as_bytes()].concat())?;
    let lead = segments.iter().take_while(|s| s.marker == APP0).count();
    let mut out = Vec::with_capacity(bytes.len() + exif.len() + xmp.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    for s in &segments[..lead] {
        out.extend_from_slice(s.raw);
    }
    out.extend_from_slice(&exif);
    out.extend_from_slice(&xmp);
    for s in segments[lead..].iter().filter(|s| !replaced(s)) {
        out.extend_from_slice(s.raw);
    }
    out.extend_from_slice(image_data);
    Ok(out)
}

/// An `APP1` segment of the payload `build` makes of the record, shortening the record's
/// long values (32 Ki characters, then halving) until the payload fits in one segment.
fn fit(
    rec: &GenerationRecord,
    build: impl Fn(&GenerationRecord) -> Vec<u8>,
) -> Result<Vec<u8>, String> {
    let mut payload = build(rec);
    let mut max = 32 * 1024;
    while payload.len() > MAX_PAYLOAD {
        if max < 16 {
            return Err("the generation record does not fit in a JPEG segment".into());
        }
        payload = build(&rec.shortened(max));
        max /= 2;
    }
    let len = u16::try_from(payload.len() + 2).map_err(|e| e.to_string())?;
    let mut out = vec![0xFF, APP1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    Ok(out)
}

/// The Exif payload: a big-endian TIFF structure with IFD0 {Software, Exif IFD pointer} and
/// the Exif IFD {`ExifVersion` 0232, `UserComment`}.
fn exif_payload(rec: &GenerationRecord) -> Vec<u8> {
    const ASCII: u16 = 2;
    const LONG: u16 = 4;
    const UNDEFINED: u16 = 7;
    const IFD0_AT: u32 = 8;
    const IFD_LEN: u32 = 2 + 2 * 12 + 4; // two entries each
    const EXIF_IFD_AT: u32 = IFD0_AT + IFD_LEN;

    let software = exif_ascii(&rec.generator);
    let comment = exif_unicode_comment(&rec.parameters());
    let mut values = ValueArea::after(EXIF_IFD_AT + IFD_LEN);
    let ifd0 = [
        (0x0131, ASCII, count(&software), values.place(&software)),
        (0x8769, LONG, 1, EXIF_IFD_AT.to_be_bytes()),
    ];
    let exif_ifd = [
        (0x9000, UNDEFINED, 4, values.place(b"0232")),
        (0x9286, UNDEFINED, count(&comment), values.place(&comment)),
    ];

    let mut out = EXIF_ID.to_vec();
    out.extend_from_slice(b"MM\0\x2a");
    out.extend_from_slice(&IFD0_AT.to_be_bytes());
    for ifd in [ifd0, exif_ifd] {
        out.extend_from_slice(&2u16.to_be_bytes());
        for (tag, kind, n, value) in ifd {
            out.extend_from_slice(&u16::to_be_bytes(tag));
            out.extend_from_slice(&u16::to_be_bytes(kind));
            out.extend_from_slice(&u32::to_be_bytes(n));
            out.extend_from_slice(&value);
        }
        out.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    }
    out.extend_from_slice(&values.bytes);
    out
}

/// A TIFF value count.
fn count(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.len()).unwrap_or(u32::MAX)
}

/// An Exif ASCII value: NUL-terminated, anything outside ASCII (or a NUL) as `?`.
fn exif_ascii(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            u8::try_from(c)
                .ok()
                .filter(|b| b.is_ascii() && *b != 0)
                .unwrap_or(b'?')
        })
        .chain([0])
        .collect()
}

/// An Exif `UserComment` in the UNICODE character code (UTF-16, big-endian like the TIFF).
fn exif_unicode_comment(s: &str) -> Vec<u8> {
    let mut comment = b"UNICODE\0".to_vec();
    for unit in s.encode_utf16() {
        comment.extend_from_slice(&unit.to_be_bytes());
    }
    comment
}

/// The value area after the IFDs: values longer than 4 bytes live there at even offsets,
/// shorter ones inline in their entry.
struct ValueArea {
    at: u32,
    bytes: Vec<u8>,
}

impl ValueArea {
    fn after(at: u32) -> Self {
        Self {
            at,
            bytes: Vec::new(),
        }
    }

    /// The 4-byte field of an entry holding `value`: the value inline, or its offset.
    fn place(&mut self, value: &[u8]) -> [u8; 4] {
        if value.len() <= 4 {
            let mut inline = [0; 4];
            inline[..value.len()].copy_from_slice(value);
            return inline;
        }
        let offset = self.at + count(&self.bytes);
        self.bytes.extend_from_slice(value);
        if self.bytes.len() % 2 == 1 {
            self.bytes.push(0);
        }
        offset.to_be_bytes()
    }
}

/// The record in the file's XMP segment, if there is one.
pub fn read(bytes: &[u8]) -> Option<GenerationRecord> {
    let (segments, _) = segments(bytes).ok()?;
    segments
        .iter()
        .filter(|s| s.marker == APP1)
        .filter_map(|s| s.payload.strip_prefix(XMP_ID))
        .filter_map(|p| std::str::from_utf8(p).ok())
        .find_map(xmp::parse)
}

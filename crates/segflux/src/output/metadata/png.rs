//! The record in a PNG file: three text chunks inserted just before the first `IDAT`.
//!
//! - `parameters`: the A1111-style text (`tEXt` when it is Latin-1, else `iTXt`, as A1111 and
//!   Pillow write it), which image galleries read;
//! - `segflux`: `iTXt`, the record as compact JSON, what `segflux inspect` reads;
//! - `XML:com.adobe.xmp`: `iTXt`, the XMP packet, for exiftool and photo managers.
//!
//! All uncompressed. Chunks with these keywords that the file already had are dropped, so a
//! file carries one record; every other chunk, `IDAT` included, is copied byte for byte.

use super::{GenerationRecord, xmp};

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
const PARAMETERS: &str = "parameters";
const RECORD: &str = "segflux";
const XMP: &str = "XML:com.adobe.xmp";

/// Whether `bytes` start with the PNG signature.
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

/// One chunk of the file.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// The whole chunk: length, type, data, CRC.
    raw: &'a [u8],
}

/// The chunks after the signature, up to and including `IEND`, and whatever follows it.
fn chunks(bytes: &[u8]) -> Result<(Vec<Chunk<'_>>, &[u8]), String> {
    if !is_png(bytes) {
        return Err("not a PNG file".into());
    }
    let mut out = Vec::new();
    let mut pos = SIGNATURE.len();
    loop {
        let head = bytes
            .get(pos..pos + 8)
            .ok_or("the PNG file ends inside a chunk header")?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = [head[4], head[5], head[6], head[7]];
        let end = pos + 12 + len;
        let raw = bytes
            .get(pos..end)
            .ok_or("the PNG file ends inside a chunk")?;
        out.push(Chunk {
            kind,
            data: &raw[8..8 + len],
            raw,
        });
        pos = end;
        if &kind == b"IEND" {
            return Ok((out, &bytes[pos..]));
        }
    }
}

/// The keyword of a text chunk (`tEXt`, `zTXt`, `iTXt`), if `c` is one.
fn keyword<'a>(c: &Chunk<'a>) -> Option<&'a [u8]> {
    if matches!(&c.kind, b"tEXt" | b"zTXt" | b"iTXt") {
        c.data.split(|b| *b == 0).next()
    } else {
        None
    }
}

/// The text of an uncompressed `iTXt` chunk with this keyword.
fn itxt_text<'a>(c: &Chunk<'a>, want: &str) -> Option<&'a str> {
    if &c.kind != b"iTXt" || keyword(c)? != want.as_bytes() {
        return None;
    }
    // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
    let rest = c.data.get(want.len() + 1..)?;
    let (&[flag, _method], rest) = rest.split_first_chunk::<2>()?;
    if flag != 0 {
        return None;
    }
    let lang_end = rest.iter().position(|b| *b == 0)?;
    let rest = &rest[lang_end + 1..];
    let translated_end = rest.iter().position(|b| *b == 0)?;
    std::str::from_utf8(&rest[translated_end + 1..]).ok()
}

/// A chunk of `kind` holding `data`, with its length and CRC.
fn chunk(kind: [u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(&kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// An uncompressed `iTXt` chunk, no language tag.
fn itxt(keyword: &str, text: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(keyword.len() + text.len() + 5);
    data.extend_from_slice(keyword.as_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());
    chunk(*b"iTXt", &data)
}

/// `tEXt` when `text` is Latin-1 (as PNG requires of `tEXt`), else `iTXt`. A NUL, which
/// neither may hold, becomes a space.
fn text_chunk(keyword: &str, text: &str) -> Vec<u8> {
    let text = text.replace('\0', " ");
    let latin1: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
    match latin1 {
        Some(bytes) => {
            let mut data = keyword.as_bytes().to_vec();
            data.push(0);
            data.extend_from_slice(&bytes);
            chunk(*b"tEXt", &data)
        }
        None => itxt(keyword, &text),
    }
}

/// Inserts the record's chunks before the first `IDAT`.
pub fn embed(bytes: &[u8], rec: &GenerationRecord) -> Result<Vec<u8>, String> {
    let (chunks, trailer) = chunks(bytes)?;
    let ours = [
        text_chunk(PARAMETERS, &rec.parameters()),
        itxt(RECORD, &rec.to_json()),
        itxt(XMP, &xmp::packet(rec)),
    ]
    .concat();
    let mut out = Vec::with_capacity(bytes.len() + ours.len());
    out.extend_from_slice(&SIGNATURE);
    let mut inserted = false;
    for c in &chunks {
        if keyword(c).is_some_and(|k| [PARAMETERS, RECORD, XMP].iter().any(|o| k == o.as_bytes())) {
            continue;
        }
        if &c.kind == b"IDAT" && !inserted {
            out.extend_from_slice(&ours);
            inserted = true;
        }
        out.extend_from_slice(c.raw);
    }
    if !inserted {
        return Err("the PNG file has no image data (IDAT)".into());
    }
    out.extend_from_slice(trailer);
    Ok(out)
}

/// The record: the `segflux` chunk, else the XMP packet.
pub fn read(bytes: &[u8]) -> Option<GenerationRecord> {
    let (chunks, _) = chunks(bytes).ok()?;
    chunks
        .iter()
        .find_map(|c| itxt_text(c, RECORD).and_then(GenerationRecord::from_json))
        .or_else(|| {
            chunks
                .iter()
                .find_map(|c| itxt_text(c, XMP).and_then(xmp::parse))
        })
}

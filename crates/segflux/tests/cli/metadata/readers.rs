//! Readers of the record that had no part in writing it: the `png` crate's text chunks,
//! `kamadak-exif` for the Exif `UserComment`, `zune-jpeg` / `image` for the raw XMP packet,
//! and `roxmltree` to parse that packet as XML.

use std::io::Cursor;

use image::ImageDecoder as _;

/// segflux's XMP namespace, spelled out here so a change to it fails a test.
pub const NS: &str = "urn:segflux:xmp:1.0#";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// The XMP packet as the `image` crate extracts it (via zune-jpeg for JPEG, png for PNG).
pub fn xmp_packet(bytes: &[u8]) -> String {
    let xmp = if bytes.starts_with(b"\x89PNG") {
        image::codecs::png::PngDecoder::new(Cursor::new(bytes))
            .expect("png")
            .xmp_metadata()
    } else {
        image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes))
            .expect("jpeg")
            .xmp_metadata()
    };
    String::from_utf8(xmp.expect("read").expect("an XMP packet")).expect("UTF-8")
}

/// A simple property of the XMP packet, found by namespace URI and local name.
pub fn xmp_property(doc: &roxmltree::Document<'_>, ns: &str, name: &str) -> Option<String> {
    doc.descendants()
        .find(|n| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == name)
        .map(|n| n.text().unwrap_or("").to_owned())
}

/// `dc:description`'s default-language text.
pub fn xmp_description(doc: &roxmltree::Document<'_>) -> Option<String> {
    doc.descendants()
        .find(|n| n.tag_name().namespace() == Some(DC) && n.tag_name().name() == "description")?
        .descendants()
        .find(|n| n.tag_name().namespace() == Some(RDF) && n.tag_name().name() == "li")
        .map(|n| n.text().unwrap_or("").to_owned())
}

/// The Exif `UserComment` as kamadak-exif reads it, decoded per its `UNICODE` prefix in the
/// TIFF byte order; and the `Software` tag.
pub fn exif_fields(bytes: &[u8]) -> (String, String) {
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .expect("an Exif block");
    let comment = exif
        .get_field(exif::Tag::UserComment, exif::In::PRIMARY)
        .expect("UserComment");
    let exif::Value::Undefined(raw, _) = &comment.value else {
        panic!("UserComment is not UNDEFINED: {comment:?}");
    };
    let body = raw.strip_prefix(b"UNICODE\0").expect("a UNICODE comment");
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|p| {
            if exif.little_endian() {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        })
        .collect();
    let software = exif
        .get_field(exif::Tag::Software, exif::In::PRIMARY)
        .expect("Software")
        .display_value()
        .to_string();
    (String::from_utf16(&units).expect("UTF-16"), software)
}

/// The PNG text chunks as the `png` crate reads them: (keyword, text), tEXt and iTXt alike.
pub fn png_texts(bytes: &[u8]) -> Vec<(String, String)> {
    let reader = png::Decoder::new(Cursor::new(bytes))
        .read_info()
        .expect("png");
    let info = reader.info();
    let mut out: Vec<(String, String)> = info
        .uncompressed_latin1_text
        .iter()
        .map(|c| (c.keyword.clone(), c.text.clone()))
        .collect();
    out.extend(
        info.utf8_text
            .iter()
            .map(|c| (c.keyword.clone(), c.get_text().expect("iTXt text"))),
    );
    out
}

pub fn text_of<'a>(texts: &'a [(String, String)], keyword: &str) -> &'a str {
    let found: Vec<&(String, String)> = texts.iter().filter(|(k, _)| k == keyword).collect();
    assert_eq!(found.len(), 1, "one {keyword} chunk: {texts:?}");
    &found[0].1
}

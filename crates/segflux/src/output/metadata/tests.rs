//! Round trips through both formats, with the pixels and the image data checked untouched.

use std::io::Cursor;

use serde_json::json;

use super::*;

fn encoded(codec: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 8, |x, y| {
        image::Rgb([
            u8::try_from(x * 15).unwrap(),
            u8::try_from(y * 30).unwrap(),
            120,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, codec).expect("encode");
    out.into_inner()
}

fn png() -> Vec<u8> {
    encoded(image::ImageFormat::Png)
}

fn jpg() -> Vec<u8> {
    encoded(image::ImageFormat::Jpeg)
}

fn pixels(bytes: &[u8]) -> Vec<u8> {
    image::load_from_memory(bytes)
        .expect("decodes")
        .to_rgb8()
        .into_raw()
}

fn record(prompt: &str) -> GenerationRecord {
    let body = json!({
        "prompt": prompt, "aspect_ratio": "16:9", "seed": 42, "raw": false,
        "safety_tolerance": 2, "output_format": "jpg", "steps": 30, "style": "a, b",
    });
    GenerationRecord {
        created: Some(utc_timestamp(1_700_000_000)),
        ..GenerationRecord::from_body("req-123", Some("flux-1.1-pro-ultra"), &body)
    }
}

/// Where the image data starts: the first `IDAT` chunk (its length field) or `SOS` marker.
fn image_data(bytes: &[u8]) -> &[u8] {
    let at = match bytes.windows(4).position(|w| w == b"IDAT") {
        Some(i) if png::is_png(bytes) => i - 4,
        _ => bytes
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("SOS"),
    };
    &bytes[at..]
}

#[test]
fn the_record_takes_its_fields_from_the_submitted_body() {
    let r = record("a lighthouse");
    assert_eq!(r.prompt.as_deref(), Some("a lighthouse"));
    assert_eq!(r.seed, Some(42));
    assert_eq!(r.model.as_deref(), Some("flux-1.1-pro-ultra"));
    assert_eq!(r.aspect_ratio.as_deref(), Some("16:9"));
    assert_eq!((r.raw, r.safety_tolerance), (Some(false), Some(2)));
    assert_eq!(r.image_prompt, None);
    assert_eq!(
        Value::Object(r.params.clone()),
        json!({"steps": 30, "style": "a, b"})
    );
    assert_eq!(r.request_id, "req-123");
    assert_eq!(r.generator, GENERATOR);
    assert!(GENERATOR.starts_with("segflux "));
    let back = GenerationRecord::from_json(&r.to_json_pretty()).unwrap();
    assert_eq!(back, r);
    // A fetch of a job this machine did not submit knows the id only; nothing is guessed.
    let bare = GenerationRecord::new("x");
    assert_eq!(
        bare.to_json(),
        format!(r#"{{"request_id":"x","generator":"{GENERATOR}","v":1}}"#)
    );
}

#[test]
fn the_parameters_text_reads_like_a1111() {
    let r = record("a lighthouse\nat dusk");
    assert_eq!(
        r.parameters(),
        format!(
            "a lighthouse\nat dusk\nSeed: 42, Model: flux-1.1-pro-ultra, Aspect ratio: \"16:9\", \
             Raw: false, Safety tolerance: 2, steps: 30, style: \"a, b\", Request id: req-123, \
             Generator: {GENERATOR}"
        )
    );
    assert_eq!(a1111_key("cfg.scale"), "cfg_scale");
    assert_eq!(a1111_key("x"), "x_");
    assert_eq!(
        a1111_quote("say \"hi\", then: go"),
        r#""say \"hi\", then: go""#
    );
}

#[test]
fn a_known_cost_is_carried_by_both_formats_and_the_xmp_packet() {
    let r = GenerationRecord {
        cost: Some(0.055),
        ..record("a lighthouse")
    };
    for format in [ImageFormat::Png, ImageFormat::Jpg] {
        let plain = if format == ImageFormat::Png {
            png()
        } else {
            jpg()
        };
        let out = embed(&plain, format, &r).unwrap();
        assert_eq!(read(&out).unwrap().cost, Some(0.055), "{format:?}");
    }
    assert_eq!(xmp::parse(&xmp::packet(&r)).unwrap().cost, Some(0.055));
    assert!(
        r.parameters().contains("Cost: $0.055"),
        "{}",
        r.parameters()
    );
    assert!(!record("x").to_json().contains("cost"));
}

#[test]
fn timestamps_are_iso_8601_utc() {
    assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
    assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(utc_timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
    assert_eq!(utc_timestamp(4_102_444_799), "2099-12-31T23:59:59Z");
}

#[test]
fn png_round_trip_leaves_the_image_data_alone() {
    let plain = png();
    assert_eq!(read(&plain), None);
    let r = record("a lighthouse");
    let out = embed(&plain, ImageFormat::Png, &r).unwrap();
    assert_eq!(read(&out), Some(r.clone()));
    assert_eq!(pixels(&out), pixels(&plain));
    assert_eq!(
        image_data(&out),
        image_data(&plain),
        "IDAT onwards unchanged"
    );
    assert_eq!(&out[..33], &plain[..33], "signature and IHDR first");
    // Embedding again replaces the record instead of adding a second one.
    assert_eq!(embed(&out, ImageFormat::Png, &r).unwrap(), out);
    // The XMP packet alone carries the record too.
    let xmp_only = xmp::parse(&xmp::packet(&r)).unwrap();
    assert_eq!(xmp_only, r);
}

#[test]
fn jpeg_round_trip_leaves_the_image_data_alone() {
    let plain = jpg();
    assert_eq!(read(&plain), None);
    let r = record("a lighthouse");
    let out = embed(&plain, ImageFormat::Jpg, &r).unwrap();
    assert_eq!(read(&out), Some(r.clone()));
    assert_eq!(pixels(&out), pixels(&plain));
    assert_eq!(
        image_data(&out),
        image_data(&plain),
        "SOS onwards unchanged"
    );
    assert_eq!(&out[2..4], [0xFF, 0xE0], "the JFIF APP0 stays first");
    assert_eq!(embed(&out, ImageFormat::Jpg, &r).unwrap(), out);
    // Removing what was inserted gives back the file as sent.
    let inserted = out.len() - plain.len();
    let app0_end = 4 + usize::from(u16::from_be_bytes([plain[4], plain[5]]));
    assert_eq!(&out[..app0_end], &plain[..app0_end]);
    assert_eq!(&out[app0_end + inserted..], &plain[app0_end..]);
}

#[test]
fn markup_and_line_ends_in_the_prompt_survive_both_formats() {
    let prompt = "<svg> & \"quotes\" 'single' ]]> --> \r\n\tend";
    let r = record(prompt);
    for (bytes, format) in [(png(), ImageFormat::Png), (jpg(), ImageFormat::Jpg)] {
        let out = embed(&bytes, format, &r).unwrap();
        assert_eq!(
            read(&out).unwrap().prompt.as_deref(),
            Some(prompt),
            "{format:?}"
        );
    }
    let packet = xmp::packet(&r);
    assert!(
        packet.contains("&lt;svg&gt; &amp; &quot;quotes&quot;"),
        "{packet}"
    );
}

#[test]
fn non_ascii_prompts_round_trip_and_png_uses_itxt_beyond_latin1() {
    let r = record("灯台 at dusk, café 🌅");
    for (bytes, format) in [(png(), ImageFormat::Png), (jpg(), ImageFormat::Jpg)] {
        let out = embed(&bytes, format, &r).unwrap();
        assert_eq!(read(&out), Some(r.clone()), "{format:?}");
    }
    let out = embed(&png(), ImageFormat::Png, &r).unwrap();
    assert!(
        contains(&out, b"iTXtparameters\0"),
        "non-Latin-1 text needs iTXt"
    );
    let latin = embed(&png(), ImageFormat::Png, &record("café")).unwrap();
    assert!(
        contains(&latin, b"tEXtparameters\0caf\xe9\n"),
        "Latin-1 in tEXt"
    );
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_prompt_too_long_for_a_jpeg_segment_is_shortened_there_and_kept_whole_in_png() {
    let long = "a lighthouse ".repeat(10_000); // 130 000 characters
    let r = record(&long);
    let out = embed(&jpg(), ImageFormat::Jpg, &r).unwrap();
    let back = read(&out).unwrap();
    assert!(back.truncated);
    let kept = back.prompt.unwrap();
    assert!(kept.ends_with('…'));
    assert!(long.starts_with(kept.trim_end_matches('…')));
    assert!(kept.len() > 30_000, "as much as fits: {}", kept.len());
    assert_eq!(back.seed, Some(42));
    assert_eq!(pixels(&out), pixels(&jpg()));
    let png = embed(&png(), ImageFormat::Png, &r).unwrap();
    assert_eq!(read(&png), Some(r));
}

#[test]
fn existing_exif_and_xmp_are_replaced_and_other_segments_kept() {
    let plain = jpg();
    let segment = |payload: &[u8]| {
        let mut s = vec![0xFF, 0xE1];
        s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        s.extend_from_slice(payload);
        s
    };
    let icc = [&[0xFF, 0xE2, 0, 8][..], b"ICC_\0\0"].concat();
    let foreign = [
        &plain[..2],
        &segment(b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0"),
        &segment(b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"),
        &icc,
        &plain[2..],
    ]
    .concat();
    let out = embed(&foreign, ImageFormat::Jpg, &record("a fox")).unwrap();
    assert!(contains(&out, &icc), "the APP2 segment is kept");
    assert!(!contains(&out, b"<x:xmpmeta/>"), "the old XMP is gone");
    assert_eq!(out.windows(6).filter(|w| *w == b"Exif\0\0").count(), 1);
    assert_eq!(read(&out).unwrap().prompt.as_deref(), Some("a fox"));
    assert_eq!(pixels(&out), pixels(&plain));
}

#[test]
fn what_is_not_an_image_is_refused() {
    let r = record("a fox");
    assert!(embed(b"<html>", ImageFormat::Png, &r).is_err());
    assert!(embed(b"<html>", ImageFormat::Jpg, &r).is_err());
    let mut cut = png();
    cut.truncate(40);
    assert!(embed(&cut, ImageFormat::Png, &r).is_err());
    let mut cut = jpg();
    cut.truncate(30);
    assert!(embed(&cut, ImageFormat::Jpg, &r).is_err());
    assert_eq!(read(b"not an image"), None);
    assert!(!is_image(b"GIF89a"));
    assert!(is_image(&png()) && is_image(&jpg()));
}

#[test]
fn shortening_cuts_long_strings_only() {
    let mut r = record("short");
    r.params.insert("blob".into(), json!("x".repeat(100)));
    let s = r.shortened(10);
    assert!(s.truncated);
    assert_eq!(s.prompt.as_deref(), Some("short"));
    assert_eq!(s.params["blob"], json!(format!("{}…", "x".repeat(10))));
    assert_eq!(s.params["steps"], json!(30));
    assert!(!record("short").shortened(10).truncated);
}

//! The record as an XMP packet (the one XMP both PNG and JPEG carry), and back.
//!
//! Standard properties where one exists, so any XMP reader shows them: `dc:description`
//! (the prompt), `xmp:CreatorTool` (segflux and its version), `xmp:CreateDate`. The rest are
//! simple properties in segflux's own namespace [`NS`] (prefix `segflux`): `RequestId`,
//! `Model`, `Seed`, `AspectRatio`, `Raw`, `SafetyTolerance`, `ImagePrompt`, `Params` (the
//! other parameters as compact JSON), `Cost` (USD), `Truncated`, `RecordVersion`.
//!
//! The reader understands the packets this module writes (and the same properties written
//! element-style by another tool); it is not a general XMP parser.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{GenerationRecord, RECORD_VERSION};

/// segflux's XMP namespace. A URN: it names, it does not point anywhere, and it never moves.
pub const NS: &str = "urn:segflux:xmp:1.0#";

/// The XMP packet of `rec`.
pub fn packet(rec: &GenerationRecord) -> String {
    let mut props = String::new();
    if let Some(p) = &rec.prompt {
        let _ = writeln!(
            props,
            "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>",
            escape(p)
        );
    }
    let mut simple = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            let _ = writeln!(props, "   <{name}>{}</{name}>", escape(&v));
        }
    };
    let flag = |b: bool| if b { "True" } else { "False" }.to_owned();
    simple("xmp:CreatorTool", Some(rec.generator.clone()));
    simple("xmp:CreateDate", rec.created.clone());
    simple("segflux:RequestId", Some(rec.request_id.clone()));
    simple("segflux:Model", rec.model.clone());
    simple("segflux:Seed", rec.seed.map(|s| s.to_string()));
    simple("segflux:AspectRatio", rec.aspect_ratio.clone());
    simple("segflux:Raw", rec.raw.map(flag));
    simple(
        "segflux:SafetyTolerance",
        rec.safety_tolerance.map(|s| s.to_string()),
    );
    simple("segflux:ImagePrompt", rec.image_prompt.clone());
    simple(
        "segflux:Params",
        (!rec.params.is_empty()).then(|| Value::Object(rec.params.clone()).to_string()),
    );
    simple("segflux:Cost", rec.cost.map(|c| c.to_string()));
    simple("segflux:Truncated", rec.truncated.then(|| flag(true)));
    simple("segflux:RecordVersion", Some(rec.v.to_string()));
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         \x20<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         \x20\x20<rdf:Description rdf:about=\"\"\n\
         \x20\x20\x20\x20xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n\
         \x20\x20\x20\x20xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n\
         \x20\x20\x20\x20xmlns:segflux=\"{NS}\">\n\
         {props}\
         \x20\x20</rdf:Description>\n\
         \x20</rdf:RDF>\n\
         </x:xmpmeta>\n\
         <?xpacket end=\"w\"?>"
    )
}

/// The record in an XMP packet, if it has segflux's properties.
pub fn parse(xml: &str) -> Option<GenerationRecord> {
    if !xml.contains(NS) {
        return None;
    }
    let text = |name: &str| element(xml, name).and_then(unescape);
    let flag = |name: &str| match text(name)?.as_str() {
        "True" | "true" => Some(true),
        "False" | "false" => Some(false),
        _ => None,
    };
    let number = |name: &str| text(name)?.trim().parse::<u64>().ok();
    let prompt = element(xml, "dc:description").and_then(|alt| {
        let li = alt.find("<rdf:li")?;
        let start = li + alt[li..].find('>')? + 1;
        let end = start + alt[start..].find("</rdf:li>")?;
        unescape(&alt[start..end])
    });
    let params = text("segflux:Params")
        .and_then(|p| serde_json::from_str::<Map<String, Value>>(&p).ok())
        .unwrap_or_default();
    Some(GenerationRecord {
        prompt,
        seed: number("segflux:Seed"),
        model: text("segflux:Model"),
        aspect_ratio: text("segflux:AspectRatio"),
        raw: flag("segflux:Raw"),
        safety_tolerance: number("segflux:SafetyTolerance"),
        image_prompt: text("segflux:ImagePrompt"),
        params,
        request_id: text("segflux:RequestId")?,
        created: text("xmp:CreateDate"),
        cost: text("segflux:Cost").and_then(|c| c.trim().parse().ok()),
        generator: text("xmp:CreatorTool").unwrap_or_default(),
        truncated: flag("segflux:Truncated").unwrap_or(false),
        v: number("segflux:RecordVersion")
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(RECORD_VERSION),
    })
}

/// The raw content of the first `<name>…</name>` element.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..end])
}

/// Text escaped for XML element content. `\r` becomes a character reference (a literal one
/// would be read back as `\n`); the control characters XML 1.0 cannot carry at all become
/// U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#xD;"),
            '\t' | '\n' => out.push(c),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// XML character data back to text: line ends normalized as XML does, then the predefined
/// entities and character references expanded. `None` for a malformed reference.
fn unescape(raw: &str) -> Option<String> {
    let raw = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw.as_str();
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = amp + rest[amp..].find(';')?;
        let c = match &rest[amp + 1..semi] {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            reference => {
                let code = reference.strip_prefix('#')?;
                let code = match code.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => code.parse().ok()?,
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips_markup_quotes_and_line_ends() {
        let s = "a <b> & \"c\" 'd'\r\nline\ttab";
        let e = escape(s);
        assert!(!e.contains('<') && !e.contains('\r'), "{e}");
        assert_eq!(e, "a &lt;b&gt; &amp; &quot;c&quot; 'd'&#xD;\nline\ttab");
        assert_eq!(unescape(&e).unwrap(), s);
        assert_eq!(unescape("&#65;&#x42;&apos;").unwrap(), "AB'");
        assert_eq!(unescape("a\r\nb\rc").unwrap(), "a\nb\nc");
        assert_eq!(unescape("&bogus;"), None);
        assert_eq!(unescape("&amp"), None);
    }

    #[test]
    fn characters_xml_cannot_carry_become_replacement_characters() {
        assert_eq!(
            escape("a\u{1}b\u{1f}c\u{ffff}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}"
        );
    }

    #[test]
    fn a_packet_without_the_namespace_or_an_id_is_not_a_record() {
        assert_eq!(parse("<x:xmpmeta/>"), None);
        let rec = GenerationRecord::new("abc");
        let p = packet(&rec).replace("segflux:RequestId", "segflux:Other");
        assert_eq!(parse(&p), None);
    }
}

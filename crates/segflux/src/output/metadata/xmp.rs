//! The record as an XMP packet (the one XMP both PNG and JPEG carry), and back.
//!
//! Standard properties where one exists, so any XMP reader shows them: `dc:description`
//! (the prompt), `xmp:CreatorTool` (segflux and its version), `xmp:CreateDate`. The rest are
//! simple properties in segflux's own namespace [`NS`] (prefix `segflux`): `RequestId`,
//! `Model`, `Seed`, `AspectRatio`, `Raw`, `SafetyTolerance`, `ImagePrompt`, `Params` (the
//! other parameters as compact JSON), `Cost` (USD), `Truncated`, `RecordVersion`.
//!
//! The reader is a real XML parser (roxmltree, with a cap on the number of nodes so a hostile
//! packet cannot take memory): it finds the properties by namespace, written as elements (as
//! segflux writes them) or as attributes of `rdf:Description` (as other XMP tools may).

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

/// The Dublin Core namespace (`dc:description`).
const NS_DC: &str = "http://purl.org/dc/elements/1.1/";
/// The XMP basic namespace (`xmp:CreatorTool`, `xmp:CreateDate`).
const NS_XMP: &str = "http://ns.adobe.com/xap/1.0/";
/// The RDF namespace.
const NS_RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
/// More nodes than any record needs; a packet past it is not read.
const MAX_NODES: u32 = 4096;

/// The record in an XMP packet, if it has segflux's properties.
pub fn parse(xml: &str) -> Option<GenerationRecord> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, options).ok()?;
    let props = Props(&doc);
    let text = |name: &str| props.get(NS, name);
    let flag = |name: &str| match text(name)?.as_str() {
        "True" | "true" => Some(true),
        "False" | "false" => Some(false),
        _ => None,
    };
    let number = |name: &str| text(name)?.trim().parse::<u64>().ok();
    let params = text("Params")
        .and_then(|p| serde_json::from_str::<Map<String, Value>>(&p).ok())
        .unwrap_or_default();
    Some(GenerationRecord {
        prompt: props.get(NS_DC, "description"),
        seed: number("Seed"),
        model: text("Model"),
        aspect_ratio: text("AspectRatio"),
        raw: flag("Raw"),
        safety_tolerance: number("SafetyTolerance"),
        image_prompt: text("ImagePrompt"),
        params,
        request_id: text("RequestId")?,
        created: props.get(NS_XMP, "CreateDate"),
        cost: text("Cost").and_then(|c| c.trim().parse().ok()),
        generator: props.get(NS_XMP, "CreatorTool").unwrap_or_default(),
        truncated: flag("Truncated").unwrap_or(false),
        v: number("RecordVersion")
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(RECORD_VERSION),
    })
}

/// The properties of a parsed packet's `rdf:Description` elements.
struct Props<'a, 'input>(&'a roxmltree::Document<'input>);

impl Props<'_, '_> {
    /// The value of the property `ns` `name`: an attribute of a description, or a child
    /// element's text; for a language alternative (`rdf:Alt`), its first `rdf:li`.
    fn get(&self, ns: &str, name: &str) -> Option<String> {
        let descriptions = self
            .0
            .descendants()
            .filter(|n| n.has_tag_name((NS_RDF, "Description")));
        for d in descriptions {
            if let Some(v) = d.attribute((ns, name)) {
                return Some(v.to_owned());
            }
            let Some(el) = d.children().find(|n| n.has_tag_name((ns, name))) else {
                continue;
            };
            let li = el
                .descendants()
                .find(|n| n.has_tag_name((NS_RDF, "li")))
                .unwrap_or(el);
            return Some(li.text().unwrap_or_default().to_owned());
        }
        None
    }
}

/// Whether the generation record can carry `s` byte for byte: `Err` names the first
/// character it cannot (the C0 controls but tab, line feed and carriage return, U+FFFE and
/// U+FFFF, which XML 1.0 forbids and [`escape`] would replace).
pub fn representable(s: &str) -> Result<(), String> {
    match s.chars().find(|&c| escape_char(c) == Some('\u{fffd}')) {
        None => Ok(()),
        Some(c) => Err(format!(
            "it contains the character U+{:04X}, which the image's generation record cannot carry; remove it",
            u32::from(c)
        )),
    }
}

/// The replacement of a character XML cannot carry, if it is one.
fn escape_char(c: char) -> Option<char> {
    (u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r') || c == '\u{fffe}' || c == '\u{ffff}')
        .then_some('\u{fffd}')
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
            c if escape_char(c).is_some() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
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
        let mut rec = GenerationRecord::new("abc");
        rec.prompt = Some(s.to_owned());
        assert_eq!(parse(&packet(&rec)).unwrap().prompt.as_deref(), Some(s));
    }

    #[test]
    fn properties_written_as_attributes_are_read_too() {
        let xml = format!(
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"{NS_RDF}\">\
             <rdf:Description xmlns:segflux=\"{NS}\" segflux:RequestId=\"r-1\" segflux:Seed=\"42\"/>\
             </rdf:RDF></x:xmpmeta>"
        );
        let rec = parse(&xml).unwrap();
        assert_eq!((rec.request_id.as_str(), rec.seed), ("r-1", Some(42)));
    }

    #[test]
    fn malformed_or_huge_packets_are_no_record() {
        let rec = GenerationRecord::new("abc");
        let p = packet(&rec);
        assert!(parse(&p).is_some());
        assert_eq!(parse(&p[..p.len() / 2]), None);
        let filler = "<segflux:X/>".repeat(5000);
        let huge = p.replace("</rdf:Description>", &format!("{filler}</rdf:Description>"));
        assert_eq!(parse(&huge), None, "more nodes than a record needs");
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

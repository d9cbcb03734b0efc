//! The SVG a vector model's job serves: a small, valid SVG document whose colours come from
//! a SHA-256 of the prompt and seed (the same job always yields the same text) and whose
//! `<text>` carries the prompt, escaped. Pure.

use sha2::{Digest, Sha256};

/// The SVG of (`prompt`, `seed`) at `width` × `height`.
pub(crate) fn svg(prompt: &str, seed: u64, width: u32, height: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prompt.as_bytes());
    hasher.update(seed.to_le_bytes());
    let h = hasher.finalize();
    let sky = format!("#{:02x}{:02x}{:02x}", h[0], h[1], h[2]);
    let hill = format!("#{:02x}{:02x}{:02x}", h[3], h[4], h[5]);
    let caption: String = escape(prompt).chars().take(120).collect();
    let (w, hh) = (width, height);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{hh}\" \
         viewBox=\"0 0 {w} {hh}\">\n\
         <rect width=\"{w}\" height=\"{hh}\" fill=\"{sky}\"/>\n\
         <ellipse cx=\"{cx}\" cy=\"{hh}\" rx=\"{w}\" ry=\"{ry}\" fill=\"{hill}\"/>\n\
         <text x=\"8\" y=\"24\" font-family=\"monospace\" font-size=\"16\">{caption}</text>\n\
         <text x=\"8\" y=\"{by}\" font-family=\"monospace\" font-size=\"12\">seed {seed}</text>\n\
         </svg>\n",
        cx = w / 2,
        ry = hh / 3,
        by = hh.saturating_sub(8),
    )
}

/// `text` with XML's special characters escaped, control characters dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_svg_is_valid_and_escapes_the_prompt() {
        let text = super::svg("a <fox> & \"hen\"", 3, 64, 32);
        assert!(text.contains("&lt;fox&gt; &amp; &quot;hen&quot;"));
        assert!(text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\""));
        assert!(text.trim_end().ends_with("</svg>"));
        assert_eq!(text, super::svg("a <fox> & \"hen\"", 3, 64, 32));
        assert_ne!(text, super::svg("a <fox> & \"hen\"", 4, 64, 32));
    }
}

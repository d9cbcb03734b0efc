//! Secrets kept out of everything segflux shows or stores.
//!
//! Two secrets exist: the API key and the userinfo (`user:password@`) of the base URL. The
//! userinfo is split off the URL when the settings are resolved ([`split_userinfo`]), so the
//! URL that is printed, logged and written to the history never carries it; it travels only
//! as HTTP basic auth to the API origin. The [`Redactor`] is applied where server text enters
//! the program (the HTTP layer, on every answer body and transport error), so a server that
//! quotes the key back cannot put it in an error, hint, `-v` line or history entry.
//!
//! Server text is also made plain ([`plain_text`]: by [`Redactor::text`], where a status or
//! history body's text is read, and on every message the printer shows): control characters
//! (C0 but tab, so ESC sequences too, DEL, C1) and bidi overrides are replaced, so a server
//! cannot set the window title, clear the screen, write the clipboard or reorder a line.

use std::borrow::Cow;

/// What a secret becomes.
pub const REDACTED: &str = "[redacted]";

/// What a control character of server text becomes.
pub const REPLACEMENT: char = '\u{fffd}';

/// Whether `c` must not reach a terminal or a file as it is: C0 but tab (ESC, CR, LF…),
/// DEL, C1, and the bidi embeddings, overrides, isolates and marks.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character and bidi override replaced by [`REPLACEMENT`]: the one
/// function every server text (error bodies, 422 messages, history text, prompts in the
/// `status` table) goes through before it is shown or written.
pub fn plain_text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_unsafe(c) { REPLACEMENT } else { c })
            .collect(),
    )
}

/// [`plain_text`] for text of several lines that segflux itself split (a message and its
/// hints): each line made plain, the line breaks kept.
pub fn plain_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(|l| plain_text(l).into_owned())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// The shortest user name or password redacted on its own: shorter ones are redacted only as
/// the whole `user:password` (else a password `a` would redact every `a` in a message).
const MIN_ALONE: usize = 4;

/// The userinfo of a base URL; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Userinfo {
    /// The user name, percent-decoded.
    pub user: String,
    /// The password, percent-decoded.
    pub password: Option<String>,
    /// As written in the URL (`user:pa%40ss`).
    raw: String,
}

impl std::fmt::Debug for Userinfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Userinfo(redacted)")
    }
}

/// Splits `scheme://user:pass@host/…` into the URL without its userinfo and the userinfo.
/// Works on text that is not a valid URL too (for error messages about it).
pub fn split_userinfo(url: &str) -> (String, Option<Userinfo>) {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return (url.to_owned(), None);
    };
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let Some(at) = url[start..end].rfind('@').map(|i| start + i) else {
        return (url.to_owned(), None);
    };
    let raw = &url[start..at];
    let (user, password) = match raw.split_once(':') {
        Some((u, p)) => (u, Some(p)),
        None => (raw, None),
    };
    let info = Userinfo {
        user: percent_decode(user),
        password: password.map(percent_decode),
        raw: raw.to_owned(),
    };
    (format!("{}{}", &url[..start], &url[at + 1..]), Some(info))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Replaces every known secret in text with [`REDACTED`].
#[derive(Clone, Default)]
pub struct Redactor {
    /// Longest first, so a secret that contains another is replaced whole.
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// A redactor for the key and, when the base URL had one, its userinfo.
    pub fn new(key: Option<&str>, userinfo: Option<&Userinfo>) -> Self {
        let mut secrets: Vec<String> = Vec::new();
        if let Some(k) = key.filter(|k| !k.is_empty()) {
            secrets.push(k.to_owned());
            // As it appears inside a JSON string when it has `"` or `\`.
            let escaped = serde_json::to_string(k).unwrap_or_default();
            secrets.push(escaped[1..escaped.len().saturating_sub(1)].to_owned());
        }
        if let Some(u) = userinfo {
            secrets.push(u.raw.clone());
            let pass = u.password.as_deref().unwrap_or_default();
            secrets.push(format!("{}:{pass}", u.user));
            secrets.extend(
                [u.user.as_str(), pass]
                    .into_iter()
                    .filter(|s| s.chars().count() >= MIN_ALONE)
                    .map(str::to_owned),
            );
        }
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    /// Server text as it may be shown: every secret replaced and made plain
    /// ([`plain_text`]).
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.secrets_out(text) {
            Cow::Borrowed(t) => plain_text(t),
            Cow::Owned(t) => Cow::Owned(plain_text(&t).into_owned()),
        }
    }

    /// `text` with every secret replaced (nothing else changed).
    fn secrets_out<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.secrets.iter().any(|s| text.contains(s.as_str())) {
            return Cow::Borrowed(text);
        }
        let mut out = text.to_owned();
        for s in &self.secrets {
            out = out.replace(s.as_str(), REDACTED);
        }
        Cow::Owned(out)
    }

    /// An answer body with every secret replaced. A body that is not UTF-8 (so not JSON, and
    /// shown only as an excerpt) is searched as lossy text.
    pub fn bytes<'a>(&self, body: &'a [u8]) -> Cow<'a, [u8]> {
        let text = String::from_utf8_lossy(body);
        match self.secrets_out(&text) {
            Cow::Borrowed(_) => Cow::Borrowed(body),
            Cow::Owned(clean) => Cow::Owned(clean.into_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_split_off_and_decoded() {
        let (url, info) = split_userinfo("http://al:pa%40ss@host:8080/v2?x=a@b");
        assert_eq!(url, "http://host:8080/v2?x=a@b");
        let info = info.unwrap();
        assert_eq!(
            (info.user.as_str(), info.password.as_deref()),
            ("al", Some("pa@ss"))
        );
        assert!(!format!("{info:?}").contains("al"));
        assert_eq!(split_userinfo("https://api.segmind.com").1, None);
        assert_eq!(split_userinfo("ftp//u:p@x").0, "ftp//u:p@x");
        let (bad, info) = split_userinfo("http://u:secret@[::1");
        assert_eq!(bad, "http://[::1");
        assert!(info.is_some());
    }

    #[test]
    fn the_key_and_the_userinfo_become_redacted() {
        let (_, info) = split_userinfo("http://admin:hunter22@h/");
        let r = Redactor::new(Some("sg_k\"ey1"), info.as_ref());
        assert_eq!(
            r.text(
                r#"Invalid API key 'sg_k"ey1' ({"k":"sg_k\"ey1"}) for admin:hunter22, hunter22"#
            ),
            "Invalid API key '[redacted]' ({\"k\":\"[redacted]\"}) for [redacted], [redacted]"
        );
        assert!(matches!(r.text("nothing secret"), Cow::Borrowed(_)));
        let short = Redactor::new(None, split_userinfo("http://a:b@h").1.as_ref());
        assert_eq!(short.text("a b a:b"), "a b [redacted]");
        assert_eq!(
            &*r.bytes(b"\xff sg_k\"ey1"),
            "\u{fffd} [redacted]".as_bytes()
        );
    }

    #[test]
    fn server_text_is_made_plain() {
        let r = Redactor::new(Some("sk-1234"), None);
        assert_eq!(
            r.text("a\u{1b}]0;title\u{7}b\u{9b}2J\r\u{202e}x\ty sk-1234"),
            "a\u{fffd}]0;title\u{fffd}b\u{fffd}2J\u{fffd}\u{fffd}x\ty [redacted]"
        );
        assert_eq!(plain_lines("one\u{1b}[2J\ntwo"), "one\u{fffd}[2J\ntwo");
        assert!(matches!(
            plain_text("caf\u{e9} \u{2014} ok"),
            Cow::Borrowed(_)
        ));
    }
}

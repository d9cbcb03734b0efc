//! The API key: a newtype whose `Debug` and `Display` never show it, checked when it is
//! read from a flag, the environment or the config file. A key given by `--api-key` or
//! `SEGMIND_API_KEY` is read as a [`GivenKey`], so one that cannot be sent stops only the
//! commands that send it (a broken variable in a shell profile must not break `completions`).

/// An API key; its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key; `None` when it is blank or cannot be sent (see [`ApiKey::parse`]).
    pub fn new(key: &str) -> Option<Self> {
        Self::parse(key).ok()
    }

    /// Checks a key as read from a flag, the environment or a file (surrounding whitespace,
    /// such as a file's newline, is dropped): an error saying what is wrong, never the key,
    /// unless it is printable ASCII without spaces, all an HTTP header carries unaltered.
    pub fn parse(key: &str) -> std::result::Result<Self, String> {
        let key = key.trim();
        if key.is_empty() {
            return Err("the key is empty".to_owned());
        }
        let Some((i, c)) = key.chars().enumerate().find(|(_, c)| !c.is_ascii_graphic()) else {
            return Ok(Self(key.to_owned()));
        };
        let what = if c.is_whitespace() {
            "a space"
        } else if c.is_control() {
            "a control character"
        } else {
            "a non-ASCII character"
        };
        Err(format!(
            "the key contains {what} (character {} of {}); a key is printable ASCII without spaces",
            i + 1,
            key.chars().count()
        ))
    }

    /// The secret itself, for the one header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A key as given by `--api-key` or `SEGMIND_API_KEY`, read without failing: what is wrong
/// with it is reported when a command needs the key (`Settings::key`).
#[derive(Debug, Clone)]
pub enum GivenKey {
    /// Empty or blank: as if none was given (CI systems set an unset secret to "").
    Blank,
    /// A key that can be sent.
    Usable(ApiKey),
    /// A key that cannot be sent, and why (the reason never quotes it).
    Unusable(String),
}

impl GivenKey {
    /// Reads a given key; never fails (clap's value parser).
    #[expect(
        clippy::unnecessary_wraps,
        reason = "clap's value parser returns a Result"
    )]
    pub fn read(key: &str) -> Result<Self, std::convert::Infallible> {
        Ok(if key.trim().is_empty() {
            Self::Blank
        } else {
            match ApiKey::parse(key) {
                Ok(k) => Self::Usable(k),
                Err(why) => Self::Unusable(why),
            }
        })
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(redacted)")
    }
}

impl<'de> serde::Deserialize<'de> for ApiKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        Self::parse(&key).map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(redacted)")
    }
}

//! The config file (`config.toml` in the config directory): the API key, the base URL, and
//! defaults for the generation options and the output directory.
//!
//! Precedence, resolved in `settings` and `commands::generate`: flag, then environment, then
//! this file, then the built-in default. The file is created 0600; a key in a file that group or others can read
//! draws a warning. Unknown keys and bad values are errors that name the file and the line.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::ASPECT_RATIOS;
use crate::error::{Error, Result};

/// The file's name inside the config directory.
pub const FILE_NAME: &str = "config.toml";

/// Everything the file may hold.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// The API base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Default model slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Default aspect ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<String>,
    /// Default seed (rarely wanted: every image of a prompt is then the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Default for `--raw`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<bool>,
    /// Default safety tolerance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_tolerance: Option<u8>,
    /// Default visual prompt URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_prompt: Option<String>,
    /// Default format, `jpg` or `png`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Default output directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<PathBuf>,
    /// Default for `--max-cost`: the most a `generate` may spend, in USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cost: Option<f64>,
}

/// Like a derived `Debug`, but the key is shown as `(redacted)`: a config ends up inside
/// `Settings` and `Context`, and a stray `{:?}` must not print the secret.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("api_key", &self.api_key.as_ref().map(|_| "(redacted)"))
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("aspect_ratio", &self.aspect_ratio)
            .field("seed", &self.seed)
            .field("raw", &self.raw)
            .field("safety_tolerance", &self.safety_tolerance)
            .field("image_prompt", &self.image_prompt)
            .field("format", &self.format)
            .field("output", &self.output)
            .field("max_cost", &self.max_cost)
            .finish()
    }
}

/// The keys, in the order `config list` shows them, with what each accepts.
pub const KEYS: [(&str, &str); 11] = [
    ("api_key", "the API key (use `-` to read it from stdin)"),
    ("base_url", "an http:// or https:// URL"),
    ("model", "a model slug"),
    (
        "aspect_ratio",
        "one of 21:9 16:9 3:2 4:3 5:4 1:1 4:5 3:4 2:3 9:16 9:21",
    ),
    ("seed", "a non-negative integer"),
    ("raw", "true or false"),
    ("safety_tolerance", "an integer from 1 to 6"),
    ("image_prompt", "an image URL"),
    ("format", "jpg or png"),
    ("output", "a directory"),
    ("max_cost", "a non-negative amount of US dollars"),
];

/// The file's path: `SEGFLUX_CONFIG_DIR` or the platform's config directory.
pub fn path() -> Option<PathBuf> {
    crate::settings::Settings::config_dir().map(|d| d.join(FILE_NAME))
}

impl Config {
    /// Reads the file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(Error::Other(format!("cannot read {}: {e}", path.display()))),
        };
        let config: Self = toml::from_str(&text).map_err(|e| bad_file(path, &text, &e))?;
        config.validate().map_err(|(key, msg)| {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map_or(String::new(), |n| format!(" line {}:", n + 1));
            Error::Usage(format!("{}:{line} {key}: {msg}", path.display()))
        })?;
        Ok(config)
    }

    /// Checks every value; `Err((key, what is wrong))`.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        for (key, _) in KEYS {
            if let Some(value) = self.get(key) {
                check(key, &value).map_err(|m| (key, m))?;
            }
        }
        Ok(())
    }

    /// A key's value as text (the API key unredacted: callers redact).
    pub fn get(&self, key: &str) -> Option<String> {
        match key {
            "api_key" => self.api_key.clone(),
            "base_url" => self.base_url.clone(),
            "model" => self.model.clone(),
            "aspect_ratio" => self.aspect_ratio.clone(),
            "seed" => self.seed.map(|v| v.to_string()),
            "raw" => self.raw.map(|v| v.to_string()),
            "safety_tolerance" => self.safety_tolerance.map(|v| v.to_string()),
            "image_prompt" => self.image_prompt.clone(),
            "format" => self.format.clone(),
            "output" => self.output.as_ref().map(|p| p.display().to_string()),
            "max_cost" => self.max_cost.map(|v| v.to_string()),
            _ => None,
        }
    }

    /// Sets a key from text, checked like the matching flag.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        check(key, value)?;
        let v = value.to_owned();
        match key {
            "api_key" => self.api_key = Some(v),
            "base_url" => self.base_url = Some(v),
            "model" => self.model = Some(v),
            "aspect_ratio" => self.aspect_ratio = Some(v),
            "seed" => self.seed = v.parse().ok(),
            "raw" => self.raw = v.parse().ok(),
            "safety_tolerance" => self.safety_tolerance = v.parse().ok(),
            "image_prompt" => self.image_prompt = Some(v),
            "format" => self.format = Some(v),
            "output" => self.output = Some(PathBuf::from(v)),
            "max_cost" => self.max_cost = crate::cli::parse_usd(&v).ok(),
            _ => return Err(unknown_key(key)),
        }
        Ok(())
    }

    /// Writes the file atomically, mode 0600 (it may hold the key).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let text = toml::to_string(self).map_err(std::io::Error::other)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".config-")
            .tempfile_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// A warning when a file holding the key can be read by group or others.
pub fn permission_warning(path: &Path, config: &Config) -> Option<String> {
    config.api_key.as_ref()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "warning: {} holds the API key and is readable by others (mode {:o}); run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    None
}

fn check(key: &str, value: &str) -> Result<(), String> {
    let ok = match key {
        "api_key" => !value.trim().is_empty(),
        "base_url" | "image_prompt" => {
            value.starts_with("http://") || value.starts_with("https://")
        }
        "model" => crate::cli::valid_model(value),
        "aspect_ratio" => ASPECT_RATIOS.contains(&value),
        "seed" => value.parse::<u64>().is_ok(),
        "raw" => value.parse::<bool>().is_ok(),
        "safety_tolerance" => value.parse::<u8>().is_ok_and(|t| (1..=6).contains(&t)),
        "format" => matches!(value, "jpg" | "png"),
        "output" => !value.is_empty(),
        "max_cost" => crate::cli::parse_usd(value).is_ok(),
        _ => return Err(unknown_key(key)),
    };
    if ok {
        return Ok(());
    }
    let want = KEYS.iter().find(|(k, _)| *k == key).map_or("", |(_, w)| w);
    Err(format!("invalid value {value:?}: expected {want}"))
}

fn unknown_key(key: &str) -> String {
    let known: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
    format!("unknown key {key:?} (known: {})", known.join(", "))
}

fn bad_file(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    let what = e.message().trim();
    match line {
        Some(n) => Error::Usage(format!("{}: line {n}: {what}", path.display())),
        None => Error::Usage(format!("{}: {what}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let mut c = Config::default();
        c.set("api_key", "sk-secret-123").unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("sk-secret-123") && shown.contains("(redacted)"),
            "{shown}"
        );
    }

    #[test]
    fn a_full_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c/config.toml");
        let mut c = Config::default();
        for (k, v) in [
            ("api_key", "sk-1"),
            ("aspect_ratio", "16:9"),
            ("raw", "true"),
            ("safety_tolerance", "4"),
            ("format", "png"),
            ("output", "renders"),
            ("max_cost", "2.5"),
        ] {
            c.set(k, v).unwrap();
        }
        c.save(&p).unwrap();
        assert_eq!(Config::load(&p).unwrap(), c);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(permission_warning(&p, &c), None);
    }

    #[test]
    fn bad_values_and_unknown_keys_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "model = \"flux-dev\"\nsafety_tolerance = 9\n").unwrap();
        let e = Config::load(&p).unwrap_err().to_string();
        assert!(e.contains("config.toml: line 2: safety_tolerance"), "{e}");
        std::fs::write(&p, "model = \"flux-dev\"\n\nsead = 3\n").unwrap();
        let e = Config::load(&p).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("sead"), "{e}");
        assert!(
            Config::default()
                .set("colour", "x")
                .unwrap_err()
                .contains("unknown key")
        );
        assert!(
            Config::default()
                .set("max_cost", "-1")
                .unwrap_err()
                .contains("US dollars")
        );
        assert!(
            Config::default()
                .set("aspect_ratio", "7:5")
                .unwrap_err()
                .contains("16:9")
        );
    }

    #[test]
    fn a_readable_key_file_draws_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "api_key = \"sk-1\"\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            let c = Config::load(&p).unwrap();
            let w = permission_warning(&p, &c).unwrap();
            assert!(w.contains("chmod 600") && !w.contains("sk-1"), "{w}");
        }
    }
}

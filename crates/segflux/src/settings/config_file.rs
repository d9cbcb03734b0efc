//! The config file (`config.toml` in the config directory): the API key, the base URL, and
//! defaults for the generation options and the output directory.
//!
//! Precedence, resolved in `settings` and `commands::generate`: flag, then environment, then
//! this file, then the built-in default. The file is created 0600; a key in a file that group or others can read
//! draws a warning. Unknown keys and bad values are errors that name the file and the line.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::client::ApiKey;
use crate::domain::options::{self, AspectRatio, ImageFormat};
use crate::error::{Error, Result};

/// The file's name inside the config directory.
pub const FILE_NAME: &str = "config.toml";

/// Everything the file may hold. Each value is read through the same type or rule as its
/// flag (`crate::domain::options`), so a key accepts exactly what the flag accepts. A new key is a new
/// field here and nothing else: `config get/set/list` work from the file and this type.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The API key (its `Debug` is redacted).
    #[serde(default)]
    pub api_key: Option<ApiKey>,
    /// The API base URL.
    #[serde(default, deserialize_with = "options::de::http_url")]
    pub base_url: Option<String>,
    /// Default model slug.
    #[serde(default, deserialize_with = "options::de::model")]
    pub model: Option<String>,
    /// Default aspect ratio.
    #[serde(default)]
    pub aspect_ratio: Option<AspectRatio>,
    /// Default seed (rarely wanted: every image of a prompt is then the same).
    #[serde(default)]
    pub seed: Option<u64>,
    /// Default for `--raw`.
    #[serde(default)]
    pub raw: Option<bool>,
    /// Default safety tolerance.
    #[serde(default, deserialize_with = "options::de::tolerance")]
    pub safety_tolerance: Option<u8>,
    /// Default visual prompt URL.
    #[serde(default, deserialize_with = "options::de::http_url")]
    pub image_prompt: Option<String>,
    /// Default format, `jpg` or `png`.
    #[serde(default)]
    pub format: Option<ImageFormat>,
    /// Default output directory.
    #[serde(default)]
    pub output: Option<PathBuf>,
    /// How many days of jobs the journal keeps (default 90; at least 1).
    #[serde(default)]
    pub history_days: Option<std::num::NonZeroU32>,
    /// Default for `--max-cost`: the most a `generate` may spend, in USD.
    #[serde(default, deserialize_with = "options::de::usd")]
    pub max_cost: Option<f64>,
    /// Show a single `generate`'s image in the terminal (`false` is `--no-preview`).
    #[serde(default)]
    pub preview: Option<bool>,
}

/// The keys, in the order the struct declares them.
pub fn keys() -> &'static [&'static str] {
    options::field_names::<Config>()
}

/// The largest config file read: 1 MiB (a FIFO or `/dev/zero` in its place too).
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The file's text; a missing file is empty; past [`MAX_CONFIG_BYTES`] an error.
fn read_text(path: &Path) -> Result<String> {
    use std::io::Read as _;
    let cannot = |e| Error::io(format!("cannot read {}", path.display()), e);
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(String::new()),
        Err(e) => return Err(cannot(e)),
    };
    let mut text = String::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(cannot)?;
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(cannot(std::io::Error::other(format!(
            "larger than the {} MiB a config file may be",
            MAX_CONFIG_BYTES >> 20
        ))));
    }
    Ok(text)
}

impl Config {
    /// Reads the file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Self> {
        let text = read_text(path)?;
        toml::from_str(&text).map_err(|e| bad_file(path, &text, e))
    }
}

/// The file as written, for `get`, `list` and `set`: edits keep the user's comments, order
/// and layout (`toml_edit`), as cargo and uv do.
pub struct ConfigFile {
    path: PathBuf,
    doc: toml_edit::DocumentMut,
}

impl ConfigFile {
    /// Reads and checks the file (a missing one is empty).
    pub fn open(path: &Path) -> Result<Self> {
        let text = read_text(path)?;
        Config::load(path)?;
        let doc = text
            .parse::<toml_edit::DocumentMut>()
            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
        Ok(Self {
            path: path.to_owned(),
            doc,
        })
    }

    /// A key's value as text (the API key unredacted: callers redact).
    pub fn get(&self, key: &str) -> Option<String> {
        let value = self.doc.get(key)?.as_value()?;
        Some(match value.as_str() {
            Some(s) => s.to_owned(),
            None => value.clone().decorated("", "").to_string(),
        })
    }

    /// Every key set in the file, in the file's order.
    pub fn entries(&self) -> Vec<(String, String)> {
        self.doc
            .iter()
            .filter_map(|(k, _)| Some((k.to_owned(), self.get(k)?)))
            .collect()
    }

    /// Sets a key from text, checked like the matching flag; the rest of the file is kept.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        if !keys().contains(&key) {
            return Err(unknown_key(key));
        }
        if key == "output" && value.trim().is_empty() {
            // Stored, it would be blamed on `--output` by every later run.
            return Err(format!(
                "invalid value {value:?}: an output directory cannot be empty (use \".\" for the working directory)"
            ));
        }
        // The value's TOML type is the one the key's field accepts: try the typed readings
        // first, then a string.
        let candidates = [
            value.parse::<i64>().ok().map(toml_edit::value),
            value.parse::<f64>().ok().map(toml_edit::value),
            value.parse::<bool>().ok().map(toml_edit::value),
            Some(toml_edit::value(value)),
        ];
        // The first (most specific) reading's complaint is the one worth showing.
        let mut first: Option<String> = None;
        for item in candidates.into_iter().flatten() {
            let mut doc = self.doc.clone();
            doc[key] = item;
            match toml::from_str::<Config>(&doc.to_string()) {
                Ok(_) => {
                    self.doc = doc;
                    return Ok(());
                }
                Err(e) => {
                    first.get_or_insert_with(|| e.message().trim().to_owned());
                }
            }
        }
        Err(format!(
            "invalid value {value:?}: {}",
            first.unwrap_or_default()
        ))
    }

    /// Writes the file atomically, mode 0600 (it may hold the key).
    pub fn save(&self) -> std::io::Result<()> {
        let path = &self.path;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut tmp = tempfile::Builder::new()
            .prefix(".config-")
            .tempfile_in(dir)?;
        std::io::Write::write_all(&mut tmp, self.doc.to_string().as_bytes())?;
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

fn unknown_key(key: &str) -> String {
    format!("unknown key {key:?} (known: {})", keys().join(", "))
}

fn bad_file(path: &Path, text: &str, e: toml::de::Error) -> Error {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    let mut what = e.message().trim().to_owned();
    // Name the key of the offending line, when the error does not already.
    let key = line
        .and_then(|n| text.lines().nth(n - 1))
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"'))
        .filter(|k| !k.is_empty() && !what.contains(k));
    if let Some(key) = key {
        what = format!("{key}: {what}");
    }
    Error::ConfigSyntax {
        path: path.to_owned(),
        line,
        message: what,
        source: Box::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    #[test]
    fn debug_never_shows_the_key() {
        let (_d, p) = file("api_key = \"sk-secret-123\"\n");
        let shown = format!("{:?}", Config::load(&p).unwrap());
        assert!(
            !shown.contains("sk-secret-123") && shown.contains("redacted"),
            "{shown}"
        );
    }

    #[test]
    fn set_keeps_comments_and_layout_and_writes_0600() {
        let (_d, p) = file("# my defaults\nmodel = \"flux-dev\"  # the fast one\n\n[unused]\n");
        // A table is not a key segflux knows: the file is refused as a whole.
        assert!(ConfigFile::open(&p).is_err());
        std::fs::write(&p, "# my defaults\nmodel = \"flux-dev\"  # the fast one\n").unwrap();
        let mut f = ConfigFile::open(&p).unwrap();
        for (k, v) in [
            ("api_key", "sk-1"),
            ("aspect_ratio", "16:9"),
            ("raw", "true"),
            ("safety_tolerance", "4"),
            ("format", "png"),
            ("output", "renders"),
            ("seed", "7"),
        ] {
            f.set(k, v).unwrap();
        }
        f.save().unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.starts_with("# my defaults\nmodel = \"flux-dev\"  # the fast one\n"),
            "{text}"
        );
        let c = Config::load(&p).unwrap();
        assert_eq!(c.aspect_ratio, Some(AspectRatio::R16x9));
        assert_eq!(
            (c.raw, c.safety_tolerance, c.seed),
            (Some(true), Some(4), Some(7))
        );
        assert_eq!(c.format, Some(ImageFormat::Png));
        assert_eq!(
            ConfigFile::open(&p).unwrap().get("seed").as_deref(),
            Some("7")
        );
        assert_eq!(
            ConfigFile::open(&p).unwrap().get("model").as_deref(),
            Some("flux-dev")
        );
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
        let (_d, p) = file("model = \"flux-dev\"\nsafety_tolerance = 9\n");
        let e = Config::load(&p).unwrap_err().to_string();
        assert!(e.contains("config.toml: line 2: safety_tolerance"), "{e}");
        std::fs::write(&p, "model = \"flux-dev\"\n\nsead = 3\n").unwrap();
        let e = Config::load(&p).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("sead"), "{e}");
        std::fs::write(&p, "").unwrap();
        let mut f = ConfigFile::open(&p).unwrap();
        assert!(f.set("colour", "x").unwrap_err().contains("unknown key"));
        assert!(f.set("aspect_ratio", "7:5").unwrap_err().contains("16:9"));
        assert!(
            f.set("safety_tolerance", "0")
                .unwrap_err()
                .contains("1, 2, 3, 4, 5, 6")
        );
        assert!(f.set("seed", "-3").is_err());
        assert!(f.set("base_url", "ftp://x").unwrap_err().contains("http"));
        assert!(f.set("max_cost", "-1").unwrap_err().contains("US dollars"));
        f.set("max_cost", "2").unwrap();
        f.set("max_cost", "2.5").unwrap();
        assert_eq!(f.get("max_cost").as_deref(), Some("2.5"));
        // A number where a string is wanted is stored as a string.
        f.set("model", "123").unwrap();
        assert_eq!(f.get("model").as_deref(), Some("123"));
    }

    #[test]
    fn the_keys_are_the_fields() {
        assert_eq!(keys()[0], "api_key");
        assert!(keys().contains(&"safety_tolerance") && keys().contains(&"output"));
    }

    #[test]
    fn a_readable_key_file_draws_a_warning() {
        let (_d, p) = file("api_key = \"sk-1\"\n");
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

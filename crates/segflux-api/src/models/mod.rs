//! The registry of Segmind image models: the types of `models.json` (the one data file, kept
//! beside this crate's `Cargo.toml` and compiled in with `include_str!`), its parsing and
//! consistency checks, and lookup by slug. A registry that does not parse or does not hold
//! together is an error, never an empty registry. Translation of segflux's options into a
//! model's own parameters is in `translate`, pixel sizes and aspect ratios in `sizing`, the
//! check of a body against a model's schema in `schema`, Segmind's model-list shape in
//! `listing`. Pure: no I/O.

mod listing;
mod schema;
mod sizing;
mod translate;
mod translate_rest;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_families;
#[cfg(test)]
mod tests_families_more;

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use listing::{ListedModel, MODEL_LIST_KEY, MODEL_LIST_PATH, model_list, read_model_list};
pub use schema::{ParamError, validate};
pub use sizing::{offered_ratios, parse_ratio, pixels_for_ratio};
pub use translate::{ModelError, ModelErrorKind, Vocabulary, translate, unknown_params};

/// The registry's text, as compiled in.
pub const REGISTRY_JSON: &str = include_str!("../../models.json");

/// What a model's prompt is to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptUse {
    /// A non-empty prompt must be sent.
    Required,
    /// The model takes no prompt (upscalers, background removal): its input is `--image`.
    None,
}

/// A parameter's JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParamType {
    #[serde(rename = "string")]
    String,
    /// A string holding a URL (an input image).
    #[serde(rename = "uri")]
    Uri,
    #[serde(rename = "integer")]
    Integer,
    #[serde(rename = "number")]
    Number,
    #[serde(rename = "boolean")]
    Boolean,
    /// A list of strings (of image URLs, mostly).
    #[serde(rename = "string[]")]
    StringList,
    #[serde(rename = "object")]
    Object,
}

/// One parameter of a model, as its page gives it (curated: see `note`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// Whether a body must carry it (as curated: a page's wrong mark is `page_required`).
    #[serde(default)]
    pub required: bool,
    /// The page does not say whether it is required (the name comes from its example).
    #[serde(default)]
    pub required_unknown: bool,
    /// The page marks it required although it is not (see `note`).
    #[serde(default)]
    pub page_required: bool,
    /// The server's default, as the page states it (never an example value).
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// The allowed values; enforced only when `enum_complete`.
    #[serde(default, rename = "enum")]
    pub allowed: Option<Vec<Value>>,
    /// False when the page showed only some of the allowed values.
    #[serde(default = "yes")]
    pub enum_complete: bool,
    /// Integers must be a multiple of this (pixel sizes).
    #[serde(default)]
    pub multiple_of: Option<u32>,
    /// The page's example value (not a default).
    #[serde(default)]
    pub example: Option<Value>,
    #[serde(default)]
    pub doc: Option<String>,
    /// Where the data departs from the page, or was assumed.
    #[serde(default)]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

/// Which of the model's parameters each segflux option sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VocabMap {
    /// `--ar`: a parameter taking ratio strings (`16:9`, or `16x9` per its allowed values).
    pub ar: Option<String>,
    /// `--size` (and `--ar` when there is no `ar`): a parameter taking `WxH`-like strings.
    pub size: Option<String>,
    pub seed: Option<String>,
    pub format: Option<String>,
    pub negative: Option<String>,
    pub steps: Option<String>,
    pub guidance: Option<String>,
    pub raw: Option<String>,
    pub safety_tolerance: Option<String>,
    /// `--per-job N`: the image count parameter.
    pub count: Option<String>,
}

/// The parameters that take pixel sizes, and the rule for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pixels {
    pub width: String,
    pub height: String,
    /// Computed sizes are rounded to a multiple of this.
    pub multiple: u32,
    /// Set alongside explicit pixels (e.g. `aspect_ratio: "custom"`).
    #[serde(default)]
    pub set: Map<String, Value>,
}

/// The input-image parameters: named slots filled in order, or one list parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Images {
    #[serde(default)]
    pub params: Vec<String>,
    pub list: Option<String>,
    /// Most images the list takes, when known.
    pub max: Option<usize>,
}

/// One model of the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub slug: String,
    pub name: String,
    pub family: String,
    pub kind: String,
    /// How much of the page's parameter table is known: complete, near-complete, partial,
    /// example-only or minimal.
    pub coverage: String,
    /// The page's typical time per run, in seconds.
    pub typical_s: Option<f64>,
    /// The page's list price per run in USD: an estimate, not what a run is billed.
    pub list_price_usd: Option<f64>,
    #[serde(default)]
    pub price_note: Option<String>,
    /// The average cost per run of Segmind's `llms.txt` (a third-party copy, medium
    /// confidence), in USD.
    #[serde(default)]
    pub avg_cost_usd: Option<f64>,
    /// The average latency of Segmind's `llms.txt`, in seconds.
    #[serde(default)]
    pub avg_latency_s: Option<f64>,
    pub prompt: PromptUse,
    /// The formats it serves, its default first.
    pub formats: Vec<String>,
    pub vocab: VocabMap,
    #[serde(default)]
    pub pixels: Option<Pixels>,
    #[serde(default)]
    pub images: Option<Images>,
    /// Parameters sent with their default even when not asked (the default model's
    /// historical body).
    #[serde(default)]
    pub always_send: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub params: Vec<Param>,
}

impl Model {
    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The cost estimate of one run before a real cost was seen: the list price, else the
    /// `llms.txt` average (both estimates, to be labelled so).
    pub fn estimate_usd(&self) -> Option<f64> {
        self.list_price_usd.or(self.avg_cost_usd)
    }

    /// The expected time of one run: the page's typical time, else the `llms.txt` average.
    pub fn expected_s(&self) -> Option<f64> {
        self.typical_s.or(self.avg_latency_s)
    }

    /// The format it serves when none is asked.
    pub fn default_format(&self) -> &str {
        self.formats.first().map_or("jpg", String::as_str)
    }

    /// The most images one job returns (1 without a count parameter).
    pub fn max_count(&self) -> Option<u64> {
        match &self.vocab.count {
            None => Some(1),
            // A count's bound is a small whole number in the data.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(name) => self
                .param(name)
                .and_then(|p| p.max)
                .map(|m| m.max(0.0) as u64),
        }
    }
}

/// The registry: every model segflux knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registry {
    pub version: u32,
    pub models: Vec<Model>,
}

/// Why the registry's text is not a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryError(pub String);

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the model registry is broken: {}", self.0)
    }
}

impl std::error::Error for RegistryError {}

impl Registry {
    /// Parses and checks a registry text: JSON of the right shape, at least one model, slugs
    /// unique, every name the vocabulary, pixels, images and `always_send` use a parameter
    /// of the model.
    pub fn parse(text: &str) -> Result<Self, RegistryError> {
        let registry: Self =
            serde_json::from_str(text).map_err(|e| RegistryError(format!("not valid: {e}")))?;
        if registry.models.is_empty() {
            return Err(RegistryError("it lists no models".to_owned()));
        }
        let mut seen = HashSet::new();
        for model in &registry.models {
            if !seen.insert(model.slug.as_str()) {
                return Err(RegistryError(format!("{} is listed twice", model.slug)));
            }
            check_model(model)?;
        }
        Ok(registry)
    }

    /// The model called `slug`.
    pub fn get(&self, slug: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.slug == slug)
    }

    /// Every model, in the data file's order.
    pub fn list(&self) -> &[Model] {
        &self.models
    }
}

fn check_model(model: &Model) -> Result<(), RegistryError> {
    let v = &model.vocab;
    let mut names: Vec<&String> = [
        &v.ar,
        &v.size,
        &v.seed,
        &v.format,
        &v.negative,
        &v.steps,
        &v.guidance,
        &v.raw,
        &v.safety_tolerance,
        &v.count,
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(p) = &model.pixels {
        names.extend([&p.width, &p.height]);
    }
    if let Some(i) = &model.images {
        names.extend(i.params.iter().chain(i.list.iter()));
    }
    names.extend(model.always_send.iter());
    match names.into_iter().find(|n| model.param(n).is_none()) {
        Some(name) => Err(RegistryError(format!(
            "{} maps to {name}, which is not one of its parameters",
            model.slug
        ))),
        None if model.formats.is_empty() => {
            Err(RegistryError(format!("{} serves no format", model.slug)))
        }
        None => Ok(()),
    }
}

static REGISTRY: OnceLock<Result<Registry, RegistryError>> = OnceLock::new();

/// The compiled-in registry, parsed once (an error if the data file is broken; a test
/// makes sure it is not).
pub fn registry() -> Result<&'static Registry, RegistryError> {
    REGISTRY
        .get_or_init(|| Registry::parse(REGISTRY_JSON))
        .as_ref()
        .map_err(Clone::clone)
}

/// The registered model called `slug`: `Ok(None)` for a slug the registry lacks.
pub fn lookup(slug: &str) -> Result<Option<&'static Model>, RegistryError> {
    Ok(registry()?.get(slug))
}

/// Every registered model.
pub fn list() -> Result<&'static [Model], RegistryError> {
    Ok(registry()?.list())
}

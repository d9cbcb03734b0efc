//! segflux's one vocabulary (`--ar`, `--size`, `--seed`, `--format`, `--negative`,
//! `--steps`, `--guidance`, `--image`, `--raw`, `--safety-tolerance`, `--per-job`, `-p`)
//! translated into a model's own parameter names and value spellings. Only what was asked
//! is sent, plus what the model requires (its default, where it has one) and, for the
//! default model, the parameters its body has always carried (`always_send`). Every value
//! is checked against the model before anything is sent; an error names the model, the
//! option and what the model takes.

use std::fmt;

use serde_json::{Map, Value};

use super::sizing::{offered_ratios, parse_ratio, ratio_params, size_params};
use super::{Model, PromptUse, registry};

/// What the user asked for, in segflux's words. `None` / empty: not asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary {
    /// The model slug.
    pub model: String,
    pub prompt: Option<String>,
    /// `--ar`, e.g. `16:9`.
    pub ar: Option<String>,
    /// `--size WxH`.
    pub size: Option<(u32, u32)>,
    pub seed: Option<u64>,
    /// `--format`: `jpg`, `png`, `webp` or `svg`.
    pub format: Option<String>,
    pub negative: Option<String>,
    pub steps: Option<u32>,
    pub guidance: Option<f64>,
    /// `--image` (and `--image-prompt`), as URLs, in order.
    pub images: Vec<String>,
    pub raw: Option<bool>,
    pub safety_tolerance: Option<i64>,
    /// `--per-job N`: images per job.
    pub per_job: Option<u32>,
    /// `-p KEY=VALUE`, in order (a later key wins).
    pub extra: Vec<(String, Value)>,
}

/// What kind of refusal a [`ModelError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelErrorKind {
    /// The model has no parameter for the option.
    Unsupported,
    /// The value is outside what the model takes.
    Invalid,
    /// Something the model requires was not given.
    Missing,
    /// More images than the model takes.
    TooMany,
    /// The registry could not be read.
    Registry,
}

/// A refused translation: nothing is to be sent. Reads `model M: OPTION …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    pub kind: ModelErrorKind,
    pub model: String,
    /// The segflux option (`--steps`, `-p scale`, `PROMPT`).
    pub option: String,
    /// What the model takes, e.g. `must be an integer from 1 to 8 (its steps), got 12`.
    pub message: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "model {}: {} {}", self.model, self.option, self.message)
    }
}

impl std::error::Error for ModelError {}

/// Translates `v` into the body of a submit to `v.model`, with the compiled-in registry.
/// A slug the registry lacks gets the prompt, the seed and `-p` as given; any other option
/// is refused, since segflux does not know that model's names for it.
pub fn translate(v: &Vocabulary) -> Result<Map<String, Value>, ModelError> {
    let registry = registry().map_err(|e| ModelError {
        kind: ModelErrorKind::Registry,
        model: v.model.clone(),
        option: "--model".to_owned(),
        message: e.to_string(),
    })?;
    match registry.get(&v.model) {
        Some(model) => model.translate(v),
        None => unknown_model(v),
    }
}

/// The `-p` keys of `v` that model `slug` does not know (sent, with a note); every key for
/// a slug the registry lacks.
pub fn unknown_params(v: &Vocabulary) -> Vec<String> {
    let model = registry().ok().and_then(|r| r.get(&v.model));
    v.extra
        .iter()
        .filter(|(k, _)| model.is_none_or(|m| m.param(k).is_none()))
        .map(|(k, _)| k.clone())
        .collect()
}

fn unknown_model(v: &Vocabulary) -> Result<Map<String, Value>, ModelError> {
    let asked = [
        ("--ar", v.ar.is_some()),
        ("--size", v.size.is_some()),
        ("--format", v.format.is_some()),
        ("--negative", v.negative.is_some()),
        ("--steps", v.steps.is_some()),
        ("--guidance", v.guidance.is_some()),
        ("--image", !v.images.is_empty()),
        ("--raw", v.raw.is_some()),
        ("--safety-tolerance", v.safety_tolerance.is_some()),
        ("--per-job", v.per_job.is_some()),
    ];
    if let Some((option, _)) = asked.iter().find(|(_, set)| *set) {
        return Err(ModelError {
            kind: ModelErrorKind::Unsupported,
            model: v.model.clone(),
            option: (*option).to_owned(),
            message: "cannot be translated: segflux does not know this model's parameters \
                      (pass them with -p KEY=VALUE)"
                .to_owned(),
        });
    }
    let mut body: Map<String, Value> = v.extra.iter().cloned().collect();
    if let Some(prompt) = &v.prompt {
        body.insert("prompt".to_owned(), prompt.clone().into());
    }
    if let Some(seed) = v.seed {
        body.insert("seed".to_owned(), seed.into());
    }
    Ok(body)
}

impl Model {
    /// Translates `v` into this model's body (see the module's rules).
    pub fn translate(&self, v: &Vocabulary) -> Result<Map<String, Value>, ModelError> {
        let mut body = Map::new();
        for (key, value) in &v.extra {
            if let Some(param) = self.param(key) {
                param
                    .check(value)
                    .map_err(|m| self.invalid(&format!("-p {key}"), &m))?;
            }
            body.insert(key.clone(), value.clone());
        }
        for name in &self.always_send {
            if let Some(default) = self.param(name).and_then(|p| p.default.clone()) {
                body.insert(name.clone(), default);
            }
        }
        self.put_prompt(v, &mut body)?;
        self.put_shape(v, &mut body)?;
        self.put_format(v, &mut body)?;
        self.put_scalars(v, &mut body)?;
        self.put_images(v, &mut body)?;
        self.put_count(v, &mut body)?;
        self.put_required(&mut body)?;
        self.validate(&body)
            .map_err(|e| self.invalid(&format!("-p {}", e.param), &e.message))?;
        Ok(body)
    }

    pub(super) fn error(&self, kind: ModelErrorKind, option: &str, message: String) -> ModelError {
        ModelError {
            kind,
            model: self.slug.clone(),
            option: option.to_owned(),
            message,
        }
    }

    pub(super) fn invalid(&self, option: &str, message: &str) -> ModelError {
        self.error(ModelErrorKind::Invalid, option, message.to_owned())
    }

    pub(super) fn unsupported(&self, option: &str) -> ModelError {
        let takes = self.options().join(", ");
        let takes = if takes.is_empty() { "none" } else { &takes };
        self.error(
            ModelErrorKind::Unsupported,
            option,
            format!("is not taken by this model (it takes: {takes})"),
        )
    }

    /// The segflux options this model takes.
    pub fn options(&self) -> Vec<&'static str> {
        let m = &self.vocab;
        let ar = !offered_ratios(self).is_empty();
        let size = self.pixels.is_some() || m.size.is_some();
        [
            ("--ar", ar),
            ("--size", size),
            ("--seed", m.seed.is_some()),
            ("--format", m.format.is_some() || self.formats.len() == 1),
            ("--negative", m.negative.is_some()),
            ("--steps", m.steps.is_some()),
            ("--guidance", m.guidance.is_some()),
            ("--image", self.images.is_some()),
            ("--raw", m.raw.is_some()),
            ("--safety-tolerance", m.safety_tolerance.is_some()),
            ("--per-job", m.count.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect()
    }

    /// Sets `name` to `value` for `option`, checked against the parameter.
    pub(super) fn put(
        &self,
        body: &mut Map<String, Value>,
        option: &str,
        name: &str,
        value: Value,
    ) -> Result<(), ModelError> {
        if let Some(param) = self.param(name) {
            param
                .check(&value)
                .map_err(|m| self.invalid(option, &format!("{m} (its {name})")))?;
        }
        body.insert(name.to_owned(), value);
        Ok(())
    }

    fn put_prompt(&self, v: &Vocabulary, body: &mut Map<String, Value>) -> Result<(), ModelError> {
        let prompt = v.prompt.as_deref().filter(|p| !p.trim().is_empty());
        match (self.prompt, prompt) {
            (PromptUse::Required, Some(p)) => {
                body.insert("prompt".to_owned(), p.into());
                Ok(())
            }
            (PromptUse::Required, None) => Err(self.error(
                ModelErrorKind::Missing,
                "PROMPT",
                "is required and must not be empty".to_owned(),
            )),
            (PromptUse::None, Some(_)) => Err(self.error(
                ModelErrorKind::Unsupported,
                "PROMPT",
                "is not taken by this model: give its input with --image".to_owned(),
            )),
            (PromptUse::None, None) => Ok(()),
        }
    }

    fn put_shape(&self, v: &Vocabulary, body: &mut Map<String, Value>) -> Result<(), ModelError> {
        match (&v.ar, v.size) {
            (Some(_), Some(_)) => Err(self.invalid("--size", "cannot be given with --ar")),
            (Some(ar), None) => {
                let offered = offered_ratios(self);
                if offered.is_empty() {
                    return Err(self.unsupported("--ar"));
                }
                let params = parse_ratio(ar)
                    .filter(|r| offered.iter().any(|o| parse_ratio(o) == Some(*r)))
                    .and_then(|r| ratio_params(self, r))
                    .ok_or_else(|| {
                        let list = offered.join(" ");
                        self.invalid("--ar", &format!("must be one of {list}, got {ar:?}"))
                    })?;
                body.extend(params);
                Ok(())
            }
            (None, Some(size)) => {
                if self.pixels.is_none() && self.vocab.size.is_none() {
                    return Err(self.unsupported("--size"));
                }
                let params = size_params(self, size).map_err(|m| self.invalid("--size", &m))?;
                body.extend(params);
                Ok(())
            }
            (None, None) => Ok(()),
        }
    }

    fn put_format(&self, v: &Vocabulary, body: &mut Map<String, Value>) -> Result<(), ModelError> {
        let Some(asked) = v.format.as_deref() else {
            return Ok(());
        };
        let Some(name) = &self.vocab.format else {
            if asked == self.default_format() && self.formats.len() == 1 {
                return Ok(());
            }
            let gives = self.formats.join(", ");
            let message = format!("is not taken by this model (it gives {gives}), got {asked:?}");
            return Err(self.error(ModelErrorKind::Unsupported, "--format", message));
        };
        let allowed: Vec<&str> = match self.param(name).and_then(|p| p.allowed.as_ref()) {
            Some(values) => values.iter().filter_map(Value::as_str).collect(),
            None => self.formats.iter().map(String::as_str).collect(),
        };
        let spelled = [asked, if asked == "jpg" { "jpeg" } else { asked }]
            .into_iter()
            .find(|s| allowed.contains(s))
            .ok_or_else(|| {
                let list = allowed.join(", ");
                self.invalid("--format", &format!("must be one of {list}, got {asked:?}"))
            })?;
        body.insert(name.clone(), spelled.into());
        Ok(())
    }
}

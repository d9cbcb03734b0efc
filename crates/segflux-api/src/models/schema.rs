//! A body checked against a model's own schema (the registry's parameter table): required
//! parameters present, each known parameter of its type, within its range, one of its
//! allowed values (when the page gave them all), a multiple of its step. Unknown keys pass,
//! and `null` counts as absent, as on Segmind. The emulator answers 400 with the error.

use std::fmt;

use serde_json::{Map, Value};

use super::{Model, Param, ParamType, registry};

/// A parameter a body gets wrong; its text starts with the parameter's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// The parameter's own name.
    pub param: String,
    /// What is wrong, e.g. `must be an integer from 1 to 8, got 12`.
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.param, self.message)
    }
}

impl std::error::Error for ParamError {}

/// Checks `body` against the schema of model `slug`. A slug the registry lacks (or a broken
/// registry) has no schema to check, and passes.
pub fn validate(slug: &str, body: &Map<String, Value>) -> Result<(), ParamError> {
    match registry().ok().and_then(|r| r.get(slug)) {
        Some(model) => model.validate(body),
        None => Ok(()),
    }
}

impl Model {
    /// Checks `body` against this model's parameters (see the module's rules).
    pub fn validate(&self, body: &Map<String, Value>) -> Result<(), ParamError> {
        for param in &self.params {
            match body.get(&param.name).filter(|v| !v.is_null()) {
                None if param.required => {
                    return Err(ParamError {
                        param: param.name.clone(),
                        message: "is required".to_owned(),
                    });
                }
                None => {}
                Some(value) => param.check(value).map_err(|message| ParamError {
                    param: param.name.clone(),
                    message,
                })?,
            }
        }
        Ok(())
    }
}

impl Param {
    /// Whether `value` is one this parameter takes; the error reads `must be …, got …`.
    pub fn check(&self, value: &Value) -> Result<(), String> {
        if self.fits(value) {
            Ok(())
        } else {
            Err(format!("must be {}, got {value}", self.takes()))
        }
    }

    fn fits(&self, value: &Value) -> bool {
        let typed = match self.kind {
            ParamType::String => value
                .as_str()
                .is_some_and(|s| !self.is_prompt() || !s.trim().is_empty()),
            ParamType::Uri => value.as_str().is_some_and(|s| !s.trim().is_empty()),
            ParamType::Integer => value.is_i64() || value.is_u64(),
            ParamType::Number => value.is_number(),
            ParamType::Boolean => value.is_boolean(),
            ParamType::StringList => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
            ParamType::Object => value.is_object(),
        };
        typed && self.in_range(value) && self.allowed_value(value) && self.on_step(value)
    }

    /// The required prompt, which must not be blank.
    fn is_prompt(&self) -> bool {
        self.required && self.name == "prompt"
    }

    fn in_range(&self, value: &Value) -> bool {
        let Some(n) = value.as_f64() else {
            return true;
        };
        self.min.is_none_or(|min| n >= min) && self.max.is_none_or(|max| n <= max)
    }

    fn allowed_value(&self, value: &Value) -> bool {
        match &self.allowed {
            Some(allowed) if self.enum_complete => allowed.iter().any(|a| same(a, value)),
            _ => true,
        }
    }

    fn on_step(&self, value: &Value) -> bool {
        match (self.multiple_of, value.as_i64()) {
            (Some(m), Some(n)) if m > 0 => n % i64::from(m) == 0,
            _ => true,
        }
    }

    /// What this parameter takes, in words: `an integer from 1 to 8`, `one of "jpg", "png"`.
    pub fn takes(&self) -> String {
        if let (Some(allowed), true) = (&self.allowed, self.enum_complete) {
            let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return format!("one of {}", list.join(", "));
        }
        let noun = match self.kind {
            ParamType::String if self.is_prompt() => "a non-empty string",
            ParamType::String => "a string",
            ParamType::Uri => "a URL",
            ParamType::Integer => "an integer",
            ParamType::Number => "a number",
            ParamType::Boolean => "true or false",
            ParamType::StringList => "a list of strings",
            ParamType::Object => "a JSON object",
        };
        let range = match (self.min, self.max) {
            (Some(min), Some(max)) => format!(" from {min} to {max}"),
            (Some(min), None) => format!(" of at least {min}"),
            (None, Some(max)) => format!(" of at most {max}"),
            (None, None) => String::new(),
        };
        let step = self
            .multiple_of
            .map_or(String::new(), |m| format!(", a multiple of {m}"));
        format!("{noun}{range}{step}")
    }
}

/// JSON equality, numbers compared by value (`2` equals `2.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < f64::EPSILON,
        _ => a == b,
    }
}

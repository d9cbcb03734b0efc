//! Segmind's model list (undocumented; segmind-api.md, "A model list"): the path, the body
//! the emulator serves from the registry, and a liberal reader of it for `models refresh`
//! that takes what it can and never fails on another shape.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Model, Param, PromptUse, Registry};

/// The list's path on the storage/API origin (queried with `?segmind_model=True`).
pub const MODEL_LIST_PATH: &str = "/inference-model-information/list";

/// The key third-party clients read the list under.
pub const MODEL_LIST_KEY: &str = "Inference Segmind Model Information List With Details";

/// One model as the list gives it, as far as segflux reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListedModel {
    pub slug: String,
    pub title: Option<String>,
    /// e.g. `textToImage`, `imageTOImage`.
    pub kind: Option<String>,
    /// Each parameter's name with its record as listed.
    pub parameters: Vec<(String, Value)>,
}

/// The list body for `registry`, in the shape third-party clients read.
pub fn model_list(registry: &Registry) -> Value {
    let models: Vec<Value> = registry.models.iter().map(listed).collect();
    json!({ MODEL_LIST_KEY: models })
}

fn listed(model: &Model) -> Value {
    let parameters: Vec<Value> = model.params.iter().map(listed_param).collect();
    let kind = match (model.prompt, model.images.is_some()) {
        (PromptUse::Required, false) => "textToImage",
        _ => "imageTOImage",
    };
    json!({
        "title": model.name,
        "type": kind,
        "slug": model.slug,
        "description": model.kind,
        "parameters": parameters,
        "is_visible": true,
        "is_depreciated": false,
        "is_new": false,
    })
}

fn listed_param(param: &Param) -> Value {
    json!({
        "name": param.name,
        "label": param.name,
        "isRequired": param.required,
        "affectsPricing": false,
        "default": param.default,
        "min": param.min,
        "max": param.max,
        "options": param.allowed,
        "description": param.doc,
    })
}

/// Reads a model list liberally: the list under [`MODEL_LIST_KEY`], under `data` or
/// `models`, or the body itself when it is a list; records without a slug are skipped;
/// parameters as a list of records (named by `name`, `label` or `key`) or as an object.
/// `None` when nothing in `body` looks like a model list.
pub fn read_model_list(body: &Value) -> Option<Vec<ListedModel>> {
    let list = match body {
        Value::Array(items) => items,
        Value::Object(map) => [MODEL_LIST_KEY, "data", "models"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_array))?,
        _ => return None,
    };
    let models: Vec<ListedModel> = list.iter().filter_map(read_listed).collect();
    (!models.is_empty() || list.is_empty()).then_some(models)
}

fn read_listed(record: &Value) -> Option<ListedModel> {
    let map = record.as_object()?;
    let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
    let slug = text("slug").filter(|s| !s.is_empty())?;
    Some(ListedModel {
        slug,
        title: text("title"),
        kind: text("type"),
        parameters: map.get("parameters").map(read_params).unwrap_or_default(),
    })
}

fn read_params(value: &Value) -> Vec<(String, Value)> {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let map: &Map<String, Value> = item.as_object()?;
                let name = ["name", "key", "label"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(Value::as_str))?;
                Some((name.to_owned(), item.clone()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

//! The rest of a translation (see `translate`): the plain options (`--seed`, `--negative`,
//! `--steps`, `--guidance`, `--raw`, `--safety-tolerance`), the input images, the image
//! count, and the parameters the model requires.

use serde_json::{Map, Value};

use super::translate::{ModelError, ModelErrorKind, Vocabulary};
use super::{Model, ParamType};

impl Model {
    pub(super) fn put_scalars(
        &self,
        v: &Vocabulary,
        body: &mut Map<String, Value>,
    ) -> Result<(), ModelError> {
        let m = &self.vocab;
        let asked: [(&str, &Option<String>, Option<Value>); 5] = [
            (
                "--negative",
                &m.negative,
                v.negative.clone().map(Value::from),
            ),
            ("--steps", &m.steps, v.steps.map(Value::from)),
            ("--guidance", &m.guidance, v.guidance.map(Value::from)),
            ("--raw", &m.raw, v.raw.map(Value::from)),
            (
                "--safety-tolerance",
                &m.safety_tolerance,
                v.safety_tolerance.map(Value::from),
            ),
        ];
        for (option, name, value) in asked {
            let Some(value) = value else { continue };
            let name = name.as_ref().ok_or_else(|| self.unsupported(option))?;
            self.put(body, option, name, value)?;
        }
        // A model without a seed still gets segflux's seed in the file name; it is not sent.
        if let (Some(seed), Some(name)) = (v.seed, &m.seed) {
            self.put(body, "--seed", name, seed.into())?;
        }
        Ok(())
    }

    pub(super) fn put_images(
        &self,
        v: &Vocabulary,
        body: &mut Map<String, Value>,
    ) -> Result<(), ModelError> {
        if v.images.is_empty() {
            return Ok(());
        }
        let images = self
            .images
            .as_ref()
            .ok_or_else(|| self.unsupported("--image"))?;
        if let Some(list) = &images.list {
            if let Some(max) = images.max.filter(|max| v.images.len() > *max) {
                return Err(self.too_many(max, v.images.len(), list));
            }
            body.insert(list.clone(), v.images.clone().into());
            return Ok(());
        }
        if v.images.len() > images.params.len() {
            let names = images.params.join(", ");
            return Err(self.too_many(images.params.len(), v.images.len(), &names));
        }
        for (name, url) in images.params.iter().zip(&v.images) {
            self.put(body, "--image", name, url.clone().into())?;
        }
        Ok(())
    }

    fn too_many(&self, max: usize, got: usize, names: &str) -> ModelError {
        let noun = if max == 1 { "image" } else { "images" };
        self.error(
            ModelErrorKind::TooMany,
            "--image",
            format!("takes at most {max} {noun} (its {names}), got {got}"),
        )
    }

    pub(super) fn put_count(
        &self,
        v: &Vocabulary,
        body: &mut Map<String, Value>,
    ) -> Result<(), ModelError> {
        let Some(n) = v.per_job else {
            return Ok(());
        };
        match &self.vocab.count {
            Some(name) => self.put(body, "--per-job", name, n.into()),
            None if n == 1 => Ok(()),
            None => Err(self.error(
                ModelErrorKind::Unsupported,
                "--per-job",
                format!("must be 1: this model gives one image per job, got {n}"),
            )),
        }
    }

    /// Each required parameter not yet in `body`: its default when it has one, else a
    /// refusal naming the option that sets it.
    pub(super) fn put_required(&self, body: &mut Map<String, Value>) -> Result<(), ModelError> {
        for param in self.params.iter().filter(|p| p.required) {
            if body.get(&param.name).is_some_and(|v| !v.is_null()) {
                continue;
            }
            if let Some(default) = &param.default {
                body.insert(param.name.clone(), default.clone());
                continue;
            }
            let option = self.option_for(&param.name);
            let what = match param.kind {
                ParamType::Uri | ParamType::StringList => "an input image",
                _ => "a value",
            };
            return Err(self.error(
                ModelErrorKind::Missing,
                &option,
                format!("is required: the model needs {what} for {}", param.name),
            ));
        }
        Ok(())
    }

    /// The segflux option that sets parameter `name` (`-p NAME` when none does).
    pub fn option_for(&self, name: &str) -> String {
        let m = &self.vocab;
        let is = |field: &Option<String>| field.as_deref() == Some(name);
        let image = self
            .images
            .as_ref()
            .is_some_and(|i| i.list.as_deref() == Some(name) || i.params.iter().any(|p| p == name));
        let pixel = self
            .pixels
            .as_ref()
            .is_some_and(|p| p.width == name || p.height == name);
        let option = match () {
            () if name == "prompt" => "PROMPT",
            () if is(&m.ar) => "--ar",
            () if is(&m.size) || pixel => "--size",
            () if is(&m.seed) => "--seed",
            () if is(&m.format) => "--format",
            () if is(&m.negative) => "--negative",
            () if is(&m.steps) => "--steps",
            () if is(&m.guidance) => "--guidance",
            () if is(&m.raw) => "--raw",
            () if is(&m.safety_tolerance) => "--safety-tolerance",
            () if is(&m.count) => "--per-job",
            () if image => "--image",
            () => return format!("-p {name}"),
        };
        option.to_owned()
    }
}

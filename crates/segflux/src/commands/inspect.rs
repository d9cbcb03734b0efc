//! `segflux inspect FILE`: print the generation record embedded in an image segflux wrote.
//!
//! Reads the one file and nothing else: no key, no network, no history. A file that is not a
//! JPEG or PNG, or that carries no record, is an error (exit 1) that says which.

use serde_json::Value;

use crate::cli::InspectArgs;
use crate::error::{Error, Result};
use crate::output::metadata::{self, GenerationRecord};

use crate::job::Context;

/// Reads at most [`crate::client::MAX_IMAGE_BYTES`]: `inspect /dev/zero` must not read forever.
fn read_capped(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let max = crate::client::MAX_IMAGE_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "larger than {max} bytes, more than any image segflux writes"
        )));
    }
    Ok(bytes)
}

/// Runs `inspect`.
pub fn run(ctx: &Context, args: &InspectArgs) -> Result<()> {
    let path = &args.file;
    let bytes =
        read_capped(path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    if !metadata::is_image(&bytes) {
        return Err(Error::Other(format!(
            "{} is not a JPEG or PNG image",
            path.display()
        )));
    }
    let record = metadata::read(&bytes).ok_or_else(|| {
        Error::Other(format!(
            "{} carries no segflux generation record (written with --no-metadata, by another tool, or stripped since)",
            path.display()
        ))
    })?;
    let p = &ctx.printer;
    if p.is_json() {
        // The record's own field order, the same object `--sidecar` writes.
        p.result(&record.to_json());
    } else {
        for line in human_lines(&record) {
            p.result(&line);
        }
    }
    Ok(())
}

/// `key: value` lines, values aligned; the JSON field names, `params.KEY` for each other
/// parameter. Continuation lines of a multi-line value are indented to the value column.
fn human_lines(rec: &GenerationRecord) -> Vec<String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            pairs.push((key.to_owned(), text(&v)));
        }
    };
    put("prompt", rec.prompt.clone().map(Value::from));
    put("seed", rec.seed.map(Value::from));
    put("model", rec.model.clone().map(Value::from));
    put("aspect_ratio", rec.aspect_ratio.clone().map(Value::from));
    put("raw", rec.raw.map(Value::from));
    put("safety_tolerance", rec.safety_tolerance.map(Value::from));
    put("image_prompt", rec.image_prompt.clone().map(Value::from));
    for (k, v) in &rec.params {
        put(&format!("params.{k}"), Some(v.clone()));
    }
    put("request_id", Some(rec.request_id.clone().into()));
    put("created", rec.created.clone().map(Value::from));
    put(
        "cost",
        rec.cost.map(|c| crate::domain::spend::usd(c).into()),
    );
    put("generator", Some(rec.generator.clone().into()));
    put("truncated", rec.truncated.then_some(Value::Bool(true)));
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        + 1;
    let indent = " ".repeat(width + 1);
    let mut lines = Vec::new();
    for (k, v) in &pairs {
        let mut value_lines = v.split('\n');
        let first = value_lines.next().unwrap_or("");
        lines.push(format!("{:<width$} {first}", format!("{k}:")));
        lines.extend(value_lines.map(|more| format!("{indent}{more}")));
    }
    lines
}

/// A value as text. The record comes from a file, so control characters (a terminal escape
/// sequence in a prompt) are shown escaped, never sent to the terminal.
fn text(v: &Value) -> String {
    let raw = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    raw.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_aligned_and_multi_line_values_indented() {
        let mut rec = GenerationRecord::from_body(
            "req-1",
            Some("flux-1.1-pro-ultra"),
            &serde_json::json!({"prompt": "two\nlines", "seed": 7, "steps": 30}),
        );
        rec.created = Some("2025-01-01T00:00:00Z".into());
        let lines = human_lines(&rec);
        assert_eq!(lines[0], "prompt:       two");
        assert_eq!(lines[1], "              lines");
        assert!(lines.contains(&"seed:         7".to_owned()), "{lines:#?}");
        assert!(lines.contains(&"params.steps: 30".to_owned()), "{lines:#?}");
        assert!(
            lines.contains(&"request_id:   req-1".to_owned()),
            "{lines:#?}"
        );
        assert!(!lines.iter().any(|l| l.starts_with("v:")), "{lines:#?}");
        assert_eq!(
            lines.last().unwrap(),
            &format!("generator:    {}", crate::output::metadata::GENERATOR)
        );
    }

    #[test]
    fn control_characters_from_the_file_never_reach_the_terminal() {
        let rec = GenerationRecord::from_body(
            "r",
            None,
            &serde_json::json!({"prompt": "red\u{1b}[31m fox\r"}),
        );
        let lines = human_lines(&rec);
        assert_eq!(lines[0], r"prompt:     red\u{1b}[31m fox\r");
    }
}

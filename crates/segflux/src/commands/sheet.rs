//! `segflux sheet INPUT... -o FILE`: a contact sheet of the images the inputs name (image
//! files, directories of images, batch manifests), in input order, each captioned with its
//! seed and the start of its prompt from its generation record; `--markdown FILE` also writes
//! a table for `$GITHUB_STEP_SUMMARY`. Reads files only; sends nothing.

use crate::domain::state::State;
use crate::output::manifest::ManifestLine;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::cli::SheetArgs;
use crate::error::{Error, Result};
use crate::output;
use crate::output::metadata::{self, GenerationRecord};
use crate::ui::sheet::{self, Layout, Sheet};

use crate::job::Context;

/// Larger files are not read: no image segflux writes comes near. Manifests, and inputs
/// that are not regular files (`/dev/zero`, a FIFO, `<(…)`), have the same limit.
const MAX_IMAGE_BYTES: u64 = 64 << 20;

/// The largest sheet drawn, in pixels (300 MiB of RGB); a side is at most
/// [`crate::output::decode_bounds::MAX_SIDE`].
const MAX_SHEET_PIXELS: u64 = 100_000_000;

/// Runs `sheet` on a thread of its own ([`crate::job::detached`]): its reads block (a FIFO input
/// waits for a writer), and a blocked read must not keep Ctrl-C or SIGTERM from ending the run.
pub async fn run_detached(ctx: Context, args: SheetArgs) -> Result<()> {
    crate::job::detached::run("sheet", move || run(&ctx, &args)).await
}

/// One cell: an image file, or a job a manifest names that has none.
#[derive(Debug, Clone)]
struct Entry {
    path: Option<PathBuf>,
    /// The manifest's status for the job; images outside a manifest say nothing.
    status: Option<String>,
    seed: Option<u64>,
    prompt: Option<String>,
    cost: Option<f64>,
    /// The job's line in the batch input (manifests).
    line: Option<u64>,
}

/// Runs `sheet`.
pub fn run(ctx: &Context, args: &SheetArgs) -> Result<()> {
    let png = match args.output.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("png") => true,
        Some(e) if ["jpg", "jpeg"].iter().any(|j| e.eq_ignore_ascii_case(j)) => false,
        _ => {
            return Err(Error::invalid(
                "--output <FILE>",
                Some(&args.output.display().to_string()),
                "the sheet's name must end in .jpg, .jpeg or .png",
            ));
        }
    };
    let mut entries = Vec::new();
    for input in &args.inputs {
        entries.extend(expand(input)?);
    }
    if entries.is_empty() {
        return Err(Error::Usage("the inputs name no images".into()));
    }
    let layout = Layout::new(entries.len(), args.columns, args.cell);
    check_size(&layout)?;
    let mut canvas = Sheet::new(layout);
    for (i, entry) in (0u32..).zip(entries.iter_mut()) {
        let thumb = entry.path.clone().and_then(|path| {
            load(entry, &path, args.cell)
                .map_err(|why| {
                    ctx.printer
                        .info(&format!("warning: {}: {why}", path.display()));
                })
                .ok()
        });
        let (line1, line2) = caption(entry);
        canvas.draw(i, thumb.as_ref(), &line1, &line2);
    }
    let bytes = canvas
        .encode(png)
        .map_err(|e| Error::Other(format!("cannot encode the sheet: {e}")))?;
    output::write_atomic(&args.output, &bytes, true)
        .map_err(|e| Error::io(format!("cannot write {}", args.output.display()), e))?;
    if let Some(md) = &args.markdown {
        output::write_atomic(md, markdown(&entries).as_bytes(), true)
            .map_err(|e| Error::io(format!("cannot write {}", md.display()), e))?;
    }
    let (w, h) = layout.size();
    ctx.printer.info(&format!(
        "{} images, {} columns, {w}x{h} px",
        entries.len(),
        layout.columns
    ));
    ctx.printer.result_path(&args.output);
    Ok(())
}

/// Refuses a sheet past [`MAX_SHEET_PIXELS`] or [`crate::output::decode_bounds::MAX_SIDE`] a side before
/// its canvas is allocated.
fn check_size(layout: &Layout) -> Result<()> {
    let (w, h) = layout.size_u64();
    let side = u64::from(crate::output::decode_bounds::MAX_SIDE);
    if w > side || h > side || w * h > MAX_SHEET_PIXELS {
        return Err(Error::Usage(format!(
            "the sheet would be {w}x{h} px, over the {side} px a side and {} megapixels a sheet may be: give fewer inputs, --columns or a smaller --cell",
            MAX_SHEET_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

/// Reads `path`, fills in what its generation record says, and returns its thumbnail.
fn load(entry: &mut Entry, path: &Path, cell: u32) -> std::result::Result<image::RgbImage, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let bytes = sheet::read_limited(file, MAX_IMAGE_BYTES + 1).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err(format!(
            "larger than the {} MiB an image may be",
            MAX_IMAGE_BYTES >> 20
        ));
    }
    if let Some(rec) = metadata::read(&bytes) {
        fill_from_record(entry, &rec);
    }
    sheet::thumbnail(&bytes, cell)
}

fn fill_from_record(entry: &mut Entry, rec: &GenerationRecord) {
    entry.seed = entry.seed.or(rec.seed);
    if entry.prompt.is_none() {
        entry.prompt.clone_from(&rec.prompt);
    }
    entry.cost = entry.cost.or(rec.cost);
}

/// The two caption lines: the seed (or the file name), then the start of the prompt (or the
/// status of a job without an image).
fn caption(e: &Entry) -> (String, String) {
    let name = e
        .path
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    let line1 = match (e.seed, &e.status) {
        (Some(seed), Some(s)) if e.path.is_none() => format!("seed {seed} {s}"),
        (Some(seed), _) => format!("seed {seed}"),
        (None, Some(s)) if e.path.is_none() => s.clone(),
        _ => name.unwrap_or_default(),
    };
    let line2 = e
        .prompt
        .clone()
        .unwrap_or_default()
        .replace(['\n', '\r'], " ");
    (line1, line2)
}

/// The entries an input names: an image file; a directory's image files by name; a
/// manifest's jobs in the order they first appear. A missing input is a usage error.
fn expand(input: &Path) -> Result<Vec<Entry>> {
    let meta = std::fs::metadata(input)
        .map_err(|e| Error::Usage(format!("invalid input '{}': {e}", input.display())))?;
    let image_entry = |path: PathBuf| Entry {
        path: Some(path),
        status: None,
        seed: None,
        prompt: None,
        cost: None,
        line: None,
    };
    if meta.is_dir() {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(input)
            .map_err(|e| Error::io(format!("cannot read {}", input.display()), e))?
            .filter_map(|d| d.ok().map(|d| d.path()))
            .filter(|p| p.is_file() && is_image_name(p))
            .collect();
        paths.sort();
        return Ok(paths.into_iter().map(image_entry).collect());
    }
    if is_image_name(input) {
        return Ok(vec![image_entry(input.to_path_buf())]);
    }
    manifest(input)
}

fn is_image_name(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["jpg", "jpeg", "png"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// A manifest's jobs in input-line order: one entry per job (by request id or input line),
/// its last line winning;
/// relative paths are taken from the current directory, else from the manifest's.
fn manifest(path: &Path) -> Result<Vec<Entry>> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::Usage(format!("invalid input '{}': {e}", path.display())))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut entries: Vec<Entry> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut read = 0u64;
    for (n, line) in (1..).zip(sheet::lines(file.take(MAX_IMAGE_BYTES + 1))) {
        let line = line.map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        read += line.len() as u64 + 1;
        if read > MAX_IMAGE_BYTES {
            return Err(Error::Usage(format!(
                "invalid input '{}': larger than the {} MiB a manifest may be",
                path.display(),
                MAX_IMAGE_BYTES >> 20
            )));
        }
        if line.trim().is_empty() {
            continue;
        }
        let v = ManifestLine::parse(&line).map_err(|e| {
            Error::Usage(format!(
                "invalid input '{}': line {n} is not a manifest line (JSON): {e}",
                path.display()
            ))
        })?;
        let entry = entry_of(&v, base);
        // A job is known by its request id, or before it has one (SUBMITTING) by its input
        // line; a line that names both ties them together.
        let keys: Vec<String> = [
            v.request_id.as_deref().map(|id| format!("id {id}")),
            v.line.map(|n| format!("line {n}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let at = if let Some(i) = keys.iter().find_map(|k| index.get(k).copied()) {
            entries[i] = merge(&entries[i], entry);
            i
        } else {
            entries.push(entry);
            entries.len() - 1
        };
        for k in keys {
            index.entry(k).or_insert(at);
        }
    }
    // Jobs run concurrently end up in the manifest out of order: the input's order is theirs.
    entries.sort_by_key(|e| e.line.unwrap_or(u64::MAX));
    // A job's planned path is named even when it failed: only a file that is there is shown.
    for e in &mut entries {
        e.path = e.path.take().filter(|p| p.is_file());
    }
    Ok(entries)
}

/// The cell a manifest line describes.
fn entry_of(v: &ManifestLine, base: &Path) -> Entry {
    Entry {
        path: v.path.as_deref().map(|p| resolve(p, base)),
        status: (v.status != State::default()).then(|| v.status.to_string()),
        seed: v.seed,
        prompt: v.prompt.clone(),
        cost: v.cost,
        line: v.line,
    }
}

/// A later line of the same job over an earlier one; what the later line leaves out is kept.
fn merge(old: &Entry, new: Entry) -> Entry {
    Entry {
        path: new.path.or_else(|| old.path.clone()),
        status: new.status.or_else(|| old.status.clone()),
        seed: new.seed.or(old.seed),
        prompt: new.prompt.or_else(|| old.prompt.clone()),
        cost: new.cost.or(old.cost),
        line: new.line.or(old.line),
    }
}

fn resolve(p: &str, base: &Path) -> PathBuf {
    let path = PathBuf::from(p);
    if path.is_relative() && !path.exists() && base.join(&path).exists() {
        base.join(path)
    } else {
        path
    }
}

/// The Markdown table: thumbnail, prompt, seed, cost, status.
fn markdown(entries: &[Entry]) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace(['\n', '\r'], " ");
    let mut md =
        String::from("| thumbnail | prompt | seed | cost | status |\n|---|---|---|---|---|\n");
    for e in entries {
        let thumb = e.path.as_ref().map_or_else(String::new, |p| {
            let p = p.display().to_string();
            format!("![{}](<{}>)", cell(&p), p.replace('>', "%3E"))
        });
        let _ = writeln!(
            md,
            "| {thumb} | {} | {} | {} | {} |",
            cell(e.prompt.as_deref().unwrap_or("")),
            e.seed.map(|s| s.to_string()).unwrap_or_default(),
            e.cost.map(|c| format!("${c:.3}")).unwrap_or_default(),
            cell(e.status.as_deref().unwrap_or(if e.path.is_some() {
                State::Completed.as_str()
            } else {
                ""
            })),
        );
    }
    md
}

//! The inline preview of a written image (spec: "Pictures"): when it is shown, which terminal
//! protocol is used, and the drawing, through `viuer` (kitty graphics, iTerm2 inline images,
//! sixel via the pure-Rust `icy_sixel`, or half blocks).
//!
//! Besides the printer, the one module that writes to a standard stream: the picture goes to
//! stdout, and only when stdout is a terminal (a pipe never gets escape codes). It never
//! fails a command: a preview that cannot be drawn is a warning.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use image::DynamicImage;

/// How long a terminal may take to answer the queries of kitty and sixel detection; past it
/// the preview is given up (the command's work is done by then).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// A way to draw an image in a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// The kitty graphics protocol (kitty, Ghostty).
    Kitty,
    /// iTerm2's inline images (iTerm2, `WezTerm`, mintty, Konsole).
    Iterm,
    /// Sixel if the terminal answers the device-attributes query with it, else half blocks.
    SixelIfAnswered,
    /// Coloured half-block characters.
    #[cfg(test)]
    Blocks,
}

/// The protocol the terminal's environment names (`get` reads a variable): kitty by
/// `KITTY_WINDOW_ID`, a `TERM` naming kitty or `TERM_PROGRAM=ghostty`; iTerm2 by
/// `TERM_PROGRAM` / `LC_TERMINAL` naming iTerm2, `WezTerm` or mintty, or `KONSOLE_VERSION`;
/// otherwise ask for sixel. `None` for a dumb or unknown terminal (`TERM` unset or `dumb`).
pub fn protocol(get: impl Fn(&str) -> Option<String>) -> Option<Protocol> {
    let term = get("TERM").filter(|t| !t.is_empty() && t != "dumb")?;
    let program = get("TERM_PROGRAM").unwrap_or_default();
    let lc_terminal = get("LC_TERMINAL").unwrap_or_default();
    let names = |s: &str, list: &[&str]| list.iter().any(|n| s.contains(n));
    if get("KITTY_WINDOW_ID").is_some() || term.contains("kitty") || program == "ghostty" {
        return Some(Protocol::Kitty);
    }
    let iterm = ["iTerm", "WezTerm", "mintty"];
    if names(&program, &iterm) || names(&lc_terminal, &iterm) || get("KONSOLE_VERSION").is_some() {
        return Some(Protocol::Iterm);
    }
    Some(Protocol::SixelIfAnswered)
}

/// What decides whether a preview is shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditions {
    /// stdout is a terminal.
    pub stdout_tty: bool,
    /// stderr is a terminal.
    pub stderr_tty: bool,
    /// `CI` is set (to anything but empty or `false`).
    pub ci: bool,
    /// `-q`.
    pub quiet: bool,
    /// `--json`.
    pub json: bool,
    /// `--preview` (`Some(true)`) or `--no-preview` (`Some(false)`).
    pub flag: Option<bool>,
    /// The config key `preview`.
    pub config: Option<bool>,
}

/// Whether to preview: never on a pipe or with `--json`; `--no-preview` never, `--preview`
/// always on a terminal; otherwise when stderr is a terminal too, outside CI, without `-q`,
/// unless the config says `preview = false`.
pub fn wanted(c: Conditions) -> bool {
    if !c.stdout_tty || c.json {
        return false;
    }
    match c.flag {
        Some(on) => on,
        None => c.stderr_tty && !c.ci && !c.quiet && c.config != Some(false),
    }
}

/// Draws the image at `path` on stdout with `protocol`, within `cols` columns and `rows`
/// rows of cells, keeping its aspect ratio. Gives up after [`ANSWER_TIMEOUT`] when the
/// terminal does not answer a query.
pub fn show(path: &Path, protocol: Protocol, cols: u16, rows: u16) -> Result<(), String> {
    let img = crate::output::decode_bounds::open(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (cols, rows) = (u32::from(cols.max(1)), u32::from(rows.max(1)));
    // A terminal cell is about 10×20 pixels: more would only be sent and scaled down.
    let img = img.thumbnail(cols * 10, rows * 20);
    let config = config(&img, protocol, cols, rows);
    let (tx, rx) = mpsc::channel();
    let modes = modes::Saved::take();
    // The detection queries block on the terminal's answer; a thread keeps that from holding
    // the command up when the terminal never answers (the thread ends with the process).
    std::thread::spawn(move || {
        let _ = tx.send(viuer::print(&img, &config).map_err(|e| e.to_string()));
    });
    if let Ok(result) = rx.recv_timeout(ANSWER_TIMEOUT) {
        return result.map(|_| ());
    }
    // The thread still waiting holds the terminal raw (no echo, no line editing); ending
    // there would leave the user's shell so.
    if let Some(modes) = modes {
        modes.restore();
    }
    Err("the terminal did not answer".into())
}

/// The terminal's modes as they were before the preview.
#[cfg(unix)]
mod modes {
    use std::io::IsTerminal as _;

    use rustix::termios::{OptionalActions, Termios, tcgetattr, tcsetattr};

    /// The modes, and the terminal they belong to: standard input when it is one, else
    /// `/dev/tty` (where the preview's queries read the answer).
    pub struct Saved {
        tty: Option<std::fs::File>,
        modes: Termios,
    }

    impl Saved {
        /// Saves the modes; `None` without a terminal.
        pub fn take() -> Option<Self> {
            if std::io::stdin().is_terminal() {
                let modes = tcgetattr(std::io::stdin()).ok()?;
                return Some(Self { tty: None, modes });
            }
            let tty = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .ok()?;
            let modes = tcgetattr(&tty).ok()?;
            Some(Self {
                tty: Some(tty),
                modes,
            })
        }

        /// Puts the modes back.
        pub fn restore(&self) {
            let _ = match &self.tty {
                Some(tty) => tcsetattr(tty, OptionalActions::Now, &self.modes),
                None => tcsetattr(std::io::stdin(), OptionalActions::Now, &self.modes),
            };
        }
    }
}

/// Elsewhere the preview's queries do not change the console's modes.
#[cfg(not(unix))]
mod modes {
    /// Nothing to save.
    pub struct Saved;

    impl Saved {
        pub fn take() -> Option<Self> {
            None
        }

        pub fn restore(&self) {}
    }
}

/// The viuer settings: at the cursor, only `protocol` enabled, the size bound by the
/// image's limiting side (viuer keeps the aspect ratio when one side is given).
fn config(img: &DynamicImage, protocol: Protocol, cols: u32, rows: u32) -> viuer::Config {
    // In viuer's units a cell is one pixel wide and two high.
    let width_bound =
        u64::from(img.width()) * u64::from(2 * rows) >= u64::from(img.height()) * u64::from(cols);
    viuer::Config {
        absolute_offset: false,
        restore_cursor: false,
        width: width_bound.then_some(cols),
        height: (!width_bound).then_some(rows),
        use_kitty: protocol == Protocol::Kitty,
        use_iterm: protocol == Protocol::Iterm,
        use_sixel: protocol == Protocol::SixelIfAnswered,
        ..viuer::Config::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_protocol_follows_the_terminal_environment() {
        type Vars<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Vars<'_>, Option<Protocol>); 8] = [
            (&[], None),
            (&[("TERM", "dumb")], None),
            (&[("TERM", "xterm-kitty")], Some(Protocol::Kitty)),
            (
                &[("TERM", "xterm-256color"), ("KITTY_WINDOW_ID", "1")],
                Some(Protocol::Kitty),
            ),
            (
                &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "iTerm.app")],
                Some(Protocol::Iterm),
            ),
            (
                &[("TERM", "xterm-256color"), ("TERM_PROGRAM", "WezTerm")],
                Some(Protocol::Iterm),
            ),
            (
                &[("TERM", "xterm-256color"), ("LC_TERMINAL", "iTerm2")],
                Some(Protocol::Iterm),
            ),
            (
                &[("TERM", "xterm-256color")],
                Some(Protocol::SixelIfAnswered),
            ),
        ];
        for (vars, want) in cases {
            assert_eq!(protocol(env(vars)), want, "{vars:?}");
        }
    }

    #[test]
    fn a_preview_needs_a_terminal_and_obeys_the_flags_then_ci_quiet_and_config() {
        let tty = Conditions {
            stdout_tty: true,
            stderr_tty: true,
            ..Conditions::default()
        };
        assert!(wanted(tty));
        assert!(!wanted(Conditions {
            stdout_tty: false,
            flag: Some(true),
            ..tty
        }));
        assert!(!wanted(Conditions {
            json: true,
            flag: Some(true),
            ..tty
        }));
        assert!(!wanted(Conditions { ci: true, ..tty }));
        assert!(!wanted(Conditions { quiet: true, ..tty }));
        assert!(!wanted(Conditions {
            stderr_tty: false,
            ..tty
        }));
        assert!(!wanted(Conditions {
            config: Some(false),
            ..tty
        }));
        assert!(!wanted(Conditions {
            flag: Some(false),
            ..tty
        }));
        assert!(wanted(Conditions {
            ci: true,
            config: Some(false),
            flag: Some(true),
            ..tty
        }));
    }

    #[test]
    fn the_size_is_bound_by_the_limiting_side() {
        let wide = DynamicImage::new_rgb8(1600, 900);
        let c = config(&wide, Protocol::Blocks, 80, 8);
        assert_eq!((c.width, c.height), (None, Some(8)));
        let c = config(&wide, Protocol::Blocks, 80, 30);
        assert_eq!((c.width, c.height), (Some(80), None));
        assert!(!c.absolute_offset && !c.use_kitty && !c.use_iterm && !c.use_sixel);
    }
}

//! How an error reads to a user: the hint chosen by variant, the `Caused by:` lines of its
//! sources, the `request_id:` lines of paid jobs, and the one-line form for JSON and
//! manifests. Which variant and exit code an error has is decided in `error.rs`.

use std::fmt::Write as _;

use super::Error;

impl Error {
    /// What the user can do about it, if there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        let id = self.request_id();
        match (self.inner(), id) {
            (Self::MissingKey, _) => Some(
                "set SEGMIND_API_KEY, pass --api-key, or store it with `segflux config set api_key -`; \
                 to try segflux without a key, add --emulator"
                    .into(),
            ),
            (Self::KeyRefused(_), _) => Some(
                "check the key in SEGMIND_API_KEY, --api-key or the config file (`segflux config path`)"
                    .into(),
            ),
            (Self::Credits(_), _) => Some(
                "add credits to your Segmind account (segmind.com, Billing), then run the command again"
                    .into(),
            ),
            (Self::CostCap(_), _) => Some(
                "raise --max-cost (or the config key max_cost), or generate fewer images".into(),
            ),
            (Self::ContentBlocked(_), _) => Some(
                "if the prompt is acceptable, a higher --safety-tolerance (up to 6) may let it through"
                    .into(),
            ),
            (Self::Timeout(_), Some(id)) => Some(format!(
                "the job is paid for and may still finish: segflux fetch {id} --wait"
            )),
            (Self::Download(_) | Self::ImageWrite { .. }, Some(id)) => Some(format!(
                "the image is paid for; do not generate again: segflux fetch {id}"
            )),
            (Self::JournalUnusable(_), _) => Some(
                "repair the job journal or move the data directory aside (or point SEGFLUX_DATA_DIR \
                 at another), or, for a batch, give --manifest PATH: it then holds the write-ahead record"
                    .into(),
            ),
            (Self::SubmitUncertain(_), None) => Some(
                "check with `segflux status` or your Segmind dashboard before submitting again"
                    .into(),
            ),
            (Self::Network(_) | Self::UnknownState(_), Some(id)) => {
                Some(format!("check the job later: segflux status {id}"))
            }
            _ => None,
        }
    }

    /// The causes of the error, outermost first (the job wrapper is not one).
    fn causes(&self) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
        std::iter::successors(std::error::Error::source(self.inner()), |e| e.source())
    }

    /// The error and its causes on one line (`cannot read x: No such file…`), for the
    /// `error` field of JSON lines and manifests.
    pub fn one_line(&self) -> String {
        let mut out = self.to_string();
        for cause in self.causes() {
            let _ = write!(out, ": {}", first_line(&cause.to_string()));
        }
        out
    }

    /// Renders the error for stderr: `error: …`, `  Caused by: …` for each cause, then
    /// `request_id: …` and `hint: …` lines.
    pub fn render(&self) -> String {
        let mut out = format!("error: {self}");
        for cause in self.causes() {
            let _ = write!(out, "\n  Caused by: {}", first_line(&cause.to_string()));
        }
        if let Some(id) = self.request_id() {
            let _ = write!(out, "\nrequest_id: {id}");
        }
        if let Self::Interrupted {
            ids, submitting, ..
        } = self.inner()
        {
            for id in ids {
                let _ = write!(
                    out,
                    "\nrequest_id: {id} (paid for, may still finish: segflux fetch {id} --wait)"
                );
            }
            if *submitting > 0 {
                let _ = write!(
                    out,
                    "\nhint: {submitting} submit(s) were sent but not yet answered and may have been accepted and billed; check `segflux status` or the Segmind dashboard before running them again"
                );
            }
        }
        if let Some(hint) = self.hint() {
            let _ = write!(out, "\nhint: {hint}");
        }
        out
    }
}

/// The first line of a cause (TOML errors continue with a source excerpt).
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default().trim()
}

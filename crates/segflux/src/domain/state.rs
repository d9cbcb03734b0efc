//! A job's state as segflux records and reports it: the API's states (`QUEUED`, `PROCESSING`,
//! `COMPLETED`, `FAILED`) and the ones only segflux knows, written in the journal, the
//! manifest and `--json` lines (a submit being sent, accepted, never sent, skipped, …).
//!
//! One type for all of them, spelled on the wire exactly as before; a state this version
//! does not know (a newer API's, a newer segflux's manifest) is kept verbatim in `Other`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A job's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Its submit is being sent; the answer is not recorded yet (write-ahead).
    Submitting,
    /// Accepted by the API; nothing more known.
    Submitted,
    /// The API's QUEUED.
    Queued,
    /// The API's PROCESSING.
    Processing,
    /// The API's COMPLETED.
    Completed,
    /// The API's FAILED.
    Failed,
    /// Past the API's hour: its v2 record is gone.
    Expired,
    /// Never accepted (the request history showed it), or not sent (the batch stopped).
    NotSubmitted,
    /// A batch job whose file was up to date: nothing sent.
    Skipped,
    /// A batch job whose existing file was kept (`--check` or no `--force`).
    Kept,
    /// A batch job that replaced an out-of-date file.
    Updated,
    /// A manifest line that records a job's cost learnt after it ended.
    Cost,
    /// An uncertain submit the request history showed was accepted.
    Adopted,
    /// An uncertain submit the request history cannot tell about yet.
    Uncertain,
    /// A state this version does not know, verbatim.
    Other(String),
}

impl State {
    /// The wire spelling, e.g. `COMPLETED`.
    pub const fn as_str(&self) -> &str {
        match self {
            Self::Submitting => "SUBMITTING",
            Self::Submitted => "SUBMITTED",
            Self::Queued => "QUEUED",
            Self::Processing => "PROCESSING",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
            Self::Expired => "EXPIRED",
            Self::NotSubmitted => "NOT_SUBMITTED",
            Self::Skipped => "SKIPPED",
            Self::Kept => "KEPT",
            Self::Updated => "UPDATED",
            Self::Cost => "COST",
            Self::Adopted => "ADOPTED",
            Self::Uncertain => "UNCERTAIN",
            Self::Other(s) => s.as_str(),
        }
    }

    /// The state a spelling names (an unknown one is kept as it is).
    pub fn parse(s: &str) -> Self {
        match s {
            "SUBMITTING" => Self::Submitting,
            "SUBMITTED" => Self::Submitted,
            "QUEUED" => Self::Queued,
            "PROCESSING" => Self::Processing,
            "COMPLETED" => Self::Completed,
            "FAILED" => Self::Failed,
            "EXPIRED" => Self::Expired,
            "NOT_SUBMITTED" => Self::NotSubmitted,
            "SKIPPED" => Self::Skipped,
            "KEPT" => Self::Kept,
            "UPDATED" => Self::Updated,
            "COST" => Self::Cost,
            "ADOPTED" => Self::Adopted,
            "UNCERTAIN" => Self::Uncertain,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether a file of this job was written by it (a batch's `COMPLETED` or `UPDATED`).
    pub fn wrote_image(&self) -> bool {
        matches!(self, Self::Completed | Self::Updated)
    }
}

impl Default for State {
    /// No state said (an empty spelling, as a report built field by field starts).
    fn default() -> Self {
        Self::Other(String::new())
    }
}

impl From<&str> for State {
    fn from(s: &str) -> Self {
        Self::parse(s)
    }
}

impl From<&segflux_api::JobState> for State {
    fn from(s: &segflux_api::JobState) -> Self {
        Self::parse(&s.to_string())
    }
}

/// Tests compare a state with its spelling; product code matches on the variants.
#[cfg(test)]
impl PartialEq<&str> for State {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for State {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Self::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_as_it_is_spelled() {
        let all = [
            State::Submitting,
            State::Submitted,
            State::Queued,
            State::Processing,
            State::Completed,
            State::Failed,
            State::Expired,
            State::NotSubmitted,
            State::Skipped,
            State::Kept,
            State::Updated,
            State::Cost,
            State::Adopted,
            State::Uncertain,
        ];
        for s in all {
            assert_eq!(State::parse(s.as_str()), s);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), s);
        }
        assert_eq!(State::parse("RUNNING"), State::Other("RUNNING".into()));
        assert_eq!(State::from(&segflux_api::JobState::Queued), State::Queued);
    }
}

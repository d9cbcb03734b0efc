//! One job's life, written once and shared by every command: connect, submit (claim in the
//! journal, upload local images, send, adopt), wait (poll on the schedule, the spinner), and
//! deliver (result → image → record → file → journal, with the past-the-hour fallback), plus
//! reconciling uncertain submits with Segmind's request history and the spend rules a run is
//! held to. Commands compose these steps; nothing here parses arguments or knows a command.

pub(crate) mod connect;
pub mod context;
pub(crate) mod cost;
pub(crate) mod deliver;
pub(crate) mod detached;
pub(crate) mod poll;
pub(crate) mod reconcile;
pub(crate) mod recover;
pub(crate) mod submit;
pub(crate) mod upload;
pub(crate) mod view;
pub(crate) mod waiting;

pub(crate) use connect::{connect, connect_with};
pub use context::Context;
pub(crate) use context::SCHEDULE_SAMPLES;

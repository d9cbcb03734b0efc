//! How domain code (client, wait) tells the user what is happening, without knowing how.
//!
//! The printer implements [`Reporter`]; tests and quiet paths use [`Silent`]. Nothing here
//! prints.

use std::time::Duration;

use segflux_api::JobState;

/// Receives progress from the HTTP layer and the waiting loop.
pub trait Reporter: Send + Sync {
    /// A job was seen in a new state.
    fn state(&self, request_id: &str, state: &JobState, elapsed: Duration);
    /// One HTTP exchange, for `-v` (never contains the key).
    fn http(&self, line: &str);
    /// A request will be retried after `delay` because of `reason`.
    fn retry(&self, what: &str, reason: &str, delay: Duration);
}

/// A reporter that discards everything.
#[derive(Debug, Default, Clone, Copy)]
#[cfg(test)]
pub struct Silent;

#[cfg(test)]
impl Reporter for Silent {
    fn state(&self, _: &str, _: &JobState, _: Duration) {}
    fn http(&self, _: &str) {}
    fn retry(&self, _: &str, _: &str, _: Duration) {}
}

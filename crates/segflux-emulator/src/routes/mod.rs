//! The emulator's endpoints, one file per origin or family: the job API (`api`), the CDN
//! that serves finished images (`cdn`), the storage upload and its assets (`assets`), and
//! Segmind's request history (`request_history`). Each turns a routed request into a
//! response over the shared job table; none of them accepts connections or parses paths.

pub(crate) mod api;
pub(crate) mod assets;
pub(crate) mod cdn;
pub(crate) mod request_history;

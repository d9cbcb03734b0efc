//! Everything a person sees: the printer (stdout for results, stderr for progress), the JSON
//! object of a job for `--json`, the inline preview, and the contact sheet's layout. Only this
//! layer writes to the terminal.

pub(crate) mod preview;
pub(crate) mod printer;
pub(crate) mod sheet;

//! End-to-end tests of the real `segflux` binary against the in-process emulator.

mod completions;
mod faults;
mod generate;
mod jobs;
mod metadata;
mod testenv;
mod usage;

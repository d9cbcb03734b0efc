//! segflux: generate images from the command line with Segmind's serverless v2 API.

pub mod api;
pub mod emulator;

//! The segflux binary (the commands follow in the next commit).

fn main() {}

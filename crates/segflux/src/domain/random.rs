//! Random numbers without a dependency: the standard library's randomly keyed hasher, for
//! retry jitter and random seeds (neither needs cryptographic quality).

use std::time::SystemTime;

/// A random number in `[0, 1)` from the standard library's randomly keyed hasher.
pub fn unit_random() -> f64 {
    #[expect(
        clippy::cast_precision_loss,
        reason = "53 random bits fit an f64 exactly"
    )]
    let (x, scale) = ((random_u64() >> 11) as f64, (1u64 << 53) as f64);
    x / scale
}

/// 64 random bits, without a dependency: `RandomState` is keyed randomly per instance.
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_random_is_in_range() {
        for _ in 0..100 {
            let u = unit_random();
            assert!((0.0..1.0).contains(&u));
        }
    }
}

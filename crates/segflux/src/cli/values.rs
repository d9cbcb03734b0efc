//! The option value types of `domain::options`, given to clap: their possible values (what
//! `--help`, the man pages and the shell completions offer) and the parsers of options whose
//! allowed values are a short list checked by a domain rule (`--safety-tolerance`).
//!
//! The domain types know nothing of clap; this file is the one place clap learns them.

use clap::ValueEnum;
use clap::builder::{PossibleValue, TypedValueParser};

use crate::domain::options::{AspectRatio, ColorChoice, ImageFormat, parse_tolerance};

impl ValueEnum for AspectRatio {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

impl ValueEnum for ImageFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Self::Jpg => "JPEG",
            Self::Png => "PNG",
        };
        Some(PossibleValue::new(self.ext()).help(help))
    }
}

impl ValueEnum for ColorChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Self::Auto => "On a terminal, unless `NO_COLOR` is set",
            Self::Always => "Always",
            Self::Never => "Never",
        };
        Some(PossibleValue::new(self.as_str()).help(help))
    }
}

/// `--safety-tolerance`: checked by [`parse_tolerance`] (so its message is the domain's),
/// offering `1` to `6` to completions without listing them in `--help`'s summary.
#[derive(Debug, Clone, Copy)]
pub struct Tolerance;

impl TypedValueParser for Tolerance {
    type Value = u8;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<u8, clap::Error> {
        let rule = parse_tolerance as fn(&str) -> Result<u8, String>;
        rule.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            ["1", "2", "3", "4", "5", "6"]
                .into_iter()
                .map(PossibleValue::new),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_spells_every_value_as_the_wire_does() {
        for r in AspectRatio::value_variants() {
            assert_eq!(r.to_possible_value().unwrap().get_name(), r.as_str());
        }
        for f in ImageFormat::value_variants() {
            assert_eq!(f.to_possible_value().unwrap().get_name(), f.ext());
        }
        for c in ColorChoice::value_variants() {
            assert_eq!(ColorChoice::from_str(c.as_str(), false), Ok(*c));
        }
    }
}

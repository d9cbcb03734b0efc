//! What jobs cost: the estimate of a job not yet run, sums of estimates, the `--max-cost` check
//! and dollar formatting (cli.md, "Spend").
//!
//! An estimate comes from the journal (the model's most recent cost the API reported), else,
//! for the default model only, from the documented list price ([`LIST_PRICE_USD`]), else it is
//! unknown. It is never presented as a fact: every text made here says "estimate". Actual
//! costs come from the API only (result `metrics.cost`, request history `credits_deduction`);
//! nothing here invents one. No printing and no HTTP here.

use std::collections::HashMap;
use std::fmt::Write as _;

use segflux_api::{DEFAULT_MODEL, LIST_PRICE_USD};

/// Where an estimate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The most recent cost the API reported for the model, from the journal.
    Journal,
    /// The documented list price of the default model.
    ListPrice,
}

impl Source {
    /// The spelling in JSON output: `journal` or `list_price`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Journal => "journal",
            Self::ListPrice => "list_price",
        }
    }
}

/// The estimated cost of one image of a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// US dollars per image.
    pub usd: f64,
    /// Where the figure came from.
    pub source: Source,
}

impl Estimate {
    /// What the estimate rests on, for people: `estimate: the last cost seen for flux-dev`.
    pub fn label(&self, model: &str) -> String {
        match self.source {
            Source::Journal => format!("estimate: the last cost segflux saw for {model}"),
            Source::ListPrice => format!(
                "estimate: the published list price of {model}; Segmind's own price may differ"
            ),
        }
    }
}

/// Where a model's last known cost comes from (the journal, read by the caller).
pub type LearntCost = Box<dyn Fn(&str) -> Option<f64> + Send + Sync>;

/// The estimate of one image of `model`, if there is one: `learnt`, the model's most recent
/// known cost (the journal's), else its list price.
pub fn estimate(learnt: Option<f64>, model: &str) -> Option<Estimate> {
    let from_journal = learnt.map(|usd| Estimate {
        usd,
        source: Source::Journal,
    });
    from_journal.or_else(|| {
        (model == DEFAULT_MODEL).then_some(Estimate {
            usd: LIST_PRICE_USD,
            source: Source::ListPrice,
        })
    })
}

/// Estimates per model, each looked up once (a batch asks for the same few models many times).
#[derive(Default)]
pub struct Estimates {
    learnt: Option<LearntCost>,
    known: HashMap<String, Option<Estimate>>,
}

impl std::fmt::Debug for Estimates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Estimates")
            .field("known", &self.known)
            .finish_non_exhaustive()
    }
}

impl Estimates {
    /// Estimates from the costs `learnt` gives (none: list prices only).
    pub fn new(learnt: Option<LearntCost>) -> Self {
        Self {
            learnt,
            known: HashMap::new(),
        }
    }

    /// The estimate of one image of `model`.
    pub fn get(&mut self, model: &str) -> Option<Estimate> {
        let learnt = self.learnt.as_ref();
        *self
            .known
            .entry(model.to_owned())
            .or_insert_with(|| estimate(learnt.and_then(|f| f(model)), model))
    }

    /// Replaces a model's estimate with a cost just learnt from the API.
    pub fn learn(&mut self, model: &str, usd: f64) {
        self.known.insert(
            model.to_owned(),
            Some(Estimate {
                usd,
                source: Source::Journal,
            }),
        );
    }
}

/// The estimated cost of a number of images.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Total {
    /// Images counted.
    pub images: usize,
    /// Images with no estimate.
    pub unknown: usize,
    /// The sum of the known estimates, USD.
    pub usd: f64,
    /// The one per-image figure, while every known estimate is the same.
    per_image: Option<f64>,
    /// Whether the estimates differ between images.
    mixed: bool,
    /// Where the estimates came from, in the order first seen, with the model.
    sources: Vec<(String, Estimate)>,
}

impl Total {
    /// Counts one image of `model` with its estimate.
    pub fn add(&mut self, model: &str, estimate: Option<Estimate>) {
        self.images += 1;
        let Some(e) = estimate else {
            self.unknown += 1;
            return;
        };
        self.usd += e.usd;
        match self.per_image {
            None if !self.mixed => self.per_image = Some(e.usd),
            Some(p) if (p - e.usd).abs() > 1e-9 => {
                self.per_image = None;
                self.mixed = true;
            }
            _ => {}
        }
        if !self.sources.iter().any(|(m, _)| m == model) {
            self.sources.push((model.to_owned(), e));
        }
    }

    /// Images with an estimate.
    pub fn known(&self) -> usize {
        self.images - self.unknown
    }

    /// `3 images × $0.06 ≈ $0.18` (or `≈ $0.17` alone when the figures differ), over the
    /// images with an estimate; `None` when none has one.
    pub fn figures(&self) -> Option<String> {
        let known = self.known();
        if known == 0 {
            return None;
        }
        let noun = if known == 1 { "image" } else { "images" };
        Some(match self.per_image.filter(|_| !self.mixed) {
            Some(p) => format!("{known} {noun} × {} ≈ {}", usd(p), usd(self.usd)),
            None => format!("{known} {noun} ≈ {}", usd(self.usd)),
        })
    }

    /// The whole estimate for people: the figures, what they rest on, and the images of
    /// unknown cost. E.g. `estimated cost: 3 images × $0.06 ≈ $0.18 (estimate: …)`.
    pub fn describe(&self) -> String {
        let mut text = String::from("estimated cost: ");
        match self.figures() {
            Some(f) => text.push_str(&f),
            None => text.push_str("unknown"),
        }
        let labels: Vec<String> = self.sources.iter().map(|(m, e)| e.label(m)).collect();
        if !labels.is_empty() {
            let _ = write!(text, " ({})", labels.join("; "));
        }
        if self.unknown > 0 && self.known() > 0 {
            let _ = write!(text, "; {} more of unknown cost", self.unknown);
        } else if self.unknown > 0 {
            let _ = write!(
                text,
                " for {} image(s): segflux has seen no cost for this model yet",
                self.unknown
            );
        }
        text
    }

    /// The single source of the estimates when there is one (for JSON output).
    #[cfg(test)]
    pub fn source(&self) -> Option<Source> {
        let first = self.sources.first()?.1.source;
        self.sources
            .iter()
            .all(|(_, e)| e.source == first)
            .then_some(first)
    }
}

/// The `--max-cost` refusal when the known estimate of the jobs to submit exceeds `cap`:
/// `N images × $P ≈ $T, over --max-cost $C` (the caller's exit 4). Unknown estimates do not
/// count here: a batch learns the price from its first job instead.
pub fn check_cap(total: &Total, cap: f64) -> Result<(), OverCap> {
    match total.figures() {
        Some(figures) if total.usd > cap + 1e-9 => {
            Err(OverCap(format!("{figures}, over --max-cost {}", usd(cap))))
        }
        _ => Ok(()),
    }
}

/// A total over the `--max-cost` cap, and by how much, as the refusal says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverCap(pub String);

impl std::fmt::Display for OverCap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// US dollars for people: at least two decimals, up to four, `$` first (`$0.06`, `$12.50`,
/// `$0.0125`).
pub fn usd(x: f64) -> String {
    let mut s = format!("{x:.4}");
    while s.ends_with('0') && s.len() - s.find('.').map_or(0, |i| i + 1) > 2 {
        s.pop();
    }
    if x < 0.0 {
        format!("-${}", &s[1..])
    } else {
        format!("${s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: Option<Estimate> = Some(Estimate {
        usd: 0.06,
        source: Source::ListPrice,
    });

    #[test]
    fn dollars_keep_two_to_four_decimals() {
        assert_eq!(usd(0.06), "$0.06");
        assert_eq!(usd(12.5), "$12.50");
        assert_eq!(usd(0.0125), "$0.0125");
        assert_eq!(usd(0.1 + 0.08), "$0.18");
        assert_eq!(usd(3.0), "$3.00");
        assert_eq!(usd(-0.5), "-$0.50");
    }

    #[test]
    fn a_total_states_its_figures_and_its_sources() {
        let mut t = Total::default();
        for _ in 0..3 {
            t.add(DEFAULT_MODEL, LIST);
        }
        assert_eq!(t.figures().unwrap(), "3 images × $0.06 ≈ $0.18");
        let text = t.describe();
        assert!(text.contains("estimate: the published list price of flux-1.1-pro-ultra"));
        assert_eq!(t.source(), Some(Source::ListPrice));
        let learnt = Estimate {
            usd: 0.05,
            source: Source::Journal,
        };
        t.add("flux-dev", Some(learnt));
        t.add("sdxl", None);
        assert_eq!(t.figures().unwrap(), "4 images ≈ $0.23");
        assert!(t.describe().ends_with("; 1 more of unknown cost"), "{t:?}");
        assert_eq!(t.source(), None);
        let mut none = Total::default();
        none.add("sdxl", None);
        assert_eq!(none.figures(), None);
        assert!(
            none.describe()
                .starts_with("estimated cost: unknown for 1 image")
        );
    }

    #[test]
    fn the_cap_refuses_only_a_known_estimate_over_it() {
        let mut t = Total::default();
        t.add(DEFAULT_MODEL, LIST);
        t.add(DEFAULT_MODEL, LIST);
        assert!(check_cap(&t, 0.12).is_ok());
        let e = check_cap(&t, 0.1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "2 images × $0.06 ≈ $0.12, over --max-cost $0.10"
        );
        let mut unknown = Total::default();
        unknown.add("sdxl", None);
        assert!(check_cap(&unknown, 0.0).is_ok());
    }
}

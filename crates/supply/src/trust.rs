//! Trust score of a supplier: a pure function that explains itself.
//!
//! # Model (ours — no published source prescribes one)
//! The score starts from a **base** set by the level the supplier attained, then each factor
//! multiplies it in a fixed order; the points each factor moved the score are recorded, so the
//! factors add up exactly to `final − base` (before the final clamp, also recorded):
//!
//! | step | factor | rule (defaults in [`TrustModel`]) |
//! |---|---|---|
//! | 0 | level | ★1 25, ★2 35, ★3 60, ★4 85; other framework: `10 + 75 × attainment`; none 10 |
//! | 1 | assessor | third-party ×1.00; self-assessed ×0.85 — except ★1–★3, whose base already assumes self-declaration/self-assessment (self ×1.00, third-party ×1.10) |
//! | 2 | coverage `c` | `× (0.4 + 0.6 c)`: unanswered requirements earn no credit |
//! | 3 | evidence share `s` | `× (0.8 + 0.2 s)`: claims without evidence count for less |
//! | 4 | age `a` days | `× 1` up to 365 days, then `× max(0.5, 1 − 0.25 (a − 365)/365)` |
//! | 5 | open gaps | `− 5 × Σ weight_i` points, weight ∈ [0, 1] = how much requirement *i* matters for this relationship |
//! | 6 | clamp | to [0, 100] |
//!
//! `protection = 0.95 × score / 100`: linear so that it can be explained, and capped below 1
//! because trust is graded, never absolute.
//!
//! # Worked example
//! ★3, self-assessed, coverage 0.9, evidence 0.5, answers 500 days old, one open gap of weight
//! 0.6: base 60 → assessor ×1 (0) → coverage ×0.94 (−3.6 → 56.4) → evidence ×0.9 (−5.64 →
//! 50.76) → age ×(1 − 0.25 × 135/365 = 0.907534…) (−4.6936 → 46.0664) → gaps −3 →
//! **43.0664**; protection 0.95 × 0.430664 = 0.409131.

use serde::{Deserialize, Serialize};

use crate::error::{Result, SupplyError};

/// Level a supplier attained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Attainment {
    /// Nothing attained or declared.
    None,
    /// ★ level 1–4 of the ★ scheme (★5 is not defined yet and is rejected).
    Star(u8),
    /// Another framework (CPSF, NIST CSF …): share of the target profile attained, in [0, 1].
    Other(f64),
}

/// Who assessed the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assessor {
    SelfAssessed,
    ThirdParty,
}

/// An open gap on a requirement that matters for the relationship.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenGap {
    pub requirement: String,
    /// How much the requirement matters here, in [0, 1].
    pub weight: f64,
}

/// Everything the trust score reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustInputs {
    pub attainment: Attainment,
    pub assessor: Assessor,
    /// Share of requirements answered, in [0, 1].
    pub coverage: f64,
    /// Share of answers backed by evidence, in [0, 1].
    pub evidence_share: f64,
    /// Age of the answers in days.
    pub age_days: u32,
    pub open_gaps: Vec<OpenGap>,
}

/// One step of the score, with the points it moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustFactor {
    /// Stable key: `level`, `assessor`, `coverage`, `evidence`, `age`, `gaps`, `clamp`.
    pub key: &'static str,
    /// Human explanation of the step.
    pub explanation: String,
    /// Points added (negative: removed).
    pub delta: f64,
}

/// The result: a score that explains itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustScore {
    /// 0–100.
    pub score: f64,
    /// Probability an attack is stopped at this supplier, in [0, 0.95].
    pub protection: f64,
    /// In the order applied; the `level` factor's delta is the base score.
    pub factors: Vec<TrustFactor>,
}

/// Parameters of the trust function; the defaults are the documented model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustModel {
    /// Base score for ★1, ★2, ★3, ★4.
    pub star_base: [f64; 4],
    pub none_base: f64,
    /// `other = other_floor + other_span × attainment`.
    pub other_floor: f64,
    pub other_span: f64,
    pub self_assessed_factor: f64,
    pub third_party_bonus_low_stars: f64,
    pub coverage_floor: f64,
    pub evidence_floor: f64,
    pub fresh_days: u32,
    /// Multiplier lost per year beyond `fresh_days`.
    pub age_loss_per_year: f64,
    pub age_floor: f64,
    pub gap_points: f64,
    pub max_protection: f64,
}

impl Default for TrustModel {
    fn default() -> Self {
        TrustModel {
            star_base: [25.0, 35.0, 60.0, 85.0],
            none_base: 10.0,
            other_floor: 10.0,
            other_span: 75.0,
            self_assessed_factor: 0.85,
            third_party_bonus_low_stars: 1.10,
            coverage_floor: 0.4,
            evidence_floor: 0.8,
            fresh_days: 365,
            age_loss_per_year: 0.25,
            age_floor: 0.5,
            gap_points: 5.0,
            max_protection: 0.95,
        }
    }
}

fn unit(field: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(SupplyError::TrustInput {
            field,
            value,
            expected: "a share in [0, 1]",
        })
    }
}

impl TrustModel {
    /// Score one supplier.
    pub fn score(&self, input: &TrustInputs) -> Result<TrustScore> {
        let coverage = unit("coverage", input.coverage)?;
        let evidence = unit("evidence_share", input.evidence_share)?;
        let mut factors = Vec::new();
        let (base, level_text) = match input.attainment {
            Attainment::None => (self.none_base, "no level attained".to_string()),
            Attainment::Star(s @ 1..=4) => {
                (self.star_base[s as usize - 1], format!("★{s} attained"))
            }
            Attainment::Star(s) => {
                return Err(SupplyError::TrustInput {
                    field: "attainment (★ level)",
                    value: f64::from(s),
                    expected: "★1–★4 (★5 is not defined by the scheme yet)",
                })
            }
            Attainment::Other(a) => {
                let a = unit("attainment (other framework)", a)?;
                (
                    self.other_floor + self.other_span * a,
                    format!("{:.0}% of the target profile attained", a * 100.0),
                )
            }
        };
        factors.push(TrustFactor {
            key: "level",
            explanation: format!("base: {level_text}"),
            delta: base,
        });
        let mut score = base;
        let mut apply =
            |key: &'static str, multiplier: f64, explanation: String, score: &mut f64| {
                let delta = *score * (multiplier - 1.0);
                *score += delta;
                factors.push(TrustFactor {
                    key,
                    explanation,
                    delta,
                });
            };

        let low_star = matches!(input.attainment, Attainment::Star(1..=3));
        let (m, text) = match (input.assessor, low_star) {
            (Assessor::ThirdParty, true) => (
                self.third_party_bonus_low_stars,
                "third-party checked although the level only needs self-assessment",
            ),
            (Assessor::ThirdParty, false) => (1.0, "third-party evaluation"),
            (Assessor::SelfAssessed, true) => (1.0, "self-assessment, as the level foresees"),
            (Assessor::SelfAssessed, false) => (self.self_assessed_factor, "self-assessed only"),
        };
        apply("assessor", m, format!("{text} (×{m:.2})"), &mut score);

        let m = self.coverage_floor + (1.0 - self.coverage_floor) * coverage;
        apply(
            "coverage",
            m,
            format!(
                "{:.0}% of requirements answered (×{m:.3})",
                coverage * 100.0
            ),
            &mut score,
        );

        let m = self.evidence_floor + (1.0 - self.evidence_floor) * evidence;
        apply(
            "evidence",
            m,
            format!(
                "{:.0}% of answers backed by evidence (×{m:.3})",
                evidence * 100.0
            ),
            &mut score,
        );

        let stale_days = input.age_days.saturating_sub(self.fresh_days);
        let m = (1.0 - self.age_loss_per_year * f64::from(stale_days) / 365.0).max(self.age_floor);
        apply(
            "age",
            m,
            format!("answers {} days old (×{m:.3})", input.age_days),
            &mut score,
        );

        let mut weight_sum = 0.0;
        for (i, gap) in input.open_gaps.iter().enumerate() {
            let w = gap.weight;
            if !(w.is_finite() && (0.0..=1.0).contains(&w)) {
                return Err(SupplyError::TrustInput {
                    field: "open_gaps[].weight",
                    value: w,
                    expected: if i == 0 {
                        "a weight in [0, 1] (first gap)"
                    } else {
                        "a weight in [0, 1]"
                    },
                });
            }
            weight_sum += w;
        }
        let gap_delta = -self.gap_points * weight_sum;
        let names: Vec<&str> = input
            .open_gaps
            .iter()
            .map(|g| g.requirement.as_str())
            .collect();
        factors.push(TrustFactor {
            key: "gaps",
            explanation: if names.is_empty() {
                "no open gaps on requirements that matter here".to_string()
            } else {
                format!(
                    "open gaps on {} (weight sum {weight_sum:.2})",
                    names.join(", ")
                )
            },
            delta: gap_delta,
        });
        score += gap_delta;

        let clamped = score.clamp(0.0, 100.0);
        if clamped != score {
            factors.push(TrustFactor {
                key: "clamp",
                explanation: "kept within 0–100".to_string(),
                delta: clamped - score,
            });
        }
        Ok(TrustScore {
            score: clamped,
            protection: self.max_protection * clamped / 100.0,
            factors,
        })
    }

    /// Protection of a supplier with a fresh, fully answered and evidenced third-party ★4 and no
    /// open gaps: the default target when criticality asks "what if it reached ★4?".
    pub fn star4_protection(&self) -> f64 {
        self.max_protection * self.star_base[3] / 100.0
    }
}

/// Score with the default model.
pub fn trust_score(input: &TrustInputs) -> Result<TrustScore> {
    TrustModel::default().score(input)
}

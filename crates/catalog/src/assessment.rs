//! Assessment logic: answers, scores, levels attained, gaps and comparisons. Pure functions
//! over a [`Catalog`] and a list of [`Answer`]s; nothing here stores anything.
//!
//! # How a requirement is scored
//! Every requirement in scope gets a *fulfilment* in `0..=1` and a *met* flag, according to
//! the catalog's [`ScoringMethod`]:
//!
//! | method | points of one requirement | maximum | met when |
//! |---|---|---|---|
//! | `points` | the points of its status (e.g. 4/2/0/−1) | points of `implemented` | implemented |
//! | `maturity` | its maturity level (`score`) | `max` | level ≥ `met_at` |
//! | `criteria_met` | criteria met ÷ criteria (1 or 0 without criteria) | 1 | all criteria met |
//! | `status` | 1 / `partial_credit` / 0 | 1 | implemented |
//!
//! A requirement without an answer counts as `unknown`. `not_applicable` leaves a
//! requirement out of total and maximum (except with `points` when the scheme gives N/A
//! points, as the IPA self-check does) and counts as met for level attainment.
//! For `maturity`, an answer without `score` takes the level implied by its status
//! (implemented → max, partial → midpoint, otherwise min).
//!
//! *Total* is the sum of points, *percentage* is `total ÷ maximum × 100`, and the result band
//! is read against total or percentage as the scheme says. Aggregates per group, per CPSF
//! function and per layer × component cell use the same sums restricted to their members
//! (a requirement with several tags counts in each of its cells).
//!
//! A level is *attained* when every requirement of the level (and of the levels it includes)
//! is met. *Gaps* for a target level are its requirements that are not met.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::model::{
    BandBasis, Catalog, CatalogRef, ComponentKind, CpsfFunction, Layer, LocalizedText, Requirement,
    ResultBand, ScoringMethod,
};

/// The answer status of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Implemented,
    Partial,
    NotImplemented,
    NotApplicable,
    Unknown,
}

impl AnswerStatus {
    pub const ALL: [AnswerStatus; 5] = [
        AnswerStatus::Implemented,
        AnswerStatus::Partial,
        AnswerStatus::NotImplemented,
        AnswerStatus::NotApplicable,
        AnswerStatus::Unknown,
    ];

    /// The stable key used in files and APIs.
    pub fn key(self) -> &'static str {
        match self {
            AnswerStatus::Implemented => "implemented",
            AnswerStatus::Partial => "partial",
            AnswerStatus::NotImplemented => "not_implemented",
            AnswerStatus::NotApplicable => "not_applicable",
            AnswerStatus::Unknown => "unknown",
        }
    }

    /// The label shown to users (the Japanese labels follow the IPA self-check's wording).
    pub fn label(self) -> LocalizedText {
        let (ja, en) = match self {
            AnswerStatus::Implemented => ("実施している", "Implemented"),
            AnswerStatus::Partial => ("一部実施している", "Partly implemented"),
            AnswerStatus::NotImplemented => ("実施していない", "Not implemented"),
            AnswerStatus::NotApplicable => ("該当しない", "Not applicable"),
            AnswerStatus::Unknown => ("わからない", "Don't know"),
        };
        LocalizedText::new(ja, en)
    }

    /// Accepts the key or either label (case- and surrounding-space-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        let wanted = text.trim();
        AnswerStatus::ALL.into_iter().find(|status| {
            let label = status.label();
            status.key().eq_ignore_ascii_case(wanted)
                || label.en.eq_ignore_ascii_case(wanted)
                || label.ja == wanted
                || status.key().replace('_', " ").eq_ignore_ascii_case(wanted)
        })
    }
}

/// Met / not met for one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub criterion_id: String,
    pub met: bool,
}

/// One answer to one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub requirement_id: String,
    pub status: AnswerStatus,
    /// Maturity level for `maturity` schemes (`None` derives it from the status); other
    /// schemes score by status and criteria and ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<CriterionResult>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// References to evidence (blob hashes, URLs, document names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Due date of the planned measure, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}

impl Answer {
    /// An answer with only a status.
    pub fn new(requirement_id: impl Into<String>, status: AnswerStatus) -> Self {
        Self {
            requirement_id: requirement_id.into(),
            status,
            score: None,
            criteria: Vec::new(),
            comment: String::new(),
            evidence: Vec::new(),
            owner: None,
            due: None,
        }
    }
}

/// A set of answers against one catalog version, optionally for a target level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub catalog: CatalogRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_level: Option<String>,
    pub answers: Vec<Answer>,
}

impl Assessment {
    /// Fails unless `catalog` is the exact catalog version this assessment answered.
    pub fn check_catalog(&self, catalog: &Catalog) -> Result<(), AssessmentError> {
        if self.catalog == catalog.reference() {
            Ok(())
        } else {
            Err(AssessmentError::CatalogMismatch {
                assessment: self.catalog.clone(),
                catalog: catalog.reference(),
            })
        }
    }
}

/// Scores a stored assessment: checks it belongs to `catalog`, then [`score`]s it at its
/// target level.
pub fn score_assessment(
    catalog: &Catalog,
    assessment: &Assessment,
) -> Result<ScoreReport, Vec<AssessmentError>> {
    assessment.check_catalog(catalog).map_err(|e| vec![e])?;
    score(
        catalog,
        &assessment.answers,
        assessment.target_level.as_deref(),
    )
}

/// Answers that do not fit the catalog.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AssessmentError {
    #[error("assessment is for catalog {assessment} but catalog {catalog} was given")]
    CatalogMismatch {
        assessment: CatalogRef,
        catalog: CatalogRef,
    },
    #[error("answers[{index}].requirement_id: unknown requirement {requirement_id:?}")]
    UnknownRequirement {
        index: usize,
        requirement_id: String,
    },
    #[error("answers[{index}]: requirement {requirement_id:?} is answered twice (first at answers[{first}])")]
    DuplicateAnswer {
        index: usize,
        first: usize,
        requirement_id: String,
    },
    #[error("answers[{index}].criteria[{criterion_index}]: {criterion_id:?} is not a criterion of {requirement_id:?}")]
    UnknownCriterion {
        index: usize,
        criterion_index: usize,
        requirement_id: String,
        criterion_id: String,
    },
    #[error("answers[{index}].score: {score} is outside {min}..={max} for requirement {requirement_id:?}")]
    ScoreOutOfRange {
        index: usize,
        requirement_id: String,
        score: f64,
        min: f64,
        max: f64,
    },
    #[error("unknown level {0:?}")]
    UnknownLevel(String),
}

/// Score of one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementScore {
    pub requirement_id: String,
    pub status: AnswerStatus,
    /// `None` when the requirement is left out of the totals (not applicable).
    pub points: Option<f64>,
    pub max_points: Option<f64>,
    /// 0..=1; `None` when not applicable.
    pub fulfilment: Option<f64>,
    pub met: bool,
}

/// Sum over a set of requirements (a group, a function, a heatmap cell).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    pub total: f64,
    pub max: f64,
    /// `None` when no scored requirement falls here.
    pub percentage: Option<f64>,
    /// Requirements in scope (not-applicable ones included).
    pub requirements: usize,
    pub met: usize,
}

impl Aggregate {
    fn add(&mut self, score: &RequirementScore) {
        self.requirements += 1;
        if score.met {
            self.met += 1;
        }
        if let (Some(points), Some(max)) = (score.points, score.max_points) {
            self.total += points;
            self.max += max;
        }
        self.percentage = (self.max > 0.0).then(|| self.total / self.max * 100.0);
    }
}

/// Aggregate of one group (for bar or radar charts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    pub group_id: String,
    pub title: LocalizedText,
    /// Nesting depth, 0 for top-level groups.
    pub depth: usize,
    pub aggregate: Aggregate,
}

/// Aggregate of one CPSF function (one axis of the function radar chart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionScore {
    pub function: CpsfFunction,
    pub aggregate: Aggregate,
}

/// One cell of the CPSF layer × component heatmap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatmapCell {
    pub layer: Layer,
    pub component: ComponentKind,
    pub aggregate: Aggregate,
}

/// The full result of scoring an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreReport {
    pub catalog: CatalogRef,
    pub level: Option<String>,
    pub overall: Aggregate,
    pub band: Option<ResultBand>,
    pub requirements: Vec<RequirementScore>,
    /// Every group that has requirements in scope, in document order.
    pub groups: Vec<GroupScore>,
    /// Per CPSF function, in Identify/Protect/Detect/Respond-Recover order; functions without
    /// tagged requirements are left out.
    pub functions: Vec<FunctionScore>,
    /// Only cells with at least one requirement.
    pub heatmap: Vec<HeatmapCell>,
    /// Catalog levels whose requirements are all met.
    pub levels_attained: Vec<String>,
}

/// Checks answers against the catalog: known requirements and criteria, no duplicates,
/// maturity scores in range. Returns the answers indexed by requirement id.
pub fn check_answers<'a>(
    catalog: &Catalog,
    answers: &'a [Answer],
) -> Result<HashMap<&'a str, &'a Answer>, Vec<AssessmentError>> {
    let mut errors = Vec::new();
    let requirements: HashMap<&str, &Requirement> = catalog
        .requirements()
        .into_iter()
        .map(|(_, r)| (r.id.as_str(), r))
        .collect();
    let mut by_id: HashMap<&str, (usize, &Answer)> = HashMap::new();
    for (index, answer) in answers.iter().enumerate() {
        let Some(requirement) = requirements.get(answer.requirement_id.as_str()).copied() else {
            errors.push(AssessmentError::UnknownRequirement {
                index,
                requirement_id: answer.requirement_id.clone(),
            });
            continue;
        };
        if let Some((first, _)) = by_id.get(answer.requirement_id.as_str()) {
            errors.push(AssessmentError::DuplicateAnswer {
                index,
                first: *first,
                requirement_id: answer.requirement_id.clone(),
            });
            continue;
        }
        for (criterion_index, result) in answer.criteria.iter().enumerate() {
            if !requirement
                .criteria
                .iter()
                .any(|c| c.id == result.criterion_id)
            {
                errors.push(AssessmentError::UnknownCriterion {
                    index,
                    criterion_index,
                    requirement_id: answer.requirement_id.clone(),
                    criterion_id: result.criterion_id.clone(),
                });
            }
        }
        if let (ScoringMethod::Maturity { min, max, .. }, Some(score)) =
            (&catalog.scoring.method, answer.score)
        {
            let (min, max) = (f64::from(*min), f64::from(*max));
            if !(min..=max).contains(&score) {
                errors.push(AssessmentError::ScoreOutOfRange {
                    index,
                    requirement_id: answer.requirement_id.clone(),
                    score,
                    min,
                    max,
                });
            }
        }
        by_id.insert(&answer.requirement_id, (index, answer));
    }
    if errors.is_empty() {
        Ok(by_id.into_iter().map(|(k, (_, a))| (k, a)).collect())
    } else {
        Err(errors)
    }
}

/// Scores one requirement given its answer (or none).
pub fn score_requirement(
    catalog: &Catalog,
    requirement: &Requirement,
    answer: Option<&Answer>,
    level: Option<&str>,
) -> RequirementScore {
    let status = answer.map_or(AnswerStatus::Unknown, |a| a.status);
    let not_applicable = status == AnswerStatus::NotApplicable;
    let (points, max_points, met) = match &catalog.scoring.method {
        ScoringMethod::Points {
            implemented,
            partial,
            not_implemented,
            unknown,
            not_applicable: na_points,
        } => {
            let points = match status {
                AnswerStatus::Implemented => Some(*implemented),
                AnswerStatus::Partial => Some(*partial),
                AnswerStatus::NotImplemented => Some(*not_implemented),
                AnswerStatus::Unknown => Some(*unknown),
                AnswerStatus::NotApplicable => *na_points,
            };
            let met = matches!(
                status,
                AnswerStatus::Implemented | AnswerStatus::NotApplicable
            );
            (points, points.map(|_| *implemented), met)
        }
        ScoringMethod::Maturity { min, max, met_at } => {
            if not_applicable {
                (None, None, true)
            } else {
                let (min, max) = (f64::from(*min), f64::from(*max));
                let value = answer.and_then(|a| a.score).unwrap_or(match status {
                    AnswerStatus::Implemented => max,
                    AnswerStatus::Partial => ((min + max) / 2.0).floor(),
                    _ => min,
                });
                (
                    Some(value - min),
                    Some(max - min),
                    value >= f64::from(*met_at),
                )
            }
        }
        ScoringMethod::CriteriaMet => {
            if not_applicable {
                (None, None, true)
            } else {
                let criteria = catalog.criteria_at_level(requirement, level);
                if criteria.is_empty() {
                    let met = status == AnswerStatus::Implemented;
                    (Some(if met { 1.0 } else { 0.0 }), Some(1.0), met)
                } else {
                    let results = answer.map(|a| a.criteria.as_slice()).unwrap_or_default();
                    let met_count = criteria
                        .iter()
                        .filter(|c| results.iter().any(|r| r.criterion_id == c.id && r.met))
                        .count();
                    let fraction = met_count as f64 / criteria.len() as f64;
                    (Some(fraction), Some(1.0), met_count == criteria.len())
                }
            }
        }
        ScoringMethod::Status { partial_credit } => {
            let points = match status {
                AnswerStatus::Implemented => Some(1.0),
                AnswerStatus::Partial => Some(*partial_credit),
                AnswerStatus::NotImplemented | AnswerStatus::Unknown => Some(0.0),
                AnswerStatus::NotApplicable => None,
            };
            let met = matches!(
                status,
                AnswerStatus::Implemented | AnswerStatus::NotApplicable
            );
            (points, points.map(|_| 1.0), met)
        }
    };
    let fulfilment = match (points, max_points) {
        (Some(p), Some(m)) if m > 0.0 => Some((p / m).clamp(0.0, 1.0)),
        _ => None,
    };
    RequirementScore {
        requirement_id: requirement.id.clone(),
        status,
        points,
        max_points,
        fulfilment,
        met,
    }
}

/// Scores `answers` against `catalog`. With `level`, only that level's requirements (and its
/// included levels') are in scope and only their criteria count; without, all requirements.
pub fn score(
    catalog: &Catalog,
    answers: &[Answer],
    level: Option<&str>,
) -> Result<ScoreReport, Vec<AssessmentError>> {
    if let Some(level) = level {
        if catalog.level(level).is_none() {
            return Err(vec![AssessmentError::UnknownLevel(level.to_string())]);
        }
    }
    let by_id = check_answers(catalog, answers)?;
    let scope = level.map(|l| catalog.level_closure(l));
    let in_scope = |requirement: &Requirement| match &scope {
        None => true,
        Some(closure) => requirement.levels.iter().any(|l| closure.contains(l)),
    };

    let mut overall = Aggregate::default();
    let mut requirement_scores = Vec::new();
    let mut group_aggregates: BTreeMap<String, Aggregate> = BTreeMap::new();
    let mut function_aggregates: BTreeMap<CpsfFunction, Aggregate> = BTreeMap::new();
    let mut heat: BTreeMap<(Layer, ComponentKind), Aggregate> = BTreeMap::new();
    let mut score_by_id: HashMap<String, bool> = HashMap::new();

    for (path, requirement) in catalog.requirements() {
        if !in_scope(requirement) {
            continue;
        }
        let result = score_requirement(
            catalog,
            requirement,
            by_id.get(requirement.id.as_str()).copied(),
            level,
        );
        overall.add(&result);
        for group in &path {
            group_aggregates
                .entry(group.id.clone())
                .or_default()
                .add(&result);
        }
        // A requirement's own function tags win; otherwise the nearest group's function.
        let functions: Vec<CpsfFunction> = if requirement.functions.is_empty() {
            path.iter()
                .rev()
                .find_map(|g| g.function)
                .into_iter()
                .collect()
        } else {
            requirement.functions.clone()
        };
        for function in functions {
            function_aggregates
                .entry(function)
                .or_default()
                .add(&result);
        }
        for layer in &requirement.layers {
            for component in &requirement.components {
                heat.entry((*layer, *component)).or_default().add(&result);
            }
        }
        score_by_id.insert(requirement.id.clone(), result.met);
        requirement_scores.push(result);
    }

    let mut groups = Vec::new();
    fn collect(
        group: &crate::model::Group,
        depth: usize,
        aggregates: &BTreeMap<String, Aggregate>,
        out: &mut Vec<GroupScore>,
    ) {
        if let Some(aggregate) = aggregates.get(&group.id) {
            out.push(GroupScore {
                group_id: group.id.clone(),
                title: group.title.clone(),
                depth,
                aggregate: aggregate.clone(),
            });
        }
        for child in &group.groups {
            collect(child, depth + 1, aggregates, out);
        }
    }
    for group in &catalog.groups {
        collect(group, 0, &group_aggregates, &mut groups);
    }

    let band_value = match catalog.scoring.band_basis {
        BandBasis::Total => Some(overall.total),
        BandBasis::Percentage => overall.percentage,
    };
    let band = band_value.and_then(|v| catalog.scoring.band_for(v).cloned());

    let levels_attained = levels_attained(catalog, &by_id);

    Ok(ScoreReport {
        catalog: catalog.reference(),
        level: level.map(str::to_string),
        overall,
        band,
        requirements: requirement_scores,
        groups,
        functions: function_aggregates
            .into_iter()
            .map(|(function, aggregate)| FunctionScore {
                function,
                aggregate,
            })
            .collect(),
        heatmap: heat
            .into_iter()
            .map(|((layer, component), aggregate)| HeatmapCell {
                layer,
                component,
                aggregate,
            })
            .collect(),
        levels_attained,
    })
}

/// Levels whose every requirement (own and included) is met, each judged with that level's
/// criteria. A level with no requirements is not reported as attained.
fn levels_attained(catalog: &Catalog, by_id: &HashMap<&str, &Answer>) -> Vec<String> {
    catalog
        .levels
        .iter()
        .filter(|level| {
            let required = catalog.requirements_at_level(&level.id);
            !required.is_empty()
                && required.iter().all(|requirement| {
                    score_requirement(
                        catalog,
                        requirement,
                        by_id.get(requirement.id.as_str()).copied(),
                        Some(&level.id),
                    )
                    .met
                })
        })
        .map(|level| level.id.clone())
        .collect()
}

/// One requirement of the target level that is not met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    pub requirement_id: String,
    pub status: AnswerStatus,
    /// Criteria applying at the level that are not met (criteria_met schemes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmet_criteria: Vec<String>,
    pub fulfilment: Option<f64>,
}

/// Requirements of `level` (with included levels) that the answers do not meet, in order.
pub fn gaps(
    catalog: &Catalog,
    answers: &[Answer],
    level: &str,
) -> Result<Vec<Gap>, Vec<AssessmentError>> {
    if catalog.level(level).is_none() {
        return Err(vec![AssessmentError::UnknownLevel(level.to_string())]);
    }
    let by_id = check_answers(catalog, answers)?;
    let mut out = Vec::new();
    for requirement in catalog.requirements_at_level(level) {
        let answer = by_id.get(requirement.id.as_str()).copied();
        let result = score_requirement(catalog, requirement, answer, Some(level));
        if result.met {
            continue;
        }
        let unmet_criteria = if matches!(catalog.scoring.method, ScoringMethod::CriteriaMet) {
            catalog
                .criteria_at_level(requirement, Some(level))
                .into_iter()
                .filter(|c| {
                    !answer
                        .is_some_and(|a| a.criteria.iter().any(|r| r.criterion_id == c.id && r.met))
                })
                .map(|c| c.id.clone())
                .collect()
        } else {
            Vec::new()
        };
        out.push(Gap {
            requirement_id: requirement.id.clone(),
            status: result.status,
            unmet_criteria,
            fulfilment: result.fulfilment,
        });
    }
    Ok(out)
}

/// How one requirement changed between two assessments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Improved,
    Regressed,
    Unchanged,
    /// Not applicable on one side only: the two cannot be ranked.
    NotComparable,
}

/// One row of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementChange {
    pub requirement_id: String,
    pub before: AnswerStatus,
    pub after: AnswerStatus,
    pub before_fulfilment: Option<f64>,
    pub after_fulfilment: Option<f64>,
    pub change: Change,
}

/// Compares two answer sets on the same catalog, requirement by requirement (in scope of
/// `level` if given). The fulfilment decides; equal fulfilment is `unchanged` even when the
/// status words differ (e.g. `unknown` → `not_implemented` both score 0 under `status`).
pub fn compare(
    catalog: &Catalog,
    before: &[Answer],
    after: &[Answer],
    level: Option<&str>,
) -> Result<Vec<RequirementChange>, Vec<AssessmentError>> {
    let old = score(catalog, before, level)?;
    let new = score(catalog, after, level)?;
    // Both reports list the same requirements in the same (document) order.
    Ok(old
        .requirements
        .iter()
        .zip(new.requirements.iter())
        .map(|(b, a)| {
            let change = match (b.fulfilment, a.fulfilment) {
                (None, None) => Change::Unchanged,
                (Some(x), Some(y)) if (y - x).abs() < 1e-9 => Change::Unchanged,
                (Some(x), Some(y)) if y > x => Change::Improved,
                (Some(_), Some(_)) => Change::Regressed,
                _ => Change::NotComparable,
            };
            RequirementChange {
                requirement_id: b.requirement_id.clone(),
                before: b.status,
                after: a.status,
                before_fulfilment: b.fulfilment,
                after_fulfilment: a.fulfilment,
                change,
            }
        })
        .collect())
}

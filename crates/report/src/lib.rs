//! sanso-report: turns one assessment into documents for management.
//!
//! * [`analyse`] scores an assessment (via `sanso_catalog`) and adds what a reader asks first:
//!   progress (answered / in scope), the level attained, the gaps of the target level.
//! * [`charts`] draws the dashboard charts as standalone SVG (radar per group or CPSF function,
//!   CPSF layer × component heatmap), the same pictures for the web UI and for files.
//! * [`assessment_docx`] writes an editable Word document (Office Open XML) with summary, level
//!   attained, per-group table, the tables behind each chart, gaps and the catalog's notes
//!   (including "unverified" marks), in Japanese or English.
//!
//! The input, [`ReportInput`], is plain owned data that the web server and the CLI both build
//! from a stored assessment and the catalog version it answered. Nothing here touches a
//! database or the network.

pub mod charts;
mod docx;
mod labels;

use std::collections::HashMap;

use sanso_catalog::{
    Answer, AnswerStatus, AssessmentError, Catalog, Gap, LocalizedText, ScoreReport,
};

pub use labels::{component_label, function_label, label, layer_label};
pub use sanso_catalog::Lang;

/// Everything a report is made from.
#[derive(Debug, Clone)]
pub struct ReportInput {
    /// Title of the assessment.
    pub title: String,
    /// What was assessed, as readers should see it (e.g. "Workspace: Acme", "Site: Plant 1").
    pub target: String,
    /// Review state as readers should see it (e.g. "承認済み").
    pub state: String,
    /// The reviewer's last comment (empty when none).
    pub review_comment: String,
    /// When the report was made (RFC 3339 or any readable timestamp).
    pub generated_at: String,
    /// The exact catalog version the assessment answered.
    pub catalog: Catalog,
    /// Target level (★3, Lv2 …) the assessment is made for, if any.
    pub target_level: Option<String>,
    pub answers: Vec<Answer>,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The answers do not fit the catalog (they were stored against another version?).
    #[error("the answers do not fit catalog {catalog}: {}", .problems.join("; "))]
    Answers {
        catalog: String,
        problems: Vec<String>,
    },
    /// Writing the DOCX package failed.
    #[error("writing the DOCX package: {0}")]
    Package(String),
}

impl ReportError {
    fn answers(catalog: &Catalog, errors: Vec<AssessmentError>) -> Self {
        ReportError::Answers {
            catalog: format!("{}@{}", catalog.id, catalog.version),
            problems: errors.iter().map(ToString::to_string).collect(),
        }
    }
}

/// One axis of a radar chart (or one bar when there are too few axes for a radar).
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub key: String,
    pub label: String,
    /// 0–100; `None` when nothing on this axis is scored (all not applicable).
    pub percentage: Option<f64>,
    pub met: usize,
    pub requirements: usize,
}

/// An assessment scored and summarised for reports and dashboards.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub score: ScoreReport,
    /// Requirements of the target level not met (empty without a target level).
    pub gaps: Vec<Gap>,
    /// Requirements in scope with an answer other than "unknown".
    pub answered: usize,
    /// Requirements in scope (the target level's, or all).
    pub in_scope: usize,
}

/// Scores `input` and gathers progress and gaps.
pub fn analyse(input: &ReportInput) -> Result<Analysis, ReportError> {
    let catalog = &input.catalog;
    let level = input.target_level.as_deref();
    let score = sanso_catalog::score(catalog, &input.answers, level)
        .map_err(|e| ReportError::answers(catalog, e))?;
    let gaps = match level {
        Some(level) => sanso_catalog::gaps(catalog, &input.answers, level)
            .map_err(|e| ReportError::answers(catalog, e))?,
        None => Vec::new(),
    };
    let status: HashMap<&str, AnswerStatus> = input
        .answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a.status))
        .collect();
    let answered = score
        .requirements
        .iter()
        .filter(|r| {
            status
                .get(r.requirement_id.as_str())
                .is_some_and(|s| *s != AnswerStatus::Unknown)
        })
        .count();
    Ok(Analysis {
        in_scope: score.requirements.len(),
        answered,
        gaps,
        score,
    })
}

impl Analysis {
    /// Axes per top-level group of the catalog (categories, ★ groups, important items …).
    pub fn group_axes(&self, lang: Lang) -> Vec<Axis> {
        self.score
            .groups
            .iter()
            .filter(|g| g.depth == 0)
            .map(|g| Axis {
                key: g.group_id.clone(),
                label: g.title.get(lang).to_string(),
                percentage: g.aggregate.percentage,
                met: g.aggregate.met,
                requirements: g.aggregate.requirements,
            })
            .collect()
    }

    /// Axes per CPSF function (only functions that tagged requirements fall in).
    pub fn function_axes(&self, lang: Lang) -> Vec<Axis> {
        self.score
            .functions
            .iter()
            .map(|f| Axis {
                key: f.function.as_str().to_string(),
                label: function_label(f.function, lang).to_string(),
                percentage: f.aggregate.percentage,
                met: f.aggregate.met,
                requirements: f.aggregate.requirements,
            })
            .collect()
    }

    /// The axes the main radar chart uses: top-level groups when there are at least three,
    /// else CPSF functions when there are at least three, else the groups (drawn as bars).
    pub fn main_axes(&self, lang: Lang) -> Vec<Axis> {
        let groups = self.group_axes(lang);
        if groups.len() >= 3 {
            return groups;
        }
        let functions = self.function_axes(lang);
        if functions.len() >= 3 {
            functions
        } else {
            groups
        }
    }

    /// Whether the target level (if any) is attained.
    pub fn target_attained(&self) -> Option<bool> {
        self.score
            .level
            .as_ref()
            .map(|l| self.score.levels_attained.contains(l))
    }
}

/// The catalog's text of a level id (its title), or the id itself.
pub fn level_title(catalog: &Catalog, id: &str, lang: Lang) -> String {
    catalog
        .level(id)
        .map(|l| non_empty(&l.title, lang, id))
        .unwrap_or_else(|| id.to_string())
}

fn non_empty(text: &LocalizedText, lang: Lang, fallback: &str) -> String {
    let t = text.get(lang);
    if t.is_empty() {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

/// Writes the assessment as an editable DOCX report in `lang`.
///
/// Sections: summary (catalog, target, state, overall score and band, level attained,
/// progress), one table per chart (groups, CPSF functions, layer × component), gaps of the
/// target level with owner and due date, and the catalog's notes with its unverified marks.
pub fn assessment_docx(input: &ReportInput, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let analysis = analyse(input)?;
    docx::write(input, &analysis, lang)
}

#[cfg(test)]
mod tests;

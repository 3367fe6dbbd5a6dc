//! Constructors that turn plain assessment data into OSCAL assessment-results and POA&M documents.
//!
//! Mapping (OSCAL 1.1 model):
//! * one [`ResultInput`] → one `result` with `reviewed-controls` listing every assessed control;
//! * one [`ControlFinding`] → one `finding` whose target is `objective-id` = the control id (or
//!   the objective id the caller gives) with status `satisfied` / `not-satisfied`, plus one
//!   `observation` per [`ObservationInput`], linked by `related-observations`;
//! * one [`PoamItemInput`] → one `poam-item`; a due date or remediation becomes a `risk` (status
//!   `open`, `deadline`, a `remediations` response with a milestone task) linked by `related-risks`,
//!   because OSCAL keeps deadlines and remediations on risks, not on POA&M items.
//!
//! UUIDs are random (v4); timestamps are RFC 3339 strings supplied by the caller or now (UTC).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{OscalError, Result};
use crate::model::{
    AssessedControls, AssessmentResult, AssessmentResults, ControlRef, Finding, FindingTarget,
    ImportRef, Metadata, ObjectiveStatus, Observation, PlanOfActionAndMilestones, PoamItem,
    Property, RelatedFinding, RelatedObservation, RelatedRisk, Remediation, ReviewedControls, Risk,
    SystemId, Task,
};

/// The OSCAL version sanso writes.
pub const OSCAL_VERSION: &str = "1.1.2";

fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Now (UTC) as RFC 3339.
pub fn now_timestamp() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// OSCAL `date-time-with-timezone`: RFC 3339 with an explicit offset (`2026-11-01T09:00:00+09:00`).
fn check_timestamp(value: &str, json_path: impl Fn() -> String) -> Result<()> {
    match OffsetDateTime::parse(value, &Rfc3339) {
        Ok(_) => Ok(()),
        Err(_) => Err(OscalError::InvalidValue {
            json_path: json_path(),
            value: value.to_string(),
            expected: "an RFC 3339 date-time with time zone (e.g. 2026-11-01T09:00:00+09:00)",
        }),
    }
}

/// Document-level facts for a generated document.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub title: String,
    /// The document's own version (e.g. "1.0").
    pub version: String,
    /// `last-modified`; now when `None`.
    pub last_modified: Option<String>,
}

impl DocumentInfo {
    fn check(&self) -> Result<()> {
        match &self.last_modified {
            Some(ts) => check_timestamp(ts, || "info.last-modified".to_string()),
            None => Ok(()),
        }
    }

    fn metadata(&self) -> Metadata {
        Metadata {
            title: self.title.clone(),
            last_modified: self.last_modified.clone().unwrap_or_else(now_timestamp),
            version: self.version.clone(),
            oscal_version: OSCAL_VERSION.to_string(),
            ..Metadata::default()
        }
    }
}

/// Whether a control (objective) was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingState {
    Satisfied,
    NotSatisfied,
}

impl FindingState {
    fn as_oscal(self) -> &'static str {
        match self {
            FindingState::Satisfied => "satisfied",
            FindingState::NotSatisfied => "not-satisfied",
        }
    }
}

/// What was observed for one control.
#[derive(Debug, Clone)]
pub struct ObservationInput {
    pub title: Option<String>,
    pub description: String,
    /// `EXAMINE`, `INTERVIEW`, `TEST` or `UNKNOWN`.
    pub methods: Vec<String>,
    /// When the evidence was collected (RFC 3339).
    pub collected: String,
}

/// The assessed state of one control.
#[derive(Debug, Clone)]
pub struct ControlFinding {
    pub control_id: String,
    /// The objective id the finding targets; the control id when `None`.
    pub objective_id: Option<String>,
    pub title: String,
    pub description: String,
    pub state: FindingState,
    /// Free-text remarks on the finding (e.g. the gap found).
    pub remarks: Option<String>,
    pub observations: Vec<ObservationInput>,
}

/// One assessment run.
#[derive(Debug, Clone)]
pub struct ResultInput {
    pub title: String,
    pub description: String,
    pub start: String,
    pub end: Option<String>,
    pub findings: Vec<ControlFinding>,
}

/// Builds an assessment-results document. `import_ap_href` names the assessment plan it answers
/// (OSCAL requires one; sanso points at its own plan export or a `#uuid` back-matter entry).
/// Timestamps are checked (OSCAL needs RFC 3339 with a time zone); the error names the input.
pub fn assessment_results(
    info: &DocumentInfo,
    import_ap_href: &str,
    results: &[ResultInput],
) -> Result<AssessmentResults> {
    info.check()?;
    for (r, result) in results.iter().enumerate() {
        check_timestamp(&result.start, || format!("results[{r}].start"))?;
        if let Some(end) = &result.end {
            check_timestamp(end, || format!("results[{r}].end"))?;
        }
        for (f, finding) in result.findings.iter().enumerate() {
            for (o, observation) in finding.observations.iter().enumerate() {
                check_timestamp(&observation.collected, || {
                    format!("results[{r}].findings[{f}].observations[{o}].collected")
                })?;
            }
        }
    }
    Ok(AssessmentResults {
        uuid: new_uuid(),
        metadata: info.metadata(),
        import_ap: ImportRef {
            href: import_ap_href.to_string(),
            remarks: None,
        },
        local_definitions: None,
        results: results.iter().map(build_result).collect(),
        back_matter: None,
    })
}

fn build_result(input: &ResultInput) -> AssessmentResult {
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    let mut reviewed: Vec<ControlRef> = Vec::new();
    for finding in &input.findings {
        if !reviewed.iter().any(|r| r.control_id == finding.control_id) {
            reviewed.push(ControlRef {
                control_id: finding.control_id.clone(),
                statement_ids: Vec::new(),
            });
        }
        let mut related = Vec::new();
        for obs in &finding.observations {
            let uuid = new_uuid();
            related.push(RelatedObservation {
                observation_uuid: uuid.clone(),
            });
            observations.push(Observation {
                uuid,
                title: obs.title.clone(),
                description: obs.description.clone(),
                methods: if obs.methods.is_empty() {
                    vec!["UNKNOWN".to_string()]
                } else {
                    obs.methods.clone()
                },
                collected: obs.collected.clone(),
                ..Observation::default()
            });
        }
        findings.push(Finding {
            uuid: new_uuid(),
            title: finding.title.clone(),
            description: finding.description.clone(),
            target: FindingTarget {
                target_type: "objective-id".to_string(),
                target_id: finding
                    .objective_id
                    .clone()
                    .unwrap_or_else(|| finding.control_id.clone()),
                status: ObjectiveStatus {
                    state: finding.state.as_oscal().to_string(),
                    reason: None,
                    remarks: None,
                },
                ..FindingTarget::default()
            },
            related_observations: related,
            remarks: finding.remarks.clone(),
            props: vec![Property {
                ns: Some(SANSO_NS.to_string()),
                ..Property::new("control-id", finding.control_id.clone())
            }],
            ..Finding::default()
        });
    }
    AssessmentResult {
        uuid: new_uuid(),
        title: input.title.clone(),
        description: input.description.clone(),
        start: input.start.clone(),
        end: input.end.clone(),
        reviewed_controls: ReviewedControls {
            control_selections: vec![AssessedControls {
                include_controls: reviewed,
                ..AssessedControls::default()
            }],
            ..ReviewedControls::default()
        },
        observations,
        findings,
        ..AssessmentResult::default()
    }
}

/// Namespace of sanso's own properties.
pub const SANSO_NS: &str = "https://sanso.example/ns/oscal";

/// A remediation plan for a POA&M item.
#[derive(Debug, Clone)]
pub struct RemediationInput {
    pub title: String,
    pub description: String,
    /// `recommendation`, `planned` or `completed`.
    pub lifecycle: String,
}

/// One POA&M entry.
#[derive(Debug, Clone)]
pub struct PoamItemInput {
    pub title: String,
    pub description: String,
    /// UUIDs of findings (passed to [`poam`] in `findings`) this item addresses.
    pub related_findings: Vec<String>,
    /// RFC 3339 date-time by which the weakness must be fixed.
    pub due: Option<String>,
    pub remediation: Option<RemediationInput>,
}

/// Builds a POA&M. `findings` (e.g. the not-satisfied findings of an assessment-results) are
/// copied in so the items' `related-findings` resolve inside the document; an item naming an
/// unknown finding is an error.
pub fn poam(
    info: &DocumentInfo,
    system_id: Option<&str>,
    findings: &[Finding],
    observations: &[Observation],
    items: &[PoamItemInput],
) -> Result<PlanOfActionAndMilestones> {
    info.check()?;
    let mut risks = Vec::new();
    let mut poam_items = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(due) = &item.due {
            check_timestamp(due, || format!("items[{index}].due"))?;
        }
        for (k, finding_uuid) in item.related_findings.iter().enumerate() {
            if !findings.iter().any(|f| &f.uuid == finding_uuid) {
                return Err(OscalError::BadResourceReference {
                    file: "<poam builder>".into(),
                    json_path: format!("items[{index}].related-findings[{k}]"),
                    href: finding_uuid.clone(),
                    message: "no finding with this uuid was given".to_string(),
                });
            }
        }
        let mut related_risks = Vec::new();
        if item.due.is_some() || item.remediation.is_some() {
            let risk_uuid = new_uuid();
            related_risks.push(RelatedRisk {
                risk_uuid: risk_uuid.clone(),
            });
            let remediations = item
                .remediation
                .iter()
                .map(|r| Remediation {
                    uuid: new_uuid(),
                    lifecycle: r.lifecycle.clone(),
                    title: r.title.clone(),
                    description: r.description.clone(),
                    tasks: item
                        .due
                        .iter()
                        .map(|due| Task {
                            uuid: new_uuid(),
                            task_type: "milestone".to_string(),
                            title: format!("Complete: {}", r.title),
                            timing: Some(serde_json::json!({ "on-date": { "date": due } })),
                            ..Task::default()
                        })
                        .collect(),
                    ..Remediation::default()
                })
                .collect();
            risks.push(Risk {
                uuid: risk_uuid,
                title: item.title.clone(),
                description: item.description.clone(),
                statement: item.description.clone(),
                status: "open".to_string(),
                deadline: item.due.clone(),
                remediations,
                ..Risk::default()
            });
        }
        poam_items.push(PoamItem {
            uuid: Some(new_uuid()),
            title: item.title.clone(),
            description: item.description.clone(),
            related_findings: item
                .related_findings
                .iter()
                .map(|u| RelatedFinding {
                    finding_uuid: u.clone(),
                })
                .collect(),
            related_risks,
            ..PoamItem::default()
        });
    }
    Ok(PlanOfActionAndMilestones {
        uuid: new_uuid(),
        metadata: info.metadata(),
        import_ssp: None,
        system_id: system_id.map(|id| SystemId {
            identifier_type: Some(SANSO_NS.to_string()),
            id: id.to_string(),
        }),
        local_definitions: None,
        observations: observations.to_vec(),
        risks,
        findings: findings.to_vec(),
        poam_items,
        back_matter: None,
    })
}

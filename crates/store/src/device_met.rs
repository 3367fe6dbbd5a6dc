//! Whether an IoT device use meets each requirement its IoT-SSF category brings, from two
//! sources: the device's own "met" checkboxes and the answers of assessments whose target is the
//! device's value-chain node.
//!
//! An assessment answer, where one exists, decides: it is the reviewed, evidence-backed record,
//! while a checkbox is a quick claim. `implemented` and `not_applicable` count as met; any other
//! answer counts as not met even if the checkbox is ticked. Where several assessments of the node
//! answer the same requirement, the most recently updated one wins. Requirements no assessment
//! answers fall back to the checkbox. Reads only; every query names the workspace.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::Row;

use crate::dataflows::IotDevice;
use crate::{Result, Store};

/// Where a requirement's "met" came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MetSource {
    /// The device's own checkbox (absent counts as not met).
    Checkbox,
    /// An answer in an assessment of the device's node.
    Assessment {
        assessment_id: String,
        title: String,
        /// The answer status (`implemented`, `partial`, …).
        status: String,
    },
}

/// One requirement's effective state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RequirementMet {
    pub requirement_id: String,
    pub met: bool,
    pub source: MetSource,
}

/// The latest answer per requirement in assessments of one node.
#[derive(Debug, Clone, Default)]
pub struct NodeAnswers {
    /// requirement id → (assessment id, title, status)
    by_requirement: BTreeMap<String, (String, String, String)>,
}

fn counts_as_met(status: &str) -> bool {
    matches!(status, "implemented" | "not_applicable")
}

/// The effective state of `requirement_ids` for `device`, given the answers for its node.
pub fn effective_met(
    device: &IotDevice,
    answers: Option<&NodeAnswers>,
    requirement_ids: &[String],
) -> Vec<RequirementMet> {
    requirement_ids
        .iter()
        .map(|id| match answers.and_then(|a| a.by_requirement.get(id)) {
            Some((assessment_id, title, status)) => RequirementMet {
                requirement_id: id.clone(),
                met: counts_as_met(status),
                source: MetSource::Assessment {
                    assessment_id: assessment_id.clone(),
                    title: title.clone(),
                    status: status.clone(),
                },
            },
            None => RequirementMet {
                requirement_id: id.clone(),
                met: device.met.get(id).copied().unwrap_or(false),
                source: MetSource::Checkbox,
            },
        })
        .collect()
}

/// As a map for the chart and `share_met`.
pub fn met_map(states: &[RequirementMet]) -> BTreeMap<String, bool> {
    states
        .iter()
        .map(|s| (s.requirement_id.clone(), s.met))
        .collect()
}

impl Store {
    /// Latest answers per node over every assessment in the workspace that targets a node.
    pub async fn answers_by_node(
        &self,
        workspace_id: &str,
    ) -> Result<BTreeMap<String, NodeAnswers>> {
        // Ordered oldest first so that a later assessment overwrites an earlier one's answer.
        let rows = sqlx::query(
            "SELECT a.id, a.title, a.target_node_id, aa.requirement_id, aa.status \
             FROM assessments a JOIN assessment_answers aa ON aa.assessment_id = a.id \
             WHERE a.workspace_id = $1 AND a.target_node_id IS NOT NULL \
             ORDER BY a.updated_at, a.id",
        )
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        let mut out: BTreeMap<String, NodeAnswers> = BTreeMap::new();
        for row in rows {
            let node: String = row.try_get("target_node_id")?;
            let requirement: String = row.try_get("requirement_id")?;
            let status: String = row.try_get("status")?;
            // An `unknown` answer says nothing either way; let the checkbox speak.
            if status == "unknown" {
                continue;
            }
            out.entry(node).or_default().by_requirement.insert(
                requirement,
                (row.try_get("id")?, row.try_get("title")?, status),
            );
        }
        Ok(out)
    }
}

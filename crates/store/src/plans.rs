//! The plan of action and milestones (issue 3, item 6): plan items in the store.
//!
//! A plan item is one measure someone will take — with an owner, a due date, a cost estimate, a
//! priority and a status. Most are made from the gaps of an assessment and then keep a link to
//! that assessment and the requirement not met; free-standing items (no assessment) are allowed
//! too, for measures that come from elsewhere (an audit, an incident).
//!
//! "Plan from gaps" is idempotent: a gap whose requirement already has an item for that
//! assessment gets no second one, so it can be run again after more answers came in.
//! Deleting an assessment deletes its plan items (they describe its gaps and nothing else).
//!
//! Every query names the workspace; another workspace's ids are not found.

use std::collections::HashSet;

use sanso_catalog::AnswerStatus;
use sanso_core::model::FieldError;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::rows::{opt_text, text};
use crate::tx::{snapshot, Actor, WriteTx};
use crate::{Result, Store, StoreError};

/// How urgent a measure is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanPriority {
    High,
    #[default]
    Medium,
    Low,
}

impl PlanPriority {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanPriority::High => "high",
            PlanPriority::Medium => "medium",
            PlanPriority::Low => "low",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "high" => Some(PlanPriority::High),
            "medium" => Some(PlanPriority::Medium),
            "low" => Some(PlanPriority::Low),
            _ => None,
        }
    }
}

/// Where a measure stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    #[default]
    Planned,
    InProgress,
    Done,
    Cancelled,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Planned => "planned",
            PlanStatus::InProgress => "in_progress",
            PlanStatus::Done => "done",
            PlanStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "planned" => Some(PlanStatus::Planned),
            "in_progress" => Some(PlanStatus::InProgress),
            "done" => Some(PlanStatus::Done),
            "cancelled" => Some(PlanStatus::Cancelled),
            _ => None,
        }
    }
    /// Whether the measure is still to be done (an open risk in OSCAL terms).
    pub fn is_open(self) -> bool {
        matches!(self, PlanStatus::Planned | PlanStatus::InProgress)
    }
}

/// One stored plan item.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlanItem {
    pub id: String,
    pub workspace_id: String,
    /// The assessment whose gap this measure closes; `None` for a free-standing measure.
    pub assessment_id: Option<String>,
    /// The requirement not met (in the assessment's catalog).
    pub requirement_id: Option<String>,
    pub measure: String,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// Estimated cost (in the organisation's currency; not negative).
    pub cost: Option<f64>,
    pub priority: PlanPriority,
    pub status: PlanStatus,
    pub remarks: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A plan item as a client writes it (create and full update).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanItemInput {
    #[serde(default)]
    pub assessment_id: Option<String>,
    #[serde(default)]
    pub requirement_id: Option<String>,
    pub measure: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default)]
    pub cost: Option<f64>,
    #[serde(default)]
    pub priority: PlanPriority,
    #[serde(default)]
    pub status: PlanStatus,
    #[serde(default)]
    pub remarks: String,
}

/// What "plan from gaps" did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlanFromGaps {
    /// Gaps of the assessment (requirements of its scope that are not met).
    pub gaps: usize,
    /// Items made now (gaps that had no item yet).
    pub created: Vec<PlanItem>,
    /// Gaps left alone because an item for them already exists.
    pub already_planned: usize,
}

const PLAN_COLUMNS: &str = "id, workspace_id, assessment_id, requirement_id, measure, owner, due, cost, priority, status, remarks, created_at, updated_at";

fn plan_from_row(row: &AnyRow) -> Result<PlanItem> {
    let priority = text(row, "priority")?;
    let status = text(row, "status")?;
    let cost = match opt_text(row, "cost")? {
        None => None,
        Some(c) => Some(
            c.parse::<f64>()
                .map_err(|_| StoreError::Corrupt(format!("column cost holds \"{c}\"")))?,
        ),
    };
    Ok(PlanItem {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        assessment_id: opt_text(row, "assessment_id")?,
        requirement_id: opt_text(row, "requirement_id")?,
        measure: text(row, "measure")?,
        owner: opt_text(row, "owner")?,
        due: opt_text(row, "due")?,
        cost,
        priority: PlanPriority::parse(&priority)
            .ok_or_else(|| StoreError::Corrupt(format!("column priority holds \"{priority}\"")))?,
        status: PlanStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("column status holds \"{status}\"")))?,
        remarks: text(row, "remarks")?,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
    })
}

/// `YYYY-MM-DD` with a real month and day (leap years included).
pub fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = value.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn trimmed(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Checks the fields that need no database; returns the cleaned input.
fn check_input(mut input: PlanItemInput) -> Result<PlanItemInput> {
    let mut errors = Vec::new();
    input.measure = input.measure.trim().to_string();
    if input.measure.is_empty() {
        errors.push(FieldError::new("measure", "must not be empty"));
    }
    input.owner = trimmed(input.owner);
    input.due = trimmed(input.due);
    input.assessment_id = trimmed(input.assessment_id);
    input.requirement_id = trimmed(input.requirement_id);
    input.remarks = input.remarks.trim().to_string();
    if let Some(due) = &input.due {
        if !is_date(due) {
            errors.push(FieldError::new(
                "due",
                format!("{due:?} is not a date (YYYY-MM-DD)"),
            ));
        }
    }
    if let Some(cost) = input.cost {
        if !cost.is_finite() || cost < 0.0 {
            errors.push(FieldError::new(
                "cost",
                format!("{cost} is not a cost: use a number of 0 or more"),
            ));
        }
    }
    if input.requirement_id.is_some() && input.assessment_id.is_none() {
        errors.push(FieldError::new(
            "requirement_id",
            "a requirement needs the assessment it belongs to (assessment_id)",
        ));
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(StoreError::Invalid(errors))
    }
}

impl Store {
    /// Plan items of a workspace (of one assessment when given), by due date (undated last),
    /// then priority.
    pub async fn list_plan_items(
        &self,
        workspace_id: &str,
        assessment_id: Option<&str>,
    ) -> Result<Vec<PlanItem>> {
        let rows = match assessment_id {
            Some(a) => {
                sqlx::query(&format!(
                    "SELECT {PLAN_COLUMNS} FROM plan_items WHERE workspace_id = $1 AND assessment_id = $2"
                ))
                .bind(workspace_id)
                .bind(a)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {PLAN_COLUMNS} FROM plan_items WHERE workspace_id = $1"
                ))
                .bind(workspace_id)
                .fetch_all(self.pool())
                .await?
            }
        };
        let mut items = rows.iter().map(plan_from_row).collect::<Result<Vec<_>>>()?;
        // Sorted here, not in SQL: NULL ordering differs between SQLite and PostgreSQL.
        let rank = |p: PlanPriority| match p {
            PlanPriority::High => 0,
            PlanPriority::Medium => 1,
            PlanPriority::Low => 2,
        };
        items.sort_by(|a, b| {
            (
                a.due.is_none(),
                &a.due,
                rank(a.priority),
                &a.created_at,
                &a.id,
            )
                .cmp(&(
                    b.due.is_none(),
                    &b.due,
                    rank(b.priority),
                    &b.created_at,
                    &b.id,
                ))
        });
        Ok(items)
    }

    pub async fn get_plan_item(&self, workspace_id: &str, id: &str) -> Result<PlanItem> {
        let row = sqlx::query(&format!(
            "SELECT {PLAN_COLUMNS} FROM plan_items WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        plan_from_row(&row)
    }

    /// Checks that the assessment exists in this workspace and the requirement in its catalog.
    async fn check_links(&self, workspace_id: &str, input: &PlanItemInput) -> Result<()> {
        let Some(assessment_id) = &input.assessment_id else {
            return Ok(());
        };
        let (_, catalog) = match self
            .assessment_with_catalog(workspace_id, assessment_id)
            .await
        {
            Ok(found) => found,
            Err(StoreError::NotFound) => {
                return Err(StoreError::invalid(
                    "assessment_id",
                    format!("no assessment {assessment_id:?} in this workspace"),
                ))
            }
            Err(other) => return Err(other),
        };
        if let Some(requirement_id) = &input.requirement_id {
            if catalog.find_requirement(requirement_id).is_none() {
                return Err(StoreError::invalid(
                    "requirement_id",
                    format!(
                        "catalog {} version {} has no requirement {requirement_id:?}",
                        catalog.id, catalog.version
                    ),
                ));
            }
        }
        Ok(())
    }

    pub async fn create_plan_item(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: PlanItemInput,
    ) -> Result<PlanItem> {
        let input = check_input(input)?;
        self.check_links(workspace_id, &input).await?;
        let now = sanso_core::now_timestamp();
        let item = PlanItem {
            id: sanso_core::new_id(),
            workspace_id: workspace_id.to_string(),
            assessment_id: input.assessment_id,
            requirement_id: input.requirement_id,
            measure: input.measure,
            owner: input.owner,
            due: input.due,
            cost: input.cost,
            priority: input.priority,
            status: input.status,
            remarks: input.remarks,
            created_at: now.clone(),
            updated_at: now,
        };
        let mut tx = self.write().await?;
        insert_item(&mut tx, actor, &item, "plan.create").await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Replaces an item's fields (the link to assessment and requirement included).
    pub async fn update_plan_item(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        input: PlanItemInput,
    ) -> Result<PlanItem> {
        let input = check_input(input)?;
        self.check_links(workspace_id, &input).await?;
        let mut tx = self.write().await?;
        let before = item_in(&mut tx, workspace_id, id).await?;
        let after = PlanItem {
            assessment_id: input.assessment_id,
            requirement_id: input.requirement_id,
            measure: input.measure,
            owner: input.owner,
            due: input.due,
            cost: input.cost,
            priority: input.priority,
            status: input.status,
            remarks: input.remarks,
            updated_at: sanso_core::now_timestamp(),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE plan_items SET assessment_id = $1, requirement_id = $2, measure = $3, owner = $4, due = $5, \
             cost = $6, priority = $7, status = $8, remarks = $9, updated_at = $10 WHERE workspace_id = $11 AND id = $12",
        )
        .bind(&after.assessment_id)
        .bind(&after.requirement_id)
        .bind(&after.measure)
        .bind(&after.owner)
        .bind(&after.due)
        .bind(after.cost.map(|c| c.to_string()))
        .bind(after.priority.as_str())
        .bind(after.status.as_str())
        .bind(&after.remarks)
        .bind(&after.updated_at)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "plan.update",
            "plan_item",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn delete_plan_item(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let before = item_in(&mut tx, workspace_id, id).await?;
        sqlx::query("DELETE FROM plan_items WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "plan.delete",
            "plan_item",
            id,
            Some(snapshot(&before)),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// One plan item per gap of the assessment that has none yet, in catalog order. A gap is a
    /// requirement of the assessment's scope (its target level, else the whole catalog) that is
    /// not met; "not applicable" is never a gap. The measure is the requirement's title; the
    /// answer's owner and due date are carried over; priority is high for "not implemented" and
    /// "unknown", medium for "partial".
    pub async fn plan_from_gaps(
        &self,
        actor: &Actor,
        workspace_id: &str,
        assessment_id: &str,
    ) -> Result<PlanFromGaps> {
        let (record, catalog) = self
            .assessment_with_catalog(workspace_id, assessment_id)
            .await?;
        let level = record.target_level.as_deref();
        let report = sanso_catalog::score(&catalog, &record.answers, level).map_err(|e| {
            StoreError::Corrupt(format!("stored answers of {assessment_id}: {e:?}"))
        })?;
        let gaps: Vec<_> = report
            .requirements
            .iter()
            .filter(|r| !r.met && r.status != AnswerStatus::NotApplicable)
            .collect();
        let mut tx = self.write().await?;
        // Read inside the write transaction (which holds the write lock), so two concurrent runs
        // cannot both find a gap unplanned.
        let planned: HashSet<String> = sqlx::query_scalar(
            "SELECT requirement_id FROM plan_items WHERE workspace_id = $1 AND assessment_id = $2 AND requirement_id IS NOT NULL",
        )
        .bind(workspace_id)
        .bind(assessment_id)
        .fetch_all(tx.conn())
        .await?
        .into_iter()
        .collect();
        let now = sanso_core::now_timestamp();
        let mut created = Vec::new();
        let mut already_planned = 0;
        for gap in &gaps {
            if planned.contains(&gap.requirement_id) {
                already_planned += 1;
                continue;
            }
            let requirement = catalog.find_requirement(&gap.requirement_id);
            let answer = record
                .answers
                .iter()
                .find(|a| a.requirement_id == gap.requirement_id);
            let title = requirement
                .map(|r| {
                    if r.title.ja.is_empty() {
                        r.title.en.clone()
                    } else {
                        r.title.ja.clone()
                    }
                })
                .unwrap_or_default();
            let measure = if title.is_empty() {
                gap.requirement_id.clone()
            } else {
                format!("{}: {title}", gap.requirement_id)
            };
            let item = PlanItem {
                id: sanso_core::new_id(),
                workspace_id: workspace_id.to_string(),
                assessment_id: Some(assessment_id.to_string()),
                requirement_id: Some(gap.requirement_id.clone()),
                measure,
                owner: answer.and_then(|a| a.owner.clone()),
                due: answer.and_then(|a| a.due.clone()),
                cost: None,
                priority: if gap.status == AnswerStatus::Partial {
                    PlanPriority::Medium
                } else {
                    PlanPriority::High
                },
                status: PlanStatus::Planned,
                remarks: answer.map(|a| a.comment.clone()).unwrap_or_default(),
                created_at: now.clone(),
                updated_at: now.clone(),
            };
            insert_item(&mut tx, actor, &item, "plan.from_gap").await?;
            created.push(item);
        }
        tx.commit().await?;
        Ok(PlanFromGaps {
            gaps: gaps.len(),
            created,
            already_planned,
        })
    }
}

async fn item_in(tx: &mut WriteTx, workspace_id: &str, id: &str) -> Result<PlanItem> {
    let row = sqlx::query(&format!(
        "SELECT {PLAN_COLUMNS} FROM plan_items WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    plan_from_row(&row)
}

async fn insert_item(tx: &mut WriteTx, actor: &Actor, item: &PlanItem, action: &str) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO plan_items ({PLAN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(&item.id)
    .bind(&item.workspace_id)
    .bind(&item.assessment_id)
    .bind(&item.requirement_id)
    .bind(&item.measure)
    .bind(&item.owner)
    .bind(&item.due)
    .bind(item.cost.map(|c| c.to_string()))
    .bind(item.priority.as_str())
    .bind(item.status.as_str())
    .bind(&item.remarks)
    .bind(&item.created_at)
    .bind(&item.updated_at)
    .execute(tx.conn())
    .await?;
    tx.audit(
        actor,
        Some(&item.workspace_id),
        action,
        "plan_item",
        &item.id,
        None,
        Some(snapshot(item)),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::is_date;

    #[test]
    fn dates_are_checked_for_real_days() {
        assert!(is_date("2027-03-31"));
        assert!(is_date("2028-02-29"));
        assert!(!is_date("2027-02-29"));
        assert!(!is_date("2027-04-31"));
        assert!(!is_date("2027-3-31"));
        assert!(!is_date("２０２７-03-31"));
    }
}

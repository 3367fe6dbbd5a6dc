//! Storing catalogs and assessments (issue 3).
//!
//! * **Catalogs.** The built-in catalogs are parsed once per process from `sanso_catalog` and
//!   served from memory; one is written to the `catalogs` table (scope `''`, installation-wide)
//!   the first time an assessment is made against it, so an assessment keeps the exact catalog
//!   version it answered even after a newer build ships a newer version. Catalogs imported by a
//!   workspace are stored with the workspace id as scope and are seen by that workspace only.
//!   A catalog's document is kept as JSON text.
//! * **Assessments** are made against one catalog id and version (and an optional target level
//!   and value-chain node). Answers are checked against the catalog as a whole before anything is
//!   written. Review flow: `draft`/`returned` → `submitted` → `approved` (locked) or `returned`.
//!
//! Every query names the workspace; another workspace's ids are simply not found.

use std::collections::HashSet;
use std::sync::OnceLock;

use sanso_catalog::assessment::check_answers;
use sanso_catalog::{
    Answer, AnswerStatus, AssessmentError, Catalog, CriterionResult, Gap, RequirementChange,
};
use sanso_catalog::{LocalizedText, ScoreReport};
use sanso_core::model::FieldError;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::rows::{opt_text, text};
use crate::tx::{snapshot, Actor, WriteTx};
use crate::{Result, Store, StoreError};

/// Built-in catalogs, parsed once per process.
pub fn builtins() -> &'static [Catalog] {
    static BUILTINS: OnceLock<Vec<Catalog>> = OnceLock::new();
    BUILTINS.get_or_init(sanso_catalog::builtin_catalogs)
}

/// Where a catalog comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CatalogSource {
    Builtin,
    Imported,
}

impl CatalogSource {
    fn as_str(self) -> &'static str {
        match self {
            CatalogSource::Builtin => "builtin",
            CatalogSource::Imported => "imported",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "builtin" => Some(CatalogSource::Builtin),
            "imported" => Some(CatalogSource::Imported),
            _ => None,
        }
    }
}

/// A catalog as listed (without its requirements).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CatalogSummary {
    pub id: String,
    pub version: String,
    #[schema(value_type = Object)]
    pub title: LocalizedText,
    pub source: CatalogSource,
    /// The workspace that imported it; `None` for installation-wide (built-in) catalogs.
    pub workspace_id: Option<String>,
    /// When it was stored; `None` for a built-in not yet used by any assessment.
    pub imported_at: Option<String>,
    /// Level ids (★3, Lv2 …) in catalog order.
    pub levels: Vec<String>,
    pub requirements: usize,
}

impl CatalogSummary {
    fn of(
        catalog: &Catalog,
        source: CatalogSource,
        workspace_id: Option<String>,
        imported_at: Option<String>,
    ) -> Self {
        CatalogSummary {
            id: catalog.id.clone(),
            version: catalog.version.clone(),
            title: catalog.title.clone(),
            source,
            workspace_id,
            imported_at,
            levels: catalog.levels.iter().map(|l| l.id.clone()).collect(),
            requirements: catalog.requirement_count(),
        }
    }
}

/// Review state of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentState {
    Draft,
    Submitted,
    Approved,
    Returned,
}

impl AssessmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentState::Draft => "draft",
            AssessmentState::Submitted => "submitted",
            AssessmentState::Approved => "approved",
            AssessmentState::Returned => "returned",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(AssessmentState::Draft),
            "submitted" => Some(AssessmentState::Submitted),
            "approved" => Some(AssessmentState::Approved),
            "returned" => Some(AssessmentState::Returned),
            _ => None,
        }
    }
    /// Answers may change only while the assessment is being worked on.
    pub fn editable(self) -> bool {
        matches!(self, AssessmentState::Draft | AssessmentState::Returned)
    }
}

/// One stored assessment (answers included when read with [`Store::get_assessment`]).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AssessmentRecord {
    pub id: String,
    pub workspace_id: String,
    pub catalog_id: String,
    pub catalog_version: String,
    pub target_node_id: Option<String>,
    pub target_level: Option<String>,
    pub title: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub created_at: String,
    pub updated_at: String,
    /// Ordered by requirement id; empty in lists.
    #[schema(value_type = Vec<Object>)]
    pub answers: Vec<Answer>,
}

/// What a new assessment is made against.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    pub catalog_id: String,
    pub catalog_version: String,
    #[serde(default)]
    pub target_level: Option<String>,
    /// A value-chain node (site, system, product …) of this workspace; `None` for the workspace.
    #[serde(default)]
    pub target_node_id: Option<String>,
    pub title: String,
}

/// The editable header of an assessment.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentUpdate {
    pub title: String,
    #[serde(default)]
    pub target_node_id: Option<String>,
}

/// Score report and gaps of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AssessmentScore {
    /// Totals, band, per-group / per-function / heatmap aggregates, levels attained.
    #[schema(value_type = Object)]
    pub report: ScoreReport,
    /// Requirements of the target level that are not met (empty without a target level).
    #[schema(value_type = Vec<Object>)]
    pub gaps: Vec<Gap>,
}

pub(crate) const ASSESSMENT_COLUMNS: &str = "id, workspace_id, catalog_id, catalog_version, target_node_id, target_level, title, state, review_comment, created_at, updated_at";
const ANSWER_COLUMNS: &str =
    "requirement_id, status, score, comment, owner, due, evidence, criteria";

pub(crate) fn assessment_from_row(row: &AnyRow) -> Result<AssessmentRecord> {
    let state = text(row, "state")?;
    Ok(AssessmentRecord {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        catalog_id: text(row, "catalog_id")?,
        catalog_version: text(row, "catalog_version")?,
        target_node_id: opt_text(row, "target_node_id")?,
        target_level: opt_text(row, "target_level")?,
        title: text(row, "title")?,
        state: AssessmentState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("column state holds \"{state}\"")))?,
        review_comment: text(row, "review_comment")?,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
        answers: Vec::new(),
    })
}

fn json_col<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    let value = text(row, col)?;
    serde_json::from_str(&value).map_err(|e| {
        StoreError::Corrupt(format!("column {col} does not hold the expected JSON: {e}"))
    })
}

fn answer_from_row(row: &AnyRow) -> Result<Answer> {
    let status = text(row, "status")?;
    let score = match opt_text(row, "score")? {
        None => None,
        Some(s) => Some(
            s.parse::<f64>()
                .map_err(|_| StoreError::Corrupt(format!("column score holds \"{s}\"")))?,
        ),
    };
    let criteria: Vec<CriterionResult> = json_col(row, "criteria")?;
    let evidence: Vec<String> = json_col(row, "evidence")?;
    Ok(Answer {
        requirement_id: text(row, "requirement_id")?,
        status: AnswerStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("column status holds \"{status}\"")))?,
        score,
        criteria,
        comment: text(row, "comment")?,
        evidence,
        owner: opt_text(row, "owner")?,
        due: opt_text(row, "due")?,
    })
}

fn catalog_from_document(document: &str) -> Result<Catalog> {
    serde_json::from_str(document)
        .map_err(|e| StoreError::Corrupt(format!("column document is not a catalog: {e}")))
}

/// Field errors for answers that do not fit a catalog, each with its JSON path.
pub fn answer_errors(errors: Vec<AssessmentError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let field = match &e {
                AssessmentError::UnknownRequirement { index, .. }
                | AssessmentError::DuplicateAnswer { index, .. } => {
                    format!("answers[{index}].requirement_id")
                }
                AssessmentError::UnknownCriterion {
                    index,
                    criterion_index,
                    ..
                } => format!("answers[{index}].criteria[{criterion_index}].criterion_id"),
                AssessmentError::ScoreOutOfRange { index, .. } => format!("answers[{index}].score"),
                AssessmentError::CatalogMismatch { .. } => "catalog".to_string(),
                AssessmentError::UnknownLevel(_) => "target_level".to_string(),
            };
            let message = e.to_string();
            // The library's messages start with the path; keep only what follows it.
            let message = message
                .strip_prefix(&format!("{field}: "))
                .map(str::to_string)
                .or_else(|| {
                    message
                        .split_once(": ")
                        .filter(|(p, _)| p.starts_with("answers["))
                        .map(|(_, m)| m.to_string())
                })
                .unwrap_or(message);
            FieldError::new(field, message)
        })
        .collect()
}

/// Checks what the catalog cannot: due dates and evidence references.
fn check_answer_fields(answers: &[Answer]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, a) in answers.iter().enumerate() {
        if let Some(due) = &a.due {
            let b = due.as_bytes();
            let shape = b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b.iter()
                    .enumerate()
                    .all(|(j, c)| j == 4 || j == 7 || c.is_ascii_digit());
            let month = due.get(5..7).and_then(|m| m.parse::<u32>().ok());
            let day = due.get(8..10).and_then(|d| d.parse::<u32>().ok());
            if !shape || !matches!(month, Some(1..=12)) || !matches!(day, Some(1..=31)) {
                errors.push(FieldError::new(
                    format!("answers[{i}].due"),
                    format!("{due:?} is not a date (YYYY-MM-DD)"),
                ));
            }
        }
        for (j, e) in a.evidence.iter().enumerate() {
            if e.trim().is_empty() {
                errors.push(FieldError::new(
                    format!("answers[{i}].evidence[{j}]"),
                    "empty evidence reference",
                ));
            }
        }
        if let Some(score) = a.score {
            if !score.is_finite() {
                errors.push(FieldError::new(
                    format!("answers[{i}].score"),
                    "not a finite number",
                ));
            }
        }
    }
    errors
}

pub(crate) async fn get_assessment_in(
    tx: &mut WriteTx,
    workspace_id: &str,
    id: &str,
) -> Result<AssessmentRecord> {
    let row = sqlx::query(&format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    assessment_from_row(&row)
}

pub(crate) async fn answers_in(
    conn: &mut sqlx::AnyConnection,
    assessment_id: &str,
) -> Result<Vec<Answer>> {
    let rows = sqlx::query(&format!(
        "SELECT {ANSWER_COLUMNS} FROM assessment_answers WHERE assessment_id = $1 ORDER BY requirement_id"
    ))
    .bind(assessment_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(answer_from_row).collect()
}

pub(crate) async fn upsert_answer(
    tx: &mut WriteTx,
    assessment_id: &str,
    a: &Answer,
    now: &str,
) -> Result<()> {
    let evidence = serde_json::to_string(&a.evidence)
        .map_err(|e| StoreError::invalid("evidence", e.to_string()))?;
    let criteria = serde_json::to_string(&a.criteria)
        .map_err(|e| StoreError::invalid("criteria", e.to_string()))?;
    sqlx::query(
        "INSERT INTO assessment_answers (assessment_id, requirement_id, status, score, comment, owner, due, evidence, criteria, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (assessment_id, requirement_id) DO UPDATE SET status = excluded.status, score = excluded.score, \
         comment = excluded.comment, owner = excluded.owner, due = excluded.due, evidence = excluded.evidence, \
         criteria = excluded.criteria, updated_at = excluded.updated_at",
    )
    .bind(assessment_id)
    .bind(&a.requirement_id)
    .bind(a.status.key())
    .bind(a.score.map(|s| s.to_string()))
    .bind(&a.comment)
    .bind(&a.owner)
    .bind(&a.due)
    .bind(evidence)
    .bind(criteria)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

async fn touch(tx: &mut WriteTx, workspace_id: &str, id: &str, now: &str) -> Result<()> {
    sqlx::query("UPDATE assessments SET updated_at = $1 WHERE workspace_id = $2 AND id = $3")
        .bind(now)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl Store {
    /// Catalogs a workspace may assess against: the built-ins (and any older built-in versions
    /// still stored) and the workspace's own imports, ordered by id and version.
    pub async fn list_catalogs(&self, workspace_id: &str) -> Result<Vec<CatalogSummary>> {
        let mut out: Vec<CatalogSummary> = Vec::new();
        let rows = sqlx::query(
            "SELECT scope, id, version, workspace_id, source, document, imported_at FROM catalogs \
             WHERE scope = '' OR scope = $1 ORDER BY id, version",
        )
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        for row in &rows {
            let source = text(row, "source")?;
            let source = CatalogSource::parse(&source)
                .ok_or_else(|| StoreError::Corrupt(format!("column source holds \"{source}\"")))?;
            let catalog = catalog_from_document(&text(row, "document")?)?;
            out.push(CatalogSummary::of(
                &catalog,
                source,
                opt_text(row, "workspace_id")?,
                Some(text(row, "imported_at")?),
            ));
        }
        for builtin in builtins() {
            if !out.iter().any(|c| {
                c.id == builtin.id && c.version == builtin.version && c.workspace_id.is_none()
            }) {
                out.push(CatalogSummary::of(
                    builtin,
                    CatalogSource::Builtin,
                    None,
                    None,
                ));
            }
        }
        out.sort_by(|a, b| (&a.id, &a.version).cmp(&(&b.id, &b.version)));
        Ok(out)
    }

    /// One catalog this workspace may see: the workspace's own import first, then the stored
    /// installation-wide copy, then the built-ins of this build.
    pub async fn get_catalog(
        &self,
        workspace_id: &str,
        id: &str,
        version: &str,
    ) -> Result<Catalog> {
        let row = sqlx::query(
            "SELECT document FROM catalogs WHERE (scope = '' OR scope = $1) AND id = $2 AND version = $3 ORDER BY scope DESC",
        )
        .bind(workspace_id)
        .bind(id)
        .bind(version)
        .fetch_optional(self.pool())
        .await?;
        if let Some(row) = row {
            return catalog_from_document(&text(&row, "document")?);
        }
        builtins()
            .iter()
            .find(|c| c.id == id && c.version == version)
            .cloned()
            .ok_or(StoreError::NotFound)
    }

    /// Stores a (validated) catalog for this workspace. The same id and version as a built-in
    /// or an earlier import of this workspace is refused: assessments refer to catalogs by id and
    /// version, so a stored version never changes.
    pub async fn import_catalog(
        &self,
        actor: &Actor,
        workspace_id: &str,
        catalog: Catalog,
    ) -> Result<CatalogSummary> {
        if let Err(issues) = catalog.validate() {
            return Err(StoreError::Invalid(
                issues
                    .into_iter()
                    .map(|i| FieldError::new(i.path, i.message))
                    .collect(),
            ));
        }
        if builtins()
            .iter()
            .any(|c| c.id == catalog.id && c.version == catalog.version)
        {
            return Err(StoreError::Conflict(format!(
                "catalog {} version {} is built in; give the imported catalog another id or version",
                catalog.id, catalog.version
            )));
        }
        let document = serde_json::to_string(&catalog)
            .map_err(|e| StoreError::invalid("(catalog)", e.to_string()))?;
        let title = serde_json::to_string(&catalog.title)
            .map_err(|e| StoreError::invalid("title", e.to_string()))?;
        let now = sanso_core::now_timestamp();
        let mut tx = self.write().await?;
        let exists: Option<String> = sqlx::query_scalar(
            "SELECT id FROM catalogs WHERE (scope = '' OR scope = $1) AND id = $2 AND version = $3",
        )
        .bind(workspace_id)
        .bind(&catalog.id)
        .bind(&catalog.version)
        .fetch_optional(tx.conn())
        .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!(
                "catalog {} version {} is already stored; a stored version never changes, import it under a new version",
                catalog.id, catalog.version
            )));
        }
        sqlx::query(
            "INSERT INTO catalogs (scope, id, version, workspace_id, title, source, document, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(workspace_id)
        .bind(&catalog.id)
        .bind(&catalog.version)
        .bind(workspace_id)
        .bind(title)
        .bind(CatalogSource::Imported.as_str())
        .bind(document)
        .bind(&now)
        .execute(tx.conn())
        .await?;
        let summary = CatalogSummary::of(
            &catalog,
            CatalogSource::Imported,
            Some(workspace_id.to_string()),
            Some(now),
        );
        tx.audit(
            actor,
            Some(workspace_id),
            "catalog.import",
            "catalog",
            &format!("{}@{}", catalog.id, catalog.version),
            None,
            Some(snapshot(&summary)),
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Makes sure a built-in catalog answered by an assessment is stored (once per installation).
    pub(crate) async fn keep_builtin(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        catalog: &Catalog,
    ) -> Result<()> {
        let document = serde_json::to_string(catalog)
            .map_err(|e| StoreError::invalid("(catalog)", e.to_string()))?;
        let title = serde_json::to_string(&catalog.title)
            .map_err(|e| StoreError::invalid("title", e.to_string()))?;
        let done = sqlx::query(
            "INSERT INTO catalogs (scope, id, version, workspace_id, title, source, document, imported_at) \
             VALUES ('', $1, $2, NULL, $3, $4, $5, $6) ON CONFLICT (scope, id, version) DO NOTHING",
        )
        .bind(&catalog.id)
        .bind(&catalog.version)
        .bind(title)
        .bind(CatalogSource::Builtin.as_str())
        .bind(document)
        .bind(sanso_core::now_timestamp())
        .execute(tx.conn())
        .await?;
        if done.rows_affected() > 0 {
            tx.audit(
                actor,
                None,
                "catalog.store_builtin",
                "catalog",
                &format!("{}@{}", catalog.id, catalog.version),
                None,
                None,
            )
            .await?;
        }
        Ok(())
    }

    pub async fn create_assessment(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: NewAssessment,
    ) -> Result<AssessmentRecord> {
        let title = input.title.trim().to_string();
        if title.is_empty() {
            return Err(StoreError::invalid("title", "must not be empty"));
        }
        let catalog = self
            .get_catalog(workspace_id, &input.catalog_id, &input.catalog_version)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => StoreError::invalid(
                    "catalog_id",
                    format!(
                        "no catalog {} version {} in this workspace",
                        input.catalog_id, input.catalog_version
                    ),
                ),
                other => other,
            })?;
        if let Some(level) = &input.target_level {
            if catalog.level(level).is_none() {
                let known: Vec<&str> = catalog.levels.iter().map(|l| l.id.as_str()).collect();
                return Err(StoreError::invalid(
                    "target_level",
                    format!(
                        "catalog {} has no level {level:?} (levels: {})",
                        catalog.id,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
        }
        let mut tx = self.write().await?;
        if let Some(node) = &input.target_node_id {
            check_node(&mut tx, workspace_id, node).await?;
        }
        let is_builtin = builtins()
            .iter()
            .any(|c| c.id == catalog.id && c.version == catalog.version);
        if is_builtin {
            self.keep_builtin(&mut tx, actor, &catalog).await?;
        }
        let now = sanso_core::now_timestamp();
        let record = AssessmentRecord {
            id: sanso_core::new_id(),
            workspace_id: workspace_id.to_string(),
            catalog_id: catalog.id.clone(),
            catalog_version: catalog.version.clone(),
            target_node_id: input.target_node_id,
            target_level: input.target_level,
            title,
            state: AssessmentState::Draft,
            review_comment: String::new(),
            created_at: now.clone(),
            updated_at: now,
            answers: Vec::new(),
        };
        sqlx::query(&format!(
            "INSERT INTO assessments ({ASSESSMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&record.id)
        .bind(&record.workspace_id)
        .bind(&record.catalog_id)
        .bind(&record.catalog_version)
        .bind(&record.target_node_id)
        .bind(&record.target_level)
        .bind(&record.title)
        .bind(record.state.as_str())
        .bind(&record.review_comment)
        .bind(&record.created_at)
        .bind(&record.updated_at)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "assessment.create",
            "assessment",
            &record.id,
            None,
            Some(snapshot(&record)),
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Assessments of a workspace, newest first, without answers.
    pub async fn list_assessments(&self, workspace_id: &str) -> Result<Vec<AssessmentRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE workspace_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(assessment_from_row).collect()
    }

    /// One assessment with its answers.
    pub async fn get_assessment(&self, workspace_id: &str, id: &str) -> Result<AssessmentRecord> {
        let mut conn = self.pool().acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut record = assessment_from_row(&row)?;
        record.answers = answers_in(&mut conn, id).await?;
        Ok(record)
    }

    /// The assessment and the catalog version it answers.
    pub async fn assessment_with_catalog(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<(AssessmentRecord, Catalog)> {
        let record = self.get_assessment(workspace_id, id).await?;
        let catalog = self
            .get_catalog(workspace_id, &record.catalog_id, &record.catalog_version)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => StoreError::Corrupt(format!(
                    "assessment {id} refers to catalog {} version {}, which is not stored",
                    record.catalog_id, record.catalog_version
                )),
                other => other,
            })?;
        Ok((record, catalog))
    }

    /// Changes title and target node (allowed in every state but approved).
    pub async fn update_assessment(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        input: AssessmentUpdate,
    ) -> Result<AssessmentRecord> {
        let title = input.title.trim().to_string();
        if title.is_empty() {
            return Err(StoreError::invalid("title", "must not be empty"));
        }
        let mut tx = self.write().await?;
        let before = get_assessment_in(&mut tx, workspace_id, id).await?;
        if before.state == AssessmentState::Approved {
            return Err(locked());
        }
        if let Some(node) = &input.target_node_id {
            check_node(&mut tx, workspace_id, node).await?;
        }
        let after = AssessmentRecord {
            title,
            target_node_id: input.target_node_id,
            updated_at: sanso_core::now_timestamp(),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE assessments SET title = $1, target_node_id = $2, updated_at = $3 WHERE workspace_id = $4 AND id = $5",
        )
        .bind(&after.title)
        .bind(&after.target_node_id)
        .bind(&after.updated_at)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "assessment.update",
            "assessment",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        self.get_assessment(workspace_id, id).await
    }

    /// Deletes an assessment and its answers (an approved one is kept).
    pub async fn delete_assessment(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let mut before = get_assessment_in(&mut tx, workspace_id, id).await?;
        if before.state == AssessmentState::Approved {
            return Err(locked());
        }
        before.answers = answers_in(tx.conn(), id).await?;
        sqlx::query("DELETE FROM assessment_answers WHERE assessment_id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        sqlx::query("DELETE FROM assessments WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "assessment.delete",
            "assessment",
            id,
            Some(snapshot(&before)),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// Sets answers in bulk: each given answer replaces the stored answer to its requirement;
    /// answers to other requirements stay. The whole list is checked against the catalog first
    /// (unknown requirement or criterion, duplicates, score range, due date) and every problem is
    /// reported with its index; nothing is stored unless all are right.
    pub async fn set_answers(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        answers: Vec<Answer>,
    ) -> Result<AssessmentRecord> {
        self.write_answers(actor, workspace_id, id, answers, None, "assessment.answers")
            .await
    }

    /// Replaces the answers read from a questionnaire: answers to requirements in the
    /// questionnaire's scope (the target level's requirements, or all) that the workbook leaves
    /// empty are removed, the rest are set.
    pub async fn import_questionnaire_answers(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        answers: Vec<Answer>,
        scope: HashSet<String>,
    ) -> Result<AssessmentRecord> {
        self.write_answers(
            actor,
            workspace_id,
            id,
            answers,
            Some(scope),
            "assessment.questionnaire_import",
        )
        .await
    }

    async fn write_answers(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        answers: Vec<Answer>,
        clear_scope: Option<HashSet<String>>,
        action: &str,
    ) -> Result<AssessmentRecord> {
        let (_, catalog) = self.assessment_with_catalog(workspace_id, id).await?;
        check_answers(&catalog, &answers).map_err(|e| StoreError::Invalid(answer_errors(e)))?;
        let field_errors = check_answer_fields(&answers);
        if !field_errors.is_empty() {
            return Err(StoreError::Invalid(field_errors));
        }
        let mut tx = self.write().await?;
        let record = get_assessment_in(&mut tx, workspace_id, id).await?;
        if !record.state.editable() {
            return Err(locked_in(record.state));
        }
        let before = answers_in(tx.conn(), id).await?;
        let now = sanso_core::now_timestamp();
        let given: HashSet<&str> = answers.iter().map(|a| a.requirement_id.as_str()).collect();
        let mut removed: Vec<&Answer> = Vec::new();
        if let Some(scope) = &clear_scope {
            for old in &before {
                if scope.contains(&old.requirement_id)
                    && !given.contains(old.requirement_id.as_str())
                {
                    removed.push(old);
                    sqlx::query(
                        "DELETE FROM assessment_answers WHERE assessment_id = $1 AND requirement_id = $2",
                    )
                    .bind(id)
                    .bind(&old.requirement_id)
                    .execute(tx.conn())
                    .await?;
                }
            }
        }
        for answer in &answers {
            upsert_answer(&mut tx, id, answer, &now).await?;
        }
        touch(&mut tx, workspace_id, id, &now).await?;
        // Before: the stored answers this change replaced or removed; after: the answers set.
        let changed_before: Vec<&Answer> = before
            .iter()
            .filter(|a| given.contains(a.requirement_id.as_str()))
            .chain(removed.iter().copied())
            .collect();
        tx.audit(
            actor,
            Some(workspace_id),
            action,
            "assessment",
            id,
            Some(snapshot(&changed_before)),
            Some(snapshot(&answers)),
        )
        .await?;
        tx.commit().await?;
        self.get_assessment(workspace_id, id).await
    }

    /// `draft`/`returned` → `submitted`.
    pub async fn submit_assessment(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
    ) -> Result<AssessmentRecord> {
        self.transition(actor, workspace_id, id, "submit", None)
            .await
    }

    /// `submitted` → `approved`; the assessment is locked from then on.
    pub async fn approve_assessment(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        comment: Option<String>,
    ) -> Result<AssessmentRecord> {
        self.transition(actor, workspace_id, id, "approve", comment)
            .await
    }

    /// `submitted` → `returned` with a comment saying what to change.
    pub async fn return_assessment(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        comment: String,
    ) -> Result<AssessmentRecord> {
        if comment.trim().is_empty() {
            return Err(StoreError::invalid(
                "comment",
                "say what has to change before the assessment can be approved",
            ));
        }
        self.transition(actor, workspace_id, id, "return", Some(comment))
            .await
    }

    async fn transition(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        step: &str,
        comment: Option<String>,
    ) -> Result<AssessmentRecord> {
        let mut tx = self.write().await?;
        let before = get_assessment_in(&mut tx, workspace_id, id).await?;
        let (allowed, to) = match step {
            "submit" => (before.state.editable(), AssessmentState::Submitted),
            "approve" => (
                before.state == AssessmentState::Submitted,
                AssessmentState::Approved,
            ),
            _ => (
                before.state == AssessmentState::Submitted,
                AssessmentState::Returned,
            ),
        };
        if !allowed {
            return Err(StoreError::Conflict(format!(
                "cannot {step} an assessment that is {}",
                before.state.as_str()
            )));
        }
        let review_comment = match (step, comment) {
            (_, Some(c)) => c.trim().to_string(),
            ("submit", None) => before.review_comment.clone(),
            (_, None) => String::new(),
        };
        let after = AssessmentRecord {
            state: to,
            review_comment,
            updated_at: sanso_core::now_timestamp(),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE assessments SET state = $1, review_comment = $2, updated_at = $3 WHERE workspace_id = $4 AND id = $5",
        )
        .bind(after.state.as_str())
        .bind(&after.review_comment)
        .bind(&after.updated_at)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            &format!("assessment.{step}"),
            "assessment",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        self.get_assessment(workspace_id, id).await
    }

    /// Scores an assessment with `sanso_catalog::score` at its target level, with its gaps.
    pub async fn score_assessment(&self, workspace_id: &str, id: &str) -> Result<AssessmentScore> {
        let (record, catalog) = self.assessment_with_catalog(workspace_id, id).await?;
        let level = record.target_level.as_deref();
        let report = sanso_catalog::score(&catalog, &record.answers, level)
            .map_err(|e| StoreError::Corrupt(format!("stored answers of {id}: {:?}", e)))?;
        let gaps = match level {
            Some(level) => sanso_catalog::gaps(&catalog, &record.answers, level)
                .map_err(|e| StoreError::Corrupt(format!("stored answers of {id}: {:?}", e)))?,
            None => Vec::new(),
        };
        Ok(AssessmentScore { report, gaps })
    }
}

/// A file stored as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EvidenceBlob {
    /// Put this in an answer's `evidence` list to attach the file.
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}

impl Store {
    /// Compares two assessments of the same catalog version requirement by requirement
    /// (`earlier` → `later`, in scope of the later one's target level).
    pub async fn compare_assessments(
        &self,
        workspace_id: &str,
        later_id: &str,
        earlier_id: &str,
    ) -> Result<Vec<RequirementChange>> {
        let (later, catalog) = self.assessment_with_catalog(workspace_id, later_id).await?;
        let earlier = self.get_assessment(workspace_id, earlier_id).await?;
        if (&earlier.catalog_id, &earlier.catalog_version)
            != (&later.catalog_id, &later.catalog_version)
        {
            return Err(StoreError::invalid(
                "before",
                format!(
                    "assessment {earlier_id} answers catalog {} version {}, not {} version {}: only assessments of the same catalog version compare",
                    earlier.catalog_id, earlier.catalog_version, later.catalog_id, later.catalog_version
                ),
            ));
        }
        sanso_catalog::compare(
            &catalog,
            &earlier.answers,
            &later.answers,
            later.target_level.as_deref(),
        )
        .map_err(|e| StoreError::Corrupt(format!("stored answers: {e:?}")))
    }

    /// Stores an evidence file for an assessment that may still change. The file is attached
    /// by listing its hash in an answer's `evidence`.
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<EvidenceBlob> {
        if bytes.is_empty() {
            return Err(StoreError::invalid("(body)", "the evidence file is empty"));
        }
        let record = self.get_assessment(workspace_id, id).await?;
        if !record.state.editable() {
            return Err(locked_in(record.state));
        }
        let sha256 = self.put_blob(bytes, media_type).await?;
        let blob = EvidenceBlob {
            sha256,
            size: bytes.len() as u64,
            media_type: media_type.to_string(),
        };
        let mut tx = self.write().await?;
        get_assessment_in(&mut tx, workspace_id, id).await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "assessment.evidence_upload",
            "assessment",
            id,
            None,
            Some(snapshot(&blob)),
        )
        .await?;
        tx.commit().await?;
        Ok(blob)
    }

    /// An evidence file attached to one of the assessment's answers (others are not found, so
    /// a hash from another workspace reveals nothing).
    pub async fn get_evidence(
        &self,
        workspace_id: &str,
        id: &str,
        sha256: &str,
    ) -> Result<(EvidenceBlob, Vec<u8>)> {
        let record = self.get_assessment(workspace_id, id).await?;
        if !record
            .answers
            .iter()
            .any(|a| a.evidence.iter().any(|e| e == sha256))
        {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query("SELECT media_type FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let bytes = self.blobs().get(sha256)?;
        Ok((
            EvidenceBlob {
                sha256: sha256.to_string(),
                size: bytes.len() as u64,
                media_type: text(&row, "media_type")?,
            },
            bytes,
        ))
    }
}

fn locked() -> StoreError {
    StoreError::Conflict("the assessment is approved and locked".into())
}

fn locked_in(state: AssessmentState) -> StoreError {
    match state {
        AssessmentState::Approved => StoreError::Conflict(
            "the assessment is approved and locked: answers cannot change".into(),
        ),
        other => StoreError::Conflict(format!(
            "the assessment is {}: answers can change only while it is a draft or returned",
            other.as_str()
        )),
    }
}

async fn check_node(tx: &mut WriteTx, workspace_id: &str, node_id: &str) -> Result<()> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT id FROM nodes WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(node_id)
            .fetch_optional(tx.conn())
            .await?;
    if found.is_none() {
        return Err(StoreError::invalid(
            "target_node_id",
            format!("no node {node_id:?} in this workspace"),
        ));
    }
    Ok(())
}

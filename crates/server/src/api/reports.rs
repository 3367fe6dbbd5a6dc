//! Report downloads: an assessment as an editable DOCX for management.
//!
//! [`report_input`] gathers what `sanso_report` needs from the store (assessment, the catalog
//! version it answered, a readable target); the web UI's dashboard uses it too, so both show
//! the same numbers.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sanso_catalog::Lang;
use sanso_store::assessments::AssessmentState;
use sanso_store::{Store, Workspace};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::auth::{workspace_access, ApiUser};
use crate::error::{ApiError, Problem};
use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(paths(assessment_docx), tags((name = "reports")))]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new().route(
        "/workspaces/{ws}/assessments/{id}/report.docx",
        get(assessment_docx),
    )
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The review state in the report's language.
pub(crate) fn state_label(state: AssessmentState, lang: Lang) -> &'static str {
    match (state, lang) {
        (AssessmentState::Draft, Lang::Ja) => "下書き",
        (AssessmentState::Submitted, Lang::Ja) => "提出済み(承認待ち)",
        (AssessmentState::Approved, Lang::Ja) => "承認済み",
        (AssessmentState::Returned, Lang::Ja) => "差し戻し",
        (AssessmentState::Draft, Lang::En) => "Draft",
        (AssessmentState::Submitted, Lang::En) => "Submitted (awaiting approval)",
        (AssessmentState::Approved, Lang::En) => "Approved",
        (AssessmentState::Returned, Lang::En) => "Returned",
    }
}

/// Everything a report of assessment `id` needs, read from the store (404 for another
/// workspace's id).
pub async fn report_input(
    store: &Store,
    workspace: &Workspace,
    id: &str,
    lang: Lang,
) -> sanso_store::Result<sanso_report::ReportInput> {
    let (record, catalog) = store.assessment_with_catalog(&workspace.id, id).await?;
    let target = match &record.target_node_id {
        Some(node) => match store.get_node(&workspace.id, node).await {
            Ok(n) => format!("{} / {}", workspace.name, n.name),
            // The node may have been deleted since; the assessment still names it.
            Err(_) => format!("{} / {node}", workspace.name),
        },
        None => workspace.name.clone(),
    };
    Ok(sanso_report::ReportInput {
        title: record.title,
        target,
        state: state_label(record.state, lang).to_string(),
        review_comment: record.review_comment,
        generated_at: sanso_core::now_timestamp(),
        catalog,
        target_level: record.target_level,
        answers: record.answers,
    })
}

/// Report failures are our fault (stored answers that do not fit their own catalog).
pub(crate) fn report_error(e: sanso_report::ReportError) -> ApiError {
    tracing::error!(error = %e, "report");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the report could not be made; see the server log",
    )
}

#[derive(Deserialize, IntoParams)]
pub struct ReportQuery {
    /// `ja` (default) or `en`.
    pub lang: Option<String>,
}

/// `ja` (default) or `en`, else a 400 naming the parameter.
pub(crate) fn report_lang(lang: Option<&str>) -> Result<Lang, ApiError> {
    match lang {
        None | Some("ja") => Ok(Lang::Ja),
        Some("en") => Ok(Lang::En),
        Some(other) => Err(ApiError::bad_request(
            "lang",
            format!("unknown language \"{other}\": use ja or en"),
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments/{id}/report.docx", tag = "reports",
    params(("ws" = String, Path), ("id" = String, Path), ReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        description = "Editable report: summary, level attained, per-group table, chart tables, gaps, notes"),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn assessment_docx(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let lang = report_lang(q.lang.as_deref())?;
    let (workspace, _) = workspace_access(&state, &p, &ws).await?;
    let input = report_input(&state.store, &workspace, &id, lang).await?;
    let bytes = sanso_report::assessment_docx(&input, lang).map_err(report_error)?;
    let file = format!(
        "report-{}-{}.docx",
        id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', ""),
        match lang {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    );
    Ok((
        [
            (header::CONTENT_TYPE, DOCX.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

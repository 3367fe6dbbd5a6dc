//! Catalogs and assessments under `/api/v1/workspaces/{ws}/…`: listing and importing catalogs,
//! assessment CRUD, bulk answers, the review flow (submit → approve or return), the score report
//! and the XLSX questionnaire (download, fill offline, upload).

use std::collections::HashSet;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sanso_catalog::{questionnaire, Answer, Lang, YamlError};
use sanso_core::model::FieldError;
use sanso_store::assessments::{
    AssessmentRecord, AssessmentScore, AssessmentUpdate, CatalogSummary, EvidenceBlob,
    NewAssessment,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::body::{self, ApiJson};
use crate::auth::{require_admin, require_edit, workspace_access, ApiUser};
use crate::error::{ApiError, Problem};
use crate::SharedState;

type ApiResult<T> = Result<T, ApiError>;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route(
            "/workspaces/{ws}/catalogs",
            get(list_catalogs).post(import_catalog),
        )
        .route("/workspaces/{ws}/catalogs/{id}/{version}", get(get_catalog))
        .route(
            "/workspaces/{ws}/assessments",
            get(list_assessments).post(create_assessment),
        )
        .route(
            "/workspaces/{ws}/assessments/{id}",
            get(get_assessment)
                .put(update_assessment)
                .delete(delete_assessment),
        )
        .route(
            "/workspaces/{ws}/assessments/{id}/answers",
            put(set_answers),
        )
        .route("/workspaces/{ws}/assessments/{id}/submit", post(submit))
        .route("/workspaces/{ws}/assessments/{id}/approve", post(approve))
        .route(
            "/workspaces/{ws}/assessments/{id}/return",
            post(return_assessment),
        )
        .route("/workspaces/{ws}/assessments/{id}/score", get(score))
        .route("/workspaces/{ws}/assessments/{id}/compare", get(compare))
        .route(
            "/workspaces/{ws}/assessments/{id}/evidence",
            post(upload_evidence),
        )
        .route(
            "/workspaces/{ws}/assessments/{id}/evidence/{sha256}",
            get(download_evidence),
        )
        .route(
            "/workspaces/{ws}/assessments/{id}/questionnaire.xlsx",
            get(export_questionnaire).put(import_questionnaire),
        )
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/catalogs", tag = "assessments", params(("ws" = String, Path)),
    responses((status = 200, body = [CatalogSummary], description = "Built-in catalogs and this workspace's imports"), (status = 404, body = Problem)))]
pub async fn list_catalogs(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<CatalogSummary>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_catalogs(&ws).await?))
}

/// Problems of a native YAML catalog, each with its line or field path.
fn yaml_errors(e: YamlError) -> ApiError {
    match e {
        YamlError::Parse {
            source_name,
            location,
            message,
        } => ApiError::invalid(vec![FieldError::new(
            source_name,
            format!("{location}{message}"),
        )]),
        YamlError::Invalid { issues, .. } => ApiError::invalid(
            issues
                .into_iter()
                .map(|i| FieldError::new(i.path, i.message))
                .collect(),
        ),
        YamlError::Serialize { what, message } => {
            ApiError::invalid(vec![FieldError::new(what, message)])
        }
    }
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/catalogs", tag = "assessments", params(("ws" = String, Path)),
    request_body(content = String, content_type = "application/yaml", description = "A catalog in sanso's native YAML format"),
    responses((status = 201, body = CatalogSummary), (status = 409, body = Problem), (status = 422, body = Problem), (status = 413, body = Problem)))]
pub async fn import_catalog(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    req: Request,
) -> ApiResult<(StatusCode, Json<CatalogSummary>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let bytes = body::read_body(req, &state).await?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| ApiError::bad_request("(body)", format!("not UTF-8 text: {e}")))?;
    let catalog = sanso_catalog::yaml::catalog_from_yaml(text, "(body)").map_err(yaml_errors)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.import_catalog(&p.actor, &ws, catalog).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/catalogs/{id}/{version}", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path), ("version" = String, Path)),
    responses((status = 200, body = Object, description = "The whole catalog (groups, requirements, criteria, levels, scoring)"), (status = 404, body = Problem)))]
pub async fn get_catalog(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id, version)): Path<(String, String, String)>,
) -> ApiResult<Json<sanso_catalog::Catalog>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_catalog(&ws, &id, &version).await?))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments", tag = "assessments", params(("ws" = String, Path)),
    responses((status = 200, body = [AssessmentRecord]), (status = 404, body = Problem)))]
pub async fn list_assessments(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<AssessmentRecord>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_assessments(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/assessments", tag = "assessments", params(("ws" = String, Path)),
    request_body = NewAssessment,
    responses((status = 201, body = AssessmentRecord), (status = 422, body = Problem)))]
pub async fn create_assessment(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<NewAssessment>,
) -> ApiResult<(StatusCode, Json<AssessmentRecord>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_assessment(&p.actor, &ws, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments/{id}", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = AssessmentRecord), (status = 404, body = Problem)))]
pub async fn get_assessment(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<AssessmentRecord>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_assessment(&ws, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/assessments/{id}", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = AssessmentUpdate,
    responses((status = 200, body = AssessmentRecord), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_assessment(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<AssessmentUpdate>,
) -> ApiResult<Json<AssessmentRecord>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .update_assessment(&p.actor, &ws, &id, input)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/assessments/{id}", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_assessment(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_assessment(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Answers to set; each replaces the stored answer to its requirement, others stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersInput {
    /// `{requirement_id, status (implemented|partial|not_implemented|not_applicable|unknown),
    /// score?, criteria?: [{criterion_id, met}], comment?, evidence?: [blob sha256 or URL], owner?, due? (YYYY-MM-DD)}`
    #[schema(value_type = Vec<Object>)]
    pub answers: Vec<Answer>,
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/assessments/{id}/answers", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = AnswersInput,
    responses((status = 200, body = AssessmentRecord), (status = 404, body = Problem), (status = 409, body = Problem, description = "Submitted or approved (locked)"), (status = 422, body = Problem)))]
pub async fn set_answers(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<AnswersInput>,
) -> ApiResult<Json<AssessmentRecord>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .set_answers(&p.actor, &ws, &id, input.answers)
            .await?,
    ))
}

/// A reviewer's comment.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    #[serde(default)]
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/assessments/{id}/submit", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = AssessmentRecord), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn submit(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<AssessmentRecord>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state.store.submit_assessment(&p.actor, &ws, &id).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/assessments/{id}/approve", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = ReviewInput,
    responses((status = 200, body = AssessmentRecord), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn approve(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<Json<AssessmentRecord>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    Ok(Json(
        state
            .store
            .approve_assessment(&p.actor, &ws, &id, input.comment)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/assessments/{id}/return", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = ReviewInput,
    responses((status = 200, body = AssessmentRecord), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn return_assessment(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> ApiResult<Json<AssessmentRecord>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    Ok(Json(
        state
            .store
            .return_assessment(&p.actor, &ws, &id, input.comment.unwrap_or_default())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments/{id}/score", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = AssessmentScore), (status = 404, body = Problem)))]
pub async fn score(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<AssessmentScore>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.score_assessment(&ws, &id).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct QuestionnaireQuery {
    /// `ja` (default) or `en`: headings and labels of the workbook.
    pub lang: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments/{id}/questionnaire.xlsx", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path), QuestionnaireQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The questionnaire, pre-filled with the stored answers"), (status = 404, body = Problem)))]
pub async fn export_questionnaire(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<QuestionnaireQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let lang = match q.lang.as_deref() {
        None | Some("ja") => Lang::Ja,
        Some("en") => Lang::En,
        Some(other) => {
            return Err(ApiError::bad_request(
                "lang",
                format!("unknown language \"{other}\": use ja or en"),
            ))
        }
    };
    let (record, catalog) = state.store.assessment_with_catalog(&ws, &id).await?;
    let bytes = questionnaire::export(
        &catalog,
        record.target_level.as_deref(),
        &record.answers,
        lang,
    )
    .map_err(|e| {
        tracing::error!(error = %e, "questionnaire export");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the questionnaire could not be written; see the server log",
        )
    })?;
    let disposition = format!(
        "attachment; filename=\"questionnaire-{}.xlsx\"",
        record
            .id
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "")
    );
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/assessments/{id}/questionnaire.xlsx", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "A filled-in questionnaire of this assessment's catalog version"),
    responses((status = 200, body = AssessmentRecord, description = "The answers read from the workbook replace those in its scope"),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem, description = "Every problem with sheet, row and column; nothing is changed")))]
pub async fn import_questionnaire(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    req: Request,
) -> ApiResult<Json<AssessmentRecord>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let (record, catalog) = state.store.assessment_with_catalog(&ws, &id).await?;
    let bytes = body::read_body(req, &state).await?;
    let answers = questionnaire::import(&bytes, &catalog).map_err(|errors| {
        ApiError::invalid(
            errors
                .into_iter()
                .map(|e| FieldError::new(questionnaire_place(&e), e.message))
                .collect(),
        )
    })?;
    let scope = answer_scope(&catalog, record.target_level.as_deref());
    Ok(Json(
        state
            .store
            .import_questionnaire_answers(&p.actor, &ws, &id, answers, scope)
            .await?,
    ))
}

/// Where in a questionnaire workbook a problem is, as the 422 field: `sheet "…", row N, column C`.
pub(crate) fn questionnaire_place(e: &questionnaire::ImportError) -> String {
    let mut at = format!("sheet \"{}\"", e.sheet);
    if e.row > 0 {
        at.push_str(&format!(", row {}", e.row));
    }
    if !e.column.is_empty() {
        at.push_str(&format!(", column {}", e.column));
    }
    at
}

/// The requirements an imported questionnaire may answer: those at the assessment's target level, or
/// the whole catalog when it has none.
pub(crate) fn answer_scope(
    catalog: &sanso_catalog::Catalog,
    target_level: Option<&str>,
) -> HashSet<String> {
    match target_level {
        Some(level) => catalog
            .requirements_at_level(level)
            .into_iter()
            .map(|r| r.id.clone())
            .collect(),
        None => catalog
            .requirements()
            .into_iter()
            .map(|(_, r)| r.id.clone())
            .collect(),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct CompareQuery {
    /// The earlier assessment (same catalog version) to compare this one with.
    pub before: String,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments/{id}/compare", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path), CompareQuery),
    responses((status = 200, body = [Object], description = "Per requirement: before, after, fulfilment, improved/regressed/unchanged/not_comparable"),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn compare(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<CompareQuery>,
) -> ApiResult<Json<Vec<sanso_catalog::RequirementChange>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(
        state.store.compare_assessments(&ws, &id, &q.before).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/assessments/{id}/evidence", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file; its Content-Type is kept"),
    responses((status = 201, body = EvidenceBlob), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem)))]
pub async fn upload_evidence(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    req: Request,
) -> ApiResult<(StatusCode, Json<EvidenceBlob>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
        .unwrap_or("application/octet-stream")
        .to_string();
    let bytes = body::read_body(req, &state).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .add_evidence(&p.actor, &ws, &id, &bytes, &media_type)
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments/{id}/evidence/{sha256}", tag = "assessments",
    params(("ws" = String, Path), ("id" = String, Path), ("sha256" = String, Path)),
    responses((status = 200, description = "The evidence file, with the media type it was uploaded with"), (status = 404, body = Problem)))]
pub async fn download_evidence(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id, sha256)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let (blob, bytes) = state.store.get_evidence(&ws, &id, &sha256).await?;
    Ok((
        [
            (header::CONTENT_TYPE, blob.media_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", blob.sha256),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

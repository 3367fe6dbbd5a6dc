//! Exchange formats for catalogs and assessments (CSV, JSON, XLSX, OSCAL) and the plan of action.
//!
//! * `POST …/catalogs/import` (multipart): native YAML, OSCAL catalog, OSCAL profile with the
//!   files it imports, CSV/XLSX table → a stored catalog; 422 naming file and row/column or
//!   JSON path, nothing stored.
//! * `GET …/catalogs/{id}/export?format=oscal|yaml|json|csv[&version=]`.
//! * `GET …/assessments/{id}/export?format=csv|json|oscal-ar|oscal-poam|xlsx`.
//! * Plan items: CRUD under `…/plan-items`, the plan of one assessment, and
//!   `POST …/assessments/{id}/plan/from-gaps` (idempotent).
//!
//! The conversions live in [`crate::exchange`], shared with the CLI.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sanso_catalog::Lang;
use sanso_store::assessments::CatalogSummary;
use sanso_store::plans::{PlanFromGaps, PlanItem, PlanItemInput};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use super::body::ApiJson;
use crate::auth::{require_edit, workspace_access, ApiUser};
use crate::error::{ApiError, Problem};
use crate::exchange::{
    self, AssessmentBundle, AssessmentFormat, CatalogFormat, CatalogImportOptions, ExchangeError,
    UploadedFile,
};
use crate::SharedState;

type ApiResult<T> = Result<T, ApiError>;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(
    paths(
        import_catalog,
        export_catalog,
        export_assessment,
        list_plan_items,
        create_plan_item,
        get_plan_item,
        update_plan_item,
        delete_plan_item,
        assessment_plan,
        plan_from_gaps
    ),
    components(schemas(PlanItem, PlanItemInput, PlanFromGaps, sanso_store::plans::PlanPriority, sanso_store::plans::PlanStatus)),
    tags((name = "exchange", description = "Catalog and assessment imports/exports (CSV, JSON, XLSX, OSCAL) and the plan of action and milestones"))
)]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/workspaces/{ws}/catalogs/import", post(import_catalog))
        .route("/workspaces/{ws}/catalogs/{id}/export", get(export_catalog))
        .route(
            "/workspaces/{ws}/assessments/{id}/export",
            get(export_assessment),
        )
        .route(
            "/workspaces/{ws}/plan-items",
            get(list_plan_items).post(create_plan_item),
        )
        .route(
            "/workspaces/{ws}/plan-items/{id}",
            get(get_plan_item)
                .put(update_plan_item)
                .delete(delete_plan_item),
        )
        .route(
            "/workspaces/{ws}/assessments/{id}/plan",
            get(assessment_plan),
        )
        .route(
            "/workspaces/{ws}/assessments/{id}/plan/from-gaps",
            post(plan_from_gaps),
        )
}

impl From<ExchangeError> for ApiError {
    fn from(e: ExchangeError) -> Self {
        match e {
            ExchangeError::Invalid(errors) => ApiError::invalid(errors),
            ExchangeError::Internal(message) => {
                tracing::error!(error = %message, "exchange");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "the document could not be written; see the server log",
                )
            }
        }
    }
}

fn download(media_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    // Only plain characters in the header: ids come from users.
    let name: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/catalogs/import", tag = "exchange", params(("ws" = String, Path)),
    request_body(content = String, content_type = "multipart/form-data", description = "Fields: `file` (one or more: a native YAML catalog, an OSCAL catalog in JSON/XML/YAML, an OSCAL profile with the files it imports, or a CSV/XLSX table — layout in crates/catalog/FORMAT.md §3); optional `id`, `version`, `title`, `sheet` (XLSX), `main` (which file is the profile), `base_id` + `base_version` (add table rows to that catalog)"),
    responses((status = 201, body = CatalogSummary), (status = 409, body = Problem, description = "That id and version is already stored"),
        (status = 413, body = Problem), (status = 422, body = Problem, description = "Every problem with its file and row/column or JSON path; nothing is stored")))]
pub async fn import_catalog(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<CatalogSummary>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let mut files = Vec::new();
    let mut options = CatalogImportOptions::default();
    let (mut base_id, mut base_version) = (None, None);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(state.config.body_limit))
            }
            Err(e) => return Err(ApiError::bad_request("(form)", e.body_text())),
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(state.config.body_limit))
            }
            Err(e) => return Err(ApiError::bad_request(&name, e.body_text())),
        };
        let value = || {
            let text = String::from_utf8_lossy(&bytes).trim().to_string();
            (!text.is_empty()).then_some(text)
        };
        match name.as_str() {
            "file" | "files" => files.push(UploadedFile {
                name: file_name.unwrap_or_else(|| format!("file-{}", files.len() + 1)),
                bytes: bytes.to_vec(),
            }),
            "id" => options.id = value(),
            "version" => options.version = value(),
            "title" => options.title = value(),
            "sheet" => options.sheet = value(),
            "main" => options.main = value(),
            "base_id" => base_id = value(),
            "base_version" => base_version = value(),
            other => {
                return Err(ApiError::bad_request(
                    other,
                    "unknown form field (expected file, id, version, title, sheet, main, base_id, base_version)",
                ))
            }
        }
    }
    if let Some(base_id) = base_id {
        let version = match base_version {
            Some(v) => v,
            None => latest_version(&state, &ws, &base_id)
                .await?
                .ok_or_else(|| {
                    ApiError::invalid(vec![sanso_core::model::FieldError::new(
                        "base_id",
                        format!("no catalog {base_id:?} in this workspace"),
                    )])
                })?,
        };
        options.base = Some(
            state
                .store
                .get_catalog(&ws, &base_id, &version)
                .await
                .map_err(|e| match e {
                    sanso_store::StoreError::NotFound => {
                        ApiError::invalid(vec![sanso_core::model::FieldError::new(
                            "base_version",
                            format!("no catalog {base_id:?} version {version:?} in this workspace"),
                        )])
                    }
                    other => other.into(),
                })?,
        );
    }
    // Parsing and resolution are CPU and file work: off the async threads.
    let built = tokio::task::spawn_blocking(move || exchange::catalog_from_files(&files, &options))
        .await
        .map_err(|e| ExchangeError::Internal(format!("import task: {e}")))??;
    let (catalog, _) = built;
    Ok((
        StatusCode::CREATED,
        Json(state.store.import_catalog(&p.actor, &ws, catalog).await?),
    ))
}

/// The highest version of a catalog id this workspace sees (by the store's id/version order).
async fn latest_version(state: &SharedState, ws: &str, id: &str) -> ApiResult<Option<String>> {
    Ok(state
        .store
        .list_catalogs(ws)
        .await?
        .into_iter()
        .filter(|c| c.id == id)
        .map(|c| c.version)
        .next_back())
}

#[derive(Deserialize, IntoParams)]
pub struct CatalogExportQuery {
    /// `oscal` (OSCAL catalog JSON), `yaml` (native), `json` (native), `csv` (tabular layout).
    pub format: String,
    /// The version to export; the highest stored or built-in version when absent.
    pub version: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/catalogs/{id}/export", tag = "exchange",
    params(("ws" = String, Path), ("id" = String, Path), CatalogExportQuery),
    responses((status = 200, description = "The catalog as a file"), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn export_catalog(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<CatalogExportQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let format = CatalogFormat::parse(&q.format).ok_or_else(|| {
        ApiError::bad_request(
            "format",
            format!(
                "unknown format {:?}: use oscal, yaml, json or csv",
                q.format
            ),
        )
    })?;
    let version = match q.version {
        Some(v) => v,
        None => latest_version(&state, &ws, &id)
            .await?
            .ok_or_else(ApiError::not_found)?,
    };
    let catalog = state.store.get_catalog(&ws, &id, &version).await?;
    let bytes = exchange::export_catalog(&catalog, format)?;
    Ok(download(
        format.media_type(),
        &format!("{}-{}.{}", catalog.id, catalog.version, format.extension()),
        bytes,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct AssessmentExportQuery {
    /// `csv`, `json`, `oscal-ar` (OSCAL assessment-results), `oscal-poam` (OSCAL POA&M with the
    /// plan items), `xlsx` (the questionnaire workbook with the answers).
    pub format: String,
    /// `ja` (default) or `en`: labels of the XLSX workbook.
    pub lang: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments/{id}/export", tag = "exchange",
    params(("ws" = String, Path), ("id" = String, Path), AssessmentExportQuery),
    responses((status = 200, description = "The assessment as a file"), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "A POA&M of an assessment with neither gaps nor plan items")))]
pub async fn export_assessment(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<AssessmentExportQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let format = AssessmentFormat::parse(&q.format).ok_or_else(|| {
        ApiError::bad_request(
            "format",
            format!(
                "unknown format {:?}: use csv, json, oscal-ar, oscal-poam or xlsx",
                q.format
            ),
        )
    })?;
    let lang = match q.lang.as_deref() {
        None | Some("ja") => Lang::Ja,
        Some("en") => Lang::En,
        Some(other) => {
            return Err(ApiError::bad_request(
                "lang",
                format!("unknown language {other:?}: use ja or en"),
            ))
        }
    };
    let (record, catalog) = state.store.assessment_with_catalog(&ws, &id).await?;
    let plan = state.store.list_plan_items(&ws, Some(&id)).await?;
    let bytes = tokio::task::spawn_blocking(move || {
        exchange::export_assessment(
            &AssessmentBundle {
                record: &record,
                catalog: &catalog,
                plan: &plan,
                lang,
            },
            format,
        )
    })
    .await
    .map_err(|e| ExchangeError::Internal(format!("export task: {e}")))??;
    Ok(download(
        format.media_type(),
        &format!("assessment-{id}.{}", format.file_suffix()),
        bytes,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct PlanQuery {
    /// Only the items of this assessment.
    pub assessment_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/plan-items", tag = "exchange",
    params(("ws" = String, Path), PlanQuery),
    responses((status = 200, body = [PlanItem], description = "By due date (undated last), then priority"), (status = 404, body = Problem)))]
pub async fn list_plan_items(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<PlanQuery>,
) -> ApiResult<Json<Vec<PlanItem>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(
        state
            .store
            .list_plan_items(&ws, q.assessment_id.as_deref())
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/plan-items", tag = "exchange",
    params(("ws" = String, Path)), request_body = PlanItemInput,
    responses((status = 201, body = PlanItem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_plan_item(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<PlanItemInput>,
) -> ApiResult<(StatusCode, Json<PlanItem>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_plan_item(&p.actor, &ws, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/plan-items/{id}", tag = "exchange",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = PlanItem), (status = 404, body = Problem)))]
pub async fn get_plan_item(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<PlanItem>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_plan_item(&ws, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/plan-items/{id}", tag = "exchange",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = PlanItemInput,
    responses((status = 200, body = PlanItem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_plan_item(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<PlanItemInput>,
) -> ApiResult<Json<PlanItem>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .update_plan_item(&p.actor, &ws, &id, input)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/plan-items/{id}", tag = "exchange",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_plan_item(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_plan_item(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/assessments/{id}/plan", tag = "exchange",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = [PlanItem]), (status = 404, body = Problem)))]
pub async fn assessment_plan(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Vec<PlanItem>>> {
    workspace_access(&state, &p, &ws).await?;
    // Another workspace's assessment id is not found, not an empty plan.
    state.store.get_assessment(&ws, &id).await?;
    Ok(Json(state.store.list_plan_items(&ws, Some(&id)).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/assessments/{id}/plan/from-gaps", tag = "exchange",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = PlanFromGaps, description = "One new item per gap without one; running it again adds none"), (status = 404, body = Problem)))]
pub async fn plan_from_gaps(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<PlanFromGaps>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(state.store.plan_from_gaps(&p.actor, &ws, &id).await?))
}

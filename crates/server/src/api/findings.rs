//! VEX documents and statements, triage of findings, licence policy and the findings dashboard.
//!
//! VEX uploads are raw bodies (OpenVEX 0.2, CycloneDX VEX or CSAF 2.0, detected from the content),
//! optionally scoped to a product or version by query parameters. Findings here are the version's
//! scan with VEX and triage applied, computed at the time of the call.

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sanso_store::findings::{
    Dashboard, LicenceReport, StoredPolicy, StoredStatement, TriageEvent, TriageInput,
    VersionFindings, VexDocument, VexScope,
};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use super::body::{self, ApiJson};
use super::ApiResult;
use crate::auth::{require_edit, workspace_access, ApiUser};
use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(
    tags((name = "findings")),
    paths(upload_vex, list_vex, get_vex, delete_vex, vex_statements, export_vex, findings,
        set_triage, triage_history, get_policy, put_policy, licence_report, dashboard),
    components(schemas(VexDocument, VexScope, StoredStatement, TriageInput, TriageEvent,
        sanso_store::findings::TriageState, VersionFindings, sanso_store::findings::VersionFinding,
        StoredPolicy, LicenceReport, sanso_store::findings::LicenceIssue, Dashboard,
        sanso_store::findings::LabelCount))
)]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/workspaces/{ws}/vex", get(list_vex).post(upload_vex))
        .route("/workspaces/{ws}/vex/{id}", get(get_vex).delete(delete_vex))
        .route("/workspaces/{ws}/vex/{id}/statements", get(vex_statements))
        .route("/workspaces/{ws}/versions/{id}/vex", get(export_vex))
        .route(
            "/workspaces/{ws}/versions/{id}/findings/full",
            get(findings),
        )
        .route(
            "/workspaces/{ws}/versions/{id}/triage",
            get(triage_history).post(set_triage),
        )
        .route(
            "/workspaces/{ws}/licence-policy",
            get(get_policy).put(put_policy),
        )
        .route(
            "/workspaces/{ws}/versions/{id}/licences",
            get(licence_report),
        )
        .route("/workspaces/{ws}/findings/dashboard", get(dashboard))
}

#[derive(Deserialize, IntoParams)]
pub struct VexUploadQuery {
    /// The original file name (default `vex.json`).
    pub filename: Option<String>,
    /// Apply only to this product.
    pub product_id: Option<String>,
    /// Apply only to this product version.
    pub version_id: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/vex", tag = "findings",
    params(("ws" = String, Path), VexUploadQuery),
    request_body(content = String, description = "OpenVEX 0.2, CycloneDX VEX or CSAF 2.0 VEX JSON as the raw body", content_type = "application/json"),
    responses((status = 201, body = VexDocument, description = "Stored; `warnings` lists statements naming nothing known in the workspace"),
        (status = 404, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem, description = "Not a readable VEX document; nothing stored")))]
pub(super) async fn upload_vex(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<VexUploadQuery>,
    req: Request,
) -> ApiResult<(StatusCode, Json<VexDocument>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let bytes = body::read_body(req, &state).await?;
    let filename = q.filename.unwrap_or_default();
    let doc = state
        .store
        .import_vex(
            &p.actor,
            &ws,
            bytes.to_vec(),
            &filename,
            VexScope {
                product_id: q.product_id,
                version_id: q.version_id,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(doc)))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/vex", tag = "findings", params(("ws" = String, Path)),
    responses((status = 200, body = [VexDocument]), (status = 404, body = crate::error::Problem)))]
pub(super) async fn list_vex(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<VexDocument>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_vex_documents(&ws).await?))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/vex/{id}", tag = "findings",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = VexDocument), (status = 404, body = crate::error::Problem)))]
pub(super) async fn get_vex(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<VexDocument>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_vex_document(&ws, &id).await?))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/vex/{id}", tag = "findings",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204, description = "Deleted with its statements"), (status = 404, body = crate::error::Problem)))]
pub(super) async fn delete_vex(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_vex_document(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/vex/{id}/statements", tag = "findings",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = [StoredStatement]), (status = 404, body = crate::error::Problem)))]
pub(super) async fn vex_statements(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Vec<StoredStatement>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_vex_statements(&ws, &id).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct VexExportQuery {
    /// `openvex` (default) or `cyclonedx`.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{id}/vex", tag = "findings",
    params(("ws" = String, Path), ("id" = String, Path), VexExportQuery),
    responses((status = 200, description = "OpenVEX 0.2 or CycloneDX 1.6 VEX: one statement per finding with a triage decision (preferred) or an applied VEX statement"),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(super) async fn export_vex(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<VexExportQuery>,
) -> ApiResult<Response> {
    let (workspace, _) = workspace_access(&state, &p, &ws).await?;
    let format = q.format.unwrap_or_else(|| "openvex".into());
    let author = format!("{} (sanso)", workspace.name);
    let doc = state.store.export_vex(&ws, &id, &format, &author).await?;
    let content_type = if format == "cyclonedx" {
        "application/vnd.cyclonedx+json"
    } else {
        "application/json"
    };
    Ok(([(header::CONTENT_TYPE, content_type)], Json(doc)).into_response())
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{id}/findings/full", tag = "findings",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = VersionFindings, description = "Findings with every alias, matched range, the VEX status applied and the triage in force"),
        (status = 404, body = crate::error::Problem)))]
pub(super) async fn findings(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<VersionFindings>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.version_findings_full(&ws, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/versions/{id}/triage", tag = "findings",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = TriageInput,
    responses((status = 201, body = TriageEvent), (status = 404, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem, description = "No such finding, or a missing/unknown justification")))]
pub(super) async fn set_triage(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<TriageInput>,
) -> ApiResult<(StatusCode, Json<TriageEvent>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.set_triage(&p.actor, &ws, &id, input).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct TriageQuery {
    /// Any ID of the vulnerability.
    pub vulnerability_id: String,
    /// The component's purl (the version is ignored).
    pub component: String,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{id}/triage", tag = "findings",
    params(("ws" = String, Path), ("id" = String, Path), TriageQuery),
    responses((status = 200, body = [TriageEvent], description = "Every decision on this finding across the product's versions, oldest first"),
        (status = 404, body = crate::error::Problem)))]
pub(super) async fn triage_history(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<TriageQuery>,
) -> ApiResult<Json<Vec<TriageEvent>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(
        state
            .store
            .triage_history(&ws, &id, &q.vulnerability_id, &q.component)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/licence-policy", tag = "findings", params(("ws" = String, Path)),
    responses((status = 200, body = StoredPolicy), (status = 404, body = crate::error::Problem)))]
pub(super) async fn get_policy(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<StoredPolicy>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.licence_policy(&ws).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/licence-policy", tag = "findings", params(("ws" = String, Path)),
    request_body(content = Object, description = "`{name, context, allow, deny, review, default}`; list entries are SPDX ids or `{\"category\": \"strong-copyleft\"}`"),
    responses((status = 200, body = StoredPolicy), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(super) async fn put_policy(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    req: Request,
) -> ApiResult<Json<StoredPolicy>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let bytes = body::read_body(req, &state).await?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(Json(
        state.store.set_licence_policy(&p.actor, &ws, &text).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{id}/licences", tag = "findings",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = LicenceReport), (status = 404, body = crate::error::Problem)))]
pub(super) async fn licence_report(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<LicenceReport>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.licence_report(&ws, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/findings/dashboard", tag = "findings", params(("ws" = String, Path)),
    responses((status = 200, body = Dashboard), (status = 404, body = crate::error::Problem)))]
pub(super) async fn dashboard(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Dashboard>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.findings_dashboard(&ws).await?))
}

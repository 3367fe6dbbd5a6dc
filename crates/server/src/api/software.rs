//! Software supply chain API: products, their versions, SBOM upload (CycloneDX JSON/XML, SPDX
//! JSON/tag-value, detected from the content), listing and paging components, downloading the
//! original and exporting the stored components as CycloneDX 1.6 JSON or SPDX 2.3 JSON.
//!
//! Versions and SBOMs have their own paths under the workspace (their ids are unique), so a client
//! needs only the id it was given. Another workspace's ids answer 404.

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sanso_store::software::{
    media_type, ComponentPage, Product, ProductInput, ProductVersion, SbomRecord, VersionInput,
};
use sanso_store::vulns::OsvImportSummary;
use serde::Deserialize;
use utoipa::IntoParams;

use super::body::{self, ApiJson};
use super::ApiResult;
use crate::auth::{require_edit, workspace_access, ApiUser};
use crate::error::ApiError;
use crate::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route(
            "/workspaces/{ws}/products",
            get(list_products).post(create_product),
        )
        .route(
            "/workspaces/{ws}/products/{id}",
            get(get_product).put(update_product).delete(delete_product),
        )
        .route(
            "/workspaces/{ws}/products/{id}/versions",
            get(list_versions).post(create_version),
        )
        .route(
            "/workspaces/{ws}/versions/{id}",
            get(get_version).delete(delete_version),
        )
        .route(
            "/workspaces/{ws}/versions/{id}/sboms",
            get(list_sboms).post(upload_sbom),
        )
        .route(
            "/workspaces/{ws}/sboms/{id}",
            get(get_sbom).delete(delete_sbom),
        )
        .route(
            "/workspaces/{ws}/sboms/{id}/components",
            get(list_components),
        )
        .route(
            "/workspaces/{ws}/sboms/{id}/original",
            get(download_original),
        )
        .route("/workspaces/{ws}/sboms/{id}/export", get(export_sbom))
        .route(
            "/workspaces/{ws}/versions/{id}/findings",
            get(version_findings),
        )
        .route("/admin/osv", axum::routing::post(import_osv))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products", tag = "software", params(("ws" = String, Path)),
    responses((status = 200, body = [Product]), (status = 404, body = crate::error::Problem)))]
pub(super) async fn list_products(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<Product>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_products(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/products", tag = "software", params(("ws" = String, Path)),
    request_body = ProductInput,
    responses((status = 201, body = Product), (status = 422, body = crate::error::Problem)))]
pub(super) async fn create_product(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<ProductInput>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_product(&p.actor, &ws, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products/{id}", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Product), (status = 404, body = crate::error::Problem)))]
pub(super) async fn get_product(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Product>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_product(&ws, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/products/{id}", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = ProductInput,
    responses((status = 200, body = Product), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(super) async fn update_product(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ProductInput>,
) -> ApiResult<Json<Product>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .update_product(&p.actor, &ws, &id, input)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/products/{id}", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204, description = "Deleted with its versions and SBOMs"), (status = 404, body = crate::error::Problem)))]
pub(super) async fn delete_product(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_product(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products/{id}/versions", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = [ProductVersion]), (status = 404, body = crate::error::Problem)))]
pub(super) async fn list_versions(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Vec<ProductVersion>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_versions(&ws, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/products/{id}/versions", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = VersionInput,
    responses((status = 201, body = ProductVersion), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(super) async fn create_version(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<VersionInput>,
) -> ApiResult<(StatusCode, Json<ProductVersion>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_version(&p.actor, &ws, &id, input)
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{id}", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ProductVersion), (status = 404, body = crate::error::Problem)))]
pub(super) async fn get_version(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<ProductVersion>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_version(&ws, &id).await?))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/versions/{id}", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204, description = "Deleted with its SBOMs"), (status = 404, body = crate::error::Problem)))]
pub(super) async fn delete_version(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_version(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{id}/sboms", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = [SbomRecord]), (status = 404, body = crate::error::Problem)))]
pub(super) async fn list_sboms(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Vec<SbomRecord>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_sboms(&ws, &id).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The original file name, kept with the SBOM (default `sbom`).
    pub filename: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/versions/{id}/sboms", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path), UploadQuery),
    request_body(content = String, description = "The SBOM document as the raw body: CycloneDX 1.4–1.6 JSON or XML, SPDX 2.2/2.3 JSON or tag-value (detected from the content)",
        content_type = "application/octet-stream"),
    responses((status = 201, body = SbomRecord, description = "Stored; `warnings` lists what the reader accepted with remarks"),
        (status = 404, body = crate::error::Problem), (status = 413, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem, description = "Not a readable SBOM; the detail names the line/column or path")))]
pub(super) async fn upload_sbom(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<UploadQuery>,
    req: Request,
) -> ApiResult<(StatusCode, Json<SbomRecord>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    // An unknown version answers 404 before the body is read.
    state.store.get_version(&ws, &id).await?;
    let file = body::stream_to_file(req, &state).await?;
    let filename = q
        .filename
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| "sbom".into());
    let record = state
        .store
        .ingest_sbom_file(&p.actor, &ws, &id, file.path(), &filename)
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/sboms/{id}", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = SbomRecord), (status = 404, body = crate::error::Problem)))]
pub(super) async fn get_sbom(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<SbomRecord>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_sbom(&ws, &id).await?))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/sboms/{id}", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub(super) async fn delete_sbom(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_sbom(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// Components from this position (0-based, default 0).
    pub offset: Option<i64>,
    /// At most this many (1–1000, default 100).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/sboms/{id}/components", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path), PageQuery),
    responses((status = 200, body = ComponentPage), (status = 404, body = crate::error::Problem)))]
pub(super) async fn list_components(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<ComponentPage>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(
        state
            .store
            .list_sbom_components(&ws, &id, q.offset.unwrap_or(0), q.limit.unwrap_or(100))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/sboms/{id}/original", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "The document exactly as uploaded", content_type = "application/octet-stream"),
        (status = 404, body = crate::error::Problem)))]
pub(super) async fn download_original(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let (record, bytes) = state.store.sbom_original(&ws, &id).await?;
    let filename: String = record
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                media_type(&record.format, &record.encoding).to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `cyclonedx` (CycloneDX 1.6 JSON, default) or `spdx` (SPDX 2.3 JSON).
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/sboms/{id}/export", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path), ExportQuery),
    responses((status = 200, description = "The stored components (de-duplicated, canonical purls) as CycloneDX 1.6 JSON or SPDX 2.3 JSON"),
        (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub(super) async fn export_sbom(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let spdx = match q.format.as_deref() {
        None | Some("cyclonedx") => false,
        Some("spdx") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "format",
                format!("unknown format \"{other}\": use cyclonedx or spdx"),
            ))
        }
    };
    let sbom = state.store.sbom_document(&ws, &id).await?;
    let written = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        let result = if spdx {
            sanso_sbom::write::spdx_json(&sbom, &mut out)
        } else {
            sanso_sbom::write::cyclonedx_json(&sbom, &mut out)
        };
        result.map(|()| out)
    })
    .await;
    let bytes = match written {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            tracing::error!(error = %e, sbom = %id, "SBOM export failed");
            return Err(export_failed());
        }
        Err(e) => {
            tracing::error!(error = %e, sbom = %id, "SBOM export task failed");
            return Err(export_failed());
        }
    };
    let content_type = if spdx {
        "application/spdx+json"
    } else {
        "application/vnd.cyclonedx+json"
    };
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

fn export_failed() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the SBOM could not be written; see the server log",
    )
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/versions/{id}/findings", tag = "software",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, content_type = "application/json",
        description = "The version's SBOM components matched against the stored OSV advisories, computed now: `components_scanned`, `findings` (one per vulnerability and component, with every alias and the range that matched) and `warnings`"),
        (status = 404, body = crate::error::Problem)))]
pub(super) async fn version_findings(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<sanso_vuln::ScanReport>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.version_findings(&ws, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/admin/osv", tag = "software",
    request_body(content = String, description = "An OSV zip archive (osv.dev's per-ecosystem all.zip) as the raw body",
        content_type = "application/zip"),
    responses((status = 200, body = OsvImportSummary), (status = 403, body = crate::error::Problem),
        (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(super) async fn import_osv(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    req: Request,
) -> ApiResult<Json<OsvImportSummary>> {
    if !p.user.is_instance_admin {
        return Err(ApiError::forbidden(
            "importing vulnerability data needs an instance administrator",
        ));
    }
    let file = body::stream_to_file(req, &state).await?;
    Ok(Json(
        state
            .store
            .import_osv_zip_file(&p.actor, file.path())
            .await?,
    ))
}

//! Portfolio-wide findings when new advisories arrive, and webhook subscriptions.
//!
//! Findings are recorded by the OSV import itself (see `sanso_store::portfolio`); this module lists
//! them per workspace and manages the webhooks that are notified of each new one, with their
//! delivery history (status, attempts, last HTTP status or error).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use sanso_store::portfolio::{PortfolioFinding, PortfolioUpdate};
use sanso_store::webhooks::{CreatedWebhook, Delivery, Webhook, WebhookInput};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use super::body::ApiJson;
use super::ApiResult;
use crate::auth::{require_admin, workspace_access, ApiUser};
use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(
    tags((name = "portfolio")),
    paths(list_findings, list_webhooks, create_webhook, delete_webhook, list_deliveries),
    components(schemas(PortfolioFinding, PortfolioUpdate, Webhook, CreatedWebhook, WebhookInput, Delivery))
)]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/workspaces/{ws}/portfolio/findings", get(list_findings))
        .route(
            "/workspaces/{ws}/webhooks",
            get(list_webhooks).post(create_webhook),
        )
        .route("/workspaces/{ws}/webhooks/{id}", delete(delete_webhook))
        .route(
            "/workspaces/{ws}/webhooks/{id}/deliveries",
            get(list_deliveries),
        )
}

#[derive(Deserialize, IntoParams)]
pub struct FindingsQuery {
    #[serde(default)]
    pub offset: i64,
    /// Also list findings an advisory update withdrew (default: open findings only).
    #[serde(default)]
    pub include_withdrawn: bool,
    /// 1–1000 (default 100).
    #[serde(default = "default_limit")]
    pub limit: i64,
}

fn default_limit() -> i64 {
    100
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/portfolio/findings", tag = "portfolio",
    params(("ws" = String, Path), FindingsQuery),
    responses((status = 200, body = [PortfolioFinding], description = "Findings recorded when advisories arrived, newest first"),
        (status = 404, body = crate::error::Problem)))]
pub(super) async fn list_findings(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<FindingsQuery>,
) -> ApiResult<Json<Vec<PortfolioFinding>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(
        state
            .store
            .list_portfolio_findings(&ws, q.include_withdrawn, q.offset, q.limit)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/webhooks", tag = "portfolio",
    params(("ws" = String, Path)),
    responses((status = 200, body = [Webhook]), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub(super) async fn list_webhooks(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<Webhook>>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    Ok(Json(state.store.list_webhooks(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/webhooks", tag = "portfolio",
    params(("ws" = String, Path)), request_body = WebhookInput,
    responses((status = 201, body = CreatedWebhook, description = "Created; the secret is shown only now"),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub(super) async fn create_webhook(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    let created = state.store.create_webhook(&p.actor, &ws, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/webhooks/{id}", tag = "portfolio",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub(super) async fn delete_webhook(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    state.store.delete_webhook(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/webhooks/{id}/deliveries", tag = "portfolio",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = [Delivery], description = "Newest first: status (pending, delivered, failed), attempts, last HTTP status and error"),
        (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub(super) async fn list_deliveries(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Vec<Delivery>>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    Ok(Json(state.store.list_deliveries(&ws, &id).await?))
}

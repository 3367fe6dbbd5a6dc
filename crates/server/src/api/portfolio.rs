//! Portfolio-wide findings when new advisories arrive, and webhook subscriptions.

use axum::Router;
use utoipa::OpenApi;

use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(tags((name = "portfolio")))]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
}

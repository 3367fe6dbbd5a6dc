//! VEX documents and statements, triage of findings, licence policy and the findings dashboard.

use axum::Router;
use utoipa::OpenApi;

use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(tags((name = "findings")))]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
}

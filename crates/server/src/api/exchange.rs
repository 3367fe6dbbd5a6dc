//! Exchange formats for catalogs and assessments (CSV, JSON, XLSX, OSCAL) and the plan of action.

use axum::Router;
use utoipa::OpenApi;

use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(tags((name = "exchange")))]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
}

//! Report downloads: an assessment as an editable DOCX for management.

use axum::Router;
use utoipa::OpenApi;

use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(tags((name = "reports")))]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
}

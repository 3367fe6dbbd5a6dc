//! Supplier requests and answers, supplier invitations, consented assessment shares and trust.

use axum::Router;
use utoipa::OpenApi;

use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(tags((name = "supply-requests")))]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
}

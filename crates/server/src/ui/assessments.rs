//! Web UI for catalogs, assessments, the answer form, review, dashboards and reports.
//!
//! Handlers stay thin: they read the request, call the store, and render with maud. Text comes from
//! [`MESSAGES`] below (registered in `crate::i18n`), in English and Japanese.

use axum::Router;

use crate::SharedState;

pub fn routes() -> Router<SharedState> {
    Router::new()
}

/// (key, English, Japanese) for this area's pages.
pub const MESSAGES: &[(&str, &str, &str)] = &[("nav.assessments", "Assessments", "アセスメント")];

//! Errors as the API and the UI show them.
//!
//! API errors are RFC 9457 `application/problem+json` documents; validation problems list each field
//! at fault under `errors`. Store errors map to statuses here and nowhere else; internal details are
//! logged, not sent.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sanso_core::model::FieldError;
use sanso_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    pub errors: Vec<FieldError>,
}

/// The problem document (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            kind,
            title: title.into(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            "no such object in this workspace",
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            "sign in or send an API token as `Authorization: Bearer <token>`",
        )
    }

    pub fn forbidden(detail: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "CSRF check failed",
            "the request carried no valid CSRF token: forms need their hidden _csrf field, API calls with a session cookie need the X-CSRF-Token header",
        )
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: "validation",
            title: "Invalid input".into(),
            detail,
            errors,
        }
    }

    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "malformed",
            title: "Malformed request".into(),
            detail: format!("{field}: {message}"),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Request body too large",
            format!("the request body exceeds the limit of {limit} bytes"),
        )
    }

    /// An upload over the configured `--upload-limit`.
    pub fn upload_too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Upload too large",
            format!(
                "the upload exceeds the limit of {limit} bytes (server option --upload-limit / SANSO_UPLOAD_LIMIT)"
            ),
        )
    }

    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: format!("urn:sanso:problem:{}", self.kind),
            title: self.title.clone(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Invalid(errors) => ApiError::invalid(errors),
            StoreError::Conflict(msg) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", "Conflict", msg)
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "the server could not complete the request; see its log",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

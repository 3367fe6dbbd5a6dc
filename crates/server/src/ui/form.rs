//! Form posts from our own pages: size-limited, CSRF-checked, then deserialised.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::auth::{cookie, tokens_match, CSRF_COOKIE, CSRF_FIELD};
use crate::error::ApiError;
use crate::SharedState;

/// A urlencoded form whose `_csrf` field matched the CSRF cookie.
pub struct CsrfForm<T>(pub T);

/// Checks the CSRF token of a form post.
pub fn check_csrf(headers: &axum::http::HeaderMap, submitted: &str) -> Result<(), ApiError> {
    let expected = cookie(headers, CSRF_COOKIE).unwrap_or_default();
    if tokens_match(submitted, &expected) {
        Ok(())
    } else {
        Err(ApiError::csrf())
    }
}

impl<T: DeserializeOwned> FromRequest<SharedState> for CsrfForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &SharedState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let bytes = crate::api::body::read_body(req, state).await?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::bad_request("(form)", e.to_string()))?;
        let submitted = pairs
            .iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        check_csrf(&headers, submitted)?;
        let rest: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != CSRF_FIELD).collect();
        let encoded = serde_urlencoded::to_string(&rest)
            .map_err(|e| ApiError::bad_request("(form)", e.to_string()))?;
        let value = serde_urlencoded::from_str::<T>(&encoded).map_err(|e| {
            // serde_urlencoded names the field in its message ("missing field `name`").
            ApiError::invalid(vec![sanso_core::model::FieldError::new(
                "(form)",
                e.to_string(),
            )])
        })?;
        Ok(CsrfForm(value))
    }
}

/// A checkbox: present (any value) means checked.
pub fn checked(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.is_empty())
}

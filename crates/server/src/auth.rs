//! Who is asking, and may they?
//!
//! A request is authenticated by an API token (`Authorization: Bearer sanso_…`) or by the session cookie
//! the web UI sets at sign-in (HttpOnly, SameSite=Lax). Cookie-authenticated requests that change
//! anything must prove they come from our own pages (CSRF): forms carry a hidden `_csrf` field and API
//! calls an `X-CSRF-Token` header, equal to the `sanso_csrf` cookie (HttpOnly, SameSite=Strict) that
//! every page view sets — the double-submit pattern, compared in constant time. Token-authenticated API
//! calls need no CSRF token: browsers never attach bearer tokens by themselves.
//!
//! Workspace access is decided by [`workspace_access`]: not a member means 404, never 403, so nobody
//! learns whether another organisation's id exists.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use sanso_core::access::Role;
use sanso_store::{Actor, User, Workspace};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::SharedState;

pub const SESSION_COOKIE: &str = "sanso_session";
pub const CSRF_COOKIE: &str = "sanso_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` header value.
pub fn set_cookie(
    name: &str,
    value: &str,
    same_site: &str,
    secure: bool,
    max_age_secs: Option<i64>,
) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// Adds a `Set-Cookie` header (built by [`set_cookie`]) to a response.
pub fn append_cookie(response: &mut axum::response::Response, cookie: &str) {
    if let Ok(v) = axum::http::HeaderValue::from_str(cookie) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, v);
    }
}

pub fn tokens_match(a: &str, b: &str) -> bool {
    !a.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub actor: Actor,
    /// Authenticated by API token (no CSRF check needed) rather than session cookie.
    pub via_token: bool,
}

async fn authenticate(
    state: &SharedState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    if let Some(value) = headers.get(axum::http::header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or("");
        let Some(secret) = value.strip_prefix("Bearer ") else {
            return Err(ApiError::unauthorized());
        };
        let Some((user, token_id)) = state.store.token_user(secret.trim()).await? else {
            return Err(ApiError::unauthorized());
        };
        let actor = Actor::token(&token_id, &user.id, &user.email);
        return Ok(Some(Principal {
            user,
            actor,
            via_token: true,
        }));
    }
    if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        if let Some(user) = state.store.session_user(&secret).await? {
            let actor = Actor::user(&user.id, &user.email);
            return Ok(Some(Principal {
                user,
                actor,
                via_token: false,
            }));
        }
    }
    Ok(None)
}

/// The API caller; 401 when unauthenticated, 403 on a cookie-authenticated write without CSRF header.
pub struct ApiUser(pub Principal);

impl FromRequestParts<SharedState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        let principal = authenticate(state, &parts.headers)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe && !principal.via_token {
            let header = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let cookie = cookie(&parts.headers, CSRF_COOKIE).unwrap_or_default();
            if !tokens_match(header, &cookie) {
                return Err(ApiError::csrf());
            }
        }
        Ok(ApiUser(principal))
    }
}

/// The signed-in UI user, if any (no error when absent).
impl OptionalFromRequestParts<SharedState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Option<Self>, Self::Rejection> {
        authenticate(state, &parts.headers).await
    }
}

/// The workspace and the caller's role in it; 404 when not a member.
pub async fn workspace_access(
    state: &SharedState,
    principal: &Principal,
    workspace_id: &str,
) -> Result<(Workspace, Role), ApiError> {
    Ok(state
        .store
        .workspace_for_user(workspace_id, &principal.user.id)
        .await?)
}

pub fn require_edit(role: Role) -> Result<(), ApiError> {
    if role.can_edit() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "your role in this workspace is read-only",
        ))
    }
}

pub fn require_admin(role: Role) -> Result<(), ApiError> {
    if role.can_administer() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "only workspace administrators may do this",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_several_headers() {
        let mut h = HeaderMap::new();
        h.append("cookie", "a=1; sanso_csrf=xyz".parse().unwrap());
        h.append("cookie", "sanso_session=abc".parse().unwrap());
        assert_eq!(cookie(&h, "sanso_csrf").as_deref(), Some("xyz"));
        assert_eq!(cookie(&h, "sanso_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "nope"), None);
    }

    #[test]
    fn empty_tokens_never_match() {
        assert!(!tokens_match("", ""));
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
    }
}

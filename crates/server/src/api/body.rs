//! Request bodies for the API: size-limited, typed, and with errors that name the field at fault.
//!
//! Malformed JSON answers 400 with the line and column; well-formed JSON of the wrong shape (a wrong
//! type, an unknown field, an unknown enum value) answers 422 with the JSON path of the field; a body
//! over the limit answers 413. All as problem+json.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::SharedState;

/// Streams an upload to a temporary file in the data directory, never holding it in memory.
/// Over `config.upload_limit` (declared `Content-Length` or bytes actually sent) answers 413 and
/// removes what was written.
pub async fn stream_to_file(
    req: Request,
    state: &SharedState,
) -> Result<tempfile::NamedTempFile, ApiError> {
    use http_body_util::BodyExt;
    use std::io::Write;
    let limit = state.config.upload_limit;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::upload_too_large(limit));
    }
    let dir = state.store.data_dir().to_path_buf();
    let internal = |e: std::io::Error| {
        tracing::error!(error = %e, "could not write an upload to a temporary file");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the upload could not be stored temporarily; see the server log",
        )
    };
    let mut file = tempfile::NamedTempFile::new_in(&dir).map_err(internal)?;
    let mut body = req.into_body();
    let mut written: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::bad_request("(body)", format!("the upload broke off: {e}")))?;
        if let Ok(data) = frame.into_data() {
            written += data.len() as u64;
            if written > limit {
                // Dropping the temporary file deletes it.
                return Err(ApiError::upload_too_large(limit));
            }
            // Small synchronous writes to a local file; the chunks are at most a few KiB.
            file.write_all(&data).map_err(internal)?;
        }
    }
    file.flush().map_err(internal)?;
    Ok(file)
}

pub struct ApiJson<T>(pub T);

/// Reads the whole body within the configured limit.
pub async fn read_body(req: Request, state: &SharedState) -> Result<Bytes, ApiError> {
    let limit = state.config.body_limit;
    match axum::body::to_bytes(req.into_body(), limit).await {
        Ok(b) => Ok(b),
        Err(e) => {
            // Both the length check and the DefaultBodyLimit layer report as length-limit errors.
            let text = format!("{e:?}").to_lowercase();
            if text.contains("length limit") || text.contains("lengthlimit") {
                Err(ApiError::too_large(limit))
            } else {
                Err(ApiError::bad_request(
                    "(body)",
                    format!("could not read the request body: {e}"),
                ))
            }
        }
    }
}

/// Parses JSON with the path of the first fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let field = if path == "." {
                        "(body)".to_string()
                    } else {
                        path
                    };
                    Err(ApiError::invalid(vec![sanso_core::model::FieldError::new(
                        field,
                        inner.to_string(),
                    )]))
                }
                _ => Err(ApiError::bad_request(
                    "(body)",
                    format!(
                        "malformed JSON at line {} column {}: {inner}",
                        inner.line(),
                        inner.column()
                    ),
                )),
            }
        }
    }
}

impl<T: DeserializeOwned> FromRequest<SharedState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &SharedState) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if media != "application/json" && !media.ends_with("+json") {
            let mut err = ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                format!("expected Content-Type: application/json, got \"{media}\""),
            );
            err.errors.push(sanso_core::model::FieldError::new(
                "Content-Type",
                "must be application/json",
            ));
            return Err(err);
        }
        let bytes = read_body(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

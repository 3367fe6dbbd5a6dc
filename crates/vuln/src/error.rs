//! Typed errors. Every error names the file (or input) and, where it helps, the JSON path.

use std::path::PathBuf;

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum VulnError {
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON document did not have the expected shape.
    #[error("{source_name}: invalid JSON at {json_path}: {message}")]
    Json {
        /// File name or other label of the input.
        source_name: String,
        /// JSON path of the offending value (e.g. `$.affected[0].ranges[1].type`).
        json_path: String,
        /// What was wrong.
        message: String,
    },
    /// A zip archive could not be read or was refused by the size guards.
    #[error("zip archive {path}: {message}")]
    Zip {
        /// The archive.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// A VEX document could not be understood.
    #[error("{source_name}: VEX {format} document: {message} (at {json_path})")]
    Vex {
        /// File name or other label of the input.
        source_name: String,
        /// Which VEX dialect was being read.
        format: &'static str,
        /// JSON path of the offending value.
        json_path: String,
        /// What was wrong.
        message: String,
    },
    /// A licence policy was malformed.
    #[error("licence policy: {0}")]
    Policy(String),
    /// A usage error (bad threshold name, bad argument).
    #[error("{0}")]
    Usage(String),
}

impl VulnError {
    /// Builds a [`VulnError::Json`] from a `serde_path_to_error` failure.
    pub(crate) fn from_json_path(
        source_name: &str,
        err: serde_path_to_error::Error<serde_json::Error>,
    ) -> Self {
        let path = err.path().to_string();
        let inner = err.into_inner();
        VulnError::Json {
            source_name: source_name.to_string(),
            json_path: if path == "." {
                "$".to_string()
            } else {
                format!("$.{path}")
            },
            // serde_json's message already carries "at line L column C".
            message: inner.to_string(),
        }
    }
}

/// Result alias for this crate.
pub type Result<T, E = VulnError> = std::result::Result<T, E>;

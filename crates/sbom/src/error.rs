//! Errors of this crate. Every variant says what went wrong and where (byte limit, line/column,
//! JSON path or XML element path), so a user can find the spot in a document of 300,000 components.

use std::path::PathBuf;

/// Why a document could not be read, detected or written.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    #[error("cannot read {path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("I/O error while reading the document: {0}")]
    Io(#[source] std::io::Error),
    #[error("document is larger than the configured limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("cannot tell the SBOM format: {reason}")]
    UnknownFormat { reason: String },
    /// The input is a known document type that is not an SBOM (a CSAF advisory, a VEX-only BOM).
    #[error("not an SBOM: {what}")]
    NotAnSbom { what: String },
    #[error("unsupported {format} version {version:?}")]
    UnsupportedVersion {
        format: &'static str,
        version: String,
    },
    #[error("JSON error at {path} (line {line}, column {column}): {message}")]
    Json {
        /// JSON path of the value that failed, e.g. `components[12].hashes[0].alg`.
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("XML error at {path} (line {line}, column {column}): {message}")]
    Xml {
        /// Element path, e.g. `bom/components/component[3]/hashes`.
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("SPDX tag-value error at line {line}: {message}")]
    TagValue { line: usize, message: String },
    /// The document parsed but breaks rules of its specification.
    #[error("document is not valid: {}", summarize(.issues))]
    Invalid { issues: Vec<ValidationIssue> },
    #[error("cannot load schema {path}: {message}")]
    Schema { path: PathBuf, message: String },
    /// The caller's component sink refused a component.
    #[error("component at {location} was not accepted: {source}")]
    Sink {
        location: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("cannot write the document: {0}")]
    Write(String),
}

/// One broken rule found by validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationIssue {
    /// JSON pointer / element path of the offending value.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

fn summarize(issues: &[ValidationIssue]) -> String {
    const SHOWN: usize = 5;
    let mut text = issues
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if issues.len() > SHOWN {
        text.push_str(&format!(" (and {} more)", issues.len() - SHOWN));
    }
    text
}

//! Typed errors. Every error says what went wrong and where: a field path inside a catalog,
//! a file with row and column, or a sheet with row and column.

use std::fmt;

/// One problem found by [`crate::Catalog::validate`] or [`crate::MappingSet::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationIssue {
    /// Path of the offending field, e.g. `groups[2].requirements[5].levels[0]`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Reading or writing the native YAML format.
#[derive(Debug, thiserror::Error)]
pub enum YamlError {
    /// The document is not well-formed YAML or does not match the schema.
    #[error("{source_name}: {location}{message}")]
    Parse {
        source_name: String,
        /// `line L column C: ` when the parser knows it.
        location: String,
        message: String,
    },
    /// The document parsed but the catalog or mapping set is inconsistent.
    #[error("{source_name}: {} problem(s): {}", issues.len(), join_issues(issues))]
    Invalid {
        source_name: String,
        issues: Vec<ValidationIssue>,
    },
    #[error("serialising {what} to YAML: {message}")]
    Serialize { what: String, message: String },
}

pub(crate) fn join_issues(issues: &[ValidationIssue]) -> String {
    issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

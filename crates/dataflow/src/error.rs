//! Typed errors of the crate. Each says what went wrong and where: the YAML line/column and
//! field path, the event, edge or place id, or the XLSX sheet.

use crate::validate::FlowIssue;
use thiserror::Error;

/// Where in a parsed document an error sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// Name of the document (file name, or `<embedded demo>` and the like).
    pub source: String,
    /// Field path such as `events[2].kind`; `.` when the error is at the root.
    pub path: String,
    /// 1-based line and column when the parser knows them.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.source)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, " at {}", self.path)
    }
}

/// Everything that can fail in `sanso-dataflow`.
#[derive(Debug, Error)]
pub enum DataflowError {
    #[error("YAML error in {location}: {message}")]
    Yaml {
        location: SourceLocation,
        message: String,
    },
    #[error("JSON error in {location}: {message}")]
    Json {
        location: SourceLocation,
        message: String,
    },
    #[error("could not write YAML: {0}")]
    YamlWrite(String),
    #[error("could not write JSON: {0}")]
    JsonWrite(String),
    #[error("XLSX export failed on sheet `{sheet}`: {message}")]
    Xlsx { sheet: String, message: String },
    #[error("data flow `{flow}` is invalid: {}", join_issues(.issues))]
    InvalidFlow {
        flow: String,
        issues: Vec<FlowIssue>,
    },
    #[error("IoT-SSF scheme `{scheme}` is invalid: {}", .problems.join("; "))]
    InvalidScheme {
        scheme: String,
        problems: Vec<String>,
    },
    #[error("device `{device}`: {problem}")]
    InvalidDevice { device: String, problem: String },
    #[error("rule-set library is invalid: {}", .problems.join("; "))]
    InvalidLibrary { problems: Vec<String> },
    #[error("attribute vocabulary is invalid: {}", .problems.join("; "))]
    InvalidVocabulary { problems: Vec<String> },
    #[error("unknown place `{0}`")]
    UnknownPlace(String),
}

fn join_issues(issues: &[FlowIssue]) -> String {
    issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

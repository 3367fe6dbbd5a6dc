//! Typed errors. Every variant names the file it concerns and, where there is one, the place inside
//! it: a JSON path in serde_path_to_error notation (`profile.imports[0].href`), a line/column, or an
//! XPath-like location for XML (`/catalog/group[2]/control[5]`).
//!
//! XML content that is well-formed but does not fit the model (a control without a title …) is
//! located both ways: the XPath-like location and the JSON path of the mapped document.
//! Resolution errors (an unknown control in an alter …) are located by JSON path whatever the
//! profile's format, because that is the model the checks run on; OSCAL's JSON and XML models
//! name their fields alike (`profile.imports[0].href` is `/profile/import[1]/@href`).

use std::path::PathBuf;

/// Everything that can go wrong reading, resolving or writing OSCAL.
#[derive(Debug, thiserror::Error)]
pub enum OscalError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// JSON syntax error or JSON that does not fit the OSCAL model.
    #[error("{}: JSON at {json_path} (line {line}, column {column}): {message}", file.display())]
    Json {
        file: PathBuf,
        json_path: String,
        line: usize,
        column: usize,
        message: String,
    },

    /// YAML syntax error or YAML that does not fit the OSCAL model.
    #[error("{}: YAML at {json_path}{}: {message}", file.display(), yaml_position(*line, *column))]
    Yaml {
        file: PathBuf,
        json_path: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },

    /// Malformed XML (not well-formed, or an element the OSCAL mapping cannot place).
    #[error("{}: XML at {xpath} (line {line}, column {column}): {message}", file.display())]
    Xml {
        file: PathBuf,
        xpath: String,
        line: usize,
        column: usize,
        message: String,
    },

    /// Well-formed XML whose content, mapped to the OSCAL JSON shape, does not fit the model.
    #[error("{}: XML content at {xpath} (JSON path {json_path}): {message}", file.display())]
    XmlModel {
        file: PathBuf,
        /// Where in the XML, e.g. `/catalog/group[1]/control[2]`.
        xpath: String,
        /// The same place in the OSCAL JSON shape, e.g. `catalog.groups[0].controls[1]`.
        json_path: String,
        message: String,
    },

    /// The file's format could not be told from its extension or first bytes.
    #[error("{}: not an OSCAL JSON, XML or YAML document", file.display())]
    UnknownFormat { file: PathBuf },

    /// The document has a root other than the one asked for (e.g. a POA&M where a catalog is needed).
    #[error("{}: expected an OSCAL {expected}, found root `{found}`", file.display())]
    WrongDocumentType {
        file: PathBuf,
        expected: &'static str,
        found: String,
    },

    /// An import `href` names a file that does not exist (in any OSCAL format).
    #[error("{}: {json_path}: import `{href}` not found (looked for {})", file.display(), tried_list(tried))]
    ImportNotFound {
        file: PathBuf,
        json_path: String,
        href: String,
        tried: Vec<PathBuf>,
    },

    /// An `href` of the form `#uuid` names no back-matter resource, or the resource has no usable link.
    #[error("{}: {json_path}: {message} (`{href}`)", file.display())]
    BadResourceReference {
        file: PathBuf,
        json_path: String,
        href: String,
        message: String,
    },

    /// An `href` this resolver cannot follow (remote URL: resolution never touches the network).
    #[error("{}: {json_path}: cannot follow import `{href}`: {reason}", file.display())]
    UnsupportedHref {
        file: PathBuf,
        json_path: String,
        href: String,
        reason: String,
    },

    /// Profiles importing each other in a circle.
    #[error("import cycle: {}", cycle_list(chain))]
    ImportCycle { chain: Vec<PathBuf> },

    /// A `with-id` in include-controls / exclude-controls names a control the import does not have.
    #[error("{}: {json_path}: control `{control_id}` does not exist in imported `{}`", file.display(), source_file.display())]
    UnknownControl {
        file: PathBuf,
        json_path: String,
        control_id: String,
        source_file: PathBuf,
    },

    /// An `alter` names a control that is not in the resolved catalog.
    #[error("{}: {json_path}: alter targets control `{control_id}`, which is not in the resolved catalog", file.display())]
    UnknownAlterControl {
        file: PathBuf,
        json_path: String,
        control_id: String,
    },

    /// An `add` with `by-id` names no element inside the altered control.
    #[error("{}: {json_path}: add by-id `{by_id}` matches nothing in control `{control_id}`", file.display())]
    UnknownAddTarget {
        file: PathBuf,
        json_path: String,
        control_id: String,
        by_id: String,
    },

    /// A `set-parameter` names a parameter that is not in the resolved catalog.
    #[error("{}: {json_path}: set-parameter targets `{param_id}`, which is not in the resolved catalog", file.display())]
    UnknownParameter {
        file: PathBuf,
        json_path: String,
        param_id: String,
    },

    /// Plain data given to a builder that OSCAL would reject (e.g. a date without a time zone).
    #[error("{json_path}: `{value}` is not {expected}")]
    InvalidValue {
        json_path: String,
        value: String,
        expected: &'static str,
    },

    /// Serialising a document failed (should not happen for the model types).
    #[error("writing OSCAL JSON: {0}")]
    Serialize(#[from] serde_json::Error),
}

/// Result alias for this crate.
pub type Result<T, E = OscalError> = std::result::Result<T, E>;

fn yaml_position(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        _ => String::new(),
    }
}

fn tried_list(tried: &[PathBuf]) -> String {
    tried
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn cycle_list(chain: &[PathBuf]) -> String {
    chain
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" -> ")
}

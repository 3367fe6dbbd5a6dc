//! Reading and writing whole OSCAL documents in JSON, XML and YAML.
//!
//! A document is an envelope with one root key (`{"catalog": {...}}`; XML: the root element).
//! The format is taken from the file extension, else sniffed from the first non-blank byte
//! (`<` XML, `{` JSON, anything else YAML). Errors carry the file and the JSON path of the field
//! that failed (serde_path_to_error), plus line/column where the parser knows it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::error::{OscalError, Result};
use crate::model::{AssessmentResults, Catalog, PlanOfActionAndMilestones, Profile};

/// The concrete syntax of an OSCAL file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
    Yaml,
}

impl Format {
    /// From the file extension (`.json`, `.xml`, `.yaml`/`.yml`).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "xml" => Some(Format::Xml),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }

    /// From the content: `<` means XML, `{` JSON, other text YAML.
    pub fn sniff(text: &str) -> Option<Format> {
        let first = text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .chars()
            .next()?;
        Some(match first {
            '<' => Format::Xml,
            '{' => Format::Json,
            _ => Format::Yaml,
        })
    }

    /// File extensions of this format, most common first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Json => &["json"],
            Format::Xml => &["xml"],
            Format::Yaml => &["yaml", "yml"],
        }
    }
}

/// Any OSCAL document this crate reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    Catalog(Catalog),
    Profile(Profile),
    AssessmentResults(AssessmentResults),
    PlanOfActionAndMilestones(PlanOfActionAndMilestones),
    /// Another OSCAL model (SSP, component definition, assessment plan …), kept verbatim.
    Other {
        root: String,
        content: serde_json::Value,
    },
}

impl Document {
    /// The OSCAL root name (`catalog`, `profile`, `assessment-results`, …).
    pub fn root_name(&self) -> &str {
        match self {
            Document::Catalog(_) => "catalog",
            Document::Profile(_) => "profile",
            Document::AssessmentResults(_) => "assessment-results",
            Document::PlanOfActionAndMilestones(_) => "plan-of-action-and-milestones",
            Document::Other { root, .. } => root,
        }
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct EnvelopeVisitor;
        impl<'de> Visitor<'de> for EnvelopeVisitor {
            type Value = Document;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an OSCAL document: an object with one root such as `catalog`")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Document, A::Error> {
                let mut found: Option<Document> = None;
                while let Some(key) = map.next_key::<String>()? {
                    let document = match key.as_str() {
                        "catalog" => Document::Catalog(map.next_value()?),
                        "profile" => Document::Profile(map.next_value()?),
                        "assessment-results" => Document::AssessmentResults(map.next_value()?),
                        "plan-of-action-and-milestones" => {
                            Document::PlanOfActionAndMilestones(map.next_value()?)
                        }
                        // `$schema` and similar annotations are not content.
                        k if k.starts_with('$') => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                        _ => Document::Other {
                            content: map.next_value()?,
                            root: key,
                        },
                    };
                    if found.is_some() {
                        return Err(de::Error::custom("more than one OSCAL root"));
                    }
                    found = Some(document);
                }
                found.ok_or_else(|| de::Error::custom("no OSCAL root element"))
            }
        }
        deserializer.deserialize_map(EnvelopeVisitor)
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Document::Catalog(c) => map.serialize_entry("catalog", c)?,
            Document::Profile(p) => map.serialize_entry("profile", p)?,
            Document::AssessmentResults(a) => map.serialize_entry("assessment-results", a)?,
            Document::PlanOfActionAndMilestones(p) => {
                map.serialize_entry("plan-of-action-and-milestones", p)?
            }
            Document::Other { root, content } => map.serialize_entry(root, content)?,
        }
        map.end()
    }
}

/// Reads any OSCAL document from a file (format from extension, else sniffed).
pub fn read_document(path: &Path) -> Result<Document> {
    let bytes = std::fs::read(path).map_err(|source| OscalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| OscalError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })?;
    let format = Format::from_path(path)
        .or_else(|| Format::sniff(&text))
        .ok_or_else(|| OscalError::UnknownFormat {
            file: path.to_path_buf(),
        })?;
    parse_document(&text, format, path)
}

/// Parses an OSCAL document from text; `file` is only used to name the source in errors.
pub fn parse_document(text: &str, format: Format, file: &Path) -> Result<Document> {
    match format {
        Format::Json => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let document: Document = serde_path_to_error::deserialize(&mut deserializer)
                .map_err(|e| json_error(file, e))?;
            // Trailing garbage after the document is malformed JSON too.
            deserializer.end().map_err(|e| OscalError::Json {
                file: file.to_path_buf(),
                json_path: ".".to_string(),
                line: e.line(),
                column: e.column(),
                message: without_position(e.to_string()),
            })?;
            Ok(document)
        }
        Format::Yaml => {
            let deserializer = serde_yaml_ng::Deserializer::from_str(text);
            serde_path_to_error::deserialize(deserializer).map_err(|e| {
                let json_path = e.path().to_string();
                let inner = e.into_inner();
                let location = inner.location();
                // serde_yaml_ng repeats the path and position in its message; they are fields here.
                let mut message = without_position(inner.to_string());
                if let Some(rest) = message.strip_prefix(&format!("{json_path}: ")) {
                    message = rest.to_string();
                }
                OscalError::Yaml {
                    file: file.to_path_buf(),
                    json_path,
                    line: location.as_ref().map(|l| l.line()),
                    column: location.as_ref().map(|l| l.column()),
                    message,
                }
            })
        }
        Format::Xml => {
            let value = crate::xml::xml_to_json_value(text, file)?;
            serde_path_to_error::deserialize(value).map_err(|e| {
                let json_path = e.path().to_string();
                OscalError::XmlModel {
                    file: file.to_path_buf(),
                    xpath: crate::xml::json_path_to_xpath(&json_path),
                    json_path,
                    message: e.into_inner().to_string(),
                }
            })
        }
    }
}

fn json_error(file: &Path, e: serde_path_to_error::Error<serde_json::Error>) -> OscalError {
    let json_path = e.path().to_string();
    let inner = e.into_inner();
    OscalError::Json {
        file: file.to_path_buf(),
        json_path,
        line: inner.line(),
        column: inner.column(),
        message: without_position(inner.to_string()),
    }
}

/// serde_json appends " at line L column C"; the error carries line and column separately.
fn without_position(mut message: String) -> String {
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    message
}

fn wrong_type(file: &Path, expected: &'static str, found: &Document) -> OscalError {
    OscalError::WrongDocumentType {
        file: file.to_path_buf(),
        expected,
        found: found.root_name().to_string(),
    }
}

/// Reads a catalog (JSON, XML or YAML).
pub fn read_catalog(path: &Path) -> Result<Catalog> {
    match read_document(path)? {
        Document::Catalog(c) => Ok(c),
        other => Err(wrong_type(path, "catalog", &other)),
    }
}

/// Reads a profile (JSON, XML or YAML).
pub fn read_profile(path: &Path) -> Result<Profile> {
    match read_document(path)? {
        Document::Profile(p) => Ok(p),
        other => Err(wrong_type(path, "profile", &other)),
    }
}

/// Reads an assessment-results document.
pub fn read_assessment_results(path: &Path) -> Result<AssessmentResults> {
    match read_document(path)? {
        Document::AssessmentResults(a) => Ok(a),
        other => Err(wrong_type(path, "assessment-results", &other)),
    }
}

/// Reads a plan of action and milestones.
pub fn read_poam(path: &Path) -> Result<PlanOfActionAndMilestones> {
    match read_document(path)? {
        Document::PlanOfActionAndMilestones(p) => Ok(p),
        other => Err(wrong_type(path, "plan-of-action-and-milestones", &other)),
    }
}

/// OSCAL JSON text of a document (pretty-printed, two-space indent like NIST's content).
pub fn to_json_string(document: &Document) -> Result<String> {
    Ok(serde_json::to_string_pretty(document)?)
}

/// Writes a document as OSCAL JSON.
pub fn write_json(document: &Document, path: &Path) -> Result<()> {
    let text = to_json_string(document)?;
    std::fs::write(path, text).map_err(|source| OscalError::Io {
        path: PathBuf::from(path),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_syntax_errors_have_a_position() {
        let yaml = "catalog:\n  uuid: \"unterminated\n  metadata: {";
        match parse_document(yaml, Format::Yaml, Path::new("c.yaml")) {
            Err(OscalError::Yaml { line, column, .. }) => {
                assert!(line.is_some() && column.is_some());
            }
            other => panic!("expected a YAML error, got {other:?}"),
        }
    }

    #[test]
    fn yaml_plain_scalars_read_as_strings() {
        // Hand-written YAML often leaves versions and dates unquoted.
        let yaml = "catalog:\n  uuid: u\n  metadata:\n    title: T\n    last-modified: 2026-01-01T00:00:00Z\n    version: 1.0\n    oscal-version: 1.1.2\n";
        match parse_document(yaml, Format::Yaml, Path::new("c.yaml")) {
            Ok(Document::Catalog(c)) => assert_eq!(c.metadata.version, "1.0"),
            other => panic!("{other:?}"),
        }
    }
}

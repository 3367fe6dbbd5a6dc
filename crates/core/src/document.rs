//! The exchange format of a whole value-chain model, in YAML or JSON.
//!
//! ```yaml
//! format: sanso.value-chain/v1
//! nodes:
//!   - key: buyer            # any text unique in the document; connections refer to it
//!     kind: organization
//!     name: Buyer Ltd.
//!     category: buyer
//!   - key: plc
//!     kind: component
//!     name: Line PLC
//!     critical: true
//! connections:
//!   - from: buyer
//!     to: plc
//!     layer: L2
//!     kind: operates
//! ```
//!
//! An export uses node ids as keys, so importing an export into the same workspace updates those nodes
//! rather than duplicating them. Parsing checks the whole document and returns every problem at once,
//! each named by its path, so nothing is stored from a document with any fault.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{
    ComponentKind, Connection, ConnectionInput, ConnectionKind, FieldError, Layer, Node, NodeInput,
};

pub const FORMAT_V1: &str = "sanso.value-chain/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelDocument {
    pub format: String,
    #[serde(default)]
    pub nodes: Vec<DocumentNode>,
    #[serde(default)]
    pub connections: Vec<DocumentConnection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentNode {
    pub key: String,
    pub kind: ComponentKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub critical: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub exposed: bool,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentConnection {
    pub from: String,
    pub to: String,
    pub layer: Layer,
    pub kind: ConnectionKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Why a document could not be read. Every variant names where the fault is.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    #[error("{} problem(s): {}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
}

impl DocumentError {
    /// The individual faults, each with its path.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            DocumentError::Syntax { path, message } => {
                vec![FieldError::new(path.clone(), message.clone())]
            }
            DocumentError::Invalid(errors) => errors.clone(),
        }
    }
}

/// A document that passed every check: nodes as inputs with their keys, connections by key.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedDocument {
    pub nodes: Vec<(String, NodeInput)>,
    /// (from key, to key, input with empty ids).
    pub connections: Vec<(String, String, ConnectionInput)>,
}

fn path_of<T>(err: &serde_path_to_error::Error<T>) -> String {
    let p = err.path().to_string();
    if p == "." {
        "(document)".to_string()
    } else {
        p
    }
}

impl ModelDocument {
    pub fn from_json(text: &str) -> Result<Self, DocumentError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| DocumentError::Syntax {
            path: path_of(&e),
            message: e.inner().to_string(),
        })
    }

    pub fn from_yaml(text: &str) -> Result<Self, DocumentError> {
        let de = serde_yaml_ng::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = path_of(&e);
            // The YAML parser already prefixes its message with the path; say it once.
            let message = e.inner().to_string();
            let message = message
                .strip_prefix(&format!("{path}: "))
                .map(str::to_string)
                .unwrap_or(message);
            DocumentError::Syntax { path, message }
        })
    }

    /// Reads YAML or JSON (JSON is YAML, but JSON errors read better from the JSON parser).
    pub fn parse(text: &str) -> Result<Self, DocumentError> {
        if text.trim_start().starts_with('{') {
            Self::from_json(text)
        } else {
            Self::from_yaml(text)
        }
    }

    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(self).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The document for a stored model, nodes keyed by their ids, in a stable order.
    pub fn from_model(nodes: &[Node], connections: &[Connection]) -> Self {
        ModelDocument {
            format: FORMAT_V1.to_string(),
            nodes: nodes
                .iter()
                .map(|n| DocumentNode {
                    key: n.id.clone(),
                    kind: n.kind,
                    name: n.name.clone(),
                    description: n.description.clone(),
                    category: n.category.clone(),
                    layer: n.layer,
                    critical: n.critical,
                    exposed: n.exposed,
                    attributes: n.attributes.clone(),
                })
                .collect(),
            connections: connections
                .iter()
                .map(|c| DocumentConnection {
                    from: c.source_id.clone(),
                    to: c.target_id.clone(),
                    layer: c.layer,
                    kind: c.kind,
                    label: c.label.clone(),
                    attributes: c.attributes.clone(),
                })
                .collect(),
        }
    }

    /// Checks the whole document and returns every fault at once.
    pub fn validate(self) -> Result<ValidatedDocument, DocumentError> {
        let mut errors = Vec::new();
        if self.format != FORMAT_V1 {
            errors.push(FieldError::new(
                "format",
                format!("expected \"{FORMAT_V1}\""),
            ));
        }
        let mut keys = HashSet::new();
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for (i, n) in self.nodes.into_iter().enumerate() {
            let prefix = format!("nodes[{i}].");
            if n.key.trim().is_empty() {
                errors.push(FieldError::new(format!("{prefix}key"), "must not be empty"));
            } else if !keys.insert(n.key.clone()) {
                errors.push(FieldError::new(
                    format!("{prefix}key"),
                    format!("duplicate key \"{}\"", n.key),
                ));
            }
            let input = NodeInput {
                kind: n.kind,
                name: n.name,
                description: n.description,
                category: n.category,
                layer: n.layer,
                critical: n.critical,
                exposed: n.exposed,
                attributes: n.attributes,
            };
            errors.extend(input.validate(&prefix));
            nodes.push((n.key, input));
        }
        let mut connections = Vec::with_capacity(self.connections.len());
        for (i, c) in self.connections.into_iter().enumerate() {
            let prefix = format!("connections[{i}].");
            for (field, key) in [("from", &c.from), ("to", &c.to)] {
                if !keys.contains(key) {
                    errors.push(FieldError::new(
                        format!("{prefix}{field}"),
                        format!("no node has key \"{key}\""),
                    ));
                }
            }
            if c.from == c.to {
                errors.push(FieldError::new(
                    format!("{prefix}to"),
                    "a connection must join two different nodes",
                ));
            }
            let input = ConnectionInput {
                source_id: String::new(),
                target_id: String::new(),
                layer: c.layer,
                kind: c.kind,
                label: c.label,
                attributes: c.attributes,
            };
            errors.extend(
                input
                    .validate(&prefix)
                    .into_iter()
                    .filter(|e| !e.field.ends_with("target_id")),
            );
            connections.push((c.from, c.to, input));
        }
        if errors.is_empty() {
            Ok(ValidatedDocument { nodes, connections })
        } else {
            Err(DocumentError::Invalid(errors))
        }
    }
}

/// Counts of a model by kind and layer, for summaries.
pub fn summarize(nodes: &[Node], connections: &[Connection]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for n in nodes {
        *out.entry(format!("node:{}", n.kind.as_str())).or_insert(0) += 1;
    }
    for c in connections {
        *out.entry(format!("connection:{}", c.layer.as_str()))
            .or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
format: sanso.value-chain/v1
nodes:
  - key: buyer
    kind: organization
    name: Buyer
  - key: plc
    kind: component
    name: PLC
    critical: true
connections:
  - from: buyer
    to: plc
    layer: L2
    kind: operates
"#;

    #[test]
    fn reads_yaml_and_validates() {
        let doc = ModelDocument::parse(SAMPLE).unwrap().validate().unwrap();
        assert_eq!(doc.nodes.len(), 2);
        assert_eq!(doc.connections[0].0, "buyer");
        assert!(doc.nodes[1].1.critical);
    }

    #[test]
    fn syntax_errors_name_the_path() {
        let bad = SAMPLE.replace("layer: L2", "layer: L9");
        let err = ModelDocument::parse(&bad).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("connections[0].layer: unknown variant `L9`"),
            "{err}"
        );
        let err = ModelDocument::parse(r#"{"format":"sanso.value-chain/v1","nodes":[{"key":1}]}"#)
            .unwrap_err();
        assert!(err.to_string().starts_with("nodes[0].key:"), "{err}");
    }

    #[test]
    fn all_faults_are_reported_together() {
        let bad = SAMPLE
            .replace("to: plc", "to: nowhere")
            .replace("key: plc", "key: buyer");
        let err = ModelDocument::parse(&bad).unwrap().validate().unwrap_err();
        let fields: Vec<_> = err.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["nodes[1].key", "connections[0].to"]);
    }

    #[test]
    fn json_and_yaml_round_trip() {
        let doc = ModelDocument::parse(SAMPLE).unwrap();
        assert_eq!(ModelDocument::parse(&doc.to_json()).unwrap(), doc);
        assert_eq!(ModelDocument::parse(&doc.to_yaml()).unwrap(), doc);
    }
}

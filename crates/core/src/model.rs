//! The CPSF value-creation model.
//!
//! CPSF describes a value-creation process with six kinds of component (organisation, people, component,
//! data, procedure, system) connected on three layers: L1 between organisations (trust of management),
//! L2 between physical and cyber space (accuracy of transcription: sensors, actuators, IoT), and L3 inside
//! cyberspace (trust of data). A [`Node`] is one component; a [`Connection`] joins two nodes on one layer.
//!
//! Nodes carry two flags the supply-chain analytics need (`critical` assets the buyer protects, `exposed`
//! entry points) and a free `attributes` map so later capabilities can hang data on a node without a
//! schema change; typed tables in the store reference nodes by id for everything that needs queries.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The six component kinds of CPSF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    Organization,
    Person,
    Component,
    Data,
    Procedure,
    System,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 6] = [
        ComponentKind::Organization,
        ComponentKind::Person,
        ComponentKind::Component,
        ComponentKind::Data,
        ComponentKind::Procedure,
        ComponentKind::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Organization => "organization",
            ComponentKind::Person => "person",
            ComponentKind::Component => "component",
            ComponentKind::Data => "data",
            ComponentKind::Procedure => "procedure",
            ComponentKind::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The layer whose band a node of this kind is drawn in unless the node says otherwise:
    /// organisations, people and procedures meet on L1; physical components on L2; data and systems on L3.
    pub fn default_layer(self) -> Layer {
        match self {
            ComponentKind::Organization | ComponentKind::Person | ComponentKind::Procedure => {
                Layer::L1
            }
            ComponentKind::Component => Layer::L2,
            ComponentKind::Data | ComponentKind::System => Layer::L3,
        }
    }
}

/// The three layers of CPSF.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub enum Layer {
    L1,
    L2,
    L3,
}

impl Layer {
    pub const ALL: [Layer; 3] = [Layer::L1, Layer::L2, Layer::L3];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::L1 => "L1",
            Layer::L2 => "L2",
            Layer::L3 => "L3",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// What a connection means. The supply-chain analytics give each kind its own propagation factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionKind {
    /// Source supplies parts, software or services to target.
    Supplies,
    /// Source operates or maintains target.
    Operates,
    /// Source contains target (a product contains a part, a system contains a device).
    Contains,
    /// Data moves from source to target.
    TransfersData,
    /// Source has network, remote or physical access to target.
    Accesses,
    /// Source (a sensor) transcribes the physical world into target.
    Senses,
    /// Source (a controller) acts on the physical world through target.
    Actuates,
    /// Source owns or is responsible for target.
    Owns,
    /// Source uses target.
    Uses,
    /// Any other relation; say what in the label.
    Other,
}

impl ConnectionKind {
    pub const ALL: [ConnectionKind; 10] = [
        ConnectionKind::Supplies,
        ConnectionKind::Operates,
        ConnectionKind::Contains,
        ConnectionKind::TransfersData,
        ConnectionKind::Accesses,
        ConnectionKind::Senses,
        ConnectionKind::Actuates,
        ConnectionKind::Owns,
        ConnectionKind::Uses,
        ConnectionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionKind::Supplies => "supplies",
            ConnectionKind::Operates => "operates",
            ConnectionKind::Contains => "contains",
            ConnectionKind::TransfersData => "transfers_data",
            ConnectionKind::Accesses => "accesses",
            ConnectionKind::Senses => "senses",
            ConnectionKind::Actuates => "actuates",
            ConnectionKind::Owns => "owns",
            ConnectionKind::Uses => "uses",
            ConnectionKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One component of the value-creation process, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Node {
    pub id: String,
    pub workspace_id: String,
    pub kind: ComponentKind,
    pub name: String,
    pub description: String,
    /// Free classification inside the kind, e.g. "buyer", "supplier", "IoT device", "sensor".
    pub category: String,
    /// The band the diagram draws the node in; `None` means the kind's default layer.
    pub layer: Option<Layer>,
    /// An asset the workspace protects (a product, a data set, a system).
    pub critical: bool,
    /// An entry point an attacker may use (an internet-facing system, a remote-access path).
    pub exposed: bool,
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

impl Node {
    pub fn band(&self) -> Layer {
        self.layer.unwrap_or_else(|| self.kind.default_layer())
    }
}

/// One connection between two nodes of the same workspace, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Connection {
    pub id: String,
    pub workspace_id: String,
    pub source_id: String,
    pub target_id: String,
    pub layer: Layer,
    pub kind: ConnectionKind,
    pub label: String,
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
}

/// What a client sends to create or replace a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeInput {
    pub kind: ComponentKind,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub layer: Option<Layer>,
    #[serde(default)]
    pub critical: bool,
    #[serde(default)]
    pub exposed: bool,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
}

/// What a client sends to create or replace a connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionInput {
    pub source_id: String,
    pub target_id: String,
    pub layer: Layer,
    pub kind: ConnectionKind,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
}

/// A problem with one field of an input, named by its path (`name`, `connections[2].to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

pub const MAX_NAME_LEN: usize = 200;
pub const MAX_TEXT_LEN: usize = 10_000;
pub const MAX_CATEGORY_LEN: usize = 64;

fn check_text(errors: &mut Vec<FieldError>, prefix: &str, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.push(FieldError::new(
            format!("{prefix}{field}"),
            format!("is longer than {max} characters"),
        ));
    }
}

impl NodeInput {
    /// Checks the values serde cannot: lengths, blank names. `prefix` is prepended to field names
    /// (e.g. `nodes[3].`) so errors in a document point at the right row.
    pub fn validate(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(FieldError::new(
                format!("{prefix}name"),
                "must not be empty",
            ));
        }
        check_text(&mut errors, prefix, "name", &self.name, MAX_NAME_LEN);
        check_text(
            &mut errors,
            prefix,
            "description",
            &self.description,
            MAX_TEXT_LEN,
        );
        check_text(
            &mut errors,
            prefix,
            "category",
            &self.category,
            MAX_CATEGORY_LEN,
        );
        errors
    }
}

impl ConnectionInput {
    /// Checks what serde cannot; whether both ends exist in the workspace is the store's check.
    pub fn validate(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.source_id == self.target_id {
            errors.push(FieldError::new(
                format!("{prefix}target_id"),
                "a connection must join two different nodes",
            ));
        }
        check_text(&mut errors, prefix, "label", &self.label, MAX_NAME_LEN);
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_their_text_form() {
        for k in ComponentKind::ALL {
            assert_eq!(ComponentKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                Value::String(k.as_str().into())
            );
        }
        for k in ConnectionKind::ALL {
            assert_eq!(ConnectionKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                Value::String(k.as_str().into())
            );
        }
        for l in Layer::ALL {
            assert_eq!(Layer::parse(l.as_str()), Some(l));
            assert_eq!(
                serde_json::to_value(l).unwrap(),
                Value::String(l.as_str().into())
            );
        }
    }

    #[test]
    fn unknown_fields_and_values_are_refused() {
        let err = serde_json::from_str::<NodeInput>(r#"{"kind":"robot","name":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `robot`"), "{err}");
        let err = serde_json::from_str::<NodeInput>(r#"{"kind":"data","name":"x","colour":1}"#)
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn validation_names_fields_with_prefix() {
        let input = NodeInput {
            kind: ComponentKind::Data,
            name: "  ".into(),
            description: String::new(),
            category: "x".repeat(65),
            layer: None,
            critical: false,
            exposed: false,
            attributes: Map::new(),
        };
        let fields: Vec<_> = input
            .validate("nodes[1].")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["nodes[1].name", "nodes[1].category"]);
    }
}

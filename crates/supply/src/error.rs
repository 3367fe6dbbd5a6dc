//! Typed errors of the crate. Every variant names the node, edge or document location at fault.

use thiserror::Error;

/// Everything that can go wrong while building or analysing a supply-chain graph.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SupplyError {
    /// Two nodes were given the same external id.
    #[error(
        "duplicate node id {id:?} (first at node index {first}, again at node index {second})"
    )]
    DuplicateNode { id: String, first: u32, second: u32 },

    /// An edge or a change refers to an external id no node carries.
    #[error("{context}: unknown node id {id:?}")]
    UnknownNode { id: String, context: String },

    /// A node or edge index is past the end of the graph.
    #[error("{context}: index {index} is out of range (graph has {len})")]
    IndexOutOfRange {
        index: u32,
        len: usize,
        context: String,
    },

    /// A probability-valued attribute is outside [0, 1] or not a number.
    #[error("{context}: {field} = {value} is not a probability in [0, 1]")]
    NotAProbability {
        field: &'static str,
        value: f64,
        context: String,
    },

    /// A critical asset's value is not a positive finite number.
    #[error("{context}: value = {value} must be a positive finite number")]
    InvalidValue { value: f64, context: String },

    /// A trust-score input is outside its allowed range.
    #[error("trust input {field} = {value} is out of range: {expected}")]
    TrustInput {
        field: &'static str,
        value: f64,
        expected: &'static str,
    },

    /// The graph holds more nodes or edges than u32 indices address.
    #[error("graph too large: {what} count {count} exceeds the u32 index space")]
    TooLarge { what: &'static str, count: usize },

    /// A supplier is its own direct or indirect supplier.
    #[error("supplier cycle: {}", cycle.join(" → "))]
    SupplyCycle {
        /// External ids along the cycle; the first id is repeated at the end.
        cycle: Vec<String>,
    },

    /// Tier computation needs at least one node flagged as buyer.
    #[error("no buyer node: flag the organisation that buys (発注元) with `buyer`")]
    NoBuyer,

    /// The SVG diagram is meant for small chains only.
    #[error("diagram limited to {limit} nodes, graph has {nodes}")]
    DiagramTooLarge { nodes: usize, limit: usize },

    /// A JSON graph document could not be read.
    #[error("graph document at {path}: {message}")]
    Document { path: String, message: String },
}

/// Result alias used throughout the crate.
pub type Result<T, E = SupplyError> = std::result::Result<T, E>;

pub(crate) fn check_probability(
    field: &'static str,
    value: f64,
    context: impl FnOnce() -> String,
) -> Result<f64> {
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(SupplyError::NotAProbability {
            field,
            value,
            context: context(),
        })
    }
}

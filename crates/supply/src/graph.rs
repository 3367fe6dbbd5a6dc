//! The supply-chain graph: compact CSR adjacency over `u32` node indices.
//!
//! # Model
//! Nodes are the elements of the CPSF value-creation model that a chain is made of: organisations
//! (the buyer and its suppliers, every tier), systems, data sets, components (products, parts, IoT
//! devices) and operations (business processes, production lines). Each node carries
//! * `protection` ∈ [0, 1]: the probability that an attack arriving at the node is stopped there.
//!   For suppliers it comes from [`crate::trust`]; for assets it is whatever the buyer's own
//!   assessment says.
//! * `entry_likelihood` ∈ [0, 1]: how likely an attacker tries to enter here (default 1).
//! * flags: `critical` (an asset the buyer cares about), `exposed` (an entry point), `buyer`.
//!   Every organisation that is not a buyer is a supplier and so an entry point as well.
//! * `value` > 0: weight of a critical asset in total exposure (default 1).
//!
//! Edges are directed **from the upstream side to the side that depends on it**: `A supplies B`,
//! `org operates system`, `part contained in product` (part → product), `data transferred from A to
//! B`, `A accesses B` (A can reach into B). Compromise and outage travel along edge direction.
//! Each edge has a [`EdgeKind`], a CPSF layer and a `propagation` ∈ [0, 1]: the probability that
//! compromise of the upstream side spreads across the connection. Defaults per kind live in
//! [`PropagationTable`] as data and can be overridden per table or per edge.
//!
//! # Layout
//! Node attributes are stored column-wise (one `Vec` per attribute), names in one string pool,
//! and adjacency twice in CSR form (outgoing and incoming edge ids sorted by node), so a graph of
//! 200,000 nodes and 1,000,000 edges needs a few tens of megabytes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{check_probability, Result, SupplyError};

/// Index of a node in a [`SupplyGraph`].
pub type NodeIdx = u32;
/// Index of an edge in a [`SupplyGraph`].
pub type EdgeIdx = u32;
/// Marker for "no node / no edge".
pub const NONE: u32 = u32::MAX;

/// What a node is, following the CPSF components that make up a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A company: the buyer or a supplier of any tier.
    Organization,
    /// An IT or OT system.
    System,
    /// A data set.
    Data,
    /// Hardware, software, a part, a product or an IoT device.
    Component,
    /// A business operation or production line.
    Operation,
}

impl NodeKind {
    /// Lower-case name used in reports and diagrams.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Organization => "organization",
            NodeKind::System => "system",
            NodeKind::Data => "data",
            NodeKind::Component => "component",
            NodeKind::Operation => "operation",
        }
    }
}

/// CPSF layer of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Layer {
    /// Connections between organisations (trust of management).
    L1,
    /// Connections between physical and cyber space (sensors, actuators, IoT).
    L2,
    /// Connections in cyber space (trust of data).
    L3,
}

/// Kind of connection. Direction is always upstream → dependent (see module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Supplier delivers goods or services to a customer.
    Supplies,
    /// An organisation runs a system or operation.
    Operates,
    /// An organisation maintains a system or device (often with remote maintenance access).
    Maintains,
    /// A part or software is contained in a product (part → product).
    Contains,
    /// A system hosts data or software (system → hosted item).
    Hosts,
    /// Data flows from one place to another.
    TransfersData,
    /// Network or remote access from one side into the other.
    Accesses,
    /// A sensor feeds a system (physical → cyber).
    Senses,
    /// A system drives an actuator (cyber → physical).
    Actuates,
}

impl EdgeKind {
    /// Every kind, in declaration order.
    pub const ALL: [EdgeKind; 9] = [
        EdgeKind::Supplies,
        EdgeKind::Operates,
        EdgeKind::Maintains,
        EdgeKind::Contains,
        EdgeKind::Hosts,
        EdgeKind::TransfersData,
        EdgeKind::Accesses,
        EdgeKind::Senses,
        EdgeKind::Actuates,
    ];

    /// Lower-case name used in reports and diagrams.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Supplies => "supplies",
            EdgeKind::Operates => "operates",
            EdgeKind::Maintains => "maintains",
            EdgeKind::Contains => "contains",
            EdgeKind::Hosts => "hosts",
            EdgeKind::TransfersData => "transfers_data",
            EdgeKind::Accesses => "accesses",
            EdgeKind::Senses => "senses",
            EdgeKind::Actuates => "actuates",
        }
    }

    /// Layer used when an edge does not name one.
    pub fn default_layer(self) -> Layer {
        match self {
            EdgeKind::Supplies | EdgeKind::Operates | EdgeKind::Maintains => Layer::L1,
            EdgeKind::Contains | EdgeKind::Senses | EdgeKind::Actuates => Layer::L2,
            EdgeKind::Hosts | EdgeKind::TransfersData | EdgeKind::Accesses => Layer::L3,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Default propagation per edge kind — data, not code; override with [`PropagationTable::set`].
///
/// The figures are ours (no published source gives them): they order connections by how
/// directly they hand an attacker control of the other side. Remote access and maintenance give
/// a foothold directly (0.9, 0.8); running a system (0.7) or driving an actuator (0.6) nearly so;
/// contained parts/software (0.5), transferred data (0.4) and sensor feeds (0.4) need the payload
/// to be used; physical supply of goods is least direct (0.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropagationTable {
    by_kind: [f64; 9],
}

impl Default for PropagationTable {
    fn default() -> Self {
        let mut by_kind = [0.0; 9];
        for kind in EdgeKind::ALL {
            by_kind[kind.index()] = match kind {
                EdgeKind::Supplies => 0.3,
                EdgeKind::Operates => 0.7,
                EdgeKind::Maintains => 0.8,
                EdgeKind::Contains => 0.5,
                EdgeKind::Hosts => 0.7,
                EdgeKind::TransfersData => 0.4,
                EdgeKind::Accesses => 0.9,
                EdgeKind::Senses => 0.4,
                EdgeKind::Actuates => 0.6,
            };
        }
        PropagationTable { by_kind }
    }
}

impl PropagationTable {
    /// Propagation factor of a kind.
    pub fn get(&self, kind: EdgeKind) -> f64 {
        self.by_kind[kind.index()]
    }

    /// Override the factor of a kind.
    pub fn set(&mut self, kind: EdgeKind, propagation: f64) -> Result<()> {
        check_probability("propagation", propagation, || {
            format!("propagation table entry {}", kind.as_str())
        })?;
        self.by_kind[kind.index()] = propagation;
        Ok(())
    }
}

/// Node flag bits.
const FLAG_CRITICAL: u8 = 1;
const FLAG_EXPOSED: u8 = 2;
const FLAG_BUYER: u8 = 4;

/// Description of one node, as given to [`GraphBuilder::add_node`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeSpec {
    /// Stable external id (database id, supplier code …); unique in the graph.
    pub id: String,
    /// Display name; defaults to the id.
    #[serde(default)]
    pub name: Option<String>,
    pub kind: NodeKind,
    /// Probability an attack is stopped at this node.
    #[serde(default)]
    pub protection: f64,
    /// Probability an attacker tries to enter here, if it is an entry point.
    #[serde(default = "one")]
    pub entry_likelihood: f64,
    #[serde(default)]
    pub critical: bool,
    #[serde(default)]
    pub exposed: bool,
    #[serde(default)]
    pub buyer: bool,
    /// Weight of a critical asset in total exposure.
    #[serde(default = "one")]
    pub value: f64,
}

fn one() -> f64 {
    1.0
}

impl NodeSpec {
    /// A node with protection 0, entry likelihood 1, value 1 and no flags.
    pub fn new(id: impl Into<String>, kind: NodeKind) -> Self {
        NodeSpec {
            id: id.into(),
            name: None,
            kind,
            protection: 0.0,
            entry_likelihood: 1.0,
            critical: false,
            exposed: false,
            buyer: false,
            value: 1.0,
        }
    }
    /// Set the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// Set the protection.
    pub fn protection(mut self, p: f64) -> Self {
        self.protection = p;
        self
    }
    /// Set the entry likelihood.
    pub fn entry_likelihood(mut self, p: f64) -> Self {
        self.entry_likelihood = p;
        self
    }
    /// Flag as a critical asset.
    pub fn critical(mut self) -> Self {
        self.critical = true;
        self
    }
    /// Flag as an entry point.
    pub fn exposed(mut self) -> Self {
        self.exposed = true;
        self
    }
    /// Flag as the buyer.
    pub fn buyer(mut self) -> Self {
        self.buyer = true;
        self
    }
    /// Set the asset value.
    pub fn value(mut self, v: f64) -> Self {
        self.value = v;
        self
    }
}

/// Description of one connection, by external node ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeSpec {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// Layer; defaults to [`EdgeKind::default_layer`].
    #[serde(default)]
    pub layer: Option<Layer>,
    /// Propagation override; defaults to the table value of the kind.
    #[serde(default)]
    pub propagation: Option<f64>,
}

/// A whole graph as a JSON document: `{"nodes": [...], "edges": [...]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GraphDocument {
    pub nodes: Vec<NodeSpec>,
    pub edges: Vec<EdgeSpec>,
    /// Per-kind propagation overrides.
    #[serde(default)]
    pub propagation: HashMap<EdgeKind, f64>,
}

/// Collects nodes and edges, validates them and freezes them into a [`SupplyGraph`].
#[derive(Debug, Default)]
pub struct GraphBuilder {
    table: PropagationTable,
    kind: Vec<NodeKind>,
    protection: Vec<f64>,
    entry_likelihood: Vec<f64>,
    value: Vec<f64>,
    flags: Vec<u8>,
    ids: StringPool,
    names: StringPool,
    by_id: HashMap<String, NodeIdx>,
    from: Vec<NodeIdx>,
    to: Vec<NodeIdx>,
    edge_kind: Vec<EdgeKind>,
    layer: Vec<Layer>,
    propagation: Vec<f64>,
}

impl GraphBuilder {
    /// An empty builder using the default [`PropagationTable`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder using the given propagation defaults.
    pub fn with_propagation(table: PropagationTable) -> Self {
        GraphBuilder {
            table,
            ..Self::default()
        }
    }

    /// Reserve room for a known number of nodes and edges.
    pub fn reserve(&mut self, nodes: usize, edges: usize) {
        self.kind.reserve(nodes);
        self.protection.reserve(nodes);
        self.entry_likelihood.reserve(nodes);
        self.value.reserve(nodes);
        self.flags.reserve(nodes);
        self.by_id.reserve(nodes);
        self.from.reserve(edges);
        self.to.reserve(edges);
        self.edge_kind.reserve(edges);
        self.layer.reserve(edges);
        self.propagation.reserve(edges);
    }

    /// Add a node; returns its index.
    pub fn add_node(&mut self, spec: NodeSpec) -> Result<NodeIdx> {
        let index = self.kind.len();
        if index >= NONE as usize {
            return Err(SupplyError::TooLarge {
                what: "node",
                count: index + 1,
            });
        }
        let index = index as NodeIdx;
        let ctx = || format!("node {:?}", spec.id);
        check_probability("protection", spec.protection, ctx)?;
        check_probability("entry_likelihood", spec.entry_likelihood, ctx)?;
        if !(spec.value.is_finite() && spec.value > 0.0) {
            return Err(SupplyError::InvalidValue {
                value: spec.value,
                context: ctx(),
            });
        }
        if self.ids.bytes.len() + spec.id.len() > u32::MAX as usize
            || self.names.bytes.len() + spec.name.as_ref().map_or(0, String::len)
                > u32::MAX as usize
        {
            return Err(SupplyError::TooLarge {
                what: "node id/name byte",
                count: self.ids.bytes.len() + spec.id.len(),
            });
        }
        if let Some(&first) = self.by_id.get(&spec.id) {
            return Err(SupplyError::DuplicateNode {
                id: spec.id,
                first,
                second: index,
            });
        }
        self.kind.push(spec.kind);
        self.protection.push(spec.protection);
        self.entry_likelihood.push(spec.entry_likelihood);
        self.value.push(spec.value);
        let mut flags = 0;
        if spec.critical {
            flags |= FLAG_CRITICAL;
        }
        if spec.exposed {
            flags |= FLAG_EXPOSED;
        }
        if spec.buyer {
            flags |= FLAG_BUYER;
        }
        self.flags.push(flags);
        // Both pools were checked above, before any column was touched, so these cannot fail
        // half-way and leave the builder inconsistent.
        self.ids.push(&spec.id)?;
        self.names.push(spec.name.as_deref().unwrap_or(""))?;
        self.by_id.insert(spec.id, index);
        Ok(index)
    }

    /// Edges added so far.
    pub fn edge_count(&self) -> usize {
        self.from.len()
    }

    /// Index of a node added earlier.
    pub fn node(&self, id: &str) -> Option<NodeIdx> {
        self.by_id.get(id).copied()
    }

    /// Add an edge between node indices with the kind's default layer and propagation.
    pub fn add_edge(&mut self, from: NodeIdx, to: NodeIdx, kind: EdgeKind) -> Result<EdgeIdx> {
        self.add_edge_with(from, to, kind, None, None)
    }

    /// Add an edge between node indices, optionally overriding layer and propagation.
    pub fn add_edge_with(
        &mut self,
        from: NodeIdx,
        to: NodeIdx,
        kind: EdgeKind,
        layer: Option<Layer>,
        propagation: Option<f64>,
    ) -> Result<EdgeIdx> {
        let index = self.from.len();
        if index >= NONE as usize {
            return Err(SupplyError::TooLarge {
                what: "edge",
                count: index + 1,
            });
        }
        let nodes = self.kind.len();
        for endpoint in [from, to] {
            if endpoint as usize >= nodes {
                return Err(SupplyError::IndexOutOfRange {
                    index: endpoint,
                    len: nodes,
                    context: format!("edge {index}"),
                });
            }
        }
        let propagation = match propagation {
            Some(p) => check_probability("propagation", p, || format!("edge {index}"))?,
            None => self.table.get(kind),
        };
        self.from.push(from);
        self.to.push(to);
        self.edge_kind.push(kind);
        self.layer
            .push(layer.unwrap_or_else(|| kind.default_layer()));
        self.propagation.push(propagation);
        Ok(index as EdgeIdx)
    }

    /// Add an edge given by external ids.
    pub fn add_edge_spec(&mut self, spec: &EdgeSpec) -> Result<EdgeIdx> {
        let context = || format!("edge {} -{}-> {}", spec.from, spec.kind.as_str(), spec.to);
        let from = self
            .node(&spec.from)
            .ok_or_else(|| SupplyError::UnknownNode {
                id: spec.from.clone(),
                context: context(),
            })?;
        let to = self
            .node(&spec.to)
            .ok_or_else(|| SupplyError::UnknownNode {
                id: spec.to.clone(),
                context: context(),
            })?;
        self.add_edge_with(from, to, spec.kind, spec.layer, spec.propagation)
    }

    /// Freeze into a graph with CSR adjacency (counting sort, O(V + E)).
    pub fn build(self) -> SupplyGraph {
        let n = self.kind.len();
        let (out_offsets, out_edges) = csr(n, &self.from);
        let (in_offsets, in_edges) = csr(n, &self.to);
        // Neighbours stored next to the edge ids so traversals read memory in order.
        let out_targets = out_edges.iter().map(|&e| self.to[e as usize]).collect();
        SupplyGraph {
            kind: self.kind,
            protection: self.protection,
            entry_likelihood: self.entry_likelihood,
            value: self.value,
            flags: self.flags,
            ids: self.ids,
            names: self.names,
            by_id: self.by_id,
            from: self.from,
            to: self.to,
            edge_kind: self.edge_kind,
            layer: self.layer,
            propagation: self.propagation,
            out_offsets,
            out_edges,
            out_targets,
            in_offsets,
            in_edges,
        }
    }
}

/// Group edge ids by one endpoint: offsets (n + 1) and edge ids, stable in edge order.
fn csr(n: usize, endpoint: &[NodeIdx]) -> (Vec<u32>, Vec<EdgeIdx>) {
    let mut offsets = vec![0u32; n + 1];
    for &v in endpoint {
        offsets[v as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut cursor = offsets.clone();
    let mut edges = vec![0 as EdgeIdx; endpoint.len()];
    for (e, &v) in endpoint.iter().enumerate() {
        let slot = &mut cursor[v as usize];
        edges[*slot as usize] = e as EdgeIdx;
        *slot += 1;
    }
    (offsets, edges)
}

/// Many short strings in one buffer; saves a heap allocation per node.
#[derive(Debug, Default, Clone)]
struct StringPool {
    bytes: String,
    ends: Vec<u32>,
}

impl StringPool {
    /// Offsets are u32 to halve their size; the pool refuses to grow past 4 GiB.
    fn push(&mut self, s: &str) -> Result<()> {
        let end = self.bytes.len() + s.len();
        let end = u32::try_from(end).map_err(|_| SupplyError::TooLarge {
            what: "node id/name byte",
            count: end,
        })?;
        self.bytes.push_str(s);
        self.ends.push(end);
        Ok(())
    }
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }
}

/// An immutable supply-chain graph. Build it with [`GraphBuilder`].
#[derive(Debug, Clone)]
pub struct SupplyGraph {
    kind: Vec<NodeKind>,
    protection: Vec<f64>,
    entry_likelihood: Vec<f64>,
    value: Vec<f64>,
    flags: Vec<u8>,
    ids: StringPool,
    names: StringPool,
    by_id: HashMap<String, NodeIdx>,
    from: Vec<NodeIdx>,
    to: Vec<NodeIdx>,
    edge_kind: Vec<EdgeKind>,
    layer: Vec<Layer>,
    propagation: Vec<f64>,
    out_offsets: Vec<u32>,
    out_edges: Vec<EdgeIdx>,
    /// `to` of each entry of `out_edges`, in the same order.
    out_targets: Vec<NodeIdx>,
    in_offsets: Vec<u32>,
    in_edges: Vec<EdgeIdx>,
}

impl SupplyGraph {
    /// Read a [`GraphDocument`] from JSON; errors name the JSON path (`nodes[3]`, `edges[12]`).
    pub fn from_json(text: &str) -> Result<SupplyGraph> {
        let doc: GraphDocument = serde_json::from_str(text).map_err(|e| SupplyError::Document {
            path: format!("line {}, column {}", e.line(), e.column()),
            message: e.to_string(),
        })?;
        Self::from_document(&doc)
    }

    /// Build from an already parsed document.
    pub fn from_document(doc: &GraphDocument) -> Result<SupplyGraph> {
        let mut table = PropagationTable::default();
        for (&kind, &p) in &doc.propagation {
            table.set(kind, p).map_err(|e| SupplyError::Document {
                path: format!("propagation.{}", kind.as_str()),
                message: e.to_string(),
            })?;
        }
        let mut builder = GraphBuilder::with_propagation(table);
        builder.reserve(doc.nodes.len(), doc.edges.len());
        for (i, node) in doc.nodes.iter().enumerate() {
            builder
                .add_node(node.clone())
                .map_err(|e| SupplyError::Document {
                    path: format!("nodes[{i}]"),
                    message: e.to_string(),
                })?;
        }
        for (i, edge) in doc.edges.iter().enumerate() {
            builder
                .add_edge_spec(edge)
                .map_err(|e| SupplyError::Document {
                    path: format!("edges[{i}]"),
                    message: e.to_string(),
                })?;
        }
        Ok(builder.build())
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.kind.len()
    }
    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.from.len()
    }
    /// Node index of an external id.
    pub fn node(&self, id: &str) -> Option<NodeIdx> {
        self.by_id.get(id).copied()
    }
    /// Node index of an external id, or an error naming it.
    pub fn require_node(&self, id: &str, context: &str) -> Result<NodeIdx> {
        self.node(id).ok_or_else(|| SupplyError::UnknownNode {
            id: id.to_string(),
            context: context.to_string(),
        })
    }
    /// Check that a node index exists.
    pub fn check_node(&self, v: NodeIdx, context: &str) -> Result<()> {
        if (v as usize) < self.node_count() {
            Ok(())
        } else {
            Err(SupplyError::IndexOutOfRange {
                index: v,
                len: self.node_count(),
                context: context.to_string(),
            })
        }
    }
    /// Check that an edge index exists.
    pub fn check_edge(&self, e: EdgeIdx, context: &str) -> Result<()> {
        if (e as usize) < self.edge_count() {
            Ok(())
        } else {
            Err(SupplyError::IndexOutOfRange {
                index: e,
                len: self.edge_count(),
                context: context.to_string(),
            })
        }
    }
    /// External id of a node.
    pub fn id(&self, v: NodeIdx) -> &str {
        self.ids.get(v as usize)
    }
    /// Display name of a node (its id when no name was given).
    pub fn name(&self, v: NodeIdx) -> &str {
        let name = self.names.get(v as usize);
        if name.is_empty() {
            self.id(v)
        } else {
            name
        }
    }
    /// Kind of a node.
    pub fn kind(&self, v: NodeIdx) -> NodeKind {
        self.kind[v as usize]
    }
    /// Protection of a node.
    pub fn protection(&self, v: NodeIdx) -> f64 {
        self.protection[v as usize]
    }
    /// Entry likelihood of a node.
    pub fn entry_likelihood(&self, v: NodeIdx) -> f64 {
        self.entry_likelihood[v as usize]
    }
    /// Value of a node as a critical asset.
    pub fn value(&self, v: NodeIdx) -> f64 {
        self.value[v as usize]
    }
    /// Is the node a critical asset?
    pub fn is_critical(&self, v: NodeIdx) -> bool {
        self.flags[v as usize] & FLAG_CRITICAL != 0
    }
    /// Is the node the buyer (or one of the buyer's organisations)?
    pub fn is_buyer(&self, v: NodeIdx) -> bool {
        self.flags[v as usize] & FLAG_BUYER != 0
    }
    /// Is the node a supplier (an organisation that is not a buyer)?
    pub fn is_supplier(&self, v: NodeIdx) -> bool {
        self.kind(v) == NodeKind::Organization && !self.is_buyer(v)
    }
    /// Is the node an entry point: flagged exposed, or a supplier?
    pub fn is_entry(&self, v: NodeIdx) -> bool {
        self.flags[v as usize] & FLAG_EXPOSED != 0 || self.is_supplier(v)
    }
    /// All critical assets, in index order.
    pub fn critical_nodes(&self) -> Vec<NodeIdx> {
        (0..self.node_count() as NodeIdx)
            .filter(|&v| self.is_critical(v))
            .collect()
    }
    /// Source node of an edge.
    pub fn edge_from(&self, e: EdgeIdx) -> NodeIdx {
        self.from[e as usize]
    }
    /// Target node of an edge.
    pub fn edge_to(&self, e: EdgeIdx) -> NodeIdx {
        self.to[e as usize]
    }
    /// Kind of an edge.
    pub fn edge_kind(&self, e: EdgeIdx) -> EdgeKind {
        self.edge_kind[e as usize]
    }
    /// Layer of an edge.
    pub fn edge_layer(&self, e: EdgeIdx) -> Layer {
        self.layer[e as usize]
    }
    /// Propagation factor of an edge.
    pub fn propagation(&self, e: EdgeIdx) -> f64 {
        self.propagation[e as usize]
    }
    /// Outgoing edge ids of a node.
    pub fn out_edges(&self, v: NodeIdx) -> &[EdgeIdx] {
        let v = v as usize;
        &self.out_edges[self.out_offsets[v] as usize..self.out_offsets[v + 1] as usize]
    }
    /// Outgoing edges of a node as CSR slots: the slot range indexes both
    /// [`Self::slot_edge`] and [`Self::slot_target`].
    pub fn out_slots(&self, v: NodeIdx) -> std::ops::Range<usize> {
        let v = v as usize;
        self.out_offsets[v] as usize..self.out_offsets[v + 1] as usize
    }
    /// Edge id stored in an outgoing CSR slot.
    pub fn slot_edge(&self, slot: usize) -> EdgeIdx {
        self.out_edges[slot]
    }
    /// Target node stored in an outgoing CSR slot.
    pub fn slot_target(&self, slot: usize) -> NodeIdx {
        self.out_targets[slot]
    }
    /// Incoming edge ids of a node.
    pub fn in_edges(&self, v: NodeIdx) -> &[EdgeIdx] {
        let v = v as usize;
        &self.in_edges[self.in_offsets[v] as usize..self.in_offsets[v + 1] as usize]
    }
    /// First edge from `from` to `to`, if any.
    pub fn find_edge(&self, from: NodeIdx, to: NodeIdx) -> Option<EdgeIdx> {
        self.out_edges(from)
            .iter()
            .copied()
            .find(|&e| self.edge_to(e) == to)
    }
    /// A copy with some node protections replaced (used by what-if and by callers that
    /// re-score suppliers).
    pub fn with_protection(&self, changes: &[(NodeIdx, f64)]) -> Result<SupplyGraph> {
        let mut copy = self.clone();
        for &(v, p) in changes {
            self.check_node(v, "protection change")?;
            check_probability("protection", p, || format!("node {:?}", self.id(v)))?;
            copy.protection[v as usize] = p;
        }
        Ok(copy)
    }
    /// Approximate heap bytes held by the graph (for capacity planning and benchmarks).
    pub fn heap_bytes(&self) -> usize {
        let n = self.node_count();
        let e = self.edge_count();
        n * (1 + 8 * 3 + 1 + 8)
            + self.ids.bytes.len()
            + self.names.bytes.len()
            + self.by_id.capacity() * 40
            + e * (4 * 2 + 1 + 1 + 8 + 4 * 3)
            + (n + 1) * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_groups_edges_by_endpoint_in_edge_order() {
        let (offsets, edges) = csr(4, &[2, 0, 2, 3, 0]);
        assert_eq!(offsets, vec![0, 2, 2, 4, 5]);
        assert_eq!(edges, vec![1, 4, 0, 2, 3]);
    }

    #[test]
    fn graph_keeps_ids_names_and_both_adjacencies() {
        let mut b = GraphBuilder::new();
        let a = b
            .add_node(NodeSpec::new("a", NodeKind::Organization).name("株式会社A"))
            .unwrap();
        let s = b.add_node(NodeSpec::new("s", NodeKind::System)).unwrap();
        let e = b.add_edge(a, s, EdgeKind::Accesses).unwrap();
        let err = b.add_node(NodeSpec::new("a", NodeKind::Data)).unwrap_err();
        assert_eq!(
            err,
            SupplyError::DuplicateNode {
                id: "a".into(),
                first: 0,
                second: 2
            }
        );
        assert!(b.add_edge(a, 7, EdgeKind::Supplies).is_err());
        let g = b.build();
        assert_eq!((g.name(a), g.name(s), g.id(a)), ("株式会社A", "s", "a"));
        assert_eq!(g.out_edges(a), &[e]);
        assert_eq!(g.in_edges(s), &[e]);
        assert_eq!(g.slot_target(g.out_slots(a).start), s);
        assert_eq!(g.edge_layer(e), Layer::L3);
        assert!((g.propagation(e) - 0.9).abs() < 1e-12);
        assert!(g.is_entry(a) && g.is_supplier(a) && !g.is_entry(s));
    }

    #[test]
    fn propagation_table_rejects_non_probabilities() {
        let mut t = PropagationTable::default();
        assert!(t.set(EdgeKind::Supplies, 1.5).is_err());
        assert!(t.set(EdgeKind::Supplies, f64::NAN).is_err());
        t.set(EdgeKind::Supplies, 0.25).unwrap();
        assert_eq!(t.get(EdgeKind::Supplies), 0.25);
    }
}

//! Supply-chain graph analytics: the part of sanso that finds the weak links of a chain.
//!
//! A pure library over an in-memory graph of the CPSF value-creation model — organisations
//! (the buyer and suppliers of every tier), systems, data, components and operations — and the
//! connections between them (supplies, operates, contains, transfers data, remote access,
//! senses/actuates …). The server loads the graph from the database; nothing here does I/O.
//!
//! The seeds' worry drives the model: attacks come through the weakest company of a chain,
//! trust is graded and never 0/1, and residual gaps that line up in series along a path let an
//! attack through. So every node has a `protection` (probability an attack is stopped there),
//! every connection a `propagation` (probability compromise crosses it), and a path's
//! likelihood is their product — see [`exposure`] for the formula and a worked example.
//!
//! | module | job |
//! |---|---|
//! | [`graph`] | compact CSR graph, node/edge attributes, default propagation per kind, JSON document |
//! | [`trust`] | trust score 0–100 and `protection` of a supplier, with the factors that moved it |
//! | [`star`] | which ★ level to request from a supplier (the three questions) |
//! | [`exposure`] | exposure per critical asset, k most likely paths, top paths overall |
//! | [`criticality`] | which nodes, if strengthened, cut total exposure most (exact, bounded) |
//! | [`whatif`] | apply changes, compare exposure before and after |
//! | [`impact`] | what a compromised or stopped supplier affects downstream, with the path |
//! | [`tiers`] | supplier tiers and supplier-cycle errors |
//! | [`svg`] | diagram of a small chain coloured by trust, weak paths highlighted |
//! | [`synthetic`] | deterministic chain generator for benchmarks and randomised tests |
//!
//! ```
//! use sanso_supply::graph::{EdgeKind, GraphBuilder, NodeKind, NodeSpec};
//! use sanso_supply::exposure::{analyse, ExposureOptions};
//!
//! let mut b = GraphBuilder::new();
//! let s = b.add_node(NodeSpec::new("S", NodeKind::Organization).protection(0.2)).unwrap();
//! let m = b.add_node(NodeSpec::new("M", NodeKind::System).protection(0.5)).unwrap();
//! let d = b.add_node(NodeSpec::new("D", NodeKind::Data).protection(0.1).critical()).unwrap();
//! b.add_edge(s, m, EdgeKind::Accesses).unwrap(); // propagation 0.9
//! b.add_edge(m, d, EdgeKind::Hosts).unwrap(); // propagation 0.7
//! let report = analyse(&b.build(), &ExposureOptions::default());
//! // 0.8 × 0.9 × 0.5 × 0.7 × 0.9
//! assert!((report.assets[0].exposure - 0.2268).abs() < 1e-12);
//! ```

pub mod criticality;
pub mod error;
pub mod exposure;
pub mod graph;
pub mod impact;
pub mod star;
pub mod svg;
pub mod synthetic;
pub mod tiers;
pub mod trust;
pub mod whatif;

pub use error::{Result, SupplyError};

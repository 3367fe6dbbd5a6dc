//! What-if: apply changes to the chain and compare exposure before and after.
//!
//! Changes edit the `−ln` weights ([`CostModel`]), never the graph, so a scenario costs two
//! exposure analyses and no copy of the adjacency: a protection change replaces a node weight,
//! a removed connection or node gets weight `∞` (a removed node is no longer an entry either).
//! "Supplier X reaches ★4" is a protection change to the protection its new trust score gives
//! (see [`crate::trust`]).

use serde::{Deserialize, Serialize};

use crate::error::{check_probability, Result, SupplyError};
use crate::exposure::{analyse_with, AttackPath, BestPaths, CostModel, ExposureOptions};
use crate::graph::{EdgeIdx, NodeIdx, SupplyGraph};
use crate::trust::{TrustInputs, TrustModel};

/// One change of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// The node's protection becomes the given value.
    SetProtection { node: NodeIdx, protection: f64 },
    /// One connection is cut.
    RemoveEdge { edge: EdgeIdx },
    /// Every connection from `from` to `to` is cut.
    RemoveConnection { from: NodeIdx, to: NodeIdx },
    /// The node disappears with all its connections.
    RemoveNode { node: NodeIdx },
    /// The connection's propagation becomes the given value.
    SetPropagation { edge: EdgeIdx, propagation: f64 },
    /// The supplier's assessment changes (e.g. it reaches ★4): its protection becomes what the
    /// default [`TrustModel`] gives for the new inputs.
    SetTrust { node: NodeIdx, trust: TrustInputs },
}

/// Before/after for one critical asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetDelta {
    pub asset: NodeIdx,
    pub before: f64,
    pub after: f64,
    /// `after − before` (negative = safer).
    pub delta: f64,
    pub best_path_before: Option<AttackPath>,
    pub best_path_after: Option<AttackPath>,
}

/// Side-by-side result of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIfReport {
    pub assets: Vec<AssetDelta>,
    pub total_before: f64,
    pub total_after: f64,
    /// Most likely paths overall after the changes.
    pub top_paths_after: Vec<AttackPath>,
}

/// Apply `changes` (validated first; nothing is applied if one is invalid) and compare.
pub fn what_if(
    graph: &SupplyGraph,
    changes: &[Change],
    options: &ExposureOptions,
) -> Result<WhatIfReport> {
    let base = CostModel::new(graph);
    let mut changed = base.clone();
    let model = TrustModel::default();
    // Protection computed for each `SetTrust` change while validating, by change position.
    let mut protections: Vec<(usize, f64)> = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let ctx = format!("change {i}");
        match *change {
            Change::SetProtection { node, protection } => {
                graph.check_node(node, &ctx)?;
                check_probability("protection", protection, || ctx.clone())?;
            }
            Change::RemoveEdge { edge } => graph.check_edge(edge, &ctx)?,
            Change::RemoveConnection { from, to } => {
                graph.check_node(from, &ctx)?;
                graph.check_node(to, &ctx)?;
                if graph.find_edge(from, to).is_none() {
                    return Err(SupplyError::UnknownNode {
                        id: format!("{} -> {}", graph.id(from), graph.id(to)),
                        context: format!("{ctx}: no such connection"),
                    });
                }
            }
            Change::RemoveNode { node } => graph.check_node(node, &ctx)?,
            Change::SetPropagation { edge, propagation } => {
                graph.check_edge(edge, &ctx)?;
                check_probability("propagation", propagation, || ctx.clone())?;
            }
            Change::SetTrust { node, ref trust } => {
                graph.check_node(node, &ctx)?;
                let score = model.score(trust).map_err(|e| SupplyError::Document {
                    path: format!("{ctx}.trust"),
                    message: e.to_string(),
                })?;
                protections.push((i, score.protection));
            }
        }
    }
    for (i, change) in changes.iter().enumerate() {
        match *change {
            Change::SetProtection { node, protection } => changed.set_protection(node, protection),
            Change::RemoveEdge { edge } => changed.remove_edge(edge),
            Change::RemoveConnection { from, to } => {
                for &e in graph.out_edges(from) {
                    if graph.edge_to(e) == to {
                        changed.remove_edge(e);
                    }
                }
            }
            Change::RemoveNode { node } => changed.remove_node(node),
            Change::SetPropagation { edge, propagation } => {
                changed.set_propagation(edge, propagation)
            }
            Change::SetTrust { node, .. } => {
                if let Some(&(_, p)) = protections.iter().find(|(at, _)| *at == i) {
                    changed.set_protection(node, p);
                }
            }
        }
    }
    let best_before = BestPaths::compute(graph, &base);
    let best_after = BestPaths::compute(graph, &changed);
    let after_options = ExposureOptions {
        paths_per_asset: 1,
        ..*options
    };
    let after = analyse_with(graph, &changed, &best_after, &after_options);
    let mut total_before = 0.0;
    let assets = graph
        .critical_nodes()
        .into_iter()
        .map(|t| {
            let before = best_before.likelihood(t);
            let after = best_after.likelihood(t);
            total_before += graph.value(t) * before;
            AssetDelta {
                asset: t,
                before,
                after,
                delta: after - before,
                best_path_before: best_before.best_path(graph, t),
                best_path_after: best_after.best_path(graph, t),
            }
        })
        .collect();
    Ok(WhatIfReport {
        assets,
        total_before,
        total_after: after.total,
        top_paths_after: after.top_paths,
    })
}

//! Supplier tiers and supplier-cycle detection.
//!
//! # Model
//! The tier structure reads only `supplies` edges between two organisations (`A supplies B`:
//! A is B's supplier). The buyer(s) have tier 0; a supplier's tier is the fewest `supplies`
//! hops from it to a buyer (tier 1 = direct supplier). An organisation that reaches no buyer
//! has no tier.
//!
//! A supplier that is its own direct or indirect supplier is bad input — the tier of a company
//! in a cycle is meaningless, and it usually means a mis-keyed relationship — so
//! [`supplier_tiers`] first looks for a cycle (iterative depth-first search, O(V + E)) and
//! returns [`SupplyError::SupplyCycle`] naming every company on it.

use std::collections::VecDeque;

use serde::Serialize;

use crate::error::{Result, SupplyError};
use crate::graph::{EdgeIdx, EdgeKind, NodeIdx, NodeKind, SupplyGraph, NONE};

/// Tier per node (`None` for non-organisations and organisations that reach no buyer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierTiers {
    tier: Vec<u32>,
}

impl SupplierTiers {
    /// Tier of a node.
    pub fn tier(&self, v: NodeIdx) -> Option<u32> {
        match self.tier.get(v as usize) {
            Some(&t) if t != NONE => Some(t),
            _ => None,
        }
    }
    /// Highest tier present.
    pub fn depth(&self) -> u32 {
        self.tier
            .iter()
            .copied()
            .filter(|&t| t != NONE)
            .max()
            .unwrap_or(0)
    }
}

fn is_supply_edge(graph: &SupplyGraph, e: EdgeIdx) -> bool {
    graph.edge_kind(e) == EdgeKind::Supplies
        && graph.kind(graph.edge_from(e)) == NodeKind::Organization
        && graph.kind(graph.edge_to(e)) == NodeKind::Organization
}

/// First supplier cycle found, as node indices with the first repeated at the end.
pub fn find_supply_cycle(graph: &SupplyGraph) -> Option<Vec<NodeIdx>> {
    const WHITE: u8 = 0;
    const GREY: u8 = 1;
    const BLACK: u8 = 2;
    let n = graph.node_count();
    let mut colour = vec![WHITE; n];
    // Stack of (node, position in its out-edge list).
    let mut stack: Vec<(NodeIdx, usize)> = Vec::new();
    for start in 0..n as NodeIdx {
        if colour[start as usize] != WHITE || graph.kind(start) != NodeKind::Organization {
            continue;
        }
        colour[start as usize] = GREY;
        stack.push((start, 0));
        while let Some(top) = stack.last_mut() {
            let u = top.0;
            let out = graph.out_edges(u);
            if top.1 >= out.len() {
                colour[u as usize] = BLACK;
                stack.pop();
                continue;
            }
            let e = out[top.1];
            top.1 += 1;
            if !is_supply_edge(graph, e) {
                continue;
            }
            let w = graph.edge_to(e);
            match colour[w as usize] {
                WHITE => {
                    colour[w as usize] = GREY;
                    stack.push((w, 0));
                }
                GREY => {
                    // The grey nodes on the stack from `w` upwards form the cycle.
                    let at = stack.iter().position(|&(x, _)| x == w).unwrap_or(0);
                    let mut cycle: Vec<NodeIdx> = stack[at..].iter().map(|&(x, _)| x).collect();
                    cycle.push(w);
                    return Some(cycle);
                }
                _ => {}
            }
        }
    }
    None
}

/// Tiers of every organisation, after checking there is no supplier cycle.
pub fn supplier_tiers(graph: &SupplyGraph) -> Result<SupplierTiers> {
    if let Some(cycle) = find_supply_cycle(graph) {
        return Err(SupplyError::SupplyCycle {
            cycle: cycle.iter().map(|&v| graph.id(v).to_string()).collect(),
        });
    }
    let n = graph.node_count();
    let mut tier = vec![NONE; n];
    let mut queue = VecDeque::new();
    for v in 0..n as NodeIdx {
        if graph.is_buyer(v) && graph.kind(v) == NodeKind::Organization {
            tier[v as usize] = 0;
            queue.push_back(v);
        }
    }
    if queue.is_empty() {
        return Err(SupplyError::NoBuyer);
    }
    while let Some(u) = queue.pop_front() {
        for &e in graph.in_edges(u) {
            if !is_supply_edge(graph, e) {
                continue;
            }
            let s = graph.edge_from(e);
            if tier[s as usize] == NONE {
                tier[s as usize] = tier[u as usize] + 1;
                queue.push_back(s);
            }
        }
    }
    Ok(SupplierTiers { tier })
}

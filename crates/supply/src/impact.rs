//! Impact: what a compromised or stopped supplier takes down with it, through every tier.
//!
//! # Model
//! Edges point from the upstream side to the side that depends on it, so everything affected by
//! node `x` is what is reachable from `x` along edges whose kind carries the disruption:
//!
//! | kind | carries stop | carries compromise | why (our rule) |
//! |---|---|---|---|
//! | supplies, operates, contains, hosts, transfers_data, senses, actuates | yes | yes | the dependent side needs what flows and takes in what is tampered with |
//! | maintains | no | yes | a maintainer's outage delays upkeep but does not stop operation; its access can carry an intrusion |
//! | accesses | no | yes | losing someone's remote access stops nothing; abusing it compromises |
//!
//! The table is data ([`ImpactRules`]). Each affected node comes with the shortest (fewest hops)
//! chain of connections that explains it, found by breadth-first search; cost is O(V + E).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::graph::{EdgeIdx, EdgeKind, NodeIdx, NodeKind, SupplyGraph, NONE};

/// What happened to the starting node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Disruption {
    /// It is under an attacker's control.
    Compromised,
    /// It stopped delivering (outage, bankruptcy, ransomware shutdown …).
    Stopped,
}

/// Which edge kinds carry which disruption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpactRules {
    stop: [bool; 9],
    compromise: [bool; 9],
}

impl Default for ImpactRules {
    fn default() -> Self {
        let mut rules = ImpactRules {
            stop: [true; 9],
            compromise: [true; 9],
        };
        rules.set(EdgeKind::Maintains, Disruption::Stopped, false);
        rules.set(EdgeKind::Accesses, Disruption::Stopped, false);
        rules
    }
}

impl ImpactRules {
    /// Does `kind` carry `disruption`?
    pub fn carries(&self, kind: EdgeKind, disruption: Disruption) -> bool {
        match disruption {
            Disruption::Stopped => self.stop[kind as usize],
            Disruption::Compromised => self.compromise[kind as usize],
        }
    }
    /// Change one rule.
    pub fn set(&mut self, kind: EdgeKind, disruption: Disruption, carries: bool) {
        match disruption {
            Disruption::Stopped => self.stop[kind as usize] = carries,
            Disruption::Compromised => self.compromise[kind as usize] = carries,
        }
    }
}

/// One affected node and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Affected {
    pub node: NodeIdx,
    pub kind: NodeKind,
    /// Connections between the disrupted node and this one.
    pub hops: u32,
    /// Nodes from the disrupted node to this one.
    pub path: Vec<NodeIdx>,
    /// Edges along `path`.
    pub edges: Vec<EdgeIdx>,
}

/// Everything one disruption reaches, nearest first (ties by node index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactReport {
    pub source: NodeIdx,
    pub disruption: Disruption,
    pub affected: Vec<Affected>,
}

impl ImpactReport {
    /// Affected nodes of one kind.
    pub fn of_kind(&self, kind: NodeKind) -> impl Iterator<Item = &Affected> {
        self.affected.iter().filter(move |a| a.kind == kind)
    }
}

/// Everything downstream of `source` that `disruption` reaches.
pub fn impact(
    graph: &SupplyGraph,
    source: NodeIdx,
    disruption: Disruption,
    rules: &ImpactRules,
) -> Result<ImpactReport> {
    graph.check_node(source, "impact source")?;
    let n = graph.node_count();
    let mut parent = vec![NONE; n];
    let mut hops = vec![u32::MAX; n];
    hops[source as usize] = 0;
    let mut queue = VecDeque::from([source]);
    let mut reached = Vec::new();
    while let Some(u) = queue.pop_front() {
        for &e in graph.out_edges(u) {
            if !rules.carries(graph.edge_kind(e), disruption) {
                continue;
            }
            let w = graph.edge_to(e);
            if hops[w as usize] == u32::MAX {
                hops[w as usize] = hops[u as usize] + 1;
                parent[w as usize] = e;
                reached.push(w);
                queue.push_back(w);
            }
        }
    }
    reached.sort_by_key(|&w| (hops[w as usize], w));
    let affected = reached
        .into_iter()
        .map(|w| {
            let mut path = vec![w];
            let mut edges = Vec::new();
            let mut cur = w;
            while cur != source {
                let e = parent[cur as usize];
                edges.push(e);
                cur = graph.edge_from(e);
                path.push(cur);
            }
            path.reverse();
            edges.reverse();
            Affected {
                node: w,
                kind: graph.kind(w),
                hops: hops[w as usize],
                path,
                edges,
            }
        })
        .collect();
    Ok(ImpactReport {
        source,
        disruption,
        affected,
    })
}

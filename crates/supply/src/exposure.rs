//! Exposure of critical assets: most likely attack paths and scores.
//!
//! # Model
//! An attacker enters the chain at an entry node `s` (a supplier, or a node flagged exposed) and
//! moves along connections until it reaches a critical asset `t`. The likelihood of one path
//! `s = v0 → v1 → … → vk = t` over edges `e1 … ek` is
//!
//! ```text
//! L(path) = entry(s) × Π_{i=0..k} (1 − protection(v_i)) × Π_{j=1..k} propagation(e_j)
//! ```
//!
//! `p_entry(s) = entry(s) × (1 − protection(s))` is the entry term: an attacker first has to try
//! (`entry_likelihood`) and then get through the entry company's own defences; every further node,
//! the target included, stops it with probability `protection`, and every edge lets it through with
//! probability `propagation`. Residual gaps that line up in series are exactly the factors of one
//! product, so the weakest chain is the most likely path.
//!
//! Taking `−ln`, a path's cost is a sum of non-negative weights
//! `c(v) = −ln(1 − protection(v))`, `c(e) = −ln propagation(e)`, `c_entry(s) = −ln entry(s)`,
//! and the most likely path is a shortest path (protection 1 or propagation 0 mean infinite cost:
//! the path is blocked). **One** multi-source Dijkstra from a virtual source joined to every entry
//! node gives the best path to *every* node at once — O((V + E) log V) for all assets together —
//! and its shortest-path forest is reused by criticality ranking ([`crate::criticality`]).
//!
//! # Exposure score
//! `exposure(t) = max over paths L(path)`, the likelihood of the most likely path. We picked
//! this over a noisy-OR over several paths because paths through a chain share companies and
//! connections: noisy-OR `1 − Π(1 − L_i)` assumes independent paths and double-counts the
//! shared weak link, while the best-path likelihood never does, is exactly computable, and its
//! change when one node is strengthened is what criticality ranks. As a secondary indicator
//! each asset also reports `combined`, the noisy-OR over its reported `k` best paths: an upper
//! estimate that shows whether an asset has one weak route or many. Total exposure is
//! `Σ_t value(t) × exposure(t)`.
//!
//! # k most likely paths
//! Paths beyond the best are enumerated best-first, backwards from the asset, with A* whose
//! heuristic is the exact best-path cost `d(u)` from the forest: a partial path `u → … → t` with
//! suffix cost `g` has priority `d(u) + g`, which is a lower bound on every completion, so
//! completed paths come out in exact order of likelihood. Only simple paths are produced (a
//! node already on the suffix is not re-entered). The search is bounded by a budget of partial
//! paths generated per asset (memory stays below `budget + max in-degree` steps); when it runs
//! out the asset is marked `paths_truncated`. This yields the same paths as Yen's algorithm
//! without one shortest-path run per spur node (checked against brute-force enumeration in
//! `tests/randomised.rs`).
//!
//! # Most likely paths overall
//! The per-asset lists are merged. An asset whose whole list made the overall cut may hold
//! further paths that belong there, so its search is resumed until its next path falls below
//! the cut; searches whose last path is already below the running cut are dropped early, which
//! keeps memory flat over thousands of assets. The overall list is therefore exact.
//!
//! # Worked example
//! Supplier S (protection 0.2) accesses the buyer's system M (protection 0.5, propagation 0.9);
//! M hosts data D (critical, protection 0.1, propagation 0.7). Entry likelihood 1:
//! `L(S→M→D) = 1 × (1 − 0.2) × 0.9 × (1 − 0.5) × 0.7 × (1 − 0.1) = 0.2268`, cost `−ln 0.2268 ≈ 1.484`.

use std::cmp::Ordering;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::Serialize;

use crate::graph::{EdgeIdx, NodeIdx, SupplyGraph, NONE};

/// `−ln` weights of nodes, edges and entries; what-if changes edit these, not the graph.
#[derive(Debug, Clone)]
pub struct CostModel {
    pub(crate) node: Vec<f64>,
    pub(crate) edge: Vec<f64>,
    /// `∞` for nodes that are not entry points.
    pub(crate) entry: Vec<f64>,
}

/// `−ln p`, with `p ≤ 0` mapping to `∞` (blocked).
pub(crate) fn neg_ln(p: f64) -> f64 {
    if p <= 0.0 {
        f64::INFINITY
    } else {
        -p.ln()
    }
}

impl CostModel {
    /// Weights of the graph as it stands.
    pub fn new(graph: &SupplyGraph) -> Self {
        let n = graph.node_count() as NodeIdx;
        let node = (0..n).map(|v| neg_ln(1.0 - graph.protection(v))).collect();
        let edge = (0..graph.edge_count() as EdgeIdx)
            .map(|e| neg_ln(graph.propagation(e)))
            .collect();
        let entry = (0..n)
            .map(|v| {
                if graph.is_entry(v) {
                    neg_ln(graph.entry_likelihood(v))
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        CostModel { node, edge, entry }
    }

    /// Replace a node's protection.
    pub fn set_protection(&mut self, v: NodeIdx, protection: f64) {
        self.node[v as usize] = neg_ln(1.0 - protection);
    }
    /// Block a node completely (as if removed).
    pub fn remove_node(&mut self, v: NodeIdx) {
        self.node[v as usize] = f64::INFINITY;
        self.entry[v as usize] = f64::INFINITY;
    }
    /// Block an edge (as if removed).
    pub fn remove_edge(&mut self, e: EdgeIdx) {
        self.edge[e as usize] = f64::INFINITY;
    }
    /// Replace an edge's propagation.
    pub fn set_propagation(&mut self, e: EdgeIdx, propagation: f64) {
        self.edge[e as usize] = neg_ln(propagation);
    }
}

/// Min-heap entry ordered by cost (ties by node for determinism).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HeapItem {
    pub cost: f64,
    pub node: u32,
}
impl Eq for HeapItem {}
impl Ord for HeapItem {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then_with(|| other.node.cmp(&self.node))
    }
}
impl PartialOrd for HeapItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Shortest-path forest from the virtual source: best path cost to every node.
#[derive(Debug, Clone)]
pub struct BestPaths {
    /// `−ln` of the best path likelihood to each node (`∞` = unreachable).
    pub(crate) dist: Vec<f64>,
    /// Edge by which each node is reached on its best path; `NONE` for entry starts.
    pub(crate) parent_edge: Vec<EdgeIdx>,
    /// Nodes in the order Dijkstra settled them (parents before children).
    pub(crate) order: Vec<NodeIdx>,
}

impl BestPaths {
    /// Multi-source Dijkstra over the whole graph.
    pub fn compute(graph: &SupplyGraph, costs: &CostModel) -> Self {
        // Per-node state packed together and edge costs laid out in CSR slot order: on a
        // million edges the relaxation loop is bound by cache misses, and this makes it one
        // random access per edge instead of four.
        #[derive(Clone, Copy)]
        struct State {
            dist: f64,
            node_cost: f64,
            parent: EdgeIdx,
            settled: bool,
        }
        let n = graph.node_count();
        let slot_cost: Vec<f64> = (0..graph.edge_count())
            .map(|slot| costs.edge[graph.slot_edge(slot) as usize])
            .collect();
        let mut state: Vec<State> = costs
            .node
            .iter()
            .map(|&node_cost| State {
                dist: f64::INFINITY,
                node_cost,
                parent: NONE,
                settled: false,
            })
            .collect();
        let mut seeds = Vec::new();
        for (v, st) in state.iter_mut().enumerate() {
            let start = costs.entry[v] + st.node_cost;
            if start < f64::INFINITY {
                st.dist = start;
                seeds.push(HeapItem {
                    cost: start,
                    node: v as u32,
                });
            }
        }
        let mut heap = BinaryHeap::from(seeds);
        let mut order = Vec::with_capacity(n);
        while let Some(HeapItem { cost, node }) = heap.pop() {
            let u = node as usize;
            if state[u].settled || cost > state[u].dist {
                continue;
            }
            state[u].settled = true;
            order.push(node);
            for slot in graph.out_slots(node) {
                let w = graph.slot_target(slot) as usize;
                let target = &mut state[w];
                let next = cost + slot_cost[slot] + target.node_cost;
                if next < target.dist {
                    target.dist = next;
                    target.parent = graph.slot_edge(slot);
                    heap.push(HeapItem {
                        cost: next,
                        node: w as u32,
                    });
                }
            }
        }
        let dist = state.iter().map(|s| s.dist).collect();
        let parent_edge = state.iter().map(|s| s.parent).collect();
        BestPaths {
            dist,
            parent_edge,
            order,
        }
    }

    /// Likelihood of the most likely path to `v` (0 when unreachable).
    pub fn likelihood(&self, v: NodeIdx) -> f64 {
        (-self.dist[v as usize]).exp()
    }

    /// The most likely path to `v`, if any.
    pub fn best_path(&self, graph: &SupplyGraph, v: NodeIdx) -> Option<AttackPath> {
        let cost = self.dist[v as usize];
        if cost == f64::INFINITY {
            return None;
        }
        let mut nodes = vec![v];
        let mut edges = Vec::new();
        let mut cur = v;
        while self.parent_edge[cur as usize] != NONE {
            let e = self.parent_edge[cur as usize];
            edges.push(e);
            cur = graph.edge_from(e);
            nodes.push(cur);
        }
        nodes.reverse();
        edges.reverse();
        Some(AttackPath {
            likelihood: (-cost).exp(),
            nodes,
            edges,
        })
    }
}

/// One attack path from an entry node to an asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttackPath {
    /// Path likelihood `L` (see module docs).
    pub likelihood: f64,
    /// Nodes from entry to asset.
    pub nodes: Vec<NodeIdx>,
    /// Edges between consecutive nodes.
    pub edges: Vec<EdgeIdx>,
}

impl AttackPath {
    /// Entry node.
    pub fn entry(&self) -> NodeIdx {
        self.nodes[0]
    }
    /// Target asset.
    pub fn target(&self) -> NodeIdx {
        self.nodes[self.nodes.len() - 1]
    }
    /// External ids of the nodes, entry first.
    pub fn ids<'g>(&self, graph: &'g SupplyGraph) -> Vec<&'g str> {
        self.nodes.iter().map(|&v| graph.id(v)).collect()
    }
    /// `A -kind-> B -kind-> C` with display names.
    pub fn describe(&self, graph: &SupplyGraph) -> String {
        let mut out = graph.name(self.nodes[0]).to_string();
        for (i, &e) in self.edges.iter().enumerate() {
            out.push_str(" -");
            out.push_str(graph.edge_kind(e).as_str());
            out.push_str("-> ");
            out.push_str(graph.name(self.nodes[i + 1]));
        }
        out
    }
}

/// Settings of an exposure analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExposureOptions {
    /// Paths reported per asset.
    pub paths_per_asset: usize,
    /// Paths reported across all assets.
    pub top_paths: usize,
    /// Partial paths the A* search may generate per asset before its path list is marked
    /// truncated; bounds time and memory on hub-heavy graphs.
    pub search_budget: usize,
}

impl Default for ExposureOptions {
    fn default() -> Self {
        ExposureOptions {
            paths_per_asset: 3,
            top_paths: 10,
            search_budget: 50_000,
        }
    }
}

/// Exposure of one critical asset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetExposure {
    pub asset: NodeIdx,
    /// Likelihood of the most likely attack path (0 if none reaches the asset).
    pub exposure: f64,
    /// Noisy-OR over the reported paths (an upper estimate, see module docs).
    pub combined: f64,
    /// The most likely paths, best first.
    pub paths: Vec<AttackPath>,
    /// True when the search budget ran out before `paths_per_asset` paths were found.
    pub paths_truncated: bool,
}

/// Exposure of every critical asset and the most likely paths overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExposureReport {
    /// Per critical asset, in node index order.
    pub assets: Vec<AssetExposure>,
    /// `Σ value × exposure`.
    pub total: f64,
    /// The most likely paths across all assets, best first.
    pub top_paths: Vec<AttackPath>,
}

/// Analyse the graph as it stands.
pub fn analyse(graph: &SupplyGraph, options: &ExposureOptions) -> ExposureReport {
    let costs = CostModel::new(graph);
    let best = BestPaths::compute(graph, &costs);
    analyse_with(graph, &costs, &best, options)
}

/// Analyse with given weights and their forest (what-if uses this).
pub fn analyse_with(
    graph: &SupplyGraph,
    costs: &CostModel,
    best: &BestPaths,
    options: &ExposureOptions,
) -> ExposureReport {
    let assets = graph.critical_nodes();
    let mut searches: Vec<Option<PathSearch>> = Vec::with_capacity(assets.len());
    // The `top_paths` largest likelihoods seen so far, as a min-heap. Likelihoods are finite
    // and non-negative, and for such f64 the bit patterns order like the values.
    let mut best_seen: BinaryHeap<Reverse<u64>> = BinaryHeap::new();
    let mut reports = Vec::with_capacity(assets.len());
    let mut total = 0.0;
    for &t in &assets {
        let mut search = PathSearch::new(graph, costs, best, t, options.search_budget);
        let mut paths = Vec::new();
        while paths.len() < options.paths_per_asset {
            match search.next_path() {
                Some(p) => paths.push(p),
                None => break,
            }
        }
        let exposure = best.likelihood(t);
        total += graph.value(t) * exposure;
        let combined = 1.0 - paths.iter().map(|p| 1.0 - p.likelihood).product::<f64>();
        for p in &paths {
            best_seen.push(Reverse(p.likelihood.to_bits()));
            if best_seen.len() > options.top_paths {
                best_seen.pop();
            }
        }
        // Keep the search only if its next path could still enter the overall top list: the
        // cut only rises, so an asset whose last path is already below it never gets back in.
        let could_contribute = paths.len() == options.paths_per_asset
            && !search.exhausted()
            && options.top_paths > 0
            && (best_seen.len() < options.top_paths
                || paths.last().is_none_or(|p| {
                    best_seen
                        .peek()
                        .is_some_and(|Reverse(cut)| p.likelihood.to_bits() >= *cut)
                }));
        reports.push(AssetExposure {
            asset: t,
            exposure,
            combined,
            paths_truncated: search.truncated && paths.len() < options.paths_per_asset,
            paths,
        });
        searches.push(could_contribute.then_some(search));
    }
    let top_paths = top_paths_overall(&reports, &mut searches, options.top_paths);
    ExposureReport {
        assets: reports,
        total,
        top_paths,
    }
}

/// Merge per-asset lists; pull more paths from any asset whose whole list made the cut, until
/// its next path is no better than the current N-th (so the overall list is exact).
fn top_paths_overall(
    reports: &[AssetExposure],
    searches: &mut [Option<PathSearch>],
    n: usize,
) -> Vec<AttackPath> {
    if n == 0 {
        return Vec::new();
    }
    let mut pool: Vec<(usize, AttackPath)> = reports
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.paths.iter().map(move |p| (i, p.clone())))
        .collect();
    let mut taken = vec![0usize; reports.len()];
    for (i, r) in reports.iter().enumerate() {
        taken[i] = r.paths.len();
    }
    loop {
        pool.sort_by(|a, b| b.1.likelihood.total_cmp(&a.1.likelihood));
        pool.truncate(n);
        let mut grew = false;
        for (i, slot) in searches.iter_mut().enumerate() {
            let Some(search) = slot.as_mut().filter(|s| !s.exhausted()) else {
                continue;
            };
            // Paths of one asset come out best first, so if one of them fell out of the cut,
            // every later one would too.
            let in_cut = pool.iter().filter(|(a, _)| *a == i).count();
            if in_cut < taken[i] {
                continue;
            }
            if let Some(p) = search.next_path() {
                taken[i] += 1;
                pool.push((i, p));
                grew = true;
            }
        }
        if !grew {
            pool.sort_by(|a, b| b.1.likelihood.total_cmp(&a.1.likelihood));
            pool.truncate(n);
            return pool.into_iter().map(|(_, p)| p).collect();
        }
    }
}

/// A partial path in the search arena: a node, the arena index of the next node towards the
/// asset, and the edge between them.
#[derive(Debug, Clone, Copy)]
struct Step {
    node: NodeIdx,
    next: u32,
    edge: EdgeIdx,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct SearchItem {
    priority: f64,
    suffix: f64,
    step: u32,
    complete: bool,
}
impl Eq for SearchItem {}
impl Ord for SearchItem {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .priority
            .total_cmp(&self.priority)
            // Prefer completed paths on ties so equal-likelihood paths come out promptly.
            .then_with(|| self.complete.cmp(&other.complete))
            .then_with(|| other.step.cmp(&self.step))
    }
}
impl PartialOrd for SearchItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Lazy best-first enumeration of simple attack paths into one asset (see module docs).
pub(crate) struct PathSearch<'a> {
    graph: &'a SupplyGraph,
    costs: &'a CostModel,
    best: &'a BestPaths,
    arena: Vec<Step>,
    heap: BinaryHeap<SearchItem>,
    budget: usize,
    truncated: bool,
}

impl<'a> PathSearch<'a> {
    pub(crate) fn new(
        graph: &'a SupplyGraph,
        costs: &'a CostModel,
        best: &'a BestPaths,
        target: NodeIdx,
        budget: usize,
    ) -> Self {
        let mut search = PathSearch {
            graph,
            costs,
            best,
            arena: vec![Step {
                node: target,
                next: NONE,
                edge: NONE,
            }],
            heap: BinaryHeap::new(),
            budget,
            truncated: false,
        };
        let d = best.dist[target as usize];
        if d < f64::INFINITY {
            search.heap.push(SearchItem {
                priority: d,
                suffix: 0.0,
                step: 0,
                complete: false,
            });
        }
        search
    }

    fn exhausted(&self) -> bool {
        self.truncated || self.heap.is_empty()
    }

    fn on_suffix(&self, mut step: u32, node: NodeIdx) -> bool {
        while step != NONE {
            let s = self.arena[step as usize];
            if s.node == node {
                return true;
            }
            step = s.next;
        }
        false
    }

    pub(crate) fn next_path(&mut self) -> Option<AttackPath> {
        while let Some(item) = self.heap.pop() {
            if item.complete {
                return Some(self.path_from(item.step, item.priority));
            }
            if self.arena.len() >= self.budget {
                self.truncated = true;
                self.heap.clear();
                return None;
            }
            let step = self.arena[item.step as usize];
            let v = step.node as usize;
            let entry = self.costs.entry[v];
            if entry < f64::INFINITY {
                let total = entry + self.costs.node[v] + item.suffix;
                self.heap.push(SearchItem {
                    priority: total,
                    suffix: item.suffix,
                    step: item.step,
                    complete: true,
                });
            }
            for &e in self.graph.in_edges(step.node) {
                let u = self.graph.edge_from(e);
                let du = self.best.dist[u as usize];
                let suffix = item.suffix + self.costs.node[v] + self.costs.edge[e as usize];
                if du == f64::INFINITY || suffix == f64::INFINITY || self.on_suffix(item.step, u) {
                    continue;
                }
                // The arena exceeds the budget by at most one node's in-degree.
                let index = self.arena.len() as u32;
                self.arena.push(Step {
                    node: u,
                    next: item.step,
                    edge: e,
                });
                self.heap.push(SearchItem {
                    priority: du + suffix,
                    suffix,
                    step: index,
                    complete: false,
                });
            }
        }
        None
    }

    fn path_from(&self, mut step: u32, cost: f64) -> AttackPath {
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        while step != NONE {
            let s = self.arena[step as usize];
            nodes.push(s.node);
            if s.edge != NONE {
                edges.push(s.edge);
            }
            step = s.next;
        }
        AttackPath {
            likelihood: (-cost).exp(),
            nodes,
            edges,
        }
    }
}

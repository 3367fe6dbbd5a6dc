//! Which ★ level to request from a supplier.
//!
//! # Rule and where it comes from
//! The three questions and the outcome are the buyer decision flow recorded in
//! `shared/catalog-facts/jp-schemes.yaml` (`star_scheme.buyer_decision_flow`, a model flow
//! published by the Tokyo Metropolitan Government, not by METI):
//! * Q1 — will the buyer's important confidential data be handled in the supplier's IT environment?
//! * Q2 — would a stoppage at the supplier cause the buyer a delay it cannot accept?
//! * Q3 — can the buyer's internal systems be reached from the supplier's environment?
//!
//! **Any "yes" → ask for ★4; all "no" → ask for ★3**, raising the level when other factors call
//! for it. The same three conditions appear in the METI draft's ★4 requirement on partner
//! management (`meti-star-draft.yaml`, entry 14 / R10: check at least yearly the posture of
//! partners meeting one or more of them).
//!
//! # Our rules, where the sources are silent
//! * "Other factors" that raise an all-"no" answer to ★4 (our choice): the supplier lies on one of
//!   the most likely attack paths to a critical asset, or its criticality drop is material. The
//!   caller decides and passes [`OtherFactors`].
//! * ★5 is never requested: the scheme has not defined it. ★1/★2 are never requested: the
//!   flow's floor is ★3.
//! * [`suggest_questions`] proposes answers from the graph (the buyer confirms them): Q1 when a
//!   critical data node transfers data to, or is hosted by, the supplier; Q2 when a critical
//!   asset stops if the supplier stops ([`crate::impact`]); Q3 when the supplier has an
//!   `accesses` or `maintains` edge into a buyer-side system.

use serde::{Deserialize, Serialize};

use crate::criticality::CriticalityRanking;
use crate::error::Result;
use crate::exposure::ExposureReport;
use crate::graph::{EdgeKind, NodeIdx, NodeKind, SupplyGraph};
use crate::impact::{impact, Disruption, ImpactRules};

/// The buyer's answers about one relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RelationshipQuestions {
    /// Q1: our important confidential data is handled in the supplier's IT environment.
    pub handles_confidential_data: bool,
    /// Q2: the supplier's outage would cause us an unacceptable delay.
    pub outage_stops_us: bool,
    /// Q3: the supplier's environment can reach our internal systems.
    pub reaches_internal_systems: bool,
}

/// Our extra reasons to raise ★3 to ★4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OtherFactors {
    /// The supplier lies on one of the most likely attack paths.
    pub on_top_attack_path: bool,
    /// Strengthening the supplier would cut total exposure materially.
    pub high_criticality: bool,
}

/// Level to request and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StarRequest {
    /// 3 or 4.
    pub level: u8,
    /// Each reason, with its source.
    pub reasons: Vec<String>,
}

/// Decide the ★ level to request (see module docs for the rule and its sources).
pub fn star_level_to_request(q: &RelationshipQuestions, other: &OtherFactors) -> StarRequest {
    const FLOW: &str = "any yes → ★4 (buyer decision flow, jp-schemes.yaml)";
    let mut reasons = Vec::new();
    if q.handles_confidential_data {
        reasons.push(format!(
            "Q1 yes: our important confidential data is handled in its IT environment; {FLOW}"
        ));
    }
    if q.outage_stops_us {
        reasons.push(format!(
            "Q2 yes: its stoppage would delay us unacceptably; {FLOW}"
        ));
    }
    if q.reaches_internal_systems {
        reasons.push(format!(
            "Q3 yes: our internal systems can be reached from its environment; {FLOW}"
        ));
    }
    if !reasons.is_empty() {
        return StarRequest { level: 4, reasons };
    }
    if other.on_top_attack_path {
        reasons.push("all three answers no, but it lies on a most likely attack path: raised to ★4 (our rule)".into());
    }
    if other.high_criticality {
        reasons.push("all three answers no, but strengthening it cuts exposure materially: raised to ★4 (our rule)".into());
    }
    if !reasons.is_empty() {
        return StarRequest { level: 4, reasons };
    }
    StarRequest {
        level: 3,
        reasons: vec![
            "all three answers no → ★3 (buyer decision flow, jp-schemes.yaml)".to_string(),
        ],
    }
}

/// Propose answers to the three questions from the graph (see module docs); the buyer confirms.
pub fn suggest_questions(graph: &SupplyGraph, supplier: NodeIdx) -> Result<RelationshipQuestions> {
    graph.check_node(supplier, "suggest_questions")?;
    let handles_confidential_data = graph.in_edges(supplier).iter().any(|&e| {
        let from = graph.edge_from(e);
        graph.kind(from) == NodeKind::Data
            && graph.is_critical(from)
            && matches!(
                graph.edge_kind(e),
                EdgeKind::TransfersData | EdgeKind::Hosts
            )
    }) || graph.out_edges(supplier).iter().any(|&e| {
        let to = graph.edge_to(e);
        graph.kind(to) == NodeKind::Data
            && graph.is_critical(to)
            && graph.edge_kind(e) == EdgeKind::Hosts
    });
    let reaches_internal_systems = graph.out_edges(supplier).iter().any(|&e| {
        let to = graph.edge_to(e);
        matches!(graph.edge_kind(e), EdgeKind::Accesses | EdgeKind::Maintains)
            && graph.kind(to) != NodeKind::Organization
            && graph
                .in_edges(to)
                .iter()
                .any(|&f| graph.is_buyer(graph.edge_from(f)))
    }) || graph
        .out_edges(supplier)
        .iter()
        .any(|&e| graph.edge_kind(e) == EdgeKind::Accesses && graph.is_buyer(graph.edge_to(e)));
    let stop = impact(
        graph,
        supplier,
        Disruption::Stopped,
        &ImpactRules::default(),
    )?;
    let outage_stops_us = stop
        .affected
        .iter()
        .any(|a| graph.is_critical(a.node) || graph.is_buyer(a.node));
    Ok(RelationshipQuestions {
        handles_confidential_data,
        outage_stops_us,
        reaches_internal_systems,
    })
}

/// Suggested answers and the resulting request for one supplier, reading the other factors
/// from an exposure report and a criticality ranking: `on_top_attack_path` when the supplier
/// is on one of `report.top_paths`; `high_criticality` when its drop is at least
/// `material_share` of total exposure (our rule; 0.01 = 1 % is a reasonable default).
pub fn recommend_star_level(
    graph: &SupplyGraph,
    supplier: NodeIdx,
    report: &ExposureReport,
    ranking: &CriticalityRanking,
    material_share: f64,
) -> Result<(RelationshipQuestions, StarRequest)> {
    let questions = suggest_questions(graph, supplier)?;
    let other = OtherFactors {
        on_top_attack_path: report.top_paths.iter().any(|p| p.nodes.contains(&supplier)),
        high_criticality: ranking
            .ranked
            .iter()
            .any(|r| r.node == supplier && r.drop_share >= material_share),
    };
    Ok((questions, star_level_to_request(&questions, &other)))
}

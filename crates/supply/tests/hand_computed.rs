//! Small graphs whose answers were computed by hand (see the comments next to each figure).

use sanso_supply::criticality::{rank, Candidates, CriticalityOptions};
use sanso_supply::exposure::{analyse, ExposureOptions};
use sanso_supply::graph::{EdgeKind, GraphBuilder, NodeIdx, NodeKind, NodeSpec, SupplyGraph};
use sanso_supply::impact::{impact, Disruption, ImpactRules};
use sanso_supply::star::{
    recommend_star_level, star_level_to_request, suggest_questions, OtherFactors,
    RelationshipQuestions,
};
use sanso_supply::svg::render_svg;
use sanso_supply::tiers::supplier_tiers;
use sanso_supply::trust::{trust_score, Assessor, Attainment, OpenGap, TrustInputs, TrustModel};
use sanso_supply::whatif::{what_if, Change};
use sanso_supply::SupplyError;

const EPS: f64 = 1e-12;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The reference chain (protection p, so the node factor is 1 − p):
///
/// ```text
/// B  buyer org        p 0.9   (factor 0.1; not an entry: buyer)
/// S1 supplier, tier 1 p 0.5   (0.5)
/// S2 supplier, tier 2 p 0.2   (0.8)
/// S3 maintainer       p 0.6   (0.4)
/// M  buyer's system   p 0.5   (0.5)
/// D  data, critical   p 0     (1.0)
/// P  product, critical p 0.2  (0.8)
///
/// e0 S2 -supplies-> S1  0.5     e4 M -hosts-> D      1.0
/// e1 S1 -supplies-> B   0.5     e5 S2 -supplies-> P  0.5
/// e2 S1 -accesses-> M   0.9 (default)   e6 M -actuates-> P 0.5
/// e3 S3 -maintains-> M  0.8 (default)   e7 B -operates-> M 0.5
/// ```
struct Chain {
    graph: SupplyGraph,
    b: NodeIdx,
    s1: NodeIdx,
    s2: NodeIdx,
    s3: NodeIdx,
    m: NodeIdx,
    d: NodeIdx,
    p: NodeIdx,
}

fn chain() -> Chain {
    let mut g = GraphBuilder::new();
    let org = |id: &str, p: f64| NodeSpec::new(id, NodeKind::Organization).protection(p);
    let b = g
        .add_node(org("B", 0.9).buyer().name("Buyer & Co <HQ>"))
        .unwrap();
    let s1 = g.add_node(org("S1", 0.5)).unwrap();
    let s2 = g.add_node(org("S2", 0.2)).unwrap();
    let s3 = g.add_node(org("S3", 0.6)).unwrap();
    let m = g
        .add_node(NodeSpec::new("M", NodeKind::System).protection(0.5))
        .unwrap();
    let d = g
        .add_node(NodeSpec::new("D", NodeKind::Data).critical())
        .unwrap();
    let p = g
        .add_node(
            NodeSpec::new("P", NodeKind::Component)
                .protection(0.2)
                .critical(),
        )
        .unwrap();
    g.add_edge_with(s2, s1, EdgeKind::Supplies, None, Some(0.5))
        .unwrap();
    g.add_edge_with(s1, b, EdgeKind::Supplies, None, Some(0.5))
        .unwrap();
    g.add_edge(s1, m, EdgeKind::Accesses).unwrap();
    g.add_edge(s3, m, EdgeKind::Maintains).unwrap();
    g.add_edge_with(m, d, EdgeKind::Hosts, None, Some(1.0))
        .unwrap();
    g.add_edge_with(s2, p, EdgeKind::Supplies, None, Some(0.5))
        .unwrap();
    g.add_edge_with(m, p, EdgeKind::Actuates, None, Some(0.5))
        .unwrap();
    g.add_edge_with(b, m, EdgeKind::Operates, None, Some(0.5))
        .unwrap();
    Chain {
        graph: g.build(),
        b,
        s1,
        s2,
        s3,
        m,
        d,
        p,
    }
}

#[test]
fn exposure_paths_and_scores_match_hand_computation() {
    let c = chain();
    let report = analyse(
        &c.graph,
        &ExposureOptions {
            paths_per_asset: 3,
            top_paths: 10,
            search_budget: 1000,
        },
    );
    assert_eq!(report.assets.len(), 2);
    let d = &report.assets[0];
    let p = &report.assets[1];
    assert_eq!((d.asset, p.asset), (c.d, c.p));

    // D: S1→M→D = 0.5 × 0.9 × 0.5 × 1.0 × 1.0 = 0.225
    //    S3→M→D = 0.4 × 0.8 × 0.5 × 1.0 × 1.0 = 0.16
    //    S2→S1→M→D = 0.8 × 0.5 × 0.5 × 0.9 × 0.5 = 0.09
    assert!(close(d.exposure, 0.225));
    let likelihoods: Vec<f64> = d.paths.iter().map(|x| x.likelihood).collect();
    assert!(
        close(likelihoods[0], 0.225) && close(likelihoods[1], 0.16) && close(likelihoods[2], 0.09)
    );
    assert_eq!(d.paths[0].nodes, vec![c.s1, c.m, c.d]);
    assert_eq!(d.paths[1].nodes, vec![c.s3, c.m, c.d]);
    assert_eq!(d.paths[2].nodes, vec![c.s2, c.s1, c.m, c.d]);
    // Noisy-OR over the three: 1 − 0.775 × 0.84 × 0.91 = 0.40759
    assert!(close(d.combined, 0.40759));

    // P: S2→P = 0.8 × 0.5 × 0.8 = 0.32; S1→M→P = 0.225 × 0.5 × 0.8 = 0.09;
    //    S3→M→P = 0.16 × 0.5 × 0.8 = 0.064
    assert!(close(p.exposure, 0.32));
    assert_eq!(p.paths[0].nodes, vec![c.s2, c.p]);
    assert!(close(p.paths[1].likelihood, 0.09) && close(p.paths[2].likelihood, 0.064));
    assert!(!p.paths_truncated);

    // Total = 0.225 + 0.32
    assert!(close(report.total, 0.545));

    // All simple entry→asset paths, by hand:
    // 0.32 S2→P, 0.225 S1→M→D, 0.16 S3→M→D, 0.09 S2→S1→M→D, 0.09 S1→M→P, 0.064 S3→M→P,
    // 0.036 S2→S1→M→P (0.09 × 0.5 × 0.8), 0.00625 S1→B→M→D (0.5 × 0.5 × 0.1 × 0.5 × 0.5),
    // 0.0025 S2→S1→B→M→D, 0.0025 S1→B→M→P (0.00625 × 0.5 × 0.8), 0.001 S2→S1→B→M→P.
    // The top 10 needs more than the 3 per asset computed above.
    let top: Vec<f64> = report.top_paths.iter().map(|x| x.likelihood).collect();
    let expected = [
        0.32, 0.225, 0.16, 0.09, 0.09, 0.064, 0.036, 0.00625, 0.0025, 0.0025,
    ];
    assert_eq!(top.len(), 10);
    for (got, want) in top.iter().zip(expected) {
        assert!(close(*got, want), "top paths {top:?}");
    }
    assert_eq!(report.top_paths[0].describe(&c.graph), "S2 -supplies-> P");
}

#[test]
fn path_enumeration_is_exhaustive_and_simple() {
    let c = chain();
    // Simple paths into M: S1→M, S3→M, S2→S1→M, S1→B→M, S2→S1→B→M (5). D is reached only
    // through M (5 paths); P through M (5) or directly from S2 (6). 11 in all.
    let report = analyse(
        &c.graph,
        &ExposureOptions {
            paths_per_asset: 20,
            top_paths: 50,
            search_budget: 1000,
        },
    );
    assert_eq!(report.assets[0].paths.len(), 5);
    assert_eq!(report.assets[1].paths.len(), 6);
    assert_eq!(report.top_paths.len(), 11);
    assert!(close(report.top_paths[10].likelihood, 0.001));
    for path in &report.top_paths {
        let mut seen = path.nodes.clone();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), path.nodes.len(), "path repeats a node");
    }
}

#[test]
fn criticality_ranking_is_exact() {
    let c = chain();
    let options = CriticalityOptions {
        target_protection: 0.9,
        top: 3,
        candidates: Candidates::Suppliers,
    };
    let ranking = rank(&c.graph, &options).unwrap();
    // S2 0.2 → 0.9: ratio 0.1/0.8 = 0.125; P's S2→P drops to 0.04, so P falls back to S1→M→P
    //   0.09: drop 0.32 − 0.09 = 0.23 (D untouched).
    // S1 0.5 → 0.9: ratio 0.2; D's S1→M→D → 0.045, so D falls back to S3→M→D 0.16:
    //   drop 0.225 − 0.16 = 0.065 (P's best path avoids S1).
    // S3 is on no best path: drop 0, not listed.
    assert_eq!(ranking.ranked.len(), 2);
    assert_eq!(ranking.ranked[0].node, c.s2);
    assert!(close(ranking.ranked[0].drop, 0.23));
    assert!(close(ranking.ranked[0].drop_share, 0.23 / 0.545));
    assert_eq!(ranking.ranked[1].node, c.s1);
    assert!(close(ranking.ranked[1].drop, 0.065));
    assert!(close(ranking.total_exposure, 0.545));
    // Bounds: UB(S2) = 0.875 × 0.32 = 0.28, UB(S1) = 0.8 × 0.225 = 0.18 → both evaluated.
    assert_eq!(ranking.candidates_with_bound, 2);

    // With top 1 the bound stops the search after S2: 0.23 ≥ UB(S1) = 0.18.
    let one = rank(&c.graph, &CriticalityOptions { top: 1, ..options }).unwrap();
    assert_eq!(one.exact_evaluations, 1);
    assert_eq!(one.ranked[0].node, c.s2);

    // All nodes: M 0.5 → 0.9 (ratio 0.2) cuts D to max(0.045, 0.032, …) — every path into D
    // crosses M, so D = 0.225 × 0.2 = 0.045 (drop 0.18); P keeps S2→P: total drop 0.18.
    let all = rank(
        &c.graph,
        &CriticalityOptions {
            candidates: Candidates::AllNodes,
            top: 5,
            ..options
        },
    )
    .unwrap();
    let m = all.ranked.iter().find(|r| r.node == c.m).unwrap();
    assert!(close(m.drop, 0.18));
    // P itself 0.2 → 0.9: every path into P ×0.125 → 0.04, drop 0.28; D itself 0 → 0.9: 0.2025.
    assert_eq!(all.ranked[0].node, c.p);
    assert!(close(all.ranked[0].drop, 0.28));
    assert_eq!(all.ranked[1].node, c.s2);
    assert_eq!(all.ranked[2].node, c.d);
    assert!(close(all.ranked[2].drop, 0.2025));
}

#[test]
fn criticality_agrees_with_full_recomputation() {
    // The bound-and-recompute result equals brute force: one what-if per node.
    let c = chain();
    let options = CriticalityOptions {
        target_protection: 0.8,
        top: 10,
        candidates: Candidates::AllNodes,
    };
    let ranking = rank(&c.graph, &options).unwrap();
    for v in 0..c.graph.node_count() as NodeIdx {
        if c.graph.protection(v) >= 0.8 {
            continue;
        }
        let change = [Change::SetProtection {
            node: v,
            protection: 0.8,
        }];
        let w = what_if(&c.graph, &change, &ExposureOptions::default()).unwrap();
        let brute = w.total_before - w.total_after;
        let ranked = ranking
            .ranked
            .iter()
            .find(|r| r.node == v)
            .map_or(0.0, |r| r.drop);
        assert!(
            (brute - ranked).abs() < EPS,
            "node {v}: brute {brute} ranked {ranked}"
        );
    }
}

#[test]
fn what_if_reports_side_by_side_deltas() {
    let c = chain();
    let cut = c.graph.find_edge(c.s1, c.m).unwrap();
    let changes = [
        Change::RemoveEdge { edge: cut },
        Change::RemoveNode { node: c.s3 },
    ];
    let w = what_if(&c.graph, &changes, &ExposureOptions::default()).unwrap();
    // D without S1→M and S3: best is S1→B→M→D = 0.5 × 0.5 × 0.1 × 0.5 × 0.5 × 1 = 0.00625.
    let d = &w.assets[0];
    assert!(close(d.before, 0.225) && close(d.after, 0.00625) && close(d.delta, -0.21875));
    assert_eq!(
        d.best_path_after.as_ref().unwrap().nodes,
        vec![c.s1, c.b, c.m, c.d]
    );
    // P keeps S2→P = 0.32.
    assert!(close(w.assets[1].delta, 0.0));
    assert!(close(w.total_before, 0.545) && close(w.total_after, 0.32625));

    // "S2 reaches ★4": protection 0.95 × 85/100 = 0.8075 → S2→P = 0.1925 × 0.5 × 0.8 = 0.077,
    // so P falls back to S1→M→P = 0.09.
    let star4 = TrustModel::default().star4_protection();
    assert!(close(star4, 0.8075));
    let w = what_if(
        &c.graph,
        &[Change::SetProtection {
            node: c.s2,
            protection: star4,
        }],
        &Default::default(),
    )
    .unwrap();
    assert!(close(w.assets[1].after, 0.09) && close(w.assets[1].delta, -0.23));

    // The same through the trust model: a fresh, complete third-party ★4 scores 85.
    let trust = TrustInputs {
        attainment: Attainment::Star(4),
        assessor: Assessor::ThirdParty,
        coverage: 1.0,
        evidence_share: 1.0,
        age_days: 10,
        open_gaps: vec![],
    };
    let w = what_if(
        &c.graph,
        &[Change::SetTrust {
            node: c.s2,
            trust: trust.clone(),
        }],
        &Default::default(),
    )
    .unwrap();
    assert!(close(w.assets[1].after, 0.09));
    assert_eq!(w.top_paths_after[0].ids(&c.graph), ["S1", "M", "D"]);
    let bad = TrustInputs {
        coverage: -1.0,
        ..trust
    };
    let err = what_if(
        &c.graph,
        &[Change::SetTrust {
            node: c.s2,
            trust: bad,
        }],
        &Default::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("change 0.trust") && err.to_string().contains("coverage"),
        "{err}"
    );

    // Invalid changes are rejected before anything is applied, naming the change.
    let err = what_if(
        &c.graph,
        &[Change::SetProtection {
            node: c.s2,
            protection: 1.5,
        }],
        &Default::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("change 0"), "{err}");
    let err = what_if(
        &c.graph,
        &[Change::RemoveConnection {
            from: c.d,
            to: c.s1,
        }],
        &Default::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no such connection"), "{err}");
}

#[test]
fn impact_follows_stop_and_compromise_edges() {
    let c = chain();
    let rules = ImpactRules::default();
    let names = |r: &sanso_supply::impact::ImpactReport| -> Vec<(String, u32)> {
        r.affected
            .iter()
            .map(|a| (c.graph.id(a.node).to_string(), a.hops))
            .collect()
    };
    // S1 stops: supplies→B carries stop, accesses→M does not; B operates M; M hosts D, actuates P.
    let stop = impact(&c.graph, c.s1, Disruption::Stopped, &rules).unwrap();
    assert_eq!(
        names(&stop),
        [("B", 1), ("M", 2), ("D", 3), ("P", 3)].map(|(a, b)| (a.to_string(), b))
    );
    let d = stop.affected.iter().find(|a| a.node == c.d).unwrap();
    assert_eq!(d.path, vec![c.s1, c.b, c.m, c.d]);
    // S1 compromised: accesses carries compromise, so M is 1 hop away and D, P 2.
    let hit = impact(&c.graph, c.s1, Disruption::Compromised, &rules).unwrap();
    assert_eq!(
        names(&hit),
        [("B", 1), ("M", 1), ("D", 2), ("P", 2)].map(|(a, b)| (a.to_string(), b))
    );
    // S3 only maintains M: its outage stops nothing; its compromise reaches M, D, P.
    assert!(impact(&c.graph, c.s3, Disruption::Stopped, &rules)
        .unwrap()
        .affected
        .is_empty());
    let hit = impact(&c.graph, c.s3, Disruption::Compromised, &rules).unwrap();
    assert_eq!(hit.of_kind(NodeKind::Data).count(), 1);
    assert_eq!(hit.affected.len(), 3);
    // S2 stops: S1 and P (1 hop), B (2), M (3), D (4).
    let stop = impact(&c.graph, c.s2, Disruption::Stopped, &rules).unwrap();
    assert_eq!(
        names(&stop),
        [("S1", 1), ("P", 1), ("B", 2), ("M", 3), ("D", 4)].map(|(a, b)| (a.to_string(), b))
    );
    assert!(impact(&c.graph, 99, Disruption::Stopped, &rules).is_err());
}

#[test]
fn tiers_and_supplier_cycles() {
    let c = chain();
    let tiers = supplier_tiers(&c.graph).unwrap();
    assert_eq!(tiers.tier(c.b), Some(0));
    assert_eq!(tiers.tier(c.s1), Some(1));
    assert_eq!(tiers.tier(c.s2), Some(2));
    assert_eq!(
        tiers.tier(c.s3),
        None,
        "S3 only maintains a system: no supply tier"
    );
    assert_eq!(tiers.tier(c.m), None);
    assert_eq!(tiers.depth(), 2);

    // A supplies buyer B0; X supplies A; A supplies Y; Y supplies X: X, A, Y form a cycle.
    // DFS from A (first organisation with supply edges after B0): A → Y → X → A.
    let mut g = GraphBuilder::new();
    let b0 = g
        .add_node(NodeSpec::new("B0", NodeKind::Organization).buyer())
        .unwrap();
    let a = g
        .add_node(NodeSpec::new("A", NodeKind::Organization))
        .unwrap();
    let x = g
        .add_node(NodeSpec::new("X", NodeKind::Organization))
        .unwrap();
    let y = g
        .add_node(NodeSpec::new("Y", NodeKind::Organization))
        .unwrap();
    g.add_edge(a, b0, EdgeKind::Supplies).unwrap();
    g.add_edge(x, a, EdgeKind::Supplies).unwrap();
    g.add_edge(a, y, EdgeKind::Supplies).unwrap();
    g.add_edge(y, x, EdgeKind::Supplies).unwrap();
    let err = supplier_tiers(&g.build()).unwrap_err();
    assert_eq!(
        err,
        SupplyError::SupplyCycle {
            cycle: ["A", "Y", "X", "A"].map(String::from).to_vec()
        }
    );
    assert_eq!(err.to_string(), "supplier cycle: A → Y → X → A");

    // No buyer flagged: a clear error.
    let mut g = GraphBuilder::new();
    g.add_node(NodeSpec::new("A", NodeKind::Organization))
        .unwrap();
    assert_eq!(
        supplier_tiers(&g.build()).unwrap_err(),
        SupplyError::NoBuyer
    );
}

#[test]
fn trust_score_explains_itself() {
    // ★3, self-assessed, coverage 0.9, evidence 0.5, 500 days old, one gap of weight 0.6:
    // 60 → ×1 (0) → ×0.94 = 56.4 (−3.6) → ×0.9 = 50.76 (−5.64)
    //    → ×(1 − 0.25 × 135/365) = ×0.9075342… = 46.0664 (−4.6936) → −3 → 43.0664
    let input = TrustInputs {
        attainment: Attainment::Star(3),
        assessor: Assessor::SelfAssessed,
        coverage: 0.9,
        evidence_share: 0.5,
        age_days: 500,
        open_gaps: vec![OpenGap {
            requirement: "R10".into(),
            weight: 0.6,
        }],
    };
    let s = trust_score(&input).unwrap();
    let deltas: Vec<(&str, f64)> = s.factors.iter().map(|f| (f.key, f.delta)).collect();
    let want = [
        ("level", 60.0),
        ("assessor", 0.0),
        ("coverage", -3.6),
        ("evidence", -5.64),
        ("age", -4.6936),
        ("gaps", -3.0),
    ];
    assert_eq!(deltas.len(), want.len());
    for ((k, d), (wk, wd)) in deltas.iter().zip(want) {
        assert_eq!(*k, wk);
        assert!((d - wd).abs() < 1e-4, "{k}: {d} vs {wd}");
    }
    assert!((s.score - 43.0664).abs() < 1e-4);
    // The factors add up to the score.
    assert!((s.factors.iter().map(|f| f.delta).sum::<f64>() - s.score).abs() < 1e-9);
    // protection = 0.95 × 0.430664
    assert!((s.protection - 0.409131).abs() < 1e-6);
    assert!(s.factors[5].explanation.contains("R10"));

    // ★4 self-assessed, complete and fresh: 85 × 0.85 = 72.25.
    let s = trust_score(&TrustInputs {
        attainment: Attainment::Star(4),
        assessor: Assessor::SelfAssessed,
        coverage: 1.0,
        evidence_share: 1.0,
        age_days: 30,
        open_gaps: vec![],
    })
    .unwrap();
    assert!((s.score - 72.25).abs() < 1e-9 && (s.protection - 0.686375).abs() < 1e-9);

    // Nothing attained and three heavy gaps: 10 − 15 = −5 → clamped to 0 (+5).
    let s = trust_score(&TrustInputs {
        attainment: Attainment::None,
        assessor: Assessor::SelfAssessed,
        coverage: 1.0,
        evidence_share: 1.0,
        age_days: 0,
        open_gaps: (0..3)
            .map(|i| OpenGap {
                requirement: format!("G{i}"),
                weight: 1.0,
            })
            .collect(),
    })
    .unwrap();
    // None is not a ★1–3 level, so self-assessment costs ×0.85: 10 → 8.5 → −15 → −6.5 → +6.5.
    assert_eq!(s.score, 0.0);
    assert_eq!(s.factors.last().unwrap().key, "clamp");
    assert!((s.factors.last().unwrap().delta - 6.5).abs() < 1e-9);

    // Bad inputs name the field.
    let err = trust_score(&TrustInputs {
        coverage: 1.2,
        ..input.clone()
    })
    .unwrap_err();
    assert!(err.to_string().contains("coverage"));
    let err = trust_score(&TrustInputs {
        attainment: Attainment::Star(5),
        ..input
    })
    .unwrap_err();
    assert!(err.to_string().contains("★5"));
}

#[test]
fn star_level_rule() {
    let none = OtherFactors::default();
    let q = RelationshipQuestions::default();
    assert_eq!(star_level_to_request(&q, &none).level, 3);
    for q in [
        RelationshipQuestions {
            handles_confidential_data: true,
            ..q
        },
        RelationshipQuestions {
            outage_stops_us: true,
            ..q
        },
        RelationshipQuestions {
            reaches_internal_systems: true,
            ..q
        },
    ] {
        let r = star_level_to_request(&q, &none);
        assert_eq!(r.level, 4);
        assert_eq!(r.reasons.len(), 1);
    }
    let r = star_level_to_request(
        &q,
        &OtherFactors {
            on_top_attack_path: true,
            high_criticality: false,
        },
    );
    assert_eq!(r.level, 4);
    assert!(r.reasons[0].contains("our rule"));

    // From the graph: S1 accesses the buyer's system M (Q3) and its outage stops the buyer (Q2).
    let c = chain();
    let q1 = suggest_questions(&c.graph, c.s1).unwrap();
    assert!(!q1.handles_confidential_data && q1.outage_stops_us && q1.reaches_internal_systems);
    // S2: no data, no access, but its outage stops P (supplies → P, critical): Q2 yes → ★4.
    // It also heads the most likely path (S2→P) and its criticality drop is 0.23/0.545 = 42 %.
    let report = analyse(&c.graph, &ExposureOptions::default());
    let ranking = rank(
        &c.graph,
        &CriticalityOptions {
            target_protection: 0.9,
            top: 3,
            candidates: Candidates::Suppliers,
        },
    )
    .unwrap();
    let (q2, request) = recommend_star_level(&c.graph, c.s2, &report, &ranking, 0.01).unwrap();
    assert!(q2.outage_stops_us && !q2.reaches_internal_systems && !q2.handles_confidential_data);
    assert_eq!(request.level, 4);
    assert_eq!(
        request.reasons.len(),
        1,
        "the flow's reason suffices; our rules only lift all-no answers"
    );
    // S3 maintains M: Q3 yes; its outage stops nothing.
    let q3 = suggest_questions(&c.graph, c.s3).unwrap();
    assert!(!q3.outage_stops_us && q3.reaches_internal_systems);
}

#[test]
fn star_rule_matches_catalog_facts() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/catalog-facts/jp-schemes.yaml"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("missing catalog facts {path}: {e}"));
    let flow = text
        .find("buyer_decision_flow:")
        .unwrap_or_else(|| panic!("{path}: no buyer_decision_flow"));
    let flow = &text[flow..];
    let any_yes = flow.find("condition: any_yes").expect("any_yes outcome");
    let all_no = flow.find("condition: all_no").expect("all_no outcome");
    assert!(flow[any_yes..all_no].contains("require_level: 4"));
    assert!(flow[all_no..]
        .lines()
        .take(3)
        .any(|l| l.contains("require_level: 3")));
    println!("★ decision flow: rule matches {path}");
}

#[test]
fn svg_diagram_escapes_and_highlights() {
    let c = chain();
    let report = analyse(&c.graph, &ExposureOptions::default());
    let svg = render_svg(&c.graph, &report.top_paths[..2]).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Buyer &amp; Co &lt;HQ&gt;"));
    assert!(!svg.contains("Buyer & Co"));
    // Weak edges: S2→P and S1→M, M→D.
    assert_eq!(svg.matches(r##"stroke="#c00""##).count(), 3);
    assert!(svg.contains("tier 2") && svg.contains("tier 0"));
    // S2 (protection 0.2) is redder than B (0.9).
    assert!(svg.contains("hsl(25,70%,55%)") && svg.contains("hsl(114,70%,55%)"));
}

#[test]
fn json_document_errors_name_the_path() {
    let ok = r#"{"nodes":[{"id":"S","kind":"organization","protection":0.2},
        {"id":"T","kind":"data","critical":true}],
        "edges":[{"from":"S","to":"T","kind":"transfers_data"}]}"#;
    let g = SupplyGraph::from_json(ok).unwrap();
    // 0.8 × 0.4 × 1
    assert!(close(analyse(&g, &ExposureOptions::default()).total, 0.32));

    let bad = r#"{"nodes":[{"id":"S","kind":"organization"}],
        "edges":[{"from":"S","to":"S","kind":"supplies"},{"from":"S","to":"Q","kind":"supplies"}]}"#;
    let err = SupplyGraph::from_json(bad).unwrap_err().to_string();
    assert!(err.contains("edges[1]") && err.contains("\"Q\""), "{err}");
    let bad = r#"{"nodes":[{"id":"S","kind":"organization","protection":2}],"edges":[]}"#;
    let err = SupplyGraph::from_json(bad).unwrap_err().to_string();
    assert!(
        err.contains("nodes[0]") && err.contains("protection"),
        "{err}"
    );
    let bad = r#"{"nodes":[{"id":"S","kind":"planet"}],"edges":[]}"#;
    let err = SupplyGraph::from_json(bad).unwrap_err().to_string();
    assert!(err.contains("line 1"), "{err}");
}

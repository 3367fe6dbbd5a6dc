//! Synthetic supply chains for benchmarks and randomised tests.
//!
//! A deterministic generator (seeded SplitMix64, so runs are reproducible on every machine)
//! shaped like a manufacturer's chain: one buyer, suppliers in tiers whose sizes grow about
//! tenfold per tier, each supplier with one system of its own, buyer-side systems and the
//! buyer's critical assets (data, products, operations). Edges:
//! * `supplies` from each supplier to 1–3 customers in the tier below (acyclic by construction),
//! * `operates` from each organisation to its own systems,
//! * `transfers_data` between a supplier's system and its customers' systems,
//! * `accesses` / `maintains` from tier-1/2 suppliers into buyer systems,
//! * `hosts` / `actuates` / `contains` from buyer systems and tier-1 suppliers into critical assets,
//! * random `transfers_data` links between supplier systems to reach the requested edge count.
//!
//! Supplier protection comes from [`crate::trust`] with random but plausible inputs.

use crate::error::Result;
use crate::graph::{EdgeKind, GraphBuilder, NodeIdx, NodeKind, NodeSpec, SupplyGraph};
use crate::trust::{Assessor, Attainment, OpenGap, TrustInputs, TrustModel};

/// Size of a synthetic chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainShape {
    /// Organisations including the buyer.
    pub organisations: usize,
    /// Edges to generate in total (at least the structural ones are always created).
    pub connections: usize,
    /// Critical assets of the buyer.
    pub critical_assets: usize,
    /// Buyer-side systems.
    pub buyer_systems: usize,
    pub seed: u64,
}

impl ChainShape {
    /// The benchmark shape: 100,000 organisations, 1,000,000 connections, 1,000 critical assets.
    pub fn benchmark() -> Self {
        ChainShape {
            organisations: 100_000,
            connections: 1_000_000,
            critical_assets: 1_000,
            buyer_systems: 2_000,
            seed: 42,
        }
    }
}

/// SplitMix64: tiny, fast, statistically fine for test data; no dependency needed.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [0, n); `n` must be > 0.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
}

fn supplier_trust(rng: &mut SplitMix64, model: &TrustModel) -> Result<f64> {
    let attainment = match rng.below(10) {
        0..=2 => Attainment::None,
        3 => Attainment::Star(1),
        4 => Attainment::Star(2),
        5..=7 => Attainment::Star(3),
        8 => Attainment::Star(4),
        _ => Attainment::Other(rng.unit()),
    };
    let gaps = (0..rng.below(3))
        .map(|i| OpenGap {
            requirement: format!("R{:02}", i + 1),
            weight: rng.unit(),
        })
        .collect();
    let input = TrustInputs {
        attainment,
        assessor: if rng.below(4) == 0 {
            Assessor::ThirdParty
        } else {
            Assessor::SelfAssessed
        },
        coverage: 0.5 + 0.5 * rng.unit(),
        evidence_share: rng.unit(),
        age_days: rng.below(1200) as u32,
        open_gaps: gaps,
    };
    Ok(model.score(&input)?.protection)
}

/// Generate a chain of the given shape.
pub fn generate(shape: &ChainShape) -> Result<SupplyGraph> {
    let mut rng = SplitMix64::new(shape.seed);
    let model = TrustModel::default();
    let orgs = shape.organisations.max(2);
    let nodes = orgs * 2 + shape.buyer_systems + shape.critical_assets;
    let mut b = GraphBuilder::new();
    b.reserve(nodes, shape.connections.max(orgs * 4));

    // Tier sizes grow tenfold per tier from 0.5% of the suppliers at tier 1.
    let suppliers = orgs - 1;
    let mut tier_sizes = Vec::new();
    let mut left = suppliers;
    let mut size = (suppliers / 200).max(1);
    while left > 0 {
        let s = size.min(left);
        tier_sizes.push(s);
        left -= s;
        size *= 10;
    }
    let buyer = b.add_node(
        NodeSpec::new("buyer", NodeKind::Organization)
            .name("Buyer")
            .buyer()
            .protection(0.8),
    )?;
    let mut tiers: Vec<Vec<NodeIdx>> = vec![vec![buyer]];
    for (t, &count) in tier_sizes.iter().enumerate() {
        let mut ids = Vec::with_capacity(count);
        for i in 0..count {
            let p = supplier_trust(&mut rng, &model)?;
            ids.push(b.add_node(
                NodeSpec::new(format!("t{}-s{i}", t + 1), NodeKind::Organization).protection(p),
            )?);
        }
        tiers.push(ids);
    }
    // One own system per supplier.
    let mut own_system = vec![0 as NodeIdx; orgs];
    for tier in tiers.iter().skip(1) {
        for &s in tier {
            let p = 0.2 + 0.5 * rng.unit();
            let sys =
                b.add_node(NodeSpec::new(format!("sys-{s}"), NodeKind::System).protection(p))?;
            own_system[s as usize] = sys;
            b.add_edge(s, sys, EdgeKind::Operates)?;
        }
    }
    let mut buyer_systems = Vec::with_capacity(shape.buyer_systems);
    for i in 0..shape.buyer_systems {
        let mut spec = NodeSpec::new(format!("buyer-sys-{i}"), NodeKind::System)
            .protection(0.5 + 0.4 * rng.unit());
        if i % 40 == 0 {
            spec = spec.exposed().entry_likelihood(0.5);
        }
        let sys = b.add_node(spec)?;
        b.add_edge(buyer, sys, EdgeKind::Operates)?;
        buyer_systems.push(sys);
    }
    // Supply relations, tier k+1 → tier k, with data flows between their systems.
    for t in 1..tiers.len() {
        for i in 0..tiers[t].len() {
            let s = tiers[t][i];
            for _ in 0..1 + rng.below(3) {
                let customer = tiers[t - 1][rng.below(tiers[t - 1].len())];
                b.add_edge(s, customer, EdgeKind::Supplies)?;
                if customer != buyer {
                    b.add_edge(
                        own_system[s as usize],
                        own_system[customer as usize],
                        EdgeKind::TransfersData,
                    )?;
                }
            }
        }
    }
    // Tier-1 and tier-2 suppliers reach into buyer systems.
    for (t, tier) in tiers.iter().enumerate().skip(1).take(2) {
        for &s in tier {
            for _ in 0..(if t == 1 { 4 } else { 1 }) {
                let target = buyer_systems[rng.below(buyer_systems.len())];
                let kind = if rng.below(3) == 0 {
                    EdgeKind::Maintains
                } else {
                    EdgeKind::Accesses
                };
                b.add_edge(s, target, kind)?;
            }
        }
    }
    // Critical assets.
    for i in 0..shape.critical_assets {
        let (kind, label) = match i % 10 {
            0..=3 => (NodeKind::Data, "data"),
            4..=6 => (NodeKind::Component, "product"),
            _ => (NodeKind::Operation, "operation"),
        };
        let spec = NodeSpec::new(format!("{label}-{i}"), kind)
            .critical()
            .protection(0.3 * rng.unit())
            .value(1.0 + rng.below(5) as f64);
        let asset = b.add_node(spec)?;
        for _ in 0..2 + rng.below(4) {
            let sys = buyer_systems[rng.below(buyer_systems.len())];
            let edge = if kind == NodeKind::Data {
                EdgeKind::Hosts
            } else {
                EdgeKind::Actuates
            };
            b.add_edge(sys, asset, edge)?;
        }
        if kind == NodeKind::Component && tiers.len() > 1 {
            for _ in 0..2 {
                let s = tiers[1][rng.below(tiers[1].len())];
                b.add_edge(s, asset, EdgeKind::Contains)?;
            }
        }
    }
    // Fill up with data flows between supplier systems.
    let all_suppliers: Vec<NodeIdx> = tiers.iter().skip(1).flatten().copied().collect();
    if !all_suppliers.is_empty() {
        let mut count = 0usize;
        let have = b.edge_count();
        while have + count < shape.connections {
            let a = all_suppliers[rng.below(all_suppliers.len())];
            let c = all_suppliers[rng.below(all_suppliers.len())];
            if a != c {
                b.add_edge(
                    own_system[a as usize],
                    own_system[c as usize],
                    EdgeKind::TransfersData,
                )?;
                count += 1;
            }
        }
    }
    Ok(b.build())
}

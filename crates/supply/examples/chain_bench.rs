//! Benchmark: exposure for every critical asset, the 10 most likely attack paths overall and a
//! criticality ranking of the top 100 suppliers on a generated chain.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-supply cargo build --release -p sanso-supply --example chain_bench
//! /usr/bin/time -v /work/target-supply/release/examples/chain_bench [organisations connections assets repeats]
//! ```
//! Defaults: 100,000 organisations, 1,000,000 connections, 1,000 critical assets, 1 repeat.
//! With repeats > 1 the analysis runs that many times and the fastest and median runs are
//! reported (the machine is shared; the fastest run is the least disturbed one).

use std::time::Instant;

use sanso_supply::criticality::{rank_with, Candidates, CriticalityOptions};
use sanso_supply::exposure::{analyse_with, BestPaths, CostModel, ExposureOptions};
use sanso_supply::synthetic::{generate, ChainShape};
use sanso_supply::trust::TrustModel;

fn arg(args: &[String], i: usize, default: usize) -> Result<usize, String> {
    match args.get(i) {
        Some(s) => s
            .replace('_', "")
            .parse()
            .map_err(|e| format!("argument {i} ({s:?}): {e}")),
        None => Ok(default),
    }
}

/// Nanoseconds this thread has spent on a CPU (Linux `schedstat`). The machine is shared, so
/// wall time includes waiting for a core; on-CPU time shows the work itself.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn cpu_since(start: Option<u64>) -> String {
    match (start, cpu_ns()) {
        (Some(a), Some(b)) => format!("{:.1}ms on-CPU", (b - a) as f64 / 1e6),
        _ => "on-CPU time unavailable".to_string(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let mut shape = ChainShape::benchmark();
    shape.organisations = arg(&args, 1, shape.organisations)?;
    shape.connections = arg(&args, 2, shape.connections)?;
    shape.critical_assets = arg(&args, 3, shape.critical_assets)?;
    let repeats = arg(&args, 4, 1)?.max(1);

    let t0 = Instant::now();
    let graph = generate(&shape)?;
    let generated = t0.elapsed();
    println!(
        "graph: {} nodes, {} edges, {} critical assets, ~{:.0} MB (generated and built in {:.2?})",
        graph.node_count(),
        graph.edge_count(),
        graph.critical_nodes().len(),
        graph.heap_bytes() as f64 / 1e6,
        generated
    );

    let t1 = Instant::now();
    let c1 = cpu_ns();
    let costs = CostModel::new(&graph);
    let best = BestPaths::compute(&graph, &costs);
    let t_forest = t1.elapsed();
    let options = ExposureOptions {
        paths_per_asset: 3,
        top_paths: 10,
        search_budget: 20_000,
    };
    let report = analyse_with(&graph, &costs, &best, &options);
    let t_exposure = t1.elapsed();
    let criticality = CriticalityOptions {
        target_protection: TrustModel::default().star4_protection(),
        top: 100,
        candidates: Candidates::Suppliers,
    };
    let ranking = rank_with(&graph, &costs, &best, &criticality)?;
    let t_total = t1.elapsed();

    let truncated = report.assets.iter().filter(|a| a.paths_truncated).count();
    let reached = report.assets.iter().filter(|a| a.exposure > 0.0).count();
    println!("best-path forest (one multi-source Dijkstra): {t_forest:.2?}");
    println!(
        "exposure: {} assets ({reached} reachable, {truncated} path lists truncated), total {:.4}, done at {t_exposure:.2?}",
        report.assets.len(),
        report.total
    );
    println!("top attack paths:");
    for (i, p) in report.top_paths.iter().enumerate() {
        println!("  {:2}. {:.5}  {}", i + 1, p.likelihood, p.describe(&graph));
    }
    println!(
        "criticality: top {} of {} bounded candidates, {} exact recomputations",
        ranking.ranked.len(),
        ranking.candidates_with_bound,
        ranking.exact_evaluations
    );
    for (i, c) in ranking.ranked.iter().take(5).enumerate() {
        println!(
            "  {:2}. {:<12} protection {:.3} → {:.4}: drop {:.5} ({:.2}% of total, {} assets)",
            i + 1,
            graph.id(c.node),
            c.protection,
            criticality.target_protection,
            c.drop,
            c.drop_share * 100.0,
            c.assets_improved
        );
    }
    println!(
        "analysis time (exposure + top-10 paths + criticality top 100): {t_total:.2?} wall, {}",
        cpu_since(c1)
    );
    if repeats > 1 {
        let mut runs = vec![t_total];
        let mut forests = vec![t_forest];
        let mut cpu = Vec::new();
        for _ in 1..repeats {
            let t = Instant::now();
            let c = cpu_ns();
            let costs = CostModel::new(&graph);
            let best = BestPaths::compute(&graph, &costs);
            forests.push(t.elapsed());
            let again = analyse_with(&graph, &costs, &best, &options);
            let ranked = rank_with(&graph, &costs, &best, &criticality)?;
            runs.push(t.elapsed());
            if let (Some(a), Some(b)) = (c, cpu_ns()) {
                cpu.push(b - a);
            }
            // Same inputs, same answers: a cheap guard that the repeats measure the same work.
            assert_eq!(again.top_paths, report.top_paths);
            assert_eq!(ranked.ranked, ranking.ranked);
        }
        runs.sort();
        forests.sort();
        cpu.sort();
        if let Some(fastest) = cpu.first() {
            println!(
                "repeats on-CPU: fastest {:.1}ms, median {:.1}ms",
                *fastest as f64 / 1e6,
                cpu[cpu.len() / 2] as f64 / 1e6
            );
        }
        println!(
            "{repeats} runs: analysis fastest {:.2?}, median {:.2?}; forest fastest {:.2?}, median {:.2?}",
            runs[0],
            runs[repeats / 2],
            forests[0],
            forests[repeats / 2]
        );
    }
    Ok(())
}

//! Write the SVG diagram of a small generated chain, its weakest paths highlighted.
//!
//! `cargo run -p sanso-supply --example chain_svg -- out.svg [organisations] [seed]`

use sanso_supply::exposure::{analyse, ExposureOptions};
use sanso_supply::svg::render_svg;
use sanso_supply::synthetic::{generate, ChainShape};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .ok_or("usage: chain_svg OUT.svg [organisations] [seed]")?;
    let organisations = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(25);
    let seed = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(7);
    let shape = ChainShape {
        organisations,
        connections: organisations * 3,
        critical_assets: 4,
        buyer_systems: 4,
        seed,
    };
    let graph = generate(&shape)?;
    let report = analyse(&graph, &ExposureOptions::default());
    std::fs::write(
        out,
        render_svg(&graph, &report.top_paths[..report.top_paths.len().min(3)])?,
    )?;
    println!(
        "{} nodes, {} edges → {out}",
        graph.node_count(),
        graph.edge_count()
    );
    Ok(())
}

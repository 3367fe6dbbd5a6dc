//! Ingests SBOM files (parse + de-duplicate) and prints what was found and how long it took.
//!
//! `cargo run --release -p sanso-sbom --example ingest -- FILE...`

use std::path::Path;
use std::time::Instant;

use sanso_sbom::{dedupe::dedupe, read_sbom_path, ReadOptions};

fn main() -> anyhow::Result<()> {
    let options = ReadOptions::default();
    for path in std::env::args().skip(1) {
        let started = Instant::now();
        let mut sbom = read_sbom_path(Path::new(&path), &options)?;
        let parsed = started.elapsed();
        let report = dedupe(&mut sbom);
        let total = started.elapsed();
        println!(
            "{path}: {:?} {:?} {}: {} components ({} after dedupe), {} dependency lists, {} warnings; parse {:.2?}, parse+dedupe {:.2?}",
            sbom.format,
            sbom.encoding,
            sbom.spec_version,
            report.components_before,
            report.components_after,
            sbom.dependencies.len(),
            sbom.warnings.len(),
            parsed,
            total
        );
    }
    Ok(())
}

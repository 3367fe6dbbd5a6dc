//! Ingests SBOM files (parse + de-duplicate) and prints what was found and how long it took.
//!
//! `cargo run --release -p sanso-sbom --example ingest -- [--stream] FILE...`
//!
//! With `--stream`, components go to a sink that keeps only their identities (what a server
//! that writes components to its database as they arrive would hold), instead of a `Vec`.

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use sanso_sbom::dedupe::{dedupe, identity, Identity};
use sanso_sbom::{read_sbom_path, read_sbom_path_into, Component, ComponentSink, ReadOptions};

/// Counts components and remembers the distinct identities.
#[derive(Default)]
struct IdentitySink {
    components: usize,
    identities: HashSet<Identity>,
}

impl ComponentSink for IdentitySink {
    fn accept(
        &mut self,
        component: Component,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.components += 1;
        if let Some(key) = identity(&component) {
            self.identities.insert(key);
        }
        Ok(())
    }
}

fn main() -> anyhow::Result<()> {
    let options = ReadOptions::default();
    let mut stream = false;
    for argument in std::env::args().skip(1) {
        if argument == "--stream" {
            stream = true;
            continue;
        }
        let path = Path::new(&argument);
        let started = Instant::now();
        if stream {
            let mut sink = IdentitySink::default();
            let sbom = read_sbom_path_into(path, &options, &mut sink)?;
            println!(
                "{argument}: {:?} {:?} {}: {} components streamed ({} distinct identities), {} dependency lists; {:.2?}",
                sbom.format,
                sbom.encoding,
                sbom.spec_version,
                sink.components,
                sink.identities.len(),
                sbom.dependencies.len(),
                started.elapsed()
            );
            continue;
        }
        let mut sbom = read_sbom_path(path, &options)?;
        let parsed = started.elapsed();
        let report = dedupe(&mut sbom);
        let total = started.elapsed();
        println!(
            "{argument}: {:?} {:?} {}: {} components ({} after dedupe), {} dependency lists, {} warnings; parse {:.2?}, parse+dedupe {:.2?}",
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

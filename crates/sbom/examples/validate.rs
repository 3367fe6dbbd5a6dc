//! Validates CycloneDX documents against the specification and prints the verdict per file.
//!
//! `cargo run -p sanso-sbom --example validate -- SCHEMA_DIR FILE...`

use std::path::Path;

use sanso_sbom::validate::CycloneDxSchemas;
use sanso_sbom::ReadOptions;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let schema_dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: validate SCHEMA_DIR FILE..."))?;
    let schemas = CycloneDxSchemas::load(Path::new(&schema_dir))?;
    let options = ReadOptions::default();
    for path in args {
        let file = std::fs::File::open(&path)?;
        match schemas.validate(file, &options) {
            Ok(version) => println!("{path}: valid CycloneDX {version}"),
            Err(error) => println!("{path}: {error}"),
        }
    }
    Ok(())
}

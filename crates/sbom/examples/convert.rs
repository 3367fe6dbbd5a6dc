//! Converts an SBOM to another format.
//!
//! `cargo run --release -p sanso-sbom --example convert -- IN OUT (cdx-json|cdx-xml|spdx-json)`

use std::io::BufWriter;
use std::path::Path;

use sanso_sbom::{read_sbom_path, write, ReadOptions};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, format] = args.as_slice() else {
        anyhow::bail!("usage: convert IN OUT (cdx-json|cdx-xml|spdx-json)");
    };
    let sbom = read_sbom_path(Path::new(input), &ReadOptions::default())?;
    let out = BufWriter::new(std::fs::File::create(output)?);
    match format.as_str() {
        "cdx-json" => write::cyclonedx_json(&sbom, out)?,
        "cdx-xml" => write::cyclonedx_xml(&sbom, out)?,
        "spdx-json" => write::spdx_json(&sbom, out)?,
        other => anyhow::bail!("unknown output format {other:?}"),
    }
    println!("{} components written to {output}", sbom.components.len());
    Ok(())
}

//! Writes a large synthetic CycloneDX 1.6 JSON SBOM for the ingest benchmark.
//!
//! `cargo run --release -p sanso-sbom --example generate -- OUT.json [COMPONENTS]`
//!
//! The document looks like a real one: Maven, npm and PyPI packages with purls, SHA-256 hashes,
//! licences, properties, a dependency graph, one nested component in fifty and one duplicate
//! package in twenty (same purl under another bom-ref), so de-duplication has work to do.
//! Output is written as it is generated; the generator itself holds no document in memory.

use std::io::{BufWriter, Write};

/// xorshift64*: deterministic, so every run benchmarks the same document.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: generate OUT.json [COMPONENTS]"))?;
    let count: usize = match args.next() {
        Some(text) => text.parse()?,
        None => 300_000,
    };
    let file = std::fs::File::create(&out)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut random = Random(0x5EED_CAFE_F00D_BEEF);
    let licenses = [
        "Apache-2.0",
        "MIT",
        "BSD-3-Clause",
        "EPL-2.0",
        "MPL-2.0 OR MIT",
    ];
    writeln!(
        w,
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,"metadata":{{"timestamp":"2026-01-01T00:00:00Z","tools":{{"components":[{{"type":"application","name":"sanso-sbom-generate","version":"1"}}]}},"component":{{"type":"application","bom-ref":"root","name":"big-product","version":"1.0.0"}}}},"components":["#
    )?;
    for index in 0..count {
        // One in twenty repeats an earlier package (same purl) under its own bom-ref.
        let package = if index > 20 && index % 20 == 0 {
            (random.next() as usize) % index
        } else {
            index
        };
        let (ecosystem, group) = match package % 3 {
            0 => ("maven", format!("org.example{}", package % 997)),
            1 => ("npm", String::new()),
            _ => ("pypi", String::new()),
        };
        let name = format!("package-{package}");
        let version = format!("{}.{}.{}", package % 7, package % 13, package % 29);
        let purl = if group.is_empty() {
            format!("pkg:{ecosystem}/{name}@{version}")
        } else {
            format!("pkg:{ecosystem}/{group}/{name}@{version}")
        };
        let digest = format!(
            "{:016x}{:016x}{:016x}{:016x}",
            package as u64 * 0x9E37_79B9_7F4A_7C15,
            package as u64 ^ 0xDEAD_BEEF,
            package as u64 * 31,
            package as u64 + 7
        );
        if index > 0 {
            w.write_all(b",")?;
        }
        write!(w, r#"{{"type":"library","bom-ref":"c{index}","#)?;
        if !group.is_empty() {
            write!(w, r#""group":"{group}","#)?;
        }
        write!(
            w,
            r#""name":"{name}","version":"{version}","description":"Synthetic package number {package} for the ingest benchmark","scope":"required","hashes":[{{"alg":"SHA-256","content":"{digest}"}}],"licenses":[{{"expression":"{}"}}],"purl":"{purl}","properties":[{{"name":"sanso:origin","value":"generated"}}]"#,
            licenses[package % licenses.len()]
        )?;
        if index % 50 == 0 {
            write!(
                w,
                r#","components":[{{"type":"file","bom-ref":"c{index}-file","name":"{name}.jar","hashes":[{{"alg":"SHA-1","content":"{:040x}"}}]}}]"#,
                index as u128 * 0x1234_5678_9ABC_DEF1
            )?;
        }
        w.write_all(b"}")?;
        if index % 10_000 == 0 {
            w.write_all(b"\n")?;
        }
    }
    w.write_all(b"],\n\"dependencies\":[")?;
    write!(w, r#"{{"ref":"root","dependsOn":["c0""#)?;
    for index in 1..count.min(100) {
        write!(w, r#","c{index}""#)?;
    }
    w.write_all(b"]}")?;
    for index in 0..count {
        let fan_out = (random.next() % 4) as usize;
        write!(w, r#",{{"ref":"c{index}","dependsOn":["#)?;
        for edge in 0..fan_out {
            let target = (index + 1 + (random.next() as usize) % 1000) % count;
            if edge > 0 {
                w.write_all(b",")?;
            }
            write!(w, r#""c{target}""#)?;
        }
        w.write_all(b"]}")?;
    }
    w.write_all(b"]}\n")?;
    w.flush()?;
    println!("wrote {count} components to {out}");
    Ok(())
}

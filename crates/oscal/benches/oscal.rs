//! Import and resolution speed on NIST content:
//! `CARGO_TARGET_DIR=/work/target-oscal cargo bench -p sanso-oscal`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sanso_oscal::{parse_document, resolve_profile, to_json_string, Document, Format};

fn data(name: &str) -> PathBuf {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/oscal"
    ))
    .join(name);
    assert!(path.is_file(), "benchmark data missing: {}", path.display());
    path
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn import(c: &mut Criterion) {
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    for (name, format) in [
        ("NIST_SP-800-53_rev5_catalog.json", Format::Json),
        ("NIST_SP800-171_rev3_catalog.xml", Format::Xml),
        ("NIST_CSF_v2.0_catalog.xml", Format::Xml),
    ] {
        let path = data(name);
        let text = read(&path);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| parse_document(&text, format, &path).unwrap_or_else(|e| panic!("{e}")))
        });
    }
    // The XML mapping alone (XML → OSCAL JSON shape), without the typed-model step.
    let path = data("NIST_SP800-171_rev3_catalog.xml");
    let text = read(&path);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("NIST_SP800-171_rev3_catalog.xml (XML mapping only)", |b| {
        b.iter(|| {
            sanso_oscal::xml::xml_to_json_value(&text, &path).unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.finish();
}

fn resolve(c: &mut Criterion) {
    let profile = data("NIST_SP-800-53_rev5_HIGH-baseline_profile.json");
    let mut group = c.benchmark_group("resolve");
    group.sample_size(10);
    // Includes reading and parsing the 3.2 MB catalog from disk, as a user's resolve would.
    group.bench_function("800-53 rev5 HIGH baseline", |b| {
        b.iter(|| resolve_profile(&profile).unwrap_or_else(|e| panic!("{e}")))
    });
    let resolved = Document::Catalog(resolve_profile(&profile).unwrap_or_else(|e| panic!("{e}")));
    group.bench_function("write resolved HIGH catalog JSON", |b| {
        b.iter(|| to_json_string(&resolved).unwrap_or_else(|e| panic!("{e}")))
    });
    group.finish();
}

criterion_group!(benches, import, resolve);
criterion_main!(benches);

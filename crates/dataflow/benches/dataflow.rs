//! Benchmarks on generated flows and device inventories:
//! `CARGO_TARGET_DIR=/work/target-dataflow cargo bench -p sanso-dataflow`.
//!
//! The generated flow has `chains` strands of five events each (create, process, integrate
//! with the previous strand, transfer to the next place, store), spread over four places
//! (JP with internal rules, EU, JP, US-CA), so every rule family and the gap logic run.
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use sanso_dataflow::io::{flow_from_yaml, from_yaml_str};
use sanso_dataflow::iot::{categorise, Device, Scheme};
use sanso_dataflow::svg::flow_svg;
use sanso_dataflow::{attributes_along, suggest_risks, validate, DataFlow, Library};
use std::fmt::Write;

fn synthetic_flow(chains: usize) -> DataFlow {
    let mut y = String::from(
        r#"id: bench
name: generated
data_set: { name: generated }
places:
  - { id: p0, name: { ja: 日本本社, en: JP HQ }, kind: law, adopts: [jp-appi, internal-rules-example] }
  - { id: p1, name: { ja: EU, en: EU }, kind: law, adopts: [eu-gdpr] }
  - { id: p2, name: { ja: 日本拠点, en: JP site }, kind: law, adopts: [jp-appi] }
  - { id: p3, name: { ja: 米国, en: US-CA }, kind: law, adopts: [us-ca-ccpa] }
holders:
  - { id: own, name: Own, relation: own }
  - { id: grp, name: Group, relation: group_company }
  - { id: ctr, name: Contractor, relation: contractor }
events:
"#,
    );
    let places = ["p0", "p1", "p2", "p3"];
    for c in 0..chains {
        let here = places[c % 4];
        let next = places[(c + 1) % 4];
        let _ = write!(
            y,
            r#"  - {{ id: c{c}, kind: create_acquire, holder: own, place: {here}, changes: {{ category: personal, privacy_impact: low, value: medium, disclosure_scope: internal, rights_holders: [s{c}] }} }}
  - {{ id: p{c}, kind: process, holder: ctr, place: {here} }}
  - {{ id: t{c}, kind: transfer_provide, holder: own, place: {here}, changes: {{ disclosure_scope: group }} }}
  - {{ id: s{c}, kind: store, holder: grp, place: {next}, changes: {{ value: high }} }}
"#
        );
        if c > 0 {
            let _ = writeln!(
                y,
                "  - {{ id: i{c}, kind: integrate, holder: own, place: {here}, changes: {{ privacy_impact: high }} }}"
            );
        }
    }
    y.push_str("edges:\n");
    for c in 0..chains {
        let _ = writeln!(y, "  - {{ from: c{c}, to: p{c} }}");
        if c > 0 {
            let _ = writeln!(y, "  - {{ from: p{c}, to: i{c} }}");
            let _ = writeln!(y, "  - {{ from: p{}, to: i{c} }}", c - 1);
            let _ = writeln!(y, "  - {{ from: i{c}, to: t{c} }}");
        } else {
            let _ = writeln!(y, "  - {{ from: p{c}, to: t{c} }}");
        }
        let _ = writeln!(y, "  - {{ from: t{c}, to: s{c} }}");
    }
    match flow_from_yaml(&y, "<generated>") {
        Ok(f) => f,
        Err(e) => panic!("generated flow: {e}"),
    }
}

fn devices(n: usize, scheme: &Scheme) -> Vec<Device> {
    let p = &scheme.axes[0].levels;
    let e = &scheme.axes[1].levels;
    let r = &scheme.axes[2].levels;
    (0..n)
        .map(|i| {
            let yaml = format!(
                "{{ id: d{i}, name: D{i}, product: p{}, use: {{ ja: 用途, en: use }}, rating: {{ physical: {{ people: {}, property: {} }}, economic: {}, recoverability: {} }} }}",
                i % 50,
                p[i % p.len()].id,
                p[(i / 3) % p.len()].id,
                e[(i / 7) % e.len()].id,
                r[(i / 11) % r.len()].id
            );
            match from_yaml_str(&yaml, "<device>") {
                Ok(d) => d,
                Err(err) => panic!("{err}"),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let library = match Library::builtin() {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let mut group = c.benchmark_group("flow");
    group.sample_size(20);
    for chains in [200usize, 2000] {
        let flow = synthetic_flow(chains);
        let events = flow.events.len();
        group.bench_with_input(BenchmarkId::new("validate", events), &flow, |b, f| {
            b.iter(|| validate(black_box(f), &library))
        });
        group.bench_with_input(
            BenchmarkId::new("attributes_along", events),
            &flow,
            |b, f| b.iter(|| attributes_along(black_box(f), &library)),
        );
        group.bench_with_input(BenchmarkId::new("suggest_risks", events), &flow, |b, f| {
            b.iter(|| suggest_risks(black_box(f), &library))
        });
        group.bench_with_input(BenchmarkId::new("flow_svg", events), &flow, |b, f| {
            b.iter(|| flow_svg(black_box(f), &library, &[], "en"))
        });
    }
    group.finish();

    let scheme = match Scheme::builtin() {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let list = devices(10_000, &scheme);
    c.bench_function("iot/categorise_10000_devices", |b| {
        b.iter(|| {
            list.iter()
                .filter(|d| categorise(black_box(d), &scheme).is_ok())
                .count()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Parsing and comparison throughput of version strings and vers ranges.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use sanso_pkgver::vers::VersRange;
use sanso_pkgver::version::Ecosystem;

const SAMPLES: &[(Ecosystem, &str, &str)] = &[
    (Ecosystem::Npm, "1.2.3-beta.11", "1.2.3-rc.1"),
    (
        Ecosystem::Go,
        "v0.0.0-20191109021931-daa7c04131f5",
        "v0.0.0-20200101000000-aaaaaaaaaaaa",
    ),
    (Ecosystem::PyPI, "1.2.post3.dev4", "1.2b3.dev4"),
    (Ecosystem::Maven, "1.0-alpha-1-SNAPSHOT", "1.0-rc-1"),
    (
        Ecosystem::Debian,
        "1:2.30-0ubuntu4~22.04",
        "1:2.30-0ubuntu4",
    ),
    (Ecosystem::Rpm, "2:7.4.160-1.el7_3.1", "2:7.4.160-1.el7"),
    (Ecosystem::Alpine, "1.2.3_rc1-r4", "1.2.3-r4"),
];

fn bench(c: &mut Criterion) {
    for (eco, a, b) in SAMPLES {
        c.bench_function(&format!("parse/{eco}"), |bench| {
            bench.iter(|| eco.parse(black_box(a)))
        });
        let (va, vb) = match (eco.parse(a), eco.parse(b)) {
            (Ok(va), Ok(vb)) => (va, vb),
            _ => panic!("benchmark sample does not parse"),
        };
        c.bench_function(&format!("compare-parsed/{eco}"), |bench| {
            bench.iter(|| black_box(&va).cmp(black_box(&vb)))
        });
    }
    let range = VersRange::parse("vers:npm/>=1.0.0|<1.4.2|>=2.0.0-rc.1|<2.3.1|>=3.0.0|<3.0.7")
        .unwrap_or_else(|e| panic!("{e}"));
    let tested = Ecosystem::Npm
        .parse("2.2.9")
        .unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("vers/contains-parsed npm 6 constraints", |bench| {
        bench.iter(|| range.contains_version(black_box(&tested)))
    });
    c.bench_function("vers/parse npm 6 constraints", |bench| {
        bench.iter(|| {
            VersRange::parse(black_box(
                "vers:npm/>=1.0.0|<1.4.2|>=2.0.0-rc.1|<2.3.1|>=3.0.0|<3.0.7",
            ))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

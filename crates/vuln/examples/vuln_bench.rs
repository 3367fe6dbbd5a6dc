//! Benchmarks of the vulnerability engine on generated data and the real OSV folders.
//!
//! Run (release build; reads `../shared/data/osv`):
//!   cargo run --release -p sanso-vuln --example vuln_bench
//!   cargo run --release -p sanso-vuln --example vuln_bench -- --sboms 10000 --components 1000
//!
//! (a) scan 1,000 generated components against ALL OSV data: warm (index built) and cold
//!     (loading both folders + building the index + scanning).
//! (b) portfolio re-match: 10,000 SBOMs x 1,000 components = 10 million rows in the inverted
//!     index; every advisory of the data is replayed as a "new advisory" and the time to list
//!     every affected (SBOM, component) is measured.
//!
//! Times are wall-clock on whatever machine runs it; the generator is deterministic (fixed seed).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sanso_vuln::osv::Event;
use sanso_vuln::portfolio::Portfolio;
use sanso_vuln::{scan, OsvDatabase, PackageRef, VexSet};

/// Small deterministic generator (SplitMix64), so runs are comparable.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn osv_dirs() -> Vec<PathBuf> {
    let base = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/osv"
    ));
    let dirs = vec![base.join("rustsec/crates"), base.join("go/data/osv")];
    for d in &dirs {
        if !d.is_dir() {
            eprintln!("reference data {} is missing", d.display());
            std::process::exit(2);
        }
    }
    dirs
}

fn load_all() -> OsvDatabase {
    let mut db = OsvDatabase::new();
    for d in osv_dirs() {
        match db.load_path(&d) {
            Ok(report) if report.errors.is_empty() => {}
            Ok(report) => eprintln!("{} load errors in {}", report.errors.len(), d.display()),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }
    db
}

/// Versions worth generating for a package: the versions its advisories name, plus neighbours.
fn version_pool(db: &OsvDatabase, ecosystem: &str, name: &str) -> Vec<String> {
    let mut pool: Vec<String> = Vec::new();
    for (adv, idx) in db.advisories_for(ecosystem, name) {
        for range in &adv.affected[idx].ranges {
            for e in &range.events {
                let v = e.version();
                if v == "0" || matches!(e, Event::Limit(_)) {
                    continue;
                }
                pool.push(v.to_string());
                // The version just below a fix is usually affected; the one above is not.
                if let Ok(mut sv) = semver::Version::parse(v) {
                    if sv.pre.is_empty() && sv.patch > 0 {
                        sv.patch -= 1;
                        pool.push(sv.to_string());
                    }
                }
            }
        }
    }
    pool.extend(["0.1.0", "1.0.0", "2.3.4", "99.0.0"].map(String::from));
    pool.sort();
    pool.dedup();
    // Go module versions are written with a leading v in SBOMs and go.mod.
    pool.into_iter()
        .map(|v| go_version(ecosystem, &v))
        .collect()
}

fn go_version(ecosystem: &str, v: &str) -> String {
    if ecosystem == "Go" {
        format!("v{v}")
    } else {
        v.to_string()
    }
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn rss_mib() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn main() {
    let mut sboms = 10_000usize;
    let mut components = 1_000usize;
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<usize>().ok());
        match (args[i].as_str(), value) {
            ("--sboms", Some(v)) => sboms = v,
            ("--components", Some(v)) => components = v,
            _ => {
                eprintln!("usage: vuln_bench [--sboms N] [--components N]");
                std::process::exit(2);
            }
        }
        i += 2;
    }

    // ---------------------------------------------------------------- (a) scan
    let t = Instant::now();
    let db = load_all();
    let load_time = t.elapsed();
    println!(
        "OSV data: {} advisories, {} packages indexed; load + index {:.0} ms",
        db.advisory_count(),
        db.package_count(),
        load_time.as_secs_f64() * 1e3
    );

    // Package universe: every (ecosystem, name) in the index, with its version pool.
    let mut universe: Vec<(String, String, Vec<String>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for adv in db.advisories() {
        for a in &adv.affected {
            if let Some(p) = &a.package {
                if seen.insert((p.ecosystem.clone(), p.name.clone())) {
                    let pool = version_pool(&db, &p.ecosystem, &p.name);
                    universe.push((p.ecosystem.clone(), p.name.clone(), pool));
                }
            }
        }
    }
    let mut rng = SplitMix(0x5A45_5053_4F21);
    // 1,000 components: 60% packages with advisories, 40% clean synthetic crates.
    let scan_list: Vec<PackageRef> = (0..1000)
        .map(|i| {
            if i % 5 < 3 {
                let (eco, name, pool) = &universe[rng.below(universe.len())];
                let v = &pool[rng.below(pool.len())];
                PackageRef::new(eco, name, v)
            } else {
                PackageRef::new("crates.io", &format!("clean-crate-{i}"), "1.2.3")
            }
        })
        .collect();

    let empty_vex = VexSet::new();
    let mut warm = Vec::new();
    let mut findings = 0;
    for _ in 0..30 {
        let t = Instant::now();
        let report = scan(&scan_list, &db, &empty_vex);
        warm.push(t.elapsed());
        findings = report.findings.len();
    }
    println!(
        "(a) warm scan, 1,000 components: median {:.2} ms, min {:.2} ms over 30 runs ({} findings)",
        median(warm.clone()).as_secs_f64() * 1e3,
        warm.iter().min().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        findings
    );
    let mut cold = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let db2 = load_all();
        let report = scan(&scan_list, &db2, &empty_vex);
        cold.push(t.elapsed());
        assert_eq!(report.findings.len(), findings);
    }
    println!(
        "(a) cold scan (load {} advisories + index + scan): median {:.0} ms, min {:.0} ms over 5 runs",
        db.advisory_count(),
        median(cold.clone()).as_secs_f64() * 1e3,
        cold.iter().min().map_or(0.0, |d| d.as_secs_f64() * 1e3)
    );

    // ---------------------------------------------------------------- (b) portfolio
    // 20,000 packages: the OSV universe plus synthetic ones; popularity skewed (a few packages
    // appear in most SBOMs, as serde or golang.org/x/net do in real portfolios).
    let synthetic = 20_000usize.saturating_sub(universe.len());
    for i in 0..synthetic {
        let eco = if i % 2 == 0 { "crates.io" } else { "Go" };
        let name = if eco == "Go" {
            format!("example.com/org{}/module{i}", i % 97)
        } else {
            format!("synthetic-crate-{i}")
        };
        let pool = (0..12)
            .map(|k| go_version(eco, &format!("{}.{}.{}", k / 4, k % 4, i % 7)))
            .collect();
        universe.push((eco.to_string(), name, pool));
    }
    let n = universe.len();
    let t = Instant::now();
    let mut portfolio = Portfolio::new();
    // A server keeps package IDs in its database; intern once, then add rows by ID.
    let ids: Vec<_> = universe
        .iter()
        .map(|(eco, name, _)| portfolio.intern_package(eco, name))
        .collect();
    let mut rows: Vec<(u32, &str)> = Vec::with_capacity(components);
    for s in 0..sboms {
        rows.clear();
        for _ in 0..components {
            // Skew: square a uniform draw so low indices (OSV packages first) are more popular.
            let u = rng.below(n * n);
            let pkg = n - 1 - ((u as f64).sqrt() as usize).min(n - 1);
            let pool = &universe[pkg].2;
            rows.push((ids[pkg], pool[rng.below(pool.len())].as_str()));
        }
        if let Err(e) = portfolio.add_sbom_interned(&format!("sbom-{s}"), rows.iter().copied()) {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
    let build = t.elapsed();
    let stats = portfolio.stats();
    let mem = rss_mib();
    println!(
        "(b) portfolio: {} SBOMs, {} rows, {} packages, {} distinct (package, version); built in {:.1} s; RSS {}",
        stats.sboms,
        stats.rows,
        stats.packages,
        stats.package_versions,
        build.as_secs_f64(),
        mem.map_or("n/a".into(), |(rss, hwm)| format!("{rss:.0} MiB (peak {hwm:.0} MiB)"))
    );
    let mut times = Vec::new();
    let mut worst = (Duration::ZERO, String::new(), 0usize);
    let mut total_hits = 0usize;
    let mut biggest = (0usize, String::new(), Duration::ZERO);
    for adv in db.advisories() {
        let t = Instant::now();
        let hits = portfolio.affected_by(adv).hits;
        let dt = t.elapsed();
        total_hits += hits.len();
        if hits.len() > biggest.0 {
            biggest = (hits.len(), adv.id.clone(), dt);
        }
        if dt > worst.0 {
            worst = (dt, adv.id.clone(), hits.len());
        }
        times.push(dt);
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e3;
    println!(
        "(b) new advisory -> affected (sbom, component): {} advisories replayed, median {:.3} ms, p99 {:.2} ms, max {:.2} ms ({} with {} hits); {} hits in total",
        times.len(),
        pct(0.5),
        pct(0.99),
        worst.0.as_secs_f64() * 1e3,
        worst.1,
        worst.2,
        total_hits
    );
    println!(
        "(b) largest answer: {} with {} affected (sbom, component) rows in {:.2} ms",
        biggest.1,
        biggest.0,
        biggest.2.as_secs_f64() * 1e3
    );
}

//! Store-level benchmarks for the software supply chain (issue 5 targets), on a fresh SQLite
//! installation in a temporary directory (or `SANSO_BENCH_DATABASE_URL` for PostgreSQL).
//!
//! ```text
//! cargo build --release -p sanso-store --example store_bench
//! target/release/examples/store_bench scan      [OSV_DIR]          # warm scan, 1,000 components
//! target/release/examples/store_bench ingest    SBOM.json          # streamed ingest through the store
//! target/release/examples/store_bench portfolio [SBOMS] [ROWS_PER] # new advisory vs the portfolio
//! ```
//!
//! Timings are wall-clock of the real store calls (`version_findings`, `ingest_sbom_file`,
//! `advisory_impact`); the portfolio's 10 M rows are bulk-loaded with plain SQL first, since the
//! question timed is the lookup, not the loading.

use std::path::{Path, PathBuf};
use std::time::Instant;

use sanso_store::software::{ProductInput, VersionInput};
use sanso_store::{Actor, Store, StoreConfig};
use sanso_vuln::{Advisory, OsvDatabase};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

async fn open(dir: &Path) -> BenchResult<Store> {
    let config = StoreConfig {
        data_dir: dir.join("data"),
        database_url: std::env::var("SANSO_BENCH_DATABASE_URL").ok(),
    };
    Ok(Store::open(&config).await?)
}

async fn workspace_version(store: &Store) -> BenchResult<(String, String)> {
    let actor = Actor::cli();
    let (user, _) = store
        .create_first_admin(
            &actor,
            "bench@example.com",
            "Bench",
            "a long password",
            "Bench",
        )
        .await?;
    let ws = store.workspaces_for_user(&user.id).await?[0].0.id.clone();
    let p = store
        .create_product(
            &actor,
            &ws,
            ProductInput {
                name: "Bench".into(),
                description: String::new(),
                node_id: None,
            },
        )
        .await?;
    let v = store
        .create_version(
            &actor,
            &ws,
            &p.id,
            VersionInput {
                version: "1.0".into(),
            },
        )
        .await?;
    Ok((ws, v.id))
}

async fn scan(osv_dir: PathBuf) -> BenchResult<()> {
    let dir = tempfile::tempdir()?;
    let store = open(dir.path()).await?;
    let (ws, vid) = workspace_version(&store).await?;
    let t = Instant::now();
    let summary = store.import_osv_path(&Actor::cli(), &osv_dir).await?;
    println!(
        "imported {} advisories ({} files) in {:.2} s",
        summary.added,
        summary.files_read,
        t.elapsed().as_secs_f64()
    );
    // 1,000 components: real package names from the data (so the index is hit), mixed versions.
    let mut db = OsvDatabase::new();
    db.load_path(&osv_dir)?;
    let mut comps = Vec::new();
    let mut comps_purls = Vec::new();
    for (i, a) in db.advisories().enumerate() {
        let Some(pkg) = a.affected.first().and_then(|x| x.package.as_ref()) else {
            continue;
        };
        let ty = match pkg.ecosystem.as_str() {
            "crates.io" => "cargo",
            "Go" => "golang",
            _ => continue,
        };
        let version = ["0.1.0", "1.0.0", "1.2.3", "0.0.1", "2.0.0"][i % 5];
        comps_purls.push(format!("pkg:{ty}/{}@{version}", pkg.name));
        comps.push(format!(
            "{{\"type\":\"library\",\"name\":\"c{i}\",\"version\":\"{version}\",\"purl\":\"pkg:{ty}/{}@{version}\"}}",
            pkg.name
        ));
        if comps.len() == 1000 {
            break;
        }
    }
    let bom = format!(
        "{{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"components\":[{}]}}",
        comps.join(",")
    );
    let file = dir.path().join("bom.json");
    std::fs::write(&file, bom)?;
    store
        .ingest_sbom_file(&Actor::cli(), &ws, &vid, &file, "bom.json")
        .await?;
    let t = Instant::now();
    let first = store.version_findings(&ws, &vid).await?;
    println!(
        "first scan (loads the matcher): {:.1} ms, {} findings, {} warnings",
        t.elapsed().as_secs_f64() * 1000.0,
        first.findings.len(),
        first.warnings.len()
    );
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let r = store.version_findings(&ws, &vid).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.findings.len(), first.findings.len());
    }
    let (min, med, max) = median(times);
    println!("warm scan of 1,000 components: median {med:.2} ms (min {min:.2}, max {max:.2}); target < 20 ms");
    // The same components through the library alone: what the store adds is the difference.
    // Stored components are de-duplicated by purl; so are these.
    comps_purls.sort();
    comps_purls.dedup();
    let packages: Vec<sanso_vuln::PackageRef> = comps_purls
        .iter()
        .filter_map(|p| sanso_vuln::PackageRef::from_purl(p).ok())
        .collect();
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let r = sanso_vuln::scan(&packages, &db, &sanso_vuln::VexSet::new());
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.findings.len(), first.findings.len());
    }
    let (min, med, max) = median(times);
    println!(
        "library scan of the same components: median {med:.2} ms (min {min:.2}, max {max:.2})"
    );
    Ok(())
}

async fn ingest(path: PathBuf) -> BenchResult<()> {
    let dir = tempfile::tempdir()?;
    let store = open(dir.path()).await?;
    let (ws, vid) = workspace_version(&store).await?;
    let t = Instant::now();
    let record = store
        .ingest_sbom_file(&Actor::cli(), &ws, &vid, &path, "big.json")
        .await?;
    println!(
        "ingested {} components ({} read) in {:.2} s; target < 20 s (peak RSS: see /usr/bin/time)",
        record.component_count,
        record.components_read,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn portfolio(sboms: usize, rows_per: usize) -> BenchResult<()> {
    use sqlx::Connection;
    let dir = tempfile::tempdir()?;
    let store = open(dir.path()).await?;
    let (ws, _) = workspace_version(&store).await?;
    store.close().await;
    // Bulk load with plain SQL in one transaction: products/versions/SBOMs, then component rows
    // drawn from 50,000 crates with 5 versions each; crate 0 ("popular") is in every SBOM.
    let sqlite = std::env::var("SANSO_BENCH_DATABASE_URL").is_err();
    let url = std::env::var("SANSO_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("data/sanso.db").display()));
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&url).await?;
    let t = Instant::now();
    let mut tx = conn.begin().await?;
    let now = "2026-12-01T00:00:00.000000Z";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    for s in 0..sboms {
        let pid = format!("p{s}");
        let vid = format!("v{s}");
        let sid = format!("s{s}");
        sqlx::query("INSERT INTO products (id, workspace_id, name, description, node_id, created_at, updated_at) VALUES ($1, $2, $3, '', NULL, $4, $4)")
            .bind(&pid).bind(&ws).bind(format!("Product {s}")).bind(now).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO product_versions (id, workspace_id, product_id, version, created_at) VALUES ($1, $2, $3, '1.0', $4)")
            .bind(&vid).bind(&ws).bind(&pid).bind(now).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO sboms (id, workspace_id, version_id, blob_sha256, format, encoding, spec_version, filename, serial, component_count, components_read, metadata, dependencies, warnings, ingested_at) VALUES ($1, $2, $3, 'x', 'cyclonedx', 'json', '1.6', 'b.json', NULL, $4, $4, '{}', '[]', '[]', $5)")
            .bind(&sid).bind(&ws).bind(&vid).bind(rows_per as i64).bind(now).execute(&mut *tx).await?;
        for chunk in (0..rows_per).collect::<Vec<_>>().chunks(500) {
            // Anonymous placeholders on SQLite (numbered ones cost n² to bind there).
            let mut sql = String::from("INSERT INTO sbom_components (sbom_id, seq, workspace_id, bom_ref, name, version, component_group, purl, ecosystem, licenses, hashes, details, package_key) VALUES ");
            let mut n = 0;
            let mut placeholder = || {
                n += 1;
                if sqlite {
                    "?".to_string()
                } else {
                    format!("${n}")
                }
            };
            let mut values = Vec::new();
            for (i, &seq) in chunk.iter().enumerate() {
                let pkg = if seq == 0 { 0 } else { 1 + next() % 50_000 };
                let version = format!("1.{}.0", next() % 5);
                if i > 0 {
                    sql.push_str(", ");
                }
                let p: Vec<String> = (0..7).map(|_| placeholder()).collect();
                sql.push_str(&format!(
                    "({}, {}, {}, NULL, {}, {}, NULL, {}, 'cargo', '', '[]', '{{\"kind\":\"library\"}}', {})",
                    p[0], p[1], p[2], p[3], p[4], p[5], p[6]
                ));
                let name = format!("crate{pkg}");
                values.push((
                    seq as i64,
                    name.clone(),
                    version.clone(),
                    format!("pkg:cargo/{name}@{version}"),
                    format!("crates.io/{name}"),
                ));
            }
            let mut q = sqlx::query(&sql);
            for (seq, name, version, purl, key) in values {
                q = q
                    .bind(&sid)
                    .bind(seq)
                    .bind(&ws)
                    .bind(name)
                    .bind(version)
                    .bind(purl)
                    .bind(key);
            }
            q.execute(&mut *tx).await?;
        }
        if s % 1000 == 999 {
            eprintln!(
                "  {} SBOMs loaded, {:.0} s",
                s + 1,
                t.elapsed().as_secs_f64()
            );
        }
    }
    tx.commit().await?;
    drop(conn);
    println!(
        "loaded {sboms} SBOMs × {rows_per} rows = {} rows in {:.0} s",
        sboms * rows_per,
        t.elapsed().as_secs_f64()
    );
    let store = open(dir.path()).await?;
    for (label, name) in [
        ("popular crate (in every SBOM)", "crate0"),
        ("typical crate", "crate777"),
    ] {
        let advisory: Advisory = serde_json::from_value(serde_json::json!({
            "id": format!("BENCH-{name}"), "modified": "2026-12-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "crates.io", "name": name},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.1.0"}, {"fixed": "1.3.0"}]}]}]
        }))?;
        let mut times = Vec::new();
        let mut hits = 0;
        let mut versions = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let impact = store.advisory_impact(&advisory).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            hits = impact.len();
            let mut v: Vec<&str> = impact.iter().map(|a| a.version_id.as_str()).collect();
            v.sort_unstable();
            v.dedup();
            versions = v.len();
        }
        let (min, med, max) = median(times);
        println!("{label}: {hits} affected rows in {versions} product versions; median {med:.2} ms (min {min:.2}, max {max:.2}); target < 100 ms");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> BenchResult<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default_osv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osv");
    match args.first().map(String::as_str) {
        Some("scan") => scan(args.get(1).map(PathBuf::from).unwrap_or(default_osv)).await,
        Some("ingest") => {
            let path = args.get(1).ok_or("usage: store_bench ingest SBOM.json")?;
            ingest(PathBuf::from(path)).await
        }
        Some("portfolio") => {
            let sboms = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(10_000);
            let rows = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(1_000);
            portfolio(sboms, rows).await
        }
        _ => Err("usage: store_bench scan [OSV_DIR] | ingest SBOM.json | portfolio [SBOMS] [ROWS_PER_SBOM]".into()),
    }
}

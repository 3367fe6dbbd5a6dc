//! The scan API end to end over real data: one finding per vulnerability with all IDs, renderers
//! (text, JSON, SARIF 2.1.0), exit codes, warnings, and the portfolio re-match.

mod common;

use common::*;
use sanso_vuln::portfolio::Portfolio;
use sanso_vuln::render::{render_json, render_sarif, render_text};
use sanso_vuln::scan::{parse_fail_on, EXIT_CLEAN, EXIT_FINDINGS};
use sanso_vuln::vex::VexProduct;
use sanso_vuln::{
    scan, scan_with, PackageRef, ScanOptions, Severity, VexSet, VexStatement, VexStatus,
};

fn packages() -> Vec<PackageRef> {
    vec![
        PackageRef::from_purl("pkg:cargo/smallvec@0.6.2").unwrap(),
        PackageRef::from_purl("pkg:cargo/openssl@0.8.3").unwrap(),
        PackageRef::from_purl("pkg:cargo/serde@1.0.200").unwrap(),
        PackageRef::from_purl("pkg:golang/github.com/gin-gonic/gin@v1.5.0").unwrap(),
        PackageRef::from_purl("pkg:golang/stdlib@1.23.4").unwrap(),
        PackageRef::new("crates.io", "dirs", "3.0.2"),
        PackageRef::new("Linux", "kernel", "6.1.0"),
        PackageRef::new("crates.io", "time", "not.a.version"),
    ]
}

#[test]
fn one_finding_per_vulnerability_with_all_ids() {
    let db = full_db();
    let report = scan(&packages(), &db, &VexSet::new());
    // smallvec 0.6.2: several RustSec advisories; every finding's IDs are one alias group.
    let smallvec: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.name == "smallvec")
        .collect();
    assert!(smallvec
        .iter()
        .any(|f| f.vulnerability_id == "CVE-2018-20991"
            && f.aliases.contains(&"RUSTSEC-2018-0003".to_string())
            && f.aliases.contains(&"GHSA-rxr4-x558-x7hw".to_string())));
    for f in &report.findings {
        let mut ids = f.all_ids();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), f.aliases.len() + 1, "duplicate IDs in {f:?}");
    }
    // No two findings of one component share an ID.
    for (i, a) in report.findings.iter().enumerate() {
        for b in &report.findings[i + 1..] {
            if a.component_index == b.component_index {
                assert!(
                    a.all_ids().iter().all(|id| !b.all_ids().contains(id)),
                    "{a:?} / {b:?}"
                );
            }
        }
    }
    // gin 1.5.0 is hit by GO-2020-0001 (fixed 1.6.0), reported under its CVE.
    let gin = report
        .findings
        .iter()
        .find(|f| f.aliases.contains(&"GO-2020-0001".to_string()))
        .expect("GO-2020-0001 finding");
    assert_eq!(gin.vulnerability_id, "CVE-2020-36567");
    assert_eq!(gin.fixed_versions, vec!["1.6.0"]);
    assert_eq!(gin.severity, Severity::Unknown);
    // stdlib 1.23.4 hit by GO-2025-3373.
    assert!(report
        .findings
        .iter()
        .any(|f| f.name == "stdlib" && f.aliases.contains(&"GO-2025-3373".to_string())));
    // serde 1.0.200 is clean; withdrawn dirs advisory not reported by default.
    assert!(report
        .findings
        .iter()
        .all(|f| f.name != "serde" && f.name != "dirs"));
    // Unknown ecosystem and bad version give warnings, not panics.
    assert!(
        report.warnings.iter().any(|w| w.contains("Linux")),
        "{:?}",
        report.warnings
    );
    assert!(
        report.warnings.iter().any(|w| w.contains("not.a.version")),
        "{:?}",
        report.warnings
    );
    // With withdrawn advisories included, dirs shows up flagged.
    let with_withdrawn = scan_with(
        &packages(),
        &db,
        &VexSet::new(),
        &ScanOptions {
            include_withdrawn: true,
            product: None,
        },
    );
    let dirs = with_withdrawn
        .findings
        .iter()
        .find(|f| f.name == "dirs")
        .unwrap();
    assert!(dirs.withdrawn);
    print!("{}", render_text(&report));
    println!(
        "scan: {} components, {} findings, {} warnings",
        report.components_scanned,
        report.findings.len(),
        report.warnings.len()
    );
}

#[test]
fn renderers_and_exit_codes() {
    let db = full_db();
    let mut vex = VexSet::new();
    let mut st = VexStatement::new(
        "RUSTSEC-2016-0001",
        vec![VexProduct::from_purl("pkg:cargo/openssl")],
        VexStatus::NotAffected,
    );
    st.impact_statement = Some("TLS is not used by this firmware".into());
    vex.add(st);
    let report = scan(&packages(), &db, &vex);

    let text = render_text(&report);
    assert!(text.starts_with("COMPONENT"));
    assert!(text.contains("pkg:cargo/smallvec@0.6.2"));
    assert!(text.contains("SEMVER introduced 0.6.0-0, fixed 0.6.3"));
    assert!(text.contains("not_affected"));

    let json = render_json(&report);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), report.findings.len());
    let openssl = findings
        .iter()
        .find(|f| f["vulnerability_id"] == "CVE-2016-10931")
        .unwrap();
    assert_eq!(openssl["component_purl"], "pkg:cargo/openssl@0.8.3");
    assert_eq!(
        openssl["aliases"],
        serde_json::json!(["GHSA-34p9-f4q3-c4r7", "RUSTSEC-2016-0001"])
    );
    assert_eq!(
        openssl["affected_range"],
        "SEMVER introduced 0.0.0-0, fixed 0.9.0"
    );
    assert_eq!(openssl["severity"], "high");
    assert_eq!(openssl["cvss_score"], 8.1);
    assert_eq!(openssl["vex"]["status"], "not_affected");

    let sarif = render_sarif(&report, Some("sbom.cdx.json"));
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "sbom.cdx.json"
        );
    }
    let suppressed = results
        .iter()
        .find(|r| r["ruleId"] == "CVE-2016-10931")
        .unwrap();
    assert_eq!(suppressed["suppressions"][0]["kind"], "external");
    assert_eq!(suppressed["level"], "error");

    // Exit codes: the openssl finding is suppressed by VEX; the threshold is taken from the
    // highest severity still active, so the check does not hard-code any advisory's score.
    let active_max = report.active_findings().map(|f| f.severity).max().unwrap();
    assert_eq!(report.exit_code(active_max), EXIT_FINDINGS);
    assert_eq!(report.exit_code(Severity::Unknown), EXIT_FINDINGS);
    let clean = scan(
        &[PackageRef::from_purl("pkg:cargo/serde@1.0.200").unwrap()],
        &db,
        &vex,
    );
    assert_eq!(clean.exit_code(Severity::Unknown), EXIT_CLEAN);
    // Suppressing everything makes the run clean at any threshold.
    let mut all = VexSet::new();
    for f in &report.findings {
        all.add(VexStatement::new(
            &f.vulnerability_id,
            vec![VexProduct::from_purl(
                f.component_purl.as_deref().unwrap_or(""),
            )],
            VexStatus::Fixed,
        ));
    }
    let mut silenced = report.clone();
    silenced.apply_vex(&all);
    assert_eq!(silenced.exit_code(Severity::Unknown), EXIT_CLEAN);
    assert_eq!(parse_fail_on("HIGH").unwrap(), Severity::High);
    assert_eq!(parse_fail_on("any").unwrap(), Severity::Unknown);
    assert!(parse_fail_on("severe").is_err());
    println!("renderers/exit codes: text, json, sarif and 6 exit-code checks passed");
}

#[test]
fn portfolio_rematch_over_real_advisories() {
    let db = full_db();
    let mut portfolio = Portfolio::new();
    let a = portfolio
        .add_sbom(
            "firmware-a",
            [
                ("crates.io", "smallvec", "0.6.2"),
                ("crates.io", "serde", "1.0.0"),
            ],
        )
        .unwrap();
    let b = portfolio
        .add_sbom(
            "gateway-b",
            [
                ("Go", "github.com/gin-gonic/gin", "v1.5.0"),
                ("crates.io", "smallvec", "1.13.0"),
                ("crates.io", "smallvec", "0.4.1"),
            ],
        )
        .unwrap();
    let smallvec_adv = db.get("RUSTSEC-2018-0003").unwrap();
    let impact = portfolio.affected_by(smallvec_adv);
    let got: Vec<(u32, u32, &str)> = impact
        .hits
        .iter()
        .map(|h| (h.sbom, h.component_index, h.version))
        .collect();
    assert_eq!(got, vec![(a, 0, "0.6.2"), (b, 2, "0.4.1")]);
    assert_eq!(
        impact.reason_of(&impact.hits[0]).unwrap().to_string(),
        "SEMVER introduced 0.6.0-0, fixed 0.6.3"
    );
    assert_eq!(impact.hits[0].package.name, "smallvec");
    assert_eq!(impact.sboms(), vec![a, b]);
    let gin = portfolio.affected_by(db.get("GO-2020-0001").unwrap()).hits;
    assert_eq!(gin.len(), 1);
    assert_eq!((gin[0].sbom, gin[0].component_index), (b, 0));
    assert_eq!(portfolio.sbom_label(b), Some("gateway-b"));
    // Withdrawn advisories hit nothing.
    assert!(portfolio
        .affected_by(db.get("RUSTSEC-2020-0053").unwrap())
        .hits
        .is_empty());
    // Cross-check: portfolio answers equal per-package scans for every advisory of the data.
    let mut checked = 0;
    for adv in db.advisories() {
        let hits = portfolio.affected_by(adv).hits;
        for (sbom, comps) in [
            (
                a,
                vec![
                    ("crates.io", "smallvec", "0.6.2"),
                    ("crates.io", "serde", "1.0.0"),
                ],
            ),
            (
                b,
                vec![
                    ("Go", "github.com/gin-gonic/gin", "v1.5.0"),
                    ("crates.io", "smallvec", "1.13.0"),
                    ("crates.io", "smallvec", "0.4.1"),
                ],
            ),
        ] {
            for (i, (eco, name, version)) in comps.iter().enumerate() {
                let scanned = db
                    .match_package(eco, name, version, false)
                    .matches
                    .iter()
                    .any(|m| m.advisory_id == adv.id);
                let in_portfolio = hits
                    .iter()
                    .any(|h| h.sbom == sbom && h.component_index == i as u32);
                assert_eq!(scanned, in_portfolio, "{} {name}@{version}", adv.id);
                checked += 1;
            }
        }
    }
    println!("portfolio: {checked}/{checked} (advisory, component) pairs agree with the scan");
    // A removed SBOM no longer appears in answers.
    assert!(portfolio.remove_sbom(a));
    let after = portfolio.affected_by(smallvec_adv);
    assert_eq!(after.sboms(), vec![b]);
    assert_eq!(portfolio.stats().sboms, 1);
    assert!(!portfolio.remove_sbom(99));
}

/// A large scan is matched on several threads; its findings, their order and component indexes
/// are those of scanning the same packages in small (single-threaded) parts.
#[test]
fn a_parallel_scan_equals_the_sequential_one() {
    let db = full_db();
    let mut names: Vec<(String, String)> = db
        .advisories()
        .filter_map(|a| a.affected.first()?.package.as_ref())
        .map(|p| (p.ecosystem.clone(), p.name.clone()))
        .collect();
    names.sort();
    names.dedup();
    let packages: Vec<PackageRef> = names
        .iter()
        .take(1200)
        .enumerate()
        .map(|(i, (eco, name))| PackageRef::new(eco, name, ["0.1.0", "1.0.0", "0.0.1"][i % 3]))
        .collect();
    assert_eq!(packages.len(), 1200);
    let whole = scan(&packages, &db, &VexSet::new());
    let mut parts = Vec::new();
    for (i, chunk) in packages.chunks(100).enumerate() {
        for mut f in scan(chunk, &db, &VexSet::new()).findings {
            f.component_index += i * 100;
            parts.push(f);
        }
    }
    println!(
        "parallel scan: {} findings, as in 12 sequential parts",
        whole.findings.len()
    );
    assert!(whole.findings.len() > 1000);
    assert_eq!(whole.findings, parts);
}

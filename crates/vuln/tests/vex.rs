//! VEX import (OpenVEX, CycloneDX, CSAF), export round trips, and application to findings: both
//! load orders, alias keys, purl rules, latest-wins.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use sanso_pkgver::PackageUrl;
use sanso_vuln::vex::{self, csaf, cyclonedx, openvex, ProductContext, VexProduct};
use sanso_vuln::{
    scan, scan_with, OsvDatabase, PackageRef, ScanOptions, VexSet, VexStatement, VexStatus,
};

/// A Maven advisory written from the public facts of GHSA-jfh8-c2jp-5v3q (Log4Shell).
const LOG4SHELL: &str = r#"{
  "id": "GHSA-jfh8-c2jp-5v3q", "modified": "2024-01-01T00:00:00Z",
  "aliases": ["CVE-2021-44228"],
  "summary": "Remote code injection in Log4j",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
  "affected": [{
    "package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
    "ranges": [{"type": "ECOSYSTEM", "events": [
      {"introduced": "2.13.0"}, {"fixed": "2.15.0"},
      {"introduced": "2.0-beta9"}, {"fixed": "2.3.1"},
      {"introduced": "2.4"}, {"fixed": "2.12.2"}]}]
  }]
}"#;

/// A Maven advisory written from the public facts of GHSA-288c-cq4h-88gq (CVE-2020-25649).
const JACKSON: &str = r#"{
  "id": "GHSA-288c-cq4h-88gq", "modified": "2024-01-01T00:00:00Z",
  "aliases": ["CVE-2020-25649"],
  "summary": "XML External Entity (XXE) Injection in Jackson Databind",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"}],
  "affected": [{
    "package": {"ecosystem": "Maven", "name": "com.fasterxml.jackson.core:jackson-databind"},
    "ranges": [{"type": "ECOSYSTEM", "events": [
      {"introduced": "2.10.0"}, {"fixed": "2.10.5.1"},
      {"introduced": "2.11.0"}, {"fixed": "2.11.0"}]}]
  }]
}"#;

fn maven_db() -> OsvDatabase {
    let mut db = OsvDatabase::new();
    for text in [LOG4SHELL, JACKSON] {
        for a in sanso_vuln::load::parse_advisories("inline", text.as_bytes()).unwrap() {
            db.insert(a);
        }
    }
    db
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn json_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn openssl_db() -> OsvDatabase {
    db_with(&[rustsec_dir().join("RUSTSEC-2016-0001.json")])
}

#[test]
fn vex_before_or_after_the_scan_gives_identical_reports() {
    let db = openssl_db();
    let packages = vec![
        PackageRef::from_purl("pkg:cargo/openssl@0.8.3").unwrap(),
        PackageRef::from_purl("pkg:cargo/openssl@0.7.0").unwrap(),
        PackageRef::from_purl("pkg:cargo/openssl@0.10.0").unwrap(),
    ];
    let doc = serde_json::json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/1",
        "author": "Example",
        "timestamp": "2024-01-01T00:00:00Z",
        "version": 1,
        "statements": [{
            "vulnerability": {"name": "CVE-2016-10931"},
            "products": [{"@id": "pkg:cargo/openssl@0.8.3"}],
            "status": "not_affected",
            "justification": "vulnerable_code_not_in_execute_path"
        }]
    });
    let mut set = VexSet::new();
    set.extend(openvex::import_value("doc", &doc).unwrap());

    let before = scan(&packages, &db, &set);
    let mut after = scan(&packages, &db, &VexSet::new());
    assert!(after.findings.iter().all(|f| f.vex.is_none()));
    after.apply_vex(&set);
    assert_eq!(before.findings, after.findings);
    assert_eq!(before.findings.len(), 2);
    let suppressed: Vec<&str> = before
        .findings
        .iter()
        .filter(|f| f.is_suppressed())
        .map(|f| f.version.as_str())
        .collect();
    assert_eq!(suppressed, vec!["0.8.3"]);
    println!("vex order: 2/2 findings identical, 1 suppressed");
}

#[test]
fn statements_keyed_by_any_alias() {
    let db = openssl_db();
    let packages = vec![PackageRef::from_purl("pkg:cargo/openssl@0.8.3").unwrap()];
    let mut passed = 0;
    for id in ["CVE-2016-10931", "GHSA-34p9-f4q3-c4r7", "RUSTSEC-2016-0001"] {
        let mut set = VexSet::new();
        set.add(VexStatement::new(
            id,
            vec![VexProduct::from_purl("pkg:cargo/openssl")],
            VexStatus::NotAffected,
        ));
        let report = scan(&packages, &db, &set);
        assert_eq!(report.findings.len(), 1);
        let f = &report.findings[0];
        assert_eq!(f.vulnerability_id, "CVE-2016-10931");
        assert_eq!(f.aliases, vec!["GHSA-34p9-f4q3-c4r7", "RUSTSEC-2016-0001"]);
        assert!(f.is_suppressed(), "statement about {id}");
        passed += 1;
    }
    // A statement whose own aliases name the vulnerability also applies.
    let mut set = VexSet::new();
    let mut st = VexStatement::new(
        "SOME-VENDOR-1",
        vec![VexProduct::from_purl("pkg:cargo/openssl@0.8.3")],
        VexStatus::Fixed,
    );
    st.vulnerability_aliases = vec!["GHSA-34p9-f4q3-c4r7".into()];
    set.add(st);
    assert!(scan(&packages, &db, &set).findings[0].is_suppressed());
    passed += 1;
    // An unrelated ID does not.
    let mut set = VexSet::new();
    set.add(VexStatement::new(
        "CVE-2000-0001",
        vec![VexProduct::from_purl("pkg:cargo/openssl")],
        VexStatus::NotAffected,
    ));
    assert!(!scan(&packages, &db, &set).findings[0].is_suppressed());
    passed += 1;
    println!("alias keys: {passed}/5 passed");
}

#[test]
fn purl_rules_and_latest_statement_wins() {
    let db = openssl_db();
    let component = |purl: &str| vec![PackageRef::from_purl(purl).unwrap()];
    let status_for = |set: &VexSet, purl: &str| {
        scan(&component(purl), &db, set).findings[0]
            .vex
            .as_ref()
            .map(|v| v.status)
    };
    let mut set = VexSet::new();
    let mut older = VexStatement::new(
        "CVE-2016-10931",
        vec![VexProduct::from_purl("pkg:cargo/openssl@0.8.3")],
        VexStatus::Affected,
    );
    older.timestamp = Some("2024-01-01T10:00:00+09:00".into());
    let mut newer = older.clone();
    newer.status = VexStatus::NotAffected;
    newer.timestamp = Some("2024-01-01T02:00:00Z".into()); // 11:00 JST: later
                                                           // Added newest first: time decides, not order.
    set.add(newer.clone());
    set.add(older.clone());
    assert_eq!(
        status_for(&set, "pkg:cargo/openssl@0.8.3"),
        Some(VexStatus::NotAffected)
    );
    let mut reversed = VexSet::new();
    reversed.add(older);
    reversed.add(newer);
    assert_eq!(
        status_for(&reversed, "pkg:cargo/openssl@0.8.3"),
        Some(VexStatus::NotAffected)
    );
    // Versioned statement does not cover another version; qualifiers of the component are
    // ignored when the statement has none.
    assert_eq!(status_for(&set, "pkg:cargo/openssl@0.8.2"), None);
    assert_eq!(
        status_for(&set, "pkg:cargo/openssl@0.8.3?checksum=abc"),
        Some(VexStatus::NotAffected)
    );
    // A statement with a qualifier requires it.
    let mut q = VexSet::new();
    q.add(VexStatement::new(
        "CVE-2016-10931",
        vec![VexProduct::from_purl("pkg:cargo/openssl@0.8.3?arch=x86_64")],
        VexStatus::Fixed,
    ));
    assert_eq!(status_for(&q, "pkg:cargo/openssl@0.8.3"), None);
    assert_eq!(
        status_for(&q, "pkg:cargo/openssl@0.8.3?arch=x86_64"),
        Some(VexStatus::Fixed)
    );
    println!("purl rules / latest wins: 6/6 passed");
}

#[test]
fn openvex_spec_examples_and_round_trip() {
    // The spec's Spring Boot example (trailing commas fixed), a product-level statement.
    let spring = serde_json::json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://openvex.dev/docs/public/vex-2e67563e128250cbcb3e98930df948dd053e43271d70dc50cfa22d57e03fe96f",
        "author": "Spring Builds <spring-builds@users.noreply.github.com>",
        "role": "Project Release Bot",
        "timestamp": "2023-01-16T19:07:16.853479631-06:00",
        "version": 1,
        "statements": [{
            "vulnerability": {
                "@id": "https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
                "name": "CVE-2021-44228",
                "description": "Remote code injection in Log4j",
                "aliases": ["GHSA-jfh8-c2jp-5v3q"]
            },
            "products": [{
                "@id": "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3",
                "identifiers": {"purl": "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3"},
                "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}]
            }],
            "status": "not_affected",
            "justification": "vulnerable_code_not_in_execute_path",
            "impact_statement": "Spring Boot users are only affected by this vulnerability if they have switched the default logging system to Log4J2."
        }]
    });
    let statements = openvex::import_value("spring", &spring).unwrap();
    assert_eq!(statements.len(), 1);
    let st = &statements[0];
    assert_eq!(st.vulnerability, "CVE-2021-44228");
    assert_eq!(st.vulnerability_aliases, vec!["GHSA-jfh8-c2jp-5v3q"]);
    assert_eq!(st.subcomponents.len(), 1);
    assert_eq!(
        st.timestamp.as_deref(),
        Some("2023-01-16T19:07:16.853479631-06:00")
    );

    // Applied inside the Spring Boot product: log4j-core 2.14.1 is suppressed.
    let db = maven_db();
    let log4j = vec![
        PackageRef::from_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1").unwrap(),
    ];
    let mut set = VexSet::new();
    set.extend(statements.clone());
    let in_spring = ScanOptions {
        include_withdrawn: false,
        product: Some(ProductContext {
            purl: PackageUrl::parse("pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3").ok(),
            ids: vec![],
            version: None,
        }),
    };
    let report = scan_with(&log4j, &db, &set, &in_spring);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].vulnerability_id, "CVE-2021-44228");
    assert!(report.findings[0].is_suppressed());
    // Inside another product the statement does not apply.
    let elsewhere = ScanOptions {
        include_withdrawn: false,
        product: Some(ProductContext {
            purl: PackageUrl::parse("pkg:maven/com.example/app@1.0").ok(),
            ids: vec![],
            version: None,
        }),
    };
    assert!(!scan_with(&log4j, &db, &set, &elsewhere).findings[0].is_suppressed());

    // The spec's "timestamp inheritance" example: the later statement (fixed) wins.
    let inherit = serde_json::json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://openvex.dev/docs/example/vex-9fb3463de1b57",
        "author": "Wolfi J Inkinson",
        "timestamp": "2023-01-09T09:08:42-06:00",
        "version": 2,
        "statements": [
            {"timestamp": "2023-01-08T18:02:03-06:00",
             "vulnerability": {"name": "CVE-2023-12345"},
             "products": [{"@id": "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7"}],
             "status": "under_investigation"},
            {"vulnerability": {"name": "CVE-2023-12345"},
             "products": [{"@id": "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7"}],
             "status": "fixed"}
        ]
    });
    let mut set = VexSet::new();
    set.extend(openvex::import_value("inherit", &inherit).unwrap());
    let component = sanso_vuln::vex::ComponentIdentity {
        purl: PackageUrl::parse("pkg:apk/wolfi/git@2.39.0-r1?arch=armv7").ok(),
        bom_ref: None,
    };
    let winner = set
        .lookup(&["CVE-2023-12345".to_string()], &component, None)
        .unwrap();
    assert_eq!(winner.status, VexStatus::Fixed);

    // Export → import gives the same statements back.
    let exported = openvex::export(
        &statements,
        "https://example.com/vex/rt",
        "sanso",
        "2024-01-01T00:00:00Z",
    );
    let mut back = openvex::import_value("rt", &exported).unwrap();
    for s in &mut back {
        s.source = statements[0].source.clone();
    }
    assert_eq!(back, statements);
    println!("openvex: 5/5 checks passed");
}

#[test]
fn openvex_rejects_bad_documents_with_paths() {
    let bad = serde_json::json!({"statements": [{"vulnerability": {"name": "CVE-1"}, "products": [], "status": "maybe"}]});
    let err = openvex::import_value("bad.json", &bad)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("bad.json") && err.contains("$.statements[0].status"),
        "{err}"
    );
    let err = vex::import_any("x.json", b"{\"hello\": 1}")
        .unwrap_err()
        .to_string();
    assert!(err.contains("not OpenVEX"), "{err}");
}

#[test]
fn cyclonedx_vex_examples() {
    let root = data_path("cyclonedx/bom-examples/VEX");
    let files = json_files_under(&root);
    let (mut docs, mut statements, mut failed) = (0usize, 0usize, Vec::new());
    for f in &files {
        let bytes = read(f);
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        if value.get("vulnerabilities").is_none() {
            continue; // plain SBOMs next to the VEX files
        }
        docs += 1;
        match cyclonedx::import(&f.display().to_string(), &bytes) {
            Ok(s) => statements += s.len(),
            Err(e) => failed.push(e.to_string()),
        }
    }
    println!(
        "cyclonedx VEX examples: {}/{docs} documents imported, {statements} statements",
        docs - failed.len()
    );
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(docs >= 20);

    // VEX/vex.json: jackson-databind 2.10.0 is not affected by CVE-2020-25649 (code not reachable).
    let st = cyclonedx::import("vex.json", &read(&root.join("vex.json"))).unwrap();
    assert_eq!(st.len(), 1);
    assert_eq!(st[0].status, VexStatus::NotAffected);
    assert_eq!(
        st[0].justification_text.as_deref(),
        Some("code_not_reachable")
    );
    assert_eq!(
        st[0].products[0].purl.as_deref(),
        Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar")
    );
    assert_eq!(
        st[0].action_statement.as_deref(),
        Some("will_not_fix, update")
    );

    // Scan the components of VEX/bom.json against the jackson advisory, with vex.json applied.
    let bom: serde_json::Value = serde_json::from_slice(&read(&root.join("bom.json"))).unwrap();
    let packages: Vec<PackageRef> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .filter_map(|p| PackageRef::from_purl(p).ok())
        .collect();
    let mut set = VexSet::new();
    set.extend(st);
    let report = scan(&packages, &maven_db(), &set);
    let jackson: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.vulnerability_id == "CVE-2020-25649")
        .collect();
    assert_eq!(jackson.len(), 1, "{:#?}", report.findings);
    assert!(jackson[0].is_suppressed());
    assert_eq!(
        jackson[0].vex.as_ref().unwrap().justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );

    // Export → import keeps status, justification, ids and products.
    let original = cyclonedx::import("vex.json", &read(&root.join("vex.json"))).unwrap();
    let exported = cyclonedx::export(
        &original,
        "urn:uuid:00000000-0000-4000-8000-000000000000",
        "2024-01-01T00:00:00Z",
    );
    let back = cyclonedx::import_value("rt", &exported).unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].status, original[0].status);
    assert_eq!(back[0].justification, original[0].justification);
    assert_eq!(back[0].justification_text, original[0].justification_text);
    assert_eq!(
        back[0].vulnerability_aliases,
        original[0].vulnerability_aliases
    );
    assert_eq!(back[0].products[0].purl, original[0].products[0].purl);
    assert_eq!(back[0].action_statement, original[0].action_statement);
}

#[test]
fn csaf_vex_examples() {
    let dir = data_path("vex/csaf/csaf_2.0/examples/csaf/csaf_vex");
    let files = json_files_under(&dir);
    let mut total = 0;
    let mut ok = 0;
    for f in &files {
        let statements =
            csaf::import(&f.display().to_string(), &read(f)).unwrap_or_else(|e| panic!("{e}"));
        assert!(!statements.is_empty(), "{}", f.display());
        total += statements.len();
        ok += 1;
    }
    println!(
        "csaf_vex examples: {ok}/{} documents imported, {total} statements",
        files.len()
    );
    assert_eq!(ok, 13);

    // Use case 1, not affected: CSAFPID-0001 (Example Company ABC 4.2) not affected by Log4Shell.
    let na = csaf::import("na", &read(&dir.join("2022-evd-uc-01-na-001.json"))).unwrap();
    assert_eq!(na.len(), 1);
    assert_eq!(na[0].vulnerability, "CVE-2021-44228");
    assert_eq!(na[0].status, VexStatus::NotAffected);
    assert_eq!(na[0].products[0].id.as_deref(), Some("CSAFPID-0001"));
    assert_eq!(
        na[0].products[0].name.as_deref(),
        Some("Example Company ABC 4.2")
    );
    assert_eq!(
        na[0].impact_statement.as_deref(),
        Some("Class with vulnerable code was removed before shipping.")
    );
    assert_eq!(na[0].timestamp.as_deref(), Some("2022-03-03T11:00:00.000Z"));

    // Applied: log4j-core inside product CSAFPID-0001 is suppressed; scanned without that
    // product context it is not.
    let db = maven_db();
    let log4j = vec![
        PackageRef::from_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1").unwrap(),
    ];
    let mut set = VexSet::new();
    set.extend(na);
    let in_product = ScanOptions {
        include_withdrawn: false,
        product: Some(ProductContext {
            purl: None,
            ids: vec!["CSAFPID-0001".into()],
            version: None,
        }),
    };
    assert!(scan_with(&log4j, &db, &set, &in_product).findings[0].is_suppressed());
    assert!(!scan(&log4j, &db, &set).findings[0].is_suppressed());

    // Use case 8: per-status counts for CVE-2021-44228.
    let uc8 = csaf::import("uc8", &read(&dir.join("2022-evd-uc-08-001.json"))).unwrap();
    let count = |s: VexStatus| {
        uc8.iter()
            .filter(|x| x.vulnerability == "CVE-2021-44228" && x.status == s)
            .count()
    };
    assert_eq!(
        (
            count(VexStatus::Fixed),
            count(VexStatus::Affected),
            count(VexStatus::NotAffected)
        ),
        (2, 4, 5)
    );
    let affected_0002 = uc8
        .iter()
        .find(|x| {
            x.status == VexStatus::Affected && x.products[0].id.as_deref() == Some("CSAFPID-0002")
        })
        .unwrap();
    assert!(affected_0002
        .action_statement
        .as_deref()
        .unwrap()
        .contains("vendor_fix"));

    // sec-vex-2022-0001: justification from flags.
    let sec = csaf::import("sec", &read(&dir.join("sec-vex-2022-0001.json"))).unwrap();
    assert!(sec
        .iter()
        .all(|s| s.justification == Some(vex::Justification::ComponentNotPresent)));
}

#[test]
fn csaf_red_hat_vex_with_purls_and_relationships() {
    let path = data_path("sbom-corpus/csaf/cve-2023-33201.json");
    let statements = csaf::import("cve-2023-33201.json", &read(&path)).unwrap();
    let by = |s: VexStatus| statements.iter().filter(|x| x.status == s).count();
    println!(
        "red hat csaf vex: {} statements ({} fixed, {} affected, {} not affected)",
        statements.len(),
        by(VexStatus::Fixed),
        by(VexStatus::Affected),
        by(VexStatus::NotAffected)
    );
    assert_eq!(
        (
            by(VexStatus::Fixed),
            by(VexStatus::Affected),
            by(VexStatus::NotAffected)
        ),
        (25, 21, 334)
    );
    assert!(statements
        .iter()
        .filter(|s| s.status == VexStatus::NotAffected)
        .all(|s| s.justification == Some(vex::Justification::VulnerableCodeNotPresent)));
    // eap7-bouncycastle noarch inside 7Server-JBEAP-7.4 is fixed.
    let mut set = VexSet::new();
    set.extend(statements);
    let component = sanso_vuln::vex::ComponentIdentity {
        purl: PackageUrl::parse(
            "pkg:rpm/redhat/eap7-bouncycastle@1.76.0-4.redhat_00001.1.el7eap?arch=noarch",
        )
        .ok(),
        bom_ref: None,
    };
    let ctx = ProductContext {
        purl: None,
        ids: vec!["7Server-JBEAP-7.4".into()],
        version: None,
    };
    let st = set
        .lookup(&["CVE-2023-33201".to_string()], &component, Some(&ctx))
        .expect("statement for eap7-bouncycastle");
    assert_eq!(st.status, VexStatus::Fixed);
    assert_eq!(st.products[0].id.as_deref(), Some("7Server-JBEAP-7.4"));
    // The same component in the RHEL 8 product is a different statement (and different purl).
    let ctx8 = ProductContext {
        purl: None,
        ids: vec!["8Base-JBEAP-7.4".into()],
        version: None,
    };
    assert!(set
        .lookup(&["CVE-2023-33201".to_string()], &component, Some(&ctx8))
        .is_none());
}

#[test]
fn import_any_detects_each_format() {
    let cdx = read(&data_path("cyclonedx/bom-examples/VEX/vex.json"));
    let csaf_doc = read(&data_path(
        "vex/csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-01-a-001.json",
    ));
    assert_eq!(
        vex::import_any("cdx", &cdx).unwrap()[0].status,
        VexStatus::NotAffected
    );
    assert_eq!(
        vex::import_any("csaf", &csaf_doc).unwrap()[0].status,
        VexStatus::Affected
    );
    let ov = openvex::export(
        &[VexStatement::new(
            "CVE-1",
            vec![VexProduct::from_purl("pkg:npm/a@1")],
            VexStatus::Fixed,
        )],
        "id",
        "me",
        "2024-01-01T00:00:00Z",
    );
    let bytes = serde_json::to_vec(&ov).unwrap();
    assert_eq!(
        vex::import_any("ov", &bytes).unwrap()[0].status,
        VexStatus::Fixed
    );
}

#[test]
fn cyclonedx_product_version_ranges_on_bom_refs() {
    // CISA use case 6: product ABC, some versions affected by Log4Shell, others not.
    let path = data_path("cyclonedx/bom-examples/VEX/CISA-Use-Cases/Case-6/vex.json");
    let statements = cyclonedx::import("case-6", &read(&path)).unwrap();
    let mut set = VexSet::new();
    set.extend(statements);
    let component = sanso_vuln::vex::ComponentIdentity {
        purl: PackageUrl::parse("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1").ok(),
        bom_ref: None,
    };
    let status_at = |version: &str| {
        let ctx = ProductContext {
            purl: None,
            ids: vec!["product-ABC".into()],
            version: Some(version.into()),
        };
        set.lookup(&["CVE-2021-44228".to_string()], &component, Some(&ctx))
            .map(|s| s.status)
    };
    let cases = [
        ("2.4", Some(VexStatus::Affected)),
        ("2.5", Some(VexStatus::NotAffected)),
        ("2.6", Some(VexStatus::Affected)),
        ("2.7", Some(VexStatus::NotAffected)),
        ("1.0", Some(VexStatus::NotAffected)),
        ("3.5", Some(VexStatus::Affected)),
        ("4.2", Some(VexStatus::NotAffected)),
        ("9.0", None),
    ];
    for (version, want) in cases {
        assert_eq!(status_at(version), want, "product-ABC {version}");
    }
    println!(
        "cyclonedx product ranges: {}/{} versions as expected",
        cases.len(),
        cases.len()
    );
}

#[test]
fn cyclonedx_statement_without_affects_covers_everything() {
    // Use case 7: CVE-2020-25649 is not exploitable in any product of the vendor.
    let path = data_path("cyclonedx/bom-examples/VEX/Use-Cases/Case-7/vex.json");
    let statements = cyclonedx::import("case-7", &read(&path)).unwrap();
    assert_eq!(statements.len(), 1);
    assert!(statements[0].products.is_empty());
    let mut set = VexSet::new();
    set.extend(statements);
    let packages =
        vec![
            PackageRef::from_purl("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.1")
                .unwrap(),
        ];
    let report = scan(&packages, &maven_db(), &set);
    assert_eq!(report.findings.len(), 1);
    assert!(report.findings[0].is_suppressed());
}

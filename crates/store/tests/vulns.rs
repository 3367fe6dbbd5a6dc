//! OSV import and on-demand findings, on the backend chosen by `SANSO_TEST_DATABASE_URL`.

use std::io::Write;
use std::path::PathBuf;

use sanso_store::software::{ProductInput, VersionInput};
use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Store, StoreError};

fn rustsec_dir() -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osv/rustsec/crates");
    assert!(
        dir.is_dir(),
        "test data {} is missing: these tests need ../shared/data",
        dir.display()
    );
    dir
}

/// A zip of the given (name, bytes) entries.
fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            zip.start_file(name.as_str(), options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

fn rustsec_entries() -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<(String, Vec<u8>)> = std::fs::read_dir(rustsec_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    entries.sort();
    entries
}

async fn seeded(inst: &TestInstallation) -> (Store, String, String) {
    let store = Store::open(&inst.config).await.expect("open store");
    let (admin, ws) = store
        .create_first_admin(
            &Actor::cli(),
            "admin@example.com",
            "Admin",
            "a long password",
            "Maker",
        )
        .await
        .unwrap();
    let other = store
        .create_workspace(&Actor::cli(), "Other", "", &admin.id)
        .await
        .unwrap();
    (store, ws.id, other.id)
}

#[tokio::test]
async fn osv_import_is_idempotent_and_findings_follow_the_stored_data() {
    let inst = TestInstallation::new().await;
    let (store, ws, other) = seeded(&inst).await;
    let actor = Actor::cli();
    let entries = rustsec_entries();
    let files = entries.len();
    let summary = store
        .import_osv_zip(&actor, zip_of(&entries))
        .await
        .unwrap();
    println!("rustsec import: {summary:?}");
    assert_eq!(summary.files_read, files);
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    assert_eq!(summary.added + summary.unchanged, files);
    assert!(summary.withdrawn >= 1);
    let stored = store.osv_advisory_count().await.unwrap();
    assert_eq!(stored as usize, summary.added);
    // The same archive again changes nothing.
    let again = store
        .import_osv_zip(&actor, zip_of(&entries))
        .await
        .unwrap();
    assert_eq!((again.added, again.updated), (0, 0));
    assert_eq!(again.unchanged, files);
    // A broken archive stores nothing.
    let err = store
        .import_osv_zip(&actor, b"not a zip".to_vec())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(store.osv_advisory_count().await.unwrap(), stored);

    // A version whose SBOM holds an affected smallvec, a fixed one, a withdrawn advisory's crate
    // and a component without purl.
    let p = store
        .create_product(
            &actor,
            &ws,
            ProductInput {
                name: "Gateway".into(),
                description: String::new(),
                node_id: None,
            },
        )
        .await
        .unwrap();
    let v = store
        .create_version(
            &actor,
            &ws,
            &p.id,
            VersionInput {
                version: "1".into(),
            },
        )
        .await
        .unwrap();
    let bom = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
      {"type":"library","bom-ref":"a","name":"smallvec","version":"1.6.0","purl":"pkg:cargo/smallvec@1.6.0"},
      {"type":"library","bom-ref":"b","name":"smallvec","version":"1.6.1","purl":"pkg:cargo/smallvec@1.6.1"},
      {"type":"library","bom-ref":"c","name":"dirs","version":"1.0.0","purl":"pkg:cargo/dirs@1.0.0"},
      {"type":"library","bom-ref":"d","name":"vendored-blob","version":"3"}]}"#;
    store
        .ingest_sbom(&actor, &ws, &v.id, bom.to_vec(), "bom.json")
        .await
        .unwrap();
    let report = store.version_findings(&ws, &v.id).await.unwrap();
    let hits: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.component_purl.clone().unwrap_or_default(),
                f.vulnerability_id.clone(),
            )
        })
        .collect();
    println!("findings: {hits:?}; warnings: {:?}", report.warnings);
    let smallvec = report
        .findings
        .iter()
        .find(|f| f.vulnerability_id == "CVE-2021-25900")
        .expect("RUSTSEC-2021-0003 (CVE-2021-25900) hits smallvec 1.6.0");
    assert_eq!(
        smallvec.component_purl.as_deref(),
        Some("pkg:cargo/smallvec@1.6.0")
    );
    assert!(smallvec.aliases.contains(&"RUSTSEC-2021-0003".to_string()));
    assert_eq!(smallvec.component_bom_ref.as_deref(), Some("a"));
    assert!(
        !hits
            .iter()
            .any(|(purl, _)| purl == "pkg:cargo/smallvec@1.6.1"),
        "{hits:?}"
    );
    // RUSTSEC-2020-0053 (dirs) is withdrawn: no finding.
    assert!(
        !hits.iter().any(|(purl, _)| purl == "pkg:cargo/dirs@1.0.0"),
        "{hits:?}"
    );
    assert!(
        report.warnings.iter().any(|w| w.contains("no package URL")),
        "{:?}",
        report.warnings
    );
    // Another workspace cannot ask about this version.
    assert!(matches!(
        store.version_findings(&other, &v.id).await,
        Err(StoreError::NotFound)
    ));

    // A newer copy of an advisory replaces the stored one; an older copy does not.
    let newer = br#"{"id":"RUSTSEC-2021-0003","modified":"2099-01-01T00:00:00Z","aliases":["CVE-2021-25900"],
      "affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},
      "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.2"}]}]}]}"#;
    let s = store
        .import_osv_zip(
            &actor,
            zip_of(&[("RUSTSEC-2021-0003.json".into(), newer.to_vec())]),
        )
        .await
        .unwrap();
    assert_eq!((s.added, s.updated, s.unchanged), (0, 1, 0));
    let report = store.version_findings(&ws, &v.id).await.unwrap();
    assert!(report.findings.iter().any(|f| f.component_purl.as_deref()
        == Some("pkg:cargo/smallvec@1.6.1")
        && f.vulnerability_id == "CVE-2021-25900"));
    let older = zip_of(&[(
        "RUSTSEC-2021-0003.json".into(),
        std::fs::read(rustsec_dir().join("RUSTSEC-2021-0003.json")).unwrap(),
    )]);
    let s = store.import_osv_zip(&actor, older).await.unwrap();
    assert_eq!((s.added, s.updated, s.unchanged), (0, 0, 1));

    // The version's packages are cached between scans, but a new SBOM is seen at once, and so
    // is its deletion.
    let extra = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
      {"type":"library","name":"smallvec","version":"0.6.2","purl":"pkg:cargo/smallvec@0.6.2"}]}"#;
    let added = store
        .ingest_sbom(&actor, &ws, &v.id, extra.to_vec(), "extra.json")
        .await
        .unwrap();
    let has_old_smallvec = |r: &sanso_vuln::ScanReport| {
        r.findings
            .iter()
            .any(|f| f.component_purl.as_deref() == Some("pkg:cargo/smallvec@0.6.2"))
    };
    let report = store.version_findings(&ws, &v.id).await.unwrap();
    assert_eq!(report.components_scanned, 4);
    assert!(has_old_smallvec(&report));
    store.delete_sbom(&actor, &ws, &added.id).await.unwrap();
    let report = store.version_findings(&ws, &v.id).await.unwrap();
    assert_eq!(report.components_scanned, 3);
    assert!(!has_old_smallvec(&report));
}

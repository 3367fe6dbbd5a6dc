//! `sanso osv import` end to end on the backend chosen by `SANSO_TEST_DATABASE_URL`: a directory of
//! OSV files records the portfolio finding for the affected product version (and not for the
//! fixed one), a second import finds nothing new, and a missing path fails with its name.

use std::path::PathBuf;
use std::process::{Command, Output};

use sanso_store::software::{ProductInput, VersionInput};
use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Store};

fn sanso(inst: &TestInstallation, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sanso"));
    cmd.arg("--data-dir").arg(&inst.config.data_dir);
    match &inst.config.database_url {
        Some(url) => cmd.env("SANSO_DATABASE_URL", url),
        None => cmd.env_remove("SANSO_DATABASE_URL"),
    };
    cmd.args(args).output().expect("run sanso")
}

async fn version_with(store: &Store, ws: &str, product: &str, purl: &str) -> String {
    let actor = Actor::cli();
    let p = store
        .create_product(
            &actor,
            ws,
            ProductInput {
                name: product.into(),
                description: String::new(),
                node_id: None,
            },
        )
        .await
        .unwrap();
    let v = store
        .create_version(
            &actor,
            ws,
            &p.id,
            VersionInput {
                version: "1".into(),
            },
        )
        .await
        .unwrap();
    let bom = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{{"type":"library","name":"x","version":"1","purl":"{purl}"}}]}}"#
    );
    store
        .ingest_sbom(&actor, ws, &v.id, bom.into_bytes(), "bom.json")
        .await
        .unwrap();
    v.id
}

#[tokio::test]
async fn osv_import_records_portfolio_findings() {
    let inst = TestInstallation::new().await;
    let ws = {
        let store = Store::open(&inst.config).await.unwrap();
        let (_, ws) = store
            .create_first_admin(
                &Actor::cli(),
                "a@example.com",
                "A",
                "a long password",
                "Maker",
            )
            .await
            .unwrap();
        let hit = version_with(&store, &ws.id, "Gateway", "pkg:cargo/smallvec@1.6.0").await;
        version_with(&store, &ws.id, "Sensor", "pkg:cargo/smallvec@1.6.1").await;
        store.close().await;
        (ws.id, hit)
    };
    let dir = tempfile::tempdir().unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/osv/rustsec/crates/RUSTSEC-2021-0003.json");
    std::fs::copy(&source, dir.path().join("RUSTSEC-2021-0003.json")).unwrap();
    let dir_arg = dir.path().to_str().unwrap();

    let out = sanso(&inst, &["osv", "import", dir_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 advisories added"), "{stdout}");
    assert!(
        stdout.contains("1 new findings in 1 product versions"),
        "{stdout}"
    );

    let out = sanso(&inst, &["osv", "import", dir_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 new findings"), "{stdout}");

    let store = Store::open(&inst.config).await.unwrap();
    let findings = store
        .list_portfolio_findings(&ws.0, false, 0, 100)
        .await
        .unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].version_id, ws.1);
    assert_eq!(findings[0].advisory_id, "RUSTSEC-2021-0003");
    store.close().await;

    let out = sanso(&inst, &["osv", "import", "/nonexistent/osv-dir"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/osv-dir"));
}

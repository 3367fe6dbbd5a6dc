//! `sanso osv import` end to end on the backend chosen by `SANSO_TEST_DATABASE_URL`: a directory of
//! OSV files records the portfolio finding for the affected product version (and not for the
//! fixed one), a second import finds nothing new, and a missing path fails with its name.

use std::path::PathBuf;
use std::process::{Command, Output};

use sanso_store::testing::{version_with_purls, TestInstallation};
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
        let hit =
            version_with_purls(&store, &ws.id, "Gateway", &["pkg:cargo/smallvec@1.6.0"]).await;
        version_with_purls(&store, &ws.id, "Sensor", &["pkg:cargo/smallvec@1.6.1"]).await;
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

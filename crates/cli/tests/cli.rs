//! The `sanso` binary end to end, on the backend chosen by `SANSO_TEST_DATABASE_URL`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sanso_store::testing::TestInstallation;
use sqlx::{Connection, Executor};

fn sanso(inst: &TestInstallation, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sanso"));
    cmd.arg("--data-dir").arg(&inst.config.data_dir);
    match &inst.config.database_url {
        Some(url) => cmd.env("SANSO_DATABASE_URL", url),
        None => cmd.env_remove("SANSO_DATABASE_URL"),
    };
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run sanso");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn first_workspace(inst: &TestInstallation) -> String {
    let list = ok(&sanso(inst, &["workspace", "list"], None));
    list.lines()
        .next()
        .expect("a workspace")
        .split('\t')
        .next()
        .unwrap()
        .to_string()
}

const MODEL: &str = "format: sanso.value-chain/v1
nodes:
  - {key: buyer, kind: organization, name: Buyer, category: buyer}
  - {key: sup, kind: organization, name: Supplier}
  - {key: plc, kind: component, name: PLC, critical: true}
connections:
  - {from: sup, to: buyer, layer: L1, kind: supplies}
  - {from: buyer, to: plc, layer: L2, kind: operates}
";

#[tokio::test]
async fn admin_model_backup_restore_and_audit_through_the_cli() {
    let inst = TestInstallation::new().await;
    let out = ok(&sanso(
        &inst,
        &[
            "admin",
            "create",
            "--email",
            "lead@example.com",
            "--name",
            "Lead",
            "--workspace",
            "Buyer",
        ],
        Some("a long password\n"),
    ));
    assert!(
        out.contains("created administrator lead@example.com"),
        "{out}"
    );
    let ws = first_workspace(&inst);
    let token = ok(&sanso(
        &inst,
        &["token", "create", "--email", "lead@example.com"],
        None,
    ));
    assert!(token.trim().starts_with("sanso_"));

    let model = inst.dir.path().join("model.yaml");
    std::fs::write(&model, MODEL).unwrap();
    let out = ok(&sanso(
        &inst,
        &[
            "model",
            "import",
            model.to_str().unwrap(),
            "--workspace",
            &ws,
        ],
        None,
    ));
    assert!(out.contains("nodes: 3 created"), "{out}");
    let exported = ok(&sanso(
        &inst,
        &["model", "export", "--workspace", &ws, "--format", "json"],
        None,
    ));
    let doc: serde_json::Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(doc["nodes"].as_array().unwrap().len(), 3);

    // A faulty document names the row and changes nothing.
    std::fs::write(&model, MODEL.replace("to: plc", "to: robot")).unwrap();
    let bad = sanso(
        &inst,
        &[
            "model",
            "import",
            model.to_str().unwrap(),
            "--workspace",
            &ws,
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("connections[1].to"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert_eq!(
        ok(&sanso(
            &inst,
            &["model", "export", "--workspace", &ws, "--format", "json"],
            None
        )),
        exported
    );

    // Backup, restore into a new installation, same model and an intact audit log.
    let archive = inst.dir.path().join("backup.tar.gz");
    let out = ok(&sanso(&inst, &["backup", archive.to_str().unwrap()], None));
    assert!(out.contains("wrote"), "{out}");
    let target = TestInstallation::sibling().await;
    let out = ok(&sanso(
        &target,
        &["restore", archive.to_str().unwrap()],
        None,
    ));
    assert!(out.contains("audit log intact"), "{out}");
    assert_eq!(
        ok(&sanso(
            &target,
            &["model", "export", "--workspace", &ws, "--format", "json"],
            None
        )),
        exported
    );
    let again = sanso(&target, &["restore", archive.to_str().unwrap()], None);
    assert_eq!(
        again.status.code(),
        Some(2),
        "restore into a non-empty installation must fail"
    );

    // Tampering with one audit entry is reported with its sequence number.
    let out = ok(&sanso(&inst, &["audit", "verify"], None));
    assert!(out.starts_with("audit log intact"), "{out}");
    sqlx::any::install_default_drivers();
    let mut raw = sqlx::AnyConnection::connect(&inst.config.connection_url())
        .await
        .unwrap();
    if inst.config.database_url.is_some() {
        raw.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
            .await
            .unwrap();
    } else {
        raw.execute("DROP TRIGGER audit_log_no_update")
            .await
            .unwrap();
    }
    raw.execute("UPDATE audit_log SET after_json = '{\"name\":\"forged\"}' WHERE seq = 4")
        .await
        .unwrap();
    raw.close().await.unwrap();
    let out = sanso(&inst, &["audit", "verify"], None);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BROKEN at entry 4"), "{text}");
}

#[tokio::test]
async fn bad_locations_and_arguments_fail_clearly() {
    let inst = TestInstallation::new().await;
    let out = sanso(
        &inst,
        &["--database-url", "mysql://x", "workspace", "list"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
    let out = sanso(
        &inst,
        &["model", "export", "--workspace", "no-such-workspace"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("workspace no-such-workspace"));
    let out = sanso(&inst, &["restore", "/nonexistent/backup.tar.gz"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/backup.tar.gz"));
}

fn shared_data(rel: &str) -> std::path::PathBuf {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    assert!(
        p.exists(),
        "reference data missing: {} (the tests need ../shared/data beside the repository)",
        p.display()
    );
    p
}

fn run_plain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sanso"))
        .args(args)
        .output()
        .expect("run sanso")
}

const SBOM: &str = r#"{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "components": [
    {"type": "library", "bom-ref": "sv-old", "name": "smallvec", "version": "0.6.0", "purl": "pkg:cargo/smallvec@0.6.0"},
    {"type": "library", "bom-ref": "sv-new", "name": "smallvec", "version": "1.13.0", "purl": "pkg:cargo/smallvec@1.13.0"},
    {"type": "library", "name": "no-purl", "version": "1.0"}
  ]
}"#;

#[test]
fn sbom_scan_reports_findings_with_aliases_and_honours_vex_and_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = dir.path().join("bom.json");
    std::fs::write(&sbom, SBOM).unwrap();
    let osv = shared_data("osv/rustsec/crates");
    let (sbom_s, osv_s) = (sbom.to_str().unwrap(), osv.to_str().unwrap());

    let out = run_plain(&[
        "sbom",
        "scan",
        sbom_s,
        "--osv",
        osv_s,
        "--format",
        "json",
        "--fail-on",
        "high",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let hit = findings
        .iter()
        .find(|f| f.to_string().contains("RUSTSEC-2018-0003"))
        .unwrap_or_else(|| panic!("smallvec 0.6.0 must match RUSTSEC-2018-0003: {report}"));
    let text = hit.to_string();
    for expected in [
        "pkg:cargo/smallvec@0.6.0",
        "CVE-2018-20991",
        "GHSA-rxr4-x558-x7hw",
        "0.6.3",
    ] {
        assert!(text.contains(expected), "finding lacks {expected}: {text}");
    }
    assert!(!findings
        .iter()
        .any(|f| f.to_string().contains("smallvec@1.13.0")
            && f.to_string().contains("RUSTSEC-2018-0003")));

    // A VEX statement keyed by the CVE alias suppresses the finding reported under the RUSTSEC id.
    let vex = dir.path().join("vex.json");
    std::fs::write(
        &vex,
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "Maker",
            "timestamp": "2026-01-01T00:00:00Z", "version": 1,
            "statements": [{"vulnerability": {"name": "CVE-2018-20991"}, "products": [{"@id": "pkg:cargo/smallvec@0.6.0"}],
                            "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}"#,
    )
    .unwrap();
    let out = run_plain(&[
        "sbom",
        "scan",
        sbom_s,
        "--osv",
        osv_s,
        "--vex",
        vex.to_str().unwrap(),
        "--format",
        "sarif",
        "--fail-on",
        "high",
    ]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let vexed: serde_json::Value = serde_json::from_slice(
        &run_plain(&[
            "sbom",
            "scan",
            sbom_s,
            "--osv",
            osv_s,
            "--vex",
            vex.to_str().unwrap(),
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(vexed["summary"]["suppressed_by_vex"], 1, "{vexed}");
    let still_active = vexed["summary"]["active_by_severity"]["critical"]
        .as_u64()
        .unwrap()
        + vexed["summary"]["active_by_severity"]["high"]
            .as_u64()
            .unwrap();
    assert_eq!(
        out.status.code(),
        Some(if still_active > 0 { 1 } else { 0 })
    );

    // Bad input: exit 2 with the file named.
    std::fs::write(&sbom, &SBOM[..60]).unwrap();
    let out = run_plain(&["sbom", "scan", sbom_s, "--osv", osv_s]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bom.json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn catalog_resolve_writes_the_resolved_high_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("high.json");
    let profile = shared_data("oscal/NIST_SP-800-53_rev5_HIGH-baseline_profile.json");
    let out = run_plain(&[
        "catalog",
        "resolve",
        profile.to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("resolved 370 controls"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert!(doc["catalog"]["groups"]
        .as_array()
        .is_some_and(|g| !g.is_empty()));
    let missing = run_plain(&["catalog", "resolve", "/nonexistent/profile.json"]);
    assert_eq!(missing.status.code(), Some(2));
}

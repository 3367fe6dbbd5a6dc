//! End-to-end in headless Chromium: a product maker adds a product and version, uploads an SBOM
//! through the form, sees the finding with all its IDs, triages it, and sees the dashboard count
//! drop. Set `SANSO_SKIP_BROWSER_TESTS=1` to skip on a machine without Chromium.

#[path = "common/browser.rs"]
mod browser_kit;
mod common;

use std::io::Write;
use std::path::PathBuf;

use browser_kit::*;
use common::TestServer;
use fantoccini::Locator;

fn osv_zip() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/osv/rustsec/crates/RUSTSEC-2021-0003.json");
    let advisory = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): this test needs ../shared/data",
            path.display()
        )
    });
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file(
            "RUSTSEC-2021-0003.json",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&advisory).unwrap();
        zip.finish().unwrap();
    }
    out.into_inner()
}

#[tokio::test]
async fn upload_an_sbom_see_findings_and_triage_one() {
    if std::env::var("SANSO_SKIP_BROWSER_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: browser test (SANSO_SKIP_BROWSER_TESTS=1)");
        return;
    }
    let server = TestServer::start().await;
    server
        .store
        .import_osv_zip(&sanso_store::Actor::cli(), osv_zip())
        .await
        .unwrap();
    let driver = start_chromedriver().await;
    let c = browser(&driver).await;

    let setup = server.store.create_setup_invitation().await.unwrap();
    c.goto(&server.url(&format!("/setup/{setup}")))
        .await
        .unwrap();
    fill(&c, "#setup input[name=email]", "maker@example.com").await;
    fill(&c, "#setup input[name=display_name]", "Maker").await;
    fill(&c, "#setup input[name=password]", "correct horse battery").await;
    fill(&c, "#setup input[name=workspace_name]", "Device Maker").await;
    click(&c, "#setup button[type=submit]").await;
    click_link(&c, "Software").await;
    assert!(page_text(&c).await.contains("Findings dashboard"));

    fill(&c, "#new-product input[name=name]", "Gateway").await;
    click(&c, "#new-product button[type=submit]").await;
    fill(&c, "#new-version input[name=version]", "1.0").await;
    click(&c, "#new-version button[type=submit]").await;

    let dir = tempfile::tempdir().unwrap();
    let bom = dir.path().join("gateway.cdx.json");
    std::fs::write(
        &bom,
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
          {"type":"library","name":"smallvec","version":"1.6.0","purl":"pkg:cargo/smallvec@1.6.0",
           "supplier":{"name":"Servo"},"licenses":[{"license":{"id":"MIT"}}]},
          {"type":"library","name":"dirs","version":"1.0.0","purl":"pkg:cargo/dirs@1.0.0"}]}"#,
    )
    .unwrap();
    c.find(Locator::Css("#sbom-upload input[type=file]"))
        .await
        .unwrap()
        .send_keys(bom.to_str().unwrap())
        .await
        .unwrap();
    click(&c, "#sbom-upload button[type=submit]").await;

    let text = page_text(&c).await;
    assert!(text.contains("CVE-2021-25900"), "{text}");
    assert!(text.contains("RUSTSEC-2021-0003") && text.contains("GHSA-43w2-9j62-hq99"));
    assert!(text.contains("SEMVER"), "matched range shown");
    let row = c
        .find(Locator::Css("tr.finding[data-vuln='CVE-2021-25900']"))
        .await
        .unwrap();
    assert_eq!(
        row.attr("data-active").await.unwrap().as_deref(),
        Some("true")
    );

    choose(&c, "triage-0", "state", "not affected").await;
    choose(
        &c,
        "triage-0",
        "justification",
        "vulnerable_code_not_in_execute_path",
    )
    .await;
    fill(
        &c,
        "#triage-0 input[name=comment]",
        "insert_many is never called",
    )
    .await;
    click(&c, "#triage-0 button[type=submit]").await;

    let row = c
        .find(Locator::Css("tr.finding[data-vuln='CVE-2021-25900']"))
        .await
        .unwrap();
    assert_eq!(
        row.attr("data-active").await.unwrap().as_deref(),
        Some("false")
    );
    let text = page_text(&c).await;
    assert!(text.contains("insert_many is never called"), "{text}");

    click_link(&c, "Software").await;
    let open = c
        .find(Locator::Css("#open-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(open, "0");
    assert!(c
        .find(Locator::Css("svg#chart-severity rect"))
        .await
        .is_ok());

    c.close().await.unwrap();
    server.stop().await;
}

//! End-to-end in a real headless Chromium (Debian's `chromium` + `chromium-driver`), driven over
//! WebDriver: first administrator, sign-in, Japanese UI, a small value chain, its diagram.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (the test script installs them). Set
//! `SANSO_SKIP_BROWSER_TESTS=1` to skip on a machine without them; the test then says so loudly.

#[path = "common/browser.rs"]
mod browser_kit;
mod common;

use browser_kit::*;
use common::TestServer;
use fantoccini::Locator;

#[tokio::test]
async fn first_admin_builds_a_value_chain_in_japanese_and_sees_its_diagram() {
    if std::env::var("SANSO_SKIP_BROWSER_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: browser test (SANSO_SKIP_BROWSER_TESTS=1)");
        return;
    }
    let server = TestServer::start().await;
    let driver = start_chromedriver().await;
    let c = browser(&driver).await;

    // 1. The one-time setup link (printed on the console by `sanso serve`) creates the first administrator.
    let setup = server.store.create_setup_invitation().await.unwrap();
    c.goto(&server.url(&format!("/setup/{setup}")))
        .await
        .unwrap();
    fill(&c, "#setup input[name=email]", "lead@buyer.example").await;
    fill(&c, "#setup input[name=display_name]", "Security Lead").await;
    fill(&c, "#setup input[name=password]", "correct horse battery").await;
    fill(
        &c,
        "#setup input[name=workspace_name]",
        "Buyer Manufacturing",
    )
    .await;
    click(&c, "#setup button[type=submit]").await;
    assert!(c.current_url().await.unwrap().path().ends_with("/model"));

    // 2. Sign out and in again.
    click(&c, "header form button").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    fill(&c, "#login input[name=email]", "lead@buyer.example").await;
    fill(&c, "#login input[name=password]", "correct horse battery").await;
    click(&c, "#login button[type=submit]").await;
    click_link(&c, "Buyer Manufacturing").await;
    click_link(&c, "Value chain").await;

    // 3. Switch the UI to Japanese.
    click(&c, "#lang-switch").await;
    let lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("ja"));
    assert!(page_text(&c).await.contains("構成要素を追加"));

    // 4. A buyer, two suppliers, a system, an IoT device and a data set.
    let nodes = [
        ("組織", "買い手製作所", "発注元"),
        ("組織", "サプライヤーA", "サプライヤー"),
        ("組織", "サプライヤーB", "サプライヤー"),
        ("システム", "生産管理システム", ""),
        ("モノ", "温度センサー", "IoT機器"),
        ("データ", "生産実績データ", ""),
    ];
    for (kind, name, category) in nodes {
        choose(&c, "add-node", "kind", kind).await;
        fill(&c, "#add-node input[name=name]", name).await;
        fill(&c, "#add-node input[name=category]", category).await;
        click(&c, "#add-node button[type=submit]").await;
        assert!(
            page_text(&c).await.contains(name),
            "{name} not listed after adding it"
        );
    }

    // 5. Connections on all three layers.
    let connections = [
        (
            "サプライヤーA",
            "供給する",
            "買い手製作所",
            "第1層：企業間のつながり",
        ),
        (
            "サプライヤーB",
            "供給する",
            "買い手製作所",
            "第1層：企業間のつながり",
        ),
        (
            "買い手製作所",
            "運用する",
            "生産管理システム",
            "第1層：企業間のつながり",
        ),
        (
            "温度センサー",
            "計測する",
            "生産管理システム",
            "第2層：フィジカル空間とサイバー空間のつながり",
        ),
        (
            "生産管理システム",
            "データを送る",
            "生産実績データ",
            "第3層：サイバー空間におけるつながり",
        ),
    ];
    for (from, kind, to, layer) in connections {
        choose(&c, "add-connection", "source_id", from).await;
        choose(&c, "add-connection", "kind", kind).await;
        choose(&c, "add-connection", "target_id", to).await;
        choose(&c, "add-connection", "layer", layer).await;
        click(&c, "#add-connection button[type=submit]").await;
    }
    let rows = c
        .find_all(Locator::Css("#connections tr[data-id]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 5);

    // 6. The diagram shows the chain in three bands.
    click_link(&c, "構成図").await;
    let svg = c
        .find(Locator::Css("#diagram svg.value-chain-diagram"))
        .await
        .expect("diagram SVG on the page");
    assert_eq!(
        c.find_all(Locator::Css("#diagram g.band"))
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        c.find_all(Locator::Css("#diagram g.node"))
            .await
            .unwrap()
            .len(),
        6
    );
    for layer in ["L1", "L2", "L3"] {
        let n = c
            .find_all(Locator::Css(&format!(
                "#diagram g.connection[data-layer={layer}]"
            )))
            .await
            .unwrap()
            .len();
        assert!(n >= 1, "no {layer} connection drawn");
    }
    let device = c
        .find(Locator::Css("#diagram g.node[data-kind=component]"))
        .await
        .unwrap();
    assert_eq!(
        device.attr("data-layer").await.unwrap().as_deref(),
        Some("L2")
    );
    let svg_text = svg.text().await.unwrap();
    for (_, name, _) in nodes {
        assert!(svg_text.contains(name), "diagram lacks {name}");
    }
    let png = c.screenshot().await.unwrap();
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("value-chain-diagram.png");
    std::fs::write(&shot, png).unwrap();
    eprintln!("screenshot: {}", shot.display());

    // The store saw all of it, with an intact audit chain.
    let ws = &server.store.list_all_workspaces().await.unwrap()[0];
    assert_eq!(server.store.list_nodes(&ws.id).await.unwrap().len(), 6);
    assert!(matches!(
        server.store.verify_audit().await.unwrap(),
        sanso_store::audit::AuditVerification::Intact { .. }
    ));
    c.close().await.unwrap();
    server.stop().await;
}

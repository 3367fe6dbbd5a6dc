//! The data-flow workflow in a real headless Chromium: a data steward creates a small flow and
//! walks the four DMF steps — events, places and their rules, attributes, the risk register — then
//! reviews a suggested risk, and sees a YAML edit with a fault rejected with the event and field named.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver`. Set `SANSO_SKIP_BROWSER_TESTS=1` to skip on
//! a machine without them; the test then says so loudly.

#[path = "common/browser.rs"]
mod browser_kit;
mod common;

use browser_kit::*;
use common::TestServer;
use fantoccini::Locator;
use sanso_store::Actor;

#[tokio::test]
async fn data_steward_walks_the_four_steps_and_reviews_the_risk_register() {
    if std::env::var("SANSO_SKIP_BROWSER_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: browser test (SANSO_SKIP_BROWSER_TESTS=1)");
        return;
    }
    let server = TestServer::start().await;
    let (_, ws) = server
        .store
        .create_first_admin(
            &Actor::cli(),
            "steward@shop.example",
            "Data Steward",
            "correct horse battery",
            "Shop",
        )
        .await
        .unwrap();
    let ws = ws.id;
    let driver = start_chromedriver().await;
    let c = browser(&driver).await;

    c.goto(&server.url("/login")).await.unwrap();
    fill(&c, "#login input[name=email]", "steward@shop.example").await;
    fill(&c, "#login input[name=password]", "correct horse battery").await;
    click(&c, "#login button[type=submit]").await;
    c.goto(&server.url(&format!("/w/{ws}/dataflows")))
        .await
        .unwrap();
    assert!(c.find(Locator::Css("#no-flows")).await.is_ok());

    // A new flow: one holder, a place under Japan's APPI, the first (create/acquire) event.
    fill(&c, "#new-flow input[name=name]", "Member list").await;
    fill(&c, "#new-flow input[name=data_set]", "Members").await;
    fill(&c, "#new-flow input[name=holder]", "Shop K.K.").await;
    choose(
        &c,
        "new-flow",
        "rule_set",
        "Act on the Protection of Personal Information (APPI)",
    )
    .await;
    click(&c, "#new-flow button[type=submit]").await;
    let flow_url = c.current_url().await.unwrap();
    assert!(
        flow_url.query().unwrap_or("").contains("step=1"),
        "{flow_url}"
    );

    // Step 1: the event flow — keep, then erase.
    for (id, kind) in [("keep", "Store"), ("erase", "Dispose")] {
        fill(&c, "#add-event input[name=id]", id).await;
        choose(&c, "add-event", "kind", kind).await;
        click(&c, "#add-event button[type=submit]").await;
        let events = c
            .find(Locator::Css("#events"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(events.contains(id), "{id} not listed: {events}");
    }
    let step1 = c
        .find(Locator::Css("#steps a[data-step='1']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(step1.contains('✓'), "step 1 not complete: {step1}");
    assert!(c.find(Locator::Css("#flow-svg svg")).await.is_ok());

    // Step 2: the place and the rules in force there; one place, so no transfer gaps.
    click(&c, "#steps a[data-step='2']").await;
    let rules = c
        .find(Locator::Css("section.place table.rules"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(rules.contains("jp-appi"), "{rules}");
    assert!(c.find(Locator::Css("#no-gaps")).await.is_ok());

    // Step 3: attributes set at acquisition carry along to the later events.
    click(&c, "#steps a[data-step='3']").await;
    choose(&c, "attrs-acquire", "category", "Personal").await;
    choose(&c, "attrs-acquire", "privacy_impact", "Medium").await;
    click(&c, "#attrs-acquire button[type=submit]").await;
    let erase = c
        .find(Locator::Css("#attributes tr[data-event='erase']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        erase.contains("Personal") && erase.contains("Medium"),
        "{erase}"
    );

    // Step 4: the risk register per event, under C/I/A/L; accept the first suggestion.
    click(&c, "#steps a[data-step='4']").await;
    let risks = c
        .find_all(Locator::Css("table.register tr.risk"))
        .await
        .unwrap();
    assert!(!risks.is_empty(), "no risks suggested");
    let first = risks[0].attr("data-risk").await.unwrap().unwrap();
    assert_eq!(
        risks[0].attr("data-status").await.unwrap().as_deref(),
        Some("suggested")
    );
    let summary = page_text(&c).await;
    assert!(
        summary.contains("Confidentiality") && summary.contains("Legal compliance"),
        "{summary}"
    );
    click(&c, "table.register tr.risk form.review button[type=submit]").await;
    let row = c
        .find(Locator::Css(&format!("tr.risk[data-risk='{first}']")))
        .await
        .unwrap();
    assert_eq!(
        row.attr("data-status").await.unwrap().as_deref(),
        Some("accepted")
    );
    let stored = server.store.list_data_flows(&ws).await.unwrap();
    assert!(stored[0].risks.iter().any(|r| r.id == first));

    // The YAML editor names the event and field of a fault, and keeps the text.
    let yaml = c
        .find(Locator::Css("#yaml-editor textarea"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(yaml.contains("place: jp-appi"), "{yaml}");
    let broken = "id: member-list\nname: Member list\ndata_set: { name: Members }\nplaces: []\nholders:\n  - { id: shop-k-k, name: Shop, relation: own }\nevents:\n  - { id: acquire, kind: create_acquire, holder: shop-k-k, place: nowhere }\n";
    fill(&c, "#yaml-editor textarea", broken).await;
    click(&c, "#yaml-editor button[type=submit]").await;
    let errors = c
        .find(Locator::Css("#yaml-errors"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(errors.contains("events[acquire].place"), "{errors}");
    assert_eq!(
        server.store.list_data_flows(&ws).await.unwrap()[0]
            .flow
            .events
            .len(),
        3
    );

    // The list shows the flow with its C/I/A/L summary.
    c.goto(&server.url(&format!("/w/{ws}/dataflows")))
        .await
        .unwrap();
    let list = c
        .find(Locator::Css("#flows"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Member list"), "{list}");

    c.close().await.unwrap();
}

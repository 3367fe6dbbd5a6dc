//! The buyer's supplier pages in a real headless Chromium: the request board (counts, overdue
//! highlighted), reviewing a shared snapshot, returning it with a comment and accepting the
//! corrected one; trust follows. Set `SANSO_SKIP_BROWSER_TESTS=1` to skip where Chromium is missing.

#[path = "common/browser.rs"]
mod browser_kit;
mod common;

use browser_kit::*;
use common::TestServer;
use fantoccini::Locator;
use sanso_catalog::{Answer, AnswerStatus, CriterionResult};
use sanso_store::supply::{NewSupplierLink, NewSupplyRequest, RelationshipFacts, ShareConsent};
use sanso_store::Actor;

fn star3_answers() -> Vec<Answer> {
    let star = sanso_catalog::builtin_catalogs()
        .into_iter()
        .find(|c| c.id == "meti-star-draft")
        .unwrap();
    star.requirements_at_level("star3")
        .into_iter()
        .map(|r| {
            let mut a = Answer::new(&r.id, AnswerStatus::Implemented);
            a.criteria = r
                .criteria
                .iter()
                .map(|c| CriterionResult {
                    criterion_id: c.id.clone(),
                    met: true,
                })
                .collect();
            a
        })
        .collect()
}

#[tokio::test]
async fn buyer_reviews_a_shared_snapshot_from_the_board() {
    if std::env::var("SANSO_SKIP_BROWSER_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: browser test (SANSO_SKIP_BROWSER_TESTS=1)");
        return;
    }
    let server = TestServer::start().await;
    let store = &server.store;
    let (buyer_id, ws, _) = server
        .user_with_workspace("lead@buyer.example", "Buyer Manufacturing")
        .await;
    let buyer = store.get_user(&buyer_id).await.unwrap();
    let actor = Actor::user(&buyer.id, &buyer.email);
    let link = |name: &str, email: &str| NewSupplierLink {
        name: name.into(),
        contact_email: email.into(),
        node_id: None,
        supplies_to: None,
        facts: RelationshipFacts {
            remote_access: true,
            ..Default::default()
        },
    };
    let (alpha, secret) = store
        .create_supplier_link(&actor, &ws, link("Alpha Parts", "alpha@supplier.example"))
        .await
        .unwrap();
    let (beta, _) = store
        .create_supplier_link(&actor, &ws, link("Beta Soft", "beta@supplier.example"))
        .await
        .unwrap();
    let joined = store
        .accept_supplier_invitation(
            &secret,
            None,
            Some(("Alpha Admin", "alpha long password")),
            None,
            None,
        )
        .await
        .unwrap();
    let supplier_actor = Actor::user(&joined.user.id, &joined.user.email);
    let sws = joined.workspace.id.clone();
    let request = |link_id: &str, due: &str| NewSupplyRequest {
        link_id: link_id.into(),
        catalog_id: "meti-star-draft".into(),
        catalog_version: None,
        level: Some("star3".into()),
        due_date: due.into(),
        message: String::new(),
        send: true,
    };
    let ra = store
        .create_supply_request(&actor, &ws, request(&alpha.id, "2999-12-31"))
        .await
        .unwrap();
    store
        .create_supply_request(&actor, &ws, request(&beta.id, "2000-01-31"))
        .await
        .unwrap();
    let started = store
        .start_incoming_request(&supplier_actor, &sws, &ra.id)
        .await
        .unwrap();
    store
        .set_answers(
            &supplier_actor,
            &sws,
            &started.assessment_id,
            star3_answers(),
        )
        .await
        .unwrap();
    let consent = || ShareConsent {
        consent: true,
        third_party_evaluated: false,
        evaluator: String::new(),
    };
    store
        .share_for_request(&supplier_actor, &sws, &ra.id, consent())
        .await
        .unwrap();

    let driver = start_chromedriver().await;
    let c = browser(&driver).await;
    c.goto(&server.url("/login")).await.unwrap();
    fill(&c, "#login input[name=email]", "lead@buyer.example").await;
    fill(&c, "#login input[name=password]", "a long password").await;
    click(&c, "#login button[type=submit]").await;
    c.goto(&server.url(&format!("/w/{ws}/suppliers")))
        .await
        .unwrap();

    // The board: one submitted, one overdue (highlighted).
    let count = |state: &'static str| {
        let c = c.clone();
        async move {
            c.find(Locator::Css(&format!(
                "#board-counts [data-state={state}] strong"
            )))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
        }
    };
    assert_eq!(count("submitted").await, "1");
    assert_eq!(count("in_progress").await, "1");
    assert_eq!(count("overdue").await, "1");
    let overdue = c
        .find(Locator::Css("#requests tr.overdue"))
        .await
        .expect("the overdue request is highlighted");
    assert!(overdue.text().await.unwrap().contains("Beta Soft"));
    assert!(overdue
        .attr("style")
        .await
        .unwrap()
        .unwrap_or_default()
        .contains("background"));

    // Review the snapshot and return it with a comment.
    click(&c, "#requests a.review").await;
    assert_eq!(
        c.find(Locator::Css("#share-supplier"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Alpha Parts"
    );
    assert!(
        page_text(&c).await.contains("star3"),
        "levels attained shown"
    );
    fill(
        &c,
        "#return textarea[name=comment]",
        "証跡を添付してください",
    )
    .await;
    click(&c, "#return button[type=submit]").await;
    assert_eq!(count("returned").await, "1");

    // The supplier shares again; the buyer accepts; trust rises above "nothing known".
    store
        .share_for_request(&supplier_actor, &sws, &ra.id, consent())
        .await
        .unwrap();
    c.refresh().await.unwrap();
    click(&c, "#requests a.review").await;
    click(&c, "#accept button[type=submit]").await;
    assert_eq!(count("accepted").await, "1");
    let trust = c
        .find(Locator::Css(&format!(
            "tr.supplier[data-link='{}'] details.trust summary strong",
            alpha.id
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let score: f64 = trust.parse().unwrap();
    assert!(score > 40.0, "accepted ★3 lifts trust: {score}");

    // The weak-links view shows the chain diagram and the exposure table.
    click(&c, "#weak-links-link").await;
    c.find(Locator::Css("#weak-links-svg")).await.unwrap();
    c.find(Locator::Css("#criticality")).await.unwrap();
    c.close().await.unwrap();
    server.stop().await;
}

//! Portfolio findings follow advisory updates, on the backend chosen by `SANSO_TEST_DATABASE_URL`:
//! an update that narrows the range withdraws the finding it no longer covers (kept, with its
//! time, and announced to webhooks), widening it again reopens the same finding, and a withdrawn
//! advisory withdraws all of its findings. A finding an alias advisory still covers stays open.

use sanso_store::testing::{version_with_purls, TestInstallation};
use sanso_store::webhooks::WebhookInput;
use sanso_store::{Actor, Store};

/// An advisory on the `smallvec` crate, affected from 0 up to `fixed`.
fn advisory(modified: &str, fixed: &str, withdrawn: bool) -> Vec<u8> {
    advisory_as(
        "SANSO-TEST-0001",
        "CVE-2099-0001",
        modified,
        fixed,
        withdrawn,
    )
}

/// The same vulnerability published under `id`, naming `alias`.
fn advisory_as(id: &str, alias: &str, modified: &str, fixed: &str, withdrawn: bool) -> Vec<u8> {
    let mut json = serde_json::json!({
        "id": id,
        "aliases": [alias],
        "modified": modified,
        "summary": "test advisory",
        "affected": [{
            "package": {"ecosystem": "crates.io", "name": "smallvec"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": fixed}]}]
        }]
    });
    if withdrawn {
        json["withdrawn"] = serde_json::json!(modified);
    }
    serde_json::to_vec(&json).unwrap()
}

/// A zip holding one advisory file.
fn archive(advisory: Vec<u8>) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file(
            "SANSO-TEST-0001.json",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zip.write_all(&advisory).unwrap();
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// An installation with a workspace, `products` versions holding the given purls, and a webhook
/// (to a port nothing listens on) subscribed to every event.
async fn setup(inst: &TestInstallation, purls: &[&str]) -> (Store, String, Vec<String>, String) {
    let store = Store::open(&inst.config).await.unwrap();
    let actor = Actor::cli();
    let (_, ws) = store
        .create_first_admin(&actor, "a@example.com", "A", "a long password", "Maker")
        .await
        .unwrap();
    let mut versions = Vec::new();
    for (i, purl) in purls.iter().enumerate() {
        versions.push(version_with_purls(&store, &ws.id, &format!("P{i}"), &[purl]).await);
    }
    let hook = store
        .create_webhook(
            &actor,
            &ws.id,
            WebhookInput {
                url: "http://127.0.0.1:9/hook".into(),
                secret: None,
                events: None,
            },
        )
        .await
        .unwrap();
    (store, ws.id, versions, hook.webhook.id)
}

#[tokio::test]
async fn advisory_updates_withdraw_and_reopen_portfolio_findings() {
    let inst = TestInstallation::new().await;
    let (store, ws, versions, hook) = setup(
        &inst,
        &["pkg:cargo/smallvec@1.6.0", "pkg:cargo/smallvec@1.2.0"],
    )
    .await;
    let (old, new) = (versions[0].clone(), versions[1].clone());
    let actor = Actor::cli();
    let open = |include_withdrawn| {
        let store = store.clone();
        let ws = ws.clone();
        async move {
            store
                .list_portfolio_findings(&ws, include_withdrawn, 0, 100)
                .await
                .unwrap()
        }
    };

    // Both versions are affected up to 1.6.1.
    let s = store
        .import_osv_zip(
            &actor,
            archive(advisory("2026-01-01T00:00:00Z", "1.6.1", false)),
        )
        .await
        .unwrap();
    assert_eq!(s.portfolio.new_findings, 2, "{s:?}");
    assert_eq!(s.portfolio.withdrawn_findings, 0);
    let first = open(false).await;
    let gateway_finding = first
        .iter()
        .find(|f| f.version_id == old)
        .unwrap()
        .id
        .clone();

    // The update fixes it in 1.5.0: the 1.6.0 component is no longer affected.
    let s = store
        .import_osv_zip(
            &actor,
            archive(advisory("2026-02-01T00:00:00Z", "1.5.0", false)),
        )
        .await
        .unwrap();
    assert_eq!(s.updated, 1);
    assert_eq!(s.portfolio.new_findings, 0, "{s:?}");
    assert_eq!(s.portfolio.withdrawn_findings, 1, "{s:?}");
    let now_open = open(false).await;
    assert_eq!(now_open.len(), 1);
    assert_eq!(now_open[0].version_id, new);
    let all = open(true).await;
    let withdrawn = all.iter().find(|f| f.id == gateway_finding).unwrap();
    assert!(withdrawn.withdrawn_at.is_some(), "{withdrawn:?}");
    let deliveries = store.list_deliveries(&ws, &hook).await.unwrap();
    let events: Vec<&str> = deliveries.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(
        events.iter().filter(|e| **e == "finding.withdrawn").count(),
        1,
        "{events:?}"
    );
    let announced = deliveries
        .iter()
        .find(|d| d.event == "finding.withdrawn")
        .unwrap();
    assert_eq!(announced.payload["finding"]["id"], gateway_finding.as_str());
    assert_eq!(announced.payload["advisory_id"], "SANSO-TEST-0001");

    // An older copy changes nothing; a newer one that widens the range again reopens the finding.
    let s = store
        .import_osv_zip(
            &actor,
            archive(advisory("2026-01-15T00:00:00Z", "1.6.1", false)),
        )
        .await
        .unwrap();
    assert_eq!((s.unchanged, s.portfolio.new_findings), (1, 0), "{s:?}");
    let s = store
        .import_osv_zip(
            &actor,
            archive(advisory("2026-03-01T00:00:00Z", "1.6.1", false)),
        )
        .await
        .unwrap();
    assert_eq!(s.portfolio.new_findings, 1, "{s:?}");
    assert_eq!(s.portfolio.withdrawn_findings, 0, "{s:?}");
    let reopened = open(false).await;
    assert_eq!(reopened.len(), 2);
    let again = reopened.iter().find(|f| f.version_id == old).unwrap();
    assert_eq!(again.id, gateway_finding, "the same finding is reopened");
    assert_eq!(again.withdrawn_at, None);

    // Withdrawing the advisory withdraws every finding it made.
    let s = store
        .import_osv_zip(
            &actor,
            archive(advisory("2026-04-01T00:00:00Z", "1.6.1", true)),
        )
        .await
        .unwrap();
    assert_eq!(s.withdrawn, 1);
    assert_eq!(s.portfolio.withdrawn_findings, 2, "{s:?}");
    assert!(open(false).await.is_empty());
    assert_eq!(open(true).await.len(), 2);
    let deliveries = store.list_deliveries(&ws, &hook).await.unwrap();
    assert_eq!(
        deliveries
            .iter()
            .filter(|d| d.event == "finding.withdrawn")
            .count(),
        3
    );
}

/// Two workers (two instances on one database) never claim the same delivery, and a claimed
/// delivery is not handed out again while its lease runs.
#[tokio::test]
async fn each_due_delivery_is_claimed_once() {
    let inst = TestInstallation::new().await;
    let (store, _, _, _) = setup(&inst, &["pkg:cargo/smallvec@1.2.0"; 6]).await;
    let actor = Actor::cli();
    let s = store
        .import_osv_zip(
            &actor,
            archive(advisory("2026-01-01T00:00:00Z", "1.6.1", false)),
        )
        .await
        .unwrap();
    assert_eq!(s.portfolio.webhook_deliveries, 6);
    let other = Store::open(&inst.config).await.unwrap();
    let (a, b) = tokio::join!(store.claim_due_deliveries(4), other.claim_due_deliveries(4));
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut ids: Vec<&str> = a.iter().chain(b.iter()).map(|d| d.id.as_str()).collect();
    let claimed = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), claimed, "no delivery claimed twice");
    assert!(claimed >= 4, "{claimed}");
    let rest = store.claim_due_deliveries(10).await.unwrap();
    assert_eq!(claimed + rest.len(), 6);
    assert!(store.claim_due_deliveries(10).await.unwrap().is_empty());
}

/// A backup taken after portfolio findings, withdrawals and webhook deliveries restores all of
/// them, with the same row counts in every table.
#[tokio::test]
async fn portfolio_findings_and_webhooks_survive_backup_and_restore() {
    let inst = TestInstallation::new().await;
    let (store, ws, _, hook) = setup(
        &inst,
        &["pkg:cargo/smallvec@1.6.0", "pkg:cargo/smallvec@1.2.0"],
    )
    .await;
    let actor = Actor::cli();
    for (modified, fixed) in [
        ("2026-01-01T00:00:00Z", "1.6.1"),
        ("2026-02-01T00:00:00Z", "1.5.0"),
    ] {
        store
            .import_osv_zip(&actor, archive(advisory(modified, fixed, false)))
            .await
            .unwrap();
    }
    let archive_path = inst.dir.path().join("backup.tar.gz");
    let manifest = store.backup_to(&archive_path, &|_, _| {}).await.unwrap();
    assert_eq!(manifest.tables["portfolio_findings"], 2);
    assert_eq!(manifest.tables["webhook_deliveries"], 3);

    let target = TestInstallation::sibling().await;
    Store::restore(&archive_path, &target.config).await.unwrap();
    let restored = Store::open(&target.config).await.unwrap();
    assert_eq!(
        restored
            .list_portfolio_findings(&ws, true, 0, 100)
            .await
            .unwrap(),
        store
            .list_portfolio_findings(&ws, true, 0, 100)
            .await
            .unwrap()
    );
    assert_eq!(
        restored.list_deliveries(&ws, &hook).await.unwrap(),
        store.list_deliveries(&ws, &hook).await.unwrap()
    );
    assert_eq!(restored.osv_advisory_count().await.unwrap(), 1);
    let again = restored
        .backup_to(&target.dir.path().join("again.tar.gz"), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(
        again.tables, manifest.tables,
        "every table has the same rows"
    );
}

/// The same vulnerability under two IDs gives one finding; when the advisory holding it narrows
/// its range, the alias that still covers the component keeps the finding open.
#[tokio::test]
async fn a_finding_an_alias_still_covers_stays_open() {
    let inst = TestInstallation::new().await;
    let (store, ws, versions, hook) = setup(&inst, &["pkg:cargo/smallvec@1.6.0"]).await;
    let actor = Actor::cli();
    let s = store
        .import_osv_zip(
            &actor,
            archive(advisory("2026-01-01T00:00:00Z", "1.6.1", false)),
        )
        .await
        .unwrap();
    assert_eq!(s.portfolio.new_findings, 1);
    let alias = advisory_as(
        "CVE-2099-0001",
        "SANSO-TEST-0001",
        "2026-01-01T00:00:00Z",
        "1.6.1",
        false,
    );
    let s = store.import_osv_zip(&actor, archive(alias)).await.unwrap();
    assert_eq!((s.added, s.portfolio.new_findings), (1, 0), "{s:?}");

    let s = store
        .import_osv_zip(
            &actor,
            archive(advisory("2026-02-01T00:00:00Z", "1.5.0", false)),
        )
        .await
        .unwrap();
    assert_eq!(s.portfolio.withdrawn_findings, 0, "{s:?}");
    let open = store
        .list_portfolio_findings(&ws, false, 0, 100)
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].version_id, versions[0]);
    assert_eq!(open[0].advisory_id, "CVE-2099-0001");
    let deliveries = store.list_deliveries(&ws, &hook).await.unwrap();
    assert!(
        deliveries.iter().all(|d| d.event == "finding.new"),
        "no withdrawal announced"
    );
}

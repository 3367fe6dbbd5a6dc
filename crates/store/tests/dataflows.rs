//! Data flows and IoT device uses on the backend chosen by `SANSO_TEST_DATABASE_URL`.

use sanso_dataflow::demo::DEMO_FLOW_YAML;
use sanso_dataflow::io::flow_from_yaml;
use sanso_dataflow::{RiskStatus, Scheme};
use sanso_store::dataflows::IotDeviceInput;
use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Store, StoreError};

pub const SMALL_FLOW: &str = r#"
id: small
name: Member list
data_set: { name: Members }
places:
  - id: jp
    name: { ja: 日本, en: Japan }
    kind: law
    adopts: [jp-appi]
holders:
  - { id: me, name: Me, relation: own }
events:
  - id: collect
    kind: create_acquire
    holder: me
    place: jp
    changes: { category: personal, privacy_impact: medium }
  - id: keep
    kind: store
    holder: me
    place: jp
  - id: erase
    kind: dispose
    holder: me
    place: jp
edges:
  - { from: collect, to: keep }
  - { from: keep, to: erase }
"#;

async fn seeded(inst: &TestInstallation) -> (Store, String, String) {
    let store = Store::open(&inst.config).await.expect("open store");
    let (admin, ws) = store
        .create_first_admin(
            &Actor::cli(),
            "admin@example.com",
            "Admin",
            "a long password",
            "Retail",
        )
        .await
        .unwrap();
    let other = store
        .create_workspace(&Actor::cli(), "Other", "", &admin.id)
        .await
        .unwrap();
    (store, ws.id, other.id)
}

fn invalid_fields(e: StoreError) -> Vec<(String, String)> {
    match e {
        StoreError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn flows_are_stored_checked_and_scoped() {
    let inst = TestInstallation::new().await;
    let (store, ws, other) = seeded(&inst).await;
    let actor = Actor::cli();

    let flow = flow_from_yaml(DEMO_FLOW_YAML, "demo").unwrap();
    let stored = store
        .create_data_flow(&actor, &ws, None, flow.clone())
        .await
        .unwrap();
    assert_eq!(stored.name, "POS and EC sales data");
    assert_eq!(stored.flow, flow);
    assert!(stored.risks.is_empty());
    let got = store.get_data_flow(&ws, &stored.id).await.unwrap();
    assert_eq!(got, stored);

    // Another workspace sees nothing.
    assert!(matches!(
        store.get_data_flow(&other, &stored.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.list_data_flows(&other).await.unwrap().is_empty());
    assert!(matches!(
        store.delete_data_flow(&actor, &other, &stored.id).await,
        Err(StoreError::NotFound)
    ));

    // Reviewing risks keeps the document; a later edit keeps the register.
    let mut risks =
        sanso_dataflow::suggest_risks(&flow, &sanso_dataflow::Library::builtin().unwrap()).unwrap();
    risks[0].status = RiskStatus::Rejected;
    let reviewed = store
        .set_data_flow_risks(&actor, &ws, &stored.id, vec![risks[0].clone()])
        .await
        .unwrap();
    assert_eq!(reviewed.risks.len(), 1);
    let mut renamed = flow.clone();
    renamed.name = "Renamed".into();
    let updated = store
        .update_data_flow(&actor, &ws, &stored.id, None, renamed)
        .await
        .unwrap();
    assert_eq!(updated.name, "Renamed");
    assert_eq!(updated.risks, reviewed.risks);
    // A register naming an unknown event is refused.
    let mut bad = risks[0].clone();
    bad.event = "nowhere".into();
    let e = store
        .set_data_flow_risks(&actor, &ws, &stored.id, vec![bad])
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(e)[0].0, "risks[0].event");

    store
        .delete_data_flow(&actor, &ws, &stored.id)
        .await
        .unwrap();
    assert!(store.list_data_flows(&ws).await.unwrap().is_empty());
}

#[tokio::test]
async fn invalid_flows_name_the_fault_and_store_nothing() {
    let inst = TestInstallation::new().await;
    let (store, ws, _) = seeded(&inst).await;
    let actor = Actor::cli();
    let cases = [
        (
            SMALL_FLOW.replace(
                "  - { from: keep, to: erase }",
                "  - { from: keep, to: erase }\n  - { from: erase, to: keep }",
            ),
            "edges",
            "dispose",
        ),
        (
            SMALL_FLOW.replacen(
                "    place: jp\n    changes",
                "    place: mars\n    changes",
                1,
            ),
            "events[collect].place",
            "mars",
        ),
        (
            SMALL_FLOW.replace("privacy_impact: medium", "privacy_impact: enormous"),
            "events[collect].changes.privacy_impact",
            "enormous",
        ),
    ];
    for (yaml, field, word) in cases {
        let flow = flow_from_yaml(&yaml, "case").unwrap();
        let e = store
            .create_data_flow(&actor, &ws, None, flow)
            .await
            .unwrap_err();
        let fields = invalid_fields(e);
        assert!(
            fields.iter().any(|(f, m)| f == field && m.contains(word)),
            "expected {field} mentioning {word}: {fields:?}"
        );
    }
    assert!(store.list_data_flows(&ws).await.unwrap().is_empty());
    let small = flow_from_yaml(SMALL_FLOW, "small").unwrap();
    store
        .create_data_flow(&actor, &ws, None, small)
        .await
        .unwrap();
}

#[tokio::test]
async fn devices_categorise_by_use_and_demo_loads() {
    let inst = TestInstallation::new().await;
    let (store, ws, other) = seeded(&inst).await;
    let actor = Actor::cli();
    let scheme = Scheme::builtin().unwrap();

    let summary = store.load_dataflow_demo(&actor, &ws).await.unwrap();
    assert_eq!(summary.devices.len(), 5);
    assert_eq!(store.list_iot_devices(&ws).await.unwrap().len(), 5);
    assert_eq!(store.list_data_flows(&ws).await.unwrap().len(), 1);
    let category = |name: &str| {
        let d = summary.devices.iter().find(|d| d.name == name).unwrap();
        sanso_dataflow::categorise(&d.to_device(), &scheme)
            .unwrap()
            .category
    };
    assert_ne!(
        category("Smart-home hub"),
        category("Press-line controller")
    );

    let d = &summary.devices[0];
    assert!(matches!(
        store.get_iot_device(&other, &d.id).await,
        Err(StoreError::NotFound)
    ));

    // A rating on an unknown axis is refused, naming it.
    let mut rating = d.rating.clone();
    rating.insert(
        "taste".into(),
        sanso_dataflow::iot::AxisRating::Level("sweet".into()),
    );
    let e = store
        .update_iot_device(
            &actor,
            &ws,
            &d.id,
            IotDeviceInput {
                name: d.name.clone(),
                product: d.product.clone(),
                node_id: None,
                use_description: d.use_description.clone(),
                rating,
                met: Default::default(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(e)[0].0, "rating.taste");
    store.delete_iot_device(&actor, &ws, &d.id).await.unwrap();
    assert_eq!(store.list_iot_devices(&ws).await.unwrap().len(), 4);
    store.verify_audit().await.unwrap();
}

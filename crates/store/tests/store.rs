//! Store behaviour on the backend chosen by `SANSO_TEST_DATABASE_URL` (SQLite when unset).

use sanso_core::access::Role;
use sanso_core::document::ModelDocument;
use sanso_core::model::{ComponentKind, ConnectionInput, ConnectionKind, Layer, NodeInput};
use sanso_store::audit::AuditVerification;
use sanso_store::backup::{NOT_BACKED_UP, TABLES};
use sanso_store::model::ImportMode;
use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Backend, Store, StoreError};
use sqlx::{Connection, Executor};

fn node(kind: ComponentKind, name: &str) -> NodeInput {
    NodeInput {
        kind,
        name: name.into(),
        description: String::new(),
        category: String::new(),
        layer: None,
        critical: false,
        exposed: false,
        attributes: Default::default(),
    }
}

async fn seeded(inst: &TestInstallation) -> (Store, String, String) {
    let store = Store::open(&inst.config).await.expect("open store");
    let (admin, ws) = store
        .create_first_admin(
            &Actor::cli(),
            "admin@example.com",
            "Admin",
            "a long password",
            "Buyer",
        )
        .await
        .unwrap();
    (store, admin.id, ws.id)
}

#[tokio::test]
async fn first_admin_only_once_and_login_works() {
    let inst = TestInstallation::new().await;
    let (store, admin, ws) = seeded(&inst).await;
    let again = store
        .create_first_admin(&Actor::cli(), "b@example.com", "B", "a long password", "X")
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    assert!(store
        .authenticate("ADMIN@example.com ", "a long password")
        .await
        .unwrap()
        .is_some());
    assert!(store
        .authenticate("admin@example.com", "wrong password")
        .await
        .unwrap()
        .is_none());
    assert!(store
        .authenticate("nobody@example.com", "a long password")
        .await
        .unwrap()
        .is_none());
    let (_, role) = store.workspace_for_user(&ws, &admin).await.unwrap();
    assert_eq!(role, Role::Admin);
    let session = store.create_session(&admin).await.unwrap();
    assert_eq!(
        store.session_user(&session).await.unwrap().unwrap().id,
        admin
    );
    store.delete_session(&session).await.unwrap();
    assert!(store.session_user(&session).await.unwrap().is_none());
}

#[tokio::test]
async fn other_workspaces_objects_are_not_found() {
    let inst = TestInstallation::new().await;
    let (store, admin, ws_a) = seeded(&inst).await;
    let actor = Actor::cli();
    let other = store
        .create_user(&actor, "other@example.com", "Other", "a long password")
        .await
        .unwrap();
    let ws_b = store
        .create_workspace(&actor, "Other Co", "", &other.id)
        .await
        .unwrap()
        .id;
    let in_b = store
        .create_node(&actor, &ws_b, node(ComponentKind::Data, "secret"))
        .await
        .unwrap();
    assert!(matches!(
        store.get_node(&ws_a, &in_b.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_node(&actor, &ws_a, &in_b.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.workspace_for_user(&ws_b, &admin).await,
        Err(StoreError::NotFound)
    ));
    // A connection in A may not point at B's node.
    let in_a = store
        .create_node(&actor, &ws_a, node(ComponentKind::Organization, "buyer"))
        .await
        .unwrap();
    let err = store
        .create_connection(
            &actor,
            &ws_a,
            ConnectionInput {
                source_id: in_a.id.clone(),
                target_id: in_b.id.clone(),
                layer: Layer::L3,
                kind: ConnectionKind::TransfersData,
                label: String::new(),
                attributes: Default::default(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e[0].field == "target_id"),
        "{err}"
    );
    assert_eq!(store.list_nodes(&ws_b).await.unwrap().len(), 1);
}

#[tokio::test]
async fn import_is_all_or_nothing_and_merge_updates_by_id() {
    let inst = TestInstallation::new().await;
    let (store, _, ws) = seeded(&inst).await;
    let actor = Actor::cli();
    let doc = ModelDocument::parse(
        "format: sanso.value-chain/v1\nnodes:\n  - {key: a, kind: organization, name: A}\n  - {key: b, kind: system, name: B}\nconnections:\n  - {from: a, to: b, layer: L1, kind: operates}\n",
    )
    .unwrap()
    .validate()
    .unwrap();
    let s = store
        .import_model(&actor, &ws, doc, ImportMode::Merge)
        .await
        .unwrap();
    assert_eq!((s.nodes_created, s.connections_created), (2, 1));
    // Re-importing the export changes nothing.
    let export = store.export_model(&ws).await.unwrap();
    let s = store
        .import_model(
            &actor,
            &ws,
            export.clone().validate().unwrap(),
            ImportMode::Merge,
        )
        .await
        .unwrap();
    assert_eq!(
        (
            s.nodes_created,
            s.nodes_updated,
            s.connections_created,
            s.connections_unchanged
        ),
        (0, 2, 0, 1)
    );
    // A document whose second node fails in the database leaves nothing behind: the id clash is found
    // only after the first node was inserted inside the transaction.
    let nodes_before = store.list_nodes(&ws).await.unwrap();
    let mut bad = export.clone();
    bad.nodes[0].name = "changed".into();
    bad.connections[0].kind = ConnectionKind::Senses;
    let mut v = bad.validate().unwrap();
    v.connections[0].0 = "missing".into();
    assert!(store
        .import_model(&actor, &ws, v, ImportMode::Merge)
        .await
        .is_err());
    assert_eq!(store.list_nodes(&ws).await.unwrap(), nodes_before);
    assert_eq!(store.list_connections(&ws).await.unwrap().len(), 1);
}

async fn raw_connection(inst: &TestInstallation) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(&inst.config.connection_url())
        .await
        .unwrap()
}

#[tokio::test]
async fn tampering_with_the_audit_log_is_detected() {
    let inst = TestInstallation::new().await;
    let (store, _, ws) = seeded(&inst).await;
    let actor = Actor::cli();
    for name in ["a", "b", "c"] {
        store
            .create_node(&actor, &ws, node(ComponentKind::Data, name))
            .await
            .unwrap();
    }
    let entries = match store.verify_audit().await.unwrap() {
        AuditVerification::Intact { entries } => entries,
        broken => panic!("fresh log should verify: {broken:?}"),
    };
    assert!(entries >= 6, "{entries}");
    let mut raw = raw_connection(&inst).await;
    // The database itself refuses changes to the log...
    let refused = raw
        .execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5")
        .await;
    assert!(refused.is_err(), "audit log accepted an UPDATE");
    // ...so an attacker with full database access removes the guard first; the chain still tells.
    match store.backend() {
        Backend::Sqlite => raw
            .execute("DROP TRIGGER audit_log_no_update")
            .await
            .unwrap(),
        Backend::Postgres => raw
            .execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
            .await
            .unwrap(),
    };
    raw.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5")
        .await
        .unwrap();
    match store.verify_audit().await.unwrap() {
        AuditVerification::Broken(b) => assert_eq!(b.seq(), 5, "{b}"),
        ok => panic!("tampering not detected: {ok:?}"),
    }
}

#[tokio::test]
async fn backup_restores_every_object_into_an_empty_installation() {
    let inst = TestInstallation::new().await;
    let (store, admin, ws) = seeded(&inst).await;
    let actor = Actor::cli();
    let a = store
        .create_node(&actor, &ws, node(ComponentKind::Organization, "Buyer"))
        .await
        .unwrap();
    let b = store
        .create_node(&actor, &ws, node(ComponentKind::Component, "Sensor"))
        .await
        .unwrap();
    store
        .create_connection(
            &actor,
            &ws,
            ConnectionInput {
                source_id: a.id.clone(),
                target_id: b.id.clone(),
                layer: Layer::L2,
                kind: ConnectionKind::Operates,
                label: "maintains".into(),
                attributes: serde_json::json!({"since": 2020})
                    .as_object()
                    .unwrap()
                    .clone(),
            },
        )
        .await
        .unwrap();
    store.create_api_token(&actor, &admin, "ci").await.unwrap();
    store
        .create_member_invitation(&actor, &ws, "supplier@example.com", Role::Viewer)
        .await
        .unwrap();
    let sha = store.put_blob(b"evidence", "text/plain").await.unwrap();
    let archive = inst.dir.path().join("backup.tar.gz");
    let manifest = store.backup_to(&archive, &|_, _| {}).await.unwrap();
    assert_eq!(manifest.tables["nodes"], 2);

    let target = TestInstallation::sibling().await;
    let summary = Store::restore(&archive, &target.config).await.unwrap();
    assert!(
        matches!(summary.audit, AuditVerification::Intact { .. }),
        "{:?}",
        summary.audit
    );
    let restored = Store::open(&target.config).await.unwrap();
    assert_eq!(
        restored.list_all_workspaces().await.unwrap(),
        store.list_all_workspaces().await.unwrap()
    );
    assert_eq!(
        restored.list_nodes(&ws).await.unwrap(),
        store.list_nodes(&ws).await.unwrap()
    );
    assert_eq!(
        restored.list_connections(&ws).await.unwrap(),
        store.list_connections(&ws).await.unwrap()
    );
    assert_eq!(
        restored.list_members(&ws).await.unwrap(),
        store.list_members(&ws).await.unwrap()
    );
    assert_eq!(
        restored.list_api_tokens(&admin).await.unwrap(),
        store.list_api_tokens(&admin).await.unwrap()
    );
    assert_eq!(
        restored.list_audit(&ws, None, 1000).await.unwrap(),
        store.list_audit(&ws, None, 1000).await.unwrap()
    );
    assert!(restored
        .authenticate("admin@example.com", "a long password")
        .await
        .unwrap()
        .is_some());
    assert_eq!(restored.blobs().get(&sha).unwrap(), b"evidence");
    // Restoring again into the now non-empty installation is refused, and nothing changes.
    let err = Store::restore(&archive, &target.config).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(restored.list_nodes(&ws).await.unwrap().len(), 2);
}

#[tokio::test]
async fn backup_covers_every_table_and_column() {
    let inst = TestInstallation::new().await;
    let (store, _, _) = seeded(&inst).await;
    let mut raw = raw_connection(&inst).await;
    let tables: Vec<String> = match store.backend() {
        Backend::Sqlite => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ),
        Backend::Postgres => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        ),
    }
    .fetch_all(&mut raw)
    .await
    .unwrap();
    for table in &tables {
        if NOT_BACKED_UP.contains(&table.as_str()) {
            continue;
        }
        let spec = TABLES
            .iter()
            .find(|(t, _)| t == table)
            .unwrap_or_else(|| panic!("table {table} is not in the backup"));
        let sql = match store.backend() {
            Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
            Backend::Postgres => format!(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}'"
            ),
        };
        let columns: Vec<String> = sqlx::query_scalar(&sql).fetch_all(&mut raw).await.unwrap();
        let mut expected: Vec<&str> = spec.1.iter().map(|(c, _)| *c).collect();
        let mut actual: Vec<&str> = columns.iter().map(String::as_str).collect();
        expected.sort();
        actual.sort();
        assert_eq!(actual, expected, "columns of {table}");
    }
    assert_eq!(tables.len(), TABLES.len() + NOT_BACKED_UP.len());
}

//! Products, versions and SBOM ingestion on the backend chosen by `SANSO_TEST_DATABASE_URL`.

use std::path::PathBuf;

use sanso_core::model::{ComponentKind, NodeInput};
use sanso_sbom::dedupe::{canonical_purl, dedupe};
use sanso_sbom::{read_sbom, ReadOptions};
use sanso_store::software::{ProductInput, VersionInput};
use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Store, StoreError};

fn data(rel: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let path = root.join(rel);
    assert!(
        path.exists(),
        "test data {} is missing: these tests need ../shared/data",
        path.display()
    );
    path
}

async fn seeded(inst: &TestInstallation) -> (Store, String, String) {
    let store = Store::open(&inst.config).await.expect("open store");
    let (admin, ws) = store
        .create_first_admin(
            &Actor::cli(),
            "admin@example.com",
            "Admin",
            "a long password",
            "Maker",
        )
        .await
        .unwrap();
    let other = store
        .create_workspace(&Actor::cli(), "Other", "", &admin.id)
        .await
        .unwrap();
    (store, ws.id, other.id)
}

fn product(name: &str, node_id: Option<String>) -> ProductInput {
    ProductInput {
        name: name.into(),
        description: String::new(),
        node_id,
    }
}

async fn version(store: &Store, ws: &str, name: &str) -> String {
    let p = store
        .create_product(&Actor::cli(), ws, product(name, None))
        .await
        .unwrap();
    store
        .create_version(
            &Actor::cli(),
            ws,
            &p.id,
            VersionInput {
                version: "1.0".into(),
            },
        )
        .await
        .unwrap()
        .id
}

async fn count(store: &Store, ws: &str) -> (usize, i64) {
    // Sum over all versions in the workspace.
    let mut sboms = 0;
    let mut components = 0;
    for p in store.list_products(ws).await.unwrap() {
        for v in store.list_versions(ws, &p.id).await.unwrap() {
            for s in store.list_sboms(ws, &v.id).await.unwrap() {
                sboms += 1;
                components += store
                    .list_sbom_components(ws, &s.id, 0, 1000)
                    .await
                    .unwrap()
                    .total;
            }
        }
    }
    (sboms, components)
}

#[tokio::test]
async fn products_and_versions_are_workspace_scoped_and_linked_to_component_nodes() {
    let inst = TestInstallation::new().await;
    let (store, ws, other) = seeded(&inst).await;
    let actor = Actor::cli();
    let plc = store
        .create_node(
            &actor,
            &ws,
            NodeInput {
                kind: ComponentKind::Component,
                name: "PLC".into(),
                description: String::new(),
                category: String::new(),
                layer: None,
                critical: false,
                exposed: false,
                attributes: Default::default(),
            },
        )
        .await
        .unwrap();
    let org = store
        .create_node(
            &actor,
            &ws,
            NodeInput {
                kind: ComponentKind::Organization,
                name: "Supplier".into(),
                description: String::new(),
                category: String::new(),
                layer: None,
                critical: false,
                exposed: false,
                attributes: Default::default(),
            },
        )
        .await
        .unwrap();
    let p = store
        .create_product(&actor, &ws, product(" Firmware ", Some(plc.id.clone())))
        .await
        .unwrap();
    assert_eq!(p.name, "Firmware");
    assert_eq!(p.node_id.as_deref(), Some(plc.id.as_str()));
    // Only a component node of the same workspace may be linked.
    for bad in [org.id.clone(), "nope".to_string()] {
        let err = store
            .create_product(&actor, &ws, product("X", Some(bad)))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid(e) if e[0].field == "node_id"),
            "{err}"
        );
    }
    let err = store
        .create_product(&actor, &other, product("X", Some(plc.id.clone())))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
    assert!(matches!(
        store.create_product(&actor, &ws, product("  ", None)).await,
        Err(StoreError::Invalid(_))
    ));
    let v = store
        .create_version(
            &actor,
            &ws,
            &p.id,
            VersionInput {
                version: "2.4.1".into(),
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_version(
                &actor,
                &ws,
                &p.id,
                VersionInput {
                    version: "2.4.1".into()
                }
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    // Another workspace sees none of it.
    assert!(matches!(
        store.get_product(&other, &p.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.get_version(&other, &v.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .create_version(
                &actor,
                &other,
                &p.id,
                VersionInput {
                    version: "9".into()
                }
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_product(&actor, &other, &p.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.list_products(&other).await.unwrap().is_empty());
    // Deleting the node unlinks the product.
    store.delete_node(&actor, &ws, &plc.id).await.unwrap();
    assert_eq!(store.get_product(&ws, &p.id).await.unwrap().node_id, None);
    let updated = store
        .update_product(&actor, &ws, &p.id, product("Firmware B", None))
        .await
        .unwrap();
    assert_eq!(updated.name, "Firmware B");
    store.delete_product(&actor, &ws, &p.id).await.unwrap();
    assert!(matches!(
        store.get_version(&ws, &v.id).await,
        Err(StoreError::NotFound)
    ));
    let audit = store.list_audit(&ws, None, 100).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    for a in [
        "product.create",
        "product_version.create",
        "product.update",
        "product.delete",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

async fn ingest_matches_library(store: &Store, ws: &str, rel: &str) {
    let path = data(rel);
    let bytes = std::fs::read(&path).unwrap();
    let mut expected = read_sbom(bytes.as_slice(), &ReadOptions::default()).unwrap();
    let read = expected.components.len();
    dedupe(&mut expected);
    let v = version(store, ws, rel).await;
    let record = store
        .ingest_sbom(&Actor::cli(), ws, &v, bytes.clone(), "bom.json")
        .await
        .unwrap();
    assert_eq!(record.components_read as usize, read, "{rel}");
    assert_eq!(
        record.component_count as usize,
        expected.components.len(),
        "{rel}"
    );
    assert_eq!(record.spec_version, expected.spec_version);
    println!(
        "{rel}: {} {} {}: {read} components read, {} stored, {} warnings",
        record.format,
        record.encoding,
        record.spec_version,
        record.component_count,
        record.warnings.len()
    );
    // Components come back in order with canonical purls.
    let mut seen = 0;
    let mut offset = 0;
    loop {
        let page = store
            .list_sbom_components(ws, &record.id, offset, 250)
            .await
            .unwrap();
        assert_eq!(page.total, record.component_count);
        if page.items.is_empty() {
            break;
        }
        for c in &page.items {
            let e = &expected.components[c.seq as usize];
            assert_eq!(c.name, e.name);
            assert_eq!(c.version, e.version);
            assert_eq!(c.purl, e.purl.as_deref().map(canonical_purl));
        }
        seen += page.items.len();
        offset += page.items.len() as i64;
    }
    assert_eq!(seen, expected.components.len());
    let (_, original) = store.sbom_original(ws, &record.id).await.unwrap();
    assert_eq!(original, bytes);
    let doc = store.sbom_document(ws, &record.id).await.unwrap();
    assert_eq!(doc.components.len(), expected.components.len());
    assert_eq!(doc.dependencies.len(), expected.dependencies.len());
}

#[tokio::test]
async fn real_sboms_ingest_with_the_librarys_counts() {
    let inst = TestInstallation::new().await;
    let (store, ws, _) = seeded(&inst).await;
    for rel in [
        "cyclonedx/bom-examples/SBOM/keycloak-10.0.2/bom.json",
        "cyclonedx/bom-examples/SBOM/laravel-7.12.0/bom.1.4.xml",
        "sbom-corpus/spdx/ubi9-9.2-755.1697625012.json",
    ] {
        ingest_matches_library(&store, &ws, rel).await;
    }
}

/// A streamed upload with a duplicate: the first copy is stored, and the duplicate's dependency
/// list and the references to it are merged into the survivor's.
#[tokio::test]
async fn streamed_ingest_merges_the_dependencies_of_duplicates() {
    let inst = TestInstallation::new().await;
    let (store, ws, _) = seeded(&inst).await;
    let v = version(&store, &ws, "Firmware").await;
    let bom = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
      "metadata":{"component":{"type":"application","bom-ref":"root","name":"fw"}},
      "components":[
        {"type":"library","bom-ref":"a","name":"left-pad","version":"1.0.0","purl":"pkg:npm/left-pad@1.0.0"},
        {"type":"library","bom-ref":"b","name":"util","version":"2.0.0","purl":"pkg:npm/util@2.0.0"},
        {"type":"library","bom-ref":"a-again","name":"left-pad","version":"1.0.0","purl":"pkg:npm/left-pad@1.0.0"}],
      "dependencies":[
        {"ref":"root","dependsOn":["a","a-again"]},
        {"ref":"a","dependsOn":[]},
        {"ref":"a-again","dependsOn":["b"]}]}"#;
    let file = inst.dir.path().join("dup.json");
    std::fs::write(&file, bom).unwrap();
    let record = store
        .ingest_sbom_file(&Actor::cli(), &ws, &v, &file, "dup.json")
        .await
        .unwrap();
    assert_eq!((record.components_read, record.component_count), (3, 2));
    assert!(
        record
            .warnings
            .iter()
            .any(|w| w.message.contains("1 duplicate")),
        "{:?}",
        record.warnings
    );
    let document = store.sbom_document(&ws, &record.id).await.unwrap();
    let edges: Vec<(String, Vec<String>)> = document
        .dependencies
        .iter()
        .map(|d| (d.from.clone(), d.to.clone()))
        .collect();
    assert_eq!(
        edges,
        vec![
            ("root".to_string(), vec!["a".to_string()]),
            ("a".to_string(), vec!["b".to_string()]),
        ]
    );
}

#[tokio::test]
async fn truncated_sbom_names_the_position_and_stores_nothing() {
    let inst = TestInstallation::new().await;
    let (store, ws, other) = seeded(&inst).await;
    let v = version(&store, &ws, "Firmware").await;
    let bytes =
        std::fs::read(data("cyclonedx/bom-examples/SBOM/keycloak-10.0.2/bom.json")).unwrap();
    let truncated = bytes[..bytes.len() / 2].to_vec();
    let err = store
        .ingest_sbom(&Actor::cli(), &ws, &v, truncated, "bom.json")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Invalid(_)), "{text}");
    assert!(text.contains("line"), "{text}");
    assert_eq!(count(&store, &ws).await, (0, 0));
    assert!(
        !store.blobs().root().exists()
            || std::fs::read_dir(store.blobs().root())
                .unwrap()
                .next()
                .is_none()
    );
    // Another workspace's version is not found.
    assert!(matches!(
        store
            .ingest_sbom(&Actor::cli(), &other, &v, bytes, "bom.json")
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(count(&store, &ws).await, (0, 0));
}

#[tokio::test]
async fn ten_thousand_components_in_one_transaction() {
    let inst = TestInstallation::new().await;
    let (store, ws, other) = seeded(&inst).await;
    let v = version(&store, &ws, "Big").await;
    let mut json =
        String::from(r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":["#);
    for i in 0..10_000 {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            r#"{{"type":"library","bom-ref":"c{i}","name":"pkg{i}","version":"1.{i}.0","purl":"pkg:npm/pkg{i}@1.{i}.0","licenses":[{{"license":{{"id":"MIT"}}}}],"hashes":[{{"alg":"SHA-256","content":"{:064x}"}}]}}"#,
            i
        ));
    }
    json.push_str("]}");
    let started = std::time::Instant::now();
    let record = store
        .ingest_sbom(&Actor::cli(), &ws, &v, json.into_bytes(), "big.json")
        .await
        .unwrap();
    // Printed for the record, never asserted (see DESIGN.md on wall-clock times in tests).
    println!(
        "ingested 10,000 components on {:?} in {:.2?}",
        store.backend(),
        started.elapsed()
    );
    assert_eq!(record.component_count, 10_000);
    let page = store
        .list_sbom_components(&ws, &record.id, 9_990, 100)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 10);
    assert_eq!(page.items[9].name, "pkg9999");
    assert_eq!(page.items[9].ecosystem.as_deref(), Some("npm"));
    assert_eq!(page.items[9].licenses, "MIT");
    assert!(matches!(
        store.list_sbom_components(&other, &record.id, 0, 10).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_sbom(&Actor::cli(), &other, &record.id).await,
        Err(StoreError::NotFound)
    ));
    store
        .delete_sbom(&Actor::cli(), &ws, &record.id)
        .await
        .unwrap();
    assert_eq!(count(&store, &ws).await, (0, 0));
}

#[tokio::test]
async fn backup_and_restore_keep_products_sboms_and_originals() {
    let inst = TestInstallation::new().await;
    let (store, ws, _) = seeded(&inst).await;
    let v = version(&store, &ws, "Firmware").await;
    let bytes = std::fs::read(data(
        "cyclonedx/bom-examples/SBOM/laravel-7.12.0/bom.1.4.json",
    ))
    .unwrap();
    let record = store
        .ingest_sbom(&Actor::cli(), &ws, &v, bytes.clone(), "bom.json")
        .await
        .unwrap();
    let archive = inst.dir.path().join("backup.tar.gz");
    store.backup_to(&archive, &|_, _| {}).await.unwrap();
    let target = TestInstallation::sibling().await;
    Store::restore(&archive, &target.config).await.unwrap();
    let restored = Store::open(&target.config).await.unwrap();
    assert_eq!(
        restored.list_products(&ws).await.unwrap(),
        store.list_products(&ws).await.unwrap()
    );
    assert_eq!(restored.get_sbom(&ws, &record.id).await.unwrap(), record);
    assert_eq!(
        restored
            .list_sbom_components(&ws, &record.id, 0, 1000)
            .await
            .unwrap(),
        store
            .list_sbom_components(&ws, &record.id, 0, 1000)
            .await
            .unwrap()
    );
    assert_eq!(
        restored.sbom_original(&ws, &record.id).await.unwrap().1,
        bytes
    );
    assert_eq!(
        restored.sbom_document(&ws, &record.id).await.unwrap(),
        store.sbom_document(&ws, &record.id).await.unwrap()
    );
}

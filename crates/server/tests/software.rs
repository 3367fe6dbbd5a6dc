//! Products, versions and SBOMs through the REST API: upload (CycloneDX, SPDX), counts that match
//! the library's own parse, truncated input, workspace isolation, download and export round trips.

mod common;

use std::path::PathBuf;

use common::TestServer;
use sanso_sbom::dedupe::dedupe;
use sanso_sbom::{read_sbom, ReadOptions, SbomFormat};
use serde_json::{json, Value};

fn data(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "test data {} is missing ({e}): these tests need ../shared/data",
            path.display()
        )
    })
}

/// Components the library reads from `bytes` after de-duplication.
fn library_count(bytes: &[u8]) -> usize {
    let mut sbom = read_sbom(bytes, &ReadOptions::default()).unwrap();
    dedupe(&mut sbom);
    sbom.components.len()
}

async fn post(api: &reqwest::Client, server: &TestServer, path: &str, body: Value) -> Value {
    let r = api.post(server.url(path)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201, "{path}");
    r.json().await.unwrap()
}

/// A product with one version; returns (product id, version id).
async fn product_version(
    api: &reqwest::Client,
    server: &TestServer,
    ws: &str,
    name: &str,
) -> (String, String) {
    let p = post(
        api,
        server,
        &format!("/api/v1/workspaces/{ws}/products"),
        json!({"name": name}),
    )
    .await;
    let pid = p["id"].as_str().unwrap().to_string();
    let v = post(
        api,
        server,
        &format!("/api/v1/workspaces/{ws}/products/{pid}/versions"),
        json!({"version": "1.0.0"}),
    )
    .await;
    (pid, v["id"].as_str().unwrap().to_string())
}

async fn upload(
    api: &reqwest::Client,
    server: &TestServer,
    ws: &str,
    version: &str,
    bytes: Vec<u8>,
    filename: &str,
) -> reqwest::Response {
    api.post(server.url(&format!(
        "/api/v1/workspaces/{ws}/versions/{version}/sboms?filename={filename}"
    )))
    .header("content-type", "application/octet-stream")
    .body(bytes)
    .send()
    .await
    .unwrap()
}

async fn get_json(api: &reqwest::Client, server: &TestServer, path: &str) -> Value {
    let r = api.get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn real_sboms_upload_list_download_and_export() {
    let server = TestServer::start_with(|c| c.body_limit = 32 * 1024 * 1024).await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Maker").await;
    let (pid, vid) = product_version(&api, &server, &ws, "Keycloak appliance").await;
    let cases = [
        (
            "cyclonedx/bom-examples/SBOM/keycloak-10.0.2/bom.json",
            "cyclonedx",
            "bom.json",
        ),
        (
            "cyclonedx/bom-examples/SBOM/keycloak-10.0.2/bom.xml",
            "cyclonedx",
            "bom.xml",
        ),
        (
            "sbom-corpus/spdx/ubi9-9.2-755.1697625012.json",
            "spdx",
            "ubi9.json",
        ),
    ];
    let mut ids = Vec::new();
    for (rel, format, filename) in cases {
        let bytes = data(rel);
        let expected = library_count(&bytes);
        let r = upload(&api, &server, &ws, &vid, bytes.clone(), filename).await;
        assert_eq!(r.status(), 201, "{rel}");
        let record: Value = r.json().await.unwrap();
        assert_eq!(record["format"], format);
        assert_eq!(
            record["component_count"].as_u64().unwrap() as usize,
            expected,
            "{rel}"
        );
        assert_eq!(record["filename"], filename);
        println!("{rel}: {expected} components stored");
        let id = record["id"].as_str().unwrap().to_string();
        // Paged components add up to the count.
        let mut seen = 0;
        let mut offset = 0;
        loop {
            let page = get_json(
                &api,
                &server,
                &format!("/api/v1/workspaces/{ws}/sboms/{id}/components?offset={offset}&limit=300"),
            )
            .await;
            assert_eq!(page["total"].as_u64().unwrap() as usize, expected);
            let n = page["items"].as_array().unwrap().len();
            if n == 0 {
                break;
            }
            seen += n;
            offset += n;
        }
        assert_eq!(seen, expected);
        // The original comes back byte for byte.
        let r = api
            .get(server.url(&format!("/api/v1/workspaces/{ws}/sboms/{id}/original")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(filename));
        assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
        // Both exports read back through sanso-sbom with every component.
        for (export, family) in [
            ("cyclonedx", SbomFormat::CycloneDx),
            ("spdx", SbomFormat::Spdx),
        ] {
            let r = api
                .get(server.url(&format!(
                    "/api/v1/workspaces/{ws}/sboms/{id}/export?format={export}"
                )))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let body = r.bytes().await.unwrap();
            let back = read_sbom(body.as_ref(), &ReadOptions::default()).unwrap();
            assert_eq!(back.format, family);
            assert_eq!(
                back.spec_version,
                if export == "spdx" { "2.3" } else { "1.6" }
            );
            assert_eq!(back.components.len(), expected, "{rel} as {export}");
        }
        ids.push(id);
    }
    let r = api
        .get(server.url(&format!(
            "/api/v1/workspaces/{ws}/sboms/{}/export?format=pdf",
            ids[0]
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let list = get_json(
        &api,
        &server,
        &format!("/api/v1/workspaces/{ws}/versions/{vid}/sboms"),
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    // Deleting the product takes versions and SBOMs with it.
    let r = api
        .delete(server.url(&format!("/api/v1/workspaces/{ws}/products/{pid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    for id in &ids {
        let r = api
            .get(server.url(&format!("/api/v1/workspaces/{ws}/sboms/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    server.stop().await;
}

#[tokio::test]
async fn spdx_tag_value_is_detected() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Maker").await;
    let (_, vid) = product_version(&api, &server, &ws, "Gateway").await;
    let doc = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: gateway\n\
DocumentNamespace: https://example.com/gateway-1\nCreator: Tool: test\nCreated: 2024-01-01T00:00:00Z\n\n\
PackageName: openssl\nSPDXID: SPDXRef-openssl\nPackageVersion: 3.0.13\nPackageDownloadLocation: NOASSERTION\n\
PackageLicenseDeclared: Apache-2.0\nExternalRef: PACKAGE-MANAGER purl pkg:deb/debian/openssl@3.0.13\n\n\
PackageName: zlib\nSPDXID: SPDXRef-zlib\nPackageVersion: 1.3\nPackageDownloadLocation: NOASSERTION\n";
    let expected = library_count(doc.as_bytes());
    let r = upload(&api, &server, &ws, &vid, doc.as_bytes().to_vec(), "gw.spdx").await;
    assert_eq!(r.status(), 201);
    let record: Value = r.json().await.unwrap();
    assert_eq!(record["format"], "spdx");
    assert_eq!(record["encoding"], "tag-value");
    assert_eq!(
        record["component_count"].as_u64().unwrap() as usize,
        expected
    );
    let page = get_json(
        &api,
        &server,
        &format!(
            "/api/v1/workspaces/{ws}/sboms/{}/components",
            record["id"].as_str().unwrap()
        ),
    )
    .await;
    let openssl = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "openssl")
        .unwrap()
        .clone();
    assert_eq!(openssl["ecosystem"], "deb");
    assert_eq!(openssl["licenses"], "Apache-2.0");
    server.stop().await;
}

#[tokio::test]
async fn truncated_sbom_is_422_with_position_and_nothing_stored() {
    let server = TestServer::start_with(|c| c.body_limit = 32 * 1024 * 1024).await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Maker").await;
    let (_, vid) = product_version(&api, &server, &ws, "Firmware").await;
    let bytes = data("cyclonedx/bom-examples/SBOM/keycloak-10.0.2/bom.json");
    for cut in [bytes.len() / 3, bytes.len() - 10] {
        let r = upload(&api, &server, &ws, &vid, bytes[..cut].to_vec(), "bom.json").await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let problem: Value = r.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("line") && detail.contains("column"),
            "{detail}"
        );
        assert_eq!(problem["errors"][0]["field"], "sbom");
    }
    let r = upload(&api, &server, &ws, &vid, b"hello, world".to_vec(), "x.txt").await;
    assert_eq!(r.status(), 422);
    let list = get_json(
        &api,
        &server,
        &format!("/api/v1/workspaces/{ws}/versions/{vid}/sboms"),
    )
    .await;
    assert!(list.as_array().unwrap().is_empty());
    // Components cannot exist without their SBOM row (foreign key); no original was kept either.
    let blobs = server.store.blobs().root();
    assert!(
        !blobs.exists() || std::fs::read_dir(blobs).unwrap().next().is_none(),
        "a blob was stored for a refused SBOM"
    );
    server.stop().await;
}

#[tokio::test]
async fn another_workspaces_products_versions_and_sboms_answer_404() {
    let server = TestServer::start().await;
    let (_, ws_a, api_a) = server.user_with_workspace("a@example.com", "Buyer").await;
    let (_, ws_b, api_b) = server
        .user_with_workspace("b@example.com", "Supplier")
        .await;
    let (pid, vid) = product_version(&api_b, &server, &ws_b, "B's firmware").await;
    let bytes = data("cyclonedx/bom-examples/SBOM/laravel-7.12.0/bom.1.4.json");
    let r = upload(&api_b, &server, &ws_b, &vid, bytes.clone(), "bom.json").await;
    assert_eq!(r.status(), 201);
    let sid = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A asks through its own workspace with B's ids, and through B's workspace.
    for ws in [&ws_a, &ws_b] {
        for path in [
            format!("/api/v1/workspaces/{ws}/products/{pid}"),
            format!("/api/v1/workspaces/{ws}/products/{pid}/versions"),
            format!("/api/v1/workspaces/{ws}/versions/{vid}"),
            format!("/api/v1/workspaces/{ws}/versions/{vid}/sboms"),
            format!("/api/v1/workspaces/{ws}/sboms/{sid}"),
            format!("/api/v1/workspaces/{ws}/sboms/{sid}/components"),
            format!("/api/v1/workspaces/{ws}/sboms/{sid}/original"),
            format!("/api/v1/workspaces/{ws}/sboms/{sid}/export"),
        ] {
            let r = api_a.get(server.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), 404, "{path}");
        }
        let r = upload(&api_a, &server, ws, &vid, bytes.clone(), "bom.json").await;
        assert_eq!(r.status(), 404);
        let r = api_a
            .post(server.url(&format!("/api/v1/workspaces/{ws}/products/{pid}/versions")))
            .json(&json!({"version": "2"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        for path in [
            format!("/api/v1/workspaces/{ws}/products/{pid}"),
            format!("/api/v1/workspaces/{ws}/versions/{vid}"),
            format!("/api/v1/workspaces/{ws}/sboms/{sid}"),
        ] {
            let r = api_a.delete(server.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), 404, "{path}");
        }
    }
    // B still has everything.
    let list = get_json(
        &api_b,
        &server,
        &format!("/api/v1/workspaces/{ws_b}/versions/{vid}/sboms"),
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Product input errors name the field; a non-component node cannot be linked.
    let org = post(
        &api_a,
        &server,
        &format!("/api/v1/workspaces/{ws_a}/nodes"),
        json!({"kind": "organization", "name": "Supplier"}),
    )
    .await;
    let r = api_a
        .post(server.url(&format!("/api/v1/workspaces/{ws_a}/products")))
        .json(&json!({"name": "X", "node_id": org["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["errors"][0]["field"],
        "node_id"
    );
    let r = api_a
        .post(server.url(&format!("/api/v1/workspaces/{ws_a}/products")))
        .json(&json!({"name": "X", "colour": "red"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // The OpenAPI document lists the new endpoints.
    let doc = get_json(&api_a, &server, "/api/v1/openapi.json").await;
    for path in [
        "/api/v1/workspaces/{ws}/products",
        "/api/v1/workspaces/{ws}/versions/{id}/sboms",
        "/api/v1/workspaces/{ws}/sboms/{id}/export",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    server.stop().await;
}

fn osv_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

#[tokio::test]
async fn osv_import_by_instance_admin_and_findings_per_version() {
    let server = TestServer::start().await;
    let (_, ws, admin) = server.user_with_workspace("a@example.com", "Maker").await;
    let (_, ws_b, other) = server.user_with_workspace("b@example.com", "Other").await;
    let smallvec = data("osv/rustsec/crates/RUSTSEC-2021-0003.json");
    let withdrawn = data("osv/rustsec/crates/RUSTSEC-2020-0053.json");
    let archive = osv_zip(&[
        ("RUSTSEC-2021-0003.json", &smallvec),
        ("RUSTSEC-2020-0053.json", &withdrawn),
        ("broken.json", b"{\"id\": 5}"),
    ]);
    // Only an instance administrator may import.
    let r = other
        .post(server.url("/api/v1/admin/osv"))
        .header("content-type", "application/zip")
        .body(archive.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = admin
        .post(server.url("/api/v1/admin/osv"))
        .header("content-type", "application/zip")
        .body(archive)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let summary: Value = r.json().await.unwrap();
    assert_eq!(summary["added"], 2);
    assert_eq!(summary["withdrawn"], 1);
    assert_eq!(summary["errors"].as_array().unwrap().len(), 1, "{summary}");
    assert!(
        summary["errors"][0]
            .as_str()
            .unwrap()
            .contains("broken.json"),
        "{summary}"
    );
    let r = admin
        .post(server.url("/api/v1/admin/osv"))
        .body(b"PK not really".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    let (_, vid) = product_version(&admin, &server, &ws, "Gateway").await;
    let bom = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
      {"type":"library","bom-ref":"a","name":"smallvec","version":"1.6.0","purl":"pkg:cargo/smallvec@1.6.0"},
      {"type":"library","bom-ref":"c","name":"dirs","version":"1.0.0","purl":"pkg:cargo/dirs@1.0.0"}]}"#;
    let r = upload(&admin, &server, &ws, &vid, bom.to_vec(), "bom.json").await;
    assert_eq!(r.status(), 201);
    let report = get_json(
        &admin,
        &server,
        &format!("/api/v1/workspaces/{ws}/versions/{vid}/findings"),
    )
    .await;
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["vulnerability_id"], "CVE-2021-25900");
    assert_eq!(findings[0]["component_purl"], "pkg:cargo/smallvec@1.6.0");
    assert!(findings[0]["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "RUSTSEC-2021-0003"));
    for ws in [&ws, &ws_b] {
        let r = other
            .get(server.url(&format!("/api/v1/workspaces/{ws}/versions/{vid}/findings")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    server.stop().await;
}

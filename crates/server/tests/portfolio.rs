//! Portfolio and uploads through the REST API: an OSV import records findings for every affected
//! product version in every workspace (and only those), re-importing adds nothing, webhooks get
//! one signed delivery per new finding with retries after a failure; uploads over the limit answer
//! 413, truncated SBOMs and zip bombs store nothing and the server stays up.

mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use common::TestServer;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

fn data(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("test data {} is missing ({e})", path.display()))
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

async fn post_json(api: &reqwest::Client, url: String, body: Value) -> Value {
    let r = api.post(&url).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201, "{url}");
    r.json().await.unwrap()
}

/// A product with one version holding an SBOM of the given cargo packages; returns the version id.
async fn version_with(
    api: &reqwest::Client,
    server: &TestServer,
    ws: &str,
    product: &str,
    packages: &[(&str, &str)],
) -> String {
    let p = post_json(
        api,
        server.url(&format!("/api/v1/workspaces/{ws}/products")),
        json!({"name": product}),
    )
    .await;
    let pid = p["id"].as_str().unwrap();
    let v = post_json(
        api,
        server.url(&format!("/api/v1/workspaces/{ws}/products/{pid}/versions")),
        json!({"version": "1.0.0"}),
    )
    .await;
    let vid = v["id"].as_str().unwrap().to_string();
    let components: Vec<Value> = packages
        .iter()
        .map(|(name, version)| {
            json!({"type": "library", "name": name, "version": version,
                   "purl": format!("pkg:cargo/{name}@{version}")})
        })
        .collect();
    let bom = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                     "components": components});
    let r = api
        .post(server.url(&format!(
            "/api/v1/workspaces/{ws}/versions/{vid}/sboms?filename=bom.json"
        )))
        .header("content-type", "application/octet-stream")
        .body(bom.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    vid
}

type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A local webhook receiver: answers 500 to the first request, then 200; records everything.
async fn receiver() -> (String, Received) {
    let received: Received = Arc::default();
    let seen = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let mut list = seen.lock().unwrap();
                list.push((headers, body));
                if list.len() == 1 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (url, received)
}

#[tokio::test]
async fn new_advisory_finds_affected_versions_in_every_workspace_and_notifies() {
    let server = TestServer::start().await;
    let (_, ws_a, admin) = server.user_with_workspace("a@example.com", "Maker").await;
    let (_, ws_b, other) = server.user_with_workspace("b@example.com", "Other").await;
    // smallvec 1.6.0 is affected by RUSTSEC-2021-0003 (fixed in 1.6.1); 1.6.1 is not.
    let hit_a = version_with(
        &admin,
        &server,
        &ws_a,
        "Gateway",
        &[("smallvec", "1.6.0"), ("dirs", "1.0.0")],
    )
    .await;
    let _clean = version_with(&admin, &server, &ws_a, "Sensor", &[("smallvec", "1.6.1")]).await;
    let hit_b = version_with(&other, &server, &ws_b, "Router", &[("SmallVec", "1.5.0")]).await;

    // Bad webhook input names the field and stores nothing.
    let r = admin
        .post(server.url(&format!("/api/v1/workspaces/{ws_a}/webhooks")))
        .json(&json!({"url": "ftp://x", "events": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap_or(""))
        .collect();
    assert!(
        fields.contains(&"url") && fields.contains(&"events[0]"),
        "{problem}"
    );

    let (hook_url, received) = receiver().await;
    let secret = "a webhook secret of some length";
    let hook = post_json(
        &admin,
        server.url(&format!("/api/v1/workspaces/{ws_a}/webhooks")),
        json!({"url": hook_url, "secret": secret}),
    )
    .await;
    let hook_id = hook["id"].as_str().unwrap().to_string();
    assert_eq!(hook["events"], json!(["finding.new", "finding.withdrawn"]));
    // The other workspace cannot see the webhook.
    let r = other
        .get(server.url(&format!(
            "/api/v1/workspaces/{ws_a}/webhooks/{hook_id}/deliveries"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let archive = osv_zip(&[(
        "RUSTSEC-2021-0003.json",
        &data("osv/rustsec/crates/RUSTSEC-2021-0003.json"),
    )]);
    let r = admin
        .post(server.url("/api/v1/admin/osv"))
        .header("content-type", "application/zip")
        .body(archive.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let summary: Value = r.json().await.unwrap();
    assert_eq!(summary["portfolio"]["new_findings"], 2, "{summary}");
    assert_eq!(summary["portfolio"]["affected_versions"], 2, "{summary}");
    assert_eq!(summary["portfolio"]["webhook_deliveries"], 1, "{summary}");

    let list: Value = admin
        .get(server.url(&format!("/api/v1/workspaces/{ws_a}/portfolio/findings")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["version_id"], hit_a);
    assert_eq!(list[0]["product_name"], "Gateway");
    assert_eq!(list[0]["advisory_id"], "RUSTSEC-2021-0003");
    assert_eq!(list[0]["purl"], "pkg:cargo/smallvec@1.6.0");
    assert!(
        list[0]["reason"].as_str().unwrap().contains("1.6.1"),
        "{list:?}"
    );
    let list_b: Value = other
        .get(server.url(&format!("/api/v1/workspaces/{ws_b}/portfolio/findings")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list_b.as_array().unwrap().len(), 1);
    assert_eq!(list_b[0]["version_id"], hit_b);
    // The software overview lists it too, linked to the product version.
    let web = common::sign_in(&server, "a@example.com", "a long password").await;
    let overview = web
        .get(server.url(&format!("/w/{ws_a}/software")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let section = &overview[overview
        .find("id=\"portfolio-findings\"")
        .expect("the table")..];
    assert!(section.contains("RUSTSEC-2021-0003"), "{section:.600}");
    assert!(
        section.contains(&format!("/w/{ws_a}/software/versions/{hit_a}")),
        "{section:.600}"
    );
    assert!(
        !overview.contains(&hit_b),
        "another workspace's finding is not shown"
    );

    // The same archive again: nothing new, nothing queued.
    let again: Value = admin
        .post(server.url("/api/v1/admin/osv"))
        .header("content-type", "application/zip")
        .body(archive)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["portfolio"]["new_findings"], 0, "{again}");

    // The first attempt gets 500, the retry (after the 2 s backoff) 200.
    let deliveries_url = server.url(&format!(
        "/api/v1/workspaces/{ws_a}/webhooks/{hook_id}/deliveries"
    ));
    let mut delivered = Value::Null;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let d: Value = admin
            .get(&deliveries_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if d[0]["status"] == "delivered" {
            delivered = d;
            break;
        }
    }
    assert_eq!(delivered[0]["status"], "delivered", "{delivered}");
    assert_eq!(delivered[0]["attempts"], 2);
    assert_eq!(delivered[0]["last_status_code"], 200);
    assert_eq!(delivered.as_array().unwrap().len(), 1);
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    for (headers, body) in &got {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body.as_bytes());
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(headers["x-sanso-signature"].to_str().unwrap(), expected);
        assert_eq!(headers["x-sanso-event"], "finding.new");
        let payload: Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["advisory_id"], "RUSTSEC-2021-0003");
        assert_eq!(payload["finding"]["purl"], "pkg:cargo/smallvec@1.6.0");
    }
    server.stop().await;
}

#[tokio::test]
async fn uploads_over_the_limit_truncated_sboms_and_zip_bombs_store_nothing() {
    let server = TestServer::start_with(|c| c.upload_limit = 4096).await;
    let (_, ws, admin) = server.user_with_workspace("a@example.com", "Maker").await;
    let vid = version_with(&admin, &server, &ws, "Gateway", &[("smallvec", "1.6.0")]).await;
    let sboms_url = server.url(&format!("/api/v1/workspaces/{ws}/versions/{vid}/sboms"));

    // Over the limit: 413 naming the option; nothing stored.
    let big = format!(
        "{{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\"metadata\":{{\"x\":\"{}\"}}}}",
        "a".repeat(10_000)
    );
    let r = admin.post(&sboms_url).body(big).send().await.unwrap();
    assert_eq!(r.status(), 413);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("--upload-limit"),
        "{problem}"
    );

    // Truncated in the middle of a component: 422 with the position; nothing half-stored.
    let truncated = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
      {"type":"library","name":"a","version":"1","purl":"pkg:cargo/a@1"},
      {"type":"library","name":"b","vers"#;
    let r = admin.post(&sboms_url).body(truncated).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("line"),
        "{problem}"
    );
    let r = admin
        .post(&sboms_url)
        .body("{\"bomFormat\": \"CycloneDX\", \"specVersion\": 7}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let sboms: Value = admin
        .get(&sboms_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        sboms.as_array().unwrap().len(),
        1,
        "only the first, good SBOM: {sboms}"
    );

    // Duplicates are merged while streaming, and reported.
    let dup = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
      {"type":"library","name":"a","version":"1","purl":"pkg:cargo/a@1"},
      {"type":"library","bom-ref":"again","name":"a","version":"1","purl":"pkg:cargo/a@1"},
      {"type":"library","name":"b","version":"2","purl":"pkg:cargo/b@2"}]}"#;
    let r = admin.post(&sboms_url).body(dup).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let record: Value = r.json().await.unwrap();
    assert_eq!(record["components_read"], 3);
    assert_eq!(record["component_count"], 2);

    // A zip bomb (one entry compressing far beyond the allowed ratio) imports nothing.
    let bomb = osv_zip(&[("bomb.json", &vec![b' '; 3 << 20])]);
    assert!(bomb.len() < 4096, "the bomb fits under the upload limit");
    let r = admin
        .post(server.url("/api/v1/admin/osv"))
        .header("content-type", "application/zip")
        .body(bomb)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    let text = body.to_string();
    assert!(
        (status == 422 || status == 200) && text.contains("ratio"),
        "{status} {body}"
    );
    assert_eq!(server.store.osv_advisory_count().await.unwrap(), 0);

    // Still serving.
    let r = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    server.stop().await;
}

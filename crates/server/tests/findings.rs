//! VEX, triage, licence policy and the findings dashboard through the REST API: each VEX format in
//! both orders (VEX before / after the SBOM), alias keys, the CSAF VEX examples of the OASIS
//! repository, triage carried to the next version, licence violations, bad input and isolation.

mod common;

use std::path::PathBuf;

use common::TestServer;
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

/// A hand-written advisory for log4j-core (the CSAF VEX examples are about CVE-2021-44228).
const LOG4J: &str = r#"{"id": "GHSA-jfh8-c2jp-5v3q", "modified": "2024-01-01T00:00:00Z",
  "aliases": ["CVE-2021-44228"], "summary": "Log4Shell",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
  "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0-beta9"}, {"fixed": "2.15.0"}]}]}]}"#;

fn osv_zip() -> Vec<u8> {
    use std::io::Write;
    let smallvec = data("osv/rustsec/crates/RUSTSEC-2021-0003.json");
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("RUSTSEC-2021-0003.json", options).unwrap();
        zip.write_all(&smallvec).unwrap();
        zip.start_file("GHSA-jfh8-c2jp-5v3q.json", options).unwrap();
        zip.write_all(LOG4J.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// A server with the OSV data imported and the admin's client and workspace.
async fn setup() -> (TestServer, String, reqwest::Client) {
    let server = TestServer::start().await;
    let (_, ws, admin) = server.user_with_workspace("a@example.com", "Maker").await;
    let r = admin
        .post(server.url("/api/v1/admin/osv"))
        .header("content-type", "application/zip")
        .body(osv_zip())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    (server, ws, admin)
}

async fn post_json(api: &reqwest::Client, server: &TestServer, path: &str, body: Value) -> Value {
    let r = api.post(server.url(path)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201, "{path}");
    r.json().await.unwrap()
}

async fn get_json(api: &reqwest::Client, server: &TestServer, path: &str) -> Value {
    let r = api.get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

async fn product(api: &reqwest::Client, server: &TestServer, ws: &str, name: &str) -> String {
    let p = post_json(
        api,
        server,
        &format!("/api/v1/workspaces/{ws}/products"),
        json!({"name": name}),
    )
    .await;
    p["id"].as_str().unwrap().to_string()
}

async fn version(
    api: &reqwest::Client,
    server: &TestServer,
    ws: &str,
    pid: &str,
    label: &str,
) -> String {
    let v = post_json(
        api,
        server,
        &format!("/api/v1/workspaces/{ws}/products/{pid}/versions"),
        json!({"version": label}),
    )
    .await;
    v["id"].as_str().unwrap().to_string()
}

fn bom(components: &[(&str, &str)]) -> Vec<u8> {
    let comps: Vec<Value> = components
        .iter()
        .map(|(purl, licence)| {
            let name = purl.rsplit('/').next().unwrap().split('@').next().unwrap();
            let version = purl.rsplit('@').next().unwrap();
            let mut c = json!({"type": "library", "bom-ref": purl, "name": name, "version": version, "purl": purl});
            if !licence.is_empty() {
                c["licenses"] = json!([{"expression": licence}]);
            }
            c
        })
        .collect();
    serde_json::to_vec(
        &json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": comps}),
    )
    .unwrap()
}

async fn upload_sbom(
    api: &reqwest::Client,
    server: &TestServer,
    ws: &str,
    vid: &str,
    bytes: Vec<u8>,
) {
    let r = api
        .post(server.url(&format!(
            "/api/v1/workspaces/{ws}/versions/{vid}/sboms?filename=bom.json"
        )))
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

async fn upload_vex(
    api: &reqwest::Client,
    server: &TestServer,
    ws: &str,
    query: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    api.post(server.url(&format!("/api/v1/workspaces/{ws}/vex?{query}")))
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn findings(api: &reqwest::Client, server: &TestServer, ws: &str, vid: &str) -> Value {
    get_json(
        api,
        server,
        &format!("/api/v1/workspaces/{ws}/versions/{vid}/findings/full"),
    )
    .await
}

/// The one finding for `vuln` (any of its IDs) in a findings response.
fn finding<'a>(report: &'a Value, vuln: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["vulnerability_id"] == vuln
                || f["aliases"].as_array().unwrap().iter().any(|a| a == vuln)
        })
        .unwrap_or_else(|| panic!("no finding for {vuln} in {report}"))
}

fn openvex_smallvec() -> Vec<u8> {
    // Keyed by the GHSA alias and a version-less purl: must apply to CVE-2021-25900 in smallvec 1.6.0.
    serde_json::to_vec(&json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/1", "author": "Acme PSIRT",
        "timestamp": "2024-05-01T00:00:00Z", "version": 1,
        "statements": [{"vulnerability": {"name": "GHSA-43w2-9j62-hq99"},
            "products": [{"@id": "pkg:cargo/smallvec"}],
            "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]
    }))
    .unwrap()
}

fn cyclonedx_smallvec() -> Vec<u8> {
    // Keyed by the RUSTSEC alias.
    serde_json::to_vec(&json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "metadata": {"timestamp": "2024-05-01T00:00:00Z"},
        "vulnerabilities": [{"id": "RUSTSEC-2021-0003",
            "analysis": {"state": "not_affected", "justification": "code_not_reachable",
                "detail": "insert_many is never called"},
            "affects": [{"ref": "pkg:cargo/smallvec@1.6.0"}]}]
    }))
    .unwrap()
}

fn csaf_smallvec() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "document": {"category": "csaf_vex", "csaf_version": "2.0", "title": "smallvec",
            "publisher": {"category": "vendor", "name": "Acme", "namespace": "https://acme.example"},
            "tracking": {"id": "ACME-VEX-1", "current_release_date": "2024-05-01T00:00:00Z",
                "initial_release_date": "2024-05-01T00:00:00Z", "status": "final", "version": "1",
                "revision_history": [{"date": "2024-05-01T00:00:00Z", "number": "1", "summary": "first"}]}},
        "product_tree": {"full_product_names": [{"name": "smallvec 1.6.0", "product_id": "P1",
            "product_identification_helper": {"purl": "pkg:cargo/smallvec@1.6.0"}}]},
        "vulnerabilities": [{"cve": "CVE-2021-25900",
            "product_status": {"known_not_affected": ["P1"]},
            "flags": [{"label": "vulnerable_code_not_present", "product_ids": ["P1"]}]}]
    }))
    .unwrap()
}

/// A VEX format's name, a function writing a document in it, and the status it states.
type VexCase = (&'static str, fn() -> Vec<u8>, &'static str);

#[tokio::test]
async fn each_vex_format_applies_in_both_orders_by_alias() {
    let (server, _, _) = setup().await;
    let cases: [VexCase; 3] = [
        (
            "openvex",
            openvex_smallvec,
            "vulnerable_code_not_in_execute_path",
        ),
        (
            "cyclonedx",
            cyclonedx_smallvec,
            "vulnerable_code_not_in_execute_path",
        ),
        ("csaf", csaf_smallvec, "vulnerable_code_not_present"),
    ];
    for (format, doc, justification) in cases {
        for vex_first in [true, false] {
            let (_, ws, api) = server
                .user_with_workspace(&format!("{format}-{vex_first}@example.com"), "W")
                .await;
            let send_vex = || async {
                let r = upload_vex(&api, &server, &ws, "filename=vex.json", doc()).await;
                assert_eq!(r.status(), 201);
                r.json::<Value>().await.unwrap()
            };
            let mut vex_doc = Value::Null;
            if vex_first {
                vex_doc = send_vex().await;
                // Nothing in the workspace yet: kept, with a warning that names the statement.
                let warnings = vex_doc["warnings"].as_array().unwrap();
                assert_eq!(warnings.len(), 1, "{format}: {vex_doc}");
                assert!(
                    warnings[0].as_str().unwrap().contains("smallvec"),
                    "{vex_doc}"
                );
            }
            let pid = product(&api, &server, &ws, "Gateway").await;
            let vid = version(&api, &server, &ws, &pid, "1.0").await;
            upload_sbom(
                &api,
                &server,
                &ws,
                &vid,
                bom(&[
                    ("pkg:cargo/smallvec@1.6.0", "MIT"),
                    ("pkg:cargo/dirs@1.0.0", "MIT"),
                ]),
            )
            .await;
            if !vex_first {
                vex_doc = send_vex().await;
                assert_eq!(vex_doc["warnings"], json!([]), "{format}: {vex_doc}");
            }
            assert_eq!(vex_doc["format"], format);
            let report = findings(&api, &server, &ws, &vid).await;
            let f = finding(&report, "CVE-2021-25900");
            assert_eq!(
                f["vex"]["status"], "not_affected",
                "{format} vex_first={vex_first}: {f}"
            );
            assert_eq!(f["vex"]["justification"], justification, "{format}");
            assert_eq!(f["active"], false);
            // Every ID is shown, and the matched range.
            let aliases = f["aliases"].as_array().unwrap();
            assert!(aliases.iter().any(|a| a == "RUSTSEC-2021-0003"));
            assert!(aliases.iter().any(|a| a == "GHSA-43w2-9j62-hq99"));
            assert!(
                f["matched_ranges"].as_str().unwrap().contains("SEMVER"),
                "{f}"
            );
            // The document and its statements are listed.
            let docs = get_json(&api, &server, &format!("/api/v1/workspaces/{ws}/vex")).await;
            assert_eq!(docs.as_array().unwrap().len(), 1);
            let id = docs[0]["id"].as_str().unwrap();
            let st = get_json(
                &api,
                &server,
                &format!("/api/v1/workspaces/{ws}/vex/{id}/statements"),
            )
            .await;
            assert_eq!(st.as_array().unwrap().len(), 1);
            // Deleting the VEX brings the finding back.
            let r = api
                .delete(server.url(&format!("/api/v1/workspaces/{ws}/vex/{id}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
            let report = findings(&api, &server, &ws, &vid).await;
            let f = finding(&report, "CVE-2021-25900");
            assert!(f.get("vex").is_none(), "{f}");
            assert_eq!(f["active"], true);
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn csaf_vex_examples_name_product_versions_and_ranges() {
    let (server, ws, api) = setup().await;
    let pid = product(&api, &server, &ws, "ABC").await;
    let log4j = bom(&[(
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        "Apache-2.0",
    )]);
    let mut versions = Vec::new();
    for label in ["4.2", "2.4", "2.5", "3.0", "2.0"] {
        let vid = version(&api, &server, &ws, &pid, label).await;
        upload_sbom(&api, &server, &ws, &vid, log4j.clone()).await;
        versions.push((label, vid));
    }
    let example = data("vex/csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-06-001.json");
    let r = upload_vex(
        &api,
        &server,
        &ws,
        "filename=2022-evd-uc-06-001.json",
        example,
    )
    .await;
    assert_eq!(r.status(), 201);
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["format"], "csaf");
    assert_eq!(doc["author"], "Example Company ProductCERT");
    // 2.6, 2.7–2.8 and 1.0–2.3 are not products here, but 2.0 falls in 1.0–2.3.
    assert_eq!(doc["warnings"].as_array().unwrap().len(), 2, "{doc}");
    let expected = [
        ("4.2", "not_affected"),
        ("2.4", "affected"),
        ("2.5", "not_affected"),
        ("3.0", "affected"),
        ("2.0", "not_affected"),
    ];
    for ((label, vid), (want_label, status)) in versions.iter().zip(expected) {
        assert_eq!(*label, want_label);
        let report = findings(&api, &server, &ws, vid).await;
        let f = finding(&report, "CVE-2021-44228");
        assert_eq!(f["vulnerability_id"], "CVE-2021-44228");
        assert_eq!(f["severity"], "critical");
        assert_eq!(f["vex"]["status"], status, "ABC {label}: {f}");
    }

    // A CSAF document about a product this workspace does not have: stored, with warnings.
    let other = data("vex/csaf/csaf_2.0/examples/csaf/csaf_vex/sec-vex-2022-0001.json");
    let r = upload_vex(&api, &server, &ws, "", other).await;
    assert_eq!(r.status(), 201);
    let doc: Value = r.json().await.unwrap();
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 3, "{doc}");
    assert!(
        warnings[0].as_str().unwrap().contains("Secvisogram"),
        "{doc}"
    );

    // Scoped to a product, a CSAF product given only by ID is that product; a later document wins.
    let xyz = product(&api, &server, &ws, "Controller").await;
    let xv = version(&api, &server, &ws, &xyz, "1").await;
    upload_sbom(&api, &server, &ws, &xv, log4j.clone()).await;
    let fixed = data("vex/csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-01-f-001.json");
    let r = upload_vex(&api, &server, &ws, &format!("product_id={xyz}"), fixed).await;
    assert_eq!(r.status(), 201);
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["warnings"], json!([]), "{doc}");
    assert_eq!(doc["scope_product_id"], xyz.as_str());
    let report = findings(&api, &server, &ws, &xv).await;
    assert_eq!(finding(&report, "CVE-2021-44228")["vex"]["status"], "fixed");
    // The scope keeps it away from ABC.
    let report = findings(&api, &server, &ws, &versions[1].1).await;
    assert_eq!(
        finding(&report, "CVE-2021-44228")["vex"]["status"],
        "affected"
    );
    // A scope naming another workspace's or no product is refused.
    let r = upload_vex(
        &api,
        &server,
        &ws,
        "product_id=nope",
        data("vex/csaf/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-01-f-001.json"),
    )
    .await;
    assert_eq!(r.status(), 422);
    server.stop().await;
}

#[tokio::test]
async fn triage_has_a_trail_and_carries_to_the_next_version() {
    let (server, ws, api) = setup().await;
    let pid = product(&api, &server, &ws, "Gateway").await;
    let v1 = version(&api, &server, &ws, &pid, "1.0").await;
    upload_sbom(
        &api,
        &server,
        &ws,
        &v1,
        bom(&[("pkg:cargo/smallvec@1.6.0", "MIT")]),
    )
    .await;
    let triage = |vid: String, body: Value| {
        let api = api.clone();
        let url = server.url(&format!("/api/v1/workspaces/{ws}/versions/{vid}/triage"));
        async move { api.post(url).json(&body).send().await.unwrap() }
    };
    // not_affected needs a justification, a known one.
    let r = triage(
        v1.clone(),
        json!({"vulnerability_id": "RUSTSEC-2021-0003",
        "component": "pkg:cargo/smallvec@1.6.0", "state": "not_affected"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("justification"));
    let r = triage(v1.clone(), json!({"vulnerability_id": "RUSTSEC-2021-0003",
        "component": "pkg:cargo/smallvec@1.6.0", "state": "not_affected", "justification": "because"})).await;
    assert_eq!(r.status(), 422);
    // A finding that does not exist.
    let r = triage(
        v1.clone(),
        json!({"vulnerability_id": "CVE-1999-0001",
        "component": "pkg:cargo/smallvec@1.6.0", "state": "exploitable"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("CVE-1999-0001"));
    // By alias and version-less purl.
    let r = triage(
        v1.clone(),
        json!({"vulnerability_id": "GHSA-43w2-9j62-hq99",
        "component": "pkg:cargo/smallvec", "state": "not_affected",
        "justification": "vulnerable_code_not_in_execute_path", "comment": "insert_many unused"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let event: Value = r.json().await.unwrap();
    assert_eq!(event["vulnerability_id"], "CVE-2021-25900");
    assert_eq!(event["component_key"], "pkg:cargo/smallvec");

    let report = findings(&api, &server, &ws, &v1).await;
    let f = finding(&report, "CVE-2021-25900");
    assert_eq!(f["triage"]["state"], "not_affected");
    assert_eq!(f["active"], false);
    assert!(f["triage_carried_from"].is_null());

    // The next version carries the decision.
    let v2 = version(&api, &server, &ws, &pid, "1.1").await;
    upload_sbom(
        &api,
        &server,
        &ws,
        &v2,
        bom(&[("pkg:cargo/smallvec@1.6.0", "MIT")]),
    )
    .await;
    let report = findings(&api, &server, &ws, &v2).await;
    let f = finding(&report, "CVE-2021-25900");
    assert_eq!(f["triage"]["state"], "not_affected", "{f}");
    assert_eq!(f["triage_carried_from"], "1.0");
    assert_eq!(f["active"], false);

    // A new decision on 1.1 does not rewrite 1.0.
    let r = triage(v2.clone(), json!({"vulnerability_id": "CVE-2021-25900",
        "component": "pkg:cargo/smallvec@1.6.0", "state": "exploitable", "comment": "now reachable"})).await;
    assert_eq!(r.status(), 201);
    let f2 = findings(&api, &server, &ws, &v2).await;
    assert_eq!(
        finding(&f2, "CVE-2021-25900")["triage"]["state"],
        "exploitable"
    );
    assert_eq!(finding(&f2, "CVE-2021-25900")["active"], true);
    let f1 = findings(&api, &server, &ws, &v1).await;
    assert_eq!(
        finding(&f1, "CVE-2021-25900")["triage"]["state"],
        "not_affected"
    );

    // The trail: both decisions, oldest first, with actor and comment.
    let history = get_json(&api, &server, &format!(
        "/api/v1/workspaces/{ws}/versions/{v2}/triage?vulnerability_id=RUSTSEC-2021-0003&component=pkg:cargo/smallvec@1.6.0"
    )).await;
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["comment"], "insert_many unused");
    assert_eq!(history[1]["state"], "exploitable");
    assert!(!history[0]["actor"].as_str().unwrap().is_empty());

    // Export: OpenVEX and CycloneDX from triage; the OpenVEX re-imports elsewhere and applies.
    let openvex = get_json(
        &api,
        &server,
        &format!("/api/v1/workspaces/{ws}/versions/{v1}/vex?format=openvex"),
    )
    .await;
    assert_eq!(
        openvex["statements"][0]["status"], "not_affected",
        "{openvex}"
    );
    assert_eq!(
        openvex["statements"][0]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    let cdx = get_json(
        &api,
        &server,
        &format!("/api/v1/workspaces/{ws}/versions/{v2}/vex?format=cyclonedx"),
    )
    .await;
    assert_eq!(
        cdx["vulnerabilities"][0]["analysis"]["state"], "exploitable",
        "{cdx}"
    );
    let r = api
        .get(server.url(&format!(
            "/api/v1/workspaces/{ws}/versions/{v1}/vex?format=pdf"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    let (_, ws2, api2) = server.user_with_workspace("b@example.com", "Other").await;
    let p2 = product(&api2, &server, &ws2, "Box").await;
    let v = version(&api2, &server, &ws2, &p2, "9").await;
    upload_sbom(
        &api2,
        &server,
        &ws2,
        &v,
        bom(&[("pkg:cargo/smallvec@1.6.0", "MIT")]),
    )
    .await;
    let r = upload_vex(
        &api2,
        &server,
        &ws2,
        "",
        serde_json::to_vec(&openvex).unwrap(),
    )
    .await;
    assert_eq!(r.status(), 201);
    let report = findings(&api2, &server, &ws2, &v).await;
    assert_eq!(
        finding(&report, "CVE-2021-25900")["vex"]["status"],
        "not_affected"
    );
    // Triage of one workspace never shows in another.
    assert!(finding(&report, "CVE-2021-25900")["triage"].is_null());

    // The dashboard counts open findings by severity, product and supplier.
    let dash = get_json(
        &api,
        &server,
        &format!("/api/v1/workspaces/{ws}/findings/dashboard"),
    )
    .await;
    assert_eq!(dash["open"], 1, "{dash}");
    assert_eq!(dash["by_product"][0]["label"], "Gateway 1.1");
    assert_eq!(dash["by_severity"][0]["label"], "critical");
    assert_eq!(dash["by_severity"][0]["count"], 1, "{dash}");
    server.stop().await;
}

#[tokio::test]
async fn licence_policy_default_edit_and_violations() {
    let (server, ws, api) = setup().await;
    let pid = product(&api, &server, &ws, "Firmware").await;
    let vid = version(&api, &server, &ws, &pid, "1").await;
    upload_sbom(
        &api,
        &server,
        &ws,
        &vid,
        bom(&[
            ("pkg:npm/a@1.0.0", "GPL-3.0-only"),
            ("pkg:npm/b@1.0.0", "MIT"),
            ("pkg:npm/c@1.0.0", "LGPL-2.1-only"),
            ("pkg:npm/d@1.0.0", ""),
            ("pkg:npm/e@1.0.0", "MIT OR GPL-2.0-only"),
        ]),
    )
    .await;
    let policy = get_json(
        &api,
        &server,
        &format!("/api/v1/workspaces/{ws}/licence-policy"),
    )
    .await;
    assert_eq!(policy["is_default"], true);
    assert_eq!(policy["policy"]["context"], "distributed-firmware");
    let report = get_json(
        &api,
        &server,
        &format!("/api/v1/workspaces/{ws}/versions/{vid}/licences"),
    )
    .await;
    assert_eq!(report["components"], 5);
    assert_eq!(report["violations"], 1, "{report}");
    assert_eq!(report["needs_review"], 1, "{report}");
    assert_eq!(report["unknown"], 1, "{report}");
    assert_eq!(report["allowed"], 2, "{report}");
    assert_eq!(report["issues"][0]["component"], "a");
    assert_eq!(report["issues"][0]["evaluation"]["verdict"], "violation");

    // An unknown licence id is refused with its position; nothing changes.
    let r = api.put(server.url(&format!("/api/v1/workspaces/{ws}/licence-policy")))
        .json(&json!({"name": "ours", "context": "distributed-firmware", "allow": ["MIT", "Not-A-Licence"]}))
        .send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("policy.allow[1]"));
    let r = api
        .put(server.url(&format!("/api/v1/workspaces/{ws}/licence-policy")))
        .body("{\"name\": 5}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        get_json(
            &api,
            &server,
            &format!("/api/v1/workspaces/{ws}/licence-policy")
        )
        .await["is_default"],
        true
    );

    // Allowing GPL-3.0-only by id beats the strong-copyleft category rule.
    let r = api.put(server.url(&format!("/api/v1/workspaces/{ws}/licence-policy")))
        .json(&json!({"name": "ours", "context": "distributed-firmware",
            "allow": ["GPL-3.0-only", {"category": "permissive"}],
            "deny": [{"category": "strong-copyleft"}], "review": ["LGPL-2.1-only"], "default": "review"}))
        .send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let report = get_json(
        &api,
        &server,
        &format!("/api/v1/workspaces/{ws}/versions/{vid}/licences"),
    )
    .await;
    assert_eq!(report["violations"], 0, "{report}");
    assert_eq!(report["policy_name"], "ours");
    server.stop().await;
}

#[tokio::test]
async fn bad_vex_stores_nothing_and_other_workspaces_answer_404() {
    let (server, ws, api) = setup().await;
    let pid = product(&api, &server, &ws, "Gateway").await;
    let vid = version(&api, &server, &ws, &pid, "1").await;
    upload_sbom(
        &api,
        &server,
        &ws,
        &vid,
        bom(&[("pkg:cargo/smallvec@1.6.0", "MIT")]),
    )
    .await;
    for (bytes, needle) in [
        (b"{\"statements\": [".to_vec(), "line"),
        (b"{\"hello\": 1}".to_vec(), "not OpenVEX"),
        (br#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [], "status": "maybe"}]}"#.to_vec(), "status"),
        (br#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#.to_vec(), "vulnerabilities"),
    ] {
        let r = upload_vex(&api, &server, &ws, "", bytes).await;
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert_eq!(
        get_json(&api, &server, &format!("/api/v1/workspaces/{ws}/vex")).await,
        json!([])
    );
    let r = upload_vex(&api, &server, &ws, "", openvex_smallvec()).await;
    assert_eq!(r.status(), 201);
    let doc: Value = r.json().await.unwrap();
    let doc_id = doc["id"].as_str().unwrap();

    let (_, ws_b, other) = server.user_with_workspace("b@example.com", "Other").await;
    for ws_path in [&ws, &ws_b] {
        for path in [
            format!("/api/v1/workspaces/{ws_path}/vex/{doc_id}"),
            format!("/api/v1/workspaces/{ws_path}/vex/{doc_id}/statements"),
            format!("/api/v1/workspaces/{ws_path}/versions/{vid}/findings/full"),
            format!("/api/v1/workspaces/{ws_path}/versions/{vid}/vex"),
            format!("/api/v1/workspaces/{ws_path}/versions/{vid}/licences"),
            format!(
                "/api/v1/workspaces/{ws_path}/versions/{vid}/triage?vulnerability_id=x&component=y"
            ),
        ] {
            let r = other.get(server.url(&path)).send().await.unwrap();
            assert_eq!(r.status(), 404, "{path}");
        }
    }
    for path in [
        format!("/api/v1/workspaces/{ws}/vex"),
        format!("/api/v1/workspaces/{ws}/licence-policy"),
        format!("/api/v1/workspaces/{ws}/findings/dashboard"),
    ] {
        let r = other.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let r = other
        .post(server.url(&format!("/api/v1/workspaces/{ws_b}/versions/{vid}/triage")))
        .json(&json!({"vulnerability_id": "CVE-2021-25900", "component": "pkg:cargo/smallvec", "state": "exploitable"}))
        .send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = other
        .delete(server.url(&format!("/api/v1/workspaces/{ws_b}/vex/{doc_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Every path is in the OpenAPI document.
    let spec = get_json(&api, &server, "/api/v1/openapi.json").await;
    for path in [
        "/api/v1/workspaces/{ws}/vex",
        "/api/v1/workspaces/{ws}/versions/{id}/triage",
        "/api/v1/workspaces/{ws}/licence-policy",
        "/api/v1/workspaces/{ws}/findings/dashboard",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    server.stop().await;
}

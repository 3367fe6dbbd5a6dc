//! Data flows and IoT device uses over the API, on the backend chosen by `SANSO_TEST_DATABASE_URL`.

mod common;

use common::TestServer;
use sanso_dataflow::demo::DEMO_FLOW_YAML;
use serde_json::{json, Value};

const SMALL_FLOW: &str = r#"
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

async fn post_yaml(api: &reqwest::Client, url: String, yaml: &str) -> reqwest::Response {
    api.post(url)
        .header("content-type", "application/yaml")
        .body(yaml.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn flow_from_yaml_is_analysed_reviewed_and_exported() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Retail").await;
    let base = format!("/api/v1/workspaces/{ws}");

    let r = post_yaml(&api, server.url(&format!("{base}/flows")), DEMO_FLOW_YAML).await;
    assert_eq!(r.status(), 201);
    let flow: Value = r.json().await.unwrap();
    let id = flow["id"].as_str().unwrap().to_string();
    assert_eq!(flow["name"], "POS and EC sales data");

    let analysis: Value = api
        .get(server.url(&format!("{base}/flows/{id}/analysis")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let risks = analysis["risks"].as_array().unwrap();
    for dimension in [
        "confidentiality",
        "integrity",
        "availability",
        "legal_compliance",
    ] {
        assert!(
            risks.iter().any(|r| r["dimension"] == dimension),
            "no risk under {dimension}"
        );
    }
    let gaps = analysis["gaps"].as_array().unwrap();
    assert!(
        gaps.iter().any(|e| e["to_event"] == "transfer-us"
            || e["gaps"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["to_place"] == "us-ca-sub")),
        "no cross-border gap to the US subsidiary: {gaps:?}"
    );
    assert_eq!(analysis["workflow"]["steps"].as_array().unwrap().len(), 4);
    assert!(!analysis["attributes"].as_array().unwrap().is_empty());

    // Review: reject the first suggestion; the analysis keeps the decision.
    let mut first = risks[0].clone();
    first["status"] = json!("rejected");
    first["note"] = json!("not applicable here");
    let r = api
        .put(server.url(&format!("{base}/flows/{id}/risks")))
        .json(&json!([first]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let analysis: Value = api
        .get(server.url(&format!("{base}/flows/{id}/analysis")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again = analysis["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == first["id"])
        .unwrap();
    assert_eq!(again["status"], "rejected");
    assert_eq!(again["note"], "not applicable here");
    // A register entry for an unknown event is refused.
    first["event"] = json!("nowhere");
    let r = api
        .put(server.url(&format!("{base}/flows/{id}/risks")))
        .json(&json!([first]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    let r = api
        .get(server.url(&format!("{base}/flows/{id}/flow.svg?lang=en")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.text().await.unwrap().contains("<svg"));
    let r = api
        .get(server.url(&format!("{base}/flows/{id}/flow.svg?lang=fr")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let r = api
        .get(server.url(&format!("{base}/flows/{id}/register.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    // JSON bodies work as well; an update keeps the register.
    let small: Value = serde_yaml_ng::from_str(SMALL_FLOW).unwrap();
    let r = api
        .put(server.url(&format!("{base}/flows/{id}")))
        .json(&small)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let updated: Value = r.json().await.unwrap();
    assert_eq!(updated["name"], "Member list");
    assert_eq!(updated["risks"].as_array().unwrap().len(), 1);

    let r = api
        .delete(server.url(&format!("{base}/flows/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

#[tokio::test]
async fn invalid_flows_answer_422_naming_the_fault_and_store_nothing() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Retail").await;
    let url = server.url(&format!("/api/v1/workspaces/{ws}/flows"));
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
        (
            SMALL_FLOW.replace("kind: store", "kind: hoard"),
            "events[1].kind",
            "hoard",
        ),
    ];
    for (yaml, field, word) in cases {
        let r = post_yaml(&api, url.clone(), &yaml).await;
        assert_eq!(r.status(), 422, "{field}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json"));
        let problem: Value = r.json().await.unwrap();
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["message"].as_str().unwrap().contains(word)),
            "expected {field} mentioning {word}: {problem}"
        );
    }
    let list: Vec<Value> = api
        .get(url.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.is_empty(), "an invalid flow was stored");
    assert_eq!(post_yaml(&api, url, SMALL_FLOW).await.status(), 201);
}

fn device(name: &str, use_description: &str, rating: Value) -> Value {
    json!({"name": name, "product": "hub-100", "use_description": use_description, "rating": rating})
}

#[tokio::test]
async fn devices_are_categorised_by_use_and_scoped_to_the_workspace() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Maker").await;
    let (_, other_ws, other) = server.user_with_workspace("b@example.com", "Other").await;
    let base = format!("/api/v1/workspaces/{ws}");

    let home = device(
        "Hub at home",
        "Controls lights in a family home",
        json!({"physical": {"people": "minor", "property": "minor", "environment": "none"}, "economic": "minor", "recoverability": "recoverable"}),
    );
    let factory = device(
        "Hub on the press line",
        "Runs the safety interlocks of a press line",
        json!({"physical": {"people": "critical", "property": "serious", "environment": "minor"}, "economic": "serious", "recoverability": "irreversible"}),
    );
    let mut ids = Vec::new();
    for body in [home, factory] {
        let r = api
            .post(server.url(&format!("{base}/devices")))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        ids.push(
            r.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut categories = Vec::new();
    for id in &ids {
        let c: Value = api
            .get(server.url(&format!("{base}/devices/{id}/category")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(!c["categorisation"]["reason"]["en"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(!c["phases"].as_array().unwrap().is_empty());
        categories.push(
            c["categorisation"]["category"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_ne!(
        categories[0], categories[1],
        "same product, different use, same category"
    );

    // A rating on an unknown axis is refused with its path.
    let r = api
        .post(server.url(&format!("{base}/devices")))
        .json(&device("Odd", "", json!({"taste": "sweet"})))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "rating.taste");

    let r = api
        .get(server.url(&format!("{base}/devices/chart.svg?lang=en")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Hub at home"));

    // Another workspace's ids answer 404, by either path.
    let flow = post_yaml(&api, server.url(&format!("{base}/flows")), SMALL_FLOW).await;
    let flow_id = flow.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        format!("{base}/devices/{}", ids[0]),
        format!("{base}/devices/{}/category", ids[0]),
        format!("{base}/flows/{flow_id}"),
        format!("{base}/flows/{flow_id}/analysis"),
        format!("/api/v1/workspaces/{other_ws}/devices/{}", ids[0]),
        format!("/api/v1/workspaces/{other_ws}/flows/{flow_id}/analysis"),
        format!("/api/v1/workspaces/{other_ws}/flows/{flow_id}/register.xlsx"),
    ] {
        let r = other.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let r = other
        .put(server.url(&format!(
            "/api/v1/workspaces/{other_ws}/flows/{flow_id}/risks"
        )))
        .json(&json!([]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = other
        .delete(server.url(&format!("/api/v1/workspaces/{other_ws}/devices/{}", ids[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        api.get(server.url(&format!("{base}/devices/{}", ids[0])))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn demo_loads_the_retailer_flow_and_devices() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Retail").await;
    let base = format!("/api/v1/workspaces/{ws}");
    let r = api
        .post(server.url(&format!("{base}/demo/dataflow")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let demo: Value = r.json().await.unwrap();
    assert_eq!(demo["devices"].as_array().unwrap().len(), 5);
    let id = demo["flow"]["id"].as_str().unwrap();
    let analysis: Value = api
        .get(server.url(&format!("{base}/flows/{id}/analysis")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!analysis["gaps"].as_array().unwrap().is_empty());
    let devices: Vec<Value> = api
        .get(server.url(&format!("{base}/devices")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let category = |name: &str| {
        let api = api.clone();
        let url = server.url(&format!(
            "{base}/devices/{}/category",
            devices.iter().find(|d| d["name"] == name).unwrap()["id"]
                .as_str()
                .unwrap()
        ));
        async move {
            let c: Value = api.get(url).send().await.unwrap().json().await.unwrap();
            c["categorisation"]["category"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    assert_ne!(
        category("Smart-home hub").await,
        category("Press-line controller").await
    );

    let spec: Value = api
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/api/v1/workspaces/{ws}/flows/{id}/analysis"].is_object());
    assert!(spec["paths"]["/api/v1/workspaces/{ws}/demo/dataflow"].is_object());
}

#[tokio::test]
async fn demo_loaded_twice_answers_409_and_adds_no_copy() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Retail").await;
    let base = format!("/api/v1/workspaces/{ws}");
    let url = server.url(&format!("{base}/demo/dataflow"));
    assert_eq!(api.post(&url).send().await.unwrap().status(), 201);
    let r = api.post(&url).send().await.unwrap();
    assert_eq!(r.status(), 409);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("already loaded"),
        "{problem}"
    );
    let flows: Vec<Value> = api
        .get(server.url(&format!("{base}/flows")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(flows.len(), 1);
    let devices: Vec<Value> = api
        .get(server.url(&format!("{base}/devices")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(devices.len(), 5);
}

async fn put_text(api: &reqwest::Client, url: String, text: &str) -> reqwest::Response {
    api.put(url)
        .header("content-type", "application/yaml")
        .body(text.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn workspace_places_are_editable_checked_and_used_by_flows() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Retail").await;
    let (_, other_ws, _) = server.user_with_workspace("b@example.com", "Other").await;
    let base = format!("/api/v1/workspaces/{ws}");
    let places_url = server.url(&format!("{base}/places"));

    let doc: Value = api
        .get(&places_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["is_default"], true);
    let builtin = doc["document"].as_str().unwrap().to_string();
    assert!(builtin.contains("jp-appi"));

    // Bad YAML: 422 naming the path, nothing stored.
    let bad = builtin.replacen("kind: law", "kind: treaty", 1);
    let r = put_text(&api, places_url.clone(), &bad).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    let field = problem["errors"][0]["field"].as_str().unwrap();
    assert!(field.starts_with("rule_sets[0].kind"), "{problem}");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("line"));
    let r = put_text(&api, places_url.clone(), "rule_sets: [ {id: x").await;
    assert_eq!(r.status(), 422);
    let doc: Value = api
        .get(&places_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["is_default"], true);

    // A workspace rule set of its own; a flow may adopt it, and another workspace does not see it.
    // Append the set inside `rule_sets` by putting it first.
    let own = builtin.replacen(
        "rule_sets:\n",
        "rule_sets:\n  - id: our-dpa\n    name: { ja: 当社DPA, en: Our DPA }\n    kind: contract\n    disclaimer: { ja: 社内用, en: internal }\n    rules: []\n",
        1,
    );
    let r = put_text(&api, places_url.clone(), &own).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let flow = SMALL_FLOW.replace("adopts: [jp-appi]", "adopts: [jp-appi, our-dpa]");
    let r = post_yaml(&api, server.url(&format!("{base}/flows")), &flow).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = post_yaml(
        &api,
        server.url(&format!("/api/v1/workspaces/{other_ws}/flows")),
        &flow,
    )
    .await;
    assert_eq!(r.status(), 404);

    // Removing a rule set a stored flow adopts is refused, naming the flow.
    let r = put_text(&api, places_url.clone(), &builtin).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "flows[Member list]");
    let r = api.delete(&places_url).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let doc: Value = api
        .get(&places_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["is_default"], false);
}

#[tokio::test]
async fn workspace_iot_scheme_is_editable_and_recategorises_devices() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Maker").await;
    let base = format!("/api/v1/workspaces/{ws}");
    let scheme_url = server.url(&format!("{base}/iot-scheme"));
    let builtin = api
        .get(&scheme_url)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["document"]
        .as_str()
        .unwrap()
        .to_string();

    // A scheme naming an unknown chart axis: 422 naming the path.
    let bad = builtin.replace(
        "chart: { x: physical, y: economic }",
        "chart: { x: physical, y: money }",
    );
    let r = put_text(&api, scheme_url.clone(), &bad).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert!(
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"].as_str().unwrap().starts_with("chart")),
        "{problem}"
    );

    let r = api
        .post(server.url(&format!("{base}/devices")))
        .json(&device(
            "Hub at home",
            "family home",
            json!({"physical": {"people": "minor", "property": "minor", "environment": "none"}, "economic": "minor", "recoverability": "recoverable"}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let category = || async {
        api.get(server.url(&format!("{base}/devices/{id}/category")))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["categorisation"]["category"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let before = category().await;

    // The workspace's own scheme: one catch-all category; the device now lands in it.
    let own = r#"
id: ours
name: { ja: 当社区分, en: Our categories }
disclaimer: { ja: 社内用, en: internal }
axes:
  - id: physical
    name: { ja: 物理, en: Physical }
    targets:
      - { id: people, name: { ja: 人, en: People } }
      - { id: property, name: { ja: 財産, en: Property } }
      - { id: environment, name: { ja: 環境, en: Environment } }
    levels:
      - { id: none, name: { ja: なし, en: None } }
      - { id: minor, name: { ja: 軽微, en: Minor } }
      - { id: serious, name: { ja: 重大, en: Serious } }
      - { id: critical, name: { ja: 致命的, en: Critical } }
  - id: economic
    name: { ja: 経済, en: Economic }
    levels:
      - { id: none, name: { ja: なし, en: None } }
      - { id: minor, name: { ja: 軽微, en: Minor } }
      - { id: serious, name: { ja: 重大, en: Serious } }
      - { id: critical, name: { ja: 致命的, en: Critical } }
  - id: recoverability
    name: { ja: 回復, en: Recovery }
    levels:
      - { id: recoverable, name: { ja: 可能, en: Recoverable } }
      - { id: hard_to_recover, name: { ja: 困難, en: Hard } }
      - { id: irreversible, name: { ja: 不能, en: Irreversible } }
chart: { x: physical, y: economic }
phases:
  - { id: design, name: { ja: 設計, en: Design } }
categories:
  - id: only
    name: { ja: 単一区分, en: The only category }
    when: [ {} ]
    viewpoints:
      - id: only.design
        phase: design
        text: { ja: 設計を見直す, en: Review the design }
        requirements: [CPS.AC-1]
"#;
    let r = put_text(&api, scheme_url.clone(), own).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(category().await, "only");
    assert_ne!(before, "only");

    // Back to the built-in scheme.
    let r = api.delete(&scheme_url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(category().await, before);
}

#[tokio::test]
async fn device_colouring_follows_checkboxes_and_assessments_of_its_node() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Maker").await;
    let base = format!("/api/v1/workspaces/{ws}");
    let r = api
        .post(server.url(&format!("{base}/nodes")))
        .json(&json!({"kind": "component", "name": "Hub"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let node = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut body = device(
        "Hub at home",
        "family home",
        json!({"physical": {"people": "minor", "property": "minor", "environment": "none"}, "economic": "minor", "recoverability": "recoverable"}),
    );
    body["node_id"] = json!(node);
    body["met"] = json!({"CPS.AC-1": true});
    let r = api
        .post(server.url(&format!("{base}/devices")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let category = || async {
        api.get(server.url(&format!("{base}/devices/{id}/category")))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let chart = || async {
        api.get(server.url(&format!("{base}/devices/chart.svg")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let c = category().await;
    let ids: Vec<String> = serde_json::from_value(c["requirement_ids"].clone()).unwrap();
    assert!(
        ids.contains(&"CPS.AC-1".to_string()) && ids.contains(&"CPS.IP-1".to_string()),
        "{ids:?}"
    );
    let share_checkbox = c["share_met"].as_f64().unwrap();
    assert!(share_checkbox > 0.0);
    let ac1 = |c: &Value| {
        c["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["requirement_id"] == "CPS.AC-1")
            .unwrap()
            .clone()
    };
    assert_eq!(ac1(&c)["source"]["kind"], "checkbox");
    let chart_checkbox = chart().await;

    // An assessment of the device's node answers: CPS.IP-1 implemented (met although no
    // checkbox), CPS.AC-1 not implemented (overrides the ticked checkbox).
    let r = api
        .post(server.url(&format!("{base}/assessments")))
        .json(&json!({"catalog_id": "cpsf", "catalog_version": "1.0", "title": "Hub check", "target_node_id": node}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let assessment = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = api
        .put(server.url(&format!("{base}/assessments/{assessment}/answers")))
        .json(&json!({"answers": [
            {"requirement_id": "CPS.IP-1", "status": "implemented"},
            {"requirement_id": "CPS.AC-1", "status": "not_implemented"}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let c = category().await;
    assert_eq!(ac1(&c)["met"], false);
    assert_eq!(ac1(&c)["source"]["kind"], "assessment");
    let ip1 = c["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["requirement_id"] == "CPS.IP-1")
        .unwrap()
        .clone();
    assert_eq!(ip1["met"], true);
    // One met swapped for another: the share is unchanged, but now a third is met too.
    let r = api
        .put(server.url(&format!("{base}/assessments/{assessment}/answers")))
        .json(&json!({"answers": [
            {"requirement_id": "CPS.IP-1", "status": "implemented"},
            {"requirement_id": "CPS.AC-1", "status": "implemented"}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let c = category().await;
    assert!(c["share_met"].as_f64().unwrap() > share_checkbox, "{c}");
    assert_ne!(
        chart().await,
        chart_checkbox,
        "the chart colour follows the share met"
    );
}

/// Signs in through the login form; returns the cookie-keeping client and a CSRF token.
async fn web_login(server: &TestServer, email: &str) -> (reqwest::Client, String) {
    let web = common::browser_client();
    let page = web
        .get(server.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = common::csrf_of(&page);
    let r = web
        .post(server.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("password", "a long password"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    (web, csrf)
}

#[tokio::test]
async fn device_pages_rate_categorise_and_tick_met_requirements() {
    let server = TestServer::start().await;
    let (_, ws, _) = server.user_with_workspace("a@example.com", "Maker").await;
    let (web, csrf) = web_login(&server, "a@example.com").await;
    let page = web
        .get(server.url(&format!("/w/{ws}/devices")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("id=\"no-devices\"") && page.contains("id=\"new-device\""));

    let r = web
        .post(server.url(&format!("/w/{ws}/devices")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Hub at home"),
            ("product", "hub-100"),
            ("use_description", "family home"),
            ("node_id", ""),
            ("rating.physical.people", "minor"),
            ("rating.physical.property", "minor"),
            ("rating.physical.environment", "none"),
            ("rating.economic", "minor"),
            ("rating.recoverability", "recoverable"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let id = to.rsplit('/').next().unwrap().to_string();
    let page = web
        .get(server.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"category-reason\""), "{page}");
    assert!(
        page.contains("data-req=\"CPS.AC-1\" data-met=\"false\""),
        "{page}"
    );

    // Tick one requirement: saved, shown, and counted.
    let met_form = |tick: bool| {
        let mut f = vec![
            ("_csrf", csrf.clone()),
            ("met_form", "1".to_string()),
            ("name", "Hub at home".to_string()),
            ("product", "hub-100".to_string()),
            ("use_description", "family home".to_string()),
            ("node_id", String::new()),
            ("rating.physical.people", "minor".to_string()),
            ("rating.physical.property", "minor".to_string()),
            ("rating.physical.environment", "none".to_string()),
            ("rating.economic", "minor".to_string()),
            ("rating.recoverability", "recoverable".to_string()),
        ];
        if tick {
            f.push(("met.CPS.AC-1", "1".to_string()));
        }
        f
    };
    let r = web
        .post(server.url(&to))
        .form(&met_form(true))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = web
        .get(server.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("data-req=\"CPS.AC-1\" data-met=\"true\""),
        "{page}"
    );
    assert_eq!(
        server
            .store
            .get_iot_device(&ws, &id)
            .await
            .unwrap()
            .met
            .get("CPS.AC-1"),
        Some(&true)
    );
    // Clearing the box (a browser then sends nothing for it) clears it.
    let r = web
        .post(server.url(&to))
        .form(&met_form(false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        server
            .store
            .get_iot_device(&ws, &id)
            .await
            .unwrap()
            .met
            .get("CPS.AC-1"),
        Some(&false)
    );

    // A rating at the top of the physical axis lands in a higher category.
    let mut severe = met_form(false);
    severe.retain(|(k, _)| *k != "met_form");
    for (k, v) in severe.iter_mut() {
        if *k == "rating.physical.people" {
            *v = "critical".into();
        }
    }
    let category_of = |page: &str| {
        page.split("id=\"category-name\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string()
    };
    let mild = category_of(
        &web.get(server.url(&to))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let before = server.store.get_iot_device(&ws, &id).await.unwrap();
    let r = web
        .post(server.url(&to))
        .form(&severe)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = web
        .get(server.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let after = server.store.get_iot_device(&ws, &id).await.unwrap();
    assert_ne!(before.rating, after.rating);
    assert_ne!(
        category_of(&page),
        mild,
        "the same device rated more severely changes category"
    );
    assert!(
        page.contains("data-phase=\"disposal\""),
        "a severe device inherits disposal viewpoints: {page}"
    );
    let list = web
        .get(server.url(&format!("/w/{ws}/devices")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("id=\"severity-chart\"") && list.contains("Hub at home"));

    // The scheme editor shows faults with their path and stores nothing.
    let r = web
        .post(server.url(&format!("/w/{ws}/devices/scheme")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("document", "id: x\nname: 3\naxes: nope\n"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"rules-errors\""), "{page}");
    assert!(
        server
            .store
            .rules_document(&ws, sanso_store::dataflow_rules::RulesKind::IotScheme)
            .await
            .unwrap()
            .is_default
    );
}

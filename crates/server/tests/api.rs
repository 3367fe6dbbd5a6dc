//! The REST API and UI over a real server: isolation, CSRF, problem+json errors, atomicity.

mod common;

use common::{browser_client, csrf_of, TestServer};
use serde_json::{json, Value};

async fn node(
    client: &reqwest::Client,
    server: &TestServer,
    ws: &str,
    body: Value,
) -> reqwest::Response {
    client
        .post(server.url(&format!("/api/v1/workspaces/{ws}/nodes")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn model_crud_through_the_api() {
    let server = TestServer::start().await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Buyer").await;
    let r = node(
        &api,
        &server,
        &ws,
        json!({"kind": "organization", "name": "Buyer", "category": "buyer"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let buyer: Value = r.json().await.unwrap();
    let r = node(
        &api,
        &server,
        &ws,
        json!({"kind": "component", "name": "PLC", "critical": true}),
    )
    .await;
    let plc: Value = r.json().await.unwrap();
    let r = api
        .post(server.url(&format!("/api/v1/workspaces/{ws}/connections")))
        .json(&json!({"source_id": buyer["id"], "target_id": plc["id"], "layer": "L2", "kind": "operates"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let conn: Value = r.json().await.unwrap();
    let r = api
        .put(server.url(&format!(
            "/api/v1/workspaces/{ws}/nodes/{}",
            plc["id"].as_str().unwrap()
        )))
        .json(&json!({"kind": "component", "name": "Line PLC", "exposed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let nodes: Vec<Value> = api
        .get(server.url(&format!("/api/v1/workspaces/{ws}/nodes")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(nodes.len(), 2);
    assert!(nodes
        .iter()
        .any(|n| n["name"] == "Line PLC" && n["exposed"] == true));
    let svg = api
        .get(server.url(&format!("/api/v1/workspaces/{ws}/diagram.svg")))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let svg = svg.text().await.unwrap();
    assert!(svg.contains("Line PLC") && svg.contains(conn["id"].as_str().unwrap()));
    // Deleting a node deletes its connections.
    let r = api
        .delete(server.url(&format!(
            "/api/v1/workspaces/{ws}/nodes/{}",
            buyer["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let conns: Vec<Value> = api
        .get(server.url(&format!("/api/v1/workspaces/{ws}/connections")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(conns.is_empty());
    let audit: Vec<Value> = api
        .get(server.url(&format!("/api/v1/workspaces/{ws}/audit")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.starts_with(&["node.delete", "connection.delete", "node.update"]),
        "{actions:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn another_workspaces_ids_answer_404_through_api_and_ui() {
    let server = TestServer::start().await;
    let (_, ws_a, api_a) = server.user_with_workspace("a@example.com", "Buyer").await;
    let (_, ws_b, api_b) = server
        .user_with_workspace("b@example.com", "Supplier")
        .await;
    let secret: Value = node(
        &api_b,
        &server,
        &ws_b,
        json!({"kind": "data", "name": "B's secret"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let secret_id = secret["id"].as_str().unwrap();
    for path in [
        format!("/api/v1/workspaces/{ws_b}"),
        format!("/api/v1/workspaces/{ws_b}/nodes"),
        format!("/api/v1/workspaces/{ws_b}/nodes/{secret_id}"),
        format!("/api/v1/workspaces/{ws_a}/nodes/{secret_id}"),
        format!("/api/v1/workspaces/{ws_b}/model"),
        format!("/api/v1/workspaces/{ws_b}/diagram.svg"),
        format!("/api/v1/workspaces/{ws_b}/audit"),
    ] {
        let r = api_a.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let body = r.text().await.unwrap();
        assert!(!body.contains("secret"), "{path} leaked: {body}");
    }
    let r = api_a
        .delete(server.url(&format!("/api/v1/workspaces/{ws_a}/nodes/{secret_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = api_a
        .put(server.url(&format!("/api/v1/workspaces/{ws_b}/nodes/{secret_id}")))
        .json(&json!({"kind": "data", "name": "overwritten"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        server.store.get_node(&ws_b, secret_id).await.unwrap().name,
        "B's secret"
    );

    // The same through the UI, signed in as A.
    let web = browser_client();
    let page = web
        .get(server.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = web
        .post(server.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "a@example.com"),
            ("password", "a long password"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    for path in [
        format!("/w/{ws_b}"),
        format!("/w/{ws_b}/model"),
        format!("/w/{ws_b}/nodes/{secret_id}"),
        format!("/w/{ws_a}/nodes/{secret_id}"),
        format!("/w/{ws_b}/diagram.svg"),
    ] {
        let r = web.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert!(!r.text().await.unwrap().contains("B's secret"), "{path}");
    }
    let r = web
        .post(server.url(&format!("/w/{ws_a}/nodes/{secret_id}/delete")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    server.stop().await;
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let server = TestServer::start().await;
    let (_, ws, _) = server.user_with_workspace("a@example.com", "Buyer").await;
    let web = browser_client();
    let page = web
        .get(server.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    // Sign-in itself needs the token.
    let r = web
        .post(server.url("/login"))
        .form(&[("email", "a@example.com"), ("password", "a long password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = web
        .post(server.url("/login"))
        .form(&[
            ("_csrf", "forged-forged-forged-forged-forged-forged"),
            ("email", "a@example.com"),
            ("password", "a long password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = web
        .post(server.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "a@example.com"),
            ("password", "a long password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // Signed in: a form post without the token changes nothing.
    let r = web
        .post(server.url(&format!("/w/{ws}/nodes")))
        .form(&[("kind", "data"), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body = r.text().await.unwrap();
    assert!(body.contains("CSRF"), "{body}");
    // The API with the session cookie needs the header.
    let r = web
        .post(server.url(&format!("/api/v1/workspaces/{ws}/nodes")))
        .json(&json!({"kind": "data", "name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(server.store.list_nodes(&ws).await.unwrap().len(), 0);
    let r = web
        .post(server.url(&format!("/w/{ws}/nodes")))
        .form(&[("_csrf", csrf.as_str()), ("kind", "data"), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = web
        .post(server.url(&format!("/api/v1/workspaces/{ws}/nodes")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"kind": "data", "name": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(server.store.list_nodes(&ws).await.unwrap().len(), 2);
    server.stop().await;
}

async fn problem(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    r.json().await.unwrap()
}

#[tokio::test]
async fn bad_input_gets_a_problem_naming_the_fault_and_stores_nothing() {
    let server = TestServer::start_with(|c| c.body_limit = 64 * 1024).await;
    let (_, ws, api) = server.user_with_workspace("a@example.com", "Buyer").await;
    let nodes_url = server.url(&format!("/api/v1/workspaces/{ws}/nodes"));
    let send = |body: &'static str| {
        api.post(&nodes_url)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let p = problem(send("{\"kind\": \"data\", \"name\": ").await.unwrap(), 400).await;
    assert!(
        p["detail"].as_str().unwrap().contains("line 1 column"),
        "{p}"
    );
    let p = problem(
        send("{\"kind\": \"data\", \"name\": 5}").await.unwrap(),
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "name", "{p}");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("invalid type"),
        "{p}"
    );
    let p = problem(
        send("{\"kind\": \"robot\", \"name\": \"x\"}")
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "kind", "{p}");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown variant `robot`"),
        "{p}"
    );
    let p = problem(
        send("{\"kind\": \"data\", \"name\": \"x\", \"critical\": \"yes\"}")
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "critical", "{p}");
    let p = problem(
        send("{\"kind\": \"data\", \"name\": \"  \"}")
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "name", "{p}");
    let p = problem(
        api.post(&nodes_url).body("kind=data").send().await.unwrap(),
        415,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "Content-Type");
    let huge = format!(
        "{{\"kind\":\"data\",\"name\":\"x\",\"description\":\"{}\"}}",
        "a".repeat(100 * 1024)
    );
    let p = problem(
        api.post(&nodes_url)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap(),
        413,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("65536"), "{p}");
    let r = api
        .post(server.url(&format!("/api/v1/workspaces/{ws}/connections")))
        .json(&json!({"source_id": "nope", "target_id": "nada", "layer": "L4", "kind": "supplies"}))
        .send()
        .await
        .unwrap();
    let p = problem(r, 422).await;
    assert_eq!(p["errors"][0]["field"], "layer", "{p}");

    // A model document with faults in two rows is refused whole, each fault named.
    let doc = "format: sanso.value-chain/v1\nnodes:\n  - {key: a, kind: organization, name: A}\n  - {key: b, kind: system, name: B}\nconnections:\n  - {from: a, to: b, layer: L1, kind: operates}\n  - {from: a, to: zz, layer: L3, kind: uses}\n";
    let r = api
        .put(server.url(&format!("/api/v1/workspaces/{ws}/model")))
        .header("content-type", "application/yaml")
        .body(doc)
        .send()
        .await
        .unwrap();
    let p = problem(r, 422).await;
    assert_eq!(p["errors"][0]["field"], "connections[1].to", "{p}");
    let r = api
        .put(server.url(&format!("/api/v1/workspaces/{ws}/model")))
        .header("content-type", "application/yaml")
        .body(doc.replace("kind: uses", "kind: teleports"))
        .send()
        .await
        .unwrap();
    let p = problem(r, 422).await;
    assert_eq!(p["errors"][0]["field"], "connections[1].kind", "{p}");
    assert!(server.store.list_nodes(&ws).await.unwrap().is_empty());
    assert!(server.store.list_connections(&ws).await.unwrap().is_empty());
    let r = api
        .put(server.url(&format!("/api/v1/workspaces/{ws}/model")))
        .body(doc.replace("to: zz", "to: b"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let summary: Value = r.json().await.unwrap();
    assert_eq!(summary["nodes_created"], 2);
    assert_eq!(summary["connections_created"], 2);
    server.stop().await;
}

#[tokio::test]
async fn viewers_read_but_do_not_write_and_unauthenticated_calls_get_401() {
    let server = TestServer::start().await;
    let (_, ws, admin) = server.user_with_workspace("a@example.com", "Buyer").await;
    let (viewer_id, _, viewer) = server.user_with_workspace("v@example.com", "Own").await;
    server
        .store
        .set_member_role(
            &sanso_store::Actor::cli(),
            &ws,
            &viewer_id,
            sanso_core::access::Role::Viewer,
        )
        .await
        .unwrap();
    node(
        &admin,
        &server,
        &ws,
        json!({"kind": "data", "name": "Orders"}),
    )
    .await;
    let list: Vec<Value> = viewer
        .get(server.url(&format!("/api/v1/workspaces/{ws}/nodes")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let p = problem(
        node(&viewer, &server, &ws, json!({"kind": "data", "name": "x"})).await,
        403,
    )
    .await;
    assert_eq!(p["type"], "urn:sanso:problem:forbidden");
    let anon = reqwest::Client::new();
    problem(
        anon.get(server.url(&format!("/api/v1/workspaces/{ws}/nodes")))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    problem(
        anon.get(server.url("/api/v1/me"))
            .bearer_auth("sanso_wrong")
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    server.stop().await;
}

#[tokio::test]
async fn openapi_health_and_readiness_are_served() {
    let server = TestServer::start().await;
    let doc: Value = reqwest::get(server.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/workspaces/{ws}/nodes",
        "/api/v1/workspaces/{ws}/model",
        "/api/v1/workspaces/{ws}/audit",
    ] {
        assert!(doc["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }
    assert!(doc["components"]["schemas"].get("Problem").is_some());
    assert_eq!(
        reqwest::get(server.url("/healthz")).await.unwrap().status(),
        200
    );
    let ready = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let missing = reqwest::get(server.url("/api/v1/nothing-here"))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );
    server.stop().await;
}

#[tokio::test]
async fn invitation_link_creates_an_account_in_the_workspace() {
    let server = TestServer::start().await;
    let (_, ws, admin) = server.user_with_workspace("a@example.com", "Buyer").await;
    let r = admin
        .post(server.url(&format!("/api/v1/workspaces/{ws}/invitations")))
        .json(&json!({"email": "supplier@example.com", "role": "assessor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let link = r.json::<Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let web = browser_client();
    let page = web.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Buyer"));
    let csrf = csrf_of(&page);
    let r = web
        .post(&link)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("display_name", "Supplier Person"),
            ("password", "supplier password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let members = server.store.list_members(&ws).await.unwrap();
    assert!(
        members
            .iter()
            .any(|m| m.email == "supplier@example.com"
                && m.role == sanso_core::access::Role::Assessor)
    );
    // The link works once.
    let again = web.get(&link).send().await.unwrap();
    assert_eq!(again.status(), 404);
    server.stop().await;
}

//! Supply-chain weak links through the API, on a small chain built through the model API, with
//! expectations computed by hand from the library's documented formulas:
//! `L(path) = entry × Π(1 − protection) × Π propagation`, default propagations accesses 0.9,
//! hosts 0.7, operates 0.7, transfers_data 0.4, supplies 0.3.
//!
//! Chain: supplier S1 (protection 0.2) accesses the buyer's system M (0.5); supplier S2 (0.5)
//! transfers data to M; the buyer operates M; M hosts the critical data set D (0.1); both
//! suppliers supply the buyer (protection 0). S3 is an unconnected supplier whose protection
//! comes from trust inputs (the trust module's worked example).

mod common;

use common::TestServer;
use serde_json::{json, Value};

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

struct Chain {
    ws: String,
    buyer: String,
    s1: String,
    s2: String,
    s3: String,
    m: String,
    d: String,
    s1_m: String,
    s2_buyer: String,
}

async fn post(api: &reqwest::Client, server: &TestServer, path: &str, body: Value) -> Value {
    let r = api.post(server.url(path)).json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

async fn get(api: &reqwest::Client, server: &TestServer, path: &str) -> (u16, Value) {
    let r = api.get(server.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn build_chain(api: &reqwest::Client, server: &TestServer, ws: &str) -> Chain {
    let nodes = format!("/api/v1/workspaces/{ws}/nodes");
    let mut ids = Vec::new();
    for body in [
        json!({"kind": "organization", "name": "Buyer", "category": "buyer"}),
        json!({"kind": "organization", "name": "S1", "attributes": {"protection": 0.2}}),
        json!({"kind": "organization", "name": "S2", "attributes": {"protection": 0.5}}),
        json!({"kind": "organization", "name": "S3", "attributes": {"trust": {
            "level": "star3", "assessor": "self", "coverage": 0.9, "evidence_share": 0.5,
            "age_days": 500, "open_gaps": [{"requirement": "CPS.AM-1", "weight": 0.6}]}}}),
        json!({"kind": "system", "name": "M", "attributes": {"protection": 0.5}}),
        json!({"kind": "data", "name": "D", "critical": true, "attributes": {"protection": 0.1}}),
    ] {
        let n = post(api, server, &nodes, body).await;
        ids.push(n["id"].as_str().unwrap().to_string());
    }
    let [buyer, s1, s2, s3, m, d] = <[String; 6]>::try_from(ids).unwrap();
    let conns = format!("/api/v1/workspaces/{ws}/connections");
    let mut conn_ids = Vec::new();
    for (from, to, layer, kind, attrs) in [
        (&s1, &m, "L3", "accesses", json!({})),
        (&s2, &m, "L3", "transfers_data", json!({})),
        (&buyer, &m, "L1", "operates", json!({})),
        (&m, &d, "L3", "other", json!({"edge_kind": "hosts"})),
        (&s1, &buyer, "L1", "supplies", json!({})),
        (&s2, &buyer, "L1", "supplies", json!({})),
    ] {
        let c = post(
            api,
            server,
            &conns,
            json!({"source_id": from, "target_id": to, "layer": layer, "kind": kind, "attributes": attrs}),
        )
        .await;
        conn_ids.push(c["id"].as_str().unwrap().to_string());
    }
    Chain {
        ws: ws.to_string(),
        s1_m: conn_ids[0].clone(),
        s2_buyer: conn_ids[5].clone(),
        buyer,
        s1,
        s2,
        s3,
        m,
        d,
    }
}

fn names(path: &Value) -> Vec<&str> {
    path["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn weak_links_of_a_small_chain_match_hand_computed_values() {
    let server = TestServer::start().await;
    let (_, ws, api) = server
        .user_with_workspace("buyer@example.com", "Buyer")
        .await;
    let c = build_chain(&api, &server, &ws).await;
    let base = format!("/api/v1/workspaces/{}/supply", c.ws);

    // Exposure of D: best path S1→M→D = 0.8 × 0.9 × 0.5 × 0.7 × 0.9 = 0.2268; then
    // S2→M→D = 0.5 × 0.4 × 0.5 × 0.7 × 0.9 = 0.063; S1→Buyer→M→D = 0.8 × 0.3 × 1 × 0.7 × 0.5 × 0.7 × 0.9 = 0.05292.
    let (status, exp) = get(&api, &server, &format!("{base}/exposure")).await;
    assert_eq!(status, 200, "{exp}");
    let assets = exp["assets"].as_array().unwrap();
    assert_eq!(assets.len(), 1);
    let a = &assets[0];
    assert_eq!(a["asset"]["id"], c.d.as_str());
    assert!(close(&a["exposure"], 0.2268), "{a}");
    assert!(close(&exp["total"], 0.2268));
    let paths = a["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 3);
    assert_eq!(names(&paths[0]), ["S1", "M", "D"]);
    assert!(close(&paths[0]["likelihood"], 0.2268));
    assert_eq!(paths[0]["connections"][0], c.s1_m.as_str());
    assert_eq!(names(&paths[1]), ["S2", "M", "D"]);
    assert!(close(&paths[1]["likelihood"], 0.063));
    assert_eq!(names(&paths[2]), ["S1", "Buyer", "M", "D"]);
    assert!(close(&paths[2]["likelihood"], 0.05292));
    let combined = 1.0 - (1.0 - 0.2268) * (1.0 - 0.063) * (1.0 - 0.05292);
    assert!(close(&a["combined"], combined));

    // Overall: exactly four simple paths reach D; the fourth is S2→Buyer→M→D = 0.033075.
    let (status, top) = get(&api, &server, &format!("{base}/paths?limit=10")).await;
    assert_eq!(status, 200);
    let top = top.as_array().unwrap();
    assert_eq!(top.len(), 4);
    assert!(close(&top[3]["likelihood"], 0.033075));
    assert_eq!(names(&top[3]), ["S2", "Buyer", "M", "D"]);
    let (_, top1) = get(&api, &server, &format!("{base}/paths?limit=1")).await;
    assert_eq!(top1.as_array().unwrap().len(), 1);

    // Criticality: S1 to ★4 protection 0.95 × 0.85 = 0.8075 makes S1→M→D 0.0545737…, below
    // S2→M→D, so D falls to 0.063: drop 0.1638. Strengthening S2 or S3 changes nothing.
    let (status, crit) = get(&api, &server, &format!("{base}/criticality?top=20")).await;
    assert_eq!(status, 200, "{crit}");
    assert!(close(&crit["target_protection"], 0.8075));
    let ranked = crit["ranked"].as_array().unwrap();
    assert_eq!(ranked.len(), 1, "{crit}");
    assert_eq!(ranked[0]["node"]["id"], c.s1.as_str());
    assert!(close(&ranked[0]["drop"], 0.1638));
    assert!(close(&ranked[0]["drop_share"], 0.1638 / 0.2268));

    // What-if, by stored ids.
    let what_if = |changes: Value| {
        let api = api.clone();
        let url = server.url(&format!("{base}/what-if"));
        async move {
            let r = api
                .post(url)
                .json(&json!({ "changes": changes }))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s, r) = what_if(json!([{"type": "reaches_star4", "node": c.s1}])).await;
    assert_eq!(s, 200, "{r}");
    assert!(close(&r["total_before"], 0.2268));
    assert!(close(&r["total_after"], 0.063));
    assert!(close(&r["assets"][0]["delta"], -0.1638));
    assert_eq!(names(&r["assets"][0]["best_path_after"]), ["S2", "M", "D"]);
    let (_, r) =
        what_if(json!([{"type": "set_protection", "node": c.s1, "protection": 0.5}])).await;
    assert!(close(&r["total_after"], 0.5 * 0.9 * 0.5 * 0.7 * 0.9));
    let (_, r) = what_if(json!([{"type": "remove_connection", "connection": c.s1_m}])).await;
    assert!(close(&r["total_after"], 0.063));
    let (_, r) = what_if(json!([{"type": "remove_node", "node": c.m}])).await;
    assert!(close(&r["total_after"], 0.0));
    assert!(r["assets"][0]["best_path_after"].is_null());
    let (s, r) =
        what_if(json!([{"type": "set_protection", "node": c.s1, "protection": 1.5}])).await;
    assert_eq!(s, 422, "{r}");
    assert_eq!(r["errors"][0]["field"], "changes[0].protection");
    let (s, _) = what_if(json!([{"type": "reaches_star4", "node": c.d}])).await;
    assert_eq!(s, 422);

    // Impact: compromise of S1 spreads over accesses and supplies; an outage does not travel
    // over accesses, so it reaches M only through the buyer.
    let (s, imp) = get(
        &api,
        &server,
        &format!("{base}/impact?node={}&mode=compromised", c.s1),
    )
    .await;
    assert_eq!(s, 200, "{imp}");
    let hops: Vec<(String, u64)> = imp["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["node"]["name"].as_str().unwrap().to_string(),
                a["hops"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = hops.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [("Buyer".into(), 1), ("D".into(), 2), ("M".into(), 1)]
    );
    let (_, imp) = get(
        &api,
        &server,
        &format!("{base}/impact?node={}&mode=stopped", c.s1),
    )
    .await;
    let hops: Vec<(&str, u64)> = imp["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["node"]["name"].as_str().unwrap(),
                a["hops"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(hops, [("Buyer", 1), ("M", 2), ("D", 3)]);
    let (s, _) = get(
        &api,
        &server,
        &format!("{base}/impact?node={}&mode=gone", c.s1),
    )
    .await;
    assert_eq!(s, 422);

    // Tiers, and S3's protection from trust inputs: 43.0664 → 0.95 × 0.430664.
    let (s, tiers) = get(&api, &server, &format!("{base}/tiers")).await;
    assert_eq!(s, 200, "{tiers}");
    assert_eq!(tiers["depth"], 1);
    let orgs = tiers["organisations"].as_array().unwrap();
    let find = |id: &str| orgs.iter().find(|o| o["node"]["id"] == id).unwrap().clone();
    assert_eq!(find(&c.buyer)["tier"], 0);
    assert_eq!(find(&c.buyer)["buyer"], true);
    assert_eq!(find(&c.s1)["tier"], 1);
    assert_eq!(find(&c.s2)["tier"], 1);
    assert!(find(&c.s3)["tier"].is_null());
    let p3 = find(&c.s3)["protection"].as_f64().unwrap();
    assert!((p3 - 0.95 * 0.430664).abs() < 1e-6, "{p3}");

    // ★ level: S1 can reach M, which the buyer operates → Q3 suggested yes → ★4.
    let (s, star) = get(
        &api,
        &server,
        &format!("{base}/star-request?supplier={}", c.s1),
    )
    .await;
    assert_eq!(s, 200, "{star}");
    assert_eq!(star["level"], 4);
    assert_eq!(star["reaches_internal_systems"], true);
    assert_eq!(star["answer_sources"][2], "suggested");
    // All three answered no in the query, but S2 is on a most likely attack path → still ★4.
    let (_, star) = get(
        &api,
        &server,
        &format!(
            "{base}/star-request?supplier={}&q1=false&q2=false&q3=false",
            c.s2
        ),
    )
    .await;
    assert_eq!(star["level"], 4, "{star}");
    assert_eq!(star["answer_sources"][0], "query");
    assert!(star["reasons"][0].as_str().unwrap().contains("attack path"));
    // S3 is on no path; answers stored on the node say no → ★3.
    api.put(server.url(&format!("/api/v1/workspaces/{ws}/nodes/{}", c.s3)))
        .json(&json!({"kind": "organization", "name": "S3", "attributes": {"protection": 0.3,
            "star_questions": {"handles_confidential_data": false, "outage_stops_us": false, "reaches_internal_systems": false}}}))
        .send()
        .await
        .unwrap();
    let (_, star) = get(
        &api,
        &server,
        &format!("{base}/star-request?supplier={}", c.s3),
    )
    .await;
    assert_eq!(star["level"], 3, "{star}");
    assert_eq!(star["answer_sources"][1], "node");
    // S2's answers stored on its relationship with the buyer (the supplies connection) win
    // over the node's; S2 lies on a top path anyway, so Q1 yes gives the Q1 reason first.
    let s2_buyer = &c.s2_buyer;
    api.put(server.url(&format!("/api/v1/workspaces/{ws}/connections/{s2_buyer}")))
        .json(
            &json!({"source_id": c.s2, "target_id": c.buyer, "layer": "L1", "kind": "supplies",
            "attributes": {"star_questions": {"handles_confidential_data": true}}}),
        )
        .send()
        .await
        .unwrap();
    let (_, star) = get(
        &api,
        &server,
        &format!("{base}/star-request?supplier={}", c.s2),
    )
    .await;
    assert_eq!(star["level"], 4, "{star}");
    assert_eq!(star["handles_confidential_data"], true);
    assert_eq!(star["answer_sources"][0], "connection");
    assert!(star["reasons"][0].as_str().unwrap().starts_with("Q1 yes"));
    let (s, _) = get(
        &api,
        &server,
        &format!("{base}/star-request?supplier={}", c.d),
    )
    .await;
    assert_eq!(s, 422);

    // Diagram.
    let r = api
        .get(server.url(&format!("{base}/weak-links.svg")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let svg = r.text().await.unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{svg}");
    assert!(svg.contains("S1") && svg.contains("Buyer"));

    // The OpenAPI document lists the endpoints.
    let (_, doc) = get(&api, &server, "/api/v1/openapi.json").await;
    for path in [
        "exposure",
        "paths",
        "criticality",
        "what-if",
        "impact",
        "tiers",
        "star-request",
        "weak-links.svg",
    ] {
        assert!(
            doc["paths"]
                .get(format!("/api/v1/workspaces/{{ws}}/supply/{path}"))
                .is_some(),
            "{path}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn bad_attributes_and_supplier_cycles_answer_422_naming_the_fault() {
    let server = TestServer::start().await;
    let (_, ws, api) = server
        .user_with_workspace("buyer@example.com", "Buyer")
        .await;
    let c = build_chain(&api, &server, &ws).await;
    let base = format!("/api/v1/workspaces/{ws}/supply");
    let node_url = server.url(&format!("/api/v1/workspaces/{ws}/nodes/{}", c.s2));

    let r = api
        .put(node_url.clone())
        .json(&json!({"kind": "organization", "name": "S2", "attributes": {"protection": 1.7}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, p) = get(&api, &server, &format!("{base}/exposure")).await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(
        p["errors"][0]["field"],
        format!("nodes[{}].attributes.protection", c.s2)
    );
    assert!(p["detail"].as_str().unwrap().contains("\"S2\""), "{p}");

    api.put(node_url.clone())
        .json(&json!({"kind": "organization", "name": "S2", "attributes": {"trust": {"level": "star9"}}}))
        .send()
        .await
        .unwrap();
    let (s, p) = get(&api, &server, &format!("{base}/tiers")).await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(
        p["errors"][0]["field"],
        format!("nodes[{}].attributes.trust.level", c.s2)
    );
    assert!(p["detail"].as_str().unwrap().contains("star9"));

    api.put(node_url)
        .json(&json!({"kind": "organization", "name": "S2", "attributes": {"trust": {"level": "star4", "assessor": "third_party", "coverage": 1, "evidence_share": 1}}}))
        .send()
        .await
        .unwrap();
    let (s, _) = get(&api, &server, &format!("{base}/tiers")).await;
    assert_eq!(s, 200);

    // S2 supplies S1 and S1 supplies S2: a supplier cycle.
    for (from, to) in [(&c.s2, &c.s1), (&c.s1, &c.s2)] {
        post(
            &api,
            &server,
            &format!("/api/v1/workspaces/{ws}/connections"),
            json!({"source_id": from, "target_id": to, "layer": "L1", "kind": "supplies"}),
        )
        .await;
    }
    let (s, p) = get(&api, &server, &format!("{base}/tiers")).await;
    assert_eq!(s, 422, "{p}");
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.contains("supplier cycle"), "{detail}");
    assert!(detail.contains(&c.s1) && detail.contains(&c.s2), "{detail}");
    let (s, _) = get(&api, &server, &format!("{base}/weak-links.svg")).await;
    assert_eq!(s, 422);
    server.stop().await;
}

#[tokio::test]
async fn another_workspaces_chain_and_ids_answer_404() {
    let server = TestServer::start().await;
    let (_, ws_a, api_a) = server.user_with_workspace("a@example.com", "A").await;
    let (_, ws_b, api_b) = server.user_with_workspace("b@example.com", "B").await;
    let a = build_chain(&api_a, &server, &ws_a).await;
    let b = build_chain(&api_b, &server, &ws_b).await;

    for path in [
        "exposure",
        "paths",
        "criticality",
        "tiers",
        "weak-links.svg",
    ] {
        let r = api_b
            .get(server.url(&format!("/api/v1/workspaces/{ws_a}/supply/{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let base_b = format!("/api/v1/workspaces/{ws_b}/supply");
    let (s, _) = get(&api_b, &server, &format!("{base_b}/impact?node={}", a.s1)).await;
    assert_eq!(s, 404);
    let (s, _) = get(
        &api_b,
        &server,
        &format!("{base_b}/star-request?supplier={}", a.s1),
    )
    .await;
    assert_eq!(s, 404);
    for change in [
        json!({"type": "reaches_star4", "node": a.s1}),
        json!({"type": "remove_node", "node": a.m}),
        json!({"type": "remove_connection", "connection": a.s1_m}),
    ] {
        let r = api_b
            .post(server.url(&format!("{base_b}/what-if")))
            .json(&json!({ "changes": [change] }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{change}");
    }
    // Their own ids still work.
    let (s, _) = get(&api_b, &server, &format!("{base_b}/impact?node={}", b.s1)).await;
    assert_eq!(s, 200);
    let r = api_b
        .post(server.url(&format!("{base_b}/what-if")))
        .json(&json!({"changes": [{"type": "remove_connection", "connection": b.s1_m}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.stop().await;
}

#[tokio::test]
async fn a_viewer_reads_every_analysis_and_what_if_changes_nothing() {
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
    let c = build_chain(&admin, &server, &ws).await;
    let base = format!("/api/v1/workspaces/{ws}/supply");
    for path in [
        "exposure".to_string(),
        "paths".into(),
        "criticality".into(),
        "tiers".into(),
        "weak-links.svg".into(),
        format!("impact?node={}", c.s2),
        format!("star-request?supplier={}", c.s2),
    ] {
        let r = viewer
            .get(server.url(&format!("{base}/{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let r = viewer
        .post(server.url(&format!("{base}/what-if")))
        .json(&json!({"changes": [{"type": "remove_node", "node": c.m}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Nothing was stored: M and its connections are still there.
    let (s, _) = get(
        &admin,
        &server,
        &format!("/api/v1/workspaces/{ws}/nodes/{}", c.m),
    )
    .await;
    assert_eq!(s, 200);
    let (_, exp) = get(&admin, &server, &format!("{base}/exposure")).await;
    assert!(close(&exp["total"], 0.2268));
    server.stop().await;
}

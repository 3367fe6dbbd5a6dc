//! Supplier requests, consented shares and trust through the API, end to end, on either database
//! (`SANSO_TEST_DATABASE_URL` for PostgreSQL): a buyer invites two suppliers; one answers through
//! the API (as the web UI does), one by XLSX; one shares its existing assessment with a second
//! buyer and gets mapping-inferred answers for another framework; board, trust and weak links
//! follow; revoking removes access at once. Then isolation and bad input.

mod common;

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use calamine::{Reader, Xlsx};
use common::{browser_client, csrf_of, sign_in, TestServer};
use sanso_catalog::{Answer, AnswerStatus, CriterionResult};
use serde_json::{json, Value};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct Api<'a> {
    server: &'a TestServer,
    client: reqwest::Client,
}

impl Api<'_> {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .client
            .request(method, self.server.url(&format!("/api/v1{path}")));
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }
    async fn ok(&self, path: &str) -> Value {
        let (s, v) = self.get(path).await;
        assert_eq!(s, 200, "GET {path}: {v}");
        v
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
    async fn put_bytes(&self, path: &str, bytes: Vec<u8>) -> (u16, Value) {
        let r = self
            .client
            .put(self.server.url(&format!("/api/v1{path}")))
            .header("content-type", XLSX)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
    async fn bytes(&self, path: &str) -> Vec<u8> {
        let r = self
            .client
            .get(self.server.url(&format!("/api/v1{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "GET {path}");
        r.bytes().await.unwrap().to_vec()
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

async fn client_for(server: &TestServer, user_id: &str) -> reqwest::Client {
    let (_, token) = server
        .store
        .create_api_token(&sanso_store::Actor::cli(), user_id, "test")
        .await
        .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

/// Every ★3 requirement implemented with all criteria met; the first with evidence.
fn star3_answers() -> Vec<Answer> {
    let star = sanso_catalog::builtin_catalogs()
        .into_iter()
        .find(|c| c.id == "meti-star-draft")
        .unwrap();
    star.requirements_at_level("star3")
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let mut a = Answer::new(&r.id, AnswerStatus::Implemented);
            a.criteria = r
                .criteria
                .iter()
                .map(|c| CriterionResult {
                    criterion_id: c.id.clone(),
                    met: true,
                })
                .collect();
            if i % 2 == 0 {
                a.evidence = vec![format!("policy-{i}.pdf")];
            }
            a
        })
        .collect()
}

// ---- filling a workbook as a spreadsheet program would ----

fn rows_by_id(bytes: &[u8]) -> HashMap<String, u32> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = workbook.worksheet_range("Requirements").expect("sheet");
    range
        .rows()
        .enumerate()
        .filter_map(|(i, row)| Some((row.first()?.to_string(), i as u32 + 1)))
        .collect()
}

fn put_cell(xml: &str, reference: &str, value: &str) -> String {
    let open = format!("<c r=\"{reference}\"");
    let start = xml.find(&open).expect("cell present");
    let head_end = start + xml[start..].find('>').expect("tag end");
    let empty = xml.as_bytes()[head_end - 1] == b'/';
    let end = if empty {
        head_end + 1
    } else {
        head_end + xml[head_end..].find("</c>").expect("cell end") + "</c>".len()
    };
    let attrs = &xml[start + open.len()..if empty { head_end - 1 } else { head_end }];
    let style = attrs
        .split_whitespace()
        .find(|a| a.starts_with("s="))
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    format!(
        "{}<c r=\"{reference}\"{style} t=\"inlineStr\"><is><t>{value}</t></is></c>{}",
        &xml[..start],
        &xml[end..]
    )
}

fn fill(bytes: &[u8], cells: &[(String, &str)]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read");
        if name == "xl/worksheets/sheet2.xml" {
            let mut xml = String::from_utf8(content).expect("utf-8");
            for (cell, value) in cells {
                xml = put_cell(&xml, cell, value);
            }
            content = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

struct World {
    buyer_node: String,
    alpha: Value,
    beta: Value,
    alpha_ws: String,
    beta_ws: String,
    alpha_user: String,
}

/// Buyer with a small chain; two suppliers invited; Alpha creates its account and workspace by
/// accepting, Beta already has both and accepts signed in.
async fn world(server: &TestServer, buyer: &Api<'_>, buyer_ws: &str) -> World {
    let nodes = format!("/workspaces/{buyer_ws}/nodes");
    let (_, b) = buyer
        .post(
            &nodes,
            json!({"kind": "organization", "name": "Buyer", "category": "buyer"}),
        )
        .await;
    let (_, m) = buyer
        .post(
            &nodes,
            json!({"kind": "system", "name": "MES", "attributes": {"protection": 0.5}}),
        )
        .await;
    let (_, d) = buyer
        .post(&nodes, json!({"kind": "data", "name": "Designs", "critical": true, "attributes": {"protection": 0.1}}))
        .await;
    let conns = format!("/workspaces/{buyer_ws}/connections");
    for (from, to, kind, attrs) in [
        (&b, &m, "operates", json!({})),
        (&m, &d, "other", json!({"edge_kind": "hosts"})),
    ] {
        let (s, v) = buyer
            .post(&conns, json!({"source_id": id(from), "target_id": id(to), "layer": "L3", "kind": kind, "attributes": attrs}))
            .await;
        assert_eq!(s, 201, "{v}");
    }
    let links = format!("/workspaces/{buyer_ws}/supplier-links");
    let (s, alpha) = buyer
        .post(&links, json!({"name": "Alpha Parts", "contact_email": "alpha@supplier.example",
            "facts": {"supplies": "machined parts", "remote_access": true, "tolerable_outage_hours": 48}}))
        .await;
    assert_eq!(s, 201, "{alpha}");
    let (s, beta) = buyer
        .post(
            &links,
            json!({"name": "Beta Soft", "contact_email": "beta@supplier.example",
            "facts": {"supplies": "MES software", "buyer_data": "production plans"}}),
        )
        .await;
    assert_eq!(s, 201, "{beta}");
    assert!(alpha["invitation_url"]
        .as_str()
        .unwrap()
        .contains("/supplier-invitation/"));
    // The suppliers are in the model and supply the buyer (tier 1).
    let tiers = buyer
        .ok(&format!("/workspaces/{buyer_ws}/supply/tiers"))
        .await;
    let alpha_node = alpha["link"]["node_id"].as_str().unwrap();
    let tier = tiers["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["node"]["id"] == alpha_node)
        .unwrap();
    assert_eq!(tier["tier"], 1);
    // Alpha's access into the buyer's MES.
    let (s, _) = buyer
        .post(&conns, json!({"source_id": alpha_node, "target_id": id(&m), "layer": "L3", "kind": "accesses"}))
        .await;
    assert_eq!(s, 201);

    // Alpha has no account: accepting creates the account and a workspace.
    let anonymous = Api {
        server,
        client: reqwest::Client::new(),
    };
    let secret = alpha["invitation_secret"].as_str().unwrap();
    let (s, joined) = anonymous
        .post(
            &format!("/supplier-invitations/{secret}/accept"),
            json!({"display_name": "Alpha Admin", "password": "alpha long password"}),
        )
        .await;
    assert_eq!(s, 200, "{joined}");
    assert_eq!(joined["workspace_created"], true);
    assert_eq!(joined["workspace"]["name"], "Alpha Parts");
    // The link is one-time.
    let (s, _) = anonymous
        .post(
            &format!("/supplier-invitations/{secret}/accept"),
            json!({"display_name": "Alpha Admin", "password": "alpha long password"}),
        )
        .await;
    assert_eq!(s, 404);
    let alpha_ws = joined["workspace"]["id"].as_str().unwrap().to_string();
    let alpha_user = joined["user"]["id"].as_str().unwrap().to_string();

    // Beta has an account and a workspace: it accepts signed in, keeping its workspace.
    let (beta_user, beta_ws, beta_client) = server
        .user_with_workspace("beta@supplier.example", "Beta Soft KK")
        .await;
    let _ = beta_user;
    let beta_api = Api {
        server,
        client: beta_client,
    };
    let secret = beta["invitation_secret"].as_str().unwrap();
    let (s, joined) = beta_api
        .post(&format!("/supplier-invitations/{secret}/accept"), json!({}))
        .await;
    assert_eq!(s, 200, "{joined}");
    assert_eq!(joined["workspace_created"], false);
    assert_eq!(joined["workspace"]["id"], beta_ws.as_str());
    World {
        buyer_node: id(&b),
        alpha: alpha["link"].clone(),
        beta: beta["link"].clone(),
        alpha_ws,
        beta_ws,
        alpha_user,
    }
}

fn supplier<'a>(list: &'a Value, link_id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == link_id)
        .expect("supplier listed")
}

#[tokio::test]
async fn buyers_ask_suppliers_answer_share_and_revoke() {
    let server = TestServer::start().await;
    let (_, buyer_ws, buyer_client) = server
        .user_with_workspace("lead@buyer.example", "Buyer Manufacturing")
        .await;
    let buyer = Api {
        server: &server,
        client: buyer_client,
    };
    let w = world(&server, &buyer, &buyer_ws).await;
    let alpha = Api {
        server: &server,
        client: client_for(&server, &w.alpha_user).await,
    };
    let beta_user = server
        .store
        .find_user_by_email("beta@supplier.example")
        .await
        .unwrap()
        .unwrap();
    let beta = Api {
        server: &server,
        client: client_for(&server, &beta_user.id).await,
    };
    let alpha_link = id(&w.alpha);
    let beta_link = id(&w.beta);

    // ★ level to request follows the three questions: Alpha reaches our systems → ★4; Beta → ★3.
    let list = buyer
        .ok(&format!("/workspaces/{buyer_ws}/supplier-links"))
        .await;
    assert_eq!(supplier(&list, &alpha_link)["star"]["level"], 4);
    assert_eq!(supplier(&list, &beta_link)["star"]["level"], 3);
    let untrusted = supplier(&list, &alpha_link)["trust"]["score"]
        .as_f64()
        .unwrap();
    assert!(
        (untrusted - 2.72).abs() < 1e-9,
        "nothing known: 10 × 0.85 (self) × 0.4 × 0.8 = {untrusted}"
    );

    // Requests: Alpha ★3 (due later), Beta ★3 overdue; one more kept unsent.
    let reqs = format!("/workspaces/{buyer_ws}/supply-requests");
    let (s, ra) = buyer
        .post(
            &reqs,
            json!({"link_id": alpha_link, "catalog_id": "meti-star-draft", "level": "star3",
            "due_date": "2999-12-31", "message": "★3 の自己評価をお願いします"}),
        )
        .await;
    assert_eq!(s, 201, "{ra}");
    let (s, rb) = buyer
        .post(
            &reqs,
            json!({"link_id": beta_link, "catalog_id": "meti-star-draft", "level": "star3",
            "due_date": "2000-01-31"}),
        )
        .await;
    assert_eq!(s, 201, "{rb}");
    let (s, draft) = buyer
        .post(&reqs, json!({"link_id": beta_link, "catalog_id": "cpsf", "due_date": "2999-01-01", "send": false}))
        .await;
    assert_eq!(s, 201, "{draft}");
    let board = buyer.ok(&reqs).await;
    assert_eq!(board["counts"]["in_progress"], 2);
    assert_eq!(board["counts"]["not_sent"], 1);
    assert_eq!(board["overdue"], 1);
    // The unsent one is invisible to the supplier; sending it makes it appear.
    let incoming = beta
        .ok(&format!("/workspaces/{}/incoming-requests", w.beta_ws))
        .await;
    assert_eq!(incoming.as_array().unwrap().len(), 1);
    let (s, _) = buyer
        .get(&format!(
            "/workspaces/{}/incoming-requests/{}",
            w.beta_ws,
            id(&draft)
        ))
        .await;
    assert_eq!(s, 404, "the buyer is no member of the supplier's workspace");
    let (s, _) = beta
        .get(&format!(
            "/workspaces/{}/incoming-requests/{}",
            w.beta_ws,
            id(&draft)
        ))
        .await;
    assert_eq!(s, 404);
    let (s, sent) = buyer
        .post(&format!("{reqs}/{}/send", id(&draft)), json!({}))
        .await;
    assert_eq!((s, sent["state"].as_str()), (200, Some("in_progress")));
    let incoming = beta
        .ok(&format!("/workspaces/{}/incoming-requests", w.beta_ws))
        .await;
    assert_eq!(incoming.as_array().unwrap().len(), 2);
    // Reminders are events.
    let (s, reminded) = buyer
        .post(
            &format!("{reqs}/{}/remind", id(&rb)),
            json!({"comment": "期限を過ぎています"}),
        )
        .await;
    assert_eq!(s, 200);
    assert!(reminded["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "reminder"));
    let seen = beta
        .ok(&format!(
            "/workspaces/{}/incoming-requests/{}",
            w.beta_ws,
            id(&rb)
        ))
        .await;
    assert_eq!(seen["buyer_name"], "Buyer Manufacturing");
    assert_eq!(seen["overdue"], true);
    assert!(seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["comment"] == "期限を過ぎています"));

    // Alpha answers through the API (the web UI's path): start, answer, share with consent.
    let inc = format!("/workspaces/{}/incoming-requests/{}", w.alpha_ws, id(&ra));
    let (s, started) = alpha.post(&format!("{inc}/start"), json!({})).await;
    assert_eq!(s, 200, "{started}");
    assert_eq!(started["from"], "new");
    let alpha_assessment = started["assessment_id"].as_str().unwrap().to_string();
    let (s, v) = alpha
        .put(
            &format!(
                "/workspaces/{}/assessments/{alpha_assessment}/answers",
                w.alpha_ws
            ),
            json!({"answers": star3_answers()}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = alpha
        .post(&format!("{inc}/share"), json!({"consent": false}))
        .await;
    assert_eq!(s, 422, "consent is explicit: {v}");
    assert!(v["errors"][0]["field"] == "consent");
    let (s, alpha_share) = alpha
        .post(&format!("{inc}/share"), json!({"consent": true}))
        .await;
    assert_eq!(s, 201, "{alpha_share}");
    let alpha_share_id = id(&alpha_share);

    // Beta answers by XLSX; a workbook of another framework is refused, nothing stored.
    let inc_b = format!("/workspaces/{}/incoming-requests/{}", w.beta_ws, id(&rb));
    let (s, v) = beta
        .put_bytes(&format!("{inc_b}/questionnaire.xlsx"), vec![1, 2, 3])
        .await;
    assert_eq!(s, 409, "not started yet: {v}");
    let (s, started) = beta.post(&format!("{inc_b}/start"), json!({})).await;
    assert_eq!(s, 200, "{started}");
    let beta_assessment = started["assessment_id"].as_str().unwrap().to_string();
    let (s, other) = beta
        .post(
            &format!("/workspaces/{}/assessments", w.beta_ws),
            json!({"catalog_id": "sme-self-check", "catalog_version": "1", "title": "SME check"}),
        )
        .await;
    assert_eq!(s, 201, "{other}");
    let wrong = beta
        .bytes(&format!(
            "/workspaces/{}/assessments/{}/questionnaire.xlsx",
            w.beta_ws,
            id(&other)
        ))
        .await;
    let (s, v) = beta
        .put_bytes(&format!("{inc_b}/questionnaire.xlsx"), wrong)
        .await;
    assert_eq!(s, 422, "{v}");
    let msg = v["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("another framework") && msg.contains("meti-star-draft"),
        "{msg}"
    );
    let stored = beta
        .ok(&format!(
            "/workspaces/{}/assessments/{beta_assessment}",
            w.beta_ws
        ))
        .await;
    assert!(stored["answers"].as_array().unwrap().is_empty());
    let workbook = beta
        .bytes(&format!(
            "/workspaces/{}/assessments/{beta_assessment}/questionnaire.xlsx",
            w.beta_ws
        ))
        .await;
    let rows = rows_by_id(&workbook);
    let star = sanso_catalog::builtin_catalogs()
        .into_iter()
        .find(|c| c.id == "meti-star-draft")
        .unwrap();
    let star3 = star.requirements_at_level("star3");
    let cells: Vec<(String, &str)> = star3
        .iter()
        .take(5)
        .map(|r| (format!("F{}", rows[&r.id]), "実施している"))
        .collect();
    let (s, v) = beta
        .put_bytes(
            &format!("{inc_b}/questionnaire.xlsx"),
            fill(&workbook, &cells),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let stored = beta
        .ok(&format!(
            "/workspaces/{}/assessments/{beta_assessment}",
            w.beta_ws
        ))
        .await;
    assert_eq!(stored["answers"].as_array().unwrap().len(), 5);
    let (s, beta_share) = beta
        .post(
            &format!("{inc_b}/share"),
            json!({"consent": true, "third_party_evaluated": true, "evaluator": "Audit KK"}),
        )
        .await;
    assert_eq!(s, 201, "{beta_share}");

    // The buyer's board and review: accept Alpha, return Beta with a comment.
    let board = buyer.ok(&reqs).await;
    assert_eq!(board["counts"]["submitted"], 2);
    let snap = buyer
        .ok(&format!("/workspaces/{buyer_ws}/shares/{alpha_share_id}"))
        .await;
    assert_eq!(snap["snapshot"]["supplier_name"], "Alpha Parts");
    assert!(snap["snapshot"]["levels_attained"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l == "star3"));
    let (s, v) = buyer
        .post(&format!("{reqs}/{}/return", id(&rb)), json!({}))
        .await;
    assert_eq!(s, 422, "a return needs a comment: {v}");
    let (s, v) = buyer
        .post(
            &format!("{reqs}/{}/return", id(&rb)),
            json!({"comment": "証跡を添付してください"}),
        )
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("returned")));
    let seen = beta.ok(&inc_b).await;
    assert_eq!(seen["state"], "returned");
    assert!(seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "returned" && e["comment"] == "証跡を添付してください"));
    let (s, v) = buyer
        .post(&format!("{reqs}/{}/accept", id(&ra)), json!({}))
        .await;
    assert_eq!((s, v["state"].as_str()), (200, Some("accepted")), "{v}");
    let (s, _) = buyer
        .post(&format!("{reqs}/{}/accept", id(&ra)), json!({}))
        .await;
    assert_eq!(s, 409, "accepted once");

    // Trust of Alpha from its accepted ★3: base 60, self ×1, coverage ×1, evidence, no gaps.
    let trust = buyer
        .ok(&format!(
            "/workspaces/{buyer_ws}/supplier-links/{alpha_link}/trust"
        ))
        .await;
    let n = star3.len() as f64;
    let with_evidence = star3.len().div_ceil(2) as f64;
    let expected = 60.0 * (0.8 + 0.2 * with_evidence / n);
    assert!(
        (trust["score"].as_f64().unwrap() - expected).abs() < 1e-9,
        "{trust}"
    );
    assert_eq!(trust["share_id"], alpha_share_id.as_str());
    let keys: Vec<&str> = trust["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["level", "assessor", "coverage", "evidence", "age", "gaps"]
    );
    // …and it is Alpha's protection in the weak-links analytics.
    let tiers = buyer
        .ok(&format!("/workspaces/{buyer_ws}/supply/tiers"))
        .await;
    let alpha_node = w.alpha["node_id"].as_str().unwrap();
    let org = |t: &Value, node: &str| -> f64 {
        t["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["node"]["id"] == node)
            .unwrap()["protection"]
            .as_f64()
            .unwrap()
    };
    assert!((org(&tiers, alpha_node) - 0.95 * expected / 100.0).abs() < 1e-9);
    let exposure = buyer
        .ok(&format!("/workspaces/{buyer_ws}/supply/exposure"))
        .await;
    let protected_total = exposure["total"].as_f64().unwrap();

    // A second buyer asks Alpha for the same framework and level: answered from the existing
    // assessment; and for CPSF: answers inferred through mappings.
    let (_, buyer2_ws, buyer2_client) = server
        .user_with_workspace("cso@other-buyer.example", "Other Buyer")
        .await;
    let buyer2 = Api {
        server: &server,
        client: buyer2_client,
    };
    let (s, l2) = buyer2
        .post(
            &format!("/workspaces/{buyer2_ws}/supplier-links"),
            json!({"name": "Alpha (for Other Buyer)", "contact_email": "alpha@supplier.example"}),
        )
        .await;
    assert_eq!(s, 201, "{l2}");
    let (s, joined) = alpha
        .post(
            &format!(
                "/supplier-invitations/{}/accept",
                l2["invitation_secret"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{joined}");
    assert_eq!(joined["workspace"]["id"], w.alpha_ws.as_str());
    let reqs2 = format!("/workspaces/{buyer2_ws}/supply-requests");
    let (_, r2) = buyer2
        .post(&reqs2, json!({"link_id": id(&l2["link"]), "catalog_id": "meti-star-draft", "level": "star3", "due_date": "2999-01-01"}))
        .await;
    let (_, r3) = buyer2
        .post(
            &reqs2,
            json!({"link_id": id(&l2["link"]), "catalog_id": "cpsf", "due_date": "2999-01-01"}),
        )
        .await;
    let (s, st) = alpha
        .post(
            &format!(
                "/workspaces/{}/incoming-requests/{}/start",
                w.alpha_ws,
                id(&r2)
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(st["from"], "existing");
    assert_eq!(st["assessment_id"], alpha_assessment.as_str());
    let (s, share2) = alpha
        .post(
            &format!(
                "/workspaces/{}/incoming-requests/{}/share",
                w.alpha_ws,
                id(&r2)
            ),
            json!({"consent": true}),
        )
        .await;
    assert_eq!(s, 201, "{share2}");
    let seen2 = buyer2
        .ok(&format!("/workspaces/{buyer2_ws}/shares/{}", id(&share2)))
        .await;
    assert_eq!(
        seen2["snapshot"]["answers"].as_array().unwrap().len(),
        star3.len()
    );
    let (s, st) = alpha
        .post(
            &format!(
                "/workspaces/{}/incoming-requests/{}/start",
                w.alpha_ws,
                id(&r3)
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(st["from"], "inferred", "{st}");
    assert!(st["inferred_answers"].as_u64().unwrap() > 0);
    let inferred = alpha
        .ok(&format!(
            "/workspaces/{}/assessments/{}",
            w.alpha_ws,
            st["assessment_id"].as_str().unwrap()
        ))
        .await;
    assert!(inferred["answers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["comment"].as_str().unwrap().starts_with("inferred:")));
    let seen3 = buyer2.ok(&format!("{reqs2}/{}", id(&r3))).await;
    assert_eq!(seen3["inferred"], true);

    // One buyer cannot read the other's share, not even by its id.
    let (s, _) = buyer2
        .get(&format!("/workspaces/{buyer2_ws}/shares/{alpha_share_id}"))
        .await;
    assert_eq!(s, 404);

    // Revoking removes access at once; trust and weak links fall back.
    let (s, v) = alpha
        .post(
            &format!(
                "/workspaces/{}/shares-given/{alpha_share_id}/revoke",
                w.alpha_ws
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = buyer
        .get(&format!("/workspaces/{buyer_ws}/shares/{alpha_share_id}"))
        .await;
    assert_eq!(s, 404);
    let trust = buyer
        .ok(&format!(
            "/workspaces/{buyer_ws}/supplier-links/{alpha_link}/trust"
        ))
        .await;
    assert!((trust["score"].as_f64().unwrap() - 2.72).abs() < 1e-9);
    let tiers = buyer
        .ok(&format!("/workspaces/{buyer_ws}/supply/tiers"))
        .await;
    assert_eq!(org(&tiers, alpha_node), 0.0);
    let exposure = buyer
        .ok(&format!("/workspaces/{buyer_ws}/supply/exposure"))
        .await;
    assert!(exposure["total"].as_f64().unwrap() > protected_total);
    let board = buyer.ok(&reqs).await;
    assert_eq!(board["counts"]["accepted"], 0);
    // The second buyer's share is untouched.
    buyer2
        .ok(&format!("/workspaces/{buyer2_ws}/shares/{}", id(&share2)))
        .await;
    // Both sides' audit logs record the grant and the revocation.
    for ws in [&buyer_ws, &w.alpha_ws] {
        let entries = server.store.list_audit(ws, None, 500).await.unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions
                .iter()
                .any(|a| a.starts_with("share.grant") || a.starts_with("share.receive")),
            "{actions:?}"
        );
        assert!(
            actions.iter().any(|a| a.starts_with("share.revoke")),
            "{actions:?}"
        );
    }

    // ---- isolation ----
    // The supplier cannot read the buyer's other data, or another supplier's, by any id.
    for path in [
        format!("/workspaces/{buyer_ws}/nodes"),
        format!("/workspaces/{buyer_ws}/supply-requests"),
        format!("/workspaces/{buyer_ws}/supply-requests/{}", id(&rb)),
        format!("/workspaces/{buyer_ws}/supplier-links/{beta_link}"),
        format!("/workspaces/{buyer_ws}/shares/{}", id(&beta_share)),
        format!("/workspaces/{}/supply-requests/{}", w.alpha_ws, id(&ra)),
        format!("/workspaces/{}/shares/{}", w.alpha_ws, id(&beta_share)),
        format!("/workspaces/{}/incoming-requests/{}", w.alpha_ws, id(&rb)),
        format!("/workspaces/{}/incoming-requests/{}", w.beta_ws, id(&rb)),
        format!("/workspaces/{}/assessments/{beta_assessment}", w.alpha_ws),
        format!("/workspaces/{}/assessments/{beta_assessment}", w.beta_ws),
    ] {
        let (s, _) = alpha.get(&path).await;
        assert_eq!(s, 404, "{path}");
    }
    let (s, _) = alpha
        .post(
            &format!(
                "/workspaces/{}/shares-given/{}/revoke",
                w.alpha_ws,
                id(&beta_share)
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 404, "another supplier's share");
    // The buyer cannot read the supplier's assessments (shared or not) — only the snapshot.
    for path in [
        format!("/workspaces/{}/assessments/{alpha_assessment}", w.alpha_ws),
        format!("/workspaces/{buyer_ws}/assessments/{alpha_assessment}"),
        format!("/workspaces/{}/assessments/{}", w.beta_ws, id(&other)),
        format!("/workspaces/{}/incoming-requests", w.alpha_ws),
        format!("/workspaces/{}/shares-given", w.alpha_ws),
    ] {
        let (s, _) = buyer.get(&path).await;
        assert_eq!(s, 404, "{path}");
    }
    let _ = w.buyer_node;
    server.stop().await;
}

#[tokio::test]
async fn cycles_deleted_suppliers_and_bad_requests_are_refused_whole() {
    let server = TestServer::start().await;
    let (_, ws, client) = server
        .user_with_workspace("lead@buyer.example", "Buyer")
        .await;
    let buyer = Api {
        server: &server,
        client,
    };
    let w = world(&server, &buyer, &ws).await;
    let links = format!("/workspaces/{ws}/supplier-links");
    let alpha_node = w.alpha["node_id"].as_str().unwrap().to_string();
    // Gamma supplies Alpha (tier 2).
    let (s, gamma) = buyer
        .post(&links, json!({"name": "Gamma Castings", "contact_email": "g@gamma.example", "supplies_to": alpha_node}))
        .await;
    assert_eq!(s, 201, "{gamma}");
    // Someone signed in under another address cannot take over Gamma's invitation.
    let (s, v) = buyer
        .post(
            &format!(
                "/supplier-invitations/{}/accept",
                gamma["invitation_secret"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(s, 409, "{v}");
    let tiers = buyer.ok(&format!("/workspaces/{ws}/supply/tiers")).await;
    let gamma_node = gamma["link"]["node_id"].as_str().unwrap().to_string();
    assert!(tiers["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["node"]["id"] == gamma_node.as_str() && o["tier"] == 2));
    let count = |v: &Value| v.as_array().unwrap().len();
    let nodes_before = count(&buyer.ok(&format!("/workspaces/{ws}/nodes")).await);
    let conns_before = count(&buyer.ok(&format!("/workspaces/{ws}/connections")).await);
    // Gamma → Alpha → Buyer already: making the buyer a supplier of Gamma closes a cycle.
    let (s, v) = buyer
        .post(&links, json!({"name": "Alpha again", "contact_email": "a2@alpha.example", "node_id": w.buyer_node, "supplies_to": gamma_node}))
        .await;
    assert_eq!(s, 422, "{v}");
    let msg = v["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("supplier cycle")
            && msg.contains("Gamma Castings")
            && msg.contains("Alpha Parts"),
        "{msg}"
    );
    assert_eq!(v["errors"][0]["field"], "supplies_to");
    assert_eq!(
        count(&buyer.ok(&format!("/workspaces/{ws}/nodes")).await),
        nodes_before
    );
    assert_eq!(
        count(&buyer.ok(&format!("/workspaces/{ws}/connections")).await),
        conns_before
    );
    assert_eq!(count(&buyer.ok(&links).await), 3);

    // Bad fields are all reported at once.
    let (s, v) = buyer
        .post(
            &links,
            json!({"name": " ", "contact_email": "nope", "facts": {"tolerable_outage_hours": -3}}),
        )
        .await;
    assert_eq!(s, 422);
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["name", "contact_email", "facts.tolerable_outage_hours"]
    );

    // A request to a supplier deleted from the model is refused, naming it; nothing stored.
    let (s, _) = buyer
        .send(
            reqwest::Method::DELETE,
            &format!("/workspaces/{ws}/nodes/{gamma_node}"),
            None,
        )
        .await;
    assert!(s == 204 || s == 200, "{s}");
    let reqs = format!("/workspaces/{ws}/supply-requests");
    let (s, v) = buyer
        .post(&reqs, json!({"link_id": id(&gamma["link"]), "catalog_id": "meti-star-draft", "level": "star3", "due_date": "2999-01-01"}))
        .await;
    assert_eq!(s, 422, "{v}");
    let msg = v["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("Gamma Castings") && msg.contains("deleted"),
        "{msg}"
    );
    // Unknown catalog, level and date, all at once.
    let (s, v) = buyer
        .post(&reqs, json!({"link_id": id(&w.alpha), "catalog_id": "meti-star-draft", "level": "star9", "due_date": "31/12/2026"}))
        .await;
    assert_eq!(s, 422);
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["level", "due_date"]);
    let (s, _) = buyer
        .post(&reqs, json!({"link_id": "0190f0f0-0000-7000-8000-000000000000", "catalog_id": "cpsf", "due_date": "2999-01-01"}))
        .await;
    assert_eq!(s, 404, "a guessed link id");
    assert_eq!(
        buyer.ok(&reqs).await["requests"].as_array().unwrap().len(),
        0
    );
    // Unknown steps and bad invitation secrets are 404.
    let (s, _) = buyer.post(&format!("{reqs}/x/approve"), json!({})).await;
    assert_eq!(s, 404);
    let anonymous = Api {
        server: &server,
        client: reqwest::Client::new(),
    };
    let (s, _) = anonymous
        .post(
            "/supplier-invitations/not-a-secret/accept",
            json!({"display_name": "X", "password": "a long password"}),
        )
        .await;
    assert_eq!(s, 404);
    server.stop().await;
}

async fn page(web: &reqwest::Client, server: &TestServer, path: &str) -> (u16, String) {
    let r = web.get(server.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn form(
    web: &reqwest::Client,
    server: &TestServer,
    from: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (_, html) = page(web, server, from).await;
    let csrf = csrf_of(&html);
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = web.post(server.url(path)).form(&all).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_supplier_joins_and_answers_in_the_web_ui_and_sees_nothing_else() {
    let server = TestServer::start().await;
    let (_, buyer_ws, client) = server
        .user_with_workspace("lead@buyer.example", "Buyer Manufacturing")
        .await;
    let buyer = Api {
        server: &server,
        client,
    };
    let w = world(&server, &buyer, &buyer_ws).await;
    let reqs = format!("/workspaces/{buyer_ws}/supply-requests");
    let (_, ra) = buyer
        .post(&reqs, json!({"link_id": id(&w.alpha), "catalog_id": "meti-star-draft", "level": "star3", "due_date": "2999-01-01"}))
        .await;
    let (_, rb) = buyer
        .post(&reqs, json!({"link_id": id(&w.beta), "catalog_id": "meti-star-draft", "level": "star3", "due_date": "2999-01-01"}))
        .await;

    // A new supplier joins through the invitation page: account, workspace and session at once.
    let (_, gamma) = buyer
        .post(
            &format!("/workspaces/{buyer_ws}/supplier-links"),
            json!({"name": "Gamma Castings", "contact_email": "g@gamma.example"}),
        )
        .await;
    let invite = format!(
        "/supplier-invitation/{}",
        gamma["invitation_secret"].as_str().unwrap()
    );
    let web = browser_client();
    let (s, html) = page(&web, &server, &invite).await;
    assert_eq!(s, 200);
    assert!(html.contains("Buyer Manufacturing") && html.contains("Gamma Castings"));
    let (s, _) = form(
        &web,
        &server,
        &invite,
        &invite,
        &[
            ("display_name", "Gamma Admin"),
            ("password", "gamma long password"),
            ("workspace_name", "ガンマ鋳造"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let gamma_ws = server
        .store
        .get_supplier_link(&buyer_ws, &id(&gamma["link"]))
        .await
        .unwrap()
        .supplier_workspace_id
        .unwrap();
    let (s, html) = page(&web, &server, &format!("/w/{gamma_ws}/suppliers")).await;
    assert_eq!(s, 200, "signed in to the new workspace");
    assert!(html.contains("ガンマ鋳造"));

    // Alpha answers in the UI, in Japanese.
    let web = sign_in(&server, "alpha@supplier.example", "alpha long password").await;
    web.get(server.url("/lang/ja")).send().await.unwrap();
    let home = format!("/w/{}/suppliers", w.alpha_ws);
    let (s, html) = page(&web, &server, &home).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("取引先からの依頼") && html.contains("Buyer Manufacturing"),
        "Japanese guidance and the request"
    );
    let inc = format!("/w/{}/suppliers/incoming/{}", w.alpha_ws, id(&ra));
    let (s, html) = page(&web, &server, &inc).await;
    assert_eq!(s, 200);
    assert!(html.contains("回答を始める"));
    let (s, _) = form(&web, &server, &inc, &format!("{inc}/start"), &[]).await;
    assert_eq!(s, 303);
    let (_, html) = page(&web, &server, &inc).await;
    let aid = server
        .store
        .incoming_assessment_id(&w.alpha_ws, &id(&ra))
        .await
        .unwrap();
    assert!(
        html.contains(&format!("/w/{}/assessments/{aid}", w.alpha_ws)),
        "links to the assessment pages"
    );
    assert!(
        html.contains("questionnaire.xlsx"),
        "offers the Excel questionnaire"
    );
    let alpha_api = Api {
        server: &server,
        client: client_for(&server, &w.alpha_user).await,
    };
    let (s, _) = alpha_api
        .put(
            &format!("/workspaces/{}/assessments/{aid}/answers", w.alpha_ws),
            json!({"answers": star3_answers()}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, html) = form(&web, &server, &inc, &format!("{inc}/share"), &[]).await;
    assert_eq!(s, 422, "no consent, no share");
    assert!(html.contains("consent"));
    let (s, _) = form(
        &web,
        &server,
        &inc,
        &format!("{inc}/share"),
        &[("consent", "1")],
    )
    .await;
    assert_eq!(s, 303);
    let board = buyer.ok(&reqs).await;
    assert_eq!(board["counts"]["submitted"], 1);
    let share_id = board["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id(&ra).as_str())
        .unwrap()["share_id"]
        .as_str()
        .unwrap()
        .to_string();

    // By UI too, the supplier sees nothing of the buyer or of Beta, whatever id it tries.
    for path in [
        format!("/w/{buyer_ws}/suppliers"),
        format!("/w/{buyer_ws}/suppliers/shares/{share_id}"),
        format!("/w/{buyer_ws}/suppliers/weak-links"),
        format!("/w/{}/suppliers/shares/{share_id}", w.alpha_ws),
        format!("/w/{}/suppliers/incoming/{}", w.alpha_ws, id(&rb)),
        format!("/w/{}/suppliers/incoming/{}", w.beta_ws, id(&rb)),
        format!("/w/{}/suppliers", w.beta_ws),
    ] {
        let (s, _) = page(&web, &server, &path).await;
        assert_eq!(s, 404, "{path}");
    }
    // The buyer reviews it in the UI; after Alpha revokes, the page is gone.
    let buyer_web = sign_in(&server, "lead@buyer.example", "a long password").await;
    let review = format!("/w/{buyer_ws}/suppliers/shares/{share_id}");
    let (s, html) = page(&buyer_web, &server, &review).await;
    assert_eq!(s, 200);
    assert!(html.contains("Alpha Parts"));
    let (s, _) = form(
        &web,
        &server,
        &home,
        &format!("/w/{}/suppliers/shares-given/{share_id}/revoke", w.alpha_ws),
        &[],
    )
    .await;
    assert_eq!(s, 303);
    let (s, _) = page(&buyer_web, &server, &review).await;
    assert_eq!(s, 404);
    // The weak-links page renders for the buyer (diagram, exposure, what-if, impact).
    let alpha_node = w.alpha["node_id"].as_str().unwrap();
    let (s, html) = page(&buyer_web, &server, &format!("/w/{buyer_ws}/suppliers/weak-links?change=star4&node={alpha_node}&impact={alpha_node}&mode=stopped")).await;
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains("what-if-result")
            && html.contains("impact-result")
            && html.contains("weak-links.svg")
    );
    server.stop().await;
}

//! Catalogs and assessments through the API: a ★3 assessment answered, scored, round-tripped
//! through the XLSX questionnaire, reviewed and locked; bad input rejected with nothing stored;
//! other workspaces' ids not found. Runs on SQLite, or PostgreSQL with `SANSO_TEST_DATABASE_URL`.

mod common;

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use calamine::{Reader, Xlsx};
use common::TestServer;
use sanso_catalog::builtin::builtin_catalog;
use sanso_catalog::{Answer, AnswerStatus, Catalog, CriterionResult};
use serde_json::{json, Value};

const STAR: &str = "meti-star-draft";

fn star() -> Catalog {
    builtin_catalog(STAR).expect("the ★ catalog is built in")
}

struct Api<'a> {
    server: &'a TestServer,
    client: reqwest::Client,
    ws: String,
}

impl Api<'_> {
    fn url(&self, path: &str) -> String {
        self.server
            .url(&format!("/api/v1/workspaces/{}{path}", self.ws))
    }
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }
    async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }
    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }
    async fn put(&self, path: &str, body: Value) -> reqwest::Response {
        self.client
            .put(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }
    async fn put_bytes(&self, path: &str, bytes: Vec<u8>, media: &str) -> reqwest::Response {
        self.client
            .put(self.url(path))
            .header("content-type", media)
            .body(bytes)
            .send()
            .await
            .unwrap()
    }
    async fn post_bytes(&self, path: &str, bytes: &str, media: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", media)
            .body(bytes.to_string())
            .send()
            .await
            .unwrap()
    }
    async fn new_assessment(&self, catalog: &Catalog, level: Option<&str>, title: &str) -> String {
        let r = self
            .post(
                "/assessments",
                json!({"catalog_id": catalog.id, "catalog_version": catalog.version,
                       "target_level": level, "title": title}),
            )
            .await;
        assert_eq!(r.status(), 201);
        let a: Value = r.json().await.unwrap();
        assert_eq!(a["state"], "draft");
        a["id"].as_str().unwrap().to_string()
    }
    async fn answers(&self, id: &str) -> Vec<Answer> {
        let a = self.json(&format!("/assessments/{id}")).await;
        serde_json::from_value(a["answers"].clone()).unwrap()
    }
    async fn xlsx(&self, id: &str, lang: &str) -> Vec<u8> {
        let r = self
            .get(&format!("/assessments/{id}/questionnaire.xlsx?lang={lang}"))
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        r.bytes().await.unwrap().to_vec()
    }
}

async fn problem(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    r.json().await.unwrap()
}

fn sorted(mut answers: Vec<Answer>) -> Vec<Answer> {
    answers.sort_by(|a, b| a.requirement_id.cmp(&b.requirement_id));
    answers
}

/// Part of the ★3 set: criteria met and not, a partial, an N/A, comments, evidence, owner, due.
fn partial_star3_answers(star: &Catalog) -> Vec<Answer> {
    let star3 = star.requirements_at_level("star3");
    let all_met = |i: usize| {
        star3[i]
            .criteria
            .iter()
            .map(|c| CriterionResult {
                criterion_id: c.id.clone(),
                met: true,
            })
            .collect::<Vec<_>>()
    };
    let mut first = Answer::new(&star3[0].id, AnswerStatus::Implemented);
    first.criteria = all_met(0);
    first.comment = "規程を2025年に制定".into();
    first.evidence = vec!["policy.pdf".into(), "https://intra.example/sec".into()];
    let mut second = Answer::new(&star3[1].id, AnswerStatus::Partial);
    second.criteria = star3[1]
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| CriterionResult {
            criterion_id: c.id.clone(),
            met: i == 0,
        })
        .collect();
    second.owner = Some("情報システム部 佐藤".into());
    second.due = Some("2026-12-31".into());
    let third = Answer::new(&star3[2].id, AnswerStatus::NotApplicable);
    let mut fourth = Answer::new(&star3[3].id, AnswerStatus::Implemented);
    fourth.criteria = all_met(3);
    vec![first, second, third, fourth]
}

// ---- filling a workbook as a spreadsheet program would ----

const REQUIREMENTS_PART: &str = "xl/worksheets/sheet2.xml";

/// Requirement or criterion id → 1-based row of the Requirements sheet.
fn rows_by_id(bytes: &[u8]) -> HashMap<String, u32> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = workbook.worksheet_range("Requirements").expect("sheet");
    range
        .rows()
        .enumerate()
        .filter_map(|(i, row)| Some((row.first()?.to_string(), i as u32 + 1)))
        .collect()
}

/// Replaces cell `reference` of the sheet XML with an inline string, keeping its style.
fn put_cell(xml: &str, reference: &str, value: &str) -> String {
    let open = format!("<c r=\"{reference}\"");
    let start = xml.find(&open).expect("cell present in the sheet");
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
    let value = value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
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
        if name == REQUIREMENTS_PART {
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

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[tokio::test]
async fn star3_assessment_is_answered_scored_round_tripped_and_locked() {
    let server = TestServer::start().await;
    let (_, ws, client) = server
        .user_with_workspace("lead@example.com", "Buyer")
        .await;
    let api = Api {
        server: &server,
        client,
        ws,
    };
    let star = star();

    // Built-ins are listed without having been written.
    let catalogs = api.json("/catalogs").await;
    let listed = catalogs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == STAR)
        .expect("★ catalog listed")
        .clone();
    assert_eq!(listed["source"], "builtin");
    assert_eq!(listed["imported_at"], Value::Null);
    assert_eq!(listed["levels"], json!(["star3", "star4"]));
    let full = api
        .json(&format!("/catalogs/{STAR}/{}", star.version))
        .await;
    assert_eq!(full["id"], STAR);

    // Unknown level or catalog → 422 naming the field.
    let r = api
        .post(
            "/assessments",
            json!({"catalog_id": STAR, "catalog_version": star.version, "target_level": "star9", "title": "x"}),
        )
        .await;
    assert_eq!(problem(r, 422).await["errors"][0]["field"], "target_level");
    let r = api
        .post(
            "/assessments",
            json!({"catalog_id": "nope", "catalog_version": "1", "title": "x"}),
        )
        .await;
    assert_eq!(problem(r, 422).await["errors"][0]["field"], "catalog_id");

    let id = api
        .new_assessment(&star, Some("star3"), "★3 自己評価 2026")
        .await;
    // The built-in version answered is now stored with the installation.
    let catalogs = api.json("/catalogs").await;
    let stored = catalogs
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == STAR)
        .collect::<Vec<_>>();
    assert_eq!(stored.len(), 1);
    assert!(stored[0]["imported_at"].is_string());

    // Answer part of the ★3 set in two calls; the second replaces one answer.
    let answers = partial_star3_answers(&star);
    let r = api
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": answers[..3]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = api
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": answers[2..]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(api.answers(&id).await, sorted(answers.clone()));

    // Unknown requirement id: 422 naming it, nothing stored (not even the valid answer before it).
    let r = api
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": [
                {"requirement_id": answers[3].requirement_id, "status": "not_implemented"},
                {"requirement_id": "E99", "status": "implemented"},
                {"requirement_id": answers[0].requirement_id, "status": "implemented", "due": "31.12.2026"}
            ]}),
        )
        .await;
    let p = problem(r, 422).await;
    assert_eq!(p["errors"][0]["field"], "answers[1].requirement_id");
    assert!(p["detail"].as_str().unwrap().contains("E99"), "{p}");
    assert_eq!(api.answers(&id).await, sorted(answers.clone()));
    let r = api
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": [{"requirement_id": answers[0].requirement_id, "status": "done"}]}),
        )
        .await;
    assert_eq!(
        problem(r, 422).await["errors"][0]["field"],
        "answers[0].status"
    );

    // The score report is the library's report for the stored answers.
    let score = api.json(&format!("/assessments/{id}/score")).await;
    let expected = sanso_catalog::score(&star, &answers, Some("star3")).unwrap();
    // Compared as parsed JSON text on both sides (float parsing is not exactly round-trip).
    let expected_json: Value =
        serde_json::from_str(&serde_json::to_string(&expected).unwrap()).unwrap();
    assert_eq!(score["report"], expected_json);
    assert_eq!(score["report"]["overall"]["requirements"], 25);
    assert!(!score["report"]["groups"].as_array().unwrap().is_empty());
    let met = expected.overall.met;
    assert_eq!(score["gaps"].as_array().unwrap().len(), 25 - met);
    assert!(!score["report"]["levels_attained"]
        .as_array()
        .unwrap()
        .contains(&json!("star3")));
    println!(
        "★3 partly answered: {} of 25 met, {:.1} %, {} gaps",
        met,
        expected.overall.percentage.unwrap_or(0.0),
        25 - met
    );

    // XLSX: export pre-filled → import unchanged → identical answers.
    for lang in ["ja", "en"] {
        let bytes = api.xlsx(&id, lang).await;
        let r = api
            .put_bytes(
                &format!("/assessments/{id}/questionnaire.xlsx"),
                bytes,
                XLSX,
            )
            .await;
        assert_eq!(r.status(), 200, "{lang}");
        assert_eq!(api.answers(&id).await, sorted(answers.clone()), "{lang}");
    }

    // Fill more answers offline → import → the answers the workbook holds.
    let bytes = api.xlsx(&id, "ja").await;
    let rows = rows_by_id(&bytes);
    let star3 = star.requirements_at_level("star3");
    let e = star3[4];
    let mut cells = vec![
        (format!("F{}", rows[&e.id]), "一部実施している"),
        (format!("H{}", rows[&e.id]), "手順書を作成中"),
        (
            format!("I{}", rows[&e.id]),
            "draft-procedure.docx; https://intra.example/p",
        ),
        (format!("J{}", rows[&e.id]), "総務部 鈴木"),
        (format!("K{}", rows[&e.id]), "2027-03-31"),
        (format!("F{}", rows[&e.criteria[0].id]), "満たしている"),
        (format!("F{}", rows[&star3[5].id]), "not_implemented"),
    ];
    // Clearing an answer in the workbook removes it.
    cells.push((format!("F{}", rows[&answers[2].requirement_id]), ""));
    let filled = fill(&bytes, &cells);
    let from_library = sanso_catalog::questionnaire::import(&filled, &star).unwrap();
    let r = api
        .put_bytes(
            &format!("/assessments/{id}/questionnaire.xlsx"),
            filled,
            XLSX,
        )
        .await;
    assert_eq!(r.status(), 200);
    let stored = api.answers(&id).await;
    assert_eq!(stored, sorted(from_library));
    let fifth = stored
        .iter()
        .find(|a| a.requirement_id == e.id)
        .expect("filled row imported");
    assert_eq!(fifth.status, AnswerStatus::Partial);
    assert_eq!(fifth.owner.as_deref(), Some("総務部 鈴木"));
    assert_eq!(fifth.due.as_deref(), Some("2027-03-31"));
    assert_eq!(fifth.evidence.len(), 2);
    assert!(!stored
        .iter()
        .any(|a| a.requirement_id == answers[2].requirement_id));

    // A bad cell → 422 with sheet, row and column; nothing changed.
    let bytes = api.xlsx(&id, "en").await;
    let bad = fill(
        &bytes,
        &[
            (format!("F{}", rows[&star3[6].id]), "perhaps"),
            (format!("K{}", rows[&star3[7].id]), "someday"),
        ],
    );
    let r = api
        .put_bytes(&format!("/assessments/{id}/questionnaire.xlsx"), bad, XLSX)
        .await;
    let p = problem(r, 422).await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields.len(), 2, "{p}");
    assert!(
        fields[0].contains("Requirements")
            && fields[0].contains("row")
            && fields[0].contains("status"),
        "{p}"
    );
    assert!(fields[1].contains("due"), "{p}");
    assert_eq!(api.answers(&id).await, stored);

    // A workbook of another catalog → 422 naming the _meta sheet; nothing changed.
    let sme = builtin_catalog("sme-self-check").unwrap();
    let other = api.new_assessment(&sme, None, "SME").await;
    let wrong = api.xlsx(&other, "ja").await;
    let r = api
        .put_bytes(
            &format!("/assessments/{id}/questionnaire.xlsx"),
            wrong,
            XLSX,
        )
        .await;
    let p = problem(r, 422).await;
    assert!(
        p["errors"][0]["field"].as_str().unwrap().contains("_meta"),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("catalog_id"), "{p}");
    let r = api
        .put_bytes(
            &format!("/assessments/{id}/questionnaire.xlsx"),
            b"not a workbook".to_vec(),
            XLSX,
        )
        .await;
    problem(r, 422).await;
    assert_eq!(api.answers(&id).await, stored);

    // Review: submit → return with comment → answers editable again → submit → approve → locked.
    let r = api
        .post(&format!("/assessments/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "submitted");
    let r = api
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": [{"requirement_id": star3[8].id, "status": "implemented"}]}),
        )
        .await;
    problem(r, 409).await;
    let r = api
        .post(&format!("/assessments/{id}/return"), json!({}))
        .await;
    assert_eq!(problem(r, 422).await["errors"][0]["field"], "comment");
    let r = api
        .post(
            &format!("/assessments/{id}/return"),
            json!({"comment": "E05 の証跡を追加してください"}),
        )
        .await;
    let returned: Value = r.json().await.unwrap();
    assert_eq!(returned["state"], "returned");
    assert_eq!(returned["review_comment"], "E05 の証跡を追加してください");
    let mut extra = Answer::new(&star3[8].id, AnswerStatus::NotImplemented);
    extra.comment = "来期対応".into();
    let r = api
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": [extra]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let before_approval = api.answers(&id).await;
    let r = api
        .post(&format!("/assessments/{id}/approve"), json!({}))
        .await;
    problem(r, 409).await; // not submitted
    api.post(&format!("/assessments/{id}/submit"), json!({}))
        .await;
    let r = api
        .post(
            &format!("/assessments/{id}/approve"),
            json!({"comment": "承認"}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "approved");

    let r = api
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": [{"requirement_id": star3[9].id, "status": "implemented"}]}),
        )
        .await;
    assert!(problem(r, 409).await["detail"]
        .as_str()
        .unwrap()
        .contains("locked"));
    let bytes = api.xlsx(&id, "ja").await;
    let r = api
        .put_bytes(
            &format!("/assessments/{id}/questionnaire.xlsx"),
            bytes,
            XLSX,
        )
        .await;
    problem(r, 409).await;
    let r = api
        .post(
            &format!("/assessments/{id}/return"),
            json!({"comment": "again"}),
        )
        .await;
    problem(r, 409).await;
    let r = api
        .client
        .delete(api.url(&format!("/assessments/{id}")))
        .send()
        .await
        .unwrap();
    problem(r, 409).await;
    let r = api
        .put(&format!("/assessments/{id}"), json!({"title": "renamed"}))
        .await;
    problem(r, 409).await;
    assert_eq!(api.answers(&id).await, before_approval);

    // The review steps are in the audit log.
    let audit = api.json("/audit?limit=1000").await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["object_id"] == id.as_str())
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "assessment.create",
        "assessment.answers",
        "assessment.questionnaire_import",
        "assessment.submit",
        "assessment.return",
        "assessment.approve",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }

    // The list shows both assessments; the draft one can be renamed and deleted.
    let list = api.json("/assessments").await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let r = api
        .put(
            &format!("/assessments/{other}"),
            json!({"title": "SME 2026"}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["title"], "SME 2026");
    let r = api
        .client
        .delete(api.url(&format!("/assessments/{other}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        api.get(&format!("/assessments/{other}")).await.status(),
        404
    );
    server.stop().await;
}

const SMALL_CATALOG: &str = r#"
id: acme-suppliers
version: "2026.1"
title: {ja: 取引先基準, en: Supplier baseline}
levels:
  - id: basic
    title: {en: Basic}
scoring:
  method: {kind: status, partial_credit: 0.5}
groups:
  - id: A
    title: {en: Governance}
    requirements:
      - id: A-1
        title: {en: Policy}
        levels: [basic]
      - id: A-2
        title: {en: Contact point}
        levels: [basic]
"#;

#[tokio::test]
async fn imported_catalogs_are_checked_and_stay_in_their_workspace() {
    let server = TestServer::start().await;
    let (_, ws_a, client_a) = server.user_with_workspace("a@example.com", "Buyer").await;
    let (_, ws_b, client_b) = server
        .user_with_workspace("b@example.com", "Supplier")
        .await;
    let a = Api {
        server: &server,
        client: client_a,
        ws: ws_a.clone(),
    };
    let b = Api {
        server: &server,
        client: client_b,
        ws: ws_b,
    };
    let count = |v: &Value| v.as_array().unwrap().len();
    let before = count(&a.json("/catalogs").await);

    // Malformed YAML → 422 with the line; a catalog that does not hold together → 422 with paths.
    let r = a
        .post_bytes("/catalogs", "id: x\nversion: [1\n", "application/yaml")
        .await;
    let p = problem(r, 422).await;
    assert!(p["detail"].as_str().unwrap().contains("line"), "{p}");
    let broken = SMALL_CATALOG.replace(
        "levels: [basic]\n      - id: A-2",
        "levels: [gold]\n      - id: A-2",
    );
    let r = a.post_bytes("/catalogs", &broken, "application/yaml").await;
    let p = problem(r, 422).await;
    assert!(
        p["errors"][0]["field"]
            .as_str()
            .unwrap()
            .contains("groups[0].requirements[0].levels"),
        "{p}"
    );
    assert_eq!(count(&a.json("/catalogs").await), before);

    // A valid one is stored for this workspace only; the same version again is refused.
    let r = a
        .post_bytes("/catalogs", SMALL_CATALOG, "application/yaml")
        .await;
    assert_eq!(r.status(), 201);
    let summary: Value = r.json().await.unwrap();
    assert_eq!(summary["source"], "imported");
    assert_eq!(summary["requirements"], 2);
    let r = a
        .post_bytes("/catalogs", SMALL_CATALOG, "application/yaml")
        .await;
    problem(r, 409).await;
    let builtin_again = star();
    let yaml = sanso_catalog::yaml::catalog_to_yaml(&builtin_again).unwrap();
    let r = a.post_bytes("/catalogs", &yaml, "application/yaml").await;
    problem(r, 409).await;
    assert_eq!(count(&a.json("/catalogs").await), before + 1);
    assert_eq!(count(&b.json("/catalogs").await), before);
    assert_eq!(b.get("/catalogs/acme-suppliers/2026.1").await.status(), 404);
    // B may import the same id and version for itself.
    let r = b
        .post_bytes("/catalogs", SMALL_CATALOG, "application/yaml")
        .await;
    assert_eq!(r.status(), 201);

    // Assess against the imported catalog, targeting a node of the workspace.
    let node: Value = a
        .post("/nodes", json!({"kind": "organization", "name": "Plant 1"}))
        .await
        .json()
        .await
        .unwrap();
    let r = a
        .post(
            "/assessments",
            json!({"catalog_id": "acme-suppliers", "catalog_version": "2026.1", "target_level": "basic",
                   "target_node_id": node["id"], "title": "Plant 1"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let assessment: Value = r.json().await.unwrap();
    let id = assessment["id"].as_str().unwrap().to_string();
    assert_eq!(assessment["target_node_id"], node["id"]);
    let r = a
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": [{"requirement_id": "A-1", "status": "implemented"}, {"requirement_id": "A-2", "status": "partial"}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let score = a.json(&format!("/assessments/{id}/score")).await;
    assert_eq!(score["report"]["overall"]["total"], 1.5);
    assert_eq!(score["gaps"].as_array().unwrap().len(), 1);

    // Evidence: upload a file, attach it to an answer by its hash, download it again.
    let r = a
        .client
        .post(a.url(&format!("/assessments/{id}/evidence")))
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4 policy".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let blob: Value = r.json().await.unwrap();
    let sha = blob["sha256"].as_str().unwrap().to_string();
    assert_eq!(blob["size"], 15);
    let evidence_path = format!("/assessments/{id}/evidence/{sha}");
    assert_eq!(
        a.get(&evidence_path).await.status(),
        404,
        "not attached yet"
    );
    let r = a
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": [{"requirement_id": "A-1", "status": "implemented", "evidence": [sha, "https://intra.example/policy"]}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = a.get(&evidence_path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4 policy");
    assert_eq!(b.get(&evidence_path).await.status(), 404);

    // Compare with a later assessment of the same catalog version.
    let r = a
        .post(
            "/assessments",
            json!({"catalog_id": "acme-suppliers", "catalog_version": "2026.1", "target_level": "basic", "title": "Plant 1, next year"}),
        )
        .await;
    let later = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    a.put(
        &format!("/assessments/{later}/answers"),
        json!({"answers": [{"requirement_id": "A-1", "status": "not_implemented"}, {"requirement_id": "A-2", "status": "implemented"}]}),
    )
    .await;
    let changes = a
        .json(&format!("/assessments/{later}/compare?before={id}"))
        .await;
    let change = |req: &str| {
        changes
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["requirement_id"] == req)
            .unwrap()["change"]
            .clone()
    };
    assert_eq!(change("A-1"), "regressed");
    assert_eq!(change("A-2"), "improved");
    let star_id = a.new_assessment(&star(), None, "other catalog").await;
    let r = a
        .get(&format!("/assessments/{later}/compare?before={star_id}"))
        .await;
    assert_eq!(problem(r, 422).await["errors"][0]["field"], "before");
    assert_eq!(
        b.get(&format!("/assessments/{later}/compare?before={id}"))
            .await
            .status(),
        404
    );

    // Another workspace's assessment ids are not found, whichever workspace they are asked under.
    for path in [
        format!("/assessments/{id}"),
        format!("/assessments/{id}/score"),
        format!("/assessments/{id}/questionnaire.xlsx"),
    ] {
        assert_eq!(b.get(&path).await.status(), 404, "{path}");
        let r = b
            .client
            .get(server.url(&format!("/api/v1/workspaces/{ws_a}{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{path} under the other workspace");
    }
    let r = b
        .put(
            &format!("/assessments/{id}/answers"),
            json!({"answers": [{"requirement_id": "A-1", "status": "not_implemented"}]}),
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        b.post(&format!("/assessments/{id}/submit"), json!({}))
            .await
            .status(),
        404
    );
    assert_eq!(
        b.put_bytes(
            &format!("/assessments/{id}/questionnaire.xlsx"),
            vec![1, 2, 3],
            XLSX
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        b.client
            .delete(b.url(&format!("/assessments/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // A node of another workspace cannot be the target.
    let r = b
        .post(
            "/assessments",
            json!({"catalog_id": "acme-suppliers", "catalog_version": "2026.1", "target_node_id": node["id"], "title": "x"}),
        )
        .await;
    assert_eq!(
        problem(r, 422).await["errors"][0]["field"],
        "target_node_id"
    );
    assert_eq!(a.answers(&id).await.len(), 2);

    // Deleting the target node keeps the assessment, for the workspace as a whole.
    let r = a
        .client
        .delete(a.url(&format!("/nodes/{}", node["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        a.json(&format!("/assessments/{id}")).await["target_node_id"],
        Value::Null
    );

    // The OpenAPI document lists the new endpoints.
    let doc: Value = a
        .client
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/workspaces/{ws}/assessments/{id}/answers"]["put"].is_object());
    server.stop().await;
}

#[tokio::test]
async fn viewers_read_assessors_answer_and_only_admins_review() {
    let server = TestServer::start().await;
    let (_, ws, admin_client) = server.user_with_workspace("a@example.com", "Buyer").await;
    let (viewer_id, _, viewer_client) = server.user_with_workspace("v@example.com", "V").await;
    let (assessor_id, _, assessor_client) = server.user_with_workspace("s@example.com", "S").await;
    for (user, role) in [
        (&viewer_id, sanso_core::access::Role::Viewer),
        (&assessor_id, sanso_core::access::Role::Assessor),
    ] {
        server
            .store
            .set_member_role(&sanso_store::Actor::cli(), &ws, user, role)
            .await
            .unwrap();
    }
    let admin = Api {
        server: &server,
        client: admin_client,
        ws: ws.clone(),
    };
    let viewer = Api {
        server: &server,
        client: viewer_client,
        ws: ws.clone(),
    };
    let assessor = Api {
        server: &server,
        client: assessor_client,
        ws,
    };
    let star = star();
    let id = assessor
        .new_assessment(&star, Some("star3"), "by the assessor")
        .await;
    let answer = json!({"answers": [{"requirement_id": "E02", "status": "implemented"}]});

    // Viewers read everything and change nothing.
    assert_eq!(
        viewer
            .get(&format!("/assessments/{id}/score"))
            .await
            .status(),
        200
    );
    viewer.xlsx(&id, "en").await;
    for r in [
        viewer
            .put(&format!("/assessments/{id}/answers"), answer.clone())
            .await,
        viewer
            .post(
                "/assessments",
                json!({"catalog_id": star.id, "catalog_version": star.version, "title": "x"}),
            )
            .await,
        viewer
            .post(&format!("/assessments/{id}/submit"), json!({}))
            .await,
        viewer
            .put_bytes(
                &format!("/assessments/{id}/questionnaire.xlsx"),
                vec![1],
                XLSX,
            )
            .await,
        viewer
            .post_bytes("/catalogs", SMALL_CATALOG, "application/yaml")
            .await,
    ] {
        problem(r, 403).await;
    }
    assert!(viewer.answers(&id).await.is_empty());

    // Assessors answer and submit; approving and returning are for admins.
    let r = assessor
        .put(&format!("/assessments/{id}/answers"), answer.clone())
        .await;
    assert_eq!(r.status(), 200);
    let r = assessor
        .post(&format!("/assessments/{id}/submit"), json!({}))
        .await;
    assert_eq!(r.status(), 200);
    problem(
        assessor
            .post(&format!("/assessments/{id}/approve"), json!({}))
            .await,
        403,
    )
    .await;
    problem(
        assessor
            .post(
                &format!("/assessments/{id}/return"),
                json!({"comment": "x"}),
            )
            .await,
        403,
    )
    .await;
    let r = admin
        .post(&format!("/assessments/{id}/approve"), json!({}))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "approved");
    server.stop().await;
}

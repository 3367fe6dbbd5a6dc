//! Imports, exports and the plan of action through the API (issue 3, items 3, 6, 7): plan items
//! from gaps (idempotent) and their CRUD; every OSCAL document sanso exports read by
//! compliance-trestle; CSV/JSON/XLSX exports parsed back; catalog import from OSCAL XML, a
//! profile with its catalog, CSV and YAML; bad input rejected with its place named and nothing
//! stored. Runs on SQLite, or PostgreSQL with `SANSO_TEST_DATABASE_URL`.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Reader, Xlsx};
use common::TestServer;
use sanso_catalog::builtin::builtin_catalog;
use sanso_catalog::{Answer, AnswerStatus, Catalog, CriterionResult};
use serde_json::{json, Value};

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
    async fn bytes(&self, path: &str) -> Vec<u8> {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.bytes().await.unwrap().to_vec()
    }
    async fn json(&self, path: &str) -> Value {
        serde_json::from_slice(&self.bytes(path).await).unwrap()
    }
    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }
    /// A multipart upload built by hand (fields, then files).
    async fn upload(
        &self,
        fields: &[(&str, &str)],
        files: &[(&str, Vec<u8>)],
    ) -> reqwest::Response {
        let boundary = "sanso-test-boundary-7f3a";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes());
        }
        for (name, bytes) in files {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").bytes());
            body.extend(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").bytes());
        self.client
            .post(self.url("/catalogs/import"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }
    async fn new_assessment(&self, catalog: &Catalog, level: Option<&str>) -> String {
        let r = self
            .send(
                reqwest::Method::POST,
                "/assessments",
                json!({"catalog_id": catalog.id, "catalog_version": catalog.version,
                       "target_level": level, "title": "輸出テスト"}),
            )
            .await;
        assert_eq!(r.status(), 201);
        r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
    async fn catalog_count(&self) -> usize {
        self.json("/catalogs").await.as_array().unwrap().len()
    }
}

async fn problem(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    r.json().await.unwrap()
}

fn oscal_data(name: &str) -> PathBuf {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/oscal"
    ))
    .join(name);
    assert!(
        path.is_file(),
        "reference data missing: {} (see shared/data/README.md)",
        path.display()
    );
    path
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../oscal/tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// Answers to the first ★3 requirements: met, partial, not implemented; the rest unanswered.
fn some_answers(star: &Catalog) -> Vec<Answer> {
    let star3 = star.requirements_at_level("star3");
    let criteria = |i: usize, met: bool| {
        star3[i]
            .criteria
            .iter()
            .map(|c| CriterionResult {
                criterion_id: c.id.clone(),
                met,
            })
            .collect::<Vec<_>>()
    };
    let mut a = Answer::new(&star3[0].id, AnswerStatus::Implemented);
    a.criteria = criteria(0, true);
    a.comment = "規程あり".into();
    a.evidence = vec!["https://intra.example/policy".into()];
    let mut b = Answer::new(&star3[1].id, AnswerStatus::Partial);
    b.owner = Some("情報システム課".into());
    b.due = Some("2027-03-31".into());
    let c = Answer::new(&star3[2].id, AnswerStatus::NotImplemented);
    vec![a, b, c]
}

/// Runs the oscal crate's trestle checker on (kind, file) pairs; fails when trestle is missing.
fn trestle_reads(documents: &[(&str, PathBuf)]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../oscal/tests/trestle_check.py");
    let mut command = Command::new("python3");
    command.arg(&script);
    for (kind, path) in documents {
        command.arg(kind).arg(path);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 (needed for compliance-trestle): {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    assert_ne!(
        output.status.code(),
        Some(3),
        "compliance-trestle missing: {stdout}"
    );
    assert!(
        output.status.success(),
        "trestle rejected sanso's OSCAL:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ok = stdout.lines().filter(|l| l.starts_with("ok ")).count();
    println!("trestle: {ok}/{} exported documents read", documents.len());
    assert_eq!(ok, documents.len());
}

#[tokio::test]
async fn plan_items_come_from_gaps_once_and_are_edited() {
    let server = TestServer::start().await;
    let (_, ws, client) = server.user_with_workspace("plan@example.com", "Plan").await;
    let api = Api {
        server: &server,
        client,
        ws,
    };
    let star = builtin_catalog("meti-star-draft").unwrap();
    let id = api.new_assessment(&star, Some("star3")).await;
    let r = api
        .send(
            reqwest::Method::PUT,
            &format!("/assessments/{id}/answers"),
            json!({ "answers": some_answers(&star) }),
        )
        .await;
    assert_eq!(r.status(), 200);
    let score = api.json(&format!("/assessments/{id}/score")).await;
    let gaps = score["gaps"].as_array().unwrap().len();
    assert_eq!(gaps, star.requirements_at_level("star3").len() - 1);

    let first = api
        .send(
            reqwest::Method::POST,
            &format!("/assessments/{id}/plan/from-gaps"),
            json!({}),
        )
        .await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["gaps"], gaps);
    assert_eq!(first["created"].as_array().unwrap().len(), gaps);
    let star3 = star.requirements_at_level("star3");
    let partial = first["created"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["requirement_id"] == star3[1].id.as_str())
        .unwrap();
    assert_eq!(partial["owner"], "情報システム課");
    assert_eq!(partial["due"], "2027-03-31");
    assert_eq!(partial["priority"], "medium");

    let again: Value = api
        .send(
            reqwest::Method::POST,
            &format!("/assessments/{id}/plan/from-gaps"),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["created"].as_array().unwrap().len(), 0);
    assert_eq!(again["already_planned"], gaps);
    let plan = api.json(&format!("/assessments/{id}/plan")).await;
    assert_eq!(plan.as_array().unwrap().len(), gaps);
    // Sorted by due date: the only dated item first.
    assert_eq!(plan[0]["due"], "2027-03-31");

    // CRUD on one item.
    let item_id = partial["id"].as_str().unwrap();
    let r = api
        .send(
            reqwest::Method::PUT,
            &format!("/plan-items/{item_id}"),
            json!({"assessment_id": id, "requirement_id": star3[1].id, "measure": "手順書を整備する",
                   "owner": "総務部", "due": "2027-01-31", "cost": 300000, "priority": "high", "status": "in_progress"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let item = api.json(&format!("/plan-items/{item_id}")).await;
    assert_eq!(item["measure"], "手順書を整備する");
    assert_eq!(item["cost"], 300000.0);
    assert_eq!(item["status"], "in_progress");

    // Bad input names the field and stores nothing.
    let before = api.json("/plan-items").await.as_array().unwrap().len();
    for (body, field) in [
        (json!({"measure": " "}), "measure"),
        (json!({"measure": "x", "due": "2027-02-30"}), "due"),
        (json!({"measure": "x", "cost": -1}), "cost"),
        (
            json!({"measure": "x", "assessment_id": id, "requirement_id": "NO-SUCH"}),
            "requirement_id",
        ),
        (
            json!({"measure": "x", "assessment_id": "nope"}),
            "assessment_id",
        ),
        (json!({"measure": "x", "priority": "urgent"}), "priority"),
    ] {
        let p = problem(
            api.send(reqwest::Method::POST, "/plan-items", body.clone())
                .await,
            422,
        )
        .await;
        assert!(
            p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"].as_str().unwrap_or("").contains(field)),
            "{body}: {p}"
        );
    }
    assert_eq!(
        api.json("/plan-items").await.as_array().unwrap().len(),
        before
    );

    // A free-standing item, then deleted.
    let r = api
        .send(
            reqwest::Method::POST,
            "/plan-items",
            json!({"measure": "委託先との契約にセキュリティ条項を入れる"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let free: Value = r.json().await.unwrap();
    assert_eq!(free["priority"], "medium");
    assert_eq!(free["status"], "planned");
    let r = api
        .send(
            reqwest::Method::DELETE,
            &format!("/plan-items/{}", free["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), 204);

    // Another workspace sees none of it.
    let (_, other_ws, other_client) = server
        .user_with_workspace("other@example.com", "Other")
        .await;
    let other = Api {
        server: &server,
        client: other_client,
        ws: other_ws,
    };
    assert_eq!(
        other.get(&format!("/plan-items/{item_id}")).await.status(),
        404
    );
    assert_eq!(
        other
            .send(
                reqwest::Method::POST,
                &format!("/assessments/{id}/plan/from-gaps"),
                json!({})
            )
            .await
            .status(),
        404
    );
    assert_eq!(other.json("/plan-items").await.as_array().unwrap().len(), 0);
    server.stop().await;
}

#[tokio::test]
async fn exports_parse_back_and_trestle_reads_every_oscal_export() {
    let server = TestServer::start().await;
    let (_, ws, client) = server
        .user_with_workspace("export@example.com", "Export")
        .await;
    let api = Api {
        server: &server,
        client,
        ws,
    };
    let star = builtin_catalog("meti-star-draft").unwrap();
    let id = api.new_assessment(&star, Some("star3")).await;
    let answers = some_answers(&star);
    let r = api
        .send(
            reqwest::Method::PUT,
            &format!("/assessments/{id}/answers"),
            json!({ "answers": answers }),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = api
        .send(
            reqwest::Method::POST,
            &format!("/assessments/{id}/plan/from-gaps"),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let plan = api.json(&format!("/assessments/{id}/plan")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut documents = Vec::new();

    // Assessment-results: one finding per ★3 requirement, the implemented one satisfied.
    let ar = api
        .json(&format!("/assessments/{id}/export?format=oscal-ar"))
        .await;
    let findings = ar["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap();
    let star3 = star.requirements_at_level("star3");
    assert_eq!(findings.len(), star3.len());
    let satisfied = findings
        .iter()
        .filter(|f| f["target"]["status"]["state"] == "satisfied")
        .count();
    assert_eq!(satisfied, 1);
    let path = dir.path().join("ar.json");
    std::fs::write(&path, serde_json::to_vec(&ar).unwrap()).unwrap();
    documents.push(("assessment-results", path));

    // POA&M: one item per plan item, with its priority.
    let poam = api
        .json(&format!("/assessments/{id}/export?format=oscal-poam"))
        .await;
    let items = poam["plan-of-action-and-milestones"]["poam-items"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), plan.as_array().unwrap().len());
    assert!(items.iter().all(|i| i["props"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "priority")));
    let path = dir.path().join("poam.json");
    std::fs::write(&path, serde_json::to_vec(&poam).unwrap()).unwrap();
    documents.push(("poam", path));

    // Every built-in catalog and an imported OSCAL catalog, exported as OSCAL.
    for catalog in api.json("/catalogs").await.as_array().unwrap() {
        let cid = catalog["id"].as_str().unwrap();
        let bytes = api
            .bytes(&format!(
                "/catalogs/{cid}/export?format=oscal&version={}",
                catalog["version"].as_str().unwrap()
            ))
            .await;
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(value["catalog"]["groups"]
            .as_array()
            .is_some_and(|g| !g.is_empty()));
        let path = dir.path().join(format!("{cid}.json"));
        std::fs::write(&path, bytes).unwrap();
        documents.push(("catalog", path));
    }
    trestle_reads(&documents);

    // CSV: header plus one row per ★3 requirement; statuses as answered.
    let csv = api
        .bytes(&format!("/assessments/{id}/export?format=csv"))
        .await;
    let text = String::from_utf8(csv).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), star3.len());
    let row = rows.iter().find(|r| r[0] == star3[1].id).unwrap();
    assert_eq!(&row[4], "partial");
    assert_eq!(&row[11], "情報システム課");

    // JSON: the answers, score and plan.
    let doc = api
        .json(&format!("/assessments/{id}/export?format=json"))
        .await;
    assert_eq!(doc["format"], "sanso-assessment/v1");
    assert_eq!(doc["assessment"]["answers"].as_array().unwrap().len(), 3);
    assert_eq!(doc["plan_items"], plan);
    assert_eq!(doc["gaps"].as_array().unwrap().len(), star3.len() - 1);

    // XLSX (the questionnaire workbook with answers), in English, round-trips into a new
    // assessment with identical answers.
    let xlsx = api
        .bytes(&format!("/assessments/{id}/export?format=xlsx&lang=en"))
        .await;
    let workbook: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.clone())).unwrap();
    assert!(workbook.sheet_names().iter().any(|s| s == "Requirements"));
    let copy = api.new_assessment(&star, Some("star3")).await;
    let r = api
        .client
        .put(api.url(&format!("/assessments/{copy}/questionnaire.xlsx")))
        .body(xlsx)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let original = api.json(&format!("/assessments/{id}")).await["answers"].clone();
    let copied = api.json(&format!("/assessments/{copy}")).await["answers"].clone();
    assert_eq!(original, copied);

    // Wrong format names the parameter.
    let p = problem(
        api.get(&format!("/assessments/{id}/export?format=pdf"))
            .await,
        400,
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("format"));
    server.stop().await;
}

#[tokio::test]
async fn catalogs_import_from_oscal_profiles_tables_and_yaml() {
    let server = TestServer::start().await;
    let (_, ws, client) = server
        .user_with_workspace("import@example.com", "Import")
        .await;
    let api = Api {
        server: &server,
        client,
        ws,
    };

    // SP 800-171 rev3 as OSCAL XML: every control becomes a requirement.
    let xml = std::fs::read(oscal_data("NIST_SP800-171_rev3_catalog.xml")).unwrap();
    let oscal = sanso_oscal::read_catalog(&oscal_data("NIST_SP800-171_rev3_catalog.xml")).unwrap();
    let r = api
        .upload(
            &[("id", "sp800-171"), ("version", "3.0.0")],
            &[("NIST_SP800-171_rev3_catalog.xml", xml)],
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let stored = api.json("/catalogs/sp800-171/3.0.0").await;
    let stored: Catalog = serde_json::from_value(stored).unwrap();
    assert_eq!(stored.requirement_count(), oscal.all_controls().len());
    println!("800-171 rev3: {} requirements", stored.requirement_count());

    // The HIGH baseline profile with the 800-53 catalog uploaded beside it, resolved.
    let profile =
        std::fs::read(oscal_data("NIST_SP-800-53_rev5_HIGH-baseline_profile.json")).unwrap();
    let catalog = std::fs::read(oscal_data("NIST_SP-800-53_rev5_catalog.json")).unwrap();
    let resolved = sanso_oscal::read_catalog(&oscal_data(
        "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog.json",
    ))
    .unwrap();
    let r = api
        .upload(
            &[("id", "sp800-53-high"), ("version", "5.1.1")],
            &[
                ("NIST_SP-800-53_rev5_catalog.json", catalog),
                ("NIST_SP-800-53_rev5_HIGH-baseline_profile.json", profile),
            ],
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let summary: Value = r.json().await.unwrap();
    let stored: Catalog =
        serde_json::from_value(api.json("/catalogs/sp800-53-high/5.1.1").await).unwrap();
    assert_eq!(stored.requirement_count(), resolved.all_controls().len());
    println!(
        "HIGH baseline: {} requirements ({})",
        stored.requirement_count(),
        summary["id"]
    );

    // A built-in exported as CSV and YAML reads back as a new version with the same content.
    let cpsf = builtin_catalog("cpsf").unwrap();
    let csv = String::from_utf8(api.bytes("/catalogs/cpsf/export?format=csv").await).unwrap();
    // The user edits the version column, as one would in a spreadsheet.
    let csv = csv.replace(&format!("\ncpsf,{},", cpsf.version), "\ncpsf,csv-copy,");
    let r = api.upload(&[], &[("cpsf.csv", csv.into_bytes())]).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let copy: Catalog = serde_json::from_value(api.json("/catalogs/cpsf/csv-copy").await).unwrap();
    let ids = |c: &Catalog| {
        c.requirements()
            .into_iter()
            .map(|(_, r)| (r.id.clone(), r.title.clone(), r.layers.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&copy), ids(&cpsf));
    let yaml = api
        .bytes(&format!(
            "/catalogs/cpsf/export?format=yaml&version={}",
            cpsf.version
        ))
        .await;
    let r = api
        .upload(&[("version", "yaml-copy")], &[("cpsf.yaml", yaml)])
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let copy: Catalog = serde_json::from_value(api.json("/catalogs/cpsf/yaml-copy").await).unwrap();
    assert_eq!(copy.groups, cpsf.groups);
    server.stop().await;
}

#[tokio::test]
async fn bad_catalog_files_are_rejected_with_their_place_and_nothing_stored() {
    let server = TestServer::start().await;
    let (_, ws, client) = server.user_with_workspace("bad@example.com", "Bad").await;
    let api = Api {
        server: &server,
        client,
        ws,
    };
    let before = api.catalog_count().await;
    let fields = [("id", "bad"), ("version", "1")];

    // Dangling references in an OSCAL catalog: an unknown parameter and an unknown link target.
    let mut mini: Value = serde_json::from_slice(&fixture("mini-catalog.json")).unwrap();
    let control = &mut mini["catalog"]["groups"][0]["controls"][0];
    control["parts"][0]["prose"] = json!("Uses {{ insert: param, no-such-param }}.");
    control["links"] = json!([{"href": "#no-such-control", "rel": "related"}]);
    let p = problem(
        api.upload(
            &fields,
            &[("mini.json", serde_json::to_vec(&mini).unwrap())],
        )
        .await,
        422,
    )
    .await;
    let text = p.to_string();
    assert!(
        text.contains("mini.json: catalog.groups[0].controls[0].parts[0].prose"),
        "{text}"
    );
    assert!(text.contains("no-such-param"), "{text}");
    assert!(
        text.contains("catalog.groups[0].controls[0].links[0].href"),
        "{text}"
    );

    // Profiles importing each other.
    let p = problem(
        api.upload(
            &fields,
            &[
                ("cycle-a.json", fixture("cycle-a.json")),
                ("cycle-b.json", fixture("cycle-b.json")),
            ],
        )
        .await,
        422,
    )
    .await;
    assert!(p.to_string().contains("import cycle"), "{p}");
    assert!(p.to_string().contains("cycle-a.json"), "{p}");

    // A profile selecting an unknown control, with its JSON path.
    let p = problem(
        api.upload(
            &fields,
            &[
                (
                    "bad-unknown-with-id.json",
                    fixture("bad-unknown-with-id.json"),
                ),
                ("mini-catalog.json", fixture("mini-catalog.json")),
            ],
        )
        .await,
        422,
    )
    .await;
    assert!(p.to_string().contains("profile.imports[0]"), "{p}");
    assert!(p.to_string().contains("does not exist"), "{p}");

    // A profile whose imported catalog was not uploaded.
    let p = problem(
        api.upload(
            &fields,
            &[(
                "bad-unknown-with-id.json",
                fixture("bad-unknown-with-id.json"),
            )],
        )
        .await,
        422,
    )
    .await;
    assert!(p.to_string().contains("mini-catalog.json"), "{p}");

    // CSV without the requirement_id column, and with a wrong value in a cell.
    let p = problem(
        api.upload(
            &fields,
            &[("table.csv", b"group_path,title_en\nG,Title\n".to_vec())],
        )
        .await,
        422,
    )
    .await;
    assert!(p.to_string().contains("table.csv: row 1"), "{p}");
    assert!(p.to_string().contains("requirement_id"), "{p}");
    let p = problem(
        api.upload(
            &fields,
            &[(
                "table.csv",
                b"group_path,requirement_id,title_en,layers\nG,R-1,Title,L1\nG,R-2,Title,L9\n"
                    .to_vec(),
            )],
        )
        .await,
        422,
    )
    .await;
    assert!(p.to_string().contains("table.csv: row 3, column D"), "{p}");

    // Not a catalog at all.
    let p = problem(
        api.upload(
            &fields,
            &[("ssp.json", b"{\"system-security-plan\": {}}".to_vec())],
        )
        .await,
        422,
    )
    .await;
    assert!(p.to_string().contains("ssp.json"), "{p}");

    assert_eq!(api.catalog_count().await, before, "nothing half-imported");
    server.stop().await;
}

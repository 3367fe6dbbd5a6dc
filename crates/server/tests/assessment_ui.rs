//! The assessment web UI over HTTP: list and create, the one-page answer form (status, comment,
//! owner, due date, evidence link and file in one multipart post), review buttons by role,
//! dashboard charts, comparison, DOCX report; bad input answered with the field named and
//! nothing stored; another workspace's assessment ids → 404. Runs on SQLite, or PostgreSQL with
//! `SANSO_TEST_DATABASE_URL`.

mod common;

use std::io::Read;

use common::{browser_client, csrf_of, TestServer};
use sanso_catalog::builtin::builtin_catalog;
use sanso_catalog::Catalog;
use sanso_core::access::Role;
use sanso_store::Actor;

const PASSWORD: &str = "a long password";

fn star() -> Catalog {
    builtin_catalog("meti-star-draft").expect("the ★ catalog is built in")
}

/// A signed-in browser-like client (Japanese unless `en`) and its CSRF token.
async fn login(server: &TestServer, email: &str, ja: bool) -> (reqwest::Client, String) {
    let mut headers = reqwest::header::HeaderMap::new();
    let lang = if ja { "ja" } else { "en" };
    headers.insert("accept-language", lang.parse().unwrap());
    let web = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
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
            ("email", email),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in of {email}");
    (web, csrf)
}

/// A multipart/form-data body (reqwest is built without its multipart feature here).
fn multipart(fields: &[(String, String)], files: &[(String, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----sanso-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

struct Setup {
    server: TestServer,
    ws: String,
    admin: String,
    assessor: String,
    viewer: String,
    outsider_ws: String,
}

async fn setup() -> Setup {
    let server = TestServer::start().await;
    let (_, ws, _) = server
        .user_with_workspace("admin@example.com", "Acme 本社")
        .await;
    let actor = Actor::cli();
    for (email, role) in [
        ("assessor@example.com", Role::Assessor),
        ("viewer@example.com", Role::Viewer),
    ] {
        let u = server
            .store
            .create_user(&actor, email, "Member", PASSWORD)
            .await
            .unwrap();
        server
            .store
            .set_member_role(&actor, &ws, &u.id, role)
            .await
            .unwrap();
    }
    let (_, outsider_ws, _) = server
        .user_with_workspace("outsider@example.com", "Other Co")
        .await;
    Setup {
        server,
        ws,
        admin: "admin@example.com".into(),
        assessor: "assessor@example.com".into(),
        viewer: "viewer@example.com".into(),
        outsider_ws,
    }
}

/// Creates a ★3 assessment through the form; returns its id.
async fn create(s: &Setup, web: &reqwest::Client, csrf: &str, title: &str) -> String {
    let c = star();
    let r = web
        .post(s.server.url(&format!("/w/{}/assessments", s.ws)))
        .form(&[
            ("_csrf", csrf),
            ("title", title),
            ("catalog", &format!("{}@{}", c.id, c.version)),
            ("level", "star3"),
            ("target", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let location = r.headers()["location"].to_str().unwrap().to_string();
    location.rsplit('/').next().unwrap().to_string()
}

fn star3_ids() -> Vec<String> {
    star()
        .requirements_at_level("star3")
        .iter()
        .map(|r| r.id.clone())
        .collect()
}

#[tokio::test]
async fn list_create_answer_with_evidence_and_dashboard() {
    let s = setup().await;
    let (web, csrf) = login(&s.server, &s.assessor, true).await;
    let list = web
        .get(s.server.url(&format!("/w/{}/assessments", s.ws)))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    assert!(
        html.contains("id=\"new-assessment\"") && html.contains("アセスメントはまだありません")
    );
    assert!(
        html.contains("meti-star-draft@"),
        "the catalog select offers the ★ scheme"
    );

    let id = create(&s, &web, &csrf, "2026年度 ★3 自己評価").await;
    let page_url = s.server.url(&format!("/w/{}/assessments/{id}", s.ws));
    let html = web
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ids = star3_ids();
    let catalog = star();
    // The whole catalog is on one page, grouped, with the unverified marks of the draft scheme.
    for (_, r) in catalog.requirements() {
        assert!(
            html.contains(&format!("data-requirement=\"{}\"", r.id)),
            "row for {}",
            r.id
        );
    }
    for g in &catalog.groups {
        assert!(html.contains(&format!("id=\"g-{}\"", g.id)));
    }
    assert!(html.contains("未検証"), "unverified marks stay visible");
    assert!(html.contains("data-state=\"draft\"") && html.contains("id=\"submit\""));
    assert!(!html.contains("id=\"approve\""), "assessors do not approve");

    // One post: status, comment, owner, due, a link and a file for the first requirement; a
    // status for the second.
    let (a, b) = (&ids[0], &ids[1]);
    let fields = vec![
        ("_csrf".to_string(), csrf.clone()),
        (format!("s.{a}"), "implemented".into()),
        (format!("c.{a}"), "規程を整備済み".into()),
        (format!("o.{a}"), "情報システム部 佐藤".into()),
        (format!("d.{a}"), "2027-03-31".into()),
        (format!("e.{a}"), "https://intra.example.com/policy".into()),
        (format!("s.{b}"), "partial".into()),
        (format!("s.{}", ids[2]), "".into()),
    ];
    let evidence = "社内規程 第3版".as_bytes();
    let (ct, body) = multipart(&fields, &[(format!("f.{a}"), "policy.txt", evidence)]);
    let r = web
        .post(&page_url)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let stored = s.server.store.get_assessment(&s.ws, &id).await.unwrap();
    assert_eq!(
        stored.answers.len(),
        2,
        "the unanswered requirement stays unanswered"
    );
    let first = stored
        .answers
        .iter()
        .find(|x| &x.requirement_id == a)
        .unwrap();
    assert_eq!(first.comment, "規程を整備済み");
    assert_eq!(first.owner.as_deref(), Some("情報システム部 佐藤"));
    assert_eq!(first.due.as_deref(), Some("2027-03-31"));
    assert_eq!(first.evidence.len(), 2);
    assert!(first
        .evidence
        .contains(&"https://intra.example.com/policy".to_string()));
    let sha = first
        .evidence
        .iter()
        .find(|e| e.len() == 64)
        .expect("file evidence")
        .clone();
    let file = web
        .get(s.server.url(&format!(
            "/api/v1/workspaces/{}/assessments/{id}/evidence/{sha}",
            s.ws
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(&file.bytes().await.unwrap()[..], evidence);

    let html = web
        .get(format!("{page_url}?saved=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"saved\"") && html.contains("情報システム部 佐藤"));
    assert!(
        html.contains(&format!("/evidence/{sha}")),
        "the uploaded file is linked"
    );
    assert!(html.contains("id=\"progress\">2 / "));

    // Dashboard: radar chart with one point per group, progress, gaps.
    let dash = web
        .get(format!("{page_url}/dashboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(dash.status(), 200);
    let html = dash.text().await.unwrap();
    assert!(html.contains("<svg") && html.contains("class=\"radar"));
    assert!(html.matches("class=\"point\"").count() >= 3);
    assert!(
        html.contains(&format!("2 / {}", ids.len())),
        "progress answered / in scope"
    );
    assert!(html.contains("id=\"gaps\"") && html.contains(b.as_str()));
    assert!(
        html.contains("id=\"no-heatmap\""),
        "the ★ requirements carry no layer tags"
    );

    // DOCX through the session.
    let docx = web
        .get(s.server.url(&format!(
            "/api/v1/workspaces/{}/assessments/{id}/report.docx?lang=ja",
            s.ws
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(docx.status(), 200);
    let bytes = docx.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains("2026年度 ★3 自己評価") && xml.contains("2 / "),
        "title and progress"
    );
    assert!(
        xml.contains(&format!(">{b}<")),
        "the partial answer is listed as a gap"
    );
    let bad = web
        .get(s.server.url(&format!(
            "/api/v1/workspaces/{}/assessments/{id}/report.docx?lang=fr",
            s.ws
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("lang"));
    s.server.stop().await;
}

#[tokio::test]
async fn bad_input_names_the_field_and_stores_nothing() {
    let s = setup().await;
    let (web, csrf) = login(&s.server, &s.assessor, false).await;
    let id = create(&s, &web, &csrf, "Bad input").await;
    let page_url = s.server.url(&format!("/w/{}/assessments/{id}", s.ws));
    let ids = star3_ids();
    let cases: Vec<(Vec<(String, String)>, &str)> = vec![
        (
            vec![
                (format!("s.{}", ids[0]), "implemented".into()),
                (format!("d.{}", ids[0]), "2027-13-45".into()),
            ],
            "is not a date",
        ),
        (
            vec![
                (format!("s.{}", ids[0]), "".into()),
                (format!("c.{}", ids[0]), "comment without status".into()),
            ],
            "choose a status",
        ),
        (
            vec![
                (format!("s.{}", ids[0]), "implemented".into()),
                ("s.NOPE-99".into(), "implemented".into()),
            ],
            "NOPE-99",
        ),
        (
            vec![(format!("s.{}", ids[0]), "sort of".into())],
            "is not a status",
        ),
    ];
    for (mut fields, expected) in cases {
        fields.insert(0, ("_csrf".into(), csrf.clone()));
        let (ct, body) = multipart(&fields, &[]);
        let r = web
            .post(&page_url)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{expected}");
        let html = r.text().await.unwrap();
        assert!(html.contains(expected), "{expected} in {html}");
        assert!(
            html.contains(&ids[0]) || expected == "NOPE-99",
            "the requirement is named"
        );
    }
    assert!(
        s.server
            .store
            .get_assessment(&s.ws, &id)
            .await
            .unwrap()
            .answers
            .is_empty(),
        "nothing stored"
    );

    // Without the CSRF token nothing is saved either.
    let (ct, body) = multipart(&[(format!("s.{}", ids[0]), "implemented".into())], &[]);
    let r = web
        .post(&page_url)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(s
        .server
        .store
        .get_assessment(&s.ws, &id)
        .await
        .unwrap()
        .answers
        .is_empty());

    // Creating: unknown level and empty title are named.
    let c = star();
    for (title, level, expected) in [("x", "star9", "target_level"), ("  ", "star3", "title")] {
        let r = web
            .post(s.server.url(&format!("/w/{}/assessments", s.ws)))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("title", title),
                ("catalog", &format!("{}@{}", c.id, c.version)),
                ("level", level),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains(expected));
    }
    assert_eq!(
        s.server.store.list_assessments(&s.ws).await.unwrap().len(),
        1
    );
    s.server.stop().await;
}

#[tokio::test]
async fn review_buttons_follow_roles_and_state() {
    let s = setup().await;
    let (assessor, a_csrf) = login(&s.server, &s.assessor, false).await;
    let (admin, ad_csrf) = login(&s.server, &s.admin, false).await;
    let (viewer, v_csrf) = login(&s.server, &s.viewer, false).await;
    let id = create(&s, &assessor, &a_csrf, "Review").await;
    let url = |tail: &str| s.server.url(&format!("/w/{}/assessments/{id}{tail}", s.ws));

    // Viewers read but cannot change or submit.
    let html = viewer
        .get(url(""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"read-only\"")
            && !html.contains("id=\"save\"")
            && !html.contains("id=\"submit\"")
    );
    let (ct, body) = multipart(
        &[
            ("_csrf".into(), v_csrf.clone()),
            (format!("s.{}", star3_ids()[0]), "implemented".into()),
        ],
        &[],
    );
    assert_eq!(
        viewer
            .post(url(""))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let r = viewer
        .post(url("/submit"))
        .form(&[("_csrf", v_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Assessor submits; only administrators see and use approve / return.
    let r = assessor
        .post(url("/submit"))
        .form(&[("_csrf", a_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = assessor
        .get(url(""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-state=\"submitted\"")
            && !html.contains("id=\"approve\"")
            && html.contains("id=\"locked\"")
    );
    let r = assessor
        .post(url("/approve"))
        .form(&[("_csrf", a_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let html = admin
        .get(url(""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"approve\"") && html.contains("id=\"return\""));

    // Returning needs a comment; the comment is shown to the assessor.
    let r = admin
        .post(url("/return"))
        .form(&[("_csrf", ad_csrf.as_str()), ("comment", " ")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("comment"));
    let r = admin
        .post(url("/return"))
        .form(&[
            ("_csrf", ad_csrf.as_str()),
            ("comment", "証跡を添付してください"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = assessor
        .get(url(""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-state=\"returned\"") && html.contains("証跡を添付してください"));

    // Submit again, approve: locked for everyone.
    assessor
        .post(url("/submit"))
        .form(&[("_csrf", a_csrf.as_str())])
        .send()
        .await
        .unwrap();
    let r = admin
        .post(url("/approve"))
        .form(&[("_csrf", ad_csrf.as_str()), ("comment", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        s.server
            .store
            .get_assessment(&s.ws, &id)
            .await
            .unwrap()
            .state,
        sanso_store::assessments::AssessmentState::Approved
    );
    let (ct, body) = multipart(
        &[
            ("_csrf".into(), a_csrf.clone()),
            (format!("s.{}", star3_ids()[0]), "implemented".into()),
        ],
        &[],
    );
    assert_eq!(
        assessor
            .post(url(""))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    let html = admin
        .get(url(""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-state=\"approved\"")
            && !html.contains("id=\"save\"")
            && !html.contains("id=\"approve\"")
    );
    s.server.stop().await;
}

#[tokio::test]
async fn compare_two_assessments_of_the_same_target() {
    let s = setup().await;
    let (web, csrf) = login(&s.server, &s.assessor, false).await;
    let ids = star3_ids();
    let earlier = create(&s, &web, &csrf, "FY2025").await;
    let later = create(&s, &web, &csrf, "FY2026").await;
    for (id, status) in [(&earlier, "not_implemented"), (&later, "implemented")] {
        let (ct, body) = multipart(
            &[
                ("_csrf".into(), csrf.clone()),
                (format!("s.{}", ids[0]), status.into()),
            ],
            &[],
        );
        let url = s.server.url(&format!("/w/{}/assessments/{id}", s.ws));
        assert_eq!(
            web.post(&url)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap()
                .status(),
            303
        );
    }
    let html = web
        .get(s.server.url(&format!("/w/{}/assessments/{later}", s.ws)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"compare\"") && html.contains(&format!("value=\"{earlier}\"")));
    let r = web
        .get(s.server.url(&format!(
            "/w/{}/assessments/{later}/compare?before={earlier}",
            s.ws
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert_eq!(
        html.matches("data-change=\"improved\"").count(),
        1,
        "{html}"
    );
    assert!(html.contains("FY2025") && html.contains("FY2026"));
    s.server.stop().await;
}

#[tokio::test]
async fn another_workspaces_assessment_is_not_found() {
    let s = setup().await;
    let (web, csrf) = login(&s.server, &s.assessor, false).await;
    let id = create(&s, &web, &csrf, "秘密の評価 Secret").await;
    let (outsider, o_csrf) = login(&s.server, "outsider@example.com", false).await;
    for path in [
        format!("/w/{}/assessments", s.ws),
        format!("/w/{}/assessments/{id}", s.ws),
        format!("/w/{}/assessments/{id}", s.outsider_ws),
        format!("/w/{}/assessments/{id}/dashboard", s.outsider_ws),
        format!("/w/{}/assessments/{id}/compare?before={id}", s.outsider_ws),
        format!(
            "/api/v1/workspaces/{}/assessments/{id}/report.docx",
            s.outsider_ws
        ),
        format!("/api/v1/workspaces/{}/assessments/{id}/report.docx", s.ws),
    ] {
        let r = outsider.get(s.server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert!(!r.text().await.unwrap().contains("Secret"), "{path}");
    }
    for tail in ["/submit", "/approve", "/adopt"] {
        let r = outsider
            .post(
                s.server
                    .url(&format!("/w/{}/assessments/{id}{tail}", s.outsider_ws)),
            )
            .form(&[("_csrf", o_csrf.as_str()), ("requirement", "*")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{tail}");
    }
    // Signed out: the page sends to sign-in rather than showing anything.
    let r = browser_client()
        .get(s.server.url(&format!("/w/{}/assessments/{id}", s.ws)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        s.server
            .store
            .get_assessment(&s.ws, &id)
            .await
            .unwrap()
            .state,
        sanso_store::assessments::AssessmentState::Draft
    );
    s.server.stop().await;
}

#[tokio::test]
async fn inferred_answers_show_their_path_and_can_be_adopted() {
    let s = setup().await;
    let (web, csrf) = login(&s.server, &s.assessor, false).await;
    // The ★ self-assessment is answered in full…
    let star_id = create(&s, &web, &csrf, "★3 answered").await;
    let answers: Vec<sanso_catalog::Answer> = star()
        .requirements()
        .into_iter()
        .map(|(_, r)| {
            sanso_catalog::Answer::new(r.id.clone(), sanso_catalog::AnswerStatus::Implemented)
        })
        .collect();
    s.server
        .store
        .set_answers(&Actor::cli(), &s.ws, &star_id, answers)
        .await
        .unwrap();
    // …and a CPSF assessment of the same target receives answers through ★ → CSF 2.0 → CPSF.
    let cpsf = builtin_catalog("cpsf").unwrap();
    let r = web
        .post(s.server.url(&format!("/w/{}/assessments", s.ws)))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("title", "CPSF"),
            ("catalog", &format!("{}@{}", cpsf.id, cpsf.version)),
            ("level", ""),
            ("target", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let url = s.server.url(r.headers()["location"].to_str().unwrap());
    let html = web.get(&url).send().await.unwrap().text().await.unwrap();
    let inferred = html.matches("data-inferred=").count();
    assert!(
        inferred > 0,
        "some CPSF requirements are inferred from the ★ answers"
    );
    assert!(
        html.contains("nist-csf") || html.contains("→"),
        "the path is shown"
    );
    assert!(html.contains("id=\"adopt-all\""));
    let r = web
        .post(format!("{url}/adopt"))
        .form(&[("_csrf", csrf.as_str()), ("requirement", "*")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let id = url.rsplit('/').next().unwrap();
    let stored = s.server.store.get_assessment(&s.ws, id).await.unwrap();
    assert_eq!(
        stored.answers.len(),
        inferred,
        "every inferred answer adopted"
    );
    assert!(stored.answers.iter().all(|a| a
        .comment
        .starts_with("Adopted from an inferred answer (★3 answered")));
    // Adopting again finds nothing left to adopt, and says so.
    let r = web
        .post(format!("{url}/adopt"))
        .form(&[("_csrf", csrf.as_str()), ("requirement", "*")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    s.server.stop().await;
}

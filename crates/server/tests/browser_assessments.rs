//! End-to-end in headless Chromium: a Japanese-speaking assessor answers part of the ★3 set,
//! attaches evidence (a file and a link), submits; the administrator approves and sees the radar
//! chart; the browser downloads the XLSX questionnaire and the DOCX report, which the test parses
//! back (calamine; unzip + word/document.xml) and checks.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver`. `SANSO_SKIP_BROWSER_TESTS=1` skips it
//! (loudly).

#[path = "common/browser.rs"]
mod browser_kit;
mod common;

use std::io::{Cursor, Read};

use base64::Engine;
use browser_kit::*;
use calamine::{Reader, Xlsx};
use common::TestServer;
use fantoccini::{Client, Locator};
use sanso_catalog::builtin::builtin_catalog;
use sanso_core::access::Role;
use sanso_store::Actor;

const PASSWORD: &str = "correct horse battery";

async fn sign_in(c: &Client, server: &TestServer, email: &str) {
    c.goto(&server.url("/login")).await.unwrap();
    fill(c, "#login input[name=email]", email).await;
    fill(c, "#login input[name=password]", PASSWORD).await;
    click(c, "#login button[type=submit]").await;
}

async fn pick(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Fetches `href` inside the browser (its session cookie and all) and returns status and bytes.
async fn download(c: &Client, href: &str) -> (u64, String, Vec<u8>) {
    let script = r#"
        const [url, done] = arguments;
        fetch(url, {credentials: 'same-origin'})
          .then(r => r.arrayBuffer().then(b => {
            const u = new Uint8Array(b); let s = '';
            for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
            done({status: r.status, type: r.headers.get('content-type') || '', body: btoa(s)});
          }))
          .catch(e => done({status: 0, type: String(e), body: ''}));
    "#;
    let v = c
        .execute_async(script, vec![serde_json::Value::String(href.to_string())])
        .await
        .unwrap();
    let body = base64::engine::general_purpose::STANDARD
        .decode(v["body"].as_str().unwrap_or(""))
        .unwrap();
    (
        v["status"].as_u64().unwrap_or(0),
        v["type"].as_str().unwrap_or("").to_string(),
        body,
    )
}

async fn href_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .attr("href")
        .await
        .unwrap()
        .expect("a link")
}

#[tokio::test]
async fn japanese_assessor_answers_star3_and_approver_gets_reports() {
    if std::env::var("SANSO_SKIP_BROWSER_TESTS").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: browser test (SANSO_SKIP_BROWSER_TESTS=1)");
        return;
    }
    let server = TestServer::start().await;
    let actor = Actor::cli();
    let (_, ws) = server
        .store
        .create_first_admin(
            &actor,
            "approver@buyer.example",
            "承認者",
            PASSWORD,
            "部品メーカー",
        )
        .await
        .unwrap();
    let assessor = server
        .store
        .create_user(&actor, "assessor@buyer.example", "評価担当", PASSWORD)
        .await
        .unwrap();
    server
        .store
        .set_member_role(&actor, &ws.id, &assessor.id, Role::Assessor)
        .await
        .unwrap();
    let star = builtin_catalog("meti-star-draft").unwrap();
    let star3: Vec<String> = star
        .requirements_at_level("star3")
        .iter()
        .map(|r| r.id.clone())
        .collect();

    let driver = start_chromedriver().await;
    let c = browser(&driver).await;

    // The assessor signs in and switches to Japanese.
    sign_in(&c, &server, "assessor@buyer.example").await;
    c.goto(&server.url(&format!("/lang/ja?next=/w/{}/assessments", ws.id)))
        .await
        .unwrap();
    assert!(page_text(&c).await.contains("新しいアセスメント"));

    // A ★3 assessment of the whole workspace.
    fill(
        &c,
        "#new-assessment input[name=title]",
        "2026年度 ★3 自己評価",
    )
    .await;
    pick(
        &c,
        &format!(
            "#new-assessment select[name=catalog] option[value=\"{}@{}\"]",
            star.id, star.version
        ),
    )
    .await;
    pick(
        &c,
        "#new-assessment select[name=level] option[value=\"star3\"]",
    )
    .await;
    click(&c, "#new-assessment button[type=submit]").await;
    let text = page_text(&c).await;
    assert!(
        text.contains("下書き") && text.contains("未検証"),
        "state and unverified marks shown"
    );

    // Answer the first three ★3 requirements; evidence for the first: a file and a link.
    let evidence = std::env::temp_dir().join(format!("sanso-evidence-{}.txt", std::process::id()));
    std::fs::write(&evidence, "情報セキュリティ基本方針 第2版").unwrap();
    let statuses = ["implemented", "partial", "not_implemented"];
    let comments = [
        "基本方針を策定し全社に周知",
        "一部の拠点のみ実施",
        "来期に計画",
    ];
    for (i, rid) in star3.iter().take(3).enumerate() {
        pick(
            &c,
            &format!("select[name=\"s.{rid}\"] option[value=\"{}\"]", statuses[i]),
        )
        .await;
        fill(&c, &format!("textarea[name=\"c.{rid}\"]"), comments[i]).await;
        fill(
            &c,
            &format!("input[name=\"o.{rid}\"]"),
            "情報システム部 佐藤",
        )
        .await;
    }
    let first = &star3[0];
    fill(
        &c,
        &format!("input[name=\"e.{first}\"]"),
        "https://intra.example.jp/policy",
    )
    .await;
    c.find(Locator::Css(&format!("input[name=\"f.{first}\"]")))
        .await
        .unwrap()
        .send_keys(&evidence.display().to_string())
        .await
        .unwrap();
    click(&c, "#save").await;
    let text = page_text(&c).await;
    assert!(text.contains("回答を保存しました"), "{text}");
    let stored = server
        .store
        .get_assessment(
            &ws.id,
            c.current_url()
                .await
                .unwrap()
                .path()
                .rsplit('/')
                .next()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(stored.answers.len(), 3);
    let first_answer = stored
        .answers
        .iter()
        .find(|a| &a.requirement_id == first)
        .unwrap();
    assert_eq!(first_answer.evidence.len(), 2, "file and link attached");
    let id = stored.id.clone();

    // Submit, sign out.
    click(&c, "#submit").await;
    assert!(page_text(&c).await.contains("提出済み"));
    click(&c, "header form button").await;

    // The approver approves and lands on the dashboard with the radar chart.
    sign_in(&c, &server, "approver@buyer.example").await;
    c.goto(&server.url(&format!("/lang/ja?next=/w/{}/assessments/{id}", ws.id)))
        .await
        .unwrap();
    click(&c, "#approve").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/dashboard"));
    let text = page_text(&c).await;
    assert!(
        text.contains("承認済み") && text.contains("ダッシュボード"),
        "{text}"
    );
    let points = c.find_all(Locator::Css("#radar svg .point")).await.unwrap();
    assert!(
        points.len() >= 3,
        "radar chart with {} points",
        points.len()
    );
    let mut values = Vec::new();
    for p in &points {
        values.push(p.attr("data-value").await.unwrap().unwrap_or_default());
    }
    assert!(
        values.iter().any(|v| v != "0.0"),
        "the answers show on the radar: {values:?}"
    );
    assert!(text.contains(&format!("3 / {}", star3.len())), "progress");

    // XLSX questionnaire, downloaded by the browser and read back.
    let (status, media, xlsx) = download(&c, &href_of(&c, "#xlsx-link").await).await;
    assert_eq!(status, 200, "{media}");
    assert!(media.contains("spreadsheetml"));
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(xlsx)).expect("an XLSX that opens");
    let mut rows_found = 0;
    for sheet in book.sheet_names().to_vec() {
        let range = book.worksheet_range(&sheet).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            for (i, rid) in star3.iter().take(3).enumerate() {
                if cells.iter().any(|c| c == rid) && cells.iter().any(|c| c == comments[i]) {
                    rows_found += 1;
                }
            }
        }
    }
    assert_eq!(rows_found, 3, "the three answers are in the questionnaire");

    // DOCX report, downloaded and read back.
    let (status, media, docx) = download(&c, &href_of(&c, "#docx-link").await).await;
    assert_eq!(status, 200, "{media}");
    assert!(media.contains("wordprocessingml"));
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("a DOCX that opens");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for expected in [
        "2026年度 ★3 自己評価",
        "承認済み",
        "部品メーカー",
        star3[1].as_str(),
        "一部の拠点のみ実施",
        "目標レベルに対するギャップ",
    ] {
        assert!(xml.contains(expected), "document.xml lacks {expected:?}");
    }
    let _ = std::fs::remove_file(&evidence);
    c.close().await.unwrap();
    server.stop().await;
}

//! Benchmark: a generated 2,000-requirement catalog (20 groups × 100 requirements, tagged with
//! CPSF layer, component and function so the heatmap is drawn) and an assessment answering
//! every requirement; times the server's answer page, dashboard (radar + heatmap), XLSX
//! questionnaire export and DOCX report over HTTP on localhost.
//!
//! `cargo run --release -p sanso-server --example assessment_bench` (SQLite in a temporary
//! directory; PostgreSQL with `SANSO_TEST_DATABASE_URL`). Prints median and worst of 30 runs.

use std::time::{Duration, Instant};

use sanso_catalog::{
    Answer, AnswerStatus, Catalog, ComponentKind, CpsfFunction, Group, Layer, Level, LocalizedText,
    Requirement, ScoringMethod, ScoringScheme,
};
use sanso_store::assessments::NewAssessment;
use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Store};

const GROUPS: usize = 20;
const PER_GROUP: usize = 100;
const RUNS: usize = 30;

fn catalog() -> Catalog {
    let text = |ja: String, en: String| LocalizedText::new(ja, en);
    let groups = (0..GROUPS)
        .map(|g| Group {
            id: format!("G{g:02}"),
            title: text(format!("グループ{g}"), format!("Group {g}")),
            description: LocalizedText::default(),
            function: None,
            verified: true,
            verification_note: LocalizedText::default(),
            properties: Default::default(),
            groups: Vec::new(),
            requirements: (0..PER_GROUP)
                .map(|r| Requirement {
                    id: format!("G{g:02}-{r:03}"),
                    title: text(
                        format!("要件 {g}-{r}: 対策を実施し記録を残す"),
                        format!("Requirement {g}-{r}: apply the measure and keep records"),
                    ),
                    text: text(
                        "対策の内容と実施状況を確認する。".into(),
                        "Check what the measure is and how far it is applied.".into(),
                    ),
                    guidance: text(
                        "規程、記録、設定画面などを証跡として示す。".into(),
                        "Show policies, records or settings as evidence.".into(),
                    ),
                    levels: vec![if r % 2 == 0 {
                        "lv1".into()
                    } else {
                        "lv2".into()
                    }],
                    criteria: Vec::new(),
                    layers: vec![Layer::ALL[r % 3]],
                    components: vec![ComponentKind::ALL[(g + r) % 6]],
                    functions: vec![CpsfFunction::ALL[r % 4]],
                    phases: Vec::new(),
                    verified: r % 10 != 0,
                    verification_note: LocalizedText::default(),
                    properties: Default::default(),
                })
                .collect(),
        })
        .collect();
    let level = |id: &str, includes: Vec<String>| Level {
        id: id.into(),
        title: LocalizedText::new(id, id),
        description: LocalizedText::default(),
        includes,
        verified: true,
        verification_note: LocalizedText::default(),
    };
    Catalog {
        id: "bench-2000".into(),
        version: "1".into(),
        title: LocalizedText::new("ベンチマーク用カタログ", "Benchmark catalog"),
        source: "generated".into(),
        notes: Vec::new(),
        levels: vec![level("lv1", vec![]), level("lv2", vec!["lv1".into()])],
        scoring: ScoringScheme {
            method: ScoringMethod::Status {
                partial_credit: 0.5,
            },
            bands: Vec::new(),
            band_basis: Default::default(),
        },
        phases: Vec::new(),
        vocabularies: Vec::new(),
        groups,
    }
}

async fn time(client: &reqwest::Client, url: &str, cookie: &str) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let r = client
            .get(url)
            .header("cookie", cookie)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200, "{url}");
        size = r.bytes().await.expect("body").len();
        times.push(start.elapsed());
    }
    times.sort();
    (times, size)
}

#[tokio::main]
async fn main() {
    let installation = TestInstallation::new().await;
    let store = Store::open(&installation.config).await.expect("store");
    let actor = Actor::cli();
    let (user, ws) = store
        .create_first_admin(
            &actor,
            "bench@example.com",
            "Bench",
            "a long password",
            "Bench",
        )
        .await
        .expect("admin");
    let catalog = catalog();
    store
        .import_catalog(&actor, &ws.id, catalog.clone())
        .await
        .expect("catalog");
    let record = store
        .create_assessment(
            &actor,
            &ws.id,
            NewAssessment {
                catalog_id: catalog.id.clone(),
                catalog_version: catalog.version.clone(),
                target_level: Some("lv2".into()),
                target_node_id: None,
                title: "2,000 requirements".into(),
            },
        )
        .await
        .expect("assessment");
    let answers: Vec<Answer> = catalog
        .requirements()
        .into_iter()
        .enumerate()
        .map(|(i, (_, r))| {
            let mut a = Answer::new(r.id.clone(), AnswerStatus::ALL[i % 5]);
            a.comment = format!("確認済み {i}");
            a.owner = Some("情報システム部".into());
            a.due = Some("2027-03-31".into());
            a
        })
        .collect();
    store
        .set_answers(&actor, &ws.id, &record.id, answers)
        .await
        .expect("answers");
    let secret = store.create_session(&user.id).await.expect("session");
    let cookie = format!("sanso_session={secret}");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = sanso_server::ServerConfig {
        public_url: base.clone(),
        ..Default::default()
    };
    let serve_store = store.clone();
    tokio::spawn(async move {
        sanso_server::serve(listener, serve_store, config, std::future::pending())
            .await
            .expect("serve");
    });
    let client = reqwest::Client::new();
    let page = format!("{base}/w/{}/assessments/{}", ws.id, record.id);
    let api = format!(
        "{base}/api/v1/workspaces/{}/assessments/{}",
        ws.id, record.id
    );
    // One warm-up of each, so caches (built-in catalogs, mappings) are not counted.
    for url in [
        page.clone(),
        format!("{page}/dashboard"),
        format!("{api}/questionnaire.xlsx"),
    ] {
        time(&client, &url, &cookie).await;
    }
    println!(
        "backend: {}",
        if installation.config.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!(
        "{} requirements, all answered; {RUNS} runs each",
        catalog.requirement_count()
    );
    for (name, url) in [
        ("answer page", page.clone()),
        ("dashboard", format!("{page}/dashboard")),
        ("XLSX export", format!("{api}/questionnaire.xlsx")),
        ("DOCX report", format!("{api}/report.docx")),
    ] {
        let (times, size) = time(&client, &url, &cookie).await;
        println!(
            "{name:12} median {:7.1} ms  worst {:7.1} ms  ({} KiB)",
            times[times.len() / 2].as_secs_f64() * 1000.0,
            times[times.len() - 1].as_secs_f64() * 1000.0,
            size / 1024
        );
    }
}

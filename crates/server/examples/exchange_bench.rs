//! Exchange benchmark (issue 3): import of NIST SP 800-53 rev5 (OSCAL JSON, parse + map + store)
//! and XLSX export of a 2,000-requirement assessment with every requirement answered.
//!
//! ```text
//! cargo run --release -p sanso-server --example exchange_bench
//! ```
//! Uses a fresh SQLite installation in a temporary directory (or PostgreSQL with
//! `SANSO_TEST_DATABASE_URL`). Prints the median of several runs of each step.

use std::time::{Duration, Instant};

use sanso_catalog::{
    Answer, AnswerStatus, Catalog, Group, Lang, LocalizedText, Requirement, ScoringMethod,
    ScoringScheme,
};
use sanso_server::exchange::{
    self, AssessmentBundle, AssessmentFormat, CatalogImportOptions, UploadedFile,
};
use sanso_store::assessments::NewAssessment;
use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Store};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// 2,000 requirements in 40 groups of 50.
fn big_catalog() -> Catalog {
    let groups = (0..40)
        .map(|g| Group {
            id: format!("G{g:02}"),
            title: LocalizedText::new(format!("グループ {g}"), format!("Group {g}")),
            description: LocalizedText::default(),
            function: None,
            verified: true,
            verification_note: LocalizedText::default(),
            properties: Default::default(),
            requirements: (0..50)
                .map(|r| Requirement {
                    id: format!("G{g:02}-R{r:02}"),
                    title: LocalizedText::new(
                        format!("要求事項 {g}-{r}: 資産台帳を整備し定期的に見直す"),
                        format!("Requirement {g}-{r}: keep and review the asset inventory"),
                    ),
                    text: LocalizedText::new(
                        "台帳を年1回以上見直すこと。",
                        "Review at least yearly.",
                    ),
                    guidance: LocalizedText::default(),
                    levels: Vec::new(),
                    criteria: Vec::new(),
                    layers: Vec::new(),
                    components: Vec::new(),
                    functions: Vec::new(),
                    phases: Vec::new(),
                    verified: true,
                    verification_note: LocalizedText::default(),
                    properties: Default::default(),
                })
                .collect(),
            groups: Vec::new(),
        })
        .collect();
    Catalog {
        id: "bench-2000".into(),
        version: "1".into(),
        title: LocalizedText::new("ベンチマーク", "Benchmark"),
        source: String::new(),
        notes: Vec::new(),
        levels: Vec::new(),
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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/oscal/NIST_SP-800-53_rev5_catalog.json"
    );
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let inst = TestInstallation::new().await;
    let store = Store::open(&inst.config).await?;
    let (_, ws) = store
        .create_first_admin(
            &Actor::cli(),
            "bench@example.com",
            "Bench",
            "a long password",
            "Bench",
        )
        .await?;
    let ws = ws.id;

    let mut import_runs = Vec::new();
    let mut requirements = 0;
    for run in 0..5 {
        let start = Instant::now();
        let files = vec![UploadedFile {
            name: "NIST_SP-800-53_rev5_catalog.json".into(),
            bytes: bytes.clone(),
        }];
        let options = CatalogImportOptions {
            id: Some("sp800-53".into()),
            version: Some(format!("5.1.1-run{run}")),
            ..CatalogImportOptions::default()
        };
        let (catalog, _) =
            exchange::catalog_from_files(&files, &options).map_err(|e| e.to_string())?;
        let summary = store.import_catalog(&Actor::cli(), &ws, catalog).await?;
        requirements = summary.requirements;
        import_runs.push(start.elapsed());
    }
    println!(
        "import SP 800-53 rev5 (OSCAL JSON, {} KiB, {requirements} requirements) parse+map+store: median {:?} of {}",
        bytes.len() / 1024,
        median(import_runs.clone()),
        import_runs.len()
    );

    let catalog = big_catalog();
    store
        .import_catalog(&Actor::cli(), &ws, catalog.clone())
        .await?;
    let record = store
        .create_assessment(
            &Actor::cli(),
            &ws,
            NewAssessment {
                catalog_id: catalog.id.clone(),
                catalog_version: catalog.version.clone(),
                target_level: None,
                target_node_id: None,
                title: "2,000 rows".into(),
            },
        )
        .await?;
    let statuses = [
        AnswerStatus::Implemented,
        AnswerStatus::Partial,
        AnswerStatus::NotImplemented,
        AnswerStatus::Unknown,
    ];
    let answers: Vec<Answer> = catalog
        .requirements()
        .into_iter()
        .enumerate()
        .map(|(i, (_, r))| {
            let mut a = Answer::new(&r.id, statuses[i % statuses.len()]);
            a.comment = format!("コメント {i}");
            a
        })
        .collect();
    store
        .set_answers(&Actor::cli(), &ws, &record.id, answers)
        .await?;
    let mut export_runs = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let (record, catalog) = store.assessment_with_catalog(&ws, &record.id).await?;
        let plan = store.list_plan_items(&ws, Some(&record.id)).await?;
        let xlsx = exchange::export_assessment(
            &AssessmentBundle {
                record: &record,
                catalog: &catalog,
                plan: &plan,
                lang: Lang::Ja,
            },
            AssessmentFormat::Xlsx,
        )
        .map_err(|e| e.to_string())?;
        size = xlsx.len();
        export_runs.push(start.elapsed());
    }
    println!(
        "XLSX export of a 2,000-requirement assessment (read from store + write, {} KiB): median {:?} of {}",
        size / 1024,
        median(export_runs.clone()),
        export_runs.len()
    );
    Ok(())
}

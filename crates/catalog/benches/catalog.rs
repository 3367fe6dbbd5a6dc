//! Benchmarks over the built-in catalogs and a generated large one (1,000 requirements with
//! 4 criteria each, a 3,000-entry mapping): YAML load, scoring, inference, tabular import and
//! the questionnaire round trip. Run: `cargo bench -p sanso-catalog --bench catalog`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sanso_catalog::assessment::CriterionResult;
use sanso_catalog::builtin::{builtin_catalog, try_builtin_catalogs};
use sanso_catalog::questionnaire;
use sanso_catalog::tabular::{import_csv, ImportOptions};
use sanso_catalog::yaml::{catalog_from_yaml, catalog_to_yaml};
use sanso_catalog::{
    builtin_mappings, infer_answers, score, Answer, AnswerStatus, Catalog, Lang, MappingEntry,
    MappingSet, Relationship,
};

const REQUIREMENTS: usize = 1_000;

/// A CSV table of `REQUIREMENTS` rows in 50 groups, 4 criteria each, two levels.
fn generated_csv(prefix: &str) -> String {
    let mut csv = String::from(
        "framework,version,group_path,requirement_id,title_ja,title_en,levels,criteria_en,layers,components,functions\n",
    );
    let layers = ["L1", "L2", "L3"];
    let components = [
        "organization",
        "people",
        "component",
        "data",
        "procedure",
        "system",
    ];
    let functions = ["identify", "protect", "detect", "respond-recover"];
    for i in 0..REQUIREMENTS {
        let criteria: Vec<String> = (1..=4)
            .map(|c| format!("Criterion {c} of requirement {i}"))
            .collect();
        csv.push_str(&format!(
            "{prefix},1,F{} > {prefix}.G{},{prefix}-{i},要件{i},Requirement {i},{},\"{}\",{},{},{}\n",
            (i % 50) % 4,
            i % 50,
            if i % 3 == 0 { "advanced" } else { "basic" },
            criteria.join("\n"),
            layers[i % 3],
            components[i % 6],
            functions[i % 4],
        ));
    }
    csv
}

fn generated(prefix: &str) -> Catalog {
    let mut options = ImportOptions::new_catalog("", "");
    options.scoring = Some(sanso_catalog::ScoringScheme {
        method: sanso_catalog::ScoringMethod::CriteriaMet,
        bands: vec![],
        band_basis: Default::default(),
    });
    import_csv(generated_csv(prefix).as_bytes(), "generated.csv", &options)
        .unwrap_or_else(|errors| panic!("generated table invalid: {errors:?}"))
}

fn answers_for(catalog: &Catalog) -> Vec<Answer> {
    catalog
        .requirements()
        .into_iter()
        .enumerate()
        .map(|(i, (_, r))| {
            let mut answer = Answer::new(&r.id, AnswerStatus::ALL[i % 5]);
            answer.criteria = r
                .criteria
                .iter()
                .enumerate()
                .map(|(j, c)| CriterionResult {
                    criterion_id: c.id.clone(),
                    met: (i + j) % 3 != 0,
                })
                .collect();
            answer
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    c.bench_function("load+validate 5 built-in catalogs (YAML)", |b| {
        b.iter(|| black_box(try_builtin_catalogs().map(|v| v.len())))
    });

    let big = generated("A");
    let big_yaml = catalog_to_yaml(&big).unwrap_or_default();
    c.bench_function("parse+validate 1k-requirement catalog (YAML)", |b| {
        b.iter(|| {
            black_box(catalog_from_yaml(&big_yaml, "big.yaml").map(|c| c.requirement_count()))
        })
    });

    let csv = generated_csv("A");
    c.bench_function("tabular import 1k-row CSV", |b| {
        b.iter(|| {
            black_box(
                import_csv(csv.as_bytes(), "g.csv", &ImportOptions::new_catalog("", "")).is_ok(),
            )
        })
    });

    let answers = answers_for(&big);
    c.bench_function("score 1k requirements / 4k criteria with aggregates", |b| {
        b.iter(|| black_box(score(&big, &answers, Some("advanced")).map(|r| r.overall.total)))
    });

    // A → B with 3 entries per requirement (one equivalent, two intersecting).
    let other = generated("B");
    let mapping = MappingSet {
        id: "a-to-b".into(),
        title: Default::default(),
        source: big.reference(),
        target: other.reference(),
        notes: vec![],
        entries: (0..REQUIREMENTS)
            .flat_map(|i| {
                [
                    (
                        format!("A-{i}"),
                        format!("B-{i}"),
                        Relationship::EquivalentTo,
                    ),
                    (
                        format!("A-{i}"),
                        format!("B-{}", (i + 1) % REQUIREMENTS),
                        Relationship::IntersectsWith,
                    ),
                    (
                        format!("A-{i}"),
                        format!("B-{}", (i + 7) % REQUIREMENTS),
                        Relationship::SubsetOf,
                    ),
                ]
            })
            .map(|(source, target, relationship)| MappingEntry {
                source,
                relationship,
                target,
                comment: String::new(),
            })
            .collect(),
    };
    let sets = vec![mapping];
    c.bench_function("infer answers 1k→1k over 3k mapping entries", |b| {
        b.iter(|| black_box(infer_answers(&big, &answers, &sets, &other).len()))
    });

    if let (Some(star), Some(cpsf)) = (builtin_catalog("meti-star-draft"), builtin_catalog("cpsf"))
    {
        let star_answers: Vec<Answer> = star
            .requirements()
            .into_iter()
            .map(|(_, r)| Answer::new(&r.id, AnswerStatus::Implemented))
            .collect();
        let builtin_sets = builtin_mappings();
        c.bench_function("infer ★ → CPSF via CSF 2.0 (2 hops, built-in)", |b| {
            b.iter(|| black_box(infer_answers(&star, &star_answers, &builtin_sets, &cpsf).len()))
        });
        let star_full = answers_for(&star);
        c.bench_function("questionnaire export ★4 (59 + 152 rows)", |b| {
            b.iter(|| {
                black_box(
                    questionnaire::export(&star, Some("star4"), &star_full, Lang::Ja)
                        .map(|v| v.len()),
                )
            })
        });
        let bytes =
            questionnaire::export(&star, Some("star4"), &star_full, Lang::Ja).unwrap_or_default();
        c.bench_function("questionnaire import ★4 (59 + 152 rows)", |b| {
            b.iter(|| black_box(questionnaire::import(&bytes, &star).map(|a| a.len())))
        });
    }

    let bytes = questionnaire::export(&big, None, &answers, Lang::En).unwrap_or_default();
    let mut group = c.benchmark_group("large questionnaire");
    group.sample_size(10);
    group.bench_function("export 1k requirements + 4k criteria", |b| {
        b.iter(|| black_box(questionnaire::export(&big, None, &answers, Lang::En).map(|v| v.len())))
    });
    group.bench_function("import 1k requirements + 4k criteria", |b| {
        b.iter(|| black_box(questionnaire::import(&bytes, &big).map(|a| a.len())))
    });
    group.finish();
}

criterion_group!(catalog, benches);
criterion_main!(catalog);

//! Scoring per scheme, bands, aggregates, levels attained, gaps and comparisons.

use sanso_catalog::assessment::{Change, CriterionResult};
use sanso_catalog::builtin::builtin_catalog;
use sanso_catalog::yaml::catalog_from_yaml;
use sanso_catalog::{
    compare, gaps, score, Answer, AnswerStatus, AssessmentError, Catalog, CpsfFunction,
};

fn catalog(id: &str) -> Catalog {
    builtin_catalog(id).unwrap_or_else(|| panic!("built-in {id} missing"))
}

fn all(catalog: &Catalog, status: AnswerStatus) -> Vec<Answer> {
    catalog
        .requirements()
        .into_iter()
        .map(|(_, r)| Answer::new(&r.id, status))
        .collect()
}

#[test]
fn sme_self_check_points_and_bands() {
    let check = catalog("sme-self-check");
    let perfect = score(&check, &all(&check, AnswerStatus::Implemented), None).expect("score");
    assert_eq!((perfect.overall.total, perfect.overall.max), (100.0, 100.0));
    assert_eq!(perfect.band.as_ref().map(|b| b.min), Some(100.0));

    let worst = score(&check, &all(&check, AnswerStatus::Unknown), None).expect("score");
    assert_eq!(worst.overall.total, -25.0);
    assert_eq!(worst.band.as_ref().map(|b| b.min), Some(-25.0));

    // No answers at all counts as "don't know" everywhere.
    assert_eq!(
        score(&check, &[], None).expect("score").overall.total,
        -25.0
    );

    // 20 implemented (80) + 2 partial (4) + 2 not (0) + 1 N/A (4 points) = 88 → "some lacking".
    let mut answers = all(&check, AnswerStatus::Implemented);
    answers[20].status = AnswerStatus::Partial;
    answers[21].status = AnswerStatus::Partial;
    answers[22].status = AnswerStatus::NotImplemented;
    answers[23].status = AnswerStatus::NotImplemented;
    answers[24].status = AnswerStatus::NotApplicable;
    let report = score(&check, &answers, None).expect("score");
    assert_eq!(report.overall.total, 88.0);
    assert_eq!(report.band.as_ref().map(|b| b.min), Some(70.0));
    // Part 3 (7 questions: 19-25) holds all the shortfalls: 4+4+2+2+0+0+4 = 16 of 28.
    let part3 = report
        .groups
        .iter()
        .find(|g| g.group_id == "P3")
        .expect("P3");
    assert_eq!((part3.aggregate.total, part3.aggregate.max), (16.0, 28.0));
}

#[test]
fn star_levels_gaps_and_criteria() {
    let star = catalog("meti-star-draft");
    // Every criterion of every ★3 entry met, ★4 entries untouched.
    let star3_answers: Vec<Answer> = star
        .requirements_at_level("star3")
        .into_iter()
        .map(|r| {
            let mut a = Answer::new(&r.id, AnswerStatus::Implemented);
            a.criteria = r
                .criteria
                .iter()
                .map(|c| CriterionResult {
                    criterion_id: c.id.clone(),
                    met: true,
                })
                .collect();
            a
        })
        .collect();
    let report = score(&star, &star3_answers, Some("star3")).expect("score");
    assert_eq!(report.levels_attained, vec!["star3".to_string()]);
    assert_eq!(report.overall.percentage, Some(100.0));
    assert!(gaps(&star, &star3_answers, "star3")
        .expect("gaps")
        .is_empty());
    let star4_gaps = gaps(&star, &star3_answers, "star4").expect("gaps");
    assert_eq!(star4_gaps.len(), 34);

    // One unmet criterion loses ★3 and names the criterion.
    let mut one_short = star3_answers.clone();
    one_short[0].criteria[1].met = false;
    let first = one_short[0].requirement_id.clone();
    let report = score(&star, &one_short, None).expect("score");
    assert!(report.levels_attained.is_empty());
    let found = gaps(&star, &one_short, "star3").expect("gaps");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].requirement_id, first);
    assert_eq!(
        found[0].unmet_criteria,
        vec![one_short[0].criteria[1].criterion_id.clone()]
    );
}

#[test]
fn answers_that_do_not_fit_are_rejected_with_their_index() {
    let star = catalog("meti-star-draft");
    let mut bad = Answer::new("E01", AnswerStatus::Implemented);
    bad.criteria.push(CriterionResult {
        criterion_id: "E02.1".into(),
        met: true,
    });
    let answers = vec![
        Answer::new("E99", AnswerStatus::Implemented),
        bad,
        Answer::new("E01", AnswerStatus::Partial),
    ];
    let errors = score(&star, &answers, None).expect_err("invalid");
    assert!(matches!(
        &errors[0],
        AssessmentError::UnknownRequirement { index: 0, .. }
    ));
    assert!(matches!(
        &errors[1],
        AssessmentError::UnknownCriterion {
            index: 1,
            criterion_index: 0,
            ..
        }
    ));
    assert!(matches!(
        &errors[2],
        AssessmentError::DuplicateAnswer {
            index: 2,
            first: 1,
            ..
        }
    ));
    assert_eq!(
        errors[2].to_string(),
        "answers[2]: requirement \"E01\" is answered twice (first at answers[1])"
    );
    assert!(
        matches!(score(&star, &[], Some("star9")), Err(e) if e == vec![AssessmentError::UnknownLevel("star9".into())])
    );
}

#[test]
fn maturity_scores_radar_and_met_threshold() {
    let guidelines = catalog("meti-cyber-management-guidelines");
    let answers: Vec<Answer> = guidelines
        .requirements()
        .into_iter()
        .enumerate()
        .map(|(i, (_, r))| {
            let mut a = Answer::new(&r.id, AnswerStatus::Partial);
            a.score = Some((i % 6) as f64); // 0,1,2,3,4,5,0,1,2,3
            a
        })
        .collect();
    let report = score(&guidelines, &answers, None).expect("score");
    assert_eq!((report.overall.total, report.overall.max), (21.0, 50.0));
    assert_eq!(report.overall.met, 4); // levels 3,4,5,3
    assert_eq!(report.band.as_ref().map(|b| b.min), Some(40.0));
    // One radar axis per group.
    assert_eq!(report.groups.len(), 5);
    let g1 = &report.groups[0];
    assert_eq!((g1.aggregate.total, g1.aggregate.max), (3.0, 15.0));

    let mut out_of_range = answers.clone();
    out_of_range[0].score = Some(6.0);
    assert!(matches!(
        score(&guidelines, &out_of_range, None).expect_err("range")[0],
        AssessmentError::ScoreOutOfRange { index: 0, .. }
    ));
}

const TAGGED: &str = r#"
id: tagged
version: "1"
title: {en: Tagged}
scoring: {method: {kind: status, partial_credit: 0.5}}
groups:
  - id: G
    title: {en: G}
    function: protect
    requirements:
      - {id: R1, title: {en: r1}, layers: [L1], components: [organization, people]}
      - {id: R2, title: {en: r2}, layers: [L1], components: [people], functions: [detect]}
      - {id: R3, title: {en: r3}, layers: [L2, L3], components: [component]}
      - {id: R4, title: {en: r4}}
"#;

#[test]
fn function_aggregates_and_layer_component_heatmap() {
    let catalog = catalog_from_yaml(TAGGED, "tagged.yaml").expect("valid");
    let answers = vec![
        Answer::new("R1", AnswerStatus::Implemented),
        Answer::new("R2", AnswerStatus::Partial),
        Answer::new("R3", AnswerStatus::NotImplemented),
        Answer::new("R4", AnswerStatus::NotApplicable),
    ];
    let report = score(&catalog, &answers, None).expect("score");
    assert_eq!((report.overall.total, report.overall.max), (1.5, 3.0));
    // R1, R3 (and N/A R4) inherit the group's Protect; R2 has its own Detect.
    let protect = report
        .functions
        .iter()
        .find(|f| f.function == CpsfFunction::Protect)
        .expect("protect");
    let protect = &protect.aggregate;
    assert_eq!(
        (protect.total, protect.max, protect.requirements),
        (1.0, 2.0, 3)
    );
    let detect = report
        .functions
        .iter()
        .find(|f| f.function == CpsfFunction::Detect)
        .expect("detect");
    assert_eq!(detect.aggregate.percentage, Some(50.0));
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["functions"][0]["function"], "protect");
    assert_eq!(json["heatmap"][0]["layer"], "L1");
    let cell = |layer: &str, component: &str| {
        report
            .heatmap
            .iter()
            .find(|c| c.layer.as_str() == layer && c.component.as_str() == component)
            .map(|c| c.aggregate.percentage)
    };
    assert_eq!(cell("L1", "people"), Some(Some(75.0)));
    assert_eq!(cell("L1", "organization"), Some(Some(100.0)));
    assert_eq!(cell("L3", "component"), Some(Some(0.0)));
    assert_eq!(cell("L2", "data"), None);
    assert_eq!(report.heatmap.len(), 4);
}

#[test]
fn comparison_reports_improved_regressed_unchanged() {
    let catalog = catalog_from_yaml(TAGGED, "tagged.yaml").expect("valid");
    let before = vec![
        Answer::new("R1", AnswerStatus::Partial),
        Answer::new("R2", AnswerStatus::Implemented),
        Answer::new("R3", AnswerStatus::Unknown),
        Answer::new("R4", AnswerStatus::NotApplicable),
    ];
    let after = vec![
        Answer::new("R1", AnswerStatus::Implemented),
        Answer::new("R2", AnswerStatus::NotImplemented),
        Answer::new("R3", AnswerStatus::NotImplemented),
        Answer::new("R4", AnswerStatus::Implemented),
    ];
    let changes = compare(&catalog, &before, &after, None).expect("compare");
    let kinds: Vec<Change> = changes.iter().map(|c| c.change).collect();
    assert_eq!(
        kinds,
        vec![
            Change::Improved,
            Change::Regressed,
            Change::Unchanged,
            Change::NotComparable
        ]
    );
}

#[test]
fn stored_assessment_must_match_catalog_version() {
    use sanso_catalog::{score_assessment, Assessment, CatalogRef};
    let check = catalog("sme-self-check");
    let mut assessment = Assessment {
        catalog: CatalogRef::new("sme-self-check", "1"),
        target_level: None,
        answers: all(&check, AnswerStatus::Partial),
    };
    assert_eq!(
        score_assessment(&check, &assessment)
            .expect("score")
            .overall
            .total,
        50.0
    );
    assessment.catalog.version = "0".into();
    let errors = score_assessment(&check, &assessment).expect_err("mismatch");
    assert_eq!(
        errors[0].to_string(),
        "assessment is for catalog sme-self-check@0 but catalog sme-self-check@1 was given"
    );
    // Stable field names for the store and the API.
    let json = serde_json::to_value(&assessment).expect("json");
    assert_eq!(json["catalog"]["id"], "sme-self-check");
    assert_eq!(json["answers"][0]["status"], "partial");
}

//! Charts and the DOCX package on a small tagged catalog and on the built-in ★ catalog.

use std::io::Read;

use sanso_catalog::{builtin_catalogs, yaml::catalog_from_yaml, Answer, AnswerStatus, Lang};

use super::*;

const TAGGED: &str = r#"
id: tagged
version: "1"
title: {ja: テスト, en: Test}
notes:
  - {ja: 注記です, en: A note}
levels:
  - id: lv1
    title: {ja: レベル1, en: Level 1}
    verified: false
    verification_note: {ja: 未確認, en: not confirmed}
scoring:
  method: {kind: status, partial_credit: 0.5}
  band_basis: percentage
groups:
  - id: A
    title: {ja: 組織, en: Organisation}
    requirements:
      - {id: A-1, title: {ja: 方針, en: Policy}, levels: [lv1], layers: [L1], components: [organization], functions: [identify]}
      - {id: A-2, title: {ja: 教育, en: Training}, levels: [lv1], layers: [L1], components: [people], functions: [protect]}
  - id: B
    title: {ja: データ, en: Data}
    requirements:
      - {id: B-1, title: {ja: 暗号化 <&>, en: Encryption}, levels: [lv1], layers: [L3], components: [data], functions: [protect]}
  - id: C
    title: {ja: 検知, en: Detection}
    requirements:
      - {id: C-1, title: {ja: 監視, en: Monitoring}, layers: [L2], components: [system], functions: [detect]}
"#;

fn input(
    catalog: sanso_catalog::Catalog,
    answers: Vec<Answer>,
    level: Option<&str>,
) -> ReportInput {
    ReportInput {
        title: "2026年度 自己評価".into(),
        target: "Workspace: Acme".into(),
        state: "approved".into(),
        review_comment: String::new(),
        generated_at: "2026-12-03T10:00:00Z".into(),
        catalog,
        target_level: level.map(str::to_string),
        answers,
    }
}

fn tagged() -> sanso_catalog::Catalog {
    catalog_from_yaml(TAGGED, "tagged.yaml").expect("test catalog")
}

fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
    for part in ["[Content_Types].xml", "_rels/.rels", "word/styles.xml"] {
        assert!(zip.by_name(part).is_ok(), "missing part {part}");
    }
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

#[test]
fn analysis_counts_progress_and_gaps() {
    let mut a = Answer::new("A-1", AnswerStatus::Implemented);
    a.owner = Some("佐藤".into());
    let answers = vec![
        a,
        Answer::new("A-2", AnswerStatus::Unknown),
        Answer::new("B-1", AnswerStatus::Partial),
    ];
    let analysis = analyse(&input(tagged(), answers, Some("lv1"))).expect("analysis");
    assert_eq!(analysis.in_scope, 3, "C-1 is outside level lv1");
    assert_eq!(analysis.answered, 2, "unknown does not count as answered");
    let gap_ids: Vec<&str> = analysis
        .gaps
        .iter()
        .map(|g| g.requirement_id.as_str())
        .collect();
    assert_eq!(gap_ids, ["A-2", "B-1"]);
    assert_eq!(analysis.target_attained(), Some(false));
}

#[test]
fn radar_has_one_point_per_axis_with_its_value() {
    let answers = vec![
        Answer::new("A-1", AnswerStatus::Implemented),
        Answer::new("C-1", AnswerStatus::Implemented),
    ];
    let analysis = analyse(&input(tagged(), answers, None)).expect("analysis");
    let axes = analysis.main_axes(Lang::En);
    assert_eq!(axes.len(), 3);
    let svg = charts::radar_svg("Radar", &axes, Lang::En);
    assert_eq!(svg.matches("class=\"point\"").count(), 3);
    assert!(svg.contains(r#"data-axis="A" data-value="50.0""#), "{svg}");
    assert!(svg.contains(r#"data-axis="C" data-value="100.0""#));
    assert!(svg.contains(r#"data-axis="B" data-value="0.0""#));
    // Two axes fall back to bars rather than a flat polygon.
    let bars = charts::radar_svg("Bars", &axes[..2], Lang::En);
    assert!(bars.contains("class=\"radar bars\""));
}

#[test]
fn heatmap_cells_follow_tags_and_text_is_escaped() {
    let answers = vec![Answer::new("B-1", AnswerStatus::Implemented)];
    let analysis = analyse(&input(tagged(), answers, None)).expect("analysis");
    let svg = charts::heatmap_svg("<Heat>", &analysis.score.heatmap, Lang::Ja).expect("tagged");
    assert_eq!(svg.matches("class=\"cell\"").count(), 4);
    assert!(svg.contains(r#"data-layer="L3" data-component="data" data-value="100.0""#));
    assert!(svg.contains(r#"data-layer="L1" data-component="people" data-value="0.0""#));
    assert!(svg.contains("&lt;Heat&gt;") && !svg.contains("<Heat>"));
    assert!(svg.contains("ソシキ"));
    let untagged = analyse(&input(builtin("sme-five-principles"), vec![], None)).expect("analysis");
    assert!(charts::heatmap_svg("x", &untagged.score.heatmap, Lang::Ja).is_none());
}

fn builtin(id: &str) -> sanso_catalog::Catalog {
    builtin_catalogs()
        .into_iter()
        .find(|c| c.id == id)
        .expect("built-in catalog")
}

#[test]
fn docx_holds_summary_groups_heatmap_gaps_and_notes() {
    let mut a = Answer::new("A-2", AnswerStatus::NotImplemented);
    a.owner = Some("人事部 田中".into());
    a.due = Some("2027-03-31".into());
    a.comment = "研修計画を作成中".into();
    let answers = vec![Answer::new("A-1", AnswerStatus::Implemented), a];
    let docx =
        assessment_docx(&input(tagged(), answers.clone(), Some("lv1")), Lang::Ja).expect("docx");
    let xml = document_xml(&docx);
    for expected in [
        "アセスメント報告書 — 2026年度 自己評価",
        "レベル1",
        "進捗(回答済み/対象)",
        "1 / 3",
        "層×構成要素ヒートマップ",
        "人事部 田中",
        "2027-03-31",
        "研修計画を作成中",
        "暗号化 &lt;&amp;&gt;",
        "注記です",
        "未検証",
        "未達成",
    ] {
        assert!(xml.contains(expected), "document.xml lacks {expected:?}");
    }
    let en = document_xml(
        &assessment_docx(&input(tagged(), answers, Some("lv1")), Lang::En).expect("docx"),
    );
    assert!(en.contains("Gaps against the target level") && en.contains("Training"));
}

#[test]
fn docx_of_the_star_catalog_lists_every_top_group() {
    let catalog = builtin("meti-star-draft");
    // Without a target level every group is in scope (at ★3 some groups hold only ★4 items).
    let groups: Vec<String> = catalog
        .groups
        .iter()
        .map(|g| g.title.get(Lang::Ja).to_string())
        .collect();
    let docx = assessment_docx(&input(catalog, vec![], None), Lang::Ja).expect("docx");
    let xml = document_xml(&docx);
    for g in groups {
        assert!(xml.contains(&charts::escape(&g)), "missing group {g}");
    }
}

#[test]
fn answers_from_another_catalog_are_refused() {
    let answers = vec![Answer::new("NOPE-1", AnswerStatus::Implemented)];
    let err = assessment_docx(&input(tagged(), answers, None), Lang::En).unwrap_err();
    assert!(err.to_string().contains("NOPE-1"), "{err}");
}

mod common;
use common::library;
use sanso_dataflow::gaps::{flow_gaps, has_adequacy};
use sanso_dataflow::io::from_yaml_str;
use sanso_dataflow::{transfer_gaps, AdequacyArrangement, Attributes, Gap, GapSeverity, Place};

fn place(yaml: &str) -> Place {
    from_yaml_str(yaml, "<place>").unwrap()
}

fn personal() -> Attributes {
    Attributes {
        category: Some("personal".into()),
        ..Default::default()
    }
}

fn find<'a>(gaps: &'a [Gap], rule: &str) -> Option<&'a Gap> {
    gaps.iter().find(|g| g.rule_id == rule)
}

#[test]
fn japan_to_california_lists_transfer_conditions_and_missing_protection() {
    let lib = library();
    let jp = place("{ id: jp, name: { ja: 日本, en: Japan }, kind: law, adopts: [jp-appi] }");
    let us = place("{ id: us, name: { ja: 米国, en: US }, kind: law, adopts: [us-ca-ccpa] }");
    let gaps = transfer_gaps(&jp, &us, &personal(), &lib, &[]);
    let out = find(&gaps, "jp-appi.transfer-out").unwrap();
    assert_eq!(out.severity, GapSeverity::Blocking);
    assert_eq!(out.requirement, "adequacy_or_safeguards_for_transfer_out");
    assert!(
        out.explanation.en.contains("JP to US-CA"),
        "{}",
        out.explanation.en
    );
    assert!(!out.explanation.ja.is_empty());
    assert_eq!(
        find(&gaps, "jp-appi.cross-border-information")
            .unwrap()
            .severity,
        GapSeverity::ActionNeeded
    );
    assert_eq!(
        find(&gaps, "jp-appi.third-party-consent").unwrap().severity,
        GapSeverity::Missing
    );
    // CCPA has purpose, security, retention, deletion, breach rules: no gap for those.
    for covered in [
        "jp-appi.purpose",
        "jp-appi.security",
        "jp-appi.retention",
        "jp-appi.stop-use",
        "jp-appi.breach-notification",
    ] {
        assert!(find(&gaps, covered).is_none(), "{covered}: {gaps:#?}");
    }
    assert!(gaps
        .iter()
        .all(|g| g.from_place == "jp" && g.to_place == "us"));
    // Blocking first.
    assert_eq!(gaps[0].severity, GapSeverity::Blocking);
}

#[test]
fn eu_to_japan_is_covered_by_adequacy_but_breach_deadline_is_weaker() {
    let lib = library();
    let eu = place("{ id: eu, name: { ja: EU, en: EU }, kind: law, adopts: [eu-gdpr] }");
    let jp = place("{ id: jp, name: { ja: 日本, en: Japan }, kind: law, adopts: [jp-appi] }");
    assert!(has_adequacy(&eu, &jp, &lib, &[]));
    assert!(
        has_adequacy(&jp, &eu, &lib, &[]),
        "mutual arrangement works both ways"
    );
    let gaps = transfer_gaps(&eu, &jp, &personal(), &lib, &[]);
    assert!(
        gaps.iter().all(|g| g.severity != GapSeverity::Blocking),
        "{gaps:#?}"
    );
    let breach = find(&gaps, "eu-gdpr.breach-notification").unwrap();
    assert_eq!(breach.severity, GapSeverity::Weaker);
    assert!(
        breach.explanation.en.contains("72 hours"),
        "{}",
        breach.explanation.en
    );
    assert_eq!(
        find(&gaps, "eu-gdpr.processor-confidentiality")
            .unwrap()
            .severity,
        GapSeverity::Missing
    );
}

#[test]
fn contract_safeguards_and_flow_specific_adequacy_lift_the_block() {
    let lib = library();
    let jp = place("{ id: jp, name: { ja: 日本, en: Japan }, kind: law, adopts: [jp-appi] }");
    let us_dta = place("{ id: us2, name: { ja: 米国, en: US }, kind: contract, adopts: [us-ca-ccpa, intra-group-dta] }");
    let gaps = transfer_gaps(&jp, &us_dta, &personal(), &lib, &[]);
    assert!(find(&gaps, "jp-appi.transfer-out").is_none_or(|g| g.severity != GapSeverity::Blocking));
    let us = place("{ id: us, name: { ja: 米国, en: US }, kind: law, adopts: [us-ca-ccpa] }");
    let extra = [AdequacyArrangement {
        id: "test".into(),
        from: "JP".into(),
        to: "US-CA".into(),
        mutual: false,
        name: Default::default(),
        note: None,
    }];
    let gaps = transfer_gaps(&jp, &us, &personal(), &lib, &extra);
    assert!(gaps.iter().all(|g| g.severity != GapSeverity::Blocking));
    assert!(find(&gaps, "jp-appi.cross-border-information").is_none());
    // One-way arrangement does not cover the way back.
    assert!(!has_adequacy(&us, &jp, &lib, &extra));
}

#[test]
fn rules_apply_by_category() {
    let lib = library();
    let jp = place("{ id: jp, name: { ja: 日本, en: Japan }, kind: law, adopts: [jp-appi, internal-rules-example] }");
    let us = place("{ id: us, name: { ja: 米国, en: US }, kind: law, adopts: [us-ca-ccpa] }");
    let public = Attributes {
        category: Some("public".into()),
        ..Default::default()
    };
    assert!(transfer_gaps(&jp, &us, &public, &lib, &[]).is_empty());
    let confidential = Attributes {
        category: Some("business_confidential".into()),
        ..Default::default()
    };
    let gaps = transfer_gaps(&jp, &us, &confidential, &lib, &[]);
    assert!(find(&gaps, "internal.encrypt-at-rest").is_some());
    assert!(
        find(&gaps, "jp-appi.transfer-out").is_none(),
        "APPI covers personal data only"
    );
}

#[test]
fn localisation_retention_and_breach_levels() {
    let lib = library();
    let xx = place(
        r#"
id: xx
name: { ja: XX, en: XX }
kind: law
jurisdiction: XX
rules:
  - { id: xx.local, require: { kind: data_localisation }, summary: { ja: 国内, en: stay } }
  - { id: xx.keep, require: { kind: retention_limit, max_days: 90 }, summary: { ja: 90日, en: 90 days } }
  - { id: xx.breach, require: { kind: breach_notification, hours: 24 }, summary: { ja: 24時間, en: 24h } }
"#,
    );
    let strict = place(
        r#"
id: yy
name: { ja: YY, en: YY }
kind: law
jurisdiction: XX
rules:
  - { id: yy.keep, require: { kind: retention_limit, max_days: 30 }, summary: { ja: 30日, en: 30 days } }
  - { id: yy.breach, require: { kind: breach_notification, hours: 12 }, summary: { ja: 12時間, en: 12h } }
"#,
    );
    let loose = place(
        r#"
id: zz
name: { ja: ZZ, en: ZZ }
kind: law
jurisdiction: ZZ
rules:
  - { id: zz.keep, require: { kind: retention_limit, max_days: 365 }, summary: { ja: 365日, en: 365 days } }
"#,
    );
    let any = Attributes::default(); // unknown category: every rule applies
                                     // Same jurisdiction, stricter receiver: nothing.
    assert!(transfer_gaps(&xx, &strict, &any, &lib, &[]).is_empty());
    let gaps = transfer_gaps(&xx, &loose, &any, &lib, &[]);
    assert_eq!(
        find(&gaps, "xx.local").unwrap().severity,
        GapSeverity::Blocking
    );
    let keep = find(&gaps, "xx.keep").unwrap();
    assert_eq!(keep.severity, GapSeverity::Weaker);
    assert!(keep.explanation.en.contains("90") && keep.explanation.en.contains("365"));
    assert_eq!(
        find(&gaps, "xx.breach").unwrap().severity,
        GapSeverity::Missing
    );
}

#[test]
fn same_place_has_no_gaps_and_flow_gaps_skip_same_place_edges() {
    let lib = library();
    let jp = place("{ id: jp, name: { ja: 日本, en: Japan }, kind: law, adopts: [jp-appi, internal-rules-example] }");
    assert!(transfer_gaps(&jp, &jp, &personal(), &lib, &[]).is_empty());
    let ws = sanso_dataflow::demo::demo();
    let edges = flow_gaps(&ws.flow, &ws.library).unwrap();
    for e in &edges {
        let from = ws.flow.event(&e.from_event).unwrap();
        let to = ws.flow.event(&e.to_event).unwrap();
        assert_ne!(from.place, to.place);
        assert!(!e.gaps.is_empty());
    }
}

#[test]
fn custom_library_with_category_scoped_rules() {
    let vocabulary = sanso_dataflow::Vocabulary::builtin().unwrap();
    let yaml = r#"
rule_sets:
  - id: plant-rules
    name: { ja: 工場規程, en: Plant rules }
    kind: internal_rules
    disclaimer: { ja: 例, en: example }
    rules:
      - id: plant.encrypt
        require: { kind: encryption_at_rest }
        applies_to: { categories: [industrial_technical] }
        summary: { ja: 技術データは暗号化, en: Encrypt technical data }
"#;
    let lib = sanso_dataflow::Library::from_yaml(yaml, "plant.yaml", vocabulary.clone()).unwrap();
    let plant = place("{ id: plant, name: { ja: 工場, en: Plant }, kind: internal_rules, jurisdiction: JP, adopts: [plant-rules] }");
    let office = place(
        "{ id: office, name: { ja: 事務所, en: Office }, kind: internal_rules, jurisdiction: JP }",
    );
    let technical = Attributes {
        category: Some("industrial_technical".into()),
        ..Default::default()
    };
    assert_eq!(
        transfer_gaps(&plant, &office, &technical, &lib, &[]).len(),
        1
    );
    assert!(transfer_gaps(&plant, &office, &personal(), &lib, &[]).is_empty());

    let bad = yaml.replace("[industrial_technical]", "[blueprints]");
    let err = sanso_dataflow::Library::from_yaml(&bad, "plant.yaml", vocabulary)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("rule `plant.encrypt` field `applies_to`: unknown category `blueprints`"),
        "{err}"
    );
}

#[test]
fn applies_to_round_trips_and_rejects_unknown_names() {
    use sanso_dataflow::Applicability;
    for a in [
        Applicability::All,
        Applicability::Personal,
        Applicability::SpecialCategory,
        Applicability::Protected,
        Applicability::Categories(vec!["personal".into()]),
    ] {
        let yaml = sanso_dataflow::io::to_yaml(&a).unwrap();
        assert_eq!(from_yaml_str::<Applicability>(&yaml, "<a>").unwrap(), a);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Applicability>(&json).unwrap(), a);
    }
    let err = from_yaml_str::<Applicability>("everyone", "<a>")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown applies_to `everyone`"), "{err}");
}

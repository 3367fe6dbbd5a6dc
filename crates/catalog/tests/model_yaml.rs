//! Catalog validation names the offending path; YAML round-trips; parse errors say where.

use sanso_catalog::yaml::{catalog_from_yaml, catalog_to_yaml, mapping_set_to_yaml};
use sanso_catalog::{builtin_catalogs, builtin_mappings, YamlError};

const SMALL: &str = r#"
id: demo
version: "1"
title: {ja: デモ, en: Demo}
levels:
  - id: basic
    title: {en: Basic}
  - id: advanced
    title: {en: Advanced}
    includes: [basic]
phases:
  - id: design
    title: {en: Design}
scoring:
  method: {kind: status, partial_credit: 0.5}
groups:
  - id: A
    title: {en: Group A}
    requirements:
      - id: A-1
        title: {en: First}
        levels: [basic]
        phases: [design]
        layers: [L1]
        components: [organization]
        functions: [identify]
        criteria:
          - {id: A-1.1, text: {en: One}}
  - id: B
    title: {en: Group B}
    groups:
      - id: B1
        title: {en: Sub}
        requirements:
          - id: B-1
            title: {en: Second}
            levels: [advanced]
"#;

#[test]
fn a_valid_catalog_loads_and_round_trips() {
    let catalog = catalog_from_yaml(SMALL, "small.yaml").expect("valid");
    assert_eq!(catalog.requirement_count(), 2);
    assert_eq!(catalog.requirements_at_level("advanced").len(), 2);
    assert_eq!(catalog.requirements_at_level("basic").len(), 1);
    let text = catalog_to_yaml(&catalog).expect("serialise");
    let again = catalog_from_yaml(&text, "again.yaml").expect("reload");
    assert_eq!(catalog, again);
}

#[test]
fn every_builtin_round_trips_through_yaml() {
    let mut count = 0;
    for catalog in builtin_catalogs() {
        let text = catalog_to_yaml(&catalog).expect("serialise");
        let again = catalog_from_yaml(&text, &catalog.id).expect("reload");
        assert_eq!(catalog, again, "{}", catalog.id);
        count += 1;
    }
    for set in builtin_mappings() {
        let text = mapping_set_to_yaml(&set).expect("serialise");
        let again = sanso_catalog::yaml::mapping_set_from_yaml(&text, &set.id).expect("reload");
        assert_eq!(set, again);
        count += 1;
    }
    println!("yaml round trip: {count}/7 built-in documents identical");
}

fn issues(text: &str) -> Vec<String> {
    match catalog_from_yaml(text, "bad.yaml") {
        Err(YamlError::Invalid { issues, .. }) => issues.iter().map(ToString::to_string).collect(),
        other => panic!("expected validation issues, got {other:?}"),
    }
}

#[test]
fn unknown_references_and_duplicates_are_reported_with_paths() {
    let bad = SMALL
        .replace("levels: [advanced]", "levels: [expert]")
        .replace("phases: [design]", "phases: [build]")
        .replace("id: B-1", "id: A-1")
        .replace("includes: [basic]", "includes: [basic, nothing]");
    let found = issues(&bad);
    let expect = [
        "groups[1].groups[0].requirements[0].levels[0]: unknown level \"expert\"",
        "groups[0].requirements[0].phases[0]: unknown phase \"build\"",
        "groups[1].groups[0].requirements[0].id: duplicate id \"A-1\" (first used at groups[0].requirements[0].id)",
        "levels[1].includes[1]: unknown level \"nothing\"",
    ];
    for e in expect {
        assert!(found.iter().any(|f| f == e), "missing {e:?} in {found:#?}");
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
}

#[test]
fn level_cycles_and_undeclared_vocabulary_terms_are_rejected() {
    let cyclic = SMALL.replace(
        "  - id: basic\n    title: {en: Basic}",
        "  - id: basic\n    title: {en: Basic}\n    includes: [advanced]",
    );
    let found = issues(&cyclic);
    assert!(found.iter().any(|f| f.contains("cycle")), "{found:?}");

    let with_vocabulary = SMALL.replace(
        "scoring:",
        "vocabularies:\n  - kind: layer\n    terms:\n      - {id: L2, name: {en: Layer 2}}\nscoring:",
    );
    let found = issues(&with_vocabulary);
    assert_eq!(
        found,
        vec!["groups[0].requirements[0].layers[0]: Layer \"L1\" is not declared in the catalog's vocabularies"]
    );
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let broken = SMALL.replace("components: [organization]", "components: [robots]");
    let err = catalog_from_yaml(&broken, "broken.yaml").expect_err("bad enum");
    let message = err.to_string();
    assert!(message.starts_with("broken.yaml: line "), "{message}");
    assert!(message.contains("robots"), "{message}");
}

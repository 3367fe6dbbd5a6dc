//! Every built-in catalog loads and validates, and matches the facts files it was written from.

mod common;

use std::collections::BTreeMap;

use sanso_catalog::builtin::{try_builtin_catalogs, try_builtin_mappings};
use sanso_catalog::{builtin_catalogs, builtin_mappings, Catalog};
use serde_yaml_ng::Value;

fn catalog(id: &str) -> Catalog {
    builtin_catalogs()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("built-in catalog {id} missing"))
}

fn facts(name: &str) -> Value {
    let text = common::read_shared(&format!("catalog-facts/{name}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn text(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| match v {
        Value::Number(n) => n.to_string(),
        other => panic!("not a scalar: {other:?}"),
    })
}

#[test]
fn all_builtin_catalogs_and_mappings_load_and_validate() {
    let catalogs = try_builtin_catalogs().unwrap_or_else(|err| panic!("{err}"));
    let mappings = try_builtin_mappings().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(catalogs.len(), 5);
    assert_eq!(mappings.len(), 2);
    let mut ids: Vec<_> = catalogs.iter().map(|c| c.reference()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 5, "(id, version) must be unique");
    for set in &mappings {
        let source = catalogs.iter().find(|c| c.reference() == set.source);
        let source = source.unwrap_or_else(|| panic!("{}: source catalog missing", set.id));
        let unresolved = set.unresolved(Some(source), None);
        assert!(unresolved.is_empty(), "{}: {unresolved:?}", set.id);
    }
    for c in &catalogs {
        println!("{}: {} requirements", c.reference(), c.requirement_count());
    }
}

#[test]
fn star_catalog_matches_facts_entry_by_entry() {
    let facts = facts("meti-star-draft.yaml");
    let star = catalog("meti-star-draft");
    let entries = facts["entries"].as_sequence().expect("entries list");

    // Count independently from the facts file.
    let mut per_level: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for entry in entries {
        let level = text(&entry["level"]);
        let criteria = entry["criteria"].as_sequence().map_or(0, |c| c.len());
        let slot = per_level.entry(level).or_default();
        slot.0 += 1;
        slot.1 += criteria;
    }
    let counts = &facts["metadata"]["counts"];
    assert_eq!(entries.len(), 59);
    assert_eq!(
        entries.len() as u64,
        counts["entries"].as_u64().unwrap_or(0)
    );
    assert_eq!(per_level["3"], (25, 78));
    assert_eq!(per_level["4"], (34, 74));

    let requirements = star.requirements();
    assert_eq!(requirements.len(), entries.len());
    let mut matched = 0;
    for entry in entries {
        let number = entry["number"].as_u64().expect("entry number");
        let id = format!("E{number:02}");
        let requirement = star
            .find_requirement(&id)
            .unwrap_or_else(|| panic!("entry {number} missing as {id}"));
        assert_eq!(requirement.title.ja, text(&entry["requirement_ja"]), "{id}");
        assert_eq!(requirement.title.en, text(&entry["requirement_en"]), "{id}");
        assert_eq!(
            requirement.levels,
            vec![format!("star{}", text(&entry["level"]))]
        );
        let criteria = entry["criteria"].as_sequence().expect("criteria");
        assert_eq!(requirement.criteria.len(), criteria.len(), "{id}");
        for (criterion, fact) in requirement.criteria.iter().zip(criteria) {
            assert_eq!(criterion.text.ja, text(&fact["ja"]), "{}", criterion.id);
            assert_eq!(criterion.text.en, text(&fact["en"]), "{}", criterion.id);
        }
        let group = star
            .requirements()
            .into_iter()
            .find(|(_, r)| r.id == id)
            .map(|(path, _)| path.last().map(|g| g.id.clone()).unwrap_or_default());
        assert_eq!(
            group,
            Some(format!("G{}", text(&entry["subgroup"]))),
            "{id}"
        );
        assert_eq!(
            requirement
                .properties
                .get("shared_requirement")
                .map(String::as_str),
            Some(text(&entry["shared_requirement"]).as_str())
        );
        matched += 1;
    }
    let star3 = star.requirements_at_level("star3").len();
    let star4_own = requirements
        .iter()
        .filter(|(_, r)| r.levels == ["star4"])
        .count();
    let crit3: usize = requirements
        .iter()
        .filter(|(_, r)| r.levels == ["star3"])
        .map(|(_, r)| r.criteria.len())
        .sum();
    let crit4: usize = requirements
        .iter()
        .filter(|(_, r)| r.levels == ["star4"])
        .map(|(_, r)| r.criteria.len())
        .sum();
    println!(
        "meti-star-draft: {matched}/{} entries match the facts; ★3 {star3} entries / {crit3} criteria, ★4 {star4_own} entries / {crit4} criteria",
        entries.len()
    );
    assert_eq!((star3, crit3, star4_own, crit4), (25, 78, 34, 74));
    // ★4 includes ★3 (sanso's marked interpretation): 59 requirements at ★4.
    assert_eq!(star.requirements_at_level("star4").len(), 59);
}

#[test]
fn cpsf_catalog_has_the_model_and_every_verified_requirement() {
    let facts = facts("cpsf.yaml");
    let cpsf = catalog("cpsf");
    let layers = facts["layers"].as_sequence().expect("layers");
    let components = facts["components"]["items"]
        .as_sequence()
        .expect("components");
    let categories = facts["categories"].as_sequence().expect("categories");
    let requirements = facts["verified_requirements"]["items"]
        .as_sequence()
        .expect("requirements");

    let vocab = |kind: &str| {
        cpsf.vocabularies
            .iter()
            .find(|v| format!("{:?}", v.kind).eq_ignore_ascii_case(kind))
            .map_or(0, |v| v.terms.len())
    };
    assert_eq!((vocab("layer"), layers.len()), (3, 3));
    assert_eq!((vocab("component"), components.len()), (6, 6));
    assert_eq!(vocab("function"), 4);

    let mut found_categories = 0;
    for category in categories {
        let code = text(&category["code"]);
        let group = cpsf
            .find_group(&code)
            .unwrap_or_else(|| panic!("category {code} missing"));
        assert_eq!(group.title.en, text(&category["name_en"]));
        assert_eq!(
            group.verified,
            category["verified"].as_bool().unwrap_or(true),
            "{code}"
        );
        found_categories += 1;
    }
    assert_eq!(found_categories, 20);

    let mut found_requirements = 0;
    for fact in requirements {
        let id = text(&fact["id"]);
        let requirement = cpsf
            .find_requirement(&id)
            .unwrap_or_else(|| panic!("requirement {id} missing"));
        assert_eq!(requirement.title.ja, text(&fact["summary_ja"]));
        assert_eq!(requirement.title.en, text(&fact["summary_en"]));
        found_requirements += 1;
    }
    assert_eq!(cpsf.requirement_count(), requirements.len());
    assert!(
        cpsf.notes.iter().any(|n| n.en.contains("tabular")),
        "CPSF must tell users to import the rest"
    );
    println!(
        "cpsf: {} layers, {} components, {found_categories}/{} categories, {found_requirements}/{} requirements match the facts",
        vocab("layer"),
        vocab("component"),
        categories.len(),
        requirements.len()
    );
}

#[test]
fn management_guidelines_and_sme_sets_match_the_facts() {
    let facts = facts("jp-schemes.yaml");
    let guidelines = catalog("meti-cyber-management-guidelines");
    let groups = facts["cybersecurity_management_guidelines"]["important_items"]["groups"]
        .as_sequence()
        .expect("groups");
    let mut items = 0;
    for group in groups {
        for item in group["items"].as_sequence().expect("items") {
            let number = item["number"].as_u64().expect("number");
            let requirement = guidelines
                .find_requirement(&format!("MG-{number:02}"))
                .unwrap_or_else(|| panic!("item {number} missing"));
            assert_eq!(requirement.title.en, text(&item["summary_en"]));
            assert!(!requirement.verified, "Ver3.0 titles are unverified");
            items += 1;
        }
    }
    assert_eq!((items, guidelines.requirement_count()), (10, 10));

    let principles = catalog("sme-five-principles");
    let facts_principles = facts["security_action"]["five_principles"]["items"]
        .as_sequence()
        .expect("principles");
    for item in facts_principles {
        let number = item["number"].as_u64().expect("number");
        let requirement = principles
            .find_requirement(&format!("FP-{number}"))
            .unwrap_or_else(|| panic!("principle {number} missing"));
        assert_eq!(requirement.title.ja, text(&item["summary_ja"]));
    }

    let check = catalog("sme-self-check");
    let parts = facts["ipa_5min_self_check"]["parts"]
        .as_sequence()
        .expect("parts");
    let total = facts["ipa_5min_self_check"]["total_questions"]
        .as_u64()
        .unwrap_or(0) as usize;
    assert_eq!(check.requirement_count(), total);
    for (part, group) in parts.iter().zip(&check.groups) {
        let expected = part["questions"].as_u64().unwrap_or(0) as usize;
        assert_eq!(group.requirements.len(), expected, "part {}", group.id);
        assert_eq!(group.title.ja, text(&part["name_ja"]));
        for requirement in &group.requirements {
            assert!(!requirement.title.ja.is_empty() && !requirement.title.en.is_empty());
        }
    }
    let bands = facts["ipa_5min_self_check"]["score_bands"]
        .as_sequence()
        .expect("bands");
    for band in bands {
        let min = band["min"].as_i64().expect("min") as f64;
        let ours = check.scoring.band_for(min).expect("band");
        assert_eq!(ours.label.en, text(&band["meaning_en"]));
    }
    println!(
        "guidelines: {items}/10 items; five principles: {}/5; self-check: {}/{total} questions in {} parts, {} bands",
        principles.requirement_count(),
        check.requirement_count(),
        parts.len(),
        bands.len()
    );
}

#[test]
fn builtin_mappings_target_real_csf2_ids() {
    let xml = common::read_shared("data/oscal/NIST_CSF_v2.0_catalog.xml");
    // Control ids are attributes of `<control id="…"`; a plain scan is enough for this check.
    let ids: std::collections::BTreeSet<String> = xml
        .split("<control id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect();
    assert!(ids.contains("GV.OC-01"), "CSF 2.0 catalog looks wrong");
    // CSF 1.1 categories kept in the catalog for reference, but not CSF 2.0 categories.
    let legacy = [
        "ID.BE", "ID.GV", "ID.RM", "ID.SC", "PR.AC", "PR.IP", "PR.MA", "PR.PT", "DE.DP", "RS.RP",
        "RS.IM", "RC.IM",
    ];
    let mut checked = 0;
    for set in builtin_mappings() {
        for entry in &set.entries {
            assert!(
                ids.contains(&entry.target),
                "{}: {} not in CSF 2.0",
                set.id,
                entry.target
            );
            assert!(
                !legacy.contains(&entry.target.as_str()),
                "{}: {} is a CSF 1.1 category",
                set.id,
                entry.target
            );
            checked += 1;
        }
    }
    println!(
        "mappings: {checked}/{checked} CSF 2.0 targets found in the OSCAL catalog ({} control ids)",
        ids.len()
    );
}

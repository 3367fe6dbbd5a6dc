//! Checks on the data shipped in the crate: rule sets, vocabulary, IoT-SSF scheme.
use sanso_dataflow::iot::Scheme;
use sanso_dataflow::{Library, PlaceKind, Requirement};

#[test]
fn rule_sets_are_bilingual_marked_and_structured() {
    let lib = Library::builtin().unwrap();
    let ids: Vec<&str> = lib.rule_sets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "eu-gdpr",
            "jp-appi",
            "us-ca-ccpa",
            "intra-group-dta",
            "internal-rules-example"
        ]
    );
    for set in &lib.rule_sets {
        assert!(
            !set.name.ja.is_empty() && !set.name.en.is_empty(),
            "{}",
            set.id
        );
        if set.kind == PlaceKind::Law {
            assert!(set.jurisdiction.is_some(), "{}", set.id);
            assert!(set.disclaimer.en.contains("not legal advice"), "{}", set.id);
            assert!(
                set.disclaimer.ja.contains("法的助言ではありません"),
                "{}",
                set.id
            );
            assert!(
                set.rules.iter().all(|r| r.reference.is_some()),
                "{}: every law rule points to its source",
                set.id
            );
        }
        for rule in &set.rules {
            assert!(
                rule.id.starts_with(set.id.split('-').next().unwrap_or("")),
                "{} in {}",
                rule.id,
                set.id
            );
            assert!(
                !rule.summary.ja.is_empty() && !rule.summary.en.is_empty(),
                "{}",
                rule.id
            );
        }
    }
    // The laws carry the rules the gap logic reasons about.
    let kinds = |id: &str| -> Vec<&'static str> {
        lib.rule_set(id)
            .unwrap()
            .rules
            .iter()
            .map(|r| r.require.kind())
            .collect()
    };
    assert!(kinds("eu-gdpr").contains(&"adequacy_or_safeguards_for_transfer_out"));
    assert!(kinds("jp-appi").contains(&"cross_border_disclosure_to_data_subject"));
    assert!(kinds("jp-appi").contains(&"consent_for_third_party_provision"));
    assert!(kinds("us-ca-ccpa").contains(&"opt_out_of_sale_or_sharing"));
    assert!(kinds("intra-group-dta").contains(&"provides_transfer_safeguards"));
    let gdpr_breach = lib
        .rule_set("eu-gdpr")
        .unwrap()
        .rules
        .iter()
        .find_map(|r| match r.require {
            Requirement::BreachNotification { hours } => Some(hours),
            _ => None,
        });
    assert_eq!(gdpr_breach, Some(Some(72)));
    // EU <-> JP mutual adequacy as data.
    let eu_jp = lib
        .adequacy
        .iter()
        .find(|a| a.id == "eu-jp-mutual-adequacy")
        .unwrap();
    assert!(eu_jp.mutual && eu_jp.from == "EU" && eu_jp.to == "JP");
}

#[test]
fn vocabulary_scales_are_ordered_and_labelled() {
    let lib = Library::builtin().unwrap();
    let v = lib.vocabulary();
    let ids = |terms: &[sanso_dataflow::vocabulary::Term]| {
        terms.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&v.privacy_impacts), ["none", "low", "medium", "high"]);
    assert_eq!(ids(&v.values), ["low", "medium", "high"]);
    assert_eq!(
        ids(&v.disclosure_scopes),
        ["internal", "group", "contracted_partners", "public"]
    );
    let cats: Vec<&str> = v.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        cats,
        [
            "public",
            "industrial_technical",
            "business_confidential",
            "personal",
            "special_category_personal"
        ]
    );
    assert!(
        v.is_special(Some("special_category_personal"))
            && v.is_personal(Some("special_category_personal"))
    );
    assert!(!v.is_protected(Some("public")));
    for c in &v.categories {
        assert!(!c.label.ja.is_empty() && !c.label.en.is_empty());
    }
}

#[test]
fn iot_scheme_is_marked_as_our_reading() {
    let s = Scheme::builtin().unwrap();
    assert!(s.disclaimer.en.contains("our reading"));
    assert_eq!(s.phases.len(), 4);
    assert_eq!(s.chart.x, "physical");
    assert_eq!(s.chart.y, "economic");
    let physical = s.axis("physical").unwrap();
    let targets: Vec<&str> = physical.targets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(targets, ["people", "property", "environment"]);
    for c in &s.categories {
        for v in &c.viewpoints {
            assert!(!v.requirements.is_empty(), "{}", v.id);
            for r in &v.requirements {
                assert!(r.starts_with("CPS."), "{r}");
            }
        }
    }
}

#[test]
fn demo_serialises_to_json() {
    let ws = sanso_dataflow::demo::demo();
    let json = serde_json::to_value(&ws).unwrap();
    assert!(json["risks"].as_array().is_some_and(|r| r.len() == 14));
    assert_eq!(
        json["device_requirements"][2]["categorisation"]["category"],
        "cat-4"
    );
}

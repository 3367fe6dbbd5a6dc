//! "Answer once": carrying answers across the built-in mappings, one and two hops, with the
//! documented caps and combination rule. The CSF 2.0 catalog is built from NIST's OSCAL XML.

mod common;

use std::collections::BTreeMap;

use sanso_catalog::builtin::builtin_catalog;
use sanso_catalog::mapping::{combine_group, combine_inferred};
use sanso_catalog::yaml::{catalog_from_yaml, mapping_set_from_yaml};
use sanso_catalog::{
    builtin_mappings, infer_answers, Answer, AnswerStatus, Catalog, Group, LocalizedText,
    Relationship, Requirement, ScoringMethod, ScoringScheme,
};

/// NIST CSF 2.0 as a sanso catalog: function → category → subcategory.
fn csf2() -> Catalog {
    let xml = common::read_shared("data/oscal/NIST_CSF_v2.0_catalog.xml");
    let mut categories: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for rest in xml.split("<control id=\"").skip(1) {
        let Some(id) = rest.split('"').next() else {
            continue;
        };
        match id.split_once('-') {
            Some((category, _)) => categories
                .entry(category.to_string())
                .or_default()
                .push(id.to_string()),
            None => {
                categories.entry(id.to_string()).or_default();
            }
        }
    }
    let mut functions: BTreeMap<String, Vec<Group>> = BTreeMap::new();
    for (category, subcategories) in categories {
        let function = category[..2].to_string();
        functions.entry(function).or_default().push(Group {
            id: category.clone(),
            title: LocalizedText::new("", category.clone()),
            description: LocalizedText::default(),
            function: None,
            verified: true,
            verification_note: LocalizedText::default(),
            properties: Default::default(),
            requirements: subcategories
                .into_iter()
                .map(|id| Requirement {
                    id: id.clone(),
                    title: LocalizedText::new("", id),
                    text: LocalizedText::default(),
                    guidance: LocalizedText::default(),
                    levels: vec![],
                    criteria: vec![],
                    layers: vec![],
                    components: vec![],
                    functions: vec![],
                    phases: vec![],
                    verified: true,
                    verification_note: LocalizedText::default(),
                    properties: Default::default(),
                })
                .collect(),
            groups: vec![],
        });
    }
    let catalog = Catalog {
        id: "nist-csf".into(),
        version: "2.0".into(),
        title: LocalizedText::new("", "NIST CSF 2.0"),
        source: "NIST OSCAL content".into(),
        notes: vec![],
        levels: vec![],
        scoring: ScoringScheme {
            method: ScoringMethod::Status {
                partial_credit: 0.5,
            },
            bands: vec![],
            band_basis: Default::default(),
        },
        phases: vec![],
        vocabularies: vec![],
        groups: functions
            .into_iter()
            .map(|(id, groups)| Group {
                id: format!("fn-{id}"),
                title: LocalizedText::new("", id),
                description: LocalizedText::default(),
                function: None,
                verified: true,
                verification_note: LocalizedText::default(),
                properties: Default::default(),
                requirements: vec![],
                groups,
            })
            .collect(),
    };
    catalog.validate().expect("CSF 2.0 catalog valid");
    catalog
}

fn builtin(id: &str) -> Catalog {
    builtin_catalog(id).unwrap_or_else(|| panic!("built-in {id} missing"))
}

#[test]
fn builtin_mappings_resolve_against_csf2_from_oscal() {
    let csf = csf2();
    let mut entries = 0;
    for set in builtin_mappings() {
        let source = builtin(&set.source.id);
        let unresolved = set.unresolved(Some(&source), Some(&csf));
        assert!(unresolved.is_empty(), "{}: {unresolved:?}", set.id);
        entries += set.entries.len();
    }
    println!(
        "mappings: {entries}/{entries} entries resolve on both sides ({} CSF 2.0 subcategories)",
        csf.requirement_count()
    );
}

#[test]
fn star_answers_reach_csf2_capped_at_partial() {
    let star = builtin("meti-star-draft");
    let csf = csf2();
    // Everything in sub-group 1-1 (organisational context) implemented.
    let answers: Vec<Answer> = star
        .find_group("G1-1")
        .expect("G1-1")
        .requirements
        .iter()
        .map(|r| Answer::new(&r.id, AnswerStatus::Implemented))
        .collect();
    let inferred = infer_answers(&star, &answers, &builtin_mappings(), &csf);
    let ids: Vec<&str> = inferred.iter().map(|a| a.requirement_id.as_str()).collect();
    assert_eq!(
        ids,
        ["GV.OC-01", "GV.OC-02", "GV.OC-03", "GV.OC-04", "GV.OC-05"]
    );
    for answer in &inferred {
        assert!(answer.inferred);
        assert_eq!(
            answer.status,
            AnswerStatus::Partial,
            "subset-of caps at partial"
        );
        assert_eq!(answer.sources.len(), 1);
        let hop = &answer.sources[0].path[0];
        assert_eq!((hop.from.as_str(), hop.to.as_str()), ("G1-1", "GV.OC"));
        assert_eq!(hop.relationship, Relationship::SubsetOf);
    }
}

#[test]
fn star_answers_reach_cpsf_in_two_hops() {
    let star = builtin("meti-star-draft");
    let cpsf = builtin("cpsf");
    let answers: Vec<Answer> = star
        .find_group("G3-1")
        .expect("asset management")
        .requirements
        .iter()
        .map(|r| Answer::new(&r.id, AnswerStatus::Implemented))
        .collect();
    let inferred = infer_answers(&star, &answers, &builtin_mappings(), &cpsf);
    // G3-1 ⊂ ID.AM ≡ CPS.AM, and ID.AM ∩ CPS.MA / CPS.AE (no CPSF requirement of those in the
    // built-in catalog except CPS.MA-1 and CPS.AE-1).
    let am = inferred
        .iter()
        .find(|a| a.requirement_id == "CPS.AM-1")
        .expect("CPS.AM-1");
    assert_eq!(am.status, AnswerStatus::Partial);
    let path = &am.sources[0].path;
    assert_eq!(path.len(), 2);
    assert_eq!(path[0].mapping_set, "meti-star-draft-to-nist-csf-2.0");
    assert_eq!(path[1].mapping_set, "cpsf-1.0-to-nist-csf-2.0");
    assert!(path[1].reversed);
    assert_eq!(
        (path[1].from.as_str(), path[1].to.as_str()),
        ("ID.AM", "CPS.AM")
    );
    for id in ["CPS.MA-1", "CPS.AE-1"] {
        assert!(
            inferred.iter().any(|a| a.requirement_id == id),
            "{id} reached through ID.AM"
        );
    }
    let comment = am.to_answer().comment;
    assert!(
        comment.starts_with("inferred: G3-1 (implemented)"),
        "{comment}"
    );
}

#[test]
fn many_sources_all_count() {
    let cpsf = builtin("cpsf");
    let csf = csf2();
    let sets = builtin_mappings();
    // ID.AM ← CPS.AM (equivalent), CPS.MA (intersects), CPS.AE (intersects).
    let run = |am: AnswerStatus, ma: AnswerStatus, ae: AnswerStatus| {
        let answers = vec![
            Answer::new("CPS.AM-1", am),
            Answer::new("CPS.MA-1", ma),
            Answer::new("CPS.AE-1", ae),
        ];
        let inferred = infer_answers(&cpsf, &answers, &sets, &csf);
        inferred
            .into_iter()
            .find(|a| a.requirement_id == "ID.AM-01")
            .map(|a| (a.status, a.sources.len()))
    };
    use AnswerStatus::*;
    // Equivalence carries "implemented"; the intersecting sources add "partial" → mix → partial.
    assert_eq!(
        run(Implemented, Implemented, Implemented),
        Some((Partial, 3))
    );
    // Only the equivalent source known: implemented stays implemented.
    assert_eq!(
        run(Implemented, Unknown, NotApplicable),
        Some((Implemented, 1))
    );
    // All not implemented → not implemented, from all three.
    assert_eq!(
        run(NotImplemented, NotImplemented, NotImplemented),
        Some((NotImplemented, 3))
    );
    // Implemented next to not → partial, never just the first.
    assert_eq!(
        run(Implemented, NotImplemented, Unknown),
        Some((Partial, 2))
    );
    // Nothing known → nothing inferred.
    assert_eq!(run(Unknown, Unknown, Unknown), None);
}

#[test]
fn reverse_walk_and_group_combination() {
    let csf = csf2();
    let cpsf = builtin("cpsf");
    // All of ID.AM implemented → CPS.AM (equivalent, walked backwards) implemented.
    let id_am: Vec<Answer> = csf
        .find_group("ID.AM")
        .expect("ID.AM")
        .requirements
        .iter()
        .map(|r| Answer::new(&r.id, AnswerStatus::Implemented))
        .collect();
    let inferred = infer_answers(&csf, &id_am, &builtin_mappings(), &cpsf);
    let am = inferred
        .iter()
        .find(|a| a.requirement_id == "CPS.AM-1")
        .expect("CPS.AM-1");
    assert_eq!(am.status, AnswerStatus::Implemented);
    // ID.AM intersects CPS.MA and CPS.AE → partial there.
    let ma = inferred
        .iter()
        .find(|a| a.requirement_id == "CPS.MA-1")
        .expect("CPS.MA-1");
    assert_eq!(ma.status, AnswerStatus::Partial);

    // One ID.AM subcategory left unanswered → the category is only partly done.
    let inferred = infer_answers(&csf, &id_am[1..], &builtin_mappings(), &cpsf);
    let am = inferred
        .iter()
        .find(|a| a.requirement_id == "CPS.AM-1")
        .expect("CPS.AM-1");
    assert_eq!(am.status, AnswerStatus::Partial);
}

#[test]
fn combination_rules() {
    use AnswerStatus::*;
    assert_eq!(combine_inferred(&[]), None);
    assert_eq!(
        combine_inferred(&[Implemented, Implemented]),
        Some(Implemented)
    );
    assert_eq!(
        combine_inferred(&[NotImplemented, NotImplemented]),
        Some(NotImplemented)
    );
    assert_eq!(combine_inferred(&[Implemented, Partial]), Some(Partial));
    assert_eq!(
        combine_inferred(&[Implemented, NotImplemented]),
        Some(Partial)
    );
    assert_eq!(combine_group(&[Implemented, NotApplicable]), Implemented);
    assert_eq!(combine_group(&[Implemented, Unknown]), Partial);
    assert_eq!(combine_group(&[Unknown, NotApplicable]), Unknown);
    assert_eq!(combine_group(&[NotApplicable]), NotApplicable);
    for (rel, input, out) in [
        (Relationship::EquivalentTo, Implemented, Some(Implemented)),
        (Relationship::SupersetOf, Implemented, Some(Implemented)),
        (Relationship::SubsetOf, Implemented, Some(Partial)),
        (Relationship::IntersectsWith, Implemented, Some(Partial)),
        (Relationship::SubsetOf, NotImplemented, Some(NotImplemented)),
        (Relationship::EquivalentTo, Unknown, None),
        (Relationship::SupersetOf, NotApplicable, None),
    ] {
        assert_eq!(rel.carry(input), out, "{rel:?} {input:?}");
    }
}

#[test]
fn short_relationship_names_and_three_catalog_chain() {
    let a = catalog_from_yaml(
        "id: a\nversion: '1'\ntitle: {en: A}\nscoring: {method: {kind: criteria_met}}\ngroups:\n  - {id: GA, title: {en: g}, requirements: [{id: A1, title: {en: a1}}, {id: A2, title: {en: a2}}]}\n",
        "a.yaml",
    )
    .expect("a");
    let c = catalog_from_yaml(
        "id: c\nversion: '1'\ntitle: {en: C}\nscoring: {method: {kind: criteria_met}}\ngroups:\n  - {id: GC, title: {en: g}, requirements: [{id: C1, title: {en: c1}}]}\n",
        "c.yaml",
    )
    .expect("c");
    let ab = mapping_set_from_yaml(
        "id: ab\ntitle: {en: ab}\nsource: {id: a, version: '1'}\ntarget: {id: b, version: '1'}\nentries:\n  - {source: A1, relationship: equivalent, target: B1}\n  - {source: A2, relationship: superset, target: B1}\n",
        "ab.yaml",
    )
    .expect("ab");
    let cb = mapping_set_from_yaml(
        "id: cb\ntitle: {en: cb}\nsource: {id: c, version: '1'}\ntarget: {id: b, version: '1'}\nentries:\n  - {source: C1, relationship: subset, target: B1}\n",
        "cb.yaml",
    )
    .expect("cb");
    let answers = vec![
        Answer::new("A1", AnswerStatus::Implemented),
        Answer::new("A2", AnswerStatus::Implemented),
    ];
    // A → B → C (C1 ⊂ B1, walked backwards: B1 ⊃ C1 carries implemented).
    let inferred = infer_answers(&a, &answers, &[ab, cb], &c);
    assert_eq!(inferred.len(), 1);
    assert_eq!(inferred[0].status, AnswerStatus::Implemented);
    assert_eq!(inferred[0].sources.len(), 2);
    assert!(inferred[0].sources.iter().all(|s| s.path.len() == 2));
}

//! Profile resolution features on small fixtures: selection (with-ids, matching, child controls,
//! exclusion), as-is and flat merge, set-parameter, alter removes/adds in every position,
//! back-matter and catalog-parameter pruning, `#uuid` imports, the same-stem sibling fallback,
//! and profiles in XML and YAML importing profiles.

mod common;

use sanso_oscal::model::{Catalog, Control};
use sanso_oscal::{resolve_profile, resolve_profile_with, ResolveOptions};

fn outline(catalog: &Catalog) -> Vec<String> {
    fn walk(controls: &[Control], prefix: &str, out: &mut Vec<String>) {
        for c in controls {
            out.push(format!("{prefix}{}", c.id));
            walk(&c.controls, &format!("{prefix}{}/", c.id), out);
        }
    }
    let mut out = Vec::new();
    walk(&catalog.controls, "", &mut out);
    for g in &catalog.groups {
        walk(
            &g.controls,
            &format!("{}:", g.id.clone().unwrap_or_default()),
            &mut out,
        );
    }
    out
}

fn resolve(name: &str) -> Catalog {
    resolve_profile(&common::fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn selection_as_is_and_modify() {
    let catalog = resolve("tailored-profile.json");
    assert_eq!(
        outline(&catalog),
        ["ac:ac-1", "ac:ac-1/ac-1.1", "ac:ac-1/ac-1.2", "au:au-2"],
        "with-child-controls, matching au-?, exclusion of ac-1.2.1 and au-1"
    );
    let ac1 = catalog.control("ac-1").expect("ac-1");

    // set-parameter replaced values/label and added a constraint.
    let prm1 = ac1
        .params
        .iter()
        .find(|p| p.id == "ac-1_prm_1")
        .expect("prm_1");
    assert_eq!(prm1.values, ["annually"]);
    assert_eq!(prm1.label.as_deref(), Some("review frequency"));
    assert_eq!(prm1.constraints.len(), 1);
    assert_eq!(prm1.class.as_deref(), Some("freq"), "unset fields are kept");

    // Adds: param before prm_2, prop at start, part after the statement, item at statement end.
    let param_ids: Vec<_> = ac1.params.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(param_ids, ["ac-1_prm_1", "ac-1_prm_0", "ac-1_prm_2"]);
    let prop_names: Vec<_> = ac1.props.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        prop_names,
        ["priority", "label"],
        "ns-prop removed, new prop first"
    );
    let part_ids: Vec<_> = ac1.parts.iter().filter_map(|p| p.id.as_deref()).collect();
    assert_eq!(part_ids, ["ac-1_smt", "ac-1_added", "ac-1_gdn"]);
    let items: Vec<_> = ac1.parts[0]
        .parts
        .iter()
        .filter_map(|p| p.id.as_deref())
        .collect();
    assert_eq!(
        items,
        ["ac-1_smt.a", "ac-1_smt.z"],
        "by-class removal + ending add"
    );
    let links: Vec<_> = ac1.links.iter().map(|l| l.href.as_str()).collect();
    assert_eq!(links, ["#res-3"], "removes (all links) run before adds");

    // Catalog-level params: only the inserted one survives. Back-matter: only what is cited now.
    let catalog_params: Vec<_> = catalog.params.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(catalog_params, ["org-name"]);
    let resources: Vec<_> = catalog
        .back_matter
        .iter()
        .flat_map(|b| b.resources.iter().map(|r| r.uuid.as_str()))
        .collect();
    assert_eq!(
        resources,
        ["res-3"],
        "res-1's link was removed, res-3 cited by an add"
    );

    // Metadata.
    assert_eq!(catalog.metadata.title, "Tailored");
    assert!(catalog
        .metadata
        .links
        .iter()
        .any(|l| l.rel.as_deref() == Some("source-profile") && l.href == "tailored-profile.json"));
    println!(
        "tailored profile: {} controls resolved as expected",
        outline(&catalog).len()
    );
}

#[test]
fn xml_profile_flat_merge_via_back_matter_and_sibling_fallback() {
    // The profile imports `#uuid`, whose rlink names mini-catalog.xml; only the .json exists.
    let options = ResolveOptions {
        timestamp: Some("2026-11-22T00:00:00Z".to_string()),
        uuid: Some("77777777-7777-4777-8777-777777777777".to_string()),
    };
    let catalog = resolve_profile_with(&common::fixture("flat-profile.xml"), &options)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        outline(&catalog),
        ["ac-1", "ac-1.1", "ac-1.2", "ac-1.2.1", "au-1", "au-2"],
        "flat: every control at top level in document order"
    );
    assert!(catalog.groups.is_empty());
    assert_eq!(catalog.metadata.title, "Flat *XML* profile");
    assert_eq!(catalog.metadata.last_modified, "2026-11-22T00:00:00Z");
    assert_eq!(catalog.uuid, "77777777-7777-4777-8777-777777777777");
    let ac1 = catalog.control("ac-1").expect("ac-1");
    let prm2 = ac1
        .params
        .iter()
        .find(|p| p.id == "ac-1_prm_2")
        .expect("prm_2");
    assert_eq!(prm2.values, ["monthly"]);
    assert!(prm2.select.is_none(), "a set value replaces the selection");
    assert!(ac1.controls.is_empty(), "flat merge un-nests enhancements");
    let resources: Vec<_> = catalog
        .back_matter
        .iter()
        .flat_map(|b| b.resources.iter().map(|r| r.uuid.as_str()))
        .collect();
    assert_eq!(
        resources,
        ["res-1"],
        "only cited resources: not res-2 (ac-2 excluded), res-3 or the import pointer"
    );
}

#[test]
fn yaml_profile_importing_a_profile() {
    let catalog = resolve("chained-profile.yaml");
    assert_eq!(outline(&catalog), ["ac:ac-1", "ac:ac-1/ac-1.1"]);
    let ac1 = catalog.control("ac-1").expect("ac-1");
    let prm1 = ac1
        .params
        .iter()
        .find(|p| p.id == "ac-1_prm_1")
        .expect("prm_1");
    assert_eq!(
        prm1.values,
        ["annually"],
        "the imported profile's modifications carry over"
    );
}

#[test]
fn custom_merge_builds_the_profiles_groups() {
    let catalog = resolve("custom-profile.json");
    assert_eq!(
        outline(&catalog),
        [
            "first:au-2",
            "first:au-1",
            "second:ac-1",
            "second:ac-1/ac-1.1"
        ],
        "descending order, nesting kept for ac-1.1, uninserted controls dropped"
    );
    assert_eq!(catalog.groups[0].title, "Audit first");
    let au2 = catalog.control("au-2").expect("au-2");
    assert_eq!(
        au2.prop("moved"),
        Some("yes"),
        "modify applies after the custom merge"
    );
}

#[test]
fn as_is_includes_unselected_ancestors_flat_does_not() {
    assert_eq!(
        outline(&resolve("implicit-ancestors-as-is.json")),
        [
            "ac:ac-1",
            "ac:ac-1/ac-1.1",
            "ac:ac-1/ac-1.2",
            "ac:ac-1/ac-1.2/ac-1.2.1"
        ],
        "as-is: ac-1 and ac-1.2 come along as ancestors of selected controls"
    );
    assert_eq!(
        outline(&resolve("implicit-ancestors-flat.json")),
        ["ac-1.1", "ac-1.2.1"],
        "no merge: only the selected controls"
    );
}

#[test]
fn with_child_controls_takes_direct_children_only() {
    assert_eq!(
        outline(&resolve("direct-children.json")),
        ["ac-1", "ac-1.1", "ac-1.2"]
    );
}

#[test]
fn combine_rules_for_clashing_controls() {
    let ids =
        |c: &Catalog| -> Vec<String> { c.all_controls().iter().map(|c| c.id.clone()).collect() };
    let keep = resolve("combine-keep.json");
    assert_eq!(
        ids(&keep),
        ["ac-1", "ac-1", "au-1"],
        "keep (the default) keeps both copies"
    );

    let first = resolve("combine-use-first.json");
    assert_eq!(ids(&first), ["ac-1", "au-1"]);
    let ac1 = first.control("ac-1").expect("ac-1");
    assert_eq!(
        ac1.prop("priority"),
        Some("P1"),
        "the tailored copy came first"
    );
    assert_eq!(ac1.prop("status"), None);

    let merged = resolve("combine-merge.json");
    assert_eq!(ids(&merged), ["ac-1", "au-1"]);
    let ac1 = merged.control("ac-1").expect("ac-1");
    assert_eq!(ac1.prop("priority"), Some("P1"), "from the tailored copy");
    assert_eq!(
        ac1.prop("status"),
        Some("draft"),
        "appended from the catalog copy"
    );
    let labels = ac1.props.iter().filter(|p| p.name == "label").count();
    assert_eq!(labels, 1, "identical props are not repeated");
}

#[test]
fn back_matter_keep_always_and_last_version_wins() {
    let catalog = resolve("back-matter-override.json");
    let resources: Vec<(String, Option<String>)> = catalog
        .back_matter
        .iter()
        .flat_map(|b| {
            b.resources
                .iter()
                .map(|r| (r.uuid.clone(), r.title.clone()))
        })
        .collect();
    assert_eq!(
        resources,
        [
            (
                "res-2".to_string(),
                Some("The profile's own version of res-2".to_string())
            ),
            (
                "b0000000-0000-4000-8000-000000000001".to_string(),
                Some("Always kept".to_string())
            ),
        ]
    );
    let rels: Vec<_> = catalog
        .metadata
        .links
        .iter()
        .filter_map(|l| l.rel.as_deref())
        .collect();
    assert_eq!(rels, ["resolution-source", "source-profile"]);
    assert_eq!(catalog.metadata.props[0].name, "resolution-timestamp");
}

//! Resolving NIST's SP 800-53 rev5 HIGH baseline must reproduce NIST's own resolved catalog:
//! the same controls in the same order and nesting, the same parameters and the same parts.

mod common;

use sanso_oscal::model::{Catalog, Control, Parameter, Part};
use sanso_oscal::{read_catalog, resolve_profile};

/// Controls depth first with their group id and nesting parent, in document order.
fn control_outline(catalog: &Catalog) -> Vec<(Option<String>, Option<String>, String)> {
    let mut out = Vec::new();
    fn walk(
        controls: &[Control],
        group: &Option<String>,
        parent: Option<&str>,
        out: &mut Vec<(Option<String>, Option<String>, String)>,
    ) {
        for c in controls {
            out.push((group.clone(), parent.map(str::to_string), c.id.clone()));
            walk(&c.controls, group, Some(&c.id), out);
        }
    }
    walk(&catalog.controls, &None, None, &mut out);
    for g in &catalog.groups {
        walk(&g.controls, &g.id, None, &mut out);
    }
    out
}

fn all_parts<'a>(parts: &'a [Part], out: &mut Vec<&'a Part>) {
    for p in parts {
        out.push(p);
        all_parts(&p.parts, out);
    }
}

fn param_key(p: &Parameter) -> String {
    // Everything the brief names: id, values, label, selection, constraints (and guidelines,
    // class, props, which NIST's resolver also carries over).
    format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        p.id, p.values, p.label, p.select, p.constraints, p.guidelines, p.class, p.props
    )
}

fn part_key(p: &Part) -> String {
    format!(
        "{:?}|{}|{:?}|{:?}|{:?}",
        p.id, p.name, p.prose, p.props, p.title
    )
}

#[test]
fn high_baseline_matches_nist_resolved_catalog() {
    let profile = common::data_file("NIST_SP-800-53_rev5_HIGH-baseline_profile.json");
    let expected = read_catalog(&common::data_file(
        "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog.json",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let resolved = resolve_profile(&profile).unwrap_or_else(|e| panic!("{e}"));

    // Controls: ids, order, group and nesting.
    let want = control_outline(&expected);
    let got = control_outline(&resolved);
    let outline_matched = want.iter().zip(&got).filter(|(a, b)| a == b).count();
    assert_eq!(
        got.len(),
        want.len(),
        "control count differs: resolved {} vs NIST {}",
        got.len(),
        want.len()
    );
    for (a, b) in want.iter().zip(&got) {
        assert_eq!(a, b, "control outline differs (group, parent, id)");
    }

    // Groups: ids and titles.
    let group_ids = |c: &Catalog| -> Vec<(Option<String>, String)> {
        c.groups
            .iter()
            .map(|g| (g.id.clone(), g.title.clone()))
            .collect()
    };
    assert_eq!(group_ids(&resolved), group_ids(&expected), "groups differ");

    let (mut params_total, mut params_matched) = (0, 0);
    let (mut parts_total, mut parts_matched) = (0, 0);
    let (mut meta_total, mut meta_matched) = (0, 0);
    let mut mismatches = Vec::new();
    let got_controls = resolved.all_controls();
    for (want_c, got_c) in expected.all_controls().into_iter().zip(got_controls) {
        let wp: Vec<String> = want_c.params.iter().map(param_key).collect();
        let gp: Vec<String> = got_c.params.iter().map(param_key).collect();
        params_total += wp.len();
        params_matched += wp.iter().zip(&gp).filter(|(a, b)| a == b).count();
        if wp != gp {
            mismatches.push(format!("{}: params differ", want_c.id));
        }

        let (mut wparts, mut gparts) = (Vec::new(), Vec::new());
        all_parts(&want_c.parts, &mut wparts);
        all_parts(&got_c.parts, &mut gparts);
        let wk: Vec<String> = wparts.iter().map(|p| part_key(p)).collect();
        let gk: Vec<String> = gparts.iter().map(|p| part_key(p)).collect();
        parts_total += wk.len();
        parts_matched += wk.iter().zip(&gk).filter(|(a, b)| a == b).count();
        if wk != gk {
            mismatches.push(format!("{}: parts differ", want_c.id));
        }

        meta_total += 1;
        if (&want_c.title, &want_c.class, &want_c.props, &want_c.links)
            == (&got_c.title, &got_c.class, &got_c.props, &got_c.links)
        {
            meta_matched += 1;
        } else {
            mismatches.push(format!("{}: title/class/props/links differ", want_c.id));
        }
    }

    // Back-matter: the resources the resolved controls cite, in source order.
    let uuids = |c: &Catalog| -> Vec<String> {
        c.back_matter
            .iter()
            .flat_map(|b| b.resources.iter().map(|r| r.uuid.clone()))
            .collect()
    };
    let want_res = uuids(&expected);
    let got_res = uuids(&resolved);
    let res_matched = want_res
        .iter()
        .zip(&got_res)
        .filter(|(a, b)| a == b)
        .count();

    println!(
        "800-53 rev5 HIGH: controls {outline_matched}/{}, params {params_matched}/{params_total}, \
         parts {parts_matched}/{parts_total}, control title/class/props/links {meta_matched}/{meta_total}, \
         back-matter resources {res_matched}/{}",
        want.len(),
        want_res.len()
    );
    assert!(mismatches.is_empty(), "mismatches: {mismatches:#?}");
    assert_eq!(got_res, want_res, "back-matter resources differ");

    // Metadata of the resolved catalog.
    assert_eq!(resolved.metadata.title, expected.metadata.title);
    assert!(resolved
        .metadata
        .links
        .iter()
        .any(|l| l.rel.as_deref() == Some("source-profile")
            && l.href == "NIST_SP-800-53_rev5_HIGH-baseline_profile.json"));
    assert!(resolved
        .metadata
        .props
        .iter()
        .any(|p| p.name == "resolution-timestamp"));
}

#[test]
fn high_baseline_prose_renders_every_insertion() {
    use sanso_oscal::prose::{parameter_index, render_prose};
    let profile = common::data_file("NIST_SP-800-53_rev5_HIGH-baseline_profile.json");
    let resolved = resolve_profile(&profile).unwrap_or_else(|e| panic!("{e}"));
    let params = parameter_index(&resolved);
    let (mut inserts, mut rendered) = (0, 0);
    fn walk(parts: &[Part], out: &mut Vec<String>) {
        for p in parts {
            out.extend(p.prose.clone());
            walk(&p.parts, out);
        }
    }
    for control in resolved.all_controls() {
        let mut prose = Vec::new();
        walk(&control.parts, &mut prose);
        for text in prose {
            let n = text.matches("{{ insert: param,").count();
            inserts += n;
            let out = render_prose(&text, &params);
            if n > 0 && !out.contains("{{") {
                rendered += n;
            }
        }
    }
    println!("800-53 rev5 HIGH: parameter insertions rendered {rendered}/{inserts}");
    assert!(inserts > 0);
    assert_eq!(
        rendered, inserts,
        "every insertion names a parameter of the resolved catalog"
    );
    let ac1 = resolved.control("ac-1").expect("ac-1");
    let a = render_prose(
        ac1.parts[0].parts[0].prose.as_deref().unwrap_or_default(),
        &params,
    );
    assert_eq!(
        a,
        "Develop, document, and disseminate to [Assignment: organization-defined personnel or roles]:"
    );
}

/// The HIGH baseline written as an OSCAL XML profile (generated here from the JSON one) resolves
/// to the same controls as the JSON profile: XML profile reading at full scale.
#[test]
fn high_baseline_as_xml_profile_resolves_identically() {
    use sanso_oscal::read_profile;
    let json_profile_path = common::data_file("NIST_SP-800-53_rev5_HIGH-baseline_profile.json");
    let profile = read_profile(&json_profile_path).unwrap_or_else(|e| panic!("{e}"));
    let catalog_path = common::data_file("NIST_SP-800-53_rev5_catalog.json");
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<profile xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\" uuid=\"{}\">\n",
        profile.uuid
    ));
    xml.push_str(&format!(
        "<metadata><title>{}</title><last-modified>{}</last-modified><version>{}</version>\
         <oscal-version>{}</oscal-version></metadata>\n",
        profile.metadata.title,
        profile.metadata.last_modified,
        profile.metadata.version,
        profile.metadata.oscal_version
    ));
    let mut ids = 0;
    for import in &profile.imports {
        xml.push_str(&format!("<import href=\"{}\">", catalog_path.display()));
        for include in &import.include_controls {
            xml.push_str("<include-controls>");
            for id in &include.with_ids {
                xml.push_str(&format!("<with-id>{id}</with-id>"));
                ids += 1;
            }
            xml.push_str("</include-controls>");
        }
        xml.push_str("</import>\n");
    }
    xml.push_str("<merge><as-is>true</as-is></merge>\n</profile>\n");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let xml_profile_path = dir.path().join("high-baseline.xml");
    std::fs::write(&xml_profile_path, xml).unwrap_or_else(|e| panic!("{e}"));

    let from_json = resolve_profile(&json_profile_path).unwrap_or_else(|e| panic!("{e}"));
    let from_xml = resolve_profile(&xml_profile_path).unwrap_or_else(|e| panic!("{e}"));
    let same = from_json
        .all_controls()
        .iter()
        .zip(from_xml.all_controls())
        .filter(|(a, b)| **a == *b)
        .count();
    println!(
        "HIGH baseline as XML profile ({ids} with-ids): controls identical {same}/{}",
        from_json.all_controls().len()
    );
    assert_eq!(from_xml.groups, from_json.groups);
    assert_eq!(from_xml.back_matter, from_json.back_matter);
}

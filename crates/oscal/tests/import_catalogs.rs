//! Importing NIST content: the XML catalogs (CSF 2.0, SP 800-171 rev3) with every requirement
//! present, the 800-53 JSON catalog, and NIST's examples (catalog, assessment-results, POA&M),
//! which must also survive a JSON round trip unchanged.

mod common;

use quick_xml::events::Event;
use quick_xml::Reader;
use sanso_oscal::model::{Catalog, Part};
use sanso_oscal::{read_catalog, read_document, to_json_string, Document};

/// Element counts straight from the XML text, independent of the crate's XML mapping.
fn count_xml_elements(path: &std::path::Path, names: &[&str]) -> Vec<usize> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = Reader::from_str(&text);
    let mut counts = vec![0; names.len()];
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let local = e.local_name();
                let name = local.into_inner();
                if let Some(i) = names.iter().position(|n| *n == name) {
                    counts[i] += 1;
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    counts
}

fn count_parts(parts: &[Part]) -> usize {
    parts.iter().map(|p| 1 + count_parts(&p.parts)).sum()
}

struct Counts {
    controls: usize,
    groups: usize,
    params: usize,
    parts: usize,
    inserts: usize,
}

fn model_counts(catalog: &Catalog) -> Counts {
    fn groups(gs: &[sanso_oscal::model::Group], c: &mut Counts) {
        for g in gs {
            c.groups += 1;
            c.params += g.params.len();
            c.parts += count_parts(&g.parts);
            groups(&g.groups, c);
        }
    }
    let mut counts = Counts {
        controls: 0,
        groups: 0,
        params: catalog.params.len(),
        parts: 0,
        inserts: 0,
    };
    groups(&catalog.groups, &mut counts);
    for control in catalog.all_controls() {
        counts.controls += 1;
        counts.params += control.params.len();
        counts.parts += count_parts(&control.parts);
    }
    let json = serde_json::to_string(catalog).unwrap_or_default();
    counts.inserts = json.matches("{{ insert: param, ").count();
    counts
}

fn check_xml_catalog(file: &str) {
    let path = common::data_file(file);
    let want = count_xml_elements(&path, &["control", "group", "param", "part", "insert"]);
    let catalog = read_catalog(&path).unwrap_or_else(|e| panic!("{e}"));
    let got = model_counts(&catalog);
    println!(
        "{file}: controls {}/{}, groups {}/{}, params {}/{}, parts {}/{}, inserts {}/{}",
        got.controls,
        want[0],
        got.groups,
        want[1],
        got.params,
        want[2],
        got.parts,
        want[3],
        got.inserts,
        want[4]
    );
    assert_eq!(got.controls, want[0], "{file}: controls");
    assert_eq!(got.groups, want[1], "{file}: groups");
    assert_eq!(got.params, want[2], "{file}: params");
    assert_eq!(got.parts, want[3], "{file}: parts");
    assert_eq!(got.inserts, want[4], "{file}: parameter insertions");
    for control in catalog.all_controls() {
        assert!(
            !control.title.is_empty(),
            "{file}: {} has no title",
            control.id
        );
        assert!(!control.id.is_empty(), "{file}: control without id");
    }
}

#[test]
fn csf_2_0_xml_catalog_imports_every_requirement() {
    check_xml_catalog("NIST_CSF_v2.0_catalog.xml");
    let catalog = read_catalog(&common::data_file("NIST_CSF_v2.0_catalog.xml"))
        .unwrap_or_else(|e| panic!("{e}"));
    // Spot checks of the mapping: a subcategory nested under its category, with prose.
    let gv_oc_01 = catalog.control("GV.OC-01").expect("GV.OC-01 present");
    let statement = gv_oc_01.parts.iter().find(|p| p.name == "statement");
    assert!(
        statement
            .and_then(|p| p.prose.as_deref())
            .is_some_and(|p| !p.is_empty()),
        "GV.OC-01 statement prose"
    );
}

#[test]
fn sp800_171_rev3_xml_catalog_imports_every_requirement() {
    check_xml_catalog("NIST_SP800-171_rev3_catalog.xml");
}

#[test]
fn sp800_53_rev5_json_catalog_round_trips() {
    let path = common::data_file("NIST_SP-800-53_rev5_catalog.json");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    let document = read_document(&path).unwrap_or_else(|e| panic!("{e}"));
    let Document::Catalog(catalog) = &document else {
        panic!("not a catalog")
    };
    let controls = catalog.all_controls().len();
    let written: serde_json::Value =
        serde_json::from_str(&to_json_string(&document).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    println!(
        "800-53 rev5 catalog: {controls} controls, JSON round trip identical: {}",
        written == original
    );
    assert_eq!(controls, 1189);
    assert!(
        written == original,
        "800-53 catalog changed in a read/write round trip"
    );
}

#[test]
fn nist_examples_import() {
    let dir = common::oscal_data_dir().join("examples");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    let (mut wanted, mut imported, mut identical) = (0, 0, 0);
    for path in &entries {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        let original: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let root = original
            .as_object()
            .and_then(|o| o.keys().find(|k| !k.starts_with('$')).cloned())
            .unwrap_or_default();
        let document = read_document(path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(document.root_name(), root, "{}", path.display());
        let typed = matches!(
            document,
            Document::Catalog(_)
                | Document::AssessmentResults(_)
                | Document::PlanOfActionAndMilestones(_)
        );
        if matches!(
            root.as_str(),
            "catalog" | "assessment-results" | "plan-of-action-and-milestones"
        ) {
            wanted += 1;
            assert!(typed, "{} not read into the typed model", path.display());
            imported += 1;
        }
        // Reading and writing back must not lose or change anything (other models verbatim).
        let written: serde_json::Value =
            serde_json::from_str(&to_json_string(&document).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
        if written == original {
            identical += 1;
        } else {
            println!("round trip differs: {}", path.display());
        }
    }
    println!(
        "examples: {imported}/{wanted} catalogs/assessment-results/POA&Ms imported into typed models, \
         {identical}/{} files round-trip identical",
        entries.len()
    );
    assert_eq!(
        wanted, 3,
        "expected a catalog, an assessment-results and a POA&M"
    );
    assert_eq!(identical, entries.len());
}

/// Nothing in the XML catalogs is lost by the typed model: the generic XML → JSON mapping and
/// the typed catalog serialised back to JSON are the same value.
#[test]
fn xml_catalogs_lose_nothing_in_the_typed_model() {
    for name in [
        "NIST_CSF_v2.0_catalog.xml",
        "NIST_SP800-171_rev3_catalog.xml",
    ] {
        let path = common::data_file(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let mapped =
            sanso_oscal::xml::xml_to_json_value(&text, &path).unwrap_or_else(|e| panic!("{e}"));
        let typed = read_document(&path).unwrap_or_else(|e| panic!("{e}"));
        let written: serde_json::Value =
            serde_json::from_str(&to_json_string(&typed).unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
        println!(
            "{name}: typed model keeps all mapped content: {}",
            written == mapped
        );
        assert!(
            written == mapped,
            "{name}: content lost or changed by the typed model"
        );
    }
}

//! The same catalog written in JSON, XML and YAML reads to the same model: the XML mapping
//! (arrays, flags, markup → Markdown, `<insert>`) and the YAML reader agree with the JSON model.

mod common;

use sanso_oscal::read_catalog;

#[test]
fn json_xml_and_yaml_twins_read_identically() {
    let json =
        read_catalog(&common::fixture("mini-catalog.json")).unwrap_or_else(|e| panic!("{e}"));
    let xml =
        read_catalog(&common::fixture("mini-catalog-twin.xml")).unwrap_or_else(|e| panic!("{e}"));
    let yaml =
        read_catalog(&common::fixture("mini-catalog-twin.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let controls = json.all_controls().len();
    println!(
        "format twins: XML {}/{controls} controls equal, YAML {}/{controls} controls equal",
        json.all_controls()
            .iter()
            .zip(xml.all_controls())
            .filter(|(a, b)| **a == *b)
            .count(),
        json.all_controls()
            .iter()
            .zip(yaml.all_controls())
            .filter(|(a, b)| **a == *b)
            .count(),
    );
    assert_eq!(xml, json, "XML twin differs from JSON");
    assert_eq!(yaml, json, "YAML twin differs from JSON");
}

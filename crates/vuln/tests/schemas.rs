//! Exported VEX documents validate against the official schemas (OpenVEX 0.2.0 JSON schema,
//! CycloneDX 1.6 JSON schema), for statements imported from every example document.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use jsonschema::Resource;
use sanso_vuln::vex::{self, cyclonedx, openvex};
use sanso_vuln::VexStatement;

fn read_json(path: &Path) -> serde_json::Value {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example_statements() -> Vec<(String, Vec<VexStatement>)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        data_path("vex/csaf/csaf_2.0/examples/csaf/csaf_vex"),
        data_path("cyclonedx/bom-examples/VEX"),
    ] {
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    files.push(p);
                }
            }
        }
    }
    files.push(data_path("sbom-corpus/csaf/cve-2023-33201.json"));
    files.sort();
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        if value.get("bomFormat").is_some() && value.get("vulnerabilities").is_none() {
            continue;
        }
        let statements =
            vex::import_any(&f.display().to_string(), &bytes).unwrap_or_else(|e| panic!("{e}"));
        out.push((f.display().to_string(), statements));
    }
    out
}

#[test]
fn openvex_export_validates_against_the_openvex_schema() {
    let schema = read_json(&data_path("vex/openvex/openvex_json_schema.json"));
    let validator = jsonschema::validator_for(&schema).expect("OpenVEX schema compiles");
    let docs = example_statements();
    let mut valid = 0;
    for (name, statements) in &docs {
        let doc = openvex::export(
            statements,
            "https://openvex.dev/docs/public/sanso-test",
            "sanso test suite",
            "2024-01-01T00:00:00Z",
        );
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        valid += 1;
    }
    println!(
        "openvex export: {valid}/{} documents valid against the OpenVEX schema",
        docs.len()
    );
}

#[test]
fn cyclonedx_export_validates_against_the_cyclonedx_1_6_schema() {
    let dir = data_path("cyclonedx/schema");
    let schema = read_json(&dir.join("bom-1.6.schema.json"));
    let validator = jsonschema::options()
        .with_resource(
            "http://cyclonedx.org/schema/spdx.schema.json",
            Resource::from_contents(read_json(&dir.join("spdx.schema.json"))),
        )
        .with_resource(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            Resource::from_contents(read_json(&dir.join("jsf-0.82.schema.json"))),
        )
        .build(&schema)
        .expect("CycloneDX 1.6 schema compiles");
    let docs = example_statements();
    let mut valid = 0;
    for (name, statements) in &docs {
        let doc = cyclonedx::export(
            statements,
            "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
            "2024-01-01T00:00:00Z",
        );
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        valid += 1;
    }
    println!(
        "cyclonedx export: {valid}/{} documents valid against bom-1.6.schema.json",
        docs.len()
    );
}

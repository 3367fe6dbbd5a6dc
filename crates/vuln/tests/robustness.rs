//! Real-world inputs that are not VEX examples: every CSAF validator test document, every
//! CycloneDX conformance document, and the licences of real SBOMs. Nothing may panic; every
//! document either imports or fails with an error that names the document.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use sanso_vuln::licence::{LicencePolicy, LicenceVerdict};
use sanso_vuln::vex;

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn import_all(label: &str, dir: &Path) {
    let files = json_files(dir);
    let (mut imported, mut statements, mut rejected) = (0usize, 0usize, 0usize);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let name = f.display().to_string();
        match vex::import_any(&name, &bytes) {
            Ok(s) => {
                imported += 1;
                statements += s.len();
            }
            Err(e) => {
                assert!(
                    e.to_string().contains(&name),
                    "error does not name the file: {e}"
                );
                if rejected < 4 {
                    println!("  rejected: {e}");
                }
                rejected += 1;
            }
        }
    }
    println!(
        "{label}: {} documents, {imported} imported ({statements} statements), {rejected} rejected with a named error",
        files.len()
    );
    assert_eq!(imported + rejected, files.len());
}

#[test]
fn csaf_validator_test_documents_never_panic() {
    import_all("csaf test suite", &data_path("vex/csaf/csaf_2.0/test"));
}

#[test]
fn cyclonedx_conformance_documents_never_panic() {
    import_all("cyclonedx spec-tests", &data_path("cyclonedx/spec-tests"));
}

/// Licence strings of CycloneDX components: `license.id`, `license.name` or `expression`.
fn cyclonedx_licences(value: &serde_json::Value, out: &mut Vec<String>) {
    for c in value
        .get("components")
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
    {
        let mut parts = Vec::new();
        for l in c
            .get("licenses")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(e) = l.get("expression").and_then(|e| e.as_str()) {
                parts.push(format!("({e})"));
            } else if let Some(id) = l.pointer("/license/id").and_then(|i| i.as_str()) {
                parts.push(id.to_string());
            } else if let Some(name) = l.pointer("/license/name").and_then(|i| i.as_str()) {
                parts.push(name.to_string());
            }
        }
        // Several entries in `licenses` mean all apply.
        out.push(parts.join(" AND "));
        cyclonedx_licences(c, out);
    }
}

#[test]
fn licences_of_real_sboms() {
    let mut licences = Vec::new();
    for dir in [
        data_path("cyclonedx/bom-examples/SBOM"),
        data_path("sbom-corpus/cyclonedx"),
    ] {
        for f in json_files(&dir) {
            let value: serde_json::Value = match serde_json::from_slice(&std::fs::read(&f).unwrap())
            {
                Ok(v) => v,
                Err(_) => continue,
            };
            cyclonedx_licences(&value, &mut licences);
        }
    }
    let policy = LicencePolicy::preset("distributed-firmware").unwrap();
    let (mut allowed, mut violation, mut review, mut unknown, mut lax) = (0, 0, 0, 0, 0);
    for l in &licences {
        let e = policy.evaluate(Some(l));
        if e.interpreted_as.is_some() {
            lax += 1;
        }
        match e.verdict {
            LicenceVerdict::Allowed { .. } => allowed += 1,
            LicenceVerdict::Violation { .. } => violation += 1,
            LicenceVerdict::NeedsReview { .. } => review += 1,
            LicenceVerdict::Unknown { .. } => unknown += 1,
        }
    }
    println!(
        "real SBOM licences under distributed-firmware: {} components: {allowed} allowed, {violation} violations, {review} review, {unknown} unknown ({lax} read in lax mode)",
        licences.len()
    );
    assert!(licences.len() > 1000);
    assert!(allowed > 0 && violation > 0);
    assert_eq!(allowed + violation + review + unknown, licences.len());
}

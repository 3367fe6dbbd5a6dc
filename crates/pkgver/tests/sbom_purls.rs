//! Real-data check: every Package URL found in the shared SBOM corpus
//! (SPDX `referenceLocator`s, CycloneDX `purl`s, CSAF `purl`s) and the
//! CycloneDX example BOMs must parse, and canonicalisation must be
//! idempotent (parsing the canonical form gives the same canonical form).

mod common;

use sanso_pkgver::purl::PackageUrl;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// Collects string values that look like purls under purl-bearing keys.
fn collect(v: &Value, key: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                collect(child, k, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| collect(c, key, out)),
        Value::String(s) if s.starts_with("pkg:") && matches!(key, "purl" | "referenceLocator") => {
            out.push(s.clone())
        }
        _ => {}
    }
}

#[test]
fn sbom_corpus_purls_parse_and_round_trip() {
    let mut files = Vec::new();
    json_files(&common::shared_data("sbom-corpus"), &mut files);
    json_files(&common::shared_data("cyclonedx/bom-examples"), &mut files);
    let (mut total, mut ok) = (0usize, 0usize);
    let mut failures = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // Some examples are deliberately not JSON documents; they hold no purls to check.
        let Ok(doc) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let mut purls = Vec::new();
        collect(&doc, "", &mut purls);
        for purl in purls {
            total += 1;
            match PackageUrl::parse(&purl) {
                Err(e) => failures.push(format!("{}: {e}", path.display())),
                Ok(p) => {
                    let canonical = p.to_string();
                    match PackageUrl::parse(&canonical) {
                        Ok(again) if again.to_string() == canonical && again == p => ok += 1,
                        Ok(again) => failures.push(format!(
                            "{purl}: canonical {canonical} re-renders as {again}"
                        )),
                        Err(e) => failures.push(format!(
                            "{purl}: canonical form {canonical} does not parse: {e}"
                        )),
                    }
                }
            }
        }
    }
    println!(
        "sbom purls: {ok}/{total} parsed and round-tripped ({} files)",
        files.len()
    );
    for f in failures.iter().take(40) {
        println!("FAIL {f}");
    }
    assert!(
        total > 1000,
        "expected thousands of purls in the corpus, found {total}"
    );
    assert!(failures.is_empty(), "{} purls failed", failures.len());
}

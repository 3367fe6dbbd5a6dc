//! Runs every test of the purl-spec suite (`tests/spec` and `tests/types`):
//! parse (compare components), build (compare canonical string), validate
//! (round-trip to canonical), and every expected failure must fail.

mod common;

use sanso_pkgver::purl::PackageUrl;
use serde_json::Value;
use std::collections::BTreeMap;

fn opt_str(v: &Value) -> Option<&str> {
    v.as_str()
}

fn qualifiers(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn build(input: &Value) -> Result<PackageUrl, String> {
    let ty = opt_str(&input["type"]).unwrap_or("");
    let name = opt_str(&input["name"]).unwrap_or("");
    PackageUrl::from_parts(
        ty,
        opt_str(&input["namespace"]),
        name,
        opt_str(&input["version"]),
        qualifiers(&input["qualifiers"]),
        opt_str(&input["subpath"]),
    )
    .map_err(|e| e.to_string())
}

/// Checks one test case; `Err` carries a description of the mismatch.
fn run_case(t: &Value) -> Result<(), String> {
    let ty = t["test_type"].as_str().unwrap_or("");
    let expect_fail = t["expected_failure"].as_bool().unwrap_or(false);
    let expected = &t["expected_output"];
    match ty {
        "parse" => {
            let input = t["input"].as_str().ok_or("parse input is not a string")?;
            match (PackageUrl::parse(input), expect_fail) {
                (Err(_), true) => Ok(()),
                (Ok(p), true) => Err(format!("expected failure, parsed {p}")),
                (Err(e), false) => Err(format!("unexpected error: {e}")),
                (Ok(p), false) => {
                    let want_q = qualifiers(&expected["qualifiers"]);
                    let ok = expected["type"].as_str() == Some(p.ty.as_str())
                        && opt_str(&expected["namespace"]) == p.namespace.as_deref()
                        && expected["name"].as_str() == Some(p.name.as_str())
                        && opt_str(&expected["version"]) == p.version.as_deref()
                        && want_q == p.qualifiers
                        && opt_str(&expected["subpath"]) == p.subpath.as_deref();
                    if ok {
                        Ok(())
                    } else {
                        Err(format!("got {p:?}, want {expected}"))
                    }
                }
            }
        }
        "build" => match (build(&t["input"]), expect_fail) {
            (Err(_), true) => Ok(()),
            (Ok(p), true) => Err(format!("expected failure, built {p}")),
            (Err(e), false) => Err(format!("unexpected error: {e}")),
            (Ok(p), false) => {
                if expected.as_str() == Some(p.to_string().as_str()) {
                    Ok(())
                } else {
                    Err(format!("got {p}, want {expected}"))
                }
            }
        },
        "validate" | "roundtrip" => {
            let input = t["input"]
                .as_str()
                .ok_or("validate input is not a string")?;
            match (PackageUrl::parse(input), expect_fail) {
                (Err(_), true) => Ok(()),
                (Ok(p), true) => Err(format!("expected failure, parsed {p}")),
                (Err(e), false) => Err(format!("unexpected error: {e}")),
                (Ok(p), false) => {
                    if expected.as_str() == Some(p.to_string().as_str()) {
                        Ok(())
                    } else {
                        Err(format!("got {p}, want {expected}"))
                    }
                }
            }
        }
        other => Err(format!("unknown test type {other:?}")),
    }
}

/// Test cases whose expectation contradicts other cases of the suite,
/// listed in `purl-spec-conflicts.txt` as `file|index|reason`.
fn conflicts() -> BTreeMap<(String, usize), String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/purl-spec-conflicts.txt");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.splitn(3, '|').collect();
            assert!(
                f.len() == 3,
                "{path}: expected file|index|reason, got {l:?}"
            );
            let idx = f[1]
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{path}: bad index in {l:?}"));
            ((f[0].trim().to_string(), idx), f[2].trim().to_string())
        })
        .collect()
}

#[test]
fn purl_spec_suite() {
    let root = common::shared_data("purl-spec/tests");
    let mut files = common::files_with_ext(&root.join("spec"), "json");
    files.extend(common::files_with_ext(&root.join("types"), "json"));
    let (mut total, mut passed) = (0, 0);
    let mut failures: Vec<String> = Vec::new();
    let conflicts = conflicts();
    let mut conflict_hits: Vec<String> = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: bad JSON: {e}", path.display()));
        let tests = doc["tests"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: no tests array", path.display()));
        let (mut t_total, mut t_passed) = (0, 0);
        for (i, t) in tests.iter().enumerate() {
            t_total += 1;
            match run_case(t) {
                Ok(()) => t_passed += 1,
                Err(msg) => {
                    let file = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let line = format!(
                        "{file}#{i} [{}] {}: {msg}",
                        t["test_type"], t["description"]
                    );
                    match conflicts.get(&(file, i)) {
                        Some(reason) => conflict_hits.push(format!("{line} -- {reason}")),
                        None => failures.push(line),
                    }
                }
            }
        }
        println!(
            "purl-spec {}: {t_passed}/{t_total} passed",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        total += t_total;
        passed += t_passed;
    }
    println!(
        "purl-spec: {passed}/{total} passed, {} failing as listed in purl-spec-conflicts.txt",
        conflict_hits.len()
    );
    for c in &conflict_hits {
        println!("CONFLICT {c}");
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} purl-spec tests failed",
        failures.len()
    );
}

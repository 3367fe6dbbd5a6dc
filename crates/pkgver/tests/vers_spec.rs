//! Runs every test of the vers-spec suite. Cases for versioning schemes this
//! crate does not order (alpm, conan, datetime, gentoo, lexicographic,
//! openssl, nginx) and native-range conversion (`from_native`, not
//! implemented) are counted and printed as unsupported, never as passed.

mod common;

use sanso_pkgver::vers::VersRange;
use sanso_pkgver::version::Ecosystem;
use serde_json::Value;
use std::cmp::Ordering;

enum Outcome {
    Pass,
    Fail(String),
    Unsupported(String),
}

fn scheme_ecosystem(scheme: &str) -> Option<Ecosystem> {
    Ecosystem::from_vers_scheme(scheme)
}

fn run_case(t: &Value) -> Outcome {
    let expected = &t["expected_output"];
    let expect_fail = t["expected_failure"].as_bool().unwrap_or(false);
    match t["test_type"].as_str().unwrap_or("") {
        "comparison" | "equality" => {
            let scheme = t["input"]["input_scheme"].as_str().unwrap_or("");
            let Some(eco) = scheme_ecosystem(scheme) else {
                return Outcome::Unsupported(format!("scheme {scheme}"));
            };
            let versions: Vec<&str> = t["input"]["versions"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if versions.len() != 2 {
                return Outcome::Fail(format!("expected two versions, got {versions:?}"));
            }
            let ord = match eco.compare(versions[0], versions[1]) {
                Ok(o) => o,
                Err(e) => return Outcome::Fail(e.to_string()),
            };
            let ok = if t["test_type"] == "equality" {
                expected.as_bool() == Some(ord == Ordering::Equal)
            } else {
                let want: Vec<&str> = expected
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let got = if ord == Ordering::Greater {
                    vec![versions[1], versions[0]]
                } else {
                    vec![versions[0], versions[1]]
                };
                // Expected lists hold normalised spellings (NuGet lower-cases).
                got.len() == want.len()
                    && got
                        .iter()
                        .zip(&want)
                        .all(|(g, w)| g.eq_ignore_ascii_case(w))
            };
            if ok {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("{versions:?} compared {ord:?}, want {expected}"))
            }
        }
        "containment" => {
            let vers = t["input"]["vers"].as_str().unwrap_or("");
            let version = t["input"]["version"].as_str().unwrap_or("");
            match VersRange::parse(vers).and_then(|r| r.contains(version)) {
                Ok(b) if expected.as_bool() == Some(b) => Outcome::Pass,
                Ok(b) => Outcome::Fail(format!("{vers} contains {version} = {b}, want {expected}")),
                Err(e) => Outcome::Fail(e.to_string()),
            }
        }
        "validate" => {
            let input = t["input"].as_str().unwrap_or("");
            match VersRange::parse(input) {
                Ok(r) if expected.as_str() == Some(r.to_string().as_str()) => Outcome::Pass,
                Ok(r) => Outcome::Fail(format!("got {r}, want {expected}")),
                Err(e) => Outcome::Fail(e.to_string()),
            }
        }
        "parse" => {
            let input = t["input"].as_str().unwrap_or("");
            let scheme = input
                .strip_prefix("vers:")
                .and_then(|r| r.split('/').next())
                .unwrap_or("");
            if scheme_ecosystem(scheme).is_none() {
                return Outcome::Unsupported(format!("scheme {scheme}"));
            }
            match (VersRange::parse_canonical(input), expect_fail) {
                (Err(_), true) => Outcome::Pass,
                (Ok(r), true) => Outcome::Fail(format!("expected failure, parsed {r}")),
                (Err(e), false) => Outcome::Fail(e.to_string()),
                (Ok(r), false) => {
                    let got: Vec<Value> = r
                        .constraints()
                        .iter()
                        .map(|c| Value::from(vec![c.comparator.as_str(), c.version.as_str()]))
                        .collect();
                    if expected["scheme"].as_str() == Some(r.scheme.as_str())
                        && expected["version_constraints"] == Value::from(got.clone())
                    {
                        Outcome::Pass
                    } else {
                        Outcome::Fail(format!("got {} {got:?}, want {expected}", r.scheme))
                    }
                }
            }
        }
        "from_native" => Outcome::Unsupported("native range conversion not implemented".into()),
        other => Outcome::Fail(format!("unknown test type {other:?}")),
    }
}

#[test]
fn vers_spec_suite() {
    let dir = common::shared_data("vers-spec/tests");
    let (mut total, mut passed, mut unsupported) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut reasons = std::collections::BTreeSet::new();
    for path in common::files_with_ext(&dir, "json") {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: bad JSON: {e}"));
        let tests = doc["tests"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no tests array"));
        let (mut f_pass, mut f_unsup) = (0, 0);
        for (i, t) in tests.iter().enumerate() {
            match run_case(t) {
                Outcome::Pass => f_pass += 1,
                Outcome::Unsupported(why) => {
                    f_unsup += 1;
                    reasons.insert(why);
                }
                Outcome::Fail(msg) => failures.push(format!("{name}#{i}: {msg}")),
            }
        }
        println!(
            "vers-spec {name}: {f_pass}/{} passed, {f_unsup} unsupported",
            tests.len()
        );
        total += tests.len();
        passed += f_pass;
        unsupported += f_unsup;
    }
    println!(
        "vers-spec: {passed}/{total} passed, {unsupported} unsupported, {} failed",
        failures.len()
    );
    println!(
        "unsupported: {}",
        reasons.into_iter().collect::<Vec<_>>().join("; ")
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} vers-spec tests failed",
        failures.len()
    );
}

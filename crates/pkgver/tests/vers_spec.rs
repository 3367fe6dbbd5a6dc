//! Runs every test of the vers-spec suite: per-scheme comparison and
//! equality, native range conversion, containment, normalisation and
//! canonical parsing. A case for a scheme this crate cannot order would be
//! counted and printed as unsupported (never as passed); cases we believe are
//! wrong are listed in `vers-spec-known-wrong.txt` and reported.

mod common;

use sanso_pkgver::vers::{from_native, VersError, VersRange};
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
            let parsed = match versions
                .iter()
                .map(|v| eco.parse(v))
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(p) => p,
                Err(e) => return Outcome::Fail(e.to_string()),
            };
            if t["test_type"] == "equality" {
                let all_equal = parsed
                    .windows(2)
                    .all(|w| w[0].cmp(&w[1]) == Ordering::Equal);
                return if expected.as_bool() == Some(all_equal) {
                    Outcome::Pass
                } else {
                    Outcome::Fail(format!(
                        "{versions:?} all equal = {all_equal}, want {expected}"
                    ))
                };
            }
            let mut sorted = parsed.clone();
            sorted.sort();
            let got: Vec<&str> = sorted.iter().map(|v| v.as_str()).collect();
            let want: Vec<&str> = expected
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            // Expected lists hold normalised spellings (NuGet lower-cases).
            if got.len() == want.len()
                && got
                    .iter()
                    .zip(&want)
                    .all(|(g, w)| g.eq_ignore_ascii_case(w))
            {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("sorted {got:?}, want {want:?}"))
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
        "from_native" => {
            let scheme = t["input"]["scheme"].as_str().unwrap_or("");
            let native = t["input"]["native_range"].as_str().unwrap_or("");
            match (from_native(scheme, native), expect_fail) {
                (Err(VersError::UnsupportedScheme { .. }), _) => {
                    Outcome::Unsupported(format!("native {scheme} ranges"))
                }
                (Err(_), true) => Outcome::Pass,
                (Ok(r), true) => Outcome::Fail(format!("expected failure, got {r}")),
                (Err(e), false) => Outcome::Fail(e.to_string()),
                (Ok(r), false) if expected.as_str() == Some(r.to_string().as_str()) => {
                    Outcome::Pass
                }
                (Ok(r), false) => Outcome::Fail(format!("{native:?} -> {r}, want {expected}")),
            }
        }
        other => Outcome::Fail(format!("unknown test type {other:?}")),
    }
}

/// Cases we believe are wrong: `vers-spec-known-wrong.txt`, `file|index|reason`.
fn known_wrong() -> std::collections::BTreeMap<(String, usize), String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vers-spec-known-wrong.txt"
    );
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
fn vers_spec_suite() {
    let dir = common::shared_data("vers-spec/tests");
    let (mut total, mut passed, mut unsupported) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut reasons = std::collections::BTreeSet::new();
    let known_wrong = known_wrong();
    let mut listed = Vec::new();
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
            let outcome = run_case(t);
            if let Some(reason) = known_wrong.get(&(name.clone(), i)) {
                match outcome {
                    Outcome::Fail(msg) => {
                        listed.push(format!("{name}#{i}: {msg} -- known wrong: {reason}"))
                    }
                    _ => failures.push(format!(
                        "{name}#{i}: listed as known wrong but did not fail"
                    )),
                }
                continue;
            }
            match outcome {
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
    println!("known wrong (vers-spec-known-wrong.txt): {}", listed.len());
    for l in &listed {
        println!("LISTED {l}");
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} vers-spec tests failed",
        failures.len()
    );
}

//! Runs every ordering vector of osv-scalibr's `semantic-testdata`
//! (`a < b`, `a = b`, `a > b` per line) against `sanso_pkgver::version`.
//!
//! Vectors we believe are wrong are listed in `known-wrong-vectors.txt`
//! (`file|line|vector|reason`); they are reported, never skipped silently,
//! and a listed vector that starts passing is reported as well.

mod common;

use sanso_pkgver::version::Ecosystem;
use std::cmp::Ordering;
use std::collections::BTreeMap;

fn ecosystem_for_file(name: &str) -> Option<Ecosystem> {
    let eco = name.split('-').next()?;
    Some(match eco {
        "alpine" => Ecosystem::Alpine,
        "cran" => Ecosystem::Cran,
        "debian" => Ecosystem::Debian,
        "hackage" => Ecosystem::Hackage,
        "maven" => Ecosystem::Maven,
        "nuget" => Ecosystem::NuGet,
        "packagist" => Ecosystem::Packagist,
        "pub" => Ecosystem::Pub,
        "pypi" => Ecosystem::PyPI,
        "redhat" => Ecosystem::Rpm,
        "rubygems" => Ecosystem::RubyGems,
        "semver" => Ecosystem::SemVer,
        _ => return None,
    })
}

fn known_wrong() -> BTreeMap<(String, usize), String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/known-wrong-vectors.txt");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.splitn(4, '|').collect();
        assert!(
            fields.len() == 4,
            "{path}:{}: expected file|line|vector|reason",
            i + 1
        );
        let n: usize = fields[1]
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{path}:{}: bad line number {:?}", i + 1, fields[1]));
        out.insert(
            (fields[0].trim().to_string(), n),
            fields[3].trim().to_string(),
        );
    }
    out
}

#[test]
fn osv_scalibr_semantic_vectors() {
    let dir = common::shared_data("osv-scalibr/semantic-testdata");
    let listed = known_wrong();
    let mut failures = Vec::new();
    let mut listed_hits = Vec::new();
    let (mut total_all, mut passed_all) = (0usize, 0usize);
    for path in common::files_with_ext(&dir, "txt") {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let eco = ecosystem_for_file(&name)
            .unwrap_or_else(|| panic!("no ecosystem for vector file {name}"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let (mut total, mut passed) = (0usize, 0usize);
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            assert!(
                parts.len() == 3,
                "{name}:{}: malformed vector {line:?}",
                i + 1
            );
            let expected = match parts[1] {
                "<" => Ordering::Less,
                "=" => Ordering::Equal,
                ">" => Ordering::Greater,
                op => panic!("{name}:{}: unknown operator {op:?}", i + 1),
            };
            total += 1;
            let got = eco.compare(parts[0], parts[2]).and_then(|fwd| {
                // Check antisymmetry too: b vs a must be the reverse.
                let back = eco.compare(parts[2], parts[0])?;
                Ok((fwd, back))
            });
            let ok = matches!(got, Ok((f, b)) if f == expected && b == expected.reverse());
            let key = (name.clone(), i + 1);
            if ok {
                passed += 1;
                if listed.contains_key(&key) {
                    listed_hits.push(format!(
                        "{name}:{} now passes but is listed as wrong: {line}",
                        i + 1
                    ));
                }
            } else if let Some(reason) = listed.get(&key) {
                listed_hits.push(format!(
                    "{name}:{} known wrong ({reason}): {line} got {got:?}",
                    i + 1
                ));
            } else {
                failures.push(format!("{name}:{}: {line} -> got {got:?}", i + 1));
            }
        }
        println!("osv-scalibr {name} ({eco}): {passed}/{total} passed");
        total_all += total;
        passed_all += passed;
    }
    for l in &listed_hits {
        println!("listed: {l}");
    }
    println!(
        "osv-scalibr: {passed_all}/{total_all} passed, {} listed as known wrong",
        listed.len()
    );
    if !failures.is_empty() {
        for f in failures.iter().take(60) {
            println!("FAIL {f}");
        }
        panic!("{} ordering vectors failed", failures.len());
    }
}

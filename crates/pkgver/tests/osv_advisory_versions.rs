//! Real-data check over the OSV advisories in the shared data (RustSec and
//! the Go vulnerability database): every version in `affected[].ranges`
//! events and `affected[].versions` must parse under its ecosystem, every
//! `affected[].package.purl` must parse, and within each range the events
//! must be in ascending order (`introduced` < `fixed` …), which exercises
//! Go pseudo-version ordering on thousands of real ranges. (`introduced:
//! "0"` is OSV's "since the first version" sentinel and is not ordered.)

mod common;

use sanso_pkgver::purl::PackageUrl;
use sanso_pkgver::version::{Ecosystem, Version};
use serde_json::Value;
use std::cmp::Ordering;

#[derive(Default)]
struct Counts {
    files: usize,
    versions: usize,
    ranges: usize,
    purls: usize,
    failures: Vec<String>,
}

fn check_advisory(path: &std::path::Path, doc: &Value, counts: &mut Counts) {
    let id = doc["id"].as_str().unwrap_or("?");
    for (ai, affected) in doc["affected"].as_array().into_iter().flatten().enumerate() {
        let eco_name = affected["package"]["ecosystem"].as_str().unwrap_or("");
        if let Some(purl) = affected["package"]["purl"].as_str() {
            counts.purls += 1;
            if let Err(e) = PackageUrl::parse(purl) {
                counts.failures.push(format!("{id} affected[{ai}]: {e}"));
            }
        }
        let Some(eco) = Ecosystem::from_osv_name(eco_name) else {
            counts.failures.push(format!(
                "{id} affected[{ai}]: unknown ecosystem {eco_name:?} in {}",
                path.display()
            ));
            continue;
        };
        for v in affected["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            counts.versions += 1;
            if let Err(e) = eco.parse(v) {
                counts
                    .failures
                    .push(format!("{id} affected[{ai}].versions: {e}"));
            }
        }
        for (ri, range) in affected["ranges"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if range["type"].as_str() == Some("GIT") {
                continue;
            }
            counts.ranges += 1;
            let mut previous: Option<Version> = None;
            for (ei, event) in range["events"].as_array().into_iter().flatten().enumerate() {
                let Some((kind, value)) = event.as_object().and_then(|o| o.iter().next()) else {
                    continue;
                };
                let Some(text) = value.as_str() else { continue };
                counts.versions += 1;
                // OSV's `introduced: "0"` is a sentinel for "from the very
                // first version" (below every pre-release), not a version.
                if kind == "introduced" && text == "0" {
                    previous = None;
                    continue;
                }
                let where_ = format!("{id} affected[{ai}].ranges[{ri}].events[{ei}].{kind}");
                match eco.parse(text) {
                    Err(e) => counts.failures.push(format!("{where_}: {e}")),
                    Ok(v) => {
                        if let Some(p) = &previous {
                            if p.cmp(&v) == Ordering::Greater {
                                counts.failures.push(format!(
                                    "{where_}: {text} sorts before the previous event {p}"
                                ));
                            }
                        }
                        previous = Some(v);
                    }
                }
            }
        }
    }
}

#[test]
fn osv_advisory_versions_parse_and_ranges_ascend() {
    let dirs = [
        common::shared_data("osv/rustsec/crates"),
        common::shared_data("osv/go/data/osv"),
    ];
    let mut counts = Counts::default();
    for dir in &dirs {
        for path in common::files_with_ext(dir, "json") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let doc: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: bad JSON: {e}", path.display()));
            counts.files += 1;
            check_advisory(&path, &doc, &mut counts);
        }
    }
    println!(
        "osv advisories: {} files, {} versions, {} ranges, {} purls checked, {} problems",
        counts.files,
        counts.versions,
        counts.ranges,
        counts.purls,
        counts.failures.len()
    );
    for f in counts.failures.iter().take(50) {
        println!("FAIL {f}");
    }
    assert!(counts.files > 0, "no advisories found");
    assert!(
        counts.failures.is_empty(),
        "{} problems in OSV advisories",
        counts.failures.len()
    );
}

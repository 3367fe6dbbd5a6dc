//! Licence policy: compound expressions, WITH exceptions, categories, presets, rule precedence.

use sanso_vuln::licence::{LicencePolicy, LicenceVerdict};

fn verdict_kind(v: &LicenceVerdict) -> &'static str {
    match v {
        LicenceVerdict::Allowed { .. } => "allowed",
        LicenceVerdict::Violation { .. } => "violation",
        LicenceVerdict::NeedsReview { .. } => "review",
        LicenceVerdict::Unknown { .. } => "unknown",
    }
}

#[test]
fn firmware_preset_table() {
    let policy = LicencePolicy::preset("distributed-firmware").unwrap();
    let cases: &[(&str, &str)] = &[
        ("MIT", "allowed"),
        ("Apache-2.0", "allowed"),
        ("CC0-1.0", "allowed"),
        ("BSD-3-Clause AND ISC", "allowed"),
        ("MIT OR Apache-2.0", "allowed"),
        ("GPL-2.0-only", "violation"),
        ("GPL-3.0-or-later", "violation"),
        ("AGPL-3.0-only", "violation"),
        ("GPL-2.0-or-later OR MIT", "allowed"),
        ("MIT AND GPL-2.0-only", "violation"),
        ("LGPL-2.1-only", "review"),
        ("MPL-2.0 AND MIT", "review"),
        ("MPL-2.0 OR GPL-2.0-only", "review"),
        (
            "(MIT OR GPL-3.0-only) AND (Apache-2.0 OR LGPL-3.0-only)",
            "allowed",
        ),
        ("(GPL-3.0-only OR AGPL-3.0-only) AND MIT", "violation"),
        // A linking exception makes GPL weak copyleft: review, not violation.
        ("GPL-2.0-only WITH Classpath-exception-2.0", "review"),
        ("GPL-3.0-or-later WITH GCC-exception-3.1", "review"),
        ("Apache-2.0 WITH LLVM-exception", "allowed"),
        ("LicenseRef-Acme-Proprietary", "review"),
        ("NOASSERTION", "unknown"),
        ("", "unknown"),
        ("this is not a licence", "unknown"),
    ];
    let mut failures = Vec::new();
    for (expr, want) in cases {
        let got = policy.evaluate(Some(expr));
        if verdict_kind(&got.verdict) != *want {
            failures.push(format!("{expr:?}: want {want}, got {:?}", got.verdict));
        }
    }
    println!(
        "licence firmware preset: {}/{} expressions as expected",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn verdicts_name_licences_and_rules() {
    let policy = LicencePolicy::preset("distributed-firmware").unwrap();
    let e = policy.evaluate(Some("MIT AND (GPL-2.0-only OR AGPL-3.0-only)"));
    match e.verdict {
        LicenceVerdict::Violation { licences, rules } => {
            assert_eq!(licences, vec!["GPL-2.0-only", "AGPL-3.0-only"]);
            assert!(rules.iter().all(|r| r.contains("copyleft")), "{rules:?}");
        }
        other => panic!("{other:?}"),
    }
    let e = policy.evaluate(Some("GPL-2.0-only OR Apache-2.0"));
    assert_eq!(
        e.verdict,
        LicenceVerdict::Allowed {
            licences: vec!["Apache-2.0".into()]
        }
    );
}

#[test]
fn saas_and_internal_presets_differ() {
    let saas = LicencePolicy::preset("saas").unwrap();
    let internal = LicencePolicy::preset("internal-tool").unwrap();
    let kind = |p: &LicencePolicy, e: &str| verdict_kind(&p.evaluate(Some(e)).verdict);
    assert_eq!(kind(&saas, "AGPL-3.0-only"), "violation");
    assert_eq!(kind(&saas, "GPL-3.0-only"), "review");
    assert_eq!(kind(&saas, "LGPL-2.1-or-later"), "allowed");
    assert_eq!(kind(&internal, "GPL-3.0-only"), "allowed");
    assert_eq!(kind(&internal, "AGPL-3.0-only"), "review");
    assert_eq!(kind(&internal, "SSPL-1.0"), "review");
    assert!(LicencePolicy::preset("mars-rover").is_err());
}

#[test]
fn explicit_rules_beat_categories_and_exceptions_are_specific() {
    // Deny strong copyleft, but allow OpenJDK's GPL-with-Classpath and one named GPL licence.
    let policy = LicencePolicy::from_json(
        r#"{
        "name": "acme firmware",
        "context": "distributed-firmware",
        "allow": [{"category": "permissive"}, "GPL-2.0-only WITH Classpath-exception-2.0", "LicenseRef-Acme"],
        "deny": [{"category": "strong-copyleft"}, {"category": "weak-copyleft"}, "GPL-2.0-only WITH Linux-syscall-note"],
        "review": ["MIT"],
        "default": "unknown"
    }"#,
    )
    .unwrap();
    let kind = |e: &str| verdict_kind(&policy.evaluate(Some(e)).verdict);
    assert_eq!(kind("GPL-2.0-only WITH Classpath-exception-2.0"), "allowed");
    // Linux-syscall-note is a linking exception (weak copyleft), but the explicit rule denies it.
    assert_eq!(kind("GPL-2.0-only WITH Linux-syscall-note"), "violation");
    assert_eq!(kind("GPL-2.0-only"), "violation");
    assert_eq!(kind("LicenseRef-Acme"), "allowed");
    // An explicit ID rule (review) outranks the permissive category (allow).
    assert_eq!(kind("MIT"), "review");
    // Unclassified licence with default "unknown".
    assert_eq!(kind("LicenseRef-Other"), "unknown");
    // Lax parsing of a sloppy string, with the interpretation reported.
    let e = policy.evaluate(Some("Apache 2.0"));
    assert_eq!(verdict_kind(&e.verdict), "allowed");
    assert_eq!(e.interpreted_as.as_deref(), Some("Apache-2.0"));
}

#[test]
fn bad_policy_json_names_the_path() {
    let err = LicencePolicy::from_json(
        r#"{"name": "x", "context": "y", "allow": [{"category": "sort-of-free"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("allow"), "{err}");
}

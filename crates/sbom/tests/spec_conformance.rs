//! CycloneDX specification conformance: every `valid-*` document of 1.4–1.6 (JSON and XML) is
//! accepted and every `invalid-*` one rejected with a message.

mod common;

use sanso_sbom::validate::CycloneDxSchemas;
use sanso_sbom::{ReadOptions, SbomError};

#[test]
fn cyclonedx_spec_tests_are_accepted_or_rejected() {
    let data = common::data_dir();
    let schemas = CycloneDxSchemas::load(&data.join("cyclonedx/schema"))
        .unwrap_or_else(|error| panic!("schemas: {error}"));
    let root = data.join("cyclonedx/spec-tests/tools/src/test/resources");
    let options = ReadOptions::default();
    let (mut accepted, mut rejected, mut total) = (0, 0, 0);
    let mut wrong = Vec::new();
    for path in common::files_under(&root) {
        let Some(extension) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if extension != "json" && extension != "xml" {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let expect_valid = name.starts_with("valid-");
        if !expect_valid && !name.starts_with("invalid-") {
            continue;
        }
        total += 1;
        let file = std::fs::File::open(&path)
            .unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
        match (schemas.validate(file, &options), expect_valid) {
            (Ok(_), true) => accepted += 1,
            (Err(error), false) => {
                assert!(!error.to_string().is_empty());
                if matches!(error, SbomError::Io(_)) {
                    wrong.push(format!("{name}: rejected for I/O, not content: {error}"));
                } else {
                    rejected += 1;
                }
            }
            (Ok(_), false) => wrong.push(format!("{name}: accepted but is invalid")),
            (Err(error), true) => wrong.push(format!("{name}: rejected: {error}")),
        }
    }
    println!(
        "cyclonedx spec-tests: {}/{total} passed ({accepted} valid accepted, {rejected} invalid rejected)",
        accepted + rejected
    );
    assert!(
        total > 300,
        "expected the full suite, found {total} documents"
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

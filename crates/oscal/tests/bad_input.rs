//! Bad input: every failure is a typed error naming the file and the place in it.

mod common;

use sanso_oscal::{read_catalog, read_document, resolve_profile, OscalError};

fn resolve_err(name: &str) -> OscalError {
    match resolve_profile(&common::fixture(name)) {
        Ok(_) => panic!("{name}: resolution should fail"),
        Err(e) => {
            println!("{name}: {e}");
            e
        }
    }
}

fn read_err(name: &str) -> OscalError {
    match read_document(&common::fixture(name)) {
        Ok(d) => panic!("{name}: reading should fail, got {}", d.root_name()),
        Err(e) => {
            println!("{name}: {e}");
            e
        }
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

#[test]
fn import_cycle_between_two_profiles() {
    match resolve_err("cycle-a.json") {
        OscalError::ImportCycle { chain } => {
            let names: Vec<_> = chain.iter().map(|p| file_name(p)).collect();
            assert_eq!(names, ["cycle-a.json", "cycle-b.json", "cycle-a.json"]);
        }
        other => panic!("expected ImportCycle, got {other:?}"),
    }
}

#[test]
fn missing_import_file() {
    match resolve_err("bad-missing-import.json") {
        OscalError::ImportNotFound {
            file,
            json_path,
            href,
            tried,
        } => {
            assert_eq!(file_name(&file), "bad-missing-import.json");
            assert_eq!(json_path, "profile.imports[1].href");
            assert_eq!(href, "does-not-exist.json");
            assert!(tried.iter().any(|p| file_name(p) == "does-not-exist.xml"));
        }
        other => panic!("expected ImportNotFound, got {other:?}"),
    }
}

#[test]
fn dangling_back_matter_reference() {
    match resolve_err("bad-backmatter-ref.json") {
        OscalError::BadResourceReference {
            json_path, href, ..
        } => {
            assert_eq!(json_path, "profile.imports[0].href");
            assert_eq!(href, "#22222222-2222-4222-8222-222222222222");
        }
        other => panic!("expected BadResourceReference, got {other:?}"),
    }
}

#[test]
fn remote_import_is_refused() {
    assert!(matches!(
        resolve_err("bad-remote-import.json"),
        OscalError::UnsupportedHref { .. }
    ));
}

#[test]
fn unknown_control_in_include_and_exclude() {
    match resolve_err("bad-unknown-with-id.json") {
        OscalError::UnknownControl {
            json_path,
            control_id,
            source_file,
            ..
        } => {
            assert_eq!(
                json_path,
                "profile.imports[0].include-controls[0].with-ids[1]"
            );
            assert_eq!(control_id, "zz-9");
            assert_eq!(file_name(&source_file), "mini-catalog.json");
        }
        other => panic!("expected UnknownControl, got {other:?}"),
    }
    match resolve_err("bad-unknown-exclude.json") {
        OscalError::UnknownControl {
            json_path,
            control_id,
            ..
        } => {
            assert_eq!(
                json_path,
                "profile.imports[0].exclude-controls[0].with-ids[0]"
            );
            assert_eq!(control_id, "zz-8");
        }
        other => panic!("expected UnknownControl, got {other:?}"),
    }
}

#[test]
fn unknown_control_in_alter() {
    match resolve_err("bad-unknown-alter.json") {
        OscalError::UnknownAlterControl {
            json_path,
            control_id,
            ..
        } => {
            assert_eq!(json_path, "profile.modify.alters[1].control-id");
            assert_eq!(control_id, "zz-9");
        }
        other => panic!("expected UnknownAlterControl, got {other:?}"),
    }
    // A control that exists in the catalog but was not selected is unknown to the result too.
    assert!(matches!(
        resolve_err("bad-alter-excluded-control.json"),
        OscalError::UnknownAlterControl { .. }
    ));
}

#[test]
fn unknown_parameter_and_add_target() {
    match resolve_err("bad-unknown-param.json") {
        OscalError::UnknownParameter {
            json_path,
            param_id,
            ..
        } => {
            assert_eq!(json_path, "profile.modify.set-parameters[1].param-id");
            assert_eq!(param_id, "zz-9_prm_1");
        }
        other => panic!("expected UnknownParameter, got {other:?}"),
    }
    match resolve_err("bad-add-target.json") {
        OscalError::UnknownAddTarget {
            json_path,
            by_id,
            control_id,
            ..
        } => {
            assert_eq!(json_path, "profile.modify.alters[0].adds[0].by-id");
            assert_eq!(by_id, "no-such-part");
            assert_eq!(control_id, "ac-1");
        }
        other => panic!("expected UnknownAddTarget, got {other:?}"),
    }
}

#[test]
fn malformed_json() {
    match read_err("bad-syntax.json") {
        OscalError::Json { file, line, .. } => {
            assert_eq!(file_name(&file), "bad-syntax.json");
            assert!(line >= 4, "line {line}");
        }
        other => panic!("expected Json error, got {other:?}"),
    }
    match read_err("bad-type.json") {
        OscalError::Json {
            json_path, line, ..
        } => {
            assert_eq!(json_path, "catalog.groups[0].controls[1].id");
            assert_eq!(line, 3);
        }
        other => panic!("expected Json error, got {other:?}"),
    }
}

#[test]
fn malformed_xml() {
    match read_err("bad-syntax.xml") {
        OscalError::Xml {
            file, xpath, line, ..
        } => {
            assert_eq!(file_name(&file), "bad-syntax.xml");
            assert_eq!(xpath, "/catalog/group[1]/control[2]");
            assert_eq!(line, 6);
        }
        other => panic!("expected Xml error, got {other:?}"),
    }
    match read_err("bad-model.xml") {
        OscalError::XmlModel {
            json_path, message, ..
        } => {
            assert_eq!(json_path, "catalog.groups[0].controls[1]");
            assert!(message.contains("title"), "{message}");
        }
        other => panic!("expected XmlModel error, got {other:?}"),
    }
}

#[test]
fn malformed_yaml() {
    match read_err("bad-syntax.yaml") {
        OscalError::Yaml { file, line, .. } => {
            assert_eq!(file_name(&file), "bad-syntax.yaml");
            assert!(line.is_some());
        }
        other => panic!("expected Yaml error, got {other:?}"),
    }
}

#[test]
fn wrong_document_type() {
    match read_catalog(&common::fixture("tailored-profile.json")) {
        Err(OscalError::WrongDocumentType {
            expected, found, ..
        }) => {
            assert_eq!(expected, "catalog");
            assert_eq!(found, "profile");
        }
        other => panic!("expected WrongDocumentType, got {other:?}"),
    }
}

#[test]
fn missing_file() {
    assert!(matches!(
        read_document(&common::fixture("no-such-file.json")),
        Err(OscalError::Io { .. })
    ));
}

#[test]
fn builders_reject_dates_without_time_zone() {
    use sanso_oscal::builders::{assessment_results, DocumentInfo, ResultInput};
    let info = DocumentInfo {
        title: "t".to_string(),
        version: "1".to_string(),
        last_modified: None,
    };
    let result = ResultInput {
        title: "r".to_string(),
        description: "d".to_string(),
        start: "2026-11-01".to_string(),
        end: None,
        findings: Vec::new(),
    };
    match assessment_results(&info, "#ap", &[result]) {
        Err(OscalError::InvalidValue {
            json_path, value, ..
        }) => {
            assert_eq!(json_path, "results[0].start");
            assert_eq!(value, "2026-11-01");
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }
}

#[test]
fn import_cycle_through_embedded_base64_profiles() {
    // An embedded (base64) profile whose own back-matter embeds itself again.
    assert!(matches!(
        resolve_err("cycle-embedded.json"),
        OscalError::ImportCycle { .. }
    ));
}

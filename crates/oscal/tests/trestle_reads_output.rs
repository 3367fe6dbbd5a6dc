//! Every OSCAL JSON sanso writes must be readable by compliance-trestle (IBM's OSCAL SDK, whose
//! pydantic models are generated from NIST's schemas). Needs `pip install compliance-trestle`;
//! without it this test fails with that instruction — it never skips.

mod common;

use std::path::Path;
use std::process::Command;

use sanso_oscal::builders::{
    assessment_results, poam, ControlFinding, DocumentInfo, FindingState, ObservationInput,
    PoamItemInput, RemediationInput, ResultInput,
};
use sanso_oscal::{read_catalog, resolve_profile, write_json, Document};

fn info(title: &str) -> DocumentInfo {
    DocumentInfo {
        title: title.to_string(),
        version: "1.0".to_string(),
        last_modified: None,
    }
}

#[test]
fn trestle_reads_resolved_catalog_assessment_results_and_poam() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let catalog = resolve_profile(&common::data_file(
        "NIST_SP-800-53_rev5_HIGH-baseline_profile.json",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let catalog_path = dir.path().join("resolved-catalog.json");
    write_json(&Document::Catalog(catalog), &catalog_path).unwrap_or_else(|e| panic!("{e}"));

    let findings = vec![
        ControlFinding {
            control_id: "ac-2".to_string(),
            objective_id: None,
            title: "Account management".to_string(),
            description: "Accounts are reviewed quarterly.".to_string(),
            state: FindingState::Satisfied,
            remarks: None,
            observations: vec![ObservationInput {
                title: Some("Account review records".to_string()),
                description: "Reviewed Q3 account review minutes.".to_string(),
                methods: vec!["EXAMINE".to_string()],
                collected: "2026-11-01T09:00:00+09:00".to_string(),
            }],
        },
        ControlFinding {
            control_id: "sr-3".to_string(),
            objective_id: None,
            title: "Supply chain controls".to_string(),
            description: "Supplier contracts lack security requirements.".to_string(),
            state: FindingState::NotSatisfied,
            remarks: Some("Three of five key suppliers have no clause.".to_string()),
            observations: vec![ObservationInput {
                title: None,
                description: "Interviewed procurement.".to_string(),
                methods: vec!["INTERVIEW".to_string()],
                collected: "2026-11-02T10:00:00+09:00".to_string(),
            }],
        },
    ];
    let results = assessment_results(
        &info("sanso assessment results"),
        "#4f2c8e4a-7b1d-4d7e-9a53-8e0c5d1f2b6a",
        &[ResultInput {
            title: "CPSF self-assessment 2026".to_string(),
            description: "Annual self-assessment.".to_string(),
            start: "2026-11-01T00:00:00+09:00".to_string(),
            end: Some("2026-11-05T00:00:00+09:00".to_string()),
            findings,
        }],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ar_path = dir.path().join("assessment-results.json");
    let failing: Vec<_> = results.results[0]
        .findings
        .iter()
        .filter(|f| f.target.status.state == "not-satisfied")
        .cloned()
        .collect();
    let observations = results.results[0].observations.clone();
    write_json(&Document::AssessmentResults(results), &ar_path).unwrap_or_else(|e| panic!("{e}"));

    let plan = poam(
        &info("sanso POA&M"),
        Some("factory-line-3"),
        &failing,
        &observations,
        &[PoamItemInput {
            title: "Add security clauses to supplier contracts".to_string(),
            description: "Key suppliers must accept security requirements.".to_string(),
            related_findings: failing.iter().map(|f| f.uuid.clone()).collect(),
            due: Some("2027-03-31T00:00:00+09:00".to_string()),
            remediation: Some(RemediationInput {
                title: "Contract amendment".to_string(),
                description: "Amend the five key supplier contracts.".to_string(),
                lifecycle: "planned".to_string(),
            }),
        }],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let poam_path = dir.path().join("poam.json");
    write_json(&Document::PlanOfActionAndMilestones(plan), &poam_path)
        .unwrap_or_else(|e| panic!("{e}"));

    // The XML catalogs, converted to OSCAL JSON, must be valid too (checks the XML mapping).
    let mut converted = Vec::new();
    for name in [
        "NIST_CSF_v2.0_catalog.xml",
        "NIST_SP800-171_rev3_catalog.xml",
    ] {
        let catalog = read_catalog(&common::data_file(name)).unwrap_or_else(|e| panic!("{e}"));
        let out = dir.path().join(name.replace(".xml", ".json"));
        write_json(&Document::Catalog(catalog), &out).unwrap_or_else(|e| panic!("{e}"));
        converted.push(out);
    }

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/trestle_check.py");
    let output = Command::new("python3")
        .arg(&script)
        .args(["catalog", &catalog_path.to_string_lossy()])
        .args(["catalog", &converted[0].to_string_lossy()])
        .args(["catalog", &converted[1].to_string_lossy()])
        .args(["assessment-results", &ar_path.to_string_lossy()])
        .args(["poam", &poam_path.to_string_lossy()])
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 (needed for compliance-trestle): {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    assert_ne!(
        output.status.code(),
        Some(3),
        "compliance-trestle missing: {stdout} (pip install compliance-trestle)"
    );
    assert!(
        output.status.success(),
        "trestle rejected sanso's OSCAL JSON:\n{stdout}\n{stderr}"
    );
    let ok = stdout.lines().filter(|l| l.starts_with("ok ")).count();
    println!("trestle: {ok}/5 documents read");
    assert_eq!(ok, 5);
}

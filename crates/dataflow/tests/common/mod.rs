//! Shared fixtures: a base flow header with places and holders, to which tests append
//! `events:` and `edges:`.
#![allow(dead_code)]

use sanso_dataflow::io::flow_from_yaml;
use sanso_dataflow::{DataFlow, Library, Risk};

pub const BASE: &str = r#"
id: t
name: test flow
data_set: { name: test data }
places:
  - { id: jp, name: { ja: 日本, en: Japan }, kind: law, adopts: [jp-appi, internal-rules-example] }
  - { id: jp2, name: { ja: 日本2, en: Japan 2 }, kind: law, adopts: [jp-appi] }
  - { id: eu, name: { ja: EU, en: EU }, kind: law, adopts: [eu-gdpr] }
  - { id: us, name: { ja: 米国, en: US California }, kind: law, adopts: [us-ca-ccpa] }
  - { id: us-dta, name: { ja: 米国(契約), en: US with contract }, kind: contract, adopts: [us-ca-ccpa, intra-group-dta] }
  - { id: bare, name: { ja: 規則なし, en: No rules }, kind: internal_rules, jurisdiction: JP }
  - id: xx
    name: { ja: 国XX, en: Country XX }
    kind: law
    jurisdiction: XX
    rules:
      - id: xx.localise
        require: { kind: data_localisation }
        applies_to: personal
        summary: { ja: 国内保存, en: Keep personal data in XX }
holders:
  - { id: own, name: Own Co, relation: own }
  - { id: grp, name: Group Co, relation: group_company }
  - { id: ctr, name: Contractor Co, relation: contractor }
  - { id: tp, name: Third Co, relation: third_party }
"#;

pub fn library() -> Library {
    match Library::builtin() {
        Ok(l) => l,
        Err(e) => panic!("builtin library: {e}"),
    }
}

/// Parses BASE + `rest` (which holds `events:` and `edges:`).
pub fn flow(rest: &str) -> DataFlow {
    let text = format!("{BASE}{rest}");
    match flow_from_yaml(&text, "<test>") {
        Ok(f) => f,
        Err(e) => panic!("test flow does not parse: {e}\n{text}"),
    }
}

pub fn suggested(flow: &DataFlow) -> Vec<Risk> {
    match sanso_dataflow::suggest_risks(flow, &library()) {
        Ok(r) => r,
        Err(e) => panic!("suggest_risks: {e}"),
    }
}

/// `rule@event` pairs of the suggestions (edge suffixes dropped).
pub fn fired(flow: &DataFlow) -> Vec<String> {
    suggested(flow)
        .iter()
        .map(|r| format!("{}@{}", r.rule_id, r.event))
        .collect()
}

/// A personal-data create event in `place`, with every safeguard, so that only what a test
/// adds can fire.
pub fn create(id: &str, place: &str) -> String {
    format!(
        r#"
  - id: {id}
    kind: create_acquire
    holder: own
    place: {place}
    purpose: testing
    changes: {{ category: personal, privacy_impact: low, value: medium, disclosure_scope: internal, rights_holders: [subjects] }}
    safeguards: [encryption_in_transit, access_control, integrity_check, backup, consent_recorded]
"#
    )
}

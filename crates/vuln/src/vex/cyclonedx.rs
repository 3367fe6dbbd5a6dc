//! CycloneDX VEX: `vulnerabilities[]` with `analysis` and `affects[].ref` (1.4–1.6).
//!
//! Mapping of `analysis.state`: `not_affected` and `false_positive` → not_affected; `exploitable`
//! → affected; `resolved` and `resolved_with_pedigree` → fixed; `in_triage` → under_investigation.
//! Justifications: `code_not_present` → vulnerable_code_not_present, `code_not_reachable` →
//! vulnerable_code_not_in_execute_path, `requires_*` → vulnerable_code_cannot_be_controlled_by_adversary,
//! `protected_*` → inline_mitigations_already_exist; the original word is kept in
//! `justification_text`. `analysis.response[]` becomes the action statement, `analysis.detail`
//! the impact statement.
//!
//! `affects[].ref` is a `bom-ref`, possibly a BOM-Link (`urn:cdx:<serial>/<version>#<bom-ref>`):
//! the fragment is taken, percent-decoded, resolved through the document's own components
//! (`bom-ref` → `purl`) when present, and read as a purl when it is one. `affects[].versions[]`
//! with an explicit `version` make one product per version with that version's status.
//! Timestamps: `analysis.lastUpdated`, else `firstIssued`, else the vulnerability's
//! `updated`/`published`, else `metadata.timestamp`.

use std::collections::HashMap;

use serde_json::{json, Value};

use sanso_pkgver::PackageUrl;

use super::{json_opt_str, Justification, VexProduct, VexStatement, VexStatus};
use crate::VulnError;

fn vex_err(source_name: &str, json_path: String, message: String) -> VulnError {
    VulnError::Vex {
        source_name: source_name.to_string(),
        format: "CycloneDX",
        json_path,
        message,
    }
}

/// Imports a CycloneDX document's VEX data.
pub fn import(source_name: &str, bytes: &[u8]) -> Result<Vec<VexStatement>, VulnError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| vex_err(source_name, "$".into(), e.to_string()))?;
    import_value(source_name, &value)
}

fn collect_bom_refs(components: Option<&Value>, out: &mut HashMap<String, String>) {
    for c in components.and_then(Value::as_array).into_iter().flatten() {
        if let (Some(r), Some(p)) = (
            c.get("bom-ref").and_then(Value::as_str),
            c.get("purl").and_then(Value::as_str),
        ) {
            out.insert(r.to_string(), p.to_string());
        }
        collect_bom_refs(c.get("components"), out);
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn product_for_ref(reference: &str, bom_refs: &HashMap<String, String>) -> VexProduct {
    let fragment = if reference.starts_with("urn:cdx:") {
        reference
            .split_once('#')
            .map(|(_, f)| percent_decode(f))
            .unwrap_or_else(|| reference.to_string())
    } else {
        reference.to_string()
    };
    let mut product = match bom_refs.get(&fragment) {
        Some(purl) => VexProduct::from_purl(purl),
        None => VexProduct::from_id(&fragment),
    };
    product.id = Some(fragment);
    product
}

fn map_state(state: &str) -> Option<VexStatus> {
    Some(match state {
        "not_affected" | "false_positive" => VexStatus::NotAffected,
        "exploitable" => VexStatus::Affected,
        "resolved" | "resolved_with_pedigree" => VexStatus::Fixed,
        "in_triage" => VexStatus::UnderInvestigation,
        _ => return None,
    })
}

fn map_justification(j: &str) -> Option<Justification> {
    Some(match j {
        "code_not_present" => Justification::VulnerableCodeNotPresent,
        "code_not_reachable" => Justification::VulnerableCodeNotInExecutePath,
        "requires_configuration" | "requires_dependency" | "requires_environment" => {
            Justification::VulnerableCodeCannotBeControlledByAdversary
        }
        "protected_by_compiler"
        | "protected_at_runtime"
        | "protected_at_perimeter"
        | "protected_by_mitigating_control" => Justification::InlineMitigationsAlreadyExist,
        _ => return None,
    })
}

/// Imports an already-parsed CycloneDX document.
pub fn import_value(source_name: &str, doc: &Value) -> Result<Vec<VexStatement>, VulnError> {
    let mut bom_refs = HashMap::new();
    collect_bom_refs(doc.get("components"), &mut bom_refs);
    if let Some(main) = doc.pointer("/metadata/component") {
        collect_bom_refs(Some(&Value::Array(vec![main.clone()])), &mut bom_refs);
    }
    let document_time = doc
        .pointer("/metadata/timestamp")
        .and_then(Value::as_str)
        .map(str::to_string);
    let source = json_opt_str(doc, "serialNumber").unwrap_or_else(|| source_name.to_string());
    let vulns = doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            vex_err(
                source_name,
                "$.vulnerabilities".into(),
                "missing array".into(),
            )
        })?;
    let mut out = Vec::new();
    for (i, v) in vulns.iter().enumerate() {
        let path = format!("$.vulnerabilities[{i}]");
        let id = v.get("id").and_then(Value::as_str).ok_or_else(|| {
            vex_err(
                source_name,
                format!("{path}.id"),
                "missing vulnerability id".into(),
            )
        })?;
        // A vulnerability without analysis is a VDR entry, not a VEX statement.
        let Some(analysis) = v.get("analysis") else {
            continue;
        };
        let Some(state_text) = analysis.get("state").and_then(Value::as_str) else {
            continue;
        };
        let status = map_state(state_text).ok_or_else(|| {
            vex_err(
                source_name,
                format!("{path}.analysis.state"),
                format!("unknown state {state_text:?}"),
            )
        })?;
        let aliases: Vec<String> = v
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.get("id").and_then(Value::as_str))
            .filter(|r| *r != id)
            .map(str::to_string)
            .collect();
        let justification_text = json_opt_str(analysis, "justification");
        let responses: Vec<&str> = analysis
            .get("response")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let timestamp = json_opt_str(analysis, "lastUpdated")
            .or_else(|| json_opt_str(analysis, "firstIssued"))
            .or_else(|| json_opt_str(v, "updated"))
            .or_else(|| json_opt_str(v, "published"))
            .or_else(|| document_time.clone());
        let template = VexStatement {
            vulnerability: id.to_string(),
            vulnerability_aliases: aliases,
            products: Vec::new(),
            subcomponents: Vec::new(),
            status,
            justification: justification_text.as_deref().and_then(map_justification),
            justification_text: justification_text.clone(),
            impact_statement: json_opt_str(analysis, "detail"),
            action_statement: if responses.is_empty() {
                None
            } else {
                Some(responses.join(", "))
            },
            timestamp,
            source: Some(source.clone()),
        };
        let mut plain_products = Vec::new();
        for (j, affect) in v
            .get("affects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let reference = affect.get("ref").and_then(Value::as_str).ok_or_else(|| {
                vex_err(
                    source_name,
                    format!("{path}.affects[{j}].ref"),
                    "missing ref".into(),
                )
            })?;
            let product = product_for_ref(reference, &bom_refs);
            // Per-version statuses: an explicit `version` or a `vers:` `range`.
            let entries: Vec<(Option<&str>, Option<&str>, &str)> = affect
                .get("versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|ver| {
                    (
                        ver.get("version").and_then(Value::as_str),
                        ver.get("range").and_then(Value::as_str),
                        ver.get("status")
                            .and_then(Value::as_str)
                            .unwrap_or("affected"),
                    )
                })
                .filter(|(v, r, _)| v.is_some() || r.is_some())
                .collect();
            if entries.is_empty() {
                plain_products.push(product);
                continue;
            }
            let base = product
                .purl
                .as_deref()
                .and_then(|p| PackageUrl::parse(p).ok())
                .map(|mut p| {
                    p.version = None;
                    p
                });
            for (version, range, ver_status) in entries {
                let mut st = template.clone();
                st.status = match ver_status {
                    "unaffected" => VexStatus::NotAffected,
                    "unknown" => VexStatus::UnderInvestigation,
                    _ => status,
                };
                let mut p = product.clone();
                match (&base, version) {
                    (Some(base), Some(v)) => {
                        p.purl = Some(base.clone().with_version(v).to_canonical_string());
                    }
                    (Some(base), None) => p.purl = Some(base.to_canonical_string()),
                    (None, _) => {}
                }
                p.version_range = range.map(str::to_string);
                if let (None, Some(v), None) = (&base, version, range) {
                    // A version on a non-purl ref cannot go into a purl; keep it as the
                    // equivalent one-version range so it is not lost on export.
                    p.version_range = Some(format!("vers:generic/{v}"));
                }
                st.products = vec![p];
                out.push(st);
            }
        }
        let has_affects = v
            .get("affects")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if !plain_products.is_empty() || !has_affects {
            // No `affects` at all: the analysis is about everything the document covers
            // ("not exploitable in any product", CycloneDX VEX use case 7).
            let mut st = template;
            st.products = plain_products;
            out.push(st);
        }
    }
    Ok(out)
}

fn justification_to_cdx(s: &VexStatement) -> Option<&str> {
    if let Some(text) = s.justification_text.as_deref() {
        if map_justification(text).is_some() {
            return Some(text);
        }
    }
    Some(match s.justification? {
        Justification::ComponentNotPresent | Justification::VulnerableCodeNotPresent => {
            "code_not_present"
        }
        Justification::VulnerableCodeNotInExecutePath => "code_not_reachable",
        Justification::VulnerableCodeCannotBeControlledByAdversary => "requires_environment",
        Justification::InlineMitigationsAlreadyExist => "protected_by_mitigating_control",
    })
}

/// Merges entries that differ only in `affects`: CycloneDX lists every affected ref (and version)
/// of one analysis under one vulnerability entry, and its schema requires the entries to be
/// unique. Refs are merged too, and their `versions` de-duplicated.
fn merge_vulnerabilities(entries: Vec<Value>) -> Vec<Value> {
    let mut merged: Vec<Value> = Vec::new();
    for mut entry in entries {
        let affects = entry
            .as_object_mut()
            .and_then(|o| o.remove("affects"))
            .and_then(|a| match a {
                Value::Array(items) => Some(items),
                _ => None,
            })
            .unwrap_or_default();
        let slot = match merged.iter().position(|m| {
            let mut without = m.clone();
            if let Some(o) = without.as_object_mut() {
                o.remove("affects");
            }
            without == entry
        }) {
            Some(i) => i,
            None => {
                entry["affects"] = json!([]);
                merged.push(entry);
                merged.len() - 1
            }
        };
        let Some(list) = merged[slot]["affects"].as_array_mut() else {
            continue;
        };
        for affect in affects {
            let existing = list.iter_mut().find(|a| a["ref"] == affect["ref"]);
            match existing {
                None => list.push(affect),
                Some(a) => {
                    let new_versions = affect["versions"].as_array().cloned().unwrap_or_default();
                    if new_versions.is_empty() && a.get("versions").is_none() {
                        continue;
                    }
                    let versions = a
                        .as_object_mut()
                        .map(|o| o.entry("versions").or_insert_with(|| json!([])));
                    if let Some(Value::Array(vs)) = versions {
                        for v in new_versions {
                            if !vs.contains(&v) {
                                vs.push(v);
                            }
                        }
                    }
                }
            }
        }
    }
    merged
}

/// Exports statements as a standalone CycloneDX 1.6 VEX document. Each statement becomes one
/// `vulnerabilities[]` entry; `affects[].ref` is the product's purl (or id), subcomponents
/// included, since CycloneDX VEX names the affected components directly.
pub fn export(statements: &[VexStatement], serial_number: &str, timestamp: &str) -> Value {
    let vulns: Vec<Value> = statements
        .iter()
        .map(|s| {
            let state = match s.status {
                VexStatus::NotAffected => "not_affected",
                VexStatus::Affected => "exploitable",
                VexStatus::Fixed => "resolved",
                VexStatus::UnderInvestigation => "in_triage",
            };
            let mut analysis = json!({ "state": state });
            if let Some(j) = justification_to_cdx(s) {
                analysis["justification"] = json!(j);
            }
            if let Some(d) = &s.impact_statement {
                analysis["detail"] = json!(d);
            }
            if let Some(a) = &s.action_statement {
                // CycloneDX responses are an enumeration; free text goes to detail instead.
                let known = [
                    "can_not_fix",
                    "will_not_fix",
                    "update",
                    "rollback",
                    "workaround_available",
                ];
                let words: Vec<&str> = a.split(", ").collect();
                if words.iter().all(|w| known.contains(w)) {
                    analysis["response"] = json!(words);
                } else if analysis.get("detail").is_none() {
                    analysis["detail"] = json!(a);
                }
            }
            if let Some(t) = &s.timestamp {
                analysis["lastUpdated"] = json!(t);
            }
            let targets = if s.subcomponents.is_empty() {
                &s.products
            } else {
                &s.subcomponents
            };
            let affects: Vec<Value> = targets
                .iter()
                .map(|p| {
                    let mut a = json!({
                        "ref": p.purl.clone().or_else(|| p.id.clone()).unwrap_or_default()
                    });
                    if let Some(range) = &p.version_range {
                        let status = if s.status == VexStatus::NotAffected {
                            "unaffected"
                        } else if s.status == VexStatus::UnderInvestigation {
                            "unknown"
                        } else {
                            "affected"
                        };
                        a["versions"] = json!([{ "range": range, "status": status }]);
                    }
                    a
                })
                .collect();
            let mut v = json!({ "id": s.vulnerability, "analysis": analysis, "affects": affects });
            if !s.vulnerability_aliases.is_empty() {
                v["references"] = Value::Array(
                    s.vulnerability_aliases
                        .iter()
                        .map(|a| json!({ "id": a, "source": { "name": alias_source(a) } }))
                        .collect(),
                );
            }
            v
        })
        .collect();
    let vulns = merge_vulnerabilities(vulns);
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial_number,
        "version": 1,
        "metadata": { "timestamp": timestamp },
        "vulnerabilities": vulns,
    })
}

fn alias_source(id: &str) -> &'static str {
    match id.split('-').next().unwrap_or("") {
        "CVE" => "NVD",
        "GHSA" => "GitHub",
        "RUSTSEC" => "RustSec",
        "GO" => "Go Vulnerability Database",
        "PYSEC" => "PyPA",
        _ => "OSV",
    }
}

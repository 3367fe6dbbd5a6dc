//! Report renderers: a text table for terminals, JSON (one entry per finding) and SARIF 2.1.0
//! for code-scanning tools.
//!
//! SARIF mapping: one rule per vulnerability (canonical ID), one result per finding. `level` is
//! `error` for critical/high, `warning` for medium, `note` otherwise; the rule's
//! `properties.security-severity` carries the CVSS score as GitHub code scanning expects. A
//! finding VEX marks `not_affected`/`fixed` gets a `suppressions[]` entry of kind `external`
//! with the justification. Results point at the SBOM file when its URI is given (code-scanning
//! tools require a physical location) and always name the component as a logical location.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::osv::Severity;
use crate::scan::{Finding, ScanReport};

/// Renders the report as a fixed-width text table followed by a summary line.
pub fn render_text(report: &ScanReport) -> String {
    let headers = [
        "COMPONENT",
        "VULNERABILITY",
        "SEVERITY",
        "MATCHED RANGE",
        "VEX",
    ];
    let rows: Vec<[String; 5]> = report
        .findings
        .iter()
        .map(|f| {
            let severity = match f.cvss_score {
                Some(s) => format!("{} {s:.1}", f.severity),
                None => f.severity.to_string(),
            };
            let mut id = f.vulnerability_id.clone();
            if !f.aliases.is_empty() {
                let _ = write!(id, " ({})", f.aliases.join(", "));
            }
            if f.withdrawn {
                id.push_str(" [withdrawn]");
            }
            let vex = f
                .vex
                .as_ref()
                .map(|v| match &v.justification {
                    Some(j) => format!("{} ({j})", v.status),
                    None => v.status.to_string(),
                })
                .unwrap_or_else(|| "-".into());
            [f.component.clone(), id, severity, f.matched_ranges(), vex]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let pad = widths[i].saturating_sub(cell.chars().count());
                text.push_str(cell);
                text.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    if !rows.is_empty() {
        line(&headers);
        for row in &rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            line(&cells);
        }
    }
    let suppressed = report.findings.iter().filter(|f| f.is_suppressed()).count();
    let _ = writeln!(
        out,
        "{} components scanned, {} findings ({} suppressed by VEX), {} warnings",
        report.components_scanned,
        report.findings.len(),
        suppressed,
        report.warnings.len()
    );
    out
}

fn finding_json(f: &Finding) -> Value {
    let mut v = json!({
        "component": f.component,
        "component_purl": f.component_purl,
        "ecosystem": f.ecosystem,
        "name": f.name,
        "version": f.version,
        "vulnerability_id": f.vulnerability_id,
        "aliases": f.aliases,
        "affected_range": f.matched_ranges(),
        "advisories": f.advisories,
        "severity": f.severity,
        "cvss_score": f.cvss_score,
        "severity_source": f.severity_source,
        "fixed_versions": f.fixed_versions,
        "withdrawn": f.withdrawn,
        "summary": f.summary,
        "vex": f.vex,
    });
    if let Some(r) = &f.component_bom_ref {
        v["component_bom_ref"] = json!(r);
    }
    v
}

/// Renders the report as JSON: `findings[]` (one entry per finding), counts and warnings.
pub fn render_json(report: &ScanReport) -> Value {
    let mut by_severity = serde_json::Map::new();
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::None,
        Severity::Unknown,
    ] {
        let n = report
            .active_findings()
            .filter(|f| f.severity == sev)
            .count();
        by_severity.insert(sev.as_str().into(), json!(n));
    }
    json!({
        "components_scanned": report.components_scanned,
        "findings": report.findings.iter().map(finding_json).collect::<Vec<_>>(),
        "summary": {
            "findings": report.findings.len(),
            "suppressed_by_vex": report.findings.iter().filter(|f| f.is_suppressed()).count(),
            "active_by_severity": by_severity,
        },
        "warnings": report.warnings,
    })
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        _ => "note",
    }
}

/// Renders the report as a SARIF 2.1.0 log. `artifact_uri` is the scanned SBOM's URI, if any.
pub fn render_sarif(report: &ScanReport, artifact_uri: Option<&str>) -> Value {
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut rules: Vec<Value> = Vec::new();
    for f in &report.findings {
        if rule_ids.contains(&f.vulnerability_id.as_str()) {
            continue;
        }
        rule_ids.push(&f.vulnerability_id);
        let text = f
            .summary
            .clone()
            .unwrap_or_else(|| format!("{} in {}", f.vulnerability_id, f.name));
        let mut properties = json!({ "tags": ["security", "vulnerability"] });
        if let Some(score) = f.cvss_score {
            properties["security-severity"] = json!(format!("{score:.1}"));
        }
        if !f.aliases.is_empty() {
            properties["aliases"] = json!(f.aliases);
        }
        rules.push(json!({
            "id": f.vulnerability_id,
            "shortDescription": { "text": text },
            "helpUri": format!("https://osv.dev/vulnerability/{}", f.advisories.first().map_or(f.vulnerability_id.as_str(), |a| a.id.as_str())),
            "defaultConfiguration": { "level": sarif_level(f.severity) },
            "properties": properties,
        }));
    }
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let rule_index = rule_ids
                .iter()
                .position(|r| *r == f.vulnerability_id)
                .unwrap_or(0);
            let fix = if f.fixed_versions.is_empty() {
                "no fixed version known".to_string()
            } else {
                format!("fixed in {}", f.fixed_versions.join(", "))
            };
            let mut location = json!({
                "logicalLocations": [{ "name": f.component, "kind": "package" }],
            });
            if let Some(uri) = artifact_uri {
                location["physicalLocation"] = json!({ "artifactLocation": { "uri": uri } });
            }
            let mut result = json!({
                "ruleId": f.vulnerability_id,
                "ruleIndex": rule_index,
                "level": sarif_level(f.severity),
                "message": { "text": format!(
                    "{} {} is affected by {} ({}); {}",
                    f.name, f.version, f.vulnerability_id, f.matched_ranges(), fix
                ) },
                "locations": [location],
                "properties": {
                    "severity": f.severity,
                    "aliases": f.aliases,
                    "advisories": f.advisories.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
                },
            });
            if let Some(v) = &f.vex {
                result["properties"]["vex_status"] = json!(v.status);
                if v.status.suppresses() {
                    let justification = v
                        .impact_statement
                        .clone()
                        .or_else(|| v.justification.clone())
                        .unwrap_or_else(|| format!("VEX status {}", v.status));
                    result["suppressions"] = json!([{
                        "kind": "external",
                        "status": "accepted",
                        "justification": justification,
                    }]);
                }
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sanso",
                "informationUri": "https://osv.dev",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "results": results,
        }],
    })
}

//! OpenVEX (<https://github.com/openvex/spec>), version 0.2.0 and the older 0.0.x shape.
//!
//! 0.2.0: `statements[].vulnerability` is an object (`name`, `@id`, `aliases`), `products[]` are
//! objects (`@id`, `identifiers.purl`, nested `subcomponents[]`). 0.0.x: `vulnerability` is a
//! string, `products[]` strings and `subcomponents[]` a statement-level string list. Both are read;
//! 0.2.0 is written. A statement without its own `timestamp` takes the document's.

use serde_json::{json, Value};

use super::{json_opt_str, Justification, VexProduct, VexStatement, VexStatus};
use crate::VulnError;

fn vex_err(source_name: &str, json_path: String, message: String) -> VulnError {
    VulnError::Vex {
        source_name: source_name.to_string(),
        format: "OpenVEX",
        json_path,
        message,
    }
}

/// Imports an OpenVEX document.
pub fn import(source_name: &str, bytes: &[u8]) -> Result<Vec<VexStatement>, VulnError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| vex_err(source_name, "$".into(), e.to_string()))?;
    import_value(source_name, &value)
}

fn product_from_value(v: &Value) -> VexProduct {
    match v {
        Value::String(s) => VexProduct::from_id(s),
        _ => {
            let id = json_opt_str(v, "@id");
            let purl = v
                .pointer("/identifiers/purl")
                .and_then(Value::as_str)
                .map(str::to_string);
            let mut product = match (&purl, &id) {
                (Some(p), _) => VexProduct::from_purl(p),
                (None, Some(i)) => VexProduct::from_id(i),
                (None, None) => VexProduct::default(),
            };
            if id.is_some() {
                product.id = id;
            }
            product
        }
    }
}

/// Imports an already-parsed OpenVEX document.
pub fn import_value(source_name: &str, doc: &Value) -> Result<Vec<VexStatement>, VulnError> {
    let document_time = json_opt_str(doc, "timestamp");
    let document_id = json_opt_str(doc, "@id").unwrap_or_else(|| source_name.to_string());
    let statements = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| vex_err(source_name, "$.statements".into(), "missing array".into()))?;
    let mut out = Vec::with_capacity(statements.len());
    for (i, st) in statements.iter().enumerate() {
        let path = format!("$.statements[{i}]");
        let (vulnerability, aliases) = match st.get("vulnerability") {
            Some(Value::String(s)) => (s.clone(), Vec::new()),
            Some(v @ Value::Object(_)) => {
                let name = json_opt_str(v, "name")
                    .or_else(|| json_opt_str(v, "@id"))
                    .ok_or_else(|| {
                        vex_err(
                            source_name,
                            format!("{path}.vulnerability.name"),
                            "missing vulnerability name".into(),
                        )
                    })?;
                let aliases = v
                    .get("aliases")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                (name, aliases)
            }
            _ => {
                return Err(vex_err(
                    source_name,
                    format!("{path}.vulnerability"),
                    "missing vulnerability".into(),
                ))
            }
        };
        let status_text = st.get("status").and_then(Value::as_str).ok_or_else(|| {
            vex_err(
                source_name,
                format!("{path}.status"),
                "missing status".into(),
            )
        })?;
        let status = match status_text {
            "not_affected" => VexStatus::NotAffected,
            "affected" => VexStatus::Affected,
            "fixed" => VexStatus::Fixed,
            "under_investigation" => VexStatus::UnderInvestigation,
            other => {
                return Err(vex_err(
                    source_name,
                    format!("{path}.status"),
                    format!("unknown status {other:?}"),
                ))
            }
        };
        let mut products = Vec::new();
        let mut subcomponents = Vec::new();
        for p in st
            .get("products")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            products.push(product_from_value(p));
            for s in p
                .get("subcomponents")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                subcomponents.push(product_from_value(s));
            }
        }
        // 0.0.x kept subcomponents at statement level.
        for s in st
            .get("subcomponents")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            subcomponents.push(product_from_value(s));
        }
        let justification_text = json_opt_str(st, "justification");
        let justification = justification_text
            .as_deref()
            .and_then(Justification::from_openvex);
        if justification_text.is_some() && justification.is_none() {
            return Err(vex_err(
                source_name,
                format!("{path}.justification"),
                format!("unknown justification {justification_text:?}"),
            ));
        }
        out.push(VexStatement {
            vulnerability,
            vulnerability_aliases: aliases,
            products,
            subcomponents,
            status,
            justification,
            justification_text: None,
            impact_statement: json_opt_str(st, "impact_statement"),
            action_statement: json_opt_str(st, "action_statement"),
            timestamp: json_opt_str(st, "timestamp").or_else(|| document_time.clone()),
            source: Some(document_id.clone()),
        });
    }
    Ok(out)
}

fn product_to_value(p: &VexProduct) -> Value {
    let mut obj = serde_json::Map::new();
    obj.insert(
        "@id".into(),
        Value::String(p.id.clone().unwrap_or_else(|| p.label().to_string())),
    );
    if let Some(purl) = &p.purl {
        obj.insert("identifiers".into(), json!({ "purl": purl }));
    }
    Value::Object(obj)
}

/// Exports statements as an OpenVEX 0.2.0 document. Subcomponents are attached to every product
/// of their statement, as the 0.2.0 shape requires. Identical statements are written once. A
/// product's `vers:` range, which OpenVEX cannot express, is kept in `status_notes`.
pub fn export(
    statements: &[VexStatement],
    document_id: &str,
    author: &str,
    timestamp: &str,
) -> Value {
    let items: Vec<Value> = statements
        .iter()
        .map(|s| {
            let subs: Vec<Value> = s.subcomponents.iter().map(product_to_value).collect();
            let products: Vec<Value> = s
                .products
                .iter()
                .map(|p| {
                    let mut v = product_to_value(p);
                    if !subs.is_empty() {
                        v["subcomponents"] = Value::Array(subs.clone());
                    }
                    v
                })
                .collect();
            let mut vulnerability = json!({ "name": s.vulnerability });
            if !s.vulnerability_aliases.is_empty() {
                vulnerability["aliases"] = json!(s.vulnerability_aliases);
            }
            let mut st = json!({
                "vulnerability": vulnerability,
                "products": products,
                "status": s.status.as_str(),
            });
            if let Some(t) = &s.timestamp {
                st["timestamp"] = json!(t);
            }
            if let Some(j) = s.justification {
                st["justification"] = json!(j.as_str());
            }
            if let Some(t) = &s.impact_statement {
                st["impact_statement"] = json!(t);
            }
            if let Some(t) = &s.action_statement {
                st["action_statement"] = json!(t);
            }
            // OpenVEX requires a justification or impact statement for not_affected.
            if s.status == VexStatus::NotAffected
                && s.justification.is_none()
                && s.impact_statement.is_none()
            {
                st["impact_statement"] = json!(s
                    .justification_text
                    .clone()
                    .unwrap_or_else(|| "not affected (no reason given in source)".into()));
            }
            // OpenVEX has no version ranges: keep a product's range as a note rather than silently
            // widening the statement to every version.
            let ranges: Vec<String> = s
                .products
                .iter()
                .chain(s.subcomponents.iter())
                .filter_map(|p| {
                    p.version_range
                        .as_ref()
                        .map(|r| format!("{} versions {r}", p.label()))
                })
                .collect();
            if !ranges.is_empty() {
                st["status_notes"] = json!(format!("applies to {}", ranges.join("; ")));
            }
            // ... and an action statement for affected.
            if s.status == VexStatus::Affected && s.action_statement.is_none() {
                st["action_statement"] = json!("no action statement given in source");
            }
            st
        })
        .fold(Vec::new(), |mut acc: Vec<Value>, st| {
            // The schema wants unique statements; sources do repeat themselves.
            if !acc.contains(&st) {
                acc.push(st);
            }
            acc
        });
    json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": document_id,
        "author": author,
        "timestamp": timestamp,
        "version": 1,
        "statements": items,
    })
}

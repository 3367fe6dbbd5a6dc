//! CSAF 2.0 VEX (`document.category = "csaf_vex"`; other CSAF categories with `product_status`
//! are read the same way).
//!
//! Products: the `product_tree` is walked (`branches` recursively, `full_product_names`,
//! `relationships`) into a map `product_id → product`, taking the purl from
//! `product_identification_helper.purl` when present. A relationship product ("component X
//! `default_component_of` product Y") becomes product Y with subcomponent X. `product_groups`
//! expand `group_ids`.
//!
//! Per vulnerability and product ID, one statement: `known_not_affected` → not_affected,
//! `known_affected`/`first_affected`/`last_affected` → affected, `fixed`/`first_fixed` → fixed,
//! `under_investigation` → under_investigation (`recommended` is advice, not a status). The
//! justification comes from `flags[].label` for that product, the impact statement from
//! `threats[]` of category `impact`, the action statement from `remediations[]`. The vulnerability
//! ID is the `cve`, else the first `ids[].text`; the other `ids[].text` become aliases. The
//! timestamp is `document.tracking.current_release_date`.

use std::collections::HashMap;

use serde_json::Value;

use super::{json_opt_str, Justification, VexProduct, VexStatement, VexStatus};
use crate::VulnError;

fn vex_err(source_name: &str, json_path: String, message: String) -> VulnError {
    VulnError::Vex {
        source_name: source_name.to_string(),
        format: "CSAF",
        json_path,
        message,
    }
}

/// A resolved CSAF product: itself, or (container, component) for relationship products.
#[derive(Debug, Clone)]
struct CsafProduct {
    product: VexProduct,
    component: Option<VexProduct>,
}

fn leaf_product(p: &Value) -> Option<(String, VexProduct)> {
    let id = p.get("product_id").and_then(Value::as_str)?;
    let purl = p
        .pointer("/product_identification_helper/purl")
        .and_then(Value::as_str);
    let mut product = match purl {
        Some(purl) => VexProduct::from_purl(purl),
        None => VexProduct::default(),
    };
    product.id = Some(id.to_string());
    product.name = json_opt_str(p, "name");
    Some((id.to_string(), product))
}

fn walk_branches(branches: Option<&Value>, out: &mut HashMap<String, CsafProduct>) {
    for b in branches.and_then(Value::as_array).into_iter().flatten() {
        if let Some((id, product)) = b.get("product").and_then(leaf_product) {
            out.insert(
                id,
                CsafProduct {
                    product,
                    component: None,
                },
            );
        }
        walk_branches(b.get("branches"), out);
    }
}

fn product_map(tree: Option<&Value>) -> HashMap<String, CsafProduct> {
    let mut out = HashMap::new();
    let Some(tree) = tree else { return out };
    walk_branches(tree.get("branches"), &mut out);
    for p in tree
        .get("full_product_names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some((id, product)) = leaf_product(p) {
            out.insert(
                id,
                CsafProduct {
                    product,
                    component: None,
                },
            );
        }
    }
    for rel in tree
        .get("relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some((id, _)) = rel.get("full_product_name").and_then(leaf_product) else {
            continue;
        };
        let lookup = |key: &str| {
            rel.get(key).and_then(Value::as_str).map(|r| {
                out.get(r)
                    .map(|p| p.product.clone())
                    .unwrap_or_else(|| VexProduct::from_id(r))
            })
        };
        let (Some(component), Some(container)) = (
            lookup("product_reference"),
            lookup("relates_to_product_reference"),
        ) else {
            continue;
        };
        out.insert(
            id,
            CsafProduct {
                product: container,
                component: Some(component),
            },
        );
    }
    out
}

fn ids_of(entry: &Value, groups: &HashMap<String, Vec<String>>) -> Vec<String> {
    let mut ids: Vec<String> = entry
        .get("product_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    for g in entry
        .get("group_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        ids.extend(groups.get(g).cloned().unwrap_or_default());
    }
    ids
}

/// Imports a CSAF document's product statuses.
pub fn import(source_name: &str, bytes: &[u8]) -> Result<Vec<VexStatement>, VulnError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| vex_err(source_name, "$".into(), e.to_string()))?;
    import_value(source_name, &value)
}

/// Imports an already-parsed CSAF document.
pub fn import_value(source_name: &str, doc: &Value) -> Result<Vec<VexStatement>, VulnError> {
    if doc.pointer("/document/csaf_version").is_none() {
        return Err(vex_err(
            source_name,
            "$.document.csaf_version".into(),
            "not a CSAF document".into(),
        ));
    }
    let products = product_map(doc.get("product_tree"));
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    for g in doc
        .pointer("/product_tree/product_groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(gid) = g.get("group_id").and_then(Value::as_str) {
            groups.insert(gid.to_string(), ids_of(g, &HashMap::new()));
        }
    }
    let timestamp = doc
        .pointer("/document/tracking/current_release_date")
        .and_then(Value::as_str)
        .map(str::to_string);
    let document_id = doc
        .pointer("/document/tracking/id")
        .and_then(Value::as_str)
        .unwrap_or(source_name)
        .to_string();
    let mut out = Vec::new();
    for (i, v) in doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = format!("$.vulnerabilities[{i}]");
        let mut ids: Vec<String> = Vec::new();
        if let Some(cve) = v.get("cve").and_then(Value::as_str) {
            ids.push(cve.to_string());
        }
        for id in v.get("ids").and_then(Value::as_array).into_iter().flatten() {
            if let Some(text) = id.get("text").and_then(Value::as_str) {
                if !ids.iter().any(|x| x == text) {
                    ids.push(text.to_string());
                }
            }
        }
        // Vulnerabilities without any product status say nothing VEX can use (CSAF profiles other
        // than csaf_vex allow them, with or without IDs).
        if v.get("product_status").is_none() {
            continue;
        }
        if ids.is_empty() {
            return Err(vex_err(
                source_name,
                format!("{path}.cve"),
                "vulnerability has a product_status but neither cve nor ids".into(),
            ));
        }
        let vulnerability = ids.remove(0);

        let mut justification_for: HashMap<String, Justification> = HashMap::new();
        for flag in v
            .get("flags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(j) = flag
                .get("label")
                .and_then(Value::as_str)
                .and_then(Justification::from_openvex)
            {
                for pid in ids_of(flag, &groups) {
                    justification_for.insert(pid, j);
                }
            }
        }
        let mut impact_for: HashMap<String, String> = HashMap::new();
        for threat in v
            .get("threats")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if threat.get("category").and_then(Value::as_str) != Some("impact") {
                continue;
            }
            if let Some(details) = threat.get("details").and_then(Value::as_str) {
                for pid in ids_of(threat, &groups) {
                    impact_for.insert(pid, details.to_string());
                }
            }
        }
        let mut action_for: HashMap<String, String> = HashMap::new();
        for rem in v
            .get("remediations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let category = rem
                .get("category")
                .and_then(Value::as_str)
                .unwrap_or("remediation");
            let details = rem.get("details").and_then(Value::as_str).unwrap_or("");
            for pid in ids_of(rem, &groups) {
                action_for
                    .entry(pid)
                    .and_modify(|a| a.push_str(&format!("; {category}: {details}")))
                    .or_insert_with(|| format!("{category}: {details}"));
            }
        }

        let Some(status_obj) = v.get("product_status").and_then(Value::as_object) else {
            continue;
        };
        for (key, list) in status_obj {
            let status = match key.as_str() {
                "known_not_affected" => VexStatus::NotAffected,
                "known_affected" | "first_affected" | "last_affected" => VexStatus::Affected,
                "fixed" | "first_fixed" => VexStatus::Fixed,
                "under_investigation" => VexStatus::UnderInvestigation,
                _ => continue,
            };
            let Some(list) = list.as_array() else {
                return Err(vex_err(
                    source_name,
                    format!("{path}.product_status.{key}"),
                    "expected an array of product IDs".into(),
                ));
            };
            for pid in list.iter().filter_map(Value::as_str) {
                let resolved = products.get(pid).cloned().unwrap_or(CsafProduct {
                    product: VexProduct::from_id(pid),
                    component: None,
                });
                let mut product = resolved.product;
                // The status is about this exact product ID; keep it as the statement's id.
                if resolved.component.is_none() {
                    product.id = Some(pid.to_string());
                }
                out.push(VexStatement {
                    vulnerability: vulnerability.clone(),
                    vulnerability_aliases: ids.clone(),
                    products: vec![product],
                    subcomponents: resolved.component.into_iter().collect(),
                    status,
                    justification: justification_for.get(pid).copied(),
                    justification_text: None,
                    impact_statement: impact_for.get(pid).cloned(),
                    action_statement: action_for.get(pid).cloned(),
                    timestamp: timestamp.clone(),
                    source: Some(document_id.clone()),
                });
            }
        }
    }
    Ok(out)
}

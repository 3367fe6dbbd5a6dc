//! SPDX 2.2/2.3 vocabulary shared by the JSON and tag-value readers: the raw shape of a package
//! and of a relationship, and their conversion to the neutral model.
//!
//! Mapping: a package is a component (`SPDXID` → `bom_ref`, `versionInfo` → version,
//! `externalRefs` of type `purl`/`cpe23Type`/`cpe22Type` → purl/cpe, `checksums` → hashes,
//! `licenseDeclared`/`licenseConcluded` → licences unless `NOASSERTION`/`NONE`). Relationships
//! `DEPENDS_ON` and `CONTAINS` give edges from the element to the related element; their inverses
//! `DEPENDENCY_OF` and `CONTAINED_BY` give the same edges reversed. Other relationship types
//! (`DESCRIBES`, `VARIANT_OF`, …) do not express a dependency and are not kept as edges.

use std::collections::HashMap;

use serde::Deserialize;

use crate::model::{
    hash_algorithm_from_spdx, Component, ComponentKind, Dependency, Hash, License, Property,
    Warning,
};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawPackage {
    #[serde(rename = "SPDXID")]
    pub spdx_id: Option<String>,
    pub name: Option<String>,
    pub version_info: Option<String>,
    pub supplier: Option<String>,
    pub originator: Option<String>,
    pub description: Option<String>,
    pub summary: Option<String>,
    pub license_concluded: Option<String>,
    pub license_declared: Option<String>,
    pub checksums: Option<Vec<RawChecksum>>,
    pub external_refs: Option<Vec<RawExternalRef>>,
    pub primary_package_purpose: Option<String>,
    pub download_location: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawChecksum {
    pub algorithm: String,
    pub checksum_value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawExternalRef {
    pub reference_category: Option<String>,
    pub reference_type: String,
    pub reference_locator: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawRelationship {
    pub spdx_element_id: String,
    pub relationship_type: String,
    pub related_spdx_element: String,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawCreationInfo {
    pub created: Option<String>,
    pub creators: Option<Vec<String>>,
}

/// `NOASSERTION` and `NONE` mean "no value" for every optional SPDX field.
pub(crate) fn assertion(value: Option<String>) -> Option<String> {
    value.filter(|text| {
        let text = text.trim();
        !text.is_empty() && text != "NOASSERTION" && text != "NONE"
    })
}

/// `Organization: Red Hat (secalert@redhat.com)` → `Red Hat (secalert@redhat.com)`.
pub(crate) fn strip_actor(value: &str) -> String {
    for prefix in ["Organization:", "Person:", "Tool:"] {
        if let Some(rest) = value.strip_prefix(prefix) {
            return rest.trim().to_string();
        }
    }
    value.trim().to_string()
}

pub(crate) fn convert_package(
    raw: RawPackage,
    location: &str,
    warnings: &mut Vec<Warning>,
) -> Component {
    let name = raw.name.unwrap_or_else(|| {
        warnings.push(Warning {
            location: location.to_string(),
            message: "package has no name".into(),
        });
        String::new()
    });
    let mut purl = None;
    let mut cpe = None;
    let mut properties = Vec::new();
    for reference in raw.external_refs.unwrap_or_default() {
        match reference.reference_type.as_str() {
            "purl" if purl.is_none() => purl = Some(reference.reference_locator),
            "cpe23Type" | "cpe22Type" if cpe.is_none() => cpe = Some(reference.reference_locator),
            // Further purls/CPEs and other references are kept as properties, not lost.
            other => properties.push(Property {
                name: format!(
                    "spdx:externalRef:{}:{other}",
                    reference.reference_category.as_deref().unwrap_or("OTHER")
                ),
                value: reference.reference_locator,
            }),
        }
    }
    if let Some(location) = assertion(raw.download_location) {
        properties.push(Property {
            name: "spdx:downloadLocation".into(),
            value: location,
        });
    }
    let mut licenses: Vec<License> = Vec::new();
    for expression in [raw.license_declared, raw.license_concluded]
        .into_iter()
        .filter_map(assertion)
    {
        let license = License::Expression(expression);
        if !licenses.contains(&license) {
            licenses.push(license);
        }
    }
    let hashes = raw
        .checksums
        .unwrap_or_default()
        .into_iter()
        .map(|checksum| Hash {
            algorithm: hash_algorithm_from_spdx(&checksum.algorithm),
            value: checksum.checksum_value.trim().to_ascii_lowercase(),
        })
        .collect();
    Component {
        bom_ref: raw.spdx_id,
        kind: raw
            .primary_package_purpose
            .as_deref()
            .map(ComponentKind::from_spdx_purpose)
            .unwrap_or_default(),
        name,
        version: assertion(raw.version_info),
        group: None,
        purl,
        cpe,
        hashes,
        licenses,
        supplier: assertion(raw.supplier)
            .or(assertion(raw.originator))
            .map(|actor| strip_actor(&actor)),
        description: assertion(raw.description).or(assertion(raw.summary)),
        scope: None,
        properties,
        parent: None,
    }
}

/// Collects relationships into per-element dependency lists, keeping first-seen order.
#[derive(Debug, Default)]
pub(crate) struct EdgeCollector {
    index_of: HashMap<String, usize>,
    pub edges: Vec<Dependency>,
    /// Elements the document `DESCRIBES` (SPDX 2.3 moved this out of `documentDescribes`).
    pub described: Vec<String>,
}

impl EdgeCollector {
    pub(crate) fn add(&mut self, relationship: RawRelationship) {
        let (from, to) = match relationship.relationship_type.as_str() {
            "DEPENDS_ON" | "CONTAINS" => (
                relationship.spdx_element_id,
                relationship.related_spdx_element,
            ),
            "DEPENDENCY_OF" | "CONTAINED_BY" => (
                relationship.related_spdx_element,
                relationship.spdx_element_id,
            ),
            "DESCRIBES" if relationship.spdx_element_id == "SPDXRef-DOCUMENT" => {
                self.described.push(relationship.related_spdx_element);
                return;
            }
            _ => return,
        };
        let index = match self.index_of.get(&from) {
            Some(index) => *index,
            None => {
                self.edges.push(Dependency {
                    from: from.clone(),
                    to: Vec::new(),
                });
                self.index_of.insert(from, self.edges.len() - 1);
                self.edges.len() - 1
            }
        };
        self.edges[index].to.push(to);
    }

    /// The edges, each target listed once (documents often repeat a relationship).
    pub(crate) fn finish(mut self) -> Vec<Dependency> {
        for edge in &mut self.edges {
            let mut seen = std::collections::HashSet::new();
            edge.to.retain(|target| seen.insert(target.clone()));
        }
        self.edges
    }
}

/// Spec versions this crate reads.
pub(crate) fn is_known_spec_version(version: &str) -> bool {
    matches!(version, "SPDX-2.2" | "SPDX-2.3")
}

//! CycloneDX vocabulary shared by the JSON and XML readers: the raw shapes of a component and of
//! the metadata as the standard writes them (1.0–1.6), and their conversion to the neutral model.
//!
//! Both readers fill these raw shapes (JSON through serde, XML from its element tree) so that the
//! mapping rules live in one place.

use serde::Deserialize;

use crate::model::{
    Component, ComponentKind, Hash, License, Metadata, Property, Scope, Tool, Warning,
};

/// A CycloneDX component as written, with only the fields sanso keeps.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawComponent {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub group: Option<String>,
    pub purl: Option<String>,
    pub cpe: Option<String>,
    pub hashes: Option<Vec<RawHash>>,
    pub licenses: Option<Vec<RawLicenseChoice>>,
    pub supplier: Option<RawOrganization>,
    pub publisher: Option<String>,
    pub author: Option<String>,
    pub description: Option<String>,
    pub scope: Option<String>,
    pub properties: Option<Vec<RawProperty>>,
    pub components: Option<Vec<RawComponent>>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawHash {
    pub alg: String,
    pub content: String,
}

/// One entry of `licenses`: either `{"license": {...}}` or `{"expression": "..."}`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawLicenseChoice {
    pub license: Option<RawLicense>,
    pub expression: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawLicense {
    pub id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawOrganization {
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawProperty {
    pub name: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawTool {
    pub vendor: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
}

/// `metadata.tools`: an array of tools before 1.5, an object of components and services since.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawTools {
    Legacy(Vec<RawTool>),
    Modern {
        components: Option<Vec<RawComponent>>,
        services: Option<Vec<RawTool>>,
    },
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawMetadata {
    pub timestamp: Option<String>,
    pub tools: Option<RawTools>,
    pub component: Option<RawComponent>,
    pub supplier: Option<RawOrganization>,
    pub manufacture: Option<RawOrganization>,
    pub manufacturer: Option<RawOrganization>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawDependency {
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(rename = "dependsOn")]
    pub depends_on: Option<Vec<String>>,
}

/// Converts one raw component and appends it, then its nested components, to `out`.
/// `location` names the component in the document for warnings (`components[3]`).
pub(crate) fn flatten_component(
    raw: RawComponent,
    parent: Option<&str>,
    location: &str,
    out: &mut Vec<Component>,
    warnings: &mut Vec<Warning>,
) {
    let mut raw = raw;
    let children = raw.components.take().unwrap_or_default();
    let mut component = convert_component(raw, parent, location, warnings);
    if component.bom_ref.is_none() && !children.is_empty() {
        // The flat model links children to parents by bom-ref; a parent without one gets a
        // reference derived from its position so the nesting survives.
        let synthesized = format!("sanso:nested:{location}");
        warnings.push(Warning {
            location: location.to_string(),
            message: format!(
                "component with nested components has no bom-ref; using {synthesized:?}"
            ),
        });
        component.bom_ref = Some(synthesized);
    }
    let own_ref = component.bom_ref.clone();
    out.push(component);
    for (index, child) in children.into_iter().enumerate() {
        flatten_component(
            child,
            own_ref.as_deref(),
            &format!("{location}.components[{index}]"),
            out,
            warnings,
        );
    }
}

/// Converts a raw component (without its children) to the model.
pub(crate) fn convert_component(
    raw: RawComponent,
    parent: Option<&str>,
    location: &str,
    warnings: &mut Vec<Warning>,
) -> Component {
    let name = match raw.name {
        Some(name) => name,
        None => {
            warnings.push(Warning {
                location: location.to_string(),
                message: "component has no name".into(),
            });
            String::new()
        }
    };
    let kind = match raw.kind.as_deref() {
        Some(kind) => ComponentKind::from_cyclonedx(kind),
        None => {
            warnings.push(Warning {
                location: location.to_string(),
                message: "component has no type; assuming library".into(),
            });
            ComponentKind::Library
        }
    };
    let scope = match raw.scope.as_deref() {
        None => None,
        Some(word) => {
            let scope = Scope::from_cyclonedx(word);
            if scope.is_none() {
                warnings.push(Warning {
                    location: format!("{location}.scope"),
                    message: format!("unknown scope {word:?} ignored"),
                });
            }
            scope
        }
    };
    let hashes = raw
        .hashes
        .unwrap_or_default()
        .into_iter()
        .map(|hash| Hash {
            algorithm: hash.alg,
            value: hash.content.trim().to_ascii_lowercase(),
        })
        .collect();
    let licenses = raw
        .licenses
        .unwrap_or_default()
        .into_iter()
        .filter_map(convert_license)
        .collect();
    let properties = raw
        .properties
        .unwrap_or_default()
        .into_iter()
        .filter_map(|property| {
            Some(Property {
                name: property.name?,
                value: property.value.unwrap_or_default(),
            })
        })
        .collect();
    Component {
        bom_ref: raw.bom_ref.filter(|reference| !reference.is_empty()),
        kind,
        name,
        version: raw.version.filter(|version| !version.is_empty()),
        group: raw.group.filter(|group| !group.is_empty()),
        purl: raw.purl.filter(|purl| !purl.is_empty()),
        cpe: raw.cpe.filter(|cpe| !cpe.is_empty()),
        hashes,
        licenses,
        // `supplier` is the organisation; older documents only name a `publisher` or `author`.
        supplier: raw
            .supplier
            .and_then(|supplier| supplier.name)
            .or(raw.publisher)
            .or(raw.author),
        // Leading/trailing whitespace of a description carries no meaning (XML documents are
        // often pretty-printed inside the element); trimming keeps JSON and XML readings equal.
        description: raw
            .description
            .map(|description| description.trim().to_string())
            .filter(|description| !description.is_empty()),
        scope,
        properties,
        parent: parent.map(str::to_string),
    }
}

fn convert_license(choice: RawLicenseChoice) -> Option<License> {
    if let Some(expression) = choice.expression {
        return Some(License::Expression(expression));
    }
    let license = choice.license?;
    match (license.id, license.name) {
        (Some(id), _) => Some(License::Expression(id)),
        (None, Some(name)) => Some(License::Named(name)),
        (None, None) => None,
    }
}

/// Converts `metadata`; the described component goes to `Metadata::component`, not the list.
/// Components nested in the described component are part of the product: they are returned
/// (flattened, with the described component as parent) for the caller to add to the list.
pub(crate) fn convert_metadata(
    raw: RawMetadata,
    warnings: &mut Vec<Warning>,
) -> (Metadata, Vec<Component>) {
    let mut raw = raw;
    let nested = raw
        .component
        .as_mut()
        .and_then(|component| component.components.take())
        .unwrap_or_default();
    let tools = match raw.tools {
        None => Vec::new(),
        Some(RawTools::Legacy(tools)) => tools.into_iter().filter_map(convert_tool).collect(),
        Some(RawTools::Modern {
            components,
            services,
        }) => components
            .unwrap_or_default()
            .into_iter()
            .filter_map(|component| {
                Some(Tool {
                    vendor: component
                        .supplier
                        .and_then(|supplier| supplier.name)
                        .or(component.publisher)
                        .or(component.group),
                    name: component.name?,
                    version: component.version,
                })
            })
            .chain(
                services
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(convert_tool),
            )
            .collect(),
    };
    let mut component = raw
        .component
        .map(|component| convert_component(component, None, "metadata.component", warnings));
    let mut children = Vec::new();
    if let Some(described) = component.as_mut().filter(|_| !nested.is_empty()) {
        if described.bom_ref.is_none() {
            described.bom_ref = Some("sanso:nested:metadata.component".into());
        }
        for (index, child) in nested.into_iter().enumerate() {
            flatten_component(
                child,
                described.bom_ref.as_deref(),
                &format!("metadata.component.components[{index}]"),
                &mut children,
                warnings,
            );
        }
    }
    let metadata = Metadata {
        name: component.as_ref().map(|component| component.name.clone()),
        version: component
            .as_ref()
            .and_then(|component| component.version.clone()),
        supplier: raw
            .supplier
            .or(raw.manufacturer)
            .or(raw.manufacture)
            .and_then(|organization| organization.name)
            .or_else(|| {
                component
                    .as_ref()
                    .and_then(|component| component.supplier.clone())
            }),
        timestamp: raw.timestamp,
        tools,
        component: component.map(Box::new),
    };
    (metadata, children)
}

fn convert_tool(tool: RawTool) -> Option<Tool> {
    Some(Tool {
        vendor: tool.vendor,
        name: tool.name?,
        version: tool.version,
    })
}

/// Spec versions this crate reads. Versions before 1.4 are read too (real SBOMs still use them)
/// but only 1.4–1.6 are validated.
pub(crate) fn is_known_spec_version(version: &str) -> bool {
    matches!(
        version,
        "1.0" | "1.1" | "1.2" | "1.3" | "1.4" | "1.5" | "1.6"
    )
}

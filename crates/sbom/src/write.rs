//! Writers: CycloneDX 1.6 JSON, CycloneDX 1.6 XML and SPDX 2.3 JSON from the neutral model.
//!
//! Output is streamed to any `io::Write`; no document-sized tree is built (components are
//! serialised one after the other through serde, XML is written with quick-xml's writer).
//!
//! Mapping choices (and what cannot survive a trip through the other standard):
//! - Nesting: components whose `parent` names another component are written nested inside it in
//!   CycloneDX, so reading back gives the same `parent`; SPDX has no nesting and gets a
//!   `CONTAINS` relationship instead.
//! - Licences: CycloneDX allows either a list of licences or exactly one expression. A single
//!   expression is written as `expression`; several licences are written as a list of named
//!   licences (an expression such as `LGPLv2+` from an SPDX document is not always a valid SPDX
//!   licence id, which the `id` field would require). In SPDX the first expression becomes
//!   `licenseDeclared` and the second `licenseConcluded`, the order the reader uses.
//! - Identifiers: SPDX ids must match `SPDXRef-[A-Za-z0-9.-]+`; other `bom_ref`s are rewritten to
//!   fit and edges follow the rewrite.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::error::SbomError;
use crate::model::{hash_algorithm_to_spdx, Component, License, Sbom};

const TOOL_NAME: &str = "sanso-sbom";
const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

fn write_error(error: impl std::fmt::Display) -> SbomError {
    SbomError::Write(error.to_string())
}

/// Components grouped for nesting: top-level indices, per index the indices of its children, and
/// the parts of the described product (children of `metadata.component`).
struct Nesting {
    roots: Vec<usize>,
    children: Vec<Vec<usize>>,
    metadata_children: Vec<usize>,
}

fn nesting(sbom: &Sbom) -> Nesting {
    let components = &sbom.components;
    let metadata_ref = sbom
        .metadata
        .component
        .as_ref()
        .and_then(|component| component.bom_ref.as_deref());
    let mut by_ref: HashMap<&str, usize> = HashMap::with_capacity(components.len());
    for (index, component) in components.iter().enumerate() {
        if let Some(reference) = component.bom_ref.as_deref() {
            by_ref.entry(reference).or_insert(index);
        }
    }
    let mut roots = Vec::new();
    let mut children = vec![Vec::new(); components.len()];
    let mut metadata_children = Vec::new();
    for (index, component) in components.iter().enumerate() {
        let parent = component.parent.as_deref();
        match parent.and_then(|parent| by_ref.get(parent)) {
            // A parent listed after its child would make a cycle-prone nesting; keep it flat.
            Some(&parent) if parent < index => children[parent].push(index),
            None if parent.is_some() && parent == metadata_ref => metadata_children.push(index),
            _ => roots.push(index),
        }
    }
    Nesting {
        roots,
        children,
        metadata_children,
    }
}

/// True for `urn:uuid:` followed by a well-formed RFC 4122 UUID, as the 1.6 schema requires.
fn is_cyclonedx_serial(serial: &str) -> bool {
    let Some(uuid) = serial.strip_prefix("urn:uuid:") else {
        return false;
    };
    let bytes = uuid.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            8 | 13 | 18 | 23 => *byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
        && (b'1'..=b'5').contains(&bytes[14])
        && matches!(bytes[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B')
}

fn merged_dependencies(sbom: &Sbom) -> Vec<crate::model::Dependency> {
    crate::dedupe::merge_dependencies(sbom.dependencies.clone(), &HashMap::new())
}

/// The document timestamp when it is a valid date-time; CycloneDX rejects anything else.
fn valid_timestamp(sbom: &Sbom) -> Option<&str> {
    sbom.metadata
        .timestamp
        .as_deref()
        .filter(|timestamp| crate::validate::is_date_time(timestamp))
}

// ---------------------------------------------------------------- CycloneDX JSON

/// Writes `sbom` as CycloneDX 1.6 JSON.
pub fn cyclonedx_json<W: Write>(sbom: &Sbom, writer: W) -> Result<(), SbomError> {
    let mut serializer = serde_json::Serializer::new(writer);
    CdxDocument(sbom)
        .serialize(&mut serializer)
        .map_err(write_error)
}

struct CdxDocument<'a>(&'a Sbom);

impl Serialize for CdxDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let sbom = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json")?;
        map.serialize_entry("bomFormat", "CycloneDX")?;
        map.serialize_entry("specVersion", "1.6")?;
        if let Some(serial) = sbom.serial.as_deref().filter(|s| is_cyclonedx_serial(s)) {
            map.serialize_entry("serialNumber", serial)?;
        }
        map.serialize_entry("version", &sbom.revision.unwrap_or(1).max(1))?;
        let nesting = nesting(sbom);
        map.serialize_entry("metadata", &CdxMetadata(sbom, &nesting))?;
        map.serialize_entry(
            "components",
            &CdxComponentList {
                components: &sbom.components,
                indices: &nesting.roots,
                nesting: &nesting,
            },
        )?;
        // The schema wants unique dependency objects and unique targets: merge lists of one origin.
        let merged = merged_dependencies(sbom);
        let dependencies: Vec<CdxDependency> = merged
            .iter()
            .filter(|dependency| !dependency.from.is_empty())
            .map(|dependency| CdxDependency {
                reference: &dependency.from,
                depends_on: &dependency.to,
            })
            .collect();
        if !dependencies.is_empty() {
            map.serialize_entry("dependencies", &dependencies)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct CdxDependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    #[serde(rename = "dependsOn", skip_serializing_if = "<[String]>::is_empty")]
    depends_on: &'a [String],
}

#[derive(Serialize)]
struct CdxName<'a> {
    name: &'a str,
}

struct CdxMetadata<'a>(&'a Sbom, &'a Nesting);

impl Serialize for CdxMetadata<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let sbom = self.0;
        let metadata = &sbom.metadata;
        let mut map = serializer.serialize_map(None)?;
        if let Some(timestamp) = valid_timestamp(sbom) {
            map.serialize_entry("timestamp", timestamp)?;
        }
        let mut tools: Vec<CdxTool> = metadata
            .tools
            .iter()
            .map(|tool| CdxTool {
                kind: "application",
                supplier: tool.vendor.as_deref().map(|name| CdxName { name }),
                name: &tool.name,
                version: tool.version.as_deref(),
            })
            .collect();
        if !tools.iter().any(|tool| tool.name == TOOL_NAME) {
            tools.push(CdxTool {
                kind: "application",
                supplier: None,
                name: TOOL_NAME,
                version: Some(TOOL_VERSION),
            });
        }
        let mut tool_map = HashMap::new();
        tool_map.insert("components", tools);
        map.serialize_entry("tools", &tool_map)?;
        match metadata.component.as_deref() {
            Some(component) => map.serialize_entry(
                "component",
                &CdxComponent {
                    component,
                    children: &self.1.metadata_children,
                    components: &sbom.components,
                    nesting: self.1,
                },
            )?,
            None => {
                // Name and version without a described component: write a minimal one so the
                // product identity is not lost.
                if let Some(name) = &metadata.name {
                    let component = Component {
                        kind: crate::model::ComponentKind::Application,
                        name: name.clone(),
                        version: metadata.version.clone(),
                        ..Component::default()
                    };
                    map.serialize_entry(
                        "component",
                        &CdxComponent {
                            component: &component,
                            children: &[],
                            components: &[],
                            nesting: self.1,
                        },
                    )?;
                }
            }
        }
        if let Some(supplier) = &metadata.supplier {
            map.serialize_entry("supplier", &CdxName { name: supplier })?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct CdxTool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<CdxName<'a>>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
}

struct CdxComponentList<'a> {
    components: &'a [Component],
    indices: &'a [usize],
    nesting: &'a Nesting,
}

impl Serialize for CdxComponentList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.indices.len()))?;
        for &index in self.indices {
            seq.serialize_element(&CdxComponent {
                component: &self.components[index],
                children: &self.nesting.children[index],
                components: self.components,
                nesting: self.nesting,
            })?;
        }
        seq.end()
    }
}

struct CdxComponent<'a> {
    component: &'a Component,
    /// Indices (into `components`) of the components nested in this one.
    children: &'a [usize],
    components: &'a [Component],
    nesting: &'a Nesting,
}

impl Serialize for CdxComponent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let component = self.component;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", component.kind.cyclonedx_name())?;
        if let Some(reference) = &component.bom_ref {
            map.serialize_entry("bom-ref", reference)?;
        }
        if let Some(supplier) = &component.supplier {
            map.serialize_entry("supplier", &CdxName { name: supplier })?;
        }
        if let Some(group) = &component.group {
            map.serialize_entry("group", group)?;
        }
        map.serialize_entry("name", &component.name)?;
        if let Some(version) = &component.version {
            map.serialize_entry("version", version)?;
        }
        if let Some(description) = &component.description {
            map.serialize_entry("description", description)?;
        }
        if let Some(scope) = component.scope {
            map.serialize_entry("scope", scope.cyclonedx_name())?;
        }
        let hashes: Vec<HashMap<&str, &str>> = component
            .hashes
            .iter()
            .filter(|hash| is_cyclonedx_hash(&hash.algorithm, &hash.value))
            .map(|hash| {
                HashMap::from([
                    ("alg", hash.algorithm.as_str()),
                    ("content", hash.value.as_str()),
                ])
            })
            .collect();
        if !hashes.is_empty() {
            map.serialize_entry("hashes", &hashes)?;
        }
        if !component.licenses.is_empty() {
            map.serialize_entry("licenses", &CdxLicenses(&component.licenses))?;
        }
        if let Some(cpe) = &component.cpe {
            map.serialize_entry("cpe", cpe)?;
        }
        if let Some(purl) = &component.purl {
            map.serialize_entry("purl", purl)?;
        }
        if !component.properties.is_empty() {
            map.serialize_entry("properties", &component.properties)?;
        }
        if !self.children.is_empty() {
            map.serialize_entry(
                "components",
                &CdxComponentList {
                    components: self.components,
                    indices: self.children,
                    nesting: self.nesting,
                },
            )?;
        }
        map.end()
    }
}

/// CycloneDX hash algorithms with their digest lengths in hex digits.
fn is_cyclonedx_hash(algorithm: &str, value: &str) -> bool {
    let expected = match algorithm {
        "MD5" => 32,
        "SHA-1" => 40,
        "SHA-256" | "SHA3-256" | "BLAKE2b-256" | "BLAKE3" => 64,
        "SHA-384" | "SHA3-384" | "BLAKE2b-384" => 96,
        "SHA-512" | "SHA3-512" | "BLAKE2b-512" => 128,
        _ => return false,
    };
    (algorithm == "BLAKE3" || value.len() == expected)
        && !value.is_empty()
        && value.bytes().all(|byte| byte.is_ascii_hexdigit())
}

struct CdxLicenses<'a>(&'a [License]);

impl Serialize for CdxLicenses<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        if let [License::Expression(expression)] = self.0 {
            seq.serialize_element(&HashMap::from([("expression", expression)]))?;
        } else {
            for license in self.0 {
                seq.serialize_element(&HashMap::from([(
                    "license",
                    CdxName {
                        name: license.text(),
                    },
                )]))?;
            }
        }
        seq.end()
    }
}

// ---------------------------------------------------------------- CycloneDX XML

/// Writes `sbom` as CycloneDX 1.6 XML.
pub fn cyclonedx_xml<W: Write>(sbom: &Sbom, writer: W) -> Result<(), SbomError> {
    let mut out = XmlOut {
        writer: quick_xml::Writer::new_with_indent(writer, b' ', 2),
    };
    out.declaration()?;
    let mut attributes: Vec<(&str, String)> = vec![
        ("xmlns", "http://cyclonedx.org/schema/bom/1.6".into()),
        ("version", sbom.revision.unwrap_or(1).max(1).to_string()),
    ];
    if let Some(serial) = sbom.serial.as_deref().filter(|s| is_cyclonedx_serial(s)) {
        attributes.push(("serialNumber", serial.to_string()));
    }
    out.open("bom", &attributes)?;
    out.open("metadata", &[])?;
    if let Some(timestamp) = valid_timestamp(sbom) {
        out.text_element("timestamp", timestamp)?;
    }
    out.open("tools", &[])?;
    out.open("components", &[])?;
    let mut tools: Vec<(Option<&str>, &str, Option<&str>)> = sbom
        .metadata
        .tools
        .iter()
        .map(|tool| {
            (
                tool.vendor.as_deref(),
                tool.name.as_str(),
                tool.version.as_deref(),
            )
        })
        .collect();
    if !tools.iter().any(|(_, name, _)| *name == TOOL_NAME) {
        tools.push((None, TOOL_NAME, Some(TOOL_VERSION)));
    }
    for (vendor, name, version) in tools {
        out.open("component", &[("type", "application".into())])?;
        if let Some(vendor) = vendor {
            out.open("supplier", &[])?;
            out.text_element("name", vendor)?;
            out.close("supplier")?;
        }
        out.text_element("name", name)?;
        if let Some(version) = version {
            out.text_element("version", version)?;
        }
        out.close("component")?;
    }
    out.close("components")?;
    out.close("tools")?;
    let nesting = nesting(sbom);
    if let Some(component) = sbom.metadata.component.as_deref() {
        out.component(
            component,
            &nesting.metadata_children,
            &sbom.components,
            &nesting,
        )?;
    } else if let Some(name) = &sbom.metadata.name {
        let component = Component {
            kind: crate::model::ComponentKind::Application,
            name: name.clone(),
            version: sbom.metadata.version.clone(),
            ..Component::default()
        };
        out.component(&component, &[], &[], &nesting)?;
    }
    if let Some(supplier) = &sbom.metadata.supplier {
        out.open("supplier", &[])?;
        out.text_element("name", supplier)?;
        out.close("supplier")?;
    }
    out.close("metadata")?;
    out.open("components", &[])?;
    for &index in &nesting.roots {
        out.component(
            &sbom.components[index],
            &nesting.children[index],
            &sbom.components,
            &nesting,
        )?;
    }
    out.close("components")?;
    let merged = merged_dependencies(sbom);
    let dependencies: Vec<_> = merged
        .iter()
        .filter(|dependency| !dependency.from.is_empty())
        .collect();
    if !dependencies.is_empty() {
        out.open("dependencies", &[])?;
        for dependency in dependencies {
            out.open("dependency", &[("ref", dependency.from.clone())])?;
            for target in &dependency.to {
                out.empty("dependency", &[("ref", target.clone())])?;
            }
            out.close("dependency")?;
        }
        out.close("dependencies")?;
    }
    out.close("bom")?;
    Ok(())
}

struct XmlOut<W: Write> {
    writer: quick_xml::Writer<W>,
}

impl<W: Write> XmlOut<W> {
    fn declaration(&mut self) -> Result<(), SbomError> {
        use quick_xml::events::{BytesDecl, Event};
        self.writer
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .map_err(write_error)
    }

    fn open(&mut self, name: &str, attributes: &[(&str, String)]) -> Result<(), SbomError> {
        use quick_xml::events::{BytesStart, Event};
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            start.push_attribute((*key, value.as_str()));
        }
        self.writer
            .write_event(Event::Start(start))
            .map_err(write_error)
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, String)]) -> Result<(), SbomError> {
        use quick_xml::events::{BytesStart, Event};
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            start.push_attribute((*key, value.as_str()));
        }
        self.writer
            .write_event(Event::Empty(start))
            .map_err(write_error)
    }

    fn close(&mut self, name: &str) -> Result<(), SbomError> {
        use quick_xml::events::{BytesEnd, Event};
        self.writer
            .write_event(Event::End(BytesEnd::new(name)))
            .map_err(write_error)
    }

    fn text_element(&mut self, name: &str, text: &str) -> Result<(), SbomError> {
        use quick_xml::events::{BytesText, Event};
        self.open(name, &[])?;
        self.writer
            .write_event(Event::Text(BytesText::new(text)))
            .map_err(write_error)?;
        self.close(name)
    }

    fn component(
        &mut self,
        component: &Component,
        children: &[usize],
        components: &[Component],
        nesting: &Nesting,
    ) -> Result<(), SbomError> {
        let mut attributes = vec![("type", component.kind.cyclonedx_name().to_string())];
        if let Some(reference) = &component.bom_ref {
            attributes.push(("bom-ref", reference.clone()));
        }
        self.open("component", &attributes)?;
        // Element order follows the 1.6 XSD sequence.
        if let Some(supplier) = &component.supplier {
            self.open("supplier", &[])?;
            self.text_element("name", supplier)?;
            self.close("supplier")?;
        }
        if let Some(group) = &component.group {
            self.text_element("group", group)?;
        }
        self.text_element("name", &component.name)?;
        if let Some(version) = &component.version {
            self.text_element("version", version)?;
        }
        if let Some(description) = &component.description {
            self.text_element("description", description)?;
        }
        if let Some(scope) = component.scope {
            self.text_element("scope", scope.cyclonedx_name())?;
        }
        let hashes: Vec<_> = component
            .hashes
            .iter()
            .filter(|hash| is_cyclonedx_hash(&hash.algorithm, &hash.value))
            .collect();
        if !hashes.is_empty() {
            self.open("hashes", &[])?;
            for hash in hashes {
                use quick_xml::events::{BytesText, Event};
                self.open("hash", &[("alg", hash.algorithm.clone())])?;
                self.writer
                    .write_event(Event::Text(BytesText::new(&hash.value)))
                    .map_err(write_error)?;
                self.close("hash")?;
            }
            self.close("hashes")?;
        }
        if !component.licenses.is_empty() {
            self.open("licenses", &[])?;
            if let [License::Expression(expression)] = component.licenses.as_slice() {
                self.text_element("expression", expression)?;
            } else {
                for license in &component.licenses {
                    self.open("license", &[])?;
                    self.text_element("name", license.text())?;
                    self.close("license")?;
                }
            }
            self.close("licenses")?;
        }
        if let Some(cpe) = &component.cpe {
            self.text_element("cpe", cpe)?;
        }
        if let Some(purl) = &component.purl {
            self.text_element("purl", purl)?;
        }
        if !component.properties.is_empty() {
            use quick_xml::events::{BytesText, Event};
            self.open("properties", &[])?;
            for property in &component.properties {
                self.open("property", &[("name", property.name.clone())])?;
                self.writer
                    .write_event(Event::Text(BytesText::new(&property.value)))
                    .map_err(write_error)?;
                self.close("property")?;
            }
            self.close("properties")?;
        }
        if !children.is_empty() {
            self.open("components", &[])?;
            for &child in children {
                self.component(
                    &components[child],
                    &nesting.children[child],
                    components,
                    nesting,
                )?;
            }
            self.close("components")?;
        }
        self.close("component")
    }
}

// ---------------------------------------------------------------- SPDX JSON

/// Writes `sbom` as SPDX 2.3 JSON.
pub fn spdx_json<W: Write>(sbom: &Sbom, writer: W) -> Result<(), SbomError> {
    let ids = SpdxIds::assign(&sbom.components);
    let mut serializer = serde_json::Serializer::new(writer);
    SpdxDocument { sbom, ids: &ids }
        .serialize(&mut serializer)
        .map_err(write_error)
}

/// SPDX ids for the components, unique and well-formed, with the map from `bom_ref`.
struct SpdxIds {
    ids: Vec<String>,
    by_ref: HashMap<String, String>,
}

impl SpdxIds {
    fn assign(components: &[Component]) -> SpdxIds {
        let mut used = HashSet::new();
        let mut ids = Vec::with_capacity(components.len());
        let mut by_ref = HashMap::with_capacity(components.len());
        for (index, component) in components.iter().enumerate() {
            let base = match component.bom_ref.as_deref() {
                Some(reference) if is_spdx_id(reference) => reference.to_string(),
                Some(reference) => format!("SPDXRef-{}", sanitize_id(reference)),
                None => format!("SPDXRef-Package-{index}"),
            };
            let mut id = base.clone();
            let mut attempt = 1;
            while !used.insert(id.clone()) {
                id = format!("{base}-{attempt}");
                attempt += 1;
            }
            if let Some(reference) = &component.bom_ref {
                by_ref
                    .entry(reference.clone())
                    .or_insert_with(|| id.clone());
            }
            ids.push(id);
        }
        SpdxIds { ids, by_ref }
    }
}

fn is_spdx_id(text: &str) -> bool {
    text.strip_prefix("SPDXRef-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-')
    })
}

fn sanitize_id(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "x".into()
    } else {
        cleaned
    }
}

struct SpdxDocument<'a> {
    sbom: &'a Sbom,
    ids: &'a SpdxIds,
}

impl Serialize for SpdxDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let sbom = self.sbom;
        let metadata = &sbom.metadata;
        let name = metadata
            .name
            .clone()
            .or_else(|| metadata.component.as_ref().map(|c| c.name.clone()))
            .unwrap_or_else(|| "sbom".into());
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("spdxVersion", "SPDX-2.3")?;
        map.serialize_entry("dataLicense", "CC0-1.0")?;
        map.serialize_entry("SPDXID", "SPDXRef-DOCUMENT")?;
        map.serialize_entry("name", &name)?;
        let namespace = match sbom.serial.as_deref() {
            Some(serial) if serial.contains(':') && !serial.contains('#') => serial.to_string(),
            _ => format!(
                "urn:sanso:spdx:{}:{:016x}",
                sanitize_id(&name),
                fingerprint(sbom)
            ),
        };
        map.serialize_entry("documentNamespace", &namespace)?;
        let mut creators: Vec<String> = metadata
            .tools
            .iter()
            .map(|tool| match &tool.version {
                Some(version) => format!("Tool: {}-{version}", tool.name),
                None => format!("Tool: {}", tool.name),
            })
            .collect();
        if !creators
            .iter()
            .any(|c| c.starts_with(&format!("Tool: {TOOL_NAME}")))
        {
            creators.push(format!("Tool: {TOOL_NAME}-{TOOL_VERSION}"));
        }
        if let Some(supplier) = &metadata.supplier {
            creators.push(format!("Organization: {supplier}"));
        }
        let created = metadata.timestamp.clone().unwrap_or_else(now_rfc3339);
        let mut creation = serde_json::Map::new();
        creation.insert("created".into(), created.into());
        creation.insert("creators".into(), creators.into());
        map.serialize_entry("creationInfo", &creation)?;
        map.serialize_entry(
            "packages",
            &SpdxPackages {
                components: &sbom.components,
                ids: self.ids,
            },
        )?;
        let mut relationships: Vec<SpdxRelationship> = Vec::new();
        // DESCRIBES: the described product when it is among the packages, else every top-level one.
        let described = metadata
            .component
            .as_ref()
            .and_then(|component| component.bom_ref.as_ref())
            .and_then(|reference| self.ids.by_ref.get(reference));
        match described {
            Some(id) => {
                relationships.push(SpdxRelationship::new("SPDXRef-DOCUMENT", "DESCRIBES", id))
            }
            None => {
                for (index, component) in sbom.components.iter().enumerate() {
                    if component.parent.is_none() {
                        relationships.push(SpdxRelationship::new(
                            "SPDXRef-DOCUMENT",
                            "DESCRIBES",
                            &self.ids.ids[index],
                        ));
                    }
                }
            }
        }
        for (index, component) in sbom.components.iter().enumerate() {
            if let Some(parent) = component
                .parent
                .as_ref()
                .and_then(|p| self.ids.by_ref.get(p))
            {
                relationships.push(SpdxRelationship::new(
                    parent,
                    "CONTAINS",
                    &self.ids.ids[index],
                ));
            }
        }
        for dependency in &sbom.dependencies {
            let Some(from) = self.ids.by_ref.get(&dependency.from) else {
                continue;
            };
            for target in &dependency.to {
                if let Some(to) = self.ids.by_ref.get(target) {
                    relationships.push(SpdxRelationship::new(from, "DEPENDS_ON", to));
                }
            }
        }
        map.serialize_entry("relationships", &relationships)?;
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxRelationship<'a> {
    spdx_element_id: &'a str,
    relationship_type: &'static str,
    related_spdx_element: &'a str,
}

impl<'a> SpdxRelationship<'a> {
    fn new(from: &'a str, kind: &'static str, to: &'a str) -> Self {
        SpdxRelationship {
            spdx_element_id: from,
            relationship_type: kind,
            related_spdx_element: to,
        }
    }
}

struct SpdxPackages<'a> {
    components: &'a [Component],
    ids: &'a SpdxIds,
}

impl Serialize for SpdxPackages<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.components.len()))?;
        for (component, id) in self.components.iter().zip(&self.ids.ids) {
            seq.serialize_element(&SpdxPackage { component, id })?;
        }
        seq.end()
    }
}

struct SpdxPackage<'a> {
    component: &'a Component,
    id: &'a str,
}

impl Serialize for SpdxPackage<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let component = self.component;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("SPDXID", self.id)?;
        map.serialize_entry("name", &component.name)?;
        if let Some(version) = &component.version {
            map.serialize_entry("versionInfo", version)?;
        }
        if let Some(supplier) = &component.supplier {
            map.serialize_entry("supplier", &format!("Organization: {supplier}"))?;
        }
        let download = component
            .properties
            .iter()
            .find(|property| property.name == "spdx:downloadLocation")
            .map_or("NOASSERTION", |property| property.value.as_str());
        map.serialize_entry("downloadLocation", download)?;
        map.serialize_entry("filesAnalyzed", &false)?;
        let expressions: Vec<&str> = component
            .licenses
            .iter()
            .filter_map(|license| match license {
                License::Expression(expression) => Some(expression.as_str()),
                License::Named(_) => None,
            })
            .collect();
        map.serialize_entry(
            "licenseDeclared",
            expressions.first().copied().unwrap_or("NOASSERTION"),
        )?;
        map.serialize_entry(
            "licenseConcluded",
            expressions.get(1).copied().unwrap_or("NOASSERTION"),
        )?;
        let named: Vec<&str> = component
            .licenses
            .iter()
            .filter_map(|license| match license {
                License::Named(name) => Some(name.as_str()),
                License::Expression(_) => None,
            })
            .collect();
        if !named.is_empty() || expressions.len() > 2 {
            let mut comment = Vec::new();
            comment.extend(expressions.iter().skip(2).copied());
            comment.extend(named);
            map.serialize_entry(
                "licenseComments",
                &format!("Other licences: {}", comment.join("; ")),
            )?;
        }
        map.serialize_entry("copyrightText", "NOASSERTION")?;
        if let Some(description) = &component.description {
            map.serialize_entry("description", description)?;
        }
        let checksums: Vec<HashMap<&str, &str>> = component
            .hashes
            .iter()
            .filter_map(|hash| {
                Some(HashMap::from([
                    ("algorithm", hash_algorithm_to_spdx(&hash.algorithm)?),
                    ("checksumValue", hash.value.as_str()),
                ]))
            })
            .collect();
        if !checksums.is_empty() {
            map.serialize_entry("checksums", &checksums)?;
        }
        let mut references: Vec<HashMap<&str, &str>> = Vec::new();
        if let Some(purl) = &component.purl {
            references.push(HashMap::from([
                ("referenceCategory", "PACKAGE-MANAGER"),
                ("referenceType", "purl"),
                ("referenceLocator", purl.as_str()),
            ]));
        }
        if let Some(cpe) = &component.cpe {
            let kind = if cpe.starts_with("cpe:2.3:") {
                "cpe23Type"
            } else {
                "cpe22Type"
            };
            references.push(HashMap::from([
                ("referenceCategory", "SECURITY"),
                ("referenceType", kind),
                ("referenceLocator", cpe.as_str()),
            ]));
        }
        for property in &component.properties {
            // Properties that came from SPDX external references go back to where they came from.
            if let Some(rest) = property.name.strip_prefix("spdx:externalRef:") {
                if let Some((category, kind)) = rest.split_once(':') {
                    references.push(HashMap::from([
                        ("referenceCategory", category),
                        ("referenceType", kind),
                        ("referenceLocator", property.value.as_str()),
                    ]));
                }
            }
        }
        if !references.is_empty() {
            map.serialize_entry("externalRefs", &references)?;
        }
        map.serialize_entry("primaryPackagePurpose", component.kind.spdx_purpose())?;
        map.end()
    }
}

/// A stable fingerprint of the document content, to make a namespace unique per content.
fn fingerprint(sbom: &Sbom) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    sbom.metadata.name.hash(&mut hasher);
    for component in &sbom.components {
        component.name.hash(&mut hasher);
        component.version.hash(&mut hasher);
        component.purl.hash(&mut hasher);
    }
    hasher.finish()
}

/// Current UTC time as `YYYY-MM-DDThh:mm:ssZ` (civil-from-days conversion, proleptic Gregorian).
fn now_rfc3339() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |duration| duration.as_secs());
    let days = (seconds / 86_400) as i64;
    let of_day = seconds % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

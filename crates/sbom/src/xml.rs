//! Streaming CycloneDX XML reader (quick-xml pull parser).
//!
//! The reader walks the children of `<bom>` as events. Only one top-level `<component>` (with its
//! nested components), the `<metadata>` element or one `<dependency>` is materialised at a time as
//! a small element tree ([`XmlElement`]) and converted at once, so memory stays bounded by the
//! largest single component, not by the document. Elements from other namespaces (CycloneDX
//! allows extensions) are skipped. The spec version comes from the namespace
//! `http://cyclonedx.org/schema/bom/1.x`.
//!
//! The same element tree type is used by validation, which does build the whole document
//! (validation targets documents that already passed the size limit and is not on the ingest path).

use std::cell::RefCell;
use std::io::BufRead;
use std::rc::Rc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;

use crate::cyclonedx::{
    self, RawComponent, RawHash, RawLicense, RawLicenseChoice, RawMetadata, RawOrganization,
    RawProperty, RawTool, RawTools,
};
use crate::error::SbomError;
use crate::input::LineIndex;
use crate::model::{Dependency, Encoding, Sbom, SbomFormat};
use crate::sink::{ComponentSink, Emitter};

const NAMESPACE_PREFIX: &str = "http://cyclonedx.org/schema/bom/";

/// An element of the CycloneDX namespace with its attributes, text and child elements.
#[derive(Debug, Default, Clone)]
pub(crate) struct XmlElement {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<XmlElement>,
    /// 1-based line of the start tag (0 when unknown).
    pub line: usize,
}

impl XmlElement {
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub(crate) fn child(&self, name: &str) -> Option<&XmlElement> {
        self.children.iter().find(|child| child.name == name)
    }

    pub(crate) fn children_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a XmlElement> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    pub(crate) fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|child| child.text.trim().to_string())
    }
}

/// A pull parser that knows the CycloneDX namespace and turns byte offsets into line/column.
pub(crate) struct XmlPull<R> {
    reader: NsReader<R>,
    buffer: Vec<u8>,
    lines: Rc<RefCell<LineIndex>>,
    base_offset: u64,
    /// Element names from the root to the current element, for error messages.
    path: Vec<String>,
    pub namespace: String,
}

/// What the next event means to a caller walking children.
enum Step {
    Child {
        element: XmlElement,
        empty: bool,
        ours: bool,
    },
    End,
}

impl<R: BufRead> XmlPull<R> {
    pub(crate) fn new(reader: R, lines: &Rc<RefCell<LineIndex>>, base_offset: u64) -> Self {
        let mut reader = NsReader::from_reader(reader);
        reader.config_mut().check_end_names = true;
        XmlPull {
            reader,
            buffer: Vec::new(),
            lines: lines.clone(),
            base_offset,
            path: Vec::new(),
            namespace: String::new(),
        }
    }

    fn position(&self, offset: u64) -> (usize, usize) {
        self.lines.borrow().line_column(offset + self.base_offset)
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> SbomError {
        let (line, column) = self.position(self.reader.buffer_position());
        SbomError::Xml {
            path: self.path.join("/"),
            line,
            column,
            message: message.into(),
        }
    }

    fn parse_error(&self, error: &quick_xml::Error) -> SbomError {
        let (line, column) = self.position(self.reader.error_position());
        SbomError::Xml {
            path: self.path.join("/"),
            line,
            column,
            message: error.to_string(),
        }
    }

    /// Reads up to the root element and checks it is a CycloneDX `<bom>`; returns it (no children).
    pub(crate) fn read_root(&mut self) -> Result<XmlElement, SbomError> {
        loop {
            self.buffer.clear();
            let (namespace, event) = match self.reader.read_resolved_event_into(&mut self.buffer) {
                Ok((namespace, event)) => (namespace_of(&namespace), event.into_owned()),
                Err(error) => return Err(self.parse_error(&error)),
            };
            match event {
                Event::Start(start) | Event::Empty(start) => {
                    let local = start.local_name().as_ref().to_string();
                    let Some(namespace) = namespace.filter(|ns| ns.starts_with(NAMESPACE_PREFIX))
                    else {
                        return Err(SbomError::UnknownFormat {
                            reason: format!(
                                "XML root element <{local}> is not in a CycloneDX namespace ({NAMESPACE_PREFIX}1.x)"
                            ),
                        });
                    };
                    if local != "bom" {
                        return Err(
                            self.error(format!("root element is <{local}>, expected <bom>"))
                        );
                    }
                    self.namespace = namespace;
                    let element = self.element_from_start(&start)?;
                    self.path.push("bom".into());
                    return Ok(element);
                }
                Event::Eof => {
                    return Err(self.error("document ends before the root element"));
                }
                _ => {}
            }
        }
    }

    pub(crate) fn spec_version(&self) -> &str {
        self.namespace.trim_start_matches(NAMESPACE_PREFIX)
    }

    fn element_from_start(&self, start: &BytesStart) -> Result<XmlElement, SbomError> {
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|error| self.error(error.to_string()))?;
            let key = attribute.key.as_ref();
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|error| self.error(error.to_string()))?;
            attributes.push((
                attribute.key.local_name().as_ref().to_string(),
                value.into_owned(),
            ));
        }
        let (line, _) = self.position(self.reader.buffer_position());
        Ok(XmlElement {
            name: start.local_name().as_ref().to_string(),
            attributes,
            text: String::new(),
            children: Vec::new(),
            line,
        })
    }

    /// Next child of the current element, or its end. Text between children is dropped.
    fn next_step(&mut self, text: Option<&mut String>) -> Result<Step, SbomError> {
        let mut text = text;
        loop {
            self.buffer.clear();
            let (ours, event) = match self.reader.read_resolved_event_into(&mut self.buffer) {
                Ok((namespace, event)) => (
                    namespace_of(&namespace).as_deref() == Some(self.namespace.as_str()),
                    event.into_owned(),
                ),
                Err(error) => return Err(self.parse_error(&error)),
            };
            match event {
                Event::Start(start) => {
                    let element = self.element_from_start(&start)?;
                    return Ok(Step::Child {
                        element,
                        empty: false,
                        ours,
                    });
                }
                Event::Empty(start) => {
                    let element = self.element_from_start(&start)?;
                    return Ok(Step::Child {
                        element,
                        empty: true,
                        ours,
                    });
                }
                Event::End(_) => return Ok(Step::End),
                Event::Text(content) => {
                    if let Some(text) = text.as_deref_mut() {
                        text.push_str(&content.xml10_content());
                    }
                }
                Event::CData(content) => {
                    if let Some(text) = text.as_deref_mut() {
                        text.push_str(&content.xml10_content());
                    }
                }
                Event::GeneralRef(reference) => {
                    let resolved = if reference.is_char_ref() {
                        match reference.resolve_char_ref() {
                            Ok(Some(character)) => character.to_string(),
                            _ => {
                                return Err(self.error(format!(
                                    "invalid character reference &{};",
                                    &*reference
                                )))
                            }
                        }
                    } else {
                        match quick_xml::escape::resolve_predefined_entity(&reference) {
                            Some(value) => value.to_string(),
                            None => {
                                return Err(self.error(format!("unknown entity &{};", &*reference)))
                            }
                        }
                    };
                    if let Some(text) = text.as_deref_mut() {
                        text.push_str(&resolved);
                    }
                }
                Event::Eof => {
                    return Err(self.error("document ends inside an element (truncated?)"));
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    /// Reads the content of `element` (whose start tag was just read) into it, recursively.
    /// Children from foreign namespaces are read and discarded.
    fn fill(&mut self, element: &mut XmlElement, empty: bool) -> Result<(), SbomError> {
        if empty {
            return Ok(());
        }
        self.path.push(element.name.clone());
        loop {
            match self.next_step(Some(&mut element.text))? {
                Step::End => break,
                Step::Child {
                    element: mut child,
                    empty,
                    ours,
                } => {
                    self.fill(&mut child, empty)?;
                    if ours {
                        element.children.push(child);
                    }
                }
            }
        }
        self.path.pop();
        Ok(())
    }

    /// Skips the rest of the current element.
    fn skip(&mut self, name: &str, empty: bool) -> Result<(), SbomError> {
        if empty {
            return Ok(());
        }
        self.path.push(name.to_string());
        loop {
            match self.next_step(None)? {
                Step::End => break,
                Step::Child { element, empty, .. } => self.skip(&element.name, empty)?,
            }
        }
        self.path.pop();
        Ok(())
    }

    /// Builds the whole tree under the root (for validation).
    pub(crate) fn read_tree(&mut self, mut root: XmlElement) -> Result<XmlElement, SbomError> {
        self.path.clear();
        self.fill(&mut root, false)?;
        self.expect_end_of_document()?;
        Ok(root)
    }

    fn expect_end_of_document(&mut self) -> Result<(), SbomError> {
        loop {
            self.buffer.clear();
            match self.reader.read_event_into(&mut self.buffer) {
                Ok(Event::Eof) => return Ok(()),
                Ok(Event::Text(text)) if text.xml10_content().trim().is_empty() => {}
                Ok(Event::Comment(_) | Event::PI(_)) => {}
                Ok(_) => return Err(self.error("content after the root element")),
                Err(error) => return Err(self.parse_error(&error)),
            }
        }
    }
}

fn namespace_of(result: &ResolveResult) -> Option<String> {
    match result {
        ResolveResult::Bound(Namespace(namespace)) => Some(namespace.to_string()),
        _ => None,
    }
}

/// Reads a CycloneDX XML document, streaming components to `sink`.
pub(crate) fn read<R: BufRead>(
    reader: R,
    lines: &Rc<RefCell<LineIndex>>,
    base_offset: u64,
    sink: &mut dyn ComponentSink,
) -> Result<Sbom, SbomError> {
    let mut emitter = Emitter::new(sink);
    let mut pull = XmlPull::new(reader, lines, base_offset);
    let root = pull.read_root()?;
    let spec_version = pull.spec_version().to_string();
    if !cyclonedx::is_known_spec_version(&spec_version) {
        return Err(SbomError::UnsupportedVersion {
            format: "CycloneDX",
            version: spec_version,
        });
    }
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, Encoding::Xml, spec_version);
    sbom.serial = root.attribute("serialNumber").map(str::to_string);
    sbom.revision = root
        .attribute("version")
        .and_then(|version| version.trim().parse().ok());
    let mut component_count = 0usize;
    let mut vulnerabilities = 0usize;
    let mut has_components = false;
    let mut product_parts_of_metadata = Vec::new();
    loop {
        let (section, empty, ours) = match pull.next_step(None)? {
            Step::End => break,
            Step::Child {
                element,
                empty,
                ours,
            } => (element, empty, ours),
        };
        match (ours, section.name.as_str()) {
            (true, "metadata") => {
                let mut metadata = section;
                pull.fill(&mut metadata, empty)?;
                let raw = raw_metadata(&metadata);
                let (metadata, product_parts) =
                    cyclonedx::convert_metadata(raw, &mut sbom.warnings);
                sbom.metadata = metadata;
                product_parts_of_metadata = product_parts;
            }
            (true, "components") => {
                has_components = true;
                if empty {
                    continue;
                }
                pull.path.push("components".into());
                loop {
                    match pull.next_step(None)? {
                        Step::End => break,
                        Step::Child {
                            element: mut component,
                            empty,
                            ours,
                        } => {
                            if !ours || component.name != "component" {
                                let name = component.name.clone();
                                pull.skip(&name, empty)?;
                                continue;
                            }
                            pull.fill(&mut component, empty)?;
                            let location = format!("bom/components/component[{component_count}]");
                            let mut flattened = Vec::new();
                            cyclonedx::flatten_component(
                                raw_component(&component),
                                None,
                                &location,
                                &mut flattened,
                                &mut sbom.warnings,
                            );
                            if !emitter.emit_all(flattened, &location) {
                                if let Some(failure) = emitter.failure.take() {
                                    return Err(failure);
                                }
                            }
                            component_count += 1;
                        }
                    }
                }
                pull.path.pop();
            }
            (true, "dependencies") => {
                // One <dependency> subtree at a time: real documents list one per component.
                if empty {
                    continue;
                }
                pull.path.push("dependencies".into());
                loop {
                    match pull.next_step(None)? {
                        Step::End => break,
                        Step::Child {
                            element: mut dependency,
                            empty,
                            ours,
                        } => {
                            if !ours || dependency.name != "dependency" {
                                let name = dependency.name.clone();
                                pull.skip(&name, empty)?;
                                continue;
                            }
                            pull.fill(&mut dependency, empty)?;
                            collect_dependency(&dependency, &mut sbom.dependencies);
                        }
                    }
                }
                pull.path.pop();
            }
            (true, "vulnerabilities") => {
                // Only counted (VEX detection); each entry is skipped without building it.
                if empty {
                    continue;
                }
                pull.path.push("vulnerabilities".into());
                while let Step::Child { element, empty, .. } = pull.next_step(None)? {
                    vulnerabilities += 1;
                    pull.skip(&element.name, empty)?;
                }
                pull.path.pop();
            }
            _ => {
                let name = section.name.clone();
                pull.skip(&name, empty)?;
            }
        }
    }
    pull.expect_end_of_document()?;
    if !emitter.emit_all(
        product_parts_of_metadata,
        "bom/metadata/component/components",
    ) {
        if let Some(failure) = emitter.failure.take() {
            return Err(failure);
        }
    }
    if !has_components && vulnerabilities > 0 {
        return Err(SbomError::NotAnSbom {
            what: format!(
                "a CycloneDX VEX/VDR document ({vulnerabilities} vulnerabilities, no components)"
            ),
        });
    }
    Ok(sbom)
}

/// `<dependency ref="a"><dependency ref="b"/></dependency>`: nested elements are edges from the
/// outer ref; nesting deeper than one level (allowed by the XSD) gives edges of the inner refs too.
fn collect_dependency(element: &XmlElement, out: &mut Vec<Dependency>) {
    let Some(from) = element.attribute("ref") else {
        return;
    };
    let to = element
        .children_named("dependency")
        .filter_map(|child| child.attribute("ref").map(str::to_string))
        .collect();
    out.push(Dependency {
        from: from.to_string(),
        to,
    });
    for child in element.children_named("dependency") {
        if child
            .children
            .iter()
            .any(|grandchild| grandchild.name == "dependency")
        {
            collect_dependency(child, out);
        }
    }
}

pub(crate) fn raw_component(element: &XmlElement) -> RawComponent {
    RawComponent {
        kind: element.attribute("type").map(str::to_string),
        bom_ref: element.attribute("bom-ref").map(str::to_string),
        name: element.child_text("name"),
        version: element.child_text("version"),
        group: element.child_text("group"),
        purl: element.child_text("purl"),
        cpe: element.child_text("cpe"),
        hashes: element.child("hashes").map(|hashes| {
            hashes
                .children_named("hash")
                .map(|hash| RawHash {
                    alg: hash.attribute("alg").unwrap_or_default().to_string(),
                    content: hash.text.trim().to_string(),
                })
                .collect()
        }),
        licenses: element.child("licenses").map(raw_licenses),
        supplier: element.child("supplier").map(raw_organization),
        publisher: element.child_text("publisher"),
        author: element.child_text("author"),
        description: element.child_text("description"),
        scope: element.child_text("scope"),
        properties: element.child("properties").map(|properties| {
            properties
                .children_named("property")
                .map(|property| RawProperty {
                    name: property.attribute("name").map(str::to_string),
                    value: Some(property.text.trim().to_string()),
                })
                .collect()
        }),
        components: element.child("components").map(|components| {
            components
                .children_named("component")
                .map(raw_component)
                .collect()
        }),
    }
}

fn raw_licenses(licenses: &XmlElement) -> Vec<RawLicenseChoice> {
    licenses
        .children
        .iter()
        .filter_map(|choice| match choice.name.as_str() {
            "license" => Some(RawLicenseChoice {
                license: Some(RawLicense {
                    id: choice.child_text("id"),
                    name: choice.child_text("name"),
                }),
                expression: None,
            }),
            "expression" => Some(RawLicenseChoice {
                license: None,
                expression: Some(choice.text.trim().to_string()),
            }),
            _ => None,
        })
        .collect()
}

fn raw_organization(element: &XmlElement) -> RawOrganization {
    RawOrganization {
        name: element.child_text("name"),
    }
}

fn raw_tool(element: &XmlElement) -> RawTool {
    RawTool {
        vendor: element.child_text("vendor"),
        name: element.child_text("name"),
        version: element.child_text("version"),
    }
}

fn raw_metadata(metadata: &XmlElement) -> RawMetadata {
    let tools = metadata.child("tools").map(|tools| {
        if tools.child("tool").is_some() {
            RawTools::Legacy(tools.children_named("tool").map(raw_tool).collect())
        } else {
            RawTools::Modern {
                components: tools.child("components").map(|components| {
                    components
                        .children_named("component")
                        .map(raw_component)
                        .collect()
                }),
                services: tools
                    .child("services")
                    .map(|services| services.children_named("service").map(raw_tool).collect()),
            }
        }
    });
    RawMetadata {
        timestamp: metadata.child_text("timestamp"),
        tools,
        component: metadata.child("component").map(raw_component),
        supplier: metadata.child("supplier").map(raw_organization),
        manufacture: metadata.child("manufacture").map(raw_organization),
        manufacturer: metadata.child("manufacturer").map(raw_organization),
    }
}

//! Streaming JSON reader for CycloneDX and SPDX documents.
//!
//! One serde visitor walks the top-level object and dispatches on keys: the two standards use
//! disjoint top-level keys (`bomFormat`/`components` against `spdxVersion`/`packages`), and keys
//! may come in any order (real CycloneDX files put `components` before `specVersion`), so the
//! format is settled once the object is closed. The big arrays (`components`, `packages`,
//! `relationships`, `dependencies`) are visited element by element: each element is deserialized
//! into a small raw struct, converted, and dropped, so no `serde_json::Value` of the document is
//! ever built. `serde_path_to_error` tracks the JSON path for error messages.

use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use std::collections::HashMap;

use crate::cyclonedx::{self, RawComponent, RawDependency, RawMetadata};
use crate::error::SbomError;
use crate::model::{Dependency, Encoding, Metadata, Sbom, SbomFormat, Tool, Warning};
use crate::sink::{ComponentSink, Emitter, Summary};
use crate::spdx::{self, EdgeCollector, RawCreationInfo, RawPackage, RawRelationship};

/// Everything collected from the top-level object, before the format is known for sure.
struct Collected<'s> {
    bom_format: Option<String>,
    spec_version: Option<String>,
    serial: Option<String>,
    revision: Option<u64>,
    cdx_metadata: Option<RawMetadata>,
    has_components: bool,
    vulnerabilities: usize,
    spdx_version: Option<String>,
    spdx_name: Option<String>,
    spdx_namespace: Option<String>,
    spdx_creation: Option<RawCreationInfo>,
    spdx_describes: Vec<String>,
    has_packages: bool,
    csaf_document: bool,
    /// `@context` of a JSON-LD document (SPDX 3 is JSON-LD).
    json_ld_context: Option<String>,
    emitter: Emitter<'s>,
    cdx_dependencies: Vec<Dependency>,
    spdx_edges: EdgeCollector,
    warnings: Vec<Warning>,
}

/// Reads a JSON SBOM from `reader` (already bounded by the caller), components to `sink`.
pub(crate) fn read<R: Read>(reader: R, sink: &mut dyn ComponentSink) -> Result<Sbom, SbomError> {
    let mut json = serde_json::Deserializer::from_reader(reader);
    let mut track = serde_path_to_error::Track::new();
    let mut collected = Collected {
        bom_format: None,
        spec_version: None,
        serial: None,
        revision: None,
        cdx_metadata: None,
        has_components: false,
        vulnerabilities: 0,
        spdx_version: None,
        spdx_name: None,
        spdx_namespace: None,
        spdx_creation: None,
        spdx_describes: Vec::new(),
        has_packages: false,
        csaf_document: false,
        json_ld_context: None,
        emitter: Emitter::new(sink),
        cdx_dependencies: Vec::new(),
        spdx_edges: EdgeCollector::default(),
        warnings: Vec::new(),
    };
    let result = {
        let tracked = serde_path_to_error::Deserializer::new(&mut json, &mut track);
        DocumentSeed(&mut collected).deserialize(tracked)
    };
    if let Some(failure) = collected.emitter.failure.take() {
        return Err(failure);
    }
    if let Err(error) = result {
        return Err(json_error(&track.path().to_string(), &error));
    }
    if let Err(error) = json.end() {
        return Err(json_error("$ (after the document)", &error));
    }
    finish(collected)
}

pub(crate) fn json_error(path: &str, error: &serde_json::Error) -> SbomError {
    let message = error.to_string();
    // serde_json appends " at line L column C"; the position is reported separately.
    let message = match message.rfind(" at line ") {
        Some(cut) if error.line() > 0 => message[..cut].to_string(),
        _ => message,
    };
    SbomError::Json {
        path: if path.is_empty() || path == "." {
            "$".into()
        } else {
            format!("$.{path}")
        },
        line: error.line(),
        column: error.column(),
        message,
    }
}

fn finish(collected: Collected) -> Result<Sbom, SbomError> {
    let mut collected = collected;
    if collected.csaf_document {
        return Err(SbomError::NotAnSbom {
            what: "a CSAF advisory (top-level `document` object)".into(),
        });
    }
    if let Some(bom_format) = collected.bom_format {
        if bom_format != "CycloneDX" {
            return Err(SbomError::UnknownFormat {
                reason: format!("bomFormat is {bom_format:?}, expected \"CycloneDX\""),
            });
        }
        let spec_version = collected.spec_version.ok_or_else(|| SbomError::Json {
            path: "$.specVersion".into(),
            line: 0,
            column: 0,
            message: "CycloneDX document has no specVersion".into(),
        })?;
        if !cyclonedx::is_known_spec_version(&spec_version) {
            return Err(SbomError::UnsupportedVersion {
                format: "CycloneDX",
                version: spec_version,
            });
        }
        if !collected.has_components && collected.vulnerabilities > 0 {
            return Err(SbomError::NotAnSbom {
                what: format!(
                    "a CycloneDX VEX/VDR document ({} vulnerabilities, no components)",
                    collected.vulnerabilities
                ),
            });
        }
        let mut warnings = collected.warnings;
        let (metadata, product_parts) = collected
            .cdx_metadata
            .map(|raw| cyclonedx::convert_metadata(raw, &mut warnings))
            .unwrap_or_default();
        if !collected
            .emitter
            .emit_all(product_parts, "$.metadata.component.components")
        {
            if let Some(failure) = collected.emitter.failure.take() {
                return Err(failure);
            }
        }
        let mut sbom = Sbom::new(SbomFormat::CycloneDx, Encoding::Json, spec_version);
        sbom.serial = collected.serial;
        sbom.revision = collected.revision;
        sbom.metadata = metadata;
        sbom.dependencies = collected.cdx_dependencies;
        sbom.warnings = warnings;
        return Ok(sbom);
    }
    if let Some(spdx_version) = collected.spdx_version {
        if !spdx::is_known_spec_version(&spdx_version) {
            return Err(SbomError::UnsupportedVersion {
                format: "SPDX",
                version: spdx_version,
            });
        }
        let version = spdx_version.trim_start_matches("SPDX-").to_string();
        let mut sbom = Sbom::new(SbomFormat::Spdx, Encoding::Json, version);
        sbom.serial = collected.spdx_namespace;
        let creation = collected.spdx_creation.unwrap_or_default();
        let creators = creation.creators.unwrap_or_default();
        sbom.metadata = Metadata {
            name: collected.spdx_name,
            version: None,
            supplier: creators_organization(&creators),
            timestamp: creation.created,
            tools: creators_to_tools(creators),
            component: None,
        };
        let mut describes = collected.spdx_describes;
        describes.extend(collected.spdx_edges.described.iter().cloned());
        sbom.dependencies = collected.spdx_edges.finish();
        describe_root(&mut sbom, &describes, collected.emitter.summaries.as_ref());
        sbom.warnings = collected.warnings;
        return Ok(sbom);
    }
    if let Some(context) = collected
        .json_ld_context
        .filter(|context| context.contains("spdx"))
    {
        return Err(SbomError::UnsupportedVersion {
            format: "SPDX",
            version: format!("3 (JSON-LD, @context {context})"),
        });
    }
    Err(SbomError::UnknownFormat {
        reason: "JSON object has neither `bomFormat` (CycloneDX) nor `spdxVersion` (SPDX)".into(),
    })
}

/// The first `Organization:` creator, the closest SPDX has to a document supplier.
pub(crate) fn creators_organization(creators: &[String]) -> Option<String> {
    creators
        .iter()
        .find_map(|creator| creator.strip_prefix("Organization:"))
        .map(|organization| organization.trim().to_string())
}

/// SPDX `creators` lines: `Tool: name-version` become tools; the organisation is the supplier.
pub(crate) fn creators_to_tools(creators: Vec<String>) -> Vec<Tool> {
    creators
        .into_iter()
        .filter_map(|creator| {
            let tool = creator.strip_prefix("Tool:")?.trim().to_string();
            // `syft-0.90.0`: the version is what follows the last dash when it starts with a digit.
            match tool.rsplit_once('-') {
                Some((name, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => {
                    Some(Tool {
                        vendor: None,
                        name: name.to_string(),
                        version: Some(version.to_string()),
                    })
                }
                _ => Some(Tool {
                    vendor: None,
                    name: tool,
                    version: None,
                }),
            }
        })
        .collect()
}

/// Fills product name/version/supplier from the package the document describes, when there is one.
pub(crate) fn describe_root(
    sbom: &mut Sbom,
    describes: &[String],
    summaries: Option<&HashMap<String, Summary>>,
) {
    // `documentDescribes` and a `DESCRIBES` relationship often name the same element.
    let mut distinct: Vec<&String> = describes.iter().collect();
    distinct.sort();
    distinct.dedup();
    let [root] = distinct[..] else { return };
    if let Some(package) = summaries.and_then(|summaries| summaries.get(root)) {
        sbom.metadata.version = package.version.clone();
        sbom.metadata.supplier = package.supplier.clone().or(sbom.metadata.supplier.take());
        if sbom.metadata.name.is_none() {
            sbom.metadata.name = Some(package.name.clone());
        }
    }
}

struct DocumentSeed<'a, 's>(&'a mut Collected<'s>);

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a CycloneDX or SPDX JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let doc = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "bomFormat" => doc.bom_format = Some(map.next_value()?),
                "specVersion" => doc.spec_version = Some(map.next_value()?),
                "serialNumber" => doc.serial = map.next_value()?,
                "version" => doc.revision = map.next_value()?,
                "metadata" => doc.cdx_metadata = map.next_value()?,
                "components" => {
                    doc.has_components = true;
                    map.next_value_seed(ArraySeed {
                        doc: &mut *doc,
                        kind: ArrayKind::CdxComponents,
                    })?
                }
                "dependencies" => map.next_value_seed(ArraySeed {
                    doc: &mut *doc,
                    kind: ArrayKind::CdxDependencies,
                })?,
                "vulnerabilities" => map.next_value_seed(ArraySeed {
                    doc: &mut *doc,
                    kind: ArrayKind::Counted,
                })?,
                "spdxVersion" => doc.spdx_version = Some(map.next_value()?),
                "name" => doc.spdx_name = map.next_value()?,
                "documentNamespace" => doc.spdx_namespace = map.next_value()?,
                "creationInfo" => doc.spdx_creation = map.next_value()?,
                "documentDescribes" => {
                    doc.spdx_describes =
                        map.next_value::<Option<Vec<String>>>()?.unwrap_or_default()
                }
                "packages" => {
                    doc.has_packages = true;
                    doc.emitter.summaries = Some(HashMap::new());
                    if !doc.spdx_describes.is_empty() {
                        doc.emitter.summarise_only =
                            Some(doc.spdx_describes.iter().cloned().collect());
                    }
                    map.next_value_seed(ArraySeed {
                        doc: &mut *doc,
                        kind: ArrayKind::SpdxPackages,
                    })?
                }
                "relationships" => map.next_value_seed(ArraySeed {
                    doc: &mut *doc,
                    kind: ArrayKind::SpdxRelationships,
                })?,
                "document" => {
                    doc.csaf_document = true;
                    map.next_value::<IgnoredAny>()?;
                }
                "@context" => {
                    // A string or an array/object; only a string is kept, for the error message.
                    let context = map.next_value::<serde_json::Value>()?;
                    doc.json_ld_context = Some(match context {
                        serde_json::Value::String(text) => text,
                        other => other.to_string(),
                    });
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum ArrayKind {
    CdxComponents,
    CdxDependencies,
    SpdxPackages,
    SpdxRelationships,
    /// Only the number of elements matters (vulnerabilities, kept for VEX detection).
    Counted,
}

struct ArraySeed<'a, 's> {
    doc: &'a mut Collected<'s>,
    kind: ArrayKind,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // `deserialize_any` so that `null` reaches `visit_unit` and a wrong type gets our wording.
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(match self.kind {
            ArrayKind::CdxComponents => "an array of CycloneDX components",
            ArrayKind::CdxDependencies => "an array of CycloneDX dependencies",
            ArrayKind::SpdxPackages => "an array of SPDX packages",
            ArrayKind::SpdxRelationships => "an array of SPDX relationships",
            ArrayKind::Counted => "an array",
        })
    }

    /// `null` where an array is expected is read as an empty array: some generators write it.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let doc = self.doc;
        let mut index = 0usize;
        match self.kind {
            ArrayKind::CdxComponents => {
                let mut flattened = Vec::new();
                while let Some(raw) = seq.next_element::<RawComponent>()? {
                    let location = format!("$.components[{index}]");
                    cyclonedx::flatten_component(
                        raw,
                        None,
                        &location,
                        &mut flattened,
                        &mut doc.warnings,
                    );
                    if !doc
                        .emitter
                        .emit_all(std::mem::take(&mut flattened), &location)
                    {
                        return Err(de::Error::custom("the component sink stopped reading"));
                    }
                    index += 1;
                }
            }
            ArrayKind::CdxDependencies => {
                while let Some(raw) = seq.next_element::<RawDependency>()? {
                    doc.cdx_dependencies.push(Dependency {
                        from: raw.reference,
                        to: raw.depends_on.unwrap_or_default(),
                    });
                }
            }
            ArrayKind::SpdxPackages => {
                while let Some(raw) = seq.next_element::<RawPackage>()? {
                    let location = format!("$.packages[{index}]");
                    let component = spdx::convert_package(raw, &location, &mut doc.warnings);
                    if !doc.emitter.emit(component, &location) {
                        return Err(de::Error::custom("the component sink stopped reading"));
                    }
                    index += 1;
                }
            }
            ArrayKind::SpdxRelationships => {
                while let Some(raw) = seq.next_element::<RawRelationship>()? {
                    doc.spdx_edges.add(raw);
                }
            }
            ArrayKind::Counted => {
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    doc.vulnerabilities += 1;
                }
            }
        }
        Ok(())
    }
}

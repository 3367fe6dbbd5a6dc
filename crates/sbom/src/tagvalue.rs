//! SPDX 2.2/2.3 tag-value reader, line by line.
//!
//! A document is a sequence of `Tag: value` lines; a value may span lines between `<text>` and
//! `</text>`. `PackageName` opens a package section that lasts until the next section opener
//! (`PackageName`, `FileName`, `SnippetSPDXID`, `LicenseID`); `SPDXID` belongs to the open section.
//! `Relationship: A TYPE B` lines may appear anywhere. Each package is converted as soon as its
//! section closes, so memory holds one package at a time plus the result.

use std::io::BufRead;

use crate::error::SbomError;
use crate::json::{creators_organization, creators_to_tools, describe_root};
use crate::model::{Encoding, Sbom, SbomFormat};
use crate::sink::{ComponentSink, Emitter};
use crate::spdx::{self, EdgeCollector, RawChecksum, RawExternalRef, RawPackage, RawRelationship};

enum Section {
    Document,
    Package(Box<RawPackage>, usize),
    /// Files, snippets and extracted licences: read past, not kept.
    Other,
}

struct State<'s> {
    sbom: Sbom,
    emitter: Emitter<'s>,
    spdx_version: Option<String>,
    creators: Vec<String>,
    describes: Vec<String>,
    edges: EdgeCollector,
    section: Section,
    package_count: usize,
}

impl State<'_> {
    fn close_section(&mut self) -> Result<(), SbomError> {
        if let Section::Package(package, line) =
            std::mem::replace(&mut self.section, Section::Other)
        {
            let location = format!("line {line} (package {})", self.package_count);
            let component = spdx::convert_package(*package, &location, &mut self.sbom.warnings);
            if !self.emitter.emit(component, &location) {
                if let Some(failure) = self.emitter.failure.take() {
                    return Err(failure);
                }
            }
            self.package_count += 1;
        }
        Ok(())
    }
}

pub(crate) fn read<R: BufRead>(reader: R, sink: &mut dyn ComponentSink) -> Result<Sbom, SbomError> {
    let mut emitter = Emitter::new(sink);
    // Which package the document describes may be said after the packages: remember summaries.
    emitter.summaries = Some(std::collections::HashMap::new());
    let mut state = State {
        sbom: Sbom::new(SbomFormat::Spdx, Encoding::TagValue, ""),
        emitter,
        spdx_version: None,
        creators: Vec::new(),
        describes: Vec::new(),
        edges: EdgeCollector::default(),
        section: Section::Document,
        package_count: 0,
    };
    let mut lines = reader.lines();
    let mut line_number = 0usize;
    while let Some(line) = lines.next() {
        line_number += 1;
        let line = line.map_err(|error| tag_error(line_number, error.to_string()))?;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((tag, value)) = trimmed.split_once(':') else {
            return Err(tag_error(
                line_number,
                format!("expected `Tag: value`, found {trimmed:?}"),
            ));
        };
        let tag = tag.trim();
        let tag_line = line_number;
        let mut value = value.trim().to_string();
        if let Some(rest) = value.strip_prefix("<text>") {
            let mut text = rest.to_string();
            while !text.contains("</text>") {
                let Some(next) = lines.next() else {
                    return Err(tag_error(
                        tag_line,
                        format!("`{tag}` opens <text> that is never closed"),
                    ));
                };
                line_number += 1;
                let next = next.map_err(|error| tag_error(line_number, error.to_string()))?;
                text.push('\n');
                text.push_str(&next);
            }
            let end = text.find("</text>").unwrap_or(text.len());
            value = text[..end].trim().to_string();
        }
        apply(&mut state, tag, value, tag_line)?;
    }
    state.close_section()?;
    let spdx_version = state.spdx_version.ok_or_else(|| {
        tag_error(
            line_number,
            "document has no `SPDXVersion` line".to_string(),
        )
    })?;
    if !spdx::is_known_spec_version(&spdx_version) {
        return Err(SbomError::UnsupportedVersion {
            format: "SPDX",
            version: spdx_version,
        });
    }
    let mut sbom = state.sbom;
    sbom.spec_version = spdx_version.trim_start_matches("SPDX-").to_string();
    sbom.metadata.supplier = creators_organization(&state.creators);
    sbom.metadata.tools = creators_to_tools(state.creators);
    let mut describes = state.describes;
    describes.extend(state.edges.described.iter().cloned());
    sbom.dependencies = state.edges.finish();
    describe_root(&mut sbom, &describes, state.emitter.summaries.as_ref());
    Ok(sbom)
}

fn tag_error(line: usize, message: String) -> SbomError {
    SbomError::TagValue { line, message }
}

fn apply(state: &mut State, tag: &str, value: String, line: usize) -> Result<(), SbomError> {
    match tag {
        "PackageName" => {
            state.close_section()?;
            state.section = Section::Package(
                Box::new(RawPackage {
                    name: Some(value),
                    ..RawPackage::default()
                }),
                line,
            );
            return Ok(());
        }
        "FileName" | "SnippetSPDXID" | "LicenseID" => {
            state.close_section()?;
            state.section = Section::Other;
            return Ok(());
        }
        "Relationship" => {
            let parts: Vec<&str> = value.split_whitespace().collect();
            let [from, kind, to] = parts[..] else {
                return Err(tag_error(
                    line,
                    format!("Relationship needs `A TYPE B`, found {value:?}"),
                ));
            };
            state.edges.add(RawRelationship {
                spdx_element_id: from.to_string(),
                relationship_type: kind.to_string(),
                related_spdx_element: to.to_string(),
            });
            return Ok(());
        }
        _ => {}
    }
    match &mut state.section {
        Section::Document => match tag {
            "SPDXVersion" => state.spdx_version = Some(value),
            "DocumentName" => state.sbom.metadata.name = Some(value),
            "DocumentNamespace" => state.sbom.serial = Some(value),
            "Creator" => state.creators.push(value),
            "Created" => state.sbom.metadata.timestamp = Some(value),
            "DocumentDescribes" => state
                .describes
                .extend(value.split(',').map(|id| id.trim().to_string())),
            _ => {}
        },
        Section::Package(package, _) => match tag {
            "SPDXID" => package.spdx_id = Some(value),
            "PackageVersion" => package.version_info = Some(value),
            "PackageSupplier" => package.supplier = Some(value),
            "PackageOriginator" => package.originator = Some(value),
            "PackageDescription" => package.description = Some(value),
            "PackageSummary" => package.summary = Some(value),
            "PackageLicenseConcluded" => package.license_concluded = Some(value),
            "PackageLicenseDeclared" => package.license_declared = Some(value),
            "PackageDownloadLocation" => package.download_location = Some(value),
            "PrimaryPackagePurpose" => package.primary_package_purpose = Some(value),
            "PackageChecksum" => {
                let Some((algorithm, digest)) = value.split_once(':') else {
                    return Err(tag_error(
                        line,
                        format!("PackageChecksum needs `ALGORITHM: value`, found {value:?}"),
                    ));
                };
                package
                    .checksums
                    .get_or_insert_with(Vec::new)
                    .push(RawChecksum {
                        algorithm: algorithm.trim().to_string(),
                        checksum_value: digest.trim().to_string(),
                    });
            }
            "ExternalRef" => {
                let parts: Vec<&str> = value.split_whitespace().collect();
                let [category, kind, locator] = parts[..] else {
                    return Err(tag_error(
                        line,
                        format!("ExternalRef needs `CATEGORY TYPE LOCATOR`, found {value:?}"),
                    ));
                };
                package
                    .external_refs
                    .get_or_insert_with(Vec::new)
                    .push(RawExternalRef {
                        reference_category: Some(category.to_string()),
                        reference_type: kind.to_string(),
                        reference_locator: locator.to_string(),
                    });
            }
            _ => {}
        },
        Section::Other => {}
    }
    Ok(())
}

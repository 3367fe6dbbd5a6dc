//! SBOM formats for sanso: detect, read (streaming, bounded memory), validate, de-duplicate and
//! write CycloneDX (1.0–1.6, JSON and XML) and SPDX (2.2/2.3, JSON and tag-value) documents.
//!
//! Everything is converted to one format-neutral [`Sbom`] model ([`model`]), so the rest of
//! sanso (store, vulnerability matching, licences) never looks at a format again.
//!
//! - [`read_sbom`] / [`read_sbom_path`] detect the format from the content and parse it. Readers
//!   never hold a tree of the whole document: JSON arrays are visited element by element, XML is
//!   pulled event by event, tag-value is read line by line. A byte limit ([`ReadOptions`]) is
//!   enforced while reading.
//! - [`validate`] checks a CycloneDX 1.4–1.6 document against its specification (JSON schema
//!   plus the rules a schema cannot say, such as `bom-ref` uniqueness; structural rules for XML).
//!   The schemas are read from a directory at run time ([`validate::CycloneDxSchemas::load`]).
//! - [`dedupe`] merges components that are the same package.
//! - [`write`](mod@write) produces CycloneDX 1.6 JSON/XML and SPDX 2.3 JSON.
//!
//! Package URLs are kept as written; [`dedupe::canonical_purl`] canonicalises them with
//! `sanso-pkgver` for identity.
//!
//! Documents that are not SBOMs are recognised by content and refused with
//! [`SbomError::NotAnSbom`]: CSAF advisories (top-level `document`) and CycloneDX VEX/VDR
//! documents (vulnerabilities but no components).
//!
//! Examples (`cargo run --release -p sanso-sbom --example …`): `ingest` (parse + de-duplicate,
//! timed), `generate` (synthetic 300,000-component CycloneDX JSON for the benchmark), `convert`
//! (between the written formats), `validate` (CycloneDX conformance).

pub mod dedupe;
pub mod error;
pub mod model;
pub mod sink;
pub mod validate;
pub mod write;

mod cyclonedx;
mod input;
mod json;
mod spdx;
mod tagvalue;
mod xml;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub use crate::error::{SbomError, ValidationIssue};
pub use crate::input::ReadOptions;
pub use crate::model::{
    Component, ComponentKind, Dependency, Encoding, Hash, License, Metadata, Property, Sbom,
    SbomFormat, Scope, Tool, Warning,
};
pub use crate::sink::ComponentSink;

use crate::input::BoundedReader;

/// Buffer size for reading; large enough that detection sees the document's first lines.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// Reads an SBOM file; a file larger than the limit is rejected before any byte is read.
pub fn read_sbom_path(path: &Path, options: &ReadOptions) -> Result<Sbom, SbomError> {
    let mut components = Vec::new();
    let mut sbom = read_sbom_path_into(path, options, &mut components)?;
    sbom.components = components;
    Ok(sbom)
}

/// Like [`read_sbom_path`], but each component goes to `sink` as soon as it is read; the returned
/// [`Sbom`] has everything except `components`.
pub fn read_sbom_path_into(
    path: &Path,
    options: &ReadOptions,
    sink: &mut dyn ComponentSink,
) -> Result<Sbom, SbomError> {
    let file_error = |source| SbomError::File {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(file_error)?;
    let size = file.metadata().map_err(file_error)?.len();
    if size > options.max_bytes {
        return Err(SbomError::TooLarge {
            limit: options.max_bytes,
        });
    }
    read_sbom_into(file, options, sink)
}

/// Reads an SBOM of any supported format from a byte stream, detecting the format from content.
pub fn read_sbom<R: Read>(reader: R, options: &ReadOptions) -> Result<Sbom, SbomError> {
    let mut components = Vec::new();
    let mut sbom = read_sbom_into(reader, options, &mut components)?;
    sbom.components = components;
    Ok(sbom)
}

/// Like [`read_sbom`], but each component goes to `sink` as soon as it is read (a nested
/// component right after its parent), so a caller that stores components never holds them all;
/// the returned [`Sbom`] has everything except `components`.
pub fn read_sbom_into<R: Read>(
    reader: R,
    options: &ReadOptions,
    sink: &mut dyn ComponentSink,
) -> Result<Sbom, SbomError> {
    let mut bounded = BoundedReader::new(reader, options.max_bytes);
    let result = read_bounded(&mut bounded, sink);
    if bounded.exceeded {
        return Err(SbomError::TooLarge {
            limit: options.max_bytes,
        });
    }
    result
}

/// The encoding a document's first bytes announce, or why none does.
pub fn detect_encoding(prefix: &[u8]) -> Result<Encoding, SbomError> {
    let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let first = text.iter().position(|byte| !byte.is_ascii_whitespace());
    match first.map(|index| text[index]) {
        None => Err(SbomError::UnknownFormat {
            reason: "the document is empty".into(),
        }),
        Some(b'{') => Ok(Encoding::Json),
        Some(b'<') => Ok(Encoding::Xml),
        Some(_) => {
            let head = String::from_utf8_lossy(&text[..text.len().min(64 * 1024)]);
            let tag_value = head.lines().any(|line| {
                let line = line.trim_start();
                line.starts_with("SPDXVersion:") || line.starts_with("DataLicense:")
            });
            if tag_value {
                Ok(Encoding::TagValue)
            } else {
                Err(SbomError::UnknownFormat {
                    reason: "not JSON, not XML, and no SPDX tag-value `SPDXVersion:` line".into(),
                })
            }
        }
    }
}

fn read_bounded<R: Read>(
    bounded: &mut BoundedReader<R>,
    sink: &mut dyn ComponentSink,
) -> Result<Sbom, SbomError> {
    let lines = bounded.lines.clone();
    let mut buffered = BufReader::with_capacity(READ_BUFFER_BYTES, bounded);
    let prefix = buffered.fill_buf().map_err(SbomError::Io)?;
    let has_bom = prefix.starts_with(b"\xEF\xBB\xBF");
    let encoding = detect_encoding(prefix)?;
    if has_bom {
        buffered.consume(3);
    }
    match encoding {
        Encoding::Json => json::read(buffered, sink),
        Encoding::Xml => xml::read(buffered, &lines, if has_bom { 3 } else { 0 }, sink),
        Encoding::TagValue => tagvalue::read(buffered, sink),
    }
}

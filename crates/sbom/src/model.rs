//! The format-neutral SBOM model every reader produces and every writer consumes.
//!
//! CycloneDX and SPDX describe the same things with different words: a CycloneDX `component` is an SPDX
//! `package`, a `bom-ref` is an `SPDXID`, a `dependencies` entry is a `DEPENDS_ON`/`CONTAINS`
//! relationship. The model keeps what sanso uses for vulnerability, licence and supplier management
//! and drops the rest (the original document is kept verbatim in the blob store by the caller).
//!
//! Nested CycloneDX components are flattened: each keeps the `bom_ref` of the component it was
//! nested in as [`Component::parent`], so the tree can be rebuilt and nothing is lost when the
//! store keeps components in one table.

use serde::{Deserialize, Serialize};

/// Which family of SBOM standard a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SbomFormat {
    CycloneDx,
    Spdx,
}

/// How a document is serialised on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Encoding {
    Json,
    Xml,
    /// SPDX tag-value (`Tag: value` lines).
    TagValue,
}

/// What kind of thing a component is; CycloneDX `type` and SPDX `primaryPackagePurpose` both map here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum ComponentKind {
    Application,
    Framework,
    #[default]
    Library,
    Container,
    Platform,
    OperatingSystem,
    Device,
    DeviceDriver,
    Firmware,
    File,
    MachineLearningModel,
    Data,
    CryptographicAsset,
    /// A kind the model does not name (kept verbatim, e.g. SPDX `ARCHIVE` or `SOURCE`).
    Other(String),
}

impl ComponentKind {
    /// Maps a CycloneDX `type` value (1.0–1.6 spelling).
    pub fn from_cyclonedx(value: &str) -> ComponentKind {
        match value {
            "application" => ComponentKind::Application,
            "framework" => ComponentKind::Framework,
            "library" => ComponentKind::Library,
            "container" => ComponentKind::Container,
            "platform" => ComponentKind::Platform,
            "operating-system" => ComponentKind::OperatingSystem,
            "device" => ComponentKind::Device,
            "device-driver" => ComponentKind::DeviceDriver,
            "firmware" => ComponentKind::Firmware,
            "file" => ComponentKind::File,
            "machine-learning-model" => ComponentKind::MachineLearningModel,
            "data" => ComponentKind::Data,
            "cryptographic-asset" => ComponentKind::CryptographicAsset,
            other => ComponentKind::Other(other.to_string()),
        }
    }

    /// The CycloneDX 1.6 `type` value; kinds CycloneDX has no word for become `library`,
    /// the type CycloneDX itself recommends for unknown software.
    pub fn cyclonedx_name(&self) -> &'static str {
        match self {
            ComponentKind::Application => "application",
            ComponentKind::Framework => "framework",
            ComponentKind::Library => "library",
            ComponentKind::Container => "container",
            ComponentKind::Platform => "platform",
            ComponentKind::OperatingSystem => "operating-system",
            ComponentKind::Device => "device",
            ComponentKind::DeviceDriver => "device-driver",
            ComponentKind::Firmware => "firmware",
            ComponentKind::File => "file",
            ComponentKind::MachineLearningModel => "machine-learning-model",
            ComponentKind::Data => "data",
            ComponentKind::CryptographicAsset => "cryptographic-asset",
            ComponentKind::Other(_) => "library",
        }
    }

    /// Maps an SPDX 2.3 `primaryPackagePurpose`.
    pub fn from_spdx_purpose(value: &str) -> ComponentKind {
        match value {
            "APPLICATION" => ComponentKind::Application,
            "FRAMEWORK" => ComponentKind::Framework,
            "LIBRARY" => ComponentKind::Library,
            "CONTAINER" => ComponentKind::Container,
            "OPERATING-SYSTEM" => ComponentKind::OperatingSystem,
            "DEVICE" => ComponentKind::Device,
            "FIRMWARE" => ComponentKind::Firmware,
            "FILE" => ComponentKind::File,
            other => ComponentKind::Other(other.to_string()),
        }
    }

    /// The SPDX 2.3 `primaryPackagePurpose` for this kind.
    pub fn spdx_purpose(&self) -> &str {
        match self {
            ComponentKind::Application => "APPLICATION",
            ComponentKind::Framework => "FRAMEWORK",
            ComponentKind::Library => "LIBRARY",
            ComponentKind::Container => "CONTAINER",
            ComponentKind::OperatingSystem => "OPERATING-SYSTEM",
            ComponentKind::Device | ComponentKind::DeviceDriver => "DEVICE",
            ComponentKind::Firmware => "FIRMWARE",
            ComponentKind::File => "FILE",
            ComponentKind::Other(word)
                if matches!(word.as_str(), "SOURCE" | "ARCHIVE" | "INSTALL" | "OTHER") =>
            {
                word
            }
            _ => "OTHER",
        }
    }
}

/// Whether a component is needed at run time (CycloneDX `scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    Required,
    Optional,
    Excluded,
}

impl Scope {
    pub fn from_cyclonedx(value: &str) -> Option<Scope> {
        match value {
            "required" => Some(Scope::Required),
            "optional" => Some(Scope::Optional),
            "excluded" => Some(Scope::Excluded),
            _ => None,
        }
    }

    pub fn cyclonedx_name(self) -> &'static str {
        match self {
            Scope::Required => "required",
            Scope::Optional => "optional",
            Scope::Excluded => "excluded",
        }
    }
}

/// A digest of a component's artefact. `algorithm` uses the CycloneDX spelling (`SHA-256`, `MD5`,
/// `SHA3-512`, `BLAKE2b-256` …); SPDX names (`SHA256`) are converted when read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hash {
    pub algorithm: String,
    /// Lower-case hex, as both standards require hex and case carries no meaning.
    pub value: String,
}

/// A component's licence information.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum License {
    /// An SPDX licence expression, e.g. `Apache-2.0 OR MIT` (a single SPDX id is also an expression).
    Expression(String),
    /// A licence known only by a free-text name (CycloneDX `license.name`, SPDX `LicenseRef-` text).
    Named(String),
}

impl License {
    pub fn text(&self) -> &str {
        match self {
            License::Expression(text) | License::Named(text) => text,
        }
    }
}

/// A name/value pair carried along unchanged (CycloneDX `properties`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Property {
    pub name: String,
    pub value: String,
}

/// One software or hardware part listed in an SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Component {
    /// Document-local identifier (CycloneDX `bom-ref`, SPDX `SPDXID`); dependency edges use it.
    pub bom_ref: Option<String>,
    pub kind: ComponentKind,
    pub name: String,
    pub version: Option<String>,
    /// CycloneDX `group` (Maven groupId, npm scope …); SPDX has no such field.
    pub group: Option<String>,
    /// Package URL as written in the document (canonicalised by de-duplication).
    pub purl: Option<String>,
    /// CPE 2.2 or 2.3 string.
    pub cpe: Option<String>,
    pub hashes: Vec<Hash>,
    pub licenses: Vec<License>,
    /// Organisation that supplied the component (CycloneDX `supplier.name`/`publisher`, SPDX `supplier`).
    pub supplier: Option<String>,
    pub description: Option<String>,
    pub scope: Option<Scope>,
    pub properties: Vec<Property>,
    /// `bom_ref` of the component this one was nested in (CycloneDX nested `components`).
    pub parent: Option<String>,
}

/// A directed dependency: `from` depends on (or, for SPDX `CONTAINS`, contains) each of `to`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dependency {
    pub from: String,
    pub to: Vec<String>,
}

/// A tool that produced the document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tool {
    pub vendor: Option<String>,
    pub name: String,
    pub version: Option<String>,
}

/// Facts about the document and the product it describes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// Name of the described product (CycloneDX `metadata.component.name`, SPDX document `name`).
    pub name: Option<String>,
    pub version: Option<String>,
    pub supplier: Option<String>,
    /// Creation time as written (RFC 3339 in both standards).
    pub timestamp: Option<String>,
    pub tools: Vec<Tool>,
    /// The described component itself (CycloneDX `metadata.component`), kept out of `components`.
    pub component: Option<Box<Component>>,
}

/// Something a reader accepted but that a user may want to know about (unknown type, dropped field …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Where in the document (JSON path, XML element path or tag-value line).
    pub location: String,
    pub message: String,
}

/// A parsed SBOM in format-neutral form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sbom {
    pub format: SbomFormat,
    pub encoding: Encoding,
    /// `1.6`, `2.3`, … as written in the document.
    pub spec_version: String,
    /// CycloneDX `serialNumber` (`urn:uuid:…`) or SPDX `documentNamespace`.
    pub serial: Option<String>,
    /// CycloneDX BOM `version` (revision of the same serial); SPDX has none.
    pub revision: Option<u64>,
    pub metadata: Metadata,
    pub components: Vec<Component>,
    pub dependencies: Vec<Dependency>,
    pub warnings: Vec<Warning>,
}

impl Sbom {
    /// An empty document of the given format; readers fill it in.
    pub fn new(format: SbomFormat, encoding: Encoding, spec_version: impl Into<String>) -> Sbom {
        Sbom {
            format,
            encoding,
            spec_version: spec_version.into(),
            serial: None,
            revision: None,
            metadata: Metadata::default(),
            components: Vec::new(),
            dependencies: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// Converts an SPDX checksum algorithm name (`SHA256`) to the CycloneDX spelling (`SHA-256`).
pub fn hash_algorithm_from_spdx(name: &str) -> String {
    match name {
        "SHA1" => "SHA-1".into(),
        "SHA224" => "SHA-224".into(),
        "SHA256" => "SHA-256".into(),
        "SHA384" => "SHA-384".into(),
        "SHA512" => "SHA-512".into(),
        "SHA3-256" | "SHA3-384" | "SHA3-512" | "MD5" | "MD4" | "MD2" | "MD6" | "ADLER32" => {
            name.into()
        }
        "BLAKE2b-256" | "BLAKE2b-384" | "BLAKE2b-512" | "BLAKE3" => name.into(),
        other => other.into(),
    }
}

/// Converts a CycloneDX hash algorithm name to SPDX 2.3 spelling; `None` when SPDX has no such name.
pub fn hash_algorithm_to_spdx(name: &str) -> Option<&'static str> {
    Some(match name {
        "MD5" => "MD5",
        "SHA-1" => "SHA1",
        "SHA-256" => "SHA256",
        "SHA-384" => "SHA384",
        "SHA-512" => "SHA512",
        "SHA3-256" => "SHA3-256",
        "SHA3-384" => "SHA3-384",
        "SHA3-512" => "SHA3-512",
        "BLAKE2b-256" => "BLAKE2b-256",
        "BLAKE2b-384" => "BLAKE2b-384",
        "BLAKE2b-512" => "BLAKE2b-512",
        "BLAKE3" => "BLAKE3",
        _ => return None,
    })
}

//! Validation of CycloneDX 1.4–1.6 documents against their specification.
//!
//! JSON documents are checked against the official JSON schema of their `specVersion` with the
//! `jsonschema` crate (formats such as `date-time` included), plus the rule the schema cannot
//! express: every `bom-ref` is unique in the document.
//!
//! XML has no schema engine here (no maintained XSD validator exists for Rust), so the rules of
//! the XSD that matter for real documents are checked by hand on the element tree: namespace and
//! version, `serialNumber` form, component `type` and `name`, hash algorithm and digest form,
//! licence choice (ids or names, or one expression), SPDX licence ids, `scope`, enumerations of
//! patches, issues and data flows, encodings, property names, dependency refs, `bom-ref`
//! uniqueness and timestamps.
//!
//! The schemas are loaded from a directory (`bom-1.x.schema.json`, `spdx.schema.json`,
//! `jsf-0.82.schema.json`) because sanso does not embed third-party data in its binary.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::error::{SbomError, ValidationIssue};
use crate::input::BoundedReader;
use crate::xml::{XmlElement, XmlPull};
use crate::ReadOptions;

const SPEC_VERSIONS: [&str; 3] = ["1.4", "1.5", "1.6"];

/// Compiled CycloneDX schemas and the SPDX licence id list, loaded once and reused.
pub struct CycloneDxSchemas {
    validators: HashMap<&'static str, jsonschema::Validator>,
    spdx_license_ids: HashSet<String>,
}

impl std::fmt::Debug for CycloneDxSchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CycloneDxSchemas")
            .field("versions", &self.validators.keys().collect::<Vec<_>>())
            .field("spdx_license_ids", &self.spdx_license_ids.len())
            .finish()
    }
}

fn load_json(path: &Path) -> Result<Value, SbomError> {
    let text = std::fs::read_to_string(path).map_err(|source| SbomError::File {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|error| SbomError::Schema {
        path: path.to_path_buf(),
        message: error.to_string(),
    })
}

impl CycloneDxSchemas {
    /// Loads `bom-1.4/1.5/1.6.schema.json`, `spdx.schema.json` and `jsf-0.82.schema.json` from `dir`.
    pub fn load(dir: &Path) -> Result<CycloneDxSchemas, SbomError> {
        let spdx_path = dir.join("spdx.schema.json");
        let spdx = load_json(&spdx_path)?;
        let jsf = load_json(&dir.join("jsf-0.82.schema.json"))?;
        let spdx_license_ids = spdx
            .get("enum")
            .and_then(Value::as_array)
            .ok_or_else(|| SbomError::Schema {
                path: spdx_path.clone(),
                message: "no `enum` array of licence ids".into(),
            })?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let mut validators = HashMap::new();
        for version in SPEC_VERSIONS {
            let path = dir.join(format!("bom-{version}.schema.json"));
            let schema = load_json(&path)?;
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .with_resource(
                    "http://cyclonedx.org/schema/spdx.schema.json",
                    jsonschema::Resource::from_contents(spdx.clone()),
                )
                .with_resource(
                    "http://cyclonedx.org/schema/jsf-0.82.schema.json",
                    jsonschema::Resource::from_contents(jsf.clone()),
                )
                .build(&schema)
                .map_err(|error| SbomError::Schema {
                    path: path.clone(),
                    message: error.to_string(),
                })?;
            validators.insert(version, validator);
        }
        Ok(CycloneDxSchemas {
            validators,
            spdx_license_ids,
        })
    }

    /// Validates a CycloneDX document (JSON or XML, detected from content).
    /// `Ok(spec_version)` when valid; [`SbomError::Invalid`] lists every broken rule.
    pub fn validate<R: Read>(&self, reader: R, options: &ReadOptions) -> Result<String, SbomError> {
        let mut bounded = BoundedReader::new(reader, options.max_bytes);
        let mut bytes = Vec::new();
        let read = bounded.read_to_end(&mut bytes);
        if bounded.exceeded {
            return Err(SbomError::TooLarge {
                limit: options.max_bytes,
            });
        }
        read.map_err(SbomError::Io)?;
        match crate::detect_encoding(&bytes)? {
            crate::Encoding::Json => self.validate_json(&bytes),
            crate::Encoding::Xml => self.validate_xml(&bytes),
            crate::Encoding::TagValue => Err(SbomError::UnknownFormat {
                reason: "SPDX tag-value is not a CycloneDX document".into(),
            }),
        }
    }

    fn validate_json(&self, bytes: &[u8]) -> Result<String, SbomError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let document: Value =
            serde_json::from_slice(bytes).map_err(|error| crate::json::json_error("", &error))?;
        let version = document
            .get("specVersion")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("/specVersion", "missing or not a string".into()))?;
        let validator = self.validators.get(version).ok_or_else(|| {
            invalid(
                "/specVersion",
                format!("unsupported version {version:?} (expected 1.4, 1.5 or 1.6)"),
            )
        })?;
        let mut issues: Vec<ValidationIssue> = validator
            .iter_errors(&document)
            .map(|error| ValidationIssue {
                location: pointer_or_root(&error.instance_path().to_string()),
                message: error.to_string(),
            })
            .collect();
        let mut seen = HashSet::new();
        collect_json_bom_refs(&document, &mut String::new(), &mut seen, &mut issues);
        if issues.is_empty() {
            Ok(version.to_string())
        } else {
            Err(SbomError::Invalid { issues })
        }
    }

    fn validate_xml(&self, bytes: &[u8]) -> Result<String, SbomError> {
        let lines = std::rc::Rc::new(std::cell::RefCell::new(crate::input::LineIndex::default()));
        lines.borrow_mut().record_all(bytes);
        let mut pull = XmlPull::new(bytes, &lines, 0);
        let root = pull.read_root()?;
        let version = pull.spec_version().to_string();
        if !SPEC_VERSIONS.contains(&version.as_str()) {
            return Err(invalid(
                "bom",
                format!(
                    "namespace {:?} is not CycloneDX 1.4, 1.5 or 1.6",
                    pull.namespace
                ),
            ));
        }
        let root = pull.read_tree(root)?;
        let mut checker = XmlChecker {
            version: &version,
            spdx_license_ids: &self.spdx_license_ids,
            bom_refs: HashSet::new(),
            issues: Vec::new(),
        };
        checker.check_root(&root);
        if checker.issues.is_empty() {
            Ok(version)
        } else {
            Err(SbomError::Invalid {
                issues: checker.issues,
            })
        }
    }
}

fn invalid(location: &str, message: String) -> SbomError {
    SbomError::Invalid {
        issues: vec![ValidationIssue {
            location: location.to_string(),
            message,
        }],
    }
}

fn pointer_or_root(pointer: &str) -> String {
    if pointer.is_empty() {
        "/".into()
    } else {
        pointer.into()
    }
}

/// Every component's and service's `bom-ref` must be unique: dependency edges and VEX statements
/// point at them. (Other objects such as formulation workspaces also carry `bom-ref`s, and the
/// official 1.5 examples reuse those, so they are not held to the rule.)
fn collect_json_bom_refs(
    value: &Value,
    pointer: &mut String,
    seen: &mut HashSet<String>,
    issues: &mut Vec<ValidationIssue>,
) {
    visit_json(value, pointer, false, seen, issues);
}

fn visit_json(
    value: &Value,
    pointer: &mut String,
    is_element: bool,
    seen: &mut HashSet<String>,
    issues: &mut Vec<ValidationIssue>,
) {
    match value {
        Value::Object(object) => {
            if is_element {
                if let Some(Value::String(reference)) = object.get("bom-ref") {
                    if !seen.insert(reference.clone()) {
                        issues.push(ValidationIssue {
                            location: format!("{pointer}/bom-ref"),
                            message: format!("bom-ref {reference:?} is not unique"),
                        });
                    }
                }
            }
            for (key, child) in object {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(key);
                let child_is_element = key == "component";
                let child_holds_elements = key == "components" || key == "services";
                match child {
                    Value::Array(items) if child_holds_elements => {
                        for (index, item) in items.iter().enumerate() {
                            let item_length = pointer.len();
                            pointer.push_str(&format!("/{index}"));
                            visit_json(item, pointer, true, seen, issues);
                            pointer.truncate(item_length);
                        }
                    }
                    _ => visit_json(child, pointer, child_is_element, seen, issues),
                }
                pointer.truncate(length);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let length = pointer.len();
                pointer.push_str(&format!("/{index}"));
                visit_json(child, pointer, false, seen, issues);
                pointer.truncate(length);
            }
        }
        _ => {}
    }
}

struct XmlChecker<'a> {
    version: &'a str,
    spdx_license_ids: &'a HashSet<String>,
    bom_refs: HashSet<String>,
    issues: Vec<ValidationIssue>,
}

const HASH_ALGORITHMS: &[&str] = &[
    "MD5",
    "SHA-1",
    "SHA-256",
    "SHA-384",
    "SHA-512",
    "SHA3-256",
    "SHA3-384",
    "SHA3-512",
    "BLAKE2b-256",
    "BLAKE2b-384",
    "BLAKE2b-512",
    "BLAKE3",
];

impl XmlChecker<'_> {
    fn issue(&mut self, element: &XmlElement, path: &str, message: String) {
        self.issues.push(ValidationIssue {
            location: format!("{path} (line {})", element.line),
            message,
        });
    }

    fn check_root(&mut self, root: &XmlElement) {
        if let Some(serial) = root.attribute("serialNumber") {
            if !is_urn_uuid(serial) {
                self.issue(
                    root,
                    "bom/@serialNumber",
                    format!("{serial:?} is not a urn:uuid"),
                );
            }
        }
        if let Some(timestamp) = root
            .child("metadata")
            .and_then(|metadata| metadata.child("timestamp"))
        {
            if !is_date_time(timestamp.text.trim()) {
                self.issue(
                    timestamp,
                    "bom/metadata/timestamp",
                    format!("{:?} is not an xs:dateTime", timestamp.text.trim()),
                );
            }
        }
        self.walk(root, "bom");
    }

    /// Applies the per-element rules to `element` and its descendants.
    fn walk(&mut self, element: &XmlElement, path: &str) {
        let is_element = matches!(element.name.as_str(), "component" | "service");
        if let Some(reference) = element.attribute("bom-ref").filter(|_| is_element) {
            if reference.is_empty() {
                self.issue(element, path, "empty bom-ref".into());
            } else if !self.bom_refs.insert(reference.to_string()) {
                self.issue(
                    element,
                    path,
                    format!("bom-ref {reference:?} is not unique"),
                );
            }
        }
        match element.name.as_str() {
            "component" => self.check_component(element, path),
            "hash" => self.check_hash(element, path),
            "licenses" => self.check_licenses(element, path),
            "license" => self.check_license(element, path),
            "swid" if element.attribute("tagId").is_none_or(str::is_empty) => {
                self.issue(element, path, "swid has no tagId".into());
            }
            "scope" => self.check_enum(element, path, None, &["required", "optional", "excluded"]),
            "patch" => self.check_enum(
                element,
                path,
                Some("type"),
                &["unofficial", "monkey", "backport", "cherry-pick"],
            ),
            "issue" => self.check_enum(
                element,
                path,
                Some("type"),
                &["defect", "enhancement", "security"],
            ),
            "classification" => self.check_enum(
                element,
                path,
                Some("flow"),
                &["inbound", "outbound", "bi-directional", "unknown"],
            ),
            "text" => {
                if let Some(encoding) = element.attribute("encoding") {
                    if encoding != "base64" {
                        self.issue(
                            element,
                            path,
                            format!("encoding {encoding:?} is not \"base64\""),
                        );
                    }
                }
            }
            "property" if element.attribute("name").is_none_or(str::is_empty) => {
                self.issue(element, path, "property has no name".into());
            }
            "dependency" if element.attribute("ref").is_none_or(str::is_empty) => {
                self.issue(element, path, "dependency has no ref".into());
            }
            _ => {}
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for child in &element.children {
            let count = counts.entry(child.name.as_str()).or_default();
            let child_path = format!("{path}/{}[{count}]", child.name);
            *count += 1;
            self.walk(child, &child_path);
        }
    }

    fn check_enum(
        &mut self,
        element: &XmlElement,
        path: &str,
        attribute: Option<&str>,
        allowed: &[&str],
    ) {
        let value = match attribute {
            Some(attribute) => match element.attribute(attribute) {
                Some(value) => value.to_string(),
                None => return,
            },
            None => element.text.trim().to_string(),
        };
        if !allowed.contains(&value.as_str()) {
            let what = attribute.map_or("value".to_string(), |name| format!("@{name}"));
            self.issue(
                element,
                path,
                format!("{what} {value:?} is not one of {}", allowed.join(", ")),
            );
        }
    }

    fn check_component(&mut self, element: &XmlElement, path: &str) {
        let mut types = vec![
            "application",
            "framework",
            "library",
            "container",
            "operating-system",
            "device",
            "firmware",
            "file",
        ];
        if self.version != "1.4" {
            types.extend([
                "platform",
                "device-driver",
                "machine-learning-model",
                "data",
            ]);
        }
        if self.version == "1.6" {
            types.push("cryptographic-asset");
        }
        match element.attribute("type") {
            None => self.issue(element, path, "component has no type".into()),
            Some(kind) if !types.contains(&kind) => self.issue(
                element,
                path,
                format!("component type {kind:?} is not one of {}", types.join(", ")),
            ),
            Some(_) => {}
        }
        if element.child("name").is_none() {
            self.issue(element, path, "component has no name".into());
        }
    }

    fn check_hash(&mut self, element: &XmlElement, path: &str) {
        let algorithm = element.attribute("alg").unwrap_or_default();
        if !HASH_ALGORITHMS.contains(&algorithm) {
            self.issue(
                element,
                path,
                format!("hash algorithm {algorithm:?} is not known"),
            );
        }
        let digest = element.text.trim();
        let hex = digest.bytes().all(|byte| byte.is_ascii_hexdigit());
        if !hex || ![32, 40, 64, 96, 128].contains(&digest.len()) {
            self.issue(
                element,
                path,
                format!(
                    "hash value {digest:?} is not a hex digest of 32, 40, 64, 96 or 128 digits"
                ),
            );
        }
    }

    fn check_licenses(&mut self, element: &XmlElement, path: &str) {
        let licenses = element.children_named("license").count();
        let expressions = element.children_named("expression").count();
        if expressions > 1 || (expressions == 1 && licenses > 0) {
            self.issue(
                element,
                path,
                format!(
                    "licenses must hold licence ids/names or a single expression, found {licenses} license and {expressions} expression elements"
                ),
            );
        }
    }

    fn check_license(&mut self, element: &XmlElement, path: &str) {
        let ids: Vec<&XmlElement> = element.children_named("id").collect();
        let names = element.children_named("name").count();
        if ids.len() + names != 1 {
            self.issue(
                element,
                path,
                format!(
                    "license needs exactly one id or name, found {} id and {names} name",
                    ids.len()
                ),
            );
        }
        for id in ids {
            let id_text = id.text.trim();
            if !self.spdx_license_ids.contains(id_text) {
                self.issue(
                    id,
                    &format!("{path}/id"),
                    format!("{id_text:?} is not an SPDX licence id"),
                );
            }
        }
    }
}

fn is_urn_uuid(text: &str) -> bool {
    let Some(uuid) = text.strip_prefix("urn:uuid:") else {
        return false;
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, length)| {
            group.len() == length && group.bytes().all(|byte| byte.is_ascii_hexdigit())
        })
}

/// `YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]` (xs:dateTime).
pub(crate) fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|slice| slice.iter().all(u8::is_ascii_digit))
    };
    if bytes.len() < 19
        || !digits(0..4)
        || bytes[4] != b'-'
        || !digits(5..7)
        || bytes[7] != b'-'
        || !digits(8..10)
        || bytes[10] != b'T'
        || !digits(11..13)
        || bytes[13] != b':'
        || !digits(14..16)
        || bytes[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if length == 0 {
            return false;
        }
        rest = &fraction[length..];
    }
    match rest {
        "" | "Z" => true,
        zone => {
            let zone = zone.as_bytes();
            zone.len() == 6
                && (zone[0] == b'+' || zone[0] == b'-')
                && zone[1..3].iter().all(u8::is_ascii_digit)
                && zone[3] == b':'
                && zone[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_forms() {
        assert!(is_date_time("2020-04-07T07:01:00Z"));
        assert!(is_date_time("2020-04-07T07:01:00.123+09:00"));
        assert!(!is_date_time("2020-04-07"));
    }
}

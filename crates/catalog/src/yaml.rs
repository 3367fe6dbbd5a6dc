//! The native YAML format (see `FORMAT.md` in this crate for the full layout).
//!
//! A catalog document is the [`Catalog`] structure serialised field by field with
//! `serde_yaml_ng`; a mapping document is a [`MappingSet`]. Reading always validates, so a
//! document that loads is a catalog every other part of sanso can trust.
//!
//! The full specification (also in `FORMAT.md`) follows.
//!
#![doc = include_str!("../FORMAT.md")]

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::YamlError;
use crate::mapping::MappingSet;
use crate::model::Catalog;

fn parse<T: DeserializeOwned>(text: &str, source_name: &str) -> Result<T, YamlError> {
    serde_yaml_ng::from_str(text).map_err(|err| YamlError::Parse {
        source_name: source_name.to_string(),
        location: err
            .location()
            .map(|loc| format!("line {} column {}: ", loc.line(), loc.column()))
            .unwrap_or_default(),
        message: err.to_string(),
    })
}

fn write<T: Serialize>(value: &T, what: &str) -> Result<String, YamlError> {
    serde_yaml_ng::to_string(value).map_err(|err| YamlError::Serialize {
        what: what.to_string(),
        message: err.to_string(),
    })
}

/// Parses and validates a catalog. `source_name` (a file name) is used in error messages.
pub fn catalog_from_yaml(text: &str, source_name: &str) -> Result<Catalog, YamlError> {
    let catalog: Catalog = parse(text, source_name)?;
    catalog.validate().map_err(|issues| YamlError::Invalid {
        source_name: source_name.to_string(),
        issues,
    })?;
    Ok(catalog)
}

/// Serialises a catalog in the native format.
pub fn catalog_to_yaml(catalog: &Catalog) -> Result<String, YamlError> {
    write(catalog, &format!("catalog {}", catalog.reference()))
}

/// Parses and validates a mapping set.
pub fn mapping_set_from_yaml(text: &str, source_name: &str) -> Result<MappingSet, YamlError> {
    let set: MappingSet = parse(text, source_name)?;
    set.validate().map_err(|issues| YamlError::Invalid {
        source_name: source_name.to_string(),
        issues,
    })?;
    Ok(set)
}

/// Serialises a mapping set.
pub fn mapping_set_to_yaml(set: &MappingSet) -> Result<String, YamlError> {
    write(set, &format!("mapping set {}", set.id))
}

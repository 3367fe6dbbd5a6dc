//! sanso's built-in catalogs and mappings, written in this project from the facts in
//! `shared/catalog-facts/` (our own wording; unverified facts are marked `verified: false`
//! and carry a note the UI shows). The YAML files live in `crates/catalog/builtin/` and are
//! embedded at compile time.

use crate::error::YamlError;
use crate::mapping::MappingSet;
use crate::model::Catalog;
use crate::yaml::{catalog_from_yaml, mapping_set_from_yaml};

/// `(file name, YAML text)` of every built-in catalog.
pub const CATALOG_SOURCES: &[(&str, &str)] = &[
    ("cpsf.yaml", include_str!("../builtin/cpsf.yaml")),
    (
        "meti-star-draft.yaml",
        include_str!("../builtin/meti-star-draft.yaml"),
    ),
    (
        "management-guidelines.yaml",
        include_str!("../builtin/management-guidelines.yaml"),
    ),
    (
        "sme-five-principles.yaml",
        include_str!("../builtin/sme-five-principles.yaml"),
    ),
    (
        "sme-self-check.yaml",
        include_str!("../builtin/sme-self-check.yaml"),
    ),
];

/// `(file name, YAML text)` of every built-in mapping set.
pub const MAPPING_SOURCES: &[(&str, &str)] = &[
    (
        "map-cpsf-csf2.yaml",
        include_str!("../builtin/map-cpsf-csf2.yaml"),
    ),
    (
        "map-star-csf2.yaml",
        include_str!("../builtin/map-star-csf2.yaml"),
    ),
];

/// Parses every built-in catalog, reporting the first that fails (a test keeps them all valid).
pub fn try_builtin_catalogs() -> Result<Vec<Catalog>, YamlError> {
    CATALOG_SOURCES
        .iter()
        .map(|(name, text)| catalog_from_yaml(text, name))
        .collect()
}

/// Every built-in catalog. The files are embedded and tested, so a parse failure is a build
/// defect; such a catalog is left out rather than taking the caller down.
pub fn builtin_catalogs() -> Vec<Catalog> {
    CATALOG_SOURCES
        .iter()
        .filter_map(|(name, text)| catalog_from_yaml(text, name).ok())
        .collect()
}

/// Every built-in mapping set (see [`builtin_catalogs`] on failures).
pub fn builtin_mappings() -> Vec<MappingSet> {
    MAPPING_SOURCES
        .iter()
        .filter_map(|(name, text)| mapping_set_from_yaml(text, name).ok())
        .collect()
}

/// Parses every built-in mapping set, reporting the first that fails.
pub fn try_builtin_mappings() -> Result<Vec<MappingSet>, YamlError> {
    MAPPING_SOURCES
        .iter()
        .map(|(name, text)| mapping_set_from_yaml(text, name))
        .collect()
}

/// The built-in catalog with this id (any version).
pub fn builtin_catalog(id: &str) -> Option<Catalog> {
    CATALOG_SOURCES
        .iter()
        .filter_map(|(name, text)| catalog_from_yaml(text, name).ok())
        .find(|catalog| catalog.id == id)
}

//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `/work/shared/data/oscal`, or a panic naming the missing path (tests must never pass silently).
pub fn oscal_data_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/oscal"
    ));
    assert!(
        dir.is_dir(),
        "reference data missing: {} does not exist (see shared/data/README.md)",
        dir.display()
    );
    dir
}

/// A file in the reference data folder, which must exist.
pub fn data_file(name: &str) -> PathBuf {
    let path = oscal_data_dir().join(name);
    assert!(path.is_file(), "reference file missing: {}", path.display());
    path
}

/// A file in this crate's `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `/work/shared` (the parent of `data/` and `catalog-facts/`), or a panic naming the path.
pub fn shared_dir(sub: &str) -> PathBuf {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).join(sub);
    assert!(
        path.exists(),
        "reference data missing: {} does not exist (tests need /work/shared)",
        path.display()
    );
    path
}

pub fn read_shared(sub: &str) -> String {
    let path = shared_dir(sub);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

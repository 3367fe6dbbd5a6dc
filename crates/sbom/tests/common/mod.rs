//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `shared/data`, failing loudly (naming the path) when it is missing.
pub fn data_dir() -> PathBuf {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).to_path_buf();
    assert!(
        dir.is_dir(),
        "reference data folder {} is missing: these tests need shared/data beside the repository",
        dir.display()
    );
    dir
}

/// Every file under `dir` (recursively), sorted, failing when `dir` is missing.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    assert!(
        dir.is_dir(),
        "reference data folder {} is missing",
        dir.display()
    );
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = std::fs::read_dir(&current)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", current.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|error| panic!("cannot list {}: {error}", current.display()))
                .path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

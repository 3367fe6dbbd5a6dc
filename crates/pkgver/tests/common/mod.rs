//! Shared helpers for the conformance tests over `/work/shared/data`.

use std::path::PathBuf;

/// Root of the shared reference data; panics naming the path when absent so
/// that a missing checkout can never make a conformance test pass silently.
pub fn shared_data(sub: &str) -> PathBuf {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    let path = root.join(sub);
    assert!(
        path.exists(),
        "reference data not found: {} (expected the shared data folder beside the repository)",
        path.display()
    );
    path
}

/// Sorted list of the files in `dir` with the given extension.
// Each test binary compiles this module and not all of them list files.
#[allow(dead_code)]
pub fn files_with_ext(dir: &std::path::Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

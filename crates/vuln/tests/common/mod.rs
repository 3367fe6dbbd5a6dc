//! Shared helpers for tests that read `/work/shared/data`.
#![allow(dead_code)]

use std::path::PathBuf;

use sanso_vuln::OsvDatabase;

/// The shared reference data folder; panics naming the path when it is missing.
pub fn data_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    assert!(
        dir.is_dir(),
        "reference data folder {} is missing; these tests need it",
        dir.display()
    );
    dir
}

/// A data sub-path that must exist.
pub fn data_path(rel: &str) -> PathBuf {
    let p = data_dir().join(rel);
    assert!(p.exists(), "reference data {} is missing", p.display());
    p
}

pub fn rustsec_dir() -> PathBuf {
    data_path("osv/rustsec/crates")
}

pub fn go_dir() -> PathBuf {
    data_path("osv/go/data/osv")
}

/// A database holding only the named files.
pub fn db_with(files: &[PathBuf]) -> OsvDatabase {
    let mut db = OsvDatabase::new();
    for f in files {
        let report = db.load_path(f).expect("load file");
        assert!(report.errors.is_empty(), "{:?}", report.errors);
    }
    db
}

/// The full RustSec + Go database.
pub fn full_db() -> OsvDatabase {
    let mut db = OsvDatabase::new();
    for dir in [rustsec_dir(), go_dir()] {
        let report = db.load_path(&dir).expect("load dir");
        assert!(
            report.errors.is_empty(),
            "{:?}",
            &report.errors[..report.errors.len().min(5)]
        );
    }
    db
}

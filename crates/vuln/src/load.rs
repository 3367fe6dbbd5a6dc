//! Loading OSV JSON from a directory tree or a zip archive (osv.dev publishes one `all.zip` per
//! ecosystem).
//!
//! A broken file never aborts the load: its error (file name, JSON path, line/column) is recorded
//! in [`LoadReport::errors`] and loading goes on. Each file may hold one advisory object or an
//! array of them.
//!
//! Zip bomb guards ([`ZipLimits`]): before any entry is inflated, the sum of the declared
//! uncompressed sizes is checked against `max_total_uncompressed`, and each entry's declared
//! compression ratio against `max_entry_ratio`; during inflation each entry is read through a
//! `take(declared size + 1)` so a lying header cannot make us read more than declared.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::db::{InsertOutcome, OsvDatabase};
use crate::error::VulnError;
use crate::osv::Advisory;

/// Size guards for zip archives.
#[derive(Debug, Clone, Copy)]
pub struct ZipLimits {
    /// Refuse archives whose entries together inflate beyond this many bytes.
    pub max_total_uncompressed: u64,
    /// Refuse entries inflating beyond this many bytes.
    pub max_entry_uncompressed: u64,
    /// Refuse entries whose uncompressed/compressed ratio exceeds this.
    pub max_entry_ratio: u64,
}

impl Default for ZipLimits {
    /// 8 GiB in total (osv.dev's largest `all.zip` inflates to a few GiB), 64 MiB per advisory,
    /// ratio 200 (JSON compresses 5–20×; bombs reach 1000× and more).
    fn default() -> Self {
        ZipLimits {
            max_total_uncompressed: 8 << 30,
            max_entry_uncompressed: 64 << 20,
            max_entry_ratio: 200,
        }
    }
}

/// Counts and errors of one load.
#[derive(Debug, Default, Serialize)]
pub struct LoadReport {
    /// JSON files (or zip entries) read.
    pub files_read: usize,
    /// Advisories that were new.
    pub added: usize,
    /// Advisories that replaced an older copy.
    pub replaced: usize,
    /// Advisories ignored because the stored copy is as new or newer.
    pub kept_existing: usize,
    /// Per-file errors; the load went on past each.
    #[serde(serialize_with = "serialize_errors")]
    pub errors: Vec<VulnError>,
}

fn serialize_errors<S: serde::Serializer>(errors: &[VulnError], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(errors.iter().map(|e| e.to_string()))
}

impl LoadReport {
    fn record(&mut self, outcome: InsertOutcome) {
        match outcome {
            InsertOutcome::Added => self.added += 1,
            InsertOutcome::Replaced => self.replaced += 1,
            InsertOutcome::KeptExisting => self.kept_existing += 1,
        }
    }

    /// Folds another report into this one.
    pub fn merge(&mut self, other: LoadReport) {
        self.files_read += other.files_read;
        self.added += other.added;
        self.replaced += other.replaced;
        self.kept_existing += other.kept_existing;
        self.errors.extend(other.errors);
    }
}

/// Parses one JSON document holding an advisory or an array of advisories.
///
/// The fast path parses directly; only on failure is the document parsed again with path
/// tracking, so that the error names the JSON path without slowing down good files.
pub fn parse_advisories(source_name: &str, bytes: &[u8]) -> Result<Vec<Advisory>, VulnError> {
    // Dispatch on the first byte rather than through an untagged enum: serde would buffer the
    // whole document into an intermediate tree first, doubling the parse cost.
    let is_array = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let fast = if is_array {
        serde_json::from_slice::<Vec<Advisory>>(bytes).ok()
    } else {
        serde_json::from_slice::<Advisory>(bytes)
            .ok()
            .map(|a| vec![a])
    };
    if let Some(advisories) = fast {
        return Ok(advisories);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    if is_array {
        serde_path_to_error::deserialize::<_, Vec<Advisory>>(&mut de)
            .map_err(|e| VulnError::from_json_path(source_name, e))
    } else {
        serde_path_to_error::deserialize::<_, Advisory>(&mut de)
            .map(|a| vec![a])
            .map_err(|e| VulnError::from_json_path(source_name, e))
    }
}

/// Told `(files done, files in all)` as a load goes on; may be called from several threads.
pub type LoadProgress<'a> = &'a (dyn Fn(usize, usize) + Sync);

fn no_progress(_: usize, _: usize) {}

impl OsvDatabase {
    /// Loads a directory tree (every `*.json` below it, hidden directories skipped) or a `.zip`
    /// archive with default [`ZipLimits`]. Errors reading the top-level path itself are returned;
    /// errors in individual files are collected in the report.
    pub fn load_path(&mut self, path: &Path) -> Result<LoadReport, VulnError> {
        self.load_path_with_progress(path, &no_progress)
    }

    /// [`OsvDatabase::load_path`], reporting each file read to `progress` (for progress bars).
    pub fn load_path_with_progress(
        &mut self,
        path: &Path,
        progress: LoadProgress<'_>,
    ) -> Result<LoadReport, VulnError> {
        let meta = fs::metadata(path).map_err(|source| VulnError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if meta.is_dir() {
            self.load_dir_with_progress(path, progress)
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        {
            self.load_zip_with_progress(path, ZipLimits::default(), progress)
        } else {
            let mut report = LoadReport::default();
            self.load_file(path, &mut report);
            progress(1, 1);
            Ok(report)
        }
    }

    /// Loads every `*.json` file below `dir`, in sorted path order (deterministic results).
    pub fn load_dir(&mut self, dir: &Path) -> Result<LoadReport, VulnError> {
        self.load_dir_with_progress(dir, &no_progress)
    }

    fn load_dir_with_progress(
        &mut self,
        dir: &Path,
        progress: LoadProgress<'_>,
    ) -> Result<LoadReport, VulnError> {
        let mut files = Vec::new();
        let mut report = LoadReport::default();
        collect_json_files(dir, &mut files, &mut report)?;
        files.sort();
        // Parse on all cores, insert in order: insertion must stay sequential and ordered so that
        // the outcome does not depend on thread timing.
        let parsed = parse_files_parallel(&files, progress);
        for result in parsed {
            report.files_read += 1;
            match result {
                Ok(advisories) => {
                    for adv in advisories {
                        let outcome = self.insert(adv);
                        report.record(outcome);
                    }
                }
                Err(e) => report.errors.push(e),
            }
        }
        Ok(report)
    }

    fn load_file(&mut self, path: &Path, report: &mut LoadReport) {
        report.files_read += 1;
        match read_and_parse(path) {
            Ok(advisories) => {
                for adv in advisories {
                    let outcome = self.insert(adv);
                    report.record(outcome);
                }
            }
            Err(e) => report.errors.push(e),
        }
    }

    /// Loads every `*.json` entry of a zip archive, guarded by `limits`.
    pub fn load_zip(&mut self, path: &Path, limits: ZipLimits) -> Result<LoadReport, VulnError> {
        self.load_zip_with_progress(path, limits, &no_progress)
    }

    fn load_zip_with_progress(
        &mut self,
        path: &Path,
        limits: ZipLimits,
        progress: LoadProgress<'_>,
    ) -> Result<LoadReport, VulnError> {
        let zip_err = |message: String| VulnError::Zip {
            path: path.to_path_buf(),
            message,
        };
        let file = fs::File::open(path).map_err(|source| VulnError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
            .map_err(|e| zip_err(e.to_string()))?;

        // First pass over the central directory only: refuse the archive before inflating anything.
        let mut declared_total: u64 = 0;
        for i in 0..archive.len() {
            let entry = archive
                .by_index_raw(i)
                .map_err(|e| zip_err(format!("entry {i}: {e}")))?;
            declared_total = declared_total.saturating_add(entry.size());
        }
        if declared_total > limits.max_total_uncompressed {
            return Err(zip_err(format!(
                "declares {declared_total} bytes uncompressed, above the limit of {}",
                limits.max_total_uncompressed
            )));
        }

        let mut report = LoadReport::default();
        let entries = archive.len();
        for i in 0..entries {
            progress(i, entries);
            let mut entry = match archive.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    report.errors.push(zip_err(format!("entry {i}: {e}")));
                    continue;
                }
            };
            let name = match entry.name() {
                Ok(n) => n.to_string(),
                Err(e) => {
                    report.errors.push(zip_err(format!("entry {i}: {e}")));
                    continue;
                }
            };
            if entry.is_dir() || !name.to_ascii_lowercase().ends_with(".json") {
                continue;
            }
            report.files_read += 1;
            let size = entry.size();
            let compressed = entry.compressed_size().max(1);
            if size > limits.max_entry_uncompressed {
                report.errors.push(zip_err(format!(
                    "{name}: {size} bytes uncompressed, above the per-entry limit of {}",
                    limits.max_entry_uncompressed
                )));
                continue;
            }
            if size / compressed > limits.max_entry_ratio {
                report.errors.push(zip_err(format!(
                    "{name}: compression ratio {} above the limit of {}",
                    size / compressed,
                    limits.max_entry_ratio
                )));
                continue;
            }
            let mut buf = Vec::with_capacity(size as usize);
            if let Err(e) = (&mut entry).take(size + 1).read_to_end(&mut buf) {
                report.errors.push(zip_err(format!("{name}: {e}")));
                continue;
            }
            if buf.len() as u64 > size {
                report.errors.push(zip_err(format!(
                    "{name}: inflates beyond its declared size of {size} bytes"
                )));
                continue;
            }
            match parse_advisories(&format!("{}!{name}", path.display()), &buf) {
                Ok(advisories) => {
                    for adv in advisories {
                        let outcome = self.insert(adv);
                        report.record(outcome);
                    }
                }
                Err(e) => report.errors.push(e),
            }
        }
        progress(entries, entries);
        Ok(report)
    }
}

fn read_and_parse(path: &Path) -> Result<Vec<Advisory>, VulnError> {
    let bytes = fs::read(path).map_err(|source| VulnError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_advisories(&path.display().to_string(), &bytes)
}

fn parse_files_parallel(
    files: &[PathBuf],
    progress: LoadProgress<'_>,
) -> Vec<Result<Vec<Advisory>, VulnError>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let parse_one = |path: &PathBuf| {
        let parsed = read_and_parse(path);
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        // Every 64th file is often enough for a bar and keeps the callback off the hot path.
        if n.is_multiple_of(64) || n == files.len() {
            progress(n, files.len());
        }
        parsed
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    if threads == 1 || files.len() < 64 {
        return files.iter().map(parse_one).collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(parse_one).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(files.len());
        for (handle, part) in handles.into_iter().zip(files.chunks(chunk)) {
            match handle.join() {
                Ok(results) => out.extend(results),
                // A panic inside serde would be a bug; report it per file rather than abort.
                Err(_) => out.extend(part.iter().map(|p| {
                    Err(VulnError::Json {
                        source_name: p.display().to_string(),
                        json_path: "$".into(),
                        message: "parser thread panicked".into(),
                    })
                })),
            }
        }
        out
    })
}

fn collect_json_files(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    report: &mut LoadReport,
) -> Result<(), VulnError> {
    let entries = fs::read_dir(dir).map_err(|source| VulnError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(source) => {
                report.errors.push(VulnError::Io {
                    path: dir.to_path_buf(),
                    source,
                });
                continue;
            }
        };
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let file_type = match entry.file_type() {
            Ok(t) => t,
            Err(source) => {
                report.errors.push(VulnError::Io { path, source });
                continue;
            }
        };
        if file_type.is_dir() {
            if !hidden {
                if let Err(e) = collect_json_files(&path, out, report) {
                    report.errors.push(e);
                }
            }
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

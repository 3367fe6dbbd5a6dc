//! Vulnerability data in the store: OSV advisories (instance-wide, public data) and findings for a
//! product version, computed on demand.
//!
//! [`Store::import_osv_zip`] reads an OSV archive (osv.dev's per-ecosystem `all.zip`) with
//! `sanso-vuln`'s loader, which guards against zip bombs and reports per-file errors without
//! stopping. Each advisory is kept as JSON with its `id`, `modified` and `withdrawn`. A re-import
//! replaces an advisory only when the new copy is newer, by the library's own rule, so importing
//! the same or an older archive changes nothing. The whole import is one transaction.
//!
//! An import also records the portfolio findings its new or updated advisories cause, in the same
//! transaction (see [`crate::portfolio`]).
//!
//! [`Store::version_findings`] scans the package URLs of every SBOM of the version against a
//! [`sanso_vuln::OsvDatabase`] that is loaded once and kept ([`OsvCache`]) until the advisory
//! table changes, so a warm scan does not re-read thousands of advisories. Findings are not
//! stored: they always reflect the advisories and SBOMs in the database at the time of the call.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use sanso_vuln::db::InsertOutcome;
use sanso_vuln::{scan, Advisory, OsvDatabase, PackageRef, ScanReport, VexSet, ZipLimits};
use serde::Serialize;

use crate::portfolio::{record_portfolio_findings, PortfolioUpdate};
use crate::tx::{snapshot, Actor};
use crate::{Result, Store, StoreError};

/// Advisory rows written per INSERT statement.
const ADVISORY_BATCH: usize = 500;

/// What an OSV import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OsvImportSummary {
    /// JSON files read from the archive.
    pub files_read: usize,
    /// Advisories not stored before.
    pub added: usize,
    /// Advisories that replaced an older stored copy.
    pub updated: usize,
    /// Advisories whose stored copy is as new or newer (left as they were).
    pub unchanged: usize,
    /// Advisories now stored that are withdrawn (they produce no findings).
    pub withdrawn: usize,
    /// Files that could not be read, each with its name and the reason; the rest was imported.
    pub errors: Vec<String>,
    /// Findings the new and updated advisories caused across all workspaces.
    pub portfolio: PortfolioUpdate,
}

/// The loaded advisories shared by scans, with the stamp of the table they were loaded from
/// (row count and newest import time). Any change — by this instance or another one on the same
/// database — changes the stamp, and the next scan reloads. The lock is held while loading so that
/// concurrent scans after an import wait for one load instead of each doing it.
#[derive(Clone, Default)]
pub(crate) struct OsvCache(Arc<tokio::sync::Mutex<Option<StampedOsv>>>);

/// The table stamp the advisories were loaded at, and the advisories.
type StampedOsv = (String, Arc<OsvDatabase>);

fn invalid_osv(e: impl std::fmt::Display) -> StoreError {
    StoreError::invalid("osv", e.to_string())
}

/// A stand-in holding only what the update rule looks at (id and modified time).
fn stub(id: &str, modified: &str) -> Result<Advisory> {
    serde_json::from_value(serde_json::json!({ "id": id, "modified": modified }))
        .map_err(|e| StoreError::Corrupt(format!("osv_advisories row {id}: {e}")))
}

impl Store {
    /// Imports an OSV zip archive. A file that is not a readable zip, or an archive over the zip
    /// limits, stores nothing; individual bad files are listed in the summary and skipped.
    pub async fn import_osv_zip(&self, actor: &Actor, bytes: Vec<u8>) -> Result<OsvImportSummary> {
        let dir = self.data_dir().to_path_buf();
        let file = tokio::task::spawn_blocking(move || {
            let mut file =
                tempfile::NamedTempFile::new_in(&dir).map_err(|e| StoreError::io(&dir, e))?;
            file.write_all(&bytes)
                .map_err(|e| StoreError::io(file.path(), e))?;
            Ok::<_, StoreError>(file)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("OSV import stopped: {e}")))??;
        self.import_osv_zip_file(actor, file.path()).await
    }

    /// Imports an OSV zip archive already on disk (an upload streamed to a temporary file).
    pub async fn import_osv_zip_file(
        &self,
        actor: &Actor,
        path: &Path,
    ) -> Result<OsvImportSummary> {
        let path = path.to_path_buf();
        let loaded = tokio::task::spawn_blocking(move || {
            let mut db = OsvDatabase::new();
            let report = db
                .load_zip(&path, ZipLimits::default())
                .map_err(invalid_osv)?;
            Ok::<_, StoreError>((db, report))
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("OSV import stopped: {e}")))??;
        self.import_loaded(actor, loaded.0, loaded.1).await
    }

    /// Imports OSV data from a directory tree, a zip archive or one JSON file (the CLI's
    /// `sanso osv import`).
    pub async fn import_osv_path(&self, actor: &Actor, path: &Path) -> Result<OsvImportSummary> {
        self.import_osv_path_with_progress(actor, path, |_, _| {})
            .await
    }

    /// [`Store::import_osv_path`], telling `progress` (files read, files in all) as files are
    /// read; storing and portfolio matching follow the last call.
    pub async fn import_osv_path_with_progress(
        &self,
        actor: &Actor,
        path: &Path,
        progress: impl Fn(usize, usize) + Send + Sync + 'static,
    ) -> Result<OsvImportSummary> {
        let path = path.to_path_buf();
        let loaded = tokio::task::spawn_blocking(move || {
            let mut db = OsvDatabase::new();
            let report = db
                .load_path_with_progress(&path, &progress)
                .map_err(invalid_osv)?;
            Ok::<_, StoreError>((db, report))
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("OSV import stopped: {e}")))??;
        self.import_loaded(actor, loaded.0, loaded.1).await
    }

    async fn import_loaded(
        &self,
        actor: &Actor,
        db: OsvDatabase,
        report: sanso_vuln::LoadReport,
    ) -> Result<OsvImportSummary> {
        let mut summary = OsvImportSummary {
            files_read: report.files_read,
            errors: report.errors.iter().map(|e| e.to_string()).collect(),
            ..Default::default()
        };
        let advisories: Vec<Advisory> = db.advisories().cloned().collect();
        drop(db);
        let mut tx = self.write().await?;
        let existing: HashMap<String, String> =
            sqlx::query_as::<_, (String, String)>("SELECT id, modified FROM osv_advisories")
                .fetch_all(tx.conn())
                .await?
                .into_iter()
                .collect();
        // Decide with the library's update rule: stored copies as stubs, then the new ones.
        let mut rule = OsvDatabase::new();
        for advisory in &advisories {
            if let Some(modified) = existing.get(&advisory.id) {
                rule.insert(stub(&advisory.id, modified)?);
            }
        }
        let now = sanso_core::now_timestamp();
        let mut new_rows = Vec::new();
        let mut changed: Vec<Advisory> = Vec::new();
        for advisory in advisories {
            let outcome = rule.insert(stub(&advisory.id, &advisory.modified)?);
            if advisory.is_withdrawn() && outcome != InsertOutcome::KeptExisting {
                summary.withdrawn += 1;
            }
            let json = serde_json::to_string(&advisory)
                .map_err(|e| invalid_osv(format!("advisory {}: {e}", advisory.id)))?;
            match outcome {
                InsertOutcome::Added => {
                    summary.added += 1;
                    new_rows.push((
                        advisory.id.clone(),
                        advisory.modified.clone(),
                        advisory.withdrawn.clone(),
                        json,
                    ));
                    changed.push(advisory);
                }
                InsertOutcome::Replaced => {
                    summary.updated += 1;
                    sqlx::query(
                        "UPDATE osv_advisories SET modified = $1, withdrawn = $2, json = $3, imported_at = $4 WHERE id = $5",
                    )
                    .bind(&advisory.modified)
                    .bind(&advisory.withdrawn)
                    .bind(json)
                    .bind(&now)
                    .bind(&advisory.id)
                    .execute(tx.conn())
                    .await?;
                    changed.push(advisory);
                }
                InsertOutcome::KeptExisting => summary.unchanged += 1,
            }
        }
        for batch in new_rows.chunks(ADVISORY_BATCH) {
            let sql = crate::rows::multi_row_insert(
                tx.backend(),
                "osv_advisories",
                "id, modified, withdrawn, json, imported_at",
                5,
                batch.len(),
            );
            let mut q = sqlx::query(&sql);
            for (id, modified, withdrawn, json) in batch {
                q = q
                    .bind(id.clone())
                    .bind(modified.clone())
                    .bind(withdrawn.clone())
                    .bind(json.clone())
                    .bind(now.clone());
            }
            q.execute(tx.conn()).await?;
        }
        summary.portfolio = record_portfolio_findings(&mut tx, actor, &changed).await?;
        tx.audit(
            actor,
            None,
            "osv.import",
            "osv_advisories",
            "osv",
            None,
            Some(snapshot(&summary)),
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Number of stored advisories.
    pub async fn osv_advisory_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM osv_advisories")
            .fetch_one(self.pool())
            .await?)
    }

    /// All stored advisories in one in-memory database, ready for matching: the cached copy
    /// while the advisory table is unchanged, else freshly loaded.
    pub async fn osv_database(&self) -> Result<Arc<OsvDatabase>> {
        let (count, newest): (i64, Option<String>) =
            sqlx::query_as("SELECT COUNT(*), MAX(imported_at) FROM osv_advisories")
                .fetch_one(self.pool())
                .await?;
        let stamp = format!("{count}/{}", newest.unwrap_or_default());
        let mut cache = self.osv_cache.0.lock().await;
        if let Some((cached, db)) = cache.as_ref() {
            if *cached == stamp {
                return Ok(db.clone());
            }
        }
        let db = Arc::new(self.load_osv_database().await?);
        *cache = Some((stamp, db.clone()));
        Ok(db)
    }

    async fn load_osv_database(&self) -> Result<OsvDatabase> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, json FROM osv_advisories ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        tokio::task::spawn_blocking(move || {
            let mut db = OsvDatabase::new();
            for (id, json) in rows {
                let advisory: Advisory = serde_json::from_str(&json).map_err(|e| {
                    StoreError::Corrupt(format!("osv_advisories row {id} is not an advisory: {e}"))
                })?;
                db.insert(advisory);
            }
            Ok(db)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("loading OSV data stopped: {e}")))?
    }

    /// Scans every SBOM of a product version against the stored advisories. Components without a
    /// purl, or whose purl has no version or no OSV ecosystem, are counted in the warnings.
    pub async fn version_findings(
        &self,
        workspace_id: &str,
        version_id: &str,
    ) -> Result<ScanReport> {
        self.get_version(workspace_id, version_id).await?;
        self.scan_version(workspace_id, version_id).await
    }

    /// [`Store::version_findings`] for a version the caller has already found in the workspace.
    pub(crate) async fn scan_version(
        &self,
        workspace_id: &str,
        version_id: &str,
    ) -> Result<ScanReport> {
        let packages = self.version_packages(workspace_id, version_id).await?;
        let db = self.osv_database().await?;
        tokio::task::spawn_blocking(move || {
            let mut report = scan(&packages.packages, &db, &VexSet::new());
            if packages.without_purl > 0 {
                report.warnings.push(format!(
                    "{} components have no package URL and were not matched",
                    packages.without_purl
                ));
            }
            if let Some(first) = packages.unusable.first() {
                report.warnings.push(format!(
                    "{} package URLs could not be matched (first: {first})",
                    packages.unusable.len()
                ));
            }
            report
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("scan stopped: {e}")))
    }

    /// The version's distinct packages, from the cache while its set of SBOMs is unchanged (stored
    /// components never change; an SBOM is only added or deleted), else read and parsed.
    async fn version_packages(
        &self,
        workspace_id: &str,
        version_id: &str,
    ) -> Result<Arc<VersionPackages>> {
        let sboms: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM sboms WHERE workspace_id = $1 AND version_id = $2 ORDER BY ingested_at, id",
        )
        .bind(workspace_id)
        .bind(version_id)
        .fetch_all(self.pool())
        .await?;
        let key = (workspace_id.to_string(), version_id.to_string());
        if let Some(hit) = self.version_cache.get(&key, &sboms) {
            return Ok(hit);
        }
        let rows: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT c.purl, c.bom_ref FROM sbom_components c JOIN sboms s ON s.id = c.sbom_id \
             WHERE s.workspace_id = $1 AND s.version_id = $2 ORDER BY s.ingested_at, s.id, c.seq",
        )
        .bind(workspace_id)
        .bind(version_id)
        .fetch_all(self.pool())
        .await?;
        let packages = tokio::task::spawn_blocking(move || VersionPackages::from_rows(sboms, rows))
            .await
            .map_err(|e| StoreError::Corrupt(format!("reading components stopped: {e}")))?;
        let packages = Arc::new(packages);
        self.version_cache.put(key, packages.clone());
        Ok(packages)
    }
}

/// What a scan of one product version matches: its distinct package URLs, parsed.
pub(crate) struct VersionPackages {
    /// The SBOMs they were read from (the cache key's check).
    sboms: Vec<String>,
    packages: Vec<PackageRef>,
    without_purl: usize,
    /// Why purls could not be matched.
    unusable: Vec<String>,
}

impl VersionPackages {
    fn from_rows(sboms: Vec<String>, rows: Vec<(Option<String>, Option<String>)>) -> Self {
        let mut seen = BTreeSet::new();
        let mut out = VersionPackages {
            sboms,
            packages: Vec::new(),
            without_purl: 0,
            unusable: Vec::new(),
        };
        for (purl, bom_ref) in rows {
            let Some(purl) = purl else {
                out.without_purl += 1;
                continue;
            };
            if !seen.insert(purl.clone()) {
                continue;
            }
            match PackageRef::from_purl(&purl) {
                Ok(p) => out.packages.push(match bom_ref {
                    Some(r) => p.with_bom_ref(r),
                    None => p,
                }),
                Err(e) => out.unusable.push(e.to_string()),
            }
        }
        out
    }
}

/// Versions whose packages are kept; a version of 1,000 components takes about 200 KB.
const VERSION_CACHE_SIZE: usize = 64;

/// Recently scanned versions' packages, keyed by (workspace, version) and checked against the
/// version's current SBOM list on every use. The least recently used entry goes first.
#[derive(Clone, Default)]
pub(crate) struct VersionCache(Arc<std::sync::Mutex<VersionCacheEntries>>);

#[derive(Default)]
struct VersionCacheEntries {
    tick: u64,
    entries: HashMap<(String, String), (u64, Arc<VersionPackages>)>,
}

impl VersionCache {
    fn get(&self, key: &(String, String), sboms: &[String]) -> Option<Arc<VersionPackages>> {
        // A poisoned lock only means another scan panicked; the map itself is still whole.
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache.tick += 1;
        let tick = cache.tick;
        let (used, packages) = cache.entries.get_mut(key)?;
        if packages.sboms != sboms {
            return None;
        }
        *used = tick;
        Some(packages.clone())
    }

    fn put(&self, key: (String, String), packages: Arc<VersionPackages>) {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache.tick += 1;
        let tick = cache.tick;
        if cache.entries.len() >= VERSION_CACHE_SIZE && !cache.entries.contains_key(&key) {
            if let Some(oldest) = cache
                .entries
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone())
            {
                cache.entries.remove(&oldest);
            }
        }
        cache.entries.insert(key, (tick, packages));
    }
}

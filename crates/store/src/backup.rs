//! Backup and restore of a whole installation.
//!
//! A backup is a `.tar.gz` holding `manifest.json`, one `tables/<name>.jsonl` per table (one JSON array
//! of column values per row) and every blob under `blobs/<sha256>`. All tables are read inside one
//! transaction (REPEATABLE READ on PostgreSQL; SQLite's WAL gives a read transaction one snapshot), so
//! the copy is consistent while the server keeps running. The format is the same for both backends:
//! a SQLite backup restores into PostgreSQL and the other way round.
//!
//! Restore only fills an empty installation and does it in one transaction; blobs are checked against
//! their hashes. Sessions are not backed up: after a restore everyone signs in again.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::AuditVerification;
use crate::{Backend, Result, Store, StoreConfig, StoreError};

pub const BACKUP_FORMAT: &str = "sanso-backup/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Text,
    OptText,
    Int,
}

/// Every table a backup holds, in an order that satisfies foreign keys on restore.
pub const TABLES: &[(&str, &[(&str, Col)])] = {
    use Col::*;
    &[
        (
            "users",
            &[
                ("id", Text),
                ("email", Text),
                ("display_name", Text),
                ("password_hash", Text),
                ("is_instance_admin", Int),
                ("locale", Text),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "workspaces",
            &[
                ("id", Text),
                ("name", Text),
                ("description", Text),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "memberships",
            &[
                ("workspace_id", Text),
                ("user_id", Text),
                ("role", Text),
                ("created_at", Text),
            ],
        ),
        (
            "api_tokens",
            &[
                ("id", Text),
                ("user_id", Text),
                ("name", Text),
                ("token_hash", Text),
                ("created_at", Text),
                ("last_used_at", OptText),
                ("revoked_at", OptText),
            ],
        ),
        (
            "invitations",
            &[
                ("id", Text),
                ("token_hash", Text),
                ("purpose", Text),
                ("workspace_id", OptText),
                ("email", Text),
                ("role", Text),
                ("invited_by", OptText),
                ("created_at", Text),
                ("expires_at", Text),
                ("accepted_at", OptText),
            ],
        ),
        (
            "nodes",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("kind", Text),
                ("name", Text),
                ("description", Text),
                ("category", Text),
                ("layer", OptText),
                ("critical", Int),
                ("exposed", Int),
                ("attributes", Text),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "connections",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("source_id", Text),
                ("target_id", Text),
                ("layer", Text),
                ("kind", Text),
                ("label", Text),
                ("attributes", Text),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "blobs",
            &[
                ("sha256", Text),
                ("size", Int),
                ("media_type", Text),
                ("created_at", Text),
            ],
        ),
        (
            "products",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("name", Text),
                ("description", Text),
                ("node_id", OptText),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "product_versions",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("product_id", Text),
                ("version", Text),
                ("created_at", Text),
            ],
        ),
        (
            "sboms",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("version_id", Text),
                ("blob_sha256", Text),
                ("format", Text),
                ("encoding", Text),
                ("spec_version", Text),
                ("filename", Text),
                ("serial", OptText),
                ("component_count", Int),
                ("components_read", Int),
                ("metadata", Text),
                ("dependencies", Text),
                ("warnings", Text),
                ("ingested_at", Text),
            ],
        ),
        (
            "sbom_components",
            &[
                ("sbom_id", Text),
                ("seq", Int),
                ("workspace_id", Text),
                ("bom_ref", OptText),
                ("name", Text),
                ("version", OptText),
                ("component_group", OptText),
                ("purl", OptText),
                ("ecosystem", OptText),
                ("licenses", Text),
                ("hashes", Text),
                ("details", Text),
                ("package_key", OptText),
            ],
        ),
        (
            "osv_advisories",
            &[
                ("id", Text),
                ("modified", Text),
                ("withdrawn", OptText),
                ("json", Text),
                ("imported_at", Text),
            ],
        ),
        (
            "vex_documents",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("blob_sha256", Text),
                ("filename", Text),
                ("format", Text),
                ("author", OptText),
                ("document_ref", OptText),
                ("document_time", OptText),
                ("scope_product_id", OptText),
                ("scope_version_id", OptText),
                ("statement_count", Int),
                ("warnings", Text),
                ("uploaded_by", Text),
                ("uploaded_at", Text),
            ],
        ),
        (
            "vex_statements",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("document_id", Text),
                ("seq", Int),
                ("vulnerability_id", Text),
                ("vulnerability_aliases", Text),
                ("products", Text),
                ("subcomponents", Text),
                ("scope_product_id", OptText),
                ("scope_version_id", OptText),
                ("status", Text),
                ("justification", OptText),
                ("impact_statement", OptText),
                ("action_statement", OptText),
                ("statement_time", OptText),
                ("source", OptText),
            ],
        ),
        (
            "triage_events",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("product_id", Text),
                ("version_id", OptText),
                ("vulnerability_id", Text),
                ("vulnerability_ids", Text),
                ("component_key", Text),
                ("state", Text),
                ("justification", OptText),
                ("comment", Text),
                ("actor", Text),
                ("created_at", Text),
            ],
        ),
        (
            "licence_policies",
            &[
                ("workspace_id", Text),
                ("policy", Text),
                ("updated_by", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "portfolio_findings",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("version_id", Text),
                ("advisory_id", Text),
                ("purl", Text),
                ("package_key", Text),
                ("component_version", Text),
                ("reason", Text),
                ("found_at", Text),
                ("withdrawn_at", OptText),
            ],
        ),
        (
            "webhooks",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("url", Text),
                ("secret", Text),
                ("events", Text),
                ("active", Int),
                ("created_at", Text),
            ],
        ),
        (
            "webhook_deliveries",
            &[
                ("id", Text),
                ("webhook_id", Text),
                ("workspace_id", Text),
                ("event", Text),
                ("payload", Text),
                ("status", Text),
                ("attempts", Int),
                ("next_attempt_at", Text),
                ("last_status_code", Int),
                ("last_error", OptText),
                ("created_at", Text),
                ("delivered_at", OptText),
            ],
        ),
        (
            "data_flows",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("name", Text),
                ("node_id", OptText),
                ("document", Text),
                ("risk_register", Text),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "iot_devices",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("name", Text),
                ("product", Text),
                ("node_id", OptText),
                ("use_description", Text),
                ("rating", Text),
                ("met", Text),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "supplier_links",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("node_id", OptText),
                ("supplier_workspace_id", OptText),
                ("invitation_id", OptText),
                ("name", Text),
                ("contact_email", Text),
                ("supplies", Text),
                ("buyer_data", Text),
                ("confidential_data", Int),
                ("network_access", Int),
                ("remote_access", Int),
                ("onsite_work", Int),
                ("tolerable_outage_hours", Int),
                ("outage_stops_us", Int),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "supply_requests",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("link_id", Text),
                ("catalog_id", Text),
                ("catalog_version", Text),
                ("level", OptText),
                ("due_date", Text),
                ("message", Text),
                ("state", Text),
                ("assessment_id", OptText),
                ("share_id", OptText),
                ("inferred", Int),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "supply_request_events",
            &[
                ("id", Text),
                ("request_id", Text),
                ("kind", Text),
                ("side", Text),
                ("comment", Text),
                ("at", Text),
            ],
        ),
        (
            "assessment_shares",
            &[
                ("id", Text),
                ("supplier_workspace_id", Text),
                ("buyer_workspace_id", Text),
                ("request_id", OptText),
                ("assessment_id", OptText),
                ("catalog_id", Text),
                ("catalog_version", Text),
                ("level", OptText),
                ("inferred", Int),
                ("third_party_evaluated", Int),
                ("evaluator", Text),
                ("snapshot", Text),
                ("shared_at", Text),
                ("revoked_at", OptText),
            ],
        ),
        (
            "workspace_places",
            &[
                ("workspace_id", Text),
                ("document", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "workspace_iot_schemes",
            &[
                ("workspace_id", Text),
                ("document", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "audit_log",
            &[
                ("seq", Int),
                ("at", Text),
                ("workspace_id", OptText),
                ("actor", Text),
                ("action", Text),
                ("object_type", Text),
                ("object_id", Text),
                ("before_json", OptText),
                ("after_json", OptText),
                ("prev_hash", Text),
                ("hash", Text),
            ],
        ),
        (
            "catalogs",
            &[
                ("scope", Text),
                ("id", Text),
                ("version", Text),
                ("workspace_id", OptText),
                ("title", Text),
                ("source", Text),
                ("document", Text),
                ("imported_at", Text),
            ],
        ),
        (
            "assessments",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("catalog_id", Text),
                ("catalog_version", Text),
                ("target_node_id", OptText),
                ("target_level", OptText),
                ("title", Text),
                ("state", Text),
                ("review_comment", Text),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "assessment_answers",
            &[
                ("assessment_id", Text),
                ("requirement_id", Text),
                ("status", Text),
                ("score", OptText),
                ("comment", Text),
                ("owner", OptText),
                ("due", OptText),
                ("evidence", Text),
                ("criteria", Text),
                ("updated_at", Text),
            ],
        ),
        (
            "plan_items",
            &[
                ("id", Text),
                ("workspace_id", Text),
                ("assessment_id", OptText),
                ("requirement_id", OptText),
                ("measure", Text),
                ("owner", OptText),
                ("due", OptText),
                ("cost", OptText),
                ("priority", Text),
                ("status", Text),
                ("remarks", Text),
                ("created_at", Text),
                ("updated_at", Text),
            ],
        ),
        ("audit_head", &[("id", Int), ("seq", Int), ("hash", Text)]),
        ("settings", &[("key", Text), ("value", Text)]),
    ]
};

/// Tables deliberately left out of backups.
pub const NOT_BACKED_UP: &[&str] = &["sessions", "schema_migrations"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: String,
    pub created_at: String,
    pub schema_version: i64,
    pub source_backend: String,
    pub tables: BTreeMap<String, u64>,
    pub blobs: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub manifest: BackupManifest,
    pub audit: AuditVerification,
}

fn backup_err(msg: impl Into<String>) -> StoreError {
    StoreError::Backup(msg.into())
}

fn append(builder: &mut tar::Builder<impl Write>, name: &str, bytes: &[u8]) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(0);
    header.set_cksum();
    builder
        .append_data(&mut header, name, bytes)
        .map_err(|e| backup_err(format!("writing {name}: {e}")))
}

impl Store {
    /// Writes a consistent snapshot to `target` (a `.tar.gz`). The file appears only when complete.
    /// `progress` is called with (step, total steps) for progress bars.
    pub async fn backup_to(
        &self,
        target: &Path,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<BackupManifest> {
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| StoreError::io(dir, e))?;
        let gz = flate2::write::GzEncoder::new(
            tmp.reopen().map_err(|e| StoreError::io(dir, e))?,
            flate2::Compression::default(),
        );
        let mut builder = tar::Builder::new(gz);
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let mut manifest = BackupManifest {
            format: BACKUP_FORMAT.into(),
            created_at: sanso_core::now_timestamp(),
            schema_version: crate::migrations::latest_version(),
            source_backend: format!("{:?}", self.backend()).to_lowercase(),
            tables: BTreeMap::new(),
            blobs: 0,
        };
        let mut tables_data = Vec::new();
        let steps = TABLES.len() as u64 + 1;
        let mut blob_hashes = Vec::new();
        for (i, (table, cols)) in TABLES.iter().enumerate() {
            let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
            let order = names[0];
            let sql = format!("SELECT {} FROM {table} ORDER BY {order}", names.join(", "));
            let mut lines = Vec::new();
            let mut count = 0u64;
            let mut rows = sqlx::query(&sql).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                let mut values = Vec::with_capacity(cols.len());
                for (name, col) in cols.iter() {
                    values.push(match col {
                        Col::Text => Value::String(row.try_get::<String, _>(*name)?),
                        Col::OptText => row
                            .try_get::<Option<String>, _>(*name)?
                            .map(Value::String)
                            .unwrap_or(Value::Null),
                        Col::Int => Value::from(row.try_get::<i64, _>(*name)?),
                    });
                }
                if *table == "blobs" {
                    if let Some(Value::String(sha)) = values.first() {
                        blob_hashes.push(sha.clone());
                    }
                }
                serde_json::to_writer(&mut lines, &values)
                    .map_err(|e| backup_err(e.to_string()))?;
                lines.push(b'\n');
                count += 1;
            }
            drop(rows);
            manifest.tables.insert(table.to_string(), count);
            tables_data.push((format!("tables/{table}.jsonl"), lines));
            progress(i as u64 + 1, steps);
        }
        tx.commit().await?;
        manifest.blobs = blob_hashes.len() as u64;
        let manifest_json =
            serde_json::to_vec_pretty(&manifest).map_err(|e| backup_err(e.to_string()))?;
        append(&mut builder, "manifest.json", &manifest_json)?;
        for (name, bytes) in &tables_data {
            append(&mut builder, name, bytes)?;
        }
        for sha in &blob_hashes {
            let bytes = self
                .blobs()
                .get(sha)
                .map_err(|e| backup_err(format!("blob {sha}: {e}")))?;
            append(&mut builder, &format!("blobs/{sha}"), &bytes)?;
        }
        let gz = builder
            .into_inner()
            .map_err(|e| backup_err(e.to_string()))?;
        let file = gz.finish().map_err(|e| backup_err(e.to_string()))?;
        file.sync_all().map_err(|e| StoreError::io(target, e))?;
        tmp.persist(target)
            .map_err(|e| StoreError::io(target, e.error))?;
        progress(steps, steps);
        Ok(manifest)
    }

    /// Restores `archive` into the (new or empty) installation described by `config`.
    pub async fn restore(archive: &Path, config: &StoreConfig) -> Result<RestoreSummary> {
        let file = std::fs::File::open(archive).map_err(|e| StoreError::io(archive, e))?;
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
        let mut entries = tar
            .entries()
            .map_err(|e| backup_err(format!("{}: {e}", archive.display())))?;
        let manifest: BackupManifest = {
            let mut first = entries
                .next()
                .ok_or_else(|| backup_err("the archive is empty"))?
                .map_err(|e| backup_err(format!("not a sanso backup ({e})")))?;
            let path = first
                .path()
                .map_err(|e| backup_err(e.to_string()))?
                .to_string_lossy()
                .to_string();
            if path != "manifest.json" {
                return Err(backup_err(format!(
                    "not a sanso backup: first entry is {path}, expected manifest.json"
                )));
            }
            let mut text = String::new();
            first
                .read_to_string(&mut text)
                .map_err(|e| backup_err(format!("manifest.json: {e}")))?;
            serde_json::from_str(&text).map_err(|e| backup_err(format!("manifest.json: {e}")))?
        };
        if manifest.format != BACKUP_FORMAT {
            return Err(backup_err(format!(
                "unknown backup format \"{}\" (expected {BACKUP_FORMAT})",
                manifest.format
            )));
        }
        if manifest.schema_version != crate::migrations::latest_version() {
            return Err(backup_err(format!(
                "the backup has schema version {}, this sanso has {}; restore with the matching sanso version",
                manifest.schema_version,
                crate::migrations::latest_version()
            )));
        }
        let store = Store::open(config).await?;
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(store.pool())
            .await?;
        let workspaces: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workspaces")
            .fetch_one(store.pool())
            .await?;
        let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(store.pool())
            .await?;
        if users + workspaces + audit > 0 {
            return Err(backup_err("the target installation is not empty; restore only into a new data directory or database"));
        }
        let mut tx = store.pool().begin().await?;
        sqlx::query("DELETE FROM audit_head")
            .execute(&mut *tx)
            .await?;
        let mut restored: BTreeMap<String, u64> = BTreeMap::new();
        let mut blobs = 0u64;
        for entry in entries {
            let entry = entry.map_err(|e| backup_err(format!("reading archive: {e}")))?;
            let path = entry
                .path()
                .map_err(|e| backup_err(e.to_string()))?
                .to_string_lossy()
                .to_string();
            if let Some(table) = path
                .strip_prefix("tables/")
                .and_then(|p| p.strip_suffix(".jsonl"))
            {
                let (name, cols) = TABLES
                    .iter()
                    .find(|(t, _)| *t == table)
                    .ok_or_else(|| backup_err(format!("{path}: unknown table")))?;
                let names: Vec<&str> = cols.iter().map(|(c, _)| *c).collect();
                let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "INSERT INTO {name} ({}) VALUES ({})",
                    names.join(", "),
                    placeholders.join(", ")
                );
                let mut count = 0u64;
                for (line_no, line) in BufReader::new(entry).lines().enumerate() {
                    let line = line.map_err(|e| backup_err(format!("{path}: {e}")))?;
                    let at = |msg: &str| backup_err(format!("{path} line {}: {msg}", line_no + 1));
                    let values: Vec<Value> =
                        serde_json::from_str(&line).map_err(|e| at(&e.to_string()))?;
                    if values.len() != cols.len() {
                        return Err(at(&format!(
                            "{} values for {} columns",
                            values.len(),
                            cols.len()
                        )));
                    }
                    let mut q = sqlx::query(&sql);
                    for ((col_name, col), v) in cols.iter().zip(values) {
                        q = match (col, v) {
                            (Col::Text, Value::String(s)) => q.bind(s),
                            (Col::OptText, Value::String(s)) => q.bind(Some(s)),
                            (Col::OptText, Value::Null) => q.bind(None::<String>),
                            (Col::Int, Value::Number(n)) => q.bind(
                                n.as_i64()
                                    .ok_or_else(|| at(&format!("{col_name} is not an integer")))?,
                            ),
                            (_, other) => {
                                return Err(at(&format!("{col_name} has the wrong type: {other}")))
                            }
                        };
                    }
                    q.execute(&mut *tx).await?;
                    count += 1;
                }
                restored.insert(name.to_string(), count);
            } else if let Some(sha) = path.strip_prefix("blobs/") {
                let sha = sha.to_string();
                let mut bytes = Vec::new();
                let mut entry = entry;
                entry
                    .read_to_end(&mut bytes)
                    .map_err(|e| backup_err(format!("{path}: {e}")))?;
                if hex::encode(Sha256::digest(&bytes)) != sha {
                    return Err(backup_err(format!(
                        "{path}: contents do not match the hash"
                    )));
                }
                store.blobs().put(&bytes)?;
                blobs += 1;
            } else {
                return Err(backup_err(format!("unexpected archive entry {path}")));
            }
        }
        if restored != manifest.tables || blobs != manifest.blobs {
            return Err(backup_err(format!(
                "the archive is incomplete: manifest lists {:?} and {} blobs, archive holds {:?} and {} blobs",
                manifest.tables, manifest.blobs, restored, blobs
            )));
        }
        tx.commit().await?;
        let audit = store.verify_audit().await?;
        store.close().await;
        Ok(RestoreSummary { manifest, audit })
    }
}

//! Persistence for sanso: one [`Store`] over SQLite (the embedded default) or PostgreSQL.
//!
//! Both backends run the same SQL through sqlx's `Any` driver; the schema sticks to what both understand
//! (TEXT, BIGINT, explicit ids), and the few places that differ (triggers, locking) are named in
//! [`migrations`]. Every change goes through a [`tx::WriteTx`], which writes its audit entries in the same
//! transaction: a change and its audit record are stored together or not at all.
//!
//! Files (SBOMs, evidence) live in a content-addressed [`blobs::BlobStore`] under the data directory.
//! [`backup`] writes and restores a consistent snapshot of an installation (all tables and blobs).

pub mod accounts;
pub mod assessments;
pub mod audit;
pub mod backup;
pub mod blobs;
pub mod dataflow_rules;
pub mod dataflows;
pub mod demo_workspace;
pub mod device_met;
pub mod findings;
pub mod migrations;
pub mod model;
pub mod plans;
pub mod portfolio;
mod rows;
pub mod software;
pub mod supply;
pub mod testing;
pub mod tx;
pub mod vulns;
pub mod webhooks;
pub mod workspaces;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sanso_core::model::FieldError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use accounts::{ApiToken, Invitation, InvitationPurpose, User};
pub use tx::Actor;
pub use workspaces::{Member, Workspace};

/// The name of the SQLite file inside the data directory.
pub const SQLITE_FILE: &str = "sanso.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist — or exists in a workspace the caller may not see (never say which).
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("invalid input: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("backup: {0}")]
    Backup(String),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
}

impl StoreError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid(vec![FieldError::new(field, message)])
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where an installation keeps its data.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Holds the SQLite file (unless a database URL is given) and the blob store.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; `None` for the embedded SQLite file.
    pub database_url: Option<String>,
}

impl StoreConfig {
    /// The database URL this configuration uses (the SQLite file's URL when none is given).
    pub fn connection_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join(SQLITE_FILE).display()
            ),
        }
    }
}

/// The handle every part of sanso uses to read and change data. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    blobs: blobs::BlobStore,
    data_dir: PathBuf,
    /// The loaded OSV matcher, shared by scans until the advisories change (see `vulns`).
    osv_cache: vulns::OsvCache,
    /// Recently scanned versions' parsed packages, while their SBOMs are unchanged (see `vulns`).
    version_cache: vulns::VersionCache,
}

impl Store {
    /// Opens (creating on first use) the data directory and database, and brings the schema up to date.
    pub async fn open(config: &StoreConfig) -> Result<Store> {
        sqlx::any::install_default_drivers();
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| StoreError::io(&config.data_dir, e))?;
        let (url, backend) = match &config.database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                (url.clone(), Backend::Postgres)
            }
            Some(url) if url.starts_with("sqlite:") => (url.clone(), Backend::Sqlite),
            Some(url) => {
                return Err(StoreError::invalid(
                    "database_url",
                    format!(
                        "unsupported database URL \"{}\": use postgres://… or sqlite:…",
                        redact(url)
                    ),
                ))
            }
            None => (config.connection_url(), Backend::Sqlite),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Foreign keys are off by default in SQLite; a busy writer makes others wait, not fail.
                        // The wait outlasts the longest write (a 300,000-component SBOM is stored in one
                        // transaction of about 10 s) and stays under the 60 s request timeout.
                        conn.execute(sqlx::raw_sql(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;",
                        ))
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            // WAL lets readers go on while one writer writes; the mode is kept in the file.
            pool.execute(sqlx::raw_sql("PRAGMA journal_mode = WAL;"))
                .await?;
        }
        migrations::run(&pool, backend).await?;
        let blobs = blobs::BlobStore::new(config.data_dir.join("blobs"));
        Ok(Store {
            pool,
            backend,
            blobs,
            data_dir: config.data_dir.clone(),
            osv_cache: vulns::OsvCache::default(),
            version_cache: vulns::VersionCache::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn blobs(&self) -> &blobs::BlobStore {
        &self.blobs
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// True when the database answers; for readiness probes.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_hides_passwords_only() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}

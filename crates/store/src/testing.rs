//! Test installations on either backend, for this crate's tests and the server's.
//!
//! Without `SANSO_TEST_DATABASE_URL` a test gets a SQLite installation in a temporary directory. With it
//! (e.g. `postgres://postgres@127.0.0.1:5432/postgres`) each test gets its own new PostgreSQL database,
//! dropped again when the test ends, so tests run in parallel without seeing each other. An unreachable
//! database fails the test loudly: a PostgreSQL run must never quietly test SQLite instead.

use sqlx::{Connection, Executor};

use crate::StoreConfig;

pub const TEST_DATABASE_ENV: &str = "SANSO_TEST_DATABASE_URL";

pub struct TestInstallation {
    pub config: StoreConfig,
    pub dir: tempfile::TempDir,
    admin_url: Option<String>,
    database: Option<String>,
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

impl TestInstallation {
    pub async fn new() -> TestInstallation {
        let dir = tempfile::tempdir().expect("temporary directory");
        match std::env::var(TEST_DATABASE_ENV)
            .ok()
            .filter(|s| !s.is_empty())
        {
            None => TestInstallation {
                config: StoreConfig {
                    data_dir: dir.path().join("data"),
                    database_url: None,
                },
                dir,
                admin_url: None,
                database: None,
            },
            Some(admin_url) => {
                sqlx::any::install_default_drivers();
                let database = format!("sanso_t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::AnyConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "{TEST_DATABASE_ENV}={} is set but the database is unreachable: {e}",
                            crate::redact(&admin_url)
                        )
                    });
                conn.execute(sqlx::raw_sql(&format!("CREATE DATABASE {database}")))
                    .await
                    .unwrap_or_else(|e| panic!("cannot create test database {database}: {e}"));
                let _ = conn.close().await;
                TestInstallation {
                    config: StoreConfig {
                        data_dir: dir.path().join("data"),
                        database_url: Some(with_database(&admin_url, &database)),
                    },
                    dir,
                    admin_url: Some(admin_url),
                    database: Some(database),
                }
            }
        }
    }

    /// A second, empty installation on the same backend (for restore tests).
    pub async fn sibling() -> TestInstallation {
        TestInstallation::new().await
    }

    pub fn backend_name(&self) -> &'static str {
        if self.database.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }
}

impl Drop for TestInstallation {
    fn drop(&mut self) {
        let (Some(admin_url), Some(database)) = (self.admin_url.take(), self.database.take())
        else {
            return;
        };
        // Drop runs inside or outside a runtime; a thread of its own works in both.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin_url).await {
                    let _ = conn
                        .execute(sqlx::raw_sql(&format!(
                            "DROP DATABASE IF EXISTS {database} WITH (FORCE)"
                        )))
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// A new product of `workspace_id` with version "1" holding one CycloneDX SBOM of the given
/// package URLs; returns the version's id. Panics on any failure (test setup).
pub async fn version_with_purls(
    store: &crate::Store,
    workspace_id: &str,
    product: &str,
    purls: &[&str],
) -> String {
    use crate::software::{ProductInput, VersionInput};
    let actor = crate::Actor::cli();
    let p = store
        .create_product(
            &actor,
            workspace_id,
            ProductInput {
                name: product.into(),
                description: String::new(),
                node_id: None,
            },
        )
        .await
        .expect("create product");
    let v = store
        .create_version(
            &actor,
            workspace_id,
            &p.id,
            VersionInput {
                version: "1".into(),
            },
        )
        .await
        .expect("create version");
    let components: Vec<serde_json::Value> = purls
        .iter()
        .enumerate()
        .map(|(i, purl)| {
            serde_json::json!({"type": "library", "name": format!("c{i}"), "version": "x", "purl": purl})
        })
        .collect();
    let bom = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": components});
    store
        .ingest_sbom(
            &actor,
            workspace_id,
            &v.id,
            bom.to_string().into_bytes(),
            "bom.json",
        )
        .await
        .expect("ingest SBOM");
    v.id
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://u@h/postgres?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}

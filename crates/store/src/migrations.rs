//! Schema migrations, run at every start for both backends.
//!
//! A migration is SQL both backends accept, plus optional backend-specific SQL (triggers differ). Applied
//! versions are recorded in `schema_migrations`; each migration runs in its own transaction. On PostgreSQL
//! an advisory lock keeps two instances starting at once from migrating twice.

use sqlx::{AnyPool, Executor};

use crate::{Backend, Result, StoreError};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub common: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "accounts, workspaces, value-chain model, audit log, blobs",
        common: r#"
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_instance_admin BIGINT NOT NULL DEFAULT 0,
    locale TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    invited_by TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT
);
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    layer TEXT,
    critical BIGINT NOT NULL,
    exposed BIGINT NOT NULL,
    attributes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX nodes_workspace ON nodes(workspace_id, name);
CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    layer TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    attributes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX connections_workspace ON connections(workspace_id);
CREATE INDEX connections_source ON connections(source_id);
CREATE INDEX connections_target ON connections(target_id);
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    workspace_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log(workspace_id, seq);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
        // The audit log is append-only in the database itself, not only by convention in this code.
        sqlite: r#"
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
        postgres: r#"
CREATE FUNCTION sanso_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION sanso_audit_log_append_only();
"#,
    },
    Migration {
        version: 2,
        name: "catalogs, assessments and their answers",
        // `catalogs.scope` is '' for installation-wide (built-in) catalogs and the workspace id for a
        // workspace's own imports, so two workspaces may import the same catalog id and version.
        common: r#"
CREATE TABLE catalogs (
    scope TEXT NOT NULL,
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    document TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (scope, id, version)
);
CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    catalog_id TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    target_node_id TEXT REFERENCES nodes(id) ON DELETE SET NULL,
    target_level TEXT,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    review_comment TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX assessments_workspace ON assessments(workspace_id, created_at);
CREATE TABLE assessment_answers (
    assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    requirement_id TEXT NOT NULL,
    status TEXT NOT NULL,
    score TEXT,
    comment TEXT NOT NULL,
    owner TEXT,
    due TEXT,
    evidence TEXT NOT NULL,
    criteria TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, requirement_id)
);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        name:
            "software supply chain: products, versions, SBOMs and their components, OSV advisories",
        common: r#"
CREATE TABLE products (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    node_id TEXT REFERENCES nodes(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX products_workspace ON products(workspace_id, name);
CREATE INDEX products_node ON products(node_id);
CREATE TABLE product_versions (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (product_id, version)
);
CREATE INDEX product_versions_workspace ON product_versions(workspace_id);
CREATE TABLE sboms (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    version_id TEXT NOT NULL REFERENCES product_versions(id) ON DELETE CASCADE,
    blob_sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    filename TEXT NOT NULL,
    serial TEXT,
    component_count BIGINT NOT NULL,
    components_read BIGINT NOT NULL,
    metadata TEXT NOT NULL,
    dependencies TEXT NOT NULL,
    warnings TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX sboms_workspace ON sboms(workspace_id, version_id);
CREATE TABLE sbom_components (
    sbom_id TEXT NOT NULL REFERENCES sboms(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    bom_ref TEXT,
    name TEXT NOT NULL,
    version TEXT,
    component_group TEXT,
    purl TEXT,
    ecosystem TEXT,
    licenses TEXT NOT NULL,
    hashes TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (sbom_id, seq)
);
CREATE INDEX sbom_components_purl ON sbom_components(workspace_id, ecosystem, name);
CREATE TABLE osv_advisories (
    id TEXT PRIMARY KEY,
    modified TEXT NOT NULL,
    withdrawn TEXT,
    json TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "data flows (layer 3) and IoT device uses (layer 2)",
        common: r#"
CREATE TABLE data_flows (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    node_id TEXT REFERENCES nodes(id) ON DELETE SET NULL,
    document TEXT NOT NULL,
    risk_register TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX data_flows_workspace ON data_flows(workspace_id, name);
CREATE INDEX data_flows_node ON data_flows(node_id);
CREATE TABLE iot_devices (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    product TEXT NOT NULL,
    node_id TEXT REFERENCES nodes(id) ON DELETE SET NULL,
    use_description TEXT NOT NULL,
    rating TEXT NOT NULL,
    met TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX iot_devices_workspace ON iot_devices(workspace_id, name);
CREATE INDEX iot_devices_node ON iot_devices(node_id);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        name: "workspace-editable place rule sets (layer 3) and IoT-SSF schemes (layer 2)",
        common: r#"
CREATE TABLE workspace_places (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE workspace_iot_schemes (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"#,
        sqlite: "",
        postgres: "",
    },
];

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<()> {
    let mut conn = pool.acquire().await?;
    if backend == Backend::Postgres {
        conn.execute(sqlx::raw_sql("SELECT pg_advisory_lock(7413001)"))
            .await?;
    }
    let result = run_locked(&mut conn, backend).await;
    if backend == Backend::Postgres {
        conn.execute(sqlx::raw_sql("SELECT pg_advisory_unlock(7413001)"))
            .await?;
    }
    result
}

async fn run_locked(conn: &mut sqlx::AnyConnection, backend: Backend) -> Result<()> {
    conn.execute(sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    ))
    .await?;
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await?;
    if let Some(&newest) = applied.last() {
        if newest > latest_version() {
            return Err(StoreError::Corrupt(format!(
                "the database has schema version {newest}, newer than this build of sanso knows ({}); upgrade sanso",
                latest_version()
            )));
        }
    }
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let specific = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let wrap = |source| StoreError::Migration {
            version: m.version,
            name: m.name,
            source,
        };
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(wrap)?;
        tx.execute(sqlx::raw_sql(m.common)).await.map_err(wrap)?;
        tx.execute(sqlx::raw_sql(specific)).await.map_err(wrap)?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(sanso_core::now_timestamp())
        .execute(&mut *tx)
        .await
        .map_err(wrap)?;
        tx.commit().await.map_err(wrap)?;
        tracing::info!(
            version = m.version,
            name = m.name,
            "applied schema migration"
        );
    }
    Ok(())
}

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
    /// Data the SQL cannot compute, filled in by Rust code in the same transaction, after the SQL.
    pub backfill: Option<Backfill>,
}

/// A data step of a migration that needs Rust code (purl parsing, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backfill {
    /// `sbom_components.package_key` for rows stored before the column existed (migration 9).
    PackageKeys,
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
        backfill: None,
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
        backfill: None,
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
        backfill: None,
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
        backfill: None,
    },
    Migration {
        version: 6,
        name: "plan of action and milestones: plan items from assessment gaps",
        common: r#"
CREATE TABLE plan_items (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    assessment_id TEXT REFERENCES assessments(id) ON DELETE CASCADE,
    requirement_id TEXT,
    measure TEXT NOT NULL,
    owner TEXT,
    due TEXT,
    cost TEXT,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    remarks TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX plan_items_workspace ON plan_items(workspace_id, due);
CREATE INDEX plan_items_assessment ON plan_items(assessment_id, requirement_id);
"#,
        sqlite: "",
        postgres: "",
        backfill: None,
    },
    Migration {
        version: 7,
        name: "supplier links, supplier requests and their events, consented assessment shares",
        // supplier_links.node_id is NULL once the supplier's node is deleted from the buyer's model:
        // the link and its history stay, but no new request can be sent to it.
        // Flags are BIGINT 0/1; tolerable_outage_hours is -1 when the buyer has not said.
        common: r#"
CREATE TABLE supplier_links (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    node_id TEXT REFERENCES nodes(id) ON DELETE SET NULL,
    supplier_workspace_id TEXT REFERENCES workspaces(id) ON DELETE SET NULL,
    invitation_id TEXT,
    name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    supplies TEXT NOT NULL,
    buyer_data TEXT NOT NULL,
    confidential_data BIGINT NOT NULL,
    network_access BIGINT NOT NULL,
    remote_access BIGINT NOT NULL,
    onsite_work BIGINT NOT NULL,
    tolerable_outage_hours BIGINT NOT NULL,
    outage_stops_us BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX supplier_links_workspace ON supplier_links(workspace_id, name);
CREATE INDEX supplier_links_supplier ON supplier_links(supplier_workspace_id);
CREATE TABLE supply_requests (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    link_id TEXT NOT NULL REFERENCES supplier_links(id) ON DELETE CASCADE,
    catalog_id TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    level TEXT,
    due_date TEXT NOT NULL,
    message TEXT NOT NULL,
    state TEXT NOT NULL,
    assessment_id TEXT,
    share_id TEXT,
    inferred BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX supply_requests_workspace ON supply_requests(workspace_id, created_at);
CREATE INDEX supply_requests_link ON supply_requests(link_id);
CREATE TABLE supply_request_events (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES supply_requests(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    side TEXT NOT NULL,
    comment TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX supply_request_events_request ON supply_request_events(request_id, at);
CREATE TABLE assessment_shares (
    id TEXT PRIMARY KEY,
    supplier_workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    buyer_workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    request_id TEXT REFERENCES supply_requests(id) ON DELETE SET NULL,
    assessment_id TEXT REFERENCES assessments(id) ON DELETE SET NULL,
    catalog_id TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    level TEXT,
    inferred BIGINT NOT NULL,
    third_party_evaluated BIGINT NOT NULL,
    evaluator TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    shared_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX assessment_shares_supplier ON assessment_shares(supplier_workspace_id, shared_at);
CREATE INDEX assessment_shares_buyer ON assessment_shares(buyer_workspace_id, shared_at);
"#,
        sqlite: "",
        postgres: "",
        backfill: None,
    },
    Migration {
        version: 8,
        name: "VEX documents and statements, triage of findings, licence policy",
        common: r#"
CREATE TABLE vex_documents (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    blob_sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    format TEXT NOT NULL,
    author TEXT,
    document_ref TEXT,
    document_time TEXT,
    scope_product_id TEXT REFERENCES products(id) ON DELETE CASCADE,
    scope_version_id TEXT REFERENCES product_versions(id) ON DELETE CASCADE,
    statement_count BIGINT NOT NULL,
    warnings TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX vex_documents_workspace ON vex_documents(workspace_id, uploaded_at);
CREATE TABLE vex_statements (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    document_id TEXT NOT NULL REFERENCES vex_documents(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    vulnerability_id TEXT NOT NULL,
    vulnerability_aliases TEXT NOT NULL,
    products TEXT NOT NULL,
    subcomponents TEXT NOT NULL,
    scope_product_id TEXT,
    scope_version_id TEXT,
    status TEXT NOT NULL,
    justification TEXT,
    impact_statement TEXT,
    action_statement TEXT,
    statement_time TEXT,
    source TEXT
);
CREATE INDEX vex_statements_workspace ON vex_statements(workspace_id, vulnerability_id);
CREATE INDEX vex_statements_document ON vex_statements(document_id, seq);
CREATE TABLE triage_events (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    version_id TEXT REFERENCES product_versions(id) ON DELETE SET NULL,
    vulnerability_id TEXT NOT NULL,
    vulnerability_ids TEXT NOT NULL,
    component_key TEXT NOT NULL,
    state TEXT NOT NULL,
    justification TEXT,
    comment TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX triage_events_product ON triage_events(workspace_id, product_id, component_key);
CREATE TABLE licence_policies (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    policy TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"#,
        sqlite: "",
        postgres: "",
        backfill: None,
    },
    Migration {
        version: 9,
        name: "portfolio findings (package keys on components), webhooks and their deliveries",
        // `package_key` is `<OSV ecosystem>/<normalised name>`: one indexed lookup per affected
        // package of a new advisory finds every candidate row across all workspaces.
        common: r#"
ALTER TABLE sbom_components ADD COLUMN package_key TEXT;
CREATE INDEX sbom_components_package_key ON sbom_components(package_key);
CREATE TABLE portfolio_findings (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    version_id TEXT NOT NULL REFERENCES product_versions(id) ON DELETE CASCADE,
    advisory_id TEXT NOT NULL,
    purl TEXT NOT NULL,
    package_key TEXT NOT NULL,
    component_version TEXT NOT NULL,
    reason TEXT NOT NULL,
    found_at TEXT NOT NULL
);
CREATE UNIQUE INDEX portfolio_findings_identity ON portfolio_findings(advisory_id, version_id, purl);
CREATE INDEX portfolio_findings_workspace ON portfolio_findings(workspace_id, found_at);
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX webhooks_workspace ON webhooks(workspace_id);
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_status_code BIGINT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(workspace_id, webhook_id, created_at);
"#,
        sqlite: "",
        postgres: "",
        backfill: None,
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
        backfill: None,
    },
    Migration {
        version: 11,
        name: "package keys for components stored before migration 9; covering portfolio index; advisory import stamp index; withdrawn portfolio findings",
        // The portfolio asks "which distinct purls of this package exist" and then "which SBOMs hold
        // the affected ones": both are answered from this index alone, without reading the
        // (wide) component rows. `imported_at` is indexed so the matcher cache's freshness stamp
        // (count and newest import) does not scan the advisory JSON.
        common: r#"
DROP INDEX sbom_components_package_key;
CREATE INDEX sbom_components_package ON sbom_components(package_key, purl, sbom_id, workspace_id);
CREATE INDEX osv_advisories_imported ON osv_advisories(imported_at);
ALTER TABLE portfolio_findings ADD COLUMN withdrawn_at TEXT;
"#,
        sqlite: "",
        postgres: "",
        backfill: Some(Backfill::PackageKeys),
    },
];

/// Computes `package_key` for every component row with a purl and no key. Rows whose purl names
/// no OSV package keep NULL, as ingest leaves them.
async fn backfill_package_keys(
    conn: &mut sqlx::AnyConnection,
) -> std::result::Result<(), sqlx::Error> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT sbom_id, seq, purl FROM sbom_components WHERE package_key IS NULL AND purl IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let keyed: Vec<(String, i64, String)> = rows
        .into_iter()
        .filter_map(|(sbom_id, seq, purl)| {
            crate::portfolio::package_key_of_purl(&purl).map(|key| (sbom_id, seq, key))
        })
        .collect();
    // A one-time step on databases from before migration 9: row-by-row updates are enough.
    for (sbom_id, seq, key) in &keyed {
        sqlx::query("UPDATE sbom_components SET package_key = $1 WHERE sbom_id = $2 AND seq = $3")
            .bind(key)
            .bind(sbom_id)
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    tracing::info!(
        rows = keyed.len(),
        "filled in package keys of earlier components"
    );
    Ok(())
}

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
        match m.backfill {
            Some(Backfill::PackageKeys) => backfill_package_keys(&mut tx).await.map_err(wrap)?,
            None => {}
        }
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

#[cfg(test)]
mod tests {
    use crate::software::{ProductInput, VersionInput};
    use crate::testing::TestInstallation;
    use crate::{Actor, Store};

    /// A database from before migration 9 has components without package keys; the backfill of
    /// migration 11 gives them the key ingest would have written, and leaves purls that name no
    /// OSV package alone.
    #[tokio::test]
    async fn backfill_gives_earlier_components_their_package_keys() {
        let inst = TestInstallation::new().await;
        let store = Store::open(&inst.config).await.unwrap();
        let actor = Actor::cli();
        let (_, ws) = store
            .create_first_admin(&actor, "a@example.com", "A", "a long password", "Maker")
            .await
            .unwrap();
        let p = store
            .create_product(
                &actor,
                &ws.id,
                ProductInput {
                    name: "P".into(),
                    description: String::new(),
                    node_id: None,
                },
            )
            .await
            .unwrap();
        let v = store
            .create_version(
                &actor,
                &ws.id,
                &p.id,
                VersionInput {
                    version: "1".into(),
                },
            )
            .await
            .unwrap();
        let bom = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[
            {"type":"library","name":"Django","version":"4.2","purl":"pkg:pypi/Django@4.2"},
            {"type":"library","name":"x","version":"1","purl":"pkg:generic/x@1"},
            {"type":"library","name":"y","version":"1"}]}"#;
        store
            .ingest_sbom(&actor, &ws.id, &v.id, bom.as_bytes().to_vec(), "b.json")
            .await
            .unwrap();
        let keys = || async {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT package_key FROM sbom_components ORDER BY seq",
            )
            .fetch_all(store.pool())
            .await
            .unwrap()
        };
        let written = keys().await;
        assert_eq!(written, vec![Some("PyPI/django".to_string()), None, None]);
        sqlx::query("UPDATE sbom_components SET package_key = NULL")
            .execute(store.pool())
            .await
            .unwrap();
        let mut conn = store.pool().acquire().await.unwrap();
        super::backfill_package_keys(&mut conn).await.unwrap();
        drop(conn);
        assert_eq!(keys().await, written);
    }
}

//! The software supply chain in the store: products (optionally the value-chain node, a component,
//! they are), their versions, the SBOMs of each version and the components each SBOM lists.
//!
//! [`Store::ingest_sbom`] parses an uploaded document with `sanso-sbom` (format detected from the
//! content, size-limited), de-duplicates its components, keeps the original bytes in the blob store
//! and writes the SBOM row and all component rows in one transaction, in multi-row batches. A
//! document that does not parse stores nothing; the error names the position (line/column, JSON or
//! element path) the reader reported.
//!
//! Every query names the workspace, so ids from another workspace are simply not found. Each
//! component row keeps the canonical package URL and its ecosystem (the purl type) for matching,
//! the licences as text for policy checks, and the rest of the neutral model as JSON (`details`), so
//! an export gives back what was read.

use sanso_core::model::{ComponentKind as NodeKind, FieldError};
use sanso_sbom::dedupe::{canonical_purl, dedupe};
use sanso_sbom::{
    Component, ComponentKind, Dependency, Encoding, Hash, License, Metadata, Property, ReadOptions,
    Sbom, SbomError, SbomFormat, Scope,
};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::rows::{int, opt_text, text};
use crate::tx::{snapshot, Actor, WriteTx};
use crate::{Result, Store, StoreError};

/// The largest SBOM [`Store::ingest_sbom`] reads (the server's body limit usually stops uploads earlier).
pub const MAX_SBOM_BYTES: u64 = 1 << 30;

/// Component rows written per INSERT statement (13 parameters each, well under both backends'
/// limits), and per batch the streaming reader hands to the writer.
const COMPONENT_BATCH: usize = 500;

const PRODUCT_COLUMNS: &str =
    "id, workspace_id, name, description, node_id, created_at, updated_at";
const VERSION_COLUMNS: &str = "id, workspace_id, product_id, version, created_at";
const SBOM_COLUMNS: &str =
    "id, workspace_id, version_id, blob_sha256, format, encoding, spec_version, filename, serial, \
     component_count, components_read, metadata, dependencies, warnings, ingested_at";
const COMPONENT_COLUMNS: &str =
    "sbom_id, seq, workspace_id, bom_ref, name, version, component_group, purl, ecosystem, \
     licenses, hashes, details, package_key";

/// A product (firmware, application, device …) made or received by the workspace's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Product {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    /// The value-chain node (a component) this product is; cleared when the node is deleted.
    pub node_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Id of a node of kind `component` in the same workspace.
    #[serde(default)]
    pub node_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProductVersion {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    /// The version label, unique within the product (e.g. `2.4.1`).
    pub version: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionInput {
    pub version: String,
}

/// Something the reader accepted but a user may want to know about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SbomWarning {
    pub location: String,
    pub message: String,
}

/// A stored SBOM: where its original is, what it is, and what ingestion found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SbomRecord {
    pub id: String,
    pub workspace_id: String,
    pub version_id: String,
    /// SHA-256 of the original document in the blob store.
    pub blob_sha256: String,
    /// `cyclonedx` or `spdx`.
    pub format: String,
    /// `json`, `xml` or `tag-value`.
    pub encoding: String,
    pub spec_version: String,
    pub filename: String,
    /// CycloneDX serial number or SPDX document namespace.
    pub serial: Option<String>,
    /// Components stored (after de-duplication).
    pub component_count: i64,
    /// Components in the document as read (before de-duplication).
    pub components_read: i64,
    pub warnings: Vec<SbomWarning>,
    pub ingested_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComponentHash {
    pub algorithm: String,
    pub value: String,
}

/// One stored component of an SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StoredComponent {
    /// Position in the stored SBOM (document order after de-duplication).
    pub seq: i64,
    pub bom_ref: Option<String>,
    /// CycloneDX type name (`library`, `firmware` …).
    pub kind: String,
    pub name: String,
    pub version: Option<String>,
    /// CycloneDX group / namespace.
    pub group: Option<String>,
    /// Canonical package URL.
    pub purl: Option<String>,
    /// The purl type (`npm`, `maven`, `cargo` …).
    pub ecosystem: Option<String>,
    /// The licences as one text (several are joined with ` AND `).
    pub licenses: String,
    pub hashes: Vec<ComponentHash>,
    pub cpe: Option<String>,
    pub supplier: Option<String>,
    /// `bom_ref` of the component this one is nested in.
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ComponentPage {
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    pub items: Vec<StoredComponent>,
}

/// What a component row keeps as JSON besides its columns.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Details {
    kind: ComponentKind,
    #[serde(default)]
    cpe: Option<String>,
    #[serde(default)]
    supplier: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    scope: Option<Scope>,
    #[serde(default)]
    properties: Vec<Property>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    licenses: Vec<License>,
    /// The purl as written, when canonicalisation changed it.
    #[serde(default)]
    purl_as_written: Option<String>,
}

fn format_name(format: SbomFormat) -> &'static str {
    match format {
        SbomFormat::CycloneDx => "cyclonedx",
        SbomFormat::Spdx => "spdx",
    }
}

fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Json => "json",
        Encoding::Xml => "xml",
        Encoding::TagValue => "tag-value",
    }
}

/// The media type of an original document, from its format and encoding.
pub fn media_type(format: &str, encoding: &str) -> &'static str {
    match (format, encoding) {
        ("cyclonedx", "json") => "application/vnd.cyclonedx+json",
        ("cyclonedx", "xml") => "application/vnd.cyclonedx+xml",
        ("spdx", "json") => "application/spdx+json",
        ("spdx", "tag-value") => "text/spdx",
        (_, "xml") => "application/xml",
        (_, "json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Licences as one text: a single licence as written, several joined with ` AND ` (compound ones
/// in parentheses).
pub fn licenses_text(licenses: &[License]) -> String {
    if licenses.len() == 1 {
        return licenses[0].text().to_string();
    }
    licenses
        .iter()
        .map(|l| {
            let t = l.text();
            if t.contains(' ') {
                format!("({t})")
            } else {
                t.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn ecosystem_of(purl: &str) -> Option<String> {
    let rest = purl.strip_prefix("pkg:")?;
    let kind = rest.split('/').next()?;
    (!kind.is_empty()).then(|| kind.to_string())
}

fn corrupt(col: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("column {col} does not hold the expected JSON: {e}"))
}

fn product_from_row(row: &AnyRow) -> Result<Product> {
    Ok(Product {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        name: text(row, "name")?,
        description: text(row, "description")?,
        node_id: opt_text(row, "node_id")?,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
    })
}

fn version_from_row(row: &AnyRow) -> Result<ProductVersion> {
    Ok(ProductVersion {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        product_id: text(row, "product_id")?,
        version: text(row, "version")?,
        created_at: text(row, "created_at")?,
    })
}

fn sbom_from_row(row: &AnyRow) -> Result<SbomRecord> {
    Ok(SbomRecord {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        version_id: text(row, "version_id")?,
        blob_sha256: text(row, "blob_sha256")?,
        format: text(row, "format")?,
        encoding: text(row, "encoding")?,
        spec_version: text(row, "spec_version")?,
        filename: text(row, "filename")?,
        serial: opt_text(row, "serial")?,
        component_count: int(row, "component_count")?,
        components_read: int(row, "components_read")?,
        warnings: serde_json::from_str(&text(row, "warnings")?)
            .map_err(|e| corrupt("warnings", e))?,
        ingested_at: text(row, "ingested_at")?,
    })
}

fn hashes_from_row(row: &AnyRow) -> Result<Vec<ComponentHash>> {
    serde_json::from_str(&text(row, "hashes")?).map_err(|e| corrupt("hashes", e))
}

fn details_from_row(row: &AnyRow) -> Result<Details> {
    serde_json::from_str(&text(row, "details")?).map_err(|e| corrupt("details", e))
}

fn stored_component_from_row(row: &AnyRow) -> Result<StoredComponent> {
    let details = details_from_row(row)?;
    Ok(StoredComponent {
        seq: int(row, "seq")?,
        bom_ref: opt_text(row, "bom_ref")?,
        kind: details.kind.cyclonedx_name().to_string(),
        name: text(row, "name")?,
        version: opt_text(row, "version")?,
        group: opt_text(row, "component_group")?,
        purl: opt_text(row, "purl")?,
        ecosystem: opt_text(row, "ecosystem")?,
        licenses: text(row, "licenses")?,
        hashes: hashes_from_row(row)?,
        cpe: details.cpe,
        supplier: details.supplier,
        parent: details.parent,
    })
}

fn model_component_from_row(row: &AnyRow) -> Result<Component> {
    let details = details_from_row(row)?;
    Ok(Component {
        bom_ref: opt_text(row, "bom_ref")?,
        kind: details.kind,
        name: text(row, "name")?,
        version: opt_text(row, "version")?,
        group: opt_text(row, "component_group")?,
        purl: opt_text(row, "purl")?,
        cpe: details.cpe,
        hashes: hashes_from_row(row)?
            .into_iter()
            .map(|h| Hash {
                algorithm: h.algorithm,
                value: h.value,
            })
            .collect(),
        licenses: details.licenses,
        supplier: details.supplier,
        description: details.description,
        scope: details.scope,
        properties: details.properties,
        parent: details.parent,
    })
}

fn check(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// A reader error as an input problem that names where the document went wrong.
fn sbom_problem(e: SbomError) -> StoreError {
    StoreError::invalid("sbom", e.to_string())
}

/// One component prepared for its row.
struct ComponentRow {
    bom_ref: Option<String>,
    name: String,
    version: Option<String>,
    group: Option<String>,
    purl: Option<String>,
    ecosystem: Option<String>,
    licenses: String,
    hashes: String,
    details: String,
    /// `<OSV ecosystem>/<normalised name>`, the portfolio's lookup key (see `crate::portfolio`).
    package_key: Option<String>,
}

impl ComponentRow {
    fn from_component(c: Component) -> ComponentRow {
        let canonical = c.purl.as_deref().map(canonical_purl);
        let purl_as_written = match (&c.purl, &canonical) {
            (Some(written), Some(canonical)) if written != canonical => Some(written.clone()),
            _ => None,
        };
        let hashes: Vec<ComponentHash> = c
            .hashes
            .iter()
            .map(|h| ComponentHash {
                algorithm: h.algorithm.clone(),
                value: h.value.clone(),
            })
            .collect();
        let licenses = licenses_text(&c.licenses);
        let details = Details {
            kind: c.kind,
            cpe: c.cpe,
            supplier: c.supplier,
            description: c.description,
            scope: c.scope,
            properties: c.properties,
            parent: c.parent,
            licenses: c.licenses,
            purl_as_written,
        };
        ComponentRow {
            package_key: canonical
                .as_deref()
                .and_then(crate::portfolio::package_key_of_purl),
            bom_ref: c.bom_ref,
            name: c.name,
            version: c.version,
            group: c.group,
            ecosystem: canonical.as_deref().and_then(ecosystem_of),
            purl: canonical,
            licenses,
            hashes: snapshot(&hashes),
            details: snapshot(&details),
        }
    }
}

/// The reader's sink for streamed ingestion: drops repeated identities (renaming their
/// references, see [`sanso_sbom::dedupe::StreamDeduper`]), prepares rows, and sends them in
/// batches to the task that writes them.
struct StreamingSink {
    dedupe: sanso_sbom::dedupe::StreamDeduper,
    batch: Vec<ComponentRow>,
    sender: tokio::sync::mpsc::Sender<Vec<ComponentRow>>,
    read: usize,
    stored: usize,
}

type SinkError = Box<dyn std::error::Error + Send + Sync>;

impl StreamingSink {
    fn flush(&mut self) -> std::result::Result<(), SinkError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(COMPONENT_BATCH));
        // Fails only when the writer stopped (a database error, reported by the writer itself).
        self.sender
            .blocking_send(batch)
            .map_err(|_| "the database stopped accepting components".into())
    }
}

impl sanso_sbom::sink::ComponentSink for StreamingSink {
    fn accept(&mut self, component: Component) -> std::result::Result<(), SinkError> {
        self.read += 1;
        let mut component = component;
        if !self.dedupe.admit(&mut component) {
            return Ok(());
        }
        self.stored += 1;
        self.batch.push(ComponentRow::from_component(component));
        if self.batch.len() >= COMPONENT_BATCH {
            self.flush()?;
        }
        Ok(())
    }
}

fn insert_sql(backend: crate::Backend, rows: usize) -> String {
    crate::rows::multi_row_insert(backend, "sbom_components", COMPONENT_COLUMNS, 13, rows)
}

async fn insert_components(
    tx: &mut WriteTx,
    workspace_id: &str,
    sbom_id: &str,
    components: Vec<Component>,
) -> Result<()> {
    let full_batch = insert_sql(tx.backend(), COMPONENT_BATCH);
    let mut seq: i64 = 0;
    let mut iter = components.into_iter().peekable();
    while iter.peek().is_some() {
        let batch: Vec<ComponentRow> = iter
            .by_ref()
            .take(COMPONENT_BATCH)
            .map(ComponentRow::from_component)
            .collect();
        insert_rows(tx, workspace_id, sbom_id, &mut seq, batch, &full_batch).await?;
    }
    Ok(())
}

/// Writes one batch of prepared rows (at most [`COMPONENT_BATCH`]) with one INSERT.
async fn insert_rows(
    tx: &mut WriteTx,
    workspace_id: &str,
    sbom_id: &str,
    seq: &mut i64,
    batch: Vec<ComponentRow>,
    full_batch: &str,
) -> Result<()> {
    {
        let partial;
        let sql = if batch.len() == COMPONENT_BATCH {
            full_batch
        } else {
            partial = insert_sql(tx.backend(), batch.len());
            partial.as_str()
        };
        let mut q = sqlx::query(sql);
        for row in batch {
            q = q
                .bind(sbom_id.to_string())
                .bind(*seq)
                .bind(workspace_id.to_string())
                .bind(row.bom_ref)
                .bind(row.name)
                .bind(row.version)
                .bind(row.group)
                .bind(row.purl)
                .bind(row.ecosystem)
                .bind(row.licenses)
                .bind(row.hashes)
                .bind(row.details)
                .bind(row.package_key);
            *seq += 1;
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

async fn get_product_in(tx: &mut WriteTx, workspace_id: &str, id: &str) -> Result<Product> {
    let row = sqlx::query(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    product_from_row(&row)
}

async fn get_version_in(tx: &mut WriteTx, workspace_id: &str, id: &str) -> Result<ProductVersion> {
    let row = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} FROM product_versions WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    version_from_row(&row)
}

/// Checks a product input; the node, when given, must be a component node of this workspace.
async fn validate_product(
    tx: &mut WriteTx,
    workspace_id: &str,
    input: &ProductInput,
) -> Result<()> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    } else if name.chars().count() > 200 {
        errors.push(FieldError::new("name", "must be at most 200 characters"));
    }
    if let Some(node_id) = &input.node_id {
        let kind: Option<String> =
            sqlx::query_scalar("SELECT kind FROM nodes WHERE workspace_id = $1 AND id = $2")
                .bind(workspace_id)
                .bind(node_id)
                .fetch_optional(tx.conn())
                .await?;
        match kind {
            None => errors.push(FieldError::new(
                "node_id",
                format!("no node \"{node_id}\" in this workspace"),
            )),
            Some(k) if k != NodeKind::Component.as_str() => errors.push(FieldError::new(
                "node_id",
                format!("node \"{node_id}\" is a {k} node; a product must be a component node"),
            )),
            Some(_) => {}
        }
    }
    check(errors)
}

impl Store {
    pub async fn list_products(&self, workspace_id: &str) -> Result<Vec<Product>> {
        let rows = sqlx::query(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE workspace_id = $1 ORDER BY name, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(product_from_row).collect()
    }

    pub async fn get_product(&self, workspace_id: &str, id: &str) -> Result<Product> {
        let row = sqlx::query(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        product_from_row(&row)
    }

    pub async fn create_product(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: ProductInput,
    ) -> Result<Product> {
        let mut tx = self.write().await?;
        validate_product(&mut tx, workspace_id, &input).await?;
        let now = sanso_core::now_timestamp();
        let product = Product {
            id: sanso_core::new_id(),
            workspace_id: workspace_id.to_string(),
            name: input.name.trim().to_string(),
            description: input.description,
            node_id: input.node_id,
            created_at: now.clone(),
            updated_at: now,
        };
        sqlx::query(&format!(
            "INSERT INTO products ({PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(&product.id)
        .bind(&product.workspace_id)
        .bind(&product.name)
        .bind(&product.description)
        .bind(&product.node_id)
        .bind(&product.created_at)
        .bind(&product.updated_at)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "product.create",
            "product",
            &product.id,
            None,
            Some(snapshot(&product)),
        )
        .await?;
        tx.commit().await?;
        Ok(product)
    }

    pub async fn update_product(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        input: ProductInput,
    ) -> Result<Product> {
        let mut tx = self.write().await?;
        let before = get_product_in(&mut tx, workspace_id, id).await?;
        validate_product(&mut tx, workspace_id, &input).await?;
        let after = Product {
            name: input.name.trim().to_string(),
            description: input.description,
            node_id: input.node_id,
            updated_at: sanso_core::now_timestamp(),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE products SET name = $1, description = $2, node_id = $3, updated_at = $4 WHERE workspace_id = $5 AND id = $6",
        )
        .bind(&after.name)
        .bind(&after.description)
        .bind(&after.node_id)
        .bind(&after.updated_at)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "product.update",
            "product",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a product with its versions, their SBOMs and components (one audit entry, which
    /// counts what went with it).
    pub async fn delete_product(&self, actor: &Actor, workspace_id: &str, id: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let before = get_product_in(&mut tx, workspace_id, id).await?;
        let (versions, sboms): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM product_versions WHERE workspace_id = $1 AND product_id = $2), \
             (SELECT COUNT(*) FROM sboms s JOIN product_versions v ON v.id = s.version_id WHERE v.workspace_id = $1 AND v.product_id = $2)",
        )
        .bind(workspace_id)
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
        sqlx::query("DELETE FROM products WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "product.delete",
            "product",
            id,
            Some(snapshot(&serde_json::json!({
                "product": before,
                "versions_deleted": versions,
                "sboms_deleted": sboms,
            }))),
            None,
        )
        .await?;
        tx.commit().await
    }

    pub async fn list_versions(
        &self,
        workspace_id: &str,
        product_id: &str,
    ) -> Result<Vec<ProductVersion>> {
        self.get_product(workspace_id, product_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM product_versions WHERE workspace_id = $1 AND product_id = $2 ORDER BY created_at, id"
        ))
        .bind(workspace_id)
        .bind(product_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(version_from_row).collect()
    }

    pub async fn get_version(&self, workspace_id: &str, id: &str) -> Result<ProductVersion> {
        let row = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM product_versions WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        version_from_row(&row)
    }

    pub async fn create_version(
        &self,
        actor: &Actor,
        workspace_id: &str,
        product_id: &str,
        input: VersionInput,
    ) -> Result<ProductVersion> {
        let label = input.version.trim().to_string();
        if label.is_empty() {
            return Err(StoreError::invalid("version", "must not be empty"));
        }
        if label.chars().count() > 100 {
            return Err(StoreError::invalid(
                "version",
                "must be at most 100 characters",
            ));
        }
        let mut tx = self.write().await?;
        get_product_in(&mut tx, workspace_id, product_id).await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM product_versions WHERE product_id = $1 AND version = $2",
        )
        .bind(product_id)
        .bind(&label)
        .fetch_one(tx.conn())
        .await?;
        if taken > 0 {
            return Err(StoreError::Conflict(format!(
                "the product already has a version \"{label}\""
            )));
        }
        let version = ProductVersion {
            id: sanso_core::new_id(),
            workspace_id: workspace_id.to_string(),
            product_id: product_id.to_string(),
            version: label,
            created_at: sanso_core::now_timestamp(),
        };
        sqlx::query(&format!(
            "INSERT INTO product_versions ({VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
        ))
        .bind(&version.id)
        .bind(&version.workspace_id)
        .bind(&version.product_id)
        .bind(&version.version)
        .bind(&version.created_at)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "product_version.create",
            "product_version",
            &version.id,
            None,
            Some(snapshot(&version)),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Deletes a version with its SBOMs and their components.
    pub async fn delete_version(&self, actor: &Actor, workspace_id: &str, id: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let before = get_version_in(&mut tx, workspace_id, id).await?;
        let sboms: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sboms WHERE workspace_id = $1 AND version_id = $2",
        )
        .bind(workspace_id)
        .bind(id)
        .fetch_one(tx.conn())
        .await?;
        sqlx::query("DELETE FROM product_versions WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "product_version.delete",
            "product_version",
            id,
            Some(snapshot(&serde_json::json!({
                "version": before,
                "sboms_deleted": sboms,
            }))),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// Parses, de-duplicates and stores an SBOM for a product version, all in one transaction.
    /// The original bytes go to the blob store. A document that cannot be read stores nothing and
    /// the error names where it broke.
    pub async fn ingest_sbom(
        &self,
        actor: &Actor,
        workspace_id: &str,
        version_id: &str,
        bytes: Vec<u8>,
        filename: &str,
    ) -> Result<SbomRecord> {
        // Fail fast (and leak nothing) for a version the caller cannot see.
        self.get_version(workspace_id, version_id).await?;
        let (sbom, bytes) = tokio::task::spawn_blocking(move || {
            let options = ReadOptions {
                max_bytes: MAX_SBOM_BYTES,
            };
            let parsed = sanso_sbom::read_sbom(bytes.as_slice(), &options).map(|mut sbom| {
                let report = dedupe(&mut sbom);
                (sbom, report)
            });
            (parsed, bytes)
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("SBOM parsing stopped: {e}")))?;
        let (sbom, report) = sbom.map_err(sbom_problem)?;
        let format = format_name(sbom.format);
        let encoding = encoding_name(sbom.encoding);
        let sha = self.put_blob(&bytes, media_type(format, encoding)).await?;
        drop(bytes);
        let mut warnings: Vec<SbomWarning> = sbom
            .warnings
            .iter()
            .map(|w| SbomWarning {
                location: w.location.clone(),
                message: w.message.clone(),
            })
            .collect();
        if report.components_before != report.components_after {
            warnings.push(SbomWarning {
                location: "components".into(),
                message: format!(
                    "{} duplicate components merged ({} read, {} stored)",
                    report.components_before - report.components_after,
                    report.components_before,
                    report.components_after
                ),
            });
        }
        let record = SbomRecord {
            id: sanso_core::new_id(),
            workspace_id: workspace_id.to_string(),
            version_id: version_id.to_string(),
            blob_sha256: sha,
            format: format.to_string(),
            encoding: encoding.to_string(),
            spec_version: sbom.spec_version.clone(),
            filename: filename.trim().chars().take(255).collect(),
            serial: sbom.serial.clone(),
            component_count: report.components_after as i64,
            components_read: report.components_before as i64,
            warnings,
            ingested_at: sanso_core::now_timestamp(),
        };
        let Sbom {
            metadata,
            components,
            dependencies,
            ..
        } = sbom;
        let mut tx = self.write().await?;
        // The version may have gone while the document was parsed.
        get_version_in(&mut tx, workspace_id, version_id).await?;
        sqlx::query(&format!(
            "INSERT INTO sboms ({SBOM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(&record.id)
        .bind(&record.workspace_id)
        .bind(&record.version_id)
        .bind(&record.blob_sha256)
        .bind(&record.format)
        .bind(&record.encoding)
        .bind(&record.spec_version)
        .bind(&record.filename)
        .bind(&record.serial)
        .bind(record.component_count)
        .bind(record.components_read)
        .bind(snapshot(&metadata))
        .bind(snapshot(&dependencies))
        .bind(snapshot(&record.warnings))
        .bind(&record.ingested_at)
        .execute(tx.conn())
        .await?;
        insert_components(&mut tx, workspace_id, &record.id, components).await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "sbom.ingest",
            "sbom",
            &record.id,
            None,
            Some(snapshot(&record)),
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Streams an SBOM file (an upload spooled to disk) into the store: the reader hands each
    /// component to a sink that drops repeated identities (the first occurrence is kept) and
    /// sends prepared rows in batches to this task, which writes them with multi-row INSERTs in
    /// the one write transaction, so no whole-document component list is ever held. A document
    /// that breaks off or is malformed rolls the transaction back: nothing is stored, and the
    /// error names where the reader stopped. The original goes to the blob store, hashed while
    /// copied.
    pub async fn ingest_sbom_file(
        &self,
        actor: &Actor,
        workspace_id: &str,
        version_id: &str,
        path: &std::path::Path,
        filename: &str,
    ) -> Result<SbomRecord> {
        self.get_version(workspace_id, version_id).await?;
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<ComponentRow>>(4);
        let source = path.to_path_buf();
        let parse = tokio::task::spawn_blocking(move || {
            let options = ReadOptions {
                max_bytes: MAX_SBOM_BYTES,
            };
            let mut sink = StreamingSink {
                dedupe: sanso_sbom::dedupe::StreamDeduper::new(),
                batch: Vec::with_capacity(COMPONENT_BATCH),
                sender,
                read: 0,
                stored: 0,
            };
            let mut sbom = sanso_sbom::read_sbom_path_into(&source, &options, &mut sink)?;
            sink.flush().map_err(|e| SbomError::Sink {
                location: "end of document".into(),
                source: e,
            })?;
            sbom.dependencies = sink
                .dedupe
                .merge_dependencies(std::mem::take(&mut sbom.dependencies));
            Ok::<_, SbomError>((sbom, sink.read, sink.stored))
        });
        let id = sanso_core::new_id();
        let now = sanso_core::now_timestamp();
        let name: String = filename.trim().chars().take(255).collect();
        let mut tx = self.write().await?;
        get_version_in(&mut tx, workspace_id, version_id).await?;
        // The row first (components refer to it); what only the finished parse knows is set below.
        sqlx::query(&format!(
            "INSERT INTO sboms ({SBOM_COLUMNS}) VALUES ($1, $2, $3, '', '', '', '', $4, NULL, 0, 0, '{{}}', '[]', '[]', $5)"
        ))
        .bind(&id)
        .bind(workspace_id)
        .bind(version_id)
        .bind(&name)
        .bind(&now)
        .execute(tx.conn())
        .await?;
        let full_batch = insert_sql(tx.backend(), COMPONENT_BATCH);
        let mut seq: i64 = 0;
        while let Some(batch) = receiver.recv().await {
            insert_rows(&mut tx, workspace_id, &id, &mut seq, batch, &full_batch).await?;
        }
        let (sbom, read, stored) = parse
            .await
            .map_err(|e| StoreError::Corrupt(format!("SBOM parsing stopped: {e}")))?
            .map_err(sbom_problem)?;
        let format = format_name(sbom.format);
        let encoding = encoding_name(sbom.encoding);
        let blobs = self.blobs().clone();
        let original = path.to_path_buf();
        let (sha, size) = tokio::task::spawn_blocking(move || blobs.put_file(&original))
            .await
            .map_err(|e| StoreError::Corrupt(format!("storing the original stopped: {e}")))??;
        sqlx::query(
            "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&sha)
        .bind(size as i64)
        .bind(media_type(format, encoding))
        .bind(&now)
        .execute(tx.conn())
        .await?;
        let mut warnings: Vec<SbomWarning> = sbom
            .warnings
            .iter()
            .map(|w| SbomWarning {
                location: w.location.clone(),
                message: w.message.clone(),
            })
            .collect();
        if read != stored {
            warnings.push(SbomWarning {
                location: "components".into(),
                message: format!(
                    "{} duplicate components dropped ({read} read, {stored} stored): the first \
                     copy of each is kept, and dependency and parent references to the others \
                     now point to it",
                    read - stored
                ),
            });
        }
        let record = SbomRecord {
            id,
            workspace_id: workspace_id.to_string(),
            version_id: version_id.to_string(),
            blob_sha256: sha,
            format: format.to_string(),
            encoding: encoding.to_string(),
            spec_version: sbom.spec_version.clone(),
            filename: name,
            serial: sbom.serial.clone(),
            component_count: stored as i64,
            components_read: read as i64,
            warnings,
            ingested_at: now,
        };
        sqlx::query(
            "UPDATE sboms SET blob_sha256 = $1, format = $2, encoding = $3, spec_version = $4, serial = $5, \
             component_count = $6, components_read = $7, metadata = $8, dependencies = $9, warnings = $10 \
             WHERE id = $11",
        )
        .bind(&record.blob_sha256)
        .bind(&record.format)
        .bind(&record.encoding)
        .bind(&record.spec_version)
        .bind(&record.serial)
        .bind(record.component_count)
        .bind(record.components_read)
        .bind(snapshot(&sbom.metadata))
        .bind(snapshot(&sbom.dependencies))
        .bind(snapshot(&record.warnings))
        .bind(&record.id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "sbom.ingest",
            "sbom",
            &record.id,
            None,
            Some(snapshot(&record)),
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    pub async fn list_sboms(
        &self,
        workspace_id: &str,
        version_id: &str,
    ) -> Result<Vec<SbomRecord>> {
        self.get_version(workspace_id, version_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {SBOM_COLUMNS} FROM sboms WHERE workspace_id = $1 AND version_id = $2 ORDER BY ingested_at, id"
        ))
        .bind(workspace_id)
        .bind(version_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(sbom_from_row).collect()
    }

    pub async fn get_sbom(&self, workspace_id: &str, id: &str) -> Result<SbomRecord> {
        let row = sqlx::query(&format!(
            "SELECT {SBOM_COLUMNS} FROM sboms WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        sbom_from_row(&row)
    }

    /// Deletes an SBOM and its components (the original stays in the blob store, which is shared).
    pub async fn delete_sbom(&self, actor: &Actor, workspace_id: &str, id: &str) -> Result<()> {
        let before = self.get_sbom(workspace_id, id).await?;
        let mut tx = self.write().await?;
        let n = sqlx::query("DELETE FROM sboms WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(
            actor,
            Some(workspace_id),
            "sbom.delete",
            "sbom",
            id,
            Some(snapshot(&before)),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// A page of an SBOM's components in stored order; `limit` is clamped to 1–1000.
    pub async fn list_sbom_components(
        &self,
        workspace_id: &str,
        sbom_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<ComponentPage> {
        let record = self.get_sbom(workspace_id, sbom_id).await?;
        let offset = offset.max(0);
        let limit = limit.clamp(1, 1000);
        let rows = sqlx::query(&format!(
            "SELECT {COMPONENT_COLUMNS} FROM sbom_components WHERE workspace_id = $1 AND sbom_id = $2 AND seq >= $3 ORDER BY seq LIMIT $4"
        ))
        .bind(workspace_id)
        .bind(sbom_id)
        .bind(offset)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(ComponentPage {
            total: record.component_count,
            offset,
            limit,
            items: rows
                .iter()
                .map(stored_component_from_row)
                .collect::<Result<_>>()?,
        })
    }

    /// The original document as uploaded, with its record.
    pub async fn sbom_original(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<(SbomRecord, Vec<u8>)> {
        let record = self.get_sbom(workspace_id, id).await?;
        let bytes = self.blobs().get(&record.blob_sha256).map_err(|e| match e {
            StoreError::NotFound => StoreError::Corrupt(format!(
                "the original of SBOM {id} (blob {}) is missing from the blob store",
                record.blob_sha256
            )),
            other => other,
        })?;
        Ok((record, bytes))
    }

    /// The stored SBOM as the neutral model (components after de-duplication, canonical purls),
    /// for the writers.
    pub async fn sbom_document(&self, workspace_id: &str, id: &str) -> Result<Sbom> {
        let row = sqlx::query(&format!(
            "SELECT {SBOM_COLUMNS} FROM sboms WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let record = sbom_from_row(&row)?;
        let metadata: Metadata =
            serde_json::from_str(&text(&row, "metadata")?).map_err(|e| corrupt("metadata", e))?;
        let dependencies: Vec<Dependency> = serde_json::from_str(&text(&row, "dependencies")?)
            .map_err(|e| corrupt("dependencies", e))?;
        let rows = sqlx::query(&format!(
            "SELECT {COMPONENT_COLUMNS} FROM sbom_components WHERE workspace_id = $1 AND sbom_id = $2 ORDER BY seq"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let components = rows
            .iter()
            .map(model_component_from_row)
            .collect::<Result<Vec<_>>>()?;
        let (format, encoding) = match (record.format.as_str(), record.encoding.as_str()) {
            ("spdx", "tag-value") => (SbomFormat::Spdx, Encoding::TagValue),
            ("spdx", "xml") => (SbomFormat::Spdx, Encoding::Xml),
            ("spdx", _) => (SbomFormat::Spdx, Encoding::Json),
            (_, "xml") => (SbomFormat::CycloneDx, Encoding::Xml),
            _ => (SbomFormat::CycloneDx, Encoding::Json),
        };
        let mut sbom = Sbom::new(format, encoding, record.spec_version);
        sbom.serial = record.serial;
        sbom.metadata = metadata;
        sbom.components = components;
        sbom.dependencies = dependencies;
        Ok(sbom)
    }
}

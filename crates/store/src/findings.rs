//! What a workspace knows about its findings beyond the raw match: VEX documents and their
//! statements, triage decisions, the licence policy, and the findings dashboard.
//!
//! VEX is stored as statements, never as a changed finding: [`Store::version_findings_full`] takes
//! the scan of [`Store::version_findings`] and applies every statement that is in force for the
//! version at that moment, so VEX uploaded before the SBOM, after it, or before a new advisory
//! arrives gives the same answer. Statements are keyed by vulnerability ID or any alias (the alias
//! groups come from the stored OSV data) and by product/component purl (a version-less purl covers
//! all versions). A statement's product given only by identifier or name (CSAF product IDs) is
//! read as a sanso product when the upload was scoped to a product, or when its name names the
//! product ("Example Company ABC 4.2" names product `ABC`, version `4.2`).
//!
//! Triage is an append-only list of events per (product, vulnerability group, component without
//! version); the latest event for a finding decides its state, including events recorded on an
//! earlier version of the same product — that is how a decision carries to the next version.

use std::collections::{BTreeMap, HashMap};

use sanso_pkgver::PackageUrl;
use sanso_vuln::licence::{LicenceEvaluation, LicencePolicy, LicenceRule, LicenceVerdict};
use sanso_vuln::scan::Finding;
use sanso_vuln::vex::{
    range_contains, Justification, ProductContext, VexProduct, VexSet, VexStatement, VexStatus,
};
use sanso_vuln::Severity;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::rows::{int, opt_text, text};
use crate::software::ProductVersion;
use crate::tx::{snapshot, Actor};
use crate::{Result, Store, StoreError};

/// The largest VEX document accepted.
pub const MAX_VEX_BYTES: usize = 32 << 20;

/// Warnings listed one by one before the rest is summarised.
const WARNING_LIMIT: usize = 50;

/// The id given to a sanso product version in the product context of VEX matching.
fn context_id(version_id: &str) -> String {
    format!("sanso:version:{version_id}")
}

/// A stored VEX document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VexDocument {
    pub id: String,
    pub workspace_id: String,
    /// SHA-256 of the original in the blob store.
    pub blob_sha256: String,
    pub filename: String,
    /// `openvex`, `cyclonedx` or `csaf`.
    pub format: String,
    pub author: Option<String>,
    /// The document's own identifier (OpenVEX `@id`, CycloneDX serial, CSAF tracking id).
    pub document_ref: Option<String>,
    /// The document's own timestamp.
    pub document_time: Option<String>,
    /// The product the upload was scoped to, if any.
    pub scope_product_id: Option<String>,
    /// The product version the upload was scoped to, if any.
    pub scope_version_id: Option<String>,
    pub statement_count: i64,
    /// Statements naming nothing known in the workspace (they are kept and apply once it is).
    pub warnings: Vec<String>,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// Where an uploaded VEX document applies.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
pub struct VexScope {
    /// Apply only to this product's versions; products given only by ID in the document are this product.
    pub product_id: Option<String>,
    /// Apply only to this version (implies its product).
    pub version_id: Option<String>,
}

/// One stored statement with its scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredStatement {
    pub id: String,
    pub document_id: String,
    pub seq: i64,
    pub scope_product_id: Option<String>,
    pub scope_version_id: Option<String>,
    /// The statement (OpenVEX vocabulary: vulnerability, products, subcomponents, status, …).
    #[schema(value_type = Object)]
    pub statement: VexStatement,
}

/// Triage states of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TriageState {
    InTriage,
    Exploitable,
    NotAffected,
    FalsePositive,
    Fixed,
}

impl TriageState {
    pub const ALL: [TriageState; 5] = [
        TriageState::InTriage,
        TriageState::Exploitable,
        TriageState::NotAffected,
        TriageState::FalsePositive,
        TriageState::Fixed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TriageState::InTriage => "in_triage",
            TriageState::Exploitable => "exploitable",
            TriageState::NotAffected => "not_affected",
            TriageState::FalsePositive => "false_positive",
            TriageState::Fixed => "fixed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// True when a finding in this state no longer needs action.
    pub fn closes(self) -> bool {
        matches!(
            self,
            TriageState::NotAffected | TriageState::FalsePositive | TriageState::Fixed
        )
    }
}

/// A triage decision to record.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageInput {
    /// Any ID of the vulnerability (CVE, GHSA, RUSTSEC, …).
    pub vulnerability_id: String,
    /// The component's purl (with or without version).
    pub component: String,
    pub state: TriageState,
    /// Required for `not_affected`: an OpenVEX justification (`vulnerable_code_not_present`, …).
    #[serde(default)]
    pub justification: Option<String>,
    #[serde(default)]
    pub comment: String,
}

/// One recorded triage decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TriageEvent {
    pub id: String,
    pub product_id: String,
    /// The version it was recorded on (gone when that version was deleted).
    pub version_id: Option<String>,
    pub vulnerability_id: String,
    /// Every ID of the vulnerability when it was recorded.
    pub vulnerability_ids: Vec<String>,
    /// The component without version (`pkg:cargo/smallvec`).
    pub component_key: String,
    pub state: TriageState,
    pub justification: Option<String>,
    pub comment: String,
    pub actor: String,
    pub created_at: String,
}

/// A finding with what the workspace says about it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionFinding {
    /// The match: component, vulnerability ID, every alias, advisories with the matched range,
    /// severity, fixed versions and the VEX statement applied (`vex`).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub finding: Finding,
    /// The ranges that matched, as one line.
    pub matched_ranges: String,
    /// The component without version, the key triage uses.
    pub component_key: String,
    /// The component's supplier as the SBOM names it.
    pub supplier: Option<String>,
    /// The triage decision in force (possibly recorded on an earlier version).
    pub triage: Option<TriageEvent>,
    /// Set when `triage` was recorded on another version: that version's label.
    pub triage_carried_from: Option<String>,
    /// False when VEX (not_affected, fixed) or triage (not_affected, false_positive, fixed) closes it.
    pub active: bool,
}

/// All findings of one product version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionFindings {
    pub product_id: String,
    pub version_id: String,
    pub version: String,
    pub components_scanned: usize,
    pub findings: Vec<VersionFinding>,
    pub warnings: Vec<String>,
}

/// A licence policy with whether it is the built-in default.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredPolicy {
    /// allow / deny / review lists (SPDX ids or `{"category": …}`) and the default outcome.
    #[schema(value_type = Object)]
    pub policy: LicencePolicy,
    /// True when the workspace has not set one (the `distributed-firmware` preset applies).
    pub is_default: bool,
    pub updated_at: Option<String>,
}

/// One component's licence outcome, when it is not simply allowed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LicenceIssue {
    pub component: String,
    pub version: Option<String>,
    pub purl: Option<String>,
    /// `violation`, `needs_review` or `unknown` plus licences, rules and reason.
    #[schema(value_type = Object)]
    pub evaluation: LicenceEvaluation,
}

/// Licence outcomes for one product version.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LicenceReport {
    pub version_id: String,
    pub policy_name: String,
    pub components: usize,
    pub allowed: usize,
    pub violations: usize,
    pub needs_review: usize,
    pub unknown: usize,
    pub issues: Vec<LicenceIssue>,
}

/// A count under a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LabelCount {
    pub label: String,
    /// The object the label names (product id), when there is one.
    pub id: Option<String>,
    pub count: usize,
}

/// Open findings of the latest version of every product.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// Findings that still need action.
    pub open: usize,
    /// Findings closed by VEX or triage.
    pub closed: usize,
    pub versions_scanned: usize,
    /// Open findings per severity, highest first (all five bands, zero included).
    pub by_severity: Vec<LabelCount>,
    pub by_product: Vec<LabelCount>,
    /// Open findings per component supplier (empty label: the SBOM names none).
    pub by_supplier: Vec<LabelCount>,
}

/// The component without its version and qualifiers, the identity triage carries over.
pub fn component_key(purl: Option<&str>, ecosystem: &str, name: &str) -> String {
    match purl.and_then(|p| PackageUrl::parse(p).ok()) {
        Some(mut p) => {
            p.version = None;
            p.qualifiers.clear();
            p.subpath = None;
            p.to_canonical_string()
        }
        None => format!("{ecosystem}/{name}"),
    }
}

fn corrupt(col: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {col}: {e}"))
}

fn json_col<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    serde_json::from_str(&text(row, col)?).map_err(|e| corrupt(col, e))
}

const DOCUMENT_COLUMNS: &str = "id, workspace_id, blob_sha256, filename, format, author, document_ref, \
     document_time, scope_product_id, scope_version_id, statement_count, warnings, uploaded_by, uploaded_at";
const STATEMENT_COLUMNS: &str =
    "id, workspace_id, document_id, seq, vulnerability_id, vulnerability_aliases, \
     products, subcomponents, scope_product_id, scope_version_id, status, justification, \
     impact_statement, action_statement, statement_time, source";
const TRIAGE_COLUMNS: &str =
    "id, workspace_id, product_id, version_id, vulnerability_id, vulnerability_ids, \
     component_key, state, justification, comment, actor, created_at";

fn document_from_row(row: &AnyRow) -> Result<VexDocument> {
    Ok(VexDocument {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        blob_sha256: text(row, "blob_sha256")?,
        filename: text(row, "filename")?,
        format: text(row, "format")?,
        author: opt_text(row, "author")?,
        document_ref: opt_text(row, "document_ref")?,
        document_time: opt_text(row, "document_time")?,
        scope_product_id: opt_text(row, "scope_product_id")?,
        scope_version_id: opt_text(row, "scope_version_id")?,
        statement_count: int(row, "statement_count")?,
        warnings: json_col(row, "warnings")?,
        uploaded_by: text(row, "uploaded_by")?,
        uploaded_at: text(row, "uploaded_at")?,
    })
}

fn status_from(s: &str) -> Option<VexStatus> {
    Some(match s {
        "not_affected" => VexStatus::NotAffected,
        "affected" => VexStatus::Affected,
        "fixed" => VexStatus::Fixed,
        "under_investigation" => VexStatus::UnderInvestigation,
        _ => return None,
    })
}

fn statement_from_row(row: &AnyRow) -> Result<StoredStatement> {
    let status_text = text(row, "status")?;
    let status = status_from(&status_text).ok_or_else(|| corrupt("status", &status_text))?;
    let justification_text = opt_text(row, "justification")?;
    let justification = justification_text
        .as_deref()
        .and_then(Justification::from_openvex);
    Ok(StoredStatement {
        id: text(row, "id")?,
        document_id: text(row, "document_id")?,
        seq: int(row, "seq")?,
        scope_product_id: opt_text(row, "scope_product_id")?,
        scope_version_id: opt_text(row, "scope_version_id")?,
        statement: VexStatement {
            vulnerability: text(row, "vulnerability_id")?,
            vulnerability_aliases: json_col(row, "vulnerability_aliases")?,
            products: json_col(row, "products")?,
            subcomponents: json_col(row, "subcomponents")?,
            status,
            // A justification without an OpenVEX equivalent (CycloneDX words) is kept as text.
            justification_text: if justification.is_none() {
                justification_text
            } else {
                None
            },
            justification,
            impact_statement: opt_text(row, "impact_statement")?,
            action_statement: opt_text(row, "action_statement")?,
            timestamp: opt_text(row, "statement_time")?,
            source: opt_text(row, "source")?,
        },
    })
}

fn triage_from_row(row: &AnyRow) -> Result<TriageEvent> {
    let state_text = text(row, "state")?;
    Ok(TriageEvent {
        id: text(row, "id")?,
        product_id: text(row, "product_id")?,
        version_id: opt_text(row, "version_id")?,
        vulnerability_id: text(row, "vulnerability_id")?,
        vulnerability_ids: json_col(row, "vulnerability_ids")?,
        component_key: text(row, "component_key")?,
        state: TriageState::parse(&state_text).ok_or_else(|| corrupt("state", &state_text))?,
        justification: opt_text(row, "justification")?,
        comment: text(row, "comment")?,
        actor: text(row, "actor")?,
        created_at: text(row, "created_at")?,
    })
}

/// Format, author, identifier and time of a VEX document, read the way each dialect writes them.
fn document_facts(
    value: &serde_json::Value,
) -> (&'static str, Option<String>, Option<String>, Option<String>) {
    let s = |p: &str| {
        value
            .pointer(p)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    if value.get("statements").is_some() || s("/@context").is_some_and(|c| c.contains("openvex")) {
        ("openvex", s("/author"), s("/@id"), s("/timestamp"))
    } else if value.get("bomFormat").is_some() {
        let author = s("/metadata/authors/0/name")
            .or_else(|| s("/metadata/manufacturer/name"))
            .or_else(|| s("/metadata/supplier/name"));
        (
            "cyclonedx",
            author,
            s("/serialNumber"),
            s("/metadata/timestamp"),
        )
    } else {
        (
            "csaf",
            s("/document/publisher/name"),
            s("/document/tracking/id"),
            s("/document/tracking/current_release_date"),
        )
    }
}

/// True when the free-text product name `vex_name` names sanso product `product` at `version`
/// ("Example Company ABC 4.2" names ABC 4.2; "ABC >=2.9|<=4.1" names ABC 3.0; "ABC" names every
/// version). Names are compared case-insensitively and as whole words.
pub fn name_names_version(vex_name: &str, product: &str, version: &str) -> bool {
    let n = vex_name.trim().to_lowercase();
    let p = product.trim().to_lowercase();
    if p.is_empty() {
        return false;
    }
    let rest = if let Some(r) = n.strip_prefix(&p) {
        r
    } else if let Some(pos) = n.find(&format!(" {p}")) {
        &n[pos + 1 + p.len()..]
    } else {
        return false;
    };
    let rest = rest.trim();
    if rest.is_empty() {
        // Only "ABC" or "… ABC" followed by nothing: the whole product.
        return n == p || n.ends_with(&format!(" {p}"));
    }
    if !n[..n.len() - rest.len()].ends_with(' ') {
        return false; // "ABCD" is not "ABC"
    }
    let v = version.trim().to_lowercase();
    rest == v
        || rest == format!("v{v}")
        || (rest.contains(['<', '>', '=', '*'])
            && range_contains(&format!("vers:generic/{}", rest.replace(' ', "")), &v)
                .unwrap_or(false))
}

impl Store {
    /// Imports a VEX document (OpenVEX 0.2, CycloneDX VEX or CSAF 2.0, detected from the content)
    /// as statements. Statements naming nothing known in the workspace are kept — VEX may come
    /// before the SBOM — and listed as warnings. A malformed document stores nothing.
    pub async fn import_vex(
        &self,
        actor: &Actor,
        workspace_id: &str,
        bytes: Vec<u8>,
        filename: &str,
        scope: VexScope,
    ) -> Result<VexDocument> {
        if bytes.len() > MAX_VEX_BYTES {
            return Err(StoreError::invalid(
                "vex",
                format!("the document is larger than {} MiB", MAX_VEX_BYTES >> 20),
            ));
        }
        let (scope_product, scope_version) = self.resolve_scope(workspace_id, &scope).await?;
        let filename: String = filename.trim().chars().take(255).collect();
        let filename = if filename.is_empty() {
            "vex.json".to_string()
        } else {
            filename
        };
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            StoreError::invalid(
                "vex",
                format!(
                    "{filename} is not JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let statements = sanso_vuln::vex::import_any(&filename, &bytes)
            .map_err(|e| StoreError::invalid("vex", e.to_string()))?;
        if statements.is_empty() {
            return Err(StoreError::invalid(
                "vex",
                format!(
                    "{filename} holds no VEX statements (no product status for any vulnerability)"
                ),
            ));
        }
        let (format, author, document_ref, document_time) = document_facts(&value);
        let warnings = self
            .unknown_product_warnings(workspace_id, &statements, scope_product.is_some())
            .await?;
        let sha = self.put_blob(&bytes, "application/json").await?;
        let document = VexDocument {
            id: sanso_core::new_id(),
            workspace_id: workspace_id.to_string(),
            blob_sha256: sha,
            filename,
            format: format.to_string(),
            author,
            document_ref,
            document_time,
            scope_product_id: scope_product,
            scope_version_id: scope_version,
            statement_count: statements.len() as i64,
            warnings,
            uploaded_by: actor.label.clone(),
            uploaded_at: sanso_core::now_timestamp(),
        };
        let mut tx = self.write().await?;
        sqlx::query(&format!(
            "INSERT INTO vex_documents ({DOCUMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ))
        .bind(&document.id)
        .bind(&document.workspace_id)
        .bind(&document.blob_sha256)
        .bind(&document.filename)
        .bind(&document.format)
        .bind(&document.author)
        .bind(&document.document_ref)
        .bind(&document.document_time)
        .bind(&document.scope_product_id)
        .bind(&document.scope_version_id)
        .bind(document.statement_count)
        .bind(snapshot(&document.warnings))
        .bind(&document.uploaded_by)
        .bind(&document.uploaded_at)
        .execute(tx.conn())
        .await?;
        for (seq, s) in statements.iter().enumerate() {
            let justification = s
                .justification
                .map(|j| j.as_str().to_string())
                .or_else(|| s.justification_text.clone());
            sqlx::query(&format!(
                "INSERT INTO vex_statements ({STATEMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
            ))
            .bind(sanso_core::new_id())
            .bind(workspace_id)
            .bind(&document.id)
            .bind(seq as i64)
            .bind(&s.vulnerability)
            .bind(snapshot(&s.vulnerability_aliases))
            .bind(snapshot(&s.products))
            .bind(snapshot(&s.subcomponents))
            .bind(&document.scope_product_id)
            .bind(&document.scope_version_id)
            .bind(s.status.as_str())
            .bind(justification)
            .bind(&s.impact_statement)
            .bind(&s.action_statement)
            .bind(s.timestamp.clone().or_else(|| document.document_time.clone()))
            .bind(s.source.clone().or_else(|| Some(document.filename.clone())))
            .execute(tx.conn())
            .await?;
        }
        tx.audit(
            actor,
            Some(workspace_id),
            "vex.import",
            "vex_document",
            &document.id,
            None,
            Some(snapshot(&document)),
        )
        .await?;
        tx.commit().await?;
        Ok(document)
    }

    async fn resolve_scope(
        &self,
        workspace_id: &str,
        scope: &VexScope,
    ) -> Result<(Option<String>, Option<String>)> {
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (product_id, version_id) = (clean(&scope.product_id), clean(&scope.version_id));
        match (product_id, version_id) {
            (None, None) => Ok((None, None)),
            (Some(p), None) => {
                self.get_product(workspace_id, &p)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => {
                            StoreError::invalid("product_id", "no such product in this workspace")
                        }
                        other => other,
                    })?;
                Ok((Some(p), None))
            }
            (p, Some(v)) => {
                let version = self
                    .get_version(workspace_id, &v)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => StoreError::invalid(
                            "version_id",
                            "no such product version in this workspace",
                        ),
                        other => other,
                    })?;
                if p.as_ref().is_some_and(|p| *p != version.product_id) {
                    return Err(StoreError::invalid(
                        "version_id",
                        "the version belongs to another product than product_id",
                    ));
                }
                Ok((Some(version.product_id), Some(v)))
            }
        }
    }

    /// One warning per statement whose products and components match nothing stored now.
    async fn unknown_product_warnings(
        &self,
        workspace_id: &str,
        statements: &[VexStatement],
        scoped: bool,
    ) -> Result<Vec<String>> {
        let versions: Vec<(String, String)> = sqlx::query_as(
            "SELECT p.name, v.version FROM products p JOIN product_versions v ON v.product_id = p.id WHERE p.workspace_id = $1",
        )
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        let product_names: Vec<String> =
            sqlx::query_scalar("SELECT name FROM products WHERE workspace_id = $1")
                .bind(workspace_id)
                .fetch_all(self.pool())
                .await?;
        // Purls per (type, name), fetched once each through the (workspace, ecosystem, name) index.
        let mut purl_cache: HashMap<(String, String), Vec<PackageUrl>> = HashMap::new();
        let mut warnings = Vec::new();
        let mut unknown = 0usize;
        for (i, s) in statements.iter().enumerate() {
            let mut known = false;
            for p in s.products.iter().chain(&s.subcomponents) {
                if let Some(pattern) = p.purl.as_deref().and_then(|u| PackageUrl::parse(u).ok()) {
                    let key = (pattern.ty.clone(), pattern.name.clone());
                    if !purl_cache.contains_key(&key) {
                        let rows: Vec<Option<String>> = sqlx::query_scalar(
                            "SELECT DISTINCT purl FROM sbom_components WHERE workspace_id = $1 AND ecosystem = $2 AND name = $3",
                        )
                        .bind(workspace_id)
                        .bind(&key.0)
                        .bind(&key.1)
                        .fetch_all(self.pool())
                        .await?;
                        let parsed = rows
                            .into_iter()
                            .flatten()
                            .filter_map(|u| PackageUrl::parse(&u).ok())
                            .collect();
                        purl_cache.insert(key.clone(), parsed);
                    }
                    if purl_cache[&key]
                        .iter()
                        .any(|c| sanso_vuln::package::purl_covers(&pattern, c))
                    {
                        known = true;
                    }
                } else if scoped {
                    known = true;
                } else if let Some(name) = &p.name {
                    known |= versions
                        .iter()
                        .any(|(pn, v)| name_names_version(name, pn, v))
                        || product_names
                            .iter()
                            .any(|pn| name_names_version(name, pn, ""));
                }
                if known {
                    break;
                }
            }
            if s.products.is_empty() && s.subcomponents.is_empty() {
                known = true; // applies to whatever it is used with
            }
            if !known {
                unknown += 1;
                if warnings.len() < WARNING_LIMIT {
                    let labels: Vec<&str> = s
                        .products
                        .iter()
                        .chain(&s.subcomponents)
                        .map(VexProduct::label)
                        .collect();
                    let names: Vec<&str> = s
                        .products
                        .iter()
                        .filter_map(|p| p.name.as_deref())
                        .collect();
                    warnings.push(format!(
                        "statement {} ({}): no product or component in this workspace matches {}{}; it is kept and applies once one does",
                        i + 1,
                        s.vulnerability,
                        labels.join(", "),
                        if names.is_empty() { String::new() } else { format!(" ({})", names.join(", ")) }
                    ));
                }
            }
        }
        if unknown > WARNING_LIMIT {
            warnings.push(format!(
                "… and {} more statements for unknown products",
                unknown - WARNING_LIMIT
            ));
        }
        Ok(warnings)
    }

    pub async fn list_vex_documents(&self, workspace_id: &str) -> Result<Vec<VexDocument>> {
        let rows = sqlx::query(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM vex_documents WHERE workspace_id = $1 ORDER BY uploaded_at DESC, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(document_from_row).collect()
    }

    pub async fn get_vex_document(&self, workspace_id: &str, id: &str) -> Result<VexDocument> {
        let row = sqlx::query(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM vex_documents WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        document_from_row(&row)
    }

    /// The statements of one document, in document order.
    pub async fn list_vex_statements(
        &self,
        workspace_id: &str,
        document_id: &str,
    ) -> Result<Vec<StoredStatement>> {
        self.get_vex_document(workspace_id, document_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {STATEMENT_COLUMNS} FROM vex_statements WHERE workspace_id = $1 AND document_id = $2 ORDER BY seq"
        ))
        .bind(workspace_id)
        .bind(document_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(statement_from_row).collect()
    }

    /// Deletes a VEX document and its statements (the findings they changed go back).
    pub async fn delete_vex_document(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
    ) -> Result<()> {
        let before = self.get_vex_document(workspace_id, id).await?;
        let mut tx = self.write().await?;
        let n = sqlx::query("DELETE FROM vex_documents WHERE workspace_id = $1 AND id = $2")
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
            "vex.delete",
            "vex_document",
            id,
            Some(snapshot(&before)),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// The statements in force for a version and the product context they are matched against.
    async fn vex_for_version(
        &self,
        workspace_id: &str,
        version: &ProductVersion,
    ) -> Result<(VexSet, ProductContext)> {
        let product = self.get_product(workspace_id, &version.product_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {STATEMENT_COLUMNS} FROM vex_statements WHERE workspace_id = $1 \
             AND (scope_product_id IS NULL OR scope_product_id = $2) \
             AND (scope_version_id IS NULL OR scope_version_id = $3) \
             ORDER BY statement_time, document_id, seq"
        ))
        .bind(workspace_id)
        .bind(&version.product_id)
        .bind(&version.id)
        .fetch_all(self.pool())
        .await?;
        let me = context_id(&version.id);
        let mut set = VexSet::new();
        for row in &rows {
            let stored = statement_from_row(row)?;
            let scoped = stored.scope_product_id.is_some();
            let mut s = stored.statement;
            // Products without a purl name this version when the upload was scoped to its
            // product, or when their name names it; they are then matched as the scan's product.
            for p in &mut s.products {
                if p.purl.is_none()
                    && (scoped
                        || p.name.as_deref().is_some_and(|n| {
                            name_names_version(n, &product.name, &version.version)
                        }))
                {
                    p.id = Some(me.clone());
                }
            }
            set.add(s);
        }
        // The SBOMs' own described component (CycloneDX metadata.component) is the product too.
        let metas: Vec<String> = sqlx::query_scalar(
            "SELECT metadata FROM sboms WHERE workspace_id = $1 AND version_id = $2 ORDER BY ingested_at, id",
        )
        .bind(workspace_id)
        .bind(&version.id)
        .fetch_all(self.pool())
        .await?;
        let mut context = ProductContext {
            purl: None,
            ids: vec![me],
            version: Some(version.version.clone()),
        };
        for m in metas {
            let meta: serde_json::Value =
                serde_json::from_str(&m).map_err(|e| corrupt("metadata", e))?;
            if let Some(c) = meta.get("component") {
                if context.purl.is_none() {
                    context.purl = c
                        .get("purl")
                        .and_then(|p| p.as_str())
                        .and_then(|p| PackageUrl::parse(p).ok());
                }
                if let Some(r) = c
                    .get("bom_ref")
                    .or_else(|| c.get("bom-ref"))
                    .and_then(|r| r.as_str())
                {
                    context.ids.push(r.to_string());
                }
            }
        }
        Ok((set, context))
    }

    /// Findings of a version with VEX applied and the triage in force, computed now.
    pub async fn version_findings_full(
        &self,
        workspace_id: &str,
        version_id: &str,
    ) -> Result<VersionFindings> {
        let version = self.get_version(workspace_id, version_id).await?;
        let mut report = self.scan_version(workspace_id, version_id).await?;
        let (vex, context) = self.vex_for_version(workspace_id, &version).await?;
        report.set_product(Some(context));
        report.apply_vex(&vex);
        let events = self
            .product_triage(workspace_id, &version.product_id)
            .await?;
        let versions = self
            .list_versions(workspace_id, &version.product_id)
            .await?;
        let labels: HashMap<&str, (&str, &str)> = versions
            .iter()
            .map(|v| (v.id.as_str(), (v.version.as_str(), v.created_at.as_str())))
            .collect();
        let suppliers = self.version_suppliers(workspace_id, version_id).await?;
        let findings = report
            .findings
            .iter()
            .map(|f| {
                let key = component_key(f.component_purl.as_deref(), &f.ecosystem, &f.name);
                let ids = f.all_ids();
                // Latest event for this finding on this version or an earlier one.
                let triage = events
                    .iter()
                    .rfind(|e| {
                        e.component_key == key
                            && e.vulnerability_ids.iter().any(|i| ids.contains(i))
                            && match e.version_id.as_deref().and_then(|v| labels.get(v)) {
                                Some((_, created)) => *created <= version.created_at.as_str(),
                                None => true,
                            }
                    })
                    .cloned();
                let carried = triage.as_ref().and_then(|t| match t.version_id.as_deref() {
                    Some(v) if v == version.id => None,
                    Some(v) => labels.get(v).map(|(l, _)| l.to_string()),
                    None => Some(String::new()),
                });
                let active =
                    !f.is_suppressed() && !triage.as_ref().is_some_and(|t| t.state.closes());
                VersionFinding {
                    matched_ranges: f.matched_ranges(),
                    supplier: f
                        .component_purl
                        .as_ref()
                        .and_then(|p| suppliers.get(p).cloned()),
                    component_key: key,
                    triage,
                    triage_carried_from: carried,
                    active,
                    finding: f.clone(),
                }
            })
            .collect();
        Ok(VersionFindings {
            product_id: version.product_id,
            version_id: version.id,
            version: version.version,
            components_scanned: report.components_scanned,
            findings,
            warnings: report.warnings,
        })
    }

    async fn version_suppliers(
        &self,
        workspace_id: &str,
        version_id: &str,
    ) -> Result<HashMap<String, String>> {
        let rows: Vec<(Option<String>, String)> = sqlx::query_as(
            "SELECT c.purl, c.details FROM sbom_components c JOIN sboms s ON s.id = c.sbom_id \
             WHERE s.workspace_id = $1 AND s.version_id = $2 AND c.purl IS NOT NULL",
        )
        .bind(workspace_id)
        .bind(version_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = HashMap::new();
        for (purl, details) in rows {
            let Some(purl) = purl else { continue };
            let d: serde_json::Value =
                serde_json::from_str(&details).map_err(|e| corrupt("details", e))?;
            if let Some(s) = d
                .get("supplier")
                .and_then(|s| s.as_str())
                .filter(|s| !s.is_empty())
            {
                out.insert(purl, s.to_string());
            }
        }
        Ok(out)
    }

    /// Every triage event of a product, oldest first.
    pub async fn product_triage(
        &self,
        workspace_id: &str,
        product_id: &str,
    ) -> Result<Vec<TriageEvent>> {
        let rows = sqlx::query(&format!(
            "SELECT {TRIAGE_COLUMNS} FROM triage_events WHERE workspace_id = $1 AND product_id = $2 ORDER BY created_at, id"
        ))
        .bind(workspace_id)
        .bind(product_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(triage_from_row).collect()
    }

    /// The audit trail of one finding (vulnerability by any ID, component by purl) across the
    /// versions of the version's product, oldest first.
    pub async fn triage_history(
        &self,
        workspace_id: &str,
        version_id: &str,
        vulnerability_id: &str,
        component: &str,
    ) -> Result<Vec<TriageEvent>> {
        let version = self.get_version(workspace_id, version_id).await?;
        let key = component_key(Some(component), "", component);
        Ok(self
            .product_triage(workspace_id, &version.product_id)
            .await?
            .into_iter()
            .filter(|e| {
                e.component_key == key && e.vulnerability_ids.iter().any(|i| i == vulnerability_id)
            })
            .collect())
    }

    /// Records a triage decision for a finding of this version.
    pub async fn set_triage(
        &self,
        actor: &Actor,
        workspace_id: &str,
        version_id: &str,
        input: TriageInput,
    ) -> Result<TriageEvent> {
        let justification = input
            .justification
            .as_deref()
            .map(str::trim)
            .filter(|j| !j.is_empty());
        if let Some(j) = justification {
            if Justification::from_openvex(j).is_none() {
                return Err(StoreError::invalid(
                    "justification",
                    format!("unknown justification \"{j}\": use component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary or inline_mitigations_already_exist"),
                ));
            }
        }
        if input.state == TriageState::NotAffected && justification.is_none() {
            return Err(StoreError::invalid(
                "justification",
                "required when the state is not_affected",
            ));
        }
        if input.comment.chars().count() > 4000 {
            return Err(StoreError::invalid(
                "comment",
                "must be at most 4000 characters",
            ));
        }
        let findings = self.version_findings_full(workspace_id, version_id).await?;
        let wanted_key = component_key(Some(input.component.trim()), "", input.component.trim());
        let vid = input.vulnerability_id.trim();
        let finding = findings
            .findings
            .iter()
            .find(|f| {
                (f.finding.component_purl.as_deref() == Some(input.component.trim())
                    || f.component_key == wanted_key)
                    && f.finding.all_ids().iter().any(|i| i == vid)
            })
            .ok_or_else(|| {
                StoreError::invalid(
                    "vulnerability_id",
                    format!(
                        "this version has no finding for {vid} in component {}",
                        input.component.trim()
                    ),
                )
            })?;
        let event = TriageEvent {
            id: sanso_core::new_id(),
            product_id: findings.product_id.clone(),
            version_id: Some(findings.version_id.clone()),
            vulnerability_id: finding.finding.vulnerability_id.clone(),
            vulnerability_ids: finding.finding.all_ids(),
            component_key: finding.component_key.clone(),
            state: input.state,
            justification: justification.map(str::to_string),
            comment: input.comment.trim().to_string(),
            actor: actor.label.clone(),
            created_at: sanso_core::now_timestamp(),
        };
        let mut tx = self.write().await?;
        // The version may have gone meanwhile.
        let alive: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM product_versions WHERE workspace_id = $1 AND id = $2",
        )
        .bind(workspace_id)
        .bind(version_id)
        .fetch_one(tx.conn())
        .await?;
        if alive == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(&format!(
            "INSERT INTO triage_events ({TRIAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&event.id)
        .bind(workspace_id)
        .bind(&event.product_id)
        .bind(&event.version_id)
        .bind(&event.vulnerability_id)
        .bind(snapshot(&event.vulnerability_ids))
        .bind(&event.component_key)
        .bind(event.state.as_str())
        .bind(&event.justification)
        .bind(&event.comment)
        .bind(&event.actor)
        .bind(&event.created_at)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "triage.set",
            "triage_event",
            &event.id,
            None,
            Some(snapshot(&event)),
        )
        .await?;
        tx.commit().await?;
        Ok(event)
    }

    /// A VEX document (`openvex` or `cyclonedx`) for a version: one statement per finding that
    /// has a triage decision or an applied VEX statement (triage wins, being the maker's own word).
    pub async fn export_vex(
        &self,
        workspace_id: &str,
        version_id: &str,
        format: &str,
        author: &str,
    ) -> Result<serde_json::Value> {
        if format != "openvex" && format != "cyclonedx" {
            return Err(StoreError::invalid(
                "format",
                format!("unknown format \"{format}\": use openvex or cyclonedx"),
            ));
        }
        let findings = self.version_findings_full(workspace_id, version_id).await?;
        let now = sanso_core::now_timestamp();
        let mut statements = Vec::new();
        for f in &findings.findings {
            let Some(purl) = f.finding.component_purl.clone() else {
                continue;
            };
            let mut s = VexStatement::new(
                &f.finding.vulnerability_id,
                vec![VexProduct::from_purl(&purl)],
                VexStatus::UnderInvestigation,
            );
            s.vulnerability_aliases = f.finding.aliases.clone();
            if let Some(t) = &f.triage {
                s.status = match t.state {
                    TriageState::InTriage => VexStatus::UnderInvestigation,
                    TriageState::Exploitable => VexStatus::Affected,
                    TriageState::NotAffected | TriageState::FalsePositive => VexStatus::NotAffected,
                    TriageState::Fixed => VexStatus::Fixed,
                };
                s.justification = t
                    .justification
                    .as_deref()
                    .and_then(Justification::from_openvex);
                let comment = if t.comment.is_empty() {
                    None
                } else {
                    Some(t.comment.clone())
                };
                match t.state {
                    TriageState::FalsePositive => {
                        s.impact_statement = Some(match comment {
                            Some(c) => format!("false positive: {c}"),
                            None => "false positive".into(),
                        })
                    }
                    TriageState::Exploitable => {
                        s.action_statement =
                            Some(comment.unwrap_or_else(|| "update the component".into()))
                    }
                    _ => s.impact_statement = comment,
                }
                s.timestamp = Some(t.created_at.clone());
            } else if let Some(v) = &f.finding.vex {
                s.status = v.status;
                s.justification = v
                    .justification
                    .as_deref()
                    .and_then(Justification::from_openvex);
                if s.justification.is_none() {
                    s.justification_text = v.justification.clone();
                }
                s.impact_statement = v.impact_statement.clone();
                s.action_statement = v.action_statement.clone();
                s.timestamp = v.timestamp.clone();
            } else {
                continue;
            }
            statements.push(s);
        }
        let doc_id = format!("urn:uuid:{}", sanso_core::new_id());
        Ok(if format == "openvex" {
            sanso_vuln::vex::openvex::export(&statements, &doc_id, author, &now)
        } else {
            sanso_vuln::vex::cyclonedx::export(&statements, &doc_id, &now)
        })
    }

    /// The workspace's licence policy, or the `distributed-firmware` preset when none is set.
    pub async fn licence_policy(&self, workspace_id: &str) -> Result<StoredPolicy> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT policy, updated_at FROM licence_policies WHERE workspace_id = $1",
        )
        .bind(workspace_id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((json, at)) => Ok(StoredPolicy {
                policy: LicencePolicy::from_json(&json).map_err(|e| corrupt("policy", e))?,
                is_default: false,
                updated_at: Some(at),
            }),
            None => Ok(StoredPolicy {
                policy: LicencePolicy::preset("distributed-firmware")
                    .map_err(|e| corrupt("policy", e))?,
                is_default: true,
                updated_at: None,
            }),
        }
    }

    /// Replaces the workspace's licence policy. `json` is a policy document; every licence ID in
    /// its lists must be an SPDX licence (or `LicenseRef-…`).
    pub async fn set_licence_policy(
        &self,
        actor: &Actor,
        workspace_id: &str,
        json: &str,
    ) -> Result<StoredPolicy> {
        let policy = LicencePolicy::from_json(json)
            .map_err(|e| StoreError::invalid("policy", e.to_string()))?;
        let mut errors = Vec::new();
        for (list, rules) in [
            ("allow", &policy.allow),
            ("deny", &policy.deny),
            ("review", &policy.review),
        ] {
            for (i, rule) in rules.iter().enumerate() {
                if let LicenceRule::Licence(id) = rule {
                    if let LicenceVerdict::Unknown { reason } = policy.evaluate(Some(id)).verdict {
                        errors.push(sanso_core::model::FieldError::new(
                            format!("policy.{list}[{i}]"),
                            format!("\"{id}\" is not an SPDX licence: {reason}"),
                        ));
                    }
                }
            }
        }
        if policy.name.trim().is_empty() {
            errors.push(sanso_core::model::FieldError::new(
                "policy.name",
                "must not be empty",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let before = self.licence_policy(workspace_id).await?;
        let now = sanso_core::now_timestamp();
        let text = snapshot(&policy);
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM licence_policies WHERE workspace_id = $1")
            .bind(workspace_id)
            .execute(tx.conn())
            .await?;
        sqlx::query("INSERT INTO licence_policies (workspace_id, policy, updated_by, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(workspace_id)
            .bind(&text)
            .bind(&actor.label)
            .bind(&now)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "licence_policy.set",
            "licence_policy",
            workspace_id,
            (!before.is_default).then(|| snapshot(&before.policy)),
            Some(text),
        )
        .await?;
        tx.commit().await?;
        Ok(StoredPolicy {
            policy,
            is_default: false,
            updated_at: Some(now),
        })
    }

    /// Licence outcomes of every component of a version under the workspace policy.
    pub async fn licence_report(
        &self,
        workspace_id: &str,
        version_id: &str,
    ) -> Result<LicenceReport> {
        self.get_version(workspace_id, version_id).await?;
        let policy = self.licence_policy(workspace_id).await?.policy;
        let rows: Vec<(String, Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT c.name, c.version, c.purl, c.licenses FROM sbom_components c JOIN sboms s ON s.id = c.sbom_id \
             WHERE s.workspace_id = $1 AND s.version_id = $2 ORDER BY s.ingested_at, s.id, c.seq",
        )
        .bind(workspace_id)
        .bind(version_id)
        .fetch_all(self.pool())
        .await?;
        let mut report = LicenceReport {
            version_id: version_id.to_string(),
            policy_name: policy.name.clone(),
            components: rows.len(),
            allowed: 0,
            violations: 0,
            needs_review: 0,
            unknown: 0,
            issues: Vec::new(),
        };
        for (name, version, purl, licenses) in rows {
            let evaluation = policy.evaluate(Some(&licenses));
            match &evaluation.verdict {
                LicenceVerdict::Allowed { .. } => {
                    report.allowed += 1;
                    continue;
                }
                LicenceVerdict::Violation { .. } => report.violations += 1,
                LicenceVerdict::NeedsReview { .. } => report.needs_review += 1,
                LicenceVerdict::Unknown { .. } => report.unknown += 1,
            }
            report.issues.push(LicenceIssue {
                component: name,
                version,
                purl,
                evaluation,
            });
        }
        // Violations first, then reviews, then unknowns.
        let rank = |i: &LicenceIssue| match i.evaluation.verdict {
            LicenceVerdict::Violation { .. } => 0,
            LicenceVerdict::NeedsReview { .. } => 1,
            _ => 2,
        };
        report.issues.sort_by_key(rank);
        Ok(report)
    }

    /// Open findings of the latest version of each product, by severity, product and supplier.
    pub async fn findings_dashboard(&self, workspace_id: &str) -> Result<Dashboard> {
        let products = self.list_products(workspace_id).await?;
        let mut severity: BTreeMap<Severity, usize> = BTreeMap::new();
        let mut by_supplier: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_product = Vec::new();
        let (mut open, mut closed, mut scanned) = (0, 0, 0);
        for product in products {
            let versions = self.list_versions(workspace_id, &product.id).await?;
            let Some(latest) = versions.last() else {
                continue;
            };
            let findings = self.version_findings_full(workspace_id, &latest.id).await?;
            scanned += 1;
            let mut count = 0;
            for f in &findings.findings {
                if !f.active {
                    closed += 1;
                    continue;
                }
                count += 1;
                *severity.entry(f.finding.severity).or_default() += 1;
                *by_supplier
                    .entry(f.supplier.clone().unwrap_or_default())
                    .or_default() += 1;
            }
            open += count;
            by_product.push(LabelCount {
                label: format!("{} {}", product.name, latest.version),
                id: Some(product.id.clone()),
                count,
            });
        }
        by_product.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        let mut by_supplier: Vec<LabelCount> = by_supplier
            .into_iter()
            .map(|(label, count)| LabelCount {
                label,
                id: None,
                count,
            })
            .collect();
        by_supplier.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        let by_severity = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Unknown,
        ]
        .into_iter()
        .map(|s| LabelCount {
            label: s.as_str().to_string(),
            id: None,
            count: severity.get(&s).copied().unwrap_or(0)
                + if s == Severity::Unknown {
                    severity.get(&Severity::None).copied().unwrap_or(0)
                } else {
                    0
                },
        })
        .collect();
        Ok(Dashboard {
            open,
            closed,
            versions_scanned: scanned,
            by_severity,
            by_product,
            by_supplier,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_name_versions() {
        assert!(name_names_version("Example Company ABC 4.2", "ABC", "4.2"));
        assert!(!name_names_version("Example Company ABC 4.2", "ABC", "2.4"));
        assert!(!name_names_version(
            "Example Company ABCD 4.2",
            "ABC",
            "4.2"
        ));
        assert!(name_names_version(
            "Example Company ABC >=2.9|<=4.1",
            "ABC",
            "3.0"
        ));
        assert!(!name_names_version(
            "Example Company ABC >=2.9|<=4.1",
            "ABC",
            "2.6"
        ));
        assert!(name_names_version("Router", "router", "1.0"));
        assert!(name_names_version("Acme Router", "Router", "1.0"));
    }

    #[test]
    fn component_keys_drop_the_version() {
        assert_eq!(
            component_key(Some("pkg:cargo/smallvec@1.6.0"), "", ""),
            "pkg:cargo/smallvec"
        );
        assert_eq!(component_key(None, "npm", "x"), "npm/x");
    }
}

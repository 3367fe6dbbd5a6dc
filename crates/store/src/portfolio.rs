//! The portfolio: which product versions, in every workspace, a newly arrived advisory affects.
//!
//! No scheduled re-scan. Each stored component row carries a `package_key`
//! (`<OSV ecosystem>/<normalised name>`, the same key `sanso-vuln` indexes advisories by), with an
//! index on it. When an OSV import adds or updates advisories, [`record_portfolio_findings`] runs
//! inside the import transaction: one indexed lookup per affected package fetches only the
//! candidate rows (all workspaces), each distinct version is tested once in Rust with the
//! advisory's compiled ranges, and the new (advisory, product version, purl) findings are stored
//! with one audit entry per workspace and advisory, plus one queued webhook delivery per new
//! finding and subscribed webhook. The cost is proportional to the rows of the affected packages,
//! not to the size of the portfolio.
//!
//! A finding is kept once per vulnerability: when one of the advisory's aliases already produced a
//! finding for the same version and component, no second one is stored.

use std::collections::{BTreeMap, HashMap, HashSet};

use sanso_vuln::db::{ecosystem_base, PackageKey};
use sanso_vuln::matching::{CompiledAffected, ParsedTarget};
use sanso_vuln::{Advisory, PackageRef};
use serde::Serialize;

use crate::rows::{opt_text, text};
use crate::tx::{snapshot, WriteTx};
use crate::webhooks::{self, EVENT_FINDING_NEW};
use crate::{Actor, Result, Store};

/// Finding rows written per INSERT statement (9 parameters each).
const FINDING_BATCH: usize = 400;

/// The portfolio key of an OSV package: ecosystem base and the name as that ecosystem compares it.
pub fn package_key(ecosystem: &str, name: &str) -> String {
    let key = PackageKey::new(ecosystem, name);
    format!("{}/{}", key.ecosystem, key.name)
}

/// The portfolio key of a component's package URL; `None` when the purl has no version or its
/// type has no OSV ecosystem (such a component can never match an advisory).
pub fn package_key_of_purl(purl: &str) -> Option<String> {
    PackageRef::from_purl(purl)
        .ok()
        .map(|p| package_key(&p.ecosystem, &p.name))
}

/// One component row an advisory affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AffectedComponent {
    pub workspace_id: String,
    pub version_id: String,
    pub sbom_id: String,
    pub purl: String,
    pub component_version: String,
    /// Why it matched (range and the events that bound it).
    pub reason: String,
}

/// A stored portfolio finding: one vulnerability in one component of one product version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PortfolioFinding {
    pub id: String,
    pub workspace_id: String,
    pub version_id: String,
    pub product_id: String,
    pub product_name: String,
    /// The product version's label.
    pub version: String,
    pub advisory_id: String,
    pub purl: String,
    pub component_version: String,
    pub reason: String,
    pub found_at: String,
}

/// What recording findings for an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PortfolioUpdate {
    /// Findings stored by this import (all workspaces).
    pub new_findings: usize,
    /// Distinct product versions with a new finding.
    pub affected_versions: usize,
    /// Webhook deliveries queued.
    pub webhook_deliveries: usize,
}

/// Every component row (any workspace) the advisory affects, read through `conn`.
pub(crate) async fn impact_in(
    conn: &mut sqlx::AnyConnection,
    advisory: &Advisory,
) -> Result<Vec<AffectedComponent>> {
    let mut out = Vec::new();
    if advisory.is_withdrawn() {
        return Ok(out);
    }
    let mut seen_rows: HashSet<(String, i64)> = HashSet::new();
    for affected in &advisory.affected {
        let Some(pkg) = &affected.package else {
            continue;
        };
        let base = ecosystem_base(&pkg.ecosystem);
        let key = package_key(&pkg.ecosystem, &pkg.name);
        let rows = sqlx::query(
            "SELECT c.sbom_id, c.seq, c.workspace_id, c.purl, c.version, s.version_id \
             FROM sbom_components c JOIN sboms s ON s.id = c.sbom_id WHERE c.package_key = $1",
        )
        .bind(&key)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            continue;
        }
        let compiled = CompiledAffected::compile(affected, base);
        // Popular packages repeat few versions over many SBOMs: test each distinct one once.
        let mut verdicts: HashMap<String, Option<String>> = HashMap::new();
        for row in &rows {
            let (Some(purl), Some(version)) = (opt_text(row, "purl")?, opt_text(row, "version")?)
            else {
                continue;
            };
            // The purl's version is what matching uses elsewhere; the column is the same text
            // for components read from SBOMs, but a purl may carry its own.
            let matched_version = PackageRef::from_purl(&purl)
                .map(|p| p.version)
                .unwrap_or(version);
            let reason = verdicts
                .entry(matched_version.clone())
                .or_insert_with(|| {
                    compiled
                        .evaluate_parsed(&ParsedTarget::parse(base, &matched_version))
                        .reason
                        .map(|r| r.to_string())
                })
                .clone();
            let Some(reason) = reason else { continue };
            let sbom_id = text(row, "sbom_id")?;
            let seq: i64 = crate::rows::int(row, "seq")?;
            if !seen_rows.insert((sbom_id.clone(), seq)) {
                continue;
            }
            out.push(AffectedComponent {
                workspace_id: text(row, "workspace_id")?,
                version_id: text(row, "version_id")?,
                sbom_id,
                purl,
                component_version: matched_version,
                reason,
            });
        }
    }
    Ok(out)
}

/// Stores the findings the given (new or updated) advisories add, in the caller's transaction,
/// with audit entries and queued webhook deliveries.
pub(crate) async fn record_portfolio_findings(
    tx: &mut WriteTx,
    actor: &Actor,
    advisories: &[Advisory],
) -> Result<PortfolioUpdate> {
    let mut update = PortfolioUpdate::default();
    let mut versions_hit: HashSet<String> = HashSet::new();
    let mut hooks: HashMap<String, Vec<webhooks::Subscription>> = HashMap::new();
    let now = sanso_core::now_timestamp();
    for advisory in advisories {
        let impact = impact_in(tx.conn(), advisory).await?;
        if impact.is_empty() {
            continue;
        }
        // Findings this vulnerability (under this ID or an alias) already has.
        let ids: Vec<&str> = advisory.all_ids().collect();
        let mut existing: HashSet<(String, String)> = HashSet::new();
        for id in &ids {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT version_id, purl FROM portfolio_findings WHERE advisory_id = $1",
            )
            .bind(*id)
            .fetch_all(tx.conn())
            .await?;
            existing.extend(rows);
        }
        // One finding per (product version, purl), grouped by workspace for audit and webhooks.
        let mut by_workspace: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
        let mut rows: Vec<[String; 9]> = Vec::new();
        for hit in impact {
            if !existing.insert((hit.version_id.clone(), hit.purl.clone())) {
                continue;
            }
            let id = sanso_core::new_id();
            let key = PackageRef::from_purl(&hit.purl)
                .map(|p| package_key(&p.ecosystem, &p.name))
                .unwrap_or_default();
            by_workspace
                .entry(hit.workspace_id.clone())
                .or_default()
                .push(serde_json::json!({
                    "id": id,
                    "version_id": hit.version_id,
                    "sbom_id": hit.sbom_id,
                    "purl": hit.purl,
                    "component_version": hit.component_version,
                    "reason": hit.reason,
                }));
            versions_hit.insert(hit.version_id.clone());
            rows.push([
                id,
                hit.workspace_id,
                hit.version_id,
                advisory.id.clone(),
                hit.purl,
                key,
                hit.component_version,
                hit.reason,
                now.clone(),
            ]);
        }
        for batch in rows.chunks(FINDING_BATCH) {
            let mut sql = String::from(
                "INSERT INTO portfolio_findings (id, workspace_id, version_id, advisory_id, purl, \
                 package_key, component_version, reason, found_at) VALUES ",
            );
            for i in 0..batch.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for c in 0..9 {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${}", i * 9 + c + 1));
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for row in batch {
                for value in row {
                    q = q.bind(value.clone());
                }
            }
            q.execute(tx.conn()).await?;
        }
        update.new_findings += rows.len();
        let severity = advisory.best_severity().map(|s| s.severity.as_str());
        for (workspace_id, findings) in by_workspace {
            if !hooks.contains_key(&workspace_id) {
                let subs = webhooks::subscriptions_in(tx, &workspace_id).await?;
                hooks.insert(workspace_id.clone(), subs);
            }
            let subs = &hooks[&workspace_id];
            for finding in &findings {
                let payload = serde_json::json!({
                    "event": EVENT_FINDING_NEW,
                    "workspace_id": workspace_id,
                    "advisory_id": advisory.id,
                    "aliases": advisory.aliases,
                    "summary": advisory.summary,
                    "severity": severity,
                    "finding": finding,
                });
                for sub in subs.iter().filter(|s| s.wants(EVENT_FINDING_NEW)) {
                    webhooks::queue_in(tx, sub, &workspace_id, EVENT_FINDING_NEW, &payload).await?;
                    update.webhook_deliveries += 1;
                }
            }
            tx.audit(
                actor,
                Some(&workspace_id),
                "portfolio.findings",
                "advisory",
                &advisory.id,
                None,
                Some(snapshot(&serde_json::json!({
                    "advisory_id": advisory.id,
                    "findings": findings,
                }))),
            )
            .await?;
        }
    }
    update.affected_versions = versions_hit.len();
    Ok(update)
}

impl Store {
    /// Every component row, in every workspace, that `advisory` affects — the read-only question
    /// an import answers before it stores findings (and what the benchmark times).
    pub async fn advisory_impact(&self, advisory: &Advisory) -> Result<Vec<AffectedComponent>> {
        let mut conn = self.pool().acquire().await?;
        impact_in(&mut conn, advisory).await
    }

    /// The workspace's portfolio findings, newest first; `limit` is clamped to 1–1000.
    pub async fn list_portfolio_findings(
        &self,
        workspace_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<PortfolioFinding>> {
        let rows = sqlx::query(
            "SELECT f.id, f.workspace_id, f.version_id, v.product_id, p.name AS product_name, \
             v.version, f.advisory_id, f.purl, f.component_version, f.reason, f.found_at \
             FROM portfolio_findings f JOIN product_versions v ON v.id = f.version_id \
             JOIN products p ON p.id = v.product_id \
             WHERE f.workspace_id = $1 ORDER BY f.found_at DESC, f.id LIMIT $2 OFFSET $3",
        )
        .bind(workspace_id)
        .bind(limit.clamp(1, 1000))
        .bind(offset.max(0))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PortfolioFinding {
                    id: text(row, "id")?,
                    workspace_id: text(row, "workspace_id")?,
                    version_id: text(row, "version_id")?,
                    product_id: text(row, "product_id")?,
                    product_name: text(row, "product_name")?,
                    version: text(row, "version")?,
                    advisory_id: text(row, "advisory_id")?,
                    purl: text(row, "purl")?,
                    component_version: text(row, "component_version")?,
                    reason: text(row, "reason")?,
                    found_at: text(row, "found_at")?,
                })
            })
            .collect()
    }
}

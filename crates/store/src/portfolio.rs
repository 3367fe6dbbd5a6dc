//! The portfolio: which product versions, in every workspace, a newly arrived advisory affects.
//!
//! No scheduled re-scan. Each stored component row carries a `package_key`
//! (`<OSV ecosystem>/<normalised name>`, the same key `sanso-vuln` indexes advisories by), in an
//! index that also holds the purl and the SBOM. When an OSV import adds or updates advisories,
//! [`record_portfolio_findings`] runs inside the import transaction: per affected package it reads
//! the distinct purls stored under the key (all workspaces), tests each version once with the
//! advisory's compiled ranges, and reads the SBOMs holding the affected purls — all from the index.
//! The new (advisory, product version, purl) findings are stored with one audit entry per
//! workspace and advisory, plus one queued webhook delivery per new finding and subscribed
//! webhook. The cost follows the number of distinct versions and affected SBOMs of the package,
//! not the size of the portfolio.
//!
//! A finding is kept once per vulnerability: when one of the advisory's aliases already produced a
//! finding for the same version and component, no second one is stored. An updated advisory that
//! no longer affects a component (narrowed range, or withdrawn) marks its earlier finding
//! withdrawn and queues `finding.withdrawn`; the row stays, so the history is not lost. When a
//! stored alias advisory still affects the component, the finding stays open, credited to it.

use std::collections::{BTreeMap, HashMap, HashSet};

use sanso_vuln::db::{ecosystem_base, PackageKey};
use sanso_vuln::matching::{CompiledAffected, ParsedTarget};
use sanso_vuln::{Advisory, PackageRef};
use serde::Serialize;

use crate::rows::{opt_text, text};
use crate::tx::{snapshot, WriteTx};
use crate::webhooks::{self, EVENT_FINDING_NEW, EVENT_FINDING_WITHDRAWN};
use crate::{Actor, Result, Store};

/// A finding moved to an alias advisory: audited, but no webhook event (nothing changed for the
/// workspace: the vulnerability is still open).
const CREDITED_TO_ALIAS: &str = "finding.credited_to_alias";

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
    /// The purl's package key (`<OSV ecosystem>/<normalised name>`).
    pub package_key: String,
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
    /// When the finding was recorded (or last reopened).
    pub found_at: String,
    /// When an update of the advisory stopped it applying; `None` while open.
    pub withdrawn_at: Option<String>,
}

/// What recording findings for an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PortfolioUpdate {
    /// Findings stored by this import (all workspaces).
    pub new_findings: usize,
    /// Distinct product versions with a new finding.
    pub affected_versions: usize,
    /// Earlier findings of updated advisories that no longer apply (marked withdrawn).
    pub withdrawn_findings: usize,
    /// Webhook deliveries queued.
    pub webhook_deliveries: usize,
}

/// Every component row (any workspace) the advisory affects, read through `conn`.
///
/// Two index-only reads per affected package: first the distinct purls stored under its key (a
/// package in every SBOM still has only a handful of versions), each tested once; then, for the
/// affected purls only, the SBOMs that hold them.
pub(crate) async fn impact_in(
    conn: &mut sqlx::AnyConnection,
    advisory: &Advisory,
) -> Result<Vec<AffectedComponent>> {
    let mut out = Vec::new();
    if advisory.is_withdrawn() {
        return Ok(out);
    }
    // Several affected[] entries may name one package: report each SBOM's component once.
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for affected in &advisory.affected {
        let Some(pkg) = &affected.package else {
            continue;
        };
        let base = ecosystem_base(&pkg.ecosystem);
        let key = package_key(&pkg.ecosystem, &pkg.name);
        let purls: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT purl FROM sbom_components WHERE package_key = $1")
                .bind(&key)
                .fetch_all(&mut *conn)
                .await?;
        if purls.is_empty() {
            continue;
        }
        let compiled = CompiledAffected::compile(affected, base);
        for purl in purls {
            // Rows get a package key only from a purl with a version.
            let Ok(package) = PackageRef::from_purl(&purl) else {
                continue;
            };
            let Some(reason) = compiled
                .evaluate_parsed(&ParsedTarget::parse(base, &package.version))
                .reason
            else {
                continue;
            };
            let reason = reason.to_string();
            let holders: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT c.sbom_id, c.workspace_id, s.version_id FROM sbom_components c \
                 JOIN sboms s ON s.id = c.sbom_id WHERE c.package_key = $1 AND c.purl = $2",
            )
            .bind(&key)
            .bind(&purl)
            .fetch_all(&mut *conn)
            .await?;
            for (sbom_id, workspace_id, version_id) in holders {
                if !seen.insert((sbom_id.clone(), purl.clone())) {
                    continue;
                }
                out.push(AffectedComponent {
                    workspace_id,
                    version_id,
                    sbom_id,
                    purl: purl.clone(),
                    package_key: key.clone(),
                    component_version: package.version.clone(),
                    reason: reason.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// A stored finding of one advisory, as the update rule needs it.
struct StoredFinding {
    id: String,
    workspace_id: String,
    version_id: String,
    purl: String,
    withdrawn: bool,
}

/// Stores the findings the given (new or updated) advisories add, in the caller's transaction,
/// with audit entries and queued webhook deliveries.
///
/// An updated advisory is matched again: a finding it recorded earlier whose component it no
/// longer affects (the range was narrowed, or the advisory was withdrawn) is marked withdrawn —
/// kept, with the time — and a `finding.withdrawn` event is queued; a withdrawn finding the
/// advisory affects again is reopened as new.
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
        let stored: Vec<StoredFinding> =
            sqlx::query_as::<_, (String, String, String, String, Option<String>)>(
                "SELECT id, workspace_id, version_id, purl, withdrawn_at FROM portfolio_findings \
             WHERE advisory_id = $1",
            )
            .bind(&advisory.id)
            .fetch_all(tx.conn())
            .await?
            .into_iter()
            .map(
                |(id, workspace_id, version_id, purl, withdrawn_at)| StoredFinding {
                    id,
                    workspace_id,
                    version_id,
                    purl,
                    withdrawn: withdrawn_at.is_some(),
                },
            )
            .collect();
        if impact.is_empty() && stored.iter().all(|f| f.withdrawn) {
            continue;
        }
        // Open findings this vulnerability (under this ID or an alias) already has.
        let mut open: HashSet<(String, String)> = stored
            .iter()
            .filter(|f| !f.withdrawn)
            .map(|f| (f.version_id.clone(), f.purl.clone()))
            .collect();
        for id in advisory.all_ids().filter(|id| *id != advisory.id) {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT version_id, purl FROM portfolio_findings \
                 WHERE advisory_id = $1 AND withdrawn_at IS NULL",
            )
            .bind(id)
            .fetch_all(tx.conn())
            .await?;
            open.extend(rows);
        }
        let withdrawn_here: HashMap<(&str, &str), &str> = stored
            .iter()
            .filter(|f| f.withdrawn)
            .map(|f| ((f.version_id.as_str(), f.purl.as_str()), f.id.as_str()))
            .collect();
        let still_affected: HashSet<(&str, &str)> = impact
            .iter()
            .map(|h| (h.version_id.as_str(), h.purl.as_str()))
            .collect();
        // Per workspace: (event, finding JSON) for webhooks, and the audit lists.
        let mut events: BTreeMap<String, Vec<(&'static str, serde_json::Value)>> = BTreeMap::new();
        let mut rows: Vec<[String; 9]> = Vec::new();
        let mut reopened: Vec<&str> = Vec::new();
        for hit in &impact {
            if !open.insert((hit.version_id.clone(), hit.purl.clone())) {
                continue;
            }
            let earlier = withdrawn_here
                .get(&(hit.version_id.as_str(), hit.purl.as_str()))
                .copied();
            let id = match earlier {
                Some(id) => {
                    reopened.push(id);
                    id.to_string()
                }
                None => sanso_core::new_id(),
            };
            events.entry(hit.workspace_id.clone()).or_default().push((
                EVENT_FINDING_NEW,
                serde_json::json!({
                    "id": id,
                    "version_id": hit.version_id,
                    "sbom_id": hit.sbom_id,
                    "purl": hit.purl,
                    "component_version": hit.component_version,
                    "reason": hit.reason,
                }),
            ));
            versions_hit.insert(hit.version_id.clone());
            if earlier.is_some() {
                continue;
            }
            rows.push([
                id,
                hit.workspace_id.clone(),
                hit.version_id.clone(),
                advisory.id.clone(),
                hit.purl.clone(),
                hit.package_key.clone(),
                hit.component_version.clone(),
                hit.reason.clone(),
                now.clone(),
            ]);
        }
        for id in &reopened {
            sqlx::query(
                "UPDATE portfolio_findings SET withdrawn_at = NULL, found_at = $1 WHERE id = $2",
            )
            .bind(&now)
            .bind(*id)
            .execute(tx.conn())
            .await?;
        }
        for batch in rows.chunks(FINDING_BATCH) {
            let sql = crate::rows::multi_row_insert(
                tx.backend(),
                "portfolio_findings",
                "id, workspace_id, version_id, advisory_id, purl, package_key, component_version, \
                 reason, found_at",
                9,
                batch.len(),
            );
            let mut q = sqlx::query(&sql);
            for row in batch {
                for value in row {
                    q = q.bind(value.clone());
                }
            }
            q.execute(tx.conn()).await?;
        }
        update.new_findings += rows.len() + reopened.len();
        let leaving: Vec<&StoredFinding> = stored
            .iter()
            .filter(|f| {
                !f.withdrawn && !still_affected.contains(&(f.version_id.as_str(), f.purl.as_str()))
            })
            .collect();
        let covered = if leaving.is_empty() {
            HashMap::new()
        } else {
            covered_by_aliases(tx, advisory).await?
        };
        for finding in leaving {
            if let Some(alias) = covered.get(&(finding.version_id.clone(), finding.purl.clone())) {
                // The vulnerability still affects the component through an alias whose finding
                // was not stored (one finding per vulnerability): it stays open, credited to it.
                credit_to_alias(tx, finding, alias).await?;
                events
                    .entry(finding.workspace_id.clone())
                    .or_default()
                    .push((
                        CREDITED_TO_ALIAS,
                        serde_json::json!({
                            "id": finding.id,
                            "version_id": finding.version_id,
                            "purl": finding.purl,
                            "advisory_id": alias,
                        }),
                    ));
                continue;
            }
            sqlx::query("UPDATE portfolio_findings SET withdrawn_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(&finding.id)
                .execute(tx.conn())
                .await?;
            update.withdrawn_findings += 1;
            events
                .entry(finding.workspace_id.clone())
                .or_default()
                .push((
                    EVENT_FINDING_WITHDRAWN,
                    serde_json::json!({
                        "id": finding.id,
                        "version_id": finding.version_id,
                        "purl": finding.purl,
                        "withdrawn_because": if advisory.is_withdrawn() {
                            "the advisory was withdrawn"
                        } else {
                            "the updated advisory no longer affects this component version"
                        },
                    }),
                ));
        }
        let severity = advisory.best_severity().map(|s| s.severity.as_str());
        for (workspace_id, items) in events {
            if !hooks.contains_key(&workspace_id) {
                let subs = webhooks::subscriptions_in(tx, &workspace_id).await?;
                hooks.insert(workspace_id.clone(), subs);
            }
            let subs = &hooks[&workspace_id];
            for (event, finding) in &items {
                let payload = serde_json::json!({
                    "event": event,
                    "workspace_id": workspace_id,
                    "advisory_id": advisory.id,
                    "aliases": advisory.aliases,
                    "summary": advisory.summary,
                    "severity": severity,
                    "finding": finding,
                });
                for sub in subs.iter().filter(|s| s.wants(event)) {
                    webhooks::queue_in(tx, sub, &workspace_id, event, &payload).await?;
                    update.webhook_deliveries += 1;
                }
            }
            let pick = |wanted: &str| -> Vec<&serde_json::Value> {
                items
                    .iter()
                    .filter(|(e, _)| *e == wanted)
                    .map(|(_, f)| f)
                    .collect()
            };
            tx.audit(
                actor,
                Some(&workspace_id),
                "portfolio.findings",
                "advisory",
                &advisory.id,
                None,
                Some(snapshot(&serde_json::json!({
                    "advisory_id": advisory.id,
                    "findings": pick(EVENT_FINDING_NEW),
                    "withdrawn": pick(EVENT_FINDING_WITHDRAWN),
                    "credited_to_alias": pick(CREDITED_TO_ALIAS),
                }))),
            )
            .await?;
        }
    }
    update.affected_versions = versions_hit.len();
    Ok(update)
}

/// (product version, purl) → the stored alias advisory of `advisory` that affects it.
async fn covered_by_aliases(
    tx: &mut WriteTx,
    advisory: &Advisory,
) -> Result<HashMap<(String, String), String>> {
    let mut covered = HashMap::new();
    for id in advisory.all_ids().filter(|id| *id != advisory.id) {
        let json: Option<String> =
            sqlx::query_scalar("SELECT json FROM osv_advisories WHERE id = $1")
                .bind(id)
                .fetch_optional(tx.conn())
                .await?;
        let Some(json) = json else { continue };
        let alias: Advisory = serde_json::from_str(&json).map_err(|e| {
            crate::StoreError::Corrupt(format!("osv_advisories row {id} is not an advisory: {e}"))
        })?;
        for hit in impact_in(tx.conn(), &alias).await? {
            covered
                .entry((hit.version_id, hit.purl))
                .or_insert_with(|| alias.id.clone());
        }
    }
    Ok(covered)
}

/// Moves an open finding to the alias advisory that still covers it; when the alias already has
/// a (withdrawn) row for the same component, that row is reopened and this one closed instead.
async fn credit_to_alias(tx: &mut WriteTx, finding: &StoredFinding, alias: &str) -> Result<()> {
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT id FROM portfolio_findings WHERE advisory_id = $1 AND version_id = $2 AND purl = $3",
    )
    .bind(alias)
    .bind(&finding.version_id)
    .bind(&finding.purl)
    .fetch_optional(tx.conn())
    .await?;
    match existing {
        None => {
            sqlx::query("UPDATE portfolio_findings SET advisory_id = $1 WHERE id = $2")
                .bind(alias)
                .bind(&finding.id)
                .execute(tx.conn())
                .await?;
        }
        Some(other) => {
            let now = sanso_core::now_timestamp();
            sqlx::query("UPDATE portfolio_findings SET withdrawn_at = NULL WHERE id = $1")
                .bind(&other)
                .execute(tx.conn())
                .await?;
            sqlx::query("UPDATE portfolio_findings SET withdrawn_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(&finding.id)
                .execute(tx.conn())
                .await?;
        }
    }
    Ok(())
}

impl Store {
    /// Every component row, in every workspace, that `advisory` affects — the read-only question
    /// an import answers before it stores findings (and what the benchmark times).
    pub async fn advisory_impact(&self, advisory: &Advisory) -> Result<Vec<AffectedComponent>> {
        let mut conn = self.pool().acquire().await?;
        impact_in(&mut conn, advisory).await
    }

    /// The workspace's portfolio findings, newest first; `limit` is clamped to 1–1000. Withdrawn
    /// findings are listed only when asked for.
    pub async fn list_portfolio_findings(
        &self,
        workspace_id: &str,
        include_withdrawn: bool,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<PortfolioFinding>> {
        let rows = sqlx::query(
            "SELECT f.id, f.workspace_id, f.version_id, v.product_id, p.name AS product_name, \
             v.version, f.advisory_id, f.purl, f.component_version, f.reason, f.found_at, f.withdrawn_at \
             FROM portfolio_findings f JOIN product_versions v ON v.id = f.version_id \
             JOIN products p ON p.id = v.product_id \
             WHERE f.workspace_id = $1 AND ($2 = 1 OR f.withdrawn_at IS NULL) \
             ORDER BY f.found_at DESC, f.id LIMIT $3 OFFSET $4",
        )
        .bind(workspace_id)
        .bind(i64::from(include_withdrawn))
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
                    withdrawn_at: opt_text(row, "withdrawn_at")?,
                })
            })
            .collect()
    }
}

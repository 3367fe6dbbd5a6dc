//! The scan: packages in, findings out — one finding per (component, vulnerability), with every
//! ID of that vulnerability, the matched ranges, severity and the VEX status that applies.
//!
//! Exit codes for `sanso sbom scan … --fail-on SEVERITY` ([`ScanReport::exit_code`]):
//! - [`EXIT_CLEAN`] (0): no finding at or above the threshold (findings VEX marks `not_affected`
//!   or `fixed` do not count);
//! - [`EXIT_FINDINGS`] (1): at least one counting finding at or above the threshold;
//! - [`EXIT_USAGE`] (2): usage or input error (bad arguments, unreadable SBOM/OSV/VEX) — the
//!   caller returns it when any step before the scan fails.
//!
//! A finding whose severity is unknown (no CVSS and no textual rating, as in the Go database)
//! ranks below `low`; it fails the run only with `--fail-on any`.

use serde::Serialize;

use sanso_pkgver::PackageUrl;

use crate::db::OsvDatabase;
use crate::matching::MatchReason;
use crate::osv::{Event, Severity};
use crate::package::PackageRef;
use crate::vex::{ComponentIdentity, ProductContext, VexSet, VexStatus};

/// Exit code: nothing at or above the threshold.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: findings at or above the threshold.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage or input error.
pub const EXIT_USAGE: i32 = 2;

/// Scan options.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Report withdrawn advisories too (flagged `withdrawn`).
    pub include_withdrawn: bool,
    /// The product being scanned, for product-level VEX statements.
    pub product: Option<ProductContext>,
}

/// One advisory behind a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingAdvisory {
    /// Advisory ID.
    pub id: String,
    /// Why the version matched.
    pub reason: MatchReason,
    /// The same as text (`SEMVER introduced 1.2.0, fixed 1.4.1`).
    pub reason_text: String,
    /// True when withdrawn.
    pub withdrawn: bool,
}

/// The VEX statement applied to a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedVex {
    /// Status.
    pub status: VexStatus,
    /// Justification (OpenVEX spelling, else the source's word).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Impact statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact_statement: Option<String>,
    /// Action statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_statement: Option<String>,
    /// Statement time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The vulnerability ID the statement used.
    pub statement_vulnerability: String,
    /// Document it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One vulnerability affecting one component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Index of the component in the scanned list.
    pub component_index: usize,
    /// Component label (purl, else `ecosystem/name@version`).
    pub component: String,
    /// Component purl, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_purl: Option<String>,
    /// Component `bom-ref`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_bom_ref: Option<String>,
    /// OSV ecosystem.
    pub ecosystem: String,
    /// Package name.
    pub name: String,
    /// Version scanned.
    pub version: String,
    /// Canonical vulnerability ID (CVE first, then GHSA, …).
    pub vulnerability_id: String,
    /// Every other ID of the vulnerability, in canonical order.
    pub aliases: Vec<String>,
    /// The advisories that matched.
    pub advisories: Vec<FindingAdvisory>,
    /// Summary of the first advisory that has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Highest severity among the matched advisories.
    pub severity: Severity,
    /// CVSS base score behind `severity`, when computed from a vector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss_score: Option<f64>,
    /// The vector or rating behind `severity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity_source: Option<String>,
    /// Versions that fix it (from the matched ranges' `fixed` events).
    pub fixed_versions: Vec<String>,
    /// True when every matched advisory is withdrawn.
    pub withdrawn: bool,
    /// The VEX statement that applies, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vex: Option<AppliedVex>,
}

impl Finding {
    /// The canonical ID followed by the aliases.
    pub fn all_ids(&self) -> Vec<String> {
        std::iter::once(self.vulnerability_id.clone())
            .chain(self.aliases.iter().cloned())
            .collect()
    }

    /// True when VEX says the finding does not apply (not_affected or fixed).
    pub fn is_suppressed(&self) -> bool {
        self.vex.as_ref().is_some_and(|v| v.status.suppresses())
    }

    /// The matched ranges as one line (`SEMVER introduced 1.2.0, fixed 1.4.1; …`).
    pub fn matched_ranges(&self) -> String {
        let mut texts: Vec<&str> = self
            .advisories
            .iter()
            .map(|a| a.reason_text.as_str())
            .collect();
        texts.dedup();
        texts.join("; ")
    }
}

/// A scan's result.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanReport {
    /// Number of components scanned.
    pub components_scanned: usize,
    /// Findings, by component then severity (highest first) then ID.
    pub findings: Vec<Finding>,
    /// Problems met (unknown ecosystems, unparseable versions, …); never fatal.
    pub warnings: Vec<String>,
    #[serde(skip)]
    product: Option<ProductContext>,
}

/// Scans with default options.
pub fn scan(packages: &[PackageRef], db: &OsvDatabase, vex: &VexSet) -> ScanReport {
    scan_with(packages, db, vex, &ScanOptions::default())
}

/// Scans `packages` against `db`, then applies `vex`.
pub fn scan_with(
    packages: &[PackageRef],
    db: &OsvDatabase,
    vex: &VexSet,
    options: &ScanOptions,
) -> ScanReport {
    let mut report = ScanReport {
        components_scanned: packages.len(),
        product: options.product.clone(),
        ..ScanReport::default()
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(packages.len() / PACKAGES_PER_THREAD)
        .max(1);
    if threads == 1 {
        scan_part(
            packages,
            0,
            db,
            options,
            &mut report.findings,
            &mut report.warnings,
        );
    } else {
        // Large SBOMs are matched on every core; parts are joined in order, so the findings
        // come in the same order as from a sequential scan (repeated warnings are dropped).
        let part = packages.len().div_ceil(threads);
        let results: Vec<(Vec<Finding>, Vec<String>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = packages
                .chunks(part)
                .enumerate()
                .map(|(i, chunk)| {
                    scope.spawn(move || {
                        let (mut findings, mut warnings) = (Vec::new(), Vec::new());
                        scan_part(chunk, i * part, db, options, &mut findings, &mut warnings);
                        (findings, warnings)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        for (findings, warnings) in results {
            report.findings.extend(findings);
            for w in warnings {
                if !report.warnings.contains(&w) {
                    report.warnings.push(w);
                }
            }
        }
    }
    report.apply_vex(vex);
    report
}

/// Below this many packages per thread a scan stays on one thread (spawning costs more).
const PACKAGES_PER_THREAD: usize = 250;

/// Matches `packages` (the first at index `offset` of the whole scan), appending findings and
/// new warnings.
fn scan_part(
    packages: &[PackageRef],
    offset: usize,
    db: &OsvDatabase,
    options: &ScanOptions,
    out: &mut Vec<Finding>,
    warnings: &mut Vec<String>,
) {
    for (local, package) in packages.iter().enumerate() {
        let index = offset + local;
        if sanso_pkgver::version::Ecosystem::from_osv_name(&package.ecosystem).is_none() {
            warnings.push(format!(
                "{}: ecosystem {:?} has no known version ordering; only SEMVER ranges and listed versions are checked",
                package.label(),
                package.ecosystem
            ));
        }
        let matched = db.match_package(
            &package.ecosystem,
            &package.name,
            &package.version,
            options.include_withdrawn,
        );
        for w in matched.warnings {
            // One bad event in an advisory would otherwise repeat for every scanned version.
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        let mut findings: Vec<Finding> = Vec::new();
        // A package with hundreds of advisories (Go's stdlib) would make a linear search quadratic.
        let mut finding_of: rustc_hash::FxHashMap<String, usize> = Default::default();
        for m in matched.matches {
            let canonical = db.aliases().canonical(&m.advisory_id);
            let Some(advisory) = db.get(&m.advisory_id) else {
                continue;
            };
            let fixed: Vec<String> = match &m.reason {
                MatchReason::Range { range_index, .. } => advisory.affected[m.affected_index]
                    .ranges
                    .get(*range_index)
                    .map(|r| {
                        r.events
                            .iter()
                            .filter_map(|e| match e {
                                Event::Fixed(v) => Some(v.clone()),
                                _ => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                MatchReason::ListedInVersions => Vec::new(),
            };
            let scored = db.severity_of(&advisory.id).cloned();
            let entry = FindingAdvisory {
                id: m.advisory_id.clone(),
                reason_text: m.reason.to_string(),
                reason: m.reason,
                withdrawn: m.withdrawn,
            };
            match finding_of.get(&canonical).map(|&i| &mut findings[i]) {
                Some(existing) => {
                    existing.withdrawn &= entry.withdrawn;
                    existing.advisories.push(entry);
                    for v in fixed {
                        if !existing.fixed_versions.contains(&v) {
                            existing.fixed_versions.push(v);
                        }
                    }
                    if let Some(s) = scored {
                        if s.severity > existing.severity {
                            existing.severity = s.severity;
                            existing.cvss_score = s.base_score;
                            existing.severity_source = Some(s.source);
                        }
                    }
                    if existing.summary.is_none() {
                        existing.summary = advisory.summary.clone();
                    }
                }
                None => {
                    let mut ids = db.aliases().group(&m.advisory_id);
                    ids.retain(|id| *id != canonical);
                    finding_of.insert(canonical.clone(), findings.len());
                    findings.push(Finding {
                        component_index: index,
                        component: package.label(),
                        component_purl: package.purl.clone(),
                        component_bom_ref: package.bom_ref.clone(),
                        ecosystem: package.ecosystem.clone(),
                        name: package.name.clone(),
                        version: package.version.clone(),
                        vulnerability_id: canonical,
                        aliases: ids,
                        withdrawn: entry.withdrawn,
                        advisories: vec![entry],
                        summary: advisory.summary.clone(),
                        severity: scored.as_ref().map_or(Severity::Unknown, |s| s.severity),
                        cvss_score: scored.as_ref().and_then(|s| s.base_score),
                        severity_source: scored.map(|s| s.source),
                        fixed_versions: fixed,
                        vex: None,
                    });
                }
            }
        }
        findings.sort_by(|a, b| {
            b.severity.cmp(&a.severity).then_with(|| {
                crate::aliases::canonical_order(&a.vulnerability_id, &b.vulnerability_id)
            })
        });
        out.extend(findings);
    }
}

impl ScanReport {
    /// (Re)applies VEX to every finding, replacing earlier VEX results. Calling this after a scan
    /// gives the same report as passing the VEX set to the scan.
    pub fn apply_vex(&mut self, vex: &VexSet) {
        if vex.is_empty() {
            for finding in &mut self.findings {
                finding.vex = None;
            }
            return;
        }
        // Findings of one component are adjacent: parse its purl once.
        let mut parsed: Option<(usize, Option<PackageUrl>)> = None;
        for finding in &mut self.findings {
            if parsed
                .as_ref()
                .is_none_or(|(i, _)| *i != finding.component_index)
            {
                parsed = Some((
                    finding.component_index,
                    finding
                        .component_purl
                        .as_deref()
                        .and_then(|p| PackageUrl::parse(p).ok()),
                ));
            }
            let identity = ComponentIdentity {
                purl: parsed.as_ref().and_then(|(_, p)| p.clone()),
                bom_ref: finding.component_bom_ref.clone(),
            };
            let ids = finding.all_ids();
            finding.vex = vex
                .lookup(&ids, &identity, self.product.as_ref())
                .map(|s| AppliedVex {
                    status: s.status,
                    justification: s
                        .justification
                        .map(|j| j.as_str().to_string())
                        .or_else(|| s.justification_text.clone()),
                    impact_statement: s.impact_statement.clone(),
                    action_statement: s.action_statement.clone(),
                    timestamp: s.timestamp.clone(),
                    statement_vulnerability: s.vulnerability.clone(),
                    source: s.source.clone(),
                });
        }
    }

    /// Sets the product context used by [`ScanReport::apply_vex`].
    pub fn set_product(&mut self, product: Option<ProductContext>) {
        self.product = product;
    }

    /// Findings that still count (not suppressed by VEX).
    pub fn active_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_suppressed())
    }

    /// The exit code for `--fail-on threshold` (see module docs).
    pub fn exit_code(&self, threshold: Severity) -> i32 {
        if self.active_findings().any(|f| f.severity >= threshold) {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        }
    }
}

/// Parses a `--fail-on` value (`any`, `low`, `medium`, `high`, `critical`); an error maps to
/// [`EXIT_USAGE`].
pub fn parse_fail_on(text: &str) -> Result<Severity, crate::VulnError> {
    text.parse()
}

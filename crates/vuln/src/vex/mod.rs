//! VEX: statements saying whether a product is affected by a vulnerability, and applying them to
//! findings.
//!
//! One statement model ([`VexStatement`]) covers the three formats in use: OpenVEX 0.2,
//! CycloneDX VEX (`vulnerabilities[].analysis`) and CSAF 2.0 VEX (`product_status`). Importers
//! translate each into statements; exporters write OpenVEX and CycloneDX.
//!
//! Applying a statement to a finding (component C, vulnerability group G):
//! - the statement's vulnerability ID or any of its own aliases must be an ID of G (so a statement
//!   about `CVE-x` applies to a finding reported as `GHSA-…` or `RUSTSEC-…` of the same group);
//! - and the statement must name the component: one of its subcomponents covers C, or it has no
//!   subcomponents and one of its products covers C, or one of its products is the scanned
//!   product itself (the scan's product context) and its subcomponents, if any, cover C.
//!   A statement naming no product and no component at all (CycloneDX VEX without `affects`)
//!   covers everything the VEX set is applied to.
//!   "Covers" means purl matching per [`crate::package::purl_covers`] (a version-less purl covers
//!   all versions, or those in the product's `vers:` range when it has one; qualifiers are ignored
//!   when the statement gives none), or an equal product ID / `bom-ref`.
//!
//! When several statements apply, the latest wins: statement timestamp (else its document's
//! timestamp) compared as instants; statements without any time rank before timed ones; ties go
//! to the statement added last. The outcome therefore does not depend on whether VEX was loaded
//! before or after the scan: [`crate::scan::ScanReport::apply_vex`] recomputes it from scratch.

pub mod csaf;
pub mod cyclonedx;
pub mod openvex;

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use sanso_pkgver::PackageUrl;
use time::OffsetDateTime;

use crate::package::purl_covers;
use crate::timestamp::parse_rfc3339;

/// VEX status (OpenVEX vocabulary; the other formats map onto it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    /// The product is not affected; the finding does not apply.
    NotAffected,
    /// The product is affected.
    Affected,
    /// The product contains a fix.
    Fixed,
    /// Not yet known.
    UnderInvestigation,
}

impl VexStatus {
    /// The OpenVEX spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Affected => "affected",
            VexStatus::Fixed => "fixed",
            VexStatus::UnderInvestigation => "under_investigation",
        }
    }

    /// True when a finding with this status should no longer count (not_affected, fixed).
    pub fn suppresses(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

impl fmt::Display for VexStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a product is not affected (OpenVEX / CSAF flag vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    /// The vulnerable component is not in the product.
    ComponentNotPresent,
    /// The component is present but not the vulnerable code.
    VulnerableCodeNotPresent,
    /// The vulnerable code cannot be reached.
    VulnerableCodeNotInExecutePath,
    /// An attacker cannot control the vulnerable code's input.
    VulnerableCodeCannotBeControlledByAdversary,
    /// Built-in mitigations prevent exploitation.
    InlineMitigationsAlreadyExist,
}

impl Justification {
    /// The OpenVEX / CSAF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Justification::ComponentNotPresent => "component_not_present",
            Justification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            Justification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            Justification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            Justification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }

    /// Parses the OpenVEX / CSAF spelling.
    pub fn from_openvex(s: &str) -> Option<Self> {
        Some(match s {
            "component_not_present" => Justification::ComponentNotPresent,
            "vulnerable_code_not_present" => Justification::VulnerableCodeNotPresent,
            "vulnerable_code_not_in_execute_path" => Justification::VulnerableCodeNotInExecutePath,
            "vulnerable_code_cannot_be_controlled_by_adversary" => {
                Justification::VulnerableCodeCannotBeControlledByAdversary
            }
            "inline_mitigations_already_exist" => Justification::InlineMitigationsAlreadyExist,
            _ => return None,
        })
    }
}

/// A product or component named by a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VexProduct {
    /// Identifier in its document (OpenVEX `@id`, CSAF `product_id`, CycloneDX `bom-ref`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Package URL, canonical form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Version range (`vers:` syntax) the statement covers, for a version-less purl.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_range: Option<String>,
}

impl VexProduct {
    /// A product given by purl, canonicalised when it parses (kept verbatim otherwise).
    pub fn from_purl(purl: &str) -> Self {
        let canonical = PackageUrl::parse(purl)
            .map(|p| p.to_canonical_string())
            .unwrap_or_else(|_| purl.to_string());
        VexProduct {
            purl: Some(canonical),
            ..VexProduct::default()
        }
    }

    /// A product given by an identifier: a purl-shaped identifier is read as a purl.
    pub fn from_id(id: &str) -> Self {
        if id.starts_with("pkg:") {
            if let Ok(p) = PackageUrl::parse(id) {
                return VexProduct {
                    id: Some(id.to_string()),
                    purl: Some(p.to_canonical_string()),
                    ..VexProduct::default()
                };
            }
        }
        VexProduct {
            id: Some(id.to_string()),
            ..VexProduct::default()
        }
    }

    /// A label: the purl, else the id, else the name.
    pub fn label(&self) -> &str {
        self.purl
            .as_deref()
            .or(self.id.as_deref())
            .or(self.name.as_deref())
            .unwrap_or("")
    }
}

/// One VEX statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VexStatement {
    /// The vulnerability ID as the statement names it.
    pub vulnerability: String,
    /// Other IDs the statement gives for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerability_aliases: Vec<String>,
    /// Products the statement is about.
    #[serde(default)]
    pub products: Vec<VexProduct>,
    /// Components inside those products the statement is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subcomponents: Vec<VexProduct>,
    /// Status.
    pub status: VexStatus,
    /// Justification (for `not_affected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
    /// Justification as written in the source when it had no OpenVEX equivalent (CycloneDX).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification_text: Option<String>,
    /// Why the product is not affected, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_statement: Option<String>,
    /// What to do (for `affected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_statement: Option<String>,
    /// RFC 3339 time of the statement (or of its document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Where it came from (document ID or file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl VexStatement {
    /// A minimal statement: vulnerability, products, status.
    pub fn new(vulnerability: &str, products: Vec<VexProduct>, status: VexStatus) -> Self {
        VexStatement {
            vulnerability: vulnerability.to_string(),
            vulnerability_aliases: Vec::new(),
            products,
            subcomponents: Vec::new(),
            status,
            justification: None,
            justification_text: None,
            impact_statement: None,
            action_statement: None,
            timestamp: None,
            source: None,
        }
    }

    /// The statement's own vulnerability IDs.
    pub fn vulnerability_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.vulnerability.as_str())
            .chain(self.vulnerability_aliases.iter().map(String::as_str))
    }
}

/// The identity of a scanned component, as VEX matching sees it.
#[derive(Debug, Clone, Default)]
pub struct ComponentIdentity {
    /// Parsed purl.
    pub purl: Option<PackageUrl>,
    /// SBOM identifier (`bom-ref`).
    pub bom_ref: Option<String>,
}

/// The product being scanned (an SBOM's main component), for product-level statements.
#[derive(Debug, Clone, Default)]
pub struct ProductContext {
    /// Product purl.
    pub purl: Option<PackageUrl>,
    /// Product identifiers (CSAF product IDs, OpenVEX `@id`, bom-ref).
    pub ids: Vec<String>,
    /// Product version, checked against statements that give a version range for an identifier
    /// (CycloneDX `affects[].versions[]` on a `bom-ref`).
    pub version: Option<String>,
}

/// Purl match plus, when the product carries a `vers:` range, range containment of the
/// candidate's version (an unparseable range or version does not match).
fn purl_and_range_cover(product: &VexProduct, candidate: &PackageUrl) -> bool {
    let Some(pattern) = product
        .purl
        .as_deref()
        .and_then(|p| PackageUrl::parse(p).ok())
    else {
        return false;
    };
    if !purl_covers(&pattern, candidate) {
        return false;
    }
    match &product.version_range {
        None => true,
        Some(range) => candidate
            .version
            .as_deref()
            .and_then(|v| range_contains(range, v))
            .unwrap_or(false),
    }
}

/// `Some(true/false)` when `version` can be checked against the `vers:` range, `None` when not.
///
/// `vers:generic` has no ordering of its own; its versions are then read as SemVer, which is what
/// product version numbers like `2.4` or `4.1` follow in practice. When even that fails the
/// answer is `None` and the statement does not apply (a finding is never hidden on a guess).
pub fn range_contains(range: &str, version: &str) -> Option<bool> {
    let parsed = sanso_pkgver::VersRange::parse(range).ok()?;
    match parsed.contains(version) {
        Ok(inside) => Some(inside),
        Err(_) => {
            let rest = range.strip_prefix("vers:generic/")?;
            let as_semver = sanso_pkgver::VersRange::parse(&format!("vers:semver/{rest}")).ok()?;
            if let Ok(inside) = as_semver.contains(version) {
                return Some(inside);
            }
            // Pad short versions (`2.4` → `2.4.0`) on both sides for SemVer.
            let pad = |v: &str| match v.matches('.').count() {
                0 => format!("{v}.0.0"),
                1 => format!("{v}.0"),
                _ => v.to_string(),
            };
            let padded_rest: Vec<String> = rest
                .split('|')
                .map(|c| {
                    let op_len = c.len() - c.trim_start_matches(['<', '>', '=', '!']).len();
                    format!("{}{}", &c[..op_len], pad(&c[op_len..]))
                })
                .collect();
            sanso_pkgver::VersRange::parse(&format!("vers:semver/{}", padded_rest.join("|")))
                .ok()?
                .contains(&pad(version))
                .ok()
        }
    }
}

fn product_covers_component(product: &VexProduct, component: &ComponentIdentity) -> bool {
    if let Some(c) = &component.purl {
        if purl_and_range_cover(product, c) {
            return true;
        }
    }
    matches!((&product.id, &component.bom_ref), (Some(a), Some(b)) if a == b)
}

fn product_is_context(product: &VexProduct, context: &ProductContext) -> bool {
    let by_purl = context
        .purl
        .as_ref()
        .is_some_and(|c| purl_and_range_cover(product, c));
    let by_id = product
        .id
        .as_ref()
        .is_some_and(|id| context.ids.iter().any(|c| c == id));
    // A range on an identifier is checked against the context's version; a product purl already
    // carried its own version through `purl_and_range_cover`.
    let version_ok = match (&product.version_range, &context.version) {
        (None, _) => true,
        (Some(range), Some(v)) => range_contains(range, v).unwrap_or(false),
        (Some(_), None) => false,
    };
    by_purl || (by_id && version_ok)
}

/// A set of statements indexed by vulnerability ID.
#[derive(Debug, Clone, Default)]
pub struct VexSet {
    statements: Vec<VexStatement>,
    /// Parsed statement times (document order kept in `statements`).
    times: Vec<Option<OffsetDateTime>>,
    by_vulnerability: HashMap<String, Vec<usize>>,
}

impl VexSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one statement.
    pub fn add(&mut self, statement: VexStatement) {
        let index = self.statements.len();
        for id in statement.vulnerability_ids() {
            let slots = self.by_vulnerability.entry(id.to_string()).or_default();
            if slots.last() != Some(&index) {
                slots.push(index);
            }
        }
        self.times
            .push(statement.timestamp.as_deref().and_then(parse_rfc3339));
        self.statements.push(statement);
    }

    /// Adds many statements.
    pub fn extend(&mut self, statements: impl IntoIterator<Item = VexStatement>) {
        for s in statements {
            self.add(s);
        }
    }

    /// All statements in the order added.
    pub fn statements(&self) -> &[VexStatement] {
        &self.statements
    }

    /// Number of statements.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// True when there are no statements.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The statement that decides the status of vulnerability group `ids` for `component`, if any
    /// (see module docs for the rules).
    pub fn lookup<'a>(
        &'a self,
        ids: &[String],
        component: &ComponentIdentity,
        context: Option<&ProductContext>,
    ) -> Option<&'a VexStatement> {
        let mut best: Option<usize> = None;
        let mut seen: Vec<usize> = Vec::new();
        for id in ids {
            let Some(slots) = self.by_vulnerability.get(id) else {
                continue;
            };
            for &slot in slots {
                if seen.contains(&slot) {
                    continue;
                }
                seen.push(slot);
                if !self.applies(&self.statements[slot], component, context) {
                    continue;
                }
                best = match best {
                    None => Some(slot),
                    Some(current) => {
                        // Later time wins; untimed ranks first; equal → added later wins.
                        let newer = match (&self.times[slot], &self.times[current]) {
                            (Some(a), Some(b)) => a > b || (a == b && slot > current),
                            (Some(_), None) => true,
                            (None, Some(_)) => false,
                            (None, None) => slot > current,
                        };
                        Some(if newer { slot } else { current })
                    }
                };
            }
        }
        best.map(|slot| &self.statements[slot])
    }

    fn applies(
        &self,
        statement: &VexStatement,
        component: &ComponentIdentity,
        context: Option<&ProductContext>,
    ) -> bool {
        let sub_hit = statement
            .subcomponents
            .iter()
            .any(|s| product_covers_component(s, component));
        let product_is_scanned = context.is_some_and(|ctx| {
            statement
                .products
                .iter()
                .any(|p| product_is_context(p, ctx))
        });
        if statement.products.is_empty() && statement.subcomponents.is_empty() {
            // A statement naming no product covers everything its document is applied to.
            true
        } else if statement.subcomponents.is_empty() {
            product_is_scanned
                || statement
                    .products
                    .iter()
                    .any(|p| product_covers_component(p, component))
        } else {
            // With subcomponents, the products name the containers: the statement is about those
            // subcomponents, wherever they appear unless a product context says otherwise.
            sub_hit
                && (context.is_none()
                    || product_is_scanned
                    || statement
                        .products
                        .iter()
                        .all(|p| p.purl.is_none() && p.id.is_none()))
        }
    }
}

/// Reads an optional string at `value[key]`.
pub(crate) fn json_opt_str(value: &serde_json::Value, key: &str) -> Option<String> {
    value.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

/// Detects the VEX dialect of a JSON document and imports it.
pub fn import_any(source_name: &str, bytes: &[u8]) -> Result<Vec<VexStatement>, crate::VulnError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| crate::VulnError::Json {
            source_name: source_name.to_string(),
            json_path: "$".into(),
            message: e.to_string(),
        })?;
    if value.get("statements").is_some()
        || value
            .get("@context")
            .and_then(|c| c.as_str())
            .is_some_and(|c| c.contains("openvex"))
    {
        openvex::import_value(source_name, &value)
    } else if value.get("bomFormat").is_some() {
        cyclonedx::import_value(source_name, &value)
    } else if value.pointer("/document/csaf_version").is_some() {
        csaf::import_value(source_name, &value)
    } else {
        Err(crate::VulnError::Vex {
            source_name: source_name.to_string(),
            format: "unknown",
            json_path: "$".into(),
            message:
                "not OpenVEX (statements), CycloneDX (bomFormat) or CSAF (document.csaf_version)"
                    .into(),
        })
    }
}

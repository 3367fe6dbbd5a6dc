//! "A new advisory arrived: which of our products does it hit?" — an inverted index from
//! (ecosystem, package name) to the component rows of many SBOMs.
//!
//! Layout, chosen so that ten million rows stay small and one advisory is answered without
//! touching unrelated rows:
//! - package keys are interned once (`PackageKey` → `u32`); an SBOM row stores no strings;
//! - per package, the distinct versions seen are interned and **pre-parsed** under both orderings
//!   a range may ask for (SEMVER and the ecosystem's), so a query parses nothing but the
//!   advisory's own events;
//! - per (package, version), the rows are one `Vec<u32>` of global row numbers; the SBOM of a row
//!   is found by binary search in the SBOMs' row offsets. That is 4 bytes per row.
//!
//! A query compiles each `affected[]` entry once, tests each distinct version of the package
//! (typically tens), and copies out the row lists of the affected versions. Its cost is
//! proportional to the package's distinct versions plus the number of hits, not to the portfolio.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::db::{ecosystem_base, PackageKey};
use crate::matching::{CompiledAffected, MatchReason, ParsedTarget};
use crate::osv::Advisory;

/// Index of an SBOM in the portfolio.
pub type SbomId = u32;

/// Interned package (see [`Portfolio::intern_package`]).
pub type PackageId = u32;

#[derive(Debug, Default)]
struct PackageVersions {
    /// Distinct versions, pre-parsed.
    versions: Vec<ParsedTarget>,
    version_ids: HashMap<String, u32>,
    /// Row numbers per version.
    rows: Vec<Vec<u32>>,
}

/// The portfolio index.
#[derive(Debug, Default)]
pub struct Portfolio {
    packages: Vec<PackageVersions>,
    package_keys: Vec<PackageKey>,
    /// ecosystem base → normalised name → package id (two levels so lookups borrow `&str`).
    package_ids: HashMap<String, HashMap<String, u32>>,
    sbom_labels: Vec<String>,
    /// First global row of each SBOM; rows of one SBOM are contiguous.
    sbom_first_row: Vec<u32>,
    /// SBOMs removed (replaced by a new upload, deleted); their rows stay until a rebuild.
    removed: Vec<bool>,
    total_rows: u32,
}

/// One affected component of one SBOM. Borrowed from the portfolio: a query allocates nothing
/// per hit, which matters when a popular package gives tens of thousands of hits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PortfolioHit<'a> {
    /// The SBOM.
    pub sbom: SbomId,
    /// Position of the component in that SBOM's list.
    pub component_index: u32,
    /// Package key.
    pub package: &'a PackageKey,
    /// Component version.
    pub version: &'a str,
    /// Index into [`AdvisoryImpact::reasons`].
    pub reason: usize,
}

/// Everything one advisory affects in the portfolio.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AdvisoryImpact<'a> {
    /// Affected (SBOM, component) rows, sorted by SBOM then component.
    pub hits: Vec<PortfolioHit<'a>>,
    /// Distinct match reasons referenced by the hits.
    pub reasons: Vec<MatchReason>,
}

impl AdvisoryImpact<'_> {
    /// The reason of one hit.
    pub fn reason_of(&self, hit: &PortfolioHit<'_>) -> Option<&MatchReason> {
        self.reasons.get(hit.reason)
    }

    /// Distinct SBOMs hit.
    pub fn sboms(&self) -> Vec<SbomId> {
        let mut ids: Vec<SbomId> = self.hits.iter().map(|h| h.sbom).collect();
        ids.dedup();
        ids
    }
}

/// Counts about the portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PortfolioStats {
    /// SBOMs indexed (not removed).
    pub sboms: usize,
    /// Component rows.
    pub rows: usize,
    /// Distinct packages.
    pub packages: usize,
    /// Distinct (package, version) pairs.
    pub package_versions: usize,
}

impl Portfolio {
    /// An empty portfolio.
    pub fn new() -> Self {
        Self::default()
    }

    /// Interns a package (OSV ecosystem, name) and returns its ID, for callers that keep package
    /// IDs (a database does) and add rows with [`Portfolio::add_sbom_interned`].
    pub fn intern_package(&mut self, ecosystem: &str, name: &str) -> PackageId {
        self.package_id(ecosystem, name)
    }

    fn package_id(&mut self, ecosystem: &str, name: &str) -> u32 {
        let base = ecosystem_base(ecosystem);
        // Fast path without allocating: a name already in normal form.
        if let Some(&id) = self.package_ids.get(base).and_then(|m| m.get(name)) {
            return id;
        }
        let key = PackageKey::new(base, name);
        let by_name = self.package_ids.entry(key.ecosystem.clone()).or_default();
        if let Some(&id) = by_name.get(&key.name) {
            return id;
        }
        let id = self.packages.len() as u32;
        by_name.insert(key.name.clone(), id);
        self.packages.push(PackageVersions::default());
        self.package_keys.push(key);
        id
    }

    /// Adds one SBOM's components as (OSV ecosystem, package name, version). Returns its ID.
    ///
    /// Fails only when the portfolio would exceed `u32::MAX` rows.
    pub fn add_sbom<'a>(
        &mut self,
        label: &str,
        components: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<SbomId, crate::VulnError> {
        let rows: Vec<(PackageId, &str)> = components
            .into_iter()
            .map(|(ecosystem, name, version)| (self.package_id(ecosystem, name), version))
            .collect();
        self.add_sbom_interned(label, rows)
    }

    /// Adds one SBOM's components as (interned package, version). Returns its ID.
    ///
    /// Fails when a package ID was not issued by this portfolio or the portfolio would exceed
    /// `u32::MAX` rows; nothing is added then.
    pub fn add_sbom_interned<'a>(
        &mut self,
        label: &str,
        components: impl IntoIterator<Item = (PackageId, &'a str)>,
    ) -> Result<SbomId, crate::VulnError> {
        let components: Vec<(PackageId, &str)> = components.into_iter().collect();
        if let Some((bad, _)) = components
            .iter()
            .find(|(p, _)| *p as usize >= self.packages.len())
        {
            return Err(crate::VulnError::Usage(format!(
                "package id {bad} was not issued by this portfolio"
            )));
        }
        let first_row = self.total_rows;
        let end = u32::try_from(components.len())
            .ok()
            .and_then(|n| first_row.checked_add(n))
            .ok_or_else(|| {
                crate::VulnError::Usage("portfolio exceeds 4,294,967,295 component rows".into())
            })?;
        let sbom = self.sbom_labels.len() as SbomId;
        self.sbom_labels.push(label.to_string());
        self.sbom_first_row.push(first_row);
        self.removed.push(false);
        for (offset, (pid, version)) in components.into_iter().enumerate() {
            let row = first_row + offset as u32;
            let pkg = &mut self.packages[pid as usize];
            let vid = match pkg.version_ids.get(version) {
                Some(&v) => v,
                None => {
                    let base = &self.package_keys[pid as usize].ecosystem;
                    let v = pkg.versions.len() as u32;
                    pkg.versions.push(ParsedTarget::parse(base, version));
                    pkg.version_ids.insert(version.to_string(), v);
                    pkg.rows.push(Vec::new());
                    v
                }
            };
            pkg.rows[vid as usize].push(row);
        }
        self.total_rows = end;
        Ok(sbom)
    }

    /// Removes an SBOM from answers (a tombstone: its rows stay in memory until the portfolio is
    /// rebuilt, which a server does on its periodic refresh). Returns false for an unknown ID.
    pub fn remove_sbom(&mut self, sbom: SbomId) -> bool {
        match self.removed.get_mut(sbom as usize) {
            Some(flag) => {
                *flag = true;
                true
            }
            None => false,
        }
    }

    /// The label given to an SBOM.
    pub fn sbom_label(&self, sbom: SbomId) -> Option<&str> {
        self.sbom_labels.get(sbom as usize).map(String::as_str)
    }

    /// Counts.
    pub fn stats(&self) -> PortfolioStats {
        PortfolioStats {
            sboms: self.removed.iter().filter(|r| !**r).count(),
            rows: self.total_rows as usize,
            packages: self.packages.len(),
            package_versions: self.packages.iter().map(|p| p.versions.len()).sum(),
        }
    }

    fn locate(&self, row: u32) -> (SbomId, u32) {
        // The last SBOM whose first row is <= row.
        let idx = self.sbom_first_row.partition_point(|&first| first <= row);
        let sbom = idx.saturating_sub(1);
        (sbom as SbomId, row - self.sbom_first_row[sbom])
    }

    /// Every (SBOM, component) the advisory affects. Withdrawn advisories affect nothing.
    pub fn affected_by(&self, advisory: &Advisory) -> AdvisoryImpact<'_> {
        let mut impact = AdvisoryImpact::default();
        if advisory.is_withdrawn() {
            return impact;
        }
        for affected in &advisory.affected {
            let Some(pkg) = &affected.package else {
                continue;
            };
            let key = PackageKey::new(&pkg.ecosystem, &pkg.name);
            let Some(&pid) = self
                .package_ids
                .get(&key.ecosystem)
                .and_then(|m| m.get(&key.name))
            else {
                continue;
            };
            let compiled = CompiledAffected::compile(affected, &key.ecosystem);
            let versions = &self.packages[pid as usize];
            let package = &self.package_keys[pid as usize];
            for (vid, target) in versions.versions.iter().enumerate() {
                let Some(reason) = compiled.evaluate_parsed(target).reason else {
                    continue;
                };
                let reason_index = match impact.reasons.iter().position(|r| *r == reason) {
                    Some(i) => i,
                    None => {
                        impact.reasons.push(reason);
                        impact.reasons.len() - 1
                    }
                };
                impact.hits.reserve(versions.rows[vid].len());
                for &row in &versions.rows[vid] {
                    let (sbom, component_index) = self.locate(row);
                    if self.removed[sbom as usize] {
                        continue;
                    }
                    impact.hits.push(PortfolioHit {
                        sbom,
                        component_index,
                        package,
                        version: &target.raw,
                        reason: reason_index,
                    });
                }
            }
        }
        impact
            .hits
            .sort_unstable_by_key(|h| (h.sbom, h.component_index));
        // Several affected[] entries may name the same package: keep one hit per row.
        impact.hits.dedup_by_key(|h| (h.sbom, h.component_index));
        impact
    }
}

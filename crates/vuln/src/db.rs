//! The in-memory OSV database: advisories by ID, an index by (ecosystem, package name), alias
//! groups, and the match entry point.
//!
//! Updates: inserting an advisory whose ID is already present replaces the stored copy only when
//! the new `modified` time is later (RFC 3339, compared as instants); otherwise the older copy is
//! kept. Replacing re-indexes the advisory's packages. Alias groups only ever grow by union; when a
//! replacement *removes* an alias the groups are rebuilt from scratch so that no stale link stays.
//!
//! Package keys: the OSV ecosystem without its release suffix (`Debian:11` → `Debian`), and the
//! package name normalised the way the ecosystem compares names (PyPI: PEP 503, lower-case with
//! runs of `-_.` as one `-`; Go, crates.io, NuGet, Packagist, Pub, Hex: lower-case; other
//! ecosystems: exact).

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use crate::aliases::AliasGroups;
use crate::matching::{CompiledAffected, MatchReason, ParsedTarget};
use crate::osv::{Advisory, ScoredSeverity};
use crate::timestamp::parse_rfc3339;

/// Index key for one package of one ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PackageKey {
    /// OSV ecosystem base name (`crates.io`, `Go`, `PyPI`, `Debian` …).
    pub ecosystem: String,
    /// Normalised package name.
    pub name: String,
}

impl PackageKey {
    /// Builds the key from an OSV ecosystem (suffix allowed) and a package name.
    pub fn new(ecosystem: &str, name: &str) -> Self {
        let base = ecosystem_base(ecosystem);
        PackageKey {
            ecosystem: base.to_string(),
            name: normalize_package_name(base, name),
        }
    }
}

/// `Debian:11` → `Debian`; `crates.io` unchanged.
pub fn ecosystem_base(ecosystem: &str) -> &str {
    ecosystem.split_once(':').map_or(ecosystem, |(b, _)| b)
}

/// `Debian:11` → `Some("11")`.
pub fn ecosystem_release(ecosystem: &str) -> Option<&str> {
    ecosystem.split_once(':').map(|(_, r)| r)
}

/// Normalises a package name for index lookups (see module docs).
pub fn normalize_package_name(ecosystem_base: &str, name: &str) -> String {
    match ecosystem_base {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut last_sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !last_sep {
                        out.push('-');
                    }
                    last_sep = true;
                } else {
                    out.extend(c.to_lowercase());
                    last_sep = false;
                }
            }
            out
        }
        // Registries that treat names case-insensitively. Go module paths are case-sensitive in
        // principle, but SBOM tools following older purl rules lower-case them, code hosts are
        // case-insensitive, and the Go database itself spells one module two ways
        // (github.com/0xJacky/nginx-ui and github.com/0xJacky/Nginx-UI).
        "Go" | "crates.io" | "NuGet" | "Packagist" | "Pub" | "Hex" => name.to_lowercase(),
        _ => name.to_string(),
    }
}

#[derive(Debug, Clone, Copy)]
struct IndexEntry {
    advisory: u32,
    affected: u32,
}

/// What [`OsvDatabase::insert`] did with an advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    /// The ID was new.
    Added,
    /// A copy with an earlier `modified` was replaced.
    Replaced,
    /// The stored copy is as new or newer; nothing changed.
    KeptExisting,
}

/// The OSV database.
#[derive(Debug, Clone, Default)]
pub struct OsvDatabase {
    advisories: Vec<Advisory>,
    /// Per advisory slot, each `affected[]` entry with parsed, sorted events.
    compiled: Vec<Vec<CompiledAffected>>,
    /// Per advisory slot, its best severity (CVSS parsed once).
    severities: Vec<Option<ScoredSeverity>>,
    by_id: HashMap<String, u32>,
    index: HashMap<PackageKey, Vec<IndexEntry>>,
    aliases: AliasGroups,
}

/// One advisory matching one package version.
#[derive(Debug, Clone, Serialize)]
pub struct AdvisoryMatch {
    /// The advisory ID.
    pub advisory_id: String,
    /// Index of the matching entry in `affected[]`.
    pub affected_index: usize,
    /// Why it matched.
    pub reason: MatchReason,
    /// True when the advisory is withdrawn.
    pub withdrawn: bool,
}

/// All matches for one package version plus any warnings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PackageMatches {
    /// Matching advisories (one entry per advisory; the first matching `affected[]` wins).
    pub matches: Vec<AdvisoryMatch>,
    /// Problems met while matching.
    pub warnings: Vec<String>,
}

impl OsvDatabase {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of advisories stored.
    pub fn advisory_count(&self) -> usize {
        self.advisories.len()
    }

    /// Number of distinct (ecosystem, package) keys indexed.
    pub fn package_count(&self) -> usize {
        self.index.len()
    }

    /// Number of withdrawn advisories stored.
    pub fn withdrawn_count(&self) -> usize {
        self.advisories.iter().filter(|a| a.is_withdrawn()).count()
    }

    /// The advisory with this ID (exact, not through aliases).
    pub fn get(&self, id: &str) -> Option<&Advisory> {
        self.by_id.get(id).map(|&i| &self.advisories[i as usize])
    }

    /// All advisories, in insertion order.
    pub fn advisories(&self) -> impl Iterator<Item = &Advisory> {
        self.advisories.iter()
    }

    /// The best severity of the advisory with this ID (computed once at insert).
    pub fn severity_of(&self, id: &str) -> Option<&ScoredSeverity> {
        let slot = *self.by_id.get(id)?;
        self.severities.get(slot as usize)?.as_ref()
    }

    /// The compiled form of `affected[affected_index]` of the advisory with this ID.
    pub fn compiled(&self, id: &str, affected_index: usize) -> Option<&CompiledAffected> {
        let slot = *self.by_id.get(id)?;
        self.compiled.get(slot as usize)?.get(affected_index)
    }

    /// The alias groups.
    pub fn aliases(&self) -> &AliasGroups {
        &self.aliases
    }

    /// Advisories indexed under (ecosystem, name), as (advisory, affected index) pairs.
    pub fn advisories_for(&self, ecosystem: &str, name: &str) -> Vec<(&Advisory, usize)> {
        self.index
            .get(&PackageKey::new(ecosystem, name))
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| (&self.advisories[e.advisory as usize], e.affected as usize))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Inserts or updates an advisory (see module docs for the update rule).
    pub fn insert(&mut self, advisory: Advisory) -> InsertOutcome {
        match self.by_id.get(&advisory.id).copied() {
            None => {
                let slot = self.advisories.len() as u32;
                self.aliases
                    .add(&advisory.id, advisory.aliases.iter().map(String::as_str));
                self.index_advisory(slot, &advisory);
                self.by_id.insert(advisory.id.clone(), slot);
                self.compiled.push(compile_all(&advisory));
                self.severities.push(advisory.best_severity());
                self.advisories.push(advisory);
                InsertOutcome::Added
            }
            Some(slot) => {
                let existing = &self.advisories[slot as usize];
                if !is_newer(&advisory.modified, &existing.modified) {
                    return InsertOutcome::KeptExisting;
                }
                let lost_alias = existing
                    .aliases
                    .iter()
                    .any(|a| !advisory.aliases.contains(a));
                self.unindex_advisory(slot);
                self.index_advisory(slot, &advisory);
                self.compiled[slot as usize] = compile_all(&advisory);
                self.severities[slot as usize] = advisory.best_severity();
                self.advisories[slot as usize] = advisory;
                if lost_alias {
                    self.rebuild_aliases();
                } else {
                    let adv = &self.advisories[slot as usize];
                    self.aliases
                        .add(&adv.id, adv.aliases.iter().map(String::as_str));
                }
                InsertOutcome::Replaced
            }
        }
    }

    fn rebuild_aliases(&mut self) {
        let mut groups = AliasGroups::new();
        for adv in &self.advisories {
            groups.add(&adv.id, adv.aliases.iter().map(String::as_str));
        }
        self.aliases = groups;
    }

    fn index_advisory(&mut self, slot: u32, advisory: &Advisory) {
        for (affected_index, affected) in advisory.affected.iter().enumerate() {
            let Some(pkg) = &affected.package else {
                continue;
            };
            self.index
                .entry(PackageKey::new(&pkg.ecosystem, &pkg.name))
                .or_default()
                .push(IndexEntry {
                    advisory: slot,
                    affected: affected_index as u32,
                });
        }
    }

    fn unindex_advisory(&mut self, slot: u32) {
        let old = &self.advisories[slot as usize];
        for pkg in old.affected.iter().filter_map(|a| a.package.as_ref()) {
            let key = PackageKey::new(&pkg.ecosystem, &pkg.name);
            if let Some(entries) = self.index.get_mut(&key) {
                entries.retain(|e| e.advisory != slot);
                if entries.is_empty() {
                    self.index.remove(&key);
                }
            }
        }
    }

    /// Matches one package version.
    ///
    /// `ecosystem` is an OSV ecosystem name, optionally with release (`Debian:12`): when given,
    /// entries for another release of the same ecosystem are skipped. Withdrawn advisories are
    /// included only when `include_withdrawn` is set (and then flagged).
    pub fn match_package(
        &self,
        ecosystem: &str,
        name: &str,
        version: &str,
        include_withdrawn: bool,
    ) -> PackageMatches {
        let mut out = PackageMatches::default();
        let release = ecosystem_release(ecosystem);
        let Some(entries) = self.index.get(&PackageKey::new(ecosystem, name)) else {
            return out;
        };
        let mut target: Option<(String, ParsedTarget)> = None;
        let mut matched: Vec<u32> = Vec::new();
        for entry in entries {
            let advisory = &self.advisories[entry.advisory as usize];
            if advisory.is_withdrawn() && !include_withdrawn {
                continue;
            }
            // One match per advisory even when several affected[] entries name the package.
            if matched.contains(&entry.advisory) {
                continue;
            }
            let affected = &advisory.affected[entry.affected as usize];
            if let (Some(want), Some(pkg)) = (release, affected.package.as_ref()) {
                if ecosystem_release(&pkg.ecosystem).is_some_and(|have| have != want) {
                    continue;
                }
            }
            let compiled = &self.compiled[entry.advisory as usize][entry.affected as usize];
            // A popular package has dozens of advisories: parse the version once per ecosystem
            // base rather than once per advisory.
            if target
                .as_ref()
                .is_none_or(|(base, _)| base != compiled.ecosystem_base())
            {
                target = Some((
                    compiled.ecosystem_base().to_string(),
                    ParsedTarget::parse(compiled.ecosystem_base(), version),
                ));
            }
            let Some((_, parsed)) = target.as_ref() else {
                continue;
            };
            let eval = compiled.evaluate_parsed(parsed);
            out.warnings.extend(
                compiled
                    .warnings
                    .iter()
                    .chain(eval.warnings.iter())
                    .map(|w| format!("{}: {name}@{version}: {w}", advisory.id)),
            );
            if let Some(reason) = eval.reason {
                matched.push(entry.advisory);
                out.matches.push(AdvisoryMatch {
                    advisory_id: advisory.id.clone(),
                    affected_index: entry.affected as usize,
                    reason,
                    withdrawn: advisory.is_withdrawn(),
                });
            }
        }
        out
    }
}

/// Compiles every `affected[]` entry of an advisory (entries without package use no ecosystem).
fn compile_all(advisory: &Advisory) -> Vec<CompiledAffected> {
    advisory
        .affected
        .iter()
        .map(|a| {
            let base = a
                .package
                .as_ref()
                .map_or("", |p| ecosystem_base(&p.ecosystem));
            CompiledAffected::compile(a, base)
        })
        .collect()
}

/// True when `candidate` is a later instant than `current`. Unparseable times fall back to a
/// string comparison, which is right for the usual `…Z` form.
fn is_newer(candidate: &str, current: &str) -> bool {
    match (parse_rfc3339(candidate), parse_rfc3339(current)) {
        (Some(a), Some(b)) => a > b,
        _ => candidate > current,
    }
}

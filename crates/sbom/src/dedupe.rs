//! De-duplication of components by identity, before storage.
//!
//! Identity: the canonical package URL when a component has one; otherwise the tuple
//! (group, name, version, sorted hashes). Components with neither a purl nor a name have no
//! identity and are kept as they are.
//!
//! The first occurrence is kept and absorbs what its duplicates add: hashes, licences and
//! properties are united; empty fields (cpe, supplier, description, purl) are filled; a `required`
//! scope wins over `optional`/`excluded` (if any copy is needed at run time, the package is).
//! Duplicates' `bom_ref`s are rewritten to the kept one in dependency edges and `parent` links,
//! and edges of the same origin are merged, so the dependency graph stays connected.

use std::collections::{HashMap, HashSet};

use crate::model::{Component, Dependency, Sbom, Scope};

/// What [`dedupe`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DedupeReport {
    pub components_before: usize,
    pub components_after: usize,
    /// Number of dependency edge lists merged because their origins were duplicates.
    pub dependency_lists_merged: usize,
}

/// How a component is recognised as the same package as another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Identity {
    Purl(String),
    Coordinates {
        group: Option<String>,
        name: String,
        version: Option<String>,
        /// `algorithm:value`, sorted.
        hashes: Vec<String>,
    },
}

/// The identity of a component, or `None` when it has neither purl nor name.
pub fn identity(component: &Component) -> Option<Identity> {
    if let Some(purl) = component.purl.as_deref() {
        return Some(Identity::Purl(canonical_purl(purl)));
    }
    if component.name.is_empty() {
        return None;
    }
    let mut hashes: Vec<String> = component
        .hashes
        .iter()
        .map(|hash| format!("{}:{}", hash.algorithm.to_ascii_uppercase(), hash.value))
        .collect();
    hashes.sort();
    hashes.dedup();
    Some(Identity::Coordinates {
        group: component.group.clone(),
        name: component.name.clone(),
        version: component.version.clone(),
        hashes,
    })
}

/// Purl types whose namespace and name are case-insensitive (purl specification, per type).
const CASE_INSENSITIVE_TYPES: &[&str] = &[
    "alpm",
    "apk",
    "bitbucket",
    "bitnami",
    "composer",
    "deb",
    "github",
    "hex",
    "luarocks",
    "pypi",
];

/// The canonical form of a package URL, for identity comparison: sanso-pkgver's parser and
/// canonical `Display` (percent-encoding, per-type case folding, sorted qualifiers …). Strings it
/// rejects (real SBOMs contain purls that break a type's rules, e.g. a Maven purl without
/// namespace) still get the syntactic normalisation of [`normalise_purl_text`], so that two
/// spellings of the same broken purl still match.
pub fn canonical_purl(purl: &str) -> String {
    match sanso_pkgver::purl::PackageUrl::parse(purl.trim()) {
        Ok(parsed) => parsed.to_string(),
        Err(_) => normalise_purl_text(purl),
    }
}

/// Syntactic purl normalisation without validation: lower-case scheme and type, lower-case
/// namespace/name for the case-insensitive types (and `_` → `-` in PyPI names), qualifiers with
/// lower-case keys, empty values dropped and keys sorted, subpath without surrounding slashes.
/// Text that is not a purl at all is returned trimmed. Percent-escapes are left as written.
pub fn normalise_purl_text(purl: &str) -> String {
    let purl = purl.trim();
    let Some(scheme_end) = purl.find(':') else {
        return purl.to_string();
    };
    if !purl[..scheme_end].eq_ignore_ascii_case("pkg") {
        return purl.to_string();
    }
    let rest = purl[scheme_end + 1..].trim_start_matches('/');
    let (rest, subpath) = match rest.split_once('#') {
        Some((rest, subpath)) => (rest, Some(subpath.trim_matches('/'))),
        None => (rest, None),
    };
    let (rest, qualifiers) = match rest.split_once('?') {
        Some((rest, qualifiers)) => (rest, Some(qualifiers)),
        None => (rest, None),
    };
    let (path, version) = match rest.rfind('@') {
        // An `@` inside the path (npm scope `%40` is escaped, but be safe) only counts after the name.
        Some(at) if rest[at..].find('/').is_none() => (&rest[..at], Some(&rest[at + 1..])),
        _ => (rest, None),
    };
    let path = path.trim_end_matches('/');
    let (kind, name_path) = path.split_once('/').unwrap_or((path, ""));
    let kind = kind.to_ascii_lowercase();
    let mut name_path = name_path.to_string();
    if CASE_INSENSITIVE_TYPES.contains(&kind.as_str()) {
        name_path = name_path.to_lowercase();
    }
    if kind == "pypi" {
        name_path = name_path.replace('_', "-");
    }
    let mut canonical = format!("pkg:{kind}/{name_path}");
    if let Some(version) = version {
        canonical.push('@');
        canonical.push_str(version);
    }
    if let Some(qualifiers) = qualifiers {
        let mut pairs: Vec<(String, &str)> = qualifiers
            .split('&')
            .filter_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                (!value.is_empty()).then(|| (key.to_ascii_lowercase(), value))
            })
            .collect();
        pairs.sort();
        if !pairs.is_empty() {
            canonical.push('?');
            let joined: Vec<String> = pairs
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            canonical.push_str(&joined.join("&"));
        }
    }
    if let Some(subpath) = subpath.filter(|subpath| !subpath.is_empty()) {
        canonical.push('#');
        canonical.push_str(subpath);
    }
    canonical
}

/// Removes duplicate components from `sbom` in place, merging what duplicates add.
///
/// Works inside the existing vector (kept components are compacted to the front), so a document
/// of 300,000 components is not held twice.
pub fn dedupe(sbom: &mut Sbom) -> DedupeReport {
    let components = &mut sbom.components;
    let before = components.len();
    let mut kept_index: HashMap<Identity, usize> = HashMap::with_capacity(before);
    // bom_ref of a dropped duplicate → bom_ref of the component that absorbed it.
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut kept = 0usize;
    for read in 0..before {
        let key = identity(&components[read]);
        let survivor = key.as_ref().and_then(|key| kept_index.get(key).copied());
        match survivor {
            Some(survivor) => {
                let duplicate = std::mem::take(&mut components[read]);
                let survivor = &mut components[survivor];
                if let (Some(dropped), Some(survivor_ref)) =
                    (duplicate.bom_ref.as_ref(), survivor.bom_ref.as_ref())
                {
                    if dropped != survivor_ref {
                        renamed.insert(dropped.clone(), survivor_ref.clone());
                    }
                }
                absorb(survivor, duplicate);
            }
            None => {
                components.swap(kept, read);
                if let Some(key) = key {
                    kept_index.insert(key, kept);
                }
                kept += 1;
            }
        }
    }
    components.truncate(kept);
    drop(kept_index);
    if !renamed.is_empty() {
        for component in components.iter_mut() {
            if let Some(parent) = component.parent.as_mut() {
                if let Some(new) = renamed.get(parent) {
                    *parent = new.clone();
                }
            }
        }
    }
    let lists_before = sbom.dependencies.len();
    sbom.dependencies = merge_dependencies(std::mem::take(&mut sbom.dependencies), &renamed);
    DedupeReport {
        components_before: before,
        components_after: sbom.components.len(),
        dependency_lists_merged: lists_before - sbom.dependencies.len(),
    }
}

/// De-duplication for streamed reading, where components are stored as they arrive and a kept
/// component cannot absorb a later duplicate's hashes or licences. It keeps what the graph needs:
/// the first occurrence survives, a duplicate's `bom_ref` is renamed to the survivor's in later
/// `parent` links and, through [`StreamDeduper::merge_dependencies`], in the dependency edges.
#[derive(Debug, Default)]
pub struct StreamDeduper {
    /// Identity of each kept component → its `bom_ref`.
    kept: HashMap<Identity, Option<String>>,
    /// `bom_ref` of a dropped duplicate → `bom_ref` of the component kept in its place.
    renamed: HashMap<String, String>,
}

impl StreamDeduper {
    pub fn new() -> Self {
        Self::default()
    }

    /// True when `component` is to be stored (first of its identity, or without identity);
    /// false for a duplicate, whose `bom_ref` is remembered for renaming. A kept component's
    /// `parent` that names an earlier duplicate is rewritten to the survivor.
    pub fn admit(&mut self, component: &mut Component) -> bool {
        if let Some(parent) = component.parent.as_mut() {
            if let Some(survivor) = self.renamed.get(parent) {
                *parent = survivor.clone();
            }
        }
        let Some(key) = identity(component) else {
            return true;
        };
        match self.kept.get(&key) {
            Some(survivor) => {
                if let (Some(dropped), Some(survivor)) = (&component.bom_ref, survivor) {
                    if dropped != survivor {
                        self.renamed.insert(dropped.clone(), survivor.clone());
                    }
                }
                false
            }
            None => {
                self.kept.insert(key, component.bom_ref.clone());
                true
            }
        }
    }

    /// Dependency lists with dropped duplicates' references renamed and lists of the same origin
    /// merged (as [`dedupe`] does for a whole document).
    pub fn merge_dependencies(&self, dependencies: Vec<Dependency>) -> Vec<Dependency> {
        merge_dependencies(dependencies, &self.renamed)
    }
}

/// Moves what `duplicate` knows and `survivor` does not into `survivor`.
fn absorb(survivor: &mut Component, duplicate: Component) {
    for hash in duplicate.hashes {
        if !survivor.hashes.contains(&hash) {
            survivor.hashes.push(hash);
        }
    }
    for license in duplicate.licenses {
        if !survivor.licenses.contains(&license) {
            survivor.licenses.push(license);
        }
    }
    for property in duplicate.properties {
        if !survivor.properties.contains(&property) {
            survivor.properties.push(property);
        }
    }
    fill(&mut survivor.bom_ref, duplicate.bom_ref);
    fill(&mut survivor.purl, duplicate.purl);
    fill(&mut survivor.cpe, duplicate.cpe);
    fill(&mut survivor.supplier, duplicate.supplier);
    fill(&mut survivor.description, duplicate.description);
    fill(&mut survivor.group, duplicate.group);
    fill(&mut survivor.version, duplicate.version);
    survivor.scope = match (survivor.scope, duplicate.scope) {
        (Some(Scope::Required), _) | (_, Some(Scope::Required)) => Some(Scope::Required),
        (Some(scope), _) | (None, Some(scope)) => Some(scope),
        (None, None) => None,
    };
}

fn fill(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// Merges edge lists of the same origin (after renaming), dropping repeated and self edges.
pub(crate) fn merge_dependencies(
    dependencies: Vec<Dependency>,
    renamed: &HashMap<String, String>,
) -> Vec<Dependency> {
    let rename = |reference: String| match renamed.get(&reference) {
        Some(new) => new.clone(),
        None => reference,
    };
    let mut index_of: HashMap<String, usize> = HashMap::with_capacity(dependencies.len());
    let mut merged: Vec<Dependency> = Vec::with_capacity(dependencies.len());
    for dependency in dependencies {
        let from = rename(dependency.from);
        let index = match index_of.get(&from) {
            Some(&index) => index,
            None => {
                index_of.insert(from.clone(), merged.len());
                merged.push(Dependency {
                    from,
                    to: Vec::with_capacity(dependency.to.len()),
                });
                merged.len() - 1
            }
        };
        let entry = &mut merged[index];
        for target in dependency.to {
            let target = rename(target);
            // A self-edge appears when a component and its duplicate depended on each other.
            if target != entry.from {
                entry.to.push(target);
            }
        }
    }
    for entry in &mut merged {
        remove_repeats(&mut entry.to);
    }
    merged
}

/// Removes repeated targets, keeping first occurrences in order. Lists are short (a handful of
/// direct dependencies), where a scan beats a hash set; long lists get one.
fn remove_repeats(targets: &mut Vec<String>) {
    if targets.len() <= 32 {
        let mut index = 0;
        while index < targets.len() {
            if targets[..index].contains(&targets[index]) {
                targets.remove(index);
            } else {
                index += 1;
            }
        }
    } else {
        let mut seen = HashSet::with_capacity(targets.len());
        targets.retain(|target| seen.insert(target.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_purl_sorts_qualifiers_and_lowers_type() {
        assert_eq!(
            canonical_purl("PKG:Maven/org.A/b@1.0?type=jar&classifier=src&empty="),
            "pkg:maven/org.A/b@1.0?classifier=src&type=jar"
        );
        assert_eq!(
            canonical_purl("pkg:pypi/Django_Rest@3.0"),
            "pkg:pypi/django-rest@3.0"
        );
        assert_eq!(canonical_purl("pkg:npm/x@1#/lib/"), "pkg:npm/x@1#lib");
        assert_eq!(
            normalise_purl_text("PKG:Maven/b@1.0?b=&A=1"),
            "pkg:maven/b@1.0?a=1"
        );
    }

    fn component(bom_ref: &str, purl: &str, parent: Option<&str>) -> Component {
        Component {
            bom_ref: Some(bom_ref.into()),
            name: "n".into(),
            purl: Some(purl.into()),
            parent: parent.map(str::to_string),
            ..Component::default()
        }
    }

    #[test]
    fn streamed_duplicates_are_dropped_and_their_references_renamed() {
        let mut d = StreamDeduper::new();
        let mut a = component("a", "pkg:npm/left-pad@1.0.0", None);
        let mut a2 = component("a-copy", "PKG:npm/left-pad@1.0.0", None);
        let mut child = component("c", "pkg:npm/child@2", Some("a-copy"));
        assert!(d.admit(&mut a));
        assert!(!d.admit(&mut a2));
        assert!(d.admit(&mut child));
        assert_eq!(child.parent.as_deref(), Some("a"));
        let deps = d.merge_dependencies(vec![
            Dependency {
                from: "a".into(),
                to: vec!["c".into()],
            },
            Dependency {
                from: "a-copy".into(),
                to: vec!["c".into(), "d".into(), "a".into()],
            },
            Dependency {
                from: "root".into(),
                to: vec!["a-copy".into()],
            },
        ]);
        assert_eq!(
            deps,
            vec![
                Dependency {
                    from: "a".into(),
                    to: vec!["c".into(), "d".into()],
                },
                Dependency {
                    from: "root".into(),
                    to: vec!["a".into()],
                },
            ]
        );
    }
}

//! Version parsing for range evaluation.
//!
//! OSV says how to compare the versions of a range through the range `type`:
//! - `SEMVER`: Semantic Versioning 2.0 precedence. Build metadata is ignored (`1.0.0+a == 1.0.0+b`),
//!   pre-releases sort before their release, numeric identifiers compare numerically. Go
//!   pseudo-versions (`0.0.0-20210101000000-abcdef012345`, `1.2.4-0.2021…`) are valid semver
//!   pre-releases and order correctly under these rules, which is why the Go database can use
//!   `SEMVER`. We parse leniently because real inputs are not always strict: a leading `v`
//!   (Go module versions) or `go` (Go toolchain tags) is dropped, missing minor/patch parts are
//!   padded with `.0`, and leading zeros in numeric core parts are removed.
//! - `ECOSYSTEM`: the ecosystem's own ordering, delegated to `sanso-pkgver`.
//!
//! The special event value `"0"` of `introduced` means "before every version" and never needs
//! parsing; see [`Bound`].

use std::cmp::Ordering;

/// A version ready for comparison inside one range.
#[derive(Debug, Clone)]
pub enum OrderedVersion {
    /// Compared by semver precedence.
    Semver(semver::Version),
    /// Compared by the ecosystem's own ordering.
    Ecosystem(EcoVersion),
}

impl PartialEq for OrderedVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for OrderedVersion {}
impl PartialOrd for OrderedVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrderedVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (OrderedVersion::Semver(a), OrderedVersion::Semver(b)) => a.cmp_precedence(b),
            (OrderedVersion::Ecosystem(a), OrderedVersion::Ecosystem(b)) => a.cmp(b),
            // Versions of one range are always parsed with one scheme; this arm only keeps the
            // order total.
            (OrderedVersion::Semver(_), OrderedVersion::Ecosystem(_)) => Ordering::Less,
            (OrderedVersion::Ecosystem(_), OrderedVersion::Semver(_)) => Ordering::Greater,
        }
    }
}

/// How the versions of one range are parsed.
#[derive(Debug, Clone)]
pub enum VersionScheme {
    /// Semver precedence (range type `SEMVER`).
    Semver,
    /// Ecosystem ordering (range type `ECOSYSTEM`).
    Ecosystem(Eco),
}

impl VersionScheme {
    /// The scheme for an `ECOSYSTEM` range of the given OSV ecosystem name (suffix like `:11`
    /// already removed), or `None` when `sanso-pkgver` does not know that ecosystem.
    pub fn for_osv_ecosystem(base_name: &str) -> Option<VersionScheme> {
        eco_from_osv_name(base_name).map(VersionScheme::Ecosystem)
    }

    /// Parses `text` under this scheme.
    pub fn parse(&self, text: &str) -> Result<OrderedVersion, String> {
        match self {
            VersionScheme::Semver => parse_semver_lenient(text).map(OrderedVersion::Semver),
            VersionScheme::Ecosystem(eco) => eco_parse(eco, text).map(OrderedVersion::Ecosystem),
        }
    }
}

type Eco = sanso_pkgver::version::Ecosystem;
type EcoVersion = sanso_pkgver::version::Version;

fn eco_from_osv_name(name: &str) -> Option<Eco> {
    Eco::from_osv_name(name)
}

fn eco_parse(eco: &Eco, text: &str) -> Result<EcoVersion, String> {
    eco.parse(text).map_err(|e| e.to_string())
}

/// A parsed range event bound: `"0"` is below every version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bound {
    /// `introduced: "0"`.
    Zero,
    /// Any other version.
    At(OrderedVersion),
}

/// Parses a semver version leniently (see module docs).
pub fn parse_semver_lenient(text: &str) -> Result<semver::Version, String> {
    let trimmed = text.trim();
    if let Ok(v) = semver::Version::parse(trimmed) {
        return Ok(v);
    }
    let without_prefix = trimmed
        .strip_prefix('v')
        .or_else(|| trimmed.strip_prefix('V'))
        .or_else(|| trimmed.strip_prefix("go"))
        .unwrap_or(trimmed);
    // Split the numeric core from "-pre" / "+build".
    let core_end = without_prefix
        .find(['-', '+'])
        .unwrap_or(without_prefix.len());
    let (core, rest) = without_prefix.split_at(core_end);
    let mut parts: Vec<String> = Vec::with_capacity(3);
    for part in core.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{text:?} is not a semantic version"));
        }
        let stripped = part.trim_start_matches('0');
        parts.push(if stripped.is_empty() {
            "0".to_string()
        } else {
            stripped.to_string()
        });
    }
    if parts.is_empty() || parts.len() > 3 {
        return Err(format!("{text:?} is not a semantic version"));
    }
    while parts.len() < 3 {
        parts.push("0".to_string());
    }
    let normalized = format!("{}{}", parts.join("."), rest);
    semver::Version::parse(&normalized)
        .map_err(|e| format!("{text:?} is not a semantic version: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(s: &str) -> OrderedVersion {
        VersionScheme::Semver.parse(s).unwrap()
    }

    #[test]
    fn lenient_semver_forms() {
        assert_eq!(sv("v1.2.3"), sv("1.2.3"));
        assert_eq!(sv("1.2"), sv("1.2.0"));
        assert_eq!(sv("go1.21"), sv("1.21.0"));
        assert_eq!(sv("1.02.3"), sv("1.2.3"));
        assert_eq!(sv("2.0.0+incompatible"), sv("2.0.0"));
        assert!(VersionScheme::Semver.parse("banana").is_err());
        assert!(VersionScheme::Semver.parse("1.2.3.4").is_err());
    }

    #[test]
    fn go_pseudo_versions_order() {
        // A pseudo-version based on no tag sorts below v0.1.0 …
        assert!(sv("0.0.0-20200101000000-abcdef012345") < sv("0.1.0"));
        // … one derived from v1.2.3 sorts above it and below v1.2.4.
        assert!(sv("1.2.4-0.20210101000000-abcdef012345") > sv("1.2.3"));
        assert!(sv("1.2.4-0.20210101000000-abcdef012345") < sv("1.2.4"));
        // Later timestamps sort later.
        assert!(sv("0.0.0-20200101000000-abcdef012345") < sv("0.0.0-20200102000000-000000000000"));
    }
}

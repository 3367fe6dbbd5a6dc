//! SemVer 2.0 ordering and its dialects: npm, Cargo, Go modules, Pub, NuGet
//! and the generic OSV `SEMVER` ecosystem.
//!
//! Precedence (semver.org §11): numeric release components compare
//! numerically (a missing component counts as 0); a version with a
//! pre-release sorts before the same version without one; pre-release
//! identifiers compare left to right, numeric ones numerically and below
//! alphanumeric ones, alphanumeric ones in ASCII order, and a shorter list
//! that is a prefix of a longer one sorts first. Build metadata (`+…`) is
//! ignored, except by Pub, which sorts a build after the plain version, and
//! NuGet compares labels ASCII-case-insensitively.
//!
//! Go pseudo-versions need no special case: `v1.2.4-0.20191109021931-daa7c04131f5`
//! has the pre-release `0.…` (numeric 0 sorts first), `v0.0.0-20191109021931-…`
//! has a single alphanumeric identifier whose fixed-width timestamp sorts
//! chronologically, and `v1.2.3-pre.0.2019…` sorts after `v1.2.3-pre`. That is
//! precisely how the Go command orders them. `+incompatible` is build metadata.
//!
//! Parsing is lenient in the way vulnerability databases need: an optional
//! leading `v` (or `=` for npm), any number of release components (`1.0`,
//! `1.2.3.4`), and text that follows the numbers directly (`1.2.3a`) is taken
//! as the pre-release.

use super::num::Num;
use super::{Ecosystem, VersionError};
use std::cmp::Ordering;

/// One dot-separated pre-release (or build) identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ident {
    /// Digits only; sorts below every alphanumeric identifier.
    Numeric(Num),
    /// Anything else, compared byte-wise (already lower-cased for NuGet).
    Alpha(Box<str>),
}

impl Ord for Ident {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Numeric(a), Ident::Numeric(b)) => a.cmp(b),
            (Ident::Numeric(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Numeric(_)) => Ordering::Greater,
            (Ident::Alpha(a), Ident::Alpha(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Parsed SemVer-like version, ready to compare.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SemverKey {
    pub release: Vec<Num>,
    pub pre: Vec<Ident>,
    /// Only kept when the dialect orders by build metadata (Pub).
    pub build: Vec<Ident>,
}

impl Ord for SemverKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_release(&self.release, &other.release)
            .then_with(|| cmp_pre(&self.pre, &other.pre))
            .then_with(|| cmp_build(&self.build, &other.build))
    }
}

impl PartialOrd for SemverKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares numeric release components, treating missing ones as zero.
pub fn cmp_release(a: &[Num], b: &[Num]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).unwrap_or(&Num::ZERO);
        let y = b.get(i).unwrap_or(&Num::ZERO);
        match x.cmp(y) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}

fn cmp_pre(a: &[Ident], b: &[Ident]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

fn cmp_build(a: &[Ident], b: &[Ident]) -> Ordering {
    // Pub: a version with build metadata sorts after the one without.
    a.cmp(b)
}

/// Parses `s` in the given SemVer dialect.
pub fn parse(eco: Ecosystem, s: &str) -> Result<SemverKey, VersionError> {
    let invalid = |reason: &str| VersionError::invalid(eco, s, reason);
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(VersionError::Empty { ecosystem: eco });
    }
    if eco == Ecosystem::Npm {
        rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
    }
    rest = rest
        .strip_prefix('v')
        .or_else(|| rest.strip_prefix('V'))
        .unwrap_or(rest);

    let bytes = rest.as_bytes();
    let mut release = Vec::with_capacity(3);
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            if release.is_empty() {
                return Err(invalid("must start with a number"));
            }
            return Err(invalid("empty release component after '.'"));
        }
        release.push(Num::from_digits(&rest[start..i]));
        if i < bytes.len() && bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        break;
    }
    let tail = &rest[i..];
    let (pre_text, build_text) = match tail.split_once('+') {
        Some((p, b)) => (p, Some(b)),
        None => (tail, None),
    };
    // `1.2.3-beta` and the lenient `1.2.3beta` / `1.2.3.beta` both mean pre-release `beta`.
    let pre_text = pre_text
        .strip_prefix('-')
        .or_else(|| pre_text.strip_prefix('.'))
        .unwrap_or(pre_text);
    if tail.starts_with('-') && pre_text.is_empty() {
        return Err(invalid("empty pre-release after '-'"));
    }
    let lower = eco == Ecosystem::NuGet;
    let pre = parse_idents(pre_text, lower)
        .ok_or_else(|| invalid("malformed pre-release identifiers"))?;
    let build = match build_text {
        None => Vec::new(),
        Some(b) => {
            let idents =
                parse_idents(b, lower).ok_or_else(|| invalid("malformed build metadata"))?;
            if b.is_empty() {
                return Err(invalid("empty build metadata after '+'"));
            }
            if eco == Ecosystem::Pub {
                idents
            } else {
                Vec::new()
            }
        }
    };
    if eco == Ecosystem::NuGet && release.len() > 4 {
        return Err(invalid("NuGet versions have at most four numeric parts"));
    }
    Ok(SemverKey {
        release,
        pre,
        build,
    })
}

/// Splits dot-separated identifiers; `None` if one is empty or contains
/// whitespace or a control character. SemVer allows only `[0-9A-Za-z-]`,
/// but advisory data carries other characters (`1.0.0-rc_1`) and OSV
/// orders them byte-wise, so they are accepted and compared the same way.
fn parse_idents(text: &str, lowercase: bool) -> Option<Vec<Ident>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    text.split('.')
        .map(|id| {
            if id.is_empty()
                || id
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '+')
            {
                return None;
            }
            Some(match Num::parse(id) {
                Some(n) => Ident::Numeric(n),
                None if lowercase => Ident::Alpha(id.to_ascii_lowercase().into()),
                None => Ident::Alpha(id.into()),
            })
        })
        .collect()
}

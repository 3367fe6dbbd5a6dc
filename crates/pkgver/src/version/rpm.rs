//! RPM ordering (`rpmvercmp` plus epoch and release), used for Red Hat and
//! other RPM-based distributions.
//!
//! `[epoch:]version[-release]`, the release after the last `-`; a missing
//! epoch is 0. Each part compares with `rpmvercmp`: separators (anything not
//! alphanumeric, `~` or `^`) only split; `~` sorts before everything
//! including the end (pre-release); `^` sorts after the end but before any
//! further segment (post-release snapshot); then alternating digit and letter
//! segments, where a number beats letters, numbers compare numerically and
//! letters byte-wise; when one side runs out, the side with segments left is
//! newer.

use super::num::{cmp_digit_bytes, Num};
use super::{Ecosystem, VersionError};
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RpmKey {
    pub epoch: Num,
    pub version: Box<str>,
    /// `None` when there is no `-`: an absent release sorts before any
    /// release, even an empty one (`1 < 1-`), as in OSV.
    pub release: Option<Box<str>>,
}

impl Ord for RpmKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| match (&self.release, &other.release) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => rpmvercmp(a, b),
            })
    }
}

impl PartialOrd for RpmKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub fn parse(eco: Ecosystem, s: &str) -> Result<RpmKey, VersionError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(VersionError::Empty { ecosystem: eco });
    }
    // As rpm's parseEVR: only an all-digit prefix before the first ':' is an
    // epoch (empty means 0); otherwise the ':' belongs to the version.
    let (epoch, rest) = match t.split_once(':') {
        Some((e, r)) if e.bytes().all(|b| b.is_ascii_digit()) => {
            (Num::parse(e).unwrap_or(Num::ZERO), r)
        }
        _ => (Num::ZERO, t),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((v, r)) => (v, Some(r)),
        None => (rest, None),
    };
    if version.is_empty() && release.is_none() {
        return Err(VersionError::invalid(eco, s, "no version after the epoch"));
    }
    Ok(RpmKey {
        epoch,
        version: version.into(),
        release: release.map(Into::into),
    })
}

fn is_sep(c: u8) -> bool {
    !(c.is_ascii_alphanumeric() || c == b'~' || c == b'^')
}

/// `rpmvercmp` from rpm's `rpmio/rpmvercmp.c`, re-expressed over byte slices.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while i < a.len() && is_sep(a[i]) {
            i += 1;
        }
        while j < b.len() && is_sep(b[j]) {
            j += 1;
        }
        let ca = a.get(i).copied();
        let cb = b.get(j).copied();
        // Tilde: pre-release marker, sorts lowest.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // Caret: like tilde, but sorts above the end of the string.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca.is_none() || cb.is_none() {
            break;
        }
        let (si, sj) = (i, j);
        let numeric = a[i].is_ascii_digit();
        if numeric {
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
        } else {
            while i < a.len() && a[i].is_ascii_alphabetic() {
                i += 1;
            }
            while j < b.len() && b[j].is_ascii_alphabetic() {
                j += 1;
            }
        }
        let sa = &a[si..i];
        let sb = &b[sj..j];
        if sa.is_empty() {
            // Cannot happen: `a[si]` is alphanumeric and starts the segment.
            return Ordering::Less;
        }
        if sb.is_empty() {
            // Segment types differ: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let o = if numeric {
            cmp_digit_bytes(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, _) => Ordering::Greater,
    }
}

/// Arch Linux (pacman/libalpm) `epoch:pkgver-pkgrel`.
///
/// Like RPM, but with libalpm's own `rpmvercmp` variant: no `~`/`^`
/// markers, a longer separator run wins, and at the end a trailing letter
/// run loses against the end of the string (`1.0a < 1.0`) while anything
/// else left over wins (`1.5 < 1.5.a`). The release is only compared when
/// both versions have one (`1.5-1 == 1.5`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AlpmKey {
    pub epoch: Num,
    pub version: Box<str>,
    pub release: Option<Box<str>>,
}

impl Ord for AlpmKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| alpm_vercmp(&self.version, &other.version))
            .then_with(|| match (&self.release, &other.release) {
                (Some(a), Some(b)) => alpm_vercmp(a, b),
                _ => Ordering::Equal,
            })
    }
}

impl PartialOrd for AlpmKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub fn parse_alpm(s: &str) -> Result<AlpmKey, VersionError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(VersionError::Empty {
            ecosystem: Ecosystem::Alpm,
        });
    }
    let (epoch, rest) = match t.split_once(':') {
        Some((e, r)) if e.bytes().all(|b| b.is_ascii_digit()) => {
            (Num::parse(e).unwrap_or(Num::ZERO), r)
        }
        _ => (Num::ZERO, t),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((v, r)) => (v, Some(r)),
        None => (rest, None),
    };
    if version.is_empty() {
        return Err(VersionError::invalid(Ecosystem::Alpm, s, "empty pkgver"));
    }
    Ok(AlpmKey {
        epoch,
        version: version.into(),
        release: release.map(Into::into),
    })
}

/// libalpm's `rpmvercmp`.
pub fn alpm_vercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (si, sj) = (i, j);
        while i < a.len() && !a[i].is_ascii_alphanumeric() {
            i += 1;
        }
        while j < b.len() && !b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if i >= a.len() || j >= b.len() {
            break;
        }
        if i - si != j - sj {
            return (i - si).cmp(&(j - sj));
        }
        let (si, sj) = (i, j);
        let numeric = a[i].is_ascii_digit();
        let take = |s: &[u8], mut k: usize| {
            while k < s.len()
                && (if numeric {
                    s[k].is_ascii_digit()
                } else {
                    s[k].is_ascii_alphabetic()
                })
            {
                k += 1;
            }
            k
        };
        i = take(a, i);
        j = take(b, j);
        let sa = &a[si..i];
        let sb = &b[sj..j];
        if sb.is_empty() {
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let o = if numeric {
            cmp_digit_bytes(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    let rest_a = a.get(i).copied();
    let rest_b = b.get(j).copied();
    match (rest_a, rest_b) {
        (None, None) => Ordering::Equal,
        (None, Some(c)) if !c.is_ascii_alphabetic() => Ordering::Less,
        (Some(c), _) if c.is_ascii_alphabetic() => Ordering::Less,
        _ => Ordering::Greater,
    }
}

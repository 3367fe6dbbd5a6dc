//! Debian ordering (Debian Policy §5.6.12, dpkg `verrevcmp`).
//!
//! `[epoch:]upstream[-revision]`: the epoch is everything before the first
//! `:`, the revision everything after the last `-`. Epochs compare
//! numerically, then upstream, then revision, each with the dpkg algorithm:
//! alternate non-digit and digit runs; non-digit runs compare character by
//! character where `~` sorts before everything (even the end of the string),
//! then the end, then letters, then all other characters; digit runs compare
//! numerically (empty = 0).

use super::num::{cmp_digit_bytes, Num};
use super::{Ecosystem, VersionError};
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DebianKey {
    pub epoch: Num,
    pub upstream: Box<str>,
    pub revision: Box<str>,
}

impl Ord for DebianKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(&self.upstream, &other.upstream))
            .then_with(|| verrevcmp(&self.revision, &other.revision))
    }
}

impl PartialOrd for DebianKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub fn parse(s: &str) -> Result<DebianKey, VersionError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(VersionError::Empty {
            ecosystem: Ecosystem::Debian,
        });
    }
    let (epoch, rest) = match t.split_once(':') {
        Some((e, r)) => {
            let epoch = Num::parse(e).ok_or_else(|| {
                VersionError::invalid(Ecosystem::Debian, s, "epoch before ':' is not a number")
            })?;
            (epoch, r)
        }
        None => (Num::ZERO, t),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((u, r)) => (u, r),
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return Err(VersionError::invalid(
            Ecosystem::Debian,
            s,
            "empty upstream version",
        ));
    }
    if let Some(bad) = rest
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '~' | ':' | '_')))
    {
        return Err(VersionError::invalid(
            Ecosystem::Debian,
            s,
            &format!("character {bad:?} is not allowed in a Debian version"),
        ));
    }
    Ok(DebianKey {
        epoch,
        upstream: upstream.into(),
        revision: revision.into(),
    })
}

/// dpkg's character weight within a non-digit run (`None` = end of run).
fn order(c: Option<u8>) -> i32 {
    match c {
        Some(b'~') => -1,
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg `verrevcmp`, also used for Debian-like schemes.
pub fn verrevcmp(a: &str, b: &str) -> Ordering {
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let ac = order(a.get(i).copied().filter(|c| !c.is_ascii_digit()));
            let bc = order(b.get(j).copied().filter(|c| !c.is_ascii_digit()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        let si = i;
        while i < a.len() && a[i].is_ascii_digit() {
            i += 1;
        }
        let sj = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        match cmp_digit_bytes(&a[si..i], &b[sj..j]) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

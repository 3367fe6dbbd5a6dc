//! Alpine Linux apk ordering.
//!
//! The apk version grammar is
//! `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`
//! (apk-package(5)). Parts compare in that order:
//!
//! 1. numbers, a missing one counting as 0; the first compares as an integer,
//!    later ones compare as decimal fractions when either has a leading zero
//!    (`1.01 < 1.1`, `1.001 < 1.01`) – done as a string comparison, as apk does;
//! 2. the optional single lower-case letter (none sorts first);
//! 3. suffixes, weighted `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn
//!    < _git < _hg < _p`, then by their number;
//! 4. the `-rN` package release (absent = 0); the `~hash` is ignored because
//!    commit hashes carry no order;
//! 5. a version with an unparsable remainder sorts below the same version
//!    without one; two versions whose tail is not even a `-r` release
//!    ("invalid") compare as raw strings. These fallbacks only order garbage
//!    deterministically; they are not guaranteed transitive across mixes of
//!    valid and invalid versions.
//!
//! This is the model the OSV tooling uses, so matching agrees with OSV
//! advisories; it also agrees with apk-tools on every valid version in the
//! osv-scalibr vector set generated from apk itself.

use super::num::Num;
use super::{Ecosystem, VersionError};
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct NumberPart {
    value: Num,
    /// Original digits, kept for the fraction-style comparison.
    digits: Box<str>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AlpineKey {
    original: Box<str>,
    numbers: Vec<NumberPart>,
    letter: Option<u8>,
    /// (weight, number); weight 4 means "no suffix".
    suffixes: Vec<(u8, Num)>,
    release: Num,
    /// Unparsable tail (empty when the whole version parsed).
    remainder: Box<str>,
    /// The tail after the suffixes is neither empty nor a `-r` release.
    invalid: bool,
}

const NO_SUFFIX: u8 = 4;
const SUFFIXES: [&str; 10] = [
    "alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p",
];

fn cmp_number(a: &NumberPart, b: &NumberPart, index: usize) -> Ordering {
    if index > 0 && (a.digits.starts_with('0') || b.digits.starts_with('0')) {
        return a.digits.cmp(&b.digits);
    }
    a.value.cmp(&b.value)
}

impl Ord for AlpineKey {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.invalid && other.invalid {
            return self.original.cmp(&other.original);
        }
        let zero = NumberPart {
            value: Num::ZERO,
            digits: "0".into(),
        };
        for i in 0..self.numbers.len().max(other.numbers.len()) {
            let a = self.numbers.get(i).unwrap_or(&zero);
            let b = other.numbers.get(i).unwrap_or(&zero);
            match cmp_number(a, b, i) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match self.letter.cmp(&other.letter) {
            Ordering::Equal => {}
            o => return o,
        }
        let none = (NO_SUFFIX, Num::ZERO);
        for i in 0..self.suffixes.len().max(other.suffixes.len()) {
            let a = self.suffixes.get(i).unwrap_or(&none);
            let b = other.suffixes.get(i).unwrap_or(&none);
            match a.cmp(b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        self.release
            .cmp(&other.release)
            .then_with(|| self.remainder.is_empty().cmp(&other.remainder.is_empty()))
    }
}

impl PartialOrd for AlpineKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn digits_at(s: &str) -> &str {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    &s[..end]
}

pub fn parse(s: &str) -> Result<AlpineKey, VersionError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(VersionError::Empty {
            ecosystem: Ecosystem::Alpine,
        });
    }
    let mut rest = t;
    let mut numbers = Vec::new();
    loop {
        let d = digits_at(rest);
        if d.is_empty() {
            break;
        }
        numbers.push(NumberPart {
            value: Num::from_digits(d),
            digits: d.into(),
        });
        rest = &rest[d.len()..];
        match rest.strip_prefix('.') {
            Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => rest = r,
            Some(r) => {
                // A dot after the last number is swallowed with it.
                rest = r;
                break;
            }
            None => break,
        }
    }
    let mut letter = None;
    if let Some(&c) = rest.as_bytes().first() {
        if c.is_ascii_lowercase() {
            letter = Some(c);
            rest = &rest[1..];
        }
    }
    let mut suffixes = Vec::new();
    while let Some(after) = rest.strip_prefix('_') {
        let Some((weight, name)) = SUFFIXES
            .iter()
            .enumerate()
            .filter(|(_, name)| !name.is_empty() && after.starts_with(**name))
            .max_by_key(|(_, name)| name.len())
        else {
            break;
        };
        let after = &after[name.len()..];
        let d = digits_at(after);
        suffixes.push((
            weight as u8,
            if d.is_empty() {
                Num::ZERO
            } else {
                Num::from_digits(d)
            },
        ));
        rest = &after[d.len()..];
    }
    if let Some(after) = rest.strip_prefix('~') {
        let end = after
            .bytes()
            .position(|b| !(b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .unwrap_or(after.len());
        if end > 0 {
            rest = &after[end..];
        }
    }
    let mut release = Num::ZERO;
    let invalid = !rest.is_empty() && !rest.starts_with("-r");
    if let Some(after) = rest.strip_prefix("-r") {
        let d = digits_at(after);
        if !d.is_empty() {
            release = Num::from_digits(d);
        }
        rest = &after[d.len()..];
    }
    Ok(AlpineKey {
        original: t.into(),
        numbers,
        letter,
        suffixes,
        release,
        remainder: rest.into(),
        invalid,
    })
}

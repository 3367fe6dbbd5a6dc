//! Packagist (Composer) ordering: PHP's `version_compare` after Composer's
//! removal of a leading `v`.
//!
//! Canonical form: `-`, `_`, `+` and other non-alphanumerics become `.`, and a
//! `.` is inserted wherever digits meet non-digits (`1.0rc1` → `1.0.rc.1`).
//! Parts compare left to right: numbers numerically; words by their "special
//! form" rank `dev < alpha = a < beta = b < RC = rc < (number) < pl = p`, any
//! other word ranking below `dev`; a number against a word uses the number's
//! rank `#`. When one side runs out, a remaining number makes that side
//! greater, a remaining word is ranked against `#` (so `1.0 > 1.0-beta`,
//! `1.0 < 1.0-p1`).

use super::num::Num;
use super::{Ecosystem, VersionError};
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Number(Num),
    /// Special-form rank of a word (-1 unknown, 0 dev … 5 pl/p).
    Word(i8),
}

const NUMBER_RANK: i8 = 4;

fn word_rank(w: &str) -> i8 {
    // PHP matches by prefix, in this table order.
    const FORMS: [(&str, i8); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(name, _)| w.starts_with(name))
        .map_or(-1, |(_, rank)| *rank)
}

fn rank(p: &Part) -> i8 {
    match p {
        Part::Number(_) => NUMBER_RANK,
        Part::Word(r) => *r,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PackagistKey(pub Vec<Part>);

impl Ord for PackagistKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_parts(&self.0, &other.0)
    }
}

const NUMBER_MARK: [Part; 1] = [Part::Word(NUMBER_RANK)];

fn cmp_parts(a: &[Part], b: &[Part]) -> Ordering {
    let n = a.len().min(b.len());
    for i in 0..n {
        let o = match (&a[i], &b[i]) {
            (Part::Number(x), Part::Number(y)) => x.cmp(y),
            (x, y) => rank(x).cmp(&rank(y)),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    // The surplus of the longer side decides: a number wins outright,
    // otherwise the surplus is compared with the number marker `#`.
    match a.len().cmp(&b.len()) {
        Ordering::Equal => Ordering::Equal,
        Ordering::Greater => match a[n] {
            Part::Number(_) => Ordering::Greater,
            Part::Word(_) => cmp_parts(&a[n..], &NUMBER_MARK),
        },
        Ordering::Less => match b[n] {
            Part::Number(_) => Ordering::Less,
            Part::Word(_) => cmp_parts(&NUMBER_MARK, &b[n..]),
        },
    }
}

impl PartialOrd for PackagistKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub fn parse(s: &str) -> Result<PackagistKey, VersionError> {
    let t = s.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    if t.is_empty() {
        return Err(VersionError::Empty {
            ecosystem: Ecosystem::Packagist,
        });
    }
    let mut parts = Vec::new();
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            parts.push(Part::Number(Num::from_digits(&t[start..i])));
        } else if matches!(b[i], b'.' | b'-' | b'_' | b'+') {
            i += 1;
        } else {
            // Any other run of non-digits is one word (`beta`, `#`, `~rc`).
            while i < b.len()
                && !b[i].is_ascii_digit()
                && !matches!(b[i], b'.' | b'-' | b'_' | b'+')
            {
                i += 1;
            }
            parts.push(Part::Word(word_rank(&t[start..i])));
        }
    }
    if parts.is_empty() {
        return Err(VersionError::invalid(
            Ecosystem::Packagist,
            s,
            "contains no digits or letters",
        ));
    }
    Ok(PackagistKey(parts))
}

//! RubyGems ordering: `Gem::Version#<=>`.
//!
//! A `-` is read as `.pre.` (so `1.0-1` is a pre-release), then the string is
//! cut into runs of digits (numbers) and runs of letters (strings); every
//! other character only separates. Canonical segments drop the zeros that
//! end the release part and the zeros that end the pre-release part
//! (`1.0.0.a.0 == 1.a`). Comparison walks both segment lists, a missing
//! segment counts as 0, a string sorts before a number, strings compare
//! byte-wise and numbers numerically.

use super::num::Num;
use super::{Ecosystem, VersionError};
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    Number(Num),
    Text(Box<str>),
}

impl Ord for Segment {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Segment::Number(a), Segment::Number(b)) => a.cmp(b),
            (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
            (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
            (Segment::Text(a), Segment::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Segment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GemKey(pub Vec<Segment>);

const ZERO: Segment = Segment::Number(Num::ZERO);

impl Ord for GemKey {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.0.len().max(other.0.len());
        for i in 0..n {
            let a = self.0.get(i).unwrap_or(&ZERO);
            let b = other.0.get(i).unwrap_or(&ZERO);
            match a.cmp(b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A relaxed `Gem::Version::ANCHORED_VERSION_PATTERN`: RubyGems itself
/// rejects `1beta`, but advisories contain such strings and OSV orders them
/// as `1.beta`, so a leading digit and `[0-9A-Za-z.-]` are all we require.
fn is_valid(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !s.contains("..")
        && !s.ends_with('.')
}

pub fn parse(s: &str) -> Result<GemKey, VersionError> {
    let t = s.trim();
    if t.is_empty() {
        // Gem::Version treats "" as "0".
        return Ok(GemKey(Vec::new()));
    }
    if !is_valid(t) {
        return Err(VersionError::invalid(
            Ecosystem::RubyGems,
            s,
            "malformed version number string (expected a leading digit, then digits, letters, '.' and '-')",
        ));
    }
    let replaced = t.replace('-', ".pre.");
    let mut segs = Vec::new();
    let b = replaced.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            segs.push(Segment::Number(Num::from_digits(&replaced[start..i])));
        } else if b[i].is_ascii_alphabetic() {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            segs.push(Segment::Text(replaced[start..i].into()));
        } else {
            i += 1;
        }
    }
    // Canonical segments: split at the first string, drop trailing zeros of each half.
    let split = segs
        .iter()
        .position(|s| matches!(s, Segment::Text(_)))
        .unwrap_or(segs.len());
    let mut pre = segs.split_off(split);
    trim_trailing_zeros(&mut segs);
    trim_trailing_zeros(&mut pre);
    segs.extend(pre);
    Ok(GemKey(segs))
}

fn trim_trailing_zeros(v: &mut Vec<Segment>) {
    while v
        .last()
        .is_some_and(|s| matches!(s, Segment::Number(n) if n.is_zero()))
    {
        v.pop();
    }
}

//! Arbitrary-size non-negative integers as they appear in version strings.
//!
//! Version components are almost always small, but real data contains
//! timestamps (`20230101120000`) and the occasional absurd build number that
//! overflows `u64`. Such numbers are kept as their digit string without
//! leading zeros; any number with 20 or more significant digits is larger
//! than every value below 10^19, so ordering stays exact without bignum math.

use std::cmp::Ordering;
use std::fmt;

/// A non-negative integer parsed from ASCII digits, compared numerically.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Num {
    /// At most 19 significant digits: always fits in `u64`.
    Small(u64),
    /// 20 or more significant digits, stored without leading zeros.
    Big(Box<str>),
}

impl Num {
    pub const ZERO: Num = Num::Small(0);

    /// Parses a non-empty run of ASCII digits; the caller guarantees that
    /// `digits` contains only `0-9`.
    pub fn from_digits(digits: &str) -> Num {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() <= 19 {
            let mut value: u64 = 0;
            for b in trimmed.bytes() {
                value = value * 10 + u64::from(b - b'0');
            }
            Num::Small(value)
        } else {
            Num::Big(trimmed.into())
        }
    }

    /// Parses `s` if it is a non-empty run of ASCII digits.
    pub fn parse(s: &str) -> Option<Num> {
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            Some(Num::from_digits(s))
        } else {
            None
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Small(v) => write!(f, "{v}"),
            Num::Big(s) => f.write_str(s),
        }
    }
}

/// Compares two digit strings numerically without allocating.
pub fn cmp_digit_str(a: &str, b: &str) -> Ordering {
    cmp_digit_bytes(a.as_bytes(), b.as_bytes())
}

/// Compares two ASCII digit runs numerically: leading zeros dropped, then
/// the longer run is larger, equal lengths compare byte-wise.
pub fn cmp_digit_bytes(a: &[u8], b: &[u8]) -> Ordering {
    let a = &a[a.iter().position(|&c| c != b'0').unwrap_or(a.len())..];
    let b = &b[b.iter().position(|&c| c != b'0').unwrap_or(b.len())..];
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_numbers_order_exactly() {
        let a = Num::from_digits("99999999999999999999");
        let b = Num::from_digits("100000000000000000000");
        let c = Num::from_digits("0000018446744073709551615");
        assert!(a < b);
        assert!(c < a);
        assert!(Num::from_digits("007") == Num::Small(7));
    }
}

//! Version schemes that `vers` defines without an OSV ecosystem:
//! Gentoo, OpenSSL, RFC 3339 date-times and plain lexicographic strings.
//!
//! * Gentoo (PMS §3.3): `N(.N)*[letter](_suffix[N])*[-rN]`. The first number
//!   compares numerically; later ones compare as decimal fractions when
//!   either starts with `0` (trailing zeros dropped, then string order),
//!   otherwise numerically; more numbers win (`1.0 < 1.0.0`). Then the
//!   letter (none first), the suffixes (`_alpha < _beta < _pre < _rc < _p`;
//!   an extra suffix loses unless it is `_p`) and the revision (absent = 0).
//! * OpenSSL: dotted numbers, then the letter release (`1.0.2 < 1.0.2a <
//!   1.0.2z < 1.0.2za`: shorter letter runs first, then alphabetical), then an
//!   optional `-preN`/`-alphaN`/`-betaN` pre-release before the release.
//! * datetime: RFC 3339 timestamps compared as instants (offsets applied,
//!   fractional seconds significant).
//! * lexicographic: Unicode code point order (= UTF-8 byte order).
//! * Conan: see [`ConanKey`].

use super::num::Num;
use super::{Ecosystem, VersionError};
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GentooKey {
    numbers: Vec<Box<str>>,
    letter: Option<u8>,
    suffixes: Vec<(u8, Num)>,
    revision: Num,
}

const GENTOO_SUFFIXES: [&str; 5] = ["alpha", "beta", "pre", "rc", "p"];
const GENTOO_P: u8 = 4;

fn cmp_gentoo_number(a: &str, b: &str, first: bool) -> Ordering {
    if !first && (a.starts_with('0') || b.starts_with('0')) {
        return a.trim_end_matches('0').cmp(b.trim_end_matches('0'));
    }
    super::num::cmp_digit_str(a, b)
}

impl Ord for GentooKey {
    fn cmp(&self, other: &Self) -> Ordering {
        for (i, (a, b)) in self.numbers.iter().zip(&other.numbers).enumerate() {
            match cmp_gentoo_number(a, b, i == 0) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match self.numbers.len().cmp(&other.numbers.len()) {
            Ordering::Equal => {}
            o => return o,
        }
        match self.letter.cmp(&other.letter) {
            Ordering::Equal => {}
            o => return o,
        }
        for (a, b) in self.suffixes.iter().zip(&other.suffixes) {
            match a.cmp(b) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        let n = self.suffixes.len().min(other.suffixes.len());
        match (self.suffixes.get(n), other.suffixes.get(n)) {
            (Some(s), None) => {
                return if s.0 == GENTOO_P {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (None, Some(s)) => {
                return if s.0 == GENTOO_P {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            _ => {}
        }
        self.revision.cmp(&other.revision)
    }
}

impl PartialOrd for GentooKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn digits_prefix(s: &str) -> &str {
    &s[..s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len())]
}

pub fn parse_gentoo(s: &str) -> Result<GentooKey, VersionError> {
    let eco = Ecosystem::Gentoo;
    let t = s.trim();
    if t.is_empty() {
        return Err(VersionError::Empty { ecosystem: eco });
    }
    let mut rest = t;
    let mut numbers = Vec::new();
    loop {
        let d = digits_prefix(rest);
        if d.is_empty() {
            return Err(VersionError::invalid(eco, s, "expected a number"));
        }
        numbers.push(d.into());
        rest = &rest[d.len()..];
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
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
        let (idx, name) = GENTOO_SUFFIXES
            .iter()
            .enumerate()
            .filter(|(_, n)| after.starts_with(**n))
            .max_by_key(|(_, n)| n.len())
            .ok_or_else(|| {
                VersionError::invalid(
                    eco,
                    s,
                    "unknown suffix (expected _alpha, _beta, _pre, _rc or _p)",
                )
            })?;
        let after = &after[name.len()..];
        let d = digits_prefix(after);
        suffixes.push((
            idx as u8,
            if d.is_empty() {
                Num::ZERO
            } else {
                Num::from_digits(d)
            },
        ));
        rest = &after[d.len()..];
    }
    let mut revision = Num::ZERO;
    if let Some(after) = rest.strip_prefix("-r") {
        let d = digits_prefix(after);
        if d.is_empty() || d.len() != after.len() {
            return Err(VersionError::invalid(
                eco,
                s,
                "revision must be -r followed by digits",
            ));
        }
        revision = Num::from_digits(d);
        rest = "";
    }
    if !rest.is_empty() {
        return Err(VersionError::invalid(
            eco,
            s,
            &format!("unexpected text {rest:?}"),
        ));
    }
    Ok(GentooKey {
        numbers,
        letter,
        suffixes,
        revision,
    })
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OpenSslKey {
    numbers: Vec<Num>,
    letters: Box<str>,
    /// Pre-release label (`pre1`, `alpha2`); `None` for a release.
    pre: Option<Box<str>>,
}

impl Ord for OpenSslKey {
    fn cmp(&self, other: &Self) -> Ordering {
        super::semver::cmp_release(&self.numbers, &other.numbers)
            .then_with(|| {
                self.letters
                    .len()
                    .cmp(&other.letters.len())
                    .then_with(|| self.letters.cmp(&other.letters))
            })
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

impl PartialOrd for OpenSslKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub fn parse_openssl(s: &str) -> Result<OpenSslKey, VersionError> {
    let eco = Ecosystem::OpenSsl;
    let t = s.trim();
    if t.is_empty() {
        return Err(VersionError::Empty { ecosystem: eco });
    }
    let (main, pre) = match t.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (t, None),
    };
    let letters_at = main
        .bytes()
        .position(|b| b.is_ascii_alphabetic())
        .unwrap_or(main.len());
    let (nums, letters) = main.split_at(letters_at);
    let numbers = nums
        .split('.')
        .map(Num::parse)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| VersionError::invalid(eco, s, "expected dot-separated numbers"))?;
    if !letters.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(VersionError::invalid(
            eco,
            s,
            "letter release must be lower-case letters",
        ));
    }
    Ok(OpenSslKey {
        numbers,
        letters: letters.into(),
        pre: pre.map(|p| p.to_ascii_lowercase().into()),
    })
}

/// An RFC 3339 instant: seconds since 1970 (UTC) and nanoseconds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTimeKey {
    seconds: i64,
    nanos: u32,
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's algorithm: proleptic Gregorian date to day number.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn parse_datetime(s: &str) -> Result<DateTimeKey, VersionError> {
    let eco = Ecosystem::Datetime;
    let bad = |why: &str| VersionError::invalid(eco, s, why);
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Result<i64, VersionError> {
        let part = s
            .get(from..from + len)
            .ok_or_else(|| bad("truncated timestamp"))?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad("expected digits"));
        }
        part.parse().map_err(|_| bad("expected digits"))
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad(
            "expected YYYY-MM-DDTHH:MM:SS followed by a fraction and Z or ±HH:MM",
        ));
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad("date or time field out of range"));
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(bad("empty fractional seconds"));
        }
        let frac = &s[start..i.min(start + 9)];
        nanos = frac.parse::<u32>().map_err(|_| bad("bad fraction"))?
            * 10u32.pow(9 - frac.len() as u32);
    }
    let offset = match &s[i..] {
        "Z" => 0,
        tz if tz.len() == 6
            && (tz.starts_with('+') || tz.starts_with('-'))
            && tz.as_bytes()[3] == b':' =>
        {
            let h = num(i + 1, 2)?;
            let m = num(i + 4, 2)?;
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (h * 3600 + m * 60)
        }
        _ => return Err(bad("expected 'Z' or a ±HH:MM offset")),
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Ok(DateTimeKey { seconds, nanos })
}

/// One dot-separated item of a Conan version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum ConanItem {
    Int(Num),
    Text(Box<str>),
}

impl ConanItem {
    fn text(&self) -> String {
        match self {
            ConanItem::Int(n) => n.to_string(),
            ConanItem::Text(t) => t.to_string(),
        }
    }
}

impl Ord for ConanItem {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (ConanItem::Int(a), ConanItem::Int(b)) => a.cmp(b),
            // Mixed or textual items compare as text, as Conan does.
            _ => self.text().cmp(&other.text()),
        }
    }
}

impl PartialOrd for ConanItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A Conan 2 version: `main[-pre][+build]`, where pre and build are
/// versions themselves. Trailing zero items are insignificant (`1 == 1.0.0`);
/// items compare numerically when both are numbers, otherwise as text; a
/// pre-release sorts before the same main version; a build sorts after the
/// same version without one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConanKey {
    main: Vec<ConanItem>,
    pre: Option<Box<ConanKey>>,
    build: Option<Box<ConanKey>>,
}

impl Ord for ConanKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.pre, &other.pre) {
            (Some(_), Some(_)) => self
                .main
                .cmp(&other.main)
                .then_with(|| self.pre.cmp(&other.pre))
                .then_with(|| self.build.cmp(&other.build)),
            (Some(_), None) => self.main.cmp(&other.main).then(Ordering::Less),
            (None, Some(_)) => self.main.cmp(&other.main).then(Ordering::Greater),
            (None, None) => self
                .main
                .cmp(&other.main)
                .then_with(|| self.build.cmp(&other.build)),
        }
    }
}

impl PartialOrd for ConanKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub fn parse_conan(s: &str) -> Result<ConanKey, VersionError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(VersionError::Empty {
            ecosystem: Ecosystem::Conan,
        });
    }
    if t.chars().any(char::is_whitespace) {
        return Err(VersionError::invalid(
            Ecosystem::Conan,
            s,
            "whitespace inside a version",
        ));
    }
    Ok(conan_key(t))
}

fn conan_key(value: &str) -> ConanKey {
    let (value, build) = match value.rsplit_once('+') {
        Some((v, b)) => (v, Some(Box::new(conan_key(b)))),
        None => (value, None),
    };
    let (value, pre) = match value.rsplit_once('-') {
        Some((v, p)) => (v, Some(Box::new(conan_key(p)))),
        None => (value, None),
    };
    let mut main: Vec<ConanItem> = value
        .split('.')
        .map(|item| match Num::parse(item) {
            Some(n) => ConanItem::Int(n),
            None => ConanItem::Text(item.into()),
        })
        .collect();
    while main.len() > 1 && matches!(main.last(), Some(ConanItem::Int(n)) if n.is_zero()) {
        main.pop();
    }
    if main.len() == 1 && matches!(main[0], ConanItem::Int(ref n) if n.is_zero()) {
        main.clear();
    }
    ConanKey { main, pre, build }
}

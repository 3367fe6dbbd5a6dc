//! PyPI ordering: PEP 440, with the pre-PEP 440 "legacy" fallback.
//!
//! A PEP 440 version is `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, and
//! the spec's normalisation is applied while parsing: case-insensitive,
//! optional `v`, `alpha`/`beta`/`c`/`pre`/`preview` spell `a`/`b`/`rc`,
//! `rev`/`r`/`-N` spell `.post`, separators `-_.` are optional, an omitted
//! number means 0. Sort key (PEP 440 "Summary of permitted suffixes"):
//!
//! 1. epoch; 2. release, trailing zeros ignored (`1.0 == 1.0.0`);
//! 3. pre-release: `X.devN` (dev without pre or post) sorts before every
//!    pre-release of X, and no pre-release sorts after all of them;
//! 4. post-release: none sorts first; 5. dev: none sorts last;
//! 6. local label: none sorts first, else segments compared with numbers
//!    above strings.
//!
//! Strings that are not PEP 440 (e.g. `0.3m1`, `1.0-bulbasaur`) get the
//! ordering pip used before PEP 440 ("LegacyVersion"): they sort before every
//! valid version and among themselves by a key of zero-padded number runs and
//! `*`-prefixed word runs, with `pre`/`preview`/`rc` read as `c`, `dev` as `@`,
//! `-` as `final-`, and trailing zeros and `*final-` markers trimmed.

use super::num::Num;
use super::{Ecosystem, VersionError};

/// `-∞ < value < +∞`, used to encode "absent" markers in the PEP 440 key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Bound<T> {
    NegInf,
    Val(T),
    PosInf,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum LocalSeg {
    // Declared first: strings sort below numbers in a local label.
    Text(Box<str>),
    Number(Num),
}

/// Pre-release phase; declaration order is precedence order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Phase {
    Alpha,
    Beta,
    Rc,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Pep440Key {
    epoch: Num,
    release: Vec<Num>,
    pre: Bound<(Phase, Num)>,
    post: Bound<Num>,
    dev: Bound<Num>,
    local: Bound<Vec<LocalSeg>>,
}

/// A parsed PyPI version. Legacy (non-PEP 440) versions sort first.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PypiKey {
    Legacy(Vec<Box<str>>),
    Pep440(Box<Pep440KeyBox>),
}

/// Boxed to keep `Version` small.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pep440KeyBox(Pep440Key);

pub fn parse(s: &str) -> Result<PypiKey, VersionError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(VersionError::Empty {
            ecosystem: Ecosystem::PyPI,
        });
    }
    let lower = trimmed.to_ascii_lowercase();
    match parse_pep440(&lower) {
        Some(key) => Ok(PypiKey::Pep440(Box::new(Pep440KeyBox(key)))),
        None => {
            if !lower.bytes().any(|b| b.is_ascii_alphanumeric()) {
                return Err(VersionError::invalid(
                    Ecosystem::PyPI,
                    s,
                    "neither PEP 440 nor a legacy version: no letters or digits",
                ));
            }
            Ok(PypiKey::Legacy(legacy_key(&lower)))
        }
    }
}

impl PypiKey {
    /// PEP 440 pre-release: has an a/b/rc or a dev segment.
    pub fn is_prerelease(&self) -> bool {
        match self {
            PypiKey::Legacy(_) => false,
            PypiKey::Pep440(k) => {
                !matches!(k.0.pre, Bound::PosInf) || matches!(k.0.dev, Bound::Val(_))
            }
        }
    }
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn digits(&mut self) -> Option<Num> {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        (self.i > start).then(|| Num::from_digits(as_str(&self.s[start..self.i])))
    }
    fn eat_sep(&mut self) -> bool {
        if matches!(self.peek(), Some(b'-' | b'_' | b'.')) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Consumes the longest of `words` found at the cursor.
    fn word(&mut self, words: &[&'static str]) -> Option<&'static str> {
        let rest = &self.s[self.i..];
        let best = words
            .iter()
            .filter(|w| rest.starts_with(w.as_bytes()))
            .max_by_key(|w| w.len())?;
        self.i += best.len();
        Some(best)
    }
}

fn as_str(b: &[u8]) -> &str {
    // Only ever called on ASCII digit runs sliced from a `str`.
    std::str::from_utf8(b).unwrap_or("")
}

fn parse_pep440(s: &str) -> Option<Pep440Key> {
    let mut c = Cursor {
        s: s.as_bytes(),
        i: 0,
    };
    if c.peek() == Some(b'v') {
        c.i += 1;
    }
    let first = c.digits()?;
    let (epoch, mut release) = if c.peek() == Some(b'!') {
        c.i += 1;
        (first, vec![c.digits()?])
    } else {
        (Num::ZERO, vec![first])
    };
    while c.peek() == Some(b'.') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
        c.i += 1;
        release.push(c.digits()?);
    }
    while release.len() > 1 && release.last().is_some_and(Num::is_zero) {
        release.pop();
    }

    // Pre-release.
    let mut pre = None;
    let save = c.i;
    c.eat_sep();
    if let Some(w) = c.word(&["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"]) {
        let phase = match w {
            "a" | "alpha" => Phase::Alpha,
            "b" | "beta" => Phase::Beta,
            _ => Phase::Rc,
        };
        let save_n = c.i;
        c.eat_sep();
        let n = match c.digits() {
            Some(n) => n,
            None => {
                c.i = save_n;
                Num::ZERO
            }
        };
        pre = Some((phase, n));
    } else {
        c.i = save;
    }

    // Post-release: `-N` or `[sep](post|rev|r)[sep][N]`.
    let mut post = None;
    let save = c.i;
    if c.peek() == Some(b'-') && c.s.get(c.i + 1).is_some_and(u8::is_ascii_digit) {
        c.i += 1;
        post = c.digits();
    } else {
        c.eat_sep();
        if c.word(&["post", "rev", "r"]).is_some() {
            let save_n = c.i;
            c.eat_sep();
            post = Some(match c.digits() {
                Some(n) => n,
                None => {
                    c.i = save_n;
                    Num::ZERO
                }
            });
        } else {
            c.i = save;
        }
    }

    // Development release.
    let mut dev = None;
    let save = c.i;
    c.eat_sep();
    if c.word(&["dev"]).is_some() {
        let save_n = c.i;
        c.eat_sep();
        dev = Some(match c.digits() {
            Some(n) => n,
            None => {
                c.i = save_n;
                Num::ZERO
            }
        });
    } else {
        c.i = save;
    }

    // Local version label.
    let mut local = None;
    if c.peek() == Some(b'+') {
        let text = &s[c.i + 1..];
        let mut segs = Vec::new();
        for seg in text.split(['-', '_', '.']) {
            if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            segs.push(match Num::parse(seg) {
                Some(n) => LocalSeg::Number(n),
                None => LocalSeg::Text(seg.into()),
            });
        }
        c.i = s.len();
        local = Some(segs);
    }
    if c.i != s.len() {
        return None;
    }

    let pre = match (pre, &post, &dev) {
        (None, None, Some(_)) => Bound::NegInf,
        (None, _, _) => Bound::PosInf,
        (Some(p), _, _) => Bound::Val(p),
    };
    Some(Pep440Key {
        epoch,
        release,
        pre,
        post: post.map_or(Bound::NegInf, Bound::Val),
        dev: dev.map_or(Bound::PosInf, Bound::Val),
        local: local.map_or(Bound::NegInf, Bound::Val),
    })
}

fn legacy_key(lower: &str) -> Vec<Box<str>> {
    let mut parts: Vec<Box<str>> = Vec::new();
    let push = |part: String, parts: &mut Vec<Box<str>>| {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| &**p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| &**p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part.into());
    };
    for token in legacy_tokens(lower) {
        let token = match token {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            t => t,
        };
        if token.is_empty() || token == "." {
            continue;
        }
        if token.as_bytes()[0].is_ascii_digit() {
            push(format!("{token:0>8}"), &mut parts);
        } else {
            push(format!("*{token}"), &mut parts);
        }
    }
    push("*final".to_string(), &mut parts);
    parts
}

/// Splits into digit runs, letter runs, `.`, `-`, and the text in between.
fn legacy_tokens(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut other_start: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let kind = if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            true
        } else if b[i].is_ascii_lowercase() {
            while i < b.len() && b[i].is_ascii_lowercase() {
                i += 1;
            }
            true
        } else if b[i] == b'.' || b[i] == b'-' {
            i += 1;
            true
        } else {
            // Advance one whole UTF-8 character.
            i += s[i..].chars().next().map_or(1, char::len_utf8);
            false
        };
        if kind {
            if let Some(o) = other_start.take() {
                out.push(&s[o..start]);
            }
            out.push(&s[start..i]);
        } else if other_start.is_none() {
            other_start = Some(start);
        }
    }
    if let Some(o) = other_start {
        out.push(&s[o..]);
    }
    out
}

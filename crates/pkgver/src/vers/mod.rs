//! `vers` version range specifiers: `vers:<scheme>/<constraint>|<constraint>…`.
//!
//! A constraint is an optional comparator (`=` implied, `!=`, `<`, `<=`, `>`,
//! `>=`) and a percent-encoded version; `vers:<scheme>/*` matches every
//! version. The scheme names the version ordering (`npm`, `pypi`, `maven`,
//! `deb`, …; see [`Ecosystem::from_vers_scheme`]).
//!
//! [`VersRange::parse`] accepts any order and surrounding spaces and
//! normalises (constraints sorted by version under the scheme's ordering);
//! [`VersRange::parse_canonical`] additionally demands the canonical text:
//! no whitespace, no empty constraints, versions already sorted. `Display`
//! prints the normalised canonical form.
//!
//! Containment follows the vers specification: `*` contains everything; an
//! `=` constraint equal to the version contains it and a `!=` one excludes
//! it; with the remaining constraints sorted, a version below a leading
//! `<`/`<=`, above a trailing `>`/`>=`, or between a `>`/`>=` and the next
//! `<`/`<=` is inside (boundaries included for `<=`/`>=`).

mod native;

pub use native::from_native;

use crate::version::{Ecosystem, Version, VersionError};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::cmp::Ordering;
use std::fmt;

/// Characters escaped in a canonical vers version.
const VERSION_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'+')
    .remove(b':');

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Comparator {
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::NotEq => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }

    fn includes_equal(self) -> bool {
        matches!(self, Comparator::Eq | Comparator::Le | Comparator::Ge)
    }
}

/// One `comparator version` pair.
#[derive(Clone, Debug)]
pub struct Constraint {
    pub comparator: Comparator,
    /// The decoded version text.
    pub version: String,
    /// The parsed version when the scheme's ordering is known.
    parsed: Option<Version>,
}

/// A parsed `vers` range.
#[derive(Clone, Debug)]
pub struct VersRange {
    /// Lower-case versioning scheme.
    pub scheme: String,
    /// `None` for `*` (all versions).
    constraints: Option<Vec<Constraint>>,
}

/// Why a `vers` string is invalid or cannot be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersError {
    #[error("{input:?} does not start with 'vers:'")]
    MissingScheme { input: String },
    #[error("{input:?} has no '/' after the versioning scheme")]
    MissingSlash { input: String },
    #[error("{input:?}: constraint {index} is empty")]
    EmptyConstraint { input: String, index: usize },
    #[error("{input:?}: constraint {index} ({text:?}) has no version")]
    MissingVersion {
        input: String,
        index: usize,
        text: String,
    },
    #[error("{input:?}: constraint {index} ({text:?}) is not valid percent-encoded UTF-8")]
    BadEncoding {
        input: String,
        index: usize,
        text: String,
    },
    #[error("{input:?}: constraint {index} ({text:?}) is not minimally percent-encoded")]
    NotCanonicalEncoding {
        input: String,
        index: usize,
        text: String,
    },
    #[error("{input:?}: whitespace is not allowed in a canonical vers")]
    Whitespace { input: String },
    #[error("{input:?}: constraints are not sorted by version (constraint {index})")]
    NotSorted { input: String, index: usize },
    #[error("{input:?}: constraint {index}: {source}")]
    Version {
        input: String,
        index: usize,
        #[source]
        source: VersionError,
    },
    #[error("native range {native:?}: {reason}")]
    Native {
        native: String,
        reason: &'static str,
    },
    #[error("versioning scheme {scheme:?} is not supported for comparisons")]
    UnsupportedScheme { scheme: String },
    #[error("version {version:?} cannot be checked against {range}: {source}")]
    TestedVersion {
        version: String,
        range: String,
        #[source]
        source: VersionError,
    },
}

impl VersRange {
    /// Parses and normalises a `vers` string (spaces ignored, any order).
    pub fn parse(input: &str) -> Result<VersRange, VersError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        Self::parse_inner(input, &compact, false)
    }

    /// Parses a `vers` string that must already be in canonical form.
    pub fn parse_canonical(input: &str) -> Result<VersRange, VersError> {
        if input.chars().any(char::is_whitespace) {
            return Err(VersError::Whitespace {
                input: input.into(),
            });
        }
        Self::parse_inner(input, input, true)
    }

    fn parse_inner(input: &str, text: &str, canonical: bool) -> Result<VersRange, VersError> {
        let rest = text
            .strip_prefix("vers:")
            .ok_or_else(|| VersError::MissingScheme {
                input: input.into(),
            })?;
        let (scheme, spec) = rest
            .split_once('/')
            .ok_or_else(|| VersError::MissingSlash {
                input: input.into(),
            })?;
        let scheme = scheme.to_ascii_lowercase();
        let ecosystem = Ecosystem::from_vers_scheme(&scheme);
        let spec = spec.trim_matches('|');
        if spec == "*" {
            return Ok(VersRange {
                scheme,
                constraints: None,
            });
        }
        let pieces: Vec<&str> = if canonical {
            // Canonical text keeps leading/trailing/double '|' as errors.
            let raw = text.split_once('/').map_or("", |(_, s)| s);
            raw.split('|').collect()
        } else {
            spec.split('|').filter(|p| !p.is_empty()).collect()
        };
        let mut constraints = Vec::with_capacity(pieces.len());
        for (index, piece) in pieces.iter().enumerate() {
            if piece.is_empty() {
                return Err(VersError::EmptyConstraint {
                    input: input.into(),
                    index,
                });
            }
            let (comparator, encoded) = split_comparator(piece);
            if encoded.is_empty() {
                return Err(VersError::MissingVersion {
                    input: input.into(),
                    index,
                    text: piece.to_string(),
                });
            }
            if !valid_percent_escapes(encoded) {
                return Err(VersError::BadEncoding {
                    input: input.into(),
                    index,
                    text: piece.to_string(),
                });
            }
            let version = percent_decode_str(encoded)
                .decode_utf8()
                .map_err(|_| VersError::BadEncoding {
                    input: input.into(),
                    index,
                    text: piece.to_string(),
                })?
                .into_owned();
            if canonical && utf8_percent_encode(&version, VERSION_ESCAPE).to_string() != encoded {
                return Err(VersError::NotCanonicalEncoding {
                    input: input.into(),
                    index,
                    text: piece.to_string(),
                });
            }
            // Leniently, a version the scheme cannot parse keeps the range
            // parseable (evaluating it fails later); canonically it is an error.
            let parsed = match ecosystem.map(|eco| eco.parse(&version)) {
                Some(Ok(v)) => Some(v),
                Some(Err(source)) if canonical => {
                    return Err(VersError::Version {
                        input: input.into(),
                        index,
                        source,
                    })
                }
                _ => None,
            };
            constraints.push(Constraint {
                comparator,
                version,
                parsed,
            });
        }
        if ecosystem.is_some() {
            if canonical {
                for (i, w) in constraints.windows(2).enumerate() {
                    if cmp_constraints(&w[0], &w[1]) == Ordering::Greater {
                        return Err(VersError::NotSorted {
                            input: input.into(),
                            index: i + 1,
                        });
                    }
                }
            }
            constraints.sort_by(cmp_constraints);
        }
        Ok(VersRange {
            scheme,
            constraints: Some(constraints),
        })
    }

    /// Builds a normalised range from decoded `(comparator, version)` pairs,
    /// sorted (stably) by version under the scheme's ordering.
    pub fn from_constraints(
        scheme: &str,
        pairs: impl IntoIterator<Item = (Comparator, String)>,
    ) -> Result<VersRange, VersError> {
        let scheme = scheme.to_ascii_lowercase();
        let ecosystem = Ecosystem::from_vers_scheme(&scheme);
        let mut constraints = Vec::new();
        for (index, (comparator, version)) in pairs.into_iter().enumerate() {
            if version.is_empty() {
                return Err(VersError::MissingVersion {
                    input: scheme.clone(),
                    index,
                    text: comparator.as_str().to_string(),
                });
            }
            let parsed = ecosystem.and_then(|eco| eco.parse(&version).ok());
            constraints.push(Constraint {
                comparator,
                version,
                parsed,
            });
        }
        if ecosystem.is_some() {
            constraints.sort_by(cmp_constraints);
        }
        Ok(VersRange {
            scheme,
            constraints: Some(constraints),
        })
    }

    /// The `*` range of a scheme.
    pub fn any(scheme: &str) -> VersRange {
        VersRange {
            scheme: scheme.to_ascii_lowercase(),
            constraints: None,
        }
    }

    /// The ordering used for this range's scheme, if supported.
    pub fn ecosystem(&self) -> Option<Ecosystem> {
        Ecosystem::from_vers_scheme(&self.scheme)
    }

    /// The constraints in normalised order (empty for `*`).
    pub fn constraints(&self) -> &[Constraint] {
        self.constraints.as_deref().unwrap_or(&[])
    }

    /// Whether this is the `*` range.
    pub fn is_any(&self) -> bool {
        self.constraints.is_none()
    }

    /// Whether `version` lies in the range.
    pub fn contains(&self, version: &str) -> Result<bool, VersError> {
        let Some(eco) = self.ecosystem() else {
            return Err(VersError::UnsupportedScheme {
                scheme: self.scheme.clone(),
            });
        };
        let tested = eco
            .parse(version)
            .map_err(|source| VersError::TestedVersion {
                version: version.into(),
                range: self.to_string(),
                source,
            })?;
        Ok(self.contains_version(&tested))
    }

    /// Whether an already parsed version lies in the range (the fast path
    /// for matchers that test many ranges against one version).
    pub fn contains_version(&self, tested: &Version) -> bool {
        let Some(constraints) = &self.constraints else {
            return true;
        };
        let cmp = |c: &Constraint| c.parsed.as_ref().map(|v| tested.cmp(v));
        for c in constraints {
            if cmp(c) == Some(Ordering::Equal) {
                match c.comparator {
                    Comparator::NotEq => return false,
                    op if op.includes_equal() => return true,
                    _ => {}
                }
            }
        }
        // Walk the range constraints (all but `=`/`!=`) pairwise without
        // allocating: this runs once per (version, advisory range) pair.
        let below = |c: &Constraint| matches!(cmp(c), Some(Ordering::Less));
        let above = |c: &Constraint| matches!(cmp(c), Some(Ordering::Greater));
        let is_upper = |c: &Constraint| matches!(c.comparator, Comparator::Lt | Comparator::Le);
        let is_lower = |c: &Constraint| matches!(c.comparator, Comparator::Gt | Comparator::Ge);
        let mut ranged = constraints
            .iter()
            .filter(|c| !matches!(c.comparator, Comparator::Eq | Comparator::NotEq));
        let Some(first) = ranged.next() else {
            return false;
        };
        if is_upper(first) && below(first) {
            return true;
        }
        let mut prev = first;
        for next in ranged {
            if is_lower(prev) && is_upper(next) && above(prev) && below(next) {
                return true;
            }
            prev = next;
        }
        is_lower(prev) && above(prev)
    }
}

fn split_comparator(piece: &str) -> (Comparator, &str) {
    for (prefix, c) in [
        (">=", Comparator::Ge),
        ("<=", Comparator::Le),
        ("!=", Comparator::NotEq),
        ("<", Comparator::Lt),
        (">", Comparator::Gt),
        ("=", Comparator::Eq),
    ] {
        if let Some(rest) = piece.strip_prefix(prefix) {
            return (c, rest);
        }
    }
    (Comparator::Eq, piece)
}

/// Every `%` must introduce two hex digits.
fn valid_percent_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Orders by version; at the same version an upper bound (`<`, `<=`) goes
/// before a lower bound (`>=`, `>`), so the interval that ends there is
/// closed before the next one opens.
fn cmp_constraints(a: &Constraint, b: &Constraint) -> Ordering {
    match (&a.parsed, &b.parsed) {
        (Some(x), Some(y)) => x
            .cmp(y)
            .then_with(|| tie_rank(a.comparator).cmp(&tie_rank(b.comparator))),
        _ => Ordering::Equal,
    }
}

fn tie_rank(c: Comparator) -> u8 {
    match c {
        Comparator::Lt => 0,
        Comparator::Le => 1,
        Comparator::Eq | Comparator::NotEq => 2,
        Comparator::Ge => 3,
        Comparator::Gt => 4,
    }
}

impl fmt::Display for VersRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vers:{}/", self.scheme)?;
        let Some(constraints) = &self.constraints else {
            return f.write_str("*");
        };
        for (i, c) in constraints.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            if c.comparator != Comparator::Eq {
                f.write_str(c.comparator.as_str())?;
            }
            write!(f, "{}", utf8_percent_encode(&c.version, VERSION_ESCAPE))?;
        }
        Ok(())
    }
}

impl std::str::FromStr for VersRange {
    type Err = VersError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VersRange::parse(s)
    }
}

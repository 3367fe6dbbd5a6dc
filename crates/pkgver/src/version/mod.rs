//! Per-ecosystem version parsing and ordering.
//!
//! Every package ecosystem orders its versions by its own rules, and a
//! vulnerability matcher that gets them wrong misses or invents findings.
//! [`Ecosystem::parse`] turns a version string into a [`Version`]: the
//! original text plus a pre-computed sort key, so that the millions of
//! comparisons a matcher makes are cheap walks over small arrays instead of
//! repeated string parsing.
//!
//! | ecosystem | rules | module |
//! |---|---|---|
//! | SemVer, npm, Cargo, Go, Pub, NuGet | SemVer 2.0 precedence and dialects (Go pseudo-versions, NuGet 4-part case-insensitive, Pub build order) | `semver` |
//! | PyPI | PEP 440 with normalisation; pre-PEP 440 "legacy" versions sort first | `pep440` |
//! | Maven | `ComparableVersion` | `maven` |
//! | RubyGems | `Gem::Version` canonical segments | `rubygems` |
//! | Debian | dpkg `verrevcmp` with epoch and revision | `debian` |
//! | Rpm (Red Hat …) | `rpmvercmp` with epoch and release | `rpm` |
//! | Alpine | apk-tools token comparison | `alpine` |
//! | Packagist | PHP `version_compare` | `packagist` |
//! | Hackage, CRAN | numeric lists | `numeric` |
//! | Alpm (Arch Linux) | libalpm `vercmp` | `rpm` |
//! | Gentoo, OpenSSL, datetime, lexicographic (vers-only schemes), Conan | see module | `extra` |
//!
//! Each module documents its comparison rules. Comparing versions of two
//! different ecosystems is meaningless; `Ord` on [`Version`] orders by
//! ecosystem first so that it stays a total order, and [`Version::try_cmp`]
//! reports the mismatch instead.

mod alpine;
mod debian;
mod extra;
mod maven;
mod num;
mod numeric;
mod packagist;
mod pep440;
mod rpm;
mod rubygems;
mod semver;

use std::cmp::Ordering;
use std::fmt;

/// A package ecosystem whose version ordering rules this crate implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Npm,
    Cargo,
    Go,
    PyPI,
    Maven,
    NuGet,
    RubyGems,
    Debian,
    /// RPM `rpmvercmp` ordering (Red Hat, Rocky, AlmaLinux, SUSE, …).
    Rpm,
    Alpine,
    Packagist,
    Pub,
    Hackage,
    Cran,
    /// Generic SemVer 2.0 (OSV range type `SEMVER`).
    SemVer,
    /// Arch Linux pacman (`vers:alpm`); no OSV ecosystem.
    Alpm,
    /// Gentoo portage (`vers:gentoo`); no OSV ecosystem.
    Gentoo,
    /// OpenSSL releases with letter suffixes (`vers:openssl`).
    OpenSsl,
    /// RFC 3339 timestamps (`vers:datetime`).
    Datetime,
    /// Plain Unicode code point order (`vers:lexicographic`).
    Lexicographic,
    /// Conan C/C++ packages (`vers:conan`, purl type `conan`).
    Conan,
}

impl Ecosystem {
    /// Every ecosystem, in declaration order.
    pub const ALL: [Ecosystem; 21] = [
        Ecosystem::Npm,
        Ecosystem::Cargo,
        Ecosystem::Go,
        Ecosystem::PyPI,
        Ecosystem::Maven,
        Ecosystem::NuGet,
        Ecosystem::RubyGems,
        Ecosystem::Debian,
        Ecosystem::Rpm,
        Ecosystem::Alpine,
        Ecosystem::Packagist,
        Ecosystem::Pub,
        Ecosystem::Hackage,
        Ecosystem::Cran,
        Ecosystem::SemVer,
        Ecosystem::Alpm,
        Ecosystem::Gentoo,
        Ecosystem::OpenSsl,
        Ecosystem::Datetime,
        Ecosystem::Lexicographic,
        Ecosystem::Conan,
    ];

    /// Maps an OSV `affected[].package.ecosystem` value. A release suffix
    /// after `:` (`Debian:12`, `Alpine:v3.18`, `Ubuntu:22.04:LTS`) is ignored,
    /// and distributions are mapped to the ordering they use (Ubuntu →
    /// Debian, Rocky Linux → Rpm, Wolfi → Alpine, …).
    pub fn from_osv_name(name: &str) -> Option<Ecosystem> {
        let base = name.split(':').next().unwrap_or(name).trim();
        Some(match base {
            "npm" => Ecosystem::Npm,
            "crates.io" => Ecosystem::Cargo,
            "Go" => Ecosystem::Go,
            "PyPI" => Ecosystem::PyPI,
            "Maven" => Ecosystem::Maven,
            "NuGet" => Ecosystem::NuGet,
            "RubyGems" => Ecosystem::RubyGems,
            "Debian" | "Ubuntu" => Ecosystem::Debian,
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "SUSE" | "openSUSE" | "Mageia"
            | "openEuler" | "Photon OS" | "Azure Linux" | "Mariner" | "Oracle Linux" | "Fedora" => {
                Ecosystem::Rpm
            }
            "Alpine" | "Wolfi" | "Chainguard" | "MinimOS" => Ecosystem::Alpine,
            "Packagist" => Ecosystem::Packagist,
            "Pub" => Ecosystem::Pub,
            "Hackage" => Ecosystem::Hackage,
            "CRAN" => Ecosystem::Cran,
            "ConanCenter" => Ecosystem::Conan,
            "SEMVER" | "SemVer" | "semver" | "Hex" | "Bitnami" | "SwiftURL" | "GitHub Actions" => {
                Ecosystem::SemVer
            }
            _ => return None,
        })
    }

    /// Maps a Package URL type (lower-case, as in `pkg:TYPE/…`).
    pub fn from_purl_type(ty: &str) -> Option<Ecosystem> {
        Some(match ty.to_ascii_lowercase().as_str() {
            "npm" => Ecosystem::Npm,
            "cargo" => Ecosystem::Cargo,
            "golang" => Ecosystem::Go,
            "pypi" => Ecosystem::PyPI,
            "maven" => Ecosystem::Maven,
            "nuget" => Ecosystem::NuGet,
            "gem" => Ecosystem::RubyGems,
            "deb" => Ecosystem::Debian,
            "rpm" => Ecosystem::Rpm,
            "apk" => Ecosystem::Alpine,
            "composer" => Ecosystem::Packagist,
            "pub" => Ecosystem::Pub,
            "hackage" => Ecosystem::Hackage,
            "cran" => Ecosystem::Cran,
            "hex" | "swift" | "bitnami" => Ecosystem::SemVer,
            "alpm" => Ecosystem::Alpm,
            "conan" => Ecosystem::Conan,
            _ => return None,
        })
    }

    /// Maps a `vers` versioning scheme (`vers:<scheme>/…`). Schemes equal
    /// purl types; `semver` is the generic SemVer scheme.
    pub fn from_vers_scheme(scheme: &str) -> Option<Ecosystem> {
        match scheme {
            "semver" => Some(Ecosystem::SemVer),
            "go" => Some(Ecosystem::Go),
            "debian" => Some(Ecosystem::Debian),
            "alpine" => Some(Ecosystem::Alpine),
            // nginx advisories use plain dotted numbers.
            "nginx" => Some(Ecosystem::SemVer),
            "gentoo" | "ebuild" => Some(Ecosystem::Gentoo),
            "openssl" => Some(Ecosystem::OpenSsl),
            "datetime" => Some(Ecosystem::Datetime),
            "lexicographic" => Some(Ecosystem::Lexicographic),
            other => Ecosystem::from_purl_type(other),
        }
    }

    /// The OSV ecosystem name (`crates.io`, `Red Hat`, …; `SEMVER` for generic).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::Cargo => "crates.io",
            Ecosystem::Go => "Go",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Maven => "Maven",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Debian => "Debian",
            Ecosystem::Rpm => "Red Hat",
            Ecosystem::Alpine => "Alpine",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::Pub => "Pub",
            Ecosystem::Hackage => "Hackage",
            Ecosystem::Cran => "CRAN",
            Ecosystem::SemVer => "SEMVER",
            Ecosystem::Alpm => "Arch Linux",
            Ecosystem::Gentoo => "Gentoo",
            Ecosystem::OpenSsl => "OpenSSL",
            Ecosystem::Datetime => "datetime",
            Ecosystem::Lexicographic => "lexicographic",
            Ecosystem::Conan => "ConanCenter",
        }
    }

    /// The Package URL type (and `vers` scheme) of this ecosystem.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Go => "golang",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Maven => "maven",
            Ecosystem::NuGet => "nuget",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Debian => "deb",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Alpine => "apk",
            Ecosystem::Packagist => "composer",
            Ecosystem::Pub => "pub",
            Ecosystem::Hackage => "hackage",
            Ecosystem::Cran => "cran",
            Ecosystem::SemVer => "semver",
            Ecosystem::Alpm => "alpm",
            Ecosystem::Gentoo => "gentoo",
            Ecosystem::OpenSsl => "openssl",
            Ecosystem::Datetime => "datetime",
            Ecosystem::Lexicographic => "lexicographic",
            Ecosystem::Conan => "conan",
        }
    }

    /// Parses `version` under this ecosystem's rules.
    pub fn parse(&self, version: &str) -> Result<Version, VersionError> {
        let eco = *self;
        let key = match eco {
            Ecosystem::Npm
            | Ecosystem::Cargo
            | Ecosystem::Go
            | Ecosystem::Pub
            | Ecosystem::NuGet
            | Ecosystem::SemVer => Key::Semver(semver::parse(eco, version)?),
            Ecosystem::PyPI => Key::Pypi(pep440::parse(version)?),
            Ecosystem::Maven => {
                if version.trim().is_empty() {
                    return Err(VersionError::Empty { ecosystem: eco });
                }
                Key::Maven(maven::parse(version))
            }
            Ecosystem::RubyGems => Key::Gem(rubygems::parse(version)?),
            Ecosystem::Debian => Key::Debian(debian::parse(version)?),
            Ecosystem::Rpm => Key::Rpm(rpm::parse(eco, version)?),
            Ecosystem::Alpine => Key::Alpine(alpine::parse(version)?),
            Ecosystem::Packagist => Key::Packagist(packagist::parse(version)?),
            Ecosystem::Hackage | Ecosystem::Cran => Key::Numeric(numeric::parse(eco, version)?),
            Ecosystem::Alpm => Key::Alpm(rpm::parse_alpm(version)?),
            Ecosystem::Gentoo => Key::Gentoo(extra::parse_gentoo(version)?),
            Ecosystem::OpenSsl => Key::OpenSsl(extra::parse_openssl(version)?),
            Ecosystem::Datetime => Key::Datetime(extra::parse_datetime(version)?),
            Ecosystem::Conan => Key::Conan(extra::parse_conan(version)?),
            Ecosystem::Lexicographic => {
                if version.is_empty() {
                    return Err(VersionError::Empty { ecosystem: eco });
                }
                Key::Text(version.into())
            }
        };
        Ok(Version {
            ecosystem: eco,
            original: version.into(),
            key,
        })
    }

    /// Compares two version strings of this ecosystem.
    pub fn compare(&self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(self.parse(a)?.key.cmp(&self.parse(b)?.key))
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// Compares two version strings under `eco`'s rules.
pub fn compare(eco: Ecosystem, a: &str, b: &str) -> Result<Ordering, VersionError> {
    eco.compare(a, b)
}

/// Why a version string could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("empty version string ({ecosystem} version expected)")]
    Empty { ecosystem: Ecosystem },
    #[error("invalid {ecosystem} version {version:?}: {reason}")]
    Invalid {
        ecosystem: Ecosystem,
        version: String,
        reason: String,
    },
    #[error(
        "cannot compare {left_ecosystem} version {left:?} with {right_ecosystem} version {right:?}"
    )]
    EcosystemMismatch {
        left_ecosystem: Ecosystem,
        left: String,
        right_ecosystem: Ecosystem,
        right: String,
    },
}

impl VersionError {
    pub(crate) fn invalid(ecosystem: Ecosystem, version: &str, reason: &str) -> VersionError {
        VersionError::Invalid {
            ecosystem,
            version: version.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Pre-computed sort key; one variant per family of rules.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Semver(semver::SemverKey),
    Pypi(pep440::PypiKey),
    Maven(maven::MavenKey),
    Gem(rubygems::GemKey),
    Debian(debian::DebianKey),
    Rpm(rpm::RpmKey),
    Alpine(alpine::AlpineKey),
    Packagist(packagist::PackagistKey),
    Numeric(numeric::NumericKey),
    Alpm(rpm::AlpmKey),
    Gentoo(extra::GentooKey),
    OpenSsl(extra::OpenSslKey),
    Datetime(extra::DateTimeKey),
    Text(Box<str>),
    Conan(extra::ConanKey),
}

/// A parsed version: the original string and its ecosystem's sort key.
///
/// Equality and ordering follow the ecosystem's rules (`1.0 == 1.0.0` in
/// PyPI, `1.0.0+build == 1.0.0` in SemVer), not the text.
#[derive(Clone, Debug)]
pub struct Version {
    ecosystem: Ecosystem,
    original: Box<str>,
    key: Key,
}

impl Version {
    /// The string this version was parsed from, unchanged.
    pub fn as_str(&self) -> &str {
        &self.original
    }

    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// Compares with `other`, failing if the ecosystems differ.
    pub fn try_cmp(&self, other: &Version) -> Result<Ordering, VersionError> {
        if self.ecosystem != other.ecosystem {
            return Err(VersionError::EcosystemMismatch {
                left_ecosystem: self.ecosystem,
                left: self.original.to_string(),
                right_ecosystem: other.ecosystem,
                right: other.original.to_string(),
            });
        }
        Ok(self.key.cmp(&other.key))
    }

    /// Whether this is a pre-release in its ecosystem's sense, where the
    /// ecosystem has one (SemVer family, PyPI, Maven qualifiers below release,
    /// RubyGems letters, Debian/RPM `~`, Alpine pre-suffixes).
    pub fn is_prerelease(&self) -> bool {
        match &self.key {
            Key::Semver(k) => !k.pre.is_empty(),
            Key::Pypi(k) => k.is_prerelease(),
            Key::Gem(k) => k.0.iter().any(|s| matches!(s, rubygems::Segment::Text(_))),
            Key::Debian(_) | Key::Rpm(_) => self.original.contains('~'),
            Key::Alpine(_) => ["_alpha", "_beta", "_pre", "_rc"]
                .iter()
                .any(|m| self.original.contains(m)),
            Key::Alpm(_) | Key::Gentoo(_) => ["alpha", "beta", "pre", "rc"]
                .iter()
                .any(|m| self.original.contains(m)),
            Key::OpenSsl(_) | Key::Conan(_) => self.original.contains('-'),
            Key::Maven(_)
            | Key::Packagist(_)
            | Key::Numeric(_)
            | Key::Datetime(_)
            | Key::Text(_) => false,
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ecosystem
            .cmp(&other.ecosystem)
            .then_with(|| self.key.cmp(&other.key))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

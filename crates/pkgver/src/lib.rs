//! Package URLs, per-ecosystem version ordering and `vers` version ranges.
//!
//! This crate answers three questions that the SBOM and vulnerability
//! crates ask all the time, and nothing else:
//!
//! * [`purl`]: what package does `pkg:maven/org.apache.commons/io@1.3.4`
//!   name? Parsing, validation, per-type normalisation and the canonical
//!   string form of Package URLs (purl-spec).
//! * [`version`]: is `1.2.0-rc.1` before `1.2.0` in this ecosystem? Parsing
//!   of version strings into compact comparable keys under the rules of npm,
//!   Cargo, Go, PyPI, Maven, NuGet, RubyGems, Debian, RPM, Alpine,
//!   Packagist, Pub, Hackage, CRAN and generic SemVer.
//! * [`vers`]: is this version inside `vers:npm/>=1.0.0|<2.0.0`? Parsing,
//!   normalising and evaluating `vers` range specifiers.

pub mod purl;
pub mod vers;
pub mod version;

pub use purl::{PackageUrl, PurlError};
pub use vers::{VersError, VersRange};
pub use version::{compare, Ecosystem, Version, VersionError};

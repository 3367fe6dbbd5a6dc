//! The vulnerability engine of sanso: OSV data, matching packages against it, VEX, licence policy.
//!
//! One job: given a list of packages (purls or ecosystem + name + version), say which known
//! vulnerabilities affect them, why, and what VEX statements say about each; and say whether each
//! package's licence is within policy. Nothing here parses SBOM files (that is `sanso-sbom`) or
//! stores anything (that is `sanso-store`); version ordering and purl parsing come from
//! `sanso-pkgver`.
//!
//! Map of the crate:
//! - [`osv`]: the OSV schema as types, CVSS scoring and severity bands.
//! - [`load`]: reading a directory tree or an `all.zip` of OSV files, with per-file errors and
//!   zip-bomb guards.
//! - [`aliases`]: union-find over `aliases`, one canonical ID per vulnerability.
//! - [`db`]: the in-memory database and its (ecosystem, name) index; [`matching`] holds the exact
//!   OSV range semantics.
//! - [`vex`]: VEX statements, importers for OpenVEX 0.2, CycloneDX VEX and CSAF 2.0 VEX, exporters.
//! - [`licence`]: SPDX expressions against an allow/deny/review policy.
//! - [`scan`]: the scan API, report renderers (text, JSON, SARIF 2.1.0) and exit codes.
//! - [`portfolio`]: an inverted index over many SBOMs to answer "what does this new advisory hit?".

pub mod aliases;
pub mod db;
pub mod error;
pub mod load;
pub mod matching;
pub mod osv;
mod timestamp;
pub mod version;

pub use db::{OsvDatabase, PackageKey};
pub use error::VulnError;
pub use load::{LoadReport, ZipLimits};
pub use osv::{Advisory, Severity};

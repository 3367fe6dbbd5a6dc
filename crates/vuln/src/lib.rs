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
//! - [`package`]: packages to scan (from purls), purl matching for VEX.
//! - [`portfolio`]: an inverted index over many SBOMs answering "what does this new advisory hit?".
//! - [`scan`](mod@scan): the scan API and exit codes; [`render`]: text table, JSON and SARIF 2.1.0.
//!
//! ```
//! use sanso_vuln::{load::parse_advisories, scan, OsvDatabase, PackageRef, Severity, VexSet};
//!
//! let osv = br#"{"id": "RUSTSEC-0000-0001", "modified": "2024-01-01T00:00:00Z",
//!   "aliases": ["CVE-2024-0001"],
//!   "affected": [{"package": {"ecosystem": "crates.io", "name": "demo"},
//!     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}]}]}"#;
//! let mut db = OsvDatabase::new(); // or db.load_path(Path::new("osv/all.zip"))
//! for advisory in parse_advisories("inline", osv)? {
//!     db.insert(advisory);
//! }
//! let packages = [PackageRef::from_purl("pkg:cargo/demo@1.1.0")?];
//! let report = scan(&packages, &db, &VexSet::new());
//! let finding = &report.findings[0];
//! assert_eq!(finding.vulnerability_id, "CVE-2024-0001");
//! assert_eq!(finding.aliases, ["RUSTSEC-0000-0001"]);
//! assert_eq!(finding.matched_ranges(), "SEMVER introduced 0, fixed 1.2.0");
//! assert_eq!(report.exit_code(Severity::Unknown), sanso_vuln::scan::EXIT_FINDINGS);
//! # Ok::<(), sanso_vuln::VulnError>(())
//! ```

pub mod aliases;
pub mod db;
pub mod error;
pub mod licence;
pub mod load;
pub mod matching;
pub mod osv;
pub mod package;
pub mod portfolio;
pub mod render;
pub mod scan;
mod timestamp;
pub mod version;
pub mod vex;

pub use db::{OsvDatabase, PackageKey};
pub use error::VulnError;
pub use load::{LoadReport, ZipLimits};
pub use osv::{Advisory, Severity};
pub use package::PackageRef;
pub use scan::{scan, scan_with, Finding, ScanOptions, ScanReport};
pub use vex::{VexSet, VexStatement, VexStatus};

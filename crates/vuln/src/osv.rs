//! The OSV schema (<https://ossf.github.io/osv-schema/>) as Rust types, plus severity scoring.
//!
//! Field names follow the schema exactly so that `serde` reads published files unchanged. Unknown
//! fields are ignored (the schema grows; old readers must keep working). `database_specific` and
//! `ecosystem_specific` are kept as raw JSON because their content is defined per database.
//!
//! Severity: each `severity[]` entry holds a CVSS vector (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`). The base
//! score is computed with the RustSec `cvss` crate, which implements the FIRST specifications
//! (v3.0/v3.1 roundup rules and the v4.0 macro-vector lookup). The band follows the CVSS v3/v4
//! qualitative scale: 0.0 None, 0.1–3.9 Low, 4.0–6.9 Medium, 7.0–8.9 High, 9.0–10.0 Critical.
//! When no vector is present, a textual `database_specific.severity` (as GHSA publishes:
//! `LOW`/`MODERATE`/`HIGH`/`CRITICAL`) is used instead.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One OSV advisory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Advisory {
    /// Schema version the file claims (optional in the schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    /// The advisory ID, e.g. `RUSTSEC-2016-0001`, `GO-2020-0001`.
    pub id: String,
    /// RFC 3339 time of last modification; decides which copy wins on update.
    pub modified: String,
    /// RFC 3339 publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Set when the advisory was withdrawn: it must no longer produce findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// IDs of the same vulnerability in other databases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// IDs of related but different vulnerabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// IDs this advisory was derived from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<String>,
    /// One-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer description (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Severity vectors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityEntry>,
    /// Affected packages and their version ranges.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// Links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Database-defined extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// A `severity[]` entry: a scoring system and its vector or score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SeverityEntry {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector string (CVSS) or a textual score.
    pub score: String,
}

/// An `affected[]` entry: one package and the versions of it that are affected.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Affected {
    /// The package. Optional in the schema (absent for some Git-only records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<AffectedPackage>,
    /// Severity specific to this package (schema 1.5+).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityEntry>,
    /// Version ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Explicitly enumerated affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Ecosystem-defined extra data (e.g. Go `imports`/`symbols`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<serde_json::Value>,
    /// Database-defined extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// `affected[].package`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AffectedPackage {
    /// OSV ecosystem name, possibly with a suffix (`Debian:11`, `Alpine:v3.18`).
    pub ecosystem: String,
    /// Package name as the ecosystem spells it.
    pub name: String,
    /// Optional package URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// `affected[].ranges[]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Range {
    /// How versions in `events` are compared.
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// Repository URL (GIT ranges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The events; the schema allows any order.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Database-defined extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// `ranges[].type`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// Semantic Versioning 2.0 precedence.
    Semver,
    /// The ecosystem's own version ordering.
    Ecosystem,
    /// Git commit hashes; cannot be evaluated against a version number.
    Git,
}

impl fmt::Display for RangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RangeKind::Semver => "SEMVER",
            RangeKind::Ecosystem => "ECOSYSTEM",
            RangeKind::Git => "GIT",
        })
    }
}

/// One event of a range. The schema says each event object has exactly one key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from here on are affected (`"0"` means from the very first version).
    Introduced(String),
    /// This version and later are no longer affected (exclusive upper bound).
    Fixed(String),
    /// This version is the last affected one (inclusive upper bound).
    LastAffected(String),
    /// Upper limit of the range (exclusive); `"*"` means none.
    Limit(String),
}

impl Event {
    /// The version string the event carries.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }

    /// The schema's key name for this event.
    pub fn key(&self) -> &'static str {
        match self {
            Event::Introduced(_) => "introduced",
            Event::Fixed(_) => "fixed",
            Event::LastAffected(_) => "last_affected",
            Event::Limit(_) => "limit",
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.key(), self.version())
    }
}

/// `references[]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Reference {
    /// `ADVISORY`, `FIX`, `WEB`, `PACKAGE`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The link.
    pub url: String,
}

/// Qualitative severity band. Ordered so that `Unknown < None < Low < … < Critical`; a finding
/// without any score ranks lowest but is still a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No usable score was published.
    Unknown,
    /// CVSS 0.0.
    None,
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9.
    Medium,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10.0.
    Critical,
}

impl Severity {
    /// Band for a CVSS v3/v4 base score.
    pub fn from_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::None
        }
    }

    /// Lower-case name as used in the CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = crate::VulnError;

    /// Accepts the band names case-insensitively, plus GHSA's `moderate` for medium.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "unknown" | "any" => Ok(Severity::Unknown),
            "none" => Ok(Severity::None),
            "low" => Ok(Severity::Low),
            "medium" | "moderate" => Ok(Severity::Medium),
            "high" | "important" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(crate::VulnError::Usage(format!(
                "unknown severity {other:?}: expected one of any, low, medium, high, critical"
            ))),
        }
    }
}

/// A computed score: which vector gave it, the base score and its band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredSeverity {
    /// The vector or textual score it came from.
    pub source: String,
    /// CVSS base score when computed from a vector.
    pub base_score: Option<f64>,
    /// Qualitative band.
    pub severity: Severity,
}

/// Scores one `severity[]` entry. Returns `None` for unparseable vectors or unknown systems.
pub fn score_entry(entry: &SeverityEntry) -> Option<ScoredSeverity> {
    match entry.kind.as_str() {
        "CVSS_V2" | "CVSS_V3" | "CVSS_V4" => {
            // CVSS v2 vectors carry no "CVSS:2.0/" prefix; the cvss crate wants one.
            let vector = if entry.kind == "CVSS_V2" && !entry.score.starts_with("CVSS:") {
                format!("CVSS:2.0/{}", entry.score)
            } else {
                entry.score.clone()
            };
            let parsed = cvss::Cvss::from_str(&vector).ok()?;
            let score = parsed.score();
            Some(ScoredSeverity {
                source: entry.score.clone(),
                base_score: Some(score),
                severity: Severity::from_score(score),
            })
        }
        _ => Severity::from_str(&entry.score)
            .ok()
            .map(|severity| ScoredSeverity {
                source: entry.score.clone(),
                base_score: None,
                severity,
            }),
    }
}

impl Advisory {
    /// The highest severity among the advisory's (and its packages') vectors, falling back to a
    /// textual `database_specific.severity`. `None` when nothing usable is present.
    pub fn best_severity(&self) -> Option<ScoredSeverity> {
        let vectors = self
            .severity
            .iter()
            .chain(self.affected.iter().flat_map(|a| a.severity.iter()));
        let mut best: Option<ScoredSeverity> = None;
        for scored in vectors.filter_map(score_entry) {
            let better = match &best {
                None => true,
                Some(b) => {
                    (scored.severity, scored.base_score.unwrap_or(0.0))
                        > (b.severity, b.base_score.unwrap_or(0.0))
                }
            };
            if better {
                best = Some(scored);
            }
        }
        if best.is_some() {
            return best;
        }
        let textual = self
            .database_specific
            .as_ref()
            .and_then(|d| d.get("severity"))
            .and_then(|s| s.as_str())?;
        Severity::from_str(textual)
            .ok()
            .map(|severity| ScoredSeverity {
                source: textual.to_string(),
                base_score: None,
                severity,
            })
    }

    /// Every ID this advisory is known by: its own ID first, then its aliases.
    pub fn all_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// True when the advisory was withdrawn.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }
}

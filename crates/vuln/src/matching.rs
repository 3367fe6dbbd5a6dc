//! Deciding whether one version of a package is affected by one `affected[]` entry.
//!
//! The evaluation follows the OSV schema's reference algorithm:
//!
//! 1. A version listed verbatim in `versions[]` is affected ("listed in versions").
//! 2. Otherwise each `SEMVER`/`ECOSYSTEM` range is evaluated on its own and the version is affected
//!    when any range says so. Within a range the events are sorted by version (the schema allows
//!    any order; `introduced: "0"` sorts first), then walked with a flag that
//!    - turns on at an `introduced` event the version is at or above,
//!    - turns off at a `fixed` event the version is at or above (fixed is exclusive),
//!    - turns off at a `last_affected` event the version is above (last_affected is inclusive).
//!
//!    At equal versions `introduced` is ordered before the closing events, so a range introduced
//!    and fixed at the same version is empty. A `limit` caps the whole range: versions at or above
//!    the lowest limit are not affected (`"*"` means no limit).
//! 3. `GIT` ranges name commits, not versions; they are skipped (a finding from a Git range needs
//!    a commit hash, which a package list does not give).
//!
//! Every match carries its reason: the range type and the event pair that enclosed the version,
//! e.g. `SEMVER introduced 1.2.0, fixed 1.4.1`.

use std::fmt;

use serde::Serialize;

use crate::osv::{Affected, Event, RangeKind};
use crate::version::{Bound, OrderedVersion, VersionScheme};

/// Why a version matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchReason {
    /// The version is inside a range.
    Range {
        /// Range type.
        range_type: RangeKind,
        /// Index of the range in `affected[].ranges`.
        range_index: usize,
        /// The `introduced` event the version is at or after.
        introduced: String,
        /// The event closing that interval (`fixed`, `last_affected` or `limit`), if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        closed_by: Option<Event>,
    },
    /// The version appears in `affected[].versions`.
    ListedInVersions,
}

impl fmt::Display for MatchReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchReason::Range {
                range_type,
                introduced,
                closed_by,
                ..
            } => {
                write!(f, "{range_type} introduced {introduced}")?;
                match closed_by {
                    Some(event) => write!(f, ", {event}"),
                    None => f.write_str(", no fix"),
                }
            }
            MatchReason::ListedInVersions => f.write_str("listed in versions"),
        }
    }
}

/// Outcome of evaluating one `affected[]` entry.
#[derive(Debug, Clone, Default)]
pub struct AffectedEvaluation {
    /// Set when the version is affected.
    pub reason: Option<MatchReason>,
    /// Problems met on the way (unparseable event versions, unknown ordering …).
    pub warnings: Vec<String>,
}

/// Evaluates `version` (raw text as the package list gives it) against one `affected[]` entry.
///
/// `ecosystem_base` is the OSV ecosystem without release suffix (`Debian`, not `Debian:11`); it
/// selects the ordering of `ECOSYSTEM` ranges. To test many versions against one entry, compile
/// it once with [`CompiledAffected::compile`].
pub fn evaluate_affected(
    affected: &Affected,
    ecosystem_base: &str,
    version: &str,
) -> AffectedEvaluation {
    let compiled = CompiledAffected::compile(affected, ecosystem_base);
    let mut out = compiled.evaluate(version);
    let mut warnings = compiled.warnings;
    warnings.append(&mut out.warnings);
    out.warnings = warnings;
    out
}

/// A version parsed under both orderings a range can ask for.
#[derive(Debug, Clone)]
pub struct ParsedTarget {
    /// The version as given.
    pub raw: String,
    /// Parsed for `SEMVER` ranges.
    pub semver: Result<OrderedVersion, String>,
    /// Parsed for `ECOSYSTEM` ranges (`None`: the ecosystem has no known ordering).
    pub ecosystem: Option<Result<OrderedVersion, String>>,
}

impl ParsedTarget {
    /// Parses `version` for the ecosystem `ecosystem_base`.
    pub fn parse(ecosystem_base: &str, version: &str) -> Self {
        let normalized = normalize_input_version(ecosystem_base, version);
        ParsedTarget {
            raw: version.to_string(),
            semver: VersionScheme::Semver.parse(normalized),
            ecosystem: VersionScheme::for_osv_ecosystem(ecosystem_base)
                .map(|scheme| scheme.parse(normalized)),
        }
    }
}

#[derive(Debug, Clone)]
struct CompiledRange {
    range_index: usize,
    kind: RangeKind,
    /// Events sorted by (version, kind rank); limits kept apart.
    events: Vec<(Bound, Event)>,
    /// The lowest limit, if any.
    limit: Option<(OrderedVersion, Event)>,
}

/// One `affected[]` entry with its event versions parsed and sorted once, ready to test many
/// versions (the portfolio re-match evaluates each distinct version of a package against it).
#[derive(Debug, Clone)]
pub struct CompiledAffected {
    ecosystem_base: String,
    versions: Vec<String>,
    ranges: Vec<CompiledRange>,
    /// Problems found while compiling (unparseable events, unknown ordering).
    pub warnings: Vec<String>,
}

impl CompiledAffected {
    /// Parses and sorts the events of every `SEMVER`/`ECOSYSTEM` range.
    pub fn compile(affected: &Affected, ecosystem_base: &str) -> Self {
        let mut warnings = Vec::new();
        let eco_scheme = VersionScheme::for_osv_ecosystem(ecosystem_base);
        let mut ranges = Vec::new();
        for (range_index, range) in affected.ranges.iter().enumerate() {
            let scheme = match range.kind {
                RangeKind::Git => continue,
                RangeKind::Semver => VersionScheme::Semver,
                RangeKind::Ecosystem => match &eco_scheme {
                    Some(s) => s.clone(),
                    None => {
                        warnings.push(format!(
                            "no version ordering known for ecosystem {ecosystem_base:?}; \
                             ECOSYSTEM range {range_index} not evaluated"
                        ));
                        continue;
                    }
                },
            };
            let mut events: Vec<(Bound, Event)> = Vec::with_capacity(range.events.len());
            let mut limit: Option<(OrderedVersion, Event)> = None;
            for event in &range.events {
                let text = event.version();
                if let Event::Limit(_) = event {
                    if text == "*" {
                        continue;
                    }
                    match scheme.parse(text) {
                        Ok(v) => {
                            if limit.as_ref().is_none_or(|(l, _)| v < *l) {
                                limit = Some((v, event.clone()));
                            }
                        }
                        Err(e) => {
                            warnings.push(format!("range {range_index}: limit event ignored: {e}"))
                        }
                    }
                    continue;
                }
                let bound = if matches!(event, Event::Introduced(_)) && text == "0" {
                    Bound::Zero
                } else {
                    match scheme.parse(text) {
                        Ok(v) => Bound::At(v),
                        Err(e) => {
                            warnings.push(format!(
                                "range {range_index}: {} event ignored: {e}",
                                event.key()
                            ));
                            continue;
                        }
                    }
                };
                events.push((bound, event.clone()));
            }
            events.sort_by(|(a, ea), (b, eb)| {
                a.cmp(b).then_with(|| kind_rank(ea).cmp(&kind_rank(eb)))
            });
            ranges.push(CompiledRange {
                range_index,
                kind: range.kind,
                events,
                limit,
            });
        }
        CompiledAffected {
            ecosystem_base: ecosystem_base.to_string(),
            versions: affected.versions.clone(),
            ranges,
            warnings,
        }
    }

    /// The ecosystem base this entry's versions are parsed in.
    pub fn ecosystem_base(&self) -> &str {
        &self.ecosystem_base
    }

    /// Evaluates one version given as text.
    pub fn evaluate(&self, version: &str) -> AffectedEvaluation {
        self.evaluate_parsed(&ParsedTarget::parse(&self.ecosystem_base, version))
    }

    /// Evaluates one pre-parsed version.
    pub fn evaluate_parsed(&self, target: &ParsedTarget) -> AffectedEvaluation {
        let mut out = AffectedEvaluation::default();
        let normalized = normalize_input_version(&self.ecosystem_base, &target.raw);
        if self
            .versions
            .iter()
            .any(|listed| *listed == target.raw || listed == normalized)
        {
            out.reason = Some(MatchReason::ListedInVersions);
            return out;
        }
        for range in &self.ranges {
            let parsed = match range.kind {
                RangeKind::Semver => Some(&target.semver),
                _ => target.ecosystem.as_ref(),
            };
            let version = match parsed {
                Some(Ok(v)) => v,
                Some(Err(e)) => {
                    out.warnings.push(format!(
                        "version {:?} cannot be compared in {} range {}: {e}",
                        target.raw, range.kind, range.range_index
                    ));
                    continue;
                }
                None => continue,
            };
            if let Some((introduced, closed_by)) = range.evaluate(version) {
                out.reason = Some(MatchReason::Range {
                    range_type: range.kind,
                    range_index: range.range_index,
                    introduced,
                    closed_by,
                });
                return out;
            }
        }
        out
    }
}

impl CompiledRange {
    /// Runs the OSV algorithm. Returns the enclosing (introduced, closing event) when `target` is
    /// affected.
    fn evaluate(&self, target: &OrderedVersion) -> Option<(String, Option<Event>)> {
        let mut affected_since: Option<&Event> = None;
        let mut closing: Option<&Event> = None;
        for (bound, event) in &self.events {
            match event {
                Event::Introduced(_) => {
                    let at_or_above = match bound {
                        Bound::Zero => true,
                        Bound::At(v) => target >= v,
                    };
                    if at_or_above {
                        affected_since = Some(event);
                        closing = None;
                    }
                }
                Event::Fixed(_) => {
                    let at_or_above = match bound {
                        Bound::Zero => true,
                        Bound::At(v) => target >= v,
                    };
                    if at_or_above {
                        affected_since = None;
                    } else if affected_since.is_some() && closing.is_none() {
                        closing = Some(event);
                    }
                }
                Event::LastAffected(_) => {
                    let above = match bound {
                        Bound::Zero => true,
                        Bound::At(v) => target > v,
                    };
                    if above {
                        affected_since = None;
                    } else if affected_since.is_some() && closing.is_none() {
                        closing = Some(event);
                    }
                }
                Event::Limit(_) => {}
            }
        }
        let introduced = affected_since?;
        if let Some((limit_version, limit_event)) = &self.limit {
            if target >= limit_version {
                return None;
            }
            if closing.is_none() {
                closing = Some(limit_event);
            }
        }
        Some((introduced.version().to_string(), closing.cloned()))
    }
}

/// Strips spellings the OSV databases do not use: Go's `v` prefix on module versions and `go`
/// on toolchain tags.
pub fn normalize_input_version<'a>(ecosystem_base: &str, version: &'a str) -> &'a str {
    if ecosystem_base == "Go" {
        version
            .strip_prefix('v')
            .or_else(|| version.strip_prefix("go"))
            .unwrap_or(version)
    } else {
        version
    }
}

/// Sort key of event kinds at equal versions (see module docs).
fn kind_rank(e: &Event) -> u8 {
    match e {
        Event::Introduced(_) => 0,
        Event::LastAffected(_) => 1,
        Event::Fixed(_) => 2,
        Event::Limit(_) => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osv::Range;

    fn affected(ranges: Vec<Vec<Event>>, versions: &[&str]) -> Affected {
        Affected {
            package: None,
            severity: vec![],
            ranges: ranges
                .into_iter()
                .map(|events| Range {
                    kind: RangeKind::Semver,
                    repo: None,
                    events,
                    database_specific: None,
                })
                .collect(),
            versions: versions.iter().map(|s| s.to_string()).collect(),
            ecosystem_specific: None,
            database_specific: None,
        }
    }
    fn i(v: &str) -> Event {
        Event::Introduced(v.into())
    }
    fn f(v: &str) -> Event {
        Event::Fixed(v.into())
    }
    fn la(v: &str) -> Event {
        Event::LastAffected(v.into())
    }
    fn hit(a: &Affected, v: &str) -> bool {
        evaluate_affected(a, "crates.io", v).reason.is_some()
    }

    #[test]
    fn unsorted_events_with_reintroduction() {
        // Deliberately shuffled: [1.0, 1.2) and [2.0, 2.3) are affected.
        let a = affected(
            vec![vec![f("2.3.0"), i("2.0.0"), f("1.2.0"), i("1.0.0")]],
            &[],
        );
        for (v, want) in [
            ("0.9.0", false),
            ("1.0.0", true),
            ("1.1.9", true),
            ("1.2.0", false),
            ("1.9.0", false),
            ("2.0.0", true),
            ("2.2.9", true),
            ("2.3.0", false),
        ] {
            assert_eq!(hit(&a, v), want, "{v}");
        }
        let reason = evaluate_affected(&a, "crates.io", "2.1.0").reason.unwrap();
        assert_eq!(reason.to_string(), "SEMVER introduced 2.0.0, fixed 2.3.0");
    }

    #[test]
    fn last_affected_is_inclusive_and_zero_is_minimal() {
        let a = affected(vec![vec![i("0"), la("1.4.0")]], &[]);
        assert!(hit(&a, "0.0.1"));
        assert!(hit(&a, "1.4.0"));
        assert!(!hit(&a, "1.4.1"));
        assert!(hit(&a, "1.4.0-rc.1"));
    }

    #[test]
    fn limit_caps_open_range() {
        let a = affected(vec![vec![i("1.0.0"), Event::Limit("1.5.0".into())]], &[]);
        assert!(hit(&a, "1.4.9"));
        assert!(!hit(&a, "1.5.0"));
    }

    #[test]
    fn listed_versions_and_multiple_ranges() {
        let a = affected(
            vec![vec![i("3.0.0"), f("3.1.0")], vec![i("1.0.0"), f("1.0.5")]],
            &["0.5.0"],
        );
        assert_eq!(
            evaluate_affected(&a, "crates.io", "0.5.0").reason,
            Some(MatchReason::ListedInVersions)
        );
        assert!(hit(&a, "1.0.4"));
        assert!(hit(&a, "3.0.1"));
        assert!(!hit(&a, "2.0.0"));
    }

    #[test]
    fn bad_versions_warn_instead_of_panicking() {
        let a = affected(vec![vec![i("0"), f("not-a-version")]], &[]);
        let eval = evaluate_affected(&a, "crates.io", "1.0.0");
        assert!(eval.reason.is_some());
        assert!(!eval.warnings.is_empty());
        let eval = evaluate_affected(&a, "crates.io", "garbage");
        assert!(eval.reason.is_none());
        assert!(eval.warnings.iter().any(|w| w.contains("garbage")));
    }
}

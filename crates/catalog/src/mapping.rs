//! Requirement-to-requirement mappings between catalogs, and "answer once": carrying answers
//! of one framework over to another.
//!
//! A [`MappingSet`] relates items of a source catalog to items of a target catalog with the
//! OSCAL relationship types. An item is a requirement id or a group id (a whole category).
//! Read an entry as "source *is* relationship target": `CPS.RA subset-of ID.RA` means CPSF's
//! risk-assessment category covers part of what CSF 2.0's ID.RA asks.
//!
//! # Carrying an answer ([`infer_answers`])
//! * `equivalent-to` and `superset-of` carry the status unchanged: doing all of the source
//!   means doing all of the target.
//! * `subset-of` and `intersects-with` carry at most `partial`: doing the source does only part
//!   of the target, so `implemented` arrives as `partial`; `partial` and `not_implemented`
//!   arrive unchanged (a part of the target is missing either way).
//! * `unknown` and `not_applicable` carry nothing (they say nothing about the other framework).
//!
//! A mapping set may be walked backwards (target → source) with the inverse relationship
//! (`subset-of` ↔ `superset-of`), and sets chain: ★ → CSF 2.0 → CPSF is two hops through
//! two sets. Along a chain the caps compose (once capped at `partial`, always at most
//! `partial`). Chains are searched breadth-first up to [`MAX_HOPS`] sets, never visiting a
//! catalog twice.
//!
//! A group id on the source side stands for the group's combined status (see
//! [`combine_group`]); a group id on the target side stands for every requirement under it
//! (if a whole category is implemented, so is each of its parts). Items in intermediate
//! catalogs match by exact id.
//!
//! # Many sources onto one target ([`combine_inferred`])
//! All contributions count, never just the first: all `implemented` → `implemented`; all
//! `not_implemented` → `not_implemented`; any other mix (or any `partial`) → `partial`.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::assessment::{Answer, AnswerStatus};
use crate::error::ValidationIssue;
use crate::model::{Catalog, CatalogRef, Group, LocalizedText};

/// Longest chain of mapping sets followed by [`infer_answers`].
pub const MAX_HOPS: usize = 3;

/// OSCAL mapping relationship of a source item to a target item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    #[serde(alias = "equivalent")]
    EquivalentTo,
    #[serde(alias = "subset")]
    SubsetOf,
    #[serde(alias = "superset")]
    SupersetOf,
    #[serde(alias = "intersects")]
    IntersectsWith,
}

impl Relationship {
    /// The relationship read from target to source.
    pub fn inverse(self) -> Self {
        match self {
            Relationship::SubsetOf => Relationship::SupersetOf,
            Relationship::SupersetOf => Relationship::SubsetOf,
            other => other,
        }
    }

    /// What a source status says about the target; `None` carries nothing.
    pub fn carry(self, status: AnswerStatus) -> Option<AnswerStatus> {
        match (self, status) {
            (_, AnswerStatus::Unknown | AnswerStatus::NotApplicable) => None,
            (Relationship::EquivalentTo | Relationship::SupersetOf, status) => Some(status),
            (_, AnswerStatus::Implemented | AnswerStatus::Partial) => Some(AnswerStatus::Partial),
            (_, AnswerStatus::NotImplemented) => Some(AnswerStatus::NotImplemented),
        }
    }
}

/// One mapping entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingEntry {
    pub source: String,
    pub relationship: Relationship,
    pub target: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

/// A set of mappings from one catalog version to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingSet {
    pub id: String,
    pub title: LocalizedText,
    pub source: CatalogRef,
    pub target: CatalogRef,
    /// How the mapping was made (by whom, on what basis); shown to users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<LocalizedText>,
    pub entries: Vec<MappingEntry>,
}

impl MappingSet {
    /// Checks identity fields and that no (source, target) pair appears twice.
    pub fn validate(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let mut push =
            |path: String, message: String| issues.push(ValidationIssue { path, message });
        if self.id.trim().is_empty() {
            push("id".into(), "mapping set id is empty".into());
        }
        for (field, reference) in [("source", &self.source), ("target", &self.target)] {
            if reference.id.trim().is_empty() {
                push(format!("{field}.id"), "catalog id is empty".into());
            }
            if reference.version.trim().is_empty() {
                push(
                    format!("{field}.version"),
                    "catalog version is empty".into(),
                );
            }
        }
        if self.source == self.target {
            push(
                "target".into(),
                "source and target are the same catalog".into(),
            );
        }
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, entry) in self.entries.iter().enumerate() {
            if entry.source.trim().is_empty() {
                push(format!("entries[{i}].source"), "source id is empty".into());
            }
            if entry.target.trim().is_empty() {
                push(format!("entries[{i}].target"), "target id is empty".into());
            }
            if let Some(first) = seen.insert((&entry.source, &entry.target), i) {
                push(
                    format!("entries[{i}]"),
                    format!(
                        "{} → {} is mapped twice (first at entries[{first}])",
                        entry.source, entry.target
                    ),
                );
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    /// Source and target ids that are neither a requirement nor a group of the given catalogs;
    /// each as (path, message). Pass `None` for a side whose catalog is not at hand.
    pub fn unresolved(
        &self,
        source: Option<&Catalog>,
        target: Option<&Catalog>,
    ) -> Vec<ValidationIssue> {
        let mut out = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            for (side, catalog, id) in [
                ("source", source, &entry.source),
                ("target", target, &entry.target),
            ] {
                if let Some(catalog) = catalog {
                    if catalog.find_requirement(id).is_none() && catalog.find_group(id).is_none() {
                        out.push(ValidationIssue {
                            path: format!("entries[{i}].{side}"),
                            message: format!("{id:?} is not in catalog {}", catalog.reference()),
                        });
                    }
                }
            }
        }
        out
    }
}

/// One hop of the path an inferred answer came by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MappingHop {
    pub mapping_set: String,
    /// True when the set was walked from its target to its source.
    pub reversed: bool,
    pub from: String,
    pub to: String,
    /// Relationship as walked (inverted when `reversed`).
    pub relationship: Relationship,
}

/// One source answer's contribution to an inferred answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferenceSource {
    /// The answered item in the source catalog (a requirement, or a group standing for its
    /// requirements' combined status).
    pub source_id: String,
    pub source_status: AnswerStatus,
    /// The status this path carries to the target.
    pub carried_status: AnswerStatus,
    pub path: Vec<MappingHop>,
}

/// An answer for a requirement of the target catalog, inferred through mappings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferredAnswer {
    pub requirement_id: String,
    pub status: AnswerStatus,
    /// Always true; kept as data so that stored answers show where they came from.
    pub inferred: bool,
    pub sources: Vec<InferenceSource>,
}

impl InferredAnswer {
    /// An [`Answer`] the user can review, with the sources summarised in the comment.
    pub fn to_answer(&self) -> Answer {
        let mut answer = Answer::new(&self.requirement_id, self.status);
        let described: Vec<String> = self
            .sources
            .iter()
            .map(|s| {
                let hops: Vec<String> = s
                    .path
                    .iter()
                    .map(|h| format!("{} [{}]", h.to, h.mapping_set))
                    .collect();
                format!(
                    "{} ({}) → {}",
                    s.source_id,
                    s.source_status.key(),
                    hops.join(" → ")
                )
            })
            .collect();
        answer.comment = format!("inferred: {}", described.join("; "));
        answer
    }
}

/// Combined status of a group from its requirements' statuses: `implemented` when every
/// applicable one is, `not_implemented` when every applicable one is not, `unknown` when none
/// is known, `not_applicable` when all are, else `partial`. Unanswered counts as `unknown`,
/// and an `unknown` next to known statuses makes the group `partial`: a category is not
/// implemented while some of it is unknown.
pub fn combine_group(statuses: &[AnswerStatus]) -> AnswerStatus {
    let applicable: Vec<AnswerStatus> = statuses
        .iter()
        .copied()
        .filter(|s| *s != AnswerStatus::NotApplicable)
        .collect();
    if applicable.is_empty() {
        return if statuses.is_empty() {
            AnswerStatus::Unknown
        } else {
            AnswerStatus::NotApplicable
        };
    }
    if applicable.iter().all(|s| *s == AnswerStatus::Unknown) {
        AnswerStatus::Unknown
    } else if applicable.iter().all(|s| *s == AnswerStatus::Implemented) {
        AnswerStatus::Implemented
    } else if applicable
        .iter()
        .all(|s| *s == AnswerStatus::NotImplemented)
    {
        AnswerStatus::NotImplemented
    } else {
        AnswerStatus::Partial
    }
}

/// Combines the statuses carried by several sources onto one target (see module docs).
/// Returns `None` when there is nothing to combine.
pub fn combine_inferred(carried: &[AnswerStatus]) -> Option<AnswerStatus> {
    let first = *carried.first()?;
    if carried.iter().all(|s| *s == first) {
        Some(first)
    } else {
        Some(AnswerStatus::Partial)
    }
}

/// A set walked in one direction: (set, reversed).
type Step<'a> = (&'a MappingSet, bool);

/// All chains of mapping sets from `from` to `to`, shortest first, at most [`MAX_HOPS`] long,
/// never visiting a catalog twice.
fn chains<'a>(
    mappings: &'a [MappingSet],
    from: &CatalogRef,
    to: &CatalogRef,
) -> Vec<Vec<Step<'a>>> {
    let mut found = Vec::new();
    let mut queue: VecDeque<(CatalogRef, Vec<Step<'a>>, Vec<CatalogRef>)> = VecDeque::new();
    queue.push_back((from.clone(), Vec::new(), vec![from.clone()]));
    while let Some((at, chain, visited)) = queue.pop_front() {
        if &at == to && !chain.is_empty() {
            found.push(chain);
            continue;
        }
        if chain.len() == MAX_HOPS {
            continue;
        }
        for set in mappings {
            for (reversed, start, end) in [
                (false, &set.source, &set.target),
                (true, &set.target, &set.source),
            ] {
                if start == &at && !visited.contains(end) {
                    let mut next_chain = chain.clone();
                    next_chain.push((set, reversed));
                    let mut next_visited = visited.clone();
                    next_visited.push(end.clone());
                    queue.push_back((end.clone(), next_chain, next_visited));
                }
            }
        }
    }
    found
}

fn requirement_ids_under(group: &Group, out: &mut Vec<String>) {
    out.extend(group.requirements.iter().map(|r| r.id.clone()));
    for child in &group.groups {
        requirement_ids_under(child, out);
    }
}

/// Carries `answers` (on `source`) to requirements of `target` through `mappings`.
///
/// Returns one [`InferredAnswer`] per target requirement reached, in the target's document
/// order, each listing every contributing source and the path it came by. Target ids that
/// `target` does not contain are skipped; use [`MappingSet::unresolved`] to report them.
pub fn infer_answers(
    source: &Catalog,
    answers: &[Answer],
    mappings: &[MappingSet],
    target: &Catalog,
) -> Vec<InferredAnswer> {
    let answer_status: HashMap<&str, AnswerStatus> = answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a.status))
        .collect();

    let requirement_ids = |catalog: &Catalog| -> HashSet<String> {
        catalog
            .requirements()
            .into_iter()
            .map(|(_, r)| r.id.clone())
            .collect()
    };
    let source_requirements = requirement_ids(source);
    let target_requirements = requirement_ids(target);

    // Status of a source-side item: an answered requirement, or a group's combined status.
    let source_status = |id: &str| -> Option<AnswerStatus> {
        if source_requirements.contains(id) {
            return answer_status.get(id).copied();
        }
        let group = source.find_group(id)?;
        let mut ids = Vec::new();
        requirement_ids_under(group, &mut ids);
        let statuses: Vec<AnswerStatus> = ids
            .iter()
            .map(|rid| {
                answer_status
                    .get(rid.as_str())
                    .copied()
                    .unwrap_or(AnswerStatus::Unknown)
            })
            .collect();
        Some(combine_group(&statuses))
    };

    // Target requirement id → contributions, keyed to keep document order later.
    let mut contributions: HashMap<String, Vec<InferenceSource>> = HashMap::new();
    let mut seen_paths: HashSet<(String, Vec<MappingHop>)> = HashSet::new();

    for chain in chains(mappings, &source.reference(), &target.reference()) {
        // Frontier: item id in the current catalog → partial contributions.
        let mut frontier: BTreeMap<String, Vec<InferenceSource>> = BTreeMap::new();
        let Some(&(first_set, first_reversed)) = chain.first() else {
            continue;
        };
        for entry in &first_set.entries {
            let from = if first_reversed {
                &entry.target
            } else {
                &entry.source
            };
            if frontier.contains_key(from) {
                continue;
            }
            if let Some(status) = source_status(from) {
                frontier.insert(
                    from.clone(),
                    vec![InferenceSource {
                        source_id: from.clone(),
                        source_status: status,
                        carried_status: status,
                        path: Vec::new(),
                    }],
                );
            }
        }
        for (set, reversed) in chain {
            let mut next: BTreeMap<String, Vec<InferenceSource>> = BTreeMap::new();
            for entry in &set.entries {
                let (from, to, relationship) = if reversed {
                    (&entry.target, &entry.source, entry.relationship.inverse())
                } else {
                    (&entry.source, &entry.target, entry.relationship)
                };
                let Some(incoming) = frontier.get(from) else {
                    continue;
                };
                for contribution in incoming {
                    let Some(carried) = relationship.carry(contribution.carried_status) else {
                        continue;
                    };
                    let mut path = contribution.path.clone();
                    path.push(MappingHop {
                        mapping_set: set.id.clone(),
                        reversed,
                        from: from.clone(),
                        to: to.clone(),
                        relationship,
                    });
                    next.entry(to.clone()).or_default().push(InferenceSource {
                        source_id: contribution.source_id.clone(),
                        source_status: contribution.source_status,
                        carried_status: carried,
                        path,
                    });
                }
            }
            frontier = next;
        }
        for (item, arrived) in frontier {
            let reached = if target_requirements.contains(&item) {
                vec![item.clone()]
            } else if let Some(group) = target.find_group(&item) {
                let mut ids = Vec::new();
                requirement_ids_under(group, &mut ids);
                ids
            } else {
                Vec::new()
            };
            for requirement_id in reached {
                for contribution in &arrived {
                    // The same path can be reached twice when one chain is a reordering of
                    // another; count each path once.
                    if seen_paths.insert((requirement_id.clone(), contribution.path.clone())) {
                        contributions
                            .entry(requirement_id.clone())
                            .or_default()
                            .push(contribution.clone());
                    }
                }
            }
        }
    }

    target
        .requirements()
        .into_iter()
        .filter_map(|(_, requirement)| {
            let sources = contributions.remove(&requirement.id)?;
            let carried: Vec<AnswerStatus> = sources.iter().map(|s| s.carried_status).collect();
            Some(InferredAnswer {
                requirement_id: requirement.id.clone(),
                status: combine_inferred(&carried)?,
                inferred: true,
                sources,
            })
        })
        .collect()
}

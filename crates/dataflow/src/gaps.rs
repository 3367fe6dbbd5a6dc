//! Gaps between two places (DMF step 2, "moving the same data between places with different
//! rules shows gaps").
//!
//! [`transfer_gaps`] lists what the *sending* place requires that the *receiving* place does
//! not give, for a datum with the given attributes. For each rule in force at the sender that
//! covers the datum's category:
//!
//! | sender rule | gap when |
//! |---|---|
//! | `adequacy_or_safeguards_for_transfer_out` | jurisdictions differ, no adequacy arrangement covers the direction, and the receiver adopts no `provides_transfer_safeguards` rule → **blocking** (transfer condition) |
//! | `data_localisation` | jurisdictions differ → **blocking** |
//! | `cross_border_disclosure_to_data_subject` | jurisdictions differ and no adequacy arrangement → **action needed** (inform the data subjects) |
//! | `breach_notification { hours }` | receiver has none covering the datum → **missing**; receiver's deadline is longer or unset while the sender's is fixed → **weaker** |
//! | `retention_limit { max_days }` | receiver has none → **missing**; receiver's limit is longer or unset while the sender's is fixed → **weaker** |
//! | any other protective rule (incl. the transfer-out rule itself, which then protects onward transfers) | receiver has no rule of the same kind covering the datum → **missing** |
//!
//! `provides_transfer_safeguards` is what a receiver gives, not a protection the data carries,
//! so it never produces a gap by itself.

use crate::attributes::Attributes;
use crate::places::{
    AdequacyArrangement, AdequacyMatch, EffectiveRule, Library, Place, Requirement,
};
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// How serious a gap is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapSeverity {
    /// The transfer may not happen as modelled.
    Blocking,
    /// The transfer may happen once something is done (e.g. inform data subjects).
    ActionNeeded,
    /// The receiver has a rule of the kind, but a weaker one.
    Weaker,
    /// The receiver has no rule of the kind: the protection does not travel with the data.
    Missing,
}

impl GapSeverity {
    pub fn id(self) -> &'static str {
        match self {
            GapSeverity::Blocking => "blocking",
            GapSeverity::ActionNeeded => "action_needed",
            GapSeverity::Weaker => "weaker",
            GapSeverity::Missing => "missing",
        }
    }
}

/// One thing the sending place requires that the receiving place does not give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    pub from_place: String,
    pub to_place: String,
    /// Id of the sender's rule.
    pub rule_id: String,
    /// Rule kind, e.g. `breach_notification`.
    pub requirement: String,
    pub severity: GapSeverity,
    pub explanation: Text,
}

/// What `from` requires that `to` does not give, for data with `attributes` (its category
/// decides which rules apply). `extra_adequacy` are flow-specific arrangements.
pub fn transfer_gaps(
    from: &Place,
    to: &Place,
    attributes: &Attributes,
    library: &Library,
    extra_adequacy: &[AdequacyArrangement],
) -> Vec<Gap> {
    let vocabulary = library.vocabulary();
    let category = attributes.category.as_deref();
    let from_rules: Vec<EffectiveRule<'_>> = library
        .effective_rules(from)
        .into_iter()
        .filter(|r| r.rule.applies_to.covers(category, vocabulary))
        .collect();
    let to_rules: Vec<EffectiveRule<'_>> = library
        .effective_rules(to)
        .into_iter()
        .filter(|r| r.rule.applies_to.covers(category, vocabulary))
        .collect();
    let from_j = library.jurisdiction(from);
    let to_j = library.jurisdiction(to);
    // Unknown jurisdiction on either side: treat as a border crossing without adequacy, the
    // cautious reading.
    let crosses_border = match (from_j, to_j) {
        (Some(a), Some(b)) => a != b,
        _ => true,
    };
    let adequacy = match (from_j, to_j) {
        (Some(a), Some(b)) => library.adequacy_between(a, b, extra_adequacy),
        _ => None,
    };
    let receiver_safeguards = to_rules
        .iter()
        .any(|r| matches!(r.rule.require, Requirement::ProvidesTransferSafeguards));
    let j = |j: Option<&str>| j.unwrap_or("?").to_string();
    let (fj, tj) = (j(from_j), j(to_j));

    let mut gaps = Vec::new();
    let mut push = |rule_id: &str, requirement: &Requirement, severity, explanation: Text| {
        gaps.push(Gap {
            from_place: from.id.clone(),
            to_place: to.id.clone(),
            rule_id: rule_id.to_string(),
            requirement: requirement.kind().to_string(),
            severity,
            explanation,
        });
    };
    for effective in &from_rules {
        let rule = effective.rule;
        let same_kind: Vec<&Requirement> = to_rules
            .iter()
            .map(|r| &r.rule.require)
            .filter(|r| r.kind() == rule.require.kind())
            .collect();
        match &rule.require {
            Requirement::ProvidesTransferSafeguards => {}
            Requirement::AdequacyOrSafeguardsForTransferOut => {
                if crosses_border && adequacy.is_none() && !receiver_safeguards {
                    push(
                        &rule.id,
                        &rule.require,
                        GapSeverity::Blocking,
                        Text::new(
                            format!(
                                "{fj} から {tj} への移転を認める十分性の取決めがなく、移転先に保護措置(契約条項等)もありません。同意の取得か保護措置の導入が必要です。"
                            ),
                            format!(
                                "No adequacy arrangement covers {fj} to {tj} and the receiving place adopts no transfer safeguards (e.g. contract clauses); obtain consent or put safeguards in place."
                            ),
                        ),
                    );
                }
                if same_kind.is_empty() {
                    push(
                        &rule.id,
                        &rule.require,
                        GapSeverity::Missing,
                        Text::new(
                            "移転先には国外移転の制限がないため、そこからの再移転が保護されません。",
                            "The receiving place does not restrict transfers out, so onward transfers from there are unprotected.",
                        ),
                    );
                }
            }
            Requirement::DataLocalisation => {
                if crosses_border {
                    push(
                        &rule.id,
                        &rule.require,
                        GapSeverity::Blocking,
                        Text::new(
                            format!("{fj} の規則はデータを域内に留めることを求めていますが、移転先は {tj} です。"),
                            format!("{fj}'s rules keep this data in the jurisdiction, but the receiver is in {tj}."),
                        ),
                    );
                }
            }
            Requirement::CrossBorderDisclosureToDataSubject => {
                if crosses_border && adequacy.is_none() {
                    push(
                        &rule.id,
                        &rule.require,
                        GapSeverity::ActionNeeded,
                        Text::new(
                            format!("{tj} への移転前に、移転先の国名・制度・移転先の措置を本人に情報提供する必要があります。"),
                            format!("Before the transfer to {tj}, the data subjects must be told the destination, its protection regime and the recipient's measures."),
                        ),
                    );
                }
            }
            Requirement::BreachNotification { hours } => {
                let best = same_kind
                    .iter()
                    .filter_map(|r| match r {
                        Requirement::BreachNotification { hours } => Some(*hours),
                        _ => None,
                    })
                    .min_by_key(|h| h.unwrap_or(u32::MAX));
                match (hours, best) {
                    (_, None) => push(
                        &rule.id,
                        &rule.require,
                        GapSeverity::Missing,
                        Text::new(
                            "移転先には漏えい等の通知義務がありません。契約で通知を義務づける必要があります。",
                            "The receiving place has no breach-notification duty; require notification by contract.",
                        ),
                    ),
                    (Some(limit), Some(other)) if other.is_none_or(|o| o > *limit) => push(
                        &rule.id,
                        &rule.require,
                        GapSeverity::Weaker,
                        Text::new(
                            format!(
                                "移転元は {limit} 時間以内の通知を求めますが、移転先の期限は{}です。",
                                other.map_or("定められていません".to_string(), |o| format!(" {o} 時間"))
                            ),
                            format!(
                                "The sender requires notification within {limit} hours; the receiver's deadline is {}.",
                                other.map_or("not fixed".to_string(), |o| format!("{o} hours"))
                            ),
                        ),
                    ),
                    _ => {}
                }
            }
            Requirement::RetentionLimit { max_days } => {
                let best = same_kind
                    .iter()
                    .filter_map(|r| match r {
                        Requirement::RetentionLimit { max_days } => Some(*max_days),
                        _ => None,
                    })
                    .min_by_key(|d| d.unwrap_or(u32::MAX));
                match (max_days, best) {
                    (_, None) => push(
                        &rule.id,
                        &rule.require,
                        GapSeverity::Missing,
                        Text::new(
                            "移転先には保存期間の制限がありません。",
                            "The receiving place sets no retention limit.",
                        ),
                    ),
                    (Some(limit), Some(other)) if other.is_none_or(|o| o > *limit) => push(
                        &rule.id,
                        &rule.require,
                        GapSeverity::Weaker,
                        Text::new(
                            format!(
                                "移転元の保存期間の上限は {limit} 日ですが、移転先は{}です。",
                                other.map_or("期間を定めていません".to_string(), |o| format!(" {o} 日"))
                            ),
                            format!(
                                "The sender keeps data at most {limit} days; the receiver's limit is {}.",
                                other.map_or("not fixed".to_string(), |o| format!("{o} days"))
                            ),
                        ),
                    ),
                    _ => {}
                }
            }
            other => {
                if same_kind.is_empty() {
                    push(
                        &rule.id,
                        other,
                        GapSeverity::Missing,
                        Text::new(
                            format!("移転先には同等の規則がありません: {}", rule.summary.ja),
                            format!(
                                "The receiving place has no equivalent rule: {}",
                                rule.summary.en
                            ),
                        ),
                    );
                }
            }
        }
    }
    // One gap per (rule, severity): the same rule adopted twice must not be listed twice.
    gaps.sort_by(|a, b| (a.severity, &a.rule_id).cmp(&(b.severity, &b.rule_id)));
    gaps.dedup_by(|a, b| a.rule_id == b.rule_id && a.severity == b.severity);
    gaps
}

/// Whether an adequacy arrangement (or the same jurisdiction) lets data go from `from` to `to`.
pub fn has_adequacy(
    from: &Place,
    to: &Place,
    library: &Library,
    extra_adequacy: &[AdequacyArrangement],
) -> bool {
    match (library.jurisdiction(from), library.jurisdiction(to)) {
        (Some(a), Some(b)) => matches!(
            library.adequacy_between(a, b, extra_adequacy),
            Some(AdequacyMatch::SameJurisdiction | AdequacyMatch::Arrangement(_))
        ),
        _ => false,
    }
}

/// The gaps on one edge of a flow that leaves a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeGaps {
    pub from_event: String,
    pub to_event: String,
    pub gaps: Vec<Gap>,
}

/// For every edge whose two events are in different places, the gaps for the datum as it
/// leaves the source event. Edges without gaps are left out. The flow must be valid.
pub fn flow_gaps(
    flow: &crate::model::DataFlow,
    library: &Library,
) -> Result<Vec<EdgeGaps>, crate::error::DataflowError> {
    let along = crate::attributes::attributes_along(flow, library)?;
    let states: std::collections::HashMap<&str, &Attributes> =
        along.iter().map(|s| (s.event.as_str(), &s.after)).collect();
    let graph = crate::model::FlowGraph::new(flow);
    let event = |id: &str| graph.index.get(id).map(|&i| &flow.events[i]);
    let mut out = Vec::new();
    for edge in &flow.edges {
        let (Some(from), Some(to)) = (event(&edge.from), event(&edge.to)) else {
            continue;
        };
        if from.place == to.place {
            continue;
        }
        let (Some(from_place), Some(to_place)) = (flow.place(&from.place), flow.place(&to.place))
        else {
            continue;
        };
        let Some(state) = states.get(from.id.as_str()) else {
            continue;
        };
        let gaps = transfer_gaps(from_place, to_place, state, library, &flow.adequacy);
        if !gaps.is_empty() {
            out.push(EdgeGaps {
                from_event: from.id.clone(),
                to_event: to.id.clone(),
                gaps,
            });
        }
    }
    Ok(out)
}

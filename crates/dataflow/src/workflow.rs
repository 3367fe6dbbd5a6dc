//! The DMF four-step workflow as data: which step is complete and what is missing.
//!
//! 1. **Event flow** — at least one event; every edge joins known events; holders known;
//!    the graph is a DAG, nothing follows a dispose event, only create/acquire starts a flow.
//! 2. **Places and rules** — every event's place is defined; every place has a jurisdiction
//!    and at least one rule in force (own or adopted); adopted rule sets exist.
//! 3. **Attributes** — every value is in the vocabulary and, after replaying the flow, every
//!    event's datum has category, privacy impact, value, disclosure scope, rights holders.
//! 4. **Risks** — the register holds every current suggestion and none is left `suggested`.
//!
//! Steps are judged independently; `current_step` is the first incomplete one (5 = all done).

use crate::attributes::attributes_along;
use crate::model::DataFlow;
use crate::places::Library;
use crate::risk::{suggest_risks, RiskStatus};
use crate::text::Text;
use crate::validate::{issues, FlowIssue};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// State of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepState {
    /// 1–4.
    pub step: u8,
    pub name: Text,
    /// What the step asks of the data steward.
    pub guidance: Text,
    pub complete: bool,
    /// What keeps the step from being complete, one line each.
    pub missing: Vec<String>,
}

/// State of the whole workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowState {
    pub steps: Vec<StepState>,
    /// First incomplete step, or 5 when all four are complete.
    pub current_step: u8,
}

/// Judges each of the four steps for `flow`.
pub fn workflow_state(flow: &DataFlow, library: &Library) -> WorkflowState {
    let found = issues(flow, library);
    let mut step1 = Vec::new();
    let mut step2 = Vec::new();
    let mut step3 = Vec::new();
    for issue in &found {
        let line = issue.to_string();
        match issue {
            FlowIssue::UnknownPlace { .. }
            | FlowIssue::UnknownRuleSet { .. }
            | FlowIssue::DuplicateRuleId { .. } => step2.push(line),
            FlowIssue::UnknownAttributeValue { .. } => step3.push(line),
            FlowIssue::EmptyId { at } | FlowIssue::DuplicateId { at, .. }
                if at.starts_with("places") =>
            {
                step2.push(line)
            }
            _ => step1.push(line),
        }
    }
    for place in &flow.places {
        if library.jurisdiction(place).is_none() {
            step2.push(format!(
                "place `{}` has no jurisdiction (set one or adopt a law); moves to or from it are treated as crossing a border",
                place.id
            ));
        }
        if library.effective_rules(place).is_empty() {
            step2.push(format!(
                "place `{}` has no rules (adopt a rule set or add rules)",
                place.id
            ));
        }
    }
    let mut step4 = Vec::new();
    if found.is_empty() {
        if let Ok(along) = attributes_along(flow, library) {
            for state in &along {
                let missing = state.after.missing();
                if !missing.is_empty() {
                    step3.push(format!(
                        "event `{}`: {} not set",
                        state.event,
                        missing.join(", ")
                    ));
                }
            }
        }
        match suggest_risks(flow, library) {
            Ok(suggested) => {
                let in_register: BTreeSet<&str> =
                    flow.risks.iter().map(|r| r.id.as_str()).collect();
                let not_in: Vec<&str> = suggested
                    .iter()
                    .map(|r| r.id.as_str())
                    .filter(|id| !in_register.contains(id))
                    .collect();
                if !not_in.is_empty() {
                    step4.push(format!(
                        "{} suggested risk(s) not yet in the register: {}",
                        not_in.len(),
                        not_in.join(", ")
                    ));
                }
            }
            Err(e) => step4.push(e.to_string()),
        }
    } else {
        step4.push("earlier steps have errors".to_string());
    }
    let unreviewed: Vec<&str> = flow
        .risks
        .iter()
        .filter(|r| r.status == RiskStatus::Suggested)
        .map(|r| r.id.as_str())
        .collect();
    if !unreviewed.is_empty() {
        step4.push(format!(
            "{} risk(s) not reviewed: {}",
            unreviewed.len(),
            unreviewed.join(", ")
        ));
    }
    if !step3.is_empty() && step4.is_empty() {
        step4.push("attributes are incomplete".to_string());
    }
    let names = [
        Text::new("イベントの流れの可視化", "Visualise the event flow"),
        Text::new("場と保護規則の整理", "Organise places and their rules"),
        Text::new("属性の具体化", "Make attributes concrete"),
        Text::new("イベントごとのリスク洗い出し", "List risks per event"),
    ];
    let guidance = [
        Text::new(
            "データが生まれてから廃棄されるまでのイベント(生成・取得、加工、統合、移転・提供、保管、廃棄)と、その順序を描く。",
            "Draw the events from creation to disposal (create/acquire, process, integrate, transfer/provide, store, dispose) and their order.",
        ),
        Text::new(
            "各イベントが起きる場(国・地域の法、契約、社内規程)と、そこで効いている保護規則を整理する。",
            "For each event, name the place it happens in (law of a country or region, contract, internal rules) and the protective rules in force there.",
        ),
        Text::new(
            "各イベントでのデータの属性(区分、プライバシー影響度、価値、開示範囲、権利者、保有者)を具体的に決める。",
            "Make the datum's attributes concrete at each event: category, privacy impact, value, disclosure scope, rights holders, holder.",
        ),
        Text::new(
            "イベントごとに機密性・完全性・可用性・法令遵守の観点でリスクを洗い出し、提案を採用・編集・却下する。",
            "List the risks per event under confidentiality, integrity, availability and legal compliance; accept, edit or reject each suggestion.",
        ),
    ];
    let steps: Vec<StepState> = [step1, step2, step3, step4]
        .into_iter()
        .zip(names.into_iter().zip(guidance))
        .enumerate()
        .map(|(i, (missing, (name, guidance)))| StepState {
            step: u8::try_from(i + 1).unwrap_or(u8::MAX),
            name,
            guidance,
            complete: missing.is_empty(),
            missing,
        })
        .collect();
    let current_step = steps.iter().find(|s| !s.complete).map_or(5, |s| s.step);
    WorkflowState {
        steps,
        current_step,
    }
}

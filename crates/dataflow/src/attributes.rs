//! A datum's attributes and how they change along a flow (DMF step 3).
//!
//! [`attributes_along`] walks the events in flow order ([`topological_order`]). The state
//! entering an event is its single input's state, or the merge of its inputs' states; the
//! event's [`AttributeChanges`] are then applied, and the holder becomes the event's holder.
//! A create/acquire event with no input starts from an empty state.
//!
//! **Merge (integrate, or any event with several inputs)**: category, privacy impact and value
//! take the highest rank among the inputs (combining data is at least as sensitive and as
//! valuable as its most sensitive part); disclosure scope takes the narrowest (merged data may
//! only go as far as its most restricted input allows); rights holders are the union.

use crate::error::DataflowError;
use crate::model::{AttributeChanges, DataFlow, FlowGraph};
use crate::places::Library;
use crate::validate::{topological_order, validate};
use crate::vocabulary::{Scale, Vocabulary};
use serde::{Deserialize, Serialize};

/// The attributes of the datum at one point of the flow. `None` = not yet made concrete.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Attributes {
    pub category: Option<String>,
    pub privacy_impact: Option<String>,
    pub value: Option<String>,
    pub disclosure_scope: Option<String>,
    pub rights_holders: Vec<String>,
    /// Holder id.
    pub holder: Option<String>,
}

impl Attributes {
    /// Names of the attributes still unset (for workflow step 3).
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.category.is_none() {
            missing.push("category");
        }
        if self.privacy_impact.is_none() {
            missing.push("privacy_impact");
        }
        if self.value.is_none() {
            missing.push("value");
        }
        if self.disclosure_scope.is_none() {
            missing.push("disclosure_scope");
        }
        if self.rights_holders.is_empty() {
            missing.push("rights_holders");
        }
        if self.holder.is_none() {
            missing.push("holder");
        }
        missing
    }

    /// Applies one event's changes.
    pub fn apply(&mut self, changes: &AttributeChanges) {
        let set = |slot: &mut Option<String>, new: &Option<String>| {
            if let Some(v) = new {
                *slot = Some(v.clone());
            }
        };
        set(&mut self.category, &changes.category);
        set(&mut self.privacy_impact, &changes.privacy_impact);
        set(&mut self.value, &changes.value);
        set(&mut self.disclosure_scope, &changes.disclosure_scope);
        if let Some(list) = &changes.rights_holders {
            self.rights_holders.clear();
            push_unique(&mut self.rights_holders, list);
        }
        push_unique(&mut self.rights_holders, &changes.add_rights_holders);
    }
}

fn push_unique(into: &mut Vec<String>, items: &[String]) {
    for item in items {
        if !into.contains(item) {
            into.push(item.clone());
        }
    }
}

/// Merges several input states (see the module docs for the rule). The holder is left
/// unset: the merging event decides it.
pub fn merge(inputs: &[&Attributes], vocabulary: &Vocabulary) -> Attributes {
    let pick = |scale: Scale, get: fn(&Attributes) -> &Option<String>, highest: bool| {
        inputs
            .iter()
            .filter_map(|a| get(a).as_ref())
            .filter_map(|id| vocabulary.rank(scale, id).map(|rank| (rank, id)))
            .reduce(|best, next| {
                let better = if highest {
                    next.0 > best.0
                } else {
                    next.0 < best.0
                };
                if better {
                    next
                } else {
                    best
                }
            })
            .map(|(_, id)| id.clone())
    };
    let mut rights_holders = Vec::new();
    for input in inputs {
        push_unique(&mut rights_holders, &input.rights_holders);
    }
    Attributes {
        category: pick(Scale::Category, |a| &a.category, true),
        privacy_impact: pick(Scale::PrivacyImpact, |a| &a.privacy_impact, true),
        value: pick(Scale::Value, |a| &a.value, true),
        disclosure_scope: pick(Scale::DisclosureScope, |a| &a.disclosure_scope, false),
        rights_holders,
        holder: None,
    }
}

/// The attribute state around one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAttributes {
    pub event: String,
    /// Ids of the input events.
    pub inputs: Vec<String>,
    /// State entering the event (merged when it has several inputs).
    pub before: Attributes,
    /// State after the event's changes.
    pub after: Attributes,
}

/// Per-event attribute states in flow order. The flow is validated first.
pub fn attributes_along(
    flow: &DataFlow,
    library: &Library,
) -> Result<Vec<EventAttributes>, DataflowError> {
    validate(flow, library)?;
    let order = topological_order(flow).map_err(|path| DataflowError::InvalidFlow {
        flow: flow.id.clone(),
        issues: vec![crate::validate::FlowIssue::Cycle {
            path,
            through_dispose: None,
        }],
    })?;
    let vocabulary = library.vocabulary();
    let graph = FlowGraph::new(flow);
    let mut after_by_index: Vec<Option<Attributes>> = vec![None; flow.events.len()];
    let mut out = Vec::with_capacity(order.len());
    for i in order {
        let event = &flow.events[i];
        let inputs: Vec<String> = graph.preds[i]
            .iter()
            .map(|&j| flow.events[j].id.clone())
            .collect();
        let input_states: Vec<&Attributes> = graph.preds[i]
            .iter()
            .filter_map(|&j| after_by_index[j].as_ref())
            .collect();
        let before = match input_states.as_slice() {
            [] => Attributes::default(),
            [single] => (*single).clone(),
            many => {
                let mut merged = merge(many, vocabulary);
                // Every input had a holder; the merged datum is held by whoever merges it,
                // but "before" shows who handed it over when they agree.
                let first = many[0].holder.clone();
                if many.iter().all(|a| a.holder == first) {
                    merged.holder = first;
                }
                merged
            }
        };
        let mut after = before.clone();
        after.apply(&event.changes);
        after.holder = Some(event.holder.clone());
        after_by_index[i] = Some(after.clone());
        out.push(EventAttributes {
            event: event.id.clone(),
            inputs,
            before,
            after,
        });
    }
    Ok(out)
}

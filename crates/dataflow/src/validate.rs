//! Validation of a [`DataFlow`] against a [`Library`]. All problems are collected, not just
//! the first, and each names the event, edge or place and the field.
//!
//! Checked: unique non-empty ids; every event's place, holder, attribute values and
//! safeguards are known; adopted rule sets exist; every edge joins two known, distinct events;
//! nothing follows a dispose event; the graph is a DAG (a cycle is reported with its path, and
//! whether it runs through a dispose event); only create/acquire events may start the flow;
//! an integrate event has at least two inputs.

use crate::error::DataflowError;
use crate::model::{DataFlow, EventKind};
use crate::places::Library;
use crate::vocabulary::{Scale, Vocabulary};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::fmt;

/// One problem in a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "issue", rename_all = "snake_case")]
pub enum FlowIssue {
    EmptyId {
        /// `events[2]`, `places[0]` …
        at: String,
    },
    DuplicateId {
        at: String,
        id: String,
    },
    NoEvents,
    UnknownPlace {
        event: String,
        place: String,
    },
    UnknownHolder {
        event: String,
        holder: String,
    },
    UnknownAttributeValue {
        event: String,
        field: String,
        value: String,
        expected: String,
    },
    UnknownRuleSet {
        place: String,
        rule_set: String,
    },
    DuplicateRuleId {
        place: String,
        rule: String,
    },
    EdgeToUnknownEvent {
        edge: usize,
        /// `from` or `to`.
        field: String,
        event: String,
    },
    SelfLoop {
        edge: usize,
        event: String,
    },
    DuplicateEdge {
        edge: usize,
        from: String,
        to: String,
    },
    EdgeAfterDispose {
        edge: usize,
        dispose_event: String,
        to: String,
    },
    Cycle {
        path: Vec<String>,
        through_dispose: Option<String>,
    },
    NoSource {
        event: String,
        kind: EventKind,
    },
    IntegrateWithoutInputs {
        event: String,
        inputs: usize,
    },
}

impl fmt::Display for FlowIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlowIssue::EmptyId { at } => write!(f, "{at}.id is empty"),
            FlowIssue::DuplicateId { at, id } => write!(f, "{at}.id `{id}` is used twice"),
            FlowIssue::NoEvents => write!(f, "events: the flow has no events"),
            FlowIssue::UnknownPlace { event, place } => {
                write!(f, "event `{event}` field `place`: no place `{place}` is defined")
            }
            FlowIssue::UnknownHolder { event, holder } => {
                write!(f, "event `{event}` field `holder`: no holder `{holder}` is defined")
            }
            FlowIssue::UnknownAttributeValue {
                event,
                field,
                value,
                expected,
            } => write!(
                f,
                "event `{event}` field `{field}`: unknown value `{value}` (expected one of: {expected})"
            ),
            FlowIssue::UnknownRuleSet { place, rule_set } => write!(
                f,
                "place `{place}` field `adopts`: no rule set `{rule_set}` in the library"
            ),
            FlowIssue::DuplicateRuleId { place, rule } => {
                write!(f, "place `{place}` field `rules`: rule id `{rule}` is used twice")
            }
            FlowIssue::EdgeToUnknownEvent { edge, field, event } => write!(
                f,
                "edges[{edge}] field `{field}`: no event `{event}` is defined"
            ),
            FlowIssue::SelfLoop { edge, event } => {
                write!(f, "edges[{edge}]: event `{event}` points to itself")
            }
            FlowIssue::DuplicateEdge { edge, from, to } => {
                write!(f, "edges[{edge}]: edge `{from}` -> `{to}` is listed twice")
            }
            FlowIssue::EdgeAfterDispose {
                edge,
                dispose_event,
                to,
            } => write!(
                f,
                "edges[{edge}] field `from`: `{dispose_event}` is a dispose event, nothing may follow it (edge to `{to}`)"
            ),
            FlowIssue::Cycle {
                path,
                through_dispose,
            } => {
                write!(f, "edges: cycle {}", path.join(" -> "))?;
                if let Some(d) = through_dispose {
                    write!(f, " passes through dispose event `{d}`")?;
                }
                write!(f, "; a data flow must be acyclic")
            }
            FlowIssue::NoSource { event, kind } => write!(
                f,
                "event `{event}` ({}) has no incoming edge; only create_acquire events may start a flow",
                kind.id()
            ),
            FlowIssue::IntegrateWithoutInputs { event, inputs } => write!(
                f,
                "event `{event}` (integrate) has {inputs} input(s); integrate merges two or more"
            ),
        }
    }
}

/// All problems of `flow`; empty when it is valid.
pub fn issues(flow: &DataFlow, library: &Library) -> Vec<FlowIssue> {
    let vocabulary = library.vocabulary();
    let mut out = Vec::new();
    check_ids(flow, &mut out);
    if flow.events.is_empty() {
        out.push(FlowIssue::NoEvents);
    }
    for place in &flow.places {
        for set in &place.adopts {
            if library.rule_set(set).is_none() {
                out.push(FlowIssue::UnknownRuleSet {
                    place: place.id.clone(),
                    rule_set: set.clone(),
                });
            }
        }
        let mut rule_ids = BTreeSet::new();
        for rule in &place.rules {
            if !rule_ids.insert(rule.id.as_str()) {
                out.push(FlowIssue::DuplicateRuleId {
                    place: place.id.clone(),
                    rule: rule.id.clone(),
                });
            }
        }
    }
    for event in &flow.events {
        if flow.place(&event.place).is_none() {
            out.push(FlowIssue::UnknownPlace {
                event: event.id.clone(),
                place: event.place.clone(),
            });
        }
        if flow.holder(&event.holder).is_none() {
            out.push(FlowIssue::UnknownHolder {
                event: event.id.clone(),
                holder: event.holder.clone(),
            });
        }
        check_values(event, vocabulary, &mut out);
    }
    check_edges(flow, &mut out);
    out
}

/// `Ok` when the flow is valid, else [`DataflowError::InvalidFlow`] with every issue.
pub fn validate(flow: &DataFlow, library: &Library) -> Result<(), DataflowError> {
    let found = issues(flow, library);
    if found.is_empty() {
        Ok(())
    } else {
        Err(DataflowError::InvalidFlow {
            flow: flow.id.clone(),
            issues: found,
        })
    }
}

fn check_ids(flow: &DataFlow, out: &mut Vec<FlowIssue>) {
    let groups: [(&str, Vec<&str>); 3] = [
        (
            "events",
            flow.events.iter().map(|e| e.id.as_str()).collect(),
        ),
        (
            "places",
            flow.places.iter().map(|p| p.id.as_str()).collect(),
        ),
        (
            "holders",
            flow.holders.iter().map(|h| h.id.as_str()).collect(),
        ),
    ];
    for (group, ids) in groups {
        let mut seen = BTreeSet::new();
        for (i, id) in ids.iter().enumerate() {
            let at = format!("{group}[{i}]");
            if id.trim().is_empty() {
                out.push(FlowIssue::EmptyId { at });
            } else if !seen.insert(*id) {
                out.push(FlowIssue::DuplicateId {
                    at,
                    id: id.to_string(),
                });
            }
        }
    }
}

fn check_values(event: &crate::model::Event, vocabulary: &Vocabulary, out: &mut Vec<FlowIssue>) {
    let changes = &event.changes;
    let fields = [
        (Scale::Category, &changes.category),
        (Scale::PrivacyImpact, &changes.privacy_impact),
        (Scale::Value, &changes.value),
        (Scale::DisclosureScope, &changes.disclosure_scope),
    ];
    for (scale, value) in fields {
        if let Some(value) = value {
            if !vocabulary.contains(scale, value) {
                out.push(FlowIssue::UnknownAttributeValue {
                    event: event.id.clone(),
                    field: format!("changes.{}", scale.field()),
                    value: value.clone(),
                    expected: vocabulary.known(scale),
                });
            }
        }
    }
    for safeguard in &event.safeguards {
        if !vocabulary.contains(Scale::Safeguard, safeguard) {
            out.push(FlowIssue::UnknownAttributeValue {
                event: event.id.clone(),
                field: "safeguards".into(),
                value: safeguard.clone(),
                expected: vocabulary.known(Scale::Safeguard),
            });
        }
    }
}

fn check_edges(flow: &DataFlow, out: &mut Vec<FlowIssue>) {
    let index: BTreeMap<&str, usize> = flow
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut seen = BTreeSet::new();
    let mut graph_ok = true;
    for (i, edge) in flow.edges.iter().enumerate() {
        let mut known = true;
        for (field, id) in [("from", &edge.from), ("to", &edge.to)] {
            if !index.contains_key(id.as_str()) {
                out.push(FlowIssue::EdgeToUnknownEvent {
                    edge: i,
                    field: field.into(),
                    event: id.clone(),
                });
                known = false;
            }
        }
        if !known {
            graph_ok = false;
            continue;
        }
        if edge.from == edge.to {
            out.push(FlowIssue::SelfLoop {
                edge: i,
                event: edge.from.clone(),
            });
            graph_ok = false;
            continue;
        }
        if !seen.insert((edge.from.as_str(), edge.to.as_str())) {
            out.push(FlowIssue::DuplicateEdge {
                edge: i,
                from: edge.from.clone(),
                to: edge.to.clone(),
            });
        }
        if index
            .get(edge.from.as_str())
            .is_some_and(|&i| flow.events[i].kind == EventKind::Dispose)
        {
            out.push(FlowIssue::EdgeAfterDispose {
                edge: i,
                dispose_event: edge.from.clone(),
                to: edge.to.clone(),
            });
        }
    }
    let graph = crate::model::FlowGraph::new(flow);
    for (i, event) in flow.events.iter().enumerate() {
        let inputs = graph.preds[i].len();
        if inputs == 0 && event.kind != EventKind::CreateAcquire {
            out.push(FlowIssue::NoSource {
                event: event.id.clone(),
                kind: event.kind,
            });
        }
        if event.kind == EventKind::Integrate && inputs < 2 {
            out.push(FlowIssue::IntegrateWithoutInputs {
                event: event.id.clone(),
                inputs,
            });
        }
    }
    if graph_ok {
        if let Err(path) = topological_order(flow) {
            let through_dispose = path
                .iter()
                .find(|id| flow.event(id).is_some_and(|e| e.kind == EventKind::Dispose))
                .cloned();
            out.push(FlowIssue::Cycle {
                path,
                through_dispose,
            });
        }
    }
}

/// Event indices in flow order: every event after all its inputs; among events that are
/// ready at the same time, the one declared first goes first (so the order is stable and
/// matches how the author wrote the file). Edges naming unknown events are ignored.
///
/// `Err` carries one cycle as a closed path of event ids (first id repeated at the end).
pub fn topological_order(flow: &DataFlow) -> Result<Vec<usize>, Vec<String>> {
    let index: BTreeMap<&str, usize> = flow
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let n = flow.events.len();
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for edge in &flow.edges {
        if let (Some(&from), Some(&to)) =
            (index.get(edge.from.as_str()), index.get(edge.to.as_str()))
        {
            successors[from].push(to);
            indegree[to] += 1;
        }
    }
    // Min-heap on declaration index via Reverse.
    let mut ready: BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&i| indegree[i] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(i)) = ready.pop() {
        order.push(i);
        for &next in &successors[i] {
            indegree[next] -= 1;
            if indegree[next] == 0 {
                ready.push(std::cmp::Reverse(next));
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Every node left has an incoming edge from another node left, so walking backwards
    // along those edges from any of them must revisit a node: that closes a cycle.
    let left: BTreeSet<usize> = (0..n).filter(|&i| indegree[i] > 0).collect();
    let mut predecessor_in_left = vec![usize::MAX; n];
    for (from, nexts) in successors.iter().enumerate() {
        if left.contains(&from) {
            for &to in nexts {
                if left.contains(&to) && predecessor_in_left[to] == usize::MAX {
                    predecessor_in_left[to] = from;
                }
            }
        }
    }
    let Some(&start) = left.iter().next() else {
        return Err(Vec::new());
    };
    let mut seen_at: BTreeMap<usize, usize> = BTreeMap::new();
    let mut walk = Vec::new();
    let mut current = start;
    while !seen_at.contains_key(&current) && current != usize::MAX {
        seen_at.insert(current, walk.len());
        walk.push(current);
        current = predecessor_in_left[current];
    }
    let begin = seen_at.get(&current).copied().unwrap_or(0);
    let mut cycle: Vec<usize> = walk[begin..].to_vec();
    cycle.reverse(); // walked backwards; present in flow direction
    if let Some(&first) = cycle.first() {
        cycle.push(first);
    }
    Err(cycle
        .into_iter()
        .map(|i| flow.events[i].id.clone())
        .collect())
}

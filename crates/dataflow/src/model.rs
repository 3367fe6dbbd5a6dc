//! The layer-3 data-flow model (Data Management Framework step 1–3 inputs).
//!
//! A [`DataFlow`] follows one data set through [`Event`]s. Each event happens in a [`Place`]
//! (the set of rules in force there: a law, a contract, internal rules) and is carried out by a
//! [`Holder`] (an organisation). Directed [`Edge`]s say which event feeds which; the graph must
//! be a DAG and nothing may follow a dispose event. Events record how they change the datum's
//! attributes ([`AttributeChanges`]); [`crate::attributes::attributes_along`] replays them.
//!
//! Field names are the stable serde names the server stores and the YAML format uses.

use crate::places::{AdequacyArrangement, Place};
use crate::risk::Risk;
use serde::{Deserialize, Serialize};

/// One data set's journey through events and places.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFlow {
    pub id: String,
    pub name: String,
    pub data_set: DataSet,
    pub places: Vec<Place>,
    pub holders: Vec<Holder>,
    pub events: Vec<Event>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Adequacy arrangements known to this flow in addition to the library's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adequacy: Vec<AdequacyArrangement>,
    /// The reviewed risk register (step 4). Suggestions are merged into it with
    /// [`crate::risk::merge_review`] so that reviews survive re-analysis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risks: Vec<Risk>,
}

/// The data set the flow follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSet {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// How an organisation stands to the flow's owner; drives the third-party provision and
/// outsourcing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolderRelation {
    /// The organisation that owns the flow.
    Own,
    /// A company of the same group (a subsidiary, the parent).
    GroupCompany,
    /// A processor acting on the owner's instructions under contract (委託先).
    Contractor,
    /// An independent third party receiving the data for its own purposes (第三者).
    ThirdParty,
}

/// An organisation that holds the data at some event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    pub id: String,
    pub name: String,
    pub relation: HolderRelation,
}

/// The five DMF event kinds plus `integrate` (merging several inputs into one datum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    CreateAcquire,
    Process,
    Integrate,
    TransferProvide,
    Store,
    Dispose,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::CreateAcquire,
        EventKind::Process,
        EventKind::Integrate,
        EventKind::TransferProvide,
        EventKind::Store,
        EventKind::Dispose,
    ];

    /// Stable id as used in YAML.
    pub fn id(self) -> &'static str {
        match self {
            EventKind::CreateAcquire => "create_acquire",
            EventKind::Process => "process",
            EventKind::Integrate => "integrate",
            EventKind::TransferProvide => "transfer_provide",
            EventKind::Store => "store",
            EventKind::Dispose => "dispose",
        }
    }

    pub fn label(self) -> crate::text::Text {
        use crate::text::Text;
        match self {
            EventKind::CreateAcquire => Text::new("生成・取得", "Create / acquire"),
            EventKind::Process => Text::new("加工・利用", "Process"),
            EventKind::Integrate => Text::new("統合", "Integrate"),
            EventKind::TransferProvide => Text::new("移転・提供", "Transfer / provide"),
            EventKind::Store => Text::new("保管", "Store"),
            EventKind::Dispose => Text::new("廃棄", "Dispose"),
        }
    }
}

/// One step in the data's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub kind: EventKind,
    /// Id of the [`Holder`] carrying out the event; after it, that holder holds the datum.
    pub holder: String,
    /// Id of the [`Place`] whose rules are in force.
    pub place: String,
    #[serde(default)]
    pub description: String,
    /// Attribute values this event sets (step 3).
    #[serde(default, skip_serializing_if = "AttributeChanges::is_empty")]
    pub changes: AttributeChanges,
    /// Purpose of use, where the event acquires or repurposes data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// How the event is carried out; for a dispose event, the disposal method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// For store events: how long the data is kept, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Safeguards in place at this event (ids from the vocabulary's `safeguards`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub safeguards: Vec<String>,
}

impl Event {
    pub fn has_safeguard(&self, id: &str) -> bool {
        self.safeguards.iter().any(|s| s == id)
    }
}

/// "The datum leaves event `from` and next goes through event `to`."
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    pub from: String,
    pub to: String,
}

/// Attribute values an event sets. Unset fields keep the incoming value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_impact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure_scope: Option<String>,
    /// Replaces the rights holders (e.g. at creation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights_holders: Option<Vec<String>>,
    /// Adds rights holders (e.g. a processor that gains rights in derived data).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_rights_holders: Vec<String>,
}

impl AttributeChanges {
    pub fn is_empty(&self) -> bool {
        self == &AttributeChanges::default()
    }
}

impl DataFlow {
    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    pub fn place(&self, id: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.id == id)
    }

    pub fn holder(&self, id: &str) -> Option<&Holder> {
        self.holders.iter().find(|h| h.id == id)
    }

    /// Ids of the events feeding `id`, in edge order.
    pub fn predecessors(&self, id: &str) -> Vec<&str> {
        self.edges
            .iter()
            .filter(|e| e.to == id)
            .map(|e| e.from.as_str())
            .collect()
    }

    /// Ids of the events `id` feeds, in edge order.
    pub fn successors(&self, id: &str) -> Vec<&str> {
        self.edges
            .iter()
            .filter(|e| e.from == id)
            .map(|e| e.to.as_str())
            .collect()
    }
}

/// Index of a flow's graph, built once so analyses stay linear in the number of edges.
/// Edges naming unknown events are left out.
#[derive(Debug, Clone)]
pub struct FlowGraph<'a> {
    pub index: std::collections::HashMap<&'a str, usize>,
    /// Input event indices per event, in edge order.
    pub preds: Vec<Vec<usize>>,
    /// Output event indices per event, in edge order.
    pub succs: Vec<Vec<usize>>,
}

impl<'a> FlowGraph<'a> {
    pub fn new(flow: &'a DataFlow) -> Self {
        let index: std::collections::HashMap<&str, usize> = flow
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        let n = flow.events.len();
        let mut preds = vec![Vec::new(); n];
        let mut succs = vec![Vec::new(); n];
        for edge in &flow.edges {
            if let (Some(&from), Some(&to)) =
                (index.get(edge.from.as_str()), index.get(edge.to.as_str()))
            {
                preds[to].push(from);
                succs[from].push(to);
            }
        }
        FlowGraph {
            index,
            preds,
            succs,
        }
    }

    /// Indices of every event upstream of `i`, nearest first (breadth-first).
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut seen = vec![false; self.preds.len()];
        let mut queue: std::collections::VecDeque<usize> = self.preds[i].iter().copied().collect();
        let mut out = Vec::new();
        while let Some(next) = queue.pop_front() {
            if std::mem::replace(&mut seen[next], true) {
                continue;
            }
            out.push(next);
            queue.extend(self.preds[next].iter().copied());
        }
        out
    }
}

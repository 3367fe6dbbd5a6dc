//! Layer 3 and layer 2 of CPSF as pure logic: data flows under the Data Management Framework
//! and device categories under the IoT Security-Safety Framework (IoT-SSF).
//!
//! **Layer 3 — data management.** A [`DataFlow`] follows one data set through
//! events (create/acquire, process, integrate, transfer/provide, store, dispose) that happen in
//! places (the rules in force: a law, a contract, internal rules). The four DMF steps map to
//! modules: the event graph and its validation ([`model`], [`mod@validate`]); places, rule sets and
//! adequacy arrangements ([`places`], with the gap logic in [`gaps`]); the datum's attributes
//! along the flow ([`attributes`]); and risk suggestions per event under confidentiality,
//! integrity, availability and legal compliance ([`risk`]). [`workflow`] says which step is
//! done. [`io`] reads and writes YAML/JSON and exports XLSX; [`svg`] draws the flow as
//! swim-lanes.
//!
//! **Layer 2 — IoT-SSF.** [`iot`] categorises a device *use* by incident severity on axes that
//! are data (a default scheme ships as YAML, our reading of the framework), gives each category
//! its requirement viewpoints per lifecycle phase, and draws the severity chart.
//!
//! [`demo`] builds a worked example (a retailer's POS data crossing borders, a smart-home device
//! and a factory controller) from YAML embedded in the crate.
//!
//! Nothing here does I/O beyond parsing the strings it is given; the server persists and serves.

pub mod attributes;
pub mod demo;
pub mod error;
pub mod gaps;
pub mod io;
pub mod iot;
pub mod model;
pub mod places;
pub mod risk;
pub mod svg;
pub mod text;
pub mod validate;
pub mod vocabulary;
pub mod workflow;

pub use attributes::{attributes_along, Attributes, EventAttributes};
pub use error::{DataflowError, SourceLocation};
pub use gaps::{flow_gaps, transfer_gaps, EdgeGaps, Gap, GapSeverity};
pub use iot::{
    categorise, categorise_rating, device_requirements, Categorisation, Device, DeviceRequirements,
    Scheme,
};
pub use model::{
    AttributeChanges, DataFlow, DataSet, Edge, Event, EventKind, Holder, HolderRelation,
};
pub use places::{
    AdequacyArrangement, Applicability, Library, Place, PlaceKind, Requirement, Rule, RuleSet,
};
pub use risk::{merge_review, suggest_risks, Risk, RiskDimension, RiskStatus};
pub use text::Text;
pub use validate::{validate, FlowIssue};
pub use vocabulary::Vocabulary;
pub use workflow::{workflow_state, WorkflowState};

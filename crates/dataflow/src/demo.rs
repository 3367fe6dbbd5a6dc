//! A worked example built from YAML embedded in the crate (`data/demo-retail.yaml`,
//! `data/demo-devices.yaml`): a retailer's POS and EC sales data going from stores in Japan
//! and an EU EC site through head office to a US subsidiary, and five IoT device uses
//! (the same hub at home and in a care home, the same controller on a press line and in a
//! training lab, a POS terminal).
//!
//! The demo runs all four DMF steps and the IoT-SSF categorisation, so the server and CLI can
//! show a populated workspace on first start.

use crate::attributes::{attributes_along, EventAttributes};
use crate::error::DataflowError;
use crate::gaps::{flow_gaps, EdgeGaps};
use crate::io::{flow_from_yaml, from_yaml_str};
use crate::iot::{device_requirements, DeviceInventory, DeviceRequirements, Scheme};
use crate::model::DataFlow;
use crate::places::Library;
use crate::risk::{suggest_risks, Risk};
use crate::svg::{flow_svg, severity_chart_svg};
use crate::workflow::{workflow_state, WorkflowState};

/// The demo flow as shipped (YAML).
pub const DEMO_FLOW_YAML: &str = include_str!("../data/demo-retail.yaml");
/// The demo devices as shipped (YAML).
pub const DEMO_DEVICES_YAML: &str = include_str!("../data/demo-devices.yaml");

/// Everything the demo produces.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoWorkspace {
    pub library: Library,
    pub flow: DataFlow,
    /// Step 3: attributes per event in flow order.
    pub attributes: Vec<EventAttributes>,
    /// Step 4: suggested risks.
    pub risks: Vec<Risk>,
    /// Gaps on every edge that leaves a place.
    pub gaps: Vec<EdgeGaps>,
    /// Workflow state of the flow as shipped (risks not yet reviewed).
    pub workflow: WorkflowState,
    pub scheme: Scheme,
    pub devices: DeviceInventory,
    /// Category and inherited viewpoints per device, in inventory order.
    pub device_requirements: Vec<DeviceRequirements>,
}

impl DemoWorkspace {
    /// The flow as swim-lanes with the suggested risks counted.
    pub fn flow_svg(&self, lang: &str) -> Result<String, DataflowError> {
        flow_svg(&self.flow, &self.library, &self.risks, lang)
    }

    /// The severity chart of the demo devices.
    pub fn severity_chart_svg(&self, lang: &str) -> Result<String, DataflowError> {
        severity_chart_svg(&self.scheme, &self.devices.devices, &self.devices.met, lang)
    }
}

/// Builds the demo workspace; fails only if the embedded data is broken.
pub fn try_demo() -> Result<DemoWorkspace, DataflowError> {
    let library = Library::builtin()?;
    let flow = flow_from_yaml(DEMO_FLOW_YAML, "<demo-retail.yaml>")?;
    let attributes = attributes_along(&flow, &library)?;
    let risks = suggest_risks(&flow, &library)?;
    let gaps = flow_gaps(&flow, &library)?;
    let workflow = workflow_state(&flow, &library);
    let scheme = Scheme::builtin()?;
    let devices: DeviceInventory = from_yaml_str(DEMO_DEVICES_YAML, "<demo-devices.yaml>")?;
    let device_requirements = devices
        .devices
        .iter()
        .map(|d| device_requirements(d, &scheme))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DemoWorkspace {
        library,
        flow,
        attributes,
        risks,
        gaps,
        workflow,
        scheme,
        devices,
        device_requirements,
    })
}

/// The demo workspace.
///
/// # Panics
/// Only if the YAML embedded in this crate is broken, which the crate's tests rule out; use
/// [`try_demo`] to get the error instead.
pub fn demo() -> DemoWorkspace {
    match try_demo() {
        Ok(workspace) => workspace,
        Err(e) => panic!("embedded demo data is broken: {e}"),
    }
}

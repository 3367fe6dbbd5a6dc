//! Layer 3 data flows and layer 2 IoT device uses in the store.
//!
//! A data flow row keeps the flow document (a `sanso_dataflow::DataFlow` as JSON, without its risk
//! register) and, separately, the reviewed risk register (JSON list of `Risk`), so a flow can be
//! edited without losing review decisions; `sanso_dataflow::merge_review` joins fresh suggestions
//! with the register when the flow is analysed. A flow may name the value-chain data node it
//! describes (cleared when the node is deleted).
//!
//! A device row is one *use* of a product: its severity rating (JSON, axis id → level) decides its
//! IoT-SSF category; `met` records which requirement ids it already meets (for the chart).
//!
//! Flows and ratings are checked whole before anything is written (against the workspace's rule-set
//! library and IoT-SSF scheme, see [`crate::dataflow_rules`]); every fault is reported with its place in the document. Every query
//! names the workspace, so another workspace's ids are not found.

use std::collections::BTreeMap;

use sanso_core::model::{ComponentKind as NodeKind, FieldError};
use sanso_dataflow::iot::{AxisRating, DeviceRating};
use sanso_dataflow::{categorise, DataFlow, Device, FlowIssue, Library, Risk, Scheme, Text};

use crate::dataflow_rules::{library_in, scheme_in};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::rows::{opt_text, text};
use crate::tx::{snapshot, Actor, WriteTx};
use crate::{Result, Store, StoreError};

const FLOW_COLUMNS: &str =
    "id, workspace_id, name, node_id, document, risk_register, created_at, updated_at";
const DEVICE_COLUMNS: &str = "id, workspace_id, name, product, node_id, use_description, rating, met, created_at, updated_at";

/// A stored data flow.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DataFlowRecord {
    pub id: String,
    pub workspace_id: String,
    /// The flow's name (from the document).
    pub name: String,
    /// The value-chain data node this flow describes; cleared when the node is deleted.
    pub node_id: Option<String>,
    /// The flow document (events, places, holders, edges) without its risk register.
    #[schema(value_type = Object)]
    pub flow: DataFlow,
    /// The reviewed risk register (accepted, edited, rejected and manual risks).
    #[schema(value_type = Vec<Object>)]
    pub risks: Vec<Risk>,
    pub created_at: String,
    pub updated_at: String,
}

/// A stored IoT device use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IotDevice {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// Product (model) label; several device uses may share it.
    pub product: String,
    /// The value-chain component node this device is; cleared when the node is deleted.
    pub node_id: Option<String>,
    /// Where and how the device is used (the use decides the category, not the product).
    pub use_description: String,
    /// Axis id → level id, or target → level id for axes rated per target.
    #[schema(value_type = Object)]
    pub rating: DeviceRating,
    /// Requirement id → met.
    pub met: BTreeMap<String, bool>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IotDeviceInput {
    pub name: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub node_id: Option<String>,
    #[serde(default)]
    pub use_description: String,
    #[schema(value_type = Object)]
    pub rating: DeviceRating,
    #[serde(default)]
    pub met: BTreeMap<String, bool>,
}

impl IotDevice {
    /// The device as the IoT-SSF logic sees it.
    pub fn to_device(&self) -> Device {
        Device {
            id: self.id.clone(),
            name: self.name.clone(),
            product: self.product.clone(),
            use_context: Text::new(self.use_description.clone(), self.use_description.clone()),
            rating: self.rating.clone(),
        }
    }
}

fn corrupt(col: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("column {col} does not hold the expected JSON: {e}"))
}

fn flow_from_row(row: &AnyRow) -> Result<DataFlowRecord> {
    Ok(DataFlowRecord {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        name: text(row, "name")?,
        node_id: opt_text(row, "node_id")?,
        flow: serde_json::from_str(&text(row, "document")?).map_err(|e| corrupt("document", e))?,
        risks: serde_json::from_str(&text(row, "risk_register")?)
            .map_err(|e| corrupt("risk_register", e))?,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
    })
}

fn device_from_row(row: &AnyRow) -> Result<IotDevice> {
    Ok(IotDevice {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        name: text(row, "name")?,
        product: text(row, "product")?,
        node_id: opt_text(row, "node_id")?,
        use_description: text(row, "use_description")?,
        rating: serde_json::from_str(&text(row, "rating")?).map_err(|e| corrupt("rating", e))?,
        met: serde_json::from_str(&text(row, "met")?).map_err(|e| corrupt("met", e))?,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
    })
}

/// The document field a flow issue is about, as a path (`events[<id>].place`, `edges[2].to`).
pub fn issue_field(issue: &FlowIssue) -> String {
    match issue {
        FlowIssue::EmptyId { at } | FlowIssue::DuplicateId { at, .. } => format!("{at}.id"),
        FlowIssue::NoEvents => "events".into(),
        FlowIssue::UnknownPlace { event, .. } => format!("events[{event}].place"),
        FlowIssue::UnknownHolder { event, .. } => format!("events[{event}].holder"),
        FlowIssue::UnknownAttributeValue { event, field, .. } => format!("events[{event}].{field}"),
        FlowIssue::UnknownRuleSet { place, .. } => format!("places[{place}].adopts"),
        FlowIssue::DuplicateRuleId { place, .. } => format!("places[{place}].rules"),
        FlowIssue::EdgeToUnknownEvent { edge, field, .. } => format!("edges[{edge}].{field}"),
        FlowIssue::SelfLoop { edge, .. } | FlowIssue::DuplicateEdge { edge, .. } => {
            format!("edges[{edge}]")
        }
        FlowIssue::EdgeAfterDispose { edge, .. } => format!("edges[{edge}].from"),
        FlowIssue::Cycle { .. } => "edges".into(),
        FlowIssue::NoSource { event, .. } | FlowIssue::IntegrateWithoutInputs { event, .. } => {
            format!("events[{event}]")
        }
    }
}

/// Every problem of a flow as field errors (empty when it is valid).
pub fn flow_errors(flow: &DataFlow, library: &Library) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = sanso_dataflow::validate::issues(flow, library)
        .iter()
        .map(|issue| FieldError::new(issue_field(issue), issue.to_string()))
        .collect();
    if flow.name.trim().is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    } else if flow.name.trim().chars().count() > sanso_core::model::MAX_NAME_LEN {
        errors.push(FieldError::new("name", "must be at most 200 characters"));
    }
    errors
}

/// Checks a risk register against its flow: known events, unique ids.
fn risk_errors(flow: &DataFlow, risks: &[Risk]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, risk) in risks.iter().enumerate() {
        if risk.id.trim().is_empty() {
            errors.push(FieldError::new(
                format!("risks[{i}].id"),
                "must not be empty",
            ));
        } else if !seen.insert(risk.id.as_str()) {
            errors.push(FieldError::new(
                format!("risks[{i}].id"),
                format!("risk id `{}` is used twice", risk.id),
            ));
        }
        if flow.event(&risk.event).is_none() {
            errors.push(FieldError::new(
                format!("risks[{i}].event"),
                format!("no event `{}` in this flow", risk.event),
            ));
        }
    }
    errors
}

fn check(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

async fn check_node(
    tx: &mut WriteTx,
    workspace_id: &str,
    node_id: &Option<String>,
    kind: NodeKind,
    errors: &mut Vec<FieldError>,
) -> Result<()> {
    let Some(node_id) = node_id else {
        return Ok(());
    };
    let found: Option<String> =
        sqlx::query_scalar("SELECT kind FROM nodes WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(node_id)
            .fetch_optional(tx.conn())
            .await?;
    match found {
        None => errors.push(FieldError::new(
            "node_id",
            format!("no node \"{node_id}\" in this workspace"),
        )),
        Some(k) if k != kind.as_str() => errors.push(FieldError::new(
            "node_id",
            format!(
                "node \"{node_id}\" is a {k} node; it must be a {} node",
                kind.as_str()
            ),
        )),
        Some(_) => {}
    }
    Ok(())
}

fn device_errors(input: &IotDeviceInput, scheme: &Scheme) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    } else if name.chars().count() > sanso_core::model::MAX_NAME_LEN {
        errors.push(FieldError::new("name", "must be at most 200 characters"));
    }
    if input.use_description.chars().count() > sanso_core::model::MAX_TEXT_LEN {
        errors.push(FieldError::new(
            "use_description",
            "must be at most 10000 characters",
        ));
    }
    for (axis, rating) in &input.rating {
        if scheme.axis(axis).is_none() {
            let known: Vec<&str> = scheme.axes.iter().map(|a| a.id.as_str()).collect();
            errors.push(FieldError::new(
                format!("rating.{axis}"),
                format!("unknown axis (expected one of: {})", known.join(", ")),
            ));
        } else if let AxisRating::PerTarget(map) = rating {
            if map.is_empty() {
                errors.push(FieldError::new(format!("rating.{axis}"), "rates no target"));
            }
        }
    }
    if errors.is_empty() {
        let device = Device {
            id: "(device)".into(),
            name: name.to_string(),
            product: input.product.clone(),
            use_context: Text::new(input.use_description.clone(), input.use_description.clone()),
            rating: input.rating.clone(),
        };
        if let Err(e) = categorise(&device, scheme) {
            errors.push(FieldError::new("rating", e.to_string()));
        }
    }
    errors
}

async fn get_flow_in(tx: &mut WriteTx, workspace_id: &str, id: &str) -> Result<DataFlowRecord> {
    let row = sqlx::query(&format!(
        "SELECT {FLOW_COLUMNS} FROM data_flows WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    flow_from_row(&row)
}

async fn get_device_in(tx: &mut WriteTx, workspace_id: &str, id: &str) -> Result<IotDevice> {
    let row = sqlx::query(&format!(
        "SELECT {DEVICE_COLUMNS} FROM iot_devices WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    device_from_row(&row)
}

/// Splits the register off an uploaded flow.
fn split_flow(mut flow: DataFlow) -> (DataFlow, Vec<Risk>) {
    flow.name = flow.name.trim().to_string();
    let risks = std::mem::take(&mut flow.risks);
    (flow, risks)
}

async fn insert_flow(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    node_id: Option<String>,
    flow: DataFlow,
) -> Result<DataFlowRecord> {
    let library = library_in(tx.conn(), workspace_id).await?;
    let mut errors = flow_errors(&flow, &library);
    errors.extend(risk_errors(&flow, &flow.risks));
    check_node(tx, workspace_id, &node_id, NodeKind::Data, &mut errors).await?;
    check(errors)?;
    let (flow, risks) = split_flow(flow);
    let now = sanso_core::now_timestamp();
    let record = DataFlowRecord {
        id: sanso_core::new_id(),
        workspace_id: workspace_id.to_string(),
        name: flow.name.clone(),
        node_id,
        flow,
        risks,
        created_at: now.clone(),
        updated_at: now,
    };
    sqlx::query(&format!(
        "INSERT INTO data_flows ({FLOW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(&record.id)
    .bind(&record.workspace_id)
    .bind(&record.name)
    .bind(&record.node_id)
    .bind(snapshot(&record.flow))
    .bind(snapshot(&record.risks))
    .bind(&record.created_at)
    .bind(&record.updated_at)
    .execute(tx.conn())
    .await?;
    tx.audit(
        actor,
        Some(workspace_id),
        "data_flow.create",
        "data_flow",
        &record.id,
        None,
        Some(snapshot(&record)),
    )
    .await?;
    Ok(record)
}

async fn insert_device(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    input: IotDeviceInput,
    scheme: &Scheme,
) -> Result<IotDevice> {
    let mut errors = device_errors(&input, scheme);
    check_node(
        tx,
        workspace_id,
        &input.node_id,
        NodeKind::Component,
        &mut errors,
    )
    .await?;
    check(errors)?;
    let now = sanso_core::now_timestamp();
    let device = IotDevice {
        id: sanso_core::new_id(),
        workspace_id: workspace_id.to_string(),
        name: input.name.trim().to_string(),
        product: input.product,
        node_id: input.node_id,
        use_description: input.use_description,
        rating: input.rating,
        met: input.met,
        created_at: now.clone(),
        updated_at: now,
    };
    sqlx::query(&format!(
        "INSERT INTO iot_devices ({DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&device.id)
    .bind(&device.workspace_id)
    .bind(&device.name)
    .bind(&device.product)
    .bind(&device.node_id)
    .bind(&device.use_description)
    .bind(snapshot(&device.rating))
    .bind(snapshot(&device.met))
    .bind(&device.created_at)
    .bind(&device.updated_at)
    .execute(tx.conn())
    .await?;
    tx.audit(
        actor,
        Some(workspace_id),
        "iot_device.create",
        "iot_device",
        &device.id,
        None,
        Some(snapshot(&device)),
    )
    .await?;
    Ok(device)
}

/// What loading the demo created.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DataflowDemoSummary {
    pub flow: DataFlowRecord,
    pub devices: Vec<IotDevice>,
}

impl Store {
    pub async fn list_data_flows(&self, workspace_id: &str) -> Result<Vec<DataFlowRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {FLOW_COLUMNS} FROM data_flows WHERE workspace_id = $1 ORDER BY name, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(flow_from_row).collect()
    }

    pub async fn get_data_flow(&self, workspace_id: &str, id: &str) -> Result<DataFlowRecord> {
        let row = sqlx::query(&format!(
            "SELECT {FLOW_COLUMNS} FROM data_flows WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        flow_from_row(&row)
    }

    /// Stores a flow after checking it whole; a register inside the document becomes the
    /// flow's risk register. `node_id` must be a data node of this workspace.
    pub async fn create_data_flow(
        &self,
        actor: &Actor,
        workspace_id: &str,
        node_id: Option<String>,
        flow: DataFlow,
    ) -> Result<DataFlowRecord> {
        let mut tx = self.write().await?;
        let record = insert_flow(&mut tx, actor, workspace_id, node_id, flow).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Replaces a flow's document. The stored risk register is kept unless the document brings
    /// a register of its own (then that replaces it).
    pub async fn update_data_flow(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        node_id: Option<String>,
        flow: DataFlow,
    ) -> Result<DataFlowRecord> {
        let mut tx = self.write().await?;
        let before = get_flow_in(&mut tx, workspace_id, id).await?;
        let library = library_in(tx.conn(), workspace_id).await?;
        let mut errors = flow_errors(&flow, &library);
        errors.extend(risk_errors(&flow, &flow.risks));
        check_node(&mut tx, workspace_id, &node_id, NodeKind::Data, &mut errors).await?;
        check(errors)?;
        let (flow, risks) = split_flow(flow);
        let risks = if risks.is_empty() {
            before.risks.clone()
        } else {
            risks
        };
        let after = DataFlowRecord {
            name: flow.name.clone(),
            node_id,
            flow,
            risks,
            updated_at: sanso_core::now_timestamp(),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE data_flows SET name = $1, node_id = $2, document = $3, risk_register = $4, updated_at = $5 WHERE workspace_id = $6 AND id = $7",
        )
        .bind(&after.name)
        .bind(&after.node_id)
        .bind(snapshot(&after.flow))
        .bind(snapshot(&after.risks))
        .bind(&after.updated_at)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "data_flow.update",
            "data_flow",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Replaces a flow's risk register (the reviewed risks: accepted, edited, rejected, manual).
    pub async fn set_data_flow_risks(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        risks: Vec<Risk>,
    ) -> Result<DataFlowRecord> {
        let mut tx = self.write().await?;
        let before = get_flow_in(&mut tx, workspace_id, id).await?;
        check(risk_errors(&before.flow, &risks))?;
        let after = DataFlowRecord {
            risks,
            updated_at: sanso_core::now_timestamp(),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE data_flows SET risk_register = $1, updated_at = $2 WHERE workspace_id = $3 AND id = $4",
        )
        .bind(snapshot(&after.risks))
        .bind(&after.updated_at)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "data_flow.review_risks",
            "data_flow",
            id,
            Some(snapshot(&before.risks)),
            Some(snapshot(&after.risks)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn delete_data_flow(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let before = get_flow_in(&mut tx, workspace_id, id).await?;
        sqlx::query("DELETE FROM data_flows WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "data_flow.delete",
            "data_flow",
            id,
            Some(snapshot(&before)),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_iot_devices(&self, workspace_id: &str) -> Result<Vec<IotDevice>> {
        let rows = sqlx::query(&format!(
            "SELECT {DEVICE_COLUMNS} FROM iot_devices WHERE workspace_id = $1 ORDER BY name, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(device_from_row).collect()
    }

    pub async fn get_iot_device(&self, workspace_id: &str, id: &str) -> Result<IotDevice> {
        let row = sqlx::query(&format!(
            "SELECT {DEVICE_COLUMNS} FROM iot_devices WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        device_from_row(&row)
    }

    /// Stores a device use; its rating must categorise under the workspace's IoT-SSF scheme and
    /// `node_id` must be a component node of this workspace.
    pub async fn create_iot_device(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: IotDeviceInput,
    ) -> Result<IotDevice> {
        let mut tx = self.write().await?;
        let scheme = scheme_in(tx.conn(), workspace_id).await?;
        let device = insert_device(&mut tx, actor, workspace_id, input, &scheme).await?;
        tx.commit().await?;
        Ok(device)
    }

    pub async fn update_iot_device(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        input: IotDeviceInput,
    ) -> Result<IotDevice> {
        let mut tx = self.write().await?;
        let scheme = scheme_in(tx.conn(), workspace_id).await?;
        let before = get_device_in(&mut tx, workspace_id, id).await?;
        let mut errors = device_errors(&input, &scheme);
        check_node(
            &mut tx,
            workspace_id,
            &input.node_id,
            NodeKind::Component,
            &mut errors,
        )
        .await?;
        check(errors)?;
        let after = IotDevice {
            name: input.name.trim().to_string(),
            product: input.product,
            node_id: input.node_id,
            use_description: input.use_description,
            rating: input.rating,
            met: input.met,
            updated_at: sanso_core::now_timestamp(),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE iot_devices SET name = $1, product = $2, node_id = $3, use_description = $4, rating = $5, met = $6, updated_at = $7 WHERE workspace_id = $8 AND id = $9",
        )
        .bind(&after.name)
        .bind(&after.product)
        .bind(&after.node_id)
        .bind(&after.use_description)
        .bind(snapshot(&after.rating))
        .bind(snapshot(&after.met))
        .bind(&after.updated_at)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "iot_device.update",
            "iot_device",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn delete_iot_device(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let before = get_device_in(&mut tx, workspace_id, id).await?;
        sqlx::query("DELETE FROM iot_devices WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "iot_device.delete",
            "iot_device",
            id,
            Some(snapshot(&before)),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Loads the worked example of `sanso_dataflow::demo` (the retailer's flow and the device
    /// uses) into the workspace in one transaction.
    pub async fn load_dataflow_demo(
        &self,
        actor: &Actor,
        workspace_id: &str,
    ) -> Result<DataflowDemoSummary> {
        let demo = sanso_dataflow::demo::try_demo()
            .map_err(|e| StoreError::Corrupt(format!("embedded demo data: {e}")))?;
        let mut tx = self.write().await?;
        // Loading twice must not make a second copy: the demo flow keeps its document id, so a
        // stored flow with that id means the demo is already here.
        let documents: Vec<String> = sqlx::query_scalar(
            "SELECT document FROM data_flows WHERE workspace_id = $1 AND name = $2",
        )
        .bind(workspace_id)
        .bind(demo.flow.name.trim())
        .fetch_all(tx.conn())
        .await?;
        for document in documents {
            let stored: DataFlow =
                serde_json::from_str(&document).map_err(|e| corrupt("document", e))?;
            if stored.id == demo.flow.id {
                return Err(StoreError::Conflict(format!(
                    "the data-flow demo is already loaded in this workspace (flow \"{}\"); delete that flow to load it again",
                    demo.flow.name
                )));
            }
        }
        let scheme = scheme_in(tx.conn(), workspace_id).await?;
        let flow = insert_flow(&mut tx, actor, workspace_id, None, demo.flow).await?;
        let mut devices = Vec::new();
        for d in demo.devices.devices {
            let met = demo.devices.met.get(&d.id).cloned().unwrap_or_default();
            let use_description = if d.use_context.ja == d.use_context.en {
                d.use_context.en.clone()
            } else {
                format!("{} / {}", d.use_context.ja, d.use_context.en)
            };
            let input = IotDeviceInput {
                name: d.name,
                product: d.product,
                node_id: None,
                use_description,
                rating: d.rating,
                met,
            };
            devices.push(insert_device(&mut tx, actor, workspace_id, input, &scheme).await?);
        }
        tx.commit().await?;
        Ok(DataflowDemoSummary { flow, devices })
    }
}

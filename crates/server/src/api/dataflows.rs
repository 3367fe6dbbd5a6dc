//! Layer 3 data flows and layer 2 IoT device uses over the API.
//!
//! Flows are uploaded as YAML or JSON documents (`sanso_dataflow::DataFlow`; JSON when the
//! Content-Type says so, YAML otherwise). A flow that does not parse or does not validate answers 422
//! with every fault named (event, edge or place and the field) and nothing is stored. The analysis
//! runs the four DMF steps on the stored flow, merging fresh risk suggestions with the reviewed
//! register. Devices are rated by incident severity and categorised under the built-in IoT-SSF
//! scheme. Another workspace's ids answer 404.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sanso_core::model::FieldError;
use sanso_dataflow::io::{flow_from_json, flow_from_yaml, flow_to_xlsx};
use sanso_dataflow::iot::{share_met, InheritedViewpoint};
use sanso_dataflow::{
    attributes_along, device_requirements, flow_gaps, merge_review, suggest_risks, workflow_state,
    Categorisation, DataFlow, DataflowError, EdgeGaps, EventAttributes, Library, Risk, Scheme,
    WorkflowState,
};
use sanso_store::dataflows::{
    issue_field, DataFlowRecord, DataflowDemoSummary, IotDevice, IotDeviceInput,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::{self, ApiJson};
use super::ApiResult;
use crate::auth::{require_admin, require_edit, workspace_access, ApiUser};
use crate::error::ApiError;
use crate::SharedState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/workspaces/{ws}/flows", get(list_flows).post(create_flow))
        .route(
            "/workspaces/{ws}/flows/{id}",
            get(get_flow).put(update_flow).delete(delete_flow),
        )
        .route("/workspaces/{ws}/flows/{id}/analysis", get(flow_analysis))
        .route("/workspaces/{ws}/flows/{id}/risks", put(set_risks))
        .route("/workspaces/{ws}/flows/{id}/flow.svg", get(flow_svg))
        .route(
            "/workspaces/{ws}/flows/{id}/register.xlsx",
            get(register_xlsx),
        )
        .route(
            "/workspaces/{ws}/devices",
            get(list_devices).post(create_device),
        )
        .route("/workspaces/{ws}/devices/chart.svg", get(devices_chart))
        .route(
            "/workspaces/{ws}/devices/{id}",
            get(get_device).put(update_device).delete(delete_device),
        )
        .route(
            "/workspaces/{ws}/devices/{id}/category",
            get(device_category),
        )
        .route("/workspaces/{ws}/demo/dataflow", post(load_demo))
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "dataflow error");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the server could not complete the request; see its log",
    )
}

/// A library error as the client should see it: document faults are 422 with their place.
fn dataflow_error(e: DataflowError) -> ApiError {
    match e {
        DataflowError::InvalidFlow { issues, .. } => ApiError::invalid(
            issues
                .iter()
                .map(|i| FieldError::new(issue_field(i), i.to_string()))
                .collect(),
        ),
        DataflowError::Yaml { location, message } | DataflowError::Json { location, message } => {
            let at = match (location.line, location.column) {
                (Some(l), Some(c)) => format!("line {l} column {c}: "),
                _ => String::new(),
            };
            let field = if location.path == "." {
                "(body)".to_string()
            } else {
                location.path
            };
            ApiError::invalid(vec![FieldError::new(field, format!("{at}{message}"))])
        }
        DataflowError::InvalidDevice { device, problem } => {
            ApiError::invalid(vec![FieldError::new(
                "rating",
                format!("{device}: {problem}"),
            )])
        }
        other => internal(other),
    }
}

fn library() -> ApiResult<Library> {
    Library::builtin().map_err(internal)
}

fn scheme() -> ApiResult<Scheme> {
    Scheme::builtin().map_err(internal)
}

/// Reads a flow document from the body: JSON when the Content-Type is JSON, YAML otherwise.
async fn read_flow(req: Request, state: &SharedState) -> ApiResult<DataFlow> {
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let bytes = body::read_body(req, state).await?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| ApiError::bad_request("(body)", format!("not UTF-8 text: {e}")))?;
    let parsed = if media == "application/json" || media.ends_with("+json") {
        flow_from_json(text, "(body)")
    } else {
        flow_from_yaml(text, "(body)")
    };
    parsed.map_err(dataflow_error)
}

#[derive(Deserialize, IntoParams)]
pub struct FlowQuery {
    /// The value-chain data node this flow describes.
    pub node_id: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct LangQuery {
    /// `ja` (default) or `en`.
    pub lang: Option<String>,
}

fn lang(q: &LangQuery) -> ApiResult<&'static str> {
    match q.lang.as_deref() {
        None | Some("ja") => Ok("ja"),
        Some("en") => Ok("en"),
        Some(other) => Err(ApiError::bad_request(
            "lang",
            format!("unknown language \"{other}\": use ja or en"),
        )),
    }
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/flows", tag = "dataflows", params(("ws" = String, Path)),
    responses((status = 200, body = [DataFlowRecord]), (status = 404, body = crate::error::Problem)))]
pub async fn list_flows(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<DataFlowRecord>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_data_flows(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/flows", tag = "dataflows", params(("ws" = String, Path), FlowQuery),
    request_body(content = Object, description = "The flow document as YAML (application/yaml) or JSON (application/json)"),
    responses((status = 201, body = DataFlowRecord), (status = 422, body = crate::error::Problem), (status = 413, body = crate::error::Problem)))]
pub async fn create_flow(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<FlowQuery>,
    req: Request,
) -> ApiResult<(StatusCode, Json<DataFlowRecord>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let flow = read_flow(req, &state).await?;
    let record = state
        .store
        .create_data_flow(&p.actor, &ws, q.node_id, flow)
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/flows/{id}", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = DataFlowRecord), (status = 404, body = crate::error::Problem)))]
pub async fn get_flow(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<DataFlowRecord>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_data_flow(&ws, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/flows/{id}", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path), FlowQuery),
    request_body(content = Object, description = "The flow document as YAML or JSON; the stored risk register is kept unless the document has one"),
    responses((status = 200, body = DataFlowRecord), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_flow(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<FlowQuery>,
    req: Request,
) -> ApiResult<Json<DataFlowRecord>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    // Unknown ids answer 404 before the body is looked at.
    state.store.get_data_flow(&ws, &id).await?;
    let flow = read_flow(req, &state).await?;
    Ok(Json(
        state
            .store
            .update_data_flow(&p.actor, &ws, &id, q.node_id, flow)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/flows/{id}", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_flow(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_data_flow(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The four DMF steps on a stored flow.
#[derive(Serialize, ToSchema)]
pub struct FlowAnalysis {
    pub flow_id: String,
    /// Step 3: the attributes before and after each event, in flow order.
    #[schema(value_type = Vec<Object>)]
    pub attributes: Vec<EventAttributes>,
    /// Step 4: suggested risks merged with the reviewed register.
    #[schema(value_type = Vec<Object>)]
    pub risks: Vec<Risk>,
    /// Gaps on every edge that leaves a place (what the sender's rules require that the receiver's do not give).
    #[schema(value_type = Vec<Object>)]
    pub gaps: Vec<EdgeGaps>,
    /// Which of the four steps are complete.
    #[schema(value_type = Object)]
    pub workflow: WorkflowState,
}

struct Analysed {
    flow: DataFlow,
    library: Library,
    attributes: Vec<EventAttributes>,
    risks: Vec<Risk>,
    gaps: Vec<EdgeGaps>,
}

fn analyse(record: DataFlowRecord) -> ApiResult<Analysed> {
    let library = library()?;
    let mut flow = record.flow;
    let attributes = attributes_along(&flow, &library).map_err(dataflow_error)?;
    let fresh = suggest_risks(&flow, &library).map_err(dataflow_error)?;
    let risks = merge_review(&record.risks, fresh);
    let gaps = flow_gaps(&flow, &library).map_err(dataflow_error)?;
    flow.risks = risks.clone();
    Ok(Analysed {
        flow,
        library,
        attributes,
        risks,
        gaps,
    })
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/flows/{id}/analysis", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = FlowAnalysis), (status = 404, body = crate::error::Problem)))]
pub async fn flow_analysis(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<FlowAnalysis>> {
    workspace_access(&state, &p, &ws).await?;
    let a = analyse(state.store.get_data_flow(&ws, &id).await?)?;
    let workflow = workflow_state(&a.flow, &a.library);
    Ok(Json(FlowAnalysis {
        flow_id: id,
        attributes: a.attributes,
        risks: a.risks,
        gaps: a.gaps,
        workflow,
    }))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/flows/{id}/risks", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)),
    request_body(content = Vec<Object>, description = "The reviewed register: risks (as the analysis returns them) with status accepted, edited, rejected or suggested, and manual risks (rule_id `manual`)"),
    responses((status = 200, body = DataFlowRecord), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn set_risks(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(risks): ApiJson<Vec<Risk>>,
) -> ApiResult<Json<DataFlowRecord>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .set_data_flow_risks(&p.actor, &ws, &id, risks)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/flows/{id}/flow.svg", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path), LangQuery),
    responses((status = 200, content_type = "image/svg+xml", description = "The flow as swim-lanes by place"), (status = 404, body = crate::error::Problem)))]
pub async fn flow_svg(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let lang = lang(&q)?;
    let a = analyse(state.store.get_data_flow(&ws, &id).await?)?;
    let svg = sanso_dataflow::svg::flow_svg(&a.flow, &a.library, &a.risks, lang)
        .map_err(dataflow_error)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/flows/{id}/register.xlsx", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path), LangQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "Events, risk register and gaps"), (status = 404, body = crate::error::Problem)))]
pub async fn register_xlsx(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let lang = lang(&q)?;
    let a = analyse(state.store.get_data_flow(&ws, &id).await?)?;
    let gaps: Vec<_> = a.gaps.into_iter().flat_map(|e| e.gaps).collect();
    let bytes = flow_to_xlsx(&a.flow, &a.library, &a.risks, &gaps, lang).map_err(dataflow_error)?;
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"risk-register-{id}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/devices", tag = "dataflows", params(("ws" = String, Path)),
    responses((status = 200, body = [IotDevice]), (status = 404, body = crate::error::Problem)))]
pub async fn list_devices(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<IotDevice>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_iot_devices(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/devices", tag = "dataflows", params(("ws" = String, Path)), request_body = IotDeviceInput,
    responses((status = 201, body = IotDevice), (status = 422, body = crate::error::Problem)))]
pub async fn create_device(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<IotDeviceInput>,
) -> ApiResult<(StatusCode, Json<IotDevice>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_iot_device(&p.actor, &ws, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/devices/{id}", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = IotDevice), (status = 404, body = crate::error::Problem)))]
pub async fn get_device(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<IotDevice>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_iot_device(&ws, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/devices/{id}", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)), request_body = IotDeviceInput,
    responses((status = 200, body = IotDevice), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_device(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<IotDeviceInput>,
) -> ApiResult<Json<IotDevice>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .update_iot_device(&p.actor, &ws, &id, input)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/devices/{id}", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_device(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_iot_device(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The viewpoints a device inherits for one lifecycle phase.
#[derive(Serialize, ToSchema)]
pub struct PhaseViewpoints {
    /// Phase id (`design`, `manufacture` …).
    pub phase: String,
    #[schema(value_type = Object)]
    pub name: sanso_dataflow::Text,
    #[schema(value_type = Vec<Object>)]
    pub viewpoints: Vec<InheritedViewpoint>,
}

/// A device's IoT-SSF category and what it inherits.
#[derive(Serialize, ToSchema)]
pub struct DeviceCategory {
    pub device_id: String,
    /// Category, its name, the resolved level per axis and the reason the region matched.
    #[schema(value_type = Object)]
    pub categorisation: Categorisation,
    /// Requirement viewpoints per lifecycle phase, in the scheme's phase order.
    pub phases: Vec<PhaseViewpoints>,
    /// Unique requirement ids over all viewpoints.
    pub requirement_ids: Vec<String>,
    /// Share (0–1) of those the device meets; absent when the category has none.
    pub share_met: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/devices/{id}/category", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = DeviceCategory), (status = 404, body = crate::error::Problem)))]
pub async fn device_category(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<DeviceCategory>> {
    workspace_access(&state, &p, &ws).await?;
    let device = state.store.get_iot_device(&ws, &id).await?;
    let scheme = scheme()?;
    let reqs = device_requirements(&device.to_device(), &scheme).map_err(dataflow_error)?;
    let phases = scheme
        .phases
        .iter()
        .map(|phase| PhaseViewpoints {
            phase: phase.id.clone(),
            name: phase.name.clone(),
            viewpoints: reqs.for_phase(&phase.id).into_iter().cloned().collect(),
        })
        .collect();
    Ok(Json(DeviceCategory {
        device_id: device.id.clone(),
        share_met: share_met(&reqs, &device.met),
        requirement_ids: reqs.requirement_ids(),
        categorisation: reqs.categorisation,
        phases,
    }))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/devices/chart.svg", tag = "dataflows", params(("ws" = String, Path), LangQuery),
    responses((status = 200, content_type = "image/svg+xml", description = "All devices on the severity chart, coloured by the share of their category's requirements met")))]
pub async fn devices_chart(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<LangQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let lang = lang(&q)?;
    let stored = state.store.list_iot_devices(&ws).await?;
    let scheme = scheme()?;
    let devices: Vec<_> = stored.iter().map(IotDevice::to_device).collect();
    let met: BTreeMap<String, BTreeMap<String, bool>> =
        stored.into_iter().map(|d| (d.id, d.met)).collect();
    let svg = sanso_dataflow::svg::severity_chart_svg(&scheme, &devices, &met, lang)
        .map_err(dataflow_error)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/demo/dataflow", tag = "dataflows", params(("ws" = String, Path)),
    responses((status = 201, body = DataflowDemoSummary), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn load_demo(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<(StatusCode, Json<DataflowDemoSummary>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.load_dataflow_demo(&p.actor, &ws).await?),
    ))
}

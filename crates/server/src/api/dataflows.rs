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
use sanso_store::dataflow_rules::{RulesDocument, RulesKind};
use sanso_store::dataflows::{
    issue_field, DataFlowRecord, DataflowDemoSummary, IotDevice, IotDeviceInput,
};
use sanso_store::device_met::{effective_met, met_map, MetSource, RequirementMet};
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
        .route(
            "/workspaces/{ws}/flows/{id}/register.json",
            get(register_json),
        )
        .route(
            "/workspaces/{ws}/flows/register.xlsx",
            get(workspace_register_xlsx),
        )
        .route(
            "/workspaces/{ws}/places",
            get(get_places).put(put_places).delete(reset_places),
        )
        .route(
            "/workspaces/{ws}/iot-scheme",
            get(get_scheme).put(put_scheme).delete(reset_scheme),
        )
}

/// The OpenAPI paths this module adds beyond those listed in `api::ApiDoc`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        register_json,
        workspace_register_xlsx,
        get_places,
        put_places,
        reset_places,
        get_scheme,
        put_scheme,
        reset_scheme
    ),
    components(schemas(
        RulesDocument,
        sanso_store::dataflow_rules::RulesKind,
        FlowExport,
        RequirementMet,
        MetSource
    ))
)]
pub struct Doc;

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
pub fn dataflow_error(e: DataflowError) -> ApiError {
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

/// A stored flow with its analysis (the register merged into `flow.risks`).
pub struct Analysed {
    pub flow: DataFlow,
    pub library: Library,
    pub attributes: Vec<EventAttributes>,
    pub risks: Vec<Risk>,
    pub gaps: Vec<EdgeGaps>,
}

/// Runs steps 3 and 4 and the gap listing on a stored flow under the workspace's rule sets.
pub async fn analyse(state: &SharedState, record: DataFlowRecord) -> ApiResult<Analysed> {
    let library = state.store.workspace_library(&record.workspace_id).await?;
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
    let a = analyse(&state, state.store.get_data_flow(&ws, &id).await?).await?;
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
    let a = analyse(&state, state.store.get_data_flow(&ws, &id).await?).await?;
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
    let a = analyse(&state, state.store.get_data_flow(&ws, &id).await?).await?;
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
    /// Each requirement id, whether it is met and whether an assessment of the device's node or
    /// the device's own checkbox says so.
    pub requirements: Vec<RequirementMet>,
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
    let scheme = state.store.workspace_scheme(&ws).await?;
    let reqs = device_requirements(&device.to_device(), &scheme).map_err(dataflow_error)?;
    let answers = state.store.answers_by_node(&ws).await?;
    let requirement_ids = reqs.requirement_ids();
    let requirements = effective_met(
        &device,
        device.node_id.as_ref().and_then(|n| answers.get(n)),
        &requirement_ids,
    );
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
        share_met: share_met(&reqs, &met_map(&requirements)),
        requirement_ids,
        requirements,
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
    let svg = devices_chart_svg(&state, &ws, lang).await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// Every device's effective "met" map: its checkboxes overridden by answers in assessments of
/// its node (see `sanso_store::device_met`).
pub async fn effective_met_maps(
    state: &SharedState,
    ws: &str,
    scheme: &Scheme,
    stored: &[IotDevice],
) -> ApiResult<BTreeMap<String, BTreeMap<String, bool>>> {
    let answers = state.store.answers_by_node(ws).await?;
    let mut out = BTreeMap::new();
    for d in stored {
        // A device whose rating no longer categorises is drawn uncoloured rather than failing the chart.
        let ids = device_requirements(&d.to_device(), scheme)
            .map(|r| r.requirement_ids())
            .unwrap_or_default();
        let states = effective_met(d, d.node_id.as_ref().and_then(|n| answers.get(n)), &ids);
        out.insert(d.id.clone(), met_map(&states));
    }
    Ok(out)
}

/// The severity chart of a workspace's devices, coloured by the effective share met.
pub async fn devices_chart_svg(state: &SharedState, ws: &str, lang: &str) -> ApiResult<String> {
    let stored = state.store.list_iot_devices(ws).await?;
    let scheme = state.store.workspace_scheme(ws).await?;
    let devices: Vec<_> = stored.iter().map(IotDevice::to_device).collect();
    let met = effective_met_maps(state, ws, &scheme, &stored).await?;
    sanso_dataflow::svg::severity_chart_svg(&scheme, &devices, &met, lang).map_err(dataflow_error)
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

/// A flow with its analysis, as one JSON document to hand round.
#[derive(Serialize, ToSchema)]
pub struct FlowExport {
    /// The flow document with the merged risk register in `risks` (re-importable as YAML/JSON).
    #[schema(value_type = Object)]
    pub flow: DataFlow,
    #[schema(value_type = Vec<Object>)]
    pub attributes: Vec<EventAttributes>,
    #[schema(value_type = Vec<Object>)]
    pub gaps: Vec<EdgeGaps>,
    #[schema(value_type = Object)]
    pub workflow: WorkflowState,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/flows/{id}/register.json", tag = "dataflows", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = FlowExport, description = "The flow, its attributes per event, gaps and risk register as a download"), (status = 404, body = crate::error::Problem)))]
pub async fn register_json(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let a = analyse(&state, state.store.get_data_flow(&ws, &id).await?).await?;
    let workflow = workflow_state(&a.flow, &a.library);
    let export = FlowExport {
        flow: a.flow,
        attributes: a.attributes,
        gaps: a.gaps,
        workflow,
    };
    let body = serde_json::to_string_pretty(&export).map_err(internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"risk-register-{id}.json\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/flows/register.xlsx", tag = "dataflows", params(("ws" = String, Path), LangQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "Every flow of the workspace with its risk register and gaps (sheets Flows, Risks, Gaps)"), (status = 404, body = crate::error::Problem)))]
pub async fn workspace_register_xlsx(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<LangQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let lang = lang(&q)?;
    let mut analysed = Vec::new();
    for record in state.store.list_data_flows(&ws).await? {
        let a = analyse(&state, record).await?;
        let gaps: Vec<_> = a.gaps.into_iter().flat_map(|e| e.gaps).collect();
        analysed.push((a.flow, a.risks, gaps));
    }
    let bytes = sanso_dataflow::io::flows_to_xlsx(&analysed, lang).map_err(dataflow_error)?;
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"risk-registers-{ws}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn get_rules(
    state: &SharedState,
    p: &crate::auth::Principal,
    ws: &str,
    kind: RulesKind,
) -> ApiResult<Json<RulesDocument>> {
    workspace_access(state, p, ws).await?;
    Ok(Json(state.store.rules_document(ws, kind).await?))
}

async fn put_rules(
    state: &SharedState,
    p: &crate::auth::Principal,
    ws: &str,
    kind: RulesKind,
    req: Request,
) -> ApiResult<Json<RulesDocument>> {
    let (_, role) = workspace_access(state, p, ws).await?;
    require_admin(role)?;
    let bytes = body::read_body(req, state).await?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| ApiError::bad_request("(body)", format!("not UTF-8 text: {e}")))?;
    Ok(Json(
        state
            .store
            .set_rules_document(&p.actor, ws, kind, text)
            .await?,
    ))
}

async fn reset_rules(
    state: &SharedState,
    p: &crate::auth::Principal,
    ws: &str,
    kind: RulesKind,
) -> ApiResult<Json<RulesDocument>> {
    let (_, role) = workspace_access(state, p, ws).await?;
    require_admin(role)?;
    Ok(Json(
        state.store.reset_rules_document(&p.actor, ws, kind).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/places", tag = "dataflows", params(("ws" = String, Path)),
    responses((status = 200, body = RulesDocument, description = "The rule sets places adopt and the adequacy arrangements, as YAML (the built-in document until the workspace saves its own)"), (status = 404, body = crate::error::Problem)))]
pub async fn get_places(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<RulesDocument>> {
    get_rules(&state, &p, &ws, RulesKind::Places).await
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/places", tag = "dataflows", params(("ws" = String, Path)),
    request_body(content = String, description = "Rule-set YAML (the shape of the built-in document)", content_type = "application/yaml"),
    responses((status = 200, body = RulesDocument), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "The document does not parse or check, or a stored flow would become invalid; every fault names its path")))]
pub async fn put_places(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    req: Request,
) -> ApiResult<Json<RulesDocument>> {
    put_rules(&state, &p, &ws, RulesKind::Places, req).await
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/places", tag = "dataflows", params(("ws" = String, Path)),
    responses((status = 200, body = RulesDocument, description = "Back on the built-in document"), (status = 422, body = crate::error::Problem)))]
pub async fn reset_places(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<RulesDocument>> {
    reset_rules(&state, &p, &ws, RulesKind::Places).await
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/iot-scheme", tag = "dataflows", params(("ws" = String, Path)),
    responses((status = 200, body = RulesDocument, description = "The IoT-SSF scheme as YAML (the built-in document until the workspace saves its own)"), (status = 404, body = crate::error::Problem)))]
pub async fn get_scheme(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<RulesDocument>> {
    get_rules(&state, &p, &ws, RulesKind::IotScheme).await
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/iot-scheme", tag = "dataflows", params(("ws" = String, Path)),
    request_body(content = String, description = "IoT-SSF scheme YAML (axes, levels, chart, phases, categories)", content_type = "application/yaml"),
    responses((status = 200, body = RulesDocument), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "The scheme does not parse or check, or a stored device would fall in no category")))]
pub async fn put_scheme(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    req: Request,
) -> ApiResult<Json<RulesDocument>> {
    put_rules(&state, &p, &ws, RulesKind::IotScheme, req).await
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/iot-scheme", tag = "dataflows", params(("ws" = String, Path)),
    responses((status = 200, body = RulesDocument, description = "Back on the built-in scheme"), (status = 422, body = crate::error::Problem)))]
pub async fn reset_scheme(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<RulesDocument>> {
    reset_rules(&state, &p, &ws, RulesKind::IotScheme).await
}

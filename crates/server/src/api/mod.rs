//! The REST API under `/api/v1`. The OpenAPI document is generated from these handlers (utoipa) and
//! served at `/api/v1/openapi.json`.

pub mod assessments;
pub mod body;
pub mod dataflows;
pub mod exchange;
pub mod findings;
pub mod portfolio;
pub mod reports;
pub mod software;
pub mod supply;
pub mod supply_flow;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sanso_core::audit::AuditEntry;
use sanso_core::document::{ModelDocument, ValidatedDocument};
use sanso_core::model::{Connection, ConnectionInput, Node, NodeInput};
use sanso_store::model::{ImportMode, ImportSummary};
use sanso_store::{Member, User, Workspace};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::auth::{require_admin, require_edit, workspace_access, ApiUser};
use crate::error::{ApiError, Problem};
use crate::SharedState;
use body::ApiJson;

#[derive(OpenApi)]
#[openapi(
    info(title = "sanso API", description = "Value-chain modelling and supply-chain security on CPSF's three layers."),
    paths(
        me, list_workspaces, create_workspace, get_workspace,
        list_nodes, create_node, get_node, update_node, delete_node,
        list_connections, create_connection, get_connection, update_connection, delete_connection,
        export_model, import_model, diagram_svg, list_audit, list_members, create_invitation,
        assessments::list_catalogs, assessments::import_catalog, assessments::get_catalog, assessments::list_assessments, assessments::create_assessment, assessments::get_assessment, assessments::update_assessment, assessments::delete_assessment, assessments::set_answers, assessments::submit, assessments::approve, assessments::return_assessment, assessments::score, assessments::export_questionnaire, assessments::import_questionnaire, assessments::compare, assessments::upload_evidence, assessments::download_evidence,
        software::list_products, software::create_product, software::get_product, software::update_product, software::delete_product, software::list_versions, software::create_version, software::get_version, software::delete_version, software::list_sboms, software::upload_sbom, software::get_sbom, software::delete_sbom, software::list_components, software::download_original, software::export_sbom, software::version_findings, software::import_osv,
        supply::exposure, supply::paths, supply::criticality, supply::what_if, supply::impact, supply::tiers, supply::star_request, supply::weak_links_svg,
        dataflows::list_flows, dataflows::create_flow, dataflows::get_flow, dataflows::update_flow, dataflows::delete_flow, dataflows::flow_analysis, dataflows::set_risks, dataflows::flow_svg, dataflows::register_xlsx, dataflows::list_devices, dataflows::create_device, dataflows::get_device, dataflows::update_device, dataflows::delete_device, dataflows::device_category, dataflows::devices_chart, dataflows::load_demo
    ),
    components(schemas(
        Problem, User, Workspace, WorkspaceWithRole, NewWorkspace, Node, NodeInput, Connection, ConnectionInput,
        ModelDocument, ImportSummary, ImportMode, AuditEntry, Member, NewInvitation, InvitationCreated,
        sanso_core::access::Role, sanso_core::model::FieldError,
        sanso_store::software::Product, sanso_store::software::ProductInput, sanso_store::software::ProductVersion, sanso_store::software::VersionInput, sanso_store::software::SbomRecord, sanso_store::software::SbomWarning, sanso_store::software::ComponentPage, sanso_store::software::StoredComponent, sanso_store::software::ComponentHash, sanso_store::vulns::OsvImportSummary,
        supply::WhatIfInput, supply::WhatIfChange,
        sanso_store::dataflows::DataFlowRecord, sanso_store::dataflows::IotDevice, sanso_store::dataflows::IotDeviceInput, sanso_store::dataflows::DataflowDemoSummary, dataflows::FlowAnalysis, dataflows::DeviceCategory, dataflows::PhaseViewpoints
    )),
    modifiers(&BearerAuth),
    tags((name = "workspaces"), (name = "model"), (name = "audit"), (name = "assessments"), (name = "software"), (name = "supply"), (name = "dataflows"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/me", get(me))
        .route("/workspaces", get(list_workspaces).post(create_workspace))
        .route("/workspaces/{ws}", get(get_workspace))
        .route("/workspaces/{ws}/nodes", get(list_nodes).post(create_node))
        .route(
            "/workspaces/{ws}/nodes/{id}",
            get(get_node).put(update_node).delete(delete_node),
        )
        .route(
            "/workspaces/{ws}/connections",
            get(list_connections).post(create_connection),
        )
        .route(
            "/workspaces/{ws}/connections/{id}",
            get(get_connection)
                .put(update_connection)
                .delete(delete_connection),
        )
        .route(
            "/workspaces/{ws}/model",
            get(export_model).put(import_model),
        )
        .route("/workspaces/{ws}/diagram.svg", get(diagram_svg))
        .route("/workspaces/{ws}/audit", get(list_audit))
        .route("/workspaces/{ws}/members", get(list_members))
        .route("/workspaces/{ws}/invitations", post(create_invitation))
        .merge(assessments::router())
        .merge(software::router())
        .merge(supply::router())
        .merge(dataflows::router())
        .merge(reports::router())
        .merge(exchange::router())
        .merge(supply_flow::router())
        .merge(findings::router())
        .merge(portfolio::router())
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                "no such API endpoint",
            )
        })
}

/// The whole OpenAPI document: the core paths above plus each area module's own `Doc`, so that work on
/// different areas does not edit one list.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in [
        reports::Doc::openapi(),
        exchange::Doc::openapi(),
        supply_flow::Doc::openapi(),
        findings::Doc::openapi(),
        portfolio::Doc::openapi(),
        dataflows::Doc::openapi(),
    ] {
        doc.merge(part);
    }
    doc
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi())
}

type ApiResult<T> = Result<T, ApiError>;

#[utoipa::path(get, path = "/api/v1/me", tag = "workspaces", responses((status = 200, body = User), (status = 401, body = Problem)))]
async fn me(ApiUser(p): ApiUser) -> Json<User> {
    Json(p.user)
}

#[derive(Serialize, ToSchema)]
pub struct WorkspaceWithRole {
    #[serde(flatten)]
    pub workspace: Workspace,
    pub role: sanso_core::access::Role,
}

#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces", responses((status = 200, body = [WorkspaceWithRole])))]
async fn list_workspaces(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
) -> ApiResult<Json<Vec<WorkspaceWithRole>>> {
    let list = state.store.workspaces_for_user(&p.user.id).await?;
    Ok(Json(
        list.into_iter()
            .map(|(workspace, role)| WorkspaceWithRole { workspace, role })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkspace {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces", request_body = NewWorkspace,
    responses((status = 201, body = Workspace), (status = 422, body = Problem)))]
async fn create_workspace(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    ApiJson(input): ApiJson<NewWorkspace>,
) -> ApiResult<(StatusCode, Json<Workspace>)> {
    let ws = state
        .store
        .create_workspace(&p.actor, &input.name, &input.description, &p.user.id)
        .await?;
    Ok((StatusCode::CREATED, Json(ws)))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}", tag = "workspaces", params(("ws" = String, Path)),
    responses((status = 200, body = WorkspaceWithRole), (status = 404, body = Problem)))]
async fn get_workspace(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<WorkspaceWithRole>> {
    let (workspace, role) = workspace_access(&state, &p, &ws).await?;
    Ok(Json(WorkspaceWithRole { workspace, role }))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/nodes", tag = "model", params(("ws" = String, Path)),
    responses((status = 200, body = [Node]), (status = 404, body = Problem)))]
async fn list_nodes(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<Node>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_nodes(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/nodes", tag = "model", params(("ws" = String, Path)), request_body = NodeInput,
    responses((status = 201, body = Node), (status = 400, body = Problem), (status = 422, body = Problem), (status = 413, body = Problem)))]
async fn create_node(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<NodeInput>,
) -> ApiResult<(StatusCode, Json<Node>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_node(&p.actor, &ws, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/nodes/{id}", tag = "model", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Node), (status = 404, body = Problem)))]
async fn get_node(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Node>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_node(&ws, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/nodes/{id}", tag = "model", params(("ws" = String, Path), ("id" = String, Path)),
    request_body = NodeInput, responses((status = 200, body = Node), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_node(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<NodeInput>,
) -> ApiResult<Json<Node>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state.store.update_node(&p.actor, &ws, &id, input).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/nodes/{id}", tag = "model", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_node(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_node(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/connections", tag = "model", params(("ws" = String, Path)),
    responses((status = 200, body = [Connection])))]
async fn list_connections(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<Connection>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_connections(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/connections", tag = "model", params(("ws" = String, Path)), request_body = ConnectionInput,
    responses((status = 201, body = Connection), (status = 422, body = Problem)))]
async fn create_connection(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<ConnectionInput>,
) -> ApiResult<(StatusCode, Json<Connection>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_connection(&p.actor, &ws, input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/connections/{id}", tag = "model", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Connection), (status = 404, body = Problem)))]
async fn get_connection(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Connection>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_connection(&ws, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/connections/{id}", tag = "model", params(("ws" = String, Path), ("id" = String, Path)),
    request_body = ConnectionInput, responses((status = 200, body = Connection), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_connection(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ConnectionInput>,
) -> ApiResult<Json<Connection>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .update_connection(&p.actor, &ws, &id, input)
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/connections/{id}", tag = "model", params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_connection(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    state.store.delete_connection(&p.actor, &ws, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `json` (default) or `yaml`.
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/model", tag = "model", params(("ws" = String, Path), ExportQuery),
    responses((status = 200, body = ModelDocument, description = "The whole model as JSON or YAML")))]
async fn export_model(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    workspace_access(&state, &p, &ws).await?;
    let doc = state.store.export_model(&ws).await?;
    Ok(match q.format.as_deref() {
        Some("yaml") => {
            ([(header::CONTENT_TYPE, "application/yaml")], doc.to_yaml()).into_response()
        }
        None | Some("json") => {
            ([(header::CONTENT_TYPE, "application/json")], doc.to_json()).into_response()
        }
        Some(other) => {
            return Err(ApiError::bad_request(
                "format",
                format!("unknown format \"{other}\": use json or yaml"),
            ))
        }
    })
}

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `merge` (default) or `replace`.
    pub mode: Option<ImportMode>,
}

/// Parses an uploaded model document (YAML or JSON) into a checked document or a problem naming each fault.
pub fn parse_document(bytes: &[u8]) -> Result<ValidatedDocument, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ApiError::bad_request("(body)", format!("not UTF-8 text: {e}")))?;
    let doc = ModelDocument::parse(text).map_err(|e| ApiError::invalid(e.field_errors()))?;
    doc.validate()
        .map_err(|e| ApiError::invalid(e.field_errors()))
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/model", tag = "model", params(("ws" = String, Path), ImportQuery),
    request_body(content = ModelDocument, description = "YAML (application/yaml) or JSON"),
    responses((status = 200, body = ImportSummary), (status = 422, body = Problem)))]
async fn import_model(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<ImportQuery>,
    req: Request,
) -> ApiResult<Json<ImportSummary>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let bytes = body::read_body(req, &state).await?;
    let doc = parse_document(&bytes)?;
    Ok(Json(
        state
            .store
            .import_model(&p.actor, &ws, doc, q.mode.unwrap_or(ImportMode::Merge))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/diagram.svg", tag = "model", params(("ws" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", description = "The model in three bands")))]
async fn diagram_svg(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let (workspace, _) = workspace_access(&state, &p, &ws).await?;
    let svg = crate::ui::render_diagram(
        &state,
        &workspace,
        crate::i18n::Lang::from_headers(&headers),
    )
    .await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Entries with a sequence number below this (for paging backwards).
    pub before: Option<i64>,
    /// At most this many entries (1–1000, default 100).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/audit", tag = "audit", params(("ws" = String, Path), AuditQuery),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = Problem)))]
async fn list_audit(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    Ok(Json(
        state
            .store
            .list_audit(&ws, q.before, q.limit.unwrap_or(100))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/members", tag = "workspaces", params(("ws" = String, Path)),
    responses((status = 200, body = [Member])))]
async fn list_members(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<Member>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_members(&ws).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    pub email: String,
    pub role: sanso_core::access::Role,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationCreated {
    /// The one-time link to send to the invitee.
    pub url: String,
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/invitations", tag = "workspaces", params(("ws" = String, Path)),
    request_body = NewInvitation, responses((status = 201, body = InvitationCreated), (status = 403, body = Problem)))]
async fn create_invitation(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<NewInvitation>,
) -> ApiResult<(StatusCode, Json<InvitationCreated>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_admin(role)?;
    let secret = state
        .store
        .create_member_invitation(&p.actor, &ws, &input.email, input.role)
        .await?;
    let url = format!(
        "{}/invite/{secret}",
        state.config.public_url.trim_end_matches('/')
    );
    Ok((StatusCode::CREATED, Json(InvitationCreated { url })))
}

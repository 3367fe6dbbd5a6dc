//! Supplier requests and answers, supplier invitations, consented assessment shares and trust.
//!
//! Buyer side (the workspace that asks): `supplier-links` (suppliers with their relationship, ★
//! level to request and trust), `supply-requests` (the status board; send, remind, accept, return),
//! `shares/{id}` (a snapshot shared with this buyer, 404 once revoked). Supplier side (the
//! workspace that answers): `incoming-requests` (start, XLSX answers, share with consent),
//! `shares-given` (revoke). `supplier-invitations/{secret}/accept` completes a link.
//!
//! # Trust
//! [`trust_of`] turns a supplier's latest accepted, unrevoked share into
//! `sanso_supply::trust::TrustInputs`:
//! * level: the ★ catalog (`meti-star-draft`) gives ★4/★3 when that level is attained; below ★3,
//!   or for another framework, the share of in-scope requirements met (for ★, capped at 0.66 so
//!   that a partial ★3 never scores above an attained ★3);
//! * assessor: third-party when the supplier declared a third-party evaluation when sharing;
//! * coverage: answered ÷ in-scope requirements; evidence: answered with evidence ÷ answered;
//! * age: days since the answers last changed; open gaps: each unmet requirement of the level,
//!   weighted by the relationship ([`RelationshipFacts::gap_weight`]).
//!
//! With no accepted share the inputs are "nothing known" (no level, coverage 0, evidence 0).
//! [`overlay_trust`] writes the resulting protection onto the supplier's node before the weak-links
//! analytics (`api/supply.rs`) build their graph: what a supplier actually showed replaces any
//! hand-entered `protection`/`trust` attribute; suppliers without an accepted share keep them.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sanso_catalog::questionnaire;
use sanso_core::model::{FieldError, Node};
use sanso_store::supply::{
    AssessmentShare, IncomingRequest, NewSupplierLink, NewSupplyRequest, RelationshipFacts,
    RequestBoard, ShareConsent, Started, SupplierJoined, SupplierLink, SupplyRequest, TrustFacts,
};
use sanso_supply::star::{star_level_to_request, OtherFactors, RelationshipQuestions};
use sanso_supply::trust::{Assessor, Attainment, OpenGap, TrustInputs, TrustModel, TrustScore};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::body::{self, ApiJson};
use super::ApiResult;
use crate::auth::{cookie, require_edit, workspace_access, ApiUser, Principal, CSRF_COOKIE};
use crate::error::{ApiError, Problem};
use crate::SharedState;

/// This module's part of the OpenAPI document (merged into [`super::openapi`]).
#[derive(OpenApi)]
#[openapi(
    tags((name = "supply-requests")),
    paths(list_links, create_link, get_link, update_relationship, link_trust, board, create_request,
        get_request, request_step, buyer_share, incoming, incoming_one, start, upload_xlsx, share,
        shares_given, revoke, accept_invitation),
    components(schemas(SupplierOut, TrustOut, FactorOut, StarOut, LinkCreated, StepBody, AcceptBody))
)]
pub struct Doc;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route(
            "/workspaces/{ws}/supplier-links",
            get(list_links).post(create_link),
        )
        .route("/workspaces/{ws}/supplier-links/{id}", get(get_link))
        .route(
            "/workspaces/{ws}/supplier-links/{id}/relationship",
            put(update_relationship),
        )
        .route(
            "/workspaces/{ws}/supplier-links/{id}/trust",
            get(link_trust),
        )
        .route(
            "/workspaces/{ws}/supply-requests",
            get(board).post(create_request),
        )
        .route("/workspaces/{ws}/supply-requests/{id}", get(get_request))
        .route(
            "/workspaces/{ws}/supply-requests/{id}/{step}",
            post(request_step),
        )
        .route("/workspaces/{ws}/shares/{id}", get(buyer_share))
        .route("/workspaces/{ws}/incoming-requests", get(incoming))
        .route("/workspaces/{ws}/incoming-requests/{id}", get(incoming_one))
        .route("/workspaces/{ws}/incoming-requests/{id}/start", post(start))
        .route(
            "/workspaces/{ws}/incoming-requests/{id}/questionnaire.xlsx",
            put(upload_xlsx),
        )
        .route("/workspaces/{ws}/incoming-requests/{id}/share", post(share))
        .route("/workspaces/{ws}/shares-given", get(shares_given))
        .route("/workspaces/{ws}/shares-given/{id}/revoke", post(revoke))
        .route(
            "/supplier-invitations/{secret}/accept",
            post(accept_invitation),
        )
}

// ---- trust ----

/// One step of the trust score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FactorOut {
    pub key: String,
    pub explanation: String,
    pub delta: f64,
}

/// Trust of one supplier, explained.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrustOut {
    /// 0–100.
    pub score: f64,
    /// Probability an attack is stopped at the supplier (used by the weak-links analytics).
    pub protection: f64,
    /// The share it was computed from; `None`: nothing accepted yet.
    pub share_id: Option<String>,
    pub catalog_id: Option<String>,
    pub levels_attained: Vec<String>,
    pub inferred: bool,
    pub factors: Vec<FactorOut>,
}

/// The trust inputs a share gives (see module docs).
pub fn trust_inputs(facts: Option<&TrustFacts>, relationship: &RelationshipFacts) -> TrustInputs {
    let Some(f) = facts else {
        return TrustInputs {
            attainment: Attainment::None,
            assessor: Assessor::SelfAssessed,
            coverage: 0.0,
            evidence_share: 0.0,
            age_days: 0,
            open_gaps: Vec::new(),
        };
    };
    let s = &f.snapshot;
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            (a as f64 / b as f64).clamp(0.0, 1.0)
        }
    };
    let met_share = ratio(s.met, s.requirements_in_scope);
    let attainment = if s.catalog_id == "meti-star-draft" {
        if s.levels_attained.iter().any(|l| l == "star4") {
            Attainment::Star(4)
        } else if s.levels_attained.iter().any(|l| l == "star3") {
            Attainment::Star(3)
        } else {
            Attainment::Other(met_share.min(0.66))
        }
    } else {
        Attainment::Other(met_share)
    };
    let weight = relationship.gap_weight();
    TrustInputs {
        attainment,
        assessor: if f.third_party_evaluated {
            Assessor::ThirdParty
        } else {
            Assessor::SelfAssessed
        },
        coverage: ratio(s.answered, s.requirements_in_scope),
        evidence_share: ratio(s.with_evidence, s.answered),
        age_days: f.age_days,
        open_gaps: s
            .gaps
            .iter()
            .map(|g| OpenGap {
                requirement: g.clone(),
                weight,
            })
            .collect(),
    }
}

/// Scores a supplier (see module docs).
pub fn trust_of(
    facts: Option<&TrustFacts>,
    relationship: &RelationshipFacts,
) -> ApiResult<TrustOut> {
    let inputs = trust_inputs(facts, relationship);
    let TrustScore {
        score,
        protection,
        factors,
    } = TrustModel::default()
        .score(&inputs)
        .map_err(|e| ApiError::invalid(vec![FieldError::new("(trust)", e.to_string())]))?;
    let mut factors: Vec<FactorOut> = factors
        .into_iter()
        .map(|f| FactorOut {
            key: f.key.to_string(),
            explanation: f.explanation,
            delta: f.delta,
        })
        .collect();
    if facts.is_none() {
        if let Some(first) = factors.first_mut() {
            first.explanation = "base: no accepted answers from this supplier yet".into();
        }
    }
    Ok(TrustOut {
        score,
        protection,
        share_id: facts.map(|f| f.share_id.clone()),
        catalog_id: facts.map(|f| f.snapshot.catalog_id.clone()),
        levels_attained: facts
            .map(|f| f.snapshot.levels_attained.clone())
            .unwrap_or_default(),
        inferred: facts.is_some_and(|f| f.inferred),
        factors,
    })
}

/// Writes each supplier's trust-derived protection onto its node (only suppliers with an accepted
/// share; see module docs). Called by the weak-links analytics before they build the graph.
pub async fn overlay_trust(state: &SharedState, ws: &str, nodes: &mut [Node]) -> ApiResult<()> {
    let links = state.store.list_supplier_links(ws).await?;
    let facts = state.store.supplier_trust_facts(ws).await?;
    for link in links {
        let (Some(node_id), Some(f)) = (&link.node_id, facts.get(&link.id)) else {
            continue;
        };
        let trust = trust_of(Some(f), &link.facts)?;
        if let Some(node) = nodes.iter_mut().find(|n| &n.id == node_id) {
            node.attributes
                .insert("protection".into(), serde_json::json!(trust.protection));
        }
    }
    Ok(())
}

/// The ★ level to request from the relationship facts (the three questions).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StarOut {
    /// 3 or 4.
    pub level: u8,
    pub reasons: Vec<String>,
}

pub fn star_of(facts: &RelationshipFacts) -> StarOut {
    let q = RelationshipQuestions {
        handles_confidential_data: facts.confidential_data,
        outage_stops_us: facts.outage_stops_us,
        reaches_internal_systems: facts.reaches_internal_systems(),
    };
    let r = star_level_to_request(&q, &OtherFactors::default());
    StarOut {
        level: r.level,
        reasons: r.reasons,
    }
}

/// A supplier as the buyer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierOut {
    #[serde(flatten)]
    pub link: SupplierLink,
    /// False until the supplier accepted its invitation.
    pub joined: bool,
    pub star: StarOut,
    pub trust: TrustOut,
}

pub async fn suppliers(state: &SharedState, ws: &str) -> ApiResult<Vec<SupplierOut>> {
    let links = state.store.list_supplier_links(ws).await?;
    let facts = state.store.supplier_trust_facts(ws).await?;
    links
        .into_iter()
        .map(|link| {
            Ok(SupplierOut {
                joined: link.supplier_workspace_id.is_some(),
                star: star_of(&link.facts),
                trust: trust_of(facts.get(&link.id), &link.facts)?,
                link,
            })
        })
        .collect()
}

// ---- buyer: suppliers ----

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supplier-links", tag = "supply-requests", params(("ws" = String, Path)),
    responses((status = 200, body = [SupplierOut]), (status = 404, body = Problem)))]
pub async fn list_links(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<SupplierOut>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(suppliers(&state, &ws).await?))
}

/// The new supplier and the invitation link to send it.
#[derive(Serialize, ToSchema)]
pub struct LinkCreated {
    pub link: SupplierLink,
    /// One-time link: creates the supplier's account and workspace if needed.
    pub invitation_url: String,
    /// The secret inside the link (for `supplier-invitations/{secret}/accept`).
    pub invitation_secret: String,
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/supplier-links", tag = "supply-requests", params(("ws" = String, Path)),
    request_body = NewSupplierLink,
    responses((status = 201, body = LinkCreated), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "bad field, or a supplier cycle (named); nothing stored")))]
pub async fn create_link(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<NewSupplierLink>,
) -> ApiResult<(StatusCode, Json<LinkCreated>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let (link, secret) = state
        .store
        .create_supplier_link(&p.actor, &ws, input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(LinkCreated {
            link,
            invitation_url: invitation_url(&state, &secret),
            invitation_secret: secret,
        }),
    ))
}

pub fn invitation_url(state: &SharedState, secret: &str) -> String {
    format!(
        "{}/supplier-invitation/{secret}",
        state.config.public_url.trim_end_matches('/')
    )
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supplier-links/{id}", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = SupplierOut), (status = 404, body = Problem)))]
pub async fn get_link(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<SupplierOut>> {
    workspace_access(&state, &p, &ws).await?;
    suppliers(&state, &ws)
        .await?
        .into_iter()
        .find(|s| s.link.id == id)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/supplier-links/{id}/relationship", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = RelationshipFacts,
    responses((status = 200, body = SupplierLink), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_relationship(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(facts): ApiJson<RelationshipFacts>,
) -> ApiResult<Json<SupplierLink>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .update_relationship(&p.actor, &ws, &id, facts)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supplier-links/{id}/trust", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = TrustOut), (status = 404, body = Problem)))]
pub async fn link_trust(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<TrustOut>> {
    workspace_access(&state, &p, &ws).await?;
    let link = state.store.get_supplier_link(&ws, &id).await?;
    let facts = state.store.supplier_trust_facts(&ws).await?;
    Ok(Json(trust_of(facts.get(&id), &link.facts)?))
}

// ---- buyer: requests ----

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply-requests", tag = "supply-requests", params(("ws" = String, Path)),
    responses((status = 200, body = RequestBoard), (status = 404, body = Problem)))]
pub async fn board(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<RequestBoard>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.supply_request_board(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/supply-requests", tag = "supply-requests", params(("ws" = String, Path)),
    request_body = NewSupplyRequest,
    responses((status = 201, body = SupplyRequest), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "deleted supplier, unknown catalog or level, bad due date; nothing stored")))]
pub async fn create_request(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<NewSupplyRequest>,
) -> ApiResult<(StatusCode, Json<SupplyRequest>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_supply_request(&p.actor, &ws, input)
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply-requests/{id}", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = SupplyRequest), (status = 404, body = Problem)))]
pub async fn get_request(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<SupplyRequest>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_supply_request(&ws, &id).await?))
}

/// A comment for a step (required to return).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/supply-requests/{id}/{step}", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path), ("step" = String, Path, description = "send, remind, accept or return")),
    request_body = StepBody,
    responses((status = 200, body = SupplyRequest), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_step(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id, step)): Path<(String, String, String)>,
    req: Request,
) -> ApiResult<Json<SupplyRequest>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    if !matches!(step.as_str(), "send" | "remind" | "accept" | "return") {
        return Err(ApiError::not_found());
    }
    let bytes = body::read_body(req, &state).await?;
    let input: StepBody = if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        StepBody::default()
    } else {
        body::parse_json(&bytes)?
    };
    Ok(Json(
        state
            .store
            .buyer_request_step(&p.actor, &ws, &id, &step, &input.comment)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/shares/{id}", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = AssessmentShare, description = "The frozen snapshot a supplier shared with this workspace"),
        (status = 404, body = Problem, description = "not shared with this workspace, or revoked")))]
pub async fn buyer_share(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<AssessmentShare>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_share_for_buyer(&ws, &id).await?))
}

// ---- supplier side ----

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/incoming-requests", tag = "supply-requests", params(("ws" = String, Path)),
    responses((status = 200, body = [IncomingRequest]), (status = 404, body = Problem)))]
pub async fn incoming(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<IncomingRequest>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_incoming_requests(&ws).await?))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/incoming-requests/{id}", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = IncomingRequest), (status = 404, body = Problem)))]
pub async fn incoming_one(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<IncomingRequest>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.get_incoming_request(&ws, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/incoming-requests/{id}/start", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Started, description = "The assessment answering the request: attached, existing (same framework and level), inferred through mappings, or new"),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn start(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<Started>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(
        state
            .store
            .start_incoming_request(&p.actor, &ws, &id)
            .await?,
    ))
}

/// Reads a questionnaire for the request's assessment; a workbook of another framework is refused
/// with both frameworks named. Returns the number of answers stored.
pub async fn import_xlsx(
    state: &SharedState,
    p: &Principal,
    ws: &str,
    id: &str,
    bytes: &[u8],
) -> ApiResult<usize> {
    let assessment_id = state.store.incoming_assessment_id(ws, id).await?;
    let (record, catalog) = state
        .store
        .assessment_with_catalog(ws, &assessment_id)
        .await?;
    let answers = questionnaire::import(bytes, &catalog).map_err(|errors| {
        ApiError::invalid(
            errors
                .into_iter()
                .map(|e| {
                    if e.sheet == "_meta" && e.message.starts_with("catalog_id is") {
                        return FieldError::new(
                            "file",
                            format!(
                                "this workbook is a questionnaire for another framework ({}); the request asks for {} {} — download this request's questionnaire and fill that in",
                                e.message.trim_start_matches("catalog_id is ").split(',').next().unwrap_or(""),
                                catalog.id,
                                catalog.version
                            ),
                        );
                    }
                    let at = format!("file: {}", super::assessments::questionnaire_place(&e));
                    FieldError::new(at, e.message)
                })
                .collect(),
        )
    })?;
    let scope = super::assessments::answer_scope(&catalog, record.target_level.as_deref());
    let stored = state
        .store
        .import_questionnaire_answers(&p.actor, ws, &assessment_id, answers, scope)
        .await?;
    Ok(stored.answers.len())
}

#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/incoming-requests/{id}/questionnaire.xlsx", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = IncomingRequest), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "another framework's workbook, or faults with sheet/row/column; nothing stored")))]
pub async fn upload_xlsx(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    req: Request,
) -> ApiResult<Json<IncomingRequest>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    let bytes = body::read_body(req, &state).await?;
    import_xlsx(&state, &p, &ws, &id, &bytes).await?;
    Ok(Json(state.store.get_incoming_request(&ws, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/incoming-requests/{id}/share", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)), request_body = ShareConsent,
    responses((status = 201, body = AssessmentShare), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "no consent, no answers, or evaluator missing")))]
pub async fn share(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
    ApiJson(consent): ApiJson<ShareConsent>,
) -> ApiResult<(StatusCode, Json<AssessmentShare>)> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .share_for_request(&p.actor, &ws, &id, consent)
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/shares-given", tag = "supply-requests", params(("ws" = String, Path)),
    responses((status = 200, body = [AssessmentShare]), (status = 404, body = Problem)))]
pub async fn shares_given(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<Vec<AssessmentShare>>> {
    workspace_access(&state, &p, &ws).await?;
    Ok(Json(state.store.list_shares_given(&ws).await?))
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/shares-given/{id}/revoke", tag = "supply-requests",
    params(("ws" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = AssessmentShare), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn revoke(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path((ws, id)): Path<(String, String)>,
) -> ApiResult<Json<AssessmentShare>> {
    let (_, role) = workspace_access(&state, &p, &ws).await?;
    require_edit(role)?;
    Ok(Json(state.store.revoke_share(&p.actor, &ws, &id).await?))
}

// ---- supplier invitation ----

/// Accepting a supplier invitation: signed in (bearer token or session) to use an existing
/// account, or with `display_name` and `password` to create one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// One of the caller's workspaces to link (default: its first it may edit, else a new one).
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Name of the workspace created when the supplier has none (default: the supplier's name).
    #[serde(default)]
    pub workspace_name: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/supplier-invitations/{secret}/accept", tag = "supply-requests",
    params(("secret" = String, Path)), request_body = AcceptBody,
    responses((status = 200, body = SupplierJoined), (status = 404, body = Problem, description = "unknown, used or expired invitation"),
        (status = 422, body = Problem)))]
pub async fn accept_invitation(
    State(state): State<SharedState>,
    principal: Option<Principal>,
    headers: HeaderMap,
    Path(secret): Path<String>,
    ApiJson(input): ApiJson<AcceptBody>,
) -> ApiResult<Json<SupplierJoined>> {
    if let Some(p) = &principal {
        if !p.via_token {
            // A cookie-authenticated write needs the double-submit CSRF header, as in ApiUser.
            let header = headers
                .get(crate::auth::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let expected = cookie(&headers, CSRF_COOKIE).unwrap_or_default();
            if !crate::auth::tokens_match(header, &expected) {
                return Err(ApiError::csrf());
            }
        }
    }
    let new_account = match (&input.display_name, &input.password) {
        (Some(n), Some(pw)) if principal.is_none() => Some((n.as_str(), pw.as_str())),
        _ => None,
    };
    Ok(Json(
        state
            .store
            .accept_supplier_invitation(
                &secret,
                principal.as_ref().map(|p| &p.user),
                new_account,
                input.workspace_id.as_deref(),
                input.workspace_name.as_deref(),
            )
            .await?,
    ))
}

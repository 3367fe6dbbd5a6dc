//! Supply-chain weak links over the stored value-chain model (`sanso_supply`), read-only for any
//! member of the workspace, under `/api/v1/workspaces/{ws}/supply/`.
//!
//! # From the stored model to the analytics graph
//! [`build_graph`] is the whole adapter; it reads a workspace's nodes and connections and builds
//! a `SupplyGraph` without touching the store again.
//!
//! **Nodes.** Component kinds map to the library's node kinds: organization → organization,
//! system → system, data → data, component → component, procedure → operation, person →
//! operation (a person is neither a company nor an asset, the library's closest kind is the
//! work it does). `critical` and `exposed` are copied. Every organisation is a supplier (and
//! an entry point) unless it is **the buyer**: `category` equal to `buyer` (any case) or
//! `attributes.buyer == true`.
//!
//! **Protection** of a node, in this order:
//! 1. `attributes.protection`: a number in [0, 1];
//! 2. `attributes.trust`: trust inputs scored with `sanso_supply::trust::trust_score`
//!    (protection = 0.95 × score / 100), written as
//!    `{"level": "none"|"star1"…"star4"|"other", "attainment": 0.7 (only for other),
//!      "assessor": "self"|"third_party", "coverage": 0.9, "evidence_share": 0.5,
//!      "age_days": 500, "open_gaps": [{"requirement": "CPS.AM-1", "weight": 0.6}]}`
//!    (`assessor` defaults to self, `coverage`/`evidence_share` to 0, `age_days` to 0,
//!    `open_gaps` to none);
//! 3. otherwise **0**: nothing known earns no credit.
//!
//! A supplier linked through `api/supply_flow.rs` whose latest answers the buyer accepted gets its
//! protection from that trust score instead (written as `attributes.protection` before building).
//!
//! Optional `attributes.entry_likelihood` ∈ [0, 1] (default 1) and `attributes.value` > 0
//! (weight of a critical asset, default 1) are passed through. A bad value answers 422 with
//! the field `nodes[<id>].attributes.<name>` and the node's name in the message.
//!
//! **Connections.** Stored direction is source → target; the library's edges run from the
//! upstream side to the side that depends on it:
//!
//! | stored kind | library edge | direction | default propagation |
//! |---|---|---|---|
//! | supplies | supplies | source → target | 0.3 |
//! | operates | operates | source → target | 0.7 |
//! | owns | operates | source → target | 0.7 |
//! | contains (product contains part) | contains | **target → source** (part → product) | 0.5 |
//! | uses (A uses B) | supplies | **target → source** (B serves A) | 0.3 |
//! | transfers_data | transfers_data | source → target | 0.4 |
//! | accesses | accesses | source → target | 0.9 |
//! | senses | senses | source → target | 0.4 |
//! | actuates | actuates | source → target | 0.6 |
//! | other | not analysed | — | — |
//!
//! `attributes.edge_kind` (one of the library's kinds: supplies, operates, maintains, contains,
//! hosts, transfers_data, accesses, senses, actuates) overrides the mapping and keeps the
//! stored direction — the way to say "system hosts data" or "maintains" — and
//! `attributes.propagation` ∈ [0, 1] overrides the propagation. The layer is the stored one.
//!
//! **★ questions.** `star-request` answers the ★ scheme's three questions from, in order: the
//! query (`q1`, `q2`, `q3`), `attributes.star_questions` of a connection from the supplier to
//! the buyer, the supplier node's `attributes.star_questions`
//! (`{"handles_confidential_data": bool, "outage_stops_us": bool, "reaches_internal_systems": bool}`),
//! else the library's suggestion from the graph. A supplier on one of the 10 most likely attack
//! paths, or whose strengthening to ★4 cuts total exposure by at least 1 %, is raised to ★4.
//!
//! Every call reloads the workspace's model and rebuilds the graph (no cache yet).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sanso_core::model::{ComponentKind, Connection, ConnectionKind, FieldError, Node};
use sanso_supply::criticality::{rank, Candidates, CriticalityOptions};
use sanso_supply::exposure::{analyse, AttackPath, ExposureOptions};
use sanso_supply::graph::{EdgeKind, EdgeSpec, GraphBuilder, Layer, NodeKind, NodeSpec};
use sanso_supply::graph::{NodeIdx, SupplyGraph};
use sanso_supply::impact::{impact as impact_of, Disruption, ImpactRules};
use sanso_supply::star::RelationshipQuestions;
use sanso_supply::star::{star_level_to_request, suggest_questions, OtherFactors};
use sanso_supply::tiers::{find_supply_cycle, supplier_tiers};
use sanso_supply::trust::{trust_score, Assessor, Attainment, OpenGap, TrustInputs, TrustModel};
use sanso_supply::whatif::{what_if as what_if_of, Change};
use sanso_supply::SupplyError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::body::ApiJson;
use super::ApiResult;
use crate::auth::{workspace_access, ApiUser};
use crate::error::ApiError;
use crate::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/workspaces/{ws}/supply/exposure", get(exposure))
        .route("/workspaces/{ws}/supply/paths", get(paths))
        .route("/workspaces/{ws}/supply/criticality", get(criticality))
        .route("/workspaces/{ws}/supply/what-if", post(what_if))
        .route("/workspaces/{ws}/supply/impact", get(impact))
        .route("/workspaces/{ws}/supply/tiers", get(tiers))
        .route("/workspaces/{ws}/supply/star-request", get(star_request))
        .route(
            "/workspaces/{ws}/supply/weak-links.svg",
            get(weak_links_svg),
        )
}

/// The analytics graph of one workspace with the maps back to stored ids.
pub struct ChainGraph {
    pub graph: SupplyGraph,
    /// Stored connection id per library edge index.
    pub edge_ids: Vec<String>,
    /// Library edge index per analysed connection id.
    pub edge_of: HashMap<String, u32>,
}

fn field_error(node: &Node, field: &str, message: impl std::fmt::Display) -> FieldError {
    FieldError::new(
        format!("nodes[{}].attributes.{field}", node.id),
        format!("node \"{}\": {message}", node.name),
    )
}

fn probability_attr(node: &Node, key: &str) -> Result<Option<f64>, FieldError> {
    match node.attributes.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(p) if p.is_finite() && (0.0..=1.0).contains(&p) => Ok(Some(p)),
            _ => Err(field_error(
                node,
                key,
                format!("{v} is not a probability in [0, 1]"),
            )),
        },
    }
}

fn is_buyer(node: &Node) -> bool {
    node.kind == ComponentKind::Organization
        && (node.category.eq_ignore_ascii_case("buyer")
            || node.attributes.get("buyer") == Some(&Value::Bool(true)))
}

fn share(node: &Node, trust: &Map<String, Value>, key: &str) -> Result<f64, FieldError> {
    match trust.get(key) {
        None | Some(Value::Null) => Ok(0.0),
        Some(v) => match v.as_f64() {
            Some(p) if p.is_finite() && (0.0..=1.0).contains(&p) => Ok(p),
            _ => Err(field_error(
                node,
                &format!("trust.{key}"),
                format!("{v} is not a share in [0, 1]"),
            )),
        },
    }
}

/// Trust inputs from `attributes.trust` (see module docs).
fn trust_inputs(node: &Node, value: &Value) -> Result<TrustInputs, FieldError> {
    let trust = value
        .as_object()
        .ok_or_else(|| field_error(node, "trust", "must be an object"))?;
    let level = trust.get("level").and_then(Value::as_str).unwrap_or("none");
    let attainment = match level {
        "none" => Attainment::None,
        "star1" => Attainment::Star(1),
        "star2" => Attainment::Star(2),
        "star3" => Attainment::Star(3),
        "star4" => Attainment::Star(4),
        "other" => Attainment::Other(share(node, trust, "attainment")?),
        other => {
            return Err(field_error(
                node,
                "trust.level",
                format!(
                "unknown trust level \"{other}\": use none, star1, star2, star3, star4 or other"
            ),
            ))
        }
    };
    let assessor = match trust.get("assessor").and_then(Value::as_str) {
        None | Some("self") => Assessor::SelfAssessed,
        Some("third_party") => Assessor::ThirdParty,
        Some(other) => {
            return Err(field_error(
                node,
                "trust.assessor",
                format!("unknown assessor \"{other}\": use self or third_party"),
            ))
        }
    };
    let age_days = match trust.get("age_days") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_u64()
            .and_then(|d| u32::try_from(d).ok())
            .ok_or_else(|| {
                field_error(
                    node,
                    "trust.age_days",
                    format!("{v} is not a number of days"),
                )
            })?,
    };
    let mut open_gaps = Vec::new();
    if let Some(gaps) = trust.get("open_gaps") {
        let list = gaps
            .as_array()
            .ok_or_else(|| field_error(node, "trust.open_gaps", "must be a list"))?;
        for (i, gap) in list.iter().enumerate() {
            let requirement = gap
                .get("requirement")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let weight = gap
                .get("weight")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN);
            if !(weight.is_finite() && (0.0..=1.0).contains(&weight)) {
                return Err(field_error(
                    node,
                    &format!("trust.open_gaps[{i}].weight"),
                    "must be a number in [0, 1]",
                ));
            }
            open_gaps.push(OpenGap {
                requirement,
                weight,
            });
        }
    }
    Ok(TrustInputs {
        attainment,
        assessor,
        coverage: share(node, trust, "coverage")?,
        evidence_share: share(node, trust, "evidence_share")?,
        age_days,
        open_gaps,
    })
}

fn protection_of(node: &Node) -> Result<f64, FieldError> {
    if let Some(p) = probability_attr(node, "protection")? {
        return Ok(p);
    }
    match node.attributes.get("trust") {
        None | Some(Value::Null) => Ok(0.0),
        Some(value) => {
            let inputs = trust_inputs(node, value)?;
            trust_score(&inputs)
                .map(|s| s.protection)
                .map_err(|e| field_error(node, "trust", e))
        }
    }
}

fn node_kind(kind: ComponentKind) -> NodeKind {
    match kind {
        ComponentKind::Organization => NodeKind::Organization,
        ComponentKind::System => NodeKind::System,
        ComponentKind::Data => NodeKind::Data,
        ComponentKind::Component => NodeKind::Component,
        ComponentKind::Procedure | ComponentKind::Person => NodeKind::Operation,
    }
}

fn layer(l: sanso_core::model::Layer) -> Layer {
    match l {
        sanso_core::model::Layer::L1 => Layer::L1,
        sanso_core::model::Layer::L2 => Layer::L2,
        sanso_core::model::Layer::L3 => Layer::L3,
    }
}

fn conn_error(c: &Connection, field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(
        format!("connections[{}].attributes.{field}", c.id),
        message.into(),
    )
}

/// Library edge kind and whether the stored direction is reversed; `None` = not analysed.
fn edge_kind(c: &Connection) -> Result<Option<(EdgeKind, bool)>, FieldError> {
    if let Some(v) = c.attributes.get("edge_kind") {
        let name = v.as_str().unwrap_or_default();
        return EdgeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .map(|k| Some((k, false)))
            .ok_or_else(|| {
                conn_error(
                    c,
                    "edge_kind",
                    format!("unknown edge kind {v}: use one of supplies, operates, maintains, contains, hosts, transfers_data, accesses, senses, actuates"),
                )
            });
    }
    Ok(match c.kind {
        ConnectionKind::Supplies => Some((EdgeKind::Supplies, false)),
        ConnectionKind::Operates | ConnectionKind::Owns => Some((EdgeKind::Operates, false)),
        ConnectionKind::Contains => Some((EdgeKind::Contains, true)),
        ConnectionKind::Uses => Some((EdgeKind::Supplies, true)),
        ConnectionKind::TransfersData => Some((EdgeKind::TransfersData, false)),
        ConnectionKind::Accesses => Some((EdgeKind::Accesses, false)),
        ConnectionKind::Senses => Some((EdgeKind::Senses, false)),
        ConnectionKind::Actuates => Some((EdgeKind::Actuates, false)),
        ConnectionKind::Other => None,
    })
}

fn supply_error(e: SupplyError) -> ApiError {
    ApiError::invalid(vec![FieldError::new("(graph)", e.to_string())])
}

/// Build the analytics graph of a workspace (see module docs); every bad attribute is reported.
pub fn build_graph(nodes: &[Node], connections: &[Connection]) -> Result<ChainGraph, ApiError> {
    let mut errors = Vec::new();
    let mut b = GraphBuilder::new();
    b.reserve(nodes.len(), connections.len());
    for node in nodes {
        let protection = protection_of(node);
        let entry = probability_attr(node, "entry_likelihood");
        let value = match node.attributes.get("value") {
            None | Some(Value::Null) => Ok(1.0),
            Some(v) => match v.as_f64() {
                Some(x) if x.is_finite() && x > 0.0 => Ok(x),
                _ => Err(field_error(
                    node,
                    "value",
                    format!("{v} must be a positive number"),
                )),
            },
        };
        let (protection, entry, value) = match (protection, entry, value) {
            (Ok(p), Ok(e), Ok(v)) => (p, e.unwrap_or(1.0), v),
            (p, e, v) => {
                errors.extend(p.err());
                errors.extend(e.err());
                errors.extend(v.err());
                continue;
            }
        };
        let mut spec = NodeSpec::new(node.id.clone(), node_kind(node.kind))
            .name(node.name.clone())
            .protection(protection)
            .entry_likelihood(entry)
            .value(value);
        spec.critical = node.critical;
        spec.exposed = node.exposed;
        spec.buyer = is_buyer(node);
        b.add_node(spec).map_err(supply_error)?;
    }
    let mut edge_ids = Vec::new();
    let mut edge_of = HashMap::new();
    for c in connections {
        let kind = match edge_kind(c) {
            Ok(Some(k)) => k,
            Ok(None) => continue,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let propagation = match c.attributes.get("propagation") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_f64() {
                Some(p) if p.is_finite() && (0.0..=1.0).contains(&p) => Some(p),
                _ => {
                    errors.push(conn_error(
                        c,
                        "propagation",
                        format!("{v} is not a probability in [0, 1]"),
                    ));
                    continue;
                }
            },
        };
        if !errors.is_empty() {
            continue;
        }
        let (kind, reversed) = kind;
        let (from, to) = if reversed {
            (&c.target_id, &c.source_id)
        } else {
            (&c.source_id, &c.target_id)
        };
        let e = b
            .add_edge_spec(&EdgeSpec {
                from: from.clone(),
                to: to.clone(),
                kind,
                layer: Some(layer(c.layer)),
                propagation,
            })
            .map_err(supply_error)?;
        edge_of.insert(c.id.clone(), e);
        edge_ids.push(c.id.clone());
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(ChainGraph {
        graph: b.build(),
        edge_ids,
        edge_of,
    })
}

pub(crate) async fn load(
    state: &SharedState,
    p: &crate::auth::Principal,
    ws: &str,
) -> ApiResult<ChainGraph> {
    workspace_access(state, p, ws).await?;
    let mut nodes = state.store.list_nodes(ws).await?;
    // Trust from accepted supplier answers sets those suppliers' protection (api/supply_flow.rs).
    super::supply_flow::overlay_trust(state, ws, &mut nodes).await?;
    let connections = state.store.list_connections(ws).await?;
    build_graph(&nodes, &connections)
}

impl ChainGraph {
    fn node(&self, id: &str) -> ApiResult<NodeIdx> {
        self.graph.node(id).ok_or_else(ApiError::not_found)
    }
    fn node_ref(&self, v: NodeIdx) -> NodeRef {
        NodeRef {
            id: self.graph.id(v).to_string(),
            name: self.graph.name(v).to_string(),
            kind: self.graph.kind(v).as_str().to_string(),
        }
    }
    fn path(&self, p: &AttackPath) -> PathOut {
        PathOut {
            likelihood: p.likelihood,
            nodes: p.nodes.iter().map(|&v| self.node_ref(v)).collect(),
            connections: p
                .edges
                .iter()
                .map(|&e| self.edge_ids[e as usize].clone())
                .collect(),
            description: p.describe(&self.graph),
        }
    }
}

/// A node of the chain.
#[derive(Serialize, ToSchema)]
pub struct NodeRef {
    pub id: String,
    pub name: String,
    /// The analytics kind: organization, system, data, component, operation.
    pub kind: String,
}

/// One attack path, entry first.
#[derive(Serialize, ToSchema)]
pub struct PathOut {
    /// Entry × Π(1 − protection) × Π propagation.
    pub likelihood: f64,
    pub nodes: Vec<NodeRef>,
    /// Connection ids along the path.
    pub connections: Vec<String>,
    /// `A -kind-> B …` with names.
    pub description: String,
}

#[derive(Serialize, ToSchema)]
pub struct AssetExposureOut {
    pub asset: NodeRef,
    /// Likelihood of the most likely path (0 when none reaches it).
    pub exposure: f64,
    /// Noisy-OR over the reported paths (upper estimate).
    pub combined: f64,
    pub paths: Vec<PathOut>,
    pub paths_truncated: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ExposureOut {
    pub assets: Vec<AssetExposureOut>,
    /// Σ value × exposure.
    pub total: f64,
}

#[derive(Deserialize, IntoParams)]
pub struct ExposureQuery {
    /// Paths per critical asset (1–50, default 3).
    pub k: Option<usize>,
}

fn bounded(name: &str, v: Option<usize>, default: usize, max: usize) -> ApiResult<usize> {
    match v {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::invalid(vec![FieldError::new(
            name,
            format!("{n} is out of range 1–{max}"),
        )])),
    }
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply/exposure", tag = "supply", params(("ws" = String, Path), ExposureQuery),
    responses((status = 200, body = ExposureOut), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(crate) async fn exposure(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<ExposureQuery>,
) -> ApiResult<Json<ExposureOut>> {
    let k = bounded("k", q.k, 3, 50)?;
    let g = load(&state, &p, &ws).await?;
    let options = ExposureOptions {
        paths_per_asset: k,
        ..ExposureOptions::default()
    };
    let report = analyse(&g.graph, &options);
    Ok(Json(ExposureOut {
        assets: report
            .assets
            .iter()
            .map(|a| AssetExposureOut {
                asset: g.node_ref(a.asset),
                exposure: a.exposure,
                combined: a.combined,
                paths: a.paths.iter().map(|p| g.path(p)).collect(),
                paths_truncated: a.paths_truncated,
            })
            .collect(),
        total: report.total,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct PathsQuery {
    /// How many paths (1–100, default 10).
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply/paths", tag = "supply", params(("ws" = String, Path), PathsQuery),
    responses((status = 200, body = [PathOut]), (status = 404, body = crate::error::Problem)))]
pub(super) async fn paths(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<PathsQuery>,
) -> ApiResult<Json<Vec<PathOut>>> {
    let limit = bounded("limit", q.limit, 10, 100)?;
    let g = load(&state, &p, &ws).await?;
    let options = ExposureOptions {
        top_paths: limit,
        ..ExposureOptions::default()
    };
    let report = analyse(&g.graph, &options);
    Ok(Json(report.top_paths.iter().map(|p| g.path(p)).collect()))
}

#[derive(Deserialize, IntoParams)]
pub struct CriticalityQuery {
    /// How many nodes (1–1000, default 20).
    pub top: Option<usize>,
    /// Protection a strengthened node reaches (default: a fresh third-party ★4, 0.8075).
    pub target: Option<f64>,
    /// `suppliers` (default) or `all`.
    pub candidates: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CriticalOut {
    pub node: NodeRef,
    pub protection: f64,
    /// Exact drop of total exposure.
    pub drop: f64,
    pub drop_share: f64,
    pub assets_improved: usize,
}

#[derive(Serialize, ToSchema)]
pub struct CriticalityOut {
    pub total_exposure: f64,
    pub target_protection: f64,
    pub ranked: Vec<CriticalOut>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply/criticality", tag = "supply", params(("ws" = String, Path), CriticalityQuery),
    responses((status = 200, body = CriticalityOut), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(crate) async fn criticality(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<CriticalityQuery>,
) -> ApiResult<Json<CriticalityOut>> {
    let top = bounded("top", q.top, 20, 1000)?;
    let target = q
        .target
        .unwrap_or_else(|| TrustModel::default().star4_protection());
    if !(target.is_finite() && (0.0..=1.0).contains(&target)) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "target",
            format!("{target} is not a protection in [0, 1]"),
        )]));
    }
    let candidates = match q.candidates.as_deref() {
        None | Some("suppliers") => Candidates::Suppliers,
        Some("all") => Candidates::AllNodes,
        Some(other) => {
            return Err(ApiError::invalid(vec![FieldError::new(
                "candidates",
                format!("unknown value \"{other}\": use suppliers or all"),
            )]))
        }
    };
    let g = load(&state, &p, &ws).await?;
    let ranking = rank(
        &g.graph,
        &CriticalityOptions {
            target_protection: target,
            top,
            candidates,
        },
    )
    .map_err(supply_error)?;
    Ok(Json(CriticalityOut {
        total_exposure: ranking.total_exposure,
        target_protection: target,
        ranked: ranking
            .ranked
            .iter()
            .map(|r| CriticalOut {
                node: g.node_ref(r.node),
                protection: r.protection,
                drop: r.drop,
                drop_share: r.drop_share,
                assets_improved: r.assets_improved,
            })
            .collect(),
    }))
}

/// One change of a what-if scenario, by stored id.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum WhatIfChange {
    /// The node's protection becomes `protection`.
    SetProtection { node: String, protection: f64 },
    /// The supplier reaches ★4 (fresh, fully answered and evidenced, third-party evaluated).
    ReachesStar4 { node: String },
    /// The connection is cut.
    RemoveConnection { connection: String },
    /// The node disappears with its connections.
    RemoveNode { node: String },
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIfInput {
    pub changes: Vec<WhatIfChange>,
}

#[derive(Serialize, ToSchema)]
pub struct AssetDeltaOut {
    pub asset: NodeRef,
    pub before: f64,
    pub after: f64,
    /// after − before (negative = safer).
    pub delta: f64,
    pub best_path_before: Option<PathOut>,
    pub best_path_after: Option<PathOut>,
}

#[derive(Serialize, ToSchema)]
pub struct WhatIfOut {
    pub total_before: f64,
    pub total_after: f64,
    pub total_delta: f64,
    pub assets: Vec<AssetDeltaOut>,
    pub top_paths_after: Vec<PathOut>,
}

#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/supply/what-if", tag = "supply", params(("ws" = String, Path)), request_body = WhatIfInput,
    responses((status = 200, body = WhatIfOut), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(crate) async fn what_if(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    ApiJson(input): ApiJson<WhatIfInput>,
) -> ApiResult<Json<WhatIfOut>> {
    let g = load(&state, &p, &ws).await?;
    let mut changes = Vec::with_capacity(input.changes.len());
    for (i, c) in input.changes.iter().enumerate() {
        changes.push(match c {
            WhatIfChange::SetProtection { node, protection } => {
                if !(protection.is_finite() && (0.0..=1.0).contains(protection)) {
                    return Err(ApiError::invalid(vec![FieldError::new(
                        format!("changes[{i}].protection"),
                        format!("{protection} is not a probability in [0, 1]"),
                    )]));
                }
                Change::SetProtection {
                    node: g.node(node)?,
                    protection: *protection,
                }
            }
            WhatIfChange::ReachesStar4 { node } => {
                let v = g.node(node)?;
                if g.graph.kind(v) != NodeKind::Organization {
                    return Err(ApiError::invalid(vec![FieldError::new(
                        format!("changes[{i}].node"),
                        format!("\"{}\" is not an organisation", g.graph.name(v)),
                    )]));
                }
                Change::SetTrust {
                    node: v,
                    trust: TrustInputs {
                        attainment: Attainment::Star(4),
                        assessor: Assessor::ThirdParty,
                        coverage: 1.0,
                        evidence_share: 1.0,
                        age_days: 0,
                        open_gaps: Vec::new(),
                    },
                }
            }
            WhatIfChange::RemoveConnection { connection } => match g.edge_of.get(connection) {
                Some(&edge) => Change::RemoveEdge { edge },
                None => {
                    // Stored but not analysed (kind "other") vs. unknown here (404).
                    state.store.get_connection(&ws, connection).await?;
                    return Err(ApiError::invalid(vec![FieldError::new(
                        format!("changes[{i}].connection"),
                        "this connection's kind (other) is not part of the analysed chain",
                    )]));
                }
            },
            WhatIfChange::RemoveNode { node } => Change::RemoveNode {
                node: g.node(node)?,
            },
        });
    }
    let report =
        what_if_of(&g.graph, &changes, &ExposureOptions::default()).map_err(supply_error)?;
    Ok(Json(WhatIfOut {
        total_before: report.total_before,
        total_after: report.total_after,
        total_delta: report.total_after - report.total_before,
        assets: report
            .assets
            .iter()
            .map(|a| AssetDeltaOut {
                asset: g.node_ref(a.asset),
                before: a.before,
                after: a.after,
                delta: a.delta,
                best_path_before: a.best_path_before.as_ref().map(|p| g.path(p)),
                best_path_after: a.best_path_after.as_ref().map(|p| g.path(p)),
            })
            .collect(),
        top_paths_after: report.top_paths_after.iter().map(|p| g.path(p)).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ImpactQuery {
    /// The disrupted node's id.
    pub node: String,
    /// `compromised` (default) or `stopped`.
    pub mode: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AffectedOut {
    pub node: NodeRef,
    pub hops: u32,
    /// From the disrupted node to this one.
    pub path: Vec<NodeRef>,
    pub connections: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImpactOut {
    pub source: NodeRef,
    pub mode: String,
    /// Nearest first.
    pub affected: Vec<AffectedOut>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply/impact", tag = "supply", params(("ws" = String, Path), ImpactQuery),
    responses((status = 200, body = ImpactOut), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(crate) async fn impact(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<ImpactQuery>,
) -> ApiResult<Json<ImpactOut>> {
    let (disruption, mode) = match q.mode.as_deref() {
        None | Some("compromised") => (Disruption::Compromised, "compromised"),
        Some("stopped") => (Disruption::Stopped, "stopped"),
        Some(other) => {
            return Err(ApiError::invalid(vec![FieldError::new(
                "mode",
                format!("unknown mode \"{other}\": use compromised or stopped"),
            )]))
        }
    };
    let g = load(&state, &p, &ws).await?;
    let v = g.node(&q.node)?;
    let report =
        impact_of(&g.graph, v, disruption, &ImpactRules::default()).map_err(supply_error)?;
    Ok(Json(ImpactOut {
        source: g.node_ref(v),
        mode: mode.to_string(),
        affected: report
            .affected
            .iter()
            .map(|a| AffectedOut {
                node: g.node_ref(a.node),
                hops: a.hops,
                path: a.path.iter().map(|&v| g.node_ref(v)).collect(),
                connections: a
                    .edges
                    .iter()
                    .map(|&e| g.edge_ids[e as usize].clone())
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct TierOut {
    pub node: NodeRef,
    /// 0 = buyer, 1 = direct supplier …; null when it reaches no buyer.
    pub tier: Option<u32>,
    pub buyer: bool,
    /// Protection the analytics use (from attributes, see the module docs).
    pub protection: f64,
}

#[derive(Serialize, ToSchema)]
pub struct TiersOut {
    pub depth: u32,
    /// Every organisation.
    pub organisations: Vec<TierOut>,
}

fn cycle_error(g: &ChainGraph) -> Option<ApiError> {
    let cycle = find_supply_cycle(&g.graph)?;
    let names: Vec<String> = cycle
        .iter()
        .map(|&v| format!("{} ({})", g.graph.name(v), g.graph.id(v)))
        .collect();
    Some(ApiError::invalid(vec![FieldError::new(
        "connections",
        format!(
            "supplier cycle: {} — a supplier cannot be its own direct or indirect supplier",
            names.join(" → ")
        ),
    )]))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply/tiers", tag = "supply", params(("ws" = String, Path)),
    responses((status = 200, body = TiersOut), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem, description = "supplier cycle or no buyer")))]
pub(crate) async fn tiers(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
) -> ApiResult<Json<TiersOut>> {
    let g = load(&state, &p, &ws).await?;
    if let Some(e) = cycle_error(&g) {
        return Err(e);
    }
    let t = supplier_tiers(&g.graph).map_err(supply_error)?;
    let organisations = (0..g.graph.node_count() as NodeIdx)
        .filter(|&v| g.graph.kind(v) == NodeKind::Organization)
        .map(|v| TierOut {
            node: g.node_ref(v),
            tier: t.tier(v),
            buyer: g.graph.is_buyer(v),
            protection: g.graph.protection(v),
        })
        .collect();
    Ok(Json(TiersOut {
        depth: t.depth(),
        organisations,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct StarQuery {
    /// The supplier organisation's node id.
    pub supplier: String,
    /// Q1: our important confidential data is handled in its IT environment.
    pub q1: Option<bool>,
    /// Q2: its outage would cause us an unacceptable delay.
    pub q2: Option<bool>,
    /// Q3: it can reach our internal systems.
    pub q3: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct StarOut {
    pub supplier: NodeRef,
    /// 3 or 4.
    pub level: u8,
    pub reasons: Vec<String>,
    pub handles_confidential_data: bool,
    pub outage_stops_us: bool,
    pub reaches_internal_systems: bool,
    /// Where each answer (Q1, Q2, Q3) came from, first found wins: `query`, `connection`
    /// (`attributes.star_questions` of a connection from the supplier to the buyer), `node`
    /// (the supplier node's `attributes.star_questions`) or `suggested` (from the graph, see
    /// `sanso_supply::star::suggest_questions`; the buyer confirms).
    pub answer_sources: [String; 3],
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply/star-request", tag = "supply", params(("ws" = String, Path), StarQuery),
    responses((status = 200, body = StarOut), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(super) async fn star_request(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<StarQuery>,
) -> ApiResult<Json<StarOut>> {
    workspace_access(&state, &p, &ws).await?;
    let supplier_node = state.store.get_node(&ws, &q.supplier).await?;
    let mut nodes = state.store.list_nodes(&ws).await?;
    super::supply_flow::overlay_trust(&state, &ws, &mut nodes).await?;
    let connections = state.store.list_connections(&ws).await?;
    let g = build_graph(&nodes, &connections)?;
    let v = g.node(&q.supplier)?;
    if !g.graph.is_supplier(v) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "supplier",
            format!("\"{}\" is not a supplier organisation", supplier_node.name),
        )]));
    }
    let suggested = suggest_questions(&g.graph, v).map_err(supply_error)?;
    // Answers stored on the relationship: a connection from the supplier to a buyer.
    let buyers: Vec<&str> = nodes
        .iter()
        .filter(|n| is_buyer(n))
        .map(|n| n.id.as_str())
        .collect();
    let on_connection = connections.iter().find_map(|c| {
        (c.source_id == q.supplier && buyers.contains(&c.target_id.as_str()))
            .then(|| c.attributes.get("star_questions").map(|a| (c, a)))
            .flatten()
    });
    let on_node = supplier_node.attributes.get("star_questions");
    let answer = |query: Option<bool>, key: &str, guess: bool| -> ApiResult<(bool, String)> {
        if let Some(b) = query {
            return Ok((b, "query".into()));
        }
        if let Some((c, a)) = on_connection {
            match a.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::Bool(b)) => return Ok((*b, "connection".into())),
                Some(other) => {
                    return Err(ApiError::invalid(vec![conn_error(
                        c,
                        &format!("star_questions.{key}"),
                        format!("{other} is not true or false"),
                    )]))
                }
            }
        }
        match on_node.and_then(|s| s.get(key)) {
            None | Some(Value::Null) => Ok((guess, "suggested".into())),
            Some(Value::Bool(b)) => Ok((*b, "node".into())),
            Some(other) => Err(ApiError::invalid(vec![field_error(
                &supplier_node,
                &format!("star_questions.{key}"),
                format!("{other} is not true or false"),
            )])),
        }
    };
    let (q1, s1) = answer(
        q.q1,
        "handles_confidential_data",
        suggested.handles_confidential_data,
    )?;
    let (q2, s2) = answer(q.q2, "outage_stops_us", suggested.outage_stops_us)?;
    let (q3, s3) = answer(
        q.q3,
        "reaches_internal_systems",
        suggested.reaches_internal_systems,
    )?;
    let questions = RelationshipQuestions {
        handles_confidential_data: q1,
        outage_stops_us: q2,
        reaches_internal_systems: q3,
    };
    let report = analyse(&g.graph, &ExposureOptions::default());
    let ranking = rank(
        &g.graph,
        &CriticalityOptions {
            target_protection: TrustModel::default().star4_protection(),
            top: 20,
            candidates: Candidates::Suppliers,
        },
    )
    .map_err(supply_error)?;
    let other = OtherFactors {
        on_top_attack_path: report.top_paths.iter().any(|p| p.nodes.contains(&v)),
        // Our rule: a drop of at least 1 % of total exposure is material.
        high_criticality: ranking
            .ranked
            .iter()
            .any(|r| r.node == v && r.drop_share >= 0.01),
    };
    let request = star_level_to_request(&questions, &other);
    Ok(Json(StarOut {
        supplier: g.node_ref(v),
        level: request.level,
        reasons: request.reasons,
        handles_confidential_data: q1,
        outage_stops_us: q2,
        reaches_internal_systems: q3,
        answer_sources: [s1, s2, s3],
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct SvgQuery {
    /// Weak paths to highlight (1–100, default 10).
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/supply/weak-links.svg", tag = "supply", params(("ws" = String, Path), SvgQuery),
    responses((status = 200, content_type = "image/svg+xml", description = "The chain coloured by protection, the most likely attack paths in red"),
        (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub(crate) async fn weak_links_svg(
    State(state): State<SharedState>,
    ApiUser(p): ApiUser,
    Path(ws): Path<String>,
    Query(q): Query<SvgQuery>,
) -> ApiResult<Response> {
    let limit = bounded("limit", q.limit, 10, 100)?;
    let g = load(&state, &p, &ws).await?;
    if let Some(e) = cycle_error(&g) {
        return Err(e);
    }
    let report = analyse(
        &g.graph,
        &ExposureOptions {
            top_paths: limit,
            ..ExposureOptions::default()
        },
    );
    let svg = sanso_supply::svg::render_svg(&g.graph, &report.top_paths).map_err(supply_error)?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "image/svg+xml")],
        svg,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanso_core::model::Layer as CoreLayer;

    fn node(id: &str, kind: ComponentKind, attributes: Value) -> Node {
        Node {
            id: id.into(),
            workspace_id: "ws".into(),
            kind,
            name: id.to_uppercase(),
            description: String::new(),
            category: String::new(),
            layer: None,
            critical: false,
            exposed: false,
            attributes: attributes.as_object().cloned().unwrap_or_default(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn conn(id: &str, from: &str, to: &str, kind: ConnectionKind, attributes: Value) -> Connection {
        Connection {
            id: id.into(),
            workspace_id: "ws".into(),
            source_id: from.into(),
            target_id: to.into(),
            layer: CoreLayer::L2,
            kind,
            label: String::new(),
            attributes: attributes.as_object().cloned().unwrap_or_default(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn connection_kinds_map_to_edges_in_dependency_direction() {
        let nodes = vec![
            node(
                "buyer",
                ComponentKind::Organization,
                serde_json::json!({"buyer": true}),
            ),
            node("product", ComponentKind::Component, Value::Null),
            node("part", ComponentKind::Component, Value::Null),
            node("svc", ComponentKind::System, Value::Null),
            node("data", ComponentKind::Data, Value::Null),
            node("op", ComponentKind::Procedure, Value::Null),
        ];
        let conns = vec![
            conn(
                "c1",
                "product",
                "part",
                ConnectionKind::Contains,
                Value::Null,
            ),
            conn("c2", "buyer", "svc", ConnectionKind::Uses, Value::Null),
            conn("c3", "buyer", "op", ConnectionKind::Owns, Value::Null),
            conn("c4", "svc", "data", ConnectionKind::Other, Value::Null),
            conn(
                "c5",
                "svc",
                "data",
                ConnectionKind::Other,
                serde_json::json!({"edge_kind": "hosts", "propagation": 0.25}),
            ),
        ];
        let g = build_graph(&nodes, &conns).unwrap();
        let graph = &g.graph;
        assert!(graph.is_buyer(0) && !graph.is_supplier(0));
        assert_eq!(graph.kind(5), NodeKind::Operation);
        assert_eq!(
            graph.edge_count(),
            4,
            "the plain `other` connection is not analysed"
        );
        assert!(!g.edge_of.contains_key("c4"));
        let edge = |id: &str| g.edge_of[id];
        let (part, product) = (graph.node("part").unwrap(), graph.node("product").unwrap());
        assert_eq!(
            (graph.edge_from(edge("c1")), graph.edge_to(edge("c1"))),
            (part, product)
        );
        assert_eq!(graph.edge_kind(edge("c1")), EdgeKind::Contains);
        assert_eq!(graph.edge_from(edge("c2")), graph.node("svc").unwrap());
        assert_eq!(graph.edge_kind(edge("c2")), EdgeKind::Supplies);
        assert_eq!(graph.edge_kind(edge("c3")), EdgeKind::Operates);
        assert!((graph.propagation(edge("c3")) - 0.7).abs() < 1e-12);
        assert_eq!(graph.edge_kind(edge("c5")), EdgeKind::Hosts);
        assert!((graph.propagation(edge("c5")) - 0.25).abs() < 1e-12);
        assert_eq!(graph.edge_layer(edge("c5")), Layer::L2);
        assert_eq!(g.edge_ids[edge("c5") as usize], "c5");
    }

    #[test]
    fn every_bad_attribute_is_reported_with_its_node_or_connection() {
        let nodes = vec![
            node(
                "a",
                ComponentKind::Organization,
                serde_json::json!({"protection": 1.7}),
            ),
            node(
                "b",
                ComponentKind::Organization,
                serde_json::json!({"trust": {"level": "star3", "coverage": 2}}),
            ),
            node("c", ComponentKind::System, serde_json::json!({"value": -1})),
        ];
        let conns = vec![conn(
            "k",
            "a",
            "c",
            ConnectionKind::Accesses,
            serde_json::json!({"edge_kind": "teleports"}),
        )];
        let Err(e) = build_graph(&nodes, &conns) else {
            panic!("bad attributes accepted")
        };
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "nodes[a].attributes.protection",
                "nodes[b].attributes.trust.coverage",
                "nodes[c].attributes.value",
                "connections[k].attributes.edge_kind",
            ]
        );
        assert!(e.errors[0].message.contains("node \"A\""));
    }
}

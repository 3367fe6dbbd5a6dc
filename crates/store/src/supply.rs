//! Supplier links, supplier requests, consented assessment shares and the facts trust is scored from.
//!
//! Two workspaces meet here and nowhere else: a **buyer** workspace, whose value-chain model holds a
//! supplier organisation node, and the **supplier**'s own workspace, where the supplier keeps its
//! assessments. A [`SupplierLink`] joins the two (created by the buyer, completed when the supplier
//! accepts its invitation); [`SupplyRequest`]s travel over a link; an [`AssessmentShare`] is a frozen,
//! read-only snapshot of one supplier assessment that the supplier grants to one buyer, by explicit
//! consent, and may revoke at any time.
//!
//! # Request states
//! `not_sent → in_progress` (send) `→ submitted` (the supplier shares a snapshot) `→ accepted`, or
//! `→ returned` (with a comment) `→ submitted` again. Revoking the share of a submitted or accepted
//! request puts it back to `in_progress`. **Overdue** is not stored: it is derived from the due date
//! (a request that is not accepted and whose due date is before today, UTC).
//!
//! # Who sees what
//! Every buyer-side query names the buyer workspace; every supplier-side query names the supplier
//! workspace and goes through the link (`supplier_links.supplier_workspace_id`). The supplier sees a
//! request's framework, level, due date, message, comments and the buyer workspace's name — nothing
//! else of the buyer. The buyer sees a share's snapshot only while it is not revoked, and never the
//! supplier's assessments themselves. An id from elsewhere is [`StoreError::NotFound`].
//!
//! # Answer once, share many
//! Starting work on a request reuses, in this order: the assessment already attached to it; an
//! assessment of the supplier for the same catalog version and level (a second buyer asking the same
//! framework and level is answered from it); otherwise a new assessment, pre-filled through the
//! built-in mappings from the supplier's most recent assessment of another framework, with every
//! carried answer marked `inferred:` and the request flagged `inferred`.
//!
//! Every action is one [`WriteTx`]: the change, its request event and its audit entries (on both
//! sides where both are concerned) are stored together or not at all.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use sanso_catalog::{Answer, AnswerStatus, Catalog};
use sanso_core::access::Role;
use sanso_core::model::FieldError;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::accounts::{
    hash_password, insert_invitation, insert_user, normalise_email, secret_hash,
    validate_new_account, InvitationPurpose, User, INVITATION_DAYS,
};
use crate::assessments::{
    answers_in, assessment_from_row, builtins, upsert_answer, AssessmentRecord, AssessmentState,
    ASSESSMENT_COLUMNS,
};
use crate::rows::{int, opt_text, text};
use crate::tx::{snapshot, Actor, WriteTx};
use crate::workspaces::{insert_membership, insert_workspace, Workspace};
use crate::{Result, Store, StoreError};

/// What flows over a relationship, as the buyer describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RelationshipFacts {
    /// Parts or software the supplier delivers.
    pub supplies: String,
    /// The buyer's data the supplier holds ('' for none).
    pub buyer_data: String,
    /// ★ Q1: the buyer's important confidential data is handled in the supplier's IT environment.
    pub confidential_data: bool,
    /// Network connection into the buyer's systems.
    pub network_access: bool,
    /// Remote access (maintenance, support) into the buyer's systems.
    pub remote_access: bool,
    /// The supplier's staff work on the buyer's premises.
    pub onsite_work: bool,
    /// How long the buyer can live without the supplier, in hours (`None`: not said).
    pub tolerable_outage_hours: Option<i64>,
    /// ★ Q2: the supplier's outage would cause the buyer an unacceptable delay.
    pub outage_stops_us: bool,
}

impl RelationshipFacts {
    /// ★ Q3: the supplier's environment can reach the buyer's internal systems.
    pub fn reaches_internal_systems(&self) -> bool {
        self.network_access || self.remote_access
    }

    /// How much an open gap matters for this relationship, in [0, 1]: a quarter for any supplier,
    /// another quarter for each of the three ★ questions answered "yes" (our rule: the more the
    /// relationship exposes the buyer, the more a gap weighs).
    pub fn gap_weight(&self) -> f64 {
        let yes = [
            self.confidential_data,
            self.outage_stops_us,
            self.reaches_internal_systems(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        0.25 + 0.25 * yes as f64
    }
}

/// A buyer's supplier, linked (once the invitation is accepted) to the supplier's own workspace.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SupplierLink {
    pub id: String,
    /// The buyer workspace.
    pub workspace_id: String,
    /// The supplier organisation in the buyer's model; `None` once that node was deleted.
    pub node_id: Option<String>,
    /// Set when the supplier accepted the invitation.
    pub supplier_workspace_id: Option<String>,
    pub name: String,
    pub contact_email: String,
    pub facts: RelationshipFacts,
    pub created_at: String,
    pub updated_at: String,
}

/// A new supplier of the buyer.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSupplierLink {
    /// The supplier's name (a new organisation node is created with it unless `node_id` is given).
    pub name: String,
    /// Where the invitation goes.
    pub contact_email: String,
    /// An existing organisation node of the buyer's model to link instead of creating one.
    #[serde(default)]
    pub node_id: Option<String>,
    /// The organisation this supplier supplies (the buyer, or a supplier for a tier-2+ supplier);
    /// default: the model's buyer node, if there is one. A `supplies` connection is added.
    #[serde(default)]
    pub supplies_to: Option<String>,
    #[serde(default)]
    pub facts: RelationshipFacts,
}

/// Request state; see the module docs.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    NotSent,
    InProgress,
    Submitted,
    Returned,
    Accepted,
}

impl RequestState {
    pub const ALL: [RequestState; 5] = [
        RequestState::NotSent,
        RequestState::InProgress,
        RequestState::Submitted,
        RequestState::Returned,
        RequestState::Accepted,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::NotSent => "not_sent",
            RequestState::InProgress => "in_progress",
            RequestState::Submitted => "submitted",
            RequestState::Returned => "returned",
            RequestState::Accepted => "accepted",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        RequestState::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One entry of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RequestEvent {
    /// created, sent, reminder, started, submitted, returned, accepted, revoked.
    pub kind: String,
    /// buyer or supplier.
    pub side: String,
    pub comment: String,
    pub at: String,
}

/// A request as the buyer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SupplyRequest {
    pub id: String,
    pub workspace_id: String,
    pub link_id: String,
    pub supplier_name: String,
    pub catalog_id: String,
    pub catalog_version: String,
    pub level: Option<String>,
    /// YYYY-MM-DD.
    pub due_date: String,
    pub message: String,
    pub state: RequestState,
    /// Derived: not accepted and due before today (UTC).
    pub overdue: bool,
    /// The share currently answering the request (buyer-readable unless revoked).
    pub share_id: Option<String>,
    /// Answers were carried from another framework through mappings.
    pub inferred: bool,
    pub created_at: String,
    pub updated_at: String,
    /// Oldest first; empty in lists.
    pub events: Vec<RequestEvent>,
}

/// What a buyer asks a supplier for.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSupplyRequest {
    pub link_id: String,
    /// A built-in catalog (the supplier's workspace must know it), e.g. `meti-star-draft`.
    pub catalog_id: String,
    /// Default: the built-in catalog's version.
    #[serde(default)]
    pub catalog_version: Option<String>,
    /// A level of the catalog, e.g. `star3` or `star4`.
    #[serde(default)]
    pub level: Option<String>,
    /// YYYY-MM-DD.
    pub due_date: String,
    #[serde(default)]
    pub message: String,
    /// Send at once (default) or keep as "not sent".
    #[serde(default = "yes")]
    pub send: bool,
}

fn yes() -> bool {
    true
}

/// Counts per state and the requests, for the buyer's status board.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RequestBoard {
    /// Every state, with 0 where there is none.
    pub counts: BTreeMap<String, usize>,
    pub overdue: usize,
    pub requests: Vec<SupplyRequest>,
}

/// A request as the supplier sees it: no buyer data beyond the buyer workspace's name.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IncomingRequest {
    pub id: String,
    pub buyer_name: String,
    pub catalog_id: String,
    pub catalog_version: String,
    pub level: Option<String>,
    pub due_date: String,
    pub message: String,
    pub state: RequestState,
    pub overdue: bool,
    /// The supplier's assessment answering it (in the supplier's workspace).
    pub assessment_id: Option<String>,
    pub share_id: Option<String>,
    pub inferred: bool,
    pub events: Vec<RequestEvent>,
}

/// How work on a request started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StartedFrom {
    /// The request already had its assessment.
    Attached,
    /// An existing assessment of the same catalog version and level answers it.
    Existing,
    /// A new assessment pre-filled through mappings from another framework (answers inferred).
    Inferred,
    /// A new, empty assessment.
    New,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Started {
    pub assessment_id: String,
    pub from: StartedFrom,
    /// Answers carried through mappings (0 unless `from` is `inferred`).
    pub inferred_answers: usize,
}

/// The supplier's consent to share.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareConsent {
    /// Must be true: the supplier agrees that this buyer reads a frozen copy of the assessment.
    pub consent: bool,
    /// The answers were checked by a third-party evaluator.
    #[serde(default)]
    pub third_party_evaluated: bool,
    /// Who evaluated (required when `third_party_evaluated`).
    #[serde(default)]
    pub evaluator: String,
}

/// The frozen content of a share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShareSnapshot {
    pub supplier_name: String,
    pub title: String,
    pub catalog_id: String,
    pub catalog_version: String,
    pub level: Option<String>,
    /// When the supplier's answers last changed.
    pub answered_at: String,
    #[schema(value_type = Vec<Object>)]
    pub answers: Vec<Answer>,
    /// Catalog levels whose requirements are all met.
    pub levels_attained: Vec<String>,
    /// Requirements in scope (the level's, or all).
    pub requirements_in_scope: usize,
    /// In scope and answered with something other than "don't know".
    pub answered: usize,
    /// In scope and met.
    pub met: usize,
    /// Answered requirements with at least one piece of evidence.
    pub with_evidence: usize,
    /// Requirements of the level that are not met.
    pub gaps: Vec<String>,
}

/// A share, on either side.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AssessmentShare {
    pub id: String,
    pub supplier_workspace_id: String,
    pub buyer_workspace_id: String,
    /// The other side's workspace name.
    pub counterpart_name: String,
    pub request_id: Option<String>,
    pub catalog_id: String,
    pub catalog_version: String,
    pub level: Option<String>,
    pub inferred: bool,
    pub third_party_evaluated: bool,
    pub evaluator: String,
    pub shared_at: String,
    pub revoked_at: Option<String>,
    /// Present when read by the buyer (or by the supplier for its own share).
    pub snapshot: Option<ShareSnapshot>,
}

/// What trust is scored from: the latest accepted, unrevoked share of a supplier.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrustFacts {
    pub share_id: String,
    pub snapshot: ShareSnapshot,
    pub third_party_evaluated: bool,
    pub inferred: bool,
    /// Days between the answers' last change and now.
    pub age_days: u32,
}

/// What the accepted supplier invitation produced.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SupplierJoined {
    pub user: User,
    pub workspace: Workspace,
    pub link_id: String,
    pub buyer_name: String,
    /// True when the workspace was created by this acceptance.
    pub workspace_created: bool,
}

const LINK_COLUMNS: &str = "id, workspace_id, node_id, supplier_workspace_id, invitation_id, name, contact_email, supplies, buyer_data, confidential_data, network_access, remote_access, onsite_work, tolerable_outage_hours, outage_stops_us, created_at, updated_at";
const REQUEST_COLUMNS: &str = "r.id, r.workspace_id, r.link_id, r.catalog_id, r.catalog_version, r.level, r.due_date, r.message, r.state, r.assessment_id, r.share_id, r.inferred, r.created_at, r.updated_at";
const SHARE_COLUMNS: &str = "s.id, s.supplier_workspace_id, s.buyer_workspace_id, s.request_id, s.catalog_id, s.catalog_version, s.level, s.inferred, s.third_party_evaluated, s.evaluator, s.snapshot, s.shared_at, s.revoked_at";

fn link_from_row(row: &AnyRow) -> Result<SupplierLink> {
    let hours = int(row, "tolerable_outage_hours")?;
    Ok(SupplierLink {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        node_id: opt_text(row, "node_id")?,
        supplier_workspace_id: opt_text(row, "supplier_workspace_id")?,
        name: text(row, "name")?,
        contact_email: text(row, "contact_email")?,
        facts: RelationshipFacts {
            supplies: text(row, "supplies")?,
            buyer_data: text(row, "buyer_data")?,
            confidential_data: int(row, "confidential_data")? != 0,
            network_access: int(row, "network_access")? != 0,
            remote_access: int(row, "remote_access")? != 0,
            onsite_work: int(row, "onsite_work")? != 0,
            tolerable_outage_hours: (hours >= 0).then_some(hours),
            outage_stops_us: int(row, "outage_stops_us")? != 0,
        },
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
    })
}

fn today() -> String {
    sanso_core::now_timestamp()[..10].to_string()
}

fn is_overdue(state: RequestState, due: &str) -> bool {
    state != RequestState::Accepted && due < today().as_str()
}

fn request_from_row(row: &AnyRow) -> Result<SupplyRequest> {
    let state_text = text(row, "state")?;
    let state = RequestState::parse(&state_text)
        .ok_or_else(|| StoreError::Corrupt(format!("column state holds \"{state_text}\"")))?;
    let due_date = text(row, "due_date")?;
    Ok(SupplyRequest {
        id: text(row, "id")?,
        workspace_id: text(row, "workspace_id")?,
        link_id: text(row, "link_id")?,
        supplier_name: text(row, "supplier_name")?,
        catalog_id: text(row, "catalog_id")?,
        catalog_version: text(row, "catalog_version")?,
        level: opt_text(row, "level")?,
        overdue: is_overdue(state, &due_date),
        due_date,
        message: text(row, "message")?,
        state,
        share_id: opt_text(row, "share_id")?,
        inferred: int(row, "inferred")? != 0,
        created_at: text(row, "created_at")?,
        updated_at: text(row, "updated_at")?,
        events: Vec::new(),
    })
}

fn share_from_row(row: &AnyRow, with_snapshot: bool) -> Result<AssessmentShare> {
    let snapshot = if with_snapshot {
        let raw = text(row, "snapshot")?;
        Some(serde_json::from_str(&raw).map_err(|e| {
            StoreError::Corrupt(format!("share snapshot is not the expected JSON: {e}"))
        })?)
    } else {
        None
    };
    Ok(AssessmentShare {
        id: text(row, "id")?,
        supplier_workspace_id: text(row, "supplier_workspace_id")?,
        buyer_workspace_id: text(row, "buyer_workspace_id")?,
        counterpart_name: text(row, "counterpart_name")?,
        request_id: opt_text(row, "request_id")?,
        catalog_id: text(row, "catalog_id")?,
        catalog_version: text(row, "catalog_version")?,
        level: opt_text(row, "level")?,
        inferred: int(row, "inferred")? != 0,
        third_party_evaluated: int(row, "third_party_evaluated")? != 0,
        evaluator: text(row, "evaluator")?,
        shared_at: text(row, "shared_at")?,
        revoked_at: opt_text(row, "revoked_at")?,
        snapshot,
    })
}

fn parse_due(due: &str) -> Result<()> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(due.trim(), &fmt)
        .map(|_| ())
        .map_err(|_| {
            StoreError::invalid(
                "due_date",
                format!("{due:?} is not a date in the form YYYY-MM-DD"),
            )
        })
}

/// Days from an RFC 3339 timestamp to now (0 when unreadable or in the future).
fn age_days(since: &str) -> u32 {
    let fmt = time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(since, &fmt) {
        Ok(t) => {
            let days = (time::OffsetDateTime::now_utc() - t).whole_days();
            u32::try_from(days.max(0)).unwrap_or(u32::MAX)
        }
        Err(_) => 0,
    }
}

async fn add_event(
    tx: &mut WriteTx,
    request_id: &str,
    kind: &str,
    side: &str,
    comment: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO supply_request_events (id, request_id, kind, side, comment, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(sanso_core::new_id())
    .bind(request_id)
    .bind(kind)
    .bind(side)
    .bind(comment.trim())
    .bind(sanso_core::now_timestamp())
    .execute(tx.conn())
    .await?;
    Ok(())
}

async fn events_of(conn: &mut sqlx::AnyConnection, request_id: &str) -> Result<Vec<RequestEvent>> {
    let rows = sqlx::query(
        "SELECT kind, side, comment, at FROM supply_request_events WHERE request_id = $1 ORDER BY at, id",
    )
    .bind(request_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RequestEvent {
                kind: text(r, "kind")?,
                side: text(r, "side")?,
                comment: text(r, "comment")?,
                at: text(r, "at")?,
            })
        })
        .collect()
}

async fn workspace_name(conn: &mut sqlx::AnyConnection, id: &str) -> Result<String> {
    sqlx::query_scalar("SELECT name FROM workspaces WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The buyer-side request row inside a transaction.
async fn request_in(tx: &mut WriteTx, workspace_id: &str, id: &str) -> Result<SupplyRequest> {
    let row = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS}, l.name AS supplier_name FROM supply_requests r JOIN supplier_links l ON l.id = r.link_id \
         WHERE r.workspace_id = $1 AND r.id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    request_from_row(&row)
}

/// A request seen from the supplier workspace: (request, buyer workspace id, assessment id).
async fn incoming_in(
    conn: &mut sqlx::AnyConnection,
    supplier_ws: &str,
    id: &str,
) -> Result<(SupplyRequest, Option<String>)> {
    let row = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS}, l.name AS supplier_name FROM supply_requests r JOIN supplier_links l ON l.id = r.link_id \
         WHERE l.supplier_workspace_id = $1 AND r.id = $2 AND r.state <> 'not_sent'"
    ))
    .bind(supplier_ws)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((request_from_row(&row)?, opt_text(&row, "assessment_id")?))
}

async fn set_state(
    tx: &mut WriteTx,
    request: &SupplyRequest,
    to: RequestState,
    share_id: Option<Option<&str>>,
) -> Result<()> {
    let now = sanso_core::now_timestamp();
    match share_id {
        Some(share) => sqlx::query(
            "UPDATE supply_requests SET state = $1, share_id = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(to.as_str())
        .bind(share)
        .bind(&now)
        .bind(&request.id)
        .execute(tx.conn())
        .await?,
        None => {
            sqlx::query("UPDATE supply_requests SET state = $1, updated_at = $2 WHERE id = $3")
                .bind(to.as_str())
                .bind(&now)
                .bind(&request.id)
                .execute(tx.conn())
                .await?
        }
    };
    Ok(())
}

/// The path `from → … → to` along `supplies` connections of a workspace, if there is one.
async fn supplies_path(
    tx: &mut WriteTx,
    workspace_id: &str,
    from: &str,
    to: &str,
) -> Result<Option<Vec<String>>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT source_id, target_id FROM connections WHERE workspace_id = $1 AND kind = 'supplies'",
    )
    .bind(workspace_id)
    .fetch_all(tx.conn())
    .await?;
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for (s, t) in &rows {
        next.entry(s.as_str()).or_default().push(t.as_str());
    }
    let mut parent: HashMap<&str, &str> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = HashSet::from([from]);
    while let Some(v) = queue.pop_front() {
        if v == to {
            let mut path = vec![v.to_string()];
            let mut cur = v;
            while let Some(p) = parent.get(cur) {
                path.push(p.to_string());
                cur = p;
            }
            path.reverse();
            return Ok(Some(path));
        }
        for &w in next.get(v).map(Vec::as_slice).unwrap_or(&[]) {
            if seen.insert(w) {
                parent.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    Ok(None)
}

async fn organisation_node(
    tx: &mut WriteTx,
    workspace_id: &str,
    id: &str,
    field: &str,
) -> Result<String> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, kind FROM nodes WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
    match row {
        None => Err(StoreError::invalid(
            field,
            format!("no node {id} in this workspace's model"),
        )),
        Some((name, kind)) if kind != "organization" => Err(StoreError::invalid(
            field,
            format!("node \"{name}\" is a {kind}, not an organisation"),
        )),
        Some((name, _)) => Ok(name),
    }
}

/// Checks a whole assessment snapshot's numbers against its catalog.
fn summarise(
    catalog: &Catalog,
    record: &AssessmentRecord,
    supplier_name: &str,
) -> Result<ShareSnapshot> {
    let level = record.target_level.as_deref();
    let report = sanso_catalog::score(catalog, &record.answers, level)
        .map_err(|e| StoreError::Corrupt(format!("stored answers of {}: {e:?}", record.id)))?;
    let gaps = match level {
        Some(l) => sanso_catalog::gaps(catalog, &record.answers, l)
            .map_err(|e| StoreError::Corrupt(format!("stored answers of {}: {e:?}", record.id)))?,
        None => Vec::new(),
    };
    let scope: HashSet<&str> = match level {
        Some(l) => catalog
            .requirements_at_level(l)
            .into_iter()
            .map(|r| r.id.as_str())
            .collect(),
        None => catalog
            .requirements()
            .into_iter()
            .map(|(_, r)| r.id.as_str())
            .collect(),
    };
    let in_scope: Vec<&Answer> = record
        .answers
        .iter()
        .filter(|a| scope.contains(a.requirement_id.as_str()))
        .collect();
    let answered: Vec<&&Answer> = in_scope
        .iter()
        .filter(|a| a.status != AnswerStatus::Unknown)
        .collect();
    Ok(ShareSnapshot {
        supplier_name: supplier_name.to_string(),
        title: record.title.clone(),
        catalog_id: record.catalog_id.clone(),
        catalog_version: record.catalog_version.clone(),
        level: record.target_level.clone(),
        answered_at: record.updated_at.clone(),
        answers: record.answers.clone(),
        levels_attained: report.levels_attained.clone(),
        requirements_in_scope: scope.len(),
        answered: answered.len(),
        met: report.overall.met,
        with_evidence: answered.iter().filter(|a| !a.evidence.is_empty()).count(),
        gaps: gaps.into_iter().map(|g| g.requirement_id).collect(),
    })
}

impl Store {
    // ---- buyer: supplier links ----

    /// Adds a supplier to the buyer's model (node, `supplies` connection, link) and creates its
    /// invitation; returns the link and the invitation secret. A `supplies_to` that would make the
    /// supplier its own direct or indirect supplier is refused with the cycle named.
    pub async fn create_supplier_link(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: NewSupplierLink,
    ) -> Result<(SupplierLink, String)> {
        let name = input.name.trim().to_string();
        let email = normalise_email(&input.contact_email);
        let mut errors = Vec::new();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(FieldError::new("name", "must be 1–200 characters"));
        }
        if validate_new_account(&email, "x", "xxxxxxxxxxxx")
            .iter()
            .any(|e| e.field == "email")
        {
            errors.push(FieldError::new("contact_email", "is not an e-mail address"));
        }
        if input.facts.tolerable_outage_hours.is_some_and(|h| h < 0) {
            errors.push(FieldError::new(
                "facts.tolerable_outage_hours",
                "must be 0 or more hours",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut tx = self.write().await?;
        let now = sanso_core::now_timestamp();
        let node_id = match &input.node_id {
            Some(id) => {
                organisation_node(&mut tx, workspace_id, id, "node_id").await?;
                let taken: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM supplier_links WHERE workspace_id = $1 AND node_id = $2",
                )
                .bind(workspace_id)
                .bind(id)
                .fetch_one(tx.conn())
                .await?;
                if taken > 0 {
                    return Err(StoreError::Conflict(format!(
                        "node {id} is already linked to a supplier"
                    )));
                }
                id.clone()
            }
            None => {
                let id = sanso_core::new_id();
                sqlx::query(
                    "INSERT INTO nodes (id, workspace_id, kind, name, description, category, layer, critical, exposed, attributes, created_at, updated_at) \
                     VALUES ($1, $2, 'organization', $3, $4, 'supplier', NULL, 0, 0, '{}', $5, $5)",
                )
                .bind(&id)
                .bind(workspace_id)
                .bind(&name)
                .bind(&input.facts.supplies)
                .bind(&now)
                .execute(tx.conn())
                .await?;
                tx.audit(actor, Some(workspace_id), "node.create", "node", &id, None,
                    Some(serde_json::json!({"kind": "organization", "name": name, "category": "supplier"}).to_string()))
                    .await?;
                id
            }
        };
        let supplies_to = match input.supplies_to.clone() {
            Some(t) => Some(t),
            None => sqlx::query_scalar(
                "SELECT id FROM nodes WHERE workspace_id = $1 AND kind = 'organization' AND LOWER(category) = 'buyer' ORDER BY created_at, id",
            )
            .bind(workspace_id)
            .fetch_optional(tx.conn())
            .await?,
        };
        if let Some(target) = &supplies_to {
            organisation_node(&mut tx, workspace_id, target, "supplies_to").await?;
            if target == &node_id {
                return Err(StoreError::invalid(
                    "supplies_to",
                    "a supplier cannot supply itself",
                ));
            }
            if let Some(path) = supplies_path(&mut tx, workspace_id, target, &node_id).await? {
                let mut names = Vec::new();
                for id in path.iter().chain(std::iter::once(target)) {
                    let n: String = sqlx::query_scalar("SELECT name FROM nodes WHERE id = $1")
                        .bind(id)
                        .fetch_one(tx.conn())
                        .await?;
                    names.push(n);
                }
                return Err(StoreError::invalid(
                    "supplies_to",
                    format!(
                        "supplier cycle: {} — a supplier cannot be its own direct or indirect supplier",
                        names.join(" → ")
                    ),
                ));
            }
            let exists: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM connections WHERE workspace_id = $1 AND source_id = $2 AND target_id = $3 AND kind = 'supplies'",
            )
            .bind(workspace_id)
            .bind(&node_id)
            .bind(target)
            .fetch_one(tx.conn())
            .await?;
            if exists == 0 {
                let cid = sanso_core::new_id();
                sqlx::query(
                    "INSERT INTO connections (id, workspace_id, source_id, target_id, layer, kind, label, attributes, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 'L1', 'supplies', $5, '{}', $6, $6)",
                )
                .bind(&cid)
                .bind(workspace_id)
                .bind(&node_id)
                .bind(target)
                .bind(&input.facts.supplies)
                .bind(&now)
                .execute(tx.conn())
                .await?;
                tx.audit(actor, Some(workspace_id), "connection.create", "connection", &cid, None,
                    Some(serde_json::json!({"source_id": node_id, "target_id": target, "kind": "supplies"}).to_string()))
                    .await?;
            }
        }
        let secret = crate::accounts::new_secret();
        let invitation_id = insert_invitation(
            &mut tx,
            &secret,
            InvitationPurpose::Supplier,
            Some(workspace_id),
            &email,
            Role::Admin,
            actor.user_id.as_deref(),
            INVITATION_DAYS * 24,
        )
        .await?;
        let link = SupplierLink {
            id: sanso_core::new_id(),
            workspace_id: workspace_id.to_string(),
            node_id: Some(node_id),
            supplier_workspace_id: None,
            name,
            contact_email: email,
            facts: input.facts,
            created_at: now.clone(),
            updated_at: now,
        };
        insert_link(&mut tx, &link, &invitation_id).await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "supplier_link.create",
            "supplier_link",
            &link.id,
            None,
            Some(snapshot(&link)),
        )
        .await?;
        tx.commit().await?;
        Ok((link, secret))
    }

    /// The buyer's suppliers, by name.
    pub async fn list_supplier_links(&self, workspace_id: &str) -> Result<Vec<SupplierLink>> {
        let rows = sqlx::query(&format!(
            "SELECT {LINK_COLUMNS} FROM supplier_links WHERE workspace_id = $1 ORDER BY name, id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(link_from_row).collect()
    }

    pub async fn get_supplier_link(&self, workspace_id: &str, id: &str) -> Result<SupplierLink> {
        let row = sqlx::query(&format!(
            "SELECT {LINK_COLUMNS} FROM supplier_links WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        link_from_row(&row)
    }

    /// Replaces the relationship facts of a link.
    pub async fn update_relationship(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        facts: RelationshipFacts,
    ) -> Result<SupplierLink> {
        if facts.tolerable_outage_hours.is_some_and(|h| h < 0) {
            return Err(StoreError::invalid(
                "tolerable_outage_hours",
                "must be 0 or more hours",
            ));
        }
        let before = self.get_supplier_link(workspace_id, id).await?;
        let mut tx = self.write().await?;
        let now = sanso_core::now_timestamp();
        sqlx::query(
            "UPDATE supplier_links SET supplies = $1, buyer_data = $2, confidential_data = $3, network_access = $4, remote_access = $5, \
             onsite_work = $6, tolerable_outage_hours = $7, outage_stops_us = $8, updated_at = $9 WHERE workspace_id = $10 AND id = $11",
        )
        .bind(&facts.supplies)
        .bind(&facts.buyer_data)
        .bind(facts.confidential_data as i64)
        .bind(facts.network_access as i64)
        .bind(facts.remote_access as i64)
        .bind(facts.onsite_work as i64)
        .bind(facts.tolerable_outage_hours.unwrap_or(-1))
        .bind(facts.outage_stops_us as i64)
        .bind(&now)
        .bind(workspace_id)
        .bind(id)
        .execute(tx.conn())
        .await?;
        let after = SupplierLink {
            facts,
            updated_at: now,
            ..before.clone()
        };
        tx.audit(
            actor,
            Some(workspace_id),
            "supplier_link.update",
            "supplier_link",
            id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    // ---- supplier invitations ----

    /// The buyer's name and supplier name of a usable supplier invitation (for the accept page).
    pub async fn find_supplier_invitation(
        &self,
        secret: &str,
    ) -> Result<Option<(String, String, String)>> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT w.name, l.name, i.email FROM invitations i JOIN supplier_links l ON l.invitation_id = i.id \
             JOIN workspaces w ON w.id = l.workspace_id \
             WHERE i.token_hash = $1 AND i.purpose = 'supplier' AND i.accepted_at IS NULL AND i.expires_at > $2",
        )
        .bind(secret_hash(secret))
        .bind(sanso_core::now_timestamp())
        .fetch_optional(self.pool())
        .await?;
        Ok(row)
    }

    /// Accepts a supplier invitation: signs in `existing_user` or creates the account
    /// (`new_account` = display name, password); uses `workspace_id` (one the user edits), else the
    /// user's first workspace it edits, else creates a workspace named `workspace_name` (default: the
    /// supplier's name); links that workspace to the buyer's supplier. One transaction.
    pub async fn accept_supplier_invitation(
        &self,
        secret: &str,
        existing_user: Option<&User>,
        new_account: Option<(&str, &str)>,
        workspace_id: Option<&str>,
        workspace_name: Option<&str>,
    ) -> Result<SupplierJoined> {
        let row: Option<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT i.id, i.email, l.id, l.workspace_id, l.name FROM invitations i JOIN supplier_links l ON l.invitation_id = i.id \
             WHERE i.token_hash = $1 AND i.purpose = 'supplier' AND i.accepted_at IS NULL AND i.expires_at > $2",
        )
        .bind(secret_hash(secret))
        .bind(sanso_core::now_timestamp())
        .fetch_optional(self.pool())
        .await?;
        let (invitation_id, email, link_id, buyer_ws, supplier_name) =
            row.ok_or(StoreError::NotFound)?;
        let hash = match (existing_user, new_account) {
            // As with member invitations: the link is for one address, not for whoever holds it.
            (Some(u), _) if normalise_email(&u.email) != email => {
                return Err(StoreError::Conflict(
                    "this invitation is for another e-mail address".into(),
                ))
            }
            (Some(_), _) => None,
            (None, Some((name, password))) => {
                let errors = validate_new_account(&email, name, password);
                if !errors.is_empty() {
                    return Err(StoreError::Invalid(errors));
                }
                Some(hash_password(password)?)
            }
            (None, None) => {
                return Err(StoreError::invalid(
                    "password",
                    "is required to create the supplier account",
                ))
            }
        };
        let mut tx = self.write().await?;
        let used = sqlx::query(
            "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
        )
        .bind(sanso_core::now_timestamp())
        .bind(&invitation_id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if used == 0 {
            return Err(StoreError::NotFound);
        }
        let user = match (existing_user, hash, new_account) {
            (Some(u), _, _) => u.clone(),
            (None, Some(hash), Some((name, _))) => {
                let actor = Actor {
                    label: format!("invitation:{invitation_id}"),
                    user_id: None,
                };
                insert_user(&mut tx, &actor, &email, name, &hash, false).await?
            }
            _ => return Err(StoreError::NotFound),
        };
        let actor = Actor::user(&user.id, &user.email);
        let editable: Vec<String> = sqlx::query_scalar(
            "SELECT m.workspace_id FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
             WHERE m.user_id = $1 AND m.role IN ('admin', 'assessor') ORDER BY w.created_at, w.id",
        )
        .bind(&user.id)
        .fetch_all(tx.conn())
        .await?;
        let (workspace, created) = match workspace_id {
            Some(ws) if editable.iter().any(|w| w == ws) => {
                let row = sqlx::query("SELECT id, name, description, created_at, updated_at FROM workspaces WHERE id = $1")
                    .bind(ws)
                    .fetch_one(tx.conn())
                    .await?;
                (crate::workspaces::workspace_from_row(&row)?, false)
            }
            Some(_) => return Err(StoreError::NotFound),
            None => match editable.iter().find(|w| **w != buyer_ws) {
                Some(ws) => {
                    let row = sqlx::query("SELECT id, name, description, created_at, updated_at FROM workspaces WHERE id = $1")
                        .bind(ws)
                        .fetch_one(tx.conn())
                        .await?;
                    (crate::workspaces::workspace_from_row(&row)?, false)
                }
                None => {
                    let name = workspace_name
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .unwrap_or(&supplier_name);
                    let ws = insert_workspace(&mut tx, &actor, name, "").await?;
                    insert_membership(&mut tx, &actor, &ws.id, &user.id, Role::Admin).await?;
                    (ws, true)
                }
            },
        };
        if workspace.id == buyer_ws {
            return Err(StoreError::invalid(
                "workspace_id",
                "the buyer's own workspace cannot be its supplier",
            ));
        }
        sqlx::query(
            "UPDATE supplier_links SET supplier_workspace_id = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(&workspace.id)
        .bind(sanso_core::now_timestamp())
        .bind(&link_id)
        .execute(tx.conn())
        .await?;
        let detail = serde_json::json!({"link_id": link_id, "buyer_workspace_id": buyer_ws, "supplier_workspace_id": workspace.id}).to_string();
        for ws in [&buyer_ws, &workspace.id] {
            tx.audit(
                &actor,
                Some(ws),
                "supplier_link.accept",
                "supplier_link",
                &link_id,
                None,
                Some(detail.clone()),
            )
            .await?;
        }
        let buyer_name = workspace_name_tx(&mut tx, &buyer_ws).await?;
        tx.commit().await?;
        Ok(SupplierJoined {
            user,
            workspace,
            link_id,
            buyer_name,
            workspace_created: created,
        })
    }

    // ---- buyer: requests ----

    /// Creates a request (sent at once unless `send` is false). A supplier whose node was deleted
    /// from the model cannot be asked; the catalog must be a built-in one with that level.
    pub async fn create_supply_request(
        &self,
        actor: &Actor,
        workspace_id: &str,
        input: NewSupplyRequest,
    ) -> Result<SupplyRequest> {
        let link = self.get_supplier_link(workspace_id, &input.link_id).await?;
        let mut errors = Vec::new();
        if link.node_id.is_none() {
            errors.push(FieldError::new(
                "link_id",
                format!(
                    "supplier \"{}\" was deleted from the value-chain model; add it again before sending it a request",
                    link.name
                ),
            ));
        }
        let catalog = builtins().iter().find(|c| {
            c.id == input.catalog_id
                && input
                    .catalog_version
                    .as_deref()
                    .is_none_or(|v| v == c.version)
        });
        match catalog {
            None => errors.push(FieldError::new(
                "catalog_id",
                format!(
                    "{} {} is not a built-in catalog (suppliers can answer: {})",
                    input.catalog_id,
                    input.catalog_version.as_deref().unwrap_or(""),
                    builtins()
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Some(c) => {
                if let Some(level) = &input.level {
                    if c.level(level).is_none() {
                        errors.push(FieldError::new(
                            "level",
                            format!(
                                "catalog {} has no level {level:?} (levels: {})",
                                c.id,
                                c.levels
                                    .iter()
                                    .map(|l| l.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                }
            }
        }
        if let Err(StoreError::Invalid(e)) = parse_due(&input.due_date) {
            errors.extend(e);
        }
        let (Some(catalog), true) = (catalog, errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let mut tx = self.write().await?;
        let now = sanso_core::now_timestamp();
        let id = sanso_core::new_id();
        let state = if input.send {
            RequestState::InProgress
        } else {
            RequestState::NotSent
        };
        sqlx::query(
            "INSERT INTO supply_requests (id, workspace_id, link_id, catalog_id, catalog_version, level, due_date, message, state, assessment_id, share_id, inferred, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, 0, $10, $10)",
        )
        .bind(&id)
        .bind(workspace_id)
        .bind(&link.id)
        .bind(&catalog.id)
        .bind(&catalog.version)
        .bind(&input.level)
        .bind(input.due_date.trim())
        .bind(input.message.trim())
        .bind(state.as_str())
        .bind(&now)
        .execute(tx.conn())
        .await?;
        add_event(&mut tx, &id, "created", "buyer", "").await?;
        if input.send {
            add_event(&mut tx, &id, "sent", "buyer", input.message.trim()).await?;
        }
        let request = request_in(&mut tx, workspace_id, &id).await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "supply_request.create",
            "supply_request",
            &id,
            None,
            Some(snapshot(&request)),
        )
        .await?;
        tx.commit().await?;
        self.get_supply_request(workspace_id, &id).await
    }

    /// The status board: counts per state (and overdue) and every request, newest first.
    pub async fn supply_request_board(&self, workspace_id: &str) -> Result<RequestBoard> {
        let rows = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS}, l.name AS supplier_name FROM supply_requests r JOIN supplier_links l ON l.id = r.link_id \
             WHERE r.workspace_id = $1 ORDER BY r.created_at DESC, r.id"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        let requests: Vec<SupplyRequest> =
            rows.iter().map(request_from_row).collect::<Result<_>>()?;
        let mut counts: BTreeMap<String, usize> = RequestState::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
        for r in &requests {
            *counts.entry(r.state.as_str().to_string()).or_default() += 1;
        }
        Ok(RequestBoard {
            counts,
            overdue: requests.iter().filter(|r| r.overdue).count(),
            requests,
        })
    }

    pub async fn get_supply_request(&self, workspace_id: &str, id: &str) -> Result<SupplyRequest> {
        let mut conn = self.pool().acquire().await?;
        let row = sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS}, l.name AS supplier_name FROM supply_requests r JOIN supplier_links l ON l.id = r.link_id \
             WHERE r.workspace_id = $1 AND r.id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut r = request_from_row(&row)?;
        r.events = events_of(&mut conn, id).await?;
        Ok(r)
    }

    /// A buyer's step on a request: `send`, `remind`, `accept` or `return` (comment required).
    pub async fn buyer_request_step(
        &self,
        actor: &Actor,
        workspace_id: &str,
        id: &str,
        step: &str,
        comment: &str,
    ) -> Result<SupplyRequest> {
        let mut tx = self.write().await?;
        let request = request_in(&mut tx, workspace_id, id).await?;
        use RequestState::*;
        let (allowed, to, event) = match step {
            "send" => (request.state == NotSent, InProgress, "sent"),
            "remind" => (
                matches!(request.state, InProgress | Returned),
                request.state,
                "reminder",
            ),
            "accept" => (request.state == Submitted, Accepted, "accepted"),
            "return" => {
                if comment.trim().is_empty() {
                    return Err(StoreError::invalid(
                        "comment",
                        "say what the supplier has to change before the answers can be accepted",
                    ));
                }
                (request.state == Submitted, Returned, "returned")
            }
            other => {
                return Err(StoreError::invalid(
                    "step",
                    format!("unknown step {other:?}"),
                ))
            }
        };
        if !allowed {
            return Err(StoreError::Conflict(format!(
                "cannot {step} a request that is {}",
                request.state.as_str()
            )));
        }
        if to != request.state {
            set_state(&mut tx, &request, to, None).await?;
        }
        add_event(&mut tx, id, event, "buyer", comment).await?;
        tx.audit(
            actor,
            Some(workspace_id),
            &format!("supply_request.{step}"),
            "supply_request",
            id,
            Some(serde_json::json!({"state": request.state}).to_string()),
            Some(serde_json::json!({"state": to, "comment": comment.trim()}).to_string()),
        )
        .await?;
        tx.commit().await?;
        self.get_supply_request(workspace_id, id).await
    }

    /// A share granted to this buyer and not revoked, with its snapshot.
    pub async fn get_share_for_buyer(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<AssessmentShare> {
        let row = sqlx::query(&format!(
            "SELECT {SHARE_COLUMNS}, w.name AS counterpart_name FROM assessment_shares s JOIN workspaces w ON w.id = s.supplier_workspace_id \
             WHERE s.buyer_workspace_id = $1 AND s.id = $2 AND s.revoked_at IS NULL"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        share_from_row(&row, true)
    }

    /// Per link id: the facts of its latest accepted, unrevoked share.
    pub async fn supplier_trust_facts(
        &self,
        workspace_id: &str,
    ) -> Result<HashMap<String, TrustFacts>> {
        let rows = sqlx::query(&format!(
            "SELECT {SHARE_COLUMNS}, w.name AS counterpart_name, r.link_id FROM assessment_shares s \
             JOIN supply_requests r ON r.share_id = s.id JOIN workspaces w ON w.id = s.supplier_workspace_id \
             WHERE s.buyer_workspace_id = $1 AND r.workspace_id = $1 AND r.state = 'accepted' AND s.revoked_at IS NULL \
             ORDER BY s.shared_at"
        ))
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = HashMap::new();
        for row in &rows {
            let share = share_from_row(row, true)?;
            let Some(snapshot) = share.snapshot else {
                continue;
            };
            // Ordered by time: a later share of the same supplier replaces an earlier one.
            out.insert(
                text(row, "link_id")?,
                TrustFacts {
                    share_id: share.id,
                    age_days: age_days(&snapshot.answered_at),
                    snapshot,
                    third_party_evaluated: share.third_party_evaluated,
                    inferred: share.inferred,
                },
            );
        }
        Ok(out)
    }

    // ---- supplier side ----

    /// Requests addressed to this (supplier) workspace, newest first; never the not-sent ones.
    pub async fn list_incoming_requests(&self, supplier_ws: &str) -> Result<Vec<IncomingRequest>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT r.id FROM supply_requests r JOIN supplier_links l ON l.id = r.link_id \
             WHERE l.supplier_workspace_id = $1 AND r.state <> 'not_sent' ORDER BY r.created_at DESC, r.id",
        )
        .bind(supplier_ws)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for id in ids {
            out.push(self.get_incoming_request(supplier_ws, &id).await?);
        }
        Ok(out)
    }

    pub async fn get_incoming_request(
        &self,
        supplier_ws: &str,
        id: &str,
    ) -> Result<IncomingRequest> {
        let mut conn = self.pool().acquire().await?;
        let (r, assessment_id) = incoming_in(&mut conn, supplier_ws, id).await?;
        let buyer_name = workspace_name(&mut conn, &r.workspace_id).await?;
        let events = events_of(&mut conn, id).await?;
        Ok(IncomingRequest {
            id: r.id,
            buyer_name,
            catalog_id: r.catalog_id,
            catalog_version: r.catalog_version,
            level: r.level,
            due_date: r.due_date,
            message: r.message,
            state: r.state,
            overdue: r.overdue,
            assessment_id,
            share_id: r.share_id,
            inferred: r.inferred,
            events,
        })
    }

    /// Starts (or resumes) work on an incoming request; see "Answer once, share many".
    pub async fn start_incoming_request(
        &self,
        actor: &Actor,
        supplier_ws: &str,
        id: &str,
    ) -> Result<Started> {
        let mut tx = self.write().await?;
        let (request, attached) = incoming_in(tx.conn(), supplier_ws, id).await?;
        if let Some(aid) = &attached {
            let still: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM assessments WHERE workspace_id = $1 AND id = $2",
            )
            .bind(supplier_ws)
            .bind(aid)
            .fetch_one(tx.conn())
            .await?;
            if still > 0 {
                return Ok(Started {
                    assessment_id: aid.clone(),
                    from: StartedFrom::Attached,
                    inferred_answers: 0,
                });
            }
        }
        if !matches!(
            request.state,
            RequestState::InProgress | RequestState::Returned
        ) {
            return Err(StoreError::Conflict(format!(
                "the request is {}; there is nothing to answer",
                request.state.as_str()
            )));
        }
        let catalog = builtins()
            .iter()
            .find(|c| c.id == request.catalog_id && c.version == request.catalog_version)
            .ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "request {id} asks for catalog {} {}, which this build does not have",
                    request.catalog_id, request.catalog_version
                ))
            })?;
        let rows = sqlx::query(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE workspace_id = $1 ORDER BY updated_at DESC, id"
        ))
        .bind(supplier_ws)
        .fetch_all(tx.conn())
        .await?;
        let mine: Vec<AssessmentRecord> = rows
            .iter()
            .map(assessment_from_row)
            .collect::<Result<_>>()?;
        // Prefer an approved one, then the most recently changed.
        let same = mine
            .iter()
            .filter(|a| {
                a.catalog_id == request.catalog_id
                    && a.catalog_version == request.catalog_version
                    && a.target_level == request.level
            })
            .min_by_key(|a| (a.state != AssessmentState::Approved) as u8);
        let (assessment_id, from, carried, inferred) = match same {
            Some(a) => (a.id.clone(), StartedFrom::Existing, 0, false),
            None => {
                let mut carried: Vec<Answer> = Vec::new();
                for other in mine.iter().filter(|a| a.catalog_id != request.catalog_id) {
                    let Some(source) = builtins()
                        .iter()
                        .find(|c| c.id == other.catalog_id && c.version == other.catalog_version)
                    else {
                        continue;
                    };
                    let answers = answers_in(tx.conn(), &other.id).await?;
                    if answers.is_empty() {
                        continue;
                    }
                    let inferred = sanso_catalog::infer_answers(
                        source,
                        &answers,
                        &sanso_catalog::builtin_mappings(),
                        catalog,
                    );
                    carried = inferred.iter().map(|i| i.to_answer()).collect();
                    if !carried.is_empty() {
                        break;
                    }
                }
                self.keep_builtin(&mut tx, actor, catalog).await?;
                let now = sanso_core::now_timestamp();
                let buyer = workspace_name(tx.conn(), &request.workspace_id).await?;
                let record = AssessmentRecord {
                    id: sanso_core::new_id(),
                    workspace_id: supplier_ws.to_string(),
                    catalog_id: catalog.id.clone(),
                    catalog_version: catalog.version.clone(),
                    target_node_id: None,
                    target_level: request.level.clone(),
                    title: format!("{} — {}", catalog.title.en, buyer),
                    state: AssessmentState::Draft,
                    review_comment: String::new(),
                    created_at: now.clone(),
                    updated_at: now.clone(),
                    answers: Vec::new(),
                };
                sqlx::query(&format!(
                    "INSERT INTO assessments ({ASSESSMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ))
                .bind(&record.id)
                .bind(&record.workspace_id)
                .bind(&record.catalog_id)
                .bind(&record.catalog_version)
                .bind(&record.target_node_id)
                .bind(&record.target_level)
                .bind(&record.title)
                .bind(record.state.as_str())
                .bind(&record.review_comment)
                .bind(&record.created_at)
                .bind(&record.updated_at)
                .execute(tx.conn())
                .await?;
                for a in &carried {
                    upsert_answer(&mut tx, &record.id, a, &now).await?;
                }
                tx.audit(
                    actor,
                    Some(supplier_ws),
                    "assessment.create",
                    "assessment",
                    &record.id,
                    None,
                    Some(snapshot(&AssessmentRecord {
                        answers: carried.clone(),
                        ..record.clone()
                    })),
                )
                .await?;
                let from = if carried.is_empty() {
                    StartedFrom::New
                } else {
                    StartedFrom::Inferred
                };
                (record.id, from, carried.len(), !carried.is_empty())
            }
        };
        sqlx::query("UPDATE supply_requests SET assessment_id = $1, inferred = $2, updated_at = $3 WHERE id = $4")
            .bind(&assessment_id)
            .bind(inferred as i64)
            .bind(sanso_core::now_timestamp())
            .bind(id)
            .execute(tx.conn())
            .await?;
        let note = match from {
            StartedFrom::Existing => "answered from an existing assessment".to_string(),
            StartedFrom::Inferred => {
                format!("{carried} answers inferred through mappings from another framework")
            }
            _ => String::new(),
        };
        add_event(&mut tx, id, "started", "supplier", &note).await?;
        tx.audit(
            actor,
            Some(supplier_ws),
            "supply_request.start",
            "supply_request",
            id,
            None,
            Some(serde_json::json!({"assessment_id": assessment_id, "from": from}).to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(Started {
            assessment_id,
            from,
            inferred_answers: carried,
        })
    }

    /// The supplier's assessment answering an incoming request (the request must be started).
    pub async fn incoming_assessment_id(&self, supplier_ws: &str, id: &str) -> Result<String> {
        let mut conn = self.pool().acquire().await?;
        let (_, assessment) = incoming_in(&mut conn, supplier_ws, id).await?;
        assessment.ok_or_else(|| {
            StoreError::Conflict("start the request first: it has no assessment yet".into())
        })
    }

    /// Shares a frozen snapshot of the request's assessment with the requesting buyer, by explicit
    /// consent; the request becomes `submitted`. Audited in both workspaces.
    pub async fn share_for_request(
        &self,
        actor: &Actor,
        supplier_ws: &str,
        id: &str,
        consent: ShareConsent,
    ) -> Result<AssessmentShare> {
        if !consent.consent {
            return Err(StoreError::invalid(
                "consent",
                "must be true: the buyer may read the shared answers only with your explicit consent",
            ));
        }
        if consent.third_party_evaluated && consent.evaluator.trim().is_empty() {
            return Err(StoreError::invalid(
                "evaluator",
                "name the third-party evaluator when the answers were third-party evaluated",
            ));
        }
        let assessment_id = self.incoming_assessment_id(supplier_ws, id).await?;
        let (record, catalog) = self
            .assessment_with_catalog(supplier_ws, &assessment_id)
            .await?;
        if record.answers.is_empty() {
            return Err(StoreError::invalid(
                "assessment",
                "the assessment has no answers yet; answer it before sharing",
            ));
        }
        let mut tx = self.write().await?;
        let (request, _) = incoming_in(tx.conn(), supplier_ws, id).await?;
        if !matches!(
            request.state,
            RequestState::InProgress | RequestState::Returned
        ) {
            return Err(StoreError::Conflict(format!(
                "the request is {}; it cannot take a new answer",
                request.state.as_str()
            )));
        }
        let supplier_name = workspace_name(tx.conn(), supplier_ws).await?;
        let snap = summarise(&catalog, &record, &supplier_name)?;
        let share = AssessmentShare {
            id: sanso_core::new_id(),
            supplier_workspace_id: supplier_ws.to_string(),
            buyer_workspace_id: request.workspace_id.clone(),
            counterpart_name: workspace_name(tx.conn(), &request.workspace_id).await?,
            request_id: Some(id.to_string()),
            catalog_id: record.catalog_id.clone(),
            catalog_version: record.catalog_version.clone(),
            level: record.target_level.clone(),
            inferred: request.inferred,
            third_party_evaluated: consent.third_party_evaluated,
            evaluator: consent.evaluator.trim().to_string(),
            shared_at: sanso_core::now_timestamp(),
            revoked_at: None,
            snapshot: Some(snap.clone()),
        };
        sqlx::query(
            "INSERT INTO assessment_shares (id, supplier_workspace_id, buyer_workspace_id, request_id, assessment_id, catalog_id, catalog_version, level, inferred, third_party_evaluated, evaluator, snapshot, shared_at, revoked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL)",
        )
        .bind(&share.id)
        .bind(&share.supplier_workspace_id)
        .bind(&share.buyer_workspace_id)
        .bind(id)
        .bind(&record.id)
        .bind(&share.catalog_id)
        .bind(&share.catalog_version)
        .bind(&share.level)
        .bind(share.inferred as i64)
        .bind(share.third_party_evaluated as i64)
        .bind(&share.evaluator)
        .bind(snapshot(&snap))
        .bind(&share.shared_at)
        .execute(tx.conn())
        .await?;
        set_state(
            &mut tx,
            &request,
            RequestState::Submitted,
            Some(Some(&share.id)),
        )
        .await?;
        add_event(&mut tx, id, "submitted", "supplier", "").await?;
        let detail = serde_json::json!({
            "share_id": share.id, "request_id": id, "assessment_id": record.id,
            "supplier_workspace_id": supplier_ws, "buyer_workspace_id": request.workspace_id,
            "consent": true, "third_party_evaluated": share.third_party_evaluated,
        })
        .to_string();
        tx.audit(
            actor,
            Some(supplier_ws),
            "share.grant",
            "assessment_share",
            &share.id,
            None,
            Some(detail.clone()),
        )
        .await?;
        tx.audit(
            actor,
            Some(&request.workspace_id),
            "share.receive",
            "assessment_share",
            &share.id,
            None,
            Some(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(AssessmentShare {
            counterpart_name: share.counterpart_name.clone(),
            ..share
        })
    }

    /// Shares this supplier granted, newest first (revoked ones included, marked).
    pub async fn list_shares_given(&self, supplier_ws: &str) -> Result<Vec<AssessmentShare>> {
        let rows = sqlx::query(&format!(
            "SELECT {SHARE_COLUMNS}, w.name AS counterpart_name FROM assessment_shares s JOIN workspaces w ON w.id = s.buyer_workspace_id \
             WHERE s.supplier_workspace_id = $1 ORDER BY s.shared_at DESC, s.id"
        ))
        .bind(supplier_ws)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| share_from_row(r, false)).collect()
    }

    /// Revokes a share: the buyer loses access at once; its request goes back to `in_progress`.
    pub async fn revoke_share(
        &self,
        actor: &Actor,
        supplier_ws: &str,
        id: &str,
    ) -> Result<AssessmentShare> {
        let mut tx = self.write().await?;
        let row = sqlx::query(&format!(
            "SELECT {SHARE_COLUMNS}, w.name AS counterpart_name FROM assessment_shares s JOIN workspaces w ON w.id = s.buyer_workspace_id \
             WHERE s.supplier_workspace_id = $1 AND s.id = $2"
        ))
        .bind(supplier_ws)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut share = share_from_row(&row, false)?;
        if share.revoked_at.is_some() {
            return Err(StoreError::Conflict("the share is already revoked".into()));
        }
        let now = sanso_core::now_timestamp();
        sqlx::query("UPDATE assessment_shares SET revoked_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(id)
            .execute(tx.conn())
            .await?;
        if let Some(rid) = &share.request_id {
            let state: Option<String> = sqlx::query_scalar(
                "SELECT state FROM supply_requests WHERE id = $1 AND share_id = $2",
            )
            .bind(rid)
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
            if let Some(state) = state {
                if state == "submitted" || state == "accepted" {
                    sqlx::query("UPDATE supply_requests SET state = 'in_progress', share_id = NULL, updated_at = $1 WHERE id = $2")
                        .bind(&now)
                        .bind(rid)
                        .execute(tx.conn())
                        .await?;
                }
                add_event(&mut tx, rid, "revoked", "supplier", "").await?;
            }
        }
        share.revoked_at = Some(now);
        let detail = serde_json::json!({"share_id": id, "supplier_workspace_id": supplier_ws, "buyer_workspace_id": share.buyer_workspace_id}).to_string();
        tx.audit(
            actor,
            Some(supplier_ws),
            "share.revoke",
            "assessment_share",
            id,
            None,
            Some(detail.clone()),
        )
        .await?;
        tx.audit(
            actor,
            Some(&share.buyer_workspace_id),
            "share.revoked",
            "assessment_share",
            id,
            None,
            Some(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(share)
    }
}

async fn workspace_name_tx(tx: &mut WriteTx, id: &str) -> Result<String> {
    workspace_name(tx.conn(), id).await
}

async fn insert_link(tx: &mut WriteTx, link: &SupplierLink, invitation_id: &str) -> Result<()> {
    let f = &link.facts;
    sqlx::query(&format!(
        "INSERT INTO supplier_links ({LINK_COLUMNS}) VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)"
    ))
    .bind(&link.id)
    .bind(&link.workspace_id)
    .bind(&link.node_id)
    .bind(invitation_id)
    .bind(&link.name)
    .bind(&link.contact_email)
    .bind(&f.supplies)
    .bind(&f.buyer_data)
    .bind(f.confidential_data as i64)
    .bind(f.network_access as i64)
    .bind(f.remote_access as i64)
    .bind(f.onsite_work as i64)
    .bind(f.tolerable_outage_hours.unwrap_or(-1))
    .bind(f.outage_stops_us as i64)
    .bind(&link.created_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_weight_grows_with_each_yes() {
        let mut f = RelationshipFacts::default();
        assert_eq!(f.gap_weight(), 0.25);
        f.remote_access = true;
        assert_eq!(f.gap_weight(), 0.5);
        f.network_access = true; // same question (Q3): no extra weight
        assert_eq!(f.gap_weight(), 0.5);
        f.confidential_data = true;
        f.outage_stops_us = true;
        assert_eq!(f.gap_weight(), 1.0);
    }

    #[test]
    fn overdue_is_derived_from_the_due_date() {
        assert!(is_overdue(RequestState::InProgress, "2000-01-01"));
        assert!(!is_overdue(RequestState::Accepted, "2000-01-01"));
        assert!(!is_overdue(RequestState::InProgress, "2999-01-01"));
        assert!(parse_due("2026-13-01").is_err());
        assert!(parse_due("2026-12-01").is_ok());
    }
}

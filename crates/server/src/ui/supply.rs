//! Web UI for suppliers, requests and answers, consented shares, trust and the weak-links view.
//!
//! Handlers stay thin: they read the request, call the store (`sanso_store::supply`) or the API
//! functions that already compute trust and the weak-links analytics (`api::supply_flow`,
//! `api::supply`), and render with maud. Text comes from [`MESSAGES`] below (registered in
//! `crate::i18n`), in English and Japanese.
//!
//! One page per role of the workspace: as a **buyer** (`/w/{ws}/suppliers`) — suppliers with tier,
//! relationship, ★ level to request and trust, the request board, review of a shared snapshot; as
//! a **supplier** — incoming requests with Japanese guidance, answering (assessment pages or XLSX)
//! and consent to share or revoke; and the **weak links** (`/w/{ws}/suppliers/weak-links`).

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use maud::{html, Markup};
use sanso_store::supply::{NewSupplierLink, NewSupplyRequest, RelationshipFacts, ShareConsent};
use serde::Deserialize;

use super::pages::workspace;
use super::{checked, CsrfForm, Ui, UiResult};
use crate::api::supply as analytics;
use crate::api::supply_flow::{self, SupplierOut};
use crate::auth::{require_edit, ApiUser};
use crate::error::ApiError;
use crate::SharedState;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/w/{ws}/suppliers", get(suppliers_page).post(add_supplier))
        .route("/w/{ws}/suppliers/requests", post(send_request))
        .route("/w/{ws}/suppliers/requests/{id}/{step}", post(request_step))
        .route("/w/{ws}/suppliers/shares/{id}", get(review_page))
        .route("/w/{ws}/suppliers/incoming/{id}", get(incoming_page))
        .route("/w/{ws}/suppliers/incoming/{id}/start", post(start))
        .route("/w/{ws}/suppliers/incoming/{id}/xlsx", post(upload_xlsx))
        .route("/w/{ws}/suppliers/incoming/{id}/share", post(share))
        .route("/w/{ws}/suppliers/shares-given/{id}/revoke", post(revoke))
        .route("/w/{ws}/suppliers/weak-links", get(weak_links_page))
        .route(
            "/supplier-invitation/{secret}",
            get(invitation_page).post(accept_invitation),
        )
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn state_label(ui: &Ui, state: &str) -> &'static str {
    match state {
        "not_sent" => ui.t("supply.state.not_sent"),
        "in_progress" => ui.t("supply.state.in_progress"),
        "submitted" => ui.t("supply.state.submitted"),
        "returned" => ui.t("supply.state.returned"),
        "accepted" => ui.t("supply.state.accepted"),
        _ => ui.t("supply.state.overdue"),
    }
}

fn fmt2(x: f64) -> String {
    format!("{x:.1}")
}

/// Green for trusted, amber for middling, red for weak (the same bands as the chain diagram's
/// colouring by protection).
fn trust_colour(score: f64) -> &'static str {
    if score >= 60.0 {
        "#2e7d32"
    } else if score >= 30.0 {
        "#b26a00"
    } else {
        "#c62828"
    }
}

/// Every built-in catalog with each of its levels, as `catalog|level` options.
fn targets() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in sanso_store::assessments::builtins() {
        for l in &c.levels {
            out.push((
                format!("{}|{}", c.id, l.id),
                format!("{} — {}", c.title.en, l.id),
            ));
        }
        out.push((format!("{}|", c.id), c.title.en.clone()));
    }
    out
}

fn relationship_text(ui: &Ui, f: &RelationshipFacts) -> Markup {
    html! {
        @if !f.supplies.is_empty() { (ui.t("supply.rel.supplies")) ": " (f.supplies) br; }
        @if !f.buyer_data.is_empty() { (ui.t("supply.rel.buyer_data")) ": " (f.buyer_data) br; }
        @if f.confidential_data { span.tag { (ui.t("supply.rel.confidential")) } " " }
        @if f.network_access { span.tag { (ui.t("supply.rel.network")) } " " }
        @if f.remote_access { span.tag { (ui.t("supply.rel.remote")) } " " }
        @if f.onsite_work { span.tag { (ui.t("supply.rel.onsite")) } " " }
        @if f.outage_stops_us { span.tag { (ui.t("supply.rel.outage_stops")) } " " }
        @if let Some(h) = f.tolerable_outage_hours { br; (ui.t("supply.rel.tolerable")) ": " (h) " h" }
    }
}

fn trust_cell(ui: &Ui, s: &SupplierOut) -> Markup {
    html! {
        details.trust {
            summary { strong style={ "color:" (trust_colour(s.trust.score)) } { (fmt2(s.trust.score)) } " / 100" }
            p.muted { (ui.t("supply.trust.explain")) }
            ul { @for f in &s.trust.factors { li { code { (f.key) } " " (f.explanation) " (" (format!("{:+.1}", f.delta)) ")" } } }
        }
    }
}

// ---------- buyer and supplier overview ----------

async fn suppliers_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let suppliers = supply_flow::suppliers(&state, &ws).await?;
    let board = state.store.supply_request_board(&ws).await?;
    let incoming = state.store.list_incoming_requests(&ws).await?;
    let given = state.store.list_shares_given(&ws).await?;
    let nodes = state.store.list_nodes(&ws).await?;
    let tiers = tiers_by_node(&state, &ui, &ws).await;
    let orgs: Vec<_> = nodes
        .iter()
        .filter(|n| n.kind == sanso_core::model::ComponentKind::Organization)
        .collect();
    let body = html! {
        p { a #weak-links-link href={ "/w/" (ws) "/suppliers/weak-links" } { (ui.t("supply.weak.title")) " →" } }
        @if !incoming.is_empty() {
            section #incoming {
                h2 { (ui.t("supply.incoming.title")) }
                p.notice { (ui.t("supply.incoming.guidance")) }
                table {
                    tr { th { (ui.t("supply.col.buyer")) } th { (ui.t("supply.col.framework")) } th { (ui.t("supply.col.due")) } th { (ui.t("supply.col.state")) } }
                    @for r in &incoming {
                        tr style=(if r.overdue { "background:#fde2e1" } else { "" }) {
                            td { a href={ "/w/" (ws) "/suppliers/incoming/" (r.id) } { (r.buyer_name) } }
                            td { (r.catalog_id) " " (r.level.as_deref().unwrap_or("")) }
                            td { (r.due_date) }
                            td { (state_label(&ui, r.state.as_str())) @if r.overdue { " · " strong { (ui.t("supply.state.overdue")) } } }
                        }
                    }
                }
            }
        }
        section #suppliers {
            h2 { (ui.t("supply.suppliers.title")) }
            @if suppliers.is_empty() { p.muted { (ui.t("supply.suppliers.none")) } } @else {
                table {
                    tr { th { (ui.t("supply.col.supplier")) } th { (ui.t("supply.col.tier")) } th { (ui.t("supply.col.relationship")) } th { (ui.t("supply.col.star")) } th { (ui.t("supply.col.trust")) } th {} }
                    @for s in &suppliers {
                        tr .supplier data-link=(s.link.id) {
                            td { (s.link.name) br; small.muted { (s.link.contact_email) @if !s.joined { " · " (ui.t("supply.suppliers.invited")) } } }
                            td { @match s.link.node_id.as_ref().and_then(|n| tiers.iter().find(|(id, _)| id == n)).and_then(|(_, t)| *t) { Some(t) => { (t) }, None => { "—" } } }
                            td { (relationship_text(&ui, &s.link.facts)) }
                            td { "★" (s.star.level) details { summary { (ui.t("supply.star.why")) } ul { @for r in &s.star.reasons { li { (r) } } } } }
                            td { (trust_cell(&ui, s)) }
                            td {
                                @if role.can_edit() && s.link.node_id.is_some() {
                                    form method="post" action={ "/w/" (ws) "/suppliers/requests" } {
                                        (ui.csrf_field())
                                        input type="hidden" name="link_id" value=(s.link.id);
                                        select name="target" {
                                            @for (v, label) in targets() {
                                                option value=(v) selected[v == format!("meti-star-draft|star{}", s.star.level)] { (label) }
                                            }
                                        }
                                        input type="date" name="due_date" required;
                                        input type="text" name="message" placeholder=(ui.t("supply.request.message"));
                                        button type="submit" { (ui.t("supply.request.send")) }
                                    }
                                } @else if s.link.node_id.is_none() { small.muted { (ui.t("supply.suppliers.deleted")) } }
                            }
                        }
                    }
                }
            }
            @if role.can_edit() {
                form #add-supplier method="post" action={ "/w/" (ws) "/suppliers" } {
                    fieldset {
                        legend { (ui.t("supply.add.title")) }
                        (ui.csrf_field())
                        label { (ui.t("supply.add.name")) " " input type="text" name="name" required; } " "
                        label { (ui.t("supply.add.email")) " " input type="email" name="contact_email" required; } " "
                        label { (ui.t("supply.add.supplies_to")) " "
                            select name="supplies_to" { option value="" { (ui.t("supply.add.buyer_default")) } @for n in &orgs { option value=(n.id) { (n.name) } } } }
                        br;
                        label { (ui.t("supply.rel.supplies")) " " input type="text" name="supplies"; } " "
                        label { (ui.t("supply.rel.buyer_data")) " " input type="text" name="buyer_data"; } br;
                        label { input type="checkbox" name="confidential_data" value="1"; " " (ui.t("supply.q1")) } br;
                        label { input type="checkbox" name="outage_stops_us" value="1"; " " (ui.t("supply.q2")) } br;
                        label { input type="checkbox" name="network_access" value="1"; " " (ui.t("supply.rel.network")) } " "
                        label { input type="checkbox" name="remote_access" value="1"; " " (ui.t("supply.rel.remote")) } " "
                        label { input type="checkbox" name="onsite_work" value="1"; " " (ui.t("supply.rel.onsite")) } br;
                        label { (ui.t("supply.rel.tolerable")) " " input type="number" min="0" name="tolerable_outage_hours"; " h" } br;
                        button type="submit" { (ui.t("supply.add.submit")) }
                    }
                }
            }
        }
        section #board {
            h2 { (ui.t("supply.board.title")) }
            p #board-counts {
                @for (state_key, n) in &board.counts { span.count data-state=(state_key) { (state_label(&ui, state_key)) ": " strong { (n) } } " · " }
                span.count data-state="overdue" style="color:#c62828" { (ui.t("supply.state.overdue")) ": " strong { (board.overdue) } }
            }
            @if !board.requests.is_empty() {
                table #requests {
                    tr { th { (ui.t("supply.col.supplier")) } th { (ui.t("supply.col.framework")) } th { (ui.t("supply.col.due")) } th { (ui.t("supply.col.state")) } th {} }
                    @for r in &board.requests {
                        tr .request .overdue[r.overdue] data-state=(r.state.as_str()) style=(if r.overdue { "background:#fde2e1" } else { "" }) {
                            td { (r.supplier_name) }
                            td { (r.catalog_id) " " (r.level.as_deref().unwrap_or("")) @if r.inferred { " " span.tag { (ui.t("supply.inferred")) } } }
                            td { (r.due_date) }
                            td { (state_label(&ui, r.state.as_str())) @if r.overdue { " · " strong { (ui.t("supply.state.overdue")) } } }
                            td {
                                @if let (Some(share), "submitted") = (&r.share_id, r.state.as_str()) {
                                    a.review href={ "/w/" (ws) "/suppliers/shares/" (share) } { (ui.t("supply.review.open")) }
                                }
                                @if role.can_edit() {
                                    @match r.state.as_str() {
                                        "not_sent" => { form.inline method="post" action={ "/w/" (ws) "/suppliers/requests/" (r.id) "/send" } { (ui.csrf_field()) button type="submit" { (ui.t("supply.request.send")) } } },
                                        "in_progress" | "returned" => { form.inline method="post" action={ "/w/" (ws) "/suppliers/requests/" (r.id) "/remind" } { (ui.csrf_field()) button type="submit" { (ui.t("supply.request.remind")) } } },
                                        _ => {},
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !given.is_empty() {
            section #shares-given {
                h2 { (ui.t("supply.given.title")) }
                table {
                    tr { th { (ui.t("supply.col.buyer")) } th { (ui.t("supply.col.framework")) } th { (ui.t("supply.given.shared_at")) } th {} }
                    @for s in &given {
                        tr {
                            td { (s.counterpart_name) }
                            td { (s.catalog_id) " " (s.level.as_deref().unwrap_or("")) }
                            td { (s.shared_at) }
                            td {
                                @if let Some(at) = &s.revoked_at { (ui.t("supply.given.revoked")) " " (at) }
                                @else if role.can_edit() {
                                    form.inline method="post" action={ "/w/" (ws) "/suppliers/shares-given/" (s.id) "/revoke" } {
                                        (ui.csrf_field()) button.revoke type="submit" { (ui.t("supply.given.revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(ui.page(ui.t("nav.suppliers"), Some((&workspace, "suppliers")), body))
}

/// Tier per node id from the analytics (empty when the chain cannot be analysed, e.g. a cycle:
/// the weak-links page shows that error).
async fn tiers_by_node(state: &SharedState, ui: &Ui, ws: &str) -> Vec<(String, Option<u32>)> {
    let Some(p) = ui.user.clone() else {
        return Vec::new();
    };
    match analytics::tiers(State(state.clone()), ApiUser(p), Path(ws.to_string())).await {
        Ok(Json(t)) => t
            .organisations
            .into_iter()
            .map(|o| (o.node.id, o.tier))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[derive(Deserialize)]
struct AddSupplierForm {
    name: String,
    contact_email: String,
    #[serde(default)]
    supplies_to: Option<String>,
    #[serde(default)]
    supplies: String,
    #[serde(default)]
    buyer_data: String,
    confidential_data: Option<String>,
    network_access: Option<String>,
    remote_access: Option<String>,
    onsite_work: Option<String>,
    outage_stops_us: Option<String>,
    tolerable_outage_hours: Option<String>,
}

async fn add_supplier(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<AddSupplierForm>,
) -> UiResult {
    let (p, workspace, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let hours = match f.tolerable_outage_hours.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(h) => Some(h.parse::<i64>().map_err(|_| {
            ApiError::invalid(vec![sanso_core::model::FieldError::new(
                "tolerable_outage_hours",
                format!("{h:?} is not a whole number of hours"),
            )])
        })?),
    };
    let input = NewSupplierLink {
        name: f.name,
        contact_email: f.contact_email,
        node_id: None,
        supplies_to: f.supplies_to.filter(|s| !s.is_empty()),
        facts: RelationshipFacts {
            supplies: f.supplies,
            buyer_data: f.buyer_data,
            confidential_data: checked(&f.confidential_data),
            network_access: checked(&f.network_access),
            remote_access: checked(&f.remote_access),
            onsite_work: checked(&f.onsite_work),
            tolerable_outage_hours: hours,
            outage_stops_us: checked(&f.outage_stops_us),
        },
    };
    let (link, secret) = state
        .store
        .create_supplier_link(&p.actor, &ws, input)
        .await?;
    let url = supply_flow::invitation_url(&state, &secret);
    Ok(ui.page(
        &link.name,
        Some((&workspace, "suppliers")),
        html! {
            p.notice { (ui.t("supply.add.done")) }
            p { code #invitation-url { (url) } }
            p { a href={ "/w/" (ws) "/suppliers" } { "← " (ui.t("nav.suppliers")) } }
        },
    ))
}

#[derive(Deserialize)]
struct RequestForm {
    link_id: String,
    target: String,
    due_date: String,
    #[serde(default)]
    message: String,
}

async fn send_request(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<RequestForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let (catalog, level) = f.target.split_once('|').unwrap_or((&f.target, ""));
    state
        .store
        .create_supply_request(
            &p.actor,
            &ws,
            NewSupplyRequest {
                link_id: f.link_id,
                catalog_id: catalog.to_string(),
                catalog_version: None,
                level: (!level.is_empty()).then(|| level.to_string()),
                due_date: f.due_date,
                message: f.message,
                send: true,
            },
        )
        .await?;
    Ok(see_other(&format!("/w/{ws}/suppliers#board")))
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    comment: String,
}

async fn request_step(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id, step)): Path<(String, String, String)>,
    CsrfForm(f): CsrfForm<CommentForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    if !matches!(step.as_str(), "send" | "remind" | "accept" | "return") {
        return Err(ApiError::not_found().into());
    }
    state
        .store
        .buyer_request_step(&p.actor, &ws, &id, &step, &f.comment)
        .await?;
    Ok(see_other(&format!("/w/{ws}/suppliers#board")))
}

// ---------- buyer: review a shared snapshot ----------

async fn review_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let share = state.store.get_share_for_buyer(&ws, &id).await?;
    let Some(snap) = &share.snapshot else {
        return Err(ApiError::not_found().into());
    };
    let request = match &share.request_id {
        Some(r) => state.store.get_supply_request(&ws, r).await.ok(),
        None => None,
    };
    let body = html! {
        p { (ui.t("supply.review.from")) " " strong #share-supplier { (snap.supplier_name) } " · " (snap.catalog_id) " " (snap.level.as_deref().unwrap_or(""))
            @if share.inferred { " " span.tag { (ui.t("supply.inferred")) } }
            @if share.third_party_evaluated { " · " (ui.t("supply.review.third_party")) ": " (share.evaluator) } @else { " · " (ui.t("supply.review.self")) } }
        p.muted { (ui.t("supply.review.frozen")) " " (share.shared_at) }
        table #summary {
            tr { th { (ui.t("supply.review.levels")) } td { @if snap.levels_attained.is_empty() { "—" } @else { (snap.levels_attained.join(", ")) } } }
            tr { th { (ui.t("supply.review.coverage")) } td { (snap.answered) " / " (snap.requirements_in_scope) } }
            tr { th { (ui.t("supply.review.met")) } td { (snap.met) } }
            tr { th { (ui.t("supply.review.evidence")) } td { (snap.with_evidence) } }
            tr { th { (ui.t("supply.review.gaps")) } td { @if snap.gaps.is_empty() { "—" } @else { (snap.gaps.join(", ")) } } }
        }
        h2 { (ui.t("supply.review.answers")) }
        table #answers {
            tr { th { "ID" } th { (ui.t("supply.col.state")) } th { (ui.t("supply.review.comment")) } th { (ui.t("supply.review.evidence")) } }
            @for a in &snap.answers {
                tr { td { (a.requirement_id) } td { (if ui.lang == crate::i18n::Lang::Ja { a.status.label().ja } else { a.status.label().en }) } td { (a.comment) } td { (a.evidence.join(", ")) } }
            }
        }
        @if let Some(r) = &request {
            @if role.can_edit() && r.state.as_str() == "submitted" {
                form #accept method="post" action={ "/w/" (ws) "/suppliers/requests/" (r.id) "/accept" } {
                    (ui.csrf_field()) button type="submit" { (ui.t("supply.review.accept")) }
                }
                form #return method="post" action={ "/w/" (ws) "/suppliers/requests/" (r.id) "/return" } {
                    (ui.csrf_field())
                    label { (ui.t("supply.review.return_comment")) br; textarea name="comment" rows="3" cols="60" required {} }
                    br; button type="submit" { (ui.t("supply.review.return")) }
                }
            } @else { p { (ui.t("supply.col.state")) ": " (state_label(&ui, r.state.as_str())) } }
        }
    };
    Ok(ui.page(
        ui.t("supply.review.title"),
        Some((&workspace, "suppliers")),
        body,
    ))
}

// ---------- supplier: an incoming request ----------

async fn incoming_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let r = state.store.get_incoming_request(&ws, &id).await?;
    let open = matches!(r.state.as_str(), "in_progress" | "returned");
    let body = html! {
        p.notice #guidance-ja lang="ja" { (ui.t("supply.incoming.guidance")) }
        table {
            tr { th { (ui.t("supply.col.buyer")) } td #incoming-buyer { (r.buyer_name) } }
            tr { th { (ui.t("supply.col.framework")) } td { (r.catalog_id) " " (r.catalog_version) " " (r.level.as_deref().unwrap_or("")) } }
            tr { th { (ui.t("supply.col.due")) } td { (r.due_date) @if r.overdue { " " strong style="color:#c62828" { (ui.t("supply.state.overdue")) } } } }
            tr { th { (ui.t("supply.col.state")) } td #incoming-state { (state_label(&ui, r.state.as_str())) } }
            @if !r.message.is_empty() { tr { th { (ui.t("supply.request.message")) } td { (r.message) } } }
        }
        h2 { (ui.t("supply.incoming.history")) }
        ul { @for e in &r.events { li { (e.at) " · " (e.kind) @if !e.comment.is_empty() { " — " strong { (e.comment) } } } } }
        @if role.can_edit() && open {
            @match &r.assessment_id {
                None => {
                    form #start method="post" action={ "/w/" (ws) "/suppliers/incoming/" (id) "/start" } {
                        (ui.csrf_field()) p.muted { (ui.t("supply.incoming.start_help")) } button type="submit" { (ui.t("supply.incoming.start")) }
                    }
                },
                Some(aid) => {
                    h2 { (ui.t("supply.incoming.answer")) }
                    @if r.inferred { p.notice { (ui.t("supply.incoming.inferred_help")) } }
                    p { a #answer-in-ui href={ "/w/" (ws) "/assessments/" (aid) } { (ui.t("supply.incoming.answer_ui")) } }
                    p { a href={ "/api/v1/workspaces/" (ws) "/assessments/" (aid) "/questionnaire.xlsx?lang=ja" } { (ui.t("supply.incoming.download")) } }
                    form #upload method="post" enctype="multipart/form-data" action={ "/w/" (ws) "/suppliers/incoming/" (id) "/xlsx" } {
                        (ui.csrf_field()) input type="file" name="file" accept=".xlsx" required; " " button type="submit" { (ui.t("supply.incoming.upload")) }
                    }
                    h2 { (ui.t("supply.incoming.share")) }
                    form #share method="post" action={ "/w/" (ws) "/suppliers/incoming/" (id) "/share" } {
                        (ui.csrf_field())
                        label { input type="checkbox" name="consent" value="1" required; " " (ui.t("supply.incoming.consent")) } br;
                        label { input type="checkbox" name="third_party_evaluated" value="1"; " " (ui.t("supply.incoming.third_party")) } " "
                        label { (ui.t("supply.incoming.evaluator")) " " input type="text" name="evaluator"; } br;
                        button type="submit" { (ui.t("supply.incoming.share_button")) }
                    }
                },
            }
        }
        p { a href={ "/w/" (ws) "/suppliers" } { "← " (ui.t("nav.suppliers")) } }
    };
    Ok(ui.page(
        ui.t("supply.incoming.title"),
        Some((&workspace, "suppliers")),
        body,
    ))
}

async fn start(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<CommentForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state
        .store
        .start_incoming_request(&p.actor, &ws, &id)
        .await?;
    Ok(see_other(&format!("/w/{ws}/suppliers/incoming/{id}")))
}

async fn upload_xlsx(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    mut multipart: Multipart,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let (mut csrf, mut file) = (String::new(), Vec::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(state.config.body_limit).into())
            }
            Err(e) => return Err(ApiError::bad_request("(form)", e.body_text()).into()),
        };
        let name = field.name().unwrap_or("").to_string();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(state.config.body_limit).into())
            }
            Err(e) => return Err(ApiError::bad_request(&name, e.body_text()).into()),
        };
        match name.as_str() {
            crate::auth::CSRF_FIELD => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = bytes.to_vec(),
            _ => {}
        }
    }
    super::form::check_csrf(&headers, &csrf)?;
    supply_flow::import_xlsx(&state, &p, &ws, &id, &file).await?;
    Ok(see_other(&format!("/w/{ws}/suppliers/incoming/{id}")))
}

#[derive(Deserialize)]
struct ShareForm {
    consent: Option<String>,
    third_party_evaluated: Option<String>,
    #[serde(default)]
    evaluator: String,
}

async fn share(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ShareForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state
        .store
        .share_for_request(
            &p.actor,
            &ws,
            &id,
            ShareConsent {
                consent: checked(&f.consent),
                third_party_evaluated: checked(&f.third_party_evaluated),
                evaluator: f.evaluator,
            },
        )
        .await?;
    Ok(see_other(&format!("/w/{ws}/suppliers/incoming/{id}")))
}

async fn revoke(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<CommentForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state.store.revoke_share(&p.actor, &ws, &id).await?;
    Ok(see_other(&format!("/w/{ws}/suppliers#shares-given")))
}

// ---------- weak links ----------

#[derive(Deserialize, Default)]
struct WeakQuery {
    /// What-if: `star4` (with `node`) or `remove` (with `connection`).
    change: Option<String>,
    node: Option<String>,
    connection: Option<String>,
    /// Impact of a disrupted supplier.
    impact: Option<String>,
    mode: Option<String>,
}

async fn weak_links_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    Query(q): Query<WeakQuery>,
) -> UiResult {
    let (p, workspace, _) = workspace(&state, &ui, &ws).await?;
    let api = || ApiUser(p.clone());
    let exposure = analytics::exposure(
        State(state.clone()),
        api(),
        Path(ws.clone()),
        Query(analytics::ExposureQuery { k: Some(3) }),
    )
    .await?
    .0;
    let ranking = analytics::criticality(
        State(state.clone()),
        api(),
        Path(ws.clone()),
        Query(analytics::CriticalityQuery {
            top: Some(10),
            target: None,
            candidates: None,
        }),
    )
    .await?
    .0;
    let nodes = state.store.list_nodes(&ws).await?;
    let connections = state.store.list_connections(&ws).await?;
    let orgs: Vec<_> = nodes
        .iter()
        .filter(|n| n.kind == sanso_core::model::ComponentKind::Organization)
        .collect();
    let change = match (q.change.as_deref(), &q.node, &q.connection) {
        (Some("star4"), Some(n), _) if !n.is_empty() => {
            Some(analytics::WhatIfChange::ReachesStar4 { node: n.clone() })
        }
        (Some("remove"), _, Some(c)) if !c.is_empty() => {
            Some(analytics::WhatIfChange::RemoveConnection {
                connection: c.clone(),
            })
        }
        _ => None,
    };
    let what_if = match change {
        Some(c) => Some(
            analytics::what_if(
                State(state.clone()),
                api(),
                Path(ws.clone()),
                crate::api::body::ApiJson(analytics::WhatIfInput { changes: vec![c] }),
            )
            .await?
            .0,
        ),
        None => None,
    };
    let impact = match q.impact.as_deref().filter(|s| !s.is_empty()) {
        Some(node) => Some(
            analytics::impact(
                State(state.clone()),
                api(),
                Path(ws.clone()),
                Query(analytics::ImpactQuery {
                    node: node.to_string(),
                    mode: q.mode.clone(),
                }),
            )
            .await?
            .0,
        ),
        None => None,
    };
    let name_of = |id: &str| {
        nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let body = html! {
        p.muted { (ui.t("supply.weak.help")) }
        div #chain { img #weak-links-svg alt=(ui.t("supply.weak.title")) src={ "/api/v1/workspaces/" (ws) "/supply/weak-links.svg" }; }
        h2 { (ui.t("supply.weak.exposure")) }
        table #exposure {
            tr { th { (ui.t("supply.weak.asset")) } th { (ui.t("supply.weak.likelihood")) } th { (ui.t("supply.weak.paths")) } }
            @for a in &exposure.assets {
                tr { td { (a.asset.name) } td { (format!("{:.4}", a.exposure)) }
                    td { ul { @for path in &a.paths { li { (format!("{:.4}", path.likelihood)) " — " (path.description) } } } } }
            }
        }
        p { (ui.t("supply.weak.total")) ": " strong #total-exposure { (format!("{:.4}", exposure.total)) } }
        h2 { (ui.t("supply.weak.criticality")) }
        table #criticality {
            tr { th { "#" } th { (ui.t("supply.col.supplier")) } th { (ui.t("supply.weak.protection")) } th { (ui.t("supply.weak.drop")) } }
            @for (i, r) in ranking.ranked.iter().enumerate() {
                tr { td { (i + 1) } td { (r.node.name) } td { (format!("{:.3}", r.protection)) } td { (format!("{:.4}", r.drop)) " (" (format!("{:.0}%", r.drop_share * 100.0)) ")" } }
            }
        }
        h2 { (ui.t("supply.weak.whatif")) }
        form #what-if method="get" {
            select name="change" { option value="star4" { (ui.t("supply.weak.star4")) } option value="remove" { (ui.t("supply.weak.remove")) } }
            " " select name="node" { option value="" { "—" } @for n in &orgs { option value=(n.id) selected[q.node.as_deref() == Some(n.id.as_str())] { (n.name) } } }
            " " select name="connection" { option value="" { "—" } @for c in &connections { option value=(c.id) { (name_of(&c.source_id)) " → " (name_of(&c.target_id)) " (" (c.kind.as_str()) ")" } } }
            " " button type="submit" { (ui.t("supply.weak.compare")) }
        }
        @if let Some(w) = &what_if {
            table #what-if-result {
                tr { th { (ui.t("supply.weak.asset")) } th { (ui.t("supply.weak.before")) } th { (ui.t("supply.weak.after")) } th { "Δ" } }
                @for a in &w.assets {
                    tr { td { (a.asset.name) } td { (format!("{:.4}", a.before)) } td { (format!("{:.4}", a.after)) } td { (format!("{:+.4}", a.delta)) } }
                }
                tr { th { (ui.t("supply.weak.total")) } th { (format!("{:.4}", w.total_before)) } th { (format!("{:.4}", w.total_after)) } th { (format!("{:+.4}", w.total_delta)) } }
            }
        }
        h2 { (ui.t("supply.weak.impact")) }
        form #impact method="get" {
            select name="impact" { @for n in &orgs { option value=(n.id) selected[q.impact.as_deref() == Some(n.id.as_str())] { (n.name) } } }
            " " select name="mode" { option value="compromised" { (ui.t("supply.weak.compromised")) } option value="stopped" selected[q.mode.as_deref() == Some("stopped")] { (ui.t("supply.weak.stopped")) } }
            " " button type="submit" { (ui.t("supply.weak.show")) }
        }
        @if let Some(i) = &impact {
            p { strong { (i.source.name) } " — " (i.mode) ": " (i.affected.len()) " " (ui.t("supply.weak.affected")) }
            ul #impact-result { @for a in &i.affected { li { (a.node.name) " (" (a.node.kind) ", " (a.hops) " hops): " (a.path.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(" → ")) } } }
        }
    };
    Ok(ui.page(
        ui.t("supply.weak.title"),
        Some((&workspace, "suppliers")),
        body,
    ))
}

// ---------- supplier invitation ----------

async fn invitation_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(secret): Path<String>,
) -> UiResult {
    let (buyer, supplier, email) = state
        .store
        .find_supplier_invitation(&secret)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let body = html! {
        p.notice lang="ja" { (ui.t("supply.invite.intro")) }
        p { (ui.t("supply.col.buyer")) ": " strong { (buyer) } " · " (ui.t("supply.col.supplier")) ": " strong { (supplier) } " · " (email) }
        form #accept-supplier method="post" {
            (ui.csrf_field())
            @if ui.user.is_none() {
                label { (ui.t("supply.invite.name")) " " input type="text" name="display_name" required; } br;
                label { (ui.t("supply.invite.password")) " " input type="password" name="password" minlength="10" required; } br;
                label { (ui.t("supply.invite.workspace")) " " input type="text" name="workspace_name" value=(supplier); } br;
            }
            button type="submit" { (ui.t("supply.invite.accept")) }
        }
    };
    Ok(ui.page(ui.t("supply.invite.title"), None, body))
}

#[derive(Deserialize)]
struct InviteForm {
    display_name: Option<String>,
    password: Option<String>,
    workspace_name: Option<String>,
}

async fn accept_invitation(
    State(state): State<SharedState>,
    ui: Ui,
    Path(secret): Path<String>,
    CsrfForm(f): CsrfForm<InviteForm>,
) -> UiResult {
    match &ui.user {
        Some(p) => {
            let joined = state
                .store
                .accept_supplier_invitation(&secret, Some(&p.user), None, None, None)
                .await?;
            Ok(see_other(&format!("/w/{}/suppliers", joined.workspace.id)))
        }
        None => {
            let name = f.display_name.unwrap_or_default();
            let password = f.password.unwrap_or_default();
            let joined = state
                .store
                .accept_supplier_invitation(
                    &secret,
                    None,
                    Some((&name, &password)),
                    None,
                    f.workspace_name.as_deref(),
                )
                .await?;
            let session = state.store.create_session(&joined.user.id).await?;
            Ok(super::pages::session_response(
                &state,
                &session,
                &format!("/w/{}/suppliers", joined.workspace.id),
            ))
        }
    }
}

/// (key, English, Japanese) for this area's pages.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.suppliers", "Suppliers", "サプライヤー"),
    ("supply.state.not_sent", "Not sent", "未送付"),
    ("supply.state.in_progress", "In progress", "回答中"),
    ("supply.state.submitted", "Submitted", "提出済み"),
    ("supply.state.returned", "Returned", "差し戻し"),
    ("supply.state.accepted", "Accepted", "受理"),
    ("supply.state.overdue", "Overdue", "期限超過"),
    ("supply.trust.explain", "How the score was reached, step by step (points each factor moved):", "スコアの算出過程(各要因が動かした点数):"),
    ("supply.rel.supplies", "Supplies", "供給品"),
    ("supply.rel.buyer_data", "Our data held", "預けている当社データ"),
    ("supply.rel.confidential", "confidential data", "機密データ"),
    ("supply.rel.network", "network connection", "ネットワーク接続"),
    ("supply.rel.remote", "remote access", "リモートアクセス"),
    ("supply.rel.onsite", "on-site work", "構内作業"),
    ("supply.rel.outage_stops", "outage stops us", "停止で当社が止まる"),
    ("supply.rel.tolerable", "Tolerable outage", "許容停止時間"),
    ("supply.weak.title", "Weak links of the chain", "サプライチェーンの弱点"),
    ("supply.incoming.title", "Requests from buyers", "取引先からの依頼"),
    ("supply.incoming.guidance", "取引先(発注元)からセキュリティ対策の自己評価の依頼が届いています。「回答を始める」を押すと評価票が作られます。画面で回答するか、Excel の質問票をダウンロードして記入し、アップロードしてください。回答は御社のワークスペースに保存され、御社が「共有に同意」するまで取引先には見えません。共有はいつでも取り消せます。", "A buyer asked your company for a security self-assessment. Press \"Start answering\" to create the questionnaire, then answer on screen or download the Excel questionnaire, fill it in and upload it. Your answers stay in your workspace and the buyer sees them only after you consent to share; you can revoke a share at any time."),
    ("supply.col.buyer", "Buyer", "発注元"),
    ("supply.col.supplier", "Supplier", "サプライヤー"),
    ("supply.col.framework", "Framework / level", "基準・レベル"),
    ("supply.col.due", "Due", "期限"),
    ("supply.col.state", "State", "状態"),
    ("supply.col.tier", "Tier", "階層"),
    ("supply.col.relationship", "Relationship", "取引関係"),
    ("supply.col.star", "★ to request", "求める★"),
    ("supply.col.trust", "Trust", "信頼度"),
    ("supply.suppliers.title", "Suppliers", "サプライヤー一覧"),
    ("supply.suppliers.none", "No suppliers yet: add one below.", "サプライヤーはまだありません。下のフォームから追加してください。"),
    ("supply.suppliers.invited", "invited, not joined yet", "招待済み・未参加"),
    ("supply.suppliers.deleted", "removed from the model", "モデルから削除済み"),
    ("supply.star.why", "why", "理由"),
    ("supply.request.message", "Message", "メッセージ"),
    ("supply.request.send", "Send request", "依頼を送る"),
    ("supply.request.remind", "Remind", "督促する"),
    ("supply.add.title", "Add a supplier and invite it", "サプライヤーを追加して招待"),
    ("supply.add.name", "Name", "名称"),
    ("supply.add.email", "Contact e-mail", "連絡先メール"),
    ("supply.add.supplies_to", "Supplies", "供給先"),
    ("supply.add.buyer_default", "us (the buyer)", "当社(発注元)"),
    ("supply.add.submit", "Add and create invitation link", "追加して招待リンクを作成"),
    ("supply.add.done", "Supplier added. Send it this one-time invitation link:", "サプライヤーを追加しました。次の招待リンク(1回限り)を送ってください:"),
    ("supply.q1", "Q1: our important confidential data is handled in its IT environment", "Q1: 当社の重要な機密情報を先方のIT環境で扱う"),
    ("supply.q2", "Q2: its outage would delay us unacceptably", "Q2: 先方の停止で当社に許容できない遅延が生じる"),
    ("supply.board.title", "Request status", "依頼の状況"),
    ("supply.inferred", "inferred", "推定"),
    ("supply.review.open", "Review", "確認する"),
    ("supply.given.title", "Shared with buyers", "取引先への共有"),
    ("supply.given.shared_at", "Shared", "共有日時"),
    ("supply.given.revoked", "revoked", "取消済み"),
    ("supply.given.revoke", "Revoke consent", "共有を取り消す"),
    ("supply.review.title", "Shared answers", "共有された回答"),
    ("supply.review.from", "From", "提供元"),
    ("supply.review.third_party", "third-party evaluated by", "第三者評価"),
    ("supply.review.self", "self-assessed", "自己評価"),
    ("supply.review.frozen", "A read-only copy frozen when shared:", "共有時点で固定された閲覧専用の写し:"),
    ("supply.review.levels", "Levels attained", "達成レベル"),
    ("supply.review.coverage", "Answered", "回答数"),
    ("supply.review.met", "Met", "充足"),
    ("supply.review.evidence", "Evidence", "証跡"),
    ("supply.review.gaps", "Open gaps", "未充足"),
    ("supply.review.answers", "Answers", "回答"),
    ("supply.review.comment", "Comment", "コメント"),
    ("supply.review.accept", "Accept", "受理する"),
    ("supply.review.return", "Return with comment", "コメントを付けて差し戻す"),
    ("supply.review.return_comment", "What has to change", "修正してほしい点"),
    ("supply.incoming.history", "History", "履歴"),
    ("supply.incoming.start", "Start answering", "回答を始める"),
    ("supply.incoming.start_help", "An existing assessment of the same framework and level is reused; for another framework, answers are carried over where mappings allow (marked inferred).", "同じ基準・レベルの評価があればそれを使います。別の基準の場合は対応表で引き継げる回答を「推定」として下書きします。"),
    ("supply.incoming.answer", "Answer", "回答する"),
    ("supply.incoming.inferred_help", "Some answers were inferred from another framework: check each before sharing.", "一部の回答は別の基準から推定したものです。共有する前に確認してください。"),
    ("supply.incoming.answer_ui", "Answer on screen", "画面で回答する"),
    ("supply.incoming.download", "Download the Excel questionnaire", "Excel 質問票をダウンロード"),
    ("supply.incoming.upload", "Upload filled questionnaire", "記入済み質問票をアップロード"),
    ("supply.incoming.share", "Share with the buyer", "取引先に共有する"),
    ("supply.incoming.consent", "I consent to this buyer reading a read-only copy of these answers", "この取引先が回答の閲覧専用の写しを見ることに同意します"),
    ("supply.incoming.third_party", "Third-party evaluated", "第三者評価済み"),
    ("supply.incoming.evaluator", "Evaluator", "評価機関"),
    ("supply.incoming.share_button", "Share", "共有する"),
    ("supply.weak.help", "The chain coloured by trust (green trusted, red weak); red paths are the most likely attack paths, where residual gaps line up in series.", "信頼度で色分けしたサプライチェーン(緑=高い、赤=弱い)。赤い経路は残存する弱点が直列に並ぶ、最も起こりやすい攻撃経路です。"),
    ("supply.weak.exposure", "Exposure per critical asset", "重要資産ごとの露出度"),
    ("supply.weak.asset", "Asset", "資産"),
    ("supply.weak.likelihood", "Likelihood", "可能性"),
    ("supply.weak.paths", "Most likely paths", "主な攻撃経路"),
    ("supply.weak.total", "Total exposure", "露出度の合計"),
    ("supply.weak.criticality", "Where strengthening helps most", "強化の効果が大きい順"),
    ("supply.weak.protection", "Protection", "防御度"),
    ("supply.weak.drop", "Exposure drop at ★4", "★4到達時の露出度低下"),
    ("supply.weak.whatif", "What if", "もしも分析"),
    ("supply.weak.star4", "supplier reaches ★4", "サプライヤーが★4に到達"),
    ("supply.weak.remove", "connection is removed", "接続をなくす"),
    ("supply.weak.compare", "Compare", "比較する"),
    ("supply.weak.before", "Before", "現在"),
    ("supply.weak.after", "After", "変更後"),
    ("supply.weak.impact", "If a supplier is compromised or stops", "サプライヤーが侵害・停止した場合"),
    ("supply.weak.compromised", "compromised", "侵害"),
    ("supply.weak.stopped", "stopped", "停止"),
    ("supply.weak.show", "Show impact", "影響を表示"),
    ("supply.weak.affected", "affected (products, data, operations)", "件に影響(製品・データ・業務)"),
    ("supply.invite.title", "Supplier invitation", "サプライヤー招待"),
    ("supply.invite.intro", "取引先からサプライチェーンのセキュリティ評価への参加依頼が届いています。アカウントと御社専用のワークスペースを作成します(既にお持ちの場合はサインインして承諾してください)。御社の回答は御社が同意した相手にだけ共有されます。", "A buyer invites your company to its supply-chain security assessment. This creates your account and your own workspace (if you already have one, sign in first). Your answers are shared only with the buyers you consent to."),
    ("supply.invite.name", "Your name", "お名前"),
    ("supply.invite.password", "Password (10+ characters)", "パスワード(10文字以上)"),
    ("supply.invite.workspace", "Workspace name", "ワークスペース名"),
    ("supply.invite.accept", "Accept", "承諾する"),
];

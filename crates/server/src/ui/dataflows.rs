//! Web UI for layer-3 data flows (the four-step DMF workflow) and layer-2 IoT device categories.
//!
//! `/w/{ws}/dataflows` lists the flows with a C/I/A/L risk summary; each flow has a guided page per
//! step (`?step=1..4`): (1) events, holders and edges; (2) places, the rules in force there and the
//! transfer gaps; (3) attributes per event; (4) the risk register per event under C/I/A/L, where
//! suggestions are accepted, edited or rejected. Every step page also carries the swim-lane SVG,
//! the YAML editor (faults shown inline, naming event and field) and the downloads. `/w/{ws}/devices`
//! lists device uses on the severity chart; a device page edits the rating and the "met"
//! checkboxes of the viewpoints it inherits. The place rule sets and the IoT-SSF scheme of the
//! workspace are edited as YAML on their own pages.
//!
//! Handlers stay thin: they read the form, change the flow document and hand it to the store, which
//! checks it whole. Text comes from [`MESSAGES`] below (registered in `crate::i18n`).

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, PreEscaped};
use sanso_core::model::{ComponentKind, FieldError};
use sanso_dataflow::iot::{share_met, AxisRating, DeviceRating};
use sanso_dataflow::places::PlaceKind;
use sanso_dataflow::risk::{count_by_event, RiskDimension, RiskStatus};
use sanso_dataflow::vocabulary::Scale;
use sanso_dataflow::{
    device_requirements, workflow_state, DataFlow, DataSet, Edge, Event, EventKind, Holder,
    HolderRelation, Library, Place, Risk, Text,
};
use sanso_store::dataflow_rules::RulesKind;
use sanso_store::dataflows::{DataFlowRecord, IotDevice, IotDeviceInput};
use sanso_store::device_met::{effective_met, MetSource};
use sanso_store::{StoreError, Workspace};
use serde::Deserialize;

use super::pages::workspace;
use super::{CsrfForm, Ui, UiReject, UiResult};
use crate::api::dataflows::{analyse, dataflow_error, devices_chart_svg};
use crate::auth::{require_admin, require_edit};
use crate::SharedState;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/w/{ws}/dataflows", get(list_page).post(create_flow))
        .route("/w/{ws}/dataflows/demo", post(load_demo))
        .route(
            "/w/{ws}/dataflows/places",
            get(places_page).post(save_places),
        )
        .route("/w/{ws}/dataflows/{id}", get(flow_page))
        .route("/w/{ws}/dataflows/{id}/yaml", post(save_yaml))
        .route("/w/{ws}/dataflows/{id}/holders", post(add_holder))
        .route("/w/{ws}/dataflows/{id}/events", post(add_event))
        .route("/w/{ws}/dataflows/{id}/edges", post(add_edge))
        .route("/w/{ws}/dataflows/{id}/places", post(add_place))
        .route(
            "/w/{ws}/dataflows/{id}/events/{event}/attributes",
            post(set_attributes),
        )
        .route("/w/{ws}/dataflows/{id}/risks", post(review_risk))
        .route("/w/{ws}/dataflows/{id}/risks/manual", post(add_manual_risk))
        .route("/w/{ws}/dataflows/{id}/delete", post(delete_flow))
        .route("/w/{ws}/devices", get(devices_page).post(create_device))
        .route("/w/{ws}/devices/scheme", get(scheme_page).post(save_scheme))
        .route("/w/{ws}/devices/{id}", get(device_page).post(update_device))
        .route("/w/{ws}/devices/{id}/delete", post(delete_device))
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn lang(ui: &Ui) -> &'static str {
    ui.lang.code()
}

fn invalid(field: &str, message: impl Into<String>) -> UiReject {
    UiReject::Api(StoreError::invalid(field, message).into())
}

// ---------- flows: list, create, demo ----------

async fn list_page(State(state): State<SharedState>, ui: Ui, Path(ws): Path<String>) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let flows = state.store.list_data_flows(&ws).await?;
    let mut rows = Vec::new();
    for record in flows {
        let id = record.id.clone();
        let name = record.name.clone();
        let a = analyse(&state, record).await?;
        let workflow = workflow_state(&a.flow, &a.library);
        let mut counts: BTreeMap<RiskDimension, (usize, usize)> = BTreeMap::new();
        for r in &a.risks {
            let e = counts.entry(r.dimension).or_default();
            if r.status != RiskStatus::Rejected {
                e.0 += 1;
            }
            if r.status == RiskStatus::Suggested {
                e.1 += 1;
            }
        }
        let gaps: usize = a.gaps.iter().map(|g| g.gaps.len()).sum();
        rows.push((id, name, workflow.current_step, counts, gaps));
    }
    let l = lang(&ui);
    Ok(ui.page(
        ui.t("df.title"),
        Some((&workspace, "dataflows")),
        html! {
            p.muted { (ui.t("df.intro")) }
            @if rows.is_empty() { p #no-flows { (ui.t("df.none")) } }
            @else {
                table #flows {
                    tr {
                        th { (ui.t("field.name")) } th { (ui.t("df.step_now")) }
                        @for d in RiskDimension::ALL { th title=(d.label().get(l)) { (d.letter()) } }
                        th { (ui.t("df.gaps")) }
                    }
                    @for (id, name, step, counts, gaps) in &rows {
                        tr {
                            td { a href={ "/w/" (ws) "/dataflows/" (id) } { (name) } }
                            td { @if *step > 4 { (ui.t("df.all_done")) } @else { (ui.t("df.step")) " " (step) } }
                            @for d in RiskDimension::ALL {
                                @let (live, open) = counts.get(&d).copied().unwrap_or_default();
                                td.risk-count data-dim=(d.letter()) { (live) @if open > 0 { " " span.muted { "(" (open) " " (ui.t("df.open")) ")" } } }
                            }
                            td { (gaps) }
                        }
                    }
                }
                p { a href={ "/api/v1/workspaces/" (ws) "/flows/register.xlsx?lang=" (l) } download { (ui.t("df.download_all")) } }
            }
            p { a href={ "/w/" (ws) "/dataflows/places" } { (ui.t("df.places_edit")) } }
            @if role.can_edit() {
                form #new-flow method="post" action={ "/w/" (ws) "/dataflows" } {
                    fieldset {
                        legend { (ui.t("df.new")) }
                        (ui.csrf_field())
                        label { (ui.t("field.name")) br; input type="text" name="name" required; }
                        label { (ui.t("df.data_set")) br; input type="text" name="data_set" required; }
                        label { (ui.t("df.holder_name")) br; input type="text" name="holder" required; }
                        label { (ui.t("df.first_place")) br;
                            select name="rule_set" {
                                @for set in state.store.workspace_library(&ws).await?.rule_sets {
                                    option value=(set.id) { (set.name.get(l)) }
                                }
                            }
                        }
                        button type="submit" { (ui.t("action.create")) }
                    }
                }
                form #load-demo method="post" action={ "/w/" (ws) "/dataflows/demo" } {
                    (ui.csrf_field())
                    button type="submit" { (ui.t("df.load_demo")) }
                }
            }
        },
    ))
}

/// An id from free text: lower-case ASCII letters, digits and dashes.
fn slug(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

#[derive(Deserialize)]
struct NewFlowForm {
    name: String,
    data_set: String,
    holder: String,
    rule_set: String,
}

async fn create_flow(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<NewFlowForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let library = state.store.workspace_library(&ws).await?;
    let Some(set) = library.rule_set(&f.rule_set) else {
        return Err(invalid(
            "rule_set",
            format!("no rule set `{}` in this workspace", f.rule_set),
        ));
    };
    // A new flow starts valid: one holder, one place adopting the chosen rule set, and the
    // create/acquire event every flow begins with. The steps add the rest.
    let flow = DataFlow {
        id: slug(&f.name, "flow"),
        name: f.name.trim().to_string(),
        data_set: DataSet {
            name: f.data_set.trim().to_string(),
            description: String::new(),
        },
        places: vec![Place {
            id: set.id.clone(),
            name: set.name.clone(),
            kind: set.kind,
            jurisdiction: set.jurisdiction.clone(),
            adopts: vec![set.id.clone()],
            rules: vec![],
        }],
        holders: vec![Holder {
            id: slug(&f.holder, "owner"),
            name: f.holder.trim().to_string(),
            relation: HolderRelation::Own,
        }],
        events: vec![Event {
            id: "acquire".into(),
            kind: EventKind::CreateAcquire,
            holder: slug(&f.holder, "owner"),
            place: set.id.clone(),
            description: String::new(),
            changes: Default::default(),
            purpose: None,
            method: None,
            retention_days: None,
            safeguards: vec![],
        }],
        edges: vec![],
        adequacy: vec![],
        risks: vec![],
    };
    let record = state
        .store
        .create_data_flow(&p.actor, &ws, None, flow)
        .await?;
    Ok(see_other(&format!(
        "/w/{ws}/dataflows/{}?step=1",
        record.id
    )))
}

#[derive(Deserialize)]
struct EmptyForm {}

async fn load_demo(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_admin(role)?;
    let summary = state.store.load_dataflow_demo(&p.actor, &ws).await?;
    Ok(see_other(&format!("/w/{ws}/dataflows/{}", summary.flow.id)))
}

async fn delete_flow(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state.store.delete_data_flow(&p.actor, &ws, &id).await?;
    Ok(see_other(&format!("/w/{ws}/dataflows")))
}

// ---------- one flow: the four steps ----------

#[derive(Deserialize)]
struct StepQuery {
    step: Option<u8>,
}

async fn flow_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<StepQuery>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let record = state.store.get_data_flow(&ws, &id).await?;
    render_flow(
        &state,
        &ui,
        &workspace,
        role.can_edit(),
        record,
        q.step,
        None,
        None,
    )
    .await
}

/// Renders a flow's page; `yaml` and `errors` re-show a rejected YAML edit with its faults.
#[allow(clippy::too_many_arguments)]
async fn render_flow(
    state: &SharedState,
    ui: &Ui,
    workspace: &Workspace,
    can_edit: bool,
    record: DataFlowRecord,
    step: Option<u8>,
    yaml: Option<String>,
    errors: Option<Vec<FieldError>>,
) -> UiResult {
    let ws = workspace.id.clone();
    let id = record.id.clone();
    let a = analyse(state, record.clone()).await?;
    let workflow = workflow_state(&a.flow, &a.library);
    let step = step.unwrap_or(workflow.current_step.min(4)).clamp(1, 4);
    let l = lang(ui);
    let svg =
        sanso_dataflow::svg::flow_svg(&a.flow, &a.library, &a.risks, l).map_err(dataflow_error)?;
    let mut document = record.flow.clone();
    document.risks = record.risks.clone();
    let yaml = match yaml {
        Some(y) => y,
        None => sanso_dataflow::io::to_yaml(&document).map_err(dataflow_error)?,
    };
    let base = format!("/w/{ws}/dataflows/{id}");
    let body = match step {
        1 => step1(ui, &base, &a.flow, can_edit),
        2 => step2(ui, &base, &a.flow, &a.library, &a.gaps, can_edit),
        3 => step3(ui, &base, &a.flow, &a.library, &a.attributes, can_edit),
        _ => step4(ui, &base, &a.flow, &a.risks, can_edit),
    };
    Ok(ui.page(
        &record.name,
        Some((workspace, "dataflows")),
        html! {
            nav.steps #steps {
                @for s in &workflow.steps {
                    a class=(if s.step == step { "current" } else { "" }) href={ (base) "?step=" (s.step) } data-step=(s.step) {
                        (s.step) ". " (s.name.get(l)) " " @if s.complete { "✓" } @else { "…" }
                    }
                    " "
                }
            }
            @if let Some(s) = workflow.steps.iter().find(|s| s.step == step) {
                p.muted { (s.guidance.get(l)) }
                @if !s.missing.is_empty() {
                    div.notice #missing { p { (ui.t("df.missing")) } ul { @for m in &s.missing { li { (m) } } } }
                }
            }
            (body)
            h2 { (ui.t("df.diagram")) }
            div.diagram #flow-svg { (PreEscaped(svg)) }
            p #downloads {
                a href={ "/api/v1/workspaces/" (ws) "/flows/" (id) "/register.xlsx?lang=" (l) } download { "register.xlsx" } " · "
                a href={ "/api/v1/workspaces/" (ws) "/flows/" (id) "/register.json" } download { "register.json" } " · "
                a href={ "/api/v1/workspaces/" (ws) "/flows/" (id) "/flow.svg?lang=" (l) } download { "flow.svg" }
            }
            h2 { (ui.t("df.yaml")) }
            @if let Some(errors) = &errors {
                div.error #yaml-errors {
                    p { (ui.t("error.invalid")) }
                    ul { @for e in errors { li { code { (e.field) } " — " (e.message) } } }
                }
            }
            @if can_edit {
                form #yaml-editor method="post" action={ (base) "/yaml" } {
                    (ui.csrf_field())
                    input type="hidden" name="step" value=(step);
                    textarea name="yaml" rows="24" spellcheck="false" { (yaml) }
                    button type="submit" { (ui.t("action.save")) }
                }
                form method="post" action={ (base) "/delete" } {
                    (ui.csrf_field()) button type="submit" { (ui.t("action.delete")) }
                }
            } @else {
                pre { (yaml) }
            }
        },
    ))
}

fn event_label(flow: &DataFlow, id: &str, l: &str) -> String {
    match flow.event(id) {
        Some(e) => format!("{} ({})", e.id, e.kind.label().get(l)),
        None => id.to_string(),
    }
}

fn step1(ui: &Ui, base: &str, flow: &DataFlow, can_edit: bool) -> Markup {
    let l = lang(ui);
    html! {
        h2 { (ui.t("df.events")) }
        table #events {
            tr { th { "id" } th { (ui.t("df.kind")) } th { (ui.t("df.holder")) } th { (ui.t("df.place")) } th { (ui.t("df.after")) } th { (ui.t("field.description")) } }
            @for e in &flow.events {
                tr {
                    td { code { (e.id) } } td { (e.kind.label().get(l)) }
                    td { (flow.holder(&e.holder).map_or(e.holder.as_str(), |h| h.name.as_str())) }
                    td { (flow.place(&e.place).map_or(e.place.clone(), |p| p.name.get(l).to_string())) }
                    td { (flow.predecessors(&e.id).join(", ")) }
                    td { (e.description) }
                }
            }
        }
        h3 { (ui.t("df.holders")) }
        ul #holders { @for h in &flow.holders { li { code { (h.id) } " " (h.name) " — " (relation_label(ui, h.relation)) } } }
        @if can_edit {
            form #add-event method="post" action={ (base) "/events" } {
                fieldset {
                    legend { (ui.t("df.add_event")) }
                    (ui.csrf_field())
                    label { "id" br; input type="text" name="id" required pattern="[A-Za-z0-9_.-]+"; }
                    label { (ui.t("df.kind")) br; select name="kind" { @for k in EventKind::ALL { option value=(k.id()) { (k.label().get(l)) } } } }
                    label { (ui.t("df.holder")) br; select name="holder" { @for h in &flow.holders { option value=(h.id) { (h.name) } } } }
                    label { (ui.t("df.place")) br; select name="place" { @for p in &flow.places { option value=(p.id) { (p.name.get(l)) } } } }
                    label { (ui.t("df.after")) br; select name="after" { option value="" { "—" } @for e in &flow.events { option value=(e.id) selected[flow.events.last().is_some_and(|x| x.id == e.id)] { (event_label(flow, &e.id, l)) } } } }
                    label { (ui.t("field.description")) br; input type="text" name="description"; }
                    button type="submit" { (ui.t("df.add")) }
                }
            }
            form #add-edge method="post" action={ (base) "/edges" } {
                fieldset {
                    legend { (ui.t("df.add_edge")) }
                    (ui.csrf_field())
                    select name="from" { @for e in &flow.events { option value=(e.id) { (event_label(flow, &e.id, l)) } } }
                    " → "
                    select name="to" { @for e in &flow.events { option value=(e.id) { (event_label(flow, &e.id, l)) } } }
                    " " button type="submit" { (ui.t("df.add")) }
                }
            }
            form #add-holder method="post" action={ (base) "/holders" } {
                fieldset {
                    legend { (ui.t("df.add_holder")) }
                    (ui.csrf_field())
                    label { (ui.t("field.name")) br; input type="text" name="name" required; }
                    label { (ui.t("df.relation")) br; select name="relation" {
                        @for r in [HolderRelation::Own, HolderRelation::GroupCompany, HolderRelation::Contractor, HolderRelation::ThirdParty] {
                            option value=(relation_id(r)) { (relation_label(ui, r)) }
                        }
                    } }
                    button type="submit" { (ui.t("df.add")) }
                }
            }
        }
    }
}

fn relation_id(r: HolderRelation) -> &'static str {
    match r {
        HolderRelation::Own => "own",
        HolderRelation::GroupCompany => "group_company",
        HolderRelation::Contractor => "contractor",
        HolderRelation::ThirdParty => "third_party",
    }
}

fn relation_label(ui: &Ui, r: HolderRelation) -> &'static str {
    ui.t(match r {
        HolderRelation::Own => "df.rel.own",
        HolderRelation::GroupCompany => "df.rel.group_company",
        HolderRelation::Contractor => "df.rel.contractor",
        HolderRelation::ThirdParty => "df.rel.third_party",
    })
}

fn place_kind_label(ui: &Ui, k: PlaceKind) -> &'static str {
    ui.t(match k {
        PlaceKind::Law => "df.pk.law",
        PlaceKind::Contract => "df.pk.contract",
        PlaceKind::InternalRules => "df.pk.internal_rules",
    })
}

fn step2(
    ui: &Ui,
    base: &str,
    flow: &DataFlow,
    library: &Library,
    gaps: &[sanso_dataflow::EdgeGaps],
    can_edit: bool,
) -> Markup {
    let l = lang(ui);
    html! {
        h2 { (ui.t("df.places")) }
        @for p in &flow.places {
            section.place data-place=(p.id) {
                h3 { (p.name.get(l)) " " span.muted { code { (p.id) } " · " (place_kind_label(ui, p.kind)) @if let Some(j) = library.jurisdiction(p) { " · " (j) } } }
                table.rules {
                    tr { th { (ui.t("df.rule")) } th { (ui.t("df.rule_from")) } th { (ui.t("df.summary")) } }
                    @for r in library.effective_rules(p) {
                        tr { td { code { (r.rule.id) } } td { (r.rule_set.unwrap_or("—")) } td { (r.rule.summary.get(l)) } }
                    }
                }
            }
        }
        h2 { (ui.t("df.gap_list")) }
        @let all: Vec<_> = gaps.iter().filter(|g| !g.gaps.is_empty()).collect();
        @if all.is_empty() { p #no-gaps { (ui.t("df.no_gaps")) } }
        @else {
            table #gaps {
                tr { th { (ui.t("df.edge")) } th { (ui.t("df.from_place")) } th { (ui.t("df.to_place")) } th { (ui.t("df.rule")) } th { (ui.t("df.severity")) } th { (ui.t("df.explanation")) } }
                @for eg in &all { @for g in &eg.gaps {
                    tr { td { (eg.from_event) " → " (eg.to_event) } td { (g.from_place) } td { (g.to_place) } td { code { (g.rule_id) } } td { (g.severity.id()) } td { (g.explanation.get(l)) } }
                } }
            }
        }
        @if can_edit {
            form #add-place method="post" action={ (base) "/places" } {
                fieldset {
                    legend { (ui.t("df.add_place")) }
                    (ui.csrf_field())
                    label { "id" br; input type="text" name="id" required pattern="[A-Za-z0-9_.-]+"; }
                    label { (ui.t("df.name_ja")) br; input type="text" name="name_ja" required; }
                    label { (ui.t("df.name_en")) br; input type="text" name="name_en" required; }
                    label { (ui.t("df.kind")) br; select name="kind" { @for k in [PlaceKind::Law, PlaceKind::Contract, PlaceKind::InternalRules] { option value=(match k { PlaceKind::Law => "law", PlaceKind::Contract => "contract", PlaceKind::InternalRules => "internal_rules" }) { (place_kind_label(ui, k)) } } } }
                    label { (ui.t("df.jurisdiction")) br; input type="text" name="jurisdiction"; }
                    p { (ui.t("df.adopts")) }
                    @for set in &library.rule_sets {
                        label.check { input type="checkbox" name="adopts" value=(set.id); " " (set.name.get(l)) }
                    }
                    br;
                    button type="submit" { (ui.t("df.add")) }
                }
            }
        }
    }
}

fn step3(
    ui: &Ui,
    base: &str,
    flow: &DataFlow,
    library: &Library,
    attributes: &[sanso_dataflow::EventAttributes],
    can_edit: bool,
) -> Markup {
    let l = lang(ui);
    let v = library.vocabulary();
    let label = |scale: Scale, id: &Option<String>| -> String {
        id.as_deref()
            .map(|id| {
                v.label(scale, id)
                    .map_or(id.to_string(), |t| t.get(l).to_string())
            })
            .unwrap_or_else(|| "—".into())
    };
    let options = |scale: Scale| -> Vec<(String, String)> {
        match scale {
            Scale::Category => v
                .categories
                .iter()
                .map(|t| (t.id.clone(), t.label.get(l).to_string()))
                .collect(),
            Scale::PrivacyImpact => v
                .privacy_impacts
                .iter()
                .map(|t| (t.id.clone(), t.label.get(l).to_string()))
                .collect(),
            Scale::Value => v
                .values
                .iter()
                .map(|t| (t.id.clone(), t.label.get(l).to_string()))
                .collect(),
            Scale::DisclosureScope => v
                .disclosure_scopes
                .iter()
                .map(|t| (t.id.clone(), t.label.get(l).to_string()))
                .collect(),
            Scale::Safeguard => v
                .safeguards
                .iter()
                .map(|t| (t.id.clone(), t.label.get(l).to_string()))
                .collect(),
        }
    };
    let scales = [
        Scale::Category,
        Scale::PrivacyImpact,
        Scale::Value,
        Scale::DisclosureScope,
    ];
    html! {
        h2 { (ui.t("df.attributes")) }
        table #attributes {
            tr { th { (ui.t("df.event")) } th { (ui.t("df.attr.category")) } th { (ui.t("df.attr.privacy_impact")) } th { (ui.t("df.attr.value")) } th { (ui.t("df.attr.disclosure_scope")) } th { (ui.t("df.attr.rights_holders")) } th { (ui.t("df.holder")) } }
            @for step in attributes {
                tr data-event=(step.event) {
                    td { (event_label(flow, &step.event, l)) }
                    td { (label(Scale::Category, &step.after.category)) }
                    td { (label(Scale::PrivacyImpact, &step.after.privacy_impact)) }
                    td { (label(Scale::Value, &step.after.value)) }
                    td { (label(Scale::DisclosureScope, &step.after.disclosure_scope)) }
                    td { (step.after.rights_holders.join(", ")) }
                    td { (step.after.holder.clone().unwrap_or_default()) }
                }
            }
        }
        @if can_edit {
            h3 { (ui.t("df.set_attributes")) }
            @for e in &flow.events {
                form.attributes id={ "attrs-" (e.id) } method="post" action={ (base) "/events/" (e.id) "/attributes" } {
                    fieldset {
                        legend { (event_label(flow, &e.id, l)) }
                        (ui.csrf_field())
                        @for scale in scales {
                            @let current = match scale { Scale::Category => &e.changes.category, Scale::PrivacyImpact => &e.changes.privacy_impact, Scale::Value => &e.changes.value, _ => &e.changes.disclosure_scope };
                            label.check { (ui.t(&format!("df.attr.{}", scale.field()))) " "
                                select name=(scale.field()) {
                                    option value="" { (ui.t("df.unchanged")) }
                                    @for (id, text) in options(scale) { option value=(id) selected[current.as_deref() == Some(id.as_str())] { (text) } }
                                }
                            }
                        }
                        label.check { (ui.t("df.attr.rights_holders")) " " input type="text" name="rights_holders" value=(e.changes.rights_holders.as_ref().map(|r| r.join(", ")).unwrap_or_default()); }
                        button type="submit" { (ui.t("action.save")) }
                    }
                }
            }
        }
    }
}

fn status_label(ui: &Ui, s: RiskStatus) -> &'static str {
    ui.t(match s {
        RiskStatus::Suggested => "df.st.suggested",
        RiskStatus::Accepted => "df.st.accepted",
        RiskStatus::Edited => "df.st.edited",
        RiskStatus::Rejected => "df.st.rejected",
    })
}

fn step4(ui: &Ui, base: &str, flow: &DataFlow, risks: &[Risk], can_edit: bool) -> Markup {
    let l = lang(ui);
    let counts = count_by_event(risks);
    html! {
        h2 { (ui.t("df.register")) }
        table #risk-summary {
            tr { th { (ui.t("df.event")) } @for d in RiskDimension::ALL { th { (d.label().get(l)) } } }
            @for e in &flow.events {
                tr { td { (event_label(flow, &e.id, l)) } @for d in RiskDimension::ALL { td { (counts.get(&e.id).and_then(|c| c.get(&d)).copied().unwrap_or(0)) } } }
            }
        }
        @for e in &flow.events {
            @let mine: Vec<&Risk> = risks.iter().filter(|r| r.event == e.id).collect();
            @if !mine.is_empty() {
                h3 { (event_label(flow, &e.id, l)) }
                table.register data-event=(e.id) {
                    tr { th { (ui.t("df.dimension")) } th { (ui.t("df.risk")) } th { (ui.t("df.requirements")) } th { (ui.t("df.status")) } @if can_edit { th { (ui.t("df.review")) } } }
                    @for r in mine {
                        tr.risk data-risk=(r.id) data-status=(r.status.id()) {
                            td { (r.dimension.letter()) " " (r.dimension.label().get(l)) }
                            td { strong { (r.title.get(l)) } br; span.muted { (r.rationale.get(l)) }
                                @if r.outdated { br; em { (ui.t("df.outdated")) } }
                                @if let Some(n) = &r.note { br; "📝 " (n) } }
                            td { (r.requirement_refs.join(", ")) }
                            td.status { (status_label(ui, r.status)) }
                            @if can_edit {
                                td {
                                    form.review method="post" action={ (base) "/risks" } {
                                        (ui.csrf_field())
                                        input type="hidden" name="risk" value=(r.id);
                                        select name="status" {
                                            @for s in [RiskStatus::Accepted, RiskStatus::Edited, RiskStatus::Rejected, RiskStatus::Suggested] {
                                                option value=(s.id()) selected[if r.status == RiskStatus::Suggested { s == RiskStatus::Accepted } else { s == r.status }] { (status_label(ui, s)) }
                                            }
                                        }
                                        input type="text" name="title" value=(r.title.get(l)) title=(ui.t("df.edit_title"));
                                        input type="text" name="requirements" value=(r.requirement_refs.join(", ")) title=(ui.t("df.requirements"));
                                        input type="text" name="note" value=(r.note.clone().unwrap_or_default()) placeholder=(ui.t("df.note"));
                                        button type="submit" { (ui.t("action.save")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if can_edit {
            form #add-risk method="post" action={ (base) "/risks/manual" } {
                fieldset {
                    legend { (ui.t("df.add_risk")) }
                    (ui.csrf_field())
                    label { (ui.t("df.event")) br; select name="event" { @for e in &flow.events { option value=(e.id) { (event_label(flow, &e.id, l)) } } } }
                    label { (ui.t("df.dimension")) br; select name="dimension" { @for d in RiskDimension::ALL { option value=(dimension_id(d)) { (d.label().get(l)) } } } }
                    label { (ui.t("df.risk")) br; input type="text" name="title" required; }
                    label { (ui.t("df.requirements")) br; input type="text" name="requirements" placeholder="CPS.AC-1, CPS.DS-2"; }
                    button type="submit" { (ui.t("df.add")) }
                }
            }
        }
    }
}

fn dimension_id(d: RiskDimension) -> &'static str {
    match d {
        RiskDimension::Confidentiality => "confidentiality",
        RiskDimension::Integrity => "integrity",
        RiskDimension::Availability => "availability",
        RiskDimension::LegalCompliance => "legal_compliance",
    }
}

// ---------- flow edits ----------

/// Applies `change` to the stored flow document and stores it (the store checks it whole).
async fn edit_flow(
    state: &SharedState,
    ui: &Ui,
    ws: &str,
    id: &str,
    step: u8,
    change: impl FnOnce(&mut DataFlow) -> Result<(), UiReject>,
) -> UiResult {
    let (p, _, role) = workspace(state, ui, ws).await?;
    require_edit(role)?;
    let record = state.store.get_data_flow(ws, id).await?;
    let mut flow = record.flow;
    change(&mut flow)?;
    state
        .store
        .update_data_flow(&p.actor, ws, id, record.node_id, flow)
        .await?;
    Ok(see_other(&format!("/w/{ws}/dataflows/{id}?step={step}")))
}

#[derive(Deserialize)]
struct YamlForm {
    yaml: String,
    step: Option<u8>,
}

async fn save_yaml(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<YamlForm>,
) -> UiResult {
    let (p, workspace_row, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let record = state.store.get_data_flow(&ws, &id).await?;
    let result = match sanso_dataflow::io::flow_from_yaml(&f.yaml, "YAML") {
        Ok(flow) => state
            .store
            .update_data_flow(&p.actor, &ws, &id, record.node_id.clone(), flow)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(errors) => Ok(errors),
                other => Err(other),
            }),
        Err(e) => Err(Ok(sanso_store::dataflow_rules::document_errors(e))),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/w/{ws}/dataflows/{id}?step={}",
            f.step.unwrap_or(1)
        ))),
        // Faults are shown beside the editor with the text as typed, so nothing is lost.
        Err(Ok(errors)) => {
            let mut r = render_flow(
                &state,
                &ui,
                &workspace_row,
                true,
                record,
                f.step,
                Some(f.yaml),
                Some(errors),
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(Err(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct HolderForm {
    name: String,
    relation: String,
}

async fn add_holder(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<HolderForm>,
) -> UiResult {
    let relation: HolderRelation =
        serde_json::from_value(serde_json::Value::String(f.relation.clone()))
            .map_err(|_| invalid("relation", format!("unknown relation `{}`", f.relation)))?;
    edit_flow(&state, &ui, &ws, &id, 1, |flow| {
        let mut hid = slug(&f.name, "holder");
        while flow.holder(&hid).is_some() {
            hid.push('x');
        }
        flow.holders.push(Holder {
            id: hid,
            name: f.name.trim().to_string(),
            relation,
        });
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
struct EventForm {
    id: String,
    kind: String,
    holder: String,
    place: String,
    after: Option<String>,
    #[serde(default)]
    description: String,
}

async fn add_event(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<EventForm>,
) -> UiResult {
    let kind = EventKind::ALL
        .into_iter()
        .find(|k| k.id() == f.kind)
        .ok_or_else(|| invalid("kind", format!("unknown event kind `{}`", f.kind)))?;
    edit_flow(&state, &ui, &ws, &id, 1, |flow| {
        let event_id = f.id.trim().to_string();
        flow.events.push(Event {
            id: event_id.clone(),
            kind,
            holder: f.holder,
            place: f.place,
            description: f.description.trim().to_string(),
            changes: Default::default(),
            purpose: None,
            method: None,
            retention_days: None,
            safeguards: vec![],
        });
        if let Some(after) = f.after.filter(|a| !a.is_empty()) {
            flow.edges.push(Edge {
                from: after,
                to: event_id,
            });
        }
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
struct EdgeForm {
    from: String,
    to: String,
}

async fn add_edge(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<EdgeForm>,
) -> UiResult {
    edit_flow(&state, &ui, &ws, &id, 1, |flow| {
        flow.edges.push(Edge {
            from: f.from,
            to: f.to,
        });
        Ok(())
    })
    .await
}

async fn add_place(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> UiResult {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let kind: PlaceKind = serde_json::from_value(serde_json::Value::String(get("kind")))
        .map_err(|_| invalid("kind", format!("unknown place kind `{}`", get("kind"))))?;
    let place = Place {
        id: get("id"),
        name: Text::new(get("name_ja"), get("name_en")),
        kind,
        jurisdiction: Some(get("jurisdiction")).filter(|j| !j.is_empty()),
        adopts: pairs
            .iter()
            .filter(|(n, _)| n == "adopts")
            .map(|(_, v)| v.clone())
            .collect(),
        rules: vec![],
    };
    edit_flow(&state, &ui, &ws, &id, 2, |flow| {
        flow.places.push(place);
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
struct AttributesForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    privacy_impact: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    disclosure_scope: String,
    #[serde(default)]
    rights_holders: String,
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

async fn set_attributes(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id, event)): Path<(String, String, String)>,
    CsrfForm(f): CsrfForm<AttributesForm>,
) -> UiResult {
    let opt = |s: String| Some(s).filter(|s| !s.is_empty());
    edit_flow(&state, &ui, &ws, &id, 3, |flow| {
        let e = flow
            .events
            .iter_mut()
            .find(|e| e.id == event)
            .ok_or_else(|| UiReject::Api(StoreError::NotFound.into()))?;
        e.changes.category = opt(f.category);
        e.changes.privacy_impact = opt(f.privacy_impact);
        e.changes.value = opt(f.value);
        e.changes.disclosure_scope = opt(f.disclosure_scope);
        let holders = split_list(&f.rights_holders);
        e.changes.rights_holders = if holders.is_empty() {
            None
        } else {
            Some(holders)
        };
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
struct ReviewForm {
    risk: String,
    status: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    requirements: String,
    #[serde(default)]
    note: String,
}

async fn review_risk(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ReviewForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let status = [
        RiskStatus::Suggested,
        RiskStatus::Accepted,
        RiskStatus::Edited,
        RiskStatus::Rejected,
    ]
    .into_iter()
    .find(|s| s.id() == f.status)
    .ok_or_else(|| invalid("status", format!("unknown status `{}`", f.status)))?;
    let record = state.store.get_data_flow(&ws, &id).await?;
    // Review the merged register (suggestions included) so the decision sticks to the suggestion's id.
    let a = analyse(&state, record).await?;
    let mut risks = a.risks;
    let risk = risks.iter_mut().find(|r| r.id == f.risk).ok_or_else(|| {
        invalid(
            "risk",
            format!("no risk `{}` in this flow's register", f.risk),
        )
    })?;
    let l = lang(&ui);
    risk.status = status;
    risk.note = Some(f.note.trim().to_string()).filter(|n| !n.is_empty());
    let title = f.title.trim();
    let refs = split_list(&f.requirements);
    // An edit of the wording or the linked requirements makes the entry `edited`, so that
    // re-analysis keeps the person's version.
    if status != RiskStatus::Rejected
        && (!title.is_empty() && title != risk.title.get(l) || refs != risk.requirement_refs)
    {
        if !title.is_empty() {
            risk.title = if l == "ja" {
                Text::new(title, risk.title.en.clone())
            } else {
                Text::new(risk.title.ja.clone(), title)
            };
        }
        risk.requirement_refs = refs;
        risk.status = RiskStatus::Edited;
    }
    state
        .store
        .set_data_flow_risks(&p.actor, &ws, &id, risks)
        .await?;
    Ok(see_other(&format!("/w/{ws}/dataflows/{id}?step=4")))
}

#[derive(Deserialize)]
struct ManualRiskForm {
    event: String,
    dimension: String,
    title: String,
    #[serde(default)]
    requirements: String,
}

async fn add_manual_risk(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ManualRiskForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let dimension = RiskDimension::ALL
        .into_iter()
        .find(|d| dimension_id(*d) == f.dimension)
        .ok_or_else(|| invalid("dimension", format!("unknown dimension `{}`", f.dimension)))?;
    if f.title.trim().is_empty() {
        return Err(invalid("title", "must not be empty"));
    }
    let record = state.store.get_data_flow(&ws, &id).await?;
    let a = analyse(&state, record).await?;
    let mut risks = a.risks;
    let mut n = risks.len() + 1;
    while risks
        .iter()
        .any(|r| r.id == format!("manual-{n}@{}", f.event))
    {
        n += 1;
    }
    let title = f.title.trim().to_string();
    risks.push(Risk {
        id: format!("manual-{n}@{}", f.event),
        event: f.event,
        dimension,
        title: Text::new(title.clone(), title),
        rationale: Text::new("", ""),
        rule_id: "manual".into(),
        requirement_refs: split_list(&f.requirements),
        status: RiskStatus::Accepted,
        note: None,
        outdated: false,
    });
    state
        .store
        .set_data_flow_risks(&p.actor, &ws, &id, risks)
        .await?;
    Ok(see_other(&format!("/w/{ws}/dataflows/{id}?step=4")))
}

// ---------- editable rule data ----------

#[derive(Deserialize)]
struct RulesForm {
    document: String,
    #[serde(default)]
    reset: Option<String>,
}

async fn rules_page(
    state: &SharedState,
    ui: &Ui,
    ws: &str,
    kind: RulesKind,
    text: Option<String>,
    errors: Option<Vec<FieldError>>,
) -> UiResult {
    let (_, workspace_row, role) = workspace(state, ui, ws).await?;
    let doc = state.store.rules_document(ws, kind).await?;
    let (title, nav, action) = match kind {
        RulesKind::Places => (
            ui.t("df.places_title"),
            "dataflows",
            format!("/w/{ws}/dataflows/places"),
        ),
        RulesKind::IotScheme => (
            ui.t("dev.scheme_title"),
            "devices",
            format!("/w/{ws}/devices/scheme"),
        ),
    };
    let failed = errors.is_some();
    let mut r = ui.page(
        title,
        Some((&workspace_row, nav)),
        html! {
            p.muted { (ui.t(if doc.is_default { "rules.default" } else { "rules.own" })) }
            @if let Some(errors) = &errors {
                div.error #rules-errors {
                    p { (ui.t("error.invalid")) }
                    ul { @for e in errors { li { code { (e.field) } " — " (e.message) } } }
                }
            }
            @if role.can_administer() {
                form #rules-editor method="post" action=(action) {
                    (ui.csrf_field())
                    textarea name="document" rows="30" spellcheck="false" { (text.unwrap_or(doc.document)) }
                    button type="submit" { (ui.t("action.save")) }
                    " "
                    @if !doc.is_default { button type="submit" name="reset" value="1" { (ui.t("rules.reset")) } }
                }
            } @else {
                pre { (doc.document) }
            }
        },
    );
    if failed {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn save_rules(
    state: &SharedState,
    ui: &Ui,
    ws: &str,
    kind: RulesKind,
    f: RulesForm,
) -> UiResult {
    let (p, _, role) = workspace(state, ui, ws).await?;
    require_admin(role)?;
    let result = if f.reset.is_some() {
        state.store.reset_rules_document(&p.actor, ws, kind).await
    } else {
        state
            .store
            .set_rules_document(&p.actor, ws, kind, &f.document)
            .await
    };
    match result {
        Ok(_) => Ok(see_other(&match kind {
            RulesKind::Places => format!("/w/{ws}/dataflows/places"),
            RulesKind::IotScheme => format!("/w/{ws}/devices/scheme"),
        })),
        Err(StoreError::Invalid(errors)) => {
            rules_page(state, ui, ws, kind, Some(f.document), Some(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn places_page(State(state): State<SharedState>, ui: Ui, Path(ws): Path<String>) -> UiResult {
    rules_page(&state, &ui, &ws, RulesKind::Places, None, None).await
}

async fn save_places(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<RulesForm>,
) -> UiResult {
    save_rules(&state, &ui, &ws, RulesKind::Places, f).await
}

async fn scheme_page(State(state): State<SharedState>, ui: Ui, Path(ws): Path<String>) -> UiResult {
    rules_page(&state, &ui, &ws, RulesKind::IotScheme, None, None).await
}

async fn save_scheme(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<RulesForm>,
) -> UiResult {
    save_rules(&state, &ui, &ws, RulesKind::IotScheme, f).await
}

// ---------- devices ----------

async fn devices_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
) -> UiResult {
    let (_, workspace_row, role) = workspace(&state, &ui, &ws).await?;
    let l = lang(&ui);
    let devices = state.store.list_iot_devices(&ws).await?;
    let scheme = state.store.workspace_scheme(&ws).await?;
    let met = crate::api::dataflows::effective_met_maps(&state, &ws, &scheme, &devices).await?;
    let chart = devices_chart_svg(&state, &ws, l).await?;
    let nodes = state.store.list_nodes(&ws).await?;
    Ok(ui.page(
        ui.t("dev.title"),
        Some((&workspace_row, "devices")),
        html! {
            p.muted { (ui.t("dev.intro")) }
            div.diagram #severity-chart { (PreEscaped(chart)) }
            @if devices.is_empty() { p #no-devices { (ui.t("dev.none")) } }
            @else {
                table #devices {
                    tr { th { (ui.t("field.name")) } th { (ui.t("dev.product")) } th { (ui.t("dev.use")) } th { (ui.t("dev.category")) } th { (ui.t("dev.share_met")) } }
                    @for d in &devices {
                        @let reqs = device_requirements(&d.to_device(), &scheme).ok();
                        tr data-device=(d.id) {
                            td { a href={ "/w/" (ws) "/devices/" (d.id) } { (d.name) } }
                            td { (d.product) } td { (d.use_description) }
                            td.category { @if let Some(r) = &reqs { (r.categorisation.category_name.get(l)) } @else { "—" } }
                            td.share { @if let Some(share) = reqs.as_ref().and_then(|r| share_met(r, met.get(&d.id).unwrap_or(&BTreeMap::new()))) { (format!("{:.0}%", share * 100.0)) } @else { "—" } }
                        }
                    }
                }
            }
            p { a href={ "/w/" (ws) "/devices/scheme" } { (ui.t("dev.scheme_edit")) } }
            @if role.can_edit() {
                form #new-device method="post" action={ "/w/" (ws) "/devices" } {
                    fieldset { legend { (ui.t("dev.new")) } (ui.csrf_field()) (device_fields(&ui, &scheme, &nodes, None)) button type="submit" { (ui.t("action.create")) } }
                }
            }
        },
    ))
}

fn device_fields(
    ui: &Ui,
    scheme: &sanso_dataflow::Scheme,
    nodes: &[sanso_core::model::Node],
    d: Option<&IotDevice>,
) -> Markup {
    let l = lang(ui);
    let level_of = |axis: &str, target: Option<&str>| -> Option<String> {
        match (d?.rating.get(axis)?, target) {
            (AxisRating::Level(level), None) => Some(level.clone()),
            (AxisRating::PerTarget(map), Some(t)) => map.get(t).cloned(),
            _ => None,
        }
    };
    html! {
        label { (ui.t("field.name")) br; input type="text" name="name" required value=(d.map_or("", |d| d.name.as_str())); }
        label { (ui.t("dev.product")) br; input type="text" name="product" value=(d.map_or("", |d| d.product.as_str())); }
        label { (ui.t("dev.use")) br; input type="text" name="use_description" value=(d.map_or("", |d| d.use_description.as_str())); }
        label { (ui.t("dev.node")) br; select name="node_id" {
            option value="" { "—" }
            @for n in nodes.iter().filter(|n| n.kind == ComponentKind::Component) {
                option value=(n.id) selected[d.and_then(|d| d.node_id.as_deref()) == Some(n.id.as_str())] { (n.name) }
            }
        } }
        @for axis in &scheme.axes {
            fieldset.axis data-axis=(axis.id) {
                legend { (axis.name.get(l)) }
                @if axis.targets.is_empty() {
                    select name={ "rating." (axis.id) } {
                        @for level in &axis.levels { option value=(level.id) selected[level_of(&axis.id, None).as_deref() == Some(level.id.as_str())] { (level.name.get(l)) } }
                    }
                } @else {
                    @for t in &axis.targets {
                        label.check { (t.name.get(l)) " "
                            select name={ "rating." (axis.id) "." (t.id) } {
                                @for level in &axis.levels { option value=(level.id) selected[level_of(&axis.id, Some(&t.id)).as_deref() == Some(level.id.as_str())] { (level.name.get(l)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Reads a device form (`rating.<axis>` or `rating.<axis>.<target>`, `met.<requirement>`).
fn device_input(pairs: &[(String, String)]) -> Result<IotDeviceInput, UiReject> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut rating = DeviceRating::new();
    let mut met = BTreeMap::new();
    for (name, value) in pairs {
        if let Some(rest) = name.strip_prefix("rating.") {
            match rest.split_once('.') {
                Some((axis, target)) => {
                    let entry = rating
                        .entry(axis.to_string())
                        .or_insert_with(|| AxisRating::PerTarget(BTreeMap::new()));
                    match entry {
                        AxisRating::PerTarget(map) => {
                            map.insert(target.to_string(), value.clone());
                        }
                        AxisRating::Level(_) => {
                            return Err(invalid(
                                name,
                                "an axis is rated both as a whole and per target",
                            ))
                        }
                    }
                }
                None => {
                    rating.insert(rest.to_string(), AxisRating::Level(value.clone()));
                }
            }
        } else if let Some(req) = name.strip_prefix("met.") {
            met.insert(req.to_string(), !value.is_empty());
        }
    }
    Ok(IotDeviceInput {
        name: get("name"),
        product: get("product"),
        node_id: Some(get("node_id")).filter(|n| !n.is_empty()),
        use_description: get("use_description"),
        rating,
        met,
    })
}

async fn create_device(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let device = state
        .store
        .create_iot_device(&p.actor, &ws, device_input(&pairs)?)
        .await?;
    Ok(see_other(&format!("/w/{ws}/devices/{}", device.id)))
}

async fn update_device(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let scheme = state.store.workspace_scheme(&ws).await?;
    let before = state.store.get_iot_device(&ws, &id).await?;
    let mut input = device_input(&pairs)?;
    // Checkboxes send nothing when cleared: every requirement shown on the form is decided by it.
    if pairs.iter().any(|(n, _)| n == "met_form") {
        let shown: Vec<String> = device_requirements(&before.to_device(), &scheme)
            .map(|r| r.requirement_ids())
            .unwrap_or_default();
        let mut met = before.met.clone();
        for req in shown {
            met.insert(req.clone(), input.met.get(&req).copied().unwrap_or(false));
        }
        input.met = met;
    } else {
        input.met = before.met.clone();
    }
    state
        .store
        .update_iot_device(&p.actor, &ws, &id, input)
        .await?;
    Ok(see_other(&format!("/w/{ws}/devices/{id}")))
}

async fn delete_device(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state.store.delete_iot_device(&p.actor, &ws, &id).await?;
    Ok(see_other(&format!("/w/{ws}/devices")))
}

async fn device_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
) -> UiResult {
    let (_, workspace_row, role) = workspace(&state, &ui, &ws).await?;
    let l = lang(&ui);
    let device = state.store.get_iot_device(&ws, &id).await?;
    let scheme = state.store.workspace_scheme(&ws).await?;
    let nodes = state.store.list_nodes(&ws).await?;
    let reqs = device_requirements(&device.to_device(), &scheme).map_err(dataflow_error)?;
    let answers = state.store.answers_by_node(&ws).await?;
    let ids = reqs.requirement_ids();
    let states = effective_met(
        &device,
        device.node_id.as_ref().and_then(|n| answers.get(n)),
        &ids,
    );
    let state_of: BTreeMap<&str, &sanso_store::device_met::RequirementMet> = states
        .iter()
        .map(|s| (s.requirement_id.as_str(), s))
        .collect();
    let share = share_met(&reqs, &sanso_store::device_met::met_map(&states));
    let can_edit = role.can_edit();
    Ok(ui.page(
        &device.name,
        Some((&workspace_row, "devices")),
        html! {
            div #category {
                h2 { (ui.t("dev.category")) ": " span #category-name { (reqs.categorisation.category_name.get(l)) } }
                p #category-reason { (ui.t("dev.reason")) ": " (reqs.categorisation.reason.get(l)) }
                p { (ui.t("dev.share_met")) ": " span #share { @if let Some(s) = share { (format!("{:.0}%", s * 100.0)) } @else { "—" } } }
            }
            h2 { (ui.t("dev.viewpoints")) }
            form #met-form method="post" action={ "/w/" (ws) "/devices/" (id) } {
                (ui.csrf_field())
                input type="hidden" name="met_form" value="1";
                // The rating fields travel along so one form saves both.
                @for (axis, rating) in &device.rating {
                    @match rating {
                        AxisRating::Level(level) => { input type="hidden" name={ "rating." (axis) } value=(level); }
                        AxisRating::PerTarget(map) => { @for (t, level) in map { input type="hidden" name={ "rating." (axis) "." (t) } value=(level); } }
                    }
                }
                input type="hidden" name="name" value=(device.name);
                input type="hidden" name="product" value=(device.product);
                input type="hidden" name="use_description" value=(device.use_description);
                input type="hidden" name="node_id" value=(device.node_id.clone().unwrap_or_default());
                @for phase in &scheme.phases {
                    @let vps = reqs.for_phase(&phase.id);
                    @if !vps.is_empty() {
                        h3 { (phase.name.get(l)) }
                        table.viewpoints data-phase=(phase.id) {
                            tr { th { (ui.t("dev.viewpoint")) } th { (ui.t("dev.from_category")) } th { (ui.t("df.requirements")) } }
                            @for vp in vps {
                                tr {
                                    td { (vp.viewpoint.text.get(l)) }
                                    td { (vp.from_category) }
                                    td {
                                        @for req in &vp.viewpoint.requirements {
                                            @let st = state_of.get(req.as_str());
                                            @match st.map(|s| &s.source) {
                                                Some(MetSource::Assessment { title, status, .. }) => {
                                                    label.check data-req=(req) data-met=(st.is_some_and(|s| s.met)) title={ (title) ": " (status) } {
                                                        input type="checkbox" disabled checked[st.is_some_and(|s| s.met)];
                                                        " " (req) " " span.muted { "(" (ui.t("dev.from_assessment")) ": " (status) ")" }
                                                    }
                                                }
                                                _ => {
                                                    label.check data-req=(req) data-met=(st.is_some_and(|s| s.met)) {
                                                        input type="checkbox" name={ "met." (req) } value="1" checked[st.is_some_and(|s| s.met)] disabled[!can_edit];
                                                        " " (req)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if can_edit { button type="submit" { (ui.t("action.save")) } }
            }
            @if can_edit {
                form #edit-device method="post" action={ "/w/" (ws) "/devices/" (id) } {
                    fieldset { legend { (ui.t("dev.edit")) } (ui.csrf_field()) (device_fields(&ui, &scheme, &nodes, Some(&device))) button type="submit" { (ui.t("action.save")) } }
                }
                form method="post" action={ "/w/" (ws) "/devices/" (id) "/delete" } {
                    (ui.csrf_field()) button type="submit" { (ui.t("action.delete")) }
                }
            }
            p { a href={ "/w/" (ws) "/devices" } { "← " (ui.t("nav.devices")) } }
        },
    ))
}

/// (key, English, Japanese) for this area's pages.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.dataflows", "Data flows", "データフロー"),
    ("nav.devices", "Devices", "IoT機器"),
    ("df.title", "Data flows", "データフロー"),
    ("df.intro", "How each data set moves through events and places (CPSF layer 3, Data Management Framework), and the risk points per event under confidentiality (C), integrity (I), availability (A) and legal compliance (L).", "データがどのイベントと場を経て流れるか(CPSF第3層・データマネジメントフレームワーク)と、イベントごとの機密性(C)・完全性(I)・可用性(A)・法令遵守(L)のリスク箇所。"),
    ("df.none", "No data flows yet.", "データフローはまだありません。"),
    ("df.step_now", "Step", "ステップ"),
    ("df.step", "Step", "ステップ"),
    ("df.all_done", "All four steps done", "4ステップ完了"),
    ("df.gaps", "Transfer gaps", "移転ギャップ"),
    ("df.open", "open", "未レビュー"),
    ("df.download_all", "All flows and risk registers (XLSX)", "全フローとリスク台帳(XLSX)"),
    ("df.places_edit", "Place rule sets of this workspace (YAML)", "このワークスペースの場のルールセット(YAML)"),
    ("df.new", "New data flow", "データフローを作成"),
    ("df.data_set", "Data set", "データセット"),
    ("df.holder_name", "Your organisation (first holder)", "自組織(最初の保有者)"),
    ("df.first_place", "First place (rule set in force)", "最初の場(適用されるルールセット)"),
    ("df.load_demo", "Load the worked example (retailer POS data, devices)", "作例を読み込む(小売業のPOSデータと機器)"),
    ("df.missing", "Still missing in this step:", "このステップで不足しているもの:"),
    ("df.diagram", "Flow by place (swim-lanes)", "場ごとのフロー図(スイムレーン)"),
    ("df.yaml", "Edit as YAML", "YAMLで編集"),
    ("df.events", "Events", "イベント"),
    ("df.kind", "Kind", "種類"),
    ("df.holder", "Holder", "保有者"),
    ("df.holders", "Holders", "保有者"),
    ("df.place", "Place", "場"),
    ("df.after", "After event", "直前のイベント"),
    ("df.add_event", "Add an event", "イベントを追加"),
    ("df.add_edge", "Connect two events", "イベントをつなぐ"),
    ("df.add_holder", "Add a holder", "保有者を追加"),
    ("df.relation", "Relation to you", "自組織との関係"),
    ("df.add", "Add", "追加"),
    ("df.rel.own", "Own organisation", "自組織"),
    ("df.rel.group_company", "Group company", "グループ会社"),
    ("df.rel.contractor", "Contractor (processor)", "委託先"),
    ("df.rel.third_party", "Third party", "第三者"),
    ("df.pk.law", "Law", "法令"),
    ("df.pk.contract", "Contract", "契約"),
    ("df.pk.internal_rules", "Internal rules", "社内規程"),
    ("df.places", "Places and the rules in force", "場と適用される保護規則"),
    ("df.rule", "Rule", "規則"),
    ("df.rule_from", "From rule set", "ルールセット"),
    ("df.summary", "What it requires", "要求事項"),
    ("df.gap_list", "Transfer gaps (what the sending place requires that the receiving place does not give)", "移転ギャップ(送り手の場が求め、受け手の場が満たさないもの)"),
    ("df.no_gaps", "No gaps where data crosses places.", "場をまたぐ移転にギャップはありません。"),
    ("df.edge", "Transfer", "移転"),
    ("df.from_place", "From place", "移転元の場"),
    ("df.to_place", "To place", "移転先の場"),
    ("df.severity", "Severity", "深刻度"),
    ("df.explanation", "Explanation", "説明"),
    ("df.add_place", "Add a place", "場を追加"),
    ("df.name_ja", "Name (Japanese)", "名称(日本語)"),
    ("df.name_en", "Name (English)", "名称(英語)"),
    ("df.jurisdiction", "Jurisdiction code (JP, EU, US-CA …)", "法域コード(JP、EU、US-CA など)"),
    ("df.adopts", "Rule sets in force there:", "適用されるルールセット:"),
    ("df.attributes", "Attributes after each event", "各イベント後の属性"),
    ("df.event", "Event", "イベント"),
    ("df.attr.category", "Category", "区分"),
    ("df.attr.privacy_impact", "Privacy impact", "プライバシー影響度"),
    ("df.attr.value", "Value", "価値"),
    ("df.attr.disclosure_scope", "Disclosure scope", "開示範囲"),
    ("df.attr.rights_holders", "Rights holders", "権利者"),
    ("df.set_attributes", "What each event sets", "各イベントで設定する属性"),
    ("df.unchanged", "(unchanged)", "(変更なし)"),
    ("df.register", "Risk register", "リスク台帳"),
    ("df.dimension", "Dimension", "観点"),
    ("df.risk", "Risk", "リスク"),
    ("df.requirements", "Catalog requirements", "カタログ要求事項"),
    ("df.status", "Status", "状態"),
    ("df.review", "Review", "レビュー"),
    ("df.outdated", "Its condition no longer holds; kept so the decision is not lost.", "提案の条件はもう成立していません(判断を残すため保持)。"),
    ("df.edit_title", "Risk wording (editing makes it 'edited')", "リスクの表現(変更すると「編集済み」)"),
    ("df.note", "Note", "メモ"),
    ("df.add_risk", "Add a risk of your own", "独自のリスクを追加"),
    ("df.st.suggested", "Suggested", "提案"),
    ("df.st.accepted", "Accepted", "採用"),
    ("df.st.edited", "Edited", "編集済み"),
    ("df.st.rejected", "Rejected", "却下"),
    ("df.places_title", "Place rule sets", "場のルールセット"),
    ("rules.default", "This workspace uses the built-in document. Saving an edited copy makes it the workspace's own; flows and devices here then use it.", "このワークスペースは組み込みの文書を使っています。編集して保存するとワークスペース独自の文書となり、ここのフローと機器はそれを使います。"),
    ("rules.own", "This workspace uses its own document.", "このワークスペースは独自の文書を使っています。"),
    ("rules.reset", "Back to the built-in document", "組み込みの文書に戻す"),
    ("dev.title", "IoT devices (layer 2)", "IoT機器(第2層)"),
    ("dev.intro", "Each device use is rated by what an incident could cause; the rating decides its IoT-SSF category and the requirement viewpoints it inherits. The chart colours each device by the share of those requirements met (from its checkboxes, or from assessments of its value-chain node where they answer).", "機器の用途ごとにインシデントの影響の深刻度を評価し、IoT-SSFの区分と引き継ぐ要求の観点が決まります。図は要求の充足率で色分けします(チェック、またはバリューチェーン上の構成要素の評価で回答があればその回答)。"),
    ("dev.none", "No devices yet.", "機器はまだありません。"),
    ("dev.product", "Product", "製品"),
    ("dev.use", "Use", "用途"),
    ("dev.node", "Value-chain component", "バリューチェーン上の構成要素"),
    ("dev.category", "Category", "区分"),
    ("dev.reason", "Why", "理由"),
    ("dev.share_met", "Requirements met", "要求の充足率"),
    ("dev.new", "New device use", "機器の用途を追加"),
    ("dev.edit", "Rating and details", "評価と詳細"),
    ("dev.viewpoints", "Inherited requirement viewpoints per lifecycle phase", "ライフサイクル段階ごとに引き継ぐ要求の観点"),
    ("dev.viewpoint", "Viewpoint", "観点"),
    ("dev.from_category", "From category", "由来の区分"),
    ("dev.from_assessment", "from assessment", "評価による"),
    ("dev.scheme_edit", "IoT-SSF scheme of this workspace (YAML)", "このワークスペースのIoT-SSF区分(YAML)"),
    ("dev.scheme_title", "IoT-SSF scheme", "IoT-SSF区分"),
];

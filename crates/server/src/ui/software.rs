//! Web UI for products, versions, SBOMs, findings, VEX, triage and licences.
//!
//! Handlers stay thin: they read the request, call the store, and render with maud. Text comes from
//! [`MESSAGES`] below (registered in `crate::i18n`), in English and Japanese. Charts are SVG drawn
//! here on the server (no JavaScript). Uploads (SBOM, VEX) are multipart forms whose CSRF field is
//! checked by hand, since `CsrfForm` reads urlencoded bodies only.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use sanso_store::findings::{LabelCount, TriageInput, TriageState, VexScope};
use sanso_store::software::{ProductInput, VersionInput};
use serde::Deserialize;

use super::pages::workspace;
use super::{CsrfForm, Ui, UiResult};
use crate::auth::require_edit;
use crate::error::ApiError;
use crate::SharedState;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/w/{ws}/software", get(overview))
        .route("/w/{ws}/software/products", post(create_product))
        .route("/w/{ws}/software/products/{id}", get(product_page))
        .route(
            "/w/{ws}/software/products/{id}/versions",
            post(create_version),
        )
        .route("/w/{ws}/software/versions/{id}", get(version_page))
        .route("/w/{ws}/software/versions/{id}/sboms", post(upload_sbom))
        .route("/w/{ws}/software/versions/{id}/triage", post(triage))
        .route("/w/{ws}/software/vex", post(upload_vex))
        .route(
            "/w/{ws}/software/licences",
            get(licence_page).post(save_policy),
        )
}

/// Findings of newly arrived advisories shown on the overview, newest first.
const RECENT_PORTFOLIO_FINDINGS: i64 = 50;

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Horizontal bar chart: one labelled bar per item, scaled to the largest count.
fn bar_chart(id: &str, items: &[LabelCount], colour: &str, empty: &str) -> Markup {
    if items.is_empty() {
        return html! { p.muted { (empty) } };
    }
    let max = items.iter().map(|i| i.count).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row) = (180.0, 300.0, 24.0);
    let height = row * items.len() as f64 + 4.0;
    html! {
        svg id=(id) class="chart" xmlns="http://www.w3.org/2000/svg" width="540" height=(height)
            viewBox={ "0 0 540 " (height) } role="img" {
            @for (i, item) in items.iter().enumerate() {
                @let y = i as f64 * row + 2.0;
                @let w = bar_w * item.count as f64 / max as f64;
                text x=(label_w - 6.0) y=(y + 16.0) text-anchor="end" font-size="12" { (item.label) }
                rect x=(label_w) y=(y) width=(w) height=(row - 6.0) fill=(colour) {}
                text x=(label_w + w + 4.0) y=(y + 16.0) font-size="12" { (item.count) }
            }
        }
    }
}

fn severity_colour(sev: &str) -> &'static str {
    match sev {
        "critical" => "#7f1d1d",
        "high" => "#dc2626",
        "medium" => "#f59e0b",
        "low" => "#3b82f6",
        _ => "#6b7280",
    }
}

async fn overview(State(state): State<SharedState>, ui: Ui, Path(ws): Path<String>) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let dash = state.store.findings_dashboard(&ws).await?;
    let products = state.store.list_products(&ws).await?;
    let docs = state.store.list_vex_documents(&ws).await?;
    let arrived = state
        .store
        .list_portfolio_findings(&ws, true, 0, RECENT_PORTFOLIO_FINDINGS)
        .await?;
    let suppliers: Vec<LabelCount> = dash
        .by_supplier
        .iter()
        .map(|s| LabelCount {
            label: if s.label.is_empty() {
                ui.t("sw.unknown_supplier").to_string()
            } else {
                s.label.clone()
            },
            ..s.clone()
        })
        .collect();
    Ok(ui.page(
        ui.t("sw.title"),
        Some((&workspace, "software")),
        html! {
            section #dashboard {
                h2 { (ui.t("sw.dashboard")) }
                p #totals { (ui.t("sw.open")) ": " strong #open-count { (dash.open) } " · " (ui.t("sw.closed")) ": " (dash.closed)
                    " · " (ui.t("sw.versions_scanned")) ": " (dash.versions_scanned) }
                h3 { (ui.t("sw.by_severity")) }
                svg #chart-severity class="chart" xmlns="http://www.w3.org/2000/svg" width="540" height=(dash.by_severity.len() * 24 + 4) {
                    @let max = dash.by_severity.iter().map(|s| s.count).max().unwrap_or(0).max(1);
                    @for (i, s) in dash.by_severity.iter().enumerate() {
                        @let y = i * 24 + 2;
                        @let w = 300 * s.count / max;
                        text x="174" y=(y + 16) text-anchor="end" font-size="12" { (s.label) }
                        rect x="180" y=(y) width=(w) height="18" fill=(severity_colour(&s.label)) {}
                        text x=(184 + w) y=(y + 16) font-size="12" { (s.count) }
                    }
                }
                h3 { (ui.t("sw.by_product")) }
                (bar_chart("chart-product", &dash.by_product, "#2563eb", ui.t("sw.none")))
                h3 { (ui.t("sw.by_supplier")) }
                (bar_chart("chart-supplier", &suppliers, "#059669", ui.t("sw.none")))
            }
            section #portfolio {
                h2 { (ui.t("sw.portfolio")) }
                p.muted { (ui.t("sw.portfolio_help")) }
                @if arrived.is_empty() { p.muted { (ui.t("sw.portfolio_none")) } } @else {
                    table #portfolio-findings {
                        tr { th { (ui.t("sw.found_at")) } th { (ui.t("sw.advisory")) } th { (ui.t("sw.product")) } th { (ui.t("sw.component")) } th { (ui.t("sw.reason")) } th { (ui.t("sw.state")) } }
                        @for f in &arrived {
                            tr class=[f.withdrawn_at.as_ref().map(|_| "withdrawn")] {
                                td { (f.found_at) }
                                td { (f.advisory_id) }
                                td { a href={ "/w/" (ws) "/software/versions/" (f.version_id) } { (f.product_name) " " (f.version) } }
                                td { code { (f.purl) } }
                                td { (f.reason) }
                                td {
                                    @match &f.withdrawn_at {
                                        Some(at) => { (ui.t("sw.withdrawn_at")) " " (at) }
                                        None => { (ui.t("sw.open_finding")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section #products {
                h2 { (ui.t("sw.products")) }
                @if products.is_empty() { p.muted { (ui.t("sw.no_products")) } }
                ul {
                    @for p in &products {
                        li { a href={ "/w/" (ws) "/software/products/" (p.id) } { (p.name) } @if !p.description.is_empty() { " — " (p.description) } }
                    }
                }
                @if role.can_edit() {
                    form #new-product method="post" action={ "/w/" (ws) "/software/products" } {
                        (ui.csrf_field())
                        label { (ui.t("sw.product_name")) " " input name="name" required; }
                        " " label { (ui.t("sw.description")) " " input name="description"; }
                        " " button type="submit" { (ui.t("sw.add_product")) }
                    }
                }
            }
            section #vex {
                h2 { (ui.t("sw.vex")) }
                @if role.can_edit() {
                    form #vex-upload method="post" enctype="multipart/form-data" action={ "/w/" (ws) "/software/vex" } {
                        (ui.csrf_field())
                        label { (ui.t("sw.vex_file")) " " input type="file" name="file" accept=".json" required; }
                        " " label { (ui.t("sw.scope")) " "
                            select name="product_id" {
                                option value="" { (ui.t("sw.scope_all")) }
                                @for p in &products { option value=(p.id) { (p.name) } }
                            }
                        }
                        " " button type="submit" { (ui.t("sw.upload")) }
                    }
                }
                table #vex-documents {
                    tr { th { (ui.t("sw.file")) } th { (ui.t("sw.format")) } th { (ui.t("sw.author")) } th { (ui.t("sw.statements")) } th { (ui.t("sw.warnings")) } th { (ui.t("sw.uploaded")) } }
                    @for d in &docs {
                        tr {
                            td { (d.filename) } td { (d.format) } td { (d.author.clone().unwrap_or_default()) }
                            td { (d.statement_count) }
                            td { @for w in &d.warnings { div.warning { (w) } } }
                            td { (d.uploaded_at) }
                        }
                    }
                }
            }
            p { a #licences-link href={ "/w/" (ws) "/software/licences" } { (ui.t("sw.licence_policy")) } }
        },
    ))
}

#[derive(Deserialize)]
struct ProductForm {
    name: String,
    #[serde(default)]
    description: String,
}

async fn create_product(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<ProductForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let product = state
        .store
        .create_product(
            &p.actor,
            &ws,
            ProductInput {
                name: f.name,
                description: f.description,
                node_id: None,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/w/{ws}/software/products/{}",
        product.id
    )))
}

async fn product_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let product = state.store.get_product(&ws, &id).await?;
    let versions = state.store.list_versions(&ws, &id).await?;
    Ok(ui.page(
        &product.name,
        Some((&workspace, "software")),
        html! {
            p { a href={ "/w/" (ws) "/software" } { "← " (ui.t("sw.title")) } }
            p { (product.description) }
            h2 { (ui.t("sw.versions")) }
            @if versions.is_empty() { p.muted { (ui.t("sw.no_versions")) } }
            ul #versions {
                @for v in &versions {
                    li { a href={ "/w/" (ws) "/software/versions/" (v.id) } { (v.version) } " · " (v.created_at) }
                }
            }
            @if role.can_edit() {
                form #new-version method="post" action={ "/w/" (ws) "/software/products/" (id) "/versions" } {
                    (ui.csrf_field())
                    label { (ui.t("sw.version_label")) " " input name="version" required; }
                    " " button type="submit" { (ui.t("sw.add_version")) }
                }
            }
        },
    ))
}

async fn create_version(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<VersionInput>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let v = state.store.create_version(&p.actor, &ws, &id, f).await?;
    Ok(see_other(&format!("/w/{ws}/software/versions/{}", v.id)))
}

async fn version_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let version = state.store.get_version(&ws, &id).await?;
    let product = state.store.get_product(&ws, &version.product_id).await?;
    let sboms = state.store.list_sboms(&ws, &id).await?;
    let mut pages = Vec::new();
    for s in &sboms {
        pages.push(state.store.list_sbom_components(&ws, &s.id, 0, 200).await?);
    }
    let findings = state.store.version_findings_full(&ws, &id).await?;
    let licences = state.store.licence_report(&ws, &id).await?;
    Ok(ui.page(
        &format!("{} {}", product.name, version.version),
        Some((&workspace, "software")),
        html! {
            p { a href={ "/w/" (ws) "/software/products/" (product.id) } { "← " (product.name) } }
            section #sboms {
                h2 { (ui.t("sw.sboms")) }
                @if role.can_edit() {
                    form #sbom-upload method="post" enctype="multipart/form-data" action={ "/w/" (ws) "/software/versions/" (id) "/sboms" } {
                        (ui.csrf_field())
                        label { (ui.t("sw.sbom_file")) " " input type="file" name="file" required; }
                        " " button type="submit" { (ui.t("sw.upload")) }
                    }
                }
                @for (s, page) in sboms.iter().zip(&pages) {
                    details.sbom {
                        summary { (s.filename) " · " (s.format) " " (s.spec_version) " · " (s.component_count) " " (ui.t("sw.components")) }
                        @for w in &s.warnings { div.warning { (w.location) ": " (w.message) } }
                        table.components {
                            tr { th { (ui.t("sw.component")) } th { (ui.t("sw.version")) } th { "purl" } th { (ui.t("sw.licences")) } th { (ui.t("sw.supplier")) } }
                            @for c in &page.items {
                                tr { td { (c.name) } td { (c.version.clone().unwrap_or_default()) } td { code { (c.purl.clone().unwrap_or_default()) } } td { (c.licenses) } td { (c.supplier.clone().unwrap_or_default()) } }
                            }
                        }
                        @if page.total > page.items.len() as i64 { p.muted { (page.items.len()) " / " (page.total) } }
                    }
                }
            }
            section #findings {
                h2 { (ui.t("sw.findings")) " (" (findings.findings.iter().filter(|f| f.active).count()) " " (ui.t("sw.open")) ")" }
                p {
                    a href={ "/api/v1/workspaces/" (ws) "/versions/" (id) "/vex?format=openvex" } { (ui.t("sw.export_openvex")) }
                    " · "
                    a href={ "/api/v1/workspaces/" (ws) "/versions/" (id) "/vex?format=cyclonedx" } { (ui.t("sw.export_cyclonedx")) }
                }
                @for w in &findings.warnings { div.warning { (w) } }
                @if findings.findings.is_empty() { p.muted #no-findings { (ui.t("sw.no_findings")) } }
                table #findings-table {
                    tr { th { (ui.t("sw.vulnerability")) } th { (ui.t("sw.component")) } th { (ui.t("sw.severity")) } th { (ui.t("sw.matched_range")) } th { (ui.t("sw.vex_status")) } th { (ui.t("sw.triage")) } }
                    @for (i, f) in findings.findings.iter().enumerate() {
                        tr.finding data-vuln=(f.finding.vulnerability_id) data-active=(f.active) {
                            td {
                                strong { (f.finding.vulnerability_id) }
                                @for a in &f.finding.aliases { br; small { (a) } }
                                @if let Some(s) = &f.finding.summary { br; span.muted { (s) } }
                            }
                            td { code { (f.finding.component) } }
                            td { span style={ "color:" (severity_colour(f.finding.severity.as_str())) } { (f.finding.severity.as_str()) } }
                            td { (f.matched_ranges) @if !f.finding.fixed_versions.is_empty() { br; small { (ui.t("sw.fixed_in")) " " (f.finding.fixed_versions.join(", ")) } } }
                            td.vex-status {
                                @if let Some(v) = &f.finding.vex {
                                    (v.status.as_str()) @if let Some(j) = &v.justification { br; small { (j) } }
                                } @else { "—" }
                            }
                            td {
                                @if let Some(t) = &f.triage {
                                    span.triage-state { (ui.t(&format!("sw.state.{}", t.state.as_str()))) }
                                    @if let Some(j) = &t.justification { br; small { (j) } }
                                    @if !t.comment.is_empty() { br; small { (t.comment) } }
                                    br; small.muted { (t.actor) " " (t.created_at) }
                                    @if let Some(from) = &f.triage_carried_from { br; small.carried { (ui.t("sw.carried_from")) " " (from) } }
                                }
                                @if role.can_edit() {
                                    form.triage-form id={ "triage-" (i) } method="post" action={ "/w/" (ws) "/software/versions/" (id) "/triage" } {
                                        (ui.csrf_field())
                                        input type="hidden" name="vulnerability_id" value=(f.finding.vulnerability_id);
                                        input type="hidden" name="component" value=(f.finding.component_purl.clone().unwrap_or_default());
                                        select name="state" {
                                            @for s in TriageState::ALL { option value=(s.as_str()) { (ui.t(&format!("sw.state.{}", s.as_str()))) } }
                                        }
                                        select name="justification" {
                                            option value="" { (ui.t("sw.justification")) }
                                            @for j in ["component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path", "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist"] {
                                                option value=(j) { (j) }
                                            }
                                        }
                                        input name="comment" placeholder=(ui.t("sw.comment"));
                                        button type="submit" { (ui.t("sw.save_triage")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section #licences {
                h2 { (ui.t("sw.licences")) }
                p { (ui.t("sw.policy")) ": " (licences.policy_name) " · " (ui.t("sw.violations")) ": " strong #violation-count { (licences.violations) }
                    " · " (ui.t("sw.needs_review")) ": " (licences.needs_review) " · " (ui.t("sw.unknown")) ": " (licences.unknown)
                    " · " (ui.t("sw.allowed")) ": " (licences.allowed) }
                table #licence-issues {
                    tr { th { (ui.t("sw.component")) } th { (ui.t("sw.licences")) } th { (ui.t("sw.verdict")) } }
                    @for issue in &licences.issues {
                        tr {
                            td { (issue.component) " " (issue.version.clone().unwrap_or_default()) }
                            td { (issue.evaluation.expression) }
                            td { (serde_json::to_value(&issue.evaluation).ok().and_then(|v| v.get("verdict").and_then(|x| x.as_str()).map(str::to_string)).unwrap_or_default()) }
                        }
                    }
                }
            }
        },
    ))
}

/// Reads a multipart upload: the CSRF field, one file, and named text fields.
async fn read_upload(
    state: &SharedState,
    headers: &HeaderMap,
    mut multipart: Multipart,
) -> Result<(Vec<u8>, String, Vec<(String, String)>), ApiError> {
    let (mut csrf, mut file, mut filename, mut fields) =
        (String::new(), Vec::new(), String::new(), Vec::new());
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(state.config.body_limit))
            }
            Err(e) => return Err(ApiError::bad_request("(form)", e.body_text())),
        };
        let name = field.name().unwrap_or("").to_string();
        let fname = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(state.config.body_limit))
            }
            Err(e) => return Err(ApiError::bad_request(&name, e.body_text())),
        };
        match name.as_str() {
            crate::auth::CSRF_FIELD => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => {
                file = bytes.to_vec();
                filename = fname.unwrap_or_default();
            }
            _ => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    super::form::check_csrf(headers, &csrf)?;
    if file.is_empty() {
        return Err(ApiError::bad_request("file", "choose a file to upload"));
    }
    Ok((file, filename, fields))
}

async fn upload_sbom(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Multipart,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state.store.get_version(&ws, &id).await?;
    let (file, filename, _) = read_upload(&state, &headers, multipart).await?;
    let name = if filename.trim().is_empty() {
        "sbom".to_string()
    } else {
        filename
    };
    state
        .store
        .ingest_sbom(&p.actor, &ws, &id, file, &name)
        .await?;
    Ok(see_other(&format!("/w/{ws}/software/versions/{id}")))
}

async fn upload_vex(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    headers: HeaderMap,
    multipart: Multipart,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let (file, filename, fields) = read_upload(&state, &headers, multipart).await?;
    let product_id = fields
        .iter()
        .find(|(k, v)| k == "product_id" && !v.is_empty())
        .map(|(_, v)| v.clone());
    state
        .store
        .import_vex(
            &p.actor,
            &ws,
            file,
            &filename,
            VexScope {
                product_id,
                version_id: None,
            },
        )
        .await?;
    Ok(see_other(&format!("/w/{ws}/software#vex")))
}

#[derive(Deserialize)]
struct TriageForm {
    vulnerability_id: String,
    component: String,
    state: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    comment: String,
}

async fn triage(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<TriageForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let triage_state = TriageState::parse(&f.state)
        .ok_or_else(|| ApiError::bad_request("state", format!("unknown state \"{}\"", f.state)))?;
    state
        .store
        .set_triage(
            &p.actor,
            &ws,
            &id,
            TriageInput {
                vulnerability_id: f.vulnerability_id,
                component: f.component,
                state: triage_state,
                justification: Some(f.justification).filter(|j| !j.is_empty()),
                comment: f.comment,
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/w/{ws}/software/versions/{id}#findings"
    )))
}

async fn licence_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let stored = state.store.licence_policy(&ws).await?;
    let text = serde_json::to_string_pretty(&stored.policy).unwrap_or_default();
    Ok(ui.page(
        ui.t("sw.licence_policy"),
        Some((&workspace, "software")),
        html! {
            p { a href={ "/w/" (ws) "/software" } { "← " (ui.t("sw.title")) } }
            @if stored.is_default { p.notice { (ui.t("sw.policy_default")) } }
            p.muted { (ui.t("sw.policy_help")) }
            @if role.can_edit() {
                form #policy-form method="post" {
                    (ui.csrf_field())
                    textarea name="policy" rows="24" cols="80" { (text) }
                    br; button type="submit" { (ui.t("action.save")) }
                }
            } @else {
                pre { (text) }
            }
        },
    ))
}

#[derive(Deserialize)]
struct PolicyForm {
    policy: String,
}

async fn save_policy(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<PolicyForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state
        .store
        .set_licence_policy(&p.actor, &ws, &f.policy)
        .await?;
    Ok(see_other(&format!("/w/{ws}/software/licences")))
}

/// (key, English, Japanese) for this area's pages.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.software", "Software", "ソフトウェア"),
    ("sw.title", "Software and vulnerabilities", "ソフトウェアと脆弱性"),
    ("sw.dashboard", "Findings dashboard", "検出結果ダッシュボード"),
    ("sw.open", "open", "未対応"),
    ("sw.closed", "closed by VEX or triage", "VEX・トリアージで対応済み"),
    ("sw.versions_scanned", "versions scanned", "スキャンしたバージョン"),
    ("sw.by_severity", "Open findings by severity", "深刻度別の未対応件数"),
    ("sw.by_product", "Open findings by product (latest version)", "製品別の未対応件数(最新バージョン)"),
    ("sw.by_supplier", "Open findings by component supplier", "コンポーネント供給者別の未対応件数"),
    ("sw.unknown_supplier", "(supplier not stated)", "(供給者の記載なし)"),
    ("sw.none", "Nothing to show.", "表示する項目はありません。"),
    ("sw.portfolio", "Newly arrived advisories", "新たに届いた脆弱性情報"),
    ("sw.portfolio_help", "Each OSV import checks every product version at once; what it found, and what a later update of the advisory withdrew, is listed here (also sent to webhooks).", "OSV の取り込みごとに全製品バージョンを即時に照合します。見つかったもの、および脆弱性情報の更新で取り下げられたものをここに表示します(Webhook にも通知)。"),
    ("sw.portfolio_none", "No advisory has hit a product version yet.", "製品バージョンに該当した脆弱性情報はまだありません。"),
    ("sw.found_at", "Found", "検出日時"),
    ("sw.advisory", "Advisory", "脆弱性情報"),
    ("sw.product", "Product version", "製品バージョン"),
    ("sw.reason", "Why it matched", "該当理由"),
    ("sw.state", "State", "状態"),
    ("sw.open_finding", "open", "未対応"),
    ("sw.withdrawn_at", "withdrawn by an advisory update at", "脆弱性情報の更新により取り下げ:"),
    ("sw.products", "Products", "製品"),
    ("sw.no_products", "No products yet.", "製品はまだありません。"),
    ("sw.product_name", "Product name", "製品名"),
    ("sw.description", "Description", "説明"),
    ("sw.add_product", "Add product", "製品を追加"),
    ("sw.vex", "VEX documents", "VEX文書"),
    ("sw.vex_file", "OpenVEX, CycloneDX VEX or CSAF VEX file", "OpenVEX・CycloneDX VEX・CSAF VEXファイル"),
    ("sw.scope", "Applies to", "適用範囲"),
    ("sw.scope_all", "the whole workspace (by purl / product name)", "ワークスペース全体(purl・製品名で照合)"),
    ("sw.upload", "Upload", "アップロード"),
    ("sw.file", "File", "ファイル"),
    ("sw.format", "Format", "形式"),
    ("sw.author", "Author", "作成者"),
    ("sw.statements", "Statements", "ステートメント数"),
    ("sw.warnings", "Warnings", "警告"),
    ("sw.uploaded", "Uploaded", "アップロード日時"),
    ("sw.licence_policy", "Licence policy", "ライセンスポリシー"),
    ("sw.versions", "Versions", "バージョン"),
    ("sw.no_versions", "No versions yet.", "バージョンはまだありません。"),
    ("sw.version_label", "Version", "バージョン"),
    ("sw.add_version", "Add version", "バージョンを追加"),
    ("sw.sboms", "SBOMs", "SBOM"),
    ("sw.sbom_file", "CycloneDX or SPDX file", "CycloneDXまたはSPDXファイル"),
    ("sw.components", "components", "コンポーネント"),
    ("sw.component", "Component", "コンポーネント"),
    ("sw.version", "Version", "バージョン"),
    ("sw.licences", "Licences", "ライセンス"),
    ("sw.supplier", "Supplier", "供給者"),
    ("sw.findings", "Findings", "検出された脆弱性"),
    ("sw.export_openvex", "Export OpenVEX", "OpenVEXを書き出す"),
    ("sw.export_cyclonedx", "Export CycloneDX VEX", "CycloneDX VEXを書き出す"),
    ("sw.no_findings", "No known vulnerabilities in this version's components.", "このバージョンのコンポーネントに既知の脆弱性はありません。"),
    ("sw.vulnerability", "Vulnerability (all IDs)", "脆弱性(全ID)"),
    ("sw.severity", "Severity", "深刻度"),
    ("sw.matched_range", "Matched range", "該当した範囲"),
    ("sw.fixed_in", "fixed in", "修正版"),
    ("sw.vex_status", "VEX status", "VEXステータス"),
    ("sw.triage", "Triage", "トリアージ"),
    ("sw.state.in_triage", "in triage", "調査中"),
    ("sw.state.exploitable", "exploitable", "悪用可能"),
    ("sw.state.not_affected", "not affected", "影響なし"),
    ("sw.state.false_positive", "false positive", "誤検知"),
    ("sw.state.fixed", "fixed", "修正済み"),
    ("sw.justification", "justification (for not affected)", "根拠(影響なしの場合)"),
    ("sw.comment", "comment", "コメント"),
    ("sw.save_triage", "Record", "記録"),
    ("sw.carried_from", "carried over from version", "引き継ぎ元バージョン"),
    ("sw.policy", "Policy", "ポリシー"),
    ("sw.violations", "violations", "違反"),
    ("sw.needs_review", "needs review", "要確認"),
    ("sw.unknown", "unknown", "不明"),
    ("sw.allowed", "allowed", "許可"),
    ("sw.verdict", "Verdict", "判定"),
    ("sw.policy_default", "This workspace uses the default policy: no strong copyleft in distributed firmware.", "このワークスペースは既定のポリシー(配布ファームウェアに強いコピーレフトを含めない)を使っています。"),
    ("sw.policy_help", "allow / deny / review list SPDX licence ids (\"MIT\") or categories ({\"category\": \"strong-copyleft\"}); the most specific rule wins.", "allow / deny / review には SPDX ライセンスID(\"MIT\")またはカテゴリ({\"category\": \"strong-copyleft\"})を書きます。より具体的な規則が優先されます。"),
];

//! The pages. Each handler: authenticate, check the workspace, call the store, render.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, PreEscaped};
use sanso_core::access::Role;
use sanso_core::model::{
    ComponentKind, Connection, ConnectionInput, ConnectionKind, Layer, Node, NodeInput,
};
use sanso_store::model::ImportMode;
use sanso_store::Workspace;
use serde::Deserialize;

use super::{checked, local_path, status_page, CsrfForm, Ui, UiReject, UiResult};
use crate::auth::{require_admin, require_edit, set_cookie, Principal, SESSION_COOKIE};
use crate::error::ApiError;
use crate::i18n::{Lang, LANG_COOKIE};
use crate::SharedState;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_language))
        .route("/setup/{token}", get(setup_page).post(setup))
        .route("/invite/{token}", get(invite_page).post(accept_invite))
        .route("/account", get(account))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/workspaces", post(create_workspace))
        .route("/w/{ws}", get(dashboard))
        .route("/w/{ws}/model", get(model_page))
        .route("/w/{ws}/nodes", post(create_node))
        .route("/w/{ws}/nodes/{id}", get(node_page).post(update_node))
        .route("/w/{ws}/nodes/{id}/delete", post(delete_node))
        .route("/w/{ws}/connections", post(create_connection))
        .route(
            "/w/{ws}/connections/{id}",
            get(connection_page).post(update_connection),
        )
        .route("/w/{ws}/connections/{id}/delete", post(delete_connection))
        .route("/w/{ws}/export", get(export_model))
        .route("/w/{ws}/import", post(import_model))
        .route("/w/{ws}/diagram", get(diagram_page))
        .route("/w/{ws}/diagram.svg", get(diagram_svg))
        .route("/w/{ws}/members", get(members_page))
        .route("/w/{ws}/members/invite", post(invite_member))
        .route("/w/{ws}/members/{user}/role", post(change_role))
        .route("/w/{ws}/members/{user}/remove", post(remove_member))
        .route("/w/{ws}/audit", get(audit_page))
}

/// The signed-in user's workspace and role, or 404 when they are not a member (shared by every area).
pub(super) async fn workspace(
    state: &SharedState,
    ui: &Ui,
    ws: &str,
) -> Result<(Principal, Workspace, Role), UiReject> {
    let p = ui.require_user()?.clone();
    let (workspace, role) = state.store.workspace_for_user(ws, &p.user.id).await?;
    Ok((p, workspace, role))
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

// ---------- home, sign-in, language ----------

async fn home(State(state): State<SharedState>, ui: Ui) -> UiResult {
    if state.store.count_users().await? == 0 {
        return Ok(ui.page(
            "sanso",
            None,
            html! { p.notice #setup-needed { (ui.t("setup.needed")) } },
        ));
    }
    let p = ui.require_user()?;
    let list = state.store.workspaces_for_user(&p.user.id).await?;
    Ok(ui.page(
        ui.t("nav.workspaces"),
        None,
        html! {
            p.muted { (ui.t("app.tagline")) }
            @if list.is_empty() { p { (ui.t("ws.none")) } }
            @else {
                table #workspaces {
                    tr { th { (ui.t("field.name")) } th { (ui.t("ws.your_role")) } }
                    @for (ws, role) in &list {
                        tr { td { a href={ "/w/" (ws.id) } { (ws.name) } } td { (ui.lang.role(*role)) } }
                    }
                }
            }
            form method="post" action="/workspaces" {
                fieldset {
                    legend { (ui.t("ws.create")) }
                    (ui.csrf_field())
                    label { (ui.t("field.workspace_name")) " " input type="text" name="name" required; }
                    button type="submit" { (ui.t("action.create")) }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    failed: Option<String>,
}

async fn login_page(ui: Ui, Query(q): Query<NextQuery>) -> UiResult {
    let next = local_path(q.next.as_deref());
    Ok(ui.page(
        ui.t("login.title"),
        None,
        html! {
            @if q.failed.is_some() { p.error #login-failed { (ui.t("login.failed")) } }
            form #login method="post" action="/login" {
                (ui.csrf_field())
                input type="hidden" name="next" value=(next);
                label { (ui.t("login.email")) br; input type="email" name="email" required autofocus; }
                label { (ui.t("login.password")) br; input type="password" name="password" required; }
                button type="submit" { (ui.t("login.submit")) }
            }
        },
    ))
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub(super) fn session_response(state: &SharedState, secret: &str, to: &str) -> Response {
    let mut r = see_other(to);
    let c = set_cookie(
        SESSION_COOKIE,
        secret,
        "Lax",
        state.config.secure_cookies,
        Some(sanso_store::accounts::SESSION_DAYS * 86_400),
    );
    crate::auth::append_cookie(&mut r, &c);
    r
}

async fn login(State(state): State<SharedState>, CsrfForm(f): CsrfForm<LoginForm>) -> UiResult {
    let next = local_path(f.next.as_deref());
    match state.store.authenticate(&f.email, &f.password).await? {
        Some(user) => {
            let secret = state.store.create_session(&user.id).await?;
            tracing::info!(user = %user.id, "signed in");
            Ok(session_response(&state, &secret, &next))
        }
        None => {
            tracing::warn!(email = %f.email, "failed sign-in");
            Ok(see_other(&format!(
                "/login?failed=1&next={}",
                super::urlencode(&next)
            )))
        }
    }
}

#[derive(Deserialize)]
struct EmptyForm {}

async fn logout(
    State(state): State<SharedState>,
    headers: axum::http::HeaderMap,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> UiResult {
    if let Some(secret) = crate::auth::cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(&secret).await?;
    }
    let mut r = see_other("/login");
    let c = set_cookie(
        SESSION_COOKIE,
        "",
        "Lax",
        state.config.secure_cookies,
        Some(0),
    );
    crate::auth::append_cookie(&mut r, &c);
    Ok(r)
}

async fn switch_language(
    State(state): State<SharedState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or(Lang::En);
    let mut r = see_other(&local_path(q.next.as_deref()));
    let c = set_cookie(
        LANG_COOKIE,
        lang.code(),
        "Lax",
        state.config.secure_cookies,
        Some(365 * 86_400),
    );
    crate::auth::append_cookie(&mut r, &c);
    r
}

// ---------- first administrator, invitations ----------

async fn setup_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(token): Path<String>,
) -> UiResult {
    let valid = state
        .store
        .find_invitation(&token)
        .await?
        .is_some_and(|i| i.purpose == sanso_store::InvitationPurpose::Setup);
    if !valid {
        return Ok(status_page(
            &ui,
            StatusCode::NOT_FOUND,
            ui.t("setup.title"),
            html! { p.error { (ui.t("setup.invalid")) } },
        ));
    }
    Ok(ui.page(
        ui.t("setup.title"),
        None,
        html! {
            form #setup method="post" {
                (ui.csrf_field())
                label { (ui.t("field.email")) br; input type="email" name="email" required; }
                label { (ui.t("field.display_name")) br; input type="text" name="display_name" required; }
                label { (ui.t("field.password")) br; input type="password" name="password" required minlength="10"; }
                label { (ui.t("field.workspace_name")) br; input type="text" name="workspace_name" required; }
                button type="submit" { (ui.t("action.create")) }
            }
        },
    ))
}

#[derive(Deserialize)]
struct SetupForm {
    email: String,
    display_name: String,
    password: String,
    workspace_name: String,
}

async fn setup(
    State(state): State<SharedState>,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<SetupForm>,
) -> UiResult {
    let valid = state
        .store
        .find_invitation(&token)
        .await?
        .is_some_and(|i| i.purpose == sanso_store::InvitationPurpose::Setup);
    if !valid {
        return Err(ApiError::not_found().into());
    }
    let (user, ws) = state
        .store
        .create_first_admin(
            &sanso_store::Actor::system(),
            &f.email,
            &f.display_name,
            &f.password,
            &f.workspace_name,
        )
        .await?;
    let secret = state.store.create_session(&user.id).await?;
    Ok(session_response(
        &state,
        &secret,
        &format!("/w/{}/model", ws.id),
    ))
}

async fn invite_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(token): Path<String>,
) -> UiResult {
    let inv = state
        .store
        .find_invitation(&token)
        .await?
        .filter(|i| i.purpose == sanso_store::InvitationPurpose::Member);
    let Some(inv) = inv else {
        return Ok(status_page(
            &ui,
            StatusCode::NOT_FOUND,
            ui.t("invite.title"),
            html! { p.error { (ui.t("invite.invalid")) } },
        ));
    };
    let ws = state
        .store
        .get_workspace(inv.workspace_id.as_deref().unwrap_or(""))
        .await?;
    Ok(ui.page(
        ui.t("invite.title"),
        None,
        html! {
            p { (ui.t("invite.to")) ": " strong #invite-workspace { (ws.name) } " (" (ui.lang.role(inv.role)) ")" }
            @match &ui.user {
                Some(p) if p.user.email != inv.email => { p.error { (ui.t("invite.wrong_user")) } }
                Some(_) => {
                    form method="post" { (ui.csrf_field()) button type="submit" { (ui.t("action.join")) } }
                }
                None => {
                    form #accept method="post" {
                        (ui.csrf_field())
                        p { (ui.t("field.email")) ": " code { (inv.email) } }
                        label { (ui.t("field.display_name")) br; input type="text" name="display_name" required; }
                        label { (ui.t("field.password")) br; input type="password" name="password" required minlength="10"; }
                        button type="submit" { (ui.t("action.join")) }
                    }
                    p.muted { a href={ "/login?next=" (super::urlencode(&ui.path)) } { (ui.t("login.title")) } }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct AcceptForm {
    display_name: Option<String>,
    password: Option<String>,
}

async fn accept_invite(
    State(state): State<SharedState>,
    ui: Ui,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<AcceptForm>,
) -> UiResult {
    let inv = state
        .store
        .find_invitation(&token)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let ws = inv.workspace_id.clone().unwrap_or_default();
    match &ui.user {
        Some(p) => {
            if p.user.email != inv.email {
                return Err(
                    ApiError::forbidden("this invitation is for another e-mail address").into(),
                );
            }
            state
                .store
                .accept_member_invitation(&token, Some(&p.user), None)
                .await?;
            Ok(see_other(&format!("/w/{ws}")))
        }
        None => {
            let name = f.display_name.unwrap_or_default();
            let password = f.password.unwrap_or_default();
            let user = state
                .store
                .accept_member_invitation(&token, None, Some((&name, &password)))
                .await?;
            let secret = state.store.create_session(&user.id).await?;
            Ok(session_response(&state, &secret, &format!("/w/{ws}")))
        }
    }
}

// ---------- account and tokens ----------

async fn account(State(state): State<SharedState>, ui: Ui) -> UiResult {
    let p = ui.require_user()?;
    let tokens = state.store.list_api_tokens(&p.user.id).await?;
    Ok(ui.page(ui.t("nav.account"), None, tokens_body(&ui, &tokens, None)))
}

fn tokens_body(ui: &Ui, tokens: &[sanso_store::ApiToken], created: Option<&str>) -> Markup {
    html! {
        h2 { (ui.t("tokens.title")) }
        p.muted { (ui.t("tokens.help")) }
        @if let Some(secret) = created { p.notice { (ui.t("tokens.created")) br; code #new-token { (secret) } } }
        table #tokens {
            tr { th { (ui.t("field.name")) } th { "ID" } th { (ui.t("tokens.last_used")) } th {} }
            @for t in tokens {
                tr {
                    td { (t.name) } td { code { (t.id) } } td { (t.last_used_at.as_deref().unwrap_or("—")) }
                    td {
                        @if t.revoked_at.is_some() { (ui.t("tokens.revoked")) }
                        @else {
                            form.inline method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                                (ui.csrf_field()) button type="submit" { (ui.t("action.revoke")) }
                            }
                        }
                    }
                }
            }
        }
        form method="post" action="/account/tokens" {
            (ui.csrf_field())
            label { (ui.t("field.name")) " " input type="text" name="name" required placeholder="ci"; }
            button type="submit" { (ui.t("action.create")) }
        }
    }
}

#[derive(Deserialize)]
struct NameForm {
    name: String,
}

async fn create_token(
    State(state): State<SharedState>,
    ui: Ui,
    CsrfForm(f): CsrfForm<NameForm>,
) -> UiResult {
    let p = ui.require_user()?;
    let (_, secret) = state
        .store
        .create_api_token(&p.actor, &p.user.id, &f.name)
        .await?;
    let tokens = state.store.list_api_tokens(&p.user.id).await?;
    Ok(ui.page(
        ui.t("nav.account"),
        None,
        tokens_body(&ui, &tokens, Some(&secret)),
    ))
}

async fn revoke_token(
    State(state): State<SharedState>,
    ui: Ui,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> UiResult {
    let p = ui.require_user()?;
    state
        .store
        .revoke_api_token(&p.actor, &p.user.id, &id)
        .await?;
    Ok(see_other("/account"))
}

async fn create_workspace(
    State(state): State<SharedState>,
    ui: Ui,
    CsrfForm(f): CsrfForm<NameForm>,
) -> UiResult {
    let p = ui.require_user()?;
    let ws = state
        .store
        .create_workspace(&p.actor, &f.name, "", &p.user.id)
        .await?;
    Ok(see_other(&format!("/w/{}/model", ws.id)))
}

// ---------- workspace: dashboard, model ----------

async fn dashboard(State(state): State<SharedState>, ui: Ui, Path(ws): Path<String>) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let nodes = state.store.list_nodes(&ws).await?;
    let connections = state.store.list_connections(&ws).await?;
    Ok(ui.page(
        &workspace.name,
        Some((&workspace, "")),
        html! {
            p { (ui.t("ws.your_role")) ": " (ui.lang.role(role)) }
            h2 { (ui.t("dash.summary")) }
            table #summary {
                tr { @for k in ComponentKind::ALL { th { (ui.lang.kind(k)) } } }
                tr { @for k in ComponentKind::ALL { td { (nodes.iter().filter(|n| n.kind == k).count()) } } }
            }
            table {
                tr { @for l in Layer::ALL { th { (ui.lang.layer(l)) } } }
                tr { @for l in Layer::ALL { td { (connections.iter().filter(|c| c.layer == l).count()) } } }
            }
            p { a href={ "/w/" (ws) "/model" } { (ui.t("nav.model")) } " · " a href={ "/w/" (ws) "/diagram" } { (ui.t("nav.diagram")) } }
        },
    ))
}

fn kind_options(ui: &Ui, selected: Option<ComponentKind>) -> Markup {
    html! { @for k in ComponentKind::ALL { option value=(k.as_str()) selected[selected == Some(k)] { (ui.lang.kind(k)) } } }
}

fn layer_options(ui: &Ui, selected: Option<Layer>, with_default: bool) -> Markup {
    html! {
        @if with_default { option value="" selected[selected.is_none()] { (ui.t("field.layer_default")) } }
        @for l in Layer::ALL { option value=(l.as_str()) selected[selected == Some(l)] { (ui.lang.layer(l)) } }
    }
}

fn connection_kind_options(ui: &Ui, selected: Option<ConnectionKind>) -> Markup {
    html! { @for k in ConnectionKind::ALL { option value=(k.as_str()) selected[selected == Some(k)] { (ui.lang.connection(k)) } } }
}

fn node_options(nodes: &[Node], selected: Option<&str>) -> Markup {
    html! { @for n in nodes { option value=(n.id) selected[selected == Some(n.id.as_str())] { (n.name) } } }
}

fn node_fields(ui: &Ui, n: Option<&Node>) -> Markup {
    html! {
        label { (ui.t("field.kind")) br; select name="kind" { (kind_options(ui, n.map(|n| n.kind))) } }
        label { (ui.t("field.name")) br; input type="text" name="name" required value=(n.map(|n| n.name.as_str()).unwrap_or("")); }
        label { (ui.t("field.category")) br; input type="text" name="category" value=(n.map(|n| n.category.as_str()).unwrap_or("")); }
        label { (ui.t("field.layer")) br; select name="layer" { (layer_options(ui, n.and_then(|n| n.layer), true)) } }
        label { (ui.t("field.description")) br; textarea name="description" rows="2" { (n.map(|n| n.description.as_str()).unwrap_or("")) } }
        label.check { input type="checkbox" name="critical" value="1" checked[n.is_some_and(|n| n.critical)]; " " (ui.t("field.critical")) }
        label.check { input type="checkbox" name="exposed" value="1" checked[n.is_some_and(|n| n.exposed)]; " " (ui.t("field.exposed")) }
    }
}

fn connection_fields(ui: &Ui, nodes: &[Node], c: Option<&Connection>) -> Markup {
    html! {
        label { (ui.t("field.source")) br; select name="source_id" { (node_options(nodes, c.map(|c| c.source_id.as_str()))) } }
        label { (ui.t("field.connection_kind")) br; select name="kind" { (connection_kind_options(ui, c.map(|c| c.kind))) } }
        label { (ui.t("field.target")) br; select name="target_id" { (node_options(nodes, c.map(|c| c.target_id.as_str()))) } }
        label { (ui.t("field.layer")) br; select name="layer" { (layer_options(ui, c.map(|c| c.layer), false)) } }
        label { (ui.t("field.label")) br; input type="text" name="label" value=(c.map(|c| c.label.as_str()).unwrap_or("")); }
    }
}

async fn model_page(State(state): State<SharedState>, ui: Ui, Path(ws): Path<String>) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let nodes = state.store.list_nodes(&ws).await?;
    let connections = state.store.list_connections(&ws).await?;
    let name_of = |id: &str| {
        nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.name.clone())
            .unwrap_or_default()
    };
    let editable = role.can_edit();
    Ok(ui.page(
        ui.t("nav.model"),
        Some((&workspace, "model")),
        html! {
            h2 { (ui.t("model.nodes")) }
            @if nodes.is_empty() { p.muted { (ui.t("model.empty")) } }
            @else {
                table #nodes {
                    tr { th { (ui.t("field.name")) } th { (ui.t("field.kind")) } th { (ui.t("field.category")) } th { (ui.t("field.layer")) } th { (ui.t("model.flags")) } }
                    @for n in &nodes {
                        tr data-id=(n.id) {
                            td { a href={ "/w/" (ws) "/nodes/" (n.id) } { (n.name) } }
                            td { (ui.lang.kind(n.kind)) } td { (n.category) } td { (n.band().as_str()) }
                            td { @if n.critical { (ui.t("flag.critical")) " " } @if n.exposed { (ui.t("flag.exposed")) } }
                        }
                    }
                }
            }
            h2 { (ui.t("model.connections")) }
            @if !connections.is_empty() {
                table #connections {
                    tr { th { (ui.t("field.source")) } th { (ui.t("field.connection_kind")) } th { (ui.t("field.target")) } th { (ui.t("field.layer")) } th { (ui.t("field.label")) } }
                    @for c in &connections {
                        tr data-id=(c.id) {
                            td { (name_of(&c.source_id)) }
                            td { a href={ "/w/" (ws) "/connections/" (c.id) } { (ui.lang.connection(c.kind)) } }
                            td { (name_of(&c.target_id)) } td { (c.layer.as_str()) } td { (c.label) }
                        }
                    }
                }
            }
            @if editable {
                form #add-node method="post" action={ "/w/" (ws) "/nodes" } {
                    fieldset { legend { (ui.t("model.add_node")) } (ui.csrf_field()) (node_fields(&ui, None)) br; button type="submit" { (ui.t("action.add")) } }
                }
                @if nodes.len() >= 2 {
                    form #add-connection method="post" action={ "/w/" (ws) "/connections" } {
                        fieldset { legend { (ui.t("model.add_connection")) } (ui.csrf_field()) (connection_fields(&ui, &nodes, None)) button type="submit" { (ui.t("action.add")) } }
                    }
                } @else { p.muted { (ui.t("model.need_two")) } }
            }
            h2 { (ui.t("model.export")) }
            p { a href={ "/w/" (ws) "/export?format=yaml" } { "YAML" } " · " a href={ "/w/" (ws) "/export?format=json" } { "JSON" } }
            @if editable {
                form #import method="post" action={ "/w/" (ws) "/import" } enctype="multipart/form-data" {
                    fieldset {
                        legend { (ui.t("model.import")) }
                        (ui.csrf_field())
                        label { (ui.t("field.file")) br; input type="file" name="file" accept=".yaml,.yml,.json"; }
                        label { (ui.t("field.text")) br; textarea name="text" {} }
                        label { (ui.t("field.mode")) br;
                            select name="mode" { option value="merge" { (ui.t("model.mode.merge")) } option value="replace" { (ui.t("model.mode.replace")) } }
                        }
                        button type="submit" { (ui.t("action.import")) }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct NodeForm {
    kind: String,
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    layer: String,
    #[serde(default)]
    description: String,
    critical: Option<String>,
    exposed: Option<String>,
}

fn field_error(field: &str, message: String) -> ApiError {
    ApiError::invalid(vec![sanso_core::model::FieldError::new(field, message)])
}

impl NodeForm {
    fn into_input(
        self,
        attributes: serde_json::Map<String, serde_json::Value>,
    ) -> Result<NodeInput, ApiError> {
        let kind = ComponentKind::parse(&self.kind)
            .ok_or_else(|| field_error("kind", format!("unknown kind \"{}\"", self.kind)))?;
        let layer = match self.layer.as_str() {
            "" => None,
            l => Some(
                Layer::parse(l)
                    .ok_or_else(|| field_error("layer", format!("unknown layer \"{l}\"")))?,
            ),
        };
        Ok(NodeInput {
            kind,
            name: self.name,
            description: self.description,
            category: self.category,
            layer,
            critical: checked(&self.critical),
            exposed: checked(&self.exposed),
            attributes,
        })
    }
}

async fn create_node(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<NodeForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state
        .store
        .create_node(&p.actor, &ws, f.into_input(Default::default())?)
        .await?;
    Ok(see_other(&format!("/w/{ws}/model")))
}

async fn node_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let node = state.store.get_node(&ws, &id).await?;
    Ok(ui.page(
        &node.name,
        Some((&workspace, "model")),
        html! {
            @if role.can_edit() {
                form #edit-node method="post" {
                    fieldset { legend { (ui.t("model.edit_node")) } (ui.csrf_field()) (node_fields(&ui, Some(&node))) br; button type="submit" { (ui.t("action.save")) } }
                }
                form #delete-node method="post" action={ "/w/" (ws) "/nodes/" (id) "/delete" } {
                    (ui.csrf_field()) p.muted { (ui.t("model.delete_confirm")) } button type="submit" { (ui.t("action.delete")) }
                }
            } @else {
                p { (ui.lang.kind(node.kind)) " · " (node.category) } p { (node.description) }
            }
        },
    ))
}

async fn update_node(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<NodeForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    // The form does not edit free attributes; keep what the API or an import set.
    let existing = state.store.get_node(&ws, &id).await?;
    state
        .store
        .update_node(&p.actor, &ws, &id, f.into_input(existing.attributes)?)
        .await?;
    Ok(see_other(&format!("/w/{ws}/model")))
}

async fn delete_node(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state.store.delete_node(&p.actor, &ws, &id).await?;
    Ok(see_other(&format!("/w/{ws}/model")))
}

#[derive(Deserialize)]
struct ConnectionForm {
    source_id: String,
    target_id: String,
    layer: String,
    kind: String,
    #[serde(default)]
    label: String,
}

impl ConnectionForm {
    fn into_input(
        self,
        attributes: serde_json::Map<String, serde_json::Value>,
    ) -> Result<ConnectionInput, ApiError> {
        Ok(ConnectionInput {
            layer: Layer::parse(&self.layer)
                .ok_or_else(|| field_error("layer", format!("unknown layer \"{}\"", self.layer)))?,
            kind: ConnectionKind::parse(&self.kind)
                .ok_or_else(|| field_error("kind", format!("unknown kind \"{}\"", self.kind)))?,
            source_id: self.source_id,
            target_id: self.target_id,
            label: self.label,
            attributes,
        })
    }
}

async fn create_connection(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<ConnectionForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state
        .store
        .create_connection(&p.actor, &ws, f.into_input(Default::default())?)
        .await?;
    Ok(see_other(&format!("/w/{ws}/model")))
}

async fn connection_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let c = state.store.get_connection(&ws, &id).await?;
    let nodes = state.store.list_nodes(&ws).await?;
    Ok(ui.page(
        ui.t("model.edit_connection"),
        Some((&workspace, "model")),
        html! {
            @if role.can_edit() {
                form #edit-connection method="post" {
                    fieldset { (ui.csrf_field()) (connection_fields(&ui, &nodes, Some(&c))) button type="submit" { (ui.t("action.save")) } }
                }
                form method="post" action={ "/w/" (ws) "/connections/" (id) "/delete" } {
                    (ui.csrf_field()) button type="submit" { (ui.t("action.delete")) }
                }
            } @else { p { (ui.lang.connection(c.kind)) " (" (c.layer.as_str()) ") " (c.label) } }
        },
    ))
}

async fn update_connection(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ConnectionForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let existing = state.store.get_connection(&ws, &id).await?;
    state
        .store
        .update_connection(&p.actor, &ws, &id, f.into_input(existing.attributes)?)
        .await?;
    Ok(see_other(&format!("/w/{ws}/model")))
}

async fn delete_connection(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state.store.delete_connection(&p.actor, &ws, &id).await?;
    Ok(see_other(&format!("/w/{ws}/model")))
}

#[derive(Deserialize)]
struct FormatQuery {
    format: Option<String>,
}

async fn export_model(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    Query(q): Query<FormatQuery>,
) -> UiResult {
    workspace(&state, &ui, &ws).await?;
    let doc = state.store.export_model(&ws).await?;
    let (body, media, ext) = match q.format.as_deref() {
        Some("json") => (doc.to_json(), "application/json", "json"),
        _ => (doc.to_yaml(), "application/yaml", "yaml"),
    };
    let disposition = format!("attachment; filename=\"sanso-model-{ws}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, media.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

async fn import_model(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    headers: axum::http::HeaderMap,
    mut multipart: Multipart,
) -> UiResult {
    let (p, workspace_row, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let (mut csrf, mut file, mut text, mut mode) =
        (String::new(), Vec::new(), String::new(), ImportMode::Merge);
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
            "text" => text = String::from_utf8_lossy(&bytes).into_owned(),
            "mode" if &bytes[..] == b"replace" => mode = ImportMode::Replace,
            _ => {}
        }
    }
    super::form::check_csrf(&headers, &csrf)?;
    let source = if file.is_empty() {
        text.into_bytes()
    } else {
        file
    };
    if source.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(field_error("file", "choose a file or paste a document".into()).into());
    }
    let doc = crate::api::parse_document(&source)?;
    let summary = state.store.import_model(&p.actor, &ws, doc, mode).await?;
    Ok(ui.page(
        ui.t("model.imported"),
        Some((&workspace_row, "model")),
        html! {
            table #import-summary {
                @for (k, v) in serde_json::to_value(&summary).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default() {
                    tr { th { (k) } td { (v) } }
                }
            }
            p { a href={ "/w/" (ws) "/model" } { (ui.t("nav.model")) } }
        },
    ))
}

async fn diagram_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
) -> UiResult {
    let (_, workspace, _) = workspace(&state, &ui, &ws).await?;
    let svg = super::render_diagram(&state, &workspace, ui.lang).await?;
    Ok(ui.page(
        ui.t("diagram.title"),
        Some((&workspace, "diagram")),
        html! {
            div.diagram #diagram { (PreEscaped(svg)) }
            p { a href={ "/w/" (ws) "/diagram.svg" } download { (ui.t("diagram.download")) } }
        },
    ))
}

async fn diagram_svg(State(state): State<SharedState>, ui: Ui, Path(ws): Path<String>) -> UiResult {
    let (_, workspace, _) = workspace(&state, &ui, &ws).await?;
    let svg = super::render_diagram(&state, &workspace, ui.lang).await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

// ---------- members and audit ----------

async fn members_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    let members = state.store.list_members(&ws).await?;
    Ok(ui.page(
        ui.t("nav.members"),
        Some((&workspace, "members")),
        members_body(&ui, &ws, &members, role, None),
    ))
}

fn members_body(
    ui: &Ui,
    ws: &str,
    members: &[sanso_store::Member],
    role: Role,
    link: Option<&str>,
) -> Markup {
    html! {
        @if let Some(link) = link { p.notice { (ui.t("members.link")) br; code #invite-link { (link) } } }
        table #members {
            tr { th { (ui.t("field.display_name")) } th { (ui.t("field.email")) } th { (ui.t("field.role")) } }
            @for m in members {
                tr {
                    td { (m.display_name) } td { (m.email) }
                    td {
                        @if role.can_administer() {
                            form.inline method="post" action={ "/w/" (ws) "/members/" (m.user_id) "/role" } {
                                (ui.csrf_field())
                                select name="role" { @for r in Role::ALL { option value=(r.as_str()) selected[r == m.role] { (ui.lang.role(r)) } } }
                                " " button type="submit" { (ui.t("action.change")) }
                            }
                            " "
                            form.inline method="post" action={ "/w/" (ws) "/members/" (m.user_id) "/remove" } {
                                (ui.csrf_field()) button type="submit" { (ui.t("action.remove")) }
                            }
                        } @else { (ui.lang.role(m.role)) }
                    }
                }
            }
        }
        @if role.can_administer() {
            form #invite method="post" action={ "/w/" (ws) "/members/invite" } {
                fieldset {
                    legend { (ui.t("members.invite")) }
                    (ui.csrf_field())
                    label { (ui.t("field.email")) br; input type="email" name="email" required; }
                    label { (ui.t("field.role")) br; select name="role" { @for r in Role::ALL { option value=(r.as_str()) selected[r == Role::Viewer] { (ui.lang.role(r)) } } } }
                    button type="submit" { (ui.t("action.invite")) }
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct InviteForm {
    email: String,
    role: String,
}

async fn invite_member(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<InviteForm>,
) -> UiResult {
    let (p, workspace, role) = workspace(&state, &ui, &ws).await?;
    require_admin(role)?;
    let new_role = Role::parse(&f.role)
        .ok_or_else(|| field_error("role", format!("unknown role \"{}\"", f.role)))?;
    let secret = state
        .store
        .create_member_invitation(&p.actor, &ws, &f.email, new_role)
        .await?;
    let link = format!(
        "{}/invite/{secret}",
        state.config.public_url.trim_end_matches('/')
    );
    let members = state.store.list_members(&ws).await?;
    Ok(ui.page(
        ui.t("nav.members"),
        Some((&workspace, "members")),
        members_body(&ui, &ws, &members, role, Some(&link)),
    ))
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

async fn change_role(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, user)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<RoleForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_admin(role)?;
    let new_role = Role::parse(&f.role)
        .ok_or_else(|| field_error("role", format!("unknown role \"{}\"", f.role)))?;
    // Only existing members change role here; adding people goes through invitations.
    if !state
        .store
        .list_members(&ws)
        .await?
        .iter()
        .any(|m| m.user_id == user)
    {
        return Err(ApiError::not_found().into());
    }
    state
        .store
        .set_member_role(&p.actor, &ws, &user, new_role)
        .await?;
    Ok(see_other(&format!("/w/{ws}/members")))
}

async fn remove_member(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, user)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_admin(role)?;
    state.store.remove_member(&p.actor, &ws, &user).await?;
    Ok(see_other(&format!("/w/{ws}/members")))
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
}

async fn audit_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    Query(q): Query<AuditQuery>,
) -> UiResult {
    let (_, workspace, role) = workspace(&state, &ui, &ws).await?;
    require_admin(role)?;
    let entries = state.store.list_audit(&ws, q.before, 100).await?;
    Ok(ui.page(
        ui.t("nav.audit"),
        Some((&workspace, "audit")),
        html! {
            p.muted { (ui.t("audit.chain")) }
            table #audit {
                tr { th { "#" } th { (ui.t("audit.when")) } th { (ui.t("audit.who")) } th { (ui.t("audit.what")) } th { (ui.t("audit.object")) } }
                @for e in &entries {
                    tr { td { (e.seq) } td { (e.at) } td { (e.actor) } td { code { (e.action) } } td { (e.object_type) " " code { (e.object_id) } } }
                }
            }
            @if let Some(last) = entries.last() {
                @if entries.len() == 100 { p { a href={ "/w/" (ws) "/audit?before=" (last.seq) } { "→" } } }
            }
        },
    ))
}

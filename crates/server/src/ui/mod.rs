//! The server-rendered web UI (maud), in Japanese and English, usable without JavaScript: every
//! action is a plain form post, checked for CSRF. Errors from handlers are problem documents; the
//! [`html_errors`] middleware turns them into pages in the reader's language.

pub(crate) mod assessments;
pub(crate) mod dataflows;
mod form;
mod pages;
pub(crate) mod software;
pub(crate) mod supply;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sanso_core::diagram::{render_svg, DiagramLabels};
use sanso_store::Workspace;

use crate::auth::{cookie, set_cookie, Principal, CSRF_COOKIE, CSRF_FIELD};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::SharedState;

pub use form::{checked, CsrfForm};

pub fn router() -> Router<SharedState> {
    pages::routes()
        .merge(assessments::routes())
        .merge(supply::routes())
        .merge(software::routes())
        .merge(dataflows::routes())
        .layer(axum::middleware::from_fn(html_errors))
}

/// What every page needs: language, CSRF token, the signed-in user.
pub struct Ui {
    pub lang: Lang,
    pub csrf: String,
    new_csrf: bool,
    pub user: Option<Principal>,
    pub path: String,
    secure: bool,
}

impl FromRequestParts<SharedState> for Ui {
    type Rejection = UiReject;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_headers(&parts.headers);
        let (csrf, new_csrf) = match cookie(&parts.headers, CSRF_COOKIE).filter(|c| c.len() >= 32) {
            Some(c) => (c, false),
            None => (sanso_store::accounts::new_secret(), true),
        };
        let user = <Principal as axum::extract::OptionalFromRequestParts<SharedState>>::from_request_parts(parts, state)
            .await
            .map_err(UiReject::Api)?;
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        Ok(Ui {
            lang,
            csrf,
            new_csrf,
            user,
            path,
            secure: state.config.secure_cookies,
        })
    }
}

/// Why a UI handler did not render its page.
pub enum UiReject {
    Redirect(String),
    Api(ApiError),
}

impl From<ApiError> for UiReject {
    fn from(e: ApiError) -> Self {
        UiReject::Api(e)
    }
}

impl From<sanso_store::StoreError> for UiReject {
    fn from(e: sanso_store::StoreError) -> Self {
        UiReject::Api(e.into())
    }
}

impl IntoResponse for UiReject {
    fn into_response(self) -> Response {
        match self {
            UiReject::Redirect(to) => Redirect::to(&to).into_response(),
            UiReject::Api(e) => e.into_response(),
        }
    }
}

pub type UiResult = Result<Response, UiReject>;

/// Only local paths are followed after sign-in or a language switch (no open redirects).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".to_string(),
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|e| e[2..].to_string())
        .unwrap_or_default()
}

impl Ui {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The signed-in user, or a redirect to the sign-in page that comes back here.
    pub fn require_user(&self) -> Result<&Principal, UiReject> {
        self.user
            .as_ref()
            .ok_or_else(|| UiReject::Redirect(format!("/login?next={}", urlencode(&self.path))))
    }

    /// The hidden CSRF field every form carries.
    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name=(CSRF_FIELD) value=(self.csrf); }
    }

    /// Adds the CSRF cookie when this visitor had none.
    pub fn finish(&self, mut response: Response) -> Response {
        if self.new_csrf {
            let c = set_cookie(CSRF_COOKIE, &self.csrf, "Strict", self.secure, None);
            crate::auth::append_cookie(&mut response, &c);
        }
        response
    }

    pub fn page(&self, title: &str, nav: Option<(&Workspace, &str)>, body: Markup) -> Response {
        let markup = self.layout(title, nav, body);
        let mut response = (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            markup.into_string(),
        )
            .into_response();
        response
            .headers_mut()
            .insert("x-frame-options", HeaderValue::from_static("DENY"));
        response.headers_mut().insert(
            "content-security-policy",
            HeaderValue::from_static("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"),
        );
        self.finish(response)
    }

    fn layout(&self, title: &str, nav: Option<(&Workspace, &str)>, body: Markup) -> Markup {
        let other = match self.lang {
            Lang::En => ("ja", "日本語"),
            Lang::Ja => ("en", "English"),
        };
        html! {
            (DOCTYPE)
            html lang=(self.lang.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " — sanso" }
                    style { (PreEscaped(STYLE)) }
                }
                body {
                    header.top {
                        a.brand href="/" { "sanso " span.tag { "三層" } }
                        @if let Some((ws, current)) = nav {
                            nav.ws {
                                strong { (ws.name) }
                                @for (key, href) in [("nav.model", "model"), ("nav.diagram", "diagram"), ("nav.assessments", "assessments"), ("nav.suppliers", "suppliers"), ("nav.software", "software"), ("nav.dataflows", "dataflows"), ("nav.devices", "devices"), ("nav.members", "members"), ("nav.audit", "audit")] {
                                    a class=(if current == href { "current" } else { "" }) href={ "/w/" (ws.id) "/" (href) } { (self.t(key)) }
                                }
                            }
                        }
                        div.right {
                            a #lang-switch href={ "/lang/" (other.0) "?next=" (urlencode(&self.path)) } lang=(other.0) { (other.1) }
                            @if let Some(p) = &self.user {
                                a href="/" { (self.t("nav.workspaces")) }
                                a href="/account" { (self.t("nav.account")) " (" (p.user.display_name) ")" }
                                form.inline method="post" action="/logout" {
                                    (self.csrf_field())
                                    button.link type="submit" { (self.t("nav.logout")) }
                                }
                            }
                        }
                    }
                    main { h1 { (title) } (body) }
                }
            }
        }
    }
}

const STYLE: &str = r#"
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header.top{display:flex;flex-wrap:wrap;gap:1em;align-items:center;padding:.6em 1.2em;background:#12355b;color:#fff}
header.top a{color:#fff;text-decoration:none;margin-right:.8em}header.top a.current{text-decoration:underline}
.brand{font-weight:bold;font-size:1.2em}.tag{font-size:.8em;opacity:.8}
nav.ws strong{margin-right:1em}.right{margin-left:auto;display:flex;gap:.6em;align-items:center}
main{padding:1em 1.5em;max-width:1300px}
table{border-collapse:collapse;margin:.5em 0 1.5em;background:#fff}th,td{border:1px solid #ddd;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#eef2f7}form.inline{display:inline}button.link{background:none;border:none;color:inherit;cursor:pointer;text-decoration:underline;padding:0;font:inherit}
fieldset{border:1px solid #ccd;background:#fff;margin:1em 0;padding:.8em 1em}label{display:block;margin:.4em 0}
label.check{display:inline-block;margin-right:1.2em}input[type=text],input[type=email],input[type=password],select,textarea{font:inherit;padding:.25em;min-width:18em}
textarea{width:100%;min-height:8em;font-family:monospace}button{font:inherit;padding:.3em 1em;cursor:pointer}
.error{background:#fdecea;border:1px solid #e0a39b;padding:.6em 1em}.notice{background:#eef7ee;border:1px solid #9bc79b;padding:.6em 1em;word-break:break-all}
.muted{color:#666}.diagram{overflow:auto;background:#fff;border:1px solid #ddd}code{background:#eee;padding:0 .25em}
"#;

/// Turns problem documents from UI routes into pages in the reader's language.
pub async fn html_errors(req: Request, next: Next) -> Response {
    let lang = Lang::from_headers(req.headers());
    let response = next.run(req).await;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !is_problem {
        return response;
    }
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let problem: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let kind = problem["type"]
        .as_str()
        .unwrap_or("")
        .rsplit(':')
        .next()
        .unwrap_or("")
        .to_string();
    let message = match kind.as_str() {
        "not-found" => lang.t("error.not_found").to_string(),
        "forbidden" => lang.t("error.forbidden").to_string(),
        "csrf" => lang.t("error.csrf").to_string(),
        "too-large" => lang.t("error.too_large").to_string(),
        "validation" | "malformed" => lang.t("error.invalid").to_string(),
        _ => problem["detail"].as_str().unwrap_or("").to_string(),
    };
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or("").to_string(),
                        e["message"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let detail = problem["detail"].as_str().unwrap_or("").to_string();
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head { meta charset="utf-8"; title { (lang.t("error.title")) " — sanso" } style { (PreEscaped(STYLE)) } }
            body {
                header.top { a.brand href="/" { "sanso" } }
                main {
                    h1 { (lang.t("error.title")) }
                    div.error #error data-kind=(kind) {
                        p { (message) }
                        @if !errors.is_empty() {
                            ul { @for (f, m) in &errors { li { code { (f) } " — " (m) } } }
                        } @else if kind == "conflict" || kind == "internal" {
                        } @else if !detail.is_empty() && message != detail {
                            p.muted { (detail) }
                        }
                    }
                    p { a href="javascript:history.back()" { "←" } " " a href="/" { "sanso" } }
                }
            }
        }
    };
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// The workspace's model drawn in three bands, in `lang`.
pub async fn render_diagram(
    state: &SharedState,
    workspace: &Workspace,
    lang: Lang,
) -> Result<String, ApiError> {
    let nodes = state.store.list_nodes(&workspace.id).await?;
    let connections = state.store.list_connections(&workspace.id).await?;
    let band = |l| lang.layer(l).to_string();
    let kind = |k| lang.kind(k).to_string();
    let connection = |k| lang.connection(k).to_string();
    let labels = DiagramLabels {
        band: &band,
        kind: &kind,
        connection: &connection,
        critical: lang.t("flag.critical").into(),
        exposed: lang.t("flag.exposed").into(),
        empty: lang.t("diagram.empty").into(),
    };
    let title = format!("{} — {}", workspace.name, lang.t("diagram.title"));
    Ok(render_svg(&title, &nodes, &connections, &labels))
}

pub fn status_page(ui: &Ui, status: StatusCode, title: &str, body: Markup) -> Response {
    let mut r = ui.page(title, None, body);
    *r.status_mut() = status;
    r
}

//! The sanso web server: REST API under `/api/v1` (OpenAPI at `/api/v1/openapi.json`), the
//! server-rendered web UI in Japanese and English, authentication, and health probes.
//!
//! Handlers are thin: they authenticate, parse, call one [`sanso_store::Store`] method and render.
//! - [`auth`]: sessions, API tokens, CSRF, workspace access (other workspaces answer 404).
//! - [`error`]: one error type that renders as `application/problem+json` for the API and as a page
//!   for the UI.
//! - [`api`]: JSON endpoints; [`ui`]: HTML pages (maud), usable without JavaScript.

pub mod api;
pub mod auth;
pub mod error;
pub mod exchange;
pub mod i18n;
pub mod ui;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use sanso_store::Store;
use tower_http::trace::TraceLayer;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The base URL people reach the server at, for links printed on the console (setup, invitations).
    pub public_url: String,
    /// Mark cookies `Secure` (set when serving over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The largest file upload (SBOM, OSV archive) accepted, in bytes; uploads are streamed to a
    /// temporary file, so this may be far above `body_limit`.
    pub upload_limit: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            public_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            body_limit: 10 * 1024 * 1024,
            upload_limit: 2 << 30,
        }
    }
}

pub struct AppState {
    pub store: Store,
    pub config: ServerConfig,
}

pub type SharedState = Arc<AppState>;

/// The whole application: API, UI and probes.
pub fn router(store: Store, config: ServerConfig) -> Router {
    let body_limit = config.body_limit;
    let state = Arc::new(AppState { store, config });
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/api/v1", api::router())
        .merge(ui::router())
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .with_state(state)
}

async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn readyz(State(state): State<SharedState>) -> impl IntoResponse {
    if state.store.ping().await {
        (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "database unreachable" })),
        )
    }
}

/// Serves until `shutdown` resolves, then finishes requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(store.clone(), config);
    let (stop_worker, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(webhooks::run(store.clone(), stop_rx));
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    let _ = stop_worker.send(true);
    let _ = worker.await;
    served?;
    store.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

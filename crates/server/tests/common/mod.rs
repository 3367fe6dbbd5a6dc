//! A real server on a free port over a test installation (SQLite, or PostgreSQL when
//! `SANSO_TEST_DATABASE_URL` is set), shut down when dropped.
#![allow(dead_code)]

use sanso_store::testing::TestInstallation;
use sanso_store::{Actor, Store};

pub struct TestServer {
    pub base: String,
    pub store: Store,
    pub installation: TestInstallation,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut sanso_server::ServerConfig)) -> TestServer {
        let installation = TestInstallation::new().await;
        let store = Store::open(&installation.config).await.expect("open store");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = sanso_server::ServerConfig {
            public_url: base.clone(),
            ..Default::default()
        };
        adjust(&mut config);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let serve_store = store.clone();
        let handle = tokio::spawn(async move {
            sanso_server::serve(listener, serve_store, config, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestServer {
            base,
            store,
            installation,
            shutdown: Some(tx),
            handle: Some(handle),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A user with their own workspace, and an API client authenticated as them.
    pub async fn user_with_workspace(
        &self,
        email: &str,
        workspace: &str,
    ) -> (String, String, reqwest::Client) {
        let actor = Actor::cli();
        let user = if self.store.count_users().await.unwrap() == 0 {
            self.store
                .create_first_admin(&actor, email, "Test User", "a long password", workspace)
                .await
                .unwrap()
                .0
        } else {
            let u = self
                .store
                .create_user(&actor, email, "Test User", "a long password")
                .await
                .unwrap();
            self.store
                .create_workspace(&actor, workspace, "", &u.id)
                .await
                .unwrap();
            u
        };
        let ws = self.store.workspaces_for_user(&user.id).await.unwrap()[0]
            .0
            .id
            .clone();
        let (_, token) = self
            .store
            .create_api_token(&actor, &user.id, "test")
            .await
            .unwrap();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        (user.id, ws, client)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden CSRF field in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A browser-like client signed in through the login form.
pub async fn sign_in(server: &TestServer, email: &str, password: &str) -> reqwest::Client {
    let web = browser_client();
    let page = web
        .get(server.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = web
        .post(server.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    web
}

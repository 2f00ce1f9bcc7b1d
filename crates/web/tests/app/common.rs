//! `TestApp`: a fresh database with two tenants and their accounts, and a cookie-aware
//! client that talks to the router in process.

#![allow(dead_code)]

use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use http_body_util::BodyExt;
use relais_domain::{AccountKind, Email, Locale, Role, Slug, TenantKind};
use relais_store::{Actor, Db, accounts, files::FileStore, tenants};
use relais_web::{AppState, WebConfig};
use std::{
    collections::HashMap,
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, LazyLock},
};
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";

/// argon2 is slow on purpose; one hash serves every test account.
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| {
    use argon2::{Argon2, PasswordHasher, password_hash::SaltString};
    let salt = SaltString::encode_b64(b"relais-test-salt").expect("salt");
    Argon2::default()
        .hash_password(PASSWORD.as_bytes(), &salt)
        .expect("hash")
        .to_string()
});

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub db: Db,
    pub database_url: String,
    pub dir: tempfile::TempDir,
    pg_cleanup: Option<(String, String)>,
    /// tenant slug → id
    pub tenants: HashMap<String, Uuid>,
}

/// Staff of each test tenant, `<role>@<slug>.test`, plus `citizen@<slug>.test` (portal).
pub const ROLES: [&str; 4] = ["admin", "supervisor", "agent", "viewer"];

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(WebConfig::default()).await
    }

    pub async fn with_config(config: WebConfig) -> TestApp {
        Self::with_mailer(config, None).await
    }

    /// With this mailer instead of `.eml` files in `<dir>/mail` (the SMTP tests).
    pub async fn with_mailer(config: WebConfig, mailer: Option<relais_mail::Mailer>) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg_cleanup) = match std::env::var("RELAIS_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("relais_test_{}", Uuid::new_v4().simple());
                let admin = Db::connect(&admin_url).await.expect("PostgreSQL for tests");
                if let Db::Postgres(pool) = &admin {
                    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                        .execute(pool)
                        .await
                        .expect("create test database");
                }
                admin.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_owned())
                    .expect("database URL with a path");
                (format!("{base}/{name}"), Some((admin_url, name)))
            }
            _ => (
                format!("sqlite://{}", dir.path().join("relais.db").display()),
                None,
            ),
        };
        let db = Db::connect(&database_url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let files = FileStore::new(dir.path().join("files"));
        let mailer = match mailer {
            Some(m) => m,
            None => relais_mail::Mailer::to_files(
                dir.path().join("mail"),
                "Relais <noreply@relais.test>",
            )
            .expect("mailer"),
        };
        let state = AppState::new(db.clone(), files, mailer, config);
        let router = relais_web::app(state.clone());
        let mut app = TestApp {
            state,
            router,
            db,
            database_url,
            dir,
            pg_cleanup,
            tenants: HashMap::new(),
        };
        app.add_tenant("alpha", TenantKind::Public, true).await;
        app.add_tenant("beta", TenantKind::Private, false).await;
        app
    }

    async fn add_tenant(&mut self, slug: &str, kind: TenantKind, is_default: bool) {
        let tenant = tenants::create(
            &self.db,
            "test",
            tenants::NewTenant {
                slug: Slug::parse(slug).expect("slug"),
                kind,
                name: format!("Tenant {slug}"),
                default_locale: Locale::Fr,
                hosts: vec![format!("{slug}.test")],
                is_default,
            },
        )
        .await
        .expect("tenant");
        let actor = Actor::system(tenant.id, "test");
        for role in ROLES {
            self.create_account(
                &actor,
                AccountKind::Staff,
                &format!("{role}@{slug}.test"),
                Some(role.parse::<Role>().expect("role")),
            )
            .await;
        }
        self.create_account(
            &actor,
            AccountKind::Portal,
            &format!("citizen@{slug}.test"),
            None,
        )
        .await;
        self.tenants.insert(slug.to_owned(), tenant.id);
    }

    pub async fn create_account(
        &self,
        actor: &Actor,
        kind: AccountKind,
        email: &str,
        role: Option<Role>,
    ) -> accounts::Account {
        accounts::create(
            &self.db,
            actor,
            accounts::NewAccount {
                kind,
                email: Email::parse(email).expect("email"),
                display_name: email.split('@').next().unwrap_or(email).to_owned(),
                password_hash: Some(PASSWORD_HASH.clone()),
                role,
                locale: None,
            },
        )
        .await
        .expect("account")
    }

    pub fn tenant(&self, slug: &str) -> Uuid {
        self.tenants[slug]
    }

    /// The account `email` of tenant `slug`.
    pub async fn account(&self, slug: &str, email: &str) -> accounts::Account {
        let kind = if email.starts_with("citizen") {
            AccountKind::Portal
        } else {
            AccountKind::Staff
        };
        accounts::find_by_email(&self.db, self.tenant(slug), kind, email)
            .await
            .expect("query")
            .expect("account exists")
    }

    pub fn client(&self, host: &str) -> TestClient {
        TestClient {
            router: self.router.clone(),
            host: host.to_owned(),
            cookies: HashMap::new(),
            ip: "127.0.0.1".into(),
            bearer: None,
        }
    }

    /// Sends the mails of the outbox that are ready (only those: other jobs stay queued);
    /// returns how many jobs ran.
    pub async fn send_mails(&self) -> usize {
        let mut registry = relais_web::jobs::Registry::default();
        registry.add(relais_web::outbox::MailJob);
        relais_web::jobs::Runner::new(
            self.state.clone(),
            registry,
            relais_web::jobs::RunnerConfig::default(),
        )
        .run_until_idle()
        .await
        .expect("mail jobs")
    }

    /// Mails written by the file transport, oldest first, as raw text, once the outbox's
    /// ready mails are sent.
    pub async fn mails(&self) -> Vec<String> {
        self.send_mails().await;
        self.written_mails()
    }

    /// Mails already written by the file transport, without sending the outbox.
    pub fn written_mails(&self) -> Vec<String> {
        let dir = self.dir.path().join("mail");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }

    pub fn files_dir(&self) -> PathBuf {
        self.dir.path().join("files")
    }

    /// Publishes a service of the demo catalogue (`crates/relais/demo/services/<name>.json`)
    /// in tenant `slug`, as the demo loader does, and returns it.
    pub async fn publish_demo_service(
        &self,
        slug: &str,
        name: &str,
    ) -> relais_store::services::Service {
        let path = format!(
            "{}/../relais/demo/services/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("demo service file"))
                .expect("demo service JSON");
        let m = &file["meta"];
        let text = |k: &str| m[k].as_str().expect("meta text").to_owned();
        let meta = relais_store::services::Meta {
            slug: text("slug"),
            category: text("category"),
            audience: text("audience"),
            channels: m["channels"]
                .as_array()
                .expect("channels")
                .iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect(),
            who_may_file: text("who_may_file"),
            title_fr: text("title_fr"),
            title_en: text("title_en"),
            description_fr: text("description_fr"),
            description_en: text("description_en"),
        };
        let actor = Actor::system(self.tenant(slug), "test");
        let service = relais_store::services::create(&self.db, &actor, &meta, &file["definition"])
            .await
            .expect("create service");
        relais_store::services::publish(&self.db, &actor, service.id)
            .await
            .expect("publish service");
        relais_store::services::get(&self.db, self.tenant(slug), service.id)
            .await
            .expect("query")
            .expect("service")
    }

    /// The tenant row of `slug`.
    pub async fn tenant_row(&self, slug: &str) -> relais_store::tenants::Tenant {
        relais_store::tenants::by_id(&self.db, self.tenant(slug))
            .await
            .expect("query")
            .expect("tenant")
    }

    /// A job runner on this application with the standard handlers.
    pub fn runner(&self) -> relais_web::jobs::Runner {
        relais_web::jobs::Runner::new(
            self.state.clone(),
            relais_web::jobs::Registry::standard(),
            relais_web::jobs::RunnerConfig::default(),
        )
    }

    /// Runs every ready job to its outcome; returns how many ran.
    pub async fn run_jobs(&self) -> usize {
        self.runner().run_until_idle().await.expect("jobs")
    }

    pub async fn count(&self, table: &str) -> i64 {
        relais_store::schema::count_rows(&self.db, table)
            .await
            .expect("count")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_cleanup.take() {
            // Drop cannot await; a thread with its own runtime does the cleanup. It must not
            // wait for this test's pool (its tasks need the test's runtime, blocked here):
            // FORCE ends those connections.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    if let Ok(Db::Postgres(pool)) = Db::connect(&admin_url).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&pool)
                        .await;
                        pool.close().await;
                    }
                });
            })
            .join();
        }
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    #[track_caller]
    pub fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            &self.body[..self.body.len().min(2000)]
        );
        self
    }
    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(
            self.body.contains(text),
            "expected {text:?} in: {}",
            &self.body[..self.body.len().min(3000)]
        );
        self
    }
}

/// A browser-like client for one host: keeps cookies, sends the CSRF token with forms.
pub struct TestClient {
    router: Router,
    pub host: String,
    pub cookies: HashMap<String, String>,
    pub ip: String,
    pub bearer: Option<String>,
}

impl TestClient {
    pub fn with_ip(mut self, ip: &str) -> Self {
        self.ip = ip.to_owned();
        self
    }

    pub fn with_bearer(mut self, token: &str) -> Self {
        self.bearer = Some(token.to_owned());
        self
    }

    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host);
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            builder = builder.header(header::COOKIE, cookie);
        }
        if let Some(ct) = content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        if let Some(token) = &self.bearer {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (k, v) in extra {
            builder = builder.header(*k, *v);
        }
        let mut request = builder.body(Body::from(body)).expect("request");
        let addr: SocketAddr = format!("{}:40000", self.ip).parse().expect("ip");
        request.extensions_mut().insert(ConnectInfo(addr));
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(value) = value.to_str() else { continue };
            let pair = value.split(';').next().unwrap_or("");
            if let Some((name, v)) = pair.split_once('=') {
                if v.is_empty() || value.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), v.to_owned());
                }
            }
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(Method::GET, path, None, Vec::new(), &[]).await
    }

    /// The CSRF token of this browser (fetching a page first if it has none yet).
    pub async fn csrf(&mut self) -> String {
        if !self.cookies.contains_key("relais_csrf") {
            self.get("/healthz").await;
            if !self.cookies.contains_key("relais_csrf") {
                self.get("/").await;
            }
        }
        self.cookies
            .get("relais_csrf")
            .cloned()
            .expect("csrf cookie")
    }

    /// Posts a form as a browser would: with this browser's CSRF token.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        let body = serde_urlencoded::to_string(&all).expect("form");
        self.request(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
            &[],
        )
        .await
    }

    /// Posts a form without any CSRF token (what a forged cross-site form would do).
    pub async fn post_form_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.request(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
            extra,
        )
        .await
    }

    /// Posts one file as `multipart/form-data` (field `field`), the CSRF token in the query
    /// string as the upload forms do.
    pub async fn post_file(
        &mut self,
        path: &str,
        field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> TestResponse {
        let token = self.csrf().await;
        let boundary = "relais-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let sep = if path.contains('?') { '&' } else { '?' };
        self.request(
            Method::POST,
            &format!("{path}{sep}csrf_token={token}"),
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
            &[],
        )
        .await
    }

    pub async fn send_json(
        &mut self,
        method: Method,
        path: &str,
        json: &serde_json::Value,
    ) -> TestResponse {
        self.request(
            method,
            path,
            Some("application/json"),
            serde_json::to_vec(json).expect("json"),
            &[],
        )
        .await
    }

    /// Signs in on the staff page with the test password; panics unless it lands.
    pub async fn login_staff(&mut self, email: &str) {
        let r = self
            .post_form(
                "/backoffice/login",
                &[("email", email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "staff login of {email} failed: {}",
            r.body
        );
    }

    pub async fn login_portal(&mut self, email: &str) {
        let r = self
            .post_form("/login", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "portal login of {email} failed: {}",
            r.body
        );
    }
}

/// Creates an API token for an account straight in the store and returns it.
pub async fn api_token(app: &TestApp, slug: &str, email: &str) -> String {
    let account = app.account(slug, email).await;
    let raw = format!("rls_test_{}", Uuid::new_v4().simple());
    relais_store::api_tokens::create(
        &app.db,
        &Actor::system(app.tenant(slug), "test"),
        account.id,
        "test",
        &raw,
    )
    .await
    .expect("token");
    raw
}

pub type Shared<T> = Arc<T>;

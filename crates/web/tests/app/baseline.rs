//! The web baseline: headers, health, metrics, limits, errors, layout, languages.

use crate::common::{TestApp, TestClient};
use axum::http::{Method, StatusCode, header};

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    for path in ["/", "/backoffice/login", "/does-not-exist", "/healthz"] {
        let r = c.get(path).await;
        let csp = r
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert_eq!(
            r.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{path}"
        );
        assert_eq!(r.headers[header::REFERRER_POLICY], "same-origin", "{path}");
        assert!(
            r.headers.contains_key("x-request-id"),
            "{path} has no request id"
        );
        assert!(
            !r.headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
            "no HSTS over plain HTTP"
        );
    }
}

#[tokio::test]
async fn https_deployments_get_hsts_and_secure_host_cookies() {
    let config = relais_web::WebConfig {
        public_url: Some("https://relais.example".into()),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let mut c = app.client("alpha.test");
    let r = c.get("/").await;
    assert!(
        r.headers[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-relais_csrf=")
            && cookie.contains("Secure")
            && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.get("/healthz")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("ok");
    c.get("/readyz").await.assert_status(StatusCode::OK);
    c.get("/backoffice/login").await;
    c.get("/backoffice/login").await;
    let m = c.get("/metrics").await;
    m.assert_status(StatusCode::OK);
    m.assert_contains(
        r#"relais_http_requests_total{method="GET",route="/backoffice/login",status="200"} 2"#,
    );
    m.assert_contains(
        r#"relais_http_request_duration_seconds_count{method="GET",route="/backoffice/login"} 2"#,
    );
    m.assert_contains(r#"relais_http_request_duration_seconds_bucket{method="GET",route="/backoffice/login",le="+Inf"} 2"#);
    // SQLite's group commit says how many writes shared a transaction.
    if app.db.backend() == relais_store::Backend::Sqlite {
        m.assert_contains("relais_sqlite_grouped_writes_total ");
    } else {
        assert!(!m.body.contains("relais_sqlite_"), "{}", m.body);
    }
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    app.db.close().await;
    let r = c.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn oversize_bodies_are_refused_in_the_visitors_language() {
    let config = relais_web::WebConfig {
        max_body_bytes: 4096,
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let mut c = app.client("alpha.test");
    let before = app.count("audit_log").await;
    let big = "x".repeat(10_000);
    let r = c
        .post_form(
            "/backoffice/login",
            &[("email", "admin@alpha.test"), ("password", &big)],
        )
        .await;
    r.assert_status(StatusCode::PAYLOAD_TOO_LARGE);
    r.assert_contains("trop volumineuses");
    assert_eq!(app.count("audit_log").await, before, "nothing recorded");
    let mut en = app.client("alpha.test");
    en.get("/?lang=en").await;
    let r = en
        .post_form(
            "/backoffice/login",
            &[("email", "admin@alpha.test"), ("password", &big)],
        )
        .await;
    r.assert_status(StatusCode::PAYLOAD_TOO_LARGE)
        .assert_contains("too large");
}

#[tokio::test]
async fn unknown_pages_and_methods_get_real_pages() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    let r = c.get("/nowhere").await;
    r.assert_status(StatusCode::NOT_FOUND)
        .assert_contains("<html lang=\"fr\"")
        .assert_contains("existe pas ou vous");
    let r = c.request(Method::DELETE, "/", None, Vec::new(), &[]).await;
    assert!(
        r.status == StatusCode::METHOD_NOT_ALLOWED || r.status == StatusCode::FORBIDDEN,
        "{}",
        r.status
    );
    assert!(r.body.contains("<main"), "rendered as a page");
}

#[tokio::test]
async fn layout_is_accessible_and_french_by_default() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    let r = c.get("/").await;
    r.assert_contains("<html lang=\"fr\">")
        .assert_contains("class=\"skip-link\" href=\"#main\">Aller au contenu</a>")
        .assert_contains("<main id=\"main\"")
        .assert_contains("<header")
        .assert_contains("<footer")
        .assert_contains("name=\"viewport\"")
        .assert_contains("hreflang=\"en\">English</a>")
        .assert_contains("<span aria-current=\"true\" lang=\"fr\">Français</span>");
    assert!(
        !r.body.contains("style=\""),
        "no inline style (the CSP forbids it)"
    );
    assert!(!r.body.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn the_language_switch_sticks() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    let r = c.get("/backoffice/login?lang=en").await;
    r.assert_contains("<html lang=\"en\">")
        .assert_contains("Staff sign-in")
        .assert_contains("Skip to content");
    let r = c.get("/backoffice/login").await;
    r.assert_contains("<html lang=\"en\">");
    let r = c.get("/backoffice/login?lang=fr").await;
    r.assert_contains("Connexion des agents");
    let r = c.get("/backoffice/login?lang=xx").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("<html lang=\"fr\">");
}

#[tokio::test]
async fn tenant_theme_and_wording_follow_the_host() {
    let app = TestApp::new().await;
    let mut alpha = app.client("alpha.test");
    alpha
        .get("/")
        .await
        .assert_contains("Tenant alpha")
        .assert_contains("portail des démarches");
    let mut beta = app.client("beta.test");
    beta.get("/")
        .await
        .assert_contains("Tenant beta")
        .assert_contains("espace client");
    // An unknown host falls back to the default tenant (alpha).
    let mut other = app.client("unknown.example");
    other.get("/").await.assert_contains("Tenant alpha");
    let css = alpha.get("/theme.css").await;
    css.assert_contains("--brand: #1f4e8c");
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

/// The tenant of a host is kept for a moment (`relais_web::state::FRESH_FOR`): a change made
/// through this server shows at once, one made by another process (here a plain UPDATE)
/// once the copy expires.
#[tokio::test]
async fn a_tenant_changed_elsewhere_shows_within_a_second_and_at_once_when_changed_here() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.get("/").await.assert_contains("Tenant alpha");
    let rename = "UPDATE tenants SET name = 'Ville renommée' WHERE slug = 'alpha'";
    match &app.db {
        relais_store::Db::Sqlite(p) => sqlx::query(rename).execute(p).await.map(|_| ()),
        relais_store::Db::Postgres(p) => sqlx::query(rename).execute(p).await.map(|_| ()),
    }
    .unwrap();
    tokio::time::sleep(relais_web::state::FRESH_FOR + std::time::Duration::from_millis(100)).await;
    c.get("/").await.assert_contains("Ville renommée");

    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    admin
        .post_form(
            "/admin/settings",
            &[
                ("name", "Ville d'Alpha"),
                ("default_locale", "fr"),
                ("time_zone", "Europe/Paris"),
                ("primary_colour", "#204080"),
                ("contact_email", ""),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let r = c.get("/").await;
    r.assert_contains("Ville d&#39;Alpha");
    assert!(!r.body.contains("Ville renommée"));
}

#[tokio::test]
async fn without_a_default_tenant_an_unknown_host_gets_a_clear_page() {
    let app = TestApp::new().await;
    match &app.db {
        relais_store::Db::Sqlite(p) => sqlx::query("UPDATE tenants SET is_default = FALSE")
            .execute(p)
            .await
            .map(|_| ()),
        relais_store::Db::Postgres(p) => sqlx::query("UPDATE tenants SET is_default = FALSE")
            .execute(p)
            .await
            .map(|_| ()),
    }
    .unwrap();
    let mut c: TestClient = app.client("unknown.example");
    c.get("/")
        .await
        .assert_status(StatusCode::NOT_FOUND)
        .assert_contains("Aucun espace");
}

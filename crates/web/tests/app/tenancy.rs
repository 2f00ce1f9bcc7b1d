//! Tenant isolation: sessions, credentials, tokens and links of one tenant are worthless on
//! another. (Admin and API routes have their own cross-tenant tests in admin.rs and api.rs.)

use crate::common::{PASSWORD, TestApp, api_token};
use axum::http::StatusCode;

#[tokio::test]
async fn a_session_of_one_tenant_opens_nothing_on_another() {
    let app = TestApp::new().await;
    let mut alpha = app.client("alpha.test");
    alpha.login_staff("admin@alpha.test").await;
    let mut beta = app.client("beta.test");
    beta.cookies = alpha.cookies.clone();
    for path in [
        "/backoffice",
        "/account",
        "/admin",
        "/admin/staff",
        "/admin/teams",
        "/admin/audit",
    ] {
        let r = beta.get(path).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{path} on beta with alpha's cookie"
        );
        assert!(r.location().unwrap().contains("login"), "{path}");
    }
    // Posting with alpha's cookies on beta changes nothing either.
    let before = app.count("audit_log").await;
    let r = beta
        .post_form("/account/tokens", &[("name", "cross")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("api_tokens").await, 0);
    assert_eq!(app.count("audit_log").await, before);
}

#[tokio::test]
async fn credentials_belong_to_one_tenant() {
    let app = TestApp::new().await;
    let mut beta = app.client("beta.test");
    let r = beta
        .post_form(
            "/backoffice/login",
            &[("email", "admin@alpha.test"), ("password", PASSWORD)],
        )
        .await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    beta.login_staff("admin@beta.test").await;
    beta.get("/backoffice")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Tenant beta");
}

#[tokio::test]
async fn reset_links_and_tokens_do_not_cross_tenants() {
    let app = TestApp::new().await;
    let mut alpha = app.client("alpha.test");
    alpha
        .post_form(
            "/password/forgot",
            &[("email", "agent@alpha.test"), ("kind", "staff")],
        )
        .await;
    let link = crate::auth::reset_link(&app.mails()[0]);
    let mut beta = app.client("beta.test");
    beta.get(&link).await.assert_status(StatusCode::GONE);
    beta.post_form(
        &link,
        &[
            ("password", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ],
    )
    .await
    .assert_status(StatusCode::GONE);
    // Still usable on its own tenant: nothing was consumed.
    alpha.get(&link).await.assert_status(StatusCode::OK);

    let token = api_token(&app, "alpha", "admin@alpha.test").await;
    assert!(
        relais_store::api_tokens::authenticate(&app.db, app.tenant("beta"), &token)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        relais_store::api_tokens::authenticate(&app.db, app.tenant("alpha"), &token)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn revoking_another_tenants_token_by_id_fails() {
    let app = TestApp::new().await;
    api_token(&app, "beta", "admin@beta.test").await;
    let beta_admin = app.account("beta", "admin@beta.test").await;
    let id = relais_store::api_tokens::list(&app.db, app.tenant("beta"), beta_admin.id)
        .await
        .unwrap()[0]
        .id;
    let mut alpha = app.client("alpha.test");
    alpha.login_staff("admin@alpha.test").await;
    alpha
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let tokens = relais_store::api_tokens::list(&app.db, app.tenant("beta"), beta_admin.id)
        .await
        .unwrap();
    assert!(tokens[0].revoked_at.is_none());
}

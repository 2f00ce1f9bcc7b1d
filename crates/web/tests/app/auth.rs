//! Signing in and out, sessions, lockout, CSRF, password reset, two-factor.

use crate::common::{PASSWORD, TestApp};
use axum::http::{StatusCode, header};
use relais_domain::totp;

#[tokio::test]
async fn staff_sign_in_renews_the_session_and_sign_out_ends_it() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.get("/backoffice")
        .await
        .assert_status(StatusCode::SEE_OTHER);
    // A session id planted before sign-in must not survive it (session fixation).
    c.login_staff("agent@alpha.test").await;
    let first = c.cookies["relais_session"].clone();
    let r = c.get("/backoffice").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Bonjour agent")
        .assert_contains("Se déconnecter");
    c.login_staff("agent@alpha.test").await;
    let second = c.cookies["relais_session"].clone();
    assert_ne!(first, second, "a new id at each sign-in");
    assert_eq!(
        app.count("sessions").await,
        1,
        "the previous session was ended"
    );
    let stolen = second.clone();
    let r = c.post_form("/logout", &[]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("sessions").await, 0);
    // The old cookie value is worthless now.
    c.cookies.insert("relais_session".into(), stolen);
    assert_eq!(c.get("/backoffice").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sessions_survive_a_restart_and_are_shared_by_processes() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_staff("admin@alpha.test").await;
    // A second application instance on the same database, as after a restart or on a
    // second server behind a load balancer.
    let other = relais_web::app(relais_web::AppState::new(
        app.db.clone(),
        relais_store::files::FileStore::new(app.files_dir()),
        relais_mail::Mailer::to_files(app.dir.path().join("mail"), "x@relais.test").unwrap(),
        relais_web::WebConfig::default(),
    ));
    let mut request = axum::http::Request::builder()
        .uri("/backoffice")
        .header(header::HOST, "alpha.test")
        .header(
            header::COOKIE,
            format!("relais_session={}", c.cookies["relais_session"]),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            1,
        ))));
    let response = tower::ServiceExt::oneshot(other, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let config = relais_web::WebConfig {
        session_idle: chrono::Duration::seconds(1),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let mut c = app.client("alpha.test");
    c.login_staff("agent@alpha.test").await;
    c.get("/backoffice").await.assert_status(StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    c.get("/backoffice")
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sessions_end_at_their_absolute_expiry_even_when_active() {
    let config = relais_web::WebConfig {
        session_lifetime: chrono::Duration::seconds(1),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let mut c = app.client("alpha.test");
    c.login_staff("agent@alpha.test").await;
    c.get("/backoffice").await.assert_status(StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        c.get("/backoffice").await.location(),
        Some("/backoffice/login?next=/backoffice")
    );
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_lock_the_account() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    for attempt in 1..=4 {
        let r = c
            .post_form(
                "/backoffice/login",
                &[
                    ("email", "agent@alpha.test"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        r.assert_status(StatusCode::UNAUTHORIZED)
            .assert_contains("Adresse e-mail ou mot de passe incorrect");
        assert!(
            !c.cookies.contains_key("relais_session"),
            "attempt {attempt}"
        );
    }
    let r = c
        .post_form(
            "/backoffice/login",
            &[
                ("email", "agent@alpha.test"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    r.assert_status(StatusCode::TOO_MANY_REQUESTS)
        .assert_contains("bloqué pendant 15 minutes");
    // Even the right password is refused while locked, and from another address.
    let mut other = app.client("alpha.test").with_ip("10.0.0.9");
    let r = other
        .post_form(
            "/backoffice/login",
            &[("email", "agent@alpha.test"), ("password", PASSWORD)],
        )
        .await;
    r.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert!(!other.cookies.contains_key("relais_session"));
    // Unknown e-mails get the same answer as wrong passwords.
    let r = other
        .post_form(
            "/backoffice/login",
            &[("email", "nobody@alpha.test"), ("password", PASSWORD)],
        )
        .await;
    r.assert_status(StatusCode::UNAUTHORIZED)
        .assert_contains("Adresse e-mail ou mot de passe incorrect");
    // The failures are in the audit log.
    let failures = relais_store::audit::list(
        &app.db,
        app.tenant("alpha"),
        &relais_store::audit::Filter {
            action: Some("auth.login_failed".into()),
            ..Default::default()
        },
        50,
    )
    .await
    .unwrap();
    assert_eq!(failures.len(), 5);
}

#[tokio::test]
async fn sign_in_attempts_are_throttled_per_address() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test").with_ip("10.1.1.1");
    for i in 0..10 {
        let r = c
            .post_form(
                "/backoffice/login",
                &[("email", &format!("n{i}@alpha.test")), ("password", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = c
        .post_form(
            "/backoffice/login",
            &[("email", "admin@alpha.test"), ("password", PASSWORD)],
        )
        .await;
    r.assert_status(StatusCode::TOO_MANY_REQUESTS)
        .assert_contains("Trop de tentatives");
    assert_eq!(r.headers[header::RETRY_AFTER], "60");
    assert!(!c.cookies.contains_key("relais_session"));
    let mut elsewhere = app.client("alpha.test").with_ip("10.1.1.2");
    elsewhere.login_staff("admin@alpha.test").await;
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_change_nothing() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_staff("admin@alpha.test").await;
    let sessions = app.count("sessions").await;
    // No token.
    let r = c.post_form_raw("/logout", &[], &[]).await;
    r.assert_status(StatusCode::FORBIDDEN)
        .assert_contains("Ce formulaire a expiré");
    // A wrong token.
    let r = c
        .post_form_raw(
            "/logout",
            &[("csrf_token", "forged-forged-forged-forged-forged-forged")],
            &[],
        )
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    // The right token, but the browser says the form came from another site.
    let token = c.csrf().await;
    let r = c
        .post_form_raw(
            "/logout",
            &[("csrf_token", &token)],
            &[("origin", "https://evil.example")],
        )
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    let r = c
        .post_form_raw(
            "/logout",
            &[("csrf_token", &token)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(app.count("sessions").await, sessions, "still signed in");
    c.get("/backoffice").await.assert_status(StatusCode::OK);
    // A sign-in form posted cross-site does not sign anyone in.
    let mut fresh = app.client("alpha.test");
    let r = fresh
        .post_form_raw(
            "/backoffice/login",
            &[("email", "admin@alpha.test"), ("password", PASSWORD)],
            &[],
        )
        .await;
    r.assert_status(StatusCode::FORBIDDEN);
    assert!(!fresh.cookies.contains_key("relais_session"));
}

pub fn reset_link(mail: &str) -> String {
    // Undo quoted-printable soft line breaks before reading the link.
    let mail = mail.replace("=\r\n", "").replace("=\n", "");
    let start = mail.find("/password/reset/").expect("link in mail");
    mail[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

#[tokio::test]
async fn password_reset_link_works_once() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    let r = c
        .post_form(
            "/password/forgot",
            &[("email", "agent@alpha.test"), ("kind", "staff")],
        )
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Si un compte existe");
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: agent@alpha.test"), "{}", mails[0]);
    let link = reset_link(&mails[0]);
    assert!(
        mails[0]
            .replace("=\r\n", "")
            .contains(&format!("http://alpha.test:8080{link}")),
        "link uses the tenant's own host: {}",
        mails[0]
    );
    c.get(&link)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Choisir un nouveau mot de passe");
    // Too short, then mismatched: refused, nothing used up.
    c.post_form(&link, &[("password", "short"), ("confirm", "short")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("au moins 12 caractères");
    c.post_form(
        &link,
        &[
            ("password", "a brand new passphrase"),
            ("confirm", "another passphrase"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post_form(
            &link,
            &[
                ("password", "a brand new passphrase"),
                ("confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/backoffice/login?notice=reset-done"));
    // Used: the link is dead.
    c.get(&link)
        .await
        .assert_status(StatusCode::GONE)
        .assert_contains("Ce lien n&#39;est plus valable");
    c.post_form(
        &link,
        &[
            ("password", "yet another passphrase"),
            ("confirm", "yet another passphrase"),
        ],
    )
    .await
    .assert_status(StatusCode::GONE);
    // The new password works, the old one does not.
    let r = c
        .post_form(
            "/backoffice/login",
            &[("email", "agent@alpha.test"), ("password", PASSWORD)],
        )
        .await;
    r.assert_status(StatusCode::UNAUTHORIZED);
    let r = c
        .post_form(
            "/backoffice/login",
            &[
                ("email", "agent@alpha.test"),
                ("password", "a brand new passphrase"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn password_reset_links_expire_and_do_not_reveal_accounts() {
    let config = relais_web::WebConfig {
        reset_link_lifetime: chrono::Duration::seconds(1),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let mut c = app.client("alpha.test");
    let r = c
        .post_form(
            "/password/forgot",
            &[("email", "nobody@alpha.test"), ("kind", "staff")],
        )
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Si un compte existe");
    assert!(
        app.mails().await.is_empty(),
        "no mail for an unknown address"
    );
    c.post_form(
        "/password/forgot",
        &[("email", "agent@alpha.test"), ("kind", "staff")],
    )
    .await;
    let link = reset_link(&app.mails().await[0]);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    c.get(&link).await.assert_status(StatusCode::GONE);
    c.get("/password/reset/made-up-token")
        .await
        .assert_status(StatusCode::GONE);
}

#[tokio::test]
async fn reset_links_point_to_the_tenant_even_with_a_forged_host() {
    let app = TestApp::new().await;
    // evil.example is no tenant's host: the request falls to the default tenant, but the
    // link in the mail must not point to evil.example.
    let mut c = app.client("evil.example");
    c.post_form(
        "/password/forgot",
        &[("email", "agent@alpha.test"), ("kind", "staff")],
    )
    .await;
    let mail = &app.mails().await[0];
    assert!(!mail.contains("evil.example"), "{mail}");
    assert!(
        mail.replace("=\r\n", "")
            .contains("http://alpha.test:8080/password/reset/"),
        "{mail}"
    );
}

#[tokio::test]
async fn totp_enrolment_then_sign_in_with_a_code() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_staff("agent@alpha.test").await;
    let page = c.get("/account/totp").await;
    page.assert_status(StatusCode::OK).assert_contains("<svg");
    let secret_b32 = page
        .body
        .split("name=\"secret\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let secret = totp::Secret::from_base32(&secret_b32).unwrap();
    let r = c
        .post_form(
            "/account/totp",
            &[("secret", &secret_b32), ("code", "000000")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let now = chrono::Utc::now().timestamp();
    let r = c
        .post_form(
            "/account/totp",
            &[("secret", &secret_b32), ("code", &secret.code_at(now - 30))],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(app.account("alpha", "agent@alpha.test").await.totp_enabled);

    // Next sign-in asks for a code before anything opens.
    let mut d = app.client("alpha.test");
    let r = d
        .post_form(
            "/backoffice/login",
            &[("email", "agent@alpha.test"), ("password", PASSWORD)],
        )
        .await;
    assert!(r.location().unwrap().starts_with("/login/totp"));
    assert_eq!(
        d.get("/backoffice").await.status,
        StatusCode::SEE_OTHER,
        "password alone opens nothing"
    );
    d.post_form("/login/totp", &[("code", "123456")])
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
    // The code used at enrolment cannot be replayed.
    d.post_form("/login/totp", &[("code", &secret.code_at(now - 30))])
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
    let pending = d.cookies["relais_session"].clone();
    let r = d
        .post_form("/login/totp", &[("code", &secret.code_at(now + 30))])
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_ne!(
        d.cookies["relais_session"], pending,
        "a new session id once the second factor is done"
    );
    d.get("/backoffice").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn a_tenant_can_make_two_factor_mandatory() {
    let app = TestApp::new().await;
    let tenant = relais_store::tenants::by_id(&app.db, app.tenant("alpha"))
        .await
        .unwrap()
        .unwrap();
    relais_store::tenants::update_settings(
        &app.db,
        &relais_store::Actor::system(tenant.id, "test"),
        &relais_store::tenants::Settings {
            name: tenant.name.clone(),
            default_locale: tenant.locale(),
            time_zone: tenant.time_zone.clone(),
            primary_colour: tenant.primary_colour.clone(),
            contact_email: None,
            require_totp: true,
        },
    )
    .await
    .unwrap();
    let mut c = app.client("alpha.test");
    c.login_staff("agent@alpha.test").await;
    let r = c.get("/backoffice").await;
    assert_eq!(
        r.location(),
        Some("/account/totp"),
        "sent to set up a second factor"
    );
    c.get("/account/totp")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("exige la vérification en deux étapes");
    // Portal accounts are not staff: not concerned.
    let mut p = app.client("alpha.test");
    p.login_portal("citizen@alpha.test").await;
    p.get("/account").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn password_change_needs_the_current_password_and_ends_other_sessions() {
    let app = TestApp::new().await;
    let mut a = app.client("alpha.test");
    let mut b = app.client("alpha.test");
    a.login_staff("agent@alpha.test").await;
    b.login_staff("agent@alpha.test").await;
    a.post_form(
        "/account/password",
        &[
            ("current", "not it at all"),
            ("password", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Le mot de passe actuel est incorrect");
    let r = a
        .post_form(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", "a brand new passphrase"),
                ("confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/account?notice=password-changed"));
    a.get("/account").await.assert_status(StatusCode::OK);
    assert_eq!(
        b.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "the other session was closed"
    );
}

#[tokio::test]
async fn redirects_after_sign_in_stay_on_the_site() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    let r = c
        .post_form(
            "/backoffice/login",
            &[
                ("email", "agent@alpha.test"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/backoffice"));
    let r = c
        .post_form(
            "/backoffice/login",
            &[
                ("email", "agent@alpha.test"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/account"));
}

#[tokio::test]
async fn portal_accounts_cannot_enter_the_back_office() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_portal("citizen@alpha.test").await;
    c.get("/backoffice")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // Staff credentials on the portal form do not work either: the two are separate.
    let r = c
        .post_form(
            "/login",
            &[("email", "agent@alpha.test"), ("password", PASSWORD)],
        )
        .await;
    r.assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_can_be_revoked() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_staff("agent@alpha.test").await;
    c.post_form("/account/tokens", &[("name", "")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post_form("/account/tokens", &[("name", "export script")])
        .await;
    r.assert_status(StatusCode::OK).assert_contains("rls_");
    let token = r
        .body
        .split("<code class=\"token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        !c.get("/account").await.body.contains(&token),
        "shown once only"
    );
    let mut api = app.client("alpha.test").with_bearer(&token);
    let stored = relais_store::api_tokens::authenticate(&app.db, app.tenant("alpha"), &token)
        .await
        .unwrap();
    assert_eq!(stored.unwrap().email, "agent@alpha.test");
    let id = relais_store::api_tokens::list(
        &app.db,
        app.tenant("alpha"),
        app.account("alpha", "agent@alpha.test").await.id,
    )
    .await
    .unwrap()[0]
        .id;
    c.post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert!(
        relais_store::api_tokens::authenticate(&app.db, app.tenant("alpha"), &token)
            .await
            .unwrap()
            .is_none()
    );
    let _ = api.get("/api/v1/me").await;
}

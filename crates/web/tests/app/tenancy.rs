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
    let link = crate::auth::reset_link(&app.mails().await[0]);
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

/// Rows each tenant-owned table holds for one tenant.
async fn tenant_rows(app: &TestApp, tenant: uuid::Uuid) -> std::collections::BTreeMap<String, i64> {
    let mut out = std::collections::BTreeMap::new();
    for (table, columns) in relais_store::schema::describe(&app.db).await.unwrap() {
        if !columns.iter().any(|(c, _)| c == "tenant_id") {
            continue;
        }
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE tenant_id = $1");
        let n: i64 = match &app.db {
            relais_store::Db::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(tenant)
                .fetch_one(p)
                .await
                .unwrap(),
            relais_store::Db::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(tenant)
                .fetch_one(p)
                .await
                .unwrap(),
        };
        out.insert(table, n);
    }
    out
}

/// Every page route, with `{staff}`, `{team}` and `{token}` standing for ids.
const PAGE_ROUTES: &[(&str, &str)] = &[
    ("GET", "/backoffice"),
    ("GET", "/account"),
    ("GET", "/account/totp"),
    ("POST", "/account/locale"),
    ("GET", "/account/profile"),
    ("POST", "/account/profile"),
    ("GET", "/account/notifications"),
    ("POST", "/account/notifications"),
    ("GET", "/account/delete"),
    ("POST", "/account/delete"),
    ("POST", "/account/password"),
    ("POST", "/account/totp"),
    ("POST", "/account/totp/disable"),
    ("POST", "/account/tokens"),
    ("POST", "/account/tokens/{token}/revoke"),
    ("GET", "/admin"),
    ("POST", "/admin/settings"),
    ("GET", "/admin/accounts"),
    ("POST", "/admin/accounts/deletion"),
    ("POST", "/admin/accounts/oidc"),
    ("GET", "/admin/mail"),
    ("POST", "/admin/mail"),
    ("POST", "/admin/mail/clear"),
    ("POST", "/admin/mail/test"),
    ("POST", "/admin/logo"),
    ("GET", "/admin/staff"),
    ("POST", "/admin/staff"),
    ("GET", "/admin/staff/{staff}"),
    ("POST", "/admin/staff/{staff}"),
    ("POST", "/admin/staff/{staff}/reset"),
    ("GET", "/admin/teams"),
    ("POST", "/admin/teams"),
    ("GET", "/admin/teams/{team}"),
    ("POST", "/admin/teams/{team}"),
    ("POST", "/admin/teams/{team}/delete"),
    ("GET", "/admin/calendar"),
    ("POST", "/admin/calendar"),
    ("POST", "/admin/calendar/closures"),
    ("POST", "/admin/calendar/closures/0/delete"),
    ("GET", "/admin/roles"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/services"),
    ("POST", "/admin/services"),
    ("GET", "/admin/services/new"),
    ("GET", "/admin/services/{service}"),
    ("POST", "/admin/services/{service}"),
    ("POST", "/admin/services/{service}/publish"),
    ("POST", "/admin/services/{service}/archive"),
    ("GET", "/admin/services/{service}/definition.json"),
    ("POST", "/admin/services/{service}/import"),
    ("GET", "/admin/services/{service}/documents"),
    ("POST", "/admin/services/{service}/documents"),
    ("POST", "/admin/services/{service}/documents/0/delete"),
    ("GET", "/admin/services/{service}/workflow"),
    ("POST", "/admin/services/{service}/workflow/initial"),
    ("POST", "/admin/services/{service}/workflow/statuses"),
    (
        "POST",
        "/admin/services/{service}/workflow/statuses/0/delete",
    ),
    ("POST", "/admin/services/{service}/workflow/transitions"),
    (
        "POST",
        "/admin/services/{service}/workflow/transitions/0/delete",
    ),
    ("GET", "/admin/services/{service}/sla"),
    ("POST", "/admin/services/{service}/sla"),
    ("GET", "/admin/services/{service}/form"),
    ("POST", "/admin/services/{service}/form/pages"),
    ("POST", "/admin/services/{service}/form/pages/0"),
    ("POST", "/admin/services/{service}/form/pages/0/move"),
    ("POST", "/admin/services/{service}/form/pages/0/delete"),
    ("POST", "/admin/services/{service}/form/pages/0/fields"),
    ("GET", "/admin/services/{service}/form/pages/0/fields/0"),
    ("POST", "/admin/services/{service}/form/pages/0/fields/0"),
    (
        "POST",
        "/admin/services/{service}/form/pages/0/fields/0/move",
    ),
    (
        "POST",
        "/admin/services/{service}/form/pages/0/fields/0/delete",
    ),
    ("GET", "/backoffice/people"),
    ("POST", "/backoffice/people"),
    ("GET", "/backoffice/people/new"),
    ("GET", "/backoffice/people/duplicates"),
    ("GET", "/backoffice/search"),
    ("GET", "/backoffice/people/import"),
    ("POST", "/backoffice/people/import"),
    ("GET", "/backoffice/people/import/{import}"),
    ("GET", "/backoffice/people/import/{import}/mapping"),
    ("POST", "/backoffice/people/import/{import}/mapping"),
    ("POST", "/backoffice/people/import/{import}/start"),
    ("GET", "/backoffice/people/import/{import}/progress"),
    ("GET", "/backoffice/people/import/{import}/rejected.csv"),
    ("GET", "/backoffice/people/{person}"),
    ("POST", "/backoffice/people/{person}"),
    ("GET", "/backoffice/people/{person}/edit"),
    ("POST", "/backoffice/people/{person}/archive"),
    ("POST", "/backoffice/people/{person}/emails"),
    ("POST", "/backoffice/people/{person}/phones"),
    ("POST", "/backoffice/people/{person}/addresses"),
    (
        "POST",
        "/backoffice/people/{person}/contact-points/{point}/delete",
    ),
    ("POST", "/backoffice/people/{person}/tags"),
    ("POST", "/backoffice/people/{person}/consents"),
    ("POST", "/backoffice/people/{person}/interactions"),
    ("POST", "/backoffice/people/{person}/relationships"),
    ("GET", "/backoffice/organisations"),
    ("POST", "/backoffice/organisations"),
    ("GET", "/backoffice/organisations/new"),
    ("GET", "/backoffice/organisations/{organisation}"),
    ("POST", "/backoffice/organisations/{organisation}"),
    ("POST", "/backoffice/organisations/{organisation}/archive"),
    ("GET", "/backoffice/people/{person}/merge/{other}"),
    ("POST", "/backoffice/people/{person}/merge/{other}"),
    ("POST", "/backoffice/people/{person}/not-duplicate/{other}"),
    ("POST", "/backoffice/people/{person}/custom-fields"),
    (
        "POST",
        "/backoffice/people/{person}/relationships/{relationship}/delete",
    ),
    ("POST", "/backoffice/organisations/{organisation}/emails"),
    ("POST", "/backoffice/organisations/{organisation}/phones"),
    ("POST", "/backoffice/organisations/{organisation}/addresses"),
    (
        "POST",
        "/backoffice/organisations/{organisation}/contact-points/{org_point}/delete",
    ),
    ("GET", "/backoffice/segments"),
    ("POST", "/backoffice/segments"),
    ("GET", "/backoffice/segments/new"),
    ("GET", "/backoffice/segments/{segment}"),
    ("POST", "/backoffice/segments/{segment}"),
    ("GET", "/backoffice/segments/{segment}/edit"),
    ("POST", "/backoffice/segments/{segment}/delete"),
    ("GET", "/backoffice/segments/{segment}/export.csv"),
    ("GET", "/backoffice/segments/{segment}/export.vcf"),
    ("GET", "/backoffice/people/{person}/vcard"),
    ("GET", "/admin/custom-fields"),
    ("POST", "/admin/custom-fields"),
    ("GET", "/admin/custom-fields/{field}"),
    ("POST", "/admin/custom-fields/{field}"),
    ("GET", "/backoffice/cases"),
    ("POST", "/backoffice/cases/views"),
    ("POST", "/backoffice/cases/views/{view}/delete"),
    ("GET", "/backoffice/board"),
    ("POST", "/backoffice/board/reassign"),
    ("GET", "/backoffice/board/agents/{staff}"),
    ("POST", "/backoffice/board/agents/{staff}"),
    ("POST", "/backoffice/availability"),
    ("GET", "/admin/automation"),
    ("POST", "/admin/automation"),
    ("GET", "/admin/canned"),
    ("POST", "/admin/canned"),
    ("GET", "/admin/automation/new"),
    ("GET", "/admin/automation/{rule}"),
    ("POST", "/admin/automation/{rule}"),
    ("POST", "/admin/automation/{rule}/delete"),
    ("GET", "/admin/routing"),
    ("GET", "/admin/routing/{service}"),
    ("POST", "/admin/routing/{service}"),
    ("POST", "/admin/routing/{service}/delete"),
    ("GET", "/backoffice/cases/bulk"),
    ("POST", "/backoffice/cases/bulk"),
    ("GET", "/backoffice/cases/{case}"),
    ("POST", "/backoffice/cases/{case}/reply"),
    ("POST", "/backoffice/cases/{case}/notes"),
    ("POST", "/backoffice/cases/{case}/transition"),
    ("POST", "/backoffice/cases/{case}/assign"),
    ("POST", "/backoffice/cases/{case}/priority"),
    ("POST", "/backoffice/cases/{case}/labels"),
    ("GET", "/backoffice/cases/{case}/documents/{document}"),
    (
        "POST",
        "/backoffice/cases/{case}/documents/{document}/check",
    ),
    ("POST", "/backoffice/cases/{case}/links"),
    ("POST", "/backoffice/cases/{case}/links/{other}/delete"),
    ("POST", "/backoffice/cases/{case}/merge"),
    ("POST", "/backoffice/cases/{case}/follow"),
    ("GET", "/backoffice/cases/{case}/print"),
    ("GET", "/admin/canned/{canned}"),
    ("POST", "/admin/canned/{canned}"),
    ("POST", "/admin/canned/{canned}/delete"),
    ("GET", "/admin/articles"),
    ("POST", "/admin/articles"),
    ("GET", "/admin/articles/{article}"),
    ("POST", "/admin/articles/{article}"),
    ("POST", "/admin/articles/{article}/publish"),
    ("POST", "/admin/articles/{article}/unpublish"),
    ("POST", "/admin/articles/{article}/delete"),
    // Public page, but beta's article is internal: a 404 to anyone but beta's staff.
    ("GET", "/information/{article_slug}"),
    ("GET", "/backoffice/notifications"),
    ("POST", "/backoffice/notifications/read"),
    ("POST", "/logout"),
    // Portal: a requester's own drafts, cases and documents (the catalogue pages and the
    // tracking form are public; their tenant checks are in portal.rs).
    ("GET", "/my/requests"),
    ("GET", "/my/requests/{case}"),
    ("GET", "/my/requests/{case}/filed"),
    ("GET", "/my/requests/{case}/receipt.pdf"),
    ("GET", "/my/requests/{case}/documents/{document}"),
    ("POST", "/my/requests/{case}/messages"),
    ("POST", "/my/requests/{case}/corrections"),
    ("POST", "/my/requests/{case}/withdraw"),
    ("POST", "/my/requests/{case}/survey"),
    ("GET", "/my/drafts/{draft}"),
    ("POST", "/my/drafts/{draft}"),
    ("POST", "/my/drafts/{draft}/delete"),
    ("GET", "/my/documents"),
    ("GET", "/my/documents/{document}"),
    ("POST", "/my/documents/{document}/delete"),
    ("POST", "/track"),
];

/// Plausible form fields for every form, so that a refusal is about the tenant, not the input.
fn fields_for(path: &str, other_staff: &str) -> Vec<(&'static str, String)> {
    let f =
        |pairs: &[(&'static str, &str)]| pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    if path.starts_with("/admin/staff/") && !path.ends_with("/reset") {
        f(&[("display_name", "Renamed"), ("role", "viewer")])
    } else if path == "/admin/staff" {
        f(&[
            ("display_name", "New"),
            ("email", "new@alpha.test"),
            ("role", "agent"),
        ])
    } else if path.starts_with("/admin/teams/") && !path.ends_with("/delete") {
        vec![
            ("name", "Renamed".into()),
            ("member", other_staff.to_owned()),
        ]
    } else if path == "/admin/teams" {
        f(&[("name", "Another team")])
    } else if path == "/admin/settings" {
        f(&[
            ("name", "Hijacked"),
            ("default_locale", "en"),
            ("time_zone", "Europe/Paris"),
            ("primary_colour", "#000000"),
        ])
    } else if path == "/account/tokens" {
        f(&[("name", "cross")])
    } else if path == "/account/locale" {
        f(&[("locale", "en")])
    } else if path.starts_with("/backoffice/people") {
        f(&[
            ("given_name", "Hijacked"),
            ("family_name", "Person"),
            ("email", "x@example.fr"),
            ("phone", "0612345678"),
            ("address_lines", "1 rue de la Paix"),
            ("postcode", "75002"),
            ("city", "Paris"),
            ("tags", "hijacked"),
            ("consent_purpose", "newsletter"),
            ("consent_state", "given"),
            ("consent_source", "counter"),
            ("channel", "phone"),
            ("direction", "inbound"),
            ("summary", "Hijacked"),
            ("relationship_kind", "household"),
        ])
    } else if path.starts_with("/backoffice/cases") {
        vec![
            ("row_version", "1".into()),
            ("body", "Hijacked".into()),
            ("note", "Hijacked".into()),
            ("transition", "take_charge".into()),
            ("assignee", other_staff.to_owned()),
            ("priority", "urgent".into()),
            ("labels", "hijacked".into()),
            ("verdict", "valid".into()),
            ("name", "Hijacked".into()),
            ("query", "view=open".into()),
            ("follow", "yes".into()),
            ("link_kind", "related".into()),
            ("merge_reference", "X".into()),
        ]
    } else if path.starts_with("/backoffice/organisations") {
        f(&[
            ("name", "Hijacked"),
            ("email", "x@example.fr"),
            ("phone", "0612345678"),
            ("address_lines", "1 rue de la Paix"),
            ("postcode", "75002"),
            ("city", "Paris"),
        ])
    } else if path.starts_with("/backoffice/segments") {
        f(&[("name", "Hijacked")])
    } else if path.starts_with("/admin/custom-fields") {
        f(&[
            ("label_fr", "Détourné"),
            ("label_en", "Hijacked"),
            ("kind", "text"),
        ])
    } else {
        Vec::new()
    }
}

#[tokio::test]
async fn every_route_refuses_another_tenants_records_and_sessions() {
    let app = TestApp::new().await;
    let beta = app.tenant("beta");
    let beta_admin = app.account("beta", "admin@beta.test").await;
    let beta_agent = app.account("beta", "agent@beta.test").await;
    let beta_team = relais_store::teams::create(
        &app.db,
        &relais_store::Actor::system(beta, "test"),
        "Beta team",
    )
    .await
    .unwrap();
    let beta_service = crate::catalogue::published_service(&app, "beta", "beta-service").await;
    api_token(&app, "beta", "admin@beta.test").await;
    let beta_token = relais_store::api_tokens::list(&app.db, beta, beta_admin.id)
        .await
        .unwrap()[0]
        .id;
    let beta_person = crate::people::person(&app, "beta", "Bea", "Beta").await;
    let beta_org = crate::people::organisation(&app, "beta", "Beta Org").await;
    let beta_point = relais_store::people::add_email(
        &app.db,
        &relais_store::Actor::system(beta, "test"),
        beta_person,
        &relais_domain::Email::parse("bea@beta.test").unwrap(),
    )
    .await
    .unwrap();
    let beta_import = relais_store::imports::create(
        &app.db,
        &relais_store::Actor::system(beta, "test"),
        &relais_store::imports::NewImport {
            format: "csv",
            file_name: "beta.csv",
            file_hash: &"0".repeat(64),
            file_size: 10,
            encoding: "utf8",
            delimiter: ";",
            headers: &["Nom".to_owned(), "Prénom".to_owned()],
        },
    )
    .await
    .unwrap();
    let (beta_case, beta_draft, beta_document) =
        crate::portal::records_of(&app, "beta", beta_service).await;
    let beta_other = crate::people::person(&app, "beta", "Bob", "Beta").await;
    let beta_relationship = relais_store::people::add_relationship(
        &app.db,
        &relais_store::Actor::system(beta, "test"),
        beta_person,
        relais_domain::people::RelationshipKind::Household,
        relais_domain::people::Party::Person(beta_other),
    )
    .await
    .unwrap();
    let beta_org_point = relais_store::people::contact_points::add_email(
        &app.db,
        &relais_store::Actor::system(beta, "test"),
        relais_store::people::Owner::Organisation(beta_org),
        &relais_domain::Email::parse("org@beta.test").unwrap(),
    )
    .await
    .unwrap();
    let beta_segment = crate::records::segment(&app, "beta", "Beta segment").await;
    let beta_field = crate::records::field(&app, "beta", "quartier", "text").await;
    let beta_view = relais_store::saved_views::create(
        &app.db,
        &relais_store::Actor::system(beta, "test"),
        beta_agent.id,
        "Beta view",
        "view=open",
    )
    .await
    .unwrap();
    let beta_canned = relais_store::canned::create(
        &app.db,
        &relais_store::Actor::system(beta, "test"),
        "Beta reply",
        "Bonjour",
    )
    .await
    .unwrap();
    let beta_rule = relais_store::automation::save(
        &app.db,
        &relais_store::Actor::system(beta, "test"),
        None,
        "Beta rule",
        &relais_domain::automation::Rule {
            trigger: relais_domain::automation::Trigger::CaseCreated,
            delay_days: None,
            conditions: Default::default(),
            actions: vec![relais_domain::automation::Action::Label {
                label: "beta".into(),
            }],
        },
        true,
    )
    .await
    .unwrap();
    let beta_article = crate::knowledge::article(
        &app,
        "beta",
        "beta-interne",
        "internal",
        true,
        &[beta_service],
    )
    .await;
    let before = tenant_rows(&app, beta).await;

    let ids = |p: &str| {
        p.replace("{staff}", &beta_agent.id.to_string())
            .replace("{team}", &beta_team.id.to_string())
            .replace("{token}", &beta_token.to_string())
            .replace("{service}", &beta_service.to_string())
            .replace("{person}", &beta_person.to_string())
            .replace("{organisation}", &beta_org.to_string())
            .replace("{point}", &beta_point.to_string())
            .replace("{import}", &beta_import.to_string())
            .replace("{case}", &beta_case.to_string())
            .replace("{draft}", &beta_draft.to_string())
            .replace("{document}", &beta_document.to_string())
            .replace("{other}", &beta_other.to_string())
            .replace("{relationship}", &beta_relationship.to_string())
            .replace("{org_point}", &beta_org_point.to_string())
            .replace("{segment}", &beta_segment.to_string())
            .replace("{field}", &beta_field.to_string())
            .replace("{view}", &beta_view.to_string())
            .replace("{rule}", &beta_rule.to_string())
            .replace("{canned}", &beta_canned.to_string())
            .replace("{article_slug}", "beta-interne")
            .replace("{article}", &beta_article.to_string())
    };

    // 1. Alpha's administrator, on alpha's host, aiming at beta's records by id.
    let mut alpha = app.client("alpha.test");
    alpha.login_staff("admin@alpha.test").await;
    for (method, template) in PAGE_ROUTES.iter().filter(|(_, p)| p.contains('{')) {
        let path = ids(template);
        let r = if *method == "GET" {
            alpha.get(&path).await
        } else {
            let fields = fields_for(&path, &beta_agent.id.to_string());
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            alpha.post_form(&path, &pairs).await
        };
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            r.status
        );
    }
    // A team of alpha cannot take beta's agent as a member.
    let alpha_team = relais_store::teams::create(
        &app.db,
        &relais_store::Actor::system(app.tenant("alpha"), "test"),
        "Alpha team",
    )
    .await
    .unwrap();
    let r = alpha
        .post_form(
            &format!("/admin/teams/{}", alpha_team.id),
            &[
                ("name", "Alpha team"),
                ("member", &beta_agent.id.to_string()),
            ],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(
        relais_store::teams::members(&app.db, app.tenant("alpha"), alpha_team.id)
            .await
            .unwrap()
            .is_empty()
    );

    // 2. Alpha's session cookie presented on beta's host: nobody is signed in there.
    let mut cross = app.client("beta.test");
    cross.cookies = alpha.cookies.clone();
    for (method, template) in PAGE_ROUTES {
        let path = ids(template);
        let r = if *method == "GET" {
            cross.get(&path).await
        } else {
            let fields = fields_for(&path, &beta_agent.id.to_string());
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            cross.post_form(&path, &pairs).await
        };
        let refused = r.status == StatusCode::SEE_OTHER
            && r.location()
                .is_some_and(|l| l.contains("login") || l == "/?notice=signed-out");
        assert!(
            refused || r.status.is_client_error(),
            "{method} {path} on beta with alpha's session: {} {:?}",
            r.status,
            r.location()
        );
    }

    // 3. Alpha's API token on beta's host: every documented operation answers 401.
    let token = api_token(&app, "alpha", "admin@alpha.test").await;
    let doc = app
        .client("alpha.test")
        .get("/api/openapi.json")
        .await
        .json();
    let mut api = app.client("beta.test").with_bearer(&token);
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            let concrete = path.replace("{id}", &beta_agent.id.to_string());
            let m: axum::http::Method = method.to_uppercase().parse().unwrap();
            let r = api.send_json(m, &concrete, &serde_json::json!({})).await;
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with alpha's token on beta"
            );
            operations += 1;
        }
    }
    assert!(
        operations >= 15,
        "the document lists the API ({operations} operations)"
    );

    assert_eq!(
        tenant_rows(&app, beta).await,
        before,
        "beta's data did not change"
    );
}

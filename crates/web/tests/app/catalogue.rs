//! The service catalogue's administration and API: creating, publishing and versioning
//! services, import and export of definitions (bad ones change nothing), the no-code builder,
//! permissions and tenants.

use crate::common::{TestApp, TestClient, TestResponse, api_token};
use axum::http::{Method, StatusCode, header};
use relais_domain::service::definition::ServiceDefinition;
use relais_store::services;
use serde_json::{Value, json};
use uuid::Uuid;

async fn admin(app: &TestApp, slug: &str) -> TestClient {
    let mut c = app.client(&format!("{slug}.test"));
    c.login_staff(&format!("admin@{slug}.test")).await;
    c
}

const META: [(&str, &str); 9] = [
    ("title_fr", "Acte de naissance"),
    ("title_en", "Birth certificate"),
    ("description_fr", "Demander une copie intégrale"),
    ("description_en", "Ask for a full copy"),
    ("category", "état civil"),
    ("audience", "particuliers"),
    ("channel", "portal"),
    ("channel", "counter"),
    ("who_may_file", "signed_in"),
];

/// Creates a service through the form; returns its id.
async fn create(c: &mut TestClient, slug: &str) -> Uuid {
    let mut fields = META.to_vec();
    fields.push(("slug", slug));
    let r = c.post_form("/admin/services", &fields).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let location = r.location().unwrap().to_owned();
    let id = location
        .strip_prefix("/admin/services/")
        .and_then(|rest| rest.split('?').next())
        .unwrap();
    Uuid::parse_str(id).unwrap()
}

async fn draft(app: &TestApp, slug: &str, id: Uuid) -> Option<Value> {
    services::draft(&app.db, app.tenant(slug), id)
        .await
        .unwrap()
        .map(|v| v.definition.0)
}

async fn versions(app: &TestApp, slug: &str, id: Uuid) -> Vec<(i32, String)> {
    services::versions(&app.db, app.tenant(slug), id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.version, v.state))
        .collect()
}

/// Posts `multipart/form-data` with the CSRF token in the query string, as the import form
/// does. `parts`: (name, file name if a file, content).
async fn post_multipart(
    c: &mut TestClient,
    path: &str,
    parts: &[(&str, Option<&str>, &str)],
) -> TestResponse {
    let token = c.csrf().await;
    let boundary = "----relais-test-boundary";
    let mut body = String::new();
    for (name, file, content) in parts {
        body.push_str(&format!("--{boundary}\r\n"));
        match file {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/json\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(content);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    c.request(
        Method::POST,
        &format!("{path}?csrf_token={token}"),
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body.into_bytes(),
        &[],
    )
    .await
}

fn starter() -> Value {
    serde_json::to_value(relais_web::catalogue::starter_definition()).unwrap()
}

#[tokio::test]
async fn the_starter_definition_is_valid() {
    let def = relais_web::catalogue::starter_definition();
    assert_eq!(def.validate(), Ok(()));
    assert_eq!(def.form.pages.len(), 1);
}

#[tokio::test]
async fn create_publish_edit_and_publish_again() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    c.get("/admin/services")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("/admin/services/new");
    c.get("/admin/services/new")
        .await
        .assert_status(StatusCode::OK);
    let id = create(&mut c, "acte-naissance").await;
    let s = services::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.state, "draft");
    assert_eq!(s.channels.0, vec!["portal", "counter"]);
    assert_eq!(s.who_may_file, "signed_in");
    assert_eq!(s.title_en, "Birth certificate");
    assert_eq!(draft(&app, "alpha", id).await.unwrap(), starter());

    // The list shows it in the visitor's language, as a draft.
    c.get("/admin/services")
        .await
        .assert_contains("Acte de naissance")
        .assert_contains("brouillon");
    c.get(&format!("/admin/services/{id}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Publier la version 1");

    // Publish version 1 at once: the starter definition is valid.
    let r = c
        .post_form(&format!("/admin/services/{id}/publish"), &[])
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        versions(&app, "alpha", id).await,
        vec![(1, "published".into())]
    );

    // Editing makes version 2 a draft; version 1 stays published.
    let mut edited = starter();
    edited["form"]["pages"][0]["title"]["fr"] = json!("Votre demande d'acte");
    let r = c
        .post_form(
            &format!("/admin/services/{id}/import"),
            &[("definition", &edited.to_string())],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        versions(&app, "alpha", id).await,
        vec![(2, "draft".into()), (1, "published".into())]
    );
    assert_eq!(draft(&app, "alpha", id).await.unwrap(), edited);
    let s = services::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.published_version, Some(1));

    // Publish again: 2 is published, 1 superseded.
    c.post_form(&format!("/admin/services/{id}/publish"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        versions(&app, "alpha", id).await,
        vec![(2, "published".into()), (1, "superseded".into())]
    );
    // Nothing left to publish.
    let r = c
        .post_form(&format!("/admin/services/{id}/publish"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The descriptive fields.
    let mut fields = META.to_vec();
    fields.retain(|(k, _)| *k != "title_fr");
    fields.push(("title_fr", "Copie d'acte de naissance"));
    fields.push(("slug", "copie-acte"));
    c.post_form(&format!("/admin/services/{id}"), &fields)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let s = services::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.slug, "copie-acte");
    assert_eq!(s.title_fr, "Copie d'acte de naissance");

    // Archive.
    c.post_form(&format!("/admin/services/{id}/archive"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let s = services::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.state, "archived");
}

#[tokio::test]
async fn invalid_descriptive_fields_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "taken").await;
    create(&mut c, "other").await;
    for (name, bad) in [
        ("slug", "Not A Slug"),
        ("slug", "taken"),
        ("title_fr", ""),
        ("category", ""),
        ("channel", "pigeon"),
        ("who_may_file", "everybody"),
    ] {
        let mut fields: Vec<(&str, &str)> =
            META.iter().copied().filter(|(k, _)| *k != name).collect();
        if name != "slug" {
            fields.push(("slug", "new-one"));
        }
        fields.push((name, bad));
        let before = app.count("services").await;
        let r = c.post_form("/admin/services", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}={bad}");
        assert_eq!(app.count("services").await, before);
        // The same on the existing service ("taken" is its own slug: another's is refused).
        let mut f = fields.clone();
        if name == "slug" && bad == "taken" {
            f.retain(|(k, _)| *k != "slug");
            f.push(("slug", "other"));
        } else if name != "slug" {
            f.retain(|(k, _)| *k != "slug");
            f.push(("slug", "taken"));
        }
        let r = c.post_form(&format!("/admin/services/{id}"), &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}={bad}");
        let s = services::get(&app.db, app.tenant("alpha"), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.slug, "taken");
        assert_eq!(s.title_fr, "Acte de naissance");
    }
}

/// Bad definitions of the issue, each with the path its error must name.
fn bad_definitions() -> Vec<(&'static str, Value, &'static str)> {
    let mut cycle = starter();
    cycle["form"]["pages"][0]["fields"][0]["show_if"] =
        json!({"field": "subject", "is_answered": true});
    let mut unknown_status = starter();
    unknown_status["workflow"]["transitions"][0]["to"] = json!("nowhere");
    let mut no_closed = starter();
    no_closed["workflow"]["statuses"] = json!([
        {"id": "open", "label": {"fr": "En cours"}, "kind": "open"}
    ]);
    no_closed["workflow"]["transitions"] = json!([]);
    let mut unreachable = starter();
    unreachable["workflow"]["statuses"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "limbo", "label": {"fr": "Limbes"}, "kind": "waiting_third_party"}));
    unreachable["workflow"]["transitions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "out", "from": ["limbo"], "to": "accepted", "label": {"fr": "Sortir"}}));
    let mut later_page = starter();
    later_page["form"]["pages"].as_array_mut().unwrap().push(
        json!({"id": "more", "title": {"fr": "Suite"}, "fields": [
            {"id": "children_count", "label": {"fr": "Enfants"}, "kind": "number"}
        ]}),
    );
    later_page["form"]["pages"][0]["fields"][0]["show_if"] =
        json!({"field": "children_count", "greater_than": 2});
    let mut zero_sla = starter();
    zero_sla["sla"]["targets"][0]["resolution"] = json!({"days": 0});
    vec![
        (
            "cycle of conditions",
            cycle,
            "form.pages[0].fields[0].show_if",
        ),
        (
            "transition to an unknown status",
            unknown_status,
            "workflow.transitions[0].to",
        ),
        ("no closed status", no_closed, "workflow.statuses"),
        ("unreachable status", unreachable, "workflow.statuses[4]"),
        (
            "condition on a later page",
            later_page,
            "form.pages[0].fields[0].show_if",
        ),
        ("SLA target of zero", zero_sla, "sla.targets[0].resolution"),
        ("not JSON", json!("{\"form\": "), "form"),
    ]
}

#[tokio::test]
async fn invalid_imports_are_refused_with_their_paths_and_change_nothing() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "signalement").await;
    for (what, bad, path) in bad_definitions() {
        let text = match &bad {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let expected = ServiceDefinition::from_json(&text).expect_err(what);
        assert!(
            expected.iter().any(|e| e.path == path),
            "{what}: the domain reports {expected:#?}"
        );
        let before = draft(&app, "alpha", id).await;
        let audit = app.count("audit_log").await;
        // As pasted text and as an uploaded file.
        let r = c
            .post_form(
                &format!("/admin/services/{id}/import"),
                &[("definition", &text)],
            )
            .await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        for e in &expected {
            r.assert_contains(&format!("<code>{}</code>", e.path));
        }
        let r = post_multipart(
            &mut c,
            &format!("/admin/services/{id}/import"),
            &[("file", Some("bad.json"), &text), ("definition", None, "")],
        )
        .await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_contains(&format!("<code>{path}</code>"));
        assert_eq!(draft(&app, "alpha", id).await, before, "{what}");
        assert_eq!(app.count("audit_log").await, audit, "{what}");
    }

    // A bad draft (written straight to the store) cannot be published: every error is
    // listed and nothing changes.
    let (_, bad, path) = bad_definitions().remove(1);
    services::save_draft(
        &app.db,
        &relais_store::Actor::system(app.tenant("alpha"), "test"),
        id,
        &bad,
    )
    .await
    .unwrap();
    let r = c
        .post_form(&format!("/admin/services/{id}/publish"), &[])
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains(&format!("<code>{path}</code>"));
    assert_eq!(versions(&app, "alpha", id).await, vec![(1, "draft".into())]);
    let s = services::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.state, "draft");
    assert_eq!(s.published_version, None);
    // Empty imports too.
    let r = c
        .post_form(
            &format!("/admin/services/{id}/import"),
            &[("definition", " ")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn export_then_import_round_trips() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "cantine").await;
    let r = c
        .get(&format!("/admin/services/{id}/definition.json"))
        .await;
    r.assert_status(StatusCode::OK);
    let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(disposition.contains("cantine-v1.json"), "{disposition}");
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let exported = r.body.clone();
    assert_eq!(r.json(), starter());
    c.post_form(&format!("/admin/services/{id}/publish"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);

    // Change it, import it as a file: version 2, equal to what was imported.
    let mut changed: Value = serde_json::from_str(&exported).unwrap();
    changed["documents"] = json!([{"id": "id_card", "kind": "identity",
        "label": {"fr": "Pièce d'identité", "en": "Identity document"},
        "required": true, "reuse_from_safe": true}]);
    let text = serde_json::to_string_pretty(&changed).unwrap();
    let r = post_multipart(
        &mut c,
        &format!("/admin/services/{id}/import"),
        &[("file", Some("def.json"), &text), ("definition", None, "")],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(draft(&app, "alpha", id).await.unwrap(), changed);
    let r = c
        .get(&format!("/admin/services/{id}/definition.json"))
        .await;
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("cantine-v2.json")
    );
    assert_eq!(r.json(), changed);
    // Exporting and importing again changes nothing.
    let again = r.body.clone();
    c.post_form(
        &format!("/admin/services/{id}/import"),
        &[("definition", &again)],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(draft(&app, "alpha", id).await.unwrap(), changed);
    // An earlier version by number; an unknown one is 404.
    let r = c
        .get(&format!("/admin/services/{id}/definition.json?version=1"))
        .await;
    assert_eq!(r.json(), starter());
    c.get(&format!("/admin/services/{id}/definition.json?version=9"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

/// Creates and publishes a service straight in the store (the starter definition); returns
/// its id.
pub async fn published_service(app: &TestApp, tenant: &str, slug: &str) -> Uuid {
    let actor = relais_store::Actor::system(app.tenant(tenant), "test");
    let meta = services::Meta {
        slug: slug.into(),
        category: "voirie".into(),
        audience: "particuliers".into(),
        channels: vec!["portal".into()],
        who_may_file: "anyone".into(),
        title_fr: format!("Démarche {slug}"),
        title_en: format!("Service {slug}"),
        description_fr: String::new(),
        description_en: String::new(),
    };
    let s = services::create(&app.db, &actor, &meta, &starter())
        .await
        .unwrap();
    services::publish(&app.db, &actor, s.id).await.unwrap();
    s.id
}

/// Every page route of the catalogue's administration; `{id}` stands for a service id,
/// `{p}`, `{f}`, `{d}`, `{s}`, `{t}` for positions (0).
pub const CATALOGUE_ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin/services"),
    ("POST", "/admin/services"),
    ("GET", "/admin/services/new"),
    ("GET", "/admin/services/{id}"),
    ("POST", "/admin/services/{id}"),
    ("POST", "/admin/services/{id}/publish"),
    ("POST", "/admin/services/{id}/archive"),
    ("GET", "/admin/services/{id}/definition.json"),
    ("POST", "/admin/services/{id}/import"),
    ("GET", "/admin/services/{id}/form"),
    ("POST", "/admin/services/{id}/form/pages"),
    ("POST", "/admin/services/{id}/form/pages/{p}"),
    ("POST", "/admin/services/{id}/form/pages/{p}/move"),
    ("POST", "/admin/services/{id}/form/pages/{p}/delete"),
    ("POST", "/admin/services/{id}/form/pages/{p}/fields"),
    ("GET", "/admin/services/{id}/form/pages/{p}/fields/{f}"),
    ("POST", "/admin/services/{id}/form/pages/{p}/fields/{f}"),
    (
        "POST",
        "/admin/services/{id}/form/pages/{p}/fields/{f}/move",
    ),
    (
        "POST",
        "/admin/services/{id}/form/pages/{p}/fields/{f}/delete",
    ),
    ("GET", "/admin/services/{id}/documents"),
    ("POST", "/admin/services/{id}/documents"),
    ("POST", "/admin/services/{id}/documents/{d}/delete"),
    ("GET", "/admin/services/{id}/workflow"),
    ("POST", "/admin/services/{id}/workflow/initial"),
    ("POST", "/admin/services/{id}/workflow/statuses"),
    ("POST", "/admin/services/{id}/workflow/statuses/{s}/delete"),
    ("POST", "/admin/services/{id}/workflow/transitions"),
    (
        "POST",
        "/admin/services/{id}/workflow/transitions/{t}/delete",
    ),
    ("GET", "/admin/services/{id}/sla"),
    ("POST", "/admin/services/{id}/sla"),
];

fn concrete(template: &str, id: Uuid) -> String {
    template
        .replace("{id}", &id.to_string())
        .replace("{p}", "0")
        .replace("{f}", "0")
        .replace("{d}", "0")
        .replace("{s}", "0")
        .replace("{t}", "0")
}

/// Plausible fields for each form, so that a refusal is about who asks, not the input.
fn plausible(path: &str) -> Vec<(&'static str, String)> {
    let mut f: Vec<(&'static str, String)> =
        META.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    f.push(("slug", "hijack".into()));
    if path.ends_with("/import") {
        f = vec![("definition", starter().to_string())];
    }
    f.extend(
        [
            ("id", "x_field"),
            ("kind", "short_text"),
            ("label_fr", "X"),
            ("title_fr", "X"),
            ("direction", "up"),
            ("to", "accepted"),
            ("from", "open"),
        ]
        .map(|(k, v)| (k, v.to_owned())),
    );
    f
}

#[tokio::test]
async fn only_administrators_reach_the_catalogue() {
    let app = TestApp::new().await;
    let id = published_service(&app, "alpha", "guarded").await;
    let before = services::versions(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .len();
    let audit = app.count("audit_log").await;
    for role in ["supervisor", "agent", "viewer"] {
        let mut c = app.client("alpha.test");
        c.login_staff(&format!("{role}@alpha.test")).await;
        let audit = app.count("audit_log").await;
        for (method, template) in CATALOGUE_ROUTES {
            let path = concrete(template, id);
            let r = if *method == "GET" {
                c.get(&path).await
            } else {
                let fields = plausible(&path);
                let pairs: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                c.post_form(&path, &pairs).await
            };
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {method} {path}");
        }
        // The admin menu has no catalogue link for them.
        let r = c.get("/admin/teams").await;
        assert!(!r.body.contains("href=\"/admin/services\""), "{role}");
        assert_eq!(
            app.count("audit_log").await,
            audit,
            "{role} changed nothing"
        );
    }
    let _ = audit;
    assert_eq!(
        services::versions(&app.db, app.tenant("alpha"), id)
            .await
            .unwrap()
            .len(),
        before
    );
    // Signed out: to the sign-in page.
    let mut anonymous = app.client("alpha.test");
    let r = anonymous.get("/admin/services").await;
    assert!(r.status == StatusCode::SEE_OTHER || r.status == StatusCode::UNAUTHORIZED);
    // The administrator sees the link.
    let mut c = admin(&app, "alpha").await;
    c.get("/admin/teams")
        .await
        .assert_contains("href=\"/admin/services\"");
}

#[tokio::test]
async fn another_tenants_services_are_404() {
    let app = TestApp::new().await;
    let beta_id = published_service(&app, "beta", "beta-only").await;
    let before = services::versions(&app.db, app.tenant("beta"), beta_id)
        .await
        .unwrap();
    let mut c = admin(&app, "alpha").await;
    for (method, template) in CATALOGUE_ROUTES.iter().filter(|(_, p)| p.contains("{id}")) {
        let path = concrete(template, beta_id);
        let r = if *method == "GET" {
            c.get(&path).await
        } else {
            let fields = plausible(&path);
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if path.ends_with("/import") {
                post_multipart(
                    &mut c,
                    &path,
                    &[("definition", None, &starter().to_string())],
                )
                .await
            } else {
                c.post_form(&path, &pairs).await
            }
        };
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let after = services::versions(&app.db, app.tenant("beta"), beta_id)
        .await
        .unwrap();
    assert_eq!(
        before
            .iter()
            .map(|v| (&v.version, &v.state, &v.definition.0))
            .collect::<Vec<_>>(),
        after
            .iter()
            .map(|v| (&v.version, &v.state, &v.definition.0))
            .collect::<Vec<_>>()
    );
    let s = services::get(&app.db, app.tenant("beta"), beta_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.slug, "beta-only");
    // Not in alpha's list either.
    assert!(!c.get("/admin/services").await.body.contains("beta-only"));
}

#[tokio::test]
async fn the_api_lists_published_services_of_the_tenant_only() {
    let app = TestApp::new().await;
    let published = published_service(&app, "alpha", "published-one").await;
    published_service(&app, "beta", "beta-service").await;
    let mut c = admin(&app, "alpha").await;
    let draft_only = create(&mut c, "draft-only").await;
    let _ = draft_only;
    // A new draft of the published service (version 2) stays private.
    let mut v2 = starter();
    v2["form"]["pages"][0]["title"]["fr"] = json!("Version deux");
    c.post_form(
        &format!("/admin/services/{published}/import"),
        &[("definition", &v2.to_string())],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);

    let token = api_token(&app, "alpha", "agent@alpha.test").await;
    let mut api = app.client("alpha.test").with_bearer(&token);
    let r = api.get("/api/v1/services").await;
    r.assert_status(StatusCode::OK);
    let list = r.json();
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, vec!["published-one"]);
    assert_eq!(list[0]["title"]["en"], "Service published-one");
    assert_eq!(list[0]["published_version"], 1);
    assert_eq!(list[0]["channels"], json!(["portal"]));
    assert_eq!(list[0]["who_may_file"], "anyone");

    let r = api.get("/api/v1/services/published-one").await;
    r.assert_status(StatusCode::OK);
    let body = r.json();
    assert_eq!(body["version"], 1);
    assert_eq!(body["state"], "published");
    assert_eq!(body["definition"], starter());
    // The draft (version 2) and the draft-only service are not for agents.
    api.get("/api/v1/services/published-one?version=2")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    api.get("/api/v1/services/draft-only")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    api.get("/api/v1/services/beta-service")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    api.get("/api/v1/services/published-one?version=x")
        .await
        .assert_status(StatusCode::BAD_REQUEST);

    // After publishing version 2, version 1 is still readable by number.
    c.post_form(&format!("/admin/services/{published}/publish"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let r = api.get("/api/v1/services/published-one").await;
    assert_eq!(r.json()["version"], 2);
    assert_eq!(r.json()["definition"], v2);
    let r = api.get("/api/v1/services/published-one?version=1").await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["state"], "superseded");

    // A catalogue manager may read drafts.
    let admin_token = api_token(&app, "alpha", "admin@alpha.test").await;
    let mut manager = app.client("alpha.test").with_bearer(&admin_token);
    let r = manager.get("/api/v1/services/draft-only").await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["state"], "draft");
    // Still only published services in the list.
    let r = manager.get("/api/v1/services").await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);

    // Beta's token on beta sees beta's service only.
    let beta_token = api_token(&app, "beta", "viewer@beta.test").await;
    let mut beta = app.client("beta.test").with_bearer(&beta_token);
    let r = beta.get("/api/v1/services").await;
    let list = r.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["slug"], "beta-service");
    // Alpha's token on beta's host is refused.
    let mut cross = app.client("beta.test").with_bearer(&token);
    cross
        .get("/api/v1/services")
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
}

fn page_ids(def: &Value) -> Vec<&str> {
    def["form"]["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect()
}

fn field_ids(def: &Value, page: usize) -> Vec<&str> {
    def["form"]["pages"][page]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_form_builder_edits_pages_fields_and_conditions() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "voirie").await;
    let base = format!("/admin/services/{id}/form");
    c.get(&base)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("subject")
        .assert_contains("Vous modifiez le brouillon, version 1.");

    // A new page: saved even though incomplete, and the checklist says what is missing.
    c.post_form(
        &format!("{base}/pages"),
        &[
            ("id", "details"),
            ("title_fr", "Détails"),
            ("title_en", "Details"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(page_ids(&d), vec!["request", "details"]);
    assert_eq!(
        d["form"]["pages"][1]["title"],
        json!({"fr": "Détails", "en": "Details"})
    );
    c.get(&base)
        .await
        .assert_contains("<code>form.pages[1].fields</code>");

    // Fields of several kinds on page 2.
    let r = c
        .post_form(
            &format!("{base}/pages/1/fields"),
            &[
                ("kind", "yes_no"),
                ("id", "urgent"),
                ("label_fr", "Urgent ?"),
                ("label_en", "Urgent?"),
                ("required", "1"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        r.location().unwrap(),
        format!("{base}/pages/1/fields/0?notice=catalogue-draft-saved")
    );
    c.post_form(
        &format!("{base}/pages/1/fields"),
        &[
            ("kind", "single_choice"),
            ("id", "problem"),
            ("label_fr", "Problème"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.get(&base)
        .await
        .assert_contains("<code>form.pages[1].fields[1].options</code>");
    // Settings of the choice: options one per line.
    c.post_form(
        &format!("{base}/pages/1/fields/1"),
        &[
            ("id", "problem"),
            ("label_fr", "Problème"),
            ("label_en", "Problem"),
            ("help_fr", "Choisissez"),
            (
                "options",
                "pothole | Nid-de-poule | Pothole\nlight | Éclairage",
            ),
            ("cond_field", ""),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["form"]["pages"][1]["fields"][1],
        json!({"id": "problem", "label": {"fr": "Problème", "en": "Problem"},
               "help": {"fr": "Choisissez"}, "kind": "single_choice",
               "options": [
                   {"value": "pothole", "label": {"fr": "Nid-de-poule", "en": "Pothole"}},
                   {"value": "light", "label": {"fr": "Éclairage"}}]})
    );
    // A text field shown only when urgent is yes, with a maximum length.
    c.post_form(
        &format!("{base}/pages/1/fields"),
        &[
            ("kind", "short_text"),
            ("id", "why_urgent"),
            ("label_fr", "Pourquoi ?"),
        ],
    )
    .await;
    c.get(&format!("{base}/pages/1/fields/2"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("value=\"urgent\"")
        .assert_contains("value=\"subject\"");
    c.post_form(
        &format!("{base}/pages/1/fields/2"),
        &[
            ("id", "why_urgent"),
            ("label_fr", "Pourquoi ?"),
            ("required", "1"),
            ("max_length", "300"),
            ("cond_field", "urgent"),
            ("cond_op", "equals"),
            ("cond_value", "oui"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["form"]["pages"][1]["fields"][2],
        json!({"id": "why_urgent", "label": {"fr": "Pourquoi ?"}, "required": true,
               "show_if": {"field": "urgent", "equals": true},
               "kind": "short_text", "max_length": 300})
    );
    // Number bounds and date bounds.
    c.post_form(
        &format!("{base}/pages/1/fields"),
        &[("kind", "number"), ("id", "count"), ("label_fr", "Nombre")],
    )
    .await;
    c.post_form(
        &format!("{base}/pages/1/fields/3"),
        &[
            ("id", "count"),
            ("label_fr", "Nombre"),
            ("min", "1"),
            ("max", "10,5"),
            ("integer", "1"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(
        &format!("{base}/pages/1/fields"),
        &[
            ("kind", "date"),
            ("id", "seen_on"),
            ("label_fr", "Constaté le"),
        ],
    )
    .await;
    c.post_form(
        &format!("{base}/pages/1/fields/4"),
        &[
            ("id", "seen_on"),
            ("label_fr", "Constaté le"),
            ("min", "-365"),
            ("max", "+0"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    let count = &d["form"]["pages"][1]["fields"][3];
    assert_eq!(
        (
            count["min"].clone(),
            count["max"].clone(),
            count["integer"].clone()
        ),
        (json!(1), json!(10.5), json!(true))
    );
    let seen = &d["form"]["pages"][1]["fields"][4];
    assert_eq!(seen["min"], json!({"days_from_today": -365}));
    assert_eq!(seen["max"], json!({"days_from_today": 0}));
    assert_eq!(relais_web::catalogue::check(&d).map(|_| ()), Ok(()));

    // Input that cannot be stored: 422, nothing changes.
    let before = draft(&app, "alpha", id).await;
    for (path, fields) in [
        (
            format!("{base}/pages/1/fields/2"),
            vec![
                ("id", "why_urgent"),
                ("label_fr", "X"),
                ("max_length", "long"),
            ],
        ),
        (
            format!("{base}/pages/1/fields/3"),
            vec![("id", "count"), ("label_fr", "X"), ("min", "one")],
        ),
        (
            format!("{base}/pages/1/fields/4"),
            vec![("id", "seen_on"), ("label_fr", "X"), ("min", "yesterday")],
        ),
        (
            format!("{base}/pages/1/fields/1"),
            vec![
                ("id", "problem"),
                ("label_fr", "X"),
                ("options", "no separator"),
            ],
        ),
        (
            format!("{base}/pages/1/fields/2"),
            vec![
                ("id", "why_urgent"),
                ("label_fr", "X"),
                ("cond_field", "count"),
            ],
        ),
        (
            format!("{base}/pages/1/fields/2"),
            vec![
                ("id", "why_urgent"),
                ("label_fr", "X"),
                ("cond_field", "urgent"),
                ("cond_op", "equals"),
                ("cond_value", "maybe"),
            ],
        ),
        (
            format!("{base}/pages/1/fields"),
            vec![("id", "x"), ("label_fr", "X"), ("kind", "dropdown")],
        ),
    ] {
        let r = c.post_form(&path, &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {fields:?}"
        );
        assert_eq!(draft(&app, "alpha", id).await, before, "{path} {fields:?}");
    }
    // Unknown positions are 404.
    c.get(&format!("{base}/pages/7/fields/0"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    c.post_form(&format!("{base}/pages/1/fields/9/delete"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Moving: the field down, the page up (the condition now points at a later page: the
    // checklist says so with its path).
    c.post_form(
        &format!("{base}/pages/1/fields/0/move"),
        &[("direction", "down")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        field_ids(&d, 1),
        vec!["problem", "urgent", "why_urgent", "count", "seen_on"]
    );
    c.post_form(&format!("{base}/pages/1/move"), &[("direction", "up")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(page_ids(&d), vec!["details", "request"]);
    // Rename a page.
    c.post_form(
        &format!("{base}/pages/1"),
        &[("id", "request"), ("title_fr", "Demande"), ("title_en", "")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(d["form"]["pages"][1]["title"], json!({"fr": "Demande"}));
    // Delete a field then a page.
    c.post_form(&format!("{base}/pages/0/fields/4/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        field_ids(&d, 0),
        vec!["problem", "urgent", "why_urgent", "count"]
    );
    c.post_form(&format!("{base}/pages/1/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(page_ids(&d), vec!["details"]);
    assert_eq!(relais_web::catalogue::check(&d).map(|_| ()), Ok(()));
}

#[tokio::test]
async fn building_on_a_published_service_opens_a_new_version() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = published_service(&app, "alpha", "published").await;
    c.get(&format!("/admin/services/{id}/form"))
        .await
        .assert_contains("La version 1 est publiée");
    c.post_form(
        &format!("/admin/services/{id}/form/pages/0/fields"),
        &[("kind", "email"), ("id", "email"), ("label_fr", "Courriel")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        versions(&app, "alpha", id).await,
        vec![(2, "draft".into()), (1, "published".into())]
    );
    let v1 = services::version(&app.db, app.tenant("alpha"), id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v1.definition.0, starter());
    assert_eq!(
        field_ids(&draft(&app, "alpha", id).await.unwrap(), 0),
        vec!["subject", "email"]
    );
    c.get(&format!("/admin/services/{id}/form"))
        .await
        .assert_contains("version 2");
}

#[tokio::test]
async fn the_rules_builder_edits_documents_workflow_and_service_levels() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "parking").await;
    let base = format!("/admin/services/{id}");

    // Documents.
    c.get(&format!("{base}/documents"))
        .await
        .assert_status(StatusCode::OK);
    c.post_form(
        &format!("{base}/documents"),
        &[
            ("id", "proof"),
            ("kind", "proof_of_address"),
            ("label_fr", "Justificatif de domicile"),
            ("label_en", "Proof of address"),
            ("help_fr", "Facture de moins de trois mois"),
            ("help_en", "A bill less than three months old"),
            ("required", "1"),
            ("reuse_from_safe", "1"),
            ("max_age_days", "90"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(
        &format!("{base}/documents"),
        &[
            ("id", "card"),
            ("kind", "vehicle_registration"),
            ("label_fr", "Carte grise"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    // The help shows in the list of documents.
    c.get(&format!("{base}/documents"))
        .await
        .assert_contains("Facture de moins de trois mois");
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["documents"],
        json!([
            {"id": "proof", "kind": "proof_of_address",
             "label": {"fr": "Justificatif de domicile", "en": "Proof of address"},
             "help": {"fr": "Facture de moins de trois mois", "en": "A bill less than three months old"},
             "required": true, "reuse_from_safe": true, "max_age_days": 90},
            {"id": "card", "kind": "vehicle_registration", "label": {"fr": "Carte grise"},
             "required": false, "reuse_from_safe": false}
        ])
    );
    let before = draft(&app, "alpha", id).await;
    for fields in [
        vec![("id", "x"), ("kind", "passport"), ("label_fr", "X")],
        vec![
            ("id", "x"),
            ("kind", "identity"),
            ("label_fr", "X"),
            ("max_age_days", "soon"),
        ],
    ] {
        let r = c.post_form(&format!("{base}/documents"), &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert_eq!(draft(&app, "alpha", id).await, before);
    }
    // A duplicate id is saved but listed with its path.
    c.post_form(
        &format!("{base}/documents"),
        &[("id", "card"), ("kind", "other"), ("label_fr", "Autre")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.get(&format!("{base}/documents"))
        .await
        .assert_contains("<code>documents[2].id</code>");
    c.post_form(&format!("{base}/documents/2/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(draft(&app, "alpha", id).await, before);

    // Workflow: a waiting status reached by a transition, left by the requester.
    c.get(&format!("{base}/workflow"))
        .await
        .assert_status(StatusCode::OK);
    c.post_form(
        &format!("{base}/workflow/statuses"),
        &[
            ("status_id", "incomplete"),
            ("status_label_fr", "Incomplète"),
            ("status_label_en", "Incomplete"),
            ("status_kind", "waiting_requester"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    // Not reachable yet: the checklist names it.
    c.get(&format!("{base}/workflow"))
        .await
        .assert_contains("<code>workflow.statuses[4]</code>");
    c.post_form(
        &format!("{base}/workflow/transitions"),
        &[
            ("transition_id", "ask"),
            ("from", "open"),
            ("to", "incomplete"),
            ("transition_label_fr", "Demander un complément"),
            ("role", "supervisor"),
            ("role", "agent"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(
        &format!("{base}/workflow/transitions"),
        &[
            ("transition_id", "complete"),
            ("from", "incomplete"),
            ("to", "open"),
            ("transition_label_fr", "Compléter"),
            ("by_requester", "1"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["workflow"]["statuses"][4],
        json!({"id": "incomplete", "label": {"fr": "Incomplète", "en": "Incomplete"},
               "kind": "waiting_requester"})
    );
    assert_eq!(
        d["workflow"]["transitions"][3],
        json!({"id": "ask", "from": ["open"], "to": "incomplete",
               "label": {"fr": "Demander un complément"}, "roles": ["supervisor", "agent"]})
    );
    assert_eq!(d["workflow"]["transitions"][4]["by_requester"], json!(true));
    assert_eq!(relais_web::catalogue::check(&d).map(|_| ()), Ok(()));
    // Unknown statuses, kinds and roles are refused.
    let before = draft(&app, "alpha", id).await;
    for fields in [
        vec![
            ("transition_id", "x"),
            ("from", "open"),
            ("to", "nowhere"),
            ("transition_label_fr", "X"),
        ],
        vec![
            ("transition_id", "x"),
            ("from", "limbo"),
            ("to", "open"),
            ("transition_label_fr", "X"),
        ],
        vec![
            ("transition_id", "x"),
            ("from", "open"),
            ("to", "open"),
            ("transition_label_fr", "X"),
            ("role", "viewer"),
        ],
    ] {
        let r = c
            .post_form(&format!("{base}/workflow/transitions"), &fields)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
    }
    let r = c
        .post_form(
            &format!("{base}/workflow/statuses"),
            &[
                ("status_id", "x"),
                ("status_label_fr", "X"),
                ("status_kind", "limbo"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post_form(
            &format!("{base}/workflow/initial"),
            &[("initial", "nowhere")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(draft(&app, "alpha", id).await, before);
    c.post_form(
        &format!("{base}/workflow/initial"),
        &[("initial", "incomplete")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        draft(&app, "alpha", id).await.unwrap()["workflow"]["initial"],
        "incomplete"
    );
    c.post_form(&format!("{base}/workflow/initial"), &[("initial", "open")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    // Without the way there, "incomplete" cannot be reached: listed, and publishing is
    // refused with the path.
    c.post_form(&format!("{base}/workflow/transitions/3/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c.get(&format!("{base}/workflow"))
        .await
        .assert_contains("<code>workflow.statuses[4]</code>");
    let r = c.post_form(&format!("{base}/publish"), &[]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("<code>workflow.statuses[4]</code>");
    assert_eq!(versions(&app, "alpha", id).await, vec![(1, "draft".into())]);
    c.post_form(&format!("{base}/workflow/statuses/4/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c.post_form(&format!("{base}/workflow/transitions/3/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        draft(&app, "alpha", id).await.unwrap()["workflow"],
        starter()["workflow"]
    );

    // Service levels.
    c.get(&format!("{base}/sla"))
        .await
        .assert_status(StatusCode::OK);
    c.post_form(
        &format!("{base}/sla"),
        &[
            ("warn_at_percent", "75"),
            ("normal_first_amount", "8"),
            ("normal_first_unit", "hours"),
            ("normal_resolution_amount", "5"),
            ("normal_resolution_unit", "days"),
            ("urgent_first_amount", "30"),
            ("urgent_first_unit", "minutes"),
            ("urgent_resolution_amount", ""),
            ("urgent_resolution_unit", "days"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["sla"],
        json!({"targets": [
            {"priority": "normal", "first_response": {"hours": 8}, "resolution": {"days": 5}},
            {"priority": "urgent", "first_response": {"minutes": 30}}
        ], "warn_at_percent": 75})
    );
    assert_eq!(relais_web::catalogue::check(&d).map(|_| ()), Ok(()));
    // Zero is saved (a draft may be incomplete) and listed; publishing is refused.
    c.post_form(
        &format!("{base}/sla"),
        &[
            ("warn_at_percent", "80"),
            ("high_resolution_amount", "0"),
            ("high_resolution_unit", "days"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.get(&format!("{base}/sla"))
        .await
        .assert_contains("<code>sla.targets[0].resolution</code>");
    c.post_form(&format!("{base}/publish"), &[])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let before = draft(&app, "alpha", id).await;
    for fields in [
        vec![("warn_at_percent", "eighty")],
        vec![
            ("warn_at_percent", "80"),
            ("low_first_amount", "2"),
            ("low_first_unit", "weeks"),
        ],
        vec![
            ("warn_at_percent", "80"),
            ("low_first_amount", "-2"),
            ("low_first_unit", "days"),
        ],
    ] {
        let r = c.post_form(&format!("{base}/sla"), &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert_eq!(draft(&app, "alpha", id).await, before);
    }
    c.post_form(
        &format!("{base}/sla"),
        &[
            ("warn_at_percent", "80"),
            ("high_resolution_amount", "3"),
            ("high_resolution_unit", "days"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(&format!("{base}/publish"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        versions(&app, "alpha", id).await,
        vec![(1, "published".into())]
    );
}

#[tokio::test]
async fn the_transition_builder_edits_actions_timeout_and_condition() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "tacit").await;
    // Transition 0 of the starter: accept, from open to accepted.
    let base = format!("/admin/services/{id}/workflow/transitions/0");
    c.get(&format!("/admin/services/{id}/workflow"))
        .await
        .assert_contains(&format!("href=\"{base}\""));
    c.get(&base).await.assert_status(StatusCode::OK);

    // Message the requester on acceptance, assign, deadline, corrections, document, webhook.
    for fields in [
        vec![
            ("type", "message_requester"),
            ("subject_fr", "Demande acceptée"),
            ("subject_en", "Request accepted"),
            ("body_fr", "Bonjour,\r\nvotre demande est acceptée."),
            ("body_en", ""),
        ],
        vec![("type", "assign_team"), ("team", "etat-civil")],
        vec![
            ("type", "assign_agent"),
            ("agent_email", " Agent@Alpha.test "),
        ],
        vec![
            ("type", "set_deadline"),
            ("deadline_days", "15"),
            ("deadline_business_days", "1"),
        ],
        vec![("type", "clear_deadline")],
        vec![
            ("type", "request_corrections"),
            ("correction_field", "subject"),
        ],
        vec![("type", "generate_document"), ("template", "certificate")],
        vec![
            ("type", "call_webhook"),
            ("url", "https://hooks.example.org/relais"),
        ],
    ] {
        c.post_form(&format!("{base}/actions"), &fields)
            .await
            .assert_status(StatusCode::SEE_OTHER);
    }
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["workflow"]["transitions"][0]["actions"],
        json!([
            {"type": "message_requester",
             "subject": {"fr": "Demande acceptée", "en": "Request accepted"},
             "body": {"fr": "Bonjour,\nvotre demande est acceptée."}},
            {"type": "assign_team", "team": "etat-civil"},
            {"type": "assign_agent", "agent_email": "agent@alpha.test"},
            {"type": "set_deadline", "days": 15, "business_days": true},
            {"type": "clear_deadline"},
            {"type": "request_corrections", "fields": ["subject"]},
            {"type": "generate_document", "template": "certificate"},
            {"type": "call_webhook", "url": "https://hooks.example.org/relais"}
        ])
    );
    assert_eq!(relais_web::catalogue::check(&d).map(|_| ()), Ok(()));
    c.get(&base)
        .await
        .assert_contains("Écrire au demandeur : « Demande acceptée »")
        .assert_contains("Échéance dans 15 jours ouvrés");
    c.get(&format!("/admin/services/{id}/workflow"))
        .await
        .assert_contains("Affecter à l&#39;équipe etat-civil");

    // Move the webhook first, delete the clear_deadline (now at 5).
    c.post_form(&format!("{base}/actions/7/move"), &[("direction", "up")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c.post_form(&format!("{base}/actions/5/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let kinds = |d: &Value| -> Vec<String> {
        d["workflow"]["transitions"][0]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["type"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        kinds(&draft(&app, "alpha", id).await.unwrap()),
        vec![
            "message_requester",
            "assign_team",
            "assign_agent",
            "set_deadline",
            "clear_deadline",
            "call_webhook",
            "generate_document"
        ]
    );

    // Timeout: accepted by default after 60 days of silence; then in business days; cleared.
    c.post_form(&format!("{base}/timeout"), &[("after_days", "60")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["workflow"]["transitions"][0]["timeout"],
        json!({"after_days": 60, "business_days": false})
    );
    c.get(&format!("/admin/services/{id}/workflow"))
        .await
        .assert_contains("se déclenche seule après 60 jours");
    c.post_form(
        &format!("{base}/timeout"),
        &[("after_days", "40"), ("timeout_business_days", "1")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        draft(&app, "alpha", id).await.unwrap()["workflow"]["transitions"][0]["timeout"],
        json!({"after_days": 40, "business_days": true})
    );

    // Condition: all documents validated, then a form answer.
    c.post_form(
        &format!("{base}/condition"),
        &[
            ("cond_type", "field_equals"),
            ("cond_field", "subject"),
            ("cond_value", "ok"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        draft(&app, "alpha", id).await.unwrap()["workflow"]["transitions"][0]["condition"],
        json!({"type": "field_equals", "field": "subject", "value": "ok"})
    );
    c.post_form(
        &format!("{base}/condition"),
        &[("cond_type", "all_documents_validated")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);

    // Bad input: 422, nothing changed.
    let before = draft(&app, "alpha", id).await;
    for (path, fields) in [
        ("actions", vec![("type", "send_fax")]),
        (
            "actions",
            vec![
                ("type", "message_requester"),
                ("subject_fr", ""),
                ("body_fr", "x"),
            ],
        ),
        (
            "actions",
            vec![
                ("type", "message_requester"),
                ("subject_fr", "x"),
                ("body_fr", " "),
            ],
        ),
        ("actions", vec![("type", "assign_team"), ("team", " ")]),
        (
            "actions",
            vec![("type", "assign_agent"), ("agent_email", "agent")],
        ),
        (
            "actions",
            vec![("type", "set_deadline"), ("deadline_days", "0")],
        ),
        (
            "actions",
            vec![("type", "set_deadline"), ("deadline_days", "soon")],
        ),
        (
            "actions",
            vec![("type", "set_deadline"), ("deadline_days", "4000")],
        ),
        ("actions", vec![("type", "request_corrections")]),
        (
            "actions",
            vec![
                ("type", "request_corrections"),
                ("correction_field", "nope"),
            ],
        ),
        (
            "actions",
            vec![("type", "generate_document"), ("template", "")],
        ),
        (
            "actions",
            vec![
                ("type", "generate_document"),
                ("template", "../Attestation"),
            ],
        ),
        (
            "actions",
            vec![("type", "call_webhook"), ("url", "http://example.org")],
        ),
        ("timeout", vec![("after_days", "0")]),
        ("timeout", vec![("after_days", "sixty")]),
        ("timeout", vec![("after_days", "3651")]),
        ("condition", vec![("cond_type", "moon_is_full")]),
        (
            "condition",
            vec![("cond_type", "field_equals"), ("cond_field", "nope")],
        ),
    ] {
        let r = c.post_form(&format!("{base}/{path}"), &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {fields:?}"
        );
        assert_eq!(draft(&app, "alpha", id).await, before, "{path} {fields:?}");
    }
    c.get(&format!("/admin/services/{id}/workflow/transitions/9"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    c.post_form(&format!("{base}/actions/9/delete"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Clearing: the timeout (empty or the clear button), the condition.
    c.post_form(
        &format!("{base}/timeout"),
        &[("after_days", "40"), ("clear", "1")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(&format!("{base}/condition"), &[("cond_type", "")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(d["workflow"]["transitions"][0].get("timeout"), None);
    assert_eq!(d["workflow"]["transitions"][0].get("condition"), None);
    assert_eq!(relais_web::catalogue::check(&d).map(|_| ()), Ok(()));
}

/// Adds a page, then fields of these kinds to it, through the builder.
async fn add_page_with(
    c: &mut TestClient,
    id: Uuid,
    page: usize,
    page_id: &str,
    fields: &[(&str, &str)],
) {
    let base = format!("/admin/services/{id}/form");
    c.post_form(
        &format!("{base}/pages"),
        &[("id", page_id), ("title_fr", page_id)],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    for (kind, field_id) in fields {
        c.post_form(
            &format!("{base}/pages/{page}/fields"),
            &[("kind", kind), ("id", field_id), ("label_fr", field_id)],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn the_condition_editor_combines_tests_on_fields_and_pages() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "conditions").await;
    let base = format!("/admin/services/{id}/form");
    add_page_with(
        &mut c,
        id,
        1,
        "details",
        &[
            ("number", "count"),
            ("date", "since"),
            ("single_choice", "sort"),
            ("short_text", "why"),
        ],
    )
    .await;
    c.post_form(
        &format!("{base}/pages/1/fields/2"),
        &[
            ("id", "sort"),
            ("label_fr", "Sorte"),
            ("options", "a | A\nb | B\nc | C"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    add_page_with(&mut c, id, 2, "extra", &[("long_text", "more")]).await;

    // A field shown when any of: count > 3, since < 2020-01-01, sort in {a, b}.
    c.get(&format!("{base}/pages/1/fields/3"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("name=\"cond_field_1\"");
    c.post_form(
        &format!("{base}/pages/1/fields/3"),
        &[
            ("id", "why"),
            ("label_fr", "Pourquoi"),
            ("cond_combine", "any"),
            ("cond_field", "count"),
            ("cond_op", "greater_than"),
            ("cond_value", "3"),
            ("cond_field_1", "since"),
            ("cond_op_1", "less_than"),
            ("cond_value_1", "2020-01-01"),
            ("cond_field_2", "sort"),
            ("cond_op_2", "in"),
            ("cond_value_2", "a | b"),
            ("cond_field_3", ""),
            ("cond_op_3", "equals"),
            ("cond_value_3", ""),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["form"]["pages"][1]["fields"][3]["show_if"],
        json!({"any": [
            {"field": "count", "greater_than": 3},
            {"field": "since", "less_than": "2020-01-01"},
            {"field": "sort", "in": ["a", "b"]}
        ]})
    );
    // Shown again as rows, with one more empty row.
    c.get(&format!("{base}/pages/1/fields/3"))
        .await
        .assert_contains("value=\"a | b\"")
        .assert_contains("name=\"cond_field_3\"");

    // The page "extra" shown when all of: count is answered, sort is not "c".
    c.get(&format!("{base}/pages/2"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("value=\"count\"");
    c.post_form(
        &format!("{base}/pages/2/condition"),
        &[
            ("cond_combine", "all"),
            ("cond_field", "count"),
            ("cond_op", "is_answered"),
            ("cond_field_1", "sort"),
            ("cond_op_1", "not_equals"),
            ("cond_value_1", "c"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["form"]["pages"][2]["show_if"],
        json!({"all": [
            {"field": "count", "is_answered": true},
            {"field": "sort", "not_equals": "c"}
        ]})
    );
    assert_eq!(relais_web::catalogue::check(&d).map(|_| ()), Ok(()));
    c.get(&base)
        .await
        .assert_contains("count ✓ ∧ sort ≠ &#34;c&#34;");

    // Bad input: 422 and nothing changed.
    let before = draft(&app, "alpha", id).await;
    let field = format!("{base}/pages/1/fields/3");
    let page = format!("{base}/pages/2/condition");
    for (path, fields) in [
        // Greater than on a choice.
        (
            &field,
            vec![
                ("id", "why"),
                ("label_fr", "P"),
                ("cond_field", "sort"),
                ("cond_op", "greater_than"),
                ("cond_value", "a"),
            ],
        ),
        // Not a number, not a date.
        (
            &field,
            vec![
                ("id", "why"),
                ("label_fr", "P"),
                ("cond_field", "count"),
                ("cond_op", "less_than"),
                ("cond_value", "many"),
            ],
        ),
        (
            &field,
            vec![
                ("id", "why"),
                ("label_fr", "P"),
                ("cond_field", "since"),
                ("cond_op", "greater_than"),
                ("cond_value", "yesterday"),
            ],
        ),
        // An empty list.
        (
            &field,
            vec![
                ("id", "why"),
                ("label_fr", "P"),
                ("cond_field", "sort"),
                ("cond_op", "in"),
                ("cond_value", " | "),
            ],
        ),
        // An unknown operator or combination.
        (
            &field,
            vec![
                ("id", "why"),
                ("label_fr", "P"),
                ("cond_field", "sort"),
                ("cond_op", "near"),
            ],
        ),
        (
            &field,
            vec![
                ("id", "why"),
                ("label_fr", "P"),
                ("cond_combine", "xor"),
                ("cond_field", "count"),
                ("cond_op", "is_answered"),
            ],
        ),
        // A later field, in the second row.
        (
            &field,
            vec![
                ("id", "why"),
                ("label_fr", "P"),
                ("cond_field", "count"),
                ("cond_op", "is_answered"),
                ("cond_field_1", "more"),
                ("cond_op_1", "is_answered"),
            ],
        ),
        // A page condition on a field of the same page.
        (
            &page,
            vec![("cond_field", "more"), ("cond_op", "is_answered")],
        ),
        (
            &page,
            vec![
                ("cond_field", "count"),
                ("cond_op", "equals"),
                ("cond_value", "three"),
            ],
        ),
    ] {
        let r = c.post_form(path, &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {fields:?}"
        );
        assert_eq!(draft(&app, "alpha", id).await, before, "{path} {fields:?}");
    }
    // A page's condition is removed by leaving the first test empty.
    c.post_form(&page, &[("cond_field", "")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        draft(&app, "alpha", id).await.unwrap()["form"]["pages"][2].get("show_if"),
        None
    );
    c.get(&format!("{base}/pages/9"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_builder_edits_the_fields_of_a_repeatable_group() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "canteen").await;
    add_page_with(
        &mut c,
        id,
        1,
        "family",
        &[("yes_no", "many"), ("group", "children")],
    )
    .await;
    let group = format!("/admin/services/{id}/form/pages/1/fields/1");
    c.get(&group)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(&format!("action=\"{group}/sub\""));
    for (kind, sub_id, label) in [
        ("short_text", "name", "Prénom"),
        ("date", "born", "Né le"),
        ("single_choice", "school", "École"),
    ] {
        c.post_form(
            &format!("{group}/sub"),
            &[
                ("sub_kind", kind),
                ("sub_id", sub_id),
                ("sub_label_fr", label),
                ("sub_required", "1"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    }
    // Settings of a sub-field, with a condition on an earlier sub-field and a page field.
    c.get(&format!("{group}/sub/2"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("value=\"born\"")
        .assert_contains("value=\"many\"");
    c.post_form(
        &format!("{group}/sub/2"),
        &[
            ("id", "school"),
            ("label_fr", "École"),
            ("required", "1"),
            ("options", "north | Nord\nsouth | Sud"),
            ("cond_field", "born"),
            ("cond_op", "greater_than"),
            ("cond_value", "2015-09-01"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(
        &format!("{group}/sub/1"),
        &[
            ("id", "born"),
            ("label_fr", "Né le"),
            ("required", "1"),
            ("min", "-7000"),
            ("max", "0"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    // Move "school" up, delete "name".
    c.post_form(&format!("{group}/sub/2/move"), &[("direction", "up")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c.post_form(&format!("{group}/sub/0/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["form"]["pages"][1]["fields"][1]["fields"],
        json!([
            {"id": "school", "label": {"fr": "École"}, "required": true,
             "show_if": {"field": "born", "greater_than": "2015-09-01"},
             "kind": "single_choice",
             "options": [{"value": "north", "label": {"fr": "Nord"}},
                         {"value": "south", "label": {"fr": "Sud"}}]},
            {"id": "born", "label": {"fr": "Né le"}, "required": true, "kind": "date",
             "min": {"days_from_today": -7000}, "max": {"days_from_today": 0}}
        ])
    );
    // The condition now tests a later field: listed with its path.
    c.get(&group)
        .await
        .assert_contains("<code>form.pages[1].fields[1].fields[0].show_if</code>");

    // Bad input: 422 and unchanged.
    let before = draft(&app, "alpha", id).await;
    for (path, fields) in [
        (
            format!("{group}/sub"),
            vec![
                ("sub_kind", "group"),
                ("sub_id", "g"),
                ("sub_label_fr", "G"),
            ],
        ),
        (
            format!("{group}/sub"),
            vec![
                ("sub_kind", "dropdown"),
                ("sub_id", "g"),
                ("sub_label_fr", "G"),
            ],
        ),
        (
            format!("{group}/sub/1"),
            vec![("id", "born"), ("label_fr", "Né"), ("min", "yesterday")],
        ),
        (
            format!("{group}/sub/1"),
            vec![
                ("id", "born"),
                ("label_fr", "Né"),
                ("cond_field", "born"),
                ("cond_op", "is_answered"),
            ],
        ),
    ] {
        let r = c.post_form(&path, &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {fields:?}"
        );
        assert_eq!(draft(&app, "alpha", id).await, before, "{path} {fields:?}");
    }
    // Not a group, or no such sub-field: 404.
    let not_group = format!("/admin/services/{id}/form/pages/1/fields/0");
    c.post_form(
        &format!("{not_group}/sub"),
        &[
            ("sub_kind", "email"),
            ("sub_id", "x"),
            ("sub_label_fr", "X"),
        ],
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    c.get(&format!("{group}/sub/5"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn renaming_a_field_or_a_status_updates_every_reference() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "renames").await;
    let base = format!("/admin/services/{id}");
    add_page_with(&mut c, id, 1, "more", &[("long_text", "details")]).await;
    // A condition and a correction on "subject".
    c.post_form(
        &format!("{base}/form/pages/1/condition"),
        &[("cond_field", "subject"), ("cond_op", "is_answered")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(
        &format!("{base}/workflow/transitions/1/actions"),
        &[
            ("type", "request_corrections"),
            ("correction_field", "subject"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(
        &format!("{base}/form/pages/0/fields/0"),
        &[
            ("id", "topic"),
            ("label_fr", "Objet"),
            ("required", "1"),
            ("max_length", "200"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    // Status "open" becomes "received".
    c.post_form(
        &format!("{base}/workflow/statuses/0"),
        &[
            ("status_id", "received"),
            ("status_label_fr", "Reçue"),
            ("status_kind", "open"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let d = draft(&app, "alpha", id).await.unwrap();
    assert_eq!(
        d["form"]["pages"][1]["show_if"],
        json!({"field": "topic", "is_answered": true})
    );
    assert_eq!(
        d["workflow"]["transitions"][1]["actions"][0]["fields"],
        json!(["topic"])
    );
    assert_eq!(d["workflow"]["initial"], "received");
    assert_eq!(
        d["workflow"]["statuses"][0]["label"],
        json!({"fr": "Reçue"})
    );
    assert_eq!(d["workflow"]["transitions"][0]["from"], json!(["received"]));
    assert_eq!(relais_web::catalogue::check(&d).map(|_| ()), Ok(()));
    // Bad input: 422 and unchanged.
    let before = draft(&app, "alpha", id).await;
    for fields in [
        vec![
            ("status_id", ""),
            ("status_label_fr", "X"),
            ("status_kind", "open"),
        ],
        vec![
            ("status_id", "x"),
            ("status_label_fr", "X"),
            ("status_kind", "limbo"),
        ],
    ] {
        let r = c
            .post_form(&format!("{base}/workflow/statuses/0"), &fields)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert_eq!(draft(&app, "alpha", id).await, before);
    }
}

#[tokio::test]
async fn the_service_page_lists_what_the_draft_changes_from_the_published_version() {
    let app = TestApp::new().await;
    let mut c = admin(&app, "alpha").await;
    let id = create(&mut c, "voirie").await;
    let mut v1 = starter();
    v1["form"]["pages"][0]["fields"] = json!([
        {"id": "subject", "label": {"fr": "Objet", "en": "Subject"}, "kind": "short_text",
         "required": true},
        {"id": "details", "label": {"fr": "Détails", "en": "Details"}, "kind": "long_text"},
        {"id": "phone", "label": {"fr": "Téléphone", "en": "Phone"}, "kind": "phone"}
    ]);
    c.post_form(
        &format!("/admin/services/{id}/import"),
        &[("definition", &v1.to_string())],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    // A draft and nothing published: nothing to compare with.
    let page = c.get(&format!("/admin/services/{id}")).await;
    assert!(!page.body.contains("Modifications depuis"), "{}", page.body);
    c.post_form(&format!("/admin/services/{id}/publish"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);

    // Version 2 drops the details and asks for the phone.
    let mut v2 = v1.clone();
    v2["form"]["pages"][0]["fields"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    v2["form"]["pages"][0]["fields"][1]["required"] = json!(true);
    c.post_form(
        &format!("/admin/services/{id}/import"),
        &[("definition", &v2.to_string())],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let page = c.get(&format!("/admin/services/{id}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Modifications depuis la version publiée")
        .assert_contains("Champ « Détails » (details) supprimé.")
        .assert_contains("Le champ « Téléphone » (phone) devient obligatoire.")
        .assert_contains("peut invalider des réponses en cours");
    assert!(!page.body.contains("Objet"), "the subject did not change");
    c.get(&format!("/admin/services/{id}?lang=en"))
        .await
        .assert_contains("Changes since the published version")
        .assert_contains("Field “Details” (details) removed.")
        .assert_contains("Field “Phone” (phone) is now required.")
        .assert_contains("may invalidate answers in progress");

    // Once published, there is nothing left to list.
    c.post_form(&format!("/admin/services/{id}/publish"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = c.get(&format!("/admin/services/{id}")).await;
    assert!(!page.body.contains("(details)"), "{}", page.body);
}

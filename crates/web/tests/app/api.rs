//! The JSON API: its OpenAPI document is kept true against the running routes, tokens are
//! checked, permissions and tenants hold, bad input changes nothing, and writes are audited.

use crate::common::{TestApp, TestClient, TestResponse, api_token};
use axum::http::{Method, StatusCode, header};
use relais_store::{Actor, api_tokens, teams};
use serde_json::{Value, json};
use uuid::Uuid;

/// Every operation the API must offer. A route dropped from the document fails here.
const EXPECTED: [(&str, &str); 54] = [
    ("get", "/api/v1/me"),
    ("patch", "/api/v1/me"),
    ("get", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
    ("get", "/api/v1/staff"),
    ("post", "/api/v1/staff"),
    ("get", "/api/v1/staff/{id}"),
    ("patch", "/api/v1/staff/{id}"),
    ("post", "/api/v1/staff/{id}/reset-link"),
    ("get", "/api/v1/teams"),
    ("post", "/api/v1/teams"),
    ("get", "/api/v1/teams/{id}"),
    ("patch", "/api/v1/teams/{id}"),
    ("put", "/api/v1/teams/{id}/members"),
    ("delete", "/api/v1/teams/{id}"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/services"),
    ("get", "/api/v1/services/{slug}"),
    ("get", "/api/v1/persons"),
    ("post", "/api/v1/persons"),
    ("get", "/api/v1/persons/search"),
    ("get", "/api/v1/persons/{id}"),
    ("patch", "/api/v1/persons/{id}"),
    ("delete", "/api/v1/persons/{id}"),
    ("get", "/api/v1/search"),
    ("post", "/api/v1/persons/{id}/merge"),
    ("get", "/api/v1/organisations"),
    ("post", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{id}"),
    ("patch", "/api/v1/organisations/{id}"),
    ("delete", "/api/v1/organisations/{id}"),
    ("get", "/api/v1/segments"),
    ("get", "/api/v1/segments/{id}/persons"),
    ("get", "/api/v1/cases"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("post", "/api/v1/cases/{id}/transitions"),
    ("post", "/api/v1/cases/bulk"),
    ("post", "/api/v1/cases/{id}/notes"),
    ("get", "/api/v1/cases/{id}/links"),
    ("post", "/api/v1/cases/{id}/links"),
    ("delete", "/api/v1/cases/{id}/links/{other}"),
    ("post", "/api/v1/cases/{id}/merge"),
    ("put", "/api/v1/cases/{id}/following"),
    ("get", "/api/v1/notifications"),
    ("get", "/api/v1/board"),
    ("get", "/api/v1/routing"),
    ("put", "/api/v1/routing/{id}"),
    ("delete", "/api/v1/routing/{id}"),
    ("get", "/api/v1/automation"),
    ("post", "/api/v1/automation"),
    ("get", "/api/v1/automation/{id}"),
    ("put", "/api/v1/automation/{id}"),
    ("delete", "/api/v1/automation/{id}"),
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn admin_client(app: &TestApp, slug: &str) -> TestClient {
    let token = api_token(app, slug, &format!("admin@{slug}.test")).await;
    app.client(&format!("{slug}.test")).with_bearer(&token)
}

async fn client_as(app: &TestApp, slug: &str, role: &str) -> TestClient {
    let token = api_token(app, slug, &format!("{role}@{slug}.test")).await;
    app.client(&format!("{slug}.test")).with_bearer(&token)
}

async fn send_raw(
    c: &mut TestClient,
    method: Method,
    path: &str,
    content_type: &str,
    body: &str,
) -> TestResponse {
    c.request(
        method,
        path,
        Some(content_type),
        body.as_bytes().to_vec(),
        &[],
    )
    .await
}

async fn new_team(app: &TestApp, slug: &str, name: &str) -> Uuid {
    teams::create(&app.db, &Actor::system(app.tenant(slug), "test"), name)
        .await
        .expect("team")
        .id
}

/// An error answer of the API: JSON with `error` and a non-empty `message`.
#[track_caller]
fn assert_error(r: &TestResponse, status: StatusCode, error: &str) -> Value {
    r.assert_status(status);
    let ct = r
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        ct.starts_with("application/json"),
        "content type {ct:?} for {}",
        r.body
    );
    let body = r.json();
    assert_eq!(body["error"], error, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| m.len() > 10),
        "no clear message: {body}"
    );
    body
}

async fn audit_rows_of(app: &TestApp, slug: &str) -> usize {
    relais_store::audit::list(&app.db, app.tenant(slug), &Default::default(), 10_000)
        .await
        .expect("audit")
        .len()
}

// ---------------------------------------------------------------------------------------
// 1. The document is true.

/// Follows `$ref`s into the components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected $ref {r}"));
            let target = &doc["components"]["schemas"][name];
            assert!(!target.is_null(), "dangling $ref {r}");
            resolve(doc, target)
        }
        None => schema,
    }
}

/// Checks that `value` has every required property of `schema`, recursively.
fn check_shape(doc: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = resolve(doc, schema);
    if value.is_null() {
        return;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema[key].as_array() {
            if let Some(alt) = alternatives.iter().find(|a| a["type"] != "null") {
                check_shape(doc, alt, value, at);
            }
            return;
        }
    }
    if let Some(all) = schema["allOf"].as_array() {
        for part in all {
            check_shape(doc, part, value, at);
        }
    }
    if let Some(items) = schema.get("items") {
        let array = value
            .as_array()
            .unwrap_or_else(|| panic!("{at}: expected an array, got {value}"));
        for (i, item) in array.iter().enumerate() {
            check_shape(doc, items, item, &format!("{at}[{i}]"));
        }
    }
    if let Some(required) = schema["required"].as_array() {
        let object = value
            .as_object()
            .unwrap_or_else(|| panic!("{at}: expected an object, got {value}"));
        for key in required.iter().filter_map(Value::as_str) {
            assert!(
                object.contains_key(key),
                "{at}: required property {key:?} missing in {value}"
            );
        }
    }
    if let Some(properties) = schema["properties"].as_object() {
        for (name, sub) in properties {
            if let Some(v) = value.get(name) {
                check_shape(doc, sub, v, &format!("{at}.{name}"));
            }
        }
    }
}

/// A made-up body with the required properties of a schema, for operations this test does
/// not know yet (so that a new operation is at least called).
fn minimal_body(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    let kind = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .find(|t| *t != "null")
            .cloned()
            .unwrap_or(Value::Null),
        other => other.clone(),
    };
    match kind.as_str() {
        Some("object") | None if schema.get("properties").is_some() => {
            let mut map = serde_json::Map::new();
            for key in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                map.insert(
                    key.to_owned(),
                    minimal_body(doc, &schema["properties"][key]),
                );
            }
            Value::Object(map)
        }
        Some("array") => json!([]),
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(false),
        Some("string") => json!("x"),
        _ => json!({}),
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_truly() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let mut c = admin_client(&app, "alpha").await;
    let r = c.get("/api/openapi.json").await;
    r.assert_status(StatusCode::OK);
    let doc = r.json();

    assert_eq!(doc["info"]["title"], "Relais API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"], "http", "{bearer}");
    assert_eq!(
        bearer["scheme"]
            .as_str()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("bearer"),
        "{bearer}"
    );
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    let error_schema = resolve(&doc, &doc["components"]["schemas"]["Error"]);
    for field in ["error", "message"] {
        assert!(
            error_schema["required"]
                .as_array()
                .is_some_and(|r| r.contains(&json!(field))),
            "Error schema: {error_schema}"
        );
    }

    let paths = doc["paths"].as_object().expect("paths");
    for (method, path) in EXPECTED {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the document"
        );
    }

    let mut operation_ids = std::collections::HashSet::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let id = op["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
                assert!(
                    operation_ids.insert(id.to_owned()),
                    "operationId {id} used twice"
                );
            }
        }
    }

    let agent = app.account("alpha", "agent@alpha.test").await;
    let voirie = app
        .publish_demo_service("alpha", crate::backoffice::VOIRIE)
        .await;
    let mut called = 0;
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let responses = op["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {path}: no responses"));
            assert!(
                responses.contains_key("401"),
                "{method} {path}: 401 not documented"
            );

            // Fresh fixtures for each operation, so that order does not matter.
            let n = Uuid::new_v4().simple().to_string();
            let mut url = path.clone();
            if url.contains("{id}") {
                let id = if path.starts_with("/api/v1/staff/") {
                    agent.id
                } else if path.starts_with("/api/v1/teams/") {
                    new_team(&app, "alpha", &format!("Fixture {n}")).await
                } else if path.starts_with("/api/v1/cases/") {
                    crate::backoffice::file_case(
                        &app,
                        "alpha",
                        &voirie,
                        None,
                        "portal",
                        relais_domain::service::sla::Priority::Normal,
                    )
                    .await
                    .id
                } else if path.starts_with("/api/v1/persons/") {
                    crate::people::person(&app, "alpha", "Fixture", &n).await
                } else if path.starts_with("/api/v1/organisations/") {
                    crate::people::organisation(&app, "alpha", &format!("Fixture {n}")).await
                } else if path.starts_with("/api/v1/segments/") {
                    crate::records::segment(&app, "alpha", &format!("Fixture {n}")).await
                } else if path.starts_with("/api/v1/routing/") {
                    // A service with a rule (the delete needs one; the put replaces it).
                    let team = new_team(&app, "alpha", &format!("Routing {n}")).await;
                    let slug = format!("routed-{n}");
                    let service = crate::catalogue::published_service(&app, "alpha", &slug).await;
                    relais_store::routing::save_rule(
                        &app.db,
                        &Actor::system(alpha, "test"),
                        service,
                        team,
                        relais_domain::routing::Strategy::TeamOnly,
                        None,
                    )
                    .await
                    .expect("routing rule");
                    service
                } else if path.starts_with("/api/v1/automation/") {
                    relais_store::automation::save(
                        &app.db,
                        &Actor::system(alpha, "test"),
                        None,
                        &format!("Fixture {n}"),
                        &relais_domain::automation::Rule {
                            trigger: relais_domain::automation::Trigger::CaseCreated,
                            delay_days: None,
                            conditions: Default::default(),
                            actions: vec![relais_domain::automation::Action::Label {
                                label: "fixture".into(),
                            }],
                        },
                        true,
                    )
                    .await
                    .expect("automation rule")
                } else if path.starts_with("/api/v1/tokens/") {
                    let spare = format!("rls_spare_{n}");
                    api_tokens::create(
                        &app.db,
                        &Actor::system(alpha, "test"),
                        app.account("alpha", "admin@alpha.test").await.id,
                        "spare",
                        &spare,
                    )
                    .await
                    .expect("token")
                    .id
                } else {
                    panic!("{method} {path}: no fixture for its {{id}}; add one to this test")
                };
                url = url.replace("{id}", &id.to_string());
            }
            if url.contains("{other}") {
                // A second case, linked to the first.
                let case_id = url
                    .split('/')
                    .nth(4)
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .expect("case id in the path");
                let other = crate::backoffice::file_case(
                    &app,
                    "alpha",
                    &voirie,
                    None,
                    "portal",
                    relais_domain::service::sla::Priority::Normal,
                )
                .await;
                relais_store::case_links::add(
                    &app.db,
                    &Actor::system(alpha, "test"),
                    case_id,
                    other.id,
                    relais_domain::collaboration::LinkSide::Related,
                )
                .await
                .expect("link");
                url = url.replace("{other}", &other.id.to_string());
            }
            if url.contains("{slug}") {
                let slug = format!("fixture-{n}");
                crate::catalogue::published_service(&app, "alpha", &slug).await;
                url = url.replace("{slug}", &slug);
            }
            assert!(
                !url.contains('{'),
                "{method} {path}: unknown path parameter; add a fixture to this test"
            );
            if path == "/api/v1/search" {
                url.push_str("?q=Fixture");
            }

            // The merge needs a second person of the tenant, made before the call.
            let duplicate = if path.ends_with("/merge") {
                Some(crate::people::person(&app, "alpha", "Duplicate", &n).await)
            } else {
                None
            };
            let bulk_case = if path == "/api/v1/cases/bulk"
                || path.ends_with("/links")
                || path == "/api/v1/cases/{id}/merge"
            {
                Some(
                    crate::backoffice::file_case(
                        &app,
                        "alpha",
                        &voirie,
                        None,
                        "portal",
                        relais_domain::service::sla::Priority::Normal,
                    )
                    .await,
                )
            } else {
                None
            };
            let team = if path == "/api/v1/routing/{id}" {
                Some(new_team(&app, "alpha", &format!("Other {n}")).await)
            } else {
                None
            };
            let body = op.get("requestBody").map(|rb| match (method, path.as_str()) {
                ("post", "/api/v1/cases/{id}/notes") => json!({"body": "Vu avec @agent.", "row_version": 1}),
                ("post", "/api/v1/cases/{id}/links") => json!({"reference": bulk_case.as_ref().map(|c| c.reference.clone()), "side": "related"}),
                ("post", "/api/v1/cases/{id}/merge") => json!({"into": bulk_case.as_ref().map(|c| c.reference.clone()), "row_version": 1}),
                ("put", "/api/v1/cases/{id}/following") => json!({"follow": true}),
                ("post", "/api/v1/cases/bulk") => json!({"cases": [{"id": bulk_case.as_ref().map(|c| c.id), "row_version": 1}], "action": "label", "labels": "api"}),
                ("put", "/api/v1/routing/{id}") => json!({"team_id": team, "strategy": "round_robin"}),
                ("post", "/api/v1/automation") => json!({"name": format!("Rule {n}"), "trigger": "case_created", "actions": {"add_label": "auto"}}),
                ("put", "/api/v1/automation/{id}") => json!({"name": format!("Renamed {n}"), "trigger": "idle_days", "delay_days": 3, "conditions": {"priority": "urgent"}, "actions": {"set_priority": "high"}, "enabled": false}),
                ("post", "/api/v1/staff") => json!({"email": format!("new-{n}@alpha.test"), "display_name": "New person", "role": "agent"}),
                ("patch", "/api/v1/staff/{id}") => json!({}),
                ("post", "/api/v1/teams") => json!({"name": format!("Team {n}")}),
                ("patch", "/api/v1/teams/{id}") => json!({"name": format!("Renamed {n}")}),
                ("put", "/api/v1/teams/{id}/members") => json!({"members": [agent.id]}),
                ("post", "/api/v1/persons") => json!({"given_name": "Hélène", "family_name": n, "emails": ["h@example.fr"], "phones": ["06 12 34 56 78"]}),
                ("patch", "/api/v1/persons/{id}") => json!({"family_name": "Renamed"}),
                ("post", "/api/v1/persons/{id}/merge") => {
                    json!({"duplicate_id": duplicate, "keep_from_duplicate": ["given_name"]})
                }
                ("post", "/api/v1/organisations") => json!({"name": format!("Org {n}"), "emails": ["org@example.fr"], "phones": ["01 23 45 67 89"], "addresses": [{"lines": ["1 place de la Mairie"], "postcode": "75001", "city": "Paris"}]}),
                ("patch", "/api/v1/organisations/{id}") => json!({"name": format!("Renamed {n}")}),
                ("post", "/api/v1/cases") => json!({"service": voirie.slug, "channel": "phone",
                    "answers": crate::backoffice::report_answers(), "contact_email": "riverain@example.org"}),
                ("post", "/api/v1/cases/{id}/transitions") => json!({"transition": "take_charge", "row_version": 1}),
                _ => minimal_body(&doc, &rb["content"]["application/json"]["schema"]),
            });
            let m: Method = method.to_ascii_uppercase().parse().expect("method");
            let r = match &body {
                Some(b) => c.send_json(m, &url, b).await,
                None => c.request(m, &url, None, Vec::new(), &[]).await,
            };
            let status = r.status.as_u16().to_string();
            assert!(
                responses.contains_key(&status),
                "{method} {path} answered {status}, documented: {:?}; body {}",
                responses.keys().collect::<Vec<_>>(),
                r.body
            );
            assert!(
                r.status.is_success(),
                "{method} {path} with an admin token and valid input: {status} {}",
                r.body
            );
            if let Some(schema) = responses[&status].pointer("/content/application~1json/schema") {
                let ct = r
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                assert!(
                    ct.starts_with("application/json"),
                    "{method} {path}: content type {ct:?}"
                );
                check_shape(&doc, schema, &r.json(), &format!("{method} {path}"));
            } else {
                assert!(
                    r.body.is_empty(),
                    "{method} {path}: undocumented body {}",
                    r.body
                );
            }
            called += 1;
        }
    }
    assert!(called >= EXPECTED.len(), "only {called} operations called");
}

#[tokio::test]
async fn me_describes_the_caller_and_the_tenant() {
    let app = TestApp::new().await;
    let mut c = client_as(&app, "alpha", "supervisor").await;
    let r = c.get("/api/v1/me").await;
    r.assert_status(StatusCode::OK);
    let me = r.json();
    let supervisor = app.account("alpha", "supervisor@alpha.test").await;
    assert_eq!(me["account"]["id"], supervisor.id.to_string());
    assert_eq!(me["account"]["email"], "supervisor@alpha.test");
    assert_eq!(me["account"]["kind"], "staff");
    assert_eq!(me["account"]["role"], "supervisor");
    assert_eq!(me["account"]["totp_enabled"], false);
    assert!(
        me["account"].get("password_hash").is_none() && me["account"].get("totp_secret").is_none(),
        "{me}"
    );
    assert_eq!(me["tenant"]["id"], app.tenant("alpha").to_string());
    assert_eq!(me["tenant"]["slug"], "alpha");
    assert_eq!(me["tenant"]["kind"], "public");
    assert!(me["tenant"]["name"].is_string());
}

// ---------------------------------------------------------------------------------------
// 2. Tokens and permissions.

#[tokio::test]
async fn calls_without_a_valid_token_are_refused() {
    let app = TestApp::new().await;
    let paths = [
        "/api/v1/me",
        "/api/v1/staff",
        "/api/v1/teams",
        "/api/v1/audit",
        "/api/v1/tokens",
    ];

    let mut anonymous = app.client("alpha.test");
    let mut wrong = app.client("alpha.test").with_bearer("rls_not_a_real_token");
    let beta_token = api_token(&app, "beta", "admin@beta.test").await;
    let mut beta_on_alpha = app.client("alpha.test").with_bearer(&beta_token);
    for path in paths {
        for (who, c) in [
            ("no token", &mut anonymous),
            ("wrong token", &mut wrong),
            ("beta's token", &mut beta_on_alpha),
        ] {
            let r = c.get(path).await;
            assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
            let challenge = r
                .headers
                .get(header::WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert!(
                challenge.starts_with("Bearer"),
                "{who} on {path}: WWW-Authenticate {challenge:?}"
            );
        }
    }
    // The same beta token works on beta's own host.
    app.client("beta.test")
        .with_bearer(&beta_token)
        .get("/api/v1/me")
        .await
        .assert_status(StatusCode::OK);

    // Another scheme, or a session cookie, is not a token.
    let token = api_token(&app, "alpha", "admin@alpha.test").await;
    let r = app
        .client("alpha.test")
        .request(
            Method::GET,
            "/api/v1/me",
            None,
            Vec::new(),
            &[("authorization", &format!("Basic {token}"))],
        )
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    let mut browser = app.client("alpha.test");
    browser.login_staff("admin@alpha.test").await;
    assert_error(
        &browser.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );

    // Writes without a token change nothing.
    let (accounts, audit) = (app.count("accounts").await, app.count("audit_log").await);
    let r = anonymous
        .send_json(
            Method::POST,
            "/api/v1/staff",
            &json!({"email": "x@alpha.test", "display_name": "X", "role": "admin"}),
        )
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(
        (app.count("accounts").await, app.count("audit_log").await),
        (accounts, audit)
    );
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let app = TestApp::new().await;
    let token = api_token(&app, "alpha", "agent@alpha.test").await;
    let mut c = app.client("alpha.test").with_bearer(&token);
    c.get("/api/v1/me").await.assert_status(StatusCode::OK);
    let listed = c.get("/api/v1/tokens").await.json();
    let list = listed.as_array().expect("list");
    assert_eq!(list.len(), 1);
    assert!(
        !listed.to_string().contains(&token),
        "the secret must never be listed"
    );
    let id = list[0]["id"].as_str().expect("id").to_owned();

    // Someone else's token cannot be revoked (404), even by an admin.
    let mut admin = admin_client(&app, "alpha").await;
    assert_error(
        &admin
            .request(
                Method::DELETE,
                &format!("/api/v1/tokens/{id}"),
                None,
                vec![],
                &[],
            )
            .await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
    c.get("/api/v1/me").await.assert_status(StatusCode::OK);

    c.request(
        Method::DELETE,
        &format!("/api/v1/tokens/{id}"),
        None,
        vec![],
        &[],
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    assert_error(
        &c.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let revoked = api_tokens::list(
        &app.db,
        app.tenant("alpha"),
        app.account("alpha", "agent@alpha.test").await.id,
    )
    .await
    .expect("list");
    assert!(revoked[0].revoked_at.is_some());

    // Disabling an account ends its tokens too.
    let token = api_token(&app, "alpha", "viewer@alpha.test").await;
    let viewer = app.account("alpha", "viewer@alpha.test").await;
    let mut v = app.client("alpha.test").with_bearer(&token);
    v.get("/api/v1/me").await.assert_status(StatusCode::OK);
    admin
        .send_json(
            Method::PATCH,
            &format!("/api/v1/staff/{}", viewer.id),
            &json!({"disabled": true}),
        )
        .await
        .assert_status(StatusCode::OK);
    assert_error(
        &v.get("/api/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

#[tokio::test]
async fn roles_without_the_permission_get_403_and_change_nothing() {
    let app = TestApp::new().await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let team = new_team(&app, "alpha", "Accueil").await;
    let mut clients = std::collections::HashMap::new();
    for role in ["viewer", "agent", "supervisor"] {
        clients.insert(role, client_as(&app, "alpha", role).await);
    }
    let tables = [
        "accounts",
        "teams",
        "team_members",
        "audit_log",
        "password_resets",
        "api_tokens",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(t).await);
    }

    let staff_body =
        json!({"email": "intruder@alpha.test", "display_name": "Intruder", "role": "admin"});
    let promote = json!({"role": "admin"});
    let cases: Vec<(&str, Method, String, Option<Value>)> = vec![
        ("viewer", Method::GET, "/api/v1/staff".into(), None),
        ("agent", Method::GET, "/api/v1/staff".into(), None),
        ("supervisor", Method::GET, "/api/v1/staff".into(), None),
        (
            "viewer",
            Method::POST,
            "/api/v1/staff".into(),
            Some(staff_body.clone()),
        ),
        (
            "agent",
            Method::POST,
            "/api/v1/staff".into(),
            Some(staff_body.clone()),
        ),
        (
            "supervisor",
            Method::POST,
            "/api/v1/staff".into(),
            Some(staff_body),
        ),
        (
            "agent",
            Method::GET,
            format!("/api/v1/staff/{}", agent.id),
            None,
        ),
        (
            "agent",
            Method::PATCH,
            format!("/api/v1/staff/{}", agent.id),
            Some(promote.clone()),
        ),
        (
            "supervisor",
            Method::PATCH,
            format!("/api/v1/staff/{}", agent.id),
            Some(promote),
        ),
        (
            "agent",
            Method::POST,
            format!("/api/v1/staff/{}/reset-link", agent.id),
            None,
        ),
        (
            "viewer",
            Method::POST,
            "/api/v1/teams".into(),
            Some(json!({"name": "Viewers"})),
        ),
        (
            "agent",
            Method::POST,
            "/api/v1/teams".into(),
            Some(json!({"name": "Agents"})),
        ),
        (
            "agent",
            Method::PATCH,
            format!("/api/v1/teams/{team}"),
            Some(json!({"name": "Renamed"})),
        ),
        (
            "agent",
            Method::PUT,
            format!("/api/v1/teams/{team}/members"),
            Some(json!({"members": [agent.id]})),
        ),
        (
            "viewer",
            Method::DELETE,
            format!("/api/v1/teams/{team}"),
            None,
        ),
        (
            "agent",
            Method::DELETE,
            format!("/api/v1/teams/{team}"),
            None,
        ),
        ("agent", Method::GET, "/api/v1/audit".into(), None),
        ("viewer", Method::GET, "/api/v1/audit".into(), None),
    ];
    for (role, method, path, body) in cases {
        let c = clients.get_mut(role).expect("client");
        let r = match &body {
            Some(b) => c.send_json(method.clone(), &path, b).await,
            None => c.request(method.clone(), &path, None, vec![], &[]).await,
        };
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{role} {method} {path}: {}",
            r.body
        );
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    }
    for (t, n) in tables.iter().zip(&before) {
        assert_eq!(app.count(t).await, *n, "{t} changed");
    }
    assert_eq!(
        app.account("alpha", "agent@alpha.test")
            .await
            .role
            .as_deref(),
        Some("agent")
    );
    assert_eq!(
        teams::get(&app.db, app.tenant("alpha"), team)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Accueil"
    );

    // What they may do, they can.
    let viewer = clients.get_mut("viewer").expect("viewer");
    viewer
        .get("/api/v1/teams")
        .await
        .assert_status(StatusCode::OK);
    viewer
        .get(&format!("/api/v1/teams/{team}"))
        .await
        .assert_status(StatusCode::OK);
    let supervisor = clients.get_mut("supervisor").expect("supervisor");
    supervisor
        .send_json(
            Method::POST,
            "/api/v1/teams",
            &json!({"name": "Back office"}),
        )
        .await
        .assert_status(StatusCode::CREATED);
    supervisor
        .get("/api/v1/audit")
        .await
        .assert_status(StatusCode::OK);

    // A portal account's token (should one exist) reaches nothing of the staff API.
    let mut citizen = client_as(&app, "alpha", "citizen").await;
    citizen
        .get("/api/v1/me")
        .await
        .assert_status(StatusCode::OK);
    assert_error(
        &citizen.get("/api/v1/teams").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

// ---------------------------------------------------------------------------------------
// 3. Tenants.

#[tokio::test]
async fn alpha_cannot_reach_betas_staff_or_teams() {
    let app = TestApp::new().await;
    let beta_agent = app.account("beta", "agent@beta.test").await;
    let beta_team = new_team(&app, "beta", "Support").await;
    let alpha_team = new_team(&app, "alpha", "Accueil").await;
    let beta_token = api_token(&app, "beta", "admin@beta.test").await;
    let beta_token_id = api_tokens::list(
        &app.db,
        app.tenant("beta"),
        app.account("beta", "admin@beta.test").await.id,
    )
    .await
    .unwrap()[0]
        .id;
    let beta_audit = audit_rows_of(&app, "beta").await;

    let mut c = admin_client(&app, "alpha").await;
    let not_found: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::GET,
            format!("/api/v1/staff/{}", beta_agent.id),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/staff/{}", beta_agent.id),
            Some(json!({"role": "admin", "disabled": true})),
        ),
        (
            Method::POST,
            format!("/api/v1/staff/{}/reset-link", beta_agent.id),
            None,
        ),
        (Method::GET, format!("/api/v1/teams/{beta_team}"), None),
        (
            Method::PATCH,
            format!("/api/v1/teams/{beta_team}"),
            Some(json!({"name": "Taken over"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/teams/{beta_team}/members"),
            Some(json!({"members": []})),
        ),
        (Method::DELETE, format!("/api/v1/teams/{beta_team}"), None),
        (
            Method::DELETE,
            format!("/api/v1/tokens/{beta_token_id}"),
            None,
        ),
    ];
    for (method, path, body) in not_found {
        let r = match &body {
            Some(b) => c.send_json(method.clone(), &path, b).await,
            None => c.request(method.clone(), &path, None, vec![], &[]).await,
        };
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.body
        );
        assert_error(&r, StatusCode::NOT_FOUND, "not-found");
    }

    // Beta's account cannot join an alpha team; the team keeps its members.
    let alpha_agent = app.account("alpha", "agent@alpha.test").await;
    c.send_json(
        Method::PUT,
        &format!("/api/v1/teams/{alpha_team}/members"),
        &json!({"members": [alpha_agent.id]}),
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    let r = c
        .send_json(
            Method::PUT,
            &format!("/api/v1/teams/{alpha_team}/members"),
            &json!({"members": [beta_agent.id]}),
        )
        .await;
    let body = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["field"], "members");
    let r = c
        .send_json(
            Method::PUT,
            &format!("/api/v1/teams/{alpha_team}/members"),
            &json!({"members": [Uuid::now_v7()]}),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        teams::members(&app.db, app.tenant("alpha"), alpha_team)
            .await
            .unwrap(),
        vec![alpha_agent.id]
    );

    // Lists show only alpha's.
    let staff = c.get("/api/v1/staff").await.json();
    assert!(
        staff
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["email"].as_str().unwrap().ends_with("@alpha.test")),
        "{staff}"
    );
    let teams_listed = c.get("/api/v1/teams").await.json();
    assert!(
        !teams_listed.to_string().contains(&beta_team.to_string()),
        "{teams_listed}"
    );
    let audit = c.get("/api/v1/audit?limit=200").await.json();
    assert!(!audit.to_string().contains("beta.test"), "{audit}");

    // Nothing changed in beta.
    let beta_agent_after = app.account("beta", "agent@beta.test").await;
    assert_eq!(
        (beta_agent_after.role.as_deref(), beta_agent_after.disabled),
        (Some("agent"), false)
    );
    assert_eq!(
        teams::get(&app.db, app.tenant("beta"), beta_team)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Support"
    );
    assert_eq!(audit_rows_of(&app, "beta").await, beta_audit);
    app.client("beta.test")
        .with_bearer(&beta_token)
        .get("/api/v1/me")
        .await
        .assert_status(StatusCode::OK);
}

// ---------------------------------------------------------------------------------------
// 4. Bad input.

#[tokio::test]
async fn bad_input_gets_a_clear_json_error_and_changes_nothing() {
    let app = TestApp::new().await;
    let mut c = admin_client(&app, "alpha").await;
    let admin = app.account("alpha", "admin@alpha.test").await;
    let (accounts, audit, resets) = (
        app.count("accounts").await,
        app.count("audit_log").await,
        app.count("password_resets").await,
    );

    let r = send_raw(
        &mut c,
        Method::POST,
        "/api/v1/staff",
        "application/json",
        r#"{"email": "a@alpha.test", "#,
    )
    .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "bad-request");
    let r = send_raw(
        &mut c,
        Method::POST,
        "/api/v1/staff",
        "text/plain",
        r#"{"email": "a@alpha.test"}"#,
    )
    .await;
    assert_error(
        &r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    );
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/staff",
            &json!({"email": "a@alpha.test", "display_name": "A"}),
        )
        .await;
    let body = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(body["message"].as_str().unwrap().contains("role"), "{body}");
    let r = c.send_json(Method::POST, "/api/v1/staff", &json!({"email": "a@alpha.test", "display_name": "A", "role": "agent", "password": "x"})).await;
    let body = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(
        body["message"].as_str().unwrap().contains("password"),
        "{body}"
    );

    let r = c
        .send_json(
            Method::POST,
            "/api/v1/staff",
            &json!({"email": "a@alpha.test", "display_name": "A", "role": "root"}),
        )
        .await;
    let body = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["field"], "role");
    assert_eq!(body["message"], "Choose a role from the list.");
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/staff",
            &json!({"email": "not an address", "display_name": "A", "role": "agent"}),
        )
        .await;
    let body = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["field"], "email");
    assert_eq!(
        body["message"],
        "Enter a valid email address, for example name@example.com."
    );
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/staff",
            &json!({"email": "a@alpha.test", "display_name": "  ", "role": "agent"}),
        )
        .await;
    assert_eq!(
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid")["field"],
        "display_name"
    );
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/staff",
            &json!({"email": "AGENT@alpha.test", "display_name": "Twin", "role": "agent"}),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "conflict");

    let agent = app.account("alpha", "agent@alpha.test").await;
    let r = c
        .send_json(
            Method::PATCH,
            &format!("/api/v1/staff/{}", agent.id),
            &json!({"role": "boss"}),
        )
        .await;
    assert_eq!(
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid")["field"],
        "role"
    );
    let r = c
        .send_json(
            Method::PATCH,
            &format!("/api/v1/staff/{}", agent.id),
            &json!({"disabled": "yes"}),
        )
        .await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let r = c
        .send_json(
            Method::PATCH,
            &format!("/api/v1/staff/{}", admin.id),
            &json!({"role": "agent"}),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "last-admin");
    let r = c
        .send_json(
            Method::PATCH,
            &format!("/api/v1/staff/{}", admin.id),
            &json!({"disabled": true}),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "last-admin");
    c.get("/api/v1/me").await.assert_status(StatusCode::OK);

    let r = c
        .send_json(Method::POST, "/api/v1/teams", &json!({"name": ""}))
        .await;
    assert_eq!(
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid")["field"],
        "name"
    );
    let r = c
        .send_json(
            Method::PUT,
            &format!("/api/v1/teams/{}/members", Uuid::now_v7()),
            &json!({"members": []}),
        )
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not-found");

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("from=yesterday", "from"),
        ("until=2026-02-30T00:00:00Z", "until"),
        ("actor_id=42", "actor_id"),
        ("before=nope", "before"),
    ] {
        let r = c.get(&format!("/api/v1/audit?{query}")).await;
        let body = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(body["field"], field, "{query}: {body}");
    }
    let r = c.get("/api/v1/audit?limit=0").await;
    assert_eq!(
        r.json()["message"],
        "The limit must be a whole number from 1 to 200."
    );
    assert_error(
        &c.get("/api/v1/audit?colour=red").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    );

    // Unknown paths, wrong methods and malformed ids are JSON too, never an HTML page.
    assert_error(
        &c.get("/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
    assert_error(
        &c.get("/api/v2/me").await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
    assert_error(
        &app.client("alpha.test").get("/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
    assert_error(
        &c.get("/api/v1/staff/not-a-uuid").await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
    let r = c
        .request(Method::DELETE, "/api/v1/staff", None, vec![], &[])
        .await;
    assert_error(&r, StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
    assert!(r.headers.get(header::ALLOW).is_some());
    // …while unknown pages outside /api/ stay HTML pages.
    let r = app.client("alpha.test").get("/nowhere").await;
    r.assert_status(StatusCode::NOT_FOUND)
        .assert_contains("<html");

    assert_eq!(app.count("accounts").await, accounts);
    assert_eq!(app.count("audit_log").await, audit);
    assert_eq!(app.count("password_resets").await, resets);
    assert_eq!(app.count("teams").await, 0);
    assert_eq!(
        app.account("alpha", "admin@alpha.test")
            .await
            .role
            .as_deref(),
        Some("admin")
    );
}

// ---------------------------------------------------------------------------------------
// 5. Writes are audited, and the staff life cycle works end to end.

#[tokio::test]
async fn writes_through_the_api_are_audited() {
    let app = TestApp::new().await;
    let admin = app.account("alpha", "admin@alpha.test").await;
    let mut c = admin_client(&app, "alpha").await;

    let r = c.send_json(Method::POST, "/api/v1/staff", &json!({"email": " Camille.Martin@Alpha.test ", "display_name": "Camille Martin", "role": "supervisor", "locale": "en"})).await;
    r.assert_status(StatusCode::CREATED);
    let created = r.json();
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(created["email"], "camille.martin@alpha.test");
    assert_eq!(created["role"], "supervisor");
    assert_eq!(created["disabled"], false);
    // No password: the person gets a link to choose one.
    let mails = app.mails().await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("camille.martin@alpha.test") && m.contains("/password/reset/")),
        "no reset mail"
    );
    assert_eq!(
        c.get(&format!("/api/v1/staff/{id}")).await.json()["display_name"],
        "Camille Martin"
    );

    let r = c.get("/api/v1/audit?action=account.create").await;
    r.assert_status(StatusCode::OK);
    let page = r.json();
    let entry = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no audit entry: {page}"));
    assert_eq!(entry["action"], "account.create");
    assert_eq!(entry["target_kind"], "account");
    assert_eq!(entry["actor_id"], admin.id.to_string());
    assert_eq!(entry["actor_label"], "admin@alpha.test");
    assert!(
        entry["request_id"].as_str().is_some_and(|r| !r.is_empty()),
        "{entry}"
    );
    assert_eq!(entry["summary"]["role"], "supervisor");
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] == "account.create")
    );

    let r = c
        .send_json(
            Method::PATCH,
            &format!("/api/v1/staff/{id}"),
            &json!({"role": "agent", "display_name": "Camille M."}),
        )
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["role"], "agent");
    let team = c
        .send_json(Method::POST, "/api/v1/teams", &json!({"name": "Accueil"}))
        .await
        .json();
    let team_id = team["id"].as_str().unwrap().to_owned();
    assert_error(
        &c.send_json(Method::POST, "/api/v1/teams", &json!({"name": "Accueil"}))
            .await,
        StatusCode::CONFLICT,
        "conflict",
    );
    c.send_json(
        Method::PUT,
        &format!("/api/v1/teams/{team_id}/members"),
        &json!({"members": [id, id]}),
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    let listed = c.get("/api/v1/teams").await.json();
    assert_eq!(listed[0]["members"], json!([id]));
    c.request(
        Method::DELETE,
        &format!("/api/v1/teams/{team_id}"),
        None,
        vec![],
        &[],
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    assert_error(
        &c.get(&format!("/api/v1/teams/{team_id}")).await,
        StatusCode::NOT_FOUND,
        "not-found",
    );

    let actions: Vec<String> = c
        .get(&format!("/api/v1/audit?actor_id={}", admin.id))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    for expected in [
        "account.create",
        "account.update",
        "team.create",
        "team.members",
        "team.delete",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "{expected} not in {actions:?}"
        );
    }
    let by_target = c
        .get(&format!("/api/v1/audit?target_id={id}&action=account."))
        .await
        .json();
    let mut target_actions: Vec<&str> = by_target["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    target_actions.sort();
    assert_eq!(
        target_actions,
        [
            "account.create",
            "account.reset_requested",
            "account.update"
        ]
    );

    // Pages follow each other without gaps or repeats.
    let all = c.get("/api/v1/audit?limit=200").await.json();
    let all_ids: Vec<Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    assert!(all["next_before"].is_null());
    let mut walked = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let url = match &before {
            Some(b) => format!("/api/v1/audit?limit=3&before={b}"),
            None => "/api/v1/audit?limit=3".to_owned(),
        };
        let page = c.get(&url).await.json();
        walked.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone()),
        );
        match page["next_before"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(walked, all_ids);
    let future = c
        .get("/api/v1/audit?from=2999-01-01T00:00:00Z")
        .await
        .json();
    assert_eq!(future["items"], json!([]));
}

#[tokio::test]
async fn a_portal_account_reads_and_changes_its_profile_and_preferences_through_the_api() {
    let app = TestApp::new().await;
    // A portal account makes its token on its account page, as a person would.
    let mut browser = app.client("alpha.test");
    browser.login_portal("citizen@alpha.test").await;
    let page = browser.get("/account").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Créer un jeton");
    let r = browser
        .post_form("/account/tokens", &[("name", "mon agenda")])
        .await;
    r.assert_status(StatusCode::OK);
    let marker = "<code class=\"token\">";
    let start = r.body.find(marker).expect("token shown") + marker.len();
    let token = r.body[start..start + r.body[start..].find('<').unwrap()].to_owned();
    let mut c = app.client("alpha.test").with_bearer(&token);

    let me = c.get("/api/v1/me").await;
    me.assert_status(StatusCode::OK);
    let me = me.json();
    assert_eq!(me["account"]["kind"], "portal");
    assert_eq!(me["profile"]["phone"], Value::Null);
    assert_eq!(
        me["notifications"],
        json!({"message": "immediately", "status": "immediately"})
    );

    let r = c
        .send_json(
            Method::PATCH,
            "/api/v1/me",
            &json!({
                "locale": "en",
                "profile": {"given_name": "Camille", "family_name": "Lefèvre", "phone": "06 12 34 56 78"},
                "notifications": {"message": "daily"}
            }),
        )
        .await;
    r.assert_status(StatusCode::OK);
    let me = r.json();
    assert_eq!(me["account"]["locale"], "en");
    assert_eq!(me["account"]["display_name"], "Camille Lefèvre");
    assert_eq!(
        me["profile"],
        json!({"given_name": "Camille", "family_name": "Lefèvre", "phone": "+33612345678"})
    );
    assert_eq!(
        me["notifications"],
        json!({"message": "daily", "status": "immediately"})
    );
    // The account pages show the same.
    browser
        .get("/account/profile")
        .await
        .assert_contains("value=\"+33612345678\"")
        .assert_contains("value=\"Lefèvre\"");
    let prefs = browser.get("/account/notifications").await;
    assert!(
        prefs.body.contains("value=\"daily\" checked"),
        "{}",
        prefs.body
    );

    // Bad input: refused with the field at fault, nothing changed (the good parts neither).
    let audit = app.count("audit_log").await;
    for (body, field) in [
        (json!({"locale": "de"}), Some("locale")),
        (
            json!({"locale": "fr", "profile": {"given_name": " "}}),
            Some("profile.given_name"),
        ),
        (
            json!({"locale": "fr", "profile": {"phone": "12"}}),
            Some("profile.phone"),
        ),
        (
            json!({"notifications": {"message": "weekly"}}),
            Some("notifications.message"),
        ),
        (
            json!({"locale": "fr", "notifications": {"sms": "daily"}}),
            Some("notifications.sms"),
        ),
        (json!({"profile": {"nickname": "Cam"}}), None),
        (json!({"role": "admin"}), None),
    ] {
        let r = c.send_json(Method::PATCH, "/api/v1/me", &body).await;
        let err = assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        if let Some(field) = field {
            assert_eq!(err["field"], field, "{body}");
        }
    }
    assert_eq!(app.count("audit_log").await, audit);
    let me = c.get("/api/v1/me").await.json();
    assert_eq!(me["account"]["locale"], "en");
    assert_eq!(me["profile"]["given_name"], "Camille");
    assert_eq!(me["notifications"]["message"], "daily");

    // An empty phone removes it; the rest is kept.
    let me = c
        .send_json(
            Method::PATCH,
            "/api/v1/me",
            &json!({"profile": {"phone": ""}}),
        )
        .await
        .json();
    assert_eq!(me["profile"]["phone"], Value::Null);
    assert_eq!(me["profile"]["family_name"], "Lefèvre");

    // A portal token reaches only its own account.
    for path in ["/api/v1/persons", "/api/v1/cases", "/api/v1/staff"] {
        assert_error(&c.get(path).await, StatusCode::FORBIDDEN, "forbidden");
    }
    c.get("/api/v1/tokens").await.assert_status(StatusCode::OK);

    // Staff have no profile or preferences here; their language changes.
    let staff = api_token(&app, "alpha", "agent@alpha.test").await;
    let mut s = app.client("alpha.test").with_bearer(&staff);
    let me = s.get("/api/v1/me").await.json();
    assert_eq!(me["profile"], Value::Null);
    assert_eq!(me["notifications"], Value::Null);
    assert_error(
        &s.send_json(
            Method::PATCH,
            "/api/v1/me",
            &json!({"notifications": {"message": "never"}}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let me = s
        .send_json(Method::PATCH, "/api/v1/me", &json!({"locale": "en"}))
        .await
        .json();
    assert_eq!(me["account"]["locale"], "en");
}

#[tokio::test]
async fn bulk_actions_over_the_api_are_checked_case_by_case() {
    let app = TestApp::new().await;
    let voirie = app
        .publish_demo_service("alpha", crate::backoffice::VOIRIE)
        .await;
    let file = || {
        crate::backoffice::file_case(
            &app,
            "alpha",
            &voirie,
            None,
            "portal",
            relais_domain::service::sla::Priority::Normal,
        )
    };
    let (a, b) = (file().await, file().await);
    let beta_service = app
        .publish_demo_service("beta", crate::backoffice::VOIRIE)
        .await;
    let beta_case = crate::backoffice::file_case(
        &app,
        "beta",
        &beta_service,
        None,
        "portal",
        relais_domain::service::sla::Priority::Normal,
    )
    .await;
    let mut agent = client_as(&app, "alpha", "agent").await;
    let r = agent
        .send_json(
            Method::POST,
            "/api/v1/cases/bulk",
            &json!({"cases": [
                {"id": a.id, "row_version": a.row_version},
                {"id": b.id, "row_version": b.row_version + 7},
                {"id": beta_case.id, "row_version": 1}
            ], "action": "label", "labels": "tournée nord"}),
        )
        .await;
    r.assert_status(StatusCode::OK);
    let out = r.json();
    assert_eq!(out["done"], 1, "{out}");
    assert_eq!(out["refused"], 2, "{out}");
    assert_eq!(out["results"][0]["code"], "bulk-done-label");
    assert_eq!(out["results"][1]["code"], "bulk-stale");
    assert_eq!(out["results"][2]["code"], "bulk-case-not-found");
    assert_eq!(out["results"][2]["reference"], "");
    assert_eq!(
        relais_store::case_labels::of_case(&app.db, app.tenant("alpha"), a.id)
            .await
            .unwrap(),
        vec!["tournée nord".to_owned()]
    );
    assert!(
        relais_store::case_labels::of_case(&app.db, app.tenant("beta"), beta_case.id)
            .await
            .unwrap()
            .is_empty()
    );
    // Nothing picked, an unknown action: refused whole.
    agent
        .send_json(
            Method::POST,
            "/api/v1/cases/bulk",
            &json!({"cases": [], "action": "label", "labels": "x"}),
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = agent
        .send_json(
            Method::POST,
            "/api/v1/cases/bulk",
            &json!({"cases": [{"id": a.id, "row_version": 1}], "action": "explode"}),
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "action", "{}", r.body);
    // Viewers read only.
    let mut viewer = client_as(&app, "alpha", "viewer").await;
    viewer
        .send_json(
            Method::POST,
            "/api/v1/cases/bulk",
            &json!({"cases": [{"id": a.id, "row_version": 2}], "action": "label", "labels": "x"}),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_board_and_the_rules_over_the_api_keep_their_pages_permissions() {
    let app = TestApp::new().await;
    let mut agent = client_as(&app, "alpha", "agent").await;
    let mut supervisor = client_as(&app, "alpha", "supervisor").await;
    let mut admin = admin_client(&app, "alpha").await;
    agent
        .get("/api/v1/board")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let r = supervisor.get("/api/v1/board").await;
    r.assert_status(StatusCode::OK);
    let board = r.json();
    assert!(
        board["workload"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["display_name"] == "agent"),
        "{board}"
    );
    assert_eq!(
        board["backlog"].as_array().map(Vec::len),
        Some(5),
        "{board}"
    );

    // Routing: administrators only; the team and the service must be this tenant's.
    let service = crate::catalogue::published_service(&app, "alpha", "routed").await;
    let beta_service = crate::catalogue::published_service(&app, "beta", "routed").await;
    let team = new_team(&app, "alpha", "Voirie").await;
    let beta_team = new_team(&app, "beta", "Voirie").await;
    supervisor
        .get("/api/v1/routing")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let r = admin
        .send_json(
            Method::PUT,
            &format!("/api/v1/routing/{service}"),
            &json!({"team_id": beta_team, "strategy": "round_robin"}),
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "team");
    admin
        .send_json(
            Method::PUT,
            &format!("/api/v1/routing/{beta_service}"),
            &json!({"team_id": team, "strategy": "round_robin"}),
        )
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let r = admin
        .send_json(
            Method::PUT,
            &format!("/api/v1/routing/{service}"),
            &json!({"team_id": team, "strategy": "skills"}),
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "skill");
    admin
        .send_json(
            Method::PUT,
            &format!("/api/v1/routing/{service}"),
            &json!({"team_id": team, "strategy": "skills", "skill": "anglais"}),
        )
        .await
        .assert_status(StatusCode::OK);
    let rules = admin.get("/api/v1/routing").await.json();
    assert_eq!(rules[0]["skill"], "anglais", "{rules}");
    assert_eq!(rules.as_array().map(Vec::len), Some(1));

    // Automation: checked like the form; another tenant's records are unknown here.
    let beta_canned = relais_store::canned::create(
        &app.db,
        &Actor::system(app.tenant("beta"), "test"),
        "Relance",
        "Bonjour",
    )
    .await
    .unwrap();
    let r = admin
        .send_json(Method::POST, "/api/v1/automation", &json!({"name": "Relance", "trigger": "waiting_days", "delay_days": 7, "actions": {"send_template": beta_canned}}))
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "send_template", "{}", r.body);
    let r = admin
        .send_json(
            Method::POST,
            "/api/v1/automation",
            &json!({"name": "Sans délai", "trigger": "idle_days", "actions": {"add_label": "x"}}),
        )
        .await;
    assert_eq!(r.json()["field"], "delay_days", "{}", r.body);
    let r = admin
        .send_json(Method::POST, "/api/v1/automation", &json!({"name": "Urgent", "trigger": "case_created", "conditions": {"channel": "phone"}, "actions": {"set_priority": "high", "add_label": "téléphone"}}))
        .await;
    r.assert_status(StatusCode::CREATED);
    let rule = r.json();
    assert_eq!(rule["conditions"]["channel"], "phone");
    assert_eq!(rule["actions"]["add_label"], "téléphone");
    let id = rule["id"].as_str().unwrap().to_owned();
    admin
        .send_json(
            Method::POST,
            "/api/v1/automation",
            &json!({"name": "Urgent", "trigger": "case_created", "actions": {"add_label": "y"}}),
        )
        .await
        .assert_status(StatusCode::CONFLICT);
    supervisor
        .get(&format!("/api/v1/automation/{id}"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let mut beta_admin = admin_client(&app, "beta").await;
    beta_admin
        .get(&format!("/api/v1/automation/{id}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    beta_admin
        .request(
            Method::DELETE,
            &format!("/api/v1/automation/{id}"),
            None,
            Vec::new(),
            &[],
        )
        .await
        .assert_status(StatusCode::NOT_FOUND);
    admin
        .request(
            Method::DELETE,
            &format!("/api/v1/automation/{id}"),
            None,
            Vec::new(),
            &[],
        )
        .await
        .assert_status(StatusCode::NO_CONTENT);
    assert_eq!(app.count("automation_rules").await, 0);
}

/// `POST /api/v1/cases` reads the service, the requester and the organisation at once: each
/// must be the tenant's own, and a refusal for any of them files nothing.
#[tokio::test]
async fn case_creation_refuses_another_tenants_person_or_organisation() {
    let app = TestApp::new().await;
    let mut c = admin_client(&app, "alpha").await;
    let voirie = app
        .publish_demo_service("alpha", crate::backoffice::VOIRIE)
        .await;
    let own_person = crate::people::person(&app, "alpha", "Hélène", "Durand").await;
    let beta_person = crate::people::person(&app, "beta", "Bruno", "Bêta").await;
    let beta_organisation = crate::people::organisation(&app, "beta", "Bêta SA").await;
    let body = |extra: Value| {
        let mut body = json!({"service": voirie.slug, "channel": "phone",
            "answers": crate::backoffice::report_answers()});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body
    };
    let (cases, audit) = (app.count("cases").await, app.count("audit_log").await);
    for (what, extra) in [
        ("beta's person", json!({"requester_person_id": beta_person})),
        (
            "beta's organisation",
            json!({"requester_person_id": own_person, "organisation_id": beta_organisation}),
        ),
        (
            "a person nobody has",
            json!({"requester_person_id": Uuid::new_v4()}),
        ),
        (
            "a service nobody has",
            json!({"service": "no-such-service", "requester_person_id": own_person}),
        ),
    ] {
        let r = c
            .send_json(Method::POST, "/api/v1/cases", &body(extra))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{what}: {}", r.body);
        assert_error(&r, StatusCode::NOT_FOUND, "not-found");
    }
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/cases",
            &body(json!({"requester_person_id": own_person, "priority": "whenever"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(app.count("cases").await, cases);
    assert_eq!(app.count("audit_log").await, audit);

    // The tenant's own person: filed for her.
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/cases",
            &body(json!({"requester_person_id": own_person})),
        )
        .await;
    r.assert_status(StatusCode::CREATED);
    let filed = r.json();
    assert_eq!(filed["requester_person_id"], json!(own_person));
    assert_eq!(filed["labels"], json!([]));
    assert_eq!(app.count("cases").await, cases + 1);
}

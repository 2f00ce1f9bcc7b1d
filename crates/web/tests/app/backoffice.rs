//! The back office's case pages: views with counts, filters and keyset pages; the case page
//! (requester, answers, documents and their preview, timeline); replies, notes, transitions,
//! assignment, priority, labels, document checks; and every refusal — a transition the
//! workflow or the role does not allow, an assignment outside the tenant, a reply to a closed
//! case, a stale form, a viewer acting — each with a clear message and nothing changed.

use crate::common::{TestApp, TestClient};
use axum::http::StatusCode;
use relais_domain::service::sla::Priority;
use relais_store::{
    Actor,
    case_views::{self, Cursor, Filter, Sort, View},
    cases::{self, Case},
    services::Service,
};
use relais_web::cases::flow::{self, Filing};
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub const VOIRIE: &str = "belleville-signalement-voirie";

pub fn report_answers() -> Map<String, Value> {
    json!({
        "category": "pothole",
        "danger": true,
        "description": "Nid-de-poule profond devant le n° 12, dangereux pour les vélos.",
        "location_method": "address",
        "address": {"street": "12 rue des Lilas", "postcode": "45000", "city": "Belleville-sur-Loire", "country": "FR"},
        "follow_up": true,
        "email": "riverain@example.org"
    })
    .as_object()
    .cloned()
    .expect("object")
}

/// Files a report in `slug` for `person` (or anonymously), on `channel`.
pub async fn file_case(
    app: &TestApp,
    slug: &str,
    service: &Service,
    person: Option<Uuid>,
    channel: &str,
    priority: Priority,
) -> Case {
    let tenant = app.tenant_row(slug).await;
    flow::file(
        &app.state,
        &tenant,
        &Actor::system(tenant.id, "test"),
        Filing {
            service,
            answers: report_answers(),
            documents: vec![],
            requester_person_id: person,
            requester_account_id: None,
            contact_email: person.is_none().then(|| "riverain@example.org".to_owned()),
            organisation_id: None,
            channel,
            priority,
            draft_id: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("filed: {e:?}"))
    .case
}

pub async fn case_now(app: &TestApp, slug: &str, id: Uuid) -> Case {
    cases::get(&app.db, app.tenant(slug), id)
        .await
        .unwrap()
        .unwrap()
}

pub async fn events(app: &TestApp, slug: &str, id: Uuid) -> Vec<cases::Event> {
    cases::events(&app.db, app.tenant(slug), id, false)
        .await
        .unwrap()
}

/// The team the report's workflow assigns by name.
async fn voirie_team(app: &TestApp) -> Uuid {
    relais_store::teams::create(
        &app.db,
        &Actor::system(app.tenant("alpha"), "test"),
        "Voirie et propreté",
    )
    .await
    .unwrap()
    .id
}

pub async fn staff(app: &TestApp, email: &str) -> TestClient {
    let slug = email
        .split('@')
        .nth(1)
        .and_then(|h| h.split('.').next())
        .unwrap();
    let mut c = app.client(&format!("{slug}.test"));
    c.login_staff(email).await;
    c
}

/// The value of the first hidden input `name` of a page.
pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} in the page"))
        + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end]
        .replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&#43;", "+")
}

/// What every form of the case page carries back (as a browser would post it).
pub fn seen(body: &str) -> Vec<(&'static str, String)> {
    [
        "row_version",
        "seen_at",
        "seen_status",
        "seen_priority",
        "seen_team",
        "seen_assignee",
        "seen_labels",
    ]
    .into_iter()
    .map(|n| (n, hidden(body, n)))
    .collect()
}

pub async fn post(
    c: &mut TestClient,
    path: &str,
    seen: &[(&'static str, String)],
    extra: &[(&str, &str)],
) -> crate::common::TestResponse {
    let mut fields: Vec<(&str, &str)> = seen.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fields.extend_from_slice(extra);
    c.post_form(path, &fields).await
}

// ---------------------------------------------------------------------------------------
// Views

#[tokio::test]
async fn views_show_the_right_cases_with_counts() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let tenant = app.tenant_row("alpha").await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let actor = Actor::system(tenant.id, "test");
    let mine = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let unassigned = file_case(&app, "alpha", &service, None, "phone", Priority::Urgent).await;
    let at_risk = file_case(&app, "alpha", &service, None, "portal", Priority::Low).await;
    let breached = file_case(&app, "alpha", &service, None, "portal", Priority::High).await;
    let waiting = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    cases::apply(
        &app.db,
        &actor,
        waiting.id,
        cases::CaseWrite {
            expected_version: waiting.row_version,
            status: Some(("incomplete".into(), "waiting_requester".into())),
            audit: ("case.transition", json!({})),
            ..cases::CaseWrite::default()
        },
    )
    .await
    .unwrap();
    relais_web::cases::handling::assign(
        &app.state,
        &tenant,
        &actor,
        mine.id,
        mine.row_version,
        None,
        Some(agent.id),
    )
    .await
    .unwrap();
    for (case, state) in [(&at_risk, "warning"), (&breached, "breached")] {
        cases::apply(
            &app.db,
            &actor,
            case.id,
            cases::CaseWrite {
                expected_version: case.row_version,
                sla_state: Some(state.into()),
                audit: ("case.timers", json!({})),
                ..cases::CaseWrite::default()
            },
        )
        .await
        .unwrap();
    }
    // Another tenant's case never shows.
    let beta_service = app.publish_demo_service("beta", VOIRIE).await;
    let beta_case = file_case(
        &app,
        "beta",
        &beta_service,
        None,
        "portal",
        Priority::Normal,
    )
    .await;

    let mut c = staff(&app, "agent@alpha.test").await;
    let r = c.get("/backoffice/cases").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Tous les dossiers ouverts")
        .assert_contains(&mine.reference)
        .assert_contains(&unassigned.reference)
        .assert_contains("Les miens <span class=\"count\">(1<")
        .assert_contains("Non attribués <span class=\"count\">(4<")
        .assert_contains("Délai menacé <span class=\"count\">(1<")
        .assert_contains("Délai dépassé <span class=\"count\">(1<")
        .assert_contains("Tous les dossiers ouverts <span class=\"count\">(5<");
    assert!(!r.body.contains(&beta_case.reference));

    let r = c.get("/backoffice/cases?view=mine").await;
    r.assert_contains(&mine.reference);
    assert!(!r.body.contains(&unassigned.reference));
    let r = c.get("/backoffice/cases?view=unassigned").await;
    assert!(!r.body.contains(&mine.reference));
    r.assert_contains(&unassigned.reference);
    let r = c.get("/backoffice/cases?view=at_risk&lang=en").await;
    r.assert_contains(&at_risk.reference)
        .assert_contains("At risk");
    assert!(!r.body.contains(&breached.reference));
    let r = c.get("/backoffice/cases?view=breached").await;
    r.assert_contains(&breached.reference);
    assert!(!r.body.contains(&at_risk.reference));
    // Waiting on the requester: only the case whose status is of that kind, counted.
    let r = c.get("/backoffice/cases?view=waiting").await;
    r.assert_contains(&waiting.reference)
        .assert_contains("Waiting on requester <span class=\"count\">(1<");
    for other in [&mine, &unassigned, &at_risk, &breached] {
        assert!(!r.body.contains(&other.reference));
    }

    // Filters: priority, channel, part of the reference, assignee.
    let r = c.get("/backoffice/cases?priority=urgent").await;
    r.assert_contains(&unassigned.reference);
    assert!(!r.body.contains(&mine.reference));
    let r = c.get("/backoffice/cases?channel=phone").await;
    r.assert_contains(&unassigned.reference);
    assert!(!r.body.contains(&at_risk.reference));
    let code = &breached.reference[breached.reference.len() - 5..];
    let r = c
        .get(&format!("/backoffice/cases?q={}", code.to_lowercase()))
        .await;
    r.assert_contains(&breached.reference);
    assert!(!r.body.contains(&mine.reference));
    let r = c.get("/backoffice/cases?assignee=me&view=all").await;
    r.assert_contains(&mine.reference);
    assert!(!r.body.contains(&breached.reference));
}

#[tokio::test]
async fn a_filter_that_cannot_be_read_is_named_and_left_out() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut c = staff(&app, "agent@alpha.test").await;
    let r = c
        .get("/backoffice/cases?from=31/02/2026&priority=huge&view=everything&after=zzz")
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Saisissez une date au format jj/mm/aaaa.")
        .assert_contains("Choisissez une priorité dans la liste.")
        .assert_contains("Cette vue n&#39;existe pas")
        .assert_contains("aria-describedby=\"from-error\"")
        .assert_contains(&case.reference);
    let r = c
        .get("/backoffice/cases?from=2026-03-10&to=2026-03-01&lang=en")
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("The end date must be on or after the start date.");
}

#[tokio::test]
async fn pages_follow_submission_order_without_gaps_or_repeats() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let tenant = app.tenant("alpha");
    let agent = app.account("alpha", "agent@alpha.test").await;
    let mut filed = Vec::new();
    for _ in 0..7 {
        filed.push(
            file_case(&app, "alpha", &service, None, "portal", Priority::Normal)
                .await
                .id,
        );
    }
    for sort in [Sort::Newest, Sort::Oldest] {
        let mut seen = Vec::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = case_views::list(
                &app.db,
                tenant,
                agent.id,
                View::Open,
                &Filter::default(),
                sort,
                cursor,
                3,
            )
            .await
            .unwrap();
            if page.is_empty() {
                break;
            }
            cursor = page.last().map(|r| r.cursor());
            // A cursor survives a trip through the link.
            cursor = cursor.and_then(|c| Cursor::decode(&c.encode()));
            seen.extend(page.iter().map(|r| r.id));
        }
        let mut expected = filed.clone();
        if sort == Sort::Newest {
            expected.reverse();
        }
        assert_eq!(seen, expected, "{sort:?}");
    }
    // Through the page: the first page links to the next with its cursor.
    let mut c = staff(&app, "agent@alpha.test").await;
    let r = c.get("/backoffice/cases?sort=oldest").await;
    assert!(!r.body.contains("rel=\"next\""), "one page only");
}

#[tokio::test]
async fn an_agent_saves_and_removes_views_of_their_own() {
    let app = TestApp::new().await;
    let mut c = staff(&app, "agent@alpha.test").await;
    let r = c
        .post_form(
            "/backoffice/cases/views",
            &[
                ("name", "Urgent phone"),
                ("query", "view=open&priority=urgent&channel=phone"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let r = c.get("/backoffice/cases").await;
    r.assert_contains("Urgent phone")
        .assert_contains("/backoffice/cases?view=open&#38;priority=urgent&#38;channel=phone");
    // The same name twice: named, nothing saved.
    let r = c
        .post_form(
            "/backoffice/cases/views",
            &[("name", "Urgent phone"), ("query", "view=mine")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Vous avez déjà une vue de ce nom.");
    assert_eq!(app.count("saved_views").await, 1);
    // Another agent cannot remove it.
    let views = relais_store::saved_views::list(
        &app.db,
        app.tenant("alpha"),
        app.account("alpha", "agent@alpha.test").await.id,
    )
    .await
    .unwrap();
    let mut other = staff(&app, "supervisor@alpha.test").await;
    other
        .post_form(
            &format!("/backoffice/cases/views/{}/delete", views[0].id),
            &[],
        )
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert_eq!(app.count("saved_views").await, 1);
    c.post_form(
        &format!("/backoffice/cases/views/{}/delete", views[0].id),
        &[],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("saved_views").await, 0);
}

// ---------------------------------------------------------------------------------------
// The case page

#[tokio::test]
async fn the_case_page_shows_requester_answers_documents_and_timeline() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let person = crate::people::person(&app, "alpha", "Camille", "Martin").await;
    let case = file_case(
        &app,
        "alpha",
        &service,
        Some(person),
        "phone",
        Priority::Normal,
    )
    .await;
    let actor = Actor::system(app.tenant("alpha"), "test");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let document = attach(
        &app,
        &actor,
        case.id,
        person,
        png,
        "image/png",
        "photo trou.png",
    )
    .await;

    let mut c = staff(&app, "viewer@alpha.test").await;
    let r = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    r.assert_status(StatusCode::OK)
        .assert_contains(&case.reference)
        .assert_contains("Camille Martin")
        .assert_contains(&format!("/backoffice/people/{person}"))
        // The answers, labelled as the definition version says.
        .assert_contains("Formulaire tel que déposé")
        .assert_contains("Nid-de-poule profond")
        .assert_contains("12 rue des Lilas")
        .assert_contains("photo trou.png")
        .assert_contains(&format!(
            "<img class=\"doc-preview\" src=\"/backoffice/cases/{}/documents/{document}\"",
            case.id
        ))
        .assert_contains("Dossier déposé")
        .assert_contains("par Téléphone");
    // A viewer reads but is offered no action.
    assert!(!r.body.contains("name=\"row_version\""));

    // The preview: its type, inline, for staff of this tenant only.
    let file = c
        .get(&format!(
            "/backoffice/cases/{}/documents/{document}",
            case.id
        ))
        .await;
    file.assert_status(StatusCode::OK);
    assert_eq!(file.headers["content-type"], "image/png");
    assert_eq!(
        file.headers["content-disposition"],
        "inline; filename=\"photo trou.png\"; filename*=UTF-8''photo%20trou.png"
    );
    assert_eq!(file.headers["x-frame-options"], "SAMEORIGIN");
    let mut beta = staff(&app, "admin@beta.test").await;
    beta.get(&format!(
        "/backoffice/cases/{}/documents/{document}",
        case.id
    ))
    .await
    .assert_status(StatusCode::NOT_FOUND);
    let mut citizen = app.client("alpha.test");
    citizen.login_portal("citizen@alpha.test").await;
    citizen
        .get(&format!(
            "/backoffice/cases/{}/documents/{document}",
            case.id
        ))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // A document of another case is not served through this one.
    let other = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    c.get(&format!(
        "/backoffice/cases/{}/documents/{document}",
        other.id
    ))
    .await
    .assert_status(StatusCode::NOT_FOUND);
}

/// Stores a file and attaches it to a case (as a filing would).
pub async fn attach(
    app: &TestApp,
    actor: &Actor,
    case_id: Uuid,
    person: Uuid,
    bytes: &[u8],
    media_type: &str,
    name: &str,
) -> Uuid {
    let hash = app.state.files.put(bytes).await.unwrap();
    let doc = relais_store::documents::create(
        &app.db,
        actor,
        &relais_store::documents::NewDocument {
            owner_person_id: Some(person),
            kind: None,
            file_hash: &hash,
            media_type,
            size_bytes: bytes.len() as i64,
            file_name: name,
        },
    )
    .await
    .unwrap();
    let sql = "INSERT INTO case_documents (tenant_id, case_id, document_id, field_id) VALUES ($1, $2, $3, 'photos')";
    match &app.db {
        relais_store::Db::Sqlite(p) => {
            sqlx::query(sql)
                .bind(actor.tenant_id)
                .bind(case_id)
                .bind(doc.id)
                .execute(p)
                .await
                .unwrap();
        }
        relais_store::Db::Postgres(p) => {
            sqlx::query(sql)
                .bind(actor.tenant_id)
                .bind(case_id)
                .bind(doc.id)
                .execute(p)
                .await
                .unwrap();
        }
    }
    doc.id
}

#[tokio::test]
async fn documents_are_validated_or_rejected_with_a_reason() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let person = crate::people::person(&app, "alpha", "Camille", "Martin").await;
    let case = file_case(
        &app,
        "alpha",
        &service,
        Some(person),
        "portal",
        Priority::Normal,
    )
    .await;
    let actor = Actor::system(app.tenant("alpha"), "test");
    let pdf = b"%PDF-1.4\n%%EOF\n";
    let document = attach(
        &app,
        &actor,
        case.id,
        person,
        pdf,
        "application/pdf",
        "justificatif.pdf",
    )
    .await;
    let mut c = staff(&app, "agent@alpha.test").await;
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    page.assert_contains("<iframe");
    let form = seen(&page.body);
    let path = format!("/backoffice/cases/{}/documents/{document}/check", case.id);

    // A rejection needs its reason: named, nothing changed.
    let before = events(&app, "alpha", case.id).await.len();
    let r = post(
        &mut c,
        &path,
        &form,
        &[("verdict", "rejected"), ("reason", "  ")],
    )
    .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Indiquez pourquoi la pièce est refusée")
        .assert_contains("aria-describedby=\"reason-error\"");
    assert_eq!(events(&app, "alpha", case.id).await.len(), before);
    let doc = relais_store::documents::get(&app.db, app.tenant("alpha"), document)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.status, "pending");

    let r = post(
        &mut c,
        &path,
        &form,
        &[
            ("verdict", "rejected"),
            ("reason", "Illisible, merci de la numériser à nouveau."),
        ],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let doc = relais_store::documents::get(&app.db, app.tenant("alpha"), document)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.status, "rejected");
    assert_eq!(
        doc.reject_reason.as_deref(),
        Some("Illisible, merci de la numériser à nouveau.")
    );
    let last = events(&app, "alpha", case.id).await.pop().unwrap();
    assert_eq!(last.kind, "document_rejected");
    assert!(last.public, "the requester sees why");

    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    let r = post(
        &mut c,
        &path,
        &seen(&page.body),
        &[("verdict", "valid"), ("valid_until", "2030-01-31")],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let doc = relais_store::documents::get(&app.db, app.tenant("alpha"), document)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.status, "valid");
    assert_eq!(
        doc.valid_until.map(|d| d.to_string()).as_deref(),
        Some("2030-01-31")
    );
    c.get(&format!(
        "/backoffice/cases/{}/documents/{document}",
        case.id
    ))
    .await
    .assert_status(StatusCode::OK);
}

#[tokio::test]
async fn a_reply_is_mailed_shown_and_counts_as_first_response() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    assert!(case.first_response_at.is_none());
    let mut c = staff(&app, "agent@alpha.test").await;
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    let form = seen(&page.body);
    let path = format!("/backoffice/cases/{}/reply", case.id);
    // An empty reply is named and sends nothing.
    let r = post(&mut c, &path, &form, &[("body", "   ")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Écrivez le message.");
    assert!(app.mails().await.is_empty());

    let r = post(
        &mut c,
        &path,
        &form,
        &[("body", "Bonjour,\nNous passons demain.")],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let now = case_now(&app, "alpha", case.id).await;
    assert!(now.first_response_at.is_some());
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("riverain@example.org"));
    assert!(mails[0].contains("Nous passons demain."));
    assert!(mails[0].contains(&case.reference));
    let last = events(&app, "alpha", case.id).await.pop().unwrap();
    assert_eq!(last.kind, "message_to_requester");
    assert!(last.public);
    c.get(&format!(
        "/backoffice/cases/{}?notice=case-replied",
        case.id
    ))
    .await
    .assert_contains("Réponse envoyée.")
    .assert_contains("Nous passons demain.");

    // An internal note: staff only, no mail.
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    let r = post(
        &mut c,
        &format!("/backoffice/cases/{}/notes", case.id),
        &seen(&page.body),
        &[("note", "Vu avec l'équipe voirie.")],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let last = events(&app, "alpha", case.id).await.pop().unwrap();
    assert_eq!(last.kind, "note");
    assert!(!last.public);
    assert_eq!(app.mails().await.len(), 1);
}

#[tokio::test]
async fn a_reply_to_a_closed_case_is_refused() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut c = staff(&app, "supervisor@alpha.test").await;
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    post(
        &mut c,
        &format!("/backoffice/cases/{}/transition", case.id),
        &seen(&page.body),
        &[("transition", "reject"), ("comment", "Voie privée.")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let closed = case_now(&app, "alpha", case.id).await;
    assert_eq!(closed.status_kind, "closed_refused");
    let mails = app.mails().await.len();
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    page.assert_contains("Le dossier est clos : aucune réponse ne peut être envoyée.");
    let before = events(&app, "alpha", case.id).await.len();
    let r = post(
        &mut c,
        &format!("/backoffice/cases/{}/reply", case.id),
        &seen(&page.body),
        &[("body", "Encore un mot.")],
    )
    .await;
    r.assert_status(StatusCode::CONFLICT)
        .assert_contains("Le dossier est clos : aucune réponse ne peut être envoyée.")
        .assert_contains("Rien n&#39;a été modifié.");
    assert_eq!(events(&app, "alpha", case.id).await.len(), before);
    assert_eq!(app.mails().await.len(), mails);
    assert_eq!(
        case_now(&app, "alpha", case.id).await.row_version,
        closed.row_version
    );
}

#[tokio::test]
async fn a_stale_form_is_refused_and_says_what_changed() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    voirie_team(&app).await;
    let mut karim = staff(&app, "agent@alpha.test").await;
    let mut sebastien = staff(&app, "supervisor@alpha.test").await;
    let karims_page = karim.get(&format!("/backoffice/cases/{}", case.id)).await;
    let karims_form = seen(&karims_page.body);

    // Sébastien raises the priority and takes the case in charge first.
    let page = sebastien
        .get(&format!("/backoffice/cases/{}", case.id))
        .await;
    post(
        &mut sebastien,
        &format!("/backoffice/cases/{}/priority", case.id),
        &seen(&page.body),
        &[("priority", "urgent")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let page = sebastien
        .get(&format!("/backoffice/cases/{}", case.id))
        .await;
    post(
        &mut sebastien,
        &format!("/backoffice/cases/{}/transition", case.id),
        &seen(&page.body),
        &[("transition", "take_charge")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let after_sebastien = case_now(&app, "alpha", case.id).await;
    let events_before = events(&app, "alpha", case.id).await.len();

    // Karim's reply, typed on the page he loaded before: refused, his text kept.
    let r = post(
        &mut karim,
        &format!("/backoffice/cases/{}/reply", case.id),
        &karims_form,
        &[("body", "Nous arrivons.")],
    )
    .await;
    r.assert_status(StatusCode::CONFLICT)
        .assert_contains("Quelqu&#39;un d&#39;autre a modifié ce dossier")
        .assert_contains("Priorité : Priorité normale → Urgente")
        .assert_contains("Statut : Reçue → Intervention programmée")
        .assert_contains("Équipe : Personne → ")
        .assert_contains("supervisor@alpha.test")
        .assert_contains(">Nous arrivons.</textarea>");
    // Nothing written, nothing mailed.
    assert_eq!(events(&app, "alpha", case.id).await.len(), events_before);
    assert!(
        app.mails()
            .await
            .iter()
            .all(|m| !m.contains("Nous arrivons."))
    );
    assert_eq!(
        case_now(&app, "alpha", case.id).await.row_version,
        after_sebastien.row_version
    );
    // Every other form is refused the same way.
    for (path, fields) in [
        ("notes", vec![("note", "x")]),
        ("priority", vec![("priority", "low")]),
        ("labels", vec![("labels", "x")]),
        ("assign", vec![("team", ""), ("assignee", "")]),
        ("transition", vec![("transition", "forward")]),
    ] {
        post(
            &mut karim,
            &format!("/backoffice/cases/{}/{path}", case.id),
            &karims_form,
            &fields,
        )
        .await
        .assert_status(StatusCode::CONFLICT);
    }
    let now = case_now(&app, "alpha", case.id).await;
    assert_eq!(now.row_version, after_sebastien.row_version);
    assert_eq!(now.priority, "urgent");
    // The page he gets back carries the new version: sending again works.
    let r = post(
        &mut karim,
        &format!("/backoffice/cases/{}/reply", case.id),
        &seen(&r.body),
        &[("body", "Nous arrivons.")],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn transitions_follow_the_workflow_and_the_role() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    voirie_team(&app).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut c = staff(&app, "agent@alpha.test").await;
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    // The agent is offered what the workflow lets an agent do from "received".
    page.assert_contains("value=\"take_charge\"")
        .assert_contains("value=\"forward\"");
    assert!(!page.body.contains("value=\"reject\""), "supervisors only");
    let form = seen(&page.body);
    let path = format!("/backoffice/cases/{}/transition", case.id);
    let before = events(&app, "alpha", case.id).await.len();
    for (transition, message) in [
        ("reject", "Votre rôle ne permet pas cette transition."),
        (
            "fixed",
            "Cette transition ne part pas du statut du dossier.",
        ),
        ("teleport", "Cette transition n&#39;existe pas"),
    ] {
        post(&mut c, &path, &form, &[("transition", transition)])
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains(message);
    }
    // Asking for corrections needs the comment.
    post(&mut c, &path, &form, &[("transition", "ask_details")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Écrivez ce que le demandeur doit corriger.");
    post(&mut c, &path, &form, &[])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choisissez une transition.");
    assert_eq!(events(&app, "alpha", case.id).await.len(), before);
    assert_eq!(
        case_now(&app, "alpha", case.id).await.row_version,
        case.row_version
    );

    post(
        &mut c,
        &path,
        &form,
        &[
            ("transition", "take_charge"),
            ("comment", "Je m'en occupe."),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let now = case_now(&app, "alpha", case.id).await;
    assert_eq!(now.status, "processing");
    assert!(
        now.team_id.is_some(),
        "the transition's action assigned the team"
    );
    c.get(&format!("/backoffice/cases/{}", case.id))
        .await
        .assert_contains("Reçue → Intervention programmée")
        .assert_contains("Je m&#39;en occupe.");
}

#[tokio::test]
async fn assignment_stays_within_the_tenant_and_its_active_agents() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let alpha = app.tenant("alpha");
    let team = relais_store::teams::create(&app.db, &Actor::system(alpha, "test"), "Voirie")
        .await
        .unwrap();
    let beta_team =
        relais_store::teams::create(&app.db, &Actor::system(app.tenant("beta"), "test"), "Beta")
            .await
            .unwrap();
    let beta_agent = app.account("beta", "agent@beta.test").await;
    let viewer = app.account("alpha", "viewer@alpha.test").await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let mut c = staff(&app, "supervisor@alpha.test").await;
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    assert!(!page.body.contains(&beta_agent.id.to_string()));
    let form = seen(&page.body);
    let path = format!("/backoffice/cases/{}/assign", case.id);
    for (team_id, agent_id, message) in [
        (
            String::new(),
            beta_agent.id.to_string(),
            "Choisissez un agent actif de cette organisation.",
        ),
        (
            String::new(),
            viewer.id.to_string(),
            "Choisissez un agent actif de cette organisation.",
        ),
        (
            beta_team.id.to_string(),
            String::new(),
            "Choisissez une équipe de cette organisation.",
        ),
        (
            "not-an-id".into(),
            String::new(),
            "Choisissez une équipe de cette organisation.",
        ),
    ] {
        post(
            &mut c,
            &path,
            &form,
            &[("team", &team_id), ("assignee", &agent_id)],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(message);
    }
    let now = case_now(&app, "alpha", case.id).await;
    assert_eq!((now.team_id, now.assignee_id), (None, None));
    assert_eq!(now.row_version, case.row_version);

    post(
        &mut c,
        &path,
        &form,
        &[
            ("team", &team.id.to_string()),
            ("assignee", &agent.id.to_string()),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let now = case_now(&app, "alpha", case.id).await;
    assert_eq!(
        (now.team_id, now.assignee_id),
        (Some(team.id), Some(agent.id))
    );
    let last = events(&app, "alpha", case.id).await.pop().unwrap();
    assert_eq!(last.kind, "assigned");
    assert!(!last.public);
}

#[tokio::test]
async fn priority_and_labels_are_saved_and_checked() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut c = staff(&app, "agent@alpha.test").await;
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    let form = seen(&page.body);
    post(
        &mut c,
        &format!("/backoffice/cases/{}/priority", case.id),
        &form,
        &[("priority", "extreme")],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Choisissez une priorité dans la liste.");
    let long = "x".repeat(41);
    post(
        &mut c,
        &format!("/backoffice/cases/{}/labels", case.id),
        &form,
        &[("labels", &long)],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Une étiquette fait 40 caractères au plus.")
    .assert_contains(&format!("value=\"{long}\""));
    assert_eq!(
        case_now(&app, "alpha", case.id).await.row_version,
        case.row_version
    );

    post(
        &mut c,
        &format!("/backoffice/cases/{}/priority", case.id),
        &form,
        &[("priority", "high")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let now = case_now(&app, "alpha", case.id).await;
    assert_eq!(now.priority, "high");
    // The service-level due time follows the priority (1 business day instead of 2).
    assert!(now.first_response_due_at < case.first_response_due_at);
    let page = c.get(&format!("/backoffice/cases/{}", case.id)).await;
    post(
        &mut c,
        &format!("/backoffice/cases/{}/labels", case.id),
        &seen(&page.body),
        &[("labels", "rappel, Vélo , rappel")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        relais_store::case_labels::of_case(&app.db, app.tenant("alpha"), case.id)
            .await
            .unwrap(),
        vec!["Vélo".to_owned(), "rappel".to_owned()]
    );
    let r = c.get("/backoffice/cases?label=rappel").await;
    r.assert_contains(&case.reference);
    let r = c.get("/backoffice/cases?label=autre").await;
    assert!(!r.body.contains(&case.reference));
}

#[tokio::test]
async fn a_canned_response_fills_in_the_case() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let person = crate::people::person(&app, "alpha", "Camille", "Martin").await;
    let case = file_case(
        &app,
        "alpha",
        &service,
        Some(person),
        "portal",
        Priority::Normal,
    )
    .await;
    let id = relais_store::canned::create(
        &app.db,
        &Actor::system(app.tenant("alpha"), "test"),
        "Accusé de réception",
        "Bonjour {given_name},\nvotre demande {reference} ({service}) est prise en compte. {agent_name}",
    )
    .await
    .unwrap();
    let mut c = staff(&app, "agent@alpha.test").await;
    let r = c
        .get(&format!("/backoffice/cases/{}?canned={id}", case.id))
        .await;
    r.assert_status(StatusCode::OK).assert_contains(&format!(
        "Bonjour Camille,\nvotre demande {} (Signaler un problème sur la voie publique) est prise en compte. agent</textarea>",
        case.reference
    ));
    // Another tenant's canned response is not found.
    let beta = relais_store::canned::create(
        &app.db,
        &Actor::system(app.tenant("beta"), "test"),
        "Beta",
        "Bonjour",
    )
    .await
    .unwrap();
    c.get(&format!("/backoffice/cases/{}?canned={beta}", case.id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// Permissions

#[tokio::test]
async fn viewers_read_and_cannot_act() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    // The form an agent would post, sent by a viewer.
    let mut agent = staff(&app, "agent@alpha.test").await;
    let form = seen(
        &agent
            .get(&format!("/backoffice/cases/{}", case.id))
            .await
            .body,
    );
    let mut viewer = staff(&app, "viewer@alpha.test").await;
    viewer
        .get("/backoffice/cases")
        .await
        .assert_status(StatusCode::OK);
    viewer
        .get(&format!("/backoffice/cases/{}", case.id))
        .await
        .assert_status(StatusCode::OK);
    let before = events(&app, "alpha", case.id).await.len();
    for (path, fields) in [
        ("reply", vec![("body", "x")]),
        ("notes", vec![("note", "x")]),
        ("priority", vec![("priority", "urgent")]),
        ("labels", vec![("labels", "x")]),
        ("assign", vec![("team", ""), ("assignee", "")]),
        ("transition", vec![("transition", "take_charge")]),
    ] {
        post(
            &mut viewer,
            &format!("/backoffice/cases/{}/{path}", case.id),
            &form,
            &fields,
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    }
    assert_eq!(events(&app, "alpha", case.id).await.len(), before);
    assert_eq!(
        case_now(&app, "alpha", case.id).await.row_version,
        case.row_version
    );
    // Portal accounts do not see the back office at all.
    let mut citizen = app.client("alpha.test");
    citizen.login_portal("citizen@alpha.test").await;
    citizen
        .get(&format!("/backoffice/cases/{}", case.id))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    citizen
        .get("/backoffice/cases")
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

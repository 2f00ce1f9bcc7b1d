//! The canned responses' administration: list, create, edit and delete per tenant, French
//! required and English optional (an English-reading requester gets the English text),
//! variables checked and documented; agents and other tenants cannot reach it.

use crate::backoffice::{VOIRIE, report_answers, staff};
use crate::common::TestApp;
use axum::http::StatusCode;
use relais_domain::{AccountKind, Email, Locale, service::sla::Priority};
use relais_store::{Actor, accounts, canned};
use relais_web::cases::flow::{self, Filing};

#[tokio::test]
async fn a_supervisor_writes_canned_responses_in_french_and_english() {
    let app = TestApp::new().await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let r = sup.get("/admin/canned").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Aucune réponse type pour l&#39;instant.")
        .assert_contains("<code>{reference}</code>")
        .assert_contains("le prénom du demandeur");

    // Bad input: no title, an unknown variable, an English text without its title.
    let r = sup
        .post_form(
            "/admin/canned",
            &[
                ("title", " "),
                ("body", "Bonjour {prenom}"),
                ("title_en", ""),
                ("body_en", "Hello"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Saisissez un titre.")
        .assert_contains("Le texte utilise une variable qui n&#39;existe pas.")
        .assert_contains("aria-describedby=\"title_en-error\"")
        .assert_contains("Bonjour {prenom}</textarea>");
    assert_eq!(app.count("canned_responses").await, 0);

    let r = sup
        .post_form(
            "/admin/canned",
            &[
                ("title", "Accusé de réception"),
                (
                    "body",
                    "Bonjour {given_name}, votre demande {reference} est prise en compte.",
                ),
                ("title_en", "Acknowledgement"),
                (
                    "body_en",
                    "Hello {given_name}, your request {reference} is being handled.",
                ),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let list = canned::list(&app.db, app.tenant("alpha")).await.unwrap();
    assert_eq!(list.len(), 1);
    let id = list[0].id;
    assert_eq!(r.location(), Some("/admin/canned?notice=canned-created"));
    sup.get("/admin/canned?notice=canned-created")
        .await
        .assert_contains("Réponse type créée.")
        .assert_contains(&format!(
            "<a href=\"/admin/canned/{id}\">Accusé de réception</a>"
        ))
        .assert_contains("<span lang=\"en\">Acknowledgement</span>");
    // The same title twice is refused.
    sup.post_form(
        "/admin/canned",
        &[("title", "Accusé de réception"), ("body", "Autre")],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Une autre réponse type porte déjà ce titre.");

    // Edit: the English text goes; readers of English then get the French.
    let r = sup.get(&format!("/admin/canned/{id}")).await;
    r.assert_status(StatusCode::OK).assert_contains(
        "Hello {given_name}, your request {reference} is being handled.</textarea>",
    );
    sup.post_form(
        &format!("/admin/canned/{id}"),
        &[
            ("title", "Accusé de réception"),
            (
                "body",
                "Bonjour {given_name}, nous avons bien reçu {reference}.",
            ),
            ("title_en", ""),
            ("body_en", ""),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let saved = canned::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        saved.body,
        "Bonjour {given_name}, nous avons bien reçu {reference}."
    );
    assert_eq!(saved.body_in(Locale::En), saved.body);

    // An agent neither reads nor writes them here; another tenant's are not found.
    let mut agent = staff(&app, "agent@alpha.test").await;
    agent
        .get("/admin/canned")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    agent
        .post_form(&format!("/admin/canned/{id}/delete"), &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let mut beta = staff(&app, "supervisor@beta.test").await;
    beta.get(&format!("/admin/canned/{id}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    beta.post_form(&format!("/admin/canned/{id}/delete"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);

    sup.post_form(&format!("/admin/canned/{id}/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("canned_responses").await, 0);
    let audit = relais_store::audit::list(
        &app.db,
        app.tenant("alpha"),
        &relais_store::audit::Filter {
            action: Some("canned.".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["canned.delete", "canned.update", "canned.create"]);
}

#[tokio::test]
async fn an_english_reading_requester_gets_the_english_text() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let tenant = app.tenant_row("alpha").await;
    let actor = Actor::system(tenant.id, "test");
    let reader = accounts::create(
        &app.db,
        &actor,
        accounts::NewAccount {
            kind: AccountKind::Portal,
            email: Email::parse("reader@example.org").unwrap(),
            display_name: "Reader".into(),
            password_hash: None,
            role: None,
            locale: Some(Locale::En),
        },
    )
    .await
    .unwrap();
    let case = flow::file(
        &app.state,
        &tenant,
        &actor,
        Filing {
            service: &service,
            answers: report_answers(),
            documents: vec![],
            requester_person_id: None,
            requester_account_id: Some(reader.id),
            contact_email: None,
            organisation_id: None,
            channel: "portal",
            priority: Priority::Normal,
            draft_id: None,
        },
    )
    .await
    .unwrap()
    .case;
    let id = canned::create_with(
        &app.db,
        &actor,
        &canned::Texts {
            title: "Reçu",
            body: "Votre demande {reference} est reçue.",
            title_en: "Received",
            body_en: "Your request {reference} is received.",
        },
    )
    .await
    .unwrap();
    let mut agent = staff(&app, "agent@alpha.test").await;
    agent
        .get(&format!("/backoffice/cases/{}?canned={id}", case.id))
        .await
        .assert_contains(&format!(
            "Your request {} is received.</textarea>",
            case.reference
        ));
}

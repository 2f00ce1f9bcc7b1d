//! Filing a case for someone from the back office (`/backoffice/cases/new`): an agent finds
//! the person (or creates them and comes back), chooses a procedure and the channel, fills
//! in the form and files; the case is the person's, on that channel. Every refusal — a
//! channel the procedure does not offer, a procedure out of the agent's reach, another
//! tenant's person, a viewer, invalid answers, a file that is not what it claims — says why
//! and writes nothing.

use crate::backoffice::{VOIRIE, case_now, hidden, staff};
use crate::common::{TestApp, TestClient, TestResponse};
use axum::http::StatusCode;
use relais_domain::{Role, routing::Strategy};
use relais_store::{Actor, cases, routing, teams};
use uuid::Uuid;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// The pothole report's slug (its demo file is `VOIRIE`).
const SLUG: &str = "signalement-voirie";

/// The fields of a pothole report as typed in the back-office form.
fn report(person: Uuid, shown: &str) -> Vec<(String, String)> {
    [
        ("person", person.to_string()),
        ("service", SLUG.to_owned()),
        ("channel", "phone".to_owned()),
        ("shown", shown.to_owned()),
        ("priority", "high".to_owned()),
        ("category", "pothole".to_owned()),
        ("danger", "yes".to_owned()),
        (
            "description",
            "Nid-de-poule signalé par téléphone devant le 4 rue des Lilas.".to_owned(),
        ),
        ("location_method", "address".to_owned()),
        ("address.street", "4 rue des Lilas".to_owned()),
        ("address.postcode", "45000".to_owned()),
        ("address.city", "Belleville-sur-Loire".to_owned()),
        ("follow_up", "yes".to_owned()),
        ("email", "lucie.riverain@example.org".to_owned()),
        ("action", "file".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

async fn post(c: &mut TestClient, fields: &[(String, String)]) -> TestResponse {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form("/backoffice/cases/new", &refs).await
}

/// Posts the form as a browser does when it has file inputs (multipart).
async fn post_multipart(
    c: &mut TestClient,
    fields: &[(String, String)],
    files: &[(&str, &str, &[u8])],
) -> TestResponse {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    crate::portal::post_multipart(c, "/backoffice/cases/new", &refs, files).await
}

/// The case filed, from the page that confirms it (its "Open the case" button).
fn filed_case(r: &TestResponse) -> Uuid {
    r.assert_status(StatusCode::OK)
        .assert_contains("id=\"reference\"");
    let marker = "class=\"button\" href=\"/backoffice/cases/";
    let start = r.body.find(marker).expect("link to the case") + marker.len();
    r.body[start..start + 36].parse().expect("case id")
}

/// The form's `shown` once the answers above are given (the address opens with the
/// location method).
async fn shown_for_report(c: &mut TestClient, person: Uuid) -> String {
    let r = c
        .get(&format!(
            "/backoffice/cases/new?person={person}&service={SLUG}&channel=phone"
        ))
        .await;
    r.assert_status(StatusCode::OK);
    let first = hidden(&r.body, "shown");
    // A first post with the initial form: the address was not asked yet.
    let r = post(c, &report(person, &first)).await;
    r.assert_status(StatusCode::OK)
        .assert_contains("f-address-street");
    hidden(&r.body, "shown")
}

#[tokio::test]
async fn an_agent_files_a_phone_call_for_a_person_found_by_search() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", VOIRIE).await;
    let person = crate::people::person(&app, "alpha", "Lucie", "Riverain").await;
    let mut c = staff(&app, "agent@alpha.test").await;

    // The case list leads here; the search finds the person and links to choosing her.
    c.get("/backoffice/cases")
        .await
        .assert_contains("href=\"/backoffice/cases/new\"");
    c.get("/backoffice/cases/new?q=riverain")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(&format!("/backoffice/cases/new?person={person}"));
    // With the person chosen, the procedures offered by a staff channel are listed.
    c.get(&format!("/backoffice/cases/new?person={person}"))
        .await
        .assert_contains("Lucie Riverain")
        .assert_contains(&format!("value=\"{SLUG}\""));

    let before = app.count("cases").await;
    let shown = shown_for_report(&mut c, person).await;
    assert_eq!(
        app.count("cases").await,
        before,
        "more questions, nothing filed"
    );
    let r = post(&mut c, &report(person, &shown)).await;
    let id = filed_case(&r);
    // No e-mail address on record: the agent gives the reference and the tracking code.
    r.assert_contains("aucun accusé de réception n’a été envoyé")
        .assert_contains("id=\"tracking-code\"");
    let code = {
        let marker = "id=\"tracking-code\">";
        let start = r.body.find(marker).unwrap() + marker.len();
        let end = r.body[start..].find('<').unwrap() + start;
        r.body[start..end].to_owned()
    };
    let case = case_now(&app, "alpha", id).await;
    assert_eq!(case.channel, "phone");
    assert_eq!(case.requester_person_id, Some(person));
    assert_eq!(case.priority, "high");
    let answers: serde_json::Value = serde_json::from_str(&case.answers).unwrap();
    assert_eq!(answers["address"]["street"], "4 rue des Lilas");
    assert_eq!(app.count("cases").await, before + 1);
    // The timeline says an agent filed it, and the case page names the requester.
    let created = cases::events(&app.db, app.tenant("alpha"), id, false)
        .await
        .unwrap();
    assert!(
        created.iter().any(|e| e.actor_label == "agent@alpha.test"),
        "{created:?}"
    );
    c.get(&format!("/backoffice/cases/{id}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Lucie Riverain");
    // With the reference and the code, the caller follows the case on the portal.
    let mut caller = app.client("alpha.test");
    let r = caller
        .post_form(
            "/track",
            &[
                ("reference", case.reference.as_str()),
                ("code", code.as_str()),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some(format!("/my/requests/{id}").as_str()));
}

#[tokio::test]
async fn a_scan_handed_over_at_the_counter_goes_into_the_case_and_the_safe() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", VOIRIE).await;
    let person = crate::people::person(&app, "alpha", "Lucie", "Riverain").await;
    relais_store::people::add_email(
        &app.db,
        &Actor::system(app.tenant("alpha"), "test"),
        person,
        &relais_domain::Email::parse("lucie.riverain@example.org").unwrap(),
    )
    .await
    .unwrap();
    let mut c = staff(&app, "agent@alpha.test").await;
    let shown = shown_for_report(&mut c, person).await;
    let mut fields = report(person, &shown);
    fields.retain(|(k, _)| k != "channel");
    fields.push(("channel".into(), "counter".into()));

    // A text file calling itself a PNG is refused: nothing stored, the answers kept.
    let documents = app.count("documents").await;
    let cases_before = app.count("cases").await;
    let r = post_multipart(&mut c, &fields, &[("photos", "trou.png", b"not an image")]).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("4 rue des Lilas")
        .assert_contains("joignez-les à nouveau");
    assert_eq!(app.count("documents").await, documents);
    assert_eq!(app.count("cases").await, cases_before);

    assert!(
        app.mails().await.is_empty(),
        "no acknowledgement of a refusal"
    );
    let r = post_multipart(&mut c, &fields, &[("photos", "trou.png", PNG)]).await;
    let id = filed_case(&r);
    r.assert_contains("Un accusé de réception a été envoyé à lucie.riverain@example.org.");
    let case = case_now(&app, "alpha", id).await;
    assert_eq!(case.channel, "counter");
    // The acknowledgement names the reference, the document and how to follow the case.
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].contains("To: lucie.riverain@example.org"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains(&case.reference), "{}", mails[0]);
    assert!(mails[0].contains("trou.png"), "{}", mails[0]);
    assert_eq!(app.count("documents").await, documents + 1);
    let safe = relais_store::documents::safe(&app.db, app.tenant("alpha"), person)
        .await
        .unwrap();
    assert_eq!(safe.len(), 1, "the scan is in the person's safe");
    let answers: serde_json::Value = serde_json::from_str(&case.answers).unwrap();
    assert_eq!(answers["photos"][0], safe[0].id.to_string());
    c.get(&format!("/backoffice/cases/{id}"))
        .await
        .assert_contains("trou.png");
}

#[tokio::test]
async fn a_new_person_is_created_and_the_filing_goes_on_with_them() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", VOIRIE).await;
    let mut c = staff(&app, "agent@alpha.test").await;
    c.get("/backoffice/cases/new?q=personne+inconnue")
        .await
        .assert_contains("href=\"/backoffice/people/new?then=case\"");
    c.get("/backoffice/people/new?then=case")
        .await
        .assert_contains("name=\"then\" value=\"case\"");
    // A person form sent back with an error still leads back to the filing.
    let people_before = app.count("persons").await;
    c.post_form(
        "/backoffice/people",
        &[
            ("given_name", "Noé"),
            ("family_name", ""),
            ("birth_date", ""),
            ("locale", "fr"),
            ("then", "case"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("name=\"then\" value=\"case\"");
    assert_eq!(app.count("persons").await, people_before);
    let r = c
        .post_form(
            "/backoffice/people",
            &[
                ("given_name", "Noé"),
                ("family_name", "Nouveau"),
                ("birth_date", ""),
                ("locale", "fr"),
                ("then", "case"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let location = r.location().unwrap().to_owned();
    assert!(
        location.starts_with("/backoffice/cases/new?person="),
        "{location}"
    );
    c.get(&location)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Noé Nouveau")
        .assert_contains(&format!("value=\"{SLUG}\""));
}

#[tokio::test]
async fn filing_for_someone_refuses_what_does_not_fit_and_writes_nothing() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let actor = Actor::system(alpha, "test");
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    app.publish_demo_service("beta", VOIRIE).await;
    let person = crate::people::person(&app, "alpha", "Lucie", "Riverain").await;
    let stranger = crate::people::person(&app, "beta", "Bruno", "Ailleurs").await;
    let mut c = staff(&app, "agent@alpha.test").await;
    let shown = shown_for_report(&mut c, person).await;
    let cases_before = app.count("cases").await;

    // A channel the procedure does not offer (the pothole report takes no letters).
    let r = c
        .get(&format!(
            "/backoffice/cases/new?person={person}&service={SLUG}&channel=letter"
        ))
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("ne peut pas être déposée par ce canal");
    assert!(!r.body.contains("name=\"shown\""), "no form for it");
    let mut by_letter = report(person, &shown);
    by_letter.retain(|(k, _)| k != "channel");
    by_letter.push(("channel".into(), "letter".into()));
    post(&mut c, &by_letter)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("ne peut pas être déposée par ce canal");
    // The portal is not a staff channel, even though the procedure offers it.
    let mut by_portal = report(person, &shown);
    by_portal.retain(|(k, _)| k != "channel");
    by_portal.push(("channel".into(), "portal".into()));
    post(&mut c, &by_portal)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);

    // Invalid answers: each named, what was typed kept.
    let mut invalid = report(person, &shown);
    invalid.retain(|(k, _)| k != "description" && k != "email");
    invalid.push(("email".into(), "pas-une-adresse".into()));
    let r = post(&mut c, &invalid).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("href=\"#f-description\"")
        .assert_contains("href=\"#f-email\"")
        .assert_contains("value=\"pas-une-adresse\"")
        .assert_contains("4 rue des Lilas");
    // A priority that does not exist.
    let mut bad_priority = report(person, &shown);
    bad_priority.retain(|(k, _)| k != "priority");
    bad_priority.push(("priority".into(), "extreme".into()));
    post(&mut c, &bad_priority)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("href=\"#priority\"");
    // A field the procedure does not have.
    let mut unknown = report(person, &shown);
    unknown.push(("iban".into(), "FR76".into()));
    post(&mut c, &unknown)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("iban");

    // A procedure only another tenant has: not one to choose here.
    app.publish_demo_service("beta", "brioche-reclamation-commande")
        .await;
    let mut theirs = report(person, &shown);
    theirs.retain(|(k, _)| k != "service");
    theirs.push(("service".into(), "reclamation-commande".into()));
    post(&mut c, &theirs)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choisissez une démarche dans la liste.");
    // An archived person is no longer someone to file for.
    let archived = crate::people::person(&app, "alpha", "Ancien", "Archivé").await;
    relais_store::people::archive_person(&app.db, &actor, archived)
        .await
        .unwrap();
    c.get(&format!("/backoffice/cases/new?person={archived}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    post(&mut c, &report(archived, &shown))
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Another tenant's person: as if they did not exist.
    c.get(&format!("/backoffice/cases/new?person={stranger}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    post(&mut c, &report(stranger, &shown))
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // A viewer reads and cannot file.
    let mut viewer = staff(&app, "viewer@alpha.test").await;
    viewer
        .get("/backoffice/cases/new")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    post(&mut viewer, &report(person, &shown))
        .await
        .assert_status(StatusCode::FORBIDDEN);

    // A procedure routed to a team the agent is not in is out of their reach.
    let team = teams::create(&app.db, &actor, "Voirie").await.unwrap().id;
    routing::save_rule(&app.db, &actor, service.id, team, Strategy::TeamOnly, None)
        .await
        .unwrap();
    let r = c
        .get(&format!(
            "/backoffice/cases/new?person={person}&service={SLUG}&channel=phone"
        ))
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choisissez une démarche dans la liste.");
    assert!(!r.body.contains(&format!("value=\"{SLUG}\"")));
    post(&mut c, &report(person, &shown))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // A supervisor sees every procedure and may file it.
    let supervisor = app.account("alpha", "supervisor@alpha.test").await;
    assert_eq!(supervisor.role(), Some(Role::Supervisor));

    assert_eq!(app.count("cases").await, cases_before, "nothing was filed");
    let mut s = staff(&app, "supervisor@alpha.test").await;
    filed_case(&post(&mut s, &report(person, &shown)).await);
    assert_eq!(app.count("cases").await, cases_before + 1);
}

#[tokio::test]
async fn a_booking_at_the_counter_is_filed_for_the_persons_organisation() {
    use relais_domain::people::{Party, RelationshipKind};
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let actor = Actor::system(alpha, "test");
    app.publish_demo_service("alpha", "belleville-reservation-salle")
        .await;
    let person = crate::people::person(&app, "alpha", "Inès", "Garnier").await;
    let club = relais_store::people::create_organisation(&app.db, &actor, "Judo club", None)
        .await
        .unwrap();
    let other = relais_store::people::create_organisation(&app.db, &actor, "Chorale", None)
        .await
        .unwrap();
    relais_store::people::add_relationship(
        &app.db,
        &actor,
        person,
        RelationshipKind::MemberOf,
        Party::Organisation(club.id),
    )
    .await
    .unwrap();
    let mut c = staff(&app, "agent@alpha.test").await;
    // Someone who belongs to no organisation: said when the procedure is chosen.
    let alone = crate::people::person(&app, "alpha", "Sam", "Seul").await;
    let r = c
        .get(&format!(
            "/backoffice/cases/new?person={alone}&service=reservation-salle&channel=counter"
        ))
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("cette personne n’est rattachée à aucune");
    assert!(!r.body.contains("name=\"shown\""), "no form for it");
    let r = c
        .get(&format!(
            "/backoffice/cases/new?person={person}&service=reservation-salle&channel=counter"
        ))
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Pour qui la personne fait-elle cette démarche ?")
        .assert_contains("Judo club")
        .assert_contains("name=\"doc:insurance\"");
    let shown = hidden(&r.body, "shown");
    let date = (chrono::Utc::now() + chrono::Duration::days(40))
        .format("%Y-%m-%d")
        .to_string();
    let booking = |on_behalf: &str| -> Vec<(String, String)> {
        [
            ("person", person.to_string()),
            ("service", "reservation-salle".to_owned()),
            ("channel", "counter".to_owned()),
            ("shown", shown.clone()),
            ("priority", "normal".to_owned()),
            ("room", "jean-moulin".to_owned()),
            ("event_kind", "general_assembly".to_owned()),
            ("event_date", date.clone()),
            ("slot", "evening".to_owned()),
            ("attendees", "40".to_owned()),
            ("public_event", "no".to_owned()),
            ("association_name", "Judo club de Belleville".to_owned()),
            ("rna_number", "W372001234".to_owned()),
            ("contact_name", "Inès Garnier".to_owned()),
            ("phone", "06 12 34 56 78".to_owned()),
            ("email", "judo@example.org".to_owned()),
            ("on_behalf", on_behalf.to_owned()),
            ("action", "file".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    };
    let cases_before = app.count("cases").await;
    let documents = app.count("documents").await;
    let insurance: &[(&str, &str, &[u8])] = &[("doc:insurance", "assurance.png", PNG)];
    // The room is booked for organisations only: the person alone, or an organisation she
    // does not belong to, is refused; so is a booking without its insurance certificate.
    for refused in ["self", "", &other.id.to_string()] {
        post_multipart(&mut c, &booking(refused), insurance)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("href=\"#f-on_behalf\"");
    }
    post_multipart(&mut c, &booking(&club.id.to_string()), &[])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("href=\"#f-doc-insurance\"");
    assert_eq!(app.count("documents").await, documents, "no stray upload");
    // Another person's document cannot be handed over as hers from the safe.
    let neighbour = crate::people::person(&app, "alpha", "Paul", "Voisin").await;
    let theirs = relais_store::documents::create(
        &app.db,
        &actor,
        &relais_store::documents::NewDocument {
            owner_person_id: Some(neighbour),
            kind: Some("other"),
            file_hash: "0000",
            media_type: "image/png",
            size_bytes: 3,
            file_name: "assurance-voisin.png",
        },
    )
    .await
    .unwrap();
    let mut borrowed = booking(&club.id.to_string());
    borrowed.push(("safe:insurance".into(), theirs.id.to_string()));
    post_multipart(&mut c, &borrowed, &[])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("href=\"#f-doc-insurance\"");
    let documents = documents + 1; // the neighbour's, made above
    assert_eq!(app.count("cases").await, cases_before);
    assert_eq!(app.count("documents").await, documents, "no stray upload");

    let r = post_multipart(&mut c, &booking(&club.id.to_string()), insurance).await;
    let id = filed_case(&r);
    let case = case_now(&app, "alpha", id).await;
    assert_eq!(case.organisation_id, Some(club.id));
    assert_eq!(case.requester_person_id, Some(person));
    assert_eq!(case.channel, "counter");
    assert_eq!(app.count("documents").await, documents + 1);
}

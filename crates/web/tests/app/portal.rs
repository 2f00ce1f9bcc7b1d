//! The public portal: catalogue, filing page by page (drafts and anonymous filing),
//! documents, confirmation with receipt and acknowledgement, "My requests" with the
//! timeline, messages, corrections, withdrawal and survey, tracking codes, and every kind of
//! bad input refused with a clear message and nothing changed.

use crate::common::{TestApp, TestClient, TestResponse};
use axum::http::{Method, StatusCode};
use chrono::Duration;
use relais_domain::service::sla::Priority;
use relais_domain::service::workflow::Actor as Who;
use relais_domain::{AccountKind, Role};
use relais_store::cases::{self, CaseWrite, NewEvent};
use relais_store::{Actor, drafts, services};
use relais_web::cases::flow::{self, Filing};
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub(crate) const PARKING: &str = "belleville-stationnement-residentiel";
const ROADS: &str = "belleville-signalement-voirie";
const CANTEEN: &str = "belleville-inscription-cantine";

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const EXE: &[u8] =
    b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program cannot be run in DOS mode";

/// A multipart body: text fields, then files `(input name, file name, bytes)`.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----relais-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a multipart form as a browser does (the CSRF token in the query string).
pub async fn post_multipart(
    client: &mut TestClient,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> TestResponse {
    let token = client.csrf().await;
    let (ct, body) = multipart(fields, files);
    let sep = if path.contains('?') { '&' } else { '?' };
    client
        .request(
            Method::POST,
            &format!("{path}{sep}csrf_token={token}"),
            Some(&ct),
            body,
            &[],
        )
        .await
}

/// The HTML text between `start` and the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in page: {}", &html[..html.len().min(3000)]))
        + start.len();
    let to = html[from..].find(end).expect("end marker") + from;
    &html[from..to]
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let c = match entity {
            "quot" => Some('"'),
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A mail's text with its quoted-printable encoding undone.
fn decoded(mail: &str) -> String {
    let joined = mail.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The anonymous filer's state carried in the page.
fn state_of(r: &TestResponse) -> String {
    unescape(between(&r.body, "name=\"state\" value=\"", "\""))
}

/// The draft id in a redirect to a draft's step.
fn draft_of(r: &TestResponse) -> Uuid {
    let location = r.location().expect("redirect");
    let id = between(location, "/my/drafts/", "?");
    Uuid::parse_str(id).expect("draft id")
}

pub(crate) async fn citizen(app: &TestApp, host: &str, email: &str) -> TestClient {
    let mut c = app.client(host);
    c.login_portal(email).await;
    c
}

/// The residence page of the parking permit, answered.
fn residence() -> Vec<(&'static str, &'static str)> {
    vec![
        ("step", "p:residence"),
        ("address.street", "12 rue des Lilas"),
        ("address.postcode", "45000"),
        ("address.city", "Belleville-sur-Loire"),
        ("address.country", "FR"),
        ("occupancy", "tenant"),
        ("duration", "year"),
        ("action", "next"),
    ]
}

fn vehicle() -> Vec<(&'static str, &'static str)> {
    vec![
        ("step", "p:vehicle"),
        ("plate", "AB-123-CD"),
        ("make_model", "Renault Zoé"),
        ("holder", "self"),
        ("low_emission", "yes"),
        ("action", "next"),
    ]
}

/// A citizen's parking permit draft, answered up to the documents step.
pub(crate) async fn parking_draft(app: &TestApp, client: &mut TestClient) -> Uuid {
    let r = client
        .post_form("/services/stationnement-residentiel/file", &residence())
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let draft = draft_of(&r);
    assert!(
        r.location().unwrap().ends_with("step=p%3Avehicle"),
        "{:?}",
        r.location()
    );
    let r = client
        .post_form(&format!("/my/drafts/{draft}"), &vehicle())
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().ends_with("step=documents"));
    let _ = app;
    draft
}

/// Files the parking permit through the pages; returns the case id.
pub(crate) async fn file_parking(app: &TestApp, client: &mut TestClient) -> Uuid {
    let draft = parking_draft(app, client).await;
    let r = post_multipart(
        client,
        &format!("/my/drafts/{draft}"),
        &[("step", "documents"), ("action", "next")],
        &[
            ("doc:proof_of_address", "facture-edf.pdf", PDF),
            ("doc:vehicle_registration", "carte grise.png", PNG),
        ],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().ends_with("step=summary"));
    let r = client
        .post_form(
            &format!("/my/drafts/{draft}"),
            &[("step", "summary"), ("action", "submit")],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let location = r.location().unwrap().to_owned();
    let id = between(&location, "/my/requests/", "/filed");
    Uuid::parse_str(id).expect("case id")
}

#[tokio::test]
async fn the_home_page_lists_the_catalogue_by_category_and_searches_it() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    app.publish_demo_service("alpha", ROADS).await;
    let mut client = app.client("alpha.test");
    let r = client.get("/").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Carte de stationnement résidentiel")
        .assert_contains("Signaler un problème")
        .assert_contains("<h3 id=\"cat-1\">Stationnement</h3>")
        .assert_contains("Les démarches en ligne");
    // Search matches title and description, accents and case ignored.
    let r = client.get("/?q=VEHICULE%20zone").await;
    r.assert_contains("Carte de stationnement résidentiel")
        .assert_contains("1 résultat");
    assert!(!r.body.contains("Signaler un problème"));
    let r = client.get("/?q=licorne").await;
    r.assert_contains("Aucune démarche ne correspond à votre recherche.");
    // English titles and vocabulary.
    let r = client.get("/?lang=en").await;
    r.assert_contains("Resident parking permit")
        .assert_contains("Online procedures");
    // Another tenant shows none of them, in its customer vocabulary.
    let mut beta = app.client("beta.test");
    let r = beta.get("/").await;
    assert!(!r.body.contains("stationnement"));
    r.assert_contains("Nos demandes en ligne");
    beta.get("/services/stationnement-residentiel")
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_service_page_says_what_to_prepare_and_how_long_real_cases_took() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", ROADS).await;
    app.publish_demo_service("alpha", PARKING).await;
    let mut client = app.client("alpha.test");
    let r = client.get("/services/stationnement-residentiel").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Justificatif de domicile")
        .assert_contains("Certificat d&#39;immatriculation")
        .assert_contains("datée de moins de 90 jours")
        .assert_contains("Le formulaire compte 2 pages")
        .assert_contains("Votre véhicule")
        .assert_contains("Pas encore assez de demandes closes")
        .assert_contains("Horaires d&#39;ouverture")
        .assert_contains("09:00 – 12:30")
        .assert_contains("connectez-vous pour la commencer");
    // Ten closed cases taking 1 to 10 days: median 5 days, 90th percentile 9 days.
    let tenant = app.tenant_row("alpha").await;
    let actor = Actor::system(tenant.id, "test");
    for days in 1..=10 {
        let filed = flow::file(
            &app.state,
            &tenant,
            &actor,
            Filing {
                service: &service,
                answers: road_answers(),
                documents: vec![],
                requester_person_id: None,
                requester_account_id: None,
                contact_email: Some("riverain@example.org".into()),
                organisation_id: None,
                channel: "portal",
                priority: Priority::Normal,
                draft_id: None,
            },
        )
        .await
        .expect("filed");
        let case = filed.case;
        cases::apply(
            &app.db,
            &actor,
            case.id,
            CaseWrite {
                expected_version: case.row_version,
                status: Some(("accepted".into(), "closed_accepted".into())),
                closed_at: Some(Some(case.submitted_at + Duration::days(days))),
                audit: ("test.close", json!({})),
                ..CaseWrite::default()
            },
        )
        .await
        .expect("closed");
    }
    let r = client.get("/services/signalement-voirie").await;
    r.assert_contains("La moitié des demandes ont été traitées en 5 jours ou moins, et 9 sur 10 en 9 jours ou moins")
        .assert_contains("pas un engagement")
        .assert_contains("Commencer la démarche");
    client
        .get("/services/signalement-voirie?lang=en")
        .await
        .assert_contains(
            "Half of the requests were handled within 5 days, and 9 in 10 within 9 days",
        );
    client
        .get("/contact?lang=fr")
        .await
        .assert_contains("Fermé les jours fériés.");
}

fn road_answers() -> Map<String, Value> {
    json!({
        "category": "pothole", "danger": true,
        "description": "Nid-de-poule profond devant le n° 12.",
        "location_method": "address",
        "address": {"street": "12 rue des Lilas", "postcode": "45000", "city": "Belleville", "country": "FR"},
        "follow_up": false
    })
    .as_object()
    .cloned()
    .expect("object")
}

#[tokio::test]
async fn a_citizen_files_page_by_page_with_two_documents_and_gets_reference_mail_and_receipt() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    let mut client = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let r = client.get("/services/stationnement-residentiel/file").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Étape 1 sur 4")
        .assert_contains("id=\"f-address-street\"")
        .assert_contains("autocomplete=\"postal-code\"");
    let draft = parking_draft(&app, &mut client).await;
    // The draft was saved at each page and is listed in "My requests".
    let saved = drafts::get(
        &app.db,
        app.tenant("alpha"),
        app.account("alpha", "citizen@alpha.test").await.id,
        draft,
    )
    .await
    .unwrap()
    .expect("draft");
    assert_eq!(saved.answers_map()["plate"], json!("AB-123-CD"));
    client
        .get("/my/requests")
        .await
        .assert_contains(&format!("/my/drafts/{draft}"));
    let r = client.get(&format!("/my/drafts/{draft}")).await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Étape 3 sur 4")
        .assert_contains("name=\"doc:proof_of_address\"")
        .assert_contains("enctype=\"multipart/form-data\"");
    // Submitting the documents step without the required documents names them.
    let r = post_multipart(
        &mut client,
        &format!("/my/drafts/{draft}"),
        &[("step", "documents"), ("action", "next")],
        &[],
    )
    .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Justificatif de domicile : Ce document est obligatoire.")
        .assert_contains(
            "aria-describedby=\"f-doc-proof_of_address-hint f-doc-proof_of_address-error\"",
        );
    let r = post_multipart(
        &mut client,
        &format!("/my/drafts/{draft}"),
        &[("step", "documents"), ("action", "next")],
        &[
            ("doc:proof_of_address", "facture-edf.pdf", PDF),
            ("doc:vehicle_registration", "carte grise.png", PNG),
        ],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let r = client
        .get(&format!("/my/drafts/{draft}?step=summary"))
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("AB-123-CD")
        .assert_contains("12 rue des Lilas, 45000 Belleville-sur-Loire")
        .assert_contains("facture-edf.pdf")
        .assert_contains("carte grise.png")
        .assert_contains("Envoyer ma demande");
    let before = app.count("cases").await;
    let r = client
        .post_form(
            &format!("/my/drafts/{draft}"),
            &[("step", "summary"), ("action", "submit")],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("cases").await, before + 1);
    assert_eq!(
        app.count("case_drafts").await,
        0,
        "the draft became the case"
    );
    let location = r.location().unwrap().to_owned();
    let r = client.get(&location).await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Votre demande est envoyée");
    let reference = between(&r.body, "id=\"reference\">", "<").to_owned();
    assert!(reference.starts_with("ALP-"), "{reference}");
    let case_id = between(&location, "/my/requests/", "/filed").to_owned();
    let case = cases::get(
        &app.db,
        app.tenant("alpha"),
        Uuid::parse_str(&case_id).unwrap(),
    )
    .await
    .unwrap()
    .expect("case");
    assert_eq!(case.answers_map()["plate"], json!("AB-123-CD"));
    assert_eq!(case.answers_map()["low_emission"], json!(true));
    let documents = cases::documents(&app.db, app.tenant("alpha"), case.id)
        .await
        .unwrap();
    assert_eq!(documents.len(), 2);
    let types: Vec<&str> = documents
        .iter()
        .map(|(d, _)| d.media_type.as_str())
        .collect();
    assert!(
        types.contains(&"application/pdf") && types.contains(&"image/png"),
        "{types:?}"
    );
    // The acknowledgement: reference, date, who handles it.
    let mail = decoded(
        &app.mails()
            .await
            .into_iter()
            .last()
            .expect("acknowledgement"),
    );
    assert!(mail.contains(&reference), "{mail}");
    assert!(mail.contains("citizen@alpha.test"));
    assert!(
        mail.contains("Service chargé de la demande : Tenant alpha"),
        "{mail}"
    );
    // The receipt is a PDF with the reference.
    let r = client
        .get(&format!("/my/requests/{case_id}/receipt.pdf"))
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert!(r.body.starts_with("%PDF-"));
    assert!(r.body.contains(&reference));
    // "My requests" lists it with its status, next step and who acts.
    let r = client.get("/my/requests").await;
    r.assert_contains(&reference)
        .assert_contains("Reçue")
        .assert_contains("Votre demande est en cours de traitement par Tenant alpha.");
}

#[tokio::test]
async fn conditions_between_fields_are_evaluated_on_the_server_and_errors_are_tied_to_inputs() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    let mut client = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let mut fields = residence();
    fields.retain(|(k, _)| *k != "occupancy");
    fields.push(("occupancy", "hosted"));
    let r = client
        .post_form("/services/stationnement-residentiel/file", &fields)
        .await;
    // The draft is opened and the same page shows again with the new question.
    r.assert_status(StatusCode::OK)
        .assert_contains("Vos réponses appellent d&#39;autres questions")
        .assert_contains("id=\"f-host_name\"")
        .assert_contains("Étape 1 sur 4");
    let draft = Uuid::parse_str(between(&r.body, "action=\"/my/drafts/", "\"")).expect("draft id");
    // Next without the new required answer: an error tied to its input.
    let r = client
        .post_form(&format!("/my/drafts/{draft}"), &fields)
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(
            "<span class=\"field-error\" id=\"f-host_name-error\">Ce champ est obligatoire.</span>",
        )
        .assert_contains("aria-invalid=\"true\" aria-describedby=\"f-host_name-error\"")
        .assert_contains("href=\"#f-host_name\"");
    // In English too.
    let r = client
        .post_form(&format!("/my/drafts/{draft}?lang=en"), &fields)
        .await;
    r.assert_contains("This field is required.");
    let mut complete = fields.clone();
    complete.push(("host_name", "Jeanne Martin"));
    let r = client
        .post_form(&format!("/my/drafts/{draft}"), &complete)
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    // Back keeps the answers.
    let r = client
        .get(&format!("/my/drafts/{draft}?step=p%3Aresidence"))
        .await;
    r.assert_contains("value=\"Jeanne Martin\"");
}

#[tokio::test]
async fn a_repeatable_group_grows_and_shrinks_with_buttons() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", CANTEEN).await;
    let mut client = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let r = client.get("/services/inscription-cantine/file").await;
    // A required group starts with one item.
    r.assert_status(StatusCode::OK)
        .assert_contains("name=\"children[0].given_name\"")
        .assert_contains("name=\"children.count\" value=\"1\"");
    assert!(!r.body.contains("children[1]"));
    let child = [
        ("step", "p:children"),
        ("children.count", "1"),
        ("children[0].given_name", "Léa"),
        ("children[0].family_name", "Martin"),
        ("action", "add:children"),
    ];
    let r = client
        .post_form("/services/inscription-cantine/file", &child)
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let draft = draft_of(&r);
    let r = client.get(r.location().unwrap()).await;
    r.assert_contains("name=\"children[1].given_name\"")
        .assert_contains("value=\"Léa\"")
        .assert_contains("Retirer Enfant 2");
    let r = client
        .post_form(
            &format!("/my/drafts/{draft}"),
            &[
                ("step", "p:children"),
                ("children.count", "2"),
                ("children[0].given_name", "Léa"),
                ("children[1].given_name", "Tom"),
                ("action", "remove-item:children:0"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let r = client.get(r.location().unwrap()).await;
    r.assert_contains("value=\"Tom\"");
    assert!(!r.body.contains("value=\"Léa\""));
    assert!(!r.body.contains("children[1]"));
}

#[tokio::test]
async fn someone_can_file_without_an_account_and_follow_the_case_with_the_tracking_code() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", ROADS).await;
    let mut client = app.client("alpha.test");
    let r = client.get("/services/signalement-voirie/file").await;
    r.assert_status(StatusCode::OK);
    let state = state_of(&r);
    let r = client
        .post_form(
            "/services/signalement-voirie/file",
            &[
                ("state", &state),
                ("step", "p:problem"),
                ("category", "pothole"),
                ("danger", "yes"),
                ("description", "Nid-de-poule profond devant le n° 12."),
                ("action", "next"),
            ],
        )
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Étape 2 sur 4");
    let state = state_of(&r);
    assert!(state.contains("Nid-de-poule"));
    // Choosing to give an address opens the address question on the same page; the photo
    // sent with it is kept.
    let r = post_multipart(
        &mut client,
        "/services/signalement-voirie/file",
        &[
            ("state", &state),
            ("step", "p:location"),
            ("location_method", "address"),
            ("action", "next"),
        ],
        &[("photos", "trou.png", PNG)],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Vos réponses appellent d&#39;autres questions")
        .assert_contains("id=\"f-address-street\"")
        .assert_contains("trou.png");
    let state = state_of(&r);
    let r = post_multipart(
        &mut client,
        "/services/signalement-voirie/file",
        &[
            ("state", &state),
            ("step", "p:location"),
            ("location_method", "address"),
            ("address.street", "12 rue des Lilas"),
            ("address.postcode", "45000"),
            ("address.city", "Belleville"),
            ("action", "next"),
        ],
        &[],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Étape 3 sur 4");
    let state = state_of(&r);
    let r = client
        .post_form(
            "/services/signalement-voirie/file",
            &[
                ("state", &state),
                ("step", "p:contact"),
                ("follow_up", "no"),
                ("action", "next"),
            ],
        )
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Récapitulatif")
        .assert_contains("1 fichier")
        .assert_contains("id=\"f-contact_email\"");
    let state = state_of(&r);
    // A contact address is required for an anonymous filing.
    let r = client
        .post_form(
            "/services/signalement-voirie/file",
            &[
                ("state", &state),
                ("step", "summary"),
                ("action", "submit"),
                ("contact_email", "pas-une-adresse"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"f-contact_email-error\"");
    assert_eq!(app.count("cases").await, 0);
    let r = client
        .post_form(
            "/services/signalement-voirie/file",
            &[
                ("state", &state),
                ("step", "summary"),
                ("action", "submit"),
                ("contact_email", "Riverain@Example.org"),
            ],
        )
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Votre demande est envoyée");
    let reference = between(&r.body, "id=\"reference\">", "<").to_owned();
    let code = between(&r.body, "id=\"tracking-code\">", "<").to_owned();
    assert_eq!(code.len(), 19, "{code}");
    let mail = decoded(
        &app.mails()
            .await
            .into_iter()
            .last()
            .expect("acknowledgement"),
    );
    assert!(mail.contains(&reference) && mail.contains(&code), "{mail}");
    assert!(mail.contains("riverain@example.org"));
    // This browser follows the case.
    let case = cases::by_reference(
        &app.db,
        app.tenant("alpha"),
        &relais_domain::case::Reference::parse(&reference).unwrap(),
    )
    .await
    .unwrap()
    .expect("case");
    assert_eq!(
        cases::documents(&app.db, app.tenant("alpha"), case.id)
            .await
            .unwrap()
            .len(),
        1
    );
    client
        .get(&format!("/my/requests/{}", case.id))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(&reference);
    client
        .get(&format!("/my/requests/{}/receipt.pdf", case.id))
        .await
        .assert_status(StatusCode::OK);
    // Another browser needs the pair; a wrong pair gets one message whichever half is wrong.
    let mut other = app.client("alpha.test");
    let r = other.get(&format!("/my/requests/{}", case.id)).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let wrong_code = format!("{}0000", &code[..15]);
    for (reference, code) in [
        (reference.as_str(), wrong_code.as_str()),
        ("ALP-2020-00000000", code.as_str()),
        ("not a reference", "nor a code"),
    ] {
        let r = other
            .post_form("/track", &[("reference", reference), ("code", code)])
            .await;
        r.assert_status(StatusCode::NOT_FOUND).assert_contains(
            "Aucune demande ne correspond à cette référence et à ce code de suivi.",
        );
    }
    let r = other
        .post_form(
            "/track?lang=en",
            &[("reference", "ALP-2020-00000000"), ("code", &code)],
        )
        .await;
    r.assert_contains("No request matches this reference and tracking code.");
    let r = other
        .post_form(
            "/track",
            &[
                ("reference", &reference.to_lowercase()),
                ("code", &code.replace('-', " ")),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    other
        .get(&format!("/my/requests/{}?lang=fr", case.id))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Reçu");
    // The tracking pair of one tenant means nothing on another.
    let mut beta = app.client("beta.test");
    beta.post_form("/track", &[("reference", &reference), ("code", &code)])
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_requester_writes_corrects_withdraws_and_rates_their_case() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    let mut client = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let case_id = file_parking(&app, &mut client).await;
    let tenant = app.tenant_row("alpha").await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let agent_actor = Actor {
        tenant_id: tenant.id,
        account_id: Some(agent.id),
        label: agent.email.clone(),
        client_ip: None,
        request_id: None,
    };
    // A message with an attachment.
    let case = cases::get(&app.db, tenant.id, case_id)
        .await
        .unwrap()
        .unwrap();
    let r = post_multipart(
        &mut client,
        &format!("/my/requests/{case_id}/messages"),
        &[
            ("version", &case.row_version.to_string()),
            ("body", "Ma carte grise est au nom de mon épouse."),
        ],
        &[("attachments", "livret.pdf", PDF)],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let r = client.get(&format!("/my/requests/{case_id}")).await;
    r.assert_contains("Votre message")
        .assert_contains("Ma carte grise est au nom de mon épouse.")
        .assert_contains("livret.pdf");
    let attachment =
        between(&r.body, &format!("/my/requests/{case_id}/documents/"), "\"").to_owned();
    let r = client
        .get(&format!("/my/requests/{case_id}/documents/{attachment}"))
        .await;
    r.assert_status(StatusCode::OK);
    assert!(r.body.starts_with("%PDF"));
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    // A stale form is refused and changes nothing.
    let before = cases::events(&app.db, tenant.id, case_id, false)
        .await
        .unwrap()
        .len();
    let r = post_multipart(
        &mut client,
        &format!("/my/requests/{case_id}/messages"),
        &[
            ("version", &case.row_version.to_string()),
            ("body", "Encore moi"),
        ],
        &[],
    )
    .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("La page n&#39;était plus à jour");
    assert_eq!(
        cases::events(&app.db, tenant.id, case_id, false)
            .await
            .unwrap()
            .len(),
        before
    );
    // The agent asks for corrections of the plate.
    let case = cases::get(&app.db, tenant.id, case_id)
        .await
        .unwrap()
        .unwrap();
    flow::fire(
        &app.state,
        &tenant,
        &agent_actor,
        Who::Staff(Role::Agent),
        case_id,
        case.row_version,
        "request_corrections",
        Some("La plaque ne correspond pas à la carte grise."),
    )
    .await
    .expect("corrections asked");
    let r = client.get("/my/requests").await;
    r.assert_contains("À vous d&#39;agir");
    let r = client.get(&format!("/my/requests/{case_id}")).await;
    r.assert_contains("La plaque ne correspond pas à la carte grise.")
        .assert_contains("id=\"f-plate\"")
        .assert_contains("id=\"f-address-street\"")
        .assert_contains("Renvoyer ma demande complétée");
    assert!(
        !r.body.contains("id=\"f-make_model\""),
        "only the re-opened fields"
    );
    let case = cases::get(&app.db, tenant.id, case_id)
        .await
        .unwrap()
        .unwrap();
    let version = case.row_version.to_string();
    let mut corrected = vec![
        ("version", version.as_str()),
        ("shown", "address plate holder"),
        ("address.street", "12 rue des Lilas"),
        ("address.postcode", "45000"),
        ("address.city", "Belleville-sur-Loire"),
        ("address.country", "FR"),
        ("holder", "self"),
        ("plate", ""),
        ("action", "resubmit"),
    ];
    // An empty required field is refused and nothing changes.
    let r = client
        .post_form(&format!("/my/requests/{case_id}/corrections"), &corrected)
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"f-plate-error\"");
    assert_eq!(
        cases::get(&app.db, tenant.id, case_id)
            .await
            .unwrap()
            .unwrap()
            .row_version,
        case.row_version
    );
    corrected.retain(|(k, _)| *k != "plate");
    corrected.push(("plate", "EF-456-GH"));
    // A field that was not re-opened is not changed, whatever is posted.
    corrected.push(("make_model", "Tesla"));
    let r = client
        .post_form(&format!("/my/requests/{case_id}/corrections"), &corrected)
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let case = cases::get(&app.db, tenant.id, case_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.status, "processing");
    assert_eq!(case.answers_map()["plate"], json!("EF-456-GH"));
    assert_eq!(case.answers_map()["make_model"], json!("Renault Zoé"));
    assert!(case.correction_fields.is_none());
    client
        .get(&format!("/my/requests/{case_id}"))
        .await
        .assert_contains("Corrections envoyées");
    // A message from the agent shows on the timeline.
    cases::apply(
        &app.db,
        &agent_actor,
        case_id,
        CaseWrite {
            expected_version: case.row_version,
            events: vec![
                NewEvent::new(
                    relais_domain::case::EventKind::MessageToRequester,
                    json!({"subject": "Précision"}),
                )
                .with_body("Merci, c'est noté."),
            ],
            audit: ("test.message", json!({})),
            ..CaseWrite::default()
        },
    )
    .await
    .unwrap();
    client
        .get(&format!("/my/requests/{case_id}"))
        .await
        .assert_contains("Message de Tenant alpha")
        .assert_contains("Merci, c&#39;est noté.");
    // Withdrawal needs the confirmation box.
    let case = cases::get(&app.db, tenant.id, case_id)
        .await
        .unwrap()
        .unwrap();
    let version = case.row_version.to_string();
    client
        .post_form(
            &format!("/my/requests/{case_id}/withdraw"),
            &[("version", &version)],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Cochez la case de confirmation");
    let r = client
        .post_form(
            &format!("/my/requests/{case_id}/withdraw"),
            &[("version", &version), ("confirm", "yes")],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let case = cases::get(&app.db, tenant.id, case_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.status_kind, "closed_withdrawn");
    // The survey once the case is closed: a rating from 1 to 5, once.
    let version = case.row_version.to_string();
    let r = client.get(&format!("/my/requests/{case_id}")).await;
    r.assert_contains("Êtes-vous satisfait·e");
    assert!(
        !r.body.contains("id=\"body\""),
        "no messages on a closed case"
    );
    client
        .post_form(
            &format!("/my/requests/{case_id}/survey"),
            &[("version", &version), ("rating", "7")],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choisissez une note de 1 à 5.");
    client
        .post_form(
            &format!("/my/requests/{case_id}/survey"),
            &[
                ("version", &version),
                ("rating", "4"),
                ("comment", "Rapide."),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let case = cases::get(&app.db, tenant.id, case_id)
        .await
        .unwrap()
        .unwrap();
    let r = client
        .post_form(
            &format!("/my/requests/{case_id}/survey"),
            &[("version", &case.row_version.to_string()), ("rating", "1")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let surveys = cases::events(&app.db, tenant.id, case_id, true)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "survey_answered")
        .count();
    assert_eq!(surveys, 1);
    client
        .get(&format!("/my/requests/{case_id}"))
        .await
        .assert_contains("4 sur 5 — Rapide.");
}

#[tokio::test]
async fn a_draft_is_carried_to_a_new_version_and_told_what_changed() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", PARKING).await;
    let mut client = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let draft = parking_draft(&app, &mut client).await;
    // The administrator removes the "duration" question and publishes version 2.
    let v1 = services::version(&app.db, app.tenant("alpha"), service.id, 1)
        .await
        .unwrap()
        .unwrap();
    let mut definition = v1.definition.0.clone();
    let fields = definition["form"]["pages"][0]["fields"]
        .as_array_mut()
        .unwrap();
    fields.retain(|f| f["id"] != "duration");
    let actor = Actor::system(app.tenant("alpha"), "test");
    services::save_draft(&app.db, &actor, service.id, &definition)
        .await
        .unwrap();
    assert_eq!(
        services::publish(&app.db, &actor, service.id)
            .await
            .unwrap(),
        2
    );
    let r = client.get(&format!("/my/drafts/{draft}")).await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Cette démarche a changé depuis que vous l&#39;avez commencée")
        .assert_contains("(duration) supprimé");
    let account = app.account("alpha", "citizen@alpha.test").await;
    let saved = drafts::get(&app.db, app.tenant("alpha"), account.id, draft)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.service_version, 2);
    let answers = saved.answers_map();
    assert_eq!(answers["plate"], json!("AB-123-CD"));
    assert!(!answers.contains_key("duration"));
}

// ---------------------------------------------------------------------------------------
// Bad input

#[tokio::test]
async fn forbidden_oversize_and_empty_files_are_refused_and_nothing_is_kept() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    app.publish_demo_service("alpha", ROADS).await;
    let mut client = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let draft = parking_draft(&app, &mut client).await;
    let path = format!("/my/drafts/{draft}");
    let documents_before = app.count("documents").await;
    let files_before = std::fs::read_dir(app.files_dir())
        .map(|d| d.count())
        .unwrap_or(0);
    let big = {
        let mut b = PDF.to_vec();
        b.resize(10_000_001, b' ');
        b
    };
    let cases_of_refusal: [(&str, &[u8], &str); 4] = [
        (
            "programme.exe",
            EXE,
            "Ce type de fichier n&#39;est pas accepté",
        ),
        (
            "justificatif.pdf",
            EXE,
            "Ce type de fichier n&#39;est pas accepté",
        ),
        ("vide.pdf", b"", "Le fichier est vide."),
        ("gros.pdf", &big, "Le fichier dépasse la taille autorisée."),
    ];
    for (name, bytes, message) in cases_of_refusal {
        let r = post_multipart(
            &mut client,
            &path,
            &[("step", "documents"), ("action", "next")],
            &[
                ("doc:vehicle_registration", "ok.pdf", PDF),
                ("doc:proof_of_address", name, bytes),
            ],
        )
        .await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains(message)
            .assert_contains("href=\"#f-doc-proof_of_address\"");
        assert_eq!(app.count("documents").await, documents_before, "{name}");
    }
    assert_eq!(
        std::fs::read_dir(app.files_dir())
            .map(|d| d.count())
            .unwrap_or(0),
        files_before,
        "no file stored"
    );
    // The same refusal in English.
    let r = post_multipart(
        &mut client,
        &format!("{path}?lang=en"),
        &[("step", "documents"), ("action", "next")],
        &[("doc:proof_of_address", "photo.jpg", EXE)],
    )
    .await;
    r.assert_contains("This type of file is not accepted");
    // A file field accepting images refuses a PDF; too many files are refused too.
    let mut anonymous = app.client("alpha.test");
    let r = anonymous.get("/services/signalement-voirie/file").await;
    let state = state_of(&r);
    let r = anonymous
        .post_form(
            "/services/signalement-voirie/file",
            &[
                ("state", &state),
                ("step", "p:problem"),
                ("category", "tree"),
                ("danger", "no"),
                ("description", "Branche cassée."),
                ("action", "next"),
            ],
        )
        .await;
    let state = state_of(&r);
    let location = [
        ("state", state.as_str()),
        ("step", "p:location"),
        ("location_method", "address"),
        ("address.street", "1 place de la Mairie"),
        ("address.postcode", "45000"),
        ("address.city", "Belleville"),
        ("action", "next"),
    ];
    let r = post_multipart(
        &mut anonymous,
        "/services/signalement-voirie/file",
        &location,
        &[("photos", "photo.pdf", PDF)],
    )
    .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"f-photos-error\"");
    let r = post_multipart(
        &mut anonymous,
        "/services/signalement-voirie/file",
        &location,
        &[
            ("photos", "1.png", PNG),
            ("photos", "2.png", PNG),
            ("photos", "3.png", PNG),
            ("photos", "4.png", PNG),
        ],
    )
    .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Trop de fichiers pour ce champ.");
    assert_eq!(app.count("documents").await, documents_before);
}

#[tokio::test]
async fn fields_the_service_does_not_have_and_values_out_of_bounds_are_refused() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    app.publish_demo_service("alpha", ROADS).await;
    let mut client = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    // Unknown fields on the first page: refused, naming them, and no draft is opened.
    let mut fields = residence();
    fields.push(("is_admin", "true"));
    let r = client
        .post_form("/services/stationnement-residentiel/file", &fields)
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("des champs que ce formulaire n&#39;a pas (is_admin)");
    assert_eq!(app.count("case_drafts").await, 0);
    let draft = parking_draft(&app, &mut client).await;
    let account = app.account("alpha", "citizen@alpha.test").await;
    let before = drafts::get(&app.db, app.tenant("alpha"), account.id, draft)
        .await
        .unwrap()
        .unwrap();
    let mut fields = vehicle();
    fields.push(("address.planet", "Mars"));
    let r = client
        .post_form(&format!("/my/drafts/{draft}"), &fields)
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("(address.planet)");
    // Out of bounds: a plate longer than the field allows, an option that does not exist.
    let mut fields = vehicle();
    fields.retain(|(k, _)| !matches!(*k, "plate" | "holder"));
    fields.push(("plate", "AB-123-CD-EF-GH"));
    fields.push(("holder", "martian"));
    let r = client
        .post_form(&format!("/my/drafts/{draft}"), &fields)
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("<span class=\"field-error\" id=\"f-plate-error\">Le texte est trop long.</span>")
        .assert_contains("<p class=\"field-error\" id=\"f-holder-error\">Choisissez une des options proposées.</p>");
    let after = drafts::get(&app.db, app.tenant("alpha"), account.id, draft)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.answers, after.answers, "nothing changed");
    // A number out of its bounds, anonymously.
    let mut anonymous = app.client("alpha.test");
    let r = anonymous.get("/services/signalement-voirie/file").await;
    let state = state_of(&r);
    let r = anonymous
        .post_form(
            "/services/signalement-voirie/file",
            &[
                ("state", &state),
                ("step", "p:problem"),
                ("category", "tree"),
                ("danger", "no"),
                ("description", "Branche."),
                ("action", "next"),
            ],
        )
        .await;
    let state = state_of(&r);
    let gps = [
        ("state", state.as_str()),
        ("step", "p:location"),
        ("location_method", "gps"),
        ("action", "next"),
    ];
    let r = anonymous
        .post_form("/services/signalement-voirie/file", &gps)
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("id=\"f-latitude\"");
    let state = state_of(&r);
    let r = anonymous
        .post_form(
            "/services/signalement-voirie/file",
            &[
                ("state", &state),
                ("step", "p:location"),
                ("location_method", "gps"),
                ("latitude", "123,5"),
                ("longitude", "0,68"),
                ("action", "next"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("La valeur est en dehors des limites permises.");
    // A forged state cannot add fields either.
    let r = anonymous
        .post_form(
            "/services/signalement-voirie/file",
            &[
                ("state", "{\"is_admin\": true, \"description\": 42}"),
                ("step", "p:problem"),
                ("category", "tree"),
                ("danger", "no"),
                ("description", "Branche."),
                ("action", "next"),
            ],
        )
        .await;
    r.assert_status(StatusCode::OK);
    assert!(!state_of(&r).contains("is_admin"));
    assert_eq!(app.count("cases").await, 0);
}

#[tokio::test]
async fn drafts_cases_and_documents_of_others_are_unreachable() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    app.publish_demo_service("beta", "brioche-reclamation-commande")
        .await;
    let mut owner = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let case_id = file_parking(&app, &mut owner).await;
    let draft = parking_draft(&app, &mut owner).await;
    let documents = cases::documents(&app.db, app.tenant("alpha"), case_id)
        .await
        .unwrap();
    let document = documents[0].0.id;
    let account = app.account("alpha", "citizen@alpha.test").await;
    let before = drafts::get(&app.db, app.tenant("alpha"), account.id, draft)
        .await
        .unwrap()
        .unwrap();
    // Another citizen of the same tenant.
    app.create_account(
        &Actor::system(app.tenant("alpha"), "test"),
        AccountKind::Portal,
        "voisin@alpha.test",
        None,
    )
    .await;
    let mut other = citizen(&app, "alpha.test", "voisin@alpha.test").await;
    // A citizen of another tenant, with alpha's ids.
    let mut beta = citizen(&app, "beta.test", "citizen@beta.test").await;
    for client in [&mut other, &mut beta] {
        for path in [
            format!("/my/drafts/{draft}"),
            format!("/my/drafts/{draft}?step=summary"),
            format!("/my/requests/{case_id}"),
            format!("/my/requests/{case_id}/filed"),
            format!("/my/requests/{case_id}/receipt.pdf"),
            format!("/my/requests/{case_id}/documents/{document}"),
            format!("/my/documents/{document}"),
        ] {
            client.get(&path).await.assert_status(StatusCode::NOT_FOUND);
        }
        let r = client
            .post_form(&format!("/my/drafts/{draft}"), &vehicle())
            .await;
        r.assert_status(StatusCode::NOT_FOUND);
        client
            .post_form(&format!("/my/drafts/{draft}/delete"), &[])
            .await
            .assert_status(StatusCode::NOT_FOUND);
        client
            .post_form(
                &format!("/my/requests/{case_id}/withdraw"),
                &[("version", "1"), ("confirm", "yes")],
            )
            .await
            .assert_status(StatusCode::NOT_FOUND);
        client
            .post_form(&format!("/my/documents/{document}/delete"), &[])
            .await
            .assert_status(StatusCode::NOT_FOUND);
    }
    let after = drafts::get(&app.db, app.tenant("alpha"), account.id, draft)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.answers, after.answers);
    assert_eq!(
        cases::get(&app.db, app.tenant("alpha"), case_id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "received"
    );
    // Beta's own catalogue does not hold alpha's service.
    beta.get("/services/stationnement-residentiel/file")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // Staff accounts do not file as requesters.
    let mut agent = app.client("alpha.test");
    agent.login_staff("agent@alpha.test").await;
    agent
        .get("/services/stationnement-residentiel/file")
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signed_in_only_services_send_anonymous_visitors_to_sign_in() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    let mut client = app.client("alpha.test");
    let r = client.get("/services/stationnement-residentiel/file").await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login?next="));
    let r = client
        .post_form("/services/stationnement-residentiel/file", &residence())
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("case_drafts").await, 0);
    client
        .get("/my/requests")
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_document_safe_says_when_the_account_has_no_record_yet() {
    let app = TestApp::new().await;
    let mut client = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    client
        .get("/my/documents")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Mes documents")
        .assert_contains("pas encore relié");
}

#[tokio::test]
async fn a_private_tenant_speaks_of_tickets() {
    let app = TestApp::new().await;
    app.publish_demo_service("beta", "brioche-reclamation-commande")
        .await;
    let mut client = citizen(&app, "beta.test", "citizen@beta.test").await;
    client
        .get("/my/requests")
        .await
        .assert_contains("Mes tickets");
    client
        .get("/my/requests?lang=en")
        .await
        .assert_contains("My tickets");
    client
        .get("/track?lang=fr")
        .await
        .assert_contains("Suivre un ticket");
}

/// A case (with a document) and a draft of tenant `slug`'s citizen, on a published service,
/// for the cross-tenant checks: (case, draft, document).
pub async fn records_of(app: &TestApp, slug: &str, service_id: Uuid) -> (Uuid, Uuid, Uuid) {
    let tenant = app.tenant_row(slug).await;
    let account = app.account(slug, &format!("citizen@{slug}.test")).await;
    let service = services::get(&app.db, tenant.id, service_id)
        .await
        .unwrap()
        .unwrap();
    let actor = Actor::system(tenant.id, "test");
    let hash = app.state.files.put(PDF).await.unwrap();
    let document = relais_store::documents::create(
        &app.db,
        &actor,
        &relais_store::documents::NewDocument {
            owner_person_id: None,
            kind: None,
            file_hash: &hash,
            media_type: "application/pdf",
            size_bytes: PDF.len() as i64,
            file_name: "piece.pdf",
        },
    )
    .await
    .unwrap();
    let filed = flow::file(
        &app.state,
        &tenant,
        &actor,
        Filing {
            service: &service,
            answers: json!({"subject": "Une demande"})
                .as_object()
                .cloned()
                .unwrap(),
            documents: vec![(document.id, None)],
            requester_person_id: None,
            requester_account_id: Some(account.id),
            contact_email: None,
            organisation_id: None,
            channel: "portal",
            priority: Priority::Normal,
            draft_id: None,
        },
    )
    .await
    .expect("filed");
    let draft = drafts::create(
        &app.db,
        tenant.id,
        account.id,
        service.id,
        service.published_version.unwrap(),
    )
    .await
    .unwrap();
    (filed.case.id, draft.id, document.id)
}

/// A portal account of tenant `slug` (created if missing) whose person record is a member
/// (`kind`) of `organisation`; returns the person.
async fn member(
    app: &TestApp,
    slug: &str,
    email: &str,
    kind: relais_domain::people::RelationshipKind,
    organisation: Uuid,
) -> Uuid {
    let actor = Actor::system(app.tenant(slug), "test");
    let account = match relais_store::accounts::find_by_email(
        &app.db,
        app.tenant(slug),
        AccountKind::Portal,
        email,
    )
    .await
    .unwrap()
    {
        Some(a) => a,
        None => {
            app.create_account(&actor, AccountKind::Portal, email, None)
                .await
        }
    };
    let person = relais_store::portal_accounts::ensure_person(&app.db, &actor, &account)
        .await
        .unwrap();
    relais_store::people::add_relationship(
        &app.db,
        &actor,
        person,
        kind,
        relais_domain::people::Party::Organisation(organisation),
    )
    .await
    .unwrap();
    person
}

/// The room booking's two pages, answered, up to its documents step; returns the draft.
async fn room_draft(client: &mut TestClient) -> Uuid {
    let date = (chrono::Utc::now() + Duration::days(40))
        .format("%Y-%m-%d")
        .to_string();
    let r = client
        .post_form(
            "/services/reservation-salle/file",
            &[
                ("step", "p:event"),
                ("room", "jean-moulin"),
                ("event_kind", "general_assembly"),
                ("event_date", &date),
                ("slot", "evening"),
                ("attendees", "40"),
                ("public_event", "no"),
                ("action", "next"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let draft = draft_of(&r);
    let r = client
        .post_form(
            &format!("/my/drafts/{draft}"),
            &[
                ("step", "p:association"),
                ("association_name", "Judo club de Belleville"),
                ("rna_number", "W372001234"),
                ("contact_name", "Inès Garnier"),
                ("phone", "06 12 34 56 78"),
                ("email", "judo@example.org"),
                ("action", "next"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().ends_with("step=documents"));
    let r = post_multipart(
        client,
        &format!("/my/drafts/{draft}"),
        &[("step", "documents"), ("action", "next")],
        &[("doc:insurance", "assurance.pdf", PDF)],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().ends_with("step=summary"));
    draft
}

#[tokio::test]
async fn members_file_for_their_organisation_and_see_its_cases_others_do_not() {
    use relais_domain::people::RelationshipKind::{MemberOf, Represents};
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", PARKING).await;
    app.publish_demo_service("alpha", "belleville-reservation-salle")
        .await;
    app.publish_demo_service("beta", "brioche-reclamation-commande")
        .await;
    let t = app.tenant("alpha");
    let actor = Actor::system(t, "test");
    let club = relais_store::people::create_organisation(&app.db, &actor, "Judo club", None)
        .await
        .unwrap();
    let fete = relais_store::people::create_organisation(&app.db, &actor, "Comité des fêtes", None)
        .await
        .unwrap();
    let owner_person = member(&app, "alpha", "citizen@alpha.test", MemberOf, club.id).await;
    member(&app, "alpha", "tresoriere@alpha.test", Represents, club.id).await;
    // A neighbour belongs to another organisation of the same tenant.
    member(&app, "alpha", "voisin@alpha.test", MemberOf, fete.id).await;

    // A service anyone signed in may file: the summary asks for whom, "for myself" first.
    let mut owner = citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let draft = parking_draft(&app, &mut owner).await;
    post_multipart(
        &mut owner,
        &format!("/my/drafts/{draft}"),
        &[("step", "documents"), ("action", "next")],
        &[
            ("doc:proof_of_address", "facture.pdf", PDF),
            ("doc:vehicle_registration", "carte-grise.png", PNG),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let summary = owner.get(&format!("/my/drafts/{draft}?step=summary")).await;
    summary
        .assert_status(StatusCode::OK)
        .assert_contains("Pour qui faites-vous cette démarche ?")
        .assert_contains("value=\"self\" checked")
        .assert_contains("Judo club");
    assert!(!summary.body.contains("Comité des fêtes"), "not theirs");

    // An organisation they do not belong to, or made-up values: refused, nothing filed.
    let fete_id = fete.id.to_string();
    for (value, message) in [
        (
            fete_id.as_str(),
            "Vous ne pouvez pas agir au nom de cette organisation",
        ),
        (
            "not-an-id",
            "Vous ne pouvez pas agir au nom de cette organisation",
        ),
    ] {
        let r = owner
            .post_form(
                &format!("/my/drafts/{draft}"),
                &[
                    ("step", "summary"),
                    ("action", "submit"),
                    ("on_behalf", value),
                ],
            )
            .await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains(message)
            .assert_contains("href=\"#f-on_behalf\"");
    }
    assert_eq!(app.count("cases").await, 0);

    // On behalf of the club.
    let r = owner
        .post_form(
            &format!("/my/drafts/{draft}"),
            &[
                ("step", "summary"),
                ("action", "submit"),
                ("on_behalf", &club.id.to_string()),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let case_id =
        Uuid::parse_str(between(r.location().unwrap(), "/my/requests/", "/filed")).unwrap();
    let case = cases::get(&app.db, t, case_id).await.unwrap().unwrap();
    assert_eq!(case.organisation_id, Some(club.id));
    assert_eq!(case.requester_person_id, Some(owner_person));
    owner
        .get(&format!("/my/requests/{case_id}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Au nom de")
        .assert_contains("Judo club");

    // "For myself" files without an organisation, as before.
    let draft = parking_draft(&app, &mut owner).await;
    post_multipart(
        &mut owner,
        &format!("/my/drafts/{draft}"),
        &[("step", "documents"), ("action", "next")],
        &[
            ("doc:proof_of_address", "facture.pdf", PDF),
            ("doc:vehicle_registration", "carte-grise.png", PNG),
        ],
    )
    .await;
    let r = owner
        .post_form(
            &format!("/my/drafts/{draft}"),
            &[
                ("step", "summary"),
                ("action", "submit"),
                ("on_behalf", "self"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let own_id =
        Uuid::parse_str(between(r.location().unwrap(), "/my/requests/", "/filed")).unwrap();
    let own = cases::get(&app.db, t, own_id).await.unwrap().unwrap();
    assert_eq!(own.organisation_id, None);

    // The club's other member sees the club's case (not the owner's own) and opens it.
    let mut treasurer = citizen(&app, "alpha.test", "tresoriere@alpha.test").await;
    let list = treasurer.get("/my/requests").await;
    list.assert_status(StatusCode::OK)
        .assert_contains(&case.reference)
        .assert_contains("Judo club");
    assert!(!list.body.contains(&own.reference), "{}", list.body);
    for path in [
        format!("/my/requests/{case_id}"),
        format!("/my/requests/{case_id}/receipt.pdf"),
    ] {
        treasurer.get(&path).await.assert_status(StatusCode::OK);
    }
    treasurer
        .get(&format!("/my/requests/{own_id}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // Not a member (another organisation, none, another tenant): not listed, not found,
    // nothing done.
    app.create_account(&actor, AccountKind::Portal, "seul@alpha.test", None)
        .await;
    let mut neighbour = citizen(&app, "alpha.test", "voisin@alpha.test").await;
    let mut alone = citizen(&app, "alpha.test", "seul@alpha.test").await;
    let mut beta = citizen(&app, "beta.test", "citizen@beta.test").await;
    for client in [&mut neighbour, &mut alone, &mut beta] {
        let list = client.get("/my/requests").await;
        assert!(!list.body.contains(&case.reference), "{}", list.body);
        for path in [
            format!("/my/requests/{case_id}"),
            format!("/my/requests/{case_id}/filed"),
            format!("/my/requests/{case_id}/receipt.pdf"),
        ] {
            client.get(&path).await.assert_status(StatusCode::NOT_FOUND);
        }
        client
            .post_form(
                &format!("/my/requests/{case_id}/withdraw"),
                &[
                    ("version", &case.row_version.to_string()),
                    ("confirm", "yes"),
                ],
            )
            .await
            .assert_status(StatusCode::NOT_FOUND);
    }
    assert_eq!(
        cases::get(&app.db, t, case_id)
            .await
            .unwrap()
            .unwrap()
            .status,
        "received"
    );

    // A service filed on behalf of organisations only: without one, refused with the reason;
    // a visitor is asked to sign in.
    alone
        .get("/services/reservation-salle")
        .await
        .assert_contains("Votre compte n&#39;est rattaché à aucune");
    alone
        .get("/services/reservation-salle/file")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    app.client("alpha.test")
        .get("/services/reservation-salle")
        .await
        .assert_contains("connectez-vous avec le compte d&#39;un de ses membres");
    // A member: the service page names the club; "for myself" is not offered, the club (their
    // only organisation) is chosen already, and "self" posted anyway is refused.
    owner
        .get("/services/reservation-salle")
        .await
        .assert_contains("Vous pouvez la faire au nom de : Judo club.");
    let draft = room_draft(&mut owner).await;
    let summary = owner.get(&format!("/my/drafts/{draft}?step=summary")).await;
    assert!(!summary.body.contains("value=\"self\""), "{}", summary.body);
    summary.assert_contains(&format!("value=\"{}\" checked", club.id));
    for value in ["self", ""] {
        owner
            .post_form(
                &format!("/my/drafts/{draft}"),
                &[
                    ("step", "summary"),
                    ("action", "submit"),
                    ("on_behalf", value),
                ],
            )
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("Choisissez l&#39;organisation au nom de laquelle vous la faites.");
    }
    let r = owner
        .post_form(
            &format!("/my/drafts/{draft}"),
            &[
                ("step", "summary"),
                ("action", "submit"),
                ("on_behalf", &club.id.to_string()),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let room = Uuid::parse_str(between(r.location().unwrap(), "/my/requests/", "/filed")).unwrap();
    assert_eq!(
        cases::get(&app.db, t, room)
            .await
            .unwrap()
            .unwrap()
            .organisation_id,
        Some(club.id)
    );
    treasurer
        .get(&format!("/my/requests/{room}"))
        .await
        .assert_status(StatusCode::OK);
}

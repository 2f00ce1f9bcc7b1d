//! Portal accounts: sign-up with a mailed link, the person record behind the account,
//! profile, notification preferences, deletion, and the refusals around them.

use crate::common::{PASSWORD, TestApp, TestClient};
use axum::http::StatusCode;
use relais_domain::{AccountKind, Email, Locale, people::PersonIdentity};
use relais_store::{Actor, accounts, people, portal_accounts};

/// The path of the first link in a mail that starts with `prefix`.
pub fn link_in(mail: &str, prefix: &str) -> String {
    let mail = mail.replace("=\r\n", "").replace("=\n", "");
    let start = mail
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in mail: {mail}"));
    mail[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

async fn token_hashes(app: &TestApp) -> Vec<String> {
    let sql = "SELECT token_hash FROM sign_ups";
    match &app.db {
        relais_store::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await,
        relais_store::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await,
    }
    .expect("query")
}

const NEW_PASSWORD: &str = "a long enough passphrase";

async fn sign_up(c: &mut TestClient, given: &str, family: &str, email: &str) -> StatusCode {
    c.post_form(
        "/signup",
        &[
            ("given_name", given),
            ("family_name", family),
            ("email", email),
            ("password", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ],
    )
    .await
    .status
}

async fn portal_account(app: &TestApp, slug: &str, email: &str) -> Option<accounts::Account> {
    accounts::find_by_email(&app.db, app.tenant(slug), AccountKind::Portal, email)
        .await
        .expect("query")
}

#[tokio::test]
async fn sign_up_creates_the_account_and_its_person_only_when_the_link_is_followed() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.get("/login")
        .await
        .assert_contains("href=\"/signup\"")
        .assert_contains("Créer un compte");
    c.get("/signup")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Créer un compte")
        .assert_contains("autocomplete=\"new-password\"");
    let accounts_before = app.count("accounts").await;
    let persons_before = app.count("persons").await;
    assert_eq!(
        sign_up(&mut c, "Marie", "Curie", "marie.curie@example.org").await,
        StatusCode::OK
    );
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("To: marie.curie@example.org"),
        "{}",
        mails[0]
    );
    let link = link_in(&mails[0], "/signup/confirm/");
    assert!(
        mails[0]
            .replace("=\r\n", "")
            .contains(&format!("http://alpha.test:8080{link}")),
        "the link points at the tenant's own host"
    );
    // Nothing exists yet but the pending sign-up, whose token is stored hashed.
    assert_eq!(app.count("accounts").await, accounts_before);
    assert_eq!(app.count("persons").await, persons_before);
    assert_eq!(app.count("sign_ups").await, 1);
    let token = link.trim_start_matches("/signup/confirm/");
    let stored = token_hashes(&app).await;
    assert!(
        !stored.iter().any(|h| h == token),
        "the raw token is never stored"
    );
    assert_eq!(stored, vec![relais_store::secret_hash(token)]);
    // Opening the link does not use it (mail scanners open links); the button does.
    c.get(&link)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Activer mon compte");
    c.get(&link).await.assert_status(StatusCode::OK);
    let r = c.post_form(&link, &[]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(
        r.location()
            .is_some_and(|l| l.starts_with("/account?notice=signup-done")),
        "{:?}",
        r.location()
    );
    let landing = r.location().expect("location").to_owned();
    c.get(&landing)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Bienvenue")
        .assert_contains("marie.curie@example.org");
    let account = portal_account(&app, "alpha", "marie.curie@example.org")
        .await
        .expect("account created");
    assert!(account.email_verified_at.is_some());
    assert_eq!(account.display_name, "Marie Curie");
    let person_id = portal_accounts::person_of(&app.db, app.tenant("alpha"), account.id)
        .await
        .expect("query")
        .expect("linked to a person");
    let person = people::get_person(&app.db, app.tenant("alpha"), person_id)
        .await
        .expect("query")
        .expect("person");
    assert_eq!(
        (person.given_name.as_str(), person.family_name.as_str()),
        ("Marie", "Curie")
    );
    // Used once: the link is dead now, even for the same browser.
    c.post_form(&link, &[])
        .await
        .assert_status(StatusCode::GONE)
        .assert_contains("Recommencez");
    c.get(&link).await.assert_status(StatusCode::GONE);
    // Sign out, sign in again with the chosen password.
    c.post_form("/logout", &[]).await;
    let r = c
        .post_form(
            "/login",
            &[
                ("email", "marie.curie@example.org"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    // The staff side finds the new person by name.
    let mut staff = app.client("alpha.test");
    staff.login_staff("agent@alpha.test").await;
    staff
        .get("/backoffice/people?q=curie")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Curie");
}

#[tokio::test]
async fn a_proved_address_links_the_account_to_the_existing_person() {
    let app = TestApp::new().await;
    let actor = Actor::system(app.tenant("alpha"), "test");
    let identity = PersonIdentity {
        given_name: "Jean".into(),
        family_name: "Dupont".into(),
        birth_date: None,
        locale: Locale::Fr,
    };
    let person = people::create_person(&app.db, &actor, &identity)
        .await
        .expect("person");
    people::add_email(
        &app.db,
        &actor,
        person.id,
        &Email::parse("jean.dupont@example.org").expect("email"),
    )
    .await
    .expect("email");
    // The same address in another tenant means nothing here.
    let beta_actor = Actor::system(app.tenant("beta"), "test");
    let other = people::create_person(&app.db, &beta_actor, &identity)
        .await
        .expect("person");
    people::add_email(
        &app.db,
        &beta_actor,
        other.id,
        &Email::parse("jean.dupont@example.org").expect("email"),
    )
    .await
    .expect("email");
    let persons_before = app.count("persons").await;
    let mut c = app.client("alpha.test");
    sign_up(&mut c, "Jean", "Dupont", "Jean.Dupont@example.org").await;
    let link = link_in(&app.mails().await[0], "/signup/confirm/");
    c.post_form(&link, &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let account = portal_account(&app, "alpha", "jean.dupont@example.org")
        .await
        .expect("account");
    assert_eq!(
        portal_accounts::person_of(&app.db, app.tenant("alpha"), account.id)
            .await
            .expect("query"),
        Some(person.id),
        "linked to the tenant's own record"
    );
    assert_eq!(app.count("persons").await, persons_before, "no new person");
}

#[tokio::test]
async fn bad_sign_up_input_is_refused_clearly_and_changes_nothing() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    let r = c
        .post_form(
            "/signup",
            &[
                ("given_name", " "),
                ("family_name", &"x".repeat(101)),
                ("email", "not an address"),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Saisissez le prénom")
        .assert_contains("Saisissez le nom")
        .assert_contains("adresse électronique valide")
        .assert_contains("au moins 12 caractères")
        .assert_contains("value=\"not an address\"");
    assert!(
        !r.body.contains("value=\"short\""),
        "passwords never echoed"
    );
    let r = c
        .post_form(
            "/signup",
            &[
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("email", "ada@example.org"),
                ("password", NEW_PASSWORD),
                ("confirm", "another long passphrase"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("pas identiques");
    // English too.
    let r = c
        .post_form("/signup?lang=en", &[("given_name", "Ada")])
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Enter a valid email address");
    assert_eq!(app.count("sign_ups").await, 0);
    assert!(app.mails().await.is_empty());
    // Made-up links.
    c.get("/signup/confirm/made-up")
        .await
        .assert_status(StatusCode::GONE);
    c.post_form("/signup/confirm/made-up", &[])
        .await
        .assert_status(StatusCode::GONE);
}

#[tokio::test]
async fn sign_up_does_not_tell_whether_an_address_has_an_account() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    let accounts_before = app.count("accounts").await;
    let known = c
        .post_form(
            "/signup",
            &[
                ("given_name", "Someone"),
                ("family_name", "Else"),
                ("email", "citizen@alpha.test"),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    let unknown = c
        .post_form(
            "/signup",
            &[
                ("given_name", "Someone"),
                ("family_name", "Else"),
                ("email", "nobody@alpha.test"),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, StatusCode::OK);
    let strip = |body: &str, email: &str| body.replace(email, "EMAIL");
    let csrf = |body: &str| {
        body.lines()
            .filter(|l| !l.contains("csrf"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        csrf(&strip(&known.body, "citizen@alpha.test")),
        csrf(&strip(&unknown.body, "nobody@alpha.test")),
        "the same page either way"
    );
    // The owner of the existing account is told by mail; their account is untouched.
    let mails = app.mails().await;
    assert_eq!(mails.len(), 2);
    let to_owner = mails
        .iter()
        .find(|m| m.contains("To: citizen@alpha.test"))
        .expect("mail to the owner");
    assert!(!to_owner.contains("/signup/confirm/"));
    assert!(to_owner.replace("=\r\n", "").contains("/password/forgot"));
    assert_eq!(app.count("sign_ups").await, 1, "only the unknown address");
    assert_eq!(app.count("accounts").await, accounts_before);
    c.login_portal("citizen@alpha.test").await;
}

#[tokio::test]
async fn sign_up_links_expire_and_belong_to_their_tenant() {
    let config = relais_web::WebConfig {
        signup_link_lifetime: chrono::Duration::seconds(1),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let mut c = app.client("alpha.test");
    sign_up(&mut c, "Late", "Comer", "late@example.org").await;
    let link = link_in(&app.mails().await[0], "/signup/confirm/");
    // Another tenant does not know the link.
    let mut beta = app.client("beta.test");
    beta.get(&link).await.assert_status(StatusCode::GONE);
    beta.post_form(&link, &[])
        .await
        .assert_status(StatusCode::GONE);
    assert!(
        portal_account(&app, "beta", "late@example.org")
            .await
            .is_none()
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    c.post_form(&link, &[])
        .await
        .assert_status(StatusCode::GONE);
    assert!(
        portal_account(&app, "alpha", "late@example.org")
            .await
            .is_none()
    );
}

#[tokio::test]
async fn two_pending_sign_ups_for_one_address_make_one_account() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    sign_up(&mut c, "Twice", "Over", "twice@example.org").await;
    sign_up(&mut c, "Twice", "Over", "twice@example.org").await;
    let mails = app.mails().await;
    let first = link_in(&mails[0], "/signup/confirm/");
    let second = link_in(&mails[1], "/signup/confirm/");
    c.post_form(&first, &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let mut other = app.client("alpha.test");
    let r = other.post_form(&second, &[]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login?notice=signup-exists"));
    other
        .get("/login?notice=signup-exists")
        .await
        .assert_contains("Un compte existe déjà");
    assert!(!other.cookies.contains_key("relais_session"));
}

#[tokio::test]
async fn sign_up_is_rate_limited_per_client() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test").with_ip("192.0.2.7");
    for i in 0..5 {
        let email = format!("n{i}@example.org");
        assert_eq!(sign_up(&mut c, "A", "B", &email).await, StatusCode::OK);
    }
    let r = c
        .post_form(
            "/signup",
            &[
                ("given_name", "A"),
                ("family_name", "B"),
                ("email", "n6@example.org"),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    r.assert_status(StatusCode::TOO_MANY_REQUESTS)
        .assert_contains("Trop de tentatives");
    assert_eq!(app.count("sign_ups").await, 5);
    // Another client is not held back.
    let mut other = app.client("alpha.test").with_ip("192.0.2.8");
    assert_eq!(
        sign_up(&mut other, "A", "B", "n7@example.org").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn staff_cannot_sign_up_on_the_portal_while_signed_in() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_staff("agent@alpha.test").await;
    c.get("/signup").await.assert_status(StatusCode::FORBIDDEN);
    let mut p = app.client("alpha.test");
    p.login_portal("citizen@alpha.test").await;
    let r = p.get("/signup").await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/account"));
    let _ = PASSWORD;
}

/// A person who signed up and followed the link: signed in, with their account.
pub async fn signed_up(app: &TestApp, given: &str, family: &str, email: &str) -> TestClient {
    let mut c = app.client("alpha.test");
    let before = app.mails().await.len();
    assert_eq!(sign_up(&mut c, given, family, email).await, StatusCode::OK);
    let link = link_in(&app.mails().await[before], "/signup/confirm/");
    c.post_form(&link, &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c
}

/// A case of the tenant's service filed by this account for its person.
async fn file_case(app: &TestApp, email: &str) -> relais_store::cases::Case {
    let service_id = crate::catalogue::published_service(app, "alpha", "voirie").await;
    let tenant = app.tenant_row("alpha").await;
    let account = portal_account(app, "alpha", email).await.expect("account");
    let person = portal_accounts::person_of(&app.db, tenant.id, account.id)
        .await
        .expect("query");
    let service = relais_store::services::get(&app.db, tenant.id, service_id)
        .await
        .expect("query")
        .expect("service");
    relais_web::cases::flow::file(
        &app.state,
        &tenant,
        &Actor::system(tenant.id, "test"),
        relais_web::cases::flow::Filing {
            service: &service,
            answers: serde_json::json!({"subject": "Un trou dans la chaussée"})
                .as_object()
                .cloned()
                .expect("object"),
            documents: vec![],
            requester_person_id: person,
            requester_account_id: Some(account.id),
            contact_email: None,
            organisation_id: None,
            channel: "portal",
            priority: relais_domain::service::sla::Priority::Normal,
            draft_id: None,
        },
    )
    .await
    .expect("filed")
    .case
}

async fn staff_reply(app: &TestApp, case: &relais_store::cases::Case, body: &str) {
    let tenant = app.tenant_row("alpha").await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let actor = Actor {
        account_id: Some(agent.id),
        ..Actor::system(tenant.id, "agent@alpha.test")
    };
    let current = relais_store::cases::get(&app.db, tenant.id, case.id)
        .await
        .expect("query")
        .expect("case");
    relais_web::cases::handling::reply(
        &app.state,
        &tenant,
        &actor,
        case.id,
        current.row_version,
        body,
    )
    .await
    .expect("reply");
}

#[tokio::test]
async fn the_profile_edits_the_person_record_and_refuses_bad_input() {
    let app = TestApp::new().await;
    let mut c = signed_up(&app, "Marie", "Curie", "marie@example.org").await;
    let account = portal_account(&app, "alpha", "marie@example.org")
        .await
        .expect("account");
    let person_id = portal_accounts::person_of(&app.db, app.tenant("alpha"), account.id)
        .await
        .expect("query")
        .expect("person");
    c.get("/account")
        .await
        .assert_contains("href=\"/account/profile\"")
        .assert_contains("href=\"/account/notifications\"")
        .assert_contains("href=\"/account/delete\"");
    c.get("/account/profile")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Mon profil")
        .assert_contains("value=\"Marie\"")
        .assert_contains("value=\"Curie\"");
    let r = c
        .post_form(
            "/account/profile",
            &[
                ("given_name", ""),
                ("family_name", "Curie"),
                ("phone", "12"),
                ("locale", "de"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Saisissez le prénom")
        .assert_contains("Saisissez un numéro")
        .assert_contains("value=\"12\"");
    let person = people::get_person(&app.db, app.tenant("alpha"), person_id)
        .await
        .expect("query")
        .expect("person");
    assert_eq!(person.given_name, "Marie", "nothing changed");
    let r = c
        .post_form(
            "/account/profile",
            &[
                ("given_name", "Marie"),
                ("family_name", "Skłodowska-Curie"),
                ("phone", "06 12 34 56 78"),
                ("locale", "en"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let person = people::get_person(&app.db, app.tenant("alpha"), person_id)
        .await
        .expect("query")
        .expect("person");
    assert_eq!(person.family_name, "Skłodowska-Curie");
    assert_eq!(
        portal_accounts::phones_of(&app.db, app.tenant("alpha"), person_id)
            .await
            .expect("query")
            .into_iter()
            .map(|(_, p)| p)
            .collect::<Vec<_>>(),
        vec!["+33612345678".to_owned()]
    );
    let account = portal_account(&app, "alpha", "marie@example.org")
        .await
        .expect("account");
    assert_eq!(account.display_name, "Marie Skłodowska-Curie");
    assert_eq!(account.locale.as_deref(), Some("en"));
    c.get(r.location().expect("location"))
        .await
        .assert_contains("My profile")
        .assert_contains("Profile saved");
    // A new number replaces the old one; an empty one removes it.
    c.post_form(
        "/account/profile",
        &[
            ("given_name", "Marie"),
            ("family_name", "Curie"),
            ("phone", "+33 7 00 00 00 01"),
            ("locale", "fr"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let phones = portal_accounts::phones_of(&app.db, app.tenant("alpha"), person_id)
        .await
        .expect("query");
    assert_eq!(phones.len(), 1);
    assert_eq!(phones[0].1, "+33700000001");
    c.post_form(
        "/account/profile",
        &[
            ("given_name", "Marie"),
            ("family_name", "Curie"),
            ("phone", ""),
            ("locale", "fr"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert!(
        portal_accounts::phones_of(&app.db, app.tenant("alpha"), person_id)
            .await
            .expect("query")
            .is_empty()
    );
    // Staff have no portal profile; nobody signed in is sent to sign in.
    let mut staff = app.client("alpha.test");
    staff.login_staff("agent@alpha.test").await;
    staff
        .get("/account/profile")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let r = app.client("alpha.test").get("/account/profile").await;
    assert!(r.status == StatusCode::SEE_OTHER || r.status == StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn notification_preferences_decide_how_replies_reach_the_requester() {
    let app = TestApp::new().await;
    let mut c = signed_up(&app, "Paul", "Martin", "paul@example.org").await;
    let page = c.get("/account/notifications").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Le service m&#39;écrit")
        .assert_contains(
            "id=\"message-immediately\" name=\"message\" value=\"immediately\" checked",
        );
    // Bad values: refused with a message, nothing saved.
    c.post_form(
        "/account/notifications",
        &[("status", "weekly"), ("message", "daily")],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("résumé quotidien");
    let account = portal_account(&app, "alpha", "paul@example.org")
        .await
        .expect("account");
    assert!(
        portal_accounts::preferences(&app.db, app.tenant("alpha"), account.id)
            .await
            .expect("query")
            .is_empty()
    );
    let case = file_case(&app, "paul@example.org").await;
    let mails_after_filing = app.mails().await.len();

    // Immediately (the default): the reply is mailed at once.
    staff_reply(&app, &case, "Nous passons demain.").await;
    assert_eq!(app.mails().await.len(), mails_after_filing + 1);
    assert!(
        app.mails()
            .await
            .last()
            .expect("mail")
            .contains("To: paul@example.org")
    );

    // Daily: held, then sent once in a digest a day later.
    c.post_form(
        "/account/notifications",
        &[("status", "immediately"), ("message", "daily")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.get("/account/notifications?notice=notifications-saved")
        .await
        .assert_contains("id=\"message-daily\" name=\"message\" value=\"daily\" checked");
    staff_reply(&app, &case, "Le trou est rebouché.").await;
    staff_reply(&app, &case, "Merci de votre signalement.").await;
    assert_eq!(
        app.mails().await.len(),
        mails_after_filing + 1,
        "held, not mailed"
    );
    assert_eq!(app.count("notification_digest").await, 2);
    let now = chrono::Utc::now();
    assert_eq!(
        relais_web::notify::send_digests(&app.state, now)
            .await
            .expect("digest pass"),
        0,
        "not a day yet"
    );
    assert_eq!(
        relais_web::notify::send_digests(&app.state, now + chrono::Duration::hours(25))
            .await
            .expect("digest pass"),
        1
    );
    let mails = app.mails().await;
    assert_eq!(mails.len(), mails_after_filing + 2);
    let digest = mails
        .last()
        .expect("digest")
        .replace("=\r\n", "")
        .replace("=\n", "");
    assert!(digest.contains("To: paul@example.org"), "{digest}");
    assert!(digest.contains(&case.reference), "{digest}");
    assert!(digest.contains("/account/notifications"), "{digest}");
    assert_eq!(
        relais_web::notify::send_digests(&app.state, now + chrono::Duration::hours(50))
            .await
            .expect("digest pass"),
        0,
        "each notification goes out once"
    );

    // Never: neither mailed nor held; the reply is still on the case page.
    c.post_form(
        "/account/notifications",
        &[("status", "immediately"), ("message", "never")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    staff_reply(&app, &case, "Dernier message.").await;
    assert_eq!(app.mails().await.len(), mails_after_filing + 2);
    assert_eq!(app.count("notification_digest").await, 2);
    c.get(&format!("/my/requests/{}", case.id))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Dernier message.");
}

#[tokio::test]
async fn deleting_an_account_pseudonymises_the_person_and_keeps_the_cases() {
    let app = TestApp::new().await;
    let mut c = signed_up(&app, "Jeanne", "Moreau", "jeanne@example.org").await;
    c.post_form(
        "/account/profile",
        &[
            ("given_name", "Jeanne"),
            ("family_name", "Moreau"),
            ("phone", "0612345678"),
            ("locale", "fr"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let account = portal_account(&app, "alpha", "jeanne@example.org")
        .await
        .expect("account");
    let person_id = portal_accounts::person_of(&app.db, app.tenant("alpha"), account.id)
        .await
        .expect("query")
        .expect("person");
    let case = file_case(&app, "jeanne@example.org").await;
    c.get("/account/delete")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("pseudonyme");
    // The wrong password changes nothing.
    c.post_form("/account/delete", &[("password", "not my password")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("mot de passe actuel est incorrect");
    assert!(
        portal_account(&app, "alpha", "jeanne@example.org")
            .await
            .is_some()
    );
    let r = c
        .post_form("/account/delete", &[("password", NEW_PASSWORD)])
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/?notice=account-deleted"));
    assert!(!c.cookies.contains_key("relais_session"));
    c.get("/?notice=account-deleted")
        .await
        .assert_contains("Votre compte a été supprimé");
    assert!(
        portal_account(&app, "alpha", "jeanne@example.org")
            .await
            .is_none()
    );
    // The case stays, pointing at the pseudonymised record.
    let kept = relais_store::cases::get(&app.db, app.tenant("alpha"), case.id)
        .await
        .expect("query")
        .expect("case kept");
    assert_eq!(kept.requester_account_id, None);
    assert_eq!(kept.requester_person_id, Some(person_id));
    let person = people::get_person(&app.db, app.tenant("alpha"), person_id)
        .await
        .expect("query")
        .expect("person kept");
    assert_eq!(person.given_name, "");
    assert_ne!(person.family_name, "Moreau");
    assert!(person.archived_at.is_some());
    assert!(
        portal_accounts::phones_of(&app.db, app.tenant("alpha"), person_id)
            .await
            .expect("query")
            .is_empty()
    );
    let record = people::person_record(&app.db, app.tenant("alpha"), person_id, None)
        .await
        .expect("query")
        .expect("record");
    assert!(record.emails.is_empty());
    // The old password opens nothing; the audit says what was done.
    c.post_form(
        "/login",
        &[("email", "jeanne@example.org"), ("password", NEW_PASSWORD)],
    )
    .await
    .assert_status(StatusCode::UNAUTHORIZED);
    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    admin
        .get("/admin/audit")
        .await
        .assert_contains("account.delete");
    // Searching the old name finds nobody.
    let mut agent = app.client("alpha.test");
    agent.login_staff("agent@alpha.test").await;
    let found = agent.get("/backoffice/people?q=moreau").await;
    assert!(!found.body.contains("Jeanne"), "{}", found.body);
}

#[tokio::test]
async fn with_the_keep_record_rule_only_the_account_goes() {
    let app = TestApp::new().await;
    portal_accounts::set_deletion_rule(
        &app.db,
        &Actor::system(app.tenant("alpha"), "test"),
        portal_accounts::DeletionRule::KeepRecord,
    )
    .await
    .expect("rule");
    let mut c = signed_up(&app, "Louis", "Pasteur", "louis@example.org").await;
    let account = portal_account(&app, "alpha", "louis@example.org")
        .await
        .expect("account");
    let person_id = portal_accounts::person_of(&app.db, app.tenant("alpha"), account.id)
        .await
        .expect("query")
        .expect("person");
    c.get("/account/delete")
        .await
        .assert_contains("règles de conservation");
    c.post_form("/account/delete", &[("password", NEW_PASSWORD)])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert!(
        portal_account(&app, "alpha", "louis@example.org")
            .await
            .is_none()
    );
    let person = people::get_person(&app.db, app.tenant("alpha"), person_id)
        .await
        .expect("query")
        .expect("person");
    assert_eq!(
        (person.given_name.as_str(), person.family_name.as_str()),
        ("Louis", "Pasteur")
    );
    assert!(person.archived_at.is_none());
}

#[tokio::test]
async fn staff_accounts_are_not_deleted_from_the_portal() {
    let app = TestApp::new().await;
    let mut staff = app.client("alpha.test");
    staff.login_staff("agent@alpha.test").await;
    staff
        .get("/account/delete")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    staff
        .post_form("/account/delete", &[("password", PASSWORD)])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let agent = app.account("alpha", "agent@alpha.test").await;
    assert!(
        accounts::get(&app.db, app.tenant("alpha"), agent.id)
            .await
            .expect("query")
            .is_some()
    );
}

#[tokio::test]
async fn deletion_knows_every_column_that_points_at_an_account() {
    let app = TestApp::new().await;
    let mut declared = relais_store::schema::references_to(&app.db, "accounts")
        .await
        .expect("introspection");
    declared.sort();
    declared.dedup();
    let mut known: Vec<(String, String)> = portal_accounts::ACCOUNT_ROWS
        .iter()
        .map(|t| ((*t).to_owned(), "account_id".to_owned()))
        .chain(
            portal_accounts::ACCOUNT_MENTIONS
                .iter()
                .map(|(t, c)| ((*t).to_owned(), (*c).to_owned())),
        )
        .collect();
    known.sort();
    assert_eq!(
        known, declared,
        "a table pointing at accounts must say what account deletion does with it"
    );
}

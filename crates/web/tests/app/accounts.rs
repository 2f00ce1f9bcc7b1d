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
    let mails = app.mails();
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
    let link = link_in(&app.mails()[0], "/signup/confirm/");
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
    assert!(app.mails().is_empty());
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
    let mails = app.mails();
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
    let link = link_in(&app.mails()[0], "/signup/confirm/");
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
    let mails = app.mails();
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

//! Likely duplicates: the store's review queue (shared e-mail, shared phone however it was
//! written, similar name with the same birth date), never across tenants nor with archived
//! persons, and its back office page.

use crate::common::TestApp;
use axum::http::StatusCode;
use chrono::NaiveDate;
use relais_domain::{
    Locale,
    people::{PersonIdentity, Phone, duplicates::Reason, person_email},
};
use relais_store::{Actor, people};
use uuid::Uuid;

async fn person(app: &TestApp, slug: &str, given: &str, family: &str, born: &str) -> Uuid {
    let identity = PersonIdentity {
        given_name: given.into(),
        family_name: family.into(),
        birth_date: NaiveDate::parse_from_str(born, "%Y-%m-%d").ok(),
        locale: Locale::Fr,
    };
    people::create_person(&app.db, &actor(app, slug), &identity)
        .await
        .expect("person")
        .id
}

fn actor(app: &TestApp, slug: &str) -> Actor {
    Actor::system(app.tenant(slug), "test")
}

async fn email(app: &TestApp, slug: &str, id: Uuid, e: &str) {
    people::add_email(&app.db, &actor(app, slug), id, &person_email(e).unwrap())
        .await
        .unwrap();
}

async fn phone(app: &TestApp, slug: &str, id: Uuid, p: &str) {
    people::add_phone(&app.db, &actor(app, slug), id, &Phone::parse(p).unwrap())
        .await
        .unwrap();
}

/// The pairs found in a tenant, as (id, id, reason) with the smaller id first.
async fn pairs(app: &TestApp, slug: &str) -> Vec<(Uuid, Uuid, Reason)> {
    let mut out: Vec<_> = people::duplicate_candidates(&app.db, app.tenant(slug), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|(a, b, r)| (a.id.min(b.id), a.id.max(b.id), r))
        .collect();
    out.sort();
    out
}

fn pair(a: Uuid, b: Uuid, r: Reason) -> (Uuid, Uuid, Reason) {
    (a.min(b), a.max(b), r)
}

#[tokio::test]
async fn pairs_by_email_phone_and_similar_name_within_one_tenant() {
    let app = TestApp::new().await;
    // The same e-mail, typed differently.
    let anne = person(&app, "alpha", "Anne", "Petit", "").await;
    let paul = person(&app, "alpha", "Paul", "Grand", "").await;
    email(&app, "alpha", anne, "anne.petit@example.fr").await;
    email(&app, "alpha", paul, " Anne.Petit@EXAMPLE.fr ").await;
    // The same phone, written two ways.
    let claire = person(&app, "alpha", "Claire", "Dubois", "").await;
    let claude = person(&app, "alpha", "Claude", "Moreau", "").await;
    phone(&app, "alpha", claire, "06 12 34 56 78").await;
    phone(&app, "alpha", claude, "+33 6 12 34 56 78").await;
    // A typo in the name, the same birth date.
    let helene = person(&app, "alpha", "Hélène", "Durand", "1980-02-29").await;
    let helene2 = person(&app, "alpha", "Helene", "Durnad", "1980-02-29").await;
    // Same name, different birth dates: two persons.
    person(&app, "alpha", "Jean", "Martin", "1950-01-01").await;
    person(&app, "alpha", "Jean", "Martin", "1980-01-01").await;
    // Born the same day, different names.
    person(&app, "alpha", "Marc", "Leroy", "1980-02-29").await;
    // An archived person sharing the e-mail is left out.
    let gone = person(&app, "alpha", "Anne", "Petit", "").await;
    email(&app, "alpha", gone, "anne.petit@example.fr").await;
    people::archive_person(&app.db, &actor(&app, "alpha"), gone)
        .await
        .unwrap();
    // In beta: the same e-mail, the same phone, the same name and birth date.
    let beta = person(&app, "beta", "Hélène", "Durand", "1980-02-29").await;
    email(&app, "beta", beta, "anne.petit@example.fr").await;
    phone(&app, "beta", beta, "0612345678").await;

    let mut expected = vec![
        pair(anne, paul, Reason::SameEmail),
        pair(claire, claude, Reason::SamePhone),
        pair(helene, helene2, Reason::SimilarNameSameBirthDate),
    ];
    expected.sort();
    assert_eq!(pairs(&app, "alpha").await, expected);
    // Beta's lone person pairs with no one of alpha.
    assert_eq!(pairs(&app, "beta").await, []);

    // Strongest reason first, each pair once.
    let both = person(&app, "alpha", "Anne", "Petitt", "").await;
    phone(&app, "alpha", both, "06 99 99 99 99").await;
    phone(&app, "alpha", anne, "06 99 99 99 99").await;
    email(&app, "alpha", both, "petitt@example.fr").await;
    email(&app, "alpha", anne, "petitt@example.fr").await;
    let found = pairs(&app, "alpha").await;
    assert_eq!(
        found
            .iter()
            .filter(|(a, b, _)| (*a, *b) == (anne.min(both), anne.max(both)))
            .map(|p| p.2)
            .collect::<Vec<_>>(),
        [Reason::SameEmail]
    );
    assert_eq!(
        people::duplicate_candidates(&app.db, app.tenant("alpha"), 1)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn the_review_queue_page() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_staff("viewer@alpha.test").await;
    c.get("/backoffice/people")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("href=\"/backoffice/people/duplicates\"");
    c.get("/backoffice/people/duplicates")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Aucun doublon probable");

    let a = person(&app, "alpha", "Hélène", "Durand", "1980-02-29").await;
    let b = person(&app, "alpha", "Helene", "Durnad", "1980-02-29").await;
    let d = person(&app, "alpha", "Zoé", "Roux", "").await;
    let e = person(&app, "alpha", "Louis", "Blanc", "").await;
    email(&app, "alpha", d, "foyer@example.fr").await;
    email(&app, "alpha", e, "foyer@example.fr").await;
    let other = person(&app, "beta", "Bêta", "Personne", "").await;
    email(&app, "beta", other, "foyer@example.fr").await;

    let r = c.get("/backoffice/people/duplicates").await;
    r.assert_status(StatusCode::OK)
        .assert_contains(&format!("href=\"/backoffice/people/{a}\""))
        .assert_contains(&format!("href=\"/backoffice/people/{b}\""))
        .assert_contains(&format!("href=\"/backoffice/people/{d}\""))
        .assert_contains(&format!("href=\"/backoffice/people/{e}\""))
        .assert_contains("Durnad Helene")
        .assert_contains("Nom proche et même date de naissance")
        .assert_contains("Même courriel");
    assert!(!r.body.contains(&other.to_string()), "no one of beta");
    c.get("/backoffice/people/duplicates?lang=en")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Likely duplicates")
        .assert_contains("Similar name and same birth date")
        .assert_contains("Same email");

    // Not for visitors without a staff session.
    let r = app
        .client("alpha.test")
        .get("/backoffice/people/duplicates")
        .await;
    assert_ne!(r.status, StatusCode::OK);
}

//! People and organisations: the store (tenancy, history, search, pagination), the back
//! office pages (360° page, forms, permissions, audit of views) and the JSON API.

use crate::common::{TestApp, TestClient, api_token};
use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, Utc};
use relais_domain::{
    Locale,
    people::{
        Channel, ConsentChange, NewInteraction, Party, PersonIdentity, Phone, PostalAddress,
        RelationshipKind, Siret, person_email,
    },
};
use relais_store::{Actor, StoreError, audit, people};
use serde_json::json;
use uuid::Uuid;

fn identity(given: &str, family: &str) -> PersonIdentity {
    PersonIdentity {
        given_name: given.into(),
        family_name: family.into(),
        birth_date: None,
        locale: Locale::Fr,
    }
}

fn actor(app: &TestApp, slug: &str) -> Actor {
    Actor::system(app.tenant(slug), "test")
}

pub async fn person(app: &TestApp, slug: &str, given: &str, family: &str) -> Uuid {
    people::create_person(&app.db, &actor(app, slug), &identity(given, family))
        .await
        .expect("person")
        .id
}

pub async fn organisation(app: &TestApp, slug: &str, name: &str) -> Uuid {
    people::create_organisation(&app.db, &actor(app, slug), name, None)
        .await
        .expect("organisation")
        .id
}

// ---------------------------------------------------------------------------------------
// Store

#[tokio::test]
async fn store_keeps_a_whole_person_with_history_and_audit() {
    let app = TestApp::new().await;
    let a = actor(&app, "alpha");
    let t = app.tenant("alpha");
    let audit_before = app.count("audit_log").await;
    let id = person(&app, "alpha", "Hélène", "Lefèvre").await;
    let email = people::add_email(&app.db, &a, id, &person_email("helene@example.fr").unwrap())
        .await
        .unwrap();
    assert!(matches!(
        people::add_email(&app.db, &a, id, &person_email("HELENE@example.fr").unwrap()).await,
        Err(StoreError::Conflict)
    ));
    people::add_phone(&app.db, &a, id, &Phone::parse("06 12 34 56 78").unwrap())
        .await
        .unwrap();
    people::add_address(
        &app.db,
        &a,
        id,
        &PostalAddress::parse("3 place de la Mairie", "69001", "Lyon", "").unwrap(),
    )
    .await
    .unwrap();
    people::set_tags(&app.db, &a, id, &["vip".into(), "elu".into()])
        .await
        .unwrap();
    let now = Utc::now();
    for state in ["given", "withdrawn", "given"] {
        let c = ConsentChange::parse("newsletter", state, "counter", None, now).unwrap();
        people::set_consent(&app.db, &a, id, &c).await.unwrap();
    }
    let sms = ConsentChange::parse("sms", "withdrawn", "phone", None, now).unwrap();
    people::set_consent(&app.db, &a, id, &sms).await.unwrap();
    let other = person(&app, "alpha", "Paul", "Lefèvre").await;
    people::add_relationship(
        &app.db,
        &a,
        id,
        RelationshipKind::Household,
        Party::Person(other),
    )
    .await
    .unwrap();
    let org = organisation(&app, "alpha", "Les Amis du Parc").await;
    people::add_relationship(
        &app.db,
        &a,
        id,
        RelationshipKind::MemberOf,
        Party::Organisation(org),
    )
    .await
    .unwrap();
    assert!(matches!(
        people::add_relationship(
            &app.db,
            &a,
            id,
            RelationshipKind::MemberOf,
            Party::Organisation(org)
        )
        .await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        people::add_relationship(
            &app.db,
            &a,
            id,
            RelationshipKind::MemberOf,
            Party::Person(other)
        )
        .await,
        Err(StoreError::Rule("person-invalid-relationship-target"))
    ));
    for channel in ["phone", "counter"] {
        let i = NewInteraction::parse(channel, "inbound", "Question", "5", "", None, now).unwrap();
        people::log_interaction(&app.db, &a, id, &i).await.unwrap();
    }

    let r = people::person_record(&app.db, t, id, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.emails.len(), 1);
    assert_eq!(r.phones[0].e164, "+33612345678");
    assert_eq!(
        r.addresses[0].formatted(),
        ["3 place de la Mairie", "69001 LYON"]
    );
    assert_eq!(r.tags, ["elu", "vip"]);
    assert_eq!(r.consents.len(), 4, "every change is kept");
    let current: Vec<_> = r
        .current_consents()
        .iter()
        .map(|c| (c.purpose.as_str(), c.state.as_str()))
        .collect();
    assert_eq!(current, [("newsletter", "given"), ("sms", "withdrawn")]);
    assert_eq!(r.relationships.len(), 2);
    assert_eq!(r.interactions.len(), 2);
    let phone_only = people::person_record(&app.db, t, id, Some(Channel::Phone))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(phone_only.interactions.len(), 1);
    assert_eq!(phone_only.interactions[0].channel, "phone");
    // The other person sees the household from their side; the organisation its member.
    let theirs = people::person_record(&app.db, t, other, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(theirs.relationships.len(), 1);
    assert!(!theirs.relationships[0].outgoing);
    let members = people::members(&app.db, t, org).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].person_id, id);

    people::remove_contact_point(&app.db, &a, id, email)
        .await
        .unwrap();
    assert!(matches!(
        people::remove_contact_point(&app.db, &a, id, email).await,
        Err(StoreError::NotFound)
    ));
    // Every write above has its audit row (2 refused writes have none).
    let writes = 1 + 1 + 1 + 1 + 1 + 4 + 1 + 1 + 1 + 1 + 2 + 1;
    assert_eq!(app.count("audit_log").await, audit_before + writes);
}

#[tokio::test]
async fn store_update_archive_and_identity_diff() {
    let app = TestApp::new().await;
    let a = actor(&app, "alpha");
    let id = person(&app, "alpha", "Camille", "Martin").await;
    let mut changed = identity("Camille", "Martin-Durand");
    changed.birth_date = NaiveDate::from_ymd_opt(1990, 5, 1);
    let p = people::update_person(&app.db, &a, id, &changed)
        .await
        .unwrap();
    assert_eq!(p.family_name, "Martin-Durand");
    let before = app.count("audit_log").await;
    people::update_person(&app.db, &a, id, &changed)
        .await
        .unwrap();
    assert_eq!(app.count("audit_log").await, before, "no change, no write");
    let entries = audit::list(
        &app.db,
        app.tenant("alpha"),
        &audit::Filter {
            action: Some("person.update".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(
        entries[0].summary.0,
        json!({"family_name": ["Martin", "Martin-Durand"], "birth_date": ["", "1990-05-01"]})
    );
    assert_eq!(
        people::search_persons(&app.db, app.tenant("alpha"), "durand", 10)
            .await
            .unwrap()
            .len(),
        1
    );
    people::archive_person(&app.db, &a, id).await.unwrap();
    assert!(
        people::search_persons(&app.db, app.tenant("alpha"), "durand", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        people::list_persons(&app.db, app.tenant("alpha"), None, 10, false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        people::list_persons(&app.db, app.tenant("alpha"), None, 10, true)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn store_search_by_name_email_and_phone_in_any_writing() {
    let app = TestApp::new().await;
    let a = actor(&app, "alpha");
    let t = app.tenant("alpha");
    let helene = person(&app, "alpha", "Hélène", "Lefèvre-Dupré").await;
    people::add_email(
        &app.db,
        &a,
        helene,
        &person_email("h_lef@mairie.fr").unwrap(),
    )
    .await
    .unwrap();
    people::add_phone(&app.db, &a, helene, &Phone::parse("0612345678").unwrap())
        .await
        .unwrap();
    let paul = person(&app, "alpha", "Paul", "Hélier").await;
    people::add_email(&app.db, &a, paul, &person_email("hxlef@mairie.fr").unwrap())
        .await
        .unwrap();
    // Same name in beta: never found from alpha.
    let beta_helene = person(&app, "beta", "Hélène", "Lefèvre").await;

    let ids = |v: Vec<people::PersonSummary>| v.into_iter().map(|p| p.id).collect::<Vec<_>>();
    for q in [
        "helene",
        "HÉLÈNE",
        "lefevre",
        "dupre",
        "hel lef",
        "lefèvre hélène",
        "06 12 34",
        "+33 6 12 34 56 78",
        "0033612",
        "06.12.34.56.78",
        "h_lef",
        "h_lef@mairie.fr",
    ] {
        assert_eq!(
            ids(people::search_persons(&app.db, t, q, 10).await.unwrap()),
            [helene],
            "{q}"
        );
    }
    assert_eq!(
        ids(people::search_persons(&app.db, t, "hél", 10).await.unwrap()),
        [paul, helene],
        "both, by family name"
    );
    for q in ["", "  ", "%", "_", "zzz", "07"] {
        assert!(
            people::search_persons(&app.db, t, q, 10)
                .await
                .unwrap()
                .is_empty(),
            "{q:?}"
        );
    }
    assert_eq!(
        ids(
            people::search_persons(&app.db, app.tenant("beta"), "helene", 10)
                .await
                .unwrap()
        ),
        [beta_helene]
    );
}

#[tokio::test]
async fn store_lists_with_keyset_pagination() {
    let app = TestApp::new().await;
    let t = app.tenant("alpha");
    for family in [
        "Dubois", "Ämar", "Bernard", "Carré", "Bernard", "Zola", "Éluard",
    ] {
        person(&app, "alpha", "X", family).await;
    }
    person(&app, "beta", "X", "Aaron").await;
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = people::list_persons(&app.db, t, after, 3, false)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|p| p.id);
        seen.extend(page.into_iter().map(|p| p.family_name));
    }
    assert_eq!(
        seen,
        [
            "Ämar", "Bernard", "Bernard", "Carré", "Dubois", "Éluard", "Zola"
        ]
    );
    // Another tenant's id as a cursor gives nothing.
    let beta_id = people::list_persons(&app.db, app.tenant("beta"), None, 1, false)
        .await
        .unwrap()[0]
        .id;
    assert!(
        people::list_persons(&app.db, t, Some(beta_id), 10, false)
            .await
            .unwrap()
            .is_empty()
    );
    for name in ["Mairie", "Association Alpha", "Zèbre et Cie"] {
        organisation(&app, "alpha", name).await;
    }
    let orgs = people::list_organisations(&app.db, t, None, None, 2)
        .await
        .unwrap();
    assert_eq!(orgs[0].name, "Association Alpha");
    let rest = people::list_organisations(&app.db, t, None, Some(orgs[1].id), 2)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].name, "Zèbre et Cie");
    let found = people::list_organisations(&app.db, t, Some("zebre"), None, 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn store_refuses_every_write_across_tenants() {
    let app = TestApp::new().await;
    let a = actor(&app, "alpha");
    let mine = person(&app, "alpha", "Anne", "Alpha").await;
    let theirs = person(&app, "beta", "Bob", "Beta").await;
    let their_org = organisation(&app, "beta", "Beta Corp").await;
    let before = app.count("audit_log").await;
    let now = Utc::now();

    // Through the store: another tenant's ids are not found.
    assert!(matches!(
        people::add_relationship(
            &app.db,
            &a,
            mine,
            RelationshipKind::Household,
            Party::Person(theirs)
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        people::add_relationship(
            &app.db,
            &a,
            mine,
            RelationshipKind::MemberOf,
            Party::Organisation(their_org)
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        people::add_email(&app.db, &a, theirs, &person_email("x@y.fr").unwrap()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        people::update_person(&app.db, &a, theirs, &identity("Hijacked", "X")).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        people::archive_person(&app.db, &a, theirs).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        people::archive_organisation(&app.db, &a, their_org).await,
        Err(StoreError::NotFound)
    ));
    let c = ConsentChange::parse("newsletter", "given", "api", None, now).unwrap();
    assert!(matches!(
        people::set_consent(&app.db, &a, theirs, &c).await,
        Err(StoreError::NotFound)
    ));
    let i = NewInteraction::parse("phone", "inbound", "x", "", "", None, now).unwrap();
    assert!(matches!(
        people::log_interaction(&app.db, &a, theirs, &i).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        people::set_tags(&app.db, &a, theirs, &["x".into()]).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        people::person_record(&app.db, app.tenant("alpha"), theirs, None)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        people::get_organisation(&app.db, app.tenant("alpha"), their_org)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(app.count("audit_log").await, before);

    // Below the store: the composite foreign keys refuse a relationship across tenants even
    // when written by hand.
    let alpha = app.tenant("alpha");
    let sql = "INSERT INTO relationships (tenant_id, id, kind, person_id, to_person_id, to_organisation_id, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    for (to_person, to_org) in [(Some(theirs), None), (None, Some(their_org))] {
        let kind = if to_org.is_some() {
            "member_of"
        } else {
            "household"
        };
        let result = match &app.db {
            relais_store::Db::Sqlite(p) => sqlx::query(sql)
                .bind(alpha)
                .bind(Uuid::now_v7())
                .bind(kind)
                .bind(mine)
                .bind(to_person)
                .bind(to_org)
                .bind(now)
                .execute(p)
                .await
                .map(|_| ()),
            relais_store::Db::Postgres(p) => sqlx::query(sql)
                .bind(alpha)
                .bind(Uuid::now_v7())
                .bind(kind)
                .bind(mine)
                .bind(to_person)
                .bind(to_org)
                .bind(now)
                .execute(p)
                .await
                .map(|_| ()),
        };
        let err = result.expect_err("a relationship across tenants is refused");
        assert!(
            matches!(&err, sqlx::Error::Database(d) if d.is_foreign_key_violation()),
            "{err}"
        );
    }
    assert_eq!(app.count("relationships").await, 0);
}

#[tokio::test]
async fn store_organisations_with_siret() {
    let app = TestApp::new().await;
    let a = actor(&app, "alpha");
    let siret = Siret::parse("732 829 320 00074").unwrap();
    let org = people::create_organisation(&app.db, &a, "Mairie", Some(&siret))
        .await
        .unwrap();
    assert_eq!(org.siret.as_deref(), Some("73282932000074"));
    assert!(matches!(
        people::create_organisation(&app.db, &a, "Other", Some(&siret)).await,
        Err(StoreError::Conflict)
    ));
    // Another tenant may know the same establishment.
    people::create_organisation(&app.db, &actor(&app, "beta"), "Mairie", Some(&siret))
        .await
        .unwrap();
    let renamed = people::update_organisation(&app.db, &a, org.id, "Mairie de Lyon", None)
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.siret),
        ("Mairie de Lyon", None)
    );
    people::archive_organisation(&app.db, &a, org.id)
        .await
        .unwrap();
    assert!(
        people::list_organisations(&app.db, app.tenant("alpha"), None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[allow(dead_code)]
async fn staff(app: &TestApp, slug: &str, role: &str) -> TestClient {
    let mut c = app.client(&format!("{slug}.test"));
    c.login_staff(&format!("{role}@{slug}.test")).await;
    c
}

#[allow(dead_code)]
async fn api(app: &TestApp, slug: &str, role: &str) -> TestClient {
    let token = api_token(app, slug, &format!("{role}@{slug}.test")).await;
    app.client(&format!("{slug}.test")).with_bearer(&token)
}

#[allow(dead_code)]
fn unused(_: Method, _: StatusCode) {}

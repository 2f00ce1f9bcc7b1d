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

pub async fn staff(app: &TestApp, slug: &str, role: &str) -> TestClient {
    let mut c = app.client(&format!("{slug}.test"));
    c.login_staff(&format!("{role}@{slug}.test")).await;
    c
}

pub async fn api(app: &TestApp, slug: &str, role: &str) -> TestClient {
    let token = api_token(app, slug, &format!("{role}@{slug}.test")).await;
    app.client(&format!("{slug}.test")).with_bearer(&token)
}

/// Rows of every people table plus the audit log: what "nothing changed" compares.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "persons",
        "organisations",
        "person_emails",
        "person_phones",
        "person_addresses",
        "person_tags",
        "consents",
        "relationships",
        "interactions",
        "audit_log",
    ] {
        out.push(app.count(t).await);
    }
    out
}

async fn views(app: &TestApp, slug: &str, id: Uuid) -> usize {
    audit::list(
        &app.db,
        app.tenant(slug),
        &audit::Filter {
            action: Some("person.view".into()),
            target_id: Some(id.to_string()),
            ..Default::default()
        },
        100,
    )
    .await
    .unwrap()
    .len()
}

// ---------------------------------------------------------------------------------------
// Pages

#[tokio::test]
async fn an_agent_builds_a_person_and_sees_the_360_page() {
    let app = TestApp::new().await;
    let mut c = staff(&app, "alpha", "agent").await;
    c.get("/backoffice")
        .await
        .assert_contains("href=\"/backoffice/people\"");
    c.get("/backoffice/people/new")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("name=\"given_name\"");
    let r = c
        .post_form(
            "/backoffice/people",
            &[
                ("given_name", "Hélène"),
                ("family_name", "Lefèvre"),
                ("birth_date", "1980-01-31"),
                ("locale", "fr"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let page = r.location().unwrap().split('?').next().unwrap().to_owned();
    let id: Uuid = page.rsplit('/').next().unwrap().parse().unwrap();
    let org = organisation(&app, "alpha", "Les Amis du Parc").await;
    let org_target = format!("organisation:{org}");
    for (path, fields) in [
        ("emails", vec![("email", "Helene@Example.fr")]),
        ("phones", vec![("phone", "06.12.34.56.78")]),
        (
            "addresses",
            vec![
                ("address_lines", "3 place de la Mairie\nBâtiment B"),
                ("postcode", "69001"),
                ("city", "Lyon"),
                ("country", ""),
            ],
        ),
        ("tags", vec![("tags", "Élue, VIP")]),
        (
            "consents",
            vec![
                ("consent_purpose", "newsletter"),
                ("consent_state", "given"),
                ("consent_source", "counter"),
            ],
        ),
        (
            "consents",
            vec![
                ("consent_purpose", "newsletter"),
                ("consent_state", "withdrawn"),
                ("consent_source", "phone"),
            ],
        ),
        (
            "interactions",
            vec![
                ("channel", "phone"),
                ("direction", "inbound"),
                ("summary", "Asked about the bins"),
                ("duration", "7"),
                ("case_ref", ""),
            ],
        ),
        (
            "interactions",
            vec![
                ("channel", "counter"),
                ("direction", "inbound"),
                ("summary", "Came with papers"),
                ("duration", ""),
                ("case_ref", "DOS-42"),
            ],
        ),
        (
            "relationships",
            vec![("relationship_kind", "member_of"), ("target", &org_target)],
        ),
    ] {
        let r = c.post_form(&format!("{page}/{path}"), &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
    }
    assert_eq!(views(&app, "alpha", id).await, 0);
    let r = c.get(&page).await;
    r.assert_status(StatusCode::OK);
    for text in [
        "Hélène Lefèvre",
        "31/01/1980",
        "helene@example.fr",
        "+33612345678",
        "69001 LYON",
        "Bâtiment B",
        "elue",
        "vip",
        "newsletter",
        "Retiré",
        "2 changements",
        "Asked about the bins",
        "DOS-42",
        "Membre de",
        "Les Amis du Parc",
    ] {
        r.assert_contains(text);
    }
    assert_eq!(views(&app, "alpha", id).await, 1, "the view is audited");
    // Filter the timeline by channel.
    let r = c.get(&format!("{page}?channel=counter")).await;
    r.assert_contains("Came with papers");
    assert!(!r.body.contains("Asked about the bins"));
    assert_eq!(views(&app, "alpha", id).await, 2);
    // The organisation lists its member.
    c.get(&format!("/backoffice/organisations/{org}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Hélène Lefèvre");
    // Search in the list: accents, phone writings, e-mail.
    for q in [
        "helene",
        "LEFEVRE",
        "06%2012%2034%2056%2078",
        "%2B33612",
        "helene%40ex",
    ] {
        c.get(&format!("/backoffice/people?q={q}"))
            .await
            .assert_status(StatusCode::OK)
            .assert_contains(&format!("/backoffice/people/{id}"));
    }
    let r = c.get("/backoffice/people?q=nobody").await;
    assert!(!r.body.contains(&format!("/backoffice/people/{id}")));
    // Edit the identity, remove a contact point, archive.
    c.get(&format!("{page}/edit"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("value=\"1980-01-31\"");
    c.post_form(
        &page,
        &[
            ("given_name", "Hélène"),
            ("family_name", "Martin"),
            ("birth_date", ""),
            ("locale", "en"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let record = people::person_record(&app.db, app.tenant("alpha"), id, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.person.family_name, "Martin");
    assert_eq!(record.person.birth_date, None);
    let point = record.emails[0].id;
    c.post_form(&format!("{page}/contact-points/{point}/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c.post_form(&format!("{page}/archive"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let record = people::person_record(&app.db, app.tenant("alpha"), id, None)
        .await
        .unwrap()
        .unwrap();
    assert!(record.emails.is_empty() && record.person.archived_at.is_some());
    c.get("/backoffice/people?lang=en")
        .await
        .assert_contains("No one yet.");
}

#[tokio::test]
async fn every_invalid_form_is_refused_with_422_and_changes_nothing() {
    let app = TestApp::new().await;
    let id = person(&app, "alpha", "Anne", "Alpha").await;
    let other_tenant_person = person(&app, "beta", "Bob", "Beta").await;
    let org = organisation(&app, "alpha", "Org").await;
    let mut c = staff(&app, "alpha", "agent").await;
    let page = format!("/backoffice/people/{id}");
    let beta_target = format!("person:{other_tenant_person}");
    let self_target = format!("person:{id}");
    let org_target = format!("organisation:{org}");
    type Case<'a> = (String, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "/backoffice/people".into(),
            vec![("given_name", ""), ("family_name", "X"), ("locale", "fr")],
            "given_name",
        ),
        (
            "/backoffice/people".into(),
            vec![
                ("given_name", "A"),
                ("family_name", "B"),
                ("birth_date", "2999-01-01"),
            ],
            "birth_date",
        ),
        (
            page.clone(),
            vec![("given_name", "A"), ("family_name", " "), ("locale", "fr")],
            "family_name",
        ),
        (
            format!("{page}/emails"),
            vec![("email", "not-an-email")],
            "email",
        ),
        (
            format!("{page}/phones"),
            vec![("phone", "06 12 34")],
            "phone",
        ),
        (
            format!("{page}/addresses"),
            vec![
                ("address_lines", "1 rue"),
                ("postcode", "7500"),
                ("city", "Paris"),
            ],
            "postcode",
        ),
        (format!("{page}/tags"), vec![("tags", "ok, !!!")], "tags"),
        (
            format!("{page}/consents"),
            vec![
                ("consent_purpose", "newsletter"),
                ("consent_state", "maybe"),
                ("consent_source", "counter"),
            ],
            "consent_state",
        ),
        (
            format!("{page}/interactions"),
            vec![
                ("channel", "fax"),
                ("direction", "inbound"),
                ("summary", "x"),
            ],
            "channel",
        ),
        (
            format!("{page}/interactions"),
            vec![
                ("channel", "phone"),
                ("direction", "inbound"),
                ("summary", "x"),
                ("duration", "-3"),
            ],
            "duration",
        ),
        (
            format!("{page}/relationships"),
            vec![("relationship_kind", "household"), ("target", &beta_target)],
            "target",
        ),
        (
            format!("{page}/relationships"),
            vec![("relationship_kind", "household"), ("target", &self_target)],
            "target",
        ),
        (
            format!("{page}/relationships"),
            vec![("relationship_kind", "household"), ("target", &org_target)],
            "target",
        ),
        (
            "/backoffice/organisations".into(),
            vec![("name", "X"), ("siret", "73282932000075")],
            "siret",
        ),
        (
            format!("/backoffice/organisations/{org}"),
            vec![("name", ""), ("siret", "")],
            "name",
        ),
    ];
    let before = snapshot(&app).await;
    for (path, fields, field) in cases {
        let r = c.post_form(&path, &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {fields:?}: {}",
            &r.body[..r.body.len().min(500)]
        );
        r.assert_contains(&format!("href=\"#{field}\""))
            .assert_contains(&format!("id=\"{field}-error\""));
        assert_eq!(
            snapshot(&app).await,
            before,
            "{path} {fields:?} changed data"
        );
    }
}

#[tokio::test]
async fn viewers_read_but_cannot_write_and_portal_accounts_see_nothing() {
    let app = TestApp::new().await;
    let id = person(&app, "alpha", "Anne", "Alpha").await;
    let org = organisation(&app, "alpha", "Org").await;
    let mut viewer = staff(&app, "alpha", "viewer").await;
    viewer
        .get("/backoffice/people")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Anne");
    let r = viewer.get(&format!("/backoffice/people/{id}")).await;
    r.assert_status(StatusCode::OK);
    assert!(!r.body.contains("/emails\""), "no write forms for viewers");
    assert_eq!(views(&app, "alpha", id).await, 1);
    viewer
        .get(&format!("/backoffice/organisations/{org}"))
        .await
        .assert_status(StatusCode::OK);
    let before = snapshot(&app).await;
    for path in ["/backoffice/people/new", "/backoffice/organisations/new"] {
        viewer.get(path).await.assert_status(StatusCode::FORBIDDEN);
    }
    viewer
        .get(&format!("/backoffice/people/{id}/edit"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
    for path in [
        "/backoffice/people".to_owned(),
        format!("/backoffice/people/{id}"),
        format!("/backoffice/people/{id}/archive"),
        format!("/backoffice/people/{id}/emails"),
        format!("/backoffice/people/{id}/phones"),
        format!("/backoffice/people/{id}/addresses"),
        format!("/backoffice/people/{id}/tags"),
        format!("/backoffice/people/{id}/consents"),
        format!("/backoffice/people/{id}/interactions"),
        format!("/backoffice/people/{id}/relationships"),
        "/backoffice/organisations".to_owned(),
        format!("/backoffice/organisations/{org}"),
        format!("/backoffice/organisations/{org}/archive"),
    ] {
        viewer
            .post_form(
                &path,
                &[
                    ("given_name", "V"),
                    ("family_name", "V"),
                    ("email", "v@example.fr"),
                    ("name", "V"),
                ],
            )
            .await
            .assert_status(StatusCode::FORBIDDEN);
    }
    assert_eq!(snapshot(&app).await, before);
    let mut citizen = app.client("alpha.test");
    citizen.login_portal("citizen@alpha.test").await;
    citizen
        .get(&format!("/backoffice/people/{id}"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn another_tenants_people_are_404_on_pages_and_api() {
    let app = TestApp::new().await;
    let theirs = person(&app, "beta", "Bob", "Beta").await;
    let their_org = organisation(&app, "beta", "Beta Corp").await;
    let mut c = staff(&app, "alpha", "admin").await;
    c.get(&format!("/backoffice/people/{theirs}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    c.get(&format!("/backoffice/organisations/{their_org}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let r = c.get("/backoffice/people?q=bob").await;
    assert!(!r.body.contains(&theirs.to_string()));
    let mut a = api(&app, "alpha", "admin").await;
    a.get(&format!("/api/v1/persons/{theirs}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    a.send_json(
        Method::PATCH,
        &format!("/api/v1/persons/{theirs}"),
        &json!({"family_name": "Hijacked"}),
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    a.request(
        Method::DELETE,
        &format!("/api/v1/persons/{theirs}"),
        None,
        Vec::new(),
        &[],
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    assert!(
        a.get("/api/v1/persons/search?q=bob")
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(views(&app, "beta", theirs).await, 0);
    let p = people::get_person(&app.db, app.tenant("beta"), theirs)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((p.family_name.as_str(), p.archived_at), ("Beta", None));
}

// ---------------------------------------------------------------------------------------
// API

#[tokio::test]
async fn api_round_trip() {
    let app = TestApp::new().await;
    let mut a = api(&app, "alpha", "agent").await;
    let r = a
        .send_json(
            Method::POST,
            "/api/v1/persons",
            &json!({"given_name": " Hélène ", "family_name": "Lefèvre", "birth_date": "1980-01-31",
                    "locale": "en", "emails": ["H@Example.fr", "h@example.fr"],
                    "phones": ["+33 6 12 34 56 78", "0033612345678"], "tags": ["Élue"]}),
        )
        .await;
    r.assert_status(StatusCode::CREATED);
    let created = r.json();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["given_name"], "Hélène");
    assert_eq!(created["emails"].as_array().unwrap().len(), 1);
    assert_eq!(created["phones"][0]["value"], "+33612345678");
    assert_eq!(created["tags"], json!(["elue"]));

    let got = a.get(&format!("/api/v1/persons/{id}")).await;
    got.assert_status(StatusCode::OK);
    assert_eq!(got.json()["birth_date"], "1980-01-31");
    assert_eq!(views(&app, "alpha", id.parse().unwrap()).await, 1);

    let r = a
        .send_json(
            Method::PATCH,
            &format!("/api/v1/persons/{id}"),
            &json!({"family_name": "Martin", "birth_date": ""}),
        )
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["family_name"], "Martin");
    assert!(r.json()["birth_date"].is_null());

    let found = a.get("/api/v1/persons/search?q=06%2012%2034").await.json();
    assert_eq!(found[0]["id"], id.as_str());
    let found = a
        .get("/api/v1/persons/search?q=helene%20martin")
        .await
        .json();
    assert_eq!(found.as_array().unwrap().len(), 1);

    // Cursor pagination.
    for n in 0..4 {
        person(&app, "alpha", "P", &format!("Z{n}")).await;
    }
    let mut seen = 0;
    let mut url = "/api/v1/persons?limit=2".to_owned();
    loop {
        let page = a.get(&url).await.json();
        seen += page["items"].as_array().unwrap().len();
        match page["next_after"].as_str() {
            Some(next) => url = format!("/api/v1/persons?limit=2&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen, 5);

    // Bad input changes nothing.
    let before = snapshot(&app).await;
    for body in [
        json!({"given_name": "", "family_name": "X"}),
        json!({"given_name": "A", "family_name": "B", "phones": ["12"]}),
        json!({"given_name": "A", "family_name": "B", "emails": ["nope"]}),
        json!({"given_name": "A", "family_name": "B", "birth_date": "tomorrow"}),
    ] {
        let r = a.send_json(Method::POST, "/api/v1/persons", &body).await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    }
    a.send_json(
        Method::PATCH,
        &format!("/api/v1/persons/{id}"),
        &json!({"locale": "de"}),
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    a.get("/api/v1/persons?limit=0")
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(snapshot(&app).await, before);

    // Viewers read but do not write.
    let mut v = api(&app, "alpha", "viewer").await;
    v.get(&format!("/api/v1/persons/{id}"))
        .await
        .assert_status(StatusCode::OK);
    let before = snapshot(&app).await;
    v.send_json(
        Method::POST,
        "/api/v1/persons",
        &json!({"given_name": "A", "family_name": "B"}),
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    v.send_json(
        Method::PATCH,
        &format!("/api/v1/persons/{id}"),
        &json!({"family_name": "V"}),
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    v.request(
        Method::DELETE,
        &format!("/api/v1/persons/{id}"),
        None,
        Vec::new(),
        &[],
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(snapshot(&app).await, before);

    a.request(
        Method::DELETE,
        &format!("/api/v1/persons/{id}"),
        None,
        Vec::new(),
        &[],
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    assert!(
        a.get("/api/v1/persons/search?q=martin")
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    let archived = a.get(&format!("/api/v1/persons/{id}")).await.json();
    assert!(archived["archived_at"].is_string());
}

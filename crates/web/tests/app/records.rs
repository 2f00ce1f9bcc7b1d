//! Records, continued: merging duplicates (every history row kept, never across tenants,
//! never twice), custom fields (definitions, forms, API, bad values), segments (each
//! criterion, pages, API), relationships removed, organisations' contact points and API, and
//! the 360° timeline filtered by kind and channel.

use crate::common::{TestApp, TestClient, api_token};
use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate, Utc};
use relais_domain::{
    Locale,
    people::person_email,
    people::{
        ConsentChange, NewInteraction, Party, PersonIdentity, Phone, PostalAddress,
        RelationshipKind,
        custom_fields::{FieldDefinition, FieldValue},
        merge::{IdentityChoice, Side},
        segments::{
            Activity, ConsentCondition, ConsentWanted, CustomCondition, CustomMatch, SegmentFilter,
        },
    },
};
use relais_store::{
    Actor, Db, StoreError, audit,
    people::{self, Owner, custom_fields as cf, merge, segments},
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

fn actor(app: &TestApp, slug: &str) -> Actor {
    Actor::system(app.tenant(slug), "test")
}

async fn person_born(app: &TestApp, slug: &str, given: &str, family: &str, born: &str) -> Uuid {
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

async fn person(app: &TestApp, slug: &str, given: &str, family: &str) -> Uuid {
    person_born(app, slug, given, family, "").await
}

/// A segment of `slug` with no criterion.
pub async fn segment(app: &TestApp, slug: &str, name: &str) -> Uuid {
    segments::create_segment(&app.db, &actor(app, slug), name, &SegmentFilter::default())
        .await
        .expect("segment")
        .id
}

/// A custom field of `slug` (choices "Centre" and "Gare" for a choice field).
pub async fn field(app: &TestApp, slug: &str, key: &str, kind: &str) -> Uuid {
    let def =
        FieldDefinition::parse(key, key, key, kind, "Centre\nGare", false).expect("definition");
    cf::create_field(&app.db, &actor(app, slug), &def)
        .await
        .expect("field")
        .id
}

async fn email(app: &TestApp, slug: &str, id: Uuid, e: &str) -> Uuid {
    people::add_email(&app.db, &actor(app, slug), id, &person_email(e).unwrap())
        .await
        .unwrap()
}

async fn consent(app: &TestApp, slug: &str, id: Uuid, purpose: &str, state: &str, source: &str) {
    let c = ConsentChange::parse(purpose, state, source, None, Utc::now()).unwrap();
    people::set_consent(&app.db, &actor(app, slug), id, &c)
        .await
        .unwrap();
}

async fn interaction(
    app: &TestApp,
    slug: &str,
    id: Uuid,
    channel: &str,
    summary: &str,
    days_ago: i64,
) -> Uuid {
    let now = Utc::now();
    let i = NewInteraction::parse(
        channel,
        "inbound",
        summary,
        "",
        "",
        Some(now - Duration::days(days_ago)),
        now,
    )
    .unwrap();
    people::log_interaction(&app.db, &actor(app, slug), id, &i)
        .await
        .unwrap()
}

async fn relate(app: &TestApp, slug: &str, from: Uuid, kind: RelationshipKind, to: Party) -> Uuid {
    people::add_relationship(&app.db, &actor(app, slug), from, kind, to)
        .await
        .unwrap()
}

async fn set_value(app: &TestApp, slug: &str, person: Uuid, field: Uuid, v: FieldValue) {
    cf::set_values(&app.db, &actor(app, slug), person, &[(field, Some(v))])
        .await
        .unwrap();
}

/// Runs a query returning one integer on either backend.
async fn scalar(app: &TestApp, sql: &str, binds: &[Uuid]) -> i64 {
    match &app.db {
        Db::Sqlite(p) => {
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()));
            for b in binds {
                q = q.bind(*b);
            }
            q.fetch_one(p).await.unwrap()
        }
        Db::Postgres(p) => {
            let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()));
            for b in binds {
                q = q.bind(*b);
            }
            q.fetch_one(p).await.unwrap()
        }
    }
}

/// Rows of every table that references persons, in the tenant.
async fn history_rows(app: &TestApp, slug: &str) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    for r in merge::PERSON_REFERENCES {
        let n = scalar(
            app,
            &format!("SELECT COUNT(*) FROM {} WHERE tenant_id = $1", r.table),
            &[app.tenant(slug)],
        )
        .await;
        out.insert(r.table, n);
    }
    out
}

/// Rows of `table` whose `column` names `id`.
async fn rows_of(app: &TestApp, table: &str, column: &str, id: Uuid) -> i64 {
    scalar(
        app,
        &format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"),
        &[id],
    )
    .await
}

async fn staff(app: &TestApp, slug: &str, role: &str) -> TestClient {
    let mut c = app.client(&format!("{slug}.test"));
    c.login_staff(&format!("{role}@{slug}.test")).await;
    c
}

async fn api(app: &TestApp, slug: &str, role: &str) -> TestClient {
    let token = api_token(app, slug, &format!("{role}@{slug}.test")).await;
    app.client(&format!("{slug}.test")).with_bearer(&token)
}

async fn audit_actions(app: &TestApp, slug: &str, action: &str) -> Vec<audit::Entry> {
    audit::list(
        &app.db,
        app.tenant(slug),
        &audit::Filter {
            action: Some(action.to_owned()),
            ..Default::default()
        },
        100,
    )
    .await
    .unwrap()
}

// ---------------------------------------------------------------------------------------
// Merge

/// The merge plan names exactly the columns that point at persons, on this backend: a new
/// table referencing persons fails here until `PERSON_REFERENCES` says what a merge does
/// with it.
#[tokio::test]
async fn the_merge_plan_covers_every_foreign_key_to_persons() {
    let app = TestApp::new().await;
    let declared: BTreeSet<(String, String)> =
        relais_store::schema::references_to(&app.db, "persons")
            .await
            .unwrap()
            .into_iter()
            .collect();
    let planned: BTreeSet<(String, String)> = merge::PERSON_REFERENCES
        .iter()
        .map(|r| (r.table.to_owned(), r.column.to_owned()))
        .collect();
    assert!(
        declared.contains(&("interactions".to_owned(), "person_id".to_owned())),
        "the introspection finds foreign keys: {declared:?}"
    );
    let unplanned: Vec<_> = declared.difference(&planned).collect();
    assert!(
        unplanned.is_empty(),
        "columns referencing persons that the merge does not handle — add them to \
         relais_store::people::merge::PERSON_REFERENCES: {unplanned:?}"
    );
    let stale: Vec<_> = planned.difference(&declared).collect();
    assert!(stale.is_empty(), "planned but not in the schema: {stale:?}");
}

#[tokio::test]
async fn merging_keeps_every_history_row_and_audits_what_moved() {
    let app = TestApp::new().await;
    let slug = "alpha";
    let a = person_born(&app, slug, "Hélène", "Durand", "1980-02-29").await;
    let b = person_born(&app, slug, "Helene", "Durnad", "1980-02-29").await;
    let c = person(&app, slug, "Claude", "Martin").await;
    let x = person(&app, slug, "Xavier", "Ancien").await;
    let org = crate::people::organisation(&app, slug, "Amis du parc").await;
    let act = actor(&app, slug);

    email(&app, slug, a, "helene@example.fr").await;
    email(&app, slug, b, "Helene@example.fr").await;
    email(&app, slug, b, "h.durand@example.fr").await;
    people::add_phone(&app.db, &act, b, &Phone::parse("06 12 34 56 78").unwrap())
        .await
        .unwrap();
    let lyon = PostalAddress::parse("3 place de la Mairie", "69001", "Lyon", "").unwrap();
    people::add_address(&app.db, &act, a, &lyon).await.unwrap();
    people::add_address(&app.db, &act, b, &lyon).await.unwrap();
    people::add_address(
        &app.db,
        &act,
        b,
        &PostalAddress::parse("1 rue de la Paix", "75002", "Paris", "").unwrap(),
    )
    .await
    .unwrap();
    people::set_tags(&app.db, &act, a, &["vip".into()])
        .await
        .unwrap();
    people::set_tags(&app.db, &act, b, &["vip".into(), "elu".into()])
        .await
        .unwrap();
    consent(&app, slug, a, "newsletter", "given", "counter").await;
    consent(&app, slug, b, "newsletter", "withdrawn", "email").await;
    consent(&app, slug, b, "sms", "given", "phone").await;
    relate(
        &app,
        slug,
        a,
        RelationshipKind::MemberOf,
        Party::Organisation(org),
    )
    .await;
    relate(
        &app,
        slug,
        b,
        RelationshipKind::MemberOf,
        Party::Organisation(org),
    )
    .await;
    let household = relate(&app, slug, b, RelationshipKind::Household, Party::Person(c)).await;
    let represents = relate(
        &app,
        slug,
        c,
        RelationshipKind::Represents,
        Party::Person(b),
    )
    .await;
    let self_link = relate(&app, slug, a, RelationshipKind::Household, Party::Person(b)).await;
    interaction(&app, slug, a, "phone", "Appel de A", 3).await;
    let b1 = interaction(&app, slug, b, "counter", "Visite de B", 2).await;
    let b2 = interaction(&app, slug, b, "email", "Courriel de B", 1).await;
    let x1 = interaction(&app, slug, x, "letter", "Lettre de X", 10).await;
    // A document of B's safe follows B's history.
    let doc = relais_store::documents::create(
        &app.db,
        &act,
        &relais_store::documents::NewDocument {
            owner_person_id: Some(b),
            kind: Some("identity"),
            file_hash: "0000000000000000000000000000000000000000000000000000000000000000",
            media_type: "application/pdf",
            size_bytes: 4,
            file_name: "id.pdf",
        },
    )
    .await
    .unwrap()
    .id;
    let quartier = field(&app, slug, "quartier", "choice").await;
    let age = field(&app, slug, "age", "number").await;
    set_value(&app, slug, a, quartier, FieldValue::Choice("Centre".into())).await;
    set_value(&app, slug, b, quartier, FieldValue::Choice("Gare".into())).await;
    set_value(&app, slug, b, age, FieldValue::Number(44.0)).await;
    people::dismiss_duplicate(&app.db, &act, b, c)
        .await
        .unwrap();
    // X was merged into B earlier: its history went to B, and its pointer must follow.
    merge::merge_persons(&app.db, &act, b, x, IdentityChoice::default())
        .await
        .unwrap();
    assert_eq!(rows_of(&app, "interactions", "person_id", x).await, 0);

    let before = history_rows(&app, slug).await;
    let beta_before = history_rows(&app, "beta").await;
    let choice = IdentityChoice {
        locale: Side::Merged,
        ..IdentityChoice::default()
    };
    // B's locale is kept: make it differ first.
    people::update_person(
        &app.db,
        &act,
        b,
        &PersonIdentity {
            given_name: "Helene".into(),
            family_name: "Durnad".into(),
            birth_date: NaiveDate::from_ymd_opt(1980, 2, 29),
            locale: Locale::En,
        },
    )
    .await
    .unwrap();
    let report = merge::merge_persons(&app.db, &act, a, b, choice)
        .await
        .unwrap();
    let after = history_rows(&app, slug).await;

    // Row by row: what moved, what was a duplicate of the survivor's, what linked the two.
    let expected_moved: BTreeMap<&str, usize> = [
        ("person_emails", 1),
        ("person_phones", 1),
        ("person_addresses", 1),
        ("person_tags", 1),
        ("consents", 2),
        ("relationships", 2),
        ("interactions", 3),
        ("person_custom_values", 1),
        ("person_merges", 1),
        ("documents", 1),
    ]
    .into();
    for (table, n) in &expected_moved {
        assert_eq!(
            report.moved_from(table),
            *n,
            "moved from {table}: {report:?}"
        );
    }
    let count = |m: &BTreeMap<String, Vec<String>>, t: &str| m.get(t).map_or(0, Vec::len) as i64;
    for (table, n_before) in &before {
        let gone = count(&report.deduplicated, table) + count(&report.dropped, table);
        let added = i64::from(*table == "person_merges");
        assert_eq!(
            after[table],
            n_before - gone + added,
            "{table}: {n_before} rows before, {gone} duplicates removed"
        );
    }
    assert_eq!(count(&report.deduplicated, "person_emails"), 1);
    assert_eq!(count(&report.deduplicated, "person_addresses"), 1);
    assert_eq!(count(&report.deduplicated, "person_tags"), 1);
    assert_eq!(count(&report.deduplicated, "relationships"), 1);
    assert_eq!(count(&report.deduplicated, "person_custom_values"), 1);
    assert_eq!(report.dropped["relationships"], [self_link.to_string()]);
    // Every consent change and every interaction is still there.
    assert_eq!(after["consents"], before["consents"]);
    assert_eq!(after["interactions"], before["interactions"]);
    // Nothing points at B any more, except its own pointer and the dismissal kept on purpose.
    for r in merge::PERSON_REFERENCES {
        let left = rows_of(&app, r.table, r.column, b).await;
        let kept = matches!(r.on_merge, merge::OnMerge::Keep { .. });
        assert!(
            kept || left == 0,
            "{}.{} still names the merged record ({left} rows)",
            r.table,
            r.column
        );
    }
    assert_eq!(history_rows(&app, "beta").await, beta_before);

    // The survivor holds the union.
    let r = people::person_record(&app.db, app.tenant(slug), a, None)
        .await
        .unwrap()
        .unwrap();
    let emails: Vec<&str> = r.emails.iter().map(|e| e.email.as_str()).collect();
    assert_eq!(emails, ["helene@example.fr", "h.durand@example.fr"]);
    assert_eq!(r.phones.len(), 1);
    assert_eq!(r.addresses.len(), 2);
    assert_eq!(r.tags, ["elu", "vip"]);
    assert_eq!(r.consents.len(), 3);
    assert_eq!(r.interactions.len(), 4);
    assert!(r.interactions.iter().any(|i| i.id == x1));
    let rel_ids: BTreeSet<Uuid> = r.relationships.iter().map(|r| r.id).collect();
    assert!(rel_ids.contains(&household) && rel_ids.contains(&represents));
    assert_eq!(r.relationships.len(), 3, "{:?}", r.relationships);
    assert_eq!(r.person.given_name, "Hélène");
    assert_eq!(r.person.locale, "en");
    let values = cf::values_of(&app.db, app.tenant(slug), a).await.unwrap();
    assert!(values.contains(&(quartier, FieldValue::Choice("Centre".into()))));
    assert!(values.contains(&(age, FieldValue::Number(44.0))));
    // The merged record is archived and points at the survivor; so does X.
    let gone = people::get_person(&app.db, app.tenant(slug), b)
        .await
        .unwrap()
        .unwrap();
    assert!(gone.archived_at.is_some());
    assert_eq!(
        merge::merged_into(&app.db, app.tenant(slug), b)
            .await
            .unwrap(),
        Some(a)
    );
    assert_eq!(
        merge::merged_into(&app.db, app.tenant(slug), x)
            .await
            .unwrap(),
        Some(a)
    );

    // One audit row says what moved, with counts and ids.
    let rows = audit_actions(&app, slug, "person.merge").await;
    let row = rows
        .iter()
        .find(|e| e.target_id.as_deref() == Some(&a.to_string()))
        .expect("audit row of the merge");
    let s = &row.summary.0;
    assert_eq!(s["merged"], b.to_string());
    assert_eq!(s["moved"]["interactions"]["count"], 3);
    let ids: Vec<&str> = s["moved"]["interactions"]["ids"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for id in [b1, b2, x1] {
        assert!(ids.contains(&id.to_string().as_str()), "{id} in {ids:?}");
    }
    assert_eq!(s["deduplicated"]["person_emails"]["count"], 1);
    assert_eq!(s["dropped"]["relationships"]["count"], 1);
    assert_eq!(s["identity"]["locale"], json!(["fr", "en"]));
    assert_eq!(s["moved"]["documents"]["ids"], json!([doc.to_string()]));

    // The queue forgets the pair; the old address leads to the survivor.
    let pairs = people::duplicate_candidates(&app.db, app.tenant(slug), 100)
        .await
        .unwrap();
    assert!(pairs.iter().all(|(p, q, _)| p.id != b && q.id != b));
    let mut c = staff(&app, slug, "viewer").await;
    let r = c.get(&format!("/backoffice/people/{b}")).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        Some(format!("/backoffice/people/{a}?notice=person-merged-here").as_str())
    );
    c.get(&format!("/backoffice/people/{a}?notice=person-merged-here"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Fiches fusionnées")
        .assert_contains("Fusion");
}

#[tokio::test]
async fn merging_twice_or_an_archived_record_is_refused_clearly() {
    let app = TestApp::new().await;
    let a = person(&app, "alpha", "Anne", "Petit").await;
    let b = person(&app, "alpha", "Anne", "Petitt").await;
    let act = actor(&app, "alpha");
    merge::merge_persons(&app.db, &act, a, b, IdentityChoice::default())
        .await
        .unwrap();
    let audit_before = app.count("audit_log").await;
    // The same pair again, either way round.
    for (s, m) in [(a, b), (b, a)] {
        assert!(matches!(
            merge::merge_persons(&app.db, &act, s, m, IdentityChoice::default()).await,
            Err(StoreError::Rule("merge-already-merged"))
        ));
    }
    assert!(matches!(
        merge::merge_persons(&app.db, &act, a, a, IdentityChoice::default()).await,
        Err(StoreError::Rule("merge-same-person"))
    ));
    let c = person(&app, "alpha", "Carl", "Archivé").await;
    people::archive_person(&app.db, &act, c).await.unwrap();
    let audit_before_c = app.count("audit_log").await;
    assert!(matches!(
        merge::merge_persons(&app.db, &act, a, c, IdentityChoice::default()).await,
        Err(StoreError::Rule("merge-archived"))
    ));
    assert_eq!(app.count("audit_log").await, audit_before_c);
    assert!(audit_before <= audit_before_c);

    // Through the screen: a second submission of the same form says so, and changes nothing.
    let d = person(&app, "alpha", "Denis", "Roux").await;
    let e = person(&app, "alpha", "Denis", "Rouxx").await;
    let mut sup = staff(&app, "alpha", "supervisor").await;
    let form = [
        ("survivor", d.to_string()),
        ("keep_family_name", e.to_string()),
    ];
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = format!("/backoffice/people/{d}/merge/{e}");
    let r = sup.post_form(&path, &pairs).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        people::get_person(&app.db, app.tenant("alpha"), d)
            .await
            .unwrap()
            .unwrap()
            .family_name,
        "Rouxx"
    );
    let merges = app.count("person_merges").await;
    let r = sup.post_form(&path, &pairs).await;
    r.assert_status(StatusCode::CONFLICT)
        .assert_contains("Ces fiches ont déjà été fusionnées");
    assert_eq!(app.count("person_merges").await, merges);
    // Through the API as well.
    let mut api = api(&app, "alpha", "supervisor").await;
    let r = api
        .send_json(
            Method::POST,
            &format!("/api/v1/persons/{d}/merge"),
            &json!({"duplicate_id": e}),
        )
        .await;
    r.assert_status(StatusCode::CONFLICT);
    assert_eq!(r.json()["error"], "merge-already-merged");
    let r = api
        .send_json(
            Method::POST,
            &format!("/api/v1/persons/{a}/merge"),
            &json!({"duplicate_id": c}),
        )
        .await;
    r.assert_status(StatusCode::CONFLICT);
    assert_eq!(r.json()["error"], "merge-archived");
}

#[tokio::test]
async fn a_merge_across_tenants_is_impossible_by_form_or_api() {
    let app = TestApp::new().await;
    let a = person(&app, "alpha", "Anne", "Alpha").await;
    let b = person(&app, "alpha", "Anne", "Alphaa").await;
    let beta = person(&app, "beta", "Anne", "Alpha").await;
    email(&app, "beta", beta, "anne@example.fr").await;
    let person_audit = |slug: &'static str| {
        let app = &app;
        async move { audit_actions(app, slug, "person.").await.len() }
    };
    let before = (
        history_rows(&app, "alpha").await,
        history_rows(&app, "beta").await,
        person_audit("alpha").await + person_audit("beta").await,
    );
    let mut sup = staff(&app, "alpha", "supervisor").await;
    // Beta's id in the path.
    sup.get(&format!("/backoffice/people/{a}/merge/{beta}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    sup.post_form(
        &format!("/backoffice/people/{a}/merge/{beta}"),
        &[("survivor", &a.to_string())],
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    // Beta's id in the form, on a pair of alpha.
    let r = sup
        .post_form(
            &format!("/backoffice/people/{a}/merge/{b}"),
            &[("survivor", &beta.to_string())],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choisissez l’une des deux fiches");
    let r = sup
        .post_form(
            &format!("/backoffice/people/{a}/merge/{b}"),
            &[
                ("survivor", &a.to_string()),
                ("keep_given_name", &beta.to_string()),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // Dismissal with beta's id.
    sup.post_form(&format!("/backoffice/people/{a}/not-duplicate/{beta}"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // The API, both ways.
    let mut api = api(&app, "alpha", "supervisor").await;
    for (path, body) in [
        (
            format!("/api/v1/persons/{a}/merge"),
            json!({"duplicate_id": beta}),
        ),
        (
            format!("/api/v1/persons/{beta}/merge"),
            json!({"duplicate_id": a}),
        ),
    ] {
        let r = api.send_json(Method::POST, &path, &body).await;
        r.assert_status(StatusCode::NOT_FOUND);
    }
    // The store itself, with alpha's actor.
    assert!(matches!(
        merge::merge_persons(
            &app.db,
            &actor(&app, "alpha"),
            a,
            beta,
            IdentityChoice::default()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        (
            history_rows(&app, "alpha").await,
            history_rows(&app, "beta").await,
            person_audit("alpha").await + person_audit("beta").await,
        ),
        before,
        "nothing changed"
    );
    for id in [a, b] {
        let p = people::get_person(&app.db, app.tenant("alpha"), id)
            .await
            .unwrap()
            .unwrap();
        assert!(p.archived_at.is_none());
    }
    assert!(
        people::get_person(&app.db, app.tenant("beta"), beta)
            .await
            .unwrap()
            .unwrap()
            .archived_at
            .is_none()
    );
    // Agents may not merge at all.
    let mut agent = api_agent(&app).await;
    agent
        .send_json(
            Method::POST,
            &format!("/api/v1/persons/{a}/merge"),
            &json!({"duplicate_id": b}),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let mut agent_page = staff(&app, "alpha", "agent").await;
    agent_page
        .get(&format!("/backoffice/people/{a}/merge/{b}"))
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

async fn api_agent(app: &TestApp) -> TestClient {
    api(app, "alpha", "agent").await
}

#[tokio::test]
async fn the_queue_pages_by_keyset_and_forgets_dismissed_pairs() {
    let app = TestApp::new().await;
    let t = app.tenant("alpha");
    // Seven pairs by e-mail, three by phone, one by a similar name.
    for i in 0..7 {
        let p = person(&app, "alpha", "Mail", &format!("Un{i}")).await;
        let q = person(&app, "alpha", "Courriel", &format!("Deux{i}")).await;
        email(&app, "alpha", p, &format!("shared{i}@example.fr")).await;
        email(&app, "alpha", q, &format!("shared{i}@example.fr")).await;
    }
    for i in 0..3 {
        let p = person(&app, "alpha", "Tel", &format!("Un{i}")).await;
        let q = person(&app, "alpha", "Phone", &format!("Deux{i}")).await;
        for id in [p, q] {
            people::add_phone(
                &app.db,
                &actor(&app, "alpha"),
                id,
                &Phone::parse(&format!("06 00 00 00 0{i}")).unwrap(),
            )
            .await
            .unwrap();
        }
    }
    person_born(&app, "alpha", "Hélène", "Durand", "1980-02-29").await;
    person_born(&app, "alpha", "Helene", "Durnad", "1980-02-29").await;
    let (all, next) = people::duplicate_queue(&app.db, t, None, 200)
        .await
        .unwrap();
    assert_eq!(all.len(), 11);
    assert!(next.is_none());
    let key = |(a, b, r): &(people::PersonSummary, people::PersonSummary, _)| {
        (*r, a.id.min(b.id), a.id.max(b.id))
    };
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let (page, next) = people::duplicate_queue(&app.db, t, after, 3).await.unwrap();
        assert!(page.len() <= 3);
        walked.extend(page.iter().map(key));
        match next {
            Some(c) => {
                after = Some(people::PairCursor::decode(&c.encode()).unwrap());
            }
            None => break,
        }
    }
    assert_eq!(
        walked,
        all.iter().map(key).collect::<Vec<_>>(),
        "every pair once, in order"
    );

    // "Not a duplicate" on the page: the pair goes and stays gone.
    let (first, second, _) = &all[0];
    let mut agent = staff(&app, "alpha", "agent").await;
    let r = agent.get("/backoffice/people/duplicates").await;
    r.assert_status(StatusCode::OK).assert_contains(&format!(
        "/backoffice/people/{}/not-duplicate/{}",
        first.id, second.id
    ));
    assert!(
        !r.body.contains("/merge/"),
        "agents are not offered the merge"
    );
    let r = agent
        .post_form(
            &format!(
                "/backoffice/people/{}/not-duplicate/{}",
                first.id, second.id
            ),
            &[],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let (left, _) = people::duplicate_queue(&app.db, t, None, 200)
        .await
        .unwrap();
    assert_eq!(left.len(), 10);
    assert!(left.iter().all(|p| key(p) != key(&all[0])));
    assert_eq!(
        audit_actions(&app, "alpha", "person.duplicate.dismiss")
            .await
            .len(),
        1
    );
    // Viewers may look, not dismiss.
    let mut viewer = staff(&app, "alpha", "viewer").await;
    viewer
        .post_form(
            &format!(
                "/backoffice/people/{}/not-duplicate/{}",
                all[1].0.id, all[1].1.id
            ),
            &[],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // A supervisor sees the merge link; a later page starts after the cursor.
    let mut sup = staff(&app, "alpha", "supervisor").await;
    sup.get("/backoffice/people/duplicates")
        .await
        .assert_contains("Comparer et fusionner");
    let cursor = people::PairCursor {
        reason: all[9].2,
        first: key(&all[9]).1,
        second: key(&all[9]).2,
    };
    let r = sup
        .get(&format!(
            "/backoffice/people/duplicates?after={}",
            cursor.encode()
        ))
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains(&format!("/backoffice/people/{}", all[10].0.id))
        .assert_contains("Première page");
    assert!(
        !r.body
            .contains(&format!("/backoffice/people/{}\"", all[9].0.id))
    );
}

#[tokio::test]
async fn the_merge_screen_shows_both_records_and_keeps_the_chosen_values() {
    let app = TestApp::new().await;
    let a = person_born(&app, "alpha", "Hélène", "Durand", "1980-02-29").await;
    let b = person_born(&app, "alpha", "Helene", "Durnad", "1980-02-29").await;
    email(&app, "alpha", a, "helene@example.fr").await;
    email(&app, "alpha", b, "durnad@example.fr").await;
    interaction(&app, "alpha", b, "phone", "Appel", 1).await;
    let mut sup = staff(&app, "alpha", "supervisor").await;
    let r = sup.get(&format!("/backoffice/people/{a}/merge/{b}")).await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Fusionner deux fiches")
        .assert_contains("helene@example.fr")
        .assert_contains("durnad@example.fr")
        .assert_contains(&format!("name=\"survivor\" value=\"{b}\""))
        .assert_contains("name=\"keep_given_name\"")
        .assert_contains("name=\"keep_family_name\"");
    // Same birth dates: nothing to choose there.
    assert!(!r.body.contains("name=\"keep_birth_date\""));
    // Keep B, with A's spelling of the name.
    let r = sup
        .post_form(
            &format!("/backoffice/people/{a}/merge/{b}"),
            &[
                ("survivor", &b.to_string()),
                ("keep_given_name", &a.to_string()),
                ("keep_family_name", &a.to_string()),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        Some(format!("/backoffice/people/{b}?notice=person-merged-here").as_str())
    );
    let kept = people::person_record(&app.db, app.tenant("alpha"), b, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.person.full_name(), "Hélène Durand");
    assert_eq!(kept.emails.len(), 2);
    assert_eq!(kept.interactions.len(), 1);
    // The other record's address now leads to B.
    let r = sup.get(&format!("/backoffice/people/{a}")).await;
    assert_eq!(
        r.location(),
        Some(format!("/backoffice/people/{b}?notice=person-merged-here").as_str())
    );
    // English, too.
    let c = person(&app, "alpha", "Zoé", "Un").await;
    let d = person(&app, "alpha", "Zoe", "Un").await;
    sup.get(&format!("/backoffice/people/{c}/merge/{d}?lang=en"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Merge two records")
        .assert_contains("Record to keep");
}

// ---------------------------------------------------------------------------------------
// Custom fields

async fn define(c: &mut TestClient, fields: &[(&str, &str)]) -> axum::http::StatusCode {
    c.post_form("/admin/custom-fields", fields).await.status
}

#[tokio::test]
async fn custom_fields_are_defined_by_admins_and_checked_on_every_form() {
    let app = TestApp::new().await;
    let mut agent = staff(&app, "alpha", "agent").await;
    agent
        .get("/admin/custom-fields")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(
        define(
            &mut agent,
            &[("label_fr", "X"), ("label_en", "X"), ("kind", "text")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    let mut admin = staff(&app, "alpha", "admin").await;
    admin
        .get("/admin/custom-fields")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Aucun champ personnalisé");
    for form in [
        vec![
            ("label_fr", "Quartier"),
            ("label_en", "Neighbourhood"),
            ("kind", "choice"),
            ("choices", "Centre\nGare"),
            ("required", "on"),
        ],
        vec![
            ("label_fr", "Âge"),
            ("label_en", "Age"),
            ("key", "age"),
            ("kind", "number"),
        ],
        vec![
            ("label_fr", "Arrivée"),
            ("label_en", "Arrival"),
            ("key", "arrivee"),
            ("kind", "date"),
        ],
        vec![("label_fr", "Note"), ("label_en", "Note"), ("kind", "text")],
    ] {
        assert_eq!(
            define(&mut admin, &form).await,
            StatusCode::SEE_OTHER,
            "{form:?}"
        );
    }
    // Refusals name their input, change nothing.
    let n = app.count("custom_fields").await;
    let r = admin
        .post_form(
            "/admin/custom-fields",
            &[
                ("label_fr", "Liste"),
                ("label_en", "List"),
                ("kind", "choice"),
                ("choices", ""),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"choices-error\"")
        .assert_contains("Saisissez de 1 à 50 choix différents");
    let r = admin
        .post_form(
            "/admin/custom-fields",
            &[
                ("label_fr", "Âge bis"),
                ("label_en", "Age"),
                ("key", "age"),
                ("kind", "text"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Un autre champ utilise déjà cette clé");
    assert_eq!(app.count("custom_fields").await, n);
    let fields = cf::list_fields(&app.db, app.tenant("alpha"), true)
        .await
        .unwrap();
    let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["quartier", "age", "arrivee", "note"]);
    assert_eq!(
        audit_actions(&app, "alpha", "custom_field.create")
            .await
            .len(),
        4
    );

    // The creation form: each bad value refused with its own message, nothing created.
    let persons = app.count("persons").await;
    let r = agent
        .post_form(
            "/backoffice/people",
            &[
                ("given_name", "Hélène"),
                ("family_name", "Martin"),
                ("cf-quartier", "Port"),
                ("cf-age", "douze"),
                ("cf-arrivee", "2026-02-30"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"cf-quartier-error\"")
        .assert_contains("Choisissez l’une des valeurs proposées")
        .assert_contains("id=\"cf-age-error\"")
        .assert_contains("Un nombre est attendu, par exemple 12 ou 12,5")
        .assert_contains("id=\"cf-arrivee-error\"")
        .assert_contains("Une date est attendue")
        .assert_contains("aria-describedby=\"cf-age-hint cf-age-error\"")
        .assert_contains("value=\"douze\"");
    let r = agent
        .post_form(
            "/backoffice/people",
            &[
                ("given_name", "Hélène"),
                ("family_name", "Martin"),
                ("cf-colour", "bleu"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Ce champ personnalisé n’existe pas ou a été archivé")
        .assert_contains("Ce champ est obligatoire");
    assert_eq!(app.count("persons").await, persons);
    let r = agent
        .post_form(
            "/backoffice/people",
            &[
                ("given_name", "Hélène"),
                ("family_name", "Martin"),
                ("cf-quartier", "Gare"),
                ("cf-age", "1 234,5"),
                ("cf-arrivee", "31/01/2026"),
                ("cf-note", "Préfère le téléphone"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let id: Uuid = r
        .location()
        .unwrap()
        .trim_start_matches("/backoffice/people/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let page = agent.get(&format!("/backoffice/people/{id}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Quartier")
        .assert_contains("1234,5")
        .assert_contains("31/01/2026")
        .assert_contains("Préfère le téléphone");
    // The 360° page's own form.
    let r = agent
        .post_form(
            &format!("/backoffice/people/{id}/custom-fields"),
            &[
                ("cf-quartier", "Gare"),
                ("cf-age", "abc"),
                ("cf-arrivee", ""),
                ("cf-note", ""),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"cf-age-error\"");
    let r = agent
        .post_form(
            &format!("/backoffice/people/{id}/custom-fields"),
            &[
                ("cf-quartier", "Centre"),
                ("cf-age", "42"),
                ("cf-arrivee", ""),
                ("cf-note", ""),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let changes = audit_actions(&app, "alpha", "person.custom_fields").await;
    let last = &changes[0].summary.0;
    assert_eq!(last["quartier"], json!(["Gare", "Centre"]));
    assert_eq!(last["age"], json!(["1234.5", "42"]));
    assert_eq!(last["arrivee"], json!(["2026-01-31", ""]));
    let mut viewer = staff(&app, "alpha", "viewer").await;
    viewer
        .post_form(
            &format!("/backoffice/people/{id}/custom-fields"),
            &[("cf-quartier", "Gare")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);

    // The API reads and writes them by key, and refuses precisely.
    let mut c = api(&app, "alpha", "agent").await;
    let r = c.get(&format!("/api/v1/persons/{id}")).await;
    r.assert_status(StatusCode::OK);
    assert_eq!(
        r.json()["custom_fields"],
        json!({"quartier": "Centre", "age": 42.0})
    );
    for (body, field, error) in [
        (
            json!({"custom_fields": {"age": "douze"}}),
            "custom_fields.age",
            "number",
        ),
        (
            json!({"custom_fields": {"arrivee": 20260131}}),
            "custom_fields.arrivee",
            "date",
        ),
        (
            json!({"custom_fields": {"quartier": "Port"}}),
            "custom_fields.quartier",
            "values offered",
        ),
        (
            json!({"custom_fields": {"colour": "bleu"}}),
            "custom_fields.colour",
            "does not exist",
        ),
        (
            json!({"custom_fields": {"quartier": null}}),
            "custom_fields.quartier",
            "required",
        ),
    ] {
        let r = c
            .send_json(Method::PATCH, &format!("/api/v1/persons/{id}"), &body)
            .await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let e = r.json();
        assert_eq!(e["field"], field, "{e}");
        assert!(e["message"].as_str().unwrap().contains(error), "{e}");
    }
    let r = c
        .send_json(
            Method::PATCH,
            &format!("/api/v1/persons/{id}"),
            &json!({"custom_fields": {"age": null, "arrivee": "2025-12-01", "note": "Rappeler"}, "tags": ["VIP"]}),
        )
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(
        r.json()["custom_fields"],
        json!({"quartier": "Centre", "arrivee": "2025-12-01", "note": "Rappeler"})
    );
    assert_eq!(r.json()["tags"], json!(["vip"]));
    // A creation without the required field is refused.
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/persons",
            &json!({"given_name": "Jean", "family_name": "Sans"}),
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "custom_fields.quartier");
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/persons",
            &json!({"given_name": "Jean", "family_name": "Avec", "custom_fields": {"quartier": "Gare", "age": 7}}),
        )
        .await;
    r.assert_status(StatusCode::CREATED);
    assert_eq!(
        r.json()["custom_fields"],
        json!({"quartier": "Gare", "age": 7.0})
    );

    // An archived field leaves the forms and the API but its values stay readable.
    let note = fields.iter().find(|f| f.key == "note").unwrap();
    let r = admin
        .post_form(
            &format!("/admin/custom-fields/{}", note.id),
            &[
                ("label_fr", "Note"),
                ("label_en", "Note"),
                ("archived", "on"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let r = c
        .send_json(
            Method::PATCH,
            &format!("/api/v1/persons/{id}"),
            &json!({"custom_fields": {"note": "x"}}),
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let page = agent.get(&format!("/backoffice/people/{id}")).await;
    page.assert_contains("Rappeler").assert_contains("Archivé");
    assert!(!page.body.contains("name=\"cf-note\""));
    // Beta's fields are beta's.
    let beta_field = field(&app, "beta", "secret", "text").await;
    admin
        .get(&format!("/admin/custom-fields/{beta_field}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------
// Segments

async fn ids_of(app: &TestApp, slug: &str, filter: &SegmentFilter) -> BTreeSet<Uuid> {
    let t = app.tenant(slug);
    let rows = segments::segment_persons(&app.db, t, filter, None, 200)
        .await
        .unwrap();
    let count = segments::segment_count(&app.db, t, filter).await.unwrap();
    assert_eq!(count, rows.len() as i64, "count of {filter:?}");
    rows.into_iter().map(|r| r.id).collect()
}

fn set(ids: &[Uuid]) -> BTreeSet<Uuid> {
    ids.iter().copied().collect()
}

#[tokio::test]
async fn each_segment_criterion_selects_the_right_persons() {
    let app = TestApp::new().await;
    let s = "alpha";
    let act = actor(&app, s);
    let quartier = field(&app, s, "quartier", "choice").await;
    let age = field(&app, s, "age", "number").await;
    let arrivee = field(&app, s, "arrivee", "date").await;
    let note = field(&app, s, "note", "text").await;
    let p1 = person(&app, s, "Paul", "Un").await;
    let p2 = person(&app, s, "Pia", "Deux").await;
    let p3 = person(&app, s, "Pierre", "Trois").await;
    let p4 = person(&app, s, "Paulette", "Archivée").await;
    let p5 = person(&app, s, "Prune", "Ancienne").await;
    people::set_tags(&app.db, &act, p1, &["vip".into(), "elu".into()])
        .await
        .unwrap();
    people::set_tags(&app.db, &act, p2, &["vip".into()])
        .await
        .unwrap();
    people::set_tags(&app.db, &act, p4, &["vip".into()])
        .await
        .unwrap();
    set_value(&app, s, p1, quartier, FieldValue::Choice("Centre".into())).await;
    set_value(&app, s, p2, quartier, FieldValue::Choice("Gare".into())).await;
    set_value(&app, s, p1, age, FieldValue::Number(70.0)).await;
    set_value(&app, s, p2, age, FieldValue::Number(30.0)).await;
    set_value(&app, s, p3, age, FieldValue::Number(18.0)).await;
    set_value(
        &app,
        s,
        p1,
        arrivee,
        FieldValue::Date(NaiveDate::from_ymd_opt(2020, 5, 1).unwrap()),
    )
    .await;
    set_value(
        &app,
        s,
        p2,
        arrivee,
        FieldValue::Date(NaiveDate::from_ymd_opt(2019, 5, 1).unwrap()),
    )
    .await;
    set_value(
        &app,
        s,
        p1,
        note,
        FieldValue::Text("Très bon contact".into()),
    )
    .await;
    set_value(
        &app,
        s,
        p2,
        note,
        FieldValue::Text("Bon 100% contact".into()),
    )
    .await;
    consent(&app, s, p1, "newsletter", "withdrawn", "counter").await;
    consent(&app, s, p1, "newsletter", "given", "counter").await;
    consent(&app, s, p2, "newsletter", "given", "email").await;
    consent(&app, s, p2, "newsletter", "withdrawn", "email").await;
    consent(&app, s, p3, "sms", "given", "phone").await;
    interaction(&app, s, p1, "phone", "Récent", 2).await;
    interaction(&app, s, p2, "counter", "Ancien", 100).await;
    people::archive_person(&app.db, &act, p4).await.unwrap();
    // P5 was created and last changed long ago.
    let (created, updated) = (
        NaiveDate::from_ymd_opt(2024, 1, 15)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap()
            .and_utc(),
        NaiveDate::from_ymd_opt(2024, 2, 1)
            .unwrap()
            .and_hms_opt(23, 59, 0)
            .unwrap()
            .and_utc(),
    );
    let sql = "UPDATE persons SET created_at = $1, updated_at = $2 WHERE id = $3";
    match &app.db {
        Db::Sqlite(p) => {
            sqlx::query(sql)
                .bind(created)
                .bind(updated)
                .bind(p5)
                .execute(p)
                .await
        }
        Db::Postgres(p) => sqlx::query(sql)
            .bind(created)
            .bind(updated)
            .bind(p5)
            .execute(p)
            .await
            .map(|_| Default::default()),
    }
    .unwrap();
    // Beta has someone who meets every criterion: never selected in alpha.
    let beta = person(&app, "beta", "Bea", "Beta").await;
    people::set_tags(
        &app.db,
        &actor(&app, "beta"),
        beta,
        &["vip".into(), "elu".into()],
    )
    .await
    .unwrap();
    consent(&app, "beta", beta, "newsletter", "given", "counter").await;

    let all_active = set(&[p1, p2, p3, p5]);
    assert_eq!(ids_of(&app, s, &SegmentFilter::default()).await, all_active);
    let f = |build: &dyn Fn(&mut SegmentFilter)| {
        let mut f = SegmentFilter::default();
        build(&mut f);
        f
    };
    let custom = |key: &str, matches: CustomMatch| CustomCondition {
        key: key.into(),
        matches,
    };
    let consent_is = |purpose: &str, state: ConsentWanted| ConsentCondition {
        purpose: purpose.into(),
        state,
    };
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    let cases: Vec<(&str, SegmentFilter, BTreeSet<Uuid>)> = vec![
        (
            "one tag",
            f(&|f| f.tags = vec!["vip".into()]),
            set(&[p1, p2]),
        ),
        (
            "two tags",
            f(&|f| f.tags = vec!["vip".into(), "elu".into()]),
            set(&[p1]),
        ),
        (
            "choice",
            f(&|f| {
                f.custom = vec![custom(
                    "quartier",
                    CustomMatch::Is {
                        value: "Centre".into(),
                    },
                )]
            }),
            set(&[p1]),
        ),
        (
            "number range",
            f(&|f| {
                f.custom = vec![custom(
                    "age",
                    CustomMatch::Between {
                        min: Some(18.0),
                        max: Some(30.0),
                    },
                )]
            }),
            set(&[p2, p3]),
        ),
        (
            "number minimum",
            f(&|f| {
                f.custom = vec![custom(
                    "age",
                    CustomMatch::Between {
                        min: Some(60.0),
                        max: None,
                    },
                )]
            }),
            set(&[p1]),
        ),
        (
            "date from",
            f(&|f| {
                f.custom = vec![custom(
                    "arrivee",
                    CustomMatch::DateBetween {
                        from: day(2020, 1, 1),
                        to: None,
                    },
                )]
            }),
            set(&[p1]),
        ),
        (
            "date until",
            f(&|f| {
                f.custom = vec![custom(
                    "arrivee",
                    CustomMatch::DateBetween {
                        from: None,
                        to: day(2020, 5, 1),
                    },
                )]
            }),
            set(&[p1, p2]),
        ),
        (
            "text, accents ignored",
            f(&|f| {
                f.custom = vec![custom(
                    "note",
                    CustomMatch::Contains {
                        text: "TRES bon".into(),
                    },
                )]
            }),
            set(&[p1]),
        ),
        (
            "text, wildcards literal",
            f(&|f| {
                f.custom = vec![custom(
                    "note",
                    CustomMatch::Contains {
                        text: "100%".into(),
                    },
                )]
            }),
            set(&[p2]),
        ),
        (
            "consent given",
            f(&|f| f.consents = vec![consent_is("newsletter", ConsentWanted::Given)]),
            set(&[p1]),
        ),
        (
            "consent withdrawn",
            f(&|f| f.consents = vec![consent_is("newsletter", ConsentWanted::Withdrawn)]),
            set(&[p2]),
        ),
        (
            "consent not given",
            f(&|f| f.consents = vec![consent_is("newsletter", ConsentWanted::NotGiven)]),
            set(&[p2, p3, p5]),
        ),
        (
            "consent never asked",
            f(&|f| f.consents = vec![consent_is("newsletter", ConsentWanted::Never)]),
            set(&[p3, p5]),
        ),
        (
            "created in January 2024",
            f(&|f| {
                f.created_from = day(2024, 1, 1);
                f.created_to = day(2024, 1, 31);
            }),
            set(&[p5]),
        ),
        (
            "updated until 1 February 2024, that day included",
            f(&|f| f.updated_to = day(2024, 2, 1)),
            set(&[p5]),
        ),
        (
            "updated since 2 February 2024",
            f(&|f| f.updated_from = day(2024, 2, 2)),
            set(&[p1, p2, p3]),
        ),
        (
            "contact within 30 days",
            f(&|f| f.activity = Some(Activity::Within { days: 30 })),
            set(&[p1]),
        ),
        (
            "no contact for 30 days",
            f(&|f| f.activity = Some(Activity::NoneSince { days: 30 })),
            set(&[p2, p3, p5]),
        ),
        (
            "no contact for 365 days",
            f(&|f| f.activity = Some(Activity::NoneSince { days: 365 })),
            set(&[p3, p5]),
        ),
        (
            "all at once",
            f(&|f| {
                f.tags = vec!["vip".into()];
                f.consents = vec![consent_is("newsletter", ConsentWanted::Given)];
                f.activity = Some(Activity::Within { days: 7 });
            }),
            set(&[p1]),
        ),
    ];
    for (name, filter, expected) in cases {
        assert_eq!(ids_of(&app, s, &filter).await, expected, "{name}");
    }
    // Keyset pages, one person at a time, in name order.
    let filter = SegmentFilter::default();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = segments::segment_persons(&app.db, app.tenant(s), &filter, after, 1)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        seen.push(last.id);
    }
    assert_eq!(seen.len(), 4);
    assert_eq!(set(&seen), all_active);
}

#[tokio::test]
async fn segments_pages_permissions_and_api() {
    let app = TestApp::new().await;
    let s = "alpha";
    let quartier = field(&app, s, "quartier", "choice").await;
    field(&app, s, "age", "number").await;
    let p1 = person(&app, s, "Paul", "Un").await;
    let p2 = person(&app, s, "Pia", "Deux").await;
    people::set_tags(&app.db, &actor(&app, s), p1, &["vip".into()])
        .await
        .unwrap();
    people::set_tags(&app.db, &actor(&app, s), p2, &["vip".into()])
        .await
        .unwrap();
    set_value(&app, s, p1, quartier, FieldValue::Choice("Centre".into())).await;
    consent(&app, s, p1, "newsletter", "given", "counter").await;

    let mut agent = staff(&app, s, "agent").await;
    agent
        .get("/backoffice/segments")
        .await
        .assert_status(StatusCode::OK);
    agent
        .get("/backoffice/segments/new")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    agent
        .post_form("/backoffice/segments", &[("name", "Nope")])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let mut sup = staff(&app, s, "supervisor").await;
    sup.get("/backoffice/segments/new")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("name=\"cf-quartier\"")
        .assert_contains("name=\"cf-age-min\"")
        .assert_contains("name=\"consent-newsletter\"");
    // Every bad input named, nothing saved.
    let r = sup
        .post_form(
            "/backoffice/segments",
            &[
                ("name", ""),
                ("cf-age-min", "dix"),
                ("created_from", "2026-13-01"),
                ("activity", "within"),
                ("activity_days", ""),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"name-error\"")
        .assert_contains("id=\"cf-age-min-error\"")
        .assert_contains("id=\"created_from-error\"")
        .assert_contains("id=\"activity_days-error\"");
    assert_eq!(app.count("segments").await, 0);
    let r = sup
        .post_form(
            "/backoffice/segments",
            &[
                ("name", "VIP du centre"),
                ("tags", "VIP"),
                ("cf-quartier", "Centre"),
                ("consent-newsletter", "given"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let id: Uuid = r
        .location()
        .unwrap()
        .trim_start_matches("/backoffice/segments/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let r = sup
        .post_form("/backoffice/segments", &[("name", "VIP du centre")])
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Un autre segment porte déjà ce nom");
    // Agents use it: the list, the count, the criteria in words.
    let page = agent.get(&format!("/backoffice/segments/{id}")).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("1 personne")
        .assert_contains(&format!("/backoffice/people/{p1}"))
        .assert_contains("Étiquettes : vip")
        .assert_contains("quartier : Centre")
        .assert_contains("Consentement « newsletter » : Donné");
    assert!(!page.body.contains(&format!("/backoffice/people/{p2}")));
    assert!(
        !page.body.contains("/edit"),
        "agents are not offered the edit link"
    );
    // Edit: the form shows the criteria, a change is saved and audited.
    sup.get(&format!("/backoffice/segments/{id}/edit"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("value=\"vip\"");
    sup.post_form(
        &format!("/backoffice/segments/{id}"),
        &[("name", "Tous les VIP"), ("tags", "vip")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    sup.get(&format!("/backoffice/segments/{id}?lang=en"))
        .await
        .assert_contains("2 people");
    assert_eq!(audit_actions(&app, s, "segment.").await.len(), 2);

    // The API: agents list segments and page through their persons.
    let mut c = api(&app, s, "agent").await;
    let r = c.get("/api/v1/segments").await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()[0]["name"], "Tous les VIP");
    assert_eq!(r.json()[0]["filter"]["tags"], json!(["vip"]));
    let r = c
        .get(&format!("/api/v1/segments/{id}/persons?limit=1"))
        .await;
    r.assert_status(StatusCode::OK);
    let body = r.json();
    assert_eq!(body["count"], 2);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    let next = body["next_after"].as_str().unwrap().to_owned();
    let r = c
        .get(&format!(
            "/api/v1/segments/{id}/persons?limit=1&after={next}"
        ))
        .await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 1);
    assert_ne!(r.json()["items"][0]["id"], body["items"][0]["id"]);
    let beta_segment = segment(&app, "beta", "Beta").await;
    c.get(&format!("/api/v1/segments/{beta_segment}/persons"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    agent
        .get(&format!("/backoffice/segments/{beta_segment}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // Deleting: supervisors only.
    agent
        .post_form(&format!("/backoffice/segments/{id}/delete"), &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    sup.post_form(&format!("/backoffice/segments/{id}/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("segments").await, 1, "only beta's is left");
}

// ---------------------------------------------------------------------------------------
// Relationships, organisations, timeline

#[tokio::test]
async fn relationships_are_removed_with_an_audit_row_and_never_cross_tenants() {
    let app = TestApp::new().await;
    let a = person(&app, "alpha", "Anne", "Un").await;
    let b = person(&app, "alpha", "Bruno", "Deux").await;
    let beta = person(&app, "beta", "Bea", "Beta").await;
    let beta_org = crate::people::organisation(&app, "beta", "Beta Org").await;
    // Across tenants: refused by the store, by the form, and nothing is written.
    for to in [Party::Person(beta), Party::Organisation(beta_org)] {
        assert!(matches!(
            people::add_relationship(
                &app.db,
                &actor(&app, "alpha"),
                a,
                RelationshipKind::Represents,
                to
            )
            .await,
            Err(StoreError::NotFound)
        ));
    }
    let mut agent = staff(&app, "alpha", "agent").await;
    let r = agent
        .post_form(
            &format!("/backoffice/people/{a}/relationships"),
            &[
                ("relationship_kind", "household"),
                ("target", &format!("person:{beta}")),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("relationships").await, 0);

    let rel = relate(
        &app,
        "alpha",
        a,
        RelationshipKind::Household,
        Party::Person(b),
    )
    .await;
    let beta_rel = relate(
        &app,
        "beta",
        beta,
        RelationshipKind::Represents,
        Party::Organisation(beta_org),
    )
    .await;
    // Beta's relationship through alpha's person: 404.
    agent
        .post_form(
            &format!("/backoffice/people/{a}/relationships/{beta_rel}/delete"),
            &[],
        )
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let mut viewer = staff(&app, "alpha", "viewer").await;
    viewer
        .post_form(
            &format!("/backoffice/people/{a}/relationships/{rel}/delete"),
            &[],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let page = agent.get(&format!("/backoffice/people/{b}")).await;
    page.assert_contains(&format!(
        "/backoffice/people/{b}/relationships/{rel}/delete"
    ));
    // Removed from the other side's page.
    let r = agent
        .post_form(
            &format!("/backoffice/people/{b}/relationships/{rel}/delete"),
            &[],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("relationships").await, 1, "only beta's is left");
    let rows = audit_actions(&app, "alpha", "person.relationship.remove").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].target_id.as_deref(), Some(a.to_string().as_str()));
    assert_eq!(rows[0].summary.0["kind"], "household");
    // Twice: nothing left to remove.
    agent
        .post_form(
            &format!("/backoffice/people/{b}/relationships/{rel}/delete"),
            &[],
        )
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn organisations_have_contact_points_and_a_complete_api() {
    let app = TestApp::new().await;
    let org = crate::people::organisation(&app, "alpha", "Amis du parc").await;
    let mut agent = staff(&app, "alpha", "agent").await;
    let base = format!("/backoffice/organisations/{org}");
    agent
        .post_form(
            &format!("{base}/emails"),
            &[("email", "Contact@Amis.example")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    agent
        .post_form(&format!("{base}/phones"), &[("phone", "01 23 45 67 89")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    agent
        .post_form(
            &format!("{base}/addresses"),
            &[
                ("address_lines", "Parc municipal"),
                ("postcode", "69001"),
                ("city", "Lyon"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let points = app.count("organisation_emails").await + app.count("organisation_phones").await;
    let r = agent
        .post_form(&format!("{base}/phones"), &[("phone", "12")])
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("id=\"phone-error\"");
    let r = agent
        .post_form(
            &format!("{base}/emails"),
            &[("email", "contact@amis.example")],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.count("organisation_emails").await + app.count("organisation_phones").await,
        points
    );
    let page = agent.get(&base).await;
    page.assert_status(StatusCode::OK)
        .assert_contains("contact@amis.example")
        .assert_contains("+33123456789")
        .assert_contains("LYON");
    let record = people::organisation_record(&app.db, app.tenant("alpha"), org)
        .await
        .unwrap()
        .unwrap();
    agent
        .post_form(
            &format!("{base}/contact-points/{}/delete", record.phones[0].id),
            &[],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("organisation_phones").await, 0);
    assert_eq!(audit_actions(&app, "alpha", "organisation.").await.len(), 5);
    // A person's contact point id through the organisation: 404.
    let p = person(&app, "alpha", "Paul", "Un").await;
    let point = email(&app, "alpha", p, "paul@example.fr").await;
    agent
        .post_form(&format!("{base}/contact-points/{point}/delete"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // The API: create with contact points, read, list with a cursor, update, archive.
    let mut c = api(&app, "alpha", "agent").await;
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/organisations",
            &json!({"name": "Club de lecture", "siret": "732 829 320 00074", "emails": ["club@example.fr"],
                    "phones": ["04 72 00 00 00"], "addresses": [{"lines": ["2 rue des Livres"], "postcode": "69002", "city": "Lyon"}]}),
        )
        .await;
    r.assert_status(StatusCode::CREATED);
    let club = r.json();
    assert_eq!(club["emails"][0]["value"], "club@example.fr");
    assert_eq!(club["phones"][0]["value"], "+33472000000");
    assert_eq!(club["addresses"][0]["city"], "Lyon");
    let club_id = club["id"].as_str().unwrap().to_owned();
    let before = app.count("organisations").await;
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "X", "siret": "123"}), "siret"),
        (json!({"name": "X", "phones": ["12"]}), "phone"),
        (
            json!({"name": "X", "addresses": [{"lines": [], "postcode": "1", "city": "Lyon"}]}),
            "address_lines",
        ),
    ] {
        let r = c
            .send_json(Method::POST, "/api/v1/organisations", &body)
            .await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["field"], field, "{body}");
    }
    let r = c
        .send_json(
            Method::POST,
            "/api/v1/organisations",
            &json!({"name": "Copie", "siret": "73282932000074"}),
        )
        .await;
    r.assert_status(StatusCode::CONFLICT);
    assert_eq!(app.count("organisations").await, before);
    crate::people::organisation(&app, "alpha", "Zèbre").await;
    let r = c.get("/api/v1/organisations?limit=2").await;
    r.assert_status(StatusCode::OK);
    let page = r.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["next_after"].as_str().unwrap().to_owned();
    let r = c
        .get(&format!("/api/v1/organisations?limit=2&after={next}"))
        .await;
    let names: Vec<String> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Zèbre"]);
    let r = c.get(&format!("/api/v1/organisations/{club_id}")).await;
    r.assert_status(StatusCode::OK);
    let r = c
        .send_json(
            Method::PATCH,
            &format!("/api/v1/organisations/{club_id}"),
            &json!({"name": "Club des lecteurs", "siret": ""}),
        )
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["name"], "Club des lecteurs");
    assert!(r.json()["siret"].is_null());
    let mut viewer = api(&app, "alpha", "viewer").await;
    viewer
        .request(
            Method::DELETE,
            &format!("/api/v1/organisations/{club_id}"),
            None,
            Vec::new(),
            &[],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    c.request(
        Method::DELETE,
        &format!("/api/v1/organisations/{club_id}"),
        None,
        Vec::new(),
        &[],
    )
    .await
    .assert_status(StatusCode::NO_CONTENT);
    let r = c.get("/api/v1/organisations").await;
    assert!(
        r.body.find(&club_id).is_none(),
        "archived ones leave the list"
    );
    // Beta's organisation is not here.
    let beta_org = crate::people::organisation(&app, "beta", "Beta Org").await;
    c.get(&format!("/api/v1/organisations/{beta_org}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    c.send_json(
        Method::PATCH,
        &format!("/api/v1/organisations/{beta_org}"),
        &json!({"name": "Hijacked"}),
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    assert!(
        people::contact_points::add_email(
            &app.db,
            &actor(&app, "alpha"),
            Owner::Organisation(beta_org),
            &relais_domain::Email::parse("x@example.fr").unwrap()
        )
        .await
        .is_err()
    );
}

#[tokio::test]
async fn the_timeline_filters_by_kind_and_by_channel() {
    let app = TestApp::new().await;
    let p = person(&app, "alpha", "Tina", "Temps").await;
    let other = person(&app, "alpha", "Oscar", "Autre").await;
    interaction(&app, "alpha", p, "phone", "Appel du lundi", 3).await;
    interaction(&app, "alpha", p, "counter", "Visite au guichet", 2).await;
    consent(&app, "alpha", p, "newsletter", "given", "phone").await;
    consent(&app, "alpha", p, "sms", "given", "portal").await;
    relate(
        &app,
        "alpha",
        p,
        RelationshipKind::Household,
        Party::Person(other),
    )
    .await;
    let merged = person(&app, "alpha", "Tina", "Tempss").await;
    merge::merge_persons(
        &app.db,
        &actor(&app, "alpha"),
        p,
        merged,
        IdentityChoice::default(),
    )
    .await
    .unwrap();
    let mut c = staff(&app, "alpha", "viewer").await;
    let base = format!("/backoffice/people/{p}");
    let all = c.get(&base).await;
    all.assert_status(StatusCode::OK)
        .assert_contains("Appel du lundi")
        .assert_contains("Visite au guichet")
        .assert_contains("newsletter")
        .assert_contains("Même foyer que")
        .assert_contains(&format!("/backoffice/people/{merged}"));
    let timeline = |body: &str| {
        body.split("class=\"timeline\"")
            .nth(1)
            .map(|t| t.split("</ol>").next().unwrap_or("").to_owned())
            .unwrap_or_default()
    };
    let r = c.get(&format!("{base}?kind=interaction")).await;
    let t = timeline(&r.body);
    assert!(t.contains("Appel du lundi") && t.contains("Visite au guichet"));
    assert!(!t.contains("newsletter") && !t.contains("Oscar"));
    r.assert_contains("<option value=\"interaction\" selected>");
    let r = c.get(&format!("{base}?channel=phone")).await;
    let t = timeline(&r.body);
    assert!(
        t.contains("Appel du lundi") && t.contains("newsletter"),
        "{t}"
    );
    assert!(!t.contains("Visite au guichet") && !t.contains("sms") && !t.contains("Oscar"));
    let r = c.get(&format!("{base}?kind=consent&channel=phone")).await;
    let t = timeline(&r.body);
    assert!(t.contains("newsletter") && !t.contains("Appel du lundi"));
    let r = c.get(&format!("{base}?kind=merge")).await;
    let t = timeline(&r.body);
    assert!(t.contains(&format!("/backoffice/people/{merged}")) && !t.contains("Appel"));
    let r = c
        .get(&format!("{base}?kind=relationship&channel=letter"))
        .await;
    r.assert_contains("Rien dans l’historique pour ce filtre");
    // Unknown values are ignored, not errors.
    c.get(&format!("{base}?kind=appointment&channel=fax"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Appel du lundi");
}

#[tokio::test]
async fn a_segment_exports_as_csv_with_formulas_defused() {
    let app = TestApp::new().await;
    let s = "alpha";
    let act = actor(&app, s);
    let age = field(&app, s, "age", "number").await;
    let p1 = person(&app, s, "Paul", "Un").await;
    let p2 = person(&app, s, "=HYPERLINK(\"http://x\")", "Deux").await;
    let p3 = person(&app, s, "Pierre", "Trois").await;
    for p in [p1, p2] {
        people::set_tags(&app.db, &act, p, &["vip".into(), "elu".into()])
            .await
            .unwrap();
    }
    email(&app, s, p1, "paul@example.fr").await;
    email(&app, s, p1, "p.un@example.fr").await;
    people::add_address(
        &app.db,
        &act,
        p1,
        &PostalAddress::parse("3 place de la Mairie", "69001", "Lyon", "").unwrap(),
    )
    .await
    .unwrap();
    set_value(&app, s, p1, age, FieldValue::Number(42.5)).await;
    let id = segments::create_segment(
        &app.db,
        &act,
        "VIP",
        &SegmentFilter {
            tags: vec!["vip".into()],
            ..SegmentFilter::default()
        },
    )
    .await
    .unwrap()
    .id;
    let mut agent = staff(&app, s, "agent").await;
    agent
        .get(&format!("/backoffice/segments/{id}"))
        .await
        .assert_contains(&format!("/backoffice/segments/{id}/export.csv"));
    let r = agent
        .get(&format!("/backoffice/segments/{id}/export.csv"))
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        r.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"vip.csv\""
    );
    assert!(r.body.starts_with('\u{feff}'), "a BOM for spreadsheets");
    let lines: Vec<&str> = r
        .body
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .collect();
    assert_eq!(
        lines[0],
        "Identifiant;Nom de famille;Prénom;Date de naissance;Courriels;Téléphones;Adresses;Étiquettes;age"
    );
    assert_eq!(lines.len(), 4, "header, two persons, end: {lines:?}");
    assert_eq!(
        lines[1],
        format!("{p2};Deux;'=HYPERLINK(\"\"http://x\"\");;;;;elu, vip;").replace(
            "'=HYPERLINK(\"\"http://x\"\")",
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        )
    );
    assert_eq!(
        lines[2],
        format!(
            "{p1};Un;Paul;;paul@example.fr, p.un@example.fr;;3 place de la Mairie, 69001 LYON;elu, vip;42,5"
        )
    );
    assert!(!r.body.contains(&p3.to_string()));
    let rows = audit_actions(&app, s, "segment.export").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].summary.0["persons"], 2);
    // Another tenant's segment: nothing.
    let beta_segment = segment(&app, "beta", "Beta").await;
    agent
        .get(&format!("/backoffice/segments/{beta_segment}/export.csv"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_segment_and_a_person_export_as_vcards_for_address_books() {
    let app = TestApp::new().await;
    let s = "alpha";
    let act = actor(&app, s);
    let p1 = person(&app, s, "Hélène", "Dupré, fille").await;
    let p2 = person(&app, s, "Paul", "Un").await;
    people::set_tags(&app.db, &act, p1, &["vip".into()])
        .await
        .unwrap();
    email(&app, s, p1, "helene@example.fr").await;
    people::add_phone(
        &app.db,
        &act,
        p1,
        &relais_domain::people::Phone::parse("06 12 34 56 78").unwrap(),
    )
    .await
    .unwrap();
    people::add_address(
        &app.db,
        &act,
        p1,
        &PostalAddress::parse("3 place de la Mairie", "69001", "Lyon", "").unwrap(),
    )
    .await
    .unwrap();
    let id = segments::create_segment(
        &app.db,
        &act,
        "VIP",
        &SegmentFilter {
            tags: vec!["vip".into()],
            ..SegmentFilter::default()
        },
    )
    .await
    .unwrap()
    .id;
    let mut agent = staff(&app, s, "agent").await;
    agent
        .get(&format!("/backoffice/segments/{id}"))
        .await
        .assert_contains(&format!("/backoffice/segments/{id}/export.vcf"));

    // 4.0 by default; read back by our own importer, which reads other apps' cards too.
    let r = agent
        .get(&format!("/backoffice/segments/{id}/export.vcf"))
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "text/vcard; charset=utf-8"
    );
    assert_eq!(
        r.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"vip.vcf\""
    );
    assert!(r.body.contains("VERSION:4.0\r\n"));
    assert!(
        r.body.contains("N:Dupré\\, fille;Hélène;;;\r\n"),
        "{}",
        r.body
    );
    assert!(r.body.contains("TEL;VALUE=uri:tel:+33612345678\r\n"));
    assert!(!r.body.contains("Paul"), "only the segment's persons");
    let cards = relais_domain::vcard::parse(&r.body).expect("our vCards parse");
    assert_eq!(cards.len(), 1);

    let r = agent
        .get(&format!("/backoffice/segments/{id}/export.vcf?version=3.0"))
        .await;
    r.assert_status(StatusCode::OK);
    assert!(r.body.contains("VERSION:3.0\r\n"));
    assert!(r.body.contains("EMAIL;TYPE=INTERNET:helene@example.fr\r\n"));
    assert!(r.body.contains("CATEGORIES:vip\r\n"));
    // A version nobody writes any more is refused, and nothing is exported.
    agent
        .get(&format!("/backoffice/segments/{id}/export.vcf?version=2.1"))
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    let rows = audit_actions(&app, s, "segment.export").await;
    assert_eq!(rows.len(), 2, "two exports written to the audit log");
    assert!(rows.iter().all(|r| r.summary.0["format"] == "vcard"));

    // One person's card, from the 360° page.
    agent
        .get(&format!("/backoffice/people/{p2}"))
        .await
        .assert_contains(&format!("/backoffice/people/{p2}/vcard"));
    let r = agent.get(&format!("/backoffice/people/{p1}/vcard")).await;
    r.assert_status(StatusCode::OK);
    assert!(r.body.contains(&format!("UID:urn:uuid:{p1}\r\n")));
    assert!(
        r.body
            .contains("ADR:;;3 place de la Mairie;Lyon;;69001;FR\r\n"),
        "{}",
        r.body
    );
    let rows = audit_actions(&app, s, "person.export").await;
    assert_eq!(rows.len(), 1);
    // Another tenant's person or segment: nothing.
    let beta_person = person(&app, "beta", "Bob", "Beta").await;
    agent
        .get(&format!("/backoffice/people/{beta_person}/vcard"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let beta_segment = segment(&app, "beta", "Beta").await;
    agent
        .get(&format!("/backoffice/segments/{beta_segment}/export.vcf"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_360_page_shows_the_persons_cases_messages_and_documents_in_one_timeline() {
    use relais_domain::case::EventKind;
    use relais_domain::service::sla::Priority;
    use relais_store::cases::{self, NewEvent};
    let app = TestApp::new().await;
    let s = "alpha";
    let service = app
        .publish_demo_service(s, "belleville-signalement-voirie")
        .await;
    let tenant = app.tenant_row(s).await;
    let p = person(&app, s, "Hélène", "Durand").await;
    let other = person(&app, s, "Paul", "Autre").await;
    let answers = json!({
        "category": "pothole", "danger": true,
        "description": "Nid-de-poule profond devant le n° 12.",
        "location_method": "address",
        "address": {"street": "12 rue des Lilas", "postcode": "45000", "city": "Belleville-sur-Loire", "country": "FR"},
        "follow_up": false
    });
    let file = |person: Uuid, channel: &'static str| {
        let app = &app;
        let tenant = &tenant;
        let service = &service;
        let answers = answers.as_object().cloned().unwrap();
        async move {
            relais_web::cases::flow::file(
                &app.state,
                tenant,
                &Actor::system(tenant.id, "test"),
                relais_web::cases::flow::Filing {
                    service,
                    answers,
                    documents: vec![],
                    requester_person_id: Some(person),
                    requester_account_id: None,
                    contact_email: None,
                    organisation_id: None,
                    channel,
                    priority: Priority::Normal,
                    draft_id: None,
                },
            )
            .await
            .expect("filed")
            .case
        }
    };
    let case = file(p, "phone").await;
    let not_hers = file(other, "phone").await;
    cases::append_events(
        &app.db,
        &Actor::system(tenant.id, "test"),
        case.id,
        &[NewEvent::new(
            EventKind::MessageToRequester,
            json!({"subject": "Votre signalement"}),
        )
        .with_body("Une équipe passe jeudi.")],
    )
    .await
    .unwrap();
    let hash = app.state.files.put(b"%PDF-1.4 test").await.unwrap();
    relais_store::documents::create(
        &app.db,
        &actor(&app, s),
        &relais_store::documents::NewDocument {
            owner_person_id: Some(p),
            kind: Some("proof_of_address"),
            file_hash: &hash,
            media_type: "application/pdf",
            size_bytes: 13,
            file_name: "quittance-edf.pdf",
        },
    )
    .await
    .unwrap();

    let mut agent = staff(&app, s, "agent").await;
    let page = agent.get(&format!("/backoffice/people/{p}")).await;
    page.assert_status(StatusCode::OK);
    page.assert_contains(&format!("/backoffice/cases/{}", case.id));
    page.assert_contains(&case.reference);
    page.assert_contains("Signaler un problème sur la voie publique");
    page.assert_contains("Une équipe passe jeudi.");
    page.assert_contains("quittance-edf.pdf");
    assert!(
        !page.body.contains(&not_hers.reference),
        "another person's case is not on her timeline"
    );

    // Filtered by kind: only the cases.
    let page = agent
        .get(&format!("/backoffice/people/{p}?kind=case"))
        .await;
    page.assert_contains(&case.reference);
    assert!(!page.body.contains("quittance-edf.pdf"));
    assert!(!page.body.contains("Une équipe passe jeudi."));
    // Filtered by channel: the case came by phone, so it stays; not by letter.
    let page = agent
        .get(&format!("/backoffice/people/{p}?channel=phone"))
        .await;
    page.assert_contains(&format!("/backoffice/cases/{}", case.id));
    let page = agent
        .get(&format!("/backoffice/people/{p}?channel=letter"))
        .await;
    assert!(
        !page
            .body
            .contains(&format!("/backoffice/cases/{}", case.id))
    );
}

//! Search of persons and organisations: every kind of match, ranking, highlighting (escaped),
//! the index kept current by every write and filled for older rows, tenants, permissions,
//! bad queries; on the page, the people list and the API.

use crate::common::TestApp;
use crate::people::{api, organisation, person, staff};
use axum::http::StatusCode;
use relais_domain::{
    Email,
    people::{Phone, PostalAddress, Siret},
    search::{EntityKind, MatchKind, Query},
};
use relais_store::{
    Actor, Db, people,
    search::{self, Scope},
};
use serde_json::Value;
use uuid::Uuid;

fn actor(app: &TestApp, slug: &str) -> Actor {
    Actor::system(app.tenant(slug), "test")
}

async fn with_email(app: &TestApp, id: Uuid, email: &str) {
    people::add_email(
        &app.db,
        &actor(app, "alpha"),
        id,
        &Email::parse(email).unwrap(),
    )
    .await
    .unwrap();
}

async fn with_phone(app: &TestApp, id: Uuid, phone: &str) -> Uuid {
    people::add_phone(
        &app.db,
        &actor(app, "alpha"),
        id,
        &Phone::parse(phone).unwrap(),
    )
    .await
    .unwrap()
}

async fn with_address(app: &TestApp, id: Uuid, lines: &str, postcode: &str, city: &str) {
    let address = PostalAddress::parse(lines, postcode, city, "FR").unwrap();
    people::add_address(&app.db, &actor(app, "alpha"), id, &address)
        .await
        .unwrap();
}

/// (kind, id, how the worst word matched) of the results, best first.
async fn found(app: &TestApp, slug: &str, q: &str) -> Vec<(EntityKind, Uuid, MatchKind)> {
    let query = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    search::search(&app.db, app.tenant(slug), &query, Scope::All, 50)
        .await
        .unwrap()
        .hits
        .into_iter()
        .map(|h| (h.kind, h.id, h.scored.kind))
        .collect()
}

async fn ids(app: &TestApp, q: &str) -> Vec<Uuid> {
    found(app, "alpha", q)
        .await
        .into_iter()
        .map(|(_, id, _)| id)
        .collect()
}

#[tokio::test]
async fn finds_by_name_email_phone_address_and_siret_in_any_writing() {
    let app = TestApp::new().await;
    let helene = person(&app, "alpha", "Helene", "Durand").await;
    with_email(&app, helene, "h.durand@mairie-nantes.fr").await;
    with_phone(&app, helene, "06 12 34 56 78").await;
    with_address(&app, helene, "12 rue des Lilas", "44000", "Nantes").await;
    let dupont = person(&app, "alpha", "Élodie", "Dupont").await;
    let hospital = organisation(&app, "alpha", "Hôpital Nord").await;
    let bakery = people::create_organisation(
        &app.db,
        &actor(&app, "alpha"),
        "Boulangerie Lefèvre",
        Some(&Siret::parse("732 829 320 00074").unwrap()),
    )
    .await
    .unwrap()
    .id;
    // Noise that must not come up.
    person(&app, "alpha", "Paul", "Martin").await;

    for (q, expected, how) in [
        ("Hélène", helene, MatchKind::Exact),
        ("HELENE durand", helene, MatchKind::Exact),
        ("hel dur", helene, MatchKind::Prefix),
        ("elodie", dupont, MatchKind::Exact),
        ("Dupnot", dupont, MatchKind::Fuzzy),
        ("Élodei Dupont", dupont, MatchKind::Fuzzy),
        ("hopitaux", hospital, MatchKind::Stem),
        ("h.durand@mairie-nantes.fr", helene, MatchKind::Exact),
        ("h.durand@mai", helene, MatchKind::Exact),
        ("mairie-nantes", helene, MatchKind::Exact),
        ("06 12 34 56 78", helene, MatchKind::Exact),
        ("0612345678", helene, MatchKind::Exact),
        ("+33 6 12 34 56 78", helene, MatchKind::Exact),
        ("+33612345678", helene, MatchKind::Exact),
        ("06.12.34.56.78", helene, MatchKind::Exact),
        ("0033 6 12 34 56 78", helene, MatchKind::Exact),
        ("06 12 34", helene, MatchKind::Prefix),
        ("rue des lilas", helene, MatchKind::Exact),
        ("44000", helene, MatchKind::Exact),
        ("lilas nantes", helene, MatchKind::Exact),
        ("732 829 320 00074", bakery, MatchKind::Exact),
        ("73282932000074", bakery, MatchKind::Exact),
        ("732829320", bakery, MatchKind::Prefix),
        ("boulangerie lefevre", bakery, MatchKind::Exact),
        ("boulangeries", bakery, MatchKind::Stem),
    ] {
        let results = found(&app, "alpha", q).await;
        assert_eq!(
            results.first().map(|(_, id, how)| (*id, *how)),
            Some((expected, how)),
            "{q}: {results:?}"
        );
        assert_eq!(
            results.len(),
            1,
            "{q}: only one record matches: {results:?}"
        );
    }
    for q in ["zzz", "helene paris", "07 00", "dpnot", "rue des roses"] {
        assert!(found(&app, "alpha", q).await.is_empty(), "{q}");
    }
}

#[tokio::test]
async fn ranks_exact_then_prefix_stem_typo_and_names_before_identifiers_before_addresses() {
    let app = TestApp::new().await;
    let marin = person(&app, "alpha", "Paul", "Marin").await;
    let martinez = person(&app, "alpha", "Ana", "Martinez").await;
    let rue_martin = person(&app, "alpha", "Jean", "Dupont").await;
    with_address(&app, rue_martin, "3 rue Martin", "44000", "Nantes").await;
    let by_email = person(&app, "alpha", "Luc", "Leroy").await;
    with_email(&app, by_email, "martin@example.fr").await;
    let martin_b = person(&app, "alpha", "Zoé", "Martin").await;
    let martin_a = person(&app, "alpha", "Adèle", "Martin").await;
    assert_eq!(
        ids(&app, "martin").await,
        [martin_a, martin_b, by_email, rue_martin, martinez, marin],
        "exact name (by name), exact e-mail, exact address, prefix of a name, one typo"
    );

    let hospitals = organisation(&app, "alpha", "Hôpitaux de Nantes").await;
    let hospital = organisation(&app, "alpha", "Hôpital Nord").await;
    assert_eq!(ids(&app, "hopitaux").await, [hospitals, hospital]);
    assert_eq!(ids(&app, "hôpital").await, [hospital, hospitals]);
}

#[tokio::test]
async fn the_index_follows_every_write_and_fills_older_rows() {
    let app = TestApp::new().await;
    let a = actor(&app, "alpha");
    let id = person(&app, "alpha", "Anne", "Lambert").await;
    let identity = relais_domain::people::PersonIdentity {
        given_name: "Anne".into(),
        family_name: "Moreau".into(),
        birth_date: None,
        locale: relais_domain::Locale::Fr,
    };
    people::update_person(&app.db, &a, id, &identity)
        .await
        .unwrap();
    assert!(ids(&app, "lambert").await.is_empty());
    assert_eq!(ids(&app, "moreau").await, [id]);
    let phone = with_phone(&app, id, "0701020304").await;
    assert_eq!(ids(&app, "07 01 02").await, [id]);
    people::remove_contact_point(&app.db, &a, id, phone)
        .await
        .unwrap();
    assert!(ids(&app, "07 01 02").await.is_empty());
    people::archive_person(&app.db, &a, id).await.unwrap();
    assert!(ids(&app, "moreau").await.is_empty());

    let org = organisation(&app, "alpha", "Association Lumière").await;
    people::update_organisation(&app.db, &a, org, "Club Lumière", None)
        .await
        .unwrap();
    assert!(ids(&app, "association").await.is_empty());
    assert_eq!(ids(&app, "club").await, [org]);
    people::archive_organisation(&app.db, &a, org)
        .await
        .unwrap();
    assert!(ids(&app, "club").await.is_empty());

    // Rows from before search (no document) or from an older version of the terms are
    // indexed at start.
    let older = person(&app, "alpha", "Odile", "Ancienne").await;
    let gone = person(&app, "alpha", "Gaston", "Oublié").await;
    let sql_delete = "DELETE FROM search_documents WHERE entity_id = $1";
    let sql_age = "UPDATE search_documents SET version = 0, terms = '' WHERE entity_id = $1";
    match &app.db {
        Db::Sqlite(p) => {
            sqlx::query(sql_delete).bind(gone).execute(p).await.unwrap();
            sqlx::query(sql_age).bind(older).execute(p).await.unwrap();
        }
        Db::Postgres(p) => {
            sqlx::query(sql_delete).bind(gone).execute(p).await.unwrap();
            sqlx::query(sql_age).bind(older).execute(p).await.unwrap();
        }
    }
    assert!(ids(&app, "oublie").await.is_empty());
    assert!(ids(&app, "ancienne").await.is_empty());
    assert_eq!(search::backfill(&app.db).await.unwrap(), 2);
    assert_eq!(ids(&app, "oublie").await, [gone]);
    assert_eq!(ids(&app, "ancienne").await, [older]);
    assert_eq!(search::backfill(&app.db).await.unwrap(), 0, "nothing left");
}

#[tokio::test]
async fn another_tenants_records_are_never_found() {
    let app = TestApp::new().await;
    let ours = person(&app, "alpha", "Hélène", "Durand").await;
    let theirs = person(&app, "beta", "Hélène", "Durand").await;
    let their_org = organisation(&app, "beta", "Durand et Fils").await;
    for q in ["helene", "durand", "durnad", "dur"] {
        assert_eq!(ids(&app, q).await, [ours], "{q}");
    }
    let mut page = staff(&app, "alpha", "agent").await;
    let mut json = api(&app, "alpha", "agent").await;
    for q in ["durand", "fils"] {
        let body = page.get(&format!("/backoffice/search?q={q}")).await.body;
        let api_body = json.get(&format!("/api/v1/search?q={q}")).await.body;
        for id in [theirs, their_org] {
            assert!(!body.contains(&id.to_string()), "{q}");
            assert!(!api_body.contains(&id.to_string()), "{q}");
        }
    }
}

#[tokio::test]
async fn the_search_page_marks_matches_and_escapes_names() {
    let app = TestApp::new().await;
    let id = person(&app, "alpha", "<script>alert(1)</script>", "Dupont").await;
    with_address(&app, id, "12 rue des Lilas", "44000", "Nantes").await;
    let org = organisation(&app, "alpha", "Dupont & <b>Fils</b>").await;
    let mut c = staff(&app, "alpha", "viewer").await;
    let r = c.get("/backoffice/search?q=dupnot+lilas").await;
    r.assert_status(StatusCode::OK);
    assert!(!r.body.contains("<script>alert"), "{}", r.body);
    assert!(
        r.body.contains(&format!(
            "<a href=\"/backoffice/people/{id}\">&#60;script&#62;alert(1)&#60;/script&#62; <mark>Dupont</mark></a>"
        )),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("12 rue des <mark>Lilas</mark>, 44000 Nantes")
    );
    assert!(
        r.body
            .contains("Orthographe approchante (une lettre diffère) dans le nom")
    );
    // The organisation has no address: "lilas" rules it out.
    assert!(!r.body.contains(&org.to_string()));

    let r = c
        .get("/backoffice/search?q=dupont&type=organisation&lang=en")
        .await;
    assert!(
        r.body.contains(&format!(
            "<a href=\"/backoffice/organisations/{org}\"><mark>Dupont</mark> &#38; &#60;b&#62;Fils&#60;/b&#62;</a>"
        )),
        "{}",
        r.body
    );
    assert!(r.body.contains("One result"));
    assert!(!r.body.contains(&id.to_string()));

    // The people list marks its results too.
    let r = c.get("/backoffice/people?q=dupnot").await;
    r.assert_status(StatusCode::OK);
    assert!(r.body.contains("<mark>Dupont</mark>"), "{}", r.body);
    assert!(!r.body.contains("<script>alert"));
}

#[tokio::test]
async fn bad_queries_get_a_clear_message_on_pages_and_in_the_api() {
    let app = TestApp::new().await;
    let mut c = staff(&app, "alpha", "agent").await;
    let r = c.get("/backoffice/search").await;
    r.assert_status(StatusCode::OK);
    assert!(!r.body.contains("field-error"));
    let long = "a".repeat(101);
    for (q, message) in [
        (
            "",
            "Saisissez un nom, un courriel, un téléphone, une adresse ou un SIRET.",
        ),
        (
            "%20%20",
            "Saisissez un nom, un courriel, un téléphone, une adresse ou un SIRET.",
        ),
        (
            long.as_str(),
            "La recherche est trop longue : 100 caractères au plus.",
        ),
        ("%25+_", "Saisissez au moins une lettre ou un chiffre."),
        (
            "a+b+c+d+e+f+g+h+i",
            "La recherche a trop de mots : 8 au plus.",
        ),
    ] {
        let r = c.get(&format!("/backoffice/search?q={q}")).await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains(&format!(
                "<span class=\"field-error\" id=\"q-error\">{message}</span>"
            )),
            "{q}: {}",
            r.body
        );
        assert!(
            r.body
                .contains("aria-describedby=\"q-hint q-error\" aria-invalid=\"true\"")
        );
    }
    let r = c.get("/backoffice/search?q=martin&type=cases").await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"type-error\""));
    let r = c.get(&format!("/backoffice/people?q={long}")).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("La recherche est trop longue : 100 caractères au plus.")
    );

    let mut a = api(&app, "alpha", "agent").await;
    for (q, field) in [
        ("", "q"),
        (long.as_str(), "q"),
        ("%25", "q"),
        ("martin&type=cases", "type"),
        ("martin&limit=0", "limit"),
    ] {
        let r = a.get(&format!("/api/v1/search?q={q}")).await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.json();
        assert_eq!(body["error"], "invalid", "{q}");
        assert_eq!(body["field"], field, "{q}");
        assert!(!body["message"].as_str().unwrap_or("").is_empty());
    }
    let r = a.get("/api/v1/search").await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["message"],
        "Enter a name, email, phone, address or SIRET."
    );
}

#[tokio::test]
async fn viewers_may_search_portal_accounts_and_strangers_may_not() {
    let app = TestApp::new().await;
    person(&app, "alpha", "Anne", "Alpha").await;
    let mut viewer = staff(&app, "alpha", "viewer").await;
    viewer
        .get("/backoffice/search?q=anne")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("<mark>Anne</mark>");
    let mut citizen = app.client("alpha.test");
    citizen.login_portal("citizen@alpha.test").await;
    citizen
        .get("/backoffice/search?q=anne")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let mut stranger = app.client("alpha.test");
    let r = stranger.get("/backoffice/search?q=anne").await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert!(!r.body.contains("Anne"));

    let mut a = api(&app, "alpha", "viewer").await;
    a.get("/api/v1/search?q=anne")
        .await
        .assert_status(StatusCode::OK);
    let mut anonymous = app.client("alpha.test");
    anonymous
        .get("/api/v1/search?q=anne")
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_typed_address_finds_that_address_not_lookalike_names() {
    let app = TestApp::new().await;
    let helene = person(&app, "alpha", "Hélène", "Durand").await;
    with_email(&app, helene, "h.durand@mairie-nantes.fr").await;
    // Every word of Hélène's address starts a word of Hervé's ("durand" → "durandal").
    let herve = person(&app, "alpha", "Hervé", "Durandal").await;
    with_email(&app, herve, "h.durandal@mairie-nantes.fr").await;

    let results = found(&app, "alpha", "h.durand@mairie-nantes.fr").await;
    assert_eq!(
        results,
        [(EntityKind::Person, helene, MatchKind::Exact)],
        "a whole address is not widened to prefixes or typos"
    );
    // The beginning of an address still finds both, and a name still widens.
    assert_eq!(found(&app, "alpha", "h.durand").await.len(), 2);
    assert_eq!(found(&app, "alpha", "durand").await.len(), 2);
    // Words of an address typed after an "@" match whole words of addresses.
    assert_eq!(ids(&app, "@mairie-nantes.fr").await.len(), 2);
}

#[tokio::test]
async fn the_api_ranks_marks_and_says_when_there_is_more() {
    let app = TestApp::new().await;
    let exact = person(&app, "alpha", "Léa", "Martin").await;
    let prefix = person(&app, "alpha", "Léo", "Martinez").await;
    with_email(&app, prefix, "leo.m@example.fr").await;
    let org = organisation(&app, "alpha", "Martin <Frères>").await;
    let mut a = api(&app, "alpha", "agent").await;
    let r = a.get("/api/v1/search?q=martin").await;
    r.assert_status(StatusCode::OK);
    let body = r.json();
    let items = body["items"].as_array().unwrap();
    let order: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["type"].as_str().unwrap(), i["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        order,
        [
            // Both exact in the name: by name, "Martin Frères" before "Martin Léa".
            ("organisation", org.to_string().as_str()),
            ("person", exact.to_string().as_str()),
            ("person", prefix.to_string().as_str()),
        ]
    );
    assert_eq!(items[1]["title"], "Léa Martin");
    assert_eq!(items[1]["title_html"], "Léa <mark>Martin</mark>");
    assert_eq!(items[1]["match_kind"], "exact");
    assert_eq!(items[1]["match_field"], "name");
    assert_eq!(items[0]["title_html"], "<mark>Martin</mark> &lt;Frères&gt;");
    assert_eq!(items[2]["match_kind"], "prefix");
    assert_eq!(items[2]["title_html"], "Léo <mark>Martin</mark>ez");
    assert_eq!(body["truncated"], false);

    let r = a.get("/api/v1/search?q=leo.m%40&type=person").await;
    let body = r.json();
    assert_eq!(body["items"][0]["id"], prefix.to_string());
    assert_eq!(
        body["items"][0]["matches"],
        serde_json::json!([{"field": "email", "value": "leo.m@example.fr",
                            "html": "<mark>leo.m@</mark>example.fr"}])
    );

    let body: Value = a.get("/api/v1/search?q=martin&limit=2").await.json();
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    assert_eq!(body["truncated"], true);
    let body: Value = a
        .get("/api/v1/search?q=martin&type=organisation")
        .await
        .json();
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    // The persons-only search keeps its shape and takes the same ranking.
    let body: Value = a.get("/api/v1/persons/search?q=martin").await.json();
    let persons: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(persons, [exact.to_string(), prefix.to_string()]);
}

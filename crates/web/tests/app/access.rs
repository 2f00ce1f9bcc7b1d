//! Permissions by service (issue 6, item 9): an agent or a viewer reaches only the cases of
//! the services routed to one of their teams, and of the services without a routing rule.
//! A case out of reach answers 404 on every page, action and API call (as if it did not
//! exist), is missing from every list, count, person timeline and notification list, and
//! every attempt on it changes nothing. The agent of the service's team still can;
//! supervisors and administrators reach every case; viewers of the team read, never write.

use crate::backoffice::{VOIRIE, attach, case_now, events, file_case, post, seen, staff};
use crate::common::{TestApp, TestClient, api_token};
use axum::http::{Method, StatusCode};
use relais_domain::{AccountKind, Role, routing::Strategy, service::sla::Priority};
use relais_store::{Actor, cases::Case, routing, teams};
use serde_json::json;
use uuid::Uuid;

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R',
];

/// A report of the Voirie service, whose routing rule names the team "Voirie" (the agent
/// `insider` and the viewer are in it); `agent@alpha.test` is in another team only.
struct Setup {
    app: TestApp,
    service: relais_store::services::Service,
    case: Case,
    person: Uuid,
    document: Uuid,
    insider: Uuid,
    team: Uuid,
}

async fn setup() -> Setup {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let actor = Actor::system(alpha, "test");
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let insider = app
        .create_account(
            &actor,
            AccountKind::Staff,
            "insider@alpha.test",
            Some(Role::Agent),
        )
        .await
        .id;
    let viewer = app.account("alpha", "viewer@alpha.test").await.id;
    let agent = app.account("alpha", "agent@alpha.test").await.id;
    let team = teams::create(&app.db, &actor, "Voirie").await.unwrap().id;
    teams::set_members(&app.db, &actor, team, &[insider, viewer])
        .await
        .unwrap();
    let other = teams::create(&app.db, &actor, "État civil")
        .await
        .unwrap()
        .id;
    teams::set_members(&app.db, &actor, other, &[agent])
        .await
        .unwrap();
    routing::save_rule(&app.db, &actor, service.id, team, Strategy::TeamOnly, None)
        .await
        .unwrap();
    let person = crate::people::person(&app, "alpha", "Lucie", "Riverain").await;
    let case = file_case(
        &app,
        "alpha",
        &service,
        Some(person),
        "portal",
        Priority::Normal,
    )
    .await;
    let document = attach(&app, &actor, case.id, person, PNG, "image/png", "trou.png").await;
    let case = case_now(&app, "alpha", case.id).await;
    Setup {
        app,
        service,
        case,
        person,
        document,
        insider,
        team,
    }
}

/// What a user would notice of a case: its version, its timeline, its labels, its followers.
async fn snapshot(app: &TestApp, id: Uuid) -> (i64, usize, Vec<String>, i64, i64) {
    let case = case_now(app, "alpha", id).await;
    let labels = relais_store::case_labels::of_case(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap();
    (
        case.row_version,
        events(app, "alpha", id).await.len(),
        labels,
        app.count("case_followers").await,
        app.count("case_links").await,
    )
}

/// Every page and form of the case, as the case page posts them.
fn case_posts(s: &Setup, other: &Case) -> Vec<(String, Vec<(&'static str, String)>)> {
    let c = format!("/backoffice/cases/{}", s.case.id);
    let one = |k: &'static str, v: &str| vec![(k, v.to_owned())];
    vec![
        (format!("{c}/reply"), one("body", "Réponse indiscrète")),
        (format!("{c}/notes"), one("note", "Note indiscrète")),
        (format!("{c}/transition"), one("transition", "take_charge")),
        (format!("{c}/assign"), one("team", "")),
        (format!("{c}/priority"), one("priority", "urgent")),
        (format!("{c}/labels"), one("labels", "indiscret")),
        (
            format!("{c}/links"),
            vec![
                ("link_reference", other.reference.clone()),
                ("link_kind", "related".into()),
            ],
        ),
        (format!("{c}/links/{}/delete", other.id), vec![]),
        (
            format!("{c}/merge"),
            one("merge_reference", &other.reference),
        ),
        (format!("{c}/follow"), one("follow", "yes")),
        (
            format!("{c}/documents/{}/check", s.document),
            vec![
                ("verdict", "rejected".into()),
                ("reason", "Illisible".into()),
            ],
        ),
    ]
}

fn pages(s: &Setup) -> Vec<String> {
    let c = format!("/backoffice/cases/{}", s.case.id);
    vec![
        c.clone(),
        format!("{c}/print"),
        format!("{c}/documents/{}", s.document),
    ]
}

async fn form_of(c: &mut TestClient, id: Uuid) -> Vec<(&'static str, String)> {
    let page = c.get(&format!("/backoffice/cases/{id}")).await;
    page.assert_status(StatusCode::OK);
    seen(&page.body)
}

#[tokio::test]
async fn an_agent_of_another_team_finds_no_page_nor_action_on_the_case_and_changes_nothing() {
    let s = setup().await;
    let app = &s.app;
    // A case the outsider may reach (a service without a rule would do; here the same
    // service is not needed: any case works as the other end of a link or merge).
    let other = file_case(app, "alpha", &s.service, None, "phone", Priority::Low).await;
    let mut insider = staff(app, "insider@alpha.test").await;
    let form = form_of(&mut insider, s.case.id).await;
    let mut outsider = staff(app, "agent@alpha.test").await;
    let before = snapshot(app, s.case.id).await;
    let audit_before = app.count("audit_log").await;

    for path in pages(&s) {
        let r = outsider.get(&path).await;
        r.assert_status(StatusCode::NOT_FOUND);
        assert!(!r.body.contains(&s.case.reference), "{path} shows the case");
    }
    for (path, extra) in case_posts(&s, &other) {
        let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&mut outsider, &path, &form, &extra)
            .await
            .assert_status(StatusCode::NOT_FOUND);
    }
    // Nothing changed, nothing was read (no `case.view` or `document.view` row either).
    assert_eq!(snapshot(app, s.case.id).await, before);
    assert_eq!(app.count("audit_log").await, audit_before);
    assert_eq!(app.count("case_merges").await, 0);
    let doc = relais_store::documents::get(&app.db, app.tenant("alpha"), s.document)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.status, "pending");

    // The agent of the service's team reaches all of it.
    for path in pages(&s) {
        insider.get(&path).await.assert_status(StatusCode::OK);
    }
    post(
        &mut insider,
        &format!("/backoffice/cases/{}/labels", s.case.id),
        &form,
        &[("labels", "voirie")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        relais_store::case_labels::of_case(&app.db, app.tenant("alpha"), s.case.id)
            .await
            .unwrap(),
        vec!["voirie".to_owned()]
    );
    // So do supervisors and administrators, who are in no team.
    for who in ["supervisor@alpha.test", "admin@alpha.test"] {
        let mut c = staff(app, who).await;
        for path in pages(&s) {
            c.get(&path).await.assert_status(StatusCode::OK);
        }
    }

    // Once the outsider joins the team (or the service loses its rule), they reach it.
    let actor = Actor::system(app.tenant("alpha"), "test");
    routing::delete_rule(&app.db, &actor, s.service.id)
        .await
        .unwrap();
    outsider
        .get(&format!("/backoffice/cases/{}", s.case.id))
        .await
        .assert_status(StatusCode::OK);
}

#[tokio::test]
async fn lists_counts_bulk_actions_timelines_and_notifications_leave_out_the_cases_out_of_reach() {
    let s = setup().await;
    let app = &s.app;
    let mut outsider = staff(app, "agent@alpha.test").await;
    let mut insider = staff(app, "insider@alpha.test").await;

    // The list and its counts: one open case for the team, none for the outsider.
    let list = outsider.get("/backoffice/cases?view=all").await;
    list.assert_status(StatusCode::OK);
    assert!(!list.body.contains(&s.case.reference));
    list.assert_contains("Tous les dossiers ouverts <span class=\"count\">(0");
    // The service is not even offered as a filter: asking for it is an unknown service.
    assert!(!list.body.contains(&s.service.id.to_string()));
    let r = outsider
        .get(&format!(
            "/backoffice/cases?view=all&service={}",
            s.service.id
        ))
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.body.contains(&s.case.reference));
    let list = insider.get("/backoffice/cases?view=all").await;
    list.assert_contains(&s.case.reference)
        .assert_contains("Tous les dossiers ouverts <span class=\"count\">(1");
    let search = outsider
        .get(&format!(
            "/backoffice/cases?view=all&q={}",
            s.case.reference
        ))
        .await;
    // (The reference typed is in the search box, but no row links to the case.)
    assert!(
        !search
            .body
            .contains(&format!("/backoffice/cases/{}", s.case.id))
    );

    // A bulk action with the case forged into the selection: "not found", nothing changed.
    let before = snapshot(app, s.case.id).await;
    let picked = format!("{}.{}", s.case.id, s.case.row_version);
    let r = outsider
        .post_form(
            "/backoffice/cases/bulk",
            &[
                ("case", picked.as_str()),
                ("action", "label"),
                ("labels", "indiscret"),
            ],
        )
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Ce dossier n&#39;existe pas dans cette organisation.");
    assert!(!r.body.contains(&s.case.reference));
    assert_eq!(snapshot(app, s.case.id).await, before);
    let r = insider
        .post_form(
            "/backoffice/cases/bulk",
            &[
                ("case", picked.as_str()),
                ("action", "label"),
                ("labels", "voirie"),
            ],
        )
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("un dossier traité, aucun refusé");

    // The requester's 360° timeline: the case and its messages are left out for the
    // outsider, shown with their link to the team.
    let supervisor_reply = {
        let mut sup = staff(app, "supervisor@alpha.test").await;
        let form = form_of(&mut sup, s.case.id).await;
        post(
            &mut sup,
            &format!("/backoffice/cases/{}/reply", s.case.id),
            &form,
            &[("body", "Message confidentiel au riverain")],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
        "Message confidentiel au riverain"
    };
    let person_page = format!("/backoffice/people/{}", s.person);
    let page = outsider.get(&person_page).await;
    page.assert_status(StatusCode::OK);
    assert!(!page.body.contains(&s.case.reference));
    assert!(!page.body.contains(supervisor_reply));
    insider
        .get(&person_page)
        .await
        .assert_contains(&s.case.reference)
        .assert_contains(supervisor_reply);

    // A notification of a case the reader no longer reaches is not listed.
    let actor = Actor::system(app.tenant("alpha"), "test");
    let agent = app.account("alpha", "agent@alpha.test").await.id;
    teams::set_members(&app.db, &actor, s.team, &[s.insider, agent])
        .await
        .unwrap();
    let mut sup = staff(app, "supervisor@alpha.test").await;
    let form = form_of(&mut sup, s.case.id).await;
    post(
        &mut sup,
        &format!("/backoffice/cases/{}/notes", s.case.id),
        &form,
        &[("note", "@agent regarde ce trou")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    outsider
        .get("/backoffice/notifications")
        .await
        .assert_contains(&s.case.reference);
    teams::set_members(&app.db, &actor, s.team, &[s.insider])
        .await
        .unwrap();
    let r = outsider.get("/backoffice/notifications").await;
    r.assert_status(StatusCode::OK);
    assert!(!r.body.contains(&s.case.reference));
}

/// The unread badge of the menu, as a staff member sees it on any page.
fn badge(body: &str) -> Option<String> {
    let start = body.find("<span class=\"badge\">")? + "<span class=\"badge\">".len();
    let len = body[start..].find('<')?;
    Some(body[start..start + len].to_owned())
}

#[tokio::test]
async fn a_follower_who_lost_access_to_the_service_is_not_notified_nor_counted() {
    let s = setup().await;
    let app = &s.app;
    let actor = Actor::system(app.tenant("alpha"), "test");
    let agent = app.account("alpha", "agent@alpha.test").await.id;
    let viewer = app.account("alpha", "viewer@alpha.test").await.id;
    // The agent is in the service's team for a while and follows the case, as does the
    // insider, who stays.
    teams::set_members(&app.db, &actor, s.team, &[s.insider, viewer, agent])
        .await
        .unwrap();
    let mut leaver = staff(app, "agent@alpha.test").await;
    let mut insider = staff(app, "insider@alpha.test").await;
    let follow = format!("/backoffice/cases/{}/follow", s.case.id);
    for c in [&mut leaver, &mut insider] {
        c.post_form(&follow, &[("follow", "yes")])
            .await
            .assert_status(StatusCode::SEE_OTHER);
    }
    let mut sup = staff(app, "supervisor@alpha.test").await;
    let reply = |body: &'static str| (format!("/backoffice/cases/{}/reply", s.case.id), body);
    let (path, body) = reply("Nous passons lundi.");
    let form = form_of(&mut sup, s.case.id).await;
    post(&mut sup, &path, &form, &[("body", body)])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = leaver.get("/backoffice/notifications").await;
    page.assert_contains("Une notification non lue.")
        .assert_contains("Nous passons lundi.");
    assert_eq!(badge(&page.body).as_deref(), Some("1"));

    // The agent leaves the team: the news already received is neither listed nor counted.
    teams::set_members(&app.db, &actor, s.team, &[s.insider, viewer])
        .await
        .unwrap();
    let page = leaver.get("/backoffice/cases?view=all").await;
    page.assert_status(StatusCode::OK);
    assert_eq!(badge(&page.body), None, "badge of a case out of reach");
    let page = leaver.get("/backoffice/notifications").await;
    page.assert_contains("Aucune notification non lue.");
    assert!(!page.body.contains(&s.case.reference));

    // New news goes to the follower who still reaches the case, not to the one who left.
    let (path, body) = reply("Intervention reportée à mardi.");
    let form = form_of(&mut sup, s.case.id).await;
    post(&mut sup, &path, &form, &[("body", body)])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = insider.get("/backoffice/notifications").await;
    page.assert_contains("2 notifications non lues.")
        .assert_contains("Intervention reportée à mardi.");
    assert_eq!(badge(&page.body).as_deref(), Some("2"));
    let page = leaver.get("/backoffice/cases?view=all").await;
    assert_eq!(badge(&page.body), None);
    // Back in the team, the agent finds the news of the time they could reach the case, and
    // nothing of the time they could not: it was never written for them.
    teams::set_members(&app.db, &actor, s.team, &[s.insider, viewer, agent])
        .await
        .unwrap();
    let page = leaver.get("/backoffice/notifications").await;
    page.assert_contains("Une notification non lue.")
        .assert_contains("Nous passons lundi.");
    assert!(!page.body.contains("Intervention reportée à mardi."));
    assert_eq!(badge(&page.body).as_deref(), Some("1"));
    let stored = relais_store::staff_notifications::list(&app.db, app.tenant("alpha"), agent, 100)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
}

#[tokio::test]
async fn the_api_answers_not_found_for_a_case_out_of_reach_and_lists_without_it() {
    let s = setup().await;
    let app = &s.app;
    let outsider_token = api_token(app, "alpha", "agent@alpha.test").await;
    let insider_token = api_token(app, "alpha", "insider@alpha.test").await;
    let other = file_case(app, "alpha", &s.service, None, "phone", Priority::Low).await;
    let id = s.case.id;
    let before = snapshot(app, id).await;
    let mut out = app.client("alpha.test").with_bearer(&outsider_token);

    let r = out.get(&format!("/api/v1/cases/{id}")).await;
    r.assert_status(StatusCode::NOT_FOUND);
    assert!(!r.body.contains(&s.case.reference));
    out.get(&format!("/api/v1/cases/{id}/links"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let writes: Vec<(Method, String, serde_json::Value)> = vec![
        (
            Method::POST,
            format!("/api/v1/cases/{id}/transitions"),
            json!({"transition": "take_charge", "row_version": s.case.row_version}),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/notes"),
            json!({"body": "Note indiscrète", "row_version": s.case.row_version}),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/links"),
            json!({"reference": other.reference, "side": "related"}),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{id}/merge"),
            json!({"into": other.reference, "row_version": s.case.row_version}),
        ),
        (
            Method::PUT,
            format!("/api/v1/cases/{id}/following"),
            json!({"follow": true}),
        ),
    ];
    for (method, path, body) in &writes {
        out.send_json(method.clone(), path, body)
            .await
            .assert_status(StatusCode::NOT_FOUND);
    }
    out.request(
        Method::DELETE,
        &format!("/api/v1/cases/{id}/links/{}", other.id),
        None,
        vec![],
        &[],
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    // The list and a search by reference do not know it; a bulk action finds nothing.
    let list = out.get("/api/v1/cases?view=all").await;
    list.assert_status(StatusCode::OK);
    let refs: Vec<String> = list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reference"].as_str().unwrap().to_owned())
        .collect();
    assert!(refs.is_empty(), "{refs:?}");
    let found = out
        .get(&format!("/api/v1/cases?view=all&q={}", s.case.reference))
        .await;
    assert_eq!(found.json()["items"], json!([]));
    let bulk = out
        .send_json(
            Method::POST,
            "/api/v1/cases/bulk",
            &json!({"cases": [{"id": id, "row_version": s.case.row_version}],
                    "action": "label", "labels": "indiscret"}),
        )
        .await;
    bulk.assert_status(StatusCode::OK);
    assert_eq!(bulk.json()["done"], json!(0));
    assert_eq!(snapshot(app, id).await, before);

    // The team's agent reads and changes it.
    let mut ins = app.client("alpha.test").with_bearer(&insider_token);
    ins.get(&format!("/api/v1/cases/{id}"))
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(&s.case.reference);
    let list = ins.get("/api/v1/cases?view=all").await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 2);
    ins.send_json(
        Method::POST,
        &format!("/api/v1/cases/{id}/transitions"),
        &json!({"transition": "take_charge", "row_version": s.case.row_version}),
    )
    .await
    .assert_status(StatusCode::OK);
    assert_ne!(case_now(app, "alpha", id).await.status, s.case.status);
}

#[tokio::test]
async fn a_viewer_of_the_team_reads_the_case_and_changes_nothing() {
    let s = setup().await;
    let app = &s.app;
    let other = file_case(app, "alpha", &s.service, None, "phone", Priority::Low).await;
    let mut viewer = staff(app, "viewer@alpha.test").await;
    for path in pages(&s) {
        viewer.get(&path).await.assert_status(StatusCode::OK);
    }
    // The viewer's page has no forms: post the ones an agent of the team sees.
    let form = form_of(&mut staff(app, "insider@alpha.test").await, s.case.id).await;
    let before = snapshot(app, s.case.id).await;
    for (path, extra) in case_posts(&s, &other) {
        if path.ends_with("/follow") {
            continue; // following changes nothing on the case; viewers may.
        }
        let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&mut viewer, &path, &form, &extra)
            .await
            .assert_status(StatusCode::FORBIDDEN);
    }
    let token = api_token(app, "alpha", "viewer@alpha.test").await;
    let mut api = app.client("alpha.test").with_bearer(&token);
    api.send_json(
        Method::POST,
        &format!("/api/v1/cases/{}/transitions", s.case.id),
        &json!({"transition": "take_charge", "row_version": s.case.row_version}),
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(snapshot(app, s.case.id).await, before);

    // A viewer outside the team does not even read it.
    let actor = Actor::system(app.tenant("alpha"), "test");
    teams::set_members(&app.db, &actor, s.team, &[s.insider])
        .await
        .unwrap();
    for path in pages(&s) {
        viewer.get(&path).await.assert_status(StatusCode::NOT_FOUND);
    }
    api.get(&format!("/api/v1/cases/{}", s.case.id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_link_to_a_case_out_of_reach_is_not_shown_on_a_case_within_reach() {
    let s = setup().await;
    let app = &s.app;
    // A service without a routing rule: its cases are within everyone's reach.
    app.publish_demo_service("alpha", crate::portal::PARKING)
        .await;
    let mut citizen = crate::portal::citizen(app, "alpha.test", "citizen@alpha.test").await;
    let open_id = crate::portal::file_parking(app, &mut citizen).await;
    let open = case_now(app, "alpha", open_id).await;
    relais_store::case_links::add(
        &app.db,
        &Actor::system(app.tenant("alpha"), "test"),
        open.id,
        s.case.id,
        relais_domain::collaboration::LinkSide::Related,
    )
    .await
    .unwrap();

    let mut outsider = staff(app, "agent@alpha.test").await;
    let page = outsider
        .get(&format!("/backoffice/cases/{}", open.id))
        .await;
    page.assert_status(StatusCode::OK);
    assert!(page.body.contains(&open.reference));
    // The timeline keeps the case's own history ("linked to …"); the links section, which
    // leads to the other case with its status, leaves it out.
    let links = links_section(&page.body);
    assert!(
        !links.contains(&s.case.reference),
        "the linked case out of reach is listed: {links}"
    );
    assert!(
        !page
            .body
            .contains(&format!("/backoffice/cases/{}\"", s.case.id))
    );
    let token = api_token(app, "alpha", "agent@alpha.test").await;
    let mut api = app.client("alpha.test").with_bearer(&token);
    let r = api.get(&format!("/api/v1/cases/{}/links", open.id)).await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["links"], json!([]));

    // The service's own agent sees the link from both cases.
    let mut insider = staff(app, "insider@alpha.test").await;
    let page = insider.get(&format!("/backoffice/cases/{}", open.id)).await;
    assert!(links_section(&page.body).contains(&s.case.reference));
    let token = api_token(app, "alpha", "insider@alpha.test").await;
    let mut api = app.client("alpha.test").with_bearer(&token);
    let r = api.get(&format!("/api/v1/cases/{}/links", open.id)).await;
    assert_eq!(r.json()["links"][0]["reference"], s.case.reference);
}

/// The "Links" section of a case page.
fn links_section(body: &str) -> &str {
    let start = body.find("id=\"links-title\"").expect("links section");
    let end = body[start..]
        .find("</section>")
        .map_or(body.len(), |e| start + e);
    &body[start..end]
}

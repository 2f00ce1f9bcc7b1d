//! Operations of the back office: bulk actions from the case list (each case checked on its
//! own, every refusal named), routing of new cases (team, round-robin, least loaded, skills,
//! availability and capacity), access of agents to services, the admin pages of routing
//! rules, the supervisor board and the automation rules.

use crate::backoffice::{VOIRIE, case_now, events, file_case, hidden, post, seen, staff};
use crate::common::{TestApp, TestClient};
use axum::http::StatusCode;
use relais_domain::{routing::Strategy, service::sla::Priority};
use relais_store::{Actor, cases::Case, routing, teams};
use uuid::Uuid;

/// The value of a case's checkbox in the list (`<id>.<row_version>`), read from the page.
fn tick(list: &str, case: &Case) -> String {
    let marker = format!("name=\"case\" value=\"{}.", case.id);
    let start = list
        .find(&marker)
        .unwrap_or_else(|| panic!("no checkbox for {} in the list", case.reference))
        + marker.len()
        - 1;
    let end = list[start..].find('"').unwrap() + start;
    format!("{}{}", case.id, &list[start..end])
}

async fn bulk(c: &mut TestClient, fields: &[(&str, &str)]) -> crate::common::TestResponse {
    c.post_form("/backoffice/cases/bulk", fields).await
}

async fn canned(app: &TestApp, slug: &str, title: &str, body: &str) -> Uuid {
    relais_store::canned::create(
        &app.db,
        &Actor::system(app.tenant(slug), "test"),
        title,
        body,
    )
    .await
    .unwrap()
}

async fn team_with(app: &TestApp, slug: &str, name: &str, members: &[Uuid]) -> Uuid {
    let actor = Actor::system(app.tenant(slug), "test");
    let team = teams::create(&app.db, &actor, name).await.unwrap();
    teams::set_members(&app.db, &actor, team.id, members)
        .await
        .unwrap();
    team.id
}

// ---------------------------------------------------------------------------------------
// Bulk actions

#[tokio::test]
async fn a_bulk_reply_is_sent_where_it_can_be_and_refused_elsewhere_with_the_reason() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let open = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let to_close = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let to_change = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let template = canned(
        &app,
        "alpha",
        "Accusé",
        "Bonjour, votre dossier {reference} est bien reçu.",
    )
    .await;
    let mut agent = staff(&app, "agent@alpha.test").await;
    let list = agent.get("/backoffice/cases").await;
    list.assert_status(StatusCode::OK)
        .assert_contains("Action sur les dossiers cochés")
        .assert_contains(&format!("Sélectionner {}", open.reference));
    let ticks = [
        tick(&list.body, &open),
        tick(&list.body, &to_close),
        tick(&list.body, &to_change),
    ];

    // Meanwhile a supervisor closes one case and raises the priority of another.
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let page = sup.get(&format!("/backoffice/cases/{}", to_close.id)).await;
    post(
        &mut sup,
        &format!("/backoffice/cases/{}/transition", to_close.id),
        &seen(&page.body),
        &[("transition", "reject"), ("comment", "Voie privée.")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    // Closed, with a fresh version: the agent ticks it again in a reloaded list.
    let list = agent.get("/backoffice/cases?view=all").await;
    let closed_now = case_now(&app, "alpha", to_close.id).await;
    let closed_tick = tick(&list.body, &closed_now);
    let page = sup
        .get(&format!("/backoffice/cases/{}", to_change.id))
        .await;
    post(
        &mut sup,
        &format!("/backoffice/cases/{}/priority", to_change.id),
        &seen(&page.body),
        &[("priority", "urgent")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let closed_events = events(&app, "alpha", to_close.id).await.len();
    let changed_before = case_now(&app, "alpha", to_change.id).await;
    let changed_events = events(&app, "alpha", to_change.id).await.len();
    let mails = app.mails().await.len();

    let template = template.to_string();
    let r = bulk(
        &mut agent,
        &[
            ("case", &ticks[0]),
            ("case", &closed_tick),
            ("case", &ticks[2]),
            ("action", "reply"),
            ("canned", &template),
            ("back", "view=open&priority=normal"),
        ],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("un dossier traité, 2 refusés")
        .assert_contains("Réponse envoyée.")
        .assert_contains("Le dossier est clos : aucune réponse ne peut être envoyée.")
        .assert_contains("Quelqu&#39;un a modifié ce dossier après le chargement de la liste")
        .assert_contains("href=\"/backoffice/cases?view=open&#38;priority=normal\"");
    // The open case got the reply, with its own reference filled in, and one mail.
    let last = events(&app, "alpha", open.id).await.pop().unwrap();
    assert_eq!(last.kind, "message_to_requester");
    assert_eq!(
        last.body.as_deref(),
        Some(format!("Bonjour, votre dossier {} est bien reçu.", open.reference).as_str())
    );
    assert_eq!(app.mails().await.len(), mails + 1);
    // The refused cases did not change at all.
    assert_eq!(
        events(&app, "alpha", to_close.id).await.len(),
        closed_events
    );
    assert_eq!(
        events(&app, "alpha", to_change.id).await.len(),
        changed_events
    );
    assert_eq!(
        case_now(&app, "alpha", to_change.id).await.row_version,
        changed_before.row_version
    );
    // One audit row sums the bulk action up.
    let audit = relais_store::audit::list(
        &app.db,
        app.tenant("alpha"),
        &relais_store::audit::Filter {
            action: Some("case.bulk".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);

    // In English too.
    let list = agent.get("/backoffice/cases?lang=en").await;
    let open_now = case_now(&app, "alpha", open.id).await;
    let r = bulk(
        &mut agent,
        &[
            ("case", &tick(&list.body, &open_now)),
            (
                "case",
                &format!("{}.{}", to_change.id, to_change.row_version),
            ),
            ("action", "label"),
            ("labels", "rappel, voirie"),
        ],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("one case done, one refused")
        .assert_contains("Labels added.")
        .assert_contains("Someone changed this case after the list was loaded");
    assert_eq!(
        relais_store::case_labels::of_case(&app.db, app.tenant("alpha"), open.id)
            .await
            .unwrap(),
        vec!["rappel".to_owned(), "voirie".to_owned()]
    );
}

#[tokio::test]
async fn bulk_transitions_and_assignments_are_checked_case_by_case() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let a = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let b = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let beta_agent = app.account("beta", "agent@beta.test").await;
    let mut agent = staff(&app, "agent@alpha.test").await;
    let list = agent.get("/backoffice/cases").await;
    list.assert_contains("value=\"take_charge\"");
    let (ta, tb) = (tick(&list.body, &a), tick(&list.body, &b));

    // "reject" is for supervisors: refused on each case, nothing changed.
    let r = bulk(
        &mut agent,
        &[
            ("case", &ta),
            ("case", &tb),
            ("action", "transition"),
            ("transition", "reject"),
        ],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("2 refusés")
        .assert_contains("Votre rôle ne permet pas cette transition.");
    assert_eq!(
        case_now(&app, "alpha", a.id).await.row_version,
        a.row_version
    );

    // An agent of another tenant, or nobody readable: refused, nothing changed.
    let r = bulk(
        &mut agent,
        &[
            ("case", &ta),
            ("action", "assign"),
            ("assignee", &beta_agent.id.to_string()),
        ],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Choisissez un agent actif de cette organisation.");
    bulk(
        &mut agent,
        &[("case", &ta), ("action", "assign"), ("assignee", "")],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Choisissez l&#39;agent à qui attribuer les dossiers.");
    // Nothing ticked, no action, a forged selection.
    bulk(&mut agent, &[("action", "label"), ("labels", "x")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Cochez au moins un dossier dans la liste.");
    bulk(&mut agent, &[("case", &ta)])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Choisissez l&#39;action à appliquer.");
    bulk(
        &mut agent,
        &[("case", "not-a-case"), ("action", "label"), ("labels", "x")],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("La sélection est illisible");
    assert_eq!(
        case_now(&app, "alpha", a.id).await.row_version,
        a.row_version
    );

    // An agent without access to the service (it belongs to a team they are not in, which
    // the acting agent is in).
    let supervisor = app.account("alpha", "supervisor@alpha.test").await;
    let me = app.account("alpha", "agent@alpha.test").await;
    let actor = Actor::system(app.tenant("alpha"), "test");
    let outsider = app
        .create_account(
            &actor,
            relais_domain::AccountKind::Staff,
            "outsider@alpha.test",
            Some(relais_domain::Role::Agent),
        )
        .await;
    let voirie = team_with(&app, "alpha", "Voirie", &[supervisor.id, me.id]).await;
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        voirie,
        Strategy::TeamOnly,
        None,
    )
    .await
    .unwrap();
    let r = bulk(
        &mut agent,
        &[
            ("case", &ta),
            ("action", "assign"),
            ("assignee", &outsider.id.to_string()),
        ],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Cet agent n&#39;a pas accès à ce service");
    assert_eq!(case_now(&app, "alpha", a.id).await.assignee_id, None);
    // The supervisor is in the team: both cases assigned to them.
    let r = bulk(
        &mut agent,
        &[
            ("case", &ta),
            ("case", &tb),
            ("action", "assign"),
            ("assignee", &supervisor.id.to_string()),
        ],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("2 dossiers traités, aucun refusé");
    assert_eq!(
        case_now(&app, "alpha", b.id).await.assignee_id,
        Some(supervisor.id)
    );

    // Then the allowed transition, on the versions of a reloaded list.
    let list = agent.get("/backoffice/cases").await;
    let (a2, b2) = (
        case_now(&app, "alpha", a.id).await,
        case_now(&app, "alpha", b.id).await,
    );
    let r = bulk(
        &mut agent,
        &[
            ("case", &tick(&list.body, &a2)),
            ("case", &tick(&list.body, &b2)),
            ("action", "transition"),
            ("transition", "take_charge"),
        ],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("2 dossiers traités");
    assert_eq!(case_now(&app, "alpha", a.id).await.status, "processing");
}

#[tokio::test]
async fn bulk_actions_stay_in_their_tenant_and_need_write() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let beta_service = app.publish_demo_service("beta", VOIRIE).await;
    let mine = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let theirs = file_case(
        &app,
        "beta",
        &beta_service,
        None,
        "portal",
        Priority::Normal,
    )
    .await;
    let mut agent = staff(&app, "agent@alpha.test").await;
    let r = bulk(
        &mut agent,
        &[
            ("case", &format!("{}.{}", theirs.id, theirs.row_version)),
            ("action", "label"),
            ("labels", "détourné"),
        ],
    )
    .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Ce dossier n&#39;existe pas dans cette organisation.");
    assert!(!r.body.contains(&theirs.reference));
    assert_eq!(
        case_now(&app, "beta", theirs.id).await.row_version,
        theirs.row_version
    );
    // A viewer reads the list without the bulk form, and cannot post it.
    let mut viewer = staff(&app, "viewer@alpha.test").await;
    let list = viewer.get("/backoffice/cases").await;
    assert!(!list.body.contains("name=\"case\""));
    viewer
        .post_form(
            "/backoffice/cases/bulk",
            &[
                ("case", &format!("{}.{}", mine.id, mine.row_version)),
                ("action", "label"),
                ("labels", "x"),
            ],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    assert_eq!(
        case_now(&app, "alpha", mine.id).await.row_version,
        mine.row_version
    );
    let _ = hidden;
}

// ---------------------------------------------------------------------------------------
// Routing

#[tokio::test]
async fn new_cases_are_routed_round_robin_skipping_away_and_full_agents() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let actor = Actor::system(alpha, "test");
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let supervisor = app.account("alpha", "supervisor@alpha.test").await;
    let viewer = app.account("alpha", "viewer@alpha.test").await;
    let team = team_with(
        &app,
        "alpha",
        "Voirie",
        &[agent.id, supervisor.id, viewer.id],
    )
    .await;
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        team,
        Strategy::RoundRobin,
        None,
    )
    .await
    .unwrap();
    let mut got = Vec::new();
    for _ in 0..4 {
        let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
        assert_eq!(case.team_id, Some(team));
        got.push(case.assignee_id.expect("routed to someone"));
    }
    // Two members who may act, in turn; never the viewer.
    assert_ne!(got[0], got[1]);
    assert_eq!(got[0], got[2]);
    assert_eq!(got[1], got[3]);
    assert!(!got.contains(&viewer.id));
    // The timeline says so.
    let last = events(&app, "alpha", {
        let c = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
        c.id
    })
    .await;
    assert!(
        last.iter()
            .any(|e| e.kind == "assigned" && e.actor_label == "routing")
    );

    // The agent goes away: everything goes to the supervisor.
    routing::set_available(&app.db, &actor, agent.id, false)
        .await
        .unwrap();
    for _ in 0..2 {
        let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
        assert_eq!(case.assignee_id, Some(supervisor.id));
    }
    // The supervisor is full (capacity reached): the case stays with the team.
    let open = routing::workload(&app.db, alpha)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.id == supervisor.id)
        .unwrap()
        .open_cases;
    routing::set_availability(&app.db, &actor, supervisor.id, true, Some(open), &[])
        .await
        .unwrap();
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    assert_eq!((case.team_id, case.assignee_id), (Some(team), None));
    let e = events(&app, "alpha", case.id).await;
    assert!(e.iter().any(|e| e.data.contains("nobody-available")));
}

#[tokio::test]
async fn least_loaded_and_skills_pick_the_right_agent() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let actor = Actor::system(alpha, "test");
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let supervisor = app.account("alpha", "supervisor@alpha.test").await;
    let team = team_with(&app, "alpha", "Voirie", &[agent.id, supervisor.id]).await;
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        team,
        Strategy::LeastLoaded,
        None,
    )
    .await
    .unwrap();
    // Give the agent three cases by hand: the next ones go to the supervisor until even.
    routing::save_rule(&app.db, &actor, service.id, team, Strategy::TeamOnly, None)
        .await
        .unwrap();
    let tenant = app.tenant_row("alpha").await;
    for _ in 0..3 {
        let c = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
        relais_web::cases::handling::assign(
            &app.state,
            &tenant,
            &actor,
            c.id,
            c.row_version,
            c.team_id,
            Some(agent.id),
        )
        .await
        .unwrap();
    }
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        team,
        Strategy::LeastLoaded,
        None,
    )
    .await
    .unwrap();
    for _ in 0..3 {
        let c = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
        assert_eq!(c.assignee_id, Some(supervisor.id));
    }
    // Skills: only the agent speaks English.
    routing::set_availability(
        &app.db,
        &actor,
        agent.id,
        true,
        None,
        &["Anglais".to_owned()],
    )
    .await
    .unwrap();
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        team,
        Strategy::Skills,
        Some("anglais"),
    )
    .await
    .unwrap();
    let c = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    assert_eq!(c.assignee_id, Some(agent.id));
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        team,
        Strategy::Skills,
        Some("LSF"),
    )
    .await
    .unwrap();
    let c = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    assert_eq!((c.team_id, c.assignee_id), (Some(team), None));
}

// ---------------------------------------------------------------------------------------
// Routing administration and availability

#[tokio::test]
async fn admins_set_routing_rules_and_bad_input_changes_nothing() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let team = team_with(&app, "alpha", "Voirie", &[agent.id]).await;
    let beta_team = team_with(&app, "beta", "Beta", &[]).await;
    let path = format!("/admin/routing/{}", service.id);

    // Supervisors and agents do not see the rules.
    for who in ["supervisor@alpha.test", "agent@alpha.test"] {
        let mut c = staff(&app, who).await;
        c.get("/admin/routing")
            .await
            .assert_status(StatusCode::FORBIDDEN);
        c.post_form(
            &path,
            &[("team", &team.to_string()), ("strategy", "round_robin")],
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    }
    let mut admin = staff(&app, "admin@alpha.test").await;
    admin
        .get("/admin/routing")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Routage des nouveaux dossiers")
        .assert_contains("Pas de règle : file des non attribués");
    admin
        .get(&path)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Chacun son tour");
    let audit_before = app.count("audit_log").await;
    for (fields, message) in [
        (
            vec![
                ("team", beta_team.to_string()),
                ("strategy", "round_robin".into()),
            ],
            "Choisissez une équipe de cette organisation.",
        ),
        (
            vec![("team", team.to_string()), ("strategy", "random".into())],
            "Choisissez comment l&#39;agent est choisi.",
        ),
        (
            vec![
                ("team", team.to_string()),
                ("strategy", "skills".into()),
                ("skill", "".into()),
            ],
            "Saisissez la compétence que les agents doivent avoir.",
        ),
        (
            vec![
                ("team", team.to_string()),
                ("strategy", "skills".into()),
                ("skill", "a, b".into()),
            ],
            "Saisissez une seule compétence.",
        ),
    ] {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        admin
            .post_form(&path, &pairs)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains(message);
    }
    assert!(routing::rules(&app.db, alpha).await.unwrap().is_empty());
    assert_eq!(app.count("audit_log").await, audit_before);

    let r = admin
        .post_form(
            &path,
            &[
                ("team", &team.to_string()),
                ("strategy", "skills"),
                ("skill", "Anglais"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("/admin/routing?notice=routing-saved"));
    let rule = routing::rule_for(&app.db, alpha, service.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (rule.team_id, rule.strategy(), rule.skill.as_deref()),
        (team, Strategy::Skills, Some("Anglais"))
    );
    admin
        .get("/admin/routing?lang=en")
        .await
        .assert_contains("By skill")
        .assert_contains("Anglais");
    let audit = relais_store::audit::list(
        &app.db,
        alpha,
        &relais_store::audit::Filter {
            action: Some("routing.save".into()),
            ..Default::default()
        },
        5,
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    // Another tenant's service is not found.
    let beta_service = app.publish_demo_service("beta", VOIRIE).await;
    admin
        .get(&format!("/admin/routing/{}", beta_service.id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // Removing the rule.
    admin
        .post_form(&format!("{path}/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert!(
        routing::rule_for(&app.db, alpha, service.id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn agents_switch_their_availability_and_supervisors_set_capacity_and_skills() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let agent = app.account("alpha", "agent@alpha.test").await;
    let mut c = staff(&app, "agent@alpha.test").await;
    c.get("/backoffice/cases")
        .await
        .assert_contains("Vous êtes disponible")
        .assert_contains("Passer en absent");
    let r = c
        .post_form("/backoffice/availability", &[("available", "no")])
        .await;
    assert_eq!(
        r.location(),
        Some("/backoffice/cases?notice=availability-saved")
    );
    c.get("/backoffice/cases")
        .await
        .assert_contains("Vous êtes absent")
        .assert_contains("Redevenir disponible");
    assert!(
        !routing::availability(&app.db, alpha, agent.id)
            .await
            .unwrap()
            .available
    );
    c.post_form("/backoffice/availability", &[("available", "maybe")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // Agents do not open the board nor other agents' settings.
    c.get("/backoffice/board")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let path = format!("/backoffice/board/agents/{}", agent.id);
    c.get(&path).await.assert_status(StatusCode::FORBIDDEN);

    let mut sup = staff(&app, "supervisor@alpha.test").await;
    sup.get(&path)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Aucun dossier ouvert.");
    let before = routing::availability(&app.db, alpha, agent.id)
        .await
        .unwrap();
    sup.post_form(
        &path,
        &[
            ("available", "yes"),
            ("capacity", "douze"),
            ("skills", "anglais"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Saisissez un nombre entier de 0 à 1000");
    assert_eq!(
        routing::availability(&app.db, alpha, agent.id)
            .await
            .unwrap(),
        before
    );
    let r = sup
        .post_form(
            &path,
            &[
                ("available", "yes"),
                ("capacity", "5"),
                ("skills", "anglais, LSF"),
            ],
        )
        .await;
    assert_eq!(
        r.location(),
        Some("/backoffice/board?notice=agent-availability-saved")
    );
    let now = routing::availability(&app.db, alpha, agent.id)
        .await
        .unwrap();
    assert_eq!((now.available, now.capacity), (true, Some(5)));
    assert_eq!(now.skills, vec!["LSF".to_owned(), "anglais".to_owned()]);
    // A viewer is nobody's agent; another tenant's agent is not found.
    let viewer = app.account("alpha", "viewer@alpha.test").await;
    sup.get(&format!("/backoffice/board/agents/{}", viewer.id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let beta_agent = app.account("beta", "agent@beta.test").await;
    sup.post_form(
        &format!("/backoffice/board/agents/{}", beta_agent.id),
        &[("available", "no")],
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    assert!(
        routing::availability(&app.db, app.tenant("beta"), beta_agent.id)
            .await
            .unwrap()
            .available
    );
}

// ---------------------------------------------------------------------------------------
// Supervisor board

#[tokio::test]
async fn the_board_shows_workload_backlog_and_risk_and_reassigns_by_form() {
    let app = TestApp::new().await;
    let tenant = app.tenant_row("alpha").await;
    let actor = Actor::system(tenant.id, "test");
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    let supervisor = app.account("alpha", "supervisor@alpha.test").await;
    let risky = file_case(&app, "alpha", &service, None, "portal", Priority::High).await;
    let other = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let risky = relais_web::cases::handling::assign(
        &app.state,
        &tenant,
        &actor,
        risky.id,
        risky.row_version,
        None,
        Some(agent.id),
    )
    .await
    .unwrap();
    let risky = relais_store::cases::apply(
        &app.db,
        &actor,
        risky.id,
        relais_store::cases::CaseWrite {
            expected_version: risky.row_version,
            sla_state: Some("breached".into()),
            audit: ("case.timers", serde_json::json!({})),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let r = sup.get("/backoffice/board").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Tableau de supervision")
        .assert_contains("Charge par agent")
        .assert_contains(&format!("<a href=\"/backoffice/board/agents/{}\">agent</a>", agent.id))
        .assert_contains("Stock par ancienneté")
        .assert_contains("Il y a moins d&#39;un jour</th><td data-label=\"Dossiers ouverts\">2</td><td data-label=\"Non attribués\">1</td>")
        .assert_contains(&risky.reference)
        .assert_contains(&format!("Agent pour {}", risky.reference));
    assert!(!r.body.contains(&other.reference), "not at risk");

    // A stale form (someone changed the case since) is refused and changes nothing.
    relais_store::case_labels::set(&app.db, &actor, risky.id, risky.row_version, &["x".into()])
        .await
        .unwrap();
    let changed = case_now(&app, "alpha", risky.id).await;
    let r = sup
        .post_form(
            "/backoffice/board/reassign",
            &[
                ("case", &risky.id.to_string()),
                ("row_version", &risky.row_version.to_string()),
                ("assignee", &supervisor.id.to_string()),
            ],
        )
        .await;
    r.assert_status(StatusCode::CONFLICT)
        .assert_contains("Quelqu&#39;un a modifié ce dossier")
        .assert_contains("Rien n&#39;a été modifié.");
    assert_eq!(
        case_now(&app, "alpha", risky.id).await.row_version,
        changed.row_version
    );
    // Another tenant's agent is refused.
    let beta_agent = app.account("beta", "agent@beta.test").await;
    sup.post_form(
        "/backoffice/board/reassign",
        &[
            ("case", &risky.id.to_string()),
            ("row_version", &changed.row_version.to_string()),
            ("assignee", &beta_agent.id.to_string()),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Choisissez un agent actif de cette organisation.");
    // With the current version, it goes through.
    let r = sup
        .post_form(
            "/backoffice/board/reassign",
            &[
                ("case", &risky.id.to_string()),
                ("row_version", &changed.row_version.to_string()),
                ("assignee", &supervisor.id.to_string()),
            ],
        )
        .await;
    assert_eq!(
        r.location(),
        Some("/backoffice/board?notice=board-reassigned")
    );
    assert_eq!(
        case_now(&app, "alpha", risky.id).await.assignee_id,
        Some(supervisor.id)
    );
    sup.get("/backoffice/board?notice=board-reassigned&lang=en")
        .await
        .assert_contains("The case is reassigned.");
    // Another tenant's case by id: not found.
    let beta_service = app.publish_demo_service("beta", VOIRIE).await;
    let theirs = file_case(
        &app,
        "beta",
        &beta_service,
        None,
        "portal",
        Priority::Normal,
    )
    .await;
    sup.post_form(
        "/backoffice/board/reassign",
        &[
            ("case", &theirs.id.to_string()),
            ("row_version", &theirs.row_version.to_string()),
            ("assignee", &supervisor.id.to_string()),
        ],
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    assert_eq!(case_now(&app, "beta", theirs.id).await.assignee_id, None);
}

// ---------------------------------------------------------------------------------------
// Automation

fn rule_form<'a>(pairs: &'a [(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    pairs.to_vec()
}

#[tokio::test]
async fn admins_write_automation_rules_and_bad_rules_change_nothing() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let beta_agent = app.account("beta", "agent@beta.test").await;
    let viewer = app.account("alpha", "viewer@alpha.test").await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    sup.get("/admin/automation")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    sup.post_form(
        "/admin/automation",
        &[
            ("name", "x"),
            ("trigger", "case_created"),
            ("add_label", "x"),
        ],
    )
    .await
    .assert_status(StatusCode::FORBIDDEN);
    let mut admin = staff(&app, "admin@alpha.test").await;
    admin
        .get("/admin/automation/new")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Règle d&#39;automatisation");
    let beta_id = beta_agent.id.to_string();
    let viewer_id = viewer.id.to_string();
    for (fields, message) in [
        (
            rule_form(&[("name", "Rien"), ("trigger", "case_created")]),
            "Choisissez au moins une action.",
        ),
        (
            rule_form(&[
                ("name", "Ailleurs"),
                ("trigger", "case_created"),
                ("assign", &beta_id),
            ]),
            "Choisissez un agent actif de cette organisation.",
        ),
        (
            rule_form(&[
                ("name", "Lecteur"),
                ("trigger", "case_created"),
                ("assign", &viewer_id),
            ]),
            "Choisissez un agent actif de cette organisation.",
        ),
        (
            rule_form(&[
                ("name", "Relance"),
                ("trigger", "waiting_days"),
                ("delay_days", "0"),
                ("add_label", "x"),
            ]),
            "Saisissez un nombre de jours de 1 à 365.",
        ),
        (
            rule_form(&[("name", ""), ("trigger", "never"), ("add_label", "x")]),
            "Choisissez l&#39;événement qui déclenche la règle.",
        ),
    ] {
        admin
            .post_form("/admin/automation", &fields)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains(message);
    }
    assert!(
        relais_store::automation::list(&app.db, alpha)
            .await
            .unwrap()
            .is_empty()
    );

    let r = admin
        .post_form(
            "/admin/automation",
            &[
                ("name", "Téléphone"),
                ("enabled", "yes"),
                ("trigger", "case_created"),
                ("channel", "phone"),
                ("add_label", "appel"),
            ],
        )
        .await;
    assert_eq!(
        r.location(),
        Some("/admin/automation?notice=automation-saved")
    );
    // The same name again is refused.
    admin
        .post_form(
            "/admin/automation",
            &[
                ("name", "Téléphone"),
                ("trigger", "case_created"),
                ("add_label", "x"),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Une autre règle porte déjà ce nom.");
    let rules = relais_store::automation::list(&app.db, alpha)
        .await
        .unwrap();
    assert_eq!(rules.len(), 1);
    admin
        .get("/admin/automation?lang=en")
        .await
        .assert_contains("A case is filed")
        .assert_contains("Add the label")
        .assert_contains("Enabled");
    let page = admin
        .get(&format!("/admin/automation/{}", rules[0].id))
        .await;
    page.assert_status(StatusCode::OK)
        .assert_contains("value=\"appel\"");
    // Another tenant's admin does not find it.
    let mut beta_admin = staff(&app, "admin@beta.test").await;
    beta_admin
        .get(&format!("/admin/automation/{}", rules[0].id))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    beta_admin
        .post_form(&format!("/admin/automation/{}/delete", rules[0].id), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let audit = relais_store::audit::list(
        &app.db,
        alpha,
        &relais_store::audit::Filter {
            action: Some("automation.".into()),
            ..Default::default()
        },
        5,
    )
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    admin
        .post_form(&format!("/admin/automation/{}/delete", rules[0].id), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert!(
        relais_store::automation::list(&app.db, alpha)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn event_rules_run_once_as_jobs_and_write_the_timeline() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let tenant = app.tenant_row("alpha").await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let supervisor = app.account("alpha", "supervisor@alpha.test").await;
    let mut admin = staff(&app, "admin@alpha.test").await;
    let sup_id = supervisor.id.to_string();
    for fields in [
        rule_form(&[
            ("name", "Appels"),
            ("enabled", "yes"),
            ("trigger", "case_created"),
            ("channel", "phone"),
            ("add_label", "appel"),
            ("set_priority", "high"),
        ]),
        rule_form(&[
            ("name", "Escalade"),
            ("enabled", "yes"),
            ("trigger", "status_changed"),
            ("status", "third_party"),
            ("assign", &sup_id),
        ]),
        rule_form(&[
            ("name", "Éteinte"),
            ("trigger", "case_created"),
            ("add_label", "jamais"),
        ]),
    ] {
        admin
            .post_form("/admin/automation", &fields)
            .await
            .assert_status(StatusCode::SEE_OTHER);
    }
    let by_phone = file_case(&app, "alpha", &service, None, "phone", Priority::Normal).await;
    let by_portal = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    assert!(app.run_jobs().await >= 2);
    let now = case_now(&app, "alpha", by_phone.id).await;
    assert_eq!(now.priority, "high");
    assert_eq!(
        relais_store::case_labels::of_case(&app.db, alpha, by_phone.id)
            .await
            .unwrap(),
        vec!["appel".to_owned()]
    );
    assert_eq!(
        case_now(&app, "alpha", by_portal.id).await.priority,
        "normal"
    );
    let timeline = events(&app, "alpha", by_phone.id).await;
    let run = timeline
        .iter()
        .find(|e| e.kind == "automation")
        .expect("the run is on the timeline");
    assert!(run.data.contains("Appels") && !run.public);
    // Running the jobs again does nothing more.
    app.run_jobs().await;
    assert_eq!(
        events(&app, "alpha", by_phone.id)
            .await
            .iter()
            .filter(|e| e.kind == "automation")
            .count(),
        1
    );
    // The page shows the run in words.
    let mut agent = staff(&app, "agent@alpha.test").await;
    agent
        .get(&format!("/backoffice/cases/{}", by_phone.id))
        .await
        .assert_contains("Règle « Appels »")
        .assert_contains("Ajouter l&#39;étiquette : Fait");

    // A status change to "third_party" escalates to the supervisor.
    let actor = Actor::system(alpha, "test");
    relais_web::cases::handling::transition(
        &app.state,
        &tenant,
        &actor,
        relais_domain::Role::Agent,
        by_portal.id,
        by_portal.row_version,
        "forward",
        None,
    )
    .await
    .unwrap();
    app.run_jobs().await;
    assert_eq!(
        case_now(&app, "alpha", by_portal.id).await.assignee_id,
        Some(supervisor.id)
    );
}

#[tokio::test]
async fn timed_rules_remind_then_close_once_per_stay() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let tenant = app.tenant_row("alpha").await;
    let actor = Actor::system(alpha, "test");
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let template = canned(
        &app,
        "alpha",
        "Relance",
        "Bonjour, nous attendons vos précisions sur {reference}.",
    )
    .await;
    let mut admin = staff(&app, "admin@alpha.test").await;
    let template_id = template.to_string();
    admin
        .post_form(
            "/admin/automation",
            &[
                ("name", "Relance à 7 jours"),
                ("enabled", "yes"),
                ("trigger", "waiting_days"),
                ("delay_days", "7"),
                ("send_template", &template_id),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    admin
        .post_form(
            "/admin/automation",
            &[
                ("name", "Clôture à 30 jours"),
                ("enabled", "yes"),
                ("trigger", "waiting_days"),
                ("delay_days", "30"),
                ("transition", "lapse"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let case = relais_web::cases::handling::transition(
        &app.state,
        &tenant,
        &actor,
        relais_domain::Role::Agent,
        case.id,
        case.row_version,
        "ask_details",
        Some("Merci de préciser l'adresse."),
    )
    .await
    .unwrap();
    assert_eq!(case.status, "incomplete");
    // Not due yet.
    relais_web::automation::schedule(&app.state).await.unwrap();
    app.run_jobs().await;
    assert!(
        events(&app, "alpha", case.id)
            .await
            .iter()
            .all(|e| e.kind != "automation")
    );

    // Eight days later: the reminder, once.
    crate::cases::travel_back(&app.db, alpha, case.id, chrono::Duration::days(8)).await;
    let mails = app.mails().await.len();
    for _ in 0..2 {
        relais_web::automation::schedule(&app.state).await.unwrap();
        app.run_jobs().await;
    }
    let timeline = events(&app, "alpha", case.id).await;
    let reminders: Vec<_> = timeline
        .iter()
        .filter(|e| e.kind == "message_to_requester")
        .collect();
    assert_eq!(reminders.len(), 1, "one reminder");
    assert!(
        reminders[0]
            .body
            .as_deref()
            .unwrap()
            .contains(&case.reference)
    );
    assert_eq!(app.mails().await.len(), mails + 1);
    assert_eq!(case_now(&app, "alpha", case.id).await.status, "incomplete");

    // Thirty-one days: closed by the rule (the workflow's "lapse").
    crate::cases::travel_back(&app.db, alpha, case.id, chrono::Duration::days(23)).await;
    relais_web::automation::schedule(&app.state).await.unwrap();
    app.run_jobs().await;
    let now = case_now(&app, "alpha", case.id).await;
    assert_eq!(
        (now.status.as_str(), now.status_kind.as_str()),
        ("refused", "closed_refused")
    );
    let runs = events(&app, "alpha", case.id).await;
    assert_eq!(runs.iter().filter(|e| e.kind == "automation").count(), 2);
    assert_eq!(
        runs.iter()
            .filter(|e| e.kind == "message_to_requester")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_rule_whose_action_is_refused_says_why_on_the_timeline() {
    let app = TestApp::new().await;
    let alpha = app.tenant("alpha");
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let mut admin = staff(&app, "admin@alpha.test").await;
    // "fixed" does not start from "received": the workflow refuses it.
    admin
        .post_form(
            "/admin/automation",
            &[
                ("name", "Trop tôt"),
                ("enabled", "yes"),
                ("trigger", "case_created"),
                ("transition", "fixed"),
                ("add_label", "vu"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    app.run_jobs().await;
    let now = case_now(&app, "alpha", case.id).await;
    assert_eq!(now.status, "received");
    assert_eq!(
        relais_store::case_labels::of_case(&app.db, alpha, case.id)
            .await
            .unwrap(),
        vec!["vu".to_owned()]
    );
    let mut agent = staff(&app, "agent@alpha.test").await;
    agent
        .get(&format!("/backoffice/cases/{}", case.id))
        .await
        .assert_contains("Cette transition ne part pas du statut du dossier.");
}

// ---------------------------------------------------------------------------------------
// Keyboard shortcuts

#[tokio::test]
async fn shortcuts_are_documented_on_the_pages_and_their_script_is_served() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut agent = staff(&app, "agent@alpha.test").await;
    let page = agent.get(&format!("/backoffice/cases/{}", case.id)).await;
    page.assert_contains("<script src=\"/static/backoffice.js\" defer></script>")
        .assert_contains("Raccourcis clavier")
        .assert_contains("<kbd>r</kbd>")
        .assert_contains("data-key=\"r\" aria-keyshortcuts=\"r\"")
        .assert_contains("id=\"shortcuts-switch\" hidden");
    agent
        .get("/backoffice/cases?lang=en")
        .await
        .assert_contains("Keyboard shortcuts")
        .assert_contains("Next / previous case in the list")
        .assert_contains("<tr data-case-row>");
    let js = agent.get("/static/backoffice.js").await;
    js.assert_status(StatusCode::OK)
        .assert_contains("relais-shortcuts");
    // Viewers act on nothing: no shortcuts to actions on the case page.
    let mut viewer = staff(&app, "viewer@alpha.test").await;
    let page = viewer.get(&format!("/backoffice/cases/{}", case.id)).await;
    assert!(!page.body.contains("data-key=\"r\""));
}

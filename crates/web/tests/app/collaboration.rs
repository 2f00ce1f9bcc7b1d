//! Agents working together on a case: @mentions in notes that notify (in the back office and
//! by mail), links between cases read both ways, the merge of a duplicate, following a case,
//! the printable page — and every refusal: an unknown or out-of-reach mention, a link or
//! merge across tenants, a merge without access, a viewer acting.

use crate::backoffice::{VOIRIE, case_now, events, file_case, post, seen, staff};
use crate::common::TestApp;
use axum::http::StatusCode;
use chrono::Duration;
use relais_domain::collaboration::{LOOK_KEPT_HOURS, OPEN_FOR_MINUTES};
use relais_domain::{routing::Strategy, service::sla::Priority};
use relais_store::{Actor, case_presence, routing, teams};

async fn notes(app: &TestApp, slug: &str, id: uuid::Uuid) -> usize {
    events(app, slug, id)
        .await
        .iter()
        .filter(|e| e.kind == "note")
        .count()
}

#[tokio::test]
async fn a_mention_notifies_the_agent_in_the_back_office_and_by_mail() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let page = sup.get(&format!("/backoffice/cases/{}", case.id)).await;
    // The note's hint lists who may be mentioned.
    page.assert_contains("mentionnez-le : @admin, @agent");
    let s = seen(&page.body);
    let r = post(
        &mut sup,
        &format!("/backoffice/cases/{}/notes", case.id),
        &s,
        &[("note", "@agent peux-tu rappeler le riverain ? Merci.")],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let page = sup.get(&format!("/backoffice/cases/{}", case.id)).await;
    page.assert_contains("mentionne agent");

    let mut agent = staff(&app, "agent@alpha.test").await;
    let home = agent.get("/backoffice/notifications").await;
    home.assert_status(StatusCode::OK)
        .assert_contains("supervisor@alpha.test vous a mentionné·e")
        .assert_contains(&case.reference)
        .assert_contains("peux-tu rappeler le riverain")
        .assert_contains("Une notification non lue.")
        .assert_contains("<span class=\"badge\">1<");
    let mail = app
        .mails()
        .await
        .into_iter()
        .find(|m| m.contains("To: agent@alpha.test"))
        .expect("a mail to the mentioned agent")
        .replace("=\r\n", "")
        .replace("=\n", "");
    assert!(mail.contains(&case.reference), "{mail}");
    assert!(
        mail.contains(&format!("/backoffice/cases/{}", case.id)),
        "{mail}"
    );
    // Opening the case reads its notifications.
    agent.get(&format!("/backoffice/cases/{}", case.id)).await;
    agent
        .get("/backoffice/notifications?lang=en")
        .await
        .assert_contains("No unread notifications.");
    // Nobody of the other tenant heard of it, though beta has an "agent" too.
    let beta_agent = app.account("beta", "agent@beta.test").await;
    assert!(
        relais_store::staff_notifications::list(&app.db, app.tenant("beta"), beta_agent.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_unknown_mention_or_one_without_access_is_named_and_the_note_not_saved() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let page = sup.get(&format!("/backoffice/cases/{}", case.id)).await;
    let s = seen(&page.body);
    let r = post(
        &mut sup,
        &format!("/backoffice/cases/{}/notes", case.id),
        &s,
        &[("note", "Voir avec @nobody et @agent")],
    )
    .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Personne ne peut être mentionné ici sous @nobody")
        .assert_contains("La note n&#39;a pas été enregistrée.")
        // The text typed is still there.
        .assert_contains("Voir avec @nobody et @agent</textarea>")
        .assert_contains("aria-describedby=\"note-hint note-error\"");
    assert_eq!(notes(&app, "alpha", case.id).await, 0);

    // The service goes to a team the agent is not in: the agent cannot see it, so cannot be
    // mentioned on it.
    let actor = Actor::system(app.tenant("alpha"), "test");
    let team = teams::create(&app.db, &actor, "Voirie").await.unwrap();
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        team.id,
        Strategy::TeamOnly,
        None,
    )
    .await
    .unwrap();
    let r = post(
        &mut sup,
        &format!("/backoffice/cases/{}/notes", case.id),
        &s,
        &[("note", "@agent ?")],
    )
    .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("sous @agent");
    assert_eq!(notes(&app, "alpha", case.id).await, 0);
    assert_eq!(app.count("staff_notifications").await, 0);
    // An e-mail address in a note is no mention.
    let r = post(
        &mut sup,
        &format!("/backoffice/cases/{}/notes", case.id),
        &s,
        &[("note", "Écrire à riverain@example.org")],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(notes(&app, "alpha", case.id).await, 1);
}

#[tokio::test]
async fn links_read_both_ways_and_never_reach_another_tenant() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let a = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let b = file_case(&app, "alpha", &service, None, "phone", Priority::Normal).await;
    let beta_service = app.publish_demo_service("beta", VOIRIE).await;
    let beta_case = file_case(
        &app,
        "beta",
        &beta_service,
        None,
        "portal",
        Priority::Normal,
    )
    .await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let page = sup.get(&format!("/backoffice/cases/{}", a.id)).await;
    page.assert_contains("Aucun dossier lié.");
    let s = seen(&page.body);
    let link = format!("/backoffice/cases/{}/links", a.id);

    let r = post(
        &mut sup,
        &link,
        &s,
        &[
            ("link_kind", "child_of"),
            ("link_reference", &b.reference.to_lowercase()),
        ],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    sup.get(&format!("/backoffice/cases/{}", a.id))
        .await
        .assert_contains(&format!(
            "Enfant de <a href=\"/backoffice/cases/{}\">{}</a>",
            b.id, b.reference
        ));
    sup.get(&format!("/backoffice/cases/{}?lang=en", b.id))
        .await
        .assert_contains(&format!(
            "Parent of <a href=\"/backoffice/cases/{}\">{}</a>",
            a.id, a.reference
        ));

    sup.get("/backoffice/cases?lang=fr").await;
    // The same pair again, the case itself, another tenant's reference, a made-up kind.
    for (kind, reference, message) in [
        (
            "related",
            b.reference.as_str(),
            "Ces deux dossiers sont déjà liés",
        ),
        (
            "related",
            a.reference.as_str(),
            "Un dossier ne peut pas être lié à lui-même.",
        ),
        (
            "related",
            beta_case.reference.as_str(),
            "Aucun dossier de cette référence n&#39;est accessible ici.",
        ),
        (
            "sibling",
            b.reference.as_str(),
            "Choisissez un type de lien dans la liste.",
        ),
    ] {
        let r = post(
            &mut sup,
            &link,
            &s,
            &[("link_kind", kind), ("link_reference", reference)],
        )
        .await;
        r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains(message);
    }
    assert_eq!(app.count("case_links").await, 1);
    // A viewer reads but does not link.
    let mut viewer = staff(&app, "viewer@alpha.test").await;
    let r = post(
        &mut viewer,
        &link,
        &s,
        &[("link_kind", "related"), ("link_reference", &b.reference)],
    )
    .await;
    r.assert_status(StatusCode::FORBIDDEN);

    // Removed from one side, gone from both.
    let r = post(
        &mut sup,
        &format!("/backoffice/cases/{}/links/{}/delete", b.id, a.id),
        &s,
        &[],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("case_links").await, 0);
    sup.get(&format!("/backoffice/cases/{}", a.id))
        .await
        .assert_contains("Aucun dossier lié.")
        .assert_contains("Lien retiré");
}

#[tokio::test]
async fn a_merged_duplicate_is_closed_and_its_history_reachable_from_the_main_case() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let dup = file_case(&app, "alpha", &service, None, "phone", Priority::Normal).await;
    let main = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let beta_service = app.publish_demo_service("beta", VOIRIE).await;
    let beta_case = file_case(
        &app,
        "beta",
        &beta_service,
        None,
        "portal",
        Priority::Normal,
    )
    .await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let page = sup.get(&format!("/backoffice/cases/{}", dup.id)).await;
    let s = seen(&page.body);
    post(
        &mut sup,
        &format!("/backoffice/cases/{}/notes", dup.id),
        &s,
        &[("note", "Appel du riverain, même trou que l'autre dossier.")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let merge = format!("/backoffice/cases/{}/merge", dup.id);

    // Another tenant's reference is unknown here; a stale form is refused; nothing changes.
    let page = sup.get(&format!("/backoffice/cases/{}", dup.id)).await;
    let s = seen(&page.body);
    let r = post(
        &mut sup,
        &merge,
        &s,
        &[("merge_reference", &beta_case.reference)],
    )
    .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Aucun dossier de cette référence n&#39;est accessible ici.");
    let stale: Vec<(&'static str, String)> = s
        .iter()
        .map(|(k, v)| {
            (
                *k,
                if *k == "row_version" {
                    "1".to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect();
    post(
        &mut sup,
        &merge,
        &stale,
        &[("merge_reference", &main.reference)],
    )
    .await
    .assert_status(StatusCode::CONFLICT);
    assert_eq!(app.count("case_merges").await, 0);

    // An agent who cannot see these cases (their service goes to a team without them).
    let actor = Actor::system(app.tenant("alpha"), "test");
    let team = teams::create(&app.db, &actor, "Voirie").await.unwrap();
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        team.id,
        Strategy::TeamOnly,
        None,
    )
    .await
    .unwrap();
    let mut agent = staff(&app, "agent@alpha.test").await;
    // For them the case does not exist (as on every page of a case out of reach).
    post(
        &mut agent,
        &merge,
        &s,
        &[("merge_reference", &main.reference)],
    )
    .await
    .assert_status(StatusCode::NOT_FOUND);
    assert_eq!(app.count("case_merges").await, 0);

    let r = post(
        &mut sup,
        &merge,
        &s,
        &[("merge_reference", &main.reference)],
    )
    .await;
    r.assert_status(StatusCode::SEE_OTHER);
    let closed = case_now(&app, "alpha", dup.id).await;
    assert_eq!(closed.status_kind, "closed_withdrawn");
    assert!(closed.closed_at.is_some());
    sup.get(&format!("/backoffice/cases/{}", dup.id))
        .await
        .assert_contains("Ce dossier a été fusionné dans le dossier")
        .assert_contains(&format!(
            "Doublon de <a href=\"/backoffice/cases/{}\">",
            main.id
        ));
    sup.get(&format!("/backoffice/cases/{}", main.id))
        .await
        .assert_contains("Doublons fusionnés dans ce dossier")
        .assert_contains(&format!("<span class=\"tag\">{}</span>", dup.reference))
        .assert_contains("même trou que l&#39;autre dossier")
        .assert_contains(&format!("{} fusionné dans ce dossier", dup.reference));
    let merges = relais_store::audit::list(
        &app.db,
        app.tenant("alpha"),
        &relais_store::audit::Filter {
            action: Some("case.merge".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(merges.len(), 2, "one audit row on each case");

    // Once only; and the main case cannot go into its own duplicate.
    let page = sup.get(&format!("/backoffice/cases/{}", dup.id)).await;
    let s = seen(&page.body);
    post(
        &mut sup,
        &merge,
        &s,
        &[("merge_reference", &main.reference)],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Ce dossier a déjà été fusionné.");
    let page = sup.get(&format!("/backoffice/cases/{}", main.id)).await;
    let s = seen(&page.body);
    post(
        &mut sup,
        &format!("/backoffice/cases/{}/merge", main.id),
        &s,
        &[("merge_reference", &dup.reference)],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Le dossier principal a lui-même été fusionné");
}

#[tokio::test]
async fn followers_hear_of_messages_and_status_changes_until_they_stop() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut agent = staff(&app, "agent@alpha.test").await;
    let follow = format!("/backoffice/cases/{}/follow", case.id);
    agent
        .post_form(&follow, &[("follow", "yes")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    agent
        .get(&format!("/backoffice/cases/{}", case.id))
        .await
        .assert_contains("Ne plus suivre ce dossier")
        .assert_contains("<dd>agent</dd>");

    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let page = sup.get(&format!("/backoffice/cases/{}", case.id)).await;
    let s = seen(&page.body);
    post(
        &mut sup,
        &format!("/backoffice/cases/{}/transition", case.id),
        &s,
        &[("transition", "take_charge")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let page = sup.get(&format!("/backoffice/cases/{}", case.id)).await;
    let s = seen(&page.body);
    post(
        &mut sup,
        &format!("/backoffice/cases/{}/reply", case.id),
        &s,
        &[("body", "Nous intervenons demain.")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    let list = agent.get("/backoffice/notifications").await;
    list.assert_contains("Changement de statut d&#39;un dossier suivi (supervisor@alpha.test)")
        .assert_contains("Nouveau message sur un dossier suivi")
        .assert_contains("Nous intervenons demain.")
        .assert_contains("2 notifications non lues.");

    agent
        .post_form(&follow, &[("follow", "no")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    agent.post_form("/backoffice/notifications/read", &[]).await;
    let page = sup.get(&format!("/backoffice/cases/{}", case.id)).await;
    let s = seen(&page.body);
    post(
        &mut sup,
        &format!("/backoffice/cases/{}/reply", case.id),
        &s,
        &[("body", "Encore un mot.")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    agent
        .get("/backoffice/notifications")
        .await
        .assert_contains("Aucune notification non lue.");
    // Following changes nothing on the case: a viewer may follow too.
    let mut viewer = staff(&app, "viewer@alpha.test").await;
    viewer
        .post_form(&follow, &[("follow", "yes")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_print_view_has_the_case_and_no_forms() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let mut viewer = staff(&app, "viewer@alpha.test").await;
    let r = viewer
        .get(&format!("/backoffice/cases/{}/print?lang=en", case.id))
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains(&case.reference)
        .assert_contains("Printed on")
        .assert_contains("Nid-de-poule profond")
        .assert_contains("riverain@example.org")
        .assert_contains("No document.");
    assert!(
        !r.body
            .contains(&format!("/backoffice/cases/{}/reply", case.id))
    );
    let printed = relais_store::audit::list(
        &app.db,
        app.tenant("alpha"),
        &relais_store::audit::Filter {
            action: Some("case.view".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert!(
        printed
            .iter()
            .any(|e| e.summary.0.to_string().contains("print"))
    );
}

#[tokio::test]
async fn the_api_mentions_links_merges_and_follows_with_the_same_checks() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let a = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let b = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let beta_service = app.publish_demo_service("beta", VOIRIE).await;
    let beta_case = file_case(
        &app,
        "beta",
        &beta_service,
        None,
        "portal",
        Priority::Normal,
    )
    .await;
    let token = crate::common::api_token(&app, "alpha", "supervisor@alpha.test").await;
    let mut sup = app.client("alpha.test").with_bearer(&token);
    let post = |path: String, body: serde_json::Value| (path, body);

    let (path, body) = post(
        format!("/api/v1/cases/{}/notes", a.id),
        serde_json::json!({"body": "@nobody et @agent", "row_version": a.row_version}),
    );
    let r = sup.send_json(axum::http::Method::POST, &path, &body).await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "body", "{}", r.body);
    let message = r.json()["message"].as_str().unwrap_or("").to_owned();
    assert!(
        message.contains("A mention names no agent who can see this case"),
        "{message}"
    );
    assert!(message.ends_with("@nobody"), "{message}");
    assert_eq!(notes(&app, "alpha", a.id).await, 0);
    let body = serde_json::json!({"body": "@agent à rappeler", "row_version": a.row_version});
    sup.send_json(axum::http::Method::POST, &path, &body)
        .await
        .assert_status(StatusCode::OK);
    let agent_token = crate::common::api_token(&app, "alpha", "agent@alpha.test").await;
    let mut agent = app.client("alpha.test").with_bearer(&agent_token);
    let list = agent.get("/api/v1/notifications").await.json();
    assert_eq!(list[0]["kind"], "mention", "{list}");
    assert_eq!(list[0]["reference"], a.reference.as_str());

    // Links and merges stay in the tenant.
    let links = format!("/api/v1/cases/{}/links", a.id);
    let r = sup
        .send_json(
            axum::http::Method::POST,
            &links,
            &serde_json::json!({"reference": beta_case.reference, "side": "related"}),
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["field"], "link_reference", "{}", r.body);
    let r = sup
        .send_json(
            axum::http::Method::POST,
            &links,
            &serde_json::json!({"reference": b.reference, "side": "parent_of"}),
        )
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["links"][0]["side"], "parent_of", "{}", r.body);
    let other = sup
        .get(&format!("/api/v1/cases/{}/links", b.id))
        .await
        .json();
    assert_eq!(other["links"][0]["side"], "child_of", "{other}");

    // Removed over the API, another tenant's token finds nothing to remove.
    let beta_token = crate::common::api_token(&app, "beta", "admin@beta.test").await;
    let unlink = format!("/api/v1/cases/{}/links/{}", b.id, a.id);
    app.client("beta.test")
        .with_bearer(&beta_token)
        .request(axum::http::Method::DELETE, &unlink, None, Vec::new(), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    sup.request(axum::http::Method::DELETE, &unlink, None, Vec::new(), &[])
        .await
        .assert_status(StatusCode::NO_CONTENT);
    assert_eq!(app.count("case_links").await, 0);

    let merge = format!("/api/v1/cases/{}/merge", b.id);
    let b_now = case_now(&app, "alpha", b.id).await;
    sup.send_json(
        axum::http::Method::POST,
        &merge,
        &serde_json::json!({"into": beta_case.reference, "row_version": b_now.row_version}),
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let r = sup
        .send_json(
            axum::http::Method::POST,
            &merge,
            &serde_json::json!({"into": a.reference, "row_version": b_now.row_version}),
        )
        .await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.json()["status_kind"], "closed_withdrawn", "{}", r.body);
    let main = sup.get(&links).await.json();
    assert_eq!(
        main["merged_from"][0]["reference"],
        b.reference.as_str(),
        "{main}"
    );

    // A viewer follows but does not write notes.
    let viewer_token = crate::common::api_token(&app, "alpha", "viewer@alpha.test").await;
    let mut viewer = app.client("alpha.test").with_bearer(&viewer_token);
    viewer
        .send_json(
            axum::http::Method::PUT,
            &format!("/api/v1/cases/{}/following", a.id),
            &serde_json::json!({"follow": true}),
        )
        .await
        .assert_status(StatusCode::NO_CONTENT);
    viewer
        .send_json(
            axum::http::Method::POST,
            &path,
            &serde_json::json!({"body": "x", "row_version": 1}),
        )
        .await
        .assert_status(StatusCode::FORBIDDEN);
    // Another tenant's case is not found.
    app.client("beta.test")
        .with_bearer(&beta_token)
        .get(&links)
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

/// The names in the "also open by" notice of a case page (empty when there is none).
fn present_on(body: &str) -> Vec<String> {
    let Some(start) = body.find("id=\"presence\"") else {
        return Vec::new();
    };
    let end = body[start..]
        .find("</div>")
        .map_or(body.len(), |e| start + e);
    body[start..end]
        .split("<li>")
        .skip(1)
        .filter_map(|li| li.split(" — ").next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn agents_see_who_else_has_the_case_open() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let case = file_case(&app, "alpha", &service, None, "portal", Priority::Normal).await;
    let path = format!("/backoffice/cases/{}", case.id);
    let mut agent = staff(&app, "agent@alpha.test").await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;

    // Alone on the case: no notice.
    let r = agent.get(&path).await;
    r.assert_status(StatusCode::OK);
    assert!(present_on(&r.body).is_empty());
    // The supervisor opens it: the agent is named, in their language.
    let r = sup.get(&path).await;
    r.assert_contains("Également ouvert par ces collègues dans les 10 dernières minutes");
    assert_eq!(present_on(&r.body), vec!["agent".to_owned()]);
    // The agent comes back to it: the supervisor is named, never the reader.
    let r = agent.get(&format!("{path}?lang=en")).await;
    r.assert_contains("Also open by these colleagues in the last 10 minutes");
    assert_eq!(present_on(&r.body), vec!["supervisor".to_owned()]);

    // A look older than the window no longer counts: the admin looked 11 minutes ago.
    let alpha = app.tenant("alpha");
    let admin = app.account("alpha", "admin@alpha.test").await;
    let now = chrono::Utc::now();
    case_presence::touch(
        &app.db,
        alpha,
        case.id,
        admin.id,
        now - Duration::minutes(11),
    )
    .await
    .expect("touch");
    let r = agent.get(&path).await;
    assert_eq!(present_on(&r.body), vec!["supervisor".to_owned()]);
    let window = now - Duration::minutes(OPEN_FOR_MINUTES);
    let seen_lately = case_presence::others(&app.db, alpha, case.id, admin.id, window)
        .await
        .expect("others");
    assert_eq!(seen_lately.len(), 2, "the agent and the supervisor");

    // The housekeeping forgets looks older than it keeps, and only those.
    case_presence::touch(&app.db, alpha, case.id, admin.id, now - Duration::days(2))
        .await
        .expect("touch");
    let forgotten = case_presence::forget_before(&app.db, now - Duration::hours(LOOK_KEPT_HOURS))
        .await
        .expect("forget");
    assert_eq!(forgotten, 1);
    let ever = case_presence::others(&app.db, alpha, case.id, admin.id, now - Duration::days(30))
        .await
        .expect("others");
    assert_eq!(ever.len(), 2, "the agent's and the supervisor's looks stay");

    // An agent whose team does not handle the service: the case does not exist for them,
    // and opening its address leaves no trace on it (their earlier look keeps its time).
    let agent_look = || async {
        case_presence::others(&app.db, alpha, case.id, admin.id, window)
            .await
            .expect("others")
            .into_iter()
            .find(|p| p.display_name == "agent")
            .map(|p| p.seen_at)
    };
    let before = agent_look().await.expect("the agent's look");
    let actor = Actor::system(alpha, "test");
    let team = teams::create(&app.db, &actor, "Voirie").await.unwrap();
    routing::save_rule(
        &app.db,
        &actor,
        service.id,
        team.id,
        Strategy::TeamOnly,
        None,
    )
    .await
    .unwrap();
    let mut outsider = staff(&app, "agent@alpha.test").await;
    outsider
        .get(&path)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert_eq!(agent_look().await, Some(before));

    // Another tenant can neither record a look on this case nor read who has it open.
    let beta = app.tenant("beta");
    let beta_agent = app.account("beta", "agent@beta.test").await;
    assert!(
        case_presence::touch(&app.db, beta, case.id, beta_agent.id, now)
            .await
            .is_err()
    );
    assert!(
        case_presence::others(&app.db, beta, case.id, beta_agent.id, window)
            .await
            .expect("others")
            .is_empty()
    );
    // Nor can one tenant's staff member be recorded on a case through another tenant's id.
    assert!(
        case_presence::touch(&app.db, alpha, case.id, beta_agent.id, now)
            .await
            .is_err()
    );
}

//! Administration pages: settings and logo, staff, teams, roles, audit log, and who may use
//! them.

use crate::auth::reset_link;
use crate::common::{PASSWORD, TestApp, TestClient, TestResponse};
use axum::http::{Method, StatusCode, header};
use relais_store::{Actor, Change, audit, tenants};

/// A real 1×1 PNG.
const PNG: [u8; 69] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0xf7, 0xeb, 0x01,
    0x00, 0x01, 0x89, 0x00, 0xfa, 0x7f, 0xd7, 0xef, 0xa8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

async fn signed_in(app: &TestApp, host: &str, email: &str) -> TestClient {
    let mut c = app.client(host);
    c.login_staff(email).await;
    c
}

/// Uploads one file as a browser would: multipart, CSRF token in the query string.
async fn upload(
    c: &mut TestClient,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
    with_token: bool,
) -> TestResponse {
    let token = c.csrf().await;
    let boundary = "----relais-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let path = if with_token {
        format!("/admin/logo?csrf_token={token}")
    } else {
        "/admin/logo".to_owned()
    };
    c.request(
        Method::POST,
        &path,
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
        &[],
    )
    .await
}

/// The `<tbody>` of the page (choice lists above it name every action too).
fn table(body: &str) -> &str {
    body.split_once("<tbody>").map_or("", |(_, rest)| {
        rest.split_once("</tbody>").map_or(rest, |(t, _)| t)
    })
}

fn rows(body: &str) -> usize {
    table(body).matches("<tr>").count()
}

#[tokio::test]
async fn settings_are_saved_and_shown() {
    let app = TestApp::new().await;
    let mut c = signed_in(&app, "alpha.test", "admin@alpha.test").await;
    let r = c.get("/admin").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("<h1>Paramètres de l&#39;organisation</h1>")
        .assert_contains(r#"<a href="/admin" aria-current="page">Paramètres</a>"#)
        .assert_contains(r#"<a href="/admin/audit">Journal d&#39;audit</a>"#)
        .assert_contains("Collectivité ou administration")
        .assert_contains("<code>alpha.test</code>");
    assert_eq!(r.body.matches("<h1").count(), 1);

    let r = c
        .post_form(
            "/admin/settings",
            &[
                ("name", "Ville d'Alpha"),
                ("default_locale", "fr"),
                ("time_zone", "Europe/Paris"),
                ("primary_colour", "#204080"),
                ("contact_email", "Contact@Alpha.test"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/admin?notice=settings-saved"));
    c.get("/admin?notice=settings-saved")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Les paramètres sont enregistrés.")
        .assert_contains(r#"value="Ville d&#39;Alpha""#)
        .assert_contains(r##"value="#204080""##)
        .assert_contains("mailto:contact@alpha.test");
    let tenant = tenants::by_id(&app.db, app.tenant("alpha"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.name, "Ville d'Alpha");
    assert_eq!(tenant.primary_colour, "#204080");
    assert_eq!(tenant.contact_email.as_deref(), Some("contact@alpha.test"));
    assert_eq!(tenant.time_zone, "Europe/Paris");
    assert!(!tenant.require_totp);
    c.get("/theme.css")
        .await
        .assert_contains("--brand: #204080");
    // The other tenant is untouched.
    let beta = tenants::by_id(&app.db, app.tenant("beta"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(beta.name, "Tenant beta");

    // English on request, with the same page.
    c.get("/admin?lang=en")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("<h1>Organisation settings</h1>");
}

#[tokio::test]
async fn an_unreadable_colour_or_bad_fields_change_nothing() {
    let app = TestApp::new().await;
    let mut c = signed_in(&app, "alpha.test", "admin@alpha.test").await;
    let before = tenants::by_id(&app.db, app.tenant("alpha"))
        .await
        .unwrap()
        .unwrap();
    let audit_rows = app.count("audit_log").await;
    let r = c
        .post_form(
            "/admin/settings",
            &[
                ("name", "Nouveau nom"),
                ("default_locale", "fr"),
                ("time_zone", "Europe/Paris"),
                ("primary_colour", "#ffff00"),
                ("require_totp", "1"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Cette couleur est trop claire")
        .assert_contains(r##"<a href="#primary_colour">"##)
        .assert_contains(
            r#"aria-invalid="true" aria-describedby="primary_colour-hint primary_colour-error""#,
        )
        // What was typed is shown again.
        .assert_contains(r#"value="Nouveau nom""#);
    let after = tenants::by_id(&app.db, app.tenant("alpha"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.name, before.name);
    assert_eq!(after.primary_colour, before.primary_colour);
    assert!(!after.require_totp);
    assert_eq!(app.count("audit_log").await, audit_rows);

    let r = c
        .post_form(
            "/admin/settings",
            &[
                ("name", "x"),
                ("default_locale", "de"),
                ("time_zone", "Paris"),
                ("primary_colour", "blue"),
                ("contact_email", "not an address"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Le formulaire contient 5 erreurs.")
        .assert_contains(r##"<a href="#name">"##)
        .assert_contains(r##"<a href="#default_locale">"##)
        .assert_contains(r##"<a href="#time_zone">"##)
        .assert_contains(r##"<a href="#contact_email">"##)
        .assert_contains("au format #rrggbb");
    assert_eq!(
        tenants::by_id(&app.db, app.tenant("alpha"))
            .await
            .unwrap()
            .unwrap()
            .name,
        before.name
    );
    assert_eq!(app.count("audit_log").await, audit_rows);
}

#[tokio::test]
async fn only_real_small_png_or_jpeg_logos_are_accepted() {
    let app = TestApp::new().await;
    let mut c = signed_in(&app, "alpha.test", "admin@alpha.test").await;
    c.get("/theme/logo")
        .await
        .assert_status(StatusCode::NOT_FOUND);

    // A text file named .png, sent as image/png: the bytes say otherwise.
    upload(
        &mut c,
        "logo.png",
        "image/png",
        b"this is not an image at all\n",
        true,
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Le logo doit être une image PNG ou JPEG")
    .assert_contains(r#"aria-describedby="logo-hint logo-error""#);
    // An SVG (scripts can hide in it) is refused as well.
    upload(
        &mut c,
        "logo.svg",
        "image/svg+xml",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        true,
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // A real PNG header on 201 KB: too big.
    let mut big = PNG.to_vec();
    big.resize(201 * 1024, 0);
    upload(&mut c, "big.png", "image/png", &big, true)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    // Without the CSRF token: refused.
    upload(&mut c, "logo.png", "image/png", &PNG, false)
        .await
        .assert_status(StatusCode::FORBIDDEN);
    c.get("/theme/logo")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert!(
        tenants::by_id(&app.db, app.tenant("alpha"))
            .await
            .unwrap()
            .unwrap()
            .logo_hash
            .is_none()
    );

    // A real PNG, with a misleading name: the content decides.
    let r = upload(&mut c, "logo.txt", "application/octet-stream", &PNG, true).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/admin?notice=logo-saved"));
    let r = c.get("/theme/logo").await;
    r.assert_status(StatusCode::OK);
    assert_eq!(r.headers.get(header::CONTENT_TYPE).unwrap(), "image/png");
    assert_eq!(r.body, String::from_utf8_lossy(&PNG));
    c.get("/admin?notice=logo-saved")
        .await
        .assert_contains("Le logo est enregistré.")
        .assert_contains(r#"src="/theme/logo""#);
    // Beta has no logo.
    app.client("beta.test")
        .get("/theme/logo")
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_new_staff_member_chooses_their_own_password() {
    let app = TestApp::new().await;
    let mut c = signed_in(&app, "alpha.test", "admin@alpha.test").await;
    let r = c.get("/admin/staff").await;
    r.assert_status(StatusCode::OK)
        .assert_contains(r#"<a href="/admin/staff" aria-current="page">Agents</a>"#)
        .assert_contains("<caption>Agents</caption>")
        .assert_contains("agent@alpha.test")
        .assert_contains(r#"<td data-label="Rôle">Superviseur</td>"#);
    assert!(!r.body.contains("beta.test"), "no staff of another tenant");

    let r = c
        .post_form(
            "/admin/staff",
            &[
                ("display_name", "Nadia Nouvelle"),
                ("email", "Nadia@Alpha.test"),
                ("role", "agent"),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/admin/staff?notice=staff-invited"));
    let account = app.account("alpha", "nadia@alpha.test").await;
    assert!(
        account.password_hash.is_none(),
        "nobody but the person knows the password"
    );
    assert_eq!(account.role.as_deref(), Some("agent"));
    c.get("/admin/staff?notice=staff-invited")
        .await
        .assert_contains("Un lien pour choisir son mot de passe a été envoyé")
        .assert_contains("Nadia Nouvelle");

    // Without a password, nobody can sign in yet.
    let mut nadia = app.client("alpha.test");
    nadia
        .post_form(
            "/backoffice/login",
            &[("email", "nadia@alpha.test"), ("password", PASSWORD)],
        )
        .await
        .assert_status(StatusCode::UNAUTHORIZED);
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: nadia@alpha.test"), "{}", mails[0]);
    let link = reset_link(&mails[0]);
    nadia.get(&link).await.assert_status(StatusCode::OK);
    nadia
        .post_form(&link, &[("password", PASSWORD), ("confirm", PASSWORD)])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    nadia.login_staff("nadia@alpha.test").await;
    nadia
        .get("/backoffice")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Nadia Nouvelle");
    nadia
        .get("/admin")
        .await
        .assert_status(StatusCode::FORBIDDEN);

    // The same address again, and bad fields: 422, nothing created, no mail.
    let accounts = app.count("accounts").await;
    c.post_form(
        "/admin/staff",
        &[
            ("display_name", "Autre"),
            ("email", "nadia@alpha.test"),
            ("role", "viewer"),
        ],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Un compte utilise déjà cette adresse e-mail.")
    .assert_contains(r#"aria-invalid="true" aria-describedby="email-error""#)
    .assert_contains(r#"value="Autre""#);
    c.post_form(
        "/admin/staff",
        &[("display_name", ""), ("email", "nope"), ("role", "emperor")],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("Le formulaire contient 3 erreurs.")
    .assert_contains(r##"<a href="#display_name">"##)
    .assert_contains(r##"<a href="#email">"##)
    .assert_contains(r##"<a href="#role">"##);
    assert_eq!(app.count("accounts").await, accounts);
    assert_eq!(app.mails().await.len(), 1);
    // The same e-mail in the other tenant is another person.
    let mut b = signed_in(&app, "beta.test", "admin@beta.test").await;
    b.post_form(
        "/admin/staff",
        &[
            ("display_name", "Nadia B"),
            ("email", "nadia@alpha.test"),
            ("role", "viewer"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn staff_records_are_edited_and_each_view_is_audited() {
    let app = TestApp::new().await;
    let mut c = signed_in(&app, "alpha.test", "admin@alpha.test").await;
    let agent = app.account("alpha", "agent@alpha.test").await;
    c.post_form("/admin/teams", &[("name", "Accueil")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let team = relais_store::teams::list(&app.db, app.tenant("alpha"))
        .await
        .unwrap()
        .remove(0);

    let r = c.get(&format!("/admin/staff/{}", agent.id)).await;
    r.assert_status(StatusCode::OK)
        .assert_contains("<h1>Compte de agent</h1>")
        .assert_contains(r#"<a href="/admin/staff" aria-current="true">Agents</a>"#)
        .assert_contains(&format!(r#"<label for="team-{}">Accueil</label>"#, team.id));
    let filter = audit::Filter {
        action: Some("account.view".into()),
        target_id: Some(agent.id.to_string()),
        ..Default::default()
    };
    let views = audit::list(&app.db, app.tenant("alpha"), &filter, 10)
        .await
        .unwrap();
    assert_eq!(views.len(), 1, "the view is in the audit log");
    assert_eq!(views[0].actor_label, "admin@alpha.test");

    let team_id = team.id.to_string();
    let r = c
        .post_form(
            &format!("/admin/staff/{}", agent.id),
            &[
                ("display_name", "Agnès Agent"),
                ("role", "viewer"),
                ("team", &team_id),
            ],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        r.location().unwrap(),
        format!("/admin/staff/{}?notice=staff-saved", agent.id)
    );
    let after = app.account("alpha", "agent@alpha.test").await;
    assert_eq!(after.display_name, "Agnès Agent");
    assert_eq!(after.role.as_deref(), Some("viewer"));
    assert_eq!(
        relais_store::teams::members(&app.db, app.tenant("alpha"), team.id)
            .await
            .unwrap(),
        vec![agent.id]
    );
    c.get("/admin/staff")
        .await
        .assert_contains("Agnès Agent")
        .assert_contains(r#"<td data-label="Équipes">Accueil</td>"#);

    // Invalid name, unknown team: 422, nothing changed.
    let r = c
        .post_form(
            &format!("/admin/staff/{}", agent.id),
            &[
                ("display_name", " "),
                ("role", "admin"),
                ("team", "00000000-0000-0000-0000-000000000000"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(r##"<a href="#display_name">"##)
        .assert_contains(r##"<a href="#teams">"##);
    assert_eq!(
        app.account("alpha", "agent@alpha.test")
            .await
            .role
            .as_deref(),
        Some("viewer")
    );

    // Disabling ends the person's sessions.
    let mut agent_client = signed_in(&app, "alpha.test", "agent@alpha.test").await;
    c.post_form(
        &format!("/admin/staff/{}", agent.id),
        &[
            ("display_name", "Agnès Agent"),
            ("role", "viewer"),
            ("disabled", "1"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    assert!(app.account("alpha", "agent@alpha.test").await.disabled);
    assert!(
        relais_store::teams::members(&app.db, app.tenant("alpha"), team.id)
            .await
            .unwrap()
            .is_empty()
    );
    agent_client
        .get("/backoffice")
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c.get("/admin/staff")
        .await
        .assert_contains(r#"<td data-label="État">désactivé</td>"#);

    // A reset link on request.
    let r = c
        .post_form(
            &format!(
                "/admin/staff/{}/reset",
                app.account("alpha", "viewer@alpha.test").await.id
            ),
            &[],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().ends_with("?notice=staff-reset-sent"));
    assert!(
        app.mails()
            .await
            .iter()
            .any(|m| m.contains("To: viewer@alpha.test"))
    );
}

#[tokio::test]
async fn the_last_admin_can_be_neither_disabled_nor_demoted() {
    let app = TestApp::new().await;
    let mut c = signed_in(&app, "alpha.test", "admin@alpha.test").await;
    let admin = app.account("alpha", "admin@alpha.test").await;
    let path = format!("/admin/staff/{}", admin.id);
    let audit_rows = app.count("audit_log").await;
    for fields in [
        vec![
            ("display_name", "admin"),
            ("role", "admin"),
            ("disabled", "1"),
        ],
        vec![("display_name", "admin"), ("role", "agent")],
        vec![("display_name", "Renamed"), ("role", "supervisor")],
    ] {
        c.post_form(&path, &fields)
            .await
            .assert_status(StatusCode::CONFLICT)
            .assert_contains("au moins un administrateur actif")
            .assert_contains(r##"<a href="#role">"##);
    }
    let after = app.account("alpha", "admin@alpha.test").await;
    assert_eq!(after.role.as_deref(), Some("admin"));
    assert!(!after.disabled);
    assert_eq!(after.display_name, "admin");
    assert_eq!(app.count("audit_log").await, audit_rows);

    // With a second admin, the first may step down.
    let supervisor = app.account("alpha", "supervisor@alpha.test").await;
    c.post_form(
        &format!("/admin/staff/{}", supervisor.id),
        &[("display_name", "supervisor"), ("role", "admin")],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    c.post_form(&path, &[("display_name", "admin"), ("role", "agent")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        app.account("alpha", "admin@alpha.test")
            .await
            .role
            .as_deref(),
        Some("agent")
    );
    c.get("/admin/staff")
        .await
        .assert_status(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn teams_are_created_renamed_staffed_and_deleted() {
    let app = TestApp::new().await;
    // Supervisors manage teams; /admin sends them there.
    let mut c = signed_in(&app, "alpha.test", "supervisor@alpha.test").await;
    let r = c.get("/admin").await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/admin/teams"));
    let r = c.get("/admin/teams").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Aucune équipe pour l&#39;instant.")
        .assert_contains(r#"aria-current="page">Équipes</a>"#);
    assert!(
        !r.body.contains(r#"href="/admin/staff""#),
        "no link to a section the supervisor cannot open"
    );

    let r = c
        .post_form("/admin/teams", &[("name", "  Accueil  ")])
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/admin/teams?notice=team-created"));
    c.post_form("/admin/teams", &[("name", "Accueil")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Une équipe porte déjà ce nom.");
    c.post_form("/admin/teams", &[("name", "")])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains(r##"<a href="#name">"##);
    c.post_form("/admin/teams", &[("name", "Courrier")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let r = c.get("/admin/teams?notice=team-created").await;
    r.assert_contains("L&#39;équipe est créée.")
        .assert_contains("<caption>Équipes</caption>")
        .assert_contains("aucun membre");
    assert_eq!(rows(&r.body), 2);

    let teams = relais_store::teams::list(&app.db, app.tenant("alpha"))
        .await
        .unwrap();
    let accueil = teams.iter().find(|t| t.name == "Accueil").unwrap();
    let agent = app.account("alpha", "agent@alpha.test").await;
    let viewer = app.account("alpha", "viewer@alpha.test").await;
    let path = format!("/admin/teams/{}", accueil.id);
    c.get(&path)
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("<h1>Équipe Accueil</h1>")
        .assert_contains(&format!(r#"id="member-{}""#, agent.id));
    let (a, v) = (agent.id.to_string(), viewer.id.to_string());
    let r = c
        .post_form(
            &path,
            &[("name", "Accueil général"), ("member", &a), ("member", &v)],
        )
        .await;
    r.assert_status(StatusCode::SEE_OTHER);
    c.get("/admin/teams")
        .await
        .assert_contains("Accueil général")
        .assert_contains("2 membres");
    let mut members = relais_store::teams::members(&app.db, app.tenant("alpha"), accueil.id)
        .await
        .unwrap();
    members.sort();
    let mut expected = vec![agent.id, viewer.id];
    expected.sort();
    assert_eq!(members, expected);

    // A duplicate name or a member from elsewhere: 422, nothing changed.
    let citizen = app
        .account("alpha", "citizen@alpha.test")
        .await
        .id
        .to_string();
    let beta_agent = app.account("beta", "agent@beta.test").await.id.to_string();
    c.post_form(&path, &[("name", "Courrier"), ("member", &a)])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Une équipe porte déjà ce nom.");
    for outsider in [&citizen, &beta_agent] {
        c.post_form(&path, &[("name", "Autre nom"), ("member", outsider)])
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("n&#39;est pas un agent de cette organisation");
    }
    let still = relais_store::teams::get(&app.db, app.tenant("alpha"), accueil.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.name, "Accueil général");
    assert_eq!(still.member_count, 2);

    let r = c.post_form(&format!("{path}/delete"), &[]).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/admin/teams?notice=team-deleted"));
    c.get(&path).await.assert_status(StatusCode::NOT_FOUND);
    assert_eq!(
        relais_store::teams::list(&app.db, app.tenant("alpha"))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn the_roles_table_shows_what_each_role_may_do() {
    let app = TestApp::new().await;
    for who in ["admin@alpha.test", "supervisor@alpha.test"] {
        let mut c = signed_in(&app, "alpha.test", who).await;
        let r = c.get("/admin/roles").await;
        r.assert_status(StatusCode::OK)
            .assert_contains("<caption>Droits de chaque rôle</caption>")
            .assert_contains(r#"<th scope="col">Lecteur</th>"#)
            .assert_contains("Consulte sans rien modifier.");
        assert_eq!(rows(&r.body), relais_domain::Permission::ALL.len());
        let write_row = table(&r.body)
            .split("<tr>")
            .find(|row| row.contains("Modifier des dossiers et des fiches"))
            .expect("write row");
        assert!(
            write_row.contains(r#"<td data-label="Lecteur">Non</td>"#),
            "{write_row}"
        );
        assert!(
            write_row.contains(r#"<td data-label="Agent">Oui</td>"#),
            "{write_row}"
        );
        assert!(
            write_row.contains(r#"<td data-label="Administrateur">Oui</td>"#),
            "{write_row}"
        );
        let tenant_row = table(&r.body)
            .split("<tr>")
            .find(|row| row.contains("Paramètres de l&#39;organisation"))
            .expect("tenant row");
        assert!(
            tenant_row.contains(r#"<td data-label="Superviseur">Non</td>"#),
            "{tenant_row}"
        );
    }
}

#[tokio::test]
async fn the_audit_log_lists_changes_filters_and_pages() {
    let app = TestApp::new().await;
    let mut c = signed_in(&app, "alpha.test", "admin@alpha.test").await;
    c.post_form("/admin/teams", &[("name", "Accueil")])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c.post_form(
        "/admin/settings",
        &[
            ("name", "Ville d'Alpha"),
            ("default_locale", "fr"),
            ("time_zone", "Europe/Paris"),
            ("primary_colour", "#1f4e8c"),
        ],
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);

    let r = c.get("/admin/audit").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("<caption>Journal d&#39;audit</caption>")
        .assert_contains(r#"<input id="from" name="from" type="date""#);
    let body = table(&r.body);
    assert!(body.contains("<code>team.create</code>"));
    assert!(body.contains("<code>tenant.update</code>"));
    assert!(
        body.contains("Ville d&#39;Alpha"),
        "the summary shows what changed"
    );
    assert!(body.contains("admin@alpha.test"));
    // Newest first.
    assert!(body.find("tenant.update").unwrap() < body.find("team.create").unwrap());
    assert!(!body.contains("beta"), "only this tenant's log");

    let r = c.get("/admin/audit?action=team.create").await;
    r.assert_status(StatusCode::OK)
        .assert_contains(r#"<option value="team.create" selected>"#);
    assert_eq!(rows(&r.body), 1);
    assert!(!table(&r.body).contains("tenant.update"));
    let admin = app.account("alpha", "admin@alpha.test").await;
    let today = chrono::Utc::now().date_naive();
    let r = c
        .get(&format!(
            "/admin/audit?actor={}&from={today}&until={today}",
            admin.id
        ))
        .await;
    r.assert_status(StatusCode::OK);
    assert!(table(&r.body).contains("team.create"));
    let r = c
        .get(&format!("/admin/audit?until={}", today.pred_opt().unwrap()))
        .await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Aucun enregistrement ne correspond.");

    // Bad filters: a clear 422, not a crash.
    for bad in [
        "/admin/audit?from=31/12/2026",
        "/admin/audit?action=drop%20table",
        "/admin/audit?actor=someone",
        "/admin/audit?before=xyz",
        "/admin/audit?from=2026-05-02&until=2026-05-01",
    ] {
        c.get(bad)
            .await
            .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_contains("notice-error");
    }
    c.get("/admin/audit?from=31/12/2026")
        .await
        .assert_contains(r##"<a href="#from">"##)
        .assert_contains(
            r#"id="from" name="from" type="date" value="31/12/2026" aria-invalid="true""#,
        );

    // Paging: 60 more rows of one action, 50 a page, the filter kept.
    let actor = Actor::system(app.tenant("alpha"), "test");
    for i in 0..60 {
        audit::append(
            &app.db,
            &actor,
            Change::new("test.event", "thing", i, serde_json::json!({"n": i})),
        )
        .await
        .unwrap();
    }
    let r = c.get("/admin/audit?action=test.event").await;
    assert_eq!(rows(&r.body), 50);
    let start = r
        .body
        .find("/admin/audit?action=test.event&#38;before=")
        .unwrap_or_else(|| {
            panic!(
                "older link keeps the filter: {}",
                &r.body[r.body.len() - 1500..]
            )
        });
    let href: String = r.body[start..]
        .chars()
        .take_while(|ch| *ch != '"')
        .collect::<String>()
        .replace("&#38;", "&");
    let r = c.get(&href).await;
    r.assert_status(StatusCode::OK)
        .assert_contains("Plus récents");
    assert_eq!(rows(&r.body), 10);
    assert!(
        !r.body.contains("rel=\"next\""),
        "no older page after the last"
    );
    assert!(table(&r.body).contains(r#"{&#34;n&#34;:0}"#));

    // The log cannot be changed through the site.
    let before = app.count("audit_log").await;
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let r = c
            .request(
                method,
                "/admin/audit",
                Some("application/x-www-form-urlencoded"),
                Vec::new(),
                &[],
            )
            .await;
        assert!(
            r.status == StatusCode::METHOD_NOT_ALLOWED || r.status == StatusCode::FORBIDDEN,
            "{}",
            r.status
        );
    }
    assert_eq!(app.count("audit_log").await, before);
}

/// Every administration route, with a method and a body that would change something.
async fn admin_routes(
    app: &TestApp,
    slug: &str,
) -> Vec<(Method, String, Vec<(&'static str, String)>)> {
    let agent = app.account(slug, &format!("agent@{slug}.test")).await.id;
    let team = relais_store::teams::create(
        &app.db,
        &Actor::system(app.tenant(slug), "test"),
        "Équipe test",
    )
    .await
    .unwrap()
    .id;
    vec![
        (Method::GET, "/admin".into(), vec![]),
        (Method::GET, "/admin/staff".into(), vec![]),
        (Method::GET, format!("/admin/staff/{agent}"), vec![]),
        (Method::GET, "/admin/teams".into(), vec![]),
        (Method::GET, format!("/admin/teams/{team}"), vec![]),
        (Method::GET, "/admin/roles".into(), vec![]),
        (Method::GET, "/admin/audit".into(), vec![]),
        (
            Method::POST,
            "/admin/settings".into(),
            vec![
                ("name", "Pirate".into()),
                ("default_locale", "fr".into()),
                ("time_zone", "UTC".into()),
                ("primary_colour", "#000000".into()),
            ],
        ),
        (
            Method::POST,
            "/admin/staff".into(),
            vec![
                ("display_name", "Pirate".into()),
                ("email", "pirate@evil.test".into()),
                ("role", "admin".into()),
            ],
        ),
        (
            Method::POST,
            format!("/admin/staff/{agent}"),
            vec![("display_name", "Pirate".into()), ("role", "admin".into())],
        ),
        (Method::POST, format!("/admin/staff/{agent}/reset"), vec![]),
        (
            Method::POST,
            "/admin/teams".into(),
            vec![("name", "Pirates".into())],
        ),
        (
            Method::POST,
            format!("/admin/teams/{team}"),
            vec![("name", "Pirates 2".into())],
        ),
        (Method::POST, format!("/admin/teams/{team}/delete"), vec![]),
        (Method::GET, "/admin/accounts".into(), vec![]),
        (
            Method::POST,
            "/admin/accounts/deletion".into(),
            vec![("rule", "keep_record".into())],
        ),
        (
            Method::POST,
            "/admin/accounts/oidc".into(),
            vec![
                ("issuer", "https://evil.example".into()),
                ("client_id", "pirate".into()),
                ("client_secret", "pirate".into()),
                ("label", "Pirate".into()),
                ("enabled", "on".into()),
            ],
        ),
    ]
}

async fn call(
    c: &mut TestClient,
    method: &Method,
    path: &str,
    fields: &[(&'static str, String)],
) -> TestResponse {
    if *method == Method::GET {
        c.get(path).await
    } else {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post_form(path, &fields).await
    }
}

#[tokio::test]
async fn agents_viewers_and_portal_users_get_403_everywhere() {
    let app = TestApp::new().await;
    let routes = admin_routes(&app, "alpha").await;
    let mut clients = vec![
        signed_in(&app, "alpha.test", "agent@alpha.test").await,
        signed_in(&app, "alpha.test", "viewer@alpha.test").await,
    ];
    let mut citizen = app.client("alpha.test");
    citizen.login_portal("citizen@alpha.test").await;
    clients.push(citizen);
    let audit_rows = app.count("audit_log").await;
    for c in &mut clients {
        for (method, path, fields) in &routes {
            let r = call(c, method, path, fields).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{method} {path}: {}",
                &r.body[..r.body.len().min(500)]
            );
        }
        upload(c, "logo.png", "image/png", &PNG, true)
            .await
            .assert_status(StatusCode::FORBIDDEN);
        // No administration link for them.
        assert!(!c.get("/account").await.body.contains(r#"href="/admin""#));
    }
    assert_eq!(
        app.count("audit_log").await,
        audit_rows,
        "nothing changed, not even a view recorded"
    );
    assert!(app.mails().await.is_empty());
    let tenant = tenants::by_id(&app.db, app.tenant("alpha"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.name, "Tenant alpha");
    assert!(tenant.logo_hash.is_none());

    // Supervisors: teams, roles and audit, but neither settings nor staff.
    let mut s = signed_in(&app, "alpha.test", "supervisor@alpha.test").await;
    for (method, path, fields) in &routes {
        let r = call(&mut s, method, path, fields).await;
        let expected = if path == "/admin" {
            StatusCode::SEE_OTHER
        } else if path.starts_with("/admin/staff")
            || path == "/admin/settings"
            || path.starts_with("/admin/accounts")
        {
            StatusCode::FORBIDDEN
        } else if *method == Method::POST {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::OK
        };
        assert_eq!(r.status, expected, "supervisor {method} {path}");
    }
    upload(&mut s, "logo.png", "image/png", &PNG, true)
        .await
        .assert_status(StatusCode::FORBIDDEN);

    // Anonymous visitors are sent to the staff sign-in.
    let mut anon = app.client("alpha.test");
    for (method, path, fields) in &routes {
        let r = call(&mut anon, method, path, fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous {method} {path}");
        assert!(
            r.location().unwrap().starts_with("/backoffice/login?next="),
            "{:?}",
            r.location()
        );
    }
}

#[tokio::test]
async fn ids_of_another_tenant_or_of_portal_accounts_are_not_found() {
    let app = TestApp::new().await;
    let beta_routes = admin_routes(&app, "beta").await;
    let mut c = signed_in(&app, "alpha.test", "admin@alpha.test").await;
    let audit_rows = app.count("audit_log").await;
    for (method, path, fields) in beta_routes
        .iter()
        // Routes naming a record by id (the tenant's own settings pages name none).
        .filter(|(_, p, _)| p.matches('/').count() >= 3 && !p.starts_with("/admin/accounts"))
    {
        let r = call(&mut c, method, path, fields).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "alpha admin {method} {path}"
        );
    }
    let citizen = app.account("alpha", "citizen@alpha.test").await.id;
    c.get(&format!("/admin/staff/{citizen}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    c.post_form(&format!("/admin/staff/{citizen}/reset"), &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    c.get("/admin/staff/not-a-uuid")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    c.get("/admin/teams/not-a-uuid")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    assert_eq!(app.count("audit_log").await, audit_rows);
    assert!(app.mails().await.is_empty());
    let beta_agent = app.account("beta", "agent@beta.test").await;
    assert_eq!(beta_agent.display_name, "agent");
    assert_eq!(
        relais_store::teams::list(&app.db, app.tenant("beta"))
            .await
            .unwrap()[0]
            .name,
        "Équipe test"
    );

    // And the other way round.
    let alpha_agent = app.account("alpha", "agent@alpha.test").await.id;
    let mut b = signed_in(&app, "beta.test", "admin@beta.test").await;
    b.get(&format!("/admin/staff/{alpha_agent}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

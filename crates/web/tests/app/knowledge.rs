//! Knowledge articles: written and published by supervisors and administrators, read on the
//! portal's information pages (public ones, in the reader's language with French as the
//! fallback), by staff (internal ones), on service pages ("Good to know") and through the
//! home page's search. Drafts, internal articles and other tenants' articles answer 404.

use crate::backoffice::staff;
use crate::common::TestApp;
use axum::http::StatusCode;
use relais_domain::knowledge::ArticleInput;
use relais_store::{Actor, knowledge};
use uuid::Uuid;

/// A stored article of `tenant`, published or not, linked to `services`.
pub async fn article(
    app: &TestApp,
    tenant: &str,
    slug: &str,
    visibility: &str,
    published: bool,
    services: &[Uuid],
) -> Uuid {
    let actor = Actor::system(app.tenant(tenant), "test");
    let checked = ArticleInput {
        slug: slug.into(),
        category: "etat-civil".into(),
        visibility: visibility.into(),
        title_fr: format!("Article {slug}"),
        title_en: String::new(),
        body_fr: format!("Texte de {slug}."),
        body_en: String::new(),
    }
    .validate()
    .unwrap();
    let id = knowledge::create(&app.db, &actor, &checked, services)
        .await
        .unwrap();
    if published {
        knowledge::set_published(&app.db, &actor, id, true)
            .await
            .unwrap();
    }
    id
}

const GOOD: &[(&str, &str)] = &[
    ("slug", "carte-identite"),
    ("category", "etat-civil"),
    ("visibility", "public"),
    ("title_fr", "Refaire sa carte d'identité"),
    (
        "body_fr",
        "Prenez rendez-vous en mairie.\n\n## Pièces à fournir\n- une photo\n- un [justificatif](https://www.service-public.fr/)\n\n<script>alert(1)</script>",
    ),
    ("title_en", ""),
    ("body_en", ""),
];

#[tokio::test]
async fn a_supervisor_writes_publishes_and_withdraws_an_article() {
    let app = TestApp::new().await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    sup.get("/admin/articles")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Aucun article pour l&#39;instant.");

    // Bad input: every wrong field named, what was typed kept, nothing stored.
    let r = sup
        .post_form(
            "/admin/articles",
            &[
                ("slug", "Carte Identité"),
                ("category", ""),
                ("visibility", "secret"),
                ("title_fr", " "),
                ("body_fr", "Un texte"),
                ("title_en", ""),
                ("body_en", "An orphan text"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Saisissez une adresse courte de 2 à 64 caractères")
        .assert_contains("Saisissez une catégorie.")
        .assert_contains("Choisissez qui peut lire l&#39;article.")
        .assert_contains("Saisissez un titre.")
        .assert_contains("Un texte anglais a besoin de son titre.")
        .assert_contains("aria-describedby=\"slug-hint slug-error\"")
        .assert_contains("An orphan text</textarea>");
    assert_eq!(app.count("knowledge_articles").await, 0);

    // Created as a draft: nobody outside sees it.
    let r = sup.post_form("/admin/articles", GOOD).await;
    r.assert_status(StatusCode::SEE_OTHER);
    let id = knowledge::list(&app.db, app.tenant("alpha")).await.unwrap()[0].id;
    assert_eq!(
        r.location(),
        Some(format!("/admin/articles/{id}?notice=article-created").as_str())
    );
    sup.get(&format!("/admin/articles/{id}?notice=article-created"))
        .await
        .assert_contains("Article créé, en brouillon.")
        .assert_contains("<h2>Pièces à fournir</h2>")
        .assert_contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    let mut visitor = app.client("alpha.test");
    visitor
        .get("/information/carte-identite")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let list = visitor.get("/information").await;
    list.assert_status(StatusCode::OK)
        .assert_contains("Aucune page d&#39;information pour l&#39;instant.");
    // The same slug twice is refused.
    sup.post_form("/admin/articles", GOOD)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Un autre article utilise déjà cette adresse courte.");

    // Published: on the information pages, the body rendered by our code, markup as text.
    sup.post_form(&format!("/admin/articles/{id}/publish"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let r = visitor.get("/information").await;
    r.assert_contains("<h2 id=\"info-cat-1\">État civil</h2>")
        .assert_contains(
            "<a href=\"/information/carte-identite\">Refaire sa carte d&#39;identité</a>",
        );
    let page = visitor.get("/information/carte-identite").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("<h1>Refaire sa carte d&#39;identité</h1>")
        .assert_contains("<p>Prenez rendez-vous en mairie.</p>")
        .assert_contains("<li>un <a href=\"https://www.service-public.fr/\" rel=\"noopener\">justificatif</a></li>")
        .assert_contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!page.body.contains("<script>alert"));

    // An English reader gets the French text, marked as French, until there is an English one.
    let r = visitor.get("/information/carte-identite?lang=en").await;
    r.assert_contains("This page is not translated yet")
        .assert_contains("<div class=\"article-body\" lang=\"fr\">");
    let mut english: Vec<(&str, &str)> = GOOD
        .iter()
        .copied()
        .filter(|(k, _)| !k.ends_with("_en"))
        .collect();
    english.push(("title_en", "Renewing your identity card"));
    english.push(("body_en", "Book an appointment at the town hall."));
    sup.post_form(&format!("/admin/articles/{id}"), &english)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let r = visitor.get("/information/carte-identite").await;
    r.assert_contains("<h1>Renewing your identity card</h1>")
        .assert_contains("<p>Book an appointment at the town hall.</p>");
    assert!(!r.body.contains("not translated"));
    visitor
        .get("/information/carte-identite?lang=fr")
        .await
        .assert_contains("<h1>Refaire sa carte d&#39;identité</h1>");

    // Back to draft: gone again; then deleted.
    sup.post_form(&format!("/admin/articles/{id}/unpublish"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    visitor
        .get("/information/carte-identite")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    sup.post_form(&format!("/admin/articles/{id}/delete"), &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("knowledge_articles").await, 0);
    let audit = relais_store::audit::list(
        &app.db,
        app.tenant("alpha"),
        &relais_store::audit::Filter {
            action: Some("article.".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "article.delete",
            "article.unpublish",
            "article.update",
            "article.publish",
            "article.create"
        ]
    );
}

#[tokio::test]
async fn internal_and_draft_articles_stay_out_of_public_sight() {
    let app = TestApp::new().await;
    article(&app, "alpha", "procedure-interne", "internal", true, &[]).await;
    article(&app, "alpha", "brouillon", "public", false, &[]).await;
    article(&app, "alpha", "publique", "public", true, &[]).await;

    let mut visitor = app.client("alpha.test");
    let mut citizen = app.client("alpha.test");
    citizen.login_portal("citizen@alpha.test").await;
    for c in [&mut visitor, &mut citizen] {
        for slug in ["procedure-interne", "brouillon", "inconnue"] {
            c.get(&format!("/information/{slug}"))
                .await
                .assert_status(StatusCode::NOT_FOUND);
        }
        let list = c.get("/information").await;
        list.assert_contains("/information/publique");
        assert!(!list.body.contains("procedure-interne"));
        assert!(!list.body.contains("brouillon"));
        let found = c.get("/?q=article").await;
        found.assert_contains("/information/publique");
        assert!(!found.body.contains("procedure-interne"));
        assert!(!found.body.contains("/information/brouillon"));
    }

    // The tenant's staff read internal articles, marked as such; drafts stay in the admin.
    let mut agent = staff(&app, "agent@alpha.test").await;
    agent
        .get("/information/procedure-interne")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Article interne : réservé au personnel.");
    agent
        .get("/information")
        .await
        .assert_contains("<a href=\"/information/procedure-interne\">Article procedure-interne</a> <span class=\"badge\">Interne</span>");
    agent
        .get("/information/brouillon")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    agent
        .get("/backoffice")
        .await
        .assert_contains("<a href=\"/information\">");

    // Another tenant: none of alpha's articles, for its visitors or its staff.
    let mut beta_visitor = app.client("beta.test");
    let mut beta_staff = staff(&app, "admin@beta.test").await;
    for c in [&mut beta_visitor, &mut beta_staff] {
        for slug in ["procedure-interne", "publique", "brouillon"] {
            c.get(&format!("/information/{slug}"))
                .await
                .assert_status(StatusCode::NOT_FOUND);
        }
        let list = c.get("/information").await;
        assert!(!list.body.contains("/information/publique"));
        assert!(!c.get("/?q=article").await.body.contains("/information/"));
    }
    // Alpha's staff cookie on beta's host does not open beta's internal articles either.
    article(&app, "beta", "interne-beta", "internal", true, &[]).await;
    let mut cross = app.client("beta.test");
    cross.cookies = agent.cookies.clone();
    cross
        .get("/information/interne-beta")
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_supervisors_and_admins_of_the_tenant_manage_articles() {
    let app = TestApp::new().await;
    let id = article(&app, "alpha", "publique", "public", false, &[]).await;
    let mut agent = staff(&app, "agent@alpha.test").await;
    agent
        .get("/admin/articles")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    for path in ["publish", "delete"] {
        agent
            .post_form(&format!("/admin/articles/{id}/{path}"), &[])
            .await
            .assert_status(StatusCode::FORBIDDEN);
    }
    let mut admin = staff(&app, "admin@alpha.test").await;
    admin
        .get("/admin/articles")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains(
            "<a href=\"/admin/articles\" aria-current=\"page\">Articles d&#39;information</a>",
        )
        .assert_contains(&format!(
            "<a href=\"/admin/articles/{id}\">Article publique</a>"
        ));
    let mut beta = staff(&app, "admin@beta.test").await;
    beta.get(&format!("/admin/articles/{id}"))
        .await
        .assert_status(StatusCode::NOT_FOUND);
    for path in ["publish", "delete"] {
        beta.post_form(&format!("/admin/articles/{id}/{path}"), &[])
            .await
            .assert_status(StatusCode::NOT_FOUND);
    }
    let mut fields: Vec<(&str, &str)> = GOOD.to_vec();
    fields[0] = ("slug", "detourne");
    beta.post_form(&format!("/admin/articles/{id}"), &fields)
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let kept = knowledge::get(&app.db, app.tenant("alpha"), id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.slug, "publique");
    assert!(!kept.is_published());
    // A service of another tenant cannot be linked: it is dropped.
    let beta_service = crate::catalogue::published_service(&app, "beta", "beta-service").await;
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    let beta_id = beta_service.to_string();
    let mut linked: Vec<(&str, &str)> = GOOD.to_vec();
    linked.push(("service", &beta_id));
    sup.post_form(&format!("/admin/articles/{id}"), &linked)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert!(
        knowledge::services_of(&app.db, app.tenant("alpha"), id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn service_pages_and_the_home_search_lead_to_articles() {
    let app = TestApp::new().await;
    let service = crate::catalogue::published_service(&app, "alpha", "voirie").await;
    let id = article(&app, "alpha", "travaux", "public", true, &[service]).await;
    article(&app, "alpha", "note-agents", "internal", true, &[service]).await;
    let mut visitor = app.client("alpha.test");
    let r = visitor.get("/services/voirie").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("<h2 id=\"good-to-know\">Bon à savoir</h2>")
        .assert_contains("<a href=\"/information/travaux\">Article travaux</a>");
    assert!(!r.body.contains("note-agents"));
    visitor
        .get("/information/travaux")
        .await
        .assert_contains("<a href=\"/services/voirie\">Démarche voirie</a>");
    // The home page links to the information pages and its search finds titles.
    visitor
        .get("/")
        .await
        .assert_contains("<a href=\"/information\">");
    visitor
        .get("/?q=TRAVAUX")
        .await
        .assert_contains("<a href=\"/information/travaux\">Article travaux</a>");
    assert!(
        !visitor
            .get("/?q=inexistant")
            .await
            .body
            .contains("/information/travaux")
    );
    // The admin form shows the link ticked.
    let mut sup = staff(&app, "supervisor@alpha.test").await;
    sup.get(&format!("/admin/articles/{id}"))
        .await
        .assert_contains(&format!(
            "<input id=\"service-{service}\" name=\"service\" type=\"checkbox\" value=\"{service}\" checked>"
        ));
}

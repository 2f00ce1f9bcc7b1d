//! The service catalogue in the store: versions, publishing, tenant scoping.

use crate::common::TestApp;
use relais_store::{Actor, StoreError, services};
use serde_json::json;

fn meta(slug: &str) -> services::Meta {
    services::Meta {
        slug: slug.into(),
        category: "etat-civil".into(),
        audience: "citizens".into(),
        channels: vec!["portal".into(), "counter".into()],
        who_may_file: "anyone".into(),
        title_fr: "Acte de naissance".into(),
        title_en: "Birth certificate".into(),
        description_fr: "Demander une copie".into(),
        description_en: "Ask for a copy".into(),
    }
}

#[tokio::test]
async fn editing_a_published_service_makes_a_new_version_and_keeps_the_old_one() {
    let app = TestApp::new().await;
    let actor = Actor::system(app.tenant("alpha"), "test");
    let s = services::create(&app.db, &actor, &meta("acte-naissance"), &json!({"v": 1}))
        .await
        .unwrap();
    assert_eq!(s.state, "draft");
    assert_eq!(s.channels.0, vec!["portal", "counter"]);
    assert_eq!(
        services::list(&app.db, actor.tenant_id, true)
            .await
            .unwrap()
            .len(),
        0,
        "drafts are not public"
    );
    assert_eq!(services::publish(&app.db, &actor, s.id).await.unwrap(), 1);
    // Nothing left to publish.
    assert!(matches!(
        services::publish(&app.db, &actor, s.id).await,
        Err(StoreError::NotFound)
    ));

    assert_eq!(
        services::save_draft(&app.db, &actor, s.id, &json!({"v": 2}))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        services::save_draft(&app.db, &actor, s.id, &json!({"v": 2.1}))
            .await
            .unwrap(),
        2,
        "one draft at a time"
    );
    let now = services::get(&app.db, actor.tenant_id, s.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        now.published_version,
        Some(1),
        "the draft does not change what is published"
    );
    assert_eq!(
        services::version(&app.db, actor.tenant_id, s.id, 1)
            .await
            .unwrap()
            .unwrap()
            .definition
            .0,
        json!({"v": 1})
    );

    assert_eq!(services::publish(&app.db, &actor, s.id).await.unwrap(), 2);
    let versions = services::versions(&app.db, actor.tenant_id, s.id)
        .await
        .unwrap();
    let states: Vec<_> = versions
        .iter()
        .map(|v| (v.version, v.state.as_str()))
        .collect();
    assert_eq!(states, vec![(2, "published"), (1, "superseded")]);
    assert_eq!(versions[0].definition.0, json!({"v": 2.1}));
    assert_eq!(
        services::list(&app.db, actor.tenant_id, true)
            .await
            .unwrap()
            .len(),
        1
    );
    let log = relais_store::audit::list(
        &app.db,
        actor.tenant_id,
        &relais_store::audit::Filter {
            action: Some("service.".into()),
            ..Default::default()
        },
        50,
    )
    .await
    .unwrap();
    let actions: Vec<_> = log.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "service.create",
            "service.publish",
            "service.draft_saved",
            "service.draft_saved",
            "service.publish"
        ],
        "the refused publish left no trace"
    );
}

#[tokio::test]
async fn services_belong_to_one_tenant() {
    let app = TestApp::new().await;
    let alpha = Actor::system(app.tenant("alpha"), "test");
    let beta = Actor::system(app.tenant("beta"), "test");
    let s = services::create(&app.db, &alpha, &meta("same-slug"), &json!({}))
        .await
        .unwrap();
    // The same slug in another tenant is fine; twice in one tenant is not.
    services::create(&app.db, &beta, &meta("same-slug"), &json!({}))
        .await
        .unwrap();
    assert!(matches!(
        services::create(&app.db, &alpha, &meta("same-slug"), &json!({})).await,
        Err(StoreError::Conflict)
    ));
    assert!(
        services::get(&app.db, beta.tenant_id, s.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        services::publish(&app.db, &beta, s.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        services::save_draft(&app.db, &beta, s.id, &json!({"x": 1})).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        services::archive(&app.db, &beta, s.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        services::get(&app.db, alpha.tenant_id, s.id)
            .await
            .unwrap()
            .unwrap()
            .state,
        "draft"
    );
}

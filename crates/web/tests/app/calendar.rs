//! The tenant's business calendar page.

use crate::common::TestApp;
use axum::http::StatusCode;

fn week(open: &str, close: &str) -> Vec<(String, String)> {
    let mut f = Vec::new();
    for d in 0..5 {
        f.push((format!("d{d}_0_open"), open.to_owned()));
        f.push((format!("d{d}_0_close"), close.to_owned()));
    }
    f.push(("public_holidays".into(), "on".into()));
    f
}

async fn post(
    c: &mut crate::common::TestClient,
    path: &str,
    fields: &[(String, String)],
) -> crate::common::TestResponse {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(path, &pairs).await
}

#[tokio::test]
async fn opening_hours_are_shown_saved_and_validated() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_staff("admin@alpha.test").await;
    let r = c.get("/admin/calendar").await;
    r.assert_status(StatusCode::OK)
        .assert_contains("id=\"d0_0_open\" name=\"d0_0_open\" type=\"time\" value=\"09:00\"")
        .assert_contains("Lundi de Pentecôte")
        .assert_contains("Fermé les jours fériés français");
    assert!(
        relais_store::tenants::business_calendar(&app.db, app.tenant("alpha"))
            .await
            .unwrap()
            .is_none(),
        "default until saved"
    );

    post(&mut c, "/admin/calendar", &week("08:30", "16:00"))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let saved = relais_store::tenants::business_calendar(&app.db, app.tenant("alpha"))
        .await
        .unwrap()
        .unwrap();
    let calendar: relais_domain::service::calendar::BusinessCalendar =
        serde_json::from_value(saved.clone()).unwrap();
    assert_eq!(calendar.hours[0].len(), 1);
    assert_eq!(calendar.hours[0][0].0.to_string(), "08:30:00");
    assert!(calendar.hours[5].is_empty() && calendar.public_holidays);
    c.get("/admin/calendar")
        .await
        .assert_contains("value=\"08:30\"");

    // Inverted, half-filled, overlapping, never open: refused with a message, nothing saved.
    let mut bad = week("08:30", "16:00");
    bad.push(("d5_0_open".into(), "12:00".into()));
    bad.push(("d5_0_close".into(), "10:00".into()));
    post(&mut c, "/admin/calendar", &bad)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("doit suivre l&#39;heure d&#39;ouverture");
    let mut half = week("08:30", "16:00");
    half.push(("d6_1_open".into(), "10:00".into()));
    post(&mut c, "/admin/calendar", &half)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("aria-invalid=\"true\"");
    let mut overlap = week("08:30", "16:00");
    overlap.push(("d0_1_open".into(), "12:00".into()));
    overlap.push(("d0_1_close".into(), "18:00".into()));
    post(&mut c, "/admin/calendar", &overlap)
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("se chevauchent");
    post(
        &mut c,
        "/admin/calendar",
        &[("public_holidays".into(), "on".into())],
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    post(&mut c, "/admin/calendar", &week("8h", "16h"))
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        relais_store::tenants::business_calendar(&app.db, app.tenant("alpha"))
            .await
            .unwrap()
            .unwrap(),
        saved
    );
}

#[tokio::test]
async fn closures_are_added_and_removed() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.login_staff("admin@alpha.test").await;
    let closure = |from: &str, to: &str, label: &str| {
        vec![
            ("from".to_owned(), from.to_owned()),
            ("to".to_owned(), to.to_owned()),
            ("label_fr".to_owned(), label.to_owned()),
            ("label_en".to_owned(), String::new()),
        ]
    };
    post(
        &mut c,
        "/admin/calendar/closures",
        &closure("2026-12-24", "2026-12-31", "Fermeture de fin d'année"),
    )
    .await
    .assert_status(StatusCode::SEE_OTHER);
    post(
        &mut c,
        "/admin/calendar/closures",
        &closure("2026-08-10", "2026-08-01", "Été"),
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
    .assert_contains("doit suivre son début");
    post(
        &mut c,
        "/admin/calendar/closures",
        &closure("2026-08-01", "2026-08-10", ""),
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    post(
        &mut c,
        "/admin/calendar/closures",
        &closure("not a date", "2026-08-10", "x"),
    )
    .await
    .assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    let page = c.get("/admin/calendar").await;
    page.assert_contains("2026-12-24")
        .assert_contains("Fermeture de fin d&#39;année");
    let calendar: relais_domain::service::calendar::BusinessCalendar = serde_json::from_value(
        relais_store::tenants::business_calendar(&app.db, app.tenant("alpha"))
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(calendar.closures.len(), 1);
    let christmas_eve = chrono::NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
    assert!(calendar.is_closed_day(christmas_eve));
    c.post_form("/admin/calendar/closures/5/delete", &[])
        .await
        .assert_status(StatusCode::NOT_FOUND);
    c.post_form("/admin/calendar/closures/0/delete", &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    c.get("/admin/calendar")
        .await
        .assert_contains("Aucune fermeture exceptionnelle");
    let log = relais_store::audit::list(
        &app.db,
        app.tenant("alpha"),
        &relais_store::audit::Filter {
            action: Some("tenant.calendar".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(log.len(), 2);
}

#[tokio::test]
async fn only_administrators_change_the_calendar() {
    let app = TestApp::new().await;
    for who in [
        "supervisor@alpha.test",
        "agent@alpha.test",
        "viewer@alpha.test",
    ] {
        let mut c = app.client("alpha.test");
        c.login_staff(who).await;
        c.get("/admin/calendar")
            .await
            .assert_status(StatusCode::FORBIDDEN);
        post(&mut c, "/admin/calendar", &week("08:00", "12:00"))
            .await
            .assert_status(StatusCode::FORBIDDEN);
    }
    assert!(
        relais_store::tenants::business_calendar(&app.db, app.tenant("alpha"))
            .await
            .unwrap()
            .is_none()
    );
}

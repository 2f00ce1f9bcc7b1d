//! Filing cases and firing their workflow through `cases::flow`: answers checked against the
//! definition version, one-transaction writes, optimistic concurrency, actions carried out,
//! service-level timers and timeouts run by the timer job.

use crate::common::TestApp;
use chrono::{DateTime, Duration, Utc};
use relais_domain::Role;
use relais_domain::case::{PlanError, Reference, normalise_tracking_code};
use relais_domain::service::sla::Priority;
use relais_domain::service::workflow::Actor as Who;
use relais_store::{Actor, Db, cases, teams};
use relais_web::cases::flow::{self, Filing, FlowError};
use relais_web::cases::timers;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use uuid::Uuid;

const VOIRIE: &str = "belleville-signalement-voirie";

fn report_answers() -> Map<String, Value> {
    json!({
        "category": "pothole",
        "danger": true,
        "description": "Nid-de-poule profond devant le n° 12, dangereux pour les vélos.",
        "location_method": "address",
        "address": {"street": "12 rue des Lilas", "postcode": "45000", "city": "Belleville-sur-Loire", "country": "FR"},
        "follow_up": true,
        "email": "Riverain@Example.org"
    })
    .as_object()
    .cloned()
    .expect("object")
}

async fn file_report(app: &TestApp, service: &relais_store::services::Service) -> flow::Filed {
    let tenant = app.tenant_row("alpha").await;
    flow::file(
        &app.state,
        &tenant,
        &Actor::system(tenant.id, "portal"),
        Filing {
            service,
            answers: report_answers(),
            documents: vec![],
            requester_person_id: None,
            requester_account_id: None,
            contact_email: Some("riverain@example.org".into()),
            organisation_id: None,
            channel: "portal",
            priority: Priority::Normal,
            draft_id: None,
        },
    )
    .await
    .expect("filed")
}

async fn staff_actor(app: &TestApp, role: &str) -> Actor {
    let account = app.account("alpha", &format!("{role}@alpha.test")).await;
    Actor {
        tenant_id: app.tenant("alpha"),
        account_id: Some(account.id),
        label: account.email,
        client_ip: None,
        request_id: None,
    }
}

#[tokio::test]
async fn an_anonymous_report_is_filed_with_a_reference_a_tracking_code_and_its_timers() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let filed = file_report(&app, &service).await;
    let case = &filed.case;
    let reference = Reference::parse(&case.reference).expect("reference shape");
    assert!(case.reference.starts_with("ALP-"), "{}", case.reference);
    assert_eq!(case.status, "received");
    assert_eq!(case.status_kind, "open");
    assert_eq!(case.service_version, 1);
    // Answers are kept as validated: the e-mail lowercased.
    assert_eq!(case.answers_map()["email"], json!("riverain@example.org"));
    assert!(case.first_response_due_at.is_some() && case.resolution_due_at.is_some());
    assert!(case.next_timer_at.is_some(), "a warning is scheduled");
    assert_eq!(case.sla_state, "ok");

    let tenant = app.tenant("alpha");
    let code = filed.tracking_code.expect("anonymous filing gets a code");
    let typed = normalise_tracking_code(&code.to_lowercase()).expect("code");
    let found = cases::by_tracking(&app.db, tenant, &reference, &typed)
        .await
        .expect("query");
    assert_eq!(found.map(|c| c.id), Some(case.id));
    let wrong = normalise_tracking_code("0000-0000-0000-0000").expect("shape");
    assert!(
        cases::by_tracking(&app.db, tenant, &reference, &wrong)
            .await
            .expect("query")
            .is_none()
    );
    // Another tenant never sees it.
    assert!(
        cases::get(&app.db, app.tenant("beta"), case.id)
            .await
            .expect("query")
            .is_none()
    );

    let events = cases::events(&app.db, tenant, case.id, true)
        .await
        .expect("events");
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["submitted"]
    );
    assert_eq!(app.count("case_events").await, 1);
}

#[tokio::test]
async fn bad_answers_are_refused_field_by_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let tenant = app.tenant_row("alpha").await;
    let mut answers = report_answers();
    answers.insert("location_method".into(), json!("gps"));
    answers.insert("latitude".into(), json!(123.0));
    answers.insert("longitude".into(), json!(2.3));
    answers.insert("not_a_field".into(), json!("x"));
    let audit_before = app.count("audit_log").await;
    let refused = flow::file(
        &app.state,
        &tenant,
        &Actor::system(tenant.id, "portal"),
        Filing {
            service: &service,
            answers,
            documents: vec![],
            requester_person_id: None,
            requester_account_id: None,
            contact_email: Some("riverain@example.org".into()),
            organisation_id: None,
            channel: "portal",
            priority: Priority::Normal,
            draft_id: None,
        },
    )
    .await;
    let Err(FlowError::Answers(errors)) = refused else {
        panic!(
            "expected field errors, got {:?}",
            refused.map(|f| f.case.reference)
        );
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"latitude"), "{errors:?}");
    assert!(fields.contains(&"not_a_field"), "{errors:?}");
    assert_eq!(app.count("cases").await, 0);
    assert_eq!(app.count("audit_log").await, audit_before);

    // A channel the service does not offer, and a missing contact for an anonymous report.
    let mut by_chat = Filing {
        service: &service,
        answers: report_answers(),
        documents: vec![],
        requester_person_id: None,
        requester_account_id: None,
        contact_email: Some("riverain@example.org".into()),
        organisation_id: None,
        channel: "chat",
        priority: Priority::Normal,
        draft_id: None,
    };
    let actor = Actor::system(tenant.id, "portal");
    assert!(matches!(
        flow::file(&app.state, &tenant, &actor, by_chat).await,
        Err(FlowError::Refused("case-channel-not-offered"))
    ));
    by_chat = Filing {
        service: &service,
        answers: report_answers(),
        documents: vec![],
        requester_person_id: None,
        requester_account_id: None,
        contact_email: None,
        organisation_id: None,
        channel: "portal",
        priority: Priority::Normal,
        draft_id: None,
    };
    assert!(matches!(
        flow::file(&app.state, &tenant, &actor, by_chat).await,
        Err(FlowError::Answers(_))
    ));
    assert_eq!(app.count("cases").await, 0);
}

#[tokio::test]
async fn a_case_keeps_the_version_it_was_filed_under() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let filed = file_report(&app, &service).await;
    // The administrator publishes version 2 with a renamed status label.
    let actor = Actor::system(app.tenant("alpha"), "admin");
    let v1 = flow::definition(&app.state, app.tenant("alpha"), service.id, 1)
        .await
        .expect("v1");
    let mut v2 = (*v1).clone();
    v2.workflow.statuses[0].label.en = "Logged".into();
    relais_store::services::save_draft(
        &app.db,
        &actor,
        service.id,
        &serde_json::to_value(&v2).expect("json"),
    )
    .await
    .expect("draft");
    relais_store::services::publish(&app.db, &actor, service.id)
        .await
        .expect("publish v2");
    let case = cases::get(&app.db, app.tenant("alpha"), filed.case.id)
        .await
        .expect("q")
        .expect("case");
    assert_eq!(case.service_version, 1);
    let kept = flow::definition_of(&app.state, app.tenant("alpha"), &case)
        .await
        .expect("definition");
    assert_eq!(kept, v1);
    assert_ne!(kept.workflow.statuses[0].label.en, "Logged");
}

#[tokio::test]
async fn a_draft_definition_is_read_afresh_and_a_kept_one_never_reaches_another_tenant() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let alpha = app.tenant("alpha");
    let actor = Actor::system(alpha, "admin");
    // Version 1 is published, so it is kept once read.
    let v1 = flow::definition(&app.state, alpha, service.id, 1)
        .await
        .expect("v1");
    // Another tenant asking for the same service and version gets nothing, kept or not.
    assert!(matches!(
        flow::definition(&app.state, app.tenant("beta"), service.id, 1).await,
        Err(FlowError::NotFound)
    ));
    // A draft changes while it is edited: every read sees the latest save.
    let mut draft = (*v1).clone();
    draft.workflow.statuses[0].label.en = "Logged".into();
    let json = |d: &relais_domain::service::definition::ServiceDefinition| {
        serde_json::to_value(d).expect("json")
    };
    let v2 = relais_store::services::save_draft(&app.db, &actor, service.id, &json(&draft))
        .await
        .expect("draft");
    let read = flow::definition(&app.state, alpha, service.id, v2)
        .await
        .expect("draft read");
    assert_eq!(read.workflow.statuses[0].label.en, "Logged");
    draft.workflow.statuses[0].label.en = "Received".into();
    relais_store::services::save_draft(&app.db, &actor, service.id, &json(&draft))
        .await
        .expect("draft saved again");
    let read = flow::definition(&app.state, alpha, service.id, v2)
        .await
        .expect("draft read again");
    assert_eq!(read.workflow.statuses[0].label.en, "Received");
}

#[tokio::test]
async fn taking_charge_assigns_the_team_sets_the_deadline_and_refuses_a_stale_or_forbidden_firing()
{
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let tenant = app.tenant_row("alpha").await;
    let team = teams::create(
        &app.db,
        &Actor::system(tenant.id, "admin"),
        "Voirie et propreté",
    )
    .await
    .expect("team");
    let case = file_report(&app, &service).await.case;
    let agent = staff_actor(&app, "agent").await;

    // A viewer may not fire, an agent may not refuse (supervisors only): nothing changes.
    let viewer = staff_actor(&app, "viewer").await;
    let refused = flow::fire(
        &app.state,
        &tenant,
        &viewer,
        Who::Staff(Role::Viewer),
        case.id,
        case.row_version,
        "take_charge",
        None,
    )
    .await;
    assert!(matches!(refused, Err(FlowError::Plan(_))), "{refused:?}");

    let taken = flow::fire(
        &app.state,
        &tenant,
        &agent,
        Who::Staff(Role::Agent),
        case.id,
        case.row_version,
        "take_charge",
        None,
    )
    .await
    .expect("agent takes charge");
    assert_eq!(taken.status, "processing");
    assert_eq!(taken.team_id, Some(team.id));
    assert!(
        taken
            .deadline_at
            .is_some_and(|d| d > Utc::now() + Duration::days(9))
    );
    assert!(
        taken.first_response_at.is_some(),
        "an agent's action is the first response"
    );
    assert_eq!(taken.row_version, case.row_version + 1);

    // The same form posted again (stale version) is refused and changes nothing.
    let stale = flow::fire(
        &app.state,
        &tenant,
        &agent,
        Who::Staff(Role::Agent),
        case.id,
        case.row_version,
        "ask_details",
        Some("Où exactement ?"),
    )
    .await;
    assert!(matches!(stale, Err(FlowError::Stale)), "{stale:?}");
    let now = cases::get(&app.db, tenant.id, case.id)
        .await
        .expect("q")
        .expect("case");
    assert_eq!(
        (now.status.as_str(), now.row_version),
        ("processing", taken.row_version)
    );

    // Asking for details needs a comment; with one, the fields are re-opened.
    let no_comment = flow::fire(
        &app.state,
        &tenant,
        &agent,
        Who::Staff(Role::Agent),
        case.id,
        taken.row_version,
        "ask_details",
        None,
    )
    .await;
    assert!(matches!(
        no_comment,
        Err(FlowError::Plan(PlanError::CommentRequired))
    ));
    let asked = flow::fire(
        &app.state,
        &tenant,
        &agent,
        Who::Staff(Role::Agent),
        case.id,
        taken.row_version,
        "ask_details",
        Some("Précisez le numéro de la rue."),
    )
    .await
    .expect("ask details");
    assert_eq!(asked.status_kind, "waiting_requester");
    assert_eq!(asked.correction_field_ids(), ["description", "landmark"]);
    assert_eq!(
        asked.correction_comment.as_deref(),
        Some("Précisez le numéro de la rue.")
    );

    // The requester resubmits: corrections are cleared.
    let back = flow::fire(
        &app.state,
        &tenant,
        &Actor::system(tenant.id, "requester"),
        Who::Requester,
        case.id,
        asked.row_version,
        "resubmit",
        None,
    )
    .await
    .expect("resubmit");
    assert_eq!(back.status, "processing");
    assert!(back.correction_fields.is_none());

    let kinds: Vec<String> = cases::events(&app.db, tenant.id, case.id, false)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "submitted",
            "status_changed",
            "assigned",
            "deadline_set",
            "status_changed",
            "corrections_requested",
            "status_changed"
        ]
    );
    // Staff-only events stay off the requester's timeline.
    let public: Vec<String> = cases::events(&app.db, tenant.id, case.id, true)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(
        !public
            .iter()
            .any(|k| k == "assigned" || k == "deadline_set"),
        "{public:?}"
    );
}

#[tokio::test]
async fn a_message_action_mails_the_requester_in_their_language() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let tenant = app.tenant_row("alpha").await;
    let case = file_report(&app, &service).await.case;
    let agent = staff_actor(&app, "agent").await;
    let mails_before = app.mails().await.len();
    let forwarded = flow::fire(
        &app.state,
        &tenant,
        &agent,
        Who::Staff(Role::Agent),
        case.id,
        case.row_version,
        "forward",
        None,
    )
    .await
    .expect("forward");
    assert_eq!(forwarded.status_kind, "waiting_third_party");
    let mails = app.mails().await;
    assert_eq!(mails.len(), mails_before + 1);
    let mail = mails.last().expect("mail");
    assert!(mail.contains("riverain@example.org"), "{mail}");
    assert!(mail.contains(&case.reference), "{mail}");
    let events = cases::events(&app.db, tenant.id, case.id, true)
        .await
        .expect("events");
    let message = events
        .iter()
        .find(|e| e.kind == "message_to_requester")
        .expect("message on the timeline");
    assert!(message.body.as_deref().is_some_and(|b| !b.is_empty()));
}

/// Moves a case's clock back: every timeline event and the status entry `by` earlier, and
/// its timer due now (the test cannot wait days).
pub async fn travel_back(db: &Db, tenant_id: Uuid, case_id: Uuid, by: Duration) {
    let case = cases::get(db, tenant_id, case_id)
        .await
        .expect("q")
        .expect("case");
    let events = cases::events(db, tenant_id, case_id, false)
        .await
        .expect("events");
    let shift = |t: DateTime<Utc>| t - by;
    match db {
        Db::Sqlite(p) => {
            for e in &events {
                sqlx::query("UPDATE case_events SET at = $1 WHERE tenant_id = $2 AND id = $3")
                    .bind(shift(e.at))
                    .bind(tenant_id)
                    .bind(e.id)
                    .execute(p)
                    .await
                    .expect("shift event");
            }
            sqlx::query("UPDATE cases SET submitted_at = $1, status_entered_at = $2, next_timer_at = $3 WHERE tenant_id = $4 AND id = $5")
                .bind(shift(case.submitted_at)).bind(shift(case.status_entered_at)).bind(Utc::now()).bind(tenant_id).bind(case_id)
                .execute(p).await.expect("shift case");
        }
        Db::Postgres(p) => {
            for e in &events {
                sqlx::query("UPDATE case_events SET at = $1 WHERE tenant_id = $2 AND id = $3")
                    .bind(shift(e.at))
                    .bind(tenant_id)
                    .bind(e.id)
                    .execute(p)
                    .await
                    .expect("shift event");
            }
            sqlx::query("UPDATE cases SET submitted_at = $1, status_entered_at = $2, next_timer_at = $3 WHERE tenant_id = $4 AND id = $5")
                .bind(shift(case.submitted_at)).bind(shift(case.status_entered_at)).bind(Utc::now()).bind(tenant_id).bind(case_id)
                .execute(p).await.expect("shift case");
        }
    }
}

#[tokio::test]
async fn the_timer_job_writes_the_breach_once_and_fires_a_due_timeout() {
    let app = TestApp::new().await;
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let tenant = app.tenant_row("alpha").await;
    let case = file_report(&app, &service).await.case;
    // Nothing is due yet.
    timers::run_due(&app.state).await.expect("timers");
    assert_eq!(
        cases::get(&app.db, tenant.id, case.id)
            .await
            .expect("q")
            .expect("c")
            .sla_state,
        "ok"
    );

    // A month later, nobody answered: the first response and resolution are breached.
    travel_back(&app.db, tenant.id, case.id, Duration::days(30)).await;
    assert_eq!(timers::run_due(&app.state).await.expect("timers"), 1);
    let late = cases::get(&app.db, tenant.id, case.id)
        .await
        .expect("q")
        .expect("case");
    assert_eq!(late.sla_state, "breached");
    let breaches =
        |events: &[cases::Event]| events.iter().filter(|e| e.kind == "sla_breached").count();
    let events = cases::events(&app.db, tenant.id, case.id, false)
        .await
        .expect("events");
    assert_eq!(breaches(&events), 1);
    assert!(
        !cases::events(&app.db, tenant.id, case.id, true)
            .await
            .expect("e")
            .iter()
            .any(|e| e.kind == "sla_breached")
    );
    // Running again writes nothing new.
    timers::run_due(&app.state).await.expect("timers");
    let events = cases::events(&app.db, tenant.id, case.id, false)
        .await
        .expect("events");
    assert_eq!(breaches(&events), 1);

    // Asked for details, the requester stays silent: the "lapse" timeout closes the case.
    let agent = staff_actor(&app, "agent").await;
    let asked = flow::fire(
        &app.state,
        &tenant,
        &agent,
        Who::Staff(Role::Agent),
        case.id,
        late.row_version,
        "ask_details",
        Some("Où ?"),
    )
    .await
    .expect("ask");
    travel_back(&app.db, tenant.id, asked.id, Duration::days(60)).await;
    timers::run_due(&app.state).await.expect("timers");
    let lapsed = cases::get(&app.db, tenant.id, case.id)
        .await
        .expect("q")
        .expect("case");
    assert!(
        lapsed.status_kind.starts_with("closed"),
        "{}",
        lapsed.status
    );
    assert!(lapsed.closed_at.is_some());
    assert!(
        lapsed.next_timer_at.is_none(),
        "a closed case has no timer left"
    );
}

/// Publishes version 2 of the road report with `action` added to `take_charge`.
async fn voirie_with_action_on_take_charge(
    app: &TestApp,
    action: relais_domain::service::workflow::Action,
) -> relais_store::services::Service {
    let service = app.publish_demo_service("alpha", VOIRIE).await;
    let tenant = app.tenant_row("alpha").await;
    let admin = Actor::system(tenant.id, "admin");
    let mut definition = (*flow::definition(&app.state, tenant.id, service.id, 1)
        .await
        .expect("v1"))
    .clone();
    definition
        .workflow
        .transitions
        .iter_mut()
        .find(|t| t.id == "take_charge")
        .expect("transition")
        .actions
        .push(action);
    relais_store::services::save_draft(
        &app.db,
        &admin,
        service.id,
        &serde_json::to_value(&definition).expect("json"),
    )
    .await
    .expect("draft");
    relais_store::services::publish(&app.db, &admin, service.id)
        .await
        .expect("publish v2");
    relais_store::services::get(&app.db, tenant.id, service.id)
        .await
        .expect("q")
        .expect("service")
}

/// A receiver on a real loopback port answering `status`, keeping what it gets.
async fn webhook_receiver(status: u16) -> (u16, tokio::sync::mpsc::UnboundedReceiver<Value>) {
    let (sent, received) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let sent = sent.clone();
            async move {
                let _ = sent.send(body);
                axum::http::StatusCode::from_u16(status).expect("status")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    (port, received)
}

async fn take_charge(app: &TestApp, case: &cases::Case) -> cases::Case {
    let tenant = app.tenant_row("alpha").await;
    let agent = staff_actor(app, "agent").await;
    flow::fire(
        &app.state,
        &tenant,
        &agent,
        Who::Staff(Role::Agent),
        case.id,
        case.row_version,
        "take_charge",
        None,
    )
    .await
    .expect("take charge")
}

async fn webhook_events(app: &TestApp, case_id: Uuid) -> Vec<Value> {
    cases::events(&app.db, app.tenant("alpha"), case_id, false)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == "webhook_called")
        .inspect(|e| assert!(!e.public, "webhook outcomes are for staff only"))
        .map(|e| serde_json::from_str(&e.data).expect("json"))
        .collect()
}

#[tokio::test]
async fn a_webhook_action_posts_the_step_to_a_real_receiver_and_records_the_outcome() {
    use relais_domain::service::workflow::Action;
    let (port, mut received) = webhook_receiver(200).await;
    let app = TestApp::new().await;
    let service = voirie_with_action_on_take_charge(
        &app,
        Action::CallWebhook {
            url: format!("http://localhost:{port}/hook"),
        },
    )
    .await;
    let case = file_report(&app, &service).await.case;
    assert_eq!(case.service_version, 2);
    take_charge(&app, &case).await;

    // The call was queued with the transition, in the same transaction: the job runner makes it.
    assert!(
        received.try_recv().is_err(),
        "not called before the job ran"
    );
    assert_eq!(app.run_jobs().await, 1);
    let body = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("the receiver was called")
        .expect("body");
    assert_eq!(body["reference"], json!(case.reference));
    assert_eq!(body["transition"], json!("take_charge"));
    assert_eq!(body["to"], json!("processing"));
    assert!(
        body.get("answers").is_none(),
        "no personal answers leave Relais"
    );

    // The outcome lands on the staff timeline.
    let outcomes = webhook_events(&app, case.id).await;
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert_eq!(outcomes[0]["ok"], json!(true));
    assert_eq!(outcomes[0]["status"], json!(200));
    assert_eq!(outcomes[0]["attempt"], json!(1));
}

#[tokio::test]
async fn a_failing_webhook_receiver_is_tried_again_later_and_each_attempt_is_on_the_timeline() {
    use relais_domain::service::workflow::Action;
    let (port, mut received) = webhook_receiver(503).await;
    let app = TestApp::new().await;
    let service = voirie_with_action_on_take_charge(
        &app,
        Action::CallWebhook {
            url: format!("http://localhost:{port}/hook"),
        },
    )
    .await;
    let case = file_report(&app, &service).await.case;
    let before = Utc::now();
    take_charge(&app, &case).await;
    assert_eq!(app.run_jobs().await, 1);
    received.recv().await.expect("called once");

    let outcomes = webhook_events(&app, case.id).await;
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert_eq!(outcomes[0]["ok"], json!(false));
    assert_eq!(outcomes[0]["status"], json!(503));
    assert_eq!(outcomes[0]["final"], json!(false));
    // Queued again for later, not dropped and not hammering the receiver.
    let jobs = relais_store::jobs::list(&app.db, app.tenant("alpha"), "case.webhook", 10)
        .await
        .expect("jobs");
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state.as_str(), "queued");
    assert!(jobs[0].run_after > before + Duration::seconds(5));
    assert_eq!(app.run_jobs().await, 0, "nothing ready before the wait");
}

#[tokio::test]
async fn a_generated_document_is_a_pdf_kept_with_the_case_and_valid_in_the_requesters_safe() {
    use relais_domain::service::workflow::Action;
    let app = TestApp::new().await;
    let service = voirie_with_action_on_take_charge(
        &app,
        Action::GenerateDocument {
            template: "attestation".into(),
        },
    )
    .await;
    let tenant = app.tenant_row("alpha").await;
    let person = crate::people::person(&app, "alpha", "Hélène", "Durand").await;
    let case = flow::file(
        &app.state,
        &tenant,
        &Actor::system(tenant.id, "portal"),
        Filing {
            service: &service,
            answers: report_answers(),
            documents: vec![],
            requester_person_id: Some(person),
            requester_account_id: None,
            contact_email: None,
            organisation_id: None,
            channel: "phone",
            priority: Priority::Normal,
            draft_id: None,
        },
    )
    .await
    .expect("filed")
    .case;
    assert!(
        cases::documents(&app.db, tenant.id, case.id)
            .await
            .expect("docs")
            .is_empty()
    );
    take_charge(&app, &case).await;

    let docs = cases::documents(&app.db, tenant.id, case.id)
        .await
        .expect("docs");
    assert_eq!(docs.len(), 1);
    let doc = &docs[0].0;
    assert_eq!(doc.kind.as_deref(), Some("attestation"));
    assert_eq!(doc.status, "valid");
    assert_eq!(doc.media_type, "application/pdf");
    assert_eq!(doc.owner_person_id, Some(person));
    assert_eq!(doc.file_name, format!("attestation-{}.pdf", case.reference));
    let bytes = app.state.files.get(&doc.file_hash).await.expect("blob");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains(&case.reference), "the PDF names the case");
    assert!(text.contains("Durand"), "the PDF names the requester");
    // In the requester's safe, reusable in a later case.
    let safe = relais_store::documents::safe(&app.db, tenant.id, person)
        .await
        .expect("safe");
    assert!(safe.iter().any(|d| d.id == doc.id));
    // The requester sees it on their timeline.
    let public = cases::events(&app.db, tenant.id, case.id, true)
        .await
        .expect("events");
    let generated = public
        .iter()
        .find(|e| e.kind == "document_generated")
        .expect("public event");
    let data: Value = serde_json::from_str(&generated.data).expect("json");
    assert_eq!(data["document_id"], json!(doc.id));
}

#[tokio::test]
async fn a_document_issued_on_an_anonymous_case_stays_with_the_case_and_in_nobodys_safe() {
    use relais_domain::service::workflow::Action;
    let app = TestApp::new().await;
    let service = voirie_with_action_on_take_charge(
        &app,
        Action::GenerateDocument {
            template: "attestation".into(),
        },
    )
    .await;
    let tenant = app.tenant_row("alpha").await;
    let case = file_report(&app, &service).await.case;
    assert_eq!(case.requester_person_id, None);
    take_charge(&app, &case).await;
    let docs = cases::documents(&app.db, tenant.id, case.id)
        .await
        .expect("docs");
    assert_eq!(docs.len(), 1);
    let doc = &docs[0].0;
    assert_eq!(doc.owner_person_id, None, "no person, no safe");
    assert_eq!(doc.status, "valid");
    // Issued in the tenant's language, French here.
    let bytes = app.state.files.get(&doc.file_hash).await.expect("blob");
    assert!(String::from_utf8_lossy(&bytes).contains(&case.reference));
}

/// A filing for the store, for tests that file many at once.
fn report_filing<'a>(
    service: &'a relais_store::services::Service,
    answers: &'a Value,
    documents: &'a [(Uuid, Option<String>)],
) -> cases::NewCase<'a> {
    cases::NewCase {
        tenant_slug: "alpha",
        service_id: service.id,
        service_version: service.published_version.expect("published"),
        requester_person_id: None,
        requester_account_id: None,
        organisation_id: None,
        contact_email: Some("riverain@example.org"),
        tracking_code: None,
        channel: "portal",
        status: "received",
        status_kind: "open",
        priority: "normal",
        answers,
        documents,
        first_response_due_at: None,
        resolution_due_at: None,
        next_timer_at: None,
        team_id: None,
        draft_id: None,
        submitted_at: Utc::now(),
    }
}

/// Filings that arrive together are written in one transaction on SQLite (group commit).
/// Each must still be whole or absent: a filing that fails half-way (its case row written,
/// then a document that does not exist) leaves nothing behind, and the filings written
/// beside it are all there, each with its own reference, timeline and audit row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filings_arriving_together_are_each_whole_and_a_failing_one_spoils_none() {
    let app = TestApp::new().await;
    let service = Arc::new(
        app.publish_demo_service("alpha", crate::backoffice::VOIRIE)
            .await,
    );
    let tenant_id = app.tenant("alpha");
    let answers = Arc::new(Value::Object(report_answers()));
    let file_at_once = |fails: fn(usize) -> bool| {
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let (db, service, answers) = (app.db.clone(), service.clone(), answers.clone());
                tokio::spawn(async move {
                    let documents = if fails(i) {
                        vec![(Uuid::new_v4(), None)]
                    } else {
                        vec![]
                    };
                    let actor = Actor::system(tenant_id, "test");
                    cases::file(&db, &actor, &report_filing(&service, &answers, &documents)).await
                })
            })
            .collect();
        async move {
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.expect("task"));
            }
            results
        }
    };

    let before = app.db.write_groups();
    let filed = file_at_once(|_| false).await;
    let filed: Vec<cases::Case> = filed.into_iter().map(|r| r.expect("filed")).collect();
    let after = app.db.write_groups();
    if let (Some(before), Some(after)) = (before, after) {
        assert!(
            after.transactions > before.transactions && after.writes >= before.writes + 2,
            "no filings shared a transaction: {before:?} → {after:?}"
        );
    }

    // One filing in six fails after its case row is written.
    let mixed = file_at_once(|i| i % 6 == 5).await;
    let after_mixed = app.db.write_groups();
    if let (Some(after), Some(after_mixed)) = (after, after_mixed) {
        assert!(
            after_mixed.rolled_back > after.rolled_back,
            "no group held a failing filing: {after:?} → {after_mixed:?}"
        );
    }
    let mut kept = filed;
    for (i, result) in mixed.into_iter().enumerate() {
        match (i % 6 == 5, result) {
            (true, Err(_)) => {}
            (false, Ok(case)) => kept.push(case),
            (fails, result) => panic!("filing {i} (fails: {fails}) gave {result:?}"),
        }
    }
    assert_eq!(kept.len(), 44);
    let references: std::collections::HashSet<&str> =
        kept.iter().map(|c| c.reference.as_str()).collect();
    assert_eq!(references.len(), 44, "references repeat");
    for case in &kept {
        let stored = cases::get(&app.db, tenant_id, case.id)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored.reference, case.reference);
        assert_eq!(stored.row_version, case.row_version);
        let events = cases::events(&app.db, tenant_id, case.id, false)
            .await
            .expect("events");
        assert_eq!(events.len(), 1, "{}: {events:?}", case.reference);
    }
    // Nothing of the failed filings: no case, no event, no audit row beyond the 44.
    assert_eq!(
        relais_store::schema::count_rows(&app.db, "cases")
            .await
            .expect("count"),
        44
    );
    assert_eq!(
        relais_store::schema::count_rows(&app.db, "case_events")
            .await
            .expect("count"),
        44
    );
    let audit = relais_store::audit::list(
        &app.db,
        tenant_id,
        &relais_store::audit::Filter {
            action: Some("case.file".into()),
            ..Default::default()
        },
        1_000,
    )
    .await
    .expect("audit");
    assert_eq!(audit.len(), 44);
}

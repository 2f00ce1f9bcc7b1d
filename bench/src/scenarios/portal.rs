//! Portal pages: the home page with the catalogue and a service page (with the processing
//! times of its latest closed cases) as the public sees them, and "My requests" of a
//! signed-in requester with 30 cases — beside the store reading the same list.

use super::{Bench, measure_http, report_ratio, report_raw, time_store, wrong};
use crate::Result;
use crate::client::Call;
use chrono::{Duration, Utc};
use relais_domain::{AccountKind, Email};
use relais_store::{Actor, accounts, cases, services, sessions};

const NAME: &str = "portal";
const TARGET: Option<&str> = Some("p95 ≤ 50 ms");
const REQUESTS: usize = 30;

pub async fn run(bench: &mut Bench) -> Result<()> {
    super::cases::ensure_services(bench).await?;
    let n = bench.scale.requests;
    let first = bench.call(&Call::get("/")).await?;
    if first.status != 200 || !first.text().contains("Bench") {
        return Err(wrong(NAME, format!("home page answered {}", first.status)));
    }
    measure_http(
        bench,
        NAME,
        "GET / (home page and catalogue), concurrency 1".into(),
        1,
        n,
        TARGET,
        |_| Call::get("/"),
        |_, r| {
            if r.status == 200 && r.text().contains("/services/signalement-voirie") {
                Ok(())
            } else {
                Err(format!(
                    "status {}, the catalogue lacks a service",
                    r.status
                ))
            }
        },
    )
    .await?;
    measure_http(
        bench,
        NAME,
        "GET /services/signalement-voirie (service page, processing times), concurrency 1".into(),
        1,
        n,
        TARGET,
        |_| Call::get("/services/signalement-voirie"),
        crate::client::ok_status,
    )
    .await?;

    // A requester with cases of their own.
    let tenant_id = bench.fixture.tenant_id;
    let actor = Actor::system(tenant_id, "relais-bench");
    let email = Email::parse("requerant@bench.example")
        .map_err(|e| wrong(NAME, format!("e-mail: {e:?}")))?;
    let requester = accounts::create(
        &bench.db,
        &actor,
        accounts::NewAccount {
            kind: AccountKind::Portal,
            email,
            display_name: "Camille Requérante".into(),
            password_hash: None,
            role: None,
            locale: None,
        },
    )
    .await?;
    let raw_session = "relais-bench-portal-session-0123456789abcdef";
    sessions::create(
        &bench.db,
        sessions::NewSession {
            tenant_id,
            account_id: requester.id,
            raw_id: raw_session,
            second_factor_pending: false,
            lifetime: chrono::Duration::hours(12),
            client_ip: None,
            user_agent: Some("relais-bench"),
        },
    )
    .await?;
    let service = bench
        .services
        .first()
        .ok_or_else(|| wrong(NAME, "no service"))?;
    let answers = serde_json::json!({"description": "Demande de la requérante."});
    let mut references = Vec::new();
    for i in 0..REQUESTS {
        let case = cases::file(
            &bench.db,
            &Actor {
                account_id: Some(requester.id),
                ..actor.clone()
            },
            &cases::NewCase {
                tenant_slug: "bench",
                service_id: service.id,
                service_version: service.version,
                requester_person_id: None,
                requester_account_id: Some(requester.id),
                organisation_id: None,
                contact_email: None,
                tracking_code: None,
                channel: "portal",
                status: &service.definition.workflow.initial,
                status_kind: "open",
                priority: "normal",
                answers: &answers,
                documents: &[],
                first_response_due_at: None,
                resolution_due_at: None,
                next_timer_at: None,
                team_id: None,
                draft_id: None,
                submitted_at: Utc::now() - Duration::days(i as i64),
            },
        )
        .await?;
        references.push(case.reference);
    }
    let cookie = vec![("cookie", format!("relais_session={raw_session}"))];
    let (newest, oldest) = (references[0].clone(), references[REQUESTS - 1].clone());
    let http = measure_http(
        bench,
        NAME,
        format!("GET /my/requests ({REQUESTS} cases), concurrency 1"),
        1,
        n,
        TARGET,
        move |_| Call {
            headers: cookie.clone(),
            ..Call::get("/my/requests")
        },
        move |_, r| {
            let text = r.text();
            if r.status == 200 && text.contains(&newest) && text.contains(&oldest) {
                Ok(())
            } else {
                Err(format!(
                    "status {}, {newest} … {oldest} not listed",
                    r.status
                ))
            }
        },
    )
    .await?;
    let db = bench.db.clone();
    let account = requester.id;
    let timings = time_store(n, |_| {
        let db = db.clone();
        async move {
            let found =
                cases::list_for(&db, tenant_id, cases::Owner::Account(account), None, 200).await?;
            services::list(&db, tenant_id, false).await?;
            if found.len() != REQUESTS {
                return Err(wrong(NAME, format!("{} requests", found.len())));
            }
            Ok(())
        }
    })
    .await?;
    let raw = report_raw(
        bench,
        NAME,
        "raw: cases::list_for(account) + services::list".into(),
        timings,
    )?;
    report_ratio(bench, NAME, "My requests / raw (p50)".into(), http, raw);
    Ok(())
}

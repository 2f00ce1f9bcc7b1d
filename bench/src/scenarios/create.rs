//! Case creation through the JSON API (`POST /api/v1/cases`: token, answers checked against
//! the published form, one transaction, the case read back) at concurrency 1, 16 and 64,
//! beside the store filing the same cases directly (`relais_store::cases::file`) at the same
//! concurrency: the ratio of the two rates is our overhead. Every request must answer 201
//! with its case, and the run checks every case is stored.

use super::{Bench, wrong};
use crate::client::{Call, load};
use crate::report::{Measurement, Value};
use crate::{Result, stats};
use chrono::Utc;
use relais_store::{Actor, cases};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

const NAME: &str = "create";
const SLUG: &str = "signalement-voirie";

fn answers() -> serde_json::Value {
    json!({
        "category": "pothole",
        "danger": false,
        "description": "Nid-de-poule profond devant le n° 12, dangereux pour les vélos.",
        "location_method": "address",
        "address": {"street": "12 rue des Lilas", "postcode": "75020", "city": "Paris", "country": "FR"},
        "follow_up": true,
        "email": "riverain@example.org"
    })
}

pub async fn run(bench: &mut Bench) -> Result<()> {
    super::persons::ensure(bench).await?;
    super::cases::ensure_services(bench).await?;
    let tenant_id = bench.fixture.tenant_id;
    let before = relais_store::schema::count_rows(&bench.db, "cases").await?;
    let persons = Arc::new(bench.persons.clone());
    let mut filed = 0u64;
    let mut http_16 = 0.0;
    for concurrency in [1usize, 16, 64] {
        let total = if concurrency == 1 {
            bench.scale.requests
        } else {
            bench.scale.requests * 4
        };
        let auth = bench.api_headers();
        let p = persons.clone();
        let (timings, elapsed) = load(
            bench.server.addr,
            concurrency,
            total,
            move |i| {
                let body = json!({
                    "service": SLUG,
                    "channel": "phone",
                    "answers": answers(),
                    "requester_person_id": p[(i as usize * 31) % p.len()],
                });
                Call {
                    headers: auth.clone(),
                    ..Call::get("/api/v1/cases")
                }
                .json("POST", &body)
            },
            |_, r| {
                if r.status != 201 {
                    return Err(format!(
                        "status {}: {}",
                        r.status,
                        r.text().chars().take(300).collect::<String>()
                    ));
                }
                let v: serde_json::Value =
                    serde_json::from_slice(&r.body).map_err(|e| format!("not JSON: {e}"))?;
                if v["reference"].as_str().is_some_and(|s| !s.is_empty())
                    && v["status_kind"] == "open"
                {
                    Ok(())
                } else {
                    Err("no reference in the answer".into())
                }
            },
        )
        .await?;
        filed += total;
        let rate = total as f64 / elapsed.as_secs_f64().max(f64::EPSILON);
        if concurrency == 16 {
            http_16 = rate;
        }
        let latency = stats::latency(timings).ok_or_else(|| wrong(NAME, "no request ran"))?;
        bench.report.add(Measurement {
            scenario: NAME,
            what: format!("POST /api/v1/cases, concurrency {concurrency}: cases/s"),
            value: Value::Rate {
                per_second: rate,
                count: total,
            },
            target: (concurrency == 16).then_some("≥ 2,000/s"),
        });
        bench.report.add(Measurement {
            scenario: NAME,
            what: format!("POST /api/v1/cases, concurrency {concurrency}: latency"),
            value: Value::Latency(latency),
            target: None,
        });
    }

    // The store filing the same cases, 16 at a time, from this process.
    let service = bench
        .services
        .first()
        .ok_or_else(|| wrong(NAME, "no service"))?;
    let (service_id, version) = (service.id, service.version);
    let initial = service.definition.workflow.initial.clone();
    let total = bench.scale.requests * 4;
    let concurrency = 16u64;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let (db, persons, initial) = (bench.db.clone(), persons.clone(), initial.clone());
        let share = total / concurrency + u64::from(t < total % concurrency);
        tasks.push(tokio::spawn(async move {
            let actor = Actor::system(tenant_id, "relais-bench");
            let answers = answers();
            for i in 0..share {
                let person = persons[((t * 1_000 + i) as usize * 17) % persons.len()];
                cases::file(
                    &db,
                    &actor,
                    &cases::NewCase {
                        tenant_slug: "bench",
                        service_id,
                        service_version: version,
                        requester_person_id: Some(person),
                        requester_account_id: None,
                        organisation_id: None,
                        contact_email: None,
                        tracking_code: None,
                        channel: "phone",
                        status: &initial,
                        status_kind: "open",
                        priority: "normal",
                        answers: &answers,
                        documents: &[],
                        first_response_due_at: None,
                        resolution_due_at: None,
                        next_timer_at: None,
                        team_id: None,
                        draft_id: None,
                        submitted_at: Utc::now(),
                    },
                )
                .await?;
            }
            Ok::<_, crate::BenchError>(())
        }));
    }
    for task in tasks {
        task.await
            .map_err(|e| wrong(NAME, format!("store task: {e}")))??;
    }
    let raw_rate = total as f64 / started.elapsed().as_secs_f64().max(f64::EPSILON);
    filed += total;
    bench.report.add(Measurement {
        scenario: NAME,
        what: "raw: relais_store::cases::file, concurrency 16: cases/s".into(),
        value: Value::Rate {
            per_second: raw_rate,
            count: total,
        },
        target: None,
    });
    bench.report.add(Measurement {
        scenario: NAME,
        what: "raw / API at concurrency 16 (how many times faster the store alone is)".into(),
        value: Value::Ratio {
            ratio: raw_rate / http_16.max(f64::EPSILON),
        },
        target: Some("≤ 3×"),
    });
    let stored = relais_store::schema::count_rows(&bench.db, "cases").await? - before;
    if stored as u64 != filed {
        return Err(wrong(NAME, format!("{filed} cases filed, {stored} stored")));
    }
    Ok(())
}

//! Seeded generator of cases: the public services of the demo catalogue published in the
//! bench tenant, then cases spread over three years with weekly and yearly seasonality
//! across services, channels and priorities, each with a plausible history (submission,
//! handling, messages both ways, closure, survey answers), written through the store.

use crate::{BenchError, Result};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use relais_domain::case::{EventKind, Reference};
use relais_domain::service::definition::ServiceDefinition;
use relais_domain::service::workflow::StatusKind;
use relais_store::cases::{self, GeneratedCase};
use relais_store::{Actor, Db, services};
use serde_json::json;
use std::time::{Duration as StdDuration, Instant};
use uuid::Uuid;

/// The demo catalogue's public services, as JSON `{"meta", "definition"}`.
const SERVICES: [&str; 4] = [
    include_str!("../../crates/relais/demo/services/belleville-signalement-voirie.json"),
    include_str!("../../crates/relais/demo/services/belleville-acte-etat-civil.json"),
    include_str!("../../crates/relais/demo/services/belleville-encombrants.json"),
    include_str!("../../crates/relais/demo/services/belleville-nuisances-sonores.json"),
];

/// How often each service is asked for, relative to the others.
const SERVICE_WEIGHTS: [u32; 4] = [45, 25, 20, 10];
const CHANNELS: [(&str, u32); 4] = [
    ("portal", 60),
    ("phone", 20),
    ("counter", 15),
    ("letter", 5),
];
const PRIORITIES: [(&str, u32); 4] = [("low", 10), ("normal", 70), ("high", 15), ("urgent", 5)];
/// Cases per transaction.
const CHUNK: u64 = 5_000;

pub struct Service {
    pub id: Uuid,
    pub version: i32,
    pub definition: ServiceDefinition,
}

fn bad(message: String) -> BenchError {
    BenchError::Check {
        scenario: "generate",
        message,
    }
}

/// Publishes the demo services in the tenant (once).
pub async fn publish_services(db: &Db, tenant_id: Uuid) -> Result<Vec<Service>> {
    let actor = Actor::system(tenant_id, "relais-bench");
    let mut out = Vec::new();
    for json in SERVICES {
        let file: serde_json::Value =
            serde_json::from_str(json).map_err(|e| bad(format!("demo service: {e}")))?;
        let m = &file["meta"];
        let text = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
        let meta = services::Meta {
            slug: text("slug"),
            category: text("category"),
            audience: text("audience"),
            channels: vec![
                "portal".into(),
                "phone".into(),
                "counter".into(),
                "letter".into(),
            ],
            who_may_file: "anyone".into(),
            title_fr: text("title_fr"),
            title_en: text("title_en"),
            description_fr: text("description_fr"),
            description_en: text("description_en"),
        };
        let definition: ServiceDefinition = serde_json::from_value(file["definition"].clone())
            .map_err(|e| bad(format!("demo definition: {e}")))?;
        let service = services::create(db, &actor, &meta, &file["definition"]).await?;
        let version = services::publish(db, &actor, service.id).await?;
        out.push(Service {
            id: service.id,
            version,
            definition,
        });
    }
    Ok(out)
}

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total.max(1));
    for (item, w) in items {
        if pick < *w {
            return item;
        }
        pick -= w;
    }
    &items[0].0
}

/// Relative demand on a day: busier on Mondays, quiet at weekends, a dip in August and at
/// Christmas, a rise in September.
pub fn demand(day: DateTime<Utc>) -> f64 {
    let weekday = match day.weekday() {
        Weekday::Mon => 1.35,
        Weekday::Tue => 1.2,
        Weekday::Wed => 1.1,
        Weekday::Thu => 1.1,
        Weekday::Fri => 1.0,
        Weekday::Sat => 0.35,
        Weekday::Sun => 0.15,
    };
    let season = match day.month() {
        8 => 0.6,
        9 => 1.3,
        12 if day.day() > 20 => 0.5,
        1 | 10 | 11 => 1.1,
        _ => 1.0,
    };
    weekday * season
}

fn first_of(definition: &ServiceDefinition, kind: StatusKind, not: &str) -> Option<String> {
    definition
        .workflow
        .statuses
        .iter()
        .find(|s| s.kind == kind && s.id != not)
        .map(|s| s.id.clone())
}

/// One case with its history, filed at a seasonal moment of the three years before `end`.
fn one_case(
    rng: &mut StdRng,
    services: &[Service],
    persons: &[Uuid],
    staff: &Staff<'_>,
    end: DateTime<Utc>,
) -> GeneratedCase {
    let weights: Vec<(usize, u32)> = SERVICE_WEIGHTS.iter().copied().enumerate().collect();
    let service_index = *weighted(rng, &weights) % services.len();
    let service = &services[service_index];
    let agents = staff.agents;
    let span = 3 * 365;
    // Rejection sampling of the day by its demand (the maximum is 1.35 × 1.3).
    let submitted_at = loop {
        let day = end - Duration::days(rng.gen_range(0..span));
        if rng.gen_bool((demand(day) / (1.35 * 1.3)).min(1.0)) {
            let minute = rng.gen_range(8 * 60..19 * 60);
            let date = day.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
            break Utc.from_utc_datetime(&date) + Duration::minutes(minute);
        }
    };
    let age = end - submitted_at;
    let definition = &service.definition;
    let initial = definition.workflow.initial.clone();
    let handling = first_of(definition, StatusKind::Open, &initial).unwrap_or(initial.clone());
    let first_response = submitted_at + Duration::minutes(rng.gen_range(20..3 * 24 * 60));
    let mut events = vec![(
        submitted_at,
        EventKind::Submitted,
        true,
        None,
        json!({"status": initial, "version": service.version}).to_string(),
    )];
    let closed_kind = if age > Duration::days(45) || rng.gen_bool(0.3) {
        Some(*weighted(
            rng,
            &[
                (StatusKind::ClosedAccepted, 75),
                (StatusKind::ClosedRefused, 17),
                (StatusKind::ClosedWithdrawn, 8),
            ],
        ))
    } else {
        None
    };
    let (status, status_kind, entered) = if first_response < end {
        events.push((
            first_response,
            EventKind::StatusChanged,
            true,
            None,
            json!({"from": initial, "to": handling}).to_string(),
        ));
        if rng.gen_bool(0.5) {
            events.push((
                first_response + Duration::minutes(5),
                EventKind::MessageToRequester,
                true,
                Some("Bonjour, votre demande est en cours de traitement.".into()),
                json!({"subject": "Votre demande"}).to_string(),
            ));
        }
        if rng.gen_bool(0.2) {
            events.push((
                first_response + Duration::hours(26),
                EventKind::MessageFromRequester,
                true,
                Some("Merci, je reste disponible si besoin.".into()),
                json!({}).to_string(),
            ));
        }
        let closed_at = first_response + Duration::hours(rng.gen_range(2..24 * 25));
        match closed_kind.and_then(|k| first_of(definition, k, "").map(|s| (s, k))) {
            Some((closed, kind)) if closed_at < end => {
                events.push((
                    closed_at,
                    EventKind::StatusChanged,
                    true,
                    None,
                    json!({"from": handling, "to": closed}).to_string(),
                ));
                if rng.gen_bool(0.3) {
                    events.push((
                        closed_at + Duration::hours(rng.gen_range(1..72)),
                        EventKind::SurveyAnswered,
                        true,
                        None,
                        json!({"rating": rng.gen_range(1..=5)}).to_string(),
                    ));
                }
                (closed, kind, closed_at)
            }
            // Some open cases wait on their requester (a missing document), the
            // back office's "waiting" view.
            _ => match first_of(definition, StatusKind::WaitingRequester, &initial) {
                Some(waiting) if rng.gen_bool(0.15) => {
                    let asked = (first_response + Duration::minutes(10)).min(end);
                    events.push((
                        asked,
                        EventKind::StatusChanged,
                        true,
                        None,
                        json!({"from": handling, "to": waiting}).to_string(),
                    ));
                    (waiting, StatusKind::WaitingRequester, asked)
                }
                _ => (handling, StatusKind::Open, first_response),
            },
        }
    } else {
        (initial, StatusKind::Open, submitted_at)
    };
    let closed = status_kind.is_closed();
    GeneratedCase {
        id: relais_domain::new_id(),
        reference: Reference::generate("bench", submitted_at.year(), rng.r#gen::<u64>())
            .to_string(),
        service_id: service.id,
        service_version: service.version,
        requester_person_id: (!persons.is_empty())
            .then(|| persons[rng.gen_range(0..persons.len())]),
        channel: weighted::<&str>(rng, &CHANNELS),
        status,
        status_kind: status_kind.as_str(),
        status_entered_at: entered,
        priority: weighted::<&str>(rng, &PRIORITIES),
        assignee_id: (!agents.is_empty() && rng.gen_bool(0.8))
            .then(|| agents[rng.gen_range(0..agents.len())]),
        // Each service's cases go to one team, as a routing rule sends them; a few came
        // before the rule and have none.
        team_id: (!staff.teams.is_empty() && rng.gen_bool(0.9))
            .then(|| staff.teams[service_index % staff.teams.len()]),
        answers: json!({"description": "Demande générée pour les mesures."}).to_string(),
        first_response_at: (first_response < end).then_some(first_response),
        closed_at: closed.then_some(entered),
        sla_state: if closed {
            "ok"
        } else if age > Duration::days(15) {
            "breached"
        } else if age > Duration::days(10) {
            "warning"
        } else {
            "ok"
        },
        submitted_at,
        events,
    }
}

/// Who handles the generated cases: agents are assigned, teams receive a service's cases.
pub struct Staff<'a> {
    pub agents: &'a [Uuid],
    pub teams: &'a [Uuid],
}

/// What a generation wrote and how long it took.
pub struct Generated {
    pub cases: u64,
    pub events: u64,
    pub elapsed: StdDuration,
}

/// Writes `count` cases (seeded by `seed`) in transactions of a few thousand.
pub async fn generate(
    db: &Db,
    tenant_id: Uuid,
    services: &[Service],
    persons: &[Uuid],
    staff: &Staff<'_>,
    count: u64,
    seed: u64,
) -> Result<Generated> {
    if services.is_empty() {
        return Err(bad("no service to file cases under".into()));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let end = Utc
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let actor = Actor::system(tenant_id, "relais-bench");
    let started = Instant::now();
    let (mut written, mut events) = (0u64, 0u64);
    while written < count {
        let n = CHUNK.min(count - written);
        let batch: Vec<GeneratedCase> = (0..n)
            .map(|_| one_case(&mut rng, services, persons, staff, end))
            .collect();
        events += batch.iter().map(|c| c.events.len() as u64).sum::<u64>();
        cases::insert_generated(db, &actor, &batch).await?;
        written += n;
    }
    Ok(Generated {
        cases: written,
        events,
        elapsed: started.elapsed(),
    })
}

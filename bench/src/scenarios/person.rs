//! The 360° page of a person with 200 timeline entries (interactions over every channel),
//! beside the store reading the same record. The page must show all 200.

use super::{Bench, measure_http, report_ratio, report_raw, time_store, wrong};
use crate::Result;
use crate::client::Call;
use chrono::{Duration, TimeZone, Utc};
use relais_domain::people::{Channel, Direction, NewInteraction};
use relais_store::{Actor, people};

const NAME: &str = "person";
const ENTRIES: usize = 200;
const MARK: &str = "Entretien bench n°";

pub async fn run(bench: &mut Bench) -> Result<()> {
    super::persons::ensure(bench).await?;
    // A person in the middle of the set.
    let person_id = bench.persons[bench.persons.len() / 2];
    let tenant_id = bench.fixture.tenant_id;
    let actor = Actor {
        account_id: Some(bench.fixture.admin_id),
        ..Actor::system(tenant_id, "relais-bench")
    };
    let start = Utc
        .with_ymd_and_hms(2024, 1, 8, 9, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    for i in 0..ENTRIES {
        let interaction = NewInteraction {
            channel: Channel::ALL[i % Channel::ALL.len()],
            direction: if i % 3 == 0 {
                Direction::Outbound
            } else {
                Direction::Inbound
            },
            summary: format!("{MARK}{i} : demande de renseignements sur un dossier en cours."),
            duration_minutes: Some((i % 40) as i32 + 1),
            case_ref: None,
            at: start + Duration::hours(61 * i as i64),
        };
        people::log_interaction(&bench.db, &actor, person_id, &interaction).await?;
    }
    let path = format!("/backoffice/people/{person_id}");
    let first = bench
        .call(&Call {
            headers: bench.session_headers(),
            ..Call::get(&path)
        })
        .await?;
    let shown = first.text().matches(MARK).count();
    if first.status != 200 || shown != ENTRIES {
        return Err(wrong(
            NAME,
            format!(
                "{path}: status {}, {shown} of {ENTRIES} entries shown",
                first.status
            ),
        ));
    }
    let session = bench.session_headers();
    let p = path.clone();
    let http = measure_http(
        bench,
        NAME,
        format!("GET /backoffice/people/{{id}} (360°, {ENTRIES} timeline entries), concurrency 1"),
        1,
        bench.scale.requests,
        Some("p95 ≤ 50 ms"),
        move |_| Call {
            headers: session.clone(),
            ..Call::get(&p)
        },
        |_, r| {
            let shown = r.text().matches(MARK).count();
            if r.status == 200 && shown == ENTRIES {
                Ok(())
            } else {
                Err(format!("status {}, {shown} entries", r.status))
            }
        },
    )
    .await?;
    let db = bench.db.clone();
    let timings = time_store(bench.scale.requests, |_| {
        let db = db.clone();
        async move {
            let r = people::person_record(&db, tenant_id, person_id, None)
                .await?
                .ok_or_else(|| wrong(NAME, "person not found"))?;
            if r.interactions.len() != ENTRIES {
                return Err(wrong(
                    NAME,
                    format!("{} interactions", r.interactions.len()),
                ));
            }
            Ok(())
        }
    })
    .await?;
    let raw = report_raw(
        bench,
        NAME,
        "raw: relais_store::people::person_record, same person".into(),
        timings,
    )?;
    report_ratio(bench, NAME, "360° page / raw (p50)".into(), http, raw);
    Ok(())
}

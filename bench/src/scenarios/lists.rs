//! The back office's working lists, as an agent opens them: "mine", "my teams", "unassigned" and "SLA
//! at risk", first page newest first with the count of every view — the page and the JSON
//! API, beside the store running the same list and counts. Each answer is checked against
//! the store's: the same cases in the same order.
//!
//! Read twice: by the bench admin, who reaches every case, then by an agent whose team is
//! given two of the four services (the other two go to another team), so that every list
//! and count carries the agent's scope (`relais_web::cases::access`) and is compared with
//! the store's with the same scope.

use super::{Bench, measure_http, report_ratio, report_raw, time_store, wrong};
use crate::Result;
use crate::client::Call;
use relais_domain::routing::Strategy;
use relais_store::case_views::{self, Filter, Scope, Sort, View};
use relais_store::{Actor, routing, teams};
use uuid::Uuid;

const NAME: &str = "lists";
const TARGET: Option<&str> = Some("p95 ≤ 50 ms");
/// The page's size (`backoffice::list::PAGE`).
const PAGE: i64 = 50;

/// Who reads the lists.
struct Reader {
    account: Uuid,
    /// The services out of the reader's reach (none for the admin).
    scope: Scope,
    /// Added to each figure's name (empty for the admin, whose figures keep their names).
    label: &'static str,
    session: Vec<(&'static str, String)>,
    api: Vec<(&'static str, String)>,
}

pub async fn run(bench: &mut Bench) -> Result<()> {
    super::cases::ensure(bench).await?;
    let admin = Reader {
        account: bench.fixture.admin_id,
        scope: Scope::all(),
        label: "",
        session: bench.session_headers(),
        api: bench.api_headers(),
    };
    views(bench, &admin).await?;
    let (agent, rules) = agent_of_some_services(bench).await?;
    let measured = views(bench, &agent).await;
    // The routing rules go: the scenarios after this one file cases as before.
    let actor = Actor::system(bench.fixture.tenant_id, "relais-bench");
    for service_id in rules {
        routing::delete_rule(&bench.db, &actor, service_id).await?;
    }
    measured
}

/// An agent (the first generated one) whose team is given the first and third services,
/// while another team is given the second and fourth, with a browser session and an API
/// token. Returns the reader and the services given a rule.
async fn agent_of_some_services(bench: &Bench) -> Result<(Reader, Vec<Uuid>)> {
    let tenant_id = bench.fixture.tenant_id;
    let actor = Actor::system(tenant_id, "relais-bench");
    let (Some(&agent), Some(&colleague)) = (bench.agents.get(1), bench.agents.get(2)) else {
        return Err(wrong(NAME, "no generated agents"));
    };
    let mine = teams::create(&bench.db, &actor, "Bench lists: mine").await?;
    let other = teams::create(&bench.db, &actor, "Bench lists: other").await?;
    teams::set_members(&bench.db, &actor, mine.id, &[agent]).await?;
    teams::set_members(&bench.db, &actor, other.id, &[colleague]).await?;
    let mut hidden = Vec::new();
    let mut rules = Vec::new();
    for (i, service) in bench.services.iter().enumerate() {
        let team = if i % 2 == 0 { mine.id } else { other.id };
        routing::save_rule(
            &bench.db,
            &actor,
            service.id,
            team,
            Strategy::TeamOnly,
            None,
        )
        .await?;
        rules.push(service.id);
        if team != mine.id {
            hidden.push(service.id);
        }
    }
    if hidden.is_empty() || hidden.len() == rules.len() {
        return Err(wrong(NAME, "the agent must reach some services, not all"));
    }
    let (session, token) = crate::fixture::sign_in(&bench.db, &actor, agent, "bench lists").await?;
    let reader = Reader {
        account: agent,
        scope: Scope {
            hidden_services: hidden,
        },
        label: " as an agent of 2 services of 4",
        session: vec![("cookie", format!("relais_session={session}"))],
        api: vec![("authorization", format!("Bearer {token}"))],
    };
    Ok((reader, rules))
}

/// The views as `reader` opens them (page, API and raw store, each checked): the three of
/// the issue, then those waiting on the requester and past their service level.
async fn views(bench: &mut Bench, reader: &Reader) -> Result<()> {
    let tenant_id = bench.fixture.tenant_id;
    let who = reader.account;
    let label = reader.label;
    for view in [
        View::Mine,
        View::Teams,
        View::Unassigned,
        View::AtRisk,
        View::Waiting,
        View::Breached,
    ] {
        let name = view.as_str();
        let expected = case_views::list_within(
            &bench.db,
            tenant_id,
            who,
            &reader.scope,
            view,
            &Filter::default(),
            Sort::Newest,
            None,
            PAGE,
        )
        .await?;
        if expected.is_empty() {
            return Err(wrong(
                NAME,
                format!("view {name}{label} is empty: nothing to measure"),
            ));
        }
        if expected
            .iter()
            .any(|r| reader.scope.hidden_services.contains(&r.service_id))
        {
            return Err(wrong(
                NAME,
                format!("view {name}{label}: a case out of reach listed"),
            ));
        }
        let counts = case_views::counts_within(&bench.db, tenant_id, who, &reader.scope).await?;
        let count = counts
            .iter()
            .find(|(v, _)| *v == view)
            .map_or(0, |(_, n)| *n);
        if count < expected.len() as i64 {
            return Err(wrong(
                NAME,
                format!("view {name}{label}: count {count} below its first page"),
            ));
        }
        let ids: Vec<String> = expected.iter().map(|r| r.id.to_string()).collect();
        let first_ref = expected[0].reference.clone();
        let last_ref = expected[expected.len() - 1].reference.clone();

        let session = reader.session.clone();
        let path = format!("/backoffice/cases?view={name}");
        let page = measure_http(
            bench,
            NAME,
            format!(
                "GET /backoffice/cases?view={name} (page of {PAGE} with view counts){label}, concurrency 1"
            ),
            1,
            bench.scale.requests,
            TARGET,
            move |_| Call {
                headers: session.clone(),
                ..Call::get(&path)
            },
            move |_, r| {
                let text = r.text();
                if r.status == 200 && text.contains(&first_ref) && text.contains(&last_ref) {
                    Ok(())
                } else {
                    Err(format!(
                        "status {}, {first_ref} … {last_ref} not listed",
                        r.status
                    ))
                }
            },
        )
        .await?;

        let auth = reader.api.clone();
        let path = format!("/api/v1/cases?view={name}&limit={PAGE}");
        measure_http(
            bench,
            NAME,
            format!("GET /api/v1/cases?view={name}&limit={PAGE}{label}, concurrency 1"),
            1,
            bench.scale.requests,
            TARGET,
            move |_| Call {
                headers: auth.clone(),
                ..Call::get(&path)
            },
            move |_, r| {
                let v: serde_json::Value =
                    serde_json::from_slice(&r.body).map_err(|e| format!("not JSON: {e}"))?;
                let got: Vec<String> = v["items"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                if r.status == 200 && got == ids {
                    Ok(())
                } else {
                    Err(format!(
                        "status {}, {} cases, not the store's {}",
                        r.status,
                        got.len(),
                        ids.len()
                    ))
                }
            },
        )
        .await?;

        let db = bench.db.clone();
        let scope = reader.scope.clone();
        let timings = time_store(bench.scale.requests, |_| {
            let db = db.clone();
            let scope = scope.clone();
            async move {
                let rows = case_views::list_within(
                    &db,
                    tenant_id,
                    who,
                    &scope,
                    view,
                    &Filter::default(),
                    Sort::Newest,
                    None,
                    PAGE + 1,
                )
                .await?;
                case_views::counts_within(&db, tenant_id, who, &scope).await?;
                if rows.is_empty() {
                    return Err(wrong(NAME, "empty list"));
                }
                Ok(())
            }
        })
        .await?;
        let raw = report_raw(
            bench,
            NAME,
            format!("raw: case_views::list + counts, view {name}{label}"),
            timings,
        )?;
        report_ratio(
            bench,
            NAME,
            format!("view {name}{label}: page / raw (p50)"),
            page,
            raw,
        );
    }
    Ok(())
}

//! Case data at scale: the seeded generator writes `--cases` cases with their histories
//! through the store (rows per second reported), then the run checks they are all there.

use super::{Bench, wrong};
use crate::Result;
use crate::cases_gen;
use crate::report::{Measurement, Value};
use relais_domain::{AccountKind, Email, Role};
use relais_store::{Actor, accounts};

const NAME: &str = "cases";
const AGENTS: usize = 12;
/// Teams the agents are spread over; service `i`'s cases go to team `i % TEAMS`.
const TEAMS: usize = 4;

/// Publishes the demo services once per run.
pub async fn ensure_services(bench: &mut Bench) -> Result<()> {
    if bench.services.is_empty() {
        bench.services = cases_gen::publish_services(&bench.db, bench.fixture.tenant_id).await?;
    }
    Ok(())
}

/// Generates the cases once per run (other scenarios call this before they need them).
pub async fn ensure(bench: &mut Bench) -> Result<()> {
    if bench.cases_generated {
        return Ok(());
    }
    super::persons::ensure(bench).await?;
    ensure_services(bench).await?;
    let tenant_id = bench.fixture.tenant_id;
    let actor = Actor::system(tenant_id, "relais-bench");
    // The bench admin handles cases too, so that "mine" has some.
    let mut agents = vec![bench.fixture.admin_id];
    for i in 0..AGENTS {
        let email = Email::parse(&format!("agent{i}@bench.example"))
            .map_err(|e| wrong(NAME, format!("agent e-mail: {e:?}")))?;
        let agent = accounts::create(
            &bench.db,
            &actor,
            accounts::NewAccount {
                kind: AccountKind::Staff,
                email,
                display_name: format!("Agent {i}"),
                password_hash: None,
                role: Some(Role::Agent),
                locale: None,
            },
        )
        .await?;
        agents.push(agent.id);
    }
    // The agents in teams (the admin too, so that "my teams" has cases for them as well).
    let mut teams = Vec::new();
    for t in 0..TEAMS {
        let team =
            relais_store::teams::create(&bench.db, &actor, &format!("Bench team {t}")).await?;
        let members: Vec<uuid::Uuid> = agents
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == 0 && t == 0 || *i > 0 && (i - 1) % TEAMS == t)
            .map(|(_, a)| *a)
            .collect();
        relais_store::teams::set_members(&bench.db, &actor, team.id, &members).await?;
        teams.push(team.id);
    }
    eprintln!("  generating {} cases…", bench.scale.cases);
    let before = relais_store::schema::count_rows(&bench.db, "cases").await?;
    let generated = cases_gen::generate(
        &bench.db,
        tenant_id,
        &bench.services,
        &bench.persons,
        &cases_gen::Staff {
            agents: &agents,
            teams: &teams,
        },
        bench.scale.cases,
        bench.scale.seed,
    )
    .await?;
    let stored = relais_store::schema::count_rows(&bench.db, "cases").await? - before;
    if stored as u64 != generated.cases {
        return Err(wrong(
            NAME,
            format!("{} cases generated, {stored} stored", generated.cases),
        ));
    }
    let secs = generated.elapsed.as_secs_f64().max(f64::EPSILON);
    bench.report.add(Measurement {
        scenario: NAME,
        what: format!(
            "generator: cases with their timelines ({} events) through the store",
            generated.events
        ),
        value: Value::Rate {
            per_second: generated.cases as f64 / secs,
            count: generated.cases,
        },
        target: None,
    });
    // Statistics as autovacuum would leave them after a bulk load (PostgreSQL only).
    relais_store::schema::analyze(&bench.db).await?;
    bench.agents = agents;
    bench.cases_generated = true;
    Ok(())
}

//! Routing a new case: the service's rule gives it to a team, then to one of its members by
//! round-robin, least load or skill (`relais_domain::routing::pick`), skipping members who are
//! away or full. The outcome is one case write with its timeline entry, by the system.

use super::flow::FlowResult;
use crate::AppState;
use relais_domain::{case::EventKind, routing::pick};
use relais_store::{
    Actor, accounts,
    cases::{self, Case, CaseWrite, NewEvent},
    routing, teams,
    tenants::Tenant,
};
use serde_json::json;

/// Routes `case` by its service's `rule` (read with `routing::rule_for`); the case as it is
/// after (unchanged without a rule).
pub async fn route(
    state: &AppState,
    tenant: &Tenant,
    case: Case,
    rule: Option<routing::RuleRow>,
) -> FlowResult<Case> {
    let Some(rule) = rule else {
        return Ok(case);
    };
    let Some(team) = teams::get(&state.db, tenant.id, rule.team_id).await? else {
        return Ok(case);
    };
    let candidates = routing::candidates(&state.db, tenant.id, team.id).await?;
    let picked = pick(
        rule.strategy(),
        rule.skill.as_deref(),
        &candidates,
        rule.last_assignee_id,
    );
    let agent = match picked {
        Ok(id) => accounts::get(&state.db, tenant.id, id).await?,
        Err(_) => None,
    };
    let mut data = json!({
        "team_id": team.id, "team": team.name, "routing": rule.strategy,
        "assignee_id": agent.as_ref().map(|a| a.id),
        "assignee": agent.as_ref().map(|a| a.display_name.clone()),
    });
    if let Err(why) = picked {
        data["no_pick"] = json!(why.as_str());
    }
    let system = Actor::system(tenant.id, "routing");
    let updated = cases::apply(
        &state.db,
        &system,
        case.id,
        CaseWrite {
            expected_version: case.row_version,
            team_id: Some(Some(team.id)),
            assignee_id: agent.as_ref().map(|a| Some(a.id)),
            events: vec![NewEvent::new(EventKind::Assigned, data)],
            audit: (
                "case.route",
                json!({"reference": case.reference, "team_id": team.id,
                       "assignee_id": agent.as_ref().map(|a| a.id),
                       "strategy": rule.strategy}),
            ),
            ..CaseWrite::default()
        },
    )
    .await?;
    if let Some(agent) = &agent {
        routing::record_pick(&state.db, tenant.id, case.service_id, agent.id).await?;
    }
    Ok(updated)
}

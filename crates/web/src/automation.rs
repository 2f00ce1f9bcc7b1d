//! Automation: rules (`relais_domain::automation`) run as background jobs.
//!
//! - Event rules: `flow::file` (case created), `flow::fire` (status changed) and the
//!   requester's message call [`on_event`], which queues an `automation.event` job when the
//!   tenant has an enabled rule for that event. Changes made by automation itself start no
//!   rule (no loops).
//! - Timed rules: [`schedule_forever`] (started by `serve`) queues one `automation.time` job
//!   per tenant with timed rules every few minutes; the job looks at the cases in their status
//!   for long enough and runs each rule once per stay of a case in a status.
//!
//! Each run is claimed in `automation_runs` first (so two processes never run a rule twice on
//! the same event or stay), carries its actions out through `cases::handling` / `flow::fire`
//! as the system, and is written on the case's staff timeline with each action's outcome.

use crate::{
    AppState,
    cases::{
        flow::{self, FlowError},
        handling,
    },
    jobs::{JobContext, JobError, JobFuture, JobHandler},
};
use chrono::Utc;
use relais_domain::{
    Role,
    automation::{Action, Facts, Trigger, stay_key},
    case::EventKind,
    service::{sla::Priority, workflow},
};
use relais_store::StoreError;
use relais_store::{
    Actor, automation, canned, case_labels,
    cases::{self, Case, NewEvent},
    jobs::{self, NewJob},
    tenants::{self, Tenant},
};
use serde_json::{Value, json};
use std::{sync::Arc, time::Duration};
use uuid::Uuid;

/// The label of automation's writes (timeline and audit). Changes by this actor start no
/// rule.
pub const ACTOR: &str = "automation";
pub const EVENT_JOB: &str = "automation.event";
pub const TIME_JOB: &str = "automation.time";

fn system(tenant_id: Uuid) -> Actor {
    Actor::system(tenant_id, ACTOR)
}

/// The tenant's enabled rules of `trigger`, read at most once a second (every filing and
/// every change of a case asks).
pub async fn enabled(
    state: &AppState,
    tenant_id: Uuid,
    trigger: Trigger,
) -> Result<Arc<Vec<automation::RuleRow>>, StoreError> {
    state
        .automation_rules
        .get_or_read((tenant_id, trigger.as_str()), || async {
            automation::enabled(&state.db, tenant_id, trigger)
                .await
                .map(Arc::new)
        })
        .await
}

/// Queues the event rules of `trigger` for a case, if the tenant has any. Never fails the
/// caller: a queueing problem is logged.
pub async fn on_event(
    state: &AppState,
    actor: &Actor,
    tenant_id: Uuid,
    case_id: Uuid,
    trigger: Trigger,
) {
    if actor.label == ACTOR {
        return;
    }
    let rules = enabled(state, tenant_id, trigger).await;
    queue_event(
        state,
        actor,
        tenant_id,
        case_id,
        trigger,
        rules.map(|r| !r.is_empty()),
    )
    .await;
}

/// [`on_event`] once the question "has the tenant rules for `trigger`?" is answered (a
/// filing asks it while the case is being written).
pub async fn queue_event(
    state: &AppState,
    actor: &Actor,
    tenant_id: Uuid,
    case_id: Uuid,
    trigger: Trigger,
    has_rules: Result<bool, relais_store::StoreError>,
) {
    if actor.label == ACTOR {
        return;
    }
    let result = async {
        if !has_rules? {
            return Ok::<_, relais_store::StoreError>(());
        }
        jobs::enqueue(
            &state.db,
            &system(tenant_id),
            &NewJob::new(
                EVENT_JOB,
                json!({"case_id": case_id, "trigger": trigger.as_str(),
                       "key": relais_domain::new_id()}),
            ),
        )
        .await?;
        crate::jobs::wake(state);
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(case = %case_id, error = %e, "automation not queued");
    }
}

/// Queues one timed pass per tenant with timed rules (unless one is waiting already).
pub async fn schedule(state: &AppState) -> Result<usize, relais_store::StoreError> {
    let mut queued = 0;
    for tenant_id in automation::tenants_with_timed_rules(&state.db).await? {
        let pending = jobs::list(&state.db, tenant_id, TIME_JOB, 5)
            .await?
            .iter()
            .any(|j| !j.state.is_final());
        if !pending {
            jobs::enqueue(
                &state.db,
                &system(tenant_id),
                &NewJob::new(TIME_JOB, json!({})),
            )
            .await?;
            queued += 1;
        }
    }
    if queued > 0 {
        crate::jobs::wake(state);
    }
    Ok(queued)
}

/// Runs [`schedule`] forever, every `every`.
pub async fn schedule_forever(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = schedule(&state).await {
            tracing::warn!(error = %e, "automation schedule failed");
        }
    }
}

async fn facts_of(state: &AppState, case: &Case) -> Result<Vec<String>, JobError> {
    Ok(case_labels::of_case(&state.db, case.tenant_id, case.id).await?)
}

fn facts<'a>(case: &'a Case, labels: &'a [String]) -> Facts<'a> {
    Facts {
        service_id: case.service_id,
        status: &case.status,
        status_kind: &case.status_kind,
        status_entered_at: case.status_entered_at,
        priority: &case.priority,
        channel: &case.channel,
        labels,
    }
}

async fn tenant(state: &AppState, id: Uuid) -> Result<Tenant, JobError> {
    tenants::by_id(&state.db, id)
        .await?
        .ok_or_else(|| JobError::Fatal("tenant gone".into()))
}

/// Runs the event rules for one case.
pub struct EventJob;

impl JobHandler for EventJob {
    fn kind(&self) -> &'static str {
        EVENT_JOB
    }

    fn run<'a>(&'a self, cx: &'a JobContext) -> JobFuture<'a> {
        Box::pin(async move {
            let p = &cx.job.payload;
            let case_id = p
                .get("case_id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or_else(|| JobError::Fatal("no case".into()))?;
            let trigger = p
                .get("trigger")
                .and_then(Value::as_str)
                .and_then(Trigger::parse)
                .ok_or_else(|| JobError::Fatal("no trigger".into()))?;
            let key = p.get("key").and_then(Value::as_str).unwrap_or("event");
            let tenant = tenant(&cx.state, cx.job.tenant_id).await?;
            let Some(case) = cases::get(&cx.state.db, tenant.id, case_id).await? else {
                return Ok(json!({"ran": 0}));
            };
            let labels = facts_of(&cx.state, &case).await?;
            let mut ran = 0;
            for row in automation::enabled(&cx.state.db, tenant.id, trigger).await? {
                let Some(rule) = row.rule() else { continue };
                if !rule.applies(trigger, &facts(&case, &labels)) {
                    continue;
                }
                if run_rule(
                    &cx.state,
                    &tenant,
                    &row,
                    &rule.actions,
                    case.id,
                    &format!("event:{key}"),
                )
                .await?
                {
                    ran += 1;
                }
            }
            Ok(json!({"ran": ran}))
        })
    }
}

/// Runs the timed rules of one tenant.
pub struct TimeJob;

impl JobHandler for TimeJob {
    fn kind(&self) -> &'static str {
        TIME_JOB
    }

    fn run<'a>(&'a self, cx: &'a JobContext) -> JobFuture<'a> {
        Box::pin(async move {
            let tenant = tenant(&cx.state, cx.job.tenant_id).await?;
            let now = Utc::now();
            let mut ran = 0;
            for trigger in [Trigger::WaitingDays, Trigger::IdleDays] {
                for row in automation::enabled(&cx.state.db, tenant.id, trigger).await? {
                    let Some(rule) = row.rule() else { continue };
                    let Some(before) = rule.entered_before(now) else {
                        continue;
                    };
                    let ids = automation::timed_candidates(
                        &cx.state.db,
                        tenant.id,
                        row.id,
                        trigger,
                        before,
                    )
                    .await?;
                    for id in ids {
                        let Some(case) = cases::get(&cx.state.db, tenant.id, id).await? else {
                            continue;
                        };
                        let labels = facts_of(&cx.state, &case).await?;
                        if !rule.due(&facts(&case, &labels), now) {
                            continue;
                        }
                        let key = stay_key(&case.status, case.status_entered_at);
                        if run_rule(&cx.state, &tenant, &row, &rule.actions, case.id, &key).await? {
                            ran += 1;
                        }
                    }
                }
            }
            Ok(json!({"ran": ran}))
        })
    }
}

/// One rule on one case: claimed, its actions done in order (each on the case as it is
/// after the previous one), the outcome on the timeline. `false` if it had run already.
async fn run_rule(
    state: &AppState,
    tenant: &Tenant,
    row: &automation::RuleRow,
    actions: &[Action],
    case_id: Uuid,
    key: &str,
) -> Result<bool, JobError> {
    let Some(run_id) = automation::claim_run(&state.db, tenant.id, row.id, case_id, key).await?
    else {
        return Ok(false);
    };
    let actor = system(tenant.id);
    let mut outcomes = Vec::new();
    for action in actions {
        let current = match cases::get(&state.db, tenant.id, case_id).await? {
            Some(c) => c,
            None => break,
        };
        let result = act(state, tenant, &actor, &current, action).await;
        let outcome = match result {
            Ok(()) => "done",
            Err(FlowError::Store(e)) => return Err(e.into()),
            Err(FlowError::Stale) => "case-stale",
            Err(FlowError::NotFound) => "bulk-case-not-found",
            Err(FlowError::Refused(code)) => code,
            Err(FlowError::Plan(e)) => crate::backoffice::plan_message(&e),
            Err(FlowError::Answers(list)) => {
                list.first().map_or("case-answers-invalid", |e| e.code)
            }
        };
        outcomes.push(json!({"action": action.kind(), "outcome": outcome}));
    }
    let done = outcomes.iter().filter(|o| o["outcome"] == "done").count();
    let summary = match done {
        0 => "refused",
        n if n == outcomes.len() => "done",
        _ => "partial",
    };
    cases::append_events(
        &state.db,
        &actor,
        case_id,
        &[NewEvent::new(
            EventKind::Automation,
            json!({"rule_id": row.id, "rule": row.name, "trigger": row.trigger,
                   "actions": outcomes, "outcome": summary}),
        )],
    )
    .await?;
    automation::finish_run(&state.db, tenant.id, run_id, summary).await?;
    Ok(true)
}

async fn act(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case: &Case,
    action: &Action,
) -> Result<(), FlowError> {
    let v = case.row_version;
    match action {
        Action::Assign { agent } => {
            handling::assign(state, tenant, actor, case.id, v, case.team_id, Some(*agent)).await?;
        }
        Action::Label { label } => {
            let mut labels = case_labels::of_case(&state.db, tenant.id, case.id).await?;
            if !labels
                .iter()
                .any(|l| l.to_lowercase() == label.to_lowercase())
            {
                labels.push(label.clone());
                handling::set_labels(state, tenant, actor, case.id, v, &labels.join(", ")).await?;
            }
        }
        Action::SetPriority { priority } => {
            let p =
                Priority::parse(priority).ok_or(FlowError::Refused("cases-invalid-priority"))?;
            handling::set_priority(state, tenant, actor, case.id, v, p).await?;
        }
        Action::SendTemplate { canned: id } => {
            let template = canned::get(&state.db, tenant.id, *id)
                .await?
                .ok_or(FlowError::Refused("bulk-canned-required"))?;
            let body = handling::fill_canned(state, tenant, case, &tenant.name, &template).await?;
            handling::reply(state, tenant, actor, case.id, v, &body).await?;
        }
        Action::Transition { transition } => {
            // With an administrator's rights: the workflow still decides from which status.
            flow::fire(
                state,
                tenant,
                actor,
                workflow::Actor::Staff(Role::Admin),
                case.id,
                v,
                transition,
                None,
            )
            .await?;
        }
    }
    Ok(())
}

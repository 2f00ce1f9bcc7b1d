//! The back office's operations over the API: bulk actions on cases (each case checked on
//! its own, as in the list), the supervisor board's figures, and the routing and automation
//! rules. Each handler checks the same permission as its page and shares its code
//! (`backoffice::bulk`, `rules::read_routing`, `rules::read_automation`).

use super::{
    auth::ApiUser,
    cases::CaseSummary,
    error::{ApiError, ApiJson, ApiResult, ErrorBody, IdPath, english},
};
use crate::{admin::Errors, backoffice::bulk, rules, state::AppState};
use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use relais_domain::{
    Permission,
    automation::{Action, Rule, RuleForm},
    routing::{MAX_BULK, Picked},
};
use relais_store::{
    StoreError, automation,
    case_views::{self, Filter, Sort, View},
    routing,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The first problem of a checked form as the API's 422, every problem in `detail`.
fn invalid(errors: Errors) -> ApiError {
    let detail = errors
        .iter()
        .map(|(field, code)| format!("{field}: {}", english(code)))
        .collect::<Vec<_>>()
        .join("; ");
    match errors.first() {
        Some((field, code)) => ApiError::Invalid {
            field: Some((*field).to_owned()),
            code,
            detail: Some(detail),
        },
        None => ApiError::invalid("body", "invalid-answers"),
    }
}

// ---------------------------------------------------------------------------------------
// Bulk actions

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkCase {
    pub id: Uuid,
    /// The `row_version` the caller saw: a case changed since is refused (`bulk-stale`).
    pub row_version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkIn {
    /// 1 to 100 cases.
    pub cases: Vec<BulkCase>,
    /// `assign`, `label`, `transition` or `reply`.
    #[schema(example = "label")]
    pub action: String,
    /// For `assign`: the staff account.
    #[serde(default)]
    pub assignee: Option<Uuid>,
    /// For `label`: labels to add, separated by commas.
    #[serde(default)]
    pub labels: Option<String>,
    /// For `transition`: the workflow transition's id.
    #[serde(default)]
    pub transition: Option<String>,
    /// For `reply`: the canned response sent (in each requester's language).
    #[serde(default)]
    pub canned: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    pub id: Uuid,
    /// Empty when no case has this id here.
    pub reference: String,
    pub done: bool,
    /// What was done, or why it was refused (a message id).
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOut {
    pub action: String,
    pub done: i64,
    pub refused: i64,
    pub results: Vec<BulkResult>,
}

/// One action on several cases, each handled on its own with the version given, exactly as
/// the case list's bulk action: every refusal (stale, closed, workflow, role, access, another
/// tenant's case) is per case. One `case.bulk` audit row sums it up.
#[utoipa::path(post, path = "/api/v1/cases/bulk", operation_id = "bulk_cases", tag = "cases",
    request_body = BulkIn,
    responses(
        (status = 200, description = "What was done or refused for each case", body = BulkOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "No case, too many, or an action that cannot be read", body = ErrorBody),
    ))]
pub async fn bulk_cases(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<BulkIn>,
) -> ApiResult<Json<BulkOut>> {
    user.require(Permission::Write)?;
    let mut picked: Vec<Picked> = Vec::new();
    for c in &body.cases {
        if !picked.iter().any(|p| p.case_id == c.id) {
            picked.push(Picked {
                case_id: c.id,
                row_version: c.row_version,
            });
        }
    }
    if picked.is_empty() {
        return Err(ApiError::invalid("cases", "bulk-none-selected"));
    }
    if picked.len() > MAX_BULK {
        return Err(ApiError::invalid("cases", "bulk-too-many"));
    }
    let id = |v: Option<Uuid>| v.map(|v| v.to_string()).unwrap_or_default();
    let action = bulk::action_of(
        &state,
        &user.ctx,
        &body.action,
        &id(body.assignee),
        body.labels.as_deref().unwrap_or(""),
        body.transition.as_deref().unwrap_or(""),
        &id(body.canned),
    )
    .await?
    .map_err(|code| ApiError::invalid("action", code))?;
    let access = user.access(&state).await?;
    let lines = bulk::run(
        &state,
        &user.ctx,
        &access,
        &user.account.display_name,
        &picked,
        &action,
    )
    .await?;
    let done = lines.iter().filter(|l| l.done).count() as i64;
    Ok(Json(BulkOut {
        action: action.name().to_owned(),
        done,
        refused: lines.len() as i64 - done,
        results: lines
            .into_iter()
            .map(|l| BulkResult {
                id: l.case_id,
                reference: l.reference,
                done: l.done,
                code: l.code.to_owned(),
                message: english(l.code),
            })
            .collect(),
    }))
}

// ---------------------------------------------------------------------------------------
// Supervisor board

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkloadOut {
    pub id: Uuid,
    pub display_name: String,
    pub role: Option<String>,
    /// Takes new cases (null: never set, which means available).
    pub available: Option<bool>,
    /// Open cases at most (null: no limit).
    pub capacity: Option<i32>,
    pub open_cases: i64,
    pub waiting_cases: i64,
    pub at_risk: i64,
    pub breached: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BacklogBucket {
    /// 0 = less than a day, then up to 3 days, a week, a month, older.
    pub bucket: i64,
    pub label: String,
    pub open: i64,
    pub unassigned: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardOut {
    pub workload: Vec<WorkloadOut>,
    pub backlog: Vec<BacklogBucket>,
    /// Open cases whose service level is breached, then at risk, oldest first (50 of each
    /// at most).
    pub at_risk: Vec<CaseSummary>,
}

/// The supervisor board: each agent's workload, the open backlog by age, the cases breached
/// or at risk. Reassign with the bulk action `assign`.
#[utoipa::path(get, path = "/api/v1/board", operation_id = "get_board", tag = "board",
    responses(
        (status = 200, description = "The board", body = BoardOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the supervise permission (admin, supervisor)", body = ErrorBody),
    ))]
pub async fn board(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<BoardOut>> {
    user.require(Permission::Supervise)?;
    let tenant_id = user.tenant_id();
    let workload = routing::workload(&state.db, tenant_id)
        .await?
        .into_iter()
        .map(|w| WorkloadOut {
            id: w.id,
            display_name: w.display_name,
            role: w.role,
            available: w.available,
            capacity: w.capacity,
            open_cases: w.open_cases,
            waiting_cases: w.waiting_cases,
            at_risk: w.at_risk,
            breached: w.breached,
        })
        .collect();
    let backlog = routing::backlog_by_age(&state.db, tenant_id, Utc::now())
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, (open, unassigned))| BacklogBucket {
            bucket: i as i64,
            label: english(&format!("board-age-{i}")),
            open,
            unassigned,
        })
        .collect();
    let mut at_risk = Vec::new();
    for view in [View::Breached, View::AtRisk] {
        at_risk.extend(
            case_views::list_within(
                &state.db,
                tenant_id,
                user.account.id,
                // The board is for supervisors, who see every case.
                &case_views::Scope::all(),
                view,
                &Filter::default(),
                Sort::Oldest,
                None,
                50,
            )
            .await?
            .into_iter()
            .map(CaseSummary::from),
        );
    }
    Ok(Json(BoardOut {
        workload,
        backlog,
        at_risk,
    }))
}

// ---------------------------------------------------------------------------------------
// Routing rules

#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingRuleOut {
    pub service_id: Uuid,
    pub team_id: Uuid,
    /// `team_only`, `round_robin`, `least_loaded` or `skills`.
    pub strategy: String,
    pub skill: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<routing::RuleRow> for RoutingRuleOut {
    fn from(r: routing::RuleRow) -> Self {
        RoutingRuleOut {
            service_id: r.service_id,
            team_id: r.team_id,
            strategy: r.strategy,
            skill: r.skill,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoutingRuleIn {
    pub team_id: Uuid,
    #[schema(example = "round_robin")]
    pub strategy: String,
    /// Required with `skills`, ignored otherwise.
    #[serde(default)]
    pub skill: Option<String>,
}

/// Where new cases of each service go.
#[utoipa::path(get, path = "/api/v1/routing", operation_id = "list_routing_rules", tag = "rules",
    responses(
        (status = 200, description = "Routing rules", body = Vec<RoutingRuleOut>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-automation permission (admin)", body = ErrorBody),
    ))]
pub async fn list_routing(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<RoutingRuleOut>>> {
    user.require(Permission::ManageAutomation)?;
    Ok(Json(
        routing::rules(&state.db, user.tenant_id())
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Sets (or replaces) the routing rule of a service.
#[utoipa::path(put, path = "/api/v1/routing/{id}", operation_id = "set_routing_rule", tag = "rules",
    params(("id" = Uuid, Path, description = "Service id")),
    request_body = RoutingRuleIn,
    responses(
        (status = 200, description = "The rule", body = RoutingRuleOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-automation permission (admin)", body = ErrorBody),
        (status = 404, description = "No service with this id here", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Unknown team or strategy, skill missing", body = ErrorBody),
    ))]
pub async fn set_routing(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<RoutingRuleIn>,
) -> ApiResult<Json<RoutingRuleOut>> {
    user.require(Permission::ManageAutomation)?;
    let tenant_id = user.tenant_id();
    let service = relais_store::services::get(&state.db, tenant_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (team, strategy, skill) = rules::read_routing(
        &state,
        tenant_id,
        &body.team_id.to_string(),
        &body.strategy,
        body.skill.as_deref().unwrap_or(""),
    )
    .await?
    .map_err(invalid)?;
    routing::save_rule(
        &state.db,
        &user.actor(),
        service.id,
        team,
        strategy,
        skill.as_deref(),
    )
    .await?;
    let rule = routing::rule_for(&state.db, tenant_id, service.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(rule.into()))
}

/// Removes the routing rule of a service (its new cases then wait unassigned).
#[utoipa::path(delete, path = "/api/v1/routing/{id}", operation_id = "delete_routing_rule", tag = "rules",
    params(("id" = Uuid, Path, description = "Service id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-automation permission (admin)", body = ErrorBody),
        (status = 404, description = "No rule for this service here", body = ErrorBody),
    ))]
pub async fn delete_routing(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageAutomation)?;
    routing::rule_for(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    routing::delete_rule(&state.db, &user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------------------------------
// Automation rules

/// Which cases a rule acts on; every condition is optional.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionsIo {
    #[serde(default)]
    pub service_id: Option<Uuid>,
    /// A status id of the service's workflow.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
}

/// What a rule does, in this order; at least one.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionsIo {
    /// Give the case to this staff member.
    #[serde(default)]
    pub assign: Option<Uuid>,
    #[serde(default)]
    pub add_label: Option<String>,
    #[serde(default)]
    pub set_priority: Option<String>,
    /// Reply to the requester with this canned response.
    #[serde(default)]
    pub send_template: Option<Uuid>,
    /// Fire this workflow transition.
    #[serde(default)]
    pub transition: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutomationRuleIn {
    pub name: String,
    /// `case_created`, `status_changed`, `message_received`, `waiting_days` or `idle_days`.
    #[schema(example = "case_created")]
    pub trigger: String,
    /// Days, for `waiting_days` and `idle_days` (1 to 365).
    #[serde(default)]
    pub delay_days: Option<i64>,
    #[serde(default)]
    pub conditions: ConditionsIo,
    pub actions: ActionsIo,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AutomationRuleOut {
    pub id: Uuid,
    pub name: String,
    pub trigger: String,
    pub delay_days: Option<i64>,
    pub conditions: ConditionsIo,
    pub actions: ActionsIo,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn rule_out(row: automation::RuleRow) -> AutomationRuleOut {
    let rule: Option<Rule> = row.rule();
    let mut actions = ActionsIo::default();
    let mut conditions = ConditionsIo::default();
    if let Some(rule) = &rule {
        conditions = ConditionsIo {
            service_id: rule.conditions.service_id,
            status: rule.conditions.status.clone(),
            priority: rule.conditions.priority.clone(),
            channel: rule.conditions.channel.clone(),
            label: rule.conditions.label.clone(),
        };
        for a in &rule.actions {
            match a {
                Action::Assign { agent } => actions.assign = Some(*agent),
                Action::Label { label } => actions.add_label = Some(label.clone()),
                Action::SetPriority { priority } => actions.set_priority = Some(priority.clone()),
                Action::SendTemplate { canned } => actions.send_template = Some(*canned),
                Action::Transition { transition } => actions.transition = Some(transition.clone()),
            }
        }
    }
    AutomationRuleOut {
        id: row.id,
        name: row.name,
        trigger: row.trigger,
        delay_days: row.delay_days.map(i64::from),
        conditions,
        actions,
        enabled: row.enabled,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Checks and writes a rule (a new one when `id` is `None`).
async fn save_rule(
    state: &AppState,
    user: &ApiUser,
    id: Option<Uuid>,
    body: &AutomationRuleIn,
) -> ApiResult<Uuid> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let id_text = |v: Option<Uuid>| v.map(|v| v.to_string()).unwrap_or_default();
    let (delay, service, status, priority, channel, label) = (
        body.delay_days.map(|d| d.to_string()).unwrap_or_default(),
        id_text(body.conditions.service_id),
        text(&body.conditions.status),
        text(&body.conditions.priority),
        text(&body.conditions.channel),
        text(&body.conditions.label),
    );
    let (assign, add_label, set_priority, send_template, transition) = (
        id_text(body.actions.assign),
        text(&body.actions.add_label),
        text(&body.actions.set_priority),
        id_text(body.actions.send_template),
        text(&body.actions.transition),
    );
    let form = RuleForm {
        name: &body.name,
        trigger: &body.trigger,
        delay_days: &delay,
        service: &service,
        status: &status,
        priority: &priority,
        channel: &channel,
        label: &label,
        assign: &assign,
        add_label: &add_label,
        set_priority: &set_priority,
        send_template: &send_template,
        transition: &transition,
    };
    let (name, rule) = rules::read_automation(state, user.tenant_id(), &form)
        .await?
        .map_err(invalid)?;
    automation::save(&state.db, &user.actor(), id, &name, &rule, body.enabled)
        .await
        .map_err(|e| match e {
            StoreError::Conflict => ApiError::Conflict {
                error: "conflict",
                message_id: "automation-name-taken",
            },
            other => other.into(),
        })
}

/// The automation rules, by name.
#[utoipa::path(get, path = "/api/v1/automation", operation_id = "list_automation_rules", tag = "rules",
    responses(
        (status = 200, description = "Automation rules", body = Vec<AutomationRuleOut>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-automation permission (admin)", body = ErrorBody),
    ))]
pub async fn list_automation(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<AutomationRuleOut>>> {
    user.require(Permission::ManageAutomation)?;
    Ok(Json(
        automation::list(&state.db, user.tenant_id())
            .await?
            .into_iter()
            .map(rule_out)
            .collect(),
    ))
}

/// A new automation rule, checked like the administration's form.
#[utoipa::path(post, path = "/api/v1/automation", operation_id = "create_automation_rule", tag = "rules",
    request_body = AutomationRuleIn,
    responses(
        (status = 201, description = "Created", body = AutomationRuleOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-automation permission (admin)", body = ErrorBody),
        (status = 409, description = "A rule already has this name", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid rule", body = ErrorBody),
    ))]
pub async fn create_automation(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<AutomationRuleIn>,
) -> ApiResult<(StatusCode, Json<AutomationRuleOut>)> {
    user.require(Permission::ManageAutomation)?;
    let id = save_rule(&state, &user, None, &body).await?;
    let row = automation::get(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(rule_out(row))))
}

#[utoipa::path(get, path = "/api/v1/automation/{id}", operation_id = "get_automation_rule", tag = "rules",
    params(("id" = Uuid, Path, description = "Rule id")),
    responses(
        (status = 200, description = "The rule", body = AutomationRuleOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-automation permission (admin)", body = ErrorBody),
        (status = 404, description = "No rule with this id here", body = ErrorBody),
    ))]
pub async fn get_automation(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<AutomationRuleOut>> {
    user.require(Permission::ManageAutomation)?;
    let row = automation::get(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(rule_out(row)))
}

/// Replaces an automation rule.
#[utoipa::path(put, path = "/api/v1/automation/{id}", operation_id = "update_automation_rule", tag = "rules",
    params(("id" = Uuid, Path, description = "Rule id")),
    request_body = AutomationRuleIn,
    responses(
        (status = 200, description = "The rule", body = AutomationRuleOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-automation permission (admin)", body = ErrorBody),
        (status = 404, description = "No rule with this id here", body = ErrorBody),
        (status = 409, description = "Another rule has this name", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid rule", body = ErrorBody),
    ))]
pub async fn update_automation(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AutomationRuleIn>,
) -> ApiResult<Json<AutomationRuleOut>> {
    user.require(Permission::ManageAutomation)?;
    automation::get(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    save_rule(&state, &user, Some(id), &body).await?;
    let row = automation::get(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(rule_out(row)))
}

#[utoipa::path(delete, path = "/api/v1/automation/{id}", operation_id = "delete_automation_rule", tag = "rules",
    params(("id" = Uuid, Path, description = "Rule id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-automation permission (admin)", body = ErrorBody),
        (status = 404, description = "No rule with this id here", body = ErrorBody),
    ))]
pub async fn delete_automation(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageAutomation)?;
    automation::delete(&state.db, &user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

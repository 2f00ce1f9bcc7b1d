//! `/backoffice/board`: the supervisor board — each agent's workload against their capacity
//! and availability, the open backlog by age, the cases whose service level is at risk or
//! breached with a form to reassign each (through `cases::handling::assign`, so the same
//! checks and the same stale-form refusal as the case page), and the page where a supervisor
//! sets an agent's availability, capacity and skills. Agents switch their own availability
//! from the case list (`POST /backoffice/availability`).

use super::{iso, local_time};
use crate::{
    admin::{Errors, FieldErrors, Fields, parse_id, value},
    cases::{flow::FlowError, handling},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    people::Choice,
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use relais_domain::{
    AccountKind, Permission, Role,
    routing::{parse_capacity, parse_skills},
};
use relais_store::{
    accounts,
    case_views::{self, CaseRow, Filter, Sort, View},
    routing::{self, Workload},
};
use serde::Deserialize;
use uuid::Uuid;

/// Cases at risk listed at most (each view).
const AT_RISK_LIMIT: i64 = 50;

/// A case at risk as the board lists it.
pub struct RiskLine {
    pub row: CaseRow,
    pub due: Option<(String, String)>,
    pub agents: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "backoffice/board.html")]
struct BoardTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    /// A refused reassignment: the case's reference and why.
    refusal: Option<(String, String)>,
    workload: Vec<Workload>,
    backlog: Vec<(String, i64, i64)>,
    at_risk: Vec<RiskLine>,
}

#[derive(Deserialize, Default)]
pub struct BoardQuery {
    pub notice: Option<String>,
}

const NOTICES: &[&str] = &["board-reassigned", "agent-availability-saved"];

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BoardQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let notice = q
        .notice
        .as_deref()
        .filter(|n| NOTICES.contains(n))
        .map(|n| ctx.t(n));
    board(&state, &ctx, notice, None, StatusCode::OK).await
}

async fn board(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    refusal: Option<(String, String)>,
    status: StatusCode,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::Supervise)?;
    let tenant_id = ctx.tenant.id;
    let workload = routing::workload(&state.db, tenant_id).await?;
    let backlog = routing::backlog_by_age(&state.db, tenant_id, Utc::now())
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, (n, unassigned))| (ctx.t(&format!("board-age-{i}")), n, unassigned))
        .collect();
    let mut rows = Vec::new();
    for view in [View::Breached, View::AtRisk] {
        rows.extend(
            case_views::list_within(
                &state.db,
                tenant_id,
                me.id,
                // The board is for supervisors, who see every case.
                &case_views::Scope::all(),
                view,
                &Filter::default(),
                Sort::Oldest,
                None,
                AT_RISK_LIMIT,
            )
            .await?,
        );
    }
    let at_risk = rows
        .into_iter()
        .map(|row| RiskLine {
            due: row
                .resolution_due_at
                .as_ref()
                .map(|d| (local_time(ctx, d), iso(d))),
            agents: workload
                .iter()
                .map(|w| Choice {
                    selected: Some(w.id) == row.assignee_id,
                    value: w.id.to_string(),
                    label: w.display_name.clone(),
                })
                .collect(),
            row,
        })
        .collect();
    let r = render(&BoardTpl {
        ctx,
        notice,
        refusal,
        workload,
        backlog,
        at_risk,
    })?;
    Ok((status, r).into_response())
}

/// Reassigns one case from the board; the team stays.
pub async fn reassign(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let case_id = parse_id(value(&fields, "case"))?;
    let case = handling::case(&state, ctx.tenant.id, case_id).await?;
    let version: i64 = value(&fields, "row_version")
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    let result = match Uuid::parse_str(value(&fields, "assignee").trim()) {
        Ok(agent) => {
            handling::assign(
                &state,
                &ctx.tenant,
                &ctx.actor(),
                case.id,
                version,
                case.team_id,
                Some(agent),
            )
            .await
        }
        Err(_) => Err(handling::field_error(
            "assignee",
            "case-assign-unknown-agent",
        )),
    };
    let (code, status) = match result {
        Ok(_) => {
            return Ok(Redirect::to("/backoffice/board?notice=board-reassigned").into_response());
        }
        Err(FlowError::Stale) => ("bulk-stale", StatusCode::CONFLICT),
        Err(FlowError::Answers(list)) => (
            list.first().map_or("case-assign-unknown-agent", |e| e.code),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(FlowError::Refused(code)) => (code, StatusCode::CONFLICT),
        Err(e) => return Err(e.into()),
    };
    board(
        &state,
        &ctx,
        None,
        Some((case.reference, ctx.t(code))),
        status,
    )
    .await
}

#[derive(Template)]
#[template(path = "backoffice/agent.html")]
struct AgentTpl<'a> {
    ctx: &'a Ctx,
    errors: Errors,
    agent: accounts::Account,
    available: bool,
    capacity: String,
    skills: String,
    open_cases: i64,
}

async fn staff_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<accounts::Account> {
    let id = parse_id(id)?;
    accounts::get(&state.db, ctx.tenant.id, id)
        .await?
        .filter(|a| a.kind() == AccountKind::Staff && a.role() != Some(Role::Viewer))
        .ok_or(AppError::NotFound)
}

async fn open_cases(state: &AppState, ctx: &Ctx, id: Uuid) -> AppResult<i64> {
    Ok(routing::workload(&state.db, ctx.tenant.id)
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .map_or(0, |w| w.open_cases))
}

pub async fn agent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let agent = staff_of(&state, &ctx, &id).await?;
    let a = routing::availability(&state.db, ctx.tenant.id, agent.id).await?;
    render(&AgentTpl {
        ctx: &ctx,
        errors: Errors::new(),
        available: a.available,
        capacity: a.capacity.map(|c| c.to_string()).unwrap_or_default(),
        skills: a.skills.join(", "),
        open_cases: open_cases(&state, &ctx, agent.id).await?,
        agent,
    })
}

pub async fn agent_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let agent = staff_of(&state, &ctx, &id).await?;
    let mut errors = Errors::new();
    let available = match value(&fields, "available") {
        "yes" => true,
        "no" => false,
        _ => {
            errors.push(("available", "availability-invalid"));
            true
        }
    };
    let capacity = parse_capacity(value(&fields, "capacity")).unwrap_or_else(|code| {
        errors.push(("capacity", code));
        None
    });
    let skills = parse_skills(value(&fields, "skills")).unwrap_or_else(|code| {
        errors.push(("skills", code));
        Vec::new()
    });
    if errors.is_empty() {
        routing::set_availability(
            &state.db,
            &ctx.actor(),
            agent.id,
            available,
            capacity,
            &skills,
        )
        .await?;
        return Ok(
            Redirect::to("/backoffice/board?notice=agent-availability-saved").into_response(),
        );
    }
    let r = render(&AgentTpl {
        ctx: &ctx,
        errors,
        available,
        capacity: value(&fields, "capacity").to_owned(),
        skills: value(&fields, "skills").to_owned(),
        open_cases: open_cases(&state, &ctx, agent.id).await?,
        agent,
    })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, r).into_response())
}

/// An agent switches their own availability (available or away).
pub async fn my_availability(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::Write)?;
    let available = match value(&fields, "available") {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(AppError::Refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "availability-invalid",
            ));
        }
    };
    routing::set_available(&state.db, &ctx.actor(), me.id, available).await?;
    Ok(Redirect::to("/backoffice/cases?notice=availability-saved").into_response())
}

//! Administration of the rules that act on cases by themselves: routing rules per service
//! (`/admin/routing`) and automation rules (`/admin/automation`, see [`crate::automation`]).
//! Administrators only (`ManageAutomation`); every write is audited by the store.

use crate::{
    admin::{Errors, FieldErrors, Fields, NavLink, nav, parse_id, value},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::{NoticeQuery, render},
    people::Choice,
    state::AppState,
};
use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use relais_domain::{
    Locale, Permission,
    routing::{Strategy, parse_skills},
};
use relais_store::{StoreError, routing, services, teams};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/routing", get(routing_list))
        .route(
            "/admin/routing/{service}",
            get(routing_edit).post(routing_save),
        )
        .route("/admin/routing/{service}/delete", post(routing_delete))
}

fn title(ctx: &Ctx, s: &services::Service) -> String {
    match ctx.locale {
        Locale::En if !s.title_en.trim().is_empty() => s.title_en.clone(),
        _ => s.title_fr.clone(),
    }
}

/// One service and how its cases are routed.
pub struct RoutingLine {
    pub service_id: Uuid,
    pub service: String,
    pub team: Option<String>,
    pub strategy: Option<String>,
    pub skill: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/routing.html")]
struct RoutingListTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    lines: Vec<RoutingLine>,
}

const NOTICES: &[&str] = &["routing-saved", "routing-deleted"];

pub async fn routing_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let tenant_id = ctx.tenant.id;
    let rules = routing::rules(&state.db, tenant_id).await?;
    let all_teams = teams::list(&state.db, tenant_id).await?;
    let lines = services::list(&state.db, tenant_id, false)
        .await?
        .into_iter()
        .map(|s| {
            let rule = rules.iter().find(|r| r.service_id == s.id);
            RoutingLine {
                service_id: s.id,
                service: title(&ctx, &s),
                team: rule.and_then(|r| {
                    all_teams
                        .iter()
                        .find(|t| t.id == r.team_id)
                        .map(|t| t.name.clone())
                }),
                strategy: rule.map(|r| ctx.t(&format!("routing-strategy-{}", r.strategy))),
                skill: rule.and_then(|r| r.skill.clone()),
            }
        })
        .collect();
    render(&RoutingListTpl {
        ctx: &ctx,
        nav: nav(&ctx, "/admin/routing", true),
        notice: q
            .notice
            .as_deref()
            .filter(|n| NOTICES.contains(n))
            .map(|n| ctx.t(n)),
        lines,
    })
}

#[derive(Template)]
#[template(path = "admin/routing_edit.html")]
struct RoutingEditTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    service_id: Uuid,
    service: String,
    teams: Vec<Choice>,
    strategies: Vec<Choice>,
    skill: String,
    has_rule: bool,
}

async fn service_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<services::Service> {
    let id = parse_id(id)?;
    services::get(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    service: &services::Service,
    team: Option<Uuid>,
    strategy: &str,
    skill: String,
    errors: Errors,
) -> AppResult<Response> {
    let has_rule = routing::rule_for(&state.db, ctx.tenant.id, service.id)
        .await?
        .is_some();
    let mut team_choices = vec![Choice {
        value: String::new(),
        label: "—".into(),
        selected: team.is_none(),
    }];
    team_choices.extend(
        teams::list(&state.db, ctx.tenant.id)
            .await?
            .into_iter()
            .map(|t| Choice {
                selected: Some(t.id) == team,
                value: t.id.to_string(),
                label: t.name,
            }),
    );
    let strategies = Strategy::ALL
        .into_iter()
        .map(|s| Choice {
            selected: s.as_str() == strategy,
            value: s.as_str().to_owned(),
            label: ctx.t(&format!("routing-strategy-{}", s.as_str())),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let r = render(&RoutingEditTpl {
        ctx,
        nav: nav(ctx, "/admin/routing", false),
        notice: None,
        errors,
        service_id: service.id,
        service: title(ctx, service),
        teams: team_choices,
        strategies,
        skill,
        has_rule,
    })?;
    Ok((status, r).into_response())
}

pub async fn routing_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let service = service_of(&state, &ctx, &id).await?;
    let rule = routing::rule_for(&state.db, ctx.tenant.id, service.id).await?;
    edit_page(
        &state,
        &ctx,
        &service,
        rule.as_ref().map(|r| r.team_id),
        rule.as_ref()
            .map_or(Strategy::RoundRobin.as_str(), |r| r.strategy.as_str()),
        rule.as_ref()
            .and_then(|r| r.skill.clone())
            .unwrap_or_default(),
        Errors::new(),
    )
    .await
}

pub async fn routing_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let service = service_of(&state, &ctx, &id).await?;
    let mut errors = Errors::new();
    let team_raw = value(&fields, "team").trim();
    let team = match Uuid::parse_str(team_raw) {
        Ok(id) => match teams::get(&state.db, ctx.tenant.id, id).await? {
            Some(t) => Some(t.id),
            None => {
                errors.push(("team", "routing-team-required"));
                None
            }
        },
        Err(_) => {
            errors.push(("team", "routing-team-required"));
            None
        }
    };
    let strategy_raw = value(&fields, "strategy");
    let strategy = Strategy::parse(strategy_raw);
    if strategy.is_none() {
        errors.push(("strategy", "routing-strategy-invalid"));
    }
    let skill_raw = value(&fields, "skill");
    let skill = match parse_skills(skill_raw) {
        Ok(list) if list.len() > 1 => {
            errors.push(("skill", "routing-one-skill"));
            None
        }
        Ok(list) => list.into_iter().next(),
        Err(code) => {
            errors.push(("skill", code));
            None
        }
    };
    if strategy == Some(Strategy::Skills) && skill.is_none() && errors.is_empty() {
        errors.push(("skill", "routing-skill-required"));
    }
    match (team, strategy) {
        (Some(team), Some(strategy)) if errors.is_empty() => {
            let skill = skill.filter(|_| strategy == Strategy::Skills);
            routing::save_rule(
                &state.db,
                &ctx.actor(),
                service.id,
                team,
                strategy,
                skill.as_deref(),
            )
            .await?;
            Ok(Redirect::to("/admin/routing?notice=routing-saved").into_response())
        }
        _ => {
            edit_page(
                &state,
                &ctx,
                &service,
                team,
                strategy_raw,
                skill_raw.to_owned(),
                errors,
            )
            .await
        }
    }
}

pub async fn routing_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let service = service_of(&state, &ctx, &id).await?;
    match routing::delete_rule(&state.db, &ctx.actor(), service.id).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to("/admin/routing?notice=routing-deleted").into_response())
}

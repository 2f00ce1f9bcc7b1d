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
    Permission,
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
        .route(
            "/admin/automation",
            get(automation_list).post(automation_create),
        )
        .route("/admin/automation/new", get(automation_new))
        .route(
            "/admin/automation/{rule}",
            get(automation_edit).post(automation_update),
        )
        .route("/admin/automation/{rule}/delete", post(automation_delete))
}

fn title(ctx: &Ctx, s: &services::Service) -> String {
    s.title(ctx.locale).to_owned()
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

/// A routing rule as typed (form or API): the team must be the tenant's, the strategy known,
/// one skill at most and required for the skills strategy. `Err` lists every problem.
pub(crate) async fn read_routing(
    state: &AppState,
    tenant_id: Uuid,
    team_raw: &str,
    strategy_raw: &str,
    skill_raw: &str,
) -> AppResult<Result<(Uuid, Strategy, Option<String>), Errors>> {
    let mut errors = Errors::new();
    let team = match Uuid::parse_str(team_raw.trim()) {
        Ok(id) => match teams::get(&state.db, tenant_id, id).await? {
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
    let strategy = Strategy::parse(strategy_raw);
    if strategy.is_none() {
        errors.push(("strategy", "routing-strategy-invalid"));
    }
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
    Ok(match (team, strategy) {
        (Some(team), Some(strategy)) if errors.is_empty() => Ok((
            team,
            strategy,
            skill.filter(|_| strategy == Strategy::Skills),
        )),
        _ => Err(errors),
    })
}

pub async fn routing_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let service = service_of(&state, &ctx, &id).await?;
    let read = read_routing(
        &state,
        ctx.tenant.id,
        value(&fields, "team"),
        value(&fields, "strategy"),
        value(&fields, "skill"),
    )
    .await?;
    let errors = match read {
        Ok((team, strategy, skill)) => {
            routing::save_rule(
                &state.db,
                &ctx.actor(),
                service.id,
                team,
                strategy,
                skill.as_deref(),
            )
            .await?;
            return Ok(Redirect::to("/admin/routing?notice=routing-saved").into_response());
        }
        Err(errors) => errors,
    };
    let team = Uuid::parse_str(value(&fields, "team").trim()).ok();
    edit_page(
        &state,
        &ctx,
        &service,
        team,
        value(&fields, "strategy"),
        value(&fields, "skill").to_owned(),
        errors,
    )
    .await
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

// ---------------------------------------------------------------------------------------
// Automation rules

/// A rule as listed.
pub struct AutomationLine {
    pub id: Uuid,
    pub name: String,
    pub trigger: String,
    pub enabled: bool,
    pub actions: String,
    pub runs: i64,
}

#[derive(Template)]
#[template(path = "admin/automation.html")]
struct AutomationListTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    lines: Vec<AutomationLine>,
}

const AUTOMATION_NOTICES: &[&str] = &["automation-saved", "automation-deleted"];

fn trigger_text(ctx: &Ctx, trigger: &str, delay: Option<i32>) -> String {
    match delay {
        Some(d) => ctx.tn(&format!("automation-trigger-{trigger}-n"), i64::from(d)),
        None => ctx.t(&format!("automation-trigger-{trigger}")),
    }
}

pub async fn automation_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let runs = relais_store::automation::run_counts(&state.db, ctx.tenant.id).await?;
    let lines = relais_store::automation::list(&state.db, ctx.tenant.id)
        .await?
        .into_iter()
        .map(|r| AutomationLine {
            trigger: trigger_text(&ctx, &r.trigger, r.delay_days),
            actions: r
                .rule()
                .map(|rule| {
                    rule.actions
                        .iter()
                        .map(|a| ctx.t(&format!("automation-action-{}", a.kind())))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            runs: runs
                .iter()
                .find(|(id, _)| *id == r.id)
                .map_or(0, |(_, n)| *n),
            id: r.id,
            name: r.name,
            enabled: r.enabled,
        })
        .collect();
    render(&AutomationListTpl {
        ctx: &ctx,
        nav: nav(&ctx, "/admin/automation", true),
        notice: q
            .notice
            .as_deref()
            .filter(|n| AUTOMATION_NOTICES.contains(n))
            .map(|n| ctx.t(n)),
        lines,
    })
}

#[derive(Template)]
#[template(path = "admin/automation_edit.html")]
struct AutomationEditTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    errors: Errors,
    /// `None` for a new rule.
    id: Option<Uuid>,
    form: Vec<(String, String)>,
    enabled: bool,
    triggers: Vec<Choice>,
    services: Vec<Choice>,
    priorities: Vec<Choice>,
    set_priorities: Vec<Choice>,
    channels: Vec<Choice>,
    agents: Vec<Choice>,
    canned: Vec<Choice>,
}

impl AutomationEditTpl<'_> {
    fn selects(&self) -> [(&'static str, &'static str, &[Choice]); 3] {
        [
            ("service", "cases-service", &self.services),
            ("priority", "cases-priority", &self.priorities),
            ("channel", "cases-channel", &self.channels),
        ]
    }

    fn v(&self, name: &str) -> &str {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

fn choices(
    items: impl IntoIterator<Item = (String, String)>,
    selected: &str,
    blank: Option<String>,
) -> Vec<Choice> {
    blank
        .map(|b| Choice {
            value: String::new(),
            label: b,
            selected: selected.is_empty(),
        })
        .into_iter()
        .chain(items.into_iter().map(|(value, label)| Choice {
            selected: value == selected,
            value,
            label,
        }))
        .collect()
}

async fn automation_page(
    state: &AppState,
    ctx: &Ctx,
    id: Option<Uuid>,
    form: Vec<(String, String)>,
    enabled: bool,
    errors: Errors,
) -> AppResult<Response> {
    let tenant_id = ctx.tenant.id;
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    let any = Some(ctx.t("cases-any"));
    let none = Some("—".to_owned());
    let priorities: Vec<(String, String)> = relais_domain::service::sla::Priority::ALL
        .into_iter()
        .map(|p| {
            (
                p.as_str().to_owned(),
                ctx.t(&format!("catalogue-priority-{}", p.as_str())),
            )
        })
        .collect();
    let staff =
        relais_store::accounts::list(&state.db, tenant_id, relais_domain::AccountKind::Staff)
            .await?
            .into_iter()
            .filter(|a| !a.disabled && a.role().is_some_and(|r| r != relais_domain::Role::Viewer))
            .map(|a| {
                let role = a
                    .role()
                    .map(|r| ctx.role_label(r.as_str()))
                    .unwrap_or_default();
                (a.id.to_string(), format!("{} ({role})", a.display_name))
            });
    let page = AutomationEditTpl {
        ctx,
        nav: nav(ctx, "/admin/automation", false),
        triggers: choices(
            relais_domain::automation::Trigger::ALL
                .into_iter()
                .map(|t| {
                    (
                        t.as_str().to_owned(),
                        ctx.t(&format!("automation-trigger-{}", t.as_str())),
                    )
                }),
            &get("trigger"),
            None,
        ),
        services: choices(
            services::list(&state.db, tenant_id, false)
                .await?
                .iter()
                .map(|s| (s.id.to_string(), title(ctx, s))),
            &get("service"),
            any.clone(),
        ),
        priorities: choices(priorities.clone(), &get("priority"), any.clone()),
        set_priorities: choices(priorities, &get("set_priority"), none.clone()),
        channels: choices(
            relais_domain::service::meta::CHANNELS
                .iter()
                .map(|c| ((*c).to_owned(), ctx.t(&format!("catalogue-channel-{c}")))),
            &get("channel"),
            any,
        ),
        agents: choices(staff, &get("assign"), none.clone()),
        canned: choices(
            relais_store::canned::list(&state.db, tenant_id)
                .await?
                .into_iter()
                .map(|c| (c.id.to_string(), c.title)),
            &get("send_template"),
            none,
        ),
        errors,
        id,
        enabled,
        form,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let r = render(&page)?;
    Ok((status, r).into_response())
}

/// The names of the rule form's fields.
const RULE_FIELDS: [&str; 13] = [
    "name",
    "trigger",
    "delay_days",
    "service",
    "status",
    "priority",
    "channel",
    "label",
    "assign",
    "add_label",
    "set_priority",
    "send_template",
    "transition",
];

pub async fn automation_new(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let form = vec![("trigger".to_owned(), "case_created".to_owned())];
    automation_page(&state, &ctx, None, form, true, Errors::new()).await
}

pub async fn automation_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let id = parse_id(&id)?;
    let row = relais_store::automation::get(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rule = row.rule().ok_or(AppError::NotFound)?;
    let mut form = vec![
        ("name".to_owned(), row.name.clone()),
        ("trigger".to_owned(), row.trigger.clone()),
        (
            "delay_days".to_owned(),
            row.delay_days.map(|d| d.to_string()).unwrap_or_default(),
        ),
    ];
    let c = &rule.conditions;
    for (k, v) in [
        ("service", c.service_id.map(|s| s.to_string())),
        ("status", c.status.clone()),
        ("priority", c.priority.clone()),
        ("channel", c.channel.clone()),
        ("label", c.label.clone()),
    ] {
        form.push((k.to_owned(), v.unwrap_or_default()));
    }
    use relais_domain::automation::Action;
    for a in &rule.actions {
        let (k, v) = match a {
            Action::Assign { agent } => ("assign", agent.to_string()),
            Action::Label { label } => ("add_label", label.clone()),
            Action::SetPriority { priority } => ("set_priority", priority.clone()),
            Action::SendTemplate { canned } => ("send_template", canned.to_string()),
            Action::Transition { transition } => ("transition", transition.clone()),
        };
        form.push((k.to_owned(), v));
    }
    automation_page(&state, &ctx, Some(id), form, row.enabled, Errors::new()).await
}

pub async fn automation_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    automation_save(state, ctx, None, fields).await
}

pub async fn automation_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let id = parse_id(&id)?;
    relais_store::automation::get(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    automation_save(state, ctx, Some(id), fields).await
}

/// An automation rule as typed (form or API), checked: the domain's rules, then every id
/// must name one of this tenant's records. `Err` lists every problem.
pub(crate) async fn read_automation(
    state: &AppState,
    tenant_id: Uuid,
    form: &relais_domain::automation::RuleForm<'_>,
) -> AppResult<Result<(String, relais_domain::automation::Rule), Errors>> {
    let priorities: Vec<&str> = relais_domain::service::sla::Priority::ALL
        .iter()
        .map(|p| p.as_str())
        .collect();
    let mut errors = Errors::new();
    let read = relais_domain::automation::read_form(
        form,
        &priorities,
        &relais_domain::service::meta::CHANNELS,
    );
    match &read {
        Err(list) => errors.extend(list.iter().copied()),
        Ok((_, rule)) => {
            // Every id must name one of this tenant's records.
            if let Some(s) = rule.conditions.service_id
                && services::get(&state.db, tenant_id, s).await?.is_none()
            {
                errors.push(("service", "automation-service-invalid"));
            }
            for a in &rule.actions {
                match a {
                    relais_domain::automation::Action::Assign { agent } => {
                        let ok = relais_store::accounts::get(&state.db, tenant_id, *agent)
                            .await?
                            .is_some_and(|a| {
                                a.kind() == relais_domain::AccountKind::Staff
                                    && !a.disabled
                                    && a.role().is_some_and(|r| r != relais_domain::Role::Viewer)
                            });
                        if !ok {
                            errors.push(("assign", "case-assign-unknown-agent"));
                        }
                    }
                    relais_domain::automation::Action::SendTemplate { canned }
                        if relais_store::canned::get(&state.db, tenant_id, *canned)
                            .await?
                            .is_none() =>
                    {
                        errors.push(("send_template", "bulk-canned-required"));
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(match read {
        Ok(r) if errors.is_empty() => Ok(r),
        _ => Err(errors),
    })
}

async fn automation_save(
    state: AppState,
    ctx: Ctx,
    id: Option<Uuid>,
    fields: Fields,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let tenant_id = ctx.tenant.id;
    let form = relais_domain::automation::RuleForm {
        name: value(&fields, "name"),
        trigger: value(&fields, "trigger"),
        delay_days: value(&fields, "delay_days"),
        service: value(&fields, "service"),
        status: value(&fields, "status"),
        priority: value(&fields, "priority"),
        channel: value(&fields, "channel"),
        label: value(&fields, "label"),
        assign: value(&fields, "assign"),
        add_label: value(&fields, "add_label"),
        set_priority: value(&fields, "set_priority"),
        send_template: value(&fields, "send_template"),
        transition: value(&fields, "transition"),
    };
    let enabled = crate::admin::checked(&fields, "enabled");
    let read = read_automation(&state, tenant_id, &form).await?;
    let mut errors = match &read {
        Ok(_) => Errors::new(),
        Err(e) => e.clone(),
    };
    if errors.is_empty()
        && let Ok((name, rule)) = &read
    {
        match relais_store::automation::save(&state.db, &ctx.actor(), id, name, rule, enabled).await
        {
            Ok(_) => {
                return Ok(
                    Redirect::to("/admin/automation?notice=automation-saved").into_response()
                );
            }
            Err(StoreError::Conflict) => errors.push(("name", "automation-name-taken")),
            Err(e) => return Err(e.into()),
        }
    }
    let form: Vec<(String, String)> = RULE_FIELDS
        .iter()
        .map(|k| ((*k).to_owned(), value(&fields, k).to_owned()))
        .collect();
    automation_page(&state, &ctx, id, form, enabled, errors).await
}

pub async fn automation_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageAutomation)?;
    let id = parse_id(&id)?;
    relais_store::automation::delete(&state.db, &ctx.actor(), id).await?;
    Ok(Redirect::to("/admin/automation?notice=automation-deleted").into_response())
}

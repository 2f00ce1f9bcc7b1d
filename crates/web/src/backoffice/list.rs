//! `/backoffice/cases`: the agents' views (mine, my teams, unassigned, waiting on the
//! requester, service level at risk or breached…) with their counts, the filters, the sort,
//! keyset pages, and the agent's own saved views. The filter form is a plain GET form; a value
//! that cannot be read is named next to its field (422) and left out of the filtering.

use super::{Definitions, iso, local_time};
use crate::portal::Wording;
use crate::{
    admin::{Errors, FieldErrors, Fields, parse_id, value},
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
use chrono::{Duration, NaiveDate, NaiveTime};
use relais_domain::{
    Permission,
    case::{Reference, from_local},
    service::{meta::CHANNELS, sla::Priority, workflow::StatusKind},
};
use relais_store::{
    StoreError,
    case_views::{self, Assignee, CaseRow, Cursor, Filter, Sort, View},
    saved_views, services,
};
use serde::Deserialize;

/// Cases per page.
pub const PAGE: i64 = 50;
/// Longest name of a saved view.
const MAX_VIEW_NAME: usize = 60;

/// The list's query string, every value as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    pub view: Option<String>,
    pub service: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    pub label: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub assignee: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub after: Option<String>,
    pub notice: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ListQuery {
    /// The filters as a query string (no page, no notice), for links and saved views.
    pub fn filters_query(&self, view: Option<View>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(v) = view {
            pairs.push(("view", v.as_str().to_owned()));
        }
        for (name, v) in [
            ("service", &self.service),
            ("status", &self.status),
            ("priority", &self.priority),
            ("channel", &self.channel),
            ("label", &self.label),
            ("from", &self.from),
            ("to", &self.to),
            ("assignee", &self.assignee),
            ("q", &self.q),
            ("sort", &self.sort),
        ] {
            if let Some(v) = given(v) {
                pairs.push((name, v.to_owned()));
            }
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    fn has_filters(&self) -> bool {
        [
            &self.service,
            &self.status,
            &self.priority,
            &self.channel,
            &self.label,
            &self.from,
            &self.to,
            &self.assignee,
            &self.q,
        ]
        .into_iter()
        .any(|v| given(v).is_some())
    }
}

/// What the query string asks for, once read.
pub struct Parsed {
    pub view: View,
    pub filter: Filter,
    pub sort: Sort,
    pub cursor: Option<Cursor>,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Reads the query string; each value that cannot be read is an error on its field and is
/// left out. `staff` are the tenant's staff ids (the assignee filter), `services` its
/// services.
pub fn parse(
    ctx: &Ctx,
    q: &ListQuery,
    me: uuid::Uuid,
    services: &[services::Service],
    staff: &[uuid::Uuid],
    errors: &mut Errors,
) -> Parsed {
    let view = match given(&q.view) {
        None => View::Open,
        Some(v) => View::parse(v).unwrap_or_else(|| {
            errors.push(("view", "cases-invalid-view"));
            View::Open
        }),
    };
    let mut filter = Filter::default();
    if let Some(s) = given(&q.service) {
        match uuid::Uuid::parse_str(s)
            .ok()
            .filter(|id| services.iter().any(|x| x.id == *id))
        {
            Some(id) => filter.service_id = Some(id),
            None => errors.push(("service", "cases-invalid-service")),
        }
    }
    if let Some(s) = given(&q.status) {
        match StatusKind::ALL.into_iter().find(|k| k.as_str() == s) {
            Some(k) => filter.status_kind = Some(k.as_str().to_owned()),
            None => errors.push(("status", "cases-invalid-status")),
        }
    }
    if let Some(s) = given(&q.priority) {
        match Priority::parse(s) {
            Some(p) => filter.priority = Some(p.as_str().to_owned()),
            None => errors.push(("priority", "cases-invalid-priority")),
        }
    }
    if let Some(s) = given(&q.channel) {
        if CHANNELS.contains(&s) {
            filter.channel = Some(s.to_owned());
        } else {
            errors.push(("channel", "cases-invalid-channel"));
        }
    }
    if let Some(s) = given(&q.label) {
        if s.chars().count() <= relais_domain::handling::MAX_LABEL_CHARS {
            filter.label = Some(s.to_owned());
        } else {
            errors.push(("label", "label-too-long"));
        }
    }
    let midnight = |d: NaiveDate| from_local(d.and_time(NaiveTime::MIN), &ctx.tenant.time_zone);
    let from = given(&q.from).map(|s| (s, date(s)));
    let to = given(&q.to).map(|s| (s, date(s)));
    match from {
        Some((_, Some(d))) => filter.submitted_from = Some(midnight(d)),
        Some((_, None)) => errors.push(("from", "cases-invalid-date")),
        None => {}
    }
    match to {
        Some((_, Some(d))) => {
            if from.and_then(|(_, f)| f).is_some_and(|f| f > d) {
                errors.push(("to", "cases-dates-reversed"));
            } else {
                filter.submitted_before = Some(midnight(d + Duration::days(1)));
            }
        }
        Some((_, None)) => errors.push(("to", "cases-invalid-date")),
        None => {}
    }
    if let Some(s) = given(&q.assignee) {
        match s {
            "me" => filter.assignee = Some(Assignee::Account(me)),
            "none" => filter.assignee = Some(Assignee::Nobody),
            other => match uuid::Uuid::parse_str(other)
                .ok()
                .filter(|id| staff.contains(id))
            {
                Some(id) => filter.assignee = Some(Assignee::Account(id)),
                None => errors.push(("assignee", "cases-invalid-assignee")),
            },
        }
    }
    if let Some(s) = given(&q.q) {
        if s.chars().count() > 40 {
            errors.push(("q", "cases-invalid-reference"));
        } else {
            filter.reference = Some(match Reference::parse(s) {
                Some(r) => r.as_str().to_owned(),
                None => s.to_uppercase(),
            });
        }
    }
    let sort = match given(&q.sort) {
        None => Sort::Newest,
        Some(s) => Sort::parse(s).unwrap_or_else(|| {
            errors.push(("sort", "cases-invalid-sort"));
            Sort::Newest
        }),
    };
    let cursor = given(&q.after).and_then(|a| {
        let c = Cursor::decode(a);
        if c.is_none() {
            errors.push(("after", "cases-invalid-page"));
        }
        c
    });
    Parsed {
        view,
        filter,
        sort,
        cursor,
    }
}

/// A line of the table, with what the template shows.
pub struct Line {
    pub row: CaseRow,
    pub service: String,
    pub status: String,
    pub submitted: String,
    pub submitted_iso: String,
    pub due: Option<(String, String)>,
}

/// One view of the navigation: its link, name, count and whether it is the current one.
pub struct ViewLink {
    pub href: String,
    pub label: String,
    pub count: Option<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "backoffice/cases.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    errors: Errors,
    form: ListQuery,
    view: View,
    views: Vec<ViewLink>,
    saved: Vec<(saved_views::SavedView, bool)>,
    services: Vec<Choice>,
    statuses: Vec<Choice>,
    priorities: Vec<Choice>,
    channels: Vec<Choice>,
    assignees: Vec<Choice>,
    labels: Vec<String>,
    sorts: Vec<Choice>,
    lines: Vec<Line>,
    next: Option<String>,
    filtered: bool,
    query: String,
    can_write: bool,
    save_errors: Errors,
    save_name: String,
    /// The bulk form's choices: agents, transitions of the listed cases' workflows, canned
    /// responses.
    bulk_agents: Vec<Choice>,
    bulk_transitions: Vec<Choice>,
    bulk_canned: Vec<Choice>,
    /// The signed-in agent's availability (`None` for viewers), and the board link.
    available: Option<bool>,
    can_supervise: bool,
}

impl ListTpl<'_> {
    /// The filter's selects: field name, label message, options.
    fn selects(&self) -> [(&'static str, &'static str, &[Choice]); 5] {
        [
            ("service", "cases-service", &self.services),
            ("status", "cases-status", &self.statuses),
            ("priority", "cases-priority", &self.priorities),
            ("channel", "cases-channel", &self.channels),
            ("assignee", "cases-assignee", &self.assignees),
        ]
    }

    fn view_name(&self) -> String {
        self.ctx.t(&format!("cases-view-{}", self.view.as_str()))
    }
}

fn choices(
    options: impl IntoIterator<Item = (String, String)>,
    selected: Option<&str>,
) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: Some(value.as_str()) == selected,
            value,
            label,
        })
        .collect()
}

/// A count as shown: "1,000+" ("plus de 1 000") when the cap was reached.
fn count_text(locale: relais_domain::Locale, n: i64) -> String {
    if n >= case_views::COUNT_CAP {
        let sep = match locale {
            relais_domain::Locale::En => ",",
            // A no-break space, so "1 000" never splits across lines.
            _ => "\u{a0}",
        };
        crate::i18n::message(
            locale,
            "cases-count-capped",
            &[(
                "count",
                fluent_bundle::FluentValue::from(grouped(case_views::COUNT_CAP, sep)),
            )],
        )
    } else {
        n.to_string()
    }
}

/// `n` with its thousands separated by `sep` (12345 → "12,345").
fn grouped(n: i64, sep: &str) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(d);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    list_page(&state, &ctx, q, Errors::new(), String::new()).await
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    q: ListQuery,
    save_errors: Errors,
    save_name: String,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::UseBackOffice)?;
    let tenant_id = ctx.tenant.id;
    let access = super::case_page::access_of(state, ctx).await?;
    let scope = access.scope();
    // Services out of reach are not offered as a filter either.
    let mut all_services = services::list(&state.db, tenant_id, false).await?;
    all_services.retain(|s| access.sees(s.id));
    let staff =
        relais_store::accounts::list(&state.db, tenant_id, relais_domain::AccountKind::Staff)
            .await?;
    let staff_ids: Vec<uuid::Uuid> = staff.iter().map(|a| a.id).collect();
    let mut errors = Errors::new();
    let parsed = parse(ctx, &q, me.id, &all_services, &staff_ids, &mut errors);
    let rows = case_views::list_within(
        &state.db,
        tenant_id,
        me.id,
        &scope,
        parsed.view,
        &parsed.filter,
        parsed.sort,
        parsed.cursor,
        PAGE + 1,
    )
    .await?;
    let more = rows.len() as i64 > PAGE;
    let rows: Vec<CaseRow> = rows.into_iter().take(PAGE as usize).collect();
    let query = q.filters_query(Some(parsed.view));
    let next = more
        .then(|| rows.last())
        .flatten()
        .map(|r| format!("/backoffice/cases?{query}&after={}", r.cursor().encode()));
    let counts = case_views::counts_within(&state.db, tenant_id, me.id, &scope).await?;
    let views = View::ALL
        .into_iter()
        .map(|v| ViewLink {
            href: format!("/backoffice/cases?{}", q.filters_query(Some(v))),
            label: ctx.t(&format!("cases-view-{}", v.as_str())),
            count: counts
                .iter()
                .find(|(cv, _)| *cv == v)
                .map(|(_, n)| count_text(ctx.locale, *n)),
            current: v == parsed.view,
        })
        .collect();
    let mut definitions = Definitions::default();
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        definitions
            .load(state, tenant_id, row.service_id, row.service_version)
            .await;
        let status =
            definitions.status_label(ctx, row.service_id, row.service_version, &row.status);
        let service = relais_domain::service::in_locale(
            ctx.locale,
            &row.service_title_fr,
            &row.service_title_en,
        )
        .to_owned();
        lines.push(Line {
            service,
            status,
            submitted: local_time(ctx, &row.submitted_at),
            submitted_iso: iso(&row.submitted_at),
            due: row
                .resolution_due_at
                .as_ref()
                .map(|d| (local_time(ctx, d), iso(d))),
            row,
        });
    }
    let role = ctx.role().unwrap_or(relais_domain::Role::Viewer);
    let mut bulk_transitions: Vec<Choice> = Vec::new();
    for line in &lines {
        let Some(d) = definitions
            .load(
                state,
                tenant_id,
                line.row.service_id,
                line.row.service_version,
            )
            .await
        else {
            continue;
        };
        for status in &d.workflow.statuses {
            for t in d.workflow.available(
                &status.id,
                relais_domain::service::workflow::Actor::Staff(role),
            ) {
                if !bulk_transitions.iter().any(|c| c.value == t.id) {
                    bulk_transitions.push(Choice {
                        value: t.id.clone(),
                        label: format!(
                            "{} → {}",
                            t.label.get(ctx.locale),
                            d.workflow
                                .status(&t.to)
                                .map_or(t.to.as_str(), |s| s.label.get(ctx.locale))
                        ),
                        selected: false,
                    });
                }
            }
        }
    }
    let bulk_agents = staff
        .iter()
        .filter(|a| !a.disabled && a.role().is_some_and(|r| r != relais_domain::Role::Viewer))
        .map(|a| Choice {
            value: a.id.to_string(),
            label: a.display_name.clone(),
            selected: false,
        })
        .collect();
    let bulk_canned = relais_store::canned::list(&state.db, tenant_id)
        .await?
        .into_iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: c.title,
            selected: false,
        })
        .collect();
    let current_query = q.filters_query(Some(parsed.view));
    let saved = saved_views::list(&state.db, tenant_id, me.id)
        .await?
        .into_iter()
        .map(|s| {
            let current = s.query == current_query;
            (s, current)
        })
        .collect();
    let service_title = |s: &services::Service| s.title(ctx.locale).to_owned();
    let filtered = q.has_filters();
    let r = render(&ListTpl {
        ctx,
        notice: q
            .notice
            .as_deref()
            .filter(|n| {
                [
                    "cases-view-saved",
                    "cases-view-deleted",
                    "availability-saved",
                ]
                .contains(n)
            })
            .map(|n| ctx.t(n)),
        errors: errors.clone(),
        view: parsed.view,
        views,
        saved,
        services: choices(
            all_services
                .iter()
                .map(|s| (s.id.to_string(), service_title(s))),
            given(&q.service),
        ),
        statuses: choices(
            StatusKind::ALL
                .into_iter()
                .filter(|k| *k != StatusKind::Draft)
                .map(|k| {
                    (
                        k.as_str().to_owned(),
                        ctx.t(&format!("catalogue-status-{}", k.as_str())),
                    )
                }),
            given(&q.status),
        ),
        priorities: choices(
            Priority::ALL.into_iter().map(|p| {
                (
                    p.as_str().to_owned(),
                    ctx.t(&format!("catalogue-priority-{}", p.as_str())),
                )
            }),
            given(&q.priority),
        ),
        channels: choices(
            CHANNELS
                .iter()
                .map(|c| ((*c).to_owned(), ctx.t(&format!("catalogue-channel-{c}")))),
            given(&q.channel),
        ),
        assignees: choices(
            [
                ("me".to_owned(), ctx.t("cases-assignee-me")),
                ("none".to_owned(), ctx.t("cases-assignee-none")),
            ]
            .into_iter()
            .chain(
                staff
                    .iter()
                    .filter(|a| !a.disabled)
                    .map(|a| (a.id.to_string(), a.display_name.clone())),
            ),
            given(&q.assignee),
        ),
        labels: relais_store::case_labels::in_use(&state.db, tenant_id).await?,
        sorts: choices(
            [Sort::Newest, Sort::Oldest].into_iter().map(|s| {
                (
                    s.as_str().to_owned(),
                    ctx.t(&format!("cases-sort-{}", s.as_str())),
                )
            }),
            Some(parsed.sort.as_str()),
        ),
        lines,
        next,
        filtered,
        query: current_query,
        can_write: ctx.can(Permission::Write),
        save_errors: save_errors.clone(),
        save_name,
        bulk_agents,
        bulk_transitions,
        bulk_canned,
        available: if ctx.can(Permission::Write) {
            Some(
                relais_store::routing::availability(&state.db, tenant_id, me.id)
                    .await?
                    .available,
            )
        } else {
            None
        },
        can_supervise: ctx.can(Permission::Supervise),
        form: q,
    })?;
    let status = if errors.is_empty() && save_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, r).into_response())
}

/// Saves the current filters under a name, for the signed-in agent only.
pub async fn save_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::UseBackOffice)?.id;
    let name = value(&fields, "name").trim().to_owned();
    let query = value(&fields, "query").trim().to_owned();
    // Only what the list itself can read back is saved.
    let parsed: ListQuery = serde_urlencoded::from_str(&query).map_err(|_| AppError::BadRequest)?;
    let mut errors = Errors::new();
    if name.is_empty() {
        errors.push(("name", "cases-view-name-required"));
    } else if name.chars().count() > MAX_VIEW_NAME {
        errors.push(("name", "cases-view-name-too-long"));
    }
    if errors.is_empty() {
        let view = given(&parsed.view).and_then(View::parse);
        let canonical = parsed.filters_query(view.or(Some(View::Open)));
        match saved_views::create(&state.db, &ctx.actor(), me, &name, &canonical).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/backoffice/cases?{canonical}&notice=cases-view-saved"
                ))
                .into_response());
            }
            Err(StoreError::Conflict) => errors.push(("name", "cases-view-name-taken")),
            Err(e) => return Err(e.into()),
        }
    }
    list_page(&state, &ctx, parsed, errors, name).await
}

pub async fn delete_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::UseBackOffice)?.id;
    let id = parse_id(&id)?;
    saved_views::delete(&state.db, &ctx.actor(), me, id).await?;
    Ok(Redirect::to("/backoffice/cases?notice=cases-view-deleted").into_response())
}

#[cfg(test)]
mod tests {
    use super::{count_text, grouped};
    use relais_domain::Locale;

    #[test]
    fn a_capped_count_reads_as_such_in_both_languages() {
        assert_eq!(count_text(Locale::En, 999), "999");
        assert_eq!(count_text(Locale::En, 1_000), "1,000+");
        assert_eq!(count_text(Locale::Fr, 1_000), "plus de 1\u{a0}000");
        assert_eq!(count_text(Locale::Fr, 12), "12");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0, ","), "0");
        assert_eq!(grouped(999, ","), "999");
        assert_eq!(grouped(1_000, ","), "1,000");
        assert_eq!(grouped(1_234_567, "\u{a0}"), "1\u{a0}234\u{a0}567");
        assert_eq!(grouped(-12_345, ","), "-12,345");
    }
}

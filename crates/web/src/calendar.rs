//! The tenant's business calendar: opening hours per weekday, French public holidays,
//! exceptional closures. Service levels and deadlines count in this time.

use crate::{
    admin::{Errors, Fields, NavLink, nav, value},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::{NoticeQuery, render},
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
use chrono::{Datelike, NaiveDate, NaiveTime};
use relais_domain::{
    Permission,
    service::{
        Text,
        calendar::{BusinessCalendar, Closure, french_public_holidays},
    },
};
use relais_store::tenants;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/calendar", get(show).post(save_hours))
        .route("/admin/calendar/closures", post(add_closure))
        .route(
            "/admin/calendar/closures/{index}/delete",
            post(remove_closure),
        )
}

/// Two opening intervals a day (morning and afternoon) is what the form offers.
const SLOTS: usize = 2;

/// Ids of each slot's first input, for the links of the error list.
const SLOT_ANCHORS: [[&str; SLOTS]; 7] = [
    ["d0_0_open", "d0_1_open"],
    ["d1_0_open", "d1_1_open"],
    ["d2_0_open", "d2_1_open"],
    ["d3_0_open", "d3_1_open"],
    ["d4_0_open", "d4_1_open"],
    ["d5_0_open", "d5_1_open"],
    ["d6_0_open", "d6_1_open"],
];

pub struct SlotView {
    key: String,
    label: String,
    open: String,
    close: String,
    invalid: bool,
}

pub struct DayView {
    name: String,
    slots: Vec<SlotView>,
}

pub struct ClosureView {
    index: usize,
    from: NaiveDate,
    to: NaiveDate,
    label: String,
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    days: Vec<DayView>,
    public_holidays: bool,
    closures: Vec<ClosureView>,
    closure_form: (String, String, String, String),
    holidays: Vec<(NaiveDate, &'static str)>,
}

/// The calendar in force: the stored one, or the default when none was saved (read at
/// most once a second: every filing needs it).
pub async fn load(
    state: &AppState,
    tenant_id: uuid::Uuid,
) -> AppResult<std::sync::Arc<BusinessCalendar>> {
    state
        .calendars
        .get_or_read(tenant_id, || async {
            stored(state, tenant_id).await.map(std::sync::Arc::new)
        })
        .await
}

/// The calendar as stored now, never a kept copy: what an edit starts from, so that it
/// does not undo a change another process made in the last second.
async fn stored(state: &AppState, tenant_id: uuid::Uuid) -> AppResult<BusinessCalendar> {
    match tenants::business_calendar(&state.db, tenant_id).await? {
        Some(json) => serde_json::from_value(json)
            .map_err(|e| AppError::Internal(format!("stored calendar: {e}"))),
        None => Ok(BusinessCalendar::default()),
    }
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The form's values: what was typed when re-showing errors, else the calendar's hours.
fn day_views(
    ctx: &Ctx,
    calendar: &BusinessCalendar,
    typed: Option<&Fields>,
    invalid: &[String],
) -> Vec<DayView> {
    (0..7)
        .map(|d| DayView {
            name: ctx.t(&format!("weekday-{d}")),
            slots: (0..SLOTS)
                .map(|s| {
                    let key = format!("d{d}_{s}");
                    let (open, close) = match typed {
                        Some(fields) => (
                            value(fields, &format!("{key}_open")).to_owned(),
                            value(fields, &format!("{key}_close")).to_owned(),
                        ),
                        None => calendar.hours[d]
                            .get(s)
                            .map(|(o, c)| (hhmm(*o), hhmm(*c)))
                            .unwrap_or_default(),
                    };
                    SlotView {
                        label: ctx.t(if s == 0 {
                            "calendar-morning"
                        } else {
                            "calendar-afternoon"
                        }),
                        invalid: invalid.contains(&key),
                        key,
                        open,
                        close,
                    }
                })
                .collect(),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn page(
    ctx: &Ctx,
    calendar: &BusinessCalendar,
    typed: Option<&Fields>,
    errors: Errors,
    invalid: Vec<String>,
    closure_form: (String, String, String, String),
    notice: Option<String>,
) -> AppResult<Response> {
    let year = chrono::Utc::now().year();
    let holidays = french_public_holidays(year)
        .into_iter()
        .chain(french_public_holidays(year + 1))
        .collect();
    let closures = calendar
        .closures
        .iter()
        .enumerate()
        .map(|(index, c)| ClosureView {
            index,
            from: c.from,
            to: c.to,
            label: c.label.get(ctx.locale).to_owned(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&CalendarTpl {
        ctx,
        nav: nav(ctx, "/admin/calendar", true),
        notice,
        days: day_views(ctx, calendar, typed, &invalid),
        public_holidays: typed.map_or(calendar.public_holidays, |f| {
            value(f, "public_holidays") == "on"
        }),
        closures,
        closure_form,
        holidays,
        errors,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let calendar = load(&state, ctx.tenant.id).await?;
    let notice = q.text(&ctx);
    page(
        &ctx,
        &calendar,
        None,
        Vec::new(),
        Vec::new(),
        Default::default(),
        notice,
    )
    .await
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .ok()
}

/// Reads the weekly hours from the form; every problem names the day and slot it is in.
/// Opening intervals per weekday, Monday first.
type WeekHours = [Vec<(NaiveTime, NaiveTime)>; 7];

fn read_hours(fields: &Fields) -> Result<WeekHours, (Errors, Vec<String>)> {
    let mut errors: Errors = Vec::new();
    let mut invalid = Vec::new();
    let mut hours: WeekHours = Default::default();
    let flag = |(d, s): (usize, usize),
                code: &'static str,
                errors: &mut Errors,
                invalid: &mut Vec<String>| {
        // The error list links to the slot's first input; one message per kind of problem.
        if !errors.iter().any(|(_, c)| *c == code) {
            errors.push((SLOT_ANCHORS[d][s], code));
        }
        invalid.push(format!("d{d}_{s}"));
    };
    for (d, day) in hours.iter_mut().enumerate() {
        for s in 0..SLOTS {
            let key = format!("d{d}_{s}");
            let open = value(fields, &format!("{key}_open")).trim();
            let close = value(fields, &format!("{key}_close")).trim();
            match (open.is_empty(), close.is_empty()) {
                (true, true) => continue,
                (false, false) => {}
                _ => {
                    flag(
                        (d, s),
                        "calendar-incomplete-interval",
                        &mut errors,
                        &mut invalid,
                    );
                    continue;
                }
            }
            let (Some(o), Some(c)) = (parse_time(open), parse_time(close)) else {
                flag((d, s), "calendar-invalid-time", &mut errors, &mut invalid);
                continue;
            };
            if c <= o && c != NaiveTime::MIN {
                flag((d, s), "calendar-inverted", &mut errors, &mut invalid);
                continue;
            }
            if let Some(&(_, prev_close)) = day.last()
                && (prev_close > o || prev_close == NaiveTime::MIN)
            {
                flag((d, s), "calendar-overlap", &mut errors, &mut invalid);
                continue;
            }
            day.push((o, c));
        }
    }
    if errors.is_empty() && hours.iter().all(Vec::is_empty) {
        errors.push(("d0_0_open", "calendar-never-open"));
    }
    if errors.is_empty() {
        Ok(hours)
    } else {
        Err((errors, invalid))
    }
}

async fn save(state: &AppState, ctx: &Ctx, calendar: &BusinessCalendar) -> AppResult<()> {
    // The form's own checks come first; the domain's validation is the last word.
    if !calendar.validate("calendar").is_empty() {
        return Err(AppError::Refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "calendar-never-open",
        ));
    }
    let json = serde_json::to_value(calendar).map_err(|e| AppError::Internal(e.to_string()))?;
    tenants::set_business_calendar(&state.db, &ctx.actor(), &json).await?;
    Ok(())
}

async fn save_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let mut calendar = stored(&state, ctx.tenant.id).await?;
    match read_hours(&fields) {
        Ok(hours) => {
            calendar.hours = hours;
            calendar.public_holidays = value(&fields, "public_holidays") == "on";
            save(&state, &ctx, &calendar).await?;
            Ok(Redirect::to("/admin/calendar?notice=calendar-saved").into_response())
        }
        Err((errors, invalid)) => {
            page(
                &ctx,
                &calendar,
                Some(&fields),
                errors,
                invalid,
                Default::default(),
                None,
            )
            .await
        }
    }
}

async fn add_closure(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let mut calendar = stored(&state, ctx.tenant.id).await?;
    let typed = (
        value(&fields, "from").to_owned(),
        value(&fields, "to").to_owned(),
        value(&fields, "label_fr").to_owned(),
        value(&fields, "label_en").to_owned(),
    );
    let mut errors: Errors = Vec::new();
    let from = NaiveDate::parse_from_str(typed.0.trim(), "%Y-%m-%d").ok();
    let to = NaiveDate::parse_from_str(typed.1.trim(), "%Y-%m-%d").ok();
    if from.is_none() {
        errors.push(("closure_from", "calendar-invalid-date"));
    }
    if to.is_none() {
        errors.push(("closure_to", "calendar-invalid-date"));
    }
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        errors.push(("closure_to", "calendar-closure-inverted"));
    }
    let label_ok = |s: &str| s.chars().count() <= 120 && !s.chars().any(char::is_control);
    if typed.2.trim().is_empty() || !label_ok(&typed.2) || !label_ok(&typed.3) {
        errors.push(("closure_label_fr", "calendar-label-required"));
    }
    let (Some(from), Some(to), true) = (from, to, errors.is_empty()) else {
        return page(&ctx, &calendar, None, errors, Vec::new(), typed, None).await;
    };
    calendar.closures.push(Closure {
        from,
        to,
        label: Text {
            fr: typed.2.trim().to_owned(),
            en: typed.3.trim().to_owned(),
        },
    });
    calendar.closures.sort_by_key(|c| c.from);
    save(&state, &ctx, &calendar).await?;
    Ok(Redirect::to("/admin/calendar?notice=calendar-saved#closures").into_response())
}

async fn remove_closure(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(index): Path<usize>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let mut calendar = stored(&state, ctx.tenant.id).await?;
    if index >= calendar.closures.len() {
        return Err(AppError::NotFound);
    }
    calendar.closures.remove(index);
    save(&state, &ctx, &calendar).await?;
    Ok(Redirect::to("/admin/calendar?notice=calendar-saved#closures").into_response())
}

//! Administration pages: tenant settings, staff accounts, teams, roles, audit log.
//!
//! Every handler checks the actor's permission before anything else; ids are looked up within
//! the request's tenant only (another tenant's id is a 404). A form with any invalid field is
//! shown again with status 422 and changes nothing. The audit log is read-only here: there is
//! no route that edits or deletes its rows.

use crate::{
    auth::send_reset_link,
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::{NoticeQuery, render},
    state::AppState,
};
use askama::Template;
use axum::{
    Form, Router,
    extract::{Multipart, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, NaiveDate, Utc};
use relais_domain::{AccountKind, Colour, Email, Locale, Permission, Role, account::lockout};
use relais_store::{Change, StoreError, accounts, audit, teams, tenants};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(settings))
        .route("/admin/settings", post(save_settings))
        .route("/admin/logo", post(upload_logo))
        .route("/admin/staff", get(staff_list).post(staff_create))
        .route("/admin/staff/{id}", get(staff_edit).post(staff_save))
        .route("/admin/staff/{id}/reset", post(staff_reset))
        .route("/admin/teams", get(team_list).post(team_create))
        .route("/admin/teams/{id}", get(team_edit).post(team_save))
        .route("/admin/teams/{id}/delete", post(team_delete))
        .route("/admin/roles", get(roles))
        .route("/admin/audit", get(audit_log))
}

/// Largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 200 * 1024;
/// Audit entries per page.
pub const AUDIT_PAGE: usize = 50;

/// (field id, message id) pairs, in the order of the form.
pub(crate) type Errors = Vec<(&'static str, &'static str)>;
/// A submitted form as name/value pairs: repeated names (checkboxes) and missing fields are
/// handled by the page, not refused by the extractor.
pub(crate) type Fields = Vec<(String, String)>;

/// For the templates: the error of one field and the ARIA attributes that tie it to its input.
pub trait FieldErrors {
    fn error_for(&self, field: &str) -> Option<&'static str>;
    /// ` aria-invalid="true" aria-describedby="…"` as needed; `hint` is the id of the field's
    /// hint, or "".
    fn aria(&self, field: &str, hint: &str) -> String;
}

impl FieldErrors for Vec<(&'static str, &'static str)> {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.iter()
            .find(|(f, _)| *f == field)
            .map(|(_, code)| *code)
    }

    fn aria(&self, field: &str, hint: &str) -> String {
        let invalid = self.error_for(field).is_some();
        let mut ids = Vec::new();
        if !hint.is_empty() {
            ids.push(hint.to_owned());
        }
        if invalid {
            ids.push(format!("{field}-error"));
        }
        let mut out = String::new();
        if invalid {
            out.push_str(" aria-invalid=\"true\"");
        }
        if !ids.is_empty() {
            out.push_str(&format!(" aria-describedby=\"{}\"", ids.join(" ")));
        }
        out
    }
}

pub(crate) fn value<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

pub(crate) fn checked(fields: &Fields, name: &str) -> bool {
    fields.iter().any(|(k, v)| k == name && !v.is_empty())
}

pub(crate) fn values<'a>(fields: &'a Fields, name: &'a str) -> impl Iterator<Item = &'a str> {
    fields
        .iter()
        .filter(move |(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) fn parse_id(id: &str) -> AppResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| AppError::NotFound)
}

pub(crate) fn with_status(mut r: Response, errors: &Errors, status: StatusCode) -> Response {
    if !errors.is_empty() {
        *r.status_mut() = status;
    }
    r
}

/// One link of the administration's sub-navigation.
pub struct NavLink {
    pub href: &'static str,
    pub label: String,
    /// `Some("page")` on its own page, `Some("true")` on a page below it.
    pub current: Option<&'static str>,
}

/// The sections this actor may open, with the current one marked.
pub(crate) fn nav(ctx: &Ctx, current: &str, exact: bool) -> Vec<NavLink> {
    let sections = [
        (
            "/admin",
            "admin-settings",
            ctx.can(Permission::ManageTenant),
        ),
        (
            "/admin/calendar",
            "admin-calendar",
            ctx.can(Permission::ManageTenant),
        ),
        (
            "/admin/accounts",
            "admin-accounts",
            ctx.can(Permission::ManageTenant),
        ),
        (
            "/admin/mail",
            "admin-mail",
            ctx.can(Permission::ManageTenant),
        ),
        (
            "/admin/staff",
            "admin-staff",
            ctx.can(Permission::ManageStaff),
        ),
        (
            "/admin/teams",
            "admin-teams",
            ctx.can(Permission::ManageTeams),
        ),
        (
            "/admin/services",
            "admin-catalogue",
            ctx.can(Permission::ManageCatalogue),
        ),
        (
            "/admin/custom-fields",
            "admin-custom-fields",
            ctx.can(Permission::ManageCustomFields),
        ),
        (
            "/admin/routing",
            "admin-routing",
            ctx.can(Permission::ManageAutomation),
        ),
        (
            "/admin/automation",
            "admin-automation",
            ctx.can(Permission::ManageAutomation),
        ),
        (
            "/admin/canned",
            "admin-canned",
            ctx.can(Permission::Supervise),
        ),
        (
            "/admin/articles",
            "admin-articles",
            ctx.can(Permission::Supervise),
        ),
        (
            "/admin/roles",
            "admin-roles",
            ctx.can(Permission::ManageTeams) || ctx.can(Permission::ManageStaff),
        ),
        (
            "/admin/audit",
            "admin-audit",
            ctx.can(Permission::ReadAudit),
        ),
    ];
    sections
        .into_iter()
        .filter(|(_, _, allowed)| *allowed)
        .map(|(href, label, _)| NavLink {
            href,
            label: ctx.t(label),
            current: (href == current).then_some(if exact { "page" } else { "true" }),
        })
        .collect()
}

fn role_options(ctx: &Ctx) -> Vec<(&'static str, String)> {
    Role::ALL
        .into_iter()
        .map(|r| (r.as_str(), ctx.role_label(r.as_str())))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Settings

/// The settings form as typed (shown again as typed when refused).
pub struct SettingsForm {
    pub name: String,
    pub default_locale: String,
    pub time_zone: String,
    pub primary_colour: String,
    pub contact_email: String,
    pub require_totp: bool,
}

impl SettingsForm {
    fn of(t: &tenants::Tenant) -> Self {
        Self {
            name: t.name.clone(),
            default_locale: t.default_locale.clone(),
            time_zone: t.time_zone.clone(),
            primary_colour: t.primary_colour.clone(),
            contact_email: t.contact_email.clone().unwrap_or_default(),
            require_totp: t.require_totp,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    form: SettingsForm,
    kind_label: String,
    hosts: Vec<String>,
    locales: Vec<(&'static str, &'static str)>,
}

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    form: SettingsForm,
    notice: Option<String>,
    errors: Errors,
) -> AppResult<Response> {
    let hosts = tenants::hosts(&state.db, ctx.tenant.id).await?;
    let kind_label = ctx.t(&format!("tenant-kind-{}", ctx.tenant.kind().as_str()));
    let locales = Locale::ALL
        .into_iter()
        .map(|l| (l.as_str(), l.endonym()))
        .collect();
    let r = render(&SettingsTpl {
        ctx,
        nav: nav(ctx, "/admin", true),
        notice,
        errors: errors.clone(),
        form,
        kind_label,
        hosts,
        locales,
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

/// The landing page of the administration. Supervisors cannot change the settings: they land
/// on the first section they may use instead of a refusal.
async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    match ctx.staff(Permission::ManageTenant) {
        Ok(_) => {}
        Err(AppError::Forbidden) if ctx.can(Permission::ManageTeams) => {
            return Ok(Redirect::to("/admin/teams").into_response());
        }
        Err(AppError::Forbidden) if ctx.can(Permission::ReadAudit) => {
            return Ok(Redirect::to("/admin/audit").into_response());
        }
        Err(e) => return Err(e),
    }
    settings_page(
        &state,
        &ctx,
        SettingsForm::of(&ctx.tenant),
        q.text(&ctx),
        Vec::new(),
    )
    .await
}

async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let form = SettingsForm {
        name: value(&fields, "name").to_owned(),
        default_locale: value(&fields, "default_locale").to_owned(),
        time_zone: value(&fields, "time_zone").to_owned(),
        primary_colour: value(&fields, "primary_colour").to_owned(),
        contact_email: value(&fields, "contact_email").to_owned(),
        require_totp: checked(&fields, "require_totp"),
    };
    let mut errors = Errors::new();
    let name = relais_domain::tenant::tenant_name(&form.name)
        .map_err(|e| errors.push(("name", e.code)))
        .ok();
    let locale = form
        .default_locale
        .parse::<Locale>()
        .map_err(|_| errors.push(("default_locale", "invalid-locale")))
        .ok();
    let time_zone = relais_domain::tenant::time_zone(&form.time_zone)
        .map_err(|e| errors.push(("time_zone", e.code)))
        .ok();
    let colour = Colour::parse(&form.primary_colour)
        .and_then(|c| c.check_brand("primary_colour"))
        .map_err(|e| errors.push(("primary_colour", e.code)))
        .ok();
    let contact = match form.contact_email.trim() {
        "" => Some(None),
        text => Email::parse(text)
            .map(|e| Some(e.as_str().to_owned()))
            .map_err(|e| errors.push(("contact_email", e.code)))
            .ok(),
    };
    let (Some(name), Some(default_locale), Some(time_zone), Some(colour), Some(contact_email)) =
        (name, locale, time_zone, colour, contact)
    else {
        return settings_page(&state, &ctx, form, None, errors).await;
    };
    let settings = tenants::Settings {
        name,
        default_locale,
        time_zone,
        primary_colour: colour.to_string(),
        contact_email,
        require_totp: form.require_totp,
    };
    tenants::update_settings(&state.db, &ctx.actor(), &settings).await?;
    Ok(Redirect::to("/admin?notice=settings-saved").into_response())
}

/// The image type from the first bytes of the file (never from its name or the browser's
/// claim).
pub fn sniff_logo(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// `multipart/form-data` with one file field `logo`; the CSRF token comes in the query string.
async fn upload_logo(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let refuse = || async {
        settings_page(
            &state,
            &ctx,
            SettingsForm::of(&ctx.tenant),
            None,
            vec![("logo", "invalid-logo")],
        )
        .await
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest
        }
    };
    let mut logo: Option<Vec<u8>> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("logo") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_LOGO_BYTES {
                return refuse().await;
            }
        }
        logo = Some(bytes);
        break;
    }
    let Some(bytes) = logo else {
        return refuse().await;
    };
    let Some(kind) = sniff_logo(&bytes) else {
        return refuse().await;
    };
    let hash = state.files.put(&bytes).await?;
    tenants::set_logo(&state.db, &ctx.actor(), Some((&hash, kind))).await?;
    Ok(Redirect::to("/admin?notice=logo-saved").into_response())
}

// ---------------------------------------------------------------------------------------
// Staff

pub struct StaffRow {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub teams: String,
    pub status: &'static str,
    pub totp: bool,
}

/// Message id of an account's state.
fn status_of(a: &accounts::Account) -> &'static str {
    if a.disabled {
        "disabled"
    } else if lockout::is_locked(a.locked_until, Utc::now()) {
        "locked"
    } else {
        "active"
    }
}

#[derive(Template)]
#[template(path = "admin/staff.html")]
struct StaffTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    rows: Vec<StaffRow>,
    roles: Vec<(&'static str, String)>,
    display_name: String,
    email: String,
    role: String,
}

async fn staff_page(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    errors: Errors,
    typed: (String, String, String),
) -> AppResult<Response> {
    let rows = teams::staff_with_teams(&state.db, ctx.tenant.id)
        .await?
        .into_iter()
        .map(|(a, team_names)| StaffRow {
            id: a.id,
            status: status_of(&a),
            role: a
                .role
                .as_deref()
                .map(|r| ctx.role_label(r))
                .unwrap_or_default(),
            teams: team_names.join(", "),
            totp: a.totp_enabled,
            name: a.display_name,
            email: a.email,
        })
        .collect();
    let (display_name, email, role) = typed;
    let tpl = StaffTpl {
        ctx,
        nav: nav(ctx, "/admin/staff", true),
        notice,
        errors: errors.clone(),
        rows,
        roles: role_options(ctx),
        display_name,
        email,
        role,
    };
    Ok(with_status(
        render(&tpl)?,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn staff_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageStaff)?;
    staff_page(
        &state,
        &ctx,
        q.text(&ctx),
        Vec::new(),
        (
            String::new(),
            String::new(),
            Role::Agent.as_str().to_owned(),
        ),
    )
    .await
}

/// Creates a staff account without a password and mails a link to choose one: nobody but
/// the person ever knows it.
async fn staff_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageStaff)?;
    let typed = (
        value(&fields, "display_name").to_owned(),
        value(&fields, "email").to_owned(),
        value(&fields, "role").to_owned(),
    );
    let mut errors = Errors::new();
    let name = relais_domain::account::display_name(&typed.0)
        .map_err(|e| errors.push(("display_name", e.code)))
        .ok();
    let email = Email::parse(&typed.1)
        .map_err(|e| errors.push(("email", e.code)))
        .ok();
    let role = typed
        .2
        .parse::<Role>()
        .map_err(|e| errors.push(("role", e.code)))
        .ok();
    let (Some(display_name), Some(email), Some(role)) = (name, email, role) else {
        return staff_page(&state, &ctx, None, errors, typed).await;
    };
    let new = accounts::NewAccount {
        kind: AccountKind::Staff,
        email,
        display_name,
        password_hash: None,
        role: Some(role),
        locale: None,
    };
    let account = match accounts::create(&state.db, &ctx.actor(), new).await {
        Ok(a) => a,
        Err(StoreError::Conflict) => {
            return staff_page(&state, &ctx, None, vec![("email", "email-taken")], typed).await;
        }
        Err(e) => return Err(e.into()),
    };
    send_reset_link(&state, &ctx, &ctx.actor(), &account).await?;
    Ok(Redirect::to("/admin/staff?notice=staff-invited").into_response())
}

/// A staff account of this tenant, or 404 (portal accounts and other tenants' ids alike).
async fn staff_account(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<accounts::Account> {
    let id = parse_id(id)?;
    accounts::get(&state.db, ctx.tenant.id, id)
        .await?
        .filter(|a| a.kind() == AccountKind::Staff)
        .ok_or(AppError::NotFound)
}

/// A team checkbox: id, name, checked.
pub struct TeamChoice {
    pub id: Uuid,
    pub name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/staff_edit.html")]
struct StaffEditTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    account: &'a accounts::Account,
    status: &'static str,
    title: String,
    roles: Vec<(&'static str, String)>,
    display_name: String,
    role: String,
    disabled: bool,
    teams: Vec<TeamChoice>,
}

struct StaffTyped {
    display_name: String,
    role: String,
    disabled: bool,
    teams: Vec<Uuid>,
}

async fn staff_edit_page(
    state: &AppState,
    ctx: &Ctx,
    account: &accounts::Account,
    typed: StaffTyped,
    notice: Option<String>,
    errors: Errors,
    status: StatusCode,
) -> AppResult<Response> {
    let teams = teams::list(&state.db, ctx.tenant.id)
        .await?
        .into_iter()
        .map(|t| TeamChoice {
            checked: typed.teams.contains(&t.id),
            id: t.id,
            name: t.name,
        })
        .collect();
    let tpl = StaffEditTpl {
        ctx,
        nav: nav(ctx, "/admin/staff", false),
        notice,
        errors: errors.clone(),
        account,
        status: status_of(account),
        title: ctx.t1("staff-edit-title", "name", &account.display_name),
        roles: role_options(ctx),
        display_name: typed.display_name,
        role: typed.role,
        disabled: typed.disabled,
        teams,
    };
    Ok(with_status(render(&tpl)?, &errors, status))
}

/// Shows a staff member's record; the view itself goes to the audit log.
async fn staff_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageStaff)?;
    let account = staff_account(&state, &ctx, &id).await?;
    audit::append(
        &state.db,
        &ctx.actor(),
        Change::new("account.view", "account", account.id, serde_json::json!({})),
    )
    .await?;
    let teams = teams::of_account(&state.db, ctx.tenant.id, account.id)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let typed = StaffTyped {
        display_name: account.display_name.clone(),
        role: account.role.clone().unwrap_or_default(),
        disabled: account.disabled,
        teams,
    };
    staff_edit_page(
        &state,
        &ctx,
        &account,
        typed,
        q.text(&ctx),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn staff_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageStaff)?;
    let account = staff_account(&state, &ctx, &id).await?;
    let known_teams: Vec<Uuid> = teams::list(&state.db, ctx.tenant.id)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let mut errors = Errors::new();
    let chosen: Vec<Option<Uuid>> = values(&fields, "team")
        .map(|v| {
            Uuid::parse_str(v)
                .ok()
                .filter(|id| known_teams.contains(id))
        })
        .collect();
    if chosen.iter().any(Option::is_none) {
        errors.push(("teams", "invalid-team"));
    }
    let mut team_ids: Vec<Uuid> = chosen.into_iter().flatten().collect();
    team_ids.sort();
    team_ids.dedup();
    let typed = StaffTyped {
        display_name: value(&fields, "display_name").to_owned(),
        role: value(&fields, "role").to_owned(),
        disabled: checked(&fields, "disabled"),
        teams: team_ids.clone(),
    };
    let name = relais_domain::account::display_name(&typed.display_name)
        .map_err(|e| errors.push(("display_name", e.code)))
        .ok();
    let role = typed
        .role
        .parse::<Role>()
        .map_err(|e| errors.push(("role", e.code)))
        .ok();
    // Errors in the order of the form.
    errors.sort_by_key(|(f, _)| {
        ["display_name", "role", "disabled", "teams"]
            .iter()
            .position(|x| x == f)
    });
    let (Some(display_name), Some(role), true) = (name, role, errors.is_empty()) else {
        return staff_edit_page(
            &state,
            &ctx,
            &account,
            typed,
            None,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let update = accounts::StaffUpdate {
        display_name,
        role,
        disabled: typed.disabled,
    };
    let unchanged = update.display_name == account.display_name
        && account.role() == Some(role)
        && update.disabled == account.disabled;
    if !unchanged {
        match accounts::update_staff(&state.db, &ctx.actor(), account.id, &update).await {
            Ok(_) => {}
            Err(StoreError::Rule("last-admin")) => {
                return staff_edit_page(
                    &state,
                    &ctx,
                    &account,
                    typed,
                    None,
                    vec![("role", "error-last-admin")],
                    StatusCode::CONFLICT,
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut before: Vec<Uuid> = teams::of_account(&state.db, ctx.tenant.id, account.id)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    before.sort();
    if before != team_ids {
        teams::set_account_teams(&state.db, &ctx.actor(), account.id, &team_ids).await?;
    }
    Ok(Redirect::to(&format!("/admin/staff/{}?notice=staff-saved", account.id)).into_response())
}

async fn staff_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageStaff)?;
    let account = staff_account(&state, &ctx, &id).await?;
    send_reset_link(&state, &ctx, &ctx.actor(), &account).await?;
    Ok(Redirect::to(&format!(
        "/admin/staff/{}?notice=staff-reset-sent",
        account.id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Teams

pub struct TeamRow {
    pub id: Uuid,
    pub name: String,
    pub members: String,
}

#[derive(Template)]
#[template(path = "admin/teams.html")]
struct TeamsTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    teams: Vec<TeamRow>,
    name: String,
}

async fn teams_page(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    errors: Errors,
    name: String,
) -> AppResult<Response> {
    let teams = teams::list(&state.db, ctx.tenant.id)
        .await?
        .into_iter()
        .map(|t| TeamRow {
            id: t.id,
            members: ctx.tn("team-members-count", t.member_count),
            name: t.name,
        })
        .collect();
    let r = render(&TeamsTpl {
        ctx,
        nav: nav(ctx, "/admin/teams", true),
        notice,
        errors: errors.clone(),
        teams,
        name,
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn team_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTeams)?;
    teams_page(&state, &ctx, q.text(&ctx), Vec::new(), String::new()).await
}

async fn team_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTeams)?;
    let typed = value(&fields, "name").to_owned();
    let name = match relais_domain::account::team_name(&typed) {
        Ok(n) => n,
        Err(e) => return teams_page(&state, &ctx, None, vec![("name", e.code)], typed).await,
    };
    match teams::create(&state.db, &ctx.actor(), &name).await {
        Ok(_) => Ok(Redirect::to("/admin/teams?notice=team-created").into_response()),
        Err(StoreError::Conflict) => {
            teams_page(&state, &ctx, None, vec![("name", "team-taken")], typed).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A member checkbox: a staff account of the tenant.
pub struct MemberChoice {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/team_edit.html")]
struct TeamEditTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    team: &'a teams::Team,
    title: String,
    name: String,
    members: Vec<MemberChoice>,
}

async fn team_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<teams::Team> {
    let id = parse_id(id)?;
    teams::get(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn team_edit_page(
    state: &AppState,
    ctx: &Ctx,
    team: &teams::Team,
    name: String,
    chosen: &[Uuid],
    notice: Option<String>,
    errors: Errors,
) -> AppResult<Response> {
    let members = accounts::list(&state.db, ctx.tenant.id, AccountKind::Staff)
        .await?
        .into_iter()
        .map(|a| MemberChoice {
            checked: chosen.contains(&a.id),
            id: a.id,
            name: a.display_name,
            email: a.email,
        })
        .collect();
    let title = ctx.t1("team-edit-title", "name", &team.name);
    let r = render(&TeamEditTpl {
        ctx,
        nav: nav(ctx, "/admin/teams", false),
        notice,
        errors: errors.clone(),
        team,
        title,
        name,
        members,
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn team_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTeams)?;
    let team = team_of(&state, &ctx, &id).await?;
    let chosen = teams::members(&state.db, ctx.tenant.id, team.id).await?;
    team_edit_page(
        &state,
        &ctx,
        &team,
        team.name.clone(),
        &chosen,
        q.text(&ctx),
        Vec::new(),
    )
    .await
}

async fn team_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTeams)?;
    let team = team_of(&state, &ctx, &id).await?;
    let staff: Vec<Uuid> = accounts::list(&state.db, ctx.tenant.id, AccountKind::Staff)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let typed = value(&fields, "name").to_owned();
    let mut errors = Errors::new();
    let name = relais_domain::account::team_name(&typed)
        .map_err(|e| errors.push(("name", e.code)))
        .ok();
    let chosen: Vec<Option<Uuid>> = values(&fields, "member")
        .map(|v| Uuid::parse_str(v).ok().filter(|id| staff.contains(id)))
        .collect();
    if chosen.iter().any(Option::is_none) {
        errors.push(("members", "invalid-member"));
    }
    let mut members: Vec<Uuid> = chosen.into_iter().flatten().collect();
    members.sort();
    members.dedup();
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return team_edit_page(&state, &ctx, &team, typed, &members, None, errors).await;
    };
    if name != team.name {
        match teams::rename(&state.db, &ctx.actor(), team.id, &name).await {
            Ok(()) => {}
            Err(StoreError::Conflict) => {
                return team_edit_page(
                    &state,
                    &ctx,
                    &team,
                    typed,
                    &members,
                    None,
                    vec![("name", "team-taken")],
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut before = teams::members(&state.db, ctx.tenant.id, team.id).await?;
    before.sort();
    if before != members {
        teams::set_members(&state.db, &ctx.actor(), team.id, &members).await?;
    }
    Ok(Redirect::to(&format!("/admin/teams/{}?notice=team-saved", team.id)).into_response())
}

async fn team_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTeams)?;
    let team = team_of(&state, &ctx, &id).await?;
    teams::delete(&state.db, &ctx.actor(), team.id).await?;
    Ok(Redirect::to("/admin/teams?notice=team-deleted").into_response())
}

// ---------------------------------------------------------------------------------------
// Roles

pub struct RoleInfo {
    pub label: String,
    pub description: String,
}

pub struct PermissionRow {
    pub label: String,
    pub allowed: Vec<bool>,
}

#[derive(Template)]
#[template(path = "admin/roles.html")]
struct RolesTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    roles: Vec<RoleInfo>,
    rows: Vec<PermissionRow>,
}

async fn roles(ctx: Ctx) -> AppResult<Response> {
    if ctx.staff(Permission::ManageTeams).is_err() {
        ctx.staff(Permission::ManageStaff)?;
    }
    let roles = Role::ALL
        .into_iter()
        .map(|r| RoleInfo {
            label: ctx.role_label(r.as_str()),
            description: ctx.t(&format!("role-{}-desc", r.as_str())),
        })
        .collect();
    let rows = Permission::ALL
        .into_iter()
        .map(|p| PermissionRow {
            label: ctx.t(&format!("perm-{}", p.as_str())),
            allowed: Role::ALL.into_iter().map(|r| r.can(p)).collect(),
        })
        .collect();
    render(&RolesTpl {
        ctx: &ctx,
        nav: nav(&ctx, "/admin/roles", true),
        roles,
        rows,
    })
}

// ---------------------------------------------------------------------------------------
// Audit log

/// The filter as typed, to show it again and to keep it in the "older" link.
#[derive(Default)]
pub struct AuditFilterForm {
    pub action: String,
    pub actor: String,
    pub target: String,
    pub from: String,
    pub until: String,
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub summary: String,
    pub ip: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    errors: Errors,
    actions: Vec<String>,
    actors: Vec<(Uuid, String)>,
    form: AuditFilterForm,
    rows: Vec<AuditRow>,
    older: Option<String>,
    newest: Option<String>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The summary JSON on one line, cut if very long.
fn compact(summary: &serde_json::Value) -> String {
    let text = summary.to_string();
    if text == "{}" {
        return String::new();
    }
    const MAX: usize = 300;
    if text.chars().count() > MAX {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    } else {
        text
    }
}

async fn audit_log(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ReadAudit)?;
    let form = AuditFilterForm {
        action: value(&query, "action").trim().to_owned(),
        actor: value(&query, "actor").trim().to_owned(),
        target: value(&query, "target").trim().to_owned(),
        from: value(&query, "from").trim().to_owned(),
        until: value(&query, "until").trim().to_owned(),
    };
    let before = value(&query, "before").trim();
    let actions = audit::actions(&state.db, ctx.tenant.id).await?;
    let actors: Vec<(Uuid, String)> = accounts::list(&state.db, ctx.tenant.id, AccountKind::Staff)
        .await?
        .into_iter()
        .map(|a| (a.id, format!("{} ({})", a.display_name, a.email)))
        .collect();
    let mut errors = Errors::new();
    let mut filter = audit::Filter::default();
    if !form.action.is_empty() {
        if actions.contains(&form.action) {
            filter.action = Some(form.action.clone());
        } else {
            errors.push(("action", "audit-bad-action"));
        }
    }
    if !form.actor.is_empty() {
        match Uuid::parse_str(&form.actor) {
            Ok(id) if actors.iter().any(|(a, _)| *a == id) => filter.actor_id = Some(id),
            _ => errors.push(("actor", "audit-bad-actor")),
        }
    }
    if !form.target.is_empty() {
        if form.target.chars().count() <= 200 && !form.target.chars().any(char::is_control) {
            filter.target_id = Some(form.target.clone());
        } else {
            errors.push(("target", "audit-bad-target"));
        }
    }
    let from = if form.from.is_empty() {
        None
    } else {
        parse_date(&form.from).or_else(|| {
            errors.push(("from", "invalid-date"));
            None
        })
    };
    let until = if form.until.is_empty() {
        None
    } else {
        parse_date(&form.until).or_else(|| {
            errors.push(("until", "invalid-date"));
            None
        })
    };
    if let (Some(f), Some(u)) = (from, until)
        && f > u
    {
        errors.push(("until", "audit-bad-range"));
    }
    filter.from = from.map(start_of);
    filter.until = until.and_then(|d| d.succ_opt()).map(start_of);
    if !before.is_empty() {
        match Uuid::parse_str(before) {
            Ok(id) => filter.before = Some(id),
            Err(_) => errors.push(("audit-filter", "audit-bad-cursor")),
        }
    }
    let mut rows = Vec::new();
    let mut older = None;
    if errors.is_empty() {
        let mut entries =
            audit::list(&state.db, ctx.tenant.id, &filter, AUDIT_PAGE as i64 + 1).await?;
        let more = entries.len() > AUDIT_PAGE;
        entries.truncate(AUDIT_PAGE);
        if more && let Some(last) = entries.last() {
            let mut pairs: Vec<(&str, String)> = [
                ("action", &form.action),
                ("actor", &form.actor),
                ("target", &form.target),
                ("from", &form.from),
                ("until", &form.until),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, v.clone()))
            .collect();
            pairs.push(("before", last.id.to_string()));
            older = Some(format!(
                "/admin/audit?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            ));
        }
        rows = entries
            .into_iter()
            .map(|e| AuditRow {
                at: e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                actor: e.actor_label,
                target: match e.target_id {
                    Some(id) => format!("{} {id}", e.target_kind),
                    None => e.target_kind,
                },
                action: e.action,
                summary: compact(&e.summary.0),
                ip: e.client_ip.unwrap_or_default(),
            })
            .collect();
    }
    let newest = filter.before.is_some().then(|| {
        let pairs: Vec<(&str, &String)> = [
            ("action", &form.action),
            ("actor", &form.actor),
            ("target", &form.target),
            ("from", &form.from),
            ("until", &form.until),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        format!(
            "/admin/audit?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    });
    let tpl = AuditTpl {
        ctx: &ctx,
        nav: nav(&ctx, "/admin/audit", true),
        errors: errors.clone(),
        actions,
        actors,
        form,
        rows,
        older,
        newest,
    };
    Ok(with_status(
        render(&tpl)?,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

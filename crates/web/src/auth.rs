//! Signing in and out, the second factor, and password resets by e-mail.

use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    middleware::{random_token, set_cookie},
    pages::{NoticeQuery, render},
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use relais_domain::{AccountKind, Password, account::lockout, totp};
use relais_store::{Actor, StoreError, accounts, password_resets, sessions, tenants};
use serde::Deserialize;
use std::time::Duration;

/// Hashes a password with argon2id on the blocking pool: it takes tens of milliseconds of CPU
/// on purpose, which must not stall the async workers.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        use argon2::{Argon2, PasswordHasher, password_hash::SaltString};
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// Checks a password against a stored hash (or against a dummy when there is no account, so
/// that timing does not tell which e-mails exist).
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        use argon2::{Argon2, PasswordHash, PasswordVerifier};
        let dummy = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3d9h8mOAZVEW3I2E1KO1hZ6cVfJjYxlCmu7ZTXO9kHI";
        let stored = hash.as_deref().unwrap_or(dummy);
        let Ok(parsed) = PasswordHash::new(stored) else { return false };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && hash.is_some()
    })
    .await
    .unwrap_or(false)
}

/// Only local paths, never `//host` or a scheme: no open redirect through `next`.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains(['\r', '\n']) =>
        {
            n.to_owned()
        }
        _ => fallback.to_owned(),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTpl<'a> {
    ctx: &'a Ctx,
    title: &'a str,
    action: &'a str,
    kind: &'a str,
    next: String,
    email: String,
    error: Option<&'a str>,
    error_text: String,
    notice: Option<String>,
    /// The label of the tenant's single sign-on button, on the portal's page.
    oidc: Option<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

fn login_meta(kind: AccountKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        AccountKind::Staff => ("sign-in-staff", "/backoffice/login", "/backoffice"),
        AccountKind::Portal => ("sign-in-portal", "/login", "/"),
    }
}

async fn login_page(
    state: &AppState,
    ctx: &Ctx,
    kind: AccountKind,
    next: String,
    email: String,
    error: Option<&str>,
    notice: Option<String>,
) -> AppResult<Response> {
    let (title, action, _) = login_meta(kind);
    let oidc = match kind {
        AccountKind::Portal => {
            relais_store::portal_accounts::oidc_provider(&state.db, ctx.tenant.id)
                .await?
                .filter(|p| p.enabled)
                .map(|p| {
                    (
                        ctx.t1("oidc-sign-in-with", "provider", p.label),
                        format!("/login/oidc?next={}", crate::middleware::urlencode(&next)),
                    )
                })
        }
        AccountKind::Staff => None,
    };
    let error_text = match error {
        Some("login-locked") => ctx.t1("login-locked", "minutes", lockout::LOCK_MINUTES),
        Some(code) => ctx.t(code),
        None => String::new(),
    };
    render(&LoginTpl {
        ctx,
        title,
        action,
        kind: kind.as_str(),
        next,
        email,
        error,
        error_text,
        notice,
        oidc,
    })
}

pub async fn staff_login_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    let notice = NoticeQuery { notice: q.notice }.text(&ctx);
    login_page(
        &state,
        &ctx,
        AccountKind::Staff,
        safe_next(q.next.as_deref(), "/backoffice"),
        String::new(),
        None,
        notice,
    )
    .await
}

pub async fn portal_login_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    let notice = NoticeQuery { notice: q.notice }.text(&ctx);
    login_page(
        &state,
        &ctx,
        AccountKind::Portal,
        safe_next(q.next.as_deref(), "/"),
        String::new(),
        None,
        notice,
    )
    .await
}

pub async fn staff_login(
    state: State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: Form<LoginForm>,
) -> AppResult<Response> {
    login(state, ctx, headers, form, AccountKind::Staff).await
}

pub async fn portal_login(
    state: State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: Form<LoginForm>,
) -> AppResult<Response> {
    login(state, ctx, headers, form, AccountKind::Portal).await
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
    kind: AccountKind,
) -> AppResult<Response> {
    let (_, _, landing) = login_meta(kind);
    let next = safe_next(form.next.as_deref(), landing);
    let email = form.email.trim().to_lowercase();
    let refuse = async |status: StatusCode, code: &str| -> AppResult<Response> {
        let mut r = login_page(
            &state,
            &ctx,
            kind,
            next.clone(),
            email.clone(),
            Some(code),
            None,
        )
        .await?;
        *r.status_mut() = status;
        Ok(r)
    };
    let client = ctx.client_ip.clone().unwrap_or_default();
    if !state.limiter.allow(
        "login",
        &client,
        state.config.login_attempts_per_minute,
        Duration::from_secs(60),
    ) {
        let mut r = refuse(StatusCode::TOO_MANY_REQUESTS, "rate-limited").await?;
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        return Ok(r);
    }
    let account = accounts::find_by_email(&state.db, ctx.tenant.id, kind, &email)
        .await?
        .filter(|a| !a.disabled);
    let Some(account) = account else {
        verify_password(form.password, None).await;
        return refuse(StatusCode::UNAUTHORIZED, "login-failed").await;
    };
    let now = chrono::Utc::now();
    let actor = Actor {
        account_id: Some(account.id),
        label: account.email.clone(),
        ..ctx.actor()
    };
    if lockout::is_locked(account.locked_until, now) {
        return refuse(StatusCode::TOO_MANY_REQUESTS, "login-locked").await;
    }
    if !verify_password(form.password, account.password_hash.clone()).await {
        let lock = accounts::record_login_failure(&state.db, &actor, account.id).await?;
        return if lock.is_some() {
            refuse(StatusCode::TOO_MANY_REQUESTS, "login-locked").await
        } else {
            refuse(StatusCode::UNAUTHORIZED, "login-failed").await
        };
    }
    accounts::record_login_success(&state.db, &actor, account.id).await?;
    let pending = kind == AccountKind::Staff && account.totp_enabled;
    let destination = if pending {
        format!("/login/totp?next={}", crate::middleware::urlencode(&next))
    } else {
        next
    };
    start_session(&state, &ctx, &headers, account.id, pending, &destination).await
}

/// Opens a new session (a new id every time: renewal at sign-in stops session fixation),
/// ends the one the browser had, rotates the CSRF token, and redirects.
pub(crate) async fn start_session(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    account_id: uuid::Uuid,
    pending: bool,
    to: &str,
) -> AppResult<Response> {
    if let Some(old) = &ctx.session {
        sessions::delete(&state.db, ctx.tenant.id, &old.id_hash).await?;
    }
    let raw = random_token();
    let lifetime = if pending {
        chrono::Duration::minutes(10)
    } else {
        state.config.session_lifetime
    };
    sessions::create(
        &state.db,
        sessions::NewSession {
            tenant_id: ctx.tenant.id,
            account_id,
            raw_id: &raw,
            second_factor_pending: pending,
            lifetime,
            client_ip: ctx.client_ip.as_deref(),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
        },
    )
    .await?;
    let mut response = Redirect::to(to).into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(state, "relais_session", &raw, None, true, "Lax"),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(state, "relais_csrf", &random_token(), None, true, "Strict"),
    );
    Ok(response)
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let to = if ctx.is_staff() {
        "/backoffice/login?notice=signed-out"
    } else {
        "/?notice=signed-out"
    };
    if let Some(session) = &ctx.session {
        sessions::delete(&state.db, ctx.tenant.id, &session.id_hash).await?;
        if let Some(user) = &ctx.user {
            relais_store::audit::append(
                &state.db,
                &ctx.actor(),
                relais_store::Change::new("auth.logout", "account", user.id, serde_json::json!({})),
            )
            .await?;
        }
    }
    let mut response = Redirect::to(to).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, "relais_session", "", Some(0), true, "Lax"),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "totp_login.html")]
struct TotpLoginTpl<'a> {
    ctx: &'a Ctx,
    next: String,
    error: Option<&'a str>,
}

pub async fn totp_form(ctx: Ctx, Query(q): Query<LoginQuery>) -> AppResult<Response> {
    if !ctx
        .session
        .as_ref()
        .is_some_and(|s| s.second_factor_pending)
    {
        return Ok(Redirect::to("/backoffice/login").into_response());
    }
    render(&TotpLoginTpl {
        ctx: &ctx,
        next: safe_next(q.next.as_deref(), "/backoffice"),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct TotpForm {
    code: String,
    next: Option<String>,
}

pub async fn totp_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<TotpForm>,
) -> AppResult<Response> {
    let Some(session) = ctx.session.clone().filter(|s| s.second_factor_pending) else {
        return Ok(Redirect::to("/backoffice/login").into_response());
    };
    let next = safe_next(form.next.as_deref(), "/backoffice");
    let account = accounts::get(&state.db, ctx.tenant.id, session.account_id)
        .await?
        .ok_or(AppError::SignInNeeded)?;
    let actor = Actor {
        account_id: Some(account.id),
        label: account.email.clone(),
        ..ctx.actor()
    };
    let client = ctx.client_ip.clone().unwrap_or_default();
    let allowed = state.limiter.allow(
        "totp",
        &client,
        state.config.login_attempts_per_minute,
        Duration::from_secs(60),
    );
    let secret = account
        .totp_secret
        .as_deref()
        .and_then(totp::Secret::from_base32);
    let step = secret.and_then(|s| {
        s.verify(
            &form.code,
            chrono::Utc::now().timestamp(),
            account.totp_last_step,
        )
    });
    let accepted = match step {
        Some(step) if allowed => {
            accounts::use_totp_step(&state.db, ctx.tenant.id, account.id, step).await?
        }
        _ => false,
    };
    if !accepted {
        if accounts::record_login_failure(&state.db, &actor, account.id)
            .await?
            .is_some()
        {
            sessions::delete(&state.db, ctx.tenant.id, &session.id_hash).await?;
            return Ok(Redirect::to("/backoffice/login").into_response());
        }
        let mut r = render(&TotpLoginTpl {
            ctx: &ctx,
            next,
            error: Some("totp-invalid"),
        })?;
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(r);
    }
    start_session(&state, &ctx, &headers, account.id, false, &next).await
}

// ---- Password reset ----

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotTpl<'a> {
    ctx: &'a Ctx,
    kind: &'a str,
    intro: String,
    error: Option<&'a str>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct KindQuery {
    kind: Option<String>,
}

fn kind_of(s: Option<&str>) -> AccountKind {
    s.and_then(|k| k.parse().ok())
        .unwrap_or(AccountKind::Portal)
}

fn forgot_page(
    state: &AppState,
    ctx: &Ctx,
    kind: AccountKind,
    notice: Option<String>,
    error: Option<&str>,
) -> AppResult<Response> {
    let intro = ctx.t1(
        "forgot-intro",
        "minutes",
        state.config.reset_link_lifetime.num_minutes(),
    );
    render(&ForgotTpl {
        ctx,
        kind: kind.as_str(),
        intro,
        error,
        notice,
    })
}

pub async fn forgot_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<KindQuery>,
) -> AppResult<Response> {
    forgot_page(&state, &ctx, kind_of(q.kind.as_deref()), None, None)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    email: String,
    kind: Option<String>,
}

/// The same answer whether or not the account exists: the page must not tell who has one.
pub async fn forgot_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    let kind = kind_of(form.kind.as_deref());
    let client = ctx.client_ip.clone().unwrap_or_default();
    if !state
        .limiter
        .allow("reset", &client, 5, Duration::from_secs(900))
    {
        let mut r = forgot_page(&state, &ctx, kind, None, Some("rate-limited"))?;
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(r);
    }
    if let Ok(email) = relais_domain::Email::parse(&form.email)
        && let Some(account) =
            accounts::find_by_email(&state.db, ctx.tenant.id, kind, email.as_str())
                .await?
                .filter(|a| !a.disabled)
    {
        // Sent in the background: neither a slow nor a refusing mail server may change the
        // answer or its timing, which would tell that the account exists.
        let mail = reset_mail(&state, &ctx, &ctx.actor(), &account).await?;
        crate::outbox::queue(&state, &ctx.actor(), &[mail]).await;
    }
    forgot_page(&state, &ctx, kind, Some(ctx.t("forgot-sent")), None)
}

/// Creates a single-use link and queues its mail, in the account's language.
pub async fn send_reset_link(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    account: &accounts::Account,
) -> AppResult<()> {
    let mail = reset_mail(state, ctx, actor, account).await?;
    relais_store::outbox::queue(&state.db, actor, &[mail]).await?;
    crate::jobs::wake(state);
    Ok(())
}

/// Creates a single-use reset link and the mail that carries it, in the account's language.
async fn reset_mail(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    account: &accounts::Account,
) -> AppResult<relais_store::outbox::OutboxMail> {
    let token = random_token();
    password_resets::create(
        &state.db,
        actor,
        account.id,
        &token,
        state.config.reset_link_lifetime,
    )
    .await?;
    let base = link_base(state, ctx).await?;
    let locale = account.locale().unwrap_or(ctx.locale);
    let minutes = state.config.reset_link_lifetime.num_minutes().to_string();
    let args = |extra: &[(&'static str, String)]| -> Vec<(&'static str, fluent_bundle::FluentValue<'static>)> {
        extra.iter().map(|(k, v)| (*k, fluent_bundle::FluentValue::from(v.clone()))).collect()
    };
    let subject = crate::i18n::message(
        locale,
        "reset-mail-subject",
        &args(&[("tenant", ctx.tenant.name.clone())]),
    );
    let text = crate::i18n::message(
        locale,
        "reset-mail-body",
        &args(&[
            ("tenant", ctx.tenant.name.clone()),
            ("minutes", minutes),
            ("link", format!("{base}/password/reset/{token}")),
        ]),
    );
    Ok(crate::outbox::mail(
        account.email.clone(),
        subject,
        text,
        "password.reset",
    ))
}

/// The start of links sent by mail. Never taken blindly from the request's `Host`: a forged
/// host would send the reset link to an attacker's site. A host known for this tenant is
/// used as is; otherwise the configured public URL, or the listening address.
pub(crate) async fn link_base(state: &AppState, ctx: &Ctx) -> AppResult<String> {
    tenant_link_base(state, &ctx.tenant).await
}

/// [`link_base`] for a tenant, outside any request (background work).
pub(crate) async fn tenant_link_base(
    state: &AppState,
    tenant: &tenants::Tenant,
) -> AppResult<String> {
    let hosts = tenants::hosts(&state.db, tenant.id).await?;
    if let Some(public) = &state.config.public_url
        && (tenant.is_default || hosts.is_empty())
    {
        return Ok(public.trim_end_matches('/').to_owned());
    }
    let scheme = if state.config.secure() {
        "https"
    } else {
        "http"
    };
    let port = state
        .config
        .listen
        .rsplit_once(':')
        .map(|(_, p)| p)
        .filter(|p| *p != "80" && *p != "443");
    match hosts.first() {
        Some(host) => Ok(match port {
            Some(p) => format!("{scheme}://{host}:{p}"),
            None => format!("{scheme}://{host}"),
        }),
        None => Ok(format!("{scheme}://{}", state.config.listen)),
    }
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetTpl<'a> {
    ctx: &'a Ctx,
    action: String,
    hint: String,
    errors: Vec<(&'static str, &'static str)>,
}

fn reset_form_page(
    ctx: &Ctx,
    token: &str,
    errors: Vec<(&'static str, &'static str)>,
) -> AppResult<Response> {
    let hint = ctx.t1("new-password-hint", "min", Password::MIN_CHARS);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&ResetTpl {
        ctx,
        action: format!("/password/reset/{token}"),
        hint,
        errors,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

fn reset_invalid() -> AppError {
    AppError::Refused(StatusCode::GONE, "reset-invalid")
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    if password_resets::peek(&state.db, ctx.tenant.id, &token)
        .await?
        .is_none()
    {
        return Err(reset_invalid());
    }
    reset_form_page(&ctx, &token, Vec::new())
}

#[derive(Deserialize)]
pub struct ResetForm {
    password: String,
    confirm: String,
}

pub async fn reset_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    let Some(account_id) = password_resets::peek(&state.db, ctx.tenant.id, &token).await? else {
        return Err(reset_invalid());
    };
    let password = match Password::new(&form.password) {
        Ok(p) => p,
        Err(e) => return reset_form_page(&ctx, &token, vec![("password", e.code)]),
    };
    if form.password != form.confirm {
        return reset_form_page(&ctx, &token, vec![("confirm", "password-mismatch")]);
    }
    let hash = hash_password(password.expose().to_owned()).await?;
    match password_resets::reset_password(&state.db, &ctx.actor(), &token, &hash).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(reset_invalid()),
        Err(e) => return Err(e.into()),
    }
    let account = accounts::get(&state.db, ctx.tenant.id, account_id).await?;
    let login = match account.map(|a| a.kind()) {
        Some(AccountKind::Staff) => "/backoffice/login",
        _ => "/login",
    };
    let mut response = Redirect::to(&format!("{login}?notice=reset-done")).into_response();
    // Whatever session this browser had is over too.
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, "relais_session", "", Some(0), true, "Lax"),
    );
    Ok(response)
}

//! The signed-in person's own account: language, password, second factor, API tokens.

use crate::{
    auth::{hash_password, verify_password},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::{NoticeQuery, render},
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use relais_domain::{Locale, Password, Permission, totp};
use relais_store::{accounts, api_tokens};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTpl<'a> {
    ctx: &'a Ctx,
    user: &'a accounts::Account,
    tokens: Vec<api_tokens::ApiToken>,
    new_token: Option<String>,
    notice: Option<String>,
    errors: Vec<(&'static str, &'static str)>,
    password_hint: String,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    new_token: Option<String>,
    notice: Option<String>,
    errors: Vec<(&'static str, &'static str)>,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let tokens = api_tokens::list(&state.db, ctx.tenant.id, user.id).await?;
    let password_hint = ctx.t1("new-password-hint", "min", Password::MIN_CHARS);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&AccountTpl {
        ctx,
        user,
        tokens,
        new_token,
        notice,
        errors,
        password_hint,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(&state, &ctx, None, q.text(&ctx), Vec::new()).await
}

#[derive(Deserialize)]
pub struct LocaleForm {
    locale: String,
}

pub async fn set_locale(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LocaleForm>,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let Ok(locale) = form.locale.parse::<Locale>() else {
        return page(&state, &ctx, None, None, vec![("locale", "invalid-locale")]).await;
    };
    accounts::set_locale(&state.db, &ctx.actor(), user.id, locale).await?;
    // The cookie would otherwise keep the old choice.
    let mut r =
        Redirect::to(&format!("/account?notice=account-saved&lang={locale}")).into_response();
    r.headers_mut().append(
        axum::http::header::SET_COOKIE,
        crate::middleware::set_cookie(
            &state,
            "relais_lang",
            locale.as_str(),
            Some(31_536_000),
            false,
            "Lax",
        ),
    );
    Ok(r)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    password: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    if !verify_password(form.current, user.password_hash.clone()).await {
        return page(
            &state,
            &ctx,
            None,
            None,
            vec![("current", "password-wrong")],
        )
        .await;
    }
    let password = match Password::new(&form.password) {
        Ok(p) => p,
        Err(e) => return page(&state, &ctx, None, None, vec![("password", e.code)]).await,
    };
    if form.password != form.confirm {
        return page(
            &state,
            &ctx,
            None,
            None,
            vec![("confirm", "password-mismatch")],
        )
        .await;
    }
    let hash = hash_password(password.expose().to_owned()).await?;
    let keep = ctx.session.as_ref().map(|s| s.id_hash.as_str());
    accounts::set_password(&state.db, &ctx.actor(), user.id, &hash, keep).await?;
    Ok(Redirect::to("/account?notice=password-changed").into_response())
}

#[derive(Template)]
#[template(path = "totp_setup.html")]
struct TotpSetupTpl<'a> {
    ctx: &'a Ctx,
    secret: String,
    qr_svg: String,
    required: bool,
    error: Option<&'a str>,
}

fn totp_setup_page(ctx: &Ctx, secret: totp::Secret, error: Option<&str>) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let uri = secret.otpauth_uri(&ctx.tenant.name, &user.email);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(180, 180)
                .build()
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The SVG from the encoder has an XML prolog; inline it without.
    let qr_svg = qr_svg
        .split_once("<svg")
        .map(|(_, rest)| format!("<svg aria-hidden=\"true\"{rest}"))
        .unwrap_or_default();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut r = render(&TotpSetupTpl {
        ctx,
        secret: secret.to_base32(),
        qr_svg,
        required: ctx.tenant.require_totp,
        error,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

/// Shows a fresh secret. Nothing is stored until a code proves the app has it.
pub async fn totp_setup(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    if !ctx.is_staff() {
        return Err(AppError::NotFound);
    }
    if user.totp_enabled {
        return Ok(Redirect::to("/account#two-factor").into_response());
    }
    let mut bytes = [0u8; 20];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    totp_setup_page(&ctx, totp::Secret::from_bytes(bytes), None)
}

#[derive(Deserialize)]
pub struct TotpEnableForm {
    secret: String,
    code: String,
}

pub async fn totp_enable(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TotpEnableForm>,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    if !ctx.is_staff() {
        return Err(AppError::NotFound);
    }
    let secret = totp::Secret::from_base32(&form.secret).ok_or(AppError::BadRequest)?;
    let Some(step) = secret.verify(&form.code, chrono::Utc::now().timestamp(), None) else {
        return totp_setup_page(&ctx, secret, Some("totp-invalid"));
    };
    accounts::set_totp(
        &state.db,
        &ctx.actor(),
        user.id,
        Some(&secret.to_base32()),
        true,
        Some(step),
    )
    .await?;
    Ok(Redirect::to("/account?notice=totp-now-enabled").into_response())
}

#[derive(Deserialize)]
pub struct TotpDisableForm {
    code: String,
}

pub async fn totp_disable(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TotpDisableForm>,
) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    if ctx.tenant.require_totp {
        return Err(AppError::Refused(
            StatusCode::FORBIDDEN,
            "totp-cannot-disable",
        ));
    }
    let secret = user
        .totp_secret
        .as_deref()
        .and_then(totp::Secret::from_base32)
        .ok_or(AppError::NotFound)?;
    let valid = secret.verify(
        &form.code,
        chrono::Utc::now().timestamp(),
        user.totp_last_step,
    );
    if valid.is_none() {
        return page(
            &state,
            &ctx,
            None,
            None,
            vec![("disable-code", "totp-invalid")],
        )
        .await;
    }
    accounts::set_totp(&state.db, &ctx.actor(), user.id, None, false, None).await?;
    Ok(Redirect::to("/account?notice=totp-now-disabled").into_response())
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

/// Creates an API token and shows it once.
/// Who may hold API tokens: staff of the back office, and portal accounts (whose tokens
/// reach only their own account: `/api/v1/me` and their tokens; every other operation
/// requires a staff role).
fn token_owner(ctx: &Ctx) -> AppResult<&accounts::Account> {
    match crate::portal::portal_user(ctx) {
        Some(user) => Ok(user),
        None => ctx.staff(Permission::UseBackOffice),
    }
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let user = token_owner(&ctx)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return page(
            &state,
            &ctx,
            None,
            None,
            vec![("token-name", "invalid-token-name")],
        )
        .await;
    }
    let raw = format!("rls_{}", crate::middleware::random_token());
    api_tokens::create(&state.db, &ctx.actor(), user.id, name, &raw).await?;
    page(&state, &ctx, Some(raw), None, Vec::new()).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    let user = token_owner(&ctx)?;
    api_tokens::revoke(&state.db, &ctx.actor(), user.id, id).await?;
    Ok(Redirect::to("/account?notice=api-token-revoked#tokens").into_response())
}

//! Portal sign-up: a form, a link mailed to the address, and the account (with its person
//! record) created only when the link is followed. The answer to the form is the same
//! whether or not the address has an account, so the page never tells who has one.

use crate::{
    auth::{hash_password, link_base, start_session},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use fluent_bundle::FluentValue;
use relais_domain::{AccountKind, Email, Locale, Password, people::PersonIdentity};
use relais_store::{StoreError, accounts, portal_accounts};
use serde::Deserialize;
use std::time::Duration;

#[derive(Template)]
#[template(path = "signup.html")]
struct SignUpTpl<'a> {
    ctx: &'a Ctx,
    form: &'a SignUpForm,
    errors: Vec<(&'static str, &'static str)>,
    password_hint: String,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "signup_sent.html")]
struct SentTpl<'a> {
    ctx: &'a Ctx,
    text: String,
}

#[derive(Template)]
#[template(path = "signup_confirm.html")]
struct ConfirmTpl<'a> {
    ctx: &'a Ctx,
    action: String,
}

#[derive(Deserialize, Default)]
pub struct SignUpForm {
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub confirm: String,
}

fn form_page(
    ctx: &Ctx,
    form: &SignUpForm,
    errors: Vec<(&'static str, &'static str)>,
    error: Option<&str>,
    status: StatusCode,
) -> AppResult<Response> {
    let blank = SignUpForm {
        given_name: form.given_name.clone(),
        family_name: form.family_name.clone(),
        email: form.email.clone(),
        ..Default::default()
    };
    let mut r = render(&SignUpTpl {
        ctx,
        form: &blank,
        errors,
        password_hint: ctx.t1("new-password-hint", "min", Password::MIN_CHARS),
        error,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

fn staff_refused(ctx: &Ctx) -> AppResult<()> {
    if ctx.is_staff() {
        return Err(AppError::Refused(
            StatusCode::FORBIDDEN,
            "portal-staff-account",
        ));
    }
    Ok(())
}

pub async fn form(ctx: Ctx) -> AppResult<Response> {
    staff_refused(&ctx)?;
    if ctx.user.is_some() {
        return Ok(Redirect::to("/account").into_response());
    }
    form_page(
        &ctx,
        &SignUpForm::default(),
        Vec::new(),
        None,
        StatusCode::OK,
    )
}

fn args(pairs: &[(&'static str, String)]) -> Vec<(&'static str, FluentValue<'static>)> {
    pairs
        .iter()
        .map(|(k, v)| (*k, FluentValue::from(v.clone())))
        .collect()
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<SignUpForm>,
) -> AppResult<Response> {
    staff_refused(&ctx)?;
    let client = ctx.client_ip.clone().unwrap_or_default();
    if !state
        .limiter
        .allow("signup", &client, 5, Duration::from_secs(900))
    {
        let mut r = form_page(
            &ctx,
            &form,
            Vec::new(),
            Some("rate-limited"),
            StatusCode::TOO_MANY_REQUESTS,
        )?;
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("900"));
        return Ok(r);
    }
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    let today = chrono::Utc::now().date_naive();
    let identity = PersonIdentity::parse(
        &form.given_name,
        &form.family_name,
        None,
        ctx.locale.as_str(),
        today,
    )
    .map_err(|e| {
        for i in e {
            errors.push((i.field, i.code));
        }
    })
    .ok();
    let email = Email::parse(&form.email)
        .map_err(|_| errors.push(("email", "person-invalid-email")))
        .ok();
    let password = Password::new(&form.password)
        .map_err(|e| errors.push(("password", e.code)))
        .ok();
    if password.is_some() && form.password != form.confirm {
        errors.push(("confirm", "password-mismatch"));
    }
    let (Some(identity), Some(email), Some(password)) = (identity, email, password) else {
        return form_page(&ctx, &form, errors, None, StatusCode::UNPROCESSABLE_ENTITY);
    };
    if !errors.is_empty() {
        return form_page(&ctx, &form, errors, None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Hashed in every case, so the answer takes as long whether the address is known or not.
    let hash = hash_password(password.expose().to_owned()).await?;
    let base = link_base(&state, &ctx).await?;
    let tenant = ctx.tenant.name.clone();
    let existing = accounts::find_by_email(
        &state.db,
        ctx.tenant.id,
        AccountKind::Portal,
        email.as_str(),
    )
    .await?;
    let hours = state.config.signup_link_lifetime.num_hours().max(1);
    let mail = match existing {
        Some(account) => {
            // Someone (perhaps the owner) signed up again: tell the owner, change nothing.
            let locale = account.locale().unwrap_or(ctx.locale);
            relais_store::outbox::OutboxMail {
                to: account.email.clone(),
                subject: crate::i18n::message(
                    locale,
                    "signup-exists-mail-subject",
                    &args(&[("tenant", tenant.clone())]),
                ),
                text: crate::i18n::message(
                    locale,
                    "signup-exists-mail-body",
                    &args(&[
                        ("tenant", tenant.clone()),
                        ("login", format!("{base}/login")),
                        ("reset", format!("{base}/password/forgot")),
                    ]),
                ),
                purpose: "signup.exists".into(),
            }
        }
        None => {
            let token = crate::middleware::random_token();
            portal_accounts::request_sign_up(
                &state.db,
                &ctx.actor(),
                &portal_accounts::SignUp {
                    email: &email,
                    given_name: &identity.given_name,
                    family_name: &identity.family_name,
                    password_hash: &hash,
                    locale: ctx.locale,
                },
                &token,
                state.config.signup_link_lifetime,
            )
            .await?;
            relais_store::outbox::OutboxMail {
                to: email.as_str().to_owned(),
                subject: crate::i18n::message(
                    ctx.locale,
                    "signup-mail-subject",
                    &args(&[("tenant", tenant.clone())]),
                ),
                text: crate::i18n::message(
                    ctx.locale,
                    "signup-mail-body",
                    &args(&[
                        ("tenant", tenant.clone()),
                        ("link", format!("{base}/signup/confirm/{token}")),
                        ("hours", hours.to_string()),
                    ]),
                ),
                purpose: "signup".into(),
            }
        }
    };
    crate::outbox::queue(&state, &ctx.actor(), &[mail]).await;
    let text = crate::i18n::message(
        ctx.locale,
        "signup-sent",
        &args(&[
            ("email", email.as_str().to_owned()),
            ("hours", hours.to_string()),
        ]),
    );
    render(&SentTpl { ctx: &ctx, text })
}

fn signup_invalid() -> AppError {
    AppError::Refused(StatusCode::GONE, "signup-invalid")
}

/// The link's page asks for one click: mail scanners that open links must not use it up.
pub async fn confirm_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    if !portal_accounts::sign_up_pending(&state.db, ctx.tenant.id, &token).await? {
        return Err(signup_invalid());
    }
    render(&ConfirmTpl {
        ctx: &ctx,
        action: format!("/signup/confirm/{token}"),
    })
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    match portal_accounts::complete_sign_up(&state.db, &ctx.actor(), &token).await {
        Ok(done) => {
            let locale = done.account.locale().unwrap_or(Locale::Fr);
            start_session(
                &state,
                &ctx,
                &headers,
                done.account.id,
                false,
                &format!("/account?notice=signup-done&lang={locale}"),
            )
            .await
        }
        Err(StoreError::NotFound) => Err(signup_invalid()),
        Err(StoreError::Conflict) => {
            Ok(Redirect::to("/login?notice=signup-exists").into_response())
        }
        Err(e) => Err(e.into()),
    }
}

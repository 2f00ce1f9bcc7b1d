//! A portal account's own pages: profile (the person record behind it), notification
//! preferences per kind of event, and deletion under the tenant's retention rule.

use crate::{
    auth::verify_password,
    ctx::Ctx,
    error::{AppError, AppResult},
    middleware::set_cookie,
    pages::{NoticeQuery, render},
    portal::requester,
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use relais_domain::{
    Locale,
    notify::{Delivery, NotifyKind},
    people::{PersonIdentity, Phone},
};
use relais_store::{accounts, people, portal_accounts};
use serde::Deserialize;
use std::collections::HashMap;

fn status_of(errors: &[(&'static str, &'static str)]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

// ---- Profile ----

#[derive(Template)]
#[template(path = "account_profile.html")]
struct ProfileTpl<'a> {
    ctx: &'a Ctx,
    email: &'a str,
    given_name: String,
    family_name: String,
    phone: String,
    locale: String,
    errors: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    locale: String,
}

pub async fn profile(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let user = requester(&ctx)?;
    let person_id = portal_accounts::ensure_person(&state.db, &ctx.actor(), user).await?;
    let person = people::get_person(&state.db, ctx.tenant.id, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let phone = portal_accounts::phones_of(&state.db, ctx.tenant.id, person_id)
        .await?
        .into_iter()
        .next()
        .map(|(_, e164)| e164)
        .unwrap_or_default();
    render(&ProfileTpl {
        ctx: &ctx,
        email: &user.email,
        given_name: person.given_name,
        family_name: person.family_name,
        phone,
        locale: user.locale().unwrap_or(ctx.locale).as_str().to_owned(),
        errors: Vec::new(),
        notice: q.text(&ctx),
    })
}

pub async fn save_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    let user = requester(&ctx)?;
    let person_id = portal_accounts::ensure_person(&state.db, &ctx.actor(), user).await?;
    let person = people::get_person(&state.db, ctx.tenant.id, person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    let birth = person.birth_date.map(|d| d.to_string());
    let locale = form.locale.parse::<Locale>().ok();
    if locale.is_none() {
        errors.push(("locale", "invalid-locale"));
    }
    let identity = PersonIdentity::parse(
        &form.given_name,
        &form.family_name,
        birth.as_deref(),
        locale.unwrap_or(ctx.locale).as_str(),
        chrono::Utc::now().date_naive(),
    )
    .map_err(|e| errors.extend(e.into_iter().map(|i| (i.field, i.code))))
    .ok();
    let phone = match form.phone.trim() {
        "" => None,
        p => match Phone::parse(p) {
            Ok(p) => Some(p),
            Err(_) => {
                errors.push(("phone", "person-invalid-phone"));
                None
            }
        },
    };
    let (Some(identity), Some(locale), true) = (identity, locale, errors.is_empty()) else {
        let mut r = render(&ProfileTpl {
            ctx: &ctx,
            email: &user.email,
            given_name: form.given_name.clone(),
            family_name: form.family_name.clone(),
            phone: form.phone.clone(),
            locale: form.locale.clone(),
            notice: None,
            errors,
        })?;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    };
    let actor = ctx.actor();
    write_profile(&state, &actor, user, person_id, &identity, phone.as_ref()).await?;
    if user.locale() != Some(locale) {
        accounts::set_locale(&state.db, &actor, user.id, locale).await?;
    }
    let mut r = Redirect::to(&format!(
        "/account/profile?notice=profile-saved&lang={locale}"
    ))
    .into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
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

/// Writes a portal account's profile: the person record's identity, its first phone (replaced,
/// or removed with `None`), and the account's display name. Shared by the page and the API.
pub(crate) async fn write_profile(
    state: &AppState,
    actor: &relais_store::Actor,
    user: &accounts::Account,
    person_id: uuid::Uuid,
    identity: &PersonIdentity,
    phone: Option<&Phone>,
) -> AppResult<()> {
    people::update_person(&state.db, actor, person_id, identity).await?;
    let phones = portal_accounts::phones_of(&state.db, user.tenant_id, person_id).await?;
    let current = phones.first();
    match (phone, current) {
        (Some(new), Some((_, old))) if new.to_string() == *old => {}
        (new, old) => {
            if let Some((id, _)) = old {
                people::remove_contact_point(&state.db, actor, person_id, *id).await?;
            }
            if let Some(new) = new
                && !phones.iter().any(|(_, e)| *e == new.to_string())
            {
                people::add_phone(&state.db, actor, person_id, new).await?;
            }
        }
    }
    portal_accounts::set_display_name(
        &state.db,
        actor,
        user.id,
        &format!("{} {}", identity.given_name, identity.family_name),
    )
    .await?;
    Ok(())
}

// ---- Notification preferences ----

struct KindRow {
    kind: &'static str,
    label: &'static str,
    current: &'static str,
}

#[derive(Template)]
#[template(path = "account_notifications.html")]
struct NotificationsTpl<'a> {
    ctx: &'a Ctx,
    rows: Vec<KindRow>,
    deliveries: Vec<(&'static str, &'static str)>,
    errors: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
}

fn kind_label(kind: NotifyKind) -> &'static str {
    match kind {
        NotifyKind::Status => "notify-kind-status",
        NotifyKind::Message => "notify-kind-message",
    }
}

fn deliveries() -> Vec<(&'static str, &'static str)> {
    Delivery::ALL
        .iter()
        .map(|d| {
            (
                d.as_str(),
                match d {
                    Delivery::Immediately => "notify-immediately",
                    Delivery::Daily => "notify-daily",
                    Delivery::Never => "notify-never",
                },
            )
        })
        .collect()
}

pub async fn notifications(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let user = requester(&ctx)?;
    let saved: HashMap<String, String> =
        portal_accounts::preferences(&state.db, ctx.tenant.id, user.id)
            .await?
            .into_iter()
            .collect();
    let rows = NotifyKind::ALL
        .iter()
        .map(|k| KindRow {
            kind: k.as_str(),
            label: kind_label(*k),
            current: saved
                .get(k.as_str())
                .and_then(|d| Delivery::parse(d))
                .unwrap_or_default()
                .as_str(),
        })
        .collect();
    render(&NotificationsTpl {
        ctx: &ctx,
        rows,
        deliveries: deliveries(),
        errors: Vec::new(),
        notice: q.text(&ctx),
    })
}

pub async fn save_notifications(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let user = requester(&ctx)?;
    let mut choices = Vec::new();
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    let mut rows = Vec::new();
    for kind in NotifyKind::ALL {
        let posted = form.get(kind.as_str()).map(String::as_str).unwrap_or("");
        match Delivery::parse(posted) {
            Some(d) => {
                choices.push((kind.as_str(), d.as_str()));
                rows.push(KindRow {
                    kind: kind.as_str(),
                    label: kind_label(kind),
                    current: d.as_str(),
                });
            }
            None => {
                errors.push((kind.as_str(), "notifications-invalid"));
                rows.push(KindRow {
                    kind: kind.as_str(),
                    label: kind_label(kind),
                    current: "",
                });
            }
        }
    }
    if !errors.is_empty() {
        let status = status_of(&errors);
        let mut r = render(&NotificationsTpl {
            ctx: &ctx,
            rows,
            deliveries: deliveries(),
            errors,
            notice: None,
        })?;
        *r.status_mut() = status;
        return Ok(r);
    }
    portal_accounts::set_preferences(&state.db, &ctx.actor(), user.id, &choices).await?;
    Ok(Redirect::to("/account/notifications?notice=notifications-saved").into_response())
}

// ---- Deletion ----

#[derive(Template)]
#[template(path = "account_delete.html")]
struct DeleteTpl<'a> {
    ctx: &'a Ctx,
    intro: &'static str,
    with_password: bool,
    errors: Vec<(&'static str, &'static str)>,
}

async fn delete_page(
    state: &AppState,
    ctx: &Ctx,
    errors: Vec<(&'static str, &'static str)>,
) -> AppResult<Response> {
    let user = requester(ctx)?;
    let intro = match portal_accounts::deletion_rule(&state.db, ctx.tenant.id).await? {
        portal_accounts::DeletionRule::Pseudonymise => "delete-intro-pseudonymise",
        portal_accounts::DeletionRule::KeepRecord => "delete-intro-keep-record",
    };
    let status = status_of(&errors);
    let mut r = render(&DeleteTpl {
        ctx,
        intro,
        with_password: user.password_hash.is_some(),
        errors,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn delete_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if ctx.is_staff() {
        return Err(AppError::Refused(
            StatusCode::FORBIDDEN,
            "account-delete-staff",
        ));
    }
    delete_page(&state, &ctx, Vec::new()).await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    email: String,
}

/// Deletes the signed-in portal account after it proved itself once more (its password, or
/// its e-mail for an account that signs in through a provider only).
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<DeleteForm>,
) -> AppResult<Response> {
    if ctx.is_staff() {
        return Err(AppError::Refused(
            StatusCode::FORBIDDEN,
            "account-delete-staff",
        ));
    }
    let user = requester(&ctx)?;
    if user.password_hash.is_some() {
        if !verify_password(form.password, user.password_hash.clone()).await {
            return delete_page(&state, &ctx, vec![("password", "password-wrong")]).await;
        }
    } else if !form.email.trim().eq_ignore_ascii_case(&user.email) {
        return delete_page(&state, &ctx, vec![("email", "delete-email-wrong")]).await;
    }
    portal_accounts::delete_account(&state.db, &ctx.actor(), user.id).await?;
    let mut r = Redirect::to("/?notice=account-deleted").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, "relais_session", "", Some(0), true, "Lax"),
    );
    Ok(r)
}

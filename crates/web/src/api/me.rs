//! The caller: who the token belongs to, the caller's own tokens, and for portal accounts
//! their profile (the person record behind them) and notification preferences, read and
//! changed as on the account pages.

use super::{
    auth::ApiUser,
    error::{ApiError, ApiJson, ApiResult, ErrorBody, IdPath},
};
use crate::state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use relais_domain::{
    AccountKind, Locale,
    notify::{Delivery, NotifyKind},
    people::{PersonIdentity, Phone},
};
use relais_store::{
    accounts, accounts::Account, api_tokens, people, portal_accounts, tenants::Tenant,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// An account (staff or portal). Never carries secrets.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Account)]
pub struct AccountOut {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// `staff` or `portal`.
    pub kind: String,
    /// `admin`, `supervisor`, `agent` or `viewer` for staff; null for portal accounts.
    pub role: Option<String>,
    /// `fr` or `en`; null: the organisation's language.
    pub locale: Option<String>,
    pub totp_enabled: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Account> for AccountOut {
    fn from(a: Account) -> Self {
        AccountOut {
            id: a.id,
            email: a.email,
            display_name: a.display_name,
            kind: a.kind,
            role: a.role,
            locale: a.locale,
            totp_enabled: a.totp_enabled,
            disabled: a.disabled,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// The organisation (tenant) the request's host belongs to.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Tenant)]
pub struct TenantOut {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    /// `public` (local authority: citizens) or `private` (company: customers).
    pub kind: String,
}

impl From<&Tenant> for TenantOut {
    fn from(t: &Tenant) -> Self {
        TenantOut {
            id: t.id,
            slug: t.slug.clone(),
            name: t.name.clone(),
            kind: t.kind.clone(),
        }
    }
}

/// A portal account's profile: the person record behind it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileOut {
    pub given_name: String,
    pub family_name: String,
    /// In international form (E.164), for example `+33612345678`.
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub account: AccountOut,
    pub tenant: TenantOut,
    /// Portal accounts only (null for staff).
    pub profile: Option<ProfileOut>,
    /// Portal accounts only (null for staff): when mail goes out for each kind of event
    /// (`status`, `message`): `immediately`, `daily` or `never`.
    #[schema(value_type = Option<Object>, example = json!({"status": "immediately", "message": "daily"}))]
    pub notifications: Option<BTreeMap<String, String>>,
}

/// What to change on the caller's account; what is left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    /// `fr` or `en`.
    pub locale: Option<String>,
    /// Portal accounts only.
    pub profile: Option<ProfilePatch>,
    /// Portal accounts only: the kinds to change (`status`, `message`) with their delivery
    /// (`immediately`, `daily` or `never`).
    #[schema(value_type = Option<Object>, example = json!({"message": "daily"}))]
    pub notifications: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// A phone number (French or international); an empty string removes it.
    pub phone: Option<String>,
}

/// The caller as `GET /api/v1/me` shows it.
async fn me_of(state: &AppState, user: &ApiUser, account: Account) -> ApiResult<Me> {
    let tenant = TenantOut::from(user.ctx.tenant.as_ref());
    let (profile, notifications) = if account.kind() == AccountKind::Portal {
        let person_id = portal_accounts::ensure_person(&state.db, &user.actor(), &account).await?;
        let person = people::get_person(&state.db, account.tenant_id, person_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let phone = portal_accounts::phones_of(&state.db, account.tenant_id, person_id)
            .await?
            .into_iter()
            .next()
            .map(|(_, e164)| e164);
        let saved: BTreeMap<String, String> =
            portal_accounts::preferences(&state.db, account.tenant_id, account.id)
                .await?
                .into_iter()
                .collect();
        let notifications = NotifyKind::ALL
            .iter()
            .map(|k| {
                let d = saved
                    .get(k.as_str())
                    .and_then(|d| Delivery::parse(d))
                    .unwrap_or_default();
                (k.as_str().to_owned(), d.as_str().to_owned())
            })
            .collect();
        (
            Some(ProfileOut {
                given_name: person.given_name,
                family_name: person.family_name,
                phone,
            }),
            Some(notifications),
        )
    } else {
        (None, None)
    };
    Ok(Me {
        account: account.into(),
        tenant,
        profile,
        notifications,
    })
}

/// The account behind the token and its organisation.
#[utoipa::path(get, path = "/api/v1/me", operation_id = "get_me", tag = "account",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid token", body = ErrorBody),
    ))]
pub async fn me(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Me>> {
    let account = user.account.clone();
    Ok(Json(me_of(&state, &user, account).await?))
}

/// Changes the caller's language, and for a portal account its profile and notification
/// preferences, as the account pages do. Everything is checked before anything is written.
#[utoipa::path(patch, path = "/api/v1/me", operation_id = "update_me", tag = "account",
    request_body = MePatch,
    responses(
        (status = 200, description = "The caller, changed", body = Me),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "A profile or preferences for a staff account", body = ErrorBody),
        (status = 422, description = "A value that does not fit (`field` names it)", body = ErrorBody),
    ))]
pub async fn update_me(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(patch): ApiJson<MePatch>,
) -> ApiResult<Json<Me>> {
    let account = user.account.clone();
    let portal = account.kind() == AccountKind::Portal;
    if !portal && (patch.profile.is_some() || patch.notifications.is_some()) {
        return Err(ApiError::Forbidden("api-portal-only"));
    }
    let locale = match patch.locale.as_deref() {
        None => None,
        Some(l) => Some(
            l.trim()
                .parse::<Locale>()
                .map_err(|_| ApiError::invalid("locale", "invalid-locale"))?,
        ),
    };
    let actor = user.actor();
    // The profile, checked whole (the fields left out keep their value).
    let mut profile = None;
    if let Some(p) = &patch.profile {
        let person_id = portal_accounts::ensure_person(&state.db, &actor, &account).await?;
        let person = people::get_person(&state.db, account.tenant_id, person_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let person_locale = locale
            .or(account.locale())
            .unwrap_or(user.ctx.locale)
            .as_str();
        let birth = person.birth_date.map(|d| d.to_string());
        let identity = PersonIdentity::parse(
            p.given_name.as_deref().unwrap_or(&person.given_name),
            p.family_name.as_deref().unwrap_or(&person.family_name),
            birth.as_deref(),
            person_locale,
            Utc::now().date_naive(),
        )
        .map_err(|errors| match errors.into_iter().next() {
            Some(e) => ApiError::invalid(&format!("profile.{}", e.field), e.code),
            None => ApiError::invalid("profile", "invalid-body"),
        })?;
        let current = portal_accounts::phones_of(&state.db, account.tenant_id, person_id)
            .await?
            .into_iter()
            .next()
            .map(|(_, e164)| e164);
        let phone = match p.phone.as_deref().map(str::trim) {
            None => current
                .as_deref()
                .map(Phone::parse)
                .transpose()
                .map_err(|_| ApiError::invalid("profile.phone", "person-invalid-phone"))?,
            Some("") => None,
            Some(raw) => Some(
                Phone::parse(raw)
                    .map_err(|_| ApiError::invalid("profile.phone", "person-invalid-phone"))?,
            ),
        };
        profile = Some((person_id, identity, phone));
    }
    let mut choices = Vec::new();
    for (kind, delivery) in patch.notifications.iter().flatten() {
        let field = format!("notifications.{kind}");
        let kind = NotifyKind::parse(kind)
            .ok_or_else(|| ApiError::invalid(&field, "notifications-invalid"))?;
        let delivery = Delivery::parse(delivery)
            .ok_or_else(|| ApiError::invalid(&field, "notifications-invalid"))?;
        choices.push((kind.as_str(), delivery.as_str()));
    }
    // Everything fits: write.
    if let Some((person_id, identity, phone)) = &profile {
        crate::portal_account::write_profile(
            &state,
            &actor,
            &account,
            *person_id,
            identity,
            phone.as_ref(),
        )
        .await?;
    }
    if let Some(locale) = locale
        && account.locale() != Some(locale)
    {
        accounts::set_locale(&state.db, &actor, account.id, locale).await?;
    }
    if !choices.is_empty() {
        portal_accounts::set_preferences(&state.db, &actor, account.id, &choices).await?;
    }
    let account = accounts::get(&state.db, account.tenant_id, account.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(me_of(&state, &user, account).await?))
}

/// An API token as listed: the secret itself is shown only once, at creation, in the UI.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ApiToken)]
pub struct TokenOut {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_tokens::ApiToken> for TokenOut {
    fn from(t: api_tokens::ApiToken) -> Self {
        TokenOut {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// The caller's own tokens, newest first (revoked ones included, with their date).
#[utoipa::path(get, path = "/api/v1/tokens", operation_id = "list_tokens", tag = "account",
    responses(
        (status = 200, description = "The caller's tokens", body = Vec<TokenOut>),
        (status = 401, description = "No valid token", body = ErrorBody),
    ))]
pub async fn list_tokens(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<TokenOut>>> {
    let tokens = api_tokens::list(&state.db, user.tenant_id(), user.account.id).await?;
    Ok(Json(tokens.into_iter().map(Into::into).collect()))
}

/// Revokes one of the caller's own tokens; it stops working at once (this one included).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", operation_id = "revoke_token", tag = "account",
    params(("id" = Uuid, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No live token of the caller with this id", body = ErrorBody),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    api_tokens::revoke(&state.db, &user.actor(), user.account.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

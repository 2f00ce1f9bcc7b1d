//! The caller: who the token belongs to, and the caller's own tokens.

use super::{
    auth::ApiUser,
    error::{ApiResult, ErrorBody, IdPath},
};
use crate::state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use relais_store::{accounts::Account, api_tokens, tenants::Tenant};
use serde::Serialize;
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub account: AccountOut,
    pub tenant: TenantOut,
}

/// The account behind the token and its organisation.
#[utoipa::path(get, path = "/api/v1/me", operation_id = "get_me", tag = "account",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid token", body = ErrorBody),
    ))]
pub async fn me(user: ApiUser) -> ApiResult<Json<Me>> {
    let tenant = TenantOut::from(user.ctx.tenant.as_ref());
    Ok(Json(Me {
        account: user.account.into(),
        tenant,
    }))
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

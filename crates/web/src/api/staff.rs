//! Staff accounts: list, create (the person gets a password reset link), read, update.

use super::{
    auth::ApiUser,
    error::{ApiError, ApiJson, ApiResult, ErrorBody, IdPath},
    me::AccountOut,
};
use crate::state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use relais_domain::{AccountKind, Email, Locale, Permission, Role, account::display_name};
use relais_store::accounts::{self, Account, NewAccount, StaffUpdate};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    #[schema(example = "camille.martin@example.org")]
    pub email: String,
    #[schema(example = "Camille Martin")]
    pub display_name: String,
    /// `admin`, `supervisor`, `agent` or `viewer`.
    #[schema(example = "agent")]
    pub role: String,
    /// `fr` or `en`; absent: the organisation's language.
    #[serde(default)]
    pub locale: Option<String>,
}

/// Only the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    /// `admin`, `supervisor`, `agent` or `viewer`.
    #[serde(default)]
    pub role: Option<String>,
    /// A disabled account cannot sign in; its sessions and API tokens end at once.
    #[serde(default)]
    pub disabled: Option<bool>,
}

async fn staff_account(state: &AppState, user: &ApiUser, id: Uuid) -> ApiResult<Account> {
    accounts::get(&state.db, user.tenant_id(), id)
        .await?
        .filter(|a| a.kind() == AccountKind::Staff)
        .ok_or(ApiError::NotFound)
}

/// Staff accounts of the organisation, by name.
#[utoipa::path(get, path = "/api/v1/staff", operation_id = "list_staff", tag = "staff",
    responses(
        (status = 200, description = "Staff accounts", body = Vec<AccountOut>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-staff permission (admin)", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<AccountOut>>> {
    user.require(Permission::ManageStaff)?;
    let list = accounts::list(&state.db, user.tenant_id(), AccountKind::Staff).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Creates a staff account without a password: the person receives a link by mail to choose
/// one.
#[utoipa::path(post, path = "/api/v1/staff", operation_id = "create_staff", tag = "staff",
    request_body = NewStaff,
    responses(
        (status = 201, description = "Created; a password link was mailed", body = AccountOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-staff permission (admin)", body = ErrorBody),
        (status = 409, description = "A staff account already uses this e-mail address", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid e-mail, name, role or locale", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewStaff>,
) -> ApiResult<(StatusCode, Json<AccountOut>)> {
    user.require(Permission::ManageStaff)?;
    let email = Email::parse(&body.email)?;
    let name = display_name(&body.display_name)?;
    let role: Role = body.role.parse()?;
    let locale = body
        .locale
        .as_deref()
        .map(str::parse::<Locale>)
        .transpose()?;
    let actor = user.actor();
    let new = NewAccount {
        kind: AccountKind::Staff,
        email,
        display_name: name,
        password_hash: None,
        role: Some(role),
        locale,
    };
    let account = accounts::create(&state.db, &actor, new)
        .await
        .map_err(|e| match e {
            relais_store::StoreError::Conflict => ApiError::Conflict {
                error: "conflict",
                message_id: "email-taken",
            },
            other => other.into(),
        })?;
    // The account exists now: a mail failure must not turn into an error the client would
    // retry (and get a conflict). The link can be sent again.
    if let Err(e) = crate::auth::send_reset_link(&state, &user.ctx, &actor, &account).await {
        tracing::error!(error = ?e, account = %account.id, "password link for new staff account not sent");
    }
    Ok((StatusCode::CREATED, Json(account.into())))
}

/// One staff account.
#[utoipa::path(get, path = "/api/v1/staff/{id}", operation_id = "get_staff", tag = "staff",
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = AccountOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-staff permission (admin)", body = ErrorBody),
        (status = 404, description = "No staff account with this id here", body = ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<AccountOut>> {
    user.require(Permission::ManageStaff)?;
    Ok(Json(staff_account(&state, &user, id).await?.into()))
}

/// Changes a staff account's name, role or state. Refused (409 `last-admin`) when it would
/// leave the organisation without an enabled administrator.
#[utoipa::path(patch, path = "/api/v1/staff/{id}", operation_id = "update_staff", tag = "staff",
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = StaffPatch,
    responses(
        (status = 200, description = "The updated account", body = AccountOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-staff permission (admin)", body = ErrorBody),
        (status = 404, description = "No staff account with this id here", body = ErrorBody),
        (status = 409, description = "Would leave no enabled administrator (`last-admin`)", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid name or role", body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<StaffPatch>,
) -> ApiResult<Json<AccountOut>> {
    user.require(Permission::ManageStaff)?;
    let before = staff_account(&state, &user, id).await?;
    let display_name = match &body.display_name {
        Some(n) => display_name(n)?,
        None => before.display_name.clone(),
    };
    let role = match &body.role {
        Some(r) => r.parse::<Role>()?,
        None => before
            .role()
            .ok_or_else(|| ApiError::Internal("staff account without a role".into()))?,
    };
    let update = StaffUpdate {
        display_name,
        role,
        disabled: body.disabled.unwrap_or(before.disabled),
    };
    let account = accounts::update_staff(&state.db, &user.actor(), id, &update).await?;
    Ok(Json(account.into()))
}

/// Mails the person a new link to choose a password (e.g. when the first one expired).
#[utoipa::path(post, path = "/api/v1/staff/{id}/reset-link", operation_id = "send_staff_reset_link", tag = "staff",
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 204, description = "Link sent"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-staff permission (admin)", body = ErrorBody),
        (status = 404, description = "No enabled staff account with this id here", body = ErrorBody),
    ))]
pub async fn reset_link(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageStaff)?;
    let account = staff_account(&state, &user, id).await?;
    if account.disabled {
        return Err(ApiError::NotFound);
    }
    crate::auth::send_reset_link(&state, &user.ctx, &user.actor(), &account).await?;
    Ok(StatusCode::NO_CONTENT)
}

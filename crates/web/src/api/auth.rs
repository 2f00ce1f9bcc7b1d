//! Authentication of API calls: `Authorization: Bearer <token>`, looked up by its SHA-256 in
//! the tenant the request's host names. Cookies mean nothing here.

use super::error::ApiError;
use crate::{ctx::Ctx, state::AppState};
use axum::{extract::FromRequestParts, http::header, http::request::Parts};
use relais_domain::{AccountKind, Permission, Role};
use relais_store::{Actor, accounts::Account, api_tokens};

/// The account behind the request's token, with the request's context.
pub struct ApiUser {
    pub account: Account,
    pub ctx: Ctx,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ctx = parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("no request context".into()))?;
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(ApiError::Unauthorized("api-token-missing"))?;
        let value = value
            .to_str()
            .map_err(|_| ApiError::Unauthorized("api-token-invalid"))?;
        let (scheme, token) = value
            .trim()
            .split_once(' ')
            .ok_or(ApiError::Unauthorized("api-token-missing"))?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::Unauthorized("api-token-missing"));
        }
        if token.is_empty() || token.len() > 256 {
            return Err(ApiError::Unauthorized("api-token-invalid"));
        }
        let account = api_tokens::authenticate(&state.db, ctx.tenant.id, token)
            .await?
            .filter(|a| !a.disabled)
            .ok_or(ApiError::Unauthorized("api-token-invalid"))?;
        Ok(ApiUser { account, ctx })
    }
}

impl ApiUser {
    /// The actor for the audit log.
    pub fn actor(&self) -> Actor {
        Actor {
            tenant_id: self.ctx.tenant.id,
            account_id: Some(self.account.id),
            label: self.account.email.clone(),
            client_ip: self.ctx.client_ip.clone(),
            request_id: Some(self.ctx.request_id.clone()),
        }
    }

    pub fn tenant_id(&self) -> uuid::Uuid {
        self.ctx.tenant.id
    }

    /// The cases this staff member may reach (`crate::cases::access`).
    pub async fn access(&self, state: &AppState) -> Result<crate::cases::access::Access, ApiError> {
        let role = self
            .account
            .role()
            .filter(|_| self.account.kind() == AccountKind::Staff)
            .ok_or(ApiError::Forbidden("api-staff-only"))?;
        crate::cases::access::Access::of(state, self.tenant_id(), self.account.id, role)
            .await
            .map_err(super::cases::flow_error)
    }

    /// The case with this id if the staff member may reach it; 404 as for no case at all.
    pub async fn case(
        &self,
        state: &AppState,
        id: uuid::Uuid,
    ) -> Result<relais_store::cases::Case, ApiError> {
        self.access(state)
            .await?
            .case(state, id)
            .await
            .map_err(super::cases::flow_error)
    }

    /// A staff account whose role holds `permission`, or 403.
    pub fn require(&self, permission: Permission) -> Result<Role, ApiError> {
        let role = self
            .account
            .role()
            .filter(|_| self.account.kind() == AccountKind::Staff)
            .ok_or(ApiError::Forbidden("api-staff-only"))?;
        if self.ctx.tenant.require_totp && !self.account.totp_enabled {
            return Err(ApiError::Forbidden("totp-required"));
        }
        if role.can(permission) {
            Ok(role)
        } else {
            Err(ApiError::Forbidden("error-forbidden"))
        }
    }
}

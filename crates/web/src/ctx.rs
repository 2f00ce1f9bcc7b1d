//! What every page handler knows about its request: tenant, language, who is signed in,
//! the CSRF token, where the request came from. Built once by the context middleware.

use crate::error::AppError;
use axum::{extract::FromRequestParts, http::request::Parts};
use fluent_bundle::FluentValue;
use relais_domain::{AccountKind, Locale, Permission, Role};
use relais_store::{Actor, accounts::Account, sessions::Session, tenants::Tenant};
use std::sync::Arc;

#[derive(Clone)]
pub struct Ctx {
    pub tenant: Arc<Tenant>,
    pub locale: Locale,
    /// The signed-in account (fully: any second factor done).
    pub user: Option<Arc<Account>>,
    /// The session behind the cookie, pending second factor or not.
    pub session: Option<Arc<Session>>,
    pub csrf: String,
    pub request_id: String,
    pub client_ip: Option<String>,
    /// Path of the request, for the language switch and sign-in redirects.
    pub path: String,
    /// Staff only: notifications not read yet (shown in the menu).
    pub unread_notifications: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal("no request context".into()))
    }
}

impl Ctx {
    /// A message in the visitor's language.
    pub fn t(&self, id: &str) -> String {
        crate::i18n::message(self.locale, id, &[])
    }

    /// A message with one named argument.
    pub fn t1(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        crate::i18n::message(
            self.locale,
            id,
            &[(name, FluentValue::from(value.to_string()))],
        )
    }

    /// A message with a count (plural rules).
    pub fn tn(&self, id: &str, count: impl std::borrow::Borrow<i64>) -> String {
        crate::i18n::message(
            self.locale,
            id,
            &[("count", FluentValue::from(*count.borrow()))],
        )
    }

    pub fn lang(&self) -> &'static str {
        self.locale.as_str()
    }

    pub fn is_public(&self) -> bool {
        self.tenant.kind() == relais_domain::TenantKind::Public
    }

    pub fn role(&self) -> Option<Role> {
        self.user
            .as_ref()
            .filter(|u| u.kind() == AccountKind::Staff)
            .and_then(|u| u.role())
    }

    pub fn is_staff(&self) -> bool {
        self.role().is_some()
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.role().is_some_and(|r| r.can(permission))
    }

    /// For the templates: whether to show the administration link.
    pub fn can_admin(&self) -> bool {
        self.can(Permission::ManageTenant)
            || self.can(Permission::ManageTeams)
            || self.can(Permission::ReadAudit)
    }

    /// The signed-in staff account if it holds `permission`; otherwise the error to show.
    pub fn staff(&self, permission: Permission) -> Result<&Account, AppError> {
        let Some(user) = self.user.as_deref() else {
            return Err(AppError::SignInNeeded);
        };
        let Some(role) = user.role().filter(|_| user.kind() == AccountKind::Staff) else {
            return Err(AppError::Forbidden);
        };
        if self.tenant.require_totp && !user.totp_enabled {
            return Err(AppError::TotpSetupRequired);
        }
        if role.can(permission) {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Any signed-in account (staff or portal).
    pub fn signed_in(&self) -> Result<&Account, AppError> {
        self.user.as_deref().ok_or(AppError::SignInNeeded)
    }

    /// The actor for the audit log.
    pub fn actor(&self) -> Actor {
        Actor {
            tenant_id: self.tenant.id,
            account_id: self.user.as_ref().map(|u| u.id),
            label: self
                .user
                .as_ref()
                .map_or_else(|| "anonymous".to_owned(), |u| u.email.clone()),
            client_ip: self.client_ip.clone(),
            request_id: Some(self.request_id.clone()),
        }
    }

    /// Links of the language switch: (locale, href, is current).
    pub fn languages(&self) -> Vec<(Locale, String, bool)> {
        Locale::ALL
            .into_iter()
            .map(|l| {
                (
                    l,
                    format!("{}?lang={}", self.path, l.as_str()),
                    l == self.locale,
                )
            })
            .collect()
    }

    pub fn role_label(&self, role: &str) -> String {
        self.t(&format!("role-{role}"))
    }
}

//! One error type for pages. It does not render itself: it leaves a marker that the context
//! middleware turns into a page in the visitor's language and the tenant's theme.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use relais_store::StoreError;

#[derive(Debug)]
pub enum AppError {
    NotFound,
    Forbidden,
    /// Not signed in: sends to the right sign-in page and back.
    SignInNeeded,
    /// Signed in, but the tenant requires a second factor this account has not set up.
    TotpSetupRequired,
    Csrf,
    TooLarge,
    BadRequest,
    /// A refusal with a specific message id and status.
    Refused(StatusCode, &'static str),
    Internal(String),
}

/// Left in the response's extensions for the renderer.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message: &'static str,
}

impl AppError {
    pub fn page(&self) -> ErrorPage {
        let (status, message) = match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "error-not-found"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden"),
            AppError::SignInNeeded => (StatusCode::UNAUTHORIZED, "error-sign-in-needed"),
            AppError::TotpSetupRequired => (StatusCode::FORBIDDEN, "totp-required"),
            AppError::Csrf => (StatusCode::FORBIDDEN, "error-csrf"),
            AppError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "error-too-large"),
            AppError::BadRequest => (StatusCode::BAD_REQUEST, "error-bad-request"),
            AppError::Refused(status, message) => (*status, *message),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error-internal"),
        };
        ErrorPage { status, message }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::TotpSetupRequired => return Redirect::to("/account/totp").into_response(),
            _ => {}
        }
        let page = self.page();
        let mut response = page.status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::Refused(StatusCode::CONFLICT, "error-conflict"),
            StoreError::Rule("last-admin") => {
                AppError::Refused(StatusCode::CONFLICT, "error-last-admin")
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

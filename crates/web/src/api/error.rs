//! The one error type of the API: always a JSON body `{error, message, field?}`, never a page.

use axum::{
    Json,
    extract::{FromRequest, FromRequestParts, Path, Request, rejection::JsonRejection},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use relais_domain::{Invalid, Locale};
use relais_store::StoreError;
use serde::{Serialize, de::DeserializeOwned};
use utoipa::ToSchema;
use uuid::Uuid;

/// The body of every error answer of the API.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error, example = json!({"error": "invalid", "field": "email", "message": "Enter a valid email address, for example name@example.com."}))]
pub struct ErrorBody {
    /// A stable code: `unauthorized`, `forbidden`, `totp-required`, `not-found`, `invalid`,
    /// `bad-request`, `unsupported-media-type`, `method-not-allowed`, `too-large`, `conflict`,
    /// `last-admin`, `internal`.
    pub error: String,
    /// What went wrong, in English, for people.
    pub message: String,
    /// For `invalid`: the input at fault, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub enum ApiError {
    /// No token, or one that is unknown, revoked, of another tenant or of a disabled account.
    Unauthorized(&'static str),
    /// Authenticated, but the role lacks the permission (or the code given, e.g. totp-required).
    Forbidden(&'static str),
    NotFound,
    /// A value that does not fit: `field` names it, `code` is a message id.
    Invalid {
        field: Option<String>,
        code: &'static str,
        detail: Option<String>,
    },
    /// Malformed request (e.g. JSON that does not parse).
    BadRequest(String),
    UnsupportedMediaType,
    MethodNotAllowed,
    TooLarge,
    /// Refused because of the current state: `error` is the code, `message_id` its text.
    Conflict {
        error: &'static str,
        message_id: &'static str,
    },
    Internal(String),
}

/// English text of a message id of the catalogues; API-only ids have their text here.
pub fn english(code: &str) -> String {
    let text = crate::i18n::message(Locale::En, code, &[]);
    if text != code {
        return text;
    }
    match code {
        "invalid-limit" => "The limit must be a whole number from 1 to 200.",
        "invalid-id" => {
            "Enter an id in UUID form, for example 0190f5c2-7b1e-7c3a-9d4e-5f6a7b8c9d0e."
        }
        "invalid-datetime" => {
            "Enter a date and time in RFC 3339 form, for example 2026-01-31T09:00:00Z."
        }
        "invalid-filter" => "This filter is too long or contains control characters.",
        "invalid-query" => "The query string has an unknown parameter or a malformed value.",
        "invalid-body" => "The JSON body does not have the expected shape.",
        "api-token-missing" => "Send an API token in the header `Authorization: Bearer <token>`.",
        "api-token-invalid" => {
            "This API token is unknown, revoked, or not valid for this organisation."
        }
        "api-staff-only" => "Only staff accounts can use this part of the API.",
        "api-portal-only" => "Only portal accounts have a profile and notification preferences.",
        "totp-required" => {
            "This organisation requires two-step sign-in: set it up on your account page first."
        }
        _ => code,
    }
    .to_owned()
}

impl ApiError {
    pub fn invalid(field: &str, code: &'static str) -> Self {
        ApiError::Invalid {
            field: Some(field.to_owned()),
            code,
            detail: None,
        }
    }

    fn parts(&self) -> (StatusCode, ErrorBody) {
        let body = |error: &str, message: String| ErrorBody {
            error: error.to_owned(),
            message,
            field: None,
        };
        match self {
            ApiError::Unauthorized(code) => (
                StatusCode::UNAUTHORIZED,
                body("unauthorized", english(code)),
            ),
            ApiError::Forbidden(code) if *code == "totp-required" => {
                (StatusCode::FORBIDDEN, body("totp-required", english(code)))
            }
            ApiError::Forbidden(code) => (StatusCode::FORBIDDEN, body("forbidden", english(code))),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                body("not-found", english("error-not-found")),
            ),
            ApiError::Invalid {
                field,
                code,
                detail,
            } => {
                let mut message = english(code);
                if let Some(detail) = detail {
                    message = format!("{message} {detail}");
                }
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorBody {
                        error: "invalid".into(),
                        message,
                        field: field.clone(),
                    },
                )
            }
            ApiError::BadRequest(detail) => (
                StatusCode::BAD_REQUEST,
                body(
                    "bad-request",
                    format!("{} {detail}", english("error-bad-request"))
                        .trim()
                        .to_owned(),
                ),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                body(
                    "unsupported-media-type",
                    "Send the body as JSON with the header `Content-Type: application/json`."
                        .into(),
                ),
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                body("method-not-allowed", english("error-method")),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body("too-large", english("error-too-large")),
            ),
            ApiError::Conflict { error, message_id } => {
                (StatusCode::CONFLICT, body(error, english(message_id)))
            }
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                body("internal", english("error-internal")),
            ),
        }
    }

    /// The error for a status produced outside the handlers (router, extractors).
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => ApiError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized("api-token-missing"),
            StatusCode::FORBIDDEN => ApiError::Forbidden("error-forbidden"),
            s if s.is_client_error() => ApiError::BadRequest(String::new()),
            s => ApiError::Internal(format!("status {s}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "API internal error");
        }
        let (status, body) = self.parts();
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            let challenge = match self {
                ApiError::Unauthorized("api-token-invalid") => {
                    r#"Bearer realm="Relais API", error="invalid_token""#
                }
                _ => r#"Bearer realm="Relais API""#,
            };
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict => ApiError::Conflict {
                error: "conflict",
                message_id: "error-conflict",
            },
            StoreError::Rule("last-admin") => ApiError::Conflict {
                error: "last-admin",
                message_id: "error-last-admin",
            },
            StoreError::Rule(code) => ApiError::Conflict {
                error: code,
                message_id: code,
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        ApiError::Invalid {
            field: Some(e.field.to_owned()),
            code: e.code,
            detail: None,
        }
    }
}

impl From<crate::error::AppError> for ApiError {
    fn from(e: crate::error::AppError) -> Self {
        use crate::error::AppError;
        match e {
            AppError::NotFound => ApiError::NotFound,
            AppError::Forbidden => ApiError::Forbidden("error-forbidden"),
            AppError::TooLarge => ApiError::TooLarge,
            AppError::BadRequest => ApiError::BadRequest(String::new()),
            AppError::Refused(StatusCode::CONFLICT, "error-last-admin") => ApiError::Conflict {
                error: "last-admin",
                message_id: "error-last-admin",
            },
            AppError::Refused(StatusCode::CONFLICT, id) => ApiError::Conflict {
                error: "conflict",
                message_id: id,
            },
            other => ApiError::Internal(format!("{other:?}")),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON body whose rejections are API errors: malformed JSON → 400, wrong shape → 422,
/// no JSON content type → 415.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError::Invalid {
                field: None,
                code: "invalid-body",
                detail: Some(e.body_text()),
            }),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::BadRequest(e.body_text())),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
            Err(other) if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::TooLarge)
            }
            Err(other) => Err(ApiError::BadRequest(other.body_text())),
        }
    }
}

/// The `{id}` of a path. Something that is not a UUID names nothing: 404.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<Uuid>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| IdPath(id))
            .map_err(|_| ApiError::NotFound)
    }
}

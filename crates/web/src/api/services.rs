//! The service catalogue: published services and their definitions.

use super::{
    auth::ApiUser,
    error::{ApiError, ApiResult, ErrorBody},
};
use crate::state::AppState;
use axum::{
    Json,
    extract::{Path, Query, State},
};
use relais_domain::Permission;
use relais_store::services::{self, Service};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// Text in French and English (English may be empty: then use the French).
#[derive(Debug, Serialize, ToSchema)]
pub struct BilingualText {
    pub fr: String,
    pub en: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Service)]
pub struct ServiceOut {
    /// The service's short name, unique in the organisation.
    #[schema(example = "acte-naissance")]
    pub slug: String,
    pub title: BilingualText,
    pub description: BilingualText,
    pub category: String,
    pub audience: String,
    /// Among `portal`, `email`, `phone`, `counter`, `letter`, `chat`, `open311`.
    pub channels: Vec<String>,
    /// `anyone`, `signed_in` or `organisations`.
    pub who_may_file: String,
    /// The version new requests are filed under.
    pub published_version: Option<i32>,
}

impl From<Service> for ServiceOut {
    fn from(s: Service) -> Self {
        Self {
            slug: s.slug,
            title: BilingualText {
                fr: s.title_fr,
                en: s.title_en,
            },
            description: BilingualText {
                fr: s.description_fr,
                en: s.description_en,
            },
            category: s.category,
            audience: s.audience,
            channels: s.channels.0,
            who_may_file: s.who_may_file,
            published_version: s.published_version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ServiceDefinitionVersion)]
pub struct DefinitionOut {
    pub slug: String,
    pub version: i32,
    /// `published`, `superseded` or (for catalogue managers only) `draft`.
    pub state: String,
    /// The definition: form, documents, workflow, service levels (docs/SERVICE-DEFINITION.md).
    #[schema(value_type = Object)]
    pub definition: Value,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// A version number; by default the published one.
    pub version: Option<i32>,
}

/// Published services of the organisation, by category then title.
#[utoipa::path(get, path = "/api/v1/services", operation_id = "list_services", tag = "catalogue",
    responses(
        (status = 200, description = "Published services", body = Vec<ServiceOut>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Two-step sign-in required first", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<ServiceOut>>> {
    check_access(&user)?;
    let all = services::list(&state.db, user.tenant_id(), true).await?;
    Ok(Json(all.into_iter().map(ServiceOut::from).collect()))
}

/// A published service's definition (`?version=N` for an earlier published one). Catalogue
/// managers may also read drafts and services not published yet.
#[utoipa::path(get, path = "/api/v1/services/{slug}", operation_id = "get_service_definition", tag = "catalogue",
    params(("slug" = String, Path, description = "The service's short name"), VersionQuery),
    responses(
        (status = 200, description = "The definition", body = DefinitionOut),
        (status = 400, description = "Malformed query", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Two-step sign-in required first", body = ErrorBody),
        (status = 404, description = "No such published service or version here", body = ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    Path(slug): Path<String>,
    query: Result<Query<VersionQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<DefinitionOut>> {
    check_access(&user)?;
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let manager = user.require(Permission::ManageCatalogue).is_ok();
    let service = services::by_slug(&state.db, user.tenant_id(), &slug)
        .await?
        .filter(|s| manager || s.state == "published")
        .ok_or(ApiError::NotFound)?;
    let number = match query.version {
        Some(n) => n,
        None if manager => match service.published_version {
            Some(n) => n,
            None => services::draft(&state.db, user.tenant_id(), service.id)
                .await?
                .map(|d| d.version)
                .ok_or(ApiError::NotFound)?,
        },
        None => service.published_version.ok_or(ApiError::NotFound)?,
    };
    let version = services::version(&state.db, user.tenant_id(), service.id, number)
        .await?
        .filter(|v| manager || v.state != "draft")
        .ok_or(ApiError::NotFound)?;
    Ok(Json(DefinitionOut {
        slug: service.slug,
        version: version.version,
        state: version.state,
        definition: version.definition.0,
    }))
}

/// Staff must meet the organisation's two-step rule; portal accounts read the public
/// catalogue.
fn check_access(user: &ApiUser) -> ApiResult<()> {
    match user.require(Permission::UseBackOffice) {
        Ok(_) | Err(ApiError::Forbidden("api-staff-only")) => Ok(()),
        Err(e) => Err(e),
    }
}

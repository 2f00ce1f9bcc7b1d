//! Search of persons and organisations together, ranked, with the matching parts marked.

use super::{
    auth::ApiUser,
    error::{ApiError, ApiResult, ErrorBody},
};
use crate::state::AppState;
use axum::{
    Json,
    extract::{RawQuery, State},
};
use relais_domain::{
    Permission,
    search::{self as domain, Highlighted, segments_html},
};
use relais_store::search as store;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for: words of a name (accents and case ignored, French plurals and one
    /// typo in a name tolerated), an e-mail address or its beginning, a phone number in any
    /// common writing, words of a postal address, a SIRET or SIREN. 1 to 100 characters.
    pub q: Option<String>,
    /// `person` or `organisation`; both when absent.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// At most this many results, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

/// A field of the result that matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchMatch {
    /// `given_name`, `family_name`, `name`, `email`, `phone`, `siret` or `address`.
    pub field: String,
    pub value: String,
    /// The value as HTML, escaped, with the matching parts in `<mark>`.
    pub html: String,
}

impl From<&Highlighted> for SearchMatch {
    fn from(h: &Highlighted) -> Self {
        Self {
            field: h.kind.as_str().to_owned(),
            value: h.text(),
            html: h.html(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    /// `person` or `organisation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Uuid,
    /// "Given Family" for a person, the name of an organisation.
    pub title: String,
    /// The title as HTML, escaped, with the matching parts in `<mark>`.
    pub title_html: String,
    /// How the least well matched word of the query matched: `exact`, `prefix`, `stem`
    /// (plural or feminine form) or `fuzzy` (one typo). Results come best first.
    pub match_kind: String,
    /// Where that word matched: `name`, `identifier` (e-mail, phone, SIRET) or `address`.
    pub match_field: String,
    /// Fields other than the name that matched.
    pub matches: Vec<SearchMatch>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// Best first.
    pub items: Vec<SearchResult>,
    /// More records match than were ranked: narrow the query to see them.
    pub truncated: bool,
}

/// Persons and organisations matching `q`, best first: exact words before beginnings of
/// words, related forms and one-typo matches; for the same kind of match, names before
/// identifiers before addresses.
#[utoipa::path(get, path = "/api/v1/search", operation_id = "search", tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Matching persons and organisations, best first", body = SearchResults),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 422, description = "Empty, too long or unsearchable query, or invalid parameter", body = ErrorBody),
    ))]
pub async fn search(
    State(state): State<AppState>,
    user: ApiUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<SearchResults>> {
    user.require(Permission::UseBackOffice)?;
    let params: SearchParams = super::persons::query(raw.as_deref())?;
    let limit = super::persons::limit(params.limit)?;
    let scope = crate::search::parse_scope(params.kind.as_deref()).map_err(ApiError::from)?;
    let query = domain::Query::parse(params.q.as_deref().unwrap_or("")).map_err(ApiError::from)?;
    let found = store::search(&state.db, user.tenant_id(), &query, scope, limit).await?;
    Ok(Json(SearchResults {
        items: found
            .hits
            .iter()
            .map(|h| SearchResult {
                kind: h.kind.as_str().to_owned(),
                id: h.id,
                title: h.document.title(),
                title_html: segments_html(&h.scored.title),
                match_kind: h.scored.kind.as_str().to_owned(),
                match_field: match h.scored.class {
                    domain::FieldClass::Name => "name",
                    domain::FieldClass::Identifier => "identifier",
                    domain::FieldClass::Address => "address",
                }
                .to_owned(),
                matches: h.scored.matches.iter().map(SearchMatch::from).collect(),
            })
            .collect(),
        truncated: found.truncated,
    }))
}

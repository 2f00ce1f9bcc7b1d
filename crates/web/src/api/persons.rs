//! Persons: create, read (everything known, the read is audited), update the identity,
//! archive, list with a keyset cursor, search.

use super::{
    auth::ApiUser,
    error::{ApiError, ApiJson, ApiResult, ErrorBody, IdPath},
};
use crate::state::AppState;
use axum::{
    Json,
    extract::{RawQuery, State},
    http::StatusCode,
};
use chrono::{DateTime, NaiveDate, Utc};
use relais_domain::{
    Email, Permission,
    people::{self, PersonIdentity, Phone},
};
use relais_store::{StoreError, people as store};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub const DEFAULT_LIMIT: i64 = 50;

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub archived_at: Option<DateTime<Utc>>,
    /// The first e-mail address, if any.
    pub email: Option<String>,
    /// The first phone number in E.164, if any.
    pub phone: Option<String>,
}

impl From<store::PersonSummary> for PersonSummary {
    fn from(p: store::PersonSummary) -> Self {
        Self {
            id: p.id,
            given_name: p.given_name,
            family_name: p.family_name,
            birth_date: p.birth_date,
            archived_at: p.archived_at,
            email: p.email,
            phone: p.phone,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonSummary>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_after: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPoint {
    pub id: Uuid,
    /// An e-mail address, or a phone number in E.164.
    pub value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Address {
    pub id: Uuid,
    /// Lines above postcode and city.
    pub lines: Vec<String>,
    pub postcode: String,
    pub city: String,
    /// ISO 3166 code, e.g. `FR`.
    pub country: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Consent {
    pub purpose: String,
    /// `given` or `withdrawn`.
    pub state: String,
    /// `portal`, `counter`, `phone`, `email`, `letter`, `import` or `api`.
    pub source: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Relationship {
    pub id: Uuid,
    /// `member_of`, `represents` or `household`.
    pub kind: String,
    /// True when this person is the subject ("member of …"), false when the object.
    pub outgoing: bool,
    /// `person` or `organisation`.
    pub other_type: String,
    pub other_id: Uuid,
    pub other_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Interaction {
    pub id: Uuid,
    /// `phone`, `counter`, `letter` or `email`.
    pub channel: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    pub summary: String,
    pub duration_minutes: Option<i32>,
    pub case_ref: Option<String>,
    pub at: DateTime<Utc>,
    pub agent_id: Option<Uuid>,
}

/// A person with everything known about them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Person)]
pub struct PersonOut {
    pub id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    /// `fr` or `en`.
    pub locale: String,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub emails: Vec<ContactPoint>,
    pub phones: Vec<ContactPoint>,
    pub addresses: Vec<Address>,
    pub tags: Vec<String>,
    /// Every change of every consent, newest first.
    pub consents: Vec<Consent>,
    pub relationships: Vec<Relationship>,
    /// Newest first.
    pub interactions: Vec<Interaction>,
}

impl From<store::PersonRecord> for PersonOut {
    fn from(r: store::PersonRecord) -> Self {
        let p = r.person;
        Self {
            id: p.id,
            given_name: p.given_name,
            family_name: p.family_name,
            birth_date: p.birth_date,
            locale: p.locale,
            archived_at: p.archived_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
            emails: r
                .emails
                .into_iter()
                .map(|e| ContactPoint {
                    id: e.id,
                    value: e.email,
                })
                .collect(),
            phones: r
                .phones
                .into_iter()
                .map(|e| ContactPoint {
                    id: e.id,
                    value: e.e164,
                })
                .collect(),
            addresses: r
                .addresses
                .into_iter()
                .map(|a| Address {
                    id: a.id,
                    lines: a.lines.lines().map(str::to_owned).collect(),
                    postcode: a.postcode,
                    city: a.city,
                    country: a.country,
                })
                .collect(),
            tags: r.tags,
            consents: r
                .consents
                .into_iter()
                .map(|c| Consent {
                    purpose: c.purpose,
                    state: c.state,
                    source: c.source,
                    at: c.at,
                })
                .collect(),
            relationships: r
                .relationships
                .into_iter()
                .map(|x| Relationship {
                    id: x.id,
                    kind: x.kind,
                    outgoing: x.outgoing,
                    other_type: x.other_type.to_owned(),
                    other_id: x.other_id,
                    other_name: x.other_name,
                })
                .collect(),
            interactions: r
                .interactions
                .into_iter()
                .map(|i| Interaction {
                    id: i.id,
                    channel: i.channel,
                    direction: i.direction,
                    summary: i.summary,
                    duration_minutes: i.duration_minutes,
                    case_ref: i.case_ref,
                    at: i.at,
                    agent_id: i.agent_id,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    #[schema(example = "Hélène")]
    pub given_name: String,
    #[schema(example = "Martin")]
    pub family_name: String,
    /// `YYYY-MM-DD`.
    #[schema(example = "1980-01-31")]
    pub birth_date: Option<String>,
    /// `fr` (default) or `en`.
    pub locale: Option<String>,
    /// E-mail addresses.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Phone numbers in any common writing; stored in E.164.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Tags; normalised (lowercase, no accents, hyphens).
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Only the fields given change. `birth_date: ""` removes the date of birth.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<String>,
    pub locale: Option<String>,
}

fn invalid(errors: Vec<relais_domain::Invalid>) -> ApiError {
    errors
        .into_iter()
        .next()
        .map(ApiError::from)
        .unwrap_or(ApiError::BadRequest(String::new()))
}

async fn record(state: &AppState, user: &ApiUser, id: Uuid) -> ApiResult<PersonOut> {
    store::person_record(&state.db, user.tenant_id(), id, None)
        .await?
        .map(PersonOut::from)
        .ok_or(ApiError::NotFound)
}

/// Persons by family name, archived ones only when asked, a page at a time.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Cursor: the `next_after` of the previous page.
    #[param(value_type = Option<Uuid>)]
    pub after: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `true` to include archived persons.
    #[param(value_type = Option<bool>)]
    pub include_archived: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words of the name (accents and case ignored, French plurals and one typo in a name
    /// tolerated), an e-mail address or its beginning, a phone number in any common
    /// writing, words of a postal address. See also `/api/v1/search`.
    pub q: Option<String>,
    /// At most this many results, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

pub(super) fn query<T: serde::de::DeserializeOwned>(raw: Option<&str>) -> ApiResult<T> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| ApiError::Invalid {
        field: None,
        code: "invalid-query",
        detail: Some(e.to_string()),
    })
}

pub(super) fn limit(v: Option<String>) -> ApiResult<i64> {
    match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=store::MAX_PAGE).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", "invalid-limit")),
    }
}

/// Persons of the organisation by family name, with a keyset cursor.
#[utoipa::path(get, path = "/api/v1/persons", operation_id = "list_persons", tag = "persons",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of persons", body = PersonPage),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 422, description = "Invalid parameter", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<PersonPage>> {
    user.require(Permission::UseBackOffice)?;
    let q: ListQuery = query(raw.as_deref())?;
    let limit = limit(q.limit)?;
    let after = match q.after.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<Uuid>()
                .map_err(|_| ApiError::invalid("after", "invalid-id"))?,
        ),
    };
    let include_archived = match q.include_archived.as_deref() {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::invalid("include_archived", "invalid-query")),
    };
    let items =
        store::list_persons(&state.db, user.tenant_id(), after, limit, include_archived).await?;
    let next_after = (items.len() as i64 == limit)
        .then(|| items.last().map(|p| p.id))
        .flatten();
    Ok(Json(PersonPage {
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

/// Active persons matching `q`, best first (the ranking of `/api/v1/search`). A query
/// with nothing searchable finds no one.
#[utoipa::path(get, path = "/api/v1/persons/search", operation_id = "search_persons", tag = "persons",
    params(SearchQuery),
    responses(
        (status = 200, description = "Matching persons, best first", body = Vec<PersonSummary>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 422, description = "Invalid parameter", body = ErrorBody),
    ))]
pub async fn search(
    State(state): State<AppState>,
    user: ApiUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Vec<PersonSummary>>> {
    user.require(Permission::UseBackOffice)?;
    let q: SearchQuery = query(raw.as_deref())?;
    let limit = limit(q.limit)?;
    let text = q.q.unwrap_or_default();
    if text.chars().count() > 100 || text.chars().any(char::is_control) {
        return Err(ApiError::invalid("q", "invalid-filter"));
    }
    let found = store::search_persons(&state.db, user.tenant_id(), &text, limit).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// Creates a person with their e-mail addresses, phone numbers and tags. Any invalid value:
/// 422 and nothing is created.
#[utoipa::path(post, path = "/api/v1/persons", operation_id = "create_person", tag = "persons",
    request_body = NewPerson,
    responses(
        (status = 201, description = "Created", body = PersonOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid value", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewPerson>,
) -> ApiResult<(StatusCode, Json<PersonOut>)> {
    user.require(Permission::Write)?;
    let identity = PersonIdentity::parse(
        &body.given_name,
        &body.family_name,
        body.birth_date.as_deref(),
        body.locale.as_deref().unwrap_or(""),
        Utc::now().date_naive(),
    )
    .map_err(invalid)?;
    if body.emails.len() > 20 || body.phones.len() > 20 || body.tags.len() > 50 {
        return Err(ApiError::invalid("emails", "invalid-body"));
    }
    let mut emails: Vec<Email> = body
        .emails
        .iter()
        .map(|e| people::person_email(e))
        .collect::<Result<_, _>>()?;
    emails.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    emails.dedup();
    let mut phones: Vec<Phone> = body
        .phones
        .iter()
        .map(|p| Phone::parse(p))
        .collect::<Result<_, _>>()?;
    phones.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    phones.dedup();
    let tags: Vec<String> = body
        .tags
        .iter()
        .map(|t| people::tag(t))
        .collect::<Result<_, _>>()?;
    let actor = user.actor();
    let person = store::create_person(&state.db, &actor, &identity).await?;
    for e in &emails {
        store::add_email(&state.db, &actor, person.id, e).await?;
    }
    for p in &phones {
        store::add_phone(&state.db, &actor, person.id, p).await?;
    }
    if !tags.is_empty() {
        store::set_tags(&state.db, &actor, person.id, &tags).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(record(&state, &user, person.id).await?),
    ))
}

/// Everything known about a person. The read is written to the audit log (`person.view`).
#[utoipa::path(get, path = "/api/v1/persons/{id}", operation_id = "get_person", tag = "persons",
    params(("id" = Uuid, Path, description = "Person id")),
    responses(
        (status = 200, description = "The person", body = PersonOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 404, description = "No person with this id here", body = ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<PersonOut>> {
    user.require(Permission::UseBackOffice)?;
    let out = record(&state, &user, id).await?;
    store::record_view(&state.db, &user.actor(), id).await?;
    Ok(Json(out))
}

/// Changes the identity (only the fields given).
#[utoipa::path(patch, path = "/api/v1/persons/{id}", operation_id = "update_person", tag = "persons",
    params(("id" = Uuid, Path, description = "Person id")),
    request_body = PersonPatch,
    responses(
        (status = 200, description = "The person", body = PersonOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No person with this id here", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid value", body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<PersonPatch>,
) -> ApiResult<Json<PersonOut>> {
    user.require(Permission::Write)?;
    let current = store::get_person(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let birth = body.birth_date.unwrap_or_else(|| {
        current
            .birth_date
            .map(|d| d.to_string())
            .unwrap_or_default()
    });
    let identity = PersonIdentity::parse(
        body.given_name.as_deref().unwrap_or(&current.given_name),
        body.family_name.as_deref().unwrap_or(&current.family_name),
        Some(&birth),
        body.locale.as_deref().unwrap_or(&current.locale),
        Utc::now().date_naive(),
    )
    .map_err(invalid)?;
    store::update_person(&state.db, &user.actor(), id, &identity).await?;
    Ok(Json(record(&state, &user, id).await?))
}

/// Archives a person: kept with their history, left out of lists and searches.
#[utoipa::path(delete, path = "/api/v1/persons/{id}", operation_id = "archive_person", tag = "persons",
    params(("id" = Uuid, Path, description = "Person id")),
    responses(
        (status = 204, description = "Archived"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No person with this id here", body = ErrorBody),
    ))]
pub async fn archive(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    user.require(Permission::Write)?;
    store::archive_person(&state.db, &user.actor(), id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound,
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

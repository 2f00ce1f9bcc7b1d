//! Persons: create, read (everything known, the read is audited), update (identity, tags,
//! custom fields), archive, list with a keyset cursor, search, merge a duplicate.
//!
//! Custom fields travel as `custom_fields: {key: value}`: a string for text, choice and date
//! (`YYYY-MM-DD`) fields, a number for number fields, `null` to clear. An unknown key or a
//! value of the wrong kind is a 422 naming `custom_fields.<key>`.

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
    people::{
        self, PersonIdentity, Phone,
        custom_fields::{FieldValue, Rule, check_values},
        merge::IdentityChoice,
    },
};
use relais_store::{
    StoreError,
    people::{self as store, custom_fields as cf_store},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
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

impl From<store::AddressPoint> for Address {
    fn from(a: store::AddressPoint) -> Self {
        Self {
            id: a.id,
            lines: a.lines.lines().map(str::to_owned).collect(),
            postcode: a.postcode,
            city: a.city,
            country: a.country,
        }
    }
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
    /// Values of the custom fields, by key (fields without a value are left out).
    #[schema(value_type = Object)]
    pub custom_fields: BTreeMap<String, Value>,
    /// For a record merged into another: the record that holds its history now.
    pub merged_into: Option<Uuid>,
}

impl From<store::PersonRecord> for PersonOut {
    fn from(r: store::PersonRecord) -> Self {
        let p = r.person;
        Self {
            custom_fields: BTreeMap::new(),
            merged_into: None,
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
            addresses: r.addresses.into_iter().map(Address::from).collect(),
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
    /// Custom field values by key; every required field must have one.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

/// Only the fields given change. `birth_date: ""` removes the date of birth.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<String>,
    pub locale: Option<String>,
    /// Replaces every tag.
    pub tags: Option<Vec<String>>,
    /// Only the keys given change; `null` clears a value.
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
}

fn invalid(errors: Vec<relais_domain::Invalid>) -> ApiError {
    errors
        .into_iter()
        .next()
        .map(ApiError::from)
        .unwrap_or(ApiError::BadRequest(String::new()))
}

async fn record(state: &AppState, user: &ApiUser, id: Uuid) -> ApiResult<PersonOut> {
    let tenant = user.tenant_id();
    let mut out = store::person_record(&state.db, tenant, id, None)
        .await?
        .map(PersonOut::from)
        .ok_or(ApiError::NotFound)?;
    let fields = cf_store::list_fields(&state.db, tenant, true).await?;
    for (field, value) in cf_store::values_of(&state.db, tenant, id).await? {
        if let Some(f) = fields.iter().find(|f| f.id == field) {
            out.custom_fields.insert(f.key.clone(), value.to_json());
        }
    }
    out.merged_into = store::merge::merged_into(&state.db, tenant, id).await?;
    Ok(out)
}

/// Checks custom field values sent as JSON against the tenant's active fields; `complete`
/// on creation (a required field must be there). The first refusal names
/// `custom_fields.<key>`.
async fn custom_values(
    state: &AppState,
    user: &ApiUser,
    given: &Map<String, Value>,
    complete: bool,
) -> ApiResult<Vec<(Uuid, Option<FieldValue>)>> {
    let fields = cf_store::list_fields(&state.db, user.tenant_id(), false).await?;
    let rules: Vec<(&str, Rule<'_>, bool)> = fields
        .iter()
        .map(|f| (f.key.as_str(), f.rule(), f.required))
        .collect();
    let parsed = given
        .iter()
        .map(|(key, v)| {
            let value = match fields.iter().find(|f| f.key == *key) {
                Some(f) => f.rule().from_json(v),
                None => Ok(None),
            };
            (key.clone(), value)
        })
        .collect();
    match check_values(&rules, parsed, complete) {
        Ok(values) => Ok(values
            .into_iter()
            .filter_map(|(key, v)| fields.iter().find(|f| f.key == key).map(|f| (f.id, v)))
            .collect()),
        Err(errors) => {
            let e = &errors[0];
            let detail = match fields.iter().find(|f| f.key == e.key) {
                Some(f) => format!("(field `{}`: {})", e.key, f.kind),
                None => format!("(field `{}`)", e.key),
            };
            Err(ApiError::Invalid {
                field: Some(format!("custom_fields.{}", e.key)),
                code: e.code,
                detail: Some(detail),
            })
        }
    }
}

fn tags_of(tags: &[String]) -> ApiResult<Vec<String>> {
    if tags.len() > 50 {
        return Err(ApiError::invalid("tags", "person-too-many-tags"));
    }
    Ok(tags
        .iter()
        .map(|t| people::tag(t))
        .collect::<Result<_, _>>()?)
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

pub(crate) fn query<T: serde::de::DeserializeOwned>(raw: Option<&str>) -> ApiResult<T> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| ApiError::Invalid {
        field: None,
        code: "invalid-query",
        detail: Some(e.to_string()),
    })
}

pub(crate) fn limit(v: Option<String>) -> ApiResult<i64> {
    match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=store::MAX_PAGE).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", "invalid-limit")),
    }
}

/// The `after` cursor of a list: an id, or nothing.
pub(crate) fn cursor(v: Option<&str>) -> ApiResult<Option<Uuid>> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<Uuid>()
            .map(Some)
            .map_err(|_| ApiError::invalid("after", "invalid-id")),
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
    let after = cursor(q.after.as_deref())?;
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
    let tags = tags_of(&body.tags)?;
    let custom = custom_values(&state, &user, &body.custom_fields, true).await?;
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
    if custom.iter().any(|(_, v)| v.is_some()) {
        cf_store::set_values(&state.db, &actor, person.id, &custom).await?;
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

/// Changes the identity, the tags, the custom fields (only what is given).
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
    let tags = body.tags.as_deref().map(tags_of).transpose()?;
    let custom = match &body.custom_fields {
        Some(given) => custom_values(&state, &user, given, false).await?,
        None => Vec::new(),
    };
    let actor = user.actor();
    store::update_person(&state.db, &actor, id, &identity).await?;
    if let Some(tags) = tags {
        store::set_tags(&state.db, &actor, id, &tags).await?;
    }
    if !custom.is_empty() {
        cf_store::set_values(&state.db, &actor, id, &custom).await?;
    }
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

/// Merges a duplicate into this person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The record merged away: its history moves here, then it is archived.
    pub duplicate_id: Uuid,
    /// Identity fields whose value is taken from the duplicate (`given_name`,
    /// `family_name`, `birth_date`, `locale`); the others keep this person's.
    #[serde(default)]
    pub keep_from_duplicate: Vec<String>,
}

/// What a merge moved, table by table.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergeResult {
    pub survivor: Uuid,
    pub merged: Uuid,
    /// Rows moved to the survivor, by table.
    pub moved: BTreeMap<String, usize>,
    /// Rows of the duplicate equal to one of the survivor's, removed, by table.
    pub deduplicated: BTreeMap<String, usize>,
    /// Links between the two records, removed, by table.
    pub dropped: BTreeMap<String, usize>,
    pub person: PersonOut,
}

/// Merges `duplicate_id` into this person: every piece of its history moves here (contact
/// points without duplicates), it is archived and points here; one audit row lists what
/// moved. Both must be active persons of this organisation.
#[utoipa::path(post, path = "/api/v1/persons/{id}/merge", operation_id = "merge_person", tag = "persons",
    params(("id" = Uuid, Path, description = "The person kept")),
    request_body = MergeRequest,
    responses(
        (status = 200, description = "Merged", body = MergeResult),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the merge permission (supervisors, administrators)", body = ErrorBody),
        (status = 404, description = "Either person is not here", body = ErrorBody),
        (status = 409, description = "Already merged (`merge-already-merged`) or archived (`merge-archived`)", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid value (the same person twice, an unknown field)", body = ErrorBody),
    ))]
pub async fn merge(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<MergeRequest>,
) -> ApiResult<Json<MergeResult>> {
    user.require(Permission::MergePersons)?;
    let choice = IdentityChoice::from_merged_fields(&body.keep_from_duplicate)?;
    relais_domain::people::merge::check_pair(id, body.duplicate_id)
        .map_err(|e| ApiError::invalid("duplicate_id", e.code))?;
    let report =
        store::merge::merge_persons(&state.db, &user.actor(), id, body.duplicate_id, choice)
            .await?;
    let count = |m: &BTreeMap<String, Vec<String>>| {
        m.iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(t, ids)| (t.clone(), ids.len()))
            .collect()
    };
    Ok(Json(MergeResult {
        survivor: report.survivor,
        merged: report.merged,
        moved: count(&report.moved),
        deduplicated: count(&report.deduplicated),
        dropped: count(&report.dropped),
        person: record(&state, &user, id).await?,
    }))
}

//! Organisations: create (with contact points), read (with contact points and the persons
//! tied to them), update, archive, list with a keyset cursor. Same permissions as the pages:
//! staff read, `Write` changes.

use super::{
    auth::ApiUser,
    error::{ApiError, ApiJson, ApiResult, ErrorBody, IdPath},
    persons::{Address, ContactPoint},
};
use crate::state::AppState;
use axum::{
    Json,
    extract::{RawQuery, State},
    http::StatusCode,
};
use chrono::{DateTime, Utc};
use relais_domain::{
    Email, Permission,
    people::{self, Phone, PostalAddress, Siret},
};
use relais_store::{
    StoreError,
    people::{self as store, Owner, contact_points},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationSummary {
    pub id: Uuid,
    pub name: String,
    pub siret: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationPage {
    pub items: Vec<OrganisationSummary>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_after: Option<Uuid>,
}

/// A person tied to the organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub relationship_id: Uuid,
    /// `member_of` or `represents`.
    pub kind: String,
    pub person_id: Uuid,
    pub given_name: String,
    pub family_name: String,
}

/// An organisation with its contact points and members.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Organisation)]
pub struct OrganisationOut {
    pub id: Uuid,
    pub name: String,
    pub siret: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub emails: Vec<ContactPoint>,
    pub phones: Vec<ContactPoint>,
    pub addresses: Vec<Address>,
    pub members: Vec<Member>,
}

impl From<store::OrganisationRecord> for OrganisationOut {
    fn from(r: store::OrganisationRecord) -> Self {
        let o = r.organisation;
        Self {
            id: o.id,
            name: o.name,
            siret: o.siret,
            archived_at: o.archived_at,
            created_at: o.created_at,
            updated_at: o.updated_at,
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
                .map(|p| ContactPoint {
                    id: p.id,
                    value: p.e164,
                })
                .collect(),
            addresses: r.addresses.into_iter().map(Address::from).collect(),
            members: r
                .members
                .into_iter()
                .map(|m| Member {
                    relationship_id: m.relationship_id,
                    kind: m.kind,
                    person_id: m.person_id,
                    given_name: m.given_name,
                    family_name: m.family_name,
                })
                .collect(),
        }
    }
}

/// A postal address to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAddress {
    /// Lines above postcode and city (4 at most, 38 characters each).
    pub lines: Vec<String>,
    pub postcode: String,
    pub city: String,
    /// ISO 3166 code; `FR` when absent.
    pub country: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    #[schema(example = "Association des Amis du Parc")]
    pub name: String,
    /// 14 digits with a valid key.
    pub siret: Option<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    /// Phone numbers in any common writing; stored in E.164.
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub addresses: Vec<NewAddress>,
}

/// Only the fields given change. `siret: ""` removes the SIRET.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationPatch {
    pub name: Option<String>,
    pub siret: Option<String>,
}

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
    /// Only organisations whose name words start with these words.
    pub q: Option<String>,
}

async fn record(state: &AppState, user: &ApiUser, id: Uuid) -> ApiResult<OrganisationOut> {
    store::organisation_record(&state.db, user.tenant_id(), id)
        .await?
        .map(OrganisationOut::from)
        .ok_or(ApiError::NotFound)
}

/// Active organisations by name, with a keyset cursor.
#[utoipa::path(get, path = "/api/v1/organisations", operation_id = "list_organisations", tag = "organisations",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of organisations", body = OrganisationPage),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 422, description = "Invalid parameter", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<OrganisationPage>> {
    user.require(Permission::UseBackOffice)?;
    let q: ListQuery = super::persons::query(raw.as_deref())?;
    let limit = super::persons::limit(q.limit)?;
    let after = super::persons::cursor(q.after.as_deref())?;
    let text = q.q.unwrap_or_default();
    if text.chars().count() > 100 || text.chars().any(char::is_control) {
        return Err(ApiError::invalid("q", "invalid-filter"));
    }
    let items = store::list_organisations(
        &state.db,
        user.tenant_id(),
        Some(text.as_str()).filter(|t| !t.trim().is_empty()),
        after,
        limit,
    )
    .await?;
    let next_after = (items.len() as i64 == limit)
        .then(|| items.last().map(|o| o.id))
        .flatten();
    Ok(Json(OrganisationPage {
        items: items
            .into_iter()
            .map(|o| OrganisationSummary {
                id: o.id,
                name: o.name,
                siret: o.siret,
                archived_at: o.archived_at,
            })
            .collect(),
        next_after,
    }))
}

/// Creates an organisation with its contact points. Any invalid value: 422 and nothing is
/// created; a SIRET already used here: 409.
#[utoipa::path(post, path = "/api/v1/organisations", operation_id = "create_organisation", tag = "organisations",
    request_body = NewOrganisation,
    responses(
        (status = 201, description = "Created", body = OrganisationOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 409, description = "SIRET already used", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid value", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewOrganisation>,
) -> ApiResult<(StatusCode, Json<OrganisationOut>)> {
    user.require(Permission::Write)?;
    let name = people::organisation_name(&body.name)?;
    let siret = people::optional_siret(body.siret.as_deref().unwrap_or(""))?;
    if body.emails.len() > 20 || body.phones.len() > 20 || body.addresses.len() > 20 {
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
    let addresses: Vec<PostalAddress> = body
        .addresses
        .iter()
        .map(|a| {
            PostalAddress::parse(
                &a.lines.join("\n"),
                &a.postcode,
                &a.city,
                a.country.as_deref().unwrap_or(""),
            )
            .map_err(|e| {
                e.into_iter()
                    .next()
                    .map(ApiError::from)
                    .unwrap_or(ApiError::BadRequest(String::new()))
            })
        })
        .collect::<Result<_, _>>()?;
    let actor = user.actor();
    let org = store::create_organisation(&state.db, &actor, &name, siret.as_ref())
        .await
        .map_err(siret_conflict)?;
    let owner = Owner::Organisation(org.id);
    for e in &emails {
        contact_points::add_email(&state.db, &actor, owner, e).await?;
    }
    for p in &phones {
        contact_points::add_phone(&state.db, &actor, owner, p).await?;
    }
    for a in &addresses {
        contact_points::add_address(&state.db, &actor, owner, a).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(record(&state, &user, org.id).await?),
    ))
}

fn siret_conflict(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict => ApiError::Conflict {
            error: "conflict",
            message_id: "organisation-siret-exists",
        },
        other => other.into(),
    }
}

/// An organisation with its contact points and the persons tied to it.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", operation_id = "get_organisation", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 404, description = "No organisation with this id here", body = ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<OrganisationOut>> {
    user.require(Permission::UseBackOffice)?;
    Ok(Json(record(&state, &user, id).await?))
}

/// Changes the name or the SIRET (only the fields given).
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", operation_id = "update_organisation", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    request_body = OrganisationPatch,
    responses(
        (status = 200, description = "The organisation", body = OrganisationOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No organisation with this id here", body = ErrorBody),
        (status = 409, description = "SIRET already used", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid value", body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<OrganisationPatch>,
) -> ApiResult<Json<OrganisationOut>> {
    user.require(Permission::Write)?;
    let current = store::get_organisation(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let name = people::organisation_name(body.name.as_deref().unwrap_or(&current.name))?;
    let siret: Option<Siret> = match body.siret.as_deref() {
        Some(s) => people::optional_siret(s)?,
        None => current.siret.as_deref().map(Siret::parse).transpose()?,
    };
    store::update_organisation(&state.db, &user.actor(), id, &name, siret.as_ref())
        .await
        .map_err(siret_conflict)?;
    Ok(Json(record(&state, &user, id).await?))
}

/// Archives an organisation: kept with its links, left out of lists.
#[utoipa::path(delete, path = "/api/v1/organisations/{id}", operation_id = "archive_organisation", tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 204, description = "Archived"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No organisation with this id here", body = ErrorBody),
    ))]
pub async fn archive(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    user.require(Permission::Write)?;
    store::archive_organisation(&state.db, &user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! Teams and their members.

use super::{
    auth::ApiUser,
    error::{ApiError, ApiJson, ApiResult, ErrorBody, IdPath},
};
use crate::state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use relais_domain::{Permission, account::team_name};
use relais_store::{StoreError, teams};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Team)]
pub struct TeamOut {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// Ids of the staff accounts in the team.
    pub members: Vec<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamName {
    /// 1 to 80 characters, unique in the organisation.
    #[schema(example = "Accueil")]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMembers {
    /// The complete new list: ids of staff accounts of this organisation.
    pub members: Vec<Uuid>,
}

fn taken(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict => ApiError::Conflict {
            error: "conflict",
            message_id: "team-taken",
        },
        other => other.into(),
    }
}

async fn one(state: &AppState, user: &ApiUser, id: Uuid) -> ApiResult<TeamOut> {
    let team = teams::get(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut members = teams::members(&state.db, user.tenant_id(), id).await?;
    members.sort();
    Ok(TeamOut {
        id: team.id,
        name: team.name,
        created_at: team.created_at,
        members,
    })
}

/// Teams of the organisation, by name, with their members.
#[utoipa::path(get, path = "/api/v1/teams", operation_id = "list_teams", tag = "teams",
    responses(
        (status = 200, description = "Teams", body = Vec<TeamOut>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
    ))]
pub async fn list(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<Vec<TeamOut>>> {
    user.require(Permission::UseBackOffice)?;
    let all = teams::list(&state.db, user.tenant_id()).await?;
    let memberships = teams::memberships(&state.db, user.tenant_id()).await?;
    Ok(Json(
        all.into_iter()
            .map(|t| TeamOut {
                members: memberships
                    .iter()
                    .filter(|(team, _)| *team == t.id)
                    .map(|(_, account)| *account)
                    .collect(),
                id: t.id,
                name: t.name,
                created_at: t.created_at,
            })
            .collect(),
    ))
}

/// Creates an empty team.
#[utoipa::path(post, path = "/api/v1/teams", operation_id = "create_team", tag = "teams",
    request_body = TeamName,
    responses(
        (status = 201, description = "Created", body = TeamOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-teams permission (admin, supervisor)", body = ErrorBody),
        (status = 409, description = "A team already has this name", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<TeamName>,
) -> ApiResult<(StatusCode, Json<TeamOut>)> {
    user.require(Permission::ManageTeams)?;
    let name = team_name(&body.name)?;
    let team = teams::create(&state.db, &user.actor(), &name)
        .await
        .map_err(taken)?;
    Ok((
        StatusCode::CREATED,
        Json(TeamOut {
            id: team.id,
            name: team.name,
            created_at: team.created_at,
            members: Vec::new(),
        }),
    ))
}

/// One team with its members.
#[utoipa::path(get, path = "/api/v1/teams/{id}", operation_id = "get_team", tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    responses(
        (status = 200, description = "The team", body = TeamOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 404, description = "No team with this id here", body = ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<TeamOut>> {
    user.require(Permission::UseBackOffice)?;
    Ok(Json(one(&state, &user, id).await?))
}

/// Renames a team.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", operation_id = "rename_team", tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    request_body = TeamName,
    responses(
        (status = 200, description = "The renamed team", body = TeamOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-teams permission (admin, supervisor)", body = ErrorBody),
        (status = 404, description = "No team with this id here", body = ErrorBody),
        (status = 409, description = "A team already has this name", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    ))]
pub async fn rename(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<TeamName>,
) -> ApiResult<Json<TeamOut>> {
    user.require(Permission::ManageTeams)?;
    let name = team_name(&body.name)?;
    teams::rename(&state.db, &user.actor(), id, &name)
        .await
        .map_err(taken)?;
    Ok(Json(one(&state, &user, id).await?))
}

/// Replaces the team's members. If any id is not a staff account of this organisation,
/// nothing changes (422).
#[utoipa::path(put, path = "/api/v1/teams/{id}/members", operation_id = "set_team_members", tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    request_body = TeamMembers,
    responses(
        (status = 204, description = "Members replaced"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-teams permission (admin, supervisor)", body = ErrorBody),
        (status = 404, description = "No team with this id here", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "A member is not a staff account of this organisation", body = ErrorBody),
    ))]
pub async fn set_members(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<TeamMembers>,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageTeams)?;
    teams::get(&state.db, user.tenant_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if body.members.len() > 1000 {
        return Err(ApiError::invalid("members", "invalid-member"));
    }
    let mut members = body.members;
    members.sort();
    members.dedup();
    // The team exists (checked above): NotFound now means a member that is not ours.
    teams::set_members(&state.db, &user.actor(), id, &members)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::invalid("members", "invalid-member"),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a team (its members stay; they just leave it).
#[utoipa::path(delete, path = "/api/v1/teams/{id}", operation_id = "delete_team", tag = "teams",
    params(("id" = Uuid, Path, description = "Team id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the manage-teams permission (admin, supervisor)", body = ErrorBody),
        (status = 404, description = "No team with this id here", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    user.require(Permission::ManageTeams)?;
    teams::delete(&state.db, &user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

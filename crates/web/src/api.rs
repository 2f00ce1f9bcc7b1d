//! The JSON API under /api/v1, described by the OpenAPI document at /api/openapi.json.
//!
//! Routes are registered through utoipa-axum from their `#[utoipa::path]` annotations, so
//! the router and the document cannot diverge. Every answer is JSON, errors included
//! (`error::ErrorBody`); authentication is by API token only (`auth::ApiUser`).

pub mod audit;
pub mod auth;
pub mod cases;
pub mod collaboration;
pub mod error;
pub mod me;
pub mod operations;
pub mod organisations;
pub mod persons;
pub mod search;
pub mod segments;
pub mod services;
pub mod staff;
pub mod teams;

use crate::state::AppState;
use axum::{
    Router,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::any,
};
use error::{ApiError, ErrorBody};
use utoipa::{
    OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(title = "Relais API", description = "JSON API of Relais. Authenticate with an API token created on your account page: `Authorization: Bearer <token>`. The organisation is the one of the host name called."),
    components(schemas(ErrorBody)),
    tags(
        (name = "account", description = "The caller and their API tokens"),
        (name = "staff", description = "Staff accounts"),
        (name = "teams", description = "Teams and their members"),
        (name = "audit", description = "The audit log"),
        (name = "catalogue", description = "The service catalogue and its definitions"),
        (name = "persons", description = "People served: identity, contact points, consents, relationships, interactions, custom fields"),
        (name = "organisations", description = "Organisations: identity, contact points, the persons tied to them"),
        (name = "segments", description = "Saved filters on persons and the persons they select"),
        (name = "search", description = "Search of persons and organisations together"),
        (name = "cases", description = "Cases: filing, reading, the back office's views, workflow transitions, bulk actions"),
        (name = "board", description = "The supervisor board: workload, backlog by age, cases at risk"),
        (name = "rules", description = "Routing and automation rules"),
    )
)]
struct ApiDoc;

pub const BEARER: &str = "bearer";

pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .routes(routes!(me::me, me::update_me))
        .routes(routes!(me::list_tokens))
        .routes(routes!(me::revoke_token))
        .routes(routes!(staff::list, staff::create))
        .routes(routes!(staff::get, staff::update))
        .routes(routes!(staff::reset_link))
        .routes(routes!(teams::list, teams::create))
        .routes(routes!(teams::get, teams::rename, teams::delete))
        .routes(routes!(teams::set_members))
        .routes(routes!(audit::list))
        .routes(routes!(services::list))
        .routes(routes!(services::get))
        .routes(routes!(persons::list, persons::create))
        .routes(routes!(persons::search))
        .routes(routes!(persons::get, persons::update, persons::archive))
        .routes(routes!(search::search))
        .routes(routes!(persons::merge))
        .routes(routes!(organisations::list, organisations::create))
        .routes(routes!(
            organisations::get,
            organisations::update,
            organisations::archive
        ))
        .routes(routes!(segments::list))
        .routes(routes!(segments::persons))
        .routes(routes!(cases::list, cases::create))
        .routes(routes!(cases::get))
        .routes(routes!(cases::transition))
        .routes(routes!(collaboration::note))
        .routes(routes!(collaboration::links, collaboration::link))
        .routes(routes!(collaboration::unlink))
        .routes(routes!(collaboration::merge))
        .routes(routes!(collaboration::follow))
        .routes(routes!(collaboration::notifications))
        .routes(routes!(operations::bulk_cases))
        .routes(routes!(operations::board))
        .routes(routes!(operations::list_routing))
        .routes(routes!(operations::set_routing, operations::delete_routing))
        .routes(routes!(
            operations::list_automation,
            operations::create_automation
        ))
        .routes(routes!(
            operations::get_automation,
            operations::update_automation,
            operations::delete_automation
        ))
        // Anything else under /api/ is a JSON 404, not an HTML page.
        .route("/api/{*rest}", any(not_found))
        // route_layer, not layer: a layered default fallback would win the merge in lib.rs
        // and turn every unknown page of the site into JSON.
        .route_layer(axum::middleware::map_response(json_errors))
        .split_for_parts();
    doc.info.title = "Relais API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            Http::builder()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("An API token of a staff account"))
                .build(),
        ),
    );
    doc.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
    (router, doc)
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// Errors produced before or around the handlers (unknown method, oversize body…) come as
/// bare statuses or plain text: give them the API's JSON error body.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let allow: Option<HeaderValue> = response.headers().get(header::ALLOW).cloned();
    let mut json = ApiError::from_status(status).into_response();
    *json.status_mut() = status;
    if let Some(allow) = allow {
        json.headers_mut().insert(header::ALLOW, allow);
    }
    json
}

//! The JSON API under /api/v1, described by the OpenAPI document at /api/openapi.json.

use crate::state::AppState;
use axum::Router;

pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, doc) = utoipa_axum::router::OpenApiRouter::<AppState>::new().split_for_parts();
    (router, doc)
}

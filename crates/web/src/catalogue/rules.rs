//! The no-code builder of a service's rules: required documents, workflow, service levels.

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

//! The no-code builder of a service's form: pages and their fields, each field's settings
//! and its show-if condition.

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

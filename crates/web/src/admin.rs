//! Administration pages: tenant settings, staff accounts, teams, roles, audit log.

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

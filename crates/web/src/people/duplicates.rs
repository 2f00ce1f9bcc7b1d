//! The review queue of likely duplicates (`/backoffice/people/duplicates`): each pair with
//! both names linked to their 360° pages and the reason. Staff with `UseBackOffice` read it;
//! merging is not here yet.

use crate::{ctx::Ctx, error::AppResult, pages::render, state::AppState};
use askama::Template;
use axum::{extract::State, response::Response};
use relais_domain::{Permission, people::duplicates::Reason};
use relais_store::people as store;

/// Pairs shown at most.
pub const QUEUE: i64 = 100;

#[derive(Template)]
#[template(path = "people/duplicates.html")]
struct DuplicatesTpl<'a> {
    ctx: &'a Ctx,
    pairs: Vec<(store::PersonSummary, store::PersonSummary, Reason)>,
}

pub async fn duplicates(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let pairs = store::duplicate_candidates(&state.db, ctx.tenant.id, QUEUE).await?;
    render(&DuplicatesTpl { ctx: &ctx, pairs })
}

//! The document safe: the person's documents with their status (pending, valid, rejected
//! with the reason) and expiry, to download or delete. A valid one is offered again when a
//! later filing asks for a document of its kind.

use super::{Wording, person_of, requester};
use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use relais_store::documents;
use uuid::Uuid;

pub struct SafeRow {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub size: String,
    pub added: String,
    pub status: String,
    pub reason: Option<String>,
    pub until: Option<String>,
    pub expired: bool,
}

#[derive(Template)]
#[template(path = "portal/documents.html")]
struct SafeTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    linked: bool,
    rows: Vec<SafeRow>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<super::requests::NoticeQ>,
) -> AppResult<Response> {
    let account = requester(&ctx)?;
    let person = person_of(&state, account).await?;
    let today = super::today(&ctx);
    let rows = match person {
        Some(person) => documents::safe(&state.db, ctx.tenant.id, person)
            .await?
            .into_iter()
            .map(|d| SafeRow {
                id: d.id,
                kind: d
                    .kind
                    .as_deref()
                    .map(|k| ctx.t(&format!("catalogue-doc-{k}")))
                    .unwrap_or_default(),
                size: super::size_text(&ctx, d.size_bytes.max(0) as u64),
                added: super::local_date(&ctx, d.created_at),
                status: ctx.t(&format!("portal-document-{}", d.status)),
                reason: d.reject_reason.clone().filter(|_| d.status == "rejected"),
                until: d.valid_until.map(|u| super::date_text(&ctx, u)),
                expired: d.valid_until.is_some_and(|u| u < today),
                name: d.file_name,
            })
            .collect(),
        None => Vec::new(),
    };
    render(&SafeTpl {
        notice: super::catalogue::own_notice(&ctx, &q.notice),
        ctx: &ctx,
        linked: person.is_some(),
        rows,
    })
}

/// One of the person's own documents.
async fn own(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<(Uuid, documents::Document)> {
    let account = requester(ctx)?;
    let person = person_of(state, account).await?.ok_or(AppError::NotFound)?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let doc = documents::get(&state.db, ctx.tenant.id, id)
        .await?
        .filter(|d| d.owner_person_id == Some(person) && d.deleted_at.is_none())
        .ok_or(AppError::NotFound)?;
    Ok((person, doc))
}

pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (_, doc) = own(&state, &ctx, &id).await?;
    super::requests::download(&state, &doc).await
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (person, doc) = own(&state, &ctx, &id).await?;
    documents::delete(&state.db, &ctx.actor(), person, doc.id).await?;
    Ok(Redirect::to("/my/documents?notice=portal-document-deleted").into_response())
}

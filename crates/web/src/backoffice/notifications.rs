//! `/backoffice/notifications`: what a staff member was told — mentions in notes, news on the
//! cases they follow — newest first, unread ones marked. Opening a case reads its
//! notifications; a button reads them all.

use super::{iso, local_time};
use crate::{ctx::Ctx, error::AppResult, pages::render, state::AppState};
use askama::Template;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use relais_domain::Permission;
use relais_store::staff_notifications;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

/// The notifications a page lists at most.
const LIMIT: i64 = 100;

pub struct NotificationView {
    pub case_id: Uuid,
    pub reference: String,
    pub what: String,
    pub excerpt: String,
    pub at: String,
    pub iso: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "backoffice/notifications.html")]
struct NotificationsTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    items: Vec<NotificationView>,
    unread: i64,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub notice: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::UseBackOffice)?;
    let tenant_id = ctx.tenant.id;
    // News of a case now out of reach (the staff member left its team) is left out by the
    // store (`staff_notifications::list`), with the same rule as `cases::access`.
    let items: Vec<NotificationView> =
        staff_notifications::list(&state.db, tenant_id, me.id, LIMIT)
            .await?
            .into_iter()
            .map(|n| {
                let excerpt = if n.kind == "status" {
                    // The new status's label, in the reader's language.
                    let label: Value = serde_json::from_str(&n.excerpt).unwrap_or(Value::Null);
                    let pick = |k: &str| label.get(k).and_then(Value::as_str).unwrap_or("");
                    match ctx.locale {
                        relais_domain::Locale::En if !pick("en").is_empty() => pick("en"),
                        _ => pick("fr"),
                    }
                    .to_owned()
                } else {
                    n.excerpt.clone()
                };
                NotificationView {
                    what: ctx.t1(
                        &format!("notification-{}", kind_id(&n.kind)),
                        "actor",
                        &n.actor_label,
                    ),
                    at: local_time(&ctx, &n.created_at),
                    iso: iso(&n.created_at),
                    unread: n.read_at.is_none(),
                    case_id: n.case_id,
                    reference: n.reference,
                    excerpt,
                }
            })
            .collect();
    let unread = staff_notifications::unread_count(&state.db, tenant_id, me.id).await?;
    let notice = q
        .notice
        .as_deref()
        .filter(|n| *n == "notifications-all-read")
        .map(|n| ctx.t(n));
    render(&NotificationsTpl {
        ctx: &ctx,
        notice,
        items,
        unread,
    })
}

fn kind_id(kind: &str) -> &'static str {
    match kind {
        "mention" => "mention",
        "message" => "message",
        "status" => "status",
        _ => "merged",
    }
}

pub async fn mark_all_read(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let me = ctx.staff(Permission::UseBackOffice)?;
    staff_notifications::mark_read(&state.db, ctx.tenant.id, me.id, None).await?;
    Ok(Redirect::to("/backoffice/notifications?notice=notifications-all-read").into_response())
}

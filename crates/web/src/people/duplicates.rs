//! Duplicates: the review queue (`/backoffice/people/duplicates`, keyset pages, for
//! `UseBackOffice`), the merge screen that shows both records side by side and lets a
//! supervisor choose which record survives and which identity values it keeps
//! (`MergePersons`), and the "not a duplicate" dismissal (`Write`), after which the pair no
//! longer appears.

use super::{CustomInput, Typed, custom_fields, date, label, unprocessable_if};
use crate::{
    admin::{Fields, parse_id, value},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use relais_domain::{
    Permission,
    people::{
        duplicates::Reason,
        merge::{IDENTITY_FIELDS, IdentityChoice, Side},
    },
};
use relais_store::{
    StoreError,
    people::{self as store, PairCursor, custom_fields as cf_store},
};
use serde::Deserialize;
use uuid::Uuid;

/// Pairs per page of the queue.
pub const QUEUE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    pub after: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "people/duplicates.html")]
struct DuplicatesTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    pairs: Vec<(store::PersonSummary, store::PersonSummary, Reason)>,
    next: Option<String>,
    first_page: bool,
    can_merge: bool,
    can_write: bool,
}

pub async fn duplicates(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let after = q.after.as_deref().and_then(PairCursor::decode);
    let (pairs, next) = store::duplicate_queue(&state.db, ctx.tenant.id, after, QUEUE).await?;
    let notice = q
        .notice
        .as_deref()
        .filter(|n| *n == "duplicate-dismissed")
        .map(|n| ctx.t(n));
    render(&DuplicatesTpl {
        ctx: &ctx,
        notice,
        pairs,
        next: next.map(|c| format!("/backoffice/people/duplicates?after={}", c.encode())),
        first_page: after.is_none(),
        can_merge: ctx.can(Permission::MergePersons),
        can_write: ctx.can(Permission::Write),
    })
}

/// One record of the pair as the merge screen shows it.
pub struct MergeSide {
    pub id: Uuid,
    pub name: String,
    pub record: store::PersonRecord,
    pub custom: Vec<CustomInput>,
}

/// An identity field where the two records differ: its input and both values.
pub struct IdentityRow {
    pub field: &'static str,
    pub label: String,
    pub a: String,
    pub b: String,
    /// Which record's value is chosen (an id as text).
    pub chosen: String,
}

#[derive(Template)]
#[template(path = "people/merge.html")]
struct MergeTpl<'a> {
    ctx: &'a Ctx,
    a: MergeSide,
    b: MergeSide,
    rows: Vec<IdentityRow>,
    survivor: String,
    /// Why the pair cannot be merged now (a message), if so.
    blocked: Option<String>,
    /// A refusal of the form (a message id) and the input it is about.
    error: Option<(String, &'static str)>,
    can_write: bool,
}

impl MergeTpl<'_> {
    /// (label, value of a, value of b) of each identity field.
    fn identity(&self) -> Vec<(String, String, String)> {
        IDENTITY_FIELDS
            .into_iter()
            .map(|f| {
                (
                    field_label(self.ctx, f),
                    identity_of(self.ctx, &self.a.record.person, f),
                    identity_of(self.ctx, &self.b.record.person, f),
                )
            })
            .collect()
    }

    /// (label, count of a, count of b) of the history each record carries.
    fn counts(&self) -> Vec<(String, usize, usize)> {
        let (a, b) = (&self.a.record, &self.b.record);
        vec![
            (
                self.ctx.t("merge-count-consents"),
                a.consents.len(),
                b.consents.len(),
            ),
            (
                self.ctx.t("merge-count-relationships"),
                a.relationships.len(),
                b.relationships.len(),
            ),
            (
                self.ctx.t("merge-count-interactions"),
                a.interactions.len(),
                b.interactions.len(),
            ),
        ]
    }
}

fn field_label(ctx: &Ctx, field: &str) -> String {
    ctx.t(&format!("person-{}", field.replace('_', "-")))
}

async fn side(state: &AppState, ctx: &Ctx, id: Uuid) -> AppResult<MergeSide> {
    let record = store::person_record(&state.db, ctx.tenant.id, id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let defs = cf_store::list_fields(&state.db, ctx.tenant.id, true).await?;
    let values = cf_store::values_of(&state.db, ctx.tenant.id, id).await?;
    let mut custom = custom_fields::inputs(ctx, &defs, &values, None);
    custom.retain(|c| !c.display.is_empty());
    Ok(MergeSide {
        id,
        name: record.person.full_name(),
        record,
        custom,
    })
}

/// An identity value of a record as the merge screen shows it.
pub fn identity_of(ctx: &Ctx, p: &store::Person, field: &str) -> String {
    match field {
        "given_name" => p.given_name.clone(),
        "family_name" => p.family_name.clone(),
        "birth_date" => {
            let d = date(&p.birth_date);
            if d.is_empty() { "—".to_owned() } else { d }
        }
        _ => label(ctx, "locale", &p.locale),
    }
}

/// The merge screen of `a` and `b`, with the choices as typed when shown again.
async fn merge_page(
    state: &AppState,
    ctx: &Ctx,
    a: Uuid,
    b: Uuid,
    form: Typed,
    error: Option<(String, &'static str)>,
    status: StatusCode,
) -> AppResult<Response> {
    store::merge::pair(&state.db, ctx.tenant.id, a, b).await?;
    let (a, b) = (side(state, ctx, a).await?, side(state, ctx, b).await?);
    let pick = |name: &str| {
        let v = form.get(name);
        if v == b.id.to_string() {
            b.id.to_string()
        } else {
            a.id.to_string()
        }
    };
    let survivor = pick("survivor");
    let rows = IDENTITY_FIELDS
        .into_iter()
        .filter_map(|field| {
            let (va, vb) = (
                identity_of(ctx, &a.record.person, field),
                identity_of(ctx, &b.record.person, field),
            );
            (va != vb).then(|| IdentityRow {
                field,
                label: field_label(ctx, field),
                chosen: if form.get(&format!("keep_{field}")).is_empty() {
                    survivor.clone()
                } else {
                    pick(&format!("keep_{field}"))
                },
                a: va,
                b: vb,
            })
        })
        .collect();
    let blocked = if a.id == b.id {
        Some(ctx.t("merge-same-person"))
    } else if a.record.person.archived_at.is_some() || b.record.person.archived_at.is_some() {
        Some(ctx.t("merge-archived"))
    } else {
        None
    };
    let page = render(&MergeTpl {
        ctx,
        rows,
        survivor,
        blocked,
        error,
        can_write: ctx.can(Permission::Write),
        a,
        b,
    })?;
    Ok(if status == StatusCode::OK {
        page
    } else {
        let mut page = unprocessable_if(page, true);
        *page.status_mut() = status;
        page
    })
}

pub async fn merge_screen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((a, b)): Path<(String, String)>,
) -> AppResult<Response> {
    ctx.staff(Permission::MergePersons)?;
    let (a, b) = (parse_id(&a)?, parse_id(&b)?);
    merge_page(&state, &ctx, a, b, Typed::default(), None, StatusCode::OK).await
}

/// Reads the merge form: which of `a` and `b` survives, and the side of each identity value.
fn parse_merge(
    fields: &Fields,
    a: Uuid,
    b: Uuid,
) -> Result<(Uuid, Uuid, IdentityChoice), (String, &'static str)> {
    let bad = |field: &str| (field.to_owned(), "merge-invalid-choice");
    let one_of = |name: &str| -> Result<Option<Uuid>, (String, &'static str)> {
        match value(fields, name).trim() {
            "" => Ok(None),
            v => match Uuid::parse_str(v) {
                Ok(id) if id == a || id == b => Ok(Some(id)),
                _ => Err(bad(name)),
            },
        }
    };
    let survivor = one_of("survivor")?.ok_or_else(|| bad("survivor"))?;
    let merged = if survivor == a { b } else { a };
    let mut sides = Vec::new();
    for field in IDENTITY_FIELDS {
        let name = format!("keep_{field}");
        let side = match one_of(&name)? {
            Some(id) if id == merged => Side::Merged,
            _ => Side::Survivor,
        };
        sides.push((name, side));
    }
    let choice = IdentityChoice::parse(&|name: &str| {
        sides
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.as_str().to_owned())
            .unwrap_or_default()
    })
    .map_err(|e| bad(e.field))?;
    Ok((survivor, merged, choice))
}

pub async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((a, b)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::MergePersons)?;
    let (a, b) = (parse_id(&a)?, parse_id(&b)?);
    // Both must be of this tenant before anything else is said about them.
    store::merge::pair(&state.db, ctx.tenant.id, a, b).await?;
    let (survivor, merged, choice) = match parse_merge(&fields, a, b) {
        Ok(v) => v,
        Err(error) => {
            return merge_page(
                &state,
                &ctx,
                a,
                b,
                Typed(fields),
                Some(error),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match store::merge::merge_persons(&state.db, &ctx.actor(), survivor, merged, choice).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/backoffice/people/{survivor}?notice=person-merged-here"
        ))
        .into_response()),
        Err(StoreError::Rule(code)) => {
            merge_page(
                &state,
                &ctx,
                a,
                b,
                Typed(fields),
                Some(("survivor".to_owned(), code)),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn dismiss(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((a, b)): Path<(String, String)>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let (a, b) = (parse_id(&a)?, parse_id(&b)?);
    match store::dismiss_duplicate(&state.db, &ctx.actor(), a, b).await {
        Ok(()) => Ok(
            Redirect::to("/backoffice/people/duplicates?notice=duplicate-dismissed")
                .into_response(),
        ),
        Err(StoreError::Rule(code)) => {
            Err(AppError::Refused(StatusCode::UNPROCESSABLE_ENTITY, code))
        }
        Err(e) => Err(e.into()),
    }
}

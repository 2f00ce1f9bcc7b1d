//! `/admin/canned`: the tenant's canned responses — the replies agents start from on the case
//! page, in bulk actions and in automation rules. Each has a French title and text and may
//! have English ones (an English-speaking requester gets them); the page lists the variables
//! a text may use. Supervisors and administrators (`Supervise`) manage them.

use crate::{
    admin::{Errors, FieldErrors, Fields, NavLink, nav, parse_id, value, with_status},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::{NoticeQuery, render},
    state::AppState,
};
use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use relais_domain::{Permission, handling};
use relais_store::{
    StoreError,
    canned::{self, CannedResponse, Texts},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/canned", get(list).post(create))
        .route("/admin/canned/{canned}", get(edit).post(save))
        .route("/admin/canned/{canned}/delete", post(delete))
}

/// What the forms show: typed values, kept when the form comes back with an error.
#[derive(Default)]
pub struct Typed {
    pub title: String,
    pub body: String,
    pub title_en: String,
    pub body_en: String,
}

impl Typed {
    fn of(c: &CannedResponse) -> Typed {
        Typed {
            title: c.title.clone(),
            body: c.body.clone(),
            title_en: c.title_en.clone(),
            body_en: c.body_en.clone(),
        }
    }

    fn from_form(fields: &Fields) -> Typed {
        Typed {
            title: value(fields, "title").to_owned(),
            body: value(fields, "body").to_owned(),
            title_en: value(fields, "title_en").to_owned(),
            body_en: value(fields, "body_en").to_owned(),
        }
    }
}

/// The variables a text may use, with what each becomes.
fn variables(ctx: &Ctx) -> Vec<(String, String)> {
    handling::VARIABLES
        .iter()
        .map(|v| (format!("{{{v}}}"), ctx.t(&format!("canned-variable-{v}"))))
        .collect()
}

#[derive(Template)]
#[template(path = "admin/canned.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    items: Vec<CannedResponse>,
    variables: Vec<(String, String)>,
    typed: Typed,
}

#[derive(Template)]
#[template(path = "admin/canned_edit.html")]
struct EditTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    item: CannedResponse,
    title: String,
    variables: Vec<(String, String)>,
    typed: Typed,
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    errors: Errors,
    typed: Typed,
) -> AppResult<Response> {
    let r = render(&ListTpl {
        ctx,
        nav: nav(ctx, "/admin/canned", true),
        notice,
        errors: errors.clone(),
        items: canned::list(&state.db, ctx.tenant.id).await?,
        variables: variables(ctx),
        typed,
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    list_page(&state, &ctx, q.text(&ctx), Errors::new(), Typed::default()).await
}

/// A title and its text.
type TitleAndText = (String, String);

/// The typed texts checked: French required, English optional.
fn checked(typed: &Typed) -> Result<(TitleAndText, TitleAndText), Errors> {
    let fr = handling::canned_response(&typed.title, &typed.body);
    let en = handling::canned_english(&typed.title_en, &typed.body_en);
    match (fr, en) {
        (Ok(fr), Ok(en)) => Ok((fr, en)),
        (fr, en) => Err(fr
            .err()
            .unwrap_or_default()
            .into_iter()
            .chain(en.err().unwrap_or_default())
            .collect()),
    }
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let typed = Typed::from_form(&fields);
    let ((title, body), (title_en, body_en)) = match checked(&typed) {
        Ok(t) => t,
        Err(errors) => return list_page(&state, &ctx, None, errors, typed).await,
    };
    let texts = Texts {
        title: &title,
        body: &body,
        title_en: &title_en,
        body_en: &body_en,
    };
    match canned::create_with(&state.db, &ctx.actor(), &texts).await {
        Ok(_) => Ok(Redirect::to("/admin/canned?notice=canned-created").into_response()),
        Err(StoreError::Conflict) => {
            list_page(
                &state,
                &ctx,
                None,
                vec![("title", "canned-title-taken")],
                typed,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn canned_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<CannedResponse> {
    let id = parse_id(id)?;
    canned::get(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

fn edit_page(
    ctx: &Ctx,
    item: CannedResponse,
    notice: Option<String>,
    errors: Errors,
    typed: Typed,
) -> AppResult<Response> {
    let r = render(&EditTpl {
        ctx,
        nav: nav(ctx, "/admin/canned", false),
        notice,
        errors: errors.clone(),
        title: ctx.t1("canned-edit-title", "title", &item.title),
        item,
        variables: variables(ctx),
        typed,
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let item = canned_of(&state, &ctx, &id).await?;
    let typed = Typed::of(&item);
    edit_page(&ctx, item, q.text(&ctx), Errors::new(), typed)
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let item = canned_of(&state, &ctx, &id).await?;
    let typed = Typed::from_form(&fields);
    let ((title, body), (title_en, body_en)) = match checked(&typed) {
        Ok(t) => t,
        Err(errors) => return edit_page(&ctx, item, None, errors, typed),
    };
    let texts = Texts {
        title: &title,
        body: &body,
        title_en: &title_en,
        body_en: &body_en,
    };
    match canned::update(&state.db, &ctx.actor(), item.id, &texts).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/admin/canned/{}?notice=canned-saved", item.id)).into_response(),
        ),
        Err(StoreError::Conflict) => edit_page(
            &ctx,
            item,
            None,
            vec![("title", "canned-title-taken")],
            typed,
        ),
        Err(e) => Err(e.into()),
    }
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let item = canned_of(&state, &ctx, &id).await?;
    canned::delete(&state.db, &ctx.actor(), item.id).await?;
    Ok(Redirect::to("/admin/canned?notice=canned-deleted").into_response())
}

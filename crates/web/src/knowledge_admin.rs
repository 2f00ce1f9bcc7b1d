//! `/admin/articles`: the tenant's knowledge articles — the portal's information pages (public)
//! and the staff's own notes (internal). Each has a slug, a category, a French title and body
//! and may have English ones, and may be shown on service pages ("Good to know"). Articles
//! start as drafts; publishing puts them on the pages. Supervisors and administrators
//! (`Supervise`, like the canned responses) manage them; every change is audited.

use crate::{
    admin::{Errors, FieldErrors, Fields, NavLink, nav, parse_id, value, values, with_status},
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
use relais_domain::{
    Permission,
    knowledge::{self, ArticleInput},
};
use relais_store::{
    StoreError,
    knowledge::{self as store, Article},
    services,
};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/articles", get(list).post(create))
        .route("/admin/articles/{article}", get(edit).post(save))
        .route("/admin/articles/{article}/publish", post(publish))
        .route("/admin/articles/{article}/unpublish", post(unpublish))
        .route("/admin/articles/{article}/delete", post(delete))
}

/// What the forms show: typed values, kept when the form comes back with an error.
pub struct Typed {
    pub input: ArticleInput,
    pub services: Vec<Uuid>,
}

impl Default for Typed {
    fn default() -> Self {
        Typed {
            input: ArticleInput {
                visibility: "public".into(),
                ..ArticleInput::default()
            },
            services: Vec::new(),
        }
    }
}

impl Typed {
    fn of(a: &Article, services: Vec<Uuid>) -> Typed {
        Typed {
            input: ArticleInput {
                slug: a.slug.clone(),
                category: a.category.clone(),
                visibility: a.visibility.clone(),
                title_fr: a.title_fr.clone(),
                title_en: a.title_en.clone(),
                body_fr: a.body_fr.clone(),
                body_en: a.body_en.clone(),
            },
            services,
        }
    }

    fn from_form(fields: &Fields) -> Typed {
        Typed {
            input: ArticleInput {
                slug: value(fields, "slug").to_owned(),
                category: value(fields, "category").to_owned(),
                visibility: value(fields, "visibility").to_owned(),
                title_fr: value(fields, "title_fr").to_owned(),
                title_en: value(fields, "title_en").to_owned(),
                body_fr: value(fields, "body_fr").to_owned(),
                body_en: value(fields, "body_en").to_owned(),
            },
            services: values(fields, "service")
                .filter_map(|s| Uuid::parse_str(s).ok())
                .collect(),
        }
    }
}

/// A service that can be ticked: id, title, ticked.
pub struct ServiceChoice {
    pub id: Uuid,
    pub title: String,
    pub ticked: bool,
}

async fn choices(state: &AppState, ctx: &Ctx, ticked: &[Uuid]) -> AppResult<Vec<ServiceChoice>> {
    Ok(services::list(&state.db, ctx.tenant.id, false)
        .await?
        .into_iter()
        .filter(|s| s.state != "archived" || ticked.contains(&s.id))
        .map(|s| ServiceChoice {
            ticked: ticked.contains(&s.id),
            title: crate::catalogue::title_of(ctx, &s),
            id: s.id,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "admin/articles.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    items: Vec<Article>,
    typed: Typed,
    services: Vec<ServiceChoice>,
}

#[derive(Template)]
#[template(path = "admin/article_edit.html")]
struct EditTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    item: Article,
    title: String,
    typed: Typed,
    services: Vec<ServiceChoice>,
    /// The saved French body as the portal shows it.
    preview: String,
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
        nav: nav(ctx, "/admin/articles", true),
        notice,
        errors: errors.clone(),
        items: store::list(&state.db, ctx.tenant.id).await?,
        services: choices(state, ctx, &typed.services).await?,
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

/// The tenant's services among the ticked ones (any other id is dropped: it names nothing the
/// tenant has).
async fn own_services(state: &AppState, ctx: &Ctx, ticked: &[Uuid]) -> AppResult<Vec<Uuid>> {
    Ok(services::list(&state.db, ctx.tenant.id, false)
        .await?
        .into_iter()
        .map(|s| s.id)
        .filter(|id| ticked.contains(id))
        .collect())
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let typed = Typed::from_form(&fields);
    let article = match typed.input.validate() {
        Ok(a) => a,
        Err(errors) => return list_page(&state, &ctx, None, errors, typed).await,
    };
    let linked = own_services(&state, &ctx, &typed.services).await?;
    match store::create(&state.db, &ctx.actor(), &article, &linked).await {
        Ok(id) => Ok(
            Redirect::to(&format!("/admin/articles/{id}?notice=article-created")).into_response(),
        ),
        Err(StoreError::Conflict) => {
            list_page(
                &state,
                &ctx,
                None,
                vec![("slug", "article-slug-taken")],
                typed,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn article_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<Article> {
    let id = parse_id(id)?;
    store::get(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn edit_page(
    state: &AppState,
    ctx: &Ctx,
    item: Article,
    notice: Option<String>,
    errors: Errors,
    typed: Typed,
) -> AppResult<Response> {
    let r = render(&EditTpl {
        ctx,
        nav: nav(ctx, "/admin/articles", false),
        notice,
        errors: errors.clone(),
        title: ctx.t1("article-edit-title", "title", &item.title_fr),
        preview: knowledge::to_html(&item.body_fr),
        item,
        services: choices(state, ctx, &typed.services).await?,
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
    let item = article_of(&state, &ctx, &id).await?;
    let linked = store::services_of(&state.db, ctx.tenant.id, item.id).await?;
    let typed = Typed::of(&item, linked);
    edit_page(&state, &ctx, item, q.text(&ctx), Errors::new(), typed).await
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let item = article_of(&state, &ctx, &id).await?;
    let typed = Typed::from_form(&fields);
    let article = match typed.input.validate() {
        Ok(a) => a,
        Err(errors) => return edit_page(&state, &ctx, item, None, errors, typed).await,
    };
    let linked = own_services(&state, &ctx, &typed.services).await?;
    match store::update(&state.db, &ctx.actor(), item.id, &article, &linked).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/admin/articles/{}?notice=article-saved", item.id))
                .into_response(),
        ),
        Err(StoreError::Conflict) => {
            edit_page(
                &state,
                &ctx,
                item,
                None,
                vec![("slug", "article-slug-taken")],
                typed,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn set_published(
    state: AppState,
    ctx: Ctx,
    id: String,
    published: bool,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let item = article_of(&state, &ctx, &id).await?;
    store::set_published(&state.db, &ctx.actor(), item.id, published).await?;
    let notice = if published {
        "article-published"
    } else {
        "article-unpublished"
    };
    Ok(Redirect::to(&format!("/admin/articles/{}?notice={notice}", item.id)).into_response())
}

async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_published(state, ctx, id, true).await
}

async fn unpublish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_published(state, ctx, id, false).await
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Supervise)?;
    let item = article_of(&state, &ctx, &id).await?;
    store::delete(&state.db, &ctx.actor(), item.id).await?;
    Ok(Redirect::to("/admin/articles?notice=article-deleted").into_response())
}

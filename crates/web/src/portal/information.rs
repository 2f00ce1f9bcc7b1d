//! The information pages: the tenant's published knowledge articles by category, and one page
//! per article, in the reader's language (French when there is no English). The public sees
//! public articles only; the tenant's staff also see the internal ones, marked as such. A
//! draft, an internal article for a visitor, or another tenant's slug is a 404.

use super::{date_text, service_title};
use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    extract::{Path, State},
    response::Response,
};
use relais_domain::{Permission, knowledge, people::fold};
use relais_store::{knowledge as store, services};

/// Whether the reader may see internal articles: the tenant's staff.
pub(crate) fn staff_reader(ctx: &Ctx) -> bool {
    ctx.staff(Permission::UseBackOffice).is_ok()
}

/// One entry of a list of articles.
pub struct ArticleCard {
    pub slug: String,
    pub title: String,
    pub internal: bool,
}

impl ArticleCard {
    pub(crate) fn of(ctx: &Ctx, a: &store::Article) -> ArticleCard {
        ArticleCard {
            slug: a.slug.clone(),
            title: a.title_in(ctx.locale).to_owned(),
            internal: !a.is_public(),
        }
    }
}

pub struct ArticleCategory {
    pub name: String,
    pub articles: Vec<ArticleCard>,
}

#[derive(Template)]
#[template(path = "portal/information.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    categories: Vec<ArticleCategory>,
    staff: bool,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let staff = staff_reader(&ctx);
    let mut categories: Vec<ArticleCategory> = Vec::new();
    for a in store::published(&state.db, ctx.tenant.id, staff).await? {
        let name = super::catalogue::category_name(&ctx, &a.category);
        let card = ArticleCard::of(&ctx, &a);
        match categories.iter_mut().find(|c| c.name == name) {
            Some(c) => c.articles.push(card),
            None => categories.push(ArticleCategory {
                name,
                articles: vec![card],
            }),
        }
    }
    categories.sort_by_key(|c| fold(&c.name));
    for c in &mut categories {
        c.articles.sort_by_key(|a| fold(&a.title));
    }
    render(&ListTpl {
        categories,
        staff,
        ctx: &ctx,
    })
}

#[derive(Template)]
#[template(path = "portal/article.html")]
struct ArticleTpl<'a> {
    ctx: &'a Ctx,
    title: String,
    category: String,
    internal: bool,
    /// The body as HTML, every character of the text escaped by `knowledge::to_html`.
    body: String,
    /// The language of the body when it is not the page's (French shown to an English reader).
    body_lang: Option<&'static str>,
    updated: String,
    /// Published services the article is about: (slug, title).
    services: Vec<(String, String)>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let staff = staff_reader(&ctx);
    let article = store::by_slug(&state.db, ctx.tenant.id, &slug)
        .await?
        .filter(|a| a.is_published() && (a.is_public() || staff))
        .ok_or(AppError::NotFound)?;
    let (body, lang) = article.body_in(ctx.locale);
    let linked = store::services_of(&state.db, ctx.tenant.id, article.id).await?;
    let services = services::list(&state.db, ctx.tenant.id, true)
        .await?
        .into_iter()
        .filter(|s| s.published_version.is_some() && linked.contains(&s.id))
        .map(|s| (s.slug.clone(), service_title(&ctx, &s)))
        .collect();
    let updated = relais_domain::case::to_local(article.updated_at, &ctx.tenant.time_zone).date();
    render(&ArticleTpl {
        title: article.title_in(ctx.locale).to_owned(),
        category: super::catalogue::category_name(&ctx, &article.category),
        internal: !article.is_public(),
        body: knowledge::to_html(body),
        body_lang: (lang != ctx.locale).then(|| lang.as_str()),
        updated: date_text(&ctx, updated),
        services,
        ctx: &ctx,
    })
}

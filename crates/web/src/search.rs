//! The back office's search page (`/backoffice/search`): one box that finds persons and
//! organisations together by name, e-mail, phone in any writing, address, SIRET, with the
//! matching parts marked. The people list uses the same results for persons only.
//!
//! Staff with `UseBackOffice` may search (viewers too: they may read people). Only the
//! request's tenant is searched.

use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use relais_domain::{
    Permission,
    search::{self as domain, EntityKind, FieldClass, FieldKind, Highlighted, MatchKind, Segment},
};
use relais_store::search::{self as store, Scope};
use serde::Deserialize;

/// Results per page of search.
pub const LIMIT: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new().route("/backoffice/search", get(search_page))
}

/// One result as the pages show it.
pub struct ResultView {
    pub kind: EntityKind,
    pub href: String,
    pub title: Vec<Segment>,
    /// Fields other than the name that matched.
    pub matches: Vec<Highlighted>,
    /// When only the name matched: one more field (address, e-mail or phone) that tells
    /// homonyms apart.
    pub context: Option<Highlighted>,
    pub how: MatchKind,
    pub where_: FieldClass,
}

impl ResultView {
    pub fn from_hit(hit: &store::Hit) -> Self {
        let href = match hit.kind {
            EntityKind::Person => format!("/backoffice/people/{}", hit.id),
            EntityKind::Organisation => format!("/backoffice/organisations/{}", hit.id),
        };
        let context = hit
            .scored
            .matches
            .is_empty()
            .then(|| {
                [FieldKind::Address, FieldKind::Email, FieldKind::Phone]
                    .into_iter()
                    .find_map(|kind| {
                        hit.document
                            .fields
                            .iter()
                            .find(|f| f.0 == kind)
                            .map(|f| Highlighted {
                                kind,
                                segments: vec![Segment {
                                    text: f.1.clone(),
                                    marked: false,
                                }],
                            })
                    })
            })
            .flatten();
        Self {
            kind: hit.kind,
            href,
            title: hit.scored.title.clone(),
            matches: hit.scored.matches.clone(),
            context,
            how: hit.scored.kind,
            where_: hit.scored.class,
        }
    }

    /// Message id of the kind of entity.
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            EntityKind::Person => "search-kind-person",
            EntityKind::Organisation => "search-kind-organisation",
        }
    }

    /// Message id saying how the result matched.
    pub fn how_label(&self) -> &'static str {
        match self.how {
            MatchKind::Exact => "search-how-exact",
            MatchKind::Prefix => "search-how-prefix",
            MatchKind::Stem => "search-how-stem",
            MatchKind::Fuzzy => "search-how-fuzzy",
        }
    }

    /// Message id of where the least good word matched.
    pub fn where_label(&self) -> &'static str {
        match self.where_ {
            FieldClass::Name => "search-where-name",
            FieldClass::Identifier => "search-where-identifier",
            FieldClass::Address => "search-where-address",
        }
    }
}

/// Message id of a field's label.
pub fn field_label(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::GivenName => "person-given-name",
        FieldKind::FamilyName => "person-family-name",
        FieldKind::OrganisationName => "organisation-name",
        FieldKind::Email => "person-email",
        FieldKind::Phone => "person-phone",
        FieldKind::Siret => "organisation-siret",
        FieldKind::Address => "person-address",
    }
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    pub q: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTpl<'a> {
    ctx: &'a Ctx,
    q: String,
    kind: String,
    /// (field, message id) of the invalid input.
    error: Option<(&'static str, &'static str)>,
    searched: bool,
    results: Vec<ResultView>,
    truncated: bool,
}

impl SearchTpl<'_> {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.error.filter(|(f, _)| *f == field).map(|(_, c)| c)
    }
}

/// Reads the scope from the `type` parameter: empty or absent is everything.
pub fn parse_scope(kind: Option<&str>) -> Result<Scope, relais_domain::Invalid> {
    match kind.map(str::trim).unwrap_or("") {
        "" | "all" => Ok(Scope::All),
        "person" => Ok(Scope::Persons),
        "organisation" => Ok(Scope::Organisations),
        _ => Err(relais_domain::Invalid::new("type", "search-invalid-type")),
    }
}

async fn search_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<SearchQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let kind = query.kind.clone().unwrap_or_default();
    let mut tpl = SearchTpl {
        ctx: &ctx,
        q: query.q.clone().unwrap_or_default(),
        kind: kind.clone(),
        error: None,
        searched: false,
        results: Vec::new(),
        truncated: false,
    };
    // No `q` at all: the empty form.
    let Some(q) = query.q.as_deref() else {
        return render(&tpl);
    };
    let parsed = parse_scope(Some(&kind)).and_then(|scope| Ok((scope, domain::Query::parse(q)?)));
    match parsed {
        Err(e) => {
            tpl.error = Some((e.field, e.code));
            let page = render(&tpl)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Ok((scope, parsed)) => {
            let found = store::search(&state.db, ctx.tenant.id, &parsed, scope, LIMIT)
                .await
                .map_err(AppError::from)?;
            tpl.searched = true;
            tpl.truncated = found.truncated;
            tpl.results = found.hits.iter().map(ResultView::from_hit).collect();
            render(&tpl)
        }
    }
}

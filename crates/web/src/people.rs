//! Back office pages for people and organisations: the list with its search box, the
//! creation and identity forms, and the 360° page of a person (identity, contact points,
//! tags, consents with their history, relationships, interactions by channel) with the forms
//! that add to it.
//!
//! Staff with `UseBackOffice` read, `Write` changes; each staff view of a person is written
//! to the audit log (`person.view`). A record merged into another redirects to it. Ids are looked up in the request's tenant only (another
//! tenant's id is a 404). A form with an invalid field is shown again with status 422 and
//! changes nothing.

use crate::search::ResultView;
use crate::{
    admin::{Errors, FieldErrors, Fields, parse_id, value, with_status},
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
use chrono::{DateTime, NaiveDate, Utc};
use custom_fields::{CustomInput, DynErrors, dyn_errors, push_invalid};
use relais_domain::{
    Invalid, Locale, Permission,
    people::{
        self, Channel, ConsentChange, ConsentSource, ConsentState, Direction, NewInteraction,
        Party, PersonIdentity, Phone, PostalAddress, RelationshipKind, timeline::TimelineKind,
    },
};
use relais_store::{
    StoreError,
    people::{self as store, Owner, custom_fields as cf_store},
    search::Scope,
};
use serde::Deserialize;
use uuid::Uuid;

pub mod custom_fields;
pub mod duplicates;
pub mod import;
pub mod segments;

/// Persons per page of the list.
pub const PAGE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/backoffice/people", get(list).post(create))
        .route("/backoffice/people/new", get(new_form))
        .route("/backoffice/people/duplicates", get(duplicates::duplicates))
        .route(
            "/backoffice/people/{person}/merge/{other}",
            get(duplicates::merge_screen).post(duplicates::merge),
        )
        .route(
            "/backoffice/people/{person}/not-duplicate/{other}",
            post(duplicates::dismiss),
        )
        .route("/backoffice/people/{person}", get(show).post(save_identity))
        .route("/backoffice/people/{person}/vcard", get(vcard))
        .route("/backoffice/people/{person}/edit", get(edit_form))
        .route("/backoffice/people/{person}/archive", post(archive))
        .route("/backoffice/people/{person}/emails", post(add_email))
        .route("/backoffice/people/{person}/phones", post(add_phone))
        .route("/backoffice/people/{person}/addresses", post(add_address))
        .route(
            "/backoffice/people/{person}/contact-points/{point}/delete",
            post(remove_contact_point),
        )
        .route("/backoffice/people/{person}/tags", post(set_tags))
        .route(
            "/backoffice/people/{person}/custom-fields",
            post(save_custom_fields),
        )
        .route("/backoffice/people/{person}/consents", post(set_consent))
        .route(
            "/backoffice/people/{person}/interactions",
            post(log_interaction),
        )
        .route(
            "/backoffice/people/{person}/relationships",
            post(add_relationship),
        )
        .route(
            "/backoffice/people/{person}/relationships/{relationship}/delete",
            post(remove_relationship),
        )
        .route("/backoffice/organisations", get(org_list).post(org_create))
        .route("/backoffice/organisations/new", get(org_new_form))
        .route(
            "/backoffice/organisations/{organisation}",
            get(org_show).post(org_save),
        )
        .route(
            "/backoffice/organisations/{organisation}/archive",
            post(org_archive),
        )
        .merge(import::routes())
        .route(
            "/backoffice/organisations/{organisation}/emails",
            post(org_add_email),
        )
        .route(
            "/backoffice/organisations/{organisation}/phones",
            post(org_add_phone),
        )
        .route(
            "/backoffice/organisations/{organisation}/addresses",
            post(org_add_address),
        )
        .route(
            "/backoffice/organisations/{organisation}/contact-points/{point}/delete",
            post(org_remove_contact_point),
        )
        .merge(custom_fields::routes())
        .merge(segments::routes())
}

/// Values as typed, for forms shown again.
#[derive(Default, Clone)]
pub struct Typed(pub Fields);

impl Typed {
    pub fn get(&self, name: &str) -> &str {
        value(&self.0, name)
    }
    pub fn is(&self, name: &str, v: &str) -> bool {
        self.get(name) == v
    }
}

fn push_all(errors: &mut Errors, invalid: Vec<Invalid>) {
    errors.extend(invalid.into_iter().map(|e| (e.field, e.code)));
}

/// The contact points of a person or an organisation, for `people/contact_points.html`.
pub struct ContactPoints {
    /// The owner's page; the forms post below it (`…/emails`, `…/contact-points/…`).
    pub base: String,
    pub emails: Vec<store::EmailPoint>,
    pub phones: Vec<store::PhonePoint>,
    pub addresses: Vec<store::AddressPoint>,
}

/// Names of the contact point forms' inputs, to open the form again on an error.
const CONTACT_INPUTS: [&str; 6] = [
    "email",
    "phone",
    "address_lines",
    "postcode",
    "city",
    "country",
];

pub fn date(d: &Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

pub fn when(d: &DateTime<Utc>) -> String {
    d.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn notice(q: &NoticeQuery, ctx: &Ctx) -> Option<String> {
    const OURS: &[&str] = &[
        "person-created",
        "person-saved",
        "person-archived",
        "person-contact-added",
        "person-contact-removed",
        "person-tags-saved",
        "person-consent-recorded",
        "person-interaction-logged",
        "person-relationship-added",
        "person-relationship-removed",
        "person-custom-fields-saved",
        "person-merged-here",
        "organisation-contact-added",
        "organisation-contact-removed",
        "organisation-created",
        "organisation-saved",
        "organisation-archived",
    ];
    q.text(ctx).or_else(|| {
        q.notice
            .as_deref()
            .filter(|n| OURS.contains(n))
            .map(|n| ctx.t(n))
    })
}

async fn person_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<store::Person> {
    let id = parse_id(id)?;
    store::get_person(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

// ---------------------------------------------------------------------------------------
// List and search

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub after: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    q: String,
    searched: bool,
    /// The message id of what is wrong with `q`.
    error: Option<&'static str>,
    /// Each person, with what matched when searching.
    rows: Vec<(store::PersonSummary, Option<ResultView>)>,
    truncated: bool,
    next: Option<String>,
}

impl ListTpl<'_> {
    /// The same search among persons and organisations.
    fn everywhere(&self) -> String {
        if self.q.is_empty() {
            return "/backoffice/search".into();
        }
        let query = serde_urlencoded::to_string([("q", self.q.as_str())]).unwrap_or_default();
        format!("/backoffice/search?{query}")
    }
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let q = query.q.clone().unwrap_or_default().trim().to_owned();
    let n = NoticeQuery {
        notice: query.notice.clone(),
    };
    let mut tpl = ListTpl {
        notice: notice(&n, &ctx),
        ctx: &ctx,
        searched: !q.is_empty(),
        q: q.clone(),
        error: None,
        rows: Vec::new(),
        truncated: false,
        next: None,
    };
    if q.is_empty() {
        let after = query.after.as_deref().and_then(|a| Uuid::parse_str(a).ok());
        let rows = store::list_persons(&state.db, ctx.tenant.id, after, PAGE, false).await?;
        tpl.next = (rows.len() as i64 == PAGE)
            .then(|| {
                rows.last()
                    .map(|r| format!("/backoffice/people?after={}", r.id))
            })
            .flatten();
        tpl.rows = rows.into_iter().map(|r| (r, None)).collect();
        return render(&tpl);
    }
    let parsed = match relais_domain::search::Query::parse(&q) {
        Ok(parsed) => parsed,
        Err(e) => {
            tpl.error = Some(e.code);
            let page = render(&tpl)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let found =
        relais_store::search::search(&state.db, ctx.tenant.id, &parsed, Scope::Persons, PAGE)
            .await?;
    let ids: Vec<Uuid> = found.hits.iter().map(|h| h.id).collect();
    let summaries = store::persons_by_ids(&state.db, ctx.tenant.id, &ids).await?;
    tpl.truncated = found.truncated;
    tpl.rows = summaries
        .into_iter()
        .map(|p| {
            let view = found
                .hits
                .iter()
                .find(|h| h.id == p.id)
                .map(ResultView::from_hit);
            (p, view)
        })
        .collect();
    render(&tpl)
}

// ---------------------------------------------------------------------------------------
// Identity: create and edit

#[derive(Template)]
#[template(path = "people/identity.html")]
struct IdentityTpl<'a> {
    ctx: &'a Ctx,
    title: String,
    action: String,
    errors: DynErrors,
    form: Typed,
    back: String,
    custom: Vec<CustomInput>,
}

/// The creation or identity form, with the custom fields' inputs; `typed` when shown again
/// after a refusal, else filled from the person's stored values.
async fn identity_page(
    state: &AppState,
    ctx: &Ctx,
    person: Option<&store::Person>,
    form: Typed,
    typed: bool,
    errors: DynErrors,
) -> AppResult<Response> {
    let defs = cf_store::list_fields(&state.db, ctx.tenant.id, false).await?;
    let values = match person {
        Some(p) => cf_store::values_of(&state.db, ctx.tenant.id, p.id).await?,
        None => Vec::new(),
    };
    let custom = custom_fields::inputs(ctx, &defs, &values, typed.then_some(&form));
    let (title, action, back) = match person {
        Some(p) => (
            ctx.t1("person-edit-title", "name", p.full_name()),
            format!("/backoffice/people/{}", p.id),
            format!("/backoffice/people/{}", p.id),
        ),
        None => (
            ctx.t("person-new-title"),
            "/backoffice/people".to_owned(),
            "/backoffice/people".to_owned(),
        ),
    };
    let failed = !errors.is_empty();
    let r = render(&IdentityTpl {
        ctx,
        title,
        action,
        errors,
        form,
        back,
        custom,
    })?;
    Ok(unprocessable_if(r, failed))
}

/// The identity and the custom fields of a form, every error of both reported.
async fn parse_identity(
    state: &AppState,
    ctx: &Ctx,
    fields: &Fields,
) -> AppResult<
    Result<
        (
            PersonIdentity,
            Vec<(Uuid, Option<people::custom_fields::FieldValue>)>,
        ),
        DynErrors,
    >,
> {
    let defs = cf_store::list_fields(&state.db, ctx.tenant.id, false).await?;
    let identity = PersonIdentity::parse(
        value(fields, "given_name"),
        value(fields, "family_name"),
        Some(value(fields, "birth_date")),
        value(fields, "locale"),
        Utc::now().date_naive(),
    );
    let custom = custom_fields::parse_form(fields, &defs);
    Ok(match (identity, custom) {
        (Ok(i), Ok(c)) => Ok((i, c)),
        (i, c) => {
            let mut errors = DynErrors::new();
            if let Err(e) = i {
                push_invalid(&mut errors, e);
            }
            if let Err(e) = c {
                errors.extend(e);
            }
            Err(errors)
        }
    })
}

/// `?then=case`: the person is created for a case filed on their behalf, and the agent goes
/// back to the filing with them chosen.
#[derive(Deserialize, Default)]
struct NewPersonQuery {
    #[serde(default)]
    then: String,
}

/// Where a new person's form leads once saved, when not to their record.
const THEN_CASE: &str = "case";

async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<NewPersonQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let mut form = Typed(vec![("locale".into(), ctx.locale.as_str().into())]);
    if query.then == THEN_CASE {
        form.0.push(("then".into(), THEN_CASE.into()));
    }
    identity_page(&state, &ctx, None, form, false, DynErrors::new()).await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let (identity, custom) = match parse_identity(&state, &ctx, &fields).await? {
        Ok(v) => v,
        Err(errors) => {
            return identity_page(&state, &ctx, None, Typed(fields), true, errors).await;
        }
    };
    let person = store::create_person(&state.db, &ctx.actor(), &identity).await?;
    if custom.iter().any(|(_, v)| v.is_some()) {
        cf_store::set_values(&state.db, &ctx.actor(), person.id, &custom).await?;
    }
    if value(&fields, "then") == THEN_CASE {
        return Ok(Redirect::to(&format!(
            "/backoffice/cases/new?person={}&notice=person-created",
            person.id
        ))
        .into_response());
    }
    Ok(Redirect::to(&format!(
        "/backoffice/people/{}?notice=person-created",
        person.id
    ))
    .into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let form = Typed(vec![
        ("given_name".into(), p.given_name.clone()),
        ("family_name".into(), p.family_name.clone()),
        (
            "birth_date".into(),
            p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("locale".into(), p.locale.clone()),
    ]);
    identity_page(&state, &ctx, Some(&p), form, false, DynErrors::new()).await
}

async fn save_identity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let (identity, custom) = match parse_identity(&state, &ctx, &fields).await? {
        Ok(v) => v,
        Err(errors) => {
            return identity_page(&state, &ctx, Some(&p), Typed(fields), true, errors).await;
        }
    };
    store::update_person(&state.db, &ctx.actor(), p.id, &identity).await?;
    cf_store::set_values(&state.db, &ctx.actor(), p.id, &custom).await?;
    Ok(Redirect::to(&format!("/backoffice/people/{}?notice=person-saved", p.id)).into_response())
}

async fn archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    store::archive_person(&state.db, &ctx.actor(), p.id).await?;
    Ok(Redirect::to(&format!(
        "/backoffice/people/{}?notice=person-archived",
        p.id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// The 360° page

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    pub channel: Option<String>,
    pub kind: Option<String>,
    pub notice: Option<String>,
}

/// A choice of a select: value, label, selected.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What the timeline shows: entries of one kind and one channel, when given.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimelineFilter {
    pub kind: Option<TimelineKind>,
    pub channel: Option<Channel>,
}

impl TimelineFilter {
    fn of(q: &ShowQuery) -> Self {
        let given = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
        Self {
            kind: given(&q.kind).and_then(|k| TimelineKind::parse(&k)),
            channel: given(&q.channel).and_then(|c| c.parse::<Channel>().ok()),
        }
    }
}

/// One entry of the timeline as the page shows it.
pub struct TimelineItem {
    pub kind: String,
    pub at: DateTime<Utc>,
    /// Channel, direction, duration, agent, case…: the line under the title.
    pub facts: Vec<String>,
    pub text: Option<String>,
    /// A link to the other side (a relationship, a merged record).
    pub link: Option<(String, String)>,
}

fn timeline_items(
    ctx: &Ctx,
    definitions: &crate::backoffice::Definitions,
    entries: Vec<store::timeline::Entry>,
) -> Vec<TimelineItem> {
    use store::timeline::Entry;
    entries
        .into_iter()
        .map(|e| {
            let at = e.at();
            let kind = ctx.t(&format!("timeline-kind-{}", e.kind().as_str()));
            match e {
                Entry::Interaction(i) => {
                    let mut facts = vec![
                        label(ctx, "channel", &i.channel),
                        label(ctx, "direction", &i.direction),
                    ];
                    if let Some(m) = i.duration_minutes {
                        facts.push(ctx.tn("duration-minutes", i64::from(m)));
                    }
                    if let Some(a) = i.agent_name {
                        facts.push(a);
                    }
                    if let Some(c) = i.case_ref {
                        facts.push(ctx.t1("interaction-case", "case", c));
                    }
                    TimelineItem {
                        kind,
                        at,
                        facts,
                        text: Some(i.summary),
                        link: None,
                    }
                }
                Entry::Consent(c) => TimelineItem {
                    kind,
                    at,
                    facts: vec![
                        c.purpose.clone(),
                        label(ctx, "consent-state", &c.state),
                        label(ctx, "consent-source", &c.source),
                    ],
                    text: None,
                    link: None,
                },
                Entry::Relationship(r) => {
                    let prefix = if r.outgoing {
                        "relationship-out"
                    } else {
                        "relationship-in"
                    };
                    let section = if r.other_type == "person" {
                        "people"
                    } else {
                        "organisations"
                    };
                    TimelineItem {
                        kind,
                        at,
                        facts: vec![label(ctx, prefix, &r.kind)],
                        text: None,
                        link: Some((
                            format!("/backoffice/{section}/{}", r.other_id),
                            r.other_name,
                        )),
                    }
                }
                Entry::Case(c) => {
                    let title =
                        relais_domain::service::in_locale(ctx.locale, &c.title_fr, &c.title_en)
                            .to_owned();
                    TimelineItem {
                        kind,
                        at,
                        facts: vec![
                            label(ctx, "catalogue-channel", &c.channel),
                            definitions.status_label(
                                ctx,
                                c.service_id,
                                c.service_version,
                                &c.status,
                            ),
                        ],
                        text: Some(title),
                        link: Some((format!("/backoffice/cases/{}", c.id), c.reference)),
                    }
                }
                Entry::Message(m) => TimelineItem {
                    kind,
                    at,
                    facts: vec![
                        ctx.t(&format!("timeline-{}", m.kind.replace('_', "-"))),
                        m.actor_label,
                    ],
                    text: m.body,
                    link: Some((format!("/backoffice/cases/{}", m.case_id), m.reference)),
                },
                Entry::Document(d) => TimelineItem {
                    kind,
                    at,
                    facts: vec![
                        d.file_name,
                        ctx.t(&format!("timeline-document-{}", d.status)),
                    ],
                    text: d.reject_reason,
                    link: None,
                },
                Entry::Merge(m) => TimelineItem {
                    kind,
                    at,
                    facts: vec![ctx.t("timeline-merged-record")],
                    text: None,
                    link: Some((
                        format!("/backoffice/people/{}", m.merged_id),
                        format!("{} {}", m.given_name, m.family_name),
                    )),
                },
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "people/show.html")]
struct ShowTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    errors: DynErrors,
    form: Typed,
    r: store::PersonRecord,
    cp: ContactPoints,
    can_write: bool,
    channels: Vec<Choice>,
    kinds: Vec<Choice>,
    filtered: bool,
    timeline: Vec<TimelineItem>,
    relationship_targets: Vec<Choice>,
    custom: Vec<CustomInput>,
    archived_custom: Vec<(String, String)>,
}

impl ShowTpl<'_> {
    fn consent_history(&self, purpose: &str) -> Vec<&store::ConsentRecord> {
        self.r
            .consents
            .iter()
            .filter(|c| c.purpose == purpose)
            .collect()
    }
    fn tags_text(&self) -> String {
        self.r.tags.join(", ")
    }
    fn contact_errors(&self) -> bool {
        CONTACT_INPUTS
            .iter()
            .any(|f| self.errors.iter().any(|(e, _)| e == f))
    }
    fn custom_errors(&self) -> bool {
        self.errors
            .iter()
            .any(|(e, _)| e.starts_with("cf-") || e == "custom_fields")
    }
}

/// A page shown again with errors answers 422.
pub(crate) fn unprocessable_if(mut r: Response, failed: bool) -> Response {
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    person_id: Uuid,
    filter: TimelineFilter,
    notice: Option<String>,
    form: Typed,
    errors: DynErrors,
) -> AppResult<Response> {
    let r = store::person_record(&state.db, ctx.tenant.id, person_id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let merged = store::merge::merged_records(&state.db, ctx.tenant.id, person_id).await?;
    let mut activity = store::timeline::activity(&state.db, ctx.tenant.id, person_id).await?;
    // The person's cases of services the staff member cannot open are left out of the
    // timeline, with their messages, rather than shown without a link: a case out of reach
    // is "not found" everywhere else (`cases::access`), and its service, reference and
    // messages are what the rule keeps from them. The record's own entries stay.
    let access = crate::backoffice::case_page::access_of(state, ctx).await?;
    activity.cases.retain(|c| access.sees(c.service_id));
    activity.messages.retain(|m| access.sees(m.service_id));
    let mut definitions = crate::backoffice::Definitions::default();
    for c in &activity.cases {
        definitions
            .load(state, ctx.tenant.id, c.service_id, c.service_version)
            .await;
    }
    let timeline = timeline_items(
        ctx,
        &definitions,
        store::timeline::timeline(&r, &merged, activity, filter.kind, filter.channel),
    );
    let can_write = ctx.can(Permission::Write);
    let mut relationship_targets = Vec::new();
    if can_write {
        let chosen = form.get("target").to_owned();
        for o in store::list_organisations(&state.db, ctx.tenant.id, None, None, 100).await? {
            let value = format!("organisation:{}", o.id);
            relationship_targets.push(Choice {
                selected: value == chosen,
                value,
                label: o.name,
            });
        }
        for p in store::list_persons(&state.db, ctx.tenant.id, None, 100, false).await? {
            if p.id == person_id {
                continue;
            }
            let value = format!("person:{}", p.id);
            relationship_targets.push(Choice {
                selected: value == chosen,
                value,
                label: format!("{} {}", p.given_name, p.family_name),
            });
        }
    }
    let channels = Channel::ALL
        .into_iter()
        .map(|c| Choice {
            value: c.as_str().to_owned(),
            label: ctx.t(&format!("channel-{}", c.as_str())),
            selected: filter.channel == Some(c),
        })
        .collect();
    let kinds = TimelineKind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: ctx.t(&format!("timeline-kind-{}", k.as_str())),
            selected: filter.kind == Some(k),
        })
        .collect();
    let defs = cf_store::list_fields(&state.db, ctx.tenant.id, true).await?;
    let values = cf_store::values_of(&state.db, ctx.tenant.id, person_id).await?;
    let typed = !errors.is_empty();
    let custom = custom_fields::inputs(ctx, &defs, &values, typed.then_some(&form));
    let archived_custom = custom_fields::archived_values(ctx, &defs, &values);
    let cp = ContactPoints {
        base: format!("/backoffice/people/{person_id}"),
        emails: r.emails.clone(),
        phones: r.phones.clone(),
        addresses: r.addresses.clone(),
    };
    let failed = !errors.is_empty();
    let page = render(&ShowTpl {
        ctx,
        notice,
        errors,
        form,
        r,
        cp,
        can_write,
        channels,
        kinds,
        filtered: filter.kind.is_some() || filter.channel.is_some(),
        timeline,
        relationship_targets,
        custom,
        archived_custom,
    })?;
    Ok(unprocessable_if(page, failed))
}

/// The person's card for an address book (`?version=3.0`, 4.0 by default); audited.
async fn vcard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<segments::VcardQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let version = segments::vcard_version(&q)?;
    let p = person_of(&state, &ctx, &id).await?;
    let r = store::person_record(&state.db, ctx.tenant.id, p.id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let contact = relais_domain::vcard::Contact {
        uid: p.id.to_string(),
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        birth_date: p.birth_date,
        emails: r.emails.iter().map(|e| e.email.clone()).collect(),
        phones: r.phones.iter().map(|e| e.e164.clone()).collect(),
        addresses: r
            .addresses
            .iter()
            .map(store::AddressPoint::address)
            .collect(),
        organisations: r
            .relationships
            .iter()
            .filter(|rel| rel.outgoing && rel.other_type == "organisation")
            .map(|rel| rel.other_name.clone())
            .collect(),
        tags: r.tags.clone(),
        revision: Some(p.updated_at),
    };
    store::record_export(&state.db, &ctx.actor(), p.id, "vcard").await?;
    let name = relais_domain::people::fold(&p.full_name()).replace(' ', "-");
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/vcard; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.vcf\""),
            ),
        ],
        relais_domain::vcard::write(&contact, version),
    )
        .into_response())
}

async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let p = person_of(&state, &ctx, &id).await?;
    if p.archived_at.is_some()
        && let Some(survivor) = store::merge::merged_into(&state.db, ctx.tenant.id, p.id).await?
    {
        return Ok(Redirect::to(&format!(
            "/backoffice/people/{survivor}?notice=person-merged-here"
        ))
        .into_response());
    }
    store::record_view(&state.db, &ctx.actor(), p.id).await?;
    let n = NoticeQuery {
        notice: q.notice.clone(),
    };
    show_page(
        &state,
        &ctx,
        p.id,
        TimelineFilter::of(&q),
        notice(&n, &ctx),
        Typed::default(),
        DynErrors::new(),
    )
    .await
}

/// After a write on the 360° page: back to it with a notice, or the page again with the
/// errors (422) and the values as typed.
async fn after_write(
    state: &AppState,
    ctx: &Ctx,
    person_id: Uuid,
    fields: Fields,
    result: Result<&'static str, Errors>,
) -> AppResult<Response> {
    match result {
        Ok(notice) => Ok(
            Redirect::to(&format!("/backoffice/people/{person_id}?notice={notice}"))
                .into_response(),
        ),
        Err(errors) => {
            show_page(
                state,
                ctx,
                person_id,
                TimelineFilter::default(),
                None,
                Typed(fields),
                dyn_errors(errors),
            )
            .await
        }
    }
}

/// The kinds of contact points a form adds.
#[derive(Clone, Copy)]
enum PointKind {
    Email,
    Phone,
    Address,
}

/// Checks and adds a contact point of a person or an organisation; the errors name the
/// form's inputs.
async fn add_point(
    state: &AppState,
    ctx: &Ctx,
    owner: Owner,
    kind: PointKind,
    fields: &Fields,
) -> AppResult<Result<(), Errors>> {
    use store::contact_points as cp;
    let (db, actor) = (&state.db, ctx.actor());
    let added = match kind {
        PointKind::Email => match people::person_email(value(fields, "email")) {
            Err(e) => return Ok(Err(vec![(e.field, e.code)])),
            Ok(email) => cp::add_email(db, &actor, owner, &email).await,
        },
        PointKind::Phone => match Phone::parse(value(fields, "phone")) {
            Err(e) => return Ok(Err(vec![(e.field, e.code)])),
            Ok(phone) => cp::add_phone(db, &actor, owner, &phone).await,
        },
        PointKind::Address => match PostalAddress::parse(
            value(fields, "address_lines"),
            value(fields, "postcode"),
            value(fields, "city"),
            value(fields, "country"),
        ) {
            Err(e) => {
                let mut errors = Errors::new();
                push_all(&mut errors, e);
                return Ok(Err(errors));
            }
            Ok(a) => cp::add_address(db, &actor, owner, &a).await,
        },
    };
    match (added, kind) {
        (Ok(_), _) => Ok(Ok(())),
        (Err(StoreError::Conflict), PointKind::Email) => {
            Ok(Err(vec![("email", "person-email-exists")]))
        }
        (Err(StoreError::Conflict), PointKind::Phone) => {
            Ok(Err(vec![("phone", "person-phone-exists")]))
        }
        (Err(e), _) => Err(e.into()),
    }
}

async fn person_point(
    state: AppState,
    ctx: Ctx,
    id: String,
    kind: PointKind,
    fields: Fields,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let result = add_point(&state, &ctx, Owner::Person(p.id), kind, &fields)
        .await?
        .map(|()| "person-contact-added");
    after_write(&state, &ctx, p.id, fields, result).await
}

async fn add_email(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    person_point(state, ctx, id, PointKind::Email, fields).await
}

async fn add_phone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    person_point(state, ctx, id, PointKind::Phone, fields).await
}

async fn add_address(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    person_point(state, ctx, id, PointKind::Address, fields).await
}

async fn remove_contact_point(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, point)): Path<(String, String)>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let point = parse_id(&point)?;
    store::remove_contact_point(&state.db, &ctx.actor(), p.id, point).await?;
    Ok(Redirect::to(&format!(
        "/backoffice/people/{}?notice=person-contact-removed",
        p.id
    ))
    .into_response())
}

async fn save_custom_fields(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let defs = cf_store::list_fields(&state.db, ctx.tenant.id, false).await?;
    match custom_fields::parse_form(&fields, &defs) {
        Ok(values) => {
            cf_store::set_values(&state.db, &ctx.actor(), p.id, &values).await?;
            Ok(Redirect::to(&format!(
                "/backoffice/people/{}?notice=person-custom-fields-saved",
                p.id
            ))
            .into_response())
        }
        Err(errors) => {
            show_page(
                &state,
                &ctx,
                p.id,
                TimelineFilter::default(),
                None,
                Typed(fields),
                errors,
            )
            .await
        }
    }
}

async fn set_tags(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let parsed: Result<Vec<String>, Invalid> = value(&fields, "tags")
        .split(',')
        .filter(|t| !t.trim().is_empty())
        .map(people::tag)
        .collect();
    let result = match parsed {
        Ok(tags) if tags.len() <= 50 => {
            store::set_tags(&state.db, &ctx.actor(), p.id, &tags).await?;
            Ok("person-tags-saved")
        }
        Ok(_) => Err(vec![("tags", "person-too-many-tags")]),
        Err(_) => Err(vec![("tags", "person-invalid-tag")]),
    };
    after_write(&state, &ctx, p.id, fields, result).await
}

async fn set_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let result = match ConsentChange::parse(
        value(&fields, "consent_purpose"),
        value(&fields, "consent_state"),
        value(&fields, "consent_source"),
        None,
        Utc::now(),
    ) {
        Err(e) => {
            let mut errors = Errors::new();
            push_all(&mut errors, e);
            Err(errors)
        }
        Ok(c) => {
            store::set_consent(&state.db, &ctx.actor(), p.id, &c).await?;
            Ok("person-consent-recorded")
        }
    };
    after_write(&state, &ctx, p.id, fields, result).await
}

async fn log_interaction(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let result = match NewInteraction::parse(
        value(&fields, "channel"),
        value(&fields, "direction"),
        value(&fields, "summary"),
        value(&fields, "duration"),
        value(&fields, "case_ref"),
        None,
        Utc::now(),
    ) {
        Err(e) => {
            let mut errors = Errors::new();
            push_all(&mut errors, e);
            Err(errors)
        }
        Ok(i) => {
            store::log_interaction(&state.db, &ctx.actor(), p.id, &i).await?;
            Ok("person-interaction-logged")
        }
    };
    after_write(&state, &ctx, p.id, fields, result).await
}

/// `person:<id>` or `organisation:<id>`.
fn parse_party(s: &str) -> Option<Party> {
    let (kind, id) = s.split_once(':')?;
    let id = Uuid::parse_str(id).ok()?;
    match kind {
        "person" => Some(Party::Person(id)),
        "organisation" => Some(Party::Organisation(id)),
        _ => None,
    }
}

async fn add_relationship(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let mut errors = Errors::new();
    let kind = value(&fields, "relationship_kind")
        .parse::<RelationshipKind>()
        .map_err(|e| errors.push((e.field, e.code)))
        .ok();
    let target = parse_party(value(&fields, "target"));
    if target.is_none() {
        errors.push(("target", "person-invalid-relationship-target"));
    }
    let result = match (kind, target) {
        (Some(kind), Some(to)) if errors.is_empty() => {
            match store::add_relationship(&state.db, &ctx.actor(), p.id, kind, to).await {
                Ok(_) => Ok("person-relationship-added"),
                Err(StoreError::Rule(code)) => Err(vec![("target", code)]),
                // Another tenant's or an unknown id: not something this form offered.
                Err(StoreError::NotFound) => {
                    Err(vec![("target", "person-invalid-relationship-target")])
                }
                Err(StoreError::Conflict) => Err(vec![("target", "person-relationship-exists")]),
                Err(e) => return Err(e.into()),
            }
        }
        _ => Err(errors),
    };
    after_write(&state, &ctx, p.id, fields, result).await
}

async fn remove_relationship(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, relationship)): Path<(String, String)>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let p = person_of(&state, &ctx, &id).await?;
    let relationship = parse_id(&relationship)?;
    store::remove_relationship(&state.db, &ctx.actor(), Party::Person(p.id), relationship).await?;
    Ok(Redirect::to(&format!(
        "/backoffice/people/{}?notice=person-relationship-removed",
        p.id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Organisations

#[derive(Template)]
#[template(path = "people/organisations.html")]
struct OrgListTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    q: String,
    rows: Vec<store::Organisation>,
    next: Option<String>,
}

async fn org_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let q: String = query
        .q
        .clone()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect();
    let after = query.after.as_deref().and_then(|a| Uuid::parse_str(a).ok());
    let rows = store::list_organisations(
        &state.db,
        ctx.tenant.id,
        Some(q.as_str()).filter(|q| !q.is_empty()),
        after,
        PAGE,
    )
    .await?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| {
            rows.last().map(|r| {
                format!(
                    "/backoffice/organisations?after={}&q={}",
                    r.id,
                    urlencode(&q)
                )
            })
        })
        .flatten();
    let n = NoticeQuery {
        notice: query.notice.clone(),
    };
    render(&OrgListTpl {
        notice: notice(&n, &ctx),
        ctx: &ctx,
        q,
        rows,
        next,
    })
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "people/organisation_form.html")]
struct OrgFormTpl<'a> {
    ctx: &'a Ctx,
    title: String,
    action: String,
    errors: Errors,
    form: Typed,
    back: String,
}

fn org_form_page(
    ctx: &Ctx,
    org: Option<&store::Organisation>,
    form: Typed,
    errors: Errors,
) -> AppResult<Response> {
    let (title, action, back) = match org {
        Some(o) => (
            ctx.t1("organisation-edit-title", "name", &o.name),
            format!("/backoffice/organisations/{}", o.id),
            format!("/backoffice/organisations/{}", o.id),
        ),
        None => (
            ctx.t("organisation-new-title"),
            "/backoffice/organisations".to_owned(),
            "/backoffice/organisations".to_owned(),
        ),
    };
    let r = render(&OrgFormTpl {
        ctx,
        title,
        action,
        errors: errors.clone(),
        form,
        back,
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn org_new_form(ctx: Ctx) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    org_form_page(&ctx, None, Typed::default(), Errors::new())
}

fn parse_org(fields: &Fields) -> Result<(String, Option<people::Siret>), Errors> {
    let mut errors = Errors::new();
    let name = people::organisation_name(value(fields, "name"))
        .map_err(|e| errors.push((e.field, e.code)))
        .ok();
    let siret = people::optional_siret(value(fields, "siret"))
        .map_err(|e| errors.push((e.field, e.code)))
        .ok();
    match (name, siret) {
        (Some(n), Some(s)) if errors.is_empty() => Ok((n, s)),
        _ => Err(errors),
    }
}

async fn org_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let (name, siret) = match parse_org(&fields) {
        Ok(v) => v,
        Err(errors) => return org_form_page(&ctx, None, Typed(fields), errors),
    };
    match store::create_organisation(&state.db, &ctx.actor(), &name, siret.as_ref()).await {
        Ok(o) => Ok(Redirect::to(&format!(
            "/backoffice/organisations/{}?notice=organisation-created",
            o.id
        ))
        .into_response()),
        Err(StoreError::Conflict) => org_form_page(
            &ctx,
            None,
            Typed(fields),
            vec![("siret", "organisation-siret-exists")],
        ),
        Err(e) => Err(e.into()),
    }
}

async fn org_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<store::Organisation> {
    let id = parse_id(id)?;
    store::get_organisation(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "people/organisation.html")]
struct OrgTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    errors: Errors,
    form: Typed,
    org: store::Organisation,
    cp: ContactPoints,
    members: Vec<store::Member>,
    can_write: bool,
}

impl OrgTpl<'_> {
    fn contact_errors(&self) -> bool {
        CONTACT_INPUTS
            .iter()
            .any(|f| self.errors.iter().any(|(e, _)| e == f))
    }
}

async fn org_page(
    state: &AppState,
    ctx: &Ctx,
    org: store::Organisation,
    notice: Option<String>,
    form: Typed,
    errors: Errors,
) -> AppResult<Response> {
    let record = store::organisation_record(&state.db, ctx.tenant.id, org.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cp = ContactPoints {
        base: format!("/backoffice/organisations/{}", org.id),
        emails: record.emails,
        phones: record.phones,
        addresses: record.addresses,
    };
    let r = render(&OrgTpl {
        ctx,
        notice,
        errors: errors.clone(),
        form,
        org,
        cp,
        members: record.members,
        can_write: ctx.can(Permission::Write),
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn org_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let org = org_of(&state, &ctx, &id).await?;
    let form = Typed(vec![
        ("name".into(), org.name.clone()),
        ("siret".into(), org.siret.clone().unwrap_or_default()),
    ]);
    org_page(&state, &ctx, org, notice(&q, &ctx), form, Errors::new()).await
}

async fn org_save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let org = org_of(&state, &ctx, &id).await?;
    let (name, siret) = match parse_org(&fields) {
        Ok(v) => v,
        Err(errors) => return org_page(&state, &ctx, org, None, Typed(fields), errors).await,
    };
    match store::update_organisation(&state.db, &ctx.actor(), org.id, &name, siret.as_ref()).await {
        Ok(o) => Ok(Redirect::to(&format!(
            "/backoffice/organisations/{}?notice=organisation-saved",
            o.id
        ))
        .into_response()),
        Err(StoreError::Conflict) => {
            org_page(
                &state,
                &ctx,
                org,
                None,
                Typed(fields),
                vec![("siret", "organisation-siret-exists")],
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn org_archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let org = org_of(&state, &ctx, &id).await?;
    store::archive_organisation(&state.db, &ctx.actor(), org.id).await?;
    Ok(Redirect::to(&format!(
        "/backoffice/organisations/{}?notice=organisation-archived",
        org.id
    ))
    .into_response())
}

async fn org_point(
    state: AppState,
    ctx: Ctx,
    id: String,
    kind: PointKind,
    fields: Fields,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let org = org_of(&state, &ctx, &id).await?;
    match add_point(&state, &ctx, Owner::Organisation(org.id), kind, &fields).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/backoffice/organisations/{}?notice=organisation-contact-added",
            org.id
        ))
        .into_response()),
        Err(errors) => org_page(&state, &ctx, org, None, Typed(fields), errors).await,
    }
}

async fn org_add_email(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    org_point(state, ctx, id, PointKind::Email, fields).await
}

async fn org_add_phone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    org_point(state, ctx, id, PointKind::Phone, fields).await
}

async fn org_add_address(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    org_point(state, ctx, id, PointKind::Address, fields).await
}

async fn org_remove_contact_point(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, point)): Path<(String, String)>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let org = org_of(&state, &ctx, &id).await?;
    let point = parse_id(&point)?;
    store::contact_points::remove(&state.db, &ctx.actor(), Owner::Organisation(org.id), point)
        .await?;
    Ok(Redirect::to(&format!(
        "/backoffice/organisations/{}?notice=organisation-contact-removed",
        org.id
    ))
    .into_response())
}

/// For the templates: the label of a value of an enumeration (`channel-phone`…).
pub fn label(ctx: &Ctx, prefix: &str, value: &str) -> String {
    ctx.t(&format!("{prefix}-{value}"))
}

/// Options of the selects of the 360° page.
pub fn consent_states() -> Vec<&'static str> {
    ConsentState::ALL.iter().map(|s| s.as_str()).collect()
}
pub fn consent_sources() -> Vec<&'static str> {
    ConsentSource::ALL.iter().map(|s| s.as_str()).collect()
}
pub fn directions() -> Vec<&'static str> {
    Direction::ALL.iter().map(|s| s.as_str()).collect()
}
pub fn relationship_kinds() -> Vec<&'static str> {
    RelationshipKind::ALL.iter().map(|s| s.as_str()).collect()
}
pub fn locales() -> Vec<Locale> {
    Locale::ALL.to_vec()
}

/// For the templates: whether the actor may change records.
pub fn can_write(ctx: &Ctx) -> bool {
    ctx.can(Permission::Write)
}

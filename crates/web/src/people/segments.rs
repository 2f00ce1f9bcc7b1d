//! Segments (`/backoffice/segments`): saved filters on persons — tags, custom field values,
//! the state of a consent per purpose, creation and update dates, contact activity. Anyone
//! in the back office lists a segment's persons (keyset pages, with the count) and exports
//! them as CSV or vCard 3.0/4.0 (audited: `segment.export`); supervisors and administrators (`ManageSegments`) create, change and delete
//! segments.

use super::{Typed, custom_fields::DynErrors, date, unprocessable_if};
use crate::{
    admin::{FieldErrors, Fields, parse_id, value},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use relais_domain::{
    Permission,
    people::{
        custom_fields::{FieldKind, FieldValue, Rule},
        segments::{
            Activity, ConsentWanted, CustomMatch, SegmentFilter, consent_input, custom_inputs,
            segment_name,
        },
    },
};
use relais_store::{
    StoreError,
    people::{self as store, custom_fields as cf_store, segments as seg_store},
};
use serde::Deserialize;
use uuid::Uuid;

/// Persons per page of a segment.
pub const PAGE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/backoffice/segments", get(list).post(create))
        .route("/backoffice/segments/new", get(new_form))
        .route("/backoffice/segments/{segment}", get(show).post(save))
        .route("/backoffice/segments/{segment}/edit", get(edit_form))
        .route("/backoffice/segments/{segment}/delete", post(delete))
        .route("/backoffice/segments/{segment}/export.csv", get(export))
        .route(
            "/backoffice/segments/{segment}/export.vcf",
            get(export_vcard),
        )
}

fn t(ctx: &Ctx, id: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::i18n::text(ctx.locale, id, &args)
}

#[derive(Deserialize, Default)]
pub struct SegmentQuery {
    pub after: Option<String>,
    pub notice: Option<String>,
}

fn notice(q: &SegmentQuery, ctx: &Ctx) -> Option<String> {
    q.notice
        .as_deref()
        .filter(|n| ["segment-created", "segment-saved", "segment-deleted"].contains(n))
        .map(|n| ctx.t(n))
}

async fn segment_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<seg_store::Segment> {
    seg_store::get_segment(&state.db, ctx.tenant.id, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

// ---------------------------------------------------------------------------------------
// List

#[derive(Template)]
#[template(path = "people/segments.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    segments: Vec<seg_store::Segment>,
    can_manage: bool,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SegmentQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let segments = seg_store::list_segments(&state.db, ctx.tenant.id).await?;
    render(&ListTpl {
        notice: notice(&q, &ctx),
        ctx: &ctx,
        segments,
        can_manage: ctx.can(Permission::ManageSegments),
    })
}

// ---------------------------------------------------------------------------------------
// A segment's persons

#[derive(Template)]
#[template(path = "people/segment.html")]
struct ShowTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    segment: seg_store::Segment,
    criteria: Vec<String>,
    count: i64,
    rows: Vec<store::PersonSummary>,
    next: Option<String>,
    first_page: bool,
    can_manage: bool,
}

/// "`field`: from `low` to `high`" (or only one bound), with the messages `<id>-between`,
/// `<id>-from` and `<id>-to`.
fn bounds(ctx: &Ctx, id: &str, field: String, low: Option<String>, high: Option<String>) -> String {
    let (suffix, args) = match (low, high) {
        (Some(l), Some(h)) => ("between", vec![("field", field), ("low", l), ("high", h)]),
        (Some(l), None) => ("from", vec![("field", field), ("low", l)]),
        (None, h) => (
            "to",
            vec![("field", field), ("high", h.unwrap_or_default())],
        ),
    };
    t(ctx, &format!("{id}-{suffix}"), &args)
}

/// The criteria of a filter in words, one line each.
pub fn describe(
    ctx: &Ctx,
    filter: &SegmentFilter,
    fields: &[cf_store::CustomField],
) -> Vec<String> {
    let mut out = Vec::new();
    if !filter.tags.is_empty() {
        out.push(t(
            ctx,
            "segment-criterion-tags",
            &[("tags", filter.tags.join(", "))],
        ));
    }
    for c in &filter.custom {
        let label = fields
            .iter()
            .find(|f| f.key == c.key)
            .map_or_else(|| c.key.clone(), |f| f.label(ctx.locale).to_owned());
        let line = match &c.matches {
            CustomMatch::Contains { text } => t(
                ctx,
                "segment-criterion-contains",
                &[("field", label), ("low", text.clone())],
            ),
            CustomMatch::Is { value } => t(
                ctx,
                "segment-criterion-is",
                &[("field", label), ("low", value.clone())],
            ),
            CustomMatch::Between { min, max } => bounds(
                ctx,
                "segment-criterion-number",
                label,
                min.map(|n| FieldValue::Number(n).display(ctx.locale)),
                max.map(|n| FieldValue::Number(n).display(ctx.locale)),
            ),
            CustomMatch::DateBetween { from, to } => bounds(
                ctx,
                "segment-criterion-date",
                label,
                from.map(|d| date(&Some(d))),
                to.map(|d| date(&Some(d))),
            ),
        };
        out.push(line);
    }
    for c in &filter.consents {
        out.push(t(
            ctx,
            "segment-criterion-consent",
            &[
                ("purpose", c.purpose.clone()),
                (
                    "state",
                    ctx.t(&format!("segment-consent-{}", c.state.as_str())),
                ),
            ],
        ));
    }
    for (label, from, to) in [
        (
            "segment-created-range",
            filter.created_from,
            filter.created_to,
        ),
        (
            "segment-updated-range",
            filter.updated_from,
            filter.updated_to,
        ),
    ] {
        if from.is_some() || to.is_some() {
            out.push(bounds(
                ctx,
                "segment-criterion-date",
                ctx.t(label),
                from.map(|d| date(&Some(d))),
                to.map(|d| date(&Some(d))),
            ));
        }
    }
    if let Some(a) = filter.activity {
        let id = match a {
            Activity::Within { .. } => "segment-criterion-within",
            Activity::NoneSince { .. } => "segment-criterion-none-since",
        };
        out.push(ctx.tn(id, i64::from(a.days())));
    }
    out
}

async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<SegmentQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let segment = segment_of(&state, &ctx, &id).await?;
    let after = q.after.as_deref().and_then(|a| Uuid::parse_str(a).ok());
    let filter = &segment.filter.0;
    let rows = seg_store::segment_persons(&state.db, ctx.tenant.id, filter, after, PAGE).await?;
    let count = seg_store::segment_count(&state.db, ctx.tenant.id, filter).await?;
    let fields = cf_store::list_fields(&state.db, ctx.tenant.id, true).await?;
    let next = (rows.len() as i64 == PAGE)
        .then(|| {
            rows.last()
                .map(|r| format!("/backoffice/segments/{}?after={}", segment.id, r.id))
        })
        .flatten();
    render(&ShowTpl {
        notice: notice(&q, &ctx),
        criteria: describe(&ctx, filter, &fields),
        ctx: &ctx,
        count,
        rows,
        next,
        first_page: after.is_none(),
        can_manage: ctx.can(Permission::ManageSegments),
        segment,
    })
}

// ---------------------------------------------------------------------------------------
// The form

/// A custom field's inputs in the segment form.
pub struct FieldInputs {
    pub key: String,
    pub label: String,
    pub kind: &'static str,
    /// (input name, label of the input) — one for text and choice, two bounds otherwise.
    pub inputs: Vec<(String, String)>,
    pub choices: Vec<String>,
}

#[derive(Template)]
#[template(path = "people/segment_form.html")]
struct FormTpl<'a> {
    ctx: &'a Ctx,
    title: String,
    action: String,
    back: String,
    errors: DynErrors,
    form: Typed,
    fields: Vec<FieldInputs>,
    purposes: Vec<String>,
}

impl FormTpl<'_> {
    fn consent_states(&self) -> Vec<(&'static str, String)> {
        ConsentWanted::ALL
            .into_iter()
            .map(|w| {
                (
                    w.as_str(),
                    self.ctx.t(&format!("segment-consent-{}", w.as_str())),
                )
            })
            .collect()
    }
    fn consent_name(&self, purpose: &str) -> String {
        consent_input(purpose)
    }
}

/// The consent purposes the form offers: those recorded in the tenant and those the
/// filter names.
async fn purposes(
    state: &AppState,
    ctx: &Ctx,
    filter: Option<&SegmentFilter>,
) -> AppResult<Vec<String>> {
    let mut out = seg_store::consent_purposes(&state.db, ctx.tenant.id).await?;
    for p in filter.map(SegmentFilter::purposes).unwrap_or_default() {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

fn field_inputs(ctx: &Ctx, fields: &[cf_store::CustomField]) -> Vec<FieldInputs> {
    fields
        .iter()
        .filter(|f| f.is_active())
        .map(|f| {
            let names = custom_inputs(&f.key, f.kind());
            let sub = match f.kind() {
                FieldKind::Text => vec![ctx.t("segment-contains")],
                FieldKind::Choice => vec![ctx.t("segment-is")],
                FieldKind::Number => vec![ctx.t("segment-min"), ctx.t("segment-max")],
                FieldKind::Date => vec![ctx.t("segment-from"), ctx.t("segment-to")],
            };
            FieldInputs {
                key: f.key.clone(),
                label: f.label(ctx.locale).to_owned(),
                kind: f.kind().as_str(),
                inputs: names.into_iter().zip(sub).collect(),
                choices: f.choices.0.clone(),
            }
        })
        .collect()
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    segment: Option<&seg_store::Segment>,
    form: Typed,
    errors: DynErrors,
) -> AppResult<Response> {
    let fields = cf_store::list_fields(&state.db, ctx.tenant.id, false).await?;
    let (title, action, back) = match segment {
        Some(s) => (
            ctx.t1("segment-edit-title", "name", &s.name),
            format!("/backoffice/segments/{}", s.id),
            format!("/backoffice/segments/{}", s.id),
        ),
        None => (
            ctx.t("segment-new-title"),
            "/backoffice/segments".to_owned(),
            "/backoffice/segments".to_owned(),
        ),
    };
    let failed = !errors.is_empty();
    let page = render(&FormTpl {
        ctx,
        title,
        action,
        back,
        errors,
        form,
        fields: field_inputs(ctx, &fields),
        purposes: purposes(state, ctx, segment.map(|s| &s.filter.0)).await?,
    })?;
    Ok(unprocessable_if(page, failed))
}

/// The name and filter of a submitted form, every error reported.
async fn parse_form(
    state: &AppState,
    ctx: &Ctx,
    fields: &Fields,
    existing: Option<&SegmentFilter>,
) -> AppResult<Result<(String, SegmentFilter), DynErrors>> {
    let defs = cf_store::list_fields(&state.db, ctx.tenant.id, false).await?;
    let rules: Vec<(&str, Rule<'_>)> = defs.iter().map(|f| (f.key.as_str(), f.rule())).collect();
    let known = purposes(state, ctx, existing).await?;
    let get = |name: &str| value(fields, name).to_owned();
    let mut errors = DynErrors::new();
    let name = segment_name(&get("name"))
        .map_err(|e| errors.push((e.field, e.code)))
        .ok();
    let filter = SegmentFilter::from_form(&get, &rules, &known)
        .map_err(|e| errors.extend(e.into_iter().map(|e| (e.field, e.code))))
        .ok();
    Ok(match (name, filter) {
        (Some(n), Some(f)) if errors.is_empty() => Ok((n, f)),
        _ => Err(errors),
    })
}

async fn new_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.staff(Permission::ManageSegments)?;
    form_page(&state, &ctx, None, Typed::default(), DynErrors::new()).await
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageSegments)?;
    let (name, filter) = match parse_form(&state, &ctx, &fields, None).await? {
        Ok(v) => v,
        Err(errors) => return form_page(&state, &ctx, None, Typed(fields), errors).await,
    };
    match seg_store::create_segment(&state.db, &ctx.actor(), &name, &filter).await {
        Ok(s) => Ok(Redirect::to(&format!(
            "/backoffice/segments/{}?notice=segment-created",
            s.id
        ))
        .into_response()),
        Err(StoreError::Conflict) => {
            let errors = vec![("name".to_owned(), "segment-name-exists")];
            form_page(&state, &ctx, None, Typed(fields), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageSegments)?;
    let segment = segment_of(&state, &ctx, &id).await?;
    let defs = cf_store::list_fields(&state.db, ctx.tenant.id, true).await?;
    let kinds: Vec<(&str, FieldKind)> = defs.iter().map(|f| (f.key.as_str(), f.kind())).collect();
    let mut form = segment.filter.0.to_form(&kinds);
    form.push(("name".into(), segment.name.clone()));
    form_page(&state, &ctx, Some(&segment), Typed(form), DynErrors::new()).await
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageSegments)?;
    let segment = segment_of(&state, &ctx, &id).await?;
    let (name, filter) = match parse_form(&state, &ctx, &fields, Some(&segment.filter.0)).await? {
        Ok(v) => v,
        Err(errors) => {
            return form_page(&state, &ctx, Some(&segment), Typed(fields), errors).await;
        }
    };
    match seg_store::update_segment(&state.db, &ctx.actor(), segment.id, &name, &filter).await {
        Ok(s) => Ok(Redirect::to(&format!(
            "/backoffice/segments/{}?notice=segment-saved",
            s.id
        ))
        .into_response()),
        Err(StoreError::Conflict) => {
            let errors = vec![("name".to_owned(), "segment-name-exists")];
            form_page(&state, &ctx, Some(&segment), Typed(fields), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageSegments)?;
    let segment = segment_of(&state, &ctx, &id).await?;
    seg_store::delete_segment(&state.db, &ctx.actor(), segment.id).await?;
    Ok(Redirect::to("/backoffice/segments?notice=segment-deleted").into_response())
}

// ---------------------------------------------------------------------------------------
// Export

/// Every person of the segment with what the exports need, page by page (keyset).
async fn export_rows(
    state: &AppState,
    ctx: &Ctx,
    filter: &SegmentFilter,
) -> AppResult<Vec<seg_store::ExportRow>> {
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page =
            seg_store::segment_persons(&state.db, ctx.tenant.id, filter, after, store::MAX_PAGE)
                .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        let full = page.len() as i64 == store::MAX_PAGE;
        rows.extend(seg_store::export_rows(&state.db, ctx.tenant.id, &page).await?);
        if !full {
            break;
        }
    }
    Ok(rows)
}

/// The download's file name: the segment's name, folded.
fn file_name(segment: &seg_store::Segment, extension: &str) -> String {
    let name = relais_domain::people::fold(&segment.name).replace(' ', "-");
    let name = if name.is_empty() {
        "segment".to_owned()
    } else {
        name
    };
    format!("{name}.{extension}")
}

fn download(content_type: &str, name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The segment's persons as a CSV file for French spreadsheets (UTF-8 with a BOM, `;`), one
/// line per person with every contact point, tag and custom value; cells that a spreadsheet
/// would run as a formula are written as text (`relais_domain::csv`). The download is
/// written to the audit log.
async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let segment = segment_of(&state, &ctx, &id).await?;
    let fields = cf_store::list_fields(&state.db, ctx.tenant.id, true).await?;
    let mut w = relais_domain::csv::Writer::with_bom(';');
    let mut header: Vec<String> = [
        "segment-export-id",
        "person-family-name",
        "person-given-name",
        "person-birth-date",
        "segment-export-emails",
        "segment-export-phones",
        "segment-export-addresses",
        "person-tags",
    ]
    .iter()
    .map(|id| ctx.t(id))
    .collect();
    header.extend(fields.iter().map(|f| f.label(ctx.locale).to_owned()));
    w.record(&header);
    let rows = export_rows(&state, &ctx, &segment.filter.0).await?;
    for row in &rows {
        let mut cells = vec![
            row.id.to_string(),
            row.family_name.clone(),
            row.given_name.clone(),
            date(&row.birth_date),
            row.emails.join(", "),
            row.phones.join(", "),
            row.addresses
                .iter()
                .map(|a| a.formatted().join(", "))
                .collect::<Vec<_>>()
                .join(" | "),
            row.tags.join(", "),
        ];
        cells.extend(fields.iter().map(|f| {
            row.values
                .iter()
                .find(|(id, _)| *id == f.id)
                .map(|(_, v)| v.display(ctx.locale))
                .unwrap_or_default()
        }));
        w.record(&cells);
    }
    seg_store::record_export(&state.db, &ctx.actor(), segment.id, rows.len(), "csv").await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &file_name(&segment, "csv"),
        w.finish(),
    ))
}

#[derive(Deserialize)]
pub struct VcardQuery {
    pub version: Option<String>,
}

/// The vCard version asked for (`3.0` or `4.0`, 4.0 when not said); anything else is refused.
pub fn vcard_version(q: &VcardQuery) -> AppResult<relais_domain::vcard::Version> {
    relais_domain::vcard::Version::parse(q.version.as_deref().unwrap_or_default())
        .ok_or(AppError::BadRequest)
}

/// The segment's persons as one vCard file (3.0 or 4.0), for address books; audited.
async fn export_vcard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VcardQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let version = vcard_version(&q)?;
    let segment = segment_of(&state, &ctx, &id).await?;
    let rows = export_rows(&state, &ctx, &segment.filter.0).await?;
    let contacts: Vec<relais_domain::vcard::Contact> = rows
        .into_iter()
        .map(|r| relais_domain::vcard::Contact {
            uid: r.id.to_string(),
            given_name: r.given_name,
            family_name: r.family_name,
            birth_date: r.birth_date,
            emails: r.emails,
            phones: r.phones,
            addresses: r.addresses,
            tags: r.tags,
            ..Default::default()
        })
        .collect();
    seg_store::record_export(&state.db, &ctx.actor(), segment.id, contacts.len(), "vcard").await?;
    Ok(download(
        "text/vcard; charset=utf-8",
        &file_name(&segment, "vcf"),
        relais_domain::vcard::write_all(&contacts, version),
    ))
}

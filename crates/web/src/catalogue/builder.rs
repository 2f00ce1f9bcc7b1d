//! The no-code builder of a service's form: pages (add, rename, move, delete), their fields
//! (add with a kind, settings of each kind, move, delete) and each field's show-if condition.
//!
//! Pages and fields are addressed by position. Input that cannot be stored at all (a number
//! that is not a number, an unknown kind) is refused with 422 and changes nothing; anything
//! else is saved into the draft, and the page lists what is still wrong with the definition
//! (ids, labels, conditions…) with the path of each error.

use super::condition::{self, ConditionForm, KEEP, OPS};
use super::{Editing, ServiceLink, service_nav};
use crate::{
    admin::{Errors, FieldErrors, Fields, NavLink, checked, nav, value},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
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
use relais_domain::service::{
    DefinitionError, Text,
    form::{ChoiceOption, Condition, DateBound, Field, FieldKind, Page, Prefill},
};
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/services/{id}/form", get(form_page))
        .route("/admin/services/{id}/form/pages", post(add_page))
        .route(
            "/admin/services/{id}/form/pages/{p}",
            get(page_page).post(rename_page),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/condition",
            post(save_page_condition),
        )
        .route("/admin/services/{id}/form/pages/{p}/move", post(move_page))
        .route(
            "/admin/services/{id}/form/pages/{p}/delete",
            post(delete_page),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/fields",
            post(add_field),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/fields/{f}",
            get(field_page).post(save_field),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/fields/{f}/move",
            post(move_field),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/fields/{f}/delete",
            post(delete_field),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/fields/{f}/sub",
            post(add_sub_field),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/fields/{f}/sub/{s}",
            get(sub_field_page).post(save_sub_field),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/fields/{f}/sub/{s}/move",
            post(move_sub_field),
        )
        .route(
            "/admin/services/{id}/form/pages/{p}/fields/{f}/sub/{s}/delete",
            post(delete_sub_field),
        )
}

/// Field kinds offered when adding a field, in the order of the select.
pub const KINDS: [&str; 13] = [
    "short_text",
    "long_text",
    "number",
    "date",
    "email",
    "phone",
    "postal_address",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "file",
    "group",
    "explanation",
];

/// Longest text accepted in any builder input.
pub const MAX_INPUT: usize = 5000;

/// A position in a list, from the path: anything else names nothing (404).
pub(crate) fn index(s: &str, len: usize) -> AppResult<usize> {
    s.parse::<usize>()
        .ok()
        .filter(|i| *i < len)
        .ok_or(AppError::NotFound)
}

/// A line of text as typed, trimmed; `None` if too long or with control characters.
pub(crate) fn line(fields: &Fields, name: &str) -> Option<String> {
    let v = value(fields, name).trim();
    (v.chars().count() <= MAX_INPUT && !v.chars().any(char::is_control)).then(|| v.to_owned())
}

/// Multi-line text as typed, trimmed.
pub(crate) fn multiline(fields: &Fields, name: &str) -> Option<String> {
    let v = value(fields, name).trim();
    (v.chars().count() <= MAX_INPUT
        && !v
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t'))
    .then(|| v.replace("\r\n", "\n"))
}

/// `{fr, en}` from two inputs `<prefix>_fr` and `<prefix>_en`.
pub(crate) fn text(fields: &Fields, prefix: &str) -> Option<Text> {
    Some(Text {
        fr: line(fields, &format!("{prefix}_fr"))?,
        en: line(fields, &format!("{prefix}_en"))?,
    })
}

pub(crate) fn redirect(path: String) -> Response {
    Redirect::to(&path).into_response()
}

fn new_kind(kind: &str, label: &Text) -> Option<FieldKind> {
    Some(match kind {
        "short_text" => FieldKind::ShortText { max_length: None },
        "long_text" => FieldKind::LongText { max_length: None },
        "number" => FieldKind::Number {
            min: None,
            max: None,
            integer: false,
        },
        "date" => FieldKind::Date {
            min: None,
            max: None,
        },
        "email" => FieldKind::Email {},
        "phone" => FieldKind::Phone {},
        "postal_address" => FieldKind::PostalAddress {},
        "single_choice" => FieldKind::SingleChoice { options: vec![] },
        "multiple_choice" => FieldKind::MultipleChoice {
            options: vec![],
            min_selections: None,
            max_selections: None,
        },
        "yes_no" => FieldKind::YesNo {},
        "file" => FieldKind::File {
            accept: vec![
                "application/pdf".into(),
                "image/jpeg".into(),
                "image/png".into(),
            ],
            max_size_bytes: 10 * 1024 * 1024,
            max_count: 1,
        },
        "group" => FieldKind::Group {
            fields: vec![],
            min_items: None,
            max_items: None,
        },
        "explanation" => FieldKind::Explanation {
            text: label.clone(),
        },
        _ => return None,
    })
}

pub(crate) fn op_options(ctx: &Ctx) -> Vec<(&'static str, String)> {
    OPS.into_iter()
        .map(|o| (o, ctx.t(&format!("catalogue-op-{}", o.replace('_', "-")))))
        .collect()
}

/// A condition in a few words, for the tables.
pub fn condition_summary(c: &Condition) -> String {
    let v = |v: &Value| match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    let join = |cs: &[Condition], sep: &str| {
        cs.iter()
            .map(|c| match c {
                Condition::All(_) | Condition::Any(_) => format!("({})", condition_summary(c)),
                _ => condition_summary(c),
            })
            .collect::<Vec<_>>()
            .join(sep)
    };
    match c {
        Condition::Equals { field, value } => format!("{field} = {}", v(value)),
        Condition::NotEquals { field, value } => format!("{field} ≠ {}", v(value)),
        Condition::In { field, values } => format!(
            "{field} ∈ {{{}}}",
            values.iter().map(v).collect::<Vec<_>>().join(", ")
        ),
        Condition::IsAnswered {
            field,
            answered: true,
        } => format!("{field} ✓"),
        Condition::IsAnswered {
            field,
            answered: false,
        } => format!("{field} ∅"),
        Condition::GreaterThan { field, value } => format!("{field} > {}", v(value)),
        Condition::LessThan { field, value } => format!("{field} < {}", v(value)),
        Condition::All(cs) => join(cs, " ∧ "),
        Condition::Any(cs) => join(cs, " ∨ "),
        Condition::Not(c) => format!("¬({})", condition_summary(c)),
    }
}

// ---------------------------------------------------------------------------------------
// The form page: pages and their fields

pub struct FieldRow {
    pub index: usize,
    pub id: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub condition: String,
}

pub struct PageView {
    pub index: usize,
    pub id: String,
    pub title_fr: String,
    pub title_en: String,
    pub condition: String,
    pub fields: Vec<FieldRow>,
    pub last: bool,
}

#[derive(Template)]
#[template(path = "catalogue/form.html")]
struct FormTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    tabs: Vec<ServiceLink>,
    notice: Option<String>,
    errors: Vec<(String, &'static str)>,
    title: String,
    editing: String,
    service_id: uuid::Uuid,
    pages: Vec<PageView>,
    kinds: Vec<(&'static str, String)>,
    problems: Vec<DefinitionError>,
}

fn kind_options(ctx: &Ctx) -> Vec<(&'static str, String)> {
    KINDS
        .into_iter()
        .map(|k| (k, ctx.t(&format!("catalogue-kind-{k}"))))
        .collect()
}

fn form_view(
    ctx: &Ctx,
    e: &Editing,
    notice: Option<String>,
    errors: Vec<(String, &'static str)>,
) -> AppResult<Response> {
    let count = e.def.form.pages.len();
    let pages = e
        .def
        .form
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| PageView {
            index: i,
            id: p.id.clone(),
            title_fr: p.title.fr.clone(),
            title_en: p.title.en.clone(),
            condition: p
                .show_if
                .as_ref()
                .map(condition_summary)
                .unwrap_or_default(),
            fields: p
                .fields
                .iter()
                .enumerate()
                .map(|(j, f)| FieldRow {
                    index: j,
                    id: f.id.clone(),
                    label: f.label.get(ctx.locale).to_owned(),
                    kind: ctx.t(&format!("catalogue-kind-{}", f.kind.name())),
                    required: f.required,
                    condition: f
                        .show_if
                        .as_ref()
                        .map(condition_summary)
                        .unwrap_or_default(),
                })
                .collect(),
            last: i + 1 == count,
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&FormTpl {
        nav: nav(ctx, "/admin/services", false),
        tabs: service_nav(ctx, e.service.id, "/form"),
        notice,
        errors,
        title: e.title(ctx),
        editing: e.editing_line(ctx),
        service_id: e.service.id,
        pages,
        kinds: kind_options(ctx),
        problems: e.problems.clone(),
        ctx,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

async fn form_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let e = Editing::load(&state, &ctx, &id).await?;
    form_view(&ctx, &e, super::notice(&ctx, &q), Vec::new())
}

fn to_form(e: &Editing) -> Response {
    redirect(format!(
        "/admin/services/{}/form?notice=catalogue-draft-saved",
        e.service.id
    ))
}

async fn add_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let (Some(page_id), Some(title)) = (line(&fields, "id"), text(&fields, "title")) else {
        return form_view(
            &ctx,
            &e,
            None,
            vec![("new-page-id".into(), "catalogue-invalid-input")],
        );
    };
    e.def.form.pages.push(Page {
        id: page_id,
        title,
        fields: vec![],
        show_if: None,
    });
    e.save(&state, &ctx).await?;
    Ok(to_form(&e))
}

async fn rename_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let p = index(&p, e.def.form.pages.len())?;
    let (Some(page_id), Some(title)) = (line(&fields, "id"), text(&fields, "title")) else {
        return form_view(
            &ctx,
            &e,
            None,
            vec![(format!("page-{p}-id"), "catalogue-invalid-input")],
        );
    };
    let page = &mut e.def.form.pages[p];
    page.id = page_id;
    page.title = title;
    e.save(&state, &ctx).await?;
    Ok(to_form(&e))
}

#[derive(Template)]
#[template(path = "catalogue/page.html")]
struct PageTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    tabs: Vec<ServiceLink>,
    notice: Option<String>,
    errors: Errors,
    title: String,
    heading: String,
    editing: String,
    service_id: uuid::Uuid,
    page: usize,
    earlier: Vec<(String, String)>,
    cond: ConditionForm,
    ops: Vec<(&'static str, String)>,
    keep: &'static str,
    cond_hint: String,
    problems: Vec<DefinitionError>,
}

/// Fields of the pages before page `p` that hold an answer: what its condition may test.
fn earlier_pages_fields(e: &Editing, p: usize, ctx: &Ctx) -> Vec<(String, String)> {
    e.def.form.pages[..p]
        .iter()
        .flat_map(|page| page.fields.iter())
        .filter(|f| f.kind.has_value())
        .map(|f| {
            (
                f.id.clone(),
                format!("{} ({})", f.label.get(ctx.locale), f.id),
            )
        })
        .collect()
}

fn page_view(
    ctx: &Ctx,
    e: &Editing,
    p: usize,
    cond: ConditionForm,
    notice: Option<String>,
    errors: Errors,
) -> AppResult<Response> {
    let page = &e.def.form.pages[p];
    let r = render(&PageTpl {
        nav: nav(ctx, "/admin/services", false),
        tabs: service_nav(ctx, e.service.id, "/form"),
        notice,
        errors: errors.clone(),
        title: e.title(ctx),
        heading: format!(
            "{} — {}",
            ctx.t1("catalogue-page-n", "n", p + 1),
            page.title.get(ctx.locale)
        ),
        editing: e.editing_line(ctx),
        service_id: e.service.id,
        page: p,
        earlier: earlier_pages_fields(e, p, ctx),
        cond,
        ops: op_options(ctx),
        keep: KEEP,
        cond_hint: ctx.t("catalogue-page-condition-hint"),
        problems: e.problems.clone(),
        ctx,
    })?;
    Ok(crate::admin::with_status(
        r,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn page_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p)): Path<(String, String)>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let e = Editing::load(&state, &ctx, &id).await?;
    let p = index(&p, e.def.form.pages.len())?;
    let cond = ConditionForm::of(e.def.form.pages[p].show_if.as_ref());
    page_view(&ctx, &e, p, cond, super::notice(&ctx, &q), Errors::new())
}

async fn save_page_condition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let p = index(&p, e.def.form.pages.len())?;
    let earlier = earlier_pages_fields(&e, p, &ctx);
    let current = e.def.form.pages[p].show_if.clone();
    let mut errors = Errors::new();
    let show_if = condition::parse(
        &fields,
        &earlier,
        |id| e.def.form.field(id).map(|f| &f.kind),
        current.as_ref(),
        &mut errors,
    );
    if !errors.is_empty() {
        let cond = ConditionForm::typed(&fields, current.as_ref());
        return page_view(&ctx, &e, p, cond, None, errors);
    }
    e.def.form.pages[p].show_if = show_if;
    e.save(&state, &ctx).await?;
    Ok(redirect(format!(
        "/admin/services/{}/form/pages/{p}?notice=catalogue-draft-saved",
        e.service.id
    )))
}

/// Moves item `i` of `list` one place up or down (`direction` = `up` or `down`).
pub(crate) fn shift<T>(list: &mut [T], i: usize, fields: &Fields) -> AppResult<()> {
    match value(fields, "direction") {
        "up" if i > 0 => list.swap(i, i - 1),
        "down" if i + 1 < list.len() => list.swap(i, i + 1),
        "up" | "down" => {}
        _ => return Err(AppError::BadRequest),
    }
    Ok(())
}

async fn move_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let p = index(&p, e.def.form.pages.len())?;
    shift(&mut e.def.form.pages, p, &fields)?;
    e.save(&state, &ctx).await?;
    Ok(to_form(&e))
}

async fn delete_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let p = index(&p, e.def.form.pages.len())?;
    e.def.form.pages.remove(p);
    e.save(&state, &ctx).await?;
    Ok(to_form(&e))
}

async fn add_field(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let p = index(&p, e.def.form.pages.len())?;
    let (Some(field_id), Some(label)) = (line(&fields, "id"), text(&fields, "label")) else {
        return form_view(
            &ctx,
            &e,
            None,
            vec![(format!("add-{p}-id"), "catalogue-invalid-input")],
        );
    };
    let Some(kind) = new_kind(value(&fields, "kind"), &label) else {
        return form_view(
            &ctx,
            &e,
            None,
            vec![(format!("add-{p}-kind"), "catalogue-invalid-kind")],
        );
    };
    e.def.form.pages[p].fields.push(Field {
        id: field_id,
        label,
        help: None,
        required: checked(&fields, "required") && kind.has_value(),
        show_if: None,
        prefill: None,
        kind,
    });
    let f = e.def.form.pages[p].fields.len() - 1;
    e.save(&state, &ctx).await?;
    // Straight to the new field's settings.
    Ok(redirect(format!(
        "/admin/services/{}/form/pages/{p}/fields/{f}?notice=catalogue-draft-saved",
        e.service.id
    )))
}

async fn move_field(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f)): Path<(String, String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let p = index(&p, e.def.form.pages.len())?;
    let list = &mut e.def.form.pages[p].fields;
    let f = index(&f, list.len())?;
    shift(list, f, &fields)?;
    e.save(&state, &ctx).await?;
    Ok(to_form(&e))
}

async fn delete_field(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let p = index(&p, e.def.form.pages.len())?;
    let list = &mut e.def.form.pages[p].fields;
    let f = index(&f, list.len())?;
    list.remove(f);
    e.save(&state, &ctx).await?;
    Ok(to_form(&e))
}

// ---------------------------------------------------------------------------------------
// One field: its settings and its condition

/// The field's inputs as typed (shown again as typed when refused).
#[derive(Default)]
pub struct FieldForm {
    pub id: String,
    pub label_fr: String,
    pub label_en: String,
    pub help_fr: String,
    pub help_en: String,
    pub required: bool,
    pub prefill: String,
    pub max_length: String,
    pub min: String,
    pub max: String,
    pub integer: bool,
    pub options: String,
    pub accept: String,
    pub max_size_bytes: String,
    pub max_count: String,
    pub text_fr: String,
    pub text_en: String,
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

fn date_bound_text(b: &Option<DateBound>) -> String {
    match b {
        Some(DateBound::Date(d)) => d.format("%Y-%m-%d").to_string(),
        Some(DateBound::DaysFromToday(n)) => format!("{n:+}"),
        None => String::new(),
    }
}

fn options_text(options: &[ChoiceOption]) -> String {
    options
        .iter()
        .map(|o| {
            if o.label.en.is_empty() {
                format!("{} | {}", o.value, o.label.fr)
            } else {
                format!("{} | {} | {}", o.value, o.label.fr, o.label.en)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl FieldForm {
    fn of(f: &Field) -> Self {
        let mut form = Self {
            id: f.id.clone(),
            label_fr: f.label.fr.clone(),
            label_en: f.label.en.clone(),
            help_fr: f.help.as_ref().map(|h| h.fr.clone()).unwrap_or_default(),
            help_en: f.help.as_ref().map(|h| h.en.clone()).unwrap_or_default(),
            required: f.required,
            prefill: f.prefill.map(|p| p.as_str().to_owned()).unwrap_or_default(),
            ..Default::default()
        };
        match &f.kind {
            FieldKind::ShortText { max_length } | FieldKind::LongText { max_length } => {
                form.max_length = opt(max_length);
            }
            FieldKind::Number { min, max, integer } => {
                form.min = min.map(number_text).unwrap_or_default();
                form.max = max.map(number_text).unwrap_or_default();
                form.integer = *integer;
            }
            FieldKind::Date { min, max } => {
                form.min = date_bound_text(min);
                form.max = date_bound_text(max);
            }
            FieldKind::SingleChoice { options } => form.options = options_text(options),
            FieldKind::MultipleChoice {
                options,
                min_selections,
                max_selections,
            } => {
                form.options = options_text(options);
                form.min = opt(min_selections);
                form.max = opt(max_selections);
            }
            FieldKind::File {
                accept,
                max_size_bytes,
                max_count,
            } => {
                form.accept = accept.join(", ");
                form.max_size_bytes = max_size_bytes.to_string();
                form.max_count = max_count.to_string();
            }
            FieldKind::Group {
                min_items,
                max_items,
                ..
            } => {
                form.min = opt(min_items);
                form.max = opt(max_items);
            }
            FieldKind::Explanation { text } => {
                form.text_fr = text.fr.clone();
                form.text_en = text.en.clone();
            }
            FieldKind::Email {}
            | FieldKind::Phone {}
            | FieldKind::PostalAddress {}
            | FieldKind::YesNo {} => {}
        }
        form
    }

    fn typed(fields: &Fields) -> Self {
        let v = |n: &str| value(fields, n).to_owned();
        Self {
            id: v("id"),
            label_fr: v("label_fr"),
            label_en: v("label_en"),
            help_fr: v("help_fr"),
            help_en: v("help_en"),
            required: checked(fields, "required"),
            prefill: v("prefill"),
            max_length: v("max_length"),
            min: v("min"),
            max: v("max"),
            integer: checked(fields, "integer"),
            options: v("options"),
            accept: v("accept"),
            max_size_bytes: v("max_size_bytes"),
            max_count: v("max_count"),
            text_fr: v("text_fr"),
            text_en: v("text_en"),
        }
    }
}

fn parse_opt<T: std::str::FromStr>(s: &str) -> Result<Option<T>, ()> {
    match s.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| ()),
    }
}

fn parse_number(s: &str) -> Result<Option<f64>, ()> {
    match s.trim() {
        "" => Ok(None),
        t => t
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or(()),
    }
}

fn parse_date_bound(s: &str) -> Result<Option<DateBound>, ()> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(Some(DateBound::Date(d)));
    }
    t.trim_start_matches('+')
        .parse::<i32>()
        .map(|n| Some(DateBound::DaysFromToday(n)))
        .map_err(|_| ())
}

/// One option per line: `value | Libellé | Label` (the English label may be left out).
pub fn parse_options(text: &str) -> Result<Vec<ChoiceOption>, ()> {
    let mut out = Vec::new();
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = l.split('|').map(str::trim).collect();
        let (value, fr, en) = match parts.as_slice() {
            [v, fr] => (*v, *fr, ""),
            [v, fr, en] => (*v, *fr, *en),
            _ => return Err(()),
        };
        if value.is_empty() {
            return Err(());
        }
        out.push(ChoiceOption {
            value: value.to_owned(),
            label: Text {
                fr: fr.to_owned(),
                en: en.to_owned(),
            },
        });
    }
    Ok(out)
}

/// A typed condition value as JSON, by the kind of the field it tests.
pub(crate) fn condition_value(kind: Option<&FieldKind>, typed: &str) -> Result<Value, ()> {
    let t = typed.trim();
    match kind {
        Some(FieldKind::YesNo {}) => match t.to_lowercase().as_str() {
            "true" | "yes" | "oui" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "non" | "0" => Ok(Value::Bool(false)),
            _ => Err(()),
        },
        Some(FieldKind::Number { .. }) => {
            let x = parse_number(t)?.ok_or(())?;
            Ok(if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Value::from(x as i64)
            } else {
                Value::from(x)
            })
        }
        _ => Ok(Value::String(t.to_owned())),
    }
}

#[derive(Template)]
#[template(path = "catalogue/field.html")]
struct FieldTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    tabs: Vec<ServiceLink>,
    notice: Option<String>,
    errors: Errors,
    title: String,
    editing: String,
    service_id: uuid::Uuid,
    page: usize,
    index: usize,
    /// Where the settings are posted.
    action: String,
    /// The sub-fields, for a repeatable group.
    subs: Vec<FieldRow>,
    sub_kinds: Vec<(&'static str, String)>,
    is_sub: bool,
    kind: &'static str,
    kind_label: String,
    form: FieldForm,
    prefills: Vec<(&'static str, String)>,
    earlier: Vec<(String, String)>,
    cond: ConditionForm,
    ops: Vec<(&'static str, String)>,
    keep: &'static str,
    cond_hint: String,
    problems: Vec<DefinitionError>,
}

const PREFILLS: [Prefill; 6] = [
    Prefill::GivenName,
    Prefill::FamilyName,
    Prefill::Email,
    Prefill::Phone,
    Prefill::Address,
    Prefill::BirthDate,
];

/// Fields before position (p, f) that hold an answer: what a condition may test.
fn earlier_fields(e: &Editing, p: usize, f: usize, ctx: &Ctx) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, page) in e.def.form.pages.iter().enumerate().take(p + 1) {
        for (j, field) in page.fields.iter().enumerate() {
            if i == p && j >= f {
                break;
            }
            if field.kind.has_value() {
                out.push((
                    field.id.clone(),
                    format!("{} ({})", field.label.get(ctx.locale), field.id),
                ));
            }
        }
    }
    out
}

/// A field's place: page, field, and sub-field of a repeatable group.
type At = (usize, usize, Option<usize>);

fn field_at(e: &Editing, (p, f, s): At) -> &Field {
    let field = &e.def.form.pages[p].fields[f];
    match (s, &field.kind) {
        (Some(s), FieldKind::Group { fields, .. }) => &fields[s],
        _ => field,
    }
}

fn field_at_mut(e: &mut Editing, (p, f, s): At) -> &mut Field {
    let field = &mut e.def.form.pages[p].fields[f];
    match s {
        Some(s) => match &mut field.kind {
            FieldKind::Group { fields, .. } => &mut fields[s],
            _ => unreachable!("positions are checked by sub_list"),
        },
        None => field,
    }
}

/// The sub-fields of field (p, f); 404 when it is not a repeatable group.
fn sub_list(e: &mut Editing, p: usize, f: usize) -> AppResult<&mut Vec<Field>> {
    match &mut e.def.form.pages[p].fields[f].kind {
        FieldKind::Group { fields, .. } => Ok(fields),
        _ => Err(AppError::NotFound),
    }
}

/// Positions from the path: 404 for anything that names nothing.
fn at_of(e: &mut Editing, p: &str, f: &str, s: Option<&str>) -> AppResult<At> {
    let p = index(p, e.def.form.pages.len())?;
    let f = index(f, e.def.form.pages[p].fields.len())?;
    let s = match s {
        Some(s) => Some(index(s, sub_list(e, p, f)?.len())?),
        None => None,
    };
    Ok((p, f, s))
}

fn field_url(e: &Editing, (p, f, s): At) -> String {
    let base = format!("/admin/services/{}/form/pages/{p}/fields/{f}", e.service.id);
    match s {
        Some(s) => format!("{base}/sub/{s}"),
        None => base,
    }
}

/// What a condition at this place may test: the earlier fields, and for a sub-field the
/// earlier fields of its group as well.
fn earlier_at(e: &Editing, (p, f, s): At, ctx: &Ctx) -> Vec<(String, String)> {
    let mut out = earlier_fields(e, p, f, ctx);
    if let (Some(s), FieldKind::Group { fields, .. }) = (s, &e.def.form.pages[p].fields[f].kind) {
        out.extend(fields[..s].iter().filter(|x| x.kind.has_value()).map(|x| {
            (
                x.id.clone(),
                format!("{} ({})", x.label.get(ctx.locale), x.id),
            )
        }));
    }
    out
}

/// The kind of a field a condition at this place may test.
fn kind_at<'a>(e: &'a Editing, (p, f, s): At, id: &str) -> Option<&'a FieldKind> {
    if s.is_some()
        && let FieldKind::Group { fields, .. } = &e.def.form.pages[p].fields[f].kind
        && let Some(x) = fields.iter().find(|x| x.id == id)
    {
        return Some(&x.kind);
    }
    e.def.form.field(id).map(|x| &x.kind)
}

fn field_view(
    ctx: &Ctx,
    e: &Editing,
    at: At,
    (form, cond): (FieldForm, ConditionForm),
    notice: Option<String>,
    errors: Errors,
) -> AppResult<Response> {
    let (p, f, s) = at;
    let field = field_at(e, at);
    let subs = match (&field.kind, s) {
        (FieldKind::Group { fields, .. }, None) => fields
            .iter()
            .enumerate()
            .map(|(j, x)| FieldRow {
                index: j,
                id: x.id.clone(),
                label: x.label.get(ctx.locale).to_owned(),
                kind: ctx.t(&format!("catalogue-kind-{}", x.kind.name())),
                required: x.required,
                condition: x
                    .show_if
                    .as_ref()
                    .map(condition_summary)
                    .unwrap_or_default(),
            })
            .collect(),
        _ => vec![],
    };
    let r = render(&FieldTpl {
        nav: nav(ctx, "/admin/services", false),
        tabs: service_nav(ctx, e.service.id, "/form"),
        notice,
        errors: errors.clone(),
        title: ctx.t1("catalogue-field-title", "id", &field.id),
        editing: e.editing_line(ctx),
        service_id: e.service.id,
        page: p,
        index: f,
        action: field_url(e, at),
        subs,
        sub_kinds: kind_options(ctx)
            .into_iter()
            .filter(|(k, _)| *k != "group")
            .collect(),
        is_sub: s.is_some(),
        kind: field.kind.name(),
        kind_label: ctx.t(&format!("catalogue-kind-{}", field.kind.name())),
        form,
        prefills: PREFILLS
            .into_iter()
            .map(|x| {
                (
                    x.as_str(),
                    ctx.t(&format!("catalogue-prefill-{}", x.as_str())),
                )
            })
            .collect(),
        earlier: earlier_at(e, at, ctx),
        cond,
        ops: op_options(ctx),
        keep: KEEP,
        cond_hint: ctx.t("catalogue-condition-hint"),
        problems: e.problems.clone(),
        ctx,
    })?;
    Ok(crate::admin::with_status(
        r,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn field_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f)): Path<(String, String, String)>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let at = at_of(&mut e, &p, &f, None)?;
    show_field(&ctx, &e, at, &q)
}

async fn sub_field_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f, s)): Path<(String, String, String, String)>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let at = at_of(&mut e, &p, &f, Some(&s))?;
    show_field(&ctx, &e, at, &q)
}

fn show_field(ctx: &Ctx, e: &Editing, at: At, q: &Fields) -> AppResult<Response> {
    let field = field_at(e, at);
    let form = (
        FieldForm::of(field),
        ConditionForm::of(field.show_if.as_ref()),
    );
    field_view(ctx, e, at, form, super::notice(ctx, q), Errors::new())
}

async fn save_sub_field(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f, s)): Path<(String, String, String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let at = at_of(&mut e, &p, &f, Some(&s))?;
    save_field_at(&state, &ctx, e, at, fields).await
}

async fn add_sub_field(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f)): Path<(String, String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let (p, f, _) = at_of(&mut e, &p, &f, None)?;
    sub_list(&mut e, p, f)?;
    let mut errors = Errors::new();
    let (sub_id, label) = (line(&fields, "sub_id"), text(&fields, "sub_label"));
    if sub_id.is_none() {
        errors.push(("sub_id", "catalogue-invalid-input"));
    }
    if label.is_none() {
        errors.push(("sub_label_fr", "catalogue-invalid-input"));
    }
    let kind = match (value(&fields, "sub_kind"), &label) {
        ("group", _) => None,
        (k, Some(l)) => new_kind(k, l),
        (k, None) => new_kind(k, &Text::default()),
    };
    if kind.is_none() {
        errors.push(("sub_kind", "catalogue-invalid-kind"));
    }
    let (Some(sub_id), Some(label), Some(kind)) = (sub_id, label, kind) else {
        let field = &e.def.form.pages[p].fields[f];
        let form = (
            FieldForm::of(field),
            ConditionForm::of(field.show_if.as_ref()),
        );
        return field_view(&ctx, &e, (p, f, None), form, None, errors);
    };
    let list = sub_list(&mut e, p, f)?;
    list.push(Field {
        id: sub_id,
        label,
        help: None,
        required: checked(&fields, "sub_required") && kind.has_value(),
        show_if: None,
        prefill: None,
        kind,
    });
    let s = list.len() - 1;
    e.save(&state, &ctx).await?;
    Ok(redirect(format!(
        "{}?notice=catalogue-draft-saved",
        field_url(&e, (p, f, Some(s)))
    )))
}

async fn move_sub_field(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f, s)): Path<(String, String, String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let (p, f, s) = at_of(&mut e, &p, &f, Some(&s))?;
    shift(sub_list(&mut e, p, f)?, s.unwrap_or(0), &fields)?;
    e.save(&state, &ctx).await?;
    Ok(redirect(format!(
        "{}?notice=catalogue-draft-saved",
        field_url(&e, (p, f, None))
    )))
}

async fn delete_sub_field(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f, s)): Path<(String, String, String, String)>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let (p, f, s) = at_of(&mut e, &p, &f, Some(&s))?;
    sub_list(&mut e, p, f)?.remove(s.unwrap_or(0));
    e.save(&state, &ctx).await?;
    Ok(redirect(format!(
        "{}?notice=catalogue-draft-saved",
        field_url(&e, (p, f, None))
    )))
}

async fn save_field(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, p, f)): Path<(String, String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let at = at_of(&mut e, &p, &f, None)?;
    save_field_at(&state, &ctx, e, at, fields).await
}

async fn save_field_at(
    state: &AppState,
    ctx: &Ctx,
    mut e: Editing,
    at: At,
    fields: Fields,
) -> AppResult<Response> {
    let form = FieldForm::typed(&fields);
    let mut errors = Errors::new();
    let earlier = earlier_at(&e, at, ctx);
    let current = field_at(&e, at).clone();

    let id_text = line(&fields, "id");
    let label = text(&fields, "label");
    let help = text(&fields, "help");
    if id_text.is_none() {
        errors.push(("id", "catalogue-invalid-input"));
    }
    if label.is_none() {
        errors.push(("label_fr", "catalogue-invalid-input"));
    }
    if help.is_none() {
        errors.push(("help_fr", "catalogue-invalid-input"));
    }
    let prefill = match form.prefill.as_str() {
        "" => None,
        p => match PREFILLS.into_iter().find(|x| x.as_str() == p) {
            Some(x) => Some(x),
            None => {
                errors.push(("prefill", "catalogue-invalid-choice"));
                None
            }
        },
    };
    let mut bad = |name: &'static str| errors.push((name, "catalogue-invalid-number"));
    let kind = match &current.kind {
        FieldKind::ShortText { .. } | FieldKind::LongText { .. } => {
            let max_length = parse_opt::<u32>(&form.max_length).unwrap_or_else(|_| {
                bad("max_length");
                None
            });
            if matches!(current.kind, FieldKind::ShortText { .. }) {
                FieldKind::ShortText { max_length }
            } else {
                FieldKind::LongText { max_length }
            }
        }
        FieldKind::Number { .. } => FieldKind::Number {
            min: parse_number(&form.min).unwrap_or_else(|_| {
                bad("min");
                None
            }),
            max: parse_number(&form.max).unwrap_or_else(|_| {
                bad("max");
                None
            }),
            integer: form.integer,
        },
        FieldKind::Date { .. } => {
            let mut bad_date =
                |name: &'static str| errors.push((name, "catalogue-invalid-date-bound"));
            FieldKind::Date {
                min: parse_date_bound(&form.min).unwrap_or_else(|_| {
                    bad_date("min");
                    None
                }),
                max: parse_date_bound(&form.max).unwrap_or_else(|_| {
                    bad_date("max");
                    None
                }),
            }
        }
        FieldKind::SingleChoice { .. } | FieldKind::MultipleChoice { .. } => {
            let options = match multiline(&fields, "options").map(|t| parse_options(&t)) {
                Some(Ok(o)) => o,
                _ => {
                    errors.push(("options", "catalogue-invalid-options"));
                    vec![]
                }
            };
            if matches!(current.kind, FieldKind::SingleChoice { .. }) {
                FieldKind::SingleChoice { options }
            } else {
                let mut bad = |name: &'static str| errors.push((name, "catalogue-invalid-number"));
                FieldKind::MultipleChoice {
                    options,
                    min_selections: parse_opt(&form.min).unwrap_or_else(|_| {
                        bad("min");
                        None
                    }),
                    max_selections: parse_opt(&form.max).unwrap_or_else(|_| {
                        bad("max");
                        None
                    }),
                }
            }
        }
        FieldKind::File { .. } => {
            let accept: Vec<String> = form
                .accept
                .split([',', ' ', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let max_size_bytes = parse_opt::<u64>(&form.max_size_bytes)
                .ok()
                .flatten()
                .unwrap_or_else(|| {
                    bad("max_size_bytes");
                    0
                });
            let max_count = parse_opt::<u32>(&form.max_count)
                .ok()
                .flatten()
                .unwrap_or_else(|| {
                    bad("max_count");
                    0
                });
            FieldKind::File {
                accept,
                max_size_bytes,
                max_count,
            }
        }
        FieldKind::Group { fields: sub, .. } => FieldKind::Group {
            fields: sub.clone(),
            min_items: parse_opt(&form.min).unwrap_or_else(|_| {
                bad("min");
                None
            }),
            max_items: parse_opt(&form.max).unwrap_or_else(|_| {
                bad("max");
                None
            }),
        },
        FieldKind::Explanation { .. } => match text(&fields, "text") {
            Some(t) => FieldKind::Explanation { text: t },
            None => {
                errors.push(("text_fr", "catalogue-invalid-input"));
                current.kind.clone()
            }
        },
        other => other.clone(),
    };
    let show_if = condition::parse(
        &fields,
        &earlier,
        |id| kind_at(&e, at, id),
        current.show_if.as_ref(),
        &mut errors,
    );
    let form = (
        form,
        ConditionForm::typed(&fields, current.show_if.as_ref()),
    );
    let (Some(field_id), Some(label), Some(help)) = (id_text, label, help) else {
        return field_view(ctx, &e, at, form, None, errors);
    };
    if !errors.is_empty() {
        return field_view(ctx, &e, at, form, None, errors);
    }
    let has_value = kind.has_value();
    // A new id: every reference follows (unless the id is taken: then the checklist says so).
    if field_id != current.id {
        match at {
            (_, _, None) if e.def.form.field(&field_id).is_none() => {
                e.def.rename_field(&current.id, &field_id);
            }
            (p, f, Some(_)) => {
                let siblings = sub_list(&mut e, p, f)?;
                if !siblings.iter().any(|x| x.id == field_id) {
                    for x in siblings.iter_mut() {
                        if let Some(c) = &mut x.show_if {
                            c.rename_field(&current.id, &field_id);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    *field_at_mut(&mut e, at) = Field {
        id: field_id,
        label,
        help: (!help.fr.is_empty() || !help.en.is_empty()).then_some(help),
        required: form.0.required && has_value,
        show_if,
        prefill,
        kind,
    };
    e.save(state, ctx).await?;
    Ok(redirect(format!(
        "{}?notice=catalogue-draft-saved",
        field_url(&e, at)
    )))
}

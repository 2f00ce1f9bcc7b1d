//! Administration of the service catalogue: the list of services, their descriptive fields,
//! their versions, publishing, archiving, export and import of a definition as JSON, and the
//! no-code builder (`builder`: pages and fields; `rules`: documents, workflow, service levels).
//!
//! Everything works as plain HTML forms. Only administrators (`Permission::ManageCatalogue`)
//! get in; ids are looked up within the request's tenant (another tenant's id is a 404).
//! The builder always edits the draft: when the service is published and has no draft,
//! saving opens a new version after the published one. A draft may be incomplete; each
//! builder page lists what is still wrong, with the path of each error, and only publishing
//! requires the definition to be valid.

mod builder;
mod condition;
mod rules;
mod transition;

use crate::{
    admin::{Errors, FieldErrors, Fields, NavLink, nav, parse_id, value, values},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form, Router,
    extract::{FromRequest, Multipart, Path, Query, Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use relais_domain::{
    Permission,
    service::{
        DefinitionError,
        definition::{self, ServiceDefinition},
    },
};
use relais_store::{
    StoreError,
    services::{self, Meta, Service, Version},
};
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/services", get(list).post(create))
        .route("/admin/services/new", get(new_form))
        .route("/admin/services/{id}", get(show).post(save_meta))
        .route("/admin/services/{id}/publish", post(publish))
        .route("/admin/services/{id}/archive", post(archive))
        .route("/admin/services/{id}/definition.json", get(export))
        .route("/admin/services/{id}/import", post(import))
        .merge(builder::routes())
        .merge(rules::routes())
        .merge(transition::routes())
}

use relais_domain::service::meta::ServiceMeta;
pub use relais_domain::service::meta::{CHANNELS, WHO_MAY_FILE};
/// Largest definition accepted by import, in bytes.
pub const MAX_DEFINITION_BYTES: usize = 1024 * 1024;

/// The definition a new service starts with: one page with one field, a workflow from open
/// to accepted or refused (or withdrawn by the requester), a service level. Valid, so the
/// service can be published at once.
pub const STARTER_DEFINITION: &str = r#"{
  "form": {
    "pages": [
      {
        "id": "request",
        "title": {"fr": "Votre demande", "en": "Your request"},
        "fields": [
          {"id": "subject", "label": {"fr": "Objet de la demande", "en": "Subject of the request"},
           "kind": "short_text", "required": true, "max_length": 200}
        ]
      }
    ]
  },
  "workflow": {
    "initial": "open",
    "statuses": [
      {"id": "open", "label": {"fr": "En cours", "en": "Open"}, "kind": "open"},
      {"id": "accepted", "label": {"fr": "Acceptée", "en": "Accepted"}, "kind": "closed_accepted"},
      {"id": "refused", "label": {"fr": "Refusée", "en": "Refused"}, "kind": "closed_refused"},
      {"id": "withdrawn", "label": {"fr": "Retirée", "en": "Withdrawn"}, "kind": "closed_withdrawn"}
    ],
    "transitions": [
      {"id": "accept", "from": ["open"], "to": "accepted", "label": {"fr": "Accepter", "en": "Accept"}},
      {"id": "refuse", "from": ["open"], "to": "refused", "label": {"fr": "Refuser", "en": "Refuse"}},
      {"id": "withdraw", "from": ["*"], "to": "withdrawn", "label": {"fr": "Retirer ma demande", "en": "Withdraw my request"},
       "by_requester": true}
    ]
  },
  "sla": {
    "targets": [
      {"priority": "normal", "first_response": {"days": 2}, "resolution": {"days": 10}}
    ]
  }
}"#;

/// The starter definition, parsed.
pub fn starter_definition() -> ServiceDefinition {
    ServiceDefinition::from_json(STARTER_DEFINITION).expect("the starter definition is valid")
}

/// Notices shown after a redirect (`?notice=…`): only these ids, never free text.
const NOTICES: &[&str] = &[
    "catalogue-created",
    "catalogue-saved",
    "catalogue-published",
    "catalogue-archived",
    "catalogue-imported",
    "catalogue-draft-saved",
];

pub(crate) fn notice(ctx: &Ctx, query: &Fields) -> Option<String> {
    let n = value(query, "notice");
    NOTICES.contains(&n).then(|| ctx.t(n))
}

/// Checks a stored or imported definition: parsed as on import, every error with its path.
pub fn check(definition: &Value) -> Result<ServiceDefinition, Vec<DefinitionError>> {
    ServiceDefinition::from_json(&definition.to_string())
}

/// A service's title in the visitor's language (French when there is no English one).
pub(crate) fn title_of(ctx: &Ctx, s: &Service) -> String {
    s.title(ctx.locale).to_owned()
}

pub(crate) async fn service_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<Service> {
    let id = parse_id(id)?;
    services::get(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The version the builder works on: the draft, or else the published version (saving it
/// opens a new draft), or else the latest.
pub(crate) async fn editable_version(
    state: &AppState,
    ctx: &Ctx,
    s: &Service,
) -> AppResult<Version> {
    if let Some(d) = services::draft(&state.db, ctx.tenant.id, s.id).await? {
        return Ok(d);
    }
    if let Some(v) = s.published_version
        && let Some(p) = services::version(&state.db, ctx.tenant.id, s.id, v).await?
    {
        return Ok(p);
    }
    services::versions(&state.db, ctx.tenant.id, s.id)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// What the builder pages share: the service, the version being edited, its definition and
/// what is still wrong with it.
#[allow(dead_code)] // used by the builder pages, step by step
pub(crate) struct Editing {
    pub service: Service,
    pub version: i32,
    pub is_draft: bool,
    pub def: ServiceDefinition,
    pub problems: Vec<DefinitionError>,
}

#[allow(dead_code)]
impl Editing {
    pub(crate) async fn load(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<Self> {
        ctx.staff(Permission::ManageCatalogue)?;
        let service = service_of(state, ctx, id).await?;
        let v = editable_version(state, ctx, &service).await?;
        // Builder saves keep the definition's shape; only a definition written straight into
        // the store could fail here. It must be replaced by an import.
        let def: ServiceDefinition = serde_json::from_value(v.definition.0.clone())
            .map_err(|_| AppError::Refused(StatusCode::CONFLICT, "catalogue-draft-unreadable"))?;
        let problems = def.validate().err().unwrap_or_default();
        Ok(Self {
            is_draft: v.state == "draft",
            version: v.version,
            service,
            def,
            problems,
        })
    }

    /// Saves the edited definition as the draft (a new version if the service had none).
    pub(crate) async fn save(&self, state: &AppState, ctx: &Ctx) -> AppResult<()> {
        let json = serde_json::to_value(&self.def)
            .map_err(|e| AppError::Internal(format!("definition: {e}")))?;
        services::save_draft(&state.db, &ctx.actor(), self.service.id, &json).await?;
        Ok(())
    }

    pub(crate) fn title(&self, ctx: &Ctx) -> String {
        title_of(ctx, &self.service)
    }

    /// The line saying which version is edited.
    pub(crate) fn editing_line(&self, ctx: &Ctx) -> String {
        if self.is_draft {
            ctx.t1("catalogue-editing-draft", "version", self.version)
        } else {
            ctx.t1("catalogue-editing-new", "version", self.version)
        }
    }
}

/// Links between the pages of one service.
pub struct ServiceLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub(crate) fn service_nav(ctx: &Ctx, id: uuid::Uuid, current: &str) -> Vec<ServiceLink> {
    [
        ("", "catalogue-tab-overview"),
        ("/form", "catalogue-tab-form"),
        ("/documents", "catalogue-tab-documents"),
        ("/workflow", "catalogue-tab-workflow"),
        ("/sla", "catalogue-tab-sla"),
    ]
    .into_iter()
    .map(|(suffix, label)| ServiceLink {
        href: format!("/admin/services/{id}{suffix}"),
        label: ctx.t(label),
        current: suffix == current,
    })
    .collect()
}

// ---------------------------------------------------------------------------------------
// List

pub struct ServiceRow {
    pub id: uuid::Uuid,
    pub title: String,
    pub slug: String,
    pub category: String,
    pub state: String,
    pub published: String,
    pub draft: String,
}

#[derive(Template)]
#[template(path = "catalogue/list.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    rows: Vec<ServiceRow>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    let all = services::list(&state.db, ctx.tenant.id, false).await?;
    let mut rows = Vec::with_capacity(all.len());
    for s in all {
        let draft = services::draft(&state.db, ctx.tenant.id, s.id)
            .await?
            .map(|d| d.version.to_string())
            .unwrap_or_default();
        rows.push(ServiceRow {
            id: s.id,
            title: title_of(&ctx, &s),
            slug: s.slug.clone(),
            category: s.category.clone(),
            state: ctx.t(&format!("catalogue-state-{}", s.state)),
            published: s
                .published_version
                .map(|v| v.to_string())
                .unwrap_or_default(),
            draft,
        });
    }
    render(&ListTpl {
        notice: notice(&ctx, &q),
        nav: nav(&ctx, "/admin/services", true),
        ctx: &ctx,
        rows,
    })
}

// ---------------------------------------------------------------------------------------
// Descriptive fields

/// The descriptive fields as typed (shown again as typed when refused).
#[derive(Default)]
pub struct MetaForm {
    pub slug: String,
    pub title_fr: String,
    pub title_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub category: String,
    pub audience: String,
    pub channels: Vec<String>,
    pub who_may_file: String,
}

impl MetaForm {
    fn of(s: &Service) -> Self {
        Self {
            slug: s.slug.clone(),
            title_fr: s.title_fr.clone(),
            title_en: s.title_en.clone(),
            description_fr: s.description_fr.clone(),
            description_en: s.description_en.clone(),
            category: s.category.clone(),
            audience: s.audience.clone(),
            channels: s.channels.0.clone(),
            who_may_file: s.who_may_file.clone(),
        }
    }

    fn typed(fields: &Fields) -> Self {
        Self {
            slug: value(fields, "slug").trim().to_owned(),
            title_fr: value(fields, "title_fr").trim().to_owned(),
            title_en: value(fields, "title_en").trim().to_owned(),
            description_fr: value(fields, "description_fr").trim().to_owned(),
            description_en: value(fields, "description_en").trim().to_owned(),
            category: value(fields, "category").trim().to_owned(),
            audience: value(fields, "audience").trim().to_owned(),
            channels: values(fields, "channel").map(str::to_owned).collect(),
            who_may_file: value(fields, "who_may_file").to_owned(),
        }
    }

    pub fn has_channel(&self, c: &str) -> bool {
        self.channels.iter().any(|x| x == c)
    }

    /// The fields as the store takes them, or what is wrong (rules in the domain crate).
    fn validate(&self) -> Result<Meta, Errors> {
        let typed = ServiceMeta {
            slug: self.slug.clone(),
            category: self.category.clone(),
            audience: self.audience.clone(),
            channels: self.channels.clone(),
            who_may_file: self.who_may_file.clone(),
            title_fr: self.title_fr.clone(),
            title_en: self.title_en.clone(),
            description_fr: self.description_fr.clone(),
            description_en: self.description_en.clone(),
        };
        let m = typed.validate().map_err(|errors| {
            errors
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Errors>()
        })?;
        Ok(Meta {
            slug: m.slug,
            category: m.category,
            audience: m.audience,
            channels: m.channels,
            who_may_file: m.who_may_file,
            title_fr: m.title_fr,
            title_en: m.title_en,
            description_fr: m.description_fr,
            description_en: m.description_en,
        })
    }
}

fn channel_options(ctx: &Ctx) -> Vec<(&'static str, String)> {
    CHANNELS
        .into_iter()
        .map(|c| (c, ctx.t(&format!("catalogue-channel-{c}"))))
        .collect()
}

fn who_options(ctx: &Ctx) -> Vec<(&'static str, String)> {
    WHO_MAY_FILE
        .into_iter()
        .map(|c| (c, ctx.t(&format!("catalogue-who-{c}"))))
        .collect()
}

#[derive(Template)]
#[template(path = "catalogue/new.html")]
struct NewTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    errors: Errors,
    form: MetaForm,
    channels: Vec<(&'static str, String)>,
    who: Vec<(&'static str, String)>,
}

fn new_page(ctx: &Ctx, form: MetaForm, errors: Errors) -> AppResult<Response> {
    let r = render(&NewTpl {
        nav: nav(ctx, "/admin/services", false),
        errors: errors.clone(),
        form,
        channels: channel_options(ctx),
        who: who_options(ctx),
        ctx,
    })?;
    Ok(crate::admin::with_status(
        r,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn new_form(ctx: Ctx) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    new_page(
        &ctx,
        MetaForm {
            channels: vec!["portal".into()],
            who_may_file: "anyone".into(),
            ..Default::default()
        },
        Errors::new(),
    )
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    let form = MetaForm::typed(&fields);
    let meta = match form.validate() {
        Ok(m) => m,
        Err(errors) => return new_page(&ctx, form, errors),
    };
    let definition = serde_json::to_value(starter_definition())
        .map_err(|e| AppError::Internal(format!("definition: {e}")))?;
    match services::create(&state.db, &ctx.actor(), &meta, &definition).await {
        Ok(s) => Ok(Redirect::to(&format!(
            "/admin/services/{}?notice=catalogue-created",
            s.id
        ))
        .into_response()),
        Err(StoreError::Conflict) => new_page(&ctx, form, vec![("slug", "catalogue-slug-taken")]),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Service page

pub struct VersionRow {
    pub version: i32,
    pub state: String,
    pub created_at: String,
    pub published_at: String,
}

#[derive(Default)]
struct Extras {
    notice: Option<String>,
    errors: Errors,
    form: Option<MetaForm>,
    /// Why publishing was refused.
    publish_errors: Vec<DefinitionError>,
    /// Why an import was refused.
    import_errors: Vec<DefinitionError>,
    import_text: String,
}

#[derive(Template)]
#[template(path = "catalogue/service.html")]
struct ServiceTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    tabs: Vec<ServiceLink>,
    notice: Option<String>,
    errors: Errors,
    service: &'a Service,
    title: String,
    state_label: String,
    form: MetaForm,
    channels: Vec<(&'static str, String)>,
    who: Vec<(&'static str, String)>,
    versions: Vec<VersionRow>,
    draft: Option<i32>,
    problems: Vec<DefinitionError>,
    /// What the draft changes from the published version: `(description, affects answers)`.
    changes: Vec<(String, bool)>,
    publish_errors: Vec<DefinitionError>,
    import_errors: Vec<DefinitionError>,
    import_text: String,
}

async fn service_page(
    state: &AppState,
    ctx: &Ctx,
    service: &Service,
    extras: Extras,
    status: StatusCode,
) -> AppResult<Response> {
    let all = services::versions(&state.db, ctx.tenant.id, service.id).await?;
    let draft = all.iter().find(|v| v.state == "draft");
    let problems = match draft {
        Some(d) => check(&d.definition.0).err().unwrap_or_default(),
        None => Vec::new(),
    };
    let published = all
        .iter()
        .find(|v| Some(v.version) == service.published_version);
    let changes = draft_changes(ctx, published, draft);
    let draft = draft.map(|d| d.version);
    let versions = all
        .iter()
        .map(|v| VersionRow {
            version: v.version,
            state: ctx.t(&format!("catalogue-version-{}", v.state)),
            created_at: v.created_at.format("%Y-%m-%d %H:%M").to_string(),
            published_at: v
                .published_at
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
        })
        .collect();
    let mut r = render(&ServiceTpl {
        nav: nav(ctx, "/admin/services", false),
        tabs: service_nav(ctx, service.id, ""),
        notice: extras.notice,
        errors: extras.errors,
        title: title_of(ctx, service),
        state_label: ctx.t(&format!("catalogue-state-{}", service.state)),
        form: extras.form.unwrap_or_else(|| MetaForm::of(service)),
        channels: channel_options(ctx),
        who: who_options(ctx),
        versions,
        draft,
        problems,
        changes,
        publish_errors: extras.publish_errors,
        import_errors: extras.import_errors,
        import_text: extras.import_text,
        service,
        ctx,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

/// What the draft changes from the published version, described in the visitor's language,
/// each with whether it affects answers in progress. Empty without both versions or when
/// either is not even shaped like a definition (the draft's problems say why).
fn draft_changes(
    ctx: &Ctx,
    published: Option<&Version>,
    draft: Option<&Version>,
) -> Vec<(String, bool)> {
    let parse =
        |v: &Version| serde_json::from_value::<ServiceDefinition>(v.definition.0.clone()).ok();
    let (Some(old), Some(new)) = (published.and_then(parse), draft.and_then(parse)) else {
        return Vec::new();
    };
    definition::changes(&old, &new)
        .iter()
        .map(|c| (c.describe(ctx.locale), c.affects_answers()))
        .collect()
}

async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    let service = service_of(&state, &ctx, &id).await?;
    let extras = Extras {
        notice: notice(&ctx, &q),
        ..Default::default()
    };
    service_page(&state, &ctx, &service, extras, StatusCode::OK).await
}

async fn save_meta(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    let service = service_of(&state, &ctx, &id).await?;
    let form = MetaForm::typed(&fields);
    let refuse = |form, errors| Extras {
        errors,
        form: Some(form),
        ..Default::default()
    };
    let meta = match form.validate() {
        Ok(m) => m,
        Err(errors) => {
            return service_page(
                &state,
                &ctx,
                &service,
                refuse(form, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match services::update_meta(&state.db, &ctx.actor(), service.id, &meta).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/admin/services/{}?notice=catalogue-saved",
            service.id
        ))
        .into_response()),
        Err(StoreError::Conflict) => {
            service_page(
                &state,
                &ctx,
                &service,
                refuse(form, vec![("slug", "catalogue-slug-taken")]),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Publishes the draft if its definition is valid; otherwise lists every error (422) and
/// publishes nothing.
async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    let service = service_of(&state, &ctx, &id).await?;
    let Some(draft) = services::draft(&state.db, ctx.tenant.id, service.id).await? else {
        return Err(AppError::Refused(
            StatusCode::CONFLICT,
            "catalogue-no-draft",
        ));
    };
    if let Err(errors) = check(&draft.definition.0) {
        let extras = Extras {
            publish_errors: errors,
            ..Default::default()
        };
        return service_page(
            &state,
            &ctx,
            &service,
            extras,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    services::publish(&state.db, &ctx.actor(), service.id).await?;
    Ok(Redirect::to(&format!(
        "/admin/services/{}?notice=catalogue-published",
        service.id
    ))
    .into_response())
}

async fn archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    let service = service_of(&state, &ctx, &id).await?;
    services::archive(&state.db, &ctx.actor(), service.id).await?;
    Ok(Redirect::to(&format!(
        "/admin/services/{}?notice=catalogue-archived",
        service.id
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Export and import

/// The definition as a JSON download: `?version=N`, by default the draft or else the
/// published version.
async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    let service = service_of(&state, &ctx, &id).await?;
    let version = match value(&q, "version") {
        "" => editable_version(&state, &ctx, &service).await?,
        n => {
            let n: i32 = n.parse().map_err(|_| AppError::NotFound)?;
            services::version(&state.db, ctx.tenant.id, service.id, n)
                .await?
                .ok_or(AppError::NotFound)?
        }
    };
    let body = match serde_json::from_value::<ServiceDefinition>(version.definition.0.clone()) {
        Ok(def) => def.to_json_pretty(),
        Err(_) => serde_json::to_string_pretty(&version.definition.0)
            .map_err(|e| AppError::Internal(e.to_string()))?,
    };
    let filename = format!("{}-v{}.json", service.slug, version.version);
    let mut r = (body + "\n").into_response();
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// Imports a definition as the draft: a JSON file (`multipart/form-data`, field `file`, the
/// CSRF token in the query string) or the text of the `definition` field. Everything is
/// checked first; any error is listed with its path (422) and nothing is saved.
async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCatalogue)?;
    let service = service_of(&state, &ctx, &id).await?;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    let text;
    let mut too_large = false;
    if is_multipart {
        let bad = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::BadRequest
            }
        };
        let mut multipart = Multipart::from_request(req, &state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        let mut file: Vec<u8> = Vec::new();
        let mut typed: Vec<u8> = Vec::new();
        while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
            let target = match field.name() {
                Some("file") => &mut file,
                Some("definition") => &mut typed,
                _ => continue,
            };
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                target.extend_from_slice(&chunk);
                if target.len() > MAX_DEFINITION_BYTES {
                    too_large = true;
                    break;
                }
            }
        }
        let bytes = if file.iter().any(|b| !b.is_ascii_whitespace()) {
            file
        } else {
            typed
        };
        match String::from_utf8(bytes) {
            Ok(t) => text = t,
            Err(_) => {
                let extras = Extras {
                    import_errors: vec![DefinitionError::new("", "the file is not UTF-8 text")],
                    ..Default::default()
                };
                return service_page(
                    &state,
                    &ctx,
                    &service,
                    extras,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    } else {
        let Form(fields) = Form::<Fields>::from_request(req, &state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        text = value(&fields, "definition").to_owned();
        too_large = text.len() > MAX_DEFINITION_BYTES;
    }
    let refused = |errors: Vec<(&'static str, &'static str)>, import_errors, text: String| Extras {
        errors,
        import_errors,
        import_text: text,
        ..Default::default()
    };
    if too_large {
        let extras = refused(
            vec![("definition", "catalogue-import-too-large")],
            vec![],
            String::new(),
        );
        return service_page(
            &state,
            &ctx,
            &service,
            extras,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if text.trim().is_empty() {
        let extras = refused(
            vec![("definition", "catalogue-import-empty")],
            vec![],
            String::new(),
        );
        return service_page(
            &state,
            &ctx,
            &service,
            extras,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let def = match ServiceDefinition::from_json(&text) {
        Ok(def) => def,
        Err(errors) => {
            let extras = refused(vec![], errors, text);
            return service_page(
                &state,
                &ctx,
                &service,
                extras,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let json =
        serde_json::to_value(&def).map_err(|e| AppError::Internal(format!("definition: {e}")))?;
    services::save_draft(&state.db, &ctx.actor(), service.id, &json).await?;
    Ok(Redirect::to(&format!(
        "/admin/services/{}?notice=catalogue-imported",
        service.id
    ))
    .into_response())
}

//! Importing persons from a CSV or vCard file (back office, `Write` permission):
//!
//! 1. upload (`multipart/form-data`, at most `max_import_bytes`): the body is written to a
//!    temporary file of the file store as it arrives, then read by
//!    `relais_domain::import::scan` (encoding, delimiter, header, every row's width); a file
//!    that cannot be read is refused with a message naming its line, and nothing is kept.
//!    Otherwise the file is kept under its hash and an import record is made;
//! 2. mapping (CSV only): each column to a field, pre-filled by `suggest_mapping`, with a
//!    few sample values per column;
//! 3. dry run: every row accepted or rejected with its row, column and reason (paged), the
//!    rejected rows downloadable as CSV with a reason column;
//! 4. "import" queues a `person.import` job ([`ImportJob`]), whose page shows a progress bar
//!    (refreshed by htmx polling when JavaScript runs, by a link otherwise) and the final
//!    counts. No row is dropped: accepted + rejected = rows of the file.
//!
//! Every import, job and rejected-rows file is looked up in the request's tenant only.
//!
//! The file is never held whole in memory: each step reads it again from the file store a
//! row at a time (`import::open`), in a blocking task, and the dry run keeps only its counts
//! and the rejected rows. Memory stays bounded whatever the file's size.

use crate::{
    admin::{Errors, Fields, parse_id, value},
    ctx::Ctx,
    error::{AppError, AppResult},
    i18n,
    jobs::{JobContext, JobError, JobFuture, JobHandler},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Multipart, Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use fluent_bundle::FluentValue;
use relais_domain::{
    Locale, Permission,
    import::{
        self, Encoding, IMPORT_CODES, ImportError, ImportedPerson, Mapping, ReadError, RejectedRow,
        Report, Rows, Target,
    },
};
use relais_store::{
    StoreError,
    imports::{self, Counts, NewImport, PersonBatch, PersonImport},
    jobs::{Job, JobState},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// The upload route (its body limit is `max_import_bytes`, see `middleware::body_limit`).
pub const UPLOAD_PATH: &str = "/backoffice/people/import";
/// Rejected rows per page of the dry-run report.
pub const REPORT_PAGE: usize = 50;
/// Persons stored per transaction by the job.
pub const BATCH: usize = 5_000;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            UPLOAD_PATH,
            get(upload_form)
                .post(upload)
                // The whole body is already limited by `body_limit` for this route.
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/backoffice/people/import/{import}", get(show))
        .route(
            "/backoffice/people/import/{import}/mapping",
            get(mapping_form).post(save_mapping),
        )
        .route("/backoffice/people/import/{import}/start", post(start))
        .route("/backoffice/people/import/{import}/progress", get(progress))
        .route(
            "/backoffice/people/import/{import}/rejected.csv",
            get(rejected_download),
        )
}

/// A rejected row as kept in the file store: its line, values and (column, message id)
/// reasons.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rejection {
    pub line: usize,
    pub values: Vec<String>,
    pub reasons: Vec<(String, String)>,
}

/// The text of a file-level error, with its line and details.
pub fn error_text(locale: Locale, e: &ImportError) -> String {
    let n = |v: usize| FluentValue::from(v as i64);
    let args: Vec<(&str, FluentValue)> = match e {
        ImportError::Encoding { offset, line } => {
            vec![("offset", n(*offset + 1)), ("line", n(*line))]
        }
        ImportError::MissingHeader { line } | ImportError::UnterminatedQuote { line } => {
            vec![("line", n(*line))]
        }
        ImportError::ColumnCount {
            line,
            expected,
            actual,
        } => vec![
            ("line", n(*line)),
            ("expected", n(*expected)),
            ("actual", n(*actual)),
        ],
        ImportError::MappingWidth { expected, actual } => {
            vec![("expected", n(*expected)), ("actual", n(*actual))]
        }
        ImportError::MappingMissing(t) | ImportError::MappingDuplicate(t) => {
            vec![("field", FluentValue::from(target_label(locale, *t)))]
        }
        ImportError::Vcard { card, line, .. } => vec![("card", n(*card)), ("line", n(*line))],
        _ => Vec::new(),
    };
    i18n::message(locale, e.code(), &args)
}

pub fn target_label(locale: Locale, t: Target) -> String {
    i18n::message(
        locale,
        &format!("import-target-{}", t.as_str().replace('_', "-")),
        &[],
    )
}

/// A reason as a person reads it: "Courriel : saisissez une adresse…".
fn reason_text(locale: Locale, column: &str, code: &str) -> String {
    let message = i18n::message(locale, code, &[]);
    if column.is_empty() {
        message
    } else {
        i18n::message(
            locale,
            "import-reason",
            &[
                ("column", FluentValue::from(column.to_owned())),
                ("reason", FluentValue::from(message)),
            ],
        )
    }
}

async fn import_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<PersonImport> {
    let id = parse_id(id)?;
    imports::get(&state.db, ctx.tenant.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Reads the import's stored file row by row, in a blocking task (reading and checking a
/// million rows is seconds of work, not for the async workers). `Ok(Err(_))` is what the
/// file's content or the mapping refuses, to show; a file that cannot be opened or read is
/// our error.
async fn read_rows<T: Send + 'static>(
    state: &AppState,
    import: &PersonImport,
    work: impl FnOnce(Rows<std::fs::File>) -> Result<T, ReadError> + Send + 'static,
) -> AppResult<Result<T, ImportError>> {
    let hash = import.file_hash.clone();
    let file = state
        .files
        .open(&hash)
        .await
        .map_err(|e| AppError::Internal(format!("file {hash}: {e}")))?;
    let encoding = Encoding::parse(&import.encoding).ok_or_else(|| {
        AppError::Internal(format!(
            "import {}: encoding {}",
            import.id, import.encoding
        ))
    })?;
    let outcome = tokio::task::spawn_blocking(move || import::open(file, encoding).and_then(work))
        .await
        .map_err(|e| AppError::Internal(format!("reading file {hash}: {e}")))?;
    match outcome {
        Ok(t) => Ok(Ok(t)),
        Err(ReadError::Import(e)) => Ok(Err(e)),
        Err(ReadError::Io(e)) => Err(AppError::Internal(format!(
            "reading file {}: {e}",
            import.file_hash
        ))),
    }
}

/// Keeps the rejected rows in the file store; returns their hash.
async fn keep_rejections(state: &AppState, rejected: &[RejectedRow]) -> Result<String, StoreError> {
    let rows: Vec<Rejection> = rejected
        .iter()
        .map(|r| Rejection {
            line: r.line,
            values: r.values.clone(),
            reasons: r
                .reasons
                .iter()
                .map(|(c, code)| (c.clone(), (*code).to_owned()))
                .collect(),
        })
        .collect();
    let json = serde_json::to_vec(&rows).map_err(|e| StoreError::Other(e.to_string()))?;
    state.files.put(&json).await
}

async fn rejections(state: &AppState, import: &PersonImport) -> AppResult<Vec<Rejection>> {
    let Some(hash) = &import.rejected_hash else {
        return Ok(Vec::new());
    };
    let bytes = state.files.get(hash).await?;
    serde_json::from_slice(&bytes).map_err(|e| AppError::Internal(format!("rejections: {e}")))
}

/// Runs the dry run with `mapping` (a CSV file's, chosen on the mapping page; `None`: the
/// one the format imposes) and keeps its outcome on the import: the counts and the rejected
/// rows, not the accepted ones.
async fn check(
    state: &AppState,
    ctx: &Ctx,
    import: &PersonImport,
    mapping: Option<&Mapping>,
) -> AppResult<Result<(), ImportError>> {
    let today = Utc::now().date_naive();
    let chosen = mapping.cloned();
    let tally = match read_rows(state, import, move |rows| {
        let mapping = rows
            .fixed_mapping
            .clone()
            .or(chosen)
            .ok_or(ImportError::MappingMissing(Target::GivenName))?;
        import::tally(rows, mapping, today)
    })
    .await?
    {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let hash = keep_rejections(state, &tally.rejected).await?;
    let counts = Counts {
        total: tally.total() as i64,
        accepted: tally.accepted as i64,
        rejected: tally.rejected.len() as i64,
    };
    imports::set_checked(&state.db, &ctx.actor(), import.id, mapping, counts, &hash)
        .await
        .map_err(refusal)?;
    Ok(Ok(()))
}

fn refusal(e: StoreError) -> AppError {
    match e {
        StoreError::Rule(code @ ("import-already-started" | "import-not-checked")) => {
            AppError::Refused(StatusCode::CONFLICT, code)
        }
        other => other.into(),
    }
}

fn state_label(ctx: &Ctx, import: &PersonImport, job: Option<&Job>) -> String {
    let id = match (import.state.as_str(), job.map(|j| j.state)) {
        ("uploaded", _) => "import-state-uploaded",
        ("checked", _) => "import-state-checked",
        (_, Some(JobState::Running)) => "import-state-running",
        (_, Some(JobState::Done)) => "import-state-done",
        (_, Some(JobState::Failed)) => "import-state-failed",
        _ => "import-state-queued",
    };
    ctx.t(id)
}

// ---------------------------------------------------------------------------------------
// Upload

pub struct ImportRow {
    pub id: Uuid,
    pub file_name: String,
    pub created_at: String,
    pub state: String,
    pub accepted: Option<i64>,
    pub rejected: Option<i64>,
}

#[derive(Template)]
#[template(path = "people/import_upload.html")]
struct UploadTpl<'a> {
    ctx: &'a Ctx,
    errors: Errors,
    file_error: Option<String>,
    max_mb: usize,
    rows: Vec<ImportRow>,
}

async fn upload_page(
    state: &AppState,
    ctx: &Ctx,
    file_error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let mut rows = Vec::new();
    for i in imports::list(&state.db, ctx.tenant.id, 20).await? {
        let job = imports::job_of(&state.db, &i, ctx.tenant.id).await?;
        rows.push(ImportRow {
            id: i.id,
            state: state_label(ctx, &i, job.as_ref()),
            file_name: i.file_name.clone(),
            created_at: crate::people::when(&i.created_at),
            accepted: i.accepted_rows,
            rejected: i.rejected_rows,
        });
    }
    let errors: Errors = if file_error.is_some() {
        vec![("file", "import-file-refused")]
    } else {
        Vec::new()
    };
    let mut r = render(&UploadTpl {
        ctx,
        errors,
        file_error,
        max_mb: state.config.max_import_bytes.div_ceil(1024 * 1024),
        rows,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

async fn upload_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    upload_page(&state, &ctx, None, StatusCode::OK).await
}

/// A file name fit to show and to put in a header: its last path component, control
/// characters removed, 100 characters at most.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    if clean.trim().is_empty() {
        "import.csv".to_owned()
    } else {
        clean.trim().to_owned()
    }
}

/// `multipart/form-data` with the field `file`; the CSRF token comes in the query string.
async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mut multipart: Multipart,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let limit = state.config.max_import_bytes;
    let too_large = || {
        i18n::message(
            ctx.locale,
            "import-too-large",
            &[("max", FluentValue::from(limit.div_ceil(1024 * 1024) as i64))],
        )
    };
    let mut file: Option<(String, relais_store::files::Pending)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return upload_page(
                    &state,
                    &ctx,
                    Some(too_large()),
                    StatusCode::PAYLOAD_TOO_LARGE,
                )
                .await;
            }
            Err(_) => return Err(AppError::BadRequest),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_file_name(field.file_name().unwrap_or(""));
        let mut field = field;
        // Written to disk as it arrives (a temporary file, removed if the upload stops
        // here or the file is refused).
        let mut written = state.files.upload().await?;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    written.write(&chunk).await?;
                    if written.size() > limit as u64 {
                        return upload_page(
                            &state,
                            &ctx,
                            Some(too_large()),
                            StatusCode::PAYLOAD_TOO_LARGE,
                        )
                        .await;
                    }
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return upload_page(
                        &state,
                        &ctx,
                        Some(too_large()),
                        StatusCode::PAYLOAD_TOO_LARGE,
                    )
                    .await;
                }
                Err(_) => return Err(AppError::BadRequest),
            }
        }
        file = Some((name, written.finish().await?));
        break;
    }
    let Some((name, pending)) = file else {
        let text = ctx.t("import-no-file");
        return upload_page(&state, &ctx, Some(text), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // Read whole, a row at a time, in a blocking task: refused files are refused here.
    let reader = pending.open()?;
    let scanned = tokio::task::spawn_blocking(move || import::scan(reader, |_| {}))
        .await
        .map_err(|e| AppError::Internal(format!("reading an upload: {e}")))?;
    let scan = match scanned {
        Ok(s) => s,
        Err(ReadError::Import(e)) => {
            drop(pending);
            let text = error_text(ctx.locale, &e);
            return upload_page(&state, &ctx, Some(text), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(ReadError::Io(e)) => return Err(AppError::Internal(format!("reading an upload: {e}"))),
    };
    let file_size = pending.size() as i64;
    let hash = pending.keep().await?;
    let delimiter = if scan.format == import::Format::Csv {
        scan.delimiter.to_string()
    } else {
        String::new()
    };
    let id = imports::create(
        &state.db,
        &ctx.actor(),
        &NewImport {
            format: scan.format.as_str(),
            file_name: &name,
            file_hash: &hash,
            file_size,
            encoding: scan.encoding.as_str(),
            delimiter: &delimiter,
            headers: &scan.headers,
        },
    )
    .await?;
    if scan.fixed_mapping.is_some() {
        let import = imports::get(&state.db, ctx.tenant.id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Err(e) = check(&state, &ctx, &import, None).await? {
            return Err(AppError::Internal(format!("fixed mapping refused: {e}")));
        }
        return Ok(Redirect::to(&format!("/backoffice/people/import/{id}")).into_response());
    }
    Ok(Redirect::to(&format!("/backoffice/people/import/{id}/mapping")).into_response())
}

// ---------------------------------------------------------------------------------------
// Mapping

pub struct ColumnChoice {
    pub index: usize,
    pub header: String,
    pub samples: String,
    pub options: Vec<crate::people::Choice>,
}

#[derive(Template)]
#[template(path = "people/import_mapping.html")]
struct MappingTpl<'a> {
    ctx: &'a Ctx,
    import: PersonImport,
    mapping_error: Option<String>,
    columns: Vec<ColumnChoice>,
    rows: usize,
}

fn column_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

/// What the mapping page shows of the file: its row count and the first three non-empty
/// values of each column (40 characters at most).
struct Preview {
    rows: usize,
    samples: Vec<Vec<String>>,
}

fn preview(rows: Rows<std::fs::File>) -> Result<Preview, ReadError> {
    let mut samples = vec![Vec::new(); rows.headers.len()];
    let mut count = 0;
    for row in rows {
        let row = row?;
        count += 1;
        for (column, v) in samples.iter_mut().zip(&row.fields) {
            let v = v.trim();
            if column.len() < 3 && !v.is_empty() {
                column.push(v.chars().take(40).collect());
            }
        }
    }
    Ok(Preview {
        rows: count,
        samples,
    })
}

/// The file's [`Preview`] (it was read at upload, so an error here is ours).
async fn preview_of(state: &AppState, import: &PersonImport) -> AppResult<Preview> {
    read_rows(state, import, preview)
        .await?
        .map_err(|e| AppError::Internal(format!("file {}: {e}", import.file_hash)))
}

fn mapping_page(
    ctx: &Ctx,
    import: PersonImport,
    preview: Preview,
    mapping: &Mapping,
    mapping_error: Option<String>,
) -> AppResult<Response> {
    let columns = import
        .headers
        .0
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let samples = preview.samples.get(i).map_or(&[][..], Vec::as_slice);
            let chosen = mapping.columns.get(i).copied().flatten();
            let mut options = vec![crate::people::Choice {
                value: String::new(),
                label: ctx.t("import-target-none"),
                selected: chosen.is_none() || chosen == Some(Target::Ignore),
            }];
            options.extend(
                Target::ALL
                    .into_iter()
                    .filter(|t| *t != Target::Ignore)
                    .map(|t| crate::people::Choice {
                        value: t.as_str().to_owned(),
                        label: target_label(ctx.locale, t),
                        selected: chosen == Some(t),
                    }),
            );
            ColumnChoice {
                index: i,
                header: if h.is_empty() {
                    ctx.t1("import-column-untitled", "letter", column_letter(i))
                } else {
                    ctx.t1("import-column-named", "letter", column_letter(i)) + " « " + h + " »"
                },
                samples: samples.join(" · "),
                options,
            }
        })
        .collect();
    let status = if mapping_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut r = render(&MappingTpl {
        ctx,
        rows: preview.rows,
        import,
        mapping_error,
        columns,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

async fn mapping_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let import = import_of(&state, &ctx, &id).await?;
    if import.state == "started" || import.format != "csv" {
        return Ok(
            Redirect::to(&format!("/backoffice/people/import/{}", import.id)).into_response(),
        );
    }
    let preview = preview_of(&state, &import).await?;
    let mapping = import
        .mapping
        .as_ref()
        .map(|m| m.0.clone())
        .unwrap_or_else(|| import::suggest_mapping(&import.headers.0));
    mapping_page(&ctx, import, preview, &mapping, None)
}

async fn save_mapping(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let import = import_of(&state, &ctx, &id).await?;
    if import.state == "started" {
        return Err(AppError::Refused(
            StatusCode::CONFLICT,
            "import-already-started",
        ));
    }
    if import.format != "csv" {
        return Err(AppError::NotFound);
    }
    let width = import.headers.0.len();
    let mut columns = Vec::with_capacity(width);
    for i in 0..width {
        let v = value(&fields, &format!("column-{i}"));
        columns.push(match v {
            "" => None,
            v => Some(v.parse::<Target>().map_err(|_| AppError::BadRequest)?),
        });
    }
    let mapping = Mapping { columns };
    match check(&state, &ctx, &import, Some(&mapping)).await? {
        Ok(()) => Ok(Redirect::to(&format!(
            "/backoffice/people/import/{}?notice=import-checked",
            import.id
        ))
        .into_response()),
        Err(e) => {
            let text = error_text(ctx.locale, &e);
            let preview = preview_of(&state, &import).await?;
            mapping_page(&ctx, import, preview, &mapping, Some(text))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Report, start and progress

pub struct ReasonRow {
    pub line: usize,
    pub column: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "people/import_report.html")]
struct ReportTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    import: PersonImport,
    total: i64,
    accepted: i64,
    rejected: i64,
    reasons: Vec<ReasonRow>,
    page: usize,
    pages: usize,
}

#[derive(Template)]
#[template(path = "people/import_progress.html")]
struct ProgressTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    import: PersonImport,
    p: ProgressView,
}

#[derive(Template)]
#[template(path = "people/import_progress_part.html")]
struct ProgressPartTpl<'a> {
    ctx: &'a Ctx,
    import: PersonImport,
    p: ProgressView,
}

/// What the progress section shows.
pub struct ProgressView {
    pub state: String,
    pub running: bool,
    pub failed: bool,
    pub done: bool,
    pub stored: i64,
    pub to_store: i64,
    pub percent: i64,
    pub error: Option<String>,
    pub created: i64,
}

async fn progress_view(
    state: &AppState,
    ctx: &Ctx,
    import: &PersonImport,
) -> AppResult<ProgressView> {
    let job = imports::job_of(&state.db, import, ctx.tenant.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let created = if job.state == JobState::Done {
        imports::created_persons(&state.db, ctx.tenant.id, import.id).await?
    } else {
        0
    };
    let to_store = job
        .progress_total
        .or(import.accepted_rows)
        .unwrap_or_default();
    Ok(ProgressView {
        state: state_label(ctx, import, Some(&job)),
        running: !job.state.is_final(),
        failed: job.state == JobState::Failed,
        done: job.state == JobState::Done,
        stored: job.progress_done.min(to_store.max(job.progress_done)),
        to_store,
        percent: job.percent().unwrap_or(0),
        error: job.error.clone(),
        created,
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    pub page: Option<usize>,
    pub notice: Option<String>,
}

fn notice_text(ctx: &Ctx, q: &ShowQuery) -> Option<String> {
    q.notice
        .as_deref()
        .filter(|n| ["import-checked", "import-started"].contains(n))
        .map(|n| ctx.t(n))
}

async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let import = import_of(&state, &ctx, &id).await?;
    match import.state.as_str() {
        "uploaded" => Ok(
            Redirect::to(&format!("/backoffice/people/import/{}/mapping", import.id))
                .into_response(),
        ),
        "checked" => {
            let all = rejections(&state, &import).await?;
            let reasons: Vec<ReasonRow> = all
                .iter()
                .flat_map(|r| {
                    r.reasons.iter().map(|(column, code)| ReasonRow {
                        line: r.line,
                        column: column.clone(),
                        reason: i18n::message(ctx.locale, code, &[]),
                    })
                })
                .collect();
            let pages = reasons.len().div_ceil(REPORT_PAGE).max(1);
            let page = q.page.unwrap_or(1).clamp(1, pages);
            let shown = reasons
                .into_iter()
                .skip((page - 1) * REPORT_PAGE)
                .take(REPORT_PAGE)
                .collect();
            render(&ReportTpl {
                notice: notice_text(&ctx, &q),
                ctx: &ctx,
                total: import.total_rows.unwrap_or_default(),
                accepted: import.accepted_rows.unwrap_or_default(),
                rejected: import.rejected_rows.unwrap_or_default(),
                import,
                reasons: shown,
                page,
                pages,
            })
        }
        _ => {
            let p = progress_view(&state, &ctx, &import).await?;
            render(&ProgressTpl {
                notice: notice_text(&ctx, &q),
                ctx: &ctx,
                import,
                p,
            })
        }
    }
}

/// The progress section alone, for htmx polling.
async fn progress(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let import = import_of(&state, &ctx, &id).await?;
    let p = progress_view(&state, &ctx, &import).await?;
    render(&ProgressPartTpl {
        ctx: &ctx,
        import,
        p,
    })
}

async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let import = import_of(&state, &ctx, &id).await?;
    if import.accepted_rows.unwrap_or_default() == 0 {
        return Err(AppError::Refused(
            StatusCode::CONFLICT,
            "import-nothing-to-import",
        ));
    }
    imports::start(&state.db, &ctx.actor(), import.id)
        .await
        .map_err(refusal)?;
    crate::jobs::wake(&state);
    Ok(Redirect::to(&format!(
        "/backoffice/people/import/{}?notice=import-started",
        import.id
    ))
    .into_response())
}

/// The rejected rows as CSV (the file's columns plus a reason column in the reader's
/// language), from the dry run or, once the job ran, from the job.
async fn rejected_download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let import = import_of(&state, &ctx, &id).await?;
    if import.rejected_hash.is_none() {
        return Err(AppError::NotFound);
    }
    let rows = rejections(&state, &import).await?;
    let report = Report {
        accepted: Vec::new(),
        rejected: rows
            .into_iter()
            .map(|r| RejectedRow {
                line: r.line,
                values: r.values,
                reasons: r
                    .reasons
                    .into_iter()
                    .map(|(c, code)| {
                        let code = IMPORT_CODES
                            .iter()
                            .copied()
                            .find(|k| *k == code)
                            .unwrap_or("import-empty-row");
                        (c, code)
                    })
                    .collect(),
            })
            .collect(),
    };
    let locale = ctx.locale;
    let delimiter = import.delimiter_char();
    let delimiter = if import.format == "csv" {
        delimiter
    } else {
        ';'
    };
    let body = import::rejected_csv(
        &report,
        &import.headers.0,
        delimiter,
        &ctx.t("import-reason-column"),
        |row| {
            let reasons: Vec<String> = row
                .reasons
                .iter()
                .map(|(column, code)| reason_text(locale, column, code))
                .collect();
            format!(
                "{} — {}",
                i18n::message(
                    locale,
                    "import-row",
                    &[("line", FluentValue::from(row.line as i64))]
                ),
                reasons.join(" ; ")
            )
        },
    );
    let stem: String = import
        .file_name
        .rsplit_once('.')
        .map_or(import.file_name.as_str(), |(s, _)| s)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut r = body.into_response();
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let disposition = format!(
        "attachment; filename=\"{}-{stem}.csv\"",
        ctx.t("import-rejected-file")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------
// The job

/// Stores an import's accepted rows (`person.import`, payload `{"import_id": …}`): reads the
/// file again, runs the rules, inserts the accepted rows in batches of [`BATCH`] (each
/// batch with the job's progress, so a resumed job skips the stored ones), then keeps the
/// final rejected rows and counts on the import.
pub struct ImportJob;

impl JobHandler for ImportJob {
    fn kind(&self) -> &'static str {
        imports::JOB_KIND
    }

    fn run<'a>(&'a self, cx: &'a JobContext) -> JobFuture<'a> {
        Box::pin(run_import(cx))
    }
}

/// What the thread reading an import's file hands to the job.
enum Read {
    /// The next accepted rows, ready to store, and how many rows were accepted up to them.
    Batch(PersonBatch, usize),
    /// The whole file was read: every accepted row was handed over, these were refused.
    End(usize, Vec<RejectedRow>),
}

async fn run_import(cx: &JobContext) -> Result<serde_json::Value, JobError> {
    let state = &cx.state;
    let import_id = cx.job.payload["import_id"]
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| JobError::Fatal("payload without import_id".into()))?;
    let import = imports::get(&state.db, cx.job.tenant_id, import_id)
        .await?
        .ok_or_else(|| JobError::Fatal(format!("import {import_id} not found")))?;
    let hash = import.file_hash.clone();
    let file = state
        .files
        .open(&hash)
        .await
        .map_err(|e| JobError::Retry(format!("file {hash}: {e}")))?;
    let encoding = Encoding::parse(&import.encoding)
        .ok_or_else(|| JobError::Fatal(format!("unknown encoding {}", import.encoding)))?;
    // The total for the progress bar is the dry run's count (same file, same mapping).
    let expected = import.accepted_rows.unwrap_or_default();
    // Accepted rows a previous run of this job stored already: skipped, not stored twice.
    let stored_before = usize::try_from(cx.job.progress_done).unwrap_or(0);
    cx.progress(stored_before as i64, Some(expected)).await?;
    // A thread of its own reads the file a row at a time, runs the rules and prepares each
    // batch (ids, search keys) while the previous one is written, so reading and writing use
    // both cores instead of taking turns. The channel holds one batch: at most three are in
    // memory (one being read, one waiting, one being written).
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Result<Read, JobError>>(1);
    let mapping = import.mapping.as_ref().map(|m| m.0.clone());
    let reader = tokio::task::spawn_blocking(move || {
        if let Err(e) = read_import(file, encoding, mapping, &hash, stored_before, &sender) {
            // Lost only if the job has stopped listening, having failed itself.
            let _ = sender.blocking_send(Err(e));
        }
    });
    let actor = cx.actor();
    let mut end = None;
    while let Some(read) = receiver.recv().await {
        match read? {
            Read::Batch(batch, accepted) => {
                imports::insert_batch(
                    &state.db,
                    &cx.lease,
                    &actor,
                    import_id,
                    &batch,
                    accepted as i64,
                )
                .await?;
            }
            Read::End(accepted, rejected) => end = Some((accepted, rejected)),
        }
    }
    reader
        .await
        .map_err(|e| JobError::Retry(format!("import reader: {e}")))?;
    let (accepted, rejected) =
        end.ok_or_else(|| JobError::Retry("the import's file was not read to its end".into()))?;
    let hash = keep_rejections(state, &rejected).await?;
    let counts = Counts {
        total: (accepted + rejected.len()) as i64,
        accepted: accepted as i64,
        rejected: rejected.len() as i64,
    };
    imports::finish(&state.db, &actor, import_id, cx.job.id, counts, &hash).await?;
    Ok(json!({"total": counts.total, "accepted": counts.accepted, "rejected": counts.rejected}))
}

/// Reads an import's file for its job ([`run_import`]): sends the accepted rows after the
/// first `stored_before` in prepared batches of [`BATCH`], then the end. Stops early, with
/// `Ok`, when the job stops listening.
fn read_import(
    file: std::fs::File,
    encoding: Encoding,
    saved_mapping: Option<Mapping>,
    hash: &str,
    stored_before: usize,
    sender: &tokio::sync::mpsc::Sender<Result<Read, JobError>>,
) -> Result<(), JobError> {
    let failed = |e: ReadError| match e {
        ReadError::Io(e) => JobError::Retry(format!("file {hash}: {e}")),
        ReadError::Import(e) => JobError::Fatal(format!("file {hash}: {e}")),
    };
    let source = import::open(file, encoding).map_err(failed)?;
    let mapping = source
        .fixed_mapping
        .clone()
        .or(saved_mapping)
        .ok_or_else(|| JobError::Fatal("import without mapping".into()))?;
    let headers = source.headers.clone();
    let rows = import::check(source, headers, mapping, Utc::now().date_naive())
        .map_err(|e| JobError::Fatal(e.to_string()))?;
    let send = |batch: Vec<ImportedPerson>, accepted: usize| {
        sender
            .blocking_send(Ok(Read::Batch(PersonBatch::new(batch), accepted)))
            .is_ok()
    };
    let mut accepted = 0usize;
    let mut rejected: Vec<RejectedRow> = Vec::new();
    let mut batch: Vec<ImportedPerson> = Vec::with_capacity(BATCH);
    for outcome in rows {
        match outcome.map_err(failed)? {
            Ok(person) => {
                accepted += 1;
                if accepted > stored_before {
                    batch.push(person);
                }
            }
            Err(row) => rejected.push(row),
        }
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if !send(full, accepted) {
                return Ok(());
            }
        }
    }
    if !batch.is_empty() && !send(batch, accepted) {
        return Ok(());
    }
    let _ = sender.blocking_send(Ok(Read::End(accepted, rejected)));
    Ok(())
}

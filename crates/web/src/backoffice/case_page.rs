//! `/backoffice/cases/{case}`: everything about one case for an agent — the requester from
//! their 360° record, the answers as filed (rendered from the case's own definition version),
//! the documents with a preview and their verdicts, the whole timeline — and the forms that act
//! on it: transitions this agent may fire, reply (with canned responses), internal note,
//! assignment, priority, labels.
//!
//! Every form carries the `row_version` the agent saw and what the page showed
//! ([`Seen`]). A form posted after someone else changed the case is refused (409) and the page
//! comes back listing what changed and who did it, with the agent's text still in its box:
//! nothing is overwritten.

use super::{Definitions, iso, local_time};
use crate::{
    admin::{Errors, FieldErrors, Fields, parse_id, value},
    cases::{
        access::Access,
        collaboration,
        flow::FlowError,
        handling::{self, case as load_case},
    },
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    people::Choice,
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, NaiveDate, Utc};
use relais_domain::{
    AccountKind, Locale, Permission, Role,
    case::{EventKind, PlanError},
    collaboration::LinkSide,
    service::{
        definition::ServiceDefinition,
        form::CleanAnswers,
        sla::Priority,
        workflow::{self, FireError},
    },
};
use relais_store::{
    Change, audit, canned, case_labels, case_links, case_presence,
    cases::{self, Case, Event},
    documents::{Document, Verdict},
    people::{self, PersonRecord},
    staff_notifications, teams,
};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

/// What the page showed when the agent loaded it: every form carries it back, so that a
/// conflict can say what changed since.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seen {
    pub row_version: i64,
    pub at: Option<DateTime<Utc>>,
    pub status: String,
    pub priority: String,
    pub team: Option<Uuid>,
    pub assignee: Option<Uuid>,
    pub labels: String,
}

impl Seen {
    pub fn of(case: &Case, labels: &[String], at: DateTime<Utc>) -> Seen {
        Seen {
            row_version: case.row_version,
            at: Some(at),
            status: case.status.clone(),
            priority: case.priority.clone(),
            team: case.team_id,
            assignee: case.assignee_id,
            labels: labels.join(", "),
        }
    }

    /// From a posted form; `None` without a readable `row_version` (not one of our forms).
    pub fn from_form(fields: &Fields) -> Option<Seen> {
        let id = |name| Uuid::parse_str(value(fields, name)).ok();
        Some(Seen {
            row_version: value(fields, "row_version").parse().ok()?,
            at: DateTime::parse_from_rfc3339(value(fields, "seen_at"))
                .ok()
                .map(|t| t.with_timezone(&Utc)),
            status: value(fields, "seen_status").to_owned(),
            priority: value(fields, "seen_priority").to_owned(),
            team: id("seen_team"),
            assignee: id("seen_assignee"),
            labels: value(fields, "seen_labels").to_owned(),
        })
    }

    pub fn at_text(&self) -> String {
        self.at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
            .unwrap_or_default()
    }

    pub fn team_text(&self) -> String {
        self.team.map(|t| t.to_string()).unwrap_or_default()
    }

    pub fn assignee_text(&self) -> String {
        self.assignee.map(|t| t.to_string()).unwrap_or_default()
    }
}

/// One difference between what the agent saw and the case now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    Status { from: String, to: String },
    Priority { from: String, to: String },
    Team,
    Assignee,
    Labels { from: String, to: String },
}

/// What changed on the case since the agent loaded the page (fields only; new timeline
/// entries are listed from the timeline).
pub fn differences(seen: &Seen, case: &Case, labels: &[String]) -> Vec<Difference> {
    let mut out = Vec::new();
    if seen.status != case.status {
        out.push(Difference::Status {
            from: seen.status.clone(),
            to: case.status.clone(),
        });
    }
    if seen.priority != case.priority {
        out.push(Difference::Priority {
            from: seen.priority.clone(),
            to: case.priority.clone(),
        });
    }
    if seen.team != case.team_id {
        out.push(Difference::Team);
    }
    if seen.assignee != case.assignee_id {
        out.push(Difference::Assignee);
    }
    let now = labels.join(", ");
    if seen.labels != now {
        out.push(Difference::Labels {
            from: seen.labels.clone(),
            to: now,
        });
    }
    out
}

/// A refusal shown at the top of the page.
pub struct Conflict {
    /// What changed, one sentence each.
    pub changes: Vec<String>,
    /// Who changed the case since, and when.
    pub by: Vec<String>,
}

/// A document as listed.
pub struct DocView {
    pub doc: Document,
    /// The form field or required document it answers, in the agent's language.
    pub answers: String,
    /// `image`, `pdf` or `""`: how the page previews it.
    pub preview: &'static str,
    pub size: String,
}

/// A timeline entry as shown.
pub struct EventView {
    pub at: String,
    pub iso: String,
    pub actor: String,
    pub kind: String,
    pub detail: String,
    pub body: Option<String>,
    pub public: bool,
    /// Arrived after the agent loaded the page (shown in a conflict).
    pub new: bool,
    /// The reference of the merged duplicate this entry comes from.
    pub from_case: Option<String>,
}

/// A link to another case, as this case sees it.
pub struct LinkView {
    pub other_id: Uuid,
    pub reference: String,
    pub side: String,
    pub status: String,
}

/// Values typed in the page's forms, kept when the page comes back with an error.
#[derive(Default)]
pub struct Typed {
    pub body: String,
    pub note: String,
    pub comment: String,
    pub transition: String,
    pub labels: Option<String>,
    pub reason: String,
    pub reason_document: Option<Uuid>,
    pub link_reference: String,
    pub link_kind: String,
    pub merge_reference: String,
}

#[derive(Template)]
#[template(path = "backoffice/case.html")]
struct CaseTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    errors: Errors,
    refusal: Option<String>,
    conflict: Option<Conflict>,
    seen: Seen,
    current: Case,
    service: String,
    status: String,
    status_kind: String,
    closed: bool,
    submitted: (String, String),
    first_response_due: Option<(String, String)>,
    resolution_due: Option<(String, String)>,
    deadline: Option<(String, String)>,
    requester: Option<PersonRecord>,
    requester_account: Option<String>,
    other_cases: Vec<(Uuid, String, String)>,
    answers: Vec<(String, String)>,
    corrections: Vec<String>,
    documents: Vec<DocView>,
    timeline: Vec<EventView>,
    transitions: Vec<Choice>,
    teams: Vec<Choice>,
    agents: Vec<Choice>,
    priorities: Vec<Choice>,
    labels: Vec<String>,
    canned: Vec<Choice>,
    can_write: bool,
    typed: Typed,
    links: Vec<LinkView>,
    link_choices: Vec<Choice>,
    merged_into: Option<(Uuid, String)>,
    merged_from: Vec<(Uuid, String)>,
    followers: Vec<String>,
    following: bool,
    /// Colleagues who had the case on screen in the last minutes: (name, time, ISO time).
    present: Vec<(String, String, String)>,
    handles: String,
}

impl CaseTpl<'_> {
    fn open_for_minutes(&self) -> i64 {
        relais_domain::collaboration::OPEN_FOR_MINUTES
    }
    /// Whether the rejection reason typed for this document came back with an error.
    fn reason_for(&self, id: &Uuid) -> bool {
        self.typed.reason_document == Some(*id)
    }
    fn labels_text(&self) -> String {
        self.typed
            .labels
            .clone()
            .unwrap_or_else(|| self.labels.join(", "))
    }
    fn team_name(&self) -> Option<&str> {
        self.teams
            .iter()
            .find(|t| t.selected && !t.value.is_empty())
            .map(|t| t.label.as_str())
    }
    fn agent_name(&self) -> Option<&str> {
        self.agents
            .iter()
            .find(|t| t.selected && !t.value.is_empty())
            .map(|t| t.label.as_str())
    }
    fn priority_name(&self) -> String {
        self.ctx
            .t(&format!("catalogue-priority-{}", self.current.priority))
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    pub notice: Option<String>,
    /// A canned response to start the reply from.
    pub canned: Option<String>,
}

const NOTICES: &[&str] = &[
    "case-replied",
    "case-noted",
    "case-transitioned",
    "case-assigned",
    "case-priority-saved",
    "case-labels-saved",
    "case-document-checked",
    "case-filed",
    "case-linked",
    "case-unlinked",
    "case-merged",
    "case-followed",
    "case-unfollowed",
];

/// The case of the path, if the signed-in staff member may reach it (404 otherwise, as for a
/// case that does not exist): every page and action on a case starts here.
pub(super) async fn case_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<Case> {
    let id = parse_id(id)?;
    Ok(access_of(state, ctx).await?.case(state, id).await?)
}

/// What the signed-in staff member may reach.
pub(crate) async fn access_of(state: &AppState, ctx: &Ctx) -> AppResult<Access> {
    let user = ctx.user.as_deref().ok_or(AppError::SignInNeeded)?;
    let role = ctx.role().ok_or(AppError::Forbidden)?;
    Ok(Access::of(state, ctx.tenant.id, user.id, role).await?)
}

pub(super) fn title_in(locale: Locale, fr: &str, en: &str) -> String {
    match locale {
        Locale::En if !en.trim().is_empty() => en.to_owned(),
        _ => fr.to_owned(),
    }
}

pub(super) fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

/// The media types a browser shows safely inline (no SVG: it can carry scripts).
pub fn preview_kind(media_type: &str) -> &'static str {
    match media_type {
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" => "image",
        "application/pdf" => "pdf",
        _ => "",
    }
}

/// The label of a status in `locale`, from an event's `{"fr": …, "en": …}` or the definition.
fn status_name(
    ctx: &Ctx,
    definition: Option<&ServiceDefinition>,
    data: &Value,
    key: &str,
) -> String {
    let id = data.get(key).and_then(Value::as_str).unwrap_or("");
    if let Some(label) = data.get(format!("{key}_label")) {
        let fr = label.get("fr").and_then(Value::as_str).unwrap_or("");
        let en = label.get("en").and_then(Value::as_str).unwrap_or("");
        if !fr.is_empty() {
            return title_in(ctx.locale, fr, en);
        }
    }
    definition
        .and_then(|d| d.workflow.status(id))
        .map_or_else(|| id.to_owned(), |s| s.label.get(ctx.locale).to_owned())
}

fn event_view(
    ctx: &Ctx,
    definition: Option<&ServiceDefinition>,
    e: &Event,
    since: Option<DateTime<Utc>>,
) -> EventView {
    let data: Value = serde_json::from_str(&e.data).unwrap_or(Value::Null);
    let text = |k: &str| data.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let kind = EventKind::parse(&e.kind);
    let detail = match kind {
        Some(EventKind::Submitted) => ctx.t1(
            "event-detail-channel",
            "channel",
            ctx.t(&format!("catalogue-channel-{}", text("channel"))),
        ),
        Some(EventKind::StatusChanged) => format!(
            "{} → {}",
            status_name(ctx, definition, &data, "from"),
            status_name(ctx, definition, &data, "to")
        ),
        Some(EventKind::Assigned) => {
            let mut parts = Vec::new();
            if let Some(t) = data.get("team").and_then(Value::as_str) {
                parts.push(ctx.t1("event-detail-team", "team", t));
            }
            if let Some(a) = data.get("assignee").and_then(Value::as_str) {
                parts.push(ctx.t1("event-detail-assignee", "agent", a));
            }
            if parts.is_empty() {
                ctx.t("event-detail-unassigned")
            } else {
                parts.join(", ")
            }
        }
        Some(EventKind::PriorityChanged) => format!(
            "{} → {}",
            ctx.t(&format!("catalogue-priority-{}", text("from"))),
            ctx.t(&format!("catalogue-priority-{}", text("to")))
        ),
        Some(EventKind::DocumentValidated | EventKind::DocumentRejected) => text("file_name"),
        Some(EventKind::MessageToRequester) => text("subject"),
        Some(EventKind::Automation) => {
            let actions: Vec<String> = data
                .get("actions")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|a| {
                            let kind = a.get("action").and_then(Value::as_str).unwrap_or("");
                            let outcome = a.get("outcome").and_then(Value::as_str).unwrap_or("");
                            let outcome = if outcome == "done" {
                                ctx.t("bulk-done")
                            } else {
                                ctx.t(outcome)
                            };
                            format!(
                                "{} : {outcome}",
                                ctx.t(&format!("automation-action-{kind}"))
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "{} — {}",
                ctx.t1("automation-ran", "rule", text("rule")),
                actions.join(" ; ")
            )
        }
        Some(EventKind::CorrectionsRequested) => data
            .get("fields")
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(Value::as_str)
                    .map(|id| {
                        definition
                            .and_then(|d| d.form.field(id))
                            .map_or_else(|| id.to_owned(), |f| f.label.get(ctx.locale).to_owned())
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        Some(EventKind::Note) => data
            .get("mentions")
            .and_then(Value::as_array)
            .filter(|m| !m.is_empty())
            .map(|m| {
                ctx.t1(
                    "event-detail-mentions",
                    "names",
                    m.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .unwrap_or_default(),
        Some(EventKind::Linked) => format!(
            "{} {}",
            ctx.t(&format!("case-link-side-{}", text("side"))),
            text("reference")
        ),
        Some(EventKind::Unlinked) => text("reference"),
        Some(EventKind::Merged) => match data.get("into").and_then(Value::as_str) {
            Some(into) => ctx.t1("event-detail-merged-into", "reference", into),
            None => ctx.t1("event-detail-merged-from", "reference", text("from")),
        },
        Some(EventKind::DeadlineSet) => data
            .get("deadline_at")
            .and_then(|v| serde_json::from_value::<DateTime<Utc>>(v.clone()).ok())
            .map(|d| local_time(ctx, &d))
            .unwrap_or_default(),
        _ => String::new(),
    };
    EventView {
        at: local_time(ctx, &e.at),
        iso: iso(&e.at),
        actor: e.actor_label.clone(),
        kind: ctx.t(&format!("event-{}", e.kind)),
        detail,
        body: e.body.clone(),
        public: e.public,
        new: since.is_some_and(|s| e.at > s),
        from_case: None,
    }
}

/// Renders the case page. `since` is the moment the agent loaded the page before a refused
/// post (its later timeline entries are marked new).
#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    ctx: &Ctx,
    case: Case,
    notice: Option<String>,
    errors: Errors,
    refusal: Option<String>,
    conflict: Option<Conflict>,
    since: Option<DateTime<Utc>>,
    typed: Typed,
    status: StatusCode,
) -> AppResult<Response> {
    let tenant_id = ctx.tenant.id;
    let role = ctx.role().unwrap_or(Role::Viewer);
    let can_write = ctx.can(Permission::Write);
    let mut definitions = Definitions::default();
    let definition = definitions
        .load(state, tenant_id, case.service_id, case.service_version)
        .await
        .cloned();
    let service = relais_store::services::get(&state.db, tenant_id, case.service_id)
        .await?
        .map(|s| title_in(ctx.locale, &s.title_fr, &s.title_en))
        .unwrap_or_default();
    let status_label =
        definitions.status_label(ctx, case.service_id, case.service_version, &case.status);
    let closed = workflow::StatusKind::ALL
        .into_iter()
        .find(|k| k.as_str() == case.status_kind)
        .is_some_and(|k| k.is_closed());
    let labels = case_labels::of_case(&state.db, tenant_id, case.id).await?;
    let requester = match case.requester_person_id {
        Some(id) => people::person_record(&state.db, tenant_id, id, None).await?,
        None => None,
    };
    let requester_account = match case.requester_account_id {
        Some(id) => relais_store::accounts::get(&state.db, tenant_id, id)
            .await?
            .map(|a| a.email),
        None => None,
    };
    let other_cases = match case.requester_person_id {
        Some(person) => {
            cases::list_for(&state.db, tenant_id, cases::Owner::Person(person), None, 6)
                .await?
                .into_iter()
                .filter(|c| c.id != case.id)
                .take(5)
                .map(|c| (c.id, c.reference.clone(), local_time(ctx, &c.submitted_at)))
                .collect()
        }
        None => Vec::new(),
    };
    let answers = definition
        .as_ref()
        .map(|d| {
            d.form
                .summary(&CleanAnswers::from_stored(case.answers_map()), ctx.locale)
                .into_iter()
                .map(|(label, value)| (label.get(ctx.locale).to_owned(), value))
                .collect()
        })
        .unwrap_or_default();
    let field_label = |id: &str| -> String {
        definition
            .as_ref()
            .and_then(|d| {
                d.form
                    .field(id)
                    .map(|f| f.label.get(ctx.locale).to_owned())
                    .or_else(|| {
                        d.documents
                            .iter()
                            .find(|r| r.id == id)
                            .map(|r| r.label.get(ctx.locale).to_owned())
                    })
            })
            .unwrap_or_else(|| id.to_owned())
    };
    let corrections = case
        .correction_field_ids()
        .iter()
        .map(|id| field_label(id))
        .collect();
    let documents = cases::documents(&state.db, tenant_id, case.id)
        .await?
        .into_iter()
        .map(|(doc, field)| DocView {
            answers: field.as_deref().map(field_label).unwrap_or_default(),
            preview: preview_kind(&doc.media_type),
            size: size_text(doc.size_bytes),
            doc,
        })
        .collect();
    let merged_into = case_links::merged_into(&state.db, tenant_id, case.id).await?;
    let merged_from = case_links::merged_from(&state.db, tenant_id, case.id).await?;
    let timeline = timeline_of(state, ctx, &case, definition.as_ref(), &merged_from, since).await?;
    let mut links = Vec::new();
    for l in access_of(state, ctx).await?.links(state, case.id).await? {
        definitions
            .load(
                state,
                tenant_id,
                l.other_service_id,
                l.other_service_version,
            )
            .await;
        links.push(LinkView {
            side: ctx.t(&format!("case-link-side-{}", l.side().as_str())),
            status: definitions.status_label(
                ctx,
                l.other_service_id,
                l.other_service_version,
                &l.other_status,
            ),
            other_id: l.other_id,
            reference: l.other_reference,
        });
    }
    let link_choices = LinkSide::CHOICES
        .into_iter()
        .map(|side| Choice {
            selected: typed.link_kind == side.as_str(),
            value: side.as_str().to_owned(),
            label: ctx.t(&format!("case-link-choice-{}", side.as_str())),
        })
        .collect();
    let me = ctx.user.as_ref().map(|u| u.id);
    let following = match me {
        Some(me) => staff_notifications::is_following(&state.db, tenant_id, case.id, me).await?,
        None => false,
    };
    let followers = staff_notifications::followers(&state.db, tenant_id, case.id).await?;
    // Showing the page is having the case open: this staff member's look is recorded and
    // the colleagues seen on it lately are named, so that two agents do not both act.
    let present = match me {
        Some(me) => {
            let now = Utc::now();
            case_presence::touch(&state.db, tenant_id, case.id, me, now).await?;
            let since =
                now - chrono::Duration::minutes(relais_domain::collaboration::OPEN_FOR_MINUTES);
            case_presence::others(&state.db, tenant_id, case.id, me, since)
                .await?
                .into_iter()
                .map(|p| (p.display_name, local_time(ctx, &p.seen_at), iso(&p.seen_at)))
                .collect()
        }
        None => Vec::new(),
    };
    let handles = if can_write {
        collaboration::mentionable(state, tenant_id, &case)
            .await?
            .iter()
            .map(|a| format!("@{}", relais_domain::collaboration::handle_of(&a.email)))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        String::new()
    };
    let transitions = definition
        .as_ref()
        .map(|d| {
            d.workflow
                .available(&case.status, workflow::Actor::Staff(role))
                .into_iter()
                .map(|t| Choice {
                    selected: typed.transition == t.id,
                    value: t.id.clone(),
                    label: format!(
                        "{} → {}",
                        t.label.get(ctx.locale),
                        d.workflow
                            .status(&t.to)
                            .map_or(t.to.as_str(), |s| s.label.get(ctx.locale))
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut team_choices = vec![Choice {
        value: String::new(),
        label: ctx.t("case-no-team"),
        selected: case.team_id.is_none(),
    }];
    team_choices.extend(
        teams::list(&state.db, tenant_id)
            .await?
            .into_iter()
            .map(|t| Choice {
                selected: Some(t.id) == case.team_id,
                value: t.id.to_string(),
                label: t.name,
            }),
    );
    let mut agent_choices = vec![Choice {
        value: String::new(),
        label: ctx.t("case-no-agent"),
        selected: case.assignee_id.is_none(),
    }];
    agent_choices.extend(
        relais_store::accounts::list(&state.db, tenant_id, AccountKind::Staff)
            .await?
            .into_iter()
            .filter(|a| {
                (!a.disabled && a.role().is_some_and(|r| r != Role::Viewer))
                    || Some(a.id) == case.assignee_id
            })
            .map(|a| Choice {
                selected: Some(a.id) == case.assignee_id,
                value: a.id.to_string(),
                label: a.display_name,
            }),
    );
    let priorities = Priority::ALL
        .into_iter()
        .map(|p| Choice {
            selected: p.as_str() == case.priority,
            value: p.as_str().to_owned(),
            label: ctx.t(&format!("catalogue-priority-{}", p.as_str())),
        })
        .collect();
    let canned = canned::list(&state.db, tenant_id)
        .await?
        .into_iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: c.title_in(ctx.locale).to_owned(),
            selected: false,
        })
        .collect();
    let pair = |t: &Option<DateTime<Utc>>| t.as_ref().map(|t| (local_time(ctx, t), iso(t)));
    let seen = Seen::of(&case, &labels, Utc::now());
    let r = render(&CaseTpl {
        ctx,
        notice,
        errors,
        refusal,
        conflict,
        service,
        status: status_label,
        status_kind: ctx.t(&format!("catalogue-status-{}", case.status_kind)),
        closed,
        submitted: (local_time(ctx, &case.submitted_at), iso(&case.submitted_at)),
        first_response_due: if case.first_response_at.is_none() {
            pair(&case.first_response_due_at)
        } else {
            None
        },
        resolution_due: pair(&case.resolution_due_at),
        deadline: pair(&case.deadline_at),
        seen,
        requester,
        requester_account,
        other_cases,
        answers,
        corrections,
        documents,
        timeline,
        transitions,
        teams: team_choices,
        agents: agent_choices,
        priorities,
        labels,
        canned,
        can_write,
        typed,
        links,
        link_choices,
        merged_into,
        merged_from,
        followers,
        following,
        present,
        handles,
        current: case,
    })?;
    Ok((status, r).into_response())
}

/// The case's timeline, with the entries of the duplicates merged into it (each marked with
/// its reference), oldest first.
pub(super) async fn timeline_of(
    state: &AppState,
    ctx: &Ctx,
    case: &Case,
    definition: Option<&ServiceDefinition>,
    merged_from: &[(Uuid, String)],
    since: Option<DateTime<Utc>>,
) -> AppResult<Vec<EventView>> {
    let tenant_id = ctx.tenant.id;
    let mut all: Vec<(DateTime<Utc>, EventView)> =
        cases::events(&state.db, tenant_id, case.id, false)
            .await?
            .iter()
            .map(|e| (e.at, event_view(ctx, definition, e, since)))
            .collect();
    let mut definitions = Definitions::default();
    for (id, reference) in merged_from {
        let Some(other) = cases::get(&state.db, tenant_id, *id).await? else {
            continue;
        };
        let def = definitions
            .load(state, tenant_id, other.service_id, other.service_version)
            .await;
        for e in cases::events(&state.db, tenant_id, other.id, false).await? {
            let mut view = event_view(ctx, def, &e, since);
            view.from_case = Some(reference.clone());
            all.push((e.at, view));
        }
    }
    all.sort_by_key(|(at, _)| *at);
    Ok(all.into_iter().map(|(_, v)| v).collect())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::UseBackOffice)?;
    let case = case_of(&state, &ctx, &id).await?;
    // A staff read of personal data is recorded.
    audit::append(
        &state.db,
        &ctx.actor(),
        Change::new("case.view", "case", case.id, serde_json::json!({})),
    )
    .await?;
    // Opening the case reads its notifications.
    staff_notifications::mark_read(&state.db, ctx.tenant.id, me.id, Some(case.id)).await?;
    let mut typed = Typed::default();
    if let Some(canned_id) = q.canned.as_deref().filter(|c| !c.is_empty()) {
        let canned_id = parse_id(canned_id)?;
        let response = canned::get(&state.db, ctx.tenant.id, canned_id)
            .await?
            .ok_or(AppError::NotFound)?;
        typed.body = fill_canned(&state, &ctx, &case, &me.display_name, &response).await?;
    }
    let notice = q
        .notice
        .as_deref()
        .filter(|n| NOTICES.contains(n))
        .map(|n| ctx.t(n));
    page(
        &state,
        &ctx,
        case,
        notice,
        Errors::new(),
        None,
        None,
        None,
        typed,
        StatusCode::OK,
    )
    .await
}

/// A canned response with the case's values in its variables (in the requester's
/// language where it matters: the service's title).
pub(super) async fn fill_canned(
    state: &AppState,
    ctx: &Ctx,
    case: &Case,
    agent_name: &str,
    canned: &canned::CannedResponse,
) -> AppResult<String> {
    Ok(handling::fill_canned(state, &ctx.tenant, case, agent_name, canned).await?)
}

/// The message id explaining a refused transition.
pub fn plan_message(e: &PlanError) -> &'static str {
    match e {
        PlanError::CommentRequired => "case-comment-required",
        PlanError::Fire(FireError::NotAllowedForRole(_)) => "case-transition-not-allowed",
        PlanError::Fire(FireError::NotFromThisStatus { .. }) => "case-transition-not-from-status",
        PlanError::Fire(FireError::ConditionNotMet(_)) => "case-transition-condition",
        PlanError::Fire(FireError::AlreadyClosed(_)) => "case-transition-closed",
        PlanError::Fire(FireError::UnknownTransition(_) | FireError::UnknownStatus(_)) => {
            "case-transition-unknown"
        }
    }
}

/// After an action: back to the case with a notice, or the page again with what went wrong
/// (nothing was written).
async fn after(
    state: &AppState,
    ctx: &Ctx,
    case_id: Uuid,
    seen: &Seen,
    result: Result<Case, FlowError>,
    notice: &str,
    typed: Typed,
) -> AppResult<Response> {
    let err = match result {
        Ok(case) => {
            return Ok(
                Redirect::to(&format!("/backoffice/cases/{}?notice={notice}", case.id))
                    .into_response(),
            );
        }
        Err(e) => e,
    };
    let case = load_case(state, ctx.tenant.id, case_id).await?;
    let (errors, refusal, conflict, status) = match err {
        FlowError::NotFound => return Err(AppError::NotFound),
        FlowError::Store(e) => return Err(e.into()),
        FlowError::Answers(list) => {
            let errors: Errors = list
                .into_iter()
                .map(|e| (field_id(&e.field), e.code))
                .collect();
            (errors, None, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        FlowError::Plan(PlanError::CommentRequired) => (
            vec![("comment", "case-comment-required")],
            None,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        FlowError::Plan(e) => (
            Errors::new(),
            Some(ctx.t(plan_message(&e))),
            None,
            StatusCode::CONFLICT,
        ),
        FlowError::Refused(id) => (Errors::new(), Some(ctx.t(id)), None, StatusCode::CONFLICT),
        FlowError::Stale => {
            let conflict = conflict_report(state, ctx, &case, seen).await?;
            (Errors::new(), None, Some(conflict), StatusCode::CONFLICT)
        }
    };
    page(
        state, ctx, case, None, errors, refusal, conflict, seen.at, typed, status,
    )
    .await
}

/// Field ids of the page's forms (errors link to them).
fn field_id(field: &str) -> &'static str {
    match field {
        "body" => "body",
        "note" => "note",
        "team" => "team",
        "assignee" => "assignee",
        "labels" => "labels",
        "reason" => "reason",
        "priority" => "priority",
        "transition" => "transition",
        "link_reference" => "link_reference",
        "link_kind" => "link_kind",
        "merge_reference" => "merge_reference",
        _ => "comment",
    }
}

/// What changed since the agent loaded the page, and who changed it.
async fn conflict_report(
    state: &AppState,
    ctx: &Ctx,
    case: &Case,
    seen: &Seen,
) -> AppResult<Conflict> {
    let tenant_id = ctx.tenant.id;
    let labels = case_labels::of_case(&state.db, tenant_id, case.id).await?;
    let mut definitions = Definitions::default();
    definitions
        .load(state, tenant_id, case.service_id, case.service_version)
        .await;
    let status = |s: &str| definitions.status_label(ctx, case.service_id, case.service_version, s);
    let none = || ctx.t("case-nobody");
    let team_name = |id: Option<Uuid>| async move {
        match id {
            Some(id) => teams::get(&state.db, tenant_id, id)
                .await
                .ok()
                .flatten()
                .map(|t| t.name),
            None => None,
        }
    };
    let agent_name = |id: Option<Uuid>| async move {
        match id {
            Some(id) => relais_store::accounts::get(&state.db, tenant_id, id)
                .await
                .ok()
                .flatten()
                .map(|a| a.display_name),
            None => None,
        }
    };
    let mut changes = Vec::new();
    for d in differences(seen, case, &labels) {
        let (what, from, to) = match d {
            Difference::Status { from, to } => ("case-change-status", status(&from), status(&to)),
            Difference::Priority { from, to } => (
                "case-change-priority",
                ctx.t(&format!("catalogue-priority-{from}")),
                ctx.t(&format!("catalogue-priority-{to}")),
            ),
            Difference::Team => (
                "case-change-team",
                team_name(seen.team).await.unwrap_or_else(none),
                team_name(case.team_id).await.unwrap_or_else(none),
            ),
            Difference::Assignee => (
                "case-change-assignee",
                agent_name(seen.assignee).await.unwrap_or_else(none),
                agent_name(case.assignee_id).await.unwrap_or_else(none),
            ),
            Difference::Labels { from, to } => (
                "case-change-labels",
                if from.is_empty() { none() } else { from },
                if to.is_empty() { none() } else { to },
            ),
        };
        changes.push(format!("{} : {from} → {to}", ctx.t(what)));
    }
    let by = match seen.at {
        Some(at) => audit::list(
            &state.db,
            tenant_id,
            &audit::Filter {
                target_kind: Some("case".into()),
                target_id: Some(case.id.to_string()),
                from: Some(at),
                ..audit::Filter::default()
            },
            20,
        )
        .await?
        .into_iter()
        .filter(|e| {
            !matches!(
                e.action.as_str(),
                "case.view" | "case.follow" | "case.unfollow"
            )
        })
        .map(|e| {
            format!(
                "{} — {} ({})",
                local_time(ctx, &e.at),
                e.actor_label,
                action_name(ctx, &e.action)
            )
        })
        .collect(),
        None => Vec::new(),
    };
    Ok(Conflict { changes, by })
}

/// A case change of the audit log, as the conflict notice names it.
fn action_name(ctx: &Ctx, action: &str) -> String {
    const KNOWN: &[&str] = &[
        "file",
        "transition",
        "assign",
        "priority",
        "labels",
        "reply",
        "note",
        "document",
        "timers",
        "link",
        "unlink",
        "merge",
    ];
    match action.strip_prefix("case.") {
        Some(a) if KNOWN.contains(&a) => ctx.t(&format!("case-action-{a}")),
        _ => action.to_owned(),
    }
}

/// The form's `row_version` and what the page showed, or 400 for a form that is not ours.
fn seen_of(fields: &Fields) -> AppResult<Seen> {
    Seen::from_form(fields).ok_or(AppError::BadRequest)
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let case = case_of(&state, &ctx, &id).await?;
    let seen = seen_of(&fields)?;
    let body = value(&fields, "body");
    let result = handling::reply(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        case.id,
        seen.row_version,
        body,
    )
    .await;
    let typed = Typed {
        body: body.to_owned(),
        ..Typed::default()
    };
    after(&state, &ctx, case.id, &seen, result, "case-replied", typed).await
}

pub async fn note(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let case = case_of(&state, &ctx, &id).await?;
    let seen = seen_of(&fields)?;
    let body = value(&fields, "note");
    if let Err(unknown) =
        collaboration::resolve_mentions(&state, ctx.tenant.id, &case, body).await?
    {
        let refusal = ctx.t1("case-mention-unknown-named", "handles", unknown.join(", "));
        let typed = Typed {
            note: body.to_owned(),
            ..Typed::default()
        };
        return page(
            &state,
            &ctx,
            case,
            None,
            vec![("note", "case-mention-unknown")],
            Some(refusal),
            None,
            seen.at,
            typed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let result = handling::note(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        case.id,
        seen.row_version,
        body,
    )
    .await;
    let typed = Typed {
        note: body.to_owned(),
        ..Typed::default()
    };
    after(&state, &ctx, case.id, &seen, result, "case-noted", typed).await
}

pub async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::Write)?;
    let role = me.role().ok_or(AppError::Forbidden)?;
    let case = case_of(&state, &ctx, &id).await?;
    let seen = seen_of(&fields)?;
    let transition = value(&fields, "transition").trim();
    let comment = value(&fields, "comment");
    let typed = Typed {
        comment: comment.to_owned(),
        transition: transition.to_owned(),
        ..Typed::default()
    };
    if transition.is_empty() {
        let result = Err(FlowError::Answers(vec![
            relais_domain::service::form::AnswerError {
                field: "transition".into(),
                code: "case-transition-required",
            },
        ]));
        return after(&state, &ctx, case.id, &seen, result, "", typed).await;
    }
    let comment = Some(comment).filter(|c| !c.trim().is_empty());
    let result = handling::transition(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        role,
        case.id,
        seen.row_version,
        transition,
        comment,
    )
    .await;
    after(
        &state,
        &ctx,
        case.id,
        &seen,
        result,
        "case-transitioned",
        typed,
    )
    .await
}

fn optional_id(fields: &Fields, name: &'static str) -> Result<Option<Uuid>, FlowError> {
    let raw = value(fields, name).trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(raw).map(Some).map_err(|_| {
        FlowError::Answers(vec![relais_domain::service::form::AnswerError {
            field: name.into(),
            code: if name == "team" {
                "case-assign-unknown-team"
            } else {
                "case-assign-unknown-agent"
            },
        }])
    })
}

pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let case = case_of(&state, &ctx, &id).await?;
    let seen = seen_of(&fields)?;
    let result = match (
        optional_id(&fields, "team"),
        optional_id(&fields, "assignee"),
    ) {
        (Ok(team), Ok(agent)) => {
            handling::assign(
                &state,
                &ctx.tenant,
                &ctx.actor(),
                case.id,
                seen.row_version,
                team,
                agent,
            )
            .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    after(
        &state,
        &ctx,
        case.id,
        &seen,
        result,
        "case-assigned",
        Typed::default(),
    )
    .await
}

pub async fn priority(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let case = case_of(&state, &ctx, &id).await?;
    let seen = seen_of(&fields)?;
    let result = match Priority::parse(value(&fields, "priority")) {
        Some(p) => {
            handling::set_priority(
                &state,
                &ctx.tenant,
                &ctx.actor(),
                case.id,
                seen.row_version,
                p,
            )
            .await
        }
        None => Err(FlowError::Answers(vec![
            relais_domain::service::form::AnswerError {
                field: "priority".into(),
                code: "cases-invalid-priority",
            },
        ])),
    };
    after(
        &state,
        &ctx,
        case.id,
        &seen,
        result,
        "case-priority-saved",
        Typed::default(),
    )
    .await
}

pub async fn labels(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let case = case_of(&state, &ctx, &id).await?;
    let seen = seen_of(&fields)?;
    let input = value(&fields, "labels");
    let result = handling::set_labels(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        case.id,
        seen.row_version,
        input,
    )
    .await;
    let typed = Typed {
        labels: Some(input.to_owned()),
        ..Typed::default()
    };
    after(
        &state,
        &ctx,
        case.id,
        &seen,
        result,
        "case-labels-saved",
        typed,
    )
    .await
}

pub async fn link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::Write)?;
    let role = me.role().ok_or(AppError::Forbidden)?;
    let case = case_of(&state, &ctx, &id).await?;
    let seen = seen_of(&fields)?;
    let reference = value(&fields, "link_reference");
    let kind = value(&fields, "link_kind");
    let result = collaboration::link(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        role,
        case.id,
        reference,
        kind,
    )
    .await;
    let typed = Typed {
        link_reference: reference.to_owned(),
        link_kind: kind.to_owned(),
        ..Typed::default()
    };
    after(&state, &ctx, case.id, &seen, result, "case-linked", typed).await
}

pub async fn unlink(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, other)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::Write)?;
    let role = me.role().ok_or(AppError::Forbidden)?;
    let case = case_of(&state, &ctx, &id).await?;
    let other = parse_id(&other)?;
    let seen = seen_of(&fields)?;
    let result =
        collaboration::unlink(&state, &ctx.tenant, &ctx.actor(), role, case.id, other).await;
    after(
        &state,
        &ctx,
        case.id,
        &seen,
        result,
        "case-unlinked",
        Typed::default(),
    )
    .await
}

pub async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::Write)?;
    let role = me.role().ok_or(AppError::Forbidden)?;
    let case = case_of(&state, &ctx, &id).await?;
    let seen = seen_of(&fields)?;
    let reference = value(&fields, "merge_reference");
    let result = collaboration::merge(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        role,
        case.id,
        seen.row_version,
        reference,
    )
    .await;
    let typed = Typed {
        merge_reference: reference.to_owned(),
        ..Typed::default()
    };
    after(&state, &ctx, case.id, &seen, result, "case-merged", typed).await
}

/// Follow or stop following (`follow` = `yes` or `no`); any staff member who may use the
/// back office, viewers included: it changes nothing on the case.
pub async fn follow(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let case = case_of(&state, &ctx, &id).await?;
    let on = match value(&fields, "follow") {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest),
    };
    collaboration::follow(&state, &ctx.tenant, &ctx.actor(), case.id, on).await?;
    let notice = if on {
        "case-followed"
    } else {
        "case-unfollowed"
    };
    Ok(Redirect::to(&format!("/backoffice/cases/{}?notice={notice}", case.id)).into_response())
}

pub async fn check_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, document)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let case = case_of(&state, &ctx, &id).await?;
    let document_id = parse_id(&document)?;
    let seen = seen_of(&fields)?;
    let reason = value(&fields, "reason");
    let typed = Typed {
        reason: reason.to_owned(),
        reason_document: Some(document_id),
        ..Typed::default()
    };
    let result = match value(&fields, "verdict") {
        "valid" => {
            let until = value(&fields, "valid_until").trim();
            let until = if until.is_empty() {
                Ok(None)
            } else {
                NaiveDate::parse_from_str(until, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| {
                        FlowError::Answers(vec![relais_domain::service::form::AnswerError {
                            field: "reason".into(),
                            code: "cases-invalid-date",
                        }])
                    })
            };
            match until {
                Ok(until) => {
                    handling::check_document(
                        &state,
                        &ctx.tenant,
                        &ctx.actor(),
                        case.id,
                        seen.row_version,
                        document_id,
                        Verdict::Valid { until },
                    )
                    .await
                }
                Err(e) => Err(e),
            }
        }
        "rejected" => {
            handling::check_document(
                &state,
                &ctx.tenant,
                &ctx.actor(),
                case.id,
                seen.row_version,
                document_id,
                Verdict::Rejected { reason },
            )
            .await
        }
        _ => return Err(AppError::BadRequest),
    };
    after(
        &state,
        &ctx,
        case.id,
        &seen,
        result,
        "case-document-checked",
        typed,
    )
    .await
}

/// A document of the case, for staff: images and PDFs inline (the preview), anything else
/// as a download; the name is sent as given, encoded for the header.
pub async fn document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, document)): Path<(String, String)>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let case = case_of(&state, &ctx, &id).await?;
    let document_id = parse_id(&document)?;
    let (doc, _) = cases::documents(&state.db, ctx.tenant.id, case.id)
        .await?
        .into_iter()
        .find(|(d, _)| d.id == document_id)
        .ok_or(AppError::NotFound)?;
    audit::append(
        &state.db,
        &ctx.actor(),
        Change::new(
            "document.view",
            "document",
            doc.id,
            serde_json::json!({"case_id": case.id}),
        ),
    )
    .await?;
    let bytes = state.files.get(&doc.file_hash).await?;
    let inline = !preview_kind(&doc.media_type).is_empty();
    let content_type = if inline {
        HeaderValue::from_str(&doc.media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream"))
    } else {
        HeaderValue::from_static("application/octet-stream")
    };
    let disposition =
        content_disposition(if inline { "inline" } else { "attachment" }, &doc.file_name);
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response();
    // The case page shows the preview in a frame of its own origin; nothing else may frame
    // it, and nothing in it may run.
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'",
        ),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(response)
}

/// `inline; filename="…"; filename*=UTF-8''…`: an ASCII fallback without quotes or control
/// characters, and the exact name percent-encoded (RFC 6266).
pub fn content_disposition(kind: &str, name: &str) -> HeaderValue {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_name_is_safe_in_its_header() {
        let v = content_disposition("inline", "Pièce \"d'identité\".pdf\r\nX: y");
        let s = v.to_str().unwrap();
        assert!(
            s.starts_with("inline; filename=\"Pi_ce _d'identit__.pdf__X: y\""),
            "{s}"
        );
        assert!(
            s.contains("filename*=UTF-8''Pi%C3%A8ce%20%22d%27identit%C3%A9%22.pdf%0D%0AX%3A%20y"),
            "{s}"
        );
    }

    #[test]
    fn only_safe_types_preview_inline() {
        assert_eq!(preview_kind("image/png"), "image");
        assert_eq!(preview_kind("application/pdf"), "pdf");
        assert_eq!(preview_kind("image/svg+xml"), "");
        assert_eq!(preview_kind("text/html"), "");
    }
}

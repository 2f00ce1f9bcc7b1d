//! The back office's case pages: the agents' views (`/backoffice/cases`), the case page with
//! everything an agent does to a case, and filing a case for someone who called, came to the
//! counter or wrote. The changes themselves live in `crate::cases::handling` (and
//! `crate::cases::flow` for filing and transitions), so the JSON API shares them.
//!
//! Staff with `UseBackOffice` read; `Write` acts. Ids are looked up in the request's tenant
//! only: another tenant's case is a 404.

use crate::{ctx::Ctx, state::AppState};
use axum::{
    Router,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use relais_domain::service::definition::ServiceDefinition;
use std::collections::HashMap;
use uuid::Uuid;

mod board;
pub(crate) mod bulk;
pub(crate) mod case_page;
mod filing;
pub mod list;
mod notifications;
mod print;

pub use case_page::{Difference, Seen, differences, plan_message};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/backoffice/cases", get(list::list))
        .route("/backoffice/cases/views", post(list::save_view))
        .route(
            "/backoffice/cases/bulk",
            get(bulk::back_to_list).post(bulk::bulk),
        )
        .route(
            "/backoffice/cases/views/{view}/delete",
            post(list::delete_view),
        )
        .route(
            "/backoffice/cases/new",
            get(filing::show).post(filing::file),
        )
        .route("/backoffice/board", get(board::show))
        .route("/backoffice/board/reassign", post(board::reassign))
        .route(
            "/backoffice/board/agents/{account}",
            get(board::agent).post(board::agent_save),
        )
        .route("/backoffice/availability", post(board::my_availability))
        .route("/backoffice/cases/{case}", get(case_page::show))
        .route("/backoffice/cases/{case}/reply", post(case_page::reply))
        .route("/backoffice/cases/{case}/notes", post(case_page::note))
        .route(
            "/backoffice/cases/{case}/transition",
            post(case_page::transition),
        )
        .route("/backoffice/cases/{case}/assign", post(case_page::assign))
        .route(
            "/backoffice/cases/{case}/priority",
            post(case_page::priority),
        )
        .route("/backoffice/cases/{case}/labels", post(case_page::labels))
        .route(
            "/backoffice/cases/{case}/documents/{document}",
            get(case_page::document),
        )
        .route(
            "/backoffice/cases/{case}/documents/{document}/check",
            post(case_page::check_document),
        )
        .route("/backoffice/cases/{case}/links", post(case_page::link))
        .route(
            "/backoffice/cases/{case}/links/{other}/delete",
            post(case_page::unlink),
        )
        .route("/backoffice/cases/{case}/merge", post(case_page::merge))
        .route("/backoffice/cases/{case}/follow", post(case_page::follow))
        .route("/backoffice/cases/{case}/print", get(print::show))
        .route("/backoffice/notifications", get(notifications::list))
        .route(
            "/backoffice/notifications/read",
            post(notifications::mark_all_read),
        )
}

/// A time as the tenant's clock shows it, `dd/mm/yyyy hh:mm`.
pub fn local_time(ctx: &Ctx, at: &DateTime<Utc>) -> String {
    relais_domain::case::to_local(*at, &ctx.tenant.time_zone)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The `datetime` attribute of a `<time>` (UTC, whole seconds).
pub fn iso(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Definitions of the service versions a page shows, each read once.
#[derive(Default)]
pub struct Definitions(HashMap<(Uuid, i32), Option<std::sync::Arc<ServiceDefinition>>>);

impl Definitions {
    pub async fn load(
        &mut self,
        state: &AppState,
        tenant_id: Uuid,
        service_id: Uuid,
        version: i32,
    ) -> Option<&ServiceDefinition> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry((service_id, version))
        {
            slot.insert(
                crate::cases::flow::definition(state, tenant_id, service_id, version)
                    .await
                    .ok(),
            );
        }
        self.0
            .get(&(service_id, version))
            .and_then(Option::as_ref)
            .map(|d| &**d)
    }

    /// The status's label in the visitor's language (its id if the definition lacks it).
    pub fn status_label(&self, ctx: &Ctx, service_id: Uuid, version: i32, status: &str) -> String {
        self.0
            .get(&(service_id, version))
            .and_then(Option::as_ref)
            .and_then(|d| d.workflow.status(status))
            .map_or_else(|| status.to_owned(), |s| s.label.get(ctx.locale).to_owned())
    }
}

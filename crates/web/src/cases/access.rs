//! Which cases a staff member may reach: the one check every back-office page, the JSON API,
//! bulk actions and the 360° timeline go through.
//!
//! The rule is `relais_domain::collaboration::can_see`: supervisors and administrators see
//! every case of their tenant; agents and viewers see the cases of the services routed to one
//! of their teams and of the services without a routing rule. A case out of reach answers
//! exactly like a case that does not exist (404, "not found" in a bulk action), so its
//! existence is not revealed; lists and counts leave it out (`case_views::Scope`). Whether
//! the staff member may change it (`Permission::Write`, not viewers) is checked by the handler
//! as before; this only decides which cases exist for them.

use super::flow::{FlowError, FlowResult};
use crate::AppState;
use relais_domain::{Role, collaboration};
use relais_store::case_views::Scope;
use relais_store::cases::{self, Case};
use relais_store::{routing, teams};
use uuid::Uuid;

/// What one staff member may reach in their tenant.
#[derive(Debug, Clone)]
pub struct Access {
    pub tenant_id: Uuid,
    pub account_id: Uuid,
    pub role: Role,
    /// Services whose cases are out of reach (empty for supervisors and administrators).
    hidden: Vec<Uuid>,
}

impl Access {
    /// Reads the tenant's routing rules and the staff member's teams once.
    pub async fn of(
        state: &AppState,
        tenant_id: Uuid,
        account_id: Uuid,
        role: Role,
    ) -> FlowResult<Access> {
        let mut hidden = Vec::new();
        if !matches!(role, Role::Admin | Role::Supervisor) {
            let mine: Vec<Uuid> = teams::of_account(&state.db, tenant_id, account_id)
                .await?
                .into_iter()
                .map(|t| t.id)
                .collect();
            hidden = routing::rules(&state.db, tenant_id)
                .await?
                .into_iter()
                .filter(|r| !collaboration::can_see(role, &mine, Some(r.team_id)))
                .map(|r| r.service_id)
                .collect();
            hidden.sort_unstable();
        }
        Ok(Access {
            tenant_id,
            account_id,
            role,
            hidden,
        })
    }

    /// Whether the cases of `service_id` are within reach.
    pub fn sees(&self, service_id: Uuid) -> bool {
        self.hidden.binary_search(&service_id).is_err()
    }

    /// The same rule for the lists and counts of the store.
    pub fn scope(&self) -> Scope {
        Scope {
            hidden_services: self.hidden.clone(),
        }
    }

    /// The case's links to other cases, without those out of reach: a link must not show
    /// the reference and status of a case the reader cannot open.
    pub async fn links(
        &self,
        state: &AppState,
        case_id: Uuid,
    ) -> FlowResult<Vec<relais_store::case_links::LinkRow>> {
        let mut links = relais_store::case_links::list(&state.db, self.tenant_id, case_id).await?;
        links.retain(|l| self.sees(l.other_service_id));
        Ok(links)
    }

    /// The case, if it exists in the tenant and is within reach; `NotFound` otherwise.
    pub async fn case(&self, state: &AppState, case_id: Uuid) -> FlowResult<Case> {
        cases::get(&state.db, self.tenant_id, case_id)
            .await?
            .filter(|c| self.sees(c.service_id))
            .ok_or(FlowError::NotFound)
    }
}

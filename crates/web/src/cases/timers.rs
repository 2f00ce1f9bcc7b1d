//! The timer loop: every few seconds, the cases whose `next_timer_at` has come are looked at
//! again (service-level warning and breach, workflow timeouts). Several processes may run it
//! at once: each change is an optimistic write, so a case is never handled twice.

use super::flow;
use crate::AppState;
use chrono::Utc;
use relais_store::{cases, tenants};
use std::time::Duration;

/// How many due cases one pass handles at most.
const BATCH: i64 = 500;

/// Handles every case due now; returns how many were looked at.
pub async fn run_due(state: &AppState) -> Result<usize, flow::FlowError> {
    let due = cases::due_timers(&state.db, Utc::now(), BATCH).await?;
    let mut tenant_cache: Vec<tenants::Tenant> = Vec::new();
    for (tenant_id, case_id) in &due {
        let tenant = match tenant_cache.iter().find(|t| t.id == *tenant_id) {
            Some(t) => t.clone(),
            None => match tenants::by_id(&state.db, *tenant_id).await? {
                Some(t) => {
                    tenant_cache.push(t.clone());
                    t
                }
                None => continue,
            },
        };
        if let Err(e) = flow::run_timers(state, &tenant, *case_id).await {
            tracing::warn!(case = %case_id, error = ?e, "case timers failed");
        }
    }
    Ok(due.len())
}

/// Runs [`run_due`] forever, every `every`.
pub async fn run_forever(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = run_due(&state).await {
            tracing::warn!(error = ?e, "case timer pass failed");
        }
    }
}

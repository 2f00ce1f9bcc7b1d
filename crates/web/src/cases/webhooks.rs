//! Webhooks of workflow transitions: POSTed after the transition is written, retried a
//! few times, and the outcome written on the case's staff timeline either way.

use crate::AppState;
use crate::http_client;
use relais_domain::case::EventKind;
use relais_store::{Actor, cases, cases::NewEvent};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

/// Waits between attempts: the receiver gets three chances over about half a minute.
const BACKOFF: [Duration; 2] = [Duration::from_secs(2), Duration::from_secs(10)];
const TIMEOUT: Duration = Duration::from_secs(10);

pub async fn deliver(state: AppState, tenant_id: Uuid, case_id: Uuid, url: String, payload: Value) {
    let mut attempts = 0;
    let outcome = loop {
        attempts += 1;
        let result = http_client::post_json(&url, &payload, TIMEOUT).await;
        let done = matches!(result, Ok(status) if (200..300).contains(&status));
        if done || attempts > BACKOFF.len() {
            break result;
        }
        tokio::time::sleep(BACKOFF[attempts - 1]).await;
    };
    let data = match &outcome {
        Ok(status) => {
            json!({"url": url, "status": status, "ok": (200..300).contains(status), "attempts": attempts})
        }
        Err(e) => json!({"url": url, "error": e.to_string(), "ok": false, "attempts": attempts}),
    };
    if !data["ok"].as_bool().unwrap_or(false) {
        tracing::warn!(case = %case_id, url = %url, "webhook not delivered");
    }
    let event = NewEvent::new(EventKind::WebhookCalled, data);
    let actor = Actor::system(tenant_id, "relais");
    if let Err(e) = cases::append_events(&state.db, &actor, case_id, &[event]).await {
        tracing::warn!(case = %case_id, error = %e, "webhook outcome not recorded");
    }
}

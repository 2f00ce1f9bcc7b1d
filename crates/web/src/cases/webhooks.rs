//! Webhooks of workflow transitions. The call is queued as a job in the same transaction as
//! the transition (so a written step always gets its call, even if the process stops right
//! after), then POSTed by the job runner, retried with a growing wait when the receiver fails,
//! and each attempt's outcome written on the case's staff timeline.

use crate::http_client;
use crate::jobs::{JobContext, JobError, JobFuture, JobHandler};
use relais_domain::case::EventKind;
use relais_store::{cases, cases::NewEvent, jobs::NewJob};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

pub const KIND: &str = "case.webhook";
/// Five attempts over about two and a half minutes (the runner waits 10 s, 20 s, 40 s, 80 s).
const MAX_ATTEMPTS: i32 = 5;
const TIMEOUT: Duration = Duration::from_secs(10);

/// The job that POSTs `payload` to `url` for `case_id`.
pub fn job(case_id: Uuid, url: &str, payload: Value) -> NewJob<'static> {
    NewJob {
        max_attempts: MAX_ATTEMPTS,
        ..NewJob::new(
            KIND,
            json!({"case_id": case_id, "url": url, "payload": payload}),
        )
    }
}

pub struct WebhookJob;

impl JobHandler for WebhookJob {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn run<'a>(&'a self, cx: &'a JobContext) -> JobFuture<'a> {
        Box::pin(deliver(cx))
    }
}

async fn deliver(cx: &JobContext) -> Result<Value, JobError> {
    let p = &cx.job.payload;
    let (Some(case_id), Some(url)) = (
        p["case_id"].as_str().and_then(|s| Uuid::parse_str(s).ok()),
        p["url"].as_str(),
    ) else {
        return Err(JobError::Fatal("webhook job without case or url".into()));
    };
    let attempt = cx.job.attempts;
    let last = attempt >= cx.job.max_attempts;
    let result = http_client::post_json(url, &p["payload"], TIMEOUT).await;
    let (ok, data) = match &result {
        Ok(status) => {
            let ok = (200..300).contains(status);
            (
                ok,
                json!({"url": url, "status": status, "ok": ok, "attempt": attempt, "final": ok || last}),
            )
        }
        Err(e) => (
            false,
            json!({"url": url, "error": e.to_string(), "ok": false, "attempt": attempt, "final": last}),
        ),
    };
    if !ok {
        tracing::warn!(case = %case_id, url = %url, attempt, "webhook not delivered");
    }
    let event = NewEvent::new(EventKind::WebhookCalled, data.clone());
    cases::append_events(&cx.state.db, &cx.actor(), case_id, &[event]).await?;
    if ok {
        Ok(data)
    } else {
        Err(JobError::Retry(format!("webhook to {url} failed: {data}")))
    }
}

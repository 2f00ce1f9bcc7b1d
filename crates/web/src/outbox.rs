//! Sending the mail outbox (`relais_store::outbox`): the `mail.send` job handler, and
//! [`queue`] for mails that are not written with a store change of their own. No request
//! ever waits for a mail server: it writes the mail and answers; the job runner (woken at
//! once in this process) sends it through the tenant's mailer as it is configured at that
//! moment, tries again with a growing wait when the server is away or slow, and gives up at
//! once on a permanent refusal (an SMTP 5xx answer).

use crate::{
    jobs::{JobContext, JobError, JobFuture, JobHandler},
    state::AppState,
};
use relais_store::{Actor, outbox::OutboxMail};
use serde_json::json;

/// How long one attempt may wait for the mail server before it counts as failed (the
/// SMTP transport also gives up on a silent server after 20 seconds per step).
const SEND_WAIT: std::time::Duration = std::time::Duration::from_secs(90);

/// Queues mails and wakes this process's runners. A mail that cannot even be queued (the
/// database is away) is logged with what it was for.
pub async fn queue(state: &AppState, actor: &Actor, mails: &[OutboxMail]) {
    if mails.is_empty() {
        return;
    }
    match relais_store::outbox::queue(&state.db, actor, mails).await {
        Ok(()) => crate::jobs::wake(state),
        Err(e) => {
            for mail in mails {
                tracing::error!(error = %e, purpose = %mail.purpose, "mail not queued");
            }
        }
    }
}

/// A mail for the outbox.
pub fn mail(
    to: impl Into<String>,
    subject: impl Into<String>,
    text: impl Into<String>,
    purpose: &str,
) -> OutboxMail {
    OutboxMail {
        to: to.into(),
        subject: subject.into(),
        text: text.into(),
        purpose: purpose.to_owned(),
    }
}

/// Sends one queued mail.
pub struct MailJob;

impl JobHandler for MailJob {
    fn kind(&self) -> &'static str {
        relais_store::outbox::KIND
    }

    fn run<'a>(&'a self, cx: &'a JobContext) -> JobFuture<'a> {
        Box::pin(async move {
            let mail = relais_store::outbox::mail_of(&cx.job)
                .ok_or_else(|| JobError::Fatal("not a mail".into()))?;
            let mailer = crate::tenant_mail::mailer(&cx.state, cx.job.tenant_id).await;
            let via = mailer.describe();
            let sent = tokio::time::timeout(
                SEND_WAIT,
                mailer.send(relais_mail::Mail {
                    to: mail.to.clone(),
                    subject: mail.subject.clone(),
                    text: mail.text.clone(),
                    html: None,
                }),
            )
            .await;
            match sent {
                Ok(Ok(())) => {
                    relais_store::outbox::forget_text(
                        &cx.state.db,
                        cx.job.tenant_id,
                        cx.job.id,
                        &mail,
                    )
                    .await?;
                    Ok(json!({ "via": via }))
                }
                Ok(Err(e)) if e.is_permanent() => Err(JobError::Fatal(e.to_string())),
                Ok(Err(e)) => Err(JobError::Retry(e.to_string())),
                Err(_) => Err(JobError::Retry(format!(
                    "no answer from the mail server within {} seconds",
                    SEND_WAIT.as_secs()
                ))),
            }
        })
    }
}

//! The mail outbox. Every outgoing mail is a `mail.send` job in the `jobs` table, written in
//! the transaction of the change that causes it where the store does that change
//! (`CaseWrite::mails`), else right after it ([`queue`]); the job runner sends it later with
//! the tenant's mail settings of that moment (`relais_web::outbox`). A mail accepted here is
//! never lost to a mail server that is slow, away or refusing: it is tried again with a
//! growing wait, and its state (queued, sent, failed with the reason) is listed for the
//! tenant's administrators.
//!
//! The audit log records who queued a mail to whom and why, never its text (a sign-up or
//! reset link is a secret); the text is blanked from the job once the mail is sent.

use crate::{Actor, Db, Result, db::BeginWrite, db::on_pool, jobs};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

/// The job kind of an outgoing mail.
pub const KIND: &str = "mail.send";

/// Attempts before a mail that keeps failing is given up (waits of 10 s, 20 s, 40 s… in
/// between: about 20 minutes in all).
pub const MAX_ATTEMPTS: i32 = 8;

/// One mail to send.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutboxMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// What the mail is for (`case.acknowledgement`, `case.message`, `signup`…), shown to
    /// administrators and kept in the audit log.
    pub purpose: String,
}

/// Stands for the case's reference in a mail written before the case is filed.
pub const REFERENCE: &str = "{{reference}}";
/// Stands for the case's id in a mail written before the case is filed.
pub const CASE_ID: &str = "{{case}}";

/// The mail with [`REFERENCE`] and [`CASE_ID`] filled in.
pub fn fill(mail: &OutboxMail, reference: &str, case_id: Uuid) -> OutboxMail {
    let id = case_id.to_string();
    let f = |s: &str| s.replace(REFERENCE, reference).replace(CASE_ID, &id);
    OutboxMail {
        to: mail.to.clone(),
        subject: f(&mail.subject),
        text: f(&mail.text),
        purpose: mail.purpose.clone(),
    }
}

/// The INSERT of a mail's job and its audit row, inside the caller's transaction.
macro_rules! insert_mail {
    ($tx:expr, $actor:expr, $mail:expr) => {{
        let actor: &$crate::Actor = $actor;
        let mail: &$crate::outbox::OutboxMail = $mail;
        let id = relais_domain::new_id();
        let now = chrono::Utc::now();
        sqlx::query(
            "INSERT INTO jobs (tenant_id, id, kind, payload, state, progress_done, attempts,
                max_attempts, run_after, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'queued', 0, 0, $5, $6, $7, $6, $6)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind($crate::outbox::KIND)
        .bind(sqlx::types::Json(mail))
        .bind($crate::outbox::MAX_ATTEMPTS)
        .bind(now)
        .bind(actor.account_id)
        .execute(&mut *$tx)
        .await?;
        $crate::audit::record!(
            $tx,
            actor,
            $crate::Change::new(
                "mail.queue",
                "job",
                id,
                serde_json::json!({"to": mail.to, "purpose": mail.purpose})
            )
        );
    }};
}
pub(crate) use insert_mail;

/// Queues mails in the actor's tenant, in one transaction.
pub async fn queue(db: &Db, actor: &Actor, mails: &[OutboxMail]) -> Result<()> {
    if mails.is_empty() {
        return Ok(());
    }
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        for mail in mails {
            insert_mail!(tx, actor, mail);
        }
        tx.commit().await?;
        Ok(())
    })
}

/// The mail a job carries (`None` when the payload is not one).
pub fn mail_of(job: &jobs::Job) -> Option<OutboxMail> {
    serde_json::from_value(job.payload.clone()).ok()
}

/// The tenant's latest mails, newest first.
pub async fn list(db: &Db, tenant_id: Uuid, limit: i64) -> Result<Vec<jobs::Job>> {
    jobs::list(db, tenant_id, KIND, limit).await
}

/// Blanks the text of a sent mail (it may hold a link that is a secret); recipient, subject
/// and purpose stay for the administrators' list.
pub async fn forget_text(db: &Db, tenant_id: Uuid, job_id: Uuid, mail: &OutboxMail) -> Result<()> {
    let kept = OutboxMail {
        text: String::new(),
        ..mail.clone()
    };
    let payload: Value = serde_json::to_value(&kept).unwrap_or(Value::Null);
    on_pool!(db, |p| sqlx::query(
        "UPDATE jobs SET payload = $3 WHERE tenant_id = $1 AND id = $2 AND kind = $4"
    )
    .bind(tenant_id)
    .bind(job_id)
    .bind(Json(&payload))
    .bind(KIND)
    .execute(p)
    .await
    .map(|_| ())
    .map_err(Into::into))
}
